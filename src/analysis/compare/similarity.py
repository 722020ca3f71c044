"""Cosine similarity of documents and of groups (outlets) on TF-IDF vectors: ``similarity``.

Documents are represented by TF-IDF vectors from scikit-learn's ``TfidfVectorizer`` (Salton,
G. & Buckley, C. (1988). Term-weighting approaches in automatic text retrieval. *Information
Processing & Management* 24(5), 513-523, doi:10.1016/0306-4573(88)90021-0; Pedregosa et al.
(2011). Scikit-learn: Machine Learning in Python. *JMLR* 12, 2825-2830) and compared by the
cosine of the angle between them (Manning, C. D., Raghavan, P. & Schuetze, H. (2008).
*Introduction to Information Retrieval*, ch. 6.3).

Formula
-------
For a term ``t`` in document ``d`` of a corpus of ``n`` documents, with ``tf`` its raw count in
``d`` and ``df`` the number of documents containing it (:func:`tfidf` settings)::

    w(t, d)  = (1 + ln tf) * (ln((1 + n) / (1 + df)) + 1)    (sublinear tf, smoothed idf)
    x_d      = w(., d) / ||w(., d)||_2                        (L2-normalised row)
    cos(d, e) = x_d . x_e                                     (in [0, 1]: weights are >= 0)

A document with no term left (empty, only stopwords or numbers) has the zero vector and cosine 0
with every document.

Per document, then the corpus
-----------------------------
Counting a document's terms needs only its text, so it is a per-document stage
(:func:`document_terms`, cached: a rerun with a day's articles added counts only theirs); the
weights need the whole corpus (``df``) and are computed from those counts
(:func:`tfidf_from_terms`, in the operations of scikit-learn's ``TfidfTransformer``, without
importing it). The vectors are the very
floats ``TfidfVectorizer`` gives on the texts (:func:`tfidf`, the reference; tests compare them
bit for bit): the counts are laid out as ``CountVectorizer`` lays them out, terms in each row in
the order the corpus first used them, which is the order the row's L2 norm is summed in.

Group figure (:func:`group_similarity`)
---------------------------------------
The figure for groups ``A`` and ``B`` is the **mean pairwise cosine** between their documents,
not the cosine of the group centroids. With ``S_A = sum of x_d over d in A`` and ``n_A`` the
number of A's documents with a non-zero vector::

    A != B:  cos(A, B) = (S_A . S_B) / (n_A * n_B)
    A == B:  cos(A, A) = (|S_A|^2 - n_A) / (n_A * (n_A - 1))     (mean over distinct pairs)

``cos(A, A)`` (within-group cohesion) is null when ``n_A < 2``. Documents with the zero vector
are left out of their group (they are not counted in ``n_a`` / ``n_b``): they would only pull
the mean towards 0 for lack of text, not of similarity.

Floating point error can put a cosine a hair outside [0, 1]: values within ``1e-12`` above 1 are
set to 1.0 and values within ``1e-12`` below 0 to 0.0; nothing else is clipped or rounded.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Literal

import numpy as np
import polars as pl

from analysis.compare.groups import Grouping, checked
from analysis.core.validate import require_columns, require_ids
from analysis.core.workers import default_workers
from analysis.text.tokens import ENGLISH_STOPWORDS

__all__ = [
    "ALL_PAIRS_UP_TO",
    "SIMILARITY_SCHEMA",
    "TERMS_SCHEMA",
    "TFIDF_TOKEN_PATTERN",
    "SimilarityLevel",
    "analyze",
    "document_similarity",
    "document_terms",
    "group_similarity",
    "grouped_rows",
    "labelled_pairs",
    "neighbours",
    "pool_groups",
    "similarity_table",
    "tfidf",
    "tfidf_from_terms",
]

if TYPE_CHECKING:
    import scipy.sparse


#: Default of ``all_pairs_up_to`` (:func:`neighbours`): corpora up to this many documents keep
#: every document pair in ``similarity``.
ALL_PAIRS_UP_TO = 40

#: At most this many cosines are held densely per chunk of the document similarity matrix
#: (8 bytes each, and about twice that while a chunk's neighbours are picked): 16 MB, so a
#: chunk has ``CHUNK_CELLS // n`` rows for ``n`` documents (at most ``chunk_rows``). On 37,500
#: articles 2 million cells took 36 s and +0.9 GB, 8 million 43 s and +1.3 GB (top 10, the
#: same rows): smaller chunks stay in the processor's caches.
CHUNK_CELLS = 2_000_000
#: Chunks computed at once, on threads (at most the cores this process may use).
THREADS = 4

#: ``level`` of a :data:`SIMILARITY_SCHEMA` row.
SimilarityLevel = Literal["document", "group"]

#: The ``similarity`` table. ``level == "document"``: ``a`` < ``b`` are doc_ids and
#: ``n_a == n_b == 1``; ``level == "group"``: ``a``, ``b`` are group names (both orders, and
#: ``a == b`` for within-group cohesion) and ``n_a``, ``n_b`` count their documents with a
#: non-zero TF-IDF vector.
SIMILARITY_SCHEMA = pl.Schema(
    {
        "level": pl.String(),
        "a": pl.String(),
        "b": pl.String(),
        "cosine": pl.Float64(),
        "n_a": pl.Int64(),
        "n_b": pl.Int64(),
    }
)

#: Token regex (Python ``re`` syntax, as used by scikit-learn): a letter, then optionally
#: letters/digits/underscores, apostrophes or hyphens ending in a letter/digit. Tokens that start
#: with a digit (``2024``, ``19th``) are not tokens; single letters are.
TFIDF_TOKEN_PATTERN = r"(?u)\b[^\W\d_](?:[\w'-]*\w)?\b"

_CLIP_TOL = 1e-12

#: :func:`document_terms`: one row per document, its terms (scikit-learn's analyzer with
#: :func:`tfidf`'s settings) in the order it first uses them and their counts; a document
#: without any term has empty lists. (A row per document, not per term: the doc_id is stored
#: once, which keeps a corpus's terms small enough to hold at once.)
TERMS_SCHEMA = pl.Schema(
    {"doc_id": pl.String(), "terms": pl.List(pl.String()), "counts": pl.List(pl.Int64())}
)


def _clip(values: np.ndarray) -> np.ndarray:
    """Snap float error within ``_CLIP_TOL`` outside [0, 1] back onto the interval."""
    out = np.asarray(values, dtype=np.float64).copy()
    out[(out > 1.0) & (out <= 1.0 + _CLIP_TOL)] = 1.0
    out[(out < 0.0) & (out >= -_CLIP_TOL)] = 0.0
    return out


def _prepare(bodies: pl.DataFrame, text_col: str) -> pl.DataFrame:
    """``doc_id``, ``text`` sorted by doc_id; checks columns and unique, non-null doc_ids."""
    require_columns(bodies, ("doc_id", text_col), who="similarity", name="bodies")
    frame = _texts(bodies, text_col)
    require_ids(frame, who="similarity", name="bodies")
    return frame.sort("doc_id")


def _texts(bodies: pl.DataFrame, text_col: str) -> pl.DataFrame:
    """``doc_id`` and the ``text`` :func:`tfidf` vectorises (null as ``""``, ``’`` as ``'``)."""
    return bodies.select(
        pl.col("doc_id").cast(pl.String),
        pl.col(text_col)
        .cast(pl.String)
        .fill_null("")
        .str.replace_all("’", "'", literal=True)
        .alias("text"),
    )


_TOKEN = re.compile(TFIDF_TOKEN_PATTERN)


def analyze(text: str) -> list[str]:
    """The tokens scikit-learn's ``CountVectorizer(**settings).build_analyzer()`` gives for
    ``text`` with :func:`tfidf`'s settings: ``text.lower()``, every match of
    :data:`TFIDF_TOKEN_PATTERN`, stopwords dropped (tests compare the two).

    >>> analyze("The Astana Times’ view, 2024: it's over")
    ['astana', 'times', 'view']
    """
    return [t for t in _TOKEN.findall(text.lower()) if t not in ENGLISH_STOPWORDS]


def document_terms(bodies: pl.DataFrame, *, text_col: str = "body") -> pl.DataFrame:
    """Each document's terms and their counts, as :func:`tfidf` counts them.

    The tokens of scikit-learn's ``CountVectorizer`` analyzer with :func:`tfidf`'s settings
    (lowercased, :data:`TFIDF_TOKEN_PATTERN`, English stopwords dropped) over the text that
    :func:`tfidf` reads (null as ``""``, ``’`` as ``'``), made as that analyzer makes them
    (:func:`analyze`) without importing scikit-learn (a second of every process that counts a
    day's articles). A per-document stage: a document's rows depend on its text only.

    Returns
    -------
    pl.DataFrame
        :data:`TERMS_SCHEMA`, a row per row of ``bodies``, in their order.

    Examples
    --------
    >>> bodies = pl.DataFrame({"doc_id": ["a", "b"], "body": ["Oil, gas and oil", "2024"]})
    >>> document_terms(bodies).rows()
    [('a', ['oil', 'gas'], [2, 1]), ('b', [], [])]
    """
    require_columns(bodies, ("doc_id", text_col), who="document_terms", name="bodies")
    frame = _texts(bodies, text_col)
    doc_ids: list[str] = []
    terms: list[list[str]] = []
    counts: list[list[int]] = []
    for doc_id, text in frame.iter_rows():
        counted: dict[str, int] = {}
        for token in analyze(text):
            counted[token] = counted.get(token, 0) + 1
        doc_ids.append(doc_id)
        terms.append(list(counted))
        counts.append(list(counted.values()))
    return pl.DataFrame({"doc_id": doc_ids, "terms": terms, "counts": counts}, schema=TERMS_SCHEMA)


def tfidf_from_terms(
    terms: pl.DataFrame, *, min_df: int = 1, max_df: float = 1.0
) -> tuple[list[str], scipy.sparse.csr_matrix]:
    """:func:`tfidf` of the documents whose :func:`document_terms` are ``terms``: the same
    doc_ids and the same matrix, float for float (tested), without reading the texts again.

    The counts go into the matrix ``CountVectorizer`` would make of the texts (documents in
    doc_id order; each row's terms in the order the corpus first used them, which is the order
    ``TfidfTransformer`` sums the row's L2 norm in), and scikit-learn's ``TfidfTransformer``
    weights them with :func:`tfidf`'s settings.

    Examples
    --------
    >>> bodies = pl.DataFrame({"doc_id": ["b", "a"], "body": ["Oil and gas", "Oil, 2024"]})
    >>> ids, x = tfidf_from_terms(document_terms(bodies))
    >>> ids, x.shape, x.toarray().round(4).tolist()
    (['a', 'b'], (2, 2), [[0.0, 1.0], [0.8148, 0.5797]])
    """
    import scipy.sparse as sp

    require_columns(terms, tuple(TERMS_SCHEMA), who="tfidf_from_terms", name="terms")
    docs = terms.select("doc_id", "terms", "counts").sort("doc_id")
    require_ids(docs, who="tfidf_from_terms", name="terms")
    ids = docs["doc_id"].to_list()
    n = len(ids)
    if not n:
        return [], sp.csr_matrix((0, 0), dtype=np.float64)
    # a cell per (document, term), documents in doc_id order and each one's terms in the order
    # it first uses them: the row as a number, the term, its count (no doc_id repeated)
    lengths = docs["terms"].list.len().to_numpy()
    row = np.repeat(np.arange(n, dtype=np.int64), lengths)
    term = docs.filter(pl.col("terms").list.len() > 0)["terms"].list.explode()
    count = docs.filter(pl.col("counts").list.len() > 0)["counts"].list.explode().to_numpy()
    del docs
    if term.is_empty():  # no document has a term: every vector is zero
        return ids, sp.csr_matrix((n, 0), dtype=np.float64)
    # CountVectorizer's vocabulary: terms numbered as the corpus first uses them ...
    seen = term.unique(maintain_order=True)
    code = term.replace_strict(seen, np.arange(len(seen)), return_dtype=pl.Int64).to_numpy()
    del term
    # ... then pruned by document frequency (a term is counted once per document) ...
    df = np.bincount(code, minlength=len(seen))
    max_count = max_df if isinstance(max_df, int) else max_df * n
    min_count = min_df if isinstance(min_df, int) else min_df * n
    if max_count < min_count:
        raise ValueError("max_df corresponds to < documents than min_df")
    kept = (df <= max_count) & (df >= min_count)
    if not kept.any():  # every document empty or pruned: every vector is zero
        return ids, sp.csr_matrix((n, 0), dtype=np.float64)
    # ... and numbered in alphabetical order
    renumber = np.cumsum(kept) - 1  # first-use number among the terms kept
    vocabulary = seen.filter(pl.Series(kept))
    alphabetical = np.empty(len(vocabulary), dtype=np.int64)
    alphabetical[vocabulary.arg_sort().to_numpy()] = np.arange(len(vocabulary))
    cell = kept[code]
    row, code, count = row[cell], renumber[code[cell]], count[cell]
    order = np.lexsort((code, row))  # a row's terms as CountVectorizer orders them
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(row, minlength=n), out=indptr[1:])
    counts = sp.csr_matrix(
        (count[order].astype(np.float64), alphabetical[code[order]], indptr),
        shape=(n, len(vocabulary)),
    )
    x = sp.csr_matrix(_weighted(counts, n), dtype=np.float64)
    x.sort_indices()
    return ids, x


