"""Per-group readability and rhetoric figures with seeded bootstrap intervals: ``group_metrics``.

With one or two documents per outlet a bare mean misleads, so every figure carries a percentile
bootstrap interval (Efron, B. & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*.
Chapman & Hall, ch. 13) and says in ``method`` how it was resampled.

Estimates
---------
Readability metrics (:data:`analysis.metrics.readability.METRICS`, plus ``mtld`` and ``mattr``)
    The mean over the group's documents of the per-document score; documents whose score is null
    (shorter than ``min_words`` in :func:`analysis.metrics.readability.textstat_readability`) do
    not count.
Rhetoric families (metric ``<family>_per_1k``)
    The pooled rate: total cues / total words x 1000 over the group's documents with words (words
    as :func:`analysis.metrics.rhetoric.word_counts`), not a mean of per-document rates.

Intervals
---------
``n_docs >= min_docs``: bootstrap over documents
    Resample the group's documents with replacement ``n_boot`` times, recompute the estimate,
    take the ``(1 - level) / 2`` and ``(1 + level) / 2`` quantiles.
``n_docs < min_docs`` (``small_n``): bootstrap over sentence blocks
    Within each document, draw moving blocks of ``block`` consecutive sentences with replacement
    (``ceil(m / block)`` blocks for ``m`` sentences, which covers the document; moving-block
    bootstrap: Kuensch, H. R. (1989). The jackknife and the bootstrap for general stationary
    observations. *Annals of Statistics* 17(3), 1217-1241), recompute the document's figure on
    the replicate, average over the group's documents, take the percentile interval. This only
    measures within-document sampling noise, not between-document variation, so it is narrower
    than a document bootstrap would be: read ``small_n`` rows as "what these few documents
    say", not as the outlet. It needs :func:`sentence_table` (counts and text per sentence).
    What is recomputed (``method`` says it, row by row):

    * rates: cues and words summed over the drawn sentences, pooled rate recomputed;
    * ``flesch_reading_ease``, ``flesch_kincaid_grade``, ``gunning_fog``, ``smog_index``,
      ``coleman_liau_index``, ``automated_readability_index``,
      ``dale_chall_readability_score`` (:data:`COUNT_FORMULAS`): all are functions of counts
      that add over words (:data:`FORMULA_COUNTS`: textstat's words, sentences, syllables,
      letters, polysyllables, not-easy words, not-easy words of three or more syllables,
      non-space characters, raw tokens). The per-sentence counts are summed over the drawn
      sentences and :func:`formula`, textstat's expression with its 0-when-undefined
      conventions and Dale-Chall's +3.6365 step, is applied per document. On a document's own
      counts :func:`formula` returns exactly the score of
      :func:`analysis.metrics.readability.textstat_readability` (tested on the seeds);
    * ``mtld``, ``mattr`` (:data:`ORDER_METRICS`): depend on word order. Each sentence is
      tokenised once as lexicalrichness tokenises
      (:func:`analysis.metrics.readability.diversity_tokens`;
      tokenisation is local, so a replicate's tokens are the drawn sentences' tokens
      concatenated, exactly lexicalrichness's tokens of the drawn sentences joined by spaces),
      and MTLD (threshold ``MTLD_THRESHOLD``, forward and backward passes, partial factors) and
      MATTR (window ``MATTR_WINDOW``) are recomputed on every replicate by :func:`mtld_batch`
      and :func:`mattr_batch`, vectorised re-implementations tested equal to lexicalrichness
      0.5.1 to 1e-9. A replicate shorter than the MATTR window is undefined and dropped
      (``method`` then counts the dropped replicates); a document whose sentences hold fewer
      tokens than the window has no MATTR plug-in and the row no interval (``method`` says so);
    * ``linsear_write_formula``: textstat's Linsear Write on the drawn sentences joined by
      spaces (exactly, :func:`analysis.metrics.readability.linsear_scorer`; only the sentences up to
      the 100th word matter, so equal openings are computed once). A replicate reads a random
      sentence-aligned 100-word window while the estimate reads the opening 100 words, so its
      interval is shifted by ``estimate - mean of the replicates`` (the spread of Linsear over
      100-word windows, around the estimate).

    The recomputed figure on the unresampled sentences (the plug-in) need not equal the
    estimate: per-sentence counts do not add up exactly to the document counts (textstat counts
    the whole body; sentences are the body spans of
    :func:`analysis.metrics.rhetoric.sentence_spans`),
    and the sentences joined by spaces may tokenise differently from the body at their seams.
    So the percentile interval is shifted by ``estimate - plug-in``: the interval is centred on
    the reported estimate. (On the seeds the tokens, hence MTLD, MATTR and Linsear plug-ins,
    equal the body's.) Small groups without a sentence table get null intervals, as do metrics
    whose sentence-table columns are missing (an older table) and metrics that are neither rates
    nor readability metrics; ``method`` says which.

Rows with no contributing document (every score null, or no words) are dropped. Documents whose
group is null are ignored. Results are deterministic for a given ``seed``: one
``numpy.random.default_rng(seed)`` is drawn from in (group, metric) order.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

import numpy as np
import polars as pl

from analysis.compare.groups import checked
from analysis.metrics import readability, rhetoric
from analysis.metrics._diversity import mattr_segments, mtld_segments

#: One row per (group, metric), sorted by group then metric.
GROUP_METRICS_SCHEMA: dict[str, pl.DataType] = {
    "group": pl.String(),
    "metric": pl.String(),
    "n_docs": pl.Int64(),
    "n_words": pl.Int64(),
    "estimate": pl.Float64(),
    "ci_low": pl.Float64(),
    "ci_high": pl.Float64(),
    "method": pl.String(),
    "small_n": pl.Boolean(),
}

#: Long per-document input of :func:`group_metrics` (:func:`per_doc_table` builds it). ``kind``
#: is ``"mean"`` (estimate = mean of ``value``) or ``"rate"`` (estimate = sum of ``count`` /
#: sum of ``words`` x 1000); ``family`` names the rhetoric family of a rate.
PER_DOC_SCHEMA: dict[str, pl.DataType] = {
    "doc_id": pl.String(),
    "metric": pl.String(),
    "kind": pl.String(),
    "family": pl.String(),
    "value": pl.Float64(),
    "count": pl.Int64(),
    "words": pl.Int64(),
}

#: Per-sentence counts for the sentence-block bootstrap (:func:`sentence_table`): ``words`` as
#: :func:`analysis.metrics.rhetoric.word_counts`, ``ts_*`` as textstat counts them on the sentence
#: (:data:`analysis.metrics.readability.TEXT_COUNTS`), ``text`` the sentence itself (for the
#: order-dependent metrics).
SENTENCE_SCHEMA: dict[str, pl.DataType] = {
    "doc_id": pl.String(),
    "sentence_no": pl.Int64(),
    "words": pl.Int64(),
    "ts_words": pl.Int64(),
    "ts_sentences": pl.Int64(),
    "ts_syllables": pl.Int64(),
    "ts_letters": pl.Int64(),
    "ts_polysyllables": pl.Int64(),
    "ts_hard": pl.Int64(),
    "ts_hard3": pl.Int64(),
    "ts_chars": pl.Int64(),
    "ts_raw_words": pl.Int64(),
    "text": pl.String(),
}

READABILITY_METRICS: tuple[str, ...] = (*readability.METRICS, *readability.DIVERSITY)

#: Readability metric -> the :data:`analysis.metrics.readability.TEXT_COUNTS` its textstat formula
#: uses.
FORMULA_COUNTS: dict[str, tuple[str, ...]] = {
    "flesch_reading_ease": ("words", "sentences", "syllables"),
    "flesch_kincaid_grade": ("words", "sentences", "syllables"),
    "gunning_fog": ("words", "sentences", "hard3"),
    "smog_index": ("sentences", "polysyllables"),
    "coleman_liau_index": ("words", "sentences", "letters"),
    "automated_readability_index": ("words", "sentences", "chars", "raw_words"),
    "dale_chall_readability_score": ("words", "sentences", "hard"),
}

#: Readability metrics that are a function of additive counts (recomputed from block sums).
COUNT_FORMULAS: tuple[str, ...] = tuple(FORMULA_COUNTS)

#: Readability metrics that depend on word order (recomputed on the resampled text).
ORDER_METRICS: tuple[str, ...] = ("linsear_write_formula", "mtld", "mattr")

RATE_SUFFIX = "_per_1k"


def _div0(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a / b`` elementwise, 0.0 where ``b`` is 0 (textstat's ``_ratio``)."""
    a, b = np.broadcast_arrays(np.asarray(a, dtype=float), np.asarray(b, dtype=float))
    return np.divide(a, b, out=np.zeros(a.shape), where=b != 0)


