"""Building the line classifier: labels from gold bodies, the fit, the bit-for-bit rebuild."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from analysis.core.data import data_file
from analysis.core.paths import PROJECT_ROOT
from analysis.provenance import linetrain as T
from analysis.provenance.linefeatures import FEATURES

PAGES_DEV = PROJECT_ROOT.parent / "shared" / "corpora" / "pages-dev"
needs_pages = pytest.mark.skipif(
    not (PAGES_DEV / "gold.jsonl").exists(),
    reason="../shared/corpora/pages-dev is not beside this checkout",
)


def test_line_labels_follow_the_gold_body_in_order():
    page = "Home\nNews\n\nThe cat sat on the mat.\nRead more news\n\nIt was a sunny day.\nHome"
    gold = "The cat sat on the mat.\n\nIt was a sunny day."
    n, label = T.line_labels(page, gold)
    assert n.tolist() == [1, 1, 0, 6, 3, 0, 5, 1]
    assert label.tolist() == [False, False, False, True, False, False, True, False]


def test_a_line_half_in_the_gold_body_counts_as_article_text():
    _, label = T.line_labels("one two three four", "one two")
    assert label.tolist() == [True]
    _, label = T.line_labels("one two three four five", "one two")
    assert label.tolist() == [False]


def test_folds_deal_pages_round_robin():
    assert T.folds(7).tolist() == [0, 1, 2, 3, 4, 0, 1]


def synthetic_pages(k: int) -> list[T.Page]:
    rng = np.random.default_rng(k)
    words = [
        "the",
        "of",
        "and",
        "a",
        "to",
        "in",
        "parliament",
        "budget",
        "minister",
        "said",
        "law",
        "vote",
        "year",
    ]
    pages = []
    for i in range(k):
        menu = ["Home", "World", "Sport", "Contact us"]
        body = [" ".join(rng.choice(words, 25)) + "." for _ in range(3)]
        text = "\n".join([*menu, "", *body, "", "Share", "Facebook"])
        pages.append(T.Page(f"p{i}", "synthetic", "CC0", text, "\n".join(body)))
    return pages


def test_fitting_is_deterministic_and_separates_a_menu_from_paragraphs():
    rows = T.training_rows(synthetic_pages(10))
    a1, a2, cv_a = T.fit(rows)
    b1, b2, cv_b = T.fit(rows)
    assert np.array_equal(a1.coef, b1.coef) and a1.intercept == b1.intercept
    assert np.array_equal(a2.coef, b2.coef) and np.array_equal(cv_a, cv_b)
    assert a1.features == FEATURES and len(a2.coef) == len(a2.features)
    assert ((cv_a >= 0.5) == rows.y).all()


def test_bag_scores_match_the_pages_dev_scorer_definition():
    assert T.bag_scores("", "") == (1.0, 1.0, 1.0)
    assert T.bag_scores("a a b", "a b c") == (2 / 3, 2 / 3, 2 / 3)
    assert T.bag_scores("x", "a") == (0.0, 0.0, 0.0)


@needs_pages
def test_bag_scores_equal_score_py_on_real_pages():
    spec = importlib.util.spec_from_file_location("score", PAGES_DEV / "score.py")
    assert spec and spec.loader
    score = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(score)
    for page in T.load_pages(PAGES_DEV, T.TRAIN_DATASETS)[:40]:
        pred = page.text[: len(page.text) // 2]
        assert T.bag_scores(pred, page.gold) == score.score(pred, page.gold)


@pytest.mark.slow
@needs_pages
def test_the_shipped_model_rebuilds_bit_for_bit(tmp_path: Path):
    assert T.main([str(PAGES_DEV), "--out", str(tmp_path)]) == 0
    for name in ("line_model.json", "line_model.md"):
        assert (tmp_path / name).read_bytes() == data_file(name).read_bytes()
