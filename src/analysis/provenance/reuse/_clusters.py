"""Passages in many documents: one cluster row instead of every pair."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
import polars as pl

from analysis.provenance.reuse._schema import CLUSTERS_SCHEMA
from analysis.provenance.reuse._shingles import _Doc, normalise_words


def _clusters(docs: Sequence[_Doc], texts: Sequence[str | None], *, shingle: int) -> pl.DataFrame:
    """The ``reuse_clusters`` table from the common shingles of every document.

    An occurrence is a run of consecutive common shingles in one document (:attr:`_Doc.common_pos`
    holds only runs long enough); occurrences with the same shingles, hence the same normalised
    words, are one cluster. Linear in the number of common-shingle positions, plus one sort of
    the occurrences: no pair of documents is ever formed.
    """
    rows = []
    for index, doc in enumerate(docs):
        pos = doc.common_pos
        if not len(pos):
            continue
        breaks = np.flatnonzero(np.diff(pos) != 1) + 1
        for run in np.split(pos, breaks):
            first, last = int(run[0]), int(run[-1])
            rows.append(
                (
                    doc.shingles[first : last + 1].tobytes(),
                    doc.doc_id,
                    int(doc.starts[first]),
                    int(doc.ends[last + shingle - 1]),
                    last - first + shingle,
                    index,
                )
            )
    if not rows:
        return pl.DataFrame(schema=CLUSTERS_SCHEMA)
    occurrences = pl.DataFrame(
        rows,
        schema={
            "sequence": pl.Binary,
            "doc_id": pl.String,
            "start": pl.Int64,
            "end": pl.Int64,
            "words": pl.Int64,
            "doc_index": pl.Int64,
        },
        orient="row",
    ).sort("sequence", "doc_id", "start")
    # One row per passage: its first occurrence (by doc_id, start) and its number of documents.
    passages_ = (
        occurrences.group_by("sequence")
        .agg(
            pl.col("doc_index").first(),
            pl.col("start").first(),
            pl.col("end").first(),
            pl.col("doc_id").n_unique().cast(pl.Int64).alias("n_docs"),
        )
        .sort("sequence")
    )
    cluster, passage = [], []
    for doc_index, start, end in passages_.select("doc_index", "start", "end").iter_rows():
        text = (texts[doc_index] or "")[start:end]
        digest = hashlib.sha256(" ".join(normalise_words(text)).encode("utf-8")).hexdigest()
        cluster.append(digest[:16])
        passage.append(text)
    per_passage = passages_.select(
        "sequence",
        "n_docs",
        pl.Series("cluster", cluster, dtype=pl.String),
        pl.Series("passage", passage, dtype=pl.String),
    )
    return (
        occurrences.join(per_passage, on="sequence", how="left")
        .select(list(CLUSTERS_SCHEMA))
        .cast(CLUSTERS_SCHEMA)
        .sort("cluster", "doc_id", "start")
    )
