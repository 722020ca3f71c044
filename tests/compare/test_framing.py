"""Actor framing: cues in the sentences that name each bloc."""

from __future__ import annotations

import polars as pl
import pytest

from analysis.compare import framing as F
from analysis.compare import groups


@pytest.fixture(scope="module")
def seeds(seeds_study):
    p = seeds_study
    m = seeds_study
    g = groups.groups_for(p.tables["provenance"])
    return p, m, g


def test_hand_made_sentences():
    mentions = pl.DataFrame(
        {
            "doc_id": ["a", "a", "a", "b", "c"],
            "bloc": ["west", "west", "russia", "west", "west"],
            "sentence_no": [1, 1, 2, 3, 1],
        }
    )
    hits = pl.DataFrame(
        {
            "doc_id": ["a", "a", "a", "b", "c"],
            "family": ["labelling", "labelling", "hedges", "hedges", "labelling"],
            "term": ["Anglo-Saxons", "hegemon", "perhaps", "perhaps", "Yankees"],
            "start": [0, 10, 40, 5, 0],
            "end": [12, 17, 47, 12, 7],
            "sentence_no": [1, 1, 2, 4, 1],
            "snippet": [""] * 5,
        }
    )
    g = pl.DataFrame({"doc_id": ["a", "b", "c"], "group": ["X", "X", None]})
    table = F.actor_framing(mentions, hits, g.drop_nulls())
    rows = {(r["bloc"], r["family"]): r for r in table.iter_rows(named=True)}
    assert set(rows) == {
        ("russia", "hedges"),
        ("russia", "labelling"),
        ("west", "hedges"),
        ("west", "labelling"),
    }
    west = rows[("west", "labelling")]
    # west: sentences a1 (twice named) and b3; two labels in a1; b's hedge is in sentence 4
    assert (west["n_docs"], west["docs_mentioning"], west["mentions"]) == (2, 2, 3)
    assert (west["bloc_sentences"], west["cue_sentences"], west["cues"], west["share"]) == (
        2,
        1,
        2,
        0.5,
    )
    assert (rows[("west", "hedges")]["cue_sentences"], rows[("west", "hedges")]["share"]) == (
        0,
        0.0,
    )
    assert rows[("russia", "hedges")]["share"] == 1.0
    # a family asked for that never occurs is listed with zeros
    with_extra = F.actor_framing(mentions, hits, g.drop_nulls(), families=["insinuation"])
    assert with_extra["family"].unique().to_list() == ["insinuation"]
    assert with_extra["cues"].sum() == 0


def _lexicon_hits(hits: pl.DataFrame) -> pl.DataFrame:
    """The lexicon's rows of ``rhetoric_hits`` (the seeds pin the lexicon's cues; the span
    model's own hits move with every retraining)."""
    return hits.filter(pl.col("detector") != "model")


def test_framing_hits_keep_the_evidence(seeds):
    p, m, _ = seeds
    evidence = F.framing_hits(m.mentions, _lexicon_hits(m.hits))
    text = dict(zip(p.docs["doc_id"], p.docs["text"], strict=True))
    labels = evidence.filter(pl.col("family") == "labelling")
    assert sorted(
        {text[d][s:e] for d, s, e in labels.select("doc_id", "start", "end").iter_rows()}
    ) == [
        "Anglo-Saxons",
        "Kyiv regime",
        "Yankees",
        "collective\u2019 West",
        "foreign agents",
        "overseas benefactors",
    ]
    # "Anglo-Saxons" names the West itself and shares its sentence with Kazakhstan
    anglo = labels.filter(pl.col("term") == "Anglo-Saxons")
    assert sorted(anglo["bloc"].to_list()) == ["kazakhstan", "west"]


def test_framing_evidence_keeps_who_found_each_cue(seeds):
    """Under the default detector the span model's own cues reach the framing evidence with
    their detector and score (and no term), row for row as in rhetoric_hits."""
    _, m, _ = seeds
    evidence = F.framing_hits(m.mentions, m.hits)
    own = evidence.filter(pl.col("detector") == "model")
    assert own.height > 0
    assert own["term"].null_count() == own.height and own["score"].null_count() == 0
    key = ["doc_id", "start", "end", "family"]
    assert own.select(key).unique().join(m.hits.select(key), on=key, how="anti").is_empty()
    assert evidence.filter(pl.col("detector") == "lexicon")["score"].null_count() == (
        evidence.filter(pl.col("detector") == "lexicon").height
    )


def test_seed_outlets_framing_of_the_west(seeds):
    _, m, g = seeds
    table = F.actor_framing(m.mentions, _lexicon_hits(m.hits), g)
    herald = table.filter((pl.col("group") == "The Eastern Herald") & (pl.col("bloc") == "west"))
    labels = herald.filter(pl.col("family") == "labelling").row(0, named=True)
    assert (labels["mentions"], labels["bloc_sentences"], labels["cue_sentences"]) == (29, 21, 2)
    assert labels["share"] == pytest.approx(2 / 21)
    polit = table.filter((pl.col("group") == "PolitNavigator") & (pl.col("bloc") == "west"))
    assert polit["n_docs"].unique().to_list() == [2]
    assert polit["bloc_sentences"].unique().to_list() == [42]
    # every row's share is its two counts
    assert table.filter(
        (pl.col("share") - pl.col("cue_sentences") / pl.col("bloc_sentences")).abs() > 1e-12
    ).is_empty()
    assert table.filter(pl.col("cue_sentences") > pl.col("bloc_sentences")).is_empty()
