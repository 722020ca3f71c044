"""The run's papermill engine writes the notebook less often, and leaves the same file."""

from __future__ import annotations

from pathlib import Path

import nbformat
import papermill
import papermill.engines
import pytest

from analysis.run import engine, runner

pytestmark = pytest.mark.slow  # kernels


def _notebook(path: Path, *, fail: bool = False) -> Path:
    cells = [
        nbformat.v4.new_code_cell("n = 2", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("print('first', n)"),
        nbformat.v4.new_code_cell("n * 21"),
        nbformat.v4.new_code_cell("raise ValueError('broken cell')" if fail else "n + 1"),
        nbformat.v4.new_code_cell("print('last')"),
    ]
    nb = nbformat.v4.new_notebook(cells=cells)
    kernel = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["kernelspec"] = kernel
    nbformat.write(nb, path)
    return path


def _run(source: Path, out: Path, engine_name: str | None, monkeypatch: pytest.MonkeyPatch):
    """Execute ``source``; the number of times the notebook was written while it ran."""
    writes: list[str] = []
    real = papermill.engines.write_ipynb
    monkeypatch.setattr(
        papermill.engines, "write_ipynb", lambda nb, path: writes.append(path) or real(nb, path)
    )
    try:
        papermill.execute_notebook(
            str(source),
            str(out),
            parameters={"n": 3},
            kernel_name=runner.KERNEL_NAME,
            progress_bar=False,
            engine_name=engine_name,
        )
    finally:
        monkeypatch.undo()
    return len(writes)


def _content(path: Path) -> list[tuple[str, object, list[dict]]]:
    """Each cell's source, execution count and outputs (not papermill's timings)."""
    nb = nbformat.read(path, as_version=4)
    return [(c.source, c.get("execution_count"), c.get("outputs")) for c in nb.cells]


def test_the_same_notebook_with_two_writes_instead_of_two_per_cell(tmp_path, monkeypatch):
    source = _notebook(tmp_path / "in.ipynb")
    theirs = _run(source, tmp_path / "theirs.ipynb", None, monkeypatch)
    ours = _run(source, tmp_path / "ours.ipynb", engine.register(), monkeypatch)
    assert (theirs, ours) == (2 + 2 * 6, 2)  # 5 cells and the injected parameters cell
    assert _content(tmp_path / "ours.ipynb") == _content(tmp_path / "theirs.ipynb")
    outputs = [o for _, _, cell in _content(tmp_path / "ours.ipynb") for o in cell]
    assert outputs[0]["text"] == "first 3\n" and outputs[1]["data"]["text/plain"] == "63"
    # with no wait between writes it writes as often as papermill's engine
    monkeypatch.setattr(engine, "SAVE_EVERY", 0.0)
    assert _run(source, tmp_path / "every.ipynb", engine.ENGINE, monkeypatch) == theirs


def test_a_failed_notebook_is_written_with_its_error(tmp_path, monkeypatch):
    source = _notebook(tmp_path / "in.ipynb", fail=True)
    out = tmp_path / "out.ipynb"
    with pytest.raises(papermill.PapermillExecutionError, match="broken cell"):
        _run(source, out, engine.register(), monkeypatch)
    cells = {source: (count, outputs) for source, count, outputs in _content(out)}
    count, outputs = cells["raise ValueError('broken cell')"]
    assert [o["ename"] for o in outputs if o["output_type"] == "error"] == ["ValueError"]
    assert count == 5 and cells["print('last')"] == (None, [])  # the cell after it did not run
