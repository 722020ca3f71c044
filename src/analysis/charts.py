"""Chart builders. Each takes a tidy frame and returns an ``alt.Chart``; nothing is displayed here.

Charts stay readable at scale: per-document bars up to :data:`MAX_BARS` documents, a histogram
beyond that.
"""

from __future__ import annotations

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
    return (
        alt.Chart(data, title=f"Length of the {data.height:,} inputs")
        .mark_bar()
        .encode(
            x=alt.X("bytes:Q", bin=alt.Bin(maxbins=40), title="Size (bytes)"),
            y=alt.Y("count():Q", title="Inputs"),
            color=alt.Color("status:N", scale=STATUS_COLOURS, title="Status"),
            tooltip=[alt.Tooltip("count():Q", title="inputs"), "status:N"],
        )
        .properties(width=480)
    )
