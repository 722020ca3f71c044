"""The one reader of the package's data files."""

from __future__ import annotations

import pytest
import yaml

from analysis.core import data
from analysis.core.errors import DataFileError


def test_data_files_are_listed_and_read():
    names = data.data_names("rhetoric")
    assert "rhetoric.yaml" in names and all(n.startswith("rhetoric") for n in names)
    assert "events.yaml" in data.data_names()
    assert data.read_text("stopwords_en.txt").startswith("#")


def test_yaml_is_a_fresh_mapping_each_time():
    first = data.load_yaml("punctuation.yaml")
    first["added"] = True
    assert "added" not in data.load_yaml("punctuation.yaml")


def test_every_yaml_file_reads_as_pyyaml_safe_load_reads_it():
    # the C loader when PyYAML has it; the pure-Python safe loader is the reference
    assert data._SAFE_LOADER is yaml.CSafeLoader
    names = [n for n in data.data_names() if n.endswith(".yaml")]
    assert len(names) >= 10
    for name in names:
        expected = yaml.safe_load(data.read_text(name))
        got = data.load_yaml(name)
        assert got == expected and list(got) == list(expected), name


def test_missing_or_malformed_files_raise_data_file_error(monkeypatch):
    with pytest.raises(DataFileError, match=r"data file nope\.yaml: "):
        data.read_text("nope.yaml")
    with pytest.raises(DataFileError, match="missing key\\(s\\) a, b"):
        data.load_yaml("events.yaml", required=("a", "b"))
    monkeypatch.setattr(data, "read_text", lambda name: "key: [unclosed")
    with pytest.raises(DataFileError, match="not valid YAML"):
        data.load_yaml("x.yaml")
    monkeypatch.setattr(data, "read_text", lambda name: "- a list\n")
    with pytest.raises(DataFileError, match="expected a mapping at the top level"):
        data.load_yaml("x.yaml")


def test_exact_fit_refuses_a_solver_that_stopped_early_and_uses_one_blas_thread():
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_info

    from analysis.core.data import exact_fit

    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 5))
    y = (x[:, 0] + rng.normal(size=200) > 0).astype(int)
    with exact_fit():
        blas = [p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"]
        assert blas and set(blas) == {1}
        with pytest.raises(Warning, match="converge"):
            LogisticRegression(max_iter=1).fit(x, y)
        assert LogisticRegression(solver="newton-cholesky", tol=1e-10).fit(x, y).n_iter_[0] > 1
