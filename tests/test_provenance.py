"""Provenance of the seed documents as a careful reader establishes it, with evidence."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from conftest import PTC

from analysis import boilerplate as B
from analysis import provenance as P
from analysis.corpus import ok_documents, read_corpus


def run(corpus: str | Path, sidecar: bool = False) -> tuple[pl.DataFrame, dict[str, pl.DataFrame]]:
    docs = ok_documents(read_corpus(corpus))
    segments = B.segment_corpus(docs, P.detect_outlets(docs))
    extra = P.read_sidecar(Path(corpus)) if sidecar else None
    return docs, P.extract_provenance(docs, segments, extra)


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
    assert reasons["title"].startswith("no title line")
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
