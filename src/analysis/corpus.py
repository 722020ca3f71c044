"""Corpus intake: one function turns a corpus into one polars frame that accounts for every input.

A corpus is either a folder of text files (default ``seeds/``; every file below it, recursively,
sorted by path) or a tabular file (``.parquet``, ``.csv``, ``.jsonl``/``.ndjson``) with a ``text``
column and optional ``id``, ``outlet``, ``title``, ``date``, ``url`` and ``authors`` columns.

Every input becomes one row of the frame returned by :func:`read_corpus`, with ``status``:

- ``ok``: decoded and kept;
- ``rejected``: empty, whitespace-only, binary, undecodable, over ``max_bytes``, hidden or
  unreadable, with the ``reason`` (the curated-metadata sidecar ``metadata.csv`` is listed here
  too, as not a document);
- ``duplicate``: the same bytes (or, for rows, the same text) as an earlier input, which is named
  in ``duplicate_of``. Only the first copy is kept.

Nothing is dropped: the ``documents`` table (:func:`documents`) is this frame without ``text``.

Offsets used anywhere in the project are character offsets into ``text``: the decoded file with
its byte-order mark removed and line ends normalised to ``\\n``, which is exactly what
``open(path, encoding=encoding).read()`` returns in Python. ``newline`` records the original
line-end style.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import polars as pl

from analysis import paths
from analysis.encoding import decode
from analysis.manifest import sha256_file

Status = Literal["ok", "rejected", "duplicate"]

#: Column order and types of the frame :func:`read_corpus` returns.
CORPUS_SCHEMA: dict[str, pl.DataType] = {
    "doc_id": pl.String(),  # hex SHA-256 of the raw bytes (files) or of the UTF-8 text (rows)
    "source": pl.String(),  # path relative to the corpus folder, or "<file>#row=<n>"
    "status": pl.String(),  # ok | rejected | duplicate
    "reason": pl.String(),  # why rejected or duplicate; null when ok
    "duplicate_of": pl.String(),  # source of the kept copy, for duplicates
    "bytes": pl.Int64(),  # size of the raw input (file bytes, or UTF-8 bytes of the text)
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

#: Extensions read as tabular corpora.
TABULAR_EXTENSIONS: tuple[str, ...] = (".parquet", ".csv", ".jsonl", ".ndjson")
#: Optional curated columns carried over from a tabular corpus.
METADATA_COLUMNS: tuple[str, ...] = ("outlet", "title", "date", "url", "authors")
#: Curated-metadata sidecar in a corpus folder: read by ``analysis.provenance``, not a document.
SIDECAR = "metadata.csv"
#: Default size limit for one document.
DEFAULT_MAX_BYTES = 5_000_000


class CorpusError(ValueError):
    """The corpus as a whole cannot be read (missing, wrong kind, no ``text`` column)."""


@dataclass
class _Row:
    source: str
    raw_hash: str | None
    size: int
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


def _judge_text(row: _Row, text: str | None, max_bytes: int) -> None:
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


def corpus_files(folder: Path) -> list[Path]:
    """Every regular file below ``folder``, sorted by relative POSIX path."""
    found = [p for p in folder.rglob("*") if p.is_file()]
    return sorted(found, key=lambda p: p.relative_to(folder).as_posix())


def _folder_rows(folder: Path, max_bytes: int) -> Iterator[_Row]:
    for path in corpus_files(folder):
        rel = path.relative_to(folder).as_posix()
        try:
            size = path.stat().st_size
            if size > max_bytes:
                row = _Row(rel, sha256_file(path), size)
                _judge_text(row, None, max_bytes)
                yield row
                continue
            raw = path.read_bytes()
        except OSError as exc:
            yield _Row(rel, None, 0, "rejected", f"unreadable: {exc.strerror or exc}")
            continue
        row = _Row(rel, hashlib.sha256(raw).hexdigest(), len(raw))
        if any(part.startswith(".") for part in Path(rel).parts):
            row.status, row.reason = "rejected", "hidden file (name starts with '.')"
            yield row
            continue
        if rel == SIDECAR:
            row.status, row.reason = "rejected", "curated metadata sidecar (read by provenance)"
            yield row
            continue
        decoded = decode(raw) if raw else None
        if decoded is not None:
            row.encoding, row.reason = decoded.encoding, decoded.reason
        _judge_text(row, decoded.text if decoded else None, max_bytes)
        yield row


def _read_table(path: Path) -> pl.DataFrame:
    suffix = path.suffix.lower()
    try:
        if suffix == ".parquet":
            frame = pl.read_parquet(path)
        elif suffix == ".csv":
            frame = pl.read_csv(path, infer_schema=False)
        else:
            frame = pl.read_ndjson(path)
    except Exception as exc:  # polars raises many error types for malformed files
        raise CorpusError(f"cannot read tabular corpus {paths.display_path(path)}: {exc}") from exc
    if "text" not in frame.columns:
        raise CorpusError(
            f"tabular corpus {paths.display_path(path)} has no 'text' column "
            f"(columns: {', '.join(frame.columns)})"
        )
    return frame


def _as_string(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value if v is not None) or None
    text = str(value)
    return text if text.strip() else None


def _table_rows(path: Path, max_bytes: int) -> Iterator[_Row]:
    frame = _read_table(path)
    width = max(6, len(str(frame.height)))
    extra = [c for c in ("id", *METADATA_COLUMNS) if c in frame.columns]
    for n, record in enumerate(frame.select("text", *extra).iter_rows(named=True)):
        source = f"{path.name}#row={n:0{width}d}"
        meta = {c: _as_string(record[c]) for c in extra}
        value = record["text"]
        if value is None:
            yield _Row(source, None, 0, "rejected", "text is null", meta=meta)
            continue
        text = value if isinstance(value, str) else str(value)
        raw = text.encode("utf-8")
        row = _Row(source, hashlib.sha256(raw).hexdigest(), len(raw), encoding="utf-8", meta=meta)
        _judge_text(row, text, max_bytes)
        yield row


def _mark_duplicates(rows: list[_Row]) -> dict[str, str]:
    first: dict[str, str] = {}
    duplicate_of: dict[str, str] = {}
    for row in rows:
        if row.status != "ok" or row.raw_hash is None:
            continue
        if row.raw_hash in first:
            row.status = "duplicate"
            row.reason = "identical content to an earlier input"
            duplicate_of[row.source] = first[row.raw_hash]
            row.text = None
        else:
            first[row.raw_hash] = row.source
    return duplicate_of


def check_corpus(corpus: str | os.PathLike[str]) -> Path:
    """Resolve ``corpus`` (relative paths against the project root) and check that it can be read.

    Raises :class:`CorpusError` with a message meant for people when the path is missing, is a
    file of an unsupported kind, or is a table without a ``text`` column.
    """
    path = paths.resolve(corpus)
    if not path.exists():
        raise CorpusError(f"corpus not found: {corpus} (looked at {path})")
    if path.is_dir():
        return path
    if path.suffix.lower() not in TABULAR_EXTENSIONS:
        raise CorpusError(
            f"corpus {corpus} is a file but not a table; expected a folder of text files or one of "
            + ", ".join(TABULAR_EXTENSIONS)
        )
    if path.suffix.lower() == ".parquet":
        try:
            columns = list(pl.read_parquet_schema(path))
        except Exception as exc:  # polars raises several error types for malformed files
            raise CorpusError(f"cannot read tabular corpus {corpus}: {exc}") from exc
        if "text" not in columns:
            raise CorpusError(f"tabular corpus {corpus} has no 'text' column")
    return path


def read_corpus(
    corpus: str | os.PathLike[str] = paths.SEEDS, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> pl.DataFrame:
    """Read a corpus into one frame with :data:`CORPUS_SCHEMA`, one row per input.

    Parameters
    ----------
    corpus
        A folder of text files or a ``.parquet``/``.csv``/``.jsonl`` file with a ``text`` column.
        Relative paths are resolved against the project root.
    max_bytes
        Inputs larger than this are rejected (their hash is still recorded).

    Returns
    -------
    polars.DataFrame
        Rows in input order (files by path, rows by position); ``source`` is unique.

    Examples
    --------
    >>> frame = read_corpus("seeds")
    >>> frame.select("source", "status", "encoding").head(2)
    shape: (2, 3)
    ┌──────────────────────────┬────────┬──────────┐
    │ source                   ┆ status ┆ encoding │
    │ ---                      ┆ ---    ┆ ---      │
    │ str                      ┆ str    ┆ str      │
    ╞══════════════════════════╪════════╪══════════╡
    │ 000_a1ab4292ac8d29c1.txt ┆ ok     ┆ utf-8    │
    │ 001_10a2459e9d4c8b43.txt ┆ ok     ┆ utf-8    │
    └──────────────────────────┴────────┴──────────┘
    """
    path = check_corpus(corpus)
    rows = list(_folder_rows(path, max_bytes) if path.is_dir() else _table_rows(path, max_bytes))
    duplicate_of = _mark_duplicates(rows)
    data = {
        "doc_id": [r.raw_hash for r in rows],
        "source": [r.source for r in rows],
        "status": [r.status for r in rows],
        "reason": [r.reason for r in rows],
        "duplicate_of": [duplicate_of.get(r.source) for r in rows],
        "bytes": [r.size for r in rows],
        "encoding": [r.encoding for r in rows],
        "newline": [r.newline for r in rows],
        "n_chars": [len(r.text) if r.text is not None else None for r in rows],
        "n_lines": [r.text.count("\n") + 1 if r.text is not None else None for r in rows],
        "input_id": [r.meta.get("id") for r in rows],
        **{c: [r.meta.get(c) for r in rows] for c in METADATA_COLUMNS},
        "text": [r.text for r in rows],
    }
    return pl.DataFrame(data, schema=CORPUS_SCHEMA)


def documents(frame: pl.DataFrame) -> pl.DataFrame:
    """The ``documents`` table: every input with its status and reason, without the text."""
    return frame.drop("text")


def ok_documents(frame: pl.DataFrame) -> pl.DataFrame:
    """Only the documents that later analyses use (``status == "ok"``)."""
    return frame.filter(pl.col("status") == "ok")


def status_counts(frame: pl.DataFrame) -> pl.DataFrame:
    """Number of inputs and bytes by status, always listing all three statuses.

    >>> status_counts(read_corpus("seeds")).to_dicts()[0]
    {'status': 'ok', 'inputs': 5, 'bytes': 43293}
    """
    base = pl.DataFrame({"status": ["ok", "rejected", "duplicate"]})
    counts = frame.group_by("status").agg(
        pl.len().cast(pl.Int64).alias("inputs"), pl.col("bytes").sum().alias("bytes")
    )
    return base.join(counts, on="status", how="left", maintain_order="left").fill_null(0)


def encoding_counts(frame: pl.DataFrame) -> pl.DataFrame:
    """Inputs by detected encoding and original line-end style (rejected inputs included)."""
    return (
        frame.group_by("encoding", "newline")
        .agg(pl.len().cast(pl.Int64).alias("inputs"), pl.col("bytes").sum().alias("bytes"))
        .sort("inputs", "encoding", "newline", descending=[True, False, False], nulls_last=True)
    )


def problems(frame: pl.DataFrame) -> pl.DataFrame:
    """Inputs that were not kept: rejected and duplicate, with the reason."""
    return frame.filter(pl.col("status") != "ok").select(
        "source", "status", "reason", "duplicate_of", "bytes", "doc_id"
    )
