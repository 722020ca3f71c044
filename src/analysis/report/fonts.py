"""The one font of every chart and of the report: Liberation Sans 2.00.1 (SIL OFL 1.1).

Its regular and bold faces are data files of the package (``data/fonts/``, with the licence in
``OFL.txt``), byte for byte the copy vl-convert compiles into its library (a test checks), so a
chart is laid out and rasterized with the same glyphs and metrics on every machine, whatever
fonts the system has, and :data:`FAMILY` is the font of every chart's config
(:func:`analysis.report.outputs.RunOutputs.chart`). vl-convert's font database (fontdb) also
loads the system's fonts, first, and a system's own Liberation Sans (Debian's fonts-liberation
1.07, which Chromium pulls in) would win over the compiled copy: charts would be rasterized with
the other version's glyphs, and every glyph measured or drawn would reopen and map its file (about
17,000 times for one chart of keyness bars, most of the drawing time). :func:`register` therefore
starts the database with only the system folders that hold no Liberation Sans
(:func:`fallback_dirs`), which serve characters Liberation Sans lacks, as before.

An SVG file opened elsewhere (a co-author's viewer, a journal's system) would fall back to a
local font with other widths, and labels would clip. :func:`embed_in_svg` therefore writes the
glyphs the chart may use into the SVG itself (an ``@font-face`` with a subset made by fontTools:
about 25 kB a face), so SVG and PNG look the same everywhere. The subset is every printable
ASCII character and the common typographic marks (:data:`BASE_GLYPHS`) plus any other character
the chart's text holds: most charts then share one subset per face, whatever their numbers and
labels. :func:`page_css` does the same for the report page, with the Latin, Greek and Cyrillic
glyphs.

Cutting a face takes fontTools 0.06-0.25 s; the same glyphs give the same bytes, so each subset
is kept in the analysis cache (``fonts/<version>/``, the version a digest of the font files and
of fontTools' version) and a chart drawn again (a notebook reopened, a corpus with a day's
articles added) reads its faces from there.
"""

from __future__ import annotations

import base64
import functools
import html
import io
import logging
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import cast

import polars as pl

from analysis.core.cache import cache_root, digest, load_result, store_result
from analysis.core.data import data_file

__all__ = [
    "FAMILY",
    "cache_version",
    "cut",
    "embed_in_svg",
    "fallback_dirs",
    "font_folder",
    "page_css",
    "register",
    "subset",
]

