"""The notebooks: parameters, kernel, committed baseline, agreement with params.yaml, and that
nbval really fails when a result changes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import nbformat
import pytest

from analysis.core import paths
from analysis.run import params as P

NOTEBOOKS = P.notebook_paths()
SEED_BYTES = sum(p.stat().st_size for p in paths.SEEDS.iterdir())


def test_there_are_notebooks():
    assert [nb.name for nb in NOTEBOOKS][:1] == ["00_corpus.ipynb"]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_has_parameters_cell_kernel_and_baseline(notebook):
    nb = nbformat.read(notebook, as_version=4)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    cell = P.parameters_cell(nb)
    assert cell is not None
    declared = P.declared_parameters(notebook)
    assert "corpus" in declared and declared["output_dir"] is None
    code = [c for c in nb.cells if c.cell_type == "code"]
    # nbval compares nothing in cells without an execution count: the baseline must be executed.
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1))
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]
    assert "papermill" not in nb.metadata  # baselines come from `nox -s baseline`, not papermill


#: Code lines a notebook may hold outside its parameters cell: narrative, parameters, calls and
#: displays; logic belongs in the package.
MAX_CODE_LINES = 60


def code_lines(notebook) -> int:
    """Non-blank, non-comment lines of the code cells other than ``parameters``.

    ``nox -s tests`` checks the notebooks with ``ruff format --check`` and the project's line
    length, so these are the lines after formatting.
    """
    nb = nbformat.read(notebook, as_version=4)
    return sum(
        1
        for cell in nb.cells
        if cell.cell_type == "code" and "parameters" not in cell.metadata.get("tags", [])
        for line in cell.source.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    )


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_stay_thin(notebook):
    assert 10 <= code_lines(notebook) <= MAX_CODE_LINES


def test_params_yaml_matches_notebook_defaults():
    defaults = P.load_yaml(paths.PARAMS_FILE)
    P.validate(defaults, NOTEBOOKS, "params.yaml")
    for notebook in NOTEBOOKS:
        declared = P.declared_parameters(notebook)
        for name, value in defaults.items():
            if name in declared:
                assert declared[name] == value, f"{notebook.name}: {name}"
    declared_anywhere = set().union(*(P.declared_parameters(nb) for nb in NOTEBOOKS))
    assert declared_anywhere - P.RUNNER_PARAMETERS == set(defaults)


@pytest.mark.slow
def test_nbval_fails_when_a_seed_is_added(tmp_path):
    """Copy the project, add an article to seeds/, and nbval must report the changed outputs."""
    root = tmp_path / "project"
    root.mkdir()
    for item in ("pyproject.toml", "notebooks", "seeds", "tests"):
        src = paths.PROJECT_ROOT / item
        if src.is_dir():
            shutil.copytree(src, root / item, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(src, root / item)
    (root / "src" / "analysis").mkdir(parents=True)
    new = b"A new article about Astana and Beijing.\n"
    (root / "seeds" / "005_new.txt").write_bytes(new)
    env = {**os.environ, "ANALYSIS_PROJECT_ROOT": str(root)}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "notebooks/00_corpus.ipynb"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1, done.stdout[-2000:]
    assert "failed" in done.stdout.splitlines()[-1]
    # the intake summary's total bytes, in the baseline and now, and the chart spec, all differ
    assert f"<td>5</td><td>{SEED_BYTES}</td>" in done.stdout
    assert f"<td>6</td><td>{SEED_BYTES + len(new)}</td>" in done.stdout
    assert "mismatch 'application/vnd.vega.v5+json'" in done.stdout  # the chart's first output
    # each failing cell names what it writes and how to accept an intended change
    assert (
        "00_corpus: table documents, table intake_summary differ from the committed" in done.stdout
    )
    assert "00_corpus: chart document_lengths differs" in done.stdout
    assert "If the change is intended: python3 -m nox -s baseline -- 00_corpus" in done.stdout


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_papermill_reads_every_parameter(notebook, caplog):
    """papermill parses each parameter line (a line it cannot parse is injected blind)."""
    import papermill

    with caplog.at_level("WARNING", logger="papermill"):
        found = papermill.inspect_notebook(str(notebook))
    assert set(found) == set(P.declared_parameters(notebook))
    assert not [r for r in caplog.records if "Unable to parse" in r.getMessage()]
