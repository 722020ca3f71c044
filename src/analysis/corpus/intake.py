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

import codecs
import csv
import errno
import hashlib
import json
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TextIO

import polars as pl

from analysis.core import paths
from analysis.core.errors import CorpusError, NotRegularFile
from analysis.corpus.encoding import decode

Status = Literal["ok", "rejected", "duplicate"]

#: Column order and types of the frame :func:`read_corpus` returns.
CORPUS_SCHEMA: dict[str, pl.DataType] = {
    "doc_id": pl.String(),  # hex SHA-256 of the raw bytes (files) or of the UTF-8 text (rows)
    "source": pl.String(),  # path relative to the corpus folder, "<file>#row=<n>" or "#line=<n>"
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

#: Extensions read as tabular corpora.
TABULAR_EXTENSIONS: tuple[str, ...] = (".parquet", ".csv", ".jsonl", ".ndjson")
#: Optional curated columns carried over from a tabular corpus.
METADATA_COLUMNS: tuple[str, ...] = ("outlet", "title", "date", "url", "authors")
#: Curated-metadata sidecar in a corpus folder: read by ``analysis.provenance.fields``, not a
#: document.
SIDECAR = "metadata.csv"
#: Default size limit for one document.
DEFAULT_MAX_BYTES = 5_000_000


@dataclass(frozen=True)
class Entry:
    """One entry below a corpus folder, as listed by :func:`walk_corpus`.

    ``reason`` is set when the entry is never opened (``path`` is then ``None``); otherwise
    ``path`` is the regular file to read (for a symlink, its target inside the corpus) and
    ``ident`` its ``(st_dev, st_ino)``, checked again on the opened file.
    """

    source: str  # POSIX path relative to the corpus folder; a symlink under its own name
    kind: str  # file, symlink, folder, fifo, socket, character device, block device, ...
    path: Path | None = None
    reason: str | None = None
    ident: tuple[int, int] | None = None


_KINDS = (
    (stat.S_ISREG, "file"),
    (stat.S_ISDIR, "folder"),
    (stat.S_ISLNK, "symlink"),
    (stat.S_ISFIFO, "fifo"),
    (stat.S_ISSOCK, "socket"),
    (stat.S_ISCHR, "character device"),
    (stat.S_ISBLK, "block device"),
)


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "unknown file type")


def _inside(root: str, target: str) -> bool:
    try:
        return os.path.commonpath([root, target]) == root
    except ValueError:  # different drives
        return False


def _link_entry(link: str, source: str, real_root: str) -> Entry:
    """Judge a symlink found by the walk; only a link to a regular file inside is followed."""
    try:
        target = os.path.realpath(link)
    except (OSError, ValueError) as exc:
        return Entry(source, "symlink", reason=f"unreadable: {exc}")
    if not _inside(real_root, target):
        return Entry(source, "symlink", reason="symlink outside the corpus")
    try:
        st = os.stat(link)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return Entry(source, "symlink", reason="symlink loop")
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            return Entry(source, "symlink", reason="dangling symlink")
        return Entry(source, "symlink", reason=f"unreadable: {exc.strerror or exc}")
    kind = _kind(st.st_mode)
    if kind == "folder":
        return Entry(source, "symlink", reason="link to a folder (not followed)")
    if kind != "file":
        return Entry(source, "symlink", reason=f"not a regular file ({kind})")
    return Entry(source, "symlink", Path(target), ident=(st.st_dev, st.st_ino))


