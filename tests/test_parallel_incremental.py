"""Parallel (-j 2) and incremental builds give what a clean serial build gives."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from sm_testing import ROOTS, record_calls, warnings_of
from sphinx.testing.util import SphinxTestApp
from test_directives import DRAFT_WARNING


def build(src: Path, out: Path, *, parallel: int = 0, fresh: bool = False) -> SphinxTestApp:
    app = SphinxTestApp("html", srcdir=src, builddir=out, parallel=parallel, freshenv=fresh)
    try:
        app.build()
    finally:
        app.cleanup()
    return app


def snapshot(app: SphinxTestApp) -> dict[str, object]:
    """The needs and the body of every page, without what differs between any two
    builds (build times, asset hashes)."""
    outdir = Path(app.outdir)
    data = json.loads((outdir / "needs.json").read_text("utf-8"))
    needs = data["versions"][data["current_version"]]["needs"]
    pages = {}
    for page in sorted(outdir.glob("*.html")):
        if page.name in {"genindex.html", "search.html"}:
            continue
        html = page.read_text("utf-8")
        if '<div class="body"' in html:  # a theme page; permalink.html is not one
            html = html[
                html.index('<div class="body"') : html.index('<div class="sphinxsidebar"')
            ]
        body = html
        pages[page.name] = re.sub(r"\?v=[0-9a-f]+", "", body)
    return {"needs": needs, "pages": pages}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-items", src)
    return src


def edit(src: Path) -> None:
    """Move a tool to a new page, add a tool, edit another: the page with the
    whole-project tables (safeguards.rst) is not touched, yet must show it all."""
    tools = (src / "tools.rst").read_text("utf-8")
    start = tools.index(".. sm-tool:: Parents' Facebook group")
    end = tools.index(".. sm-tool:: Class journals")
    (src / "tools.rst").write_text(tools[:start] + tools[end:], "utf-8")
    (src / "facebook.rst").write_text(
        "Facebook\n========\n\n"
        + tools[start:end]
        + ".. sm-tool:: Added later\n   :id: TOOL_ADDED\n   :platform: blog\n"
        "   :purpose: discussion\n   :audience: parents\n",
        "utf-8",
    )
    index = (src / "index.rst").read_text("utf-8")
    (src / "index.rst").write_text(
        index.replace("   tools\n", "   tools\n   facebook\n"), "utf-8"
    )
    tools = (src / "tools.rst").read_text("utf-8")
    (src / "tools.rst").write_text(
        tools.replace(":purpose: showcase", ":purpose: showcase, learning"), "utf-8"
    )


def test_parallel_build_matches_serial(project: Path, tmp_path: Path):
    serial = build(project, tmp_path / "serial", fresh=True)
    parallel = build(project, tmp_path / "parallel", parallel=2, fresh=True)
    assert warnings_of(serial) == warnings_of(parallel) == [DRAFT_WARNING]
    assert snapshot(parallel) == snapshot(serial)


@pytest.mark.parametrize("parallel", [0, 2])
def test_incremental_build_matches_clean(project: Path, tmp_path: Path, parallel: int):
    out = tmp_path / "incremental"
    build(project, out, parallel=parallel, fresh=True)
    before = (out / "html" / "safeguards.html").read_text("utf-8")
    assert 'href="tools.html#TOOL_FACEBOOK_GROUP"' in before

    edit(project)
    incremental = build(project, out, parallel=parallel)
    clean = build(project, tmp_path / "clean", fresh=True)
    assert warnings_of(incremental) == warnings_of(clean) == [DRAFT_WARNING]
    after = snapshot(incremental)
    assert after == snapshot(clean)
    # the page that was not edited links to the tool where it now is, and its
    # tables show the added tool and the edited one
    page = after["pages"]["safeguards.html"]
    assert 'href="facebook.html#TOOL_FACEBOOK_GROUP"' in page
    assert 'href="facebook.html#TOOL_ADDED"' in page
    assert "showcase, learning" in page


def test_editing_one_field_rewrites_the_table_pages(project: Path, tmp_path: Path):
    """Only a field of a tool changes (no item added, removed or moved): the page
    with the whole-project tables is not re-read, yet is rewritten."""
    out = tmp_path / "incremental"
    build(project, out, fresh=True)
    assert "showcase, learning" not in (out / "html" / "safeguards.html").read_text("utf-8")
    tools = (project / "tools.rst").read_text("utf-8")
    (project / "tools.rst").write_text(
        tools.replace(":purpose: showcase", ":purpose: showcase, learning"), "utf-8"
    )
    incremental = build(project, out)
    clean = build(project, tmp_path / "clean", fresh=True)
    assert snapshot(incremental) == snapshot(clean)
    assert "showcase, learning" in (out / "html" / "safeguards.html").read_text("utf-8")


def epoch(day: str) -> str:
    import datetime as dt

    moment = dt.datetime.fromisoformat(day).replace(tzinfo=dt.UTC)
    return str(int(moment.timestamp()))


@pytest.mark.parametrize("parallel", [0, 2])
def test_a_later_build_date_alone_rewrites_the_table_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parallel: int
):
    """With sm_today unset, the checks use the build date: an incremental build on a
    later day, with no edit, shows what a clean build that day shows (reviews now
    overdue), not the old tables."""
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-compliant", src)
    conf = src / "conf.py"
    text = conf.read_text("utf-8").replace('sm_today = "2026-11-24"\n', "")
    conf.write_text(text + "needs_build_json = True\n", "utf-8")
    assert "sm_today" not in conf.read_text("utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch("2026-11-24"))
    before = snapshot(build(src, tmp_path / "out", parallel=parallel, fresh=True))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch("2028-06-01"))
    later = build(src, tmp_path / "out", parallel=parallel)
    clean = build(src, tmp_path / "clean", parallel=parallel, fresh=True)
    assert snapshot(later) == snapshot(clean)
    assert snapshot(later)["pages"]["appendix.html"] != before["pages"]["appendix.html"]
    page = (Path(later.outdir) / "appendix.html").read_text("utf-8")
    assert "2028-06-01" in page
    report = json.loads((Path(later.outdir) / "sm-report.json").read_text("utf-8"))
    assert report["summary"]["open"] > 0


# --- status marks: a page is rewritten when its marks change, and only then ---------


@pytest.fixture
def compliant(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-compliant", src)
    with (src / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write("needs_build_json = True\n")
    return src


def written(out: Path) -> dict[str, int]:
    """When each HTML page was last written."""
    return {page.name: page.stat().st_mtime_ns for page in (out / "html").glob("*.html")}


def rewritten(before: dict[str, int], out: Path) -> set[str]:
    return {name for name, when in written(out).items() if before.get(name) != when}


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def rebuilt_after(
    src: Path, tmp_path: Path, edit: Callable[[], None], parallel: int = 0
) -> set[str]:
    """Build ``src``, ``edit`` it, rebuild incrementally: the rebuilt pages must equal
    a clean build of the edited text. The pages the rebuild wrote."""
    out = tmp_path / "out"
    build(src, out, parallel=parallel, fresh=True)
    before = written(out)
    edit()
    incremental = build(src, out, parallel=parallel)
    clean = build(src, tmp_path / "clean", parallel=parallel, fresh=True)
    assert snapshot(incremental) == snapshot(clean)
    return rewritten(before, out)


def add_a_sentence(src: Path) -> Callable[[], None]:
    """An edit of a tool's text that changes no status mark."""
    return lambda: replace_in(
        src / "tools.rst",
        "Each class shares its work; pupils and parents comment.",
        "Each class shares its work; pupils and parents comment. Teachers reply.",
    )


