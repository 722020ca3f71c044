"""Evidence: short snippets of the original text around a character range.

Every extracted field or counted cue in the project carries ``doc_id``, ``start``, ``end`` (offsets
into the decoded original text) and a ``snippet`` made here, at most :data:`SNIPPET_CHARS` long.
"""

from __future__ import annotations

__all__ = [
    "SNIPPET_CHARS",
    "snippet",
]

#: Longest snippet, in characters (ellipses included).
SNIPPET_CHARS = 160


def snippet(text: str, start: int, end: int, width: int = SNIPPET_CHARS) -> str:
    """The match ``text[start:end]`` with context on both sides, on one line, at most ``width``.

    >>> snippet("a" * 100 + "MATCH" + "b" * 100, 100, 105, width=25)
    '…aaaaaaaaaMATCHbbbbbbbbb…'
    >>> snippet("short text", 0, 5)
    'short text'
    """
    if end - start >= width - 2:
        core = text[start : start + width - 1]
        return " ".join((core + "…").split())
    room = width - (end - start) - 2
    left = max(0, start - room // 2)
    right = min(len(text), end + (room - (start - left)))
    left = max(0, min(left, right - (width - 2)))
    out = text[left:right]
    if left > 0:
        out = "…" + out
    if right < len(text):
        out = out + "…"
    return " ".join(out.split()) if "\n" in out or "\t" in out else out
