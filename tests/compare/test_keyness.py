"""Tests for analysis.compare.keyness (Monroe, Colaresi and Quinn 2008 log-odds)."""

from __future__ import annotations

import math

import polars as pl
import pytest

from analysis.compare.keyness import (
    COUNTS_SCHEMA,
    KEYNESS_SCHEMA,
    fightin_words,
    term_counts,
)

# Three groups, four terms. Totals: n_a = 10, n_b = 10, n_c = 20, N = 40.
# Corpus counts: oil 10, gas 10, steppe 10, grain 10.
HAND = pl.DataFrame(
    {
        "group": ["a", "a", "a", "b", "b", "c", "c", "c", "c"],
        "term": ["oil", "gas", "steppe", "oil", "grain", "oil", "gas", "steppe", "grain"],
        "count": [6, 2, 2, 1, 9, 3, 8, 8, 1],
    }
)


def test_hand_worked_values() -> None:
    out = fightin_words(HAND, prior_scale=0.5)
    # s = 0.5: alpha0 = 0.5 * 40 = 20; alpha_w = 0.5 * 10 = 5 for every term.
    # group a, "oil": y_i = 6, n_i = 10, y_j = 4, n_j = 30.
    #   delta = log((6 + 5) / (10 + 20 - 6 - 5)) - log((4 + 5) / (30 + 20 - 4 - 5))
    #         = log(11 / 19) - log(9 / 41)
    #   var   = 1 / 11 + 1 / 9
    d_a_oil = math.log(11 / 19) - math.log(9 / 41)
    z_a_oil = d_a_oil / math.sqrt(1 / 11 + 1 / 9)
    # group a, "gas": y_i = 2, y_j = 8: log(7 / 23) - log(13 / 37); var = 1/7 + 1/13
    d_a_gas = math.log(7 / 23) - math.log(13 / 37)
    z_a_gas = d_a_gas / math.sqrt(1 / 7 + 1 / 13)
    # group b, "grain": y_i = 9, n_i = 10, y_j = 1, n_j = 30:
    #   log(14 / 16) - log(6 / 44); var = 1/14 + 1/6
    d_b_grain = math.log(14 / 16) - math.log(6 / 44)
    z_b_grain = d_b_grain / math.sqrt(1 / 14 + 1 / 6)
    # group c, "steppe": y_i = 8, n_i = 20, y_j = 2, n_j = 20:
    #   log(13 / 27) - log(7 / 33); var = 1/13 + 1/7
    d_c_steppe = math.log(13 / 27) - math.log(7 / 33)
    z_c_steppe = d_c_steppe / math.sqrt(1 / 13 + 1 / 7)
    assert d_a_oil == pytest.approx(0.9698, abs=1e-4)
    assert z_a_oil == pytest.approx(2.1577, abs=1e-4)

    got = {(g, t): (cg, cr, d, z) for g, t, cg, cr, d, z in out.iter_rows()}
    for key, counts, d, z in [
        (("a", "oil"), (6, 4), d_a_oil, z_a_oil),
        (("a", "gas"), (2, 8), d_a_gas, z_a_gas),
        (("b", "grain"), (9, 1), d_b_grain, z_b_grain),
        (("c", "steppe"), (8, 2), d_c_steppe, z_c_steppe),
    ]:
        assert got[key][:2] == counts
        assert got[key][2] == pytest.approx(d, rel=1e-12)
        assert got[key][3] == pytest.approx(z, rel=1e-12)
    # b never uses gas or steppe: absent terms are not listed.
    assert ("b", "gas") not in got and ("b", "steppe") not in got
    assert out.height == 9


def test_full_variance_and_schema_and_sort() -> None:
    out = fightin_words(HAND, prior_scale=0.5, variance="full")
    assert out.schema == pl.Schema(KEYNESS_SCHEMA)
    # group a, "oil" with the two extra terms 1 / 19 + 1 / 41.
    d = math.log(11 / 19) - math.log(9 / 41)
    z = d / math.sqrt(1 / 11 + 1 / 19 + 1 / 9 + 1 / 41)
    row = out.filter(group="a", term="oil")
    assert row["z"].item() == pytest.approx(z, rel=1e-12)
    expected = out.sort(["group", "z", "term"], descending=[False, True, False])
    assert out.equals(expected)
    assert out["group"].to_list() == ["a"] * 3 + ["b"] * 2 + ["c"] * 4


