"""Source provenance of each document, with the evidence for every value.

One row per document in ``provenance``; every non-null value has at least one row in
``provenance_evidence`` (``doc_id``, ``field``, ``value``, ``method``, ``start``, ``end``,
``snippet``; offsets into the decoded original text, null for curated values); every null value
has a row in ``provenance_gaps`` saying why. Curated values (a sidecar ``metadata.csv`` in a corpus
folder, or the ``outlet``/``title``/``date``/``url``/``authors`` columns of a tabular corpus) take
precedence; where the text says otherwise, ``provenance_conflicts`` lists both. Each curated
value is checked first (:func:`check_value`; the sidecar with :func:`read_sidecar`): a value that
fails its check is never used, the text-derived value stands, and ``curated_problems`` says why.

Methods (the data files are in ``src/analysis/data/``):

- ``outlet``: outlet signatures of ``outlets.yaml`` (lines only that outlet's pages carry), else
  the publisher the page names (:func:`named_publisher`: ``publisher_mentions`` of
  ``provenance_patterns.yaml``, resolved against ``outlets.yaml`` and ``outlet_list.csv``).
- ``title``, ``author``, ``published_at``, ``dateline``: the article header just above the first
  body line (:mod:`analysis.provenance.pagemeta`, ``page_metadata.yaml``); a signature line before
  the page
  foot; the author of a reproduced Telegram post.
- ``views``, ``tags``: the page header as labelled by :mod:`analysis.provenance.boilerplate`.
- ``date_earliest``/``date_latest``: the publication date when stated, else
:mod:`analysis.provenance.dates`.
- ``language``: py3langid on the clean body.
- ``translated``, ``original_language``, ``original_outlet``, ``intermediary``: translator
  signatures and credit lines, and machine-translation fingerprints (``mt_fingerprints.yaml``).
- ``primary_source_kind``: the first primary-source cue in the lead, else the genre tags.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import stat
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import polars as pl

from analysis.corpus.intake import SIDECAR, NotRegularFile, csv_lines, read_regular_file
from analysis.provenance import dates, pagemeta
from analysis.provenance.boilerplate import join_spans
from analysis.provenance.outlets import (
    Outlet,
    find_outlet,
    load_fingerprints,
    load_patterns,
    load_registry,
)
from analysis.text.evidence import snippet

#: The tables :func:`extract_provenance` returns, by name.
TABLES: tuple[str, ...] = (
    "provenance",
    "provenance_evidence",
    "provenance_gaps",
    "provenance_conflicts",
    "curated_problems",
)

FIELDS: tuple[str, ...] = (
    "outlet",
    "author",
    "title",
    "published_at",
    "date_earliest",
    "date_latest",
    "dateline",
    "views",
    "tags",
    "language",
    "translated",
    "original_language",
    "original_outlet",
    "intermediary",
    "primary_source_kind",
    "url",
)

PROVENANCE_SCHEMA: dict[str, pl.DataType] = {
    "doc_id": pl.String(),
    "source": pl.String(),
    "outlet": pl.String(),
    "author": pl.String(),
    "title": pl.String(),
    "published_at": pl.String(),  # ISO 8601, with the UTC offset when the text states a zone
    "date_earliest": pl.String(),  # ISO date: written on or after
    "date_latest": pl.String(),  # ISO date: written on or before
    "dateline": pl.String(),
    "views": pl.Int64(),
    "tags": pl.List(pl.String()),
    "language": pl.String(),  # ISO 639-1 of the clean body
    "translated": pl.Boolean(),
    "original_language": pl.String(),
    "original_outlet": pl.String(),
    "intermediary": pl.String(),  # translating/republishing outlet between original and publisher
    "primary_source_kind": pl.String(),
    "url": pl.String(),
}
EVIDENCE_SCHEMA: dict[str, pl.DataType] = {
    "doc_id": pl.String(),
    "field": pl.String(),
    "value": pl.String(),
    "method": pl.String(),
    "start": pl.Int64(),
    "end": pl.Int64(),
    "snippet": pl.String(),
}
GAPS_SCHEMA: dict[str, pl.DataType] = {
    "doc_id": pl.String(),
    "field": pl.String(),
    "reason": pl.String(),
}
CONFLICTS_SCHEMA: dict[str, pl.DataType] = {
    "doc_id": pl.String(),
    "field": pl.String(),
    "curated_value": pl.String(),
    "curated_method": pl.String(),
    "text_value": pl.String(),
    "text_method": pl.String(),
    "start": pl.Int64(),
    "end": pl.Int64(),
    "snippet": pl.String(),
}

#: One row per curated value (or sidecar row, or the sidecar as a whole) that was not used.
CURATED_PROBLEMS_SCHEMA: dict[str, pl.DataType] = {
    "file": pl.String(),  # sidecar: the `file` cell as written; tabular corpus: the row's source
    "row": pl.Int64(),  # sidecar: 1-based line where the record starts; table: its #row= number
    "column": pl.String(),  # sidecar or input column of the value; null for a whole row or file
    "value": pl.String(),  # the refused value as written
    "reason": pl.String(),
}
#: Sort keys of each table as notebook 01 writes it (``RunOutputs.table(sort_by=...)``).
SORT_BY: dict[str, tuple[str, ...]] = {
    "provenance": ("doc_id",),
    "provenance_evidence": ("doc_id",),
    "provenance_gaps": ("doc_id",),
    "provenance_conflicts": ("doc_id",),
    "curated_problems": tuple(CURATED_PROBLEMS_SCHEMA),
}

#: Input columns of a tabular corpus that carry curated values, and the field each fills.
INPUT_COLUMNS: dict[str, str] = {
    "outlet": "outlet",
    "title": "title",
    "date": "published_at",
    "url": "url",
    "authors": "author",
}
#: Body paragraphs searched for primary-source cues.
LEAD_PARAGRAPHS = 2
#: Characters of the clean body given to the language identifier (plenty for news prose).
LANGUAGE_CHARS = 2000
#: Shortest clean body (characters) whose language is identified.
MIN_LANGUAGE_CHARS = 40


@dataclass
class Found:
    """A value with its evidence: method and character range (null for curated values)."""

    value: Any
    method: str
    start: int | None = None
    end: int | None = None


@dataclass
class DocProvenance:
    """Values, evidence and gaps of one document, filled field by field."""

    doc_id: str
    text: str
    found: dict[str, list[Found]] = field(default_factory=dict)
    gaps: dict[str, str] = field(default_factory=dict)

    def add(
        self, name: str, value: Any, method: str, start: int | None = None, end: int | None = None
    ) -> None:
        if value is None or value == [] or value == "":
            return
        self.found.setdefault(name, []).append(Found(value, method, start, end))

    def value(self, name: str) -> Any:
        return self.found[name][0].value if name in self.found else None

    def missing(self, name: str, reason: str) -> None:
        """Say why ``name`` stays empty (a reason given earlier stands)."""
        if name not in self.found:
            self.gaps.setdefault(name, reason)


def _strip_span(text: str, start: int, end: int, chars: str = ".") -> tuple[int, int]:
    """Shrink ``start:end`` past whitespace (non-breaking spaces included) and ``chars``."""
    while start < end and (text[start].isspace() or text[start] in chars):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in chars):
        end -= 1
    return start, end


#: One document's segments as ``(start, end, label, reason)``, in text order.
Segs = list[tuple[int, int, str, str | None]]


def _lines(segs: Segs, reason_prefix: str) -> list[tuple[int, int]]:
    return [(s, e) for s, e, _, reason in segs if reason and reason.startswith(reason_prefix)]


_WORD = re.compile(r"\w")


def _spans(segs: Segs) -> list[tuple[int, int]]:
    return [(s, e) for s, e, label, _ in segs if label == "body"]


@cache
def _versions() -> str:
    reg = load_registry().version
    pat = load_patterns()["version"]
    mt = load_fingerprints()[0]
    return f"outlets.yaml v{reg}, provenance_patterns.yaml v{pat}, mt_fingerprints.yaml v{mt}"


# --- outlets -----------------------------------------------------------------------------------


def signature_hits(text: str) -> list[tuple[Outlet, str, int, int]]:
    """Every outlet signature in ``text``: (outlet, means, start, end), in text order."""
    hits = [
        (outlet, sig.means, m.start(), m.end())
        for outlet in load_registry().outlets
        for sig in outlet.signatures
        for m in sig.pattern.finditer(text)
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


# --- per-field extraction ----------------------------------------------------------------------


#: Fields read by :mod:`analysis.provenance.pagemeta` and the provenance field each fills.
_PAGE_FIELDS = {
    "title": "title",
    "authors": "author",
    "published": "published_at",
    "dateline": "dateline",
}


def _page_header(doc: DocProvenance, segments: Segs) -> None:
    """Headline, byline, date and dateline near the start of the article body, on any page."""
    # The first body line with a word: a lone "|" or "*" kept as body is no article start.
    text = doc.text
    start = next((s for s, e in _spans(segments) if _WORD.search(text, s, e)), None)
    found = pagemeta.read_page(text, start)
    for key, name in _PAGE_FIELDS.items():
        meta = found[key]
        if isinstance(meta, pagemeta.Gap):
            doc.gaps.setdefault(name, meta.reason)
            continue
        value = ", ".join(meta.value) if isinstance(meta.value, tuple) else meta.value
        doc.add(name, value, f"page header: {meta.method}", meta.start, meta.end)


def _header(doc: DocProvenance, segments: Segs) -> None:
    text = doc.text
    _page_header(doc, segments)
    for s, e in _lines(segments, "byline: signature"):
        s, e = _strip_span(text, s, e)
        doc.add("author", text[s:e], "signature line before the page foot", s, e)
    for s, e in _lines(segments, "header: views"):
        m = re.search(r"\d[\d\s,.]*", text[s:e])
        if m:
            doc.add(
                "views", int(re.sub(r"\D", "", m.group())), "views line", s + m.start(), s + m.end()
            )
    _header_counters(doc, segments)
    # A line the page header read as headline, byline or date is no tag list.
    taken = [
        (f.start, f.end)
        for name in _PAGE_FIELDS.values()
        for f in doc.found.get(name, [])
        if f.start is not None and f.end is not None
    ]
    for s, e in _lines(segments, "header: tags"):
        if any(a < e and s < b for a, b in taken):
            continue
        line = text[s:e]
        body = line.split(":", 1)[1] if re.match(r"\s*(tags|теги|метки)\s*:", line, re.I) else line
        tags = [t.strip() for t in body.split(",") if t.strip()]
        doc.add("tags", tags, "tag line in the header", s, e)


def _header_counters(doc: DocProvenance, segments: Segs) -> None:
    """Unlabelled counters after the title, read by the outlet's header layout (outlets.yaml)."""
    outlet = load_registry().resolve(doc.value("outlet") or "")
    if outlet is None or not outlet.header or "views" in doc.found:
        return
    counters = _lines(segments, "widget counter")
    title = _lines(segments, "header: title")
    after = [(s, e) for s, e in counters if title and s > title[0][0]][: len(outlet.header)]
    for name, (s, e) in zip(outlet.header, after, strict=False):
        if name == "views":
            s, e = _strip_span(doc.text, s, e, "")
            doc.add(
                "views", int(doc.text[s:e]), f"header counter of {outlet.name} (outlets.yaml)", s, e
            )


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
    last). A name in no list is still reported, as named in the text.

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


