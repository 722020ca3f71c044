"""Rhetoric cues and actor references, every count backed by its hits in context.

Tables
    ``rhetoric_hits`` (:func:`rhetoric_hits`): one row per cue found in a document's body, with
    ``doc_id``, the cue ``family``, the Propaganda Techniques Corpus ``technique`` the family stands
    for (null where none fits), the lexicon ``term`` (or pattern) that matched, ``start``/``end``
    (character offsets into the original text: ``text[start:end]`` is the cue), the body
    ``sentence_no`` and a ``snippet`` (:func:`analysis.text.evidence.snippet`).

    ``rhetoric`` (:func:`rhetoric_counts`): ``count`` and ``per_1k_words`` (words of the clean
    body) for every family and every document, zeros included; each count is exactly the number
    of ``rhetoric_hits`` rows of that document and family.

    ``actor_mentions`` (:func:`actor_mentions`): one row per reference to an actor, with its
    ``bloc``; ``actors`` (:func:`actor_counts`) counts them per document, bloc and actor;
    ``actor_pairs`` (:func:`actor_pairs`) counts the sentences of a document that name two blocs.

    ``kwic`` (:func:`kwic`): hits as keyword-in-context lines (``left``, ``match``, ``right``) of
    plain text for reading in notebooks.

Lexicons
    ``data/rhetoric.yaml`` (cue families and their cues) and ``data/actors.yaml`` (actor
    references and blocs), loaded by :func:`load_lexicon`; researchers edit them without touching
    code, and their ``version`` is part of the method. Cue terms match case-insensitively on word
    boundaries, actor references case-sensitively; a term may end its words in ``*``; a ``pattern``
    is a regular expression. The terms of one family are compiled into one regular expression (a
    trie), so at a position the longest term wins (patterns are tried after the terms) and the hits
    of a family never overlap; families are matched independently, so one stretch of text can be
    a hit of two families.

Scare quotes
    A quoted span (quote marks paired by :func:`analysis.provenance.quotes.pair_quotes`, which
    copes with
    machine-translation damage) is a scare quote when it is closed, has at most ``max_words``
    words (``data/rhetoric.yaml``), is no name or mentioned word (the word before the opening mark
    is not one of ``name_words``: *the party “Auyl”*, *the term “X”*), and is not attributed speech:
    not a row of the ``quotes`` table (:func:`analysis.provenance.quotes.quotes_table`) with a
    speaker, and not
    inside a reported-speech row with a speaker (*X explained that Kazakhstan avoids “sitting on two
    chairs”* quotes X's words in part). Quotes inside an attributed direct quote still count: a
    scare quote of the quoted author (the block quote of a Telegram post). The hit covers the
    marks: its ``term`` is ``text[start:end]`` (``«liberal»``).

Sentences
    Each body span is split by :func:`analysis.provenance.quotes.sentences` (a regex splitter that
    knows
    abbreviations and initials and never splits inside a quoted segment); sentences are numbered
    from 1 in text order over all body spans of a document. A span is never merged with the next, so
    a heading is a sentence of its own. The splitter is deterministic and keeps offsets.

Validation
    :func:`validate_ptc` scores the detectors against the Propaganda Techniques Corpus (span-level
    precision and recall per technique). The lexicons were tuned on the same 232 articles, so the
    figures are in-sample: an upper bound for English news, not an estimate for other corpora.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

import polars as pl

from analysis.core.data import load_yaml
from analysis.provenance import quotes as quotes_mod
from analysis.text.evidence import snippet
from analysis.text.quotemarks import Pair, pair_quotes
from analysis.text.sentences import sentences as split_sentences
from analysis.text.spans import clean_spans, line_spans

#: Technique names of the Propaganda Techniques Corpus (SemEval-2020 Task 11), in its order.
TECHNIQUES: tuple[str, ...] = (
    "Loaded_Language",
    "Name_Calling,Labeling",
    "Repetition",
    "Doubt",
    "Exaggeration,Minimisation",
    "Appeal_to_fear-prejudice",
    "Flag-Waving",
    "Causal_Oversimplification",
    "Appeal_to_Authority",
    "Slogans",
    "Whataboutism,Straw_Men,Red_Herring",
    "Black-and-White_Fallacy",
    "Thought-terminating_Cliches",
    "Bandwagon,Reductio_ad_hitlerum",
)

Detector = Literal["lexicon", "scare_quotes"]
ScoreBy = Literal["technique", "family", "term"]

#: Columns of the ``rhetoric_hits`` table, in order. Sorted by doc_id, start, end, family, term.
HITS_SCHEMA: dict[str, pl.DataType] = {
    "doc_id": pl.String(),
    "family": pl.String(),  # cue family (data/rhetoric.yaml)
    "technique": pl.String(),  # PTC technique of the family or cue; null where none fits
    "term": pl.String(),  # lexicon term or pattern; for scare quotes the quoted span with its marks
    "start": pl.Int64(),  # text[start:end] is the cue
    "end": pl.Int64(),
    "sentence_no": pl.Int64(),  # 1-based, over the body sentences of the document
    "snippet": pl.String(),  # at most analysis.text.evidence.SNIPPET_CHARS characters
}

#: Columns of the ``rhetoric`` table. Sorted by doc_id, family.
RHETORIC_SCHEMA: dict[str, pl.DataType] = {
    "doc_id": pl.String(),
    "family": pl.String(),
    "count": pl.Int64(),  # rows of rhetoric_hits for this doc_id and family
    "per_1k_words": pl.Float64(),  # count per 1,000 words of the clean body; null without words
}

#: Columns of the ``actor_mentions`` table. Sorted by doc_id, start, end.
MENTIONS_SCHEMA: dict[str, pl.DataType] = {
    "doc_id": pl.String(),
    "bloc": pl.String(),
    "actor": pl.String(),  # canonical actor (data/actors.yaml)
    "term": pl.String(),  # lexicon term or pattern
    "start": pl.Int64(),
    "end": pl.Int64(),
    "sentence_no": pl.Int64(),
    "snippet": pl.String(),
}

#: Columns of the ``actors`` table (actors mentioned at least once). Sorted by doc_id, bloc, actor.
ACTORS_SCHEMA: dict[str, pl.DataType] = {
    "doc_id": pl.String(),
    "bloc": pl.String(),
    "actor": pl.String(),
    "count": pl.Int64(),
}

#: Columns of the ``actor_pairs`` table (pairs named together at least once; bloc_a < bloc_b).
PAIRS_SCHEMA: dict[str, pl.DataType] = {
    "doc_id": pl.String(),
    "bloc_a": pl.String(),
    "bloc_b": pl.String(),
    "sentences": pl.Int64(),  # body sentences that name both blocs
}

#: Columns :func:`kwic` adds to the hits (it drops ``snippet``).
KWIC_COLUMNS: dict[str, pl.DataType] = {
    "left": pl.String(),
    "match": pl.String(),
    "right": pl.String(),
}

#: Columns of :func:`word_counts`.
WORDS_SCHEMA: dict[str, pl.DataType] = {"doc_id": pl.String(), "words": pl.Int64()}

_SCORE_STATS: dict[str, pl.DataType] = {
    "hits": pl.Int64(),  # hits of the detectors of this technique (family, term)
    "correct_hits": pl.Int64(),  # hits that overlap an annotated span of the technique
    "precision": pl.Float64(),  # correct_hits / hits; null without hits
    "annotated_spans": pl.Int64(),  # annotated spans of the technique
    "found_spans": pl.Int64(),  # annotated spans overlapped by at least one hit
    "recall": pl.Float64(),  # found_spans / annotated_spans
    "in_any_span": pl.Float64(),  # share of hits that overlap an annotated span of any technique
}

#: Columns of :func:`validate_ptc` / :func:`score_hits`, by ``by``.
VALIDATION_SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "technique": {"technique": pl.String(), **_SCORE_STATS},
    "family": {"family": pl.String(), "technique": pl.String(), **_SCORE_STATS},
    "term": {"family": pl.String(), "term": pl.String(), "technique": pl.String(), **_SCORE_STATS},
}

#: Columns of the PTC labels (``labels.tsv``).
LABELS_SCHEMA: dict[str, pl.DataType] = {
    "article_id": pl.String(),
    "technique": pl.String(),
    "start": pl.Int64(),
    "end": pl.Int64(),
}

#: A word, for counting the words of a body (polars and Python regex alike).
WORD_PATTERN = r"\w+(?:['’\-]\w+)*"
_WORD = re.compile(WORD_PATTERN)


# --------------------------------------------------------------------------------------------
# The lexicon


@dataclass(frozen=True)
class Family:
    """A cue family: what it stands for and how it is detected."""

    name: str
    technique: str | None
    detector: Detector
    description: str


@dataclass(frozen=True)
class Cue:
    """One lexicon entry: a term (``literal``) or a pattern, with its family or bloc and actor."""

    group: str  # the family (cues) or the bloc (actors)
    term: str  # the term, or the pattern itself
    regex: str  # regular expression source, without the word boundaries
    literal: bool
    technique: str | None = None  # cues only
    actor: str | None = None  # actors only
    note: str = ""
    source: str = ""


@dataclass(frozen=True)
class ScareQuoteSettings:
    """Settings of the scare-quote detector (``scare_quotes`` in ``data/rhetoric.yaml``)."""

    max_words: int
    name_words: frozenset[str]


@dataclass(frozen=True)
class Lexicon:
    """Cue families, cues, scare-quote settings, blocs and actor references.

    Build one with :func:`load_lexicon` (the data files) or :meth:`from_data` (parsed YAML).
    """

    name: str
    version: str  # "rhetoric <v>, actors <v>"
    families: tuple[Family, ...]
    cues: tuple[Cue, ...]
    scare_quotes: ScareQuoteSettings
    blocs: tuple[str, ...]
    actors: tuple[Cue, ...]
    # Compiled once per lexicon: one regex per lexicon family with its entries in group order,
    # the regex of where any cue starts, and the regex of the actor references.
    _matchers: dict[str, tuple[re.Pattern[str], tuple[Cue, ...]]] = field(
        default_factory=dict, compare=False, repr=False, hash=False
    )
    _any_cue: re.Pattern[str] | None = field(default=None, compare=False, repr=False, hash=False)
    _actor_matcher: tuple[re.Pattern[str], tuple[Cue, ...]] | None = field(
        default=None, compare=False, repr=False, hash=False
    )

    def __post_init__(self) -> None:
        for fam in self.families:
            entries = tuple(c for c in self.cues if c.group == fam.name)
            if fam.detector == "lexicon" and entries:
                self._matchers[fam.name] = _compile(entries, ignore_case=True)
        lexical = [c for c in self.cues if c.group in self._matchers]
        if lexical:
            object.__setattr__(self, "_any_cue", _candidates(lexical))
        if self.actors:
            object.__setattr__(self, "_actor_matcher", _compile(self.actors, ignore_case=False))

    @classmethod
    def from_data(
        cls, rhetoric: Mapping[str, Any], actors: Mapping[str, Any], name: str
    ) -> Lexicon:
        """A lexicon from the parsed contents of a rhetoric file and an actors file.

        Raises ``ValueError`` on an unknown family, bloc or technique, a term listed twice, an
        entry with both or neither of ``term`` and ``pattern``, or a pattern that does not compile.

        >>> lex = Lexicon.from_data(
        ...     {"version": 1, "families": {"loaded": {"technique": "Loaded_Language"}},
        ...      "scare_quotes": {"max_words": 4, "name_words": ["law"]},
        ...      "cues": [{"term": "sham", "family": "loaded"}]},
        ...     {"version": 2, "blocs": {"west": "the West"},
        ...      "actors": [{"term": "NATO", "bloc": "west", "actor": "NATO"}]},
        ...     name="tiny")
        >>> lex.version, [c.term for c in lex.cues], lex.blocs
        ('rhetoric 1, actors 2', ['sham'], ('west',))
        """
        families = tuple(
            Family(
                str(fam_name),
                None if spec.get("technique") is None else str(spec["technique"]),
                spec.get("detector", "lexicon"),
                str(spec.get("description", "")),
            )
            for fam_name, spec in rhetoric["families"].items()
        )
        for fam in families:
            if fam.technique is not None and fam.technique not in TECHNIQUES:
                raise ValueError(f"family {fam.name}: unknown technique {fam.technique!r}")
            if fam.detector not in ("lexicon", "scare_quotes"):
                raise ValueError(f"family {fam.name}: unknown detector {fam.detector!r}")
        technique_of = {f.name: f.technique for f in families}
        cues = tuple(
            _entry(e, "family", technique_of, case_sensitive=False) for e in rhetoric["cues"]
        )
        blocs = tuple(str(b) for b in actors["blocs"])
        actor_entries = tuple(
            _entry(e, "bloc", dict.fromkeys(blocs), case_sensitive=True) for e in actors["actors"]
        )
        for kind, entries in (("cue", cues), ("actor", actor_entries)):
            seen: set[tuple[str, str]] = set()
            for c in entries:
                key = (c.group, c.term if not c.literal or kind == "actor" else c.term.lower())
                if key in seen:
                    raise ValueError(f"{kind} {c.term!r} listed twice in {c.group}")
                seen.add(key)
        sq = rhetoric["scare_quotes"]
        settings = ScareQuoteSettings(
            int(sq["max_words"]), frozenset(str(w).lower() for w in sq["name_words"])
        )
        version = f"rhetoric {rhetoric['version']}, actors {actors['version']}"
        return cls(name, version, families, cues, settings, blocs, actor_entries)

    @property
    def family_names(self) -> tuple[str, ...]:
        """Family names in file order."""
        return tuple(f.name for f in self.families)

    def family(self, name: str) -> Family:
        """The family called ``name`` (``KeyError`` if none)."""
        for f in self.families:
            if f.name == name:
                return f
        raise KeyError(name)

    def regex(self, group: str, term: str) -> re.Pattern[str]:
        """The compiled regex of one entry (a cue of family ``group`` or an actor of bloc
        ``group``), to check a hit: ``lex.regex(family, term).fullmatch(text[start:end])``.

        >>> load_lexicon().regex("labelling", "puppet*").fullmatch("Puppets") is not None
        True
        """
        for c in self.cues:
            if c.group == group and c.term == term:
                return re.compile(c.regex, re.IGNORECASE)
        for c in self.actors:
            if c.group == group and c.term == term:
                return re.compile(c.regex)
        raise KeyError((group, term))

    def entries(self) -> pl.DataFrame:
        """Cues and actor references as one table: ``kind``, ``group``, ``term``, ``literal``,
        ``technique``, ``actor``, ``note``, ``source`` (for a glance at the lexicon).

        >>> load_lexicon().entries().group_by("kind").len().sort("kind").rows()[0][0]
        'actor'
        """
        rows = [
            ("cue", c.group, c.term, c.literal, c.technique, c.actor, c.note, c.source)
            for c in self.cues
        ] + [
            ("actor", c.group, c.term, c.literal, c.technique, c.actor, c.note, c.source)
            for c in self.actors
        ]
        schema = {
            "kind": pl.String(),
            "group": pl.String(),
            "term": pl.String(),
            "literal": pl.Boolean(),
            "technique": pl.String(),
            "actor": pl.String(),
            "note": pl.String(),
            "source": pl.String(),
        }
        return pl.DataFrame(rows, schema=schema, orient="row")


def _term_atoms(term: str, fold: bool = False) -> list[str]:
    """The regex atoms of a literal term, one per character (``fold``: letters lower-cased)."""
    out: list[str] = []
    for i, word in enumerate(term.split()):
        if i:
            out.append(r"\s+")
        for ch in word:
            if ch in "'’":
                out.append("['’]")
            elif ch in "-‐‑":
                out.append("[-‐‑]")
            elif ch in '"“”':
                out.append('["“”]')
            elif ch == "*":
                out.append(r"\w*")
            else:
                out.append(re.escape(ch.lower() if fold else ch))
    return out


def term_regex(term: str) -> str:
    """The regular expression of a literal lexicon term (no word boundaries).

    Whitespace matches any run of whitespace, ``'`` also ``’``, ``-`` the Unicode hyphens, ``"``
    the typographic double quotes, and ``*`` the rest of a word.

    >>> term_regex("so-called")
    'so[-‐‑]called'
    >>> bool(re.fullmatch(term_regex("it's no  coincidence"), "it’s no\\ncoincidence"))
    True
    >>> term_regex("puppet*")
    'puppet\\\\w*'
    """
    return "".join(_term_atoms(term))


def _entry(
    e: Mapping[str, Any],
    key: str,
    techniques: Mapping[str, str | None],
    *,
    case_sensitive: bool,
) -> Cue:
    allowed = {"term", "pattern", key, "note", "source"} | (
        {"technique"} if key == "family" else {"actor"}
    )
    if set(e) - allowed:
        raise ValueError(f"entry {e!r}: unknown keys {sorted(set(e) - allowed)}")
    group = str(e.get(key, ""))
    if group not in techniques:
        raise ValueError(f"entry {e!r}: unknown {key} {group!r}")
    if ("term" in e) == ("pattern" in e):
        raise ValueError(f"entry {e!r}: give exactly one of term and pattern")
    literal = "term" in e
    term = str(e["term"] if literal else e["pattern"]).strip()
    if not term:
        raise ValueError(f"entry {e!r}: empty term")
    regex = term_regex(term) if literal else term
    try:
        compiled = re.compile(regex, 0 if case_sensitive else re.IGNORECASE)
    except re.error as err:
        raise ValueError(f"entry {e!r}: bad pattern: {err}") from None
    if compiled.groupindex:
        raise ValueError(f"entry {e!r}: named groups are not allowed")
    if compiled.fullmatch(""):
        raise ValueError(f"entry {e!r}: matches the empty string")
    technique = e.get("technique", techniques[group]) if key == "family" else None
    if technique is not None and technique not in TECHNIQUES:
        raise ValueError(f"entry {e!r}: unknown technique {technique!r}")
    return Cue(
        group=group,
        term=term,
        regex=regex,
        literal=literal,
        technique=technique,
        actor=str(e.get("actor") or term) if key == "bloc" else None,
        note=str(e.get("note", "") or ""),
        source=str(e.get("source", "") or ""),
    )


def _priority(c: Cue) -> tuple[int, str]:
    # Longest first: a literal by its length without the wildcards, a pattern by its own length.
    return (-len(c.term.replace("*", "")), c.term)


_WILDCARD = r"\w*"


def _trie_regex(node: dict[str | None, Any], named: bool = True) -> str:
    # Literal atoms first (sorted: deterministic), then the wildcard, then the end of a term: the
    # engine tries to go on before it stops, so the longest term wins at a position.
    keys = sorted(k for k in node if k and k != _WILDCARD)
    alts = [a + _trie_regex(node[a], named) for a in keys]
    if _WILDCARD in node:
        alts.append(_WILDCARD + _trie_regex(node[_WILDCARD], named))
    if None in node:
        alts.append(f"(?P<e{node[None]}>)" if named else "")
    return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"


def _candidates(entries: Sequence[Cue]) -> re.Pattern[str]:
    """A zero-width regex that matches where any of ``entries`` (case-insensitive) starts."""
    trie: dict[str | None, Any] = {}
    patterns = []
    for c in entries:
        if not c.literal:
            patterns.append(c.regex)
            continue
        node = trie
        for atom in _term_atoms(c.term, fold=True):
            node = node.setdefault(atom, {})
        node[None] = True
    branches = ([_trie_regex(trie, named=False)] if trie else []) + patterns
    return re.compile(rf"(?<!\w)(?=(?i:{'|'.join(branches)})(?!\w))")


def _compile(
    entries: Sequence[Cue], *, ignore_case: bool
) -> tuple[re.Pattern[str], tuple[Cue, ...]]:
    """One regex for some entries, on word boundaries (no word character on either side).

    Terms are merged into a trie (one alternative per next character, so the engine never tries
    hundreds of alternatives at a position: the speed of the module depends on it); the empty
    named group ``e<i>`` at the end of a term says which entry (``i`` in the returned order)
    matched, and the longest term wins at a position. Patterns (group ``e<i>`` around each) come
    after the terms, longest first.
    """
    ordered = tuple(sorted(entries, key=_priority))
    trie: dict[str | None, Any] = {}
    patterns: list[str] = []
    for i, c in enumerate(ordered):
        if not c.literal:
            patterns.append(f"(?P<e{i}>{c.regex})")
            continue
        node = trie
        for atom in _term_atoms(c.term, fold=ignore_case):
            node = node.setdefault(atom, {})
        if None in node:
            raise ValueError(f"{c.term!r} and {ordered[node[None]].term!r} match the same text")
        node[None] = i
    scoped = "(?i:{})" if ignore_case else "(?:{})"
    branches = [scoped.format(_trie_regex(trie))] if trie else []
    if patterns:
        branches.append(scoped.format("|".join(patterns)))
    return re.compile(rf"(?<!\w)(?:{'|'.join(branches)})(?!\w)"), ordered


@cache
def load_lexicon(name: str = "default") -> Lexicon:
    """The lexicon ``name`` (cached): ``data/rhetoric.yaml`` and ``data/actors.yaml`` for
    ``"default"``, ``data/rhetoric_<name>.yaml`` and ``data/actors_<name>.yaml`` otherwise.

    >>> lex = load_lexicon()
    >>> lex.version.startswith("rhetoric ")
    True
    >>> {"scare_quotes", "labelling", "loaded", "insinuation", "delegitimizing"} <= set(
    ...     lex.family_names)
    True
    >>> lex.family("labelling").technique
    'Name_Calling,Labeling'
    """
    suffix = "" if name == "default" else f"_{name}"
    return Lexicon.from_data(
        load_yaml(f"rhetoric{suffix}.yaml"), load_yaml(f"actors{suffix}.yaml"), name
    )


def _lexicon(lexicon: str | Lexicon) -> Lexicon:
    return lexicon if isinstance(lexicon, Lexicon) else load_lexicon(lexicon)


def _families(lex: Lexicon, families: Iterable[str] | None) -> tuple[str, ...]:
    if families is None:
        return lex.family_names
    chosen = tuple(dict.fromkeys(families))
    unknown = [f for f in chosen if f not in lex.family_names]
    if unknown:
        raise ValueError(f"unknown families {unknown}; the lexicon has {list(lex.family_names)}")
    return tuple(f for f in lex.family_names if f in chosen)


# --------------------------------------------------------------------------------------------
# Body, quote marks and sentences of one document


@dataclass(frozen=True)
class _Body:
    text: str
    spans: tuple[tuple[int, int], ...]  # cleaned body spans
    pairs: tuple[tuple[Pair, ...], ...]  # quote marks, per span
    sentences: tuple[tuple[int, int], ...]
    starts: tuple[int, ...]  # sentence starts

    def sentence_no(self, pos: int) -> int:
        return bisect.bisect_right(self.starts, pos)


def _body(text: str, spans: Iterable[tuple[int, int]]) -> _Body:
    clean = tuple(clean_spans(text, spans))
    pairs = tuple(tuple(pair_quotes(text, s, e)) for s, e in clean)
    sentences: list[tuple[int, int]] = []
    for (s, e), span_pairs in zip(clean, pairs, strict=True):
        sentences += split_sentences(text, s, e, span_pairs)
    return _Body(text, clean, pairs, tuple(sentences), tuple(a for a, _b in sentences))


def sentence_spans(text: str, spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The body sentences of a document: ``(start, end)`` in text order; sentence ``n`` (the
    ``sentence_no`` of the tables) is item ``n - 1``. Spans are cleaned first
    (:func:`analysis.provenance.quotes.clean_spans`) and never merged.

    >>> text = "Title\\nMr. Smith left. He said: “No. Never.” Then he came back."
    >>> [text[a:b] for a, b in sentence_spans(text, [(0, 5), (6, len(text))])]
    ['Title', 'Mr. Smith left. ', 'He said: “No. Never.” ', 'Then he came back.']
    """
    return list(_body(text, spans).sentences)


