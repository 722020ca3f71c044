"""Every table a run writes: its name, columns, the function that makes it and its notebook.

One declaration per table, read by :meth:`analysis.report.outputs.RunOutputs.table` (the sort
order when a notebook names none) and by the tests, which check that a run writes exactly these
tables with exactly these columns and that the README's table reference documents each one.
Functions and module schemas are named as ``"module:attribute"`` and imported only when asked
for, so reading the registry costs no import of the analysis stages.

>>> TABLES["similarity"].notebook, TABLES["similarity"].sort_by
('03_cross_outlet', ('level', 'a', 'b'))
>>> TABLES["similarity"].maker.__name__
'similarity_table'
>>> list(TABLES["groups"].schema)
['doc_id', 'group', 'source']
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl

__all__ = [
    "CORPUS_STEPS",
    "ON_DEMAND",
    "STAGES",
    "TABLES",
    "CorpusStep",
    "Stage",
    "Table",
    "by_notebook",
    "sort_keys",
]


def _function(owner: str, ref: str) -> Callable[..., Any]:
    """The function ``ref`` (``"module:function"``) names, for ``owner``'s messages."""
    found = _resolve(ref)
    if not callable(found):
        raise TypeError(f"{owner}: {ref} is not a function")
    return found


def _resolve(ref: str) -> Any:
    module, _, attribute = ref.partition(":")
    value: Any = importlib.import_module(module)
    for part in attribute.split("."):
        value = value[part] if isinstance(value, Mapping) else getattr(value, part)
    return value


@dataclass(frozen=True)
class Table:
    """One table of ``tables/``.

    Attributes
    ----------
    name
        File name without suffix (``tables/<name>.parquet``, and ``.csv`` for a small table:
        :data:`analysis.report.outputs.CSV_MAX_BYTES`).
    notebook
        The notebook that writes it.
    make
        ``"module:function"`` that computes it (for a function returning several tables, the
        one it is among).
    columns
        ``"module:SCHEMA"`` naming the schema the function casts to, or the columns themselves.
    sort_by
        The order rows are written in (ties keep the function's order).
    key_parameter
        For a table whose first column is named by a parameter (``cue_rates``: ``source`` or
        ``outlet``), that parameter; the column is not in ``columns``.
    """

    name: str
    notebook: str
    make: str
    columns: str | pl.Schema
    sort_by: tuple[str, ...]
    key_parameter: str | None = None

    @property
    def maker(self) -> Callable[..., Any]:
        """The function named by :attr:`make`."""
        return _function(self.name, self.make)

    @property
    def schema(self) -> pl.Schema:
        """The columns and types, resolved from :attr:`columns`."""
        found = self.columns if isinstance(self.columns, pl.Schema) else _resolve(self.columns)
        if not isinstance(found, pl.Schema):
            raise TypeError(f"{self.name}: {self.columns} is not a polars Schema")
        return found


_S = pl.String()
_I = pl.Int64()
_F = pl.Float64()

