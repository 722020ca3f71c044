"""Tests for analysis.compare.phrases (phrases shared across outlets, and where they occur)."""

from __future__ import annotations

import doctest
import itertools
import math
import random

import polars as pl
import pytest
import wordfreq

from analysis.compare import phrases as phrases_mod
from analysis.compare.phrases import (
    OCCURRENCES_SCHEMA,
    SHARED_PHRASES_SCHEMA,
    phrase_occurrences,
    shared_phrases,
)
from analysis.text.tokens import tokenize

UNKNOWN = "(unknown outlet)"

# A hand-made corpus. d1 has two body spans (two lines); the others one span each.
#   d1 (X): "grain corridor deal" | "away from russia now"
#   d2 (Y): "a grain corridor deal away from russia the steppe"
#   d3 (Y): "grain corridor talks the steppe road steppe road"
#   d4 (null group) and d5 (not in groups) are left out.
HAND_TEXTS = {
    "d1": "Grain corridor deal\nAway from Russia now",
    "d2": "A grain corridor deal away from Russia. The steppe",
    "d3": "Grain corridor talks, the steppe road. Steppe road",
    "d4": "grain corridor deal, 2024 steppe",
    "d5": "Away from Russia now",
}
HAND_DOCS = pl.DataFrame({"doc_id": list(HAND_TEXTS), "text": list(HAND_TEXTS.values())})
HAND_SPANS = {d: [(0, len(t))] for d, t in HAND_TEXTS.items()}
HAND_SPANS["d1"] = [(0, 19), (20, len(HAND_TEXTS["d1"]))]
HAND_GROUPS = pl.DataFrame(
    {"doc_id": ["d1", "d2", "d3", "d4"], "group": ["X", "Y", "Y", None]},
    schema={"doc_id": pl.String, "group": pl.String},
)
# Letter tokens of d1, d2, d3: 3 + 4, 9, 8.
HAND_TOTAL = 24

COLUMNS = ["phrase", "n_words", "n_groups", "n_docs", "count", "groups", "doc_ids", "group_counts"]


def test_hand_corpus_exact_table() -> None:
    assert HAND_TEXTS["d1"][0:19] == "Grain corridor deal"
    out = shared_phrases(HAND_DOCS, HAND_SPANS, HAND_GROUPS)
    assert out.schema == pl.Schema(SHARED_PHRASES_SCHEMA)
    got = sorted(out.select(COLUMNS).rows())
    assert got == [
        ("away from russia", 3, 2, 2, 2, ["X", "Y"], ["d1", "d2"], [1, 1]),
        ("grain corridor", 2, 2, 3, 3, ["X", "Y"], ["d1", "d2", "d3"], [1, 2]),
        ("grain corridor deal", 3, 2, 2, 2, ["X", "Y"], ["d1", "d2"], [1, 1]),
    ]
    # "from russia" (2 groups, 2 times) starts with a stopword and is not listed;
    # "corridor deal" (count 2) is inside "grain corridor deal" (count 2): dropped;
    # "grain corridor" (count 3) is inside it too but also occurs elsewhere: kept.
    assert "from russia" not in out["phrase"]
    assert "corridor deal" not in out["phrase"]


def test_stopword_edges() -> None:
    default = shared_phrases(HAND_DOCS, HAND_SPANS, HAND_GROUPS, min_groups=1)
    assert "the steppe" not in default["phrase"]
    assert "steppe road" in default["phrase"]
    loose = shared_phrases(HAND_DOCS, HAND_SPANS, HAND_GROUPS, min_groups=1, stopwords=None)
    row = loose.filter(phrase="the steppe").select(COLUMNS).row(0)
    assert row == ("the steppe", 2, 1, 2, 2, ["Y"], ["d2", "d3"], [2])
    # Without stopwords "from russia" passes the edge rule, but "away from russia" contains it
    # with the same count, so it is subsumed.
    assert "from russia" not in loose["phrase"]
    custom = shared_phrases(HAND_DOCS, HAND_SPANS, HAND_GROUPS, stopwords={"grain"})
    assert "grain corridor" not in custom["phrase"]
    assert "corridor deal" in custom["phrase"]  # no longer inside a kept longer phrase


