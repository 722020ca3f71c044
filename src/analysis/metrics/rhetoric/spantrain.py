"""Building the span detector (:mod:`~analysis.metrics.rhetoric._spanmodel`) from a PTC folder.

Run it through nox (``nox -s train_spans``), which rebuilds ``src/analysis/data/span_model.json``
and its model card ``span_model.md`` bit for bit from ``../shared/corpora/ptc``::

    python -m analysis.metrics.rhetoric.spantrain ../shared/corpora/ptc          # rebuild
    python -m analysis.metrics.rhetoric.spantrain ../shared/corpora/ptc --check  # 1 if it differs

Every word of an article (title and body lines, as :func:`read_ptc` reads them) is a training
token; it is positive for a technique when it overlaps an annotated span of that technique. One
logistic regression per technique (scikit-learn's liblinear, L2, fixed seed) over
:func:`~analysis.metrics.rhetoric._spanmodel.document_features`; features seen in fewer than
:data:`MIN_COUNT` tokens are dropped, weights rounded to
:data:`~analysis.metrics.rhetoric._spanmodel.COEF_DECIMALS` places and those below :data:`PRUNE`
set to zero before anything is scored, so the figures are those of the shipped weights.

Cross-validation is grouped by article (:data:`FOLDS` folds from a seeded permutation of the
sorted article ids). A technique's threshold is the one of :data:`THRESHOLDS` with the best
overlap F1; for the cross-validated figures each fold's threshold is chosen on the other folds'
out-of-fold scores. Those came from models that were trained on the scored fold among others, so
the thresholds carry a little of its labels (a nested selection would not); the weights that
score a fold never saw it. The shipped threshold is chosen on all out-of-fold scores.
"""

from __future__ import annotations

import hashlib
import multiprocessing
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from scipy import sparse

from analysis.core.data import exact_fit, retrain
from analysis.metrics.rhetoric import _spanmodel as M
from analysis.metrics.rhetoric._schema import TECHNIQUES
from analysis.metrics.rhetoric._sentmodel import SentenceModel, unit_maxima
from analysis.metrics.rhetoric._validation import _f1, read_ptc, sentence_figures, span_scores

__all__ = [
    "FOLDS",
    "MIN_COUNT",
    "PRUNE",
    "SEED",
    "THRESHOLDS",
    "C",
    "Design",
    "build",
    "cross_validate",
    "design",
    "fit_all",
    "folds",
    "main",
    "model_card",
    "token_folds",
]

FOLDS = 5
SEED = 20201
#: Stopping tolerance of every fit: tight enough that the solver reaches the optimum.
TOL = 1e-8
C = 1.0
MIN_COUNT = 3
#: Weights smaller than this (after rounding) are left out of the model.
PRUNE = 0.1
THRESHOLDS = tuple(round(0.05 * i, 2) for i in range(2, 19))


@dataclass
class Design:
    """The training tokens of a corpus: features, offsets and labels."""

    x: sparse.csr_matrix
    features: list[str]
    doc: np.ndarray  # index into doc_ids
    doc_ids: list[str]
    starts: np.ndarray
    ends: np.ndarray
    span: np.ndarray  # body span index within the document
    y: np.ndarray  # (tokens, techniques) bool


