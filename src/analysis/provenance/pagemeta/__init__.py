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

from analysis.provenance.pagemeta._read import (
    find_authors,
    find_dateline,
    find_published,
    find_title,
    read_page,
)
from analysis.provenance.pagemeta._rules import AFTER, BEFORE, Gap, Meta, rules

__all__ = [
    "AFTER",
    "BEFORE",
    "Gap",
    "Meta",
    "find_authors",
    "find_dateline",
    "find_published",
    "find_title",
    "read_page",
    "rules",
]