def _weighted(counts: scipy.sparse.csr_matrix, n: int) -> scipy.sparse.csr_matrix:
    """``counts`` weighted as scikit-learn's ``TfidfTransformer(norm="l2", use_idf=True,
    smooth_idf=True, sublinear_tf=True)`` weights them (version 1.9's ``fit`` and
    ``transform``, and ``inplace_csr_row_normalize_l2``), in the same floating-point operations
    and order, without importing scikit-learn (0.6 s a process, most of a rerun's similarity
    step). Tests compare the result with ``TfidfVectorizer``'s bit for bit.

    Each row's squared norm is summed one stored value after another, as scikit-learn's loop
    sums it: across rows at once, one position at a time (rows sorted by length, so the rows
    still open are a prefix), never by numpy's pairwise sums, which round differently.
    """
    data = counts.data.astype(np.float64)
    np.log(data, out=data)  # sublinear tf: 1 + ln tf
    data += 1.0
    df = np.bincount(counts.indices, minlength=counts.shape[1]).astype(np.float64)
    df += 1.0  # smoothed idf: ln((1 + n) / (1 + df)) + 1
    idf = np.full_like(df, fill_value=n + 1, dtype=np.float64)
    idf /= df
    np.log(idf, out=idf)
    idf += 1.0
    data *= idf[counts.indices]
    starts, lengths = counts.indptr[:-1], np.diff(counts.indptr)
    by_length = np.argsort(-lengths, kind="stable")
    starts, lengths = starts[by_length], lengths[by_length]
    squares = data * data
    sums = np.zeros(len(lengths), dtype=np.float64)
    open_rows = len(lengths)
    for position in range(int(lengths[0]) if len(lengths) else 0):
        while lengths[open_rows - 1] <= position:
            open_rows -= 1
        sums[:open_rows] += squares[starts[:open_rows] + position]
    norms = np.empty(len(lengths), dtype=np.float64)
    norms[by_length] = np.sqrt(sums)
    norms[norms == 0.0] = 1.0  # a zero row stays zero (scikit-learn skips it)
    data /= np.repeat(norms, np.diff(counts.indptr))
    return type(counts)((data, counts.indices, counts.indptr), shape=counts.shape)