def walk_corpus(folder: str | os.PathLike[str]) -> list[Entry]:
    """Every entry below a corpus folder, recursively, sorted by ``source``; nothing is opened.

    This is the one walk of a corpus folder: :func:`read_corpus` reads it and
    :func:`analysis.run.manifest.input_files` hashes it. Only entries without a ``reason`` may be
    opened; the rules are:

    - a regular file is read;
    - a folder is descended into (each real folder once; a folder met again, which only a bind
      mount can cause, is ``"folder already read (loop)"``); a folder that cannot be listed is
      one entry, ``"unreadable folder: <error>"``;
    - a symlink is resolved with :func:`os.path.realpath` and compared with the real corpus
      folder: a target outside is ``"symlink outside the corpus"`` (never opened, whatever it is);
      a link inside to a regular file is followed (read under the link's name); otherwise the
      reason is ``"symlink loop"``, ``"dangling symlink"``, ``"link to a folder (not followed)"``
      (its target, being inside the corpus, is walked at its own path anyway, so following the
      link would only read the same files twice and could loop) or
      ``"not a regular file (<kind>)"``;
    - FIFOs, sockets and devices are ``"not a regular file (fifo)"`` (``socket``,
      ``character device``, ``block device``): opening a FIFO would block forever.
    """
    root = os.fspath(folder)
    real_root = os.path.realpath(root)
    entries: list[Entry] = []
    seen: set[tuple[int, int]] = set()
    stack: list[tuple[str, str]] = [(root, "")]
    while stack:
        directory, rel = stack.pop()
        try:
            st = os.stat(directory, follow_symlinks=False)
            if (st.st_dev, st.st_ino) in seen:
                entries.append(Entry(rel, "folder", reason="folder already read (loop)"))
                continue
            seen.add((st.st_dev, st.st_ino))
            with os.scandir(directory) as it:
                items = list(it)
        except OSError as exc:
            reason = f"unreadable folder: {exc.strerror or exc}"
            entries.append(Entry(rel or ".", "folder", reason=reason))
            continue
        for item in items:
            source = f"{rel}/{item.name}" if rel else item.name
            try:
                lst = item.stat(follow_symlinks=False)
            except OSError as exc:
                entries.append(Entry(source, "unknown", reason=f"unreadable: {exc.strerror}"))
                continue
            kind = _kind(lst.st_mode)
            if kind == "folder":
                stack.append((item.path, source))
            elif kind == "file":
                entries.append(Entry(source, kind, Path(item.path), ident=(lst.st_dev, lst.st_ino)))
            elif kind == "symlink":
                entries.append(_link_entry(item.path, source, real_root))
            else:
                entries.append(Entry(source, kind, reason=f"not a regular file ({kind})"))
    return sorted(entries, key=lambda e: e.source)


_OPEN_FLAGS = os.O_RDONLY
for _flag in ("O_NOFOLLOW", "O_NONBLOCK", "O_NOCTTY", "O_CLOEXEC", "O_BINARY"):
    _OPEN_FLAGS |= getattr(os, _flag, 0)


def read_regular_file(
    path: str | os.PathLike[str], *, max_bytes: int, ident: tuple[int, int] | None = None
) -> tuple[bytes | None, int, str]:
    """Read a regular file safely: ``(raw or None when over max_bytes, bytes read, sha256 hex)``.

    The file is opened without following a final symlink and without blocking, and the open file
    is checked to be a regular file (and, given ``ident``, the very ``(st_dev, st_ino)`` that was
    listed), so a FIFO or a link swapped in after listing is never read: that raises
    :class:`NotRegularFile`. The size is what was read, not ``st_size``, which is 0 for the
    files of ``/proc``. Only the first ``max_bytes + 1`` bytes are kept in memory; the rest of a
    larger file is only hashed. Other failures raise :class:`OSError`.

    >>> seed = paths.SEEDS / "000_a1ab4292ac8d29c1.txt"
    >>> read_regular_file(seed, max_bytes=10_000)[0][:16]
    b'According to off'
    >>> read_regular_file(seed, max_bytes=100)[:2]  # over max_bytes: counted and hashed only
    (None, 6516)
    """
    fd = os.open(path, _OPEN_FLAGS)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegularFile(f"not a regular file ({_kind(st.st_mode)})")
        if ident is not None and (st.st_dev, st.st_ino) != ident:
            raise NotRegularFile("replaced after the corpus was listed")
        digest = hashlib.sha256()
        kept: bytearray | None = bytearray()
        size = 0
        while chunk := os.read(fd, 1 << 20):
            digest.update(chunk)
            size += len(chunk)
            if kept is not None:
                kept += chunk
                if len(kept) > max_bytes:
                    kept = None
    finally:
        os.close(fd)
    return (bytes(kept) if kept is not None else None), size, digest.hexdigest()


@dataclass
class _Row:
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


def _folder_rows(folder: Path, max_bytes: int) -> Iterator[_Row]:
    for entry in walk_corpus(folder):
        if entry.reason is not None or entry.path is None:
            yield _Row(entry.source, None, 0, "rejected", entry.reason)
            continue
        try:
            raw, size, digest = read_regular_file(
                entry.path, max_bytes=max_bytes, ident=entry.ident
            )
        except NotRegularFile as exc:
            yield _Row(entry.source, None, 0, "rejected", str(exc))
            continue
        except OSError as exc:
            yield _Row(entry.source, None, 0, "rejected", f"unreadable: {exc.strerror or exc}")
            continue
        row = _Row(entry.source, digest, size)
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
        _judge_text(row, decoded.text if decoded else None, max_bytes)
        yield row


