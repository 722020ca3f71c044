"""Headline, authors, publication date and dateline of a page, each a value with its method and
evidence, or a gap with its reason."""

from __future__ import annotations

import re
from collections.abc import Iterator

from analysis.provenance.boilerplate import is_comment_head, is_prose
from analysis.provenance.pagemeta._lines import _word_count
from analysis.provenance.pagemeta._page import _Page
from analysis.provenance.pagemeta._rules import (
    FOOT_BEFORE,
    FOOT_LINES,
    HEADER_LINES,
    LINES_AFTER_START,
    LINES_BEFORE_BODY,
    Gap,
    Meta,
    _Date,
    _Line,
    rules,
)

__all__ = [
    "find_authors",
    "find_dateline",
    "find_published",
    "find_title",
    "read_page",
]


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
        block = page.byline_block
        if block is None:
            return Gap("no byline near the headline")
        names, s, e, method = block[1]
        return Meta(names, f"{method} below the lead", s, e)
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
        if i >= page.text_start + LINES_AFTER_START and not _deeper_date(page, i):
            continue
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
    block = page.byline_block if not hits else None
    if block is not None:
        i = block[0]
        hits = [(rank[d.label], (0, 0), d, f"{d.label or 'header'} date") for d in page.dates[i]]
        hits = [(*h[:3], f"{h[3]} of a byline block below the lead") for h in hits]
    if not hits:
        return Gap("no date in the article header")
    rank_, _, d, method = min(hits, key=lambda h: (h[0], *h[1], h[2].start))
    if rank_ == rank["updated"]:
        return Gap("only an update date in the article header, no publication date")
    if d.zone:
        method += f" with time zone ({d.zone})"
    return Meta(d.iso, method, d.start, d.end)


def _deeper_date(page: _Page, i: int) -> bool:
    """A date line a few lines into the body still dates the article when it says "Published"
    or sits on or next to an explicit byline (a caption, an ad or a share row may come between
    headline and byline)."""
    if not page.is_date_line(i):
        return False
    if any(d.label == "published" for d in page.dates[i]):
        return True
    return any(j in page.byline_lines for j in (i - 1, i, i + 1))


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
                found = page.date_hits(chunk)
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


def read_page(
    text: str, body_start: int | None = None, body_end: int | None = None
) -> dict[str, Meta | Gap]:
    """All four fields at once (the page header is read once).

    ``body_end`` is the character offset where the article's last paragraph ends; when the header
    holds no byline or no date, the lines right after it are read for them (:func:`read_foot`).

    >>> sorted(read_page("Home\\n"))
    ['authors', 'dateline', 'published', 'title']
    """
    page = _Page(text, body_start)
    found = {
        "title": _title(page),
        "authors": _authors(page),
        "published": _published(page),
        "dateline": _place(page),
    }
    if body_end is not None and (
        isinstance(found["authors"], Gap) or isinstance(found["published"], Gap)
    ):
        foot = read_foot(text, body_end)
        for key in ("authors", "published"):
            if isinstance(found[key], Gap) and key in foot:
                found[key] = foot[key]
    return found


