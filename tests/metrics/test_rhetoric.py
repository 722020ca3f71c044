"""Rhetoric cues and actors: real hits in the seeds, counts backed by hits, offsets, lexicon files,
plain-text KWIC, and the PTC precision and recall kept from falling."""

from __future__ import annotations

import dataclasses
import re
from importlib.resources import files

import polars as pl
import pytest
import yaml
from conftest import PTC, CountingList

from analysis.metrics import rhetoric as R
from analysis.metrics.rhetoric import _cues
from analysis.provenance.quotes import QUOTES_SCHEMA, quotes_table
from analysis.text.evidence import SNIPPET_CHARS


@pytest.fixture(scope="module")
def seeds(seeds_study):
    p = seeds_study
    docs = p.docs.select("doc_id", "source", "text")
    return p, docs, {s[:3]: d for d, s in docs.select("doc_id", "source").iter_rows()}


@pytest.fixture(scope="module")
def quotes(seeds) -> pl.DataFrame:
    p, docs, _ = seeds
    return quotes_table(docs, p.spans)


@pytest.fixture(scope="module")
def hits(seeds, quotes) -> pl.DataFrame:
    p, docs, _ = seeds
    return R.rhetoric_hits(docs, p.spans, quotes=quotes, detector="lexicon")


@pytest.fixture(scope="module")
def both_hits(seeds, quotes) -> pl.DataFrame:
    p, docs, _ = seeds
    return R.rhetoric_hits(docs, p.spans, quotes=quotes, detector="both")


@pytest.fixture(scope="module")
def mentions(seeds) -> pl.DataFrame:
    p, docs, _ = seeds
    return R.actor_mentions(docs, p.spans)


def found(hits: pl.DataFrame, seeds, prefix: str, family: str) -> list[str]:
    """The matched texts of one seed's hits of one family."""
    _p, docs, ids = seeds
    text = dict(docs.select("doc_id", "text").iter_rows())[ids[prefix]]
    rows = hits.filter(pl.col("doc_id") == ids[prefix], pl.col("family") == family)
    return [text[s:e] for s, e in rows.select("start", "end").iter_rows()]


def quoted(span: str) -> str:
    """The words of a scare-quote hit: without the marks and the punctuation inside them."""
    return span[1:-1].strip(" ,.;:")


# --- real hits in the seeds ----------------------------------------------------------------


def test_seed_004_scare_quotes_and_so_called(hits, seeds):
    scare = [quoted(s) for s in found(hits, seeds, "004", "scare_quotes")]
    for words in ["liberal", "democratic", "anti-colonial", "Russian aggression", "separatism"]:
        assert words in scare, words
    assert scare.count("liberal") == 2
    assert "Russian (or Russian) aggression" in scare
    assert "world democracy" in scare and "strange" in scare and "incorrect" in scare
    assert found(hits, seeds, "004", "scare_quotes")[0] == "«liberal»"  # the marks are part of it
    assert "so-called" in found(hits, seeds, "004", "delegitimizing")
    assert "quasi-local" in found(hits, seeds, "004", "delegitimizing")
    # The Telegram post is a block quote attributed to Ashimbayev: its scare quotes still count,
    # being no row of the quotes table themselves.
    assert "European Court of Human Rights" not in scare  # five words: a name


def test_seed_002_insinuation_labelling_delegitimizing(hits, seeds):
    assert "It is no coincidence" in found(hits, seeds, "002", "insinuation")
    assert "is no coincidence" in found(hits, seeds, "002", "insinuation")  # London's ... is no
    assert "Kyiv regime" in found(hits, seeds, "002", "labelling")
    assert "so-called" in found(hits, seeds, "002", "delegitimizing")
    scare = [quoted(s) for s in found(hits, seeds, "002", "scare_quotes")]
    assert "secondary sanctions" in scare and "European integration" in scare
    # Names after a naming word are no scare quotes: the party “Auyl”, the Institute “Public
    # Opinion”, the law “On Signs”.
    assert not {"Auyl", "Public Opinion", "On Signs"} & set(scare)


def test_seed_000_labelling_delegitimizing_scare_quotes(hits, seeds):
    assert found(hits, seeds, "000", "labelling") == ["collective’ West", "Anglo-Saxons"]
    delegitimizing = found(hits, seeds, "000", "delegitimizing")
    assert "self-proclaimed" in delegitimizing and "notorious" in delegitimizing
    scare = found(hits, seeds, "000", "scare_quotes")
    assert "‘collective’" in scare and "“democracy”" in scare and "“friends”" in scare
    # Osmonov's “sitting on two chairs” is his words quoted in reported speech; the ODIHR's
    # “meaningful political competition” likewise: no scare quotes.
    words = [quoted(s) for s in scare]
    assert "sitting on two chairs" not in words
    assert "meaningful political competition" not in words


