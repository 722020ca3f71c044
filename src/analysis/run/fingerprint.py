"""What a run's results depend on, as one digest: nothing changed, nothing redone.

A run's tables and charts are a function of its inputs (the bytes of every file under the corpus
and the other path parameters), its parameters, the notebooks, the package's code and data files,
and the environment (Python and every installed distribution's version). :func:`fingerprint`
hashes all of them; a new run whose fingerprint equals that of an earlier successful run whose
files still match its manifest takes that run's files instead of executing anything
(:func:`reusable_run`). The digest is conservative: any byte of the package, a notebook or an
input changing makes a new fingerprint, even where the results would not change.

Hashing the package as a whole (every file under ``src/analysis``, caches aside) is the coarse,
safe end of code-aware invalidation; per-stage versions refine it where documents are cached.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from analysis.core import paths
from analysis.core.cache import digest
from analysis.core.versions import PACKAGE_ROOT
from analysis.run import manifest as mf

__all__ = [
    "FINGERPRINT_VERSION",
    "code_digest",
    "fingerprint",
    "reusable_run",
]

#: Bumped when what the fingerprint covers changes, so older runs are never taken by mistake.
FINGERPRINT_VERSION = 1


def _digest(parts: Iterable[tuple[str, str]]) -> str:
    return digest(*(item for pair in parts for item in pair))


def code_digest(package: Path | None = None) -> str:
    """SHA-256 over every file of the ``analysis`` package (code and data), by relative path.

    ``__pycache__`` folders and compiled files are left out: they follow from the sources.
    """
    root = package if package is not None else PACKAGE_ROOT
    files = sorted(
        p
        for p in root.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix not in (".pyc", ".pyo")
    )
    return _digest((p.relative_to(root).as_posix(), mf.sha256_file(p)) for p in files)


def _inputs(
    values: Mapping[str, Any],
    path_names: Iterable[str],
    listings: Mapping[str, list[dict[str, Any]]],
) -> dict[str, str]:
    """Digest of the files below each path parameter (``corpus``, ``ptc_dir``, ...)."""
    out: dict[str, str] = {}
    for name in sorted(path_names):
        value = values.get(name)
        if not value:
            continue
        path = paths.resolve(value)
        if name not in listings and not path.exists():  # a missing optional input is state too
            out[name] = "missing"
            continue
        files = listings[name] if name in listings else mf.input_files(path)
        out[name] = _digest((f["path"], f"{f['bytes']}:{f['sha256']}") for f in files)
    return out


def fingerprint(
    values: Mapping[str, Any],
    notebooks: Sequence[Path],
    *,
    path_names: Iterable[str] = ("corpus",),
    environment: Mapping[str, Any] | None = None,
    listings: Mapping[str, list[dict[str, Any]]] | None = None,
) -> dict[str, Any]:
    """The parts a run's results depend on, and their digest (``"digest"``).

    ``values`` are the run's parameters (the runner's, with ``output_dir`` left out);
    ``path_names`` the parameters that name input files or folders, whose contents are hashed.
    ``environment`` defaults to :func:`analysis.run.manifest.environment` (the interpreter's
    path is left out: two virtual environments with the same packages give the same results).
    ``listings`` gives :func:`analysis.run.manifest.input_files` already read, by parameter.
    """
    env = dict(environment if environment is not None else mf.environment())
    parts = {
        "version": FINGERPRINT_VERSION,
        "parameters": {
            k: (paths.display_path(v) if k in set(path_names) and v else v)
            for k, v in sorted(values.items())
        },
        "inputs": _inputs(values, path_names, listings or {}),
        "notebooks": {nb.name: mf.sha256_file(nb) for nb in notebooks},
        "code": code_digest(),
        "environment": {
            "python": env.get("python"),
            "implementation": env.get("implementation"),
            "packages": env.get("packages"),
        },
    }
    blob = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return {"digest": hashlib.sha256(blob.encode("utf-8")).hexdigest(), **parts}


def reusable_run(outputs_dir: Path, digest: str) -> Path | None:
    """The newest successful run with fingerprint ``digest`` whose files match its manifest.

    A run whose files were edited or removed since (``python -m analysis verify`` would fail) is
    passed over, and so is one that itself took its files from another run only if that run's
    files no longer verify: every candidate is checked on its own files.
    """
    if not outputs_dir.is_dir():
        return None
    candidates = sorted(
        (p for p in outputs_dir.iterdir() if p.is_dir() and not p.name.startswith(".")),
        reverse=True,
    )
    for run in candidates:
        if run.name.endswith((".failed", ".interrupted")):
            continue
        try:
            m = mf.read_manifest(run)
        except (OSError, ValueError):
            continue
        if m.get("status") != "succeeded" or m.get("fingerprint", {}).get("digest") != digest:
            continue
        if mf.verify(run).ok:
            return run
    return None
