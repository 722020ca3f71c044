"""The command line's own commands (runs are tested in tests/run/test_runner.py)."""

from __future__ import annotations

import polars as pl

from analysis.__main__ import main
from analysis.core.cache import DocumentCache
from analysis.registry import STAGES


def test_cache_lists_stage_versions_and_prunes_old_ones(tmp_path, capsys):
    cache = DocumentCache(tmp_path)
    rows = pl.DataFrame({"doc_id": ["a"], "_key": ["k"]})
    current = STAGES["readability"].version
    cache.store("readability", current, ["k"], rows)
    cache.store("readability", "0000000000000000", ["k"], rows)
    assert main(["cache", "--dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "2 stage version(s)" in out
    assert f"readability      {current}          1 documents" in out
    assert "old (cache prune removes it)" in out
    assert main(["cache", "prune", "--dir", str(tmp_path)]) == 0
    assert "removed 1 item(s)" in capsys.readouterr().out
    assert [p.name for p in (tmp_path / "readability").iterdir()] == [current]


def test_cache_off(monkeypatch, capsys):
    monkeypatch.setenv("ANALYSIS_CACHE", "off")
    assert main(["cache"]) == 0
    assert "the cache is off" in capsys.readouterr().out
