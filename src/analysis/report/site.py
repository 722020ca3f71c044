"""The run's HTML report: one page a researcher can open offline and send to a co-author.

:func:`write_report` writes ``report/index.html`` into a run folder, from what the run wrote:

- the summary (run id, status, corpus, documents by status, outlets, dates, words) and every
  parameter, marked where it differs from ``params.yaml``;
- each executed notebook in order: its narrative (the markdown cells), every chart (drawn by
  Vega-Lite in the page, with links to the SVG, PNG and spec files beside it), and the tables it
  wrote, each placed after the cell that writes it: at most :data:`ROWS` rows (and about
  :data:`TABLE_BYTES` bytes) embedded, paged, sortable and filterable, and linked to its full
  Parquet and CSV files;
- a card for every document named in the rows shown (up to :data:`DOC_CARDS`): its source,
  outlet, title, author, date, and each provenance value with its method, character offsets and
  snippet (``provenance_evidence``).

The page works without a network: the Vega, Vega-Lite and vega-embed libraries come from the
installed ``vl-convert-python`` (:func:`vl_convert.javascript_bundle`) and are written into the
page, as is the charts' one font (:func:`analysis.report.fonts.page_css`); the page's own script
and style are data files of the package (``data/report/``). Corpus
text never becomes markup: the narrative's markdown is rendered with raw HTML escaped, tables
and cards are built by the script with ``textContent``, and JSON in ``<script>`` elements has
``<``, ``>`` and ``&`` escaped.

Each executed notebook is also exported to ``report/<notebook>.html`` with nbconvert (its lab
template, without the MathJax, require.js and mermaid scripts it would fetch; charts appear as
their SVG).
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import json
import logging
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import nbformat
import polars as pl

from analysis import registry
from analysis.core.cache import cache_root, load_result, store_result
from analysis.core.data import read_text
from analysis.report import fonts
from analysis.report.outputs import cell_writes

__all__ = [
    "CELL_CHARS",
    "DOC_CARDS",
    "REPORT_DIR",
    "ROWS",
    "TABLE_BYTES",
    "bundle_version",
    "export_notebook",
    "export_page",
    "javascript_bundle",
    "script_json",
    "table_payload",
    "write_report",
]

#: The report's folder inside a run.
REPORT_DIR = "report"
#: Most rows of a table embedded in the page (the full table is linked).
ROWS = 200
#: About the most bytes of JSON embedded for one table: long rows mean fewer of them.
TABLE_BYTES = 60_000
#: Longest text shown in a table cell before it is cut with an ellipsis.
CELL_CHARS = 160
#: Most documents given a card (source, provenance values and their evidence).
DOC_CARDS = 400
#: Columns that hold a document id: their cells open the document's card.
DOC_COLUMNS = ("doc_id", "doc_a", "doc_b", "duplicate_of")
#: Provenance fields shown on a document's card, in this order.
CARD_FIELDS = ("outlet", "title", "author", "published_at", "dateline", "language")

_VEGALITE = "application/vnd.vegalite."
_CHART_NAME = re.compile(r"^<chart ([a-z0-9_]+):")


def script_json(value: Any) -> str:
    """``value`` as JSON that is safe inside a ``<script>`` element of an HTML page.

    Non-finite floats become ``null`` (``JSON.parse`` refuses ``NaN``); ``<``, ``>`` and ``&``
    are written as ``\\u003c``, ``\\u003e`` and ``\\u0026``, so no text can close the element.

    >>> script_json({"t": "</script><b>", "x": float("nan")})
    '{"t":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e","x":null}'
    """
    text = json.dumps(_finite(value), ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _finite(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def _cell(value: Any) -> Any:
    """A table value as the page shows it: numbers and booleans as they are, text cut."""
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, dt.date | dt.datetime | dt.time):
        text = value.isoformat()
    elif isinstance(value, list | dict | tuple):
        text = json.dumps(value, ensure_ascii=False, default=str)
    else:
        text = str(value)
    return text if len(text) <= CELL_CHARS else text[: CELL_CHARS - 1] + "…"


def _kind(dtype: pl.DataType) -> str:
    if dtype.is_numeric():
        return "number"
    if dtype == pl.Boolean:
        return "boolean"
    return "text"


def table_payload(path: Path, name: str) -> dict[str, Any]:
    """The first rows of a written table, ready for the page: columns, kinds, cut cells.

    At most :data:`ROWS` rows, and no more once :data:`TABLE_BYTES` bytes of JSON are reached
    (at least one row when there is one); ``total`` is the row count of the whole file.
    """
    scan = pl.scan_parquet(path)
    total = int(scan.select(pl.len()).collect().item())
    head = scan.head(ROWS).collect()
    rows: list[list[Any]] = []
    size = 0
    for row in head.iter_rows():
        cells = [_cell(v) for v in row]
        size += len(json.dumps(cells, ensure_ascii=False, default=str))
        if rows and size > TABLE_BYTES:
            break
        rows.append(cells)
    return {
        "name": name,
        "columns": head.columns,
        "kinds": [_kind(t) for t in head.dtypes],
        "doc_columns": [c for c in head.columns if c in DOC_COLUMNS],
        "rows": rows,
        "total": total,
    }


@functools.cache
def _exporter() -> Any:
    """nbconvert's HTML exporter, its templates loaded once per process."""
    import jinja2
    from nbconvert import HTMLExporter

    template = (
        "{%- extends 'lab/index.html.j2' -%}\n"
        "{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}\n"
        "{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}\n"
        "{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}\n"
    )
    exporter = HTMLExporter(
        extra_loaders=[jinja2.DictLoader({"offline.html.j2": template})],
        template_file="offline.html.j2",
        sanitize_html=True,
    )
    exporter.log.setLevel(logging.ERROR)  # "alternative text is missing" for every chart's SVG
    return exporter


