"""Rhetoric cues and actor references, every count backed by its hits in context.

Tables
    ``rhetoric_hits`` (:func:`rhetoric_hits`): one row per cue found in a document's body, with
    ``doc_id``, the cue ``family``, the Propaganda Techniques Corpus ``technique`` the family stands
    for (null where none fits), the lexicon ``term`` (or pattern) that matched, the ``detector``
    that found it (``lexicon``, ``model``: the span model alone, ``both``) and the span model's
    ``score``, ``start``/``end`` (character offsets into the original text: ``text[start:end]``
    is the cue), the body ``sentence_no`` and a ``snippet``
    (:func:`analysis.text.evidence.snippet`). The ``detector`` parameter chooses who finds the
    cues of the families that count the span model's hits (default ``both``); scare quotes,
    certainty, hedges, delegitimizing and the families of techniques the model finds too rarely
    right (:data:`MIN_MODEL_PRECISION`) are always the lexicon's.

    ``rhetoric`` (:func:`rhetoric_counts`): ``count`` and ``per_1k_words`` (words of the clean
    body) for every family and every document, zeros included; each count is exactly the number
    of ``rhetoric_hits`` rows of that document and family.

    ``actor_mentions`` (:func:`actor_mentions`): one row per reference to an actor, with its
    ``bloc``; ``actors`` (:func:`actor_counts`) counts them per document, bloc and actor;
    ``actor_pairs`` (:func:`actor_pairs`) counts the sentences of a document that name two blocs.

    ``kwic`` (:func:`kwic`): hits as keyword-in-context lines (``left``, ``match``, ``right``) of
    plain text for reading in notebooks.

Lexicons
    ``data/rhetoric.yaml`` (cue families and their cues) and ``data/actors.yaml`` (actor
    references and blocs), loaded by :func:`load_lexicon`; researchers edit them without touching
    code, and their ``version`` is part of the method. Cue terms match case-insensitively on word
    boundaries, actor references case-sensitively; a term may end its words in ``*``; a ``pattern``
    is a regular expression. The terms of one family are compiled into one regular expression (a
    trie), so at a position the longest term wins (patterns are tried after the terms) and the hits
    of a family never overlap; families are matched independently, so one stretch of text can be
    a hit of two families.

Scare quotes
    A quoted span (quote marks paired by :func:`analysis.text.quotemarks.pair_quotes`, which copes
    with machine-translation damage) is a scare quote when it is closed, has at most ``max_words``
    words (``data/rhetoric.yaml``), is no name or mentioned word (the word before the opening mark
    is not one of ``name_words``: *the party “Auyl”*, *the term “X”*), and is not attributed speech:
    not a row of the ``quotes`` table (:func:`analysis.provenance.quotes.quotes_table`) with a
    speaker, and not inside a reported-speech row with a speaker (*X explained that Kazakhstan
    avoids “sitting on two chairs”* quotes X's words in part). Quotes inside an attributed direct
    quote still count: a scare quote of the quoted author (the block quote of a Telegram post). The
    hit covers the marks: its ``term`` is ``text[start:end]`` (``«liberal»``).

Sentences
    Each body span is split by :func:`analysis.text.sentences.sentences` (a regex splitter that
    knows abbreviations and initials and never splits inside a quoted segment); sentences are
    numbered from 1 in text order over all body spans of a document. A span is never merged with the
    next, so a heading is a sentence of its own. The splitter is deterministic and keeps offsets.

Span model
    :func:`model_hits`: a learned detector of the PTC techniques (one token-level logistic
    regression per technique over word, context and repetition features, no lexicon terms),
    shipped as text in ``data/span_model.json`` with its card ``data/span_model.md`` and rebuilt
    bit for bit by :mod:`analysis.metrics.rhetoric.spantrain` (``nox -s train_spans``).

Sentence view
    ``technique_sentences`` (:func:`technique_sentences`): every body sentence with the score of
    a two-stage model (its words; its neighbours, its document and the span model's token
    scores) for holding any PTC technique, and ``flagged``; :func:`sentence_share` pools the
    share of flagged sentences per document or group. Validated on PTC lines
    (:func:`ptc_sentence_validation`).

Validation
    :func:`ptc_validation` (the ``ptc_validation`` table) scores both detectors against the
    Propaganda Techniques Corpus per technique with two span measures, overlap and SemEval-2020's
    character level, and article-bootstrap intervals (:func:`span_scores`). The lexicons were
    tuned on the same 232 articles, so their figures are in-sample: an upper bound for English
    news, not an estimate for other corpora. The span model's ``cross-validated`` rows are from
    article-grouped folds: each article scored by weights that never saw it (thresholds chosen on
    the other folds' out-of-fold scores).
"""

