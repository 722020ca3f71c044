"""Evidence snippets: short, on one line, containing the match."""

from __future__ import annotations

from analysis.text.evidence import SNIPPET_CHARS, snippet


def test_snippet_is_short_and_holds_the_match():
    text = ("word " * 100) + "Northern Military District" + (" word" * 100)
    start = text.index("Northern")
    out = snippet(text, start, start + 26)
    assert "Northern Military District" in out
    assert len(out) <= SNIPPET_CHARS
    assert out.startswith("…") and out.endswith("…")


def test_snippet_of_a_long_match_is_cut():
    text = "x" * 500
    assert len(snippet(text, 0, 500)) == SNIPPET_CHARS


def test_snippet_is_one_line():
    assert snippet("line one\nline two", 5, 8) == "line one line two"