def tfidf(
    bodies: pl.DataFrame,
    *,
    text_col: str = "body",
    min_df: int = 1,
    max_df: float = 1.0,
) -> tuple[list[str], scipy.sparse.csr_matrix]:
    """TF-IDF vectors of the documents, one L2-normalised row per document, in doc_id order.

    The vectoriser is scikit-learn's ``TfidfVectorizer`` with these fixed settings:
    ``lowercase=True``, ``token_pattern=TFIDF_TOKEN_PATTERN`` (a token starts with a letter, may
    contain internal apostrophes and hyphens; pure numbers are not tokens),
    ``stop_words=sorted(ENGLISH_STOPWORDS)`` (:data:`analysis.text.tokens.ENGLISH_STOPWORDS`),
    ``sublinear_tf=True``, ``smooth_idf=True``, ``norm="l2"``, ``dtype=numpy.float64``, and
    ``min_df``/``max_df`` as given. Before vectorising, null bodies become ``""`` and the
    typographic apostrophe ``’`` becomes ``'`` (as in :func:`analysis.compare.keyness.term_counts`,
    so ``it’s`` is the stopword ``it's``).

    Parameters
    ----------
    bodies
        ``doc_id`` (unique, not null) and ``text_col`` (clean article body; null = empty).
    text_col
        Column holding the text.
    min_df, max_df
        scikit-learn's document-frequency cut-offs (``min_df`` a count, ``max_df`` a fraction).

    Returns
    -------
    tuple[list[str], scipy.sparse.csr_matrix]
        The doc_ids in sorted order and the ``n x V`` float64 matrix (columns: terms in
        alphabetical order). No rows: ``([], 0 x 0 matrix)``. If no term is left (every document
        empty or only stopwords/numbers, or all pruned by ``min_df``/``max_df``) every row is
        zero and ``V = 0``.

    Raises
    ------
    ValueError
        A missing column, or a null or repeated doc_id.

    Examples
    --------
    >>> bodies = pl.DataFrame({"doc_id": ["b", "a"], "body": ["Oil and gas", "Oil, 2024"]})
    >>> ids, x = tfidf(bodies)
    >>> ids, x.shape
    (['a', 'b'], (2, 2))
    >>> x.toarray().round(4).tolist()
    [[0.0, 1.0], [0.8148, 0.5797]]
    """
    import scipy.sparse as sp
    from sklearn.feature_extraction.text import TfidfVectorizer

    frame = _prepare(bodies, text_col)
    ids = frame["doc_id"].to_list()
    if not ids:
        return [], sp.csr_matrix((0, 0), dtype=np.float64)
    vectorizer = TfidfVectorizer(
        lowercase=True,
        token_pattern=TFIDF_TOKEN_PATTERN,
        stop_words=sorted(ENGLISH_STOPWORDS),
        sublinear_tf=True,
        smooth_idf=True,
        norm="l2",
        dtype=np.float64,
        min_df=min_df,
        max_df=max_df,
    )
    try:
        matrix = vectorizer.fit_transform(frame["text"].to_list())
    except ValueError as err:  # no term at all: every vector is zero
        if not str(err).startswith(("empty vocabulary", "After pruning, no terms remain")):
            raise
        return ids, sp.csr_matrix((len(ids), 0), dtype=np.float64)
    x = sp.csr_matrix(matrix, dtype=np.float64)
    x.sort_indices()
    return ids, x