def design(
    docs: pl.DataFrame,
    spans: dict[str, list[tuple[int, int]]],
    labels: pl.DataFrame,
    techniques: Sequence[str] = TECHNIQUES,
) -> Design:
    """Feature matrix and token labels of every word of every document's body spans."""
    vocab: dict[str, int] = {}
    counts: list[int] = []
    rows: list[list[int]] = []
    doc_ix: list[np.ndarray] = []
    starts: list[np.ndarray] = []
    ends: list[np.ndarray] = []
    span_ix: list[np.ndarray] = []
    doc_ids = [str(d) for d in docs["doc_id"].to_list()]
    for i, (doc_id, text) in enumerate(zip(doc_ids, docs["text"].to_list(), strict=True)):
        tokens = M.document_tokens(text, spans.get(doc_id, []))
        for feats in M.document_features(tokens):
            row = []
            for f in feats:
                j = vocab.setdefault(f, len(vocab))
                if j == len(counts):
                    counts.append(0)
                counts[j] += 1
                row.append(j)
            rows.append(row)
        doc_ix.append(np.full(len(tokens.words), i, dtype=np.int64))
        starts.append(tokens.starts)
        ends.append(tokens.ends)
        span_ix.append(tokens.span)
    names = sorted(f for f, j in vocab.items() if counts[j] >= MIN_COUNT)
    column = {f: k for k, f in enumerate(names)}
    remap = np.full(len(vocab), -1, dtype=np.int64)
    for f, j in vocab.items():
        if f in column:
            remap[j] = column[f]
    indptr = [0]
    indices: list[int] = []
    for row in rows:
        kept = sorted({int(remap[j]) for j in row if remap[j] >= 0})
        indices.extend(kept)
        indptr.append(len(indices))
    x = sparse.csr_matrix(
        (np.ones(len(indices)), np.array(indices, dtype=np.int64), np.array(indptr)),
        shape=(len(rows), len(names)),
    )
    doc = np.concatenate(doc_ix) if doc_ix else np.zeros(0, dtype=np.int64)
    st = np.concatenate(starts) if starts else np.zeros(0, dtype=np.int64)
    en = np.concatenate(ends) if ends else np.zeros(0, dtype=np.int64)
    y = np.zeros((len(rows), len(techniques)), dtype=bool)
    col = {t: k for k, t in enumerate(techniques)}
    first = np.searchsorted(doc, np.arange(len(doc_ids)), side="left")
    last = np.searchsorted(doc, np.arange(len(doc_ids)), side="right")
    where = {d: i for i, d in enumerate(doc_ids)}
    for a, t, s, e in labels.select("article_id", "technique", "start", "end").iter_rows():
        at = where.get(str(a))
        if at is None or t not in col:
            continue
        lo, hi = first[at], last[at]
        inside = (st[lo:hi] < e) & (en[lo:hi] > s)
        y[lo:hi][inside, col[t]] = True
    span = np.concatenate(span_ix) if span_ix else np.zeros(0, dtype=np.int64)
    return Design(x, names, doc, doc_ids, st, en, span, y)


def folds(doc_ids: Sequence[str], n: int = FOLDS, seed: int = SEED) -> dict[str, int]:
    """Fold of each article: a seeded permutation of the sorted ids, dealt round robin."""
    ids = sorted(doc_ids)
    order = np.random.default_rng(seed).permutation(len(ids))
    return {ids[p]: k % n for k, p in enumerate(order.tolist())}


def token_folds(d: Design) -> np.ndarray:
    """The fold of each token (its article's, :func:`folds`)."""
    fold_of = folds(d.doc_ids)
    return np.array([fold_of[d.doc_ids[i]] for i in d.doc.tolist()], dtype=np.int64)


def _version(package: str) -> str:
    from importlib.metadata import version

    return version(package)


def _logistic(c: float, x: sparse.csr_matrix | np.ndarray, y: np.ndarray) -> Any:
    """A fitted liblinear logistic regression, solved to the optimum (``TOL``) on one BLAS thread:
    the rounded weights then do not depend on the path the solver took, which differs with the
    CPU's BLAS kernels, so the file rebuilds bit for bit on another machine."""
    from sklearn.linear_model import LogisticRegression

    with exact_fit():
        return LogisticRegression(C=c, solver="liblinear", tol=TOL, random_state=SEED).fit(x, y)


def _fit(x: sparse.csr_matrix, y: np.ndarray) -> tuple[np.ndarray, float]:
    """Rounded coefficients and intercept of one technique."""
    if not y.any():
        return np.zeros(x.shape[1]), -10.0
    m = _logistic(C, x, y)
    coef = np.round(m.coef_[0], M.COEF_DECIMALS)
    coef[np.abs(coef) < PRUNE] = 0.0
    return coef, round(float(m.intercept_[0]), M.COEF_DECIMALS)