def test_no_phrase_crosses_a_span_boundary() -> None:
    # "deal away" occurs in d2, and in d1 only across its two spans.
    out = shared_phrases(HAND_DOCS, HAND_SPANS, HAND_GROUPS)
    assert not any("deal away" in p for p in out["phrase"])
    whole = {**HAND_SPANS, "d1": [(0, len(HAND_TEXTS["d1"]))]}
    crossing = shared_phrases(HAND_DOCS, whole, HAND_GROUPS)
    # With d1 as one span, the two documents share "corridor deal away from russia".
    row = crossing.filter(phrase="corridor deal away from russia")
    assert row.select("count", "doc_ids").row(0) == (2, ["d1", "d2"])
    assert not any("away from russia" in p and p != "away from russia" for p in out["phrase"])


def test_numbers_break_phrases() -> None:
    docs = pl.DataFrame({"doc_id": ["a", "b"], "text": ["grain 2024 corridor", "grain corridor"]})
    spans = {"a": [(0, 19)], "b": [(0, 14)]}
    groups = pl.DataFrame({"doc_id": ["a", "b"], "group": ["X", "Y"]})
    assert shared_phrases(docs, spans, groups, min_count=1, min_groups=1)["phrase"].to_list() == [
        "grain corridor"
    ]
    assert shared_phrases(docs, spans, groups, min_count=1)["phrase"].to_list() == []


def test_min_groups_and_min_count() -> None:
    one_group = shared_phrases(HAND_DOCS, HAND_SPANS, HAND_GROUPS, min_groups=1)
    assert one_group.filter(phrase="steppe road").select(COLUMNS).row(0) == (
        "steppe road",
        2,
        1,
        1,
        2,
        ["Y"],
        ["d3"],
        [2],
    )
    assert shared_phrases(HAND_DOCS, HAND_SPANS, HAND_GROUPS, min_count=3)["phrase"].to_list() == [
        "grain corridor"
    ]
    assert shared_phrases(HAND_DOCS, HAND_SPANS, HAND_GROUPS, min_groups=3).height == 0
    three_words = shared_phrases(HAND_DOCS, HAND_SPANS, HAND_GROUPS, min_words=3)
    assert sorted(three_words["phrase"]) == ["away from russia", "grain corridor deal"]
    two_words = shared_phrases(HAND_DOCS, HAND_SPANS, HAND_GROUPS, max_words=2)
    # Without 3-word phrases nothing subsumes "corridor deal".
    assert sorted(two_words["phrase"]) == ["corridor deal", "grain corridor"]


def test_null_group_and_missing_group_left_out() -> None:
    out = shared_phrases(HAND_DOCS, HAND_SPANS, HAND_GROUPS)
    assert "d4" not in out["doc_ids"].explode() and "d5" not in out["doc_ids"].explode()
    labelled = HAND_GROUPS.with_columns(pl.col("group").fill_null("Z")).vstack(
        pl.DataFrame({"doc_id": ["d5"], "group": ["Z"]})
    )
    more = shared_phrases(HAND_DOCS, HAND_SPANS, labelled)
    assert more.filter(phrase="grain corridor deal").select(COLUMNS).row(0) == (
        "grain corridor deal",
        3,
        3,
        3,
        3,
        ["X", "Y", "Z"],
        ["d1", "d2", "d4"],
        [1, 1, 1],
    )
    # "now" is a stopword, so d5 adds to "away from russia", not to "away from russia now".
    assert more.filter(phrase="away from russia").select("count", "doc_ids").row(0) == (
        3,
        ["d1", "d2", "d5"],
    )


def test_distinctiveness_formula() -> None:
    out = shared_phrases(HAND_DOCS, HAND_SPANS, HAND_GROUPS)
    for phrase, count in [("grain corridor", 3), ("away from russia", 2)]:
        words = phrase.split()
        expected = (
            math.log2(count / HAND_TOTAL)
            - sum(
                math.log2(wordfreq.word_frequency(w, "en", wordlist="best", minimum=1e-9))
                for w in words
            )
        ) / len(words)
        got = out.filter(phrase=phrase)["distinctiveness"].item()
        assert got == pytest.approx(expected, rel=1e-12)
    # Sorted by distinctiveness, descending.
    d = out["distinctiveness"].to_list()
    assert d == sorted(d, reverse=True)


