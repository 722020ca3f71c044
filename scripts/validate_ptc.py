"""Score the rhetoric cue detectors against the Propaganda Techniques Corpus; time them on AllSides.

    python scripts/validate_ptc.py                    # per technique
    python scripts/validate_ptc.py --by family        # per cue family
    python scripts/validate_ptc.py --by term          # per lexicon entry (for tuning)
    python scripts/validate_ptc.py --bench 1000       # and time 1,000 AllSides articles

The corpora are read from ``../shared/corpora/`` beside the checkout (see its README). A hit is
correct when it overlaps an annotated span of its technique; recall is the share of annotated
spans that a hit of their technique overlaps; ``in_any_span`` is the share of hits inside a span of
any technique (the only figure for families without a technique: certainty, hedges, scare
quotes). The lexicons were tuned on these 232 articles, so the figures are in-sample.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import polars as pl

from analysis.core import paths
from analysis.metrics import rhetoric
from analysis.provenance.quotes import quotes_table
from analysis.text.spans import line_spans

CORPORA = paths.PROJECT_ROOT.parent / "shared" / "corpora"


def bench(n: int, parquet: Path) -> None:
    """Time the rhetoric tables on the first ``n`` AllSides articles (every line is body)."""
    frame = pl.read_parquet(parquet, columns=["id", "text"]).head(n)
    docs = frame.select(pl.col("id").cast(pl.String).alias("doc_id"), "text")
    spans = {d: line_spans(t) for d, t in docs.iter_rows()}
    rhetoric.load_lexicon()
    timings: dict[str, float] = {}
    t = time.perf_counter()
    quotes = quotes_table(docs, spans)
    timings["quotes_table (analysis.provenance.quotes)"] = time.perf_counter() - t
    t = time.perf_counter()
    hits = rhetoric.rhetoric_hits(docs, spans, quotes=quotes)
    timings["rhetoric_hits (quotes given, detector both)"] = time.perf_counter() - t
    t = time.perf_counter()
    bodies = docs.select("doc_id", pl.col("text").alias("body"))
    counts = rhetoric.rhetoric_counts(hits, bodies)
    timings["rhetoric_counts"] = time.perf_counter() - t
    t = time.perf_counter()
    mentions = rhetoric.actor_mentions(docs, spans)
    timings["actor_mentions"] = time.perf_counter() - t
    t = time.perf_counter()
    rhetoric.actor_counts(mentions)
    pairs = rhetoric.actor_pairs(mentions)
    timings["actor_counts + actor_pairs"] = time.perf_counter() - t
    chars = int(docs["text"].str.len_chars().sum())
    print(f"\n{n} AllSides articles, {chars:,} characters")
    for name, seconds in timings.items():
        print(f"  {name:32s} {seconds:7.2f} s")
    print(
        f"  {hits.height:,} hits, {counts.height:,} rhetoric rows, {mentions.height:,} actor "
        f"mentions, {pairs.height:,} actor pairs"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ptc", type=Path, default=CORPORA / "ptc", help="PTC folder")
    parser.add_argument("--by", choices=["technique", "family", "term"], default="technique")
    parser.add_argument("--lexicon", default="default", help="lexicon name (load_lexicon)")
    parser.add_argument("--bench", type=int, default=0, help="also time N AllSides articles")
    parser.add_argument(
        "--allsides", type=Path, default=CORPORA / "allsides" / "allsides_10k.parquet"
    )
    args = parser.parse_args(argv)
    lex = rhetoric.load_lexicon(args.lexicon)
    t = time.perf_counter()
    table = rhetoric.validate_ptc(
        args.ptc / "articles", args.ptc / "labels.tsv", lexicon=lex, by=args.by
    )
    seconds = time.perf_counter() - t
    with pl.Config(
        tbl_rows=-1,
        tbl_cols=-1,
        tbl_width_chars=160,
        fmt_str_lengths=60,
        float_precision=3,
        tbl_hide_dataframe_shape=True,
        tbl_hide_column_data_types=True,
    ):
        print(f"PTC validation, lexicon {lex.name} ({lex.version}), in-sample, {seconds:.1f} s")
        print(table)
    if args.bench:
        bench(args.bench, args.allsides)


if __name__ == "__main__":
    main()
