"""The runner end to end: real notebooks through papermill into versioned run folders."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import nbformat
import polars as pl
import pytest
from conftest import write_hostile_corpus

from analysis import registry
from analysis.__main__ import main
from analysis.core import paths
from analysis.run import manifest as mf
from analysis.run.params import load_yaml
from analysis.run.runner import LATEST, find_run, latest_run

pytestmark = pytest.mark.slow

SHARED_PTC = paths.PROJECT_ROOT.parent / "shared" / "corpora" / "ptc"


def run_cli(outputs: Path, *args: str) -> int:
    return main(["run", "--outputs", str(outputs), "--no-progress", *args])


@pytest.fixture(scope="module")
def two_seed_runs(tmp_path_factory) -> tuple[Path, Path, Path]:
    """Two runs on the seeds into one outputs folder (shared by several tests: seconds each).

    The first computes every stage without a cache and runs two notebooks at once; the second
    executes everything again (``--no-reuse``) with the cache, in one process, one notebook
    after another: two independent computations.
    """
    outputs = tmp_path_factory.mktemp("outputs")
    cache = os.environ["ANALYSIS_CACHE"]
    try:
        assert run_cli(outputs, "--workers", "2", "--cache", "off") == 0
    finally:
        os.environ["ANALYSIS_CACHE"] = cache  # the command line sets it for its kernels
    first = latest_run(outputs)
    assert run_cli(outputs, "--no-reuse", "--workers", "1") == 0
    second = latest_run(outputs)
    return outputs, first, second


def test_the_manifest_says_what_each_stage_computed(two_seed_runs):
    from analysis.registry import STAGES

    _, first, second = two_seed_runs
    fresh, again = mf.read_manifest(first), mf.read_manifest(second)
    assert set(fresh["stages"]) == set(again["stages"]) == set(STAGES)
    for name, stage in fresh["stages"].items():
        assert (stage["version"], stage["cached"], stage["computed"]) == (
            STAGES[name].version,
            0,
            5,
        )
        assert (
            stage["cached"] + stage["computed"]
            == 5
            == sum(again["stages"][name][k] for k in ("cached", "computed"))
        )
    # five documents never start a cluster
    assert fresh["build"]["workers"] == again["build"]["workers"] == 1
    assert [n["status"] for n in fresh["notebooks"]] == ["succeeded"] * 4


def test_run_folder_holds_notebooks_tables_charts_and_manifest(two_seed_runs):
    outputs, first, second = two_seed_runs
    assert first.name < second.name  # run ids sort by time
    assert (outputs / LATEST).read_text().strip() == second.name
    files = set(mf.read_manifest(first)["outputs"])
    notebooks = {f"notebooks/{p.name}" for p in paths.NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")}
    assert notebooks <= files
    for table in ("documents", "intake_summary", "encodings"):
        assert {f"tables/{table}.parquet", f"tables/{table}.csv"} <= files
    assert {"charts/document_lengths.vl.json", "charts/document_lengths.svg"} <= files
    docs = pl.read_parquet(first / "tables" / "documents.parquet")
    assert docs["status"].to_list() == ["ok"] * 5


def test_a_run_writes_exactly_the_registered_tables_with_their_columns(two_seed_runs):
    _, first, _ = two_seed_runs
    written = {p.stem: p for p in (first / "tables").glob("*.parquet")}
    expected = set(registry.TABLES)
    if not (SHARED_PTC / "labels.tsv").is_file():  # validation is skipped without the corpus
        expected.discard("ptc_validation")
    assert set(written) == expected
    assert {p.stem for p in (first / "tables").glob("*.csv")} == expected
    for name, path in written.items():
        table = registry.TABLES[name]
        schema = dict(pl.read_parquet_schema(path))
        keys = list(table.sort_by)
        if table.key_parameter:  # cue_rates: per source on five documents (rates_by=auto)
            assert schema.pop("source") == pl.String
            keys.insert(0, "source")
        assert schema == dict(table.schema), name
        frame = pl.read_parquet(path)
        assert frame.equals(frame.sort(keys, nulls_last=True, maintain_order=True)), name


def test_manifest_records_what_produced_the_run(two_seed_runs):
    _, first, _ = two_seed_runs
    m = mf.read_manifest(first)
    assert m["run_id"] == first.name and m["status"] == "succeeded"
    assert m["started_at"] <= m["ended_at"]
    assert m["parameters"] == load_yaml(paths.PARAMS_FILE)  # corpus shown relative: "seeds"
    assert m["parameters"]["corpus"] == "seeds"
    assert [f["path"] for f in m["inputs"]["files"]] == [
        f"seeds/{p.name}" for p in sorted(paths.SEEDS.iterdir())
    ]
    assert m["inputs"]["files"][0]["sha256"] == mf.sha256_file(sorted(paths.SEEDS.iterdir())[0])
    assert m["inputs"]["documents_by_status"] == {"ok": 5}
    assert set(m["git"]) >= {"commit", "dirty"}
    assert m["environment"]["packages"]["papermill"] == "2.7.0"
    assert [n["name"] for n in m["notebooks"]] == [
        p.name for p in sorted(paths.NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    ]
    assert all(n["status"] == "succeeded" and n["duration_s"] > 0 for n in m["notebooks"])


def test_two_runs_give_byte_identical_tables_and_charts(two_seed_runs):
    _, first, second = two_seed_runs
    a, b = mf.read_manifest(first)["outputs"], mf.read_manifest(second)["outputs"]
    compared = [k for k in a if k.startswith(("tables/", "charts/"))]
    assert len(compared) >= 8
    assert {k: a[k] for k in compared} == {k: b[k] for k in compared}
    assert set(compared) == {k for k in b if k.startswith(("tables/", "charts/"))}


def test_nothing_changed_takes_the_earlier_runs_files(two_seed_runs, tmp_path, capsys):
    import papermill

    _, _, second = two_seed_runs
    outputs = tmp_path / "outputs"
    shutil.copytree(second, outputs / second.name)
    executed = []
    real = papermill.execute_notebook
    papermill.execute_notebook = lambda *a, **k: executed.append(a) or real(*a, **k)
    try:
        assert run_cli(outputs) == 0
    finally:
        papermill.execute_notebook = real
    assert executed == []  # nothing ran
    err = capsys.readouterr().err
    assert f"nothing changed since run {second.name}" in err
    again = latest_run(outputs)
    assert again.name != second.name
    m = mf.read_manifest(again)
    assert m["reused_from"] == second.name and m["status"] == "succeeded"
    assert {n["status"] for n in m["notebooks"]} == {"reused"}
    assert m["fingerprint"] == mf.read_manifest(second)["fingerprint"]
    before = mf.read_manifest(second)["outputs"]
    assert set(m["outputs"]) == set(before)
    outputs_only = {k: v for k, v in m["outputs"].items() if not k.startswith("report/")}
    assert outputs_only == {k: v for k, v in before.items() if not k.startswith("report/")}
    # the report is the new run's own: it names the run it belongs to
    page = (again / "report" / "index.html").read_text(encoding="utf-8")
    assert again.name in page and second.name not in page
    copied = outputs / second.name / "tables" / "documents.parquet"
    assert (again / "tables" / "documents.parquet").stat().st_ino == copied.stat().st_ino
    # the notebooks' pages are theirs, linked, not exported again
    page_of = outputs / second.name / "report" / "01_provenance.html"
    assert (again / "report" / "01_provenance.html").stat().st_ino == page_of.stat().st_ino
    assert mf.verify(again).ok
    # what would change the fingerprint (inputs, parameters, code, ...): tests/run/test_fingerprint


def test_verify_detects_a_changed_file(two_seed_runs, tmp_path, capsys):
    outputs, first, _ = two_seed_runs
    copy = tmp_path / first.name
    shutil.copytree(first, copy)
    assert main(["verify", str(copy)]) == 0
    with (copy / "tables" / "documents.csv").open("a") as fh:
        fh.write("forged,row\n")
    assert main(["verify", str(copy)]) == 1
    assert "changed: tables/documents.csv" in capsys.readouterr().out
    assert main(["verify", "LATEST", "--outputs", str(outputs)]) == 0


def failing_notebooks(folder: Path) -> Path:
    """The real notebook 00 followed by a notebook that raises."""
    folder.mkdir()
    shutil.copy(paths.NOTEBOOKS / "00_corpus.ipynb", folder / "00_corpus.ipynb")
    cells = [
        nbformat.v4.new_code_cell(
            "corpus = 'seeds'\noutput_dir = None", metadata={"tags": ["parameters"]}
        ),
        nbformat.v4.new_code_cell("raise RuntimeError('helper output changed shape')"),
    ]
    nb = nbformat.v4.new_notebook(
        cells=cells,
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
    )
    nbformat.write(nb, folder / "01_fails.ipynb")
    return folder


def test_failing_notebook_keeps_earlier_runs_and_latest(two_seed_runs, tmp_path):
    outputs, first, second = two_seed_runs
    before = {run.name: mf.hash_tree(run, exclude=frozenset()) for run in (first, second)}
    latest_before = (outputs / LATEST).read_bytes()
    notebooks = failing_notebooks(tmp_path / "nbs")
    params = tmp_path / "params.yaml"
    params.write_text("corpus: seeds\nmax_bytes: 5000000\n")
    assert run_cli(outputs, "--notebooks", str(notebooks), "--params", str(params)) == 1
    assert (outputs / LATEST).read_bytes() == latest_before
    assert {run.name: mf.hash_tree(run, exclude=frozenset()) for run in (first, second)} == before
    failed = [p for p in outputs.iterdir() if p.name.endswith(".failed")]
    assert len(failed) == 1
    m = mf.read_manifest(failed[0])
    assert m["status"] == "failed"
    assert m["error"] == "01_fails.ipynb: RuntimeError: helper output changed shape"
    assert [n["status"] for n in m["notebooks"]] == ["succeeded", "failed"]
    executed = nbformat.read(failed[0] / "notebooks" / "01_fails.ipynb", as_version=4)
    errors = [
        o
        for c in executed.cells
        if c.cell_type == "code"
        for o in c.outputs
        if o.output_type == "error"
    ]
    assert errors and errors[0]["evalue"] == "helper output changed shape"
    assert not [p for p in outputs.iterdir() if p.name.startswith(".tmp-")]
    assert find_run("LATEST", outputs) == second


def test_unknown_parameter_is_refused_before_anything_runs(tmp_path, capsys):
    outputs = tmp_path / "outputs"
    assert run_cli(outputs, "-p", "colour=red") == 2
    assert "unknown parameter colour" in capsys.readouterr().err
    assert run_cli(outputs, "--corpus", str(tmp_path / "missing")) == 2
    assert "corpus not found" in capsys.readouterr().err
    assert run_cli(outputs, "-p", "output_dir=/tmp/x") == 2
    assert "set by the runner" in capsys.readouterr().err
    assert not outputs.exists()


MARKUP = (
    "<script>alert('title')</script> Kazakhstan and the West\n\n"
    "Astana said on Monday that <img src=x onerror=alert(1)> its multi-vector policy, "
    "“the <b>so-called</b> balance”, would continue, according to the press service.\n"
    "<script>alert('body')</script> The so-called experts said: “We <i>never</i> agreed.”\n"
)


@pytest.fixture(scope="module")
def grid_runs(tmp_path_factory) -> dict[str, Path]:
    """One grid, two sets at a time, of the corpora whole runs must survive (runs by set name).

    ``small``: one sentence; ``hostile``: every kind of bad input, a link to /etc/passwd and a
    FIFO, with ``max_bytes=2000``; ``markup``: a document full of HTML and script tags.
    """
    import os

    root = tmp_path_factory.mktemp("grid")
    small = root / "small"
    small.mkdir()
    (small / "one.txt").write_text("Astana and Moscow signed a deal.\n")
    hostile = root / "hostile"
    write_hostile_corpus(hostile)
    (hostile / "passwd.txt").symlink_to("/etc/passwd")  # the repro: never read
    os.mkfifo(hostile / "pipe.txt")  # would block a reader forever
    markup = root / "markup"
    markup.mkdir()
    (markup / "a.txt").write_text(MARKUP, encoding="utf-8")
    grid = root / "grid.yaml"
    grid.write_text(
        "runs:\n"
        f"  - name: small\n    corpus: {small}\n"
        f"  - name: hostile\n    corpus: {hostile}\n    max_bytes: 2000\n"
        f"  - name: markup\n    corpus: {markup}\n"
    )
    outputs = root / "outputs"
    assert run_cli(outputs, "--grid", str(grid), "--jobs", "2") == 0
    return {p.name.split("-", 1)[1]: p for p in sorted(outputs.iterdir()) if p.is_dir()}


def test_grid_runs_each_set_as_its_own_run_in_parallel(grid_runs):
    assert sorted(grid_runs) == ["hostile", "markup", "small"]
    sizes = {
        name: json.loads((run / "manifest.json").read_text())["inputs"]["documents_by_status"]
        for name, run in grid_runs.items()
    }
    assert sizes == {
        "small": {"ok": 1},
        "markup": {"ok": 1},
        "hostile": {"duplicate": 1, "ok": 6, "rejected": 7},
    }
    m = mf.read_manifest(grid_runs["hostile"])
    assert m["status"] == "succeeded" and m["parameters"]["max_bytes"] == 2000


def test_hostile_corpus_completes_with_every_file_accounted_for(grid_runs, tmp_path):
    run = grid_runs["hostile"]
    docs = pl.read_parquet(run / "tables" / "documents.parquet")
    files = write_hostile_corpus(tmp_path / "same_names")
    assert sorted(docs["source"].to_list()) == sorted([*files, "passwd.txt", "pipe.txt"])
    assert docs.group_by("status").len().sort("status").rows() == [
        ("duplicate", 1),
        ("ok", 6),
        ("rejected", 7),
    ]
    reasons = dict(docs.select("source", "reason").rows())
    assert reasons["passwd.txt"] == "symlink outside the corpus"
    assert reasons["pipe.txt"] == "not a regular file (fifo)"
    m = mf.read_manifest(run)
    assert len(m["inputs"]["files"]) == len(files)  # the link and the FIFO are not hashed
    leaked = [p for p in run.rglob("*") if p.is_file() and b"root:x:0:0" in p.read_bytes()]
    assert leaked == []


def test_interrupted_run_is_marked_and_touches_nothing_else(two_seed_runs, monkeypatch):
    import papermill

    outputs, first, _ = two_seed_runs
    latest_before = (outputs / LATEST).read_bytes()
    before = mf.hash_tree(first, exclude=frozenset())

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(papermill, "execute_notebook", interrupt)
    assert run_cli(outputs, "--no-reuse", "--workers", "1") == 130
    interrupted = [p for p in outputs.iterdir() if p.name.endswith(".interrupted")]
    assert len(interrupted) == 1
    m = mf.read_manifest(interrupted[0])
    assert (m["status"], m["error"]) == ("interrupted", "interrupted by the user")
    assert m["notebooks"][0]["status"] == "interrupted"
    assert (outputs / LATEST).read_bytes() == latest_before
    assert mf.hash_tree(first, exclude=frozenset()) == before


def test_markup_in_documents_never_renders_as_active_html(grid_runs):
    """A document holding markup shows as text in every executed notebook (issue: escaping)."""
    run = grid_runs["markup"]
    checked = 0
    for path in sorted((run / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                for mime in ("text/html", "image/svg+xml"):
                    html = output.get("data", {}).get(mime)
                    if html:
                        checked += 1
                        lowered = html.lower()
                        for tag in ("<script", "<img", "<b>", "<i>"):  # escaped: &lt;script...
                            assert tag not in lowered, (path.name, tag, cell.source[:60])
    assert checked >= 10


# --- refused before anything runs, failures that leave nothing behind ---------------------------


def tiny_notebooks(folder: Path, body: str = "print('ok')") -> Path:
    """One small notebook taking the corpus, so a run costs one kernel start."""
    folder.mkdir()
    cells = [
        nbformat.v4.new_code_cell(
            "corpus = 'seeds'\nmax_bytes = 5_000_000\noutput_dir = None",
            metadata={"tags": ["parameters"]},
        ),
        nbformat.v4.new_code_cell(body),
    ]
    nb = nbformat.v4.new_notebook(
        cells=cells,
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
    )
    nbformat.write(nb, folder / "00_tiny.ipynb")
    params = folder / "params.yaml"
    params.write_text("corpus: seeds\nmax_bytes: 5000000\n")
    return folder


def earlier_run(outputs: Path) -> dict[str, bytes]:
    """A finished run and LATEST naming it; returns every file's bytes to compare later."""
    run = outputs / "20260101T000000.000000Z"
    (run / "tables").mkdir(parents=True)
    (run / "tables" / "documents.csv").write_text("doc_id\nabc\n")
    mf.write_manifest(run, {"run_id": run.name, "status": "succeeded"})
    (outputs / LATEST).write_text(run.name + "\n")
    return snapshot(outputs)


