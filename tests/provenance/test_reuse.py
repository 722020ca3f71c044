"""Text reuse: offsets checked against the seed texts, similarity against a reference."""

from __future__ import annotations

import hashlib
import itertools
import re
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from datasketch import MinHash

from analysis.corpus.intake import ok_documents, read_corpus
from analysis.provenance import reuse
from analysis.provenance.reuse import (
    CLUSTERS_SCHEMA,
    REUSE_SCHEMA,
    _align,
    _lsh,
    _shingles,
    find_reuse,
    find_shared_passages,
    normalise_words,
)

TEASER_002 = (
    "On Sunday, November 20, early presidential elections will be held in Kazakhstan, "
    "which will certainly lead to"
)
TEASER_003 = (
    "Just before Valentina Matvienko’s arrival in Kazakhstan, the US representative unexpectedly "
    "spoke with journalists, where"
)
SUBSCRIBE = (
    "Subscribe to PolitNavigator news at ThereThere, Yandex Zen, Telegram, Classmates, "
    "In contact with, channels YouTube, TikTok и Viber"
)

# ~60 words, no word repeated within 5 words of itself, ending in a word then a full stop.
BODY = (
    "Kazakhstan and the European Union signed a memorandum on strategic partnership in raw "
    "materials, batteries and renewable hydrogen on Monday. The document foresees joint projects "
    "in mining and processing, and the training of engineers at universities in Almaty and "
    "Karaganda. Officials in Astana said the first pilot plants could open within three years, "
    "while Brussels promised credit lines for small suppliers in the northern regions."
)


def reference_similarity(text_a: str, text_b: str, shingle: int = reuse.DEFAULT_SHINGLE) -> float:
    """Jaccard similarity of word-shingle sets, from normalise_words (no hashing)."""

    def shingles(text: str) -> set[tuple[str, ...]]:
        words = normalise_words(text)
        return {tuple(words[i : i + shingle]) for i in range(len(words) - shingle + 1)}

    a, b = shingles(text_a), shingles(text_b)
    return len(a & b) / len(a | b)


def frame(texts: dict[str, str]) -> pl.DataFrame:
    return pl.DataFrame({"doc_id": list(texts), "text": list(texts.values())})


def passages(result: pl.DataFrame, texts: dict[str, str]) -> list[tuple[str, str]]:
    return [
        (texts[r["doc_a"]][r["start_a"] : r["end_a"]], texts[r["doc_b"]][r["start_b"] : r["end_b"]])
        for r in result.iter_rows(named=True)
    ]


@pytest.fixture(scope="module")
def seeds() -> pl.DataFrame:
    docs = ok_documents(read_corpus("seeds"))
    assert docs.height == 5
    return docs.select("doc_id", "source", "text")


@pytest.fixture(scope="module")
def seed_reuse(seeds: pl.DataFrame) -> pl.DataFrame:
    return find_reuse(seeds)


def seed(seeds: pl.DataFrame, prefix: str) -> tuple[str, str]:
    """(doc_id, text) of the seed whose file name starts with ``prefix``."""
    row = seeds.filter(pl.col("source").str.starts_with(prefix)).row(0, named=True)
    return row["doc_id"], row["text"]


def assert_valid(result: pl.DataFrame, texts: dict[str, str], min_words: int = 8) -> None:
    """Invariants of every reuse table: schema, order, orientation, offsets, similarity."""
    assert result.schema == pl.Schema(REUSE_SCHEMA)
    assert result.equals(result.sort("doc_a", "doc_b", "start_a", "start_b", "end_a", "end_b"))
    word = re.compile(r"\w")
    for r, (a, b) in zip(result.iter_rows(named=True), passages(result, texts), strict=True):
        assert r["doc_a"] <= r["doc_b"]
        if r["doc_a"] == r["doc_b"]:
            assert r["start_a"] < r["end_a"] <= r["start_b"] < r["end_b"]
        for doc, start, end in (
            (r["doc_a"], r["start_a"], r["end_a"]),
            (r["doc_b"], r["start_b"], r["end_b"]),
        ):
            text = texts[doc]
            # Spans start and end on word boundaries.
            assert word.match(text[start]) and word.match(text[end - 1])
            assert start == 0 or not word.match(text[start - 1])
            assert end == len(text) or not word.match(text[end])
        words_a, words_b = normalise_words(a), normalise_words(b)
        assert r["words"] == min(len(words_a), len(words_b)) >= min_words
        assert r["similarity"] == pytest.approx(reference_similarity(a, b), abs=1e-12)
        if r["similarity"] == 1.0:
            assert words_a == words_b


