"""Corpora as tables (``.parquet``, ``.csv``, ``.jsonl`` with a ``text`` column): records read row
by row, so a malformed row is rejected alone with its reason."""

from __future__ import annotations

import codecs
import csv
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

import polars as pl

from analysis.core import paths
from analysis.core.errors import CorpusError
from analysis.corpus.records import METADATA_COLUMNS, Row, judge_text

__all__ = [
    "csv_header",
    "csv_lines",
    "jsonl_lines",
    "parse_json_line",
    "table_rows",
]

#: One record of a tabular corpus: ``(source, fields, None)`` or ``(source, None, reason)``.
_Record = tuple[str, dict[str, Any] | None, str | None]


def _row_width(path: Path) -> int:
    """Digits of ``#row=`` numbers: at least 6, more when the file has more lines than that."""
    lines = 0
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            lines += chunk.count(b"\n")
    return max(6, len(str(lines + 1)))


#: Rows of a Parquet corpus read at a time (:func:`_parquet_records`).
PARQUET_SLICE = 5_000


def _parquet_records(path: Path) -> Iterator[_Record]:
    """The records of a Parquet table, read :data:`PARQUET_SLICE` rows at a time."""

    def read(query: pl.LazyFrame) -> pl.DataFrame:
        try:
            return query.collect()
        except Exception as exc:  # polars raises many error types for malformed files
            shown = paths.display_path(path)
            raise CorpusError(f"cannot read tabular corpus {shown}: {exc}") from exc

    try:
        table = pl.scan_parquet(path)
        schema = table.collect_schema()
    except Exception as exc:  # polars raises many error types for malformed files
        raise CorpusError(f"cannot read tabular corpus {paths.display_path(path)}: {exc}") from exc
    if "text" not in schema:
        raise CorpusError(f"tabular corpus {paths.display_path(path)} has no 'text' column")
    columns = ["text", *(c for c in ("id", *METADATA_COLUMNS) if c in schema)]
    height = int(read(table.select(pl.len())).item())
    width = max(6, len(str(height)))
    for start in range(0, height, PARQUET_SLICE):
        part = read(table.slice(start, PARQUET_SLICE).select(columns))
        for n, record in enumerate(part.iter_rows(named=True), start):
            yield f"{path.name}#row={n:0{width}d}", record, None


def _open_csv(path: Path) -> TextIO:
    # Undecodable bytes become lone surrogates, caught per row; newline="" as csv requires.
    return path.open(encoding="utf-8-sig", errors="surrogateescape", newline="")


def csv_header(path: Path) -> list[str]:
    with _open_csv(path) as fh:
        try:
            return next(csv.reader(fh, strict=True), [])
        except csv.Error as exc:
            raise CorpusError(
                f"cannot read the header of {paths.display_path(path)}: {exc}"
            ) from exc


def csv_lines(reader: Any) -> Iterator[tuple[int, list[str] | csv.Error]]:
    """Each record of a ``csv.reader`` with the line it starts on; a malformed record is its
    ``csv.Error`` and the reading goes on, so one bad row never ends a table.

    >>> import io
    >>> rows = csv.reader(io.StringIO('a,b\\n"x"y,1\\nc,d\\n'), strict=True)
    >>> [(n, f if isinstance(f, list) else "error") for n, f in csv_lines(rows)]
    [(1, ['a', 'b']), (2, 'error'), (3, ['c', 'd'])]
    """
    while True:
        line = reader.line_num + 1
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield line, exc
            continue
        yield line, fields


