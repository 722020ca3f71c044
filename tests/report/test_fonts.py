"""The charts' one font: registered with vl-convert, cut to each SVG's glyphs, the same bytes
at any time."""

from __future__ import annotations

import io
import time

from fontTools.ttLib import TTFont

from analysis.report import fonts


def test_a_subset_holds_the_glyphs_asked_for_and_is_the_same_at_any_time(monkeypatch):
    first = fonts.subset("bold", "Astana Москва 1,000")
    fonts.subset.cache_clear()
    later = time.time() + 86_400 * 30
    monkeypatch.setattr(time, "time", lambda: later)  # fontTools stamps "modified" with it
    assert fonts.subset("bold", "Astana Москва 1,000") == first
    font = TTFont(io.BytesIO(first))
    mapped = set(font.getBestCmap())
    assert {ord(c) for c in "AstanМоскв1,0 "} <= mapped
    assert ord("Z") not in mapped and len(first) < 20_000
    assert font["name"].getDebugName(1) == "Liberation Sans"


def test_an_svg_carries_the_faces_its_text_uses():
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="9">'
        '<text font-family="Liberation Sans">a &amp; b</text></svg>'
    )
    out = fonts.embed_in_svg(svg)
    assert out.count("@font-face") == 1 and "font-weight:normal" in out
    assert out.startswith('<svg xmlns="http://www.w3.org/2000/svg" width="9"><defs><style>')
    assert out.endswith('<text font-family="Liberation Sans">a &amp; b</text></svg>')
    assert fonts.embed_in_svg('<svg width="1"><rect/></svg>') == '<svg width="1"><rect/></svg>'


def test_the_licence_ships_beside_the_font():
    folder = fonts.font_folder()
    assert sorted(p.name for p in folder.iterdir()) == [
        "LiberationSans-Bold.ttf",
        "LiberationSans-Regular.ttf",
        "OFL.txt",
    ]
    assert "SIL OPEN FONT LICENSE Version 1.1" in (folder / "OFL.txt").read_text()