def snapshot(outputs: Path) -> dict[str, bytes]:
    return {
        p.relative_to(outputs).as_posix(): p.read_bytes()
        for p in sorted(outputs.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-p", "n_boot=abc"], "error: n_boot must be an integer >= 1 (got 'abc')"),
        (["-p", "group_by=nonexistent"], "error: group_by must be one of: author, "),
        (["-p", "families=[hedges, nope]"], "error: families must be a non-empty list of: "),
        (["-p", "max_bytes=0"], "error: max_bytes must be an integer >= 1 (got 0)"),
    ],
)
def test_bad_value_is_refused_before_any_notebook_and_makes_no_run_folder(
    tmp_path, capsys, args, message
):
    outputs = tmp_path / "outputs"
    assert run_cli(outputs, *args) == 2
    err = capsys.readouterr().err
    assert err.startswith(message) and len(err.strip().splitlines()) == 1
    assert not outputs.exists()


def test_a_grid_is_checked_whole_before_its_first_set_runs(tmp_path, capsys):
    grid = tmp_path / "grid.yaml"
    grid.write_text("runs:\n  - name: fine\n  - name: broken\n    n_boot: lots\n")
    outputs = tmp_path / "outputs"
    assert run_cli(outputs, "--grid", str(grid)) == 2
    err = capsys.readouterr().err
    assert "error: parameter set 2 (broken): n_boot must be an integer >= 1 (got 'lots')" in err
    assert not outputs.exists()