def _outlets(doc: DocProvenance) -> list[tuple[Outlet, str, int, int]]:
    hits = signature_hits(doc.text)
    publisher, ranges = detect_outlet(doc.text)
    for s, e in ranges:
        doc.add("outlet", publisher, f"outlet signature ({_versions().split(',')[0]})", s, e)
    if publisher is None and (named := named_publisher(doc.text)) is not None:
        doc.add("outlet", *named)
    for outlet, means, s, e in hits:
        if means == "intermediary":
            doc.add("intermediary", outlet.name, "translator/republisher signature", s, e)
        elif means == "original":
            doc.add("original_outlet", outlet.name, "original-outlet signature", s, e)
    return hits


def _translation(doc: DocProvenance, spans: list[tuple[int, int]]) -> None:
    text, patterns = doc.text, load_patterns()
    notes = [(n, m) for n in patterns["translation_notes"] for m in n["regex"].finditer(text)]
    translator = [f for f in doc.found.get("intermediary", [])]
    fingerprints = [(fp, m) for fp in load_fingerprints()[1] for m in fp.pattern.finditer(text)]
    strong = [(fp, m) for fp, m in fingerprints if fp.strength == "strong"]
    weak_kinds = {fp.explanation for fp, _ in fingerprints if fp.strength == "weak"}
    republished = bool(translator or notes)
    if republished:
        for entry in patterns["credits"]:
            for s, e in spans[: LEAD_PARAGRAPHS + 1]:
                for m in entry["regex"].finditer(text, s, e):
                    listed = find_outlet(m["outlet"])
                    outlet = listed[0] if listed else None
                    name = outlet.name if outlet else m["outlet"].strip()
                    target = "original_outlet" if entry["means"] == "original" else "intermediary"
                    how = "credit line" if outlet else "credit line (named in the text)"
                    if doc.value("intermediary") != name:
                        doc.add(target, name, how, m.start("outlet"), m.end("outlet"))
    if translator or notes or strong or len(weak_kinds) >= 2:
        for f in translator:
            doc.add(
                "translated", True, f"text passed through a translator ({f.value})", f.start, f.end
            )
        for note, m in notes:
            doc.add(
                "translated", True, f"translation/credit note: {note['note']}", m.start(), m.end()
            )
        for fp, m in strong + [(fp, m) for fp, m in fingerprints if fp.strength == "weak"]:
            doc.add(
                "translated",
                True,
                f"machine-translation fingerprint ({fp.strength}): {fp.explanation}",
                m.start(),
                m.end(),
            )
    else:
        doc.add(
            "translated",
            False,
            "no translator signature, credit note or machine-translation fingerprint",
        )
    original = doc.value("original_outlet")
    listed = find_outlet(original) if original else None
    outlet, where = listed if listed else (None, "")
    if outlet is not None and outlet.language:
        for f in doc.found["original_outlet"][:1]:
            doc.add(
                "original_language",
                outlet.language,
                f"language of {outlet.name} ({where})",
                f.start,
                f.end,
            )
    elif fingerprints and doc.value("translated"):
        language = Counter(fp.language for fp, _ in fingerprints).most_common(1)[0][0]
        for fp, m in fingerprints[:3]:
            if fp.language == language:
                doc.add(
                    "original_language",
                    language,
                    "machine-translation fingerprint",
                    m.start(),
                    m.end(),
                )


