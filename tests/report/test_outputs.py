"""Run outputs: sorted tables in Parquet and CSV, chart specs and SVGs, nothing when not writing."""

from __future__ import annotations

import base64

import altair as alt
import polars as pl
import pytest

from analysis.report.outputs import (
    VEGA_MIMETYPE,
    VEGALITE_MIMETYPE,
    RunOutputs,
    png_size,
    spec_json,
)

FRAME = pl.DataFrame({"doc": ["b", "a", "c"], "n": [2, 1, None], "tags": [["x"], [], ["y", "z"]]})


def test_table_is_sorted_and_written_as_parquet_and_csv(tmp_path):
    out = RunOutputs(tmp_path)
    result = out.table(FRAME, "docs", sort_by=["doc"])
    assert result["doc"].to_list() == ["a", "b", "c"]
    assert pl.read_parquet(tmp_path / "tables" / "docs.parquet").equals(result)
    assert (tmp_path / "tables" / "docs.csv").read_text() == (
        'doc,n,tags\na,1,[]\nb,2,"[""x""]"\nc,,"[""y"", ""z""]"\n'
    )


def test_table_bytes_are_identical_across_writes(tmp_path):
    first, second = RunOutputs(tmp_path / "1"), RunOutputs(tmp_path / "2")
    first.table(FRAME, "docs", sort_by=["doc"])
    second.table(FRAME.reverse(), "docs", sort_by=["doc"])  # input order must not matter
    for ext in ("parquet", "csv"):
        a = (tmp_path / "1" / "tables" / f"docs.{ext}").read_bytes()
        assert a == (tmp_path / "2" / "tables" / f"docs.{ext}").read_bytes()


def test_not_writing_without_output_dir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = RunOutputs(None)
    assert not out.writing
    assert out.table(FRAME, "docs", sort_by=["n"])["n"].to_list() == [1, 2, None]
    out.chart(alt.Chart(FRAME).mark_point().encode(x="n:Q"), "c")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["../evil", "Docs", "a b", ""])
def test_bad_names_are_refused(tmp_path, name):
    with pytest.raises(ValueError, match="must be lower-case"):
        RunOutputs(tmp_path).table(FRAME, name, sort_by=["doc"])


def test_sort_by_is_required(tmp_path):
    with pytest.raises(ValueError, match="sort_by must name at least one column"):
        RunOutputs(tmp_path).table(FRAME, "docs", sort_by=[])


