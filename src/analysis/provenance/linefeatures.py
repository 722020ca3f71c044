"""What a plain-text page dump still says about each of its lines: the classifier's features.

A page dump has lost the HTML, but a line still shows whether it is article prose or page
furniture: its length, its mix of letters, digits and punctuation, its share of function words
(the stopword density of jusText, Pomikálek 2011, with jusText's stoplists), capitalisation,
sentence endings, where it sits in the page, its neighbours, whether it repeats, whether it belongs
to a run of short lines (menus, link lists), and whether its script is the page's script.

:func:`line_features` computes every feature of every line of one document at once, with array
operations over the document's code points, so the cost is linear in the text and small per line.
The features of one document depend on that document only (never on a batch), so a document's
labels do not change with the corpus around it.

Examples
--------
>>> x = line_features("Home | News | Sport\\n\\nThe minister said on Monday the law will pass.")
>>> x.shape == (3, len(FEATURES))
True
>>> [round(float(v), 2) for v in x[:, FEATURES.index("words")]]
[3.0, 0.0, 9.0]
>>> [round(float(v), 2) for v in x[:, FEATURES.index("stopword_share")]]
[0.33, 0.0, 0.67]
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections import Counter
from functools import cache
from importlib.resources import files
from itertools import repeat
from typing import Any

import numpy as np

__all__ = [
    "COMMENTS_AFTER_LINES",
    "COMMENTS_AFTER_PROSE",
    "ENGLISH_MARGIN",
    "ENGLISH_SHARE",
    "FEATURES",
    "LANGUAGE_WORDS",
    "PROSE_WORDS",
    "SHORT_WORDS",
    "WINDOW",
    "char_counts",
    "line_features",
    "stoplist_language",
    "stoplists",
]

#: Names of the columns :func:`line_features` returns, in order.
FEATURES: tuple[str, ...] = (
    # the line itself
    "log_chars",
    "words",
    "log_words",
    "mean_word_len",
    "letter_share",
    "digit_share",
    "punct_share",
    "symbol_share",
    "upper_share",
    "capitalised_share",
    "stopword_share",
    "comma_per_word",
    "sentence_ends",
    "ends_sentence",
    "ends_colon",
    "starts_bullet",
    "separators",
    "has_copyright",
    "has_url",
    "foreign_script",
    # where it sits
    "position",
    "line_position",
    "prose_before",
    "prose_after",
    "blank_before",
    "blank_after",
    "block_lines",
    "log_block_words",
    "short_run",
    "repeats",
    "words_vs_max",
    # neighbours (the nearest non-blank lines)
    "prev_log_words",
    "next_log_words",
    "prev_stopword_share",
    "next_stopword_share",
    "prev_ends_sentence",
    "next_ends_sentence",
    "prev_capitalised_share",
    "next_capitalised_share",
    "window_prose",
    "window_log_words",
    "short_in_prose",
    "after_comments",
    # the document
    "doc_log_words",
)

#: A line with at least this many words that ends like a sentence counts as prose.
PROSE_WORDS = 10
#: Lines with at most this many words form "runs of short lines" (menus, link lists).
SHORT_WORDS = 4
#: Prose lines that must come before a comment-thread heading for ``after_comments``.
COMMENTS_AFTER_LINES = 3
#: Share of the page's prose words that must come before a comment-thread heading for
#: ``after_comments``.
COMMENTS_AFTER_PROSE = 0.1
#: Half-width, in non-blank lines, of the window of ``window_*`` features.
WINDOW = 5

_SENTENCE_END = frozenset(".!?…。！？")
_CLOSERS = frozenset("\"'”’»)]")
_BULLETS = frozenset("•·*-–—»›>|◦▪►✓✔→")
_SEPARATORS = frozenset("|•·/›»")
#: Strings that mark a copyright line and a link or address (found with str.find: fast).
_COPYRIGHT = ("©", "opyright", "OPYRIGHT", "ights reserved", "ights Reserved", "IGHTS RESERVED")
#: A short line that opens a comment thread ("12 comments", "Leave a reply", "Комментарии").
_COMMENTS = re.compile(
    r"^[^\w\n]{0,3}(?:\d[\d,. ]*(?:of \d[\d,. ]*)?(?:comments?|responses?|replies)\b[^\n]{0,40}"
    r"|(?:reader |user )?comments?(?: \(\d+\))?:?|leave a (?:comment|reply)\b[^\n]{0,40}"
    r"|post (?:a |your )?comment\b[^\n]{0,30}|add (?:a |your )?comment\b[^\n]{0,30}"
    r"|join the (?:discussion|conversation)\b[^\n]{0,30}|discussion(?: \(\d+\))?"
    r"|\d* ?комментари\w*(?: \(\d+\))?:?|оставьте комментарий\b[^\n]{0,30}"
    r"|\d+ responses? to\b[^\n]{0,80})[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
_URL = ("http://", "https://", "HTTP", "www.", "WWW.", ".com", ".org", ".net", ".ru", ".kz", "@")
#: Characters stripped from a whitespace-separated token before the stoplist lookup.
_TOKEN_PUNCT = string.punctuation + "«»“”„‘’‚…—–·•|©®™"

# Character classes of the code-point table.
_OTHER, _UPPER, _LOWER, _DIGIT, _PUNCT, _SYMBOL, _SPACE = range(7)
_SCRIPT_OTHER, _SCRIPT_LATIN, _SCRIPT_CYRILLIC, _SCRIPT_CJK, _SCRIPT_ARABIC = range(5)


@cache
def _class_table() -> np.ndarray:
    """Character class of every code point of the Basic Multilingual Plane."""
    table = np.full(0x10000, _OTHER, dtype=np.uint8)
    for cp in range(0x10000):
        cat = unicodedata.category(chr(cp))
        if cat == "Lu" or cat == "Lt":
            table[cp] = _UPPER
        elif cat[0] == "L" or cat[0] == "M":
            table[cp] = _LOWER
        elif cat[0] == "N":
            table[cp] = _DIGIT
        elif cat[0] == "P":
            table[cp] = _PUNCT
        elif cat[0] == "S":
            table[cp] = _SYMBOL
        if chr(cp).isspace():  # what str.split() splits on
            table[cp] = _SPACE
    return table


_END, _CLOSER, _BULLET, _SEPARATOR = 1, 2, 4, 8


@cache
def _flag_table() -> np.ndarray:
    """Bit flags of the Basic Multilingual Plane's sentence ends, closers, bullets, separators."""
    table = np.zeros(0x10000, dtype=np.uint8)
    for chars, bit in (
        (_SENTENCE_END, _END),
        (_CLOSERS, _CLOSER),
        (_BULLETS, _BULLET),
        (_SEPARATORS, _SEPARATOR),
    ):
        for c in chars:
            table[ord(c)] |= bit
    return table


