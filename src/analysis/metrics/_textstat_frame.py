"""textstat 0.7.13's text-level counts of many texts at once, as polars expressions.

The fast path of :func:`analysis.metrics.readability.textstat_readability` and
:func:`~analysis.metrics.readability.text_counts`: every count textstat takes by running Python
regular expressions over a text (its words, sentences, letters, characters, whitespace tokens, and
the first 100 words and their sentences for Linsear Write) is taken here by the same pattern in
polars (Rust's ``regex``), for all texts of a batch in one pass each; textstat's own functions
are then asked only once per **distinct** token (``remove_punctuation``) and distinct word
(``count_syllables``, the easy-word list). lexicalrichness's tokens (for MTLD and MATTR) are
built the same way.

Why the counts are textstat's
-----------------------------
Each pattern is textstat's, character class for character class. The patterns rest on three
character classes, ``\\w``, ``\\s`` (and its complement ``\\S``; Python's ``str.split()`` splits
on the same characters, ``str.isspace``) and the word boundary ``\\b`` built from ``\\w``, and
lexicalrichness's tokens on lower-casing. Python and Rust define them from the Unicode database
differently for about 13,000 code points: Rust's ``\\w`` takes combining marks, the zero-width
joiner and connector punctuation, Python's takes numbers such as ``½`` and ``²``; Python's
``\\s`` takes the four ASCII information separators ``\\x1c``-``\\x1f``; and the two Unicode
versions differ on recently assigned characters. So every character of a batch outside printable
ASCII, tab, newline and carriage return is checked once per process: its ``\\w``, ``\\s`` and
lower case under both engines (and ``Σ``, whose lower case depends on its neighbours, is never
trusted). A text holding a character on which they disagree is counted by the Python path
instead (:func:`split_trusted`); in the 10,000-article AllSides sample that is 80 texts (zero-width
joiners in emoji, ``½``, combining accents).

What is derived rather than matched:

* textstat's words (``list_words``: delete non-contraction apostrophes, then everything but
  ``\\w``, whitespace and apostrophes, then split on whitespace) are the whitespace tokens that
  hold a ``\\w`` character, each cleaned by textstat's ``remove_punctuation`` (deleting characters
  never joins or splits tokens, and an apostrophe kept for a contraction is followed by a letter);
* a sentence's ``count_words`` is the number of its whitespace tokens holding a ``\\w``;
* Linsear Write counts the sentences of ``" ".join(tokens[:i])``; that equals the count on the
  text's own prefix, and on the whole text when ``i`` covers every token, because collapsing
  whitespace neither moves a word boundary nor changes a token.

``tests/metrics/test_textstat_frame.py`` compares the counts with textstat's functions on
generated text full of the characters above, ``tests/metrics/test_readability.py`` the whole
table on the seeds, edge cases and AllSides.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

__all__ = [
    "COUNT_COLUMNS",
    "WordData",
    "count_texts",
    "dense_codes",
    "hyphenation_points",
    "lexical_token_lists",
    "pyphen_patterns",
    "split_trusted",
]

#: textstat's ``count_sentences`` pattern.
SENTENCE = r"\b[^.!?]+[.!?]*"
#: A whitespace token holding a word character: what survives ``remove_punctuation`` as a word.
WORDY_TOKEN = r"\S*\w\S*"
#: Characters whose classes are the same in both engines by construction (printable ASCII, tab,
#: newline, carriage return); every other character of a batch is checked.
_PLAIN = r"[\x20-\x7E\t\n\r]+"
#: Never trusted: Σ (its lower case depends on the characters around it: final sigma) and
#: :data:`MARK` (which :func:`clean_tokens` uses as a placeholder).
_CONTEXTUAL = frozenset({"\u03a3", "\ue000"})
_PY_WORD = re.compile(r"\w")
#: character -> whether Python's ``re``/``str`` and polars agree on it (filled once per process).
_VERDICTS: dict[str, bool] = {}

#: lexicalrichness 0.5.1's ``preprocess`` and ``tokenize`` as two substitutions after
#: lower-casing: delete ASCII digits and the dashes ``-``, ``–``, ``—``; every other character
#: of ``string.punctuation`` becomes a space.
DIVERSITY_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"[0-9\-\u2013\u2014]", ""),
    (r"[!-/:-@\[-`{-~]", " "),
)


def _check(chars: Sequence[str]) -> None:
    """Record, for each new character, whether both engines read it alike."""
    new = sorted(set(chars) - _VERDICTS.keys())
    if not new:
        return
    ours = pl.Series("c", new, dtype=pl.String).to_frame()
    theirs = ours.select(
        pl.col("c").str.contains(r"^\w$").alias("word"),
        pl.col("c").str.contains(r"^\s$").alias("space"),
        pl.col("c").str.to_lowercase().alias("lower"),
    )
    for char, word, space, lower in zip(new, *theirs.get_columns(), strict=True):
        _VERDICTS[char] = (
            (_PY_WORD.fullmatch(char) is not None) == word
            and char.isspace() == space
            and char.lower() == lower
            and char not in _CONTEXTUAL
        )


def split_trusted(texts: pl.Series) -> pl.Series:
    """Whether each text can be counted by the polars patterns (see the module docstring).

    Examples
    --------
    >>> split_trusted(pl.Series(["Astana, 2024 ‘quoted’", "½ of it", "e\\u0301te"])).to_list()
    [True, False, False]
    """
    odd = texts.fill_null("").str.replace_all(_PLAIN, "")
    present = set("".join(odd.unique().to_list()))
    _check(list(present))
    untrusted = sorted(c for c in present if not _VERDICTS[c])
    if not untrusted:
        return pl.Series(texts.name, [True] * texts.len(), dtype=pl.Boolean)
    pattern = "[" + "".join(f"\\x{{{ord(c):X}}}" for c in untrusted) + "]"
    return ~odd.str.contains(pattern)


def dense_codes(strings: pl.Series) -> tuple[pl.Series, pl.Series]:
    """``(codes, distinct)``: each string's code (``UInt32``, ``0 .. n - 1``) and the ``n``
    distinct strings in code order, so ``distinct.gather(codes)`` equals ``strings``.

    One hashing pass, through a categorical of categories of its own (freed with the result, so a
    long-running worker does not accumulate every token it has seen). Nulls are not allowed.

    >>> codes, distinct = dense_codes(pl.Series(["b", "a", "b"]))
    >>> codes.to_list(), distinct.to_list()
    ([0, 1, 0], ['b', 'a'])
    """
    categories = pl.Categories(f"analysis-codes-{uuid.uuid4().hex}")
    coded = strings.cast(pl.Categorical(categories))
    codes = coded.to_physical()
    present = coded.unique()
    order = present.to_physical().arg_sort()
    if present.len() and present.to_physical().max() != present.len() - 1:
        raise RuntimeError("polars gave a fresh categorical codes that are not 0 .. n - 1")
    return codes, present.cast(pl.String).gather(order)


def _sentence_count(text: pl.Expr) -> pl.Expr:
    """textstat's ``count_sentences``: 0 for an empty text, else at least 1; pieces of two words
    or fewer are not counted."""
    kept = (
        text.str.extract_all(SENTENCE)
        .list.eval(pl.element().str.count_matches(WORDY_TOKEN) > 2)
        .list.sum()
    )
    return (pl.when(text.str.len_bytes() == 0).then(0).otherwise(pl.max_horizontal(kept, 1))).cast(
        pl.Int64
    )


#: Columns of :func:`count_texts`, all Int64.
COUNT_COLUMNS: tuple[str, ...] = (
    "words",
    "sentences",
    "syllables",
    "letters",
    "polysyllables",
    "hard",
    "hard3",
    "chars",
    "raw_words",
    "difficult_words",
    "linsear_easy",
    "linsear_hard",
    "linsear_sentences",
)

#: A character no text may hold for the polars path: it marks kept contraction apostrophes while
#: :func:`clean_tokens` deletes punctuation.
MARK = "\ue000"


def clean_tokens(tokens: pl.Expr) -> pl.Expr:
    """textstat's ``remove_punctuation(token, rm_apostrophe=False)`` of each token: delete every
    apostrophe not followed by a contraction ending (``[tsd]|ve|ll|re``, as textstat's lookahead
    reads it, case-sensitive), then every character but ``\\w``, whitespace and apostrophes.

    The lookahead becomes a substitution: each contraction apostrophe is first replaced by
    :data:`MARK` (its ending is copied back), the rest deleted, and the mark turned back into an
    apostrophe. Tokens holding :data:`MARK` never get here (:func:`split_trusted`).
    """
    return (
        pl.when(tokens.str.contains(r"\W"))
        .then(
            tokens.str.replace_all(r"'(ve|ll|re|[tsd])", MARK + "${1}")
            .str.replace_all(r"[^\w\s" + MARK + "]", "")
            .str.replace_all(MARK, "'", literal=True)
        )
        .otherwise(tokens)
    )


def pyphen_patterns(hyph: Any) -> pl.DataFrame:
    """A pyphen ``HyphDict``'s patterns as a frame: ``key`` (letters, ``.`` at a word edge),
    ``start`` (offset of the first value) and ``values`` (the priorities from there)."""
    keys = list(hyph.patterns)
    return pl.DataFrame(
        {
            "key": keys,
            "start": [hyph.patterns[k][0] for k in keys],
            "values": [[int(v) for v in hyph.patterns[k][1]] for k in keys],
        },
        schema={"key": pl.String, "start": pl.Int64, "values": pl.List(pl.Int64)},
    )


def hyphenation_points(
    words: pl.Series, patterns: pl.DataFrame, maxlen: int, left: int, right: int
) -> pl.Series:
    """``len(Pyphen.positions(word))`` for each (lower-case) word, all words at once.

    Liang's algorithm as pyphen 0.18 runs it (``HyphDict.positions``, then ``Pyphen.positions``'s
    margins): every substring of ``"." + word + "."`` of at most ``maxlen`` characters that is a
    pattern key lays its priorities from ``start`` on; each position keeps the highest; an odd
    priority at position ``r`` is a point at ``r - 1``, kept when ``left <= r - 1 <= len(word) -
    right``. The words must be their own lower case (pyphen lower-cases again). The tests compare
    it with pyphen on every word of the CMU dictionary.

    >>> from textstat.backend.utils import get_pyphen
    >>> hyph = get_pyphen("en_US")
    >>> table = pyphen_patterns(hyph.hd)
    >>> words = pl.Series(["information", "kazakhstan", "a"])
    >>> hyphenation_points(words, table, hyph.hd.maxlen, hyph.left, hyph.right).to_list()
    [3, 1, 0]
    >>> [len(hyph.positions(w)) for w in words]  # in-for-ma-tion, kaza-khstan
    [3, 1, 0]
    """
    frame = pl.DataFrame({"word": words}).with_row_index("w")
    frame = frame.with_columns(
        ("." + pl.col("word") + ".").alias("pointed"),
        pl.col("word").str.len_chars().cast(pl.Int64).alias("length"),
    )
    size = pl.col("length") + 2
    subs = (
        frame.with_columns(pl.int_ranges(0, size - 1).alias("i"))
        .explode("i")
        .drop_nulls("i")
        .with_columns(
            pl.int_ranges(1, pl.min_horizontal(pl.lit(maxlen), size - pl.col("i")) + 1).alias("k")
        )
        .explode("k")
        .drop_nulls("k")
        .select(
            "w", "i", "length", pl.col("pointed").str.slice(pl.col("i"), pl.col("k")).alias("key")
        )
    )
    laid = (
        subs.join(patterns, on="key", how="inner")
        .with_columns(
            pl.int_ranges(0, pl.col("values").list.len()).alias("t"),
        )
        .explode("values", "t")
        .with_columns((pl.col("i") + pl.col("start") + pl.col("t")).alias("r"))
        .filter(pl.col("r") <= pl.col("length") + 2)
        .group_by("w", "r")
        .agg(pl.col("values").max(), pl.col("length").first())
    )
    point = pl.col("r") - 1
    counts = (
        laid.filter(
            (pl.col("values") % 2 == 1) & (point >= left) & (point <= pl.col("length") - right)
        )
        .group_by("w")
        .len()
    )
    return (
        frame.join(counts, on="w", how="left")
        .sort("w")
        .select(pl.col("len").fill_null(0).cast(pl.Int64).alias("points"))["points"]
    )


@dataclass(frozen=True)
class WordData:
    """What textstat's word-level answers are read from, as frames, and textstat's own functions
    for the words the frames cannot answer exactly.

    ``vowels``: ``word``, ``vowels`` (the CMU dictionary's vowel counts of each word's first
    pronunciation); ``easy``: the Dale-Chall list; ``patterns``, ``maxlen``, ``left``, ``right``:
    pyphen's hyphenation patterns and margins (:func:`hyphenation_points`); ``syllables``:
    textstat's ``count_syllables``; ``learn``: given the facts of each batch's words.
    """

    vowels: pl.DataFrame
    easy: pl.Series
    patterns: pl.DataFrame
    maxlen: int
    left: int
    right: int
    syllables: Callable[[str], int]
    #: Called with :func:`word_facts`' frame once :func:`count_texts` has it (to reuse its answers).
    learn: Callable[[pl.DataFrame], None] | None = None


def word_facts(words: pl.Series, data: WordData) -> pl.DataFrame:
    """For each distinct cleaned word: ``syl`` (``count_syllables(word)``), ``not_easy`` (its lower
    case is not in the Dale-Chall list) and ``syl_lower`` (``count_syllables(word.lower())``).

    textstat's ``count_syllables`` on a cleaned word looks ``word.lower()`` up in the CMU
    dictionary and otherwise counts pyphen's hyphenation points plus one
    (:func:`hyphenation_points`). ``count_syllables`` of the lower-cased word is the same number
    unless lower-casing made a character textstat deletes (``İ`` gives a combining dot) or is not
    idempotent; those few words, and any whose lower case holds a character polars reads
    differently from Python (:func:`split_trusted`), are given to textstat's own
    ``count_syllables``.
    """
    lower = pl.col("lower")
    frame = pl.DataFrame({"word": words}).with_columns(
        pl.col("word").str.to_lowercase().alias("lower")
    )
    # Lower-casing can make characters the text did not hold (İ gives i and a combining dot, which
    # Rust's \w takes and Python's does not): words whose lower case polars cannot read as Python
    # does go to textstat.
    trusted = split_trusted(frame["lower"])
    frame = (
        frame.with_columns(trusted.alias("trusted"))
        .with_columns(
            (pl.col("trusted") & (lower.str.to_lowercase() == lower)).alias("stable"),
        )
        .with_columns(
            (pl.col("stable") & lower.str.contains(r"^[\w']+$")).alias("simple"),
        )
        .join(data.vowels.rename({"word": "lower"}), on="lower", how="left")
    )
    missing = frame.filter(pl.col("vowels").is_null() & pl.col("stable"))["lower"].unique()
    points = hyphenation_points(missing, data.patterns, data.maxlen, data.left, data.right)
    guessed = pl.DataFrame({"lower": missing, "guess": points + 1})
    unstable = frame.filter(~pl.col("stable"))["word"].to_list()
    asked = pl.DataFrame(
        {"word": unstable, "asked": [data.syllables(w) for w in unstable]},
        schema={"word": pl.String, "asked": pl.Int64},
    )
    frame = (
        frame.join(guessed, on="lower", how="left")
        .join(asked, on="word", how="left")
        .with_columns(
            pl.coalesce("vowels", "guess", "asked").cast(pl.Int64).alias("syl"),
            (~lower.is_in(data.easy.implode())).alias("not_easy"),
        )
    )
    odd = frame.filter(~pl.col("simple"))["word"].to_list()
    again = pl.DataFrame(
        {"word": odd, "again": [data.syllables(w.lower()) for w in odd]},
        schema={"word": pl.String, "again": pl.Int64},
    )
    return frame.join(again, on="word", how="left").select(
        "word",
        "syl",
        "not_easy",
        pl.when("simple").then("syl").otherwise("again").alias("syl_lower"),
    )


def count_texts(texts: pl.Series, data: WordData) -> pl.DataFrame:
    """textstat's counts of each text (:data:`COUNT_COLUMNS`), one row per text, in order.

    Parameters
    ----------
    texts
        The texts; null reads as empty. Only texts for which :func:`split_trusted` is true get
        textstat's counts; the caller counts the others another way.
    data
        The word-level data (:class:`WordData`).

    The Linsear Write columns are those of its first 100 words (textstat's ``strict_upper``):
    words of one or two syllables, of three or more, and the sentences of the tokens up to the
    hundredth word.
    """
    frame = pl.DataFrame({"text": texts.fill_null("")}).with_row_index("doc")
    text = pl.col("text")
    sentences = frame.select("doc", _sentence_count(text).alias("sentences"))
    tokens = (
        frame.select("doc", text.str.extract_all(r"\S+").alias("token"))
        .explode("token")
        .drop_nulls("token")
    )
    # Everything textstat asks of a token depends on the token alone: ask each distinct one once,
    # then give each occurrence its distinct token's answers by its code (dense, 0 .. n - 1).
    token = pl.col("token")
    codes, distinct = dense_codes(tokens["token"])
    lookup = (
        distinct.to_frame("token")
        .with_columns(
            token.str.contains(r"\w").alias("wordy"),
            token.str.len_chars().cast(pl.Int64).alias("chars"),
            token.str.replace_all(r"\W+", "").str.len_chars().cast(pl.Int64).alias("letters"),
            clean_tokens(token).alias("word"),
        )
        .with_columns(pl.when("wordy").then("word").alias("word"))
    )
    facts = word_facts(lookup["word"].drop_nulls().unique(), data)
    if data.learn is not None:
        data.learn(facts)
    facts = facts.with_row_index("word_id")
    lookup = lookup.join(facts, on="word", how="left", maintain_order="left").drop("token")
    tokens = tokens.select("doc", "token", *(lookup[c].gather(codes) for c in lookup.columns))
    seen = pl.col("wordy").cast(pl.Int64).cum_sum().over("doc")
    tokens = tokens.with_columns(
        pl.int_range(pl.len()).over("doc").alias("pos"),
        pl.when("wordy").then(seen - 1).alias("n"),
        ((seen - pl.col("wordy").cast(pl.Int64)) < 100).alias("in_prefix"),
    )
    syl, wordy, first100 = pl.col("syl"), pl.col("wordy"), pl.col("n") < 100
    sums = tokens.group_by("doc").agg(
        pl.len().cast(pl.Int64).alias("raw_words"),
        pl.col("chars").sum(),
        pl.col("letters").sum(),
        wordy.sum().cast(pl.Int64).alias("words"),
        syl.sum().alias("syllables"),
        (syl >= 3).sum().cast(pl.Int64).alias("polysyllables"),
        pl.col("not_easy").sum().cast(pl.Int64).alias("hard"),
        (pl.col("not_easy") & (pl.col("syl_lower") >= 3)).sum().cast(pl.Int64).alias("hard3"),
        pl.col("word_id")
        .filter(pl.col("not_easy") & (pl.col("syl_lower") >= 2))
        .n_unique()
        .cast(pl.Int64)
        .alias("difficult_words"),
        (first100 & syl.is_between(1, 2)).sum().cast(pl.Int64).alias("linsear_easy"),
        (first100 & (syl >= 3)).sum().cast(pl.Int64).alias("linsear_hard"),
        pl.col("pos").filter(pl.col("n") == 99).first().alias("pos100"),
    )
    zeros = [c for c in COUNT_COLUMNS if c in sums.columns]
    per_doc = (
        sentences.join(sums, on="doc", how="left")
        .with_columns(pl.col(zeros).fill_null(0))
        .with_columns(
            # Linsear Write reads tokens up to its hundredth word when the text has over 100.
            pl.when((pl.col("raw_words") > 100) & pl.col("pos100").is_not_null())
            .then(pl.col("pos100") + 1)
            .otherwise(pl.col("raw_words"))
            .alias("cut")
        )
    )
    cut = per_doc.filter(pl.col("cut") < pl.col("raw_words")).select("doc")
    prefixes = (
        tokens.filter("in_prefix")
        .join(cut, on="doc", how="semi")
        .group_by("doc")
        .agg(token.str.join(" ").alias("prefix"))
        .select("doc", _sentence_count(pl.col("prefix")).alias("prefix_sentences"))
    )
    return (
        per_doc.join(prefixes, on="doc", how="left")
        .sort("doc")
        .with_columns(
            pl.when(pl.col("raw_words") == 0)
            .then(0)
            .otherwise(pl.coalesce("prefix_sentences", "sentences"))
            .cast(pl.Int64)
            .alias("linsear_sentences")
        )
        .select(COUNT_COLUMNS)
    )


def lexical_token_lists(texts: pl.Series) -> pl.Series:
    """lexicalrichness's tokens of each text (a list per text), for the texts that
    :func:`split_trusted` accepts; null reads as empty.

    >>> lexical_token_lists(pl.Series(["Well-known U.S. data, 2023!"])).to_list()
    [['wellknown', 'u', 's', 'data']]
    """
    expr = pl.col("text").str.to_lowercase()
    for pattern, replacement in DIVERSITY_PATTERNS:
        expr = expr.str.replace_all(pattern, replacement)
    frame = pl.DataFrame({"text": texts.fill_null("")})
    return frame.select(expr.str.extract_all(r"\S+"))["text"]