def test_top_and_duplicates() -> None:
    top = fightin_words(HAND, prior_scale=0.5, top=1)
    assert top.select("group", "term").rows() == [("a", "oil"), ("b", "grain"), ("c", "gas")]
    doubled = pl.concat([HAND, HAND.with_columns(pl.lit(0, pl.Int64).alias("count"))])
    assert fightin_words(doubled, prior_scale=0.5).equals(fightin_words(HAND, prior_scale=0.5))


def test_scattertext_parity() -> None:
    """Two groups: our z with variance='full' is scattertext's informative-prior z-score.

    scattertext's ``LogOddsRatioInformativeDirichletPrior`` with ``priors`` = corpus counts,
    ``scale_type='corpus-size'`` and ``sigma=s`` uses ``alpha_w = s * y_w`` and a four-term
    variance (``variance="full"`` here).
    """
    mod = pytest.importorskip(
        "scattertext.termsignificance.LogOddsRatioInformativeDirichletPiror",
        reason="scattertext is not installed (optional parity check)",
    )
    import numpy as np

    two = HAND.filter(pl.col("group") != "b")
    wide = (
        two.pivot(on="group", index="term", values="count", aggregate_function="sum")
        .fill_null(0)
        .sort("term")
    )
    y_a = wide["a"].to_numpy().astype(float)
    y_c = wide["c"].to_numpy().astype(float)
    scorer = mod.LogOddsRatioInformativeDirichletPrior(
        y_a + y_c, sigma=0.3, scale_type="corpus-size"
    )
    theirs = dict(
        zip(
            wide["term"],
            np.asarray(scorer.get_zeta_i_j_given_separate_counts(y_a, y_c)),
            strict=True,
        )
    )
    ours = fightin_words(two, prior_scale=0.3, variance="full").filter(group="a")
    assert ours.height == 3
    for term, z in ours.select("term", "z").iter_rows():
        assert z == pytest.approx(float(theirs[term]), rel=1e-10)


def test_term_counts_tokenisation() -> None:
    df = pl.DataFrame(
        {
            "group": ["x", "x", "y"],
            "body": ["Astana's pipe-line: it’s 2024! The PIPE-LINE", None, "Astana’s oil; oil 42"],
        }
    )
    counts = term_counts(df, min_count=1)
    assert counts.schema == pl.Schema(COUNTS_SCHEMA)
    assert counts.rows() == [
        ("x", "astana's", 1),
        ("x", "pipe-line", 2),
        ("y", "astana's", 1),
        ("y", "oil", 2),
    ]
    assert term_counts(df, min_count=2).equals(counts)
    # min_count is corpus-wide: pipe-line (2), astana's (2), oil (2) stay at 2, none at 3.
    assert term_counts(df, min_count=3).height == 0
    bigrams = term_counts(df, ngram=2, min_count=1, stopwords=None, lowercase=False)
    assert ("x", "Astana's pipe-line", 1) in bigrams.rows()
    assert ("y", "oil oil", 1) in bigrams.rows()
    # no bigram across documents or across the dropped number
    assert all("42" not in t and "2024" not in t for t in bigrams["term"])
    stopped = term_counts(df, ngram=2, min_count=1)
    assert stopped.rows() == [
        ("x", "astana's pipe-line", 1),
        ("y", "astana's oil", 1),
        ("y", "oil oil", 1),
    ]


def test_term_counts_errors() -> None:
    df = pl.DataFrame({"group": ["x", None], "body": ["a b", "c"]})
    with pytest.raises(ValueError, match="null"):
        term_counts(df)
    with pytest.raises(ValueError, match="no column"):
        term_counts(df, text_col="text")
    with pytest.raises(ValueError, match="ngram"):
        term_counts(df.drop_nulls(), ngram=0)


def test_empty_and_one_group() -> None:
    empty = pl.DataFrame(schema=COUNTS_SCHEMA)
    out = fightin_words(empty)
    assert out.height == 0 and out.schema == pl.Schema(KEYNESS_SCHEMA)
    zeros = pl.DataFrame({"group": ["a", "b"], "term": ["x", "x"], "count": [0, 0]})
    assert fightin_words(zeros).height == 0
    with pytest.raises(ValueError, match="at least two groups"):
        fightin_words(HAND.filter(group="a"))
    with pytest.raises(ValueError, match="negative"):
        fightin_words(HAND.with_columns(pl.lit(-1).alias("count")))
    with pytest.raises(ValueError, match="prior_scale"):
        fightin_words(HAND, prior_scale=0)
    with pytest.raises(ValueError, match="no column 'count'"):
        fightin_words(HAND.rename({"count": "n"}))
    empty_texts = pl.DataFrame(schema={"group": pl.String, "body": pl.String})
    assert term_counts(empty_texts).equals(pl.DataFrame(schema=COUNTS_SCHEMA))


