"""Corpus intake: every hostile input is decoded or accounted for, never dropped."""

from __future__ import annotations

import csv
import hashlib
import json
import os
from pathlib import Path

import polars as pl
import pytest
from conftest import ENGLISH_WITH_RUSSIAN_UI, RUSSIAN, write_hostile_corpus

from analysis.core.errors import CorpusError
from analysis.corpus import files
from analysis.corpus import intake as corpus
from analysis.corpus.intake import read_corpus
from analysis.corpus.records import CORPUS_SCHEMA


@pytest.fixture
def hostile(tmp_path: Path) -> tuple[Path, pl.DataFrame]:
    folder = tmp_path / "hostile"
    write_hostile_corpus(folder)
    return folder, read_corpus(folder, max_bytes=2_000)


def row(frame: pl.DataFrame, source: str) -> dict:
    rows = frame.filter(pl.col("source") == source).to_dicts()
    assert len(rows) == 1, source
    return rows[0]


def test_every_input_has_exactly_one_row(hostile):
    folder, frame = hostile
    on_disk = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    assert frame["source"].to_list() == on_disk
    assert frame.schema == pl.Schema(CORPUS_SCHEMA)
    assert corpus.status_counts(frame).to_dicts() == [
        {"status": "ok", "inputs": 6, "bytes": frame.filter(status="ok")["bytes"].sum()},
        {
            "status": "rejected",
            "inputs": 5,
            "bytes": frame.filter(status="rejected")["bytes"].sum(),
        },
        {"status": "duplicate", "inputs": 1, "bytes": 36},
    ]


def test_doc_id_is_sha256_of_raw_bytes(hostile):
    folder, frame = hostile
    for rec in frame.iter_rows(named=True):
        assert rec["doc_id"] == hashlib.sha256((folder / rec["source"]).read_bytes()).hexdigest()


@pytest.mark.parametrize(
    ("source", "encoding", "newline", "text"),
    [
        ("a_plain.txt", "utf-8", "LF", "Astana hosts the foreign ministers.\n"),
        ("b_bom.txt", "utf-8-sig", "LF", "Tokayev met Cleverly in Astana.\n"),
        ("c_crlf.txt", "utf-8", "CRLF", "Line one about Almaty.\nLine two about Astana.\n"),
        ("d_utf16.txt", "utf-16", "LF", RUSSIAN),
        ("e_cp1251.txt", "cp1251", "LF", ENGLISH_WITH_RUSSIAN_UI),
        ("sub/k_nested.txt", "utf-8", "LF", "A nested article about Shymkent.\n"),
    ],
)
def test_kept_inputs_are_decoded_exactly(hostile, source, encoding, newline, text):
    folder, frame = hostile
    rec = row(frame, source)
    assert (rec["status"], rec["encoding"], rec["newline"], rec["text"]) == (
        "ok",
        encoding,
        newline,
        text,
    )
    assert rec["n_chars"] == len(text)
    # The offset contract: `text` is what Python's text mode reads with the recorded encoding.
    with open(folder / source, encoding=encoding) as fh:
        assert fh.read() == rec["text"]


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("f_empty.txt", "empty (0 bytes)"),
        ("g_blank.txt", "whitespace only"),
        ("h_image.png", "binary content (NUL or control bytes)"),
        ("i_oversize.txt", "too large (4400 bytes > max_bytes=2000)"),
        (".DS_Store", "hidden file (name starts with '.')"),
    ],
)
def test_bad_inputs_are_rejected_with_a_reason(hostile, source, reason):
    _, frame = hostile
    rec = row(frame, source)
    assert (rec["status"], rec["reason"], rec["text"]) == ("rejected", reason, None)
    assert rec["doc_id"] is not None  # still traceable by hash


def test_exact_duplicate_is_recorded_not_kept(hostile):
    _, frame = hostile
    rec = row(frame, "j_duplicate.txt")
    assert rec["status"] == "duplicate"
    assert rec["duplicate_of"] == "a_plain.txt"
    assert rec["doc_id"] == row(frame, "a_plain.txt")["doc_id"]
    assert rec["text"] is None
    assert corpus.ok_documents(frame)["doc_id"].is_unique().all()


