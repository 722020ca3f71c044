"""The line classifier: how likely each line of a page dump is article text, for any outlet.

Two logistic regressions, stored as text in ``data/line_model.json`` (built by
:mod:`analysis.provenance.linetrain`, described in ``data/line_model.md``):

1. stage 1 reads each line's own features (:data:`analysis.provenance.linefeatures.FEATURES`);
2. stage 2 reads the same features plus the stage-1 scores of the lines around it
   (:data:`CONTEXT_FEATURES`: scores averaged over windows, the neighbours' scores, the share of
   likely article words before and after, and whether the line lies in the page's densest run of
   likely article lines). An article is a run of paragraphs; a teaser among headlines is not.

Each model is ``p = 1 / (1 + exp(-(((x - mean) / scale) . coef + intercept)))``. A line is article
text when stage 2 gives at least ``threshold``. Scores are rounded to :data:`DECIMALS` places, so
a document's labels never depend on the other documents of a batch or on floating-point noise.

Examples
--------
>>> page = "Home\\nNews\\nSport\\nWeather\\n\\nParliament passes the budget\\n\\n"
>>> page += "The lower house of parliament passed the budget for next year on Tuesday, after a "
>>> page += "debate that lasted for most of the night and ended with a narrow vote.\\n\\n"
>>> page += "Share this article\\nFacebook\\nTwitter"
>>> scores = score_lines(page)
>>> [float(s) >= load_model().threshold for s in scores[[0, 7, 9]]]
[False, True, False]
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import polars as pl

from analysis.core.data import read_text
from analysis.provenance.linefeatures import FEATURES, line_features

__all__ = [
    "CONTEXT_FEATURES",
    "DECIMALS",
    "MODEL_FILE",
    "WINDOWS",
    "LineModel",
    "Stage",
    "context_features",
    "dumps",
    "load_model",
    "measured",
    "score_lines",
    "scored_lines",
    "stage_inputs",
]

#: Decimal places of every score (fixed precision: the same text always gives the same labels).
DECIMALS = 4

#: The model file in ``src/analysis/data/``.
MODEL_FILE = "line_model.json"

#: Half-widths, in scored lines, of the windows whose mean stage-1 score stage 2 reads.
WINDOWS = (1, 3, 8, 20)

#: Names of the columns :func:`context_features` returns, in order.
CONTEXT_FEATURES: tuple[str, ...] = (
    "score",
    *(f"window_{h}" for h in WINDOWS),
    "prev_score",
    "next_score",
    "article_words_before",
    "article_words_after",
    "max_score_before",
    "max_score_after",
    "in_main_run",
    "log_words_before_run",
    "log_words_after_run",
)


@dataclass(frozen=True)
class Stage:
    """One standardised logistic regression over named features."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    def proba(self, x: np.ndarray) -> np.ndarray:
        """Probability of the positive class for each row of ``x``."""
        z = ((x - self.mean) / self.scale) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-z))

    def to_json(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "mean": [float(v) for v in self.mean],
            "scale": [float(v) for v in self.scale],
            "coef": [float(v) for v in self.coef],
            "intercept": float(self.intercept),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Stage:
        return cls(
            tuple(data["features"]),
            np.asarray(data["mean"], dtype=np.float64),
            np.asarray(data["scale"], dtype=np.float64),
            np.asarray(data["coef"], dtype=np.float64),
            float(data["intercept"]),
        )


@dataclass(frozen=True)
class LineModel:
    """The two stages, the decision threshold and what the model was built from."""

    version: str
    stage1: Stage
    stage2: Stage
    threshold: float
    training: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {
            "format": "analysis line model",
            "version": self.version,
            "threshold": self.threshold,
            "decimals": DECIMALS,
            "stage1": self.stage1.to_json(),
            "stage2": self.stage2.to_json(),
            "training": self.training,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LineModel:
        model = cls(
            str(data["version"]),
            Stage.from_json(data["stage1"]),
            Stage.from_json(data["stage2"]),
            float(data["threshold"]),
            dict(data.get("training", {})),
        )
        if model.stage1.features != FEATURES:
            raise ValueError("the line model's stage-1 features are not linefeatures.FEATURES")
        if model.stage2.features != FEATURES + CONTEXT_FEATURES:
            raise ValueError(
                "the line model's stage-2 features are not FEATURES + CONTEXT_FEATURES"
            )
        return model


def dumps(model: LineModel) -> str:
    """The model file's text: sorted keys, two-space indent, one trailing newline."""
    return json.dumps(model.to_json(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


@cache
def load_model() -> LineModel:
    """The shipped model (``data/line_model.json``)."""
    text = read_text(MODEL_FILE)
    return LineModel.from_json(json.loads(text))


def measured(model: LineModel | None = None) -> pl.DataFrame:
    """The model's figures as its model card gives them: bag-of-words precision, recall and F1
    of the body per page, cross-validated on the training pages and on pages it was never fitted on.

    >>> measured().filter(pl.col("pages") == "cross-validated").columns
    ['pages', 'dataset', 'n', 'precision', 'recall', 'f1']
    """
    training = (model or load_model()).training
    rows = [
        (label, dataset, r["pages"], *r["precision_recall_f1"])
        for key, label in (("cross_validated", "cross-validated"), ("unseen", "never fitted on"))
        for dataset, r in training.get(key, {}).items()
    ]
    schema = {
        "pages": pl.String(),
        "dataset": pl.String(),
        "n": pl.Int64(),
        "precision": pl.Float64(),
        "recall": pl.Float64(),
        "f1": pl.Float64(),
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


def scored_lines(features: np.ndarray) -> np.ndarray:
    """Indices of the lines the model scores: those with a letter or a digit."""
    words = features[:, FEATURES.index("words")]
    digits = features[:, FEATURES.index("digit_share")]
    return np.flatnonzero((words > 0) | (digits > 0))


def _main_run(gain: np.ndarray) -> tuple[int, int]:
    """``(first, last)`` of the run with the largest positive total ``gain``; (0, -1) if none.

    >>> _main_run(np.array([-1.0, 2.0, -0.5, 3.0, -4.0, 1.0]))
    (1, 3)
    """
    if not gain.size:
        return 0, -1
    cum = np.concatenate([[0.0], np.cumsum(gain)])
    low = np.minimum.accumulate(cum)
    best = cum[1:] - low[:-1]  # best total of a run ending at each line
    last = int(np.argmax(best))
    if best[last] <= 0:
        return 0, -1
    first = int(np.argmax(cum[: last + 1] == low[last]))
    return first, last


def context_features(score: np.ndarray, log_words: np.ndarray) -> np.ndarray:
    """Stage 2's context columns (:data:`CONTEXT_FEATURES`) for the scored lines of one page.

    ``score`` is stage 1's score and ``log_words`` ``log(1 + words)`` of each scored line, in
    page order.

    >>> ctx = context_features(np.array([0.1, 0.9, 0.8, 0.2]), np.log1p(np.array([1, 30, 20, 2])))
    >>> [round(float(v), 2) for v in ctx[:, CONTEXT_FEATURES.index("in_main_run")]]
    [0.0, 1.0, 1.0, 0.0]
    """
    n = score.size
    idx = np.arange(n)
    weight = log_words + 0.1
    cum = np.concatenate([[0.0], np.cumsum(score * weight)])
    cum_w = np.concatenate([[0.0], np.cumsum(weight)])
    cols = [score]
    for h in WINDOWS:
        lo, hi = np.maximum(idx - h, 0), np.minimum(idx + h + 1, n)
        cols.append((cum[hi] - cum[lo]) / (cum_w[hi] - cum_w[lo]))
    cols.append(np.concatenate([[0.0], score[:-1]]))
    cols.append(np.concatenate([score[1:], [0.0]]))
    words = np.expm1(log_words)
    mass = np.cumsum(score * words)
    total = max(float(mass[-1]), 1e-9) if n else 1.0
    cols.append((mass - score * words) / total)
    cols.append((total - mass) / total)
    cols.append(np.maximum.accumulate(score) if n else score)
    cols.append(np.maximum.accumulate(score[::-1])[::-1] if n else score)
    first, last = _main_run((score - 0.5) * words)
    cols.append(((idx >= first) & (idx <= last)).astype(np.float64))
    cum_words = np.concatenate([[0.0], np.cumsum(words)])
    before = np.where(idx < first, cum_words[first] - cum_words[np.minimum(idx + 1, n)], 0.0)
    after = (
        np.where(idx > last, cum_words[idx] - cum_words[last + 1], 0.0) if last >= 0 else 0 * idx
    )
    cols.append(np.log1p(np.maximum(before, 0.0)))
    cols.append(np.log1p(np.maximum(after, 0.0)))
    return np.column_stack(cols) if n else np.zeros((0, len(CONTEXT_FEATURES)))


def stage_inputs(features: np.ndarray, stage1: Stage) -> tuple[np.ndarray, np.ndarray]:
    """Stage 1 scores and stage 2's input rows for the scored lines of one page."""
    rows = features[scored_lines(features)]
    first = np.round(stage1.proba(rows), DECIMALS)
    ctx = context_features(first, rows[:, FEATURES.index("log_words")])
    return first, np.hstack([rows, ctx])


def score_lines(text: str, model: LineModel | None = None) -> np.ndarray:
    """The article score of every line of ``text`` (``text.split("\\n")``); NaN where unscored.

    Lines without a letter or a digit are not scored.
    """
    model = model or load_model()
    features = line_features(text)
    out = np.full(features.shape[0], np.nan)
    index = scored_lines(features)
    if index.size:
        _, second = stage_inputs(features, model.stage1)
        out[index] = np.round(model.stage2.proba(second), DECIMALS)
    return out
