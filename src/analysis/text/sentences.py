"""Sentences: ranges of a span of text, never split inside a quotation.

A sentence ends at ``.``, ``!``, ``?`` or ``…`` (with any closing quote marks or brackets) followed
by whitespace and a capital letter, a digit or an opening mark, except after an abbreviation of
``data/punctuation.yaml`` (``Mr.``, ``U.S.``) or a single letter (an initial), and never inside a
top-level quoted segment that runs past it (:mod:`analysis.text.quotemarks`).
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Sequence
from functools import cache

from analysis.core.data import load_yaml
from analysis.text.quotemarks import Pair

__all__ = ["sentences"]


@cache
def _abbreviations() -> frozenset[str]:
    data = load_yaml("punctuation.yaml", required=("abbreviations",))
    return frozenset(str(w).lower() for w in data["abbreviations"])


_SENTENCE_END = re.compile(r"[.!?…]+[\"”»’)]*\s+(?=[\"“«„‘(\[]?[A-ZА-ЯЁ0-9])")


def sentences(text: str, lo: int, hi: int, pairs: Sequence[Pair] = ()) -> list[tuple[int, int]]:
    """Sentence ranges of ``text[lo:hi]``, never splitting inside the quoted segments ``pairs``.

    >>> from analysis.text.quotemarks import pair_quotes
    >>> s = 'He said: "Yes. No." Mr. Smith left. Then J. Doe came.'
    >>> [s[a:b] for a, b in sentences(s, 0, len(s), pair_quotes(s, 0, len(s)))]
    ['He said: "Yes. No." ', 'Mr. Smith left. ', 'Then J. Doe came.']
    """
    abbreviations = _abbreviations()
    top = sorted((q.open, q.close) for q in pairs if q.depth == 0)
    opens = [o for o, _ in top]
    reach = list(itertools.accumulate((c for _, c in top), max))  # largest close so far
    first_open_at_close: dict[int, int] = {}
    for o, c in top:
        first_open_at_close.setdefault(c, o)
    cuts = [lo]
    for m in _SENTENCE_END.finditer(text, lo, hi):
        p, e = m.start(), m.end()
        # Inside a top-level quote that runs past this sentence end? (Indexes instead of a scan
        # of every quote: a long document must not cost time quadratic in its length.)
        k = bisect.bisect_left(opens, p)  # quotes opened before p: top[:k]
        if k and reach[k - 1] > p and reach[k - 1] >= e - 1:
            inside_closed = any(
                first_open_at_close.get(c, p) < p for c in range(p + 1, e)
            )  # a quote opened before p closes inside the match
            if not inside_closed:
                continue
        before = _word_before(text, lo, p).lower()
        if before in abbreviations or (len(before) == 1 and before.isalpha()):
            continue
        cuts.append(e)
    cuts.append(hi)
    return [(a, b) for a, b in itertools.pairwise(cuts) if b > a]


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_" or ch == "."


def _word_before(text: str, lo: int, p: int) -> str:
    """``re.search(r"([\\w.]+)$", text[lo:p])``'s group, or "": the run of word characters and
    dots ending at ``p`` (or before a final newline, as ``$`` allows), found without rescanning
    ``text[lo:p]`` (which made sentence splitting quadratic in a paragraph's length).

    >>> _word_before("See Mr. Smith", 0, 6), _word_before("a\\nU.S.\\n", 0, 7)
    ('Mr', 'U.S.')
    >>> _word_before("a b ", 0, 4)
    ''
    """
    end = p - 1 if p - 1 >= lo and text[p - 1] == "\n" else p
    start = end
    while start > lo and _is_word_char(text[start - 1]):
        start -= 1
    return text[start:end]