def _docs_rows(docs: pl.DataFrame) -> list[tuple[str, str]]:
    return [(str(d), t) for d, t in docs.select("doc_id", "text").iter_rows() if t is not None]


# --------------------------------------------------------------------------------------------
# Cue hits


_SENTENCE_INSIDE = re.compile(r"[.!?…]\s+\S")


def _attributed(quotes: pl.DataFrame | None) -> dict[str, list[tuple[int, int, str]]]:
    out: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    if quotes is None:
        return out
    rows = quotes.filter(pl.col("speaker").is_not_null()).select("doc_id", "start", "end", "kind")
    for doc_id, s, e, kind in rows.iter_rows():
        out[str(doc_id)].append((int(s), int(e), str(kind)))
    return out


def _scare_quotes(
    body: _Body, settings: ScareQuoteSettings, attributed: Sequence[tuple[int, int, str]]
) -> list[tuple[int, int]]:
    text = body.text
    speech = _Speech(attributed)
    out: list[tuple[int, int]] = []
    for (lo, _hi), pairs in zip(body.spans, body.pairs, strict=True):
        for p in pairs:
            if not p.closed:
                continue
            s, e = p.open + 1, p.close
            content = text[s:e]
            n_words = len(_WORD.findall(content))
            if not 1 <= n_words <= settings.max_words or _SENTENCE_INSIDE.search(content):
                continue
            before = re.search(r"([\w-]+)[^\w]*$", text[max(lo, p.open - 40) : p.open])
            if before and before.group(1).lower() in settings.name_words:
                continue
            if not speech.covers(p.open, p.close, s, e):
                out.append((p.open, p.close + 1))
    return out


