"""The cue and actor lexicons (``data/rhetoric.yaml``, ``data/actors.yaml``) and their compiled
regular expressions (one trie per family)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import polars as pl

from analysis.core.data import load_yaml
from analysis.metrics.rhetoric._schema import (
    DEFAULT_DETECTOR,
    DETECTORS,
    TECHNIQUES,
    Detector,
    DetectorChoice,
)

__all__ = [
    "Cue",
    "Family",
    "Lexicon",
    "ScareQuoteSettings",
    "load_lexicon",
    "term_regex",
]


@dataclass(frozen=True)
class Family:
    """A cue family: what it stands for and how it is detected."""

    name: str
    technique: str | None
    detector: Detector
    description: str
    model: bool = False  # the family that counts the span model's hits of its technique


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
                bool(spec.get("model", False)),
            )
            for fam_name, spec in rhetoric["families"].items()
        )
        model_family: dict[str, str] = {}
        for fam in families:
            if fam.technique is not None and fam.technique not in TECHNIQUES:
                raise ValueError(f"family {fam.name}: unknown technique {fam.technique!r}")
            if fam.detector not in ("lexicon", "scare_quotes", "model"):
                raise ValueError(f"family {fam.name}: unknown detector {fam.detector!r}")
            if (fam.detector == "model" or fam.model) and fam.technique is None:
                raise ValueError(f"family {fam.name}: the span model's hits need a technique")
            if fam.detector == "model" and not fam.model:
                raise ValueError(f"family {fam.name}: detector model needs `model: true`")
            if fam.model and fam.technique in model_family:
                raise ValueError(
                    f"families {model_family[fam.technique]} and {fam.name} both count the "
                    f"span model's {fam.technique} hits"
                )
            if fam.model and fam.technique is not None:
                model_family[fam.technique] = fam.name
        technique_of = {f.name: f.technique for f in families}
        cues = tuple(
            _entry(e, "family", technique_of, case_sensitive=False) for e in rhetoric["cues"]
        )
        model_only = {f.name for f in families if f.detector == "model"}
        for c in cues:
            if c.group in model_only:
                raise ValueError(
                    f"cue {c.term!r}: family {c.group} is found by the span model only"
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

    def families_for(self, detector: DetectorChoice) -> tuple[str, ...]:
        """The families counted under ``detector``, in file order: all, less those the span
        model alone finds when ``detector`` is ``lexicon``."""
        if detector not in DETECTORS:
            raise ValueError(f"detector must be one of {list(DETECTORS)} (got {detector!r})")
        if detector == "lexicon":
            return tuple(f.name for f in self.families if f.detector != "model")
        return self.family_names

    @property
    def model_families(self) -> dict[str, str]:
        """The family that counts the span model's hits, per technique (``model: true``)."""
        return {f.technique: f.name for f in self.families if f.model and f.technique}

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
    if literal:  # escaped atoms (term_regex): it compiles, and only wildcards match nothing
        if not term.replace("*", "").split():
            raise ValueError(f"entry {e!r}: matches the empty string")
    else:  # compiled here only to check it (the lexicon's regexes merge the entries)
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


def _matched(m: re.Match[str], ordered: Sequence[Cue]) -> Cue:
    """The entry a match of a :func:`_compile` regex found (its last named group ``e<i>``)."""
    name = m.lastgroup
    if name is None:  # every alternative ends in a named group: a regex not made by _compile
        raise ValueError(f"{m.re.pattern[:60]!r} has no named group per entry")
    return ordered[int(name[1:])]


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


def _families(
    lex: Lexicon, families: Iterable[str] | None, detector: DetectorChoice = DEFAULT_DETECTOR
) -> tuple[str, ...]:
    """The families counted, in file order: ``families`` (default: all), less the families the
    span model alone finds when ``detector`` is ``lexicon`` (asking for one then is an error)."""
    counted = lex.families_for(detector)
    if families is None:
        return counted
    chosen = tuple(dict.fromkeys(families))
    unknown = [f for f in chosen if f not in lex.family_names]
    if unknown:
        raise ValueError(f"unknown families {unknown}; the lexicon has {list(lex.family_names)}")
    model_only = sorted(set(chosen) - set(counted))
    if model_only:
        raise ValueError(
            f"families {model_only} are found by the span model only: "
            "choose detector 'model' or 'both' to count them"
        )
    return tuple(f for f in lex.family_names if f in chosen)