def test_seed_003_yankees_and_under_the_guise_of(hits, seeds):
    assert "Yankees" in found(hits, seeds, "003", "labelling")
    assert "under the guise of" in found(hits, seeds, "003", "insinuation")
    assert "does not even hide" in found(hits, seeds, "003", "insinuation")
    assert "overseas benefactors" in found(hits, seeds, "003", "labelling")
    scare = [quoted(s) for s in found(hits, seeds, "003", "scare_quotes")]
    assert "terrorism" in scare and "train" in scare


def test_attributed_speech_is_never_a_scare_quote(hits, quotes):
    speech = {
        (d, s, e)
        for d, s, e in quotes.filter(pl.col("speaker").is_not_null())
        .select("doc_id", "start", "end")
        .iter_rows()
    }
    scare = hits.filter(pl.col("family") == "scare_quotes")
    assert scare.height > 20
    for d, s, e in scare.select("doc_id", "start", "end").iter_rows():
        assert not any((d, a, b) in speech for a in range(s, s + 3) for b in range(e - 3, e + 1))


# --- tables: schemas, offsets, counts, determinism -----------------------------------------


def test_hits_schema_sort_offsets_and_body_spans(hits, seeds):
    p, docs, _ = seeds
    lex = R.load_lexicon()
    assert hits.schema == pl.Schema(R.HITS_SCHEMA)
    assert hits.equals(hits.sort("doc_id", "start", "end", "family", "term"))
    assert set(hits["family"]) <= set(lex.family_names)
    text = dict(docs.select("doc_id", "text").iter_rows())
    for r in hits.iter_rows(named=True):
        t, s, e = text[r["doc_id"]], r["start"], r["end"]
        cue = t[s:e]
        if r["family"] == "scare_quotes":
            assert cue == r["term"] and cue[0] in '«“‘"„' and cue[-1] in '»”’"'
        else:
            assert lex.regex(r["family"], r["term"]).fullmatch(cue), (r["term"], cue)
            technique = next(c.technique for c in lex.cues if c.term == r["term"])
            assert r["technique"] == technique
        assert any(a <= s and e <= b for a, b in p.spans[r["doc_id"]]), cue
        assert len(r["snippet"]) <= SNIPPET_CHARS
        assert " ".join(cue.split()) in r["snippet"]
    for fam in lex.families:
        techniques = set(hits.filter(pl.col("family") == fam.name)["technique"].to_list())
        assert techniques <= {fam.technique}, fam.name


def test_literal_terms_match_their_own_words(hits, seeds):
    _p, docs, _ = seeds
    lex = R.load_lexicon()
    text = dict(docs.select("doc_id", "text").iter_rows())
    literal = {(c.group, c.term) for c in lex.cues if c.literal and "*" not in c.term}
    for d, fam, term, s, e in hits.select("doc_id", "family", "term", "start", "end").iter_rows():
        if (fam, term) in literal:
            got = " ".join(text[d][s:e].split()).lower().replace("’", "'")
            assert got == term.lower(), (term, got)


def test_sentence_numbers_follow_the_splitter(hits, mentions, seeds):
    p, docs, _ = seeds
    text = dict(docs.select("doc_id", "text").iter_rows())
    sentences = {d: R.sentence_spans(text[d], p.spans.get(d, [])) for d in text}
    for frame in (hits, mentions):
        for d, s, n in frame.select("doc_id", "start", "sentence_no").iter_rows():
            a, b = sentences[d][n - 1]
            assert a <= s < b, (d, s, n)
    for d, spans in p.spans.items():
        sents = sentences[d]
        assert sents == sorted(sents)
        assert all(any(a <= x and y <= b for a, b in spans) for x, y in sents)


def test_every_count_is_backed_by_its_hits(hits, seeds):
    p, _docs, _ = seeds
    counts = R.rhetoric_counts(hits, p.bodies, detector="lexicon")
    lex = R.load_lexicon()
    families = [f.name for f in lex.families if f.detector != "model"]
    assert counts.schema == pl.Schema(R.RHETORIC_SCHEMA)
    assert counts.height == p.bodies.height * len(families)  # zeros included
    assert counts.equals(counts.sort("doc_id", "family"))
    backed = hits.group_by("doc_id", "family").len()
    joined = counts.join(backed, on=["doc_id", "family"], how="left").with_columns(
        pl.col("len").fill_null(0)
    )
    assert (joined["count"] == joined["len"]).all()
    assert counts["count"].sum() == hits.height
    words = R.word_counts(p.bodies)
    check = counts.join(words, on="doc_id").filter(pl.col("words") > 0)
    assert ((check["per_1k_words"] - check["count"] * 1000 / check["words"]).abs() < 1e-9).all()


