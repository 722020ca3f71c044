"""A corpus opened for analysis: every table the notebooks read, built lazily, cached per document.

Every notebook starts with :func:`open_study` and reads its tables as attributes
(``study.segments``, ``study.quotes``, ``study.readability`` ...). Nothing is computed until a
table is asked for, and each per-document table comes from its stage in
:data:`analysis.registry.STAGES`: rows stored in the cache (:mod:`analysis.core.cache`) under
the stage's version and each document's key are read, and only the documents the cache lacks
are computed, in batches, here or on Dask workers (:class:`analysis.core.workers.Workers`). So
no notebook recomputes another's work: the runner builds every stage once before the notebooks
run (:meth:`Study.build`), and a notebook opened in JupyterLab on a corpus already built reads
its tables from the cache in seconds. The stages of :data:`analysis.registry.ON_DEMAND` are
cached the same way but computed for the documents a notebook asks (:meth:`Study.sentences`).

Whatever the workers, their number or the cache's state, the tables are the same, row for row:
each stage gives any subset of the corpus the same rows for its documents, and rows are put back
in the order one computation over the whole corpus gives them.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import inspect
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, cast

import polars as pl

from analysis.compare.groups import checked
from analysis.core import memory, paths
from analysis.core.cache import (
    KEY,
    DocumentCache,
    cache_root,
    digest,
    fingerprint,
    load_result,
    store_result,
)
from analysis.core.workers import Progress, Workers, batches, mismatch, resolve
from analysis.corpus import intake as corpus
from analysis.provenance import boilerplate
from analysis.provenance import fields as provenance
from analysis.registry import CORPUS_STEPS, ON_DEMAND, STAGES

if TYPE_CHECKING:
    from analysis.metrics.rhetoric import DetectorChoice

__all__ = [
    "PROGRESS_FROM",
    "StageRun",
    "Study",
    "open_study",
    "with_outlet",
]

#: A stage shows a progress bar when it computes at least this many documents.
PROGRESS_FROM = 100


#: The per-document stages after ``segments``, in the order :meth:`Study.build` computes them
#: in one process (those reading quotes after quotes).
_AFTER_SEGMENTS = (
    "provenance_fields",
    "quotes",
    "citations",
    "readability",
    "rhetoric_hits",
    "actor_mentions",
    "technique_sentences",
    "document_terms",
    "words",
)

#: Each document's key (:meth:`Study._stage`): what its rows depend on besides the version.
KeyOf = Callable[[dict[str, Any]], Sequence[object]]
#: A batch's context (:meth:`Study._stage`): what the stage needs besides the documents' rows.
ContextOf = Callable[[Sequence[str]], dict[str, Any]]


def _by_group(
    function: Callable[..., Any], parameter: str, args: Sequence[Any], kwargs: Mapping[str, Any]
) -> list[tuple[str, inspect.BoundArguments]]:
    """The call ``function(*args, **kwargs)`` cut into one call per group of the ``doc_id``,
    ``group`` frame passed as ``parameter``, in the order of the group names: every frame
    argument with a ``doc_id`` column keeps the rows of that group's documents (documents
    without a group are left out). Empty when no document has a group."""
    bound = inspect.signature(function).bind(*args, **kwargs)
    bound.apply_defaults()
    groups = checked(bound.arguments[parameter], function.__name__)
    members = groups.rename({"group": "_group"})
    cut: dict[str, tuple[dict[Any, pl.DataFrame], pl.DataFrame]] = {}
    for arg, value in bound.arguments.items():
        if isinstance(value, pl.DataFrame) and "doc_id" in value.columns:
            tagged = value.join(members, on="doc_id", how="inner", maintain_order="left")
            parts = tagged.partition_by("_group", as_dict=True, include_key=False)
            cut[arg] = ({k[0]: v for k, v in parts.items()}, value.clear())
    calls = []
    for name in sorted(set(members["_group"].to_list())):
        call = copy.copy(bound)
        call.arguments = dict(bound.arguments)
        for arg, (parts, empty) in cut.items():
            call.arguments[arg] = parts.get(name, empty)
        calls.append((name, call))
    return calls


@dataclass
class StageRun:
    """What one stage did for a study: its version, documents taken from the cache and
    computed, and seconds spent (keys, lookup, computation and storing)."""

    version: str
    cached: int = 0
    computed: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "cached": self.cached,
            "computed": self.computed,
            "seconds": round(self.seconds, 2),
        }


_CACHE: DocumentCache | None = None


def _cache() -> DocumentCache:
    global _CACHE
    root = cache_root()
    if _CACHE is None or _CACHE.root != root:
        _CACHE = DocumentCache(root)
    return _CACHE


def _only(mapping: Mapping[Any, Any], ids: Iterable[Any]) -> dict[Any, Any]:
    return {i: mapping[i] for i in ids if i in mapping}


def _rows_of(table: pl.DataFrame, ids: Sequence[str]) -> pl.DataFrame:
    return table.filter(pl.col("doc_id").is_in(pl.Series(list(ids), dtype=pl.String).implode()))


class _Source(Protocol):
    """What the stages after ``segments`` read: a :class:`Study` (the whole corpus), or a
    :class:`_Batch` (a worker's batch, :func:`_chain`). A document's key needs its
    :func:`layout` and its text's digest only; the segments, spans, quotes and bodies a stage
    reads are asked for the documents it computes."""

    lexicon: str
    detector: DetectorChoice
    min_words: int

    @property
    def docs(self) -> pl.DataFrame: ...
    @property
    def layouts(self) -> Mapping[str, str]: ...
    @property
    def text_digests(self) -> Mapping[str, str]: ...
    def segs_of(self, ids: Sequence[str]) -> dict[str, provenance.Segs]: ...
    def quotes_of(self, ids: Sequence[str]) -> pl.DataFrame: ...


#: The cache folder of each document's :func:`layout`, stored under its ``segments`` key
#: (:func:`layout_version`) by whoever computed its segments, with its body spans and its
#: boilerplate characters (what the ``spans`` and ``bodies`` of a corpus read of its segments).
LAYOUTS = "layouts"
_LAYOUT_ROWS = pl.Schema(
    {
        "doc_id": pl.String(),
        "layout": pl.String(),
        "starts": pl.List(pl.Int64()),  # the body spans
        "ends": pl.List(pl.Int64()),
        "boilerplate_chars": pl.Int64(),
    }
)


def layout(segs: provenance.Segs) -> str:
    """The digest of a document's segments (range, label and reason of every line, which give
    its body spans and its body): all the stages after ``segments`` read of them, so their keys
    hold this digest instead of the segments.

    >>> layout([(0, 5, "body", "classifier")]) == layout([(0, 5, "body", "classifier")])
    True
    >>> layout([(0, 5, "body", "classifier")]) == layout([(0, 5, "boilerplate", "classifier")])
    False
    """
    return digest("layout", [tuple(s) for s in segs])


def layout_version(segments_version: str) -> str:
    """The version layouts are stored under: the ``segments`` version they derive from."""
    return digest(LAYOUTS, segments_version, 2)[:16]


def layout_rows(doc_ids: Sequence[str], segs: Mapping[str, provenance.Segs]) -> pl.DataFrame:
    """``doc_id``, :func:`layout`, body spans (``starts``, ``ends``) and boilerplate characters
    (:func:`analysis.provenance.boilerplate.boilerplate_chars`) of each of ``doc_ids`` (one
    without segments has none)."""
    spans = spans_from(segs)
    rows = []
    for d in doc_ids:
        mine, body = segs.get(d, []), spans.get(d, [])
        starts, ends = [b[0] for b in body], [b[1] for b in body]
        rows.append((d, layout(mine), starts, ends, boilerplate.boilerplate_chars(mine)))
    return pl.DataFrame(rows, schema=_LAYOUT_ROWS, orient="row")


def spans_from(segs: Mapping[str, provenance.Segs]) -> dict[str, list[tuple[int, int]]]:
    """The body spans of each document with any, from its segments: what
    :func:`analysis.provenance.boilerplate.body_spans` gives from the segments table.

    >>> spans_from({"a": [(0, 4, "body", "x"), (5, 9, "boilerplate", "y"), (10, 12, "body", "z")],
    ...             "b": [(0, 3, "boilerplate", "y")]})
    {'a': [(0, 4), (10, 12)]}
    """
    out = {}
    for doc_id, rows in segs.items():
        body = [(start, end) for start, end, label, _ in rows if label == "body"]
        if body:
            out[doc_id] = body
    return out


def _text_digests(docs: pl.DataFrame) -> dict[str, str]:
    return {d: digest(t) for d, t in docs.select("doc_id", "text").iter_rows()}


#: How a stage's batch of documents becomes the frame its function reads (the documents
#: themselves, or their bodies: :func:`_inputs`).
Prepare = Callable[[pl.DataFrame], pl.DataFrame]


def _same(part: pl.DataFrame) -> pl.DataFrame:
    return part


def _inputs(stage: str, source: _Source) -> tuple[pl.DataFrame, KeyOf, ContextOf, Prepare]:
    """What the per-document stage ``stage`` (after ``segments``) reads, as
    :meth:`Study._stage` takes it: the documents, each document's key, a batch's context and
    how a batch becomes the frame the stage's function reads. One definition for the corpus and
    for a worker's batch, so both give a document the same key: the stage, the document, its
    text's digest, its :func:`layout` (its segments, hence its spans and body) and the
    parameters that change the stage's rows."""
    layouts, texts = source.layouts, source.text_digests
    lexicon, detector, min_words = source.lexicon, source.detector, source.min_words
    spans_of = lambda ids: spans_from(source.segs_of(ids))  # noqa: E731
    bodies_of = lambda part: boilerplate.bodies_from_spans(  # noqa: E731
        part, spans_of(part["doc_id"].to_list()), {}
    ).select("doc_id", "body")
    extra: tuple[object, ...] = ()
    prepare: Prepare = _same
    context: ContextOf
    if stage == "provenance_fields":
        context = lambda ids: {"seg_by_doc": source.segs_of(ids)}  # noqa: E731
    elif stage == "readability":
        extra, prepare = (min_words,), bodies_of
        context = lambda ids: {"min_words": min_words}  # noqa: E731
    elif stage in ("document_terms", "words"):
        prepare = bodies_of
        context = lambda ids: {}  # noqa: E731
    elif stage in ("quotes", "technique_sentences", "sentences"):
        context = lambda ids: {"spans": spans_of(ids)}  # noqa: E731
    elif stage == "citations":
        context = lambda ids: {"spans": spans_of(ids), "quotes": source.quotes_of(ids)}  # noqa: E731
    elif stage == "rhetoric_hits":
        extra = (lexicon, detector)
        context = lambda ids: {  # noqa: E731
            "spans": spans_of(ids),
            "quotes": source.quotes_of(ids),
            "lexicon": lexicon,
            "detector": detector,
        }
    elif stage == "actor_mentions":
        extra = (lexicon,)
        context = lambda ids: {"spans": spans_of(ids), "lexicon": lexicon}  # noqa: E731
    else:
        raise KeyError(f"no per-document stage {stage!r} after segments")

    def key(row: dict[str, Any]) -> tuple[object, ...]:
        doc_id = str(row["doc_id"])
        return (row["doc_id"], texts[doc_id], layouts[doc_id], *extra)

    return source.docs, key, context, prepare


