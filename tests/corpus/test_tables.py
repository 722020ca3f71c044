"""Tabular corpora (parquet, CSV, JSON lines): a row per record, malformed ones rejected alone."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import polars as pl
import pytest

from analysis.core.errors import CorpusError
from analysis.corpus import intake as corpus
from analysis.corpus.intake import read_corpus

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


def test_table_rows_with_other_line_ends_are_duplicates_across_pieces(tmp_path, monkeypatch):
    """A row's doc_id hashes its text as stored, its text has line ends normalised: the same
    article with CRLF and with LF is one document, also when read a row at a time (the pieces
    of read_corpus and the Parquet slices)."""
    from analysis.corpus import intake, tables

    monkeypatch.setattr(intake, "_CHUNK_ROWS", 1)
    monkeypatch.setattr(tables, "PARQUET_SLICE", 1)
    path = tmp_path / "t.parquet"
    texts = ["Talks in Astana.\r\nA second line.", "Other.", "Talks in Astana.\nA second line."]
    pl.DataFrame({"text": texts}).write_parquet(path)
    frame = read_corpus(path)
    assert frame["status"].to_list() == ["ok", "ok", "duplicate"]
    assert frame["doc_id"][2] == hashlib.sha256(texts[2].encode()).hexdigest() != frame["doc_id"][0]
    assert frame["reason"][2] == "same text as an earlier input with other line ends (LF, not CRLF)"
    assert frame["duplicate_of"][2] == "t.parquet#row=000000"


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
