"""Execute the numbered notebooks with papermill into a versioned run folder.

A run is written to ``outputs/.tmp-<run-id>/`` and renamed into place when it ends:

- success: ``outputs/<run-id>/``, then ``outputs/LATEST`` is replaced to name it;
- a notebook fails: ``outputs/<run-id>.failed/`` with the executed notebook showing the error,
  ``manifest.json`` with ``"status": "failed"``; ``LATEST`` is not touched;
- interrupted (Ctrl-C): ``outputs/<run-id>.interrupted/``, likewise.

Earlier runs are never written to. Run ids are UTC timestamps (``20261123T052307.123456Z``) so
they sort by time, with the label of a grid set appended.

A run that cannot write its folder (disk full, read-only ``outputs/``) raises
:class:`OutputError` after removing its temporary folder, so nothing half-written is left and
earlier runs and ``LATEST`` stay as they were. A run holds an exclusive lock on
``.tmp-<run-id>/.lock`` (which also records its pid) while it runs; the temporary folders of
runs that were killed (``kill -9``, a power cut) hold no lock, and the next run, or
``python -m analysis runs clean``, removes them (:func:`clean_stale`), never the folder of a run
still in progress.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import json
import os
import re
import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any, cast

from analysis.core import memory, paths
from analysis.core.errors import CorpusError, EmptyCorpusError, OutputError
from analysis.core.workers import default_workers
from analysis.corpus.intake import check_corpus, has_ok_document
from analysis.corpus.records import DEFAULT_MAX_BYTES
from analysis.run import manifest as mf
from analysis.run.fingerprint import fingerprint, reusable_run
from analysis.run.kernel import notebook_process
from analysis.run.manifest import find_run, latest_run
from analysis.run.params import (
    SCHEMA,
    ParameterSet,
    check_values,
    declared_parameters,
    default_values,
    notebook_paths,
)

__all__ = [
    "CorpusError",
    "EmptyCorpusError",
    "OutputError",
    "RunEntry",
    "RunResult",
    "clean_runs",
    "clean_stale",
    "execute",
    "execute_many",
    "find_run",
    "ipc_kernel_manager",
    "latest_run",
    "list_runs",
    "new_run_id",
    "refuse_empty",
]

KERNEL_NAME = "python3"
LATEST = mf.LATEST
DEFAULT_CELL_TIMEOUT = 1800
#: Lock file inside a run's temporary folder; holds the owner's pid. Not an output.
LOCK = mf.LOCK
#: A temporary folder without a lock file is left alone this many seconds (it may be starting).
STARTING_GRACE_S = 60


def refuse_empty(corpus: str | os.PathLike[str], max_bytes: int = DEFAULT_MAX_BYTES) -> None:
    """Raise :class:`EmptyCorpusError` unless the corpus keeps at least one ``ok`` document."""
    if not has_ok_document(corpus, max_bytes=max_bytes):
        raise EmptyCorpusError(
            f"no document to analyse in {paths.display_path(corpus)}: every input is rejected or "
            f"a duplicate (max_bytes={max_bytes}); run notebook 00 on it, or list it with "
            "analysis.corpus.intake.read_corpus, to see each input's reason"
        )


Log = Callable[[str], None]


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass
class RunResult:
    """Where a run ended up and how."""

    run_id: str
    run_dir: Path
    status: str
    error: str | None = None
    notebooks: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == "succeeded"


def new_run_id(label: str | None = None, now: dt.datetime | None = None) -> str:
    """A run id that sorts by time: UTC timestamp with microseconds, then the label if any.

    >>> new_run_id("allsides 10k", dt.datetime(2026, 11, 23, 5, 23, 7, 12, tzinfo=dt.UTC))
    '20261123T052307.000012Z-allsides-10k'
    """
    stamp = (now or dt.datetime.now(dt.UTC)).strftime("%Y%m%dT%H%M%S.%fZ")
    if label:
        safe = re.sub(r"[^A-Za-z0-9._-]+", "-", label).strip("-.")
        if safe:
            return f"{stamp}-{safe}"
    return stamp


def _write_latest(outputs_dir: Path, run_id: str) -> None:
    tmp = outputs_dir / f".{LATEST}.{os.getpid()}.tmp"
    try:
        tmp.write_text(run_id + "\n", encoding="utf-8")
        os.replace(tmp, outputs_dir / LATEST)
    finally:
        tmp.unlink(missing_ok=True)


def _lock(tmp_dir: Path) -> int:
    """Create and hold the run's lock file; the lock ends with the process, however it ends.

    The file is locked and its pid written under a temporary name, then renamed into place, so a
    ``runs clean`` that finds the lock file always finds it held (no window between creating and
    locking it in which the folder would look stale).
    """
    tmp = tmp_dir / f"{LOCK}.{os.getpid()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o644)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    os.write(fd, f"{os.getpid()}\n".encode())
    os.replace(tmp, tmp_dir / LOCK)
    return fd


def _owner(tmp_dir: Path) -> str:
    try:
        return (tmp_dir / LOCK).read_text(encoding="utf-8").strip() or "?"
    except OSError:
        return "?"


def _is_stale(tmp_dir: Path, now: float) -> bool:
    """A temporary run folder nobody holds: its lock is free, or it has none and is not new."""
    try:
        fd = os.open(tmp_dir / LOCK, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        try:
            return now - tmp_dir.lstat().st_mtime > STARTING_GRACE_S
        except FileNotFoundError:
            return False
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False  # a run in progress holds it
    finally:
        os.close(fd)  # closing drops the probe's own lock
    return True


def clean_stale(outputs_dir: Path = paths.OUTPUTS, log: Log = _stderr) -> list[str]:
    """Remove the temporary folders of killed runs (and stray ``LATEST`` temp files).

    A folder whose lock a live run holds is never touched. Returns the names removed.
    """
    removed: list[str] = []
    if not outputs_dir.is_dir():
        return removed
    now = time.time()
    for entry in sorted(outputs_dir.iterdir()):
        if entry.name.startswith(".tmp-") and entry.is_dir() and not entry.is_symlink():
            if _is_stale(entry, now):
                owner = _owner(entry)
                shutil.rmtree(entry, ignore_errors=True)
                if not entry.exists():
                    removed.append(entry.name)
                    log(f"removed {entry.name}: left by a killed run (pid {owner})")
        elif entry.name.startswith(f".{LATEST}.") and entry.name.endswith(".tmp"):
            pid = entry.name[len(LATEST) + 2 : -len(".tmp")]
            if pid.isdigit() and not _pid_alive(int(pid)):
                entry.unlink(missing_ok=True)
                removed.append(entry.name)
    return removed


@dataclass(frozen=True)
class RunEntry:
    """One folder of ``outputs/`` as ``runs list`` shows it."""

    name: str
    status: str
    corpus: str = ""
    #: parameters whose value differs from the defaults, as ``name=value``
    changed: tuple[str, ...] = ()
    documents: str = ""
    bytes: int = 0
    #: ``runs clean`` removes it: a failed, interrupted or killed run
    removable: bool = False


def _folder_bytes(folder: Path) -> int:
    total = 0
    for path in folder.rglob("*"):
        with contextlib.suppress(OSError):
            if path.is_file() and not path.is_symlink():
                total += path.stat().st_size
    return total


def list_runs(
    outputs_dir: Path = paths.OUTPUTS, defaults: Mapping[str, Any] | None = None
) -> list[RunEntry]:
    """Every run folder, oldest first: status (``LATEST`` marked), corpus, the parameters that
    differ from ``defaults`` (``params.yaml``), documents by status and size on disk.

    Temporary folders of runs in progress or killed are listed as ``running`` or ``stale``;
    failed, interrupted and stale ones are :attr:`RunEntry.removable` (``runs clean``).
    """
    if not outputs_dir.is_dir():
        return []
    latest = latest_run(outputs_dir)
    now = time.time()
    rows = []
    for entry in sorted(outputs_dir.iterdir()):
        if not entry.is_dir() or entry.is_symlink():
            continue
        size = _folder_bytes(entry)
        if entry.name.startswith(".tmp-"):
            stale = _is_stale(entry, now)
            state = "stale (left by a killed run)" if stale else "running"
            rows.append(RunEntry(entry.name, state, bytes=size, removable=stale))
            continue
        if entry.name.startswith("."):
            continue
        try:
            m = mf.read_manifest(entry)
        except (OSError, ValueError):
            rows.append(RunEntry(entry.name, "no readable manifest", bytes=size))
            continue
        status = str(m.get("status", "?"))
        shown = status + (" (LATEST)" if latest == entry else "")
        counts = (m.get("inputs") or {}).get("documents_by_status") or {}
        given = m.get("parameters") or {}
        changed = tuple(
            f"{k}={json.dumps(v, ensure_ascii=False)}"
            for k, v in sorted(given.items())
            if k != "corpus" and defaults is not None and k in defaults and defaults[k] != v
        )
        rows.append(
            RunEntry(
                entry.name,
                shown,
                corpus=str(given.get("corpus") or ""),
                changed=changed,
                documents=", ".join(f"{v:,} {k}" for k, v in sorted(counts.items())),
                bytes=size,
                removable=status in ("failed", "interrupted"),
            )
        )
    return rows


def clean_runs(
    outputs_dir: Path = paths.OUTPUTS,
    log: Log = _stderr,
    entries: Sequence[RunEntry] | None = None,
) -> list[str]:
    """Remove failed and interrupted runs and the temporary folders of killed runs (never a
    successful run, ``LATEST`` or a run in progress): those of ``entries`` (what
    :func:`list_runs` showed and the user confirmed; default: list them now). Returns the names
    removed."""
    removed: list[str] = []
    for entry in entries if entries is not None else list_runs(outputs_dir):
        if entry.removable:
            shutil.rmtree(outputs_dir / entry.name, ignore_errors=True)
            if not (outputs_dir / entry.name).exists():
                removed.append(entry.name)
                log(f"removed {entry.name}: {entry.status}")
    return removed


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def use_this_environment_kernel() -> None:
    """Make kernel ``python3`` resolve to this interpreter's ipykernel, not a user-level one."""
    here = str(Path(sys.prefix) / "share" / "jupyter")
    current = os.environ.get("JUPYTER_PATH", "")
    if not current.startswith(here):
        os.environ["JUPYTER_PATH"] = os.pathsep.join(p for p in (here, current) if p)