@cache
def _script_table() -> np.ndarray:
    """Script of every letter of the Basic Multilingual Plane (Latin, Cyrillic, CJK, Arabic)."""
    table = np.full(0x10000, _SCRIPT_OTHER, dtype=np.uint8)
    table[0x41:0x5B] = table[0x61:0x7B] = _SCRIPT_LATIN
    table[0xC0:0x250] = _SCRIPT_LATIN
    table[0x1E00:0x1F00] = _SCRIPT_LATIN
    table[0x400:0x530] = _SCRIPT_CYRILLIC
    table[0x3040:0x3100] = table[0x3400:0xA000] = table[0xAC00:0xD7B0] = _SCRIPT_CJK
    table[0x600:0x700] = _SCRIPT_ARABIC
    letters = _class_table()
    table[(letters != _UPPER) & (letters != _LOWER)] = _SCRIPT_OTHER
    return table


@cache
def stoplists() -> dict[str, frozenset[str]]:
    """jusText's stoplists (BSD-2-Clause; 100 languages, from Wikipedia), by language name."""
    folder = files("justext") / "stoplists"
    out = {}
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.name.endswith(".txt"):
            words = entry.read_text("utf-8").lower().split()
            out[entry.name[:-4]] = frozenset(words)
    return out


#: Punctuation that may cling to the end of a stopword in a whitespace-separated token.
_TRAILING = ("", ",", ".", ":", ";", "!", "?", ")", '"', "»", "”")


