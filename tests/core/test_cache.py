"""The per-document cache: stored rows come back exactly, missing documents are computed once."""

from __future__ import annotations

import os

import polars as pl
import pytest

from analysis.core import cache as C


def rows_of(docs: pl.DataFrame) -> pl.DataFrame:
    """A stage with 0, 1 or 2 rows per document."""
    out = [
        (d, i) for d, n in docs.select("doc_id", "n").iter_rows() for i in range(n)
    ]  # fmt: skip
    return pl.DataFrame(out, schema={"doc_id": pl.String, "i": pl.Int64}, orient="row")


DOCS = pl.DataFrame({"doc_id": ["a", "b", "c"], "n": [2, 0, 1]})


def run(cache: C.DocumentCache, docs: pl.DataFrame, calls: list) -> pl.DataFrame:
    keys = [f"k-{d}" for d in docs["doc_id"]]
    to_key = dict(zip(docs["doc_id"], keys, strict=True))

    def compute(positions):
        calls.append([docs["doc_id"][i] for i in positions])
        yield positions, rows_of(docs[positions])

    out = cache.apply(
        "stage",
        "v1",
        keys,
        compute,
        lambda rows: rows["doc_id"].replace_strict(to_key, return_dtype=pl.String),
    )
    return out.sort("doc_id", "i")


def test_each_batch_is_stored_as_it_arrives(tmp_path):
    """A computation that fails after its first batch keeps that batch."""
    cache = C.DocumentCache(tmp_path)
    keys = ["k-a", "k-b", "k-c"]

    def compute(positions):
        yield [0, 1], rows_of(DOCS[[0, 1]])
        raise RuntimeError("the second batch fails")

    with pytest.raises(RuntimeError, match="second batch"):
        cache.apply("stage", "v1", keys, compute, lambda r: "k-" + r["doc_id"])
    found, covered = cache.lookup("stage", "v1", keys)
    assert covered == {"k-a", "k-b"}
    assert found is not None and found.drop(C.KEY).equals(rows_of(DOCS[[0, 1]]))


def test_stored_documents_are_not_computed_again(tmp_path):
    cache, calls = C.DocumentCache(tmp_path), []
    first = run(cache, DOCS, calls)
    assert first.equals(rows_of(DOCS).sort("doc_id", "i"))
    again = run(C.DocumentCache(tmp_path), DOCS, calls)
    assert again.equals(first)
    assert calls == [["a", "b", "c"]]  # 'b' has no rows and still counts as done
    none = run(C.DocumentCache(tmp_path), DOCS.head(0), calls)  # no documents: computed empty
    assert none.height == 0 and none.schema == first.schema and calls[-1] == []
    calls.pop()
    more = pl.concat([DOCS, pl.DataFrame({"doc_id": ["d"], "n": [3]})])
    counted = C.DocumentCache(tmp_path)
    assert run(counted, more, calls).equals(rows_of(more).sort("doc_id", "i"))
    assert calls[-1] == ["d"]
    assert counted.counts["stage"] == C.StageCount("v1", cached=3, computed=1)


def test_no_root_means_no_cache(tmp_path):
    calls: list = []
    cache = C.DocumentCache(None)
    run(cache, DOCS, calls)
    run(cache, DOCS, calls)
    assert len(calls) == 2 and not list(tmp_path.iterdir())


def test_a_killed_write_leaves_a_usable_cache(tmp_path):
    calls: list = []
    run(C.DocumentCache(tmp_path), DOCS.head(1), calls)
    folder = tmp_path / "stage" / "v1"
    # a run killed mid-write: rows without their keys file, and a temporary folder
    (folder / "dead.rows.parquet").write_bytes(b"not parquet")
    (folder / ".tmp-dead").mkdir()
    out = run(C.DocumentCache(tmp_path), DOCS, calls)
    assert out.equals(rows_of(DOCS).sort("doc_id", "i"))
    assert calls == [["a"], ["b", "c"]]
    removed = C.prune(tmp_path, {"stage": "v1"})
    assert sorted(removed) == ["stage/v1/.tmp-dead", "stage/v1/dead.rows.parquet"]


def test_two_parts_with_the_same_document_are_read_once(tmp_path):
    a, b = C.DocumentCache(tmp_path), C.DocumentCache(tmp_path)
    run(a, DOCS.head(2), [])  # two runs at once stored overlapping batches
    run(b, DOCS, [])
    assert len(list((tmp_path / "stage" / "v1").glob("*.keys.parquet"))) == 2
    out = run(C.DocumentCache(tmp_path), DOCS, calls := [])
    assert calls == [] and out.equals(rows_of(DOCS).sort("doc_id", "i"))


