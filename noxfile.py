"""One entry point for people and CI. List the sessions with ``python3 -m nox -l``.

Every session installs the project (editable) with the exact pins of ``constraints.txt`` into its
own virtual environment under ``.nox/``, reused on later calls.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

import nox

nox.options.sessions = ["tests"]
nox.options.reuse_venv = "yes"
nox.options.error_on_missing_interpreters = True

CONSTRAINTS = ("-c", "constraints.txt")
# pytest-xdist: one worker per core; a module's tests (and a notebook's cells, for nbval) stay
# together on one worker, in order.
PARALLEL = ("-n", "auto", "--dist", "loadscope")


def install(session: nox.Session, extras: str = "") -> None:
    """Install the project (editable) with the pinned constraints, unless the env is current.

    The environment is current when pyproject.toml and constraints.txt are byte for byte what
    they were at its last install (a stamp in the env records their digest): code changes need no
    reinstall (the install is editable), and a pip resolve costs seconds on every call.
    """
    target = f".[{extras}]" if extras else "."
    digest = hashlib.sha256(target.encode())
    for name in ("pyproject.toml", "constraints.txt"):
        digest.update(Path(name).read_bytes())
    stamp = Path(session.virtualenv.location) / ".analysis-install"
    if stamp.is_file() and stamp.read_text() == digest.hexdigest():
        session.log("environment is current (pyproject.toml, constraints.txt unchanged)")
        return
    session.log(
        f"installing the pinned environment into {session.virtualenv.location} "
        "(pip is quiet meanwhile: about a minute the first time, more with JupyterLab)"
    )
    session.install("-e", target, *CONSTRAINTS)
    stamp.write_text(digest.hexdigest())


@nox.session
def reproduce(session: nox.Session) -> None:
    """Run every notebook on the corpus into a new outputs/<run-id>/.

    nox -s reproduce                                    # the seed corpus, params.yaml
    nox -s reproduce -- --corpus ../shared/corpora/allsides/allsides_10k.parquet
    nox -s reproduce -- -p max_bytes=100000
    nox -s reproduce -- --grid grids/example.yaml --jobs 2
    """
    install(session)
    session.run("python", "-m", "analysis", "run", *session.posargs)


@nox.session(venv_backend="none")
def verify(session: nox.Session) -> None:
    """Re-hash a run against its manifest: nox -s verify [-- RUN_ID] (default LATEST).

    Needs no environment: the check is the standard library only (analysis.run.manifest), run
    by the Python that runs nox, so it installs nothing and shares nothing with reproduce.
    """
    session.run(
        sys.executable,
        "-m",
        "analysis",
        "verify",
        *session.posargs,
        env={"PYTHONPATH": str(Path("src").resolve())},
    )


@nox.session
def tests(session: nox.Session) -> None:
    """Everything CI runs: lint, import layers, types, unit tests, doctests, nbval of notebooks/.

    nox -s tests                     # everything
    nox -s tests -- tests/corpus/test_intake.py -x
    """
    install(session, "test")
    session.run("ruff", "check", "src", "tests", "notebooks", "benchmarks", "scripts", "noxfile.py")
    session.run(
        "ruff",
        "format",
        "--check",
        "src",
        "tests",
        "notebooks",
        "benchmarks",
        "scripts",
        "noxfile.py",
    )
    session.run("lint-imports", "--no-cache")  # the stage layers of pyproject.toml
    session.run("mypy")  # src/, configured in pyproject.toml
    args = session.posargs or ["tests", "notebooks", "src"]
    session.run("python", "-m", "pytest", "--doctest-modules", *PARALLEL, *args)


@nox.session
def quick(session: nox.Session) -> None:
    """The inner loop: lint and the unit tests and doctests, without nbval or whole runs.

    nox -s quick                     # tests marked slow (whole notebooks, external corpora) skipped
    nox -s quick -- tests/compare -x
    """
    install(session, "test")
    session.run("ruff", "check", "src", "tests", "notebooks", "benchmarks", "scripts", "noxfile.py")
    args = session.posargs or ["tests", "src"]
    session.run("python", "-m", "pytest", "--doctest-modules", "-m", "not slow", *PARALLEL, *args)


@nox.session
def baseline(session: nox.Session) -> None:
    """Re-execute the notebooks in place after an intended change (the nbval baseline).

    nox -s baseline                  # all notebooks
    nox -s baseline -- 00_corpus     # one notebook
    Review the diff (git diff notebooks/) before committing it.
    """
    install(session)
    session.run("python", "-m", "analysis", "baseline", *session.posargs)


@nox.session
def lab(session: nox.Session) -> None:
    """Open JupyterLab on the project with the kernel the notebooks use (python3 of this env).

    nox -s lab                       # prints the URL to open (with its token)
    nox -s lab -- --port 8890        # any option of jupyter lab
    As root (a container, CI), --allow-root is added: Jupyter refuses root without it.
    """
    install(session, "lab")
    # The kernel "python3" of this environment, named as the committed notebooks name it
    # ("Python 3 (ipykernel)"), so opening one does not rewrite its metadata.
    session.run(
        "python",
        "-m",
        "ipykernel",
        "install",
        "--sys-prefix",
        "--name",
        "python3",
        "--display-name",
        "Python 3 (ipykernel)",
    )
    root = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    session.log("JupyterLab: open the http://127.0.0.1:... URL it prints below; Ctrl-C stops it")
    session.run(
        "jupyter",
        "lab",
        "--notebook-dir=.",
        "--no-browser",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        *root,
        *session.posargs,
    )


def _retrain(session: nox.Session, module: str, source: str) -> None:
    """Run a trainer (``analysis.core.data.retrain``) on ``source``, passing the session's
    arguments (``--check``, ``--date``, ``--out``)."""
    install(session)
    session.run("python", "-m", module, source, *session.posargs)


@nox.session
def train_lines(session: nox.Session) -> None:
    """Rebuild the line classifier and its model card from pages-dev (bit for bit).

    nox -s train_lines                        # rewrite src/analysis/data/line_model.{json,md}
    nox -s train_lines -- --check             # exit 1 if a rebuild differs from the shipped file
    nox -s train_lines -- --date 2027-01-15   # a new model version (after changing features)
    """
    _retrain(session, "analysis.provenance.linetrain", "../shared/corpora/pages-dev")


@nox.session
def train_spans(session: nox.Session) -> None:
    """Rebuild the propaganda-technique span detector and its model card from the PTC (bit for bit).

    nox -s train_spans                        # rewrite src/analysis/data/span_model.{json,md}
    nox -s train_spans -- --check             # exit 1 if a rebuild differs from the shipped file
    nox -s train_spans -- --date 2027-01-15   # a new model version (after changing features)
    """
    _retrain(session, "analysis.metrics.rhetoric.spantrain", "../shared/corpora/ptc")


@nox.session
def bench_extraction(session: nox.Session) -> None:
    """Article bodies and metadata from page dumps, scored on pages-dev beside two baselines.

    nox -s bench_extraction
    nox -s bench_extraction -- --no-trafilatura      # skip the (slow) HTML baseline
    """
    install(session, "bench")
    session.run("python", "benchmarks/bench_extraction.py", *session.posargs)


@nox.session(reuse_venv=False)
def lock(session: nox.Session) -> None:
    """Regenerate constraints.txt from the pins in pyproject.toml (after changing a pin)."""
    session.install("-e", ".[test,lab,bench]")
    frozen = session.run("python", "-m", "pip", "freeze", "--exclude-editable", silent=True)
    lines = sorted(line for line in frozen.splitlines() if line and not line.startswith("#"))
    with open("constraints.txt", "w", encoding="utf-8") as fh:
        fh.write("# Every package of the project's environments, pinned. Regenerate: nox -s lock\n")
        fh.write("\n".join(lines) + "\n")
