"""Checks of the frames every public function takes."""

from __future__ import annotations

import polars as pl
import pytest

from analysis.core.errors import InputError
from analysis.core.validate import require_columns, require_ids


def test_missing_columns_are_named_with_what_is_there():
    frame = pl.DataFrame({"doc_id": ["a"], "body": ["x"]})
    require_columns(frame, ["doc_id", "body"], who="f")
    with pytest.raises(InputError) as err:
        require_columns(frame, ["doc_id", "group", "text"], who="f", name="groups", hint="; try")
    assert str(err.value) == (
        "f: groups has no columns 'group', 'text' (columns: ['doc_id', 'body']); try"
    )
    with pytest.raises(InputError, match="f: frame has no column 'text' "):
        require_columns(frame, ["text"], who="f")


def test_ids_must_be_present_and_unique():
    require_ids(pl.DataFrame({"doc_id": ["a", "b"]}), who="f")
    with pytest.raises(InputError, match="f: docs has a null doc_id"):
        require_ids(pl.DataFrame({"doc_id": ["a", None]}), who="f", name="docs")
    with pytest.raises(InputError, match=r"f: repeated doc_id in frame, e.g. \['a', 'b'\]"):
        require_ids(pl.DataFrame({"doc_id": ["b", "a", "b", "a", "c"]}), who="f")
