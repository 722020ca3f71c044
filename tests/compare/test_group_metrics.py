"""Tests of analysis.compare.group_metrics: bootstrap intervals per group, hand-built and seeds."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from analysis.compare.group_metrics import (
    COUNT_FORMULAS,
    GROUP_METRICS_SCHEMA,
    ORDER_METRICS,
    PER_DOC_SCHEMA,
    READABILITY_METRICS,
    SENTENCE_SCHEMA,
    group_metrics,
    per_doc_table,
    sentence_table,
)
from analysis.metrics import readability, rhetoric


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
    """Every sentence the same: 20 words, 1 sentence, 30 syllables, 90 letters, ..."""
    text = "The cat sat on the mat and looked at the dog. "
    rows = [
        (d, i, 20, 20, 1, 30, 90, 2, 4, 1, 110, 21, text) for d in doc_ids for i in range(1, n + 1)
    ]
    return pl.DataFrame(rows, schema=SENTENCE_SCHEMA, orient="row")


#: The columns of the sentence table before the order-dependent and extra count columns.
SENTENCE_SCHEMA_V1 = ["doc_id", "sentence_no", "words", "ts_words", "ts_sentences"]
SENTENCE_SCHEMA_V1 += ["ts_syllables", "ts_letters"]


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
    # identical sentences: the block bootstrap has width 0, centred on the reported estimate
    for row in (fk, smog):
        assert row["method"].startswith("bootstrap over sentence blocks")
        assert (row["estimate"], row["ci_low"], row["ci_high"]) == (1.0, 1.0, 1.0)
    # an older sentence table without the SMOG counts: no interval, and the method says why
    old = _sentences(ids).select(SENTENCE_SCHEMA_V1)
    legacy = group_metrics(
        per_doc.filter(pl.col("doc_id") != "e"), _groups(dict.fromkeys(ids[:4], "g")), sentences=old
    )
    fk, smog = legacy.rows(named=True)
    assert fk["ci_low"] == 1.0 and fk["method"].startswith("bootstrap over sentence blocks")
    assert smog["ci_low"] is None and smog["ci_high"] is None
    assert smog["method"] == (
        "no interval: n_docs < 5 and the sentence table lacks ts_polysyllables "
        "(rebuild it with sentence_table)"
    )
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
def seeds(seeds_study):
    p = seeds_study
    hits = rhetoric.rhetoric_hits(p.docs, p.spans)
    per_doc = per_doc_table(
        readability.textstat_readability(p.bodies, min_words=100),
        rhetoric.rhetoric_counts(hits, p.bodies),
        rhetoric.word_counts(p.bodies),
    )
    return p, hits, per_doc, sentence_table(p.docs, p.spans)


@pytest.fixture(scope="module")
def seeds_table(seeds) -> pl.DataFrame:
    p, hits, per_doc, sentences = seeds
    groups = p.tables["provenance"].select("doc_id", pl.col("outlet").alias("group"))
    return group_metrics(per_doc, groups, sentences=sentences, hits=hits)


#: The part of ``method`` naming what a small group's sentence-block bootstrap recomputes.
RECOMPUTED = {
    **{m: "formula recomputed per document" for m in COUNT_FORMULAS},
    "linsear_write_formula": "Linsear Write recomputed on the first 100 words",
    "mtld": "MTLD (threshold 0.72) recomputed on each document's resampled token sequence",
    "mattr": "MATTR (window 100) recomputed on each document's resampled token sequence",
}


def test_seeds_by_outlet(seeds_table: pl.DataFrame) -> None:
    t = seeds_table
    assert t.schema == pl.Schema(GROUP_METRICS_SCHEMA)
    assert t.equals(t.sort("group", "metric"))
    assert t["group"].null_count() == 0 and t["method"].null_count() == 0
    metrics = set(t["metric"])
    assert set(READABILITY_METRICS) <= metrics
    assert {f"{fam.name}_per_1k" for fam in rhetoric.load_lexicon().families} <= metrics
    assert t["small_n"].all()  # five documents: every group is small
    pn = t.filter(pl.col("group") == "PolitNavigator")
    assert pn["n_docs"].to_list() == [2] * pn.height
    # every metric of every group has an interval containing the estimate, and says how
    assert t["ci_low"].null_count() == 0 and t["ci_high"].null_count() == 0
    assert (t["ci_low"] <= t["estimate"]).all() and (t["estimate"] <= t["ci_high"]).all()
    read = t.filter(pl.col("metric").is_in(READABILITY_METRICS))
    assert read.height == 3 * 10 and (read["ci_low"] < read["ci_high"]).all()
    prefix = (
        "bootstrap over sentence blocks within documents (moving blocks of 5 sentences, "
        "B=1000, percentile 95%, centred on the estimate): "
    )
    for row in t.iter_rows(named=True):
        assert row["method"].startswith(prefix), row
        if row["metric"].endswith("_per_1k"):
            assert row["method"].endswith("pooled rate recomputed")
        else:
            assert RECOMPUTED[row["metric"]] in row["method"], row
    fk = pn.filter(pl.col("metric") == "flesch_kincaid_grade").row(0, named=True)
    assert fk["ci_low"] < fk["estimate"] < fk["ci_high"]
    assert fk["ci_high"] - fk["ci_low"] > 0.5
    # order-dependent metrics vary from one resampled text to another, within sane ranges
    for metric, lo, hi in (
        ("mtld", 20.0, 300.0),
        ("mattr", 0.5, 1.0),
        ("linsear_write_formula", 0, 40),
    ):
        rows = t.filter(pl.col("metric") == metric)
        assert (rows["ci_low"] > lo).all() and (rows["ci_high"] < hi).all(), metric
        assert (rows["ci_high"] - rows["ci_low"] > 0.005 * rows["estimate"]).all(), metric


def test_seeds_each_document_its_own_group_and_determinism(seeds) -> None:
    p, hits, per_doc, sentences = seeds
    own = p.bodies.select("doc_id", pl.col("doc_id").alias("group"))
    kwargs = {"sentences": sentences, "hits": hits, "n_boot": 300}
    a = group_metrics(per_doc, own, seed=5, **kwargs)
    b = group_metrics(per_doc, own, seed=5, **kwargs)
    c = group_metrics(per_doc, own, seed=6, **kwargs)
    assert a.equals(b)
    assert a["estimate"].equals(c["estimate"]) and a["method"].equals(c["method"])
    assert a.height == 5 * c.filter(pl.col("group") == a["group"][0]).height
    assert a["ci_low"].null_count() == 0
    assert (a["ci_low"] <= a["estimate"] + 1e-9).all()
    assert (a["estimate"] <= a["ci_high"] + 1e-9).all()
    assert all("B=300" in m for m in a["method"])
    for metric in (*COUNT_FORMULAS, *ORDER_METRICS):
        x, y = (f.filter(pl.col("metric") == metric) for f in (a, c))
        assert (x["ci_low"] != y["ci_low"]).any() or (x["ci_high"] != y["ci_high"]).any(), metric


def test_a_groups_rows_depend_on_its_documents_only(seeds) -> None:
    # each (group, metric) row draws from its own stream: the table is the concatenation of
    # the tables of each group alone, so the pipeline can cache it group by group
    p, hits, per_doc, sentences = seeds
    groups = p.tables["provenance"].select("doc_id", pl.col("outlet").alias("group"))
    kwargs = {"sentences": sentences, "hits": hits, "n_boot": 200, "min_docs": 2}
    whole = group_metrics(per_doc, groups, **kwargs)
    assert whole["small_n"].any() and not whole["small_n"].all()  # both bootstraps are used
    parts = []
    for name in sorted(g for g in set(groups["group"]) if g is not None):
        docs = groups.filter(pl.col("group") == name)["doc_id"]
        cut = {
            k: v.filter(pl.col("doc_id").is_in(docs))
            for k, v in kwargs.items()
            if isinstance(v, pl.DataFrame)
        }
        alone = {**kwargs, **cut}
        parts.append(
            group_metrics(
                per_doc.filter(pl.col("doc_id").is_in(docs)),
                groups.filter(pl.col("group") == name),
                **alone,
            )
        )
    assert whole.equals(pl.concat(parts))


def test_resampled_text_is_what_the_libraries_see(seeds) -> None:
    """Replicate MTLD, MATTR and Linsear equal lexicalrichness / textstat on the replicate's text
    (the drawn sentences joined by spaces), replicate by replicate."""
    from analysis.compare.intervals import (
        SentenceDoc,
        _block_starts,
        _diversity_replicates,
        _linsear_replicates,
    )

    sentences = seeds[3]
    lex_class = readability._lexical_richness()
    score = readability.linsear_scorer()
    bodies = dict(seeds[0].bodies.select("doc_id", "body").iter_rows())
    checked = 0
    for (doc_id,), part in sentences.group_by("doc_id"):
        texts = part.sort("sentence_no")["text"].to_list()
        doc = SentenceDoc(np.zeros((len(texts) + 1, 1)), ["words"], texts)
        whole = " ".join(texts)
        # the sentences rejoined tokenise like the body: the plug-in is the estimate on the seeds
        assert lex_class(whole).wordlist == lex_class(bodies[doc_id]).wordlist
        assert score(whole) == score(bodies[doc_id])
        starts, b = _block_starts(doc.m, 5, 40, np.random.default_rng(3))
        idx = (starts[:, :, None] + np.arange(b)).reshape(40, -1)
        mtld = _diversity_replicates(doc, "mtld", 5, 40, np.random.default_rng(3))
        mattr = _diversity_replicates(doc, "mattr", 5, 40, np.random.default_rng(3))
        linsear = _linsear_replicates(doc, idx, readability.linsear_sequence_scorer(texts))
        for r, row in enumerate(idx.tolist()):
            lex = lex_class(" ".join(texts[i] for i in row))
            assert mtld[r] == lex.mtld(threshold=0.72)
            if lex.words >= 100:
                assert mattr[r] == lex.mattr(window_size=100)
            else:
                assert np.isnan(mattr[r])
            assert linsear[r] == score(" ".join(texts[i] for i in row))
            checked += 1
    assert checked >= 100


def test_sentence_bootstrap_memory_does_not_grow_with_n_boot_times_sentences() -> None:
    """A long document in a small group: the temporary arrays stay bounded (issue 9, case 9).

    Before, each replicate's sentence indices and tokens were materialised at once (n_boot x
    sentences and n_boot x tokens); with 400 replicates of a 6,000-sentence document that was
    hundreds of MB, now it is a few MB whatever n_boot is.
    """
    import re
    import tracemalloc

    from analysis.core import paths

    seed_text = " ".join(p.read_text(encoding="utf-8") for p in sorted(paths.SEEDS.iterdir()))
    words = sorted(set(re.findall(r"[a-z]{3,}", seed_text)))[:300]
    rng = np.random.default_rng(0)
    text = " ".join(
        " ".join(rng.choice(words, size=int(rng.integers(6, 14)))).capitalize() + "."
        for _ in range(6000)
    )
    docs = pl.DataFrame({"doc_id": ["big"], "text": [text]})
    sentences = sentence_table(docs, {"big": [(0, len(text))]})
    assert sentences.height > 5900  # a few "sentences" end in a one-letter word: not cut
    per_doc = pl.concat(
        [_mean_rows({"big": 1.0}, metric=m) for m in ("mtld", "mattr", "flesch_reading_ease")]
    )
    group_metrics(per_doc, _groups({"big": "g"}), sentences=sentences, n_boot=2)  # compile
    tracemalloc.start()
    out = group_metrics(per_doc, _groups({"big": "g"}), sentences=sentences, n_boot=400)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert out["ci_low"].null_count() == 0 and out["ci_high"].null_count() == 0
    assert peak < 80e6, peak  # the old code peaked at 2.4 GB here


def test_short_document_mattr_says_why() -> None:
    text = "The cat sat on the mat. It was happy. The dog ran to the park and back. "
    sentences = sentence_table(
        pl.DataFrame({"doc_id": ["a"], "text": [text]}), {"a": [(0, len(text))]}
    )
    assert sentences.height == 3
    per_doc = pl.concat([_mean_rows({"a": 0.9}, metric=m) for m in ("mattr", "mtld")])
    out = group_metrics(per_doc, _groups({"a": "g"}), sentences=sentences, n_boot=50)
    mattr, mtld = out.rows(named=True)
    assert mattr["ci_low"] is None and mattr["ci_high"] is None
    assert mattr["method"] == (
        "no interval: n_docs < 5 and mattr is undefined on the sentences of its documents "
        "(fewer than 100 tokens in a document's sentences)"
    )
    assert mtld["ci_low"] - 1e-9 <= 0.9 <= mtld["ci_high"] + 1e-9
    assert "MTLD (threshold 0.72)" in mtld["method"]
