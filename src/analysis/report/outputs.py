"""Writing a run's tables and charts, byte-identically for identical inputs.

Notebooks receive ``output_dir`` from the runner (see ``analysis.run.runner``). With
``output_dir=None`` (a notebook opened in JupyterLab, or executed by nbval) nothing is written and
charts are only displayed.

Tables go to ``tables/<name>.parquet`` after an explicit sort, and a table of at most
:data:`CSV_MAX_BYTES` (:func:`csv_bytes`: the size its CSV would about have) also to
``tables/<name>.csv``, list columns JSON-encoded: the per-occurrence tables of a large corpus
(segments, hits, mentions, bodies) stay Parquet only (2,000 AllSides articles: a run folder of
32 MB instead of 99 MB). ``python -m analysis export RUN DIR`` writes the CSV of every table of a
run into another folder (:func:`export_csv`), leaving the run as its manifest records it.

Charts go to ``charts/<name>.vl.json`` (the Vega-Lite spec, keys sorted),
``charts/<name>.svg`` (rendered by vl-convert, with the glyphs of its text embedded:
:mod:`analysis.report.fonts`) and ``charts/<name>.png`` (the same at twice the size, for
slides and sharp screens: the PNG a notebook displays, at the chart's size). None holds
timestamps or random ids. Every chart's text is set in the package's one font
(:data:`analysis.report.fonts.FAMILY`).

In a notebook a chart displays as the Vega spec compiled by vl-convert's Vega-Lite 5.21
(``application/vnd.vega.v5+json``): JupyterLab 4 renders Vega 5 and Vega-Lite up to 5, and no
extension renders the Vega-Lite 6 that Altair 6 writes, whose spec is kept beside it for the
report and other front ends. A PNG comes with it (drawn at twice the size, displayed at the
chart's), which front ends that draw no Vega show, and the SVG for nbconvert.
"""

from __future__ import annotations

import ast
import base64
import json
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import polars as pl

from analysis import registry
from analysis.core.cache import cache_root, digest, load_result, store_result
from analysis.report import fonts

__all__ = [
    "CSV_MAX_BYTES",
    "PNG_SCALE",
    "VEGALITE_MIMETYPE",
    "VEGA_MIMETYPE",
    "ChartOutput",
    "RunOutputs",
    "cell_writes",
    "csv_bytes",
    "export_csv",
    "png_size",
    "spec_json",
]

#: A table is also written as CSV when :func:`csv_bytes` says its CSV holds at most this many
#: bytes (about a spreadsheet's comfortable size).
CSV_MAX_BYTES = 2_000_000

if TYPE_CHECKING:
    import altair as alt

_NAME = re.compile(r"^[a-z0-9][a-z0-9_]*$")
_SVG_ID = re.compile(r'\bid="((?:gradient|clip|pattern)_?)(\d+)"')


def stable_ids(svg: str) -> str:
    """``svg`` with its gradient, clip and pattern ids numbered from 1 in order of appearance.

    Vega numbers them across the whole process, so the same chart drawn after another one with a
    gradient would get other ids, and other bytes; renumbered, a chart's SVG depends on the chart
    alone.

    >>> stable_ids('<linearGradient id="gradient_7"/><rect fill="url(#gradient_7)"/>')
    '<linearGradient id="gradient_1"/><rect fill="url(#gradient_1)"/>'
    """
    mapping: dict[str, str] = {}
    counts: dict[str, int] = {}
    for m in _SVG_ID.finditer(svg):
        if m.group(1) + m.group(2) not in mapping:
            counts[m.group(1)] = counts.get(m.group(1), 0) + 1
            mapping[m.group(1) + m.group(2)] = f"{m.group(1)}{counts[m.group(1)]}"
    if not mapping:
        return svg
    ids = "|".join(re.escape(k) for k in sorted(mapping, key=len, reverse=True))
    refs = re.compile(rf'(\bid="|url\(#)({ids})(?=["\)])')
    return refs.sub(lambda m: m.group(1) + mapping[m.group(2)], svg)


VEGALITE_MIMETYPE = "application/vnd.vegalite.v6+json"
#: What JupyterLab 4 renders interactively: Vega 5 (compiled by :data:`VEGA5_FROM`).
VEGA_MIMETYPE = "application/vnd.vega.v5+json"
#: The last Vega-Lite line of vl-convert that compiles to Vega 5.
VEGA5_FROM = "5.21"


def _check_name(name: str) -> str:
    if not _NAME.match(name):
        raise ValueError(f"output name {name!r} must be lower-case letters, digits and '_'")
    return name


def _csv_ready(frame: pl.DataFrame) -> pl.DataFrame:
    nested = [c for c, t in frame.schema.items() if t.is_nested()]
    if not nested:
        return frame
    return frame.with_columns(
        pl.col(c).map_elements(
            lambda v: json.dumps(v.to_list() if hasattr(v, "to_list") else v, ensure_ascii=False),
            return_dtype=pl.String,
        )
        for c in nested
    )


