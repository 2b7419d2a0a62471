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


def sm_warnings(app) -> list[str]:
    return [line for line in warnings_of(app) if re.search(r"\[sm(\.[a-z_]+)?\]$", line)]
