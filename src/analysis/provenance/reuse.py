"""Text reuse: passages shared within one document and across documents, with exact offsets.

Republications, translations of one press release, an outlet's boilerplate and teasers that repeat
the opening of an article all show up as rows of the ``reuse`` table (:data:`REUSE_SCHEMA`): two
character spans, ``text[start_a:end_a]`` of ``doc_a`` and ``text[start_b:end_b]`` of ``doc_b``,
that hold the same passage, word for word or give or take a few words. A passage found in more
than ``max_pairs_docs`` documents (an outlet's footer) is not paired: it is one cluster in the
``reuse_clusters`` table (:data:`CLUSTERS_SCHEMA`), one row per occurrence (step 5).

Method
------
1. **Words.** A word is a maximal run of ``\\w`` characters (Unicode letters and digits, and
   ``_``): exactly the matches of ``re.findall(r"\\w+", text)``, compared case-folded character
   by character (:func:`normalise_words`). Punctuation, spacing and line ends are ignored, so
   ``"Tags: ,"`` and ``"Tags: , ,"`` are the same words. Tokenising runs in numpy over the code
   points of ``text``, so word offsets are character offsets into ``text``.
2. **Shingles.** Every run of ``shingle`` consecutive words is hashed to 64 bits. Shingles that
   occur in at least two documents are found exactly (one sort of all distinct shingles); only
   they can anchor reuse across documents.
3. **Candidate pairs: MinHash LSH over document chunks.** Each document is cut into
   content-defined chunks of about ``chunk`` shingles: a chunk ends at a shingle whose hash hits
   a fixed pattern (with a minimum and a maximum length), so a passage copied into two documents
   is cut at the same words in both. A chunk's set is its shingles that occur in another
   document; a chunk with fewer than ``min_words - shingle + 1`` of them cannot hold a passage
   and is skipped. Each set gets a :class:`datasketch.MinHash` (``num_perm`` permutations, fixed
   ``seed``, computed in bulk with :meth:`datasketch.MinHash.generator`). Two documents are a
   candidate pair when two of their chunks agree on every row of one LSH band; the bands and
   rows are those :class:`datasketch.MinHashLSH` chooses for ``threshold`` and ``num_perm``, and
   the rule is the one of ``MinHashLSH.insert``/``query`` (a band's values compared exactly),
   evaluated with numpy sorts. The candidates are the same; the cost is not: for the 71,000
   chunks of 10,000 AllSides articles, inserting into and querying an in-memory ``MinHashLSH``
   takes 14 s and 730 MB (one Python set per band and chunk), the sorts 2 s. Chunks, not whole
   documents, are indexed because a shared paragraph is a small share of two long articles:
   document-level Jaccard would hide boilerplate and quoted press releases. Every document with a
   shingle that occurs twice in it is a within-document candidate.
4. **Alignment**, of candidate pairs only. Positions where the two documents share a shingle are
   grouped into runs of consecutive matches on one diagonal: exact shared word sequences. Runs
   are chained, in order on both sides, across gaps of at most ``max_gap`` words on either side
   (a changed, inserted or dropped word), and a chain is one passage. Unlike
   ``difflib.SequenceMatcher``, this finds passages in any order and any number of copies, and
   works inside one document. A passage is kept when both sides have at least
   ``max(min_words, shingle)`` words and it is not contained, on both sides, in another passage of
   the same pair. Within one document the two sides never overlap: a run longer than its own
   shift (text repeated back to back) is cut into consecutive copies.

5. **Common passages: clusters, not pairs.** A passage in ``n`` documents is ``n * (n - 1) / 2``
   pairs: an outlet's footer on 5,000 pages would be 12.5 million rows, and aligning them takes
   hours. So a shingle found in more than ``max_pairs_docs`` documents (counted in the same sort
   as step 2) is *common*; a run of common shingles in one document spanning at least
   ``min_words`` words is one occurrence in the ``reuse_clusters`` table
   (:data:`CLUSTERS_SCHEMA`, :func:`find_shared_passages`), and occurrences with the same words
   are one cluster. Those shingles are left out of steps 3 and 4, so no pair is formed for them:
   rows, time and memory grow with the occurrences. Shorter common runs (a stock phrase, the
   common end of a rarer passage) stay in steps 3 and 4, but an LSH bucket holding more than
   ``max_pairs_docs`` documents makes no candidate pairs: only common shingles can fill it, and
   the candidates stay below ``bands * chunks * max_pairs_docs / 2``.

``similarity`` is the exact Jaccard similarity ``|S_a ∩ S_b| / |S_a ∪ S_b|`` of the sets ``S_a``
and ``S_b`` of ``shingle``-word shingles of the two passages (normalised words): 1.0 for a
verbatim copy, lower when words were changed, inserted or dropped. Values below about 0.3 mostly
mean templates (photo-gallery captions that differ in a number, tables). ``words`` is the number
of words of the shorter side.

Recall. Alignment is exact, so every row is real reuse; candidate pairs are probabilistic. On
2,000 AllSides articles, compared with aligning every pair of documents that shares four
shingles, the defaults find about 80 % of the 8-15-word passages shared by at most three pairs of
documents, 94 % of the 16-23-word ones and 99-100 % of longer ones; of passages shared by many
documents (an outlet's footer, one row per pair of documents), about 70 % of the rows (measured
without ``max_pairs_docs``). Clusters are exact: every occurrence of a common run is found.

Word and shingle identity use 64-bit hashes; the chance of a false match is about ``n**2 / 2**65``
for ``n`` distinct shingles (below 1e-5 for 10 million).
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import polars as pl
from datasketch import MinHash, MinHashLSH

from analysis.core.validate import require_columns, require_ids

#: Column order and types of the ``reuse`` table returned by :func:`find_reuse`.
REUSE_SCHEMA: dict[str, pl.DataType] = {
    "doc_a": pl.String(),  # doc_id of the first side (doc_a < doc_b, or doc_a == doc_b)
    "doc_b": pl.String(),  # doc_id of the second side
    "start_a": pl.Int64(),  # text[start_a:end_a] of doc_a is the passage (character offsets)
    "end_a": pl.Int64(),
    "start_b": pl.Int64(),  # text[start_b:end_b] of doc_b; within one document end_a <= start_b
    "end_b": pl.Int64(),
    "words": pl.Int64(),  # words in the shorter of the two passages
    "similarity": pl.Float64(),  # exact Jaccard similarity of the passages' shingle sets
}

#: Column order and types of the ``reuse_clusters`` table: one row per occurrence of a passage
#: found in more than ``max_pairs_docs`` documents (:func:`find_shared_passages`).
CLUSTERS_SCHEMA: dict[str, pl.DataType] = {
    "cluster": pl.String(),  # id of the passage: 16 hex digits of the SHA-256 of its words
    "passage": pl.String(),  # its text, as in its first occurrence (by doc_id, start)
    "n_docs": pl.Int64(),  # documents with an occurrence in this cluster
    "words": pl.Int64(),  # words of the passage
    "doc_id": pl.String(),  # one occurrence: text[start:end] of doc_id
    "start": pl.Int64(),
    "end": pl.Int64(),
}

#: Default minimum passage length in words. Boilerplate lines have 8-40 ("Click here to get the
#: Fox News app", "If you find an error, please select a piece of text and press Ctrl + Enter."),
#: teasers 15-40; below 8 words shared phrases are mostly idiom ("at the end of the day").
DEFAULT_MIN_WORDS = 8
#: Default shingle length in words: long enough that a shared shingle is rarely chance, short
#: enough that a passage with a changed word every ten words is still anchored.
DEFAULT_SHINGLE = 5
#: Default LSH threshold on the Jaccard similarity of two chunks' sets of shared shingles.
DEFAULT_THRESHOLD = 0.4
#: Default chunk length in shingles (a chunk is at least half and at most four times this).
DEFAULT_CHUNK = 32
#: Default largest gap, in words on either side, bridged between two exact runs of one passage.
DEFAULT_MAX_GAP = 4
#: A shingle occurring more often than this in one document is not used as an alignment anchor
#: there (long repeated tables would otherwise make the matches quadratic).
MAX_OCCURRENCES = 64
#: Default largest number of documents sharing a passage that is still reported pairwise in
#: ``reuse``; a passage in more documents is one cluster in ``reuse_clusters``. 50 documents are
#: 1,225 pairs; an outlet's footer on 5,000 pages would be 12.5 million.
DEFAULT_MAX_PAIRS_DOCS = 50

_Row = tuple[str, str, int, int, int, int, int, float]

_WORD_RE = re.compile(r"\w+")
_U64 = np.uint64
_MASK32 = _U64(0xFFFFFFFF)
# MurmurHash3's 64-bit finaliser constants.
_FMIX1 = _U64(0xFF51AFD7ED558CCD)
_FMIX2 = _U64(0xC4CEB9FE1A85EC53)
_SHIFT = _U64(33)
# Base of the polynomial word hash: odd, so that it is invertible modulo 2**64.
_POLY = 0x100000001B3
_POLY_INV = pow(_POLY, -1, 1 << 64)
_LENGTH_SALT = _U64(0x9E3779B97F4A7C15)
_WEIGHTS_SEED = 20221120
_NO_HASHES = np.zeros(0, dtype=_U64)
_NO_HASHES.setflags(write=False)
_NO_POSITIONS = np.zeros(0, dtype=np.int32)
_NO_POSITIONS.setflags(write=False)


def _fold_char(char: str) -> str:
    """Case-fold one character, keeping it one character (``"ß"`` stays ``"ß"``)."""
    folded = char.casefold()
    if len(folded) == 1:
        return folded
    lowered = char.lower()
    return lowered if len(lowered) == 1 else char


def normalise_words(text: str) -> list[str]:
    """The normalised words of ``text``, on which passages are compared.

    Words are the matches of ``\\w+``, case-folded character by character.

    >>> normalise_words("Tags: , ,  Kazakhstan’s КАЗАХСТАН 2022 Straße")
    ['tags', 'kazakhstan', 's', 'казахстан', '2022', 'straße']
    """
    return ["".join(map(_fold_char, word)) for word in _WORD_RE.findall(text)]


@functools.cache
def _bmp_tables() -> tuple[np.ndarray, np.ndarray]:
    """Per code point below U+10000: is it a word character, and its case-folded code point."""
    chars = [chr(cp) for cp in range(0x10000)]
    is_word = np.fromiter((c.isalnum() or c == "_" for c in chars), dtype=bool, count=len(chars))
    folded = np.fromiter((ord(_fold_char(c)) for c in chars), dtype=_U64, count=len(chars))
    return is_word, folded


def _fmix64(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 64-bit finaliser (a bijection that mixes all bits), element-wise."""
    h = h ^ (h >> _SHIFT)
    h = h * _FMIX1
    h = h ^ (h >> _SHIFT)
    h = h * _FMIX2
    return h ^ (h >> _SHIFT)


