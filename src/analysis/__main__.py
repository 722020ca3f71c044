"""Command line: ``python -m analysis run | verify | export | runs | cache | baseline``.

run         execute every notebook into a new ``outputs/<run-id>/`` (``nox -s reproduce``)
verify      check a run's manifest against its digest and re-hash its files against it
export      write the CSV of every table of a run into another folder (large tables are
            Parquet only in the run)
runs        list the runs in ``outputs/``: status, corpus, documents, size, changed parameters
runs clean  remove failed and interrupted runs and the folders of killed runs, after asking
            (``--yes`` for scripts); never a successful run or one still running
baseline    re-execute the notebooks in place: the nbval regression baseline (``nox -s baseline``)

Exit status: 0 success; 1 a run failed or could not be written (one ``error:`` line says why);
2 refused before anything ran (bad parameter, unreadable or empty corpus); 130 interrupted.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import os
import signal
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from analysis.core import paths
from analysis.run.kernel import skip_unused_imports

# here, before the runner imports jsonschema; its notebook processes skip it in
# analysis.run.kernel.notebook_process (a spawned process does not run a package's __main__)
skip_unused_imports()


@contextlib.contextmanager
def _interrupt_on_sigterm() -> Iterator[None]:
    """Treat SIGTERM (a CI timeout, a closed session) like Ctrl-C, so the run is marked."""

    def handler(signum: int, frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def absolute_pythonpath() -> None:
    """Make every folder of ``PYTHONPATH`` absolute, for the processes a run starts.

    Kernels start in the notebooks' folder: with ``PYTHONPATH=src`` as given from the project
    (no package installed), a kernel would look for ``analysis`` in ``notebooks/src`` and find
    another copy, or none. Symbolic links are kept as they are (``tests/test_main.py``).
    """
    value = os.environ.get("PYTHONPATH")
    if value:
        parts = [os.path.abspath(p) if p else p for p in value.split(os.pathsep)]
        os.environ["PYTHONPATH"] = os.pathsep.join(parts)


def _run(args: argparse.Namespace) -> int:
    from analysis.core.errors import CorpusError, ParameterError
    from analysis.corpus.intake import check_corpus
    from analysis.corpus.records import DEFAULT_MAX_BYTES
    from analysis.run import params as P
    from analysis.run import runner

    absolute_pythonpath()  # the kernels start in another folder
    notebooks = P.notebook_paths(Path(args.notebooks).resolve())
    if not notebooks:
        raise ParameterError(f"no notebooks (NN_name.ipynb) in {args.notebooks}")
    params_file = Path(args.params).resolve()
    defaults = P.load_yaml(params_file)
    P.validate(defaults, notebooks, paths.display_path(params_file))
    overrides = dict(P.parse_assignment(a) for a in args.param)
    if args.corpus is not None:
        overrides["corpus"] = args.corpus
    P.validate(overrides, notebooks, "command line")
    if "corpus" in overrides:  # paths typed on the command line are relative to the shell's cwd
        overrides["corpus"] = P.resolve_corpus(overrides["corpus"], Path.cwd())
    grid = None
    if args.grid:
        grid_file = Path(args.grid).resolve()
        grid = P.load_yaml(grid_file)
    sets = P.build_sets(defaults, overrides, grid)
    if args.name:
        sets = [
            dataclasses.replace(s, label=f"{args.name}-{s.label}" if s.label else args.name)
            for s in sets
        ]
    checked: set[tuple[str, int]] = set()
    for i, s in enumerate(sets, 1):  # every set is checked before the first one runs
        where = f"parameter set {i} ({s.label})" if len(sets) > 1 else ""
        P.validate(s.values, notebooks, where or "parameters")
        if "corpus" in s.values:
            s.values["corpus"] = P.resolve_corpus(s.values["corpus"], paths.PROJECT_ROOT)
            try:
                check_corpus(s.values["corpus"])  # its message says what is wrong with the path
            except CorpusError as exc:
                raise ParameterError(f"{where}: {exc}" if where else str(exc)) from exc
        P.check_values(s.values, where=where)
        if "corpus" in s.values:
            key = (s.values["corpus"], s.values.get("max_bytes", DEFAULT_MAX_BYTES))
            if key not in checked:
                try:
                    runner.refuse_empty(*key)
                except CorpusError as exc:
                    raise ParameterError(f"{where}: {exc}" if where else str(exc)) from exc
                checked.add(key)
    if args.cache is not None:  # the notebooks' kernels inherit it
        os.environ["ANALYSIS_CACHE"] = (
            "off" if args.cache.lower() == "off" else str(Path(args.cache).resolve())
        )
    with _interrupt_on_sigterm():
        results = runner.execute_many(
            sets,
            notebooks=notebooks,
            outputs_dir=Path(args.outputs).resolve(),
            cell_timeout=args.cell_timeout,
            jobs=args.jobs,
            progress=not args.no_progress and sys.stderr.isatty(),
            reuse=not args.no_reuse,
            workers=args.workers,
            scheduler=args.scheduler,
        )
    failed = [r for r in results if not r.ok]
    for r in failed:
        print(f"error: run {r.run_id} {r.status}: {r.error}", file=sys.stderr)
    if len(results) < len(sets):
        print(
            f"stopped after a failed run; {len(sets) - len(results)} sets not run", file=sys.stderr
        )
    return 1 if failed or len(results) < len(sets) else 0


def _runs(args: argparse.Namespace) -> int:
    from analysis.run import params as P
    from analysis.run import runner

    outputs = Path(args.outputs).resolve()
    if args.action == "clean":
        doomed = [r for r in runner.list_runs(outputs) if r.removable]
        if not doomed:
            print(f"nothing to remove in {paths.display_path(outputs)}")
            return 0
        size = sum(r.bytes for r in doomed) / 1e6
        for r in doomed:
            print(f"  {r.name}  {r.status}")
        what = f"{len(doomed)} failed, interrupted or leftover run folder(s), {size:.1f} MB"
        if not args.yes:
            if not sys.stdin.isatty():
                print(f"would remove {what}: add --yes to remove them", file=sys.stderr)
                return 1
            if input(f"remove {what}? [y/N] ").strip().lower() not in ("y", "yes"):
                print("nothing removed")
                return 0
        removed = runner.clean_runs(
            outputs, log=lambda m: print(m, file=sys.stderr), entries=doomed
        )
        print(f"removed {len(removed)} folder(s) from {paths.display_path(outputs)}")
        return 0
    rows = runner.list_runs(outputs, P.default_values())
    if not rows:
        print(f"no runs in {paths.display_path(outputs)}")
        return 0
    table = [("run", "status", "corpus", "documents", "size", "parameters changed")]
    table += [
        (
            r.name,
            r.status,
            r.corpus,
            r.documents,
            f"{r.bytes / 1e6:,.1f} MB",
            " ".join(r.changed) or "-",
        )
        for r in rows
    ]
    widths = [max(len(row[i]) for row in table) for i in range(5)]
    for row in table:
        print("  ".join(v.ljust(w) for v, w in zip(row[:5], widths, strict=True)), row[5])
    return 0


def _verify(args: argparse.Namespace) -> int:
    from analysis.run import manifest  # the standard library only: nox -s verify needs no env

    run_dir = manifest.find_run(args.run, Path(args.outputs).resolve())
    result = manifest.verify(run_dir)
    print(result.report())
    return 0 if result.ok else 1


def _export(args: argparse.Namespace) -> int:
    from analysis.report.outputs import export_csv
    from analysis.run import runner

    run_dir = runner.find_run(args.run, Path(args.outputs).resolve()).resolve()
    folder = Path(args.dir).resolve()
    if folder == run_dir or run_dir in folder.parents:
        print(
            "error: export into a folder outside the run (the run stays as recorded)",
            file=sys.stderr,
        )
        return 2
    written = export_csv(run_dir, folder)
    print(f"{len(written)} tables of {run_dir.name} written as CSV to {folder}")
    return 0


def _cache(args: argparse.Namespace) -> int:
    from analysis.core import cache
    from analysis.pipeline import LAYOUTS, layout_version
    from analysis.provenance.fields import _langid
    from analysis.registry import CORPUS_STEPS, ON_DEMAND, STAGES
    from analysis.report import fonts, outputs, site

    root = Path(args.dir).resolve() if args.dir else cache.cache_root()
    if root is None:
        print("the cache is off (ANALYSIS_CACHE=off)")
        return 0
    current = {name: stage.version for name, stage in {**STAGES, **ON_DEMAND}.items()}
    current[LAYOUTS] = layout_version(STAGES["segments"].version)  # each document's layout
    current.update({name: step.version for name, step in CORPUS_STEPS.items()})
    current["fonts"] = fonts.cache_version()  # the charts' font subsets
    current[site.BUNDLE_STEP] = site.bundle_version()  # the report's Vega scripts
    current[outputs.CHART_STEP] = outputs.chart_version()  # charts drawn
    current[_langid.CACHE_STEP] = _langid.cache_version()  # py3langid's model, unpacked
    if args.action == "prune":
        removed = cache.prune(root, current)
        print(f"removed {len(removed)} item(s) from {paths.display_path(root)}")
        for item in removed:
            print(f"  {item}")
        return 0
    rows = cache.summary(root)
    print(f"{paths.display_path(root)}: {len(rows)} stage version(s)")
    for stage, version, entries, size in rows:
        mark = "current" if current.get(stage) == version else "old (cache prune removes it)"
        per_document = stage in STAGES or stage in ON_DEMAND or stage == LAYOUTS
        what = "documents" if per_document else "results  "
        print(f"  {stage:18} {version}  {entries:>9,} {what}  {size / 1e6:9.1f} MB  {mark}")
    return 0


def _baseline(args: argparse.Namespace) -> int:
    from analysis.run import baseline, params

    notebooks = params.notebook_paths(Path(args.notebooks).resolve())
    if args.names:
        notebooks = [nb for nb in notebooks if nb.stem in args.names or nb.name in args.names]
    for nb in notebooks:
        print(f"executing {paths.display_path(nb)} in place ...", file=sys.stderr, flush=True)
        seconds = baseline.refresh(nb)
        print(f"  done in {seconds:.1f} s", file=sys.stderr, flush=True)
    return 0


def _positive(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, not {value!r}")
    return n


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m analysis",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="execute every notebook into outputs/<run-id>/")
    run.add_argument("--corpus", help="corpus folder or table (relative to the current directory)")
    run.add_argument(
        "-p",
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a parameter; VALUE is read as YAML (lists, numbers)",
    )
    run.add_argument(
        "--params",
        default=str(paths.PARAMS_FILE),
        help="YAML file of default parameters (default: params.yaml)",
    )
    run.add_argument(
        "--grid", help="YAML grid: 'runs' (list of sets) and/or 'matrix' (NAME: [values])"
    )
    run.add_argument(
        "--name",
        help="a label for the run id (outputs/<time>-LABEL/), before a grid set's own name",
    )
    run.add_argument("--jobs", type=int, default=1, help="grid runs executed at once (default 1)")
    run.add_argument(
        "--workers",
        type=_positive,
        default=None,
        help="processes computing the documents the cache lacks, and notebooks run at once "
        "(default: the machine's cores; 1: in this process, one notebook after another)",
    )
    run.add_argument(
        "--scheduler",
        default=None,
        metavar="tcp://HOST:PORT",
        help="compute on this running Dask cluster (dask scheduler / dask worker) instead",
    )
    run.add_argument(
        "--cell-timeout", type=int, default=1800, help="seconds per cell (default 1800)"
    )
    run.add_argument("--notebooks", default=str(paths.NOTEBOOKS), help=argparse.SUPPRESS)
    run.add_argument(
        "--outputs", default=str(paths.OUTPUTS), help="where runs go (default outputs/)"
    )
    run.add_argument("--no-progress", action="store_true", help="no per-cell progress bar")
    run.add_argument(
        "--cache",
        metavar="DIR",
        help="per-document cache folder (default .cache/analysis in the project; 'off': none)",
    )
    run.add_argument(
        "--no-reuse",
        action="store_true",
        help="execute the notebooks even when an earlier run had the same inputs, parameters, "
        "notebooks, code and environment (by default its files are linked instead)",
    )
    run.set_defaults(func=_run)

    verify = sub.add_parser("verify", help="re-hash a run's files against its manifest")
    verify.add_argument("run", nargs="?", default="LATEST", help="run id, path, or LATEST")
    verify.add_argument("--outputs", default=str(paths.OUTPUTS))
    verify.set_defaults(func=_verify)

    export = sub.add_parser("export", help="write every table of a run as CSV into DIR")
    export.add_argument("run", help="run id, path, or LATEST")
    export.add_argument("dir", help="the folder to write <table>.csv into (created)")
    export.add_argument("--outputs", default=str(paths.OUTPUTS))
    export.set_defaults(func=_export)

    runs = sub.add_parser(
        "runs", help="list runs, or remove failed, interrupted and killed runs' folders"
    )
    runs.add_argument(
        "action",
        nargs="?",
        default="list",
        choices=["list", "clean"],
        help="list (default): every run with status, corpus, documents, size and the "
        "parameters that differ from params.yaml | clean: remove failed, interrupted and "
        "leftover runs after asking",
    )
    runs.add_argument("--yes", action="store_true", help="clean without asking (scripts)")
    runs.add_argument("--outputs", default=str(paths.OUTPUTS))
    runs.set_defaults(func=_runs)

    cache = sub.add_parser("cache", help="per-document cache: size per stage and version, prune")
    cache.add_argument("action", nargs="?", choices=["list", "prune"], default="list")
    cache.add_argument(
        "--dir", help="the cache folder (default: ANALYSIS_CACHE or .cache/analysis)"
    )
    cache.set_defaults(func=_cache)

    base = sub.add_parser("baseline", help="re-execute notebooks in place (nbval baseline)")
    base.add_argument("names", nargs="*", help="only these notebooks (e.g. 00_corpus)")
    base.add_argument("--notebooks", default=str(paths.NOTEBOOKS), help=argparse.SUPPRESS)
    base.set_defaults(func=_baseline)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from analysis.core.errors import CorpusError, OutputError, ParameterError

    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except OutputError as exc:
        print(f"error: {exc.strerror}", file=sys.stderr)
        return 1
    except (ParameterError, CorpusError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
