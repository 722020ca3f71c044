"""Building the span detector: token labels, folds, thresholds, the bit-for-bit rebuild."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from analysis.core.data import data_file
from analysis.core.paths import PROJECT_ROOT
from analysis.metrics.rhetoric import spantrain as T

PTC = PROJECT_ROOT.parent / "shared" / "corpora" / "ptc"
needs_ptc = pytest.mark.skipif(
    not (PTC / "labels.tsv").exists(), reason="../shared/corpora/ptc is not beside this checkout"
)


def test_folds_are_a_seeded_deal_of_the_sorted_articles():
    ids = [f"a{i}" for i in range(12)]
    fold = T.folds(reversed(ids))
    assert fold == T.folds(ids)
    assert sorted(fold) == sorted(ids)
    sizes = np.bincount(list(fold.values()), minlength=T.FOLDS)
    assert sizes.tolist() == [3, 3, 2, 2, 2]
    assert fold != T.folds(ids, seed=T.SEED + 1)


def test_hits_are_runs_of_tokens_within_a_span_and_a_document():
    docs = pl.DataFrame({"doc_id": ["a", "b"], "text": ["one two\nthree four", "five six"]})
    spans = {"a": [(0, 7), (8, 18)], "b": [(0, 8)]}
    labels = pl.DataFrame(
        {"article_id": ["a"], "technique": ["Doubt"], "start": [4], "end": [13]},
        schema={
            "article_id": pl.String,
            "technique": pl.String,
            "start": pl.Int64,
            "end": pl.Int64,
        },
    )
    d = T.design(docs, spans, labels, techniques=["Doubt"])
    assert d.y[:, 0].tolist() == [False, True, True, False, False, False]
    scores = np.array([0.1, 0.9, 0.9, 0.9, 0.9, 0.9])
    hits = T._hits(d, scores, "Doubt", 0.5)
    assert hits == [("a", "Doubt", 4, 7), ("a", "Doubt", 8, 18), ("b", "Doubt", 0, 8)]


@pytest.mark.slow
@needs_ptc
def test_the_shipped_model_rebuilds_bit_for_bit(tmp_path: Path):
    assert T.main([str(PTC), "--out", str(tmp_path)]) == 0
    for name in ("span_model.json", "span_model.md"):
        assert (tmp_path / name).read_bytes() == data_file(name).read_bytes()