# --- the seed corpus ---------------------------------------------------------------------------


def test_seed_rows_are_valid(seeds, seed_reuse):
    texts = dict(zip(seeds["doc_id"], seeds["text"], strict=True))
    assert_valid(seed_reuse, texts)


def test_seed_rows_are_exactly_the_teasers_and_politnavigator_boilerplate(seeds, seed_reuse):
    source = dict(zip(seeds["doc_id"], seeds["source"], strict=True))
    found = sorted(
        (*sorted((source[r["doc_a"]][:3], source[r["doc_b"]][:3])), r["words"], r["similarity"])
        for r in seed_reuse.iter_rows(named=True)
    )
    assert found == [
        ("002", "002", 17, 1.0),  # the truncated teaser of line 11 on line 15
        ("002", "003", 18, 1.0),  # "Subscribe to PolitNavigator news at ThereThere, ..."
        ("002", "003", 115, 1.0),  # "If you find an error ..." down to the end of the page
        ("003", "003", 16, 1.0),  # the truncated teaser of line 11 on line 15
    ]


@pytest.mark.parametrize(
    ("prefix", "teaser", "words"), [("002", TEASER_002, 17), ("003", TEASER_003, 16)]
)
def test_duplicated_teaser_found_with_exact_offsets(seeds, seed_reuse, prefix, teaser, words):
    doc_id, text = seed(seeds, prefix)
    first = text.find(teaser)
    second = text.find(teaser, first + 1)
    assert 0 <= first < second
    # Line 11 holds the paragraph, line 15 repeats its start and breaks off with "...".
    assert text.count("\n", 0, first) == 10 and text.count("\n", 0, second) == 14
    assert text[second + len(teaser) : second + len(teaser) + 3] == "..."
    assert text[first + len(teaser) : first + len(teaser) + 3] != "..."
    expected = (doc_id, doc_id, first, first + len(teaser), second, second + len(teaser), words)
    rows = seed_reuse.filter(pl.col("doc_a") == doc_id, pl.col("doc_b") == doc_id)
    assert rows.drop("similarity").rows() == [expected]
    assert rows["similarity"].to_list() == [1.0]


def test_politnavigator_boilerplate_shared_by_002_and_003(seeds, seed_reuse):
    id2, text2 = seed(seeds, "002")
    id3, text3 = seed(seeds, "003")
    rows = seed_reuse.filter(pl.col("doc_a") == min(id2, id3), pl.col("doc_b") == max(id2, id3))
    assert rows.height == 2
    spans = [
        {r["doc_a"]: (r["start_a"], r["end_a"]), r["doc_b"]: (r["start_b"], r["end_b"])}
        for r in rows.iter_rows(named=True)
    ]
    # The subscription line (line 17 of both), up to its last word.
    start2, start3 = text2.find(SUBSCRIBE), text3.find(SUBSCRIBE)
    assert text2.count("\n", 0, start2) == 16 and text3.count("\n", 0, start3) == 16
    assert {id2: (start2, start2 + len(SUBSCRIBE)), id3: (start3, start3 + len(SUBSCRIBE))} in spans
    # The comment policy block, from the error-report line to the end of the page.
    error_line = "If you find an error, please select a piece of text and press Ctrl + Enter."
    (block,) = [span for span in spans if span[id2][0] != start2]
    for doc_id, text in ((id2, text2), (id3, text3)):
        start, end = block[doc_id]
        assert start == text.find(error_line)
        assert end == len(text.rstrip()) - 1  # "Now the editors are aware." ends the page
        passage = text[start:end]
        assert "Dear Readers, At the request of Roskomnadzor" in passage
        assert "Prohibited from publication comments from knowingly false information" in passage
        assert "The Site Administration has the right to delete comments" in passage
    # The punctuation differs ("Tags: ," and "Tags: , ,"), the words do not.
    assert "Tags: ,\n" in text2 and "Tags: , ,\n" in text3
    passage2, passage3 = (text[slice(*block[i])] for i, text in ((id2, text2), (id3, text3)))
    assert normalise_words(passage2) == normalise_words(passage3)
    assert len(normalise_words(passage2)) == 115


def test_unrelated_seeds_share_nothing(seeds, seed_reuse):
    ids = {prefix: seed(seeds, prefix)[0] for prefix in ("000", "001", "004")}
    involved = set(seed_reuse["doc_a"]) | set(seed_reuse["doc_b"])
    assert not involved & set(ids.values())
    pair = frame({ids["000"]: seed(seeds, "000")[1], ids["004"]: seed(seeds, "004")[1]})
    assert find_reuse(pair).is_empty()