#: The family name every chart and the report use.
FAMILY = "Liberation Sans"
_FACES = {"normal": "LiberationSans-Regular.ttf", "bold": "LiberationSans-Bold.ttf"}
#: The report page's glyphs: Basic Latin to Latin Extended-B, Greek, Cyrillic, punctuation.
_PAGE_RANGES = (*range(0x20, 0x250), *range(0x370, 0x530), *range(0x2000, 0x2070), 0x20AC, 0x2116)
#: Glyphs every chart's subset holds (see the module docstring): printable ASCII and the
#: quotes, dashes, bullets, ellipsis, guillemets, degree, multiplication, plus-minus and
#: currency signs that labels and numbers commonly carry.
BASE_GLYPHS = "".join(map(chr, range(0x20, 0x7F))) + "‘’“”–—…•·«»°×±€£−"
_TEXT = re.compile(r"<text\b([^>]*)>(.*?)</text>", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_SVG_OPEN = re.compile(r"<svg\b[^>]*>")


def font_folder() -> Path:
    """The folder of the package's font files."""
    return Path(str(data_file("fonts")))


#: Where a Linux system keeps its fonts (fontconfig's folders on Debian; fontdb, vl-convert's
#: font database, reads the same ones without fontconfig).
SYSTEM_FONT_DIRS = (
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "~/.fonts",
    "~/.local/share/fonts",
)
#: A file of the package's family under another version (``LiberationSans-Regular.ttf``).
_SAME_FAMILY = re.compile(r"liberation[-_ ]?sans(?![-_ ]?narrow)", re.IGNORECASE)


def fallback_dirs(roots: Iterable[str | os.PathLike[str]] = SYSTEM_FONT_DIRS) -> list[Path]:
    """The folders under ``roots`` (``~`` expanded) whose fonts vl-convert may fall back to: all
    but those holding a Liberation Sans file at any depth.

    fontdb reads a folder with its subfolders, so a folder holding one is replaced by its
    subfolders, one by one (fonts lying directly in it are left out).

    >>> fallback_dirs(["/no/such/folder"])
    []
    """
    out: list[Path] = []

    def visit(folder: Path) -> None:
        holds = False
        below: list[Path] = []
        for parent, dirs, files in os.walk(folder):
            dirs.sort()
            if any(_SAME_FAMILY.match(f) for f in files):
                holds = True
            if parent == str(folder):
                below = [folder / d for d in dirs]
        if not holds:
            out.append(folder)
            return
        for sub in below:
            visit(sub)

    for root in roots:
        folder = Path(os.path.expanduser(root))
        if folder.is_dir():
            visit(folder)
    return out


def _fontconfig(dirs: Iterable[str | os.PathLike[str]]) -> str:
    listed = "".join(f"  <dir>{html.escape(str(d))}</dir>\n" for d in dirs)
    return f'<?xml version="1.0"?>\n<fontconfig>\n{listed}</fontconfig>\n'


@functools.cache
def register() -> None:
    """Start vl-convert's font database (once per process, before vl-convert draws anything):
    its compiled Liberation Sans (the package's faces, byte for byte) and, as fallback, the
    system's fonts in :func:`fallback_dirs`, read through a fontconfig file of those folders
    only (``FONTCONFIG_FILE``, set while the database starts and restored after). A process
    that drew with vl-convert before has its database already: nothing changes there."""
    import vl_convert

    with tempfile.TemporaryDirectory(prefix="analysis-fonts-") as tmp:
        conf = Path(tmp) / "fonts.conf"
        # the empty folder first: fontdb reads every system folder when the file lists none
        conf.write_text(_fontconfig([tmp, *fallback_dirs()]), encoding="utf-8")
        before = os.environ.get("FONTCONFIG_FILE")
        os.environ["FONTCONFIG_FILE"] = str(conf)
        try:
            vl_convert.register_font_directory(tmp)  # the database starts here; tmp has no font
        finally:
            if before is None:
                del os.environ["FONTCONFIG_FILE"]
            else:
                os.environ["FONTCONFIG_FILE"] = before


@functools.cache
def cache_version() -> str:
    """The version subsets are cached under: the font files' bytes and fontTools' version."""
    import fontTools

    files = sorted(p for p in font_folder().iterdir() if p.suffix == ".ttf")
    return digest(fontTools.version, *(p.read_bytes().hex() for p in files))[:16]


@functools.lru_cache(maxsize=256)
def subset(weight: str, text: str = "", unicodes: tuple[int, ...] = ()) -> bytes:
    """The face ``weight`` (``normal`` or ``bold``) cut to the glyphs of ``text`` and
    ``unicodes``, as TrueType bytes; the same arguments always give the same bytes (from the
    analysis cache when it holds them).

    >>> len(subset("normal", "Astana")) < 20_000
    True
    """
    root, version = cache_root(), cache_version()
    key = digest("subset", weight, "".join(sorted(set(text))), unicodes)
    stored = load_result(root, "fonts", version, key)
    if isinstance(stored, pl.DataFrame) and stored.schema == _STORED:
        return cast(bytes, stored["ttf"][0])
    data = cut(weight, text, unicodes)
    store_result(root, "fonts", version, key, pl.DataFrame({"ttf": [data]}, schema=_STORED))
    return data


_STORED = pl.Schema({"ttf": pl.Binary()})


def cut(weight: str, text: str = "", unicodes: tuple[int, ...] = ()) -> bytes:
    """:func:`subset` made by fontTools, without the cache."""
    from fontTools import subset as ft_subset
    from fontTools.ttLib import TTFont

    logging.getLogger("fontTools").setLevel(logging.ERROR)  # "FFTM NOT subset": dropped, fine
    # recalcTimestamp=False: the saved font keeps the source's date, not the time of the run
    font = TTFont(font_folder() / _FACES[weight], recalcTimestamp=False)
    options = ft_subset.Options()
    options.drop_tables = [*options.drop_tables, "FFTM"]
    cutter = ft_subset.Subsetter(options)
    cutter.populate(text=text, unicodes=list(unicodes))
    cutter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _face(weight: str, data: bytes) -> str:
    encoded = base64.b64encode(data).decode("ascii")
    return (
        f'@font-face{{font-family:"{FAMILY}";font-weight:{weight};'
        f"src:url(data:font/ttf;base64,{encoded}) format('truetype')}}"
    )


def embed_in_svg(svg: str) -> str:
    """``svg`` with the glyphs its text uses embedded as ``@font-face`` rules (an SVG without
    text is returned as it is).

    >>> out = embed_in_svg('<svg width="9"><text font-weight="bold">Hi</text></svg>')
    >>> out.startswith('<svg width="9"><defs><style>@font-face{font-family:"Liberation Sans"')
    True
    """
    texts: dict[str, list[str]] = {"normal": [], "bold": []}
    for attributes, content in _TEXT.findall(svg):
        weight = "bold" if 'font-weight="bold"' in attributes else "normal"
        texts[weight].append(html.unescape(_TAG.sub("", content)))  # lines are <tspan>s
    faces = [
        _face(weight, subset(weight, "".join(sorted(set(BASE_GLYPHS).union(*parts)))))
        for weight, parts in texts.items()
        if parts
    ]
    opening = _SVG_OPEN.search(svg)
    if not faces or opening is None:
        return svg
    style = f"<defs><style>{''.join(faces)}</style></defs>"
    return svg[: opening.end()] + style + svg[opening.end() :]


def page_css() -> str:
    """``@font-face`` rules for the report page (Latin, Greek and Cyrillic glyphs)."""
    return "".join(_face(w, subset(w, unicodes=_PAGE_RANGES)) for w in _FACES)