def test_missing_optional_input_is_not_an_error(tmp_path):
    notebooks = tiny_notebooks(tmp_path / "nbs")
    outputs = tmp_path / "outputs"
    # ptc_dir is declared by no tiny notebook: check the value alone through the schema
    from analysis.run.params import check_values

    check_values({"ptc_dir": str(tmp_path / "no_ptc")})
    assert (
        run_cli(outputs, "--notebooks", str(notebooks), "--params", str(notebooks / "params.yaml"))
        == 0
    )


def test_empty_corpus_is_refused_and_latest_stays(tmp_path, capsys):
    corpus = tmp_path / "empty_corpus"
    corpus.mkdir()
    (corpus / "blank.txt").write_text("   \n\n")
    (corpus / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10)
    outputs = tmp_path / "outputs"
    outputs.mkdir()
    before = earlier_run(outputs)
    assert run_cli(outputs, "--corpus", str(corpus)) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: no document to analyse in ") and "rejected" in err
    assert snapshot(outputs) == before
    empty_folder = tmp_path / "nothing"
    empty_folder.mkdir()
    assert run_cli(outputs, "--corpus", str(empty_folder)) == 2
    assert snapshot(outputs) == before


@pytest.mark.parametrize("where", ["write_manifest", "lock"])
def test_write_failure_exits_1_with_one_error_line_and_keeps_earlier_runs(
    tmp_path, capsys, monkeypatch, where
):
    """Fault injection (always runs): the disk fills while the run is written."""
    import errno

    from analysis.run import runner

    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    notebooks = tiny_notebooks(tmp_path / "nbs")
    outputs = tmp_path / "outputs"
    outputs.mkdir()
    before = earlier_run(outputs)
    if where == "write_manifest":
        monkeypatch.setattr(runner.mf, "write_manifest", no_space)
    else:
        monkeypatch.setattr(runner, "_lock", no_space)
    code = run_cli(
        outputs, "--notebooks", str(notebooks), "--params", str(notebooks / "params.yaml")
    )
    err = capsys.readouterr().err
    assert code == 1
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "No space left on device" in errors[0], err
    assert "Traceback" not in err
    assert snapshot(outputs) == before  # no new folder, no .tmp-, LATEST as it was