@cache
def _token_stoplist(language: str) -> frozenset[str]:
    """The stoplist as whitespace-separated tokens: lower, capitalised and upper case, with
    trailing punctuation (so tokens are looked up as they are, without cleaning each one)."""
    words = stoplists()[language]
    cased = {*words, *(w.capitalize() for w in words), *(w.upper() for w in words)}
    return frozenset(w + p for w in cased for p in _TRAILING)


@cache
def _stopword_index() -> tuple[tuple[str, ...], dict[str, int], np.ndarray, np.ndarray]:
    """Language names, an id per stopword, and the languages listing each (CSR arrays)."""
    names = tuple(stoplists())
    vocab = sorted(set().union(*stoplists().values()))
    ids = {w: i for i, w in enumerate(vocab)}
    langs: list[list[int]] = [[] for _ in vocab]
    for j, name in enumerate(names):
        for w in stoplists()[name]:
            langs[ids[w]].append(j)
    ptr = np.concatenate([[0], np.cumsum([len(v) for v in langs])]).astype(np.int64)
    flat = np.array([j for v in langs for j in v], dtype=np.int64)
    return names, ids, ptr, flat


#: How many times English's stopword count another language needs to be chosen instead.
ENGLISH_MARGIN = 1.25
#: Words read to choose a document's stoplist language.
LANGUAGE_WORDS = 1000
#: Share of English stopwords that makes a text English without comparing languages.
ENGLISH_SHARE = 0.2


def stoplist_language(words: list[str]) -> str:
    """The stoplist language under which ``words`` (lower-cased) hold the most stopwords.

    Only the first :data:`LANGUAGE_WORDS` words are read. English when at least
    :data:`ENGLISH_SHARE` of them are English stopwords (the common case, decided without looking
    further). Several of jusText's lists (drawn from Wikipedia) hold common English words, so
    English also stands unless another language finds at least :data:`ENGLISH_MARGIN` times as
    many stopwords. English when no word is a stopword.

    >>> stoplist_language("the law will pass on monday".split())
    'English'
    >>> stoplist_language("закон будет принят в понедельник".split())
    'Russian'
    >>> stoplist_language("les députés ont voté la loi après un débat dans la nuit".split())
    'French'
    """
    words = words[:LANGUAGE_WORDS]
    english = stoplists()["English"]
    if sum(map(english.__contains__, words)) >= ENGLISH_SHARE * len(words) > 0:
        return "English"
    names, ids, ptr, flat = _stopword_index()
    found = np.array([i for i in map(ids.get, words[:LANGUAGE_WORDS]) if i is not None])
    if not found.size:
        return "English"
    starts, lengths = ptr[found], ptr[found + 1] - ptr[found]
    offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
    counts = np.bincount(flat[offsets + np.arange(offsets.size)], minlength=len(names))
    best = int(np.argmax(counts))
    if counts[best] < ENGLISH_MARGIN * counts[names.index("English")]:
        return "English"
    return names[best]


def _lines_with(needles: tuple[str, ...], text: str, line_starts: np.ndarray) -> np.ndarray:
    """1.0 for every line holding one of ``needles`` (``line_starts``: each line's offset)."""
    out = np.zeros(line_starts.size)
    for needle in needles:
        at = text.find(needle)
        while at >= 0:
            out[int(np.searchsorted(line_starts, at, side="right")) - 1] = 1.0
            at = text.find("\n", at)  # the next line
            at = -1 if at < 0 else text.find(needle, at)
    return out


