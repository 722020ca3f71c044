"""The charts' one font: registered with vl-convert, cut to each SVG's glyphs, the same bytes
at any time."""

from __future__ import annotations

import io
import time

from fontTools.ttLib import TTFont

from analysis.report import fonts


def test_a_subset_holds_the_glyphs_asked_for_and_is_the_same_at_any_time(monkeypatch):
    first = fonts.cut("bold", "Astana Москва 1,000")
    later = time.time() + 86_400 * 30
    monkeypatch.setattr(time, "time", lambda: later)  # fontTools stamps "modified" with it
    assert fonts.cut("bold", "Astana Москва 1,000") == first
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


def test_subsets_are_kept_in_the_analysis_cache(monkeypatch, tmp_path):
    monkeypatch.setenv("ANALYSIS_CACHE", str(tmp_path / "cache"))
    fonts.subset.cache_clear()
    made = fonts.subset("normal", "Astana 2024")
    stored = list((tmp_path / "cache" / "fonts" / fonts.cache_version()).iterdir())
    assert len(stored) == 1 and made == fonts.cut("normal", "Astana 2024")
    fonts.subset.cache_clear()
    monkeypatch.setattr(fonts, "cut", lambda *a: b"not called")  # read back, not cut again
    assert fonts.subset("normal", "2024 Astana") == made  # the same glyphs: the same key
    assert fonts.subset("bold", "Astana 2024") == b"not called"
    monkeypatch.setenv("ANALYSIS_CACHE", "off")
    fonts.subset.cache_clear()
    assert fonts.subset("normal", "Astana 2024") == b"not called"  # no cache: cut each time
    fonts.subset.cache_clear()


def test_svgs_of_plain_text_share_one_subset_and_others_add_their_glyphs(monkeypatch):
    import base64
    import re

    asked: list[tuple[str, str]] = []
    real = fonts.cut
    fonts.subset.cache_clear()
    monkeypatch.setattr(fonts, "cache_root", lambda: None)  # no analysis cache: cut each time

    def spy(weight: str, text: str = "", unicodes: tuple[int, ...] = ()) -> bytes:
        asked.append((weight, text))
        return real(weight, text, unicodes)

    monkeypatch.setattr(fonts, "cut", spy)

    def embedded(label: str) -> set[int]:
        svg = f'<svg width="9"><text>{label}</text></svg>'
        data = re.search(r"base64,([^)]+)\)", fonts.embed_in_svg(svg)).group(1)  # type: ignore[union-attr]
        return set(TTFont(io.BytesIO(base64.b64decode(data))).getBestCmap())

    try:
        one = embedded("Share of sentences, 2019")
        two = embedded("Keyness: 12.5 – “loaded”")
        assert one == two  # both within BASE_GLYPHS: the same subset, cut once
        assert len(asked) == 1 and asked[0][1] == "".join(sorted(set(fonts.BASE_GLYPHS)))
        assert {ord(c) for c in "Zz~0’"} <= one and ord("Ж") not in one
        cyrillic = embedded("Жанаозен")
        assert {ord(c) for c in "ЖанозZ"} <= cyrillic and len(asked) == 2
    finally:
        fonts.subset.cache_clear()
