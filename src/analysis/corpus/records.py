"""What a corpus row is: the ``documents`` schema and statuses, line ends, and the rules that
reject a decoded text (empty, too large, whitespace only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import polars as pl

__all__ = [
    "CORPUS_SCHEMA",
    "DEFAULT_MAX_BYTES",
    "METADATA_COLUMNS",
    "SIDECAR",
    "TABULAR_EXTENSIONS",
    "Row",
    "Status",
    "judge_text",
    "newline_style",
    "normalise_newlines",
]

Status = Literal["ok", "rejected", "duplicate"]

#: Column order and types of the frame :func:`read_corpus` returns.
CORPUS_SCHEMA = pl.Schema(
    {
        "doc_id": pl.String(),  # hex SHA-256 of the raw bytes (files) or of the UTF-8 text (rows)
        "source": pl.String(),  # relative to the corpus folder, "<file>#row=<n>" or "#line=<n>"
        "status": pl.String(),  # ok | rejected | duplicate
        "reason": pl.String(),  # why rejected or duplicate; null when ok
        "duplicate_of": pl.String(),  # source of the kept copy, for duplicates
        "bytes": pl.Int64(),  # bytes read (file) or UTF-8 bytes of the text (row); 0 if never read
        "encoding": pl.String(),  # Python codec that decodes the raw bytes to `text`
        "newline": pl.String(),  # LF | CRLF | CR | mixed | none (line ends of the original)
        "n_chars": pl.Int64(),  # characters in `text`
        "n_lines": pl.Int64(),  # lines in `text`
        "input_id": pl.String(),  # the `id` column of a tabular corpus
        "outlet": pl.String(),  # curated columns of a tabular corpus (null for folders)
        "title": pl.String(),
        "date": pl.String(),
        "url": pl.String(),
        "authors": pl.String(),
        "text": pl.String(),  # decoded text, null unless status is ok
    }
)

#: Extensions read as tabular corpora.
TABULAR_EXTENSIONS: tuple[str, ...] = (".parquet", ".csv", ".jsonl", ".ndjson")
#: Optional curated columns carried over from a tabular corpus.
METADATA_COLUMNS: tuple[str, ...] = ("outlet", "title", "date", "url", "authors")
#: Curated-metadata sidecar in a corpus folder: read by ``analysis.provenance.fields``, not a
#: document.
SIDECAR = "metadata.csv"
#: Default size limit for one document.
DEFAULT_MAX_BYTES = 5_000_000


@dataclass
class Row:
    source: str
    raw_hash: str | None
    size: int  # bytes read; 0 for an input that was never read
    status: Status = "ok"
    reason: str | None = None
    encoding: str | None = None
    text: str | None = None
    newline: str | None = None
    meta: dict[str, str | None] = field(default_factory=dict)


def newline_style(text: str) -> str:
    """Name the line-end convention of ``text``.

    >>> newline_style("a\\r\\nb\\r\\n"), newline_style("a\\nb"), newline_style("a\\r\\nb\\n")
    ('CRLF', 'LF', 'mixed')
    """
    crlf = text.count("\r\n")
    cr = text.count("\r") - crlf
    lf = text.count("\n") - crlf
    kinds = [name for name, n in (("CRLF", crlf), ("CR", cr), ("LF", lf)) if n]
    if not kinds:
        return "none"
    return kinds[0] if len(kinds) == 1 else "mixed"


def normalise_newlines(text: str) -> str:
    """Replace CRLF and lone CR by LF, as Python's universal-newline reading does."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def judge_text(row: Row, text: str | None, max_bytes: int) -> None:
    """Fill ``row`` from decoded ``text`` (or leave its rejection reason)."""
    if row.size == 0:
        row.status, row.reason = "rejected", "empty (0 bytes)"
    elif row.size > max_bytes:
        row.status, row.reason = "rejected", f"too large ({row.size} bytes > max_bytes={max_bytes})"
    elif text is None:
        row.status = "rejected"
    elif not text.strip():
        row.status, row.reason = "rejected", "whitespace only"
    else:
        row.newline = newline_style(text)
        row.text = normalise_newlines(text)
