"""The reuse tables and the method's defaults."""

from __future__ import annotations

import polars as pl

__all__ = [
    "CLUSTERS_SCHEMA",
    "DEFAULT_CHUNK",
    "DEFAULT_MAX_GAP",
    "DEFAULT_MAX_PAIRS_DOCS",
    "DEFAULT_MIN_WORDS",
    "DEFAULT_SHINGLE",
    "DEFAULT_THRESHOLD",
    "MAX_OCCURRENCES",
    "REUSE_SCHEMA",
]

#: Column order and types of the ``reuse`` table returned by :func:`find_reuse`.
REUSE_SCHEMA = pl.Schema(
    {
        "doc_a": pl.String(),  # doc_id of the first side (doc_a < doc_b, or doc_a == doc_b)
        "doc_b": pl.String(),  # doc_id of the second side
        "start_a": pl.Int64(),  # text[start_a:end_a] of doc_a is the passage (character offsets)
        "end_a": pl.Int64(),
        "start_b": pl.Int64(),  # text[start_b:end_b] of doc_b; within one document end_a <= start_b
        "end_b": pl.Int64(),
        "words": pl.Int64(),  # words in the shorter of the two passages
        "similarity": pl.Float64(),  # exact Jaccard similarity of the passages' shingle sets
    }
)

#: Column order and types of the ``reuse_clusters`` table: one row per occurrence of a passage
#: found in more than ``max_pairs_docs`` documents (:func:`find_shared_passages`).
CLUSTERS_SCHEMA = pl.Schema(
    {
        "cluster": pl.String(),  # id of the passage: 16 hex digits of the SHA-256 of its words
        "passage": pl.String(),  # its text, as in its first occurrence (by doc_id, start)
        "n_docs": pl.Int64(),  # documents with an occurrence in this cluster
        "words": pl.Int64(),  # words of the passage
        "doc_id": pl.String(),  # one occurrence: text[start:end] of doc_id
        "start": pl.Int64(),
        "end": pl.Int64(),
    }
)

#: Default minimum passage length in words. Boilerplate lines have 8-40 ("Click here to get the
#: Fox News app", "If you find an error, please select a piece of text and press Ctrl + Enter."),
#: teasers 15-40; below 8 words shared phrases are mostly idiom ("at the end of the day").
DEFAULT_MIN_WORDS = 8
#: Default shingle length in words: long enough that a shared shingle is rarely chance, short
#: enough that a passage with a changed word every ten words is still anchored.
DEFAULT_SHINGLE = 5
#: Default LSH threshold on the Jaccard similarity of two chunks' sets of shared shingles.
DEFAULT_THRESHOLD = 0.4
#: Default chunk length in shingles (a chunk is at least half and at most four times this).
DEFAULT_CHUNK = 32
#: Default largest gap, in words on either side, bridged between two exact runs of one passage.
DEFAULT_MAX_GAP = 4
#: A shingle occurring more often than this in one document is not used as an alignment anchor
#: there (long repeated tables would otherwise make the matches quadratic).
MAX_OCCURRENCES = 64
#: Default largest number of documents sharing a passage that is still reported pairwise in
#: ``reuse``; a passage in more documents is one cluster in ``reuse_clusters``. 50 documents are
#: 1,225 pairs; an outlet's footer on 5,000 pages would be 12.5 million.
DEFAULT_MAX_PAIRS_DOCS = 50

_Row = tuple[str, str, int, int, int, int, int, float]
