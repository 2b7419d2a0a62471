"""Helpers shared by the tests (importable as ``sm_testing``)."""

from __future__ import annotations

import re
from pathlib import Path

from sphinx.util.console import strip_colors

ROOTS = Path(__file__).parent / "roots"
REPO = Path(__file__).parent.parent


def warnings_of(app) -> list[str]:
    """The build's warnings, one a line, with the source folder shown as ``SRC``.

    Only our own and docutils/Sphinx warnings are kept; the lines are exact so a test
    asserts file, line, message and ``[sm.subtype]`` together.
    """
    text = strip_colors(app.warning.getvalue())
    srcdir = str(app.srcdir)
    lines = []
    for line in text.splitlines():
        line = line.replace(srcdir, "SRC")
        if line.strip():
            lines.append(line)
    return lines


def build_html(src: Path, out: Path, **overrides):
    """Build ``src`` to HTML in ``out`` with ``sphinx.testing`` (settings given as
    keyword arguments override conf.py); the app, for its warnings and output."""
    from sphinx.testing.util import SphinxTestApp

    app = SphinxTestApp("html", srcdir=src, builddir=out, confoverrides=overrides or None)
    try:
        app.build()
    finally:
        app.cleanup()
    return app


def sm_warnings(app) -> list[str]:
    return [line for line in warnings_of(app) if re.search(r"\[sm(\.[a-z_]+)?\]$", line)]


def build_pdf(src: Path, out: Path, *options: str) -> tuple[str, Path]:
    """Build ``src`` to PDF with ``sphinx-build -M latexpdf`` and latexmk, and check
    what every PDF test checks: the build succeeds, no line is more than 5pt too
    wide ("Overfull \\hbox"), and every reference resolves. Returns the LaTeX log and
    the latex folder.

    A real TeX toolchain is needed: without one the test is skipped locally, but in CI
    (``CI`` set, as ``.ci/run`` does) it fails, since ``.ci/run`` installs TeX Live.
    """
    import os
    import shutil
    import subprocess
    import sys

    import pytest

    if shutil.which("latexmk") is None or shutil.which("pdflatex") is None:
        if os.environ.get("CI"):
            pytest.fail("latexmk/pdflatex missing in CI: .ci/run must install TeX Live")
        pytest.skip("latexmk and pdflatex are not installed (make pdf needs them)")
    command = [sys.executable, "-m", "sphinx", "-M", "latexpdf", str(src), str(out)]
    result = subprocess.run(
        [*command, "-q", *options], capture_output=True, text=True, timeout=900
    )
    latex = out / "latex"
    log = "\n".join(p.read_text("latin-1") for p in latex.glob("*.log"))
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert list(latex.glob("*.pdf"))
    overfull = [
        float(m) for m in re.findall(r"Overfull \\hbox \(([\d.]+)pt too wide\)", log)
    ]
    assert [w for w in overfull if w > 5] == [], log[-3000:]
    assert "Hyper reference" not in log and "multiply defined" not in log
    return log, latex