_DECLARED = (
    # 00_corpus
    Table(
        "documents",
        "00_corpus",
        "analysis.corpus.intake:documents",
        pl.Schema(
            {
                "doc_id": _S,
                "source": _S,
                "status": _S,
                "reason": _S,
                "duplicate_of": _S,
                "bytes": _I,
                "encoding": _S,
                "newline": _S,
                "n_chars": _I,
                "n_lines": _I,
                "input_id": _S,
                "outlet": _S,
                "title": _S,
                "date": _S,
                "url": _S,
                "authors": _S,
            }
        ),
        ("source",),
    ),
    Table(
        "intake_summary",
        "00_corpus",
        "analysis.corpus.intake:status_counts",
        pl.Schema({"status": _S, "inputs": _I, "bytes": _I}),
        ("status",),
    ),
    Table(
        "encodings",
        "00_corpus",
        "analysis.corpus.intake:encoding_counts",
        pl.Schema({"encoding": _S, "newline": _S, "inputs": _I, "bytes": _I}),
        ("encoding", "newline"),
    ),
    # 01_provenance
    Table(
        "segments",
        "01_provenance",
        "analysis.provenance.boilerplate:segment_corpus",
        "analysis.provenance.boilerplate:SEGMENTS_SCHEMA",
        ("doc_id", "start"),
    ),
    Table(
        "bodies",
        "01_provenance",
        "analysis.provenance.boilerplate:bodies",
        "analysis.provenance.boilerplate:BODIES_SCHEMA",
        ("doc_id",),
    ),
    Table(
        "boilerplate_reasons",
        "01_provenance",
        "analysis.provenance.boilerplate:reason_counts",
        pl.Schema({"reason": _S, "segments": _I, "documents": _I, "chars": _I}),
        ("reason",),
    ),
    *(
        Table(
            name,
            "01_provenance",
            "analysis.provenance.fields:extract_provenance",
            f"analysis.provenance.fields:{schema}",
            keys,
        )
        for name, schema, keys in (
            ("provenance", "PROVENANCE_SCHEMA", ("doc_id",)),
            ("provenance_evidence", "EVIDENCE_SCHEMA", ("doc_id",)),
            ("provenance_gaps", "GAPS_SCHEMA", ("doc_id",)),
            ("provenance_conflicts", "CONFLICTS_SCHEMA", ("doc_id",)),
            (
                "curated_problems",
                "CURATED_PROBLEMS_SCHEMA",
                ("file", "row", "column", "value", "reason"),
            ),
        )
    ),
    Table(
        "quotes",
        "01_provenance",
        "analysis.provenance.quotes:quotes_table",
        "analysis.provenance.quotes:QUOTES_SCHEMA",
        ("doc_id", "start"),
    ),
    Table(
        "citations",
        "01_provenance",
        "analysis.provenance.citations:citations_table",
        "analysis.provenance.citations:CITATIONS_SCHEMA",
        ("doc_id", "start"),
    ),
    Table(
        "reuse",
        "01_provenance",
        "analysis.provenance.reuse:find_shared_passages",
        "analysis.provenance.reuse:REUSE_SCHEMA",
        ("doc_a", "doc_b", "start_a", "start_b"),
    ),
    Table(
        "reuse_clusters",
        "01_provenance",
        "analysis.provenance.reuse:find_shared_passages",
        "analysis.provenance.reuse:CLUSTERS_SCHEMA",
        ("cluster", "doc_id", "start"),
    ),
    # 02_rhetoric_readability
    Table(
        "readability",
        "02_rhetoric_readability",
        "analysis.metrics.readability:textstat_readability",
        "analysis.metrics.readability:READABILITY_SCHEMA",
        ("doc_id",),
    ),
    Table(
        "readability_by_outlet",
        "02_rhetoric_readability",
        "analysis.metrics.summaries:readability_by_outlet",
        pl.Schema({"outlet": _S, "metric": _S, "n_docs": _I, "median": _F, "mean": _F}),
        ("outlet", "metric"),
    ),
    Table(
        "rhetoric_hits",
        "02_rhetoric_readability",
        "analysis.metrics.rhetoric:rhetoric_hits",
        "analysis.metrics.rhetoric:HITS_SCHEMA",
        ("doc_id", "start", "end", "family", "term"),
    ),
    Table(
        "rhetoric",
        "02_rhetoric_readability",
        "analysis.metrics.rhetoric:rhetoric_counts",
        "analysis.metrics.rhetoric:RHETORIC_SCHEMA",
        ("doc_id", "family"),
    ),
    Table(
        "cue_rates",
        "02_rhetoric_readability",
        "analysis.metrics.summaries:cue_rates",
        pl.Schema({"family": _S, "n_docs": _I, "words": _I, "count": _I, "per_1k_words": _F}),
        ("family",),
        key_parameter="rates_by",
    ),
    Table(
        "actor_mentions",
        "02_rhetoric_readability",
        "analysis.metrics.rhetoric:actor_mentions",
        "analysis.metrics.rhetoric:MENTIONS_SCHEMA",
        ("doc_id", "start"),
    ),
    Table(
        "actors",
        "02_rhetoric_readability",
        "analysis.metrics.rhetoric:actor_counts",
        "analysis.metrics.rhetoric:ACTORS_SCHEMA",
        ("doc_id", "bloc", "actor"),
    ),
    Table(
        "actor_pairs",
        "02_rhetoric_readability",
        "analysis.metrics.rhetoric:actor_pairs",
        "analysis.metrics.rhetoric:PAIRS_SCHEMA",
        ("doc_id", "bloc_a", "bloc_b"),
    ),
    Table(
        "actor_pair_totals",
        "02_rhetoric_readability",
        "analysis.metrics.summaries:bloc_pair_totals",
        pl.Schema({"bloc_a": _S, "bloc_b": _S, "sentences": _I, "documents": _I}),
        ("bloc_a", "bloc_b"),
    ),
    Table(
        "ptc_validation",
        "02_rhetoric_readability",
        "analysis.metrics.rhetoric:ptc_validation",
        "analysis.metrics.rhetoric:PTC_VALIDATION_SCHEMA",
        ("detector", "evaluation", "technique"),
    ),
    Table(
        "technique_sentences",
        "02_rhetoric_readability",
        "analysis.metrics.rhetoric:technique_sentences",
        "analysis.metrics.rhetoric:SENTENCES_SCHEMA",
        ("doc_id", "sentence_no"),
    ),
    Table(
        "sentence_share",
        "02_rhetoric_readability",
        "analysis.metrics.rhetoric:sentence_share",
        "analysis.metrics.rhetoric:SHARE_SCHEMA",
        (),
        key_parameter="rates_by",
    ),
    Table(
        "ptc_sentence_validation",
        "02_rhetoric_readability",
        "analysis.metrics.rhetoric:ptc_sentence_validation",
        "analysis.metrics.rhetoric:SENTENCE_VALIDATION_SCHEMA",
        ("evaluation",),
    ),
    # 03_cross_outlet
    Table(
        "groups",
        "03_cross_outlet",
        "analysis.compare.groups:grouping",
        pl.Schema({"doc_id": _S, "group": _S, "source": _S}),
        ("doc_id",),
    ),
    Table(
        "group_metrics",
        "03_cross_outlet",
        "analysis.compare.group_metrics:group_metrics",
        "analysis.compare.group_metrics:GROUP_METRICS_SCHEMA",
        ("group", "metric"),
    ),
    Table(
        "keyness",
        "03_cross_outlet",
        "analysis.compare.keyness:group_keyness",
        "analysis.compare.keyness:KEYNESS_SCHEMA",
        ("group", "term"),
    ),
    Table(
        "similarity",
        "03_cross_outlet",
        "analysis.compare.similarity:similarity_table",
        "analysis.compare.similarity:SIMILARITY_SCHEMA",
        ("level", "a", "b"),
    ),
    Table(
        "shared_phrases",
        "03_cross_outlet",
        "analysis.compare.phrases:shared_phrases",
        "analysis.compare.phrases:SHARED_PHRASES_SCHEMA",
        ("rank",),
    ),
    Table(
        "shared_phrase_hits",
        "03_cross_outlet",
        "analysis.compare.phrases:shared_phrase_hits",
        "analysis.compare.phrases:OCCURRENCES_SCHEMA",
        ("doc_id", "start", "phrase"),
    ),
    Table(
        "actor_framing",
        "03_cross_outlet",
        "analysis.compare.framing:actor_framing",
        "analysis.compare.framing:ACTOR_FRAMING_SCHEMA",
        ("group", "bloc", "family"),
    ),
    Table(
        "actor_framing_hits",
        "03_cross_outlet",
        "analysis.compare.framing:framing_hits",
        "analysis.compare.framing:FRAMING_HITS_SCHEMA",
        ("doc_id", "start", "bloc", "family", "term"),
    ),
)

