"""Quotations and reported speech: who is quoted, in which role, with which cue.

Each row of the ``quotes`` table (:func:`quotes_table`, one document: :func:`extract_quotes`) is a
stretch of a document's body that the document presents as somebody's words. ``start``/``end`` are
character offsets into the decoded text, ``text[start:end] == quote``; the speaker, the role and the
cue carry their own offsets (``speaker_start`` ..., null when absent), and ``rule`` names the rule
that found the quote and, after a ``;``, how the speaker was resolved. Only body spans are read
(see :mod:`analysis.provenance.boilerplate`). The lexicon is ``data/attribution.yaml``
(:func:`load_attribution`).

Quote marks
    Paired by :func:`analysis.text.quotemarks.pair_quotes` (machine-translation damage included).
    A quote never crosses a body span; an opening mark left open runs to the end of its span only
    when the quote is introduced (colon or cue) or opens the paragraph.

Direct quotes (``kind="direct"``), attributed by the first rule that applies:
    1. ``cue after quote``: ``“...,” Azamat Osmonov said``, ``"...," said deputy ... Aigul Kuspan``,
       ``“...” - writes, ..., the head of ...``, ``"..." — such a phrase is attributed to X``;
    2. ``cue before quote``: ``Tokayev ... stated: "..."``, ``X stated that “...”``,
       ``according to X: “...”``;
    3. ``colon introduction``: the sentence before a colon names the speaker anywhere
       (``The ambassador even let slip that ...: “...”``, ``from the mouth of X looked like
       this: “...”``);
    4. ``same sentence``: a speech cue earlier in the sentence introduces a clause that ends in the
       quote (``it was noted ... that ..., “although ...”``);
    5. ``continuation``: a quote right after an attributed quote and its attribution
       (``"...," the Deputy Foreign Minister said. "It is not easy ..."``);
    6. ``block quote``: a body span ending ``X stated:`` introduces the next span as a quote without
       marks; after a written cue (``Here is what the political analyst wrote (edited):``) on a line
       of its own the block runs over all following consecutive body spans (a reproduced post).
       Quotes inside a block are reported too, so rows may nest.

    A quote that no rule attributes is kept (speaker null, ``rule="unattributed"``) only when it
    looks like speech rather than a scare quote: at least ``min_words_sentence_quote`` words when it
    starts a sentence or follows a colon, at least ``min_words_embedded_quote`` words inside the
    author's sentence. Short unattributed quotes («liberal», “democracy”) are never rows.

Reported speech (``kind="reported"``), outside quote marks, to the end of the sentence:
    ``X explained to Y that CLAUSE``, ``X said it ...``, ``according to X, CLAUSE`` (or
    ``CLAUSE, according to X.``), ``it was noted that CLAUSE`` (speaker: the author of the statement
    the span mentioned before), ``the statement of X that CLAUSE``, ``X called on CLAUSE``. A clause
    stops where a reported direct quote starts (that quote is its own row). First-person and
    impersonal subjects (``we note that``, ``it seems``) are the author, never a speaker.

Speakers and roles
    The speaker is the noun phrase next to the cue: a name (``Azamat Osmonov``), a role and a name
    (``political scientist Azamat Osmonov``: speaker and ``speaker_role`` split), a description
    (``the Deputy Foreign Minister of Kazakhstan``), an organisation or place (``the State
    Department``, ``Astana``). ``he``/``him``/``she``/``her`` resolve to the nearest person named
    before (``; pronoun resolved``); a definite description with one role noun (``the
    ambassador``, ``the head of the Kazakh Foreign Ministry``) resolves to the nearest person named
    before whose role is in the same role group and agrees with the description's capitalised
    words (``; description resolved``). A named speaker's role is the role given with the nearest
    mention of the name (or surname) before the quote that has one (``US Ambassador to Kazakhstan
    William Moser``, ``Stepan Stepanenko, a researcher at ...,``), else the first after it.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any, Literal, NamedTuple

import polars as pl

from analysis.core.data import load_yaml
from analysis.text.quotemarks import Pair, family_of, pair_quotes
from analysis.text.sentences import sentences
from analysis.text.spans import clean_spans, line_spans

Kind = Literal["direct", "reported"]

#: Columns of the ``quotes`` table, in order. Offsets are characters of the decoded text.
QUOTES_SCHEMA: dict[str, pl.DataType] = {
    "doc_id": pl.String(),
    "quote": pl.String(),  # text[start:end], without the quote marks
    "speaker": pl.String(),  # as named in the text; null when unattributed
    "speaker_role": pl.String(),  # role where the text states one
    "cue": pl.String(),  # attribution verb or phrase, lower-cased ("said", "according to")
    "kind": pl.String(),  # direct | reported
    "start": pl.Int64(),
    "end": pl.Int64(),
    "speaker_start": pl.Int64(),  # the mention the speaker value comes from
    "speaker_end": pl.Int64(),
    "role_start": pl.Int64(),  # the mention the role value comes from
    "role_end": pl.Int64(),
    "cue_start": pl.Int64(),
    "cue_end": pl.Int64(),
    "rule": pl.String(),  # which rule found it; after ";" how the speaker was resolved
}

#: Tokens considered before a cue when looking for its speaker.
MAX_SPEAKER_TOKENS = 40


# --------------------------------------------------------------------------------------------
# The lexicon


@dataclass(frozen=True)
class Attribution:
    """The contents of ``data/attribution.yaml``."""

    version: int
    min_words_sentence_quote: int
    min_words_embedded_quote: int
    lists: Mapping[str, tuple[str, ...]]
    role_groups: Mapping[str, frozenset[str]]

    def words(self, key: str) -> frozenset[str]:
        """A list of the file as a set of lower-cased entries."""
        return frozenset(w.lower() for w in self.lists[key])


@cache
def load_attribution() -> Attribution:
    """The attribution lexicon of ``data/attribution.yaml`` (cached).

    >>> lex = load_attribution()
    >>> lex.version >= 1, "according to" in lex.lists["source_phrases"]
    (True, True)
    """
    data: dict[str, Any] = load_yaml("attribution.yaml")
    lists = {k: tuple(str(w) for w in v) for k, v in data.items() if isinstance(v, list)}
    groups = {
        str(role).lower(): frozenset(g for g, roles in data["role_groups"].items() if role in roles)
        for roles in data["role_groups"].values()
        for role in roles
    }
    return Attribution(
        version=int(data["version"]),
        min_words_sentence_quote=int(data["min_words_sentence_quote"]),
        min_words_embedded_quote=int(data["min_words_embedded_quote"]),
        lists=lists,
        role_groups=groups,
    )


def _alternation(phrases: Iterable[str]) -> str:
    """Regex alternation of phrases, longest first, spaces matching any whitespace."""
    ordered = sorted({p.lower() for p in phrases}, key=lambda p: (-len(p), p))
    return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in ordered)


def _phrase_re(phrases: Iterable[str]) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-])(?:{_alternation(phrases)})(?![\w-])", re.IGNORECASE)


@dataclass(frozen=True)
class _Rules:
    """Compiled form of the lexicon."""

    lex: Attribution
    cue: re.Pattern[str]
    passive: re.Pattern[str]
    directive: re.Pattern[str]
    source: re.Pattern[str]
    quote_source: re.Pattern[str]
    post_source: re.Pattern[str]
    statement: re.Pattern[str]
    object_cues: frozenset[str]
    written_cues: frozenset[str]
    roles: Mapping[str, tuple[tuple[str, ...], ...]]  # first word -> role word tuples
    skip: frozenset[str]
    classes: Mapping[str, frozenset[str]] = field(default_factory=dict)


@cache
def _rules() -> _Rules:
    lex = load_attribution()
    roles: dict[str, list[tuple[str, ...]]] = {}
    for role in lex.lists["roles"]:
        words = tuple(w.text.lower() for w in _raw_tokens(role, 0, len(role)))
        roles.setdefault(words[0], []).append(words)
    passive = (
        r"(?<![\w-])it\s+(?:is|was|has\s+been|had\s+been|will\s+be)\s+(?:\w+ly\s+)?(?:"
        + _alternation(lex.lists["passive_cues"])
        + r")(?![\w-])"
    )
    statement = (
        r"(?<![\w-])(?:" + _alternation(lex.lists["statement_nouns"]) + r")\s+(?:of|by|from)\s+"
    )
    return _Rules(
        lex=lex,
        cue=_phrase_re(lex.lists["cues"]),
        passive=re.compile(passive, re.IGNORECASE),
        directive=_phrase_re(lex.lists["directive_cues"]),
        source=_phrase_re(lex.lists["source_phrases"]),
        quote_source=_phrase_re(lex.lists["quote_source_phrases"]),
        post_source=_phrase_re(lex.lists["post_source_phrases"]),
        statement=re.compile(statement, re.IGNORECASE),
        object_cues=lex.words("object_cues"),
        written_cues=lex.words("written_cues"),
        roles={k: tuple(sorted(v, key=len, reverse=True)) for k, v in roles.items()},
        skip=lex.words("skip_words"),
        classes={
            "D": lex.words("determiners"),
            "P": lex.words("connectives"),
            "H": lex.words("person_pronouns"),
            "M": lex.words("role_modifiers"),
            "G": lex.words("organisation_nouns"),
            "not_names": frozenset(lex.lists["not_names"]),
            "org": frozenset(lex.lists["organisation_words"]),
            "place": frozenset(lex.lists["place_words"]),
            "non_speakers": lex.words("non_speaker_pronouns"),
        },
    )


# --------------------------------------------------------------------------------------------
# Tokens and noun phrases
#
# A token is a word (hyphens and apostrophes inside), a dotted abbreviation, or one other
# character. Each gets a class letter, and noun phrases are a regular expression over the string
# of class letters: D determiner, R role (multi-word roles are one token), M role modifier,
# C capitalised word, G organisation noun ("ministry", "report"), A parenthesised abbreviation
# "(KNB)", P connective (of, to, at, for, from), & "and", H person pronoun, "," comma, L the rest.

_TOKEN = re.compile(
    r"(?:[A-Z]\.){2,}|(?:Mr|Mrs|Ms|Dr|Prof|Gen|Sen|Rep|Gov|St)\.|[^\W_](?:\w|[-'’](?=[^\W_]))*|\S"
)
_UNIT = r"[CMRG]*[CRG]A?"
_NP1 = rf"D?{_UNIT}(?:,(?=M*R){_UNIT})*(?:PD?{_UNIT})*"
_NP = rf"(?:{_NP1}(?:&{_NP1})?|H)"
_NP_AT_END = re.compile(rf"(?:{_NP})$")
_NP_AT_START = re.compile(_NP)


class Tok(NamedTuple):
    """A token of the text with its class letter."""

    text: str
    start: int
    end: int
    cls: str = "L"


def _raw_tokens(text: str, lo: int, hi: int) -> list[Tok]:
    return [Tok(m.group(), lo + m.start(), lo + m.end()) for m in _TOKEN.finditer(text[lo:hi])]


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


def tokens(text: str, lo: int, hi: int) -> list[Tok]:
    """Classified tokens of ``text[lo:hi]`` (offsets into ``text``).

    >>> [t.cls + ":" + t.text for t in tokens("the political analyst Daniyar Ashimbayev", 0, 41)]
    ['D:the', 'R:political analyst', 'C:Daniyar', 'C:Ashimbayev']
    """
    rules = _rules()
    raw = _raw_tokens(text, lo, hi)
    words = [t.text.lower() for t in raw]
    c = rules.classes
    out: list[Tok] = []
    i = 0
    while i < len(raw):
        t, w = raw[i], words[i]
        n = _role_length(words, i, rules)
        if n:
            out.append(Tok(text[t.start : raw[i + n - 1].end], t.start, raw[i + n - 1].end, "R"))
            i += n
            continue
        is_abbrev = (
            w == "(" and i + 2 < len(raw) and words[i + 2] == ")" and raw[i + 1].text.isupper()
        )
        if is_abbrev:
            out.append(Tok(text[t.start : raw[i + 2].end], t.start, raw[i + 2].end, "A"))
            i += 3
            continue
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
        elif w in c["G"] and t.text.islower():
            cls = "G"
        elif w in c["M"] and (t.text.islower() or _role_length(words, i + 1, rules)):
            cls = "M"  # "former ambassador", "Former Ambassador" (but "Kazakh Foreign Ministry")
        elif t.text[:1].isupper() and t.text not in c["not_names"]:
            cls = "C"
        else:
            cls = "L"
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


# --------------------------------------------------------------------------------------------
# Quote marks (pairs from analysis.text.quotemarks)


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


# --------------------------------------------------------------------------------------------
# The document: spans, person mentions, roles


@dataclass(frozen=True)
class Quote:
    """One row of the ``quotes`` table."""

    doc_id: str
    quote: str
    speaker: str | None
    speaker_role: str | None
    cue: str | None
    kind: Kind
    start: int
    end: int
    speaker_start: int | None = None
    speaker_end: int | None = None
    role_start: int | None = None
    role_end: int | None = None
    cue_start: int | None = None
    cue_end: int | None = None
    rule: str = ""


@dataclass(frozen=True)
class Speaker:
    """A resolved speaker: the name (or phrase) and role, each with the offsets it comes from."""

    text: str
    start: int
    end: int
    role: str | None = None
    role_start: int | None = None
    role_end: int | None = None
    how: str = ""  # "", "pronoun resolved", "description resolved"


@dataclass(frozen=True)
class _Mention:
    """A person named in the body, and the role given with this mention if any."""

    start: int
    end: int
    name: str
    key: str  # lower-cased surname, possessive removed
    role: tuple[int, int] | None


def _surname_key(word: str) -> str:
    return re.sub(r"['’]s?$", "", word).lower()


def _looks_like_person(words: Sequence[str]) -> bool:
    c = _rules().classes
    return (
        2 <= len(words) <= 4
        and not any(w in c["org"] or w in c["place"] for w in words)
        and not any(len(w) > 1 and w.isupper() for w in words)
        and all(w[:1].isupper() for w in words)
    )


@dataclass
class _Doc:
    text: str
    spans: list[tuple[int, int]]
    pairs: dict[int, list[Pair]] = field(default_factory=dict)
    sents: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    _mentions: list[_Mention] | None = None
    # Indexes built once per document, so that no lookup scans the whole document (a long
    # document would otherwise cost time quadratic in its length).
    _sent_starts: dict[int, list[int]] = field(default_factory=dict)
    _mention_ends: list[int] | None = None
    _roles_by_key: dict[str, tuple[list[int], list[tuple[int, int]]]] | None = None
    _known: set[str] | None = None
    _role_cache: dict[tuple[int, int], tuple[frozenset[str], set[str]]] = field(
        default_factory=dict
    )
    _keys_by_group: dict[str, set[str]] | None = None
    _indices_by_key: dict[str, list[int]] | None = None

    def __post_init__(self) -> None:
        for s, e in self.spans:
            self.pairs[s] = pair_quotes(self.text, s, e)
            self.sents[s] = sentences(self.text, s, e, self.pairs[s])
            self._sent_starts[s] = [a for a, _ in self.sents[s]]

    def sentence_at(self, span: tuple[int, int], pos: int) -> tuple[int, int]:
        sents = self.sents[span[0]]
        i = bisect.bisect_right(self._sent_starts[span[0]], pos) - 1
        return sents[max(i, 0)]

    def mentions_ending_by(self, at: int) -> list[_Mention]:
        """``[m for m in self.mentions if m.end <= at]``, by bisection when ends are sorted."""
        mentions = self.mentions
        i = self.count_ending_by(at)
        if i is None:
            return [m for m in mentions if m.end <= at]
        return mentions[:i]

    def count_ending_by(self, at: int) -> int | None:
        """How many mentions, from the first, end at or before ``at``: ``mentions[:i]`` are
        those that do, found by bisection. None when ends are not in order (never seen: mentions
        are disjoint), and then callers scan."""
        mentions = self.mentions
        if self._mention_ends is None:
            ends = [m.end for m in mentions]
            self._mention_ends = ends if all(a <= b for a, b in itertools.pairwise(ends)) else []
        if not self._mention_ends and mentions:
            return None
        return bisect.bisect_right(self._mention_ends, at)

    def mention_before(self, at: int) -> _Mention | None:
        """The last mention ending at or before ``at`` (no list is built)."""
        i = self.count_ending_by(at)
        if i is None:
            before = self.mentions_ending_by(at)
            return before[-1] if before else None
        return self.mentions[i - 1] if i else None

    def keys_with_role_groups(self, groups: frozenset[str]) -> set[str]:
        """Surname keys with at least one mention whose role is in one of ``groups``."""
        if self._keys_by_group is None:
            index: dict[str, set[str]] = {}
            for m in self.mentions:
                if m.role:
                    for group in self.role_words(m.role)[0]:
                        index.setdefault(group, set()).add(m.key)
            self._keys_by_group = index
        out: set[str] = set()
        for group in groups:
            out |= self._keys_by_group.get(group, set())
        return out

    def mention_indices(self, key: str) -> list[int]:
        """Positions in :attr:`mentions` of the mentions of surname ``key``, in order."""
        if self._indices_by_key is None:
            index: dict[str, list[int]] = {}
            for i, m in enumerate(self.mentions):
                index.setdefault(m.key, []).append(i)
            self._indices_by_key = index
        return self._indices_by_key.get(key, [])

    def known_keys(self) -> set[str]:
        """Surname keys of every person mention (computed once)."""
        if self._known is None:
            self._known = {m.key for m in self.mentions}
        return self._known

    def roles_of(self, key: str) -> tuple[list[int], list[tuple[int, int]]]:
        """Starts and roles of the mentions of surname ``key`` that carry a role, in order."""
        if self._roles_by_key is None:
            index: dict[str, tuple[list[int], list[tuple[int, int]]]] = {}
            for m in self.mentions:
                if m.role:
                    starts, roles = index.setdefault(m.key, ([], []))
                    starts.append(m.start)
                    roles.append(m.role)
            self._roles_by_key = index
        return self._roles_by_key.get(key, ([], []))

    def role_words(self, role: tuple[int, int]) -> tuple[frozenset[str], set[str]]:
        """Role groups and name stems of a role's text (computed once per role)."""
        found = self._role_cache.get(role)
        if found is None:
            role_text = self.text[role[0] : role[1]]
            found = (_role_groups(role_text), _stems(tokens(role_text, 0, len(role_text))))
            self._role_cache[role] = found
        return found

    def consecutive(self, a: tuple[int, int], b: tuple[int, int]) -> bool:
        return a[1] <= b[0] and not self.text[a[1] : b[0]].strip()

    @property
    def mentions(self) -> list[_Mention]:
        if self._mentions is None:
            self._mentions = _person_mentions(self)
        return self._mentions


