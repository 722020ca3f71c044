"""Chart builders: the right mark and data for small and large corpora."""

from __future__ import annotations

import polars as pl

from analysis import charts
from analysis.pipeline import prepare, with_outlet


def test_document_lengths_switches_to_a_histogram():
    small = pl.DataFrame({"source": ["a"], "status": ["ok"], "bytes": [10], "n_chars": [10]})
    assert charts.document_lengths(small).to_dict()["encoding"]["y"]["field"] == "source"
    big = pl.DataFrame(
        {
            "source": [f"d{i}" for i in range(100)],
            "status": ["ok"] * 100,
            "bytes": list(range(100)),
            "n_chars": list(range(100)),
        }
    )
    spec = charts.document_lengths(big).to_dict()
    rows = next(iter(spec["datasets"].values()))
    assert sum(r["inputs"] for r in rows) == 100  # binned counts, not 100 raw rows
    assert len(rows) < 100


def test_timeline_kinds_on_the_seeds():
    p = prepare("seeds")
    frame = charts.timeline_frame(p.tables["provenance"])
    kinds = dict(zip(frame["outlet"], frame["kind"], strict=False))
    assert kinds["PolitNavigator"] == "stated date"
    assert kinds["The Eastern Herald"] == "inferred range"
    assert kinds["VPK.name"] == "written after"
    spec = charts.publication_timeline(p.tables["provenance"]).to_dict()
    assert len(spec["layer"]) == 3


def test_large_timeline_is_monthly_by_top_outlets():
    prov = pl.DataFrame(
        {
            "doc_id": [str(i) for i in range(60)],
            "source": [f"s{i}" for i in range(60)],
            "title": [None] * 60,
            "outlet": [f"o{i % 20}" for i in range(60)],
            "date_earliest": ["2022-01-15"] * 30 + ["2022-02-03"] * 30,
            "date_latest": ["2022-01-15"] * 30 + ["2022-02-03"] * 30,
        }
    )
    spec = charts.publication_timeline(prov).to_dict()
    rows = next(iter(spec["datasets"].values()))
    assert sum(r["documents"] for r in rows) == 60
    assert len({r["outlet"] for r in rows}) == charts.TOP_OUTLETS + 1  # plus "other outlets"


def test_boilerplate_share_bars():
    p = prepare("seeds")
    spec = charts.boilerplate_share(with_outlet(p.bodies, p)).to_dict()
    rows = next(iter(spec["datasets"].values()))
    assert len(rows) == 5
    assert max(r["boilerplate_share"] for r in rows) < 0.25


def test_boilerplate_share_summarises_large_corpora():
    n = 9_000
    bodies = pl.DataFrame(
        {
            "source": [f"s{i}" for i in range(n)],
            "outlet": [f"o{i % 40}" for i in range(n)],
            "boilerplate_share": [(i % 100) / 100 for i in range(n)],
            "body_chars": [1] * n,
            "boilerplate_chars": [1] * n,
        }
    )
    spec = charts.boilerplate_share(bodies).to_dict()
    rows = next(iter(spec["datasets"].values()))
    assert len(rows) == charts.TOP_OUTLETS + 1  # one summary row per outlet shown
    assert sum(r["documents"] for r in rows) == n
    assert all(r["min"] <= r["q1"] <= r["median"] <= r["q3"] <= r["max"] for r in rows)


def test_rhetoric_charts_on_the_seeds():
    from analysis import readability, rhetoric, summaries

    p = prepare("seeds")
    prov = p.tables["provenance"]
    counts = rhetoric.rhetoric_counts(rhetoric.rhetoric_hits(p.docs, p.spans), p.bodies)
    rates = summaries.cue_rates(counts, rhetoric.word_counts(p.bodies), prov, by="source")
    heat = next(iter(charts.cue_heatmap(rates, by="source").to_dict()["datasets"].values()))
    assert {r["source"] for r in heat} == set(p.docs["source"])
    scores = readability.textstat_readability(p.bodies, min_words=100)
    long = with_outlet(summaries.readability_long(scores, ["gunning_fog"]), p)
    spec = charts.readability_by_document(long).to_dict()
    assert spec["title"] == "Readability of each document"
    actors = with_outlet(rhetoric.actor_counts(rhetoric.actor_mentions(p.docs, p.spans)), p)
    blocs = next(iter(charts.actor_blocs(actors).to_dict()["datasets"].values()))
    assert {r["bloc"] for r in blocs} >= {"west", "russia", "kazakhstan"}
