"""How tables look in the notebooks: fixed widths, so outputs do not depend on the terminal."""

from __future__ import annotations

import polars as pl

__all__ = [
    "STRING_LENGTH",
    "TABLE_ROWS",
    "TABLE_WIDTH",
    "setup",
]

#: Rows shown before polars elides the middle of a table.
TABLE_ROWS = 25
#: Fixed table width in characters for the text rendering (terminal-independent).
TABLE_WIDTH = 120
#: Longest string shown in a cell before it is cut with an ellipsis.
STRING_LENGTH = 80


def setup() -> None:
    """Apply the project's polars display settings for this kernel."""
    pl.Config.set_tbl_rows(TABLE_ROWS)
    pl.Config.set_tbl_width_chars(TABLE_WIDTH)
    pl.Config.set_fmt_str_lengths(STRING_LENGTH)
