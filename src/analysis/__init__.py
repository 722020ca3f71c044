"""Shared helpers for the Kazakhstan media-analysis notebooks.

Importing this package (or any of its modules) prints and logs nothing, so it is safe in
notebooks under nbval. Heavy libraries (altair, papermill) are imported only by the modules
that need them: ``analysis.corpus.intake`` and ``analysis.core.paths`` stay light.
"""

__version__ = "0.1.0"