def _language(doc: DocProvenance, spans: list[tuple[int, int]]) -> None:
    body = join_spans(doc.text, spans)
    if len(body) < MIN_LANGUAGE_CHARS:
        doc.missing("language", f"clean body shorter than {MIN_LANGUAGE_CHARS} characters")
        return
    code, _ = _identifier().classify(body[:LANGUAGE_CHARS])
    method = f"py3langid on the first {LANGUAGE_CHARS:,} characters of the clean body"
    doc.add("language", code, method, spans[0][0], spans[-1][1])


@cache
def _identifier() -> Any:
    from py3langid.langid import _load_identifier

    return _load_identifier(norm_probs=False)


def _primary_source(doc: DocProvenance, spans: list[tuple[int, int]]) -> None:
    text, patterns = doc.text, load_patterns()
    lead = [(s, e) for s, e in spans if len(text[s:e].split()) >= 8][:LEAD_PARAGRAPHS]
    cues = [
        (m.start(), m.end(), entry["kind"])
        for entry in patterns["primary_source"]
        for s, e in lead
        for m in entry["regex"].finditer(text, s, e)
    ]
    if cues:
        s, e, kind = min(cues)
        doc.add("primary_source_kind", kind, "primary-source cue in the lead", s, e)
        return
    for f in doc.found.get("tags", []):
        for tag in f.value:
            for entry in patterns["genre_tags"]:
                if entry["regex"].match(tag):
                    doc.add(
                        "primary_source_kind", entry["kind"], f"genre tag '{tag}'", f.start, f.end
                    )
                    return


