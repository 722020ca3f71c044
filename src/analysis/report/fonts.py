"""The one font of every chart and of the report: Liberation Sans 2.1.5 (SIL OFL 1.1).

Its regular and bold faces are data files of the package (``data/fonts/``, with the licence in
``OFL.txt``), so a chart is laid out with the same metrics on every machine, whatever fonts the
system has: :func:`register` hands the folder to vl-convert, and :data:`FAMILY` is the font of
every chart's config (:func:`analysis.report.outputs.RunOutputs.chart`).

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
import re
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


@functools.cache
def register() -> None:
    """Make the package's font known to vl-convert (once per process)."""
    import vl_convert

    vl_convert.register_font_directory(str(font_folder()))


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
