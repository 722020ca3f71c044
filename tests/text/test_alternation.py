"""A trie-shaped alternation matches exactly what the longest-first alternation matches."""

from __future__ import annotations

import random
import re

import pytest

from analysis.text.alternation import atoms_of, trie_alternation

WORDS = ["Astana", "Astana Times", "Astana  Hub", "Almaty", "AKIpress", "Akorda", "A", "Ak",
         "Kazinform", "Kaz", "KazTAG", "Tengrinews", "Tengri", "Vlast", "Vlast.kz", "O'Neill",
         "the Times", "Times", "Центр", "Центр Азии"]  # fmt: skip


def plain(phrases: list[str], flags: int) -> re.Pattern[str]:
    ordered = sorted(set(phrases), key=len, reverse=True)
    alternation = "|".join("".join(atoms_of(p, re.escape)) for p in ordered)
    return re.compile(rf"(?<!\w)(?:{alternation})(?!\w)", flags)


def trie(phrases: list[str], flags: int) -> re.Pattern[str]:
    ordered = sorted(set(phrases), key=len, reverse=True)
    pattern = trie_alternation([(p, atoms_of(p, re.escape)) for p in ordered], flags)
    assert pattern is not None
    return re.compile(rf"(?<!\w){pattern}(?!\w)", flags)


@pytest.mark.parametrize("flags", [0, re.IGNORECASE])
def test_trie_matches_what_the_alternation_matches(flags: int) -> None:
    rng = random.Random(5)
    pieces = [*WORDS, " ", "  ", "\n", ".", ",", "x", "s", "'s", "kz", "TIMES", "astana", "-"]
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 40))) for _ in range(3000)]
    new, old = trie(WORDS, flags), plain(WORDS, flags)
    assert new.pattern != old.pattern
    found = [[m.span() for m in new.finditer(t)] for t in texts]
    assert found == [[m.span() for m in old.finditer(t)] for t in texts]
    assert sum(map(len, found)) > 3000  # the texts do name the phrases


def test_undecidable_tries_are_refused() -> None:
    # Two atoms that can start with the same character ("a" and a class holding it).
    assert trie_alternation([("ab", ["a", "b"]), ("[ab]c", ["[ab]", "c"])]) is None
    # Two phrases ending on one node with different lengths: which is longer is undecided.
    assert trie_alternation([("a  b", ["a", r"\s+", "b"]), ("a b", ["a", r"\s+", "b"])]) is None
    # A deeper phrase that is not longer than the one it extends.
    assert (
        trie_alternation([("a   b", ["a", r"\s+", "b"]), ("a bc", ["a", r"\s+", "b", "c"])]) is None
    )


def test_atoms_whose_lower_case_grows_are_refused() -> None:
    phrases = [
        ("İstanbul", atoms_of("İstanbul", re.escape)),
        ("Izmir", atoms_of("Izmir", re.escape)),
    ]
    assert trie_alternation(phrases, re.IGNORECASE) is None
    assert trie_alternation(phrases) is not None
