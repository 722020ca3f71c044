"""Quote marks: which glyphs pair up, and the quoted segments of a span of text.

Marks of one family pair up (“ ” „ " with each other, « », ‘ ’; ``data/punctuation.yaml``); the
characters around a mark decide whether it opens or closes, the glyph only when they do not, so
the machine-translation variants pair too: “ closed by ", ” used to open (``by ” restrictions
...”``), a stray “ inside a quote (the outer quote closes at the inner pair's closing mark), a
stray ” (ignored). Quotes, citations and rhetorical cues all read quote marks here.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Literal

from analysis.core.data import load_yaml

__all__ = ["Pair", "QuoteFamily", "family_of", "pair_quotes", "quote_families"]


@dataclass(frozen=True)
class QuoteFamily:
    """Quote-mark glyphs that pair with each other."""

    name: str
    open: frozenset[str]
    close: frozenset[str]
    either: frozenset[str] = frozenset()

    @property
    def glyphs(self) -> frozenset[str]:
        return self.open | self.close | self.either


@cache
def quote_families() -> tuple[QuoteFamily, ...]:
    """The quote-mark families of ``data/punctuation.yaml`` (cached).

    >>> [f.name for f in quote_families()]
    ['double', 'guillemets', 'single', 'single guillemets']
    """
    data = load_yaml("punctuation.yaml", required=("quote_families",))
    return tuple(
        QuoteFamily(
            f["name"], frozenset(f["open"]), frozenset(f["close"]), frozenset(f.get("either", []))
        )
        for f in data["quote_families"]
    )


@cache
def family_of() -> Mapping[str, QuoteFamily]:
    """Every quote-mark glyph and its family.

    >>> family_of()["«"].name, "a" in family_of()
    ('guillemets', False)
    """
    return {g: fam for fam in quote_families() for g in fam.glyphs}


@dataclass(frozen=True)
class _Mark:
    pos: int
    family: str
    role: Literal["open", "close", "either"]
    loose: bool  # whitespace on both sides


@dataclass(frozen=True)
class Pair:
    """A quoted segment: the opening mark at ``open``, the closing one at ``close``.

    ``closed`` is false for an opening mark never closed in its span (``close`` is then the span
    end). ``depth`` 0 is a top-level quote.
    """

    open: int
    close: int
    closed: bool = True
    depth: int = 0


_HTML_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?>")
_OPEN_CONTEXT = "([{—–-/"
_CLOSE_CONTEXT = ".,;:!?)]}…—–-/"


@cache
def _glyph_pattern() -> re.Pattern[str]:
    """Any one quote-mark glyph (:func:`family_of`)."""
    glyphs = sorted(g for g in family_of() if len(g) == 1)
    return re.compile("[" + "".join(re.escape(g) for g in glyphs) + "]")


def _marks(text: str, lo: int, hi: int) -> list[_Mark]:
    glyphs = family_of()
    out: list[_Mark] = []
    tags = [m.span() for m in _HTML_TAG.finditer(text, lo, hi)]  # sorted, not overlapping
    tag_starts = [a for a, _ in tags]
    for found in _glyph_pattern().finditer(text, lo, hi):  # not a Python loop over characters
        i = found.start()
        fam = glyphs[text[i]]
        k = bisect.bisect_right(tag_starts, i) - 1
        if k >= 0 and i < tags[k][1]:
            continue  # inside an HTML tag
        left = text[i - 1] if i > lo else " "
        right = text[i + 1] if i + 1 < hi else " "
        if left.isalnum() and right.isalnum():
            continue  # an apostrophe (or a mark glued between words)
        opens = left.isspace() or left in _OPEN_CONTEXT or left in glyphs
        closes = right.isspace() or right in _CLOSE_CONTEXT or right in glyphs
        role: Literal["open", "close", "either"]
        if opens and not closes:
            role = "open"
        elif closes and not opens:
            role = "close"
        elif text[i] in fam.open:
            role = "open"
        elif text[i] in fam.close:
            role = "close"
        else:
            role = "either"
        out.append(_Mark(i, fam.name, role, left.isspace() and right.isspace()))
    return out


def pair_quotes(text: str, lo: int, hi: int) -> list[Pair]:
    """Pair the quote marks of ``text[lo:hi]`` (one body span), machine-translation damage included.

    >>> s = "“I think ... but “In general, no,” he said."
    >>> [(p.open, p.close, p.depth) for p in pair_quotes(s, 0, len(s))]
    [(0, 33, 0)]
    >>> s = "lacked “real competition” and was marked by ” restrictions on speech”."
    >>> [s[p.open + 1 : p.close] for p in pair_quotes(s, 0, len(s))]
    ['real competition', ' restrictions on speech']
    >>> s = '"Insulting. But we react to "aggressive chauvinism", which," said X.'
    >>> [(p.open, p.close, p.depth) for p in pair_quotes(s, 0, len(s))]
    [(0, 59, 0), (28, 50, 1)]
    """
    stack: list[_Mark] = []
    by_family: dict[str, list[int]] = {}  # stack positions of each family's open marks
    pairs: list[tuple[int, int]] = []
    reversed_openers: set[int] = set()

    def push(mark: _Mark) -> None:
        by_family.setdefault(mark.family, []).append(len(stack))
        stack.append(mark)

    for mark in _marks(text, lo, hi):
        same = by_family.get(mark.family)
        role = mark.role
        if role == "either":
            role = "close" if same else "open"
        if role == "open":
            push(mark)
        elif same:
            k = same[-1]
            pairs.append((stack[k].pos, mark.pos))
            for m in stack[k:]:  # openers left inside are strays
                by_family[m.family].pop()
            del stack[k:]
        elif mark.loose:
            push(mark)  # ” used as an opening mark
            reversed_openers.add(mark.pos)
    unclosed: list[tuple[int, int, bool]] = []
    for m in stack:
        later = sorted(p for p in pairs if p[0] > m.pos and text[p[0]] in _family_glyphs(m))
        if later and m.pos not in reversed_openers:
            pairs.remove(later[0])
            pairs.append((m.pos, later[0][1]))  # the inner opening mark was a stray
        elif m.pos not in reversed_openers:
            unclosed.append((m.pos, hi, False))
    found = sorted([(o, c, True) for o, c in pairs] + unclosed)
    # depth = earlier pairs (smaller open) that close at or after this one's close, counted
    # with a Fenwick tree over close positions instead of a scan of every earlier pair.
    closes = sorted({c for _, c, _ in found})
    rank = {c: i + 1 for i, c in enumerate(closes)}
    tree = [0] * (len(closes) + 1)
    out: list[Pair] = []
    for n, (o, c, closed) in enumerate(found):
        i, below = rank[c] - 1, 0  # earlier pairs closing before c
        while i > 0:
            below += tree[i]
            i -= i & -i
        depth = n - below
        if n and found[n - 1][0] == o:  # (an open shared with earlier pairs: not before this)
            depth -= sum(1 for p in out if p.open == o and c <= p.close)
        out.append(Pair(o, c, closed, depth))
        i = rank[c]
        while i <= len(closes):
            tree[i] += 1
            i += i & -i
    return out


def _family_glyphs(mark: _Mark) -> frozenset[str]:
    return next(f.glyphs for f in quote_families() if f.name == mark.family)
