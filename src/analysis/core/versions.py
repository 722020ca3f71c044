"""The version of a computation: the code it can run, the data files it reads, the packages.

A stage's version changes exactly when something it can reach changes:

- code: the modules of this package it imports, transitively (read from their source with
  :mod:`ast`, imports inside functions included, so no module is executed to find them); a whole
  module counts, not only the functions called;
- data: the package's data files named by a string in that code (``"boilerplate.yaml"``; not in
  docstrings or comments), plus those a stage declares by pattern (``rhetoric*.yaml``, where a
  file name is built at run time);
- packages: the name and version of every installed distribution (third-party code is reachable
  from anywhere).

>>> "analysis.provenance.quotes" in module_closure("analysis.metrics.rhetoric")
True
>>> "analysis.metrics.rhetoric" in module_closure("analysis.metrics.readability")
False
"""

from __future__ import annotations

import ast
import fnmatch
import functools
import hashlib
import importlib.metadata
import json
import os
import sys
import sysconfig
from collections.abc import Iterable
from pathlib import Path

__all__ = [
    "PACKAGE_ROOT",
    "clear_caches",
    "data_files_named",
    "distribution_versions",
    "module_closure",
    "packages_digest",
    "stage_version",
]

#: The folder of the ``analysis`` package (``src/analysis`` in a checkout).
PACKAGE_ROOT = Path(__file__).resolve().parents[1]
_DATA = PACKAGE_ROOT / "data"


def _module_file(name: str) -> Path | None:
    parts = name.split(".")[1:]
    base = PACKAGE_ROOT.joinpath(*parts)
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _imports(name: str, tree: ast.Module, is_package: bool) -> set[str]:
    """Modules of ``analysis`` that the parsed source of module ``name`` imports (any depth of
    code)."""
    found: set[str] = set()
    package = name if is_package else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "analysis")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            if module.split(".")[0] != "analysis":
                continue
            found.add(module)
            found.update(f"{module}.{a.name}" for a in node.names)  # submodules imported by name
    return found


@functools.cache
def module_closure(name: str) -> tuple[str, ...]:
    """``name`` and every module of the package it imports, transitively, sorted.

    Parent packages count too (importing ``analysis.metrics.rhetoric`` runs its ``__init__``).
    """
    seen: set[str] = set()
    todo = [name]
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        path = _module_file(module)
        if path is None:  # a name imported from a module, not a module itself
            continue
        seen.add(module)
        parts = module.split(".")
        todo.extend(".".join(parts[:i]) for i in range(2, len(parts)))
        todo.extend(_module_imports(module))
    return tuple(sorted(seen))


def _facts_of(module: str, path: Path, source: bytes) -> tuple[list[str], list[str]]:
    """The modules of the package ``module`` imports (:func:`_imports`) and the string
    constants of its code (docstrings and other bare strings left out), both sorted."""
    tree = ast.parse(source)
    bare = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr)}
    strings = {
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in bare
    }
    return sorted(_imports(module, tree, path.name == "__init__.py")), sorted(strings)


#: Each module's facts (:func:`_facts_of`) by module name and SHA-256 of its source, kept on disk
#: beside the analysis cache (:func:`_memo_path`) so that a process need not parse the package
#: again (about 0.4 s): keyed by the source's digest, an edited module is parsed anew.
_MEMO: dict[str, list[list[str]]] = {}
_MEMO_STATE = {"loaded": False, "dirty": False}


def _memo_path() -> Path | None:
    from analysis.core.cache import cache_root

    root = cache_root()
    tag = f"py{sys.version_info[0]}{sys.version_info[1]}"
    return None if root is None else root / f".module-facts-{tag}.json"


def _load_memo() -> None:
    if _MEMO_STATE["loaded"]:
        return
    _MEMO_STATE["loaded"] = True
    path = _memo_path()
    try:
        stored = json.loads(path.read_text("utf-8")) if path is not None else {}
    except (OSError, ValueError):  # none yet, or damaged: parsed again and written anew
        return
    if isinstance(stored, dict):
        _MEMO.update(stored)


def _save_memo() -> None:
    """Write the facts learned in this process (atomic; another process writing at once loses
    nothing it needs: any entry missing is parsed again)."""
    path = _memo_path()
    if path is None or not _MEMO_STATE["dirty"]:
        return
    _MEMO_STATE["dirty"] = False
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(_MEMO, sort_keys=True), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:  # a read-only or full cache: parsed again next time
        tmp.unlink(missing_ok=True)


