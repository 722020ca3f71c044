""""""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence

import numpy as np
import polars as pl

from analysis.metrics import readability
from analysis.metrics.diversity import mattr_batch, mattr_segments, mtld_batch, mtld_segments
from analysis.metrics.readability import FORMULA_COUNTS, formula

__all__ = ["CHUNK_ELEMENTS", "SentenceDoc", "quantiles", "sentence_interval"]

#: Largest number of elements in a temporary array of the sentence-block bootstrap: replicates
#: are drawn and scored in chunks of lanes, so memory does not grow with n_boot x sentences.
CHUNK_ELEMENTS = 1 << 22


class SentenceDoc:
    """One document's sentences for the sentence-block bootstrap (token data built lazily)."""

    def __init__(self, cs: np.ndarray, names: list[str], texts: list[str] | None) -> None:
        self.cs = cs  # (m + 1, k) cumulative counts, row 0 zeros
        self.names = names
        self.texts = texts
        self.m = cs.shape[0] - 1
        self._tokens: tuple[np.ndarray, np.ndarray] | None = None
        self._linsear: tuple[np.ndarray, np.ndarray] | None = None

    def tokens(self) -> tuple[np.ndarray, np.ndarray]:
        """lexicalrichness token ids of the sentences in order, and (m + 1) sentence offsets."""
        if self._tokens is None:
            assert self.texts is not None
            vocab: dict[str, int] = {}
            per_sentence = readability.diversity_tokens(self.texts)
            ids = [vocab.setdefault(tok, len(vocab)) for toks in per_sentence for tok in toks]
            lengths = [len(toks) for toks in per_sentence]
            offsets = np.concatenate([[0], np.cumsum(lengths, dtype=np.int64)])
            self._tokens = (np.asarray(ids, dtype=np.int64), offsets)
        return self._tokens

    def linsear_counts(self) -> tuple[np.ndarray, np.ndarray]:
        """Per sentence: tokens and words as Linsear Write walks them (``linsear_word_counts``)."""
        if self._linsear is None:
            assert self.texts is not None
            pairs = [readability.linsear_word_counts(t) for t in self.texts]
            arr = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
            self._linsear = (arr[:, 0], arr[:, 1])
        return self._linsear


def _block_starts(
    m: int, block: int, n_boot: int, rng: np.random.Generator
) -> tuple[np.ndarray, int]:
    """(n_boot, ceil(m / b)) starts of moving blocks of b = min(block, m) sentences, and b."""
    b = min(block, m)
    nb = math.ceil(m / b)
    return rng.integers(0, m - b + 1, size=(n_boot, nb)), b