def _after_comments(
    text: str, line_starts: np.ndarray, cum_prose: np.ndarray, cum_prose_lines: np.ndarray
) -> np.ndarray:
    """1.0 for the lines after the first comment-thread heading with at least
    ``COMMENTS_AFTER_LINES`` prose lines and ``COMMENTS_AFTER_PROSE`` of the page's prose words
    above it (a "Join the conversation" link in an article's header opens no thread);
    ``cum_prose`` and ``cum_prose_lines`` count prose words and prose lines up to each line."""
    out = np.zeros(line_starts.size)
    total = float(cum_prose[-1]) if cum_prose.size else 0.0
    for m in _COMMENTS.finditer(text):
        line = int(np.searchsorted(line_starts, m.start(), side="right")) - 1
        if (
            cum_prose_lines[line] >= COMMENTS_AFTER_LINES
            and cum_prose[line] >= COMMENTS_AFTER_PROSE * total
        ):
            out[line + 1 :] = 1.0
            break
    return out


def _shift(values: np.ndarray, order: np.ndarray, by: int, fill: float) -> np.ndarray:
    """``values`` of the ``by``-th next non-blank line (``order``: non-blank line indices)."""
    out = np.full(values.shape, fill, dtype=np.float64)
    picked = values[order]
    if by > 0:
        out[order[:-by]] = picked[by:]
    else:
        out[order[-by:]] = picked[:by]
    return out


def _window_mean(values: np.ndarray, order: np.ndarray, half: int) -> np.ndarray:
    out = np.zeros(values.shape, dtype=np.float64)
    if order.size == 0:
        return out
    picked = np.concatenate([[0.0], np.cumsum(values[order])])
    k = np.arange(order.size)
    lo = np.maximum(k - half, 0)
    hi = np.minimum(k + half + 1, order.size)
    out[order] = (picked[hi] - picked[lo]) / (hi - lo)
    return out


#: Rows of :func:`_char_kernel`'s output, one column per line.
_ROWS = (
    *("other", "upper", "lower", "digit", "punct", "symbol", "chars", "words", "capitalised"),
    *("sentence_ends", "commas", "separators", "latin", "cyrillic", "cjk", "arabic"),
    *("starts_bullet", "ends_sentence", "ends_colon", "tokens"),
)


@cache
def _char_kernel() -> Any:
    """One pass over a text's code points that counts, per line, what the features need.

    Compiled with numba (a loop over characters, not ~40 array passes: most pages are short, and
    per-call overhead is what costs); ``tests/provenance/test_linefeatures.py`` checks it against a
    plain Python reference. Numba caches the compiled code on disk (``cache=True``), so a new
    process (a Dask worker, a notebook kernel) loads it instead of compiling it again.
    """
    import numba

    @numba.njit(cache=True, nogil=True)
    def run(codes, cls_table, script_table, flag_table, n_lines):
        out = np.zeros((20, n_lines))
        seen_first = np.zeros(n_lines, dtype=np.bool_)
        line = 0
        prev_letter = False
        prev_space = True
        size = codes.size
        for i in range(size):
            c = int(codes[i])
            if c == 10:
                line += 1
                prev_letter = False
                prev_space = True
                continue
            if c > 0xFFFF:
                k, sc, fl = 5, 0, 0  # astral characters: symbols (emoji and the like)
            else:
                k, sc, fl = int(cls_table[c]), int(script_table[c]), int(flag_table[c])
            out[6, line] += 1.0
            if k == 6:  # white space
                prev_letter = False
                prev_space = True
                continue
            out[k, line] += 1.0
            letter = k == 1 or k == 2
            if letter and sc > 0:
                out[11 + sc, line] += 1.0
            if (letter and not prev_letter) or sc == 3:
                out[7, line] += 1.0
                if k == 1:
                    out[8, line] += 1.0
            prev_letter = letter
            if prev_space:
                out[19, line] += 1.0
            prev_space = False
            nxt_space = True
            nxt_code = 0
            if i + 1 < size:
                nxt_code = int(codes[i + 1])
                nxt_space = nxt_code == 10 or (nxt_code <= 0xFFFF and cls_table[nxt_code] == 6)
            if fl & 1 and (nxt_space or c >= 0x3000):
                out[9, line] += 1.0
            if c == 44 or c == 0xFF0C or c == 0x3001:
                out[10, line] += 1.0
            if fl & 8:
                out[11, line] += 1.0
            if not seen_first[line]:
                seen_first[line] = True
                numbered = k == 3 and (nxt_code == 46 or nxt_code == 41)
                out[16, line] = 1.0 if (fl & 4 or numbered) else 0.0
            if not fl & 2:  # the last visible character that is not a closing quote or bracket
                out[17, line] = 1.0 if fl & 1 else 0.0
                out[18, line] = 1.0 if c == 58 else 0.0
        return out

    return run


