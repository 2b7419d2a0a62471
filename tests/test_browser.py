"""The tables as a reader sees them: real headless Chromium (Debian's ``chromium``
and ``chromium-driver``, installed by .ci/run) loads the rendered pages and fails
if a table is missing, empty or wider than its container. A screenshot of each page
is kept in ``test-output/`` for a person to look at."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sm_testing import REPO, ROOTS

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
SHOTS = REPO / "test-output"
TABLES = (
    "sm-register-table",
    "sm-risk-table",
    "sm-heatmap",
    "sm-matrix-table",
    "sm-compliance-summary",
)

CHECK_TABLES = """
const wanted = arguments[0];
const report = {missing: [], empty: [], overflow: []};
for (const css of wanted) {
  const tables = document.querySelectorAll('table.' + css);
  if (!tables.length) { report.missing.push(css); continue; }
  for (const table of tables) {
    if (!table.querySelectorAll('tbody tr').length) report.empty.push(css);
    const box = table.closest('.sm-table-wrapper') || table.parentElement;
    const main = document.querySelector('div.body, article, main') || document.body;
    if (box.scrollWidth > box.clientWidth + 1 || box.getBoundingClientRect().right >
        main.getBoundingClientRect().right + 1)
      report.overflow.push(css + ' (' + box.scrollWidth + ' > ' + box.clientWidth + ')');
  }
}
return report;
"""


def browser_or_skip():
    if not (CHROMIUM and CHROMEDRIVER):
        if os.environ.get("CI"):
            pytest.fail("chromium/chromedriver missing in CI: .ci/run must install them")
        pytest.skip("chromium and chromium-driver are not installed")
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1280,1600",
    ):
        options.add_argument(flag)
    # a profile of its own: two browsers started at once (tests run side by side)
    # must not share one
    import tempfile

    profile = tempfile.mkdtemp(prefix="sm-chromium-")
    options.add_argument(f"--user-data-dir={profile}")
    return webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))


def load(driver, page: Path) -> None:
    """Open ``page`` and wait until it has loaded (the script runs on the page, not
    on the blank one before it)."""
    import time

    driver.get(page.as_uri())
    for _ in range(50):
        if (
            driver.execute_script(
                "return document.readyState === 'complete' && location.href"
            )
            == page.as_uri()
        ):
            return
        time.sleep(0.1)
    raise AssertionError(f"the browser did not load {page}")


def build_html(src: Path, out: Path, *options: str) -> None:
    """Build ``src`` to HTML in a subprocess, as a user would."""
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-q", *options, str(src), str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr


def assert_tables_fit(page: Path, tables: list[str], shot: str) -> None:
    """Load ``page`` in headless Chromium on a wide and a narrow window: every table
    class in ``tables`` is there, has rows and fits its container. A screenshot of
    each width goes to test-output/``shot``-WIDTH.png."""
    driver = browser_or_skip()
    try:
        for width in (1280, 800):
            driver.set_window_size(width, 1600)
            load(driver, page)
            report = driver.execute_script(CHECK_TABLES, tables)
            SHOTS.mkdir(exist_ok=True)
            driver.save_screenshot(str(SHOTS / f"{shot}-{width}.png"))
            assert report == {"missing": [], "empty": [], "overflow": []}, (
                shot,
                width,
                report,
            )
    finally:
        driver.quit()


@pytest.mark.slow
@pytest.mark.parametrize("theme", ["alabaster", "furo"])
def test_tables_render_and_fit_in_a_browser(theme: str, tmp_path: Path):
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-hostile", src)
    out = tmp_path / "html"
    build_html(src, out, "-D", f"html_theme={theme}")
    assert_tables_fit(out / "index.html", list(TABLES), f"tables-{theme}")


@pytest.mark.slow
@pytest.mark.parametrize("theme", ["alabaster", "furo"])
def test_example_registers_render_and_fit_in_a_browser(theme: str, tmp_path: Path):
    """The example project's registers page (``example_project/registers.rst``): the
    four registers, the heat map and the findings table are there, have rows and fit
    their container, in the default theme and in furo, on a wide and a narrow
    window."""
    src = tmp_path / "src"
    shutil.copytree(REPO / "example_project", src, ignore=shutil.ignore_patterns("_build"))
    out = tmp_path / "html"
    build_html(
        src,
        out,
        "-W",
        "--keep-going",
        "-D",
        f"html_theme={theme}",
        "-D",
        "sm_today=2026-11-25",
    )
    assert_tables_fit(
        out / "registers.html", [*TABLES, "sm-findings"], f"example-registers-{theme}"
    )
