"""Refreshing the nbval baseline: a notebook executed in place, with nothing run-specific kept."""

from __future__ import annotations

import nbformat

from analysis.__main__ import main


def scratch_notebook(folder):
    folder.mkdir()
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell("x = 6 * 7", metadata={"tags": ["parameters"]}),
            nbformat.v4.new_code_cell("x"),
            nbformat.v4.new_markdown_cell("Some narrative."),
            nbformat.v4.new_code_cell("print('seen')"),
        ],
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "papermill": {"duration": 1.5},
            "widgets": {"state": {}},
        },
    )
    nb.cells[1].metadata["execution"] = {"iopub.execute_input": "2026-01-01T00:00:00Z"}
    path = folder / "00_scratch.ipynb"
    nbformat.write(nb, path)
    return path


def test_baseline_executes_in_place_and_keeps_no_run_metadata(tmp_path, capsys):
    path = scratch_notebook(tmp_path / "nbs")
    assert main(["baseline", "--notebooks", str(path.parent), "00_scratch"]) == 0
    assert "executing" in capsys.readouterr().err
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.execution_count for c in code] == [1, 2, 3]
    assert code[1].outputs[0]["data"]["text/plain"] == "42"
    assert code[2].outputs[0]["text"] == "seen\n"
    assert set(nb.metadata) == {"kernelspec", "language_info"}
    assert all("execution" not in c.metadata for c in nb.cells)
    again = path.read_bytes()
    assert main(["baseline", "--notebooks", str(path.parent)]) == 0
    assert path.read_bytes() == again  # nothing time-dependent is recorded