_SHARED: dict[str, Any] = {}


def _fit_technique(t: int) -> tuple[list[tuple[np.ndarray, float]], tuple[np.ndarray, float]]:
    """One technique's fold models (trained without fold k, k in order) and its final model;
    run in a forked worker that inherits :data:`_SHARED`."""
    x, y, fold = _SHARED["x"], _SHARED["y"][:, t], _SHARED["fold"]
    per_fold = [_fit(x[fold != k], y[fold != k]) for k in range(FOLDS)]
    return per_fold, _fit(x, y)


def fit_all(
    x: sparse.csr_matrix, y: np.ndarray, fold: np.ndarray, workers: int = 2
) -> list[tuple[list[tuple[np.ndarray, float]], tuple[np.ndarray, float]]]:
    """:func:`_fit_technique` for every column of ``y``, ``workers`` processes at a time (each
    fit is single-threaded and seeded, so the result does not depend on ``workers``)."""
    _SHARED.update(x=x, y=y, fold=fold)
    try:
        if workers <= 1:
            return [_fit_technique(t) for t in range(y.shape[1])]
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(workers) as pool:
            return pool.map(_fit_technique, range(y.shape[1]), chunksize=1)
    finally:
        _SHARED.clear()


def _scores(x: sparse.csr_matrix, coef: np.ndarray, bias: float) -> np.ndarray:
    return M.sigmoid_scores(np.asarray(x @ coef).ravel() + bias)


def _hits(d: Design, scores: np.ndarray, technique: str, threshold: float) -> list[tuple]:
    """Runs of tokens at or above ``threshold`` in one line of one article (the inference's
    :func:`~analysis.metrics.rhetoric._spanmodel._runs`)."""
    line = d.doc * (int(d.span.max()) + 1 if d.span.size else 1) + d.span
    begin, end, _ = M._runs(scores, threshold, line)
    return [
        (d.doc_ids[d.doc[a]], technique, int(d.starts[a]), int(d.ends[b]))
        for a, b in zip(begin.tolist(), end.tolist(), strict=True)
    ]


_HITS = {"doc_id": pl.String(), "technique": pl.String(), "start": pl.Int64(), "end": pl.Int64()}


def _hits_frame(rows: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=_HITS, orient="row")


def _best_threshold(
    d: Design, scores: np.ndarray, technique: str, labels: pl.DataFrame, mask: np.ndarray
) -> float:
    """The threshold of :data:`THRESHOLDS` with the best overlap F1 on the tokens of ``mask``
    (ties: the higher threshold)."""
    docs = {d.doc_ids[i] for i in np.unique(d.doc[mask]).tolist()}
    gold = labels.filter(
        pl.col("article_id").is_in(list(docs)) & (pl.col("technique") == technique)
    )
    best, best_f = THRESHOLDS[-1], -1.0
    masked = np.where(mask, scores, -1.0)
    for th in THRESHOLDS:
        hits = _hits_frame(_hits(d, masked, technique, th))
        row = span_scores(hits, gold, techniques=[technique], n_boot=0).row(0, named=True)
        f = row["f1"] or 0.0
        if f >= best_f:
            best, best_f = th, f
    return best


def cross_validate(
    d: Design,
    labels: pl.DataFrame,
    fits: Sequence[tuple[list[tuple[np.ndarray, float]], tuple[np.ndarray, float]]],
    techniques: Sequence[str] = TECHNIQUES,
) -> tuple[pl.DataFrame, np.ndarray]:
    """Out-of-fold hits of every technique (each fold's threshold chosen on the other folds)
    and the out-of-fold scores ``(tokens, techniques)``, from :func:`fit_all`'s fold models."""
    fold = token_folds(d)
    oof = np.zeros((d.x.shape[0], len(techniques)))
    for t in range(len(techniques)):
        for k in range(FOLDS):
            coef, bias = fits[t][0][k]
            oof[fold == k, t] = _scores(d.x[fold == k], coef, bias)
    rows: list[tuple] = []
    for t, technique in enumerate(techniques):
        for k in range(FOLDS):
            th = _best_threshold(d, oof[:, t], technique, labels, fold != k)
            rows += _hits(d, np.where(fold == k, oof[:, t], -1.0), technique, th)
    return _hits_frame(rows).sort("doc_id", "start", "end", "technique"), oof


