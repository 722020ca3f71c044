"""Compiled MTLD and MATTR over token sequences given as segments of one token array.

lexicalrichness 0.5.1's ``mtld(threshold)`` and ``mattr(window_size)`` (the reference: the tests
check equality to the last bit on the seeds, on AllSides and on random sequences), compiled with
numba so that the readability table is computed in one call for all documents and the
sentence-block bootstrap of :mod:`analysis.compare.group_metrics` costs time linear in the
replicates' tokens and memory linear in the vocabulary, whatever a document's length. A sequence
("lane") is the concatenation of ``ids[start : start + length]`` over its segments (a replicate's
drawn sentence blocks, in drawn order), so replicates are never materialised.

Numba is imported, and the kernels compiled, on first use (about two seconds); numba caches the
compiled code on disk (``cache=True``: ``__pycache__`` beside this file; where that folder is
read-only, numba's folder in the user's cache directory; ``NUMBA_CACHE_DIR`` chooses another),
so the next process, a notebook kernel or a Dask worker, loads it in a fraction of a second.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

import numpy as np

from analysis.metrics.readability import MATTR_WINDOW, MTLD_THRESHOLD

__all__ = ["mattr_batch", "mattr_segments", "mtld_batch", "mtld_segments"]

# lexicalrichness averages MATTR's window ratios with ``sum(scores) / len(scores)``; the kernel
# adds them in the same order, as Python 3.11's ``sum`` of floats does (the project requires
# Python < 3.12, whose ``sum`` compensates rounding and would differ in the last bits).


@cache
def _kernels() -> tuple[Callable[..., Any], Callable[..., Any]]:
    import numba

    @numba.njit(cache=True, nogil=True)
    def mtld(ids, seg_start, seg_len, n_types, threshold):
        n_lanes, n_seg = seg_start.shape
        out = np.full(n_lanes, np.nan)
        last = np.full(max(n_types, 1), -1, dtype=np.int64)
        clock = 0
        for r in range(n_lanes):
            length = 0
            for s in range(n_seg):
                length += seg_len[r, s]
            if length == 0:
                continue
            fallback = 0.0
            forward = 0.0
            backward = 0.0
            for reverse in range(2):
                lane_start = clock
                seg = clock
                distinct = 0
                counter = 0
                types = 0
                factors = 0.0
                for k in range(n_seg):
                    s = n_seg - 1 - k if reverse else k
                    a = seg_start[r, s]
                    n = seg_len[r, s]
                    for j in range(n):
                        x = ids[a + n - 1 - j] if reverse else ids[a + j]
                        prev = last[x]
                        if prev < lane_start:
                            types += 1
                        if prev < seg:
                            distinct += 1
                        last[x] = clock
                        clock += 1
                        counter += 1
                        if distinct / counter <= threshold:
                            factors += 1
                            distinct = 0
                            counter = 0
                            seg = clock
                if counter > 0:
                    factors = factors + (1 - distinct / counter) / (1 - threshold)
                if reverse == 0:
                    whole = types / length
                    fallback = 1.0 if whole == 1 else (1 - whole) / (1 - threshold)
                if factors == 0:
                    factors = fallback
                if reverse == 0:
                    forward = length / factors
                else:
                    backward = length / factors
            out[r] = (forward + backward) / 2
        return out

    @numba.njit(cache=True, nogil=True)
    def mattr(ids, seg_start, seg_len, n_types, window):
        n_lanes, n_seg = seg_start.shape
        out = np.full(n_lanes, np.nan)
        counts = np.zeros(max(n_types, 1), dtype=np.int64)
        ring = np.zeros(window, dtype=np.int64)
        for r in range(n_lanes):
            length = 0
            for s in range(n_seg):
                length += seg_len[r, s]
            if length < window:
                continue
            distinct = 0
            total = 0.0  # the windows' ratios added in order, as Python 3.11's sum() adds them
            t = 0
            for s in range(n_seg):
                a = seg_start[r, s]
                for j in range(seg_len[r, s]):
                    x = ids[a + j]
                    slot = t % window
                    if t >= window:
                        y = ring[slot]
                        counts[y] -= 1
                        if counts[y] == 0:
                            distinct -= 1
                    ring[slot] = x
                    if counts[x] == 0:
                        distinct += 1
                    counts[x] += 1
                    t += 1
                    if t >= window:
                        total += distinct / window
            for i in range(window):
                counts[ring[i]] = 0
            out[r] = total / (length - window + 1)
        return out

    return mtld, mattr


def _check(ids: np.ndarray, seg_start: np.ndarray, seg_len: np.ndarray) -> tuple[Any, ...]:
    ids = np.ascontiguousarray(ids, dtype=np.int64)
    seg_start = np.ascontiguousarray(np.atleast_2d(seg_start), dtype=np.int64)
    seg_len = np.ascontiguousarray(np.atleast_2d(seg_len), dtype=np.int64)
    if seg_start.shape != seg_len.shape:
        raise ValueError("seg_start and seg_len must have the same shape")
    if seg_len.size and (seg_len.min() < 0 or (seg_start + seg_len).max() > ids.size):
        raise ValueError("a segment lies outside ids")
    if ids.size and ids.min() < 0:
        raise ValueError("token ids must be >= 0")
    n_types = int(ids.max()) + 1 if ids.size else 0
    return ids, seg_start, seg_len, n_types


def mtld_segments(
    ids: np.ndarray, seg_start: np.ndarray, seg_len: np.ndarray, threshold: float
) -> np.ndarray:
    """MTLD (forward and backward passes, partial factors) of each lane; nan for an empty lane.

    ``seg_start`` and ``seg_len`` are (lanes, segments) arrays; a lane is its segments' tokens
    concatenated (zero-length segments pad lanes with fewer segments).

    >>> ids = np.array([0, 1, 0, 1, 2, 3])
    >>> mtld_segments(ids, np.array([[0, 0], [4, 0]]), np.array([[4, 0], [2, 0]]), 0.72).tolist()
    [4.0, 2.0]
    """
    ids, seg_start, seg_len, n_types = _check(ids, seg_start, seg_len)
    return np.asarray(_kernels()[0](ids, seg_start, seg_len, n_types, float(threshold)))


def mattr_segments(
    ids: np.ndarray, seg_start: np.ndarray, seg_len: np.ndarray, window: int
) -> np.ndarray:
    """MATTR with ``window`` of each lane; nan for a lane shorter than the window.

    >>> ids = np.array([0, 1, 0, 2, 5, 5])
    >>> mattr_segments(ids, np.array([[0], [4]]), np.array([[4], [2]]), 2).tolist()
    [1.0, 0.5]
    """
    if window < 1:
        raise ValueError(f"window must be >= 1, got {window}")
    ids, seg_start, seg_len, n_types = _check(ids, seg_start, seg_len)
    return np.asarray(_kernels()[1](ids, seg_start, seg_len, n_types, int(window)))


def _one_segment_each(offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    offsets = np.asarray(offsets, dtype=np.int64)
    return offsets[:-1, None], np.diff(offsets)[:, None]


def mattr_batch(ids: np.ndarray, offsets: np.ndarray, window: int = MATTR_WINDOW):
    """lexicalrichness's ``mattr(window_size=window)`` of each sequence (nan if shorter).

    ``ids`` concatenates the sequences (integer token ids >= 0), ``offsets`` (n + 1) bounds
    them. Compiled (:func:`mattr_segments`): O(total length) time.

    Examples
    --------
    >>> ids, offsets = np.array([0, 1, 0, 2, 5, 5, 3]), np.array([0, 4, 6, 7])
    >>> mattr_batch(ids, offsets, window=2).tolist()  # (2/2 + 2/2 + 2/2) / 3, 1/2, too short
    [1.0, 0.5, nan]
    """
    return mattr_segments(ids, *_one_segment_each(offsets), window)


def mtld_batch(
    ids: np.ndarray, offsets: np.ndarray, threshold: float = MTLD_THRESHOLD
) -> np.ndarray:
    """lexicalrichness's ``mtld(threshold=threshold)`` of each sequence (nan if empty).

    The forward and backward passes with partial factors
    (:func:`mtld_segments`, compiled): O(total length) time.

    Examples
    --------
    >>> mtld_batch(np.array([0, 1, 0, 1, 2, 3]), np.array([0, 4, 6, 6])).round(6).tolist()
    [4.0, 2.0, nan]
    """
    return mtld_segments(ids, *_one_segment_each(offsets), threshold)
