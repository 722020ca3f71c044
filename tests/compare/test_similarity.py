"""Tests for analysis.compare.similarity (TF-IDF cosine of documents and groups)."""

from __future__ import annotations

import itertools
import math
import re

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from analysis.compare import similarity as S
from analysis.compare.similarity import (
    SIMILARITY_SCHEMA,
    TFIDF_TOKEN_PATTERN,
    document_similarity,
    document_terms,
    group_similarity,
    similarity_table,
    tfidf,
    tfidf_from_terms,
)
from analysis.core import paths
from analysis.text.tokens import ENGLISH_STOPWORDS

SEEDS = paths.PROJECT_ROOT / "seeds"


def _paragraphs(count: int = 30) -> pl.DataFrame:
    """``count`` real paragraphs (over 200 characters) from the seed files, as bodies."""
    paras = []
    for path in sorted(SEEDS.glob("*.txt")):
        paras += [p for p in path.read_text(encoding="utf-8").splitlines() if len(p) > 200]
    assert len(paras) >= count
    return pl.DataFrame({"doc_id": [f"p{i:02d}" for i in range(count)], "body": paras[:count]})


def _cosines(frame: pl.DataFrame) -> dict[tuple[str, str], float]:
    """Document rows as {(a, b): cosine} with both orders."""
    out = {}
    for a, b, c in frame.select("a", "b", "cosine").iter_rows():
        out[a, b] = out[b, a] = c
    return out


def test_hand_computed_tfidf_and_cosine() -> None:
    bodies = pl.DataFrame(
        {
            "doc_id": ["d3", "d1", "d2"],
            "body": ["Grain, grain and GRAIN: the steppe", "Oil oil gas 2024", "oil grain of 19th"],
        }
    )
    # n = 3; df: oil 2, gas 1, grain 2, steppe 1 ("and", "the", "of" stopwords; numbers dropped)
    idf2 = math.log(4 / 3) + 1  # df = 2
    idf1 = math.log(4 / 2) + 1  # df = 1
    # columns (alphabetical): gas, grain, oil, steppe
    d1 = np.array([1 * idf1, 0.0, (1 + math.log(2)) * idf2, 0.0])
    d2 = np.array([0.0, idf2, idf2, 0.0])
    d3 = np.array([0.0, (1 + math.log(3)) * idf2, 0.0, idf1])
    d1, d2, d3 = (v / np.linalg.norm(v) for v in (d1, d2, d3))
    ids, x = tfidf(bodies)
    assert ids == ["d1", "d2", "d3"]
    assert x.shape == (3, 4)
    np.testing.assert_allclose(x.toarray(), np.vstack([d1, d2, d3]), rtol=0, atol=1e-14)
    got = _cosines(document_similarity(bodies))
    assert got["d1", "d2"] == pytest.approx(float(d1 @ d2), abs=1e-12)
    # by hand: 1.6931 * 2.1802 / (2.7605 * 1.8211) = 0.5585
    assert got["d1", "d2"] == pytest.approx(0.5585, abs=1e-4)
    assert got["d2", "d3"] == pytest.approx(float(d2 @ d3), abs=1e-12)
    assert got["d1", "d3"] == 0.0


def test_parity_with_sklearn_cosine_similarity() -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    bodies = _paragraphs(30)
    texts = [t.replace("’", "'") for t in bodies["body"].to_list()]
    vec = TfidfVectorizer(
        token_pattern=r"(?u)\b[^\W\d_](?:[\w'-]*\w)?\b",
        stop_words=sorted(ENGLISH_STOPWORDS),
        sublinear_tf=True,
    )
    expected = cosine_similarity(vec.fit_transform(texts))
    out = document_similarity(bodies)
    assert out.height == 30 * 29 // 2
    assert out.schema == pl.Schema(SIMILARITY_SCHEMA)
    idx = {d: i for i, d in enumerate(bodies["doc_id"].to_list())}
    got = np.array([c for c in out["cosine"]])
    want = np.array([expected[idx[a], idx[b]] for a, b in out.select("a", "b").iter_rows()])
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)
    assert got.max() > 0.1  # the paragraphs share content words


