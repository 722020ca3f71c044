"""Words and shingles: the normalised word stream of every document, its hashed shingles and the
shingles shared by two documents."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import polars as pl

from analysis.core.validate import require_columns, require_ids
from analysis.provenance.reuse._schema import DEFAULT_MIN_WORDS

__all__ = [
    "normalise_words",
]

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
        offset: type[np.signedinteger[Any]] = np.int32 if len(cps) < 2**31 else np.int64
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
    # documents it occurs in (its document frequency), read back for each document's values
    # through the sorting permutation (no search of every document's values in a corpus-wide
    # table: that was most of the time on large corpora).
    pooled = np.concatenate(every)
    del every
    by_value = np.argsort(pooled, kind="stable")
    ranked = pooled[by_value]
    del pooled
    firsts = np.flatnonzero(np.concatenate((ranked[:1] == ranked[:1], ranked[1:] != ranked[:-1])))
    del ranked
    doc_freq = np.diff(np.append(firsts, len(by_value))).astype(np.int32)
    del firsts
    freq = np.empty(len(by_value), dtype=np.int32)  # per pooled value: its document frequency
    freq[by_value] = np.repeat(doc_freq, doc_freq)  # a value's run is doc_freq long
    del by_value
    any_common = max_pairs_docs is not None and bool((doc_freq > max_pairs_docs).any())
    del doc_freq
    prepared = []
    offset = 0
    for doc_id, (starts, ends), hashes, order, n_distinct in zip(
        ids.to_list(), spans, shingles, orders, distinct, strict=True
    ):
        ordered = hashes[order]
        first = np.ones(len(ordered), dtype=bool)
        first[1:] = ordered[1:] != ordered[:-1]
        counts = freq[offset : offset + n_distinct][np.cumsum(first) - 1]  # per ordered value
        offset += n_distinct
        shared = counts >= 2
        common_pos = _NO_POSITIONS
        if any_common and shared.any():
            is_common = counts > cast(int, max_pairs_docs)
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
