"""The sentence view: whether a sentence holds any propaganda technique, learned from the PTC.

Two logistic regressions, stored in the span model's file (section ``sentences``) and trained with
it by :mod:`analysis.metrics.rhetoric.spantrain`:

1. *Words*: the sentence's lowercased words of two or more letters and its word pairs (the terms
   of scikit-learn's ``CountVectorizer(ngram_range=(1, 2))``, counted once each; tests check
   they are the same), plus :data:`EXTRAS` (length, quote marks, ``!``, ``?``).
2. *Context*: the stage-1 logit of the sentence, the mean of the other sentences' of its
   document, those of the sentences before and after it, the span model's highest token score
   in the sentence for each technique (as a logit), and :data:`CONTEXT` (length, place in the
   document). A document dense with propaganda makes each of its sentences likelier to hold
   some.

A sentence is flagged when its score (rounded to ``DECIMALS`` places) reaches the threshold.
The unit is whatever spans are given: PTC lines when validating (one sentence each, mostly),
body sentences (:func:`analysis.metrics.rhetoric.sentence_spans`) in a run.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from analysis.metrics.rhetoric._cues import sentence_spans
from analysis.metrics.rhetoric._spanmodel import (
    BATCH,
    DECIMALS,
    SpanModel,
    _batch,
    _scores,
    document_tokens,
    load_span_model,
    sigmoid_scores,
)

__all__ = [
    "CONTEXT",
    "EXTRAS",
    "SENTENCES_SCHEMA",
    "SHARE_SCHEMA",
    "SentenceModel",
    "UnitScores",
    "context_features",
    "load_sentence_model",
    "score_units",
    "sentence_share",
    "sentence_terms",
    "stage1_margins",
    "technique_sentences",
    "unit_scores",
]

#: scikit-learn ``CountVectorizer``'s default token pattern.
_TERM = re.compile(r"(?u)\b\w\w+\b")
_QUOTE = re.compile('["“”«»]')

#: Stage-1 features besides the terms.
EXTRAS = ("log_words", "short", "quote", "exclamation", "question")
#: Stage-2 features besides the logits and the span model's scores.
CONTEXT = ("log_words", "first", "position", "log_units", "quote", "exclamation")
#: Clip of the span model's scores before taking their logit.
_CLIP = 1e-4


def sentence_terms(text: str) -> set[str]:
    """The sentence's words and word pairs, lowercased (each once).

    >>> sorted(sentence_terms("So-called «experts» lie, a lie."))
    ['called', 'called experts', 'experts', 'experts lie', 'lie', 'lie lie', 'so', 'so called']
    """
    words = _TERM.findall(text.lower())
    return set(words) | {f"{a} {b}" for a, b in itertools.pairwise(words)}


def _extras(text: str) -> list[float]:
    n = len(text.split())
    return [
        math.log1p(n),
        float(n < 8),
        float(bool(_QUOTE.search(text))),
        float("!" in text),
        float("?" in text),
    ]


@dataclass
class SentenceModel:
    """The two stages (see the module docstring)."""

    terms: dict[str, float]
    extras: np.ndarray  # weights of EXTRAS
    bias1: float
    coef2: np.ndarray  # logit, mean of others, previous, next, per technique, CONTEXT
    bias2: float
    threshold: float
    training: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {
            "terms": dict(sorted(self.terms.items())),
            "extras": [float(x) for x in self.extras],
            "bias1": self.bias1,
            "coef2": [float(x) for x in self.coef2],
            "bias2": self.bias2,
            "threshold": self.threshold,
            "training": self.training,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SentenceModel:
        return cls(
            terms={str(k): float(v) for k, v in data["terms"].items()},
            extras=np.array(data["extras"], dtype=np.float64),
            bias1=float(data["bias1"]),
            coef2=np.array(data["coef2"], dtype=np.float64),
            bias2=float(data["bias2"]),
            threshold=float(data["threshold"]),
            training=dict(data["training"]),
        )


def stage1_margins(texts: Sequence[str], model: SentenceModel) -> np.ndarray:
    """Stage-1 margin (logit) of each sentence text."""
    get = model.terms.get
    out = np.empty(len(texts))
    for i, text in enumerate(texts):
        total = model.bias1 + float(np.dot(model.extras, _extras(text)))
        for term in sorted(sentence_terms(text)):
            total += get(term, 0.0)
        out[i] = total
    return out


def context_features(
    margins: np.ndarray, token_max: np.ndarray, texts: Sequence[str]
) -> np.ndarray:
    """Stage-2 features of one document's sentences, in order: ``(sentences, features)``.

    ``margins`` are the stage-1 logits, ``token_max`` the span model's highest token score per
    sentence and technique (0 for a sentence without words).
    """
    n = margins.size
    if not n:
        return np.zeros((0, 4 + token_max.shape[1] + len(CONTEXT)))
    total = margins.sum()
    others = (total - margins) / max(1, n - 1)
    mean = total / n
    previous = np.concatenate([[mean], margins[:-1]])
    following = np.concatenate([margins[1:], [mean]])
    clipped = np.clip(token_max, _CLIP, 1 - _CLIP)
    logits = np.log(clipped / (1 - clipped))
    rows = []
    for i, text in enumerate(texts):
        e = _extras(text)
        rows.append([e[0], float(i == 0), i / max(1, n - 1), math.log1p(n), e[2], e[3]])
    return np.column_stack([margins, others, previous, following, logits, np.array(rows)])


def unit_scores(texts: Sequence[str], token_max: np.ndarray, model: SentenceModel) -> np.ndarray:
    """Scores of one document's sentences (rounded to ``DECIMALS`` places)."""
    feats = context_features(stage1_margins(texts, model), token_max, texts)
    if not feats.shape[0]:
        return np.zeros(0)
    return np.round(sigmoid_scores(feats @ model.coef2 + model.bias2), DECIMALS)


