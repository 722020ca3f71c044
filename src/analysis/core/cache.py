"""A per-document cache: a stage's rows for a document, stored under (stage, version, key).

``key`` covers every per-document input of the stage (a digest of the document's text, its body
spans, the parameters that change the result); ``version`` covers its code, data files and
packages (:func:`analysis.core.versions.stage_version`). A run asks for the keys of its
documents, computes only the missing ones and stores them.

Layout: ``<root>/<stage>/<version>/<part>.rows.parquet`` holds the rows of one batch of
documents with a ``_key`` column, and ``<part>.keys.parquet`` the keys that batch covers (a
document with no rows is covered too). Both are written to temporary names and renamed; the keys
file is renamed last, so a part without one (a run killed while writing) is ignored, and two
runs writing the same documents at once store two parts with the same rows, read once.
Corpus-level steps (a table computed from whole tables: similarity, group metrics ...) store
their one result under ``<root>/<step>/<version>/<key>.result/`` (:func:`load_result`,
:func:`store_result`), ``key`` a digest of every argument (:func:`fingerprint`), written to a
temporary folder and renamed into place.

``ANALYSIS_CACHE`` names the root (default ``.cache/analysis`` in the project; ``off`` turns the
cache off).
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import json
import os
import shutil
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from analysis.core import paths

__all__ = [
    "KEY",
    "DocumentCache",
    "StageCount",
    "cache_root",
    "digest",
    "fingerprint",
    "load_result",
    "prune",
    "store_result",
    "summary",
]

#: ``compute(missing)`` of :meth:`DocumentCache.apply`: ``(positions, rows)`` batches.
Compute = Callable[[list[int]], Iterable[tuple[list[int], pl.DataFrame]]]
#: ``row_key(rows)`` of :meth:`DocumentCache.apply`: each row's key.
RowKey = Callable[[pl.DataFrame], pl.Series]

#: The key column of cached rows.
KEY = "_key"
_ROWS = ".rows.parquet"
_KEYS = ".keys.parquet"
_RESULT = ".result"


def digest(*parts: object) -> str:
    """Hex SHA-256 of ``parts`` (strings as UTF-8, anything else by its ``repr``).

    >>> digest("a", 1) == digest("a", 1) != digest("a", "1")
    True
    """
    h = hashlib.sha256()
    for part in parts:  # typed and length-prefixed: ("ab", "c") and ("a", "bc") differ
        data = b"s" + part.encode("utf-8") if isinstance(part, str) else b"r" + repr(part).encode()
        h.update(len(data).to_bytes(8, "little") + data)
    return h.hexdigest()


def fingerprint(value: object) -> object:
    """What of ``value`` a result key covers: a frame or series by its schema and the SHA-256 of
    its rows' hashes (the same values give the same fingerprint however the frame was made),
    containers item by item, scalars as they are.

    Anything else is refused, so no key silently depends on an object's ``repr``.

    >>> a = pl.DataFrame({"x": [1, 2]})
    >>> fingerprint(a) == fingerprint(pl.DataFrame({"x": [1, 2]})) != fingerprint(a.head(1))
    True
    >>> fingerprint({"b": [(0, 5)], "a": None})
    ('dict', (('a', None), ('b', ('list', (('list', (0, 5)),)))))
    """
    if isinstance(value, pl.Series):
        value = value.to_frame()
    if isinstance(value, pl.DataFrame):
        # by value: polars' row hashes with a fixed seed, chunks, sortedness flags and the
        # frame's history (fresh, or read back from Parquet) left out; the schema by name
        rows = value.hash_rows(seed=0).to_numpy().tobytes() if value.width else b""
        schema = repr(list(value.schema.items()))
        return ("frame", schema, value.height, hashlib.sha256(rows).hexdigest())
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, Mapping):
        return ("dict", tuple(sorted((str(k), fingerprint(v)) for k, v in value.items())))
    if isinstance(value, list | tuple):
        return ("list", tuple(fingerprint(v) for v in value))
    if isinstance(value, set | frozenset):
        return ("set", tuple(sorted(repr(fingerprint(v)) for v in value)))
    kind = type(value).__name__
    raise TypeError(f"no fingerprint for a {kind}: pass frames, containers or scalars")


def load_result(root: Path | None, step: str, version: str, key: str) -> object | None:
    """The stored result of ``step`` (a frame, or a named tuple of frames), or ``None``."""
    if root is None:
        return None
    folder = root / step / version / f"{key}{_RESULT}"
    if not folder.is_dir():
        return None
    try:
        described = json.loads((folder / "value.json").read_text(encoding="utf-8"))
        frames = {n: pl.read_parquet(folder / f"{n}.parquet") for n in described["fields"]}
    except (OSError, ValueError, KeyError, pl.exceptions.PolarsError):
        shutil.rmtree(folder, ignore_errors=True)  # damaged: computed and stored again
        return None
    if described["type"] == "frame":
        return frames["value"]
    module, _, name = described["type"].partition(":")
    return getattr(importlib.import_module(module), name)(**frames)


def store_result(root: Path | None, step: str, version: str, key: str, value: object) -> None:
    """Store ``value`` (a frame, or a named tuple of frames) as the result of ``step``; atomic,
    safe to race; a cache that cannot be written is left as it was."""
    if root is None:
        return
    if isinstance(value, pl.DataFrame):
        described = {"type": "frame", "fields": ["value"]}
        frames = {"value": value}
    elif isinstance(value, tuple) and hasattr(value, "_fields"):
        kind = type(value)
        described = {"type": f"{kind.__module__}:{kind.__qualname__}", "fields": list(kind._fields)}
        frames = dict(zip(kind._fields, value, strict=True))
    else:
        raise TypeError(f"{step}: only frames and named tuples of frames are stored")
    folder = root / step / version
    final = folder / f"{key}{_RESULT}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if final.is_dir():
            return
        tmp = folder / f".tmp-{uuid.uuid4().hex}"
        tmp.mkdir()
        try:
            for name, frame in frames.items():
                frame.write_parquet(tmp / f"{name}.parquet")
            (tmp / "value.json").write_text(json.dumps(described), encoding="utf-8")
            os.rename(tmp, final)
        except OSError:
            if not final.is_dir():
                raise
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    except OSError:  # full or read-only: computed, not kept
        return


def cache_root() -> Path | None:
    """The cache folder from ``ANALYSIS_CACHE`` (``off``: none), by default ``.cache/analysis``."""
    value = os.environ.get("ANALYSIS_CACHE", "")
    if value.lower() == "off":
        return None
    return Path(value) if value else paths.PROJECT_ROOT / ".cache" / "analysis"


@dataclass
class StageCount:
    """Documents of one stage in one call: taken from the cache, and computed."""

    version: str
    cached: int = 0
    computed: int = 0


@dataclass
class DocumentCache:
    """The cache under ``root`` (``None``: every call computes, nothing is stored)."""

    root: Path | None
    counts: dict[str, StageCount] = field(default_factory=dict)

    def _folder(self, stage: str, version: str) -> Path:
        assert self.root is not None
        return self.root / stage / version

    def lookup(
        self, stage: str, version: str, keys: Sequence[str]
    ) -> tuple[pl.DataFrame | None, set[str]]:
        """The stored rows (with ``_key``) of those ``keys`` that are covered, and those keys.

        Each key's rows come from one part only (the first by name that covers it).
        """
        owners = self._owners(stage, version, keys)
        if owners is None or owners.height == 0:
            return None, set()
        folder = self._folder(stage, version)
        frames = []
        for (part,), group in owners.group_by("_part", maintain_order=True):
            rows = pl.read_parquet(folder / f"{part}{_ROWS}")
            frames.append(rows.filter(pl.col(KEY).is_in(group.get_column(KEY).implode())))
        return pl.concat(frames), set(owners.get_column(KEY).to_list())

    def _owners(self, stage: str, version: str, keys: Sequence[str]) -> pl.DataFrame | None:
        """``_key`` and ``_part`` (the first part by name holding it) of the covered ``keys``,
        read from the keys files only."""
        if self.root is None:
            return None
        folder = self._folder(stage, version)
        parts = sorted(folder.glob(f"*{_KEYS}")) if folder.is_dir() else []
        if not parts:
            return None
        wanted = pl.Series(KEY, list(keys), dtype=pl.String).implode()
        return (
            pl.concat(
                pl.read_parquet(p).with_columns(_part=pl.lit(p.name[: -len(_KEYS)])) for p in parts
            )
            .filter(pl.col(KEY).is_in(wanted))
            .group_by(KEY)
            .agg(pl.col("_part").min())
            .sort("_part", KEY)
        )

    def covered(self, stage: str, version: str, keys: Sequence[str]) -> set[str]:
        """Those of ``keys`` whose rows are stored (read from the keys files only); an
        unreadable cache covers none."""
        try:
            owners = self._owners(stage, version, keys)
        except (OSError, pl.exceptions.PolarsError):
            return set()
        return set() if owners is None else set(owners.get_column(KEY).to_list())

    def stored(self, stage: str, version: str) -> int:
        """How many documents' rows ``stage`` holds under ``version`` (read from the parts'
        metadata, no rows): an upper bound on the documents of a corpus it can give."""
        if self.root is None or not self._folder(stage, version).is_dir():
            return 0
        parts = sorted(self._folder(stage, version).glob(f"*{_KEYS}"))
        return sum(pl.scan_parquet(p).select(pl.len()).collect().item() for p in parts)

    def store(self, stage: str, version: str, keys: Sequence[str], rows: pl.DataFrame) -> None:
        """Store ``rows`` (with ``_key``) as the result of ``keys``; atomic, safe to race."""
        if self.root is None or not keys:
            return
        folder = self._folder(stage, version)
        folder.mkdir(parents=True, exist_ok=True)
        part = digest(*sorted(keys))[:24]
        if (folder / f"{part}{_KEYS}").is_file():
            return  # the same batch is stored already (a rerun, or another run at once)
        tmp = folder / f".tmp-{uuid.uuid4().hex}"
        tmp.mkdir()
        try:
            rows.write_parquet(tmp / "rows")
            pl.DataFrame({KEY: list(keys)}, schema={KEY: pl.String}).write_parquet(tmp / "keys")
            os.replace(tmp / "rows", folder / f"{part}{_ROWS}")
            os.replace(tmp / "keys", folder / f"{part}{_KEYS}")  # the part counts from here
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def fill(
        self,
        stage: str,
        version: str,
        keys: Sequence[str],
        compute: Compute,
        row_key: RowKey,
        covered: set[str] | None = None,
    ) -> None:
        """Compute and store the rows of the ``keys`` not stored, as :meth:`apply` does, without
        reading any stored row (only which keys the parts hold, unless ``covered`` says so:
        :meth:`covered` of these keys, read just before)."""
        self._run(stage, version, keys, compute, row_key, load=False, covered=covered)

    def apply(
        self, stage: str, version: str, keys: Sequence[str], compute: Compute, row_key: RowKey
    ) -> pl.DataFrame:
        """Rows for every key: stored ones, plus those ``compute`` gives for the missing ones.

        ``compute(missing)`` gets the positions (in ``keys``) of the documents to compute and
        yields ``(positions, rows)`` for batches of them, in any order; each batch is stored as
        it arrives, so a run killed half-way keeps the batches it finished. ``row_key(rows)``
        names each row's key. The result has no ``_key`` column and holds each document's rows
        in the order its batch gives them, stored documents first; callers sort. A cache that
        cannot be read counts as empty, and one that cannot be written is left as it was:
        neither stops the computation. With no keys at all, ``compute([])`` must yield one
        empty batch (the stage's empty table).
        """
        return pl.concat(self._run(stage, version, keys, compute, row_key, load=True))

    def _run(
        self,
        stage: str,
        version: str,
        keys: Sequence[str],
        compute: Compute,
        row_key: RowKey,
        *,
        load: bool,
        covered: set[str] | None = None,
    ) -> list[pl.DataFrame]:
        """:meth:`apply` (``load``: the stored rows, then the computed ones) or :meth:`fill`
        (the computed rows only; none when nothing is missing)."""
        count = self.counts.setdefault(stage, StageCount(version))
        found: pl.DataFrame | None = None
        if load:
            try:
                found, covered = self.lookup(stage, version, keys)
            except (OSError, pl.exceptions.PolarsError):  # an unreadable cache is an empty one
                found, covered = None, set()
        elif covered is None:
            covered = self.covered(stage, version, keys)
        missing = [i for i, k in enumerate(keys) if k not in covered]
        frames = [] if found is None else [found.drop(KEY)]
        if missing or (load and not keys):
            for positions, fresh in compute(missing):
                if positions:
                    stored = fresh.with_columns(row_key(fresh).alias(KEY))
                    with contextlib.suppress(OSError):  # full or read-only: computed, not kept
                        self.store(stage, version, [keys[i] for i in positions], stored)
                frames.append(fresh)
        count.cached += len(keys) - len(missing)
        count.computed += len(missing)
        return frames


def summary(root: Path) -> list[tuple[str, str, int, int]]:
    """``(stage, version, entries, bytes)`` of every version stored under ``root``, sorted:
    entries are documents for a per-document stage, results for a corpus-level step."""
    out = []
    for folder in sorted(root.glob("*/*")) if root.is_dir() else []:
        if not folder.is_dir() or folder.name.startswith("."):
            continue
        documents = sum(
            pl.scan_parquet(p).select(pl.len()).collect().item() for p in folder.glob(f"*{_KEYS}")
        ) + sum(1 for _ in folder.glob(f"*{_RESULT}"))
        size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
        out.append((folder.parent.name, folder.name, int(documents), size))
    return out


def _readable(path: Path) -> bool:
    try:
        pl.read_parquet_schema(path)
    except (OSError, pl.exceptions.PolarsError):
        return False
    return True


def prune(root: Path, current: dict[str, str]) -> list[str]:
    """Remove every stored version that is not ``current[stage]``, leftovers of killed writes
    and damaged parts (a file that is no longer Parquet); return what was removed
    (``stage/version``, or the file's path)."""
    removed: list[str] = []
    if not root.is_dir():
        return removed
    for folder in sorted(root.glob("*/*")):
        if not folder.is_dir():
            continue
        stage, version = folder.parent.name, folder.name
        if current.get(stage) != version:
            shutil.rmtree(folder)
            removed.append(f"{stage}/{version}")
            continue
        for leftover in sorted(folder.glob(".tmp-*")):
            shutil.rmtree(leftover, ignore_errors=True)
            removed.append(str(leftover.relative_to(root)))
        for keys in sorted(folder.glob(f"*{_KEYS}")):  # damaged parts: computed again later
            rows = keys.with_name(keys.name[: -len(_KEYS)] + _ROWS)
            if not (_readable(keys) and _readable(rows)):
                keys.unlink()
                removed.append(str(keys.relative_to(root)))
        for rows in sorted(folder.glob(f"*{_ROWS}")):  # rows whose keys file never arrived
            if not rows.with_name(rows.name[: -len(_ROWS)] + _KEYS).is_file():
                rows.unlink()
                removed.append(str(rows.relative_to(root)))
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        if not any(folder.iterdir()):
            folder.rmdir()
    return removed
