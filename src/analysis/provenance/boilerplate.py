"""Separating article text from page boilerplate in plain-text page dumps, line by line.

Our inputs are text dumps of web pages, not HTML, so HTML extractors cannot help. Every line of
every document is labelled ``body`` or ``boilerplate`` with a ``reason``, by these methods, in
order (the first that applies wins):

1. blank lines;
2. the rules in ``data/boilerplate.yaml`` (navigation and UI strings, subscription prompts,
   comment policies, credit lines, image credits, calendars, counters, header fields, HTML residue),
   which researchers extend without touching code; a rule marked ``ends_article`` also labels every
   later line (the page foot: comment policies, credit blocks, lists of other headlines);
3. the header of the page: lines before the first prose paragraph that look like the title, the
   byline or a tag list (``header: title``, ``header: byline``, ``header: tags``);
4. short Cyrillic-only lines in a document that is otherwise not Cyrillic (Russian UI strings);
5. lines that recur in at least two documents of the same outlet (learned per corpus);
6. a paragraph repeated later in the same document, or a teaser cut with "..." that repeats the
   start of another paragraph (``duplicated teaser``);
7. short name-only lines: a signature right before the page foot (``byline: signature``) or a
   caption (``image caption``: mostly capitalised words, or "With X");
8. a reader-comment thread below the article (``comment thread``: every later line no rule above
   named): at least ``THREAD_HEADS`` comment heads (``comment_heads`` of the same file: "Jane
   says:", "Reply", "(Score: 3)", a dated "11.06.12 at 12:35 pm") within ``THREAD_SPAN``
   lines, the first below at least ``THREAD_AFTER_PROSE`` prose lines; a live blog's bare
   "12.35pm" heads no comment;
9. the line classifier (:mod:`analysis.provenance.linemodel`, reason ``classifier``): a model
   of what article text looks like in a page dump, learned from pages of many sites with hand-made
   article bodies, so it holds on outlets none of the rules above knows. Its score for every
   line with a letter or digit is in the ``score`` column, also where a rule decided.

HTML tags inside a paragraph (``< p class="">In this regard, ...``) are cut out as their own
``html residue`` segment, so the paragraph itself stays in the body.

The rules win where they apply; the classifier decides the rest (``body`` at a score of at least
the model's threshold). Lines without a letter or digit that no rule names stay ``body``.
Offsets are character offsets into the decoded original text (see ``analysis.corpus.intake``).
"""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Literal, NamedTuple

import numpy as np
import polars as pl

from analysis.core.data import load_yaml
from analysis.provenance import linemodel

__all__ = [
    "BODIES_SCHEMA",
    "CLASSIFIER",
    "COMMENT_THREAD",
    "DUPLICATE_MIN_WORDS",
    "PROSE_WORDS",
    "RECURRING_MAX_WORDS",
    "RECURS",
    "REPEATED_LABEL_TIMES",
    "SEGMENTS_SCHEMA",
    "THREAD_AFTER_PROSE",
    "THREAD_HEADS",
    "THREAD_SPAN",
    "Label",
    "Rule",
    "Segment",
    "bodies",
    "body_spans",
    "count_recurring",
    "is_comment_head",
    "is_name_line",
    "is_prose",
    "join_spans",
    "label_document",
    "label_documents",
    "load_rules",
    "name_stopwords",
    "normalise_line",
    "reason_counts",
    "recurring_in",
    "recurring_lines",
    "segment_corpus",
    "segment_documents",
    "split_lines",
    "words",
]

Label = Literal["body", "boilerplate"]

SEGMENTS_SCHEMA = pl.Schema(
    {
        "doc_id": pl.String(),
        "line_no": pl.Int64(),  # 1-based line number in the decoded text
        "start": pl.Int64(),  # character offsets into the decoded text
        "end": pl.Int64(),
        "label": pl.String(),  # body | boilerplate
        "reason": pl.String(),  # why: a rule, "classifier", or null (body no method decided)
        "score": pl.Float64(),  # the line classifier's article score; null for lines it skips
    }
)

