"""Human labels for the names charts show: metrics, cue families, actor blocs.

Tables keep the names (``flesch_kincaid_grade``, ``central_asia``); charts show labels
("Flesch-Kincaid grade", "Central Asia") from ``data/labels.yaml``, which researchers extend
without code. A name the file does not list is shown with spaces for underscores and a capital
first letter, and ``<stem>_per_1k`` as the stem's label "per 1,000 words".

>>> label("central_asia"), label("certainty_per_1k"), label("new_family")
('Central Asia', 'Certainty per 1,000 words', 'New family')
"""

from __future__ import annotations

import functools

import polars as pl

from analysis.core.data import load_yaml

__all__ = ["label", "labelled"]

_PER_1K = "_per_1k"


@functools.cache
def _labels() -> dict[str, str]:
    return {str(k): str(v) for k, v in load_yaml("labels.yaml", ("labels",))["labels"].items()}


def label(name: str) -> str:
    """The label a chart shows for ``name``."""
    known = _labels().get(name)
    if known is not None:
        return known
    if name.endswith(_PER_1K):
        return f"{label(name.removesuffix(_PER_1K))} per 1,000 words"
    text = name.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def labelled(frame: pl.DataFrame, *columns: str) -> pl.DataFrame:
    """``frame`` with the names in ``columns`` replaced by their labels (nulls stay null).

    >>> labelled(pl.DataFrame({"bloc": ["west", None]}), "bloc")["bloc"].to_list()
    ['The West', None]
    """
    return frame.with_columns(
        pl.col(c).replace_strict(
            {n: label(n) for n in frame[c].drop_nulls().unique().to_list()},
            default=None,
            return_dtype=pl.String,
        )
        for c in columns
    )