def _runs(toks: Sequence[Tok]) -> Iterator[tuple[int, int]]:
    """Maximal runs of capitalised-word tokens, as index ranges."""
    i = 0
    while i < len(toks):
        if toks[i].cls != "C":
            i += 1
            continue
        j = i
        while j < len(toks) and toks[j].cls == "C":
            j += 1
            if re.search(r"['’]s$", toks[j - 1].text):
                break  # "John Allen’s Crux": the possessive ends the name
        yield i, j
        i = j


_NOT_BEFORE_NAMES = frozenset(
    {"the", "a", "an", "our", "my", "your", "their", "its", "this", "that"}
)


def _person_run(toks: Sequence[Tok], i: int, j: int) -> tuple[int, int] | None:
    """The part of the capitalised run ``toks[i:j]`` that names a person, if any."""
    c = _rules().classes
    if i > 0 and toks[i - 1].cls == "P" and j - i >= 3:
        i = j - 2  # "ambassador to Brussels Aigul Kuspan"
    while i < j and (toks[i].text in c["org"] or toks[i].text in c["place"]):
        i += 1
    if i > 0 and toks[i - 1].text.lower() in _NOT_BEFORE_NAMES:
        return None  # "the Nobel Prize", "our Southern Border"
    words = [re.sub(r"['’]s$", "", t.text) for t in toks[i:j]]
    return (i, j) if _looks_like_person(words) else None