BODIES_SCHEMA = pl.Schema(
    {
        "doc_id": pl.String(),
        "body": pl.String(),  # the body segments joined by newlines
        "body_chars": pl.Int64(),
        "boilerplate_chars": pl.Int64(),  # characters labelled boilerplate, blank lines excluded
        "boilerplate_share": pl.Float64(),  # boilerplate / (body + boilerplate) characters
    }
)

#: The reason of lines the line classifier decided (body or boilerplate).
CLASSIFIER = "classifier"
#: The reason of the lines of a reader-comment thread below the article (:func:`_comment_thread`).
COMMENT_THREAD = "comment thread"
#: Comment heads that make a comment thread, and prose lines of the article above the first.
THREAD_HEADS = 4
THREAD_AFTER_PROSE = 3
#: Lines within which the THREAD_HEADS heads must fall (a dated article header far above a few
#: comments does not open the thread).
THREAD_SPAN = 60
#: Lines with at least this many words that end like a sentence are prose, which ends the header.
PROSE_WORDS = 12
#: Longest line (in words) that can be learned as recurring boilerplate.
RECURRING_MAX_WORDS = 40
#: The reason :func:`label_document` gives a line that recurs in other documents of its outlet;
#: :func:`count_recurring` writes the number in ("recurs in 12 documents of X"), so a document's
#: labels depend on which of its lines recur, not on how often (a new article of the outlet does
#: not relabel the documents that share its menu).
RECURS = "recurs in other documents"
#: Shortest paragraph (in words) whose repetition counts as a duplicate.
DUPLICATE_MIN_WORDS = 6
#: A shorter line printed this many times in one page is a label between the article's
#: paragraphs ("Article content", "Advertisement"), never article text.
REPEATED_LABEL_TIMES = 3

_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][a-zA-Z0-9]*(\s+[a-zA-Z-]+\s*=\s*\"[^\"]*\")*\s*/?\s*>")
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_NAME_LINE = re.compile(r"^\s*[A-ZА-ЯЁ][\w'’-]+(\s+[A-ZА-ЯЁ][\w'’.-]+){1,3}\.?\s*$")
_CYRILLIC = re.compile(r"[А-Яа-яЁё]")
_LATIN = re.compile(r"[A-Za-z]")


@dataclass(frozen=True)
class Rule:
    """One line pattern from ``data/boilerplate.yaml``."""

    reason: str
    pattern: re.Pattern[str]
    ends_article: bool = False


@dataclass(frozen=True)
class Segment:
    """A labelled character range of one line."""

    line_no: int
    start: int
    end: int
    label: Label
    reason: str | None = None
    score: float | None = None


@cache
def _data() -> dict:
    return load_yaml("boilerplate.yaml")


@cache
def name_stopwords() -> frozenset[str]:
    """Words that never occur in a byline (``name_stopwords`` of ``data/boilerplate.yaml``)."""
    return frozenset(_data().get("name_stopwords", "").lower().split())


def is_name_line(line: str) -> bool:
    """A line holding only a person's name (2-4 capitalised words, none of them UI words).

    >>> is_name_line("Ainur Kurmanov.  "), is_name_line("Story Continued Below")
    (True, False)
    """
    if not _NAME_LINE.match(line):
        return False
    return not any(w.strip(".,").lower() in name_stopwords() for w in line.split())


def _is_title(line: str, followed_by_blank: bool) -> bool:
    """A headline: 2-30 words, one sentence, not a label ("...:") and not a bare name.

    A final full stop is accepted only on a short line set off by a blank line.
    """
    stripped = line.strip()
    n = len(words(stripped))
    if not 2 <= n <= 30 or stripped.endswith(":") or re.search(r"[.!?]\s+[A-Z]", stripped):
        return False
    if n == 2 and is_name_line(stripped):
        return False
    return not stripped.endswith(".") or (followed_by_blank and n <= 20)


