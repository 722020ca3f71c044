"""Workers: batches, in-process runs, a local cluster and a scheduler started on its own."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest

from analysis.core import workers as W
from analysis.registry import STAGES

_READABILITY = STAGES["readability"]


def _parts(n: int) -> list[tuple[pl.DataFrame, dict]]:
    body = "The minister said the talks in Astana went well. Both sides want more trade. " * 3
    return [
        (pl.DataFrame({"doc_id": [f"d{i}"], "body": [body * (i + 1)]}), {"min_words": 0})
        for i in range(n)
    ]


def _versioned(version: str | None = None) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    return (version or _READABILITY.version, _READABILITY.code, _READABILITY.data)


def test_batches_keep_order_and_limits(monkeypatch):
    monkeypatch.setattr(W, "BATCH_DOCS", 3)
    monkeypatch.setattr(W, "BATCH_CHARS", 100)
    cut = W.batches([10, 10, 10, 10, 95, 10, 200, 1])
    assert cut == [[0, 1, 2], [3], [4], [5], [6], [7]]
    assert [i for b in cut for i in b] == list(range(8))
    assert W.batches([]) == []


def test_in_process_runs_each_part_in_order():
    with W.Workers(1) as workers:
        got = list(workers.run("readability", _READABILITY.compute, _versioned(), _parts(3)))
        assert workers.used == 1 and workers.startup_s == 0.0
    assert [i for i, _ in got] == [0, 1, 2]
    assert [rows["doc_id"].to_list() for _, rows in got] == [["d0"], ["d1"], ["d2"]]


def test_a_handful_of_documents_runs_here_even_while_a_cluster_starts(monkeypatch):
    """10 articles added to a built corpus: no stage waits for the cluster or ships to it."""
    with W.Workers(2, min_cluster_docs=5) as workers:
        workers.start_early(1000)  # a large corpus: the cluster starts in the background

        def no_cluster(n_docs: int) -> None:
            raise AssertionError(f"{n_docs} documents asked for the cluster")

        monkeypatch.setattr(workers, "_cluster_for", no_cluster)
        got = list(workers.run("readability", _READABILITY.compute, _versioned(), _parts(3)))
        monkeypatch.undo()
    assert [rows["doc_id"].to_list() for _, rows in got] == [["d0"], ["d1"], ["d2"]]


def test_a_worker_of_another_version_is_refused():
    mismatch = pytest.raises(W.WorkerMismatch, match="other code, data files or packages")
    with W.Workers(2, min_cluster_docs=1) as workers, mismatch:
        list(workers.run("readability", _READABILITY.compute, _versioned("0" * 16), _parts(2)))


def _batch_tasks(dask_scheduler) -> int:
    """Tasks of batches (not the warm-up's, kept until the cluster closes) on the scheduler."""
    return sum(str(key).startswith("_run_task") for key in dask_scheduler.tasks)


def test_a_cluster_is_sent_a_few_batches_at_a_time_and_forgets_each_when_read():
    """Batches are made as they are sent (a generator), at most IN_FLIGHT per worker ahead of
    the results read, and no finished task is left on the scheduler (with its batch's texts)."""
    made = 0

    def parts():
        nonlocal made
        for part in _parts(20):
            made += 1
            yield part

    with W.Workers(2, min_cluster_docs=1) as workers:
        got, ahead = [], []
        for i, rows in workers.run("readability", _READABILITY.compute, _versioned(), parts(), 20):
            ahead.append(made - len(got))
            got.append((i, rows["doc_id"].to_list()))
        window = W.IN_FLIGHT * workers.parallel  # sent and not finished; + the one being read
        assert workers.parallel == 2 and max(ahead) == window + 1 and made == 20
        assert sorted(got) == [(i, [f"d{i}"]) for i in range(20)]
        client = workers._client
        assert client is not None
        deadline = time.monotonic() + 10
        while left := client.run_on_scheduler(_batch_tasks):
            assert time.monotonic() < deadline, f"{left} tasks still held by the scheduler"
            time.sleep(0.05)


def _start(command: list[str], log: Path, stack: contextlib.ExitStack) -> subprocess.Popen:
    out = stack.enter_context(log.open("w"))
    return subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


@pytest.mark.slow
def test_a_scheduler_and_workers_started_as_separate_processes(tmp_path):
    """``dask scheduler`` and ``dask worker`` on loopback, as on several machines; the rows
    equal those computed here."""
    dask = [sys.executable, "-m", "distributed.cli.dask_scheduler"]
    address_file = tmp_path / "scheduler.json"
    logs = contextlib.ExitStack()
    scheduler = _start(
        [*dask, "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
         "--scheduler-file", str(address_file)],
        tmp_path / "scheduler.log",
        logs,
    )  # fmt: skip
    worker = None
    try:
        deadline = time.monotonic() + 60
        while not address_file.is_file() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert address_file.is_file(), (tmp_path / "scheduler.log").read_text()
        worker = _start(
            [sys.executable, "-m", "distributed.cli.dask_worker", "--scheduler-file",
             str(address_file), "--nworkers", "1", "--nthreads", "1", "--no-dashboard"],
            tmp_path / "worker.log",
            logs,
        )  # fmt: skip
        address = json.loads(address_file.read_text())["address"]
        assert address.startswith("tcp://127.0.0.1:")
        with W.Workers(scheduler=address) as remote:
            from distributed import Client

            with Client(address, set_as_default=False) as probe:
                probe.wait_for_workers(1, timeout=60)
            got = dict(remote.run("readability", _READABILITY.compute, _versioned(), _parts(4)))
            assert remote.used == 1
        with W.Workers(1) as here:
            expected = dict(here.run("readability", _READABILITY.compute, _versioned(), _parts(4)))
        assert sorted(got) == [0, 1, 2, 3]
        for i in expected:
            assert got[i].equals(expected[i])
    finally:
        for process in (worker, scheduler):
            if process is not None:
                process.terminate()
                process.wait(timeout=30)
        logs.close()


def test_batches_for_workers_shrink_as_the_documents_left_do():
    cut = W.batches([10] * 2000, parallel=2)
    sizes = [len(b) for b in cut]
    assert sizes[:4] == [500, 375, 282, 211] and sizes[-4:] == [25, 25, 25, 8]
    assert sizes == sorted(sizes, reverse=True) and sum(sizes) == 2000
    assert [i for b in cut for i in b] == list(range(2000))
    assert [len(b) for b in W.batches([10] * 60, parallel=4)] == [25, 25, 10]