class _Speech:
    """Attributed quotes of one document, indexed so that a quote-mark pair is checked against
    the few that can concern it rather than all of them (a long document has thousands)."""

    def __init__(self, attributed: Sequence[tuple[int, int, str]]) -> None:
        direct = sorted((qs, qe) for qs, qe, kind in attributed if kind == "direct")
        self._direct_starts = [qs for qs, _ in direct]
        self._direct_ends = [qe for _, qe in direct]
        reported = sorted((qs, qe) for qs, qe, kind in attributed if kind == "reported")
        self._reported_starts = [qs for qs, _ in reported]
        self._reported_reach: list[int] = []  # the furthest end among reported[: i + 1]
        for _, qe in reported:
            self._reported_reach.append(
                max(qe, self._reported_reach[-1] if self._reported_reach else qe)
            )

    def covers(self, open_: int, close: int, s: int, e: int) -> bool:
        """Whether the pair ``open_ .. close`` (content ``s:e``) is attributed speech: a direct
        quote inside its marks overlapping its content, or a reported clause holding its opening
        mark."""
        lo = bisect.bisect_left(self._direct_starts, open_)
        hi = bisect.bisect_left(self._direct_starts, e)  # direct quotes with open_ <= qs < e
        if any(s < qe <= close + 1 for qe in self._direct_ends[lo:hi]):
            return True
        i = bisect.bisect_right(self._reported_starts, open_)  # reported with qs <= open_
        return i > 0 and self._reported_reach[i - 1] > open_


