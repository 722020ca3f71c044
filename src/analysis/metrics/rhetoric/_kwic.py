"""Keyword in context: hits as plain-text lines for reading in notebooks, and filtering them."""

from __future__ import annotations

import re
from collections.abc import Iterable

import polars as pl

from analysis.metrics.rhetoric._cues import _docs_rows
from analysis.metrics.rhetoric._schema import KWIC_COLUMNS

__all__ = [
    "filter_hits",
    "kwic",
    "plain",
]

#: Control, format and bidirectional-override characters: dropped from KWIC text.
_INVISIBLE = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]"
)
_SPACES = re.compile(r"\s+")


def plain(text: str) -> str:
    """``text`` as one line of plain text: invisible and control characters dropped, whitespace
    collapsed. Markup stays literal text (``<b>``); escaping is the display's job.

    >>> plain("a\\u202e b\\n\\t<script>")
    'a b <script>'
    """
    return _SPACES.sub(" ", _INVISIBLE.sub("", text))


def kwic(hits: pl.DataFrame, docs: pl.DataFrame, width: int = 60) -> pl.DataFrame:
    """Hits (``rhetoric_hits`` or ``actor_mentions``) as keyword-in-context lines.

    Every column of ``hits`` but ``snippet`` is kept, in order, and :data:`KWIC_COLUMNS` are
    added: up to ``width`` characters of the original text on each side of ``text[start:end]``,
    all three as :func:`plain` text. Rows keep the order of ``hits``.

    >>> from analysis.metrics.rhetoric import rhetoric_hits
    >>> docs = pl.DataFrame({"doc_id": ["d"], "text": ["Line one.\\nThe <b>so-called</b> vote."]})
    >>> hits = rhetoric_hits(docs, {"d": [(0, 9), (10, 34)]}, families=["delegitimizing"])
    >>> kwic(hits, docs, width=12).select("left", "match", "right").rows()
    [('one. The <b>', 'so-called', '</b> vote.')]
    """
    texts = dict(_docs_rows(docs))
    left: list[str] = []
    match: list[str] = []
    right: list[str] = []
    for doc_id, s, e in hits.select("doc_id", "start", "end").iter_rows():
        text = texts[doc_id]
        left.append(plain(text[max(0, s - width) : s]).lstrip())
        match.append(plain(text[s:e]))
        right.append(plain(text[e : e + width]).rstrip())
    kept = hits.drop("snippet", strict=False)
    extra = pl.DataFrame({"left": left, "match": match, "right": right}, schema=KWIC_COLUMNS)
    return pl.concat([kept, extra], how="horizontal")


def filter_hits(
    hits: pl.DataFrame, *, families: Iterable[str] | None = None, term: str = ""
) -> pl.DataFrame:
    """Hits of the given ``families`` whose term contains ``term`` (case-insensitive). A term
    filter keeps lexicon hits only: a hit the span model found alone has no term.

    >>> hits = pl.DataFrame({"family": ["loaded", "labelling"], "term": ["Kyiv regime", "x"]})
    >>> filter_hits(hits, families=["loaded", "labelling"], term="REGIME")["term"].to_list()
    ['Kyiv regime']
    """
    out = hits
    if families is not None:
        out = out.filter(pl.col("family").is_in(list(families)))
    if term:
        out = out.filter(pl.col("term").str.to_lowercase().str.contains(term.lower(), literal=True))
    return out
