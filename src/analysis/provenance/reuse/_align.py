"""Aligning a candidate pair: matching shingle runs chained into passages, with Jaccard scores."""

from __future__ import annotations

import bisect
import functools
from collections.abc import Callable, Iterable, Iterator, Sequence

import numpy as np
import polars as pl

from analysis.provenance.reuse._schema import MAX_OCCURRENCES, REUSE_SCHEMA, _Row
from analysis.provenance.reuse._shingles import _Doc


def _matches(
    val_a: np.ndarray, pos_a: np.ndarray, val_b: np.ndarray, pos_b: np.ndarray, same: bool
) -> tuple[np.ndarray, np.ndarray]:
    """All position pairs ``(i, j)`` of equal shingles; ``val_b`` is sorted, ``pos_b`` aligned.

    ``val_a`` is sorted too. Within one document (``same``) only ``i < j``. Values occurring
    more than :data:`MAX_OCCURRENCES` times in ``b`` are skipped. Pairs come in the order of
    ``a``, then of ``b``: what :func:`_matches_numpy` (the reference, in numpy) gives, from one
    compiled merge of the two sorted arrays (a candidate pair costs microseconds, not numpy's
    per-call overhead).
    """
    i, j = _match_kernel()(val_a, pos_a, val_b, pos_b, same, MAX_OCCURRENCES)
    return i, j


@functools.cache
def _match_kernel() -> Callable[..., tuple[np.ndarray, np.ndarray]]:
    import numba

    @numba.njit(cache=True, nogil=True)
    def matches(val_a, pos_a, val_b, pos_b, same, most):
        # One merge of the two sorted arrays: each run of equal values of ``a`` takes the run
        # of that value in ``b`` (linear time, where a binary search per value was n log m).
        n, m = len(val_a), len(val_b)
        left = np.empty(n, dtype=np.int64)
        count = np.empty(n, dtype=np.int64)
        total = 0
        lo = 0
        k = 0
        while k < n:
            v = val_a[k]
            while lo < m and val_b[lo] < v:
                lo += 1
            hi = lo
            while hi < m and val_b[hi] == v:
                hi += 1
            c = hi - lo
            if c <= (1 if same else 0) or c > most:
                c = 0
            while k < n and val_a[k] == v:
                left[k] = lo
                count[k] = c
                total += c
                k += 1
        i = np.empty(total, dtype=np.int64)
        j = np.empty(total, dtype=np.int64)
        filled = 0
        for k in range(n):
            for t in range(count[k]):
                pa, pb = pos_a[k], pos_b[left[k] + t]
                if not same or pa < pb:
                    i[filled] = pa
                    j[filled] = pb
                    filled += 1
        return i[:filled], j[:filled]

    return matches


