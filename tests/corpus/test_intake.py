"""Corpus intake: every hostile input is decoded or accounted for, never dropped."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import polars as pl
import pytest
from conftest import ENGLISH_WITH_RUSSIAN_UI, RUSSIAN, write_hostile_corpus
from conftest import corpus_row as row

from analysis.corpus import intake as corpus
from analysis.corpus.intake import read_corpus
from analysis.corpus.records import CORPUS_SCHEMA


@pytest.fixture
def hostile(tmp_path: Path) -> tuple[Path, pl.DataFrame]:
    folder = tmp_path / "hostile"
    write_hostile_corpus(folder)
    return folder, read_corpus(folder, max_bytes=2_000)


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


# --- has_ok_document (issue 9, part 6) -------------------------------------------------------


def test_has_ok_document(tmp_path, monkeypatch):
    assert corpus.has_ok_document("seeds", max_bytes=corpus.DEFAULT_MAX_BYTES)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "passwd.txt").symlink_to("/etc/passwd")
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
