"""Per-group readability and rhetoric figures with seeded bootstrap intervals: ``group_metrics``.

With one or two documents per outlet a bare mean misleads, so every figure carries a percentile
bootstrap interval (Efron, B. & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*.
Chapman & Hall, ch. 13) and says in ``method`` how it was resampled.

Estimates
---------
Readability metrics (:data:`analysis.readability.METRICS`, plus ``mtld`` and ``mattr``)
    The mean over the group's documents of the per-document score; documents whose score is null
    (shorter than ``min_words`` in :func:`analysis.readability.textstat_readability`) do not count.
Rhetoric families (metric ``<family>_per_1k``)
    The pooled rate: total cues / total words x 1000 over the group's documents with words (words
    as :func:`analysis.rhetoric.word_counts`), not a mean of per-document rates.

Intervals
---------
``n_docs >= min_docs``: bootstrap over documents
    Resample the group's documents with replacement ``n_boot`` times, recompute the estimate,
    take the ``(1 - level) / 2`` and ``(1 + level) / 2`` quantiles.
``n_docs < min_docs`` (``small_n``): bootstrap over sentence blocks
    Within each document, draw moving blocks of ``block`` consecutive sentences with replacement
    (as many as cover the document) and sum their counts (moving-block bootstrap: Kuensch, H. R.
    (1989). The jackknife and the bootstrap for general stationary observations. *Annals of
    Statistics* 17(3), 1217-1241). This only measures within-document sampling noise, not
    between-document variation, so it is narrower than a document bootstrap would be: read
    ``small_n`` rows as "what these few documents say", not as the outlet. It needs per-sentence
    counts (:func:`sentence_table`) and is applied only where the figure is a function of counts:

    * rates: cues and words per sentence, pooled rate recomputed;
    * ``flesch_reading_ease``, ``flesch_kincaid_grade``, ``coleman_liau_index``: textstat's
      words, sentences, syllables and letters per sentence, the formula recomputed per document
      from the resampled sums, then averaged over documents.

    Per-sentence counts do not add up exactly to the document counts (textstat counts the whole
    body; sentences are the body spans of :func:`analysis.rhetoric.sentence_spans`), so the
    percentile interval of the recomputed figure is shifted by ``estimate - plug-in`` (the
    plug-in being the same formula on the unresampled sentence sums): the interval is centred on
    the reported estimate. The other readability metrics (Gunning fog, SMOG, ARI, Dale-Chall,
    Linsear, MTLD, MATTR) depend on word lists, the first 100 words or word order and are not
    recomputed: their small-n rows have a null interval and a ``method`` that says so. Small
    groups without a sentence table get null intervals too.

Rows with no contributing document (every score null, or no words) are dropped. Documents whose
group is null are ignored. Results are deterministic for a given ``seed``: one
``numpy.random.default_rng(seed)`` is drawn from in (group, metric) order.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import polars as pl

from analysis import readability, rhetoric

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
#: :func:`analysis.rhetoric.word_counts`, ``ts_*`` as textstat counts them on the sentence.
SENTENCE_SCHEMA: dict[str, pl.DataType] = {
    "doc_id": pl.String(),
    "sentence_no": pl.Int64(),
    "words": pl.Int64(),
    "ts_words": pl.Int64(),
    "ts_sentences": pl.Int64(),
    "ts_syllables": pl.Int64(),
    "ts_letters": pl.Int64(),
}

READABILITY_METRICS: tuple[str, ...] = (*readability.METRICS, *readability.DIVERSITY)

#: Readability metrics that are a function of (words, sentences, syllables, letters).
COUNT_FORMULAS: tuple[str, ...] = (
    "flesch_reading_ease",
    "flesch_kincaid_grade",
    "coleman_liau_index",
)

RATE_SUFFIX = "_per_1k"


def _formula(metric: str, w: np.ndarray, s: np.ndarray, y: np.ndarray, c: np.ndarray) -> np.ndarray:
    """textstat 0.7.13's formula from words, sentences, syllables, letters (nan where undefined)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        w = np.where(w > 0, w, np.nan).astype(float)
        s = np.where(s > 0, s, np.nan).astype(float)
        if metric == "flesch_reading_ease":
            return 206.835 - 1.015 * w / s - 84.6 * y / w
        if metric == "flesch_kincaid_grade":
            return 0.39 * w / s + 11.8 * y / w - 15.59
        if metric == "coleman_liau_index":
            return 0.058 * 100 * c / w - 0.296 * 100 * s / w - 15.8
    raise ValueError(f"no count formula for {metric!r}")


