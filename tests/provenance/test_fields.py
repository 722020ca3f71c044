"""Provenance of the seed documents as a careful reader establishes it, with evidence."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from conftest import ALLSIDES, PTC

from analysis.corpus.intake import ok_documents, read_corpus
from analysis.provenance import boilerplate as B
from analysis.provenance import fields as P


def run(corpus: str | Path, sidecar: bool = False) -> tuple[pl.DataFrame, dict[str, pl.DataFrame]]:
    frame = read_corpus(corpus)
    docs = ok_documents(frame)
    segments = B.segment_corpus(docs, P.detect_outlets(docs))
    extra = P.read_sidecar(Path(corpus)) if sidecar else None
    return docs, P.extract_provenance(docs, segments, extra, inputs=frame)


@pytest.fixture(scope="module")
def seeds():
    return run("seeds")


def by_source(docs, table, prefix):
    doc_id = docs.filter(pl.col("source").str.starts_with(prefix))["doc_id"][0]
    return table.filter(pl.col("doc_id") == doc_id).row(0, named=True)


EXPECTED = {
    "000": dict(
        outlet="The Eastern Herald",
        author=None,
        title=None,
        published_at=None,
        date_earliest="2022-12-01",
        date_latest="2023-03-19",
        views=None,
        tags=None,
        language="en",
        translated=True,
        original_language="ru",
        original_outlet=None,
        intermediary=None,
        primary_source_kind="statement",
    ),
    "001": dict(
        outlet="VPK.name",
        author="Eugène Berg",
        title='The West is advised to pay attention to the "free drift" of Kazakhstan',
        published_at=None,
        date_earliest="2022-11-30",
        date_latest=None,
        views=1118,
        tags=None,
        language="en",
        translated=True,
        original_language="fr",
        original_outlet="Atlantico",
        intermediary="InoSMI",
        primary_source_kind="article",
    ),
    "002": dict(
        outlet="PolitNavigator",
        author="Ainur Kurmanov",
        title="Kazakhstan is expecting a rapid tilt towards the West immediately after the "
        "presidential elections",
        published_at="2022-11-19T00:19:00+03:00",
        date_earliest="2022-11-19",
        date_latest="2022-11-19",
        dateline="Almaty",
        views=2562,
        tags=[
            "Author column",
            "Elections",
            "Zen",
            "West",
            "Kazakhstan",
            "Society",
            "Policy",
            "Russia",
            "Russophobia",
            "Скандал",
        ],
        language="en",
        translated=True,
        original_language="ru",
        original_outlet=None,
        intermediary=None,
        primary_source_kind="opinion column",
    ),
    "003": dict(
        outlet="PolitNavigator",
        author="Ainur Kurmanov",
        title="Kazakhstan applauds the American ambassador's plans to break the republic "
        "away from Russia",
        published_at="2021-07-02T23:14:00+03:00",
        date_earliest="2021-07-02",
        dateline="Almaty",
        views=5913,
        language="en",
        translated=True,
        primary_source_kind="press conference",
    ),
    "004": dict(
        outlet=None,
        author="Daniyar Ashimbayev",
        title=None,
        published_at=None,
        date_earliest="2024-05-15",
        date_latest=None,
        language="en",
        translated=True,
        original_language="ru",
        intermediary=None,
        primary_source_kind="Telegram post",
    ),
}


@pytest.mark.parametrize("prefix", sorted(EXPECTED))
def test_seed_provenance(seeds, prefix):
    docs, tables = seeds
    row = by_source(docs, tables["provenance"], prefix)
    assert {k: row[k] for k in EXPECTED[prefix]} == EXPECTED[prefix]


def test_every_value_has_evidence_pointing_into_the_text(seeds):
    docs, tables = seeds
    text = dict(zip(docs["doc_id"], docs["text"], strict=True))
    evidence = tables["provenance_evidence"]
    for row in tables["provenance"].iter_rows(named=True):
        for field in P.FIELDS:
            if row[field] is None:
                continue
            rows = evidence.filter(pl.col("doc_id") == row["doc_id"], pl.col("field") == field)
            assert rows.height >= 1, (row["source"], field)
            for ev in rows.iter_rows(named=True):
                if ev["start"] is not None:
                    assert 0 <= ev["start"] < ev["end"] <= len(text[row["doc_id"]])
                    assert len(ev["snippet"]) <= 160
    assert evidence.filter(pl.col("start").is_null(), pl.col("field") != "translated").height == 0


def test_evidence_shows_the_words(seeds):
    docs, tables = seeds
    text = dict(zip(docs["doc_id"], docs["text"], strict=True))
    ev = tables["provenance_evidence"]

    def words(prefix, field):
        doc_id = docs.filter(pl.col("source").str.starts_with(prefix))["doc_id"][0]
        rows = ev.filter(pl.col("doc_id") == doc_id, pl.col("field") == field)
        return [text[doc_id][s:e] for s, e in rows.select("start", "end").iter_rows()]

    assert "19.11.2022 00:19\n\xa0\xa0(Moscow time)" in words("002", "published_at")
    assert "Northern Military District" in words("002", "translated")
    assert "Atlantico" in words("001", "original_outlet")
    assert "approx. I" in words("001", "translated")
    assert "December 2022" in words("000", "date_earliest")
    assert "on the eve of the legislative elections" in words("000", "date_latest")
    assert "attempt on the life of the Slovak Prime Minister" in words("004", "date_earliest")
    assert "Russian (or Russian)" in words("004", "translated")
    assert "in his Telegram channel" in words("004", "primary_source_kind")
    assert "Subscribe to PolitNavigator news" in words("003", "outlet")


def test_missing_values_have_reasons(seeds):
    docs, tables = seeds
    gaps = tables["provenance_gaps"]
    doc_004 = docs.filter(pl.col("source").str.starts_with("004"))["doc_id"][0]
    reasons = dict(gaps.filter(pl.col("doc_id") == doc_004).select("field", "reason").iter_rows())
    assert reasons["outlet"] == "no outlet signature (outlets.yaml) and no curated value"
    assert reasons["title"] == "no headline-like line before the body start"
    for row in tables["provenance"].iter_rows(named=True):
        missing = {f for f in P.FIELDS if row[f] is None}
        assert missing == set(gaps.filter(pl.col("doc_id") == row["doc_id"])["field"])


def test_outlet_signature_removed_gives_null_outlet(tmp_path):
    text = (Path("seeds") / "002_9ab1999b316cd6ca.txt").read_text(encoding="utf-8")
    cut = "\n".join(line for line in text.split("\n") if "olitnavigator" not in line.lower())
    (tmp_path / "002_no_signature.txt").write_text(cut, encoding="utf-8")
    _docs, tables = run(tmp_path)
    row = tables["provenance"].row(0, named=True)
    assert row["outlet"] is None
    assert row["author"] == "Ainur Kurmanov"  # the rest still stands
    gap = tables["provenance_gaps"].filter(pl.col("field") == "outlet")["reason"].to_list()
    assert gap == ["no outlet signature (outlets.yaml) and no curated value"]


def test_curated_sidecar_wins_and_conflicts_are_listed(tmp_path):
    for name in ("002_9ab1999b316cd6ca.txt", "004_e3e05d9d66b411c8.txt"):
        (tmp_path / name).write_bytes((Path("seeds") / name).read_bytes())
    (tmp_path / "metadata.csv").write_text(
        "file,outlet,author,url\n"
        "002_9ab1999b316cd6ca.txt,Politnavigator,A. Kurmanov,https://www.politnavigator.net/x.html\n"
        "004_e3e05d9d66b411c8.txt,Example Outlet,,\n",
        encoding="utf-8",
    )
    frame = read_corpus(tmp_path)
    assert frame.filter(pl.col("source") == "metadata.csv")["reason"].to_list() == [
        "curated metadata sidecar (read by provenance)"
    ]
    _docs, tables = run(tmp_path, sidecar=True)
    prov = tables["provenance"].sort("source")
    assert prov["outlet"].to_list() == ["Politnavigator", "Example Outlet"]
    assert prov["author"].to_list() == ["A. Kurmanov", "Daniyar Ashimbayev"]
    assert prov["url"].to_list()[0] == "https://www.politnavigator.net/x.html"
    conflicts = tables["provenance_conflicts"]
    # "Politnavigator" and "PolitNavigator" agree (case); the author differs from the byline.
    assert conflicts.select("field", "curated_value", "text_value").rows() == [
        ("author", "A. Kurmanov", "Ainur Kurmanov")
    ]
    ev = tables["provenance_evidence"].filter(pl.col("field") == "outlet")
    assert "curated (metadata.csv)" in ev["method"].to_list()


def test_tabular_input_columns_are_curated(tmp_path):
    path = tmp_path / "t.csv"
    pl.DataFrame(
        {
            "text": ["Astana hosted the talks on Monday, officials said in a statement."],
            "outlet": ["Reuters"],
            "date": ["2023-05-02"],
            "authors": ["Jo Doe"],
            "title": ["Talks in Astana"],
        }
    ).write_csv(path)
    _, tables = run(path)
    row = tables["provenance"].row(0, named=True)
    assert (row["outlet"], row["published_at"], row["author"], row["title"]) == (
        "Reuters",
        "2023-05-02",
        "Jo Doe",
        "Talks in Astana",
    )
    methods = set(tables["provenance_evidence"]["method"])
    assert {"input column 'outlet'", "input column 'date'"} <= methods


def test_ptc_article_title_on_the_first_line():
    if not PTC.is_dir():
        pytest.skip("../shared/corpora/ptc is not beside this checkout")
    name = "article111111111.txt"
    first = (PTC / "articles" / name).read_text(encoding="utf-8").split("\n")[0].strip()
    _docs, tables = run(PTC / "articles")
    row = tables["provenance"].filter(pl.col("source") == name).row(0, named=True)
    assert row["title"] == first
    assert row["language"] == "en"
    assert row["translated"] is False
    titles = tables["provenance"]["title"]
    assert titles.null_count() < 0.1 * titles.len()


# --- curated values are validated (issue 9, case 4) ---------------------------------------------

SEED_002 = "002_9ab1999b316cd6ca.txt"
SEED_004 = "004_e3e05d9d66b411c8.txt"
bad_month = "not an existing date (month must be in 1..12)"
bad_language = "not an ISO 639-1 language code (two letters: ru, en)"


def curated_corpus(folder: Path, sidecar: str | bytes) -> None:
    for name in (SEED_002, SEED_004):
        (folder / name).write_bytes((Path("seeds") / name).read_bytes())
    raw = sidecar.encode("utf-8") if isinstance(sidecar, str) else sidecar
    (folder / "metadata.csv").write_bytes(raw)


def problems(tables: dict[str, pl.DataFrame]) -> list[tuple]:
    return tables["curated_problems"].rows()


def test_bad_curated_values_are_refused_and_the_text_stands(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    curated_corpus(
        corpus,
        "file,published_at,views,translated,url,author,language,notes\n"
        f"{SEED_002},2026-13-45,lots,maybe,javascript:alert(1),A. Kurmanov,,a note\n"
        f"{SEED_004},not a date,,,,,Russian,\n"
        f"{SEED_002},2022-11-19,7,false,,,,\n"
        "../outside.txt,2022-01-01,,,,,,\n"
        "/etc/passwd,2022-01-01,,,,,,\n"
        "missing.txt,2022-01-01,,,,,,\n"
        "metadata.csv,2022-01-01,,,,,,\n"
        "empty.txt,,,,,Jo Doe,,\n"
        "copy_of_004.txt,,3,,,,,\n",
    )
    (corpus / "copy_of_004.txt").write_bytes((corpus / SEED_004).read_bytes())
    (corpus / "empty.txt").write_bytes(b"")
    docs, tables = run(corpus, sidecar=True)
    prov = {r["source"]: r for r in tables["provenance"].iter_rows(named=True)}
    # No bad value reaches the tables: the text-derived values stand.
    assert prov[SEED_002]["published_at"] == "2022-11-19T00:19:00+03:00"
    assert prov[SEED_002]["views"] == 2562
    assert prov[SEED_002]["translated"] is True
    assert prov[SEED_002]["url"] is None
    assert prov[SEED_002]["author"] == "A. Kurmanov"  # a good value in the same row is used
    assert prov[SEED_004]["published_at"] is None
    assert prov[SEED_004]["language"] == "en"
    values = set(tables["provenance_evidence"]["value"])
    assert not values & {"2026-13-45", "not a date", "lots", "maybe", "javascript:alert(1)"}
    assert not set(tables["provenance_conflicts"]["curated_value"]) & {"2026-13-45", "7"}
    gap = tables["provenance_gaps"].filter(
        pl.col("doc_id") == docs.filter(pl.col("source") == SEED_004)["doc_id"][0],
        pl.col("field") == "published_at",
    )["reason"]
    assert gap.to_list() == [
        "no date in the article header; the curated value was refused (curated_problems)"
    ]
    assert tables["curated_problems"].schema == pl.Schema(P.CURATED_PROBLEMS_SCHEMA)
    bad_date = (
        "not an ISO 8601 date (YYYY-MM-DD, optionally with a time and UTC offset, "
        "e.g. 2022-11-19T00:19:00+03:00)"
    )
    assert problems(tables) == [
        ("../outside.txt", 5, "file", "../outside.txt", "not a file inside the corpus ('..')"),
        (
            "/etc/passwd",
            6,
            "file",
            "/etc/passwd",
            "not a file inside the corpus (an absolute path)",
        ),
        (SEED_002, 2, "published_at", "2026-13-45", bad_month),
        (SEED_002, 2, "translated", "maybe", "not true or false (true, false, yes, no, 1 or 0)"),
        (SEED_002, 2, "url", "javascript:alert(1)", "not an http(s) URL with a host"),
        (
            SEED_002,
            2,
            "views",
            "lots",
            "not a whole number (digits, thousands may be separated by ',' or a space)",
        ),
        (
            SEED_002,
            4,
            "file",
            SEED_002,
            "a second row for this file (the row on line 2 is used); the row is not read",
        ),
        (SEED_004, 3, "language", "Russian", bad_language),
        (SEED_004, 3, "published_at", "not a date", bad_date),
        (
            "copy_of_004.txt",
            10,
            "file",
            "copy_of_004.txt",
            f"not an ok document (duplicate of {SEED_004})",
        ),
        ("empty.txt", 9, "file", "empty.txt", "not an ok document (rejected: empty (0 bytes))"),
        (
            "metadata.csv",
            8,
            "file",
            "metadata.csv",
            "not an ok document (rejected: curated metadata sidecar (read by provenance))",
        ),
        ("missing.txt", 7, "file", "missing.txt", "no such document in the corpus"),
        (
            None,
            1,
            "notes",
            None,
            "unknown column (not a provenance field); its values are not read",
        ),
    ]


def whole(reason: str) -> list[tuple]:
    return [(None, None, None, None, f"metadata.csv {reason}; no curated value is read from it")]


MALFORMED_SIDECARS = {
    # name: (the sidecar, its problems, the outlet of 004 afterwards)
    "cp1251": (
        f"file,outlet\n{SEED_004},Политнавигатор\n".encode("cp1251"),
        whole("is not valid UTF-8 (invalid continuation byte on line 2)"),
        None,
    ),
    "empty": (b"", whole("is empty"), None),
    "no-file-column": (
        "outlet,author\nExample,Jo\n",
        [
            (
                None,
                1,
                None,
                None,
                "metadata.csv has no 'file' column (columns: outlet, author); "
                "no curated value is read from it",
            )
        ],
        None,
    ),
    "ragged": (
        f"file,outlet\n{SEED_002},A,B\n{SEED_004},Example\n",
        [
            (
                SEED_002,
                2,
                None,
                None,
                "malformed CSV: 3 fields, the header has 2; the row is not read",
            )
        ],
        "Example",
    ),
    "bad-quote": (
        f'file,outlet\n{SEED_004},Example\n{SEED_002},"A"B\n',
        [(None, 3, None, None, "malformed CSV: ',' expected after '\"'; the row is not read")],
        "Example",
    ),
    "nul": (
        f"file,outlet\n{SEED_004},Exa\x00mple\n",
        [(SEED_004, 2, "outlet", "Exa\x00mple", "contains a control character (U+0000)")],
        None,
    ),
}


@pytest.mark.parametrize("name", sorted(MALFORMED_SIDECARS))
def test_a_malformed_sidecar_never_crashes(tmp_path, name):
    sidecar, expected, outlet = MALFORMED_SIDECARS[name]
    curated_corpus(tmp_path, sidecar)
    _docs, tables = run(tmp_path, sidecar=True)
    assert tables["provenance"].height == 2
    assert problems(tables) == expected
    outlets = dict(tables["provenance"].select("source", "outlet").iter_rows())
    assert outlets[SEED_004] == outlet  # the rows that could be read are used


def test_a_sidecar_linking_outside_the_corpus_is_not_read(tmp_path):
    outside = tmp_path / "outside.csv"
    outside.write_text(f"file,outlet\n{SEED_002},SECRET FROM OUTSIDE\n", encoding="utf-8")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in (SEED_002, SEED_004):
        (corpus / name).write_bytes((Path("seeds") / name).read_bytes())
    (corpus / "metadata.csv").symlink_to(outside)
    _docs, tables = run(corpus, sidecar=True)
    assert "SECRET FROM OUTSIDE" not in tables["provenance"]["outlet"].to_list()
    assert problems(tables) == [
        (
            None,
            None,
            None,
            None,
            "metadata.csv is a symlink outside the corpus (not opened); "
            "no curated value is read from it",
        )
    ]


def test_tabular_curated_columns_are_validated(tmp_path):
    path = tmp_path / "t.jsonl"
    rows = [
        {"text": "Astana hosted the talks on Monday.", "date": "2026-13-45", "outlet": "Reuters"},
        {"text": "Almaty was calm on Tuesday.", "date": "7/23/17", "url": "ftp://example.org/a"},
        {"text": "Shymkent hosted a fair.", "date": "2023-05-02 10:30", "url": "https://ex.org/b"},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    _docs, tables = run(path)
    prov = tables["provenance"].sort("source")
    assert prov["published_at"].to_list() == [None, None, "2023-05-02T10:30:00"]
    assert prov["outlet"].to_list()[0] == "Reuters"
    assert prov["url"].to_list() == [None, None, "https://ex.org/b"]
    assert prov["date_earliest"].to_list()[1] is None  # not "7/23/17"[:10]
    assert problems(tables) == [
        ("t.jsonl#row=000000", 0, "date", "2026-13-45", bad_month),
        (
            "t.jsonl#row=000001",
            1,
            "date",
            "7/23/17",
            "not an ISO 8601 date (YYYY-MM-DD, optionally with a time and UTC offset, "
            "e.g. 2022-11-19T00:19:00+03:00)",
        ),
        ("t.jsonl#row=000001", 1, "url", "ftp://example.org/a", "not an http(s) URL with a host"),
    ]


@pytest.mark.parametrize(
    ("field", "raw", "value"),
    [
        ("published_at", "2022-11-19", "2022-11-19"),
        ("published_at", " 2022-11-19T00:19:00+03:00 ", "2022-11-19T00:19:00+03:00"),
        ("published_at", "2022-11-19 00:19Z", "2022-11-19T00:19:00+00:00"),
        ("published_at", "2024-02-29", "2024-02-29"),
        ("published_at", "2023-02-29", None),
        ("published_at", "2022-11-19T25:00", None),
        ("published_at", "20221119", None),
        ("published_at", "19.11.2022", None),
        ("date_earliest", "2022-11-19", "2022-11-19"),
        ("date_latest", "2022-11-19T10:00", None),
        ("views", "1,118", 1118),
        ("views", "12 345", 12345),
        ("views", "2562", 2562),
        ("views", "-3", None),
        ("views", "1.5", None),
        ("views", "1,11", None),
        ("views", "9" * 30, None),
        ("translated", "Yes", True),
        ("translated", "0", False),
        ("translated", "FALSE", False),
        ("translated", "maybe", None),
        ("tags", "a; b;;c", ["a", "b", "c"]),
        ("tags", " ; ", None),
        ("language", "RU", "ru"),
        ("language", "rus", None),
        ("url", "https://www.politnavigator.net/x.html", "https://www.politnavigator.net/x.html"),
        ("url", "www.example.org/x", None),
        ("url", "https:///x", None),
        ("url", "https://exa mple.org/", None),
        ("outlet", "  PolitNavigator ", "PolitNavigator"),
    ],
)
def test_check_value(field, raw, value):
    got, reason = P.check_value(field, raw)
    assert got == value
    assert (reason is None) == (value is not None)


ASTANA_TIMES_PAGE = """Skip to main content
Toggle navigation
Home
Politics
Economy
Culture