def _csv_records(path: Path) -> Iterator[_Record]:
    width = _row_width(path)
    header = csv_header(path)
    limit = csv.field_size_limit()
    csv.field_size_limit(2**31 - 1)  # an article can exceed the default 128 KiB per field
    try:
        with _open_csv(path) as fh:
            reader = csv.reader(fh, strict=True)
            next(reader, None)
            n = 0
            for line, fields in csv_lines(reader):
                if isinstance(fields, csv.Error):
                    n += 1
                    yield f"{path.name}#line={line}", None, f"malformed CSV: {fields}"
                    continue
                if not fields:
                    continue  # blank line
                source, n = f"{path.name}#row={n:0{width}d}", n + 1
                if len(fields) != len(header):
                    reason = f"malformed CSV: {len(fields)} fields, the header has {len(header)}"
                    yield f"{path.name}#line={line}", None, reason
                    continue
                if not _is_utf8("".join(fields)):
                    yield f"{path.name}#line={line}", None, "malformed CSV: not valid UTF-8"
                    continue
                # An empty field is null, as polars reads CSV.
                yield (
                    source,
                    {k: v if v != "" else None for k, v in zip(header, fields, strict=True)},
                    None,
                )
    finally:
        csv.field_size_limit(limit)


def _json_type(value: object) -> str:
    names = {list: "array", str: "string", bool: "boolean", int: "number", float: "number"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


def jsonl_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """``(line number, line)`` of every non-blank line, byte-order mark removed."""
    with path.open("rb") as fh:
        for number, line in enumerate(fh, 1):
            if number == 1 and line.startswith(codecs.BOM_UTF8):
                line = line[len(codecs.BOM_UTF8) :]
            if line.strip():
                yield number, line


def parse_json_line(line: bytes) -> tuple[dict[str, Any] | None, str | None]:
    try:
        value = json.loads(line.decode("utf-8"))
    except UnicodeDecodeError as exc:
        return None, f"not valid UTF-8: {exc}"
    except json.JSONDecodeError as exc:
        return None, f"malformed JSON: {exc}"
    if not isinstance(value, dict):
        return None, f"not a JSON object (a JSON {_json_type(value)})"
    return value, None


def _jsonl_records(path: Path) -> Iterator[_Record]:
    width = _row_width(path)
    for n, (number, line) in enumerate(jsonl_lines(path)):
        record, reason = parse_json_line(line)
        if record is None:
            yield f"{path.name}#line={number}", None, reason
        else:
            yield f"{path.name}#row={n:0{width}d}", record, None


def _table_records(path: Path) -> Iterator[_Record]:
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return _parquet_records(path)
    if suffix == ".csv":
        return _csv_records(path)
    return _jsonl_records(path)


def _is_utf8(text: str) -> bool:
    """False for text holding lone surrogates (undecodable bytes, or ``\\ud800`` in JSON)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _as_string(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value if v is not None) or None
    text = str(value)
    return text if text.strip() else None


def table_rows(path: Path, max_bytes: int) -> Iterator[Row]:
    first_with_id: dict[str, str] = {}
    for source, record, problem in _table_records(path):
        if record is None:
            yield Row(source, None, 0, "rejected", problem)
            continue
        meta = {c: _as_string(record.get(c)) for c in ("id", *METADATA_COLUMNS)}
        if not all(_is_utf8(v) for v in meta.values() if v is not None):
            yield Row(source, None, 0, "rejected", "not valid Unicode (lone surrogate)")
            continue
        value = record.get("text")
        row = Row(source, None, 0, "rejected", meta=meta)
        if isinstance(value, str) and _is_utf8(value):
            raw = value.encode("utf-8")
            row.raw_hash, row.size = hashlib.sha256(raw).hexdigest(), len(raw)
            row.encoding = "utf-8"
        input_id = meta["id"]
        if input_id is not None and input_id in first_with_id:
            row.reason = f"duplicate id (first used by {first_with_id[input_id]})"
        elif input_id is not None:
            first_with_id[input_id] = source
        if row.reason is not None:
            pass
        elif "text" not in record:
            row.reason = "no 'text' key"
        elif value is None:
            row.reason = "text is null"
        elif not isinstance(value, str):
            row.reason = f"text is not a string ({_json_type(value)})"
        elif row.raw_hash is None:
            row.reason = "not valid Unicode (lone surrogate)"
        else:
            row.status = "ok"
            judge_text(row, value, max_bytes)
        yield row
