"""Headline, byline, publication date and dateline read from the plain text of any web page.

A page dump keeps everything a browser shows: menus, link lists, share rows, footers and
comments around the article. The article's metadata sits in a small header just before the
first paragraph of the body: the headline, often a byline and a date, sometimes a deck; the
dateline opens the first paragraph. Every function here reads only a window around the start of
the body (``BEFORE`` characters before it, ``AFTER`` after), so the cost is linear in that
window, and returns either a :class:`Meta` (value, the rule that found it and the character
range of the evidence in ``text``) or a :class:`Gap` saying why the field stays empty: an empty
field is better than a guess.

``body_start`` is the character offset of the first line of the article body when a classifier
knows it; when it is ``None`` the first prose paragraph
(:func:`analysis.provenance.boilerplate.is_prose`,
followed by more prose) stands in for it.

The patterns (navigation lines, byline forms, month names, date forms, labels, time zones,
agencies, datelines) are in ``data/page_metadata.yaml``; nothing depends on today's date and
relative dates ("2 hours ago") are never read as dates.

>>> page = (
...     "Skip to main content\\nHome\\nWorld\\n\\nUnited States to Lift Sudan Sanctions\\n\\n"
...     "By JEFFREY GETTLEMAN JAN. 13, 2017\\n\\n"
...     "NAIROBI, Kenya — The United States will lift sanctions on Sudan, officials said on "
...     "Friday, ending two decades of an embargo that has cut the country off from trade.\\n"
... )
>>> find_title(page).value
'United States to Lift Sudan Sanctions'
>>> find_authors(page).value
('JEFFREY GETTLEMAN',)
>>> find_published(page).value
'2017-01-13'
>>> find_dateline(page).value
'NAIROBI'
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from typing import Any, NamedTuple

from analysis.core.data import load_yaml
from analysis.provenance.boilerplate import is_prose, words

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
    not_article_date: re.Pattern[str]
    relative_time: re.Pattern[str]
    partial_date: re.Pattern[str]
    nav: re.Pattern[str]
    not_name_words: frozenset[str]
    particles: frozenset[str]
    name_split: re.Pattern[str]
    name_cut: re.Pattern[str]
    prefixes: tuple[tuple[str, re.Pattern[str]], ...]
    inline_byline: re.Pattern[str]
    not_byline_before: re.Pattern[str]
    agency_line: re.Pattern[str]
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
        not_article_date=_compile("|".join(f"(?:{p})" for p in data["not_article_date"])),
        relative_time=_compile(data["relative_time"]),
        partial_date=_compile(data["partial_date"].replace("{MONTH}", month_re)),
        nav=_compile("|".join(f"(?:{p})" for p in data["nav_lines"])),
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


# --- lines -------------------------------------------------------------------------------------

_LINE = re.compile(r"[^\r\n]+")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|::|·|•|»|/)\s+|\s*(?:_|\|)\s*")
_TRAIL = " \t\u00a0.,;:|•·–—-"


def _lines(text: str, lo: int, hi: int) -> list[_Line]:
    """Non-empty lines (stripped) that start in ``lo:hi``, with their offsets."""
    out = []
    for m in _LINE.finditer(text, lo, hi):
        raw = m.group()
        stripped = raw.strip()
        if stripped:
            start = m.start() + len(raw) - len(raw.lstrip())
            out.append(_Line(start, start + len(stripped), stripped))
    return out


def _line_start(text: str, pos: int) -> int:
    start = text.rfind("\n", max(0, pos - 1000), pos) + 1
    return start if start > 0 else max(0, pos - 1000) if pos > 1000 else 0


def _first_prose(text: str) -> int | None:
    """Offset of the first prose line followed by more prose within two lines, else the first."""
    first = None
    recent: list[tuple[int, bool]] = []
    for m in _LINE.finditer(text):
        line = m.group()
        if not line.strip():
            continue
        recent.append((m.start() + len(line) - len(line.lstrip()), is_prose(line)))
        if len(recent) > 3:
            recent.pop(0)
        if recent[0][1] and any(p for _, p in recent[1:]):
            return recent[0][0]
        if first is None and recent[-1][1]:
            first = recent[-1][0]
    return first if first is not None else next((s for s, p in recent if p), None)


def _norm(line: str) -> str:
    line = unicodedata.normalize("NFKC", line).casefold()
    line = line.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return " ".join(line.split()).strip(_TRAIL)


def _word_count(line: str) -> int:
    cjk = len(_CJK.findall(line))
    return len(words(line)) + (cjk + 1) // 2 if cjk else len(words(line))


def _is_nav(line: str) -> bool:
    return rules().nav.fullmatch(line.strip(_TRAIL + "›»>✕×")) is not None


# --- dates -------------------------------------------------------------------------------------


def _two_digit_year(y: str) -> int:
    return int(y) if len(y) == 4 else 2000 + int(y) if int(y) < 70 else 1900 + int(y)


def _calendar(m: re.Match[str], order: str | None) -> dt.date | None:
    groups = m.groupdict()
    year = _two_digit_year(groups["y"])
    if order is not None:
        a, b = int(groups["a"]), int(groups["b"])
        month, day = (a, b) if order == "us" else (b, a)
        if month > 12 and day <= 12:
            month, day = day, month
    else:
        day = int(groups["d"])
        month = int(groups["m"]) if groups.get("m") else rules().months[groups["mon"].casefold()]
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


_SKIP = re.compile(r"[\s,]*")


def _zone(text: str, pos: int) -> tuple[str, str, int] | None:
    """Time zone stated right at ``pos``: (name, ``+HH:MM``, end)."""
    rest = text[pos : pos + 40]
    skip = _SKIP.match(rest).end()  # type: ignore[union-attr]
    for name, pattern, offset in rules().zones:
        m = pattern.match(rest, skip)
        if not m:
            continue
        if offset == "explicit":
            sign = "-" if m["sign"] in "-−" else "+"
            hh, mm = int(m["hh"]), int(m["mm"] or 0)
            if hh > 14 or mm >= 60:
                continue
            offset = f"{sign}{hh:02d}:{mm:02d}"
        return name, offset, pos + m.end()
    return None


def _date_hits(text: str, line: _Line) -> list[_Date]:
    """Calendar dates in one line, with time, zone and label (published/updated) when stated."""
    r = rules()
    found: list[tuple[int, int, dt.date]] = []
    for _, pattern, order in r.dates:
        for m in pattern.finditer(line.text):
            day = _calendar(m, order)
            if day is not None and 1900 <= day.year <= 2099:
                found.append((m.start(), m.end(), day))
    found.sort(key=lambda f: (f[0], -f[1]))
    hits: list[_Date] = []
    last_end = 0
    for s, e, day in found:
        if s < last_end:
            continue
        start, end = line.start + s, line.start + e
        iso, zone_name = day.isoformat(), None
        t = r.time.match(text, end, min(len(text), end + 40))
        if t and _valid_time(t):
            hour = int(t["H"]) % 12 + (12 if (t["ap"] or "").lower() == "p" else 0)
            hour = hour if t["ap"] else int(t["H"])
            iso += f"T{hour:02d}:{t['M']}:{t['S'] or '00'}"  # seconds always, as ISO 8601 allows
            end = t.end()
            zone = _zone(text, end)
            if zone is not None:
                zone_name, offset, end = zone[0], zone[1], zone[2]
                iso += offset
        before = line.text[last_end:s]
        label = next((kind for kind, p in r.labels if p.search(before)), None)
        hits.append(_Date(start, end, iso, label, zone_name))
        last_end = max(e, end - line.start)
    return hits


def _valid_time(t: re.Match[str]) -> bool:
    hour = int(t["H"])
    return hour <= 12 if t["ap"] else hour <= 23


# --- names -------------------------------------------------------------------------------------

_TOKEN = re.compile(r"(?:[^\W\d_]\.){0,3}[^\W\d_](?:[\w'’\-]*[^\W\d_])?\.?|(?:[^\W\d_]\.){1,3}")


def _is_name(piece: str) -> bool:
    """Two to five capitalised words, particles and initials, none of them an interface word."""
    r = rules()
    tokens = piece.split()
    if not 2 <= len(tokens) <= 5:
        return False
    if tokens[0] in r.particles or tokens[-1] in r.particles:
        return False
    for token in tokens:
        if token in r.particles:
            continue
        if not _TOKEN.fullmatch(token) or not token[0].isupper():
            return False
        if token.strip(".").casefold() in r.not_name_words:
            return False
    return not all(len(t.strip(".")) == 1 for t in tokens)


def _is_cjk_name(piece: str) -> bool:
    return 2 <= len(piece) <= 4 and all(_CJK.match(c) for c in piece)


def _names(rest: str, whole: bool = False, cjk: bool = False) -> tuple[tuple[str, ...], int] | None:
    """Names at the start of ``rest`` and where they end; ``None`` when it holds no name.

    With ``whole``, everything after the names must be a date, a time or a separator.
    """
    r = rules()
    cut = r.name_cut.search(rest)
    head = rest[: cut.start()] if cut else rest
    if cut and cut.start() > 0 and rest[cut.start()].isdigit() and rest[cut.start() - 1].isalpha():
        return None  # a name glued to digits ("Jane Roe22 Dec"): a garbled byline, not read
    if whole and cut and _is_tail_noise(rest[cut.start() :]) is False:
        return None
    names: list[str] = []
    pos, end = 0, 0
    for piece in r.name_split.split(head):
        stripped = piece.strip(_TRAIL)
        start = head.find(piece, pos)
        pos = start + len(piece)
        if not stripped:
            continue
        if _is_name(stripped) or (cjk and _is_cjk_name(stripped)):
            names.append(stripped)
            end = head.find(stripped, start) + len(stripped)
        elif whole:
            return None
        else:
            break
    if names and cut and end == len(head.rstrip()):
        co = _CO_AUTHORS.match(rest, cut.start())
        found = _names(co["names"], whole=True) if co else None
        if found:  # "Jane Roe (with John Doe and Ann Poe)": the co-authors count too
            return (*names, *found[0]), co.end()  # type: ignore[union-attr]
    return (tuple(names), end) if names else None


#: Co-authors in brackets after a byline's names: "(with X and Y)", "(avec X et Y)".
_CO_AUTHORS = re.compile(
    r"\s*\(\s*(?:with|avec|con|mit|com|и|с)\s+(?P<names>[^()]{3,120})\)", re.IGNORECASE
)


def _is_tail_noise(tail: str) -> bool:
    """What may follow a bare name on its line: a date, a time, a relative time, a handle."""
    r = rules()
    tail = tail.strip(_TRAIL + "@")
    if not tail:
        return True
    tail = r.relative_time.sub(" ", tail)
    for _, pattern, _order in r.dates:
        tail = pattern.sub(" ", tail)
    tail = _TAIL_NOISE.sub(" ", tail)
    return not words(tail) or tail.startswith("@")


_TAIL_NOISE = re.compile(
    r"\b(?:on|at|\d{1,2}[:.]\d\d\s*(?:[ap]\.?m\.?)?|min(?:ute)?s?\s+read|\d+)\b|(?-i:\b[A-Z]{2,4}\b)",
    re.IGNORECASE,
)


_DOMAIN = re.compile(r"\w\.(?:com|net|org|co|gov|edu|info|tv)(?:\.[a-z]{2})?\b", re.I)


def _keys(line: str) -> set[str]:
    """Content words of a line (four letters or more), by their first five letters."""
    return {w.casefold()[:5] for w in words(line) if len(w) >= 4 and not w.isdigit()}


_OUTLET_TAIL = re.compile(r"\s*(?:,|\||/|[-–—•·])\s*(?P<outlet>[^\W\d_][\w.&'’ -]{1,40})$")
_CREDIT = re.compile(
    r"(?:image|photo|picture|credit|courtesy|source|caption|video|illustration)s?\s*:", re.I
)


@lru_cache(maxsize=16384)
def _byline_like(line: str) -> tuple[tuple[str, ...], int, str | None] | None:
    """A line that is only names, maybe with a date, a handle or an outlet: (names, end, outlet).

    >>> _byline_like("Erin Hitchcock, Burnaby Now")
    (('Erin Hitchcock',), 14, 'Burnaby Now')
    >>> _byline_like("Recent Activities") is None
    True
    """
    found = _names(line, whole=True)
    if found:
        return found[0], found[1], None
    m = _OUTLET_TAIL.search(line)
    if m is None or len(m["outlet"].split()) > 4 or not m["outlet"][0].isupper():
        return None
    found = _names(line[: m.start()], whole=True)
    return (found[0], found[1], m["outlet"]) if found else None


def _ui_share(line: str) -> float:
    """Share of the line's words that are interface words (``not_name_words``)."""
    ws = [w for w in words(line) if w.casefold() not in _FUNCTION_WORDS]
    ui = rules().not_name_words
    return sum(1 for w in ws if w.casefold() in ui) / len(ws) if ws else 1.0