def _sha256(docs: pl.DataFrame, labels: pl.DataFrame) -> str:
    h = hashlib.sha256()
    for doc_id, text in docs.select("doc_id", "text").iter_rows():
        h.update(f"{doc_id}\0{text}\0".encode())
    for row in labels.sort(labels.columns).iter_rows():
        h.update(("\t".join(map(str, row)) + "\n").encode())
    return h.hexdigest()


def _hit_strings(hits: pl.DataFrame) -> dict[str, dict[str, str]]:
    """Hits as written in the model file: per article and technique, ``"start-end ..."``
    (read back by :func:`analysis.metrics.rhetoric._validation.cross_validated_hits`).

    >>> _hit_strings(_hits_frame([("a1", "Doubt", 3, 9), ("a1", "Doubt", 20, 31)]))
    {'a1': {'Doubt': '3-9 20-31'}}
    """
    out: dict[str, dict[str, str]] = {}
    for doc_id, technique, start, end in hits.sort("doc_id", "technique", "start").iter_rows():
        per = out.setdefault(doc_id, {})
        per[technique] = f"{per[technique]} {start}-{end}" if technique in per else f"{start}-{end}"
    return out


def _figures(frame: pl.DataFrame) -> dict[str, dict[str, Any]]:
    return {r.pop("technique"): r for r in frame.iter_rows(named=True)}


def build(folder: Path, date: str) -> M.SpanModel:
    """Train on every article of the PTC ``folder`` and cross-validate."""
    import sklearn

    docs, spans, labels = read_ptc(folder / "articles", folder / "labels.tsv")
    lines = {k: list(v) for k, v in spans.items()}
    d = design(docs, lines, labels)
    fits = fit_all(d.x, d.y, token_folds(d))
    cv_hits, oof = cross_validate(d, labels, fits)
    sentences = train_sentences(d, units(d, docs, lines, labels), oof)
    cv = span_scores(cv_hits, labels)
    all_docs = np.ones(d.x.shape[0], dtype=bool)
    thresholds = np.array(
        [_best_threshold(d, oof[:, t], tech, labels, all_docs) for t, tech in enumerate(TECHNIQUES)]
    )
    w = np.stack([final[0] for _, final in fits], axis=1)
    bias = [final[1] for _, final in fits]
    keep = np.flatnonzero(np.abs(w).sum(axis=1) > 0)
    weights = {d.features[j]: w[j] for j in keep.tolist()}
    training = {
        "date": date,
        "library": f"scikit-learn {sklearn.__version__} LogisticRegression("
        f"C={C}, solver='liblinear', tol={TOL}, random_state={SEED}); "
        f"wordfreq {_version('wordfreq')}; "
        f"vaderSentiment {_version('vaderSentiment')}",
        "articles": len(d.doc_ids),
        "annotated_spans": labels.height,
        "tokens": int(d.x.shape[0]),
        "features_min_count": len(d.features),
        "features_kept": len(weights),
        "data_sha256": _sha256(docs, labels),
        "folds": FOLDS,
        "seed": SEED,
        "min_count": MIN_COUNT,
        "cross_validated": _figures(cv),
        # the out-of-fold hits behind those figures, so that a union with the lexicon's hits
        # can be scored (ptc_validation) without training again
        "cross_validated_hits": _hit_strings(cv_hits),
    }
    model = M.SpanModel(date, TECHNIQUES, thresholds, np.array(bias), weights, training)
    model.sentences = sentences.to_json()
    return model