def test_candidate_search_misses_nothing_on_the_seeds(seeds, seed_reuse):
    prepared = _shingles._prepare(seeds, reuse.DEFAULT_SHINGLE)
    every_pair = itertools.combinations(range(len(prepared)), 2)
    exhaustive = _align._table(
        _align._reuse_rows(
            prepared,
            every_pair,
            min_words=reuse.DEFAULT_MIN_WORDS,
            shingle=reuse.DEFAULT_SHINGLE,
            max_gap=reuse.DEFAULT_MAX_GAP,
        )
    )
    assert seed_reuse.equals(exhaustive)


def test_deterministic_and_independent_of_row_order(seeds, seed_reuse):
    assert find_reuse(seeds).equals(seed_reuse)
    assert find_reuse(seeds.reverse()).equals(seed_reuse)


# --- synthetic documents -------------------------------------------------------------------------


def test_republished_article_with_another_header():
    texts = {
        "wire": "Astana, 21 November (Wire) -\n\n" + BODY + "\n",
        "outlet": "EXCLUSIVE | Reading time 2 min\nBy our correspondent\n\n" + BODY + "\n\nShare:",
    }
    result = find_reuse(frame(texts))
    assert_valid(result, texts)
    end = len(BODY) - 1  # the passage ends at "regions", before the full stop
    wire, outlet = texts["wire"].find(BODY), texts["outlet"].find(BODY)
    assert result.drop("similarity").rows() == [
        ("outlet", "wire", outlet, outlet + end, wire, wire + end, len(normalise_words(BODY)))
    ]
    assert result["similarity"].to_list() == [1.0]


def test_retranslated_paragraph_with_changed_words_has_similarity_below_one():
    edited = (
        BODY.replace("signed a memorandum", "concluded a memorandum")
        .replace("training of engineers", "education of engineers")
        .replace("credit lines", "loans")
    )
    texts = {"b_translation": "Translated from Russian.\n" + edited, "a_original": BODY}
    result = find_reuse(frame(texts))
    assert_valid(result, texts)
    assert result.height == 1
    row = result.row(0, named=True)
    assert (row["doc_a"], row["doc_b"]) == ("a_original", "b_translation")
    a, b = passages(result, texts)[0]
    # The passage spans the whole paragraph on both sides, across the three edits.
    assert a == BODY[:-1]
    assert b == edited[:-1]
    assert row["words"] == len(normalise_words(edited)) == len(normalise_words(BODY)) - 1
    assert 0.5 < row["similarity"] < 1.0
    assert row["similarity"] == pytest.approx(reference_similarity(BODY, edited), abs=1e-12)


def test_passage_repeated_back_to_back_gives_non_overlapping_copies():
    sentence = "The president repeated that the republic keeps its multi-vector foreign policy. "
    texts = {"x": "Headline.\n" + sentence * 3 + "End."}
    result = find_reuse(frame(texts))
    assert_valid(result, texts)
    s0 = texts["x"].find(sentence)
    s1, s2 = s0 + len(sentence), s0 + 2 * len(sentence)
    length = len(sentence) - 2  # without the full stop and the space
    spans = result.select("start_a", "end_a", "start_b", "end_b").rows()
    assert spans == [
        (s0, s0 + length, s1, s1 + length),
        (s0, s0 + length, s2, s2 + length),
        (s1, s1 + length, s2, s2 + length),
    ]


def test_short_overlaps_are_not_reported():
    texts = {
        "a": "Officials said the president of the united states will visit Astana in spring.",
        "b": "Analysts doubt the president of the united states can visit Almaty this year.",
    }
    # Six shared words: below min_words=8, found with min_words=6.
    assert find_reuse(frame(texts)).is_empty()
    result = find_reuse(frame(texts), min_words=6)
    assert passages(result, texts) == [("the president of the united states",) * 2]


def test_doc_ids_are_ordered_whatever_the_input_order():
    texts = {"zeta": "Intro. " + BODY, "alpha": BODY + " Outro."}
    result = find_reuse(frame(texts))
    assert result["doc_a"].to_list() == ["alpha"] and result["doc_b"].to_list() == ["zeta"]


def test_empty_and_unshared_inputs_give_an_empty_table():
    empty = pl.DataFrame(schema={"doc_id": pl.String, "text": pl.String})
    for docs in (
        empty,
        frame({"a": "Short."}),
        frame({"a": "", "b": "   "}),
        empty.vstack(pl.DataFrame({"doc_id": ["a"], "text": [None]}, schema=empty.schema)),
        frame({"a": BODY, "b": "Completely different words about the weather in Shymkent today."}),
    ):
        result = find_reuse(docs)
        assert result.is_empty()
        assert result.schema == pl.Schema(REUSE_SCHEMA)


