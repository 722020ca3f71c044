"""Lower-case patterns on lower-cased text find what case-insensitive patterns find."""

from __future__ import annotations

import random
import re

from analysis.text import casefold


def test_every_code_point_lowered_keeps_its_classes() -> None:
    word, digit, space = re.compile(r"\w"), re.compile(r"\d"), re.compile(r"\s")
    ascii_alnum = re.compile("[a-z0-9]", re.IGNORECASE)
    refused = []
    for code in range(0x110000):
        if 0xD800 <= code < 0xE000:
            continue
        ch = chr(code)
        low = casefold.lowered(ch)
        if low is None:
            refused.append(code)
            continue
        assert len(low) == 1
        for pattern in (word, digit, space):
            assert bool(pattern.match(ch)) == bool(pattern.match(low)), hex(code)
        if not ch.isascii():
            assert not ascii_alnum.fullmatch(ch), hex(code)
            assert not (low.isascii() and low.isalnum()), hex(code)
    assert refused == [0x130, 0x131, 0x17F, 0x212A]


def test_finditer_finds_the_case_insensitive_spans() -> None:
    patterns = [
        re.compile(r"\bsubscribe to (?:our )?\w+ news\b", re.IGNORECASE),
        re.compile(r"(?:translated|translation) (?:by|from) \w+", re.IGNORECASE),
        re.compile(r"\bin\s+(?:19|20)\d\d\b(?!\s*[-–])", re.IGNORECASE),
    ]
    pieces = [
        *("Subscribe", "SUBSCRIBE", "to", "our", "PolitNavigator", "news", "Translated", "by"),
        *("from", "InoSMI", "in", "IN", "2024", "-", "–", "İ", "ſ", "K", "é", "Ё", " "),
    ]
    rng = random.Random(4)
    texts = [" ".join(rng.choice(pieces) for _ in range(rng.randint(1, 30))) for _ in range(2000)]
    found = 0
    for pattern in patterns:
        assert casefold.lower_pattern(pattern) is not None
        for text in texts:
            spans = [m.span() for m in casefold.finditer(pattern, text, casefold.lowered(text))]
            assert spans == [m.span() for m in pattern.finditer(text)]
            found += len(spans)
    assert found > 200
    assert casefold.lower_pattern(re.compile("(?-i:ABC)x", re.IGNORECASE)) is None
    assert casefold.lower_pattern(re.compile("abc")) is None  # not case-insensitive


def test_patterns_lowercasing_could_change_are_refused() -> None:
    refused = [r"\x41stana", r"\u0416", r"\N{LATIN CAPITAL LETTER A}", r"(a)\1", r"\S+", r"\W",
               r"(?i:x)", r"(?-i:X)y", "Жас", r"\101"]  # fmt: skip
    for source in refused:
        assert casefold.lower_pattern(re.compile(source, re.IGNORECASE)) is None, source
    kept = casefold.lower_pattern(re.compile(r"(?P<Month>March)\s+(?P=Month)–\d", re.IGNORECASE))
    assert kept is not None and kept.pattern == r"(?P<Month>march)\s+(?P=Month)–\d"
    text = "MARCH March–1 and march march–2, March APRIL–3"
    pattern = re.compile(r"(?P<m>march)\s+(?P=m)–\d", re.IGNORECASE)
    found = [m.span() for m in casefold.finditer(pattern, text, casefold.lowered(text))]
    assert found == [m.span() for m in pattern.finditer(text)] == [(0, 13), (18, 31)]


def test_required_literal_is_only_what_every_match_holds() -> None:
    cases = {
        r"\bsitting on two chairs\b": "sitting on two chairs",
        r"(?:abc)?defg": "defg",  # a group may be skipped: its letters are not required
        r"abc|defg": None,  # an alternation: neither side is
        r"\d+ years ago": " years ago",
        r"x*abcd(?=ef)": "abcd",
        r"ab(?=cd)": None,  # too short to be worth a search
        r"(?i)astana times": None,  # case folding
        r"[Aa]stana": "stana",
        r"^Recall that\b": "Recall that",
    }
    for source, expected in cases.items():
        assert casefold.required_literal(re.compile(source)) == expected, source
    assert casefold.required_literal(re.compile("astana", re.IGNORECASE)) is None


def test_finditer_with_the_literal_shortcut_finds_what_re_finds() -> None:
    """Every pattern of the project's lexicons that the shortcut applies to, on texts made of
    pieces of their own literals (so that some match and most nearly do): the same spans as the
    pattern itself, with and without a lower-cased text, over any range."""
    from analysis.provenance.outlets import load_fingerprints, load_patterns

    patterns = [fp.pattern for fp in load_fingerprints()[1]]
    patterns += [e["regex"] for v in load_patterns().values() if isinstance(v, list) for e in v]
    shortcut = [p for p in patterns if casefold.required_literal(casefold.lower_pattern(p) or p)]
    assert len(shortcut) >= 10
    rng = random.Random(4)
    found = skipped = 0
    for pattern in shortcut:
        literal = casefold.required_literal(casefold.lower_pattern(pattern) or pattern) or ""
        for _ in range(20):
            pieces = [literal, f" {literal} ", f"\n{literal} ", literal[: rng.randint(0, 9)]]
            pieces += [literal.upper(), literal.title(), " ", "\n", "."]
            pieces += ["Astana, 14 March 2024 ", "«", "»", ", In contact with", "the "]
            text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
            pos = rng.randint(0, len(text))
            end = rng.randint(pos, len(text))
            expected = [m.span() for m in pattern.finditer(text, pos, end)]
            skipped += literal.lower() not in text.lower()[pos:end]  # the shortcut's case
            for low in (None, casefold.lowered(text)):
                got = casefold.finditer(pattern, text, low, pos, end)
                assert [m.span() for m in got] == expected
            found += len(expected)
    assert found > 20
    assert skipped > 100
