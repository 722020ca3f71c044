"""Case-insensitive patterns matched faster: lower-case pattern, lower-cased text, same offsets.

Python's ``re`` matches a pattern compiled with ``re.IGNORECASE`` two to three times slower than
the same pattern in lower case on a lower-cased text, and the lexicons of this project are
scanned over every document (outlet signatures, machine-translation fingerprints, translation
notes, dates and dated events). The two find the same spans when

* the text holds none of the four non-ASCII characters case-insensitive matching equates with
  an ASCII letter (``İ``, dotless ``ı``, long ``ſ``, the Kelvin sign) and lower-casing keeps its
  length (only ``İ`` grows): then every character's lower case has its length and its ``\\w``,
  ``\\d`` and ``\\s`` classes, and is an ASCII letter only if the character is one (the tests
  check every code point), so :func:`lowered` returns the lower-cased text, else ``None``;
* the pattern's only non-ASCII characters are caseless (dashes, quote marks), it sets no inline
  flags, names no character by code and refers to no group by number, and has no upper-case
  escape (``\\S``, ``\\W``, ``\\D``, ``\\B``, ``\\A``, ``\\Z``); its literal letters are then
  lower-cased, its group names kept (:func:`lower_pattern`). Character ranges are lower-cased
  as written, so a range across cases such as ``[A-z]`` must not be used.

Offsets are those of the original text; the text of a match is lower-cased, so callers that read
what a match says (a name) must take it from the original text.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from functools import cache

__all__ = ["FOLDS_TO_ASCII", "finditer", "lower_pattern", "lowered", "required_literal"]

#: The non-ASCII characters Python's case-insensitive matching equates with an ASCII letter.
FOLDS_TO_ASCII = re.compile("[\u0130\u0131\u017f\u212a]")


def lowered(text: str) -> str | None:
    """``text.lower()`` when lower-case patterns find in it what case-insensitive ones find in
    ``text`` (see the module docstring); else None.

    >>> lowered("ASTANA, March 2024"), lowered("İstanbul")
    ('astana, march 2024', None)
    """
    if FOLDS_TO_ASCII.search(text):
        return None
    low = text.lower()
    return low if len(low) == len(text) else None


#: Pieces of a pattern's source: an escape, a named group or reference (names kept), inline
#: flags, or one character.
_PIECE = re.compile(r"\\.|\(\?P<\w+>|\(\?P=\w+\)|\(\?[aiLmsux-]+[:)]|.", re.DOTALL)


def _lower_source(source: str) -> str | None:
    """``source`` with its literal letters lower-cased, or None if that could change what it
    matches: an escape naming a character (``\\x41``, ``\\u0416``, ``\\N{...}``, octal) or a
    group by number, an upper-case escape (``\\S``, ``\\W``, ``\\D``, ``\\B``, ``\\A``,
    ``\\Z``), inline flags, or a non-ASCII letter with case."""
    out: list[str] = []
    for m in _PIECE.finditer(source):
        piece = m.group()
        if piece.startswith("\\"):
            if piece[1:2].isupper() or piece[1:2] in set("xuUN0123456789"):
                return None
            out.append(piece)
        elif piece.startswith("(?P"):
            out.append(piece)
        elif piece.startswith("(?") and len(piece) > 2:
            return None  # inline flags
        elif piece.isascii() or piece.lower() == piece == piece.upper():
            out.append(piece.lower())
        else:  # a non-ASCII letter with case
            return None
    return "".join(out)


@cache
def lower_pattern(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """``pattern`` (case-insensitive) for a lower-cased text, or None when that is not the same.

    >>> lower_pattern(re.compile(r"\\bSubscribe to (?P<Name>\\w+)", re.IGNORECASE)).pattern
    '\\\\bsubscribe to (?P<Name>\\\\w+)'
    >>> lower_pattern(re.compile(r"\\S+ Times", re.IGNORECASE)) is None
    True
    """
    source = pattern.pattern
    if not pattern.flags & re.IGNORECASE or not isinstance(source, str):
        return None
    lowered_source = _lower_source(source)
    if lowered_source is None:
        return None
    return re.compile(lowered_source, pattern.flags & ~re.IGNORECASE)


@cache
def required_literal(pattern: re.Pattern[str]) -> str | None:
    """The longest run of literal characters every match of ``pattern`` contains (at least
    three, from the top level of a case-sensitive pattern: not inside a group, a repeat or an
    alternation), or None. A text without it holds no match, which ``str.find`` tells far
    faster than the pattern (a pattern that starts with ``\\b`` or a class gets none of
    ``re``'s own literal-prefix search).

    >>> required_literal(re.compile(r"\\bsitting on two chairs\\b"))
    'sitting on two chairs'
    >>> required_literal(re.compile(r"\\bcourt (?:party|oligarchs)\\b"))
    'court '
    >>> required_literal(re.compile("astana", re.IGNORECASE)) is None  # case folding: no
    True
    """
    if pattern.flags & re.IGNORECASE or not isinstance(pattern.pattern, str):
        return None
    # re's own parser (a private module of the standard library: what re itself reads)
    _parser = importlib.import_module("re._parser")
    literal = importlib.import_module("re._constants").LITERAL
    try:
        parsed = _parser.parse(pattern.pattern, pattern.flags)
    except Exception:  # a pattern re compiled; anything odd: no shortcut
        return None
    if parsed.state.flags & re.IGNORECASE:  # inline (?i) at the start
        return None
    best = current = ""
    for op, value in parsed:
        current = current + chr(value) if op is literal else ""
        best = max(best, current, key=len)
    return best if len(best) >= 3 else None


def finditer(
    pattern: re.Pattern[str], text: str, low: str | None, pos: int = 0, endpos: int | None = None
) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text, pos, endpos)``, on ``low`` (:func:`lowered` of ``text``) when
    that finds the same spans. Read offsets from the matches, not their text. Where the pattern
    needs a literal run (:func:`required_literal`) that the text lacks, nothing is searched.

    >>> text = "Read more at THE ASTANA TIMES."
    >>> pattern = re.compile("the astana times", re.IGNORECASE)
    >>> [m.span() for m in finditer(pattern, text, lowered(text))]
    [(13, 29)]
    """
    end = len(text) if endpos is None else endpos
    fast = lower_pattern(pattern) if low is not None else None
    run, subject = (fast, low) if fast is not None and low is not None else (pattern, text)
    need = required_literal(run)
    if need is not None and subject.find(need, pos, end) < 0:
        return iter(())
    return run.finditer(subject, pos, end)
