"""Tests of analysis.text.tokens: one tokenizer in Python and in polars, and the stopword file."""

from __future__ import annotations

import polars as pl

from analysis.core.paths import SEEDS
from analysis.text.tokens import ENGLISH_STOPWORDS, load_stopwords, token_lists, tokenize


def test_python_and_polars_tokenizers_agree_on_the_seeds() -> None:
    texts = [p.read_text("utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    assert texts
    lists = pl.DataFrame({"t": texts}).select(token_lists(pl.col("t"), lowercase=True))["t"]
    for text, polars_tokens in zip(texts, lists.to_list(), strict=True):
        words = [t for t in polars_tokens if any(ch.isalpha() for ch in t)]
        assert [w for w, *_ in tokenize(text)] == words


def test_offsets_point_at_the_word_as_written() -> None:
    text = "Kazakhstan’s “multi-vector” policy, 2024"
    assert [(w, text[s:e]) for w, s, e, _ in tokenize(text)] == [
        ("kazakhstan's", "Kazakhstan’s"),
        ("multi-vector", "multi-vector"),
        ("policy", "policy"),
    ]


def test_stopwords_come_from_the_data_file() -> None:
    assert load_stopwords() == ENGLISH_STOPWORDS
    assert {"the", "said", "it's"} <= ENGLISH_STOPWORDS
    assert not {"kazakhstan", "russia", "#"} & ENGLISH_STOPWORDS
    assert len(ENGLISH_STOPWORDS) == 145