def formula(metric: str, counts: Mapping[str, np.ndarray | float]) -> np.ndarray:
    """textstat 0.7.13's score ``metric`` from :data:`analysis.metrics.readability.TEXT_COUNTS`.

    The expressions of :func:`analysis.metrics.readability.textstat_readability` operation for
    operation, vectorised, with textstat's 0.0 where a denominator is 0; on a document's own
    counts (:func:`analysis.metrics.readability.text_counts`) it returns the document's score.

    Examples
    --------
    >>> text = "The cat sat on the mat. It was happy."
    >>> c = readability.text_counts([text])
    >>> score = formula("flesch_reading_ease", {k: c[k].to_numpy() for k in c.columns})
    >>> bodies = pl.DataFrame({"doc_id": ["a"], "body": [text]})
    >>> bool(score[0] == readability.textstat_readability(bodies)["flesch_reading_ease"][0])
    True
    """
    if metric not in FORMULA_COUNTS:
        raise ValueError(f"no count formula for {metric!r}")
    x = {k: np.asarray(counts[k], dtype=float) for k in FORMULA_COUNTS[metric]}
    with np.errstate(divide="ignore", invalid="ignore"):
        if metric == "smog_index":
            s = x["sentences"]
            score = (1.043 * np.power(30 * _div0(x["polysyllables"], s), 0.5)) + 3.1291
            return np.where(s != 0, score, 0.0)
        w, s = x["words"], x["sentences"]
        wps = _div0(w, s)
        if metric in ("flesch_reading_ease", "flesch_kincaid_grade"):
            spw = _div0(x["syllables"], w)
            if metric == "flesch_reading_ease":
                score = 206.835 - 1.015 * wps - 84.6 * spw
            else:
                score = (0.39 * wps) + (11.8 * spw) - 15.59
            return np.where((wps == 0) | (spw == 0), 0.0, score)
        if metric == "gunning_fog":
            return np.where(w != 0, 0.4 * (wps + _div0(100 * x["hard3"], w)), 0.0)
        if metric == "coleman_liau_index":
            letters = _div0(x["letters"], w) * 100
            sentences = _div0(s, w) * 100
            score = (0.058 * letters) - (0.296 * sentences) - 15.8
            return np.where((letters == 0) | (sentences == 0), 0.0, score)
        if metric == "automated_readability_index":
            cpw = _div0(x["chars"], x["raw_words"])
            score = (4.71 * cpw) + (0.5 * wps) - 21.43
            return np.where((cpw == 0) | (wps == 0), 0.0, score)
        per_hard = _div0(100 * x["hard"], w)  # dale_chall_readability_score
        score = (0.1579 * per_hard) + (0.0496 * wps)
        score = np.where(per_hard > 5, score + 3.6365, score)
        return np.where(w != 0, score, 0.0)