def _lexicon_hits(
    body: _Body, lex: Lexicon, families: Sequence[str]
) -> list[tuple[str, int, int, Cue]]:
    """Cue hits of some lexicon families: ``(family, start, end, cue)``.

    Each family is matched on its own (leftmost, longest, not overlapping within the family);
    one pass of a regex of all cues finds the positions where any family can match, and the
    families' regexes are tried only there, which gives the same hits as one pass per family.
    """
    candidates = lex._any_cue
    matchers = [(f, *lex._matchers[f]) for f in families if f in lex._matchers]
    if candidates is None or not matchers:
        return []
    out: list[tuple[str, int, int, Cue]] = []
    text = body.text
    for lo, hi in body.spans:
        free = dict.fromkeys(families, lo)  # each family's next unmatched position
        for cand in candidates.finditer(text, lo, hi):
            p = cand.start()
            for fam, regex, ordered in matchers:
                if p < free[fam]:
                    continue
                m = regex.match(text, p, hi)
                if m:
                    out.append((fam, p, m.end(), ordered[int(m.lastgroup[1:])]))  # type: ignore[index]
                    free[fam] = m.end()
    return out


def rhetoric_hits(
    docs: pl.DataFrame,
    spans: Mapping[str, Sequence[tuple[int, int]]],
    quotes: pl.DataFrame | None = None,
    families: Iterable[str] | None = None,
    lexicon: str | Lexicon = "default",
) -> pl.DataFrame:
    """The ``rhetoric_hits`` table (:data:`HITS_SCHEMA`) of a corpus.

    Parameters
    ----------
    docs
        ``doc_id``, ``text``.
    spans
        Body spans per doc_id (``Prepared.spans``); a document missing from it has no body and
        no hits.
    quotes
        The ``quotes`` table of the same documents
        (:func:`analysis.provenance.quotes.quotes_table`), which
        keeps attributed speech out of the scare quotes; computed when not given and scare quotes
        are asked for (the slow part: pass it when you have it).
    families
        Families to detect (default: all of the lexicon).
    lexicon
        A lexicon name (:func:`load_lexicon`) or a :class:`Lexicon`.

    Examples
    --------
    >>> docs = pl.DataFrame({"doc_id": ["d"], "text": [
    ...     "Title\\nIt is no coincidence that the so-called «experts» praise the Kyiv regime."]})
    >>> hits = rhetoric_hits(docs, {"d": [(6, 79)]})
    >>> for row in hits.select("family", "term", "start", "end", "sentence_no").iter_rows():
    ...     print(row)
    ('insinuation', 'it is no coincidence', 6, 26, 1)
    ('delegitimizing', 'so-called', 36, 45, 1)
    ('scare_quotes', '«experts»', 46, 55, 1)
    ('labelling', 'Kyiv regime', 67, 78, 1)
    >>> docs["text"][0][46:55], docs["text"][0][67:78]
    ('«experts»', 'Kyiv regime')
    """
    lex = _lexicon(lexicon)
    chosen = _families(lex, families)
    rows = _docs_rows(docs)
    want_scare = any(lex.family(f).detector == "scare_quotes" for f in chosen)
    if want_scare and quotes is None:
        quotes = quotes_mod.quotes_table(docs, spans)
    attributed = _attributed(quotes)
    lexical = [f for f in chosen if lex.family(f).detector == "lexicon"]
    scare = [lex.family(f) for f in chosen if lex.family(f).detector == "scare_quotes"]
    out: list[tuple[Any, ...]] = []
    for doc_id, text in rows:
        body = _body(text, spans.get(doc_id, []))
        if not body.spans:
            continue
        found = [(f, s, e, c.term, c.technique) for f, s, e, c in _lexicon_hits(body, lex, lexical)]
        for fam in scare:
            for s, e in _scare_quotes(body, lex.scare_quotes, attributed.get(doc_id, [])):
                found.append((fam.name, s, e, text[s:e], fam.technique))
        for fam_name, s, e, term, technique in found:
            out.append(
                (doc_id, fam_name, technique, term, s, e, body.sentence_no(s), snippet(text, s, e))
            )
    frame = pl.DataFrame(out, schema=HITS_SCHEMA, orient="row")
    return frame.sort("doc_id", "start", "end", "family", "term")