def test_counts_refuse_hits_they_cannot_back():
    hits = pl.DataFrame({"doc_id": ["a"], "family": ["loaded"]})
    with pytest.raises(ValueError, match="without a body"):
        R.rhetoric_counts(hits, pl.DataFrame({"doc_id": ["b"], "words": [10]}))
    with pytest.raises(ValueError, match="not counted"):
        R.rhetoric_counts(hits, pl.DataFrame({"doc_id": ["a"], "words": [10]}), ["hedges"])


def test_determinism_and_document_order(hits, seeds, quotes):
    p, docs, _ = seeds
    again = R.rhetoric_hits(docs.reverse(), p.spans, quotes=quotes.reverse(), detector="lexicon")
    assert again.equals(hits)
    assert R.actor_mentions(docs.reverse(), p.spans).equals(R.actor_mentions(docs, p.spans))


def test_quotes_computed_when_not_given(hits, seeds):
    p, docs, _ = seeds
    assert R.rhetoric_hits(docs, p.spans, detector="lexicon").equals(hits)


def test_family_selection_and_one_pass_per_family(hits, seeds):
    p, docs, _ = seeds
    lex = R.load_lexicon()
    some = R.rhetoric_hits(docs, p.spans, families=["labelling", "insinuation"], detector="lexicon")
    assert some.equals(hits.filter(pl.col("family").is_in(["labelling", "insinuation"])))
    # The candidate pass gives what one finditer per family gives.
    text = dict(docs.select("doc_id", "text").iter_rows())
    for fam in lex.family_names:
        if fam not in lex._matchers:
            continue
        regex, ordered = lex._matchers[fam]
        naive = sorted(
            (d, m.start(), m.end(), ordered[int(m.lastgroup[1:])].term)
            for d, spans in p.spans.items()
            for lo, hi in spans
            for m in regex.finditer(text[d], lo, hi)
        )
        got = hits.filter(pl.col("family") == fam).select("doc_id", "start", "end", "term")
        assert sorted(got.iter_rows()) == naive, fam
    with pytest.raises(ValueError, match="unknown families"):
        R.rhetoric_hits(docs, p.spans, families=["sarcasm"])


def test_no_body_no_hits(seeds):
    _p, docs, _ = seeds
    assert R.rhetoric_hits(docs, {}, quotes=pl.DataFrame(schema=QUOTES_SCHEMA)).is_empty()
    assert R.actor_mentions(docs, {}).is_empty()


# --- which detector: lexicon, span model, both ---------------------------------------------


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def test_both_keeps_every_lexicon_hit_and_adds_the_models_own(hits, both_hits, seeds):
    p, docs, _ = seeds
    lex = R.load_lexicon()
    key = ["doc_id", "family", "term", "start", "end"]
    from_lexicon = both_hits.filter(pl.col("detector") != "model")
    assert from_lexicon.select(key).equals(hits.select(key))  # the same rows, in the same order
    # A lexicon hit says "both" exactly when a model hit of a technique the model counts overlaps
    # it, and carries the highest score of those.
    counted = _cues.counted_techniques(lex, R.load_span_model())
    assert set(counted) < set(lex.model_families)  # techniques below the precision floor left out
    assert "Appeal_to_Authority" not in counted and "Loaded_Language" in counted
    model = R.model_hits(docs, p.spans).filter(pl.col("technique").is_in(list(counted)))
    by_doc: dict[str, list[tuple[str, int, int, float]]] = {}
    for d, t, s, e, sc in model.iter_rows():
        by_doc.setdefault(d, []).append((t, s, e, sc))
    for d, tech, det, score, s, e in from_lexicon.select(
        "doc_id", "technique", "detector", "score", "start", "end"
    ).iter_rows():
        over = [sc for t, a, b, sc in by_doc.get(d, []) if t == tech and _overlaps((a, b), (s, e))]
        assert det == ("both" if over else "lexicon")
        assert score == (max(over) if over else None)
    assert from_lexicon.filter(pl.col("detector") == "both").height > 0
    # The model's own hits: those overlapping no lexicon hit of their technique, in the family
    # that counts the model's hits, with no term and their score.
    own = both_hits.filter(pl.col("detector") == "model")
    assert own.height > 0 and own["term"].null_count() == own.height
    lex_spans = {(d, t): [] for d, t in hits.select("doc_id", "technique").unique().iter_rows()}
    for d, t, s, e in hits.select("doc_id", "technique", "start", "end").iter_rows():
        lex_spans[(d, t)].append((s, e))
    expected = sorted(
        (d, counted[t], s, e, sc)
        for d, t, s, e, sc in model.iter_rows()
        if not any(_overlaps((s, e), x) for x in lex_spans.get((d, t), []))
    )
    got = sorted(own.select("doc_id", "family", "start", "end", "score").iter_rows())
    assert got == expected
    # Every row keeps its offsets, sentence and snippet as everywhere.
    text = dict(docs.select("doc_id", "text").iter_rows())
    for d, s, e, snip in own.select("doc_id", "start", "end", "snippet").iter_rows():
        assert text[d][s:e] and text[d][s:e].strip() == text[d][s:e]
        assert snip