def export_page(executed: Path) -> Path:
    """Export the executed notebook ``executed`` (``<run>/notebooks/<name>.ipynb``) to its page
    ``<run>/report/<name>.html`` (:func:`export_notebook`). The runner's notebook processes do
    it as each notebook ends, so :func:`write_report` finds the pages made."""
    folder = executed.parent.parent / REPORT_DIR
    folder.mkdir(exist_ok=True)
    return export_notebook(nbformat.read(executed, as_version=4), folder / f"{executed.stem}.html")


def _page_of(executed: Path, nb: nbformat.NotebookNode, folder: Path) -> Path:
    """The page of ``executed``: the one its process exported, if written after the notebook
    (:func:`export_page`), else exported now."""
    target = folder / f"{executed.stem}.html"
    try:
        if target.stat().st_mtime_ns >= executed.stat().st_mtime_ns:
            return target
    except OSError:
        pass
    return export_notebook(nb, target)


#: The cache folder of :func:`javascript_bundle`.
BUNDLE_STEP = "vl_bundle"


def bundle_version() -> str:
    """The version :func:`javascript_bundle` is cached under: vl-convert's."""
    import vl_convert

    return f"vl-convert-{vl_convert.__version__}"  # type: ignore[attr-defined]


def javascript_bundle() -> str:
    """Vega, Vega-Lite and vega-embed as one script (:func:`vl_convert.javascript_bundle`),
    the same for a given vl-convert; bundled once and kept in the analysis cache (0.9 s)."""
    import vl_convert

    root, version = cache_root(), bundle_version()
    stored = load_result(root, BUNDLE_STEP, version, "bundle")
    if isinstance(stored, pl.DataFrame) and stored.columns == ["js"]:
        return str(stored["js"][0])
    bundle = str(vl_convert.javascript_bundle())  # type: ignore[call-arg]  # the stub needs a snippet
    store_result(root, BUNDLE_STEP, version, "bundle", pl.DataFrame({"js": [bundle]}))
    return bundle


def export_notebook(notebook: nbformat.NotebookNode, target: Path) -> Path:
    """Write an executed notebook as a standalone HTML page that fetches nothing.

    nbconvert's lab template, minus the script tags that load MathJax, require.js and mermaid
    from a CDN; output HTML is sanitized (``sanitize_html``), so a table cell holding
    ``<script>`` stays text.
    """
    body, _ = _exporter().from_notebook_node(notebook)
    target.write_text(body, encoding="utf-8")
    return target