@functools.cache
def _facts(module: str) -> tuple[frozenset[str], frozenset[str]]:
    """:func:`_facts_of` of a module of the package, once per process, from the memo when its
    source is unchanged."""
    path = _module_file(module)
    if path is None:
        return frozenset(), frozenset()
    source = path.read_bytes()
    key = f"{module} {hashlib.sha256(source).hexdigest()}"
    _load_memo()
    found = _MEMO.get(key)
    if not (isinstance(found, list) and len(found) == 2):
        found = _MEMO[key] = list(_facts_of(module, path, source))
        _MEMO_STATE["dirty"] = True
    return frozenset(found[0]), frozenset(found[1])


def _module_imports(module: str) -> frozenset[str]:
    """:func:`_imports` of a module of the package."""
    return _facts(module)[0]


def _strings(module: str) -> frozenset[str]:
    """The string constants of a module's code (docstrings and other bare strings left out)."""
    return _facts(module)[1]


def clear_caches() -> None:
    """Forget the sources read so far (they are read once per process): for a process that
    edits the package's code and computes versions again, as the tests do."""
    for cached in (_facts, module_closure):
        cached.cache_clear()


def data_files_named(modules: Iterable[str], patterns: Iterable[str] = ()) -> tuple[str, ...]:
    """Data files named by a string constant in the code of ``modules``, or matching a pattern."""
    names = sorted(p.name for p in _DATA.iterdir() if p.is_file())
    strings = "\n".join(s for m in modules for s in _strings(m))
    wanted = {n for n in names if n in strings}
    for pattern in patterns:
        wanted.update(fnmatch.filter(names, pattern))
    return tuple(sorted(wanted))


def distribution_versions(
    dists: Iterable[importlib.metadata.Distribution],
) -> list[tuple[str, str | None]]:
    """The lowercased name and the version of each of ``dists``: ``dist.metadata["Name"]`` and
    ``dist.version``, read from the headers at the top of its metadata file instead of parsing
    the whole file as an e-mail (0.15 s -> 0.01 s for the ~180 distributions here, in every
    process that versions a stage, and in the runner).

    >>> dist = importlib.metadata.distribution("polars")
    >>> distribution_versions([dist]) == [(dist.metadata["Name"].lower(), dist.version)]
    True
    """
    found = []
    for dist in dists:
        text = dist.read_text("METADATA") or dist.read_text("PKG-INFO") or ""
        head: dict[str, str] = {}
        for line in text.splitlines():
            if not line:  # the headers end at the first blank line
                break
            key, colon, value = line.partition(":")
            if colon and not line[0].isspace():  # as the e-mail parser reads a header
                head.setdefault(key.lower(), value.lstrip(" \t"))
        found.append(((head.get("name") or "").lower(), head.get("version")))
    return found


@functools.cache
def packages_digest() -> str:
    """SHA-256 of the name and version of every distribution installed in this environment's
    site-packages, sorted.

    Only site-packages: what else is on ``sys.path`` depends on how the process was started
    (``python -m`` adds the working folder), and two processes of one environment (a Dask
    worker and the process sending it work) must agree.
    """
    folders = sorted({sysconfig.get_paths()[k] for k in ("purelib", "platlib")})
    dists = importlib.metadata.distributions(path=folders)
    pairs = sorted(f"{name}=={version}" for name, version in distribution_versions(dists))
    return hashlib.sha256("\n".join(pairs).encode("utf-8")).hexdigest()


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def stage_version(
    modules: Iterable[str], data_patterns: Iterable[str] = (), *, packages: bool = True
) -> str:
    """The version (16 hex digits) of a stage whose code lives in ``modules``.

    It covers the source of every module in their :func:`module_closure`, the data files named
    there or matching ``data_patterns``, and (``packages``) :func:`packages_digest`.
    """
    closure = sorted({m for module in modules for m in module_closure(module)})
    h = hashlib.sha256()
    for module in closure:
        path = _module_file(module)
        assert path is not None
        h.update(f"code {module} {_sha256(path)}\n".encode())
    for name in data_files_named(closure, data_patterns):
        h.update(f"data {name} {_sha256(_DATA / name)}\n".encode())
    if packages:
        h.update(f"packages {packages_digest()}\n".encode())
    _save_memo()
    return h.hexdigest()[:16]