def test_invalid_input_is_rejected():
    with pytest.raises(ValueError, match="no column"):
        find_reuse(pl.DataFrame({"doc_id": ["a"]}))
    with pytest.raises(ValueError, match="repeated doc_id"):
        find_reuse(frame({"a": BODY}).vstack(frame({"a": BODY})))
    with pytest.raises(ValueError, match="threshold"):
        find_reuse(frame({"a": BODY}), threshold=0.0)
    with pytest.raises(ValueError, match="threshold"):
        find_reuse(frame({"a": BODY, "b": BODY}), threshold=1.0)


# --- building blocks -----------------------------------------------------------------------------

TRICKY = [
    "Tags: , ,  Kazakhstan’s КАЗАХСТАН 2022 snake_case x2",
    "Straße STRASSE ΣΊΣΥΦΟΣ σίσυφος İstanbul ǅemal",
    "e\u0301te\u0301 café 𠀀𠀁 文字 😀 text 𝐁𝐨𝐥𝐝 ٣٤٥ ²³",
    "",
    "...",
]


def test_tokeniser_matches_the_regex_words(seeds):
    tokenise = _shingles._Tokeniser()
    hash_of: dict[str, int] = {}
    word_of: dict[int, str] = {}
    for text in [*TRICKY, *seeds["text"]]:
        words = tokenise(text)
        spans = [m.span() for m in re.finditer(r"\w+", text)]
        assert list(zip(words.starts.tolist(), words.ends.tolist(), strict=True)) == spans
        # Equal hashes exactly for equal normalised words.
        for word, value in zip(normalise_words(text), words.hashes.tolist(), strict=True):
            assert hash_of.setdefault(word, value) == value
            assert word_of.setdefault(value, word) == word
    assert hash_of["straße"] != hash_of["strasse"]  # folded character by character
    assert "σίσυφοσ" in hash_of  # final sigma folds to sigma


def test_chunks_cover_the_sequence_and_resynchronise():
    rng = np.random.default_rng(7)
    values = rng.integers(0, 2**63, size=2_000, dtype=np.uint64)
    bounds = _lsh._chunk_bounds(values, 32)
    assert bounds[0][0] == 0 and bounds[-1][1] == len(values)
    assert all(end == start for (_, end), (start, _) in itertools.pairwise(bounds))
    assert all(16 <= hi - lo <= 4 * 32 + 16 for lo, hi in bounds)
    # A copy of the middle 1,000 values behind another prefix is cut at the same places.
    copy = np.concatenate((rng.integers(0, 2**63, size=37, dtype=np.uint64), values[500:1500]))
    cuts = {hi for _, hi in bounds if 600 <= hi <= 1400}
    copy_cuts = {hi - 37 + 500 for _, hi in _lsh._chunk_bounds(copy, 32)}
    assert cuts and cuts <= copy_cuts


def test_banding_gives_the_candidates_of_datasketch_minhashlsh(seeds):
    extra = {
        f"syn{n}": " ".join(
            [BODY[: 100 + 40 * n], f"Variant {n} of the story.", BODY[200 - 10 * n :]]
        )
        for n in range(5)
    }
    docs = pl.concat([seeds.select("doc_id", "text"), frame(extra)])
    prepared = _shingles._prepare(docs, 5)
    signatures, owners = _lsh._sketches(prepared, chunk=16, min_shared=4, num_perm=64, seed=3)
    bands, rows = _lsh._lsh_params(0.4, 64)
    ours = _lsh._band_collisions(signatures, owners, bands, rows)
    theirs = reuse.lsh_reference_pairs(signatures, owners, bands, rows, seed=3)
    assert len(ours) >= 10
    assert ours == theirs


def test_sketches_are_datasketch_minhashes(seeds):
    prepared = _shingles._prepare(seeds, 5)
    signatures, owners = _lsh._sketches(prepared, chunk=32, min_shared=4, num_perm=16, seed=9)
    # Every chunk with at least 4 shingles found in another document, in document order.
    kept_sets = []
    for index in sorted(set(owners.tolist())):
        doc = prepared[index]
        shared = np.zeros(len(doc.shingles), dtype=bool)
        shared[doc.shared_pos] = True
        for lo, hi in _lsh._chunk_bounds(doc.shingles, 32):
            if len(kept := doc.shingles[lo:hi][shared[lo:hi]]) >= 4:
                kept_sets.append((kept >> np.uint64(32)).tolist())
    expected = MinHash.generator(kept_sets, num_perm=16, seed=9, hashfunc=int)
    assert len(kept_sets) == len(signatures) >= 10
    for row, sketch in zip(signatures, expected, strict=True):
        assert np.array_equal(row, sketch.hashvalues)