def test_token_pattern() -> None:
    text = "Covid-19 don't 2024 19th x Kassym-Jomart outlets' _under 3rd"
    assert re.findall(TFIDF_TOKEN_PATTERN, text) == [
        "Covid-19",
        "don't",
        "x",
        "Kassym-Jomart",
        "outlets",
    ]


def test_stopwords_and_numbers_do_not_count() -> None:
    bodies = pl.DataFrame(
        {
            "doc_id": ["a", "b", "c", "d", "e", "f"],
            "body": [
                "The oil of the",
                "the grain of the",
                "Oil 2024 1,200",
                "Grain 2024 1,200",
                "It’s steppe",
                "it's wheat",
            ],
        }
    )
    got = _cosines(document_similarity(bodies))
    assert got["a", "b"] == 0.0  # only stopwords shared
    assert got["c", "d"] == 0.0  # only numbers shared
    assert got["e", "f"] == 0.0  # "it’s" is the stopword "it's"
    assert got["a", "c"] == pytest.approx(1.0, abs=1e-15)  # "oil" is all either keeps


def test_group_is_mean_pairwise_cosine() -> None:
    bodies = _paragraphs(12).vstack(
        pl.DataFrame({"doc_id": ["z_empty", "z_stop"], "body": [None, "the and of 2024"]})
    )
    groups = pl.DataFrame(
        {
            "doc_id": [*bodies["doc_id"].to_list(), "not_in_bodies", "p11"],
            "group": ["A"] * 5 + ["B"] * 4 + ["C"] + [None] * 2 + ["A", "B", "A", None],
        }
    )
    # A: p00-p04 + z_empty (zero vector); B: p05-p08 + z_stop (zero); C: p09 alone;
    # p10 and p11 have no group (p11's second, null row is ignored); not_in_bodies ignored.
    members = {
        "A": ["p00", "p01", "p02", "p03", "p04"],
        "B": ["p05", "p06", "p07", "p08"],
        "C": ["p09"],
    }
    pair = _cosines(document_similarity(bodies))
    out = group_similarity(bodies, groups)
    assert out.schema == pl.Schema(SIMILARITY_SCHEMA)
    assert out.select("a", "b").rows() == list(itertools.product("ABC", repeat=2))
    assert set(out["level"]) == {"group"}
    for _, a, b, cos, n_a, n_b in out.iter_rows():
        assert (n_a, n_b) == (len(members[a]), len(members[b]))
        if a == b:
            sims = [pair[p] for p in itertools.combinations(members[a], 2)]
        else:
            sims = [pair[p] for p in itertools.product(members[a], members[b])]
        if not sims:
            assert cos is None  # within a singleton group
        else:
            assert cos == pytest.approx(sum(sims) / len(sims), abs=1e-12)
    frame = out.select("a", "b", "cosine")
    mirrored = frame.select(pl.col("b").alias("a"), pl.col("a").alias("b"), "cosine")
    assert_frame_equal(frame, mirrored.sort("a", "b"))
    within_a = out.filter((pl.col("a") == "A") & (pl.col("b") == "A"))["cosine"][0]
    assert 0.0 < within_a < 1.0


def test_group_identical_documents_clip_to_one() -> None:
    bodies = pl.DataFrame({"doc_id": ["a", "b", "c"], "body": ["Oil gas", "oil GAS", "grain"]})
    groups = pl.DataFrame({"doc_id": ["a", "b", "c"], "group": ["X", "X", "Y"]})
    out = group_similarity(bodies, groups)
    assert out.select("a", "b", "cosine").rows() == [
        ("X", "X", 1.0),
        ("X", "Y", 0.0),
        ("Y", "X", 0.0),
        ("Y", "Y", None),
    ]


