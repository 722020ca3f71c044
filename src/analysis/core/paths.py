"""Where things live. Every path in the project derives from :data:`PROJECT_ROOT`.

The root is, in order: the ``ANALYSIS_PROJECT_ROOT`` environment variable; the checkout that
holds this source file (an editable install, the normal case); the nearest parent of the current
directory that holds ``pyproject.toml`` and ``src/analysis``.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "NOTEBOOKS",
    "OUTPUTS",
    "PARAMS_FILE",
    "PROJECT_ROOT",
    "SEEDS",
    "display_path",
    "find_project_root",
    "resolve",
]


def _looks_like_root(path: Path) -> bool:
    return (path / "pyproject.toml").is_file() and (path / "src" / "analysis").is_dir()


def find_project_root() -> Path:
    """Return the project root (see the module docstring for the search order)."""
    env = os.environ.get("ANALYSIS_PROJECT_ROOT")
    if env:
        return Path(env).resolve()
    checkout = Path(__file__).resolve().parents[3]
    if _looks_like_root(checkout):
        return checkout
    cwd = Path.cwd().resolve()
    for candidate in (cwd, *cwd.parents):
        if _looks_like_root(candidate):
            return candidate
    return checkout


PROJECT_ROOT: Path = find_project_root()
SEEDS: Path = PROJECT_ROOT / "seeds"
NOTEBOOKS: Path = PROJECT_ROOT / "notebooks"
OUTPUTS: Path = PROJECT_ROOT / "outputs"
PARAMS_FILE: Path = PROJECT_ROOT / "params.yaml"


def resolve(path: str | os.PathLike[str], base: Path | None = None) -> Path:
    """Resolve ``path`` against ``base`` (default: the project root) unless it is absolute.

    >>> resolve("seeds") == SEEDS
    True
    """
    p = Path(path).expanduser()
    return (p if p.is_absolute() else (base or PROJECT_ROOT) / p).resolve()


def display_path(path: str | os.PathLike[str]) -> str:
    """Path as people should see it: relative to the project root when inside or beside it.

    Keeps notebooks, tables and manifests free of machine-specific absolute paths.

    >>> display_path(SEEDS / "a.txt")
    'seeds/a.txt'
    >>> display_path(PROJECT_ROOT.parent / "shared" / "x.parquet")
    '../shared/x.parquet'
    """
    p = Path(path).resolve()
    try:
        return p.relative_to(PROJECT_ROOT).as_posix()
    except ValueError:
        pass
    try:
        return "../" + p.relative_to(PROJECT_ROOT.parent).as_posix()
    except ValueError:
        return p.as_posix()
