"""The attribution lexicon (``data/attribution.yaml``), its compiled rules and the raw tokens."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any, NamedTuple

from analysis.core.data import load_yaml

__all__ = [
    "Attribution",
    "Tok",
    "load_attribution",
]


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


# Raw tokens: the units cues, roles and noun phrases are matched on.
#
# A token is a word (hyphens and apostrophes inside), a dotted abbreviation, or one other
# character. Each gets a class letter, and noun phrases are a regular expression over the string
# of class letters: D determiner, R role (multi-word roles are one token), M role modifier,
# C capitalised word, G organisation noun ("ministry", "report"), A parenthesised abbreviation
# "(KNB)", P connective (of, to, at, for, from), & "and", H person pronoun, "," comma, L the rest.

_TOKEN = re.compile(
    r"(?:[A-Z]\.){2,}|(?:Mr|Mrs|Ms|Dr|Prof|Gen|Sen|Rep|Gov|St)\.|[^\W_](?:\w|[-'’](?=[^\W_]))*|\S"
)


class Tok(NamedTuple):
    """A token of the text with its class letter."""

    text: str
    start: int
    end: int
    cls: str = "L"


def _raw_tokens(text: str, lo: int, hi: int) -> list[Tok]:
    # pos and endpos, not a slice: _TOKEN looks neither behind nor at the string's start, and
    # nothing after endpos is visible, so the matches are those of text[lo:hi], shifted.
    return [Tok(m.group(), *m.span()) for m in _TOKEN.finditer(text, lo, hi)]
