"""The span detector: features, scores equal to the trained regression's, hits, the model file."""

from __future__ import annotations

import re

import numpy as np
import polars as pl

from analysis.metrics.rhetoric import _spanmodel as M
from analysis.metrics.rhetoric import spantrain as T
from analysis.metrics.rhetoric._schema import LABELS_SCHEMA, TECHNIQUES, WORD_PATTERN

TEXTS = [
    "Evil regime lies again\nThe evil regime said the vote was fair. Critics called it a sham.",
    "A quiet report\nThe committee met on Tuesday and approved the budget for next year.",
    "Sham vote, evil plan\nThis sham is an evil plan by a corrupt regime. The sham vote failed.",
    "Budget news\nThe minister said the budget was approved. The vote was held on Monday.",
] * 3


def corpus(texts: list[str]) -> tuple[pl.DataFrame, dict[str, list[tuple[int, int]]]]:
    docs = pl.DataFrame({"doc_id": [f"d{i:02d}" for i in range(len(texts))], "text": texts})
    spans = {}
    for i, text in enumerate(texts):
        cut = text.index("\n")
        spans[f"d{i:02d}"] = [(0, cut), (cut + 1, len(text))]
    return docs, spans


def gold(texts: list[str], words: dict[str, str]) -> pl.DataFrame:
    """Every occurrence of each word (any case) annotated with its technique."""
    rows = []
    for i, text in enumerate(texts):
        low = text.lower()
        for word, technique in words.items():
            p = low.find(word)
            while p >= 0:
                rows.append((f"d{i:02d}", technique, p, p + len(word)))
                p = low.find(word, p + 1)
    return pl.DataFrame(rows, schema=LABELS_SCHEMA, orient="row")


LABELS = gold(
    TEXTS,
    {"evil": "Loaded_Language", "sham": "Loaded_Language", "corrupt": "Name_Calling,Labeling"},
)


def trained() -> tuple[M.SpanModel, T.Design]:
    docs, spans = corpus(TEXTS)
    d = T.design(docs, spans, LABELS)
    coefs, bias = [], []
    for t in range(len(TECHNIQUES)):
        coef, b = T._fit(d.x, d.y[:, t])
        coefs.append(coef)
        bias.append(b)
    w = np.stack(coefs, axis=1)
    keep = np.flatnonzero(np.abs(w).sum(axis=1) > 0).tolist()
    weights = {d.features[j]: w[j] for j in keep}
    thresholds = np.full(len(TECHNIQUES), 0.5)
    return M.SpanModel("test", TECHNIQUES, thresholds, np.array(bias), weights, {}), d


def test_token_labels_mark_the_words_of_annotated_spans():
    docs, spans = corpus(TEXTS[:1])
    d = T.design(docs, spans, LABELS.filter(pl.col("article_id") == "d00"))
    words = [TEXTS[0][s:e] for s, e in zip(d.starts, d.ends, strict=True)]
    loaded = [w for w, y in zip(words, d.y[:, 0], strict=True) if y]
    assert loaded == ["Evil", "evil", "sham"]
    assert not d.y[:, 2:].any()


def test_context_features_stop_at_the_end_of_a_body_span():
    tokens = M.document_tokens(TEXTS[0], [(0, 22), (23, len(TEXTS[0]))])
    feats = list(M.document_features(tokens))
    assert tokens.words[3] == "again" and tokens.words[4] == "The"
    assert "w+1=<pad>" in feats[3] and "w+2=<pad>" in feats[3]
    assert "w-1=<pad>" in feats[4] and "first" in feats[4]
    assert "w-1=again" not in feats[4]


