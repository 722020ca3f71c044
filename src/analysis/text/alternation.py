"""One regular expression for many phrases, shaped as a trie so Python's ``re`` scans it fast.

A plain alternation of hundreds of phrases (``(?:longest|...|short)``, longest first) makes
Python's ``re`` try every phrase at every position of the text. The same phrases as a trie
(``A(?:fghan(?:istan|)|stana)``) let it follow one branch per character, which on the citation
registry is about ten times faster, and it matches exactly what the longest-first alternation
matches, when the trie is *deterministic*: at every node the branches start with atoms no
character can match two of. :func:`trie_alternation` checks that and returns ``None`` otherwise,
so callers keep the plain alternation.

The atoms (:func:`atoms_of`) must be of two kinds: atoms matching exactly one character (an
escaped character, a class such as ``['’]``), and ``\\s+``, never next to an atom that can match
whitespace. Then a path through the trie matches at most one way, and the only choice is where
to stop.

Why the two agree: both are followed by whatever the caller puts after them (e.g. ``(?!\\w)``).
At a given position the text picks at most one branch per node, so the phrases that can match
there lie on one path of the trie, each a prefix (in atoms) of the next; the trie tries the
deepest first and backs off one node at a time, as the alternation tries the longest first. The
phrases' lengths in characters must grow with depth along every path for "longest first" to mean
the same; that is checked too.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence

__all__ = ["atoms_of", "trie_alternation"]

#: A regex atom: one escaped character or a character class (``\\s+``, ``['’]``).
Atom = str
_END = ""


def atoms_of(phrase: str, atom: Callable[[str], Atom]) -> list[Atom]:
    """``phrase`` as regex atoms: each whitespace run one ``\\s+``, every other character
    ``atom(char)``.

    >>> atoms_of("Kazakh  news", re.escape)
    ['K', 'a', 'z', 'a', 'k', 'h', '\\\\s+', 'n', 'e', 'w', 's']
    """
    out: list[Atom] = []
    for ch in phrase:
        if ch.isspace():
            if not out or out[-1] != r"\s+":
                out.append(r"\s+")
        else:
            out.append(atom(ch))
    return out


@functools.cache
def _first_chars(atom: Atom, flags: int, probe: str) -> frozenset[str]:
    """The characters of ``probe`` that can start ``atom``."""
    pattern = re.compile(atom, flags)
    return frozenset(c for c in probe if pattern.match(c))


def _probe(phrases: Sequence[tuple[str, Sequence[Atom]]]) -> str:
    """Characters to test atoms on: Latin-1 and Latin Extended, whitespace and quote marks, and
    every character of the phrases in both cases."""
    chars = {chr(c) for c in range(0x250)} | set("\u2018\u2019\u201c\u201d\u201e\u00a0\u2003")
    for phrase, _ in phrases:
        for ch in phrase:
            chars |= {ch, *ch.lower(), *ch.upper()}
    return "".join(sorted(chars))


def trie_alternation(phrases: Sequence[tuple[str, Sequence[Atom]]], flags: int = 0) -> str | None:
    """A regex (a non-capturing group) matching what ``(?:p1|p2|...)``, the phrases' atom
    strings ordered longest phrase first, matches; ``None`` if the trie is not deterministic.

    ``phrases`` are ``(phrase, atoms)``: the phrase's text (its length orders the alternation)
    and its regex atoms (:func:`atoms_of`). Under ``re.IGNORECASE`` atoms are merged by their
    lower case.

    >>> names = ["Astana", "Astana Times", "Almaty"]
    >>> pattern = trie_alternation([(n, atoms_of(n, re.escape)) for n in names])
    >>> pattern
    '(?:A(?:stana(?:\\\\s+Times|)|lmaty))'
    >>> [m.group() for m in re.finditer(pattern + r"(?!\\w)", "Astana Times, Astana, Almaty")]
    ['Astana Times', 'Astana', 'Almaty']
    """
    fold = bool(flags & re.IGNORECASE)
    root: dict[str, dict] = {}
    length: dict[int, int] = {}  # id(node) -> length of the phrase ending there
    for phrase, atoms in phrases:
        node = root
        for atom in atoms:
            key = atom.lower() if fold else atom
            if len(key) != len(atom):
                return None  # lower case of another length (İ): leave it to the alternation
            node = node.setdefault(key, {})
        if _END in node and length[id(node)] != len(phrase):
            return None  # two phrases of different lengths on one path end: order undecided
        node[_END] = {}
        length[id(node)] = len(phrase)
    if not _deterministic(root, flags, length, -1, _probe(phrases)):
        return None
    return "(?:" + _render(root) + ")"


def _deterministic(node: dict, flags: int, length: dict[int, int], above: int, probe: str) -> bool:
    here = length.get(id(node), above) if _END in node else above
    if _END in node and here <= above:
        return False  # a deeper phrase must be longer than the one ending above it
    seen: set[str] = set()
    for atom, child in node.items():
        if atom == _END:
            continue
        chars = _first_chars(atom, flags, probe)
        if not chars or chars & seen:
            return False
        seen |= chars
        if not _deterministic(child, flags, length, here, probe):
            return False
    return True


def _render(node: dict) -> str:
    branches = [atom + _render(child) for atom, child in node.items() if atom != _END]
    if not branches:
        return ""
    if _END in node:
        return "(?:" + "|".join(branches) + "|)"
    if len(branches) == 1:
        return branches[0]
    return "(?:" + "|".join(branches) + ")"