#: Words left out of :func:`_ui_share`.
_FUNCTION_WORDS = frozenset(
    "a an the and or of to in on for with at from by is are was be this that".split()  # noqa: SIM905
)


# --- the page header ---------------------------------------------------------------------------


class _Page:
    """The window around the body start, read once for all fields."""

    def __init__(self, text: str, body_start: int | None) -> None:
        self.text = text
        if body_start is None:
            prose = _first_prose(text)
            self.anchor = prose if prose is not None else min(len(text), BEFORE)
            self.anchor_method = "first prose paragraph"
        else:
            self.anchor = max(0, min(body_start, len(text)))
            self.anchor_method = "body start"
        lo = _line_start(text, max(0, self.anchor - BEFORE))
        hi = min(len(text), self.anchor + AFTER)
        self.lines = _lines(text, lo, hi)
        self.body = next(
            (i for i, ln in enumerate(self.lines) if ln.end > self.anchor), len(self.lines)
        )
        self.top = _lines(text, 0, min(len(text), 2000, lo)) if lo > 0 else []

    # per-line facts ---------------------------------------------------------------------------

    @cached_property
    def dates(self) -> list[list[_Date]]:
        r = rules()
        out: list[list[_Date]] = []
        for line in self.lines:
            if r.not_article_date.search(line.text) or not any(c.isdigit() for c in line.text):
                out.append([])
            else:
                out.append(_date_hits(self.text, line))
        return out

    def is_date_line(self, i: int) -> bool:
        """A short line carrying a date (or a relative time): header metadata."""
        return 0 <= i < len(self.lines) and self.date_flags[i]

    @cached_property
    def date_flags(self) -> list[bool]:
        return [self._is_date_line(i) for i in range(len(self.lines))]

    @cached_property
    def meta_flags(self) -> list[bool]:
        return [self._is_meta_line(i) for i in range(len(self.lines))]

    def _is_date_line(self, i: int) -> bool:
        line = self.lines[i].text
        if is_prose(line) or _word_count(line) > 16:
            return False
        r = rules()
        return bool(self.dates[i] or r.relative_time.search(line) or r.partial_date.search(line))

    @cached_property
    def byline_lines(self) -> dict[int, tuple[tuple[str, ...], int, int, str]]:
        """Lines holding an explicit byline: index -> (names, start, end, method)."""
        out = {}
        for i in range(len(self.lines)):
            found = self._explicit_byline(i)
            if found is not None:
                out[i] = found
        return out

    def _explicit_byline(self, i: int) -> tuple[tuple[str, ...], int, int, str] | None:
        r = rules()
        line = self.lines[i]
        if _word_count(line.text) > 60:
            return None
        lead = len(line.text) - len(line.text.lstrip("/-–—•·|>»*#: "))
        for name, pattern in r.prefixes:
            m = pattern.match(line.text[lead:])
            if not m:
                continue
            rest, offset = m["rest"], line.start + lead + m.start("rest")
            if not rest.strip() and i + 1 < len(self.lines):
                nxt = self.lines[i + 1]
                rest, offset = nxt.text, nxt.start
            found = _names(rest, cjk=True)
            if found:
                return found[0], offset, offset + found[1], name
            return None
        m = r.agency_line.match(line.text) if _word_count(line.text) <= 12 else None
        if m:
            found = _names(m["rest"], whole=True)
            if found:
                return found[0], line.start, line.start + found[1], "name and news agency"
        m = r.inline_byline.search(line.text)
        if m is None or r.not_byline_before.search(line.text[: m.start()]):
            return None
        if self.dates[i] or re.search(r"[|•·]", line.text[: m.start()]):
            found = _names(m["rest"])
            if found:
                s = line.start + m.start("rest")
                return found[0], s, s + found[1], '"by" in a header line'
        return None

    def is_meta_line(self, i: int) -> bool:
        return self.meta_flags[i]

    def _is_meta_line(self, i: int) -> bool:
        if i in self.byline_lines or self.is_date_line(i):
            return True
        line = self.lines[i].text
        dated = (j for j in (i - 1, i + 1, i + 2) if 0 <= j < len(self.lines))
        return (
            _word_count(line) <= 12
            and _byline_like(line) is not None
            and any(self.is_date_line(j) for j in dated)
        )

    def meta_follows(self, i: int) -> bool:
        """A byline or date line within the three lines after line ``i`` (before the body when
        ``i`` is above it)."""
        stop = min(i + 4, self.body if i < self.body else len(self.lines))
        return any(self.is_meta_line(j) for j in range(i + 1, stop))

    def name_line(self, i: int) -> tuple[int, tuple[str, ...], int, int, str] | None:
        """A line that is only a name (with a date or a handle at most), placed like a byline."""
        line = self.lines[i]
        if i >= self.text_start + LINES_AFTER_START or _word_count(line.text) > 12:
            return None
        found = _byline_like(line.text)
        if not found:
            return None
        names, end, outlet = found
        span = (line.start, line.start + end)
        title = self.title_index()
        kind = "name line"
        if outlet:
            kind = "name and outlet line"
        if self.dates[i] or rules().relative_time.search(line.text):
            return 2, names, *span, f"{kind} with the date"
        if i > self.text_start or (i == self.text_start and not self.is_date_line(i + 1)):
            return None  # in the body, only a name line that opens it right above a date
        if any(self.is_date_line(j) for j in (i - 1, i + 1) if 0 <= j < len(self.lines)):
            return 2, names, *span, f"{kind} next to the date"
        if title is not None and (i == title + 1 or (i == title + 2 and self.is_deck(title + 1))):
            return 2, names, *span, f"{kind} under the headline"
        return None

    def is_deck(self, i: int) -> bool:
        """A standfirst: a sentence-like line under the headline."""
        line = self.lines[i].text
        return _word_count(line) >= 6 and not _is_nav(line) and _byline_like(line) is None

    # headline ---------------------------------------------------------------------------------

    @cached_property
    def repeats(self) -> tuple[Counter[str], set[str]]:
        """Normalised lines of the window and page top, and the parts of separated lines."""
        lines = [*self.top, *self.lines[: self.body + 1]]
        whole = Counter(_norm(ln.text) for ln in lines)
        parts = {
            _norm(p)
            for ln in lines
            if _SEPARATORS.search(ln.text)
            for p in _SEPARATORS.split(ln.text)
            if _word_count(p) >= 2
        }
        return whole, parts

    def title_score(self, i: int) -> float | None:
        line = self.lines[i].text
        n = _word_count(line)
        if n < 3 or n > 30 or len(line) > 250 or _is_nav(line):
            return None
        if (
            i in self.byline_lines
            or self.is_date_line(i)
            or re.search(r"https?://|www\.|©|@", line)
        ):
            return None
        if _CREDIT.match(line) or _ui_share(line) >= 0.75 or line.count(" > ") >= 2:
            return None
        if any(p.match(line.lstrip("/-–—•·|>»*#: ")) for _, p in rules().prefixes):
            return None
        if line.endswith((".", ",", ";", ":")) and not line.endswith("..."):
            if n > 12 or i > self.body:
                return None
            score = -2.0
        elif is_prose(line) and not line.endswith(("?", "!", '"', "”", "»", "'", "’")):
            return None
        else:
            score = 0.0
        if i <= self.body:
            score -= DISTANCE_PENALTY * min(self.body - i, 15)
        else:
            score -= AFTER_PENALTY + DISTANCE_PENALTY * min(abs(self.lead - i), 15)
        if self.meta_follows(i):
            score += META_BONUS
        score += LEAD_BONUS * self.lead_overlap(i)
        if _DOMAIN.search(line):
            score -= 2.5
        if line == line.casefold() and line != line.upper():
            score -= 2.0  # all lower case: a tag list or a slug, not a headline
        if any(self.is_date_line(j) for j in range(max(0, i - 2), i)):
            score += 1.0
        whole, parts = self.repeats
        norm = _norm(line)
        if whole[norm] >= 2 or norm in parts:
            score += REPEAT_BONUS
        if 4 <= n <= 18:
            score += 0.5
        if "|" in line or line.count(" - ") > 1:
            score -= 1.0
        if _byline_like(line) is not None:
            score -= 1.5
        if self.in_list(i):
            score -= 2.0
        elif self.in_run(i):
            score -= 1.0
        caps = [w for w in words(line) if w[:1].isupper()]
        if n <= 4 and len(caps) == n and whole[norm] < 2:
            score -= 0.5
        return score

    @cached_property
    def lead(self) -> int:
        """The first prose line from the body start on (within ``TITLE_LINES_AFTER`` * 4 lines):
        where the article's text starts when the body start falls on icons or furniture."""
        stop = min(len(self.lines), self.body + 4 * TITLE_LINES_AFTER)
        return next((j for j in range(self.body, stop) if self.prose_flags[j]), self.body)

    @cached_property
    def prose_flags(self) -> list[bool]:
        return [is_prose(ln.text) for ln in self.lines]

    def lead_overlap(self, i: int) -> float:
        """Share of the content words of line ``i`` that recur in the prose that follows it.

        A headline names what its article's lead is about; a menu item, a section name or a
        related headline mostly does not. Words are compared by their first five letters.
        """
        own = _keys(self.lines[i].text)
        if not own:
            return 0.0
        lead: set[str] = set()
        count = 0
        for j in range(i + 1, min(len(self.lines), i + 1 + TITLE_LINES)):
            if not self.prose_flags[j]:
                continue
            ws = words(self.lines[j].text)
            lead.update(_keys(" ".join(ws[: LEAD_WORDS - count])))
            count += len(ws)
            if count >= LEAD_WORDS:
                break
        return len(own & lead) / max(len(own), 4)

    def in_list(self, i: int) -> bool:
        """Line ``i`` looks like an item of a list of headlines with dates (related articles)."""
        n = len(self.lines)

        def headline(j: int) -> bool:
            return 0 <= j < n and j < self.body and _word_count(self.lines[j].text) >= 3

        def meta(j: int) -> bool:
            return 0 <= j < self.body and self.is_date_line(j)

        return (meta(i + 1) and headline(i + 2) and meta(i + 3)) or (
            meta(i - 1) and headline(i - 2) and meta(i + 1)
        )

    def in_run(self, i: int) -> bool:
        """Line ``i`` is inside a run of at least four headline-like lines (a link list)."""

        def short(j: int) -> bool:
            if not 0 <= j < self.body:
                return False
            line = self.lines[j].text
            return (
                3 <= _word_count(line) <= 16
                and not line.endswith((".", ":"))
                and not self.is_meta_line(j)
            )

        lo = hi = i
        while lo - 1 >= 0 and short(lo - 1) and i - lo < 4:
            lo -= 1
        while short(hi + 1) and hi - i < 4:
            hi += 1
        return hi - lo + 1 >= 4

    @cached_property
    def title(self) -> tuple[int, Meta] | Gap:
        first = max(0, self.body - TITLE_LINES)
        last = min(max(self.body, self.lead) + 1 + TITLE_LINES_AFTER, len(self.lines))
        scored = [
            (score, i)
            for i in range(first, last)
            if (score := self.title_score(i)) is not None and score > -3.0
        ]
        if not scored:
            return Gap(f"no headline-like line before the {self.anchor_method}")
        score, i = max(scored, key=lambda si: (si[0], si[1]))
        line = self.lines[i]
        whole, parts = self.repeats
        norm = _norm(line.text)
        if self.meta_follows(i):
            method = "headline line above the byline/date"
        elif whole[norm] >= 2 or norm in parts:
            method = "headline line repeated in the page head"
        else:
            method = f"headline-like line before the {self.anchor_method}"
        return i, Meta(line.text, method, line.start, line.end)

    # header zone ------------------------------------------------------------------------------

    @cached_property
    def zone(self) -> tuple[int, int]:
        """Line indices ``lo:hi`` of the article header (headline to the first body lines)."""
        title = self.title
        top = self.body if isinstance(title, Gap) else max(self.body, title[0])
        hi = min(len(self.lines), top + BYLINE_LINES_AFTER)
        if isinstance(title, Gap):
            return max(0, self.body - HEADER_LINES), hi
        return max(0, min(title[0] - LINES_BEFORE_TITLE, self.body - LINES_BEFORE_BODY)), hi

    def zone_indices(self) -> Iterator[int]:
        lo, hi = self.zone
        return iter(range(lo, hi))

    @cached_property
    def text_start(self) -> int:
        """The body start, or the line after the headline when the headline lies below it (the
        body start then fell on furniture or on the headline itself)."""
        t = self.title_index()
        return self.body if t is None or t < self.body else t + 1

    def title_index(self) -> int | None:
        return None if isinstance(self.title, Gap) else self.title[0]

    def order(self, i: int) -> tuple[int, int]:
        """Sort key of header evidence: below the headline first, then by distance from it."""
        t = self.title_index()
        return (0 if t is None or i > t else 1, self.near(i))

    def near(self, i: int) -> int:
        """Distance in lines from the headline (or the body start when there is none)."""
        t = self.title_index()
        return abs(i - (t if t is not None else self.body))