def test_common_phrases_rank_below_rare_ones() -> None:
    texts = [
        "the united states and the kazakh steppe nomads",
        "kazakh steppe nomads met the united states envoy",
    ]
    docs = pl.DataFrame({"doc_id": ["a", "b"], "text": texts})
    spans = {"a": [(0, len(texts[0]))], "b": [(0, len(texts[1]))]}
    groups = pl.DataFrame({"doc_id": ["a", "b"], "group": ["X", "Y"]})
    out = shared_phrases(docs, spans, groups)
    assert out["phrase"].to_list() == ["kazakh steppe nomads", "united states"]
    rare, common = out["distinctiveness"].to_list()
    assert rare > common + 5


def test_limit() -> None:
    full = shared_phrases(HAND_DOCS, HAND_SPANS, HAND_GROUPS)
    assert shared_phrases(HAND_DOCS, HAND_SPANS, HAND_GROUPS, limit=2).equals(full.head(2))
    assert shared_phrases(HAND_DOCS, HAND_SPANS, HAND_GROUPS, limit=0).height == 0


def test_deterministic_under_shuffled_rows() -> None:
    out = shared_phrases(HAND_DOCS, HAND_SPANS, HAND_GROUPS, min_groups=1, min_count=1)
    again = shared_phrases(
        HAND_DOCS.sample(fraction=1.0, shuffle=True, seed=3),
        HAND_SPANS,
        HAND_GROUPS.sample(fraction=1.0, shuffle=True, seed=5),
        min_groups=1,
        min_count=1,
    )
    assert out.height > 10
    assert again.equals(out)


