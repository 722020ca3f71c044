"""A pytest plugin for nbval over the committed notebooks (``-p analysis.run.nbval_hints`` in
pyproject's addopts): a cell whose outputs differ says which table or chart it writes and how to
accept an intended change (``nox -s baseline``). Loaded by pytest only; nothing else imports it.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest

from analysis.report.outputs import cell_writes


def hint(notebook: str, source: str) -> str:
    """What the failing cell of ``notebook`` writes, and the command that accepts the change.

    >>> print(hint("00_corpus", 'out.table(t, "documents")').splitlines()[0])
    00_corpus: table documents differs from the committed notebook (the diff is above).
    """
    writes = [f"{kind} {name}" for kind, name in cell_writes(source)]
    what = ", ".join(writes) or "an output of this cell"
    verb = "differ" if len(writes) > 1 else "differs"
    return (
        f"{notebook}: {what} {verb} from the committed notebook (the diff is above).\n"
        f"If the change is intended: python3 -m nox -s baseline -- {notebook}, then read "
        "git diff notebooks/ before committing."
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Generator[None, Any, None]:
    outcome = yield
    report = outcome.get_result()
    cell = getattr(item, "cell", None)
    if report.when != "call" or not report.failed or cell is None:
        return
    if "outputs differ" not in str(report.longrepr):  # an error or a timeout: not a change
        return
    report.sections.append(("what changed", hint(item.path.stem, cell.get("source", ""))))
