"""The study every notebook opens: tables built lazily, per-document stages cached."""

from __future__ import annotations

import json
import os
import shutil

import polars as pl
import pytest

from analysis.core import paths
from analysis.pipeline import open_study, with_outlet
from analysis.registry import STAGES


def test_open_study_seeds():
    p = open_study("seeds")
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
    p = open_study("seeds")
    text = dict(zip(p.docs["doc_id"], p.docs["text"], strict=True))
    for doc_id, body in p.bodies.select("doc_id", "body").iter_rows():
        spans = p.spans[doc_id]
        assert body.startswith(text[doc_id][spans[0][0] : spans[0][1]])
        assert body.endswith(text[doc_id][spans[-1][0] : spans[-1][1]])
    assert p.bodies.filter(pl.col("body_chars") == 0).height == 0


def test_measures_of_the_seeds(seeds_study):
    p = seeds_study
    assert p.readability.height == 5
    assert p.readability["doc_id"].to_list() == sorted(p.docs["doc_id"].to_list())
    assert set(p.hits["doc_id"]) == set(p.docs["doc_id"])
    assert (
        p.counts.group_by("doc_id").agg(pl.col("count").sum()).sort("doc_id")["count"].to_list()
        == p.hits.group_by("doc_id").len().sort("doc_id")["len"].to_list()
    )
    assert p.words.height == 5 and p.words["words"].min() > 100


def test_open_study_reports_bad_curated_values(tmp_path):
    """The sidecar is read and checked against the whole corpus (issue 9, case 4)."""
    seed = "002_9ab1999b316cd6ca.txt"
    (tmp_path / seed).write_bytes((paths.SEEDS / seed).read_bytes())
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "metadata.csv").write_text(
        f"file,published_at,views\n{seed},2026-13-45,lots\nempty.txt,2022-01-01,\n",
        encoding="utf-8",
    )
    p = open_study(tmp_path)
    row = p.tables["provenance"].row(0, named=True)
    assert (row["published_at"], row["views"]) == ("2022-11-19T00:19:00+03:00", 2562)
    assert p.tables["curated_problems"].select("file", "row", "column", "value").rows() == [
        (seed, 2, "published_at", "2026-13-45"),
        (seed, 2, "views", "lots"),
        ("empty.txt", 3, "file", "empty.txt"),
    ]


_TABLES = ("segments", "tables", "quotes", "citations", "readability", "hits", "counts")


def _equal(a, b) -> None:
    for name in (*_TABLES, "mentions", "words", "bodies", "technique_sentences"):
        left, right = getattr(a, name), getattr(b, name)
        if isinstance(left, dict):
            assert left.keys() == right.keys()
            for table in left:
                assert left[table].equals(right[table]), (name, table)
        else:
            assert left.equals(right), name


def test_cached_tables_equal_fresh_ones_whatever_was_stored(seeds_study, monkeypatch, tmp_path):
    """Two of the five seeds built alone (each the only one of its outlet, so their inputs are
    the same as in the whole corpus), then the whole corpus: two documents from the cache and
    three computed in every stage, and every table as without a cache."""
    alone = [s for s, n in seeds_study.provenance.group_by("outlet").len().rows() if n == 1 and s]
    monkeypatch.setenv("ANALYSIS_CACHE", "off")
    fresh = open_study("seeds").build()
    monkeypatch.setenv("ANALYSIS_CACHE", str(tmp_path / "cache"))
    part = tmp_path / "part"
    part.mkdir()
    for source in seeds_study.provenance.filter(pl.col("outlet").is_in(alone))["source"]:
        (part / source).write_bytes((paths.SEEDS / source).read_bytes())
    assert open_study(part).build().docs.height == 2
    mixed = open_study("seeds").build()
    assert {n: (r.cached, r.computed) for n, r in mixed.stages.items()} == {
        name: (2, 3) for name in STAGES
    }
    _equal(mixed, fresh)
    warm = open_study("seeds").build()
    assert {n: (r.cached, r.computed) for n, r in warm.stages.items()} == {
        name: (5, 0) for name in STAGES
    }
    _equal(warm, fresh)


