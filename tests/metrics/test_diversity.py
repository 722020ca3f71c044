"""Tests of analysis.metrics.diversity: compiled MTLD and MATTR equal lexicalrichness."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.metrics import readability
from analysis.metrics.diversity import mattr_batch, mtld_batch


@pytest.fixture(scope="module")
def seed_bodies(seeds_study) -> list[str]:
    return seeds_study.bodies["body"].to_list()


def _ids(tokens: list[str]) -> np.ndarray:
    vocab: dict[str, int] = {}
    return np.array([vocab.setdefault(t, len(vocab)) for t in tokens], dtype=np.int64)


def test_mtld_mattr_equal_lexicalrichness_on_seed_bodies(seed_bodies: list[str]) -> None:
    lex_class = readability._lexical_richness()
    bodies = seed_bodies
    for body in bodies:
        lex = lex_class(body)
        ids = _ids(lex.wordlist)
        offsets = np.array([0, ids.size])
        assert mtld_batch(ids, offsets)[0] == lex.mtld(threshold=0.72)
        assert mattr_batch(ids, offsets)[0] == lex.mattr(window_size=100)
    # and in one batch, every body at once
    lists = [_ids(lex_class(b).wordlist) for b in bodies]
    offsets = np.concatenate([[0], np.cumsum([x.size for x in lists])])
    ref = [readability._diversity(b) for b in bodies]
    got_mtld = mtld_batch(np.concatenate(lists), offsets)
    got_mattr = mattr_batch(np.concatenate(lists), offsets)
    assert got_mtld.tolist() == [r[0] for r in ref]  # to the last bit
    assert got_mattr.tolist() == [r[1] for r in ref]


def test_mtld_mattr_equal_lexicalrichness_on_random_sequences() -> None:
    lex_class = readability._lexical_richness()
    rng = np.random.default_rng(11)
    seqs = [
        rng.integers(0, int(rng.integers(1, 150)), size=int(rng.integers(1, 500)))
        for _ in range(60)
    ]
    seqs += [np.arange(40), np.zeros(7, dtype=np.int64), np.array([0, 1, 0, 1])]  # edge cases
    offsets = np.concatenate([[0], np.cumsum([s.size for s in seqs])])
    flat = np.concatenate(seqs)
    mtld = mtld_batch(flat, offsets)
    mattr = {w: mattr_batch(flat, offsets, window=w) for w in (1, 7, 100)}
    for i, seq in enumerate(seqs):
        lex = lex_class([f"w{x}" for x in seq], preprocessor=None, tokenizer=None)
        assert mtld[i] == lex.mtld(threshold=0.72), i
        for w, values in mattr.items():
            if seq.size < w:
                assert np.isnan(values[i])
            else:
                assert values[i] == lex.mattr(window_size=w), (i, w)
    assert mtld[-3] == 40.0 and mtld[-1] == 4.0  # all distinct: 1 factor; [0 1 0 | 1]: 1 factor
    assert np.isnan(mtld_batch(np.zeros(0, dtype=np.int64), np.array([0, 0])))[0]