def test_group_with_only_empty_documents() -> None:
    bodies = pl.DataFrame({"doc_id": ["a", "b", "c"], "body": ["Oil", "oil", ""]})
    groups = pl.DataFrame({"doc_id": ["a", "b", "c"], "group": ["X", "X", "Y"]})
    out = group_similarity(bodies, groups)
    assert out.rows() == [
        ("group", "X", "X", 1.0, 2, 2),
        ("group", "X", "Y", None, 2, 0),
        ("group", "Y", "X", None, 0, 2),
        ("group", "Y", "Y", None, 0, 0),
    ]


def test_top_k_keeps_pair_in_either_top_k() -> None:
    bodies = pl.DataFrame(
        {"doc_id": ["c", "b", "a"], "body": ["grain steppe", "oil gas grain", "oil gas"]}
    )
    full = _cosines(document_similarity(bodies))
    assert full["a", "b"] > full["b", "c"] > full["a", "c"] == 0.0
    # a's top 1: b; b's top 1: a; c's top 1: b. (b, c) is kept for c's sake only.
    out = document_similarity(bodies, top_k=1)
    assert out.select("a", "b").rows() == [("a", "b"), ("b", "c")]
    assert out["cosine"].to_list() == [full["a", "b"], full["b", "c"]]


def test_top_k_ties_broken_by_doc_id() -> None:
    bodies = pl.DataFrame({"doc_id": ["d", "b", "c", "a"], "body": ["Oil"] * 4})
    # every cosine is 1: each document's top 1 is the lowest other doc_id
    out = document_similarity(bodies, top_k=1)
    assert out.select("a", "b", "cosine").rows() == [
        ("a", "b", 1.0),
        ("a", "c", 1.0),
        ("a", "d", 1.0),
    ]
    assert document_similarity(bodies, top_k=0).height == 0


def test_top_k_matches_brute_force_ranking() -> None:
    bodies = _paragraphs(30)
    full = document_similarity(bodies)
    pair = _cosines(full)
    ids = sorted(bodies["doc_id"].to_list())
    k = 3
    want = set()
    for a in ids:
        ranked = sorted((b for b in ids if b != a), key=lambda b: (-pair[a, b], b))
        want |= {tuple(sorted((a, b))) for b in ranked[:k]}
    out = document_similarity(bodies, top_k=k)
    assert set(out.select("a", "b").rows()) == want
    assert len(want) < full.height
    assert_frame_equal(out, full.join(out.select("a", "b"), on=["a", "b"], how="semi"))
    # top_k >= n - 1 keeps every pair, with the very same values
    assert_frame_equal(document_similarity(bodies, top_k=29), full)
    assert_frame_equal(document_similarity(bodies, top_k=100), full)


def test_min_similarity_and_chunk_rows() -> None:
    bodies = _paragraphs(30)
    full = document_similarity(bodies)
    thr = float(full["cosine"].quantile(0.8))
    out = document_similarity(bodies, min_similarity=thr)
    assert 0 < out.height < full.height
    assert_frame_equal(out, full.filter(pl.col("cosine") >= thr))
    assert_frame_equal(document_similarity(bodies, chunk_rows=2), full)
    assert_frame_equal(
        document_similarity(bodies, chunk_rows=7, top_k=3), document_similarity(bodies, top_k=3)
    )
    both = document_similarity(bodies, top_k=3, min_similarity=thr)
    assert_frame_equal(both, document_similarity(bodies, top_k=3).filter(pl.col("cosine") >= thr))


def test_chunks_on_threads_give_the_same_rows(monkeypatch) -> None:
    """Chunks cut by the memory budget and computed on several threads: the same table, with
    ties at the k-th neighbour (repeated bodies) and documents with no term."""
    from analysis.compare import similarity as S

    bodies = _paragraphs(40)
    repeated = bodies.head(6).with_columns(pl.col("doc_id") + "_copy")
    blank = pl.DataFrame({"doc_id": ["zz1", "zz2"], "body": ["", "2024"]})
    bodies = pl.concat([bodies, repeated, blank])
    one = {}
    monkeypatch.setattr(S, "THREADS", 1)
    for top_k in (None, 1, 3):
        one[top_k] = document_similarity(bodies, top_k=top_k)
    monkeypatch.setattr(S, "THREADS", 3)
    monkeypatch.setattr(S, "CHUNK_CELLS", 3 * bodies.height)  # 3 rows a chunk: 16 chunks
    for top_k in (None, 1, 3):
        assert_frame_equal(document_similarity(bodies, top_k=top_k), one[top_k])
    assert one[1].height < one[3].height < one[None].height == 48 * 47 // 2