def _role_with(doc: _Doc, toks: Sequence[Tok], i: int, j: int) -> tuple[int, int] | None:
    """Offsets of the role given with the name ``toks[i:j]``: before it, or in apposition."""
    before = _np_at_end(toks[:j])
    if before:
        p = split_phrase(before)
        if p.kind == "named" and p.role and p.name[-1] is toks[j - 1]:
            return _role_offsets(p.role)
    if i >= 2 and toks[i - 1].cls == ",":
        desc = _np_at_end(toks[: i - 1])
        if desc and "R" in _classes(desc) and desc[-1].cls in "RC":
            p = split_phrase(desc)
            if p.kind == "description":
                return _role_offsets(p.role)
    if j < len(toks) and toks[j].cls == ",":
        return _apposition(toks, j + 1)
    return None


def _role_offsets(role: Sequence[Tok]) -> tuple[int, int]:
    return role[0].start, role[-1].end


_APPOSITION_STOPS = frozenset({",", ".", ";", ":", "(", ")", "!", "?", "—", "–"})


def _apposition(toks: Sequence[Tok], k: int) -> tuple[int, int] | None:
    """``, a researcher at the ... Society,``: a role phrase up to the next punctuation."""
    rules = _rules()
    if k < len(toks) and toks[k].cls == "D":
        k += 1
    end = k
    while end < len(toks) and toks[end].text not in _APPOSITION_STOPS | family_of().keys():
        end += 1
    if end == k or end - k > 16 or toks[k].cls not in "RMC" or "R" not in _classes(toks[k : k + 4]):
        return None
    if toks[end - 1].cls in "PD&" or any(rules.cue.fullmatch(t.text) for t in toks[k:end]):
        return None
    return toks[k].start, toks[end - 1].end