def model_card(model: M.SpanModel) -> str:
    """The model card (Markdown) of ``model``."""
    t = model.training
    lines = [
        "# Span detector: model card",
        "",
        "Generated by `python -m analysis.metrics.rhetoric.spantrain` (`nox -s train_spans`) with",
        f"the model file `{M.MODEL_FILE}`; do not edit by hand. Model version `{model.version}`.",
        "",
        "**What it does.** Finds spans of the 14 propaganda techniques of the Propaganda",
        "Techniques Corpus (PTC; Da San Martino et al., EMNLP 2019; SemEval-2020 Task 11) in the",
        "body of an English news article: each word gets a score per technique, and words at or",
        "above the technique's threshold that follow each other make one hit.",
        "",
        f"**Model.** One logistic regression per technique ({t['library']}) over each word's",
        "features: the word itself (lowercased, shape, affixes, Zipf frequency band from the",
        "`wordfreq` package, absolute valence band from the VADER lexicon of the",
        "`vaderSentiment` package: Hutto & Gilbert, ICWSM 2014, MIT), the word before and after",
        "it (word, Zipf and valence bands; the Zipf band of the second before and after) within",
        "its span, and how often the word and its word pairs recur in",
        "the document. Spans are PTC lines here (mostly one sentence each) and body spans",
        "(paragraphs) in a run. No lexicon term is a feature (the lexicons were tuned on these",
        f"articles). Features seen in fewer than {t['min_count']} words are dropped; of the",
        f"{t['features_min_count']:,} left, {t['features_kept']:,} keep a weight. Weights are",
        f"rounded to {M.COEF_DECIMALS} places, scores to {M.DECIMALS}. See",
        "`analysis.metrics.rhetoric._spanmodel`.",
        "",
        f"**Training data.** The {t['articles']} PTC articles of `../shared/corpora/ptc` (part of",
        f"the SemEval-2020 Task 11 training set), {t['annotated_spans']:,} annotated spans,",
        f"{t['tokens']:,} words. Research use under the task organisers' terms; cite Da San",
        f"Martino et al. (SemEval-2020). Training data sha256: `{t['data_sha256']}`.",
        "",
        f"**Cross-validated figures** ({t['folds']}-fold, grouped by article, seed {t['seed']};",
        "each fold scored by weights that never saw it, at a threshold chosen on the other",
        "folds' out-of-fold scores, whose models did see it: a small leak a nested selection",
        "would avoid; 95% intervals from 1,000 article bootstrap draws). *Overlap*: a hit is",
        "correct when it overlaps an annotated span of",
        "its technique, a span is found when a hit overlaps it. *Char*: SemEval-2020's",
        "character-level precision and recall.",
        "",
        "| technique | threshold | hits | precision | 95% interval | recall | 95% interval "
        "| F1 | char precision | char recall |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]

    def f(x: float | None) -> str:
        return "" if x is None else f"{x:.2f}"

    for i, tech in enumerate(model.techniques):
        r = t["cross_validated"][tech]
        lines.append(
            f"| {tech} | {model.thresholds[i]:.2f} | {r['hits']} | {f(r['precision'])} "
            f"| {f(r['precision_low'])}-{f(r['precision_high'])} | {f(r['recall'])} "
            f"| {f(r['recall_low'])}-{f(r['recall_high'])} | {f(r['f1'])} "
            f"| {f(r['char_precision'])} | {f(r['char_recall'])} |"
        )
    if model.sentences is not None:
        sv = model.sentences["training"]
        r = sv["cross_validated"]
        lines += [
            "",
            "**Sentence view** (`analysis.metrics.rhetoric._sentmodel`): whether a sentence holds",
            "any technique. Stage 1: a logistic regression over the sentence's words and word",
            f"pairs (seen in at least {sv['min_df']} training lines; "
            f"{sv['terms_kept']:,} keep a weight)",
            "and its length and punctuation; stage 2: over the stage-1 logit, those of the",
            "sentences around it and the mean of its document's, the span model's highest token",
            "score per technique, and its place in the document. Regularisation C = "
            f"{sv['c'][0]} and {sv['c'][1]}; threshold {model.sentences['threshold']:.2f}.",
            "Cross-validated with the same folds (PTC lines as the unit; a line is positive when",
            "an annotated span of any technique overlaps it). Stage 2 learns from out-of-fold",
            "features and its thresholds from other folds, both from models that saw the scored",
            "fold among others (the small leak of the span figures):",
            "",
            "| lines | positive | flagged | precision | recall | F1 | 95% interval "
            "| all-positive F1 |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |",
            f"| {r['sentences']:,} | {r['positive']:,} | {r['flagged']:,} | {f(r['precision'])} "
            f"| {f(r['recall'])} | {f(r['f1'])} | {f(r['f1_low'])}-{f(r['f1_high'])} "
            f"| {f(r['all_positive_f1'])} |",
            "",
            "Anchors from the 2019 shared task's sentence-level task (a different split): a",
            "linear baseline 0.55, the winning system 0.63. The regularisation and the stage-2",
            "features were chosen looking at these cross-validated figures.",
        ]
    lines += [
        "",
        "**Limits.** 232 articles from a few mostly US outlets of 2017-2019, annotated by",
        "a handful of annotators; rare techniques have few examples and wide intervals. The",
        "figures are for English news like the PTC's; on other text, check a sample by hand.",
        "",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    return retrain(
        argv,
        prog="python -m analysis.metrics.rhetoric.spantrain",
        description=__doc__,
        source_help="a PTC folder (articles/, labels.tsv)",
        model_file=M.MODEL_FILE,
        build=build,
        dumps=M.dumps,
        card_file="span_model.md",
        card=model_card,
    )


#: The sentence view's regularisation (stage 1, stage 2), minimum number of training sentences
#: a term must occur in, and the smallest term weight kept.
SENTENCE_C = (0.1, 1.0)
SENTENCE_MIN_DF = 2
SENTENCE_PRUNE = 0.01


@dataclass
class Units:
    """The PTC lines as sentence units: text, label, article and place."""

    texts: list[str]
    y: np.ndarray  # overlaps an annotated span of any technique
    doc: np.ndarray  # index into Design.doc_ids


def units(
    d: Design, docs: pl.DataFrame, spans: dict[str, list[tuple[int, int]]], labels: pl.DataFrame
) -> Units:
    """Every line of every article, labelled positive when an annotated span overlaps it."""
    gold: dict[str, list[tuple[int, int]]] = {}
    for a, s, e in labels.select("article_id", "start", "end").iter_rows():
        gold.setdefault(str(a), []).append((int(s), int(e)))
    text_of = dict(
        zip(docs["doc_id"].cast(pl.String).to_list(), docs["text"].to_list(), strict=True)
    )
    texts: list[str] = []
    y: list[bool] = []
    doc: list[int] = []
    for i, doc_id in enumerate(d.doc_ids):
        text = text_of[doc_id]
        for s, e in spans.get(doc_id, []):
            texts.append(text[s:e])
            y.append(any(a < e and s < b for a, b in gold.get(doc_id, [])))
            doc.append(i)
    return Units(texts, np.array(y, dtype=bool), np.array(doc, dtype=np.int64))


def _token_max(d: Design, u: Units, scores: np.ndarray) -> np.ndarray:
    """The highest token score of each unit, per technique (0 for a unit without words)."""
    first = np.searchsorted(u.doc, np.arange(len(d.doc_ids)), side="left")
    return unit_maxima(scores, first[d.doc] + d.span, len(u.texts))


def _fit_stage1(texts: Sequence[str], y: np.ndarray) -> SentenceModel:
    from analysis.metrics.rhetoric._sentmodel import EXTRAS, _extras, sentence_terms

    sets = [sentence_terms(t) for t in texts]
    df: dict[str, int] = {}
    for s in sets:
        for term in s:
            df[term] = df.get(term, 0) + 1
    names = sorted(t for t, n in df.items() if n >= SENTENCE_MIN_DF)
    column = {t: j for j, t in enumerate(names)}
    rows, cols = [], []
    for i, s in enumerate(sets):
        for j in sorted(column[t] for t in s if t in column):
            rows.append(i)
            cols.append(j)
    x = sparse.hstack(
        [
            sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(texts), len(names))),
            sparse.csr_matrix(np.array([_extras(t) for t in texts])),
        ]
    ).tocsr()
    m = _logistic(SENTENCE_C[0], x, y)
    coef = np.round(m.coef_[0], M.COEF_DECIMALS)
    terms = {t: float(coef[j]) for j, t in enumerate(names) if abs(coef[j]) >= SENTENCE_PRUNE}
    extras = coef[len(names) : len(names) + len(EXTRAS)]
    bias = round(float(m.intercept_[0]), M.COEF_DECIMALS)
    return SentenceModel(terms, extras, bias, np.zeros(0), 0.0, 0.5, {})