def test_build_fills_the_cache_without_reading_the_tables_back(monkeypatch, tmp_path):
    from analysis import pipeline

    assert {"segments", *pipeline._AFTER_SEGMENTS} == set(STAGES)
    monkeypatch.setenv("ANALYSIS_CACHE", str(tmp_path / "cache"))
    built = open_study("seeds").build()
    assert {n: (r.cached, r.computed) for n, r in built.stages.items()} == {
        name: (0, 5) for name in STAGES
    }
    read = {"docs", "quotes", "_labels"}  # every document computed: their segments and quotes
    assert read <= set(vars(built)) and not {"readability", "citations", "terms"} & set(vars(built))
    again = open_study("seeds").build()
    assert {n: (r.cached, r.computed) for n, r in again.stages.items()} == {
        name: (5, 0) for name in STAGES
    }
    # nothing to compute: the keys come from the stored layouts, no segment or quote is read
    assert not {"_labels", "_segs", "spans", "quotes"} & set(vars(again)) and not again._seg_memo
    assert again.layouts == built.layouts and len(set(again.layouts.values())) == 5
    assert again.readability.height == 5 and again.stages["readability"].cached == 10


def test_a_local_cluster_starts_only_for_enough_documents_the_cache_lacks(monkeypatch, tmp_path):
    monkeypatch.setenv("ANALYSIS_CACHE", str(tmp_path / "cache"))
    assert not open_study("seeds", workers=1).starts_local_cluster()
    two = open_study("seeds", workers=2)
    assert not two.starts_local_cluster()  # 5 documents: computed in this process
    two.workers.min_cluster_docs = 5
    assert two.starts_local_cluster()
    open_study("seeds").build()  # in the cache now: nothing to compute, no cluster
    again = open_study("seeds", workers=2)
    again.workers.min_cluster_docs = 5
    assert not again.starts_local_cluster()
    elsewhere = open_study("seeds", workers=2, scheduler="tcp://127.0.0.1:1")
    elsewhere.workers.min_cluster_docs = 1
    assert not elsewhere.starts_local_cluster()  # a cluster elsewhere: this machine is free


def test_two_workers_give_the_tables_of_one(seeds_study, monkeypatch, tmp_path):
    seeds_study.build()
    """A real LocalCluster of two worker processes, batches of one document (as if the corpus
    were large), no cache: every table equals the in-process one."""
    from analysis.core import workers as W

    monkeypatch.setenv("ANALYSIS_CACHE", "off")
    monkeypatch.setattr(W, "BATCH_DOCS", 1)
    study = open_study("seeds", workers=2)
    study.workers.min_cluster_docs = 1
    with study:
        study.build()
        assert study.workers.used == 2
    _equal(study, seeds_study)


def test_a_cluster_computes_missing_documents_through_every_stage_in_one_task(
    seeds_study, monkeypatch, tmp_path
):
    """With a cache, documents whose segments are missing go to the workers once each, every
    stage computed and stored there: the tables equal the in-process ones, the manifest's
    counts say computed, and a second build finds every row."""
    seeds_study.build()
    from analysis import pipeline
    from analysis.core import workers as W

    sent: list[int] = []
    each = W.Workers.each

    def counted(self, ref, tasks):
        sent.extend(t["part"].height for t in tasks)
        return each(self, ref, tasks)

    monkeypatch.setattr(W.Workers, "each", counted)
    monkeypatch.setattr(W, "BATCH_DOCS", 2)
    monkeypatch.setenv("ANALYSIS_CACHE", str(tmp_path / "cache"))
    study = open_study("seeds", workers=2)
    study.workers.min_cluster_docs = 1
    with study:
        study.build()
    assert sorted(sent) == [1, 2, 2]  # every document once, none sent per stage
    assert {n: (r.cached, r.computed) for n, r in study.stages.items()} == {
        name: (0, 5) for name in STAGES
    }
    _equal(study, seeds_study)
    again = open_study("seeds").build()
    assert {n: (r.cached, r.computed) for n, r in again.stages.items()} == {
        name: (5, 0) for name in STAGES
    }
    # a stage whose version changed alone: its batches, not the whole chain
    shutil.rmtree(tmp_path / "cache" / "readability")
    pipeline._CACHE = None
    edited = open_study("seeds", workers=2)
    edited.workers.min_cluster_docs = 1
    with edited:
        edited.build()
    assert len(sent) == 3
    assert edited.stages["readability"].computed == 5 and edited.stages["quotes"].cached == 5
    _equal(edited, seeds_study)


