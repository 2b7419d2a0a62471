"""Make the screenshots of the example's register shown in docs/reading.rst.

Run from the repository root, with Chromium and chromedriver installed (as for the
browser tests)::

    .venv/bin/python docs/screenshots.py

It builds the example policy with the default theme (alabaster at its own width) and
writes two PNGs to docs/_static/: the approved-accounts register on a phone (390 CSS
pixels wide) and as printed on A4 (the print stylesheet, on a page as wide as A4
portrait). It uses the browser tests' helpers, so the pictures show what the tests
check.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

import test_browser as tb  # noqa: E402

STATIC = REPO / "docs" / "_static"


def rows_height(driver, box, rows: int, margin: int) -> int:
    """The height, in pixels, of ``box`` down to the end of its first ``rows`` body
    rows, plus ``margin``."""
    return driver.execute_script(
        "const rows = arguments[0].querySelectorAll('tbody tr');"
        "return Math.ceil(rows[arguments[1] - 1].getBoundingClientRect().bottom"
        " - arguments[0].getBoundingClientRect().top) + arguments[2];",
        box,
        rows,
        margin,
    )


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "html"
        tb.build_html(REPO / "example_project", out, "-D", f"sm_today={tb.TODAY}")
        driver = tb.browser_or_skip()
        try:
            register = "div.sm-register"
            # a phone: the first two tools, each a card
            tb.set_width(driver, 390)
            tb.load(driver, out / "registers.html")
            box = driver.find_element("css selector", register)
            height = rows_height(driver, box, 2, 8)
            tb.screenshot(driver, STATIC / "register-phone.png", box, height)
            # paper: the print stylesheet on an A4 portrait page, the first rows
            tb.set_width(driver, tb.A4_PORTRAIT, "print")
            box = driver.find_element("css selector", register)
            height = rows_height(driver, box, 3, 4)
            tb.screenshot(driver, STATIC / "register-paper.png", box, height)
        finally:
            driver.quit()
    for name in ("register-phone.png", "register-paper.png"):
        path = STATIC / name
        print(f"{path.relative_to(REPO)}: {path.stat().st_size // 1024} KiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
