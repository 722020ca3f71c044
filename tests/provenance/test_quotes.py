"""Quotes and reported speech: the seeds as careful readers read them, and one sentence per rule."""

from __future__ import annotations

import polars as pl
import pytest
from conftest import ARTICLE_LINES, CountingList, line_spans

from analysis.corpus.intake import ok_documents, read_corpus
from analysis.provenance import quotes as Q
from analysis.provenance.quotes import _direct, _reported, _speakers
from analysis.text.spans import line_spans as every_line


@pytest.fixture(scope="module")
def seeds() -> tuple[pl.DataFrame, dict[str, list[tuple[int, int]]], dict[str, str]]:
    docs = ok_documents(read_corpus("seeds")).select("doc_id", "source", "text")
    spans = {d: line_spans(t, ARTICLE_LINES[s[:3]]) for d, s, t in docs.iter_rows()}
    ids = {s[:3]: d for d, s, _ in docs.iter_rows()}
    return docs, spans, ids


@pytest.fixture(scope="module")
def table(seeds) -> pl.DataFrame:
    docs, spans, _ = seeds
    return Q.quotes_table(docs, spans)


def rows(table: pl.DataFrame, ids: dict[str, str], prefix: str) -> list[dict]:
    return table.filter(pl.col("doc_id") == ids[prefix]).to_dicts()


def one(found: list[dict], starts: str, kind: str | None = None) -> dict:
    hits = [
        r for r in found if r["quote"].startswith(starts) and (kind is None or r["kind"] == kind)
    ]
    assert len(hits) == 1, (starts, [r["quote"][:40] for r in found])
    return hits[0]


def who(row: dict) -> tuple:
    return row["speaker"], row["speaker_role"], row["kind"], row["cue"]


# --- the seed corpus ------------------------------------------------------------------------


def test_table_schema_offsets_and_order(seeds, table):
    docs, spans, _ = seeds
    assert table.schema == pl.Schema(Q.QUOTES_SCHEMA)
    assert table.equals(table.sort("doc_id", "start", "end", "kind"))
    text = dict(zip(docs["doc_id"], docs["text"], strict=True))
    for r in table.iter_rows(named=True):
        t = text[r["doc_id"]]
        assert t[r["start"] : r["end"]] == r["quote"]
        inside = [s for s, e in spans[r["doc_id"]] if s <= r["start"] and r["end"] <= e]
        assert inside or r["rule"].startswith("block quote"), r["quote"][:60]
        if r["speaker"] is not None:
            assert t[r["speaker_start"] : r["speaker_end"]] == r["speaker"]
        if r["speaker_role"] is not None:
            assert t[r["role_start"] : r["role_end"]] == r["speaker_role"]
        if r["cue"] is not None:
            assert " ".join(t[r["cue_start"] : r["cue_end"]].lower().split()) == r["cue"]


def test_000_osmonov_stepanenko_and_the_state_department(seeds, table):
    _, _, ids = seeds
    found = rows(table, ids, "000")
    osmonov = ("Azamat Osmonov", "political scientist")
    r = one(found, "Kazakhstan does not adhere to the strategy", "reported")
    assert who(r) == (*osmonov, "reported", "explained")
    assert r["quote"].endswith("“sit on its own chair”")
    r = one(found, "I think that Astana, Tashkent and Bishkek", "direct")
    assert who(r) == (*osmonov, "direct", "said")
    assert r["quote"].endswith("a foreign issue for Kazakhstan")  # the stray inner “ is inside
    hjs = "researcher at the British analytical center Henry Jackson Society"
    r = one(found, "these reforms are highly appreciated in London")
    assert who(r) == ("Stepan Stepanenko", hjs, "reported", "according to")
    assert r["rule"] == "reported: according to; pronoun resolved"
    r = one(found, "Official UK statements welcome")
    assert who(r) == ("Stepan Stepanenko", hjs, "direct", "said")
    assert r["quote"].endswith("as a point for engagement extra")
    r = one(found, "although it believes that the electoral process")
    assert who(r) == ("the US State Department", None, "direct", "it was noted")


