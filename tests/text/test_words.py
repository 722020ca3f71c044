"""Words as cue rates count them, one count per body."""

from __future__ import annotations

import re

import polars as pl

from analysis.metrics import rhetoric
from analysis.text.words import WORD_PATTERN, WORDS_SCHEMA, word_counts


def test_words_count_inner_apostrophes_and_hyphens_once_and_skip_punctuation():
    bodies = pl.DataFrame(
        {
            "doc_id": ["b", "a", "c"],
            "body": ["Kazakhstan’s multi-vector policy — 2024, as ever.", None, "Қазақстан елі"],
        }
    )
    got = word_counts(bodies)
    assert got.schema == WORDS_SCHEMA
    assert got.rows() == [("a", 0), ("b", 6), ("c", 2)]
    for body in bodies["body"].drop_nulls():
        assert (
            len(re.findall(WORD_PATTERN, body))
            == dict(got.rows())[bodies.filter(pl.col("body") == body)["doc_id"][0]]
        )


def test_the_rhetoric_package_counts_with_the_same_function():
    assert rhetoric.word_counts is word_counts and rhetoric.WORD_PATTERN == WORD_PATTERN
