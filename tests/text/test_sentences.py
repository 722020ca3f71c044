"""Tests of analysis.text.sentences: sentence ranges that respect abbreviations and quotes."""

from __future__ import annotations

from analysis.text.quotemarks import pair_quotes
from analysis.text.sentences import sentences


def _split(text: str) -> list[str]:
    return [text[a:b] for a, b in sentences(text, 0, len(text), pair_quotes(text, 0, len(text)))]


def test_abbreviations_initials_and_quotes_do_not_end_sentences() -> None:
    assert _split("Mr. Smith met the U.S. envoy. J. Doe came. Then it rained.") == [
        "Mr. Smith met the U.S. envoy. ",
        "J. Doe came. ",
        "Then it rained.",
    ]
    assert _split('He said: "Yes. No." Then he left.') == ['He said: "Yes. No." ', "Then he left."]


def test_cyrillic_and_digits_start_sentences() -> None:
    assert _split("Это так. Астана ответила. 2024 was busy.") == [
        "Это так. ",
        "Астана ответила. ",
        "2024 was busy.",
    ]


def test_ranges_stay_inside_the_span() -> None:
    text = "Skip. One here. Two here. Skip."
    assert [text[a:b] for a, b in sentences(text, 6, 25)] == ["One here. ", "Two here."]


def test_word_before_a_sentence_end_matches_the_regex_it_replaces() -> None:
    """The linear scan equals ``re.search(r"([\\w.]+)$", text[lo:p])`` (which rescanned the
    paragraph at every sentence end: quadratic in a long paragraph)."""
    import random
    import re

    from analysis.text.sentences import _word_before

    rnd = random.Random(1)
    for _ in range(5000):
        text = "".join(rnd.choice("ab.\n _1é-’") for _ in range(rnd.randint(0, 12)))
        p = rnd.randint(0, len(text))
        lo = rnd.randint(0, p)
        found = re.search(r"([\w.]+)$", text[lo:p])
        assert _word_before(text, lo, p) == (found.group(1) if found else "")