def test_workers_writing_a_cache_of_their_own_leave_the_stages_to_the_runner(
    seeds_study, monkeypatch, tmp_path
):
    """A cluster elsewhere without the shared filesystem: the first batch's rows are not in
    the runner's cache, so the stages compute every document and the runner stores them."""
    seeds_study.build()
    from analysis.core import workers as W

    each = W.Workers.each
    elsewhere = tmp_path / "worker-cache"

    def their_own(self, ref, tasks):
        return each(self, ref, [{**t, "root": str(elsewhere)} for t in tasks])

    monkeypatch.setattr(W.Workers, "each", their_own)
    monkeypatch.setenv("ANALYSIS_CACHE", str(tmp_path / "cache"))
    study = open_study("seeds", workers=2)
    study.workers.min_cluster_docs = 1
    with study:
        study.build()
    assert any((elsewhere / "segments").iterdir())  # what the workers wrote, out of reach
    assert {n: (r.cached, r.computed) for n, r in study.stages.items()} == {
        name: (0, 5) for name in STAGES
    }
    again = open_study("seeds").build()
    assert {n: (r.cached, r.computed) for n, r in again.stages.items()} == {
        name: (5, 0) for name in STAGES
    }
    _equal(again, seeds_study)


def test_a_worker_of_another_version_computes_nothing(tmp_path):
    from analysis import pipeline

    docs = open_study("seeds").docs.head(1)
    versions = {name: (spec.version, spec.code, spec.data) for name, spec in STAGES.items()}
    versions["quotes"] = ("0" * 16, *versions["quotes"][1:])
    result = pipeline._chain(
        docs,
        keys=["k"],
        outlets={},
        recurring={},
        lexicon="default",
        detector="both",
        min_words=100,
        root=str(tmp_path),
        versions=versions,
    )
    assert result == {"mismatch": ("quotes", STAGES["quotes"].version)}
    assert not any(tmp_path.iterdir())


_KILLED = r"""
import os, signal, sys
from analysis.core import cache, workers
from analysis.pipeline import open_study
workers.BATCH_DOCS = 1  # one part per document
stored = 0
real = cache.DocumentCache.store
def store(self, *args):
    global stored
    real(self, *args)
    stored += 1
    if stored == int(sys.argv[2]):
        os.kill(os.getpid(), signal.SIGKILL)  # as a power cut would, between two writes
cache.DocumentCache.store = store
open_study(sys.argv[1]).build()
"""


def test_a_killed_build_leaves_a_cache_the_next_build_uses(seeds_study, monkeypatch, tmp_path):
    seeds_study.build()
    import subprocess
    import sys

    monkeypatch.setenv("ANALYSIS_CACHE", str(tmp_path / "cache"))
    killed = subprocess.run(
        [sys.executable, "-c", _KILLED, str(paths.SEEDS), "8"], env=os.environ, check=False
    )
    assert killed.returncode == -9
    again = open_study("seeds").build()
    # stored before the kill: five parts of segments, their layouts, two of provenance fields
    assert again.stages["segments"].cached == 5
    assert again.stages["provenance_fields"].cached == 2
    assert again.stages["quotes"].computed == 5
    _equal(again, seeds_study)


_TRACE = r"""
import sys, json, functools
from analysis import pipeline
from analysis.core import data
study = pipeline.open_study("seeds")
study.spans
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
study.quotes
if stage == "citations":
    read.clear()
    study.citations
elif stage != "quotes":
    read.clear()
    study.hits
print(json.dumps(sorted(read)))
"""


