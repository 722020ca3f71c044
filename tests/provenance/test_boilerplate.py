"""Boilerplate separation on the seed page dumps and on variants built here."""

from __future__ import annotations

import polars as pl
import pytest
from conftest import ARTICLE_LINES

from analysis.corpus.intake import ok_documents, read_corpus
from analysis.provenance import boilerplate as B
from analysis.provenance.fields import detect_outlets


@pytest.fixture(scope="module")
def seeds():
    docs = ok_documents(read_corpus("seeds"))
    segments = B.segment_corpus(docs, detect_outlets(docs))
    return docs, segments


def labels_by_line(docs, segments, prefix):
    doc_id = docs.filter(pl.col("source").str.starts_with(prefix))["doc_id"][0]
    seg = segments.filter(pl.col("doc_id") == doc_id, pl.col("reason").ne_missing("blank line"))
    return {(r["line_no"], r["label"]) for r in seg.iter_rows(named=True)}, doc_id


@pytest.mark.parametrize("prefix", sorted(ARTICLE_LINES))
def test_article_lines_are_body_and_everything_else_is_boilerplate(seeds, prefix):
    docs, segments = seeds
    labelled, _ = labels_by_line(docs, segments, prefix)
    body = {n for n, label in labelled if label == "body"}
    assert body == ARTICLE_LINES[prefix]


def test_reasons_on_the_seeds(seeds):
    docs, segments = seeds
    text = dict(zip(docs["doc_id"], docs["text"], strict=True))
    reasons = {
        (text[r["doc_id"]][r["start"] : r["end"]].strip()[:40], r["reason"])
        for r in segments.iter_rows(named=True)
        if r["label"] == "boilerplate"
    }
    for expected in [
        ("Войти", "navigation"),
        ("The West is advised to pay att", "header: title"),
        ("1118", "widget counter"),
        ("Image source: © Пресс-служба П", "image credit"),
        ("Eugène Berg", "byline: signature"),
        ("The rights to this material be", "credit line"),
        ("Ainur Kurmanov.", "header: byline"),
        ("19.11.2022 00:19", "header: date"),
        ("(Moscow time), Almaty", "header: dateline"),
        ("Views: 2562", "header: views"),
        ("On Sunday, November 20, early p", "duplicated teaser (of line 11)"),
        ("Subscribe to PolitNavigator ne", "subscription"),
        ("With Chakraborty", "image caption"),
        ('< p class="">', "html residue"),
        ("For the latest updates and new", "subscription"),
        ("If you find an error, please s", "share prompt"),
        ("Dear Readers, At the request o", "page foot (after share prompt)"),
    ]:
        assert expected in {(a[: len(expected[0])], b) for a, b in reasons}, expected


def test_clean_bodies_hold_no_boilerplate_and_keep_paragraphs(seeds):
    docs, segments = seeds
    bodies = B.bodies(docs, segments)
    joined = "\n".join(bodies["body"])
    for junk in [
        "Войти",
        "Subscribe to",
        "Dear Readers",
        "Image source",
        "< p class",
        "The rights to this material",
        "For the latest updates",
        "Views:",
        "Tags:",
        "Ctrl + Enter",
        "Mon Tues Wed",
        "which will certainly lead to...",
        "23.09 15:30",
    ]:
        assert junk not in joined, junk
    html_line = next(b for b in bodies["body"] if "In this regard, the State Department" in b)
    assert "\nIn this regard, the State Department called on" in html_line
    share = dict(zip(bodies["doc_id"], bodies["boilerplate_share"], strict=True))
    by_source = dict(zip(docs["source"], docs["doc_id"], strict=True))
    assert share[by_source["004_e3e05d9d66b411c8.txt"]] == 0.0
    assert share[by_source["001_10a2459e9d4c8b43.txt"]] > 0.15


def test_every_character_is_in_exactly_one_segment(seeds):
    docs, segments = seeds
    for doc_id, text in docs.select("doc_id", "text").iter_rows():
        seg = segments.filter(pl.col("doc_id") == doc_id).sort("start")
        covered = sum(e - s for s, e in seg.select("start", "end").iter_rows())
        assert covered == len(text) - text.count("\n")
        ends = seg["end"].to_list()
        assert all(a <= b for a, b in zip(ends, seg["start"].to_list()[1:], strict=False))


