"""The reports are written by a forked process while the pages are written (on
Linux): the same files as written at the end, none when the build fails, and the
end's way when the forked process fails."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from sm_testing import ROOTS
from sphinx.errors import SphinxError
from sphinx.testing.util import SphinxTestApp
from test_parallel_incremental import build

from sphinxcontrib_sociallpolicy import reports

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="forks on Linux only")

NAMES = (reports.REPORT_JSON, reports.REPORT_JUNIT)


def files(app: SphinxTestApp) -> dict[str, bytes]:
    """The two reports, without the build time; and no file but them."""
    outdir = Path(app.outdir)
    assert not list(outdir.glob(".*.part")), "a report left half-written"
    found = {}
    for name in NAMES:
        text = (outdir / name).read_bytes()
        found[name] = b"\n".join(
            line for line in text.splitlines() if b'"generated":' not in line
        )
    return found


@pytest.fixture(params=["test-items", "test-compliant", "trust/school-a"])
def project(request, tmp_path: Path) -> Path:
    """A project: with findings, without, a school on a trust base."""
    shutil.copytree(ROOTS / request.param.split("/")[0], tmp_path / "src")
    return tmp_path / "src" / request.param.partition("/")[2]


@pytest.mark.parametrize("parallel", [0, 2])
def test_the_forked_reports_are_those_written_at_the_end(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parallel: int
):
    forks: list[int] = []
    fork = reports._fork
    assert fork is not None

    def counted() -> int:
        pid = fork()
        if pid:
            forks.append(pid)
        return pid

    monkeypatch.setattr(reports, "_fork", counted)
    forked = build(project, tmp_path / "forked", parallel=parallel, fresh=True)
    assert len(forks) == 1
    monkeypatch.setattr(reports, "_can_fork", lambda: False)
    at_the_end = build(project, tmp_path / "end", parallel=parallel, fresh=True)
    assert len(forks) == 1
    assert files(forked) == files(at_the_end)


def test_when_the_forked_process_fails_they_are_written_at_the_end(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    parent = os.getpid()
    write = reports._write_files

    def fails_in_the_child(*args):
        if os.getpid() != parent:
            raise OSError("disk full")
        write(*args)

    monkeypatch.setattr(reports, "_write_files", fails_in_the_child)
    app = build(project, tmp_path / "out", fresh=True)
    monkeypatch.setattr(reports, "_write_files", write)
    monkeypatch.setattr(reports, "_can_fork", lambda: False)
    assert files(app) == files(build(project, tmp_path / "end", fresh=True))


def test_a_failed_build_keeps_no_report(project: Path, tmp_path: Path):
    out = tmp_path / "out"
    app = SphinxTestApp("html", srcdir=project, builddir=out, freshenv=True)

    def breaks(app, doctree, docname):
        raise SphinxError("the build breaks while writing")

    app.connect("doctree-resolved", breaks)
    try:
        with pytest.raises(SphinxError):
            app.build()
    finally:
        app.cleanup()
    outdir = Path(app.outdir)
    assert not [p.name for p in outdir.glob("*sm-*")]