@cache
def load_rules() -> tuple[int, tuple[Rule, ...]]:
    """The version and rules of ``data/boilerplate.yaml``."""
    data = _data()
    rules = tuple(
        Rule(
            r["reason"],
            re.compile(r["pattern"], 0 if r.get("case") else re.IGNORECASE),
            bool(r.get("ends_article")),
        )
        for r in data["rules"]
    )
    return int(data["version"]), rules


def split_lines(text: str) -> list[tuple[int, int, int]]:
    """``(line_no, start, end)`` of every line; ``end`` excludes the newline.

    >>> split_lines("ab\\n\\ncd")
    [(1, 0, 2), (2, 3, 3), (3, 4, 6)]
    """
    out: list[tuple[int, int, int]] = []
    start = 0
    for n, line in enumerate(text.split("\n"), 1):
        out.append((n, start, start + len(line)))
        start += len(line) + 1
    return out


def normalise_line(line: str) -> str:
    """Lower-cased line with runs of whitespace collapsed: the key for recurring lines.

    ``str.split()`` cuts at exactly the characters ``re``'s ``\\s`` matches (``str.isspace``;
    a test checks every code point), so this is ``re.sub(r"\\s+", " ", line).strip().lower()``
    at a third of the cost.

    >>> normalise_line("  Share\\u00a0this \\t ARTICLE ")
    'share this article'
    """
    return " ".join(line.split()).lower()


def words(line: str) -> list[str]:
    return _WORD.findall(line)


def is_prose(line: str) -> bool:
    """A sentence-like line: long, or of some length and ending like a sentence."""
    n = len(words(line))
    stripped = line.rstrip()
    return n >= 25 or (n >= PROSE_WORDS and stripped[-1:] in '.!?…"”»)')


def _is_tag_list(line: str) -> bool:
    items = [i.strip() for i in line.split(",")]
    if len(items) < 3 or line.rstrip().endswith((".", "!", "?")):
        return False
    return sum(1 for i in items if i and len(i.split()) <= 4) >= len(items) - 1


def _is_caption(line: str) -> bool:
    stripped = line.strip()
    tokens = stripped.split()
    if not 1 < len(tokens) <= 8 or stripped[-1:] in '.!?:;,…"”»':
        return False
    if tokens[0] in {"With", "Photo", "Pictured"}:
        return True
    capitalised = sum(1 for t in tokens if t[:1].isupper())
    return capitalised / len(tokens) >= 0.75 and len(tokens) >= 3


def _non_cyrillic_document(text: str) -> bool:
    return len(_LATIN.findall(text)) > 4 * len(_CYRILLIC.findall(text))


def recurring_lines(
    texts: Mapping[str, str], outlets: Mapping[str, str | None], min_docs: int = 2
) -> dict[str | None, dict[str, int]]:
    """Lines found in at least ``min_docs`` documents of the same outlet, per outlet.

    Documents whose outlet is unknown (``None``) are not compared with each other.

    >>> texts = {"a": "Subscribe!\\nText a.", "b": "Subscribe!\\nText b."}
    >>> recurring_lines(texts, {"a": "X", "b": "X"})
    {'X': {'subscribe!': 2}}
    """
    return _recurring(_line_keys(texts.items(), outlets), outlets, min_docs)


def _line_keys(
    texts: Iterable[tuple[str, str]], outlets: Mapping[str, str | None]
) -> dict[str, set[str]]:
    """The normalised lines of each document of a known outlet."""
    return {
        doc_id: {normalise_line(line) for line in text.split("\n")}
        for doc_id, text in texts
        if outlets.get(doc_id) is not None
    }


def _recurring(
    keys_of: Mapping[str, set[str]], outlets: Mapping[str, str | None], min_docs: int
) -> dict[str | None, dict[str, int]]:
    per_outlet: dict[str | None, Counter[str]] = defaultdict(Counter)
    for doc_id, keys in keys_of.items():
        per_outlet[outlets[doc_id]].update(
            k
            for k in keys
            if k and any(c.isalnum() for c in k) and len(k.split()) <= RECURRING_MAX_WORDS
        )
    return {
        outlet: dict(sorted((k, n) for k, n in counts.items() if n >= min_docs))
        for outlet, counts in sorted(per_outlet.items(), key=lambda kv: str(kv[0]))
        if any(n >= min_docs for n in counts.values())
    }