def read_foot(text: str, body_end: int) -> dict[str, Meta]:
    """Byline and publication date in a block right after the article's last paragraph.

    Some outlets put them there rather than in the header: a date line, a labelled byline
    ("Kommentar von" / "Jane Roe"), names on the date line, or a name line next to the date line,
    within ``FOOT_LINES`` non-empty lines of the body's end. An unlabelled date counts only when
    no headline-like line (a related article) comes between the body and it; a labelled one
    ("Datum", "Publisert:") anywhere in the block. "Updated" dates alone do not date the article.

    >>> page = ("Talks Resume\\n\\nNegotiators met again on Monday to settle the route.\\n\\n"
    ...         "Politik\\n28. 4. 2023, 18:41 Uhr\\nKommentar von\\nJane Roe\\nRedakteurin\\n")
    >>> end = page.index("route.") + len("route.")
    >>> foot = read_foot(page, end)
    >>> foot["published"].value, foot["authors"].value, foot["authors"].method
    ('2023-04-28T18:41:00', ('Jane Roe',), '"Commentary by" byline after the article')
    >>> read_foot(page[:end] + "\\n\\nMarkets Close Higher Again\\n28.04.2023\\n", end)
    {}
    """
    page = _Page(text, body_end, before=FOOT_BEFORE)
    stop = min(len(page.lines), page.body + FOOT_LINES)
    out: dict[str, Meta] = {}
    teaser = False  # a headline-like line (a related article) seen since the body's end
    for i in range(page.body, stop):
        line = page.lines[i]
        if i in page.byline_lines and page.byline_lines[i][3] != '"by" in a header line':
            names, s, e, method = page.byline_lines[i]
            out.setdefault("authors", Meta(names, f"{method} after the article", s, e))
        if page.dates[i]:
            # The first dated line is the block's date line; whatever it holds, the search ends.
            _foot_date_line(page, i, stop, teaser, out)
            break
        teaser = teaser or (_word_count(line.text) >= 4 and not line.text.endswith((".", "!", "?")))
    if out and _in_comments(page, min(m.start for m in out.values())):
        return {}
    return out


def _foot_date_line(page: _Page, i: int, stop: int, teaser: bool, out: dict[str, Meta]) -> None:
    """Date and byline of the foot's date line ``i`` into ``out``: the byline beside it
    (:meth:`_Page.names_beside`: "28. 4. 2023" over "Kommentar von" / "Jane Roe"); when the date
    does not count, only names on the line itself."""
    dates = [d for d in page.dates[i] if d.label != "updated"]
    labelled = [d for d in dates if d.label == "published"]
    named = page.dated_byline(i)
    # Unlabelled, one date on a short line (". Madhyamam. 19 July 2023. Retrieved 20 July 2022."
    # is a reference) or on a byline, with no related article's headline above it.
    short = _word_count(page.lines[i].text) <= 8 or i in page.byline_lines
    single = len(dates) == 1 and page.is_date_line(i) and short
    dated = bool(labelled or (single and (named or not teaser)))
    if "authors" not in out:
        found = page.names_beside(i, page.body, stop) if dated else page.names_beside(i, i, i + 1)
        if found is not None:
            names, s, e, method = found
            out["authors"] = Meta(names, f"{method} after the article", s, e)
    if dated:
        d = (labelled or dates)[0]
        method = f"{d.label or 'unlabelled'} date after the article"
        if d.zone:
            method += f" with time zone ({d.zone})"
        out["published"] = Meta(d.iso, method, d.start, d.end)


def _in_comments(page: _Page, start: int) -> bool:
    """The foot block at character ``start`` belongs to reader comments or to a list of posts
    that the body's end fell on: a line between the body and it opens a comment section
    (``comment_section``: "38 Responses to ...") or heads a comment (``is_comment_head``: "Jane
    says:"), or two more dated lines follow it within ``FOOT_LINES // 2`` lines, or another
    byline of the same form within the window."""
    first = next(i for i, ln in enumerate(page.lines) if ln.end > start)
    section = rules().comment_section
    # the body's last line too when it is no prose ("11 comments to <headline>")
    lo = page.body - 1 if page.body > 0 and not page.prose_flags[page.body - 1] else page.body
    if any(
        section.search(page.lines[j].text) or is_comment_head(page.lines[j].text)
        for j in range(lo, first)
    ):
        return True
    forms = {page.byline_lines[first][3]} if first in page.byline_lines else set()
    dated = 0
    for j in range(first + 1, len(page.lines)):
        if j in page.byline_lines and page.byline_lines[j][3] in forms:
            return True
        dated += j <= first + FOOT_LINES // 2 and bool(page.dates[j]) and page.is_date_line(j)
        if dated >= 2:
            return True
    return False
