"""Lines of a page dump and what they hold: prose or navigation, dates with their zone, names and
byline forms."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import lru_cache

from analysis.provenance.boilerplate import is_prose, words
from analysis.provenance.linefeatures import LANGUAGE_WORDS, stoplist_language
from analysis.provenance.pagemeta._rules import _Date, _Line, rules

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


def _two_digit_year(y: str) -> int:
    return int(y) if len(y) == 4 else 2000 + int(y) if int(y) < 70 else 1900 + int(y)


def _slash_order(text: str) -> str:
    """How a page writes a/b/year dates: ``"us"`` (month first) or ``"dmy"``.

    A date on the page whose first or second number cannot be a month decides; otherwise an
    English page (:func:`~analysis.provenance.linefeatures.stoplist_language`) reads month first
    and any other page day first.

    >>> _slash_order("Posted 04/05/2024. Comments: 17/05/2024")
    'dmy'
    >>> _slash_order("Publié le 04/05/2024")
    'dmy'
    >>> _slash_order("Posted 04/05/2024 by the editor of the site")
    'us'
    """
    for _, pattern, order in rules().dates:
        if order != "us":
            continue
        for m in pattern.finditer(text):
            a, b = int(m["a"]), int(m["b"])
            if a > 12 >= b:
                return "dmy"
            if b > 12 >= a:
                return "us"
    sample = [w.casefold() for w in words(text[: LANGUAGE_WORDS * 8])]
    return "us" if stoplist_language(sample) == "English" else "dmy"


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


def _date_hits(text: str, line: _Line, slash: str = "us") -> list[_Date]:
    """Calendar dates in one line, with time, zone and label (published/updated) when stated;
    ``slash`` says how the page orders a/b/year dates (see :func:`_slash_order`)."""
    r = rules()
    found: list[tuple[int, int, dt.date]] = []
    for _, pattern, order in r.dates:
        order = slash if order == "us" else order
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
        stripped = _without_role(stripped)
        if _is_name(stripped) or (cjk and _is_cjk_name(stripped)):
            names.append(stripped)
            end = head.find(stripped, start) + len(stripped)
        elif (name := _before_agency(stripped)) is not None:
            names.append(name)  # "Vasilisa Stepanenko The Associated Press": the name, then stop
            end = head.find(name, start) + len(name)
            break
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


def _before_agency(piece: str) -> str | None:
    """The name that opens ``piece`` when a news agency follows it ("Jane Roe The Associated
    Press"), else ``None``.

    >>> _before_agency("Vasilisa Stepanenko The Associated Press"), _before_agency("Jane Roe")
    ('Vasilisa Stepanenko', None)
    """
    tokens = piece.split()
    for k in (3, 2):
        name = " ".join(tokens[:k])
        if len(tokens) > k and _is_name(name) and rules().agency_start.match(" ".join(tokens[k:])):
            return name
    return None


def _without_role(piece: str) -> str:
    """A name without the job title after it ("Ulrich Exner Korrespondent" -> "Ulrich Exner");
    ``piece`` itself unless it is a two- or three-word name, job-title words (``role_modifiers``
    or interface words), a ``role_words`` word and at most a place ("in Athens").

    >>> _without_role("Sophie Foster Travel News Reporter"), _without_role("Jane Roe")
    ('Sophie Foster', 'Jane Roe')
    >>> _without_role("Boris Johnson Hires Former Editor as Adviser")
    'Boris Johnson Hires Former Editor as Adviser'
    """
    tokens = piece.split()
    if len(tokens) < 3:
        return piece
    r = rules()
    at = next((k for k in range(2, len(tokens)) if tokens[k].casefold() in r.role_words), None)
    if at is None or not _ROLE_TAIL.fullmatch(" ".join(tokens[at + 1 :])):
        return piece
    while at > 2 and (
        tokens[at - 1].casefold() in r.role_modifiers
        or tokens[at - 1].casefold() in r.not_name_words
    ):
        at -= 1
    return " ".join(tokens[:at]) if at <= 3 else piece


#: What may follow a job title on a byline: a place ("Corresponsal en Atenas"), or nothing.
_ROLE_TAIL = re.compile(
    r"(?:(?:in|en|at|à|a|für|for|de|di|em|aus|from|в|из)\s+\S+(?:\s+\S+)?)?", re.IGNORECASE
)


#: Co-authors in brackets after a byline's names: "(with X and Y)", "(avec X et Y)".
_CO_AUTHORS = re.compile(
    r"\s*\(\s*(?:with|avec|con|mit|com|и|с)\s+(?P<names>[^()]{3,120})\)", re.IGNORECASE
)


def _is_tail_noise(tail: str) -> bool:
    """What may follow a bare name on its line: a date, a time, a relative time, a handle."""
    r = rules()
    tail = tail.strip()
    if tail.startswith("@") and len(tail.split()) == 1:
        return True  # a handle: "Jane Roe @janeroe"
    tail = tail.strip(_TRAIL + "@")
    if not tail:
        return True
    tail = r.relative_time.sub(" ", tail)
    for _, pattern, _order in r.dates:
        tail = pattern.sub(" ", tail)
    tail = _TAIL_NOISE.sub(" ", tail)
    return not words(tail)


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
    r"(?:image|photo|picture|credit|courtesy|source|caption|video|illustration|foto|bild|fuente|"
    r"quelle|bildquelle)s?\s*:",
    re.I,
)


_PAREN_TAIL = re.compile(r"\s*\((?P<tail>[^()]{2,40})\)\s*$")


def _role_or_agency(words: str) -> bool:
    """``words`` name a job ("Enviado especial", "Senior Correspondent") or a news agency."""
    r = rules()
    tokens = words.split()
    return (
        len(tokens) <= 4 and any(t.casefold() in r.role_words for t in tokens)
    ) or r.agency_start.fullmatch(words.strip()) is not None


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
    m = _PAREN_TAIL.search(line)
    if m is not None and _role_or_agency(m["tail"]):
        found = _names(line[: m.start()], whole=True)  # "Jane Roe (Enviada especial)"
        return (found[0], found[1], None) if found else None
    m = _OUTLET_TAIL.search(line)
    if m is None or len(m["outlet"].split()) > 4 or not m["outlet"][0].isupper():
        return None
    found = _names(line[: m.start()], whole=True)
    if found and _is_name(m["outlet"].strip()):
        # "Julia Vergin | Clare Roth": a second name, not an outlet
        return (*found[0], m["outlet"].strip()), m.end(), None
    return (found[0], found[1], m["outlet"]) if found else None


@lru_cache(maxsize=16384)
def _role_line(line: str) -> bool:
    """A byline that names a person and their job ("Jane Roe Political Correspondent").

    >>> _role_line("Amy Gibbons Political Correspondent"), _role_line("Editor's picks of the week")
    (True, False)
    """
    tokens = line.replace(",", " ").split()
    if not 3 <= len(tokens) <= 8:
        return False
    whole = " ".join(tokens)
    name = _without_role(whole)
    return name != whole and _is_name(name)


def _ui_share(line: str) -> float:
    """Share of the line's words that are interface words (``not_name_words``)."""
    ws = [w for w in words(line) if w.casefold() not in _FUNCTION_WORDS]
    ui = rules().not_name_words
    return sum(1 for w in ws if w.casefold() in ui) / len(ws) if ws else 1.0


#: Words left out of :func:`_ui_share`.
_FUNCTION_WORDS = frozenset(
    "a an the and or of to in on for with at from by is are was be this that".split()  # noqa: SIM905
)


#: Reading times and clock words that share a byline line with its date ("3 Minuten", "4 min
#: read", "Uhr", "kl."); the date labels ("Posted:", "Last Updated:") come from the rules.
_DATE_COMPANIONS = re.compile(
    r"\b\d+\s*(?:min(?:ute[ns]?|uten)?\.?|minutes?)(?!\w)(?:\s+(?:read|lesezeit|lesedauer|"
    r"de lecture|de lectura|di lettura))?|\b(?:uhr|kl\.?|artikel)(?!\w)|(?<=\d)h(?!\w)|"
    # zone abbreviations too ambiguous to read as an offset (India, Eastern, ...)
    r"(?-i:\b(?:IST|ET|CT|PT|CST|AST|HKT|SGT|KST|WIB|ALMT)\b)",
    re.IGNORECASE,
)

#: Where a dated byline line splits into pieces: the usual separators, commas and the gaps left
#: where its dates were cut out.
_PIECES = re.compile(r"\s+(?:\||-|–|—|·|•|/)\s+|\s*[|•·,]\s*|\s{2,}")


def _dated_byline(
    line: str, dates: list[tuple[int, int]]
) -> tuple[tuple[str, ...], int, int, str | None] | None:
    """Names on a header line that also holds its date, in any order: "Jane Roe / OUTLET.COM /
    Sep 2, 2024, 17:07 IST", "9. September 2025 um 15:46 Uhr / Jane Roe", "27. Januar 2026 •
    Jane Roe • 3 Minuten". ``dates`` are the line's date spans (time and zone included), relative
    to the line. The first piece of names counts; every other piece must be one outlet (a domain
    or a few capitalised words), a label, a clock word or a reading time, else the line is no
    byline ("Jane Roe / John Doe / date" and "Jane Roe • Politik • CBC News • date" are read by
    other rules or not at all); returns (names, start, end, outlet).

    >>> _dated_byline("Jane Roe / DAILY.COM / Sep 2, 2024", [(23, 34)])
    (('Jane Roe',), 0, 8, 'DAILY.COM')
    >>> _dated_byline("27. Januar 2026 • Jane Roe • 3 Minuten", [(0, 15)])
    (('Jane Roe',), 18, 26, None)
    >>> _dated_byline("Election 2024 • Results by county", [(9, 13)]) is None
    True
    """
    if not dates or _word_count(line) > 16:
        return None
    chars = list(line)
    for s, e in dates:
        chars[s:e] = " " * (e - s)
    blank = _DATE_COMPANIONS.sub(lambda m: " " * len(m.group()), "".join(chars))
    blank = rules().label_words.sub(lambda m: " " * len(m.group()), blank)  # "Posted:"
    blank = rules().partial_date.sub(lambda m: " " * len(m.group()), blank)  # "Updated: August 8"
    names: tuple[str, ...] = ()
    span = (0, 0)
    outlet = None
    pos = 0
    for piece in [*_PIECES.split(blank)]:
        start = blank.find(piece, pos) if piece else pos
        pos = start + len(piece)
        text = piece.strip(_TRAIL + " /")
        if not text or text.casefold() in {"am", "um", "on", "at", "le", "el", "il", "à", "de"}:
            continue
        found = _names(text, whole=True)
        if found and not names:
            names = found[0]
            offset = start + piece.find(text)
            span = (offset, offset + found[1])
        elif outlet is None and (_DOMAIN.search(text) or _outlet_like(text)):
            outlet = text
        else:
            return None
    return (names, *span, outlet) if names else None


def _outlet_like(piece: str) -> bool:
    """A short name of an outlet: one to four capitalised words, not a person's name."""
    tokens = piece.split()
    return (
        1 <= len(tokens) <= 4
        and all(t[0].isupper() or t[0].isdigit() for t in tokens)
        and not _is_name(piece)
    )
