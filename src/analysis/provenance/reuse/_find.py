"""Finding reused passages in a corpus, and showing them with their context."""

from __future__ import annotations

import bisect
import itertools
from typing import NamedTuple

import numpy as np
import polars as pl

from analysis.provenance.reuse._align import _reuse_rows, _table
from analysis.provenance.reuse._clusters import _clusters
from analysis.provenance.reuse._lsh import _candidate_pairs
from analysis.provenance.reuse._schema import (
    CLUSTERS_SCHEMA,
    DEFAULT_CHUNK,
    DEFAULT_MAX_GAP,
    DEFAULT_MAX_PAIRS_DOCS,
    DEFAULT_MIN_WORDS,
    DEFAULT_SHINGLE,
    DEFAULT_THRESHOLD,
)
from analysis.provenance.reuse._shingles import _prepare

__all__ = [
    "SharedPassages",
    "find_reuse",
    "find_shared_passages",
    "passages",
]


def find_reuse(
    docs: pl.DataFrame,
    *,
    min_words: int = DEFAULT_MIN_WORDS,
    shingle: int = DEFAULT_SHINGLE,
    threshold: float = DEFAULT_THRESHOLD,
    num_perm: int = 128,
    seed: int = 1,
    chunk: int = DEFAULT_CHUNK,
    max_gap: int = DEFAULT_MAX_GAP,
    max_pairs_docs: int | None = DEFAULT_MAX_PAIRS_DOCS,
) -> pl.DataFrame:
    """Find passages shared within and across documents: the ``reuse`` table.

    Word shingles; MinHash LSH over content-defined chunks for candidate document pairs; exact
    alignment of the shared shingle runs of candidates, across small gaps (see the module
    docstring for details and measured recall). Passages found in more than ``max_pairs_docs``
    documents are not paired: :func:`find_shared_passages` returns them as clusters.

    Parameters
    ----------
    docs
        A frame with at least ``doc_id`` (unique, not null) and ``text`` (null reads as empty).
    min_words
        Shortest passage reported, in words on each side (at least ``shingle``).
    shingle
        Words per shingle. A passage is anchored by at least one identical run of this many
        words; changed words closer together than this break the anchoring.
    threshold
        LSH threshold: two chunks whose sets of shared shingles have a higher Jaccard similarity
        most likely make their documents a candidate pair. Lower finds more short passages, at
        the cost of aligning more pairs.
    num_perm
        MinHash permutations.
    seed
        MinHash seed; results are deterministic for given parameters.
    chunk
        Typical chunk length in shingles. A passage copied verbatim across documents is found
        for certain once it spans a whole chunk in both copies, and mostly when shorter.
    max_gap
        Most unmatched words, on either side, between two exact runs of one passage.
    max_pairs_docs
        Shingles found in more documents than this (at least 2) anchor no pair across
        documents: a passage shared by that many documents is one cluster, not ``n**2 / 2``
        rows (see :func:`find_shared_passages`). ``None`` pairs every passage, however common.

    Returns
    -------
    polars.DataFrame
        One row per shared passage, with :data:`REUSE_SCHEMA`, sorted by ``doc_a, doc_b,
        start_a, start_b`` (then ``end_a, end_b``); empty with that schema when nothing is shared.
        Across documents ``doc_a < doc_b``. Within one document ``doc_a == doc_b`` and
        ``end_a <= start_b``. ``similarity`` is the exact Jaccard similarity of the two
        passages' sets of ``shingle``-word shingles; ``words`` counts the shorter side.

    Examples
    --------
    A wire story, republished under another header, and teased again at the end of the first
    document:

    >>> import polars as pl
    >>> lead = "Early presidential elections will be held in Kazakhstan on Sunday, officials said."
    >>> docs = pl.DataFrame({
    ...     "doc_id": ["a", "b"],
    ...     "text": [lead + " Turnout was high. " + lead[:55] + "...", "ASTANA (wire) - " + lead],
    ... })
    >>> reuse = find_reuse(docs)
    >>> reuse.select("doc_a", "doc_b", "start_a", "end_a", "start_b", "end_b", "words")
    shape: (3, 7)
    ┌───────┬───────┬─────────┬───────┬─────────┬───────┬───────┐
    │ doc_a ┆ doc_b ┆ start_a ┆ end_a ┆ start_b ┆ end_b ┆ words │
    │ ---   ┆ ---   ┆ ---     ┆ ---   ┆ ---     ┆ ---   ┆ ---   │
    │ str   ┆ str   ┆ i64     ┆ i64   ┆ i64     ┆ i64   ┆ i64   │
    ╞═══════╪═══════╪═════════╪═══════╪═════════╪═══════╪═══════╡
    │ a     ┆ a     ┆ 0       ┆ 55    ┆ 101     ┆ 156   ┆ 8     │
    │ a     ┆ b     ┆ 0       ┆ 81    ┆ 16      ┆ 97    ┆ 12    │
    │ a     ┆ b     ┆ 101     ┆ 156   ┆ 16      ┆ 71    ┆ 8     │
    └───────┴───────┴─────────┴───────┴─────────┴───────┴───────┘
    >>> text = docs["text"][0]
    >>> text[0:55], text[101:156] == text[0:55] == docs["text"][1][16:71]
    ('Early presidential elections will be held in Kazakhstan', True)
    >>> reuse["similarity"].to_list()
    [1.0, 1.0, 1.0]
    """
    return find_shared_passages(
        docs,
        min_words=min_words,
        shingle=shingle,
        threshold=threshold,
        num_perm=num_perm,
        seed=seed,
        chunk=chunk,
        max_gap=max_gap,
        max_pairs_docs=max_pairs_docs,
        clusters=False,
    ).reuse


