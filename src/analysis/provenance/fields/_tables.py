"""The provenance tables of a corpus, and the evidence view notebooks show."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import polars as pl

from analysis.provenance.fields._curated import Sidecar, _same, curated_values
from analysis.provenance.fields._document import DocProvenance, Found, Segs
from analysis.provenance.fields._extract import extract_document
from analysis.provenance.fields._schema import (
    CONFLICTS_SCHEMA,
    CURATED_PROBLEMS_SCHEMA,
    EVIDENCE_SCHEMA,
    FIELDS,
    GAPS_SCHEMA,
    PROVENANCE_SCHEMA,
    SORT_BY,
)
from analysis.text.evidence import snippet

__all__ = [
    "DOCUMENT_ROWS_SCHEMA",
    "document_rows",
    "evidence_view",
    "extract_provenance",
    "segments_by_doc",
]

#: What :func:`extract_document` finds in one document, as rows: ``kind`` ``found`` (a value,
#: JSON-encoded, with its method and range; ``rank`` orders a field's values) or ``gap``.
DOCUMENT_ROWS_SCHEMA = pl.Schema(
    {
        "doc_id": pl.String(),
        "kind": pl.String(),
        "field": pl.String(),
        "rank": pl.Int64(),
        "value": pl.String(),
        "method": pl.String(),
        "start": pl.Int64(),
        "end": pl.Int64(),
    }
)


def segments_by_doc(segments: pl.DataFrame) -> dict[str, Segs]:
    """``(start, end, label, reason)`` of every segment, per document, in text order."""
    seg_by_doc: dict[str, Segs] = {}
    ordered = segments.sort("doc_id", "start").select("doc_id", "start", "end", "label", "reason")
    for doc_id, start, end, label, reason in ordered.iter_rows():
        seg_by_doc.setdefault(doc_id, []).append((start, end, label, reason))
    return seg_by_doc


def _encode(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    if json.loads(text) != value or type(json.loads(text)) is not type(value):
        raise TypeError(f"provenance value {value!r} does not survive JSON")
    return text


def document_rows(docs: pl.DataFrame, seg_by_doc: Mapping[str, Segs]) -> pl.DataFrame:
    """:func:`extract_document` of every document of ``docs`` as :data:`DOCUMENT_ROWS_SCHEMA`
    rows: what the text says, before curated values are merged (the part worth caching).
    ``seg_by_doc`` is :func:`segments_by_doc` of the ``segments`` table."""
    out: list[tuple[Any, ...]] = []
    for doc_id, text in docs.select("doc_id", "text").iter_rows():
        doc = extract_document(doc_id, text, seg_by_doc.get(doc_id, []))
        for name, found in doc.found.items():
            for rank, f in enumerate(found):
                out.append(
                    (doc_id, "found", name, rank, _encode(f.value), f.method, f.start, f.end)
                )
        for name, reason in doc.gaps.items():
            out.append((doc_id, "gap", name, None, reason, None, None, None))
    return pl.DataFrame(out, schema=DOCUMENT_ROWS_SCHEMA, orient="row")


def _documents_from(rows: pl.DataFrame, texts: Mapping[str, str]) -> dict[str, DocProvenance]:
    """Rebuild :func:`extract_document`'s results from :func:`document_rows` (order kept)."""
    docs = {doc_id: DocProvenance(doc_id, text) for doc_id, text in texts.items()}
    for doc_id, kind, name, _rank, value, method, start, end in rows.iter_rows():
        doc = docs[doc_id]
        if kind == "gap":
            doc.gaps[name] = value
        else:
            doc.found.setdefault(name, []).append(Found(json.loads(value), method, start, end))
    return docs


def extract_provenance(
    docs: pl.DataFrame,
    segments: pl.DataFrame | None,
    sidecar: Sidecar | None = None,
    *,
    inputs: pl.DataFrame | None = None,
    documents: pl.DataFrame | None = None,
) -> dict[str, pl.DataFrame]:
    """The tables of :data:`TABLES`: ``provenance``, its evidence, gaps and conflicts, and
    ``curated_problems``.

    ``docs`` holds the ok documents (``doc_id``, ``source``, ``text`` and the curated columns of the
    corpus frame); ``segments`` is :func:`analysis.provenance.boilerplate.segment_corpus`'s table;
    ``sidecar`` is :func:`read_sidecar`'s; ``inputs`` the whole corpus frame (see
    :func:`curated_values`). A curated value that fails its check is not used (the text-derived
    value stands, and a gap for that field says the curated value was refused). ``documents``:
    :func:`document_rows` of ``docs`` computed earlier (a cache); without it they are computed
    from ``segments`` (which is not read otherwise: ``None`` will do).
    """
    curated = curated_values(docs, sidecar, inputs)
    if documents is None:
        if segments is None:
            raise ValueError("extract_provenance: pass the segments, or the documents' rows")
        documents = document_rows(docs, segments_by_doc(segments))
    texts = dict(zip(docs["doc_id"].to_list(), docs["text"].to_list(), strict=True))
    found_by_doc = _documents_from(documents, texts)
    rows, evidence, gaps, conflicts = [], [], [], []
    for row in docs.select("doc_id", "source", "text").iter_rows(named=True):
        doc_id, text = row["doc_id"], row["text"]
        doc = found_by_doc[doc_id]
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