def test_problems_and_documents_views(hostile):
    _, frame = hostile
    assert "text" not in corpus.documents(frame).columns
    assert corpus.documents(frame).height == frame.height
    assert sorted(corpus.problems(frame)["source"].to_list()) == [
        ".DS_Store",
        "f_empty.txt",
        "g_blank.txt",
        "h_image.png",
        "i_oversize.txt",
        "j_duplicate.txt",
    ]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_unreadable_file_is_rejected(tmp_path):
    (tmp_path / "locked.txt").write_text("secret")
    (tmp_path / "locked.txt").chmod(0)
    rec = read_corpus(tmp_path).row(0, named=True)
    assert rec["status"] == "rejected" and rec["reason"].startswith("unreadable")


def test_seed_corpus():
    frame = read_corpus("seeds")
    assert frame.height == 5
    assert frame["status"].to_list() == ["ok"] * 5
    assert frame["source"].to_list()[0] == "000_a1ab4292ac8d29c1.txt"
    # independent count: len(open(f, encoding="utf-8").read()) for each seed file
    assert frame["n_chars"].to_list() == [6442, 10601, 10779, 9456, 5251]


# --- tabular corpora -------------------------------------------------------------------------

TABLE = {
    "id": ["x1", "x2", "x3", "x4", "x5"],
    "outlet": ["Outlet A", "Outlet B", None, "Outlet A", "Outlet C"],
    "title": ["One", "Two", "Three", "Four", "Five"],
    "date": ["2022-11-19", "", "2023-01-02", None, "2021-07-02"],
    "text": [
        "First article.\r\nSecond line.",
        None,
        "   ",
        "First article.\r\nSecond line.",
        "Fifth.",
    ],
}


@pytest.mark.parametrize("suffix", [".parquet", ".csv", ".jsonl"])
def test_tabular_corpus(tmp_path, suffix):
    path = tmp_path / f"articles{suffix}"
    table = pl.DataFrame(TABLE)
    if suffix == ".parquet":
        table.write_parquet(path)
    elif suffix == ".csv":
        table.write_csv(path)
    else:
        path.write_text("\n".join(json.dumps(r) for r in table.to_dicts()) + "\n")
    frame = read_corpus(path)
    assert frame["source"].to_list() == [f"articles{suffix}#row={n:06d}" for n in range(5)]
    assert frame["status"].to_list() == ["ok", "rejected", "rejected", "duplicate", "ok"]
    assert frame["input_id"].to_list() == TABLE["id"]
    assert frame["outlet"].to_list()[:2] == ["Outlet A", "Outlet B"]
    assert frame["date"].to_list()[1] is None  # empty string is no date
    first = frame.row(0, named=True)
    assert first["text"] == "First article.\nSecond line."
    assert first["newline"] == "CRLF"
    assert first["doc_id"] == hashlib.sha256(TABLE["text"][0].encode()).hexdigest()
    assert frame["reason"].to_list()[1:4] == [
        "text is null",
        "whitespace only",
        "identical content to an earlier input",
    ]
    assert frame.row(3, named=True)["duplicate_of"] == f"articles{suffix}#row=000000"


def test_tabular_list_authors_are_joined(tmp_path):
    path = tmp_path / "t.parquet"
    pl.DataFrame({"text": ["A text."], "authors": [["Ann Lee", "Bo Kim"]]}).write_parquet(path)
    assert read_corpus(path)["authors"].to_list() == ["Ann Lee; Bo Kim"]


def test_table_without_text_column_is_refused(tmp_path):
    path = tmp_path / "t.parquet"
    pl.DataFrame({"body": ["x"]}).write_parquet(path)
    with pytest.raises(CorpusError, match="no 'text' column"):
        read_corpus(path)
    csv = tmp_path / "t.csv"
    csv.write_text("body\nx\n")
    with pytest.raises(CorpusError, match=r"no 'text' column \(columns: body\)"):
        read_corpus(csv)


def test_missing_or_unsupported_corpus_is_refused(tmp_path):
    with pytest.raises(CorpusError, match="corpus not found"):
        read_corpus(tmp_path / "nope")
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04")
    with pytest.raises(CorpusError, match="not a table"):
        read_corpus(tmp_path / "notes.docx")


