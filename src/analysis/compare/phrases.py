"""Shared phrases: word sequences that recur across outlets, ranked by how distinctive they are.

Tables
    ``shared_phrases`` (:func:`shared_phrases`): phrases of ``min_words`` to ``max_words`` words
    (2 to 5 by default) that do not start or end with a stopword and are used by documents of at
    least ``min_groups`` groups (outlets), with their documents, counts and a distinctiveness
    score. Researchers read it to find narratives that travel between outlets (*multi-vector
    policy*, *away from Russia*).

    ``phrase_occurrences`` (:func:`phrase_occurrences`): one row per occurrence of given phrases,
    with ``start``/``end`` offsets into the original text (``text[start:end]`` is the phrase as
    written) and a ``snippet`` (:func:`analysis.text.evidence.snippet`). Its rows agree exactly with
    the ``count`` of :func:`shared_phrases` over the same documents.

Units and tokens
    Each body span ``text[start:end]`` of a document (``Study.spans``) is a unit, tokenised on
    its own, so a phrase never crosses a span boundary (a heading and the next paragraph do not
    make a phrase). The typographic apostrophe ``’`` becomes ``'``; tokens are
    :data:`analysis.text.tokens.TOKEN_PATTERN` matches (runs of letters/digits joined by single
    internal apostrophes or hyphens), lowercased; tokens without a letter (numbers) are dropped,
    as in :func:`analysis.compare.keyness.term_counts` (which does the same inline, so the rule is
    restated here rather than imported). Two differences from ``term_counts``, both so that every
    counted phrase is a contiguous stretch of the original text that :func:`phrase_occurrences`
    can point at:

    * a dropped number breaks a phrase (*in 2024 Kazakhstan* is not the phrase *in kazakhstan*);
    * tokens are lowercased after they are found, not before (the two orders differ only for the
      rare letters whose lowercase is not a letter, such as ``İ``, whose lowercase carries a
      combining dot).

    :func:`shared_phrases` tokenises with polars (Rust ``regex``), :func:`phrase_occurrences`
    with the Python ``regex`` package; both read the same pattern with the same Unicode classes.

    A phrase may hold stopwords inside (*away from russia*) but its first and last tokens are not
    stopwords (:data:`analysis.text.tokens.ENGLISH_STOPWORDS` by default).

Documents and groups
    ``groups`` gives each document its group. Documents whose group is null, or that are not in
    ``groups`` at all, are left out (of the counts and of the token total ``T``): label unknown
    outlets beforehand, e.g. ``fill_null("(unknown outlet)")``.

Names and formulations
    ``capitalized`` is true when, in more than half of a phrase's occurrences, every word that is
    not a stopword starts with a capital letter: names, titles and organisations (*Kassym-Jomart
    Tokayev*, *Foreign Ministry*). Names of rare words top the distinctiveness ranking, so
    notebook 03 lists the other phrases, the recurring formulations (*multi-vector policy*),
    apart from them. Sentence-initial capitals count as capitals, hence "most occurrences".
Subsumed phrases
    A phrase is dropped when a longer phrase that passes the filters contains it as a contiguous
    sub-phrase *and* has the same ``count``: every occurrence of *multi-vector foreign* is then
    (as good as) part of *multi-vector foreign policy*, and listing both says the same thing
    twice. When the shorter phrase also occurs elsewhere (a larger count) both are kept.

Distinctiveness
    How much more often the phrase occurs in this corpus than its words would predict in general
    English, in bits per word::

        distinctiveness = (log2(count / T) - sum_i log2 f_en(w_i)) / n_words

    where ``T`` is the number of tokens of the units counted (documents with a group) and
    ``f_en(w) = wordfreq.word_frequency(w, "en", wordlist="best", minimum=1e-9)``, the frequency
    of the word in general English from ``wordfreq`` (Speer, R. (2022). rspeer/wordfreq: v3.0.
    Zenodo. doi:10.5281/zenodo.7199437; its word lists ship in the package, nothing is
    downloaded). It is a per-word pointwise mutual information against general English under
    independence: phrases of rare words that recur here score high, *the united states* scores
    low. Limits: it is no significance test (a phrase seen twice can score high); it favours
    topical vocabulary (names, jargon) over recurring turns of phrase made of common words;
    words wordfreq does not know get the floor frequency 1e-9 (about 30 bits), so names and
    transliterations dominate; wordfreq's English is web, news, Wikipedia and subtitle text up to
    about 2021, and it tokenises hyphenated or apostrophised words itself (the frequency of
    *multi-vector* is the one wordfreq gives for the string, combined from its parts).
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, cast

import polars as pl

from analysis.compare.groups import checked
from analysis.core.validate import require_columns, require_ids
from analysis.text.evidence import snippet
from analysis.text.frequency import word_frequency
from analysis.text.tokens import ENGLISH_STOPWORDS, token_lists, tokenize

__all__ = [
    "OCCURRENCES_SCHEMA",
    "SHARED_PHRASES_SCHEMA",
    "WORDFREQ_MINIMUM",
    "english_frequency",
    "phrase_occurrences",
    "shared_phrase_hits",
    "shared_phrases",
    "top_by_kind",
]

#: Columns of the ``shared_phrases`` table, in order. Sorted by distinctiveness (descending),
#: n_groups (descending), count (descending), phrase.
SHARED_PHRASES_SCHEMA = pl.Schema(
    {
        "rank": pl.Int64(),  # 1 = most distinctive (the sort order below)
        "phrase": pl.String(),  # lowercase tokens joined by one space
        "n_words": pl.Int64(),
        "capitalized": pl.Boolean(),  # a name or title: content words mostly capitalized
        "n_groups": pl.Int64(),  # groups with at least one occurrence
        "n_docs": pl.Int64(),  # documents with at least one occurrence
        "count": pl.Int64(),  # occurrences in the corpus
        "distinctiveness": pl.Float64(),  # bits per word against general English (module docstring)
        "groups": pl.List(pl.String()),  # sorted
        "doc_ids": pl.List(pl.String()),  # sorted
        "group_counts": pl.List(pl.Int64()),  # occurrences per group, aligned with ``groups``
    }
)

#: Columns of the phrase occurrences table. Sorted by doc_id, start, phrase.
OCCURRENCES_SCHEMA = pl.Schema(
    {
        "doc_id": pl.String(),
        "phrase": pl.String(),
        "start": pl.Int64(),  # text[start:end] is the phrase as written
        "end": pl.Int64(),
        "snippet": pl.String(),  # at most analysis.text.evidence.SNIPPET_CHARS characters
    }
)

#: Floor of the general-English frequency ``f_en`` (words wordfreq does not know).
WORDFREQ_MINIMUM = 1e-9

#: Characters of body text tokenised at once (a batch of whole documents): bounds the token and
#: n-gram frames in memory whatever the corpus size.
BATCH_CHARS = 4_000_000
#: Characters of body text per partition of the n-gram occurrences: a larger corpus spreads its
#: occurrences over several partitions by a hash of the phrase, counted one at a time.
PART_CHARS = 8_000_000
#: Bytes of n-gram occurrences held in memory (polars' estimate); beyond it they are written to
#: a temporary folder, so memory stays flat as the corpus grows.
HELD_BYTES = 64_000_000


def _phrase_hash(phrase: pl.Expr) -> pl.Expr:
    """A 64-bit hash of each phrase: places it in a partition and checks the thresholds first
    (:func:`_counts`); the results do not depend on it, collisions included."""
    return phrase.hash(seed=0)


def english_frequency(words: Iterable[str]) -> dict[str, float]:
    """General-English frequency of each distinct word, from ``wordfreq``:
    ``wordfreq.word_frequency(w, "en", wordlist="best", minimum=WORDFREQ_MINIMUM)``, read through
    :func:`analysis.text.frequency.word_frequency` (plain words from wordfreq's table).

    >>> f = english_frequency(["the", "steppe", "qwzxkj", "the"])
    >>> sorted(f), f["the"] > f["steppe"] > f["qwzxkj"] == WORDFREQ_MINIMUM
    (['qwzxkj', 'steppe', 'the'], True)
    """
    return {w: word_frequency(w, WORDFREQ_MINIMUM) for w in sorted(set(words))}


def _check_spans(doc_id: str, text: str, spans: Sequence[tuple[int, int]]) -> None:
    for span in spans:
        start, end = span
        if not 0 <= start <= end <= len(text):
            raise ValueError(
                f"span {tuple(span)} of document {doc_id!r} is not inside its text (0..{len(text)})"
            )


def _docs_rows(docs: pl.DataFrame, fname: str) -> list[tuple[str, str]]:
    require_columns(docs, ("doc_id", "text"), who=fname, name="docs")
    require_ids(docs, who=fname, name="docs")
    return [
        (str(d), t or "")
        for d, t in docs.select(pl.col("doc_id").cast(pl.String), "text").iter_rows()
    ]


def _group_map(groups: pl.DataFrame, group_col: str) -> dict[str, str]:
    members = checked(groups, "shared_phrases", group_col)
    return dict(zip(members["doc_id"].to_list(), members["group"].to_list(), strict=True))


def _empty() -> pl.DataFrame:
    return pl.DataFrame(schema=SHARED_PHRASES_SCHEMA)


def _word_tokens(units: pl.LazyFrame, *keep: str) -> pl.LazyFrame:
    """The words of each unit (a ``text`` row), in order: ``pos`` numbers every token match
    over all units, numbers included (so a gap is a dropped number), ``unit`` the row, ``tok``
    the word lowercased, ``cap`` whether it starts with a capital; ``keep`` columns carried."""
    return (
        units.with_row_index("unit")
        .select("unit", *keep, token_lists(pl.col("text")))
        .explode("text")
        .with_row_index("pos")
        .filter(pl.col("text").is_not_null() & pl.col("text").str.contains(r"\p{L}"))
        .select(
            "pos",
            "unit",
            *keep,
            pl.col("text").str.to_lowercase().alias("tok"),
            pl.col("text").str.contains(r"^\p{Lu}").alias("cap"),
        )
    )


def _gram(n: int) -> pl.Expr:
    """The ``n`` words from each token on, joined by spaces (:func:`_word_tokens`)."""
    return pl.concat_str([pl.col("tok").shift(-k) for k in range(n)], separator=" ").alias("phrase")


def _contiguous(n: int) -> pl.Expr:
    """Whether the ``n`` tokens from each token on follow one another in one unit."""
    last = n - 1
    return (pl.col("unit").shift(-last) == pl.col("unit")) & (
        pl.col("pos").shift(-last) - pl.col("pos") == last
    )


def shared_phrases(
    docs: pl.DataFrame,
    spans: Mapping[str, Sequence[tuple[int, int]]],
    groups: pl.DataFrame,
    *,
    min_words: int = 2,
    max_words: int = 5,
    min_groups: int = 2,
    min_count: int = 2,
    stopwords: frozenset[str] | set[str] | None = ENGLISH_STOPWORDS,
    limit: int | None = None,
    per_kind: int | None = None,
    group_col: str = "group",
) -> pl.DataFrame:
    """The ``shared_phrases`` table (:data:`SHARED_PHRASES_SCHEMA`) of a corpus.

    Counting is done in polars, in batches of whole documents (:data:`BATCH_CHARS` characters
    of body text), one pass per phrase length: the tokens of the batch's units with their
    positions, the n-gram as shifted token columns over the same unit, the edge (stopword) and
    contiguity filters. The occurrences go to partitions by a hash of the phrase (one per
    :data:`PART_CHARS` characters of the corpus), held in memory up to :data:`HELD_BYTES` and
    written to a temporary folder beyond that; each partition in turn is grouped by phrase for
    its count and numbers of documents and groups. No frame ever holds every occurrence of a
    large corpus, so memory stays flat as the corpus grows. Subsumed phrases are then dropped,
    distinctiveness computed and the table ranked (module docstring); only the phrases kept
    (``per_kind``, ``limit``) get their lists of groups and documents, read again from the
    partitions.

    Parameters
    ----------
    docs
        ``doc_id``, ``text`` (null text counts as empty).
    spans
        Body spans ``(start, end)`` per doc_id (``Study.spans``), each tokenised on its own; a
        document missing from it has no body.
    groups
        ``doc_id`` and ``group_col``: the group (outlet) of each document. Documents with a null
        group or none here are left out.
    min_words, max_words
        Phrase lengths, in tokens: ``2 <= min_words <= max_words``.
    min_groups
        Keep phrases used by documents of at least this many groups (``>= 1``).
    min_count
        Keep phrases that occur at least this many times in the corpus (``>= 1``).
    stopwords
        Words a phrase may not start or end with (compared lowercased); ``None`` or empty: any.
    limit
        Keep the first ``limit`` rows after sorting (``None``: all; ``>= 0``).
    per_kind
        Keep the ``per_kind`` best-ranked names and formulations (:func:`top_by_kind`, before
        ``limit``; ``None``: all; ``>= 0``). ``rank`` still counts the whole table, and the
        result equals ``top_by_kind`` of the whole table, built without the lists of the
        phrases left out.
    group_col
        The group column of ``groups``.

    Returns
    -------
    pl.DataFrame
        :data:`SHARED_PHRASES_SCHEMA`, sorted by ``distinctiveness`` descending, then
        ``n_groups`` descending, ``count`` descending, ``phrase``. Empty inputs give an empty
        table with the schema.

    Raises
    ------
    ValueError
        Missing columns, repeated doc_ids, a document with two groups, a span outside its text,
        or an argument out of range (the message says which).

    Examples
    --------
    >>> docs = pl.DataFrame({"doc_id": ["a", "b", "c"], "text": [
    ...     "Astana keeps a multi-vector policy. Away from Russia?",
    ...     "The multi-vector policy, they say, moves Astana away from Russia.",
    ...     "Not a multi-vector policy."]})
    >>> spans = {d: [(0, len(t))] for d, t in docs.iter_rows()}
    >>> groups = pl.DataFrame({"doc_id": ["a", "b", "c"], "group": ["X", "Y", "Y"]})
    >>> out = shared_phrases(docs, spans, groups)
    >>> out.select("phrase", "n_groups", "n_docs", "count", "group_counts").rows()
    [('multi-vector policy', 2, 3, 3, [1, 2]), ('away from russia', 2, 2, 2, [1, 1])]
    >>> out["doc_ids"][1].to_list(), out["groups"][1].to_list()
    (['a', 'b'], ['X', 'Y'])
    """
    if min_words < 2:
        raise ValueError(f"shared_phrases: min_words must be >= 2, got {min_words}")
    if max_words < min_words:
        raise ValueError(
            f"shared_phrases: max_words ({max_words}) must be >= min_words ({min_words})"
        )
    if min_groups < 1:
        raise ValueError(f"shared_phrases: min_groups must be >= 1, got {min_groups}")
    if min_count < 1:
        raise ValueError(f"shared_phrases: min_count must be >= 1, got {min_count}")
    if limit is not None and limit < 0:
        raise ValueError(f"shared_phrases: limit must be None or >= 0, got {limit}")
    if per_kind is not None and per_kind < 0:
        raise ValueError(f"shared_phrases: per_kind must be None or >= 0, got {per_kind}")
    require_columns(docs, ("doc_id", "text"), who="shared_phrases", name="docs")
    require_ids(docs, who="shared_phrases", name="docs")
    group_of = _group_map(groups, group_col)

    # Units: the body spans of the documents with a group; doc and group as integer codes.
    doc_names = sorted(d for d in docs["doc_id"].cast(pl.String).to_list() if d in group_of)
    group_names = sorted({group_of[d] for d in doc_names})
    doc_code = {d: i for i, d in enumerate(doc_names)}
    group_code = {g: i for i, g in enumerate(group_names)}
    codes = {d: (c, group_code[group_of[d]]) for d, c in doc_code.items()}
    stop = sorted({w.lower() for w in stopwords or ()})
    chars = sum(end - start for d in doc_names for start, end in spans.get(d, ()))
    n_parts = max(1, math.ceil(chars / PART_CHARS))
    with _Occurrences(n_parts, HELD_BYTES) as occurrences:
        total = 0
        for batch in _unit_batches(docs, spans, codes, BATCH_CHARS):
            total += occurrences.add(batch, stop, min_words, max_words)
        if total == 0:
            return _empty()
        counted = [_counts(part, min_count, min_groups) for part in occurrences.parts()]
        table = pl.concat(counted, how="vertical") if counted else pl.DataFrame()
        if table.height == 0:  # no phrase passed (or none at all: single words, stopwords)
            return _empty()
        table = _drop_subsumed(table, min_words)
        freq = english_frequency(table["phrase"].str.split(" ").explode().unique().to_list())
        log_f = {w: math.log2(f) for w, f in freq.items()}
        table = table.with_columns(
            (
                (
                    (pl.col("count").cast(pl.Float64) / total).log(2)
                    - pl.col("phrase")
                    .str.split(" ")
                    .list.eval(pl.element().replace_strict(log_f, return_dtype=pl.Float64))
                    .list.sum()
                )
                / pl.col("n_words")
            ).alias("distinctiveness")
        )
        table = table.sort(
            ["distinctiveness", "n_groups", "count", "phrase"],
            descending=[True, True, True, False],
        ).with_columns(pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("rank"))
        if per_kind is not None:
            table = top_by_kind(table, per_kind)
        if limit is not None:
            table = table.head(limit)
        # Lists of groups, documents and counts per group of the phrases kept, read again from
        # each partition's occurrences of them alone.
        wanted = table.select("phrase")
        lists = pl.concat(
            [_lists(part.join(wanted, on="phrase", how="semi")) for part in occurrences.parts()],
            how="vertical",
        )
    table = table.join(lists, on="phrase", how="left", maintain_order="left")
    # Codes are ranks of the sorted names, so sorted codes give sorted names.
    doc_lut = pl.Series("doc_id", doc_names, pl.String())
    group_lut = pl.Series("group", group_names, pl.String())
    out = table.with_columns(_decode("groups", group_lut), _decode("doc_ids", doc_lut))
    return out.select(list(SHARED_PHRASES_SCHEMA)).cast(SHARED_PHRASES_SCHEMA)


def _unit_batches(
    docs: pl.DataFrame,
    spans: Mapping[str, Sequence[tuple[int, int]]],
    codes: Mapping[str, tuple[int, int]],
    limit: int,
) -> Iterator[list[tuple[str, int, int]]]:
    """The units ``(span text, doc code, group code)`` of the documents in ``codes``, in
    batches of whole documents of at most ``limit`` characters (a longer document is a batch of
    its own). The texts are read a slice of ``docs`` at a time, so no list of every text is
    made.

    >>> docs = pl.DataFrame({"doc_id": ["a", "b", "c"], "text": ["ab cd", "ef", "gh"]})
    >>> spans = {"a": [(0, 2), (3, 5)], "b": [(0, 2)], "c": [(0, 2)]}
    >>> list(_unit_batches(docs, spans, {"a": (0, 0), "b": (1, 0)}, 4))
    [[('ab', 0, 0), ('cd', 0, 0)], [('ef', 1, 0)]]
    """
    batch: list[tuple[str, int, int]] = []
    size = 0
    for part in docs.select(pl.col("doc_id").cast(pl.String), "text").iter_slices(1_000):
        for doc_id, text in part.iter_rows():
            if doc_id not in codes:
                continue
            text = text or ""
            doc_spans = spans.get(doc_id, ())
            _check_spans(doc_id, text, doc_spans)
            chars = sum(end - start for start, end in doc_spans)
            if batch and size + chars > limit:
                yield batch
                batch, size = [], 0
            code, group = codes[doc_id]
            batch += [(text[start:end], code, group) for start, end in doc_spans]
            size += chars
    if batch:
        yield batch


class _Occurrences:
    """The n-gram occurrences of a corpus, in ``n_parts`` partitions by a hash of the phrase,
    read back one partition at a time. Every occurrence of a phrase is in one partition, so a
    partition's counts are the corpus's. They are held in memory up to ``held_bytes``; beyond
    that, every partition goes to Arrow IPC files in a temporary folder (removed on exit)."""

    def __init__(self, n_parts: int, held_bytes: int) -> None:
        self.n_parts = n_parts
        self.held_bytes = held_bytes
        self.held = 0
        self.frames: list[list[pl.DataFrame]] = [[] for _ in range(n_parts)]
        self.files: list[list[Path]] = [[] for _ in range(n_parts)]
        self.folder: tempfile.TemporaryDirectory[str] | None = None

    def __enter__(self) -> _Occurrences:
        return self

    def __exit__(self, *exc: object) -> None:
        self.frames = []
        if self.folder is not None:
            self.folder.cleanup()

    def add(
        self, units: list[tuple[str, int, int]], stop: list[str], min_words: int, max_words: int
    ) -> int:
        """Add the occurrences of the phrases of ``units`` (``phrase``, ``n_words``, ``doc``,
        ``group``, ``cap_all``: the edge and contiguity filters passed); return how many word
        tokens they hold (``T``)."""
        frame = pl.DataFrame(
            {"text": [u[0] for u in units], "doc": [u[1] for u in units]},
            schema={"text": pl.String(), "doc": pl.UInt32()},
        ).with_columns(pl.Series("group", [u[2] for u in units], pl.UInt32()))
        # Tokens in unit order; ``pos`` numbers every match (numbers included), so ``pos`` of the
        # last token minus ``pos`` of the first is n - 1 exactly when no number was dropped in
        # between; ``unit`` tells spans apart.
        tokens = (
            _word_tokens(frame.lazy(), "doc", "group")
            .with_columns(pl.col("tok").is_in(stop).alias("stop"))
            .collect()
        )
        del frame
        for n in range(min_words, max_words + 1):
            last = n - 1
            grams = (
                tokens.lazy()
                .select(
                    _gram(n),
                    pl.lit(n, pl.UInt8).alias("n_words"),
                    "doc",
                    "group",
                    pl.all_horizontal(
                        [(pl.col("cap") | pl.col("stop")).shift(-k) for k in range(n)]
                    ).alias("cap_all"),
                    (_contiguous(n) & ~pl.col("stop") & ~pl.col("stop").shift(-last)).alias("keep"),
                )
                .filter(pl.col("keep"))
                .drop("keep")
                .collect()
            )
            self._store(grams)
        return tokens.height

    def _store(self, grams: pl.DataFrame) -> None:
        if self.n_parts == 1:
            parts = {0: grams}
        else:
            part = (_phrase_hash(pl.col("phrase")) % self.n_parts).alias("part")
            split = grams.with_columns(part).partition_by("part", as_dict=True)
            parts = {int(cast(int, key[0])): frame.drop("part") for key, frame in split.items()}
        for index, frame in parts.items():
            self.frames[index].append(frame)
            self.held += int(frame.estimated_size())
        if self.held > self.held_bytes:
            self._spill()

    def _spill(self) -> None:
        """Write the frames held to files, one per partition, and let them go."""
        if self.folder is None:
            self.folder = tempfile.TemporaryDirectory(prefix="analysis-phrases-")
        for index, frames in enumerate(self.frames):
            if frames:
                path = Path(self.folder.name) / f"{index}-{len(self.files[index])}.arrow"
                pl.concat(frames, how="vertical").write_ipc(path, compression="lz4")
                self.files[index].append(path)
                frames.clear()
        self.held = 0

    def parts(self) -> Iterator[pl.DataFrame]:
        """Each partition's occurrences, one at a time."""
        for frames, files in zip(self.frames, self.files, strict=True):
            if files or frames:  # a partition no phrase hashed to is skipped
                yield pl.concat([*(pl.read_ipc(f) for f in files), *frames], how="vertical")


def _counts(occ: pl.DataFrame, min_count: int, min_groups: int) -> pl.DataFrame:
    """Per phrase of ``occ`` that passes ``min_count`` and ``min_groups``: its ``count``,
    ``n_docs``, ``n_groups``, ``capitalized`` and ``n_words``.

    The thresholds are checked first on a 64-bit hash of the phrase, which is cheaper to group
    by than the phrase: phrases that share a hash have counts and numbers of groups at least
    each phrase's own, so no phrase that passes is lost, and the exact counts are then taken
    by phrase over the occurrences of the hashes that passed (most phrases occur once)."""
    hashes = occ.lazy().with_columns(_phrase_hash(pl.col("phrase")).alias("hash"))
    passed = (
        hashes.group_by("hash")
        .agg(pl.len().alias("count"), pl.col("group").n_unique().alias("n_groups"))
        .filter((pl.col("count") >= min_count) & (pl.col("n_groups") >= min_groups))
        .select("hash")
    )
    return (
        hashes.join(passed, on="hash", how="semi")
        .group_by("phrase")
        .agg(
            pl.len().cast(pl.Int64).alias("count"),
            pl.col("doc").n_unique().cast(pl.Int64).alias("n_docs"),
            pl.col("group").n_unique().cast(pl.Int64).alias("n_groups"),
            (pl.col("cap_all").mean() > 0.5).alias("capitalized"),
            pl.col("n_words").first().cast(pl.Int64),
        )
        .filter((pl.col("count") >= min_count) & (pl.col("n_groups") >= min_groups))
        .collect()
    )


def _lists(occ: pl.DataFrame) -> pl.DataFrame:
    """Per phrase of ``occ``: its ``groups`` and ``doc_ids`` (sorted codes) and ``group_counts``
    (occurrences per group, aligned with ``groups``)."""
    by_group = (
        occ.group_by("phrase", "group")
        .agg(pl.len().cast(pl.Int64).alias("n"))
        .sort("phrase", "group")
        .group_by("phrase", maintain_order=True)
        .agg(pl.col("group").alias("groups"), pl.col("n").alias("group_counts"))
    )
    by_doc = (
        occ.select("phrase", "doc")
        .unique()
        .sort("phrase", "doc")
        .group_by("phrase", maintain_order=True)
        .agg(pl.col("doc").alias("doc_ids"))
    )
    return by_group.join(by_doc, on="phrase", how="left", maintain_order="left")


def _decode(col: str, lut: pl.Series) -> pl.Expr:
    """Replace the integer codes of a list column by the names they index in ``lut``."""
    mapping = dict(enumerate(lut.to_list()))
    return pl.col(col).list.eval(pl.element().replace_strict(mapping, return_dtype=pl.String))


def _drop_subsumed(table: pl.DataFrame, min_words: int) -> pl.DataFrame:
    """Drop phrases a longer phrase of ``table`` contains with the same ``count``."""
    subs: list[pl.DataFrame] = []
    longer = table.filter(pl.col("n_words") > min_words)
    for n in sorted(set(longer["n_words"].to_list())):
        words = longer.filter(pl.col("n_words") == n).select(
            pl.col("phrase").str.split(" ").alias("w"), "count"
        )
        for m in range(min_words, n):
            for i in range(n - m + 1):
                subs.append(
                    words.select(
                        pl.col("w").list.slice(i, m).list.join(" ").alias("phrase"), "count"
                    )
                )
    if not subs:
        return table
    contained = pl.concat(subs).unique()
    return table.join(contained, on=["phrase", "count"], how="anti")


def _units_holding(units: list[str], phrases: list[str], lengths: list[int]) -> list[int]:
    """Positions of the ``units`` in which one of ``phrases`` (normalised: lowercased tokens
    joined by spaces, of the given ``lengths`` in tokens) may occur, found in polars with the
    tokens of :func:`shared_phrases`; :func:`phrase_occurrences` reads only these in Python.

    >>> _units_holding(["Away, from Russia", "from away", "FROM 2 Russia"], ["from russia"], [2])
    [0]
    """
    if not units or not phrases:
        return []
    frame = pl.DataFrame({"text": units}, schema={"text": pl.String()})
    tokens = _word_tokens(frame.lazy()).collect()
    wanted = pl.DataFrame({"phrase": phrases}, schema={"phrase": pl.String()})
    found = [
        tokens.lazy()
        .select("unit", _gram(n), _contiguous(n).alias("keep"))  # shifted before any filter
        .filter(pl.col("keep"))
        .join(wanted.lazy(), on="phrase", how="semi")
        .select("unit")
        for n in lengths
    ]
    holding = pl.concat(found).unique().sort("unit").collect()
    return cast(list[int], holding["unit"].to_list())


def phrase_occurrences(
    docs: pl.DataFrame,
    spans: Mapping[str, Sequence[tuple[int, int]]],
    phrases: Iterable[str],
    *,
    doc_ids: Iterable[str] | None = None,
) -> pl.DataFrame:
    """Every occurrence of ``phrases`` in the body spans of ``docs`` (:data:`OCCURRENCES_SCHEMA`).

    The units and tokens are those of :func:`shared_phrases` (:func:`tokenize`, Python
    ``regex``): a phrase occurs where its tokens follow one another in one body span with no
    dropped number between them, so over the same documents the rows of a phrase number exactly
    its ``count`` in :func:`shared_phrases`. Occurrences of different phrases may overlap.

    Parameters
    ----------
    docs
        ``doc_id``, ``text``.
    spans
        Body spans per doc_id (``Study.spans``).
    phrases
        Phrases to find; each is tokenised by the same rule, so case and ``’`` do not matter
        (the ``phrase`` column holds the normalised form, as in ``shared_phrases``).
    doc_ids
        Look only in these documents (default: all of ``docs``). Pass the documents that have a
        group to match the counts of :func:`shared_phrases`.

    Returns
    -------
    pl.DataFrame
        ``doc_id``, ``phrase``, ``start``, ``end`` (offsets into the original text:
        ``text[start:end]`` is the phrase as written), ``snippet``; sorted by doc_id, start,
        phrase.

    Raises
    ------
    ValueError
        Missing columns, repeated doc_ids, a span outside its text, or a phrase with no word.

    Examples
    --------
    >>> docs = pl.DataFrame({"doc_id": ["a"], "text": ["Moving AWAY  from\\nRussia’s orbit."]})
    >>> occ = phrase_occurrences(docs, {"a": [(0, 33)]}, ["away from russia's"])
    >>> occ.select("phrase", "start", "end").rows()
    [("away from russia's", 7, 26)]
    >>> docs["text"][0][7:26]
    'AWAY  from\\nRussia’s'
    """
    rows = _docs_rows(docs, "phrase_occurrences")
    wanted: dict[tuple[str, ...], str] = {}
    for phrase in phrases:
        key = tuple(t for t, *_ in tokenize(str(phrase)))
        if not key:
            raise ValueError(f"phrase_occurrences: phrase {phrase!r} has no word")
        wanted[key] = " ".join(key)
    only = None if doc_ids is None else {str(d) for d in doc_ids}
    lengths = sorted({len(k) for k in wanted})
    units: list[tuple[str, str, int, str]] = []  # doc_id, text, lo, the span's text
    for doc_id, text in rows:
        if only is not None and doc_id not in only:
            continue
        doc_spans = spans.get(doc_id, ())
        _check_spans(doc_id, text, doc_spans)
        if wanted:
            units += [(doc_id, text, lo, text[lo:hi]) for lo, hi in doc_spans]
    out: list[tuple[Any, ...]] = []
    holding = _units_holding([u[3] for u in units], list(wanted.values()), lengths)
    firsts = {k[0] for k in wanted}
    for u in holding:
        doc_id, text, lo, unit = units[u]
        toks = tokenize(unit)
        words = [t for t, *_ in toks]
        for i in range(len(toks)):
            if words[i] not in firsts:
                continue
            for n in lengths:
                j = i + n - 1
                if j >= len(toks) or toks[j][3] - toks[i][3] != n - 1:
                    continue
                found = wanted.get(tuple(words[i : i + n]))
                if found is not None:
                    start, end = lo + toks[i][1], lo + toks[j][2]
                    out.append((doc_id, found, start, end, snippet(text, start, end)))
    out.sort(key=lambda r: (r[0], r[2], r[1]))
    return pl.DataFrame(out, schema=OCCURRENCES_SCHEMA, orient="row")


def top_by_kind(table: pl.DataFrame, n: int) -> pl.DataFrame:
    """The ``n`` best-ranked names and the ``n`` best-ranked formulations of a ``shared_phrases``
    table (``capitalized`` true and false), in rank order.

    On a corpus of thousands of articles the table runs to hundreds of thousands of phrases;
    this keeps a readable, documented cut of both kinds (``rank`` still counts the full table).

    >>> t = pl.DataFrame({"rank": [1, 2, 3, 4], "capitalized": [True, True, False, True]})
    >>> top_by_kind(t, 1)["rank"].to_list()
    [1, 3]
    """
    if n < 0:
        raise ValueError(f"top_by_kind: n must be >= 0, got {n}")
    return (
        table.sort("rank")
        .group_by("capitalized", maintain_order=True)
        .head(n)
        .sort("rank")
        .select(table.columns)
    )


def shared_phrase_hits(
    docs: pl.DataFrame, spans: Mapping[str, Sequence[tuple[int, int]]], shared: pl.DataFrame
) -> pl.DataFrame:
    """The ``shared_phrase_hits`` table: every occurrence of the phrases of ``shared``.

    ``shared`` is a :func:`shared_phrases` table (as kept by :func:`top_by_kind`); only the
    documents it names are read (:func:`phrase_occurrences`).
    """
    doc_ids = shared["doc_ids"].explode().unique().to_list()
    return phrase_occurrences(docs, spans, shared["phrase"].to_list(), doc_ids=doc_ids)