def _command_line() -> list[str]:
    argv = list(sys.argv)
    if argv and argv[0].endswith("__main__.py"):
        return ["python", "-m", "analysis", *argv[1:]]
    return argv


def _document_counts(run_dir: Path) -> dict[str, int] | None:
    table = run_dir / "tables" / "documents.parquet"
    if not table.is_file():
        return None
    import polars as pl

    counts = pl.read_parquet(table, columns=["status"])["status"].value_counts()
    return dict(sorted(zip(counts["status"].to_list(), counts["count"].to_list(), strict=True)))


def _error_text(exc: BaseException) -> str:
    ename = getattr(exc, "ename", None)
    evalue = getattr(exc, "evalue", None)
    if ename:
        return f"{ename}: {evalue}"
    return f"{type(exc).__name__}: {exc}".strip()


def execute(
    params: ParameterSet,
    *,
    notebooks: Sequence[Path] | None = None,
    outputs_dir: Path = paths.OUTPUTS,
    cell_timeout: int = DEFAULT_CELL_TIMEOUT,
    progress: bool = True,
    log: Log = _stderr,
    command: Sequence[str] | None = None,
    reuse: bool = True,
    workers: int | None = 1,
    scheduler: str | None = None,
) -> RunResult:
    """Run every notebook with one parameter set; see the module docstring for the outcome.

    Before the notebooks run, every per-document stage of the corpus is built into the cache
    (:meth:`analysis.pipeline.Study.build`) on ``workers`` processes (``None``: every core; 1:
    in this process) or on the Dask cluster at ``scheduler``; the manifest's ``stages`` says,
    per stage, its version, how many documents came from the cache and how many were computed.
    The notebooks then read their tables from the cache, ``workers`` of them at once.

    With ``reuse`` (the default), a run whose fingerprint (inputs, parameters, notebooks, code,
    environment: :mod:`analysis.run.fingerprint`) equals that of an earlier successful run whose
    files still match its manifest executes nothing: its folder holds hard links to that run's
    files (copies where links cannot be made) and its manifest says ``reused_from``.

    ``params.values`` must already hold only declared names (:func:`analysis.run.params.validate`)
    and the corpus as an absolute path; values are checked against the schema here again, and
    a corpus without any ``ok`` document is refused (:class:`EmptyCorpusError`), before any
    folder is made. Raises :class:`OutputError` when the run cannot be written.
    """
    notebooks = list(notebooks if notebooks is not None else notebook_paths())
    corpus = check_corpus(params.values["corpus"]) if "corpus" in params.values else None
    check_values(params.values)
    if corpus is not None:
        refuse_empty(corpus, params.values.get("max_bytes", DEFAULT_MAX_BYTES))
    use_this_environment_kernel()
    run_id = new_run_id(params.label)
    tmp_dir = outputs_dir / f".tmp-{run_id}"
    try:
        outputs_dir.mkdir(parents=True, exist_ok=True)
        clean_stale(outputs_dir, log)
        tmp_dir.mkdir()
        lock = _lock(tmp_dir)
        (tmp_dir / "notebooks").mkdir()
    except OSError as exc:
        shutil.rmtree(tmp_dir, ignore_errors=True)
        raise OutputError(
            exc.errno or errno.EIO,
            f"cannot write a run to {paths.display_path(outputs_dir)}: {_reason(exc)}; "
            "nothing was written, earlier runs and LATEST are unchanged",
        ) from exc
    try:
        return _execute_in(
            params,
            notebooks,
            corpus,
            run_id,
            tmp_dir,
            outputs_dir,
            cell_timeout,
            progress,
            log,
            command,
            reuse,
            workers,
            scheduler,
        )
    finally:
        os.close(lock)


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _execute_in(
    params: ParameterSet,
    notebooks: list[Path],
    corpus: Path | None,
    run_id: str,
    tmp_dir: Path,
    outputs_dir: Path,
    cell_timeout: int,
    progress: bool,
    log: Log,
    command: Sequence[str] | None,
    reuse: bool,
    workers: int | None,
    scheduler: str | None,
) -> RunResult:
    started = dt.datetime.now(dt.UTC)
    files = mf.input_files(corpus) if corpus else []
    env = mf.environment()
    path_names = [n for n in params.values if n in SCHEMA and SCHEMA[n].kind == "path"]
    prints = fingerprint(
        params.values, notebooks, path_names=path_names, environment=env, listings={"corpus": files}
    )
    record: dict[str, Any] = {
        "run_id": run_id,
        "status": "running",
        "started_at": started.isoformat(timespec="seconds"),
        "command": list(command) if command is not None else _command_line(),
        "git": mf.git_state(),
        "parameters": {
            k: (paths.display_path(v) if k == "corpus" else v) for k, v in params.values.items()
        },
        "inputs": {
            "corpus": paths.display_path(corpus) if corpus else None,
            "files": files,
        },
        "environment": env,
        "kernel": KERNEL_NAME,
        "cell_timeout_s": cell_timeout,
        "fingerprint": prints,
        "notebooks": [],
    }
    status, error = "succeeded", None
    earlier = reusable_run(outputs_dir, prints["digest"]) if reuse else None
    if earlier is not None:
        return _reuse(record, earlier, tmp_dir, outputs_dir, log)
    log(f"run {run_id}: {len(notebooks)} notebooks, corpus {record['inputs']['corpus']}")
    jobs = _notebook_jobs(notebooks, workers)
    try:
        # notebooks at once: processes that start kernels while the stages build, unless a
        # local cluster needs the cores then (NotebookProcesses.warm)
        with _maybe_pool(jobs, notebooks) as pool, _joined() as closing:
            if corpus is not None:
                error = _build(params, record, workers, scheduler, progress, log, closing, pool)
                status = "failed" if error else status
            if error is None:
                previous = _previous_durations(outputs_dir)
                status, error = _notebooks(
                    params, notebooks, record, tmp_dir, cell_timeout, progress, log, pool, previous
                )
    except KeyboardInterrupt:
        status, error = "interrupted", "interrupted by the user"
        for entry in record["notebooks"]:
            if entry["status"] == "running":
                entry["status"] = "interrupted"
        _finish(record, tmp_dir, outputs_dir, status, error, log)
        raise
    return _finish(record, tmp_dir, outputs_dir, status, error, log)


