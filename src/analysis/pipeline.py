"""The corpus prepared for analysis: intake, outlets, boilerplate, clean bodies, provenance.

Every notebook starts here (:func:`prepare`) so each can run on its own (in JupyterLab, under
nbval, or by the runner) and all work from the same clean bodies.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from analysis import boilerplate, corpus, paths, provenance


@dataclass(frozen=True)
class Prepared:
    """A corpus ready for analysis.

    Attributes
    ----------
    frame
        Every input (:func:`analysis.corpus.read_corpus`).
    docs
        The ``ok`` documents, with the outlet each belongs to (curated, or from signatures).
    segments, bodies
        Boilerplate separation (:mod:`analysis.boilerplate`).
    tables
        ``provenance``, ``provenance_evidence``, ``provenance_gaps``, ``provenance_conflicts``.
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
    tables = provenance.extract_provenance(docs, segments, sidecar)
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
    from analysis.quotes import quotes_table

    if output_dir is not None:
        path = Path(output_dir) / "tables" / "quotes.parquet"
        if path.is_file():
            taken = pl.read_parquet(path)
            if set(taken["doc_id"].unique().to_list()) <= set(prepared.docs["doc_id"].to_list()):
                return taken
    return quotes_table(prepared.docs, prepared.spans)


def with_outlet(
    table: pl.DataFrame, prepared: Prepared, unknown: str = "(unknown outlet)"
) -> pl.DataFrame:
    """``table`` (keyed by ``doc_id``) with the document's ``source`` and ``outlet`` joined on."""
    meta = prepared.tables["provenance"].select(
        "doc_id", "source", pl.col("outlet").fill_null(unknown)
    )
    return table.join(meta, on="doc_id", how="left", maintain_order="left")


__all__ = ["Prepared", "prepare", "quotes", "with_outlet"]