# --------------------------------------------------------------------------------------------
# Counts


def word_counts(bodies: pl.DataFrame) -> pl.DataFrame:
    """Words of each clean body (``bodies``: ``doc_id``, ``body``): :data:`WORDS_SCHEMA`.

    A word is a run of word characters, with inner apostrophes and hyphens (:data:`WORD_PATTERN`).

    >>> word_counts(pl.DataFrame({"doc_id": ["a"], "body": ["So-called «experts» don’t know."]}))
    shape: (1, 2)
    ┌────────┬───────┐
    │ doc_id ┆ words │
    │ ---    ┆ ---   │
    │ str    ┆ i64   │
    ╞════════╪═══════╡
    │ a      ┆ 4     │
    └────────┴───────┘
    """
    return bodies.select(
        pl.col("doc_id").cast(pl.String),
        pl.col("body").fill_null("").str.count_matches(WORD_PATTERN).cast(pl.Int64).alias("words"),
    ).sort("doc_id")


def rhetoric_counts(
    hits: pl.DataFrame,
    bodies: pl.DataFrame,
    families: Iterable[str] | None = None,
    lexicon: str | Lexicon = "default",
) -> pl.DataFrame:
    """The ``rhetoric`` table (:data:`RHETORIC_SCHEMA`): every family for every document.

    ``bodies`` has ``doc_id`` and either ``words`` (:func:`word_counts`) or ``body`` (the
    ``bodies`` table of :mod:`analysis.provenance.boilerplate`). Raises ``ValueError`` when
    ``hits`` name a
    document missing from ``bodies`` or a family not counted, so that every count is backed by
    exactly ``count`` hits.

    >>> hits = pl.DataFrame({"doc_id": ["a"], "family": ["loaded"]})
    >>> words = pl.DataFrame({"doc_id": ["a", "b"], "words": [500, 0]})
    >>> for row in rhetoric_counts(hits, words, families=["loaded", "hedges"]).iter_rows():
    ...     print(row)
    ('a', 'hedges', 0, 0.0)
    ('a', 'loaded', 1, 2.0)
    ('b', 'hedges', 0, None)
    ('b', 'loaded', 0, None)
    """
    chosen = _families(_lexicon(lexicon), families)
    words = bodies if "words" in bodies.columns else word_counts(bodies)
    words = words.select(pl.col("doc_id").cast(pl.String), pl.col("words").cast(pl.Int64))
    missing = set(hits["doc_id"].unique().to_list()) - set(words["doc_id"].to_list())
    if missing:
        raise ValueError(f"hits of documents without a body: {sorted(missing)[:5]}")
    stray = set(hits["family"].unique().to_list()) - set(chosen)
    if stray:
        raise ValueError(f"hits of families not counted: {sorted(stray)}")
    grid = words.join(
        pl.DataFrame({"family": list(chosen)}, schema={"family": pl.String()}), how="cross"
    )
    counts = hits.group_by("doc_id", "family").agg(pl.len().cast(pl.Int64).alias("count"))
    out = grid.join(counts, on=["doc_id", "family"], how="left").with_columns(
        pl.col("count").fill_null(0)
    )
    per_1k = pl.when(pl.col("words") > 0).then(pl.col("count") * 1000.0 / pl.col("words"))
    return (
        out.select("doc_id", "family", "count", per_1k.alias("per_1k_words"))
        .cast(RHETORIC_SCHEMA)  # type: ignore[arg-type]
        .sort("doc_id", "family")
    )


