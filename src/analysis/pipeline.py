"""The corpus prepared for analysis: intake, outlets, boilerplate, clean bodies, provenance.

Every notebook starts here (:func:`prepare`) so each can run on its own (in JupyterLab, under
nbval, or by the runner) and all work from the same clean bodies.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from analysis.core import paths
from analysis.corpus import intake as corpus
from analysis.provenance import boilerplate
from analysis.provenance import fields as provenance

__all__ = [
    "Measures",
    "Prepared",
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

    @property
    def spans(self) -> dict[str, list[tuple[int, int]]]:
        """Body spans per doc_id: the ranges later analyses read."""
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
    segments = boilerplate.segment_corpus(docs, outlets)
    sidecar = provenance.read_sidecar(corpus.check_corpus(corpus_path))
    tables = provenance.extract_provenance(docs, segments, sidecar, inputs=frame)
    bodies = boilerplate.bodies(docs, segments)
    return Prepared(frame, docs, segments, bodies, tables)


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


def quotes(prepared: Prepared, output_dir: str | os.PathLike[str] | None = None) -> pl.DataFrame:
    """The ``quotes`` table: taken over from notebook 01 within a run, else computed."""
    from analysis.provenance.quotes import quotes_table

    if output_dir is not None:
        path = Path(output_dir) / "tables" / "quotes.parquet"
        if path.is_file():
            taken = pl.read_parquet(path)
            if set(taken["doc_id"].unique().to_list()) <= set(prepared.docs["doc_id"].to_list()):
                return taken
    return quotes_table(prepared.docs, prepared.spans)


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
    hits = rhetoric.rhetoric_hits(
        prepared.docs, prepared.spans, quotes=quotes(prepared, output_dir), lexicon=lexicon
    )
    return Measures(  # sorted as notebook 02 writes them
        readability.textstat_readability(prepared.bodies, min_words=min_words).sort("doc_id"),
        hits.sort("doc_id", "start", "end", "family", "term", nulls_last=True),
        rhetoric.rhetoric_counts(hits, prepared.bodies, lexicon=lexicon).sort("doc_id", "family"),
        rhetoric.actor_mentions(prepared.docs, prepared.spans, lexicon=lexicon).sort(
            "doc_id", "start", maintain_order=True
        ),
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