class RecurringIndex(NamedTuple):
    """:func:`recurring_index`: ``lines`` (``outlet``, ``line``, ``documents``: the
    :func:`recurring_lines`) and ``held`` (``doc_id``, ``lines``: the :func:`recurring_in` of each
    document of an outlet)."""

    lines: pl.DataFrame
    held: pl.DataFrame


_LINES = pl.Schema({"outlet": pl.String(), "line": pl.String(), "documents": pl.Int64()})
_HELD = pl.Schema({"doc_id": pl.String(), "lines": pl.List(pl.String())})


def recurring_index(
    docs: pl.DataFrame, outlets: Mapping[str, str | None], min_docs: int = 2
) -> RecurringIndex:
    """:func:`recurring_lines` of the documents (``doc_id``, ``text``) and the ones each holds
    (:func:`recurring_in`), as frames, from one pass over their lines: what the ``segments``
    keys read of the rest of the corpus, kept as a corpus-level step (so a notebook opening a
    built corpus reads it instead of reading every line again).

    >>> texts = ["Subscribe!\\nText a.", "Subscribe!\\nText b.", "Subscribe!"]
    >>> docs = pl.DataFrame({"doc_id": ["a", "b", "c"], "text": texts})
    >>> index = recurring_index(docs, {"a": "X", "b": "X", "c": None})
    >>> index.lines.rows(), index.held.rows()
    ([('X', 'subscribe!', 2)], [('a', ['subscribe!']), ('b', ['subscribe!'])])
    >>> recurring_from(index.lines)
    {'X': {'subscribe!': 2}}
    """
    pairs = zip(docs["doc_id"].to_list(), docs["text"].to_list(), strict=True)
    keys_of = _line_keys(pairs, outlets)
    recurring = _recurring(keys_of, outlets, min_docs)
    rows = [(o, line, n) for o, counts in recurring.items() for line, n in counts.items()]
    held = [
        (doc_id, sorted(keys.intersection(recurring.get(outlets[doc_id], ()))))
        for doc_id, keys in keys_of.items()
    ]
    return RecurringIndex(
        pl.DataFrame(rows, schema=_LINES, orient="row"),
        pl.DataFrame(held, schema=_HELD, orient="row").sort("doc_id"),
    )


def recurring_from(lines: pl.DataFrame) -> dict[str | None, dict[str, int]]:
    """The :func:`recurring_lines` dict of :attr:`RecurringIndex.lines`."""
    out: dict[str | None, dict[str, int]] = {}
    for outlet, line, n in lines.iter_rows():
        out.setdefault(outlet, {})[line] = n
    return out


