"""Records of the quotes table: its schema, a quote and a speaker."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import polars as pl

__all__ = [
    "MAX_SPEAKER_TOKENS",
    "QUOTES_SCHEMA",
    "Kind",
    "Quote",
    "Speaker",
]

Kind = Literal["direct", "reported"]

#: Columns of the ``quotes`` table, in order. Offsets are characters of the decoded text.
QUOTES_SCHEMA = pl.Schema(
    {
        "doc_id": pl.String(),
        "quote": pl.String(),  # text[start:end], without the quote marks
        "speaker": pl.String(),  # as named in the text; null when unattributed
        "speaker_role": pl.String(),  # role where the text states one
        "cue": pl.String(),  # attribution verb or phrase, lower-cased ("said", "according to")
        "kind": pl.String(),  # direct | reported
        "start": pl.Int64(),
        "end": pl.Int64(),
        "speaker_start": pl.Int64(),  # the mention the speaker value comes from
        "speaker_end": pl.Int64(),
        "role_start": pl.Int64(),  # the mention the role value comes from
        "role_end": pl.Int64(),
        "cue_start": pl.Int64(),
        "cue_end": pl.Int64(),
        "rule": pl.String(),  # which rule found it; after ";" how the speaker was resolved
    }
)

#: Tokens considered before a cue when looking for its speaker.
MAX_SPEAKER_TOKENS = 40


@dataclass(frozen=True)
class Quote:
    """One row of the ``quotes`` table."""

    doc_id: str
    quote: str
    speaker: str | None
    speaker_role: str | None
    cue: str | None
    kind: Kind
    start: int
    end: int
    speaker_start: int | None = None
    speaker_end: int | None = None
    role_start: int | None = None
    role_end: int | None = None
    cue_start: int | None = None
    cue_end: int | None = None
    rule: str = ""


@dataclass(frozen=True)
class Speaker:
    """A resolved speaker: the name (or phrase) and role, each with the offsets it comes from."""

    text: str
    start: int
    end: int
    role: str | None = None
    role_start: int | None = None
    role_end: int | None = None
    how: str = ""  # "", "pronoun resolved", "description resolved"
