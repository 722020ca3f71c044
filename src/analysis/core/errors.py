"""Every error the package raises on purpose, under one base class.

Catch :class:`AnalysisError` to handle any of them; each also derives from the built-in error it
refines (``ValueError`` for bad values, ``OSError`` for files), so older ``except ValueError``
code keeps working.

>>> issubclass(EmptyCorpusError, CorpusError) and issubclass(CorpusError, AnalysisError)
True
>>> issubclass(InputError, ValueError), issubclass(OutputError, OSError)
(True, True)
"""

from __future__ import annotations

__all__ = [
    "AnalysisError",
    "CorpusError",
    "DataFileError",
    "EmptyCorpusError",
    "InputError",
    "NotRegularFile",
    "OutputError",
    "ParameterError",
]


class AnalysisError(Exception):
    """Base of the package's own errors: a message meant for the person running the analysis."""


class CorpusError(AnalysisError, ValueError):
    """The corpus as a whole cannot be read (missing, wrong kind, no ``text`` column)."""


class EmptyCorpusError(CorpusError):
    """The corpus holds no document that can be analysed (every input rejected or duplicate)."""


class NotRegularFile(AnalysisError, OSError):
    """An input that must not be read: not a regular file, or not the file that was listed."""


class ParameterError(AnalysisError, ValueError):
    """Parameters that cannot be used: unknown names, bad values, malformed files."""


class OutputError(AnalysisError, OSError):
    """A run could not write its outputs (disk full, read-only folder); nothing was kept."""


class InputError(AnalysisError, ValueError):
    """A table handed to a function lacks a column, or has null or repeated document ids."""


class DataFileError(AnalysisError, ValueError):
    """A data file of the package (lexicon, registry, patterns) is malformed."""
