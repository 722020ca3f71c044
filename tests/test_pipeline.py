"""The prepared corpus every notebook starts from."""

from __future__ import annotations

import polars as pl

from analysis.pipeline import prepare, with_outlet


def test_prepare_seeds():
    p = prepare("seeds")
    assert p.frame.height == p.docs.height == 5
    assert set(p.segments["doc_id"]) == set(p.docs["doc_id"])
    assert p.bodies.height == p.tables["provenance"].height == 5
    assert set(p.spans) == set(p.docs["doc_id"])
    outlets = with_outlet(p.bodies.select("doc_id"), p).sort("source")["outlet"].to_list()
    assert outlets == [
        "The Eastern Herald",
        "VPK.name",
        "PolitNavigator",
        "PolitNavigator",
        "(unknown outlet)",
    ]


def test_bodies_are_the_joined_spans():
    p = prepare("seeds")
    text = dict(zip(p.docs["doc_id"], p.docs["text"], strict=True))
    for doc_id, body in p.bodies.select("doc_id", "body").iter_rows():
        spans = p.spans[doc_id]
        assert body.startswith(text[doc_id][spans[0][0] : spans[0][1]])
        assert body.endswith(text[doc_id][spans[-1][0] : spans[-1][1]])
    assert p.bodies.filter(pl.col("body_chars") == 0).height == 0