def _powers(base: int, n: int) -> np.ndarray:
    """``base**0 .. base**n`` modulo 2**64."""
    out = np.full(n + 1, base, dtype=_U64)
    out[0] = 1
    return np.cumprod(out, dtype=_U64)


@dataclass(frozen=True)
class _Words:
    """Words of one text: character spans and 64-bit hashes of the normalised words."""

    starts: np.ndarray  # offset of each word's first character
    ends: np.ndarray  # offset after each word's last character
    hashes: np.ndarray  # uint64


class _Tokeniser:
    """:func:`normalise_words` with offsets, in numpy; word hashes are polynomial in code points."""

    def __init__(self) -> None:
        self._pow = _powers(_POLY, 0)
        self._inv = _powers(_POLY_INV, 0)

    def __call__(self, text: str) -> _Words:
        cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
        is_word_bmp, folded_bmp = _bmp_tables()
        bmp = cps < 0x10000
        index = np.where(bmp, cps, 0)
        is_word = is_word_bmp[index]
        folded = folded_bmp[index]
        if not bmp.all():
            astral = np.flatnonzero(~bmp)
            values, inverse = np.unique(cps[astral], return_inverse=True)
            chars = [chr(int(cp)) for cp in values]
            is_word[astral] = np.array([c.isalnum() for c in chars], dtype=bool)[inverse]
            folded[astral] = np.array([ord(_fold_char(c)) for c in chars], dtype=_U64)[inverse]
        edges = np.diff(np.concatenate(([0], is_word.astype(np.int8), [0])))
        # int32 offsets halve the memory of large corpora (texts are far below 2**31 characters).
        offset = np.int32 if len(cps) < 2**31 else np.int64
        starts = np.flatnonzero(edges == 1).astype(offset)
        ends = np.flatnonzero(edges == -1).astype(offset)
        if not len(starts):
            return _Words(starts, ends, _NO_HASHES)
        n = len(cps)
        if len(self._pow) <= n:
            size = max(n, 2 * len(self._pow))
            self._pow, self._inv = _powers(_POLY, size), _powers(_POLY_INV, size)
        # prefix[i] = sum_{j<i} c_j * P**-j, so (prefix[e] - prefix[s]) * P**(e-1) is the
        # polynomial hash sum_{s<=j<e} c_j * P**(e-1-j) of the word at [s, e), modulo 2**64.
        prefix = np.zeros(n + 1, dtype=_U64)
        np.cumsum(folded * self._inv[:n], dtype=_U64, out=prefix[1:])
        poly = (prefix[ends] - prefix[starts]) * self._pow[ends - 1]
        lengths = (ends - starts).astype(_U64)
        return _Words(starts, ends, _fmix64(poly ^ (lengths * _LENGTH_SALT)))


