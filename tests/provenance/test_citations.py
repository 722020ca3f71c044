"""Cited sources: the seed corpus as careful readers read it, each rule, and the registry's data."""

from __future__ import annotations

import polars as pl
import pytest
from conftest import ALLSIDES, ARTICLE_LINES, CountingList, line_spans

from analysis.corpus.intake import ok_documents, read_corpus
from analysis.provenance import citations as C
from analysis.provenance import quotes as Q
from analysis.text.spans import line_spans as every_line


@pytest.fixture(scope="module")
def seeds():
    docs = ok_documents(read_corpus("seeds")).select("doc_id", "source", "text")
    spans = {d: line_spans(t, ARTICLE_LINES[s[:3]]) for d, s, t in docs.iter_rows()}
    ids = {s[:3]: d for d, s, _ in docs.iter_rows()}
    texts = dict(zip(docs["doc_id"], docs["text"], strict=True))
    return docs, spans, ids, texts


@pytest.fixture(scope="module")
def table(seeds) -> pl.DataFrame:
    docs, spans, _, _ = seeds
    return C.citations_table(docs, spans)


def cited(table: pl.DataFrame, doc_id: str) -> list[tuple[str, str]]:
    """(name, rule) rows of one document."""
    return table.filter(pl.col("doc_id") == doc_id).select("name", "rule").rows()


# Everything a careful reader counts as cited in each seed (names from the registry). 000 also
# cites the National Security Committee: "a joint statement by ... the National Security
# Committee (KNB) of Kazakhstan that foreign hackers spied ..." reports its statement.
EXPECTED = {
    "000": {
        "Moskovskaya Gazeta",
        "Kazinform",
        "Henry Jackson Society",
        "US State Department",
        "OSCE/ODIHR",
        "National Security Committee of Kazakhstan",
    },
    "001": {"Atlantico", "InoSMI", "European Parliament"},
    "002": {
        'Institute "Public Opinion"',
        "Central Election Commission",
        "Akorda",
        "US State Department",
    },
    "003": {"Newsweek"},
    "004": {"Telegram"},
}


@pytest.mark.parametrize("prefix", sorted(EXPECTED))
def test_seed_citations(seeds, table, prefix):
    _, _, ids, _ = seeds
    assert {name for name, _ in cited(table, ids[prefix])} == EXPECTED[prefix]


def test_table_schema_offsets_and_kinds(seeds, table):
    _, spans, _, texts = seeds
    assert table.schema == pl.Schema(C.CITATIONS_SCHEMA)
    assert table.equals(table.sort("doc_id", "start", "end"))
    kinds = dict(C.load_sources().select("name", "kind").iter_rows())
    for r in table.iter_rows(named=True):
        mention = texts[r["doc_id"]][r["start"] : r["end"]]
        assert C.find_mentions(mention)[0].source.name == r["name"]
        assert kinds[r["name"]] == r["kind"]
        assert any(s <= r["start"] and r["end"] <= e for s, e in spans[r["doc_id"]])


def test_seed_mentions_as_written_and_rules(seeds, table):
    _, _, ids, texts = seeds

    def rows(prefix):
        d = ids[prefix]
        frame = table.filter(pl.col("doc_id") == d)
        return {(texts[d][s:e], rule) for s, e, rule in frame.select("start", "end", "rule").rows()}

    assert {
        ("Moskovskaya Gazeta", "before phrase"),  # explained to Moskovskaya Gazeta that
        ("Henry Jackson Society", "source noun"),  # a researcher at the ... Henry Jackson Society
        ("Kazinform", "before phrase"),  # spoke with a Kazinform correspondent
        ("US State Department", "source noun"),  # the statement of the US State Department
        ("State Department", "verb"),  # the State Department called on
        ("OSCE/ODIHR", "source noun"),  # OSCE/ODIHR recommendations, OSCE/ODIHR report
        ("OSCE’s Office for Democratic Institutions and Human Rights", "source noun"),
    } <= rows("000")
    assert {
        ("Atlantico", "outlet label"),
        ("Atlantico", "source noun"),
        ("InoSMI", "before phrase"),
        ("European Parliament", "verb"),
    } == rows("001")
    assert {
        ("Institute “Public Opinion”", "according to"),
        ("Central Election Commission", "according to"),
        ("press service of the head of state", "verb"),
        ("State Department", "verb"),
    } == rows("002")
    assert rows("003") == {("Newsweek", "source noun")}
    assert rows("004") == {("Telegram", "source noun")}


def test_passing_mentions_are_not_citations(seeds, table):
    _, _, ids, texts = seeds
    for prefix, passing in {
        "000": ["the notorious OSCE/ODIHR", "the Kazakh Foreign Ministry", "the EAEU"],
        "001": ["from the Kremlin", "the owner of the Kremlin", "a NATO member", "The EU and"],
        "002": ["Akorda (the presidential", "cooperation with the EU", "the Mazhilis adopted"],
        "003": ["from the Pentagon", "Kazakh Foreign Ministry to", "imposed by the EU"],
    }.items():
        d = ids[prefix]
        rows = table.filter(pl.col("doc_id") == d).select("start", "end").rows()
        for phrase in passing:
            at = texts[d].index(phrase)
            assert not any(at <= s < at + len(phrase) for s, _ in rows), (prefix, phrase)