@contextlib.contextmanager
def _joined() -> Iterator[list[threading.Thread]]:
    """A list to add threads to, each joined on leaving."""
    threads: list[threading.Thread] = []
    try:
        yield threads
    finally:
        for thread in threads:
            thread.join()


@contextlib.contextmanager
def _maybe_pool(jobs: int, notebooks: Sequence[Path]) -> Iterator[NotebookProcesses | None]:
    """:class:`NotebookProcesses` for ``jobs`` > 1 notebooks at once, else ``None``."""
    if jobs <= 1:
        yield None
        return
    with NotebookProcesses(jobs, Path(notebooks[0]).parent) as pool:
        yield pool


def _build(
    params: ParameterSet,
    record: dict[str, Any],
    workers: int | None,
    scheduler: str | None,
    progress: bool,
    log: Log,
    closing: list[threading.Thread],
    pool: NotebookProcesses | None = None,
) -> str | None:
    """Build every per-document stage into the cache; the error, if it fails. The Dask
    cluster, if one was started, stops in a thread added to ``closing``.

    When the stages are computed in this process (or on a cluster elsewhere), a core is left
    idle: ``pool``'s processes start meanwhile, each with its first notebook's kernel. Not
    beside a local cluster, whose workers need every core: then they start after."""
    from analysis.pipeline import open_study

    values = params.values
    t0 = time.perf_counter()
    study = open_study(
        values["corpus"],
        max_bytes=values.get("max_bytes", DEFAULT_MAX_BYTES),
        lexicon=values.get("lexicon", "default"),
        detector=values.get("detector", "both"),
        min_words=values.get("min_words", 100),
        workers=workers,
        scheduler=scheduler,
        progress=progress,
    )
    where = scheduler or ("this process" if study.workers.workers == 1 else None)
    where = where or f"up to {study.workers.workers} worker processes"
    try:
        if pool is not None and not study.starts_local_cluster():
            for slot in range(pool.size):  # the build leaves a core: a kernel per slot meanwhile
                pool.warm(slot)
        # the corpus is read inside build(), while the cluster starts: not here before it
        log(f"stages: computed on {where} where not cached")
        study.build()
        seconds = time.perf_counter() - t0
    except BaseException as exc:  # any stage may fail on any input; the run says so and stops
        study.close()
        if not isinstance(exc, Exception):  # interrupted: the cluster is stopped all the same
            raise
        record["stages"] = {n: r.as_dict() for n, r in sorted(study.stages.items())}
        log(f"stages FAILED: {_error_text(exc)}")
        return f"stages: {_error_text(exc)}"

    cluster = study.workers

    # a local cluster takes about a second to stop: meanwhile the notebooks start
    def close() -> None:
        try:
            cluster.close()
        except Exception as exc:  # the stages are stored: a cluster that stops badly loses nothing
            log(f"stages: the Dask cluster did not stop cleanly: {_error_text(exc)}")

    closing.append(threading.Thread(target=close, name="dask-close"))
    closing[-1].start()
    record["stages"] = {n: r.as_dict() for n, r in sorted(study.stages.items())}
    record["build"] = {
        "workers": study.workers.used,
        "scheduler": scheduler,
        "cluster_start_s": round(study.workers.startup_s, 2),
        "duration_s": round(seconds, 2),
    }
    log(f"stages: {study.docs.height} documents in {record['build']['duration_s']:.1f} s")
    for name, run in sorted(study.stages.items()):
        log(f"  {name}: {run.cached} cached, {run.computed} computed ({run.seconds:.1f} s)")
    del study  # the corpus and its keys: the notebooks read the cache, not this process
    memory.release()
    return None


