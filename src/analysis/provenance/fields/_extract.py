"""Every provenance field of one document, each value with its method and evidence."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from analysis.provenance import dates, pagemeta
from analysis.provenance.boilerplate import join_spans
from analysis.provenance.fields._document import (
    _WORD,
    DocProvenance,
    Segs,
    _lines,
    _spans,
    _strip_span,
    _versions,
)
from analysis.provenance.fields._outlets import detect_outlet, named_publisher, signature_hits
from analysis.provenance.fields._schema import LANGUAGE_CHARS, LEAD_PARAGRAPHS, MIN_LANGUAGE_CHARS
from analysis.provenance.outlets import (
    Outlet,
    find_outlet,
    load_fingerprints,
    load_patterns,
    load_registry,
)
from analysis.text import casefold

__all__ = [
    "extract_document",
]

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
    spans = [(s, e) for s, e in _spans(segments) if _WORD.search(text, s, e)]
    start = spans[0][0] if spans else None
    found = pagemeta.read_page(text, start, spans[-1][1] if spans else None)
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
    low = casefold.lowered(text)  # offsets only are read: the same spans, found faster
    notes = [
        (n, m)
        for n in patterns["translation_notes"]
        for m in casefold.finditer(n["regex"], text, low)
    ]
    translator = [f for f in doc.found.get("intermediary", [])]
    fingerprints = [
        (fp, m) for fp in load_fingerprints()[1] for m in casefold.finditer(fp.pattern, text, low)
    ]
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


def _identifier() -> Any:
    from analysis.provenance.fields._langid import identifier

    return identifier()


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