# --------------------------------------------------------------------------------------------
# Actors


def actor_mentions(
    docs: pl.DataFrame,
    spans: Mapping[str, Sequence[tuple[int, int]]],
    lexicon: str | Lexicon = "default",
) -> pl.DataFrame:
    """The ``actor_mentions`` table (:data:`MENTIONS_SCHEMA`): every actor reference in the bodies.

    >>> docs = pl.DataFrame({"doc_id": ["d"], "text": [
    ...     "Astana told Washington Post that Moscow and the West disagree."]})
    >>> actor_mentions(docs, {"d": [(0, 62)]}).select("bloc", "actor", "start").rows()
    [('kazakhstan', 'Astana', 0), ('russia', 'Moscow', 33), ('west', 'the West', 48)]
    """
    lex = _lexicon(lexicon)
    matcher = lex._actor_matcher
    out: list[tuple[Any, ...]] = []
    for doc_id, text in _docs_rows(docs) if matcher else []:
        body = _body(text, spans.get(doc_id, []))
        regex, ordered = matcher
        for lo, hi in body.spans:
            for m in regex.finditer(text, lo, hi):
                c = ordered[int(m.lastgroup[1:])]  # type: ignore[index]
                s, e = m.span()
                out.append(
                    (
                        doc_id,
                        c.group,
                        c.actor,
                        c.term,
                        s,
                        e,
                        body.sentence_no(s),
                        snippet(text, s, e),
                    )
                )
    frame = pl.DataFrame(out, schema=MENTIONS_SCHEMA, orient="row")
    return frame.sort("doc_id", "start", "end", "bloc", "actor")