def _context(u: Units, margins: np.ndarray, token_max: np.ndarray) -> np.ndarray:
    from analysis.metrics.rhetoric._sentmodel import context_features

    parts = []
    for i in np.unique(u.doc).tolist():
        ix = np.flatnonzero(u.doc == i)
        parts.append(context_features(margins[ix], token_max[ix], [u.texts[j] for j in ix]))
    return np.vstack(parts)


def _fit_stage2(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    m = _logistic(SENTENCE_C[1], x, y)
    return np.round(m.coef_[0], M.COEF_DECIMALS), round(float(m.intercept_[0]), M.COEF_DECIMALS)


def _best_sentence_threshold(scores: np.ndarray, y: np.ndarray) -> float:
    best, best_f = THRESHOLDS[-1], -1.0
    for th in THRESHOLDS:
        f = _f1(scores >= th, y)
        if f >= best_f:
            best, best_f = th, f
    return best


def train_sentences(d: Design, u: Units, oof: np.ndarray) -> SentenceModel:
    """The sentence view, cross-validated by article with the span model's folds: stage 1 of
    each fold fitted on the other folds' lines, stage 2 on the other folds' out-of-fold
    features (the span model's token scores are out of fold too), each fold's threshold chosen
    on the other folds; the shipped stages are fitted on every line (stage 2 on the out-of-fold
    features, as in the folds)."""
    fold_of = folds(d.doc_ids)
    fold = np.array([fold_of[d.doc_ids[i]] for i in u.doc.tolist()], dtype=np.int64)
    from analysis.metrics.rhetoric._sentmodel import stage1_margins

    margins = np.zeros(len(u.texts))
    for k in range(FOLDS):
        train = np.flatnonzero(fold != k)
        test = np.flatnonzero(fold == k)
        stage1 = _fit_stage1([u.texts[i] for i in train], u.y[train])
        margins[test] = stage1_margins([u.texts[i] for i in test], stage1)
    x2 = _context(u, margins, _token_max(d, u, oof))
    scores = np.zeros(len(u.texts))
    for k in range(FOLDS):
        coef, bias = _fit_stage2(x2[fold != k], u.y[fold != k])
        scores[fold == k] = M.sigmoid_scores(x2[fold == k] @ coef + bias)
    pred = np.zeros(len(u.texts), dtype=bool)
    for k in range(FOLDS):
        th = _best_sentence_threshold(scores[fold != k], u.y[fold != k])
        pred[fold == k] = scores[fold == k] >= th
    final = _fit_stage1(u.texts, u.y)
    final.coef2, final.bias2 = _fit_stage2(x2, u.y)
    final.threshold = _best_sentence_threshold(scores, u.y)
    final.training = {
        "unit": "PTC line",
        "cross_validated": sentence_figures(pred, u.y, u.doc, seed=SEED),
        "c": list(SENTENCE_C),
        "min_df": SENTENCE_MIN_DF,
        "terms_kept": len(final.terms),
    }
    return final


if __name__ == "__main__":
    raise SystemExit(main())