#: Every table, by name, in the order the notebooks write them.
TABLES: dict[str, Table] = {t.name: t for t in _DECLARED}


def by_notebook(notebook: str) -> list[Table]:
    """The tables a notebook writes (its file name without ``.ipynb``), in writing order.

    >>> [t.name for t in by_notebook("00_corpus")]
    ['documents', 'intake_summary', 'encodings']
    """
    return [t for t in TABLES.values() if t.notebook == notebook]


def sort_keys(name: str) -> tuple[str, ...]:
    """How a registered table is sorted before it is written.

    >>> sort_keys("quotes")
    ('doc_id', 'start')
    >>> sort_keys("my_table")
    Traceback (most recent call last):
    ...
    KeyError: "no table 'my_table' in analysis.registry.TABLES: pass sort_by= for a new table"
    """
    try:
        return TABLES[name].sort_by
    except KeyError:
        raise KeyError(
            f"no table {name!r} in analysis.registry.TABLES: pass sort_by= for a new table"
        ) from None


@dataclass(frozen=True)
class Stage:
    """A per-document step whose rows are cached (:class:`analysis.core.cache.DocumentCache`).

    Attributes
    ----------
    name
        The cache folder's name.
    table
        The table of :data:`TABLES` it makes rows of.
    compute
        ``"module:function"``: ``function(docs, **context)`` gives the rows of the documents in
        ``docs`` (any subset of the corpus gives the same rows for its documents), with the
        context those documents need (:mod:`analysis.pipeline` cuts it per batch).
    modules
        Where else its code lives; its version covers their import closure and that of
        ``compute``'s module (:func:`analysis.core.versions.stage_version`).
    key
        What a document's key covers (besides the stage and its version): after ``segments``,
        the digest of its text and its layout (:func:`analysis.pipeline.layout`: its segments,
        hence its spans and body) with the parameters that change its rows.
    data
        Patterns of data files it reads under names built at run time (``rhetoric*.yaml``);
        files named by a string in its code are found without being listed.
    """

    name: str
    table: str
    compute: str
    modules: tuple[str, ...]
    key: tuple[str, ...]
    data: tuple[str, ...] = ()

    @property
    def code(self) -> tuple[str, ...]:
        """The modules its version derives from: ``modules`` and ``compute``'s module."""
        return tuple(sorted({*self.modules, self.compute.partition(":")[0]}))

    @property
    def version(self) -> str:
        """16 hex digits that change exactly when the code, data or packages it reaches do."""
        return _version(self.code, self.data)