def test_model_detector_replaces_the_lexicon_only_where_the_model_counts(hits, seeds, quotes):
    p, docs, _ = seeds
    lex = R.load_lexicon()
    only = R.rhetoric_hits(docs, p.spans, quotes=quotes, detector="model")
    techniques = _cues.counted_techniques(lex, R.load_span_model())
    counted = set(techniques.values())
    technique_families = only.filter(pl.col("family").is_in(list(counted)))
    assert set(technique_families["detector"]) == {"model"}
    model = R.model_hits(docs, p.spans).filter(pl.col("technique").is_in(list(techniques)))
    assert technique_families.height == model.height
    # Families the model does not count (scare quotes, certainty, hedges, delegitimizing, and
    # those of techniques below the precision floor) are the lexicon's whatever the detector.
    rest = ["doc_id", "family", "term", "start", "end"]
    assert (
        only.filter(~pl.col("family").is_in(list(counted)))
        .select(rest)
        .equals(hits.filter(~pl.col("family").is_in(list(counted))).select(rest))
    )
    counts = R.rhetoric_counts(only, p.bodies, detector="model")
    assert "repetition" in set(counts["family"])
    with pytest.raises(ValueError, match="counted with detector='lexicon'"):
        R.rhetoric_counts(only, p.bodies, detector="lexicon")


def test_choosing_families_filters_the_table_whatever_the_detector(both_hits, seeds, quotes):
    """Under ``both`` a model hit is taken in by an overlapping lexicon hit of any family of its
    technique: choosing families must not change which rows the chosen families get."""
    p, docs, _ = seeds
    for chosen in (["insinuation"], ["labelling", "repetition", "hedges"]):
        some = R.rhetoric_hits(docs, p.spans, quotes=quotes, families=chosen, detector="both")
        assert some.equals(both_hits.filter(pl.col("family").is_in(chosen))), chosen


def test_model_hits_join_lexicon_hits_only_under_both(monkeypatch):
    """A model Doubt hit over a ``delegitimizing`` cue (a Doubt family the model does not count):
    under ``both`` the cue says both and the model hit is not counted twice; under ``model`` the
    model hit counts in ``insinuation`` and the lexicon-only family keeps its cue."""
    text = "Body\nThe so-called experts met and the sham vote was held."
    docs = pl.DataFrame({"doc_id": ["d"], "text": [text]})
    spans = {"d": [(5, len(text))]}
    start = text.index("so-called")
    found = pl.DataFrame(
        {
            "doc_id": ["d", "d"],
            "technique": ["Doubt", "Repetition"],
            "start": [start, text.index("vote")],
            "end": [start + len("so-called experts"), text.index("vote") + 4],
            "score": [0.7, 0.3],
        },
        schema=R.MODEL_HITS_SCHEMA,
    )
    monkeypatch.setattr(_cues, "model_hits", lambda docs, spans, model=None: found)
    cols = ["family", "technique", "term", "detector", "score"]
    both = R.rhetoric_hits(docs, spans, detector="both").select(cols).rows()
    assert ("delegitimizing", "Doubt", "so-called", "both", 0.7) in both
    assert ("repetition", "Repetition", None, "model", 0.3) in both
    assert not any(r[0] == "insinuation" for r in both)
    model = R.rhetoric_hits(docs, spans, detector="model").select(cols).rows()
    assert ("delegitimizing", "Doubt", "so-called", "lexicon", None) in model
    assert ("insinuation", "Doubt", None, "model", 0.7) in model
    assert ("loaded", "Loaded_Language", "sham", "lexicon", None) not in model  # model's family
    lexicon = R.rhetoric_hits(docs, spans, detector="lexicon").select(cols).rows()
    assert ("loaded", "Loaded_Language", "sham", "lexicon", None) in lexicon
    assert {r[3] for r in lexicon} == {"lexicon"}


def test_detector_choices_are_checked(seeds):
    p, docs, _ = seeds
    with pytest.raises(ValueError, match="detector must be one of"):
        R.rhetoric_hits(docs, p.spans, detector="neural")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="span model only"):
        R.rhetoric_hits(docs, p.spans, families=["repetition"], detector="lexicon")
    assert (
        "repetition"
        not in R.rhetoric_counts(
            pl.DataFrame(schema={"doc_id": pl.String(), "family": pl.String()}),
            pl.DataFrame({"doc_id": ["a"], "words": [10]}),
            detector="lexicon",
        )["family"].to_list()
    )


