"""The data files behind provenance: outlet registry, patterns, machine-translation fingerprints.

All live in ``src/analysis/data/`` as YAML that researchers extend without touching code; each has a
``version`` recorded with the evidence it produces (method names carry it, e.g.
``outlet signature (outlets.yaml v1)``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from typing import Any, Literal

import yaml

Means = Literal["publisher", "intermediary", "original"]


def load_yaml(name: str) -> dict[str, Any]:
    """A data file of the package, parsed."""
    return yaml.safe_load((files("analysis") / "data" / name).read_text("utf-8"))


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
