"""Candidate pairs: MinHash sketches of shingle chunks and LSH band collisions (datasketch's
parameters)."""

from __future__ import annotations

import functools
import itertools
from collections.abc import Sequence

import numpy as np
from datasketch import MinHash, MinHashLSH

from analysis.provenance.reuse._shingles import _MASK32, _U64, _Doc

__all__ = [
    "lsh_reference_pairs",
]


def _chunk_bounds(shingles: np.ndarray, chunk: int) -> list[tuple[int, int]]:
    """Content-defined chunks of a shingle sequence, as ``(start, end)`` index pairs.

    A chunk may end after a shingle whose low 32 hash bits are divisible by ``chunk // 2`` once
    it is at least ``chunk // 2`` shingles long, and must end at ``4 * chunk``; a short tail joins
    the chunk before it. Two copies of a passage are cut at the same shingles once each copy has
    had one cut inside the passage.
    """
    n = len(shingles)
    if not n:
        return []
    low = max(1, chunk // 2)
    high = max(low + 1, 4 * chunk)
    cuts = np.flatnonzero((shingles & _MASK32) % _U64(low) == 0) + 1
    bounds = [0]
    for cut in cuts.tolist():
        while cut - bounds[-1] > high:
            bounds.append(bounds[-1] + high)
        if cut - bounds[-1] >= low and cut < n:
            bounds.append(cut)
    while n - bounds[-1] > high:
        bounds.append(bounds[-1] + high)
    if n - bounds[-1] < low and len(bounds) > 1:
        bounds.pop()
    bounds.append(n)
    return list(itertools.pairwise(bounds))


@functools.cache
def _lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """Bands and rows per band that :class:`datasketch.MinHashLSH` chooses for ``threshold``."""
    try:
        lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    except ValueError as exc:
        raise ValueError(f"no LSH for threshold={threshold}, num_perm={num_perm}: {exc}") from exc
    return lsh.b, lsh.r


def _sketches(
    docs: Sequence[_Doc], *, chunk: int, min_shared: int, num_perm: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """MinHash signatures of the chunks (one row each) and the index of each row's document.

    A chunk's set is its shingles that occur in another document too; chunks with fewer than
    ``min_shared`` of them cannot hold a reportable passage and are left out.
    """
    owners: list[int] = []
    values: list[list[int]] = []
    for index, doc in enumerate(docs):
        if len(doc.shared_pos) < min_shared:
            continue
        shared = np.zeros(len(doc.shingles), dtype=bool)
        shared[doc.shared_pos] = True
        for lo, hi in _chunk_bounds(doc.shingles, chunk):
            kept = doc.shingles[lo:hi][shared[lo:hi]]
            if len(kept) >= min_shared:
                owners.append(index)
                # MinHash input: the high 32 bits of the shingle hashes (the chunker used the low).
                values.append((kept >> _U64(32)).tolist())
    signatures = np.zeros((len(values), num_perm), dtype=np.uint32)
    sketches = MinHash.generator(values, num_perm=num_perm, seed=seed, hashfunc=int)
    for row, sketch in enumerate(sketches):
        signatures[row] = sketch.hashvalues
    return signatures, np.array(owners, dtype=np.int64)


def _band_collisions(
    signatures: np.ndarray,
    owners: np.ndarray,
    bands: int,
    rows: int,
    max_docs: int | None = None,
) -> set[tuple[int, int]]:
    """Pairs ``(x, y)``, ``x < y``, of owners of two signatures equal on all rows of some band.

    This is the candidate rule of :class:`datasketch.MinHashLSH` with ``params=(bands, rows)``:
    the ``rows`` hash values of a band are compared exactly. With ``max_docs``, a bucket (one
    band's values) holding more documents than that gives no pairs: its values are minima over
    shingles found in all of those documents, common ones, so at most ``max_docs`` documents
    per bucket pair up (at most ``bands * len(owners) * max_docs / 2`` pairs in all).
    """
    pairs: set[tuple[int, int]] = set()
    for band in range(bands):
        block = np.ascontiguousarray(signatures[:, band * rows : (band + 1) * rows])
        keys = block.view(np.dtype((np.void, block.itemsize * rows))).ravel()
        _, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
        shared = np.flatnonzero(counts[inverse] > 1)
        if not len(shared):
            continue
        labels, docs = inverse[shared], owners[shared]
        order = np.lexsort((docs, labels))
        labels, docs = labels[order], docs[order]
        first = np.ones(len(labels), dtype=bool)
        first[1:] = (labels[1:] != labels[:-1]) | (docs[1:] != docs[:-1])
        labels, docs = labels[first], docs[first]
        for group in np.split(docs, np.flatnonzero(np.diff(labels)) + 1):
            if max_docs is not None and len(group) > max_docs:
                continue
            members = group.tolist()
            for n, x in enumerate(members):
                pairs.update((x, y) for y in members[n + 1 :])
    return pairs


def lsh_reference_pairs(
    signatures: np.ndarray, owners: np.ndarray, bands: int, rows: int, *, seed: int
) -> set[tuple[int, int]]:
    """The candidate pairs of :class:`datasketch.MinHashLSH` itself, for the same sketches.

    The reference that :func:`_band_collisions` is tested and benchmarked against: each
    signature is inserted into a ``MinHashLSH(params=(bands, rows))`` and queried; pairs of rows
    of different documents become pairs of their owners.
    """
    num_perm = signatures.shape[1]
    lsh = MinHashLSH(num_perm=num_perm, params=(bands, rows))
    sketches = [
        MinHash(num_perm=num_perm, seed=seed, hashvalues=signature, scheme="affine32")
        for signature in signatures
    ]
    for key, sketch in enumerate(sketches):
        lsh.insert(key, sketch)
    return {
        (min(int(owners[key]), int(owners[other])), max(int(owners[key]), int(owners[other])))
        for key, sketch in enumerate(sketches)
        for other in lsh.query(sketch)
        if owners[other] != owners[key]
    }


def _candidate_pairs(
    docs: Sequence[_Doc],
    *,
    chunk: int,
    min_shared: int,
    threshold: float,
    num_perm: int,
    seed: int,
    max_docs: int | None = None,
) -> set[tuple[int, int]]:
    """Pairs ``(x, y)``, ``x < y``, of document indices with two chunks in one LSH bucket."""
    signatures, owners = _sketches(
        docs, chunk=chunk, min_shared=min_shared, num_perm=num_perm, seed=seed
    )
    if not len(owners):
        return set()
    bands, rows = _lsh_params(threshold, num_perm)
    return _band_collisions(signatures, owners, bands, rows, max_docs)