@functools.cache
def _shingle_weights(shingle: int) -> np.ndarray:
    rng = np.random.default_rng(_WEIGHTS_SEED)
    return rng.integers(0, 1 << 64, size=shingle, dtype=_U64) | _U64(1)


def _shingles(word_hashes: np.ndarray, shingle: int) -> np.ndarray:
    """64-bit hash of every run of ``shingle`` consecutive words (order-sensitive)."""
    m = len(word_hashes) - shingle + 1
    if m <= 0:
        return _NO_HASHES
    acc = np.zeros(m, dtype=_U64)
    for t, weight in enumerate(_shingle_weights(shingle)):
        acc += word_hashes[t : t + m] * weight
    return _fmix64(acc)


@dataclass(frozen=True)
class _Doc:
    """One document ready for matching: word offsets, shingle hashes, its shared shingles."""

    doc_id: str
    starts: np.ndarray  # character offset of each word's first character
    ends: np.ndarray  # character offset after each word's last character
    shingles: np.ndarray  # uint64 hash of the shingle starting at each word
    shared_val: np.ndarray  # sorted hashes of its shingles that occur in another document too
    shared_pos: np.ndarray  # their positions (word indices), in the same order
    repeats: bool  # some shingle occurs twice in this document
    # Positions (ascending) of its shingles found in more than ``max_pairs_docs`` documents, in
    # runs long enough to hold a passage: not in shared_val/shared_pos, reported as clusters.
    common_pos: np.ndarray


