"""The detectors against the Propaganda Techniques Corpus: span-level precision and recall."""

from __future__ import annotations

import math
import warnings
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from analysis.metrics.rhetoric._cues import combine_hits, counted_techniques, rhetoric_hits
from analysis.metrics.rhetoric._lexicon import Lexicon, _lexicon
from analysis.metrics.rhetoric._schema import LABELS_SCHEMA, TECHNIQUES, VALIDATION_SCHEMAS, ScoreBy
from analysis.metrics.rhetoric._spanmodel import SpanModel, load_span_model, model_hits
from analysis.text.spans import line_spans

__all__ = [
    "CROSS_VALIDATED",
    "IN_SAMPLE",
    "MIXED",
    "PTC_VALIDATION_SCHEMA",
    "SENTENCE_VALIDATION_SCHEMA",
    "SPAN_SCORES_SCHEMA",
    "article_stats",
    "cross_validated_hits",
    "ptc_scores",
    "ptc_sentence_validation",
    "ptc_validation",
    "read_ptc",
    "score_hits",
    "sentence_figures",
    "span_scores",
    "union_hits",
    "validate_ptc",
]


def read_ptc(
    articles_dir: str | Path, labels_path: str | Path
) -> tuple[pl.DataFrame, dict[str, list[tuple[int, int]]], pl.DataFrame]:
    """The PTC articles as ``docs`` (``doc_id`` = article id, ``text``), their body spans (every
    non-empty line: title and body) and the labels (:data:`LABELS_SCHEMA`).

    Files are decoded as UTF-8 without newline translation, a byte-order mark kept as a character:
    the label offsets count it.
    """
    rows = []
    for path in sorted(Path(articles_dir).glob("article*.txt")):
        rows.append((path.stem.removeprefix("article"), path.read_bytes().decode("utf-8")))
    docs = pl.DataFrame(rows, schema={"doc_id": pl.String(), "text": pl.String()}, orient="row")
    spans = {d: line_spans(t) for d, t in rows}
    labels = pl.read_csv(labels_path, separator="\t", schema=LABELS_SCHEMA)
    return docs, spans, labels


def _overlaps(a: Sequence[tuple[int, int]], s: int, e: int) -> list[int]:
    return [i for i, (x, y) in enumerate(a) if x < e and s < y]


def score_hits(hits: pl.DataFrame, labels: pl.DataFrame, by: ScoreBy = "technique") -> pl.DataFrame:
    """Span-level precision and recall of ``hits`` against annotated spans.

    A hit is correct when it overlaps an annotated span of its technique in its document; an
    annotated span is found when a hit of its technique overlaps it. ``labels`` has
    ``article_id`` (the hits' ``doc_id``), ``technique``, ``start``, ``end``. Rows follow
    :data:`TECHNIQUES` (``by="technique"``: every technique, with zeros where no detector
    stands for it), or families and terms in lexicon order of their technique; hits without a
    technique are scored for ``in_any_span`` only.

    >>> hits = pl.DataFrame({"doc_id": ["1", "1"], "family": ["loaded", "loaded"],
    ...     "technique": ["Loaded_Language"] * 2, "term": ["sham", "evil"], "start": [0, 20],
    ...     "end": [4, 24]})
    >>> labels = pl.DataFrame({"article_id": ["1", "1"], "technique": ["Loaded_Language", "Doubt"],
    ...     "start": [0, 10], "end": [8, 30]})
    >>> score_hits(hits, labels).filter(pl.col("hits") > 0).rows()
    [('Loaded_Language', 2, 1, 0.5, 1, 1, 1.0, 1.0)]
    """
    spans: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    anyspans: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for a, t, s, e in labels.select("article_id", "technique", "start", "end").iter_rows():
        spans[(str(a), t)].append((s, e))
        anyspans[str(a)].append((s, e))
    keys = {"technique": ["technique"], "family": ["family", "technique"]}.get(
        by, ["family", "term", "technique"]
    )
    stats: dict[tuple[Any, ...], dict[str, Any]] = {}
    cols = ["doc_id", "family", "term", "technique", "start", "end"]
    for doc_id, family, term, technique, s, e in hits.select(cols).iter_rows():
        row = {"family": family, "term": term, "technique": technique}
        key = tuple(row[k] for k in keys)
        st = stats.setdefault(key, {"hits": 0, "correct": 0, "any": 0, "found": set()})
        st["hits"] += 1
        st["any"] += bool(_overlaps(anyspans.get(doc_id, []), s, e))
        if technique is not None:
            found = _overlaps(spans.get((doc_id, technique), []), s, e)
            st["correct"] += bool(found)
            st["found"].update((doc_id, i) for i in found)
    if by == "technique":
        for t in TECHNIQUES:
            stats.setdefault((t,), {"hits": 0, "correct": 0, "any": 0, "found": set()})
    annotated = labels.group_by("technique").len()
    n_annotated = dict(annotated.iter_rows())
    order = {t: i for i, t in enumerate(TECHNIQUES)}
    rows = []
    for key, st in stats.items():
        technique = key[-1]
        n_ann = int(n_annotated.get(technique, 0)) if technique is not None else 0
        hits_n, correct = st["hits"], st["correct"]
        rows.append(
            (
                *key,
                hits_n,
                correct if technique is not None else 0,
                correct / hits_n if hits_n and technique is not None else None,
                n_ann,
                len(st["found"]),
                len(st["found"]) / n_ann if n_ann else None,
                st["any"] / hits_n if hits_n else None,
            )
        )
    rows.sort(key=lambda r: (order.get(r[len(keys) - 1], len(order)), *map(str, r[: len(keys)])))
    return pl.DataFrame(rows, schema=VALIDATION_SCHEMAS[by], orient="row")


