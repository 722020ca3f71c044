"""Tests of analysis.text.quotemarks: quote-mark families, pairing, machine-translation damage."""

from __future__ import annotations

from analysis.text.quotemarks import family_of, pair_quotes, quote_families


def _quoted(text: str) -> list[str]:
    return [text[p.open + 1 : p.close] for p in pair_quotes(text, 0, len(text)) if p.depth == 0]


def test_families_cover_the_marks_of_english_and_russian_text() -> None:
    glyphs = set().union(*(f.glyphs for f in quote_families()))
    assert set('“”«»"‘’„') <= glyphs
    assert family_of()["„"].name == family_of()["“"].name == "double"
    assert family_of()["«"].name == "guillemets"


def test_pairs_and_depth() -> None:
    text = "He called it «a “frozen” conflict» and left."
    pairs = pair_quotes(text, 0, len(text))
    assert [(text[p.open], text[p.close], p.depth) for p in pairs] == [("«", "»", 0), ("“", "”", 1)]


def test_machine_translation_damage() -> None:
    # “ closed by a straight quote
    assert _quoted('“At the same time, the community." - writes X.') == [
        "At the same time, the community."
    ]
    # a stray opening mark inside a quote: the outer quote closes at the inner closing mark
    assert _quoted("“I think ... but “In general, no,” he said.") == [
        "I think ... but “In general, no,"
    ]
    # a closing glyph used to open, and a stray closing mark ignored
    assert _quoted("lacked “real competition” and was marked by ” restrictions on speech”.") == [
        "real competition",
        " restrictions on speech",
    ]
    assert _quoted("the party “Auyl” ” with 2,8%") == ["Auyl"]


def test_apostrophes_and_tags_are_not_quote_marks() -> None:
    assert pair_quotes("Russia’s and Kazakhstan’s", 0, 25) == []
    text = '<p class="lead">Text</p>'
    assert pair_quotes(text, 0, len(text)) == []


def test_an_unclosed_mark_runs_to_the_end_of_the_span() -> None:
    text = "He said: «we will not"
    (pair,) = pair_quotes(text, 0, len(text))
    assert (pair.open, pair.close, pair.closed) == (9, len(text), False)


def _marks_by_character(text: str, lo: int, hi: int) -> list:
    """The reference for ``_marks``: every character of the span looked up, one by one (the
    module's code before it searched the glyphs with a regex)."""
    import bisect

    from analysis.text import quotemarks as Q

    glyphs = family_of()
    out = []
    tags = [m.span() for m in Q._HTML_TAG.finditer(text, lo, hi)]
    tag_starts = [a for a, _ in tags]
    for i in range(lo, hi):
        fam = glyphs.get(text[i])
        if fam is None:
            continue
        k = bisect.bisect_right(tag_starts, i) - 1
        if k >= 0 and i < tags[k][1]:
            continue
        left = text[i - 1] if i > lo else " "
        right = text[i + 1] if i + 1 < hi else " "
        if left.isalnum() and right.isalnum():
            continue
        opens = left.isspace() or left in Q._OPEN_CONTEXT or left in glyphs
        closes = right.isspace() or right in Q._CLOSE_CONTEXT or right in glyphs
        if opens and not closes:
            role = "open"
        elif closes and not opens:
            role = "close"
        elif text[i] in fam.open:
            role = "open"
        elif text[i] in fam.close:
            role = "close"
        else:
            role = "either"
        out.append(Q._Mark(i, fam.name, role, left.isspace() and right.isspace()))
    return out


def test_marks_are_found_as_a_loop_over_every_character_finds_them() -> None:
    import polars as pl

    from analysis.core import paths
    from analysis.text import quotemarks as Q

    texts = [
        '«Мы» сказал он, „so” and ‘it’s’ <a title="x">“q”</a> "end"',
        "“”‘’«»‹›„‚\"'",
        "a\"b c\" d' 'e ’ “ ”",
    ]
    texts += [
        p.read_text(encoding="utf-8") for p in sorted((paths.PROJECT_ROOT / "seeds").iterdir())
    ]
    sample = paths.PROJECT_ROOT.parent / "shared" / "corpora" / "allsides" / "allsides_10k.parquet"
    if sample.is_file():
        texts += pl.read_parquet(sample, columns=["text"]).head(300)["text"].to_list()
    for text in texts:
        for lo, hi in [(0, len(text)), (1, max(1, len(text) - 1)), (len(text) // 3, len(text))]:
            assert Q._marks(text, lo, hi) == _marks_by_character(text, lo, hi)
