"""The provenance tables: their names, columns, sort order and the extraction's settings."""

from __future__ import annotations

import polars as pl

__all__ = [
    "CONFLICTS_SCHEMA",
    "CURATED_PROBLEMS_SCHEMA",
    "EVIDENCE_SCHEMA",
    "FIELDS",
    "GAPS_SCHEMA",
    "INPUT_COLUMNS",
    "LANGUAGE_CHARS",
    "LEAD_PARAGRAPHS",
    "MIN_LANGUAGE_CHARS",
    "PROVENANCE_SCHEMA",
    "SORT_BY",
    "TABLES",
]

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

PROVENANCE_SCHEMA = pl.Schema(
    {
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
        "intermediary": pl.String(),  # translator or republisher between original and publisher
        "primary_source_kind": pl.String(),
        "url": pl.String(),
    }
)
EVIDENCE_SCHEMA = pl.Schema(
    {
        "doc_id": pl.String(),
        "field": pl.String(),
        "value": pl.String(),
        "method": pl.String(),
        "start": pl.Int64(),
        "end": pl.Int64(),
        "snippet": pl.String(),
    }
)
GAPS_SCHEMA = pl.Schema(
    {
        "doc_id": pl.String(),
        "field": pl.String(),
        "reason": pl.String(),
    }
)
CONFLICTS_SCHEMA = pl.Schema(
    {
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
)

#: One row per curated value (or sidecar row, or the sidecar as a whole) that was not used.
CURATED_PROBLEMS_SCHEMA = pl.Schema(
    {
        "file": pl.String(),  # sidecar: the `file` cell as written; table: the row's source
        "row": pl.Int64(),  # sidecar: 1-based line where the record starts; table: its #row= number
        "column": pl.String(),  # sidecar or input column of the value; null for a whole row or file
        "value": pl.String(),  # the refused value as written
        "reason": pl.String(),
    }
)
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
