"""Direct quotes: quote marks (or a block) attributed to a speaker by the first rule that fits."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Literal

from analysis.provenance.quotes._lexicon import Tok, _rules
from analysis.provenance.quotes._model import Kind, Quote, Speaker
from analysis.provenance.quotes._phrases import Phrase, phrase_after, phrase_before, tokens
from analysis.provenance.quotes._speakers import _Doc, _valid_speaker, resolve_speaker
from analysis.text.quotemarks import Pair, family_of


def _content(text: str, pair: Pair) -> tuple[int, int]:
    """Offsets of a quote's words: inside the marks, without surrounding spaces or a final comma."""
    s, e = pair.open + 1, pair.close
    while s < e and text[s].isspace():
        s += 1
    while e > s and (text[e - 1].isspace() or text[e - 1] == ","):
        e -= 1
    return s, e


def _word_count(s: str) -> int:
    return len(re.findall(r"\w+", s))


@dataclass(frozen=True)
class _Attr:
    speaker: Speaker | None
    cue: tuple[int, int] | None
    rule: str
    end: int  # where the attribution phrase ends (for continuations)


_POST_PREFIX = re.compile(r"[\s,.;!?…]*(?:[-—–]+\s*)?")
_ADJACENT_TAIL = re.compile(
    r"(?:\s+(?:to|with)\s+(?:[^,.;:!?\"“”«»]|\.(?=\w)){1,60}?)?\s*(?:\([^)]{0,40}\))?\s*(?::|,|\bthat\b)?\s*$",
    re.IGNORECASE,
)
_OBJECT_TAIL = re.compile(r"\s+[^,.;:!?\"“”«»]{1,40}?\s*(?::|,|\bthat\b)\s*$", re.IGNORECASE)
_INSERT_AFTER_CUE = re.compile(r"\s*(?:,[^,.;:!?\"“”«»]{1,60},\s*|,\s*)?")


def _attr(doc: _Doc, phrase: Phrase, cue: tuple[int, int], at: int, rule: str, end: int) -> _Attr:
    speaker = resolve_speaker(doc, phrase, at)
    return _Attr(speaker, cue, rule, end)


def _after_quote(doc: _Doc, span: tuple[int, int], pair: Pair, limit: int) -> _Attr | None:
    """``“...,” X said`` / ``“...,” said X`` / ``"..." — such a phrase is attributed to X``."""
    if not pair.closed:
        return None
    text, rules = doc.text, _rules()
    lo = pair.close + 1
    lo += _POST_PREFIX.match(text, lo, limit).end() - lo  # type: ignore[union-attr]
    cue = rules.cue.match(text, lo, limit)
    if cue and _active_cue(text, cue):
        ins = _INSERT_AFTER_CUE.match(text, cue.end(), limit)
        phrase = phrase_after(text, ins.end() if ins else cue.end(), limit)
        if phrase and (_valid_speaker(phrase) or phrase.kind == "pronoun"):
            return _attr(doc, phrase, cue.span(), pair.open, "cue after quote", phrase.end)
        return None
    phrase = phrase_after(text, lo, limit)
    if phrase:
        toks = _drop_skip_words_forward(tokens(text, phrase.end, limit))
        at = toks[0].start if toks else limit
        cue = rules.cue.match(text, at, limit)
        if cue and _active_cue(text, cue):
            return _attr(doc, phrase, cue.span(), pair.open, "cue after quote", cue.end())
    post = re.compile(r"(?:such\s+an?|this|these|that|the)\s+\w+\s+", re.IGNORECASE).match(
        text, lo, limit
    )
    src = rules.post_source.match(text, post.end() if post else lo, limit)
    if src:
        phrase = phrase_after(text, src.end(), limit)
        if phrase:
            return _attr(doc, phrase, src.span(), pair.open, "cue after quote", phrase.end)
    return None


def _drop_skip_words_forward(toks: list[Tok]) -> list[Tok]:
    skip = _rules().skip
    i = 0
    while i < len(toks) and (toks[i].text.lower() in skip or toks[i].text.endswith("ly")):
        i += 1
    return toks[i:]


def _cue_speaker(doc: _Doc, lo: int, m: re.Match[str], kind: str) -> Phrase | None:
    """The speaker of cue match ``m`` (sentence starting at ``lo``), by the kind of cue."""
    text = doc.text
    if kind == "verb":
        return phrase_before(text, lo, m.start())
    phrase = phrase_after(text, m.end(), len(text))
    if phrase is None:
        return None
    nxt = text[phrase.end : phrase.end + 2].lstrip()
    ok_end = kind == "quote_source" or not nxt or nxt[0] in ",.;:)(—–-"
    return phrase if ok_end else None


_PASSIVE_BEFORE = re.compile(r"\b(?:was|were|is|are|be|been|being)\s+(?:\w+ly\s+|also\s+)?$")