# --- MTLD and MATTR on integer token sequences (lexicalrichness 0.5.1's definitions) -----------

#: Largest number of elements in a temporary array of the sentence-block bootstrap: replicates
#: are drawn and scored in chunks of lanes, so memory does not grow with n_boot x sentences.
CHUNK_ELEMENTS = 1 << 22


def _one_segment_each(offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    offsets = np.asarray(offsets, dtype=np.int64)
    return offsets[:-1, None], np.diff(offsets)[:, None]


def mattr_batch(ids: np.ndarray, offsets: np.ndarray, window: int = readability.MATTR_WINDOW):
    """lexicalrichness's ``mattr(window_size=window)`` of each sequence (nan if shorter).

    ``ids`` concatenates the sequences (integer token ids >= 0), ``offsets`` (n + 1) bounds
    them. Compiled (:func:`analysis.metrics._diversity.mattr_segments`): O(total length) time.

    Examples
    --------
    >>> ids, offsets = np.array([0, 1, 0, 2, 5, 5, 3]), np.array([0, 4, 6, 7])
    >>> mattr_batch(ids, offsets, window=2).tolist()  # (2/2 + 2/2 + 2/2) / 3, 1/2, too short
    [1.0, 0.5, nan]
    """
    return mattr_segments(ids, *_one_segment_each(offsets), window)


def mtld_batch(
    ids: np.ndarray, offsets: np.ndarray, threshold: float = readability.MTLD_THRESHOLD
) -> np.ndarray:
    """lexicalrichness's ``mtld(threshold=threshold)`` of each sequence (nan if empty).

    The forward and backward passes with partial factors
    (:func:`analysis.metrics._diversity.mtld_segments`, compiled): O(total length) time.

    Examples
    --------
    >>> mtld_batch(np.array([0, 1, 0, 1, 2, 3]), np.array([0, 4, 6, 6])).round(6).tolist()
    [4.0, 2.0, nan]
    """
    return mtld_segments(ids, *_one_segment_each(offsets), threshold)


def per_doc_table(
    readability_table: pl.DataFrame, rhetoric_table: pl.DataFrame, words: pl.DataFrame
) -> pl.DataFrame:
    """Long per-document input (:data:`PER_DOC_SCHEMA`) from the project's tables.

    Parameters
    ----------
    readability_table
        :func:`analysis.metrics.readability.textstat_readability` output.
    rhetoric_table
        :func:`analysis.metrics.rhetoric.rhetoric_counts` output (``doc_id``, ``family``,
        ``count``).
    words
        :func:`analysis.metrics.rhetoric.word_counts` of the same bodies.

    Examples
    --------
    >>> scores = {m: [1.0] for m in READABILITY_METRICS}
    >>> r = pl.DataFrame({"doc_id": ["a"], "words": [10], **scores})
    >>> rh = pl.DataFrame({"doc_id": ["a"], "family": ["loaded"], "count": [2]})
    >>> t = per_doc_table(r, rh, pl.DataFrame({"doc_id": ["a"], "words": [8]}))
    >>> t.filter(pl.col("kind") == "rate").rows()
    [('a', 'loaded_per_1k', 'rate', 'loaded', None, 2, 8)]
    """
    read = readability_table.select(
        pl.col("doc_id").cast(pl.String),
        pl.col("words").cast(pl.Int64),
        *[pl.col(m).cast(pl.Float64) for m in READABILITY_METRICS],
    ).unpivot(index=["doc_id", "words"], variable_name="metric", value_name="value")
    read = read.with_columns(
        kind=pl.lit("mean"), family=pl.lit(None, pl.String), count=pl.lit(None, pl.Int64)
    )
    rates = (
        rhetoric_table.select(
            pl.col("doc_id").cast(pl.String), pl.col("family"), pl.col("count").cast(pl.Int64)
        )
        .join(words.select(pl.col("doc_id").cast(pl.String), "words"), on="doc_id", how="left")
        .with_columns(
            metric=pl.col("family") + RATE_SUFFIX,
            kind=pl.lit("rate"),
            value=pl.lit(None, pl.Float64),
        )
    )
    cols = list(PER_DOC_SCHEMA)
    out = pl.concat([read.select(cols), rates.select(cols)])
    return out.cast(PER_DOC_SCHEMA).sort("doc_id", "metric")  # type: ignore[arg-type]


def sentence_table(
    docs: pl.DataFrame,
    spans: Mapping[str, Sequence[tuple[int, int]]],
    doc_ids: Iterable[str] | None = None,
) -> pl.DataFrame:
    """Per-sentence counts and text (:data:`SENTENCE_SCHEMA`) of the body sentences of documents.

    Sentences are :func:`analysis.metrics.rhetoric.sentence_spans` (``sentence_no`` from 1, as in
    the
    hits table); the ``ts_*`` counts are :func:`analysis.metrics.readability.text_counts` of each
    sentence (textstat's words, sentences, syllables, letters, polysyllables, not-easy words,
    not-easy words of three or more syllables, non-space characters and raw tokens), ``text``
    the sentence (for Linsear Write, MTLD and MATTR). Only ``doc_ids`` (default: all) are done:
    pass the small groups' documents.

    Examples
    --------
    >>> docs = pl.DataFrame({"doc_id": ["d"], "text": ["Title\\nThe cat sat. It was happy."]})
    >>> table = sentence_table(docs, {"d": [(6, 32)]})
    >>> table.drop("doc_id", "text").rows()
    [(1, 3, 3, 1, 3, 9, 0, 0, 0, 10, 3), (2, 3, 3, 1, 4, 10, 0, 0, 0, 11, 3)]
    >>> table["text"].to_list()
    ['The cat sat. ', 'It was happy.']
    """
    wanted = None if doc_ids is None else set(doc_ids)
    rows: list[tuple[str, int, str]] = []
    for doc_id, text in docs.select(pl.col("doc_id").cast(pl.String), "text").iter_rows():
        if text is None or doc_id not in spans or (wanted is not None and doc_id not in wanted):
            continue
        for no, (a, b) in enumerate(rhetoric.sentence_spans(text, spans[doc_id]), start=1):
            rows.append((doc_id, no, text[a:b]))
    frame = pl.DataFrame(
        rows, schema={"doc_id": pl.String, "sentence_no": pl.Int64, "text": pl.String}, orient="row"
    )
    counts = readability.text_counts(frame["text"].to_list())
    counts = counts.rename({name: f"ts_{name}" for name in counts.columns})
    out = pl.concat([frame, counts], how="horizontal").with_columns(
        words=pl.col("text").str.count_matches(rhetoric.WORD_PATTERN).cast(pl.Int64)
    )
    return out.select(list(SENTENCE_SCHEMA)).cast(SENTENCE_SCHEMA).sort("doc_id", "sentence_no")  # type: ignore[arg-type]


class _Doc:
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


def _quantiles(stats: np.ndarray, level: float) -> tuple[float | None, float | None]:
    stats = stats[np.isfinite(stats)]
    if stats.size == 0:
        return None, None
    lo, hi = np.quantile(stats, [(1 - level) / 2, (1 + level) / 2])
    return float(lo), float(hi)


def _recomputed(kind: str, metric: str) -> str | None:
    """What the sentence-block bootstrap recomputes for a metric (None: it cannot)."""
    if kind == "rate":
        return "cues and words summed over the drawn sentences, pooled rate recomputed"
    if kind != "mean":
        return None
    if metric in FORMULA_COUNTS:
        counts = ", ".join(FORMULA_COUNTS[metric])
        return (
            f"textstat's {counts} summed over the drawn sentences, formula recomputed per "
            "document, mean over documents"
        )
    if metric == "linsear_write_formula":
        return (
            "Linsear Write recomputed on the first 100 words of each document's resampled "
            "text (a random sentence-aligned 100-word window), mean over documents; shifted by "
            "the replicates' mean, as the estimate reads only the opening 100 words"
        )
    if metric == "mtld":
        return (
            f"MTLD (threshold {readability.MTLD_THRESHOLD:g}) recomputed on each document's "
            "resampled token sequence, mean over documents"
        )
    if metric == "mattr":
        return (
            f"MATTR (window {readability.MATTR_WINDOW}) recomputed on each document's resampled "
            "token sequence, mean over documents"
        )
    return None


def _needed_columns(kind: str, metric: str) -> list[str]:
    if kind == "rate":
        return ["words"]
    if metric in FORMULA_COUNTS:
        return [f"ts_{c}" for c in FORMULA_COUNTS[metric]]
    return ["text"]


def group_metrics(
    per_doc: pl.DataFrame,
    groups: pl.DataFrame,
    *,
    sentences: pl.DataFrame | None = None,
    hits: pl.DataFrame | None = None,
    min_docs: int = 5,
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.95,
    block: int = 5,
) -> pl.DataFrame:
    """The ``group_metrics`` table (:data:`GROUP_METRICS_SCHEMA`), sorted by (group, metric).

    Parameters
    ----------
    per_doc
        :data:`PER_DOC_SCHEMA` (:func:`per_doc_table`).
    groups
        ``doc_id``, ``group`` (e.g. the outlet of the provenance table); null groups ignored.
    sentences, hits
        :func:`sentence_table` and :func:`analysis.metrics.rhetoric.rhetoric_hits` (``doc_id``,
        ``family``, ``sentence_no``) of at least the small groups' documents, for the
        sentence-block bootstrap; without ``sentences`` small groups get null intervals, and
        without ``hits`` their rates are resampled as if no sentence had a cue. A sentence table
        lacking columns of :data:`SENTENCE_SCHEMA` (an older one) leaves the metrics that need
        them without an interval, and ``method`` names the columns.
    min_docs
        Groups with fewer contributing documents are ``small_n`` and resampled by sentence blocks.
    n_boot, seed, level, block
        Bootstrap replicates, ``numpy.random.default_rng`` seed, interval level, sentences per
        block.

    Examples
    --------
    Five equal documents: the document bootstrap has width 0.

    >>> per_doc = pl.DataFrame(
    ...     {"doc_id": list("abcde"), "metric": "m", "kind": "mean", "family": None,
    ...      "value": [2.0] * 5, "count": None, "words": [100] * 5},
    ...     schema=PER_DOC_SCHEMA,
    ... )
    >>> groups = pl.DataFrame({"doc_id": list("abcde"), "group": "g"})
    >>> row = group_metrics(per_doc, groups, n_boot=200).row(0, named=True)
    >>> row["estimate"], row["ci_low"], row["ci_high"], row["small_n"]
    (2.0, 2.0, 2.0, False)
    >>> row["method"]
    'bootstrap over documents (B=200, percentile 95%)'
    """
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1), got {level}")
    if n_boot < 1 or min_docs < 1 or block < 1:
        raise ValueError("n_boot, min_docs and block must be >= 1")
    rng = np.random.default_rng(seed)
    pct = f"{level * 100:g}%"
    g = checked(groups, "group_metrics")
    data = (
        per_doc.join(g, on="doc_id", how="inner")
        .with_columns(
            num=pl.when(pl.col("kind") == "rate")
            .then(pl.col("count").cast(pl.Float64) * 1000.0)
            .otherwise(pl.col("value")),
            den=pl.when(pl.col("kind") == "rate")
            .then(pl.col("words").cast(pl.Float64))
            .otherwise(pl.lit(1.0)),
        )
        .filter(pl.col("num").is_not_null() & pl.col("den").is_not_null() & (pl.col("den") > 0))
        .sort("group", "metric", "doc_id")
    )
    sent_docs: dict[str, _Doc] = {}
    sent_columns: set[str] = set()
    if sentences is not None:
        sent_columns = set(sentences.columns)
        sentences = sentences.sort("doc_id", "sentence_no")
        cols = [c for c in SENTENCE_SCHEMA if c in sent_columns and c.startswith(("words", "ts_"))]
        fams: list[str] = []
        if hits is not None and hits.height:
            h = hits.filter(pl.col("sentence_no").is_not_null())
            cue = h.group_by("doc_id", "sentence_no", "family").agg(pl.len().alias("n"))
            wide = cue.pivot(on="family", index=["doc_id", "sentence_no"], values="n")
            fams = sorted(c for c in wide.columns if c not in ("doc_id", "sentence_no"))
            sentences = sentences.join(
                wide.with_columns(pl.col("sentence_no").cast(pl.Int64)),
                on=["doc_id", "sentence_no"],
                how="left",
            ).with_columns(pl.col(f).fill_null(0) for f in fams)
        has_text = "text" in sent_columns
        for (doc_id,), part in sentences.group_by("doc_id", maintain_order=True):
            arr = part.select(*cols, *fams).to_numpy().astype(float)
            cs = np.vstack([np.zeros((1, arr.shape[1])), np.cumsum(arr, axis=0)])
            texts = part["text"].fill_null("").to_list() if has_text else None
            sent_docs[str(doc_id)] = _Doc(cs, [*cols, *fams], texts)

    rows: list[tuple[object, ...]] = []
    for (group, metric), part in data.group_by("group", "metric", maintain_order=True):
        kind = str(part["kind"][0])
        metric = str(metric)
        num = part["num"].to_numpy()
        den = part["den"].to_numpy()
        n = len(num)
        estimate = float(num.sum() / den.sum())
        n_words = int(part["words"].fill_null(0).sum())
        small = n < min_docs
        lo: float | None = None
        hi: float | None = None
        what = _recomputed(kind, metric)
        if not small:
            idx = rng.integers(0, n, size=(n_boot, n))
            lo, hi = _quantiles(num[idx].sum(axis=1) / den[idx].sum(axis=1), level)
            method = f"bootstrap over documents (B={n_boot}, percentile {pct})"
        elif sentences is None or any(d not in sent_docs for d in part["doc_id"].to_list()):
            method = f"no interval: n_docs < {min_docs} and no sentence table for its documents"
        elif what is None:
            method = (
                f"no interval: n_docs < {min_docs} and {metric} is neither a rate nor a "
                "readability metric that sentence blocks can recompute"
            )
        elif missing := [c for c in _needed_columns(kind, metric) if c not in sent_columns]:
            method = (
                f"no interval: n_docs < {min_docs} and the sentence table lacks "
                f"{', '.join(missing)} (rebuild it with sentence_table)"
            )
        else:
            lo, hi, note = _sentence_interval(
                kind, metric, part, sent_docs, estimate, block, n_boot, rng, level
            )
            if lo is None:
                method = f"no interval: n_docs < {min_docs} and {note}"
            else:
                method = (
                    f"bootstrap over sentence blocks within documents (moving blocks of {block} "
                    f"sentences, B={n_boot}, percentile {pct}, centred on the estimate): {what}"
                    + (f"; {note}" if note else "")
                )
        rows.append((group, metric, n, n_words, estimate, lo, hi, method, small))
    return pl.DataFrame(rows, schema=GROUP_METRICS_SCHEMA, orient="row").sort("group", "metric")