@dataclass
class _Batch:
    """A batch of documents on a worker, read by :func:`_inputs` as a :class:`Study` is: its
    labels give its layouts and segments as the corpus's labels give the corpus's."""

    docs: pl.DataFrame
    labels: pl.DataFrame
    lexicon: str
    detector: DetectorChoice
    min_words: int
    quotes: pl.DataFrame = field(default_factory=pl.DataFrame)

    @functools.cached_property
    def _segs(self) -> dict[str, provenance.Segs]:
        return provenance.segments_by_doc(self.labels)

    @functools.cached_property
    def layouts(self) -> dict[str, str]:
        rows = layout_rows(self.docs["doc_id"].to_list(), self._segs)
        return dict(rows.select("doc_id", "layout").iter_rows())

    @functools.cached_property
    def text_digests(self) -> dict[str, str]:
        return _text_digests(self.docs)

    def segs_of(self, ids: Sequence[str]) -> dict[str, provenance.Segs]:
        return _only(self._segs, ids)

    def quotes_of(self, ids: Sequence[str]) -> pl.DataFrame:
        return _rows_of(self.quotes, ids)


#: A stage's version, and the modules and data patterns it derives from.
Versioned = tuple[str, tuple[str, ...], tuple[str, ...]]


def _chain(
    part: pl.DataFrame,
    *,
    keys: list[str],
    outlets: dict[str, str | None],
    recurring: dict[str, list[str]],
    lexicon: str,
    detector: DetectorChoice,
    min_words: int,
    root: str,
    versions: dict[str, Versioned],
) -> dict[str, Any]:
    """Every per-document stage of one batch of documents, one after another on a worker, each
    stage's rows stored there in the cache at ``root`` (:meth:`Study.build` on a cluster).

    ``keys`` are the documents' ``segments`` keys; their :func:`layout` is stored under them,
    and the later stages' keys are derived here as :class:`Study` derives them
    (:func:`_inputs`). So each text goes to a worker once instead of
    once per stage, and no stage waits for the slowest batch of the stage before it. Returns
    ``{"stored": {stage: keys}, "seconds": {stage: seconds}}`` (each stage's computation), or
    ``{"mismatch": (stage, version)}`` for the first stage whose version differs on this worker
    (then nothing is computed).
    """
    from analysis.core.versions import stage_version

    for stage, (version, modules, data) in versions.items():
        here = stage_version(modules, data)
        if here != version:
            return {"mismatch": (stage, here)}
    cache = DocumentCache(Path(root))
    stored: dict[str, list[str]] = {}
    seconds: dict[str, float] = {}

    def compute(stage: str, frame: pl.DataFrame, keys: list[str], **context: Any) -> pl.DataFrame:
        t0 = time.perf_counter()
        rows: pl.DataFrame = resolve(STAGES[stage].compute)(prepare(frame), **context)
        seconds[stage] = time.perf_counter() - t0
        doc_key = dict(zip(frame["doc_id"].to_list(), keys, strict=True))
        keyed = rows.with_columns(
            rows["doc_id"].replace_strict(doc_key, return_dtype=pl.String).alias(KEY)
        )
        with contextlib.suppress(OSError):  # not kept: the stage computes them again
            cache.store(stage, versions[stage][0], keys, keyed)
            stored[stage] = keys
        return rows

    prepare: Prepare = _same
    labels = compute("segments", part, keys, outlets=outlets, recurring=recurring)
    batch = _Batch(part, labels, lexicon, detector, min_words)
    ids = part["doc_id"].to_list()
    layouts = layout_rows(ids, batch.segs_of(ids)).with_columns(pl.Series(KEY, keys))
    with contextlib.suppress(OSError):  # not kept: the study reads the segments for them
        cache.store(LAYOUTS, layout_version(versions["segments"][0]), keys, layouts)
    for stage in _AFTER_SEGMENTS:
        frame, key, context, prepare = _inputs(stage, batch)
        ids = frame["doc_id"].to_list()
        rows = compute(
            stage,
            frame,
            [digest(stage, *key(r)) for r in frame.iter_rows(named=True)],
            **context(ids),
        )
        if stage == "quotes":  # as Study.quotes sorts them: citations and hits read them
            batch.quotes = rows.sort("doc_id", "start", "end", "kind")
    return {"stored": stored, "seconds": seconds}


