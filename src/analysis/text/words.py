"""The words of a text as cue rates count them: runs of word characters with inner apostrophes
and hyphens (:data:`WORD_PATTERN`), one count per clean body (:func:`word_counts`).

Kept apart from the rhetoric package, so that the cached word counts of each body
(``analysis.registry.STAGES["words"]``) change with this module only, not with every lexicon.
"""

from __future__ import annotations

import polars as pl

__all__ = ["WORDS_SCHEMA", "WORD_PATTERN", "word_counts"]

#: A word, for counting the words of a body (polars and Python regex alike).
WORD_PATTERN = r"\w+(?:['’\-]\w+)*"

#: Columns of :func:`word_counts`.
WORDS_SCHEMA = pl.Schema({"doc_id": pl.String(), "words": pl.Int64()})


def word_counts(bodies: pl.DataFrame) -> pl.DataFrame:
    """Words of each clean body (``bodies``: ``doc_id``, ``body``): :data:`WORDS_SCHEMA`.

    A word is a run of word characters, with inner apostrophes and hyphens (:data:`WORD_PATTERN`).

    >>> word_counts(pl.DataFrame({"doc_id": ["a"], "body": ["So-called «experts» don’t know."]}))
    shape: (1, 2)
    ┌────────┬───────┐
    │ doc_id ┆ words │
    │ ---    ┆ ---   │
    │ str    ┆ i64   │
    ╞════════╪═══════╡
    │ a      ┆ 4     │
    └────────┴───────┘
    """
    return bodies.select(
        pl.col("doc_id").cast(pl.String),
        pl.col("body").fill_null("").str.count_matches(WORD_PATTERN).cast(pl.Int64).alias("words"),
    ).sort("doc_id")
