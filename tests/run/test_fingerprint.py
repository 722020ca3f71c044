"""A run's fingerprint: what its results depend on, and the earlier run it can take them from."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from analysis.core import paths
from analysis.run import fingerprint as F
from analysis.run import manifest as mf

ENV = {"python": "3.11.7", "implementation": "CPython", "packages": {"polars": "2.1.0"}}


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, list[Path]]:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Astana hosts the ministers.\n")
    notebooks = tmp_path / "nbs"
    notebooks.mkdir()
    (notebooks / "00_x.ipynb").write_text('{"cells": []}')
    return corpus, sorted(notebooks.iterdir())


def digest(corpus: Path, notebooks: list[Path], **values) -> str:
    params = {"corpus": str(corpus), "n_boot": 1000, **values}
    return F.fingerprint(params, notebooks, environment=ENV)["digest"]


def test_the_same_state_gives_the_same_digest(setup):
    corpus, notebooks = setup
    assert digest(corpus, notebooks) == digest(corpus, notebooks)
    parts = F.fingerprint({"corpus": str(corpus)}, notebooks, environment=ENV)
    assert set(parts) == {
        "digest",
        "version",
        "parameters",
        "inputs",
        "notebooks",
        "code",
        "environment",
    }
    assert parts["notebooks"] == {"00_x.ipynb": mf.sha256_file(notebooks[0])}


def test_every_part_changes_the_digest(setup):
    corpus, notebooks = setup
    base = digest(corpus, notebooks)
    assert digest(corpus, notebooks, n_boot=999) != base  # a parameter
    (corpus / "a.txt").write_text("Astana hosts the ministers!\n")  # an input's bytes
    edited = digest(corpus, notebooks)
    assert edited != base
    (corpus / "b.txt").write_text("Another article.\n")  # a new input
    assert digest(corpus, notebooks) not in (base, edited)
    notebooks[0].write_text('{"cells": [1]}')  # a notebook
    before_env = digest(corpus, notebooks)
    other = {**ENV, "packages": {"polars": "2.1.1"}}  # a package version
    params = {"corpus": str(corpus), "n_boot": 1000}
    assert F.fingerprint(params, notebooks, environment=other)["digest"] != before_env


def test_an_optional_input_counts_whether_present_or_not(setup, tmp_path):
    corpus, notebooks = setup
    names = ("corpus", "ptc_dir")
    params = {"corpus": str(corpus), "ptc_dir": str(tmp_path / "ptc")}
    missing = F.fingerprint(params, notebooks, path_names=names, environment=ENV)
    assert missing["inputs"]["ptc_dir"] == "missing"
    (tmp_path / "ptc").mkdir()
    (tmp_path / "ptc" / "labels.tsv").write_text("id\ttechnique\n")
    present = F.fingerprint(params, notebooks, path_names=names, environment=ENV)
    assert present["digest"] != missing["digest"]


def test_code_digest_follows_every_file_of_the_package_but_not_caches(tmp_path):
    package = tmp_path / "pkg"
    shutil.copytree(Path(F.__file__).parents[1], package)
    before = F.code_digest(package)
    assert before == F.code_digest()  # the copy holds the same files
    (package / "__pycache__").mkdir(exist_ok=True)
    (package / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"\0")
    assert F.code_digest(package) == before
    helper = package / "text" / "tokens.py"
    helper.write_text(helper.read_text() + "\n# edited\n")
    assert F.code_digest(package) != before
    helper.write_text(helper.read_text().replace("\n# edited\n", ""))
    lexicon = package / "data" / "rhetoric.yaml"
    lexicon.write_text(lexicon.read_text() + "\n")
    assert F.code_digest(package) != before


def fake_run(outputs: Path, run_id: str, digest: str, status: str = "succeeded") -> Path:
    run = outputs / run_id
    (run / "tables").mkdir(parents=True)
    (run / "tables" / "t.csv").write_text("a\n1\n")
    mf.write_manifest(run, {"run_id": run_id, "status": status, "fingerprint": {"digest": digest}})
    return run


def test_reusable_run_is_the_newest_intact_success_with_the_digest(tmp_path):
    outputs = tmp_path / "outputs"
    assert F.reusable_run(outputs, "abc") is None
    older = fake_run(outputs, "20260101T000000.000000Z", "abc")
    newer = fake_run(outputs, "20260102T000000.000000Z", "abc")
    fake_run(outputs, "20260103T000000.000000Z", "other")
    failed = fake_run(outputs, "20260104T000000.000000Z", "abc", status="failed")
    failed.rename(outputs / f"{failed.name}.failed")
    assert F.reusable_run(outputs, "abc") == newer
    (newer / "tables" / "t.csv").write_text("a\n2\n")  # edited after the run: not taken
    assert F.reusable_run(outputs, "abc") == older
    manifest = json.loads((older / mf.MANIFEST).read_text())
    assert manifest["fingerprint"]["digest"] == "abc"
    assert F.reusable_run(outputs, "zzz") is None


def test_the_seed_fingerprint_names_the_corpus_relative_to_the_project():
    notebooks = sorted(paths.NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    parts = F.fingerprint({"corpus": str(paths.SEEDS)}, notebooks, environment=ENV)
    assert parts["parameters"] == {"corpus": "seeds"}
    assert len(parts["inputs"]["corpus"]) == 64
