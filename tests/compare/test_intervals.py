"""The sentence-block bootstrap of small groups (analysis.compare.intervals)."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from analysis.compare.intervals import SentenceDoc, quantiles, sentence_interval


def doc(words: list[int], cues: list[int]) -> SentenceDoc:
    """A document of sentences with these word and cue counts (cumulative, row 0 zeros)."""
    counts = np.column_stack([words, cues]).astype(float)
    cs = np.vstack([np.zeros((1, 2)), np.cumsum(counts, axis=0)])
    return SentenceDoc(cs, ["words", "hedges"], None)


def rate_interval(docs: dict[str, SentenceDoc], estimate: float, n_boot: int = 400, seed: int = 0):
    part = pl.DataFrame({"doc_id": list(docs), "family": "hedges"})
    rng = np.random.default_rng(seed)
    return sentence_interval("rate", "hedges_per_1k", part, docs, estimate, 2, n_boot, rng, 0.95)


def test_quantiles_drop_undefined_replicates():
    assert quantiles(np.array([np.nan, np.inf]), 0.95) == (None, None)
    lo, hi = quantiles(np.arange(101, dtype=float), 0.9)
    assert (lo, hi) == (pytest.approx(5.0), pytest.approx(95.0))


def test_identical_sentences_give_a_zero_width_rate_interval():
    lo, hi, note = rate_interval({"a": doc([10] * 6, [1] * 6)}, estimate=100.0)
    assert (lo, hi, note) == (pytest.approx(100.0), pytest.approx(100.0), None)


def test_interval_is_shifted_onto_the_estimate_and_never_negative():
    docs = {"a": doc([10, 10, 10, 10, 10, 10], [0, 0, 0, 0, 0, 3])}
    lo, hi, note = rate_interval(docs, estimate=50.0)  # plug-in rate: 3 / 60 words = 50 per 1k
    assert note is None and 0.0 <= lo < 50.0 < hi
    same = rate_interval(docs, estimate=50.0)
    assert same == (lo, hi, note)  # the same seed, the same interval
    shifted = rate_interval(docs, estimate=60.0)
    assert shifted[1] == pytest.approx(hi + 10.0)
    assert rate_interval(docs, estimate=0.0)[0] == 0.0  # clipped at zero


def test_no_sentences_or_no_words_say_why():
    empty = SentenceDoc(np.zeros((1, 2)), ["words", "hedges"], None)
    assert rate_interval({"a": empty}, 0.0) == (
        None,
        None,
        "its documents have no sentences in the sentence table",
    )
    assert rate_interval({"a": doc([0, 0], [0, 0])}, 0.0)[2] == "its sentences have no words"
