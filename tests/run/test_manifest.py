"""Manifest: hashes of inputs and outputs, environment, git state, verification."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

from analysis.core import paths
from analysis.run import manifest as mf

SRC = Path(mf.__file__).resolve().parents[2]


def make_run(tmp_path):
    run = tmp_path / "run"
    (run / "tables").mkdir(parents=True)
    (run / "tables" / "t.csv").write_text("a\n1\n")
    (run / "charts").mkdir()
    (run / "charts" / "c.svg").write_text("<svg/>")
    mf.write_manifest(run, {"run_id": "r", "inputs": {"files": []}})
    return run


def test_hash_tree_hashes_every_file_but_the_manifest(tmp_path):
    run = make_run(tmp_path)
    assert mf.read_manifest(run)["outputs"] == {
        "charts/c.svg": hashlib.sha256(b"<svg/>").hexdigest(),
        "tables/t.csv": hashlib.sha256(b"a\n1\n").hexdigest(),
    }


def test_verify_passes_on_an_untouched_run(tmp_path):
    result = mf.verify(make_run(tmp_path))
    assert result.ok and result.checked == 2
    assert result.report().endswith("OK: every output matches the manifest")


def test_verify_detects_changed_missing_and_extra_files(tmp_path):
    run = make_run(tmp_path)
    (run / "tables" / "t.csv").write_text("a\n2\n")
    (run / "charts" / "c.svg").unlink()
    (run / "tables" / "new.csv").write_text("x\n")
    result = mf.verify(run)
    assert (result.changed, result.missing, result.extra) == (
        ["tables/t.csv"],
        ["charts/c.svg"],
        ["tables/new.csv"],
    )
    assert not result.ok
    assert "changed: tables/t.csv" in result.report()


def test_verify_notes_inputs_that_changed_since(tmp_path):
    seed = tmp_path / "doc.txt"
    seed.write_text("one")
    run = tmp_path / "run"
    run.mkdir()
    mf.write_manifest(run, {"inputs": {"files": mf.input_files(seed)}})
    seed.write_text("two")
    result = mf.verify(run)
    assert result.ok  # outputs are intact; the input change is reported, not an error
    assert result.inputs_changed == [paths.display_path(seed)]


def test_input_files_of_a_folder(tmp_path):
    (tmp_path / "b.txt").write_bytes(b"bb")
    (tmp_path / "a.txt").write_bytes(b"a")
    files = mf.input_files(tmp_path)
    assert [(f["bytes"], f["sha256"]) for f in files] == [
        (1, hashlib.sha256(b"a").hexdigest()),
        (2, hashlib.sha256(b"bb").hexdigest()),
    ]


def test_environment_lists_pinned_packages():
    env = mf.environment()
    assert env["python"].startswith("3.11")
    assert env["packages"]["polars"] == "2.1.0"
    assert env["packages"]["papermill"] == "2.7.0"


def test_git_state_of_a_repository(tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "f").write_text("x")
    for args in (["add", "f"], ["-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "m"]):
        subprocess.run(["git", "-C", str(tmp_path), *args], check=True)
    clean = mf.git_state(tmp_path)
    assert len(clean["commit"]) == 40 and clean["dirty"] is False
    (tmp_path / "f").write_text("y")
    assert mf.git_state(tmp_path)["dirty"] is True
    (tmp_path / "f").write_text("x")
    (tmp_path / "outputs").mkdir()
    (tmp_path / "outputs" / "run.txt").write_text("runs do not make the tree dirty")
    assert mf.git_state(tmp_path)["dirty"] is False


def test_git_state_outside_git(tmp_path):
    state = mf.git_state(tmp_path)
    assert state["commit"] is None and state["dirty"] is None
    assert state["reason"].startswith("git unavailable")


def test_paths_are_shown_relative_to_the_project():
    assert paths.display_path(paths.SEEDS) == "seeds"


def test_input_files_never_opens_what_the_corpus_walk_refuses(tmp_path):
    """Same contained walk as read_corpus: links out, FIFOs, loops are neither hashed nor opened."""
    import os
    import signal
    from pathlib import Path

    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_bytes(b"a")
    (tmp_path / "outside.txt").write_bytes(b"SECRET")
    (folder / "passwd.txt").symlink_to("/etc/passwd")
    (folder / "escape.txt").symlink_to("../outside.txt")
    (folder / "z_link.txt").symlink_to("a.txt")
    (folder / "loop").symlink_to("loop")
    (folder / "up").symlink_to(".")
    os.mkfifo(folder / "fifo")
    signal.alarm(30)  # a FIFO opened for reading would block: fail instead of hanging
    try:
        files = mf.input_files(folder)
    finally:
        signal.alarm(0)
    shown = paths.display_path(folder)
    assert files == [
        {"path": f"{shown}/a.txt", "bytes": 1, "sha256": hashlib.sha256(b"a").hexdigest()},
        {"path": f"{shown}/z_link.txt", "bytes": 1, "sha256": hashlib.sha256(b"a").hexdigest()},
    ]
    outside = {mf.sha256_file(tmp_path / "outside.txt"), mf.sha256_file(Path("/etc/passwd"))}
    assert not outside & {f["sha256"] for f in files}


def test_input_files_sizes_are_what_was_read():
    """/proc files report st_size 0; the manifest records the bytes actually hashed."""
    from pathlib import Path

    import pytest

    proc = Path("/proc/sys/kernel/random")
    if not proc.is_dir():
        pytest.skip("needs Linux /proc")
    files = mf.input_files(proc)
    assert len(files) == len(list(proc.iterdir()))
    assert all(f["bytes"] > 0 for f in files)


def test_verify_notices_an_edit_to_the_manifest_itself(tmp_path):
    import json

    run = make_run(tmp_path)
    manifest = json.loads((run / mf.MANIFEST).read_text())
    manifest["parameters"] = {"n_boot": 10}  # a careless edit of the recorded parameters
    (run / mf.MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    result = mf.verify(run)
    assert not result.ok and (result.changed, result.missing, result.extra) == ([], [], [])
    assert result.manifest == (
        "manifest.json was edited after the run (its SHA-256 differs from manifest.json.sha256)"
    )
    assert "  manifest: manifest.json was edited" in result.report()
    (run / mf.DIGEST).unlink()
    assert (
        mf.verify(run).manifest == "manifest.json.sha256 is missing: the manifest cannot be checked"
    )


def test_manifest_digest_is_in_sha256sum_format(tmp_path):
    run = make_run(tmp_path)
    digest = (run / mf.DIGEST).read_text()
    assert digest == f"{mf.sha256_file(run / mf.MANIFEST)}  manifest.json\n"
    check = subprocess.run(["sha256sum", "-c", mf.DIGEST], cwd=run, capture_output=True, text=True)
    assert check.returncode == 0 and check.stdout == "manifest.json: OK\n"
    assert mf.DIGEST not in mf.read_manifest(run)["outputs"]


def test_verify_does_not_block_on_an_input_replaced_by_a_fifo(tmp_path):
    import os
    import signal

    seed = tmp_path / "doc.txt"
    seed.write_text("one")
    run = tmp_path / "run"
    run.mkdir()
    mf.write_manifest(run, {"inputs": {"files": mf.input_files(seed)}})
    seed.unlink()
    os.mkfifo(seed)
    signal.alarm(30)  # opening the FIFO would block: fail instead of hanging
    try:
        assert mf.verify(run).inputs_changed == [paths.display_path(seed)]
    finally:
        signal.alarm(0)


def test_verify_needs_only_the_standard_library(tmp_path):
    """``nox -s verify`` runs ``python -m analysis verify`` with no environment: the command
    and the manifest module must import nothing beyond the standard library."""
    import subprocess
    import sys

    run = tmp_path / "outputs" / "20260101T000000.000000Z"
    (run / "tables").mkdir(parents=True)
    (run / "tables" / "t.csv").write_text("a\n1\n")
    mf.write_manifest(run, {"run_id": run.name, "status": "succeeded"})
    (tmp_path / "outputs" / "LATEST").write_text(run.name + "\n")
    probe = (
        "import runpy, sys\n"
        "started = set(sys.modules)  # what the interpreter itself loaded (site, .pth hooks)\n"
        "sys.argv = ['analysis', 'verify', '--outputs', sys.argv[1]]\n"
        "try:\n"
        "    runpy.run_module('analysis', run_name='__main__')\n"
        "except SystemExit as done:\n"
        "    new = [m for m in set(sys.modules) - started if sys.modules[m] is not None]\n"
        "    tops = {m.split('.')[0] for m in new}  # None: an import refused, not made\n"
        "    third = sorted(tops - set(sys.stdlib_module_names) - {'analysis', '__main__'})\n"
        "    print(done.code, third)\n"
    )
    done = subprocess.run(
        [sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(SRC)!r})\n{probe}",
         str(tmp_path / "outputs")],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.stdout.splitlines()[-1] == "0 []", done.stdout + done.stderr
    assert "OK: every output matches the manifest" in done.stdout