@pytest.mark.parametrize("parallel", [0, 2])
def test_an_edit_that_changes_the_marks_of_another_page_rewrites_it(
    compliant: Path, tmp_path: Path, parallel: int
):
    """The two-step verification safeguard (safeguards.rst) stops counting: every
    tool on tools.rst, which is not re-read, now shows a finding in its mark."""
    tools = tmp_path / "out" / "html" / "tools.html"

    def edit() -> None:
        assert "Status: 1 finding" not in tools.read_text("utf-8")
        replace_in(
            compliant / "safeguards.rst", ":kind: two-step-verification", ":kind: other"
        )

    assert "tools.html" in rebuilt_after(compliant, tmp_path, edit, parallel)
    assert "Status: 1 finding" in tools.read_text("utf-8")


@pytest.mark.parametrize("parallel", [0, 2])
def test_an_edit_that_changes_no_other_marks_rewrites_only_what_depends_on_it(
    compliant: Path, tmp_path: Path, parallel: int
):
    """A sentence added to a tool's text: its page and the whole-project tables are
    rewritten; the safeguards page, whose marks stay the same, is not."""
    changed = rebuilt_after(compliant, tmp_path, add_a_sentence(compliant), parallel)
    assert {"tools.html", "appendix.html"} <= changed
    assert "safeguards.html" not in changed


