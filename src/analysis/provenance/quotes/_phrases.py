"""Tokens and noun phrases: the words next to a cue that can name a speaker."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple

from analysis.provenance.quotes._lexicon import Tok, _raw_tokens, _Rules, _rules
from analysis.provenance.quotes._model import MAX_SPEAKER_TOKENS

__all__ = [
    "Phrase",
    "phrase_after",
    "phrase_before",
    "split_phrase",
    "tokens",
]

_UNIT = r"[CMRG]*[CRG]A?"
_NP1 = rf"D?{_UNIT}(?:,(?=M*R){_UNIT})*(?:PD?{_UNIT})*"
_NP = rf"(?:{_NP1}(?:&{_NP1})?|H)"
_NP_AT_END = re.compile(rf"(?:{_NP})$")
_NP_AT_START = re.compile(_NP)


def _role_length(words: Sequence[str], i: int, rules: _Rules) -> int:
    """Number of tokens of the longest role starting at ``words[i]`` (0 if none)."""
    if i >= len(words):
        return 0
    candidates = rules.roles.get(words[i], ())
    if words[i].endswith("s"):
        candidates += rules.roles.get(words[i][:-1], ())
    for role in candidates:
        n = len(role)
        cand = words[i : i + n]
        if len(cand) == n and (
            tuple(cand) == role or (tuple(cand[:-1]) == role[:-1] and cand[-1] == role[-1] + "s")
        ):
            return n
    return 0


class _Word(NamedTuple):
    """What :func:`tokens` decides from a token's own text (memoised per distinct text)."""

    lower: str
    may_start_role: bool  # its lower case (or that without a plural "s") starts a role
    cls: str  # its class unless it is a role modifier that needs a role after it
    modifier_if_role_follows: bool  # "M" when a role follows, else ``cls``


_MEMO_SIZE = 200_000


#: The rules the memo of :func:`_word` was made with, and the memo (one at a time: new rules,
#: a new memo).
_MEMO: list[tuple[_Rules, dict[str, _Word]]] = []


def _words_of(rules: _Rules) -> dict[str, _Word]:
    """The per-text memo of :func:`_word` for ``rules``."""
    if not _MEMO or _MEMO[0][0] is not rules:
        _MEMO[:] = [(rules, {})]
    return _MEMO[0][1]


def _word(text: str, rules: _Rules) -> _Word:
    memo = _words_of(rules)
    hit = memo.get(text)
    if hit is not None:
        return hit
    if len(memo) >= _MEMO_SIZE:  # bounded: a worker reading millions of documents
        memo.clear()
    w = text.lower()
    c = rules.classes
    starts = w in rules.roles or (w.endswith("s") and w[:-1] in rules.roles)
    modifier_if_role_follows = False
    if w in c["D"]:
        cls = "D"
    elif w in c["H"]:
        cls = "H"
    elif w in c["P"]:
        cls = "P"
    elif w == "and":
        cls = "&"
    elif w == ",":
        cls = ","
    elif w in c["G"] and text.islower():
        cls = "G"
    elif w in c["M"] and text.islower():
        cls = "M"
    else:
        # "former ambassador", "Former Ambassador" (but "Kazakh Foreign Ministry")
        modifier_if_role_follows = w in c["M"]
        cls = "C" if text[:1].isupper() and text not in c["not_names"] else "L"
    hit = memo[text] = _Word(w, starts, cls, modifier_if_role_follows)
    return hit


def tokens(text: str, lo: int, hi: int) -> list[Tok]:
    """Classified tokens of ``text[lo:hi]`` (offsets into ``text``).

    >>> [t.cls + ":" + t.text for t in tokens("the political analyst Daniyar Ashimbayev", 0, 41)]
    ['D:the', 'R:political analyst', 'C:Daniyar', 'C:Ashimbayev']
    """
    rules = _rules()
    raw = _raw_tokens(text, lo, hi)
    memo = _words_of(rules)
    info = [memo.get(t.text) or _word(t.text, rules) for t in raw]
    words = [x.lower for x in info]
    out: list[Tok] = []
    i = 0
    while i < len(raw):
        t, x = raw[i], info[i]
        n = _role_length(words, i, rules) if x.may_start_role else 0
        if n:
            out.append(Tok(text[t.start : raw[i + n - 1].end], t.start, raw[i + n - 1].end, "R"))
            i += n
            continue
        is_abbrev = (
            x.lower == "("
            and i + 2 < len(raw)
            and words[i + 2] == ")"
            and raw[i + 1].text.isupper()
        )
        if is_abbrev:
            out.append(Tok(text[t.start : raw[i + 2].end], t.start, raw[i + 2].end, "A"))
            i += 3
            continue
        cls = x.cls
        follows = x.modifier_if_role_follows and i + 1 < len(raw) and info[i + 1].may_start_role
        if follows and _role_length(words, i + 1, rules):
            cls = "M"
        out.append(Tok(t.text, t.start, t.end, cls))
        i += 1
    return out


def _classes(toks: Sequence[Tok]) -> str:
    return "".join(t.cls for t in toks)


@dataclass(frozen=True)
class Phrase:
    """A speaker noun phrase split into its parts (token lists; empty when absent)."""

    toks: tuple[Tok, ...]
    name: tuple[Tok, ...] = ()  # the name part: "Azamat Osmonov"
    role: tuple[Tok, ...] = ()  # the role part: "political scientist"
    kind: Literal["pronoun", "named", "description", "other"] = "other"

    @property
    def start(self) -> int:
        return self.toks[0].start

    @property
    def end(self) -> int:
        return self.toks[-1].end


