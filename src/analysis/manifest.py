"""The run manifest: what produced a run, and checking a run against it.

``manifest.json`` in every run folder records the run id, times, status, git commit and dirty
state, parameters, the SHA-256 of every input file, the SHA-256 of every output file, the Python
and package versions, and each notebook's duration. :func:`verify` re-hashes a run's files.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import platform
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis import paths

MANIFEST = "manifest.json"


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file, read in 1 MiB chunks."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def hash_tree(root: Path, *, exclude: frozenset[str] = frozenset({MANIFEST})) -> dict[str, str]:
    """SHA-256 of every file below ``root`` keyed by relative POSIX path, sorted."""
    out: dict[str, str] = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        if p.is_file() and rel not in exclude:
            out[rel] = sha256_file(p)
    return dict(sorted(out.items()))


def input_files(corpus: Path) -> list[dict[str, Any]]:
    """Path, size and SHA-256 of every file of a corpus (a folder, or one tabular file)."""
    files = [corpus] if corpus.is_file() else sorted(p for p in corpus.rglob("*") if p.is_file())
    return [
        {"path": paths.display_path(p), "bytes": p.stat().st_size, "sha256": sha256_file(p)}
        for p in files
    ]


def git_state(root: Path = paths.PROJECT_ROOT) -> dict[str, Any]:
    """Commit and dirty flag of the project checkout; nulls with a reason outside git."""

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, check=True, timeout=30
        ).stdout.strip()

    try:
        commit = git("rev-parse", "HEAD")
        status = git("status", "--porcelain", "--untracked-files=normal", "--", ".", ":!outputs")
    except (OSError, subprocess.SubprocessError) as exc:
        return {"commit": None, "dirty": None, "reason": f"git unavailable: {exc}"}
    return {"commit": commit, "dirty": bool(status), "changed": status.splitlines()[:50]}


def environment() -> dict[str, Any]:
    """Python version, platform and every installed distribution with its version."""
    packages = {
        (dist.metadata["Name"] or "").lower(): dist.version
        for dist in importlib.metadata.distributions()
    }
    return {
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "executable": sys.executable,
        "packages": dict(sorted(packages.items())),
    }


def write_manifest(run_dir: Path, manifest: dict[str, Any]) -> Path:
    """Write ``manifest.json`` with the hashes of every output file in ``run_dir``."""
    manifest = {**manifest, "outputs": hash_tree(run_dir)}
    target = run_dir / MANIFEST
    target.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return target


def read_manifest(run_dir: Path) -> dict[str, Any]:
    """Load a run's manifest."""
    return json.loads((run_dir / MANIFEST).read_text(encoding="utf-8"))


@dataclass
class Verification:
    """Result of :func:`verify`: files whose hash changed, that are missing, or that are extra."""

    run_dir: Path
    changed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    inputs_changed: list[str] = field(default_factory=list)
    checked: int = 0

    @property
    def ok(self) -> bool:
        return not (self.changed or self.missing or self.extra)

    def report(self) -> str:
        lines = [f"run {self.run_dir.name}: {self.checked} files checked"]
        for label, items in (
            ("changed", self.changed),
            ("missing", self.missing),
            ("extra", self.extra),
        ):
            lines += [f"  {label}: {item}" for item in items]
        lines += [f"  input differs now (not an error): {item}" for item in self.inputs_changed]
        lines.append(
            "OK: every output matches the manifest" if self.ok else "FAILED: outputs differ"
        )
        return "\n".join(lines)


def verify(run_dir: Path) -> Verification:
    """Re-hash every file of a run and compare with its manifest; also note changed inputs."""
    manifest = read_manifest(run_dir)
    recorded: dict[str, str] = manifest.get("outputs", {})
    actual = hash_tree(run_dir)
    result = Verification(run_dir, checked=len(recorded))
    result.changed = sorted(k for k in recorded if k in actual and actual[k] != recorded[k])
    result.missing = sorted(k for k in recorded if k not in actual)
    result.extra = sorted(k for k in actual if k not in recorded)
    for item in manifest.get("inputs", {}).get("files", []):
        p = paths.resolve(item["path"])
        if not p.is_file() or sha256_file(p) != item["sha256"]:
            result.inputs_changed.append(item["path"])
    return result