#: A short article every worker analyses before its first batch (:func:`_warm_up`).
_SAMPLE = (
    "Astana names new envoy\n"
    "By Aigerim Seitkali\n"
    "ASTANA, 14 March 2024 - The Foreign Ministry of Kazakhstan said on Tuesday that the "
    '"multi-vector" policy would continue. "We will keep working with Russia, China and the '
    'West," Deputy Minister Roman Vassilenko told reporters, according to Reuters.\n'
    "Share this article"
)


def _warm_up(lexicon: str) -> list[tuple[str, pl.DataFrame, dict[str, Any]]]:
    """Every stage's function on :data:`_SAMPLE`, as ``(ref, part, context)`` tasks."""
    docs = pl.DataFrame({"doc_id": ["sample"], "text": [_SAMPLE]})
    bodies = pl.DataFrame({"doc_id": ["sample"], "body": [_SAMPLE]})
    spans = {"sample": [(0, len(_SAMPLE))]}
    contexts: dict[str, tuple[pl.DataFrame, dict[str, Any]]] = {
        "segments": (docs, {"outlets": {}, "recurring": {}}),
        "provenance_fields": (docs, {"seg_by_doc": {}}),
        "quotes": (docs, {"spans": spans}),
        "citations": (docs, {"spans": spans}),
        "readability": (bodies, {"min_words": 0}),
        "rhetoric_hits": (docs, {"spans": spans, "lexicon": lexicon, "detector": "both"}),
        "actor_mentions": (docs, {"spans": spans, "lexicon": lexicon}),
        "technique_sentences": (docs, {"spans": spans}),
        "document_terms": (bodies, {}),
        "words": (bodies, {}),
    }
    return [(STAGES[name].compute, *contexts[name]) for name in STAGES]


