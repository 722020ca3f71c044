"""The sentence view: terms as scikit-learn's, context features, tables, the PTC check."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from sklearn.feature_extraction.text import CountVectorizer

from analysis.core.paths import PROJECT_ROOT
from analysis.metrics import rhetoric as R
from analysis.metrics.rhetoric import _sentmodel as S
from analysis.metrics.rhetoric import _spanmodel as M

PTC = PROJECT_ROOT.parent / "shared" / "corpora" / "ptc"

TEXTS = [
    "The so-called «experts» lie, and lie again!",
    "Is it true? A 2024 report by the UN (U.N.) says: no.",
    "Шанхайская организация сотрудничества и Kazakhstan’s role",
    "a",
    "",
]


def test_sentence_terms_are_count_vectorizers_unigrams_and_bigrams():
    analyzer = CountVectorizer(ngram_range=(1, 2)).build_analyzer()
    for text in TEXTS:
        assert S.sentence_terms(text) == set(analyzer(text))


def test_context_features_read_the_neighbours_and_the_rest_of_the_document():
    margins = np.array([1.0, 2.0, 6.0])
    token_max = np.array([[0.0, 0.5], [1.0, 0.5], [0.25, 0.75]])
    x = S.context_features(margins, token_max, ["a b", "c", "d e f"])
    assert x.shape == (3, 4 + 2 + len(S.CONTEXT))
    assert x[:, 0].tolist() == [1.0, 2.0, 6.0]
    assert x[:, 1].tolist() == [4.0, 3.5, 1.5]  # the mean of the other sentences
    assert x[:, 2].tolist() == [3.0, 1.0, 2.0]  # before (the document's mean for the first)
    assert x[:, 3].tolist() == [2.0, 6.0, 3.0]  # after (the mean for the last)
    np.testing.assert_allclose(x[1, 4:6], [np.log(0.9999 / 0.0001), 0.0], atol=1e-9)
    assert x[:, 7].tolist() == [1.0, 0.0, 0.0]  # first
    assert x[:, 8].tolist() == [0.0, 0.5, 1.0]  # position


CORPUS = pl.DataFrame(
    {
        "doc_id": ["a", "b", "c"],
        "text": [
            "Evil regime\nThe evil regime lies to its people. Its puppets repeat the lies.",
            "Budget\nThe committee met on Tuesday. It approved the budget.",
            "",
        ],
    }
)
SPANS = {"a": [(0, 11), (12, 76)], "b": [(0, 6), (7, 55)], "c": []}


def test_every_body_sentence_is_scored_and_flagged_at_the_threshold(monkeypatch):
    table = R.technique_sentences(CORPUS, SPANS)
    assert table.schema == R.SENTENCES_SCHEMA
    texts = dict(CORPUS.iter_rows())
    for doc_id in ("a", "b"):
        rows = table.filter(pl.col("doc_id") == doc_id)
        expected = R.sentence_spans(texts[doc_id], SPANS[doc_id])
        assert list(zip(rows["start"], rows["end"], strict=True)) == expected
        assert rows["sentence_no"].to_list() == list(range(1, len(expected) + 1))
    threshold = S.load_sentence_model().threshold
    assert table["flagged"].to_list() == [s >= threshold for s in table["score"].to_list()]
    assert (
        table.filter(pl.col("doc_id") == "a")["score"].max()
        > table.filter(pl.col("doc_id") == "b")["score"].max()
    )
    monkeypatch.setattr(M, "BATCH", 1)
    monkeypatch.setattr(S, "BATCH", 1)
    assert R.technique_sentences(CORPUS, SPANS).equals(table)


def test_sentence_share_pools_documents_by_group():
    sentences = pl.DataFrame(
        {"doc_id": ["a", "a", "b", "c"], "flagged": [True, False, True, False]}
    )
    groups = pl.DataFrame({"doc_id": ["a", "b", "c"], "outlet": ["X", "X", "Y"]})
    assert R.sentence_share(sentences, groups).rows() == [("X", 3, 2, 2 / 3), ("Y", 1, 0, 0.0)]


def test_the_shipped_sentence_view_keeps_its_cross_validated_figures():
    cv = M.load_span_model().sentences["training"]["cross_validated"]
    assert cv["f1_low"] <= cv["f1"] <= cv["f1_high"]
    assert cv["f1"] > cv["all_positive_f1"] + 0.05
    assert cv["f1"] >= 0.55  # the linear anchor of the 2019 shared task


def test_the_ptc_check_gives_the_cross_validated_row_and_the_in_sample_one():
    if not (PTC / "labels.tsv").is_file():
        pytest.skip(f"{PTC} is not beside this checkout (../shared/corpora/ptc)")
    docs, spans, labels = R.read_ptc(PTC / "articles", PTC / "labels.tsv")
    table = R.ptc_sentence_validation(docs, spans, labels)
    assert table.schema == R.SENTENCE_VALIDATION_SCHEMA
    cv, fitted = table.rows(named=True)
    assert (cv["evaluation"], fitted["evaluation"]) == ("cross-validated", "in-sample")
    assert cv["sentences"] == fitted["sentences"] == 10551
    assert cv["positive"] == fitted["positive"] == 3088
    assert cv["all_positive_f1"] == fitted["all_positive_f1"] == 0.4528
    assert fitted["f1"] > cv["f1"]


def test_unit_maxima_equal_numpys_maximum_at():
    from analysis.metrics.rhetoric._sentmodel import unit_maxima

    rng = np.random.default_rng(5)
    for _ in range(20):
        n = int(rng.integers(0, 200))
        units = int(rng.integers(1, 40))
        unit = np.sort(rng.integers(0, units, n))
        scores = np.round(rng.random((n, 3)), 4)
        expected = np.zeros((units, 3))
        np.maximum.at(expected, unit, scores)
        assert np.array_equal(unit_maxima(scores, unit, units), expected)
        shuffled = rng.permutation(n)  # out of order: the general path
        assert np.array_equal(unit_maxima(scores[shuffled], unit[shuffled], units), expected)
