"""Text reuse: passages shared within one document and across documents, with exact offsets.

Republications, translations of one press release, an outlet's boilerplate and teasers that repeat
the opening of an article all show up as rows of the ``reuse`` table (:data:`REUSE_SCHEMA`): two
character spans, ``text[start_a:end_a]`` of ``doc_a`` and ``text[start_b:end_b]`` of ``doc_b``,
that hold the same passage, word for word or give or take a few words. A passage found in more
than ``max_pairs_docs`` documents (an outlet's footer) is not paired: it is one cluster in the
``reuse_clusters`` table (:data:`CLUSTERS_SCHEMA`), one row per occurrence (step 5).

Method
------
1. **Words.** A word is a maximal run of ``\\w`` characters (Unicode letters and digits, and
   ``_``): exactly the matches of ``re.findall(r"\\w+", text)``, compared case-folded character
   by character (:func:`normalise_words`). Punctuation, spacing and line ends are ignored, so
   ``"Tags: ,"`` and ``"Tags: , ,"`` are the same words. Tokenising runs in numpy over the code
   points of ``text``, so word offsets are character offsets into ``text``.
2. **Shingles.** Every run of ``shingle`` consecutive words is hashed to 64 bits. Shingles that
   occur in at least two documents are found exactly (one sort of all distinct shingles); only
   they can anchor reuse across documents.
3. **Candidate pairs: MinHash LSH over document chunks.** Each document is cut into
   content-defined chunks of about ``chunk`` shingles: a chunk ends at a shingle whose hash hits
   a fixed pattern (with a minimum and a maximum length), so a passage copied into two documents
   is cut at the same words in both. A chunk's set is its shingles that occur in another
   document; a chunk with fewer than ``min_words - shingle + 1`` of them cannot hold a passage
   and is skipped. Each set gets a :class:`datasketch.MinHash` (``num_perm`` permutations, fixed
   ``seed``, computed in bulk with :meth:`datasketch.MinHash.generator`). Two documents are a
   candidate pair when two of their chunks agree on every row of one LSH band; the bands and
   rows are those :class:`datasketch.MinHashLSH` chooses for ``threshold`` and ``num_perm``, and
   the rule is the one of ``MinHashLSH.insert``/``query`` (a band's values compared exactly),
   evaluated with numpy sorts. The candidates are the same; the cost is not: for the 71,000
   chunks of 10,000 AllSides articles, inserting into and querying an in-memory ``MinHashLSH``
   takes 14 s and 730 MB (one Python set per band and chunk), the sorts 2 s. Chunks, not whole
   documents, are indexed because a shared paragraph is a small share of two long articles:
   document-level Jaccard would hide boilerplate and quoted press releases. Every document with a
   shingle that occurs twice in it is a within-document candidate.
4. **Alignment**, of candidate pairs only. Positions where the two documents share a shingle are
   grouped into runs of consecutive matches on one diagonal: exact shared word sequences. Runs
   are chained, in order on both sides, across gaps of at most ``max_gap`` words on either side
   (a changed, inserted or dropped word), and a chain is one passage. Unlike
   ``difflib.SequenceMatcher``, this finds passages in any order and any number of copies, and
   works inside one document. A passage is kept when both sides have at least
   ``max(min_words, shingle)`` words and it is not contained, on both sides, in another passage of
   the same pair. Within one document the two sides never overlap: a run longer than its own
   shift (text repeated back to back) is cut into consecutive copies.

5. **Common passages: clusters, not pairs.** A passage in ``n`` documents is ``n * (n - 1) / 2``
   pairs: an outlet's footer on 5,000 pages would be 12.5 million rows, and aligning them takes
   hours. So a shingle found in more than ``max_pairs_docs`` documents (counted in the same sort
   as step 2) is *common*; a run of common shingles in one document spanning at least
   ``min_words`` words is one occurrence in the ``reuse_clusters`` table
   (:data:`CLUSTERS_SCHEMA`, :func:`find_shared_passages`), and occurrences with the same words
   are one cluster. Those shingles are left out of steps 3 and 4, so no pair is formed for them:
   rows, time and memory grow with the occurrences. Shorter common runs (a stock phrase, the
   common end of a rarer passage) stay in steps 3 and 4, but an LSH bucket holding more than
   ``max_pairs_docs`` documents makes no candidate pairs: only common shingles can fill it, and
   the candidates stay below ``bands * chunks * max_pairs_docs / 2``.

``similarity`` is the exact Jaccard similarity ``|S_a ∩ S_b| / |S_a ∪ S_b|`` of the sets ``S_a``
and ``S_b`` of ``shingle``-word shingles of the two passages (normalised words): 1.0 for a
verbatim copy, lower when words were changed, inserted or dropped. Values below about 0.3 mostly
mean templates (photo-gallery captions that differ in a number, tables). ``words`` is the number
of words of the shorter side.

Recall. Alignment is exact, so every row is real reuse; candidate pairs are probabilistic. On
2,000 AllSides articles, compared with aligning every pair of documents that shares four
shingles, the defaults find about 80 % of the 8-15-word passages shared by at most three pairs of
documents, 94 % of the 16-23-word ones and 99-100 % of longer ones; of passages shared by many
documents (an outlet's footer, one row per pair of documents), about 70 % of the rows (measured
without ``max_pairs_docs``). Clusters are exact: every occurrence of a common run is found.

Word and shingle identity use 64-bit hashes; the chance of a false match is about ``n**2 / 2**65``
for ``n`` distinct shingles (below 1e-5 for 10 million).
"""

from __future__ import annotations

from analysis.provenance.reuse._find import (
    SharedPassages,
    find_reuse,
    find_shared_passages,
    passages,
)
from analysis.provenance.reuse._lsh import lsh_reference_pairs
from analysis.provenance.reuse._schema import (
    CLUSTERS_SCHEMA,
    DEFAULT_CHUNK,
    DEFAULT_MAX_GAP,
    DEFAULT_MAX_PAIRS_DOCS,
    DEFAULT_MIN_WORDS,
    DEFAULT_SHINGLE,
    DEFAULT_THRESHOLD,
    MAX_OCCURRENCES,
    REUSE_SCHEMA,
)
from analysis.provenance.reuse._shingles import normalise_words

__all__ = [
    "CLUSTERS_SCHEMA",
    "DEFAULT_CHUNK",
    "DEFAULT_MAX_GAP",
    "DEFAULT_MAX_PAIRS_DOCS",
    "DEFAULT_MIN_WORDS",
    "DEFAULT_SHINGLE",
    "DEFAULT_THRESHOLD",
    "MAX_OCCURRENCES",
    "REUSE_SCHEMA",
    "SharedPassages",
    "find_reuse",
    "find_shared_passages",
    "lsh_reference_pairs",
    "normalise_words",
    "passages",
]
