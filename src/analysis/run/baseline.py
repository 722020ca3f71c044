"""Refresh the nbval regression baseline: execute a notebook in place with its own defaults.

The committed notebooks carry the outputs of the seed corpus; ``nox -s tests`` re-executes them
with nbval and fails when any output differs. After an intended change (new seed files, a changed
helper), ``nox -s baseline`` rewrites them. Unlike papermill, this records no timestamps, so the
git diff of a refreshed notebook shows only changed results.

The code cells are formatted with ruff (when it is installed) *before* they are executed, never
after: ``ruff format`` re-serialises the whole notebook and its JSON reader does not round-trip
every float in the outputs (a chart's 1/11 came back as 0.09090909090909093), which nbval then
reports as changed outputs.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import nbformat

from analysis.run.runner import KERNEL_NAME, ipc_kernel_manager, use_this_environment_kernel

__all__ = [
    "KEPT_METADATA",
    "refresh",
]

#: Notebook-level metadata kept; anything else (papermill's, widgets') is dropped.
KEPT_METADATA = ("kernelspec", "language_info")


def refresh(notebook: Path, *, timeout: int = 1800) -> float:
    """Execute ``notebook`` top to bottom in place and return the seconds it took."""
    from nbclient import NotebookClient

    use_this_environment_kernel()
    ruff = shutil.which("ruff")
    if ruff is not None:  # before executing: formatting afterwards would alter output floats
        subprocess.run([ruff, "format", "--quiet", str(notebook)], check=True)
    nb = nbformat.read(notebook, as_version=4)
    t0 = time.perf_counter()
    NotebookClient(
        nb,
        kernel_name=KERNEL_NAME,
        timeout=timeout,
        record_timing=False,
        resources={"metadata": {"path": str(notebook.parent)}},
        kernel_manager_class=ipc_kernel_manager(),
    ).execute()
    nb.metadata = nbformat.NotebookNode(
        {k: nb.metadata[k] for k in KEPT_METADATA if k in nb.metadata}
    )
    for cell in nb.cells:
        for key in ("execution", "papermill"):
            cell.metadata.pop(key, None)
    nbformat.validate(nb)
    nbformat.write(nb, notebook)
    return time.perf_counter() - t0
