"""Sources a document cites: media, agencies, institutions and platforms, with offsets.

The registry is ``data/sources.yaml`` (:func:`load_sources`): canonical names, aliases (Latin and
Cyrillic spellings) and kinds, plus the named publishers of the broad outlet list
(``data/outlet_list.csv``, fundus) not in it, kind ``news outlet``, matched case-sensitively. Every
registered mention in the body spans is found (the longest alias wins where aliases overlap), but
only mentions that the document *cites as a source* become rows of the ``citations`` table: a
statement, report, interview, channel or publication is attributed to them. ``start``/``end`` are
the mention's character offsets in the decoded text (``text[start:end]`` is the mention as
written); ``rule`` says why it counts.

A mention is a citation when the first of these rules applies (the phrase lists are
``citation_cues`` in ``data/sources.yaml``):

1. ``outlet label``: it opens a body span followed by a colon (``Atlantico: the full ...``).
2. ``according to``: it stands in an ``according to`` phrase, which runs to the first comma, or
   on through a relative clause (``according to the information of the Institute “Public
   Opinion”, which, with the permission of the Central Election Commission, compiled ...``).
3. ``before phrase``: a phrase such as ``told``, ``explained to``, ``spoke with``,
   ``in an interview with``, ``approx.`` stands right before it, at most an article between.
4. ``source noun``: a source noun governs it (``statement of the US State Department``,
   ``researcher at the British analytical center Henry Jackson Society``, ``article in
   Newsweek``: a preposition and at most ``gap_words`` words between) or follows it
   (``Kazinform correspondent``, ``OSCE/ODIHR report``, ``Telegram channel``, ``Reuters' report``).
5. ``verb``: a reporting verb follows it, adverbs, auxiliaries or a comma insert between
   (``The European Parliament has adopted``, ``the press service ... points out``).

6. ``speaker``: it is the speaker of a quote (:mod:`analysis.provenance.quotes`): the whole
   speaker phrase (``the State Department, through its envoy, stated that “...”``), or any part of
   a speaker that is an organisation rather than a person or a role description (``a joint
   statement by the ... National Security Committee (KNB) ... that``). A body in a person's title
   (``the owner of the Kremlin``, ``the head of the Kazakh Foreign Ministry``) is not a citation
   by this rule.
Everything else is a passing mention (``the resources of the notorious OSCE/ODIHR``,
``cooperation with the EU``, ``Akorda (the presidential administration) is in a hurry``) and is
not reported.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

import polars as pl

from analysis.core.data import load_yaml
from analysis.provenance import quotes as Q
from analysis.provenance.outlets import load_outlet_list
from analysis.text.alternation import atoms_of, trie_alternation
from analysis.text.quotemarks import pair_quotes
from analysis.text.sentences import sentences
from analysis.text.spans import clean_spans, line_spans

__all__ = [
    "CITATIONS_SCHEMA",
    "LISTED_KIND",
    "SOURCES_SCHEMA",
    "Citation",
    "Mention",
    "Registry",
    "Rule",
    "Source",
    "citations_frame",
    "citations_table",
    "extract_citations",
    "find_mentions",
    "load_sources",
    "sources_version",
]

Rule = Literal["outlet label", "according to", "before phrase", "source noun", "verb", "speaker"]

#: Kind of the publishers added from the broad outlet list (``data/outlet_list.csv``).
LISTED_KIND = "news outlet"

#: Columns of the ``citations`` table, in order.
CITATIONS_SCHEMA = pl.Schema(
    {
        "doc_id": pl.String(),
        "name": pl.String(),  # canonical name from the registry
        "kind": pl.String(),  # newspaper, news agency, think tank, government body, ...
        "start": pl.Int64(),  # offsets of the mention as written
        "end": pl.Int64(),
        "rule": pl.String(),  # why the mention counts as a citation
    }
)

#: Columns of the registry frame returned by :func:`load_sources`.
SOURCES_SCHEMA = pl.Schema(
    {
        "name": pl.String(),
        "kind": pl.String(),
        "aliases": pl.List(pl.String()),
        "note": pl.String(),
    }
)

_QUOTE_CLASS = '["“”«»„]'


@dataclass(frozen=True)
class Source:
    """One registry entry."""

    name: str
    kind: str
    aliases: tuple[str, ...]
    note: str | None = None
    case_sensitive: bool = False


@dataclass(frozen=True)
class Registry:
    """The registry, its alias patterns and the citation cues."""

    version: int
    sources: tuple[Source, ...]
    by_key: Mapping[str, Source]
    patterns: tuple[re.Pattern[str], ...]  # case-insensitive aliases, then case-sensitive ones
    cues: Mapping[str, Any]


def _alias_key(s: str, case_sensitive: bool) -> str:
    key = re.sub(r"\s+", " ", s.strip())
    key = re.sub(_QUOTE_CLASS, '"', key).replace("’", "'")
    return key if case_sensitive else key.lower()


def _alias_regex(alias: str) -> str:
    out = []
    for ch in alias:
        if ch.isspace():
            out.append(r"\s+")
        elif ch in '"“”«»„':
            out.append(_QUOTE_CLASS)
        elif ch in "'’":
            out.append("['’]")
        else:
            out.append(re.escape(ch))
    return "".join(out).replace(r"\s+\s+", r"\s+")


def _alias_atom(ch: str) -> str:
    if ch in '"“”«»„':
        return _QUOTE_CLASS
    return "['’]" if ch in "'’" else re.escape(ch)


def _alias_alternation(aliases: Iterable[str], case_sensitive: bool) -> re.Pattern[str]:
    """The aliases as one plain alternation, longest first: the reference :func:`_alias_pattern`
    equals (tests)."""
    return re.compile(
        r"(?<!\w)(?:"
        + "|".join(_alias_regex(a) for a in sorted(set(aliases), key=len, reverse=True))
        + r")(?!\w)",
        0 if case_sensitive else re.IGNORECASE,
    )


def _alias_pattern(aliases: Iterable[str], case_sensitive: bool) -> re.Pattern[str]:
    """The aliases as one regex, shaped as a trie (:mod:`analysis.text.alternation`: the same
    matches as :func:`_alias_alternation`, about ten times faster)."""
    flags = 0 if case_sensitive else re.IGNORECASE
    unique = sorted(set(aliases), key=len, reverse=True)
    trie = trie_alternation([(a, atoms_of(a, _alias_atom)) for a in unique], flags)
    if trie is None:
        return _alias_alternation(unique, case_sensitive)
    return re.compile(r"(?<!\w)" + trie + r"(?!\w)", flags)


def _is_case_sensitive(alias: str, source: Source) -> bool:
    return source.case_sensitive or len(alias) < 6 or alias.isupper()


@cache
def _registry() -> Registry:
    data: dict[str, Any] = load_yaml("sources.yaml", required=("kinds",))
    kinds = set(data["kinds"])
    sources = []
    for entry in data["sources"]:
        if entry["kind"] not in kinds:
            raise ValueError(f"sources.yaml: {entry['name']!r} has unknown kind {entry['kind']!r}")
        aliases = tuple(dict.fromkeys([str(entry["name"]), *map(str, entry.get("aliases") or [])]))
        sources.append(
            Source(
                str(entry["name"]),
                str(entry["kind"]),
                aliases,
                entry.get("note"),
                bool(entry.get("case_sensitive")),
            )
        )
    known = {a.lower() for source in sources for a in source.aliases}
    for entry in sorted(set(load_outlet_list().values()), key=lambda e: e.domain):
        # Named publishers of the broad outlet list (fundus), matched case-sensitively.
        if entry.source == "fundus" and entry.name.lower() not in known:
            known.add(entry.name.lower())
            sources.append(
                Source(entry.name, LISTED_KIND, (entry.name,), "outlet_list.csv (fundus)", True)
            )
    by_key: dict[str, Source] = {}
    groups: dict[bool, list[str]] = {False: [], True: []}
    for source in sources:
        for alias in source.aliases:
            sensitive = _is_case_sensitive(alias, source)
            by_key[_alias_key(alias, sensitive)] = source
            groups[sensitive].append(alias)
    patterns = tuple(_alias_pattern(groups[cs], cs) for cs in (False, True))
    return Registry(int(data["version"]), tuple(sources), by_key, patterns, data["citation_cues"])


def load_sources() -> pl.DataFrame:
    """The registry of ``data/sources.yaml`` as a frame (``name``, ``kind``, ``aliases``, ``note``).

    >>> reg = load_sources()
    >>> reg.filter(pl.col("name") == "Kazinform").select("name", "kind").rows()
    [('Kazinform', 'news agency')]
    """
    rows = [(s.name, s.kind, list(s.aliases), s.note) for s in _registry().sources]
    return pl.DataFrame(rows, schema=SOURCES_SCHEMA, orient="row")


def sources_version() -> int:
    """The ``version`` of ``data/sources.yaml``."""
    return _registry().version


@dataclass(frozen=True)
class Mention:
    """A registered source named in the text."""

    start: int
    end: int
    source: Source


def find_mentions(text: str, lo: int = 0, hi: int | None = None) -> list[Mention]:
    """Registered sources named in ``text[lo:hi]``, longest alias first, not overlapping.

    >>> s = "the OSCE’s Office for Democratic Institutions and Human Rights and the OSCE"
    >>> [(s[m.start : m.end], m.source.name) for m in find_mentions(s)]
    [('OSCE’s Office for Democratic Institutions and Human Rights', 'OSCE/ODIHR'), ('OSCE', 'OSCE')]
    """
    reg = _registry()
    hi = len(text) if hi is None else hi
    found: list[Mention] = []
    for sensitive, pattern in zip((False, True), reg.patterns, strict=True):
        for m in pattern.finditer(text, lo, hi):
            source = reg.by_key.get(_alias_key(m.group(), sensitive))
            if source is not None:
                found.append(Mention(m.start(), m.end(), source))
    found.sort(key=lambda m: (m.start, -(m.end - m.start)))
    out: list[Mention] = []
    for mention in found:
        if not out or mention.start >= out[-1].end:
            out.append(mention)
    return out


# --------------------------------------------------------------------------------------------
# Rules


@dataclass(frozen=True)
class _Cues:
    before: re.Pattern[str]
    noun_before: re.Pattern[str]
    noun_after: re.Pattern[str]
    verb_after: re.Pattern[str]


def _alt(phrases: Iterable[str]) -> str:
    ordered = sorted({p.lower() for p in phrases}, key=len, reverse=True)
    return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in ordered)


@cache
def _cues() -> _Cues:
    cues = _registry().cues
    skip = _alt(Q.load_attribution().lists["skip_words"])
    before = rf"(?:(?<![\w-])(?:{_alt(cues['before'])}))\s*(?:(?:the|a|an)\s+)?$"
    nouns = _alt(cues["source_nouns"])
    gap = int(cues["gap_words"])
    noun_before = (
        rf"(?<![\w-])(?:{nouns})\s+(?:of|by|from|at|in|for|with|on)\s+"
        rf"(?:[^\s,.;:!?()]+\s+){{0,{gap}}}$"
    )
    noun_after = rf"^(?:['’]s?)?\s+(?:{nouns})(?![\w-])"
    verbs = "|".join(
        re.escape(v).replace(r"\ ", r"\s+") for v in sorted(cues["verbs"], key=len, reverse=True)
    )
    insert = r"(?:\s*,[^,.;:!?\"“”«»]{1,40},)?"
    verb_after = rf"^{insert}(?:\s+(?:{skip}|\w+ly))*\s+(?:{verbs})(?![\w-])"
    return _Cues(
        re.compile(before, re.IGNORECASE),
        re.compile(noun_before, re.IGNORECASE),
        re.compile(noun_after, re.IGNORECASE),
        re.compile(verb_after),
    )


_ACCORDING = re.compile(
    r"(?<![\w-])according\s+to\b[^,.;:!?]*"
    r"(?:,\s*(?:which|who|whose)\b(?:\s*,[^,.;!?]*,|\s*,)?[^,.;!?]*)?$",
    re.IGNORECASE,
)
_DETERMINER = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)


def _bare(s: str) -> str:
    return _alias_key(_DETERMINER.sub("", s), False)


class _Speakers:
    """The speaker spans of a document's quotes, indexed for :func:`_speaker_rule`.

    A mention is looked up among the distinct spans that start at most the longest span's length
    before it, so a document with many quotes costs no more per mention than one with a few.
    """

    def __init__(self, quotes: Sequence[Q.Quote]) -> None:
        spans: dict[tuple[int, int], tuple[list[bool], set[str]]] = {}
        for q in quotes:
            if q.speaker_start is None or q.speaker_end is None:
                continue
            no_role, bares = spans.setdefault((q.speaker_start, q.speaker_end), ([False], set()))
            if q.speaker_role is None:
                no_role[0] = True
            else:
                bares.add(_bare(q.speaker or ""))
        self._spans = sorted(spans.items())
        self._starts = [s for (s, _e), _ in self._spans]
        self._longest = max((e - s for (s, e), _ in self._spans), default=0)

    def cites(self, text: str, m: Mention) -> bool:
        """Whether ``m`` lies in a speaker span whose quote has no role or names just ``m``."""
        lo = bisect.bisect_left(self._starts, m.start - self._longest)
        hi = bisect.bisect_right(self._starts, m.start)
        bare: str | None = None
        for (_s, e), (no_role, bares) in self._spans[lo:hi]:
            if m.end > e:
                continue
            if no_role[0]:
                return True
            if bare is None:
                bare = _bare(text[m.start : m.end])
            if bare in bares:
                return True
        return False


def _speaker_rule(text: str, m: Mention, quotes: Sequence[Q.Quote] | _Speakers) -> bool:
    """``m`` is (part of) the speaker of one of ``quotes`` (see the module docstring, rule 6)."""
    speakers = quotes if isinstance(quotes, _Speakers) else _Speakers(quotes)
    return speakers.cites(text, m)


def _rule_for(
    text: str,
    span: tuple[int, int],
    sentence_start: int,
    m: Mention,
    quotes: Sequence[Q.Quote] | _Speakers,
    span_text_start: int | None = None,
) -> Rule | None:
    """The rule by which ``m`` is a citation, if any. ``span_text_start``: the span's first
    non-space offset (``text[span[0] : m.start]`` is blank iff ``m.start`` is at or before it)."""
    cues = _cues()
    left = text[max(sentence_start, m.start - 300) : m.start]
    right = text[m.end : min(span[1], m.end + 200)]
    opens_span = (
        not text[span[0] : m.start].strip()
        if span_text_start is None
        else m.start <= span_text_start
    )
    if opens_span and re.match(r"\s*:", right):
        return "outlet label"
    if _ACCORDING.search(left):
        return "according to"
    if cues.before.search(left):
        return "before phrase"
    if cues.noun_before.search(left) or cues.noun_after.match(right):
        return "source noun"
    if cues.verb_after.match(right):
        return "verb"
    if _speaker_rule(text, m, quotes):
        return "speaker"
    return None


@dataclass(frozen=True)
class Citation:
    """One row of the ``citations`` table."""

    doc_id: str
    name: str
    kind: str
    start: int
    end: int
    rule: Rule


def extract_citations(
    text: str,
    spans: Iterable[tuple[int, int]] | None = None,
    doc_id: str = "",
    quotes: Sequence[Q.Quote] | None = None,
) -> list[Citation]:
    """The sources one document cites, in its body ``spans`` (default: every non-empty line).

    ``quotes`` are the document's quotes (:func:`analysis.provenance.quotes.extract_quotes`),
    computed here when not given.

    Examples
    --------
    >>> doc = "According to Reuters, talks failed. Cooperation with the EU grows.\\n"
    >>> doc += "The European Parliament has adopted a resolution."
    >>> [(c.name, c.rule) for c in extract_citations(doc)]
    [('Reuters', 'according to'), ('European Parliament', 'verb')]
    """
    body = clean_spans(text, line_spans(text) if spans is None else spans)
    if quotes is None:
        quotes = Q.extract_quotes(text, body, doc_id)
    speakers = _Speakers(quotes)
    out: list[Citation] = []
    for span in body:
        sents = sentences(text, *span, pair_quotes(text, *span))
        starts = [a for a, _ in sents]  # in text order
        chunk = text[span[0] : span[1]]
        first = span[0] + len(chunk) - len(chunk.lstrip())  # the span's first non-space
        for m in find_mentions(text, *span):
            i = bisect.bisect_right(starts, m.start)
            sentence_start = starts[i - 1] if i else span[0]
            rule = _rule_for(text, span, sentence_start, m, speakers, first)
            if rule:
                out.append(Citation(doc_id, m.source.name, m.source.kind, m.start, m.end, rule))
    return out


def citations_frame(citations: Iterable[Citation]) -> pl.DataFrame:
    """The ``citations`` table of some :class:`Citation` rows, sorted by doc_id, start, end."""
    rows = [tuple(getattr(c, col) for col in CITATIONS_SCHEMA) for c in citations]
    return pl.DataFrame(rows, schema=CITATIONS_SCHEMA, orient="row").sort("doc_id", "start", "end")


def citations_table(
    docs: pl.DataFrame,
    spans: Mapping[str, Sequence[tuple[int, int]]] | None = None,
    quotes: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """The ``citations`` table of a corpus (``docs``: ``doc_id``, ``text``).

    ``spans`` as for :func:`analysis.provenance.quotes.quotes_table` (a document missing from it
    has no body;
    without it every non-empty line is body). Pass the ``quotes`` table when it exists already, so
    that quotes are not extracted twice.

    >>> docs = pl.DataFrame({"doc_id": ["d"], "text": ["He told Kazinform that all is well."]})
    >>> citations_table(docs).select("name", "start", "end", "rule").rows()
    [('Kazinform', 8, 17, 'before phrase')]
    """
    by_doc: dict[str, list[Q.Quote]] = {}
    if quotes is not None:
        for row in quotes.iter_rows(named=True):
            fields: dict[str, Any] = {
                col: row.get(col) for col in Q.QUOTES_SCHEMA
            }  # only speaker_* are read
            by_doc.setdefault(row["doc_id"], []).append(Q.Quote(**fields))
    out: list[Citation] = []
    for doc_id, text in docs.select("doc_id", "text").iter_rows():
        if text is None:
            continue
        body = line_spans(text) if spans is None else spans.get(doc_id, [])
        doc_quotes = by_doc.get(doc_id, []) if quotes is not None else None
        out += extract_citations(text, body, doc_id, doc_quotes)
    return citations_frame(out)