@pytest.fixture(scope="module")
def seed_keyness(seeds_study) -> tuple[pl.DataFrame, pl.DataFrame]:

    p = seeds_study
    texts = p.bodies.select("doc_id", "body").join(
        p.tables["provenance"].select("doc_id", "outlet"), on="doc_id", how="left"
    )
    texts = texts.with_columns(pl.col("outlet").fill_null("(unknown outlet)"))
    counts = term_counts(texts, group_col="outlet")
    return counts, fightin_words(counts)


def test_seeds(seed_keyness: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    _, key = seed_keyness
    assert set(key["group"]) == {
        "(unknown outlet)",
        "PolitNavigator",
        "The Eastern Herald",
        "VPK.name",
    }
    pn = key.filter(group="PolitNavigator").head(10)
    top = pn["term"].to_list()
    # Words of PolitNavigator's two articles (about US-Kazakh relations), never or rarely
    # used by the other outlets.
    assert {"republic", "washington", "ruling", "american"} <= set(top)
    republic = pn.filter(term="republic")
    assert republic.select("count_group", "count_rest").row(0) == (11, 0)
    assert republic["z"].item() > 2
    assert key.filter(group="The Eastern Herald").head(5)["term"].to_list()[0] == "democratic"
    assert "odihr" in key.filter(group="The Eastern Herald").head(5)["term"].to_list()


def test_seeds_deterministic(seed_keyness: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    counts, key = seed_keyness
    again = fightin_words(counts.sample(fraction=1.0, shuffle=True, seed=7))
    assert again.equals(key)


def test_group_keyness_needs_two_groups_and_keeps_the_schema():
    from analysis.compare.keyness import KEYNESS_SCHEMA, group_keyness

    bodies = pl.DataFrame(
        {"doc_id": ["a", "b", "c"], "body": ["oil oil gas", "oil gas gas", "gas oil grain"]}
    )
    one = group_keyness(bodies, pl.DataFrame({"doc_id": ["a", "b"], "group": "X"}))
    assert one.height == 0 and one.schema == KEYNESS_SCHEMA
    two = group_keyness(bodies, pl.DataFrame({"doc_id": ["a", "b", "c"], "group": list("XYY")}))
    assert sorted(set(two["group"])) == ["X", "Y"]
    assert two.schema == KEYNESS_SCHEMA
    x = dict(two.filter(pl.col("group") == "X").select("term", "count_group").rows())
    assert x == {"oil": 2, "gas": 1}  # 'grain' is seen once: below the corpus minimum


@pytest.mark.parametrize("ngram", [1, 2])
def test_counts_are_the_same_whatever_documents_are_tokenised_at_once(monkeypatch, ngram) -> None:
    """Counted a chunk of documents at a time (memory), summed: the counts of one pass, and a
    term kept by ``min_count`` on its corpus total even when no chunk alone reaches it."""
    from analysis.compare import keyness

    texts = pl.DataFrame(
        {
            "group": ["a", "b", "a", "c", "b", "a", "c"],
            "body": [
                "Oil prices rose in Astana. Oil rose.",
                "Grain harvest in the steppe; oil prices fell",
                "The steppe, the steppe! Grain and oil.",
                "Pipeline talks in Astana and Beijing",
                "Oil and gas: pipeline talks resumed",
                "Astana hosted talks on grain",
                "",
            ],
        }
    )
    whole = term_counts(texts, ngram=ngram, min_count=2)
    monkeypatch.setattr(keyness, "TERM_CHUNK_DOCS", 2)
    chunked = term_counts(texts, ngram=ngram, min_count=2)
    assert chunked.equals(whole)
    if ngram == 1:
        assert ("c", "pipeline", 1) in whole.rows()  # 1 in c, 1 in b: 2 over the corpus
        assert dict(whole.group_by("term").agg(pl.col("count").sum()).rows())["oil"] == 5