def _primary_author(doc: DocProvenance, spans: list[tuple[int, int]]) -> None:
    for entry in load_patterns()["primary_authors"]:
        for s, e in spans[:LEAD_PARAGRAPHS]:
            for m in entry["regex"].finditer(doc.text, s, e):
                doc.add(
                    "author",
                    m["name"],
                    f"author of the reproduced {entry['kind']}",
                    m.start("name"),
                    m.end("name"),
                )


def _date_bounds(doc: DocProvenance, spans: list[tuple[int, int]]) -> None:
    if "published_at" in doc.found:
        f = doc.found["published_at"][0]
        day = f.value[:10]
        doc.add("date_earliest", day, "published_at", f.start, f.end)
        doc.add("date_latest", day, "published_at", f.start, f.end)
        return
    lo, hi = dates.tightest(dates.date_bounds(doc.text, spans))
    if lo is not None:
        doc.add(
            "date_earliest", lo.date.isoformat(), f"{lo.method}: written after", lo.start, lo.end
        )
    if hi is not None:
        doc.add(
            "date_latest", hi.date.isoformat(), f"{hi.method}: written before", hi.start, hi.end
        )


def _gaps(doc: DocProvenance) -> None:
    reasons = {
        "outlet": "no outlet signature (outlets.yaml) and no curated value",
        "author": "no byline, signature line or named author of a reproduced text",
        "title": "no title line before the first paragraph (the page starts with body text)",
        "published_at": "no publication date in the header",
        "date_earliest": "no dated event or past date in the body",
        "date_latest": "no upcoming dated event in the body",
        "dateline": "no dateline",
        "views": "no view counter",
        "tags": "no tag line",
        "original_language": "not translated, or the source language is not evident",
        "original_outlet": "no credit line names an original outlet",
        "intermediary": "no translator or republisher signature or credit",
        "primary_source_kind": "no primary-source cue in the lead and no genre tag",
        "url": "no curated URL (the text dump carries none)",
    }
    if doc.value("translated") and "original_outlet" not in doc.found:
        reasons["original_outlet"] = (
            "translated, but no credit line names another outlet (a translation of the "
            "publisher's own page, or an uncredited original)"
        )
    for name, reason in reasons.items():
        doc.missing(name, reason)
    for name in [n for n in doc.gaps if n in doc.found]:  # found later by another method
        del doc.gaps[name]


