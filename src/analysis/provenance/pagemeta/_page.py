"""The header of one page around the start of its article: headline, byline and date candidates,
scored by position, form and agreement with the lead."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from functools import cache, cached_property

from analysis.provenance.boilerplate import REPEATED_LABEL_TIMES, is_prose, words
from analysis.provenance.pagemeta._lines import (
    _CREDIT,
    _DOMAIN,
    _SEPARATORS,
    _byline_like,
    _date_hits,
    _dated_byline,
    _first_prose,
    _is_nav,
    _is_tail_noise,
    _keys,
    _line_start,
    _lines,
    _names,
    _norm,
    _role_line,
    _slash_order,
    _ui_share,
    _word_count,
)
from analysis.provenance.pagemeta._rules import (
    AFTER,
    AFTER_PENALTY,
    BEFORE,
    BLOCK_LINES,
    BYLINE_LINES_AFTER,
    DISTANCE_PENALTY,
    HEADER_LINES,
    LEAD_BONUS,
    LEAD_WORDS,
    LINES_AFTER_START,
    LINES_BEFORE_BODY,
    LINES_BEFORE_TITLE,
    META_BONUS,
    REPEAT_BONUS,
    STANDFIRST_LENGTH,
    STANDFIRST_MARGIN,
    TITLE_LINES,
    TITLE_LINES_AFTER,
    Gap,
    Meta,
    _Date,
    _Line,
    rules,
)
from analysis.text.quotemarks import quote_families


@cache
def _opening_quotes() -> tuple[str, ...]:
    """Quote marks that may open a quotation (``punctuation.yaml``'s opening and either-way
    glyphs, and the ASCII apostrophe): a standfirst may be one."""
    marks = {"'", *(g for f in quote_families() for g in f.open | f.either)}
    return tuple(sorted(marks))


def _agency_only(rest: str) -> str | None:
    """The news agency that is all of a byline's names ("The Associated Press", "dpa"), a date
    or a time at most after it; else ``None``."""
    m = rules().agency_start.match(rest.strip())
    if m is None:
        return None
    agency = m.group().strip()
    return agency if _is_tail_noise(rest.strip()[m.end() :]) else None


class _Page:
    """The window around the body start, read once for all fields."""

    def __init__(self, text: str, body_start: int | None, before: int = BEFORE) -> None:
        self.text = text
        if body_start is None:
            prose = _first_prose(text)
            self.anchor = prose if prose is not None else min(len(text), BEFORE)
            self.anchor_method = "first prose paragraph"
        else:
            self.anchor = max(0, min(body_start, len(text)))
            self.anchor_method = "body start"
        lo = _line_start(text, max(0, self.anchor - before))
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
                # the page's a/b/year order is read only for lines that hold such a date
                out.append(self.date_hits(line))
        return out

    def date_hits(self, line: _Line) -> list[_Date]:
        """The dates of ``line``, its a/b/year dates read in this page's order (which is looked
        for only when a line holds a slash)."""
        return _date_hits(self.text, line, self.slash if "/" in line.text else "us")

    @cached_property
    def slash(self) -> str:
        """How this page orders a/b/year dates."""
        return _slash_order(self.text)

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
            agency = _agency_only(rest)
            if agency is not None:  # "By The Associated Press", "Von dpa 30.04.2024, 18:58"
                return (agency,), offset, offset + len(agency), f"{name} (news agency)"
            return None
        m = r.agency_line.match(line.text) if _word_count(line.text) <= 12 else None
        if m and i > 0 and r.not_byline_before.search(self.lines[i - 1].text.rstrip(" :")):
            m = None  # "Foto:" above "Jane Roe / AP": a picture credit
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
        if _role_line(line):
            return True
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
        if i < self.text_start + BYLINE_LINES_AFTER and (names := self.name_over_role(i)):
            method = "name line over a job title or agency"
            return 2, names, line.start, line.start + len(line.text), method
        if i >= self.text_start + LINES_AFTER_START or _word_count(line.text) > 12:
            return None
        found = _byline_like(line.text)
        if found:
            names, end, outlet = found
            span = (line.start, line.start + end)
        elif (dated := self.dated_byline(i)) is not None:
            names, s, e, outlet = dated
            span = (line.start + s, line.start + e)
        else:
            return None
        title = self.title_index()
        kind = "name line"
        if outlet:
            kind = "name and outlet line"
        if self.dates[i] or rules().relative_time.search(line.text):
            return 2, names, *span, f"{kind} with the date"
        if i >= self.text_start and not self.is_date_line(i + 1):
            return None  # in the body, only a name line right above a date (under a caption)
        if any(self.is_date_line(j) for j in (i - 1, i + 1) if 0 <= j < len(self.lines)):
            return 2, names, *span, f"{kind} next to the date"
        if title is not None and (i == title + 1 or (i == title + 2 and self.is_deck(title + 1))):
            return 2, names, *span, f"{kind} under the headline"
        return None

    def name_over_role(self, i: int) -> tuple[str, ...] | None:
        """Line ``i`` is a person's name alone and the next line their job title or news agency
        alone ("Tania Broughton" over "Journalist", "Jane Roe" over "Corresponsal en Atenas",
        "Jane Roe" over "BBC"): the names, else ``None``."""
        if i + 1 >= len(self.lines) or self.dates[i] or self.captioned(i):
            return None
        line, below = self.lines[i].text, self.lines[i + 1].text.strip()
        found = _names(line, whole=True) if _word_count(line) <= 4 else None
        if not found or len(found[0]) != 1 or found[1] < len(line.rstrip()):
            return None
        if _word_count(below) <= 4 and (
            _role_line(f"{line} {below}") or _agency_only(below) == below
        ):
            return found[0]
        return None

    def dated_byline(self, i: int) -> tuple[tuple[str, ...], int, int, str | None] | None:
        """Names on line ``i`` beside its date, in any order (:func:`_dated_byline`)."""
        line = self.lines[i]
        spans = [(d.start - line.start, d.end - line.start) for d in self.dates[i]]
        return _dated_byline(line.text, spans) if spans else None

    @cached_property
    def byline_block(self) -> tuple[int, tuple[tuple[str, ...], int, int, str]] | None:
        """The first byline-and-date block in the first ``BLOCK_LINES`` lines of the body: a short
        date line with names on it or on the line above or below ("Jane Roe" over "30. Juni 2025,
        15:59 Uhr"), as (index of the date line, (names, start, end, method))."""
        stop = min(len(self.lines), self.text_start + BLOCK_LINES)
        for i in range(self.text_start, stop):
            if not (self.dates[i] and self.is_date_line(i)):
                continue
            found = self.names_beside(i)
            if found is not None:
                return i, found
        return None

    def names_beside(
        self, i: int, lo: int = 0, hi: int | None = None
    ) -> tuple[tuple[str, ...], int, int, str] | None:
        """The byline of date line ``i``, looking only at lines ``lo:hi``: an explicit byline on
        it or right above or below it, names on it, or a short name line right above or below it
        that is no caption; as (names, start, end, method)."""
        hi = len(self.lines) if hi is None else hi
        for j in (i, i - 1, i + 1):
            if not max(lo, 0) <= j < min(hi, len(self.lines)):
                continue
            if j in self.byline_lines:
                return self.byline_lines[j]
            line = self.lines[j]
            if j == i:
                found = self.dated_byline(i)
                if found is not None:
                    names, s, e, _ = found
                    return names, line.start + s, line.start + e, "name line with the date"
            elif _word_count(line.text) <= 8 and not self.dates[j] and not self.captioned(j):
                like = _byline_like(line.text)
                if like is not None:
                    names, end, _ = like
                    return names, line.start, line.start + end, "name line next to the date"
        return None

    def captioned(self, j: int) -> bool:
        """Line ``j`` is a picture's caption: a picture credit ("Foto: Reuters/...") follows it, or
        follows the date line right below it."""
        after = [k for k in (j + 1, j + 2) if k < len(self.lines)]
        if len(after) == 2 and not self.is_date_line(after[0]):
            after = after[:1]
        return any(_CREDIT.match(self.lines[k].text) is not None for k in after)

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
        if line.count("|") >= 2:
            return None  # a row of links ("Movies | Restaurants | Contact", "« Previous | Main |")
        if rules().not_title.search(line) or _role_line(line):
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
        times = self.repeats[0][_norm(line)]
        if self.repeated(i):
            score += REPEAT_BONUS
        elif times >= REPEATED_LABEL_TIMES:
            score -= 1.0  # an interface line printed again and again, not a headline
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
        if n <= 4 and len(caps) == n and times < 2:
            score -= 0.5
        return score

    def repeated(self, i: int) -> bool:
        """Line ``i`` is printed once more in the page head (a title bar, a breadcrumb, a share
        text), not right next to itself: what a headline is and a label repeated in place is
        not."""
        whole, parts = self.repeats
        norm = _norm(self.lines[i].text)
        if norm in parts:
            return True
        if whole[norm] != 2:
            return False
        near = (j for j in (i - 1, i + 1) if 0 <= j < len(self.lines))
        return not any(_norm(self.lines[j].text) == norm for j in near)

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
        # The headline right above its standfirst (a byline or date line may stand between).
        above = i - 2 if i >= 2 and self.is_meta_line(i - 1) else i - 1
        head = next((sj for sj, j in scored if j == above), None)
        standfirst = (
            head is not None and head >= score - STANDFIRST_MARGIN and self.is_standfirst(i, above)
        )
        if standfirst:
            i = above
        line = self.lines[i]
        if standfirst:
            method = "headline line above its standfirst"
        elif self.meta_follows(i):
            method = "headline line above the byline/date"
        elif self.repeated(i):
            method = "headline line repeated in the page head"
        else:
            method = f"headline-like line before the {self.anchor_method}"
        return i, Meta(line.text, method, line.start, line.end)

    def is_standfirst(self, i: int, j: int) -> bool:
        """Line ``i`` reads as the standfirst under the headline-like line ``j``: a line about as
        long or longer (``STANDFIRST_LENGTH``; web standfirsts often end without a full stop), a
        sentence or a quotation, below a line that does not end like a sentence."""
        if self.is_meta_line(j):
            return False
        line, above = self.lines[i].text, self.lines[j].text
        n, m = _word_count(line), _word_count(above)
        if n < 10 or m < 5 or above.endswith((".", ":", ";", ",")) or _SEPARATORS.search(above):
            return False
        long_ = [w for w in words(line) if len(w) >= 4]
        if long_ and sum(w[0].isupper() for w in long_) >= 0.7 * len(long_):
            return False  # Title Case: a headline itself, not a standfirst
        return (
            n >= STANDFIRST_LENGTH * m
            or line.endswith((".", "?", "!"))
            or line.startswith(_opening_quotes())
        )

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
