"""Where per-document work runs: in this process, on a local Dask cluster, or on a remote one.

A stage's missing documents are cut into batches (:func:`batches`) and each batch is one task:
``function(part, **context)``, the stage's module-level function (workers import it by name,
``"module:function"``) given the batch's rows and only the context those rows need (never the
whole corpus). :meth:`Workers.run` returns
each batch's result as it finishes; callers put rows back in document order, so the result is
the same whatever the number of workers or the order they finish in.

``Workers(1)`` runs everything here. ``Workers(n)`` starts a :class:`distributed.LocalCluster`
of ``n`` single-threaded worker processes the first time there is enough work for it (at least
:data:`MIN_CLUSTER_DOCS` documents in one stage: a handful of documents is faster here than a
cluster is to start or to ship them to, so such a stage runs here even once a cluster is up or
starting, as when 10 articles are added to a built corpus), and
``Workers(scheduler="tcp://host:8786")`` sends the batches to a running Dask cluster. Each
task reports the stage version its worker computed with; a worker whose code, data files or
packages differ from this process's is refused with :class:`WorkerMismatch` instead of filling
the cache with rows of another version.
"""

from __future__ import annotations

import importlib
import math
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from analysis.core.errors import AnalysisError

__all__ = [
    "MIN_CLUSTER_DOCS",
    "Progress",
    "WorkerMismatch",
    "Workers",
    "batches",
    "default_workers",
    "mismatch",
    "resolve",
]

#: Fewer documents than this in one stage are computed in this process even with workers.
MIN_CLUSTER_DOCS = 200
#: A batch holds at most this many documents ...
BATCH_DOCS = 500
#: ... and at most about this many characters of text.
BATCH_CHARS = 4_000_000


class WorkerMismatch(AnalysisError, RuntimeError):
    """A worker computes a stage with other code, data or packages than this process."""


def mismatch(stage: str, got: str, expected: str) -> WorkerMismatch:
    """The error for a worker that derives version ``got`` of ``stage`` where this process
    derives ``expected``."""
    return WorkerMismatch(
        f"a Dask worker computes stage {stage!r} as version {got}, this process as "
        f"{expected}: the workers run other code, data files or packages; start them "
        "from the same environment and project"
    )