def _version(code: tuple[str, ...], data: tuple[str, ...]) -> str:
    from analysis.core.versions import stage_version

    return stage_version(code, data)


_RHETORIC = ("rhetoric*.yaml", "actors*.yaml")

#: The cached per-document stages, by name, in an order that computes each after the stages
#: whose tables it reads (citations and rhetoric hits read quotes).
STAGES: dict[str, Stage] = {
    s.name: s
    for s in (
        Stage(
            "segments",
            "segments",
            "analysis.provenance.boilerplate:label_documents",
            ("analysis.provenance.boilerplate",),
            ("doc_id", "text", "outlet", "the outlet's recurring lines in the text"),
        ),
        Stage(
            "provenance_fields",
            "provenance",
            "analysis.provenance.fields._tables:document_rows",
            ("analysis.provenance.fields._extract",),
            ("doc_id", "text digest", "layout"),
        ),
        Stage(
            "quotes",
            "quotes",
            "analysis.provenance.quotes._table:quotes_table",
            ("analysis.provenance.quotes",),
            ("doc_id", "text digest", "layout"),
        ),
        Stage(
            "citations",
            "citations",
            "analysis.provenance.citations:citations_table",
            ("analysis.provenance.citations",),
            ("doc_id", "text digest", "layout"),
        ),
        Stage(
            "readability",
            "readability",
            "analysis.metrics.readability:textstat_readability",
            ("analysis.metrics.readability",),
            ("doc_id", "text digest", "layout", "min_words"),
        ),
        Stage(
            "rhetoric_hits",
            "rhetoric_hits",
            "analysis.metrics.rhetoric._cues:rhetoric_hits",
            ("analysis.metrics.rhetoric",),
            ("doc_id", "text digest", "layout", "lexicon", "detector"),
            _RHETORIC,
        ),
        Stage(
            "actor_mentions",
            "actor_mentions",
            "analysis.metrics.rhetoric._actors:actor_mentions",
            ("analysis.metrics.rhetoric",),
            ("doc_id", "text digest", "layout", "lexicon"),
            _RHETORIC,
        ),
        Stage(
            "technique_sentences",
            "technique_sentences",
            "analysis.metrics.rhetoric._sentmodel:technique_sentences",
            (),
            ("doc_id", "text digest", "layout"),
        ),
        Stage(
            "document_terms",
            "similarity",
            "analysis.compare.similarity:document_terms",
            (),
            ("doc_id", "text digest", "layout"),
        ),
        Stage(
            "words",
            "rhetoric",
            "analysis.text.words:word_counts",
            (),
            ("doc_id", "text digest", "layout"),
        ),
    )
}