def label_document(
    text: str, *, recurring: Collection[str] | None = None, outlet: str | None = None
) -> list[Segment]:
    """Label every line of one document (see the module docstring for the methods).

    ``recurring`` holds the :func:`normalise_line` keys of the outlet's lines that recur in other
    documents (:func:`recurring_lines`); such a line's reason is :data:`RECURS` and the outlet.

    Examples
    --------
    >>> doc = "Title of the piece\\n\\nThe first paragraph of the article, long enough to be prose."
    >>> doc += "\\nSubscribe to our news on Telegram"
    >>> for s in label_document(doc):
    ...     print(s.line_no, s.label, s.reason, s.score)
    1 boilerplate header: title 0.6437
    2 boilerplate blank line None
    3 body classifier 0.9788
    4 boilerplate subscription 0.1024
    """
    _, rules = load_rules()
    recurring = recurring or ()
    lines = split_lines(text)
    reasons: dict[int, str] = {}
    ended_by: str | None = None
    for line_no, start, end in lines:
        line = text[start:end]
        if not line.strip():
            reasons[line_no] = "blank line"
            continue
        if ended_by is not None:
            reasons[line_no] = f"page foot (after {ended_by})"
            continue
        for rule in rules:
            if rule.pattern.search(line):
                reasons[line_no] = rule.reason
                if rule.ends_article:
                    ended_by = rule.reason
                break

    _label_header(text, lines, reasons)
    foreign_ui = _non_cyrillic_document(text)
    seen: dict[str, int] = {}
    teasers = _TeaserIndex(text, lines)
    keys = {n: normalise_line(text[s:e]) for n, s, e in lines if n not in reasons}
    counts = Counter(keys.values())
    for line_no, start, end in lines:
        if line_no in reasons:
            continue
        line = text[start:end]
        key = keys[line_no]
        n_words = len(words(line))
        if foreign_ui and _CYRILLIC.search(line) and not _LATIN.search(line) and n_words <= 8:
            reasons[line_no] = "UI string (non-English)"
        elif key in recurring:
            where = f" of {outlet}" if outlet else ""
            reasons[line_no] = f"{RECURS}{where}"
        elif n_words >= DUPLICATE_MIN_WORDS and key in seen:
            reasons[line_no] = f"duplicate paragraph (of line {seen[key]})"
        elif 0 < n_words < DUPLICATE_MIN_WORDS and counts[key] >= REPEATED_LABEL_TIMES:
            reasons[line_no] = "repeated label"
        elif (teaser_of := teasers.source(line_no, key)) is not None:
            reasons[line_no] = f"duplicated teaser (of line {teaser_of})"
        seen.setdefault(key, line_no)
    _label_names(text, lines, reasons)
    thread = _comment_thread(text, lines)
    if thread is not None:
        for line_no, _, _ in lines:
            if line_no >= thread and line_no not in reasons:
                reasons[line_no] = COMMENT_THREAD
    scores = linemodel.score_lines(text)
    threshold = linemodel.load_model().threshold
    body_lines: set[int] = set()
    for line_no, _, _ in lines:
        score = scores[line_no - 1]
        if line_no in reasons or np.isnan(score):
            continue
        if score >= threshold:
            body_lines.add(line_no)
        else:
            reasons[line_no] = CLASSIFIER
    return _segments(text, lines, reasons, scores, body_lines)


@cache
def _comment_heads() -> re.Pattern[str]:
    """``comment_heads`` of ``data/boilerplate.yaml``: the marks of one reader comment's head."""
    patterns = _data()["comment_heads"]
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


def is_comment_head(line: str) -> bool:
    """A line of at most 120 characters that heads one reader comment (``comment_heads``)."""
    line = line.strip()
    return bool(line) and len(line) <= 120 and _comment_heads().search(line) is not None


def _comment_thread(text: str, lines: list[tuple[int, int, int]]) -> int | None:
    """The line that opens a reader-comment thread: the first comment head with at least
    ``THREAD_AFTER_PROSE`` prose lines above it and ``THREAD_HEADS`` - 1 more heads within the
    next ``THREAD_SPAN`` lines."""
    heads: list[int] = []
    prose = 0
    for line_no, start, end in lines:
        line = text[start:end]
        if prose >= THREAD_AFTER_PROSE and is_comment_head(line):
            heads.append(line_no)
        elif is_prose(line):
            prose += 1
    for k in range(len(heads) - THREAD_HEADS + 1):
        if heads[k + THREAD_HEADS - 1] - heads[k] <= THREAD_SPAN:
            return heads[k]
    return None


def _label_header(text: str, lines: list[tuple[int, int, int]], reasons: dict[int, str]) -> None:
    """Title, byline and tag lines before the first prose paragraph."""
    title_seen = False
    first = next((n for n, s, e in lines if n not in reasons), None)
    for line_no, start, end in lines:
        line = text[start:end]
        blank_after = line_no < len(lines) and reasons.get(line_no + 1) == "blank line"
        if is_prose(line) and not (line_no == first and blank_after and _is_title(line, True)):
            return
        if line_no in reasons:
            title_seen = title_seen or reasons[line_no].startswith("header")
            continue
        if not title_seen and _is_title(line, blank_after):
            reasons[line_no] = "header: title"
            title_seen = True
        elif title_seen and is_name_line(line):
            reasons[line_no] = "header: byline"
        elif title_seen and _is_tag_list(line):
            reasons[line_no] = "header: tags"