def test_lexicon_file_checks_the_model_families():
    base = {"version": 1, "scare_quotes": {"max_words": 4, "name_words": []}, "cues": []}
    actors = {"version": 1, "blocs": {}, "actors": []}

    def lexicon(families, cues=()):
        return R.Lexicon.from_data({**base, "families": families, "cues": list(cues)}, actors, "t")

    ok = lexicon(
        {
            "loaded": {"technique": "Loaded_Language", "model": True},
            "rep": {"technique": "Repetition", "detector": "model", "model": True},
        }
    )
    assert ok.model_families == {"Loaded_Language": "loaded", "Repetition": "rep"}
    with pytest.raises(ValueError, match="need a technique"):
        lexicon({"x": {"technique": None, "model": True}})
    with pytest.raises(ValueError, match="both count"):
        lexicon(
            {
                "a": {"technique": "Doubt", "model": True},
                "b": {"technique": "Doubt", "model": True},
            }
        )
    with pytest.raises(ValueError, match="needs `model: true`"):
        lexicon({"rep": {"technique": "Repetition", "detector": "model"}})
    with pytest.raises(ValueError, match="span model only"):
        lexicon(
            {"rep": {"technique": "Repetition", "detector": "model", "model": True}},
            [{"term": "again", "family": "rep"}],
        )


# --- actors --------------------------------------------------------------------------------


def test_seed_actors_and_blocs(mentions, seeds):
    _p, _docs, ids = seeds
    assert mentions.schema == pl.Schema(R.MENTIONS_SCHEMA)
    got = {(d, b, a) for d, b, a in mentions.select("doc_id", "bloc", "actor").iter_rows()}
    for prefix, bloc, actor in [
        ("000", "west", "Anglo-Saxons"),
        ("000", "west", "United States"),
        ("000", "russia", "CSTO"),
        ("000", "russia", "EAEU"),
        ("000", "kazakhstan", "Astana"),
        ("001", "turkic", "Ankara"),
        ("002", "turkic", "Organization of Turkic States"),
        ("002", "kazakhstan", "Akorda"),
        ("003", "china", "SCO"),
        ("003", "west", "Pentagon"),
        ("004", "ukraine", "Zelensky"),
        ("004", "ukraine", "Kyiv"),
        ("004", "west", "Brussels"),
    ]:
        assert (ids[prefix], bloc, actor) in got, (prefix, actor)
    counts = R.actor_counts(mentions)
    assert counts.schema == pl.Schema(R.ACTORS_SCHEMA)
    assert counts["count"].sum() == mentions.height


def test_actor_pairs_count_sentences(mentions):
    pairs = R.actor_pairs(mentions)
    assert pairs.schema == pl.Schema(R.PAIRS_SCHEMA)
    assert (pairs["bloc_a"] < pairs["bloc_b"]).all()
    blocs: dict[tuple[str, int], set[str]] = {}
    for d, b, n in mentions.select("doc_id", "bloc", "sentence_no").iter_rows():
        blocs.setdefault((d, n), set()).add(b)
    expected: dict[tuple[str, str, str], int] = {}
    for (d, _n), bs in blocs.items():
        for a in bs:
            for b in bs:
                if a < b:
                    expected[(d, a, b)] = expected.get((d, a, b), 0) + 1
    assert {(d, a, b): n for d, a, b, n in pairs.iter_rows()} == expected


@pytest.mark.parametrize(
    ("sentence", "actors"),
    [
        ("The West and the Kremlin.", ["the West", "Kremlin"]),
        ("In the West Bank and West Virginia.", []),
        ("Kanye West sang in Latin America.", []),
        ("The Washington Post wrote that Washington agreed.", ["Washington"]),
        ("us and US, U.S. and the USA.", ["United States", "United States", "United States"]),
        ("Russian-speaking Kazakhs met Russians.", ["Russia", "Kazakhstan", "Russia"]),
        ("The Russian Federation and Kyiv regime.", ["Russia", "Kyiv"]),
        (
            "Erdoğan in Türkiye; Xi Jinping in Beijing.",
            ["Erdogan", "Turkey", "Xi Jinping", "Beijing"],
        ),
    ],
)
def test_actor_references(sentence, actors):
    docs = pl.DataFrame({"doc_id": ["d"], "text": [sentence]})
    m = R.actor_mentions(docs, {"d": [(0, len(sentence))]})
    assert m["actor"].to_list() == actors


# --- the lexicon files ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["rhetoric.yaml", "actors.yaml"])
def test_data_files_have_a_header_and_a_version(name):
    raw = (files("analysis") / "data" / name).read_text("utf-8")
    assert raw.startswith("#")
    assert isinstance(yaml.safe_load(raw)["version"], int)


def test_lexicon_families_and_techniques():
    lex = R.load_lexicon()
    assert lex is R.load_lexicon()  # cached
    required = {"scare_quotes", "labelling", "loaded", "certainty", "hedges", "insinuation"}
    assert required | {"delegitimizing"} <= set(lex.family_names)
    assert all(f.technique is None or f.technique in R.TECHNIQUES for f in lex.families)
    assert lex.family("loaded").technique == "Loaded_Language"
    assert lex.family("labelling").technique == "Name_Calling,Labeling"
    assert lex.family("insinuation").technique == "Doubt"
    assert set(lex.blocs) >= {"west", "russia", "kazakhstan", "china", "turkic", "ukraine"}
    entries = lex.entries()
    assert entries.filter(pl.col("kind") == "cue").height == len(lex.cues)
    assert (entries["source"] != "").all()