def test_recurring_lines_are_learned_per_outlet():
    shared = "Read our sister site for more news every day"
    docs = pl.DataFrame(
        {
            "doc_id": ["a", "b", "c"],
            "text": [
                f"Article one is long enough to read as a paragraph of prose here.\n{shared}",
                f"Article two is long enough to read as a paragraph of prose there.\n{shared}",
                f"Article three is long enough to read as a paragraph of prose too.\n{shared}",
            ],
        }
    )
    seg = B.segment_corpus(docs, {"a": "X", "b": "X", "c": "Y"})
    last = seg.filter(pl.col("line_no") == 2).sort("doc_id")
    assert last["reason"].to_list() == [
        "recurs in 2 documents of X",
        "recurs in 2 documents of X",
        "classifier",
    ]


def test_the_recurring_index_is_recurring_lines_and_recurring_in_in_one_pass():
    texts = {
        "a": "Share this\nWeekly  digest\nAn article on grain exports through the Caspian.",
        "b": "share THIS\nWeekly digest\nAnother article, on the pipeline tariffs in Baku.",
        "c": "Weekly digest\nA third article, on rail freight from Khorgos.\n\n",
        "d": "Share this\nA document whose outlet is not known.",
        "e": "Editor's pick\nAn article of another outlet.",
        "f": "Editor's pick\nA second article of that outlet.\nShare this",
    }
    outlets = {"a": "X", "b": "X", "c": "X", "d": None, "e": "Y", "f": "Y"}
    docs = pl.DataFrame({"doc_id": list(texts), "text": list(texts.values())})
    index = B.recurring_index(docs.reverse(), outlets)
    expected = B.recurring_lines(texts, outlets)
    assert B.recurring_from(index.lines) == expected
    assert expected == {
        "X": {"share this": 2, "weekly digest": 3},
        "Y": {"editor's pick": 2},
    }
    held = {d: tuple(lines) for d, lines in index.held.iter_rows()}
    assert held == {
        d: B.recurring_in(t, expected.get(outlets[d])) for d, t in texts.items() if outlets[d]
    }
    assert held["c"] == ("weekly digest",) and "d" not in held  # no outlet, nothing compared
    assert index.held["doc_id"].to_list() == ["a", "b", "c", "e", "f"]


def test_a_short_line_printed_three_times_is_a_label():
    para = [
        "The department gave up twelve floors of offices in the capital in January this year.",
        "A few months later it delayed the return to the office for lack of desks, officials said.",
        "The documents show how departments struggle to bring their staff back to the office.",
    ]
    lines = "\n".join(f"Article content\n{p}" for p in para)
    text = f"Office space shrinks\n{lines}\nAdvertisement\nAdvertisement"
    found = [(s.label, s.reason) for s in B.label_document(text)]
    assert found == [
        ("boilerplate", "header: title"),
        *[("boilerplate", "repeated label"), ("body", "classifier")] * 3,
        ("boilerplate", "navigation"),
        ("boilerplate", "navigation"),
    ]
    # twice is not yet a label
    twice = "\n".join(f"Article content\n{p}" for p in para[:2])
    assert "repeated label" not in {s.reason for s in B.label_document(twice)}


def test_stripped_and_crlf_variants_keep_the_same_body(seeds, tmp_path):
    docs, segments = seeds
    bodies = B.bodies(docs, segments)
    src = docs.filter(pl.col("source").str.starts_with("003"))
    body = bodies.filter(pl.col("doc_id") == src["doc_id"][0])["body"][0]
    folder = tmp_path / "variants"
    folder.mkdir()
    (folder / "stripped.txt").write_text(body, encoding="utf-8")
    (folder / "crlf.txt").write_bytes(src["text"][0].replace("\n", "\r\n").encode())
    variants = ok_documents(read_corpus(folder))
    vb = B.bodies(variants, B.segment_corpus(variants, detect_outlets(variants)))
    by_source = dict(zip(variants["source"], variants["doc_id"], strict=True))
    got = dict(zip(vb["doc_id"], vb["body"], strict=True))
    assert got[by_source["crlf.txt"]] == body
    assert got[by_source["stripped.txt"]] == body


