"""Corpus intake: every hostile input is decoded or accounted for, never dropped."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import polars as pl
import pytest
from conftest import ENGLISH_WITH_RUSSIAN_UI, RUSSIAN, write_hostile_corpus

from analysis import corpus
from analysis.corpus import CORPUS_SCHEMA, CorpusError, read_corpus


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