def _data(cues: list[dict], actors: list[dict] | None = None) -> tuple[dict, dict]:
    rhetoric = {
        "version": 1,
        "families": {"loaded": {"technique": "Loaded_Language"}},
        "scare_quotes": {"max_words": 4, "name_words": []},
        "cues": cues,
    }
    return rhetoric, {"version": 1, "blocs": {"west": ""}, "actors": actors or []}


@pytest.mark.parametrize(
    ("cues", "message"),
    [
        ([{"term": "sham", "family": "sarcasm"}], "unknown family"),
        ([{"term": "sham", "family": "loaded", "teams": None}], "unknown keys"),
        ([{"term": "sham", "pattern": "sham", "family": "loaded"}], "exactly one"),
        ([{"pattern": "sh(am", "family": "loaded"}], "bad pattern"),
        ([{"pattern": "(?P<x>sham)", "family": "loaded"}], "named groups"),
        ([{"pattern": "x*", "family": "loaded"}], "empty string"),
        ([{"term": "* *", "family": "loaded"}], "empty string"),
        ([{"term": "Sham", "family": "loaded"}, {"term": "sham", "family": "loaded"}], "twice"),
        ([{"term": "it's", "family": "loaded"}, {"term": "it’s", "family": "loaded"}], "same"),
        ([{"term": "sham", "family": "loaded", "technique": "Sarcasm"}], "unknown technique"),
    ],
)
def test_lexicon_errors(cues, message):
    with pytest.raises(ValueError, match=message):
        R.Lexicon.from_data(*_data(cues), name="bad")


def test_every_shipped_literal_term_compiles_to_a_regex_that_matches_something():
    """Literal terms are not compiled one by one when a lexicon loads: their regexes are made
    of escaped atoms. Checked here for every shipped lexicon, as loading used to check."""
    import re

    from analysis.core.data import data_names

    names = sorted({"default", *(n[9:-5] for n in data_names("rhetoric_") if n[9:-5])})
    literals = [c for name in names for c in R.load_lexicon(name).cues if c.literal]
    literals += [c for name in names for c in R.load_lexicon(name).actors if c.literal]
    assert len(literals) > 500
    for cue in literals:
        compiled = re.compile(cue.regex, re.IGNORECASE)
        assert not compiled.groupindex and compiled.fullmatch("") is None, cue.term


def test_custom_lexicon_longest_term_wins_and_wildcards():
    lex = R.Lexicon.from_data(
        *_data(
            [
                {"term": "puppet*", "family": "loaded"},
                {"term": "puppet regime", "family": "loaded"},
                {"pattern": r"the \w+ regime", "family": "loaded"},
            ],
            [{"term": "NATO", "bloc": "west", "actor": "NATO"}],
        ),
        name="test",
    )
    text = "Puppets of the puppet  regime and the Kabul regime, NATO."
    docs = pl.DataFrame({"doc_id": ["d"], "text": [text]})
    hits = R.rhetoric_hits(docs, {"d": [(0, len(text))]}, lexicon=lex)
    got = [(t, text[s:e]) for t, s, e in hits.select("term", "start", "end").iter_rows()]
    assert got == [
        ("puppet*", "Puppets"),
        ("puppet regime", "puppet  regime"),
        (r"the \w+ regime", "the Kabul regime"),
    ]
    assert R.actor_mentions(docs, {"d": [(0, len(text))]}, lexicon=lex)["actor"].to_list() == [
        "NATO"
    ]


# --- keyword in context: plain text --------------------------------------------------------


def test_kwic_is_plain_text_and_renders_escaped():
    text = "Intro.\n<script>alert(1)</script> the so-called\u202e\x07 «vote»\tnow."
    docs = pl.DataFrame({"doc_id": ["d"], "text": [text]})
    hits = R.rhetoric_hits(docs, {"d": [(0, 6), (7, len(text))]}, detector="lexicon")
    frame = R.kwic(hits, docs, width=40)
    assert list(frame.columns) == [c for c in R.HITS_SCHEMA if c != "snippet"] + list(
        R.KWIC_COLUMNS
    )
    assert frame["match"].to_list() == ["so-called", "«vote»"]
    for col in R.KWIC_COLUMNS:
        for value in frame[col].to_list():
            assert not re.search(r"[\x00-\x1f\u202a-\u202e]", value)
    assert frame["left"][0] == "Intro. <script>alert(1)</script> the "
    html = frame._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html


# --- validation against the Propaganda Techniques Corpus -----------------------------------


