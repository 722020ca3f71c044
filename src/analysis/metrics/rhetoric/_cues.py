"""Cue hits in a document's body (lexicon terms and scare quotes), and their counts per document."""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from analysis.metrics.rhetoric._lexicon import (
    Cue,
    Lexicon,
    ScareQuoteSettings,
    _families,
    _lexicon,
    _matched,
)
from analysis.metrics.rhetoric._schema import (
    _WORD,
    DEFAULT_DETECTOR,
    HITS_SCHEMA,
    RHETORIC_SCHEMA,
    DetectorChoice,
)
from analysis.metrics.rhetoric._spanmodel import SpanModel, load_span_model, model_hits
from analysis.provenance import quotes as quotes_mod
from analysis.text.evidence import snippet
from analysis.text.quotemarks import Pair, pair_quotes
from analysis.text.sentences import sentences as split_sentences
from analysis.text.spans import clean_spans
from analysis.text.words import word_counts

__all__ = [
    "MIN_MODEL_PRECISION",
    "combine_hits",
    "counted_techniques",
    "rhetoric_counts",
    "rhetoric_hits",
    "sentence_spans",
    "word_counts",
]


@dataclass(frozen=True)
class _Body:
    text: str
    spans: tuple[tuple[int, int], ...]  # cleaned body spans
    pairs: tuple[tuple[Pair, ...], ...]  # quote marks, per span
    sentences: tuple[tuple[int, int], ...]
    starts: tuple[int, ...]  # sentence starts

    def sentence_no(self, pos: int) -> int:
        return bisect.bisect_right(self.starts, pos)


def _body(text: str, spans: Iterable[tuple[int, int]]) -> _Body:
    clean = tuple(clean_spans(text, spans))
    pairs = tuple(tuple(pair_quotes(text, s, e)) for s, e in clean)
    sentences: list[tuple[int, int]] = []
    for (s, e), span_pairs in zip(clean, pairs, strict=True):
        sentences += split_sentences(text, s, e, span_pairs)
    return _Body(text, clean, pairs, tuple(sentences), tuple(a for a, _b in sentences))