@pytest.mark.parametrize("stage", ["quotes", "citations", "rhetoric_hits"])
def test_every_data_file_a_stage_reads_is_in_its_version(stage, tmp_path):
    """Run in a fresh process with every cache cleared, tracing the one data-file reader."""
    import subprocess
    import sys

    from analysis.core import versions

    env = {**os.environ, "ANALYSIS_CACHE": "off"}
    out = subprocess.run(
        [sys.executable, "-c", _TRACE, stage], capture_output=True, text=True, env=env, check=True
    ).stdout
    read = set(json.loads(out.splitlines()[-1]))
    spec = STAGES[stage]
    closure = [m for module in spec.code for m in versions.module_closure(module)]
    declared = set(versions.data_files_named(closure, spec.data))
    assert read, "nothing traced"
    assert read <= declared, read - declared


def test_a_new_document_recomputes_only_the_segments_whose_recurring_lines_it_changes(
    monkeypatch, tmp_path
):
    from analysis.provenance import boilerplate

    monkeypatch.setenv("ANALYSIS_CACHE", str(tmp_path / "cache"))
    body = "The minister met his counterpart in Astana on Monday to discuss transit routes."
    texts = {
        "a": f"{body}\nWeekly digest\nEditor's pick",
        "b": "Another article about grain exports through the Caspian ports.\nWeekly digest",
        "c": f"Menu\n{body} (a different outlet)",
        "d": "A third article on the pipeline tariffs agreed this week in Baku.\nWeekly digest",
        "e": "A fourth article, with no line in common, on wheat harvests in the north.",
        "f": "A fifth article, on the new rail link from Khorgos to the Caspian.\nEditor's pick",
    }
    outlets = {"a": "X", "b": "X", "c": "Y", "d": "X", "e": "X", "f": "X"}

    def computed(ids, run, reason_of=("a", 2)):
        corpus = tmp_path / f"{run}.parquet"
        rows = {"id": ids, "text": [texts[i] for i in ids], "outlet": [outlets[i] for i in ids]}
        pl.DataFrame(rows).write_parquet(corpus)
        study = open_study(corpus)
        fresh = boilerplate.segment_corpus(study.docs, study.outlets)
        assert study.segments.equals(fresh)
        doc_id = study.docs.filter(pl.col("text") == texts[reason_of[0]])["doc_id"][0]
        line = study.segments.filter(
            (pl.col("doc_id") == doc_id) & (pl.col("line_no") == reason_of[1])
        )
        counts = study.stages["segments"].cached, study.stages["segments"].computed
        recurring = study.steps["recurring_lines"]  # a corpus already seen: read, not computed
        assert (recurring.cached, recurring.computed) == ((1, 0) if run == "again" else (0, 1))
        study.provenance  # noqa: B018 (reads the provenance_fields stage)
        fields = study.stages["provenance_fields"]
        assert (fields.cached, fields.computed) == counts  # what the text says: same documents
        return counts, line["reason"][0]

    assert computed(["a", "b", "c"], "first") == ((0, 3), "recurs in 2 documents of X")
    assert computed(["a", "b", "c"], "again") == ((3, 0), "recurs in 2 documents of X")
    # d repeats "Weekly digest", which already recurs: a and b keep their labels (the count in
    # the reason is written from the corpus), so only d is computed
    assert computed(["a", "b", "c", "d"], "with_d") == ((3, 1), "recurs in 3 documents of X")
    # e shares no line with the outlet: only e is new
    assert computed(["a", "b", "c", "d", "e"], "with_e")[0] == (4, 1)
    # f repeats a's "Editor's pick", which recurs from now on: a is labelled again, and f
    with_f = computed(["a", "b", "c", "d", "e", "f"], "with_f", reason_of=("a", 3))
    assert with_f == ((4, 2), "recurs in 2 documents of X")


