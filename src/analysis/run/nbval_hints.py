"""A pytest plugin for nbval over the committed notebooks (``-p analysis.run.nbval_hints`` in
pyproject's addopts): a failing cell says which table or chart changed and how to accept an
intended change (``nox -s baseline``). Loaded by pytest only; nothing else imports it."""

from __future__ import annotations

import re
from collections.abc import Generator
from typing import Any

import pytest

_WRITES = re.compile(r"""out\.(table|chart)\((?:[^()]|\([^()]*\))*?["']([a-z0-9_]+)["']""")


def changed_outputs(source: str) -> list[str]:
    """The tables and charts a cell writes, as ``table NAME`` / ``chart NAME``.

    >>> changed_outputs('out.table(study.segments, "segments")\\nout.chart(charts.x(a), "x")')
    ['table segments', 'chart x']
    """
    return [f"{kind} {name}" for kind, name in _WRITES.findall(source)]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Generator[None, Any, None]:
    outcome = yield
    report = outcome.get_result()
    cell = getattr(item, "cell", None)
    if report.when != "call" or not report.failed or cell is None:
        return
    notebook = item.path.stem
    writes = changed_outputs(cell.get("source", ""))
    what = (", ".join(writes) or "an output of this cell") + (
        " differ" if len(writes) > 1 else " differs"
    )
    report.sections.append(
        (
            "what changed",
            f"{notebook}: {what} from the committed notebook (the diff is above).\n"
            f"If the change is intended: python3 -m nox -s baseline -- {notebook}, then read "
            "git diff notebooks/ before committing.",
        )
    )