def sentence_spans(text: str, spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The body sentences of a document: ``(start, end)`` in text order; sentence ``n`` (the
    ``sentence_no`` of the tables) is item ``n - 1``. Spans are cleaned first
    (:func:`analysis.provenance.quotes.clean_spans`) and never merged.

    >>> text = "Title\\nMr. Smith left. He said: “No. Never.” Then he came back."
    >>> [text[a:b] for a, b in sentence_spans(text, [(0, 5), (6, len(text))])]
    ['Title', 'Mr. Smith left. ', 'He said: “No. Never.” ', 'Then he came back.']
    """
    return list(_body(text, spans).sentences)


def _docs_rows(docs: pl.DataFrame) -> list[tuple[str, str]]:
    return [(str(d), t) for d, t in docs.select("doc_id", "text").iter_rows() if t is not None]


_SENTENCE_INSIDE = re.compile(r"[.!?…]\s+\S")


def _attributed(quotes: pl.DataFrame | None) -> dict[str, list[tuple[int, int, str]]]:
    out: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    if quotes is None:
        return out
    rows = quotes.filter(pl.col("speaker").is_not_null()).select("doc_id", "start", "end", "kind")
    for doc_id, s, e, kind in rows.iter_rows():
        out[str(doc_id)].append((int(s), int(e), str(kind)))
    return out


def _scare_quotes(
    body: _Body, settings: ScareQuoteSettings, attributed: Sequence[tuple[int, int, str]]
) -> list[tuple[int, int]]:
    text = body.text
    speech = _Speech(attributed)
    out: list[tuple[int, int]] = []
    for (lo, _hi), pairs in zip(body.spans, body.pairs, strict=True):
        for p in pairs:
            if not p.closed:
                continue
            s, e = p.open + 1, p.close
            content = text[s:e]
            n_words = len(_WORD.findall(content))
            if not 1 <= n_words <= settings.max_words or _SENTENCE_INSIDE.search(content):
                continue
            before = re.search(r"([\w-]+)[^\w]*$", text[max(lo, p.open - 40) : p.open])
            if before and before.group(1).lower() in settings.name_words:
                continue
            if not speech.covers(p.open, p.close, s, e):
                out.append((p.open, p.close + 1))
    return out


class _Speech:
    """Attributed quotes of one document, indexed so that a quote-mark pair is checked against
    the few that can concern it rather than all of them (a long document has thousands)."""

    def __init__(self, attributed: Sequence[tuple[int, int, str]]) -> None:
        direct = sorted((qs, qe) for qs, qe, kind in attributed if kind == "direct")
        self._direct_starts = [qs for qs, _ in direct]
        self._direct_ends = [qe for _, qe in direct]
        reported = sorted((qs, qe) for qs, qe, kind in attributed if kind == "reported")
        self._reported_starts = [qs for qs, _ in reported]
        self._reported_reach: list[int] = []  # the furthest end among reported[: i + 1]
        for _, qe in reported:
            self._reported_reach.append(
                max(qe, self._reported_reach[-1] if self._reported_reach else qe)
            )

    def covers(self, open_: int, close: int, s: int, e: int) -> bool:
        """Whether the pair ``open_ .. close`` (content ``s:e``) is attributed speech: a direct
        quote inside its marks overlapping its content, or a reported clause holding its opening
        mark."""
        lo = bisect.bisect_left(self._direct_starts, open_)
        hi = bisect.bisect_left(self._direct_starts, e)  # direct quotes with open_ <= qs < e
        if any(s < qe <= close + 1 for qe in self._direct_ends[lo:hi]):
            return True
        i = bisect.bisect_right(self._reported_starts, open_)  # reported with qs <= open_
        return i > 0 and self._reported_reach[i - 1] > open_


def _lexicon_hits(
    body: _Body, lex: Lexicon, families: Sequence[str]
) -> list[tuple[str, int, int, Cue]]:
    """Cue hits of some lexicon families: ``(family, start, end, cue)``.

    Each family is matched on its own (leftmost, longest, not overlapping within the family);
    one pass of a regex of all cues finds the positions where any family can match, and the
    families' regexes are tried only there, which gives the same hits as one pass per family.
    """
    candidates = lex._any_cue
    matchers = [(f, *lex._matchers[f]) for f in families if f in lex._matchers]
    if candidates is None or not matchers:
        return []
    out: list[tuple[str, int, int, Cue]] = []
    text = body.text
    for lo, hi in body.spans:
        free = dict.fromkeys(families, lo)  # each family's next unmatched position
        for cand in candidates.finditer(text, lo, hi):
            p = cand.start()
            for fam, regex, ordered in matchers:
                if p < free[fam]:
                    continue
                m = regex.match(text, p, hi)
                if m:
                    out.append((fam, p, m.end(), _matched(m, ordered)))
                    free[fam] = m.end()
    return out


#: The span model's hits of a technique are used (``detector`` model or both) only where its
#: cross-validated precision (overlap measure, kept in its file) reaches this: below it, nine in
#: ten of them or more would be wrong, and a family's rate would be mostly noise.
MIN_MODEL_PRECISION = 0.10


def counted_techniques(lex: Lexicon, model: SpanModel) -> dict[str, str]:
    """The techniques whose span-model hits are used, each with the family that counts them: the
    lexicon's ``model: true`` families, less the techniques the model finds with a
    cross-validated precision below :data:`MIN_MODEL_PRECISION`."""
    cv = model.training.get("cross_validated", {})
    return {
        t: f
        for t, f in lex.model_families.items()
        if (cv.get(t, {}).get("precision") or 0.0) >= MIN_MODEL_PRECISION
    }


#: One hit before it becomes a row: family, technique, term, detector, score, start, end.
_Hit = tuple[str, str | None, str | None, str, float | None, int, int]


def combine_hits(
    lexicon_hits: Sequence[_Hit],
    model_hits: Iterable[tuple[str, int, int, float]],
    model_families: Mapping[str, str],
) -> list[_Hit]:
    """One document's hits when both detectors run: every lexicon hit, marked ``both`` (with the
    model's highest score among them) where a model hit of the same technique overlaps it, and
    every model hit (``technique, start, end, score``) that overlaps no lexicon hit of its
    technique, in the family that counts the model's hits of that technique.

    >>> lex = [("loaded", "Loaded_Language", "sham", "lexicon", None, 10, 14),
    ...        ("hedges", None, "perhaps", "lexicon", None, 0, 7)]
    >>> model = [("Loaded_Language", 8, 20, 0.61), ("Repetition", 30, 41, 0.4)]
    >>> for hit in combine_hits(lex, model, {"Loaded_Language": "loaded",
    ...                                      "Repetition": "repetition"}):
    ...     print(hit)
    ('loaded', 'Loaded_Language', 'sham', 'both', 0.61, 10, 14)
    ('hedges', None, 'perhaps', 'lexicon', None, 0, 7)
    ('repetition', 'Repetition', None, 'model', 0.4, 30, 41)
    """
    out = list(lexicon_hits)
    extra: list[_Hit] = []
    for technique, start, end, score in model_hits:
        found = False
        for i, (fam, tech, term, _det, prev, s, e) in enumerate(out):
            if tech == technique and s < end and start < e:
                best = score if prev is None else max(prev, score)
                out[i] = (fam, tech, term, "both", best, s, e)
                found = True
        if not found:
            extra.append((model_families[technique], technique, None, "model", score, start, end))
    return out + extra


def rhetoric_hits(
    docs: pl.DataFrame,
    spans: Mapping[str, Sequence[tuple[int, int]]],
    quotes: pl.DataFrame | None = None,
    families: Iterable[str] | None = None,
    lexicon: str | Lexicon = "default",
    detector: DetectorChoice = DEFAULT_DETECTOR,
    model: SpanModel | None = None,
) -> pl.DataFrame:
    """The ``rhetoric_hits`` table (:data:`HITS_SCHEMA`) of a corpus.

    Parameters
    ----------
    docs
        ``doc_id``, ``text``.
    spans
        Body spans per doc_id (``Study.spans``); a document missing from it has no body and
        no hits.
    quotes
        The ``quotes`` table of the same documents
        (:func:`analysis.provenance.quotes.quotes_table`), which
        keeps attributed speech out of the scare quotes; computed when not given and scare quotes
        are asked for (the slow part: pass it when you have it).
    families
        Families to detect (default: all of the lexicon).
    lexicon
        A lexicon name (:func:`load_lexicon`) or a :class:`Lexicon`.
    detector
        Who finds the cues of the families marked ``model: true`` in the lexicon (one per PTC
        technique): ``lexicon`` (their terms), ``model`` (the span model,
        :func:`~analysis.metrics.rhetoric.model_hits`) or ``both`` (every lexicon hit, and the
        model's hits that overlap no lexicon hit of their technique; a lexicon hit the model
        also found says ``both`` and carries the model's score: :func:`combine_hits`). The
        model is used only for techniques it finds with a cross-validated precision of at least
        :data:`MIN_MODEL_PRECISION` (:func:`counted_techniques`); the other families (scare
        quotes, certainty, hedges, delegitimizing, and those of the techniques below the floor)
        are always the lexicon's. A model hit runs over words at or above the threshold within
        a paragraph, so it may cross a sentence end; its ``sentence_no`` is where it starts.
    model
        The span model (default: the shipped one, :func:`load_span_model`).

    Examples
    --------
    >>> docs = pl.DataFrame({"doc_id": ["d"], "text": [
    ...     "Title\\nIt is no coincidence that the so-called «experts» praise the Kyiv regime."]})
    >>> hits = rhetoric_hits(docs, {"d": [(6, 79)]}, detector="lexicon")
    >>> for row in hits.select("family", "term", "start", "end", "sentence_no").iter_rows():
    ...     print(row)
    ('insinuation', 'it is no coincidence', 6, 26, 1)
    ('delegitimizing', 'so-called', 36, 45, 1)
    ('scare_quotes', '«experts»', 46, 55, 1)
    ('labelling', 'Kyiv regime', 67, 78, 1)
    >>> docs["text"][0][46:55], docs["text"][0][67:78]
    ('«experts»', 'Kyiv regime')
    """
    lex = _lexicon(lexicon)
    chosen = _families(lex, families, detector)
    counted: dict[str, str] = {}  # technique -> the family that counts the model's hits
    if detector != "lexicon":
        counted = counted_techniques(lex, model or load_span_model())
    # With the model, a lexicon hit of any family with a technique can take in a model hit: every
    # such family is detected and the chosen ones kept at the end, so that choosing families
    # filters the table and changes no row.
    computed = tuple(
        f for f in lex.family_names if f in chosen or (counted and lex.family(f).technique)
    )
    rows = _docs_rows(docs)
    want_scare = any(lex.family(f).detector == "scare_quotes" for f in computed)
    if want_scare and quotes is None:
        quotes = quotes_mod.quotes_table(docs, spans)
    attributed = _attributed(quotes)
    by_model_only = set(counted.values()) if detector == "model" else set()
    by_lexicon = [
        f for f in computed if lex.family(f).detector == "lexicon" and f not in by_model_only
    ]
    scare = [lex.family(f) for f in computed if lex.family(f).detector == "scare_quotes"]
    found_by_model = _model_hits(docs, spans, model, counted)
    out: list[tuple[Any, ...]] = []
    for doc_id, text in rows:
        body = _body(text, spans.get(doc_id, []))
        if not body.spans:
            continue
        found: list[_Hit] = [
            (f, c.technique, c.term, "lexicon", None, s, e)
            for f, s, e, c in _lexicon_hits(body, lex, by_lexicon)
        ]
        for fam in scare:
            for s, e in _scare_quotes(body, lex.scare_quotes, attributed.get(doc_id, [])):
                found.append((fam.name, fam.technique, text[s:e], "lexicon", None, s, e))
        by_model = found_by_model.get(doc_id, [])
        if detector == "both":
            found = combine_hits(found, by_model, counted)
        else:  # the model alone, beside the families it does not count
            found += [(counted[t], t, None, "model", sc, a, b) for t, a, b, sc in by_model]
        for fam_name, technique, term, det, score, s, e in found:
            if fam_name not in chosen:
                continue
            out.append(
                (
                    doc_id,
                    fam_name,
                    technique,
                    term,
                    det,
                    score,
                    s,
                    e,
                    body.sentence_no(s),
                    snippet(text, s, e),
                )
            )
    frame = pl.DataFrame(out, schema=HITS_SCHEMA, orient="row")
    return frame.sort("doc_id", "start", "end", "family", "term")


def _model_hits(
    docs: pl.DataFrame,
    spans: Mapping[str, Sequence[tuple[int, int]]],
    model: SpanModel | None,
    model_families: Mapping[str, str],
) -> dict[str, list[tuple[str, int, int, float]]]:
    """The span model's hits of the techniques in ``model_families``, per document."""
    out: dict[str, list[tuple[str, int, int, float]]] = defaultdict(list)
    if not model_families:
        return out
    hits = model_hits(docs, spans, model).filter(pl.col("technique").is_in(list(model_families)))
    for doc_id, technique, start, end, score in hits.iter_rows():
        out[doc_id].append((technique, start, end, score))
    return out


def rhetoric_counts(
    hits: pl.DataFrame,
    bodies: pl.DataFrame,
    families: Iterable[str] | None = None,
    lexicon: str | Lexicon = "default",
    detector: DetectorChoice = DEFAULT_DETECTOR,
) -> pl.DataFrame:
    """The ``rhetoric`` table (:data:`RHETORIC_SCHEMA`): every family for every document
    (families the span model alone finds are left out when ``detector`` is ``lexicon``).

    ``bodies`` has ``doc_id`` and either ``words`` (:func:`word_counts`) or ``body`` (the
    ``bodies`` table of :mod:`analysis.provenance.boilerplate`). Raises ``ValueError`` when
    ``hits`` name a
    document missing from ``bodies`` or a family not counted, so that every count is backed by
    exactly ``count`` hits.

    >>> hits = pl.DataFrame({"doc_id": ["a"], "family": ["loaded"]})
    >>> words = pl.DataFrame({"doc_id": ["a", "b"], "words": [500, 0]})
    >>> for row in rhetoric_counts(hits, words, families=["loaded", "hedges"]).iter_rows():
    ...     print(row)
    ('a', 'hedges', 0, 0.0)
    ('a', 'loaded', 1, 2.0)
    ('b', 'hedges', 0, None)
    ('b', 'loaded', 0, None)
    """
    chosen = _families(_lexicon(lexicon), families, detector)
    lexicon_only = detector == "lexicon" and "detector" in hits.columns
    if lexicon_only and not hits.filter(pl.col("detector") != "lexicon").is_empty():
        raise ValueError("hits of the span model counted with detector='lexicon'")
    words = bodies if "words" in bodies.columns else word_counts(bodies)
    words = words.select(pl.col("doc_id").cast(pl.String), pl.col("words").cast(pl.Int64))
    missing = set(hits["doc_id"].unique().to_list()) - set(words["doc_id"].to_list())
    if missing:
        raise ValueError(f"hits of documents without a body: {sorted(missing)[:5]}")
    stray = set(hits["family"].unique().to_list()) - set(chosen)
    if stray:
        raise ValueError(f"hits of families not counted: {sorted(stray)}")
    grid = words.join(
        pl.DataFrame({"family": list(chosen)}, schema={"family": pl.String()}), how="cross"
    )
    counts = hits.group_by("doc_id", "family").agg(pl.len().cast(pl.Int64).alias("count"))
    out = grid.join(counts, on=["doc_id", "family"], how="left").with_columns(
        pl.col("count").fill_null(0)
    )
    per_1k = pl.when(pl.col("words") > 0).then(pl.col("count") * 1000.0 / pl.col("words"))
    return (
        out.select("doc_id", "family", "count", per_1k.alias("per_1k_words"))
        .cast(RHETORIC_SCHEMA)
        .sort("doc_id", "family")
    )
