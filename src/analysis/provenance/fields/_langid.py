"""py3langid's language identifier with its byte walk compiled.

``py3langid==0.4.0`` scores a text by walking its UTF-8 bytes through a finite automaton in a
Python loop (``py3langid.langid.visit_counts``: about 2 ms per 2,000-character body) and then
multiplying the counts of the features visited by its model. :func:`identifier` is py3langid's
own identifier (its model, its encoding, its scoring and decision) whose ``_raw_score`` walks the
bytes in a numba kernel instead: the same features in the same order (first visit first, as
``collections.Counter`` keeps them), so the scores are the same floats and the classification
the same (``tests/provenance/test_fields.py`` compares both on AllSides and on generated text).

py3langid ships its model LZMA-compressed (4.6 MB, 68 MB unpacked): unpacking it took 0.3 s of
every process that identifies a language, and reading the unpacked arrays and widening them
another 0.15 s. The unpacked arrays are kept in the analysis cache, one ``.npy`` file each
(``py3langid/<version>/``, the version a digest of py3langid's and of the model file), and mapped
into memory from there (:func:`_arrays`): a process reads only the pages of the features its
texts visit, and the processes of a run share one copy.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import lzma
import os
import shutil
import threading
import uuid
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from analysis.core.cache import cache_root, digest

__all__ = ["CACHE_STEP", "cache_version", "identifier", "visit_counts"]

#: The analysis cache's folder of the unpacked model.
CACHE_STEP = "py3langid"

#: The py3langid release whose ``_raw_score`` this module mirrors.
PY3LANGID_VERSION = "0.4.0"


#: Per thread: feature -> its slot in the current walk (-1 between walks), so a walk does not
#: allocate and fill an array of every feature.
_SCRATCH = threading.local()


@cache
def _kernel() -> Callable[..., Any]:
    import numba

    @numba.njit(cache=True, nogil=True)
    def walk(nextmove, rowbase, output, data, first):
        keys = np.empty(data.shape[0], dtype=np.int64)
        counts = np.zeros(data.shape[0], dtype=np.int64)
        n = 0
        state = 0
        for letter in data:
            state = np.int64(nextmove[rowbase[state] + letter])
            feature = output[state]
            if feature >= 0:
                slot = first[feature]
                if slot < 0:
                    slot = first[feature] = n
                    keys[n] = feature
                    n += 1
                counts[slot] += 1
        for k in range(n):
            first[keys[k]] = -1  # as it was: -1 everywhere, for the next text
        return keys[:n], counts[:n]

    return walk


def visit_counts(ident: Any, data: bytes) -> dict[int, int] | None:
    """``py3langid.langid.visit_counts`` of ``ident``'s automaton over ``data``, compiled: the
    features visited and how often, in order of first visit; None if none."""
    tables = ident._analysis_tables
    first = getattr(_SCRATCH, "first", None)
    if first is None or len(first) != tables[3]:
        first = _SCRATCH.first = np.full(tables[3], -1, dtype=np.int64)
    keys, counts = _kernel()(*tables[:3], np.frombuffer(data, dtype=np.uint8), first)
    return dict(zip(keys.tolist(), counts.tolist(), strict=True)) if len(keys) else None


@cache
def identifier() -> Any:
    """py3langid's default identifier (raw scores, ``norm_probs=False``), walking bytes in numba.

    >>> identifier().classify("Kazakhstan held a referendum on the new constitution.")[0]
    'en'
    """
    import py3langid
    from py3langid.langid import MODEL_DIR, MODEL_FILE, RAW_FLOOR, LanguageIdentifier

    if py3langid.__version__ != PY3LANGID_VERSION:
        raise RuntimeError(
            f"analysis.provenance.fields._langid mirrors py3langid {PY3LANGID_VERSION}, "
            f"found {py3langid.__version__}"
        )

    class Compiled(LanguageIdentifier):
        __slots__ = ("_analysis_tables",)

        def _raw_score(self, text: bytes) -> np.ndarray:
            """py3langid 0.4.0's ``_raw_score`` with the compiled walk."""
            visits = visit_counts(self, text)
            if visits:
                return self._sparse_score(visits, self.nb_ptc)
            fill = 0.0 if self._norm_probs else RAW_FLOOR
            return np.full(len(self.nb_classes), fill, dtype=np.float32)

    ptc, pc, classes, nextmove, row, output = _arrays(MODEL_DIR / MODEL_FILE)
    ident = Compiled(np.asarray(ptc), np.asarray(pc), classes, nextmove, output, False, tk_row=row)
    ident._analysis_tables = (
        np.asarray(ident.tk_nextmove),  # unsigned, as stored: the walk widens each step
        np.asarray(ident._rowbase, dtype=np.int64),
        np.asarray(ident.tk_output, dtype=np.int64),
        int(ident.nb_ptc.shape[0]),
    )
    return ident


@cache
def cache_version() -> str:
    """The version the unpacked model is cached under: py3langid's, the model file's and the
    layout of the unpacked files (:data:`_ARRAYS`)."""
    from py3langid.langid import MODEL_DIR, MODEL_FILE

    model = hashlib.sha256((MODEL_DIR / MODEL_FILE).read_bytes()).hexdigest()
    return digest(CACHE_STEP, PY3LANGID_VERSION, model, _ARRAYS)[:16]


#: The arrays of py3langid's model file, each kept in the cache as ``<name>.npy``.
_ARRAYS = ("ptc", "pc", "classes", "nextmove", "nextmove_row", "out_feat")


def _unpacked(model: Path) -> Path | None:
    """The cache folder of the unpacked ``model``'s arrays (unpacked and stored first if need
    be: written to a temporary folder, then renamed), or ``None`` without a cache or when it
    cannot be written."""
    root = cache_root()
    if root is None:
        return None
    folder = root / CACHE_STEP / cache_version()
    if all((folder / f"{name}.npy").is_file() for name in _ARRAYS):
        return folder
    tmp = folder.parent / f".tmp-{uuid.uuid4().hex}"
    try:
        tmp.mkdir(parents=True)
        with lzma.open(model) as source, np.load(io.BytesIO(source.read())) as arrays:
            for name in _ARRAYS:
                np.save(tmp / f"{name}.npy", arrays[name], allow_pickle=False)
        with contextlib.suppress(OSError):  # not empty: another process stored it first
            os.replace(tmp, folder)
    except OSError:  # a full or read-only cache: unpacked in memory instead
        return None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return folder


def _arrays(model: Path) -> tuple[Any, ...]:
    """What ``py3langid.modelio.load_model(model)`` returns, the large arrays mapped from the
    cache when it holds them (the transition table as a NumPy array: the same numbers); a
    damaged copy is removed, and unpacked again next time."""
    from py3langid import modelio

    folder = _unpacked(model)
    if folder is not None:
        try:
            read = {
                name: np.load(folder / f"{name}.npy", mmap_mode="r", allow_pickle=False)
                for name in _ARRAYS
            }
            return (  # modelio.load_model's steps after unpacking (py3langid 0.4.0)
                read["ptc"],
                np.array(read["pc"]),
                read["classes"].tolist(),
                read["nextmove"],
                modelio._to_array(read["nextmove_row"]),
                read["out_feat"].tolist(),
            )
        except (OSError, ValueError):
            shutil.rmtree(folder, ignore_errors=True)
    return tuple(modelio.load_model(model))
