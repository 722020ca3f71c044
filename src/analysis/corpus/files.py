"""Reading a corpus folder safely: a walk that lists entries without opening them and never leaves
the folder, and reads of regular files only (no FIFOs or devices, no file swapped after listing)."""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from analysis.core.errors import NotRegularFile

__all__ = [
    "Entry",
    "entry_kind",
    "read_regular_file",
    "walk_corpus",
]


@dataclass(frozen=True)
class Entry:
    """One entry below a corpus folder, as listed by :func:`walk_corpus`.

    ``reason`` is set when the entry is never opened (``path`` is then ``None``); otherwise
    ``path`` is the regular file to read (for a symlink, its target inside the corpus) and
    ``ident`` its ``(st_dev, st_ino)``, checked again on the opened file.
    """

    source: str  # POSIX path relative to the corpus folder; a symlink under its own name
    kind: str  # file, symlink, folder, fifo, socket, character device, block device, ...
    path: Path | None = None
    reason: str | None = None
    ident: tuple[int, int] | None = None


_KINDS = (
    (stat.S_ISREG, "file"),
    (stat.S_ISDIR, "folder"),
    (stat.S_ISLNK, "symlink"),
    (stat.S_ISFIFO, "fifo"),
    (stat.S_ISSOCK, "socket"),
    (stat.S_ISCHR, "character device"),
    (stat.S_ISBLK, "block device"),
)


def entry_kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "unknown file type")


def _inside(root: str, target: str) -> bool:
    try:
        return os.path.commonpath([root, target]) == root
    except ValueError:  # different drives
        return False


def _link_entry(link: str, source: str, real_root: str) -> Entry:
    """Judge a symlink found by the walk; only a link to a regular file inside is followed."""
    try:
        target = os.path.realpath(link)
    except (OSError, ValueError) as exc:
        return Entry(source, "symlink", reason=f"unreadable: {exc}")
    if not _inside(real_root, target):
        return Entry(source, "symlink", reason="symlink outside the corpus")
    try:
        st = os.stat(link)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return Entry(source, "symlink", reason="symlink loop")
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            return Entry(source, "symlink", reason="dangling symlink")
        return Entry(source, "symlink", reason=f"unreadable: {exc.strerror or exc}")
    kind = entry_kind(st.st_mode)
    if kind == "folder":
        return Entry(source, "symlink", reason="link to a folder (not followed)")
    if kind != "file":
        return Entry(source, "symlink", reason=f"not a regular file ({kind})")
    return Entry(source, "symlink", Path(target), ident=(st.st_dev, st.st_ino))


def walk_corpus(folder: str | os.PathLike[str]) -> list[Entry]:
    """Every entry below a corpus folder, recursively, sorted by ``source``; nothing is opened.

    This is the one walk of a corpus folder: :func:`read_corpus` reads it and
    :func:`analysis.run.manifest.input_files` hashes it. Only entries without a ``reason`` may be
    opened; the rules are:

    - a regular file is read;
    - a folder is descended into (each real folder once; a folder met again, which only a bind
      mount can cause, is ``"folder already read (loop)"``); a folder that cannot be listed is
      one entry, ``"unreadable folder: <error>"``;
    - a symlink is resolved with :func:`os.path.realpath` and compared with the real corpus
      folder: a target outside is ``"symlink outside the corpus"`` (never opened, whatever it is);
      a link inside to a regular file is followed (read under the link's name); otherwise the
      reason is ``"symlink loop"``, ``"dangling symlink"``, ``"link to a folder (not followed)"``
      (its target, being inside the corpus, is walked at its own path anyway, so following the
      link would only read the same files twice and could loop) or
      ``"not a regular file (<kind>)"``;
    - FIFOs, sockets and devices are ``"not a regular file (fifo)"`` (``socket``,
      ``character device``, ``block device``): opening a FIFO would block forever.
    """
    root = os.fspath(folder)
    real_root = os.path.realpath(root)
    entries: list[Entry] = []
    seen: set[tuple[int, int]] = set()
    stack: list[tuple[str, str]] = [(root, "")]
    while stack:
        directory, rel = stack.pop()
        try:
            st = os.stat(directory, follow_symlinks=False)
            if (st.st_dev, st.st_ino) in seen:
                entries.append(Entry(rel, "folder", reason="folder already read (loop)"))
                continue
            seen.add((st.st_dev, st.st_ino))
            with os.scandir(directory) as it:
                items = list(it)
        except OSError as exc:
            reason = f"unreadable folder: {exc.strerror or exc}"
            entries.append(Entry(rel or ".", "folder", reason=reason))
            continue
        for item in items:
            source = f"{rel}/{item.name}" if rel else item.name
            try:
                lst = item.stat(follow_symlinks=False)
            except OSError as exc:
                entries.append(Entry(source, "unknown", reason=f"unreadable: {exc.strerror}"))
                continue
            kind = entry_kind(lst.st_mode)
            if kind == "folder":
                stack.append((item.path, source))
            elif kind == "file":
                entries.append(Entry(source, kind, Path(item.path), ident=(lst.st_dev, lst.st_ino)))
            elif kind == "symlink":
                entries.append(_link_entry(item.path, source, real_root))
            else:
                entries.append(Entry(source, kind, reason=f"not a regular file ({kind})"))
    return sorted(entries, key=lambda e: e.source)


_OPEN_FLAGS = os.O_RDONLY
for _flag in ("O_NOFOLLOW", "O_NONBLOCK", "O_NOCTTY", "O_CLOEXEC", "O_BINARY"):
    _OPEN_FLAGS |= getattr(os, _flag, 0)


def read_regular_file(
    path: str | os.PathLike[str], *, max_bytes: int, ident: tuple[int, int] | None = None
) -> tuple[bytes | None, int, str]:
    """Read a regular file safely: ``(raw or None when over max_bytes, bytes read, sha256 hex)``.

    The file is opened without following a final symlink and without blocking, and the open file
    is checked to be a regular file (and, given ``ident``, the very ``(st_dev, st_ino)`` that was
    listed), so a FIFO or a link swapped in after listing is never read: that raises
    :class:`NotRegularFile`. The size is what was read, not ``st_size``, which is 0 for the
    files of ``/proc``. Only the first ``max_bytes + 1`` bytes are kept in memory; the rest of a
    larger file is only hashed. Other failures raise :class:`OSError`.

    >>> from analysis.core import paths
    >>> seed = paths.SEEDS / "000_a1ab4292ac8d29c1.txt"
    >>> read_regular_file(seed, max_bytes=10_000)[0][:16]
    b'According to off'
    >>> read_regular_file(seed, max_bytes=100)[:2]  # over max_bytes: counted and hashed only
    (None, 6516)
    """
    fd = os.open(path, _OPEN_FLAGS)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegularFile(f"not a regular file ({entry_kind(st.st_mode)})")
        if ident is not None and (st.st_dev, st.st_ino) != ident:
            raise NotRegularFile("replaced after the corpus was listed")
        digest = hashlib.sha256()
        kept: bytearray | None = bytearray()
        size = 0
        while chunk := os.read(fd, 1 << 20):
            digest.update(chunk)
            size += len(chunk)
            if kept is not None:
                kept += chunk
                if len(kept) > max_bytes:
                    kept = None
    finally:
        os.close(fd)
    return (bytes(kept) if kept is not None else None), size, digest.hexdigest()