#: Kernels started at once by separate processes can pick the same free port (jupyter_client
#: finds one, releases it, and the kernel binds it later): the later kernel dies before running
#: anything, and is started again.
_KERNEL_START_FAILED = ("Kernel died before replying to kernel_info", "Address already in use")
_KERNEL_STARTS = 3


def _longest_first(names: list[str], previous: dict[str, float]) -> list[int]:
    """Positions of ``names`` by the seconds each took before, longest first; those never run
    before first of all, the later-numbered (heavier) first.

    >>> _longest_first(["00", "01", "02", "03"], {"00": 2.0, "01": 30.0, "03": 60.0})
    [2, 3, 1, 0]
    """
    return sorted(range(len(names)), key=lambda i: (-previous.get(names[i], float("inf")), -i))


def _previous_durations(outputs_dir: Path) -> dict[str, float]:
    """Seconds each notebook took in the latest successful run (none: empty)."""
    latest = latest_run(outputs_dir)
    if latest is None:
        return {}
    try:
        notebooks = mf.read_manifest(latest).get("notebooks", [])
        return {
            n["name"]: float(n["duration_s"])
            for n in notebooks
            if n.get("status") == "succeeded" and "duration_s" in n
        }
    except (OSError, ValueError, TypeError, KeyError):
        return {}