class Study:
    """The tables of one corpus under one set of parameters; see the module docstring.

    Parameters
    ----------
    corpus, max_bytes
        As for :func:`analysis.corpus.intake.read_corpus`.
    lexicon, min_words
        The rhetoric and actor lexicon set, and the shortest body readability scores.
    detector
        Who finds the cues of the families that count the span model's hits: ``lexicon``,
        ``model`` or ``both`` (:func:`analysis.metrics.rhetoric.rhetoric_hits`).
    workers, scheduler
        Where the documents the cache lacks are computed (:class:`~analysis.core.workers.Workers`):
        1 (the default) in this process; ``None`` a local Dask cluster on every core.
    progress
        Draw a bar on stderr for a stage computing :data:`PROGRESS_FROM` documents or more
        (default: when stderr is a terminal or this runs in a Jupyter kernel).

    Attributes
    ----------
    stages
        :class:`StageRun` of every stage read so far (documents).
    steps
        :class:`StageRun` of every corpus-level step called so far (results).
    """

    def __init__(
        self,
        corpus_path: str | os.PathLike[str] = paths.SEEDS,
        *,
        max_bytes: int = corpus.DEFAULT_MAX_BYTES,
        lexicon: str = "default",
        detector: DetectorChoice = "both",
        min_words: int = 100,
        workers: int | None = 1,
        scheduler: str | None = None,
        progress: bool | None = None,
    ) -> None:
        self.corpus = corpus_path
        self.max_bytes = max_bytes
        self.lexicon = lexicon
        self.detector = detector
        self.min_words = min_words
        if progress is None:
            progress = sys.stderr.isatty() or "ipykernel" in sys.modules
        self.progress = progress
        alone = scheduler is None and workers == 1  # no cluster: nothing to warm up
        self.workers = Workers(workers, scheduler, warm=() if alone else _warm_up(lexicon))
        self.stages: dict[str, StageRun] = {}
        self.steps: dict[str, StageRun] = {}
        self._fingerprints: dict[str, tuple[Any, object]] = {}
        #: keys each stage's rows were stored under by :meth:`_chain_batches` in this study
        self._chained: dict[str, set[str]] = {}
        #: segments of documents read one by one (:meth:`segs_of`), and quotes
        self._seg_memo: dict[str, provenance.Segs] = {}
        self._quote_memo: pl.DataFrame | None = None
        self._quoted: set[str] = set()
        #: each stage's keys and the ones the cache holds, found by _missing for _fill
        self._known: dict[str, tuple[list[str], set[str]]] = {}

    # -- the corpus -------------------------------------------------------------------------

    @functools.cached_property
    def frame(self) -> pl.DataFrame:
        """Every input (:func:`analysis.corpus.intake.read_corpus`)."""
        return corpus.read_corpus(self.corpus, max_bytes=self.max_bytes)

    @functools.cached_property
    def docs(self) -> pl.DataFrame:
        """The ``ok`` documents."""
        return corpus.ok_documents(self.frame)

    @functools.cached_property
    def outlets(self) -> dict[str, str | None]:
        """The outlet of every document (curated, or from signatures)."""
        return provenance.detect_outlets(self.docs)

    # -- provenance (notebook 01) -----------------------------------------------------------

    @functools.cached_property
    def _labels(self) -> pl.DataFrame:
        """The ``segments`` stage: every line labelled, recurring lines not yet counted
        (:func:`analysis.provenance.boilerplate.label_documents`).

        A document's labels read the rest of the corpus only through which of its lines recur
        in other documents of its outlet (:func:`~analysis.provenance.boilerplate.recurring_in`):
        its key holds them, so a new document of the outlet recomputes exactly the documents
        holding a line it makes recurring.
        """
        return self._read_labels()

    def _read_labels(self, count: bool = True) -> pl.DataFrame:
        docs, (key, context) = self.docs, self._segment_inputs
        labels = self._stage("segments", docs, key, context, keys=self._segment_keys, count=count)
        return labels.sort("doc_id", "start", "end")

    @functools.cached_property
    def _segment_keys(self) -> list[str]:
        """Each document's ``segments`` key, in the order of ``docs``."""
        key, _ = self._segment_inputs
        return [digest("segments", *key(row)) for row in self.docs.iter_rows(named=True)]

    def _read_segs(self, ids: Iterable[str]) -> None:
        """Read the segments of those of ``ids`` not read yet into ``_seg_memo`` (their cached
        rows, or rows computed for them): one lookup for a build's documents, not one a batch."""
        memo = self._seg_memo
        wanted = {str(d) for d in ids} - memo.keys()
        if not wanted:
            return
        if _cache().root is None or len(wanted) + len(memo) >= self.docs.height:
            if "_labels" not in self.__dict__:  # every document's, counted where they were built
                self.__dict__["_labels"] = self._read_labels(count=False)
            memo.update(self._segs)
            return
        positions = [i for i, d in enumerate(self.docs["doc_id"].to_list()) if d in wanted]
        key, context = self._segment_inputs
        keys = [self._segment_keys[i] for i in positions]
        labels = self._stage("segments", self.docs[positions], key, context, keys=keys, count=False)
        found = provenance.segments_by_doc(labels)
        memo.update({d: found.get(d, []) for d in wanted})

    @functools.cached_property
    def layouts(self) -> dict[str, str]:
        """Each document's :func:`layout`: the digest of its segments that the later stages'
        keys hold. Stored in the cache beside its segments by whoever computed them (this
        process or a worker), so a corpus already built finds every document's key without
        reading a single segment; a document whose layout is not stored has its segments read."""
        return dict(self._layout_table.select("doc_id", "layout").iter_rows())

    @functools.cached_property
    def _layout_table(self) -> pl.DataFrame:
        """:func:`layout_rows` of every document, in the order of ``docs``: stored ones read,
        the others made from the documents' segments and stored."""
        docs, keys = self.docs["doc_id"].to_list(), self._segment_keys
        version = layout_version(STAGES["segments"].version)
        cache = _cache()
        try:
            found, _ = cache.lookup(LAYOUTS, version, keys)
        except (OSError, pl.exceptions.PolarsError):  # an unreadable cache is an empty one
            found = None
        frames = []
        if found is not None and found.schema == {**_LAYOUT_ROWS, KEY: pl.String()}:
            doc_of = pl.DataFrame(
                {KEY: keys, "_doc": docs}, schema={KEY: pl.String, "_doc": pl.String}
            )
            mine = found.join(doc_of, on=KEY, how="inner").filter(
                pl.col("doc_id") == pl.col("_doc")
            )
            frames.append(mine.select(list(_LAYOUT_ROWS)).unique("doc_id", keep="first"))
        have = set(frames[0]["doc_id"].to_list()) if frames else set()
        missing = [i for i, d in enumerate(docs) if d not in have]
        if missing:
            ids = [docs[i] for i in missing]
            rows = layout_rows(ids, self.segs_of(ids))
            stored = rows.with_columns(pl.Series(KEY, [keys[i] for i in missing]))
            with contextlib.suppress(OSError):  # full or read-only: computed, not kept
                cache.store(LAYOUTS, version, [keys[i] for i in missing], stored)
            frames.append(rows)
        table = pl.concat(frames) if frames else layout_rows([], {})
        position = {d: i for i, d in enumerate(docs)}
        order = table["doc_id"].replace_strict(position, return_dtype=pl.Int64)
        return table.with_columns(order.alias("_pos")).sort("_pos").drop("_pos")

    @functools.cached_property
    def text_digests(self) -> dict[str, str]:
        """The digest of each document's text (in the later stages' keys)."""
        return _text_digests(self.docs)

    def segs_of(self, ids: Sequence[str]) -> dict[str, provenance.Segs]:
        """The segments of the documents ``ids`` (:func:`provenance.segments_by_doc`)."""
        if "_segs" in self.__dict__:
            return _only(self._segs, ids)
        self._read_segs(ids)
        return _only(self._seg_memo, ids)

    def quotes_of(self, ids: Sequence[str]) -> pl.DataFrame:
        """The ``quotes`` rows of the documents ``ids``, sorted as :attr:`quotes` is."""
        wanted = {str(d) for d in ids} - self._quoted
        whole = "quotes" in self.__dict__ or _cache().root is None  # no cache: computed once
        if whole or len(wanted) + len(self._quoted) >= self.docs.height:
            if "quotes" not in self.__dict__:  # every document's, counted where they were built
                self.__dict__["quotes"] = self._read_quotes(count=False)
            return _rows_of(self.quotes, ids)
        if wanted or self._quote_memo is None:  # none asked yet: the empty table, once
            asked = pl.Series(sorted(wanted), dtype=pl.String).implode()
            docs = self.docs.filter(pl.col("doc_id").is_in(asked))
            _, key, context, prepare = _inputs("quotes", self)
            rows = self._stage("quotes", docs, key, context, prepare, count=False)
            memo = self._quote_memo
            self._quote_memo = rows if memo is None else pl.concat([memo, rows])
            self._quoted |= wanted
        assert self._quote_memo is not None
        return _rows_of(self._quote_memo, ids).sort("doc_id", "start", "end", "kind")

    @functools.cached_property
    def _segment_inputs(self) -> tuple[KeyOf, ContextOf]:
        """Each document's key and a batch's context for the ``segments`` stage."""
        outlets = self.outlets
        held = dict(self._recurring_index.held.iter_rows())  # recurring_in of each document

        def key(row: dict[str, Any]) -> tuple[object, ...]:
            doc_id = str(row["doc_id"])
            return (row["doc_id"], row["text"], outlets.get(doc_id), tuple(held.get(doc_id, ())))

        def context(ids: Sequence[str]) -> dict[str, Any]:
            # a document's labels read only which of its own lines recur (its key): a batch is
            # sent those, not every recurring line of its outlets (megabytes a task)
            mine = _only(outlets, ids)
            lines: dict[str, set[str]] = {}
            for doc_id, outlet in mine.items():
                if outlet is not None and held.get(doc_id):
                    lines.setdefault(outlet, set()).update(held[doc_id])
            return {"outlets": mine, "recurring": {o: sorted(v) for o, v in lines.items()}}

        return key, context

    @functools.cached_property
    def _recurring_index(self) -> boilerplate.RecurringIndex:
        """The lines recurring in each outlet's documents and the ones each document holds
        (:func:`analysis.provenance.boilerplate.recurring_index`, a corpus-level step: a
        notebook opening a built corpus reads it)."""
        return cast(
            boilerplate.RecurringIndex,
            self.step("recurring_lines", self.docs.select("doc_id", "text"), self.outlets),
        )

    @functools.cached_property
    def _recurring(self) -> dict[str | None, dict[str, int]]:
        """The lines recurring in each outlet's documents, with the number of documents
        (:func:`analysis.provenance.boilerplate.recurring_lines`)."""
        return boilerplate.recurring_from(self._recurring_index.lines)

    @functools.cached_property
    def segments(self) -> pl.DataFrame:
        """Boilerplate separation (:func:`analysis.provenance.boilerplate.segment_documents`):
        the cached labels, each recurring line's reason counted over the corpus
        (:func:`~analysis.provenance.boilerplate.count_recurring`)."""
        labels = self._labels
        recurs = pl.col("reason").str.starts_with(boilerplate.RECURS)
        holding = labels.filter(recurs)["doc_id"].unique().implode()  # the texts it reads
        docs = self.docs.filter(pl.col("doc_id").is_in(holding)).select("doc_id", "text")
        texts = dict(docs.iter_rows())
        return boilerplate.count_recurring(labels, texts, self.outlets, self._recurring)

    @functools.cached_property
    def _segs(self) -> dict[str, provenance.Segs]:
        # from the uncounted labels: what a document's fields read must not change with the
        # number of other documents that share a line with it
        return provenance.segments_by_doc(self._labels)

    @functools.cached_property
    def tables(self) -> dict[str, pl.DataFrame]:
        """``provenance``, ``provenance_evidence``, ``provenance_gaps``, ``provenance_conflicts``,
        ``curated_problems`` (:data:`analysis.provenance.fields.TABLES`); what each text says is
        cached per document, curated values are merged here."""
        found = self._stage("provenance_fields", *self._reads("provenance_fields"))
        sidecar = provenance.read_sidecar(corpus.check_corpus(self.corpus))
        return provenance.extract_provenance(
            self.docs, None, sidecar, inputs=self.frame, documents=found
        )

    @property
    def provenance(self) -> pl.DataFrame:
        """The ``provenance`` table."""
        return self.tables["provenance"]

    @functools.cached_property
    def bodies(self) -> pl.DataFrame:
        """Each document's clean body (:func:`analysis.provenance.boilerplate.bodies`), from the
        segments when they are read, else from the stored layouts (the same table)."""
        if "segments" in self.__dict__:
            return boilerplate.bodies(self.docs, self.segments)
        rows = self._layout_table.select("doc_id", "boilerplate_chars").iter_rows()
        return boilerplate.bodies_from_spans(self.docs, self.spans, dict(rows))

    @functools.cached_property
    def spans(self) -> dict[str, list[tuple[int, int]]]:
        """Body spans per doc_id (documents with any): the ranges later analyses read; from the
        segments when they are read, else from the stored layouts (the same spans)."""
        if "segments" in self.__dict__:
            return boilerplate.body_spans(self.segments)
        table = self._layout_table.select("doc_id", "starts", "ends")
        return {d: list(zip(s, e, strict=True)) for d, s, e in table.iter_rows() if s}

    def _reads(self, stage: str) -> tuple[pl.DataFrame, KeyOf, ContextOf, Prepare]:
        """What the per-document stage ``stage`` (after ``segments``) reads (:func:`_inputs`)."""
        return _inputs(stage, self)

    def _fill(self, stage: str) -> None:
        """Compute and store the documents of ``stage`` the cache lacks, reading no stored
        rows (:meth:`build`: the rows are read when a notebook asks for the table); the keys
        and what the cache held of them as :meth:`_missing` found them, if it did."""
        keys, covered = self._known.pop(stage, (None, None))
        self._stage(stage, *self._reads(stage), fill=True, keys=keys, covered=covered)

    @functools.cached_property
    def quotes(self) -> pl.DataFrame:
        """The ``quotes`` table (:func:`analysis.provenance.quotes.quotes_table`)."""
        return self._read_quotes()

    def _read_quotes(self, count: bool = True) -> pl.DataFrame:
        rows = self._stage("quotes", *self._reads("quotes"), count=count)
        return rows.sort("doc_id", "start", "end", "kind")

    @functools.cached_property
    def citations(self) -> pl.DataFrame:
        """The ``citations`` table (:func:`analysis.provenance.citations.citations_table`); it
        reads the document's quotes, a function of its text and spans, so the key need not name
        them."""
        return self._stage("citations", *self._reads("citations")).sort("doc_id", "start", "end")

    # -- measures (notebook 02) -------------------------------------------------------------

    @functools.cached_property
    def readability(self) -> pl.DataFrame:
        """:func:`analysis.metrics.readability.textstat_readability` of the clean bodies."""
        return self._stage("readability", *self._reads("readability")).sort("doc_id")

    @functools.cached_property
    def _hits(self) -> pl.DataFrame:
        hits = self._stage("rhetoric_hits", *self._reads("rhetoric_hits"))
        return hits.sort("doc_id", "start", "end", "family", "term")

    @functools.cached_property
    def hits(self) -> pl.DataFrame:
        """The ``rhetoric_hits`` table (:func:`analysis.metrics.rhetoric.rhetoric_hits`)."""
        return self._hits.sort("doc_id", "start", "end", "family", "term", nulls_last=True)

    @functools.cached_property
    def counts(self) -> pl.DataFrame:
        """The ``rhetoric`` table: cues per family and document."""
        from analysis.metrics import rhetoric

        counts = rhetoric.rhetoric_counts(  # the words of each body, counted once (words)
            self._hits, self.words, lexicon=self.lexicon, detector=self.detector
        )
        return counts.sort("doc_id", "family")

    @functools.cached_property
    def mentions(self) -> pl.DataFrame:
        """The ``actor_mentions`` table (:func:`analysis.metrics.rhetoric.actor_mentions`)."""
        mentions = self._stage("actor_mentions", *self._reads("actor_mentions"))
        mentions = mentions.sort("doc_id", "start", "end", "bloc", "actor")
        return mentions.sort("doc_id", "start", maintain_order=True)

    @functools.cached_property
    def technique_sentences(self) -> pl.DataFrame:
        """The ``technique_sentences`` table: every body sentence with the sentence view's score
        (:func:`analysis.metrics.rhetoric.technique_sentences`), cached per document."""
        sentences = self._stage("technique_sentences", *self._reads("technique_sentences"))
        return sentences.sort("doc_id", "sentence_no")

    @functools.cached_property
    def terms(self) -> pl.DataFrame:
        """Each clean body's TF-IDF terms and counts
        (:func:`analysis.compare.similarity.document_terms`), cached per document: the
        ``similarity`` step weighs them without reading the texts again."""
        terms = self._stage("document_terms", *self._reads("document_terms"))
        return terms.sort("doc_id", maintain_order=True)

    def sentences(self, doc_ids: Iterable[str] | None = None) -> pl.DataFrame:
        """The sentence table (:func:`analysis.compare.group_metrics.sentence_table`) of the
        documents ``doc_ids`` (default: all), cached per document (a stage of
        :data:`~analysis.registry.ON_DEMAND`: computed for the documents asked, here)."""
        frame, key, context, prepare = self._reads("sentences")
        if doc_ids is not None:
            wanted = pl.Series(sorted({str(d) for d in doc_ids}), dtype=pl.String).implode()
            frame = frame.filter(pl.col("doc_id").cast(pl.String).is_in(wanted))
        rows = self._stage("sentences", frame, key, context, prepare)
        return rows.sort("doc_id", "sentence_no")

    @functools.cached_property
    def words(self) -> pl.DataFrame:
        """Words of each clean body (:func:`analysis.text.words.word_counts`), cached per
        document: cue rates and group metrics read them without reading the bodies."""
        return self._stage("words", *self._reads("words")).sort("doc_id")

    # -- corpus-level steps ------------------------------------------------------------------

    def step(self, name: str, *args: Any, **kwargs: Any) -> Any:
        """``function(*args, **kwargs)`` of the corpus-level step ``name``
        (:data:`analysis.registry.CORPUS_STEPS`), from the cache when it was called with the
        same tables and values (:func:`analysis.core.cache.fingerprint`) under the same version.

        So reopening a notebook on a corpus already built reads its similarity, group metrics or
        shared phrases instead of computing them; a change in any row they read computes them
        again.
        """
        t0 = time.perf_counter()
        spec = CORPUS_STEPS[name]
        version = spec.version
        root = cache_root()
        run = self.steps.setdefault(name, StageRun(version))
        computed = run.computed
        calls: list[tuple[str | None, inspect.BoundArguments]] = []
        if spec.by_group:
            calls += _by_group(spec.function, spec.by_group, args, kwargs)
        if not calls:  # one call (a step cached whole, or no group at all)
            call = inspect.signature(spec.function).bind(*args, **kwargs)
            call.apply_defaults()  # a default written out keys like one left out
            calls = [(None, call)]
        results: list[Any] = []
        for _, call in calls:
            # a group's call holds its cut frames, so its key differs from the other groups'
            args_fp = [self._fingerprint(a) for a in call.args]
            kwargs_fp = {k: self._fingerprint(v) for k, v in call.kwargs.items()}
            # the fingerprints are plain tuples already: keyed by their repr, not walked again
            key = digest(name, args_fp, sorted(kwargs_fp.items()))
            result = load_result(root, name, version, key)
            if result is None:
                result = spec.function(*call.args, **call.kwargs)
                store_result(root, name, version, key, result)
                run.computed += 1
            else:
                run.cached += 1
            results.append(result)
        if run.computed > computed:  # what the step held while computing goes back to the system
            memory.release()
        run.seconds += time.perf_counter() - t0
        if len(results) == 1:
            return results[0]
        return pl.concat(cast(list[pl.DataFrame], results), how="vertical")

    def _fingerprint(self, value: Any) -> object:
        """:func:`~analysis.core.cache.fingerprint` of ``value``, computed once per study for
        the study's own tables (``docs``, ``spans``, ``hits``, ...: built once and never changed
        in place), which every step reads again; anything else every time."""
        if not isinstance(value, pl.DataFrame | Mapping):
            return fingerprint(value)
        own = next((k for k, v in list(vars(self).items()) if v is value), None)
        if own is None or own == "_fingerprints":
            return fingerprint(value)
        hit = self._fingerprints.get(own)
        if hit is None or hit[0] is not value:  # a table replaced since: its own fingerprint
            hit = self._fingerprints[own] = (value, fingerprint(value))
        return hit[1]

    # -- building ---------------------------------------------------------------------------

    def build(self) -> Study:
        """Compute what the cache lacks of every stage of :data:`~analysis.registry.STAGES`.

        Only the missing documents are computed and stored, and no stored row is read but the
        segments and quotes of the documents computed (a table is read when it is asked for):
        each document's key comes from its text and its :func:`layout`, stored beside its
        segments. So a built corpus with a day's articles added costs the new documents and
        the keys, not reading every table back. In this process the stages run one after
        another. With workers and a corpus large enough for a cluster (by its number of inputs,
        less the documents the cache holds: a built corpus with a day's articles added needs
        none), the cluster starts while the corpus is read. On a cluster, with a cache, the
        documents the cache has no ``segments`` for go through every stage in one task per
        batch (:func:`_chain`: each text sent once, stored by the worker); what is still
        missing after that (a stage whose version changed alone) goes stage by stage: the
        stages that need only the segments are sent together, and those that read quotes as
        soon as quotes are in, so no worker waits for the slowest batch of one stage while
        another has work. Without a cache the segments and quotes are read whole.
        """
        if "docs" not in self.__dict__:  # the cluster starts while the corpus is read
            self.workers.start_early(self._inputs_to_compute)
        if self._chain_batches():  # every document through every stage, stored by the workers
            return self
        cache = _cache()
        if cache.root is None:  # nothing is stored: each table computed once, kept
            self._segs  # noqa: B018 (cached properties: reading one builds it)
        else:
            key, context = self._segment_inputs
            self._stage("segments", self.docs, key, context, keys=self._segment_keys, fill=True)
        missing = {stage: self._missing(stage) for stage in _AFTER_SEGMENTS}
        self._read_segs(set().union(*missing.values()))  # at once, not a lookup a batch
        after_quotes = ("citations", "rhetoric_hits")
        quoted = set().union(*(missing[s] for s in after_quotes))
        if not self.workers.started:  # in this process: one stage after another
            for stage in _AFTER_SEGMENTS:
                if stage == "quotes" and cache.root is None:
                    self.quotes  # noqa: B018
                elif stage in after_quotes:
                    if quoted:
                        self.quotes_of(sorted(quoted))  # at once, before the batches ask
                    self._fill(stage)
                else:
                    self._fill(stage)
            return self
        for spec in STAGES.values():  # parsed once here: CPython 3.11's ast is not thread-safe
            _ = spec.version
        first = [s for s in _AFTER_SEGMENTS if s != "quotes" and s not in after_quotes]
        # a thread per stage: each only waits on the cluster, which shares out the batches
        with ThreadPoolExecutor(
            max_workers=len(_AFTER_SEGMENTS), thread_name_prefix="stage"
        ) as pool:
            if cache.root is None:  # computed once, kept: citations and hits read them
                quotes = pool.submit(getattr, self, "quotes")
            else:
                quotes = pool.submit(self._fill, "quotes")
            waiting = [pool.submit(self._fill, stage) for stage in first]
            quotes.result()
            if quoted:
                self.quotes_of(sorted(quoted))  # read once, before the threads share them
            waiting += [pool.submit(self._fill, stage) for stage in after_quotes]
            for future in waiting:
                future.result()
        return self

    def _missing(self, stage: str) -> set[str]:
        """The documents whose rows of ``stage`` (after ``segments``) the cache lacks (every
        document without a cache), read from its keys files only."""
        frame, key, _, _ = self._reads(stage)
        ids = frame["doc_id"].to_list()
        if _cache().root is None:
            return set(ids)
        keys = [digest(stage, *key(row)) for row in frame.iter_rows(named=True)]
        covered = _cache().covered(stage, STAGES[stage].version, keys)
        self._known[stage] = (keys, covered)  # for _fill, which would read them again
        return {d for d, k in zip(ids, keys, strict=True) if k not in covered}

    def _chain_batches(self) -> bool:
        """On a cluster, and with a cache, compute the documents whose ``segments`` the cache
        lacks through every stage, a batch per task (:func:`_chain`): the workers store the
        rows. Whether that was every document of every stage (a corpus built for the first
        time): then nothing is left to build. Otherwise the stages find those rows in the
        cache, and compute what is still missing (a stage whose version changed alone). Workers
        that do not share this cache (a cluster elsewhere without a shared filesystem) are
        found out by the first batch: the stages then compute everything stage by stage."""
        cache = _cache()
        if cache.root is None:
            return False
        docs = self.docs
        _, context = self._segment_inputs
        keys = self._segment_keys
        covered = cache.covered("segments", STAGES["segments"].version, keys)
        missing = [i for i, k in enumerate(keys) if k not in covered]
        if not missing or not self.workers.on_cluster(len(missing)):
            return False
        versions = {name: (spec.version, spec.code, spec.data) for name, spec in STAGES.items()}
        doc_ids = docs["doc_id"].to_list()
        sizes = docs["text"].str.len_bytes().to_list()
        cut = batches([sizes[i] for i in missing], self.workers.parallel)
        positions = [[missing[j] for j in b] for b in cut]
        options = {"lexicon": self.lexicon, "detector": self.detector, "min_words": self.min_words}
        tasks = (  # made as the batches are sent: only those on their way or running exist
            {
                "part": docs[p],
                "keys": [keys[i] for i in p],
                "root": str(cache.root),
                "versions": versions,
                **options,
                **context([doc_ids[i] for i in p]),
            }
            for p in positions
        )
        bar = Progress(
            "all stages",
            total=len(keys),
            cached=len(keys) - len(missing),
            show=self.progress and len(missing) >= PROGRESS_FROM,
        )
        seen = False
        try:
            for i, result in self.workers.each(f"{__name__}:_chain", tasks):
                if "mismatch" in result:
                    stage, got = result["mismatch"]
                    raise mismatch(stage, got, versions[stage][0])
                stored_keys = result["stored"].get("segments", [])
                if not seen and not cache.covered("segments", versions["segments"][0], stored_keys):
                    # workers elsewhere that wrote into a cache of their own: the stages send
                    # their batches and store the rows returned here instead
                    return False
                seen = True
                for stage, stored in result["stored"].items():
                    self._chained.setdefault(stage, set()).update(stored)
                for stage, spent in result["seconds"].items():
                    run = self.stages.setdefault(stage, StageRun(versions[stage][0]))
                    run.seconds += spent
                bar.advance(len(positions[i]))
        finally:
            bar.close()
        if len(missing) < len(keys) or any(
            len(self._chained.get(s, ())) < len(keys) for s in STAGES
        ):
            return False
        for stage in STAGES:  # all computed here, none read back
            self.stages[stage].computed += len(self._chained.pop(stage))
        return True

    @functools.cached_property
    def _inputs_to_compute(self) -> int:
        """The corpus's inputs, less the documents the cache holds when a local cluster could
        start (only then it is worth counting them): an upper bound of what :meth:`build`
        computes (counted once: the runner asks before it builds)."""
        n = corpus.count_inputs(self.corpus)
        if self.workers.workers > 1 and self.workers.scheduler is None:
            n -= _cache().stored("segments", STAGES["segments"].version)
        return n

    def starts_local_cluster(self) -> bool:
        """Whether :meth:`build` starts a local Dask cluster at once (its workers then keep the
        machine's cores busy); ``False`` when it computes in this process (a built corpus with
        a day's articles added) or on a cluster elsewhere."""
        return self.workers.starts_local(self._inputs_to_compute)

    def close(self) -> None:
        """Stop the Dask workers this study started, if any."""
        self.workers.close()

    def __enter__(self) -> Study:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _stage(
        self,
        stage: str,
        frame: pl.DataFrame,
        key: KeyOf,
        context: ContextOf,
        prepare: Prepare = _same,
        *,
        fill: bool = False,
        keys: list[str] | None = None,
        count: bool = True,
        covered: set[str] | None = None,
    ) -> pl.DataFrame:
        """The rows of ``stage`` for the documents of ``frame`` (one row per document).

        ``key(row)`` gives what the document's rows depend on besides the stage's version,
        ``context(doc_ids)`` what the stage's function needs besides the documents' rows, for
        those documents only, and ``prepare(part)`` the frame it reads for a batch of
        ``frame``. Rows come back in the order a single computation over ``frame`` gives them
        before its final sort (by the document's position in ``frame``), so the caller's sort
        yields the same frame whatever came from the cache or which batch.
        With ``fill``, only the documents the cache lacks are computed and stored, no stored
        row is read, and the frame returned is empty (``covered``: the keys the cache held, if
        just read). Without ``count``, :attr:`stages` does not count the documents (a few
        documents' rows read for another stage's batch).
        """
        t0 = time.perf_counter()
        spec = STAGES[stage] if stage in STAGES else ON_DEMAND[stage]
        version = spec.version
        doc_ids = frame["doc_id"].to_list()
        if keys is None:
            keys = [digest(stage, *key(row)) for row in frame.iter_rows(named=True)]
        doc_key = dict(zip(doc_ids, keys, strict=True))
        sizes = frame["text"].fill_null("").str.len_bytes().to_list()
        workers = self.workers
        versioned = (version, spec.code, spec.data)

        def compute(missing: list[int]) -> Iterator[tuple[list[int], pl.DataFrame]]:
            if not missing:  # no documents at all: the stage's empty table
                empty = [(prepare(frame), context([]))]
                yield [], next(workers.run(stage, spec.compute, versioned, empty))[1]
                return
            if stage != "segments":  # their segments read at once, not a lookup a batch
                self._read_segs([doc_ids[i] for i in missing])
            cut = batches([sizes[i] for i in missing], workers.parallel)
            positions = [[missing[j] for j in b] for b in cut]
            # made as the batches are sent: only those on their way or running exist at once
            parts = ((prepare(frame[p]), context([doc_ids[i] for i in p])) for p in positions)
            bar = Progress(
                stage,
                total=len(keys),
                cached=len(keys) - len(missing),
                show=self.progress and len(missing) >= PROGRESS_FROM,
            )
            try:
                for i, rows in workers.run(stage, spec.compute, versioned, parts, len(missing)):
                    bar.advance(len(positions[i]))
                    yield positions[i], rows
            finally:
                bar.close()

        cache = _cache()
        before = cache.counts.get(stage)
        cached0, computed0 = (before.cached, before.computed) if before else (0, 0)
        row_key = lambda out: out["doc_id"].replace_strict(doc_key, return_dtype=pl.String)  # noqa: E731
        if fill:
            cache.fill(stage, version, keys, compute, row_key, covered)
        else:
            rows = cache.apply(stage, version, keys, compute, row_key)
        tally = cache.counts[stage]
        run = self.stages.setdefault(stage, StageRun(version)) if count else StageRun(version)
        if count:
            # rows the workers computed and stored for this build are found in the cache
            chained = len(self._chained.pop(stage, set()).intersection(keys))
            chained = min(chained, tally.cached - cached0)
            run.cached += tally.cached - cached0 - chained
            run.computed += tally.computed - computed0 + chained
        if fill:
            run.seconds += time.perf_counter() - t0
            return pl.DataFrame()
        position = {d: i for i, d in enumerate(doc_ids)}
        order = rows["doc_id"].replace_strict(position, return_dtype=pl.Int64)
        rows = rows.with_columns(order.alias("_pos")).sort("_pos", maintain_order=True)
        run.seconds += time.perf_counter() - t0
        return rows.drop("_pos")


def open_study(corpus_path: str | os.PathLike[str] = paths.SEEDS, **options: Any) -> Study:
    """Open ``corpus_path`` for analysis: a :class:`Study` (``options`` as for it) whose tables
    are built when read.

    >>> study = open_study("seeds")
    >>> study.docs.height, sorted(study.stages)
    (5, [])
    >>> study.quotes.height > 0, "quotes" in study.stages
    (True, True)
    """
    return Study(corpus_path, **options)


def with_outlet(
    table: pl.DataFrame, study: Study, unknown: str = "(unknown outlet)"
) -> pl.DataFrame:
    """``table`` (keyed by ``doc_id``) with the document's ``source`` and ``outlet`` joined on."""
    meta = study.provenance.select("doc_id", "source", pl.col("outlet").fill_null(unknown))
    return table.join(meta, on="doc_id", how="left", maintain_order="left")