def test_000_scare_quotes_are_not_quotes(seeds, table):
    _, _, ids = seeds
    quoted = {r["quote"] for r in rows(table, ids, "000")}
    for scare in ("collective", "democracy", "friends", "Western trust credit", "sitting on two"):
        assert not any(q.startswith(scare) for q in quoted)
    assert not any(q.startswith("who is not with us") for q in quoted)  # a slogan, 8 words


def test_001_tokayev_kuspan_and_the_deputy_foreign_minister(seeds, table):
    _, _, ids = seeds
    found = rows(table, ids, "001")
    r = one(found, "Thanks to Nazarbayev, a number of very profitable")
    assert who(r) == ("Tokayev", "President", "direct", "stated")
    assert r["quote"].endswith("start helping them regularly.")
    r = one(found, "it is necessary to put an end to the financial system")
    assert who(r) == ("Tokayev", "President", "reported", "according to")
    r = one(found, "Insulting statements were made")
    assert who(r) == ("Aigul Kuspan", "deputy, former ambassador to Brussels", "direct", "said")
    assert '"aggressive chauvinism"' in r["quote"]  # a nested straight quote stays inside
    deputy_fm = (
        "the Deputy Foreign Minister of Kazakhstan",
        "Deputy Foreign Minister of Kazakhstan",
    )
    r = one(found, "We have no other solution but to develop balanced relations")
    assert who(r) == (*deputy_fm, "direct", "said")
    r = one(found, "It is not easy to maintain a balance")
    assert who(r) == (*deputy_fm, "direct", "said")
    assert r["rule"] == "continuation"
    r = one(found, "Before Nursultan Nazarbayev, the Kazakhs did not have a state")
    assert who(r)[::2] == ("the owner of the Kremlin", "direct")


def test_002_press_service_and_state_department(seeds, table):
    _, _, ids = seeds
    found = rows(table, ids, "002")
    r = one(found, "During the meeting, the president expressed")
    assert who(r) == (
        "the press service of the head of state",
        "press service of the head of state",
        "direct",
        "points out",
    )
    r = one(found, "Astana is a reliable partner in the region")
    assert who(r) == ("the State Department", None, "direct", "stated")
    assert not any(
        r["kind"] == "reported" and r["speaker"] == "the State Department" for r in found
    )


def test_003_moser_and_tleuberdi(seeds, table):
    _, _, ids = seeds
    found = rows(table, ids, "003")
    moser = ("William Moser", "US Ambassador to Kazakhstan")
    for start, cue in [
        ("We use sanctions against Russia only", "answered"),
        ("Without a doubt, we support the right", "from the mouth of"),
        ("The United States supports the development", "said"),
        ("We work together on security issues", "let slip"),
    ]:
        assert who(one(found, start, "direct")) == (*moser, "direct", cue)
    r = one(found, "At the same time, we understand that our path")
    assert who(r) == (
        "Mukhtar Tleuberdi",
        "Minister of Foreign Affairs of Kazakhstan",
        "direct",
        "writes",
    )
    assert r["rule"] == "cue after quote; description resolved"
    assert r["quote"].endswith("the broader international community.")  # “ closed by "
    assert {r["speaker"] for r in found if r["kind"] == "direct"} == {moser[0], "Mukhtar Tleuberdi"}


def test_004_telegram_post_and_tokayev_block_quotes(seeds, table):
    docs, _, ids = seeds
    text = docs.filter(pl.col("doc_id") == ids["004"])["text"][0]
    lines = text.split("\n")
    found = rows(table, ids, "004")
    assert [r["kind"] for r in found] == ["direct", "direct"]
    post, speech = found
    assert who(post) == ("Daniyar Ashimbayev", "Political analyst", "direct", "wrote")
    assert post["quote"] == "\n".join(lines[2:17])  # lines 3-17: the reproduced post
    assert post["rule"] == "block quote; description resolved"
    assert who(speech) == ("Kassym-Jomart Tokayev", "President", "direct", "stated")
    assert speech["quote"] == lines[15]  # line 16, inside the post
    assert not any(r["quote"] == "liberal" for r in found)


