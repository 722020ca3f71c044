"""English word frequencies: the table lookup gives wordfreq's own answers."""

from __future__ import annotations

import numpy as np
import pytest
import wordfreq

from analysis.text import frequency as F

OTHER = ["don't", "co-op", "café", "naïve", "2024", "covid19", "x2", "über", "'tis", "The", "NATO"]


def _sample() -> list[str]:
    plain = [w for w in F.frequency_table() if F.is_plain(w)]
    assert len(plain) > 200_000  # the whole English table, not a stub
    rng = np.random.default_rng(3)
    sample = [plain[int(i)] for i in rng.integers(0, len(plain), 4000)] + plain[:300] + plain[-300:]
    sample += [w.capitalize() for w in sample[:500]] + [w.upper() for w in sample[500:700]]
    letters = list("abcdefghijklmnopqrstuvwxyz")
    unknown = ["".join(rng.choice(letters, int(rng.integers(1, 12)))) for _ in range(1500)]
    return [*sample, *unknown, *OTHER]


@pytest.mark.parametrize("minimum", [0.0, 1e-9, 1e-6])
def test_word_frequency_is_wordfreqs(minimum):
    for word in _sample():
        expected = wordfreq.word_frequency(word, "en", wordlist="best", minimum=minimum)
        assert F.word_frequency(word, minimum) == expected, word


def test_zipf_frequency_is_wordfreqs():
    for word in _sample():
        assert F.zipf_frequency(word) == wordfreq.zipf_frequency(word, "en"), word
    assert F.zipf_frequency("qzxvkj") == 0.0 and F.zipf_frequency("the") > 7


def test_every_bucket_of_the_table_is_answered_like_its_words():
    # one plain word per frequency bucket, beside the representative the module asked
    seen: dict[float, str] = {}
    for word, freq in F.frequency_table().items():
        if F.is_plain(word) and word.islower() and word != F._representatives()[freq]:
            seen.setdefault(freq, word)
    assert len(seen) > 400
    for word in seen.values():
        assert F.zipf_frequency(word) == wordfreq.zipf_frequency(word, "en")
        assert F.word_frequency(word, 1e-9) == wordfreq.word_frequency(word, "en", minimum=1e-9)
