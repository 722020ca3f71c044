"""The learned span detector: one token-level logistic regression per PTC technique.

A token is a word (:data:`~analysis.metrics.rhetoric._schema.WORD_PATTERN`) of a body span.
Its features (:func:`document_features`) are

- for itself: the lowercased word, its shape (``Aa``, ``AA``, ``a``, ``0``), its last two, three
  and four and first three letters, and the word's Zipf frequency in English in half units,
  rounded down (from the installed ``wordfreq`` package; ``zipf=0`` for words it does not know),
  and its absolute VADER valence rounded to a whole unit (``val=0`` .. ``val=4``; ``val=n`` for
  words VADER does not rate: :func:`_valences`);
- for the word before and the word after it in the same body span: the lowercased word, its
  Zipf band and its valence band; for the second word before and after it: its Zipf band;
  ``<pad>`` beyond the span;
- from the document: how often the word occurs in it (``rep=1``, ``2``, ``3`` for 3-4, ``5`` for
  5 or more; content words of three letters or more only), whether the word pair it starts or
  ends occurs again in the document (``rep_pair+``, ``rep_pair-``), and ``first`` for the first
  word of a span.

A technique's score is the logistic function of its bias plus the weights of the token's features
(every weight rounded to :data:`COEF_DECIMALS` places in the model file), rounded to
:data:`DECIMALS` places; tokens at or above the technique's threshold that follow each other in a
body span make one hit, from the first token's start to the last token's end, scored by its
highest token. Everything is computed per document, so a document's hits never depend on the
batch it comes in. No lexicon term is a feature: the lexicons were tuned on the PTC articles the
model is trained on, and would make its cross-validated figures in-sample ones.

The model file (``data/span_model.json``) is built by :mod:`analysis.metrics.rhetoric.spantrain`
(``nox -s train_spans``); its card is ``data/span_model.md``.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from typing import Any, cast

import numpy as np
import polars as pl

from analysis.core.data import read_text
from analysis.text.frequency import zipf_frequency
from analysis.text.spans import clean_spans
from analysis.text.tokens import ENGLISH_STOPWORDS

__all__ = [
    "BATCH",
    "COEF_DECIMALS",
    "DECIMALS",
    "MODEL_FILE",
    "MODEL_HITS_SCHEMA",
    "WINDOW",
    "SpanModel",
    "document_features",
    "document_tokens",
    "dumps",
    "load_span_model",
    "model_hits",
    "sigmoid_scores",
    "token_scores",
    "word_offsets",
]

MODEL_FILE = "span_model.json"
#: Places of the rounded token scores.
DECIMALS = 4
#: Places of the rounded weights in the model file.
COEF_DECIMALS = 3
#: Offsets of the context words a token's features read.
WINDOW = (-2, -1, 0, 1, 2)

#: Columns of :func:`model_hits`. Sorted by doc_id, start, end, technique.
MODEL_HITS_SCHEMA = pl.Schema(
    {
        "doc_id": pl.String(),
        "technique": pl.String(),
        "start": pl.Int64(),  # text[start:end] is the hit
        "end": pl.Int64(),
        "score": pl.Float64(),  # the highest token score of the hit, DECIMALS places
    }
)


def _shape(word: str) -> str:
    if word.isdigit():
        return "0"
    if word.isupper() and len(word) > 1:
        return "AA"
    return "Aa" if word[:1].isupper() else "a"


@cache
def _zipf_band(low: str) -> str:
    """Twice the word's Zipf frequency in English (``wordfreq.zipf_frequency``, read through
    :func:`analysis.text.frequency.zipf_frequency`), cut to a whole number.

    >>> _zipf_band("the"), _zipf_band("propaganda"), _zipf_band("qzxv"), _zipf_band("don't")
    ('15', '8', '0', '12')
    """
    return str(int(zipf_frequency(low) * 2))


@cache
def _valences() -> dict[str, float]:
    """VADER's word valences: the mean of ten human ratings from -4 (most negative) to +4 (most
    positive) of 7,500 English words and emoticons (Hutto & Gilbert 2014, *VADER: A Parsimonious
    Rule-based Model for Sentiment Analysis of Social Media Text*, ICWSM), read from the lexicon
    file of the installed ``vaderSentiment`` package (MIT)."""
    text = files("vaderSentiment").joinpath("vader_lexicon.txt").read_text("utf-8")
    out: dict[str, float] = {}
    for line in text.splitlines():
        entry, _, rest = line.partition("\t")
        if rest:
            out[entry] = float(rest.split("\t", 1)[0])
    return out


@cache
def _valence_band(low: str) -> str:
    """The word's absolute VADER valence rounded to a whole unit (halves up), ``n`` for a word
    VADER does not rate.

    >>> _valence_band("horrible"), _valence_band("good"), _valence_band("table")
    ('3', '2', 'n')
    """
    v = _valences().get(low)
    return "n" if v is None else str(int(abs(v) + 0.5))


def _word_features(word: str, k: int) -> tuple[str, ...]:
    """The features a word gives the token ``k`` places before it (the word is the token's
    neighbour at offset ``k``; k = 0: the token itself)."""
    low = word.lower()
    if abs(k) > 1:
        return (f"zipf{k:+d}={_zipf_band(low)}",)
    if k:
        return (
            f"w{k:+d}={low}",
            f"zipf{k:+d}={_zipf_band(low)}",
            f"val{k:+d}={_valence_band(low)}",
        )
    return (
        f"w={low}",
        f"shape={_shape(word)}",
        f"suf2={low[-2:]}",
        f"suf3={low[-3:]}",
        f"suf4={low[-4:]}",
        f"pre3={low[:3]}",
        f"zipf={_zipf_band(low)}",
        f"val={_valence_band(low)}",
    )


#: The kinds of feature a word gives, in :func:`_word_features`' order, by distance |k| (0, 1,
#: 2) from the token; a kind is named with its offset (``w-1``) when k is not 0.
_KINDS = (
    ("w", "shape", "suf2", "suf3", "suf4", "pre3", "zipf", "val"),
    ("w", "zipf", "val"),
    ("zipf",),
)


def _pad_feature(k: int) -> str:
    return f"w{k:+d}=<pad>"


@dataclass(frozen=True)
class Tokens:
    """The words of one document's body spans, in text order."""

    words: list[str]
    starts: np.ndarray  # int64 character offsets
    ends: np.ndarray
    span: np.ndarray  # index of the body span of each word