def kernel_command(command: list[str]) -> list[str]:
    """``command`` with ipykernel's launcher replaced by :mod:`analysis.run.kernel`.

    >>> kernel_command(["/env/bin/python", "-m", "ipykernel_launcher", "-f", "k.json"])
    ['/env/bin/python', '-m', 'analysis.run.kernel', '-f', 'k.json']
    >>> kernel_command(["/usr/bin/other-kernel", "-f", "k.json"])
    ['/usr/bin/other-kernel', '-f', 'k.json']
    """
    if command[1:3] == ["-m", "ipykernel_launcher"]:
        return [command[0], "-m", "analysis.run.kernel", *command[3:]]
    return list(command)


def ipc_kernel_manager() -> type:
    """A kernel manager whose kernels talk over Unix sockets in the temporary folder, started
    by :mod:`analysis.run.kernel`.

    Over TCP without CurveZMQ keys every kernel prints "Kernel is running over TCP without
    encryption" (ipykernel 7); over IPC it has nothing to warn about, and kernels started at once
    cannot race for one free port. Each kernel's sockets get their own name. The kernel is
    ipykernel's, started through :mod:`analysis.run.kernel` (which skips an import no notebook
    uses) when the spec is ``python -m ipykernel_launcher``.
    """
    import tempfile
    import uuid

    from jupyter_client.manager import AsyncKernelManager
    from traitlets import CaselessStrEnum

    class IPCKernelManager(AsyncKernelManager):
        transport = CaselessStrEnum(["tcp", "ipc"], default_value="ipc", config=True)

        def _ip_default(self) -> str:
            return os.path.join(tempfile.gettempdir(), f"analysis-kernel-{uuid.uuid4().hex[:16]}")

        def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
            return kernel_command(super().format_kernel_cmd(extra_arguments))

    return IPCKernelManager


#: What a warm kernel imports before its notebook is sent (silently, outside the notebook's
#: history): the modules every notebook's first cell imports, the slowest part of its start.
_WARM_IMPORTS = (
    "import polars, altair, vl_convert\n"
    "import analysis.pipeline, analysis.report.charts, analysis.report.display, "
    "analysis.report.outputs\n"
)


class WarmKernel:
    """A kernel started, with :data:`_WARM_IMPORTS` made, before its notebook is known.

    The imports run silently (no output, no execution count, no history), so the notebook's
    cells number from 1 and show what they show in a fresh kernel; importing prints nothing.
    """

    def __init__(self, cwd: Path) -> None:
        from jupyter_client.blocking import BlockingKernelClient
        from jupyter_core.utils import run_sync

        self.km = ipc_kernel_manager()(kernel_name=KERNEL_NAME)
        run_sync(self.km.start_kernel)(cwd=str(cwd))
        client = BlockingKernelClient()
        client.load_connection_info(self.km.get_connection_info())
        client.start_channels()
        try:
            client.wait_for_ready(timeout=60)
            client.execute_interactive(_WARM_IMPORTS, silent=True, store_history=False, timeout=120)
        except BaseException:
            self.shutdown()
            raise
        finally:
            client.stop_channels()

    def shutdown(self) -> None:
        """Stop the kernel (a kernel already gone needs nothing)."""
        from jupyter_core.utils import run_sync

        with contextlib.suppress(Exception):
            run_sync(self.km.shutdown_kernel)(now=True)


