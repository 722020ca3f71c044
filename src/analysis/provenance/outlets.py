"""The data files behind provenance: outlet registry, patterns, machine-translation fingerprints.

All live in ``src/analysis/data/`` as YAML that researchers extend without touching code; each has a
``version`` recorded with the evidence it produces (method names carry it, e.g.
``outlet signature (outlets.yaml v1)``).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

from analysis.core.data import load_yaml, read_text

__all__ = [
    "UNKNOWN_OUTLET",
    "Fingerprint",
    "ListedOutlet",
    "Means",
    "Outlet",
    "Registry",
    "Signature",
    "compile_pattern",
    "find_outlet",
    "load_fingerprints",
    "load_outlet_list",
    "load_patterns",
    "load_registry",
]

#: How tables and charts name the group of documents whose outlet is unknown.
UNKNOWN_OUTLET = "(unknown outlet)"

Means = Literal["publisher", "intermediary", "original"]


def compile_pattern(entry: dict[str, Any]) -> re.Pattern[str]:
    """Compile ``entry["pattern"]``: case-insensitive and multi-line unless ``case: true``."""
    flags = re.MULTILINE | (0 if entry.get("case") else re.IGNORECASE)
    return re.compile(entry["pattern"], flags)


@dataclass(frozen=True)
class Signature:
    pattern: re.Pattern[str]
    means: Means


@dataclass(frozen=True)
class Outlet:
    name: str
    language: str | None
    role: str = "publisher"
    aliases: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    signatures: tuple[Signature, ...] = ()
    header: tuple[str, ...] = ()

    @property
    def spellings(self) -> tuple[str, ...]:
        return (self.name, *self.aliases, *self.domains)


@dataclass(frozen=True)
class Registry:
    """The outlet registry, with a lookup from any spelling to the canonical outlet."""

    version: int
    outlets: tuple[Outlet, ...]
    by_spelling: dict[str, Outlet] = field(default_factory=dict)

    def resolve(self, mention: str) -> Outlet | None:
        """The outlet a mention names (name, alias or domain; case-insensitive), if registered.

        >>> load_registry().resolve("atlantico").name
        'Atlantico'
        >>> load_registry().resolve("Unknown Gazette") is None
        True
        """
        return self.by_spelling.get(mention.strip().strip(".,;:").lower())


@cache
def load_registry() -> Registry:
    """The outlets of ``data/outlets.yaml``."""
    data = load_yaml("outlets.yaml")
    outlets = tuple(
        Outlet(
            name=o["name"],
            language=o.get("language"),
            role=o.get("role", "publisher"),
            aliases=tuple(o.get("aliases", [])),
            domains=tuple(o.get("domains", [])),
            signatures=tuple(
                Signature(compile_pattern(s), s["means"]) for s in o.get("signatures", [])
            ),
            header=tuple(o.get("header", [])),
        )
        for o in data["outlets"]
    )
    spellings = {s.lower(): o for o in outlets for s in o.spellings}
    return Registry(int(data["version"]), outlets, spellings)


@dataclass(frozen=True)
class ListedOutlet:
    """One row of ``data/outlet_list.csv`` (built by ``scripts/build_outlet_list.py``)."""

    domain: str
    name: str  # the domain itself when the list gives no name
    language: str | None
    country: str | None
    source: str  # fundus, allsides or idiap (``data/outlet_list.yaml`` gives licences)


@cache
def load_outlet_list() -> dict[str, ListedOutlet]:
    """The broad outlet list by lower-cased domain and by lower-cased name (first row wins).

    >>> load_outlet_list()["lefigaro.fr"].name, load_outlet_list()["le figaro"].language
    ('Le Figaro', 'fr')
    """
    text = read_text("outlet_list.csv")
    out: dict[str, ListedOutlet] = {}
    for row in csv.DictReader(io.StringIO(text)):
        entry = ListedOutlet(
            row["domain"],
            row["name"] or row["domain"],
            row["language"] or None,
            row["country"] or None,
            row["source"],
        )
        out.setdefault(entry.domain.lower(), entry)
        if row["name"]:
            out.setdefault(row["name"].lower(), entry)
    return out


def find_outlet(mention: str) -> tuple[Outlet, str] | None:
    """The outlet a name or domain names, and where it is listed; None when in no list.

    The curated registry (``outlets.yaml``) comes first, then the broad outlet list; a leading
    "The" and a ``www.`` are ignored.

    >>> outlet, where = find_outlet("The Le Figaro")
    >>> outlet.name, outlet.language, where
    ('Le Figaro', 'fr', 'outlet list: fundus')
    >>> find_outlet("atlantico")[1]
    'outlets.yaml'
    """
    key = mention.strip().strip(".,;:").lower().removeprefix("www.")
    registry = load_registry()
    listed = load_outlet_list()
    for k in (key, key.removeprefix("the ")):
        if (o := registry.resolve(k)) is not None:
            return o, "outlets.yaml"
        if (e := listed.get(k)) is not None:
            return Outlet(e.name, e.language, domains=(e.domain,)), f"outlet list: {e.source}"
    return None


@dataclass(frozen=True)
class Fingerprint:
    pattern: re.Pattern[str]
    language: str
    strength: Literal["strong", "weak"]
    explanation: str


@cache
def load_fingerprints() -> tuple[int, tuple[Fingerprint, ...]]:
    """Version and entries of ``data/mt_fingerprints.yaml``."""
    data = load_yaml("mt_fingerprints.yaml")
    return int(data["version"]), tuple(
        Fingerprint(
            compile_pattern(f), f["language"], f["strength"], " ".join(f["explanation"].split())
        )
        for f in data["fingerprints"]
    )


@cache
def load_patterns() -> dict[str, Any]:
    """``data/provenance_patterns.yaml`` with every ``pattern`` compiled (key ``regex``)."""
    data = load_yaml("provenance_patterns.yaml")
    for entries in data.values():
        if isinstance(entries, list):
            for entry in entries:
                entry["regex"] = compile_pattern(entry)
    return data
