"""A second set of unseen pages for bench_extraction.py: fundus's news test pages as text dumps.

    git clone https://github.com/flairNLP/fundus /tmp/fundus      # any commit; note it
    python benchmarks/fundus_pages.py /tmp/fundus /tmp/fundus-pages
    python benchmarks/bench_extraction.py --pages /tmp/fundus-pages --no-trafilatura

fundus (MIT) keeps, per publisher, a few real article pages (``tests/resources/parser/test_data/
<country>/<Publisher>_<date>.html.gz``, about 180 publishers in about 40 countries, two thirds
not in English) with what its hand-written per-publisher parser reads from them (title, authors,
publishing date, body paragraphs; mostly the pages' own structured data). This script turns them
into a folder laid out like ``../shared/corpora/pages-dev`` (``dumps/``, ``html/``, ``gold.jsonl``,
``score.py`` copied from pages-dev), rendering each page exactly as pages-dev's README says
(:func:`render`; a test checks that it reproduces pages-dev's dumps), so the benchmark and its
scorer run on it unchanged. The pages are third-party: build the folder where you work, never in
the repository, and never train a shipped model on it.

Each page's ``dataset`` is ``fundus-dev`` or ``fundus-test`` by a hash of its publisher (half and
half): tune on the first, report the second. Gold differs from what a dump shows in ways no text
reader can follow: titles are often the SEO title rather than the visible headline, authors are
sometimes the outlet, dates are the structured data's (a day off near midnight in another zone).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import shutil
import sys
from pathlib import Path
from typing import Any

#: C0 controls other than tab/newline/CR, surrogates, U+FFFE/U+FFFF: removed after decoding.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_DECLARED = (
    re.compile(rb"<\?xml[^>]*encoding=[\"']([\w-]+)"),
    re.compile(rb"<meta[^>]*charset=[\"']?([\w-]+)", re.IGNORECASE),
)
_DROPPED = ("head", "script", "style", "noscript", "template", "svg", "iframe")
_HIDDEN = re.compile(r"display\s*:\s*none", re.IGNORECASE)
PAGES_DEV = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "pages-dev"


def decode(raw: bytes) -> str:
    """Bytes to text as pages-dev's renderer decodes them (BOM, strict UTF-8, declared charset
    with latin-1 read as cp1252, else cp1252), control characters removed."""
    if raw.startswith(b"\xef\xbb\xbf"):
        text = raw[3:].decode("utf-8", "replace")
    elif raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = raw.decode("utf-16", "replace")
    else:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            head = raw[:20000]
            found = next((m for p in _DECLARED if (m := p.search(head))), None)
            charset = found.group(1).decode("ascii").lower() if found else "cp1252"
            if charset in ("iso-8859-1", "latin-1", "latin1", "ascii", "us-ascii"):
                charset = "cp1252"
            try:
                text = raw.decode(charset, "replace")
            except LookupError:
                text = raw.decode("cp1252", "replace")
    return _CONTROL.sub("", text)


def render(html: str) -> str:
    """A page as the plain-text dump pages-dev holds: lxml, hidden and non-text elements dropped,
    html-text's layout-guessing extraction, lines stripped, at most one blank line in a row."""
    import html_text
    import lxml.html

    html = re.sub(r"^\s*<\?xml[^>]*\?>", "", html)
    tree = lxml.html.document_fromstring(html)
    dropped = [
        el
        for el in tree.iter()
        if isinstance(el.tag, str)
        and (
            el.tag in _DROPPED
            or el.get("hidden") is not None
            or _HIDDEN.search(el.get("style") or "")
        )
    ]
    for el in dropped:
        if el.getparent() is not None:
            el.drop_tree()
    text = html_text.extract_text(tree, guess_layout=True)
    text = "\n".join(line.strip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n") + "\n"


def _body(version: dict[str, Any]) -> str:
    body = version.get("body") or {}
    parts = list(body.get("summary") or [])
    for section in body.get("sections") or []:
        parts += list(section.get("headline") or []) + list(section.get("paragraphs") or [])
    return "\n\n".join(parts)


def _version_for(dump: str, versions: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The parser version whose gold matches the page: most of its body words and its title in
    the dump (fundus keys versions by parser, not by page)."""
    low = dump.casefold()

    def fit(v: dict[str, Any]) -> float:
        words = re.findall(r"\w+", _body(v).casefold())[:200]
        shared = sum(w in low for w in words) / max(1, len(words))
        return shared + float((v.get("title") or "\0").casefold() in low)

    return max(versions.values(), key=fit)


def build(fundus: Path, out: Path, scorer: Path) -> int:
    """Write the pages-dev-like folder ``out`` from a fundus checkout; returns the page count."""
    data = fundus / "tests" / "resources" / "parser" / "test_data"
    if not data.is_dir():
        raise SystemExit(f"no fundus test pages under {data}")
    if out.exists():
        shutil.rmtree(out)
    (out / "dumps").mkdir(parents=True)
    (out / "html").mkdir()
    shutil.copyfile(scorer, out / "score.py")
    rows = []
    for gold_file in sorted(data.glob("*/*.json")):
        country, publisher = gold_file.parent.name, gold_file.stem
        versions = json.loads(gold_file.read_text("utf-8"))
        meta_file = gold_file.parent / "meta.info"
        meta = json.loads(meta_file.read_text("utf-8")) if meta_file.exists() else {}
        half = "dev" if hashlib.sha1(publisher.encode()).hexdigest()[0] in "01234567" else "test"
        for page in sorted(gold_file.parent.glob(f"{publisher}_*.html.gz")):
            html = decode(gzip.decompress(page.read_bytes()))
            dump = render(html)
            v = _version_for(dump, versions)
            page_id = f"fundus-{country}-{page.name.removesuffix('.html.gz')}"
            authors = [a for a in (v.get("authors") or []) if a]
            rows.append(
                {
                    "id": page_id,
                    "dataset": f"fundus-{half}",
                    "url": meta.get(page.name, {}).get("url"),
                    "lang": None,
                    "title": v.get("title"),
                    "author": ", ".join(authors) or None,
                    "date": (v.get("publishing_date") or "")[:10] or None,
                    "body": _body(v),
                    "licence": "fundus test page (repository MIT; the page is third-party)",
                }
            )
            (out / "dumps" / f"{page_id}.txt").write_text(dump, "utf-8")
            (out / "html" / f"{page_id}.html.gz").write_bytes(
                gzip.compress(html.encode("utf-8"), mtime=0)
            )
    with (out / "gold.jsonl").open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return len(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("fundus", type=Path, help="a checkout of github.com/flairNLP/fundus")
    parser.add_argument("out", type=Path, help="folder to write (replaced)")
    parser.add_argument("--scorer", type=Path, default=PAGES_DEV / "score.py")
    args = parser.parse_args(argv)
    if not args.scorer.exists():
        print(f"no scorer at {args.scorer} (pages-dev's score.py)", file=sys.stderr)
        return 2
    print(f"{build(args.fundus, args.out, args.scorer)} pages written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