def default_workers() -> int:
    """The cores this process may use (``os.sched_getaffinity``), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def batches(sizes: Sequence[int], parallel: int = 1) -> list[list[int]]:
    """Positions ``0 .. len(sizes)-1`` cut into consecutive batches.

    A batch holds at most :data:`BATCH_DOCS` documents and, beyond its first document, at most
    :data:`BATCH_CHARS` characters (``sizes``). With ``parallel`` workers the batches shrink as
    the documents left do (guided self-scheduling: a batch holds the documents left over twice
    the workers, at least :data:`MIN_BATCH_DOCS`): large batches first, which cost least per
    document, and small ones last, so the workers finish together (a worker waits at most for a
    small batch of another's). 2,000 articles on two workers: 15 batches, from 500 to 8.

    >>> batches([10] * 7)
    [[0, 1, 2, 3, 4, 5, 6]]
    >>> [len(b) for b in batches([10] * 1000, parallel=2)]
    [250, 188, 141, 106, 79, 59, 45, 33, 25, 25, 25, 24]
    >>> batches([3_000_000, 3_000_000, 5])
    [[0], [1, 2]]
    """
    n = len(sizes)
    if n == 0:
        return []
    out: list[list[int]] = []
    current: list[int] = []
    chars = 0
    per = _batch_docs(n, parallel)
    for i, size in enumerate(sizes):
        if current and (len(current) >= per or chars + size > BATCH_CHARS):
            out.append(current)
            current, chars = [], 0
            per = _batch_docs(n - i, parallel)
        current.append(i)
        chars += size
    out.append(current)
    return out


#: Tasks sent to a cluster at once, per worker thread: one running, one waiting to start as soon
#: as it finishes, and a spare for the one in transit (:meth:`Workers._stream`).
IN_FLIGHT = 3

#: The fewest documents of a batch on a cluster, but for the last (:func:`batches`).
MIN_BATCH_DOCS = 25


def _batch_docs(left: int, parallel: int) -> int:
    if parallel <= 1:
        return BATCH_DOCS
    return min(BATCH_DOCS, max(MIN_BATCH_DOCS, math.ceil(left / (2 * parallel))))


@dataclass
class Progress:
    """Documents done of total for one stage, drawn on ``stderr`` (a tqdm bar) when asked."""

    stage: str
    total: int
    cached: int
    show: bool = False
    _bar: Any = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.show and self.total > self.cached:
            from tqdm import tqdm

            self._bar = tqdm(
                total=self.total,
                initial=self.cached,
                desc=f"{self.stage} ({self.cached} cached)",
                unit="doc",
                file=sys.stderr,
                leave=True,
                dynamic_ncols=True,
            )

    def advance(self, n: int) -> None:
        if self._bar is not None:
            self._bar.update(n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def resolve(ref: str) -> Callable[..., Any]:
    """The function ``"module:function"`` names (imported here)."""
    module, _, name = ref.partition(":")
    found: Callable[..., Any] = getattr(importlib.import_module(module), name)
    return found


def _run_task(
    ref: str,
    modules: tuple[str, ...],
    data: tuple[str, ...],
    part: pl.DataFrame,
    context: dict[str, Any],
) -> tuple[str, pl.DataFrame]:
    """What a worker runs: the version of the stage it computes with, and the rows."""
    from analysis.core.versions import stage_version

    return stage_version(modules, data), resolve(ref)(part, **context)


def _run_plain(ref: str, task: dict[str, Any]) -> Any:
    return resolve(ref)(**task)


def _warm(tasks: list[tuple[str, pl.DataFrame, dict[str, Any]]]) -> None:
    for ref, part, context in tasks:
        resolve(ref)(part, **context)


class Workers:
    """Runs batches of a stage here or on Dask; see the module docstring.

    Parameters
    ----------
    workers
        Worker processes of a local cluster (``None``: :func:`default_workers`); 1 runs here.
    scheduler
        Address of a running Dask scheduler (``tcp://host:8786``); ``workers`` is then ignored.
    min_cluster_docs
        A stage with fewer documents to compute runs here whatever ``workers`` says, even with
        a cluster up (never with a ``scheduler``: then every stage goes there).
    warm
        ``("module:function", part, context)`` tasks every worker runs first, when a cluster
        starts: a small sample, so that each worker imports the stages' libraries and loads
        their data (dictionaries, compiled code) before its first batch instead of in it.
    """

    def __init__(
        self,
        workers: int | None = 1,
        scheduler: str | None = None,
        *,
        min_cluster_docs: int = MIN_CLUSTER_DOCS,
        warm: Sequence[tuple[str, pl.DataFrame, dict[str, Any]]] = (),
    ) -> None:
        self.workers = default_workers() if workers is None else max(1, int(workers))
        self.scheduler = scheduler
        self.min_cluster_docs = min_cluster_docs
        self.warm = list(warm)
        self._client: Any = None
        self._cluster: Any = None
        self._warming: list[Any] = []
        self._lock = threading.Lock()
        self._starting: threading.Thread | None = None
        self._start_error: BaseException | None = None
        #: seconds spent starting or connecting to a cluster
        self.startup_s = 0.0
        #: worker threads of the cluster batches went to (1: none was started)
        self.used = 1

    @property
    def started(self) -> bool:
        """Whether batches go to a cluster (started here, or connected to)."""
        return self._client is not None

    @property
    def parallel(self) -> int:
        """Tasks that run at once (1 here)."""
        if self.scheduler is None and self.workers == 1:
            return 1
        if self._client is not None:
            return max(1, sum(self._client.nthreads().values()))
        return self.workers

    def _wants_cluster(self, n_docs: int) -> bool:
        """Whether ``n_docs`` documents to compute are worth a cluster (always, with a
        scheduler)."""
        return self.scheduler is not None or self.starts_local(n_docs)

    def starts_local(self, n_docs: int) -> bool:
        """Whether ``n_docs`` documents to compute start a local cluster, whose workers then
        keep this machine's cores busy."""
        return self.scheduler is None and self.workers > 1 and n_docs >= self.min_cluster_docs

    def start_early(self, n_docs: int) -> None:
        """Start the cluster in the background now, if a stage of ``n_docs`` documents would
        start one, so that it starts and its workers warm up while this process reads the
        corpus; the first batch waits for it."""
        if self._client is not None or self._starting is not None:
            return
        if not self._wants_cluster(n_docs):
            return

        def start() -> None:
            try:
                self._cluster_for(n_docs)
            except BaseException as exc:  # re-raised by the first stage that needs the cluster
                self._start_error = exc

        self._starting = threading.Thread(target=start, name="dask-start", daemon=True)
        self._starting.start()

    def _cluster_for(self, n_docs: int) -> Any:
        """The client batches go to: once a cluster is there, every stage uses it; it is
        started for a stage with enough documents to compute."""
        starting = self._starting
        if starting is not None and starting is not threading.current_thread():
            starting.join()
            self._starting = None
            if self._start_error is not None:
                error, self._start_error = self._start_error, None
                raise error
        with self._lock:
            return self._start(n_docs)

    def _start(self, n_docs: int) -> Any:
        if self._client is not None:
            return self._client
        if not self._wants_cluster(n_docs):
            return None
        import logging

        from distributed import Client, LocalCluster

        t0 = time.perf_counter()
        # distributed's own logging would write its banners into every notebook
        logging.getLogger("distributed").setLevel(logging.ERROR)
        if self.scheduler is not None:
            self._client = Client(self.scheduler, set_as_default=False)
        else:
            self._cluster = LocalCluster(
                n_workers=self.workers,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=":0",  # any free port: two clusters at once never clash
                silence_logs=logging.CRITICAL,  # not the workers' heartbeats at close
            )
            self._client = Client(self._cluster, set_as_default=False)
        self.startup_s += time.perf_counter() - t0
        self.used = max(1, sum(self._client.nthreads().values()))
        self._warming = [  # kept referenced until closed, or Dask would drop them
            self._client.submit(_warm, list(self.warm), workers=[w], pure=False)
            for w in sorted(self._client.scheduler_info()["workers"])
        ]
        return self._client

    def run(
        self,
        stage: str,
        ref: str,
        version: tuple[str, tuple[str, ...], tuple[str, ...]],
        parts: Iterable[tuple[pl.DataFrame, dict[str, Any]]],
        n_docs: int | None = None,
    ) -> Iterator[tuple[int, pl.DataFrame]]:
        """``(i, function(part, **context))`` for each ``(part, context)`` of ``parts``, as each
        finishes; ``ref`` is ``"module:function"``.

        ``version`` is the stage's version here and the modules and data patterns it derives
        from (:func:`analysis.core.versions.stage_version`); raises :class:`WorkerMismatch`
        when a worker derives another. ``parts`` may be a generator, read as tasks are sent
        (:meth:`_stream`); then ``n_docs`` says how many documents it holds.
        """
        if n_docs is None:
            parts = list(parts)
            n_docs = sum(p.height for p, _ in parts)
        # a handful of documents: here, without waiting for a cluster still starting
        client = self._cluster_for(n_docs) if self._wants_cluster(n_docs) else None
        if client is None:
            function = resolve(ref)
            for i, (part, context) in enumerate(parts):
                yield i, function(part, **context)
            return
        expected, modules, data = version

        def submit(item: tuple[pl.DataFrame, dict[str, Any]]) -> Any:
            part, context = item
            return client.submit(_run_task, ref, modules, data, part, context, pure=False)

        for i, (got, rows) in self._stream(client, submit, parts):
            if got != expected:
                raise mismatch(stage, got, expected)
            yield i, rows

    def _stream(
        self, client: Any, submit: Callable[[Any], Any], items: Iterable[Any]
    ) -> Iterator[tuple[int, Any]]:
        """``(i, result)`` of ``submit(items[i])`` as each finishes, with at most
        :data:`IN_FLIGHT` tasks per worker thread on the cluster at once. A task's input (a
        batch's texts) is made when it is sent and its future dropped when its result is read,
        so neither this process, the scheduler nor a worker holds more than a few batches of a
        large corpus. Tasks still running are cancelled when the caller stops early (an
        error)."""
        from distributed import as_completed

        window = IN_FLIGHT * max(1, self.parallel)
        waiting = enumerate(items)
        index: dict[Any, int] = {}
        finished = as_completed(loop=client.loop)

        def top_up() -> None:
            while len(index) < window:
                nxt = next(waiting, None)
                if nxt is None:
                    return
                future = submit(nxt[1])
                index[future] = nxt[0]
                finished.add(future)

        try:
            top_up()
            for future in finished:
                i = index.pop(future)
                result = future.result()
                del future
                top_up()
                yield i, result
        finally:
            for future in index:
                future.cancel()

    def on_cluster(self, n_docs: int) -> bool:
        """Whether ``n_docs`` documents to compute go to a cluster, started (or connected to)
        here if need be: then :meth:`each` runs tasks there."""
        return self._wants_cluster(n_docs) and self._cluster_for(n_docs) is not None

    def each(self, ref: str, tasks: Iterable[dict[str, Any]]) -> Iterator[tuple[int, Any]]:
        """``(i, function(**tasks[i]))`` for every task, computed on the cluster
        (:meth:`on_cluster`), as each finishes; ``ref`` is ``"module:function"``. ``tasks`` may
        be a generator, read as tasks are sent (:meth:`_stream`)."""
        client = self._client
        if client is None:
            raise RuntimeError("no cluster to send tasks to: ask on_cluster first")
        submit = lambda task: client.submit(_run_plain, ref, task, pure=False)  # noqa: E731
        yield from self._stream(client, submit, tasks)

    def close(self) -> None:
        """Close the client and the local cluster, if any were started."""
        if self._starting is not None:
            self._starting.join()
            self._starting = None
        self._warming = []
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
