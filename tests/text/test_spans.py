"""Tests of analysis.text.spans: line spans and span cleaning."""

from __future__ import annotations

from analysis.text.spans import clean_spans, line_spans


def test_line_spans_skip_blank_lines_and_keep_offsets() -> None:
    text = "Title\n\n  \nFirst paragraph.\r\nSecond"
    spans = line_spans(text)
    assert [text[s:e] for s, e in spans] == ["Title", "First paragraph.\r", "Second"]
    assert spans[0] == (0, 5)


def test_clean_spans_sorts_clips_and_merges() -> None:
    assert clean_spans("abcdefgh", [(6, 20), (0, 2), (1, 4), (4, 4), (-3, 1)]) == [(0, 4), (6, 8)]
    assert clean_spans("abc", []) == []