def _person_mentions(doc: _Doc) -> list[_Mention]:
    full: list[tuple[int, int, str, str, tuple[int, int] | None]] = []
    singles: list[tuple[int, int, str, tuple[int, int] | None]] = []
    for s, e in doc.spans:
        toks = tokens(doc.text, s, e)
        for i, j in _runs(toks):
            found = _person_run(toks, i, j)
            role = None
            if found:
                a, b = found
                role = _role_with(doc, toks, a, b)
                end = toks[b - 1].end - len(re.search(r"(['’]s)?$", toks[b - 1].text).group())  # type: ignore[union-attr]
                name = doc.text[toks[a].start : end]
                full.append((toks[a].start, end, name, _surname_key(toks[b - 1].text), role))
            elif j - i == 1:
                role = _role_with(doc, toks, i, j)
                singles.append((toks[i].start, toks[i].end, toks[i].text, role))
    surnames = {key for *_, key, _ in full}
    out = [_Mention(s, e, n, k, r) for s, e, n, k, r in full]
    out += [
        _Mention(s, e, re.sub(r"['’]s$", "", n), _surname_key(n), r)
        for s, e, n, r in singles
        if _surname_key(n) in surnames
    ]
    return sorted(out, key=lambda m: m.start)


def _role_for(doc: _Doc, key: str, at: int) -> tuple[int, int] | None:
    """The role of the person with surname ``key``: nearest mention before ``at``, else after."""
    starts, roles = doc.roles_of(key)
    if not roles:
        return None
    i = bisect.bisect_right(starts, at)  # mentions are sorted by start
    return roles[i - 1] if i else roles[0]


