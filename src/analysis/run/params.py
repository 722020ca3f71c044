"""Run parameters: defaults from ``params.yaml``, command-line overrides, and batch grids.

Every notebook declares its parameters in the cell tagged ``parameters``. A run passes each
notebook only the parameters it declares, plus ``output_dir``, which the runner owns. A name no
notebook declares is refused before anything executes.

:data:`SCHEMA` is the one place where each parameter's type, range and meaning are declared;
:func:`check_values` checks every value of every set against it before any notebook starts, and
the test suite checks ``params.yaml`` and the notebooks' ``parameters`` cells against it.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import nbformat
import yaml

from analysis.core import paths
from analysis.core.data import data_names
from analysis.core.errors import ParameterError

__all__ = [
    "RUNNER_PARAMETERS",
    "SCHEMA",
    "Choices",
    "Kind",
    "Parameter",
    "ParameterSet",
    "build_sets",
    "check_values",
    "declared_parameters",
    "default_values",
    "known_parameters",
    "load_yaml",
    "notebook_paths",
    "parameters_cell",
    "parse_assignment",
    "resolve_corpus",
    "validate",
]

#: Parameters the runner sets itself; users cannot override them.
RUNNER_PARAMETERS: frozenset[str] = frozenset({"output_dir"})


Kind = Literal["integer", "text", "choice", "choices", "path"]
Choices = Callable[[Mapping[str, Any]], Sequence[str]]


@dataclass(frozen=True)
class Parameter:
    """The declared type, range and meaning of one parameter.

    ``kind`` is ``integer`` (at least ``minimum``), ``text`` (any string), ``choice`` (one of
    ``choices``, or ``""`` when ``empty`` says what an empty value means), ``choices`` (a
    non-empty list of ``choices``) or ``path`` (a file or folder; ``required`` says whether it
    must exist). ``choices`` is computed from the other values of the set (the families of the
    chosen lexicon, say), so the lists are never written down twice.
    """

    kind: Kind
    meaning: str
    minimum: int | None = None
    choices: Choices | None = None
    empty: str | None = None
    required: bool = True

    def expectation(self, values: Mapping[str, Any]) -> str:
        """What a valid value looks like, for error messages."""
        if self.kind == "integer":
            return "an integer" + (f" >= {self.minimum}" if self.minimum is not None else "")
        if self.kind == "text":
            return "a string"
        if self.kind == "path":
            return "the path of an existing file or folder" if self.required else "a path"
        options = ", ".join(self.choices(values)) if self.choices else ""
        if self.kind == "choice":
            empty = f' or "" ({self.empty})' if self.empty else ""
            return f"one of: {options}{empty}"
        return f"a non-empty list of: {options} (e.g. [a, b])"

    def problem(self, value: Any, values: Mapping[str, Any], base: Path) -> str | None:
        """Why ``value`` is refused, or ``None`` when it is valid."""
        if self.kind == "integer":
            ok = isinstance(value, int) and not isinstance(value, bool)
            return None if ok and (self.minimum is None or value >= self.minimum) else "bad"
        if not isinstance(value, str) and self.kind != "choices":
            return "bad"
        if self.kind == "path":
            if not value.strip():
                return "bad"
            return None if not self.required or paths.resolve(value, base).exists() else "bad"
        if self.kind == "choice":
            if value == "" and self.empty:
                return None
            return None if self.choices and value in self.choices(values) else "bad"
        if self.kind == "choices":
            if not isinstance(value, list) or not value or not self.choices:
                return "bad"
            allowed = set(self.choices(values))
            return None if all(isinstance(v, str) and v in allowed for v in value) else "bad"
        return None


def _lexicon_names(values: Mapping[str, Any]) -> list[str]:
    names = data_names("rhetoric_")
    suffixes = [n[len("rhetoric_") : -len(".yaml")] for n in names if n.startswith("rhetoric_")]
    return sorted({"default", *(s for s in suffixes if s)})


def _detectors(values: Mapping[str, Any]) -> list[str]:
    from analysis.metrics.rhetoric import DETECTORS

    return list(DETECTORS)


def _families(values: Mapping[str, Any]) -> list[str]:
    """The lexicon's families, less those the span model alone finds under ``detector: lexicon``."""
    from analysis.metrics.rhetoric import DEFAULT_DETECTOR, DETECTORS, load_lexicon

    lexicon = values.get("lexicon", "default")
    if lexicon not in _lexicon_names(values):
        return []
    detector = values.get("detector", DEFAULT_DETECTOR)
    known = detector if detector in DETECTORS else DEFAULT_DETECTOR
    return list(load_lexicon(lexicon).families_for(known))


def _readability_metrics(values: Mapping[str, Any]) -> list[str]:
    from analysis.metrics.readability import DIVERSITY, METRICS

    return [*METRICS, *DIVERSITY]


