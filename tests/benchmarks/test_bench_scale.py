"""benchmarks/bench_scale.py: spliced corpora and the memory of a process tree."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from types import ModuleType

import polars as pl
import pytest
from conftest import ALLSIDES, benchmark_module


def _module() -> ModuleType:
    return benchmark_module("bench_scale")


def _sample() -> pl.DataFrame:
    texts = {
        "A": ["Menu\nAstana hosts talks.\nGrain deal signed.\nFooter A", "Menu\nBrief.\nFooter A"],
        "B": ["Header B\nTokayev met Xi.\nRail link opens.", "Header B\nOil output up."],
    }
    rows = [(o, t) for o, ts in texts.items() for t in ts]
    return pl.DataFrame(
        {
            "outlet": [o for o, _ in rows],
            "domain": [f"{o.lower()}.kz" for o, _ in rows],
            "date": ["2024-03-14"] * len(rows),
            "topic": ["politics"] * len(rows),
            "bias": ["center"] * len(rows),
            "text": [t for _, t in rows],
        }
    )


def test_spliced_articles_are_distinct_same_outlet_and_reproducible():
    bench = _module()
    sample = _sample()
    out = bench.splice(sample, 12, seed=3)
    assert out.height == 12 and out["text"].n_unique() == 12
    assert out.columns == ["id", "outlet", "domain", "date", "topic", "bias", "text"]
    assert bench.splice(sample, 12, seed=3).equals(out)
    assert not bench.splice(sample, 12, seed=4).equals(out)
    lines_of = {
        o: {line for t in sample.filter(pl.col("outlet") == o)["text"] for line in t.split("\n")}
        for o in ("A", "B")
    }
    for outlet, text in out.select("outlet", "text").iter_rows():
        assert set(text.split("\n")) <= lines_of[outlet]  # every line from its own outlet
    first = {t.split("\n")[0] for t in out.filter(pl.col("outlet") == "A")["text"]}
    assert first == {"Menu"}  # the outlet's recurring lines stay where they were


def test_splicing_refuses_more_articles_than_the_sample_can_give():
    bench = _module()
    with pytest.raises(RuntimeError, match="cannot splice 40 distinct articles"):
        bench.splice(_sample(), 40)


def test_tree_memory_counts_the_children():
    bench = _module()
    code = (
        "import subprocess, sys, time; "
        "child = subprocess.Popen([sys.executable, '-c', "
        "'x = bytearray(300_000_000); import time; time.sleep(3)']); "
        "time.sleep(3); child.wait()"
    )
    proc = subprocess.Popen([sys.executable, "-c", code])
    memory = bench.TreeMemory(proc.pid, every=0.05)
    proc.wait()
    assert memory.stop() > 300_000_000


@pytest.mark.skipif(not ALLSIDES.is_file(), reason="../shared/corpora/allsides is not here")
def test_a_spliced_allsides_corpus_keeps_the_outlets_shares():
    bench = _module()
    sample = pl.read_parquet(ALLSIDES)
    out = bench.splice(sample, 3000, seed=0)
    digests = {hashlib.sha256(t.encode()).digest() for t in out["text"]}
    assert len(digests) == 3000
    share = sample["outlet"].value_counts(normalize=True).rename({"proportion": "sample"})
    got = out["outlet"].value_counts(normalize=True).rename({"proportion": "spliced"})
    both = share.join(got, on="outlet", how="left").fill_null(0.0)
    assert (both["sample"] - both["spliced"]).abs().max() < 0.02
    mean_bytes = [f["text"].str.len_bytes().mean() for f in (sample, out)]
    assert abs(mean_bytes[1] / mean_bytes[0] - 1) < 0.1