def _markdown(text: str) -> str:
    import mistune

    class Renderer(mistune.HTMLRenderer):
        def heading(self, text: str, level: int, **attrs: Any) -> str:
            # the page's title is the one h1; a notebook's own headings sit one level below
            return super().heading(text, min(level + 1, 6), **attrs)

    render = mistune.create_markdown(
        escape=True, renderer=Renderer(escape=True), plugins=["table", "strikethrough"]
    )
    return str(render(text))


def _charts(cell: nbformat.NotebookNode) -> Iterator[tuple[str, dict[str, Any]]]:
    for output in cell.get("outputs", []):
        data = output.get("data", {})
        spec = next((v for k, v in data.items() if k.startswith(_VEGALITE)), None)
        if spec is None:
            continue
        found = _CHART_NAME.match(str(data.get("text/plain", "")))
        yield (found.group(1) if found else "chart"), dict(spec)


class _Page:
    """Collects the page's parts and the JSON the script reads."""

    def __init__(self, run_dir: Path) -> None:
        self.run_dir = run_dir
        self.charts: dict[str, int] = {}
        self.parts: list[str] = []
        self.data: dict[str, Any] = {}
        self.doc_ids: dict[str, None] = {}

    def add(self, *markup: str) -> None:
        self.parts.extend(markup)

    def chart(self, name: str, spec: dict[str, Any]) -> None:
        key = f"spec-{len(self.data)}"
        self.charts[name] = self.charts.get(name, 0) + 1
        anchor = name if self.charts[name] == 1 else f"{name}-{self.charts[name]}"
        self.data[key] = spec
        links = [
            f'<a href="../charts/{name}.{ext}">{label}</a>'
            for ext, label in (("svg", "SVG"), ("png", "PNG"), ("vl.json", "Vega-Lite spec"))
            if (self.run_dir / "charts" / f"{name}.{ext}").is_file()
        ]
        fallback = (
            f'<noscript><img src="../charts/{name}.svg" alt="chart {name}"></noscript>'
            if (self.run_dir / "charts" / f"{name}.svg").is_file()
            else ""
        )
        self.add(
            f'<figure class="chart" id="chart-{anchor}" data-spec="{key}" data-name="{name}">'
            f'<div class="vega"></div>{fallback}'
            f"<figcaption>{name} · {' · '.join(links)}</figcaption></figure>"
        )

    def table(self, table: registry.Table) -> None:
        parquet = self.run_dir / "tables" / f"{table.name}.parquet"
        if not parquet.is_file():
            return
        payload = table_payload(parquet, table.name)
        for column in payload["doc_columns"]:
            index = payload["columns"].index(column)
            self.doc_ids.update((row[index], None) for row in payload["rows"] if row[index])
        key = f"table-{table.name}"
        self.data[key] = payload
        links = [f'<a href="../tables/{table.name}.parquet">Parquet</a>']
        if parquet.with_suffix(".csv").is_file():
            links.append(f'<a href="../tables/{table.name}.csv">CSV</a>')
        shown = len(payload["rows"])
        self.add(
            f'<section class="table" id="{key}"><h4><code>{table.name}</code></h4>'
            f'<p class="meta">{payload["total"]:,} rows × {len(payload["columns"])} columns'
            + (f"; the first {shown:,} are shown here" if shown < payload["total"] else "")
            + f" · {' · '.join(links)}</p>"
            f'<div class="table-view" data-source="{key}"></div></section>'
        )