def test_minhash_rows_blocks_and_random_values_match_datasketch(monkeypatch):
    rng = np.random.default_rng(3)
    parts = [rng.integers(0, 2**32, size=n, dtype=np.uint64).astype(np.uint32) for n in
             rng.integers(1, 40, size=300)]  # fmt: skip
    monkeypatch.setattr(_lsh, "_BLOCK_VALUES", 100)  # many blocks
    rows = _lsh._minhash_rows(parts, num_perm=32, seed=4)
    expected = MinHash.generator([p.tolist() for p in parts], num_perm=32, seed=4, hashfunc=int)
    for row, sketch in zip(rows, expected, strict=True):
        assert np.array_equal(row, sketch.hashvalues)


def _pairwise_buckets(signatures, owners, bands, rows, max_docs=None):
    """The candidate pairs by the rule itself: per band, the documents of rows with equal
    values pair up, in buckets of at most ``max_docs`` documents."""
    expected: set[tuple[int, int]] = set()
    for band in range(bands):
        buckets: dict[bytes, set[int]] = {}
        for row, owner in zip(signatures[:, band * rows : (band + 1) * rows], owners, strict=True):
            buckets.setdefault(row.tobytes(), set()).add(int(owner))
        for members in buckets.values():
            if max_docs is None or len(members) <= max_docs:
                expected |= set(itertools.combinations(sorted(members), 2))
    return expected


def test_band_collisions_skip_crowded_buckets_as_the_pairwise_rule_does():
    rng = np.random.default_rng(5)
    signatures = rng.integers(0, 8, size=(400, 8), dtype=np.uint32)  # many equal bands
    owners = rng.integers(0, 60, size=400)
    sizes = {}
    for max_docs in (None, 3, 10):
        expected = _pairwise_buckets(signatures, owners, 4, 2, max_docs)
        assert _lsh._band_collisions(signatures, owners, 4, 2, max_docs) == expected
        sizes[max_docs] = len(expected)
    assert 0 < sizes[3] < sizes[10] <= sizes[None]


# --- a sample of the AllSides corpus (../shared) ----------------------------------------------


def test_allsides_sample_rows_are_valid():
    from conftest import ALLSIDES

    if not ALLSIDES.is_file():
        pytest.skip("../shared/corpora/allsides is not beside this checkout")
    sample = pl.read_parquet(ALLSIDES, columns=["id", "text"]).head(400).rename({"id": "doc_id"})
    result = find_reuse(sample)
    texts = dict(zip(sample["doc_id"], sample["text"], strict=True))
    assert result.height > 50
    assert (result["doc_a"] != result["doc_b"]).any() and (result["doc_a"] == result["doc_b"]).any()
    assert_valid(result, texts)


# --- passages shared by many documents: clusters, not pairs -------------------------------------

FOOTER = "Read the latest news from Astana and Almaty on our Telegram channel every single day"


def one_line_docs(n: int, *, footer: str = FOOTER, seed: int = 0) -> dict[str, str]:
    """``n`` one-line documents: 15 random made-up words each (no two share a shingle), then the
    footer (then a full stop)."""
    rng = np.random.default_rng(seed)
    syllables = ["ka", "za", "akh", "stan", "ro", "me", "li", "tor", "an", "ve", "nu", "pol", "is"]
    # 13**4 = 28,561 made-up words; two documents share a 5-word shingle by chance about never.
    vocabulary = ["".join(w) for w in itertools.product(syllables, repeat=4)]
    bodies = rng.integers(0, len(vocabulary), size=(n, 15)).tolist()
    return {
        f"d{i:05d}": " ".join(vocabulary[w] for w in body).capitalize() + f". {footer}."
        for i, body in enumerate(bodies)
    }


def assert_valid_clusters(clusters: pl.DataFrame, texts: dict[str, str]) -> None:
    """Invariants of every reuse_clusters table: schema, order, offsets, one passage a cluster."""
    assert clusters.schema == pl.Schema(CLUSTERS_SCHEMA)
    assert clusters.equals(clusters.sort("cluster", "doc_id", "start"))
    for (cluster,), rows in clusters.group_by(["cluster"], maintain_order=True):
        assert rows["passage"].n_unique() == 1 and rows["n_docs"].n_unique() == 1
        passage = rows["passage"][0]
        assert rows["n_docs"][0] == rows["doc_id"].n_unique()
        for doc_id, start, end in rows.select("doc_id", "start", "end").iter_rows():
            assert normalise_words(texts[doc_id][start:end]) == normalise_words(passage)
        digest = hashlib.sha256(" ".join(normalise_words(passage)).encode("utf-8")).hexdigest()
        assert cluster == digest[:16]