def _role_groups(text: str) -> frozenset[str]:
    groups = _rules().lex.role_groups
    found: set[str] = set()
    for t in tokens(text, 0, len(text)):
        if t.cls == "R":
            found |= groups.get(t.text.lower(), frozenset())
            found |= groups.get(t.text.lower().rstrip("s"), frozenset())
    return frozenset(found)


def _stems(toks: Iterable[Tok]) -> set[str]:
    return {t.text[:5].lower() for t in toks if t.cls == "C" and len(t.text) > 2}


def _resolve_description(doc: _Doc, phrase: Phrase, at: int) -> _Mention | None:
    """The person a definite description such as "the ambassador" refers back to, if any."""
    roles = [t for t in phrase.toks if t.cls == "R"]
    if len(roles) != 1 or phrase.toks[0].text.lower() != "the":
        return None
    groups = _role_groups(roles[0].text)
    r_index = phrase.toks.index(roles[0])
    complement = _stems(phrase.toks[r_index + 1 :])

    def fits(key: str) -> bool:  # the role, hence the outcome, depends only on the key and `at`
        role = _role_for(doc, key, at)
        if role is None:
            return False
        role_groups, role_stems = doc.role_words(role)
        if not groups & role_groups:
            return False
        return not complement or bool(complement & role_stems)

    # The nearest mention before `at` whose key fits. Only keys with a role in one of the
    # description's groups can fit, so look at those rather than at every earlier mention.
    n_before = doc.count_ending_by(at)
    if n_before is None:
        tried: set[str] = set()
        for m in reversed(doc.mentions_ending_by(at)):
            if m.key not in tried:
                tried.add(m.key)
                if fits(m.key):
                    return m
        return None
    best = -1
    for key in doc.keys_with_role_groups(groups):
        indices = doc.mention_indices(key)
        k = bisect.bisect_left(indices, n_before)  # mentions of `key` among the first n_before
        if k and indices[k - 1] > best and fits(key):
            best = indices[k - 1]
    return doc.mentions[best] if best >= 0 else None