def _in_sorted(values: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Element-wise: is each of ``values`` in the sorted array ``table``."""
    found = np.searchsorted(table, values)
    inside = found < len(table)
    inside[inside] = table[found[inside]] == values[inside]
    return inside


def _long_runs(positions: np.ndarray, length: int) -> np.ndarray:
    """Which of the ascending ``positions`` lie in a run of at least ``length`` consecutive ones."""
    starts = np.flatnonzero(np.concatenate(([True], np.diff(positions) != 1)))
    sizes = np.diff(np.append(starts, len(positions)))
    return np.repeat(sizes >= length, sizes)


def _prepare(
    docs: pl.DataFrame,
    shingle: int,
    max_pairs_docs: int | None = None,
    min_words: int = DEFAULT_MIN_WORDS,
) -> list[_Doc]:
    """Tokenise and shingle every document, and find the shingles that occur in two documents.

    With ``max_pairs_docs``, shingles found in more documents than that are common. Runs of
    consecutive common shingles spanning at least ``min_words`` words are set apart
    (:attr:`_Doc.common_pos`): they make clusters, not pairs. Shorter runs cannot be a passage on
    their own and stay shared (they can be the common end of a rarer passage); the candidate
    pairs they would make in bulk are cut off by :func:`_band_collisions`.
    """
    require_columns(docs, ("doc_id", "text"), who="reuse", name="docs")
    require_ids(docs, who="reuse", name="docs")
    ids = docs.get_column("doc_id").cast(pl.String)
    if docs.height == 0:
        return []
    tokenise = _Tokeniser()
    spans: list[tuple[np.ndarray, np.ndarray]] = []
    shingles: list[np.ndarray] = []
    orders: list[np.ndarray] = []
    distinct: list[int] = []
    every: list[np.ndarray] = []
    for text in docs.get_column("text").cast(pl.String).to_list():
        words = tokenise(text or "")
        hashes = _shingles(words.hashes, shingle)
        order = np.argsort(hashes, kind="stable").astype(np.int32)
        ordered = hashes[order]
        first = np.ones(len(ordered), dtype=bool)
        first[1:] = ordered[1:] != ordered[:-1]
        unique = ordered[first]
        spans.append((words.starts, words.ends))
        shingles.append(hashes)
        orders.append(order)
        distinct.append(len(unique))
        every.append(unique)
    # Distinct shingles of all documents, pooled: how often a value is seen is the number of
    # documents it occurs in (its document frequency).
    pooled = np.concatenate(every)
    del every
    pooled.sort()
    firsts = np.flatnonzero(np.concatenate((pooled[:1] == pooled[:1], pooled[1:] != pooled[:-1])))
    doc_freq = np.diff(np.append(firsts, len(pooled)))
    values = pooled[firsts]
    del pooled, firsts
    in_two = values[doc_freq >= 2]
    common = values[doc_freq > max_pairs_docs] if max_pairs_docs is not None else _NO_HASHES
    del values, doc_freq
    prepared = []
    for doc_id, (starts, ends), hashes, order, n_distinct in zip(
        ids.to_list(), spans, shingles, orders, distinct, strict=True
    ):
        ordered = hashes[order]
        shared = _in_sorted(ordered, in_two)
        common_pos = _NO_POSITIONS
        if len(common) and shared.any():
            is_common = _in_sorted(ordered, common)
            if is_common.any():
                positions = np.sort(order[is_common])
                common_pos = positions[_long_runs(positions, min_words - shingle + 1)]
                if len(common_pos):
                    clustered = np.zeros(len(hashes), dtype=bool)
                    clustered[common_pos] = True
                    shared &= ~clustered[order]
        prepared.append(
            _Doc(
                doc_id=doc_id,
                starts=starts,
                ends=ends,
                shingles=hashes,
                shared_val=ordered[shared],
                shared_pos=order[shared],
                repeats=n_distinct < len(hashes),
                common_pos=common_pos,
            )
        )
    return prepared


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


def _matches(
    val_a: np.ndarray, pos_a: np.ndarray, val_b: np.ndarray, pos_b: np.ndarray, same: bool
) -> tuple[np.ndarray, np.ndarray]:
    """All position pairs ``(i, j)`` of equal shingles; ``val_b`` is sorted, ``pos_b`` aligned.

    Within one document (``same``) only ``i < j``. Values occurring more than
    :data:`MAX_OCCURRENCES` times in ``b`` are skipped.
    """
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
    ``j - i``) at consecutive ``i`` form one run.
    """
    # One sort key for (diagonal, i): consecutive matches of a run differ by exactly 1.
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


def _clusters(docs: Sequence[_Doc], texts: Sequence[str | None], *, shingle: int) -> pl.DataFrame:
    """The ``reuse_clusters`` table from the common shingles of every document.

    An occurrence is a run of consecutive common shingles in one document (:attr:`_Doc.common_pos`
    holds only runs long enough); occurrences with the same shingles, hence the same normalised
    words, are one cluster. Linear in the number of common-shingle positions, plus one sort of
    the occurrences: no pair of documents is ever formed.
    """
    rows = []
    for index, doc in enumerate(docs):
        pos = doc.common_pos
        if not len(pos):
            continue
        breaks = np.flatnonzero(np.diff(pos) != 1) + 1
        for run in np.split(pos, breaks):
            first, last = int(run[0]), int(run[-1])
            rows.append(
                (
                    doc.shingles[first : last + 1].tobytes(),
                    doc.doc_id,
                    int(doc.starts[first]),
                    int(doc.ends[last + shingle - 1]),
                    last - first + shingle,
                    index,
                )
            )
    if not rows:
        return pl.DataFrame(schema=CLUSTERS_SCHEMA)
    occurrences = pl.DataFrame(
        rows,
        schema={
            "sequence": pl.Binary,
            "doc_id": pl.String,
            "start": pl.Int64,
            "end": pl.Int64,
            "words": pl.Int64,
            "doc_index": pl.Int64,
        },
        orient="row",
    ).sort("sequence", "doc_id", "start")
    # One row per passage: its first occurrence (by doc_id, start) and its number of documents.
    passages_ = (
        occurrences.group_by("sequence")
        .agg(
            pl.col("doc_index").first(),
            pl.col("start").first(),
            pl.col("end").first(),
            pl.col("doc_id").n_unique().cast(pl.Int64).alias("n_docs"),
        )
        .sort("sequence")
    )
    cluster, passage = [], []
    for doc_index, start, end in passages_.select("doc_index", "start", "end").iter_rows():
        text = (texts[doc_index] or "")[start:end]
        digest = hashlib.sha256(" ".join(normalise_words(text)).encode("utf-8")).hexdigest()
        cluster.append(digest[:16])
        passage.append(text)
    per_passage = passages_.select(
        "sequence",
        "n_docs",
        pl.Series("cluster", cluster, dtype=pl.String),
        pl.Series("passage", passage, dtype=pl.String),
    )
    return (
        occurrences.join(per_passage, on="sequence", how="left")
        .select(list(CLUSTERS_SCHEMA))
        .cast(CLUSTERS_SCHEMA)
        .sort("cluster", "doc_id", "start")
    )


def find_reuse(
    docs: pl.DataFrame,
    *,
    min_words: int = DEFAULT_MIN_WORDS,
    shingle: int = DEFAULT_SHINGLE,
    threshold: float = DEFAULT_THRESHOLD,
    num_perm: int = 128,
    seed: int = 1,
    chunk: int = DEFAULT_CHUNK,
    max_gap: int = DEFAULT_MAX_GAP,
    max_pairs_docs: int | None = DEFAULT_MAX_PAIRS_DOCS,
) -> pl.DataFrame:
    """Find passages shared within and across documents: the ``reuse`` table.

    Word shingles; MinHash LSH over content-defined chunks for candidate document pairs; exact
    alignment of the shared shingle runs of candidates, across small gaps (see the module
    docstring for details and measured recall). Passages found in more than ``max_pairs_docs``
    documents are not paired: :func:`find_shared_passages` returns them as clusters.

    Parameters
    ----------
    docs
        A frame with at least ``doc_id`` (unique, not null) and ``text`` (null reads as empty).
    min_words
        Shortest passage reported, in words on each side (at least ``shingle``).
    shingle
        Words per shingle. A passage is anchored by at least one identical run of this many
        words; changed words closer together than this break the anchoring.
    threshold
        LSH threshold: two chunks whose sets of shared shingles have a higher Jaccard similarity
        most likely make their documents a candidate pair. Lower finds more short passages, at
        the cost of aligning more pairs.
    num_perm
        MinHash permutations.
    seed
        MinHash seed; results are deterministic for given parameters.
    chunk
        Typical chunk length in shingles. A passage copied verbatim across documents is found
        for certain once it spans a whole chunk in both copies, and mostly when shorter.
    max_gap
        Most unmatched words, on either side, between two exact runs of one passage.
    max_pairs_docs
        Shingles found in more documents than this (at least 2) anchor no pair across
        documents: a passage shared by that many documents is one cluster, not ``n**2 / 2``
        rows (see :func:`find_shared_passages`). ``None`` pairs every passage, however common.

    Returns
    -------
    polars.DataFrame
        One row per shared passage, with :data:`REUSE_SCHEMA`, sorted by ``doc_a, doc_b,
        start_a, start_b`` (then ``end_a, end_b``); empty with that schema when nothing is shared.
        Across documents ``doc_a < doc_b``. Within one document ``doc_a == doc_b`` and
        ``end_a <= start_b``. ``similarity`` is the exact Jaccard similarity of the two
        passages' sets of ``shingle``-word shingles; ``words`` counts the shorter side.

    Examples
    --------
    A wire story, republished under another header, and teased again at the end of the first
    document:

    >>> import polars as pl
    >>> lead = "Early presidential elections will be held in Kazakhstan on Sunday, officials said."
    >>> docs = pl.DataFrame({
    ...     "doc_id": ["a", "b"],
    ...     "text": [lead + " Turnout was high. " + lead[:55] + "...", "ASTANA (wire) - " + lead],
    ... })
    >>> reuse = find_reuse(docs)
    >>> reuse.select("doc_a", "doc_b", "start_a", "end_a", "start_b", "end_b", "words")
    shape: (3, 7)
    ┌───────┬───────┬─────────┬───────┬─────────┬───────┬───────┐
    │ doc_a ┆ doc_b ┆ start_a ┆ end_a ┆ start_b ┆ end_b ┆ words │
    │ ---   ┆ ---   ┆ ---     ┆ ---   ┆ ---     ┆ ---   ┆ ---   │
    │ str   ┆ str   ┆ i64     ┆ i64   ┆ i64     ┆ i64   ┆ i64   │
    ╞═══════╪═══════╪═════════╪═══════╪═════════╪═══════╪═══════╡
    │ a     ┆ a     ┆ 0       ┆ 55    ┆ 101     ┆ 156   ┆ 8     │
    │ a     ┆ b     ┆ 0       ┆ 81    ┆ 16      ┆ 97    ┆ 12    │
    │ a     ┆ b     ┆ 101     ┆ 156   ┆ 16      ┆ 71    ┆ 8     │
    └───────┴───────┴─────────┴───────┴─────────┴───────┴───────┘
    >>> text = docs["text"][0]
    >>> text[0:55], text[101:156] == text[0:55] == docs["text"][1][16:71]
    ('Early presidential elections will be held in Kazakhstan', True)
    >>> reuse["similarity"].to_list()
    [1.0, 1.0, 1.0]
    """
    return find_shared_passages(
        docs,
        min_words=min_words,
        shingle=shingle,
        threshold=threshold,
        num_perm=num_perm,
        seed=seed,
        chunk=chunk,
        max_gap=max_gap,
        max_pairs_docs=max_pairs_docs,
        clusters=False,
    ).reuse


class SharedPassages(NamedTuple):
    """What :func:`find_shared_passages` returns: the ``reuse`` and ``reuse_clusters`` tables."""

    reuse: pl.DataFrame  # pairs of spans (:data:`REUSE_SCHEMA`)
    clusters: pl.DataFrame  # occurrences of passages in many documents (:data:`CLUSTERS_SCHEMA`)


def find_shared_passages(
    docs: pl.DataFrame,
    *,
    min_words: int = DEFAULT_MIN_WORDS,
    shingle: int = DEFAULT_SHINGLE,
    threshold: float = DEFAULT_THRESHOLD,
    num_perm: int = 128,
    seed: int = 1,
    chunk: int = DEFAULT_CHUNK,
    max_gap: int = DEFAULT_MAX_GAP,
    max_pairs_docs: int | None = DEFAULT_MAX_PAIRS_DOCS,
    clusters: bool = True,
) -> SharedPassages:
    """The ``reuse`` table (:func:`find_reuse`) and the ``reuse_clusters`` table.

    A shingle found in more than ``max_pairs_docs`` documents (an outlet's subscription footer,
    a wire credit line) is *common*. A run of consecutive common shingles in one document that
    spans at least ``min_words`` words is reported once, as an occurrence in ``clusters``
    (:data:`CLUSTERS_SCHEMA`), and anchors no pair across documents; occurrences with the same
    words (normalised, :func:`normalise_words`) are one cluster. Rows, time and memory then grow
    with the number of occurrences, not with its square. When no shingle is that common,
    ``reuse`` is exactly what ``max_pairs_docs=None`` gives (every passage pairwise).

    What to expect. A footer that documents write in variants (another year, a word more or
    less, a common word before it) gives one cluster per variant whose every shingle is common;
    a variant found in few documents is still a cluster (``n_docs`` is then ``max_pairs_docs``
    or fewer: its shingles are common, its whole word sequence is not). The parts of a passage
    that at most ``max_pairs_docs`` documents share stay pairwise in ``reuse``, so a rarer
    passage next to a common one is reported in ``reuse`` without the common part, or across it
    when that part is shorter than ``min_words``. Such short common runs are no cluster; an LSH
    bucket they fill with more than ``max_pairs_docs`` documents makes no candidate pair, so a
    passage that is mostly such text (``"Jane Doe and The Associated Press contributed to this
    report"``, the last seven words common) is found somewhat less often. Repeats within one
    document stay in ``reuse``. Rows of ``reuse`` for two documents that have no common shingle
    are the same as without the limit.

    ``cluster`` is the first 16 hex digits of the SHA-256 of the passage's normalised words
    joined by spaces: the same passage has the same id in every run and corpus. ``passage`` is
    the text of its first occurrence (by ``doc_id``, then ``start``); the other occurrences have
    the same words and may differ in case, punctuation and spacing.

    ``clusters=False`` skips building that table (it is then empty). Other parameters: see
    :func:`find_reuse`.

    >>> footer = "Subscribe to our channel on Telegram for the latest news from Astana and Almaty"
    >>> docs = pl.DataFrame({
    ...     "doc_id": [f"d{n}" for n in range(4)],
    ...     "text": [f"Report filed on day {n}. {footer}." for n in range(4)],
    ... })
    >>> found = find_shared_passages(docs, max_pairs_docs=3)
    >>> found.reuse.height
    0
    >>> found.clusters.select("doc_id", "start", "end", "n_docs", "words").rows()
    [('d0', 23, 102, 4, 14), ('d1', 23, 102, 4, 14), ('d2', 23, 102, 4, 14), ('d3', 23, 102, 4, 14)]
    >>> found.clusters["passage"][0] == footer == docs["text"][3][23:102]
    True
    >>> find_shared_passages(docs, max_pairs_docs=4).reuse.height  # 4 documents: 6 pairs
    6
    """
    if min_words < 1 or shingle < 1 or num_perm < 2 or chunk < 2 or max_gap < 0:
        raise ValueError(
            "need min_words >= 1, shingle >= 1, num_perm >= 2, chunk >= 2 and max_gap >= 0"
        )
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}")
    if max_pairs_docs is not None and (
        isinstance(max_pairs_docs, bool)
        or not isinstance(max_pairs_docs, int | np.integer)
        or max_pairs_docs < 2
    ):
        raise ValueError(f"max_pairs_docs must be an integer >= 2 or None, got {max_pairs_docs!r}")
    min_words = max(min_words, shingle)
    limit = None if max_pairs_docs is None else int(max_pairs_docs)
    prepared = _prepare(docs, shingle, limit, min_words)
    pairs = _candidate_pairs(
        prepared,
        chunk=chunk,
        min_shared=min_words - shingle + 1,
        threshold=threshold,
        num_perm=num_perm,
        seed=seed,
        max_docs=limit,
    )
    rows = _reuse_rows(prepared, pairs, min_words=min_words, shingle=shingle, max_gap=max_gap)
    if not clusters:
        return SharedPassages(_table(rows), pl.DataFrame(schema=CLUSTERS_SCHEMA))
    texts = docs.get_column("text").cast(pl.String).to_list() if prepared else []
    return SharedPassages(_table(rows), _clusters(prepared, texts, shingle=shingle))


