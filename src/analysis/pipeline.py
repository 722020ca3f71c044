"""The corpus prepared for analysis: intake, outlets, boilerplate, clean bodies, provenance.

Every notebook starts here (:func:`prepare`) so each can run on its own (in JupyterLab, under
nbval, or by the runner) and all work from the same clean bodies.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from analysis.core import paths
from analysis.core.cache import DocumentCache, cache_root, digest
from analysis.corpus import intake as corpus
from analysis.provenance import boilerplate
from analysis.provenance import fields as provenance
from analysis.registry import STAGES

__all__ = [
    "STAGE_LOG",
    "Measures",
    "Prepared",
    "citations",
    "measures",
    "prepare",
    "quotes",
    "with_outlet",
]


@dataclass(frozen=True)
class Prepared:
    """A corpus ready for analysis.

    Attributes
    ----------
    frame
        Every input (:func:`analysis.corpus.intake.read_corpus`).
    docs
        The ``ok`` documents, with the outlet each belongs to (curated, or from signatures).
    segments, bodies
        Boilerplate separation (:mod:`analysis.provenance.boilerplate`).
    tables
        ``provenance``, ``provenance_evidence``, ``provenance_gaps``, ``provenance_conflicts``,
        ``curated_problems`` (:data:`analysis.provenance.fields.TABLES`).
    """

    frame: pl.DataFrame
    docs: pl.DataFrame
    segments: pl.DataFrame
    bodies: pl.DataFrame
    tables: dict[str, pl.DataFrame]

    @functools.cached_property
    def spans(self) -> dict[str, list[tuple[int, int]]]:
        """Body spans per doc_id: the ranges later analyses read (computed once)."""
        return boilerplate.body_spans(self.segments)


#: Tables notebook 01 writes that :func:`prepare` can take over within one run.
PREPARED_TABLES = ("segments", "bodies", *provenance.TABLES)


def prepare(
    corpus_path: str | os.PathLike[str] = paths.SEEDS,
    *,
    max_bytes: int = corpus.DEFAULT_MAX_BYTES,
    output_dir: str | os.PathLike[str] | None = None,
) -> Prepared:
    """Read ``corpus_path`` and run every preparation step on its ``ok`` documents.

    Within a run (``output_dir`` given), a later notebook takes over the segments, bodies and
    provenance tables that notebook 01 wrote, instead of computing them again, provided they
    cover exactly the documents read now.
    """
    frame = corpus.read_corpus(corpus_path, max_bytes=max_bytes)
    docs = corpus.ok_documents(frame)
    earlier = _written_tables(output_dir, docs)
    if earlier is not None:
        bodies, segments, *rest = (
            earlier[name] for name in ("bodies", "segments", *provenance.TABLES)
        )
        return Prepared(
            frame, docs, segments, bodies, dict(zip(provenance.TABLES, rest, strict=True))
        )
    outlets = provenance.detect_outlets(docs)
    segments = _segments(docs, outlets, output_dir)
    sidecar = provenance.read_sidecar(corpus.check_corpus(corpus_path))
    tables = provenance.extract_provenance(
        docs, segments, sidecar, inputs=frame, documents=_fields(docs, segments, output_dir)
    )
    bodies = boilerplate.bodies(docs, segments)
    return Prepared(frame, docs, segments, bodies, tables)


def _segments(
    docs: pl.DataFrame,
    outlets: dict[str, str | None],
    output_dir: str | os.PathLike[str] | None,
) -> pl.DataFrame:
    """:func:`analysis.provenance.boilerplate.segment_corpus`, cached per document.

    A document's labels read the rest of the corpus only through the lines of its outlet that
    recur in other documents: its key holds those it contains, with their counts
    (:func:`~analysis.provenance.boilerplate.recurring_in`), so a new document of the outlet
    recomputes exactly the documents whose recurring lines it changes.
    """
    texts = dict(zip(docs["doc_id"].to_list(), docs["text"].to_list(), strict=True))
    recurring = boilerplate.recurring_lines(texts, outlets)

    def key(row: dict[str, object]) -> tuple[object, ...]:
        outlet = outlets.get(str(row["doc_id"]))
        context = boilerplate.recurring_in(str(row["text"]), recurring.get(outlet))
        return (row["doc_id"], row["text"], outlet, context)

    return _per_document(
        "segments",
        docs,
        key,
        lambda part: boilerplate.segment_documents(part, outlets, recurring),
        output_dir,
    ).sort("doc_id", "start", "end")


def _fields(
    docs: pl.DataFrame, segments: pl.DataFrame, output_dir: str | os.PathLike[str] | None
) -> pl.DataFrame:
    """:func:`analysis.provenance.fields.document_rows`, cached per document: what each text
    says of its provenance, given its segments (curated values are merged afterwards)."""
    segs = provenance.segments_by_doc(segments)
    return _per_document(
        "provenance_fields",
        docs,
        lambda row: (row["doc_id"], row["text"], segs.get(str(row["doc_id"]), [])),
        lambda part: provenance.document_rows(part, segs),
        output_dir,
    )


def _written_tables(
    output_dir: str | os.PathLike[str] | None, docs: pl.DataFrame
) -> dict[str, pl.DataFrame] | None:
    if output_dir is None:
        return None
    folder = Path(output_dir) / "tables"
    files = {name: folder / f"{name}.parquet" for name in PREPARED_TABLES}
    if not all(f.is_file() for f in files.values()):
        return None
    tables = {name: pl.read_parquet(f) for name, f in files.items()}
    wanted = set(docs["doc_id"].to_list())
    if set(tables["bodies"]["doc_id"].to_list()) != wanted:
        return None
    return tables


#: Within a run, the file (in the run's temporary folder) where each cached stage's counts are
#: appended, one JSON line per call; the runner moves them into the manifest.
STAGE_LOG = ".stages.jsonl"

_CACHE: DocumentCache | None = None


def _cache() -> DocumentCache:
    global _CACHE
    root = cache_root()
    if _CACHE is None or _CACHE.root != root:
        _CACHE = DocumentCache(root)
    return _CACHE


def _per_document(
    stage: str,
    frame: pl.DataFrame,
    key: Callable[[dict[str, object]], Sequence[object]],
    compute: Callable[[pl.DataFrame], pl.DataFrame],
    output_dir: str | os.PathLike[str] | None,
) -> pl.DataFrame:
    """``compute(frame)``, one row of ``frame`` per document, taking stored documents' rows.

    ``key(row)`` gives what the document's rows depend on besides the stage's version. Rows come
    back in the order a single ``compute(frame)`` gives them before its final sort (by the
    document's position in ``frame``), so the caller's sort yields the same frame.
    """
    spec = STAGES[stage]
    version = spec.version
    keys = [digest(stage, *key(row)) for row in frame.iter_rows(named=True)]
    doc_key = dict(zip(frame["doc_id"].to_list(), keys, strict=True))
    cache = _cache()
    before = cache.counts.get(stage)
    cached0, computed0 = (before.cached, before.computed) if before else (0, 0)
    rows = cache.apply(
        stage,
        version,
        keys,
        lambda positions: compute(frame[positions]),
        lambda out: out["doc_id"].replace_strict(doc_key, return_dtype=pl.String),
    )
    count = cache.counts[stage]
    if output_dir is not None:
        line = {
            "stage": stage,
            "version": version,
            "cached": count.cached - cached0,
            "computed": count.computed - computed0,
        }
        with open(Path(output_dir) / STAGE_LOG, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(line) + "\n")
    position = {d: i for i, d in enumerate(frame["doc_id"].to_list())}
    order = rows["doc_id"].replace_strict(position, return_dtype=pl.Int64)
    return rows.with_columns(order.alias("_pos")).sort("_pos", maintain_order=True).drop("_pos")


def _spans_of(prepared: Prepared) -> Callable[[dict[str, object]], list[tuple[int, int]]]:
    spans = prepared.spans
    return lambda row: spans.get(str(row["doc_id"]), [])


def quotes(prepared: Prepared, output_dir: str | os.PathLike[str] | None = None) -> pl.DataFrame:
    """The ``quotes`` table: taken over from notebook 01 within a run, else computed (cached)."""
    from analysis.provenance.quotes import quotes_table

    if output_dir is not None:
        path = Path(output_dir) / "tables" / "quotes.parquet"
        if path.is_file():
            taken = pl.read_parquet(path)
            if set(taken["doc_id"].unique().to_list()) <= set(prepared.docs["doc_id"].to_list()):
                return taken
    spans = _spans_of(prepared)
    return _per_document(
        "quotes",
        prepared.docs,
        lambda row: (row["doc_id"], row["text"], spans(row)),
        lambda docs: quotes_table(docs, prepared.spans),
        output_dir,
    ).sort("doc_id", "start", "end", "kind")


def citations(
    prepared: Prepared,
    quotes: pl.DataFrame,
    output_dir: str | os.PathLike[str] | None = None,
) -> pl.DataFrame:
    """The ``citations`` table of the prepared documents (cached per document).

    ``quotes`` is the ``quotes`` table of the same documents (:func:`quotes`): a function of
    each document's text and body, so the key need not name it.
    """
    from analysis.provenance.citations import citations_table

    spans = _spans_of(prepared)
    return _per_document(
        "citations",
        prepared.docs,
        lambda row: (row["doc_id"], row["text"], spans(row)),
        lambda docs: citations_table(docs, prepared.spans, quotes=quotes),
        output_dir,
    ).sort("doc_id", "start", "end")


@dataclass(frozen=True)
class Measures:
    """Per-document measures of notebook 02, which notebook 03 compares across groups.

    Attributes
    ----------
    readability
        :func:`analysis.metrics.readability.textstat_readability` of the clean bodies.
    hits, counts
        ``rhetoric_hits`` and ``rhetoric`` (:mod:`analysis.metrics.rhetoric`).
    mentions
        ``actor_mentions``.
    words
        :func:`analysis.metrics.rhetoric.word_counts` of the clean bodies.
    """

    readability: pl.DataFrame
    hits: pl.DataFrame
    counts: pl.DataFrame
    mentions: pl.DataFrame
    words: pl.DataFrame


#: Tables notebook 02 writes that :func:`measures` can take over within one run.
MEASURE_TABLES = ("readability", "rhetoric_hits", "rhetoric", "actor_mentions")


def measures(
    prepared: Prepared,
    *,
    lexicon: str = "default",
    min_words: int = 100,
    output_dir: str | os.PathLike[str] | None = None,
) -> Measures:
    """Readability, rhetorical cues and actor mentions of every clean body.

    Within a run (``output_dir`` given) the tables notebook 02 wrote with the same parameters
    are taken over, provided ``readability`` covers exactly the documents prepared now;
    otherwise everything is computed here (about as long as notebook 02 itself).
    """
    from analysis.metrics import readability, rhetoric

    words = rhetoric.word_counts(prepared.bodies)
    if output_dir is not None:
        folder = Path(output_dir) / "tables"
        files = {name: folder / f"{name}.parquet" for name in MEASURE_TABLES}
        if all(f.is_file() for f in files.values()):
            taken = {name: pl.read_parquet(f) for name, f in files.items()}
            wanted = set(prepared.docs["doc_id"].to_list())
            if set(taken["readability"]["doc_id"].to_list()) == wanted:
                return Measures(
                    taken["readability"],
                    taken["rhetoric_hits"],
                    taken["rhetoric"],
                    taken["actor_mentions"],
                    words,
                )
    spans = _spans_of(prepared)
    found_quotes = quotes(prepared, output_dir)
    hits = _per_document(
        "rhetoric_hits",
        prepared.docs,
        lambda row: (row["doc_id"], row["text"], spans(row), lexicon),
        lambda docs: rhetoric.rhetoric_hits(
            docs, prepared.spans, quotes=found_quotes, lexicon=lexicon
        ),
        output_dir,
    ).sort("doc_id", "start", "end", "family", "term")
    scores = _per_document(
        "readability",
        prepared.bodies,
        lambda row: (row["doc_id"], row["body"], min_words),
        lambda bodies: readability.textstat_readability(bodies, min_words=min_words),
        output_dir,
    ).sort("doc_id")
    mentions = _per_document(
        "actor_mentions",
        prepared.docs,
        lambda row: (row["doc_id"], row["text"], spans(row), lexicon),
        lambda docs: rhetoric.actor_mentions(docs, prepared.spans, lexicon=lexicon),
        output_dir,
    ).sort("doc_id", "start", "end", "bloc", "actor")
    return Measures(  # sorted as notebook 02 writes them
        scores,
        hits.sort("doc_id", "start", "end", "family", "term", nulls_last=True),
        rhetoric.rhetoric_counts(hits, prepared.bodies, lexicon=lexicon).sort("doc_id", "family"),
        mentions.sort("doc_id", "start", maintain_order=True),
        words,
    )


def with_outlet(
    table: pl.DataFrame, prepared: Prepared, unknown: str = "(unknown outlet)"
) -> pl.DataFrame:
    """``table`` (keyed by ``doc_id``) with the document's ``source`` and ``outlet`` joined on."""
    meta = prepared.tables["provenance"].select(
        "doc_id", "source", pl.col("outlet").fill_null(unknown)
    )
    return table.join(meta, on="doc_id", how="left", maintain_order="left")
