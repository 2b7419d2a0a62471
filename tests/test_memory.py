"""Garbage collection in a build: what reading left is frozen while the build runs
(later collections skip it), and unfrozen when the build ends, also when it fails."""

from __future__ import annotations

import gc
import shutil
from pathlib import Path

import pytest
from sm_testing import ROOTS
from sphinx.errors import ExtensionError
from sphinx.testing.util import SphinxTestApp


@pytest.mark.parametrize("parallel", [0, 2])
def test_what_reading_left_is_frozen_until_the_build_ends(tmp_path: Path, parallel: int):
    """Frozen after reading (also after merging what parallel readers read), more
    with each page resolved for writing, and nothing once the build ends."""
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-compliant", src)
    assert gc.get_freeze_count() == 0
    seen: list[int] = []
    resolved: list[int] = []
    app = SphinxTestApp("html", srcdir=src, freshenv=True, parallel=parallel)
    app.connect("write-started", lambda app, builder: seen.append(gc.get_freeze_count()))
    app.connect(
        "doctree-resolved",
        lambda app, doctree, docname: resolved.append(gc.get_freeze_count()),
        priority=1000,
    )
    try:
        app.build()
    finally:
        app.cleanup()
    assert seen and seen[0] > 0
    assert resolved and resolved[0] >= seen[0]
    assert gc.get_freeze_count() == 0


def test_a_failed_build_unfreezes_too(tmp_path: Path):
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-compliant", src)

    def fail(app, builder):
        raise RuntimeError("a broken extension")

    app = SphinxTestApp("html", srcdir=src, freshenv=True)
    app.connect("write-started", fail)
    try:
        with pytest.raises((ExtensionError, RuntimeError)):
            app.build()
    finally:
        app.cleanup()
    assert gc.get_freeze_count() == 0


def test_a_process_that_built_skips_the_last_collection_on_exit(tmp_path: Path):
    """At exit everything is frozen again, so Python's last collection walks nothing:
    a finaliser of an object in a reference cycle is not run at exit."""
    import subprocess
    import sys

    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-compliant", src)
    code = (
        "import sys\n"
        "from sphinx.cmd.build import main\n"
        "class Cycle:\n"
        "    def __init__(self): self.me = self\n"
        "    def __del__(self): print('collected at exit')\n"
        f"code = main(['-b', 'html', '-q', {str(src)!r}, {str(tmp_path / 'out')!r}])\n"
        "Cycle()\n"
        "sys.exit(code)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "collected at exit" not in proc.stdout