class SharedPassages(NamedTuple):
    """What :func:`find_shared_passages` returns: the ``reuse`` and ``reuse_clusters`` tables."""

    reuse: pl.DataFrame  # pairs of spans (:data:`REUSE_SCHEMA`)
    clusters: pl.DataFrame  # occurrences of passages in many documents (:data:`CLUSTERS_SCHEMA`)


def find_shared_passages(
    docs: pl.DataFrame,
    *,
    min_words: int = DEFAULT_MIN_WORDS,
    shingle: int = DEFAULT_SHINGLE,
    threshold: float = DEFAULT_THRESHOLD,
    num_perm: int = 128,
    seed: int = 1,
    chunk: int = DEFAULT_CHUNK,
    max_gap: int = DEFAULT_MAX_GAP,
    max_pairs_docs: int | None = DEFAULT_MAX_PAIRS_DOCS,
    clusters: bool = True,
) -> SharedPassages:
    """The ``reuse`` table (:func:`find_reuse`) and the ``reuse_clusters`` table.

    A shingle found in more than ``max_pairs_docs`` documents (an outlet's subscription footer,
    a wire credit line) is *common*. A run of consecutive common shingles in one document that
    spans at least ``min_words`` words is reported once, as an occurrence in ``clusters``
    (:data:`CLUSTERS_SCHEMA`), and anchors no pair across documents; occurrences with the same
    words (normalised, :func:`normalise_words`) are one cluster. Rows, time and memory then grow
    with the number of occurrences, not with its square. When no shingle is that common,
    ``reuse`` is exactly what ``max_pairs_docs=None`` gives (every passage pairwise).

    What to expect. A footer that documents write in variants (another year, a word more or
    less, a common word before it) gives one cluster per variant whose every shingle is common;
    a variant found in few documents is still a cluster (``n_docs`` is then ``max_pairs_docs``
    or fewer: its shingles are common, its whole word sequence is not). The parts of a passage
    that at most ``max_pairs_docs`` documents share stay pairwise in ``reuse``, so a rarer
    passage next to a common one is reported in ``reuse`` without the common part, or across it
    when that part is shorter than ``min_words``. Such short common runs are no cluster; an LSH
    bucket they fill with more than ``max_pairs_docs`` documents makes no candidate pair, so a
    passage that is mostly such text (``"Jane Doe and The Associated Press contributed to this
    report"``, the last seven words common) is found somewhat less often. Repeats within one
    document stay in ``reuse``. Rows of ``reuse`` for two documents that have no common shingle
    are the same as without the limit.

    ``cluster`` is the first 16 hex digits of the SHA-256 of the passage's normalised words
    joined by spaces: the same passage has the same id in every run and corpus. ``passage`` is
    the text of its first occurrence (by ``doc_id``, then ``start``); the other occurrences have
    the same words and may differ in case, punctuation and spacing.

    ``clusters=False`` skips building that table (it is then empty). Other parameters: see
    :func:`find_reuse`.

    >>> footer = "Subscribe to our channel on Telegram for the latest news from Astana and Almaty"
    >>> docs = pl.DataFrame({
    ...     "doc_id": [f"d{n}" for n in range(4)],
    ...     "text": [f"Report filed on day {n}. {footer}." for n in range(4)],
    ... })
    >>> found = find_shared_passages(docs, max_pairs_docs=3)
    >>> found.reuse.height
    0
    >>> found.clusters.select("doc_id", "start", "end", "n_docs", "words").rows()
    [('d0', 23, 102, 4, 14), ('d1', 23, 102, 4, 14), ('d2', 23, 102, 4, 14), ('d3', 23, 102, 4, 14)]
    >>> found.clusters["passage"][0] == footer == docs["text"][3][23:102]
    True
    >>> find_shared_passages(docs, max_pairs_docs=4).reuse.height  # 4 documents: 6 pairs
    6
    """
    if min_words < 1 or shingle < 1 or num_perm < 2 or chunk < 2 or max_gap < 0:
        raise ValueError(
            "need min_words >= 1, shingle >= 1, num_perm >= 2, chunk >= 2 and max_gap >= 0"
        )
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}")
    if max_pairs_docs is not None and (
        isinstance(max_pairs_docs, bool)
        or not isinstance(max_pairs_docs, int | np.integer)
        or max_pairs_docs < 2
    ):
        raise ValueError(f"max_pairs_docs must be an integer >= 2 or None, got {max_pairs_docs!r}")
    min_words = max(min_words, shingle)
    limit = None if max_pairs_docs is None else int(max_pairs_docs)
    prepared = _prepare(docs, shingle, limit, min_words)
    pairs = _candidate_pairs(
        prepared,
        chunk=chunk,
        min_shared=min_words - shingle + 1,
        threshold=threshold,
        num_perm=num_perm,
        seed=seed,
        max_docs=limit,
    )
    rows = _reuse_rows(prepared, pairs, min_words=min_words, shingle=shingle, max_gap=max_gap)
    if not clusters:
        return SharedPassages(_table(rows), pl.DataFrame(schema=CLUSTERS_SCHEMA))
    texts = docs.get_column("text").cast(pl.String).to_list() if prepared else []
    return SharedPassages(_table(rows), _clusters(prepared, texts, shingle=shingle))