def _person_speaker(doc: _Doc, m: _Mention, at: int, how: str) -> Speaker:
    role = _role_for(doc, m.key, at)
    return Speaker(
        m.name,
        m.start,
        m.end,
        doc.text[role[0] : role[1]] if role else None,
        role[0] if role else None,
        role[1] if role else None,
        how,
    )


def resolve_speaker(doc: _Doc, phrase: Phrase, at: int) -> Speaker:
    """Turn a speaker phrase into a :class:`Speaker`, resolving pronouns and descriptions."""
    text = doc.text
    if phrase.kind == "pronoun":
        last = doc.mention_before(phrase.start)
        if last is not None:
            return _person_speaker(doc, last, at, "pronoun resolved")
        return Speaker(text[phrase.start : phrase.end], phrase.start, phrase.end)
    if phrase.kind == "named":
        name_s, name_e = phrase.name[0].start, phrase.name[-1].end
        role = _role_offsets(phrase.role) if phrase.role else None
        if role is None:
            role = _role_for(doc, _surname_key(phrase.name[-1].text), at)
        return Speaker(
            text[name_s:name_e],
            name_s,
            name_e,
            text[role[0] : role[1]] if role else None,
            role[0] if role else None,
            role[1] if role else None,
        )
    if phrase.kind == "description":
        person = _resolve_description(doc, phrase, at)
        if person:
            return _person_speaker(doc, person, at, "description resolved")
        rs, re_ = _role_offsets(phrase.role)
        return Speaker(
            text[phrase.start : phrase.end], phrase.start, phrase.end, text[rs:re_], rs, re_
        )
    words = [t.text for t in phrase.toks if t.cls == "C"]
    known = doc.known_keys()
    person = _looks_like_person(words) or (len(words) == 1 and _surname_key(words[0]) in known)
    if person and len(words) == len(phrase.toks):
        role = _role_for(doc, _surname_key(words[-1]), at)
        if role:
            return Speaker(
                text[phrase.start : phrase.end], phrase.start, phrase.end,
                text[role[0] : role[1]], role[0], role[1],
            )  # fmt: skip
    return Speaker(text[phrase.start : phrase.end], phrase.start, phrase.end)


