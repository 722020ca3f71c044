"""Bounds on when an undated document was written, from the dates and dated events it refers to.

Two methods, each giving evidence (offsets into the original text):

- ``explicit date``: a date the text states ("March 16, 2022", "in December 2022", "in 2014"),
  unless the words just before it speak of the future ("scheduled for", "until", "by", "will",
  "next"). The text was written on or after the start of the latest such date.
- ``dated event``: an event from ``data/events.yaml`` ("the Bali G20 summit", "the upcoming
  parliamentary elections"), which bounds the writing date from below (``after``) or above
  (``before``).

Relative dates ("last Monday", "November last year") are not resolved.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Literal

from analysis.core.data import load_yaml
from analysis.text import casefold
from analysis.text.casefold import lower_pattern, lowered

__all__ = [
    "FUTURE_WINDOW",
    "MONTHS",
    "Bound",
    "Event",
    "Relation",
    "date_bounds",
    "load_events",
    "tightest",
]

MONTHS = [
    *("january", "february", "march", "april", "may", "june"),
    *("july", "august", "september", "october", "november", "december"),
]
_MONTH = "|".join(MONTHS)
_EXPLICIT = re.compile(
    rf"\b(?:(?P<m1>{_MONTH})\s+(?P<d1>\d{{1,2}}),\s+(?P<y1>(?:19|20)\d\d)"
    rf"|(?P<d2>\d{{1,2}})\s+(?P<m2>{_MONTH})\s+(?P<y2>(?:19|20)\d\d)"
    rf"|(?P<d3>\d{{2}})\.(?P<mo3>\d{{2}})\.(?P<y3>(?:19|20)\d\d)"
    rf"|(?P<m4>{_MONTH})\s+(?P<y4>(?:19|20)\d\d)"
    rf"|\bin\s+(?P<y5>(?:19|20)\d\d)\b(?!\s*[-–]))",
    re.IGNORECASE,
)
_FUTURE = re.compile(
    r"(?:scheduled|planned|postponed|due|expected|set)\s+(?:for|to|until)\s*$"
    r"|\b(?:until|till|up to|by|before)\s+(?:the\s+)?(?:(?:end|beginning|start|middle)\s+of\s+)?$"
    r"|\bwill\b|\bnext\b",
    re.IGNORECASE,
)
#: Characters before a date searched for future-tense cues.
FUTURE_WINDOW = 40

Relation = Literal["after", "before"]


@dataclass(frozen=True)
class Bound:
    """The text was written ``relation`` ``date``; evidence at ``start:end``."""

    relation: Relation
    date: dt.date
    start: int
    end: int
    method: str


@dataclass(frozen=True)
class Event:
    id: str
    pattern: re.Pattern[str]
    date: dt.date
    relation: Relation
    note: str


@cache
def load_events() -> tuple[int, tuple[Event, ...]]:
    """Version and events of ``data/events.yaml``."""
    data = load_yaml("events.yaml")
    events = tuple(
        Event(
            e["id"],
            re.compile(e["pattern"], re.IGNORECASE),
            e["date"] if isinstance(e["date"], dt.date) else dt.date.fromisoformat(e["date"]),
            e["relation"],
            e["note"],
        )
        for e in data["events"]
    )
    return int(data["version"]), events


@cache
def _events_lowered(
    events: tuple[Event, ...],
) -> tuple[re.Pattern[str] | None, tuple[re.Pattern[str] | None, ...]]:
    """Every event's pattern for a lower-cased text, and one pattern for "any event"."""
    each = tuple(lower_pattern(e.pattern) for e in events)
    fast = [p for p in each if p is not None]
    if len(fast) < len(each) or any(p.groups for p in fast) or len({p.flags for p in fast}) > 1:
        return None, each  # joined, groups would be renumbered or flags lost: no "any" pattern
    joined = re.compile("|".join(f"(?:{p.pattern})" for p in fast), fast[0].flags) if fast else None
    return joined, each


def _explicit_date(m: re.Match[str]) -> dt.date | None:
    g = m.groupdict()
    try:
        if g["y1"]:
            return dt.date(int(g["y1"]), MONTHS.index(g["m1"].lower()) + 1, int(g["d1"]))
        if g["y2"]:
            return dt.date(int(g["y2"]), MONTHS.index(g["m2"].lower()) + 1, int(g["d2"]))
        if g["y3"]:
            return dt.date(int(g["y3"]), int(g["mo3"]), int(g["d3"]))
        if g["y4"]:
            return dt.date(int(g["y4"]), MONTHS.index(g["m4"].lower()) + 1, 1)
        return dt.date(int(g["y5"]), 1, 1)
    except ValueError:  # 31 February and the like
        return None


def date_bounds(text: str, spans: Iterable[tuple[int, int]]) -> list[Bound]:
    """Every bound found in the body ``spans`` of ``text``, in text order.

    >>> [(b.relation, b.date.isoformat(), b.method) for b in date_bounds(
    ...     "Talks were held in December 2022; elections are scheduled for March 2024.", [(0, 74)])]
    [('after', '2022-12-01', 'explicit date')]
    """
    _, events = load_events()
    spans = sorted(spans)
    starts = [s for s, _ in spans]

    def span_of(m: re.Match[str]) -> tuple[int, int] | None:
        i = bisect.bisect_right(starts, m.start()) - 1
        if i >= 0 and m.end() <= spans[i][1]:
            return spans[i]
        return None

    low = lowered(text)  # the same spans, found faster (analysis.text.casefold)
    out: list[Bound] = []
    for m in casefold.finditer(_EXPLICIT, text, low):
        span = span_of(m)
        if span is None:
            continue
        before = text[max(span[0], m.start() - FUTURE_WINDOW) : m.start()]
        when = _explicit_date(m)
        if when is not None and not _FUTURE.search(before):
            out.append(Bound("after", when, m.start(), m.end(), "explicit date"))
    any_event, each_lower = _events_lowered(events)
    if low is not None and any_event is not None and not any_event.search(low):
        events = ()  # no event named anywhere in the text
    for event, fast in zip(events, each_lower[: len(events)], strict=True):
        found = fast.finditer(low) if low is not None and fast is not None else None
        for m in found if found is not None else event.pattern.finditer(text):
            if span_of(m) is not None:
                method = f"dated event: {event.id}"
                out.append(Bound(event.relation, event.date, m.start(), m.end(), method))
    return sorted(out, key=lambda b: (b.start, b.end, b.method))


def tightest(bounds: Iterable[Bound]) -> tuple[Bound | None, Bound | None]:
    """The latest ``after`` bound and the earliest ``before`` bound (first mention on ties)."""
    after = [b for b in bounds if b.relation == "after"]
    before = [b for b in bounds if b.relation == "before"]
    lo = max(after, key=lambda b: (b.date, -b.start)) if after else None
    hi = min(before, key=lambda b: (b.date, b.start)) if before else None
    return lo, hi
