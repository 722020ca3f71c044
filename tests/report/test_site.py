"""The run's HTML report, built from a small run folder made here (no browser: see
test_browser.py for the page in Chromium)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import altair as alt
import nbformat
import polars as pl
import pytest

from analysis.report import site
from analysis.report.outputs import RunOutputs

DOC_A = "a" * 64
DOC_B = "b" * 64
HOSTILE = "<script>alert('x')</script> Astana & <b>Moscow</b>"


def data_of(page: str) -> dict[str, object]:
    """The JSON the page's script reads, by element id."""
    found = re.findall(r'<script type="application/json" id="data-([^"]+)">(.*?)</script>', page)
    return {key: json.loads(text) for key, text in found}


@pytest.fixture
def run(tmp_path: Path) -> Path:
    """A run folder: two notebooks, their tables and a chart, as the runner leaves them."""
    run = tmp_path / "run"
    out = RunOutputs(run)
    documents = pl.DataFrame(
        {"doc_id": [DOC_A, DOC_B], "source": ["kz/a.txt", HOSTILE], "status": ["ok", "ok"]}
    )
    out.table(documents, "documents", sort_by=["doc_id"])
    out.table(pl.DataFrame({"status": ["ok"], "inputs": [2], "bytes": [10]}), "intake_summary")
    out.table(
        pl.DataFrame(
            {
                "doc_id": [DOC_A, DOC_B],
                "outlet": ["Kazinform", None],
                "title": ["Astana hosts talks", HOSTILE],
                "published_at": ["2024-03-14", None],
            }
        ),
        "provenance",
        sort_by=["doc_id"],
    )
    out.table(
        pl.DataFrame(
            {
                "doc_id": [DOC_A],
                "field": ["title"],
                "value": ["Astana hosts talks"],
                "method": ["page header"],
                "start": [0],
                "end": [18],
                "snippet": ["Astana hosts talks"],
            }
        ),
        "provenance_evidence",
        sort_by=["doc_id"],
    )
    chart = out.chart(
        alt.Chart(pl.DataFrame({"x": [1, 2], "y": ["a", HOSTILE]}), title="Test")
        .mark_bar()
        .encode(x="x:Q", y="y:N"),
        "document_lengths",
    )
    bundle, shown = chart._repr_mimebundle_()
    notebooks = run / "notebooks"
    notebooks.mkdir()
    first = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell(f"# 00 · Corpus inventory\n\nText {HOSTILE}"),
            nbformat.v4.new_code_cell("corpus = 'seeds'", metadata={"tags": ["parameters"]}),
            nbformat.v4.new_markdown_cell("## Intake"),
            nbformat.v4.new_code_cell(
                'out.table(docs, "documents")',
                outputs=[
                    nbformat.v4.new_output(
                        "execute_result", bundle, metadata=shown, execution_count=1
                    )
                ],
            ),
        ]
    )
    nbformat.write(first, notebooks / "00_corpus.ipynb")
    second = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# 01 · Source provenance"),
            nbformat.v4.new_code_cell('out.table(p, "provenance")'),
        ]
    )
    nbformat.write(second, notebooks / "01_provenance.ipynb")
    return run


RECORD = {
    "run_id": "20261204T000000.000000Z",
    "status": "succeeded",
    "started_at": "2026-12-04T00:00:00+00:00",
    "duration_s": 12.5,
    "parameters": {"corpus": "seeds", "n_boot": 50},
    "inputs": {"corpus": "seeds", "documents_by_status": {"ok": 2}},
}


def test_the_report_holds_each_notebook_in_order_with_its_charts_and_tables(run):
    written = site.write_report(run, RECORD, {"corpus": "seeds", "n_boot": 1000})
    assert [p.relative_to(run).as_posix() for p in written] == [
        "report/index.html",
        "report/00_corpus.html",
        "report/01_provenance.html",
    ]
    page = written[0].read_text(encoding="utf-8")
    # notebooks in order; a table right after the cell that writes it, the others after
    order = [
        page.index('id="nb-00_corpus"'),
        page.index("<h3>Intake</h3>"),
        page.index('id="chart-document_lengths"'),
        page.index('id="table-documents"'),
        page.index("Other tables of this notebook"),
        page.index('id="table-intake_summary"'),
        page.index('id="nb-01_provenance"'),
        page.index('id="table-provenance"'),
        page.index('id="parameters"'),
    ]
    assert order == sorted(order)
    assert "provenance_evidence" not in page.split('id="nb-01_provenance"')[0]
    assert '<a href="../charts/document_lengths.svg">SVG</a>' in page
    assert '<a href="../tables/documents.parquet">Parquet</a>' in page
    # the summary and the parameter that differs from params.yaml
    assert "<tr><th>documents</th><td>2 ok</td></tr>" in page
    assert "<tr><th>outlets</th><td>2: Kazinform (1), (unknown) (1)</td></tr>" in page
    assert (
        '<tr class="changed"><th><code>n_boot</code></th><td><code>50</code> (default 1000)' in page
    )
    data = data_of(page)
    assert data["table-documents"]["rows"] == [[DOC_A, "kz/a.txt", "ok"], [DOC_B, HOSTILE, "ok"]]
    assert data["table-documents"]["doc_columns"] == ["doc_id"]
    spec = next(v for k, v in data.items() if k.startswith("spec-"))
    assert spec == json.loads((run / "charts" / "document_lengths.vl.json").read_text())


