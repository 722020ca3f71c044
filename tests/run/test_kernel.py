"""The runner's kernels and processes skip an import no run uses, and nothing else changes."""

from __future__ import annotations

import json
import subprocess
import sys

from analysis.run import runner

_PROBE = """
import json, sys
{setup}
import altair, jsonschema, nbformat
checks = jsonschema.FormatChecker().checkers
print(json.dumps({{"iri": "iri" in checks, "uri": "uri" in checks,
                   "loaded": "rfc3987_syntax" in sys.modules
                   and sys.modules["rfc3987_syntax"] is not None}}))
"""


def _probe(setup: str) -> dict[str, bool]:
    code = _PROBE.format(setup=setup)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def test_the_skipped_import_only_drops_jsonschemas_iri_check():
    plain = _probe("")
    skipped = _probe("from analysis.run.kernel import skip_unused_imports; skip_unused_imports()")
    assert plain == {"iri": True, "uri": True, "loaded": True}  # installed, and imported
    assert skipped == {"iri": False, "uri": True, "loaded": False}


def test_the_runners_kernels_start_through_the_launcher():
    manager = runner.ipc_kernel_manager()(kernel_name="python3")
    command = manager.format_kernel_cmd()
    assert command[1:3] == ["-m", "analysis.run.kernel"]
    assert command[0] == sys.executable and command[-2] == "-f"


def test_the_command_line_skips_it_in_its_own_process():
    code = "import sys, analysis.__main__; print(sys.modules['rfc3987_syntax'] is None)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "True"


def test_the_kernels_shutdown_interrupt_is_not_logged_and_other_errors_are() -> None:
    import logging

    from ipykernel.kernelapp import IPKernelApp

    from analysis.run.kernel import quiet_shutdown

    quiet_shutdown()
    quiet_shutdown()  # once is enough: no second filter
    app = IPKernelApp()
    assert sum(type(f).__name__ == "ShutdownNoise" for f in app.log.filters) == 1
    seen: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: seen.append(record.getMessage())  # type: ignore[method-assign]
    app.log.addHandler(handler)
    try:
        app.log.error("KeyboardInterrupt caught in kernel.")
        app.log.error("KeyboardInterrupt caught in kernel")
        app.log.error("Exception in message handler:")
    finally:
        app.log.removeHandler(handler)
    assert seen == ["Exception in message handler:"]


_SPAWN = """
from multiprocessing import get_context
from analysis.run.kernel import skip_unused_imports
skip_unused_imports()  # this process never imports it: an import logged is the child's
from analysis.run import kernel, runner
ctx = get_context("spawn")
tasks, results = ctx.Queue(), ctx.Queue()
child = ctx.Process(target={target}, args=(tasks, results, 0, "."))
child.start()
tasks.put(None)
child.join()
"""


def _spawned_imports(target: str) -> str:
    code = _SPAWN.format(target=target)
    command = [sys.executable, "-X", "importtime", "-c", code]
    return subprocess.run(command, capture_output=True, text=True, check=True).stderr


def test_the_runners_notebook_processes_skip_it_before_importing_the_runner():
    """A spawned process imports its target's module first, and runs no package __main__."""
    heavy = "rfc3987_syntax.syntax_helpers"  # the parsers (a skipped import is logged too)
    assert heavy not in _spawned_imports("kernel.notebook_process")
    assert heavy in _spawned_imports("runner._notebook_process")  # what it was