Kazakhstan and China sign a new transit agreement

By Aigerim Seitkali

ASTANA, 14 March 2024 – Kazakhstan and China signed an agreement on Thursday that will raise the \
volume of goods carried by rail between the two countries over the next five years, the Ministry \
of Transport said in a statement.

The agreement covers new border terminals and a joint logistics company, and officials said the \
first trains under the new rules would run before the end of the year.

Share this article
Facebook
Twitter

Related news
Astana hosts regional summit on water
New airport terminal opens in Almaty

© 2024 The Astana Times. All rights reserved.
"""


def test_an_article_of_an_outlet_no_rule_knows(tmp_path):
    (tmp_path / "astana.txt").write_text(ASTANA_TIMES_PAGE, encoding="utf-8")
    _docs, tables = run(tmp_path)
    row = tables["provenance"].row(0, named=True)
    assert {k: row[k] for k in ("outlet", "author", "title", "published_at", "dateline")} == {
        "outlet": "The Astana Times",
        "author": "Aigerim Seitkali",
        "title": "Kazakhstan and China sign a new transit agreement",
        "published_at": "2024-03-14",
        "dateline": "ASTANA",
    }
    methods = dict(
        tables["provenance_evidence"]
        .filter(pl.col("field") == "outlet")
        .select("value", "method")
        .rows()
    )
    assert methods == {"The Astana Times": "copyright footer (named in the text)"}


def test_a_translation_whose_original_outlet_is_in_no_registry(tmp_path):
    text = (Path("seeds") / "001_10a2459e9d4c8b43.txt").read_text(encoding="utf-8")
    (tmp_path / "001_figaro.txt").write_text(text.replace("Atlantico", "Le Figaro"), "utf-8")
    _docs, tables = run(tmp_path)
    row = tables["provenance"].row(0, named=True)
    assert (row["original_outlet"], row["intermediary"]) == ("Le Figaro", "InoSMI")
    assert row["original_language"] == "fr"  # from the broad outlet list (fundus)


def test_document_rows_rebuild_what_each_text_says(seeds_study):
    """The cacheable part of provenance: rebuilt from its rows, every table is the same."""
    from analysis.provenance.fields import (
        DOCUMENT_ROWS_SCHEMA,
        document_rows,
        extract_provenance,
        segments_by_doc,
    )

    p = seeds_study
    rows = document_rows(p.docs, segments_by_doc(p.segments))
    assert rows.schema == DOCUMENT_ROWS_SCHEMA
    assert set(rows["kind"]) == {"found", "gap"}
    assert rows.filter(pl.col("field") == "translated")["value"].to_list()[:1] in (
        ["true"],
        ["false"],
    )
    direct = extract_provenance(p.docs, p.segments)
    rebuilt = extract_provenance(p.docs, p.segments, documents=rows)
    assert direct.keys() == rebuilt.keys()
    for name in direct:
        assert rebuilt[name].equals(direct[name]), name
    # rows of a subset are the subset's rows: what the per-document cache relies on
    first = p.docs.head(2)
    assert document_rows(first, segments_by_doc(p.segments)).equals(
        rows.filter(pl.col("doc_id").is_in(first["doc_id"].implode()))
    )


def test_compiled_langid_is_py3langid(seeds_study) -> None:
    """The identifier with the compiled byte walk scores and classifies exactly as py3langid."""
    import random

    import numpy as np
    from py3langid.langid import _load_identifier

    from analysis.provenance.fields._langid import identifier

    ours, theirs = identifier(), _load_identifier(norm_probs=False)
    rng = random.Random(2)
    pieces = ["Kazakhstan", "Астана", "Алматы", "中国", "the", "and", "ş", "ü", "é", " ", ".", "’"]
    texts = [*seeds_study.docs["text"].to_list(), "", "x", "ПРЕЗИДЕНТ", "\udcff?"]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 60))) for _ in range(300)]
    if ALLSIDES.is_file():
        texts += pl.read_parquet(ALLSIDES, columns=["text"]).head(300)["text"].to_list()
    for text in texts:
        sample = text[:2000]
        assert ours.classify(sample) == theirs.classify(sample)
        assert np.array_equal(ours._decide(sample), theirs._decide(sample))


def test_the_model_is_unpacked_once_into_the_cache(monkeypatch, tmp_path) -> None:
    """The identifier reads the model py3langid reads, mapped from unpacked copies of its arrays
    in the cache when there are some; a damaged copy is read from the package's file, removed,
    and unpacked again."""
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    from analysis.provenance.fields import _langid

    model = MODEL_DIR / MODEL_FILE
    theirs = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=False)

    def same(arrays: tuple, mapped: bool) -> None:
        ptc, pc, classes, nextmove, row, output = arrays
        assert np.array_equal(ptc, theirs.nb_ptc) and ptc.dtype == theirs.nb_ptc.dtype
        assert np.array_equal(pc, theirs.nb_pc) and classes == theirs.nb_classes
        assert np.array_equal(nextmove, theirs.tk_nextmove) and row == theirs.tk_row
        assert output == theirs.tk_output
        assert isinstance(ptc, np.memmap) == isinstance(nextmove, np.memmap) == mapped

    monkeypatch.setenv("ANALYSIS_CACHE", "off")
    same(_langid._arrays(model), mapped=False)  # no cache: unpacked in memory
    monkeypatch.setenv("ANALYSIS_CACHE", str(tmp_path))
    same(_langid._arrays(model), mapped=True)  # unpacked into the cache ...
    folder = tmp_path / _langid.CACHE_STEP / _langid.cache_version()
    stored = sorted(p.name for p in folder.iterdir())
    assert stored == sorted(f"{name}.npy" for name in _langid._ARRAYS)
    assert not list(folder.parent.glob(".tmp-*"))
    assert sum(p.stat().st_size for p in folder.iterdir()) > 60_000_000
    same(_langid._arrays(model), mapped=True)  # ... and mapped from there
    (folder / "nextmove.npy").write_bytes(b"damaged")
    same(_langid._arrays(model), mapped=False)  # the package's file, and the copy removed
    assert not folder.exists()
    same(_langid._arrays(model), mapped=True)


def test_a_picture_credit_above_the_footer_names_no_publisher():
    story = "The line links the two countries and carries freight from next month.\n" * 8
    credit = "© Jane Roe\nThe new terminal in Khorgos.\n© Jane Roe\n"
    assert P.named_publisher(credit + story) is None
    footer = credit + story + "© 2025, kleinezeitung.at | Kleine Zeitung GmbH\n"
    found = P.named_publisher(footer)
    assert found is not None and found[0] == "Kleine Zeitung"
    assert found[1].startswith("domain in the text")
    # a footer without a year still names the publisher at the foot of the page
    assert P.named_publisher(story + "© The Astana Times\n")[:1] == ("The Astana Times",)