def test_allsides_sample_reads_completely():
    from conftest import ALLSIDES

    if not ALLSIDES.is_file():
        pytest.skip("../shared/corpora/allsides is not beside this checkout")
    frame = read_corpus(ALLSIDES)
    assert frame.height == 10_000
    assert frame.filter(pl.col("status") == "ok").height > 9_000
    assert frame["outlet"].null_count() < 100
    assert corpus.ok_documents(frame)["doc_id"].is_unique().all()


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


# --- one article, counted once (issue 9, part 2) ---------------------------------------------


def test_same_text_in_another_encoding_is_a_duplicate(tmp_path):
    (tmp_path / "a_utf8.txt").write_bytes(RUSSIAN.encode("utf-8"))
    (tmp_path / "b_cp1251.txt").write_bytes(RUSSIAN.encode("cp1251"))
    (tmp_path / "c_copy.txt").write_bytes(RUSSIAN.encode("utf-8"))
    (tmp_path / "d_crlf.txt").write_bytes(RUSSIAN.replace("\n", "\r\n").encode("utf-8"))
    (tmp_path / "e_bom_crlf.txt").write_bytes(
        b"\xef\xbb\xbf" + RUSSIAN.replace("\n", "\r\n").encode("utf-8")
    )
    frame = read_corpus(tmp_path)
    same = "same text as an earlier input"
    assert frame.select("status", "reason").rows() == [
        ("ok", None),
        ("duplicate", f"{same} in another encoding (cp1251, not utf-8)"),
        ("duplicate", "identical content to an earlier input"),
        ("duplicate", f"{same} with other line ends (CRLF, not LF)"),
        (
            "duplicate",
            f"{same} in another encoding (utf-8-sig, not utf-8) and with other line ends "
            "(CRLF, not LF)",
        ),
    ]
    assert frame["duplicate_of"].to_list() == [None] + ["a_utf8.txt"] * 4
    # doc_id stays the hash of each file's own bytes
    for rec in frame.iter_rows(named=True):
        assert rec["doc_id"] == hashlib.sha256((tmp_path / rec["source"]).read_bytes()).hexdigest()
    assert corpus.ok_documents(frame)["source"].to_list() == ["a_utf8.txt"]


def write_table(path: Path, records: list[dict]) -> None:
    if path.suffix == ".parquet":
        pl.DataFrame(records).write_parquet(path)
    elif path.suffix == ".csv":
        pl.DataFrame(records).write_csv(path)
    else:
        path.write_text("".join(json.dumps(r) + "\n" for r in records))


@pytest.mark.parametrize("suffix", [".parquet", ".csv", ".jsonl"])
def test_duplicate_ids_in_a_table_are_rejected(tmp_path, suffix):
    path = tmp_path / f"t{suffix}"
    write_table(
        path,
        [
            {"id": "x1", "text": "First article."},
            {"id": "x2", "text": "Second article."},
            {"id": "x1", "text": "Another article under a used id."},
            {"id": "x1", "text": None},
            {"id": None, "text": "No id."},
            {"id": None, "text": "No id either."},
        ],
    )
    frame = read_corpus(path)
    first = f"t{suffix}#row=000000"
    assert frame.select("status", "reason").rows() == [
        ("ok", None),
        ("ok", None),
        ("rejected", f"duplicate id (first used by {first})"),
        ("rejected", f"duplicate id (first used by {first})"),
        ("ok", None),
        ("ok", None),
    ]
    assert frame["input_id"].to_list() == ["x1", "x2", "x1", "x1", None, None]
    # a rejected row stays traceable by the hash of its text
    assert frame["doc_id"][2] == hashlib.sha256(b"Another article under a used id.").hexdigest()


# --- tabular corpora fail per row (issue 9, part 3) ------------------------------------------