def _execute_notebook(
    args: tuple[Path, Path, dict[str, Any], int, bool], warm: WarmKernel | None = None
) -> tuple[str, float, str | None]:
    """Run one notebook with papermill (in ``warm``'s kernel, which it then stops, or in a
    kernel of its own): its status, seconds, and error."""
    import papermill as pm

    from analysis.run.engine import register

    nb, out, nb_params, cell_timeout, progress = args
    t0 = time.perf_counter()
    for attempt in range(1, _KERNEL_STARTS + 1):
        kernel = {"km": warm.km} if warm is not None else {}
        try:
            pm.execute_notebook(
                str(nb),
                str(out),
                parameters=nb_params,
                kernel_name=KERNEL_NAME,
                progress_bar=progress,
                cwd=str(nb.parent),
                execution_timeout=cell_timeout,
                kernel_manager_class=ipc_kernel_manager(),
                engine_name=register(),  # writes the notebook less often than papermill's
                **kernel,
            )
        except Exception as exc:  # papermill, nbclient and the kernel raise many types
            text = _error_text(exc)
            if attempt < _KERNEL_STARTS and any(s in text for s in _KERNEL_START_FAILED):
                time.sleep(attempt)
                continue
            return "failed", round(time.perf_counter() - t0, 2), text
        finally:
            if warm is not None:
                warm.shutdown()
                warm = None  # a retry starts a kernel of its own
        break
    return "succeeded", round(time.perf_counter() - t0, 2), None


#: The message that asks a notebook process to start a kernel before its notebook comes.
WARM = "warm"


def _notebook_process(tasks: Any, results: Any, slot: int, cwd: str) -> None:
    """One of the runner's notebook processes: it runs the notebooks it is sent, one at a time,
    putting ``(slot, position, result)`` on ``results``, until it is sent ``None``. Sent
    :data:`WARM` first (while the runner builds the stages), it starts a kernel at once and
    runs its next notebook there. Started by :func:`analysis.run.kernel.notebook_process`."""
    warm: WarmKernel | None = None
    try:
        while (task := tasks.get()) is not None:
            if task == WARM:
                try:
                    warm = warm or WarmKernel(Path(cwd))
                except Exception:  # any failure: the notebook starts a kernel of its own
                    warm = None
                continue
            position, args = task
            result = _execute_notebook(args, warm)
            warm = None
            _export_page(args[1])  # its report page, while the other notebooks run
            results.put((slot, position, result))
    except KeyboardInterrupt:  # Ctrl-C reaches the whole process group: the runner reports it
        pass
    finally:
        if warm is not None:
            warm.shutdown()


def _export_page(executed: Path) -> None:
    """The report page of an executed notebook (:func:`analysis.report.site.export_page`), if
    it can be made; if not, the report makes it (and says why it cannot)."""
    from analysis.report.site import export_page

    if executed.is_file():
        with contextlib.suppress(Exception):
            export_page(executed)


class NotebookProcesses:
    """``size`` spawned processes that run notebooks (:func:`_notebook_process`), started when
    first asked: :meth:`warm` starts them while the runner computes the stages (each starts a
    kernel, so the first notebooks need not wait for one), :meth:`send` otherwise (after stages
    built on a local cluster, whose workers need every core meanwhile)."""

    def __init__(self, size: int, cwd: Path) -> None:
        ctx = get_context("spawn")
        self.results = ctx.Queue()
        self.tasks = [ctx.Queue() for _ in range(size)]
        self.processes = [
            ctx.Process(
                target=notebook_process,  # the runner's module imported in it after one skip
                args=(self.tasks[slot], self.results, slot, str(cwd)),
                name=f"analysis-notebooks-{slot}",
            )
            for slot in range(size)
        ]
        self.started = False

    def start(self) -> None:
        """Start the processes (once)."""
        if not self.started:
            self.started = True
            for process in self.processes:
                process.start()

    @property
    def size(self) -> int:
        return len(self.processes)

    def send(self, slot: int, position: int, args: tuple[Any, ...]) -> None:
        self.start()
        self.tasks[slot].put((position, args))

    def warm(self, slot: int = 0) -> None:
        """Start the processes, and have process ``slot`` start its next notebook's kernel now
        (slot 0 runs the longest notebook first)."""
        self.start()
        self.tasks[slot].put(WARM)

    def next_result(
        self, running: dict[int, int]
    ) -> tuple[int, int, tuple[str, float, str | None]]:
        """The next ``(slot, position, result)``; ``running`` maps busy slots to positions. A
        process that died while running a notebook gives that notebook a failed result."""
        import queue

        while True:
            try:
                return cast(
                    tuple[int, int, tuple[str, float, str | None]], self.results.get(timeout=0.5)
                )
            except queue.Empty:
                for slot, position in running.items():
                    process = self.processes[slot]
                    if not process.is_alive():
                        code = process.exitcode
                        return (
                            slot,
                            position,
                            ("failed", 0.0, f"its process died (exit code {code})"),
                        )

    def close(self) -> None:
        """Tell every process to stop (each stops its kernel) and wait for it; a process still
        there after 30 s is terminated."""
        if not self.started:
            return
        for tasks, process in zip(self.tasks, self.processes, strict=True):
            if process.is_alive():
                with contextlib.suppress(Exception):
                    tasks.put(None)
        deadline = time.monotonic() + 30
        for process in self.processes:
            process.join(max(0.1, deadline - time.monotonic()))
            if process.is_alive():
                process.terminate()
                process.join(5)

    def __enter__(self) -> NotebookProcesses:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _notebook_jobs(notebooks: Sequence[Path], workers: int | None) -> int:
    """How many notebooks run at once: ``workers`` (``None``: every core), at most all."""
    return min(len(notebooks), default_workers() if workers is None else max(1, workers))


