"""The charts' one font: registered with vl-convert, cut to each SVG's glyphs, the same bytes
at any time."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from pathlib import Path

from fontTools.ttLib import TTFont

from analysis.report import fonts

SRC = Path(fonts.__file__).resolve().parents[2]


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


def test_the_package_faces_are_the_ones_vl_convert_compiles_in():
    import vl_convert

    library = Path(vl_convert.vl_convert.__file__).read_bytes()  # type: ignore[attr-defined]
    for face in ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"):
        data = (fonts.font_folder() / face).read_bytes()
        assert len(data) > 300_000 and data in library, face


def test_fallback_folders_leave_out_any_liberation_sans(tmp_path):
    for name in (
        "a/LiberationSans-Regular.ttf",
        "a/b/Other.ttf",
        "a/c/LiberationSansNarrow-Regular.ttf",
        "d/Plain.ttf",
        "e/f/g/liberation_sans_bold.otf",
        "e/h/Plain.ttf",
    ):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"")
    got = fonts.fallback_dirs([tmp_path / "a", tmp_path / "d", tmp_path / "e", tmp_path / "x"])
    rel = [p.relative_to(tmp_path).as_posix() for p in got]
    assert rel == ["a/b", "a/c", "d", "e/h"]


_DRAW = """
import hashlib, sys
import vl_convert
from analysis.report import fonts
if sys.argv[1] == "register":
    fonts.register()
svg = vl_convert.vegalite_to_svg({
    "data": {"values": [{"a": "Astana Москва", "b": 3}]},
    "mark": "bar", "encoding": {"y": {"field": "a"}, "x": {"field": "b", "type": "quantitative"}},
    "config": {"font": fonts.FAMILY},
})
print(hashlib.sha256(vl_convert.svg_to_png(svg)).hexdigest())
"""


def _decoy(folder: Path) -> None:
    """The bold face named as the regular "Liberation Sans": other glyphs under the family."""
    font = TTFont(fonts.font_folder() / "LiberationSans-Bold.ttf")
    font["OS/2"].usWeightClass = 400
    font["OS/2"].fsSelection = 0x40
    font["head"].macStyle = 0
    for record in font["name"].names:
        if record.nameID in (2, 17):
            record.string = "Regular"
        elif record.nameID in (4, 6):
            record.string = "Liberation Sans" if record.nameID == 4 else "LiberationSans"
    folder.mkdir(parents=True)
    font.save(folder / "LiberationSans-Regular.ttf")


def test_a_system_liberation_sans_does_not_change_the_png(tmp_path):
    """A Liberation Sans of the user's (``~/.fonts``) with other glyphs: vl-convert on its own
    draws with it, after :func:`fonts.register` with the package's face."""
    _decoy(tmp_path / "with" / ".fonts")
    (tmp_path / "without").mkdir()

    def png(home: str, how: str) -> str:
        env = {**os.environ, "HOME": str(tmp_path / home), "PYTHONPATH": str(SRC)}
        for name in ("FONTCONFIG_FILE", "XDG_CONFIG_HOME"):
            env.pop(name, None)
        done = subprocess.run(
            [sys.executable, "-c", _DRAW, how], env=env, capture_output=True, text=True, check=True
        )
        return done.stdout.strip()

    registered = png("without", "register")
    assert png("with", "register") == registered
    assert png("with", "plain") != registered
