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
from analysis.report import fonts
from analysis.report.browser import (
    browser_page,
    chart_label_problems,
    chromium_path,
    load_report,
    screenshots,
)
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
    run = report.parent.parent.resolve().as_uri() + "/"
    assert all(url.startswith((run, "data:")) for url in requests), requests
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


def test_no_chart_label_leaves_its_canvas_or_overlaps_another(report):
    with browser_page() as page:
        load_report(page, report)
        problems = chart_label_problems(page)
    assert problems == []


def test_the_label_check_finds_overlapping_rotated_and_clipped_labels():
    """The measuring itself: labels placed to collide, rotated and not, and one cut off."""
    need_chromium()
    svg = (
        '<svg width="200" height="100" xmlns="http://www.w3.org/2000/svg">'
        '<text x="10" y="20" font-size="12">Kazakhstan</text>'
        '<text x="30" y="24" font-size="12">Russia</text>'  # overlaps the first
        '<text x="100" y="60" font-size="12">China</text>'  # alone
        '<text transform="translate(150,90) rotate(-45)" font-size="12">The West</text>'
        '<text transform="translate(158,90) rotate(-45)" font-size="12">Ukraine</text>'
        '<text transform="translate(60,95) rotate(-45)" font-size="12">far</text>'
        '<text transform="translate(85,95) rotate(-45)" font-size="12">apart</text>'
        '<text x="185" y="50" font-size="12">Central Asia</text>'  # leaves the canvas
        "</svg>"
    )
    with browser_page() as page:
        # the charts' own font, so the geometry is the same on every machine
        page.set_content(
            f"<style>{fonts.page_css()} text {{font-family: 'Liberation Sans'}}</style>"
            f'<figure class="chart" data-name="t"><div class="vega">{svg}</div></figure>'
        )
        page.evaluate("document.fonts.load('12px \"Liberation Sans\"')")
        problems = chart_label_problems(page)
    found = sorted((p["kind"], p["label"]) for p in problems)
    assert found == [
        ("outside the canvas", "Central Asia"),
        ("overlap", "Kazakhstan | Russia"),
        ("overlap", "The West | Ukraine"),
    ]


def test_jupyterlab_shows_the_committed_charts_of_notebook_03_without_running_it(tmp_path):
    """A committed notebook opened in JupyterLab 4, untrusted and not run: every chart is drawn
    (the Vega 5 output), and opening it does not mark it modified."""
    need_chromium()
    import json
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    import nbformat

    notebook = paths.NOTEBOOKS / "03_cross_outlet.ipynb"
    charts = sum(
        1
        for cell in nbformat.read(notebook, as_version=4).cells
        for output in cell.get("outputs", [])
        if "application/vnd.vega.v5+json" in output.get("data", {})
    )
    assert charts >= 5
    folder = tmp_path / "notebooks"
    folder.mkdir()
    shutil.copy(notebook, folder)
    settings = tmp_path / "settings"
    for plugin, values in {
        # every cell drawn at once (Lab draws only the cells in view by default)
        "notebook-extension/tracker": {"windowingMode": "none"},
        "apputils-extension/notification": {"fetchNews": "false"},
    }.items():
        target = settings / "@jupyterlab" / f"{plugin}.jupyterlab-settings"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(values))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    token = "analysis-test"
    env = dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(tmp_path / "config"),
        JUPYTER_DATA_DIR=str(tmp_path / "data"),
        JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
    )
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyter",
            "lab",
            "--no-browser",
            "--allow-root",
            f"--port={port}",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={folder}",
            f"--LabApp.user_settings_dir={settings}",
            "--ServerApp.port_retries=0",  # the port chosen above, or fail
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.news_url=None",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(300):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={token}"):
                    break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail(f"JupyterLab did not answer on port {port} within a minute")
        with browser_page(1400, 1000) as page:
            page.goto(f"http://127.0.0.1:{port}/lab/tree/{notebook.name}?token={token}")
            page.wait_for_function(
                f"document.querySelectorAll('.jp-RenderedVega5 .marks').length >= {charts}",
                timeout=60_000,
            )
            page.wait_for_timeout(1_000)
            drawn = page.evaluate(
                "[...document.querySelectorAll('.jp-RenderedVega5 .marks')]"  # a canvas in Lab
                ".map((marks) => marks.getBoundingClientRect().width)"
            )
            dirty = page.locator(".jp-mod-dirty").count()
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    assert len(drawn) == charts and min(drawn) > 100
    assert dirty == 0
    assert (folder / notebook.name).read_bytes() == notebook.read_bytes()