# --- public API --------------------------------------------------------------------------------


def find_title(text: str, body_start: int | None = None) -> Meta | Gap:
    """The headline: the title-like line closest above the byline/date and the body.

    Parameters
    ----------
    text
        The page as plain text, menus and footers included.
    body_start
        Character offset of the first line of the article body, when known.

    Returns
    -------
    Meta | Gap
        The headline line as written, or why there is none.

    Examples
    --------
    >>> page = ("Toggle navigation\\nNews\\nPolitics\\nTop stories\\n\\n"
    ...         "Kazakhstan Opens New Rail Link to China\\n\\nBy Aigerim Seitkali\\n\\n"
    ...         "ASTANA, 14 March 2024 – A new railway line linking the two countries was opened "
    ...         "on Thursday, the ministry of transport said in a statement.\\n")
    >>> find_title(page)
    Meta(value='Kazakhstan Opens New Rail Link to China', method='headline line above the \
byline/date', start=45, end=84)
    >>> find_title("Home\\nMenu\\n")
    Gap(reason='no headline-like line before the first prose paragraph')
    """
    return _title(_Page(text, body_start))


def _title(page: _Page) -> Meta | Gap:
    return page.title if isinstance(page.title, Gap) else page.title[1]


def find_authors(text: str, body_start: int | None = None) -> Meta | Gap:
    """Authors named by the byline of the article header, as a tuple of names as written.

    Bylines in their usual forms: "By X", "By X and Y", "By X, Y and Z", "BY X JAN. 13, 2017",
    "Written by X", "Posted by X", "Author: X", "Автор: X", "X, Reuters", a name line under the
    headline or next to the date ("X | Outlet", "X • 8h"). Job titles after a name are dropped.

    Examples
    --------
    >>> page = ("Menu\\n\\nTalks on Caspian Pipeline Resume\\n\\n"
    ...         "By Jane Roe, Senior Correspondent, and John Doe\\nMarch 3, 2024\\n\\n"
    ...         "Negotiators from five countries met again on Monday to settle the route of the "
    ...         "pipeline, which has been delayed for years by disputes over costs.\\n")
    >>> find_authors(page).value
    ('Jane Roe',)
    >>> find_authors("Home\\nView All Japan\\nRecent Activities\\n").reason
    'no byline near the headline'
    """
    return _authors(_Page(text, body_start))