def load_sentence_model() -> SentenceModel:
    """The shipped sentence view (section ``sentences`` of ``data/span_model.json``)."""
    data = load_span_model().sentences
    if data is None:
        raise ValueError("the span model file has no sentence view")
    return SentenceModel.from_json(data)


#: Columns of the ``technique_sentences`` table. Sorted by doc_id, sentence_no.
SENTENCES_SCHEMA = pl.Schema(
    {
        "doc_id": pl.String(),
        "sentence_no": pl.Int64(),  # 1-based, as in rhetoric_hits
        "start": pl.Int64(),  # text[start:end] is the sentence
        "end": pl.Int64(),
        "score": pl.Float64(),  # DECIMALS places
        "flagged": pl.Boolean(),  # score >= the model's threshold: holds some technique
    }
)

#: Columns of :func:`sentence_share`. Sorted by the key.
SHARE_SCHEMA = pl.Schema(
    {
        "sentences": pl.Int64(),
        "flagged": pl.Int64(),
        "share": pl.Float64(),  # flagged / sentences (documents without sentences have no row)
    }
)


def unit_maxima(scores: np.ndarray, unit: np.ndarray, units: int) -> np.ndarray:
    """``(units, techniques)``: the highest token score of each unit per technique (0 for a unit
    without tokens); ``unit`` gives each token's unit.

    Tokens come in unit order, so each unit's tokens are one run and its maximum is one
    ``np.maximum.reduceat``; ``np.maximum.at`` (the same maxima, whatever the order) is used
    otherwise.

    >>> s = np.array([[0.1, 0.9], [0.4, 0.2], [0.3, 0.3]])
    >>> unit_maxima(s, np.array([0, 0, 2]), 3).tolist()
    [[0.4, 0.9], [0.0, 0.0], [0.3, 0.3]]
    """
    out = np.zeros((units, scores.shape[1]))
    if not unit.size:
        return out
    if np.all(unit[1:] >= unit[:-1]):
        starts = np.flatnonzero(np.concatenate([[True], unit[1:] != unit[:-1]]))
        out[unit[starts]] = np.maximum(0.0, np.maximum.reduceat(scores, starts, axis=0))
    else:
        np.maximum.at(out, unit, scores)
    return out


class UnitScores(list[np.ndarray]):
    """Scores of each document's units, and the threshold that flags them."""

    threshold: float = 0.5


