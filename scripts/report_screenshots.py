"""Screenshots of a run's report for the README (docs/report-*.png), in headless chromium.

    python scripts/report_screenshots.py                 # the LATEST run, into docs/
    python scripts/report_screenshots.py RUN_ID OUT_DIR

Prints every chart label that leaves its canvas or overlaps another (the browser test fails on
them too).
"""

from __future__ import annotations

import sys
from pathlib import Path

from analysis.core import paths
from analysis.report.browser import browser_page, chart_label_problems, load_report, screenshots
from analysis.run.runner import find_run


def main(argv: list[str]) -> int:
    run = find_run(argv[0] if argv else "LATEST")
    folder = Path(argv[1]) if len(argv) > 1 else paths.PROJECT_ROOT / "docs"
    with browser_page() as page:
        found = load_report(page, run / "report" / "index.html")
        problems = chart_label_problems(page)
        written = screenshots(page, folder)
    for chart in found.charts:
        size = f"{chart['width']:.0f}x{chart['height']:.0f}"
        print(f"chart {chart['name']}: {chart['state']}, {size}")
    for problem in problems:
        print(f"label problem in {problem['chart']}: {problem['kind']}: {problem['label']}")
    for error in found.console_errors + found.page_errors + found.dialogs:
        print(f"page error: {error}")
    for path in written:
        print(f"wrote {paths.display_path(path)}")
    return 1 if found.console_errors or found.page_errors or found.dialogs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