def _valid_speaker(phrase: Phrase | None) -> bool:
    if phrase is None:
        return False
    first = phrase.toks[0].text.lower()
    return not (len(phrase.toks) == 1 and first in _rules().classes["non_speakers"])


# --------------------------------------------------------------------------------------------
# Attribution of direct quotes


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
        speaker = resolve_speaker(doc, phrase, pair_open) if phrase else None
        return _Attr(speaker, m.span(), rule, pair_open)
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


# --------------------------------------------------------------------------------------------
# Reported speech

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


# --------------------------------------------------------------------------------------------
# Public API


def extract_quotes(
    text: str, spans: Iterable[tuple[int, int]] | None = None, doc_id: str = ""
) -> list[Quote]:
    """Direct quotes and reported speech in the body ``spans`` of one document.

    ``spans`` defaults to every non-empty line. Quotes are sorted by ``start``, ``end``.

    Examples
    --------
    >>> doc = "“We will not change course,” the minister said. Scare “quotes” are ignored."
    >>> [(q.quote, q.speaker, q.cue, q.kind) for q in extract_quotes(doc)]
    [('We will not change course', 'the minister', 'said', 'direct')]
    >>> q = extract_quotes("According to him, the talks failed.")[0]
    >>> q.quote, q.speaker, q.cue, q.kind
    ('the talks failed', 'him', 'according to', 'reported')
    """
    body = clean_spans(text, line_spans(text) if spans is None else spans)
    doc = _Doc(text, body)
    direct: list[Quote] = []
    for index in range(len(body)):
        direct += _direct_in_span(doc, doc_id, index)
    direct += _block_quotes(doc, doc_id)
    found = direct + _reported(doc, doc_id, direct)
    unique = {(q.start, q.end, q.kind): q for q in found}
    return sorted(unique.values(), key=lambda q: (q.start, q.end, q.kind))