def _summary(run_dir: Path, record: Mapping[str, Any]) -> list[tuple[str, str]]:
    tables = run_dir / "tables"
    rows: list[tuple[str, str]] = [
        ("run", str(record.get("run_id", run_dir.name))),
        ("status", str(record.get("status", ""))),
        ("started", str(record.get("started_at", ""))),
        ("corpus", str(record.get("inputs", {}).get("corpus") or "")),
    ]
    if record.get("duration_s") is not None:
        rows.append(("duration", f"{record['duration_s']} s"))
    git = record.get("git") or {}
    if git.get("commit"):
        edits = " (with edits)" if git.get("dirty") else ""
        rows.append(("code", f"git {git['commit'][:12]}{edits}"))
    counts = record.get("inputs", {}).get("documents_by_status") or {}
    if counts:
        rows.append(("documents", ", ".join(f"{n:,} {s}" for s, n in sorted(counts.items()))))
    provenance = tables / "provenance.parquet"
    if provenance.is_file():
        scan = pl.scan_parquet(provenance)
        outlets = (
            scan.group_by("outlet")
            .len()
            .sort(["len", "outlet"], descending=[True, False], nulls_last=True)
            .collect()
        )
        top = ", ".join(f"{o or '(unknown)'} ({n:,})" for o, n in outlets.head(8).iter_rows())
        more = f", and {outlets.height - 8:,} more" if outlets.height > 8 else ""
        rows.append(("outlets", f"{outlets.height:,}: {top}{more}"))
        dates = scan.select(
            pl.col("published_at").min().alias("first"), pl.col("published_at").max().alias("last")
        ).collect()
        first, last = dates.row(0)
        if first is not None:
            rows.append(("published", f"{first} to {last}"))
    readability = tables / "readability.parquet"
    if readability.is_file():
        words = pl.scan_parquet(readability).select(pl.col("words").sum()).collect().item()
        rows.append(("words in clean bodies", f"{int(words or 0):,}"))
    return rows


def _cards(run_dir: Path, doc_ids: Sequence[str]) -> dict[str, Any]:
    """Each document's card: source, provenance fields, and the evidence of each value."""
    tables = run_dir / "tables"
    wanted = list(doc_ids)[:DOC_CARDS]
    cards: dict[str, Any] = {d: {"source": None, "fields": {}, "evidence": []} for d in wanted}
    documents = tables / "documents.parquet"
    if documents.is_file():
        found = (
            pl.scan_parquet(documents)
            .filter(pl.col("doc_id").is_in(wanted))
            .select("doc_id", "source", "status")
            .collect()
        )
        for doc_id, source, status in found.iter_rows():
            cards[doc_id].update(source=source, status=status)
    provenance = tables / "provenance.parquet"
    if provenance.is_file():
        scan = pl.scan_parquet(provenance)
        columns = [c for c in CARD_FIELDS if c in scan.collect_schema()]
        found = scan.filter(pl.col("doc_id").is_in(wanted)).select("doc_id", *columns).collect()
        for row in found.iter_rows(named=True):
            doc_id = row.pop("doc_id")
            cards[doc_id]["fields"] = {k: _cell(v) for k, v in row.items()}
    evidence = tables / "provenance_evidence.parquet"
    if evidence.is_file():
        found = (
            pl.scan_parquet(evidence)
            .filter(pl.col("doc_id").is_in(wanted))
            .select("doc_id", "field", "value", "method", "start", "end", "snippet")
            .collect()
        )
        for doc_id, *rest in found.iter_rows():
            cards[doc_id]["evidence"].append([_cell(v) for v in rest])
    from analysis.report.charts import document_names  # the charts' names for documents

    named = [(d, c["source"], c["fields"].get("title")) for d, c in cards.items() if c["source"]]
    frame = pl.DataFrame(named, schema=["doc_id", "source", "title"], orient="row")
    labels = document_names(frame) if named else {}
    for card in cards.values():
        card["label"] = labels.get(card["source"])
    return cards


def _parameters(record: Mapping[str, Any], defaults: Mapping[str, Any]) -> str:
    rows = []
    for name, value in sorted((record.get("parameters") or {}).items()):
        changed = name in defaults and defaults[name] != value
        mark = ' class="changed"' if changed else ""
        note = f" (default {html.escape(json.dumps(defaults[name]))})" if changed else ""
        rows.append(
            f"<tr{mark}><th><code>{html.escape(name)}</code></th>"
            f"<td><code>{html.escape(json.dumps(value, ensure_ascii=False))}</code>{note}</td></tr>"
        )
    return '<table class="plain">' + "".join(rows) + "</table>"