class _TeaserIndex:
    """Finds the full paragraph a teaser ("The first words of it ...") was cut from.

    The document's lines are normalised once and sorted, so a teaser's paragraph is found by
    bisection on its stem instead of a scan of every line per teaser (quadratic in a long
    document's length). The answer is the first line, in document order, other than the teaser,
    that is longer than the stem and starts with it.
    """

    def __init__(self, text: str, lines: list[tuple[int, int, int]]) -> None:
        self._text, self._lines = text, lines
        self._sorted: list[tuple[str, int]] | None = None

    def source(self, line_no: int, key: str) -> int | None:
        stem = key.rstrip()
        if not (stem.endswith("...") or stem.endswith("…")):
            return None
        stem = stem.rstrip(".…").strip()
        if len(stem.split()) < DUPLICATE_MIN_WORDS:
            return None
        if self._sorted is None:
            text = self._text
            self._sorted = sorted((normalise_line(text[a:b]), n) for n, a, b in self._lines)
        keys = self._sorted
        i = bisect.bisect_left(keys, (stem, -1))
        best: int | None = None
        while i < len(keys) and keys[i][0].startswith(stem):
            other, other_no = keys[i]
            if other_no != line_no and len(other) > len(stem):
                best = other_no if best is None else min(best, other_no)
            i += 1
        return best


def _label_names(text: str, lines: list[tuple[int, int, int]], reasons: dict[int, str]) -> None:
    """Signature right before the page foot; captions elsewhere."""
    foot = next(
        (n for n, _, _ in lines if reasons.get(n, "").startswith(("page foot", "credit line"))),
        None,
    )
    if foot is not None:
        before = [n for n, _, _ in lines if n < foot and reasons.get(n) != "blank line"]
        if before and before[-1] not in reasons:
            _, start, end = lines[before[-1] - 1]
            if is_name_line(text[start:end]):
                reasons[before[-1]] = "byline: signature"
    for line_no, start, end in lines:
        if line_no not in reasons and _is_caption(text[start:end]):
            reasons[line_no] = "image caption"


def _segments(
    text: str,
    lines: list[tuple[int, int, int]],
    reasons: dict[int, str],
    scores: np.ndarray,
    body_lines: set[int],
) -> list[Segment]:
    out: list[Segment] = []
    for line_no, start, end in lines:
        raw = scores[line_no - 1]
        score = None if np.isnan(raw) else float(raw)
        if line_no in reasons:
            out.append(Segment(line_no, start, end, "boilerplate", reasons[line_no], score))
            continue
        why = CLASSIFIER if line_no in body_lines else None
        cursor = start
        for m in _TAG.finditer(text, start, end):
            if m.start() > cursor:
                out.append(Segment(line_no, cursor, m.start(), "body", why, score))
            out.append(Segment(line_no, m.start(), m.end(), "boilerplate", "html residue", score))
            cursor = m.end()
        if cursor < end:
            out.append(Segment(line_no, cursor, end, "body", why, score))
    return out


def segment_corpus(
    docs: pl.DataFrame, outlets: Mapping[str, str | None] | None = None
) -> pl.DataFrame:
    """The ``segments`` table for every document of ``docs`` (``doc_id``, ``text``).

    ``outlets`` maps doc_id to outlet, for learning lines that recur within an outlet.
    """
    outlets = outlets or {}
    texts = dict(zip(docs["doc_id"].to_list(), docs["text"].to_list(), strict=True))
    return segment_documents(docs, outlets, recurring_lines(texts, outlets))


