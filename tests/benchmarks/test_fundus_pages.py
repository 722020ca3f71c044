"""benchmarks/fundus_pages.py: pages-dev's renderer, and fundus's test pages as a pages folder."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from types import ModuleType

import pytest
from conftest import benchmark_module

from analysis.core.paths import PROJECT_ROOT

PAGES_DEV = PROJECT_ROOT.parent / "shared" / "corpora" / "pages-dev"


def _module() -> ModuleType:
    return benchmark_module("fundus_pages")


@pytest.mark.skipif(
    not (PAGES_DEV / "gold.jsonl").exists(),
    reason="../shared/corpora/pages-dev is not beside this checkout",
)
def test_render_reproduces_pages_dev_dumps():
    fp = _module()
    pages = sorted((PAGES_DEV / "html").glob("*.html.gz"))[::40]  # 25 pages of every dataset
    assert len(pages) >= 20
    for page in pages:
        html = gzip.decompress(page.read_bytes()).decode("utf-8")
        dump = (PAGES_DEV / "dumps" / page.name.replace(".html.gz", ".txt")).read_text("utf-8")
        assert fp.render(html) == dump, page.name


def test_decode_follows_the_declared_charset():
    fp = _module()
    assert fp.decode("Grüße".encode()) == "Grüße"
    cyrillic = b'<meta charset="windows-1251">\xcf\xf0\xe8'
    assert fp.decode(cyrillic) == '<meta charset="windows-1251">При'
    assert fp.decode(b"caf\xe9 \x93quoted\x94") == "café “quoted”"  # latin-1 read as cp1252
    assert fp.decode(b"a\x00b\x07c") == "abc"


def test_build_writes_a_pages_dev_folder(tmp_path: Path):
    fp = _module()
    data = tmp_path / "fundus" / "tests" / "resources" / "parser" / "test_data" / "kz"
    data.mkdir(parents=True)
    html = (
        "<html><head><title>Site</title></head><body><nav>Home</nav>"
        "<h1>Kazakhstan Opens a Rail Link</h1><p>By Aigerim Seitkali</p>"
        "<p>The line opened on Thursday, the ministry said.</p></body></html>"
    )
    (data / "AstanaTimes_2024_03_14.html.gz").write_bytes(gzip.compress(html.encode()))
    gold = {
        "V1": {
            "title": "Kazakhstan Opens a Rail Link",
            "authors": ["Aigerim Seitkali"],
            "publishing_date": "2024-03-14 10:00:00+05:00",
            "body": {
                "summary": [],
                "sections": [
                    {
                        "headline": [],
                        "paragraphs": ["The line opened on Thursday, the ministry said."],
                    }
                ],
            },
        }
    }
    (data / "AstanaTimes.json").write_text(json.dumps(gold))
    url = {"url": "https://astanatimes.com/x", "crawl_date": "2024-03-14"}
    (data / "meta.info").write_text(json.dumps({"AstanaTimes_2024_03_14.html.gz": url}))
    scorer = tmp_path / "score.py"
    scorer.write_text("# scorer\n")
    out = tmp_path / "out"
    assert fp.build(tmp_path / "fundus", out, scorer) == 1
    (row,) = [json.loads(line) for line in (out / "gold.jsonl").read_text().splitlines()]
    assert row["id"] == "fundus-kz-AstanaTimes_2024_03_14"
    assert row["dataset"] in ("fundus-dev", "fundus-test")
    assert (row["title"], row["author"], row["date"]) == (
        "Kazakhstan Opens a Rail Link",
        "Aigerim Seitkali",
        "2024-03-14",
    )
    assert row["url"] == "https://astanatimes.com/x"
    dump = (out / "dumps" / f"{row['id']}.txt").read_text()
    assert dump == (
        "Home\n\nKazakhstan Opens a Rail Link\n\nBy Aigerim Seitkali\n\n"
        "The line opened on Thursday, the ministry said.\n"
    )
    assert (out / "score.py").read_text() == "# scorer\n"