def actor_counts(mentions: pl.DataFrame) -> pl.DataFrame:
    """The ``actors`` table (:data:`ACTORS_SCHEMA`) of some ``actor_mentions``.

    >>> m = pl.DataFrame({"doc_id": ["d", "d"], "bloc": ["west"] * 2, "actor": ["NATO"] * 2})
    >>> actor_counts(m).rows()
    [('d', 'west', 'NATO', 2)]
    """
    return (
        mentions.group_by("doc_id", "bloc", "actor")
        .agg(pl.len().cast(pl.Int64).alias("count"))
        .cast(ACTORS_SCHEMA)  # type: ignore[arg-type]
        .select(list(ACTORS_SCHEMA))
        .sort("doc_id", "bloc", "actor")
    )


def actor_pairs(mentions: pl.DataFrame) -> pl.DataFrame:
    """The ``actor_pairs`` table (:data:`PAIRS_SCHEMA`): sentences naming two blocs.

    A sentence that names blocs A, B and C counts once for each of the pairs AB, AC and BC.

    >>> m = pl.DataFrame({"doc_id": ["d"] * 4, "bloc": ["west", "russia", "west", "china"],
    ...                   "sentence_no": [1, 1, 2, 3]})
    >>> actor_pairs(m).rows()
    [('d', 'russia', 'west', 1)]
    """
    blocs = mentions.select("doc_id", "sentence_no", "bloc").unique()
    pairs = blocs.join(blocs, on=["doc_id", "sentence_no"], suffix="_b").filter(
        pl.col("bloc") < pl.col("bloc_b")
    )
    return (
        pairs.group_by("doc_id", pl.col("bloc").alias("bloc_a"), "bloc_b")
        .agg(pl.len().cast(pl.Int64).alias("sentences"))
        .cast(PAIRS_SCHEMA)  # type: ignore[arg-type]
        .select(list(PAIRS_SCHEMA))
        .sort("doc_id", "bloc_a", "bloc_b")
    )


# --------------------------------------------------------------------------------------------
# Keyword in context

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


# --------------------------------------------------------------------------------------------
# Validation against the Propaganda Techniques Corpus


def read_ptc(
    articles_dir: str | Path, labels_path: str | Path
) -> tuple[pl.DataFrame, dict[str, list[tuple[int, int]]], pl.DataFrame]:
    """The PTC articles as ``docs`` (``doc_id`` = article id, ``text``), their body spans (every
    non-empty line: title and body) and the labels (:data:`LABELS_SCHEMA`).

    Files are decoded as UTF-8 without newline translation, a byte-order mark kept as a character:
    the label offsets count it.
    """
    rows = []
    for path in sorted(Path(articles_dir).glob("article*.txt")):
        rows.append((path.stem.removeprefix("article"), path.read_bytes().decode("utf-8")))
    docs = pl.DataFrame(rows, schema={"doc_id": pl.String(), "text": pl.String()}, orient="row")
    spans = {d: line_spans(t) for d, t in rows}
    labels = pl.read_csv(labels_path, separator="\t", schema=LABELS_SCHEMA)
    return docs, spans, labels


