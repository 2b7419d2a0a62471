"""The policy as a reader sees it: real headless Chromium (Debian's ``chromium`` and
``chromium-driver``, installed by .ci/run) loads every page of the example policy and
of a new school's project with long IDs (``tests/roots/test-longids``), each built
once in the four common themes, on a wide screen (1280 px) and on a phone (390 px).

On each page:

- nothing in a table cell is drawn outside the cell;
- no word is broken in the middle (a word may wrap only after ``_``, ``-`` or ``/``;
  an ID too wide for a phone's card breaks where it must until the HTML marks the
  places after its underscores, and each test notes where in ``test-output/``);
- a table wider than the page scrolls inside its own box, never the page;
- the register is one card per tool on a phone;
- axe-core (``axe-selenium-python``) finds no serious or critical problem in the
  content the project renders (the theme's own chrome is left out: docs/reading.rst
  lists what it finds there).

The registers are also laid out for paper (the print stylesheet, on an A4 page).
Screenshots of each page go to ``test-output/browser/`` for a person to look at."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from sm_testing import REPO, ROOTS

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
SHOTS = REPO / "test-output" / "browser"

THEMES = ("alabaster", "furo", "sphinx_rtd_theme", "pydata_sphinx_theme")
#: a laptop and a phone (an iPhone 14 is 390 CSS pixels wide)
WIDTHS = (1280, 390)
#: A4 (210 mm) less 15 mm margins each side, in CSS pixels (96 to the inch)
A4_PORTRAIT = round((210 - 30) / 25.4 * 96)
#: where each theme puts the content the project renders: axe looks only there
CONTENT = {
    "alabaster": "div.body",
    "furo": "article[role=main]",
    "sphinx_rtd_theme": "div[itemprop=articleBody]",
    "pydata_sphinx_theme": "article.bd-article",
}
#: Sphinx's own markup inside the content, which neither the project nor this
#: extension writes (docs/reading.rst lists it with the way round it): a
#: toctree's caption has role="heading" and no aria-level
NOT_OURS = (".toctree-wrapper > p.caption",)
#: the build day of the example, as in its other tests
TODAY = "2026-12-02"
PROJECTS = {
    # (source, sphinx-build options besides the theme)
    "example": (REPO / "example_project", ("-W", "--keep-going")),
    # a new school's first build has must findings, which are warnings: no -W
    "longids": (ROOTS / "test-longids", ()),
    # what `sociallpolicy new` writes from the full example answers (made per test run)
    "wizard": (None, ("-W", "--keep-going")),
}
REGISTERS = (
    "sm-register-table",
    "sm-risk-table",
    "sm-heatmap",
    "sm-matrix-table",
    "sm-compliance-summary",
    "sm-findings",
)
#: the tables each project's pages must show, with rows
EXPECTED = {
    "example": {"index": ["sm-key-facts"], "registers": list(REGISTERS)},
    "longids": {"index": ["sm-key-facts"], "registers": list(REGISTERS)},
    "wizard": {"index": ["sm-key-facts"], "registers": list(REGISTERS)},
}

#: What a reader would see wrong with the tables of the page, as lists of short
#: descriptions (empty when all is well).
CHECK_PAGE = r"""
const [content, phone] = arguments;
const report = {tables: {}, outside: [], broken: [], page_scrolls: [], card: [],
                ids_broken: []};
const main = document.querySelector(content) || document.body;
const mainBox = main.getBoundingClientRect();
const where = (cell) => {
  const table = cell.closest('table');
  const kind = [...table.classList].find(c => c.startsWith('sm-') && c !== 'sm-table');
  const row = cell.parentElement.rowIndex, col = cell.cellIndex;
  return kind + ' row ' + row + ' col ' + col;
};
const inside = (r, box) => r.left >= box.left - 1 && r.right <= box.right + 1
    && r.top >= box.top - 1 && r.bottom <= box.bottom + 1;
const shown = (el) => el.getClientRects().length > 0;

