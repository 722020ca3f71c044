"""Quotations and reported speech: who is quoted, in which role, with which cue.

Each row of the ``quotes`` table (:func:`quotes_table`, one document: :func:`extract_quotes`) is a
stretch of a document's body that the document presents as somebody's words. ``start``/``end`` are
character offsets into the decoded text, ``text[start:end] == quote``; the speaker, the role and the
cue carry their own offsets (``speaker_start`` ..., null when absent), and ``rule`` names the rule
that found the quote and, after a ``;``, how the speaker was resolved. Only body spans are read
(see :mod:`analysis.provenance.boilerplate`). The lexicon is ``data/attribution.yaml``
(:func:`load_attribution`).

Quote marks
    Paired by :func:`analysis.text.quotemarks.pair_quotes` (machine-translation damage included).
    A quote never crosses a body span; an opening mark left open runs to the end of its span only
    when the quote is introduced (colon or cue) or opens the paragraph.

Direct quotes (``kind="direct"``), attributed by the first rule that applies:
    1. ``cue after quote``: ``“...,” Azamat Osmonov said``, ``"...," said deputy ... Aigul Kuspan``,
       ``“...” - writes, ..., the head of ...``, ``"..." — such a phrase is attributed to X``;
    2. ``cue before quote``: ``Tokayev ... stated: "..."``, ``X stated that “...”``,
       ``according to X: “...”``;
    3. ``colon introduction``: the sentence before a colon names the speaker anywhere
       (``The ambassador even let slip that ...: “...”``, ``from the mouth of X looked like
       this: “...”``);
    4. ``same sentence``: a speech cue earlier in the sentence introduces a clause that ends in the
       quote (``it was noted ... that ..., “although ...”``);
    5. ``continuation``: a quote right after an attributed quote and its attribution
       (``"...," the Deputy Foreign Minister said. "It is not easy ..."``);
    6. ``block quote``: a body span ending ``X stated:`` introduces the next span as a quote without
       marks; after a written cue (``Here is what the political analyst wrote (edited):``) on a line
       of its own the block runs over all following consecutive body spans (a reproduced post).
       Quotes inside a block are reported too, so rows may nest.

    A quote that no rule attributes is kept (speaker null, ``rule="unattributed"``) only when it
    looks like speech rather than a scare quote: at least ``min_words_sentence_quote`` words when it
    starts a sentence or follows a colon, at least ``min_words_embedded_quote`` words inside the
    author's sentence. Short unattributed quotes («liberal», “democracy”) are never rows.

Reported speech (``kind="reported"``), outside quote marks, to the end of the sentence:
    ``X explained to Y that CLAUSE``, ``X said it ...``, ``according to X, CLAUSE`` (or
    ``CLAUSE, according to X.``), ``it was noted that CLAUSE`` (speaker: the author of the statement
    the span mentioned before), ``the statement of X that CLAUSE``, ``X called on CLAUSE``. A clause
    stops where a reported direct quote starts (that quote is its own row). First-person and
    impersonal subjects (``we note that``, ``it seems``) are the author, never a speaker.

Speakers and roles
    The speaker is the noun phrase next to the cue: a name (``Azamat Osmonov``), a role and a name
    (``political scientist Azamat Osmonov``: speaker and ``speaker_role`` split), a description
    (``the Deputy Foreign Minister of Kazakhstan``), an organisation or place (``the State
    Department``, ``Astana``). ``he``/``him``/``she``/``her`` resolve to the nearest person named
    before (``; pronoun resolved``); a definite description with one role noun (``the
    ambassador``, ``the head of the Kazakh Foreign Ministry``) resolves to the nearest person named
    before whose role is in the same role group and agrees with the description's capitalised
    words (``; description resolved``). A named speaker's role is the role given with the nearest
    mention of the name (or surname) before the quote that has one (``US Ambassador to Kazakhstan
    William Moser``, ``Stepan Stepanenko, a researcher at ...,``), else the first after it.
"""

from __future__ import annotations

from analysis.provenance.quotes._lexicon import Attribution, Tok, load_attribution
from analysis.provenance.quotes._model import (
    MAX_SPEAKER_TOKENS,
    QUOTES_SCHEMA,
    Kind,
    Quote,
    Speaker,
)
from analysis.provenance.quotes._phrases import (
    Phrase,
    phrase_after,
    phrase_before,
    split_phrase,
    tokens,
)
from analysis.provenance.quotes._speakers import resolve_speaker
from analysis.provenance.quotes._table import extract_quotes, quotes_frame, quotes_table

__all__ = [
    "MAX_SPEAKER_TOKENS",
    "QUOTES_SCHEMA",
    "Attribution",
    "Kind",
    "Phrase",
    "Quote",
    "Speaker",
    "Tok",
    "extract_quotes",
    "load_attribution",
    "phrase_after",
    "phrase_before",
    "quotes_frame",
    "quotes_table",
    "resolve_speaker",
    "split_phrase",
    "tokens",
]
