"""Seconds, rows and peak memory of text reuse when one line is shared by every document.

    python benchmarks/bench_reuse_clusters.py                   # 1,000 and 5,000 documents
    python benchmarks/bench_reuse_clusters.py --sizes 1000 2000 --no-before

Each corpus is ``n`` one-line documents: 15 made-up words (no two documents share a shingle)
and one subscription line of 14 words that all of them end with. *Before* is
``find_reuse`` of ``src/analysis/reuse.py`` as of ``--before`` (the last commit that paired
every passage, read with ``git show`` into a temporary module); *after* is
``find_shared_passages`` of the working tree (default ``max_pairs_docs=50``). Each measurement runs
in its own process, so peak memory (resident set size) is that call's. Rows are ``reuse`` rows,
plus ``reuse_clusters`` rows after; MB is the size of the tables as CSV. Building the corpus is
not timed.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

from analysis.core import paths

#: The last commit whose ``reuse.py`` reports every shared passage pairwise.
BEFORE = "3c41450a122c56254c0ebb71776624102cbf621f"
FOOTER = "Subscribe to our channel on Telegram for the latest news from Astana and Almaty"


def one_line_docs(n: int, seed: int = 0) -> pl.DataFrame:
    """``n`` documents: a sentence of 15 random made-up words, then :data:`FOOTER`."""
    rng = np.random.default_rng(seed)
    syllables = ["ka", "za", "akh", "stan", "ro", "me", "li", "tor", "an", "ve", "nu", "pol", "is"]
    vocabulary = ["".join(w) for w in itertools.product(syllables, repeat=4)]
    bodies = rng.integers(0, len(vocabulary), size=(n, 15)).tolist()
    texts = [" ".join(vocabulary[w] for w in b).capitalize() + f". {FOOTER}." for b in bodies]
    return pl.DataFrame({"doc_id": [f"d{i:05d}" for i in range(n)], "text": texts})


def measure(which: str, n: int, module: str | None) -> dict[str, float]:
    """One call (in this process): seconds, rows, CSV megabytes and peak resident memory."""
    docs = one_line_docs(n)
    if which == "before":
        import importlib.util

        assert module is not None
        spec = importlib.util.spec_from_file_location("reuse_before", module)
        assert spec is not None and spec.loader is not None
        old = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = old  # dataclasses look their module up there
        spec.loader.exec_module(old)
        start = time.perf_counter()
        tables = [old.find_reuse(docs)]
    else:
        from analysis.provenance.reuse import find_shared_passages

        start = time.perf_counter()
        found = find_shared_passages(docs)
        tables = [found.reuse, found.clusters]
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "reuse": tables[0].height,
        "clusters": tables[1].height if len(tables) > 1 else 0,
        "csv_mb": sum(len(t.write_csv()) for t in tables) / 1e6,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def child(which: str, n: int, module: str | None) -> dict[str, float]:
    """:func:`measure` in a fresh interpreter, so that its peak memory is its own."""
    command = [sys.executable, __file__, "--child", which, str(n)]
    if module:
        command.append(module)
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{which} with {n} documents failed:\n{done.stderr}")
    return json.loads(done.stdout.splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 5_000], help="documents")
    parser.add_argument("--before", default=BEFORE, help="commit of the reuse.py timed as before")
    parser.add_argument("--no-before", action="store_true", help="time the working tree only")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        which, n, *module = args.child
        print(json.dumps(measure(which, int(n), module[0] if module else None)))
        return
    print(
        f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs; "
        f"one call each; before = reuse.py at {args.before[:7]}, after = working tree"
    )
    print(
        f"{'':<7} {'docs':>6} {'seconds':>9} {'reuse rows':>11} {'cluster rows':>13} "
        f"{'CSV MB':>8} {'peak MB':>8}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        module = None
        if not args.no_before:
            source = subprocess.run(
                ["git", "show", f"{args.before}:src/analysis/reuse.py"],
                cwd=paths.PROJECT_ROOT,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            module = str(Path(tmp) / "reuse_before.py")
            Path(module).write_text(source, encoding="utf-8")
        for n in args.sizes:
            for which in ("before", "after"):
                if which == "before" and module is None:
                    continue
                r = child(which, n, module)
                print(
                    f"{which:<7} {n:>6} {r['seconds']:>9.2f} {r['reuse']:>11,} "
                    f"{r['clusters']:>13,} {r['csv_mb']:>8.1f} {r['peak_mb']:>8.0f}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
