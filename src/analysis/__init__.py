"""Shared helpers for the Kazakhstan media-analysis notebooks.

Importing this package (or any of its modules) prints and logs nothing, so it is safe in
notebooks under nbval. Heavy libraries (altair, papermill) are imported only by the modules
that need them: ``analysis.corpus.intake`` and ``analysis.core.paths`` stay light.
"""

__version__ = "0.1.0"

import importlib
from typing import Any

__all__ = ["open_study"]


def __getattr__(name: str) -> Any:
    """``analysis.open_study`` (:func:`analysis.pipeline.open_study`), imported on first use.

    By name, not an import statement: every stage's version covers the modules its code imports,
    parents included (:mod:`analysis.core.versions`), and this one is not stage code.
    """
    if name == "open_study":
        return importlib.import_module("analysis.pipeline").open_study
    raise AttributeError(f"module 'analysis' has no attribute {name!r}")