def test_normalise_line_collapses_what_re_calls_whitespace():
    import re
    import sys

    space = re.compile(r"\s")
    every = map(chr, range(sys.maxunicode + 1))
    assert {c for c in every if c.isspace()} == {
        c for c in map(chr, range(sys.maxunicode + 1)) if space.fullmatch(c)
    }
    line = " Share\u00a0this\u2003 ARTICLE\x1c \t"
    assert (
        B.normalise_line(line) == re.sub(r"\s+", " ", line).strip().lower() == "share this article"
    )


ARTICLE = [
    "The department gave up twelve floors of offices in the capital in January this year.",
    "A few months later it delayed the return to the office for lack of desks, officials said.",
    "The documents show how departments struggle to bring their staff back to the office.",
    "Ministers have promised a review of the estate before the end of the financial year.",
]


def _reasons(text: str) -> dict[str, str]:
    return {text[s.start : s.end]: s.reason for s in B.label_document(text)}


def test_a_reader_comment_thread_below_the_article_is_boilerplate():
    comments = [
        (
            "Harald Korneliussen 11.06.12 at 12:35 pm",
            "Isn't it a paradox to say that a vote does not matter here?",
        ),
        (
            "Trader Joe 11.06.12 at 1:02 pm",
            "Really? I thought the whole point of the plan was to save money on rent.",
        ),
        (
            "Glen Tomkins 11.06.12 at 1:03 pm",
            "If that really is your name, I would hit you over the head with a chair.",
        ),
        (
            "Martin says:",
            "In so far as the boom has cut emissions, can it be attributed to the policy at all?",
        ),
    ]
    thread = "\n".join(f"{head}\n{words}" for head, words in comments)
    text = "Office space shrinks\n" + "\n".join(ARTICLE) + "\n" + thread + "\n"
    reasons = _reasons(text)
    assert all(reasons[p] == "classifier" for p in ARTICLE)
    assert {reasons[h] for h, _ in comments} == {B.COMMENT_THREAD}
    assert {reasons[w] for _, w in comments} == {B.COMMENT_THREAD}
    assert [s.label for s in B.label_document(text) if s.reason == B.COMMENT_THREAD] == [
        "boilerplate"
    ] * 8


def test_a_live_blog_and_heads_far_apart_open_no_comment_thread():
    # clock times head a live blog's updates, not comments, even beside a word like "Markets 3"
    stamps = ["12.05pm GMT", "12.35pm Election 2024", "1.02pm: Markets 3% lower", "1.40pm GMT"]
    updates = "\n".join(f"{h}\n{p}" for h, p in zip(stamps, ARTICLE, strict=True))
    live = "Office space shrinks\n" + "\n".join(ARTICLE[:3]) + "\n" + updates + "\n"
    assert B.COMMENT_THREAD not in _reasons(live).values()
    # four comment heads, but more than THREAD_SPAN lines apart: no thread
    filler = "\n".join(ARTICLE * (B.THREAD_SPAN // 8))
    heads = "\n".join(f"{who} says:\n{filler}" for who in ["Ann", "Bob", "Cy", "Di"])
    spread = "Office space shrinks\n" + "\n".join(ARTICLE[:3]) + "\n" + heads + "\n"
    assert B.COMMENT_THREAD not in _reasons(spread).values()


def test_quotes_introduced_with_said_open_no_comment_thread():
    quotes = "\n".join(
        f'{who} said: "{p}"'
        for who, p in zip(["The minister", "Putin", "He", "She"], ARTICLE, strict=True)
    )
    text = "Office space shrinks\n" + "\n".join(ARTICLE) + "\n" + quotes + "\n"
    assert B.COMMENT_THREAD not in _reasons(text).values()
    # the same heads written as a comment system writes them do open one
    heads = "\n".join(
        f"{who} says:\n{p}" for who, p in zip(["Ann", "Bob", "Cy", "Di"], ARTICLE, strict=True)
    )
    assert (
        B.COMMENT_THREAD
        in _reasons("Office space shrinks\n" + "\n".join(ARTICLE) + "\n" + heads).values()
    )
