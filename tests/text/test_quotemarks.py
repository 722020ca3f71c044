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