def test_document_cards_carry_each_value_with_its_evidence(run):
    page = site.write_report(run, RECORD)[0].read_text(encoding="utf-8")
    cards = data_of(page)["docs"]
    assert cards[DOC_A] == {
        "source": "kz/a.txt",
        "status": "ok",
        "fields": {
            "outlet": "Kazinform",
            "title": "Astana hosts talks",
            "published_at": "2024-03-14",
        },
        "evidence": [["title", "Astana hosts talks", "page header", 0, 18, "Astana hosts talks"]],
        "label": "Astana hosts talks",
    }
    # labelled as the charts label documents (charts.document_names: title cut to 40)
    assert cards[DOC_B]["evidence"] == [] and cards[DOC_B]["label"] == HOSTILE[:39] + "…"


def test_corpus_text_never_becomes_markup(run):
    written = site.write_report(run, RECORD)
    page = written[0].read_text(encoding="utf-8")
    assert "<script>alert" not in page and "<b>Moscow" not in page
    assert "Text &lt;script&gt;alert('x')&lt;/script&gt; Astana &amp; &lt;b&gt;Moscow" in page
    # every script element is one of the report's own: the JSON data, the bundle, its script
    scripts = re.findall(r"<script([^>]*)>", page)
    assert {s for s in scripts if "application/json" not in s} == {""}
    assert len([s for s in scripts if "application/json" not in s]) == 2
    for exported in written[1:]:
        text = exported.read_text(encoding="utf-8")
        assert "<script>alert" not in text
        assert not re.search(r"<script[^>]+src=\"https?:", text), exported.name


def test_a_table_embeds_at_most_its_row_and_byte_budget(tmp_path):
    path = tmp_path / "t.parquet"
    pl.DataFrame(
        {
            "doc_id": [f"{i:064d}" for i in range(500)],
            "text": ["x" * 1000] * 500,
            "more": ["y" * 300] * 500,
            "n": list(range(500)),
            "share": [0.5] * 499 + [float("nan")],
            "tags": [["a", "b"]] * 500,
        }
    ).write_parquet(path)
    payload = site.table_payload(path, "t")
    assert payload["total"] == 500
    assert payload["kinds"] == ["text", "text", "text", "number", "number", "text"]
    assert payload["rows"][0][1] == "x" * (site.CELL_CHARS - 1) + "…"
    assert payload["rows"][0][5] == '["a", "b"]'
    # two 160-character cells a row: the byte budget stops it before ROWS rows
    size = sum(len(json.dumps(row, ensure_ascii=False)) for row in payload["rows"])
    one = len(json.dumps(payload["rows"][0], ensure_ascii=False))
    assert len(payload["rows"]) < site.ROWS and site.TABLE_BYTES - one < size <= site.TABLE_BYTES
    short = tmp_path / "s.parquet"
    pl.DataFrame({"n": list(range(500)), "x": [float("inf")] * 500}).write_parquet(short)
    rows = site.table_payload(short, "s")["rows"]
    assert len(rows) == site.ROWS and rows[0] == [0, "inf"]


def test_script_json_cannot_close_its_element():
    value = {"a": "</script><script>alert(1)</script>", "b": "&amp; <!--", "c": [1.5, None]}
    text = site.script_json(value)
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == value


def test_a_page_its_notebook_process_exported_is_kept_and_a_stale_one_made_again(run):
    import os

    executed = run / "notebooks" / "00_corpus.ipynb"
    page = site.export_page(executed)
    assert page == run / "report" / "00_corpus.html"
    page.write_text("exported before", encoding="utf-8")  # newer than its notebook: kept
    site.write_report(run, RECORD)
    assert page.read_text(encoding="utf-8") == "exported before"
    old = executed.stat().st_mtime_ns - 10**9
    os.utime(page, ns=(old, old))  # the notebook written after its page: exported again
    site.write_report(run, RECORD)
    fresh = page.read_text(encoding="utf-8")
    assert fresh.startswith("<!DOCTYPE html>") and "Intake" in fresh


def test_the_vega_scripts_are_bundled_once_and_kept_in_the_cache(monkeypatch, tmp_path):
    import vl_convert

    calls = []
    real = vl_convert.javascript_bundle
    monkeypatch.setattr(vl_convert, "javascript_bundle", lambda: calls.append(1) or real())
    monkeypatch.setenv("ANALYSIS_CACHE", str(tmp_path / "cache"))
    first = site.javascript_bundle()
    assert site.javascript_bundle() == first and len(calls) == 1
    assert first == real() and "vegaEmbed" in first and len(first) > 100_000
    assert (tmp_path / "cache" / site.BUNDLE_STEP / site.bundle_version()).is_dir()
