"""Parameters: YAML values, notebook declarations, validation and grids."""

from __future__ import annotations

import nbformat
import pytest

from analysis import params as P
from analysis.params import ParameterError, ParameterSet


def make_notebook(path, source="corpus = 'seeds'\nlimit: int = 3\noutput_dir = None", tag=True):
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": ["parameters"]} if tag else {})
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), path)
    return path


def test_declared_parameters(tmp_path):
    nb = make_notebook(tmp_path / "00_a.ipynb")
    assert P.declared_parameters(nb) == {"corpus": "seeds", "limit": 3, "output_dir": None}


def test_notebook_without_parameters_cell_is_refused(tmp_path):
    nb = make_notebook(tmp_path / "00_a.ipynb", tag=False)
    with pytest.raises(ParameterError, match="no code cell tagged 'parameters'"):
        P.declared_parameters(nb)


def test_non_literal_parameter_is_refused(tmp_path):
    nb = make_notebook(tmp_path / "00_a.ipynb", source="corpus = str(1)")
    with pytest.raises(ParameterError, match="corpus must be a literal"):
        P.declared_parameters(nb)


def test_notebook_paths_are_numbered_and_sorted(tmp_path):
    for name in ("10_b.ipynb", "02_a.ipynb", "scratch.ipynb", "03_c.txt"):
        (tmp_path / name).write_text("{}")
    assert [p.name for p in P.notebook_paths(tmp_path)] == ["02_a.ipynb", "10_b.ipynb"]


def test_validate_refuses_unknown_and_runner_names(tmp_path):
    nbs = [make_notebook(tmp_path / "00_a.ipynb")]
    P.validate({"corpus": "x", "limit": 1}, nbs, "cli")
    with pytest.raises(
        ParameterError, match="unknown parameter colour; the notebooks take: corpus, limit"
    ):
        P.validate({"colour": "red"}, nbs, "cli")
    with pytest.raises(ParameterError, match="output_dir is set by the runner"):
        P.validate({"output_dir": "/tmp"}, nbs, "cli")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("families=[a, b]", ("families", ["a", "b"])),
        ("n=5", ("n", 5)),
        ("ratio=0.5", ("ratio", 0.5)),
        ("flag=true", ("flag", True)),
        ("name=", ("name", "")),
        ("group_by=outlet", ("group_by", "outlet")),
    ],
)
def test_parse_assignment(text, expected):
    assert P.parse_assignment(text) == expected


@pytest.mark.parametrize("text", ["noequals", "2x=1", "=3"])
def test_parse_assignment_refuses_malformed(text):
    with pytest.raises(ParameterError, match="expected NAME=VALUE"):
        P.parse_assignment(text)


def test_build_sets_without_grid_applies_overrides():
    assert P.build_sets({"a": 1, "b": 2}, {"b": 3}) == [ParameterSet({"a": 1, "b": 3})]


def test_build_sets_runs_times_matrix():
    grid = {
        "runs": [{"name": "seeds", "corpus": "seeds"}, {"name": "big", "corpus": "x.parquet"}],
        "matrix": {"n": [1, 2]},
    }
    sets = P.build_sets({"corpus": "d", "n": 0, "k": 9}, {"k": 7}, grid)
    assert [(s.label, s.values) for s in sets] == [
        ("seeds_n-1", {"corpus": "seeds", "n": 1, "k": 7}),
        ("seeds_n-2", {"corpus": "seeds", "n": 2, "k": 7}),
        ("big_n-1", {"corpus": "x.parquet", "n": 1, "k": 7}),
        ("big_n-2", {"corpus": "x.parquet", "n": 2, "k": 7}),
    ]


@pytest.mark.parametrize(
    ("grid", "message"),
    [
        ({"sets": []}, "unknown key sets"),
        ({"runs": {"a": 1}}, "'runs' must be a list"),
        ({"matrix": {"n": 1}}, "'matrix' must map names to lists"),
    ],
)
def test_malformed_grids_are_refused(grid, message):
    with pytest.raises(ParameterError, match=message):
        P.build_sets({}, {}, grid)


def test_load_yaml_errors(tmp_path):
    with pytest.raises(ParameterError, match="parameter file not found"):
        P.load_yaml(tmp_path / "none.yaml")
    (tmp_path / "list.yaml").write_text("- a\n- b\n")
    with pytest.raises(ParameterError, match="must hold a mapping"):
        P.load_yaml(tmp_path / "list.yaml")
    (tmp_path / "bad.yaml").write_text("a: [1\n")
    with pytest.raises(ParameterError, match="not valid YAML"):
        P.load_yaml(tmp_path / "bad.yaml")
