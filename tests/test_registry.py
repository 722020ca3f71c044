"""The table registry: every entry resolves, and the README documents every table and column."""

from __future__ import annotations

import re

import polars as pl
import pytest

from analysis import registry
from analysis.core import paths
from analysis.provenance import fields
from analysis.run.params import notebook_paths


def readme_tables_section() -> str:
    text = (paths.PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("### Tables")
    return text[start : text.index("\n## ", start)]


@pytest.mark.parametrize("name", list(registry.TABLES))
def test_every_entry_names_a_function_and_a_schema(name):
    table = registry.TABLES[name]
    assert callable(table.maker)
    assert table.maker.__module__.startswith("analysis.")
    schema = table.schema
    assert isinstance(schema, pl.Schema) and len(schema) >= 3
    for key in table.sort_by:  # cue_rates' key column comes from a parameter
        assert key in schema, (name, key)


def test_notebooks_of_the_registry_exist_in_writing_order():
    notebooks = [p.stem for p in notebook_paths()]
    declared = [t.notebook for t in registry.TABLES.values()]
    assert set(declared) == set(notebooks)
    assert declared == sorted(declared)  # tables listed notebook by notebook
    assert [t.name for t in registry.by_notebook("03_cross_outlet")][:2] == [
        "groups",
        "group_metrics",
    ]


def test_provenance_tables_sort_as_extract_provenance_does():
    for name in fields.TABLES:
        assert registry.sort_keys(name) == fields.SORT_BY[name]


def test_an_unregistered_table_needs_its_own_sort_order():
    with pytest.raises(KeyError, match="pass sort_by= for a new table"):
        registry.sort_keys("scratch")


@pytest.mark.parametrize("name", list(registry.TABLES))
def test_readme_documents_every_table_and_its_columns(name):
    section = readme_tables_section()
    assert re.search(rf"`{name}`\s*[(:]", section), f"README: no entry for table {name!r}"
    undocumented = [c for c in registry.TABLES[name].schema if f"`{c}`" not in section]
    assert undocumented == [], f"README: columns of {name} not described: {undocumented}"
