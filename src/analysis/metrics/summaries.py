"""Per-outlet summaries of per-document tables, for the notebooks' overview tables and charts.

Plain descriptive statistics (document counts, medians, pooled rates); notebook 03 adds
intervals and keyness. Every summary is computed from a table the run writes.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from analysis.provenance.outlets import UNKNOWN_OUTLET

__all__ = [
    "PER_DOCUMENT_UP_TO",
    "bloc_pair_totals",
    "cue_rates",
    "outlet_of",
    "rates_key",
    "readability_by_outlet",
    "readability_long",
]

#: Corpora up to this many documents get cue rates per document when ``rates_by="auto"``.
PER_DOCUMENT_UP_TO = 40


def rates_key(rates_by: str, n_docs: int) -> str:
    """The column :func:`cue_rates` pools by: ``rates_by``, or for ``"auto"`` the default.

    ``"auto"`` is ``source`` (one row per document) up to :data:`PER_DOCUMENT_UP_TO` documents,
    where each document can be read, and ``outlet`` beyond.

    >>> rates_key("auto", 5), rates_key("auto", 41), rates_key("source", 41)
    ('source', 'outlet', 'source')
    """
    if rates_by not in ("auto", "source", "outlet"):
        raise ValueError(f"rates_by must be auto, source or outlet (got {rates_by!r})")
    if rates_by != "auto":
        return rates_by
    return "source" if n_docs <= PER_DOCUMENT_UP_TO else "outlet"


def outlet_of(provenance: pl.DataFrame) -> pl.DataFrame:
    """``doc_id``, ``source`` and ``outlet`` (unknown outlets named as such)."""
    return provenance.select("doc_id", "source", pl.col("outlet").fill_null(UNKNOWN_OUTLET))


def readability_long(readability: pl.DataFrame, metrics: Sequence[str]) -> pl.DataFrame:
    """One row per document and metric: ``doc_id``, ``metric``, ``value`` (nulls dropped)."""
    return (
        readability.unpivot(index="doc_id", on=list(metrics), variable_name="metric")
        .drop_nulls("value")
        .sort("doc_id", "metric")
    )


def readability_by_outlet(
    readability: pl.DataFrame, provenance: pl.DataFrame, metrics: Sequence[str]
) -> pl.DataFrame:
    """Documents, median and mean of each metric per outlet (documents with a value only)."""
    return (
        readability_long(readability, metrics)
        .join(outlet_of(provenance), on="doc_id", how="left")
        .group_by("outlet", "metric")
        .agg(
            pl.len().cast(pl.Int64).alias("n_docs"),
            pl.col("value").median().alias("median"),
            pl.col("value").mean().alias("mean"),
        )
        .sort("outlet", "metric")
    )


def cue_rates(
    rhetoric: pl.DataFrame, words: pl.DataFrame, provenance: pl.DataFrame, by: str = "outlet"
) -> pl.DataFrame:
    """Cues per 1,000 words by ``by`` (``outlet`` or ``source``) and family, pooled over documents.

    ``words`` has ``doc_id`` and ``words`` (:func:`analysis.metrics.rhetoric.word_counts`). The
    pooled rate is total cues / total words x 1000, so long documents weigh more.
    """
    grouped = rhetoric.join(outlet_of(provenance), on="doc_id", how="left")
    totals = (
        words.join(outlet_of(provenance), on="doc_id", how="left")
        .group_by(by)
        .agg(pl.col("words").sum().alias("words"), pl.len().cast(pl.Int64).alias("n_docs"))
    )
    return (
        grouped.group_by(by, "family")
        .agg(pl.col("count").sum().alias("count"))
        .join(totals, on=by, how="left")
        .with_columns(
            pl.when(pl.col("words") > 0)
            .then(pl.col("count") * 1000 / pl.col("words"))
            .otherwise(None)
            .alias("per_1k_words")
        )
        .select(by, "family", "n_docs", "words", "count", "per_1k_words")
        .sort(by, "family")
    )


def bloc_pair_totals(pairs: pl.DataFrame) -> pl.DataFrame:
    """Sentences and documents in which two blocs are mentioned together, over the corpus."""
    return (
        pairs.group_by("bloc_a", "bloc_b")
        .agg(
            pl.col("sentences").sum(),
            pl.col("doc_id").n_unique().cast(pl.Int64).alias("documents"),
        )
        .sort(["sentences", "bloc_a", "bloc_b"], descending=[True, False, False])
    )
