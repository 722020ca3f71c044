"""Manifest: hashes of inputs and outputs, environment, git state, verification."""

from __future__ import annotations

import hashlib
import subprocess

from analysis import manifest as mf
from analysis import paths


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
    assert result.inputs_changed == [seed.resolve().as_posix()]


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
