"""Words: the one tokenizer and stopword list of keyness, shared phrases and similarity.

A token is a maximal run of letters or digits, joined by single internal apostrophes or hyphens
(:data:`TOKEN_PATTERN`, Rust ``regex`` syntax as polars uses it, which the ``regex`` package reads
the same way); the typographic apostrophe ``’`` is read as ``'``; tokens without a letter (pure
numbers) are not words. The stopwords (:data:`ENGLISH_STOPWORDS`) are
``data/stopwords_en.txt``, whose header names its source.

>>> tokenize("Away from Russia’s 2 allies")
[('away', 0, 4, 0), ('from', 5, 9, 1), ("russia's", 10, 18, 2), ('allies', 21, 27, 4)]
>>> "the" in ENGLISH_STOPWORDS, "steppe" in ENGLISH_STOPWORDS
(True, False)
"""

from __future__ import annotations

import polars as pl
import regex

from analysis.core.data import read_text

__all__ = ["ENGLISH_STOPWORDS", "TOKEN_PATTERN", "load_stopwords", "token_lists", "tokenize"]

#: Token regex (Rust ``regex`` syntax, as used by polars; the ``regex`` package agrees).
TOKEN_PATTERN = r"[\p{L}\p{N}]+(?:['-][\p{L}\p{N}]+)*"

_TOKEN = regex.compile(TOKEN_PATTERN)
_LETTER = regex.compile(r"\p{L}")


def load_stopwords(name: str = "stopwords_en.txt") -> frozenset[str]:
    """The words of a stopword file of the package (``#`` starts a comment line)."""
    lines = read_text(name).splitlines()
    return frozenset(w for line in lines if not line.startswith("#") for w in line.split())


#: A short English function-word list (``data/stopwords_en.txt``).
ENGLISH_STOPWORDS: frozenset[str] = load_stopwords()


def token_lists(text: pl.Expr, lowercase: bool = False) -> pl.Expr:
    """Per row, the list of tokens of the string expression ``text`` (numbers included).

    >>> df = pl.DataFrame({"t": ["Russia’s oil-field, 2024!", None]})
    >>> df.select(token_lists(pl.col("t"), lowercase=True))["t"].to_list()
    [["russia's", 'oil-field', '2024'], []]
    """
    text = text.cast(pl.String).fill_null("").str.replace_all("’", "'", literal=True)
    if lowercase:
        text = text.str.to_lowercase()
    return text.str.extract_all(TOKEN_PATTERN)


def tokenize(text: str) -> list[tuple[str, int, int, int]]:
    """The words of ``text`` as ``(word, start, end, position)``.

    ``word`` is lowercased (``’`` read as ``'``); ``text[start:end]`` is the word as written;
    ``position`` counts every pattern match, numbers included, so a gap in positions is a dropped
    number.
    """
    out = []
    for pos, m in enumerate(_TOKEN.finditer(text.replace("’", "'"))):
        tok = m.group()
        if _LETTER.search(tok):
            out.append((tok.lower(), m.start(), m.end(), pos))
    return out