def extract_document(doc_id: str, text: str, segments: Segs) -> DocProvenance:
    """All provenance fields of one document from its text and its segments, in text order."""
    doc = DocProvenance(doc_id, text)
    spans = _spans(segments)
    _outlets(doc)
    _header(doc, segments)
    _primary_author(doc, spans)
    _date_bounds(doc, spans)
    _language(doc, spans)
    _translation(doc, spans)
    _primary_source(doc, spans)
    _gaps(doc)
    return doc


# --- curated values ----------------------------------------------------------------------------


class Problem(NamedTuple):
    """A curated value that was not used: one row of ``curated_problems``."""

    file: str | None
    row: int | None
    column: str | None
    value: str | None
    reason: str


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}(:?\d{2})?)?"
)
_VIEWS = re.compile(r"\d+|\d{1,3}(?P<sep>[, \u00a0\u202f])\d{3}(?:(?P=sep)\d{3})*")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TRUTH = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}
_INT64_MAX = 2**63 - 1
_NOT_A_DATE = (
    "not an ISO 8601 date (YYYY-MM-DD, optionally with a time and UTC offset, "
    "e.g. 2022-11-19T00:19:00+03:00)"
)


def check_value(name: str, raw: Any) -> tuple[Any, str | None]:
    """A curated value as ``provenance`` holds it, or ``(None, reason)`` when it is refused.

    - ``published_at``: an ISO 8601 date, or date and time (``T`` or a space between, seconds,
      fractions, ``Z`` or an offset optional), that exists; written back as
      :meth:`~datetime.datetime.isoformat` gives it;
    - ``date_earliest``, ``date_latest``: an ISO date (``YYYY-MM-DD``) that exists;
    - ``views``: a whole number >= 0 (thousands may be separated by ``,`` or a space);
    - ``translated``: ``true``/``false``, ``yes``/``no``, ``1``/``0`` (any case);
    - ``language``, ``original_language``: a two-letter ISO 639-1 code (lower-cased);
    - ``url``: an ``http`` or ``https`` URL with a host and no spaces;
    - ``tags``: at least one tag, tags separated by ``;``;
    - every other field: any text, surrounding white space removed.

    No value may hold a control character other than tab and line ends (NUL, ...).

    >>> check_value("published_at", "2026-13-45")
    (None, 'not an existing date (month must be in 1..12)')
    >>> check_value("published_at", "2022-11-19 00:19+03:00")
    ('2022-11-19T00:19:00+03:00', None)
    >>> check_value("views", "lots")[1]
    "not a whole number (digits, thousands may be separated by ',' or a space)"
    >>> check_value("views", "1,118"), check_value("translated", "No")
    ((1118, None), (False, None))
    """
    text = str(raw).strip()
    if control := _CONTROL.search(text):
        return None, f"contains a control character (U+{ord(control.group()):04X})"
    if name == "published_at":
        parse = dt.date.fromisoformat if _DATE.fullmatch(text) else None
        if parse is None and _DATETIME.fullmatch(text):
            parse = dt.datetime.fromisoformat
        if parse is None:
            return None, _NOT_A_DATE
        try:
            return parse(text).isoformat(), None
        except ValueError as exc:
            return None, f"not an existing date ({exc})"
    if name in ("date_earliest", "date_latest"):
        if not _DATE.fullmatch(text):
            return None, "not an ISO date (YYYY-MM-DD)"
        try:
            return dt.date.fromisoformat(text).isoformat(), None
        except ValueError as exc:
            return None, f"not an existing date ({exc})"
    if name == "views":
        if not _VIEWS.fullmatch(text):
            return None, "not a whole number (digits, thousands may be separated by ',' or a space)"
        views = int(re.sub(r"\D", "", text))
        if views > _INT64_MAX:
            return None, "too large for a view count"
        return views, None
    if name == "translated":
        if text.lower() not in _TRUTH:
            return None, "not true or false (true, false, yes, no, 1 or 0)"
        return _TRUTH[text.lower()], None
    if name in ("language", "original_language"):
        if not re.fullmatch(r"[A-Za-z]{2}", text):
            return None, "not an ISO 639-1 language code (two letters: ru, en)"
        return text.lower(), None
    if name == "url":
        parts = urlsplit(text) if not re.search(r"\s", text) else None
        if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            return None, "not an http(s) URL with a host"
        return text, None
    if name == "tags":
        tags = [t.strip() for t in text.split(";") if t.strip()]
        return (tags, None) if tags else (None, "no tag (tags are separated by ';')")
    if not text:
        return None, "empty"
    return text, None


