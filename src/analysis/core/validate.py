"""Checks of the tables handed to the package's functions, with messages meant for people.

Every function that takes a frame checks it here, so a missing column or a repeated document id
reads the same everywhere and raises :class:`~analysis.core.errors.InputError` (a ``ValueError``).

>>> import polars as pl
>>> docs = pl.DataFrame({"doc_id": ["a", "a", None], "text": ["x", "y", "z"]})
>>> require_columns(docs, ["doc_id", "body"], who="keyness", name="docs")
Traceback (most recent call last):
...
analysis.core.errors.InputError: keyness: docs has no column 'body' (columns: ['doc_id', 'text'])
>>> require_ids(docs.head(2), who="reuse", name="docs")
Traceback (most recent call last):
...
analysis.core.errors.InputError: reuse: repeated doc_id in docs, e.g. ['a']
>>> require_ids(docs.tail(1), who="reuse", name="docs")
Traceback (most recent call last):
...
analysis.core.errors.InputError: reuse: docs has a null doc_id
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from analysis.core.errors import InputError

__all__ = ["require_columns", "require_ids"]


def require_columns(
    frame: pl.DataFrame, columns: Iterable[str], *, who: str, name: str = "frame", hint: str = ""
) -> None:
    """Raise :class:`InputError` unless ``frame`` has every column of ``columns``.

    ``who`` is the function the user called, ``name`` the argument; ``hint`` is added to the
    message (e.g. which parameter names the column).
    """
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        listed = ", ".join(repr(c) for c in missing)
        plural = "s" if len(missing) > 1 else ""
        raise InputError(
            f"{who}: {name} has no column{plural} {listed} (columns: {frame.columns}){hint}"
        )


def require_ids(
    frame: pl.DataFrame, column: str = "doc_id", *, who: str, name: str = "frame"
) -> None:
    """Raise :class:`InputError` when ``column`` of ``frame`` has a null or a repeated value."""
    ids = frame.get_column(column).cast(pl.String)
    if ids.null_count():
        raise InputError(f"{who}: {name} has a null {column}")
    if ids.n_unique() != len(ids):
        repeated = ids.filter(ids.is_duplicated()).unique().sort().head(3).to_list()
        raise InputError(f"{who}: repeated {column} in {name}, e.g. {repeated}")
