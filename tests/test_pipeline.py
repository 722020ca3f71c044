"""The prepared corpus every notebook starts from."""

from __future__ import annotations

import json
import os

import polars as pl
import pytest

from analysis.core import paths
from analysis.pipeline import prepare, with_outlet
from analysis.provenance import fields as provenance


def test_prepare_seeds():
    p = prepare("seeds")
    assert p.frame.height == p.docs.height == 5
    assert set(p.segments["doc_id"]) == set(p.docs["doc_id"])
    assert p.bodies.height == p.tables["provenance"].height == 5
    assert set(p.spans) == set(p.docs["doc_id"])
    outlets = with_outlet(p.bodies.select("doc_id"), p).sort("source")["outlet"].to_list()
    assert outlets == [
        "The Eastern Herald",
        "VPK.name",
        "PolitNavigator",
        "PolitNavigator",
        "(unknown outlet)",
    ]


def test_bodies_are_the_joined_spans():
    p = prepare("seeds")
    text = dict(zip(p.docs["doc_id"], p.docs["text"], strict=True))
    for doc_id, body in p.bodies.select("doc_id", "body").iter_rows():
        spans = p.spans[doc_id]
        assert body.startswith(text[doc_id][spans[0][0] : spans[0][1]])
        assert body.endswith(text[doc_id][spans[-1][0] : spans[-1][1]])
    assert p.bodies.filter(pl.col("body_chars") == 0).height == 0


def test_later_notebooks_take_over_tables_written_earlier_in_the_run(tmp_path):
    from analysis.report.outputs import RunOutputs

    computed = prepare("seeds")
    out = RunOutputs(tmp_path)
    out.table(computed.segments, "segments", sort_by=["doc_id", "start"])
    out.table(computed.bodies, "bodies", sort_by=["doc_id"])
    for name, frame in computed.tables.items():
        out.table(frame, name, sort_by=provenance.SORT_BY[name])
    taken = prepare("seeds", output_dir=tmp_path)
    assert taken.segments.equals(computed.segments.sort("doc_id", "start"))
    assert taken.bodies.equals(computed.bodies)
    assert set(taken.tables) == set(provenance.TABLES)
    for name, frame in computed.tables.items():
        keys = list(provenance.SORT_BY[name])
        assert taken.tables[name].equals(frame.sort(keys, maintain_order=True)), name
    # Tables of another document set are not taken over.
    pl.DataFrame({"doc_id": ["x"]}).write_parquet(tmp_path / "tables" / "bodies.parquet")
    again = prepare("seeds", output_dir=tmp_path)
    assert again.bodies.equals(computed.bodies)


def test_notebook_03_takes_over_the_measures_of_notebook_02(tmp_path):
    from analysis.pipeline import measures
    from analysis.report.outputs import RunOutputs

    p = prepare("seeds")
    computed = measures(p)
    assert computed.readability.height == 5
    assert computed.readability["doc_id"].to_list() == sorted(p.docs["doc_id"].to_list())
    assert set(computed.hits["doc_id"]) == set(p.docs["doc_id"])
    assert (
        computed.counts.group_by("doc_id")
        .agg(pl.col("count").sum())
        .sort("doc_id")["count"]
        .to_list()
        == computed.hits.group_by("doc_id").len().sort("doc_id")["len"].to_list()
    )
    out = RunOutputs(tmp_path)
    marker = computed.readability.with_columns(pl.lit(-1.0).alias("gunning_fog"))
    out.table(marker, "readability", sort_by=["doc_id"])
    out.table(computed.hits, "rhetoric_hits", sort_by=["doc_id", "start", "end", "family", "term"])
    out.table(computed.counts, "rhetoric", sort_by=["doc_id", "family"])
    out.table(computed.mentions, "actor_mentions", sort_by=["doc_id", "start"])
    taken = measures(p, output_dir=tmp_path)
    assert taken.readability["gunning_fog"].to_list() == [-1.0] * 5  # read, not recomputed
    assert taken.hits.equals(computed.hits)
    assert taken.counts.equals(computed.counts)
    assert taken.mentions.equals(computed.mentions)
    # A readability table of other documents is not taken over.
    marker.head(4).write_parquet(tmp_path / "tables" / "readability.parquet")
    again = measures(p, output_dir=tmp_path)
    assert again.readability.equals(computed.readability)


def test_prepare_reports_bad_curated_values(tmp_path):
    """The sidecar is read and checked against the whole corpus (issue 9, case 4)."""
    seed = "002_9ab1999b316cd6ca.txt"
    (tmp_path / seed).write_bytes((paths.SEEDS / seed).read_bytes())
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "metadata.csv").write_text(
        f"file,published_at,views\n{seed},2026-13-45,lots\nempty.txt,2022-01-01,\n",
        encoding="utf-8",
    )
    p = prepare(tmp_path)
    row = p.tables["provenance"].row(0, named=True)
    assert (row["published_at"], row["views"]) == ("2022-11-19T00:19:00+03:00", 2562)
    assert p.tables["curated_problems"].select("file", "row", "column", "value").rows() == [
        (seed, 2, "published_at", "2026-13-45"),
        (seed, 2, "views", "lots"),
        ("empty.txt", 3, "file", "empty.txt"),
    ]


def _subset(p, n: int):
    """The first ``n`` prepared documents, as if the corpus held only them."""
    from analysis.pipeline import Prepared

    ids = p.docs["doc_id"].head(n).implode()
    keep = pl.col("doc_id").is_in(ids)
    return Prepared(
        p.frame, p.docs.filter(keep), p.segments.filter(keep), p.bodies.filter(keep), {}
    )