def test_chart_spec_and_svg_are_written_and_displayed(tmp_path):
    chart = alt.Chart(FRAME.drop("tags"), title="Counts").mark_bar().encode(x="n:Q", y="doc:N")
    shown = RunOutputs(tmp_path).chart(chart, "counts")
    spec_file = tmp_path / "charts" / "counts.vl.json"
    assert spec_file.read_text() == spec_json(shown.spec)
    assert shown.spec["mark"]["type"] == "bar"
    assert shown.spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/v6")
    svg = (tmp_path / "charts" / "counts.svg").read_text()
    assert svg.startswith("<svg") and "Counts" in svg
    # one font, registered with vl-convert and embedded in the SVG (the glyphs it uses)
    assert shown.spec["config"]["font"] == "Liberation Sans"
    assert 'font-family="Liberation Sans"' in svg
    assert svg.count('@font-face{font-family:"Liberation Sans";font-weight:') == 2
    png = (tmp_path / "charts" / "counts.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    bundle, metadata = shown._repr_mimebundle_()
    assert set(bundle) == {
        VEGA_MIMETYPE,
        VEGALITE_MIMETYPE,
        "image/svg+xml",
        "image/png",
        "text/plain",
    }
    assert bundle["text/plain"] == "<chart counts: Counts>"
    # JupyterLab 4 draws Vega 5: the spec compiled by Vega-Lite 5
    assert bundle[VEGA_MIMETYPE]["$schema"] == "https://vega.github.io/schema/vega/v5.json"
    # one PNG at twice the size: the file, and the picture displayed at the chart's size
    assert base64.b64decode(bundle["image/png"]) == png
    width, height = png_size(png)
    assert metadata == {"image/png": {"width": width // 2, "height": height // 2}}
    assert f'width="{width // 2}" height="{height // 2}"' in svg.split(">", 1)[0]  # its size
    # rasterized from the chart's SVG: the very bytes vl-convert's own PNG export gives
    import vl_convert

    assert png == vl_convert.vegalite_to_png(shown.spec, scale=2)
    # Determinism: the same chart gives the same bytes again.
    again = RunOutputs(tmp_path / "again").chart(chart, "counts")
    assert (again.svg, spec_json(again.spec)) == (shown.svg, spec_file.read_text())
    assert (tmp_path / "again" / "charts" / "counts.png").read_bytes() == png
    assert again._repr_mimebundle_() == (bundle, metadata)


def test_a_large_table_is_parquet_only_and_exports_to_csv(tmp_path, monkeypatch):
    from analysis.report import outputs

    big = pl.DataFrame({"doc": [f"d{i:05d}" for i in range(3000)], "text": ["x" * 40] * 3000})
    assert outputs.csv_bytes(big) == 3000 * (6 + 40)
    monkeypatch.setattr(outputs, "CSV_MAX_BYTES", 100_000)
    out = RunOutputs(tmp_path / "run")
    out.table(big, "big", sort_by=["doc"])
    out.table(FRAME, "docs", sort_by=["doc"])
    tables = tmp_path / "run" / "tables"
    assert sorted(p.name for p in tables.iterdir()) == ["big.parquet", "docs.csv", "docs.parquet"]
    written = outputs.export_csv(tmp_path / "run", tmp_path / "csv")
    assert [p.name for p in written] == ["big.csv", "docs.csv"]
    assert (tmp_path / "csv" / "docs.csv").read_bytes() == (tables / "docs.csv").read_bytes()
    assert pl.read_csv(tmp_path / "csv" / "big.csv").equals(big)


def test_a_chart_svg_does_not_depend_on_the_charts_drawn_before_it(tmp_path):
    """Vega numbers gradients across the process; the chart's own SVG numbers them from 1."""
    frame = pl.DataFrame({"x": [1, 2, 3], "y": [3, 1, 2], "v": [0.1, 0.5, 0.9]})
    heat = alt.Chart(frame).mark_rect().encode(x="x:O", y="y:O", color="v:Q")
    first = RunOutputs(tmp_path / "a").chart(heat, "heat")
    second = RunOutputs(tmp_path / "b").chart(heat, "heat")
    assert 'id="gradient_1"' in first.svg and "url(#gradient_1)" in first.svg
    assert second.svg == first.svg
    assert (tmp_path / "b" / "charts" / "heat.svg").read_bytes() == (
        tmp_path / "a" / "charts" / "heat.svg"
    ).read_bytes()


def test_a_chart_drawn_before_is_read_from_the_cache(tmp_path, monkeypatch):
    """The same spec gives the same bytes: drawn once (laid out, rasterized once), then read (a
    reopened notebook, a run)."""
    import vl_convert

    from analysis.report import outputs

    monkeypatch.setenv("ANALYSIS_CACHE", str(tmp_path / "cache"))
    calls: list[str] = []
    for name in ("vegalite_to_svg", "svg_to_png"):
        real = getattr(vl_convert, name)
        monkeypatch.setattr(
            vl_convert,
            name,
            lambda *a, _real=real, _n=name, **k: calls.append(_n) or _real(*a, **k),
        )
    chart = alt.Chart(FRAME.drop("tags"), title="Counts").mark_bar().encode(x="n:Q", y="doc:N")
    shown = RunOutputs(None).chart(chart, "counts")  # displayed in JupyterLab
    assert calls == ["vegalite_to_svg", "svg_to_png"]
    written = RunOutputs(tmp_path / "run").chart(chart, "counts")  # a run: read
    calls.clear()
    again = RunOutputs(tmp_path / "again").chart(chart, "counts")
    assert calls == []  # read, not drawn
    assert again._repr_mimebundle_() == written._repr_mimebundle_() == shown._repr_mimebundle_()
    for suffix in ("svg", "png", "vl.json"):
        made = (tmp_path / "run" / "charts" / f"counts.{suffix}").read_bytes()
        assert (tmp_path / "again" / "charts" / f"counts.{suffix}").read_bytes() == made
    assert (tmp_path / "cache" / outputs.CHART_STEP / outputs.chart_version()).is_dir()
    other = chart.properties(title="Other counts")
    RunOutputs(None).chart(other, "other")
    assert calls == ["vegalite_to_svg", "svg_to_png"]  # another spec: drawn
