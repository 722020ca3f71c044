"""General-English word frequencies from ``wordfreq`` (Speer, R. (2022). rspeer/wordfreq: v3.0.
Zenodo. doi:10.5281/zenodo.7199437), with a table lookup for plain words.

``wordfreq.word_frequency`` tokenizes its argument before it looks the tokens up, which is most of
its cost. A word of plain ASCII letters is one token to wordfreq, lowercased (it case-folds), so
its frequency is the lowercased word's entry in wordfreq's frequency table
(``get_frequency_dict``), or the ``minimum`` when the table lacks it. The table groups words in
buckets of one frequency each, and every word of a bucket gets the same answer; so the answer
for a bucket is asked of wordfreq itself, once, for the bucket's first lowercase plain word, and
a plain word is answered from its bucket. Other words (an apostrophe, a digit, an accent) are
asked of wordfreq directly. ``tests/text/test_frequency.py`` holds both functions to wordfreq's
on a sample of the table's words (lowercase, capitalised, upper case), one word of every
bucket, words the table lacks and the other kinds.

Importing this module imports nothing of wordfreq; the table is read on first use (about 0.2 s).
"""

from __future__ import annotations

from functools import cache

__all__ = ["frequency_table", "is_plain", "word_frequency", "zipf_frequency"]


@cache
def frequency_table() -> dict[str, float]:
    """wordfreq's English frequency table (``get_frequency_dict("en")``, wordlist ``best``)."""
    from wordfreq import get_frequency_dict

    return get_frequency_dict("en")


def is_plain(word: str) -> bool:
    """A word of ASCII letters only, which wordfreq reads as one token, lowercased.

    >>> is_plain("steppe"), is_plain("NATO"), is_plain("don't"), is_plain("naïve")
    (True, True, False, False)
    """
    return word.isascii() and word.isalpha()


@cache
def _representatives() -> dict[float, str]:
    """The first plain word of each frequency in :func:`frequency_table`."""
    out: dict[float, str] = {}
    for word, freq in frequency_table().items():
        if freq not in out and is_plain(word) and word.islower():
            out[freq] = word
    return out


@cache
def _bucket_frequency(freq: float, minimum: float) -> float | None:
    word = _representatives().get(freq)
    return None if word is None else _library_frequency(word, minimum)


@cache
def _bucket_zipf(freq: float) -> float | None:
    word = _representatives().get(freq)
    return None if word is None else _library_zipf(word)


def _library_frequency(word: str, minimum: float) -> float:
    import wordfreq

    return float(wordfreq.word_frequency(word, "en", wordlist="best", minimum=minimum))


def _library_zipf(word: str) -> float:
    import wordfreq

    return float(wordfreq.zipf_frequency(word, "en", wordlist="best"))


def word_frequency(word: str, minimum: float = 0.0) -> float:
    """``wordfreq.word_frequency(word, "en", wordlist="best", minimum=minimum)``.

    >>> word_frequency("the") > word_frequency("steppe") > word_frequency("qwzxkj", 1e-9) == 1e-9
    True
    """
    if is_plain(word):
        freq = frequency_table().get(word.lower())
        if freq is None:
            return minimum  # wordfreq's answer for a token it lacks
        found = _bucket_frequency(freq, minimum)
        if found is not None:
            return found
    return _library_frequency(word, minimum)


def zipf_frequency(word: str) -> float:
    """``wordfreq.zipf_frequency(word, "en", wordlist="best")``: log10 of the frequency per
    billion words, 0 for words wordfreq does not know.

    >>> zipf_frequency("the"), zipf_frequency("qwzxkj")
    (7.73, 0.0)
    """
    if is_plain(word):
        freq = frequency_table().get(word.lower())
        if freq is None:
            return 0.0  # the default minimum, Zipf 0
        found = _bucket_zipf(freq)
        if found is not None:
            return found
    return _library_zipf(word)
