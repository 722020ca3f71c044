"""The package's data files (``src/analysis/data/``): one reader for every lexicon and registry.

Lexicons, registries, patterns and the line model are versioned files researchers extend without
touching code. Every module reads them here, so a malformed file fails the same way everywhere:
a :class:`~analysis.core.errors.DataFileError` naming the file, never a bare YAML traceback.

>>> load_yaml("events.yaml")["version"] >= 1
True
>>> sorted(data_names("rhetoric"))[:1]
['rhetoric.yaml']
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, TypeVar

import yaml

from analysis.core.errors import DataFileError

__all__ = ["data_file", "data_names", "load_yaml", "read_text", "retrain", "write_or_check"]


def data_file(name: str) -> Traversable:
    """The data file ``name`` of the installed package (it may not exist)."""
    return files("analysis") / "data" / name


def data_names(prefix: str = "") -> list[str]:
    """Names of the package's data files that start with ``prefix``."""
    return sorted(
        p.name for p in (files("analysis") / "data").iterdir() if p.name.startswith(prefix)
    )


#: PyYAML's safe loader in C (libyaml, in PyYAML's wheels) when it is there: the same objects
#: as ``yaml.safe_load`` at about a tenth of the time (the lexicons are read by every process).
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_text(name: str) -> str:
    """The text of data file ``name`` (UTF-8); :class:`DataFileError` when it is missing."""
    try:
        return data_file(name).read_text("utf-8")
    except (FileNotFoundError, UnicodeDecodeError) as exc:
        raise DataFileError(f"data file {name}: {exc}") from exc


def load_yaml(name: str, required: tuple[str, ...] = ()) -> dict[str, Any]:
    """Data file ``name`` parsed as a YAML mapping holding at least the keys ``required``.

    A fresh object on every call: cache the compiled form in the module that uses it.

    >>> load_yaml("events.yaml", required=("nope",))
    Traceback (most recent call last):
    ...
    analysis.core.errors.DataFileError: data file events.yaml: missing key(s) nope
    """
    try:
        data = yaml.load(read_text(name), Loader=_SAFE_LOADER)
    except yaml.YAMLError as exc:
        raise DataFileError(f"data file {name}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise DataFileError(f"data file {name}: expected a mapping at the top level")
    missing = [key for key in required if key not in data]
    if missing:
        raise DataFileError(f"data file {name}: missing key(s) {', '.join(missing)}")
    return data


def write_or_check(texts: Mapping[str, str], out: Path, check: bool) -> int:
    """Write each ``name: text`` of a rebuilt model into ``out``, or with ``check`` compare them
    with the files there: 0, or 1 when any differs (each named on stderr). The trainers'
    (``linetrain``, ``spantrain``) command-line ending."""
    if check:
        differ = [n for n, t in texts.items() if (out / n).read_text("utf-8") != t]
        for name in differ:
            print(f"{name}: the rebuild differs from {out / name}", file=sys.stderr)
        return 1 if differ else 0
    for name, text in texts.items():
        (out / name).write_text(text, encoding="utf-8")
        print(f"wrote {out / name}")
    return 0


Model = TypeVar("Model")


@contextmanager
def exact_fit() -> Iterator[None]:
    """Fit so that a model file rebuilds bit for bit on any machine: on one BLAS thread, and a
    solver that stops before the optimum (scikit-learn's ``ConvergenceWarning``) is an error.
    Where an early-stopping solver stops depends on the CPU's BLAS kernels; the optimum of a
    penalised logistic loss does not, so the trainers also solve with a tight tolerance."""
    from sklearn.exceptions import ConvergenceWarning
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1), warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        yield


def retrain(
    argv: Sequence[str] | None,
    *,
    prog: str,
    description: str | None,
    source_help: str,
    model_file: str,
    build: Callable[[Path, str], Model],
    dumps: Callable[[Model], str],
    card_file: str,
    card: Callable[[Model], str],
) -> int:
    """The trainers' command line (``linetrain``, ``spantrain``): ``SOURCE [--date D] [--out DIR]
    [--check]``. ``build(source, date)`` fits the model, written as ``model_file``
    (``dumps``) with its model card ``card_file`` (``card``); the date defaults to the shipped
    model's version (``model_file``'s ``version``), the folder to the package's data folder; the
    files are written or, with ``--check``, compared (:func:`write_or_check`)."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("source", type=Path, help=source_help)
    parser.add_argument("--date", help="model version date (default: the shipped model's)")
    parser.add_argument("--out", type=Path, help="folder to write to (default: the package)")
    parser.add_argument("--check", action="store_true", help="exit 1 unless the rebuild is equal")
    args = parser.parse_args(argv)
    date = args.date or json.loads(read_text(model_file))["version"]
    dt.date.fromisoformat(date)
    out = args.out or Path(str(data_file(model_file))).parent
    model = build(args.source, date)
    return write_or_check({model_file: dumps(model), card_file: card(model)}, out, args.check)