def test_corpus_steps_are_taken_from_the_cache_when_their_inputs_are_the_same(
    seeds_study, monkeypatch, tmp_path
):
    from analysis.compare import groups
    from analysis.provenance.reuse import SharedPassages, find_shared_passages

    members = groups.grouping(seeds_study.provenance, "outlet", top=15).members
    terms = seeds_study.terms
    four = terms.filter(pl.col("doc_id").is_in(terms["doc_id"].unique().sort().head(4).implode()))
    monkeypatch.setenv("ANALYSIS_CACHE", str(tmp_path / "cache"))
    first = open_study("seeds")
    table = first.step("similarity", terms, members, top_k=None)
    assert (first.steps["similarity"].computed, first.steps["similarity"].cached) == (1, 0)
    again = open_study("seeds")
    assert again.step("similarity", terms, members, top_k=None).equals(table)
    assert (again.steps["similarity"].computed, again.steps["similarity"].cached) == (0, 1)
    again.step("similarity", terms, members, top_k=1)  # another parameter: computed
    again.step("similarity", four, members, top_k=None)  # other rows: computed
    assert again.steps["similarity"].computed == 2
    shared = again.step("reuse", seeds_study.docs, min_words=8, max_pairs_docs=50)
    stored = open_study("seeds").step("reuse", seeds_study.docs, min_words=8, max_pairs_docs=50)
    assert isinstance(stored, SharedPassages)
    fresh = find_shared_passages(seeds_study.docs, min_words=8, max_pairs_docs=50)
    for a, b, c in zip(shared, stored, fresh, strict=True):
        assert a.equals(b) and b.equals(c) and a.schema == b.schema
    assert stored.reuse.height > 0  # the seeds' republication chain
    # a damaged result is computed again, and stored again
    (damaged,) = (tmp_path / "cache" / "reuse").glob("*/*.result/reuse.parquet")
    damaged.write_bytes(b"not parquet")
    study = open_study("seeds")
    assert study.step("reuse", seeds_study.docs, min_words=8, max_pairs_docs=50).reuse.equals(
        fresh.reuse
    )
    assert study.steps["reuse"].computed == 1
    assert open_study("seeds").step("reuse", seeds_study.docs, min_words=8, max_pairs_docs=50)


def test_group_metrics_are_cached_group_by_group(seeds_study, monkeypatch, tmp_path):
    from analysis.compare import group_metrics as gm
    from analysis.compare import groups

    members = groups.grouping(seeds_study.provenance, "outlet", top=15).members
    per_doc = gm.per_doc_table(seeds_study.readability, seeds_study.counts, seeds_study.words)
    sentences = gm.sentence_table(seeds_study.docs, seeds_study.spans)
    kwargs = {"sentences": sentences, "hits": seeds_study.hits, "n_boot": 100}
    direct = gm.group_metrics(per_doc, members, **kwargs)
    n_groups = members["group"].drop_nulls().n_unique()
    assert n_groups >= 3
    monkeypatch.setenv("ANALYSIS_CACHE", str(tmp_path / "cache"))
    first = open_study("seeds")
    assert first.step("group_metrics", per_doc, members, **kwargs).equals(direct)
    assert (first.steps["group_metrics"].computed, first.steps["group_metrics"].cached) == (
        n_groups,
        0,
    )
    # one document's scores change: only its group is computed again
    doc = per_doc["doc_id"][0]
    changed = per_doc.with_columns(
        pl.when(pl.col("doc_id") == doc).then(pl.col("value") + 1).otherwise(pl.col("value"))
    )
    again = open_study("seeds")
    table = again.step("group_metrics", changed, members, **kwargs)
    assert (again.steps["group_metrics"].computed, again.steps["group_metrics"].cached) == (
        1,
        n_groups - 1,
    )
    assert table.equals(gm.group_metrics(changed, members, **kwargs))
    group = members.filter(pl.col("doc_id") == doc)["group"][0]
    assert table.filter(pl.col("group") != group).equals(direct.filter(pl.col("group") != group))


