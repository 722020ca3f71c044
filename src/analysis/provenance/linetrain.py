"""Building the line classifier (:mod:`~analysis.provenance.linemodel`) from pages with gold bodies.

Run it through nox (``nox -s train_lines``), which rebuilds ``src/analysis/data/line_model.json``
and its model card ``line_model.md`` bit for bit from ``../shared/corpora/pages-dev``::

    python -m analysis.provenance.linetrain ../shared/corpora/pages-dev          # rebuild
    python -m analysis.provenance.linetrain ../shared/corpora/pages-dev --check  # 1 if it differs

Training pages: only datasets whose terms allow a shipped model (:data:`TRAIN_DATASETS`; not
L3S-GN1, research use only, and not dragnet, AGPL-3.0). The other pages are scored as unseen
pages in the model card and never used to fit anything.

Line labels come from the gold body: the page's ``\\w+`` tokens are aligned to the gold body's
with :class:`difflib.SequenceMatcher`, and a line is article text when at least half of its tokens
are matched. Each line weighs as many tokens as it has, as in the bag-of-words metric the
benchmark uses (``score.py`` of pages-dev: per-page precision, recall and F1 of word multisets).

Cross-validation is grouped by page (5 folds, in a fixed order): stage 2 learns from stage-1
scores of pages stage 1 was not fitted on, and the figures of the card are of held-out folds.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from analysis.core.data import exact_fit, retrain
from analysis.provenance import linemodel
from analysis.provenance.linefeatures import FEATURES, line_features
from analysis.provenance.linemodel import CONTEXT_FEATURES, DECIMALS, LineModel, Stage

__all__ = [
    "ARTICLE_BODY_GOLD",
    "COEF_DECIMALS",
    "FOLDS",
    "MATCH_SHARE",
    "THRESHOLD",
    "TRAIN_DATASETS",
    "UNSEEN_DATASETS",
    "C",
    "Page",
    "Rows",
    "bag_scores",
    "build",
    "evaluate",
    "fit",
    "fit_stage",
    "folds",
    "line_labels",
    "load_pages",
    "main",
    "model_card",
    "page_body",
    "page_weights",
    "tokens",
    "training_rows",
]

#: Datasets of pages-dev whose terms allow training a model that ships with the project.
TRAIN_DATASETS = ("cleaneval-dev", "cleaneval-final", "cleanportaleval", "readability")
#: Datasets whose gold body is schema.org articleBody (the article's paragraphs only).
ARTICLE_BODY_GOLD = ("readability",)
#: Datasets of pages-dev used only to measure the model on unseen pages (their terms forbid more).
UNSEEN_DATASETS = ("dragnet", "l3s-gn1")
#: A line is article text when at least this share of its tokens align with the gold body.
MATCH_SHARE = 0.5
FOLDS = 5
#: Inverse regularisation strength of both logistic regressions.
C = 1.0
#: The solver: exact Newton steps, so the fit reaches the optimum on any machine.
SOLVER = "newton-cholesky"
#: Its stopping tolerance: tight enough that it reaches the optimum.
TOL = 1e-10
THRESHOLD = 0.5
#: Places kept of every coefficient, mean and scale in the model file.
COEF_DECIMALS = 6

_WORD = re.compile(r"\w+")


def tokens(text: str) -> list[str]:
    """``\\w+`` tokens after NFKC and case folding (the scorer's tokens).

    >>> tokens("Ⅻ Straße")
    ['xii', 'strasse']
    """
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def bag_scores(pred: str, gold: str) -> tuple[float, float, float]:
    """Bag-of-words precision, recall and F1 of ``pred`` against ``gold`` (pages-dev's metric).

    >>> bag_scores("the cat sat", "the cat sat down")
    (1.0, 0.75, 0.8571428571428571)
    """
    p, g = Counter(tokens(pred)), Counter(tokens(gold))
    n_p, n_g = sum(p.values()), sum(g.values())
    if n_p == 0 and n_g == 0:
        return 1.0, 1.0, 1.0
    overlap = sum((p & g).values())
    prec = overlap / n_p if n_p else 0.0
    rec = overlap / n_g if n_g else 0.0
    return prec, rec, (2 * prec * rec / (prec + rec) if prec + rec else 0.0)


def line_labels(page: str, gold: str) -> tuple[np.ndarray, np.ndarray]:
    """Tokens per line of ``page`` and whether each line is article text by the gold body.

    >>> n, label = line_labels("Menu\\nThe cat sat down.\\nShare", "The cat sat down.")
    >>> n.tolist(), label.tolist()
    ([1, 4, 1], [False, True, False])
    """
    lines = page.split("\n")
    flat: list[str] = []
    owner: list[int] = []
    for i, line in enumerate(lines):
        t = tokens(line)
        flat += t
        owner += [i] * len(t)
    matcher = difflib.SequenceMatcher(None, flat, tokens(gold), autojunk=False)
    matched = np.zeros(len(flat), dtype=bool)
    for a, _, size in matcher.get_matching_blocks():
        matched[a : a + size] = True
    who = np.asarray(owner, dtype=np.intp)
    n = np.bincount(who, minlength=len(lines))
    hit = np.bincount(who, weights=matched.astype(np.float64), minlength=len(lines))
    return n, (n > 0) & (hit >= MATCH_SHARE * n)


@dataclass(frozen=True)
class Page:
    """One page of a pages-dev style folder."""

    id: str
    dataset: str
    licence: str
    text: str
    gold: str


def load_pages(folder: Path, datasets: Iterable[str]) -> list[Page]:
    """The pages of ``datasets`` in ``folder`` (``gold.jsonl`` + ``dumps/``), sorted by id."""
    wanted = set(datasets)
    pages = []
    with (folder / "gold.jsonl").open(encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            row = json.loads(line)
            if row["dataset"] in wanted:
                text = (folder / "dumps" / f"{row['id']}.txt").read_text("utf-8")
                pages.append(Page(row["id"], row["dataset"], row["licence"], text, row["body"]))
    return sorted(pages, key=lambda p: p.id)


@dataclass
class Rows:
    """The scored lines of many pages: features, labels, token weights, page of each row, and
    each row's line number in its page."""

    x: np.ndarray
    y: np.ndarray
    weight: np.ndarray
    page: np.ndarray
    line: np.ndarray


def page_weights(pages: Sequence[Page]) -> np.ndarray:
    """Weight of each page: pages whose gold is articleBody proper (:data:`ARTICLE_BODY_GOLD`)
    weigh, all together, as much as all the other pages together.

    CleanEval's gold keeps all main content (headings, lists, several posts); readability's is
    the article's paragraphs, the definition this model serves.

    >>> pages = [Page(str(i), d, "", "", "") for i, d in enumerate(["readability", "x", "x"])]
    >>> page_weights(pages).tolist()
    [2.0, 1.0, 1.0]
    """
    article = np.array([p.dataset in ARTICLE_BODY_GOLD for p in pages])
    n_article, n_other = int(article.sum()), int((~article).sum())
    ratio = n_other / n_article if n_article and n_other else 1.0
    return np.where(article, ratio, 1.0)


def training_rows(pages: Sequence[Page]) -> Rows:
    xs, ys, ws, gs, ls = [], [], [], [], []
    page_weight = page_weights(pages)
    for k, page in enumerate(pages):
        features = line_features(page.text)
        index = linemodel.scored_lines(features)
        n, label = line_labels(page.text, page.gold)
        xs.append(features[index])
        ys.append(label[index])
        ws.append(np.maximum(n[index], 1).astype(np.float64) * page_weight[k])
        gs.append(np.full(index.size, k))
        ls.append(index)
    return Rows(
        np.vstack(xs),
        np.concatenate(ys),
        np.concatenate(ws),
        np.concatenate(gs),
        np.concatenate(ls),
    )


def fit_stage(x: np.ndarray, y: np.ndarray, weight: np.ndarray, names: Sequence[str]) -> Stage:
    """A standardised logistic regression (scikit-learn, Newton-Cholesky), coefficients rounded.

    Solved to the optimum (``tol`` 1e-10: an L2-penalised logistic loss has one minimum) on one
    BLAS thread, so the rounded coefficients do not depend on the path a solver took, which
    differs with the CPU's BLAS kernels and threads: the file rebuilds bit for bit on another
    machine.
    """
    from sklearn.linear_model import LogisticRegression

    mean = np.round(x.mean(axis=0), COEF_DECIMALS)
    scale = np.round(x.std(axis=0), COEF_DECIMALS)
    scale[scale == 0] = 1.0  # a constant feature
    reg = LogisticRegression(C=C, solver=SOLVER, tol=TOL, max_iter=200)
    with exact_fit():
        reg.fit((x - mean) / scale, y, sample_weight=weight)
    return Stage(
        tuple(names),
        mean,
        scale,
        np.round(reg.coef_[0], COEF_DECIMALS),
        round(float(reg.intercept_[0]), COEF_DECIMALS),
    )


def folds(n_pages: int) -> np.ndarray:
    """The fold of each page: pages in id order dealt round-robin into :data:`FOLDS` folds."""
    return np.arange(n_pages) % FOLDS


def _second_rows(x: np.ndarray, first: np.ndarray, page: np.ndarray) -> np.ndarray:
    out = np.zeros((x.shape[0], len(CONTEXT_FEATURES)))
    log_words = x[:, FEATURES.index("log_words")]
    for k in np.unique(page):
        sel = np.flatnonzero(page == k)
        out[sel] = linemodel.context_features(first[sel], log_words[sel])
    return np.hstack([x, out])


def fit(rows: Rows) -> tuple[Stage, Stage, np.ndarray]:
    """Both stages on ``rows``, and the cross-validated stage-2 score of every row."""
    fold = folds(int(rows.page.max()) + 1)[rows.page]
    first = np.zeros(rows.y.size)
    for f in range(FOLDS):
        test = fold == f
        stage = fit_stage(rows.x[~test], rows.y[~test], rows.weight[~test], FEATURES)
        first[test] = np.round(stage.proba(rows.x[test]), DECIMALS)
    second_x = _second_rows(rows.x, first, rows.page)
    names = FEATURES + CONTEXT_FEATURES
    cv = np.zeros(rows.y.size)
    for f in range(FOLDS):
        test = fold == f
        stage = fit_stage(second_x[~test], rows.y[~test], rows.weight[~test], names)
        cv[test] = np.round(stage.proba(second_x[test]), DECIMALS)
    stage1 = fit_stage(rows.x, rows.y, rows.weight, FEATURES)
    stage2 = fit_stage(second_x, rows.y, rows.weight, names)
    return stage1, stage2, cv


def page_body(text: str, scores: np.ndarray, threshold: float) -> str:
    """The lines of ``text`` whose score reaches ``threshold``, joined by newlines."""
    lines = text.split("\n")
    return "\n".join(line for line, s in zip(lines, scores, strict=True) if s >= threshold)


def _mean(values: Sequence[tuple[float, float, float]]) -> list[float]:
    return [round(float(np.mean([v[i] for v in values])), 3) for i in range(3)]


def evaluate(
    pages: Sequence[Page], scores: Sequence[np.ndarray], threshold: float
) -> dict[str, dict[str, object]]:
    """Macro-averaged bag-of-words P/R/F1 per dataset and overall."""
    by: dict[str, list[tuple[float, float, float]]] = {}
    for page, s in zip(pages, scores, strict=True):
        result = bag_scores(page_body(page.text, s, threshold), page.gold)
        by.setdefault(page.dataset, []).append(result)
        by.setdefault("all", []).append(result)
    return {
        name: {"pages": len(v), "precision_recall_f1": _mean(v)} for name, v in sorted(by.items())
    }


def _page_scores(pages: Sequence[Page], rows: Rows, values: np.ndarray) -> list[np.ndarray]:
    out = []
    for k, page in enumerate(pages):
        full = np.full(page.text.count("\n") + 1, np.nan)
        mine = rows.page == k
        full[rows.line[mine]] = values[mine]
        out.append(full)
    return out


def _sha256(pages: Sequence[Page]) -> str:
    h = hashlib.sha256()
    for page in pages:
        for part in (page.id, page.text, page.gold):
            h.update(part.encode("utf-8"))
            h.update(b"\0")
    return h.hexdigest()


def build(folder: Path, date: str) -> LineModel:
    """Train on :data:`TRAIN_DATASETS` of ``folder`` and measure on :data:`UNSEEN_DATASETS`."""
    import sklearn

    pages = load_pages(folder, TRAIN_DATASETS)
    rows = training_rows(pages)
    stage1, stage2, cv = fit(rows)
    cv_scores = _page_scores(pages, rows, cv)
    model = LineModel(f"{date}", stage1, stage2, THRESHOLD, {})
    unseen = load_pages(folder, UNSEEN_DATASETS)
    unseen_scores = [linemodel.score_lines(p.text, model) for p in unseen]
    training = {
        "date": date,
        "library": f"scikit-learn {sklearn.__version__} "
        f"LogisticRegression(C={C}, {SOLVER}, tol={TOL})",
        "pages": dict(sorted(Counter(p.dataset for p in pages).items())),
        "licences": dict(sorted(Counter(p.licence for p in pages).items())),
        "lines": int(rows.y.size),
        "article_lines": int(rows.y.sum()),
        "data_sha256": _sha256(pages),
        "cross_validated": evaluate(pages, cv_scores, THRESHOLD),
        "unseen": evaluate(unseen, unseen_scores, THRESHOLD),
        "folds": FOLDS,
        "match_share": MATCH_SHARE,
    }
    return LineModel(date, stage1, stage2, THRESHOLD, training)


def model_card(model: LineModel) -> str:
    """The model card (Markdown) of ``model``."""
    t = model.training
    lines = [
        "# Line classifier: model card",
        "",
        "Generated by `python -m analysis.provenance.linetrain` (`nox -s train_lines`) with the "
        "model file",
        f"`{linemodel.MODEL_FILE}`; do not edit by hand. Model version `{model.version}`.",
        "",
        "**What it does.** Scores each line of a plain-text page dump (a web page as text,",
        "menus, link lists, footers and comments kept) for being article text in the sense of",
        "schema.org `articleBody`: the article's paragraphs, without headline, byline, captions,",
        "related links or comments. Used by `analysis.provenance.boilerplate` for lines no rule "
        "decides.",
        "",
        "**Model.** Two logistic regressions ({}). Stage 1 reads a line's own".format(t["library"]),
        "features; stage 2 reads them plus the stage-1 scores around the line. Features are",
        "standardised (mean and scale in the file); scores are rounded to "
        f"{DECIMALS} places; a line is article text at score >= {model.threshold}.",
        "",
        "**Training pages** (pages-dev, only sets whose terms allow a shipped model):",
        "",
        "| dataset | pages |",
        "| --- | --- |",
        *(f"| {k} | {v} |" for k, v in t["pages"].items()),
        "",
        "Licences and terms: " + "; ".join(f"{k} ({v} pages)" for k, v in t["licences"].items()),
        "",
        f"{t['lines']:,} scored lines, {t['article_lines']:,} of them article text. Labels: a line",
        f"is article text when at least {t['match_share']:.0%} of its `\\w+` tokens align",
        "(difflib) with the gold body. Each line weighs its number of tokens; readability's pages,",
        "whose gold is articleBody proper (CleanEval's keeps all main content), weigh together as",
        "much as all the other pages together.",
        f"Training data sha256: `{t['data_sha256']}`.",
        "",
        "**Measured** (bag-of-words precision / recall / F1 per page, macro-averaged; the",
        "metric of pages-dev `score.py`):",
        "",
        "| pages | dataset | n | precision | recall | F1 |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for kind, label in (
        ("cross_validated", f"{t['folds']}-fold CV, by page"),
        ("unseen", "unseen"),
    ):
        for name, r in t[kind].items():
            p, rec, f1 = r["precision_recall_f1"]
            lines.append(f"| {label} | {name} | {r['pages']} | {p} | {rec} | {f1} |")
    lines += [
        "",
        "*Unseen* pages (dragnet, L3S-GN1) were never used to fit the model (their terms allow",
        "evaluation only); during development they served to compare feature sets, so these are",
        "development figures, not a held-out test. Dragnet's gold keeps headlines and bylines,",
        "which this model leaves out by design, so its recall there is understated. These are for",
        "the classifier alone; `bench_extraction.py` measures the whole boilerplate step.",
        "",
        "**Features.** Stage 1: " + ", ".join(f"`{f}`" for f in FEATURES) + ".",
        "Stage 2 adds: " + ", ".join(f"`{f}`" for f in CONTEXT_FEATURES) + ".",
        "See `analysis.provenance.linefeatures` and `analysis.provenance.linemodel` for "
        "definitions.",
        "",
        "**Limits.** Text only: no links, markup or layout, so lists of other headlines with",
        "one-sentence teasers, long comment threads and cookie notices written as prose can pass",
        "as article text; pages in scripts without spaces (Chinese, Japanese) count each",
        "character as a word. Outlet rules and lines recurring across an outlet's pages (in",
        "`analysis.provenance.boilerplate`) win over the classifier where they apply.",
        "",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    return retrain(
        argv,
        prog="python -m analysis.provenance.linetrain",
        description=__doc__,
        source_help="a pages-dev folder (gold.jsonl, dumps/)",
        model_file=linemodel.MODEL_FILE,
        build=build,
        dumps=linemodel.dumps,
        card_file="line_model.md",
        card=model_card,
    )


if __name__ == "__main__":
    raise SystemExit(main())