def validate_ptc(
    articles_dir: str | Path,
    labels_path: str | Path,
    *,
    families: Iterable[str] | None = None,
    lexicon: str | Lexicon = "default",
    by: ScoreBy = "technique",
) -> pl.DataFrame:
    """Precision and recall of the cue detectors on the Propaganda Techniques Corpus.

    Every non-empty line of an article (title and body) is body. Columns:
    :data:`VALIDATION_SCHEMAS` ``[by]``; see :func:`score_hits`. The lexicons were tuned on these
    articles: the figures are in-sample.
    """
    docs, spans, labels = read_ptc(articles_dir, labels_path)
    return ptc_scores(docs, spans, labels, families=families, lexicon=lexicon, by=by)


def ptc_scores(
    docs: pl.DataFrame,
    spans: Mapping[str, Sequence[tuple[int, int]]],
    labels: pl.DataFrame,
    *,
    families: Iterable[str] | None = None,
    lexicon: str | Lexicon = "default",
    by: ScoreBy = "technique",
) -> pl.DataFrame:
    """:func:`validate_ptc` of the corpus :func:`read_ptc` read: the lexicon detectors' hits in
    ``docs`` scored against ``labels`` (:func:`score_hits`; ``scripts/validate_ptc.py`` uses it
    by family and by term).
    """
    hits = rhetoric_hits(docs, spans, families=families, lexicon=lexicon, detector="lexicon")
    return score_hits(hits, labels, by=by)