for (const table of document.querySelectorAll('table.sm-table')) {
  const kind = [...table.classList].find(c => c.startsWith('sm-') && c !== 'sm-table');
  const rows = table.querySelectorAll('tbody tr').length;
  report.tables[kind] = (report.tables[kind] || 0) + rows;
  // a table wider than the page scrolls in its own box; the box stays in the page
  const box = table.closest('.sm-table-wrapper') || table.parentElement;
  if (box.getBoundingClientRect().right > mainBox.right + 1)
    report.page_scrolls.push(kind);
  for (const cell of table.querySelectorAll('th, td')) {
    if (!shown(cell)) continue;
    const cellBox = cell.getBoundingClientRect();
    // 1. every piece of the cell's content (its text and its elements) lies in it
    const range = document.createRange();
    range.selectNodeContents(cell);
    const pieces = [...range.getClientRects(),
                    ...[...cell.querySelectorAll('*')].map(e => e.getBoundingClientRect())];
    for (const r of pieces) {
      if (r.width > 0 && r.height > 0 && !inside(r, cellBox)) {
        report.outside.push(where(cell) + ': ' + cell.innerText.slice(0, 60));
        break;
      }
    }
    // 2. each word is on one line; it may wrap only after _ - or /. An ID wider
    // than a phone's card must break somewhere: after an underscore where the HTML
    // marks those places (<wbr>), anywhere until it does (noted in ids_broken)
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.parentElement || !shown(node.parentElement)) continue;
      const id = node.parentElement.closest('code.sm-id');
      const found = id && !id.querySelector('wbr') ? report.ids_broken : report.broken;
      for (const m of node.data.matchAll(/[^\s_\-\/]+[_\-\/]*/g)) {
        const word = document.createRange();
        word.setStart(node, m.index);
        word.setEnd(node, m.index + m[0].length);
        const lines = new Set([...word.getClientRects()].filter(r => r.width > 0)
                                .map(r => Math.round(r.bottom)));
        if (lines.size > 1) found.push(where(cell) + ': ' + m[0]);
      }
    }
  }
}
// 3. on a phone the register is one card per tool, each with its column labels
if (phone) {
  for (const table of document.querySelectorAll('table.sm-register-table')) {
    const row = table.querySelector('tbody tr');
    const label = row.querySelector('.sm-cell-label');
    if (getComputedStyle(row).display === 'table-row' || !label || !shown(label))
      report.card.push('the register is not shown as cards');
    if (row.getBoundingClientRect().width > mainBox.width + 1)
      report.card.push('a card is wider than the page');
  }
}
return report;
"""

#: The print stylesheet, on a page as wide as A4 portrait: each table fits the page
#: (paper cannot scroll), its header row repeats and no row is cut.
CHECK_PRINT = r"""
const report = {wide: [], header: [], rows: [], outside: []};
for (const table of document.querySelectorAll('table.sm-table')) {
  const kind = [...table.classList].find(c => c.startsWith('sm-') && c !== 'sm-table');
  const box = table.closest('.sm-table-wrapper') || table.parentElement;
  const right = Math.min(box.getBoundingClientRect().right, window.innerWidth);
  if (table.getBoundingClientRect().right > right + 1)
    report.wide.push(kind + ' ' + Math.round(table.getBoundingClientRect().width));
  const head = table.querySelector('thead');
  if (head && getComputedStyle(head).display !== 'table-header-group')
    report.header.push(kind);
  const row = table.querySelector('tbody tr');
  if (row && getComputedStyle(row).breakInside !== 'avoid') report.rows.push(kind);
  for (const cell of table.querySelectorAll('th, td')) {
    const cellBox = cell.getBoundingClientRect();
    for (const el of cell.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && (r.left < cellBox.left - 1 || r.right > cellBox.right + 1)) {
        report.outside.push(kind + ': ' + cell.innerText.slice(0, 60));
        break;
      }
    }
  }
}
return report;
"""


# --- the browser ---------------------------------------------------------------------


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
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
        "--window-size=1280,1600",
    ):
        options.add_argument(flag)
    # a profile of its own: two browsers started at once (tests run side by side)
    # must not share one
    profile = tempfile.mkdtemp(prefix="sm-chromium-")
    options.add_argument(f"--user-data-dir={profile}")
    return webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))


@pytest.fixture(scope="module")
def browser():
    driver = browser_or_skip()
    try:
        yield driver
    finally:
        driver.quit()


def load(driver, page: Path) -> None:
    """Open ``page`` and wait until it has loaded (the script runs on the page, not
    on the blank one before it)."""
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


def set_width(driver, width: int, media: str = "") -> None:
    """A window ``width`` CSS pixels wide inside (the viewport, not the frame), as
    the screen or, with ``media="print"``, as paper."""
    driver.set_window_size(width, 1000)
    inner = driver.execute_script("return window.innerWidth")
    if inner != width:
        driver.set_window_size(2 * width - inner, 1000)
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": media})


def screenshot(driver, path: Path, element=None, height: int | None = None) -> None:
    """A PNG of the whole page (or of ``element``, or its first ``height`` pixels)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    box = driver.execute_script(
        "const r = (arguments[0] || document.documentElement).getBoundingClientRect();"
        "return [r.left + scrollX, r.top + scrollY, Math.ceil(r.width),"
        " Math.ceil(r.height)];",
        element,
    )
    x, y, w, h = box
    if element is None:
        w = driver.execute_script("return window.innerWidth")
    clip = {"x": x, "y": y, "width": w, "height": min(h, height or h, 8000), "scale": 1}
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot",
        {"format": "png", "clip": clip, "captureBeyondViewport": True},
    )
    path.write_bytes(base64.b64decode(shot["data"]))


