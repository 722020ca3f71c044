"""Run parameters: defaults from ``params.yaml``, command-line overrides, and batch grids.

Every notebook declares its parameters in the cell tagged ``parameters``. A run passes each
notebook only the parameters it declares, plus ``output_dir``, which the runner owns. A name no
notebook declares is refused before anything executes.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
import yaml

from analysis import paths

#: Parameters the runner sets itself; users cannot override them.
RUNNER_PARAMETERS: frozenset[str] = frozenset({"output_dir"})


class ParameterError(ValueError):
    """Parameters that cannot be used: unknown names, bad values, malformed files."""


def notebook_paths(folder: Path = paths.NOTEBOOKS) -> list[Path]:
    """The notebooks a run executes: ``NN_name.ipynb`` files in ``folder``, in name order."""
    return sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb") if p.is_file())


def parameters_cell(nb: nbformat.NotebookNode) -> nbformat.NotebookNode | None:
    """The code cell tagged ``parameters``, or ``None``."""
    for cell in nb.cells:
        if cell.cell_type == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            return cell
    return None


def declared_parameters(notebook: Path) -> dict[str, Any]:
    """Names and default values assigned in a notebook's ``parameters`` cell.

    Only literal assignments count (``name = <Python literal>``), as with papermill.
    """
    import ast

    nb = nbformat.read(notebook, as_version=4)
    cell = parameters_cell(nb)
    if cell is None:
        raise ParameterError(f"{notebook.name} has no code cell tagged 'parameters'")
    found: dict[str, Any] = {}
    for node in ast.parse(cell.source).body:
        target = None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        if isinstance(target, ast.Name):
            try:
                found[target.id] = ast.literal_eval(value)
            except ValueError as exc:
                raise ParameterError(
                    f"{notebook.name}: parameter {target.id} must be a literal value"
                ) from exc
    return found


def load_yaml(path: Path) -> dict[str, Any]:
    """Read a YAML mapping, with a clear error when the file is missing or not a mapping."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ParameterError(f"parameter file not found: {path}") from exc
    except yaml.YAMLError as exc:
        raise ParameterError(f"{path} is not valid YAML: {exc}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ParameterError(f"{path} must hold a mapping of NAME: VALUE")
    return data


def parse_assignment(text: str) -> tuple[str, Any]:
    """Parse ``NAME=VALUE`` from the command line; the value is read as YAML.

    YAML keeps lists and numbers typed (papermill's own ``-p`` would pass ``[a, b]`` as a string).

    >>> parse_assignment("families=[scare_quotes, hedges]")
    ('families', ['scare_quotes', 'hedges'])
    >>> parse_assignment("min_words=50")
    ('min_words', 50)
    >>> parse_assignment("corpus=../shared/x.parquet")
    ('corpus', '../shared/x.parquet')
    """
    name, sep, raw = text.partition("=")
    name = name.strip()
    if not sep or not name.isidentifier():
        raise ParameterError(f"expected NAME=VALUE, got {text!r}")
    try:
        value = yaml.safe_load(raw) if raw.strip() else ""
    except yaml.YAMLError as exc:
        raise ParameterError(f"cannot read the value of {name}: {exc}") from exc
    return name, value


@dataclass(frozen=True)
class ParameterSet:
    """One complete set of parameters for one run, with an optional label for the run id."""

    values: dict[str, Any]
    label: str | None = None

    def for_notebook(self, declared: Iterable[str]) -> dict[str, Any]:
        """The subset a notebook declares."""
        names = set(declared)
        return {k: v for k, v in self.values.items() if k in names}


def known_parameters(notebooks: Sequence[Path]) -> dict[str, set[str]]:
    """Map each parameter name to the notebooks that declare it (``output_dir`` excluded)."""
    known: dict[str, set[str]] = {}
    for nb in notebooks:
        for name in declared_parameters(nb):
            if name not in RUNNER_PARAMETERS:
                known.setdefault(name, set()).add(nb.name)
    return known


def validate(values: Mapping[str, Any], notebooks: Sequence[Path], where: str) -> None:
    """Refuse names that no notebook declares, and names the runner owns."""
    known = known_parameters(notebooks)
    owned = sorted(set(values) & RUNNER_PARAMETERS)
    if owned:
        raise ParameterError(f"{where}: {', '.join(owned)} is set by the runner, not by users")
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise ParameterError(
            f"{where}: unknown parameter {', '.join(unknown)}; "
            f"the notebooks take: {', '.join(sorted(known))}"
        )


def resolve_corpus(value: Any, base: Path) -> str:
    """Turn a corpus path into the string notebooks receive (absolute, so any cwd works)."""
    if not isinstance(value, str | os.PathLike):
        raise ParameterError(f"corpus must be a path, got {value!r}")
    return str(paths.resolve(value, base))


def build_sets(
    defaults: Mapping[str, Any],
    overrides: Mapping[str, Any],
    grid: Mapping[str, Any] | None = None,
) -> list[ParameterSet]:
    """Combine defaults, a grid and command-line overrides into the parameter sets to run.

    A grid holds ``runs`` (a list of mappings, each one set, with an optional ``name``) and/or
    ``matrix`` (a mapping of NAME to a list of values; every combination is one set). Without a
    grid there is one set. Command-line overrides apply to every set.

    >>> [s.values["x"] for s in build_sets({"x": 1, "y": 2}, {}, {"matrix": {"x": [3, 4]}})]
    [3, 4]
    >>> [s.label for s in build_sets({}, {}, {"runs": [{"name": "a", "x": 1}]})]
    ['a']
    """
    if grid is None:
        return [ParameterSet({**defaults, **overrides})]
    unknown_keys = set(grid) - {"runs", "matrix"}
    if unknown_keys:
        raise ParameterError(
            f"grid: unknown key {', '.join(sorted(unknown_keys))} (use runs, matrix)"
        )
    runs = grid.get("runs") or [{}]
    matrix = grid.get("matrix") or {}
    if not isinstance(runs, list) or not all(isinstance(r, dict) for r in runs):
        raise ParameterError("grid: 'runs' must be a list of mappings")
    if not isinstance(matrix, dict) or not all(isinstance(v, list) for v in matrix.values()):
        raise ParameterError("grid: 'matrix' must map names to lists of values")
    sets: list[ParameterSet] = []
    names = list(matrix)
    for run in runs:
        run = dict(run)
        label = run.pop("name", None)
        for combo in itertools.product(*(matrix[n] for n in names)):
            values = {**defaults, **run, **dict(zip(names, combo, strict=True)), **overrides}
            parts = [str(label)] if label else []
            parts += [f"{n}-{v}" for n, v in zip(names, combo, strict=True)]
            sets.append(ParameterSet(values, "_".join(parts) or None))
    return sets