def char_counts(text: str) -> dict[str, np.ndarray]:
    """Per-line counts of one text (:data:`_ROWS`), from one compiled pass over its characters.

    >>> counts = char_counts("Home | News\\nThe law passed.")
    >>> counts["words"].tolist(), counts["separators"].tolist(), counts["ends_sentence"].tolist()
    ([2.0, 3.0], [1.0, 0.0], [0.0, 1.0])
    """
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    n = text.count("\n") + 1
    out = _char_kernel()(codes, _class_table(), _script_table(), _flag_table(), n)
    return dict(zip(_ROWS, out, strict=True))


def line_features(text: str) -> np.ndarray:
    """A ``(lines, len(FEATURES))`` float array: the features of every line of ``text``.

    Lines are ``text.split("\\n")``; blank lines get their position features and zeros.
    """
    lines = text.split("\n")
    n = len(lines)
    k = char_counts(text)
    upper, lower, digit, punct, symbol = k["upper"], k["lower"], k["digit"], k["punct"], k["symbol"]
    letters = upper + lower
    visible = letters + digit + punct + symbol + k["other"]
    chars = k["chars"]
    n_words, capitalised = k["words"], k["capitalised"]
    sentence_ends, commas, separators = k["sentence_ends"], k["commas"], k["separators"]
    scripts = np.vstack([k["latin"], k["cyrillic"], k["cjk"], k["arabic"]])
    foreign = letters - scripts[int(np.argmax(scripts.sum(axis=1)))]
    ends_sentence, ends_colon, starts_bullet = (
        k["ends_sentence"],
        k["ends_colon"],
        k["starts_bullet"],
    )
    line_starts = np.concatenate([[0], np.cumsum(chars[:-1] + 1)]).astype(np.int64)

    # Whitespace-separated tokens: as many per line as the kernel counted, in order.
    tokens = text.split()
    stop = _token_stoplist("English")
    head = tokens[:LANGUAGE_WORDS]
    if sum(map(stop.__contains__, head)) < ENGLISH_SHARE * len(head):
        sample = [t.lower() for t in map(str.strip, head, repeat(_TOKEN_PUNCT))]
        stop = _token_stoplist(stoplist_language(sample))
    is_stop = np.fromiter(map(stop.__contains__, tokens), dtype=np.float64, count=len(tokens))
    token_line = np.repeat(np.arange(n), k["tokens"].astype(np.int64))
    if token_line.size != is_stop.size:  # never, while str.split and the table agree on spaces
        raise AssertionError("line_features: tokens and their lines disagree")
    stop_counts = np.bincount(token_line, weights=is_stop, minlength=n)[:n]
    has_copyright = _lines_with(_COPYRIGHT, text, line_starts)
    has_url = _lines_with(_URL, text, line_starts)
    seen = Counter(lines)
    repeats = (np.fromiter(map(seen.__getitem__, lines), dtype=np.int64, count=n) > 1) * 1.0

    safe_words = np.maximum(n_words, 1.0)
    safe_visible = np.maximum(visible, 1.0)
    blank = n_words + digit == 0
    order = np.flatnonzero(~blank)
    log_words = np.log1p(n_words)
    stop_share = stop_counts / safe_words
    prose = ((n_words >= PROSE_WORDS) & (ends_sentence > 0)) | (n_words >= 2.5 * PROSE_WORDS)
    prose_words = np.where(prose, n_words, 0.0)
    total_prose = max(float(prose_words.sum()), 1.0)
    cum_prose = np.cumsum(prose_words)

    # Blocks: runs of non-blank lines between blank lines.
    block_id = np.cumsum(blank)
    block_lines = np.bincount(block_id, weights=(~blank).astype(np.float64))[block_id]
    block_words = np.bincount(block_id, weights=n_words)[block_id]
    # Runs of short non-blank lines, blank lines ignored.
    short = (n_words <= SHORT_WORDS).astype(np.int64)
    short_run = np.zeros(n)
    if order.size:
        s = short[order]
        change = np.flatnonzero(np.diff(np.concatenate([[0], s, [0]])))
        for a, b in zip(change[::2], change[1::2], strict=True):
            short_run[order[a:b]] = b - a

    starts = np.concatenate([[0.0], np.cumsum(chars + 1)[:-1]])
    total_chars = max(float(len(text)), 1.0)
    blank_f = blank.astype(np.float64)
    cols = {
        "log_chars": np.log1p(chars),
        "words": n_words,
        "log_words": log_words,
        "mean_word_len": letters / safe_words,
        "letter_share": letters / safe_visible,
        "digit_share": digit / safe_visible,
        "punct_share": punct / safe_visible,
        "symbol_share": symbol / safe_visible,
        "upper_share": upper / np.maximum(letters, 1.0),
        "capitalised_share": capitalised / safe_words,
        "stopword_share": stop_share,
        "comma_per_word": commas / safe_words,
        "sentence_ends": np.log1p(sentence_ends),
        "ends_sentence": ends_sentence,
        "ends_colon": ends_colon,
        "starts_bullet": starts_bullet,
        "separators": np.log1p(separators),
        "has_copyright": has_copyright,
        "has_url": has_url,
        "foreign_script": foreign / np.maximum(letters, 1.0),
        "position": starts / total_chars,
        "line_position": np.arange(n) / max(n - 1, 1),
        "prose_before": (cum_prose - prose_words) / total_prose,
        "prose_after": (total_prose - cum_prose) / total_prose,
        "blank_before": np.concatenate([[1.0], blank_f[:-1]]),
        "blank_after": np.concatenate([blank_f[1:], [1.0]]),
        "block_lines": np.log1p(block_lines),
        "log_block_words": np.log1p(block_words),
        "short_run": np.log1p(short_run),
        "repeats": np.where(blank, 0.0, repeats),
        "words_vs_max": n_words / max(float(n_words.max(initial=0.0)), 1.0),
        "prev_log_words": _shift(log_words, order, -1, 0.0),
        "next_log_words": _shift(log_words, order, 1, 0.0),
        "prev_stopword_share": _shift(stop_share, order, -1, 0.0),
        "next_stopword_share": _shift(stop_share, order, 1, 0.0),
        "prev_ends_sentence": _shift(ends_sentence, order, -1, 0.0),
        "next_ends_sentence": _shift(ends_sentence, order, 1, 0.0),
        "prev_capitalised_share": _shift(capitalised / safe_words, order, -1, 0.0),
        "next_capitalised_share": _shift(capitalised / safe_words, order, 1, 0.0),
        "window_prose": _window_mean(prose.astype(np.float64), order, WINDOW),
        "window_log_words": _window_mean(log_words, order, WINDOW),
        "short_in_prose": (n_words <= SHORT_WORDS) * _window_mean(prose * 1.0, order, WINDOW),
        "after_comments": _after_comments(text, line_starts, cum_prose, np.cumsum(prose)),
        "doc_log_words": np.full(n, np.log1p(float(n_words.sum()))),
    }
    out = np.column_stack([cols[name] for name in FEATURES])
    out[blank, : FEATURES.index("position")] = 0.0
    return out
