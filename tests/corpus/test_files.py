"""Reading a corpus folder: nothing outside it is opened, no special file read, nothing blocks."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import polars as pl
import pytest
from conftest import corpus_row as row

from analysis.core.errors import CorpusError
from analysis.corpus import files
from analysis.corpus import intake as corpus
from analysis.corpus.intake import read_corpus

# --- containment: links, special files, /proc (issue 9, part 1) --------------------------------

PASSWD = Path("/etc/passwd")


@pytest.fixture
def no_hang():
    """Fail, rather than hang, when a test blocks (e.g. on opening a FIFO)."""
    import signal

    def timeout(signum, frame):
        raise TimeoutError("corpus intake blocked")

    previous = signal.signal(signal.SIGALRM, timeout)
    signal.alarm(30)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def linked(tmp_path: Path, monkeypatch) -> Path:
    """A corpus folder with every kind of entry that must not be opened, and two that may."""
    import socket

    folder = tmp_path / "corpus"
    (folder / "sub").mkdir(parents=True)
    (folder / "a_target.txt").write_text("An article about Astana.\n")
    (folder / "sub" / "note.txt").write_text("A nested note about Almaty.\n")
    (tmp_path / "outside.txt").write_text("SECRET outside the corpus\n")
    (tmp_path / "corpus2").mkdir()
    (tmp_path / "corpus2" / "x.txt").write_text("SECRET in a sibling folder\n")
    links = {
        "passwd.txt": PASSWD,  # the repro of the issue
        "escape.txt": "../outside.txt",  # relative link leaving the corpus
        "sibling.txt": "../corpus2/x.txt",  # shares the corpus folder's name as a prefix
        "etc": "/etc",
        "null": "/dev/null",
        "z_link.txt": "a_target.txt",  # inside: followed
        "loop_a": "loop_b",
        "loop_b": "loop_a",
        "dangling.txt": "nowhere.txt",
        "folder_link": "sub",
        "up": ".",
        "fifo_link": "fifo",
    }
    for name, target in links.items():
        (folder / name).symlink_to(target)
    os.mkfifo(folder / "fifo")
    monkeypatch.chdir(folder)  # a relative name keeps the socket path under 108 bytes
    sock = socket.socket(socket.AF_UNIX)
    sock.bind("sock")
    yield folder
    sock.close()


#: status and reason of every entry of the ``linked`` corpus.
LINKED = {
    "a_target.txt": ("ok", None),
    "dangling.txt": ("rejected", "dangling symlink"),
    "escape.txt": ("rejected", "symlink outside the corpus"),
    "etc": ("rejected", "symlink outside the corpus"),
    "fifo": ("rejected", "not a regular file (fifo)"),
    "fifo_link": ("rejected", "not a regular file (fifo)"),
    "folder_link": ("rejected", "link to a folder (not followed)"),
    "loop_a": ("rejected", "symlink loop"),
    "loop_b": ("rejected", "symlink loop"),
    "null": ("rejected", "symlink outside the corpus"),
    "passwd.txt": ("rejected", "symlink outside the corpus"),
    "sibling.txt": ("rejected", "symlink outside the corpus"),
    "sock": ("rejected", "not a regular file (socket)"),
    "sub/note.txt": ("ok", None),
    "up": ("rejected", "link to a folder (not followed)"),
    "z_link.txt": ("duplicate", "identical content to an earlier input"),
}


def test_every_entry_gets_a_row_and_nothing_outside_is_read(linked, no_hang):
    frame = read_corpus(linked)
    got = {r["source"]: (r["status"], r["reason"]) for r in frame.iter_rows(named=True)}
    assert got == LINKED
    assert frame["source"].to_list() == sorted(LINKED)
    never_opened = frame.filter(pl.col("status") == "rejected")
    assert never_opened["doc_id"].null_count() == never_opened.height
    assert never_opened["bytes"].to_list() == [0] * never_opened.height
    texts = "\n".join(frame["text"].drop_nulls())
    assert "root:x:0:0" not in texts and "SECRET" not in texts
    assert row(frame, "z_link.txt")["duplicate_of"] == "a_target.txt"  # the inside link was read


def test_walk_corpus_lists_without_opening(linked, no_hang):
    entries = {e.source: e for e in files.walk_corpus(linked)}
    assert sorted(entries) == sorted(LINKED)
    assert {s for s, e in entries.items() if e.reason is None} == {
        "a_target.txt",
        "sub/note.txt",
        "z_link.txt",
    }
    assert entries["z_link.txt"].path == (linked / "a_target.txt").resolve()
    assert (entries["z_link.txt"].kind, entries["sock"].kind) == ("symlink", "socket")


def test_device_inside_the_corpus_is_not_opened(tmp_path, no_hang):
    import stat

    try:
        os.mknod(tmp_path / "zero", stat.S_IFCHR | 0o600, os.makedev(1, 5))  # like /dev/zero
    except OSError as exc:
        pytest.skip(f"cannot create a device node here: {exc}")
    rec = read_corpus(tmp_path).row(0, named=True)
    assert (rec["source"], rec["status"], rec["reason"]) == (
        "zero",
        "rejected",
        "not a regular file (character device)",
    )


def test_unreadable_file_gets_the_error_as_reason(tmp_path, monkeypatch):
    """Runs as root too: the permission error is simulated at ``os.open``."""
    import errno

    (tmp_path / "locked.txt").write_text("secret")
    (tmp_path / "open.txt").write_text("An open article.\n")
    real_open = os.open

    def fake_open(path, flags, *args, **kwargs):
        if os.fspath(path).endswith("locked.txt"):
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", fake_open)
    frame = read_corpus(tmp_path)
    rec = row(frame, "locked.txt")
    assert (rec["status"], rec["reason"], rec["doc_id"], rec["bytes"]) == (
        "rejected",
        "unreadable: Permission denied",
        None,
        0,
    )
    assert row(frame, "open.txt")["status"] == "ok"
    from analysis.run import manifest as mf

    assert [Path(f["path"]).name for f in mf.input_files(tmp_path)] == ["open.txt"]


PROC = Path("/proc/sys/kernel/random")


@pytest.mark.skipif(not PROC.is_dir(), reason="needs Linux /proc")
def test_proc_files_are_read_not_trusted_by_size():
    """/proc files report st_size 0 but hold text: sizes are what was read."""
    assert all(p.stat().st_size == 0 for p in PROC.iterdir())
    frame = read_corpus(PROC, max_bytes=1_000)
    assert frame.height == len(list(PROC.iterdir()))
    assert set(frame["status"]) <= {"ok", "duplicate"}
    assert (frame["bytes"] > 0).all()
    small = read_corpus(PROC, max_bytes=5)
    assert row(small, "boot_id")["reason"] == "too large (37 bytes > max_bytes=5)"


def test_read_regular_file_refuses_fifos_links_and_swaps(tmp_path, no_hang):
    import errno

    (tmp_path / "a.txt").write_bytes(b"abc")
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "link").symlink_to("a.txt")
    with pytest.raises(corpus.NotRegularFile, match=r"not a regular file \(fifo\)"):
        files.read_regular_file(tmp_path / "fifo", max_bytes=10)
    with pytest.raises(OSError) as info:
        files.read_regular_file(tmp_path / "link", max_bytes=10)
    assert info.value.errno == errno.ELOOP  # a final symlink is not followed
    with pytest.raises(corpus.NotRegularFile, match="replaced after the corpus was listed"):
        files.read_regular_file(tmp_path / "a.txt", max_bytes=10, ident=(0, 0))
    assert files.read_regular_file(tmp_path / "a.txt", max_bytes=10) == (
        b"abc",
        3,
        hashlib.sha256(b"abc").hexdigest(),
    )
    assert files.read_regular_file(tmp_path / "a.txt", max_bytes=2)[:2] == (None, 3)


def test_fifo_as_a_tabular_corpus_is_refused(tmp_path, no_hang):
    os.mkfifo(tmp_path / "articles.jsonl")
    with pytest.raises(CorpusError, match=r"neither a folder nor a regular file \(fifo\)"):
        corpus.check_corpus(tmp_path / "articles.jsonl")


def test_unlistable_folder_gets_one_row(tmp_path, monkeypatch):
    """Runs as root too: the permission error is simulated at ``os.scandir``."""
    import errno

    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "a.txt").write_text("Hidden away.\n")
    (tmp_path / "b.txt").write_text("In the open.\n")
    real_scandir = os.scandir

    def fake_scandir(path):
        if os.fspath(path).endswith("locked"):
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", fake_scandir)
    frame = read_corpus(tmp_path)
    assert frame.select("source", "status", "reason").rows() == [
        ("b.txt", "ok", None),
        ("locked", "rejected", "unreadable folder: Permission denied"),
    ]
