"""Build ``src/analysis/data/outlet_list.csv``: news outlets by domain, from lists to be had here.

    python scripts/build_outlet_list.py                  # from ../shared/corpora
    python scripts/build_outlet_list.py --check          # exit 1 if the file would change

Sources, in order of precedence for an outlet's name (see ``SOURCES``; their licences and dates
are written to ``outlet_list.yaml`` beside the list):

1. fundus's publisher list (MIT): name, domain, language, country;
2. the outlets of the AllSides sample (``../shared/corpora/allsides``): the outlet name AllSides
   gives most articles of a domain, with its rating suffixes removed;
3. idiap/News-Media-Reliability's golden-truth domains (Apache-2.0): a domain only, named by
   itself.

One row per domain (``www.`` removed, lower case), sorted by domain, so the file rebuilds byte for
byte from the same inputs.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from pathlib import Path

import polars as pl
import yaml

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "corpora"
OUT = ROOT / "src" / "analysis" / "data" / "outlet_list.csv"
META = OUT.with_suffix(".yaml")

SOURCES = {
    "fundus": {
        "file": "pages-dev/outlets/fundus_publishers.csv",
        "what": "fundus 0.5.7 publisher list (country, name, domain, language), read from the "
        "PyPI wheel fundus-0.5.7-py3-none-any.whl",
        "licence": "MIT (c) 2023 Max Dallabetta, Conrad Dobberstein, Aaron Wey",
        "date": "2026-12-02",
    },
    "allsides": {
        "file": "allsides/allsides_10k.parquet",
        "what": "outlet names and domains of the AllSides 10k sample (top name per domain)",
        "licence": "outlet names and web domains are facts; no article text is used",
        "date": "2026-12-02",
    },
    "idiap": {
        "file": "pages-dev/outlets/news_media_reliability_golden_truth.csv",
        "what": "idiap/News-Media-Reliability @ c3f50254a9fc07402ac529a1c50ff6abf7aeba10, "
        "data/golden_truth/golden_truth_dataset.csv: news-media domains (labels not used)",
        "licence": "Apache-2.0 (c) 2024 Idiap Research Institute; cite Burdisso et al., NAACL 2024",
        "date": "2026-12-02",
    },
}

_SUFFIX = re.compile(
    r"\s*(?:\((?:online|web)(?: news)?\)|- (?:news|editorial|opinion)|online news)$", re.I
)


def domain_of(url: str) -> str:
    """``https://www.lefigaro.fr/`` -> ``lefigaro.fr``."""
    host = re.sub(r"^[a-z]+://", "", url.strip().lower()).split("/")[0]
    return host.removeprefix("www.")


def rows(shared: Path) -> list[dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    fundus = pl.read_csv(shared / SOURCES["fundus"]["file"], infer_schema_length=0)
    for r in fundus.sort("domain", "name").iter_rows(named=True):
        d = domain_of(r["domain"])
        out.setdefault(
            d,
            {
                "domain": d,
                "name": r["name"],
                "language": r["language"] or "",
                "country": (r["country"] or "").upper(),
                "source": "fundus",
            },
        )
    allsides = pl.read_parquet(shared / SOURCES["allsides"]["file"], columns=["outlet", "domain"])
    counts = (
        allsides.drop_nulls()
        .group_by("domain", "outlet")
        .len()
        .sort(["domain", "len", "outlet"], descending=[False, True, False])
    )
    for r in counts.iter_rows(named=True):
        d = domain_of(r["domain"])
        name = _SUFFIX.sub("", r["outlet"]).strip()
        out.setdefault(
            d, {"domain": d, "name": name, "language": "", "country": "", "source": "allsides"}
        )
    idiap = pl.read_csv(shared / SOURCES["idiap"]["file"], infer_schema_length=0)
    for d in sorted(domain_of(x) for x in idiap["domain"].to_list() if x):
        out.setdefault(
            d, {"domain": d, "name": "", "language": "", "country": "", "source": "idiap"}
        )
    return [out[d] for d in sorted(out)]


def render(table: list[dict[str, str]]) -> tuple[str, str]:
    buf = io.StringIO()
    writer = csv.DictWriter(
        buf, fieldnames=["domain", "name", "language", "country", "source"], lineterminator="\n"
    )
    writer.writeheader()
    writer.writerows(table)
    counts = {k: sum(1 for r in table if r["source"] == k) for k in SOURCES}
    meta = {
        "about": "News outlets by web domain, for naming outlets that pages mention "
        "(analysis.provenance.outlets.load_outlet_list). Rebuild: python "
        "scripts/build_outlet_list.py",
        "rows": len(table),
        "sources": {k: {**v, "rows": counts[k]} for k, v in SOURCES.items()},
    }
    return buf.getvalue(), yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=100)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=SHARED)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    text, meta = render(rows(args.shared))
    if args.check:
        same = OUT.read_text("utf-8") == text and META.read_text("utf-8") == meta
        print("outlet list is up to date" if same else "outlet list differs", file=sys.stderr)
        return 0 if same else 1
    OUT.write_text(text, encoding="utf-8")
    META.write_text(meta, encoding="utf-8")
    print(f"wrote {OUT} ({text.count(chr(10)) - 1} outlets) and {META}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