def test_cached_measures_equal_fresh_ones_whatever_was_stored(
    seeds_prepared, monkeypatch, tmp_path
):
    from analysis import pipeline

    monkeypatch.setenv("ANALYSIS_CACHE", "off")
    fresh = pipeline.measures(seeds_prepared)
    fresh_quotes = pipeline.quotes(seeds_prepared)
    fresh_citations = pipeline.citations(seeds_prepared, fresh_quotes)
    monkeypatch.setenv("ANALYSIS_CACHE", str(tmp_path))
    pipeline.measures(_subset(seeds_prepared, 2))  # two of five documents stored
    log = tmp_path / "run"
    log.mkdir()
    mixed = pipeline.measures(seeds_prepared, output_dir=log)
    for name in ("readability", "hits", "counts", "mentions", "words"):
        assert getattr(mixed, name).equals(getattr(fresh, name)), name
    lines = [json.loads(line) for line in (log / pipeline.STAGE_LOG).read_text().splitlines()]
    counts = {line["stage"]: (line["cached"], line["computed"]) for line in lines}
    assert counts == {
        "quotes": (2, 3),
        "rhetoric_hits": (2, 3),
        "readability": (2, 3),
        "actor_mentions": (2, 3),
    }
    warm = pipeline.measures(seeds_prepared)  # everything stored now
    assert warm.hits.equals(fresh.hits) and warm.readability.equals(fresh.readability)
    assert pipeline.citations(seeds_prepared, fresh_quotes).equals(fresh_citations)
    assert pipeline.citations(seeds_prepared, fresh_quotes).equals(fresh_citations)  # cached


_TRACE = r"""
import sys, json, functools
from analysis import pipeline
from analysis.core import data
prepared = pipeline.prepare("seeds")
for module in [m for name, m in sys.modules.items() if name.startswith("analysis")]:
    for value in list(vars(module).values()):
        if hasattr(value, "cache_clear"):
            value.cache_clear()
read = set()
real = data.read_text
def traced(name):
    read.add(name)
    return real(name)
data.read_text = traced
stage = sys.argv[1]
quotes = pipeline.quotes(prepared)
if stage == "citations":
    read.clear()
    pipeline.citations(prepared, quotes)
elif stage != "quotes":
    read.clear()
    pipeline.measures(prepared)
print(json.dumps(sorted(read)))
"""


@pytest.mark.parametrize("stage", ["quotes", "citations", "rhetoric_hits"])
def test_every_data_file_a_stage_reads_is_in_its_version(stage, tmp_path):
    """Run in a fresh process with every cache cleared, tracing the one data-file reader."""
    import subprocess
    import sys

    from analysis.core import versions
    from analysis.registry import STAGES

    env = {**os.environ, "ANALYSIS_CACHE": "off"}
    out = subprocess.run(
        [sys.executable, "-c", _TRACE, stage], capture_output=True, text=True, env=env, check=True
    ).stdout
    read = set(json.loads(out.splitlines()[-1]))
    spec = STAGES[stage]
    closure = [m for module in spec.modules for m in versions.module_closure(module)]
    if stage == "rhetoric_hits":  # measures runs readability and actor mentions too
        for other in ("readability", "actor_mentions"):
            closure += [m for mod in STAGES[other].modules for m in versions.module_closure(mod)]
    declared = set(versions.data_files_named(closure, spec.data))
    assert read, "nothing traced"
    assert read <= declared, read - declared


def test_a_new_document_recomputes_only_the_segments_whose_recurring_lines_it_changes(
    monkeypatch, tmp_path
):
    from analysis import pipeline
    from analysis.provenance import boilerplate

    monkeypatch.setenv("ANALYSIS_CACHE", str(tmp_path / "cache"))
    body = "The minister met his counterpart in Astana on Monday to discuss transit routes."
    texts = {
        "a": f"Subscribe!\n{body}\nShare this",
        "b": "Subscribe!\nAnother article about grain exports through the Caspian ports.",
        "c": f"Menu\n{body} (a different outlet)",
        "d": "Subscribe!\nA third article on the pipeline tariffs agreed this week in Baku.",
        "e": "A fourth article, with no line in common, on wheat harvests in the north.",
    }
    outlets = {"a": "X", "b": "X", "c": "Y", "d": "X", "e": "X"}

    def docs(ids):
        return pl.DataFrame({"doc_id": ids, "text": [texts[i] for i in ids]})

    def computed(ids, run):
        out = tmp_path / run
        out.mkdir()
        segments = pipeline._segments(docs(ids), outlets, out)
        fresh = boilerplate.segment_corpus(docs(ids), {i: outlets[i] for i in ids})
        assert segments.equals(fresh)
        (line,) = (out / pipeline.STAGE_LOG).read_text().splitlines()
        entry = json.loads(line)
        return entry["cached"], entry["computed"]

    assert computed(["a", "b", "c"], "first") == (0, 3)
    assert computed(["a", "b", "c"], "again") == (3, 0)
    # d repeats "Subscribe!": a and b now read a count of 3, not 2; c (another outlet) stays
    assert computed(["a", "b", "c", "d"], "with_d") == (1, 3)
    # e shares no line with the outlet: only e is new
    assert computed(["a", "b", "c", "d", "e"], "with_e") == (4, 1)
