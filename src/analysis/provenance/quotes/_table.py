"""The quotes of a document (:func:`extract_quotes`) and of a corpus (:func:`quotes_table`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import polars as pl

from analysis.provenance.quotes._direct import _block_quotes, _direct_in_span
from analysis.provenance.quotes._model import QUOTES_SCHEMA, Quote
from analysis.provenance.quotes._reported import _reported
from analysis.provenance.quotes._speakers import _Doc
from analysis.text.spans import clean_spans, line_spans

__all__ = [
    "extract_quotes",
    "quotes_frame",
    "quotes_table",
]


def extract_quotes(
    text: str, spans: Iterable[tuple[int, int]] | None = None, doc_id: str = ""
) -> list[Quote]:
    """Direct quotes and reported speech in the body ``spans`` of one document.

    ``spans`` defaults to every non-empty line. Quotes are sorted by ``start``, ``end``.

    Examples
    --------
    >>> doc = "“We will not change course,” the minister said. Scare “quotes” are ignored."
    >>> [(q.quote, q.speaker, q.cue, q.kind) for q in extract_quotes(doc)]
    [('We will not change course', 'the minister', 'said', 'direct')]
    >>> q = extract_quotes("According to him, the talks failed.")[0]
    >>> q.quote, q.speaker, q.cue, q.kind
    ('the talks failed', 'him', 'according to', 'reported')
    """
    body = clean_spans(text, line_spans(text) if spans is None else spans)
    doc = _Doc(text, body)
    direct: list[Quote] = []
    for index in range(len(body)):
        direct += _direct_in_span(doc, doc_id, index)
    direct += _block_quotes(doc, doc_id)
    found = direct + _reported(doc, doc_id, direct)
    unique = {(q.start, q.end, q.kind): q for q in found}
    return sorted(unique.values(), key=lambda q: (q.start, q.end, q.kind))


def quotes_frame(quotes: Iterable[Quote]) -> pl.DataFrame:
    """The ``quotes`` table of some :class:`Quote` rows, sorted by doc_id, start, end."""
    rows = [tuple(getattr(q, c) for c in QUOTES_SCHEMA) for q in quotes]
    frame = pl.DataFrame(rows, schema=QUOTES_SCHEMA, orient="row")
    return frame.sort("doc_id", "start", "end", "kind")


def quotes_table(
    docs: pl.DataFrame, spans: Mapping[str, Sequence[tuple[int, int]]] | None = None
) -> pl.DataFrame:
    """The ``quotes`` table of a corpus (``docs``: ``doc_id``, ``text``).

    ``spans`` maps doc_id to its body spans (:func:`analysis.provenance.boilerplate.body_spans`); a
    document missing from it has no body and no quotes. Without ``spans`` every non-empty line is
    body.

    >>> docs = pl.DataFrame({"doc_id": ["d1"], "text": ['"Yes, we agree," he said.']})
    >>> quotes_table(docs).select("doc_id", "quote", "speaker", "kind").rows()
    [('d1', 'Yes, we agree', 'he', 'direct')]
    """
    out: list[Quote] = []
    for doc_id, text in docs.select("doc_id", "text").iter_rows():
        if text is None:
            continue
        body = line_spans(text) if spans is None else spans.get(doc_id, [])
        out += extract_quotes(text, body, doc_id)
    return quotes_frame(out)
