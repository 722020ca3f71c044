"""The runner end to end: real notebooks through papermill into versioned run folders."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import polars as pl
import pytest
from conftest import write_hostile_corpus

from analysis import manifest as mf
from analysis import paths
from analysis.__main__ import main
from analysis.params import load_yaml
from analysis.runner import LATEST, find_run, latest_run

pytestmark = pytest.mark.slow


def run_cli(outputs: Path, *args: str) -> int:
    return main(["run", "--outputs", str(outputs), "--no-progress", *args])


@pytest.fixture(scope="module")
def two_seed_runs(tmp_path_factory) -> tuple[Path, Path, Path]:
    """Two runs on the seeds into one outputs folder (shared by several tests: seconds each)."""
    outputs = tmp_path_factory.mktemp("outputs")
    assert run_cli(outputs) == 0
    first = latest_run(outputs)
    assert run_cli(outputs) == 0
    second = latest_run(outputs)
    return outputs, first, second


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


def test_hostile_corpus_completes_with_every_file_accounted_for(tmp_path):
    folder = tmp_path / "hostile"
    files = write_hostile_corpus(folder)
    outputs = tmp_path / "outputs"
    assert run_cli(outputs, "--corpus", str(folder), "-p", "max_bytes=2000") == 0
    run = latest_run(outputs)
    docs = pl.read_parquet(run / "tables" / "documents.parquet")
    assert sorted(docs["source"].to_list()) == sorted(files)
    assert docs.group_by("status").len().sort("status").rows() == [
        ("duplicate", 1),
        ("ok", 6),
        ("rejected", 5),
    ]
    m = mf.read_manifest(run)
    assert m["parameters"]["max_bytes"] == 2000
    assert len(m["inputs"]["files"]) == len(files)


def test_grid_runs_each_set_as_its_own_run_in_parallel(tmp_path):
    small = tmp_path / "small"
    small.mkdir()
    (small / "one.txt").write_text("Astana and Moscow signed a deal.\n")
    grid = tmp_path / "grid.yaml"
    grid.write_text(
        f"runs:\n  - name: seeds\n    corpus: seeds\n  - name: small\n    corpus: {small}\n"
    )
    outputs = tmp_path / "outputs"
    assert run_cli(outputs, "--grid", str(grid), "--jobs", "2") == 0
    runs = sorted(p for p in outputs.iterdir() if p.is_dir())
    assert sorted(p.name.split("-", 1)[1] for p in runs) == ["seeds", "small"]
    sizes = {
        p.name.split("-", 1)[1]: json.loads((p / "manifest.json").read_text())["inputs"][
            "documents_by_status"
        ]
        for p in runs
    }
    assert sizes == {"seeds": {"ok": 5}, "small": {"ok": 1}}


def test_interrupted_run_is_marked_and_touches_nothing_else(two_seed_runs, monkeypatch):
    import papermill

    outputs, first, _ = two_seed_runs
    latest_before = (outputs / LATEST).read_bytes()
    before = mf.hash_tree(first, exclude=frozenset())

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(papermill, "execute_notebook", interrupt)
    assert run_cli(outputs) == 130
    interrupted = [p for p in outputs.iterdir() if p.name.endswith(".interrupted")]
    assert len(interrupted) == 1
    m = mf.read_manifest(interrupted[0])
    assert (m["status"], m["error"]) == ("interrupted", "interrupted by the user")
    assert m["notebooks"][0]["status"] == "interrupted"
    assert (outputs / LATEST).read_bytes() == latest_before
    assert mf.hash_tree(first, exclude=frozenset()) == before


def test_markup_in_documents_never_renders_as_active_html(tmp_path):
    """A document holding markup shows as text in every executed notebook (issue: escaping)."""
    folder = tmp_path / "hostile_html"
    folder.mkdir()
    (folder / "a.txt").write_text(
        "<script>alert('title')</script> Kazakhstan and the West\n\n"
        "Astana said on Monday that <img src=x onerror=alert(1)> its multi-vector policy, "
        "“the <b>so-called</b> balance”, would continue, according to the press service.\n"
        "<script>alert('body')</script> The so-called experts said: “We <i>never</i> agreed.”\n",
        encoding="utf-8",
    )
    outputs = tmp_path / "outputs"
    assert run_cli(outputs, "--corpus", str(folder)) == 0
    run = latest_run(outputs)
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
