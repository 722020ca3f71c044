"""The tables of rhetorical cues and actors: their schemas, the PTC techniques, the word pattern."""

from __future__ import annotations

import re
from typing import Literal

import polars as pl

from analysis.text.words import WORD_PATTERN, WORDS_SCHEMA

__all__ = [
    "ACTORS_SCHEMA",
    "DEFAULT_DETECTOR",
    "DETECTORS",
    "HITS_SCHEMA",
    "KWIC_COLUMNS",
    "LABELS_SCHEMA",
    "MENTIONS_SCHEMA",
    "PAIRS_SCHEMA",
    "RHETORIC_SCHEMA",
    "TECHNIQUES",
    "VALIDATION_SCHEMAS",
    "WORDS_SCHEMA",
    "WORD_PATTERN",
    "Detector",
    "DetectorChoice",
    "ScoreBy",
]

#: Technique names of the Propaganda Techniques Corpus (SemEval-2020 Task 11), in its order.
TECHNIQUES: tuple[str, ...] = (
    "Loaded_Language",
    "Name_Calling,Labeling",
    "Repetition",
    "Doubt",
    "Exaggeration,Minimisation",
    "Appeal_to_fear-prejudice",
    "Flag-Waving",
    "Causal_Oversimplification",
    "Appeal_to_Authority",
    "Slogans",
    "Whataboutism,Straw_Men,Red_Herring",
    "Black-and-White_Fallacy",
    "Thought-terminating_Cliches",
    "Bandwagon,Reductio_ad_hitlerum",
)

#: How a family's cues are found: its lexicon terms, the scare-quote rule, or the span model only.
Detector = Literal["lexicon", "scare_quotes", "model"]
#: Which detectors find the cues of families with a PTC technique (``detector`` of
#: :func:`~analysis.metrics.rhetoric.rhetoric_hits`): the lexicon, the span model, or both.
DetectorChoice = Literal["lexicon", "model", "both"]
DETECTORS: tuple[DetectorChoice, ...] = ("lexicon", "model", "both")
#: The default ``detector``: the one whose ``ptc_validation`` rows have the best F1 averaged over
#: the techniques (README, "Cue families and propaganda techniques"; a test keeps this true).
DEFAULT_DETECTOR: DetectorChoice = "both"
ScoreBy = Literal["technique", "family", "term"]

#: Columns of the ``rhetoric_hits`` table, in order. Sorted by doc_id, start, end, family, term.
HITS_SCHEMA = pl.Schema(
    {
        "doc_id": pl.String(),
        "family": pl.String(),  # cue family (data/rhetoric.yaml)
        "technique": pl.String(),  # PTC technique of the family or cue; null where none fits
        "term": pl.String(),  # lexicon term or pattern; scare quotes: the quoted span with marks;
        # null for a hit the span model found alone
        "detector": pl.String(),  # lexicon (terms, patterns, scare quotes), model, or both
        "score": pl.Float64(),  # the span model's score of the hit; null where it did not find it
        "start": pl.Int64(),  # text[start:end] is the cue
        "end": pl.Int64(),
        "sentence_no": pl.Int64(),  # 1-based, over the body sentences of the document
        "snippet": pl.String(),  # at most analysis.text.evidence.SNIPPET_CHARS characters
    }
)

#: Columns of the ``rhetoric`` table. Sorted by doc_id, family.
RHETORIC_SCHEMA = pl.Schema(
    {
        "doc_id": pl.String(),
        "family": pl.String(),
        "count": pl.Int64(),  # rows of rhetoric_hits for this doc_id and family
        "per_1k_words": pl.Float64(),  # count per 1,000 words of the clean body; null without words
    }
)

#: Columns of the ``actor_mentions`` table. Sorted by doc_id, start, end.
MENTIONS_SCHEMA = pl.Schema(
    {
        "doc_id": pl.String(),
        "bloc": pl.String(),
        "actor": pl.String(),  # canonical actor (data/actors.yaml)
        "term": pl.String(),  # lexicon term or pattern
        "start": pl.Int64(),
        "end": pl.Int64(),
        "sentence_no": pl.Int64(),
        "snippet": pl.String(),
    }
)

#: Columns of the ``actors`` table (actors mentioned at least once). Sorted by doc_id, bloc, actor.
ACTORS_SCHEMA = pl.Schema(
    {
        "doc_id": pl.String(),
        "bloc": pl.String(),
        "actor": pl.String(),
        "count": pl.Int64(),
    }
)

#: Columns of the ``actor_pairs`` table (pairs named together at least once; bloc_a < bloc_b).
PAIRS_SCHEMA = pl.Schema(
    {
        "doc_id": pl.String(),
        "bloc_a": pl.String(),
        "bloc_b": pl.String(),
        "sentences": pl.Int64(),  # body sentences that name both blocs
    }
)

#: Columns :func:`kwic` adds to the hits (it drops ``snippet``).
KWIC_COLUMNS: dict[str, pl.DataType] = {
    "left": pl.String(),
    "match": pl.String(),
    "right": pl.String(),
}


_SCORE_STATS: dict[str, pl.DataType] = {
    "hits": pl.Int64(),  # hits of the detectors of this technique (family, term)
    "correct_hits": pl.Int64(),  # hits that overlap an annotated span of the technique
    "precision": pl.Float64(),  # correct_hits / hits; null without hits
    "annotated_spans": pl.Int64(),  # annotated spans of the technique
    "found_spans": pl.Int64(),  # annotated spans overlapped by at least one hit
    "recall": pl.Float64(),  # found_spans / annotated_spans
    "in_any_span": pl.Float64(),  # share of hits that overlap an annotated span of any technique
}

#: Columns of :func:`validate_ptc` / :func:`score_hits`, by ``by``.
VALIDATION_SCHEMAS: dict[str, pl.Schema] = {
    "technique": pl.Schema({"technique": pl.String(), **_SCORE_STATS}),
    "family": pl.Schema({"family": pl.String(), "technique": pl.String(), **_SCORE_STATS}),
    "term": pl.Schema(
        {"family": pl.String(), "term": pl.String(), "technique": pl.String(), **_SCORE_STATS}
    ),
}

#: Columns of the PTC labels (``labels.tsv``).
LABELS_SCHEMA = pl.Schema(
    {
        "article_id": pl.String(),
        "technique": pl.String(),
        "start": pl.Int64(),
        "end": pl.Int64(),
    }
)

_WORD = re.compile(WORD_PATTERN)