def test_summary_and_prune_keep_the_current_versions(tmp_path):
    run(C.DocumentCache(tmp_path), DOCS, [])
    (tmp_path / "stage" / "v0").mkdir()
    (tmp_path / "gone" / "v9").mkdir(parents=True)
    listed = {(s, v): n for s, v, n, _ in C.summary(tmp_path)}
    assert listed == {("stage", "v1"): 3, ("stage", "v0"): 0, ("gone", "v9"): 0}
    assert C.prune(tmp_path, {"stage": "v1"}) == ["gone/v9", "stage/v0"]
    assert [p.name for p in tmp_path.iterdir()] == ["stage"]


def test_cache_root_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("ANALYSIS_CACHE", "off")
    assert C.cache_root() is None
    monkeypatch.setenv("ANALYSIS_CACHE", str(tmp_path))
    assert C.cache_root() == tmp_path
    monkeypatch.delenv("ANALYSIS_CACHE")
    assert C.cache_root() is not None and C.cache_root().parts[-2:] == (".cache", "analysis")
    assert os.environ.get("ANALYSIS_CACHE") is None


@pytest.mark.parametrize("parts", [("a", 1), ("a", [(0, 5)]), ("", "")])
def test_digest_is_stable_and_separates_parts(parts):
    assert C.digest(*parts) == C.digest(*parts)
    assert C.digest("ab", "c") != C.digest("a", "bc")


def test_an_unreadable_or_unwritable_cache_never_stops_the_computation(tmp_path):
    calls: list = []
    run(C.DocumentCache(tmp_path), DOCS, calls)
    for keys in (tmp_path / "stage" / "v1").glob("*.keys.parquet"):
        keys.write_bytes(b"truncated")  # a damaged disk, say
    assert run(C.DocumentCache(tmp_path), DOCS, calls).equals(rows_of(DOCS).sort("doc_id", "i"))
    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache folder should be")
    assert run(C.DocumentCache(blocked), DOCS, calls).equals(rows_of(DOCS).sort("doc_id", "i"))
    assert len(calls) == 3
    removed = C.prune(tmp_path, {"stage": "v1"})  # the damaged part goes, keys and rows
    assert len(removed) == 2 and all(r.startswith("stage/v1/") for r in removed)
    run(C.DocumentCache(tmp_path), DOCS, calls)  # stored again ...
    run(C.DocumentCache(tmp_path), DOCS, calls)  # ... and read from then on
    assert len(calls) == 4


def test_a_result_is_stored_once_and_read_back(tmp_path):
    from typing import NamedTuple

    frame = pl.DataFrame({"doc_id": ["a", "b"], "x": [1.5, None]})
    assert C.load_result(tmp_path, "step", "v1", "k") is None
    C.store_result(tmp_path, "step", "v1", "k", frame)
    C.store_result(tmp_path, "step", "v1", "k", frame.head(1))  # a second writer: first one stays
    assert C.load_result(tmp_path, "step", "v1", "k").equals(frame)
    assert C.load_result(tmp_path, "step", "v2", "k") is None
    assert C.load_result(None, "step", "v1", "k") is None
    assert [p.name for p in (tmp_path / "step" / "v1").iterdir()] == ["k.result"]

    class Pair(NamedTuple):
        left: pl.DataFrame
        right: pl.DataFrame

    with pytest.raises(TypeError, match="only frames and named tuples"):
        C.store_result(tmp_path, "step", "v1", "dict", {"a": frame})
    with pytest.raises(TypeError, match="no fingerprint for a object"):
        C.fingerprint(object())
    assert C.fingerprint(Pair(frame, frame)) == C.fingerprint((frame, frame))


def test_a_frame_read_back_from_parquet_has_the_fingerprint_it_had(tmp_path):
    """Chunks and sortedness flags differ between a frame made in memory and its Parquet copy;
    the fingerprint sees only schema and values."""
    made = pl.concat(
        [pl.DataFrame({"x": [2, 1], "s": ["b", None]}), pl.DataFrame({"x": [3], "s": ["c"]})],
        rechunk=False,
    ).sort("x")
    made.write_parquet(tmp_path / "f.parquet")
    read = pl.read_parquet(tmp_path / "f.parquet")
    assert made.flags != read.flags
    assert C.fingerprint(made) == C.fingerprint(read)
    assert C.fingerprint(made) != C.fingerprint(made.with_columns(pl.col("x").cast(pl.Int32)))
    assert C.fingerprint(made) != C.fingerprint(made.reverse())


def test_stored_counts_the_documents_a_stage_holds(tmp_path):
    cache = C.DocumentCache(tmp_path)
    assert cache.stored("segments", "v1") == 0
    rows = pl.DataFrame({"_key": ["a", "b", "c"], "x": [1, 2, 3]})
    cache.store("segments", "v1", ["a", "b"], rows.head(2))
    cache.store("segments", "v1", ["c"], rows.tail(1))
    assert cache.stored("segments", "v1") == 3
    assert cache.stored("segments", "v2") == 0
    assert C.DocumentCache(None).stored("segments", "v1") == 0