def recurring_in(text: str, recurring: Collection[str] | None) -> tuple[str, ...]:
    """The recurring lines (of the document's outlet) that ``text`` holds: all a document's
    labels read of the rest of the corpus.

    >>> recurring_in("Subscribe!\\nText a.", {"subscribe!": 2, "share": 5})
    ('subscribe!',)
    """
    if not recurring:
        return ()
    keys = {normalise_line(line) for line in text.split("\n")}
    return tuple(sorted(k for k in keys if k in recurring))


def label_documents(
    docs: pl.DataFrame,
    outlets: Mapping[str, str | None],
    recurring: Mapping[str | None, Collection[str]],
) -> pl.DataFrame:
    """The ``segments`` table of ``docs`` with the reason of recurring lines left uncounted
    (:data:`RECURS`): the per-document stage. ``recurring`` holds, per outlet, the lines that
    recur in its documents (the keys of :func:`recurring_lines`).

    Each document's rows depend only on its text, its outlet and :func:`recurring_in` of it, so
    any subset of a corpus gives the same rows for its documents as the whole corpus does.
    """
    texts = dict(zip(docs["doc_id"].to_list(), docs["text"].to_list(), strict=True))
    rows: dict[str, list] = {k: [] for k in SEGMENTS_SCHEMA}
    lines = {o: frozenset(keys) for o, keys in recurring.items()}  # looked up once per line
    for doc_id, text in texts.items():
        outlet = outlets.get(doc_id)
        for seg in label_document(text, recurring=lines.get(outlet), outlet=outlet):
            for key, value in (
                ("doc_id", doc_id),
                ("line_no", seg.line_no),
                ("start", seg.start),
                ("end", seg.end),
                ("label", seg.label),
                ("reason", seg.reason),
                ("score", seg.score),
            ):
                rows[key].append(value)
    return pl.DataFrame(rows, schema=SEGMENTS_SCHEMA).sort("doc_id", "start", "end")


def count_recurring(
    segments: pl.DataFrame,
    texts: Mapping[str, str],
    outlets: Mapping[str, str | None],
    recurring: Mapping[str | None, Mapping[str, int]],
) -> pl.DataFrame:
    """``segments`` with each :data:`RECURS` reason counted: "recurs in N documents of X", N the
    number of the outlet's documents holding the line (:func:`recurring_lines`).

    >>> prose = "The minister met his counterpart in Astana on Monday to discuss transit routes."
    >>> texts = {"a": f"{prose}\\nWeekly digest\\nEditor's pick", "b": "Weekly digest"}
    >>> seg = label_documents(pl.DataFrame({"doc_id": ["a"], "text": [texts["a"]]}),
    ...                       {"a": "X"}, {"X": {"weekly digest"}})
    >>> seg["reason"].to_list()
    ['classifier', 'recurs in other documents of X', 'classifier']
    >>> counted = count_recurring(seg, texts, {"a": "X"}, {"X": {"weekly digest": 2}})
    >>> counted["reason"][1]
    'recurs in 2 documents of X'
    """
    index = segments.with_row_index("_row").filter(pl.col("reason").str.starts_with(RECURS))
    if index.is_empty():
        return segments
    lines: dict[str, list[str]] = {}
    reasons: list[str] = []
    for doc_id, line_no in index.select("doc_id", "line_no").iter_rows():
        if doc_id not in lines:
            lines[doc_id] = texts[doc_id].split("\n")
        outlet = outlets.get(doc_id)
        n = recurring[outlet][normalise_line(lines[doc_id][line_no - 1])]
        where = f" of {outlet}" if outlet else ""
        reasons.append(f"recurs in {n} documents{where}")
    counted = segments["reason"].scatter(index["_row"], reasons)
    return segments.with_columns(counted)


def segment_documents(
    docs: pl.DataFrame,
    outlets: Mapping[str, str | None],
    recurring: Mapping[str | None, Mapping[str, int]],
) -> pl.DataFrame:
    """The ``segments`` table of ``docs``, given the corpus's :func:`recurring_lines`:
    :func:`label_documents`, then :func:`count_recurring`."""
    texts = dict(zip(docs["doc_id"].to_list(), docs["text"].to_list(), strict=True))
    labelled = label_documents(docs, outlets, recurring)
    return count_recurring(labelled, texts, outlets, recurring)