def _active_cue(text: str, m: re.Match[str]) -> bool:
    """A speech verb as written in running text: lower case ("Iran Admits": a headline), active
    ("Gregory was declared" is no speech)."""
    return m.group().islower() and not _PASSIVE_BEFORE.search(
        text, max(0, m.start() - 30), m.start()
    )


def _cue_matches(doc: _Doc, lo: int, hi: int) -> list[tuple[re.Match[str], str]]:
    """Every cue in ``text[lo:hi]``: (match, kind) with kind verb, source, quote_source, passive."""
    rules = _rules()
    found: list[tuple[re.Match[str], str]] = []
    for pattern, kind in (
        (rules.cue, "verb"),
        (rules.source, "source"),
        (rules.quote_source, "quote_source"),
        (rules.passive, "passive"),
    ):
        found += [
            (m, kind)
            for m in pattern.finditer(doc.text, lo, hi)
            if kind != "verb" or _active_cue(doc.text, m)
        ]
    # a passive cue contains a verb cue ("it was noted"): keep the longer one
    passive = [m.span() for m, k in found if k == "passive"]
    found = [
        (m, k)
        for m, k in found
        if k == "passive" or not any(a <= m.start() and m.end() <= b for a, b in passive)
    ]
    return sorted(found, key=lambda mk: mk[0].start())


def _statement_speaker(doc: _Doc, span: tuple[int, int], before: int) -> Phrase | None:
    """For ``it was noted that``: the author of the last statement mentioned earlier in the span."""
    last = None
    for m in _rules().statement.finditer(doc.text, span[0], before):
        phrase = phrase_after(doc.text, m.end(), before)
        if phrase:
            last = phrase
    return last


def _speaker_for_cue(
    doc: _Doc, span: tuple[int, int], sent_lo: int, m: re.Match[str], kind: str
) -> Phrase | Literal[False] | None:
    """The cue's speaker phrase; ``None`` for an unattributed passive; ``False`` if no speaker."""
    if kind == "passive":
        return _statement_speaker(doc, span, m.start())
    phrase = _cue_speaker(doc, sent_lo, m, kind)
    return phrase if _valid_speaker(phrase) else False


def _before_quote(doc: _Doc, span: tuple[int, int], lo: int, pair_open: int) -> _Attr | None:
    """``X stated: “...”``, ``X stated that “...”``, or any cue in a sentence ending in a colon."""
    text = doc.text
    colon = text[lo:pair_open].rstrip().endswith(":")
    for m, kind in reversed(_cue_matches(doc, lo, pair_open)):
        tail = text[m.end() : pair_open]
        if kind == "verb" and m.group().islower() and (inverted := _inverted(doc, m, pair_open)):
            speaker = resolve_speaker(doc, inverted, pair_open)
            return _Attr(speaker, m.span(), "cue before quote", pair_open)
        if kind in ("verb", "passive"):
            adjacent = bool(_ADJACENT_TAIL.fullmatch(tail))
            if m.group().lower() in _rules().object_cues:  # told "Fox & Friends" is no quote
                adjacent = bool(_OBJECT_TAIL.fullmatch(tail)) or (adjacent and bool(tail.strip()))
        else:
            adjacent = True  # checked on the phrase below
        if not (adjacent or colon):
            continue
        phrase = _speaker_for_cue(doc, span, lo, m, kind)
        if phrase is False:
            continue
        if kind in ("source", "quote_source") and phrase is not None:
            adjacent = bool(re.fullmatch(r"\s*[,:]?\s*", text[phrase.end : pair_open]))
            if not (adjacent or colon):
                continue
        rule = "cue before quote" if adjacent else "colon introduction"
        found = resolve_speaker(doc, phrase, pair_open) if phrase else None
        return _Attr(found, m.span(), rule, pair_open)
    return None


def _inverted(doc: _Doc, m: re.Match[str], pair_open: int) -> Phrase | None:
    """``..., says Faggioli, “...”``: the speaker between the cue and the quote."""
    if m.group().lower() in _rules().object_cues:
        return None  # "told the Daily Star: “...”" names the addressee
    phrase = phrase_after(doc.text, m.end(), pair_open)
    if (
        phrase
        and _valid_speaker(phrase)
        and re.fullmatch(r"\s*[,:]\s*", doc.text[phrase.end : pair_open])
    ):
        return phrase
    return None


def _same_sentence(doc: _Doc, span: tuple[int, int], lo: int, pair_open: int) -> _Attr | None:
    """A cue earlier in the sentence introduces (``that``/``:``) the clause the quote ends."""
    text = doc.text
    for m, kind in reversed(_cue_matches(doc, lo, pair_open)):
        between = text[m.end() : pair_open]
        if kind == "verb" and not re.search(r"\bthat\b|:", between):
            continue
        if kind == "passive" and not re.search(r"\bthat\b", between):
            continue
        phrase = _speaker_for_cue(doc, span, lo, m, kind)
        if phrase is False:
            continue
        speaker = resolve_speaker(doc, phrase, pair_open) if phrase else None
        return _Attr(speaker, m.span(), "same sentence", pair_open)
    return None