def test_every_seed_has_its_main_speakers(seeds, table):
    _, _, ids = seeds
    expected = {
        "000": {"Azamat Osmonov", "Stepan Stepanenko", "the US State Department"},
        "001": {"Tokayev", "Aigul Kuspan", "the Deputy Foreign Minister of Kazakhstan"},
        "002": {"the press service of the head of state", "the State Department"},
        "003": {"William Moser", "Mukhtar Tleuberdi"},
        "004": {"Daniyar Ashimbayev", "Kassym-Jomart Tokayev"},
    }
    for prefix, speakers in expected.items():
        assert speakers <= {r["speaker"] for r in rows(table, ids, prefix)}, prefix


def test_only_body_spans_are_read(seeds):
    docs, _, ids = seeds
    text = docs.filter(pl.col("doc_id") == ids["001"])["text"][0]
    headline = "Significant increase in strike potential"  # a headline list item below the article
    everything = Q.extract_quotes(text, None, ids["001"])
    body = Q.extract_quotes(text, line_spans(text, ARTICLE_LINES["001"]), ids["001"])
    assert any(q.quote == headline for q in everything)
    assert not any(headline in q.quote for q in body)


# --- one rule at a time ---------------------------------------------------------------------


def quotes_of(text: str, spans=None) -> list[tuple]:
    return [
        (q.quote, q.speaker, q.speaker_role, q.cue, q.kind) for q in Q.extract_quotes(text, spans)
    ]


def test_quote_before_the_speaker():
    assert quotes_of("“We will stay neutral,” Foreign Minister Murat Nurtleu said.") == [
        ("We will stay neutral", "Murat Nurtleu", "Foreign Minister", "said", "direct")
    ]
    assert quotes_of('"We will stay neutral," said analyst Dosym Satpayev.') == [
        ("We will stay neutral", "Dosym Satpayev", "analyst", "said", "direct")
    ]


def test_quote_after_the_speaker():
    assert quotes_of("Senator Anna Ivanova stated: «The reform is over.»") == [
        ("The reform is over.", "Anna Ivanova", "Senator", "stated", "direct")
    ]
    assert quotes_of("The ministry stated that “the talks went well and will continue”.") == [
        ("the talks went well and will continue", "The ministry", None, "stated", "direct")
    ]


def test_according_to():
    found = quotes_of("According to Ivan Petrov, the sanctions will fail.")
    assert found == [("the sanctions will fail", "Ivan Petrov", None, "according to", "reported")]
    found = quotes_of("The sanctions will fail, according to the expert.")
    assert found == [
        ("The sanctions will fail", "the expert", "expert", "according to", "reported")
    ]
    assert quotes_of("According to official data, GDP grew by 5%.") == []
    assert quotes_of("According to the amendments, a candidate needs five years of service.") == []


def test_reported_speech_with_that():
    text = "Political analyst Marat Sarsenov explained to Vlast.kz that the elections were planned."
    assert quotes_of(text) == [
        (
            "the elections were planned",
            "Marat Sarsenov",
            "Political analyst",
            "explained",
            "reported",
        )
    ]


def test_the_author_is_never_a_speaker():
    assert quotes_of("We note that the visit was planned long ago.") == []
    assert quotes_of("It should be noted that the visit was planned long ago.") == []
    assert quotes_of("Tokayev said in a statement that was published on Monday.") == []


def test_passive_cue_takes_the_author_of_the_statement_before():
    text = (
        "This follows a statement of the European Commission on the vote. It was noted that the"
        " vote was free."
    )
    assert quotes_of(text) == [
        ("the vote was free", "the European Commission", None, "it was noted", "reported")
    ]