def test_with_needextend_every_page_with_marks_is_rewritten(
    compliant: Path, tmp_path: Path
):
    """needextend may change items after they are read, so the marks cannot be worked
    out early: every page with marks is rewritten when any item changes."""
    with (compliant / "appendix.rst").open("a", encoding="utf-8") as page:
        page.write("\n.. needextend:: CTRL_PRIVACY\n   :status: adopted\n")
    changed = rebuilt_after(compliant, tmp_path, add_a_sentence(compliant))
    assert "safeguards.html" in changed


def test_the_verdicts_worked_out_early_are_reused_with_the_same_warnings(
    compliant: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """To find the pages whose marks change, an incremental build works the verdicts
    out before writing; the write phase keeps them (the guidance is evaluated once)
    and says what the checks said, as a clean build does."""
    from sphinxcontrib_sociallpolicy import guidance

    replace_in(compliant / "tools.rst", ":comments: premoderated", ":comments: open")
    out = tmp_path / "out"
    first = build(compliant, out, fresh=True)
    assert any("[sm.mod_premoderation]" in line for line in warnings_of(first))
    add_a_sentence(compliant)()
    evaluate = guidance.evaluate
    calls = record_calls(monkeypatch, guidance, "evaluate")
    incremental = build(compliant, out)
    assert len(calls) == 1
    monkeypatch.setattr(guidance, "evaluate", evaluate)
    clean = build(compliant, tmp_path / "clean", fresh=True)
    assert warnings_of(incremental) == warnings_of(clean)
    assert snapshot(incremental) == snapshot(clean)


def test_links_written_out_of_order_give_what_a_clean_build_gives(
    compliant: Path, tmp_path: Path
):
    """Links as written (TOOL_B, TOOL_A) and as sphinx-needs orders them agree, or
    the verdicts are worked out again: either way the same output and warnings."""
    replace_in(compliant / "tools.rst", ":comments: premoderated", ":comments: open")
    safeguards = compliant / "safeguards.rst"
    text = safeguards.read_text("utf-8")
    at = text.index(":id: CTRL_TWO_STEP")
    end = text.index(":applies-to: all", at)
    safeguards.write_text(
        text[:end]
        + ":applies-to: TOOL_LEARNING_PLATFORM, TOOL_FACEBOOK_GROUP"
        + text[end + len(":applies-to: all") :],
        "utf-8",
    )
    out = tmp_path / "out"
    build(compliant, out, fresh=True)
    add_a_sentence(compliant)()
    incremental = build(compliant, out)
    clean = build(compliant, tmp_path / "clean", fresh=True)
    assert warnings_of(incremental) == warnings_of(clean)
    assert snapshot(incremental) == snapshot(clean)


@pytest.mark.parametrize("parallel", [0, 2])
def test_an_incremental_build_reuses_the_verdicts_of_what_did_not_change(
    compliant: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parallel: int
):
    """One tool's comments opened: only that tool and what reads it are checked
    again (the rest is taken from the last build's evaluation), with the warnings
    and output of a clean build. A build with a fresh environment (-E) checks
    everything."""
    from sphinxcontrib_sociallpolicy import guidance

    evaluations = record_calls(monkeypatch, guidance, "evaluate")
    out = tmp_path / "out"
    build(compliant, out, parallel=parallel, fresh=True)
    first = evaluations[-1].memo
    assert first.reused == 0 and first.worked_out >= 10
    replace_in(compliant / "tools.rst", ":comments: premoderated", ":comments: open")
    incremental = build(compliant, out, parallel=parallel)
    again = evaluations[-1].memo
    # the tool and the policy (which reads every tool)
    assert again.worked_out == 2 and again.reused == first.worked_out - 2
    assert any("[sm.mod_premoderation]" in line for line in warnings_of(incremental))
    clean = build(compliant, tmp_path / "clean", parallel=parallel, fresh=True)
    assert evaluations[-1].memo.reused == 0
    assert warnings_of(incremental) == warnings_of(clean)
    assert snapshot(incremental) == snapshot(clean)
    build(compliant, out, parallel=parallel, fresh=True)  # -E
    assert evaluations[-1].memo.reused == 0


@pytest.fixture
def tables_apart(compliant: Path) -> Path:
    """The compliant project, with a register and a risk register on pages of their
    own."""
    for name, directive in (("register", "sm-register"), ("risks", "sm-risk-register")):
        (compliant / f"{name}.rst").write_text(
            f"{name.title()}\n{'=' * len(name)}\n\n.. {directive}::\n", "utf-8"
        )
    replace_in(
        compliant / "index.rst", "   appendix\n", "   appendix\n   register\n   risks\n"
    )
    return compliant


@pytest.mark.parametrize(
    ("page", "old", "new", "rewritten_too", "kept"),
    [
        # a tool's comments opened: its set-up and compliance change, no risk does
        ("tools.rst", ":comments: premoderated", ":comments: open", "register", "risks"),
        # a risk rated again: the register shows no risk
        ("safeguards.rst", ":likelihood: 3", ":likelihood: 4", "risks", "register"),
    ],
)
@pytest.mark.parametrize("parallel", [0, 2])
def test_a_table_page_is_rewritten_when_what_its_table_shows_changed(
    tables_apart: Path,
    tmp_path: Path,
    parallel: int,
    page: str,
    old: str,
    new: str,
    rewritten_too: str,
    kept: str,
):
    changed = rebuilt_after(
        tables_apart, tmp_path, lambda: replace_in(tables_apart / page, old, new), parallel
    )
    # the edited page, the table page that shows it, and the page whose matrix and
    # compliance summary show anything of any item
    assert {page.replace(".rst", ".html"), f"{rewritten_too}.html", "appendix.html"} <= (
        changed
    )
    assert f"{kept}.html" not in changed


def test_an_edit_no_table_shows_rewrites_neither_register(
    tables_apart: Path, tmp_path: Path
):
    """A sentence added to a tool's text: no register shows it (the matrix and the
    compliance summary are rewritten, as for any edit)."""
    changed = rebuilt_after(tables_apart, tmp_path, add_a_sentence(tables_apart))
    assert {"tools.html", "appendix.html"} <= changed
    assert not {"register.html", "risks.html"} & changed


def test_with_a_dynamic_function_every_page_with_marks_is_rewritten(
    compliant: Path, tmp_path: Path
):
    """A dynamic function ([[...]]) in an item's option is worked out by
    sphinx-needs after reading, so the marks cannot be worked out early either."""
    replace_in(
        compliant / "tools.rst",
        ":justification: Most parents",
        ':justification: [[copy("id")]] Most parents',
    )
    changed = rebuilt_after(compliant, tmp_path, add_a_sentence(compliant))
    assert "safeguards.html" in changed


def test_without_one_a_page_whose_marks_stay_is_kept(compliant: Path, tmp_path: Path):
    """The same edit, with no dynamic function: the safeguards page is kept (the
    test above would pass for a build that rewrites everything)."""
    changed = rebuilt_after(compliant, tmp_path, add_a_sentence(compliant))
    assert "safeguards.html" not in changed
