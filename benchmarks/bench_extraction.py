"""Article body, title, author and date from page dumps, scored on pages-dev beside two baselines.

    python benchmarks/bench_extraction.py                   # ../shared/corpora/pages-dev
    python benchmarks/bench_extraction.py --no-trafilatura  # skip the HTML baseline (slow)
    nox -s bench_extraction                                 # the same, trafilatura installed
    python benchmarks/bench_extraction.py --pages DIR       # another folder laid out the same,
                                                            # e.g. from benchmarks/fundus_pages.py

The pages' dumps are copied into a temporary corpus folder and read by ``pipeline.open_study``, as a
researcher's corpus would be (intake, boilerplate, provenance). Scores come from the scorer of
pages-dev (``score.py``, imported from that folder): body = bag-of-words precision, recall and F1
per page, macro-averaged; title, author and date = accuracy over the pages whose gold has that
field (``n``), and *filled* = the share of the values we gave that are right (pages with gold).

Baselines, measured in the same run: *dump* takes the whole dump as the body; *trafilatura*
(2.3.1, defaults, ``with_metadata=True``) reads the page's original HTML, which this project never
sees. Rows are printed for all pages and per dataset. The line classifier was trained on the
readability, CleanEval and CleanPortalEval pages, so *ours* on those rows is in-sample (its
cross-validated figures are in ``src/analysis/data/line_model.md``); dragnet and L3S-GN1 pages were
never used to fit it (their terms allow evaluation only).
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any
from unittest import mock

from analysis import pipeline
from analysis.core import paths
from analysis.provenance import linemodel
from analysis.provenance.linetrain import TRAIN_DATASETS

DEFAULT_PAGES = paths.PROJECT_ROOT.parent / "shared" / "corpora" / "pages-dev"


def load_scorer(folder: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("pages_dev_score", folder / "score.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def ours(folder: Path, gold: list[dict[str, Any]]) -> tuple[dict[str, dict[str, Any]], float]:
    """Predictions of the pipeline for every page, and the seconds the study took (computed in
    one process, the per-document cache off)."""
    with (
        mock.patch.dict(os.environ, {"ANALYSIS_CACHE": "off"}),
        tempfile.TemporaryDirectory() as tmp,
    ):
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        for row in gold:
            shutil.copyfile(folder / "dumps" / f"{row['id']}.txt", corpus / f"{row['id']}.txt")
        start = time.perf_counter()
        study = pipeline.open_study(corpus, progress=False)
        docs, body_frame, prov = study.docs, study.bodies, study.provenance
        seconds = time.perf_counter() - start
    page_of = dict(zip(docs["doc_id"], docs["source"], strict=True))
    bodies = dict(zip(body_frame["doc_id"], body_frame["body"], strict=True))
    preds: dict[str, dict[str, Any]] = {}
    for row in prov.iter_rows(named=True):
        page = Path(page_of[row["doc_id"]]).stem
        preds[page] = {
            "body": bodies.get(row["doc_id"], ""),
            "title": row.get("title"),
            "author": row.get("author"),
            "date": row.get("published_at"),
        }
    return preds, seconds


def dump_baseline(folder: Path, gold: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {
        r["id"]: {"body": (folder / "dumps" / f"{r['id']}.txt").read_text("utf-8")} for r in gold
    }


def trafilatura_baseline(folder: Path, gold: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    import trafilatura

    preds = {}
    for row in gold:
        html = gzip.decompress((folder / "html" / f"{row['id']}.html.gz").read_bytes())
        out = trafilatura.extract(html.decode("utf-8"), output_format="json", with_metadata=True)
        data = json.loads(out) if out else {}
        preds[row["id"]] = {
            "body": data.get("text") or "",
            "title": data.get("title"),
            "author": data.get("author"),
            "date": data.get("date"),
        }
    return preds


def metadata_scores(
    scorer: ModuleType, preds: dict[str, dict[str, Any]], rows: list[dict[str, Any]]
) -> dict[str, tuple[int, int, int, int]]:
    """Per field: (right, pages with gold, values given on those pages, right among given)."""
    checks: dict[str, Callable[[Any, Any], bool]] = {
        "title": lambda p, g: scorer.norm_title(p) == scorer.norm_title(g),
        "author": lambda p, g: scorer.author_set(p) == scorer.author_set(g),
        "date": lambda p, g: scorer.norm_date(p) == g,
    }
    out = {}
    for field, same in checks.items():
        right = total = given = 0
        for row in rows:
            if not row.get(field):
                continue
            total += 1
            value = preds.get(row["id"], {}).get(field)
            if value:
                given += 1
                right += bool(same(value, row[field]))
        out[field] = (right, total, given, right)
    return out


def report(
    scorer: ModuleType, name: str, preds: dict[str, dict[str, Any]], gold: list[dict[str, Any]]
) -> list[str]:
    subsets = {"all": gold}
    for dataset in sorted({r["dataset"] for r in gold}):
        subsets[dataset] = [r for r in gold if r["dataset"] == dataset]
    lines = []
    for subset, rows in subsets.items():
        res = scorer.evaluate(preds, rows)
        p, r, f = (res["body"][k] for k in ("precision", "recall", "f1"))
        meta = metadata_scores(scorer, preds, rows)
        cells = []
        for field in ("title", "author", "date"):
            right, total, given, _ = meta[field]
            if total == 0:
                cells.append("–")
                continue
            filled = f"{right / given:.2f} of {given}" if given else "none"
            cells.append(f"{right / total:.2f} (n={total}; filled {filled})")
        seen = "in-sample" if name == "ours" and subset in TRAIN_DATASETS else ""
        lines.append(
            f"| {name} | {subset} | {seen} | {res['pages']} | {p:.3f} | {r:.3f} | {f:.3f} | "
            + " | ".join(cells)
            + " |"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=Path, default=DEFAULT_PAGES)
    parser.add_argument("--no-trafilatura", action="store_true")
    args = parser.parse_args(argv)
    folder = args.pages
    if not (folder / "gold.jsonl").exists():
        print(f"no pages-dev corpus at {folder}", file=sys.stderr)
        return 2
    scorer = load_scorer(folder)
    gold = scorer.load_gold(folder / "gold.jsonl")
    mb = sum((folder / "dumps" / f"{r['id']}.txt").stat().st_size for r in gold) / 1e6
    preds, seconds = ours(folder, gold)
    texts = [(folder / "dumps" / f"{r['id']}.txt").read_text("utf-8") for r in gold]
    linemodel.score_lines(texts[0])  # load the model and stoplists first
    start = time.perf_counter()
    for text in texts:
        linemodel.score_lines(text)
    classify = time.perf_counter() - start
    print(f"{folder.name}: {len(gold)} pages, {mb:.1f} MB of dumps")
    print(f"ours: pipeline.open_study in {seconds:.1f} s ({mb / seconds:.2f} MB/s, one process)")
    print(f"line classifier alone (features, both stages, page by page): {mb / classify:.2f} MB/s")
    print()
    header = "| method | pages | seen | n | body P | body R | body F1 | title | author | date |"
    print(header)
    print("|" + " --- |" * 10)
    for line in report(scorer, "ours", preds, gold):
        print(line)
    for line in report(scorer, "dump", dump_baseline(folder, gold), gold):
        print(line)
    if not args.no_trafilatura:
        try:
            traf = trafilatura_baseline(folder, gold)
        except ImportError:
            print("(trafilatura is not installed: nox -s bench_extraction installs it)")
        else:
            for line in report(scorer, "trafilatura", traf, gold):
                print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
