"""Chart builders. Each takes a tidy frame and returns an ``alt.Chart``; nothing is displayed here.

Charts stay readable at scale: per-document bars up to :data:`MAX_BARS` documents, a histogram
beyond that, binned in polars so that the chart spec holds counts rather than 10,000 rows
(Vega-Lite data embedded in a notebook is capped at 5,000 rows by Altair, and for good reason).

Charts are meant for a paper: metrics, cue families and blocs carry human labels
(:mod:`analysis.report.labels`; the tables keep the names), documents are named by their title or
file name (:func:`document_names`), never by a hash, the n behind a share is printed beside it,
axes of counts have integer ticks (:data:`COUNT_AXIS`), rotated labels get room enough not to
touch, every panel of a wrapped facet draws its own axis (none hangs under an empty panel), and
cell values are printed only in cells large enough to hold them. The browser tests measure every
label of every chart of a run.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import PurePosixPath

import altair as alt
import polars as pl

from analysis.provenance.outlets import UNKNOWN_OUTLET
from analysis.report.labels import labelled

__all__ = [
    "COUNT_AXIS",
    "MAX_BARS",
    "STATUS_COLOURS",
    "TOP_OUTLETS",
    "actor_blocs",
    "actor_framing_heatmap",
    "boilerplate_share",
    "cue_heatmap",
    "document_lengths",
    "document_names",
    "document_similarity",
    "group_metric_intervals",
    "keyness_bars",
    "length_bins",
    "nice_step",
    "publication_timeline",
    "quoted_by_outlet",
    "readability_by_document",
    "similarity_heatmap",
    "timeline_frame",
    "top_outlets",
]

#: Most documents drawn as individual bars before a chart switches to a histogram.
MAX_BARS = 40

#: The axis of a count: whole numbers only (no 0.5 ticks), thousands separated.
COUNT_AXIS = alt.Axis(tickMinStep=1, format=",d")
#: Longest document label (title or file name) before it is cut with an ellipsis.
DOCUMENT_LABEL = 40
#: Rotated axis labels: the angle, and the least band width that keeps neighbours apart.
LABEL_ANGLE = -45
ROTATED_STEP = 18
#: Most rows (and columns) of a heatmap whose cells print their value.
CELL_TEXT_UP_TO = 12


def _cut(text: str, size: int = DOCUMENT_LABEL) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"


def document_names(documents: pl.DataFrame) -> dict[str, str]:
    """A readable, unique label for each ``source``: the title when there is one, else the file
    name without folders and ``.txt``; cut to :data:`DOCUMENT_LABEL` characters. Documents
    sharing a label are numbered in ``source`` order.

    ``documents`` has ``source`` and, optionally, ``title`` (the ``provenance`` table).

    >>> document_names(pl.DataFrame({"source": ["a/x.txt", "b/y.txt", "z.txt"],
    ...                              "title": ["Astana talks", "Astana talks", None]}))
    {'a/x.txt': 'Astana talks (1)', 'b/y.txt': 'Astana talks (2)', 'z.txt': 'z'}
    """
    frame = documents.sort("source")
    titles = frame["title"].to_list() if "title" in frame.columns else [None] * frame.height
    names: dict[str, str] = {}
    for source, title in zip(frame["source"].to_list(), titles, strict=True):
        if source is None:
            continue
        file = PurePosixPath(str(source)).name.removesuffix(".txt") or str(source)
        names[source] = _cut(title) if title else _cut(file)
    seen: dict[str, int] = {}
    for name in names.values():
        seen[name] = seen.get(name, 0) + 1
    numbered: dict[str, int] = {}
    for source, name in names.items():
        if seen[name] > 1:
            numbered[name] = numbered.get(name, 0) + 1
            names[source] = f"{_cut(name, DOCUMENT_LABEL - 5)} ({numbered[name]})"
    return names


def _with_n(name: str, n: pl.Expr, unit: str = "") -> pl.Expr:
    """``name (n unit)``: a row's label beside the count behind it, thousands separated.

    >>> frame = pl.DataFrame({"outlet": ["A"], "words": [12345]})
    >>> frame.select(_with_n("outlet", pl.col("words"), "words")).item()
    'A (12,345 words)'
    """
    count = n.map_elements(lambda v: f"{v:,}", return_dtype=pl.String)
    return pl.col(name) + " (" + count + (f" {unit})" if unit else ")")


def _named(
    frame: pl.DataFrame, names: Mapping[str, str] | None, column: str = "source"
) -> pl.DataFrame:
    """``frame`` with a ``document`` column: ``names[source]``, else the cut file name."""
    values = frame[column].to_list()
    fallback = document_names(pl.DataFrame({"source": values}, schema={"source": pl.String}))
    return frame.with_columns(
        pl.Series("document", [(names or {}).get(v) or fallback.get(v) for v in values], pl.String)
    )


STATUS_COLOURS = alt.Scale(
    domain=["ok", "duplicate", "rejected"], range=["#4c78a8", "#f58518", "#b6b6b6"]
)


def document_lengths(documents: pl.DataFrame) -> alt.Chart:
    """Length of every input in bytes, coloured by intake status.

    Parameters
    ----------
    documents
        The ``documents`` table (``source``, ``status``, ``bytes``, ``n_chars``).

    Examples
    --------
    >>> frame = pl.DataFrame({"source": ["a", "b"], "status": ["ok", "rejected"],
    ...                       "bytes": [10, 0], "n_chars": [10, None]})
    >>> document_lengths(frame).to_dict()["mark"]["type"]
    'bar'
    """
    data = documents.select("source", "status", "bytes", "n_chars").sort("source")
    if data.height <= MAX_BARS:
        data = _named(data, None)
        return (
            alt.Chart(data, title="Length of each input")
            .mark_bar()
            .encode(
                x=alt.X("bytes:Q", title="Size (bytes)"),
                y=alt.Y("document:N", title=None, sort=None),
                color=alt.Color("status:N", scale=STATUS_COLOURS, title="Status"),
                tooltip=["source:N", "status:N", "bytes:Q", "n_chars:Q"],
            )
            .properties(width=480)
        )
    binned = length_bins(data)
    return (
        alt.Chart(binned, title=f"Length of the {data.height:,} inputs")
        .mark_bar(orient="vertical")
        .encode(
            x=alt.X("bin_start:Q", title="Size (bytes)", scale=alt.Scale(domainMin=0)),
            x2="bin_end:Q",
            y=alt.Y("inputs:Q", title="Inputs", stack="zero", axis=COUNT_AXIS),
            color=alt.Color("status:N", scale=STATUS_COLOURS, title="Status"),
            tooltip=["bin_start:Q", "bin_end:Q", "status:N", "inputs:Q"],
        )
        .properties(width=480)
    )


def _largest(values: pl.Series) -> float:
    """The largest value of a numeric column as a float; 0.0 when it is empty or all null."""
    top = values.max()
    return float(top) if isinstance(top, int | float) else 0.0


def nice_step(span: float, bins: int) -> int:
    """A round bin width (1, 2 or 5 times a power of ten) giving about ``bins`` bins over ``span``.

    >>> nice_step(10_000, 40), nice_step(737, 40), nice_step(0, 40)
    (500, 20, 1)
    """
    raw = max(span / bins, 1.0)
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * power >= raw:
            return int(factor * power)
    return int(10 * power)  # pragma: no cover - the loop always returns


def length_bins(documents: pl.DataFrame, bins: int = 40) -> pl.DataFrame:
    """Histogram counts of ``bytes`` by ``status``, computed in polars (charts carry no raw rows).

    >>> length_bins(pl.DataFrame({"status": ["ok", "ok", "rejected"], "bytes": [5, 25, 0]}), 2)
    shape: (3, 4)
    ┌───────────┬─────────┬──────────┬────────┐
    │ bin_start ┆ bin_end ┆ status   ┆ inputs │
    │ ---       ┆ ---     ┆ ---      ┆ ---    │
    │ i64       ┆ i64     ┆ str      ┆ i64    │
    ╞═══════════╪═════════╪══════════╪════════╡
    │ 0         ┆ 20      ┆ ok       ┆ 1      │
    │ 0         ┆ 20      ┆ rejected ┆ 1      │
    │ 20        ┆ 40      ┆ ok       ┆ 1      │
    └───────────┴─────────┴──────────┴────────┘
    """
    step = nice_step(_largest(documents["bytes"]), bins)
    return (
        documents.select(
            ((pl.col("bytes") // step) * step).cast(pl.Int64).alias("bin_start"), "status"
        )
        .group_by("bin_start", "status")
        .agg(pl.len().cast(pl.Int64).alias("inputs"))
        .with_columns((pl.col("bin_start") + step).alias("bin_end"))
        .select("bin_start", "bin_end", "status", "inputs")
        .sort("bin_start", "status")
    )


#: Outlets shown by name in charts of large corpora; the rest are summarised as "other outlets".
TOP_OUTLETS = 15


def top_outlets(outlets: pl.Series, top: int = TOP_OUTLETS) -> pl.Expr:
    """An expression mapping outlets beyond the ``top`` most frequent to "other outlets"."""
    counts = outlets.fill_null(UNKNOWN_OUTLET).value_counts(sort=True, name="n")
    keep = counts.sort(["n", outlets.name], descending=[True, False]).head(top)[outlets.name]
    return (
        pl.when(pl.col("outlet").fill_null(UNKNOWN_OUTLET).is_in(keep.to_list()))
        .then(pl.col("outlet").fill_null(UNKNOWN_OUTLET))
        .otherwise(pl.lit("other outlets"))
    )


def timeline_frame(provenance: pl.DataFrame) -> pl.DataFrame:
    """Each document placed in time: its stated date, or the bounds inferred from the text.

    ``kind`` is ``stated date`` (earliest == latest), ``inferred range`` (both bounds),
    ``written after`` or ``written before`` (one bound), or ``undated`` (no bound; no dates);
    ``document`` the document's label (:func:`document_names`: one label per document).
    """
    names = document_names(provenance)
    return (
        provenance.select(
            "doc_id",
            pl.col("outlet").fill_null(UNKNOWN_OUTLET),
            pl.col("source")
            .replace_strict(names, default=None, return_dtype=pl.String)
            .alias("document"),
            pl.col("date_earliest").str.to_date(strict=False).alias("start"),
            pl.col("date_latest").str.to_date(strict=False).alias("end"),
        )
        .with_columns(
            pl.when(pl.col("start").is_not_null() & (pl.col("start") == pl.col("end")))
            .then(pl.lit("stated date"))
            .when(pl.col("start").is_not_null() & pl.col("end").is_not_null())
            .then(pl.lit("inferred range"))
            .when(pl.col("start").is_not_null())
            .then(pl.lit("written after"))
            .when(pl.col("end").is_not_null())
            .then(pl.lit("written before"))
            .otherwise(pl.lit("undated"))
            .alias("kind")
        )
        .sort("outlet", "document", "doc_id")
    )


def publication_timeline(
    provenance: pl.DataFrame,
) -> alt.Chart | alt.LayerChart | alt.FacetChart:
    """Documents in time by outlet: stated dates as dots, inferred bounds as bars and arrows.

    Beyond :data:`MAX_BARS` documents: documents per month and outlet (largest outlets).
    """
    data = timeline_frame(provenance).filter(pl.col("kind") != "undated")
    if data.height > MAX_BARS:
        monthly = (
            data.with_columns(
                top_outlets(data["outlet"]).alias("outlet"),
                pl.coalesce("start", "end").dt.truncate("1mo").alias("month"),
            )
            .group_by("outlet", "month")
            .agg(pl.len().cast(pl.Int64).alias("documents"))
            .sort("outlet", "month")
        )
        return (
            alt.Chart(monthly, title="Documents per month, by outlet (stated or earliest date)")
            .mark_rect()
            .encode(
                x=alt.X("yearmonth(month):T", title=None),
                y=alt.Y("outlet:N", title=None),
                color=alt.Color(
                    "documents:Q",
                    scale=alt.Scale(scheme="blues"),
                    title="Documents",
                    legend=alt.Legend(format=",d", tickMinStep=1),
                ),
                tooltip=[
                    "outlet:N",
                    alt.Tooltip("yearmonth(month):T", title="month"),
                    "documents:Q",
                ],
            )
            .properties(width=520)
        )
    base = alt.Chart(data).encode(
        y=alt.Y("document:N", title=None, sort=None),
        color=alt.Color("outlet:N", title="Outlet"),
        tooltip=["document:N", "outlet:N", "kind:N", "start:T", "end:T"],
    )
    ranges = base.transform_filter("datum.kind == 'inferred range'").mark_rule(size=6, opacity=0.6)
    axis = alt.Axis(format="%b %Y", labelAngle=0)
    ranges = ranges.encode(x=alt.X("start:T", title="Date", axis=axis), x2="end:T")
    points = base.mark_point(filled=True, size=90).encode(
        x="start:T",
        shape=alt.Shape(
            "kind:N",
            title="Date",
            scale=alt.Scale(
                domain=["stated date", "inferred range", "written after", "written before"],
                range=["circle", "triangle-right", "triangle-right", "triangle-left"],
            ),
        ),
    )
    before = base.transform_filter("datum.kind == 'written before'").mark_point(
        shape="triangle-left", filled=True, size=90
    )
    return alt.layer(
        ranges, points.transform_filter("datum.start != null"), before.encode(x="end:T")
    )


def boilerplate_share(
    bodies: pl.DataFrame, names: Mapping[str, str] | None = None
) -> alt.Chart | alt.LayerChart | alt.FacetChart:
    """Share of each document's characters that is boilerplate.

    ``bodies`` is the ``bodies`` table with ``source`` and ``outlet`` joined on; ``names`` the
    documents' labels (:func:`document_names`; default: file names).

    Beyond :data:`MAX_BARS` documents: the distribution per outlet (largest outlets).
    """
    data = bodies.select("source", "outlet", "boilerplate_share", "body_chars", "boilerplate_chars")
    if data.height > MAX_BARS:
        stats = (
            data.with_columns(top_outlets(data["outlet"]).alias("outlet"))
            .group_by("outlet")
            .agg(
                pl.len().cast(pl.Int64).alias("documents"),
                pl.col("boilerplate_share").min().alias("min"),
                pl.col("boilerplate_share").quantile(0.25, "linear").alias("q1"),
                pl.col("boilerplate_share").median().alias("median"),
                pl.col("boilerplate_share").quantile(0.75, "linear").alias("q3"),
                pl.col("boilerplate_share").max().alias("max"),
            )
            .sort("outlet")
        )
        share = alt.Axis(format="%")
        stats = stats.with_columns(label=_with_n("outlet", pl.col("documents")))
        base = alt.Chart(stats).encode(y=alt.Y("label:N", title="Outlet (documents)"))
        whisker = base.mark_rule().encode(
            x=alt.X("min:Q", title="Boilerplate share (min, quartiles, median, max)", axis=share),
            x2="max:Q",
        )
        box = base.mark_bar(size=12, opacity=0.6).encode(x="q1:Q", x2="q3:Q")
        middle = base.mark_tick(color="black", size=12).encode(
            x="median:Q",
            tooltip=["outlet:N", "documents:Q", alt.Tooltip("median:Q", format=".1%")],
        )
        return alt.layer(whisker, box, middle).properties(
            title="Share of boilerplate per document, by outlet", width=480
        )
    return (
        alt.Chart(_named(data.sort("source"), names), title="Share of boilerplate per document")
        .mark_bar()
        .encode(
            x=alt.X("boilerplate_share:Q", title="Boilerplate share", axis=alt.Axis(format="%")),
            y=alt.Y("document:N", title=None, sort=None),
            color=alt.Color("outlet:N", title="Outlet"),
            tooltip=[
                "source:N",
                "outlet:N",
                alt.Tooltip("boilerplate_share:Q", format=".1%"),
                "body_chars:Q",
                "boilerplate_chars:Q",
            ],
        )
        .properties(width=480)
    )


def quoted_by_outlet(quotes: pl.DataFrame, top: int = 15) -> alt.Chart:
    """Who is quoted, by outlet: quotes per speaker (the ``top`` most quoted) and outlet."""
    counts = (
        quotes.filter(pl.col("speaker").is_not_null())
        .with_columns(top_outlets(quotes["outlet"]).alias("outlet"))
        .group_by("speaker", "outlet")
        .agg(pl.len().cast(pl.Int64).alias("quotes"))
    )
    keep = (
        counts.group_by("speaker")
        .agg(pl.col("quotes").sum())
        .sort(["quotes", "speaker"], descending=[True, False])
        .head(top)["speaker"]
    )
    data = counts.filter(pl.col("speaker").is_in(keep.to_list())).sort("speaker", "outlet")
    return (
        alt.Chart(data, title=f"Who is quoted, by outlet (top {top} speakers)")
        .mark_bar()
        .encode(
            x=alt.X("sum(quotes):Q", title="Quotes", axis=COUNT_AXIS),
            y=alt.Y("speaker:N", title=None, sort="-x"),
            color=alt.Color("outlet:N", title="Outlet"),
            tooltip=["speaker:N", "outlet:N", "quotes:Q"],
        )
        .properties(width=420)
    )


def readability_by_document(
    long: pl.DataFrame, names: Mapping[str, str] | None = None
) -> alt.Chart:
    """Each document's readability scores, one panel per metric, coloured by outlet.

    ``long`` has ``source``, ``outlet``, ``metric``, ``value``; ``names`` the documents' labels
    (:func:`document_names`). Beyond :data:`MAX_BARS` documents: the median per outlet (largest
    outlets) with the interquartile range.
    """
    long = labelled(long, "metric")
    if long.select("source").n_unique() > MAX_BARS:
        stats = (
            long.with_columns(top_outlets(long["outlet"]).alias("outlet"))
            .group_by("outlet", "metric")
            .agg(
                pl.len().cast(pl.Int64).alias("documents"),
                pl.col("value").quantile(0.25, "linear").alias("q1"),
                pl.col("value").median().alias("median"),
                pl.col("value").quantile(0.75, "linear").alias("q3"),
            )
            .sort("metric", "outlet")
        )
        stats = stats.with_columns(label=_with_n("outlet", pl.col("documents")))
        base = alt.Chart(stats).encode(y=alt.Y("label:N", title="Outlet (documents)"))
        layer = alt.layer(
            base.mark_rule().encode(x=alt.X("q1:Q", title="Score (median, quartiles)"), x2="q3:Q"),
            base.mark_point(filled=True).encode(
                x="median:Q", tooltip=["outlet:N", "metric:N", "documents:Q", "median:Q"]
            ),
        )
        return (
            layer.properties(width=220)
            .facet(facet=alt.Facet("metric:N", title=None), columns=2)
            .resolve_scale(x="independent")
            .properties(title="Readability by outlet")
        )
    return (
        alt.Chart(_named(long.sort("metric", "source"), names))
        .mark_point(filled=True, size=80)
        .encode(
            x=alt.X("value:Q", title="Score", scale=alt.Scale(zero=False)),
            y=alt.Y("document:N", title=None),
            color=alt.Color("outlet:N", title="Outlet"),
            tooltip=["source:N", "outlet:N", "metric:N", alt.Tooltip("value:Q", format=".2f")],
        )
        .properties(width=220)
        .facet(facet=alt.Facet("metric:N", title=None), columns=2)
        .resolve_scale(x="independent")
        .properties(title="Readability of each document")
    )


def cue_heatmap(
    rates: pl.DataFrame, by: str = "outlet", names: Mapping[str, str] | None = None
) -> alt.Chart:
    """Cues per 1,000 words, rows ``by`` (outlets or documents), columns cue families.

    A row is labelled with its words counted (the n behind its rates); documents by ``names``
    (:func:`document_names`; default: file names).
    """
    data = rates
    if data.select(by).n_unique() > MAX_BARS:
        keep = (
            data.group_by(by)
            .agg(pl.col("words").first())
            .sort(["words", by], descending=[True, False])
            .head(TOP_OUTLETS)[by]
        )
        data = data.filter(pl.col(by).is_in(keep.to_list()))
    data = labelled(data.sort(by, "family"), "family")
    rows = _named(data, names, by)["document"] if by == "source" else data[by]
    data = data.with_columns(row=rows).with_columns(label=_with_n("row", pl.col("words"), "words"))
    return (
        alt.Chart(data, title="Cues per 1,000 words")
        .mark_rect()
        .encode(
            x=alt.X("family:N", title=None, axis=alt.Axis(labelAngle=LABEL_ANGLE)),
            y=alt.Y("label:N", title=None),
            color=alt.Color(
                "per_1k_words:Q", title="per 1,000 words", scale=alt.Scale(scheme="orangered")
            ),
            tooltip=[
                f"{by}:N",
                "family:N",
                "count:Q",
                "words:Q",
                alt.Tooltip("per_1k_words:Q", format=".2f"),
            ],
        )
        .properties(width=alt.Step(ROTATED_STEP + 4))
    )


def actor_blocs(actors: pl.DataFrame) -> alt.Chart:
    """Mentions of each actor bloc by outlet (``actors`` with ``outlet`` joined on)."""
    data = (
        actors.with_columns(top_outlets(actors["outlet"]).alias("outlet"))
        .group_by("outlet", "bloc")
        .agg(pl.col("count").sum().alias("mentions"))
        .sort("outlet", "bloc")
    )
    data = labelled(data, "bloc").with_columns(
        label=_with_n("outlet", pl.col("mentions").sum().over("outlet"))
    )
    return (
        alt.Chart(data, title="Who is talked about: actor-bloc mentions by outlet")
        .mark_bar()
        .encode(
            x=alt.X(
                "mentions:Q",
                title="Share of mentions",
                stack="normalize",
                axis=alt.Axis(format="%"),
            ),
            y=alt.Y("label:N", title="Outlet (mentions)"),
            color=alt.Color("bloc:N", title="Bloc"),
            tooltip=["outlet:N", "bloc:N", "mentions:Q"],
        )
        .properties(width=420)
    )


def group_metric_intervals(
    metrics: pl.DataFrame, names: Sequence[str] | None = None
) -> alt.FacetChart:
    """Dot-and-whisker: each group's estimate and bootstrap interval, one panel per metric.

    ``metrics`` is ``group_metrics`` rows (filter the groups first); ``names`` the metrics to
    draw (default: all). Hollow points mark ``small_n`` groups, whose intervals only reflect
    sentence-level noise within their few documents (see :mod:`analysis.compare.group_metrics`);
    rows without an interval show the point alone.

    >>> gm = pl.DataFrame({"group": ["X"], "metric": ["m"], "n_docs": [2], "n_words": [900],
    ...                    "estimate": [1.0], "ci_low": [0.5], "ci_high": [1.5],
    ...                    "method": ["bootstrap"], "small_n": [True]})
    >>> group_metric_intervals(gm).to_dict()["facet"]["field"]
    'metric'
    """
    if names is not None:
        metrics = metrics.filter(pl.col("metric").is_in(list(names)))
    metrics = labelled(metrics, "metric")
    data = metrics.with_columns(
        label=_with_n("group", pl.col("n_docs")),
        sample=pl.when(pl.col("small_n"))
        .then(pl.lit("few documents: sentence blocks"))
        .otherwise(pl.lit("documents resampled")),
    ).sort("metric", "group")
    base = alt.Chart(data).encode(
        y=alt.Y("label:N", title="Group (documents)", sort=None),
        tooltip=[
            "group:N",
            "metric:N",
            "n_docs:Q",
            "n_words:Q",
            alt.Tooltip("estimate:Q", format=".2f"),
            alt.Tooltip("ci_low:Q", format=".2f"),
            alt.Tooltip("ci_high:Q", format=".2f"),
            "method:N",
        ],
    )
    whiskers = base.mark_rule().encode(
        x=alt.X("ci_low:Q", title="Estimate and interval", scale=alt.Scale(zero=False)),
        x2="ci_high:Q",
    )
    points = base.mark_point(size=60).encode(
        x="estimate:Q",
        fill=alt.Fill(
            "sample:N",
            title="Interval",
            scale=alt.Scale(
                domain=["documents resampled", "few documents: sentence blocks"],
                range=["#4c78a8", "white"],
            ),
        ),
        color=alt.value("#4c78a8"),
    )
    return (
        alt.layer(whiskers, points)
        .properties(width=220)
        .facet(facet=alt.Facet("metric:N", title=None), columns=2)
        .resolve_scale(x="independent")
        .resolve_axis(x="independent")
        .properties(title="Group estimates with bootstrap intervals")
    )


def keyness_bars(
    keyness: pl.DataFrame, top_terms: int = 15, groups: Sequence[str] | None = None
) -> alt.FacetChart:
    """The ``top_terms`` most over-used terms of each group: bars of the Fightin' Words z-score.

    ``keyness`` is the ``keyness`` table; ``groups`` the groups to show (default: all).

    >>> k = pl.DataFrame({"group": ["X", "X"], "term": ["a", "b"], "count_group": [3, 2],
    ...                   "count_rest": [0, 9], "delta": [1.0, 0.1], "z": [2.5, 0.3]})
    >>> keyness_bars(k, 1).data.shape
    (1, 6)
    """
    if groups is not None:
        keyness = keyness.filter(pl.col("group").is_in(list(groups)))
    data = (
        keyness.sort(["group", "z", "term"], descending=[False, True, False])
        .group_by("group", maintain_order=True)
        .head(top_terms)
    )
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("z:Q", title="z (log-odds, informative prior)"),
            y=alt.Y("term:N", title=None, sort="-x"),
            color=alt.condition("datum.z >= 1.96", alt.value("#4c78a8"), alt.value("#b6b6b6")),
            tooltip=[
                "group:N",
                "term:N",
                "count_group:Q",
                "count_rest:Q",
                alt.Tooltip("delta:Q", format=".3f"),
                alt.Tooltip("z:Q", format=".2f"),
            ],
        )
        .properties(width=160, height=alt.Step(12))
        .facet(facet=alt.Facet("group:N", title=None), columns=3)
        .resolve_scale(y="independent")
        .resolve_axis(x="independent")
        .properties(title=f"Words that mark each group (top {top_terms}; grey: |z| < 1.96)")
    )


def similarity_heatmap(similarity: pl.DataFrame, title: str) -> alt.LayerChart | alt.FacetChart:
    """Cosine similarity as a heatmap with the values printed in the cells.

    ``similarity`` has ``a``, ``b`` (labels), ``cosine``, ``n_a``, ``n_b``; pairs given once
    (``a < b``) are mirrored, and the diagonal is taken as given (null for a group of one
    document). The colour scale runs from 0 to the largest value, so differences show even when
    every value is small; read the printed values to compare runs.

    >>> s = pl.DataFrame({"a": ["x"], "b": ["y"], "cosine": [0.25], "n_a": [1], "n_b": [1]})
    >>> similarity_heatmap(s, "t").data.height
    2
    """
    data = pl.concat(
        [
            similarity.select("a", "b", "cosine", "n_a", "n_b"),
            similarity.filter(pl.col("a") != pl.col("b")).select(
                pl.col("b").alias("a"), pl.col("a").alias("b"), "cosine", "n_b", "n_a"
            ),
        ],
        how="diagonal",
    ).unique(["a", "b"], keep="first", maintain_order=True)
    data = data.sort("a", "b")
    dark = 0.6 * _largest(data["cosine"])  # labels in white on the darkest cells
    rows = data.select(pl.concat([pl.col("a"), pl.col("b")]).n_unique()).item()
    printed = rows <= CELL_TEXT_UP_TO
    base = alt.Chart(data).encode(
        x=alt.X("b:N", title=None, axis=alt.Axis(labelAngle=LABEL_ANGLE, labelLimit=180)),
        y=alt.Y("a:N", title=None, axis=alt.Axis(labelLimit=180)),
    )
    cells = base.mark_rect().encode(
        color=alt.Color("cosine:Q", title="cosine", scale=alt.Scale(domainMin=0, scheme="blues")),
        tooltip=["a:N", "b:N", alt.Tooltip("cosine:Q", format=".3f"), "n_a:Q", "n_b:Q"],
    )
    labels = (
        base.transform_filter("isValid(datum.cosine)")
        .mark_text(fontSize=9)
        .encode(
            text=alt.Text("cosine:Q", format=".2f"),
            color=alt.condition(
                f"datum.cosine > {dark:.6g}", alt.value("white"), alt.value("black")
            ),
        )
    )
    step = alt.Step(30 if printed else ROTATED_STEP)
    chart = alt.layer(cells, labels) if printed else alt.layer(cells)
    return chart.properties(title=title, width=step, height=step)


def document_similarity(
    pairs: pl.DataFrame, n_docs: int, names: Mapping[str, str] | None = None
) -> alt.LayerChart | alt.FacetChart | None:
    """Every document pair's cosine as a heatmap labelled by ``names`` (:func:`document_names`;
    default: file names); ``None`` beyond :data:`MAX_BARS` documents (then only the nearest
    neighbours are in the table).

    ``pairs`` is :func:`analysis.compare.similarity.labelled_pairs` of the ``similarity`` table.
    """
    if n_docs > MAX_BARS:
        return None
    sides = pl.concat([pairs["source_a"], pairs["source_b"]]).unique().sort()
    given = _named(pl.DataFrame({"source": sides}), names)
    shown = dict(zip(given["source"].to_list(), given["document"].to_list(), strict=True))
    named = pairs.select(
        pl.col("source_a").replace_strict(shown).alias("a"),
        pl.col("source_b").replace_strict(shown).alias("b"),
        "cosine",
        n_a=1,
        n_b=1,
    )
    return similarity_heatmap(named, "Document similarity")


def actor_framing_heatmap(framing: pl.DataFrame) -> alt.FacetChart:
    """Share of the sentences naming each bloc that carry a cue of each family, per group.

    ``framing`` is the ``actor_framing`` table filtered to the groups and families to show.

    >>> f = pl.DataFrame({"group": ["X"], "bloc": ["west"], "family": ["labelling"],
    ...                   "n_docs": [1], "docs_mentioning": [1], "mentions": [2],
    ...                   "bloc_sentences": [2], "cue_sentences": [1], "cues": [1],
    ...                   "share": [0.5]})
    >>> actor_framing_heatmap(f).to_dict()["facet"]["field"]
    'bloc'
    """
    data = labelled(framing.sort("bloc", "group", "family"), "bloc", "family").with_columns(
        label=_with_n("group", pl.col("bloc_sentences"))
    )
    return (
        alt.Chart(data)
        .mark_rect()
        .encode(
            x=alt.X("family:N", title=None, axis=alt.Axis(labelAngle=LABEL_ANGLE)),
            y=alt.Y("label:N", title="Group (sentences naming the bloc)"),
            color=alt.Color(
                "share:Q",
                title="share of the bloc's sentences",
                scale=alt.Scale(scheme="orangered", domain=[0, 1]),
            ),
            tooltip=[
                "group:N",
                "bloc:N",
                "family:N",
                "bloc_sentences:Q",
                "cue_sentences:Q",
                "cues:Q",
                alt.Tooltip("share:Q", format=".0%"),
            ],
        )
        # a fixed height: Vega-Lite 6 fails ("datum is not defined") on a step height of an
        # independent scale in a wrapped facet; each panel's rows carry their own n
        .properties(
            width=alt.Step(ROTATED_STEP),
            height=ROTATED_STEP * max(1, data.select(pl.col("group").n_unique()).item()),
        )
        .facet(facet=alt.Facet("bloc:N", title=None), columns=4)
        .resolve_scale(y="independent")
        .resolve_axis(x="independent")
        .properties(title="How each bloc is framed: sentences naming it that carry a cue")
    )