@dataclass(frozen=True)
class SidecarRow:
    """One usable row of ``metadata.csv``: the file it is for, its line, its non-empty cells."""

    file: str
    line: int
    values: dict[str, str]  # provenance field -> the cell as written (white space removed)


@dataclass(frozen=True)
class Sidecar:
    """``metadata.csv`` as read: the rows to apply, and what could not be read (with reasons)."""

    rows: tuple[SidecarRow, ...] = ()
    problems: tuple[Problem, ...] = ()


#: Largest ``metadata.csv`` that is read (bytes).
MAX_SIDECAR_BYTES = 50_000_000


def _sidecar_text(corpus: Path) -> tuple[str | None, str | None]:
    """The sidecar's text, or why it cannot be read; ``(None, None)`` when there is none.

    Like every corpus entry, a sidecar that is a symlink to a file outside the corpus is never
    opened, nor is anything but a regular file.
    """
    path = corpus / SIDECAR
    try:
        lst = os.lstat(path)
    except FileNotFoundError:
        return None, None
    except OSError as exc:
        return None, f"is unreadable ({exc.strerror or exc})"
    target = os.path.realpath(path)
    root = os.path.realpath(corpus)
    try:
        inside = os.path.commonpath([root, target]) == root
    except ValueError:  # another drive
        inside = False
    if stat.S_ISLNK(lst.st_mode) and not inside:
        return None, "is a symlink outside the corpus (not opened)"
    try:
        st = os.stat(target)
        if not stat.S_ISREG(st.st_mode):
            return None, "is not a regular file"
        raw, size, _ = read_regular_file(
            target, max_bytes=MAX_SIDECAR_BYTES, ident=(st.st_dev, st.st_ino)
        )
    except NotRegularFile as exc:
        return None, f"is {exc}"
    except OSError as exc:
        return None, f"is unreadable ({exc.strerror or exc})"
    if raw is None:
        return None, f"is too large ({size} bytes > {MAX_SIDECAR_BYTES})"
    if not raw:
        return None, "is empty"
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, f"is not valid UTF-8 ({exc.reason} on line {line})"


def _file_problem(file: str) -> str | None:
    """Why a ``file`` cell cannot name a document of the corpus, or ``None``."""
    if not file:
        return "no file named"
    if file.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", file):
        return "not a file inside the corpus (an absolute path)"
    if ".." in re.split(r"[/\\]", file):
        return "not a file inside the corpus ('..')"
    return None


def read_sidecar(corpus: Path) -> Sidecar:
    """Curated values from ``<corpus>/metadata.csv``, row by row, and what could not be read.

    Columns: ``file`` (the document's ``source``: its path relative to the corpus folder) and
    any of the provenance fields; empty cells are ignored. The file is UTF-8 (a byte-order mark
    is allowed). Nothing here raises: a sidecar that cannot be read (not UTF-8, empty, no
    ``file`` column, a symlink outside the corpus) is one problem and gives no rows; a malformed
    record, or one whose ``file`` is empty, absolute or contains ``..``, is one problem for its
    line and the other rows stand; a second row for a file already named is a problem (the first
    row wins); an unknown column is one problem (its values are not read). Lines are 1-based,
    the header is line 1, and a record spanning lines is numbered by its first line. The values
    themselves are checked when they are applied (:func:`curated_values`).
    """
    if not corpus.is_dir():
        return Sidecar()
    text, reason = _sidecar_text(corpus)
    if text is None:
        if reason is None:
            return Sidecar()
        return Sidecar(problems=(Problem(None, None, None, None, _whole(f"{SIDECAR} {reason}")),))
    problems: list[Problem] = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [h.strip() for h in next(reader, [])]
    except csv.Error as exc:
        return Sidecar(problems=(Problem(None, 1, None, None, _whole(f"malformed header: {exc}")),))
    if "file" not in header:
        named = ", ".join(h for h in header if h) or "none"
        reason = f"{SIDECAR} has no 'file' column (columns: {named})"
        return Sidecar(problems=(Problem(None, 1, None, None, _whole(reason)),))
    records: list[tuple[int, list[str]]] = []
    for line, fields in csv_lines(reader):
        if isinstance(fields, csv.Error):
            problems.append(Problem(None, line, None, None, f"malformed CSV: {fields}{_NOT_READ}"))
            continue
        if any(f.strip() for f in fields):  # blank lines and rows of empty cells hold nothing
            records.append((line, fields))
    columns: dict[int, str] = {}
    for i, name in enumerate(header):
        if name in header[:i]:
            reason = "the column appears twice; only the first is read"
            problems.append(Problem(None, 1, name or None, None, reason))
        elif name == "file" or name in FIELDS:
            columns[i] = name
        elif name or any(i < len(f) and f[i].strip() for _, f in records):
            reason = "unknown column (not a provenance field); its values are not read"
            problems.append(Problem(None, 1, name or None, None, reason))
    where = header.index("file")
    first_line: dict[str, int] = {}
    rows: list[SidecarRow] = []
    for line, fields in records:
        if len(fields) != len(header):
            file = fields[where].strip() if where < len(fields) else ""
            reason = f"malformed CSV: {len(fields)} fields, the header has {len(header)}"
            problems.append(Problem(file or None, line, None, None, reason + _NOT_READ))
            continue
        file = fields[where].strip()
        if (reason := _file_problem(file)) is not None:
            problems.append(Problem(file or None, line, "file", file or None, reason))
            continue
        if file in first_line:
            reason = f"a second row for this file (the row on line {first_line[file]} is used)"
            problems.append(Problem(file, line, "file", file, reason + _NOT_READ))
            continue
        first_line[file] = line
        values = {
            name: fields[i].strip()
            for i, name in columns.items()
            if name != "file" and fields[i].strip()
        }
        rows.append(SidecarRow(file, line, values))
    return Sidecar(tuple(rows), tuple(problems))