def _diversity_replicates(
    doc: _Doc, metric: str, block: int, n_boot: int, rng: np.random.Generator
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
    doc: _Doc,
    idx: np.ndarray,
    score: Callable[[str], float],
    memo: dict[tuple[int, ...], float] | None = None,
) -> np.ndarray:
    """Linsear Write of each replicate text (drawn sentences joined by spaces), exactly.

    Only the sentences up to the one that completes more than 100 tokens and 100 words matter
    (textstat reads the first 100 words), so replicates sharing those share one computation
    (``memo``, kept across chunks of replicates).
    """
    assert doc.texts is not None
    texts = doc.texts
    tokens, words = doc.linsear_counts()
    done = (np.cumsum(tokens[idx], axis=1) > 100) & (np.cumsum(words[idx], axis=1) >= 100)
    k = np.where(done.any(axis=1), done.argmax(axis=1) + 1, idx.shape[1])
    memo = {} if memo is None else memo
    out = np.empty(idx.shape[0])
    for r, (row, kr) in enumerate(zip(idx.tolist(), k.tolist(), strict=True)):
        key = tuple(row[:kr])
        value = memo.get(key)
        if value is None:
            value = memo[key] = score(" ".join(texts[i] for i in key))
        out[r] = value
    return out


def _sentence_interval(
    kind: str,
    metric: str,
    part: pl.DataFrame,
    sent_docs: dict[str, _Doc],
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
        score = readability.linsear_scorer() if metric == "linsear_write_formula" else None
        for doc in docs:
            if metric in FORMULA_COUNTS:
                names = FORMULA_COUNTS[metric]
                cols = [doc.names.index(f"ts_{c}") for c in names]
                sums = _block_sums(doc.cs, block, n_boot, rng, cols)
                per_doc_stats.append(formula(metric, dict(zip(names, sums.T, strict=True))))
                obs = dict(zip(names, doc.cs[-1, cols], strict=True))
                per_doc_obs.append(float(formula(metric, obs)))
                continue
            if score is not None:
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
    lo, hi = _quantiles(stats, level)
    if lo is None or hi is None:
        return None, None, f"{metric} is undefined on every sentence-block replicate"
    dropped = int(np.count_nonzero(~np.isfinite(stats)))
    note = f"{dropped} of {n_boot} replicates undefined and dropped" if dropped else None
    shift = estimate - plug_in
    if kind == "rate":  # a rate is never negative; the shift may push a 0 bound a hair off
        return max(lo + shift, 0.0), max(hi + shift, 0.0), note
    return lo + shift, hi + shift, note


__all__ = [
    "CHUNK_ELEMENTS",
    "COUNT_FORMULAS",
    "FORMULA_COUNTS",
    "GROUP_METRICS_SCHEMA",
    "ORDER_METRICS",
    "PER_DOC_SCHEMA",
    "READABILITY_METRICS",
    "SENTENCE_SCHEMA",
    "formula",
    "group_metrics",
    "mattr_batch",
    "mtld_batch",
    "per_doc_table",
    "sentence_table",
]