def test_deterministic_under_shuffled_rows() -> None:
    bodies = _paragraphs(20)
    groups = bodies.select("doc_id", group=pl.format("g{}", pl.int_range(pl.len()) % 3))
    first = similarity_table(document_terms(bodies), groups, top_k=2)
    shuffled = similarity_table(
        document_terms(bodies.sample(fraction=1.0, shuffle=True, seed=7)),
        groups.sample(fraction=1.0, shuffle=True, seed=8),
        top_k=2,
    )
    assert_frame_equal(first, shuffled)
    assert_frame_equal(first, similarity_table(document_terms(bodies), groups, top_k=2))
    assert first["level"].to_list() == ["group"] * 9 + ["document"] * (first.height - 9)
    assert_frame_equal(first.filter(pl.col("level") == "group"), group_similarity(bodies, groups))
    assert_frame_equal(
        first.filter(pl.col("level") == "document"), document_similarity(bodies, top_k=2)
    )


def test_empty_input() -> None:
    bodies = pl.DataFrame(schema={"doc_id": pl.String, "body": pl.String})
    groups = pl.DataFrame(schema={"doc_id": pl.String, "group": pl.String})
    ids, x = tfidf(bodies)
    assert ids == []
    assert x.shape == (0, 0)
    for out in (
        document_similarity(bodies),
        group_similarity(bodies, groups),
        similarity_table(document_terms(bodies), groups),
    ):
        assert out.height == 0
        assert out.schema == pl.Schema(SIMILARITY_SCHEMA)


def test_all_empty_bodies() -> None:
    bodies = pl.DataFrame({"doc_id": ["a", "b", "c"], "body": ["", None, "The and 2024"]})
    ids, x = tfidf(bodies)
    assert ids == ["a", "b", "c"]
    assert x.shape == (3, 0)
    out = document_similarity(bodies)
    assert out.select("a", "b", "cosine").rows() == [
        ("a", "b", 0.0),
        ("a", "c", 0.0),
        ("b", "c", 0.0),
    ]
    assert document_similarity(bodies, min_similarity=1e-9).height == 0
    groups = pl.DataFrame({"doc_id": ["a", "b", "c"], "group": ["X", "X", None]})
    assert group_similarity(bodies, groups).rows() == [("group", "X", "X", None, 0, 0)]


def test_single_document() -> None:
    bodies = pl.DataFrame({"doc_id": ["a"], "body": ["Oil"]})
    assert document_similarity(bodies).height == 0
    groups = pl.DataFrame({"doc_id": ["a"], "group": ["X"]})
    assert group_similarity(bodies, groups).rows() == [("group", "X", "X", None, 1, 1)]


def test_bad_input() -> None:
    ok = pl.DataFrame({"doc_id": ["a", "b"], "body": ["oil", "gas"]})
    with pytest.raises(ValueError, match="repeated doc_id"):
        tfidf(pl.DataFrame({"doc_id": ["a", "a"], "body": ["oil", "gas"]}))
    with pytest.raises(ValueError, match="null doc_id"):
        tfidf(pl.DataFrame({"doc_id": ["a", None], "body": ["oil", "gas"]}))
    with pytest.raises(ValueError, match="no column 'body'"):
        document_similarity(ok.rename({"body": "text"}))
    with pytest.raises(ValueError, match="top_k"):
        document_similarity(ok, top_k=-1)
    with pytest.raises(ValueError, match="chunk_rows"):
        document_similarity(ok, chunk_rows=0)
    with pytest.raises(ValueError, match="more than one group"):
        group_similarity(ok, pl.DataFrame({"doc_id": ["a", "a"], "group": ["X", "Y"]}))
    ids, x = tfidf(ok.rename({"body": "text"}), text_col="text")
    assert (ids, x.shape) == (["a", "b"], (2, 2))


