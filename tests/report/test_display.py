"""Table display settings: fixed, so notebook outputs do not depend on the terminal."""

from __future__ import annotations

import polars as pl

from analysis.report import display


def test_setup_fixes_rows_width_and_string_length():
    frame = pl.DataFrame({"n": list(range(100)), "s": ["x" * 200] * 100})
    with pl.Config():
        display.setup()
        text = str(frame)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= display.TABLE_WIDTH
    assert "…" in text  # 100 rows elided to TABLE_ROWS and long strings cut
    shown = [line for line in lines if line.startswith("│ ") and "x" in line]
    assert len(shown) == display.TABLE_ROWS