def test_footer_shared_by_300_documents_is_one_cluster_not_44850_pairs():
    texts = one_line_docs(300)
    found = find_shared_passages(frame(texts))
    assert found.reuse.is_empty()
    clusters = found.clusters
    assert_valid_clusters(clusters, texts)
    assert clusters.height == 300
    assert clusters["cluster"].n_unique() == 1
    assert clusters["doc_id"].to_list() == sorted(texts)
    assert set(clusters["n_docs"]) == {300}
    assert set(clusters["passage"]) == {FOOTER}
    assert set(clusters["words"]) == {len(normalise_words(FOOTER))}
    for doc_id, start, end in clusters.select("doc_id", "start", "end").iter_rows():
        assert texts[doc_id][start:end] == FOOTER
        assert start == texts[doc_id].index(FOOTER)
    # find_reuse (what the notebook used to call) pairs nothing either.
    assert find_reuse(frame(texts)).is_empty()


def test_passages_shared_by_few_documents_stay_pairwise_beside_a_cluster():
    texts = one_line_docs(120)
    rare = "Officials in Astana said the first pilot plants could open within three years"
    for doc_id in ("d00007", "d00050", "d00111"):
        texts[doc_id] = texts[doc_id].replace(". Read", f". {rare}. Read", 1)
    found = find_shared_passages(frame(texts))
    assert_valid(found.reuse, texts)
    assert found.reuse.select("doc_a", "doc_b").rows() == [
        ("d00007", "d00050"),
        ("d00007", "d00111"),
        ("d00050", "d00111"),
    ]
    # The rare passage, and the shingles that straddle it and the footer (found in 3 documents).
    assert set(passages(found.reuse, texts)) == {(rare + ". Read the latest news",) * 2}
    assert_valid_clusters(found.clusters, texts)
    assert found.clusters.height == 120 and set(found.clusters["passage"]) == {FOOTER}
    # Without the limit every pair of the 120 documents is a row (the three: rare passage and
    # footer in one).
    unlimited = find_reuse(frame(texts), max_pairs_docs=None)
    assert unlimited.height == 120 * 119 // 2


def test_at_most_max_pairs_docs_documents_are_paired_as_before():
    texts = one_line_docs(12)
    found = find_shared_passages(frame(texts), max_pairs_docs=12)
    assert found.clusters.is_empty() and found.clusters.schema == pl.Schema(CLUSTERS_SCHEMA)
    assert found.reuse.equals(find_reuse(frame(texts), max_pairs_docs=None))
    assert found.reuse.height == 12 * 11 // 2
    assert set(passages(found.reuse, texts)) == {(FOOTER, FOOTER)}
    # One document more than the limit: one cluster of 12 occurrences, no pair.
    found = find_shared_passages(frame(texts), max_pairs_docs=11)
    assert found.reuse.is_empty() and found.clusters.height == 12


def test_seed_reuse_unchanged_and_no_cluster(seeds, seed_reuse):
    found = find_shared_passages(seeds)
    assert found.reuse.equals(seed_reuse)
    assert found.reuse.equals(find_reuse(seeds, max_pairs_docs=None))
    assert found.clusters.is_empty()
    # With a limit of 2 the PolitNavigator boilerplate of 002 and 003 is still paired.
    assert find_reuse(seeds, max_pairs_docs=2).equals(seed_reuse)


@pytest.mark.parametrize("n", [1_000, 3_000])
def test_rows_grow_linearly_with_the_documents_sharing_a_line(n):
    texts = one_line_docs(n, seed=n)
    found = find_shared_passages(frame(texts))
    # One row per occurrence: n rows, not n * (n - 1) / 2.
    assert found.reuse.height == 0
    assert found.clusters.height == n
    assert found.clusters["cluster"].n_unique() == 1
    assert found.clusters["n_docs"].to_list() == [n] * n