def test_score_hits_counts_spans_once():
    labels = pl.DataFrame(
        {
            "article_id": ["1"] * 3,
            "technique": ["Doubt"] * 3,
            "start": [0, 50, 90],
            "end": [10, 60, 95],
        }
    )
    hits = pl.DataFrame(
        {
            "doc_id": ["1", "1", "1", "2"],
            "family": ["insinuation"] * 4,
            "technique": ["Doubt"] * 4,
            "term": ["a", "b", "c", "a"],
            "start": [2, 5, 30, 2],
            "end": [4, 8, 40, 4],
        }
    )
    row = R.score_hits(hits, labels).filter(pl.col("technique") == "Doubt").row(0, named=True)
    assert (row["hits"], row["correct_hits"], row["annotated_spans"], row["found_spans"]) == (
        4,
        2,
        3,
        1,
    )
    assert row["precision"] == 0.5 and row["recall"] == pytest.approx(1 / 3)
    by_term = R.score_hits(hits, labels, by="term")
    assert by_term.schema == pl.Schema(R.VALIDATION_SCHEMAS["term"])
    assert by_term["hits"].sum() == 4


#: Figures reached on the PTC training articles (in-sample: the lexicons were tuned on them),
#: rounded down. A change to the lexicons or the detectors must not push any below.
PTC_FLOORS = {
    #                          precision, recall
    "Loaded_Language": (0.61, 0.33),
    "Name_Calling,Labeling": (0.59, 0.21),
    "Flag-Waving": (0.62, 0.29),
    "Slogans": (0.52, 0.15),
    "Exaggeration,Minimisation": (0.34, 0.11),
    "Appeal_to_fear-prejudice": (0.29, 0.11),
    "Doubt": (0.20, 0.06),
    "Bandwagon,Reductio_ad_hitlerum": (0.24, 0.32),
    "Thought-terminating_Cliches": (0.47, 0.18),
}


def test_ptc_precision_and_recall_do_not_fall(tmp_path):
    if not (PTC / "labels.tsv").is_file():
        pytest.skip(f"{PTC} is not beside this checkout (../shared/corpora/ptc)")
    table = R.validate_ptc(PTC / "articles", PTC / "labels.tsv")
    assert table.schema == pl.Schema(R.VALIDATION_SCHEMAS["technique"])
    assert set(R.TECHNIQUES) <= set(table["technique"].to_list())
    rows = {r["technique"]: r for r in table.iter_rows(named=True)}
    assert rows["Loaded_Language"]["annotated_spans"] == 1380
    for technique, (precision, recall) in PTC_FLOORS.items():
        r = rows[technique]
        assert r["precision"] >= precision, (technique, r["precision"])
        assert r["recall"] >= recall, (technique, r["recall"])
        assert r["correct_hits"] <= r["hits"] and r["found_spans"] <= r["annotated_spans"]
    # notebook 02's table: the same overlap figures for the lexicon, the model's cross-validated
    # figures from its file, and both measures; its cached step reads it back on a rerun
    from analysis.pipeline import open_study

    docs, spans, labels = R.read_ptc(PTC / "articles", PTC / "labels.tsv")
    validation = R.ptc_validation(docs, spans, labels)
    assert validation.schema == R.PTC_VALIDATION_SCHEMA
    parts = validation.partition_by("detector", "evaluation", as_dict=True, maintain_order=True)
    assert list(parts) == [
        ("lexicon", "in-sample"),
        ("model", "cross-validated"),
        ("both", "lexicon in-sample, model cross-validated"),
        ("model", "in-sample"),
    ]
    lexicon = parts[("lexicon", "in-sample")]
    assert lexicon["technique"].to_list() == list(R.TECHNIQUES)
    by_technique = table.filter(pl.col("technique").is_not_null())
    for name in ("hits", "correct_hits", "precision", "annotated_spans", "found_spans", "recall"):
        expected = by_technique[name].to_list()
        if name in ("precision", "recall"):
            expected = [None if x is None else round(x, 4) for x in expected]
        assert lexicon[name].to_list() == expected, name
    cv = R.load_span_model().training["cross_validated"]
    model_cv = parts[("model", "cross-validated")]
    assert model_cv["precision"].to_list() == [cv[t]["precision"] for t in R.TECHNIQUES]
    for frame in parts.values():
        scored = frame.filter(pl.col("hits") > 0)
        assert (scored["char_precision"] <= scored["precision"] + 1e-9).all()
        assert (scored["precision_low"] <= scored["precision"]).all()
        assert (scored["precision"] <= scored["precision_high"]).all()
    fitted = parts[("model", "in-sample")].row(0, named=True)
    assert fitted["precision"] > cv["Loaded_Language"]["precision"]
    # The union finds more than either detector and is the default because, averaged over the
    # 14 techniques, it has the best F1 of the rows to cite (even against the lexicon's in-sample
    # figures); the model's out-of-fold hits in its file give back its cross-validated figures.
    both = parts[("both", "lexicon in-sample, model cross-validated")]
    counted = _cues.counted_techniques(R.load_lexicon(), R.load_span_model())
    more = both.filter(pl.col("technique").is_in(list(counted)))
    assert (
        more["found_spans"]
        > lexicon.filter(pl.col("technique").is_in(list(counted)))["found_spans"]
    ).all()
    same = ["technique", "hits", "correct_hits", "found_spans"]
    # below the precision floor the model is not used: the union is the lexicon
    assert (
        both.filter(~pl.col("technique").is_in(list(counted)))
        .select(same)
        .equals(lexicon.filter(~pl.col("technique").is_in(list(counted))).select(same))
    )
    mean_f1 = {
        k[0]: frame["f1"].fill_null(0.0).mean()
        for k, frame in parts.items()
        if k != ("model", "in-sample")
    }
    assert max(mean_f1, key=lambda k: mean_f1[k]) == R.DEFAULT_DETECTOR == "both", mean_f1
    from analysis.metrics.rhetoric._validation import cross_validated_hits

    oof = R.span_scores(cross_validated_hits(R.load_span_model()), labels, n_boot=0)
    assert oof["precision"].to_list() == model_cv["precision"].to_list()
    assert oof["recall"].to_list() == model_cv["recall"].to_list()
    some = docs["doc_id"].to_list()[:10]
    assert set(cross_validated_hits(R.load_span_model(), some)["doc_id"]) <= set(some)
    bare = dataclasses.replace(R.load_span_model(), training={"cross_validated": cv})
    with pytest.raises(ValueError, match="no out-of-fold hits"):
        cross_validated_hits(bare)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ANALYSIS_CACHE", str(tmp_path / "cache"))
        for computed, cached in ((1, 0), (0, 1)):
            study = open_study("seeds")
            step = study.step("ptc_validation", docs, spans, labels, lexicon="default")
            assert step.equals(validation)
            runs = study.steps["ptc_validation"]
            assert (runs.computed, runs.cached) == (computed, cached)


