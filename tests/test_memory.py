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


def test_what_reading_left_is_frozen_until_the_build_ends(tmp_path: Path):
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-compliant", src)
    assert gc.get_freeze_count() == 0
    seen: list[int] = []
    app = SphinxTestApp("html", srcdir=src, freshenv=True)
    app.connect("write-started", lambda app, builder: seen.append(gc.get_freeze_count()))
    try:
        app.build()
    finally:
        app.cleanup()
    assert seen and seen[0] > 0
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