# --- the projects, built once per theme ----------------------------------------------


def build_html(src: Path, out: Path, *options: str) -> None:
    """Build ``src`` to HTML in a subprocess, as a user would."""
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-q", *options, str(src), str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr


def make_wizard_project(target: Path) -> None:
    """The project `sociallpolicy new` writes from the full example answers, dated
    as the other projects are built (``TODAY``)."""
    import datetime as dt
    import os

    epoch = dt.datetime.fromisoformat(f"{TODAY}T12:00:00+00:00").timestamp()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinxcontrib_sociallpolicy.cli",
            "new",
            str(target),
            "--answers",
            str(
                REPO
                / "sphinxcontrib_sociallpolicy"
                / "cli"
                / "examples"
                / "answers-full.yaml"
            ),
            "-y",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "SOURCE_DATE_EPOCH": str(int(epoch))},
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """``sites(project, theme)``: the folder of the project's HTML in the theme,
    built on first use and kept for the other tests of this module."""
    built: dict[tuple[str, str], Path] = {}

    def site(project: str, theme: str) -> Path:
        if (project, theme) not in built:
            source, options = PROJECTS[project]
            base = tmp_path_factory.mktemp(f"{project}-{theme}")
            src = base / "src"
            if source is None:
                make_wizard_project(src)
            else:
                shutil.copytree(source, src, ignore=shutil.ignore_patterns("_build"))
            out = base / "html"
            build_html(
                src, out, *options, "-D", f"html_theme={theme}", "-D", f"sm_today={TODAY}"
            )
            built[project, theme] = out
        return built[project, theme]

    return site


def pages(out: Path) -> list[str]:
    """The pages built from the project's own sources (not the theme's search and
    index pages)."""
    return sorted(
        p.name.removesuffix(".txt").removesuffix(".rst")
        for p in (out / "_sources").iterdir()
    )


# --- axe-core --------------------------------------------------------------------------

AXE_RUN = """
const [context, done] = [arguments[0], arguments[arguments.length - 1]];
axe.run(context, {resultTypes: ['violations']})
   .then(results => done(results.violations))
   .catch(error => done([{id: 'axe-error', impact: 'critical', help: String(error),
                          nodes: []}]));
"""


def axe_violations(driver, content: str) -> list[dict]:
    """axe-core's serious and critical violations inside the element ``content``
    (a CSS selector: the project's content, without the theme's chrome)."""
    from axe_selenium_python import Axe

    Axe(driver).inject()
    driver.set_script_timeout(60)
    context = {"include": [[content]], "exclude": [[selector] for selector in NOT_OURS]}
    found = driver.execute_async_script(AXE_RUN, context)
    return [v for v in found if v.get("impact") in ("serious", "critical")]


def describe(violations: list[dict]) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(" ".join(n["target"]) for n in v["nodes"][:5])
        for v in violations
    ]