def test_pooled_groups_equal_recomputing_them() -> None:
    from analysis.compare import similarity

    bodies = _paragraphs(30)
    names = ["a", "b", "c", "d", "e", "f"]
    fine = pl.DataFrame(
        {"doc_id": bodies["doc_id"], "group": [names[i % 6] for i in range(bodies.height)]}
    )
    # one document of "f" empty: it counts in no n
    bodies = bodies.with_columns(
        pl.when(pl.col("doc_id") == fine.filter(group="f")["doc_id"][0])
        .then(pl.lit(""))
        .otherwise(pl.col("body"))
        .alias("body")
    )
    mapping = pl.DataFrame({"group": names, "pooled": ["a", "b", "rest", "rest", "rest", "f"]})
    pooled_docs = fine.join(mapping, on="group").select("doc_id", pl.col("pooled").alias("group"))
    rows = similarity.similarity_table(document_terms(bodies), fine).filter(
        pl.col("level") == "group"
    )
    derived = similarity.pool_groups(rows, mapping)
    recomputed = similarity.group_similarity(bodies, pooled_docs)
    assert derived.select("a", "b", "n_a", "n_b").equals(recomputed.select("a", "b", "n_a", "n_b"))
    assert derived.filter(a="rest", b="rest")["n_a"].item() == 15
    for (x, y), got in _cosines(derived).items():
        assert got == pytest.approx(_cosines(recomputed)[(x, y)], abs=1e-12)


def test_neighbour_rule_is_a_parameter_not_a_chart_constant():
    assert S.neighbours(40, 10) is None  # every pair of a corpus one can read pair by pair
    assert S.neighbours(41, 10) == 10
    assert S.neighbours(41, 3, all_pairs_up_to=0) == 3
    assert S.neighbours(500, 10, all_pairs_up_to=1000) is None


def test_grouped_rows_pool_as_the_charts_draw_them():
    from analysis.compare.groups import grouping

    prov = pl.DataFrame(
        {
            "doc_id": list("abcd"),
            "outlet": ["X", "X", "Y", "Z"],
            "source": [f"{d}.txt" for d in "abcd"],
        }
    )
    bodies = pl.DataFrame(
        {
            "doc_id": list("abcd"),
            "body": ["oil gas grain", "oil gas wheat", "grain wheat steppe", "oil steppe"],
        }
    )
    g = grouping(prov, "outlet", top=1)
    table = S.similarity_table(document_terms(bodies), g.members)
    pooled = S.grouped_rows(table, g)
    direct = S.group_similarity(bodies, g.shown.select("doc_id", "group"))
    key = ["a", "b"]
    assert pooled.sort(key).select(*key, "n_a", "n_b").rows() == (
        direct.sort(key).select(*key, "n_a", "n_b").rows()
    )
    assert pooled.sort(key)["cosine"].to_list() == pytest.approx(
        direct.sort(key)["cosine"].to_list()
    )
    unpooled = S.grouped_rows(table, grouping(prov, "outlet", top=5))
    assert unpooled.equals(table.filter(pl.col("level") == "group"))


def _same_matrix(ours, reference) -> None:
    """Equal float for float: the same ids, shape, stored positions and bits."""
    (ids, x), (ref_ids, ref) = ours, reference
    assert ids == ref_ids and x.shape == ref.shape
    assert np.array_equal(x.indptr, ref.indptr) and np.array_equal(x.indices, ref.indices)
    assert x.data.tobytes() == ref.data.tobytes()