def _authors(page: _Page) -> Meta | Gap:
    candidates = _byline_candidates(page, page.zone_indices())
    if not candidates:
        # Some headers put the byline and date above the headline, a few lines higher than
        # usual (app chrome, a deck or a photo in between): look higher, up to HEADER_LINES.
        lo = page.zone[0]
        candidates = _byline_candidates(page, range(max(0, min(lo, page.body - HEADER_LINES)), lo))
    if not candidates:
        return Gap("no byline near the headline")
    _, _, names, s, e, method = min(candidates, key=lambda c: (-c[0], *c[1]))
    return Meta(names, method, s, e)


def _byline_candidates(
    page: _Page, indices: Iterator[int] | range
) -> list[tuple[int, tuple[int, int], tuple[str, ...], int, int, str]]:
    candidates: list[tuple[int, tuple[int, int], tuple[str, ...], int, int, str]] = []
    title = page.title_index()
    for i in indices:
        if i == title:
            continue
        inline = page.byline_lines.get(i, ((), 0, 0, ""))[3] == '"by" in a header line'
        if i in page.byline_lines and (i < page.text_start + LINES_AFTER_START or not inline):
            names, s, e, method = page.byline_lines[i]
            candidates.append((3, page.order(i), names, s, e, method))
            continue
        found = page.name_line(i)
        if found is not None:
            rank, names, s, e, method = found
            candidates.append((rank, page.order(i), names, s, e, method))
    return candidates