@cache
def _char_classes() -> tuple[np.ndarray, np.ndarray]:
    """Per code point: whether Python's ``\\w`` matches it (asked of ``re`` itself, for every
    code point at once), and whether it may join two words (the apostrophes and hyphen of
    :data:`WORD_PATTERN`)."""
    every = "".join(map(chr, range(sys.maxunicode + 1)))
    marked = re.sub(r"\w", "\0", every).encode("utf-32-le", "surrogatepass")
    word = np.frombuffer(marked, dtype=np.uint32) == 0
    word = word.copy()
    word[0] = False  # chr(0) itself is no word character
    joiner = np.zeros(sys.maxunicode + 1, dtype=bool)
    joiner[[ord(c) for c in "'’-"]] = True
    return word, joiner


def word_offsets(text: str, lo: int = 0, hi: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Starts and ends of the words of ``text[lo:hi]`` (offsets into ``text``): the matches of
    :data:`WORD_PATTERN`, found with array operations on the code points (about twice as fast as
    ``re.finditer``; tests check they are the same).

    >>> [a.tolist() for a in word_offsets("So-called 'experts' -- don’t.")]
    [[0, 11, 23], [9, 18, 28]]
    """
    hi = len(text) if hi is None else hi
    cp = np.frombuffer(text[lo:hi].encode("utf-32-le"), dtype=np.uint32)
    word, joiner = _char_classes()
    inside = word[cp]
    join = joiner[cp]
    join[0:1] = False
    join[-1:] = False
    join[1:-1] &= inside[:-2] & inside[2:]
    step = np.diff((inside | join).astype(np.int8), prepend=np.int8(0), append=np.int8(0))
    return np.flatnonzero(step == 1) + lo, np.flatnonzero(step == -1) + lo


def document_tokens(text: str, spans: Sequence[tuple[int, int]]) -> Tokens:
    """The words of ``text`` inside ``spans`` with their offsets.

    The text is read once: a word of the whole text that lies inside a span is that span's
    word. When a word crosses a span's edge (spans cut inside a word, or a word runs from a gap
    into a span) each span is read on its own instead, which is what the fast path equals.

    >>> t = document_tokens("A so-called win. Next", [(0, 16), (17, 21)])
    >>> t.words, t.starts.tolist(), t.span.tolist()
    (['A', 'so-called', 'win', 'Next'], [0, 2, 12, 17], [0, 0, 0, 1])
    """
    empty = np.zeros(0, dtype=np.int64)
    if not spans:
        return Tokens([], empty, empty, empty)
    lo = np.array([a for a, _ in spans], dtype=np.int64)
    hi = np.array([b for _, b in spans], dtype=np.int64)
    ordered = bool(np.all(lo[1:] >= hi[:-1])) and bool(np.all(hi >= lo))
    st = en = span = empty
    if ordered:
        st, en = word_offsets(text, int(lo[0]), int(hi[-1]))
        span = np.searchsorted(lo, st, side="right") - 1
        inside = st < hi[span]
        crossing = inside & (en > hi[span])  # starts in a span, ends beyond it
        following = np.minimum(span + 1, lo.size - 1)
        entering = ~inside & (span + 1 < lo.size) & (en > lo[following])  # starts in a gap
        if crossing.any() or entering.any():
            ordered = False
        else:
            st, en, span = st[inside], en[inside], span[inside]
    if not ordered:
        parts = [word_offsets(text, a, b) for a, b in spans]
        st = np.concatenate([p[0] for p in parts]).astype(np.int64)
        en = np.concatenate([p[1] for p in parts]).astype(np.int64)
        span = np.concatenate([np.full(p[0].size, i, dtype=np.int64) for i, p in enumerate(parts)])
    words = [text[a:b] for a, b in zip(st.tolist(), en.tolist(), strict=True)]
    return Tokens(words, st.astype(np.int64), en.astype(np.int64), span.astype(np.int64))


def _repetition(tokens: Tokens) -> tuple[list[str | None], np.ndarray, np.ndarray]:
    """Per token: its repetition band (None for stopwords and short words), and whether the pair
    it starts (ends) occurs again in the document."""
    low = [w.lower() for w in tokens.words]
    counts = Counter(low)
    bands: list[str | None] = []
    for w in low:
        if len(w) < 3 or w in ENGLISH_STOPWORDS:
            bands.append(None)
            continue
        c = counts[w]
        bands.append("1" if c == 1 else "2" if c == 2 else "3" if c <= 4 else "5")
    n = len(low)
    same = tokens.span[1:] == tokens.span[:-1] if n > 1 else np.zeros(0, dtype=bool)
    pairs = [(low[i], low[i + 1]) if same[i] else None for i in range(n - 1)]
    pair_counts = Counter(p for p in pairs if p is not None)
    repeated = np.array([p is not None and pair_counts[p] > 1 for p in pairs], dtype=bool)
    starts_pair = np.zeros(n, dtype=bool)
    ends_pair = np.zeros(n, dtype=bool)
    starts_pair[: n - 1] = repeated
    ends_pair[1:] = repeated
    return bands, starts_pair, ends_pair


def _first(tokens: Tokens) -> np.ndarray:
    first = np.ones(len(tokens.words), dtype=bool)
    first[1:] = tokens.span[1:] != tokens.span[:-1]
    return first


def _document_level(tokens: Tokens) -> list[list[str]]:
    bands, starts_pair, ends_pair = _repetition(tokens)
    first = _first(tokens)
    out: list[list[str]] = []
    for i, band in enumerate(bands):
        f = [] if band is None else [f"rep={band}"]
        if starts_pair[i]:
            f.append("rep_pair+")
        if ends_pair[i]:
            f.append("rep_pair-")
        if first[i]:
            f.append("first")
        out.append(f)
    return out


def document_features(tokens: Tokens) -> Iterator[list[str]]:
    """Each token's features, as strings (training; inference sums the same weights faster).

    >>> t = document_tokens("Evil plans. Evil plans!", [(0, 23)])
    >>> next(document_features(t))[:8]
    ['w-2=<pad>', 'w-1=<pad>', 'w=evil', 'shape=Aa', 'suf2=il', 'suf3=vil', 'suf4=evil', 'pre3=evi']
    """
    n = len(tokens.words)
    span = tokens.span
    doc = _document_level(tokens)
    for i in range(n):
        f: list[str] = []
        for k in WINDOW:
            j = i + k
            if 0 <= j < n and span[j] == span[i]:
                f.extend(_word_features(tokens.words[j], k))
            else:
                f.append(_pad_feature(k))
        f.extend(doc[i])
        yield f


@dataclass
class SpanModel:
    """The shipped span detector (:func:`load_span_model`).

    Inference sums each distinct word's feature weights once per process, for every offset of
    :data:`WINDOW`: tables of ``(WINDOW, 1 + words seen, techniques)`` grown as new words come
    (:meth:`word_ids`; row 0 holds the pad's weights).
    """

    version: str
    techniques: tuple[str, ...]
    thresholds: np.ndarray  # per technique
    bias: np.ndarray  # per technique
    weights: dict[str, np.ndarray]  # feature -> weight per technique (zeros left out)
    training: dict[str, Any]
    sentences: dict[str, Any] | None = None  # the sentence view (_sentmodel.SentenceModel)
    _index: dict[str, int] = field(default_factory=dict, repr=False)
    _table: np.ndarray = field(
        default_factory=lambda: np.zeros((0, 0, 0)), repr=False
    )  # (WINDOW, rows, techniques)
    _lower: dict[str, int] = field(default_factory=dict, repr=False)
    _lower_of: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64), repr=False)
    _content: np.ndarray = field(default_factory=lambda: np.zeros(0, bool), repr=False)
    _fixed: np.ndarray | None = field(default=None, repr=False)
    _rows: dict[str, int] | None = field(default=None, repr=False)
    _kinds: dict[str, dict[str, int]] | None = field(default=None, repr=False)
    _matrix_rows: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)), repr=False)

    def feature_sum(self, features: Sequence[str]) -> np.ndarray:
        """The summed weights of ``features`` (unknown ones weigh nothing)."""
        total = np.zeros(len(self.techniques))
        for f in features:
            w = self.weights.get(f)
            if w is not None:
                total = total + w
        return total

    def fixed(self) -> np.ndarray:
        """Weights of the features that are no word's: the pads of :data:`WINDOW` (rows 0-4,
        zeros at offset 0), then :data:`_FIXED` (rows 5-)."""
        if self._fixed is None:
            pads = [self.feature_sum([_pad_feature(k)] if k else []) for k in WINDOW]
            self._fixed = np.stack(pads + [self.feature_sum([f]) for f in _FIXED])
        return self._fixed

    def _grow(self, rows: int) -> None:
        """Room for ``rows`` rows in the weight tables (row 0: the pads)."""
        if rows <= self._table.shape[1]:
            return
        size = max(1024, 2 * rows)
        grown = np.zeros((len(WINDOW), size, len(self.techniques)))
        lower_of = np.zeros(size, dtype=np.int64)
        content = np.zeros(size, dtype=bool)
        used = len(self._index) + 1
        if self._table.shape[1]:
            grown[:, :used] = self._table[:, :used]
            lower_of[:used] = self._lower_of[:used]
            content[:used] = self._content[:used]
        else:
            grown[:, 0] = self.fixed()[: len(WINDOW)]
        self._table, self._lower_of, self._content = grown, lower_of, content

    def _matrix(self) -> tuple[dict[str, int], np.ndarray]:
        """Row of each feature in a weight matrix whose last row is zeros (unknown features)."""
        if self._rows is None:
            names = list(self.weights)
            self._rows = {f: i for i, f in enumerate(names)}
            zeros = np.zeros((1, len(self.techniques)))
            self._matrix_rows = np.vstack([*(self.weights[f] for f in names), zeros])
        return self._rows, self._matrix_rows

    def _by_kind(self) -> dict[str, dict[str, int]]:
        """Row of each feature in :meth:`_matrix` by its kind (the name before ``=``: ``w-1``,
        ``suf3``, ``zipf+2``) and its value (the rest)."""
        if self._kinds is None:
            kinds: dict[str, dict[str, int]] = {}
            for name, row in self._matrix()[0].items():
                kind, _, value = name.partition("=")
                kinds.setdefault(kind, {})[value] = row
            self._kinds = kinds
        return self._kinds

    def _add(self, words: Sequence[str]) -> None:
        """Weight-table rows for new ``words`` (distinct, not yet in the table): each row the
        sum of its features' weights, in feature order (:func:`_word_features`).

        Built a kind of feature at a time over all the words, each value looked up in that
        kind's rows (:meth:`_by_kind`), instead of a name per feature and word; the sums are
        the same additions in the same order as :meth:`_add_reference` (tests check)."""
        _, matrix = self._matrix()
        kinds = self._by_kind()
        unknown = matrix.shape[0] - 1
        first = len(self._index) + 1
        self._grow(first + len(words))
        lows = [w.lower() for w in words]
        values = {
            "w": lows,
            "shape": [_shape(w) for w in words],
            "suf2": [low[-2:] for low in lows],
            "suf3": [low[-3:] for low in lows],
            "suf4": [low[-4:] for low in lows],
            "pre3": [low[:3] for low in lows],
            "zipf": [_zipf_band(low) for low in lows],
            "val": [_valence_band(low) for low in lows],
        }
        for j, k in enumerate(WINDOW):
            parts = []
            for base in _KINDS[min(abs(k), 2)]:
                rows = kinds.get(base if not k else f"{base}{k:+d}", {})
                parts.append(matrix[[rows.get(v, unknown) for v in values[base]]])
            # np.add.reduceat's order: the first, plus the rest summed one after another
            rest = parts[1] if len(parts) > 1 else None
            for part in parts[2:]:
                rest = rest + part
            self._table[j, first : first + len(words)] = (
                parts[0] if rest is None else parts[0] + rest
            )
        self._register(words, first)

    def _add_reference(self, words: Sequence[str]) -> None:
        """:meth:`_add` from the feature names of :func:`_word_features` (the reference)."""
        rows, matrix = self._matrix()
        unknown = matrix.shape[0] - 1
        first = len(self._index) + 1
        self._grow(first + len(words))
        for j, k in enumerate(WINDOW):
            index: list[int] = []
            starts: list[int] = []
            for word in words:
                starts.append(len(index))
                index.extend(rows.get(f, unknown) for f in _word_features(word, k))
            sums = np.add.reduceat(matrix[index], starts, axis=0)
            self._table[j, first : first + len(words)] = sums
        self._register(words, first)

    def _register(self, words: Sequence[str], first: int) -> None:
        for n, word in enumerate(words):
            low = word.lower()
            self._lower_of[first + n] = self._lower.setdefault(low, len(self._lower))
            self._content[first + n] = len(low) >= 3 and low not in ENGLISH_STOPWORDS
            self._index[word] = first + n

    def word_ids(self, words: Sequence[str]) -> np.ndarray:
        """Row of each word in the weight tables, from 1 (new words are added)."""
        get = self._index.get
        ids = [get(w, 0) for w in words]
        if 0 in ids:
            new = list(dict.fromkeys(w for w, i in zip(words, ids, strict=True) if not i))
            self._add(new)
            ids = [get(w, 0) for w in words]
        return np.array(ids, dtype=np.int64)

    def offset_tables(self) -> np.ndarray:
        """``(len(WINDOW), rows, techniques)``: :meth:`offset_table` of every offset (a view)."""
        return self._table

    def offset_table(self, j: int) -> np.ndarray:
        """``(rows, techniques)``: the summed weights each word gives at offset ``WINDOW[j]``;
        row 0 is the pad's (a neighbour beyond the span)."""
        return self._table[j]

    def lower_ids(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per table row: the id of the lowercased word, and whether it is a content word."""
        return self._lower_of[ids], self._content[ids]


#: The document-level features, in the order of :meth:`SpanModel.fixed` after the pads.
_FIXED = ("rep=1", "rep=2", "rep=3", "rep=5", "rep_pair+", "rep_pair-", "first")


def _number(x: float) -> float | int:
    """A weight as written: rounded, zero as ``0``."""
    r = round(float(x), COEF_DECIMALS)
    return 0 if r == 0 else r


def dumps(model: SpanModel) -> str:
    """The model file's text (sorted keys, one feature per line, weights rounded)."""
    names = sorted(model.weights)
    features = {n: [_number(x) for x in model.weights[n]] for n in names}
    head = {
        "format": "analysis span model",
        "version": model.version,
        "decimals": DECIMALS,
        "techniques": list(model.techniques),
        "thresholds": [round(float(x), DECIMALS) for x in model.thresholds],
        "bias": [round(float(x), COEF_DECIMALS) for x in model.bias],
        "training": model.training,
        "sentences": model.sentences,
    }
    lines = [json.dumps(head, sort_keys=True, ensure_ascii=False, indent=1)[:-2] + ","]
    lines.append(' "features": {')
    body = [
        f"  {json.dumps(n, ensure_ascii=False)}: {json.dumps(v, separators=(',', ':'))}"
        for n, v in features.items()
    ]
    lines.append(",\n".join(body))
    lines.append(" }")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _from_json(data: Mapping[str, Any]) -> SpanModel:
    if data.get("format") != "analysis span model":
        raise ValueError("not an analysis span model file")
    return SpanModel(
        version=str(data["version"]),
        techniques=tuple(data["techniques"]),
        thresholds=np.array(data["thresholds"], dtype=np.float64),
        bias=np.array(data["bias"], dtype=np.float64),
        weights={k: np.array(v, dtype=np.float64) for k, v in data["features"].items()},
        training=dict(data["training"]),
        sentences=data.get("sentences"),
    )


def parse(text: str) -> SpanModel:
    """A model from its file's text (:func:`dumps`)."""
    return _from_json(json.loads(text))


@cache
def load_span_model() -> SpanModel:
    """The shipped model (``data/span_model.json``)."""
    return parse(read_text(MODEL_FILE))


def _batch(
    tokens: Sequence[Tokens], sizes: Sequence[int] | None = None
) -> tuple[Tokens, np.ndarray]:
    """Several documents' tokens as one and the document index of each token. Span ids are
    made unique across documents: document ``i``'s start after the ``sizes`` of the documents
    before it (its number of spans; default: as many as its tokens reach)."""
    words: list[str] = []
    for t in tokens:
        words.extend(t.words)
    if sizes is None:
        sizes = [int(t.span.max()) + 1 if t.span.size else 0 for t in tokens]
    offsets = np.cumsum([0, *sizes])
    empty = np.zeros(0, dtype=np.int64)

    def cat(arrays: list[np.ndarray]) -> np.ndarray:
        return np.concatenate(arrays).astype(np.int64) if arrays else empty

    joined = Tokens(
        words,
        cat([t.starts for t in tokens]),
        cat([t.ends for t in tokens]),
        cat([t.span + offsets[i] for i, t in enumerate(tokens)]),
    )
    doc = cat([np.full(len(t.words), i, dtype=np.int64) for i, t in enumerate(tokens)])
    return joined, doc


def _repetition_arrays(
    tokens: Tokens, doc: np.ndarray, lower: np.ndarray, content: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_repetition` of every document of a batch at once: band index (0 none, 1-4:
    ``rep=1``, ``2``, ``3``, ``5``) and the two pair flags; counts never cross documents."""
    n = lower.size
    if not n:
        empty = np.zeros(0, dtype=bool)
        return np.zeros(0, dtype=np.int64), empty, empty
    width = int(lower.max()) + 1
    _, inverse, counts = np.unique(doc * width + lower, return_inverse=True, return_counts=True)
    c = counts[inverse]
    band = np.where(c == 1, 1, np.where(c == 2, 2, np.where(c <= 4, 3, 4)))
    band = np.where(content, band, 0)
    starts_pair = np.zeros(n, dtype=bool)
    ends_pair = np.zeros(n, dtype=bool)
    if n > 1:
        inside = np.flatnonzero(tokens.span[1:] == tokens.span[:-1])  # pairs within a span
        first, second = lower[inside], lower[inside + 1]
        if (int(doc[-1]) + 1) * width * width < 2**62:  # one key per (document, pair)
            key = (doc[inside] * width + first) * width + second
        else:  # a huge vocabulary: number the pairs first
            _, pair = np.unique(first * width + second, return_inverse=True)
            key = doc[inside] * (int(pair.max()) + 1 if pair.size else 1) + pair
        _, inv, cnt = np.unique(key, return_inverse=True, return_counts=True)
        repeated = inside[cnt[inv] > 1]
        starts_pair[repeated] = True
        ends_pair[repeated + 1] = True
    return band, starts_pair, ends_pair


def _scores(tokens: Tokens, doc: np.ndarray, model: SpanModel) -> np.ndarray:
    """Every token's rounded score per technique: the margins of :func:`_margins`."""
    if not tokens.words:
        return np.zeros((0, len(model.techniques)))
    return sigmoid_scores(_margins(tokens, doc, model))


def _margin_inputs(
    tokens: Tokens, doc: np.ndarray, model: SpanModel
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """What both margin sums read: the tokens' table rows, whether each token's successor is in
    its span, the repetition band, and the pair-start and pair-end flags."""
    ids = model.word_ids(tokens.words)
    span = tokens.span
    same = span[1:] == span[:-1]  # token i + 1 is in token i's span
    lower, content = model.lower_ids(ids)
    band, starts_pair, ends_pair = _repetition_arrays(tokens, doc, lower, content)
    return ids, same, band, starts_pair, ends_pair


def _margins(tokens: Tokens, doc: np.ndarray, model: SpanModel) -> np.ndarray:
    """``(tokens, techniques)`` margins, summed by one compiled pass over the tokens
    (:func:`_margin_kernel`); the floats are those of :func:`_margins_numpy`, bit for bit (the
    same additions in the same order; tests check)."""
    ids, same, band, starts_pair, ends_pair = _margin_inputs(tokens, doc, model)
    fixed = model.fixed()
    base = len(WINDOW)
    return cast(
        np.ndarray,
        _margin_kernel()(
            model.bias,
            model.offset_tables(),
            np.array(WINDOW, dtype=np.int64),
            ids,
            same,
            np.vstack([np.zeros(len(model.techniques)), fixed[base : base + 4]]),
            band.astype(np.int64),
            starts_pair,
            ends_pair,
            _first(tokens),
            fixed[base + 4],
            fixed[base + 5],
            fixed[base + 6],
        ),
    )


def _margins_numpy(tokens: Tokens, doc: np.ndarray, model: SpanModel) -> np.ndarray:
    """:func:`_margins` with numpy array operations (the reference the compiled sum is held to)."""
    ids, same, band, starts_pair, ends_pair = _margin_inputs(tokens, doc, model)
    n = len(tokens.words)
    n_tech = len(model.techniques)
    fixed = model.fixed()
    total = model.bias + model.offset_table(WINDOW.index(0))[ids]
    for j, k in enumerate(WINDOW):
        if not k:
            continue
        # the row of token i + k when it is in token i's span, else 0 (the pad's row)
        reach = same.copy()
        for step in range(1, abs(k)):
            reach[: n - 1 - step] &= same[step:]
            reach[n - 1 - step :] = False
        neighbour = np.zeros(n, dtype=np.int64)
        if k > 0:
            neighbour[: n - k] = np.where(reach[: n - k], ids[k:], 0)
        else:
            neighbour[-k:] = np.where(reach[: n + k], ids[: n + k], 0)
        total += model.offset_table(j)[neighbour]
    base = len(WINDOW)
    bands = np.vstack([np.zeros(n_tech), fixed[base : base + 4]])
    total += bands[band]
    total += starts_pair[:, None] * fixed[base + 4] + ends_pair[:, None] * fixed[base + 5]
    total += _first(tokens)[:, None] * fixed[base + 6]
    return cast(np.ndarray, total)


@cache
def _margin_kernel() -> Any:
    """The margins of every token in one loop: its own row, each neighbour's row at its offset
    (the pad's row 0 when the neighbour is outside the token's span), the repetition band's
    weights, the pair flags' and the first-word weight. Per token this is a few hundred
    additions; as whole-array numpy operations it was most of the scoring time, in temporary
    arrays. Cached on disk by numba like the package's other kernels."""
    import numba

    @numba.njit(cache=True, nogil=True)
    def run(
        bias, tables, window, ids, same, bands, band, starts, ends, first, w_start, w_end, w_first
    ):
        n = ids.size
        n_tech = bias.size
        centre = 0
        for j in range(window.size):
            if window[j] == 0:
                centre = j
        out = np.empty((n, n_tech))
        for i in range(n):
            for t in range(n_tech):
                out[i, t] = bias[t] + tables[centre, ids[i], t]
            for j in range(window.size):
                k = window[j]
                if k == 0:
                    continue
                lo = i + k if k < 0 else i
                row = 0
                if 0 <= i + k < n:
                    row = ids[i + k]
                    for m in range(lo, lo + abs(k)):
                        if not same[m]:
                            row = 0
                            break
                for t in range(n_tech):
                    out[i, t] += tables[j, row, t]
            s = 1.0 if starts[i] else 0.0
            e = 1.0 if ends[i] else 0.0
            f = 1.0 if first[i] else 0.0
            for t in range(n_tech):
                out[i, t] += bands[band[i], t]
                out[i, t] += s * w_start[t] + e * w_end[t]
                out[i, t] += f * w_first[t]
        return out

    return run


def token_scores(tokens: Tokens, model: SpanModel) -> np.ndarray:
    """Scores of every token of one document for every technique of ``model``:
    ``(tokens, techniques)``, rounded to :data:`DECIMALS` places."""
    return _scores(tokens, np.zeros(len(tokens.words), dtype=np.int64), model)


def _runs(
    scores: np.ndarray, threshold: float, span: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """First token, last token and highest score of each run of tokens at or above
    ``threshold`` in one body span."""
    on = scores >= threshold
    same = np.zeros(on.size, dtype=bool)
    same[1:] = span[1:] == span[:-1]
    cont = np.zeros(on.size, dtype=bool)
    cont[1:] = on[:-1]
    begin = np.flatnonzero(on & ~(cont & same))
    nxt_same = np.zeros(on.size, dtype=bool)
    nxt_same[:-1] = same[1:] & on[1:]
    end = np.flatnonzero(on & ~nxt_same)
    # Between one run's end and the next run's begin every score is below the threshold, so the
    # maximum from one begin to the next is the run's own.
    top = np.maximum.reduceat(scores, begin) if begin.size else np.zeros(0)
    return begin, end, top


#: Documents scored together by :func:`model_hits` (the results do not depend on it).
BATCH = 256


def model_hits(
    docs: pl.DataFrame,
    spans: Mapping[str, Sequence[tuple[int, int]]],
    model: SpanModel | None = None,
) -> pl.DataFrame:
    """The span detector's hits in a corpus (:data:`MODEL_HITS_SCHEMA`).

    ``docs`` has ``doc_id`` and ``text``; ``spans`` the body spans per doc_id (a document
    missing from it has no hits), cleaned first (:func:`analysis.text.spans.clean_spans`). Each
    span is read as a unit: context and runs stop at its ends. The model was trained on PTC
    lines (mostly one sentence each); a run's body spans are paragraphs, so ``first`` marks a
    paragraph's first word and context crosses sentence ends there.

    Documents are scored :data:`BATCH` at a time with array operations; every score and hit is
    the document's own (context, repetition and runs never cross documents), so the table does
    not depend on the batches.
    """
    model = model or load_span_model()
    items = [(str(d), t) for d, t in docs.select("doc_id", "text").iter_rows() if t is not None]
    parts: list[pl.DataFrame] = []
    for b in range(0, len(items), BATCH):
        chunk = items[b : b + BATCH]
        tokens, doc = _batch(
            [document_tokens(t, clean_spans(t, spans.get(d, []))) for d, t in chunk]
        )
        scores = _scores(tokens, doc, model)
        ids = [d for d, _ in chunk]
        for t, technique in enumerate(model.techniques):
            begin, end, top = _runs(scores[:, t], float(model.thresholds[t]), tokens.span)
            if not begin.size:
                continue
            parts.append(
                pl.DataFrame(
                    {
                        "doc_id": [ids[i] for i in doc[begin].tolist()],
                        "technique": [technique] * begin.size,
                        "start": tokens.starts[begin],
                        "end": tokens.ends[end],
                        "score": top,
                    },
                    schema=MODEL_HITS_SCHEMA,
                )
            )
    frame = pl.concat(parts) if parts else pl.DataFrame(schema=MODEL_HITS_SCHEMA)
    return frame.sort("doc_id", "start", "end", "technique")


def sigmoid_scores(margin: np.ndarray) -> np.ndarray:
    """The rounded score of a margin (what :func:`token_scores` applies).

    >>> sigmoid_scores(np.array([0.0, 2.0])).tolist()
    [0.5, 0.8808]
    """
    return np.round(1.0 / (1.0 + np.exp(-margin)), DECIMALS)
