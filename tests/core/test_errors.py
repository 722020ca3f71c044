"""One base for the project's errors; each also is the built-in error callers already catch."""

from __future__ import annotations

import pytest

from analysis.core import errors


@pytest.mark.parametrize(
    ("error", "builtin"),
    [
        (errors.CorpusError, ValueError),
        (errors.EmptyCorpusError, ValueError),
        (errors.NotRegularFile, OSError),
        (errors.ParameterError, ValueError),
        (errors.OutputError, OSError),
        (errors.InputError, ValueError),
        (errors.DataFileError, ValueError),
    ],
)
def test_every_error_is_an_analysis_error_and_its_builtin(error, builtin):
    assert issubclass(error, errors.AnalysisError) and issubclass(error, builtin)
    with pytest.raises(errors.AnalysisError, match="boom"):
        raise error("boom")


def test_empty_corpus_is_a_corpus_error():
    assert issubclass(errors.EmptyCorpusError, errors.CorpusError)


def test_every_public_error_is_listed():
    listed = {name for name in errors.__all__ if name.endswith(("Error", "File"))}
    defined = {
        name
        for name, value in vars(errors).items()
        if isinstance(value, type) and issubclass(value, errors.AnalysisError)
    }
    assert listed == defined