def test_stale_temporary_folders_go_but_a_live_run_keeps_its_own(tmp_path, capsys):
    import fcntl
    import os
    import time

    from analysis.run import runner

    outputs = tmp_path / "outputs"
    killed = outputs / ".tmp-20260101T000000.000000Z"
    killed.mkdir(parents=True)
    (killed / ".lock").write_text("999999\n")  # nobody holds it: its run was killed
    (killed / "tables").mkdir()
    old_style = outputs / ".tmp-20250101T000000.000000Z"  # no lock file, and old
    old_style.mkdir()
    os.utime(old_style, (time.time() - 3600, time.time() - 3600))
    starting = outputs / ".tmp-20270101T000000.000000Z"  # no lock file yet, just made
    starting.mkdir()
    live = outputs / ".tmp-20260202T000000.000000Z"
    live.mkdir()
    fd = os.open(live / ".lock", os.O_WRONLY | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    try:
        assert main(["runs", "list", "--outputs", str(outputs)]) == 0
        listing = capsys.readouterr().out
        assert f"{live.name}  running" in listing and f"{killed.name}  stale" in listing
        assert main(["runs", "clean", "--yes", "--outputs", str(outputs)]) == 0
        assert "removed 2 folder(s)" in capsys.readouterr().out
        assert sorted(p.name for p in outputs.iterdir()) == sorted([starting.name, live.name])
    finally:
        os.close(fd)
    assert runner.clean_stale(outputs, log=lambda m: None) == [live.name]


def test_a_killed_run_is_cleaned_by_the_next_but_not_while_it_runs(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    from analysis.run import runner

    notebooks = tiny_notebooks(tmp_path / "nbs", body="import time\ntime.sleep(120)")
    outputs = tmp_path / "outputs"
    command = [
        sys.executable, "-m", "analysis", "run", "--outputs", str(outputs), "--no-progress",
        "--notebooks", str(notebooks), "--params", str(notebooks / "params.yaml"),
    ]  # fmt: skip
    proc = subprocess.Popen(command, start_new_session=True, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not list(outputs.glob(".tmp-*/.lock")) and time.monotonic() < deadline:
            time.sleep(0.2)
        (tmp_dir,) = [p.parent for p in outputs.glob(".tmp-*/.lock")]
        assert main(["runs", "clean", "--outputs", str(outputs)]) == 0
        assert tmp_dir.is_dir()  # still running: kept
        assert (tmp_dir / ".lock").read_text().strip() == str(proc.pid)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # kill -9 the run and its kernel
        proc.wait()
    assert tmp_dir.is_dir()
    # the rest of the process group exits a moment after the run: wait until the lock is free
    deadline = time.monotonic() + 30
    while not runner._is_stale(tmp_dir, time.time()) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert main(["runs", "clean", "--yes", "--outputs", str(outputs)]) == 0
    assert not tmp_dir.exists()


def test_runs_lists_what_differs_and_clean_asks_before_removing(tmp_path, capsys, monkeypatch):
    """A named run, a failed and an interrupted one: ``runs`` shows each with the parameters it
    changed and its size; ``runs clean`` removes the failed and interrupted ones only, and only
    when told so (``--yes``) or answered yes."""
    notebooks = tiny_notebooks(tmp_path / "nbs")
    outputs = tmp_path / "outputs"
    args = ["--outputs", str(outputs), "--no-progress", "--notebooks", str(notebooks)]
    args += ["--params", str(notebooks / "params.yaml")]
    assert main(["run", *args, "--name", "trial run", "-p", "max_bytes=40000"]) == 0
    (named,) = [p for p in outputs.iterdir() if p.is_dir()]
    assert named.name.endswith("Z-trial-run")
    for status in ("failed", "interrupted"):
        other = outputs / f"20260101T00000{len(status)}.000000Z.{status}"
        other.mkdir()
        mf.write_manifest(other, {"run_id": other.name, "status": status, "parameters": {}})
    capsys.readouterr()
    assert main(["runs", "--outputs", str(outputs)]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert listing[0].split() == [
        "run",
        "status",
        "corpus",
        "documents",
        "size",
        "parameters",
        "changed",
    ]
    row = next(line for line in listing if line.startswith(named.name))
    assert "succeeded (LATEST)" in row and row.endswith(" max_bytes=40000") and " MB " in row
    assert " seeds " in row  # the tiny notebook writes no documents table: no counts
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert main(["runs", "clean", "--outputs", str(outputs)]) == 1  # not asked: nothing goes
    assert "add --yes" in capsys.readouterr().err
    assert len([p for p in outputs.iterdir() if p.is_dir()]) == 3
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    assert main(["runs", "clean", "--outputs", str(outputs)]) == 0
    assert len([p for p in outputs.iterdir() if p.is_dir()]) == 3
    monkeypatch.setattr("builtins.input", lambda prompt: "y")
    assert main(["runs", "clean", "--outputs", str(outputs)]) == 0
    assert sorted(p.name for p in outputs.iterdir()) == sorted([named.name, LATEST])
    assert main(["runs", "clean", "--yes", "--outputs", str(outputs)]) == 0
    assert "nothing to remove" in capsys.readouterr().out


_MOUNTED_RUN = r"""
import json, subprocess, sys
from pathlib import Path
from analysis.run import manifest as mf

mnt, mode, nbs = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
subprocess.run(["mount", "-t", "tmpfs", "-o", "size=400k", "tmpfs", str(mnt)], check=True)
outputs = mnt / "outputs"
run = outputs / "20260101T000000.000000Z"
(run / "tables").mkdir(parents=True)
(run / "tables" / "documents.csv").write_text("doc_id\nabc\n")
mf.write_manifest(run, {"run_id": run.name, "status": "succeeded"})
(outputs / "LATEST").write_text(run.name + "\n")

def snapshot():
    return {str(p.relative_to(outputs)): p.read_bytes().hex()
            for p in sorted(outputs.rglob("*")) if p.is_file()}

before = snapshot()
if mode == "ro":
    subprocess.run(["mount", "--bind", str(mnt), str(mnt)], check=True)
    subprocess.run(["mount", "-o", "remount,ro,bind", str(mnt)], check=True)
done = subprocess.run(
    [sys.executable, "-m", "analysis", "run", "--outputs", str(outputs), "--no-progress",
     "--notebooks", nbs, "--params", nbs + "/params.yaml"],
    capture_output=True, text=True, timeout=300,
)
names = sorted(p.name for p in outputs.iterdir())
print(json.dumps({"code": done.returncode, "stderr": done.stderr,
                  "unchanged": snapshot() == before, "names": names}))
"""


def _can_mount(tmp_path: Path) -> str | None:
    import shutil
    import subprocess

    if shutil.which("unshare") is None:
        return "unshare is not installed"
    probe = tmp_path / "probe"
    probe.mkdir()
    done = subprocess.run(
        ["unshare", "-m", "mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(probe)],
        capture_output=True,
        text=True,
    )
    return None if done.returncode == 0 else f"cannot mount in a private namespace: {done.stderr}"


@pytest.mark.parametrize(
    ("mode", "reason"), [("full", "No space left on device"), ("ro", "Read-only file system")]
)
def test_real_full_disk_and_read_only_outputs(tmp_path, mode, reason):
    """A 400 kB tmpfs that a notebook fills, and the same mounted read-only (root ignores
    permission bits, so a real mount is the only honest read-only test)."""
    import subprocess
    import sys

    why_not = _can_mount(tmp_path)
    if why_not:
        pytest.skip(why_not)
    notebooks = tiny_notebooks(
        tmp_path / "nbs",
        body="with open(f'{output_dir}/big.bin', 'wb') as fh:\n    fh.write(b'x' * 2_000_000)",
    )
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    done = subprocess.run(
        ["unshare", "-m", sys.executable, "-c", _MOUNTED_RUN, str(mnt), mode, str(notebooks)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    errors = [line for line in result["stderr"].splitlines() if line.startswith("error:")]
    assert result["code"] == 1, result["stderr"]
    assert len(errors) == 1 and reason in errors[0], result["stderr"]
    # no traceback of ours (the kernel may print its own while it is stopped on a full disk)
    assert not re.search(r'File "[^"]*/analysis/', result["stderr"]), result["stderr"]
    assert result["unchanged"] and result["names"] == ["20260101T000000.000000Z", "LATEST"]


def test_a_kernel_that_dies_at_start_is_started_again(monkeypatch, tmp_path):
    """Kernels started at once by two processes can race for one port; the loser is restarted."""
    import papermill

    from analysis.run import runner

    calls = []

    def flaky(*args, **kwargs):
        calls.append(args)
        if len(calls) == 1:
            raise RuntimeError("Kernel died before replying to kernel_info")

    monkeypatch.setattr(papermill, "execute_notebook", flaky)
    monkeypatch.setattr(runner.time, "sleep", lambda s: None)
    job = (tmp_path / "a.ipynb", tmp_path / "out.ipynb", {}, 10, False)
    status, _, error = runner._execute_notebook(job)
    assert (status, error, len(calls)) == ("succeeded", None, 2)

    def broken(*args, **kwargs):
        calls.append(args)
        raise ValueError("a cell failed")

    monkeypatch.setattr(papermill, "execute_notebook", broken)
    calls.clear()
    assert runner._execute_notebook(job)[::2] == ("failed", "ValueError: a cell failed")
    assert len(calls) == 1  # a notebook's own error is not retried


def test_the_first_notebooks_start_in_kernels_warmed_while_the_stages_build(tmp_path):
    """Two notebook processes for three notebooks, the stages computed in the runner's process
    (five documents start no cluster): meanwhile each process starts a kernel and makes the
    notebooks' imports in it, silently, and runs its first notebook there; the third notebook
    gets a kernel of its own. Nothing is left running."""
    import psutil

    folder = tmp_path / "nbs"
    folder.mkdir()
    probe = "import sys\nprint('altair' in sys.modules, sys.argv[0].endswith('run/kernel.py'))"
    for name in ("00_a", "01_b", "02_c"):
        cells = [
            nbformat.v4.new_code_cell(
                "corpus = 'seeds'\noutput_dir = None", metadata={"tags": ["parameters"]}
            ),
            nbformat.v4.new_code_cell(probe),
        ]
        nb = nbformat.v4.new_notebook(
            cells=cells,
            metadata={
                "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
            },
        )
        nbformat.write(nb, folder / f"{name}.ipynb")
    (folder / "params.yaml").write_text("corpus: seeds\n")
    outputs = tmp_path / "outputs"
    args = ["--notebooks", str(folder), "--params", str(folder / "params.yaml")]
    assert run_cli(outputs, *args, "--workers", "2", "--cache", str(tmp_path / "cache")) == 0
    run = find_run("LATEST", outputs)
    seen = []
    for name in ("00_a", "01_b", "02_c"):
        executed = nbformat.read(run / "notebooks" / f"{name}.ipynb", as_version=4)
        code = [c for c in executed.cells if c.cell_type == "code"]
        assert [c.execution_count for c in code] == [1, 2, 3]  # papermill's injected cell, 2, 3
        seen.append(code[-1].outputs[0]["text"].strip())
    # the kernels are the runner's (analysis.run.kernel); two of the three were warm
    assert sorted(seen) == ["False True", "True True", "True True"]
    mine = psutil.Process().children(recursive=True)
    assert not [p for p in mine if "analysis.run.kernel" in " ".join(p.cmdline())]


def test_a_notebook_whose_process_dies_fails_with_that_reason(tmp_path):
    """Notebook processes start when first asked, and one killed while it holds a notebook
    gives that notebook a failed result instead of a run that waits for ever."""
    import signal

    from analysis.run.runner import NotebookProcesses

    pool = NotebookProcesses(2, tmp_path)
    assert not pool.started and not any(p.is_alive() for p in pool.processes)
    with pool:
        pool.start()
        victim = pool.processes[1]
        assert victim.pid is not None
        os.kill(victim.pid, signal.SIGKILL)
        victim.join(10)
        assert pool.next_result({1: 3}) == (
            1,
            3,
            ("failed", 0.0, "its process died (exit code -9)"),
        )
    assert not any(p.is_alive() for p in pool.processes)
    NotebookProcesses(1, tmp_path).close()  # never started: nothing to stop
