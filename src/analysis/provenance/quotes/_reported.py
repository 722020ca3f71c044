"""Reported speech outside quote marks: ``X said that CLAUSE``, ``according to X, CLAUSE``."""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

from analysis.provenance.quotes._direct import (
    _Attr,
    _cue_matches,
    _cue_speaker,
    _make_quote,
    _statement_speaker,
    _word_count,
)
from analysis.provenance.quotes._lexicon import _rules
from analysis.provenance.quotes._model import Quote
from analysis.provenance.quotes._phrases import Phrase, phrase_after, phrase_before
from analysis.provenance.quotes._speakers import _Doc, _valid_speaker, resolve_speaker

_THAT_TAIL = re.compile(
    r"(?:\s+(?:to|with|at|in|on|during)\s+(?:[^,.;:!?\"“”«»]|\.(?=\w)){1,60}?)?\s*,?\s+that\b|\s+(?=(?:it|he|she|they)\s+\w)",
    re.IGNORECASE,
)
_RELATIVE_START = re.compile(
    r"\s*(?:was|were|is|are|has|have|had|will|would|can|could|may|might|should|must)\b",
    re.IGNORECASE,
)
_OBJECT_THAT = re.compile(r"\s+[^,.;:!?\"“”«»]{1,40}?\s+that\b", re.IGNORECASE)


def _clause_end(text: str, s: int, e: int) -> int:
    """End of a reported clause: trailing punctuation and spaces off, unless a quote needs them."""
    while e > s and (text[e - 1].isspace() or text[e - 1] in ".,;:!?…—–-"):
        e -= 1
    return e


def _inside(pos: int, ranges: Sequence[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in ranges)


def _reported_in_sentence(
    doc: _Doc,
    doc_id: str,
    span: tuple[int, int],
    sent: tuple[int, int],
    quoted: Sequence[tuple[int, int]],
    direct_starts: Sequence[int],
) -> list[Quote]:
    text, rules = doc.text, _rules()
    out: list[Quote] = []
    lo, hi = sent
    matches = [(m, k) for m, k in _cue_matches(doc, lo, hi) if k != "quote_source"] + [
        (m, "directive") for m in rules.directive.finditer(text, lo, hi)
    ]
    for m, kind in sorted(matches, key=lambda mk: mk[0].start()):
        if _inside(m.start(), quoted):
            continue
        found = _reported_clause(doc, span, sent, m, kind)
        if found is None:
            continue
        phrase, cs, rule, stop = found
        ce = stop or hi  # the clause stops at the first direct quote after its start
        k = bisect.bisect_left(direct_starts, cs)  # direct_starts is sorted
        if k < len(direct_starts) and direct_starts[k] < hi:
            ce = min(ce, direct_starts[k])
        ce = _clause_end(text, cs, ce)
        while cs < ce and text[cs].isspace():
            cs += 1
        if _word_count(text[cs:ce]) < 2:
            continue
        speaker = resolve_speaker(doc, phrase, m.start()) if phrase else None
        attr = _Attr(speaker, m.span(), rule, ce)
        out.append(_make_quote(doc_id, text, cs, ce, "reported", attr))
    return out


def _reported_clause(
    doc: _Doc, span: tuple[int, int], sent: tuple[int, int], m: re.Match[str], kind: str
) -> tuple[Phrase | None, int, str, int | None] | None:
    """(speaker, clause start, rule, clause end if not the sentence end) for one cue, or None."""
    text, rules = doc.text, _rules()
    lo, hi = sent
    if kind == "source":
        phrase = _cue_speaker(doc, lo, m, "source")
        if not _valid_speaker(phrase) or phrase is None:
            return None
        after = text[phrase.end : hi]
        if re.match(r"\s*,", after) and not re.fullmatch(r"\s*[,.;:!?…]*\s*", after):
            return phrase, phrase.end + after.index(",") + 1, "reported: according to", None
        before = text[lo : m.start()].rstrip()
        if before.endswith(",") and re.fullmatch(r"\s*[.;!?…]*\s*", after):
            return phrase, lo, "reported: according to", m.start()  # "CLAUSE, according to X."
        return None
    if kind == "directive":
        phrase = phrase_before(text, lo, m.start())
        if not _valid_speaker(phrase):
            return None
        return phrase, m.end(), "reported: directive", None
    tail = _THAT_TAIL.match(text, m.end(), hi)
    if tail is None and m.group().lower() in rules.object_cues:
        tail = _OBJECT_THAT.match(text, m.end(), hi)
    if tail is None:
        return None
    if _RELATIVE_START.match(text, tail.end(), hi):
        return None  # "said in a statement that was released": a relative clause
    if kind == "passive":
        if not re.search(r"that\s*$", tail.group(), re.IGNORECASE):
            return None
        return _statement_speaker(doc, span, m.start()), tail.end(), "reported: passive", None
    phrase = phrase_before(text, lo, m.start())
    if not _valid_speaker(phrase):
        return None
    return phrase, tail.end(), "reported: cue that", None


def _statement_that(
    doc: _Doc, doc_id: str, sent: tuple[int, int], quoted: Sequence[tuple[int, int]]
) -> list[Quote]:
    """``a joint statement by X that CLAUSE``."""
    text = doc.text
    out: list[Quote] = []
    for m in _rules().statement.finditer(text, *sent):
        if _inside(m.start(), quoted):
            continue
        phrase = phrase_after(text, m.end(), sent[1])
        if phrase is None or not re.match(r"\s+that\b", text[phrase.end : sent[1]]):
            continue
        cs = phrase.end + re.match(r"\s+that\b", text[phrase.end :]).end()  # type: ignore[union-attr]
        ce = _clause_end(text, cs, sent[1])
        while cs < ce and text[cs].isspace():
            cs += 1
        noun = re.match(r"[\w-]+", text[m.start() :])
        cue = (m.start(), m.start() + noun.end()) if noun else m.span()
        speaker = resolve_speaker(doc, phrase, m.start())
        attr = _Attr(speaker, cue, "reported: statement that", ce)
        out.append(_make_quote(doc_id, text, cs, ce, "reported", attr))
    return out


def _reported(doc: _Doc, doc_id: str, direct: Sequence[Quote]) -> list[Quote]:
    out: list[Quote] = []
    marked = [q for q in direct if q.rule.split(";")[0] != "block quote"]
    direct_starts = sorted(q.start - 1 for q in marked)
    for span in doc.spans:
        quoted = [(p.open, p.close + 1) for p in doc.pairs[span[0]] if p.depth == 0]
        for sent in doc.sents[span[0]]:
            found = _reported_in_sentence(doc, doc_id, span, sent, quoted, direct_starts)
            found += _statement_that(doc, doc_id, sent, quoted)
            out += found
    return out
