"""Decoding: BOMs, UTF-8, legacy Cyrillic and Western encodings, binaries."""

from __future__ import annotations

import pytest
from conftest import ENGLISH_WITH_RUSSIAN_UI, RUSSIAN

from analysis.corpus.encoding import decode, decode_legacy, word_shape_score

FRENCH = "La décision a été prise à Astana après la réunion des ministres.\n"


@pytest.mark.parametrize(
    ("text", "codec", "expected"),
    [
        (RUSSIAN, "utf-8", "utf-8"),
        (RUSSIAN, "utf-8-sig", "utf-8-sig"),
        (RUSSIAN, "utf-16", "utf-16"),
        (RUSSIAN, "utf-16-be", None),  # no BOM: NUL bytes, rejected as binary
        (RUSSIAN, "utf-32", "utf-32"),
        (RUSSIAN, "cp1251", "cp1251"),
        (RUSSIAN, "koi8_r", "koi8_r"),
        (ENGLISH_WITH_RUSSIAN_UI, "cp1251", "cp1251"),
        ("Войти", "cp1251", "cp1251"),  # five bytes: charset-normalizer alone says shift_jis
        (FRENCH, "cp1252", "cp1252"),
    ],
)
def test_decode_round_trips(text, codec, expected):
    raw = text.encode(codec)
    if codec == "utf-16-be":
        assert decode(raw).reason == "binary content (NUL or control bytes)"
        return
    result = decode(raw)
    assert (result.encoding, result.text, result.reason) == (expected, text, None)
    assert raw.decode(result.encoding) == text


def test_control_bytes_without_nul_are_binary():
    raw = bytes([0x01, 0x02, 0x03, 0x1B]) * 10 + b"text"
    assert decode(raw).reason == "binary content (NUL or control bytes)"


def test_broken_utf16_after_bom():
    assert decode(b"\xff\xfe\x00\xd8").reason.startswith("invalid utf-16 after its byte-order mark")


def test_word_shape_scores():
    assert word_shape_score("plain ascii") == 1.0
    assert word_shape_score("Президент и Пресс-служба") == 1.0
    assert word_shape_score("пРЕЗИДЕНТ") == 0.0  # case pattern of KOI8-R read as cp1251
    assert word_shape_score("dйcision") == 0.0  # Latin and Cyrillic in one word
    assert word_shape_score("été à Paris") == 1.0


def test_charset_normalizer_guess_wins_outside_the_candidates():
    # Greek in cp1253: every listed candidate reads implausible words or box-drawing symbols;
    # charset-normalizer's own guess is plausible and wins.
    result = decode_legacy(
        "Η Αστάνα και η Μόσχα υπέγραψαν συμφωνία για το εμπόριο.".encode("cp1253")
    )
    assert (result.encoding, result.text) == (
        "cp1253",
        "Η Αστάνα και η Μόσχα υπέγραψαν συμφωνία για το εμπόριο.",
    )


def test_bytes_without_plausible_decoding_are_rejected():
    raw = bytes(range(0x80, 0x100)) * 4
    assert decode(raw).reason == "unknown text encoding (not UTF-8, no plausible legacy encoding)"