def _union(spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _covered(s: int, e: int, union: Sequence[tuple[int, int]]) -> int:
    """Characters of ``s:e`` inside the (sorted, disjoint) ``union``."""
    return sum(max(0, min(e, b) - max(s, a)) for a, b in union if a < e and s < b)


def _side(spans: Sequence[tuple[int, int]], against: Sequence[tuple[int, int]]) -> list[float]:
    """Of ``spans``: how many, how many overlap one of ``against``, and the sum of the shares of
    their characters inside ``against`` (merged first)."""
    union = _union(against)
    n = found = share = 0.0
    for s, e in spans:
        n += 1
        found += bool(_overlaps(against, s, e))
        share += _covered(s, e, union) / (e - s) if e > s else 0.0
    return [n, found, share]


#: Per-article sums behind :func:`span_scores`, in this order.
_ARTICLE_STATS = ("hits", "correct", "char_p", "annotated", "found", "char_r")


def article_stats(
    hits: pl.DataFrame, labels: pl.DataFrame, techniques: Sequence[str] = TECHNIQUES
) -> tuple[list[str], np.ndarray]:
    """Per article and technique, the sums both span measures are ratios of.

    Returns the article ids (those of ``labels`` and ``hits``, sorted) and an array of shape
    ``(articles, techniques, 6)``: hits; hits overlapping an annotated span of their technique;
    the sum over hits of the share of their characters inside annotated spans of their
    technique (SemEval-2020's character-level precision, numerator); annotated spans; annotated
    spans overlapped by a hit of their technique; the sum over annotated spans of the share of
    their characters inside hits of their technique (character-level recall, numerator).
    """
    gold: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    for a, t, s, e in labels.select("article_id", "technique", "start", "end").iter_rows():
        gold[(str(a), t)].append((int(s), int(e)))
    pred: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    for d, t, s, e in hits.select("doc_id", "technique", "start", "end").iter_rows():
        if t is not None:
            pred[(str(d), t)].append((int(s), int(e)))
    articles = sorted({a for a, _ in gold} | {d for d, _ in pred})
    row = {a: i for i, a in enumerate(articles)}
    col = {t: j for j, t in enumerate(techniques)}
    out = np.zeros((len(articles), len(techniques), len(_ARTICLE_STATS)))
    for cells, these, other in ((slice(0, 3), pred, gold), (slice(3, 6), gold, pred)):
        for (d, t), spans in these.items():
            if t in col:
                out[row[d], col[t], cells] = _side(spans, other.get((d, t), []))
    return articles, out


def _ratios(sums: np.ndarray) -> dict[str, np.ndarray]:
    """Precision, recall, F1 and the character-level pair from summed article stats (last
    axis :data:`_ARTICLE_STATS`); NaN where a denominator is 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        p = sums[..., 1] / sums[..., 0]
        r = sums[..., 4] / sums[..., 3]
        f1 = np.where(p + r > 0, 2 * p * r / (p + r), 0.0)
        f1 = np.where(np.isnan(p) | np.isnan(r), np.nan, f1)
        return {
            "precision": p,
            "recall": r,
            "f1": f1,
            "char_precision": sums[..., 2] / sums[..., 0],
            "char_recall": sums[..., 5] / sums[..., 3],
        }


#: Columns of :func:`span_scores`.
SPAN_SCORES_SCHEMA = pl.Schema(
    {
        "technique": pl.String(),
        "hits": pl.Int64(),
        "correct_hits": pl.Int64(),  # hits overlapping an annotated span of the technique
        "precision": pl.Float64(),  # correct_hits / hits
        "precision_low": pl.Float64(),  # the interval: article bootstrap, percentile
        "precision_high": pl.Float64(),
        "annotated_spans": pl.Int64(),
        "found_spans": pl.Int64(),  # annotated spans overlapped by a hit of the technique
        "recall": pl.Float64(),  # found_spans / annotated_spans
        "recall_low": pl.Float64(),
        "recall_high": pl.Float64(),
        "f1": pl.Float64(),
        "char_precision": pl.Float64(),  # SemEval-2020: mean share of a hit's characters in gold
        "char_precision_low": pl.Float64(),
        "char_precision_high": pl.Float64(),
        "char_recall": pl.Float64(),  # mean share of an annotated span's characters in hits
    }
)


def span_scores(
    hits: pl.DataFrame,
    labels: pl.DataFrame,
    *,
    techniques: Sequence[str] = TECHNIQUES,
    n_boot: int = 1000,
    level: float = 0.95,
    seed: int = 0,
) -> pl.DataFrame:
    """Both span measures per technique, with article-bootstrap intervals
    (:data:`SPAN_SCORES_SCHEMA`).

    *Overlap* (the measure of :func:`score_hits`): a hit is correct when it overlaps an
    annotated span of its technique in its document, an annotated span is found when a hit of
    its technique overlaps it. *Character level* (SemEval-2020 Task 11, Da San Martino et al.
    2020): precision is the mean over hits of the share of the hit's characters inside annotated
    spans of its technique, recall the mean over annotated spans of the share of their characters
    inside hits, so that long hits cannot buy precision. Overlapping spans of one technique are
    merged before characters are counted.

    Intervals resample whole articles with replacement (``n_boot`` times, ``seed``) and take the
    central ``level`` percentile interval of each ratio: hits within an article are not
    independent. ``hits`` has ``doc_id``, ``technique``, ``start``, ``end``; ``labels`` has
    ``article_id``, ``technique``, ``start``, ``end``.

    >>> hits = pl.DataFrame({"doc_id": ["1", "1"], "technique": ["Doubt"] * 2,
    ...     "start": [0, 20], "end": [10, 24]})
    >>> labels = pl.DataFrame({"article_id": ["1"], "technique": ["Doubt"],
    ...     "start": [5], "end": [15]})
    >>> row = span_scores(hits, labels, techniques=["Doubt"]).row(0, named=True)
    >>> row["precision"], row["recall"], row["char_precision"], row["char_recall"]
    (0.5, 1.0, 0.25, 0.5)
    """
    articles, stats = article_stats(hits, labels, techniques)
    point = _ratios(stats.sum(axis=0))
    lows: dict[str, np.ndarray] = {}
    highs: dict[str, np.ndarray] = {}
    if articles and n_boot:
        rng = np.random.default_rng(seed)
        draws = rng.integers(0, len(articles), size=(n_boot, len(articles)))
        counts = np.zeros((n_boot, len(articles)))
        np.add.at(counts, (np.arange(n_boot)[:, None], draws), 1.0)
        boot = _ratios(np.einsum("ba,ats->bts", counts, stats))
        q = ((1 - level) / 2 * 100, (1 + level) / 2 * 100)
        for name in ("precision", "recall", "char_precision"):
            with warnings.catch_warnings():  # all-NaN columns: techniques without hits
                warnings.simplefilter("ignore", RuntimeWarning)
                lo, hi = np.nanpercentile(boot[name], q, axis=0)
            lows[name], highs[name] = lo, hi
    totals = stats.sum(axis=0)

    def val(a: dict[str, np.ndarray], name: str, j: int) -> float | None:
        if name not in a:
            return None
        x = float(a[name][j])
        return None if math.isnan(x) else round(x, 4)

    rows = []
    for j, t in enumerate(techniques):
        rows.append(
            (
                t,
                int(totals[j, 0]),
                int(totals[j, 1]),
                val(point, "precision", j),
                val(lows, "precision", j),
                val(highs, "precision", j),
                int(totals[j, 3]),
                int(totals[j, 4]),
                val(point, "recall", j),
                val(lows, "recall", j),
                val(highs, "recall", j),
                val(point, "f1", j),
                val(point, "char_precision", j),
                val(lows, "char_precision", j),
                val(highs, "char_precision", j),
                val(point, "char_recall", j),
            )
        )
    return pl.DataFrame(rows, schema=SPAN_SCORES_SCHEMA, orient="row")


#: Columns of the ``ptc_validation`` table (:func:`ptc_validation`).
PTC_VALIDATION_SCHEMA = pl.Schema(
    {
        # lexicon (data/rhetoric.yaml), model (data/span_model.json), or both (rhetoric_hits'
        # detector="both": the union, overlapping hits of a technique counted once)
        "detector": pl.String(),
        # in-sample, cross-validated (article-grouped folds), or for both: the lexicon's hits
        # in-sample and the model's cross-validated
        "evaluation": pl.String(),
        **SPAN_SCORES_SCHEMA,
    }
)

#: The ``evaluation`` values of :data:`PTC_VALIDATION_SCHEMA`.
IN_SAMPLE = "in-sample"
CROSS_VALIDATED = "cross-validated"
MIXED = "lexicon in-sample, model cross-validated"

_HIT_COLUMNS = pl.Schema(
    {"doc_id": pl.String(), "technique": pl.String(), "start": pl.Int64(), "end": pl.Int64()}
)


def cross_validated_hits(model: SpanModel, doc_ids: Iterable[str] | None = None) -> pl.DataFrame:
    """The span model's out-of-fold hits on the PTC articles it was trained on (``doc_id``,
    ``technique``, ``start``, ``end``), as its file keeps them: each article's hits found by
    weights that never saw it (:mod:`.spantrain`); only those of ``doc_ids`` when given.
    Raises ``ValueError`` for a model file without them."""
    if "cross_validated_hits" not in model.training:
        raise ValueError("the span model file keeps no out-of-fold hits: rebuild it")
    wanted = None if doc_ids is None else set(doc_ids)
    rows = [
        (doc_id, technique, int(a), int(b))
        for doc_id, per in model.training["cross_validated_hits"].items()
        if wanted is None or doc_id in wanted
        for technique, text in per.items()
        for a, b in (pair.split("-") for pair in text.split())
    ]
    return pl.DataFrame(rows, schema=_HIT_COLUMNS, orient="row").sort(
        "doc_id", "start", "end", "technique"
    )


def union_hits(
    lexicon_hits: pl.DataFrame, model_hits: pl.DataFrame, counted: Mapping[str, str]
) -> pl.DataFrame:
    """``doc_id``, ``technique``, ``start``, ``end`` of the hits ``rhetoric_hits`` gives with
    ``detector="both"``, from the lexicon's hits (with a technique) and the model's hits of the
    techniques it counts (``counted``: :func:`~analysis.metrics.rhetoric._cues.counted_techniques`),
    combined document by document (:func:`~analysis.metrics.rhetoric._cues.combine_hits`)."""
    lex: dict[str, list[Any]] = defaultdict(list)
    for doc_id, technique, start, end in lexicon_hits.select(
        "doc_id", "technique", "start", "end"
    ).iter_rows():
        lex[doc_id].append(("", technique, None, "lexicon", None, start, end))
    mod: dict[str, list[tuple[str, int, int, float]]] = defaultdict(list)
    for doc_id, technique, start, end in model_hits.select(
        "doc_id", "technique", "start", "end"
    ).iter_rows():
        if technique in counted:
            mod[doc_id].append((technique, start, end, 0.0))
    rows = [
        (doc_id, hit[1], hit[5], hit[6])
        for doc_id in sorted(set(lex) | set(mod))
        for hit in combine_hits(lex.get(doc_id, []), mod.get(doc_id, []), counted)
    ]
    return pl.DataFrame(rows, schema=_HIT_COLUMNS, orient="row").sort(
        "doc_id", "start", "end", "technique"
    )


def _with(frame: pl.DataFrame, detector: str, evaluation: str) -> pl.DataFrame:
    return frame.select(
        pl.lit(detector).alias("detector"), pl.lit(evaluation).alias("evaluation"), pl.all()
    )


def ptc_validation(
    docs: pl.DataFrame,
    spans: Mapping[str, Sequence[tuple[int, int]]],
    labels: pl.DataFrame,
    *,
    lexicon: str | Lexicon = "default",
    model: SpanModel | None = None,
) -> pl.DataFrame:
    """How often each detector is right on the PTC, per technique (:data:`PTC_VALIDATION_SCHEMA`).

    Rows, in order: the lexicon scored on the articles (``in-sample``: its terms were chosen
    reading them); the span model's article-grouped cross-validated figures (``cross-validated``,
    computed when it was trained and kept in its file, see :mod:`.spantrain`); the two together
    as ``detector="both"`` combines them (:func:`union_hits`: the model only for the techniques
    it counts), from the lexicon's in-sample hits and the model's out-of-fold hits kept in its
    file (:data:`MIXED`: the lexicon's part is in-sample); the span model scored on the
    articles it was trained on (``in-sample``, to show how far that is from its cross-validated
    figures). Both span measures, with article-bootstrap intervals: :func:`span_scores`.
    """
    model = model or load_span_model()
    lex = _lexicon(lexicon)
    lex_hits = rhetoric_hits(docs, spans, lexicon=lex, detector="lexicon").filter(
        pl.col("technique").is_not_null()
    )
    oof = cross_validated_hits(model, docs["doc_id"].cast(pl.String).to_list())
    both = union_hits(lex_hits, oof, counted_techniques(lex, model))
    cv = model.training["cross_validated"]
    cv_frame = pl.DataFrame(
        [{"technique": t, **cv[t]} for t in TECHNIQUES], schema=SPAN_SCORES_SCHEMA
    )
    frames = [
        _with(span_scores(lex_hits, labels), "lexicon", IN_SAMPLE),
        _with(cv_frame, "model", CROSS_VALIDATED),
        _with(span_scores(both, labels), "both", MIXED),
        _with(span_scores(model_hits(docs, spans, model), labels), "model", IN_SAMPLE),
    ]
    return pl.concat(frames).cast(PTC_VALIDATION_SCHEMA)


def _f1(pred: np.ndarray, y: np.ndarray) -> float:
    denom = int(pred.sum()) + int(y.sum())
    return 2 * int((pred & y).sum()) / denom if denom else 0.0


def sentence_figures(
    pred: np.ndarray, y: np.ndarray, doc: np.ndarray, *, n_boot: int = 1000, seed: int = 0
) -> dict[str, Any]:
    """Positive-class precision, recall and F1 of flagged sentences, the all-positive baseline's
    F1, and an article-bootstrap interval for F1."""
    if not y.size:
        raise ValueError("no sentences to score")
    tp, n_pred, n_pos = int((pred & y).sum()), int(pred.sum()), int(y.sum())
    per = np.zeros((int(doc.max()) + 1 if doc.size else 0, 3))
    np.add.at(per, doc, np.column_stack([pred & y, pred, y]).astype(float))
    per = per[np.unique(doc)]
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, per.shape[0], size=(n_boot, per.shape[0]))
    sums = per[draws].sum(axis=1)
    f1s = 2 * sums[:, 0] / np.maximum(1.0, sums[:, 1] + sums[:, 2])
    low, high = np.percentile(f1s, [2.5, 97.5])
    share = n_pos / y.size if y.size else 0.0
    return {
        "sentences": int(y.size),
        "positive": n_pos,
        "flagged": n_pred,
        "precision": round(tp / n_pred, 4) if n_pred else None,
        "recall": round(tp / n_pos, 4) if n_pos else None,
        "f1": round(_f1(pred, y), 4),
        "f1_low": round(float(low), 4),
        "f1_high": round(float(high), 4),
        "all_positive_f1": round(2 * share / (1 + share), 4) if share else 0.0,
    }


#: Columns of the ``ptc_sentence_validation`` table (:func:`ptc_sentence_validation`).
SENTENCE_VALIDATION_SCHEMA = pl.Schema(
    {
        "evaluation": pl.String(),  # cross-validated (article-grouped folds) or in-sample
        "unit": pl.String(),  # what a sentence is here: a PTC line
        "sentences": pl.Int64(),
        "positive": pl.Int64(),  # overlapped by an annotated span of any technique
        "flagged": pl.Int64(),
        "precision": pl.Float64(),
        "recall": pl.Float64(),
        "f1": pl.Float64(),  # positive class
        "f1_low": pl.Float64(),  # 95% article-bootstrap interval
        "f1_high": pl.Float64(),
        "all_positive_f1": pl.Float64(),  # the baseline that flags every sentence
    }
)


def ptc_sentence_validation(
    docs: pl.DataFrame,
    spans: Mapping[str, Sequence[tuple[int, int]]],
    labels: pl.DataFrame,
    *,
    model: SpanModel | None = None,
) -> pl.DataFrame:
    """How well the sentence view finds sentences with any technique, on PTC lines
    (:data:`SENTENCE_VALIDATION_SCHEMA`): the cross-validated figures kept in the model file,
    then the shipped model scored on the lines it was trained on (in-sample)."""
    from analysis.metrics.rhetoric._sentmodel import score_units

    model = model or load_span_model()
    if model.sentences is None:
        raise ValueError("the span model file has no sentence view")
    gold: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for a, s, e in labels.select("article_id", "start", "end").iter_rows():
        gold[str(a)].append((int(s), int(e)))
    items = [(str(d), t) for d, t in docs.select("doc_id", "text").iter_rows() if t is not None]
    units = [list(spans.get(d, [])) for d, _ in items]
    scored = score_units([t for _, t in items], units, model)
    y = np.array(
        [
            any(a < e and s < b for a, b in gold[d])
            for (d, _), u in zip(items, units, strict=True)
            for s, e in u
        ],
        dtype=bool,
    )
    doc = np.concatenate(
        [np.full(len(u), i, dtype=np.int64) for i, u in enumerate(units)] or [np.zeros(0, np.int64)]
    )
    scores = np.concatenate([*scored, np.zeros(0)])
    cv = model.sentences["training"]["cross_validated"]
    fitted = sentence_figures(scores >= scored.threshold, y, doc)
    rows = [
        {"evaluation": CROSS_VALIDATED, "unit": "PTC line", **cv},
        {"evaluation": IN_SAMPLE, "unit": "PTC line", **fitted},
    ]
    return pl.DataFrame(rows, schema=SENTENCE_VALIDATION_SCHEMA)