def _overlaps(a: Sequence[tuple[int, int]], s: int, e: int) -> list[int]:
    return [i for i, (x, y) in enumerate(a) if x < e and s < y]


def score_hits(hits: pl.DataFrame, labels: pl.DataFrame, by: ScoreBy = "technique") -> pl.DataFrame:
    """Span-level precision and recall of ``hits`` against annotated spans.

    A hit is correct when it overlaps an annotated span of its technique in its document; an
    annotated span is found when a hit of its technique overlaps it. ``labels`` has
    ``article_id`` (the hits' ``doc_id``), ``technique``, ``start``, ``end``. Rows follow
    :data:`TECHNIQUES` (``by="technique"``: every technique, with zeros where no detector
    stands for it), or families and terms in lexicon order of their technique; hits without a
    technique are scored for ``in_any_span`` only.

    >>> hits = pl.DataFrame({"doc_id": ["1", "1"], "family": ["loaded", "loaded"],
    ...     "technique": ["Loaded_Language"] * 2, "term": ["sham", "evil"], "start": [0, 20],
    ...     "end": [4, 24]})
    >>> labels = pl.DataFrame({"article_id": ["1", "1"], "technique": ["Loaded_Language", "Doubt"],
    ...     "start": [0, 10], "end": [8, 30]})
    >>> score_hits(hits, labels).filter(pl.col("hits") > 0).rows()
    [('Loaded_Language', 2, 1, 0.5, 1, 1, 1.0, 1.0)]
    """
    spans: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    anyspans: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for a, t, s, e in labels.select("article_id", "technique", "start", "end").iter_rows():
        spans[(str(a), t)].append((s, e))
        anyspans[str(a)].append((s, e))
    keys = {"technique": ["technique"], "family": ["family", "technique"]}.get(
        by, ["family", "term", "technique"]
    )
    stats: dict[tuple[Any, ...], dict[str, Any]] = {}
    cols = ["doc_id", "family", "term", "technique", "start", "end"]
    for doc_id, family, term, technique, s, e in hits.select(cols).iter_rows():
        row = {"family": family, "term": term, "technique": technique}
        key = tuple(row[k] for k in keys)
        st = stats.setdefault(key, {"hits": 0, "correct": 0, "any": 0, "found": set()})
        st["hits"] += 1
        st["any"] += bool(_overlaps(anyspans.get(doc_id, []), s, e))
        if technique is not None:
            found = _overlaps(spans.get((doc_id, technique), []), s, e)
            st["correct"] += bool(found)
            st["found"].update((doc_id, i) for i in found)
    if by == "technique":
        for t in TECHNIQUES:
            stats.setdefault((t,), {"hits": 0, "correct": 0, "any": 0, "found": set()})
    annotated = labels.group_by("technique").len()
    n_annotated = dict(annotated.iter_rows())
    order = {t: i for i, t in enumerate(TECHNIQUES)}
    rows = []
    for key, st in stats.items():
        technique = key[-1]
        n_ann = int(n_annotated.get(technique, 0)) if technique is not None else 0
        hits_n, correct = st["hits"], st["correct"]
        rows.append(
            (
                *key,
                hits_n,
                correct if technique is not None else 0,
                correct / hits_n if hits_n and technique is not None else None,
                n_ann,
                len(st["found"]),
                len(st["found"]) / n_ann if n_ann else None,
                st["any"] / hits_n if hits_n else None,
            )
        )
    rows.sort(key=lambda r: (order.get(r[len(keys) - 1], len(order)), *map(str, r[: len(keys)])))
    return pl.DataFrame(rows, schema=VALIDATION_SCHEMAS[by], orient="row")


def validate_ptc(
    articles_dir: str | Path,
    labels_path: str | Path,
    *,
    families: Iterable[str] | None = None,
    lexicon: str | Lexicon = "default",
    by: ScoreBy = "technique",
) -> pl.DataFrame:
    """Precision and recall of the cue detectors on the Propaganda Techniques Corpus.

    Every non-empty line of an article (title and body) is body. Columns:
    :data:`VALIDATION_SCHEMAS` ``[by]``; see :func:`score_hits`. The lexicons were tuned on these
    articles: the figures are in-sample.
    """
    docs, spans, labels = read_ptc(articles_dir, labels_path)
    hits = rhetoric_hits(docs, spans, families=families, lexicon=lexicon)
    return score_hits(hits, labels, by=by)


__all__ = [
    "ACTORS_SCHEMA",
    "HITS_SCHEMA",
    "KWIC_COLUMNS",
    "LABELS_SCHEMA",
    "MENTIONS_SCHEMA",
    "PAIRS_SCHEMA",
    "RHETORIC_SCHEMA",
    "TECHNIQUES",
    "VALIDATION_SCHEMAS",
    "WORDS_SCHEMA",
    "WORD_PATTERN",
    "Cue",
    "Detector",
    "Family",
    "Lexicon",
    "ScareQuoteSettings",
    "ScoreBy",
    "actor_counts",
    "actor_mentions",
    "actor_pairs",
    "kwic",
    "load_lexicon",
    "plain",
    "read_ptc",
    "rhetoric_counts",
    "rhetoric_hits",
    "score_hits",
    "sentence_spans",
    "term_regex",
    "validate_ptc",
    "word_counts",
]


def filter_hits(
    hits: pl.DataFrame, *, families: Iterable[str] | None = None, term: str = ""
) -> pl.DataFrame:
    """Hits of the given ``families`` whose term contains ``term`` (case-insensitive).

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