def passages(reuse: pl.DataFrame, docs: pl.DataFrame, segments: pl.DataFrame) -> pl.DataFrame:
    """The ``reuse`` table for reading: sources, where each side lies, and the passage itself.

    ``where_a``/``where_b`` is ``body`` when the passage starts in an article paragraph, else the
    boilerplate reason of the segment it starts in (shared furniture of one outlet, teasers).
    """
    text = dict(zip(docs["doc_id"], docs["text"], strict=True))
    source = dict(zip(docs["doc_id"], docs["source"], strict=True))
    seg = segments.sort("doc_id", "start")
    by_doc: dict[str, list[tuple[int, int, str]]] = {}
    for doc_id, start, end, label, reason in seg.select(
        "doc_id", "start", "end", "label", "reason"
    ).iter_rows():
        by_doc.setdefault(doc_id, []).append(
            (start, end, "body" if label == "body" else (reason or label))
        )

    # The first segment (in that order) holding ``pos``, found by bisection rather than by a
    # scan of every segment of the document for every row (rows x segments for a long one).
    starts: dict[str, list[int]] = {}
    reach: dict[str, list[int]] = {}  # the furthest end among the document's segments [: i + 1]
    for doc_id, segs in by_doc.items():
        starts[doc_id] = [s for s, _, _ in segs]
        reach[doc_id] = list(itertools.accumulate((e for _, e, _ in segs), max))

    def where(doc_id: str, pos: int) -> str | None:
        if doc_id not in by_doc:
            return None
        n = bisect.bisect_right(starts[doc_id], pos)  # segments starting at or before pos
        i = bisect.bisect_right(reach[doc_id], pos, 0, n)  # the first of them ending after it
        return by_doc[doc_id][i][2] if i < n else None

    rows = [
        (
            source[a],
            source[b],
            words,
            similarity,
            where(a, sa),
            where(b, sb),
            _shorten(text[a][sa:ea], 120),
        )
        for a, b, sa, ea, sb, words, similarity in reuse.select(
            "doc_a", "doc_b", "start_a", "end_a", "start_b", "words", "similarity"
        ).iter_rows()
    ]
    schema = {
        "source_a": pl.String(),
        "source_b": pl.String(),
        "words": pl.Int64(),
        "similarity": pl.Float64(),
        "where_a": pl.String(),
        "where_b": pl.String(),
        "passage": pl.String(),
    }
    return pl.DataFrame(rows, schema=schema, orient="row").sort(
        ["words", "source_a", "source_b"], descending=[True, False, False]
    )


def _shorten(passage: str, width: int) -> str:
    flat = " ".join(passage.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"
