"""Line features of page dumps: values on small pages built here."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import numpy as np
import pytest

from analysis.provenance.linefeatures import FEATURES, char_counts, line_features, stoplist_language

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


def reference_counts(text: str) -> dict[str, list[float]]:
    """What ``char_counts`` computes, written line by line in plain Python (slow, obvious)."""
    from analysis.provenance import linefeatures as F

    def kind(ch: str) -> str:
        if ord(ch) > 0xFFFF:
            return "symbol"
        cat = unicodedata.category(ch)
        if ch.isspace():
            return "space"
        if cat in ("Lu", "Lt"):
            return "upper"
        return {"L": "lower", "M": "lower", "N": "digit", "P": "punct", "S": "symbol"}.get(
            cat[0], "other"
        )

    scripts = {1: "latin", 2: "cyrillic", 3: "cjk", 4: "arabic"}
    out: dict[str, list[float]] = {name: [] for name in F._ROWS}
    for line in text.split("\n"):
        row = dict.fromkeys(F._ROWS, 0.0)
        row["chars"] = float(len(line))
        prev_letter = False
        visible = [ch for ch in line if kind(ch) != "space"]
        for i, ch in enumerate(line):
            k = kind(ch)
            letter = k in ("upper", "lower")
            script = int(F._script_table()[ord(ch)]) if ord(ch) <= 0xFFFF and letter else 0
            if k != "space":
                row[k] += 1
            if script:
                row[scripts[script]] += 1
            if (letter and not prev_letter) or script == 3:
                row["words"] += 1
                row["capitalised"] += k == "upper"
            prev_letter = letter
            nxt = line[i + 1] if i + 1 < len(line) else " "
            if ch in F._SENTENCE_END and (kind(nxt) == "space" or ord(ch) >= 0x3000):
                row["sentence_ends"] += 1
            row["commas"] += ch in ",，、"
            row["separators"] += ch in F._SEPARATORS
        row["tokens"] = float(len(line.split()))
        if visible:
            first = line.lstrip()
            numbered = kind(first[0]) == "digit" and first[1:2] in (".", ")")
            row["starts_bullet"] = float(first[0] in F._BULLETS or numbered)
            last = [ch for ch in visible if ch not in F._CLOSERS]
            if last:
                row["ends_sentence"] = float(last[-1] in F._SENTENCE_END)
                row["ends_colon"] = float(last[-1] == ":")
        for name in F._ROWS:
            out[name].append(float(row[name]))
    return out


TRICKY = (
    "  • Home | News › Sport\n1. First item\n\n«Он сказал: „да“.» Дальше — текст!\n"
    "政府今天宣布了新的预算。明天，会议。\nİstanbul 😀 emoji, tabs\tand\u00a0spaces...\n"
    'He said "yes."\nLabel:\n\u2028x'
)


@pytest.mark.parametrize("text", [TRICKY, PAGE, "", "\n\n", "a"])
def test_char_counts_equal_a_plain_python_reference(text):
    counts = char_counts(text)
    assert {k: v.tolist() for k, v in counts.items()} == reference_counts(text)


def test_char_counts_on_the_seeds():
    for path in sorted(Path("seeds").glob("*.txt")):
        text = path.read_text(encoding="utf-8", errors="replace")
        counts = char_counts(text)
        assert {k: v.tolist() for k, v in counts.items()} == reference_counts(text), path.name


def test_lines_after_a_comment_heading_are_flagged():
    prose = "The lower house passed the budget on Tuesday after a long debate in the night."
    article = "\n".join([prose] * 3)
    text = f"Comments\n{article}\n\n12 comments\nGreat article!\nI disagree with this."
    assert col(line_features(text), "after_comments") == [0, 0, 0, 0, 0, 0, 1, 1]
    # a heading before any prose (a menu item) flags nothing
    assert col(line_features(f"Comments\n{prose}"), "after_comments") == [0, 0]
    # nor does a "Join the conversation" link under the standfirst, above the article's prose
    header = f"Budget passes\n{prose}\nJoin the conversation\n" + "\n".join([prose] * 6)
    assert col(line_features(header), "after_comments") == [0] * 9
