"""Chart builders: the right mark and data for small and large corpora."""

from __future__ import annotations

import polars as pl

from analysis.pipeline import with_outlet
from analysis.report import charts


def test_document_lengths_switches_to_a_histogram():
    small = pl.DataFrame({"source": ["a"], "status": ["ok"], "bytes": [10], "n_chars": [10]})
    assert charts.document_lengths(small).to_dict()["encoding"]["y"]["field"] == "document"
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


def test_timeline_kinds_on_the_seeds(seeds_study):
    p = seeds_study
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


def test_boilerplate_share_bars(seeds_study):
    p = seeds_study
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


def test_rhetoric_charts_on_the_seeds(seeds_study):
    from analysis.metrics import readability, rhetoric, summaries

    p = seeds_study
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
    assert {r["bloc"] for r in blocs} >= {"The West", "Russia", "Kazakhstan"}


def _rows(chart) -> list[dict]:
    return next(iter(chart.to_dict()["datasets"].values()))


def test_group_metric_intervals_mark_small_groups():
    gm = pl.DataFrame(
        {
            "group": ["A", "B"],
            "metric": ["gunning_fog", "gunning_fog"],
            "n_docs": [12, 2],
            "n_words": [9000, 1500],
            "estimate": [14.2, 16.0],
            "ci_low": [13.5, 15.1],
            "ci_high": [15.0, 16.8],
            "method": ["documents", "sentence blocks"],
            "small_n": [False, True],
        }
    )
    chart = charts.group_metric_intervals(gm)
    rows = {r["group"]: r for r in _rows(chart)}
    assert rows["A"]["label"] == "A (12)" and rows["B"]["label"] == "B (2)"
    assert rows["A"]["sample"] == "documents resampled"
    assert rows["B"]["sample"] == "few documents: sentence blocks"
    layers = chart.to_dict()["spec"]["layer"]
    assert [layer["mark"]["type"] for layer in layers] == ["rule", "point"]
    assert layers[0]["encoding"]["x2"]["field"] == "ci_high"
    only = charts.group_metric_intervals(
        gm.vstack(gm.with_columns(metric=pl.lit("smog"))), ["smog"]
    )
    assert {r["metric"] for r in _rows(only)} == {"Smog"}  # a name labels.yaml lacks


def test_keyness_bars_keep_the_top_terms_of_each_group():
    k = pl.DataFrame(
        {
            "group": ["A"] * 4 + ["B"] * 2,
            "term": ["w", "x", "y", "z", "u", "v"],
            "count_group": [5, 4, 3, 1, 2, 2],
            "count_rest": [0, 1, 2, 9, 0, 0],
            "delta": [1.0, 0.8, 0.5, -0.5, 0.9, 0.9],
            "z": [3.0, 2.5, 1.0, -1.2, 2.0, 2.0],
        }
    )
    rows = _rows(charts.keyness_bars(k, top_terms=2))
    assert [(r["group"], r["term"]) for r in rows] == [
        ("A", "w"),
        ("A", "x"),
        ("B", "u"),
        ("B", "v"),
    ]
    only_b = _rows(charts.keyness_bars(k, top_terms=2, groups=["B"]))
    assert [(r["group"], r["term"]) for r in only_b] == [("B", "u"), ("B", "v")]


def test_similarity_heatmap_is_a_full_symmetric_matrix():
    s = pl.DataFrame(
        {
            "a": ["x", "x", "y"],
            "b": ["y", "z", "z"],
            "cosine": [0.5, 0.25, 0.75],
            "n_a": [1, 1, 1],
            "n_b": [1, 1, 1],
        }
    )
    rows = _rows(charts.similarity_heatmap(s, "t"))
    cells = {(r["a"], r["b"]): r["cosine"] for r in rows}
    assert len(cells) == 6
    assert cells[("y", "x")] == cells[("x", "y")] == 0.5
    assert cells[("z", "y")] == 0.75
    # a group-level frame already lists both orders and the diagonal: nothing is doubled
    full = pl.concat(
        [s, s.select(pl.col("b").alias("a"), pl.col("a").alias("b"), "cosine", "n_a", "n_b")]
    )
    assert len(_rows(charts.similarity_heatmap(full, "t"))) == 6
    # colours span 0 to the largest value (mean similarities of news are small); white labels
    # only on the darkest cells
    layers = charts.similarity_heatmap(s, "t").to_dict()["layer"]
    assert layers[0]["encoding"]["color"]["scale"] == {"domainMin": 0, "scheme": "blues"}
    assert layers[1]["encoding"]["color"]["condition"]["test"] == "datum.cosine > 0.45"


def test_actor_framing_heatmap_on_the_seeds(seeds_study):
    from analysis.compare import framing, groups

    p = seeds_study
    m = seeds_study
    table = framing.actor_framing(
        m.mentions, m.hits, groups.groups_for(p.tables["provenance"]), families=["labelling"]
    )
    chart = charts.actor_framing_heatmap(table)
    rows = _rows(chart)
    assert len(rows) == table.height == 26  # every (group, bloc) the seeds mention
    assert {r["group"] for r in rows} == {
        "(unknown outlet)",
        "PolitNavigator",
        "The Eastern Herald",
        "VPK.name",
    }
    assert chart.to_dict()["facet"]["field"] == "bloc"


def test_document_similarity_is_drawn_up_to_max_bars_documents():
    pairs = pl.DataFrame(
        {
            "a": ["d1"],
            "b": ["d2"],
            "cosine": [0.4],
            "source_a": ["x.txt"],
            "group_a": ["X"],
            "source_b": ["y.txt"],
            "group_b": ["Y"],
        }
    )
    chart = charts.document_similarity(pairs, charts.MAX_BARS)
    assert chart is not None
    cells = {(r["a"], r["b"]): r["cosine"] for r in _rows(chart)}
    assert cells == {("x", "y"): 0.4, ("y", "x"): 0.4}  # file names without .txt
    assert chart.to_dict()["title"] == "Document similarity"
    assert charts.document_similarity(pairs, charts.MAX_BARS + 1) is None
