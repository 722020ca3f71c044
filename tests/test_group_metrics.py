"""Tests of analysis.group_metrics: bootstrap intervals per group, on hand-built cases and seeds."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from analysis import readability, rhetoric
from analysis.group_metrics import (
    COUNT_FORMULAS,
    GROUP_METRICS_SCHEMA,
    PER_DOC_SCHEMA,
    SENTENCE_SCHEMA,
    group_metrics,
    per_doc_table,
    sentence_table,
)
from analysis.pipeline import prepare


def _mean_rows(values: dict[str, float], metric: str = "m") -> pl.DataFrame:
    return pl.DataFrame(
        {
            "doc_id": list(values),
            "metric": metric,
            "kind": "mean",
            "family": None,
            "value": list(values.values()),
            "count": None,
            "words": 100,
        },
        schema=PER_DOC_SCHEMA,
    )


def _groups(mapping: dict[str, str]) -> pl.DataFrame:
    return pl.DataFrame({"doc_id": list(mapping), "group": list(mapping.values())})


def test_hand_built_mean_and_pooled_rate() -> None:
    per_doc = pl.concat(
        [
            _mean_rows({"a": 1.0, "b": 2.0, "c": 3.0, "d": 4.0, "e": 5.0}),
            pl.DataFrame(
                {
                    "doc_id": list("abcde"),
                    "metric": "loaded_per_1k",
                    "kind": "rate",
                    "family": "loaded",
                    "value": None,
                    "count": [1, 0, 2, 0, 1],
                    "words": [100, 300, 200, 100, 300],
                },
                schema=PER_DOC_SCHEMA,
            ),
        ]
    )
    out = group_metrics(per_doc, _groups(dict.fromkeys("abcde", "g")), n_boot=500, seed=1)
    assert out.schema == pl.Schema(GROUP_METRICS_SCHEMA)
    assert out["metric"].to_list() == ["loaded_per_1k", "m"]
    rate, mean = out.rows(named=True)
    assert rate["estimate"] == pytest.approx(4 / 1000 * 1000)  # 4 cues / 1,000 words x 1000
    assert mean["estimate"] == 3.0
    assert (mean["n_docs"], mean["n_words"], mean["small_n"]) == (5, 500, False)
    for row in (rate, mean):
        assert row["ci_low"] <= row["estimate"] <= row["ci_high"]
        assert row["ci_low"] < row["ci_high"]
        assert row["method"] == "bootstrap over documents (B=500, percentile 95%)"
    # a bootstrap mean of 1..5 lies in [1, 5]; the 2.5% / 97.5% quantiles well inside
    assert 1.0 < mean["ci_low"] < 3.0 < mean["ci_high"] < 5.0
    assert rate["ci_low"] >= 0.0 and rate["ci_high"] < 10.0


def test_all_documents_equal_gives_zero_width() -> None:
    out = group_metrics(
        _mean_rows({d: 7.5 for d in "abcdef"}), _groups(dict.fromkeys("abcdef", "g"))
    )
    row = out.row(0, named=True)
    assert (row["estimate"], row["ci_low"], row["ci_high"]) == (7.5, 7.5, 7.5)


def test_null_scores_do_not_count() -> None:
    per_doc = _mean_rows({"a": 1.0, "b": 3.0}).with_columns(
        pl.when(pl.col("doc_id") == "b").then(None).otherwise(pl.col("value")).alias("value")
    )
    row = group_metrics(per_doc, _groups({"a": "g", "b": "g"}), min_docs=1).row(0, named=True)
    assert (row["n_docs"], row["estimate"], row["ci_low"], row["ci_high"]) == (1, 1.0, 1.0, 1.0)


def test_seed_determinism() -> None:
    rng = np.random.default_rng(42)
    per_doc = _mean_rows({f"d{i}": float(v) for i, v in enumerate(rng.normal(size=20))})
    groups = _groups({f"d{i}": "g" for i in range(20)})
    a = group_metrics(per_doc, groups, seed=3, n_boot=300)
    b = group_metrics(per_doc, groups, seed=3, n_boot=300)
    c = group_metrics(per_doc, groups, seed=4, n_boot=300)
    assert a.equals(b)
    assert a["estimate"].equals(c["estimate"])
    assert a["ci_low"][0] != c["ci_low"][0] and a["ci_high"][0] != c["ci_high"][0]


def _sentences(doc_ids: list[str], n: int = 12) -> pl.DataFrame:
    """Every sentence 20 words, 1 sentence, 30 syllables, 90 letters."""
    rows = [(d, i, 20, 20, 1, 30, 90) for d in doc_ids for i in range(1, n + 1)]
    return pl.DataFrame(rows, schema=SENTENCE_SCHEMA, orient="row")


def test_small_n_flag_and_method_switch_at_min_docs() -> None:
    ids = list("abcde")
    per_doc = pl.concat(
        [
            _mean_rows(dict.fromkeys(ids, 1.0), metric=m)
            for m in ("flesch_kincaid_grade", "smog_index")
        ]
    )
    # the same five documents in one group of 5 and, with a 4-document group, at min_docs=5
    five = group_metrics(per_doc, _groups(dict.fromkeys(ids, "g")), sentences=_sentences(ids))
    four = group_metrics(
        per_doc.filter(pl.col("doc_id") != "e"),
        _groups(dict.fromkeys(ids[:4], "g")),
        sentences=_sentences(ids),
    )
    assert five["small_n"].to_list() == [False, False]
    assert all(m.startswith("bootstrap over documents") for m in five["method"])
    assert four["small_n"].to_list() == [True, True]
    fk, smog = four.rows(named=True)
    assert fk["method"].startswith("bootstrap over sentence blocks")
    # identical sentences: the block bootstrap has width 0, centred on the reported estimate
    assert (fk["estimate"], fk["ci_low"], fk["ci_high"]) == (1.0, 1.0, 1.0)
    assert smog["method"].startswith("no interval")
    assert smog["ci_low"] is None and smog["ci_high"] is None
    # without a sentence table a small group gets no interval, and says why
    bare = group_metrics(
        per_doc.filter(pl.col("doc_id") != "e"), _groups(dict.fromkeys(ids[:4], "g"))
    )
    assert "no sentence table" in bare["method"][0]
    assert bare["ci_low"][0] is None


def test_sentence_block_rate_interval() -> None:
    per_doc = pl.DataFrame(
        {
            "doc_id": ["a"],
            "metric": "loaded_per_1k",
            "kind": "rate",
            "family": "loaded",
            "value": None,
            "count": [3],
            "words": [240],
        },
        schema=PER_DOC_SCHEMA,
    )
    hits = pl.DataFrame({"doc_id": "a", "family": "loaded", "sentence_no": [1, 5, 9]})
    row = group_metrics(
        per_doc, _groups({"a": "g"}), sentences=_sentences(["a"]), hits=hits, block=2, seed=0
    ).row(0, named=True)
    assert row["small_n"] and row["n_docs"] == 1
    assert row["estimate"] == pytest.approx(12.5)  # 3 / 240 x 1000
    assert 0.0 <= row["ci_low"] < 12.5 < row["ci_high"] <= 1000 * 12 / 240
    assert "moving blocks of 2 sentences" in row["method"]


def test_coverage_on_simulated_groups() -> None:
    """200 simulated groups of 40 documents (one call): 95% intervals cover the true mean 1.0."""
    rng = np.random.default_rng(2024)
    n_sim, n_docs = 200, 40
    values = rng.gamma(4.0, 0.25, size=(n_sim, n_docs))  # mean 1.0, skewed
    ids = [f"s{s}-d{d}" for s in range(n_sim) for d in range(n_docs)]
    per_doc = _mean_rows(dict(zip(ids, values.ravel().tolist(), strict=True)))
    groups = pl.DataFrame({"doc_id": ids, "group": [i.split("-")[0] for i in ids]})
    out = group_metrics(per_doc, groups, n_boot=400, seed=7)
    assert out.height == n_sim
    covered = ((out["ci_low"] <= 1.0) & (out["ci_high"] >= 1.0)).mean()
    assert 0.88 <= covered <= 0.99


@pytest.fixture(scope="module")
def seeds_table() -> pl.DataFrame:
    p = prepare("seeds")
    hits = rhetoric.rhetoric_hits(p.docs, p.spans)
    per_doc = per_doc_table(
        readability.textstat_readability(p.bodies, min_words=100),
        rhetoric.rhetoric_counts(hits, p.bodies),
        rhetoric.word_counts(p.bodies),
    )
    groups = p.tables["provenance"].select("doc_id", pl.col("outlet").alias("group"))
    return group_metrics(per_doc, groups, sentences=sentence_table(p.docs, p.spans), hits=hits)


def test_seeds_by_outlet(seeds_table: pl.DataFrame) -> None:
    t = seeds_table
    assert t.schema == pl.Schema(GROUP_METRICS_SCHEMA)
    assert t.equals(t.sort("group", "metric"))
    assert t["group"].null_count() == 0 and t["method"].null_count() == 0
    metrics = set(t["metric"])
    assert set(readability.METRICS) <= metrics
    assert {f"{fam.name}_per_1k" for fam in rhetoric.load_lexicon().families} <= metrics
    pn = t.filter(pl.col("group") == "PolitNavigator")
    assert pn["n_docs"].to_list() == [2] * pn.height and pn["small_n"].all()
    with_interval = t.filter(pl.col("ci_low").is_not_null())
    # every rate and every count-formula metric has an interval containing the estimate
    expected = t.filter(
        pl.col("metric").str.ends_with("_per_1k") | pl.col("metric").is_in(COUNT_FORMULAS)
    )
    assert with_interval.height == expected.height
    assert (with_interval["ci_low"] <= with_interval["estimate"] + 1e-9).all()
    assert (with_interval["estimate"] <= with_interval["ci_high"] + 1e-9).all()
    assert all(m.startswith("bootstrap over sentence blocks") for m in with_interval["method"])
    fk = pn.filter(pl.col("metric") == "flesch_kincaid_grade").row(0, named=True)
    assert fk["ci_low"] < fk["estimate"] < fk["ci_high"]
    assert fk["ci_high"] - fk["ci_low"] > 0.5
