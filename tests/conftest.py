"""Shared fixtures: hostile corpora built from real bytes, and the external corpora in ../shared."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from analysis.core import paths

SHARED = paths.PROJECT_ROOT.parent / "shared"
PTC = SHARED / "corpora" / "ptc"
ALLSIDES = SHARED / "corpora" / "allsides" / "allsides_10k.parquet"

#: English page dump with Russian UI strings, as in the seed corpus.
ENGLISH_WITH_RUSSIAN_UI = (
    "Войти\n\nKazakhstan keeps its multi-vector course, the president said.\n"
    "Image source: © Пресс-служба Президента Республики Казахстан\n"
    "Author column, Elections, Kazakhstan, Russia, Скандал\n"
)
RUSSIAN = "Президент Казахстана заявил, что республика продолжит многовекторную политику.\n"


def benchmark_module(name: str) -> ModuleType:
    """The script ``benchmarks/<name>.py`` loaded as a module (benchmarks are not a package)."""
    path = paths.PROJECT_ROOT / "benchmarks" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def corpus_row(frame, source: str) -> dict:
    """The one row of a ``read_corpus`` frame for ``source``, as a dict."""
    import polars as pl

    rows = frame.filter(pl.col("source") == source).to_dicts()
    assert len(rows) == 1, source
    return rows[0]


def write_hostile_corpus(folder: Path, max_bytes: int = 2_000) -> dict[str, bytes]:
    """Write one file per kind of hostile input; return name -> raw bytes."""
    files = {
        "a_plain.txt": b"Astana hosts the foreign ministers.\n",
        "b_bom.txt": b"\xef\xbb\xbf" + b"Tokayev met Cleverly in Astana.\n",
        "c_crlf.txt": b"Line one about Almaty.\r\nLine two about Astana.\r\n",
        "d_utf16.txt": RUSSIAN.encode("utf-16"),
        "e_cp1251.txt": ENGLISH_WITH_RUSSIAN_UI.encode("cp1251"),
        "f_empty.txt": b"",
        "g_blank.txt": b"  \n\t\r\n   \n",
        "h_image.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
        "i_oversize.txt": ("Kazakhstan " * 400).encode(),
        "j_duplicate.txt": b"Astana hosts the foreign ministers.\n",
        "sub/k_nested.txt": b"A nested article about Shymkent.\n",
        ".DS_Store": b"Bud1\x00\x00\x10\x00",
    }
    for name, raw in files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(raw)
    assert len(files["i_oversize.txt"]) > max_bytes
    return files


#: Line numbers of article text in each seed, read off by hand (headings kept, captions not).
#: Shared by the boilerplate, quotes and citations tests, so the latter two do not depend on the
#: boilerplate module.
ARTICLE_LINES = {
    "000": set(range(1, 18)),
    "001": {10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32, 34, 36, 38, 40, 42},
    "002": {11, 13, *range(20, 47, 2), *range(50, 57, 2), *range(60, 67, 2)},
    "003": {11, 13, *range(20, 37, 2), *range(40, 55, 2)},
    "004": set(range(1, 18)),
}


def line_spans(text: str, lines: set[int]) -> list[tuple[int, int]]:
    """``(start, end)`` of the given non-empty lines of ``text``."""
    out, pos = [], 0
    for n, line in enumerate(text.split("\n"), 1):
        if n in lines and line.strip():
            out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


@pytest.fixture
def hostile_corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "hostile"
    write_hostile_corpus(folder)
    return folder


class CountingList(list):
    """A list that counts the items read from it (iteration, indexing, slicing): tests of long
    documents use it to check that an algorithm reads each item a bounded number of times."""

    def __init__(self, items=()):
        super().__init__(items)
        self.reads = 0

    def __iter__(self):
        for item in super().__iter__():
            self.reads += 1
            yield item

    def __getitem__(self, key):
        found = super().__getitem__(key)
        self.reads += len(found) if isinstance(key, slice) else 1
        return found


@pytest.fixture(scope="session")
def seeds_study():
    """The seed corpus opened once for the whole session (:func:`analysis.pipeline.open_study`).

    Frames are immutable, so tests share it; a test that needs another corpus opens its own.
    """
    from analysis.pipeline import open_study

    return open_study("seeds")


def pytest_configure(config):
    """Tests never write into the project's own cache: a fresh one per test process (and the
    notebook kernels nbval and the runner start inherit it)."""
    import os
    import shutil
    import tempfile

    if "ANALYSIS_CACHE" not in os.environ:
        folder = tempfile.mkdtemp(prefix="analysis-cache-")
        os.environ["ANALYSIS_CACHE"] = folder
        config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))
