"""Throughput of the span detector (``model_hits``) and the sentence view on one core.

    python benchmarks/bench_spans.py                 # 2,000 AllSides articles
    python benchmarks/bench_spans.py --docs 10000    # every article

Single-threaded: ``POLARS_MAX_THREADS=1`` and one-thread BLAS are set before anything is imported.
Every line of an article is body (AllSides texts carry no page furniture). The model's weight table
starts empty (a fresh process), so the time includes looking up every distinct word once, as a run
does; a second pass over the same articles shows the warm rate. Prints MB/s of UTF-8 text for
``model_hits``, ``technique_sentences`` (sentence splitting included) and ``rhetoric_hits`` of the
lexicon families (scare quotes left out: they need the quotes table) with ``detector`` lexicon and
both (the default: the lexicon and the span model, its weights already known by then).
Reading is not timed. The issue's target: at least 10 MB/s.
"""

from __future__ import annotations

import os

# before numpy and polars are imported: one core
os.environ["POLARS_MAX_THREADS"] = "1"
os.environ["OMP_NUM_THREADS"] = "1"
os.environ["OPENBLAS_NUM_THREADS"] = "1"

import argparse
import platform
import time
from pathlib import Path

import polars as pl

from analysis.core import paths
from analysis.metrics import rhetoric
from analysis.text.spans import line_spans

ALLSIDES = paths.PROJECT_ROOT.parent / "shared" / "corpora" / "allsides" / "allsides_10k.parquet"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=2000, help="AllSides articles (first n)")
    parser.add_argument("--parquet", type=Path, default=ALLSIDES)
    args = parser.parse_args()
    if not args.parquet.is_file():
        print(f"no AllSides sample at {args.parquet}: nothing to time")
        return 0
    frame = pl.read_parquet(args.parquet, columns=["id", "text"]).head(args.docs)
    docs = frame.select(pl.col("id").cast(pl.String).alias("doc_id"), "text").filter(
        pl.col("text").is_not_null()
    )
    spans = {d: line_spans(t) for d, t in docs.iter_rows()}
    mb = sum(len(t.encode("utf-8")) for t in docs["text"].to_list()) / 1e6
    model = rhetoric.load_span_model()
    lexicon = rhetoric.load_lexicon()
    families = [f.name for f in lexicon.families if f.detector == "lexicon"]
    print(
        f"{docs.height:,} articles, {mb:.1f} MB of text; {platform.processor() or 'cpu'}, one core"
    )
    rows = []
    for label, call in (
        (
            "model_hits, cold (every word looked up)",
            lambda: rhetoric.model_hits(docs, spans, model),
        ),
        ("model_hits, warm (words known)", lambda: rhetoric.model_hits(docs, spans, model)),
        ("technique_sentences (sentence view)", lambda: rhetoric.technique_sentences(docs, spans)),
        (
            "rhetoric_hits, lexicon families, detector lexicon",
            lambda: rhetoric.rhetoric_hits(
                docs, spans, families=families, lexicon=lexicon, detector="lexicon"
            ),
        ),
        (
            "rhetoric_hits, the same families, detector both",
            lambda: rhetoric.rhetoric_hits(
                docs, spans, families=families, lexicon=lexicon, detector="both"
            ),
        ),
    ):
        t = time.perf_counter()
        hits = call()
        dt = time.perf_counter() - t
        rows.append((label, dt, mb / dt, hits.height))
    width = max(len(r[0]) for r in rows)
    print(f"{'step':<{width}}  {'seconds':>8}  {'MB/s':>6}  {'hits':>8}")
    for label, dt, rate, n in rows:
        print(f"{label:<{width}}  {dt:8.2f}  {rate:6.2f}  {n:8,}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