def body_spans(segments: pl.DataFrame) -> dict[str, list[tuple[int, int]]]:
    """``(start, end)`` of every body segment, per document, in text order."""
    spans: dict[str, list[tuple[int, int]]] = defaultdict(list)
    body = segments.filter(pl.col("label") == "body").sort("doc_id", "start")
    for doc_id, start, end in body.select("doc_id", "start", "end").iter_rows():
        spans[doc_id].append((start, end))
    return dict(spans)


def join_spans(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """The clean body: body segments in order, a newline between lines.

    Pieces of one line (split around HTML residue) are joined directly.

    >>> join_spans("a<b>c\\nskip\\nd", [(0, 1), (4, 5), (11, 12)])
    'ac\\nd'
    """
    out: list[str] = []
    previous_end: int | None = None
    for s, e in spans:
        if previous_end is not None:
            out.append("\n" if "\n" in text[previous_end:s] else "")
        out.append(text[s:e])
        previous_end = e
    return "".join(out)


def bodies(docs: pl.DataFrame, segments: pl.DataFrame) -> pl.DataFrame:
    """The ``bodies`` table: each document's clean body and its share of boilerplate."""
    boiler = (
        segments.filter((pl.col("label") == "boilerplate") & (pl.col("reason") != "blank line"))
        .group_by("doc_id")
        .agg((pl.col("end") - pl.col("start")).sum().alias("chars"))
    )
    boiler_chars = dict(zip(boiler["doc_id"].to_list(), boiler["chars"].to_list(), strict=True))
    return bodies_from_spans(docs, body_spans(segments), boiler_chars)


def boilerplate_chars(segs: Iterable[tuple[int, int, str, str | None]]) -> int:
    """Characters of a document's segments (``start, end, label, reason``) labelled
    boilerplate, blank lines left out: the ``boilerplate_chars`` of :func:`bodies`.

    >>> boilerplate_chars([(0, 4, "boilerplate", "menu"), (4, 5, "boilerplate", "blank line"),
    ...                    (5, 9, "body", "classifier")])
    4
    """
    return sum(
        end - start
        for start, end, label, reason in segs
        if label == "boilerplate" and reason != "blank line"
    )


def bodies_from_spans(
    docs: pl.DataFrame,
    spans: Mapping[str, Sequence[tuple[int, int]]],
    boiler_chars: Mapping[str, int],
) -> pl.DataFrame:
    """:func:`bodies` from each document's body spans and boilerplate characters (a document
    missing from them has none)."""
    rows = []
    for doc_id, text in docs.select("doc_id", "text").iter_rows():
        body = join_spans(text, spans.get(doc_id, []))
        b_chars = sum(e - s for s, e in spans.get(doc_id, []))
        bp = int(boiler_chars.get(doc_id, 0))
        share = bp / (b_chars + bp) if b_chars + bp else 0.0
        rows.append((doc_id, body, b_chars, bp, share))
    return pl.DataFrame(rows, schema=BODIES_SCHEMA, orient="row").sort("doc_id")


def reason_counts(segments: pl.DataFrame) -> pl.DataFrame:
    """Boilerplate segments and characters by reason (blank lines left out), most frequent first.

    Reasons that name a line number or a count are grouped by their stem ("duplicated teaser").
    """
    return (
        segments.filter(pl.col("label") == "boilerplate", pl.col("reason") != "blank line")
        .with_columns(pl.col("reason").str.replace(r"\s*\(of line \d+\)|\s+\d+ documents", ""))
        .group_by("reason")
        .agg(
            pl.len().cast(pl.Int64).alias("segments"),
            pl.col("doc_id").n_unique().cast(pl.Int64).alias("documents"),
            (pl.col("end") - pl.col("start")).sum().alias("chars"),
        )
        .sort(["segments", "reason"], descending=[True, False])
    )
