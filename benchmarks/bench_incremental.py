"""Reruns cost what changed: a cold run, the same corpus plus 10 articles, and nothing changed.

Measured in one go, whole runs as the README runs them (``python -m analysis run``), on the first
2,000 articles of the AllSides sample (``--size``), each variant in its own outputs folder and
one shared per-document cache:

1. cold: an empty cache, every document computed;
2. plus 10: the next 10 articles added (a new corpus file), the cache warm: the per-document
   stages compute only the new documents and those whose outlet's recurring lines they change;
3. nothing changed: the same run again, which takes the earlier run's files.

Prints each variant's wall time, its ratio to the cold run, the per-stage computed/cached counts
from the manifests, and whether ``tables/`` and ``charts/`` of the plus-10 run equal those of a
cold run on the same 2,010 articles (``--check``, one more cold run).

    python benchmarks/bench_incremental.py
    python benchmarks/bench_incremental.py --size 500 --check
"""

from __future__ import annotations

import argparse
import filecmp
import json
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
    subprocess.run(command, check=True, cwd=ROOT, stderr=subprocess.DEVNULL)
    seconds = time.perf_counter() - t0
    latest = (outputs / "LATEST").read_text().strip()
    return seconds, json.loads((outputs / latest / "manifest.json").read_text())


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
        small, large = work / "cold.parquet", work / "plus.parquet"
        sample.head(args.size).write_parquet(small)
        sample.head(args.size + args.added).write_parquet(large)
        cache = work / "cache"
        cold_s, cold = run(small, work / "out_cold", cache)
        plus_s, plus = run(large, work / "out_plus", cache)
        same_s, same = run(large, work / "out_plus", cache)
        print(f"{args.size:,} AllSides articles, +{args.added}; whole runs, one process")
        print(f"  cold            {cold_s:7.1f} s  1.00    computed/all: {counts(cold)}")
        print(
            f"  plus {args.added:<3}        {plus_s:7.1f} s  {plus_s / cold_s:.2f}    "
            f"computed/all: {counts(plus)}"
        )
        print(
            f"  nothing changed {same_s:7.1f} s  {same_s / cold_s:.3f}   "
            f"reused from {same.get('reused_from')}"
        )
        if args.check:
            ref_s, _ = run(large, work / "out_ref", work / "cache_ref")
            plus_dir = work / "out_plus" / plus["run_id"]
            ref_dir = work / "out_ref" / (work / "out_ref" / "LATEST").read_text().strip()
            verdict = "identical" if same_results(plus_dir, ref_dir) else "DIFFERENT"
            print(f"  cold on {args.size + args.added:,}   {ref_s:7.1f} s  (reference)")
            print(f"  plus-{args.added} run vs a cold run on it: tables and charts {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
