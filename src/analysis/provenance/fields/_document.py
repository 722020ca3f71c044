"""One document's provenance while it is filled: values, evidence and gaps, field by field."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from analysis.provenance.outlets import (
    load_fingerprints,
    load_patterns,
    load_registry,
)

__all__ = [
    "DocProvenance",
    "Found",
    "Segs",
]


@dataclass
class Found:
    """A value with its evidence: method and character range (null for curated values)."""

    value: Any
    method: str
    start: int | None = None
    end: int | None = None


@dataclass
class DocProvenance:
    """Values, evidence and gaps of one document, filled field by field."""

    doc_id: str
    text: str
    found: dict[str, list[Found]] = field(default_factory=dict)
    gaps: dict[str, str] = field(default_factory=dict)

    def add(
        self, name: str, value: Any, method: str, start: int | None = None, end: int | None = None
    ) -> None:
        if value is None or value == [] or value == "":
            return
        self.found.setdefault(name, []).append(Found(value, method, start, end))

    def value(self, name: str) -> Any:
        return self.found[name][0].value if name in self.found else None

    def missing(self, name: str, reason: str) -> None:
        """Say why ``name`` stays empty (a reason given earlier stands)."""
        if name not in self.found:
            self.gaps.setdefault(name, reason)


def _strip_span(text: str, start: int, end: int, chars: str = ".") -> tuple[int, int]:
    """Shrink ``start:end`` past whitespace (non-breaking spaces included) and ``chars``."""
    while start < end and (text[start].isspace() or text[start] in chars):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in chars):
        end -= 1
    return start, end


#: One document's segments as ``(start, end, label, reason)``, in text order.
Segs = list[tuple[int, int, str, str | None]]


def _lines(segs: Segs, reason_prefix: str) -> list[tuple[int, int]]:
    return [(s, e) for s, e, _, reason in segs if reason and reason.startswith(reason_prefix)]


_WORD = re.compile(r"\w")


def _spans(segs: Segs) -> list[tuple[int, int]]:
    return [(s, e) for s, e, label, _ in segs if label == "body"]


@cache
def _versions() -> str:
    reg = load_registry().version
    pat = load_patterns()["version"]
    mt = load_fingerprints()[0]
    return f"outlets.yaml v{reg}, provenance_patterns.yaml v{pat}, mt_fingerprints.yaml v{mt}"
