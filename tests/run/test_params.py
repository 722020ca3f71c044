"""Parameters: YAML values, notebook declarations, validation and grids."""

from __future__ import annotations

import nbformat
import pytest

from analysis.run import params as P
from analysis.run.params import ParameterError, ParameterSet


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


# --- the schema --------------------------------------------------------------------------------


def test_schema_covers_every_notebook_parameter_and_params_yaml():
    from analysis.core import paths

    defaults = P.load_yaml(paths.PARAMS_FILE)
    declared: dict[str, list] = {}
    for nb in P.notebook_paths():
        for name, value in P.declared_parameters(nb).items():
            if name not in P.RUNNER_PARAMETERS:
                declared.setdefault(name, []).append(value)
    assert set(P.SCHEMA) == set(declared) == set(defaults)
    P.check_values(defaults)  # params.yaml holds only valid values
    for name, values in declared.items():  # every notebook default is valid on its own
        for value in values:
            P.check_values({**defaults, name: value})
    assert all(spec.meaning.strip() for spec in P.SCHEMA.values())


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"n_boot": "abc"}, "n_boot must be an integer >= 1 (got 'abc')"),
        ({"n_boot": 0}, "n_boot must be an integer >= 1 (got 0)"),
        ({"n_boot": 2.5}, "n_boot must be an integer >= 1 (got 2.5)"),
        ({"max_bytes": True}, "max_bytes must be an integer >= 1 (got True)"),
        ({"seed": -1}, "seed must be an integer >= 0 (got -1)"),
        ({"max_reuse_pairs_docs": 1}, "max_reuse_pairs_docs must be an integer >= 2 (got 1)"),
        ({"group_by": "nonexistent"}, "group_by must be one of: author, "),
        ({"lexicon": "nope"}, "lexicon must be one of: default (got 'nope')"),
        ({"families": "hedges"}, "families must be a non-empty list of: scare_quotes, "),
        ({"families": []}, "families must be a non-empty list of"),
        ({"families": ["hedges", "nope"]}, "(got ['hedges', 'nope'])"),
        ({"kwic_family": "nope"}, "or \"\" (the families shown) (got 'nope')"),
        ({"chart_metrics": ["gunning_fog", "iq"]}, "chart_metrics must be a non-empty list"),
        ({"corpus": "no/such/folder"}, "corpus must be the path of an existing file or folder"),
        ({"corpus": 3}, "corpus must be the path of an existing file or folder (got 3)"),
        ({"kwic_term": 5}, "kwic_term must be a string (got 5)"),
        ({"rates_by": "author"}, "rates_by must be one of: auto, outlet, source (got 'author')"),
        ({"all_pairs_up_to": -1}, "all_pairs_up_to must be an integer >= 0 (got -1)"),
    ],
)
def test_check_values_refuses_with_what_would_fit(values, message):
    with pytest.raises(ParameterError) as err:
        P.check_values(values)
    assert message in str(err.value)


def test_group_by_lists_the_valid_columns():
    with pytest.raises(ParameterError) as err:
        P.check_values({"group_by": "nonexistent"})
    listed = str(err.value).split("one of: ")[1].split(" (got")[0].split(", ")
    assert {"outlet", "author", "language", "year", "month", "original_outlet"} <= set(listed)
    assert "doc_id" not in listed and "tags" not in listed  # not single-valued groupings


def test_optional_inputs_stay_optional_and_valid_values_pass(tmp_path):
    P.check_values({"ptc_dir": str(tmp_path / "no_ptc_here")})
    P.check_values(
        {
            "kwic_family": "",
            "families": ["hedges", "loaded"],
            "chart_metrics": ["mtld", "smog_index"],
            "group_by": "year",
            "rates_by": "outlet",
            "all_pairs_up_to": 0,
            "corpus": str(tmp_path),
            "seed": 0,
        }
    )


def test_families_are_checked_against_the_chosen_lexicon():
    with pytest.raises(ParameterError, match="lexicon must be one of"):
        P.check_values({"lexicon": "other", "families": ["hedges"]})
    with pytest.raises(ParameterError, match="lexicon must be one of"):
        P.check_values({"families": ["hedges"], "lexicon": "other"})


def test_the_detector_default_is_the_same_everywhere():
    """The notebooks, params.yaml, Study and the runner default to the detector the PTC
    validation found best (tests/metrics/test_rhetoric.py keeps that true)."""
    import inspect

    from analysis.core import paths
    from analysis.metrics.rhetoric import DEFAULT_DETECTOR
    from analysis.pipeline import Study
    from analysis.run import runner

    assert P.default_values()["detector"] == DEFAULT_DETECTOR
    for name in ("02_rhetoric_readability.ipynb", "03_cross_outlet.ipynb"):
        assert P.declared_parameters(paths.NOTEBOOKS / name)["detector"] == DEFAULT_DETECTOR
    assert inspect.signature(Study).parameters["detector"].default == DEFAULT_DETECTOR
    assert f'values.get("detector", "{DEFAULT_DETECTOR}")' in inspect.getsource(runner._build)
    assert P.check_values({"detector": "lexicon"}) is None
    with pytest.raises(ParameterError, match="detector must be one of"):
        P.check_values({"detector": "neural"})
    lexicon_only = P._families({"detector": "lexicon"})
    assert "repetition" in P._families({}) and "repetition" not in lexicon_only
