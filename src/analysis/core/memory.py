"""Handing memory back to the system after a large step is done with it.

CPython frees objects into its own allocator and glibc's ``malloc``; neither returns the freed
pages of a heap full of small blocks (the texts and rows of a large corpus) to the system, so a
process that read a corpus once keeps that much resident memory for the rest of its life.
:func:`release` collects garbage and asks glibc to give back what is free (``malloc_trim``), so
the runner does not sit on the build's memory while the notebooks run.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
from collections.abc import Callable

__all__ = ["release"]


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, or ``None`` where the C library has none (macOS, musl)."""
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        trim: Callable[[int], int] = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):
        return None
    return trim


def release() -> bool:
    """Collect garbage, then return the C heap's free pages to the system where the C library
    can (glibc). Whether it could.

    >>> isinstance(release(), bool)
    True
    """
    gc.collect()
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
