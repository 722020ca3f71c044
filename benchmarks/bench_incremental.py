"""Reruns cost what changed, and a second core pays: cold runs on 1 and 2 workers, the same
corpus plus 10 articles, and nothing changed.

Measured in one go, whole runs as the README runs them (``python -m analysis run``), on the first
2,000 articles of the AllSides sample (``--size``), each variant in its own outputs folder:

1. cold, ``--workers 1``: an empty cache, every document computed in the runner's process, the
   notebooks one after another (the reference);
2. cold, ``--workers 2``: another empty cache, the per-document stages on a local Dask cluster
   of two worker processes, two notebooks at once;
3. plus 10 (``--workers 2``, the cache of 2): the next 10 articles added (a new corpus file):
   the per-document stages compute only the new documents and those whose outlet's recurring
   lines they change;
4. nothing changed: the same run again, which takes the earlier run's files;
5. notebook 03 executed alone on the built corpus (papermill, as a researcher reopening it in
   JupyterLab would run it), its tables read through ``open_study`` from the cache.

Prints each variant's wall time and its ratio to the cold run on the same workers, the
per-document stages' time (the manifest's ``build``) on 1 and 2 workers and their ratio, the
per-stage computed/cached counts from the manifests, and whether ``tables/`` and ``charts/`` are
byte-identical: cold on 2 workers against cold on 1, and (``--check``, one more cold run on 1
worker) plus 10 against a cold run on the same 2,010 articles.

    python benchmarks/bench_incremental.py
    python benchmarks/bench_incremental.py --size 500 --check
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
ALLSIDES = ROOT.parent / "shared" / "corpora" / "allsides" / "allsides_10k.parquet"


def run(corpus: Path, outputs: Path, cache: Path, *extra: str) -> tuple[float, dict]:
    """One whole run; its wall time and manifest."""
    command = [
        sys.executable, "-m", "analysis", "run", "--corpus", str(corpus),
        "--outputs", str(outputs), "--cache", str(cache), "--no-progress", *extra,
    ]  # fmt: skip
    t0 = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, stderr=subprocess.PIPE, text=True, check=False)
    seconds = time.perf_counter() - t0
    if done.returncode != 0:  # say why, not only that it failed
        print("\n".join(done.stderr.splitlines()[-30:]), file=sys.stderr)
        done.check_returncode()
    latest = (outputs / "LATEST").read_text().strip()
    return seconds, json.loads((outputs / latest / "manifest.json").read_text())


def reopen(notebook: str, corpus: Path, cache: Path, work: Path) -> float:
    """Seconds to execute one notebook alone on a corpus whose stages are built (no output)."""
    command = [
        sys.executable, "-m", "papermill", str(ROOT / "notebooks" / notebook),
        str(work / notebook), "-k", "python3", "-p", "corpus", str(corpus), "--no-progress-bar",
    ]  # fmt: skip
    env = {**os.environ, "ANALYSIS_CACHE": str(cache)}
    t0 = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT / "notebooks", env=env, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def _spin(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i % 7
    return total


def machine_scaling(n: int = 20_000_000) -> float:
    """How much faster two processes do two equal pure-Python loops than one process does: the
    ceiling a second worker can reach on this machine (shared or throttled cores give less)."""
    from concurrent.futures import ProcessPoolExecutor

    t0 = time.perf_counter()
    _spin(n), _spin(n)
    one = time.perf_counter() - t0
    with ProcessPoolExecutor(2) as pool:
        list(pool.map(_spin, [1000, 1000]))  # started before timing
        t0 = time.perf_counter()
        list(pool.map(_spin, [n, n]))
        two = time.perf_counter() - t0
    return one / two


def same_results(a: Path, b: Path) -> bool:
    for folder in ("tables", "charts"):
        left, right = a / folder, b / folder
        names = sorted(p.name for p in left.iterdir())
        if names != sorted(p.name for p in right.iterdir()):
            return False
        _, mismatch, errors = filecmp.cmpfiles(left, right, names, shallow=False)
        if mismatch or errors:
            return False
    return True


def counts(manifest: dict) -> str:
    stages = manifest.get("stages", {})
    return ", ".join(
        f"{s} {v['computed']}/{v['computed'] + v['cached']}" for s, v in stages.items()
    )


def breakdown(manifest: dict) -> str:
    """Where a run's time went: the per-document stages, each notebook (two run at once on two
    workers, so they overlap) and the report."""
    parts = [f"stages {manifest['build']['duration_s']:.1f} s"]
    for n in manifest.get("notebooks", []):
        parts.append(f"{n['name'].split('_')[0]} {n.get('duration_s', 0.0):.1f} s")
    if "report" in manifest:
        parts.append(f"report {manifest['report']['duration_s']:.1f} s")
    return ", ".join(parts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=2000, help="articles of the cold corpus")
    parser.add_argument("--added", type=int, default=10, help="articles added to it")
    parser.add_argument("--check", action="store_true", help="compare with a cold run on both")
    args = parser.parse_args()
    if not ALLSIDES.is_file():
        print(f"needs {ALLSIDES}", file=sys.stderr)
        return 2
    sample = pl.read_parquet(ALLSIDES)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        # one file name for both, as a researcher appends a day's articles to the same corpus:
        # the documents already there keep their source ("corpus.parquet#row=N")
        small, large = work / "cold" / "corpus.parquet", work / "plus" / "corpus.parquet"
        small.parent.mkdir()
        large.parent.mkdir()
        sample.head(args.size).write_parquet(small)
        sample.head(args.size + args.added).write_parquet(large)
        cold1_s, cold1 = run(small, work / "out_cold1", work / "cache1", "--workers", "1")
        cache = work / "cache2"
        cold_s, cold = run(small, work / "out_cold2", cache, "--workers", "2")
        plus_s, plus = run(large, work / "out_plus", cache, "--workers", "2")
        same_s, same = run(large, work / "out_plus", cache, "--workers", "2")
        open_s = reopen("03_cross_outlet.ipynb", large, cache, work)
        build1, build2 = cold1["build"]["duration_s"], cold["build"]["duration_s"]
        print(f"{args.size:,} AllSides articles, +{args.added}; whole runs")
        print(f"  cold, 1 worker  {cold1_s:7.1f} s          per-document stages {build1:6.1f} s")
        print(
            f"  cold, 2 workers {cold_s:7.1f} s  1.00    per-document stages {build2:6.1f} s"
            f"   (cluster start {cold['build']['cluster_start_s']:.1f} s)"
        )
        print(
            f"  plus {args.added:<3}        {plus_s:7.1f} s  {plus_s / cold_s:.2f}    "
            f"computed/all: {counts(plus)}"
        )
        print(f"      where the time went: cold {breakdown(cold)}")
        print(f"                           plus {args.added} {breakdown(plus)}")
        print(
            f"  nothing changed {same_s:7.1f} s  {same_s / cold_s:.3f}   "
            f"reused from {same.get('reused_from')}"
        )
        print(f"  notebook 03 reopened on the built corpus: {open_s:.1f} s (kernel start included)")
        print(
            f"  2 workers against 1: per-document stages {build1 / build2:.2f}x faster, "
            f"end to end {cold1_s / cold_s:.2f}x (this machine's ceiling: two processes run "
            f"a pure-Python loop {machine_scaling():.2f}x faster than one)"
        )
        one = work / "out_cold1" / cold1["run_id"]
        two = work / "out_cold2" / cold["run_id"]
        verdict = "identical" if same_results(one, two) else "DIFFERENT"
        print(f"  cold on 2 workers vs cold on 1: tables and charts {verdict}")
        if args.check:
            ref_s, _ = run(large, work / "out_ref", work / "cache_ref", "--workers", "1")
            plus_dir = work / "out_plus" / plus["run_id"]
            ref_dir = work / "out_ref" / (work / "out_ref" / "LATEST").read_text().strip()
            verdict = "identical" if same_results(plus_dir, ref_dir) else "DIFFERENT"
            print(f"  cold on {args.size + args.added:,}, 1 worker {ref_s:7.1f} s  (reference)")
            print(f"  plus-{args.added} run vs a cold run on it: tables and charts {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