def test_boilerplate_mentions_are_not_read(seeds, table):
    _, _, ids, texts = seeds
    assert "At the request of Roskomnadzor" in texts[ids["002"]]
    assert "Roskomnadzor" not in table["name"].to_list()


def test_passing_the_quotes_table_gives_the_same_result(seeds, table):
    docs, spans, _, _ = seeds
    quotes = Q.quotes_table(docs, spans)
    assert C.citations_table(docs, spans, quotes).equals(table)
    few_columns = quotes.select("doc_id", "speaker", "speaker_role", "speaker_start", "speaker_end")
    assert C.citations_table(docs, spans, few_columns).equals(table)


# --- one rule at a time ---------------------------------------------------------------------


def rules_of(text: str, spans=None) -> list[tuple[str, str, str]]:
    return [(text[c.start : c.end], c.name, c.rule) for c in C.extract_citations(text, spans)]


def test_outlet_label():
    assert rules_of("Reuters: the talks failed.") == [("Reuters", "Reuters", "outlet label")]


def test_according_to_and_its_relative_clause():
    text = (
        "According to the data of the Levada Center, which, with the permission of the CEC,"
        " polled 1,600 people, turnout will be low. The CEC building is new."
    )
    assert rules_of(text) == [
        ("Levada Center", "Levada Center", "according to"),
        ("CEC", "Central Election Commission", "according to"),
    ]


def test_before_phrase():
    assert rules_of("The minister told TASS that talks went well.") == [
        ("TASS", "TASS", "before phrase")
    ]
    assert rules_of("(This was not reported - approx. InoSMI).") == [
        ("InoSMI", "InoSMI", "before phrase")
    ]


def test_source_noun_before_and_after():
    assert rules_of("A report by Human Rights Watch lists the cases.") == [
        ("Human Rights Watch", "Human Rights Watch", "source noun")
    ]
    assert rules_of("A Sputnik Kazakhstan correspondent saw it; so did Reuters' reporters.") == [
        ("Sputnik Kazakhstan", "Sputnik", "source noun")
    ]
    assert rules_of("He posted it on his YouTube channel.") == [
        ("YouTube", "YouTube", "source noun")
    ]


def test_verb_after_with_adverbs_and_inserts():
    assert rules_of("NATO has repeatedly warned Astana.") == [("NATO", "NATO", "verb")]
    assert rules_of("The Kremlin, through its spokesman, said no.") == [
        ("Kremlin", "Kremlin", "verb")
    ]
    assert rules_of("The Majilis adopted the law.") == []  # an action, not a statement


def test_speaker_of_a_quote():
    text = "“We support the reforms,” the US State Department stressed in its statement."
    assert rules_of(text)[0][1:] == ("US State Department", "verb")
    text = "“We support the reforms,” is the phrase attributed to the Kremlin."
    assert rules_of(text) == []
    text = "the OSCE’s Office for Democratic Institutions and Human Rights (ODIHR) also added that"
    text += " the vote lacked competition."
    assert ("ODIHR", "OSCE/ODIHR", "speaker") in rules_of(text)


def test_a_body_in_a_title_is_not_cited():
    text = "“The talks went well,” said the head of the Kazakh Foreign Ministry."
    assert rules_of(text) == []


def test_mentions_outside_the_body_are_ignored():
    text = "Follow us on Telegram channel news.\nAccording to Reuters, talks failed."
    assert [r[1] for r in rules_of(text)] == ["Telegram", "Reuters"]
    assert [r[1] for r in rules_of(text, [(36, 71)])] == ["Reuters"]


# --- mentions and the registry ---------------------------------------------------------------


def test_find_mentions_longest_alias_and_case():
    text = "OSCE/ODIHR and the OSCE; the UN and a un-named aide; an amnesty; Amnesty International"
    found = [(text[m.start : m.end], m.source.name) for m in C.find_mentions(text)]
    assert found == [
        ("OSCE/ODIHR", "OSCE/ODIHR"),
        ("OSCE", "OSCE"),
        ("UN", "United Nations"),
        ("Amnesty International", "Amnesty International"),
    ]


def test_find_mentions_russian_and_quote_variants():
    text = 'Институт «Общественное мнение» и ТАСС; Institute "Public Opinion"; госдеп'
    found = [m.source.name for m in C.find_mentions(text)]
    opinion = 'Institute "Public Opinion"'
    assert found == [opinion, "TASS", opinion, "US State Department"]  # long aliases ignore case