def _notebook_section(page: _Page, notebook: Path, nb: nbformat.NotebookNode) -> None:
    stem = notebook.stem
    tables = {t.name: t for t in registry.by_notebook(stem)}
    placed: set[str] = set()
    page.add(f'<section class="notebook" id="nb-{stem}">')
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            page.add(_markdown(cell.source))
            continue
        tags = cell.get("metadata", {}).get("tags", [])
        if cell.cell_type != "code" or "parameters" in tags or "injected-parameters" in tags:
            continue
        for name, spec in _charts(cell):
            page.chart(name, spec)
        for kind, name in cell_writes(cell.source):
            if kind == "table" and name in tables and name not in placed:
                placed.add(name)
                page.table(tables[name])
    rest = [t for n, t in tables.items() if n not in placed]
    if rest:
        page.add("<h3>Other tables of this notebook</h3>")
        for table in rest:
            page.table(table)
    page.add(
        f'<p class="meta">The executed notebook: <a href="{stem}.html">{stem}.html</a> '
        f'(<a href="../notebooks/{notebook.name}">.ipynb</a>)</p></section>'
    )


def _title(notebook: Path, nb: nbformat.NotebookNode) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return notebook.stem


def write_report(
    run_dir: Path, record: Mapping[str, Any], defaults: Mapping[str, Any] | None = None
) -> list[Path]:
    """Write ``report/index.html`` and one HTML page per executed notebook into ``run_dir``.

    ``record`` is the run's manifest record (run id, status, times, parameters, inputs);
    ``defaults`` the parameters of ``params.yaml``, to mark the values a run changed. Returns
    the files written.
    """

    folder = run_dir / REPORT_DIR
    folder.mkdir(exist_ok=True)
    notebooks = {
        path: nbformat.read(path, as_version=4)
        for path in sorted((run_dir / "notebooks").glob("*.ipynb"))
    }
    written = [_page_of(path, nb, folder) for path, nb in notebooks.items()]
    page = _Page(run_dir)
    for path, nb in notebooks.items():
        _notebook_section(page, path, nb)
    run_id = str(record.get("run_id", run_dir.name))
    summary = "".join(
        f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>"
        for k, v in _summary(run_dir, record)
    )
    nav = "".join(
        f'<li><a href="#nb-{path.stem}">{html.escape(_title(path, nb))}</a></li>'
        for path, nb in notebooks.items()
    )
    data = dict(page.data, docs=_cards(run_dir, list(page.doc_ids)))
    scripts = "".join(
        f'<script type="application/json" id="data-{key}">{script_json(value)}</script>\n'
        for key, value in data.items()
    )
    body = "\n".join(page.parts)
    bundle = javascript_bundle()
    index = folder / "index.html"
    index.write_text(
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Run {html.escape(run_id)}: report</title>"
        f"<style>{fonts.page_css()}\n{read_text('report/report.css')}</style></head>\n"
        "<body><header>"
        f"<h1>How outlets write about Kazakhstan · run <code>{html.escape(run_id)}</code></h1>"
        f'<nav><ul><li><a href="#summary">Summary</a></li>{nav}'
        '<li><a href="#parameters">Parameters</a></li>'
        '<li><a href="../manifest.json">Manifest</a></li></ul></nav></header>\n<main>'
        f'<section id="summary"><h2>Summary</h2><table class="plain">{summary}</table>'
        '<p class="meta">Every number below comes from the tables of this run (linked under '
        "each table); a document id opens the document's card with each provenance value, the "
        "method that found it and the words it was read from (character offsets into the "
        "document).</p></section>\n"
        f"{body}\n"
        f'<section id="parameters"><h2>Parameters</h2>{_parameters(record, defaults or {})}'
        "</section></main>\n"
        '<aside id="doc-panel" hidden></aside>\n'
        f"{scripts}"
        f"<script>{bundle}</script>\n"
        f"<script>{read_text('report/report.js')}</script>\n"
        "</body></html>\n",
        encoding="utf-8",
    )
    return [index, *written]