def _dense_product(
    x: scipy.sparse.csr_matrix, xt: scipy.sparse.csr_matrix, start: int, stop: int
) -> np.ndarray:
    """Rows ``start:stop`` of ``x @ xt`` as a dense array: the very floats of scipy's
    ``(x[start:stop] @ xt).toarray()``, which adds, for each row of ``x``, its entries times
    the rows of ``xt`` they select, in stored order. The same loop compiled, writing into the
    dense rows at once (scipy builds a sparse result first, then densifies it): about twice as
    fast on news articles, most of which share some term (10,000 spliced AllSides articles).

    >>> from scipy.sparse import csr_matrix
    >>> x = csr_matrix(np.array([[1.0, 2.0, 0.0], [0.0, 3.0, 1.0]]))
    >>> _dense_product(x, x.T.tocsr(), 0, 2).tolist()
    [[5.0, 6.0], [6.0, 10.0]]
    """
    return _product_kernel()(
        x.indptr, x.indices, x.data, start, stop, xt.indptr, xt.indices, xt.data, xt.shape[1]
    )


@functools.cache
def _product_kernel() -> Callable[..., np.ndarray]:
    import numba

    @numba.njit(cache=True, nogil=True)
    def product(a_ptr, a_idx, a_val, start, stop, b_ptr, b_idx, b_val, n):
        out = np.zeros((stop - start, n))
        for r in range(start, stop):
            row = out[r - start]
            for p in range(a_ptr[r], a_ptr[r + 1]):
                t = a_idx[p]
                v = a_val[p]
                for q in range(b_ptr[t], b_ptr[t + 1]):
                    row[b_idx[q]] += v * b_val[q]
        return out

    return product