def test_registry_data():
    reg = C.load_sources()
    assert reg.schema == pl.Schema(C.SOURCES_SCHEMA)
    assert reg["name"].is_unique().all()
    assert C.sources_version() >= 1
    seeds = {
        "Moskovskaya Gazeta",
        "Kazinform",
        "Henry Jackson Society",
        "OSCE/ODIHR",
        "US State Department",
        "Atlantico",
        "InoSMI",
        "Newsweek",
        "Telegram",
        'Institute "Public Opinion"',
        "Central Election Commission",
        "European Parliament",
        "Roskomnadzor",
    }
    domain = {"TASS", "RIA Novosti", "Interfax", "Sputnik", "RT", "Reuters", "Associated Press"}
    domain |= {"AFP", "Bloomberg", "BBC", "Xinhua", "Tengrinews", "Akorda", "Kremlin", "NATO"}
    domain |= {"United Nations", "European Union", "Carnegie Endowment for International Peace"}
    domain |= {"Chatham House", "YouTube", "VKontakte", "X (Twitter)", "Facebook"}
    assert seeds | domain <= set(reg["name"])


def test_every_alias_finds_its_own_entry():
    for name, aliases in C.load_sources().select("name", "aliases").iter_rows():
        for alias in aliases:
            found = C.find_mentions(f"x {alias} x")
            assert [m.source.name for m in found] == [name], alias


def test_speaker_rule_reads_each_quote_once_however_long_the_document():
    """A long document with N quotes and N mentions: the speaker rule must not scan every quote
    for every mention (issue 9, case 9: that is N^2 reads, minutes for a 20 MB document)."""
    n = 300
    lines = [
        f"“We agree on item {i},” the minister said. We saw Reuters at noon." for i in range(n)
    ]
    text = "\n".join(lines)
    spans = every_line(text)
    quotes = Q.extract_quotes(text, spans, "d")
    assert len(quotes) == n
    counting = CountingList(quotes)
    found = C.extract_citations(text, spans, "d", counting)
    assert len(C.find_mentions(text)) == n and found == []  # each mention reached rule 6
    assert counting.reads <= 2 * n  # before: n reads per mention, n * n in all


def test_speaker_rule_as_before_on_overlapping_speakers():
    """The index answers what the scan did: a mention inside a speaker span counts when that
    quote has no role or its speaker is just the mention; spans may nest and repeat."""
    text = "the State Department, through its envoy, and Reuters staff said it: x"

    def quote(s: int, e: int, role: str | None, speaker: str | None = None) -> Q.Quote:
        return Q.Quote("d", "x", speaker or text[s:e], role, None, "direct", 0, 1, s, e)

    reuters = C.find_mentions(text)[-1]
    assert text[reuters.start : reuters.end] == "Reuters"
    cases = [
        ([], False),
        ([quote(45, 58, "staff")], False),  # "Reuters staff" with a role: a person's title
        ([quote(45, 58, "staff"), quote(45, 58, None)], True),  # the same span, no role
        ([quote(45, 52, "agency", "Reuters")], True),  # the speaker is just the mention
        ([quote(0, 58, None)], True),  # a long span holding it
        ([quote(0, 50, None)], False),  # ends inside the mention
        ([quote(46, 58, None)], False),  # starts inside the mention
    ]
    for quotes, expected in cases:
        assert C._speaker_rule(text, reuters, quotes) is expected, quotes


def test_publishers_of_the_broad_outlet_list_are_cited_media():
    text = "The Taipei Times reported that the talks stalled, according to the Lesotho Times, too."
    docs = pl.DataFrame({"doc_id": ["a"], "text": [text]})
    table = C.citations_table(docs, {"a": [(0, len(text))]})
    assert table.select("name", "kind", "rule").rows() == [
        ("Taipei Times", "news outlet", "verb"),
        ("Lesotho Times", "news outlet", "according to"),
    ]
    # case-sensitive: the words in lower case are not the outlet
    plain = "they read the taipei times daily."
    docs = pl.DataFrame({"doc_id": ["b"], "text": [plain]})
    assert C.citations_table(docs, {"b": [(0, len(plain))]}).height == 0


def test_alias_patterns_are_tries_matching_the_plain_alternation(seeds_study) -> None:
    """The registry's patterns are tries (:mod:`analysis.text.alternation`) and find exactly what
    the longest-first alternation of the aliases finds, on the seeds and on AllSides."""
    reg = C._registry()
    groups: dict[bool, list[str]] = {False: [], True: []}
    for source in reg.sources:
        for alias in source.aliases:
            groups[C._is_case_sensitive(alias, source)].append(alias)
    texts = seeds_study.docs["text"].to_list()
    if ALLSIDES.is_file():
        texts += pl.read_parquet(ALLSIDES, columns=["text"]).head(400)["text"].to_list()
    found = 0
    for case_sensitive, pattern in zip((False, True), reg.patterns, strict=True):
        reference = C._alias_alternation(groups[case_sensitive], case_sensitive)
        assert "|)" in pattern.pattern and len(pattern.pattern) < len(reference.pattern)
        for text in texts:
            spans = [m.span() for m in pattern.finditer(text)]
            assert spans == [m.span() for m in reference.finditer(text)]
            found += len(spans)
    assert found > 20