def passages(reuse: pl.DataFrame, docs: pl.DataFrame, segments: pl.DataFrame) -> pl.DataFrame:
    """The ``reuse`` table for reading: sources, where each side lies, and the passage itself.

    ``where_a``/``where_b`` is ``body`` when the passage starts in an article paragraph, else the
    boilerplate reason of the segment it starts in (shared furniture of one outlet, teasers).
    """
    text = dict(zip(docs["doc_id"], docs["text"], strict=True))
    source = dict(zip(docs["doc_id"], docs["source"], strict=True))
    seg = segments.sort("doc_id", "start")
    by_doc: dict[str, list[tuple[int, int, str]]] = {}
    for doc_id, start, end, label, reason in seg.select(
        "doc_id", "start", "end", "label", "reason"
    ).iter_rows():
        by_doc.setdefault(doc_id, []).append(
            (start, end, "body" if label == "body" else (reason or label))
        )

    # The first segment (in that order) holding ``pos``, found by bisection rather than by a
    # scan of every segment of the document for every row (rows x segments for a long one).
    starts: dict[str, list[int]] = {}
    reach: dict[str, list[int]] = {}  # the furthest end among the document's segments [: i + 1]
    for doc_id, segs in by_doc.items():
        starts[doc_id] = [s for s, _, _ in segs]
        reach[doc_id] = list(itertools.accumulate((e for _, e, _ in segs), max))

    def where(doc_id: str, pos: int) -> str | None:
        if doc_id not in by_doc:
            return None
        n = bisect.bisect_right(starts[doc_id], pos)  # segments starting at or before pos
        i = bisect.bisect_right(reach[doc_id], pos, 0, n)  # the first of them ending after it
        return by_doc[doc_id][i][2] if i < n else None

    rows = [
        (
            source[a],
            source[b],
            words,
            similarity,
            where(a, sa),
            where(b, sb),
            _shorten(text[a][sa:ea], 120),
        )
        for a, b, sa, ea, sb, words, similarity in reuse.select(
            "doc_a", "doc_b", "start_a", "end_a", "start_b", "words", "similarity"
        ).iter_rows()
    ]
    schema = {
        "source_a": pl.String(),
        "source_b": pl.String(),
        "words": pl.Int64(),
        "similarity": pl.Float64(),
        "where_a": pl.String(),
        "where_b": pl.String(),
        "passage": pl.String(),
    }
    return pl.DataFrame(rows, schema=schema, orient="row").sort(
        ["words", "source_a", "source_b"], descending=[True, False, False]
    )


def _shorten(passage: str, width: int) -> str:
    flat = " ".join(passage.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"