def _matches_numpy(
    val_a: np.ndarray, pos_a: np.ndarray, val_b: np.ndarray, pos_b: np.ndarray, same: bool
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_matches` in numpy: the reference the tests hold the compiled version to."""
    left = np.searchsorted(val_b, val_a, side="left")
    count = np.searchsorted(val_b, val_a, side="right") - left
    keep = (count > int(same)) & (count <= MAX_OCCURRENCES)
    count = count[keep]
    total = int(count.sum())
    if total == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    i = np.repeat(pos_a[keep], count)
    first = np.repeat(np.cumsum(count) - count, count)
    j = pos_b[np.repeat(left[keep], count) + np.arange(total) - first]
    if same:
        upper = i < j
        i, j = i[upper], j[upper]
    return i.astype(np.int64), j.astype(np.int64)


def _runs(i: np.ndarray, j: np.ndarray, shingle: int, n: int) -> list[tuple[int, int, int, int]]:
    """Maximal exact runs as word spans ``(a0, a1, b0, b1)``, sorted by ``(a0, b0)``.

    ``(i, j)`` are positions of equal shingles, all below ``n``. Matches on one diagonal (one
    ``j - i``) at consecutive ``i`` form one run. Compiled (a candidate pair costs microseconds,
    not numpy's per-call overhead); :func:`_runs_numpy` is the reference the tests hold it to.
    """
    a0, a1, b0, b1 = _runs_kernel()(i, j, shingle, n)
    return list(zip(a0.tolist(), a1.tolist(), b0.tolist(), b1.tolist(), strict=True))


@functools.cache
def _runs_kernel() -> Callable[..., tuple[np.ndarray, ...]]:
    import numba

    @numba.njit(cache=True, nogil=True)
    def runs(i, j, shingle, n):
        # One sort key for (diagonal, i): consecutive matches of a run differ by exactly 1.
        key = np.sort((j - i + n) * (n + 1) + i)
        starts = np.empty(len(key), dtype=np.int64)
        ends = np.empty(len(key), dtype=np.int64)
        count = 0
        for k in range(len(key)):
            if k == 0 or key[k] - key[k - 1] != 1:
                starts[count] = key[k]
                count += 1
            ends[count - 1] = key[k]
        a0 = starts[:count] % (n + 1)
        a1 = ends[:count] % (n + 1) + shingle
        b0 = a0 + starts[:count] // (n + 1) - n
        # sorted by (a0, b0): b0 is below n + shingle, so one integer key orders both
        order = np.argsort(a0 * (n + shingle + 1) + b0, kind="mergesort")
        a0, a1, b0 = a0[order], a1[order], b0[order]
        return a0, a1, b0, b0 + a1 - a0

    return runs


def _runs_numpy(
    i: np.ndarray, j: np.ndarray, shingle: int, n: int
) -> list[tuple[int, int, int, int]]:
    """:func:`_runs` in numpy: the reference the tests hold the compiled version to."""
    key = np.sort((j - i + n) * (n + 1) + i)
    breaks = np.flatnonzero(np.diff(key) != 1) + 1
    first = key[np.concatenate(([0], breaks))]
    last = key[np.concatenate((breaks, [len(key)])) - 1]
    a0 = first % (n + 1)
    a1 = last % (n + 1) + shingle
    b0 = a0 + first // (n + 1) - n
    order = np.lexsort((b0, a0))
    a0, a1, b0 = a0[order], a1[order], b0[order]
    return list(zip(a0.tolist(), a1.tolist(), b0.tolist(), (b0 + a1 - a0).tolist(), strict=True))


def _self_runs(
    runs: Iterable[tuple[int, int, int, int]], min_words: int
) -> Iterator[tuple[int, int, int, int]]:
    """Within one document: cut runs whose two sides overlap into consecutive copies."""
    for a0, a1, b0, b1 in runs:
        shift = b0 - a0
        if a1 <= b0:
            yield a0, a1, b0, b1
        elif shift >= min_words:
            for start in range(a0, a1, shift):
                end = min(start + shift, a1)
                yield start, end, start + shift, end + shift


def _chain(
    runs: Iterable[tuple[int, int, int, int]], *, shingle: int, max_gap: int, same: bool
) -> list[list[int]]:
    """Chain runs (sorted by ``a0``) across small gaps into passages.

    A passage is ``[a0, a1, b0, b1, n_runs]``: word spans on both sides and how many exact runs
    it joins (one run is a verbatim copy). A run extends the open passage whose ends it follows
    most closely, with at most ``max_gap`` unmatched words and less than ``shingle`` words of
    overlap on either side; within one document a passage may not reach its own second side.
    """
    chains: list[list[int]] = []
    active: list[list[int]] = []
    for a0, a1, b0, b1 in runs:
        active = [c for c in active if c[1] + max_gap >= a0]
        best: list[int] | None = None
        best_gap = 0
        for c in active:
            gap_a, gap_b = a0 - c[1], b0 - c[3]
            if not (-shingle < gap_a <= max_gap and -shingle < gap_b <= max_gap):
                continue
            if a1 <= c[1] or b1 <= c[3] or (same and a1 > c[2]):
                continue
            gap = max(gap_a, 0) + max(gap_b, 0)
            if best is None or gap < best_gap:
                best, best_gap = c, gap
        if best is None:
            chain = [a0, a1, b0, b1, 1]
            chains.append(chain)
            active.append(chain)
        else:
            best[1], best[3] = a1, b1
            best[4] += 1
    return chains


def _jaccard(sa: np.ndarray, sb: np.ndarray) -> float:
    """Exact Jaccard similarity of two sets of shingle hashes."""
    ua, ub = np.unique(sa), np.unique(sb)
    inter = len(np.intersect1d(ua, ub, assume_unique=True))
    return inter / (len(ua) + len(ub) - inter)


def _align(
    a: _Doc, b: _Doc, *, min_words: int, shingle: int, max_gap: int
) -> list[tuple[int, int, int, int, int, float]]:
    """Shared passages of ``a`` and ``b`` (``a is b`` for within-document reuse).

    Returns ``(start_a, end_a, start_b, end_b, words, similarity)``, offsets in characters.
    """
    same = a is b
    if same:
        order = np.argsort(a.shingles, kind="stable")
        ordered = a.shingles[order]
        i, j = _matches(ordered, order, ordered, order, same=True)
    else:
        i, j = _matches(a.shared_val, a.shared_pos, b.shared_val, b.shared_pos, same=False)
    if not len(i):
        return []
    runs: Iterable[tuple[int, int, int, int]] = _runs(
        i, j, shingle, max(len(a.shingles), len(b.shingles))
    )
    if same:
        runs = _self_runs(runs, min_words)
    chains = [
        c
        for c in _chain(runs, shingle=shingle, max_gap=max_gap, same=same)
        if min(c[1] - c[0], c[3] - c[2]) >= min_words
    ]
    # Drop passages contained, on both sides, in a longer passage of this pair. A container
    # starts on side a at most the longest kept side-a span before the passage ends, so only
    # the kept passages starting in that window are compared (not all of them: a long document
    # has thousands of passages with itself).
    chains.sort(key=lambda c: (c[0] - c[1] + c[2] - c[3], c[0], c[2]))
    kept: list[list[int]] = []
    by_start: list[tuple[int, int]] = []  # (side-a start, index in kept), sorted
    longest = 0
    for c in chains:
        lo = bisect.bisect_left(by_start, (c[1] - longest, -1))
        hi = bisect.bisect_right(by_start, (c[0], len(kept)))
        if not any(
            c[1] <= k[1] and k[2] <= c[2] and c[3] <= k[3]
            for k in (kept[i] for _, i in by_start[lo:hi])
        ):
            bisect.insort(by_start, (c[0], len(kept)))
            kept.append(c)
            longest = max(longest, c[1] - c[0])
    rows = []
    for a0, a1, b0, b1, n_runs in kept:
        # One exact run is a verbatim copy: identical shingle sets.
        similarity = (
            1.0
            if n_runs == 1
            else _jaccard(a.shingles[a0 : a1 - shingle + 1], b.shingles[b0 : b1 - shingle + 1])
        )
        rows.append(
            (
                int(a.starts[a0]),
                int(a.ends[a1 - 1]),
                int(b.starts[b0]),
                int(b.ends[b1 - 1]),
                min(a1 - a0, b1 - b0),
                similarity,
            )
        )
    return rows


def _reuse_rows(
    docs: Sequence[_Doc],
    pairs: Iterable[tuple[int, int]],
    *,
    min_words: int,
    shingle: int,
    max_gap: int,
) -> list[_Row]:
    """Align every document with repeated shingles against itself, and the given pairs."""
    rows: list[_Row] = []
    for doc in docs:
        if doc.repeats:
            for row in _align(doc, doc, min_words=min_words, shingle=shingle, max_gap=max_gap):
                rows.append((doc.doc_id, doc.doc_id, *row))
    for x, y in sorted(pairs):
        a, b = docs[x], docs[y]
        if a.doc_id > b.doc_id:
            a, b = b, a
        for row in _align(a, b, min_words=min_words, shingle=shingle, max_gap=max_gap):
            rows.append((a.doc_id, b.doc_id, *row))
    return rows


def _table(rows: list[_Row]) -> pl.DataFrame:
    """The ``reuse`` table, sorted by every column (doc_a, doc_b, start_a, start_b first)."""
    frame = pl.DataFrame(rows, schema=REUSE_SCHEMA, orient="row")
    return frame.sort("doc_a", "doc_b", "start_a", "start_b", "end_a", "end_b")
