"""The papermill engine a run executes its notebooks with: nbclient's, writing the notebook less
often.

papermill's own engine writes the whole executed notebook when every cell starts and when it
ends: an indented JSON dump of every output so far, 10-50 ms once a notebook holds its charts,
about 1 s of notebook 03 on 2,010 articles (of 5-6 s when its steps are cached). This engine
writes the notebook when it starts, after a cell only once :data:`SAVE_EVERY` seconds have passed
since the last write (a long notebook's file still shows how far it got), and when it ends,
failed or not, so the file left behind is the one papermill's engine leaves.

    papermill.execute_notebook(..., engine_name=register())
"""

from __future__ import annotations

from typing import Any

from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines

__all__ = ["ENGINE", "SAVE_EVERY", "register"]

#: The name the engine is registered under with papermill.
ENGINE = "analysis"
#: Seconds between two writes of a notebook while it runs.
SAVE_EVERY = 5.0


class _SparseSaves(NotebookExecutionManager):
    """papermill's execution manager, whose writes between the first and the last come at most
    every :data:`SAVE_EVERY` seconds."""

    saved = False

    def save(self, **kwargs: Any) -> None:
        waited = (self.now() - self.last_save_time).total_seconds()
        if not self.saved or self.end_time is not None or waited >= SAVE_EVERY:
            self.saved = True
            super().save(**kwargs)


class SparseSavesEngine(NBClientEngine):
    """nbclient's engine with :class:`_SparseSaves` (papermill's ``Engine.execute_notebook``,
    with the other manager)."""

    @classmethod
    def execute_notebook(
        cls,
        nb: Any,
        kernel_name: str,
        output_path: str | None = None,
        progress_bar: bool = True,
        log_output: bool = False,
        autosave_cell_every: int = 30,
        **kwargs: Any,
    ) -> Any:
        nb_man = _SparseSaves(
            nb,
            output_path=output_path,
            progress_bar=progress_bar,
            log_output=log_output,
            autosave_cell_every=autosave_cell_every,
        )
        nb_man.notebook_start()
        try:
            cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kwargs)
        finally:
            nb_man.cleanup_pbar()
            nb_man.notebook_complete()
        return nb_man.nb


def register() -> str:
    """Register the engine with papermill (again is harmless); its name."""
    papermill_engines.register(ENGINE, SparseSavesEngine)
    return ENGINE
