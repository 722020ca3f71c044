"""The shipped line classifier: its file, its scores, its context features."""

from __future__ import annotations

import json
from importlib.resources import files

import numpy as np
import polars as pl
import pytest

from analysis.provenance import linemodel as M
from analysis.provenance.linefeatures import FEATURES

NEW_OUTLET_PAGE = "\n".join(
    [
        "Skip to main content",
        "Toggle navigation",
        "Home",
        "Politics",
        "Economy",
        "Culture",
        "Opinion",
        "",
        "Kazakhstan and China sign a new transit agreement",
        "",
        "By Aigerim Seitkali",
        "",
        "ASTANA, 14 March 2024 – Kazakhstan and China signed an agreement on Thursday that will "
        "raise the volume of goods carried by rail between the two countries over the next five "
        "years, the Ministry of Transport said in a statement.",
        "",
        "The agreement covers new border terminals and a joint logistics company, and officials "
        "said the first trains under the new rules would run before the end of the year.",
        "",
        "Analysts said the deal was part of a wider effort to route more trade between Europe "
        "and Asia through Central Asia rather than through Russia.",
        "",
        "Share this article",
        "Facebook",
        "Twitter",
        "Telegram",
        "",
        "Related news",
        "Astana hosts regional summit on water",
        "New airport terminal opens in Almaty",
        "",
        "© 2024 The Astana Times. All rights reserved.",
    ]
)


def test_the_model_file_round_trips_exactly():
    text = (files("analysis") / "data" / M.MODEL_FILE).read_text("utf-8")
    assert M.dumps(M.load_model()) == text
    model = M.load_model()
    assert model.stage1.features == FEATURES
    assert model.stage2.features == FEATURES + M.CONTEXT_FEATURES
    assert model.threshold == 0.5
    assert set(model.training["pages"]) == {
        "cleaneval-dev",
        "cleaneval-final",
        "cleanportaleval",
        "readability",
    }


def test_a_model_with_other_features_is_refused():
    data = json.loads(M.dumps(M.load_model()))
    data["stage1"]["features"] = data["stage1"]["features"][:-1]
    with pytest.raises(ValueError, match="stage-1 features"):
        M.LineModel.from_json(data)


def test_a_page_of_an_outlet_no_rule_knows():
    scores = M.score_lines(NEW_OUTLET_PAGE)
    lines = NEW_OUTLET_PAGE.split("\n")
    article = {i for i, s in enumerate(scores) if s >= M.load_model().threshold}
    paragraphs = {i for i, line in enumerate(lines) if len(line.split()) > 20}
    assert article == paragraphs
    assert np.isnan(scores[7]) and np.isnan(scores[-2])


def test_scores_are_rounded_to_fixed_precision():
    scores = M.score_lines(NEW_OUTLET_PAGE)
    kept = scores[~np.isnan(scores)]
    assert np.array_equal(kept, np.round(kept, M.DECIMALS))
    assert ((kept >= 0) & (kept <= 1)).all()


def test_a_page_scores_the_same_alone_or_after_others():
    first = M.score_lines(NEW_OUTLET_PAGE)
    M.score_lines("Other text\n" * 50)
    assert np.array_equal(M.score_lines(NEW_OUTLET_PAGE), first, equal_nan=True)


def test_empty_and_wordless_pages():
    assert np.isnan(M.score_lines("")).all()
    assert np.isnan(M.score_lines("***\n---")).all()


def test_context_features_of_a_run_of_article_lines():
    score = np.array([0.1, 0.2, 0.9, 0.8, 0.7, 0.1])
    words = np.log1p(np.array([2, 3, 40, 30, 25, 2]))
    ctx = M.context_features(score, words)
    col = {name: ctx[:, i].round(3).tolist() for i, name in enumerate(M.CONTEXT_FEATURES)}
    assert col["in_main_run"] == [0, 0, 1, 1, 1, 0]
    assert col["prev_score"] == [0.0, 0.1, 0.2, 0.9, 0.8, 0.7]
    assert col["max_score_before"] == [0.1, 0.2, 0.9, 0.9, 0.9, 0.9]
    assert col["log_words_before_run"][:2] == [round(float(np.log1p(3)), 3), 0.0]
    assert col["log_words_after_run"][-1] == 0.0
    assert col["article_words_before"][0] == 0.0
    assert col["article_words_after"][-1] == 0.0


def test_main_run_without_any_gain():
    assert M._main_run(np.array([-1.0, -2.0])) == (0, -1)
    assert M._main_run(np.array([])) == (0, -1)


def test_measured_is_the_model_cards_record():
    table = M.measured()
    training = M.load_model().training
    row = table.filter(pl.col("pages") == "cross-validated", pl.col("dataset") == "all").row(0)
    cv = training["cross_validated"]["all"]
    assert list(row[2:]) == [cv["pages"], *cv["precision_recall_f1"]]
    assert set(table["dataset"]) == {
        "all",
        "cleaneval-dev",
        "cleaneval-final",
        "cleanportaleval",
        "readability",
        "dragnet",
        "l3s-gn1",
    }