def quotes_frame(quotes: Iterable[Quote]) -> pl.DataFrame:
    """The ``quotes`` table of some :class:`Quote` rows, sorted by doc_id, start, end."""
    rows = [tuple(getattr(q, c) for c in QUOTES_SCHEMA) for q in quotes]
    frame = pl.DataFrame(rows, schema=QUOTES_SCHEMA, orient="row")
    return frame.sort("doc_id", "start", "end", "kind")


def quotes_table(
    docs: pl.DataFrame, spans: Mapping[str, Sequence[tuple[int, int]]] | None = None
) -> pl.DataFrame:
    """The ``quotes`` table of a corpus (``docs``: ``doc_id``, ``text``).

    ``spans`` maps doc_id to its body spans (:func:`analysis.provenance.boilerplate.body_spans`); a
    document
    missing from it has no body and no quotes. Without ``spans`` every non-empty line is body.

    >>> docs = pl.DataFrame({"doc_id": ["d1"], "text": ['"Yes, we agree," he said.']})
    >>> quotes_table(docs).select("doc_id", "quote", "speaker", "kind").rows()
    [('d1', 'Yes, we agree', 'he', 'direct')]
    """
    out: list[Quote] = []
    for doc_id, text in docs.select("doc_id", "text").iter_rows():
        if text is None:
            continue
        body = line_spans(text) if spans is None else spans.get(doc_id, [])
        out += extract_quotes(text, body, doc_id)
    return quotes_frame(out)