# --- the tests -----------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("project", sorted(PROJECTS))
def test_every_page_reads_well(project: str, theme: str, width: int, sites, browser):
    """Every page of the project, in the theme, at the width: the tables are there
    with rows, every cell holds its own content, no word is broken, wide tables
    scroll in their own box, the register is cards on a phone, and axe-core finds no
    serious or critical problem in the content. A screenshot of each page is kept."""
    out = sites(project, theme)
    set_width(browser, width)
    problems: dict[str, object] = {}
    notes: dict[str, list[str]] = {}  # IDs broken other than after an underscore
    for page in pages(out):
        load(browser, out / f"{page}.html")
        report = browser.execute_script(CHECK_PAGE, CONTENT[theme], width < 600)
        shown = report.pop("tables")
        if ids := report.pop("ids_broken"):
            notes[page] = ids
        missing = [t for t in EXPECTED[project].get(page, []) if not shown.get(t)]
        if missing:
            problems[f"{page}: tables missing or empty"] = missing
        for what, found in report.items():
            if found:
                problems[f"{page}: {what}"] = found[:10]
        violations = axe_violations(browser, CONTENT[theme])
        if violations:
            problems[f"{page}: axe"] = describe(violations)
        screenshot(browser, SHOTS / f"{project}-{theme}-{width}-{page}.png")
    (SHOTS / f"{project}-{theme}-{width}-ids-broken.json").write_text(
        json.dumps(notes, indent=1), encoding="utf-8"
    )
    assert problems == {}, json.dumps(problems, indent=1)


@pytest.mark.slow
@pytest.mark.parametrize("theme", ["furo", "pydata_sphinx_theme"])
@pytest.mark.parametrize("project", sorted(PROJECTS))
def test_dark_themes_keep_the_contrast(project: str, theme: str, sites, browser):
    """furo and pydata-sphinx-theme turn dark when the reader's system is dark: the
    coloured cells and boxes carry their own dark text, so axe-core finds no
    serious or critical problem in the content on any page then either."""
    out = sites(project, theme)
    set_width(browser, 1280)
    dark = [{"name": "prefers-color-scheme", "value": "dark"}]
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "", "features": dark})
    problems = {}
    try:
        for page in pages(out):
            load(browser, out / f"{page}.html")
            if violations := axe_violations(browser, CONTENT[theme]):
                problems[page] = describe(violations)
            if page == "registers":
                screenshot(browser, SHOTS / f"{project}-{theme}-dark-{page}.png")
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "", "features": []})
    assert problems == {}, json.dumps(problems, indent=1)


@pytest.mark.slow
@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("project", sorted(PROJECTS))
def test_registers_print_on_a4(project: str, theme: str, sites, browser, tmp_path):
    """The registers page printed from the browser: on a page as wide as A4 portrait
    every table fits (paper does not scroll), header rows repeat on each page and no
    row is cut. The PDFs Chromium prints, portrait and landscape, are kept."""
    from selenium.webdriver.common.print_page_options import PrintOptions

    out = sites(project, theme)
    load(browser, out / "registers.html")
    set_width(browser, A4_PORTRAIT, "print")
    try:
        report = browser.execute_script(CHECK_PRINT)
        table = browser.find_element("css selector", "table.sm-register-table")
        screenshot(browser, SHOTS / f"{project}-{theme}-print-register.png", table)
    finally:
        set_width(browser, 1280)
    assert report == {"wide": [], "header": [], "rows": [], "outside": []}, report
    for orientation in ("portrait", "landscape"):
        options = PrintOptions()
        options.orientation = orientation
        options.page_width, options.page_height = 21.0, 29.7
        pdf = base64.b64decode(browser.print_page(options))
        assert pdf.startswith(b"%PDF")
        SHOTS.mkdir(parents=True, exist_ok=True)
        (SHOTS / f"{project}-{theme}-registers-{orientation}.pdf").write_bytes(pdf)


@pytest.mark.slow
@pytest.mark.parametrize("theme", ["alabaster", "furo"])
def test_hostile_text_stays_in_its_cells(theme: str, tmp_path: Path, browser):
    """Text no table can fit (a word of 85 letters, markup, LaTeX) stays in its
    cell: the table scrolls in its own box, and on a phone the card breaks the
    word rather than spill."""
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-hostile", src)
    out = tmp_path / "html"
    build_html(src, out, "-D", f"html_theme={theme}")
    for width in WIDTHS:
        set_width(browser, width)
        load(browser, out / "index.html")
        report = browser.execute_script(CHECK_PAGE, CONTENT[theme], width < 600)
        screenshot(browser, SHOTS / f"hostile-{theme}-{width}.png")
        assert report["outside"] == report["page_scrolls"] == report["card"] == [], (
            width,
            report,
        )
        assert set(report["tables"]) >= set(REGISTERS) - {"sm-findings"}


def test_example_shows_the_default_theme_width():
    """The example is what every school gets: alabaster at its own width, with no
    ``page_width`` or ``sidebar_width`` of its own."""
    conf = (REPO / "example_project" / "conf.py").read_text(encoding="utf-8")
    assert "page_width" not in conf and "sidebar_width" not in conf
