"""The outlet of a page: outlet signatures of the registry, else the publisher the page names."""

from __future__ import annotations

import re
from collections import Counter

import polars as pl

from analysis.provenance.outlets import (
    Outlet,
    find_outlet,
    load_patterns,
    load_registry,
)
from analysis.text import casefold

__all__ = [
    "detect_outlet",
    "detect_outlets",
    "named_publisher",
    "signature_hits",
]


def signature_hits(text: str) -> list[tuple[Outlet, str, int, int]]:
    """Every outlet signature in ``text``: (outlet, means, start, end), in text order."""
    low = casefold.lowered(text)  # offsets only are read: the same spans, found faster
    hits = [
        (outlet, sig.means, m.start(), m.end())
        for outlet in load_registry().outlets
        for sig in outlet.signatures
        for m in casefold.finditer(sig.pattern, text, low)
    ]
    return sorted(hits, key=lambda h: (h[2], h[3], h[0].name))


def detect_outlet(text: str) -> tuple[str | None, list[tuple[int, int]]]:
    """The publishing outlet named by signatures, with their ranges; ``(None, [])`` when none.

    >>> detect_outlet("Text.\\nSubscribe to PolitNavigator news at Telegram")[0]
    'PolitNavigator'
    """
    publishers = [h for h in signature_hits(text) if h[1] == "publisher"]
    if not publishers:
        return None, []
    counts = Counter(h[0].name for h in publishers)
    best = max(
        counts, key=lambda name: (counts[name], -min(h[2] for h in publishers if h[0].name == name))
    )
    return best, [(h[2], h[3]) for h in publishers if h[0].name == best]


def detect_outlets(docs: pl.DataFrame) -> dict[str, str | None]:
    """Publishing outlet per document: the input column when given, else signatures, else the
    publisher the page names (:func:`named_publisher`)."""
    curated = docs["outlet"].to_list() if "outlet" in docs.columns else [None] * docs.height
    return {
        doc_id: (given or detect_outlet(text)[0] or _named(text))
        for doc_id, text, given in zip(docs["doc_id"], docs["text"], curated, strict=True)
    }


def _named(text: str) -> str | None:
    found = named_publisher(text)
    return found[0] if found else None


_CORPORATE = re.compile(
    r"(?:[,.]?\s+(?:LLC|L\.L\.C\.|Inc|Ltd|Limited|Corp|Corporation|GmbH|S\.A|PLC|Co)\.?)+$"
)


def _clean_name(raw: str) -> str:
    """An outlet name as a page writes it, cut at a sentence end and company suffixes.

    >>> _clean_name("The Astana Times. All rights reserved")
    'The Astana Times'
    >>> _clean_name("The Washington Times, LLC.")
    'The Washington Times'
    """
    name = re.split(r"[.,;:]\s", raw + " ", maxsplit=1)[0].strip()
    return _CORPORATE.sub("", name).strip(" .,-")


def named_publisher(text: str) -> tuple[str, str, int, int] | None:
    """The publisher a page names in its footer, credit or a domain: (name, method, start, end).

    Used when no outlet signature applies. The first kind of mention in ``publisher_mentions``
    (provenance_patterns.yaml) that occurs decides, its last occurrence in the page (footers come
    last); a copyright line without a year counts only in the last third of the page (above it,
    "© Jane Roe" credits a picture). A name in no list is still reported, as named in the text.

    >>> named_publisher("Story.\\n© 2024 The Astana Times. All rights reserved.")[:2]
    ('The Astana Times', 'copyright footer (named in the text)')
    >>> named_publisher("Text.\\nRead more at lefigaro.fr")[:2]
    ('Le Figaro', 'domain in the text (outlet list: fundus)')
    """
    patterns = load_patterns()
    refuse = re.compile(patterns["not_publishers"], re.IGNORECASE)
    for entry in patterns["publisher_mentions"]:
        found = None
        for m in entry["regex"].finditer(text):
            if not m["outlet"]:
                continue
            dated = "year" not in entry["regex"].groupindex or m["year"]
            if not dated and m.start() < 2 * len(text) / 3:
                continue  # "© Jane Roe" under a picture, not the page's footer
            name = _clean_name(m["outlet"])
            if len(name) < 3 or refuse.match(name):
                continue
            listed = find_outlet(name)
            if entry["name"] == "domain in the text" and listed is None:
                continue  # a domain counts only when it is a listed outlet
            start = m.start("outlet")
            if listed is not None:
                found = (listed[0].name, f"{entry['name']} ({listed[1]})", start, start + len(name))
            else:
                found = (name, f"{entry['name']} (named in the text)", start, start + len(name))
        if found is not None:
            return found
    return None