def _notebooks(
    params: ParameterSet,
    notebooks: list[Path],
    record: dict[str, Any],
    tmp_dir: Path,
    cell_timeout: int,
    progress: bool,
    log: Log,
    pool: NotebookProcesses | None,
    previous: dict[str, float],
) -> tuple[str, str | None]:
    """Run the notebooks, one after another in this process or (``pool``) on its processes,
    as many at once as it has.

    After the stages are built the notebooks read one another's work from the cache only, so
    their order does not matter: at once, the longest (``previous``: seconds each took in the
    last run) start first. One failing stops those not yet started.
    """
    n = len(notebooks)
    jobs = 1 if pool is None else pool.size
    work = []
    for nb in notebooks:
        entry: dict[str, Any] = {"name": nb.name, "status": "not run"}
        record["notebooks"].append(entry)
        nb_params = params.for_notebook(declared_parameters(nb))
        nb_params["output_dir"] = str(tmp_dir)
        out = tmp_dir / "notebooks" / nb.name
        work.append((entry, (nb, out, nb_params, cell_timeout, progress and jobs == 1)))
    failed: list[str] = []

    def done(i: int, result: tuple[str, float, str | None]) -> None:
        entry = work[i][0]
        status, seconds, error = result
        entry.update(status=status, duration_s=seconds)
        name = entry["name"]
        if error is None:
            log(f"[{i + 1}/{n}] {name} done in {seconds:.1f} s")
        else:
            failed.append(f"{name}: {error}")
            log(f"[{i + 1}/{n}] {name} FAILED: {error}")

    if pool is None:
        for i, (entry, args) in enumerate(work):
            log(f"[{i + 1}/{n}] {entry['name']} ...")
            entry["status"] = "running"
            done(i, _execute_notebook(args))
            if failed:
                break
    else:
        log(f"notebooks: {jobs} at once, the longest first")
        waiting = _longest_first([nb.name for nb in notebooks], previous)
        running: dict[int, int] = {}

        def start(slot: int) -> None:
            i = waiting.pop(0)
            work[i][0]["status"] = "running"
            running[slot] = i
            pool.send(slot, i, work[i][1])

        for slot in range(min(jobs, len(waiting))):
            start(slot)
        while running:
            slot, i, result = pool.next_result(running)
            del running[slot]
            done(i, result)
            if waiting and not failed:  # a failure: those not started stay "not run"
                start(slot)
    if failed:
        return "failed", failed[0]
    return "succeeded", None


#: The report page that names its run (the notebooks' pages are the same in a reused run).
_REPORT_INDEX = Path("report", "index.html")


def _reuse(
    record: dict[str, Any], earlier: Path, tmp_dir: Path, outputs_dir: Path, log: Log
) -> RunResult:
    """Fill ``tmp_dir`` with hard links to the files of ``earlier`` (same fingerprint), finish."""
    log(
        f"run {record['run_id']}: nothing changed since run {earlier.name} (same inputs, "
        "parameters, notebooks, code and environment); its files are linked, nothing is executed"
    )
    try:
        for src in sorted(earlier.rglob("*")):
            rel = src.relative_to(earlier)
            if not src.is_file() or rel.as_posix() in mf.NOT_OUTPUTS or rel == _REPORT_INDEX:
                continue  # the report's index names its run: the new run writes its own
            dst = tmp_dir / rel
            dst.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(src, dst)
            except OSError:  # another filesystem, or links not allowed: a copy is as good
                shutil.copy2(src, dst)
    except OSError as exc:
        shutil.rmtree(tmp_dir, ignore_errors=True)
        raise OutputError(
            exc.errno or errno.EIO,
            f"run {record['run_id']} could not take the files of run {earlier.name}: "
            f"{_reason(exc)}; its partial folder was removed, earlier runs and LATEST are "
            "unchanged",
        ) from exc
    before = mf.read_manifest(earlier)
    record["reused_from"] = before.get("reused_from") or earlier.name
    record["stages"] = before.get("stages", {})
    record["notebooks"] = [
        {"name": n["name"], "status": "reused", "duration_s": 0.0}
        for n in before.get("notebooks", [])
    ]
    return _finish(record, tmp_dir, outputs_dir, "succeeded", None, log)


