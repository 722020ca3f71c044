"""The command line's own commands (runs are tested in tests/run/test_runner.py)."""

from __future__ import annotations

import polars as pl

from analysis.__main__ import main
from analysis.core.cache import DocumentCache, load_result, store_result
from analysis.pipeline import LAYOUTS, layout_version
from analysis.registry import CORPUS_STEPS, STAGES


def test_cache_lists_stage_versions_and_prunes_old_ones(tmp_path, capsys):
    cache = DocumentCache(tmp_path)
    rows = pl.DataFrame({"doc_id": ["a"], "_key": ["k"]})
    current = STAGES["readability"].version
    cache.store("readability", current, ["k"], rows)
    cache.store("readability", "0000000000000000", ["k"], rows)
    step = CORPUS_STEPS["similarity"].version
    store_result(tmp_path, "similarity", step, "key", rows)
    store_result(tmp_path, "similarity", "0000000000000000", "key", rows)
    layouts = layout_version(STAGES["segments"].version)
    cache.store(LAYOUTS, layouts, ["k"], rows)
    assert main(["cache", "--dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "5 stage version(s)" in out
    assert f"readability        {current}          1 documents" in out
    assert f"layouts            {layouts}          1 documents  " in out
    assert f"similarity         {step}          1 results" in out
    assert out.count("old (cache prune removes it)") == 2
    assert main(["cache", "prune", "--dir", str(tmp_path)]) == 0
    assert "removed 2 item(s)" in capsys.readouterr().out
    assert [p.name for p in (tmp_path / "readability").iterdir()] == [current]
    assert [p.name for p in (tmp_path / "similarity").iterdir()] == [step]
    assert [p.name for p in (tmp_path / LAYOUTS).iterdir()] == [layouts]
    assert load_result(tmp_path, "similarity", step, "key").equals(rows)


def test_cache_off(monkeypatch, capsys):
    monkeypatch.setenv("ANALYSIS_CACHE", "off")
    assert main(["cache"]) == 0
    assert "the cache is off" in capsys.readouterr().out


def test_export_writes_a_runs_tables_as_csv_elsewhere(tmp_path, capsys, monkeypatch):
    run = tmp_path / "outputs" / "20261204T000000.000000Z"
    (run / "tables").mkdir(parents=True)
    (run / "manifest.json").write_text("{}")
    pl.DataFrame({"doc_id": ["a", "b"], "tags": [["x"], []]}).write_parquet(
        run / "tables" / "documents.parquet"
    )
    outputs = str(tmp_path / "outputs")
    assert main(["export", run.name, str(tmp_path / "csv"), "--outputs", outputs]) == 0
    assert "1 tables of 20261204T000000.000000Z written as CSV" in capsys.readouterr().out
    assert (tmp_path / "csv" / "documents.csv").read_text() == 'doc_id,tags\na,"[""x""]"\nb,[]\n'
    # never into the run itself, whose files the manifest records
    assert main(["export", run.name, str(run / "csv"), "--outputs", outputs]) == 2
    monkeypatch.chdir(tmp_path)  # a run named by a relative path, and the folder too
    assert main(["export", "outputs/" + run.name, f"outputs/{run.name}/csv"]) == 2
    assert "error: export into a folder outside the run" in capsys.readouterr().err
    assert not (run / "csv").exists()


def test_pythonpath_is_made_absolute_for_the_kernels(monkeypatch, tmp_path):
    import os
    from pathlib import Path

    from analysis.__main__ import absolute_pythonpath

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(["src", "/opt/x", "", "../lib"]))
    absolute_pythonpath()
    parts = os.environ["PYTHONPATH"].split(os.pathsep)
    here = Path.cwd()  # tmp_path, as the system names it
    assert parts == [str(here / "src"), "/opt/x", "", str(here.parent / "lib")]
    monkeypatch.delenv("PYTHONPATH")
    absolute_pythonpath()  # none set: none made
    assert "PYTHONPATH" not in os.environ