def test_colon_introduced_block_quote():
    text = "Intro paragraph.\nKassym-Jomart Tokayev stated:\nWe are vigilant and proactive.\nEnd."
    found = Q.extract_quotes(text)
    assert [(q.quote, q.speaker, q.cue, q.kind, q.rule) for q in found] == [
        (
            "We are vigilant and proactive.",
            "Kassym-Jomart Tokayev",
            "stated",
            "direct",
            "block quote",
        )
    ]


def test_written_block_runs_to_the_end_of_the_body():
    text = "Blogger Aidos Sarym wrote:\nFirst paragraph.\nSecond paragraph.\n\nThird paragraph."
    (q,) = Q.extract_quotes(text)
    assert q.quote == "First paragraph.\nSecond paragraph.\n\nThird paragraph."
    assert (q.speaker, q.speaker_role, q.cue) == ("Aidos Sarym", "Blogger", "wrote")
    # a gap in the body (here: the second line is not body) ends the block
    spans = [(0, 26), (27, 43), (62, 78)]
    (q,) = Q.extract_quotes(text, spans)
    assert q.quote == "First paragraph."


def test_unattributed_quote_has_no_speaker():
    text = "“The West has lost interest in Central Asia and will not come back soon.”"
    assert quotes_of(text) == [
        (text[1:-1], None, None, None, "direct"),
    ]
    (q,) = Q.extract_quotes(text)
    assert q.rule == "unattributed" and q.speaker_start is None and q.cue_start is None


def test_scare_quotes_are_not_quotes():
    text = "The «liberal» media and the so-called “democratic values” of the ‘collective’ West."
    assert quotes_of(text) == []


def test_short_attributed_quotes_are_kept():
    assert quotes_of("“No,” he said.") == [("No", "he", None, "said", "direct")]


def test_quote_outside_the_body_is_ignored():
    text = "“Subscribe to our channel for all the latest news,” the editors said.\nBody text here."
    assert quotes_of(text, [(69, 84)]) == []
    assert len(quotes_of(text)) == 1


def test_quotes_never_cross_spans():
    text = "He said: “First part\nsecond part.” Then"
    assert all(q.end <= 20 or q.start >= 21 for q in Q.extract_quotes(text))


def test_broken_machine_translation_marks():
    text = "“I think we agree, but “In general, we will not cut ties,” Azamat Osmonov said. ."
    (q,) = Q.extract_quotes(text)
    assert q.quote == "I think we agree, but “In general, we will not cut ties"
    text = '“At the same time, we understand that our path is long." - writes the minister.'
    (q,) = Q.extract_quotes(text)
    assert (q.quote, q.speaker, q.cue) == (
        "At the same time, we understand that our path is long.",
        "the minister",
        "writes",
    )


def test_html_residue_is_no_quote_mark():
    text = '< p class="">In this regard, the report called for “free elections”.'
    assert quotes_of(text) == []


def test_pronoun_and_description_resolution():
    text = (
        "US Ambassador to Kazakhstan William Moser met journalists.\n"
        "“We support the right to peaceful assembly,” the ambassador said.\n"
        "According to him, sanctions will not hurt Kazakhstan."
    )
    found = Q.extract_quotes(text)
    assert [(q.speaker, q.speaker_role, q.rule) for q in found] == [
        ("William Moser", "US Ambassador to Kazakhstan", "cue after quote; description resolved"),
        (
            "William Moser",
            "US Ambassador to Kazakhstan",
            "reported: according to; pronoun resolved",
        ),
    ]
    assert text[found[0].speaker_start : found[0].speaker_end] == "William Moser"


def test_role_from_an_apposition():
    text = (
        "Stepan Stepanenko, a researcher at the Henry Jackson Society, spoke to us.\n"
        "“The reforms are welcome,” said Stepan Stepanenko."
    )
    (q,) = Q.extract_quotes(text)
    assert q.speaker_role == "researcher at the Henry Jackson Society"


def test_unknown_descriptions_stay_as_written():
    text = "Aigul Kuspan is a deputy.\n“It is not easy,” the Deputy Foreign Minister of Kazakhstan"
    text += " said."
    (q,) = Q.extract_quotes(text)
    assert (q.speaker, q.speaker_role) == (
        "the Deputy Foreign Minister of Kazakhstan",
        "Deputy Foreign Minister of Kazakhstan",
    )