def find_published(text: str, body_start: int | None = None) -> Meta | Gap:
    """Publication date (and time, with the stated zone) of the article, as ISO 8601.

    The date of the article header: a "Published" date wins over an unlabelled one, which wins
    over an "Updated" one; the dateline's date counts as unlabelled. Dates on site clocks
    ("Latest update"), copyright lines, comments and related-article lists far from the headline
    are not the article's.

    Examples
    --------
    >>> page = ("Latest update 15.03.2024 09:00\\n\\nNew Rail Link Opens to Freight\\n"
    ...         "Updated 16 March 2024\\nPublished 14 March 2024, 12:49 (Astana time)\\n\\n"
    ...         "The line links the two countries and will carry freight from next month, the "
    ...         "ministry said, adding that passenger trains would follow later.\\n")
    >>> find_published(page).value
    '2024-03-14T12:49:00+05:00'
    >>> find_published("Home\\nLatest update 15.03.2024 09:00\\n").reason
    'no date in the article header'
    """
    return _published(_Page(text, body_start))


def _published(page: _Page) -> Meta | Gap:
    hits: list[tuple[int, tuple[int, int], _Date, str]] = []
    rank = {"published": 0, None: 1, "dateline": 1, "updated": 2}
    for i in page.zone_indices():
        if i >= page.text_start + LINES_AFTER_START:
            break
        line = page.lines[i].text
        labelled = any(d.label for d in page.dates[i])
        if i >= page.text_start and not (page.is_date_line(i) or labelled):
            continue
        if i < page.text_start and is_prose(line) and not labelled:
            continue
        for d in page.dates[i]:
            hits.append((rank[d.label], page.order(i), d, f"{d.label or 'header'} date"))
    dateline = _dateline(page)
    if dateline is not None and dateline[1] is not None:
        hits.append((rank["dateline"], page.order(page.body), dateline[1], "dateline date"))
    if not hits:
        return Gap("no date in the article header")
    rank_, _, d, method = min(hits, key=lambda h: (h[0], *h[1], h[2].start))
    if rank_ == rank["updated"]:
        return Gap("only an update date in the article header, no publication date")
    if d.zone:
        method += f" with time zone ({d.zone})"
    return Meta(d.iso, method, d.start, d.end)