#: One record of a tabular corpus: ``(source, fields, None)`` or ``(source, None, reason)``.
_Record = tuple[str, dict[str, Any] | None, str | None]


def _row_width(path: Path) -> int:
    """Digits of ``#row=`` numbers: at least 6, more when the file has more lines than that."""
    lines = 0
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            lines += chunk.count(b"\n")
    return max(6, len(str(lines + 1)))


def _parquet_records(path: Path) -> Iterator[_Record]:
    try:
        frame = pl.read_parquet(path)
    except Exception as exc:  # polars raises many error types for malformed files
        raise CorpusError(f"cannot read tabular corpus {paths.display_path(path)}: {exc}") from exc
    if "text" not in frame.columns:
        raise CorpusError(f"tabular corpus {paths.display_path(path)} has no 'text' column")
    width = max(6, len(str(frame.height)))
    extra = [c for c in ("id", *METADATA_COLUMNS) if c in frame.columns]
    for n, record in enumerate(frame.select("text", *extra).iter_rows(named=True)):
        yield f"{path.name}#row={n:0{width}d}", record, None


def _open_csv(path: Path) -> TextIO:
    # Undecodable bytes become lone surrogates, caught per row; newline="" as csv requires.
    return path.open(encoding="utf-8-sig", errors="surrogateescape", newline="")


def _csv_header(path: Path) -> list[str]:
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
    header = _csv_header(path)
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


def _jsonl_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """``(line number, line)`` of every non-blank line, byte-order mark removed."""
    with path.open("rb") as fh:
        for number, line in enumerate(fh, 1):
            if number == 1 and line.startswith(codecs.BOM_UTF8):
                line = line[len(codecs.BOM_UTF8) :]
            if line.strip():
                yield number, line


def _parse_json_line(line: bytes) -> tuple[dict[str, Any] | None, str | None]:
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
    for n, (number, line) in enumerate(_jsonl_lines(path)):
        record, reason = _parse_json_line(line)
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


def _table_rows(path: Path, max_bytes: int) -> Iterator[_Row]:
    first_with_id: dict[str, str] = {}
    for source, record, problem in _table_records(path):
        if record is None:
            yield _Row(source, None, 0, "rejected", problem)
            continue
        meta = {c: _as_string(record.get(c)) for c in ("id", *METADATA_COLUMNS)}
        if not all(_is_utf8(v) for v in meta.values() if v is not None):
            yield _Row(source, None, 0, "rejected", "not valid Unicode (lone surrogate)")
            continue
        value = record.get("text")
        row = _Row(source, None, 0, "rejected", meta=meta)
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
            _judge_text(row, value, max_bytes)
        yield row


def _same_text_reason(row: _Row, first: _Row) -> str:
    """Why ``row``, whose bytes differ from ``first``'s, still holds the same text."""
    how = []
    if row.encoding != first.encoding:
        how.append(f"in another encoding ({row.encoding}, not {first.encoding})")
    if row.newline != first.newline:
        how.append(f"with other line ends ({row.newline}, not {first.newline})")
    return "same text as an earlier input " + (" and ".join(how) or "in other bytes")


def _mark_duplicates(rows: list[_Row]) -> dict[str, str]:
    """Mark later copies (same bytes, or same decoded text) as duplicates; return their originals.

    Text is compared as decoded, byte-order mark removed and line ends normalised, so one
    article saved in UTF-8 and in cp1251 is kept once.
    """
    by_hash: dict[str, _Row] = {}
    by_text: dict[str, _Row] = {}
    duplicate_of: dict[str, str] = {}
    for row in rows:
        if row.status != "ok" or row.raw_hash is None or row.text is None:
            continue
        if (first := by_hash.get(row.raw_hash)) is not None:
            reason = "identical content to an earlier input"
        elif (first := by_text.get(row.text)) is not None:
            reason = _same_text_reason(row, first)
        else:
            by_hash[row.raw_hash] = by_text[row.text] = row
            continue
        row.status, row.reason, row.text = "duplicate", reason, None
        duplicate_of[row.source] = first.source
    return duplicate_of


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
        kind = _kind(path.stat().st_mode)
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
        columns = _csv_header(path)
    else:
        keys: set[str] = set()
        for _, line in _jsonl_lines(path):
            record, _ = _parse_json_line(line)
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
    rows = _folder_rows(path, max_bytes) if path.is_dir() else _table_rows(path, max_bytes)
    return any(row.status == "ok" for row in rows)


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