def _finish(
    record: dict[str, Any],
    tmp_dir: Path,
    outputs_dir: Path,
    status: str,
    error: str | None,
    log: Log,
) -> RunResult:
    ended = dt.datetime.now(dt.UTC)
    started = dt.datetime.fromisoformat(record["started_at"])
    record.update(
        status=status,
        error=error,
        ended_at=ended.isoformat(timespec="seconds"),
        duration_s=round((ended - started).total_seconds(), 1),
    )
    run_id = record["run_id"]
    final = outputs_dir / (run_id if status == "succeeded" else f"{run_id}.{status}")
    try:
        record["inputs"]["documents_by_status"] = _document_counts(tmp_dir)
        record.setdefault("stages", {})
        if status == "succeeded":  # a reused run gets its own (its id, times, parameters)
            _report(record, tmp_dir, log)
        mf.write_manifest(tmp_dir, record)
        os.replace(tmp_dir, final)
    except OSError as exc:
        shutil.rmtree(tmp_dir, ignore_errors=True)
        what = f"{status}, then " if status != "succeeded" else ""
        raise OutputError(
            exc.errno or errno.EIO,
            f"run {run_id} {what}could not be written to {paths.display_path(outputs_dir)}: "
            f"{_reason(exc)} ({error or 'all notebooks ran'}); its partial folder was removed, "
            "earlier runs and LATEST are unchanged",
        ) from exc
    (final / LOCK).unlink(missing_ok=True)
    if status == "succeeded":
        try:
            _write_latest(outputs_dir, run_id)
        except OSError as exc:
            raise OutputError(
                exc.errno or errno.EIO,
                f"run {run_id} is complete in {paths.display_path(final)} but LATEST could not "
                f"be updated: {_reason(exc)}; LATEST still names the previous run",
            ) from exc
        log(f"run {run_id} succeeded: {paths.display_path(final)}")
    else:
        log(
            f"run {run_id} {status}: {error}; kept in {paths.display_path(final)}; LATEST unchanged"
        )
    return RunResult(run_id, final, status, error, record["notebooks"])


def _report(record: dict[str, Any], tmp_dir: Path, log: Log) -> None:
    """Write the run's HTML report (:mod:`analysis.report.site`); a failure is recorded in the
    manifest's ``report`` and said, and the run keeps its tables, charts and notebooks."""
    from analysis.report.site import REPORT_DIR, write_report

    t0 = time.perf_counter()
    try:
        written = write_report(tmp_dir, record, default_values())
    except Exception as exc:  # a full disk, an odd table: the run stands without its report
        record["report"] = {"error": _error_text(exc)}
        log(f"report FAILED: {_error_text(exc)}; the tables, charts and notebooks are complete")
        shutil.rmtree(tmp_dir / REPORT_DIR, ignore_errors=True)
        return
    seconds = round(time.perf_counter() - t0, 2)
    index = written[0]
    record["report"] = {"index": index.relative_to(tmp_dir).as_posix(), "duration_s": seconds}
    size = index.stat().st_size / 1e6
    pages = len(written) - 1
    log(f"report: {REPORT_DIR}/index.html ({size:.1f} MB), {pages} notebook pages, {seconds:.1f} s")


def _execute_quietly(
    args: tuple[ParameterSet, list[Path], Path, int, bool, int | None, str | None],
) -> RunResult:
    params, notebooks, outputs_dir, cell_timeout, reuse, workers, scheduler = args
    label = params.label or "run"
    return execute(
        params,
        notebooks=notebooks,
        outputs_dir=outputs_dir,
        cell_timeout=cell_timeout,
        progress=False,
        log=lambda m: _stderr(f"({label}) {m}"),
        reuse=reuse,
        workers=workers,
        scheduler=scheduler,
    )


def execute_many(
    sets: Sequence[ParameterSet],
    *,
    notebooks: Sequence[Path] | None = None,
    outputs_dir: Path = paths.OUTPUTS,
    cell_timeout: int = DEFAULT_CELL_TIMEOUT,
    jobs: int = 1,
    progress: bool = True,
    reuse: bool = True,
    workers: int | None = 1,
    scheduler: str | None = None,
) -> list[RunResult]:
    """Run each parameter set as its own run: one after another, or ``jobs`` at once.

    Sequential batches stop at the first failed run; parallel batches finish what they started.
    ``workers`` and ``scheduler`` as for :func:`execute` (with ``jobs`` > 1, each run in
    process and one notebook at a time unless ``scheduler`` is given).
    """
    notebooks = list(notebooks if notebooks is not None else notebook_paths())
    if jobs <= 1 or len(sets) == 1:
        results = []
        for i, params in enumerate(sets, 1):
            if len(sets) > 1:
                _stderr(f"== parameter set {i}/{len(sets)}: {params.label or '(unnamed)'}")
            result = execute(
                params,
                notebooks=notebooks,
                outputs_dir=outputs_dir,
                cell_timeout=cell_timeout,
                progress=progress,
                reuse=reuse,
                workers=workers,
                scheduler=scheduler,
            )
            results.append(result)
            if not result.ok:
                break
        return results
    work = [(p, notebooks, outputs_dir, cell_timeout, reuse, 1, scheduler) for p in sets]
    with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("spawn")) as pool:
        return list(pool.map(_execute_quietly, work))