def _group_columns(values: Mapping[str, Any]) -> list[str]:
    from analysis.compare.groups import DERIVED
    from analysis.provenance.fields import PROVENANCE_SCHEMA

    columns = {c for c, t in PROVENANCE_SCHEMA.items() if not t.is_nested()} - {"doc_id"}
    return sorted(columns | set(DERIVED))


#: Every parameter a notebook may declare (``output_dir`` aside): type, range and meaning.
SCHEMA: dict[str, Parameter] = {
    "corpus": Parameter(
        "path", "folder of text files, or a .parquet/.csv/.jsonl table with a `text` column"
    ),
    "max_bytes": Parameter("integer", "inputs larger than this many bytes are rejected", 1),
    "show_docs": Parameter("integer", "documents shown in the provenance evidence view", 0),
    "top_speakers": Parameter("integer", "speakers shown in the 'who is quoted' chart", 1),
    "min_reuse_words": Parameter("integer", "shortest passage (words) reported as reused", 1),
    "max_reuse_pairs_docs": Parameter(
        "integer",
        "most documents sharing a passage that are paired in `reuse` (more: one cluster)",
        2,
    ),
    "lexicon": Parameter(
        "choice", "lexicon set in src/analysis/data (rhetoric*.yaml)", choices=_lexicon_names
    ),
    "detector": Parameter(
        "choice",
        "who finds the cues of families counting span-model hits: lexicon, model or both",
        choices=_detectors,
    ),
    "families": Parameter("choices", "cue families shown", choices=_families),
    "min_words": Parameter("integer", "readability of shorter bodies (in words) is left null", 1),
    "chart_metrics": Parameter(
        "choices", "readability metrics drawn in the charts", choices=_readability_metrics
    ),
    "rates_by": Parameter(
        "choice",
        "cue_rates per source (document) or outlet; auto: source up to 40 documents, else outlet",
        choices=lambda values: ["auto", "outlet", "source"],
    ),
    "kwic_family": Parameter(
        "choice",
        "only this cue family in the evidence table",
        choices=_families,
        empty="the families shown",
    ),
    "kwic_term": Parameter("text", "only cues whose term contains this text; empty: all"),
    "show_hits": Parameter("integer", "rows of the cue evidence table shown", 0),
    "ptc_dir": Parameter(
        "path",
        "Propaganda Techniques Corpus folder for validation (optional: skipped when missing)",
        required=False,
    ),
    "group_by": Parameter(
        "choice", "provenance column the comparisons group by", choices=_group_columns
    ),
    "min_docs": Parameter(
        "integer", "groups with fewer documents are flagged small_n (sentence-block intervals)", 1
    ),
    "n_boot": Parameter("integer", "bootstrap replicates per interval", 1),
    "seed": Parameter("integer", "bootstrap seed: the same seed gives the same intervals", 0),
    "top_groups": Parameter("integer", "groups drawn by name in the charts (others pooled)", 1),
    "top_terms": Parameter("integer", "terms per group in the keyness chart", 1),
    "all_pairs_up_to": Parameter(
        "integer", "up to this many documents, similarity keeps every document pair", 0
    ),
    "similar_docs": Parameter(
        "integer", "beyond all_pairs_up_to documents, most similar documents kept per document", 1
    ),
    "show_phrases": Parameter("integer", "rows of each shared-phrase table shown", 0),
    "max_phrases": Parameter("integer", "names and formulations kept in shared_phrases", 1),
}


def check_values(
    values: Mapping[str, Any], *, base: Path = paths.PROJECT_ROOT, where: str = ""
) -> None:
    """Refuse the first value that does not fit its :data:`SCHEMA` entry, with what would.

    Values are checked in schema order, so a bad ``lexicon`` is reported before the families
    it would offer. Relative paths are resolved against ``base``. Names without a schema entry
    are left to :func:`validate` (which refuses names no notebook declares).

    >>> check_values({"n_boot": 200, "seed": 0})
    >>> check_values({"n_boot": "abc"})
    Traceback (most recent call last):
    ...
    analysis.core.errors.ParameterError: n_boot must be an integer >= 1 (got 'abc')
    """
    prefix = f"{where}: " if where else ""
    for name, spec in SCHEMA.items():  # schema order: lexicon is checked before its families
        if name not in values:
            continue
        value = values[name]
        if spec.problem(value, values, base) is not None:
            raise ParameterError(
                f"{prefix}{name} must be {spec.expectation(values)} (got {value!r})"
            )


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


def default_values(path: Path = paths.PARAMS_FILE) -> dict[str, Any]:
    """The default parameters (``params.yaml``); empty when the file is not there."""
    return load_yaml(path) if path.is_file() else {}


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