def test_repetition_features_count_words_and_pairs_in_the_document():
    text = "The sham vote and the sham vote again, a sham."
    tokens = M.document_tokens(text, [(0, len(text))])
    feats = dict(zip(range(len(tokens.words)), M.document_features(tokens), strict=True))
    assert "rep=3" in feats[1]  # sham: 3 times
    assert "rep_pair+" in feats[1] and "rep_pair-" in feats[2]  # "sham vote" twice
    assert not any(f.startswith("rep=") for f in feats[0])  # "the" is a stopword
    assert "rep=2" in feats[2]  # vote: twice


def test_scores_equal_the_trained_regression_on_its_own_features():
    model, d = trained()
    column = {f: j for j, f in enumerate(d.features)}
    w = np.zeros((len(d.features), len(TECHNIQUES)))
    for f, v in model.weights.items():
        w[column[f]] = v
    expected = M.sigmoid_scores(np.asarray(d.x @ w) + model.bias)
    docs, spans = corpus(TEXTS)
    got = np.concatenate(
        [
            M.token_scores(M.document_tokens(text, spans[doc]), model)
            for doc, text in docs.iter_rows()
        ]
    )
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, atol=1.5 * 10**-M.DECIMALS)
    assert got[:, 0].max() > 0.5  # evil and sham are learned


def test_hits_are_runs_of_words_at_the_threshold_and_independent_of_the_batch():
    model, _ = trained()
    docs, spans = corpus(TEXTS)
    hits = M.model_hits(docs, spans, model)
    assert hits.schema == M.MODEL_HITS_SCHEMA
    loaded = hits.filter(pl.col("technique") == "Loaded_Language")
    texts = dict(docs.iter_rows())
    words = sorted(
        {texts[d][s:e].lower() for d, s, e in loaded.select("doc_id", "start", "end").iter_rows()}
    )
    assert words == ["evil", "sham"]
    assert (loaded["score"] >= 0.5).all()
    one_by_one = pl.concat(
        [M.model_hits(docs[i : i + 1], spans, model) for i in range(docs.height)]
    )
    assert one_by_one.equals(hits)


def test_a_document_without_body_spans_has_no_hits():
    model, _ = trained()
    docs, _ = corpus(TEXTS[:2])
    assert M.model_hits(docs, {}, model).height == 0


def test_the_model_file_round_trips():
    model, _ = trained()
    model.training = {"date": "2026-12-04"}
    text = M.dumps(model)
    again = M.parse(text)
    assert M.dumps(again) == text
    assert again.techniques == TECHNIQUES
    doc = M.document_tokens(TEXTS[2], [(0, len(TEXTS[2]))])
    np.testing.assert_array_equal(M.token_scores(doc, again), M.token_scores(doc, model))


def test_the_shipped_model_covers_every_technique_with_cross_validated_figures():
    model = M.load_span_model()
    assert model.techniques == TECHNIQUES
    assert set(model.training["cross_validated"]) == set(TECHNIQUES)
    assert all(th in T.THRESHOLDS for th in model.thresholds.tolist())
    loaded = model.training["cross_validated"]["Loaded_Language"]
    assert loaded["precision_low"] <= loaded["precision"] <= loaded["precision_high"]


def test_word_offsets_are_the_matches_of_the_word_pattern():
    rx = re.compile(WORD_PATTERN)
    texts = [
        *TEXTS,
        "So-called 'experts' -- don’t. a--b x-'y end- -start _under_ 3.5% Naïve café Ωμέγα",
        "Шанхайская организация сотрудничества — ШОС; 上海合作组织 and 中国's role",
        "",
        "-",
        "'a'",
    ]
    for text in texts:
        starts, ends = M.word_offsets(text)
        expected = [(m.start(), m.end()) for m in rx.finditer(text)]
        assert list(zip(starts.tolist(), ends.tolist(), strict=True)) == expected
        starts, ends = M.word_offsets(text, 2, max(2, len(text) - 1))
        expected = [(m.start(), m.end()) for m in rx.finditer(text, 2, max(2, len(text) - 1))]
        assert list(zip(starts.tolist(), ends.tolist(), strict=True)) == expected


