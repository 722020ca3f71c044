"""Per-outlet summaries: pooled cue rates and readability medians."""

from __future__ import annotations

import polars as pl
import pytest

from analysis.metrics import summaries

PROVENANCE = pl.DataFrame(
    {"doc_id": ["a", "b", "c"], "source": ["a.txt", "b.txt", "c.txt"], "outlet": ["X", "X", None]}
)


def test_cue_rates_are_pooled_over_documents():
    rhetoric = pl.DataFrame(
        {
            "doc_id": ["a", "b", "c"],
            "family": ["loaded"] * 3,
            "count": [1, 9, 2],
            "per_1k_words": [10.0, 9.0, 20.0],
        }
    )
    words = pl.DataFrame({"doc_id": ["a", "b", "c"], "words": [100, 1000, 100]})
    rates = summaries.cue_rates(rhetoric, words, PROVENANCE)
    assert rates.rows() == [
        ("(unknown outlet)", "loaded", 1, 100, 2, 20.0),
        ("X", "loaded", 2, 1100, 10, pytest.approx(1000 * 10 / 1100)),
    ]
    by_doc = summaries.cue_rates(rhetoric, words, PROVENANCE, by="source")
    assert by_doc["per_1k_words"].to_list() == [10.0, 9.0, 20.0]


def test_readability_by_outlet_skips_nulls():
    scores = pl.DataFrame(
        {
            "doc_id": ["a", "b", "c"],
            "gunning_fog": [10.0, None, 14.0],
            "smog_index": [1.0, 3.0, 5.0],
        }
    )
    out = summaries.readability_by_outlet(scores, PROVENANCE, ["gunning_fog", "smog_index"])
    assert out.rows() == [
        ("(unknown outlet)", "gunning_fog", 1, 14.0, 14.0),
        ("(unknown outlet)", "smog_index", 1, 5.0, 5.0),
        ("X", "gunning_fog", 1, 10.0, 10.0),
        ("X", "smog_index", 2, 2.0, 2.0),
    ]


def test_bloc_pair_totals():
    pairs = pl.DataFrame(
        {
            "doc_id": ["a", "a", "b"],
            "bloc_a": ["kazakhstan", "russia", "kazakhstan"],
            "bloc_b": ["west", "west", "west"],
            "sentences": [3, 1, 2],
        }
    )
    assert summaries.bloc_pair_totals(pairs).rows() == [
        ("kazakhstan", "west", 5, 2),
        ("russia", "west", 1, 1),
    ]


def test_rates_key_is_declared_not_taken_from_a_chart():
    assert summaries.rates_key("auto", summaries.PER_DOCUMENT_UP_TO) == "source"
    assert summaries.rates_key("auto", summaries.PER_DOCUMENT_UP_TO + 1) == "outlet"
    assert summaries.rates_key("outlet", 3) == "outlet"
    assert summaries.rates_key("source", 10_000) == "source"
    with pytest.raises(ValueError, match="rates_by must be auto, source or outlet"):
        summaries.rates_key("author", 3)