#: Per-document stages the runner does not build: each is cached like the stages of
#: :data:`STAGES`, for the documents a notebook asks (``Study.sentences(doc_ids)``).
ON_DEMAND: dict[str, Stage] = {
    s.name: s
    for s in (
        Stage(
            "sentences",
            "group_metrics",
            "analysis.compare.group_metrics:sentence_table",
            (),
            ("doc_id", "text digest", "layout"),
        ),
    )
}


@dataclass(frozen=True)
class CorpusStep:
    """A corpus-level step: one result from whole tables, cached under a digest of them.

    Attributes
    ----------
    name
        The cache folder's name.
    tables
        The tables of :data:`TABLES` it makes (or helps make).
    compute
        ``"module:function"``; its result is a frame or a named tuple of frames.
    reads
        What it reads: per-document tables of :data:`STAGES` and others (documentation; the
        key covers every argument it is called with, :func:`analysis.core.cache.fingerprint`).
    data
        Patterns of data files it reads under names built at run time.
    by_group
        The parameter holding a ``doc_id``, ``group`` frame when each group's rows of the result
        depend only on that group's documents: the step is then computed and cached group by
        group (every frame argument with a ``doc_id`` column cut to the group's documents), so
        new documents in one group leave the others' results in the cache.
    """

    name: str
    tables: tuple[str, ...]
    compute: str
    reads: tuple[str, ...]
    data: tuple[str, ...] = ()
    by_group: str | None = None

    @property
    def function(self) -> Callable[..., Any]:
        """The function named by :attr:`compute`."""
        return _function(self.name, self.compute)

    @property
    def code(self) -> tuple[str, ...]:
        """The module its version derives from: ``compute``'s."""
        return (self.compute.partition(":")[0],)

    @property
    def version(self) -> str:
        """16 hex digits that change exactly when the code, data or packages it reaches do."""
        return _version(self.code, self.data)


#: The cached corpus-level steps, by name. A step's key is a digest of the tables and values it
#: is called with, so a change in any document's rows, or a parameter, computes it again.
CORPUS_STEPS: dict[str, CorpusStep] = {
    s.name: s
    for s in (
        CorpusStep(
            "recurring_lines",
            ("segments",),
            "analysis.provenance.boilerplate:recurring_index",
            ("documents", "their outlets"),
        ),
        CorpusStep(
            "reuse",
            ("reuse", "reuse_clusters"),
            "analysis.provenance.reuse._find:find_shared_passages",
            ("documents", "min_words", "max_pairs_docs"),
        ),
        CorpusStep(
            "group_metrics",
            ("group_metrics",),
            "analysis.compare.group_metrics:group_metrics",
            ("readability", "rhetoric", "words", "sentences", "rhetoric_hits", "groups"),
            by_group="groups",
        ),
        CorpusStep(
            "keyness",
            ("keyness",),
            "analysis.compare.keyness:group_keyness",
            ("bodies", "groups"),
        ),
        CorpusStep(
            "similarity",
            ("similarity",),
            "analysis.compare.similarity:similarity_table",
            ("bodies", "groups", "top_k"),
        ),
        CorpusStep(
            "shared_phrases",
            ("shared_phrases",),
            "analysis.compare.phrases:shared_phrases",
            ("documents", "spans", "groups"),
        ),
        CorpusStep(
            "shared_phrase_hits",
            ("shared_phrase_hits",),
            "analysis.compare.phrases:shared_phrase_hits",
            ("documents", "spans", "shared_phrases"),
        ),
        CorpusStep(
            "ptc_validation",
            ("ptc_validation",),
            "analysis.metrics.rhetoric._validation:ptc_validation",
            ("the PTC articles, their spans and labels", "lexicon", "the span model"),
            data=_RHETORIC,
        ),
        CorpusStep(
            "ptc_sentence_validation",
            ("ptc_sentence_validation",),
            "analysis.metrics.rhetoric._validation:ptc_sentence_validation",
            ("the PTC articles, their lines and labels", "the span model"),
        ),
        CorpusStep(
            "actor_framing",
            ("actor_framing",),
            "analysis.compare.framing:actor_framing",
            ("actor_mentions", "rhetoric_hits", "groups", "families"),
        ),
        CorpusStep(
            "framing_hits",
            ("actor_framing_hits",),
            "analysis.compare.framing:framing_hits",
            ("actor_mentions", "rhetoric_hits"),
        ),
    )
}
