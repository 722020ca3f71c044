"""Actor framing: which rhetorical cues each group uses in the sentences that name each actor bloc.

A sentence frames a bloc with a cue family when the bloc is mentioned in it
(:func:`analysis.metrics.rhetoric.actor_mentions`) and a cue of the family occurs in it
(:func:`analysis.metrics.rhetoric.rhetoric_hits`); both tables number the body sentences of each
document the same way (``sentence_no``). Co-occurrence in a sentence is not proof that the cue
is aimed at the bloc ("Washington dismissed the 'referendum'" puts a scare quote next to the
West that is aimed elsewhere): the ``actor_framing_hits`` table keeps every co-occurrence with
its offsets and snippet so each count can be read.

For group ``g``, bloc ``b`` and family ``f``::

    bloc_sentences = sentences of g's documents that mention b
    cue_sentences  = those of them with at least one cue of f
    share          = cue_sentences / bloc_sentences
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from analysis.compare.groups import checked

__all__ = ["ACTOR_FRAMING_SCHEMA", "FRAMING_HITS_SCHEMA", "actor_framing", "framing_hits"]

#: One row per cue that occurs in a sentence naming a bloc (a cue in a sentence naming two blocs
#: appears once per bloc). Sorted by doc_id, start, bloc.
FRAMING_HITS_SCHEMA = pl.Schema(
    {
        "doc_id": pl.String(),
        "sentence_no": pl.Int64(),
        "bloc": pl.String(),
        "family": pl.String(),
        "term": pl.String(),  # null for a cue the span model found alone
        "detector": pl.String(),  # who found the cue (rhetoric_hits): lexicon, model or both
        "score": pl.Float64(),  # the span model's score of the cue, null where it did not find it
        "start": pl.Int64(),
        "end": pl.Int64(),
        "snippet": pl.String(),
    }
)

#: One row per (group, bloc mentioned by the group, family). Sorted by group, bloc, family.
ACTOR_FRAMING_SCHEMA = pl.Schema(
    {
        "group": pl.String(),
        "bloc": pl.String(),
        "family": pl.String(),
        "n_docs": pl.Int64(),  # documents of the group
        "docs_mentioning": pl.Int64(),  # of them, documents that mention the bloc
        "mentions": pl.Int64(),  # mentions of the bloc in the group
        "bloc_sentences": pl.Int64(),  # sentences that mention the bloc
        "cue_sentences": pl.Int64(),  # of them, sentences with a cue of the family
        "cues": pl.Int64(),  # cues of the family in those sentences
        "share": pl.Float64(),  # cue_sentences / bloc_sentences
    }
)


def _with_blocs(mentions: pl.DataFrame, hits: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """``columns`` of every hit that shares a sentence with a bloc mention, once per bloc."""
    blocs = mentions.select("doc_id", "sentence_no", "bloc").unique()
    return hits.select(columns).join(blocs, on=["doc_id", "sentence_no"], how="inner")


def framing_hits(mentions: pl.DataFrame, hits: pl.DataFrame) -> pl.DataFrame:
    """Every cue that shares a sentence with a bloc mention (:data:`FRAMING_HITS_SCHEMA`).

    Examples
    --------
    >>> m = pl.DataFrame({"doc_id": ["d", "d"], "bloc": ["west", "russia"],
    ...                   "sentence_no": [1, 2]})
    >>> h = pl.DataFrame({"doc_id": ["d"], "family": ["labelling"], "term": ["Anglo-Saxons"],
    ...                   "detector": ["lexicon"], "score": [None], "start": [0], "end": [12],
    ...                   "sentence_no": [1], "snippet": ["..."]})
    >>> framing_hits(m, h).select("bloc", "family", "term", "detector").rows()
    [('west', 'labelling', 'Anglo-Saxons', 'lexicon')]
    """
    return (
        _with_blocs(mentions, hits, [c for c in FRAMING_HITS_SCHEMA if c != "bloc"])
        .select(list(FRAMING_HITS_SCHEMA))
        .cast(FRAMING_HITS_SCHEMA)
        .sort("doc_id", "start", "bloc", "family", "term")
    )


def actor_framing(
    mentions: pl.DataFrame,
    hits: pl.DataFrame,
    groups: pl.DataFrame,
    families: Iterable[str] | None = None,
) -> pl.DataFrame:
    """The ``actor_framing`` table (:data:`ACTOR_FRAMING_SCHEMA`).

    Parameters
    ----------
    mentions
        ``actor_mentions`` (``doc_id``, ``bloc``, ``sentence_no``).
    hits
        ``rhetoric_hits`` (``doc_id``, ``family``, ``sentence_no``, ...).
    groups
        ``doc_id``, ``group`` (:func:`analysis.compare.groups.groups_for`); documents of other
        groups are ignored.
    families
        Families listed for every (group, bloc), with zeros where absent (default: the families
        that occur in ``hits``).

    Examples
    --------
    Two documents of one outlet; the West is named in two sentences, one with a label.

    >>> m = pl.DataFrame({"doc_id": ["a", "a", "b"], "bloc": ["west"] * 3,
    ...                   "sentence_no": [1, 1, 4]})
    >>> h = pl.DataFrame({"doc_id": ["a", "a"], "family": ["labelling", "labelling"],
    ...                   "term": ["x", "y"], "start": [0, 5], "end": [1, 6],
    ...                   "sentence_no": [1, 1], "snippet": ["", ""]})
    >>> g = pl.DataFrame({"doc_id": ["a", "b"], "group": ["X", "X"]})
    >>> actor_framing(m, h, g).drop("group", "bloc", "family").row(0)
    (2, 2, 3, 2, 1, 2, 0.5)
    """
    g = checked(groups, "actor_framing")
    n_docs = g.group_by("group").agg(pl.len().cast(pl.Int64).alias("n_docs"))
    m = mentions.select("doc_id", "bloc", "sentence_no").join(g, on="doc_id", how="inner")
    per_bloc = m.group_by("group", "bloc").agg(
        pl.col("doc_id").n_unique().cast(pl.Int64).alias("docs_mentioning"),
        pl.len().cast(pl.Int64).alias("mentions"),
        pl.struct("doc_id", "sentence_no").n_unique().cast(pl.Int64).alias("bloc_sentences"),
    )
    fams = sorted(set(hits["family"].to_list()) if families is None else set(families))
    per_family = (
        _with_blocs(mentions, hits, ["doc_id", "sentence_no", "family"])
        .join(g, on="doc_id", how="inner")
        .group_by("group", "bloc", "family")
        .agg(
            pl.struct("doc_id", "sentence_no").n_unique().cast(pl.Int64).alias("cue_sentences"),
            pl.len().cast(pl.Int64).alias("cues"),
        )
    )
    grid = per_bloc.join(pl.DataFrame({"family": fams}, schema={"family": pl.String}), how="cross")
    return (
        grid.join(per_family, on=["group", "bloc", "family"], how="left")
        .join(n_docs, on="group", how="left")
        .with_columns(pl.col("cue_sentences", "cues").fill_null(0))
        .with_columns(share=pl.col("cue_sentences") / pl.col("bloc_sentences"))
        .select(list(ACTOR_FRAMING_SCHEMA))
        .cast(ACTOR_FRAMING_SCHEMA)
        .sort("group", "bloc", "family")
    )