def test_scare_quotes_read_each_attributed_quote_once_however_long_the_document():
    """A long document with N scare quotes and N attributed quotes: each quote-mark pair must not
    be checked against every attributed quote (issue 9, case 9: N^2 for a 20 MB document)."""
    n = 300
    line = "The so-called «experts» met. “We agree on everything here,” the minister said."
    text = "\n".join([line] * n)
    spans = [(i * (len(line) + 1), i * (len(line) + 1) + len(line)) for i in range(n)]
    docs = pl.DataFrame({"doc_id": ["d"], "text": [text]})
    quotes = quotes_table(docs, {"d": spans})
    attributed = _cues._attributed(quotes)["d"]
    assert len(attributed) == n
    counting = CountingList(attributed)
    found = _cues._scare_quotes(_cues._body(text, spans), R.load_lexicon().scare_quotes, counting)
    assert len(found) == n  # every «experts», none of the attributed quotes
    assert counting.reads <= 2 * n  # before: n reads per pair, n * n in all


def test_scare_quote_speech_index_as_before():
    """The index says what the scan said: a direct quote inside the marks overlapping the
    content, or a reported clause holding the opening mark, makes the pair speech."""
    speech = _cues._Speech
    # pair: open 10, close 20, content 11:20
    cases = [
        ([], False),
        ([(11, 20, "direct")], True),
        ([(10, 21, "direct")], True),
        ([(11, 22, "direct")], False),  # ends beyond the closing mark
        ([(9, 15, "direct")], False),  # starts before the opening mark
        ([(20, 21, "direct")], False),  # starts at the closing mark
        ([(10, 11, "direct")], False),  # ends where the content starts
        ([(5, 11, "reported")], True),
        ([(10, 12, "reported")], True),
        ([(5, 10, "reported")], False),  # ends at the opening mark
        ([(11, 30, "reported")], False),  # starts after it
        ([(0, 30, "reported"), (3, 4, "reported")], True),  # a later start, a shorter reach
    ]
    for attributed, expected in cases:
        assert speech(attributed).covers(10, 20, 11, 20) is expected, attributed


def test_the_readme_maps_every_cue_family_to_its_technique():
    from analysis.core.paths import PROJECT_ROOT

    readme = (PROJECT_ROOT / "README.md").read_text("utf-8")
    section = readme.split("## Cue families and propaganda techniques", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(
        r"^\| `(\w+)` \| (?:`([^`]+)`|none) \| (\w+) \| (counted here|not used|no)[^|]* \|",
        section,
        re.M,
    )
    lex = R.load_lexicon()
    counted = _cues.counted_techniques(lex, R.load_span_model())
    expected = [
        (
            f.name,
            f.technique or "",
            f.detector,
            "counted here"
            if f.technique in counted and f.model
            else "not used"
            if f.model
            else "no",
        )
        for f in lex.families
    ]
    assert rows == expected
