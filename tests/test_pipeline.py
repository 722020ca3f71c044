"""The prepared corpus every notebook starts from."""

from __future__ import annotations

import polars as pl

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