from __future__ import annotations

from analysis.metrics.rhetoric._actors import actor_counts, actor_mentions, actor_pairs
from analysis.metrics.rhetoric._cues import (
    MIN_MODEL_PRECISION,
    combine_hits,
    counted_techniques,
    rhetoric_counts,
    rhetoric_hits,
    sentence_spans,
    word_counts,
)
from analysis.metrics.rhetoric._kwic import filter_hits, kwic, plain
from analysis.metrics.rhetoric._lexicon import (
    Cue,
    Family,
    Lexicon,
    ScareQuoteSettings,
    load_lexicon,
    term_regex,
)
from analysis.metrics.rhetoric._schema import (
    ACTORS_SCHEMA,
    DEFAULT_DETECTOR,
    DETECTORS,
    HITS_SCHEMA,
    KWIC_COLUMNS,
    LABELS_SCHEMA,
    MENTIONS_SCHEMA,
    PAIRS_SCHEMA,
    RHETORIC_SCHEMA,
    TECHNIQUES,
    VALIDATION_SCHEMAS,
    WORD_PATTERN,
    WORDS_SCHEMA,
    Detector,
    DetectorChoice,
    ScoreBy,
)
from analysis.metrics.rhetoric._sentmodel import (
    SENTENCES_SCHEMA,
    SHARE_SCHEMA,
    sentence_share,
    technique_sentences,
)
from analysis.metrics.rhetoric._spanmodel import (
    MODEL_HITS_SCHEMA,
    SpanModel,
    load_span_model,
    model_hits,
)
from analysis.metrics.rhetoric._validation import (
    PTC_VALIDATION_SCHEMA,
    SENTENCE_VALIDATION_SCHEMA,
    SPAN_SCORES_SCHEMA,
    ptc_scores,
    ptc_sentence_validation,
    ptc_validation,
    read_ptc,
    score_hits,
    span_scores,
    validate_ptc,
)

__all__ = [
    "ACTORS_SCHEMA",
    "DEFAULT_DETECTOR",
    "DETECTORS",
    "HITS_SCHEMA",
    "KWIC_COLUMNS",
    "LABELS_SCHEMA",
    "MENTIONS_SCHEMA",
    "MIN_MODEL_PRECISION",
    "MODEL_HITS_SCHEMA",
    "PAIRS_SCHEMA",
    "PTC_VALIDATION_SCHEMA",
    "RHETORIC_SCHEMA",
    "SENTENCES_SCHEMA",
    "SENTENCE_VALIDATION_SCHEMA",
    "SHARE_SCHEMA",
    "SPAN_SCORES_SCHEMA",
    "TECHNIQUES",
    "VALIDATION_SCHEMAS",
    "WORDS_SCHEMA",
    "WORD_PATTERN",
    "Cue",
    "Detector",
    "DetectorChoice",
    "Family",
    "Lexicon",
    "ScareQuoteSettings",
    "ScoreBy",
    "SpanModel",
    "actor_counts",
    "actor_mentions",
    "actor_pairs",
    "combine_hits",
    "counted_techniques",
    "filter_hits",
    "kwic",
    "load_lexicon",
    "load_span_model",
    "model_hits",
    "plain",
    "ptc_scores",
    "ptc_sentence_validation",
    "ptc_validation",
    "read_ptc",
    "rhetoric_counts",
    "rhetoric_hits",
    "score_hits",
    "sentence_share",
    "sentence_spans",
    "span_scores",
    "technique_sentences",
    "term_regex",
    "validate_ptc",
    "word_counts",
]
