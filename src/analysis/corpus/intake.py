"""Corpus intake: one function turns a corpus into one polars frame that accounts for every input.

A corpus is either a folder of text files (default ``seeds/``; every entry below it, recursively,
sorted by path) or a tabular file (``.parquet``, ``.csv``, ``.jsonl``/``.ndjson``) with a ``text``
column and optional ``id``, ``outlet``, ``title``, ``date``, ``url`` and ``authors`` columns.

A folder is listed by :func:`walk_corpus`, which opens nothing and stays inside the folder: a
symlink whose target lies outside is never opened (``"symlink outside the corpus"``), a link to a
file inside is followed, and links to folders, link loops, dangling links, FIFOs, sockets and
devices each get a row with the reason instead of being opened (a FIFO would block forever).
Files are read with :func:`read_regular_file` (no final symlink followed, non-blocking, checked
to be the regular file that was listed, size counted as read since ``/proc`` files report 0).
The run manifest hashes inputs through the same walk (:func:`analysis.run.manifest.input_files`).

A table is read row by row: a malformed JSONL line or CSV record is one ``rejected`` row whose
``source`` is ``<file>#line=<n>`` (1-based line where it starts) and whose reason is the
parser's message; other rows are ``<file>#row=<n>`` (0-based position among the records, the bad
ones included, zero-padded to at least six digits). A table without a ``text`` column is refused
by :func:`check_corpus` before anything runs.

Every input becomes one row of the frame returned by :func:`read_corpus`, with ``status``:

- ``ok``: decoded and kept;
- ``rejected``: empty, whitespace-only, binary, undecodable, over ``max_bytes``, hidden,
  unreadable, not a regular file, a symlink that is not followed, a malformed table row, or a
  table row whose ``id`` an earlier row already used (``"duplicate id (first used by ...)"``),
  with the ``reason`` (the curated-metadata sidecar ``metadata.csv`` is listed here too, as not a
  document);
- ``duplicate``: the same bytes, or the same decoded text (after removing the byte-order mark
  and normalising line ends, so one article saved in UTF-8 and in cp1251 counts once), as an
  earlier input in ``source`` order, which is named in ``duplicate_of``; the reason says which
  (``"identical content to an earlier input"`` or ``"same text as an earlier input in another
  encoding (cp1251, not utf-8)"``). Only the first copy is kept; ``doc_id`` stays the hash of
  each input's own bytes.

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
from pathlib import Path

import polars as pl

from analysis.core import memory, paths
from analysis.core.errors import CorpusError, NotRegularFile
from analysis.corpus.encoding import decode
from analysis.corpus.files import entry_kind, read_regular_file, walk_corpus
from analysis.corpus.records import (
    CORPUS_SCHEMA,
    DEFAULT_MAX_BYTES,
    METADATA_COLUMNS,
    SIDECAR,
    TABULAR_EXTENSIONS,
    Row,
    judge_text,
)
from analysis.corpus.tables import csv_header, jsonl_lines, parse_json_line, table_rows

__all__ = [
    "check_corpus",
    "count_inputs",
    "documents",
    "encoding_counts",
    "has_ok_document",
    "ok_documents",
    "problems",
    "read_corpus",
    "status_counts",
]


def _folder_rows(folder: Path, max_bytes: int) -> Iterator[Row]:
    for entry in walk_corpus(folder):
        if entry.reason is not None or entry.path is None:
            yield Row(entry.source, None, 0, "rejected", entry.reason)
            continue
        try:
            raw, size, digest = read_regular_file(
                entry.path, max_bytes=max_bytes, ident=entry.ident
            )
        except NotRegularFile as exc:
            yield Row(entry.source, None, 0, "rejected", str(exc))
            continue
        except OSError as exc:
            yield Row(entry.source, None, 0, "rejected", f"unreadable: {exc.strerror or exc}")
            continue
        row = Row(entry.source, digest, size)
        if any(part.startswith(".") for part in entry.source.split("/")):
            row.status, row.reason = "rejected", "hidden file (name starts with '.')"
            yield row
            continue
        if entry.source == SIDECAR:
            row.status, row.reason = "rejected", "curated metadata sidecar (read by provenance)"
            yield row
            continue
        decoded = decode(raw) if raw else None
        if decoded is not None:
            row.encoding, row.reason = decoded.encoding, decoded.reason
        judge_text(row, decoded.text if decoded else None, max_bytes)
        yield row


def _same_text_reason(row: Row, first: Row) -> str:
    """Why ``row``, whose bytes differ from ``first``'s, still holds the same text."""
    how = []
    if row.encoding != first.encoding:
        how.append(f"in another encoding ({row.encoding}, not {first.encoding})")
    if row.newline != first.newline:
        how.append(f"with other line ends ({row.newline}, not {first.newline})")
    return "same text as an earlier input " + (" and ".join(how) or "in other bytes")


