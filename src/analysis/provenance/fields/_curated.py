"""Curated values: a ``metadata.csv`` beside the corpus, checked row by row (researcher-supplied
metadata wins over what the text says)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import polars as pl

from analysis.core.errors import NotRegularFile
from analysis.corpus.files import read_regular_file
from analysis.corpus.records import SIDECAR
from analysis.corpus.tables import csv_lines
from analysis.provenance.fields._document import Found
from analysis.provenance.fields._schema import FIELDS, INPUT_COLUMNS

__all__ = [
    "MAX_SIDECAR_BYTES",
    "Curated",
    "Problem",
    "Sidecar",
    "SidecarRow",
    "check_value",
    "curated_values",
    "read_sidecar",
]


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
