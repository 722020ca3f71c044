"""Actor mentions, their counts per document and bloc, and the sentences naming two blocs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from analysis.metrics.rhetoric._cues import _body, _docs_rows
from analysis.metrics.rhetoric._lexicon import Lexicon, _lexicon, _matched
from analysis.metrics.rhetoric._schema import ACTORS_SCHEMA, MENTIONS_SCHEMA, PAIRS_SCHEMA
from analysis.text.evidence import snippet

__all__ = [
    "actor_counts",
    "actor_mentions",
    "actor_pairs",
]


def actor_mentions(
    docs: pl.DataFrame,
    spans: Mapping[str, Sequence[tuple[int, int]]],
    lexicon: str | Lexicon = "default",
) -> pl.DataFrame:
    """The ``actor_mentions`` table (:data:`MENTIONS_SCHEMA`): every actor reference in the bodies.

    >>> docs = pl.DataFrame({"doc_id": ["d"], "text": [
    ...     "Astana told Washington Post that Moscow and the West disagree."]})
    >>> actor_mentions(docs, {"d": [(0, 62)]}).select("bloc", "actor", "start").rows()
    [('kazakhstan', 'Astana', 0), ('russia', 'Moscow', 33), ('west', 'the West', 48)]
    """
    lex = _lexicon(lexicon)
    matcher = lex._actor_matcher
    out: list[tuple[Any, ...]] = []
    if matcher is None:
        return pl.DataFrame(schema=MENTIONS_SCHEMA)
    regex, ordered = matcher
    for doc_id, text in _docs_rows(docs):
        body = _body(text, spans.get(doc_id, []))
        for lo, hi in body.spans:
            for m in regex.finditer(text, lo, hi):
                c = _matched(m, ordered)
                s, e = m.span()
                out.append(
                    (
                        doc_id,
                        c.group,
                        c.actor,
                        c.term,
                        s,
                        e,
                        body.sentence_no(s),
                        snippet(text, s, e),
                    )
                )
    frame = pl.DataFrame(out, schema=MENTIONS_SCHEMA, orient="row")
    return frame.sort("doc_id", "start", "end", "bloc", "actor")


def actor_counts(mentions: pl.DataFrame) -> pl.DataFrame:
    """The ``actors`` table (:data:`ACTORS_SCHEMA`) of some ``actor_mentions``.

    >>> m = pl.DataFrame({"doc_id": ["d", "d"], "bloc": ["west"] * 2, "actor": ["NATO"] * 2})
    >>> actor_counts(m).rows()
    [('d', 'west', 'NATO', 2)]
    """
    return (
        mentions.group_by("doc_id", "bloc", "actor")
        .agg(pl.len().cast(pl.Int64).alias("count"))
        .cast(ACTORS_SCHEMA)
        .select(list(ACTORS_SCHEMA))
        .sort("doc_id", "bloc", "actor")
    )


def actor_pairs(mentions: pl.DataFrame) -> pl.DataFrame:
    """The ``actor_pairs`` table (:data:`PAIRS_SCHEMA`): sentences naming two blocs.

    A sentence that names blocs A, B and C counts once for each of the pairs AB, AC and BC.

    >>> m = pl.DataFrame({"doc_id": ["d"] * 4, "bloc": ["west", "russia", "west", "china"],
    ...                   "sentence_no": [1, 1, 2, 3]})
    >>> actor_pairs(m).rows()
    [('d', 'russia', 'west', 1)]
    """
    blocs = mentions.select("doc_id", "sentence_no", "bloc").unique()
    pairs = blocs.join(blocs, on=["doc_id", "sentence_no"], suffix="_b").filter(
        pl.col("bloc") < pl.col("bloc_b")
    )
    return (
        pairs.group_by("doc_id", pl.col("bloc").alias("bloc_a"), "bloc_b")
        .agg(pl.len().cast(pl.Int64).alias("sentences"))
        .cast(PAIRS_SCHEMA)
        .select(list(PAIRS_SCHEMA))
        .sort("doc_id", "bloc_a", "bloc_b")
    )