def _doc_pairs(
    ids: list[str],
    x: scipy.sparse.csr_matrix,
    *,
    top_k: int | None,
    min_similarity: float,
    chunk_rows: int,
) -> pl.DataFrame:
    """Document rows of :data:`SIMILARITY_SCHEMA` from a :func:`tfidf` result."""
    n = len(ids)
    empty = pl.DataFrame(schema=SIMILARITY_SCHEMA)
    if n < 2 or (top_k is not None and top_k == 0):
        return empty
    xt = x.T.tocsr()
    k = None if top_k is None else min(top_k, n - 1)
    # a chunk's dense block is at most CHUNK_CELLS floats, whatever the corpus size
    rows = max(1, min(chunk_rows, CHUNK_CELLS // n))

    def chunk(start: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        stop = min(start + rows, n)
        # Row i of this product adds x_i[t] * x_j[t] over the shared terms t in increasing term
        # order, whichever chunk i is in, so sim[i, j] and sim[j, i] are the same float.
        sim = _dense_product(x, xt, start, stop)
        local = np.arange(stop - start)
        if k is None:
            col = np.arange(n)
            keep = (col[None, :] > (local + start)[:, None]) & (sim >= min_similarity)
        else:
            ranked = sim.copy()
            ranked[local, local + start] = -np.inf  # a document is not its own neighbour
            kth = -np.partition(-ranked, k - 1, axis=1)[:, k - 1 : k]
            above = ranked > kth
            ties = ranked == kth  # ties at the k-th value: lowest doc_id first
            need = k - above.sum(axis=1, keepdims=True)
            keep = above | (ties & (np.cumsum(ties, axis=1) <= need))
            keep &= sim >= min_similarity
        ii, jj = np.nonzero(keep)
        return ii + start, jj, sim[ii, jj]

    # scipy's sparse product and numpy's selection release the GIL: chunks run on threads,
    # and come back in order, so the rows are the same whatever the number of threads
    with ThreadPoolExecutor(max_workers=min(THREADS, default_workers())) as pool:
        parts = list(pool.map(chunk, range(0, n, rows)))
    rows_i = [part[0] for part in parts]
    rows_j = [part[1] for part in parts]
    values = [part[2] for part in parts]
    i = np.concatenate(rows_i)
    j = np.concatenate(rows_j)
    pairs = pl.DataFrame(
        {
            "ia": np.minimum(i, j).astype(np.int64),
            "ib": np.maximum(i, j).astype(np.int64),
            "cosine": _clip(np.concatenate(values)),
        }
    )
    if k is not None:  # a pair found from both ends: same value (see above), keep one
        pairs = pairs.unique(["ia", "ib"], keep="first", maintain_order=True)
    pairs = pairs.sort("ia", "ib")  # rows are in doc_id order, so this is (a, b) order
    names = pl.Series("name", ids, dtype=pl.String)
    out = pairs.select(
        pl.lit("document").alias("level"),
        names.gather(pairs["ia"]).alias("a"),
        names.gather(pairs["ib"]).alias("b"),
        pl.col("cosine"),
        pl.lit(1, pl.Int64).alias("n_a"),
        pl.lit(1, pl.Int64).alias("n_b"),
    )
    return out.cast(SIMILARITY_SCHEMA).select(list(SIMILARITY_SCHEMA))


def document_similarity(
    bodies: pl.DataFrame,
    *,
    top_k: int | None = None,
    min_similarity: float = 0.0,
    chunk_rows: int = 1000,
) -> pl.DataFrame:
    """Cosine similarity of pairs of documents (``level == "document"`` rows).

    Parameters
    ----------
    bodies
        ``doc_id`` (unique, not null), ``body`` (clean article text; null = empty), vectorised by
        :func:`tfidf` with its defaults.
    top_k
        Keep a pair (a, b) only if b is among a's ``top_k`` most similar other documents or a
        among b's (ranked by cosine, descending; ties by doc_id, ascending). ``None``: no such
        limit. With ``min_similarity <= 0`` and no ``top_k`` every one of the ``n (n - 1) / 2``
        pairs is listed, which is fine for small corpora only: the notebooks pass ``top_k`` for
        large ones.
    min_similarity
        Keep pairs whose cosine is at least this. Documents with the zero vector have cosine 0
        with every document and so drop out for any ``min_similarity > 0``.
    chunk_rows
        Most rows of the similarity matrix computed in one chunk (fewer for a large corpus:
        :data:`CHUNK_CELLS`; a chunk takes about ``24 * rows * n`` bytes, and up to
        :data:`THREADS` chunks are computed at once); the full ``n x n`` matrix is never held.
        Does not change the result.

    Returns
    -------
    pl.DataFrame
        :data:`SIMILARITY_SCHEMA`, ``level = "document"``, one row per unordered pair ``a < b``
        (doc_id string order), ``n_a = n_b = 1``, sorted by (a, b). Fewer than two documents:
        no rows.

    Raises
    ------
    ValueError
        A missing column, a null or repeated doc_id, ``top_k < 0`` or ``chunk_rows < 1``.

    Examples
    --------
    >>> bodies = pl.DataFrame(
    ...     {"doc_id": ["a", "b", "c"],
    ...      "body": ["Oil prices rose", "Oil prices fell", "Grain harvest"]}
    ... )
    >>> out = document_similarity(bodies)
    >>> [(a, b, round(c, 4)) for a, b, c in out.select("a", "b", "cosine").rows()]
    [('a', 'b', 0.5363), ('a', 'c', 0.0), ('b', 'c', 0.0)]
    >>> document_similarity(bodies, top_k=1, min_similarity=0.1).select("a", "b").rows()
    [('a', 'b')]
    """
    _check_doc_args(top_k, chunk_rows)
    ids, x = tfidf(bodies)
    return _doc_pairs(ids, x, top_k=top_k, min_similarity=min_similarity, chunk_rows=chunk_rows)


def _check_doc_args(top_k: int | None, chunk_rows: int) -> None:
    if top_k is not None and top_k < 0:
        raise ValueError(f"document_similarity: top_k must be >= 0 or None, got {top_k}")
    if chunk_rows < 1:
        raise ValueError(f"document_similarity: chunk_rows must be >= 1, got {chunk_rows}")


def _group_pairs(ids: list[str], x: scipy.sparse.csr_matrix, groups: pl.DataFrame) -> pl.DataFrame:
    """Group rows of :data:`SIMILARITY_SCHEMA` from a :func:`tfidf` result."""
    import scipy.sparse as sp

    index = pl.DataFrame(
        {"doc_id": ids, "row": np.arange(len(ids), dtype=np.int64)},
        schema={"doc_id": pl.String(), "row": pl.Int64()},
    )
    members = checked(groups, "group_similarity").join(index, on="doc_id", how="inner")
    names = sorted(set(members["group"].to_list()))
    if not names:
        return pl.DataFrame(schema=SIMILARITY_SCHEMA)
    sq_norm = np.asarray(x.multiply(x).sum(axis=1)).ravel() if x.shape[1] else np.zeros(len(ids))
    code = {g: c for c, g in enumerate(names)}
    rows = members["row"].to_numpy()
    nonzero = sq_norm[rows] > 0  # zero-vector documents do not count in their group
    rows = rows[nonzero]
    cols = np.array([code[g] for g in members["group"].to_list()], dtype=np.int64)[nonzero]
    indicator = sp.csr_matrix(
        (np.ones(len(rows)), (cols, rows)), shape=(len(names), len(ids)), dtype=np.float64
    )
    sums = indicator @ x  # S_A: sum of the group's rows
    dots = np.asarray((sums @ sums.T).toarray(), dtype=np.float64).reshape(len(names), -1)
    n = np.bincount(cols, minlength=len(names)).astype(np.int64)
    norms_in = np.bincount(cols, weights=sq_norm[rows], minlength=len(names))
    nf = n.astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        between = dots / np.outer(nf, nf)
        within = (np.diag(dots) - norms_in) / (nf * (nf - 1.0))
    cosine = _clip(between)
    np.fill_diagonal(cosine, _clip(within))
    valid = np.outer(n > 0, n > 0)
    np.fill_diagonal(valid, n > 1)
    ga, gb = np.meshgrid(np.arange(len(names)), np.arange(len(names)), indexing="ij")
    label = pl.Series("name", names, dtype=pl.String)
    out = pl.DataFrame(
        {
            "level": "group",
            "a": label.gather(ga.ravel()),
            "b": label.gather(gb.ravel()),
            "cosine": pl.Series(cosine.ravel()).scatter(np.flatnonzero(~valid.ravel()), None),
            "n_a": n[ga.ravel()],
            "n_b": n[gb.ravel()],
        }
    )
    return out.cast(SIMILARITY_SCHEMA).select(list(SIMILARITY_SCHEMA)).sort("a", "b")


def group_similarity(bodies: pl.DataFrame, groups: pl.DataFrame) -> pl.DataFrame:
    """Mean pairwise cosine between and within groups (``level == "group"`` rows).

    The figure and its formula are in the module docstring: for ``A != B`` the mean cosine over
    all (document of A, document of B) pairs, for ``A == B`` the mean over distinct pairs of A's
    documents (null with fewer than two). Computed from sparse group-indicator matrices.

    Parameters
    ----------
    bodies
        ``doc_id``, ``body``, as for :func:`document_similarity`.
    groups
        ``doc_id``, ``group`` (e.g. the outlet). Rows with a null group or a doc_id not in
        ``bodies`` are ignored; a document may be in one group only.

    Returns
    -------
    pl.DataFrame
        :data:`SIMILARITY_SCHEMA`, ``level = "group"``: every ordered pair (A, B) of groups,
        ``A == B`` included (a full symmetric matrix, ready for a heatmap), sorted by (a, b).
        ``n_a``/``n_b`` count the documents with a non-zero vector; a group with none has
        ``n = 0`` and null cosines.

    Raises
    ------
    ValueError
        A missing column, a null or repeated doc_id in ``bodies``, or a document in two groups.

    Examples
    --------
    >>> bodies = pl.DataFrame(
    ...     {"doc_id": ["a", "b", "c"],
    ...      "body": ["Oil prices rose", "Oil prices fell", "Grain harvest"]}
    ... )
    >>> groups = pl.DataFrame({"doc_id": ["a", "b", "c"], "group": ["X", "X", "Y"]})
    >>> out = group_similarity(bodies, groups)
    >>> [(a, b, c if c is None else round(c, 4), na, nb)
    ...  for _, a, b, c, na, nb in out.rows()]
    [('X', 'X', 0.5363, 2, 2), ('X', 'Y', 0.0, 2, 1), ('Y', 'X', 0.0, 1, 2), ('Y', 'Y', None, 1, 1)]
    """
    ids, x = tfidf(bodies)
    return _group_pairs(ids, x, groups)


def similarity_table(
    terms: pl.DataFrame,
    groups: pl.DataFrame,
    *,
    top_k: int | None = None,
    min_similarity: float = 0.0,
) -> pl.DataFrame:
    """The ``similarity`` table: :func:`group_similarity` rows, then :func:`document_similarity`,
    from the documents' :func:`document_terms`.

    TF-IDF (:func:`tfidf_from_terms`) is computed once and shared by both levels; ``top_k`` and
    ``min_similarity`` apply to the document rows only.

    Examples
    --------
    >>> bodies = pl.DataFrame({"doc_id": ["a", "b"], "body": ["Oil rose", "Oil fell"]})
    >>> groups = pl.DataFrame({"doc_id": ["a", "b"], "group": ["X", "Y"]})
    >>> table = similarity_table(document_terms(bodies), groups)
    >>> table.select("level", "a", "b").rows()[-2:]
    [('group', 'Y', 'Y'), ('document', 'a', 'b')]
    >>> table.height
    5
    """
    _check_doc_args(top_k, 1000)
    ids, x = tfidf_from_terms(terms)
    return pl.concat(
        [
            _group_pairs(ids, x, groups),
            _doc_pairs(ids, x, top_k=top_k, min_similarity=min_similarity, chunk_rows=1000),
        ]
    )


def pool_groups(group_rows: pl.DataFrame, pooled: pl.DataFrame) -> pl.DataFrame:
    """Group rows for coarser groups, derived from the finer ones without recomputing TF-IDF.

    The mean pairwise cosine is a ratio of sums over document pairs, so pooled groups need only
    each fine pair's sum: ``n_a n_b cosine`` between groups and ``n_a (n_a - 1) cosine`` within
    one. For pooled groups ``P != Q`` the figure is the sum over their fine pairs divided by
    ``N_P N_Q``; within ``P`` the sum over all its fine pairs (within and between) divided by
    ``N_P (N_P - 1)``. Equal to :func:`group_similarity` on the pooled groups (tested).

    Parameters
    ----------
    group_rows
        The ``level == "group"`` rows of :func:`similarity_table` (every ordered pair).
    pooled
        ``group`` (the fine group, as in ``group_rows``) and ``pooled`` (its coarser group),
        e.g. from :func:`analysis.compare.groups.lump`.

    Examples
    --------
    >>> rows = pl.DataFrame({"level": "group", "a": ["x", "x", "y", "y"],
    ...                      "b": ["x", "y", "x", "y"], "cosine": [0.5, 0.2, 0.2, None],
    ...                      "n_a": [2, 2, 1, 1], "n_b": [2, 1, 2, 1]})
    >>> both = pl.DataFrame({"group": ["x", "y"], "pooled": ["xy", "xy"]})
    >>> pool_groups(rows, both).select("a", "b", "cosine", "n_a").rows()  # (2*0.5 + 2*2*0.2) / 6
    [('xy', 'xy', 0.3, 3)]
    """
    to = dict(zip(pooled["group"].to_list(), pooled["pooled"].to_list(), strict=True))
    rows = group_rows.filter(pl.col("level") == "group").with_columns(
        pl.col("a").replace_strict(to, return_dtype=pl.String).alias("pa"),
        pl.col("b").replace_strict(to, return_dtype=pl.String).alias("pb"),
        pl.when(pl.col("a") == pl.col("b"))
        .then(pl.col("n_a") * (pl.col("n_a") - 1))
        .otherwise(pl.col("n_a") * pl.col("n_b"))
        .cast(pl.Float64)
        .mul(pl.col("cosine").fill_null(0.0))
        .alias("pair_sum"),
    )
    sizes = (
        rows.filter(pl.col("a") == pl.col("b"))
        .group_by("pa")
        .agg(pl.col("n_a").sum().cast(pl.Int64).alias("n"))
    )
    sums = rows.group_by("pa", "pb").agg(pl.col("pair_sum").sum())
    out = (
        sums.join(sizes, on="pa")
        .join(sizes.rename({"pa": "pb", "n": "n_b"}), on="pb")
        .rename({"n": "n_a"})
        .with_columns(
            pairs=pl.when(pl.col("pa") == pl.col("pb"))
            .then(pl.col("n_a") * (pl.col("n_a") - 1))
            .otherwise(pl.col("n_a") * pl.col("n_b"))
        )
        .with_columns(
            cosine=pl.when(pl.col("pairs") > 0).then(pl.col("pair_sum") / pl.col("pairs")),
            level=pl.lit("group"),
        )
    )
    return (
        out.rename({"pa": "a", "pb": "b"})
        .select("level", "a", "b", "cosine", "n_a", "n_b")
        .cast(SIMILARITY_SCHEMA)
        .sort("a", "b")
    )


def labelled_pairs(table: pl.DataFrame, labels: pl.DataFrame) -> pl.DataFrame:
    """The document rows of a ``similarity`` table with each side's ``source`` and ``group``.

    ``labels`` has ``doc_id``, ``source``, ``group`` (the notebook's ``groups`` table). Columns:
    ``a``, ``b``, ``cosine``, ``source_a``, ``group_a``, ``source_b``, ``group_b``; sorted by
    cosine (highest first), then ``a``, ``b``.

    >>> t = pl.DataFrame({"level": ["document"], "a": ["d1"], "b": ["d2"], "cosine": [0.4],
    ...                   "n_a": [1], "n_b": [1]})
    >>> lab = pl.DataFrame({"doc_id": ["d1", "d2"], "source": ["x.txt", "y.txt"],
    ...                     "group": ["X", "Y"]})
    >>> labelled_pairs(t, lab).select("source_a", "group_b", "cosine").rows()
    [('x.txt', 'Y', 0.4)]
    """
    side = labels.select("doc_id", "source", "group")
    return (
        table.filter(pl.col("level") == "document")
        .select("a", "b", "cosine")
        .join(side.rename({"doc_id": "a", "source": "source_a", "group": "group_a"}), on="a")
        .join(side.rename({"doc_id": "b", "source": "source_b", "group": "group_b"}), on="b")
        .sort(["cosine", "a", "b"], descending=[True, False, False])
    )


def neighbours(
    n_docs: int, similar_docs: int, all_pairs_up_to: int = ALL_PAIRS_UP_TO
) -> int | None:
    """The ``top_k`` of :func:`similarity_table` for a corpus of ``n_docs`` documents.

    Every document pair (``None``) up to ``all_pairs_up_to`` documents: a small corpus is read
    pair by pair. Beyond, each document's ``similar_docs`` nearest neighbours, so the table grows
    with the corpus rather than with its square.

    >>> neighbours(40, 10), neighbours(41, 10), neighbours(41, 10, all_pairs_up_to=100)
    (None, 10, None)
    """
    return None if n_docs <= all_pairs_up_to else similar_docs


def grouped_rows(table: pl.DataFrame, grouping: Grouping) -> pl.DataFrame:
    """The ``group`` rows of a ``similarity`` table as the charts draw them.

    When the charts pool groups (:attr:`analysis.compare.groups.Grouping.pooled`), the pooled
    rows are derived from the finer ones by :func:`pool_groups` (no TF-IDF again).
    """
    rows = table.filter(pl.col("level") == "group")
    if not grouping.pooled:
        return rows
    pooled = grouping.table.select("group", grouping.shown["group"].alias("pooled")).unique()
    return pool_groups(rows, pooled)