def csv_bytes(frame: pl.DataFrame) -> int:
    """About how many bytes ``frame``'s CSV holds, from its values alone (so the same table
    always gets the same answer): the UTF-8 bytes of its text, list columns as JSON, and 8 bytes
    for every other cell.

    >>> csv_bytes(pl.DataFrame({"doc_id": ["ab", None], "n": [1, 2], "tags": [["x"], []]}))
    25
    """
    return _ready_bytes(_csv_ready(frame))


def _ready_bytes(ready: pl.DataFrame) -> int:
    total = 0
    for name, dtype in ready.schema.items():
        if dtype == pl.String:
            total += int(ready[name].str.len_bytes().sum() or 0)
        else:
            total += 8 * ready.height
    return total


def export_csv(run_dir: Path, folder: Path) -> list[Path]:
    """Write ``<name>.csv`` into ``folder`` for every ``tables/<name>.parquet`` of a run (list
    columns JSON-encoded, as the run's own CSVs): the CSV of tables too large to keep in the run
    (:data:`CSV_MAX_BYTES`). The run folder is not touched. Returns the files written.
    """
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for parquet in sorted((run_dir / "tables").glob("*.parquet")):
        target = folder / f"{parquet.stem}.csv"
        _csv_ready(pl.read_parquet(parquet)).write_csv(target)
        written.append(target)
    return written


