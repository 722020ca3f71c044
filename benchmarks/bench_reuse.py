"""Time :func:`~analysis.provenance.reuse.find_reuse` on the seeds and on AllSides samples.

    python benchmarks/bench_reuse.py                 # seeds, and 2,000 AllSides articles
    python benchmarks/bench_reuse.py --sizes 2000 10000

AllSides is read from ``../shared/corpora/allsides/allsides_10k.parquet`` beside the checkout;
without it only the seeds are timed. Samples are drawn with a fixed seed from the documents that
corpus intake keeps (``status == "ok"``), so ``doc_id`` is the SHA-256 of the text, as everywhere
in the project. Reading and intake are not timed.
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import polars as pl

from analysis.core import paths
from analysis.corpus.intake import ok_documents, read_corpus
from analysis.provenance.reuse import find_reuse

ALLSIDES = paths.PROJECT_ROOT.parent / "shared" / "corpora" / "allsides" / "allsides_10k.parquet"


def timed(docs: pl.DataFrame, repeat: int) -> tuple[float, pl.DataFrame]:
    """Best wall-clock time of ``repeat`` calls, and the result (checked to be the same)."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        out = find_reuse(docs)
        best = min(best, time.perf_counter() - start)
        assert result is None or out.equals(result), "find_reuse is not deterministic"
        result = out
    assert result is not None
    return best, result


def report(name: str, docs: pl.DataFrame, repeat: int) -> None:
    seconds, result = timed(docs, repeat)
    within = result.filter(pl.col("doc_a") == pl.col("doc_b"))
    across = result.filter(pl.col("doc_a") != pl.col("doc_b"))
    pairs = across.select("doc_a", "doc_b").unique().height
    chars = docs["text"].str.len_chars().sum()
    print(
        f"{name:<22} {docs.height:>6} docs {chars / 1e6:>6.1f} M chars  {seconds:>7.2f} s  "
        f"rows: {within.height:>6} within, {across.height:>6} across ({pairs} pairs)"
    )


def candidate_ratio(docs: pl.DataFrame, threshold: float = 0.4, num_perm: int = 128) -> None:
    """Candidate pairs: our numpy band rule against datasketch's MinHashLSH (the reference).

    Both get the same sketches; the pairs must be identical, and the ratio is printed.
    """
    from analysis.provenance.reuse import _lsh, _shingles

    prepared = _shingles._prepare(docs, 5)
    signatures, owners = _lsh._sketches(prepared, chunk=32, min_shared=4, num_perm=num_perm, seed=1)
    bands, rows = _lsh._lsh_params(threshold, num_perm)
    start = time.perf_counter()
    ours = _lsh._band_collisions(signatures, owners, bands, rows)
    t_ours = time.perf_counter() - start
    start = time.perf_counter()
    theirs = _lsh.lsh_reference_pairs(signatures, owners, bands, rows, seed=1)
    t_theirs = time.perf_counter() - start
    same = "identical" if set(map(tuple, ours)) == theirs else "DIFFERENT"
    print(
        f"candidates on {docs.height} docs ({len(signatures)} chunks): "
        f"MinHashLSH {t_theirs:.2f} s, "
        f"numpy bands {t_ours:.2f} s, ratio {t_theirs / max(t_ours, 1e-9):.1f}x, pairs {same}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[2000], help="AllSides samples")
    parser.add_argument("--repeat", type=int, default=3, help="calls timed on the seeds")
    args = parser.parse_args()
    print(
        f"python {platform.python_version()} on {platform.machine()}, "
        f"{os.cpu_count()} CPUs; best of {args.repeat} on the seeds, one call per sample"
    )
    report("seeds", ok_documents(read_corpus(paths.SEEDS)), args.repeat)
    if not ALLSIDES.is_file():
        print(f"skipped AllSides: {paths.display_path(ALLSIDES)} not found")
        return
    allsides = ok_documents(read_corpus(ALLSIDES))
    for size in args.sizes:
        sample = allsides.sample(n=min(size, allsides.height), seed=0, shuffle=True)
        report(f"allsides sample {sample.height}", sample, 1)
        candidate_ratio(sample)


if __name__ == "__main__":
    main()
