"""Line features of page dumps: values on small pages built here."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.linefeatures import FEATURES, line_features, stoplist_language

PAGE = "\n".join(
    [
        "Home | World | Business | Sport",  # 0
        "Subscribe",  # 1
        "",  # 2
        "Parliament passes the budget",  # 3
        "",  # 4
        "The lower house of parliament passed the budget for next year on Tuesday, after a "
        "debate that lasted for most of the night.",  # 5
        "Вход на сайт",  # 6
        "Subscribe",  # 7
        "© 2024 The Example Times. All rights reserved. www.example.com",  # 8
    ]
)


@pytest.fixture(scope="module")
def x():
    return line_features(PAGE)


def col(x, name):
    return [round(float(v), 3) for v in x[:, FEATURES.index(name)]]


def test_one_row_per_line_and_blank_lines_are_zero_but_for_position(x):
    assert x.shape == (9, len(FEATURES))
    assert x[2, : FEATURES.index("position")].tolist() == [0.0] * FEATURES.index("position")
    assert col(x, "position")[0] == 0.0
    assert col(x, "position") == sorted(col(x, "position"))


def test_counts_and_shares(x):
    assert col(x, "words") == [4.0, 1.0, 0.0, 4.0, 0.0, 23.0, 3.0, 1.0, 9.0]
    assert col(x, "separators")[0] == round(float(np.log1p(3)), 3)
    assert col(x, "ends_sentence") == [0, 0, 0, 0, 0, 1, 0, 0, 0]
    assert col(x, "capitalised_share")[3] == 0.25
    # jusText's English stoplist holds frequent words such as "home", "world" and "business"
    assert col(x, "stopword_share") == [0.75, 0.0, 0.0, 0.25, 0.0, 0.652, 0.0, 0.0, 0.333]
    assert col(x, "has_copyright") == [0, 0, 0, 0, 0, 0, 0, 0, 1]
    assert col(x, "has_url") == [0, 0, 0, 0, 0, 0, 0, 0, 1]


def test_repetition_script_and_runs(x):
    assert col(x, "repeats") == [0, 1, 0, 0, 0, 0, 0, 1, 0]
    assert col(x, "foreign_script") == [0, 0, 0, 0, 0, 0, 1, 0, 0]
    # lines 0-1 are a run of two short lines (blank lines do not break a run), line 3 follows
    assert col(x, "short_run")[:2] == [round(float(np.log1p(3)), 3)] * 2
    assert col(x, "prose_before")[:5] == [0.0] * 5
    assert col(x, "prose_after")[6:] == [0.0] * 3


def test_neighbours_skip_blank_lines(x):
    assert col(x, "prev_log_words")[5] == col(x, "log_words")[3]
    assert col(x, "next_log_words")[3] == col(x, "log_words")[5]


def test_chinese_counts_characters_as_words():
    x = line_features("政府今天宣布了新的预算。\nHome")
    assert col(x, "words") == [11.0, 1.0]
    assert col(x, "sentence_ends")[0] == round(float(np.log1p(1)), 3)


def test_features_do_not_depend_on_the_lines_after_a_page():
    a = line_features(PAGE)
    b = line_features(PAGE)
    assert np.array_equal(a, b)


def test_unusual_characters_do_not_break_the_offsets():
    # characters whose lower case is longer (İ), astral symbols and a lone surrogate
    x = line_features("İstanbul 😀 news\n\ud800 text here")
    assert col(x, "words") == [2.0, 2.0]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("the parliament passed the law on monday after a long debate in the night", "English"),
        ("парламент принял закон в понедельник после долгих дебатов", "Russian"),
        ("парламент заңды дүйсенбіде ұзақ талқылаудан кейін қабылдады және бұл", "Kazakh"),
        ("", "English"),
    ],
)
def test_stoplist_language(text, language):
    assert stoplist_language(text.split()) == language