def test_clusters_are_deterministic_and_independent_of_row_order():
    texts = one_line_docs(80)
    texts["d00003"] = texts["d00003"].replace("every single day", "EVERY single day!")
    docs = frame(texts)
    found = find_shared_passages(docs)
    assert_valid_clusters(found.clusters, texts)
    assert found.clusters.height == 80
    again = find_shared_passages(docs.reverse())
    assert again.clusters.equals(found.clusters) and again.reuse.equals(found.reuse)
    # The passage is read from the first occurrence, by doc_id: another case there changes only
    # the text shown, not the cluster id.
    swapped = dict(texts)
    swapped["d00000"] = swapped["d00000"].replace("Read the latest", "READ the latest")
    other = find_shared_passages(frame(swapped)).clusters
    assert other["cluster"].equals(found.clusters["cluster"])
    assert other["passage"][0] == FOOTER.replace("Read", "READ")


def test_max_pairs_docs_is_checked():
    for value in (1, 0, True, 2.5, "3"):
        with pytest.raises(ValueError, match="max_pairs_docs"):
            find_shared_passages(frame({"a": BODY}), max_pairs_docs=value)


def stock_phrase_docs(n_reporters: int, per_reporter: int, seed: int = 3) -> dict[str, str]:
    """One-line documents ending in a reporter's name and a 7-word wire credit: the credit is in
    every document (too short for a cluster), each name in ``per_reporter`` documents."""
    rng = np.random.default_rng(seed)
    syllables = ["ka", "za", "akh", "stan", "ro", "me", "li", "tor", "an", "ve", "nu", "pol", "is"]
    vocabulary = sorted({"".join(rng.choice(syllables, size=4)) for _ in range(20_000)})
    names = [" ".join(rng.choice(vocabulary, size=2)).title() for _ in range(n_reporters)]
    return {
        f"d{i:05d}": " ".join(rng.choice(vocabulary, size=15)).capitalize()
        + f". {names[i % n_reporters]}. The Associated Press contributed to this report."
        for i in range(n_reporters * per_reporter)
    }


def test_a_short_common_phrase_makes_no_pairs_in_bulk():
    # 400 documents, 40 reporters with 10 each. "The Associated Press contributed to this report"
    # (7 words) is in all 400: too short for a cluster, so it stays shared, and a document's
    # chunk set is the credit's 3 shingles and the 2 of its reporter's name.
    texts = stock_phrase_docs(40, 10)
    docs = frame(texts)
    found = find_shared_passages(docs)
    assert found.clusters.is_empty()
    assert_valid(found.reuse, texts)
    # Every pair of documents by one reporter, and no other: name and credit, 9 words.
    same_reporter = [
        (a, b)
        for a, b in itertools.combinations(sorted(texts), 2)
        if int(a[1:]) % 40 == int(b[1:]) % 40
    ]
    assert found.reuse.select("doc_a", "doc_b").rows() == same_reporter
    credit = "The Associated Press contributed to this report"
    for a, b in passages(found.reuse, texts):
        # The name and the credit (and a last word of the bodies that happens to be the same).
        assert a.endswith(credit) and len(normalise_words(a)) >= 9 and a == b
    # Without the limit the credit alone makes candidates of most pairs (all aligned, for
    # nothing); with it an LSH bucket holding more than 50 documents makes no pairs.
    prepared = _shingles._prepare(docs, reuse.DEFAULT_SHINGLE, 50)
    options = {"chunk": 32, "min_shared": 4, "threshold": 0.4, "num_perm": 128, "seed": 1}
    unlimited = _lsh._candidate_pairs(prepared, **options)
    limited = _lsh._candidate_pairs(prepared, **options, max_docs=50)
    assert set(same_reporter) <= {(f"d{x:05d}", f"d{y:05d}") for x, y in limited}
    assert len(unlimited) > 20_000 and len(limited) < 4 * len(same_reporter)


