"""Decoding raw bytes of a text file: BOMs, UTF-8, legacy single-byte encodings, binaries.

The order of checks is fixed and documented in :func:`decode`. Detection of legacy encodings
uses ``charset-normalizer`` plus a small word-shape score, because statistical detectors are
unreliable on short Cyrillic strings (a page dump in English with a few Russian UI words, such as
``Войти`` in cp1251, is typical of our corpus and is misread by charset-normalizer alone).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import charset_normalizer

__all__ = [
    "BOMS",
    "LEGACY_CANDIDATES",
    "MAX_CONTROL_SHARE",
    "Decoded",
    "decode",
    "decode_legacy",
    "word_shape_score",
]

#: BOMs checked longest first, with the Python codec that strips them.
BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)

#: Legacy encodings tried for text that is not UTF-8, in order of preference on a tie.
LEGACY_CANDIDATES: tuple[str, ...] = ("cp1251", "koi8_r", "cp1252", "iso8859_2", "cp866")

#: Share of control bytes (other than tab, newlines, form feed) above which input is binary.
MAX_CONTROL_SHARE = 0.01

_CONTROL_BYTES = frozenset(set(range(0x20)) - {0x09, 0x0A, 0x0C, 0x0D} | {0x7F})
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Decoded:
    """Result of :func:`decode`: either ``text`` and ``encoding``, or a rejection ``reason``."""

    text: str | None
    encoding: str | None
    reason: str | None = None


def _script(ch: str) -> str:
    """First word of the character's Unicode name: LATIN, CYRILLIC, GREEK, ..."""
    return unicodedata.name(ch, "UNKNOWN").split(" ", 1)[0]


def _is_odd(ch: str) -> bool:
    """A non-ASCII character that is neither a letter, a mark, punctuation, space nor currency.

    Box-drawing and other symbols are what legacy bytes read in the wrong code page look like.
    """
    return not ch.isascii() and unicodedata.category(ch)[0] not in "LMPZ" and ch not in "€£$№©®°±"


def word_shape_score(text: str) -> float:
    """Share of words containing non-ASCII letters whose shape is plausible.

    A word is plausible when its letters share one script, its case pattern is lower, UPPER or
    Capitalized, and, for Latin script, not every letter is accented (a run of accented Latin
    letters is what Cyrillic bytes look like when read as cp1252). Each odd symbol (box drawing
    and the like) counts as one more implausible word. Text without non-ASCII letters or
    symbols scores 1.0.

    >>> word_shape_score("Войти в Казахстан")
    1.0
    >>> word_shape_score("бНИРХ")  # cp1251 bytes read as KOI8-R
    0.0
    >>> word_shape_score("Âîéòè")  # cp1251 bytes read as cp1252
    0.0
    >>> word_shape_score("╩сцсъ")  # Greek cp1253 bytes read as cp866: one word, one symbol
    0.5
    """
    words = [w for w in _WORD.findall(text) if not w.isascii()]
    odd = sum(_is_odd(c) for c in text)
    if not words and not odd:
        return 1.0
    good = 0
    for w in words:
        scripts = {_script(c) for c in w}
        if len(scripts) != 1:
            continue
        if not (w.islower() or w.isupper() or (w[0].isupper() and w[1:].islower())):
            continue
        if scripts == {"LATIN"} and len(w) > 1 and not any(c.isascii() for c in w):
            continue
        good += 1
    return good / (len(words) + odd)


def _control_share(raw: bytes) -> float:
    if not raw:
        return 0.0
    return sum(b in _CONTROL_BYTES for b in raw) / len(raw)


def decode_legacy(raw: bytes) -> Decoded:
    """Pick the most plausible legacy encoding for bytes that are not UTF-8.

    Candidates are :data:`LEGACY_CANDIDATES` plus charset-normalizer's best guess; the one whose
    decoding has the highest :func:`word_shape_score` wins, ties going to the earlier candidate.

    >>> decode_legacy("Скандал".encode("cp1251")).encoding
    'cp1251'
    >>> decode_legacy("Скандал".encode("koi8_r")).encoding
    'koi8_r'
    """
    candidates = list(LEGACY_CANDIDATES)
    guess = charset_normalizer.from_bytes(raw).best()
    if guess is not None and guess.encoding not in candidates:
        candidates.append(guess.encoding)
    best: tuple[float, int, str, str] | None = None
    for rank, enc in enumerate(candidates):
        try:
            text = raw.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
        key = (word_shape_score(text), -rank, enc, text)
        if best is None or key[:2] > best[:2]:
            best = key
    if best is None or best[0] < 0.5:
        return Decoded(
            None, None, "unknown text encoding (not UTF-8, no plausible legacy encoding)"
        )
    return Decoded(best[3], best[2])


def decode(raw: bytes) -> Decoded:
    """Decode the raw bytes of a text document.

    Checks, in order: a BOM (UTF-32, UTF-8, UTF-16; the codec strips it); NUL or control bytes
    (binary, rejected); strict UTF-8; then :func:`decode_legacy`. The returned ``encoding`` is a
    Python codec name such that ``raw.decode(encoding) == text``.

    >>> decode("Привет".encode("utf-16")).encoding
    'utf-16'
    >>> decode(b"\\xef\\xbb\\xbfhello").text
    'hello'
    >>> decode(b"\\x89PNG\\r\\n\\x1a\\n\\x00\\x00").reason
    'binary content (NUL or control bytes)'
    """
    for bom, codec in BOMS:
        if raw.startswith(bom):
            try:
                return Decoded(raw.decode(codec), codec)
            except UnicodeDecodeError as exc:
                return Decoded(
                    None, None, f"invalid {codec} after its byte-order mark: {exc.reason}"
                )
    if b"\x00" in raw or _control_share(raw) > MAX_CONTROL_SHARE:
        return Decoded(None, None, "binary content (NUL or control bytes)")
    try:
        return Decoded(raw.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        return decode_legacy(raw)
