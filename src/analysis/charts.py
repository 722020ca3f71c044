"""Chart builders. Each takes a tidy frame and returns an ``alt.Chart``; nothing is displayed here.

Charts stay readable at scale: per-document bars up to :data:`MAX_BARS` documents, a histogram
beyond that, binned in polars so that the chart spec holds counts rather than 10,000 rows
(Vega-Lite data embedded in a notebook is capped at 5,000 rows by Altair, and for good reason).
"""

from __future__ import annotations

import math

import altair as alt
import polars as pl

#: Most documents drawn as individual bars before a chart switches to a histogram.
MAX_BARS = 40

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
        return (
            alt.Chart(data, title="Length of each input")
            .mark_bar()
            .encode(
                x=alt.X("bytes:Q", title="Size (bytes)"),
                y=alt.Y("source:N", title=None, sort=None),
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
            y=alt.Y("inputs:Q", title="Inputs", stack="zero"),
            color=alt.Color("status:N", scale=STATUS_COLOURS, title="Status"),
            tooltip=["bin_start:Q", "bin_end:Q", "status:N", "inputs:Q"],
        )
        .properties(width=480)
    )


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
    step = nice_step(float(documents["bytes"].max() or 0), bins)
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
