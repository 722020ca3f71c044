"""The run manifest: what produced a run, and checking a run against it.

This module needs nothing beyond the standard library (``nox -s verify`` runs it without an
environment; a test keeps it so).

``manifest.json`` in every run folder records the run id, times, status, git commit and dirty
state, parameters, the SHA-256 of every input file, the SHA-256 of every output file, the Python
and package versions, and each notebook's duration. :func:`verify` re-hashes a run's files.

The manifest's own SHA-256 is written beside it, to ``manifest.json.sha256`` (the format of
``sha256sum``, so ``sha256sum -c manifest.json.sha256`` checks it too), and :func:`verify`
checks it first: an edit to the manifest (its recorded parameters, say) is reported. This
catches accidental and careless edits, not a forger, who can rewrite both files.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import platform
import stat
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis.core import paths
from analysis.core.versions import distribution_versions
from analysis.corpus.files import read_regular_file, walk_corpus

__all__ = [
    "DIGEST",
    "LATEST",
    "LOCK",
    "MANIFEST",
    "NOT_OUTPUTS",
    "Verification",
    "environment",
    "find_run",
    "git_state",
    "hash_tree",
    "input_files",
    "latest_run",
    "manifest_problem",
    "read_manifest",
    "sha256_file",
    "verify",
    "write_manifest",
]

MANIFEST = "manifest.json"
#: The file in ``outputs/`` naming the last successful run.
LATEST = "LATEST"
#: The manifest's own digest, in ``sha256sum`` format.
DIGEST = "manifest.json.sha256"
#: The runner's lock file (only present while a run is in progress).
LOCK = ".lock"
#: Files of a run folder that are not outputs (and so not hashed as outputs).
NOT_OUTPUTS: frozenset[str] = frozenset({MANIFEST, DIGEST, LOCK})


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file, read in 1 MiB chunks."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def hash_tree(root: Path, *, exclude: frozenset[str] = NOT_OUTPUTS) -> dict[str, str]:
    """SHA-256 of every file below ``root`` keyed by relative POSIX path, sorted."""
    out: dict[str, str] = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        if p.is_file() and rel not in exclude:
            out[rel] = sha256_file(p)
    return dict(sorted(out.items()))


def input_files(corpus: Path) -> list[dict[str, Any]]:
    """Path, size and SHA-256 of every input file of a corpus (a folder, or one tabular file).

    A folder is listed through :func:`analysis.corpus.files.walk_corpus`, the same contained walk
    that :func:`analysis.corpus.intake.read_corpus` reads, and each file is read with
    :func:`analysis.corpus.files.read_regular_file`. Entries that the walk refuses (symlinks that
    leave the corpus, links to folders, loops, dangling links, FIFOs, sockets, devices) and files
    that cannot be opened as regular files are left out of this list and never opened: the
    ``documents`` table lists them with their reason. A symlink to a file inside the corpus is
    listed under its own path with its target's hash. ``bytes`` is what was read, not ``st_size``
    (which is 0 for ``/proc`` files). One tabular file is read the same way; an error reading it is
    raised.
    """
    if not corpus.is_dir():
        _, size, digest = read_regular_file(corpus, max_bytes=0)
        return [{"path": paths.display_path(corpus), "bytes": size, "sha256": digest}]
    folder = paths.display_path(corpus)  # links below are shown under their own names
    out: list[dict[str, Any]] = []
    for entry in walk_corpus(corpus):
        if entry.reason is not None or entry.path is None:
            continue
        try:
            _, size, digest = read_regular_file(entry.path, max_bytes=0, ident=entry.ident)
        except OSError:  # NotRegularFile too: swapped or unreadable files are never hashed
            continue
        out.append({"path": f"{folder}/{entry.source}", "bytes": size, "sha256": digest})
    return out


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
    packages = dict(distribution_versions(importlib.metadata.distributions()))
    return {
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "executable": sys.executable,
        "packages": dict(sorted(packages.items())),
    }


def write_manifest(run_dir: Path, manifest: dict[str, Any]) -> Path:
    """Write ``manifest.json`` with the hashes of every output file in ``run_dir``, and its digest.

    Both files are written in full before the run folder is renamed into place, so a complete
    looking run always has both.
    """
    manifest = {**manifest, "outputs": hash_tree(run_dir)}
    target = run_dir / MANIFEST
    data = (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    target.write_bytes(data)
    digest = hashlib.sha256(data).hexdigest()
    (run_dir / DIGEST).write_text(f"{digest}  {MANIFEST}\n", encoding="utf-8")
    return target


def manifest_problem(run_dir: Path) -> str | None:
    """Why ``manifest.json`` does not match its recorded digest, or ``None`` when it does.

    >>> import tempfile
    >>> run = Path(tempfile.mkdtemp())
    >>> _ = write_manifest(run, {"parameters": {"n_boot": 1000}})
    >>> manifest_problem(run) is None
    True
    >>> _ = (run / MANIFEST).write_text((run / MANIFEST).read_text().replace("1000", "10"))
    >>> manifest_problem(run)
    'manifest.json was edited after the run (its SHA-256 differs from manifest.json.sha256)'
    """
    try:
        recorded = (run_dir / DIGEST).read_text(encoding="utf-8").split()
    except FileNotFoundError:
        return f"{DIGEST} is missing: the manifest cannot be checked"
    if len(recorded) != 2 or recorded[1] != MANIFEST:
        return f"{DIGEST} is malformed (expected '<sha256>  {MANIFEST}')"
    if sha256_file(run_dir / MANIFEST) != recorded[0]:
        return f"{MANIFEST} was edited after the run (its SHA-256 differs from {DIGEST})"
    return None


def latest_run(outputs_dir: Path = paths.OUTPUTS) -> Path | None:
    """The run named by ``outputs/LATEST``, or ``None``."""
    marker = outputs_dir / LATEST
    if not marker.is_file():
        return None
    run = outputs_dir / marker.read_text(encoding="utf-8").strip()
    return run if run.is_dir() else None


def find_run(ref: str, outputs_dir: Path = paths.OUTPUTS) -> Path:
    """Find a run by id, ``LATEST``, or path."""
    if ref == LATEST:
        run = latest_run(outputs_dir)
        if run is None:
            raise FileNotFoundError(f"no successful run yet ({outputs_dir / LATEST} is missing)")
        return run
    for candidate in (Path(ref), outputs_dir / ref):
        if (candidate / MANIFEST).is_file():
            return candidate
    raise FileNotFoundError(f"no run {ref!r} (no manifest.json there or under {outputs_dir})")


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
    manifest: str | None = None  # why the manifest itself fails its digest, if it does
    checked: int = 0

    @property
    def ok(self) -> bool:
        return not (self.changed or self.missing or self.extra or self.manifest)

    def report(self) -> str:
        lines = [f"run {self.run_dir.name}: {self.checked} files checked"]
        if self.manifest:
            lines.append(f"  manifest: {self.manifest}")
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
    """Check the manifest against its digest, re-hash every file of the run against the
    manifest, and note inputs that differ now (not an error: the corpus may have grown)."""
    manifest = read_manifest(run_dir)
    recorded: dict[str, str] = manifest.get("outputs", {})
    actual = hash_tree(run_dir)
    result = Verification(run_dir, checked=len(recorded))
    result.manifest = manifest_problem(run_dir)
    result.changed = sorted(k for k in recorded if k in actual and actual[k] != recorded[k])
    result.missing = sorted(k for k in recorded if k not in actual)
    result.extra = sorted(k for k in actual if k not in recorded)
    for item in manifest.get("inputs", {}).get("files", []):
        p = paths.resolve(item["path"])
        if not _is_regular(p) or sha256_file(p) != item["sha256"]:
            result.inputs_changed.append(item["path"])
    return result


def _is_regular(path: Path) -> bool:
    """A regular file (after links), checked before opening: a FIFO put there would block."""
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False