def per_doc_table(
    readability_table: pl.DataFrame, rhetoric_table: pl.DataFrame, words: pl.DataFrame
) -> pl.DataFrame:
    """Long per-document input (:data:`PER_DOC_SCHEMA`) from the project's tables.

    Parameters
    ----------
    readability_table
        :func:`analysis.readability.textstat_readability` output.
    rhetoric_table
        :func:`analysis.rhetoric.rhetoric_counts` output (``doc_id``, ``family``, ``count``).
    words
        :func:`analysis.rhetoric.word_counts` of the same bodies.

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
    """Per-sentence counts (:data:`SENTENCE_SCHEMA`) of the body sentences of documents.

    Sentences are :func:`analysis.rhetoric.sentence_spans` (``sentence_no`` from 1, as in the
    hits table); textstat counts come from :func:`analysis.readability.textstat_readability` on
    each sentence. Only ``doc_ids`` (default: all) are done: pass the small groups' documents.

    Examples
    --------
    >>> docs = pl.DataFrame({"doc_id": ["d"], "text": ["Title\\nThe cat sat. It was happy."]})
    >>> sentence_table(docs, {"d": [(6, 32)]}).drop("doc_id").rows()
    [(1, 3, 3, 1, 3, 9), (2, 3, 3, 1, 4, 10)]
    """
    wanted = None if doc_ids is None else set(doc_ids)
    rows: list[tuple[str, int, str]] = []
    for doc_id, text in docs.select(pl.col("doc_id").cast(pl.String), "text").iter_rows():
        if text is None or doc_id not in spans or (wanted is not None and doc_id not in wanted):
            continue
        for no, (a, b) in enumerate(rhetoric.sentence_spans(text, spans[doc_id]), start=1):
            rows.append((doc_id, no, text[a:b]))
    frame = pl.DataFrame(
        rows, schema={"doc_id": pl.String, "sentence_no": pl.Int64, "body": pl.String}, orient="row"
    ).with_columns(key=pl.col("doc_id") + "\x00" + pl.col("sentence_no").cast(pl.String))
    counts = readability.textstat_readability(frame.select(pl.col("key").alias("doc_id"), "body"))
    counts = counts.select(
        pl.col("doc_id").alias("key"),
        pl.col("words").alias("ts_words"),
        pl.col("sentences").alias("ts_sentences"),
        pl.col("syllables").alias("ts_syllables"),
        pl.col("letters").alias("ts_letters"),
    )
    out = frame.join(counts, on="key", how="left").with_columns(
        words=pl.col("body").str.count_matches(rhetoric.WORD_PATTERN).cast(pl.Int64)
    )
    return out.select(list(SENTENCE_SCHEMA)).cast(SENTENCE_SCHEMA).sort("doc_id", "sentence_no")  # type: ignore[arg-type]


def _block_sums(cs: np.ndarray, block: int, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """Moving-block resample of one document: ``cs`` is the (m + 1, k) cumulative count table.

    Returns (n_boot, k) sums of ceil(m / b) blocks of b = min(block, m) consecutive sentences.
    """
    m = cs.shape[0] - 1
    b = min(block, m)
    nb = math.ceil(m / b)
    starts = rng.integers(0, m - b + 1, size=(n_boot, nb))
    return (cs[starts + b] - cs[starts]).sum(axis=1)


def _quantiles(stats: np.ndarray, level: float) -> tuple[float | None, float | None]:
    stats = stats[np.isfinite(stats)]
    if stats.size == 0:
        return None, None
    lo, hi = np.quantile(stats, [(1 - level) / 2, (1 + level) / 2])
    return float(lo), float(hi)


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
        :func:`sentence_table` and :func:`analysis.rhetoric.rhetoric_hits` (``doc_id``,
        ``family``, ``sentence_no``) of at least the small groups' documents, for the
        sentence-block bootstrap; without ``sentences`` small groups get null intervals, and
        without ``hits`` their rates are resampled as if no sentence had a cue.
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
    g = groups.select(pl.col("doc_id").cast(pl.String), pl.col("group").cast(pl.String))
    data = (
        per_doc.join(g.filter(pl.col("group").is_not_null()), on="doc_id", how="inner")
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
    sent_cs: dict[str, tuple[np.ndarray, list[str]]] = {}
    if sentences is not None:
        sentences = sentences.sort("doc_id", "sentence_no")
        cols = ["words", "ts_words", "ts_sentences", "ts_syllables", "ts_letters"]
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
        for (doc_id,), part in sentences.group_by("doc_id", maintain_order=True):
            arr = part.select(*cols, *fams).to_numpy().astype(float)
            cs = np.vstack([np.zeros((1, arr.shape[1])), np.cumsum(arr, axis=0)])
            sent_cs[str(doc_id)] = (cs, [*cols, *fams])

    rows: list[tuple[object, ...]] = []
    for (group, metric), part in data.group_by("group", "metric", maintain_order=True):
        kind = part["kind"][0]
        num = part["num"].to_numpy()
        den = part["den"].to_numpy()
        n = len(num)
        estimate = float(num.sum() / den.sum())
        n_words = int(part["words"].fill_null(0).sum())
        small = n < min_docs
        lo: float | None
        hi: float | None
        if not small:
            idx = rng.integers(0, n, size=(n_boot, n))
            lo, hi = _quantiles(num[idx].sum(axis=1) / den[idx].sum(axis=1), level)
            method = f"bootstrap over documents (B={n_boot}, percentile {pct})"
        elif kind == "mean" and metric not in COUNT_FORMULAS:
            lo = hi = None
            method = (
                f"no interval: n_docs < {min_docs} and {metric} is not a function of sentence "
                "counts (document bootstrap only, needs more documents)"
            )
        elif any(d not in sent_cs for d in part["doc_id"].to_list()):
            lo = hi = None
            method = f"no interval: n_docs < {min_docs} and no sentence table for its documents"
        else:
            lo, hi = _sentence_interval(
                kind, str(metric), part, sent_cs, estimate, block, n_boot, rng, level
            )
            method = (
                f"bootstrap over sentence blocks within documents (moving blocks of {block} "
                f"sentences, B={n_boot}, percentile {pct}, centred on the estimate)"
            )
        rows.append((group, metric, n, n_words, estimate, lo, hi, method, small))
    return pl.DataFrame(rows, schema=GROUP_METRICS_SCHEMA, orient="row").sort("group", "metric")


def _sentence_interval(
    kind: str,
    metric: str,
    part: pl.DataFrame,
    sent_cs: dict[str, tuple[np.ndarray, list[str]]],
    estimate: float,
    block: int,
    n_boot: int,
    rng: np.random.Generator,
    level: float,
) -> tuple[float | None, float | None]:
    """Sentence-block percentile interval of one small group, shifted onto ``estimate``."""
    doc_ids = part["doc_id"].to_list()
    if kind == "rate":
        family = part["family"][0]
        cues = np.zeros(n_boot)
        words = np.zeros(n_boot)
        c_obs = w_obs = 0.0
        for d in doc_ids:
            cs, names = sent_cs[d]
            if cs.shape[0] < 2:
                continue
            cols = [names.index("words")]
            cols.append(names.index(family) if family in names else -1)
            sums = _block_sums(cs, block, n_boot, rng)
            words += sums[:, cols[0]]
            w_obs += cs[-1, cols[0]]
            if cols[1] >= 0:
                cues += sums[:, cols[1]]
                c_obs += cs[-1, cols[1]]
        if w_obs <= 0:
            return None, None
        with np.errstate(divide="ignore", invalid="ignore"):
            stats = cues / words * 1000.0
        plug_in = c_obs / w_obs * 1000.0
    else:
        per_doc_stats = []
        per_doc_obs = []
        for d in doc_ids:
            cs, names = sent_cs[d]
            if cs.shape[0] < 2:
                continue
            cols = [names.index(c) for c in ("ts_words", "ts_sentences", "ts_syllables")]
            cols.append(names.index("ts_letters"))
            sums = _block_sums(cs, block, n_boot, rng)[:, cols]
            per_doc_stats.append(_formula(metric, *sums.T))
            per_doc_obs.append(_formula(metric, *cs[-1, cols][:, None])[0])
        if not per_doc_stats:
            return None, None
        stats = np.mean(per_doc_stats, axis=0)
        plug_in = float(np.mean(per_doc_obs))
    if not math.isfinite(plug_in):
        return None, None
    lo, hi = _quantiles(stats, level)
    if lo is None or hi is None:
        return None, None
    shift = estimate - plug_in
    if kind == "rate":  # a rate is never negative; the shift may push a 0 bound a hair off
        return max(lo + shift, 0.0), max(hi + shift, 0.0)
    return lo + shift, hi + shift


__all__ = [
    "COUNT_FORMULAS",
    "GROUP_METRICS_SCHEMA",
    "PER_DOC_SCHEMA",
    "READABILITY_METRICS",
    "SENTENCE_SCHEMA",
    "group_metrics",
    "per_doc_table",
    "sentence_table",
]
