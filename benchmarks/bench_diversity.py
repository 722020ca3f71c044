"""Time the bootstrap's MTLD and MATTR against lexicalrichness, on the same resampled texts.

    python benchmarks/bench_diversity.py                 # seed bodies, 200 replicates each
    python benchmarks/bench_diversity.py --replicates 1000

:mod:`analysis.compare.group_metrics` recomputes MTLD and MATTR on every sentence-block replicate of
the documents of small groups with its own compiled (numba)
:func:`~analysis.metrics.diversity.mtld_batch` and
:func:`~analysis.metrics.diversity.mattr_batch`.
The reference is lexicalrichness 0.5.1
(``LexicalRichness(text).mtld(threshold)``, ``.mattr(window_size)``), called on each replicate
text. Both read the same replicates (sentences of the seed bodies drawn in moving blocks of 5
with a fixed seed); the values are checked to agree to 1e-9 and the ratio is printed.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from analysis.compare import group_metrics as gm
from analysis.metrics import diversity, readability
from analysis.pipeline import open_study


def replicates(n: int, block: int = 5, seed: int = 0) -> list[list[str]]:
    """Sentence lists of ``n`` moving-block replicates of each seed body."""
    p = open_study("seeds")
    table = gm.sentence_table(p.docs, p.spans)
    rng = np.random.default_rng(seed)
    out: list[list[str]] = []
    for (_,), part in table.group_by("doc_id", maintain_order=True):
        sentences = part["text"].to_list()
        m = len(sentences)
        starts = rng.integers(0, max(m - block + 1, 1), size=(n, -(-m // block)))
        for row in starts:
            out.append([s for a in row for s in sentences[a : a + block]])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=200, help="per seed document")
    args = parser.parse_args()
    reps = replicates(args.replicates)
    texts = [" ".join(r) for r in reps]
    lex = readability._lexical_richness()
    lex("warm up").mtld(threshold=readability.MTLD_THRESHOLD)

    start = time.perf_counter()
    reference = []
    for text in texts:
        lr = lex(text)
        reference.append(
            (
                lr.mtld(threshold=readability.MTLD_THRESHOLD),
                lr.mattr(window_size=readability.MATTR_WINDOW),
            )
        )
    ref_s = time.perf_counter() - start

    start = time.perf_counter()  # as group_metrics does it: each sentence tokenised once
    distinct = sorted({sentence for r in reps for sentence in r})
    vocab: dict[str, int] = {}
    sentence_ids = {
        sentence: [vocab.setdefault(t, len(vocab)) for t in toks]
        for sentence, toks in zip(distinct, readability.diversity_tokens(distinct), strict=True)
    }
    seqs = [[i for sentence in r for i in sentence_ids[sentence]] for r in reps]
    ids = np.array([i for seq in seqs for i in seq], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum([len(seq) for seq in seqs])])
    mtld = diversity.mtld_batch(ids, offsets)
    mattr = diversity.mattr_batch(ids, offsets)
    ours_s = time.perf_counter() - start

    expected = np.array(reference)
    assert np.allclose(mtld, expected[:, 0], rtol=0, atol=1e-9), "MTLD differs"
    assert np.allclose(mattr, expected[:, 1], rtol=0, atol=1e-9), "MATTR differs"
    words = int(offsets[-1])
    print(f"{len(texts):,} replicate texts, {words:,} tokens (values agree to 1e-9)")
    print(f"  lexicalrichness mtld + mattr : {ref_s:8.2f} s")
    print(f"  mtld_batch + mattr_batch     : {ours_s:8.2f} s  (sentences tokenised once)")
    print(f"  ratio                        : {ref_s / ours_s:8.1f}x faster")


if __name__ == "__main__":
    main()