def test_the_sentence_table_is_cached_per_document_for_the_documents_asked(
    seeds_study, monkeypatch, tmp_path
):
    """``Study.sentences`` is a stage of ON_DEMAND: the runner does not build it, a notebook
    asks it for the small groups' documents, and each document's rows are cached on their own."""
    from analysis.compare import group_metrics as gm
    from analysis.registry import ON_DEMAND

    assert not set(ON_DEMAND) & set(STAGES)
    docs, spans = seeds_study.docs, seeds_study.spans
    two = sorted(spans)[:2]
    direct = gm.sentence_table(docs, spans, doc_ids=two)
    assert set(direct["doc_id"]) == set(two)
    monkeypatch.setenv("ANALYSIS_CACHE", str(tmp_path / "cache"))
    first = open_study("seeds").build()
    assert "sentences" not in first.stages  # not built
    assert first.sentences(two).equals(direct)
    assert (first.stages["sentences"].computed, first.stages["sentences"].cached) == (2, 0)
    # asked again with a third document: the two are read, the third computed
    three = sorted(spans)[:3]
    again = open_study("seeds")
    assert again.sentences(three).equals(gm.sentence_table(docs, spans, doc_ids=three))
    assert (again.stages["sentences"].computed, again.stages["sentences"].cached) == (1, 2)
    # all of them (the default), against one computation over the corpus
    assert again.sentences().equals(gm.sentence_table(docs, spans))
    assert again.sentences([]).height == 0


def test_a_step_keys_the_studys_tables_as_they_are_when_called(seeds_study, monkeypatch, tmp_path):
    from analysis.compare import groups

    members = groups.grouping(seeds_study.provenance, "outlet", top=15).members
    monkeypatch.setenv("ANALYSIS_CACHE", str(tmp_path / "cache"))
    study = open_study("seeds")
    terms = study.terms
    first = study.step("similarity", study.terms, members, top_k=None)
    assert study.step("similarity", study.terms, members, top_k=None).equals(first)
    assert (study.steps["similarity"].computed, study.steps["similarity"].cached) == (1, 1)
    three = terms["doc_id"].unique().sort().head(3).implode()
    study.__dict__["terms"] = terms.filter(pl.col("doc_id").is_in(three))  # the table replaced:
    fewer = study.step("similarity", study.terms, members, top_k=None)  # not the memo's print
    assert study.steps["similarity"].computed == 2
    assert not fewer.equals(first)


def test_spans_and_bodies_from_segments_are_the_tables(seeds_study):
    """What a stage's batch reads (:func:`pipeline.spans_from`, and the bodies of those spans)
    equals the ``spans`` and ``bodies`` the notebooks read."""
    from analysis import pipeline
    from analysis.provenance import boilerplate

    spans = pipeline.spans_from(seeds_study._segs)
    assert spans == seeds_study.spans and sum(map(len, spans.values())) > 20
    bodies = boilerplate.bodies_from_spans(seeds_study.docs, spans, {}).select("doc_id", "body")
    assert bodies.equals(seeds_study.bodies.select("doc_id", "body"))


def test_a_built_corpus_gives_its_stage_tables_without_reading_a_segment(monkeypatch, tmp_path):
    """What notebook 02 reads comes from the cache under keys of layouts and texts alone."""
    monkeypatch.setenv("ANALYSIS_CACHE", str(tmp_path / "cache"))
    built = open_study("seeds").build()
    reader = open_study("seeds")
    tables = (reader.provenance, reader.readability, reader.hits, reader.counts, reader.words)
    assert all(t.height > 0 for t in tables) and reader.mentions.height > 0
    assert not {"_labels", "_segs", "segments", "spans", "bodies"} & set(vars(reader))
    assert not reader._seg_memo and "segments" not in reader.stages
    assert reader.words.equals(built.words) and reader.counts.equals(built.counts)
    assert reader.stages["words"].cached == 5 and reader.stages["words"].computed == 0
    # the spans and bodies notebook 03 reads come from the stored layouts, equal to the ones
    # made from the segments table
    assert built.segments.height > 0 and "spans" not in vars(built)
    assert reader.spans == built.spans and reader.bodies.equals(built.bodies)
    assert not {"_labels", "_segs", "segments"} & set(vars(reader)) and not reader._seg_memo
