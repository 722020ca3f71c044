"""A run's report in a real browser: Playwright driving Debian's ``chromium``.

Playwright's own browser download needs a network; ``.ci/run`` installs Debian's ``chromium``
with apt-get instead, and :func:`chromium_path` finds it (``ANALYSIS_CHROMIUM`` names another
executable). Used by the browser tests and by ``scripts/report_screenshots.py``.

:func:`load_report` opens ``report/index.html`` from disk (``file://``: nothing is served, so
nothing can be fetched either), waits until every chart has been drawn or has failed, and
returns what a reader would have met: console errors, uncaught exceptions, dialogs (a document
holding ``<script>alert(1)</script>`` must never open one), requests that left the page's
folder, and every chart's state and size. :func:`chart_label_problems` measures every text
element of every chart (``getBBox`` in Chromium) and names labels that leave the chart's canvas
or overlap another label.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Page

__all__ = [
    "CHROMIUM_FLAGS",
    "ReportLoad",
    "browser_page",
    "chart_label_problems",
    "chromium_path",
    "load_report",
    "screenshots",
]

#: Chromium's flags: no sandbox (CI runs as root), no GPU, and none of the background
#: connections (updates, sync) that a machine without a network refuses many times a second.
CHROMIUM_FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


def chromium_path() -> str | None:
    """The Chromium executable: ``ANALYSIS_CHROMIUM``, else ``chromium`` on the ``PATH``."""
    named = os.environ.get("ANALYSIS_CHROMIUM")
    if named:
        return named if Path(named).is_file() else None
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


@contextmanager
def browser_page(width: int = 1280, height: int = 900) -> Iterator[Page]:
    """A fresh page of a headless Chromium (closed on exit); ``RuntimeError`` without one."""
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    if executable is None:
        raise RuntimeError(
            "no chromium found: install Debian's (apt-get install chromium) or set "
            "ANALYSIS_CHROMIUM to a Chromium executable"
        )
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=list(CHROMIUM_FLAGS))
        try:
            yield browser.new_page(viewport={"width": width, "height": height})
        finally:
            browser.close()


@dataclass
class ReportLoad:
    """What opening a report showed: errors, dialogs, outside requests, and each chart."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)
    #: name, state (``rendered`` or ``failed``), SVG width and height, number of SVG marks
    charts: list[dict[str, Any]] = field(default_factory=list)


_CHARTS = """() => [...document.querySelectorAll('figure.chart')].map((f) => {
  const svg = f.querySelector('.vega svg');
  const box = svg ? svg.getBBox() : {width: 0, height: 0};
  return {name: f.dataset.name, state: f.dataset.state || 'pending',
          width: box.width, height: box.height,
          marks: svg ? svg.querySelectorAll('path, rect, line, text, circle').length : 0};
})"""


def load_report(page: Page, index: Path, timeout_s: float = 60) -> ReportLoad:
    """Open ``index`` in ``page`` and wait for every chart; see the module docstring."""
    found = ReportLoad()
    folder = index.parent.parent.resolve().as_uri() + "/"  # the run folder: tables, charts

    def on_dialog(dialog: Any) -> None:
        found.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def on_request(request: Any) -> None:
        if not request.url.startswith((folder, "data:", "blob:", "about:")):
            found.outside_requests.append(request.url)

    page.on("console", lambda m: found.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: found.page_errors.append(str(error)))
    page.on("dialog", on_dialog)
    page.on("request", on_request)
    page.goto(index.resolve().as_uri())
    page.wait_for_function("document.body.dataset.chartsPending === '0'", timeout=timeout_s * 1000)
    found.charts = page.evaluate(_CHARTS)
    return found


_LABELS = """() => {
  // each label as the quadrilateral it covers on screen (rotation included), from getBBox
  function corners(text) {
    const box = text.getBBox();
    const m = text.getScreenCTM();
    return [[box.x, box.y], [box.x + box.width, box.y], [box.x + box.width, box.y + box.height],
            [box.x, box.y + box.height]].map(([x, y]) => new DOMPoint(x, y).matrixTransform(m));
  }
  // separating axis test on two convex quadrilaterals, with a tolerance of one pixel
  function overlap(a, b) {
    for (const poly of [a, b]) {
      for (let i = 0; i < 4; i++) {
        const p = poly[i], q = poly[(i + 1) % 4];
        const nx = q.y - p.y, ny = p.x - q.x, len = Math.hypot(nx, ny) || 1;
        const project = (pts) => pts.map((r) => (r.x * nx + r.y * ny) / len);
        const pa = project(a), pb = project(b);
        if (Math.max(...pa) - 1 <= Math.min(...pb) || Math.max(...pb) - 1 <= Math.min(...pa)) {
          return false;
        }
      }
    }
    return true;
  }
  const problems = [];
  for (const figure of document.querySelectorAll('figure.chart')) {
    const svg = figure.querySelector('.vega svg');
    if (!svg) continue;
    const canvas = svg.getBoundingClientRect();
    const labels = [];
    for (const text of svg.querySelectorAll('text')) {
      const content = text.textContent.trim();
      if (!content || text.closest('[opacity="0"]')) continue;
      const box = text.getBBox();
      if (box.width === 0 || box.height === 0) continue;
      const quad = corners(text);
      const out = quad.some((r) => r.x < canvas.left - 0.5 || r.x > canvas.right + 0.5 ||
                                   r.y < canvas.top - 0.5 || r.y > canvas.bottom + 0.5);
      if (out) {
        problems.push({chart: figure.dataset.name, kind: 'outside the canvas', label: content});
      }
      labels.push({content, quad});
    }
    for (let i = 0; i < labels.length; i++) {
      for (let j = i + 1; j < labels.length; j++) {
        if (overlap(labels[i].quad, labels[j].quad)) {
          problems.push({chart: figure.dataset.name, kind: 'overlap',
                         label: labels[i].content + ' | ' + labels[j].content});
        }
      }
    }
  }
  return problems;
}"""


def chart_label_problems(page: Page) -> list[dict[str, Any]]:
    """Every chart label of the loaded report that leaves its canvas or overlaps another."""
    problems: list[dict[str, Any]] = page.evaluate(_LABELS)
    return problems


def screenshots(page: Page, folder: Path) -> list[Path]:
    """PNG screenshots of a loaded report: its top, its first chart, its provenance table, and
    a document's card with the evidence of each value."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    top = folder / "report-top.png"
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=top)
    written.append(top)
    charts = page.locator("figure.chart")
    if charts.count():
        chart = folder / "report-chart.png"
        charts.nth(min(2, charts.count() - 1)).screenshot(path=chart)
        written.append(chart)
    table = page.locator("#table-provenance")
    if table.count():
        shot = folder / "report-table.png"
        table.screenshot(path=shot)
        written.append(shot)
        link = table.locator("td a").first
        if link.count():
            link.click()
            page.locator("#doc-panel").wait_for(state="visible", timeout=5_000)
            card = folder / "report-card.png"
            page.screenshot(path=card)
            written.append(card)
    return written
