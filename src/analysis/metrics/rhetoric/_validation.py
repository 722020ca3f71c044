"""The detectors against the Propaganda Techniques Corpus: span-level precision and recall."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import polars as pl

from analysis.metrics.rhetoric._cues import rhetoric_hits
from analysis.metrics.rhetoric._lexicon import Lexicon
from analysis.metrics.rhetoric._schema import LABELS_SCHEMA, TECHNIQUES, VALIDATION_SCHEMAS, ScoreBy
from analysis.text.spans import line_spans

__all__ = [
    "ptc_scores",
    "read_ptc",
    "score_hits",
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
    """:func:`validate_ptc` of the corpus :func:`read_ptc` read: the detectors' hits in
    ``docs`` scored against ``labels`` (:func:`score_hits`). Notebook 02 calls it as the cached
    step ``ptc_validation``, so a rerun reads the scores instead of scanning the articles again.
    """
    hits = rhetoric_hits(docs, spans, families=families, lexicon=lexicon)
    return score_hits(hits, labels, by=by)
