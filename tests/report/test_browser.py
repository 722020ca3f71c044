"""The run report in a real browser (Debian's chromium through Playwright).

Without a chromium these tests skip with the reason, except under ``CI=true``, where a skip
would hide a broken report: there they fail.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from analysis.__main__ import main
from analysis.core import paths
from analysis.report.browser import browser_page, chromium_path, load_report, screenshots
from analysis.run.runner import latest_run

pytestmark = pytest.mark.slow

MARKUP = (
    "<script>alert('title')</script> Kazakhstan and the West\n\n"
    "Astana said on Monday that <img src=x onerror=alert(1)> its multi-vector policy, "
    "“the <b>so-called</b> balance”, would continue, according to the press service.\n"
    "<script>alert('body')</script> The so-called experts said: “We <i>never</i> agreed.”\n"
)


def need_chromium() -> None:
    if chromium_path() is not None:
        return
    reason = "no chromium: apt-get install chromium (or set ANALYSIS_CHROMIUM)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; under CI=true the browser tests must run (.ci/run installs it)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    """One run on the seeds plus two documents full of markup, one of them in the file name."""
    need_chromium()
    root = tmp_path_factory.mktemp("report")
    corpus = root / "corpus"
    shutil.copytree(paths.PROJECT_ROOT / "seeds", corpus)
    (corpus / "markup.txt").write_text(MARKUP, encoding="utf-8")
    (corpus / "x<img src=x onerror=alert(2)>.txt").write_text(
        MARKUP.replace("alert", "confirm"), encoding="utf-8"
    )
    outputs = root / "outputs"
    code = main(["run", "--outputs", str(outputs), "--no-progress", "--corpus", str(corpus)])
    assert code == 0
    run = latest_run(outputs)
    assert run is not None
    return run / "report" / "index.html"


def test_the_report_loads_offline_without_errors_and_draws_every_chart(report):
    with browser_page() as page:
        found = load_report(page, report)
    assert found.console_errors == [] and found.page_errors == []
    assert found.outside_requests == []
    names = sorted(c["name"] for c in found.charts)
    assert names == sorted(
        p.name.removesuffix(".vl.json") for p in (report.parent.parent / "charts").glob("*.vl.json")
    )
    for chart in found.charts:
        assert chart["state"] == "rendered", chart
        assert chart["width"] > 100 and chart["height"] > 50 and chart["marks"] > 5, chart


def test_documents_full_of_script_stay_text_and_open_no_dialog(report):
    with browser_page() as page:
        found = load_report(page, report)
        box = page.locator("#table-provenance input[type=search]")
        box.fill("alert('title')")
        rows = page.locator("#table-provenance tbody tr")
        assert rows.count() >= 1
        assert "<script>alert('title')</script>" in rows.first.inner_text()
        rows.first.locator("td a").first.click()  # the document's card
        panel = page.locator("#doc-panel")
        assert panel.is_visible()
        box.fill("onerror")
        assert page.locator("#table-provenance tbody tr").count() >= 1
        scripts = page.evaluate("document.querySelectorAll('script:not([type])').length")
    assert found.dialogs == [] and found.page_errors == []
    assert scripts == 2  # the Vega bundle and the report's own script: nothing from the corpus
    text = report.read_text(encoding="utf-8")
    assert "<script>alert" not in text and "<img src=x" not in text


def test_the_exported_notebooks_fetch_nothing_and_keep_markup_as_text(report):
    pages = sorted(report.parent.glob("0*.html"))
    assert [p.stem for p in pages] == [
        "00_corpus",
        "01_provenance",
        "02_rhetoric_readability",
        "03_cross_outlet",
    ]
    with browser_page() as page:
        requests: list[str] = []
        dialogs: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        for path in pages:
            page.goto(path.as_uri())
            # sanitized output: each chart is its SVG as an image (data: URL)
            charts = page.locator('img[src^="data:image/svg+xml"]')
            assert charts.count() >= 1, path.name
            assert charts.first.evaluate("(img) => img.naturalWidth") > 100, path.name
    assert dialogs == []
    assert all(url.startswith("file://") or url.startswith("data:") for url in requests), requests
    for path in pages:
        assert "<script>alert" not in path.read_text(encoding="utf-8"), path.name


def test_screenshots_of_the_report(report, tmp_path):
    folder = Path(os.environ.get("ANALYSIS_SCREENSHOTS", tmp_path))
    with browser_page() as page:
        load_report(page, report)
        written = screenshots(page, folder)
    assert [p.name for p in written] == [
        "report-top.png",
        "report-chart.png",
        "report-table.png",
        "report-card.png",
    ]
    for path in written:
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 5_000