def score_units(
    texts: Sequence[str],
    units: Sequence[Sequence[tuple[int, int]]],
    model: SpanModel | None = None,
) -> UnitScores:
    """The sentence view's score of every unit of every document (``units[i]``: spans of
    ``texts[i]``), :data:`BATCH` documents at a time; the span model's token scores are read
    with each unit as its own span, as on the PTC lines both were trained on."""
    span_model = model or load_span_model()
    if span_model.sentences is None:
        raise ValueError("the span model file has no sentence view")
    sm = SentenceModel.from_json(span_model.sentences)
    out = UnitScores()
    out.threshold = sm.threshold
    for b in range(0, len(texts), BATCH):
        chunk = list(zip(texts[b : b + BATCH], units[b : b + BATCH], strict=True))
        tokens, doc = _batch(
            [document_tokens(t, list(u)) for t, u in chunk], [len(u) for _, u in chunk]
        )
        scores = _scores(tokens, doc, span_model)
        offset = np.concatenate([[0], np.cumsum([len(u) for _, u in chunk])]).astype(np.int64)
        token_max = unit_maxima(scores, tokens.span, int(offset[-1]))
        for i, (text, u) in enumerate(chunk):
            texts_i = [text[s:e] for s, e in u]
            out.append(unit_scores(texts_i, token_max[offset[i] : offset[i + 1]], sm))
    return out


def technique_sentences(
    docs: pl.DataFrame,
    spans: Mapping[str, Sequence[tuple[int, int]]],
    model: SpanModel | None = None,
) -> pl.DataFrame:
    """Every body sentence with its score and whether it holds any technique
    (:data:`SENTENCES_SCHEMA`).

    Sentences are those of :func:`analysis.metrics.rhetoric.sentence_spans` (numbered as in
    ``rhetoric_hits``); the span model's token scores are read with each sentence as its own span,
    as on the PTC lines it was trained on. Documents are scored in batches; every value is the
    document's own.

    >>> docs = pl.DataFrame({"doc_id": ["d"], "text": ["Title\\nThey lie. The evil regime lies."]})
    >>> table = technique_sentences(docs, {"d": [(0, 5), (6, 35)]})
    >>> table.select("sentence_no", "start", "end").rows()
    [(1, 0, 5), (2, 6, 16), (3, 16, 35)]
    """
    items = [(str(d), t) for d, t in docs.select("doc_id", "text").iter_rows() if t is not None]
    units = [sentence_spans(t, spans.get(d, [])) for d, t in items]
    frames: list[pl.DataFrame] = []
    scored = score_units([t for _, t in items], units, model)
    for (doc_id, _), u, sc in zip(items, units, scored, strict=True):
        if not u:
            continue
        threshold = scored.threshold
        frames.append(
            pl.DataFrame(
                {
                    "doc_id": [doc_id] * len(u),
                    "sentence_no": np.arange(1, len(u) + 1),
                    "start": [a for a, _ in u],
                    "end": [b for _, b in u],
                    "score": sc,
                    "flagged": sc >= threshold,
                },
                schema=SENTENCES_SCHEMA,
            )
        )
    frame = pl.concat(frames) if frames else pl.DataFrame(schema=SENTENCES_SCHEMA)
    return frame.sort("doc_id", "sentence_no")


def sentence_share(sentences: pl.DataFrame, by: pl.DataFrame | None = None) -> pl.DataFrame:
    """Share of sentences flagged, per document or per group: ``key``, ``sentences``,
    ``flagged``, ``share``.

    ``by`` (``doc_id`` and one key column, e.g. ``outlet``) pools the documents of each key
    (all their flagged sentences over all their sentences); without it the key is ``doc_id``.

    >>> s = pl.DataFrame({"doc_id": ["a", "a", "b"], "flagged": [True, False, False]})
    >>> sentence_share(s).rows()
    [('a', 2, 1, 0.5), ('b', 1, 0, 0.0)]
    """
    key = "doc_id"
    frame = sentences.select("doc_id", "flagged")
    if by is not None:
        key = next(c for c in by.columns if c != "doc_id")
        frame = frame.join(by.select("doc_id", key), on="doc_id", how="left")
    out = frame.group_by(key).agg(
        pl.len().cast(pl.Int64).alias("sentences"),
        pl.col("flagged").sum().cast(pl.Int64).alias("flagged"),
    )
    share = pl.when(pl.col("sentences") > 0).then(pl.col("flagged") / pl.col("sentences"))
    return out.with_columns(share.alias("share")).cast(SHARE_SCHEMA).sort(key)