class _Duplicates:
    """Marks later copies (same bytes, or same decoded text) as duplicates, one input at a time.

    Text is compared as decoded, byte-order mark removed and line ends normalised, so one
    article saved in UTF-8 and in cp1251 is kept once. Only digests of the texts seen are kept,
    not the texts.
    """

    def __init__(self) -> None:
        self.by_hash: dict[str, Row] = {}
        self.by_text: dict[bytes, Row] = {}

    def mark(self, row: Row) -> str | None:
        """Mark ``row`` if it repeats an earlier input; the ``source`` of that input, if so."""
        if row.status != "ok" or row.raw_hash is None or row.text is None:
            return None
        text_digest = hashlib.sha256(row.text.encode("utf-8", "surrogatepass")).digest()
        if (first := self.by_hash.get(row.raw_hash)) is not None:
            reason = "identical content to an earlier input"
        elif (first := self.by_text.get(text_digest)) is not None:
            reason = _same_text_reason(row, first)
        else:
            kept = Row(row.source, row.raw_hash, 0, encoding=row.encoding, newline=row.newline)
            self.by_hash[row.raw_hash] = self.by_text[text_digest] = kept
            return None
        row.status, row.reason, row.text = "duplicate", reason, None
        return first.source


def check_corpus(corpus: str | os.PathLike[str]) -> Path:
    """Resolve ``corpus`` (relative paths against the project root) and check that it can be read.

    Raises :class:`CorpusError` with a message meant for people when the path is missing, is
    neither a folder nor a regular file, is a file of an unsupported kind, or is a table without
    a ``text`` column: the Parquet schema or the CSV header lacks it, or no line of a JSONL file
    is an object with a ``text`` key (lines are parsed until the first one that has it).
    """
    path = paths.resolve(corpus)
    if not path.exists():
        raise CorpusError(f"corpus not found: {corpus} (looked at {path})")
    if path.is_dir():
        return path
    if not path.is_file():
        kind = entry_kind(path.stat().st_mode)
        raise CorpusError(f"corpus {corpus} is neither a folder nor a regular file ({kind})")
    suffix = path.suffix.lower()
    if suffix not in TABULAR_EXTENSIONS:
        raise CorpusError(
            f"corpus {corpus} is a file but not a table; expected a folder of text files or one of "
            + ", ".join(TABULAR_EXTENSIONS)
        )
    if suffix == ".parquet":
        try:
            columns = list(pl.read_parquet_schema(path))
        except Exception as exc:  # polars raises several error types for malformed files
            raise CorpusError(f"cannot read tabular corpus {corpus}: {exc}") from exc
    elif suffix == ".csv":
        columns = csv_header(path)
    else:
        keys: set[str] = set()
        for _, line in jsonl_lines(path):
            record, _ = parse_json_line(line)
            if record is not None and "text" in record:
                return path
            keys.update(record or ())
        raise CorpusError(
            f"tabular corpus {corpus} has no 'text' column: no line is a JSON object with a "
            f"'text' key (keys seen: {', '.join(sorted(keys)) or 'none'})"
        )
    if "text" not in columns:
        raise CorpusError(
            f"tabular corpus {corpus} has no 'text' column (columns: {', '.join(columns)})"
        )
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
    rows = _folder_rows(path, max_bytes) if path.is_dir() else table_rows(path, max_bytes)
    duplicates = _Duplicates()
    chunks: list[pl.DataFrame] = []
    chunk: list[tuple[Row, str | None]] = []
    for row in rows:
        chunk.append((row, duplicates.mark(row)))
        if len(chunk) == _CHUNK_ROWS:  # the texts as Python strings: a chunk's at a time
            chunks.append(_frame(chunk))
            chunk = []
    chunks.append(_frame(chunk))
    del chunk, duplicates
    memory.release()  # the strings freed are many small blocks: give their pages back
    return pl.concat(chunks, rechunk=True) if len(chunks) > 1 else chunks[0]


#: Inputs read into one piece of :func:`read_corpus`'s frame at a time.
_CHUNK_ROWS = 2_000


def _frame(chunk: list[tuple[Row, str | None]]) -> pl.DataFrame:
    """The rows of :data:`CORPUS_SCHEMA` of ``(input, source it duplicates)`` pairs."""
    rows = [row for row, _ in chunk]
    data = {
        "doc_id": [r.raw_hash for r in rows],
        "source": [r.source for r in rows],
        "status": [r.status for r in rows],
        "reason": [r.reason for r in rows],
        "duplicate_of": [first for _, first in chunk],
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


def has_ok_document(
    corpus: str | os.PathLike[str] = paths.SEEDS, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> bool:
    """Whether :func:`read_corpus` would keep at least one input (``status == "ok"``).

    Inputs are read one at a time in the same order and with the same rules as
    :func:`read_corpus`, and reading stops at the first ``ok`` one, so this is cheap on a large
    corpus that has any usable document. The first ``ok`` input can never be a duplicate, since
    no ``ok`` input precedes it. Raises :class:`CorpusError` like :func:`check_corpus`.

    >>> has_ok_document("seeds", max_bytes=DEFAULT_MAX_BYTES)
    True
    >>> has_ok_document("seeds", max_bytes=10)  # every seed is larger than 10 bytes
    False
    """
    path = check_corpus(corpus)
    rows = _folder_rows(path, max_bytes) if path.is_dir() else table_rows(path, max_bytes)
    return any(row.status == "ok" for row in rows)


def count_inputs(corpus: str | os.PathLike[str] = paths.SEEDS) -> int:
    """How many inputs a corpus holds (entries of a folder, rows of a table), without reading
    them: an upper bound of its documents, to decide early whether a computation is large.

    >>> count_inputs("seeds")
    5
    """
    path = check_corpus(corpus)
    if path.is_dir():
        return len(walk_corpus(path))
    if path.suffix.lower() == ".parquet":
        return int(pl.scan_parquet(path).select(pl.len()).collect().item())
    with open(path, "rb") as fh:  # a CSV or JSONL row is at most one line
        return sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b"")) + 1


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
