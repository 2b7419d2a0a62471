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


def build_with_page(src: Path, name: str, text: str):
    """Copy the compliant test project to ``src``, add the page ``name``.rst with
    ``text`` to its table of contents, build it to HTML; the app."""
    import shutil

    from sphinx.testing.util import SphinxTestApp

    shutil.copytree(ROOTS / "test-compliant", src)
    (src / f"{name}.rst").write_text(text, "utf-8")
    index = src / "index.rst"
    index.write_text(
        index.read_text("utf-8").replace("   appendix\n", f"   appendix\n   {name}\n")
    )
    app = SphinxTestApp("html", srcdir=src, freshenv=True)
    try:
        app.build()
    finally:
        app.cleanup()
    return app


def sm_warnings(app) -> list[str]:
    return [line for line in warnings_of(app) if re.search(r"\[sm(\.[a-z_]+)?\]$", line)]


def build_pdf(src: Path, out: Path, *options: str) -> tuple[str, Path]:
    """Build ``src`` to PDF with ``sphinx-build -M latexpdf`` and latexmk, and check
    what every PDF test checks (:func:`check_pdf`): the build succeeds, no line is
    more than 5pt too wide ("Overfull \\hbox"), every reference resolves, captions
    are numbered once each, the main matter starts with a chapter, and items are
    set apart. Returns the LaTeX log and the latex folder.

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
    check_pdf(log, latex)
    return log, latex


#: what LaTeX logs for a link or reference to a label that does not exist
UNDEFINED = re.compile(
    r"Hyper reference `[^']*' on page|Reference `[^']*' on page \S+ undefined"
    r"|There were undefined references|multiply defined"
)


def check_pdf(log: str, latex: Path) -> None:
    """The checks every PDF build passes (see :func:`build_pdf`)."""
    overfull = [
        float(m) for m in re.findall(r"Overfull \\hbox \(([\d.]+)pt too wide\)", log)
    ]
    assert [w for w in overfull if w > 5] == [], log[-3000:]
    assert UNDEFINED.findall(log) == [], sorted(set(UNDEFINED.findall(log)))
    # each table and figure has its own number: no "Table 1" in every chapter
    numbered = captions(latex)
    for kind in ("table", "figure"):
        numbers = [number for k, number, _ in numbered if k == kind]
        assert len(numbers) == len(set(numbers)), (kind, numbered)
    tex = "\n".join(p.read_text("utf-8") for p in latex.glob("*.tex"))
    # the main matter starts with a chapter: nothing (such as the key facts) sits
    # between the contents and the first chapter, headed "Contents"
    if r"\sphinxtableofcontents" in tex and r"\chapter" in tex:
        assert not front_matter(tex), front_matter(tex)[:500]
    # items are set apart: the package draws a rule for the sm-item class
    if r"\begin{sphinxuseclass}{sm-item}" in tex:
        sty = (latex / "sociallpolicy.sty").read_text("utf-8")
        assert r"\newenvironment{sphinxclasssm-item}" in sty


def captions(latex: Path) -> list[tuple[str, str, str]]:
    """``(kind, number, text)`` of every numbered table and figure caption of the
    latex build in ``latex``, in order, as LaTeX wrote them to the .aux file."""
    found = []
    entry = re.compile(
        r"^\\@writefile\{lo[tf]\}\{\\contentsline \{(table|figure)\}"
        r"\{\\numberline \{([^}]*)\}(.*)\}\{[^{}]*\}\{[^{}]*\}"
        r"(?:\\protected@file@percent )?\}$"
    )
    for aux in sorted(latex.glob("*.aux")):
        for line in aux.read_text("latin-1").splitlines():
            match = entry.match(line)
            if match:
                kind, number, text = match.groups()
                text = re.sub(r"\\(ignorespaces|strut)\b", "", text)
                found.append((kind, number, " ".join(text.strip("{} ").split())))
    return found


def front_matter(tex: str) -> str:
    """What the document body prints between the table of contents and its first
    chapter (labels and blank lines do not count)."""
    body = tex[tex.index(r"\sphinxtableofcontents") + len(r"\sphinxtableofcontents") :]
    chapter = re.search(r"\\chapter\*?\{", body)
    before = body[: chapter.start()] if chapter else body
    for quiet in (
        r"\\pagestyle\{\w+\}",
        r"\\phantomsection",
        r"\\label\{\\detokenize\{[^}]*\}\}",
        r"\\sphinxstepscope",
        r"\\begin\{sphinxuseclass\}\{[^}]*\}",
    ):
        before = re.sub(quiet, "", before)
    return before.strip()


def record_calls(monkeypatch, owner, name: str) -> list:
    """Have ``owner.name`` record what each call returns (for the test's length of
    the list: the number of calls); the list."""
    results: list = []
    original = getattr(owner, name)

    def recorded(*args, **kwargs):
        result = original(*args, **kwargs)
        results.append(result)
        return result

    monkeypatch.setattr(owner, name, recorded)
    return results