def test_the_word_character_table_is_pythons_backslash_w():
    word, joiner = M._char_classes()
    rx = re.compile(r"\w")
    differ = [i for i in range(len(word)) if word[i] != bool(rx.match(chr(i)))]
    assert differ == []
    assert np.flatnonzero(joiner).tolist() == sorted(map(ord, "'’-"))


def test_tokens_of_spans_that_cut_words_are_those_of_each_span_read_alone():
    text = "ab cdefgh ij klm-nop"
    for spans in ([(0, 2), (4, 12)], [(0, 5), (6, 20)], [(0, 2), (3, 9), (13, 20)], [(5, 15)]):
        got = M.document_tokens(text, spans)
        words, span = [], []
        for i, (lo, hi) in enumerate(spans):
            for m in re.finditer(WORD_PATTERN, text[lo:hi]):
                words.append(m.group())
                span.append(i)
        assert got.words == words, spans
        assert got.span.tolist() == span
        assert [text[a:b] for a, b in zip(got.starts, got.ends, strict=True)] == words


def _random_tokens(rng: np.random.Generator, vocabulary: list[str]) -> M.Tokens:
    """Words drawn from ``vocabulary`` in spans of 1 to 9 words (one-word spans included)."""
    words: list[str] = []
    span: list[int] = []
    for s in range(60):
        n = int(rng.integers(1, 10))
        words += [vocabulary[int(i)] for i in rng.integers(0, len(vocabulary), n)]
        span += [s] * n
    starts = np.arange(len(words), dtype=np.int64) * 10
    return M.Tokens(words, starts, starts + 5, np.array(span, dtype=np.int64))


def test_compiled_margins_equal_the_numpy_sums_bit_for_bit():
    model = M.load_span_model()
    rng = np.random.default_rng(7)
    vocabulary = [*re.findall(r"\w+", " ".join(TEXTS)), "Regime", "EVIL", "2024", "qzxv", "don't"]
    cases = [_random_tokens(rng, vocabulary) for _ in range(5)]
    text = " ".join(TEXTS) * 2
    cases.append(M.document_tokens(text, [(0, 40), (41, 42), (43, len(text))]))
    for tokens in cases:
        for doc in (np.zeros(len(tokens.words), dtype=np.int64), tokens.span // 7):
            fast = M._margins(tokens, doc, model)
            slow = M._margins_numpy(tokens, doc, model)
            assert fast.shape == (len(tokens.words), len(model.techniques))
            assert np.array_equal(fast.view(np.uint64), slow.view(np.uint64))
    one = M.document_tokens("Evil", [(0, 4)])  # no neighbour at all
    assert np.array_equal(
        M._margins(one, np.zeros(1, np.int64), model),
        M._margins_numpy(one, np.zeros(1, np.int64), model),
    )


def test_word_rows_built_by_kind_equal_those_built_from_feature_names():
    import copy

    fast = copy.deepcopy(M.load_span_model())
    slow = copy.deepcopy(fast)
    rng = np.random.default_rng(11)
    words = list(dict.fromkeys(re.findall(r"\w+", " ".join(TEXTS))))
    words += ["CNN", "Évian", "don't", "co-op", "2024", "A", "x", "qzxv", "Propaganda", "<pad>"]
    words += ["".join(rng.choice(list("abcdeéz"), int(rng.integers(1, 9)))) for _ in range(300)]
    words = list(dict.fromkeys(words))
    fast._add(words)
    slow._add_reference(words)
    n = len(words) + 1
    assert fast._index == slow._index
    assert np.array_equal(fast._table[:, :n].view(np.uint64), slow._table[:, :n].view(np.uint64))
    assert np.array_equal(fast._lower_of[:n], slow._lower_of[:n])
    assert np.array_equal(fast._content[:n], slow._content[:n])
    assert np.any(fast._table[2, 1:n] != 0)  # the words have weights, not only zeros