def test_tfidf_from_cached_terms_is_sklearns_tfidf_bit_for_bit() -> None:
    bodies = _paragraphs(30)
    # reordered rows, an empty body, a stopword-only body, a null and a typographic apostrophe
    extra = pl.DataFrame(
        {
            "doc_id": ["z1", "z2", "z3", "a0"],
            "body": ["", "The and 2024", None, "It’s the Astana Times’ view: it’s over."],
        }
    )
    bodies = pl.concat([bodies.reverse(), extra])
    terms = document_terms(bodies)
    _same_matrix(tfidf_from_terms(terms), tfidf(bodies))
    for min_df, max_df in [(2, 1.0), (1, 0.2), (3, 5), (2, 0.5)]:
        ours = tfidf_from_terms(terms, min_df=min_df, max_df=max_df)
        _same_matrix(ours, tfidf(bodies, min_df=min_df, max_df=max_df))
    # any split of the documents counts each one's terms the same (a per-document stage)
    parts = pl.concat([document_terms(bodies.head(7)), document_terms(bodies.tail(-7))])
    assert_frame_equal(parts, terms)
    assert terms.filter(doc_id="z2").rows() == [("z2", [], [])]
    # "it’s" is the stopword "it's" once the apostrophe is plain
    assert terms.filter(doc_id="a0")["terms"].to_list() == [["astana", "times", "view"]]


def test_tfidf_from_terms_on_empty_and_pruned_corpora() -> None:
    none = document_terms(pl.DataFrame(schema={"doc_id": pl.String, "body": pl.String}))
    ids, x = tfidf_from_terms(none)
    assert (ids, x.shape) == ([], (0, 0))
    blank = document_terms(pl.DataFrame({"doc_id": ["a", "b"], "body": ["", "the 2024"]}))
    ids, x = tfidf_from_terms(blank)
    assert (ids, x.shape) == (["a", "b"], (2, 0))
    two = document_terms(pl.DataFrame({"doc_id": ["a", "b"], "body": ["oil gas", "grain"]}))
    assert tfidf_from_terms(two, min_df=2)[1].shape == (2, 0)
    with pytest.raises(ValueError, match="max_df corresponds to < documents than min_df"):
        tfidf_from_terms(two, min_df=2, max_df=1)


def test_tfidf_from_terms_matches_sklearn_on_the_allsides_sample() -> None:
    sample = paths.PROJECT_ROOT.parent / "shared" / "corpora" / "allsides" / "allsides_10k.parquet"
    if not sample.is_file():
        pytest.skip(f"{sample} is absent (external corpus, not in the repository)")
    bodies = (
        pl.read_parquet(sample)
        .head(800)
        .select(pl.col("id").cast(pl.String).alias("doc_id"), body="text")
    )
    _same_matrix(tfidf_from_terms(document_terms(bodies)), tfidf(bodies))


def test_the_analyzer_is_scikit_learns_with_tfidfs_settings() -> None:
    from sklearn.feature_extraction.text import CountVectorizer

    reference = CountVectorizer(
        lowercase=True, token_pattern=TFIDF_TOKEN_PATTERN, stop_words=sorted(ENGLISH_STOPWORDS)
    ).build_analyzer()
    odd = "İstanbul’s ÉLITE re-elected O'Neill, 2024-25 x_y __init__ naïve ΑΘΗΝΑ Москва"
    texts = [*_paragraphs(30)["body"].to_list(), "", odd]
    for text in texts:
        assert S.analyze(text) == reference(text)


def test_compiled_product_is_scipys_bit_for_bit() -> None:
    """The dense rows of ``x @ x.T`` the document pairs are picked from: the compiled loop gives
    the very floats of scipy's sparse product, on random sparse rows (empty rows included) and
    on real TF-IDF vectors."""
    import scipy.sparse as sp

    rng = np.random.default_rng(3)
    for density in (0.0, 0.02, 0.3, 1.0):
        x = sp.random(60, 40, density=density, format="csr", random_state=rng)
        x.data = rng.standard_exponential(x.nnz) / 7  # floats whose sums round
        xt = x.T.tocsr()
        for start, stop in ((0, 60), (7, 23), (59, 60)):
            expected = (x[start:stop] @ xt).toarray()
            assert S._dense_product(x, xt, start, stop).tobytes() == expected.tobytes()
    _, x = tfidf(_paragraphs(30))
    xt = x.T.tocsr()
    assert x.nnz > 1000
    assert S._dense_product(x, xt, 0, 30).tobytes() == (x @ xt).toarray().tobytes()