def _dateline(page: _Page) -> tuple[Meta, _Date | None] | None:
    r = rules()
    lo = max(0, page.body - LINES_BEFORE_BODY)
    hi = min(len(page.lines), page.body + LINES_AFTER_START)
    for i in range(lo, hi):
        line = page.lines[i]
        for name, pattern in r.datelines:
            m = pattern.match(line.text)
            if not m:
                continue
            group = "place" if m.group("place") else "place2"
            place = m.group(group).strip(" ,.")
            if place.casefold() in r.not_places or len(place) < 2:
                continue
            date = None
            groups = m.groupdict()
            chunk_group = "date" if groups.get("date") else "date2" if groups.get("date2") else None
            if chunk_group is not None:
                chunk = _Line(
                    line.start + m.start(chunk_group),
                    line.start + m.end(chunk_group),
                    m[chunk_group],
                )
                found = _date_hits(page.text, chunk)
                if not found and not re.search(r"\d", m[chunk_group]):
                    continue
                date = found[0] if found else None
                if date is not None:
                    date = date._replace(label="dateline")
            s = line.start + m.start(group)
            return Meta(place, f"dateline ({name})", s, s + len(m.group(group).rstrip(" ,."))), date
    return None


def find_dateline(text: str, body_start: int | None = None) -> Meta | Gap:
    """The place a piece was filed from, as written in the dateline opening the body.

    Examples
    --------
    >>> find_dateline("Headline Here Today\\n\\nASTANA, 14 March 2024 – The government said.\\n"
    ...               "More text follows in this paragraph of the article body here.\\n", 0).value
    'ASTANA'
    >>> find_dateline("MOSCOW, March 3 (Reuters) - Russia said on Friday that ...", 0).value
    'MOSCOW'
    >>> find_dateline("Prices rose in March, the office said.", 0).reason
    'no dateline at the start of the body'
    """
    return _place(_Page(text, body_start))


def _place(page: _Page) -> Meta | Gap:
    found = _dateline(page)
    return found[0] if found is not None else Gap("no dateline at the start of the body")


def read_page(text: str, body_start: int | None = None) -> dict[str, Meta | Gap]:
    """All four fields at once (the page header is read once).

    >>> sorted(read_page("Home\\n"))
    ['authors', 'dateline', 'published', 'title']
    """
    page = _Page(text, body_start)
    return {
        "title": _title(page),
        "authors": _authors(page),
        "published": _published(page),
        "dateline": _place(page),
    }
