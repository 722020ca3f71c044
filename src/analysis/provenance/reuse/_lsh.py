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
    parts: list[np.ndarray] = []
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
                parts.append((kept >> _U64(32)).astype(np.uint32))
    return _minhash_rows(parts, num_perm=num_perm, seed=seed), np.array(owners, dtype=np.int64)


#: Values hashed per block by :func:`_minhash_rows` (bounds its temporary arrays: 4 bytes each).
_BLOCK_VALUES = 1 << 22


def _minhash_rows(parts: Sequence[np.ndarray], *, num_perm: int, seed: int) -> np.ndarray:
    """``MinHash(num_perm, seed, hashfunc=int)`` of each ``uint32`` array (none empty), updated with
    its values: one row of hash values per array, as datasketch 2.0's ``affine32`` scheme computes
    them (each value through datasketch's MurmurHash3 finalizer, then ``a * h + b`` modulo 2**32
    for each of the sketch's own permutations, the minimum over the values), for all arrays at
    once in numpy instead of one ``MinHash`` object each. The tests compare every row with
    ``MinHash.generator``."""
    from datasketch.minhash import _fmix

    template = MinHash(num_perm=num_perm, seed=seed, hashfunc=int)
    if template.scheme != "affine32":
        raise RuntimeError(f"datasketch's default scheme is {template.scheme!r}, not affine32")
    a, b = (np.asarray(p, dtype=np.uint32) for p in template.permutations)
    if any(len(p) == 0 for p in parts):  # reduceat cannot take an empty segment
        raise ValueError("_minhash_rows: every set must hold at least one value")
    rows = np.empty((len(parts), num_perm), dtype=np.uint32)
    start = 0
    while start < len(parts):
        stop, size = start, 0
        while stop < len(parts) and (size == 0 or size + len(parts[stop]) <= _BLOCK_VALUES):
            size += len(parts[stop])
            stop += 1
        block = parts[start:stop]
        mixed = _fmix(np.concatenate(block), 32)
        offsets = np.zeros(len(block), dtype=np.int64)
        np.cumsum([len(p) for p in block[:-1]], out=offsets[1:])
        for j in range(num_perm):
            rows[start:stop, j] = np.minimum.reduceat(mixed * a[j] + b[j], offsets)
        start = stop
    return rows


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
    found: list[np.ndarray] = []
    n_owners = int(owners.max()) + 1 if len(owners) else 1
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
        found.append(_pairs_within(docs, labels, max_docs) @ np.array([n_owners, 1]))
    codes = np.unique(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)
    return set(zip((codes // n_owners).tolist(), (codes % n_owners).tolist(), strict=True))


def _pairs_within(docs: np.ndarray, labels: np.ndarray, max_docs: int | None) -> np.ndarray:
    """Every pair ``(docs[i], docs[j])``, ``i < j``, of one run of equal ``labels`` (sorted; docs
    ascending within a run), for runs of at most ``max_docs`` documents: an ``(n, 2)`` array.

    >>> _pairs_within(np.array([4, 7, 9, 1, 2]), np.array([0, 0, 0, 1, 1]), None).tolist()
    [[4, 7], [4, 9], [7, 9], [1, 2]]
    """
    starts = np.flatnonzero(np.r_[True, labels[1:] != labels[:-1]])
    sizes = np.diff(np.r_[starts, len(labels)])
    size = np.repeat(sizes, sizes)  # each element's run size, and its rank r in the run
    rank = np.arange(len(labels)) - np.repeat(starts, sizes)
    kept = size >= 2 if max_docs is None else (size >= 2) & (size <= max_docs)
    member = np.flatnonzero(kept)
    # Element r of a run of k pairs with the k - 1 - r elements after it.
    after = (size - 1 - rank)[member]
    first = np.repeat(member, after)
    # For each first element, the offsets 1 .. after of its partners.
    ends = np.cumsum(after)
    step = np.arange(len(first)) - np.repeat(ends - after, after) + 1
    return np.stack([docs[first], docs[first + step]], axis=1)


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
