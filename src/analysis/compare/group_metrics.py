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
      ``coleman_liau_index``, ``automated_readability_index``, ``dale_chall_readability_score``
      (:data:`COUNT_FORMULAS`): all are functions of counts that add over words
      (:data:`analysis.metrics.readability.FORMULA_COUNTS`: textstat's words, sentences, syllables,
      letters, polysyllables, not-easy words, not-easy words of three or more syllables, non-space
      characters, raw tokens). The per-sentence counts are summed over the drawn sentences and
      :func:`~analysis.metrics.readability.formula`, textstat's expression with its 0-when-undefined
      conventions and Dale-Chall's +3.6365 step, is applied per document. On a document's own counts
      :func:`~analysis.metrics.readability.formula` returns exactly the score of
      :func:`analysis.metrics.readability.textstat_readability` (tested on the seeds);
    * ``mtld``, ``mattr`` (:data:`ORDER_METRICS`): depend on word order. Each sentence is tokenised
      once as lexicalrichness tokenises (:func:`analysis.metrics.readability.diversity_tokens`;
      tokenisation is local, so a replicate's tokens are the drawn sentences' tokens concatenated,
      exactly lexicalrichness's tokens of the drawn sentences joined by spaces), and MTLD (threshold
      ``MTLD_THRESHOLD``, forward and backward passes, partial factors) and MATTR (window
      ``MATTR_WINDOW``) are recomputed on every replicate by
      :func:`~analysis.metrics.diversity.mtld_batch` and
      :func:`~analysis.metrics.diversity.mattr_batch`, vectorised re-implementations tested equal to
      lexicalrichness 0.5.1 to 1e-9. A replicate shorter than the MATTR window is undefined and
      dropped (``method`` then counts the dropped replicates); a document whose sentences hold fewer
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
group is null are ignored. Results are deterministic for a given ``seed``: each (group, metric)
row draws from its own stream (:func:`stream`), so one group's rows depend on its documents only.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import polars as pl

from analysis.compare.groups import checked
from analysis.compare.intervals import SentenceDoc, quantiles, sentence_interval
from analysis.metrics import readability, rhetoric
from analysis.metrics.readability import FORMULA_COUNTS

__all__ = [
    "COUNT_FORMULAS",
    "GROUP_METRICS_SCHEMA",
    "ORDER_METRICS",
    "PER_DOC_SCHEMA",
    "READABILITY_METRICS",
    "SENTENCE_SCHEMA",
    "group_metrics",
    "per_doc_table",
    "sentence_table",
]

#: One row per (group, metric), sorted by group then metric.
GROUP_METRICS_SCHEMA = pl.Schema(
    {
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
)

#: Long per-document input of :func:`group_metrics` (:func:`per_doc_table` builds it). ``kind``
#: is ``"mean"`` (estimate = mean of ``value``) or ``"rate"`` (estimate = sum of ``count`` /
#: sum of ``words`` x 1000); ``family`` names the rhetoric family of a rate.
PER_DOC_SCHEMA = pl.Schema(
    {
        "doc_id": pl.String(),
        "metric": pl.String(),
        "kind": pl.String(),
        "family": pl.String(),
        "value": pl.Float64(),
        "count": pl.Int64(),
        "words": pl.Int64(),
    }
)

#: Per-sentence counts for the sentence-block bootstrap (:func:`sentence_table`): ``words`` as
#: :func:`analysis.metrics.rhetoric.word_counts`, ``ts_*`` as textstat counts them on the sentence
#: (:data:`analysis.metrics.readability.TEXT_COUNTS`), ``text`` the sentence itself (for the
#: order-dependent metrics).
SENTENCE_SCHEMA = pl.Schema(
    {
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
)

READABILITY_METRICS: tuple[str, ...] = (*readability.METRICS, *readability.DIVERSITY)

#: Readability metrics that are a function of additive counts (recomputed from block sums).
COUNT_FORMULAS: tuple[str, ...] = tuple(FORMULA_COUNTS)

#: Readability metrics that depend on word order (recomputed on the resampled text).
ORDER_METRICS: tuple[str, ...] = ("linsear_write_formula", "mtld", "mattr")

RATE_SUFFIX = "_per_1k"


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
    return out.cast(PER_DOC_SCHEMA).sort("doc_id", "metric")


def sentence_table(
    docs: pl.DataFrame,
    spans: Mapping[str, Sequence[tuple[int, int]]],
    doc_ids: Iterable[str] | None = None,
) -> pl.DataFrame:
    """Per-sentence counts and text (:data:`SENTENCE_SCHEMA`) of the body sentences of documents.

    Sentences are :func:`analysis.metrics.rhetoric.sentence_spans` (``sentence_no`` from 1, as in
    the hits table); the ``ts_*`` counts are :func:`analysis.metrics.readability.text_counts` of
    each sentence (textstat's words, sentences, syllables, letters, polysyllables, not-easy words,
    not-easy words of three or more syllables, non-space characters and raw tokens), ``text`` the
    sentence (for Linsear Write, MTLD and MATTR). Only ``doc_ids`` (default: all) are done: pass the
    small groups' documents.

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
    return out.select(list(SENTENCE_SCHEMA)).cast(SENTENCE_SCHEMA).sort("doc_id", "sentence_no")


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


def stream(seed: int, group: object, metric: str) -> np.random.Generator:
    """The bootstrap's random numbers for one (group, metric): ``numpy.random.default_rng`` seeded
    with ``seed`` and the first 8 bytes of the SHA-256 of ``group``, NUL, ``metric``.

    One stream per row, so a group's intervals do not depend on the other groups: adding
    documents to one outlet leaves every other outlet's rows as they were (and the pipeline
    caches the table group by group).

    >>> a, b = stream(0, "X", "smog_index"), stream(0, "X", "smog_index")
    >>> bool(a.integers(0, 10**9) == b.integers(0, 10**9))
    True
    >>> bool(stream(0, "X", "m").integers(0, 10**9) == stream(0, "Y", "m").integers(0, 10**9))
    False
    """
    h = hashlib.sha256(f"{group}\x00{metric}".encode()).digest()
    return np.random.default_rng([seed, int.from_bytes(h[:8], "little")])


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
    sent_docs: dict[str, SentenceDoc] = {}
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
            sent_docs[str(doc_id)] = SentenceDoc(cs, [*cols, *fams], texts)

    rows: list[tuple[object, ...]] = []
    # one run of rows per (group, metric) (``data`` is sorted by them): read as slices of whole
    # columns, not as a frame per run (hundreds of small polars queries per group)
    runs = (
        data.with_row_index("_row")
        .group_by("group", "metric", maintain_order=True)
        .agg(pl.col("_row").first().alias("start"), pl.len().alias("n"), pl.col("kind").first())
    )
    nums, dens = data["num"].to_numpy(), data["den"].to_numpy()
    doc_words = data["words"].fill_null(0).to_numpy()
    for group, metric, start, n, kind in runs.iter_rows():
        metric, kind = str(metric), str(kind)
        num, den = nums[start : start + n], dens[start : start + n]
        estimate = float(num.sum() / den.sum())
        n_words = int(doc_words[start : start + n].sum())
        small = n < min_docs
        part = data.slice(start, n)
        lo: float | None = None
        hi: float | None = None
        what = _recomputed(kind, metric)
        rng = stream(seed, group, metric)
        if not small:
            idx = rng.integers(0, n, size=(n_boot, n))
            lo, hi = quantiles(num[idx].sum(axis=1) / den[idx].sum(axis=1), level)
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
            lo, hi, note = sentence_interval(
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
