"""Source provenance of each document, with the evidence for every value.

One row per document in ``provenance``; every non-null value has at least one row in
``provenance_evidence`` (``doc_id``, ``field``, ``value``, ``method``, ``start``, ``end``,
``snippet``; offsets into the decoded original text, null for curated values); every null value
has a row in ``provenance_gaps`` saying why. Curated values (a sidecar ``metadata.csv`` in a corpus
folder, or the ``outlet``/``title``/``date``/``url``/``authors`` columns of a tabular corpus) take
precedence; where the text says otherwise, ``provenance_conflicts`` lists both.

Methods (the data files are in ``src/analysis/data/``):

- ``outlet``: outlet signatures of ``outlets.yaml`` (lines only that outlet's pages carry).
- ``title``, ``author``, ``published_at``, ``dateline``, ``views``, ``tags``: the page header as
  labelled by :mod:`analysis.boilerplate`, read with ``provenance_patterns.yaml``; a signature
  line before the page foot; the author of a reproduced Telegram post.
- ``date_earliest``/``date_latest``: the publication date when stated, else :mod:`analysis.dates`.
- ``language``: py3langid on the clean body.
- ``translated``, ``original_language``, ``original_outlet``, ``intermediary``: translator
  signatures and credit lines, and machine-translation fingerprints (``mt_fingerprints.yaml``).
- ``primary_source_kind``: the first primary-source cue in the lead, else the genre tags.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl

from analysis import dates
from analysis.boilerplate import join_spans
from analysis.corpus import SIDECAR
from analysis.evidence import snippet
from analysis.registry import Outlet, load_fingerprints, load_patterns, load_registry

#: The tables :func:`extract_provenance` returns, by name.
TABLES: tuple[str, ...] = (
    "provenance",
    "provenance_evidence",
    "provenance_gaps",
    "provenance_conflicts",
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
        if name not in self.found:
            self.gaps[name] = reason


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
    """Publishing outlet per document: the input column when given, else signatures."""
    curated = docs["outlet"].to_list() if "outlet" in docs.columns else [None] * docs.height
    return {
        doc_id: (given or detect_outlet(text)[0])
        for doc_id, text, given in zip(docs["doc_id"], docs["text"], curated, strict=True)
    }


# --- per-field extraction ----------------------------------------------------------------------


def _header(doc: DocProvenance, segments: Segs) -> None:
    text, patterns = doc.text, load_patterns()
    for s, e in _lines(segments, "header: title")[:1]:
        s, e = _strip_span(text, s, e, "")
        doc.add("title", text[s:e], "header line before the first paragraph", s, e)
    for s, e in _lines(segments, "header: byline"):
        s, e = _strip_span(text, s, e)
        doc.add("author", text[s:e], "byline in the header", s, e)
    for s, e in _lines(segments, "byline: signature"):
        s, e = _strip_span(text, s, e)
        doc.add("author", text[s:e], "signature line before the page foot", s, e)
    header_end = next(iter(_spans(segments)), (len(text), 0))[0]
    for entry in patterns["bylines"]:
        for m in entry["regex"].finditer(text, 0, header_end):
            doc.add("author", m["name"], "byline pattern", m.start("name"), m.end("name"))
    for s, e in _lines(segments, "header: date"):
        _published(doc, s, e)
    for entry in patterns["datelines"]:
        for m in entry["regex"].finditer(text, 0, header_end):
            doc.add("dateline", m["place"], "dateline pattern", m.start("place"), m.end("place"))
    for s, e in _lines(segments, "header: views"):
        m = re.search(r"\d[\d\s,.]*", text[s:e])
        if m:
            doc.add(
                "views", int(re.sub(r"\D", "", m.group())), "views line", s + m.start(), s + m.end()
            )
    _header_counters(doc, segments)
    for s, e in _lines(segments, "header: tags"):
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


def _published(doc: DocProvenance, start: int, end: int) -> None:
    text, patterns = doc.text, load_patterns()
    line = text[start:end]
    for entry in patterns["published"]:
        m = entry["regex"].search(line)
        if not m:
            continue
        when = dt.datetime.strptime(" ".join(m["when"].split()), entry["format"])
        nearby = text[start : min(len(text), end + 120)]
        zone = next(
            ((tz, z) for tz in patterns["timezones"] if (z := tz["regex"].search(nearby))), None
        )
        timed = "%H" in entry["format"]
        iso = when.strftime("%Y-%m-%dT%H:%M:%S") if timed else when.date().isoformat()
        if zone is not None and timed:
            tz, z = zone
            doc.add(
                "published_at",
                f"{iso}{tz['offset']}",
                f"header date with time zone ({tz['name']})",
                start + m.start("when"),
                start + z.end(),
            )
        else:
            doc.add(
                "published_at", iso, "header date", start + m.start("when"), start + m.end("when")
            )
        return


def _outlets(doc: DocProvenance) -> list[tuple[Outlet, str, int, int]]:
    hits = signature_hits(doc.text)
    publisher, ranges = detect_outlet(doc.text)
    for s, e in ranges:
        doc.add("outlet", publisher, f"outlet signature ({_versions().split(',')[0]})", s, e)
    for outlet, means, s, e in hits:
        if means == "intermediary":
            doc.add("intermediary", outlet.name, "translator/republisher signature", s, e)
        elif means == "original":
            doc.add("original_outlet", outlet.name, "original-outlet signature", s, e)
    return hits


def _translation(doc: DocProvenance, spans: list[tuple[int, int]]) -> None:
    text, patterns, registry = doc.text, load_patterns(), load_registry()
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
                    outlet = registry.resolve(m["outlet"])
                    name = outlet.name if outlet else m["outlet"].strip()
                    target = "original_outlet" if entry["means"] == "original" else "intermediary"
                    if doc.value("intermediary") != name:
                        doc.add(target, name, "credit line", m.start("outlet"), m.end("outlet"))
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
    outlet = registry.resolve(original) if original else None
    if outlet is not None and outlet.language:
        for f in doc.found["original_outlet"][:1]:
            doc.add(
                "original_language",
                outlet.language,
                f"language of {outlet.name} (outlets.yaml)",
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


def read_sidecar(corpus: Path) -> dict[str, dict[str, str]]:
    """Curated values from ``<corpus>/metadata.csv``: file name -> {field: value}.

    Columns: ``file`` and any of the provenance fields; empty cells are ignored.
    """
    path = corpus / SIDECAR
    if not corpus.is_dir() or not path.is_file():
        return {}
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    unknown = set(rows[0]) - {"file", *FIELDS} if rows else set()
    if unknown:
        raise ValueError(f"{SIDECAR}: unknown columns {', '.join(sorted(unknown))}")
    return {
        r["file"]: {k: v.strip() for k, v in r.items() if k != "file" and v and v.strip()}
        for r in rows
    }


def curated_values(
    docs: pl.DataFrame, sidecar: Mapping[str, Mapping[str, str]]
) -> dict[str, dict[str, Found]]:
    """Curated values per doc_id, from the input columns and the sidecar (which wins)."""
    out: dict[str, dict[str, Found]] = {}
    for row in docs.iter_rows(named=True):
        values: dict[str, Found] = {}
        for column, name in INPUT_COLUMNS.items():
            if row.get(column):
                values[name] = Found(row[column], f"input column '{column}'")
        for name, value in sidecar.get(row["source"], {}).items():
            values[name] = Found(value, f"curated ({SIDECAR})")
        if values:
            out[row["doc_id"]] = values
    return out


def _coerce(name: str, value: Any) -> Any:
    if name == "views":
        return int(str(value).replace(",", "").strip())
    if name == "translated" and isinstance(value, str):
        return value.strip().lower() in {"true", "yes", "1"}
    if name == "tags" and isinstance(value, str):
        return [t.strip() for t in value.split(";") if t.strip()]
    return value


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _same(a: Any, b: Any) -> bool:
    """Curated and extracted values agree: same day for two ISO dates, else same text.

    >>> _same("2022-11-19", "2022-11-19T00:19:00+03:00"), _same("PolitNavigator", "politnavigator")
    (True, True)
    """
    if isinstance(a, str) and isinstance(b, str) and _ISO_DATE.match(a) and _ISO_DATE.match(b):
        return a[:10] == b[:10]
    return " ".join(str(a).lower().split()) == " ".join(str(b).lower().split())


# --- the tables --------------------------------------------------------------------------------


def extract_provenance(
    docs: pl.DataFrame,
    segments: pl.DataFrame,
    sidecar: Mapping[str, Mapping[str, str]] | None = None,
) -> dict[str, pl.DataFrame]:
    """``provenance``, ``provenance_evidence``, ``provenance_gaps``, ``provenance_conflicts``.

    ``docs`` holds the ok documents (``doc_id``, ``source``, ``text`` and the curated columns of
    the corpus frame); ``segments`` is :func:`analysis.boilerplate.segment_corpus`'s table.
    """
    curated = curated_values(docs, sidecar or {})
    seg_by_doc: dict[str, Segs] = {}
    ordered = segments.sort("doc_id", "start").select("doc_id", "start", "end", "label", "reason")
    for doc_id, start, end, label, reason in ordered.iter_rows():
        seg_by_doc.setdefault(doc_id, []).append((start, end, label, reason))
    rows, evidence, gaps, conflicts = [], [], [], []
    for row in docs.select("doc_id", "source", "text").iter_rows(named=True):
        doc_id, text = row["doc_id"], row["text"]
        doc = extract_document(doc_id, text, seg_by_doc.get(doc_id, []))
        for name, given in curated.get(doc_id, {}).items():
            value = _coerce(name, given.value)
            for f in doc.found.get(name, []):
                if not _same(f.value, value):
                    conflicts.append(
                        (
                            doc_id,
                            name,
                            str(value),
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