def test_empty_inputs() -> None:
    empty = pl.DataFrame(schema=SHARED_PHRASES_SCHEMA)
    no_docs = pl.DataFrame(schema={"doc_id": pl.String, "text": pl.String})
    assert shared_phrases(no_docs, {}, HAND_GROUPS).equals(empty)
    assert shared_phrases(HAND_DOCS, {}, HAND_GROUPS).equals(empty)
    no_groups = pl.DataFrame(schema={"doc_id": pl.String, "group": pl.String})
    assert shared_phrases(HAND_DOCS, HAND_SPANS, no_groups).equals(empty)
    numbers = pl.DataFrame({"doc_id": ["a"], "text": ["1 2 3"]})
    groups = pl.DataFrame({"doc_id": ["a"], "group": ["X"]})
    assert shared_phrases(numbers, {"a": [(0, 5)]}, groups).equals(empty)
    occ = phrase_occurrences(HAND_DOCS, HAND_SPANS, [])
    assert occ.equals(pl.DataFrame(schema=OCCURRENCES_SCHEMA))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"min_words": 1}, "min_words must be >= 2"),
        ({"min_words": 4, "max_words": 3}, r"max_words \(3\) must be >= min_words \(4\)"),
        ({"min_groups": 0}, "min_groups must be >= 1"),
        ({"min_count": 0}, "min_count must be >= 1"),
        ({"limit": -1}, "limit must be None or >= 0"),
        ({"group_col": "outlet"}, "no column 'outlet'"),
    ],
)
def test_invalid_arguments(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        shared_phrases(HAND_DOCS, HAND_SPANS, HAND_GROUPS, **kwargs)  # type: ignore[arg-type]


def test_invalid_inputs() -> None:
    with pytest.raises(ValueError, match="no column 'text'"):
        shared_phrases(HAND_DOCS.rename({"text": "body"}), HAND_SPANS, HAND_GROUPS)
    with pytest.raises(ValueError, match="not inside its text"):
        shared_phrases(HAND_DOCS, {**HAND_SPANS, "d2": [(0, 999)]}, HAND_GROUPS)
    with pytest.raises(ValueError, match="two groups"):
        shared_phrases(
            HAND_DOCS,
            HAND_SPANS,
            HAND_GROUPS.vstack(HAND_GROUPS.head(1).with_columns(pl.lit("Q").alias("group"))),
        )
    with pytest.raises(ValueError, match="repeated doc_id"):
        shared_phrases(HAND_DOCS.vstack(HAND_DOCS.head(1)), HAND_SPANS, HAND_GROUPS)
    with pytest.raises(ValueError, match="has no word"):
        phrase_occurrences(HAND_DOCS, HAND_SPANS, ["2024"])


def test_tokenize_matches_polars_rule() -> None:
    text = "Kassym-Jomart Tokayev’s multi-vector policy, 2024: İstanbul and ЕАЭС"
    got = [t for t, *_ in tokenize(text)]
    assert got == [
        "kassym-jomart",
        "tokayev's",
        "multi-vector",
        "policy",
        "i̇stanbul",
        "and",
        "еаэс",
    ]
    for tok, start, end, _pos in tokenize(text):
        assert text[start:end].replace("’", "'").lower() == tok


def test_hand_occurrences() -> None:
    out = shared_phrases(HAND_DOCS, HAND_SPANS, HAND_GROUPS)
    occ = phrase_occurrences(HAND_DOCS, HAND_SPANS, out["phrase"], doc_ids=["d1", "d2", "d3"])
    assert occ.schema == pl.Schema(OCCURRENCES_SCHEMA)
    assert occ.select("doc_id", "phrase", "start", "end").rows() == [
        ("d1", "grain corridor", 0, 14),
        ("d1", "grain corridor deal", 0, 19),
        ("d1", "away from russia", 20, 36),
        ("d2", "grain corridor", 2, 16),
        ("d2", "grain corridor deal", 2, 21),
        ("d2", "away from russia", 22, 38),
        ("d3", "grain corridor", 0, 14),
    ]
    assert occ["snippet"][2] == "Grain corridor deal Away from Russia now"  # on one line
    # Every document (d4, d5 included) when doc_ids is not given; case and ’ do not matter.
    all_docs = phrase_occurrences(HAND_DOCS, HAND_SPANS, ["Away  FROM Russia"])
    assert all_docs.select("doc_id", "phrase").rows() == [
        ("d1", "away from russia"),
        ("d2", "away from russia"),
        ("d5", "away from russia"),
    ]


# --------------------------------------------------------------------------------------------
# The seed corpus


@pytest.fixture(scope="module")
def seeds(seeds_study) -> tuple[pl.DataFrame, dict, pl.DataFrame, dict[str, str]]:

    p = seeds_study
    groups = p.tables["provenance"].select(
        "doc_id", pl.col("outlet").fill_null(UNKNOWN).alias("group")
    )
    by_file = {s[:3]: d for d, s in p.docs.select("doc_id", "source").iter_rows()}
    return p.docs, dict(p.spans), groups, by_file


def test_seeds_multi_vector_policy(seeds) -> None:
    docs, spans, groups, by_file = seeds
    out = shared_phrases(docs, spans, groups)
    assert out.height > 20
    # grep -io "multi-vector policy" seeds/*.txt: twice in 000 (The Eastern Herald), once in
    # 003 (PolitNavigator), once in 004 (no outlet); all four in body text.
    row = out.filter(phrase="multi-vector policy").select(COLUMNS).row(0)
    assert row == (
        "multi-vector policy",
        2,
        3,
        3,
        4,
        [UNKNOWN, "PolitNavigator", "The Eastern Herald"],
        sorted([by_file["000"], by_file["003"], by_file["004"]]),
        [1, 1, 2],
    )
    assert out["phrase"][0] == "kassym-jomart tokayev"
    assert out.filter(phrase="kassym-jomart tokayev").select("n_groups", "count").row(0) == (4, 11)


def test_seeds_away_from_russia(seeds) -> None:
    docs, spans, groups, by_file = seeds
    # "away from Russia" occurs in the body of 001 (VPK.name) and in the headline of 003
    # (PolitNavigator), which is not part of its body spans: one group only, not listed.
    out = shared_phrases(docs, spans, groups)
    assert "away from russia" not in out["phrase"]
    assert phrase_occurrences(docs, spans, ["away from russia"])["doc_id"].to_list() == [
        by_file["001"]
    ]
    whole = {d: [(0, len(t))] for d, t in docs.select("doc_id", "text").iter_rows()}
    out = shared_phrases(docs, whole, groups)
    row = out.filter(phrase="away from russia").select(COLUMNS).row(0)
    assert row == (
        "away from russia",
        3,
        2,
        2,
        2,
        ["PolitNavigator", "VPK.name"],
        sorted([by_file["001"], by_file["003"]]),
        [1, 1],
    )


def test_seeds_occurrences_agree_with_counts(seeds) -> None:
    docs, spans, groups, _ = seeds
    out = shared_phrases(docs, spans, groups)
    occ = phrase_occurrences(docs, spans, out["phrase"], doc_ids=groups["doc_id"])
    counts = dict(occ.group_by("phrase").len().iter_rows())
    assert {p: counts.get(p, 0) for p in out["phrase"]} == dict(
        out.select("phrase", "count").iter_rows()
    )
    texts = dict(docs.select("doc_id", "text").iter_rows())
    for doc_id, phrase, start, end, snip in occ.iter_rows():
        written = texts[doc_id][start:end]
        assert [t for t, *_ in tokenize(written)] == phrase.split()
        assert written[0].isalnum() and written[-1].isalnum()
        if not any(c in written for c in ",.;:!?()«»“”\"'"):
            # Only whitespace between the words: the same phrase, case aside.
            assert " ".join(written.split()).lower() == phrase
        assert written in snip or " ".join(written.split()) in snip
        assert any(lo <= start and end <= hi for lo, hi in spans[doc_id])
    mvp = occ.filter(phrase="multi-vector policy")
    assert [texts[d][s:e].lower() for d, s, e in mvp.select("doc_id", "start", "end").rows()] == [
        "multi-vector policy"
    ] * 4


def test_seeds_deterministic(seeds) -> None:
    docs, spans, groups, _ = seeds
    out = shared_phrases(docs, spans, groups)
    again = shared_phrases(
        docs.sample(fraction=1.0, shuffle=True, seed=11),
        spans,
        groups.sample(fraction=1.0, shuffle=True, seed=12),
    )
    assert again.equals(out)


def test_doctests() -> None:
    result = doctest.testmod(phrases_mod)
    assert result.attempted >= 6
    assert result.failed == 0


def test_rank_and_names_apart_from_formulations_on_the_seeds(seeds_study):
    from analysis.compare import groups

    p = seeds_study
    table = phrases_mod.shared_phrases(p.docs, p.spans, groups.groups_for(p.tables["provenance"]))
    assert table["rank"].to_list() == list(range(1, table.height + 1))
    names = table.filter(pl.col("capitalized"))["phrase"].to_list()
    formulations = table.filter(~pl.col("capitalized"))["phrase"].to_list()
    assert names[:3] == [
        "kassym-jomart tokayev",
        "mukhtar tleuberdi",
        "president kassym-jomart tokayev",
    ]
    assert {"european union", "united states", "central asia"} <= set(names)
    assert formulations[:5] == [
        "early presidential elections",
        "non-governmental organizations",
        "anti-russian sanctions",
        "parliamentary elections",
        "multi-vector policy",
    ]
    assert {"special operation in ukraine", "information space"} <= set(formulations)


def _scan_every_span(docs, spans, phrases_):
    """Every phrase occurrence by tokenising every span in Python: phrase_occurrences before it
    read only the spans polars finds a phrase in."""
    from analysis.text.evidence import snippet
    from analysis.text.tokens import tokenize

    wanted = {
        tuple(t for t, *_ in tokenize(p)): " ".join(t for t, *_ in tokenize(p)) for p in phrases_
    }
    lengths = sorted({len(k) for k in wanted})
    out = []
    for doc_id, text in docs.select("doc_id", "text").iter_rows():
        for lo, hi in spans[doc_id]:
            toks = tokenize(text[lo:hi])
            words = [t for t, *_ in toks]
            for i in range(len(toks)):
                for n in lengths:
                    j = i + n - 1
                    if j < len(toks) and toks[j][3] - toks[i][3] == n - 1:
                        found = wanted.get(tuple(words[i : i + n]))
                        if found is not None:
                            start, end = lo + toks[i][1], lo + toks[j][2]
                            out.append((doc_id, found, start, end, snippet(text, start, end)))
    out.sort(key=lambda r: (r[0], r[2], r[1]))
    return pl.DataFrame(out, schema=phrases_mod.OCCURRENCES_SCHEMA, orient="row")


def test_occurrences_equal_a_scan_of_every_span_on_random_text() -> None:
    rng = random.Random(5)
    vocab = ["Astana", "away", "from", "Russia’s", "multi-vector", "policy", "2024", "the"]
    vocab += ["Xi", "it's", "St.", "Ёлка", "İstanbul", "grain", "corridor", "-", ",", "\n", "  "]
    texts = [" ".join(rng.choice(vocab) for _ in range(rng.randint(0, 60))) for _ in range(40)]
    docs = pl.DataFrame({"doc_id": [f"d{i:02d}" for i in range(40)], "text": texts})
    spans = {}
    for doc_id, text in docs.iter_rows():
        cuts = sorted({0, len(text), *(rng.randint(0, len(text)) for _ in range(3))})
        spans[doc_id] = [(a, b) for a, b in itertools.pairwise(cuts) if a < b]
    wanted = ["away from russia's", "multi-vector policy", "grain corridor", "xi astana", "ёлка"]
    wanted += ["the policy", "istanbul grain", "it's the", "astana away from"]
    got = phrase_occurrences(docs, spans, wanted)
    assert got.height > 20
    assert got.equals(_scan_every_span(docs, spans, wanted))


def _random_corpus(seed: int, n_docs: int = 60):
    """Documents of words drawn from a small vocabulary (so phrases recur), numbers and
    punctuation, each cut into a few body spans, in five groups."""
    rng = random.Random(seed)
    vocab = ["Astana", "away", "from", "Russia’s", "multi-vector", "policy", "2024", "the"]
    vocab += ["Xi", "it's", "of", "Ёлка", "İstanbul", "grain", "corridor", "-", ",", "\n", "a"]
    texts = [" ".join(rng.choice(vocab) for _ in range(rng.randint(0, 80))) for _ in range(n_docs)]
    ids = [f"d{i:03d}" for i in range(n_docs)]
    docs = pl.DataFrame({"doc_id": ids, "text": texts})
    spans = {}
    for doc_id, text in docs.iter_rows():
        cuts = sorted({0, len(text), *(rng.randint(0, len(text)) for _ in range(2))})
        spans[doc_id] = [(a, b) for a, b in itertools.pairwise(cuts) if a < b]
    groups = pl.DataFrame({"doc_id": ids, "group": [f"g{i % 5}" for i in range(n_docs)]})
    return docs, spans, groups


def _reference_counts(docs, spans, groups, stopwords, min_count=2, min_groups=2):
    """Per phrase: count, n_docs, n_groups, capitalized, groups, doc_ids, group_counts, counted
    in plain Python from :func:`tokenize` (before subsumed phrases are dropped)."""
    import regex

    group_of = dict(groups.select("doc_id", "group").iter_rows())
    occ: dict[str, list[tuple[str, str, bool]]] = {}
    for doc_id, text in docs.iter_rows():
        for lo, hi in spans[doc_id]:
            unit = text[lo:hi]
            toks = [t for t in tokenize(unit) if regex.search(r"\p{L}", t[0])]
            for n in range(2, 6):
                for i in range(len(toks) - n + 1):
                    run = toks[i : i + n]
                    if run[-1][3] - run[0][3] != n - 1:
                        continue
                    words = [t[0] for t in run]
                    if words[0] in stopwords or words[-1] in stopwords:
                        continue
                    caps = all(
                        w in stopwords or regex.match(r"\p{Lu}", unit[t[1] : t[2]])
                        for w, t in zip(words, run, strict=True)
                    )
                    occ.setdefault(" ".join(words), []).append((doc_id, group_of[doc_id], caps))
    out = {}
    for phrase, rows in occ.items():
        in_groups = sorted({g for _, g, _ in rows})
        if len(rows) < min_count or len(in_groups) < min_groups:
            continue
        out[phrase] = (
            len(rows),
            len({d for d, _, _ in rows}),
            len(in_groups),
            sum(c for *_, c in rows) / len(rows) > 0.5,
            in_groups,
            sorted({d for d, _, _ in rows}),
            [sum(g == h for _, g, _ in rows) for h in in_groups],
        )
    return out


def test_counts_equal_a_plain_python_count_on_random_text() -> None:
    docs, spans, groups = _random_corpus(7)
    stop = frozenset({"the", "of", "a", "from"})
    got = shared_phrases(docs, spans, groups, stopwords=stop)
    expected = _reference_counts(docs, spans, groups, stop)
    assert got.height > 50
    columns = ["count", "n_docs", "n_groups", "capitalized", "groups", "doc_ids", "group_counts"]
    for row in got.iter_rows(named=True):
        assert tuple(row[c] for c in columns) == expected[row["phrase"]], row["phrase"]
    # the phrases left out of the table are the subsumed ones: a longer phrase, same count
    for phrase in set(expected) - set(got["phrase"]):
        assert any(
            f" {phrase} " in f" {longer} " and expected[longer][0] == expected[phrase][0]
            for longer in expected
            if longer != phrase
        ), phrase


def test_partitions_spilled_to_disk_give_the_same_table(monkeypatch, tmp_path) -> None:
    docs, spans, groups = _random_corpus(11, n_docs=80)
    in_memory = shared_phrases(docs, spans, groups)
    spills = []
    real_spill = phrases_mod._Occurrences._spill

    def counted(self):
        spills.append(self.n_parts)
        real_spill(self)

    monkeypatch.setattr(phrases_mod._Occurrences, "_spill", counted)
    monkeypatch.setattr(phrases_mod, "BATCH_CHARS", 300)  # a few documents per batch
    monkeypatch.setattr(phrases_mod, "PART_CHARS", 1_000)  # a partition per 1,000 characters
    monkeypatch.setattr(phrases_mod, "HELD_BYTES", 2_000)  # to files after a batch or two
    monkeypatch.setattr(phrases_mod.tempfile, "tempdir", str(tmp_path))
    spilled = shared_phrases(docs, spans, groups)
    assert spills and min(spills) > 10  # many partitions, written many times
    assert in_memory.height > 50
    assert spilled.equals(in_memory)
    assert list(tmp_path.iterdir()) == []  # the temporary folder is gone


def test_hash_collisions_do_not_change_the_counts(monkeypatch) -> None:
    """Phrases that share a hash pass the thresholds' first check together; their exact counts
    are taken by phrase, so a hash that collides on purpose gives the same table."""
    docs, spans, groups = _random_corpus(13)
    expected = shared_phrases(docs, spans, groups)
    monkeypatch.setattr(
        phrases_mod, "_phrase_hash", lambda phrase: phrase.str.len_bytes().cast(pl.UInt64) % 3
    )
    monkeypatch.setattr(phrases_mod, "PART_CHARS", 2_000)
    assert shared_phrases(docs, spans, groups).equals(expected)
    assert expected.height > 50


def test_per_kind_equals_top_by_kind_of_the_whole_table(seeds) -> None:
    docs, spans, groups, _ = seeds
    full = shared_phrases(docs, spans, groups)
    for n in (0, 3, 40):
        kept = shared_phrases(docs, spans, groups, per_kind=n)
        assert kept.equals(phrases_mod.top_by_kind(full, n))
    assert shared_phrases(docs, spans, groups, per_kind=3)["rank"].max() > 6  # ranks of all
    assert shared_phrases(docs, spans, groups, per_kind=3, limit=2).equals(
        phrases_mod.top_by_kind(full, 3).head(2)
    )
    with pytest.raises(ValueError, match="per_kind must be None or >= 0"):
        shared_phrases(docs, spans, groups, per_kind=-1)


def test_words_but_no_phrase() -> None:
    docs = pl.DataFrame({"doc_id": ["a", "b"], "text": ["Astana", "the of Astana"]})
    spans = {"a": [(0, 6)], "b": [(0, 13)]}
    groups = pl.DataFrame({"doc_id": ["a", "b"], "group": ["X", "Y"]})
    out = shared_phrases(docs, spans, groups, stopwords={"the", "of"}, min_count=1, min_groups=1)
    assert out.height == 0
    assert out.schema == SHARED_PHRASES_SCHEMA