# --- the frame and the lexicon ------------------------------------------------------------


def test_quotes_table_uses_the_spans_it_is_given():
    docs = pl.DataFrame(
        {"doc_id": ["b", "a"], "text": ["“Yes, indeed,” he said.", "“No,” she said."]}
    )
    assert Q.quotes_table(docs)["doc_id"].to_list() == ["a", "b"]
    only_a = Q.quotes_table(docs, {"a": [(0, 15)]})  # "b" has no body
    assert only_a.select("doc_id", "quote", "speaker").rows() == [("a", "No", "she")]
    empty = Q.quotes_table(docs.clear())
    assert empty.is_empty() and empty.schema == pl.Schema(Q.QUOTES_SCHEMA)


def test_lexicon_loads_with_a_version():
    lex = Q.load_attribution()
    assert lex.version >= 1
    assert {"said", "stated", "explained", "wrote", "points out"} <= set(lex.lists["cues"])
    assert {"political scientist", "press service", "ambassador"} <= set(lex.lists["roles"])
    assert Q.load_attribution() is lex  # cached


def _quotes_reading_mentions(text: str) -> tuple[list[Q.Quote], int]:
    """Quotes of ``text`` (every line body) and the mentions read while finding them."""
    doc = _speakers._Doc(text, every_line(text))
    doc._mentions = mentions = CountingList(_speakers._person_mentions(doc))
    direct: list[Q.Quote] = []
    for index in range(len(doc.spans)):
        direct += _direct._direct_in_span(doc, "d", index)
    found = direct + _reported._reported(doc, "d", direct)
    return found, mentions.reads


def test_speaker_resolution_reads_each_mention_a_few_times_however_long_the_document():
    """Pronouns and descriptions resolve to the nearest earlier person without rereading every
    earlier mention (issue 9, case 9: N^2 reads for N paragraphs, minutes for 20 MB)."""
    n = 300
    text = "\n".join(
        f"Minister Aigul Kuspan{i} spoke. “We will go,” the ambassador said. "
        f"“We stay,” he said. Then he said that the talks had failed."
        for i in range(n)
    )
    found, reads = _quotes_reading_mentions(text)
    rules = [q.rule for q in found]
    assert rules.count("cue after quote; pronoun resolved") == n  # "he said"
    assert sum("description resolved" in r for r in rules) == 0  # no ambassador is named
    assert reads <= 10 * n  # before: the earlier mentions reread for each of them, n * n in all
    # ... and still found: the ambassador named before, not the minister named after
    text = "Ambassador Ivan Petrov arrived.\n" + text
    found, _ = _quotes_reading_mentions(text)
    resolved = [q for q in found if "description resolved" in q.rule]
    assert len(resolved) == n and {q.speaker for q in resolved} == {"Ivan Petrov"}


def test_reported_clauses_do_not_rescan_every_direct_quote():
    """A reported clause stops at the first direct quote after it: found by bisection among the
    document's direct quotes, not by reading all of them per clause (N^2)."""
    n = 300
    text = "\n".join(
        f"The minister said that talks {i} failed. “We tried hard here,” she said."
        for i in range(n)
    )
    doc = _speakers._Doc(text, every_line(text))
    direct = [
        q for index in range(len(doc.spans)) for q in _direct._direct_in_span(doc, "d", index)
    ]
    starts = CountingList(sorted(q.start - 1 for q in direct))
    reported = []
    for span in doc.spans:
        quoted = [(p.open, p.close + 1) for p in doc.pairs[span[0]] if p.depth == 0]
        for sent in doc.sents[span[0]]:
            reported += _reported._reported_in_sentence(doc, "d", span, sent, quoted, starts)
    assert len(direct) == n and len(reported) == n
    assert all(q.quote == f"talks {i} failed" for i, q in enumerate(reported))
    assert starts.reads <= 40 * n  # a bisection per clause; before: n reads per clause