def test_malformed_jsonl_lines_are_rejected_one_by_one(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_bytes(
        b'{"id": "a", "text": "Good one."}\n'  # line 1
        b'{"text": "a" "id": 2}\n'  # line 2: syntax error
        b"\n"  # line 3: blank, skipped
        b"[1, 2]\n"  # line 4: JSON, not an object
        b'{"id": "b"}\n'  # line 5: no text key
        b'{"text": "\xff"}\n'  # line 6: not UTF-8
        b'{"id": "c", "text": "Good two.", "authors": ["Ann", "Bo"]}\n'  # line 7
    )
    frame = read_corpus(path)
    syntax = "malformed JSON: Expecting ',' delimiter: line 1 column 14 (char 13)"
    utf8 = "not valid UTF-8: 'utf-8' codec can't decode byte 0xff in position 10: "
    assert frame.select("source", "status", "reason").rows() == [
        ("t.jsonl#row=000000", "ok", None),
        ("t.jsonl#line=2", "rejected", syntax),
        ("t.jsonl#line=4", "rejected", "not a JSON object (a JSON array)"),
        ("t.jsonl#row=000003", "rejected", "no 'text' key"),
        ("t.jsonl#line=6", "rejected", utf8 + "invalid start byte"),
        ("t.jsonl#row=000005", "ok", None),
    ]
    assert frame["text"].to_list()[-1] == "Good two."
    assert frame["authors"].to_list()[-1] == "Ann; Bo"


def test_malformed_csv_rows_are_rejected_one_by_one(tmp_path):
    path = tmp_path / "t.csv"
    long_text = "Kazakhstan " * 20_000  # over the csv module's default field limit
    path.write_bytes(
        b"id,text\n"  # line 1
        b'x1,"Good, one."\n'  # line 2
        b'x2,"bad"quote\n'  # line 3
        b"x3,a,b\n"  # line 4: a field too many
        b'x4,"Two\nlines."\n'  # lines 5-6
        b"x5,caf\xe9\n"  # line 7: latin-1 byte
        + f"x6,{long_text}\n".encode()  # line 8
        + b'x7,"never closed\n'  # line 9: unterminated quote to the end
        b"x8,swallowed\n"
    )
    limit = csv.field_size_limit()
    frame = read_corpus(path, max_bytes=1_000_000)
    assert frame.select("source", "status", "reason").rows() == [
        ("t.csv#row=000000", "ok", None),
        ("t.csv#line=3", "rejected", "malformed CSV: ',' expected after '\"'"),
        ("t.csv#line=4", "rejected", "malformed CSV: 3 fields, the header has 2"),
        ("t.csv#row=000003", "ok", None),
        ("t.csv#line=7", "rejected", "malformed CSV: not valid UTF-8"),
        ("t.csv#row=000005", "ok", None),
        ("t.csv#line=9", "rejected", "malformed CSV: unexpected end of data"),
    ]
    assert frame["text"].to_list()[3] == "Two\nlines."
    assert frame["n_chars"].to_list()[5] == len(long_text)
    assert csv.field_size_limit() == limit  # global state restored


def test_table_without_text_column_is_refused_before_the_run(tmp_path):
    csv_path = tmp_path / "t.csv"
    csv_path.write_text("id,body\n1,x\n")
    with pytest.raises(CorpusError, match=r"no 'text' column \(columns: id, body\)"):
        corpus.check_corpus(csv_path)
    jsonl = tmp_path / "t.jsonl"
    jsonl.write_text('{"id": 1, "body": "x"}\nnot json\n[1]\n')
    with pytest.raises(CorpusError, match=r"no 'text' column.*keys seen: body, id"):
        corpus.check_corpus(jsonl)
    jsonl.write_text('{"id": 1, "body": "x"}\nnot json\n{"text": "late"}\n')
    assert corpus.check_corpus(jsonl) == jsonl


# --- has_ok_document (issue 9, part 6) -------------------------------------------------------


def test_has_ok_document(tmp_path, monkeypatch):
    assert corpus.has_ok_document("seeds", max_bytes=corpus.DEFAULT_MAX_BYTES)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "passwd.txt").symlink_to(PASSWD)
    assert not corpus.has_ok_document(bad, max_bytes=1_000)
    table = tmp_path / "t.jsonl"
    table.write_text('{"id": 1, "text": " "}\n{"id": 1, "text": "Same id."}\n{"text": null}\n')
    assert not corpus.has_ok_document(table, max_bytes=1_000)  # as read_corpus judges it
    assert corpus.ok_documents(read_corpus(table)).height == 0
    # it stops at the first ok document
    good = tmp_path / "good"
    good.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        (good / name).write_text(f"Article {name}.\n")
    calls = []
    real_decode = corpus.decode
    monkeypatch.setattr(corpus, "decode", lambda raw: calls.append(raw) or real_decode(raw))
    assert corpus.has_ok_document(good, max_bytes=1_000)
    assert calls == [b"Article a.txt.\n"]


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
