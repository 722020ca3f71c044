"""Project folders from one root, and paths shown relative to it."""

from __future__ import annotations

from analysis.core import paths


def test_folders_hang_off_one_project_root():
    root = paths.PROJECT_ROOT
    assert (root / "pyproject.toml").is_file()
    assert root / "seeds" == paths.SEEDS and root / "notebooks" == paths.NOTEBOOKS
    assert paths.find_project_root() == root


def test_relative_paths_resolve_against_the_root_or_a_base(tmp_path):
    assert paths.resolve("seeds") == paths.SEEDS
    assert paths.resolve("x.csv", base=tmp_path) == tmp_path / "x.csv"
    assert paths.resolve(tmp_path) == tmp_path


def test_display_path_is_relative_inside_the_project_and_absolute_outside(tmp_path):
    assert paths.display_path(paths.SEEDS / "a.txt") == "seeds/a.txt"
    assert paths.display_path(tmp_path) == str(tmp_path)
