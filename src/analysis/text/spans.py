"""Spans: ``(start, end)`` character ranges of a document's text, the unit every stage reads.

A document's body is a list of spans (:mod:`analysis.provenance.boilerplate` decides which); when
nothing better is known, every non-empty line is one.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["clean_spans", "line_spans"]


def line_spans(text: str) -> list[tuple[int, int]]:
    """Every non-empty line of ``text`` as a span: the body when nothing better is known.

    >>> line_spans("a\\n\\n bc \\n")
    [(0, 1), (3, 7)]
    """
    out: list[tuple[int, int]] = []
    start = 0
    for line in text.split("\n"):
        if line.strip():
            out.append((start, start + len(line)))
        start += len(line) + 1
    return out


def clean_spans(text: str, spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans sorted, clipped to the text, empty ones dropped and overlapping ones merged.

    >>> clean_spans("abcdef", [(4, 9), (0, 2), (1, 3), (5, 5)])
    [(0, 3), (4, 6)]
    """
    out: list[tuple[int, int]] = []
    for s, e in sorted((max(0, int(s)), min(len(text), int(e))) for s, e in spans):
        if e <= s:
            continue
        if out and s < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out