def split_phrase(toks: Sequence[Tok]) -> Phrase:
    """Split a speaker noun phrase into role and name.

    >>> def parts(s):
    ...     p = split_phrase(tokens(s, 0, len(s)))
    ...     return p.kind, " ".join(t.text for t in p.role), " ".join(t.text for t in p.name)
    >>> parts("US Ambassador to Kazakhstan William Moser")
    ('named', 'US Ambassador to Kazakhstan', 'William Moser')
    >>> parts("the Deputy Foreign Minister of Kazakhstan")
    ('description', 'Deputy Foreign Minister of Kazakhstan', '')
    >>> parts("the State Department")
    ('other', '', '')
    """
    toks = tuple(toks)
    if len(toks) == 1 and toks[0].cls == "H":
        return Phrase(toks, kind="pronoun")
    body = toks[1:] if toks[0].cls == "D" else toks
    j = len(body)
    while j > 0 and body[j - 1].cls in "CA":
        j -= 1
    run, head = body[j:], body[:j]
    if "R" not in _classes(body):
        return Phrase(toks, kind="other")  # a name, an organisation, a place
    if not run:
        return Phrase(toks, role=body, kind="description")
    if "R" not in _classes(head):
        return Phrase(toks, kind="other")  # "the OSCE's Office for ... (ODIHR)"
    if head[-1].cls in "RM":
        return Phrase(toks, name=run, role=tuple(t for t in head if t.cls != ","), kind="named")
    if head[-1].cls == "P" and sum(t.cls == "C" for t in run) >= 3:
        cut = len(body) - 2  # "Ambassador to Kazakhstan William Moser"
        return Phrase(toks, name=body[cut:], role=body[:cut], kind="named")
    return Phrase(toks, role=body, kind="description")


def _np_at_end(toks: Sequence[Tok]) -> list[Tok] | None:
    toks = list(toks[-MAX_SPEAKER_TOKENS:])
    m = _NP_AT_END.search(_classes(toks))
    return toks[m.start() :] if m else None


def _np_at_start(toks: Sequence[Tok]) -> list[Tok] | None:
    m = _NP_AT_START.match(_classes(toks))
    return list(toks[: m.end()]) if m else None


_PREP_INSERT = re.compile(
    r"\s+(?:in|on|at|during|via|through|after|before|while|from)\s+(?:his|her|its|their|an?|the)\b"
    r"[^,.;:!?\"“”«»()]{0,60}$",
    re.IGNORECASE,
)
_COMMA_INSERT = re.compile(
    r",[^,.;:!?\"“”«»]{1,80},\s*$|,\s*(?:who|which)\b[^,.;:!?\"“”«»]{0,60}$", re.IGNORECASE
)


#: Words after which a noun phrase is an object, not the subject of a cue.
_PREPOSITIONS = frozenset(
    {"in", "on", "at", "to", "of", "for", "from", "with", "by", "during", "through", "via"}
    | {"about", "into", "over", "under", "after"}
)


def _drop_skip_words(toks: list[Tok]) -> list[Tok]:
    skip = _rules().skip
    while toks and (
        toks[-1].text.lower() in skip or (toks[-1].cls == "L" and toks[-1].text.endswith("ly"))
    ):
        toks = toks[:-1]
    return toks


def phrase_before(text: str, lo: int, hi: int) -> Phrase | None:
    """The speaker noun phrase that ends ``text[lo:hi]`` (right before a cue).

    Adverbs (``has also``), a prepositional insert (``in his speech to the parliament``) and a
    comma insert (``, through its envoy,`` or ``, who in his interview``) may stand between the
    phrase and the cue.

    >>> s = "This is confirmed by political scientist Azamat Osmonov, who in his interview "
    >>> p = phrase_before(s, 0, len(s))
    >>> s[p.start : p.end], " ".join(t.text for t in p.role)
    ('political scientist Azamat Osmonov', 'political scientist')
    """
    lo = max(lo, hi - 400)
    cut = hi
    after_comma = False
    for _ in range(4):
        toks = _drop_skip_words(tokens(text, lo, cut))
        found = _np_at_end(toks)
        if found:
            k = len(toks) - len(found)
            object_of = k > 0 and toks[k - 1].text.lower() in _PREPOSITIONS
            if after_comma or not object_of:  # "speech to the parliament" is no subject
                return split_phrase(found)
        chunk = text[lo:cut]
        m = _PREP_INSERT.search(chunk)
        if m is None:
            m = _COMMA_INSERT.search(chunk)
            after_comma = m is not None
        if not m:
            return None
        cut = lo + m.start()
    return None


def phrase_after(text: str, lo: int, hi: int) -> Phrase | None:
    """The speaker noun phrase that starts ``text[lo:hi]`` (leading whitespace skipped).

    >>> s = " deputy, former ambassador to Brussels Aigul Kuspan, who heads"
    >>> p = phrase_after(s, 0, len(s))
    >>> " ".join(t.text for t in p.name), " ".join(t.text for t in p.role)
    ('Aigul Kuspan', 'deputy , former ambassador to Brussels')
    """
    found = _np_at_start(tokens(text, lo, min(hi, lo + 300)))
    return split_phrase(found) if found else None