def _long_document(n: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """One document of 2n lines: n distinct 12-word passages, each written twice, every copy
    followed by its own 20 filler words (so no two passages chain). And its segments, a line
    each."""
    rnd = np.random.default_rng(0)
    vocabulary = [f"w{i}x" for i in range(50_000)]

    def words(k: int) -> str:
        return " ".join(rnd.choice(vocabulary, size=k))

    passages = [words(12) for _ in range(n)]
    lines = [f"{p}. {words(20)}." for p in passages] + [f"{p}. {words(20)}." for p in passages]
    text = "\n".join(lines)
    starts = np.cumsum([0] + [len(line) + 1 for line in lines[:-1]])
    docs = pl.DataFrame({"doc_id": ["d"], "source": ["d.txt"], "text": [text]})
    segments = pl.DataFrame(
        {
            "doc_id": "d",
            "start": starts,
            "end": starts + np.array([len(line) for line in lines]),
            "label": "body",
            "reason": None,
        },
        schema_overrides={"reason": pl.String},
    )
    return docs, segments


def _reuse_lines_executed(n: int) -> int:
    """Lines of the reuse package run for the within-document reuse and the readable passages of
    :func:`_long_document` (an operation count, unlike a wall-clock time)."""
    import sys

    docs, segments = _long_document(n)
    count = 0
    target = str(Path(reuse.__file__).parent)

    def trace(frame, event, arg):
        nonlocal count
        if not frame.f_code.co_filename.startswith(target):
            return None
        if event == "line":
            count += 1
        return trace

    sys.settrace(trace)
    try:
        table = find_shared_passages(docs, min_words=8).reuse
        shown = reuse.passages(table, docs, segments)
    finally:
        sys.settrace(None)
    assert table.height == n and shown.height == n and set(shown["where_a"]) == {"body"}
    return count


def test_one_long_document_costs_work_linear_in_its_passages():
    """Issue 9, case 9: within one document, dropping contained passages compared each passage
    with every kept one, and ``passages`` scanned every segment for every row: both quadratic
    (minutes for a 20 MB document). Four times the passages must cost about four times the
    work, not sixteen."""
    _reuse_lines_executed(10)  # caches filled (character tables, lexicon) before counting
    small, large = _reuse_lines_executed(50), _reuse_lines_executed(200)
    assert large / small < 6, (small, large)


def test_compiled_matches_equal_the_numpy_reference():
    from analysis.provenance.reuse import _align
    from analysis.provenance.reuse._schema import MAX_OCCURRENCES

    rng = np.random.default_rng(11)
    for trial in range(200):
        size_a, size_b = rng.integers(0, 120, size=2)
        spread = int(rng.choice([3, 20, 1000]))
        val_a = np.sort(rng.integers(0, spread, size=size_a).astype(np.uint64))  # both sorted
        val_b = np.sort(rng.integers(0, spread, size=size_b).astype(np.uint64))
        if trial % 10 == 0:  # one value repeated past the limit
            val_b = np.sort(np.r_[val_b, np.full(MAX_OCCURRENCES + 1, 7, dtype=np.uint64)])
        if trial % 2:  # full 64-bit hashes, as real shingles have
            val_a, val_b = val_a + np.uint64(2**63), val_b + np.uint64(2**63)
        pos_a = rng.permutation(len(val_a)).astype(np.int64)
        pos_b = rng.permutation(len(val_b)).astype(np.int64)
        for same in (False, True):
            got = _align._matches(val_a, pos_a, val_b, pos_b, same)
            expected = _align._matches_numpy(val_a, pos_a, val_b, pos_b, same)
            assert all(np.array_equal(g, e) for g, e in zip(got, expected, strict=True))
    assert len(_align._matches(val_b, pos_b, val_b, pos_b, True)[0])  # the last trial matched


def test_compiled_runs_equal_the_numpy_reference():
    from analysis.provenance.reuse import _align

    rng = np.random.default_rng(12)
    compared = 0
    for trial in range(300):
        n = int(rng.integers(1, 200))
        size = int(rng.integers(0, 400))
        i = rng.integers(0, n, size=size).astype(np.int64)
        if trial % 3 == 0:  # long diagonals, as copied passages give
            i = np.arange(min(size, n), dtype=np.int64)
        j = (i + rng.integers(0, 3, size=len(i))) % n if trial % 2 else rng.integers(0, n, len(i))
        pairs = np.unique(np.stack([i, j.astype(np.int64)]), axis=1)  # each (i, j) once
        i, j = pairs[0].copy(), pairs[1].copy()
        if not len(i):  # _align asks for runs only when shingles match
            continue
        for shingle in (1, 5):
            got = _align._runs(i, j, shingle, n)
            assert got == _align._runs_numpy(i, j, shingle, n)
            compared += len(got)
    assert compared > 10_000


def test_band_buckets_are_exact_for_wide_values_and_odd_rows():
    """Bands of 3 values and 64-bit values: buckets are rows with equal values, nothing else
    (a value one bit away is another bucket)."""
    rng = np.random.default_rng(8)
    for dtype, top in ((np.uint32, 2**32), (np.uint64, 2**64)):
        base = rng.integers(0, top, size=(5, 9), dtype=np.uint64).astype(dtype)
        signatures = base[rng.integers(0, 5, size=200)]
        signatures[::7, 4] ^= dtype(1)  # near misses: one bit of one value
        owners = rng.integers(0, 50, size=200)
        expected = _pairwise_buckets(signatures, owners, 3, 3)
        assert _lsh._band_collisions(signatures, owners, 3, 3) == expected
        assert len(expected) > 100