def _block_chunks(
    m: int, block: int, n_boot: int, rng: np.random.Generator, per_block: int = 1
) -> Iterator[tuple[slice, np.ndarray, int]]:
    """The draws of :func:`_block_starts`, in chunks of replicates of at most
    :data:`CHUNK_ELEMENTS` x ``per_block`` elements: ``(rows, starts, b)``.

    numpy's generator yields the same numbers whether (n_boot, k) integers are drawn at once
    or row chunk by row chunk, so chunking changes no interval.
    """
    nb = math.ceil(m / min(block, m))
    step = max(1, CHUNK_ELEMENTS // max(nb * per_block, 1))
    for r0 in range(0, n_boot, step):
        c = min(step, n_boot - r0)
        starts, b = _block_starts(m, block, c, rng)
        yield slice(r0, r0 + c), starts, b


def _block_sums(
    cs: np.ndarray, block: int, n_boot: int, rng: np.random.Generator, cols: Sequence[int]
) -> np.ndarray:
    """Moving-block resample of one document: ``cs`` is the (m + 1, k) cumulative count table.

    Returns (n_boot, len(cols)) sums, for columns ``cols``, of ceil(m / b) blocks of
    b = min(block, m) consecutive sentences (counts are integers: sums are exact).
    """
    cs = cs[:, list(cols)]
    out = np.empty((n_boot, cs.shape[1]))
    for rows, starts, b in _block_chunks(cs.shape[0] - 1, block, n_boot, rng, cs.shape[1]):
        out[rows] = (cs[starts + b] - cs[starts]).sum(axis=1)
    return out


def quantiles(stats: np.ndarray, level: float) -> tuple[float | None, float | None]:
    """The central ``level`` percentile interval of the finite replicates (None: none finite).

    >>> quantiles(np.array([1.0, 2.0, 3.0, np.nan]), 0.5)
    (1.5, 2.5)
    """
    stats = stats[np.isfinite(stats)]
    if stats.size == 0:
        return None, None
    lo, hi = np.quantile(stats, [(1 - level) / 2, (1 + level) / 2])
    return float(lo), float(hi)


def _diversity_replicates(
    doc: SentenceDoc, metric: str, block: int, n_boot: int, rng: np.random.Generator
) -> np.ndarray:
    """MTLD or MATTR of each replicate: its drawn sentence blocks' tokens, concatenated.

    A block of sentences is one run of tokens, so a replicate is a list of segments of the
    document's token array; nothing of size n_boot x tokens is built.
    """
    ids, off = doc.tokens()
    stats = np.empty(n_boot)
    for rows, starts, b in _block_chunks(doc.m, block, n_boot, rng):
        seg_start, seg_len = off[starts], off[starts + b] - off[starts]
        if metric == "mtld":
            stats[rows] = mtld_segments(ids, seg_start, seg_len, readability.MTLD_THRESHOLD)
        else:
            stats[rows] = mattr_segments(ids, seg_start, seg_len, readability.MATTR_WINDOW)
    return stats


def _linsear_replicates(
    doc: SentenceDoc,
    idx: np.ndarray,
    score: Callable[[Sequence[int]], float],
    memo: dict[tuple[int, ...], float] | None = None,
) -> np.ndarray:
    """Linsear Write of each replicate text (drawn sentences joined by spaces), exactly
    (``score``: :func:`analysis.metrics.readability.linsear_sequence_scorer` of the sentences).

    Only the sentences up to the one that completes more than 100 tokens and 100 words matter
    (textstat reads the first 100 words), so replicates sharing those share one computation
    (``memo``, kept across chunks of replicates).
    """
    tokens, words = doc.linsear_counts()
    done = (np.cumsum(tokens[idx], axis=1) > 100) & (np.cumsum(words[idx], axis=1) >= 100)
    k = np.where(done.any(axis=1), done.argmax(axis=1) + 1, idx.shape[1])
    memo = {} if memo is None else memo
    out = np.empty(idx.shape[0])
    for r, (row, kr) in enumerate(zip(idx.tolist(), k.tolist(), strict=True)):
        key = tuple(row[:kr])
        value = memo.get(key)
        if value is None:
            value = memo[key] = score(key)  # Linsear Write of " ".join(texts[i] for i in key)
        out[r] = value
    return out


def sentence_interval(
    kind: str,
    metric: str,
    part: pl.DataFrame,
    sent_docs: dict[str, SentenceDoc],
    estimate: float,
    block: int,
    n_boot: int,
    rng: np.random.Generator,
    level: float,
) -> tuple[float | None, float | None, str | None]:
    """Sentence-block percentile interval of one small group, shifted onto ``estimate``.

    Returns ``(lo, hi, note)``: ``note`` says why there is no interval, or which replicates
    were undefined and dropped.
    """
    doc_ids = part["doc_id"].to_list()
    docs = [sent_docs[d] for d in doc_ids if sent_docs[d].m >= 1]
    if not docs:
        return None, None, "its documents have no sentences in the sentence table"
    if kind == "rate":
        family = part["family"][0]
        cues = np.zeros(n_boot)
        words = np.zeros(n_boot)
        c_obs = w_obs = 0.0
        for doc in docs:
            cs, names = doc.cs, doc.names
            cols = [names.index("words")]
            if family in names:
                cols.append(names.index(family))
            sums = _block_sums(cs, block, n_boot, rng, cols)
            words += sums[:, 0]
            w_obs += cs[-1, cols[0]]
            if len(cols) > 1:
                cues += sums[:, 1]
                c_obs += cs[-1, cols[1]]
        if w_obs <= 0:
            return None, None, "its sentences have no words"
        with np.errstate(divide="ignore", invalid="ignore"):
            stats = cues / words * 1000.0
        plug_in = c_obs / w_obs * 1000.0
    else:
        per_doc_stats = []
        per_doc_obs = []
        linsear = metric == "linsear_write_formula"
        for doc in docs:
            if metric in FORMULA_COUNTS:
                counts = FORMULA_COUNTS[metric]
                cols = [doc.names.index(f"ts_{c}") for c in counts]
                sums = _block_sums(doc.cs, block, n_boot, rng, cols)
                per_doc_stats.append(formula(metric, dict(zip(counts, sums.T, strict=True))))
                obs = dict(zip(counts, doc.cs[-1, cols], strict=True))
                per_doc_obs.append(float(formula(metric, obs)))
                continue
            if linsear:
                assert doc.texts is not None
                score = readability.linsear_sequence_scorer(doc.texts)
                # The estimate reads the opening 100 words, one sentence-aligned 100-word window;
                # a replicate reads a random one. Centre on the windows' mean, not the opening.
                reps = np.empty(n_boot)
                memo: dict[tuple[int, ...], float] = {}
                for rows, starts, b in _block_chunks(doc.m, block, n_boot, rng, block):
                    idx = (starts[:, :, None] + np.arange(b)).reshape(starts.shape[0], -1)
                    reps[rows] = _linsear_replicates(doc, idx, score, memo)
                per_doc_stats.append(reps)
                per_doc_obs.append(float(reps.mean()))
                continue
            per_doc_stats.append(_diversity_replicates(doc, metric, block, n_boot, rng))
            batch = mtld_batch if metric == "mtld" else mattr_batch
            ids, _ = doc.tokens()
            per_doc_obs.append(float(batch(ids, np.array([0, ids.size]))[0]))
        stats = np.mean(per_doc_stats, axis=0)
        plug_in = float(np.mean(per_doc_obs))
    if not math.isfinite(plug_in):
        why = (
            f" (fewer than {readability.MATTR_WINDOW} tokens in a document's sentences)"
            if metric == "mattr"
            else ""
        )
        return None, None, f"{metric} is undefined on the sentences of its documents{why}"
    lo, hi = quantiles(stats, level)
    if lo is None or hi is None:
        return None, None, f"{metric} is undefined on every sentence-block replicate"
    dropped = int(np.count_nonzero(~np.isfinite(stats)))
    note = f"{dropped} of {n_boot} replicates undefined and dropped" if dropped else None
    shift = estimate - plug_in
    if kind == "rate":  # a rate is never negative; the shift may push a 0 bound a hair off
        return max(lo + shift, 0.0), max(hi + shift, 0.0), note
    return lo + shift, hi + shift, note
