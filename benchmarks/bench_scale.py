"""Cost against corpus size: whole runs on spliced corpora of 10,000 to 300,000 distinct articles.

For each size (``--sizes``), a corpus of that many distinct articles is spliced from the AllSides
sample (:func:`splice`: each new article takes the line layout of a random article and fills
every line from the same line of random articles of the same outlet, with a seeded generator, so
outlets keep their share, their recurring lines and their length distribution, and a text that
repeats an earlier one is drawn again; the duplicates the run's own intake finds, by content hash,
are printed: 0). The whole pipeline then runs
on it as the README runs it (``python -m analysis run --workers 2``, a cold cache of its own), and
the benchmark prints, measured in that one run:

- wall time end to end, and per 1,000 articles;
- peak memory of the whole process tree (resident memory summed over the runner, its notebook
  kernels and Dask workers, sampled every 0.1 s with psutil);
- the per-document stages' time and each notebook's (from the run's manifest);

as a table, then writes ``scale.json`` (the figures), ``scale.vl.json`` and ``scale.svg`` (a
log-log chart of time and memory against corpus size) into ``--out``.

    python benchmarks/bench_scale.py                            # 10k, 37.5k, 100k, 300k
    python benchmarks/bench_scale.py --sizes 10000 37500 --out /tmp/scale
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import itertools
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
ALLSIDES = ROOT.parent / "shared" / "corpora" / "allsides" / "allsides_10k.parquet"
SIZES = (10_000, 37_500, 100_000, 300_000)
#: Columns of the spliced corpus besides ``text`` (curated values the runner reads).
KEEP = ("outlet", "domain", "date", "topic", "bias")


def splice(sample: pl.DataFrame, n: int, seed: int = 0) -> pl.DataFrame:
    """``n`` distinct articles spliced line by line from articles of the same outlet.

    Article ``i`` takes the outlet, curated values and line layout of a template drawn from
    ``sample``; each of its lines is the same line of a donor article drawn from the template's
    outlet (the template's own line where the donor is shorter). A text that repeats an earlier
    one is drawn again. Deterministic for a given ``sample``, ``n`` and ``seed``.

    >>> sample = pl.DataFrame({"outlet": ["A", "A", "B"], "domain": ["a", "a", "b"],
    ...     "date": [None] * 3, "topic": ["t"] * 3, "bias": ["c"] * 3,
    ...     "text": ["Menu\\nOne.\\nEnd", "Menu\\nTwo.\\nEnd", "Solo text"]})
    >>> out = splice(sample, 3)
    >>> out["text"].n_unique(), sorted(set(out["outlet"]))
    (3, ['A', 'B'])
    """
    rng = np.random.default_rng(seed)
    lines = [t.split("\n") for t in sample["text"].to_list()]
    outlets = sample["outlet"].to_list()
    pools: dict[str, list[int]] = {}
    for i, outlet in enumerate(outlets):
        pools.setdefault(outlet, []).append(i)
    seen: set[bytes] = set()
    rows: list[int] = []
    texts: list[str] = []
    attempts = 0
    while len(texts) < n:
        attempts += 1
        if attempts > 50 * n + 1000:
            raise RuntimeError(f"cannot splice {n} distinct articles from {sample.height}")
        template = int(rng.integers(sample.height))
        pool = pools[outlets[template]]
        donors = rng.choice(pool, size=len(lines[template]))
        text = "\n".join(
            lines[d][k] if k < len(lines[d]) else line
            for k, (line, d) in enumerate(zip(lines[template], donors, strict=True))
        )
        digest = hashlib.sha256(text.encode()).digest()
        if digest in seen:
            continue
        seen.add(digest)
        rows.append(template)
        texts.append(text)
    frame = sample.select(KEEP)[rows]
    ids = [f"spliced-{i:07d}" for i in range(n)]
    return frame.with_columns(pl.Series("id", ids), pl.Series("text", texts)).select(
        "id", *KEEP, "text"
    )


class TreeMemory:
    """Peak resident memory of a process and all its descendants, sampled in a thread."""

    def __init__(self, pid: int, every: float = 0.1) -> None:
        import psutil

        self._root = psutil.Process(pid)
        self._every = every
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        import psutil

        while not self._stop.is_set():
            total = 0
            try:
                procs = [self._root, *self._root.children(recursive=True)]
            except psutil.Error:
                procs = []
            for proc in procs:
                with contextlib.suppress(psutil.Error):  # ended between listing and reading
                    total += proc.memory_info().rss
            self.peak = max(self.peak, total)
            self._stop.wait(self._every)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def run(corpus: Path, outputs: Path, cache: Path, workers: int) -> dict[str, Any]:
    """One whole run: wall seconds, peak memory of its process tree, its manifest."""
    command = [
        sys.executable, "-m", "analysis", "run", "--corpus", str(corpus), "--outputs",
        str(outputs), "--cache", str(cache), "--workers", str(workers), "--no-progress",
    ]  # fmt: skip
    t0 = time.perf_counter()
    proc = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.DEVNULL)
    memory = TreeMemory(proc.pid)
    code = proc.wait()
    seconds = time.perf_counter() - t0
    peak = memory.stop()
    if code != 0:
        raise RuntimeError(f"run on {corpus} failed with exit code {code}")
    latest = (outputs / "LATEST").read_text().strip()
    manifest = json.loads((outputs / latest / "manifest.json").read_text())
    folder = sum(p.stat().st_size for p in (outputs / latest).rglob("*") if p.is_file())
    return {"seconds": seconds, "peak_bytes": peak, "manifest": manifest, "run_bytes": folder}


def chart(rows: list[dict[str, Any]], out: Path) -> None:
    """Log-log chart of wall time and peak memory against corpus size (spec and SVG)."""
    import altair as alt
    import vl_convert

    long = pl.DataFrame(rows).select(
        "articles",
        pl.col("seconds").alias("wall time (s)"),
        (pl.col("peak_bytes") / 1e9).alias("peak memory (GB)"),
    )
    long = long.unpivot(index="articles", variable_name="measure", value_name="value")
    spec = (
        alt.Chart(long)
        .mark_line(point=True)
        .encode(
            x=alt.X("articles:Q", scale=alt.Scale(type="log"), title="articles (log)"),
            y=alt.Y("value:Q", scale=alt.Scale(type="log"), title=None),
            color=alt.Color("measure:N", legend=None),
        )
        .facet(column=alt.Column("measure:N", title=None))
        .resolve_scale(y="independent")
        .properties(title="Cost of a whole cold run against corpus size (2 workers)")
        .to_dict()
    )
    (out / "scale.vl.json").write_text(json.dumps(spec, sort_keys=True, indent=1) + "\n")
    (out / "scale.svg").write_text(vl_convert.vegalite_to_svg(spec))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path("scale-results"))
    args = parser.parse_args()
    if not ALLSIDES.is_file():
        print(f"needs {ALLSIDES}", file=sys.stderr)
        return 2
    sample = pl.read_parquet(ALLSIDES)
    args.out.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, Any]] = []
    print(f"AllSides sample: {sample.height:,} articles; whole cold runs, {args.workers} workers")
    header = "articles   text MB  dupl.   wall s  s/1k art.  peak GB  run folder MB  stages s"
    print(header)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for size in sorted(args.sizes):
            corpus = splice(sample, size, seed=args.seed)
            path = work / f"corpus-{size}" / "corpus.parquet"
            path.parent.mkdir()
            corpus.write_parquet(path)
            mb = corpus["text"].str.len_bytes().sum() / 1e6
            del corpus
            got = run(path, work / f"out-{size}", work / f"cache-{size}", args.workers)
            manifest = got.pop("manifest")
            duplicates = manifest["inputs"]["documents_by_status"].get("duplicate", 0)
            row = {
                "articles": size,
                "text_mb": round(mb, 1),
                "duplicates": duplicates,
                "seconds": round(got["seconds"], 1),
                "peak_bytes": got["peak_bytes"],
                "run_bytes": got["run_bytes"],
                "build_s": manifest["build"]["duration_s"],
                "stages_s": {k: v["seconds"] for k, v in manifest["stages"].items()},
                "notebooks_s": {n["name"]: n["duration_s"] for n in manifest["notebooks"]},
            }
            rows.append(row)
            print(
                f"{size:>8,}  {mb:8.1f}  {duplicates:5d}  {row['seconds']:7.1f}  "
                f"{1000 * row['seconds'] / size:9.2f}  {row['peak_bytes'] / 1e9:7.2f}  "
                f"{row['run_bytes'] / 1e6:13.1f}  {row['build_s']:8.1f}",
                flush=True,
            )
            notebooks = ", ".join(f"{k[:2]} {v:.1f}" for k, v in row["notebooks_s"].items())
            print(f"          notebooks (s): {notebooks}", flush=True)
            shutil.rmtree(work / f"cache-{size}", ignore_errors=True)
            shutil.rmtree(work / f"out-{size}", ignore_errors=True)
            # after every size, so a long series interrupted keeps what it measured
            (args.out / "scale.json").write_text(json.dumps(rows, indent=1, sort_keys=True) + "\n")
            chart(rows, args.out)
    for a, b in itertools.pairwise(rows):
        marginal = 1000 * (b["seconds"] - a["seconds"]) / (b["articles"] - a["articles"])
        print(f"marginal cost {a['articles']:,} -> {b['articles']:,}: {marginal:.2f} s per 1k")
    print(f"figures and chart in {args.out}/ (scale.json, scale.vl.json, scale.svg)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