def _speech_length_ok(text: str, pair: Pair, left: str) -> bool:
    lex = _rules().lex
    s, e = _content(text, pair)
    n = _word_count(text[s:e])
    starts_sentence = not left.strip() or left.rstrip().endswith((":", ".", "!", "?"))
    limit = lex.min_words_sentence_quote if starts_sentence else lex.min_words_embedded_quote
    return n >= limit


def _make_quote(doc_id: str, text: str, s: int, e: int, kind: Kind, a: _Attr | None) -> Quote:
    sp = a.speaker if a else None
    cue = a.cue if a else None
    how = f"; {sp.how}" if sp and sp.how else ""
    return Quote(
        doc_id=doc_id,
        quote=text[s:e],
        speaker=sp.text if sp else None,
        speaker_role=sp.role if sp else None,
        cue=" ".join(text[cue[0] : cue[1]].lower().split()) if cue else None,
        kind=kind,
        start=s,
        end=e,
        speaker_start=sp.start if sp else None,
        speaker_end=sp.end if sp else None,
        role_start=sp.role_start if sp else None,
        role_end=sp.role_end if sp else None,
        cue_start=cue[0] if cue else None,
        cue_end=cue[1] if cue else None,
        rule=(a.rule if a else "unattributed") + how,
    )


def _intro(doc: _Doc, index: int) -> tuple[int, int] | None:
    """The colon-ended last sentence of the body span before span ``index``, if consecutive."""
    if index == 0:
        return None
    prev, cur = doc.spans[index - 1], doc.spans[index]
    if not doc.consecutive(prev, cur) or not doc.text[prev[0] : prev[1]].rstrip().endswith(":"):
        return None
    return doc.sentence_at(prev, prev[1] - 1)


def _direct_in_span(doc: _Doc, doc_id: str, index: int) -> list[Quote]:
    text = doc.text
    span = doc.spans[index]
    out: list[Quote] = []
    previous: _Attr | None = None
    for pair in (p for p in doc.pairs[span[0]] if p.depth == 0):
        sent = doc.sentence_at(span, pair.open)
        left = text[sent[0] : pair.open]
        intro = _intro(doc, index) if not text[span[0] : pair.open].strip() else None
        attr = _after_quote(doc, span, pair, span[1])
        if attr is None and intro is not None:
            attr = _before_quote(doc, doc.spans[index - 1], intro[0], intro[1])
        if attr is None:
            attr = _before_quote(doc, span, sent[0], pair.open)
        speech = attr is not None or _speech_length_ok(text, pair, left)
        opens_paragraph = not text[span[0] : pair.open].strip()
        if not pair.closed and not (attr or opens_paragraph):
            continue
        if not speech:
            continue
        if attr is None:
            gap = text[previous.end : pair.open] if previous else "x"
            if previous and re.fullmatch(r"[\s.,;:!?…—–-]*", gap):
                attr = replace(previous, rule="continuation")
            else:
                attr = _same_sentence(doc, span, sent[0], pair.open)
        s, e = _content(text, pair)
        if e <= s:
            continue
        out.append(_make_quote(doc_id, text, s, e, "direct", attr))
        previous = replace(attr, end=max(attr.end, pair.close + 1)) if attr else None
    return out


def _block_quotes(doc: _Doc, doc_id: str) -> list[Quote]:
    """Colon-introduced paragraphs without quote marks (``Kassym-Jomart Tokayev stated:``)."""
    text, rules = doc.text, _rules()
    out: list[Quote] = []
    for index in range(1, len(doc.spans)):
        intro = _intro(doc, index)
        span = doc.spans[index]
        first = text[span[0] : span[1]].lstrip()[:1]
        if intro is None or not first or first in family_of():
            continue
        prev = doc.spans[index - 1]
        attr = _before_quote(doc, prev, intro[0], intro[1])
        if attr is None or attr.cue is None:
            continue
        cue_word = text[attr.cue[0] : attr.cue[1]].lower()
        last = index
        standalone = not text[prev[0] : intro[0]].strip()
        if cue_word in rules.written_cues and standalone:
            while last + 1 < len(doc.spans) and doc.consecutive(
                doc.spans[last], doc.spans[last + 1]
            ):
                last += 1
        s, e = _strip(text, span[0], doc.spans[last][1])
        out.append(_make_quote(doc_id, text, s, e, "direct", replace(attr, rule="block quote")))
    return out


def _strip(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e