_NOT_READ = "; the row is not read"


def _whole(reason: str) -> str:
    return f"{reason}; no curated value is read from it"


@dataclass
class Curated:
    """Checked curated values per doc_id, the fields whose value was refused, and the problems."""

    values: dict[str, dict[str, Found]] = field(default_factory=dict)
    refused: dict[str, set[str]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def take(self, doc_id: str, name: str, raw: Any, method: str, where: Problem) -> None:
        """Check ``raw`` for field ``name``: keep it, or record ``where`` with the reason."""
        value, reason = check_value(name, raw)
        if reason is None:
            self.values.setdefault(doc_id, {})[name] = Found(value, method)
        else:
            self.problems.append(where._replace(value=str(raw), reason=reason))
            self.refused.setdefault(doc_id, set()).add(name)


def _row_number(source: str) -> int | None:
    m = re.search(r"#row=(\d+)$", source)
    return int(m.group(1)) if m else None


def curated_values(
    docs: pl.DataFrame, sidecar: Sidecar | None = None, inputs: pl.DataFrame | None = None
) -> Curated:
    """Checked curated values per doc_id, from the input columns and the sidecar (which wins).

    ``inputs`` is the whole corpus frame (every input, whatever its status), so that a sidecar
    row naming a rejected or duplicate input says so; without it such a row is reported as
    naming no document. Every value is checked with :func:`check_value`; a refused value is
    not kept and becomes a :class:`Problem`.
    """
    curated = Curated(problems=list(sidecar.problems) if sidecar else [])
    present = [c for c in INPUT_COLUMNS if c in docs.columns]
    for row in docs.select("doc_id", "source", *present).iter_rows(named=True):
        for column in present:
            raw = row[column]
            if raw is not None and str(raw).strip():
                where = Problem(row["source"], _row_number(row["source"]), column, None, "")
                method = f"input column '{column}'"
                curated.take(row["doc_id"], INPUT_COLUMNS[column], raw, method, where)
    if sidecar is None or not sidecar.rows:
        return curated
    ok = dict(zip(docs["source"], docs["doc_id"], strict=True))
    others = inputs if inputs is not None else docs
    status = {
        r["source"]: r
        for r in others.select("source", "status", "reason", "duplicate_of").iter_rows(named=True)
    }
    for entry in sidecar.rows:
        doc_id = ok.get(entry.file)
        if doc_id is None:
            known = status.get(entry.file)
            if known is None:
                reason = "no such document in the corpus"
            elif known["status"] == "duplicate":
                reason = f"not an ok document (duplicate of {known['duplicate_of']})"
            else:
                reason = f"not an ok document ({known['status']}: {known['reason']})"
            curated.problems.append(Problem(entry.file, entry.line, "file", entry.file, reason))
            continue
        for name, raw in entry.values.items():
            where = Problem(entry.file, entry.line, name, None, "")
            curated.take(doc_id, name, raw, f"curated ({SIDECAR})", where)
    return curated


def _same(a: Any, b: Any) -> bool:
    """Curated and extracted values agree: same day for two ISO dates, else same text.

    >>> _same("2022-11-19", "2022-11-19T00:19:00+03:00"), _same("PolitNavigator", "politnavigator")
    (True, True)
    """
    if isinstance(a, str) and isinstance(b, str) and _DATE.match(a) and _DATE.match(b):
        return a[:10] == b[:10]
    return " ".join(str(a).lower().split()) == " ".join(str(b).lower().split())


# --- the tables --------------------------------------------------------------------------------


def extract_provenance(
    docs: pl.DataFrame,
    segments: pl.DataFrame,
    sidecar: Sidecar | None = None,
    *,
    inputs: pl.DataFrame | None = None,
) -> dict[str, pl.DataFrame]:
    """The tables of :data:`TABLES`: ``provenance``, its evidence, gaps and conflicts, and
    ``curated_problems``.

    ``docs`` holds the ok documents (``doc_id``, ``source``, ``text`` and the curated columns of
    the corpus frame); ``segments`` is :func:`analysis.provenance.boilerplate.segment_corpus`'s
    table;
    ``sidecar`` is :func:`read_sidecar`'s; ``inputs`` the whole corpus frame (see
    :func:`curated_values`). A curated value that fails its check is not used (the text-derived
    value stands, and a gap for that field says the curated value was refused).
    """
    curated = curated_values(docs, sidecar, inputs)
    seg_by_doc: dict[str, Segs] = {}
    ordered = segments.sort("doc_id", "start").select("doc_id", "start", "end", "label", "reason")
    for doc_id, start, end, label, reason in ordered.iter_rows():
        seg_by_doc.setdefault(doc_id, []).append((start, end, label, reason))
    rows, evidence, gaps, conflicts = [], [], [], []
    for row in docs.select("doc_id", "source", "text").iter_rows(named=True):
        doc_id, text = row["doc_id"], row["text"]
        doc = extract_document(doc_id, text, seg_by_doc.get(doc_id, []))
        for name, given in curated.values.get(doc_id, {}).items():
            value = given.value
            listed: set[tuple[int | None, int | None]] = set()
            for f in doc.found.get(name, []):
                if (f.start, f.end) in listed and f.start is not None:
                    continue  # the same words found by a second method: one conflict
                listed.add((f.start, f.end))
                if not _same(f.value, value):
                    conflicts.append(
                        (
                            doc_id,
                            name,
                            _show(value),
                            given.method,
                            _show(f.value),
                            f.method,
                            f.start,
                            f.end,
                            _snip(text, f),
                        )
                    )
            doc.found[name] = [Found(value, given.method), *doc.found.get(name, [])]
            doc.gaps.pop(name, None)
        for name in curated.refused.get(doc_id, ()):
            if name in doc.gaps:
                doc.gaps[name] += "; the curated value was refused (curated_problems)"
        record = {"doc_id": doc_id, "source": row["source"]}
        record.update({name: doc.value(name) for name in FIELDS})
        rows.append(record)
        seen: set[tuple[str, str, int | None]] = set()
        for name in FIELDS:
            for f in doc.found.get(name, []):
                key = (name, f.method, f.start)
                if key in seen:
                    continue
                seen.add(key)
                evidence.append(
                    (doc_id, name, _show(f.value), f.method, f.start, f.end, _snip(text, f))
                )
        gaps += [(doc_id, name, reason) for name, reason in doc.gaps.items()]
    return {
        "provenance": pl.DataFrame(rows, schema=PROVENANCE_SCHEMA).sort("doc_id"),
        "provenance_evidence": pl.DataFrame(evidence, schema=EVIDENCE_SCHEMA, orient="row").sort(
            "doc_id", "field", "start", "method", nulls_last=False
        ),
        "provenance_gaps": pl.DataFrame(gaps, schema=GAPS_SCHEMA, orient="row").sort(
            "doc_id", "field"
        ),
        "provenance_conflicts": pl.DataFrame(conflicts, schema=CONFLICTS_SCHEMA, orient="row").sort(
            "doc_id", "field"
        ),
        "curated_problems": pl.DataFrame(
            curated.problems, schema=CURATED_PROBLEMS_SCHEMA, orient="row"
        ).sort(SORT_BY["curated_problems"], nulls_last=True),
    }


def _show(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(value)
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def _snip(text: str, f: Found) -> str | None:
    if f.start is None or f.end is None:
        return None
    return snippet(text, f.start, f.end)


def evidence_view(tables: Mapping[str, pl.DataFrame], docs: int | None = None) -> pl.DataFrame:
    """Provenance evidence for reading: one row per value and method, by document and field.

    ``docs`` limits the view to the first documents (by ``source``).
    """
    meta = tables["provenance"].select("doc_id", "source").sort("source")
    if docs is not None:
        meta = meta.head(docs)
    order = {name: i for i, name in enumerate(FIELDS)}
    return (
        tables["provenance_evidence"]
        .join(meta, on="doc_id", how="inner")
        .with_columns(pl.col("field").replace_strict(order, return_dtype=pl.Int64).alias("_order"))
        .sort("source", "_order", "start", "method", nulls_last=False)
        .select("source", "field", "value", "method", "start", "end", "snippet")
    )