def cell_writes(source: str) -> list[tuple[str, str]]:
    r"""The tables and charts a notebook cell writes by name: ``("table" | "chart", name)`` for
    each ``<RunOutputs>.table(frame, "name")`` / ``.chart(chart, "name")`` call, in order (a
    name held in a variable is not known here). Code that does not parse writes nothing.

    >>> cell_writes('out.table(f(g(x)), "segments")\nout.chart(c.x(w(a, b)), name="x")')
    [('table', 'segments'), ('chart', 'x')]
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr not in ("table", "chart"):
            continue
        given = [*node.args[1:2], *(k.value for k in node.keywords if k.arg == "name")]
        if given and isinstance(given[0], ast.Constant) and isinstance(given[0].value, str):
            found.append((node.func.attr, given[0].value, node.lineno, node.col_offset))
    return [(kind, name) for kind, name, *_ in sorted(found, key=lambda f: (f[2], f[3]))]


def spec_json(spec: dict[str, Any]) -> str:
    """Serialise a Vega-Lite spec deterministically (sorted keys, fixed indent, final newline)."""
    return json.dumps(spec, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


class ChartOutput:
    """A chart ready for display: interactive in JupyterLab, a picture everywhere else.

    The display bundle holds the Vega spec JupyterLab 4 draws (:data:`VEGA_MIMETYPE`), the
    Vega-Lite spec (no random ids, unlike Altair's HTML renderer), the SVG, a PNG (shown by
    JupyterLab in untrusted notebooks) and a one-line text description; nbval compares all but
    the PNG, so it compares real chart content.
    """

    def __init__(
        self, name: str, spec: dict[str, Any], svg: str, vega: dict[str, Any], png: bytes
    ) -> None:
        """``png`` is drawn at twice the chart's size (:data:`PNG_SCALE`) and displayed at it."""
        self.name = name
        self.spec = spec
        self.svg = svg
        self.vega = vega
        self.png = png

    def _repr_mimebundle_(
        self, include: Any = None, exclude: Any = None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        title = self.spec.get("title")
        if isinstance(title, dict):
            title = title.get("text")
        data = {
            VEGA_MIMETYPE: self.vega,
            VEGALITE_MIMETYPE: self.spec,
            "image/svg+xml": self.svg,
            "image/png": base64.b64encode(self.png).decode("ascii"),
            "text/plain": f"<chart {self.name}: {title or 'untitled'}>",
        }
        width, height = png_size(self.png)
        shown = {"width": width // PNG_SCALE, "height": height // PNG_SCALE}
        return data, {"image/png": shown}


def png_size(png: bytes) -> tuple[int, int]:
    """The width and height in pixels of a PNG (its IHDR chunk, which comes first).

    >>> import vl_convert
    >>> fonts.register()  # before vl-convert's first drawing in a process
    >>> blank = '<svg xmlns="http://www.w3.org/2000/svg" width="30" height="20"/>'
    >>> png_size(vl_convert.svg_to_png(blank))
    (30, 20)
    """
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


class RunOutputs:
    """Writes tables and charts of one notebook into a run folder (or nowhere).

    Parameters
    ----------
    output_dir
        The run folder given by the runner; ``None`` writes nothing.
    """

    def __init__(self, output_dir: str | os.PathLike[str] | None) -> None:
        self.root = Path(output_dir) if output_dir else None

    @property
    def writing(self) -> bool:
        return self.root is not None

    def _target(self, kind: str, filename: str) -> Path | None:
        if self.root is None:
            return None
        folder = self.root / kind
        folder.mkdir(parents=True, exist_ok=True)
        return folder / filename

    def table(
        self, frame: pl.DataFrame, name: str, *, sort_by: Sequence[str] | None = None
    ) -> pl.DataFrame:
        """Sort ``frame``, write it as Parquet (and as CSV up to :data:`CSV_MAX_BYTES`), return
        the sorted frame.

        ``sort_by`` defaults to the order :data:`analysis.registry.TABLES` declares for ``name``;
        a table not registered there needs it.
        """
        _check_name(name)
        if sort_by is None:
            sort_by = registry.sort_keys(name)
        if not sort_by:
            raise ValueError(
                "sort_by must name at least one column: tables are sorted before writing"
            )
        ordered = frame.sort(list(sort_by), nulls_last=True, maintain_order=True)
        parquet = self._target("tables", f"{name}.parquet")
        if parquet is not None:
            ordered.write_parquet(parquet, compression="zstd", statistics=True)
            ready = _csv_ready(ordered)
            if _ready_bytes(ready) <= CSV_MAX_BYTES:
                ready.write_csv(parquet.with_suffix(".csv"))
        return ordered

    def chart(self, chart: alt.TopLevelMixin, name: str) -> ChartOutput:
        """Render ``chart`` in the package's font to a spec, an SVG and a PNG, write them, and
        return them for display (:func:`draw`)."""
        _check_name(name)
        spec = json.loads(spec_json(chart.to_dict()))
        spec.setdefault("config", {})["font"] = fonts.FAMILY
        target = self._target("charts", f"{name}.vl.json")
        drawn = draw(spec)
        if target is not None:
            target.write_text(spec_json(spec), encoding="utf-8")
            target.with_name(f"{name}.svg").write_text(drawn.svg, encoding="utf-8")
            target.with_name(f"{name}.png").write_bytes(drawn.png)
        return ChartOutput(name, spec, drawn.svg, drawn.vega, drawn.png)


#: The analysis cache's folder of drawn charts (:func:`draw`).
CHART_STEP = "charts"


def chart_version() -> str:
    """The version drawn charts are cached under: vl-convert's, the Vega-Lite it compiles the
    displayed spec with, the fonts' (:func:`analysis.report.fonts.cache_version`), the glyphs
    every SVG embeds (:data:`analysis.report.fonts.BASE_GLYPHS`) and the PNG's scale."""
    import vl_convert

    version = vl_convert.__version__  # type: ignore[attr-defined]
    glyphs = fonts.BASE_GLYPHS
    return digest("chart", version, VEGA5_FROM, fonts.cache_version(), glyphs, PNG_SCALE)[:16]


#: The PNG of a chart is drawn at this many pixels per SVG pixel, written to the run and
#: displayed at the chart's size (sharp on screens with more pixels than points).
PNG_SCALE = 2


class Drawn(NamedTuple):
    """A chart as vl-convert draws it: the SVG with its glyphs embedded, the Vega 5 spec shown
    in JupyterLab, and the PNG (at :data:`PNG_SCALE`)."""

    svg: str
    vega: dict[str, Any]
    png: bytes


_DRAWN = pl.Schema({"svg": pl.String(), "vega": pl.String(), "png": pl.Binary()})


def draw(spec: dict[str, Any]) -> Drawn:
    """Draw the Vega-Lite ``spec`` with vl-convert.

    Vega lays the chart out once and the PNG is rasterized from its SVG: the same bytes
    ``vegalite_to_png`` gives (it renders that SVG too; tests check), and one PNG serves both
    the run's folder and the notebook. The same spec always gives the same bytes, so they are
    kept in the analysis cache (``charts/<version>/``, :func:`chart_version`): a chart whose
    data did not change (a notebook reopened, a run after a lexicon edit that chart does not
    read) is read, not drawn again (drawing takes 0.02-0.2 s a chart with the font in memory,
    :func:`analysis.report.fonts.register`).
    """
    import vl_convert

    root, version, text = cache_root(), chart_version(), spec_json(spec)
    key = digest("drawn", text)
    stored = load_result(root, CHART_STEP, version, key)
    if isinstance(stored, pl.DataFrame) and stored.schema == _DRAWN:
        svg, vega, png = stored.row(0)
        return Drawn(svg, json.loads(vega), png)
    fonts.register()
    laid_out = stable_ids(vl_convert.vegalite_to_svg(spec))
    drawn = Drawn(
        fonts.embed_in_svg(laid_out),
        vl_convert.vegalite_to_vega(spec, vl_version=VEGA5_FROM),
        vl_convert.svg_to_png(laid_out, scale=PNG_SCALE),
    )
    row = {"svg": [drawn.svg], "vega": [json.dumps(drawn.vega)], "png": [drawn.png]}
    store_result(root, CHART_STEP, version, key, pl.DataFrame(row, schema=_DRAWN))
    return drawn
