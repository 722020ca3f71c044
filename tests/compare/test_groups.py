"""Grouping documents for comparisons."""

from __future__ import annotations

import polars as pl
import pytest

from analysis.compare import groups as G


@pytest.fixture(scope="module")
def provenance(seeds_study) -> pl.DataFrame:
    return seeds_study.tables["provenance"]


def _by_source(provenance: pl.DataFrame, group_by: str) -> dict[str, str]:
    g = G.groups_for(provenance, group_by).join(provenance.select("doc_id", "source"), on="doc_id")
    return {s[:3]: grp for s, grp in g.select("source", "group").iter_rows()}


def test_outlets_of_the_seeds_with_the_unattributed_document_kept(provenance):
    assert _by_source(provenance, "outlet") == {
        "000": "The Eastern Herald",
        "001": "VPK.name",
        "002": "PolitNavigator",
        "003": "PolitNavigator",
        "004": "(unknown outlet)",
    }


def test_year_comes_from_the_stated_publication_date(provenance):
    assert _by_source(provenance, "year") == {
        "000": "(unknown year)",
        "001": "(unknown year)",
        "002": "2022",
        "003": "2021",
        "004": "(unknown year)",
    }
    assert _by_source(provenance, "month")["002"] == "2022-11"


def test_authors_and_booleans_group_as_text(provenance):
    authors = _by_source(provenance, "author")
    assert authors["002"] == authors["003"] == "Ainur Kurmanov"
    assert authors["004"] == "Daniyar Ashimbayev"
    assert set(_by_source(provenance, "translated").values()) <= {
        "true",
        "false",
        "(unknown translated)",
    }


def test_bad_groupings_are_refused_with_the_options(provenance):
    with pytest.raises(ValueError, match=r"group_by='outlets' is not one of: .*outlet.*year"):
        G.groups_for(provenance, "outlets")
    with pytest.raises(ValueError, match="several values per document"):
        G.groups_for(provenance, "tags")


def test_blank_values_join_the_unknown_group():
    prov = pl.DataFrame({"doc_id": ["a", "b", "c"], "outlet": [" X ", "  ", None]})
    assert G.groups_for(prov)["group"].to_list() == ["X", "(unknown outlet)", "(unknown outlet)"]


def test_sizes_and_lumping_keep_every_document():
    g = pl.DataFrame({"doc_id": list("abcdefg"), "group": ["A", "B", "A", "C", "A", "B", "D"]})
    assert G.group_sizes(g).rows() == [("A", 3), ("B", 2), ("C", 1), ("D", 1)]
    lumped = G.lump(g, 2)
    assert lumped.height == g.height
    assert lumped["group"].to_list() == [
        "A",
        "B",
        "A",
        "(2 other groups)",
        "A",
        "B",
        "(2 other groups)",
    ]
    assert G.lump(g, 4) is g
    assert G.lump(g, 3)["group"].to_list()[-1] == "(1 other group)"


def test_small_group_docs_are_those_resampled_by_sentences(provenance):
    g = G.groups_for(provenance)
    small = G.small_group_docs(g, 2)  # PolitNavigator has 2 documents, the others 1
    sources = dict(zip(provenance["doc_id"], provenance["source"], strict=True))
    assert sorted(sources[d][:3] for d in small) == ["000", "001", "004"]
    assert len(G.small_group_docs(g, 5)) == 5
    assert G.small_group_docs(g, 1) == []


def test_every_cross_group_function_refuses_a_document_in_two_groups():
    from analysis.compare import framing, group_metrics, phrases, similarity

    two = pl.DataFrame({"doc_id": ["a", "a", "b"], "group": ["X", "Y", "X"]})
    assert G.checked(two.tail(2), "f").rows() == [("a", "Y"), ("b", "X")]
    empty_mentions = pl.DataFrame(
        schema={"doc_id": pl.String, "bloc": pl.String, "sentence_no": pl.Int64}
    )
    empty_hits = pl.DataFrame(
        schema={
            "doc_id": pl.String,
            "family": pl.String,
            "term": pl.String,
            "start": pl.Int64,
            "end": pl.Int64,
            "sentence_no": pl.Int64,
            "snippet": pl.String,
        }
    )
    calls = {
        "actor_framing": lambda: framing.actor_framing(empty_mentions, empty_hits, two),
        "group_metrics": lambda: group_metrics.group_metrics(
            pl.DataFrame(schema=group_metrics.PER_DOC_SCHEMA), two
        ),
        "group_similarity": lambda: similarity.group_similarity(
            pl.DataFrame({"doc_id": ["a", "b"], "body": ["oil gas", "gas grain"]}), two
        ),
        "shared_phrases": lambda: phrases.shared_phrases(
            pl.DataFrame({"doc_id": ["a", "b"], "text": ["oil gas", "gas grain"]}), {}, two
        ),
    }
    for name, call in calls.items():
        with pytest.raises(ValueError, match=rf"{name}: document\(s\) in two groups.*\['a'\]"):
            call()


def test_grouping_of_the_seeds_keeps_sources_and_pools_beyond_top(provenance):
    full = G.grouping(provenance, "outlet", top=15)
    assert full.table.columns == ["doc_id", "group", "source"]
    assert full.table["doc_id"].to_list() == sorted(provenance["doc_id"].to_list())
    assert not full.pooled and full.shown is full.table
    assert full.for_charts("tables", lambda shown: "recomputed") == "tables"
    top = G.grouping(provenance, "outlet", top=1)
    assert top.pooled and top.largest == ["PolitNavigator"]
    assert sorted(set(top.shown["group"])) == ["(3 other groups)", "PolitNavigator"]
    assert top.members.columns == ["doc_id", "group"]
    seen = []
    assert top.for_charts("tables", lambda shown: seen.append(shown.height) or "recomputed") == (
        "recomputed"
    )
    assert seen == [5]
