"""What the page header reader looks for: its settings, its result types and the patterns of
``data/page_metadata.yaml`` compiled."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any, NamedTuple

from analysis.core.data import load_yaml

__all__ = [
    "AFTER",
    "AFTER_PENALTY",
    "BEFORE",
    "BYLINE_LINES_AFTER",
    "DISTANCE_PENALTY",
    "FOOT_BEFORE",
    "FOOT_LINES",
    "HEADER_LINES",
    "LEAD_BONUS",
    "LEAD_WORDS",
    "LINES_AFTER_START",
    "LINES_BEFORE_BODY",
    "LINES_BEFORE_TITLE",
    "META_BONUS",
    "REPEAT_BONUS",
    "STANDFIRST_LENGTH",
    "STANDFIRST_MARGIN",
    "TITLE_LINES",
    "TITLE_LINES_AFTER",
    "Gap",
    "Meta",
    "rules",
]

#: Characters searched before the body start.
BEFORE = 3000
#: Characters searched after the body start.
AFTER = 1500
#: Non-empty lines before the body start that may hold the headline.
TITLE_LINES = 40
#: Non-empty lines before the headline that may still hold the byline or date.
LINES_BEFORE_TITLE = 3
#: Non-empty lines after the body start that may still hold the byline or date.
LINES_AFTER_START = 3
#: Non-empty lines after the body start that may still hold an explicit byline ("By X").
BYLINE_LINES_AFTER = 8
#: Non-empty lines after the body start searched, when the header holds no byline or date, for a
#: byline-and-date block further down (a standfirst, a summary box or a picture came first).
BLOCK_LINES = 25
#: Non-empty lines after the article's last paragraph searched, when the header holds no byline
#: or date, for a byline-and-date block at the foot of the article ("Datum 28.04.2023",
#: "Autor: Jane Roe", "Jane Roe — 2013-09-29 — in Code").
FOOT_LINES = 12
#: Characters before the body's end the foot reader reads (the body's last line, whole).
FOOT_BEFORE = 200
#: Non-empty lines before the body start always searched for byline and date.
LINES_BEFORE_BODY = 6
#: Title score lost per non-empty line between a candidate headline and the body start.
DISTANCE_PENALTY = 0.2
#: Non-empty lines before the body start searched for byline and date when no headline is found.
HEADER_LINES = 12
#: Non-empty lines after the body start that may still hold the headline (the body start a
#: classifier gives is sometimes the headline itself or a caption or standfirst above it).
TITLE_LINES_AFTER = 4
#: Prose words after a candidate headline compared with its words (the article's lead).
LEAD_WORDS = 250
#: Title score gained when every word of a candidate headline recurs in the lead.
LEAD_BONUS = 4.0
#: Title score gained by a line followed by a byline or a date line.
META_BONUS = 3.0
#: Title score gained by a line repeated in the page head (the site's title bar, breadcrumbs).
REPEAT_BONUS = 2.5
#: A line at least this share of the headline-like line above it in words can be its standfirst.
STANDFIRST_LENGTH = 0.9
#: A headline-like line right above the best-scoring one wins when that one reads as its
#: standfirst and the headline scores at most this much less (the standfirst shares more words
#: with the lead and sits nearer the byline, which the score rewards).
STANDFIRST_MARGIN = 5.0
#: Title score lost by a line after the body start.
AFTER_PENALTY = 1.0


@dataclass(frozen=True)
class Meta:
    """A value read from the page, the rule that found it and the evidence range in the text.

    ``value`` is a string, except for authors (a tuple of names as written).
    """

    value: str | tuple[str, ...]
    method: str
    start: int
    end: int


@dataclass(frozen=True)
class Gap:
    """Why a field stays empty."""

    reason: str


class _Line(NamedTuple):
    start: int
    end: int
    text: str


class _Date(NamedTuple):
    start: int  # offsets into the page text
    end: int
    iso: str
    label: str | None  # "published", "updated" or None
    zone: str | None  # name of the stated time zone


@dataclass(frozen=True)
class _Rules:
    version: int
    dates: tuple[tuple[str, re.Pattern[str], str | None], ...]
    time: re.Pattern[str]
    zones: tuple[tuple[str, re.Pattern[str], str], ...]
    labels: tuple[tuple[str, re.Pattern[str]], ...]
    label_words: re.Pattern[str]
    not_article_date: re.Pattern[str]
    comment_section: re.Pattern[str]
    relative_time: re.Pattern[str]
    partial_date: re.Pattern[str]
    nav: re.Pattern[str]
    not_title: re.Pattern[str]
    role_words: frozenset[str]
    role_modifiers: frozenset[str]
    not_name_words: frozenset[str]
    particles: frozenset[str]
    name_split: re.Pattern[str]
    name_cut: re.Pattern[str]
    prefixes: tuple[tuple[str, re.Pattern[str]], ...]
    inline_byline: re.Pattern[str]
    not_byline_before: re.Pattern[str]
    agency_line: re.Pattern[str]
    agency_start: re.Pattern[str]
    datelines: tuple[tuple[str, re.Pattern[str]], ...]
    not_places: frozenset[str]
    months: dict[str, int]


def _compile(pattern: str, case: bool = False) -> re.Pattern[str]:
    return re.compile(pattern, 0 if case else re.IGNORECASE)


@cache
def rules() -> _Rules:
    """``data/page_metadata.yaml``, compiled once.

    >>> rules().version >= 1
    True
    >>> rules().months["jan"], rules().months["марта"]
    (1, 3)
    """
    data: dict[str, Any] = load_yaml("page_metadata.yaml")
    months = {str(name): int(number) for number, names in data["months"].items() for name in names}
    month_alt = "|".join(re.escape(m) for m in sorted(months, key=len, reverse=True))
    month_re = f"(?:{month_alt})(?![^\\W\\d_])"
    dates = tuple(
        (e["name"], _compile(e["pattern"].replace("{MONTH}", month_re)), e.get("order"))
        for e in data["dates"]
    )
    zones = tuple(
        (e["name"], _compile(e["pattern"], e.get("case", False)), str(e["offset"]))
        for e in data["timezones"]
    )
    tails, weekdays = data["label_tails"], data["weekdays"]
    labels = tuple(
        (kind, _compile(f"(?:{words_})\\W*(?:(?:{tails})\\s+)?(?:(?:{weekdays})\\W*)?$"))
        for kind, words_ in data["date_labels"].items()
    )
    agencies = data["agencies"]
    joiners = "|".join(re.escape(j) for j in data["name_joiners"])
    return _Rules(
        version=int(data["version"]),
        dates=dates,
        time=_compile(data["time"]),
        zones=zones,
        labels=labels,
        label_words=_compile(
            f"\\b(?:last\\s+)?(?:{'|'.join(data['date_labels'].values())})(?!\\w)"
            f"(?:\\s+(?:{tails})(?!\\w))?\\s*:?"
        ),
        not_article_date=_compile("|".join(f"(?:{p})" for p in data["not_article_date"])),
        comment_section=_compile(data["comment_section"]),
        relative_time=_compile(data["relative_time"]),
        partial_date=_compile(data["partial_date"].replace("{MONTH}", month_re)),
        nav=_compile("|".join(f"(?:{p})" for p in data["nav_lines"])),
        not_title=_compile("|".join(f"(?:{p})" for p in data["not_title"])),
        role_words=frozenset(str(w).casefold() for w in data["role_words"]),
        role_modifiers=frozenset(str(w).casefold() for w in data["role_modifiers"]),
        not_name_words=frozenset(str(w).casefold() for w in data["not_name_words"]),
        particles=frozenset(str(w) for w in data["name_particles"]),
        name_split=_compile(f"\\s*(?:[,;&]|\\s(?:{joiners})\\s)\\s*"),
        name_cut=_compile(
            '(?:[|•·@(\\[{<:/\\\\«»"“”]|\\s[-–—]|[-–—]\\s|\\d|\\b(?:on|in|for|at|from|'
            "updated|published|posted|edited|photos?|with|via)\\s|"
            f"{month_re}\\.?\\s*\\d)"
        ),
        prefixes=tuple((e["name"], _compile(e["pattern"])) for e in data["byline_prefixes"]),
        inline_byline=_compile(data["inline_byline"]),
        not_byline_before=_compile(data["not_byline_before"]),
        agency_line=re.compile(
            f"^(?P<rest>.+?)\\s*(?:,|\\||/|[-–—])\\s*(?:the\\s+)?\\(?(?:{agencies})\\)?(?:\\s.*)?$",
            re.IGNORECASE,
        ),
        agency_start=re.compile(f"^(?:[Tt]he\\s+)?(?:{agencies})\\b"),
        datelines=tuple(
            (
                e["name"],
                _compile(e["pattern"].replace("{AGENCIES}", agencies), e.get("case", False)),
            )
            for e in data["datelines"]
        ),
        not_places=frozenset(str(w).casefold() for w in data["not_places"]),
        months=months,
    )
