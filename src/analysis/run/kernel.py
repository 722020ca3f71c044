"""The kernel the runner starts for each notebook: ipykernel's, less one import no run uses.

jsonschema (which altair imports in every notebook, and nbformat in the runner) imports
``rfc3987_syntax`` at import time for its optional ``iri`` format check, and that module builds
about 35 Earley parsers as it is imported: 0.7 s of every process here (reported upstream as
python-jsonschema/jsonschema#1428). Nothing in a run checks that format (altair validates without
a format checker, nbformat with fastjsonschema), so the processes a run owns (the runner, its
notebook processes, the kernels it starts) skip that import: jsonschema then has no ``iri``
check, which it allows (the dependency is optional). Outputs are the same either way; a kernel
started by JupyterLab is ipykernel's own and is not touched. The runner's notebook processes
start in :func:`notebook_process`, here: a spawned process imports its target's module before
anything else, and the runner's module imports jsonschema (through nbformat).

jupyter_client stops a kernel by sending it SIGINT before the shutdown request, always; a kernel
that is handling a message at that moment logs "KeyboardInterrupt caught in kernel." to the run's
terminal, an error line that means nothing went wrong. The runner's kernels drop exactly that line
(:class:`ShutdownNoise`); every other line a kernel logs still shows, and an interrupted run is
reported by the runner itself.

    python -m analysis.run.kernel -f CONNECTION_FILE   (what the runner's kernel manager starts)
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

__all__ = ["ShutdownNoise", "notebook_process", "quiet_shutdown", "skip_unused_imports"]

#: Modules no process of a run uses that cost time to import (see the module docstring).
UNUSED = ("rfc3987_syntax",)


def skip_unused_imports() -> None:
    """Make importing :data:`UNUSED` fail at once (``ModuleNotFoundError``, as if it were not
    installed) in this process, unless it is imported already."""
    for name in UNUSED:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]  # None: "not importable"


class ShutdownNoise(logging.Filter):
    """Drops ipykernel's "KeyboardInterrupt caught in kernel" record (the SIGINT of a shutdown).

    >>> noise = logging.LogRecord("IPKernelApp", logging.ERROR, "", 0,
    ...                           "KeyboardInterrupt caught in kernel.", None, None)
    >>> other = logging.LogRecord("IPKernelApp", logging.ERROR, "", 0,
    ...                           "Exception in message handler:", None, None)
    >>> ShutdownNoise().filter(noise), ShutdownNoise().filter(other)
    (False, True)
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("KeyboardInterrupt caught in kernel")


def quiet_shutdown() -> None:
    """Add :class:`ShutdownNoise` to the logger of ipykernel's kernel application (once)."""
    from ipykernel.kernelapp import IPKernelApp

    # traitlets names an application's logger after its class; the kernel logs through it
    log = logging.getLogger(IPKernelApp.__name__)
    if not any(isinstance(f, ShutdownNoise) for f in log.filters):
        log.addFilter(ShutdownNoise())


def notebook_process(*args: Any) -> None:
    """A notebook process of the runner (:func:`analysis.run.runner._notebook_process`, with
    ``args``), with :func:`skip_unused_imports` made before the runner is imported."""
    skip_unused_imports()
    from analysis.run.runner import _notebook_process

    _notebook_process(*args)


def main() -> None:
    """Start an IPython kernel as ``ipykernel_launcher`` does, with :func:`skip_unused_imports`."""
    if sys.path and (sys.path[0] == "" or Path(sys.path[0]) == Path.cwd()):
        del sys.path[0]  # as ipykernel_launcher: the kernel puts the working folder back itself
    skip_unused_imports()
    from ipykernel import kernelapp

    quiet_shutdown()
    kernelapp.launch_new_instance()


if __name__ == "__main__":
    main()
