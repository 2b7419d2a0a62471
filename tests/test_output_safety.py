"""Hostile text in every directive and table shows as text in HTML and LaTeX, and
the PDF still builds with nothing running past its column."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from sm_testing import ROOTS, build_pdf, warnings_of

EXPECTED_WARNING = (
    "SRC/index.rst:10: WARNING: sm-tool TOOL_HOSTILE_WITH_A_VERY_LONG_IDENTIFIER_THAT_"
    "MUST_BREAK: :url: 'https://example.org/?q=<script>&x=\"1\"' is not a web address; "
    "allowed: a web address starting with https:// or http:// [sm.option]"
)
PLATFORM_WARNING = (
    "SRC/index.rst:10: WARNING: sm-tool TOOL_HOSTILE_WITH_A_VERY_LONG_IDENTIFIER_THAT_"
    "MUST_BREAK: :platform: '<script>' is not in the platform catalogue; write a "
    "platform ID listed by `sociallpolicy platforms`, or add the platform in a "
    "catalogue file named in sm_platforms [sm.option]"
)


def body_of(html: str) -> str:
    return html[html.index('<div class="body"') : html.index('<div class="sphinxsidebar"')]


@pytest.mark.sphinx("html", testroot="hostile", freshenv=True)
def test_html_escapes_everything(app):
    app.build()
    assert warnings_of(app) == [EXPECTED_WARNING, PLATFORM_WARNING]
    body = body_of((Path(app.outdir) / "index.html").read_text("utf-8"))
    for raw in (
        "<script",
        "<img",
        "<iframe",
        "<svg",
        "</div><div",
        "<b>&amp;</b>",
        "<u>",
        "<i>board",
    ):
        assert raw not in body, raw
    # no event-handler attribute on any real tag
    assert not re.search(r"<[a-zA-Z][^>]*\son[a-z]+=", body)
    for shown in (
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "&lt;img src=x onerror=alert(1)&gt;",
        r"\input{/etc/passwd}",
        r"\immediate\write18{rm -rf /}",
    ):
        assert shown in body, shown
    # no live script link anywhere in item blocks, whatever docutils recognises
    assert "javascript:" not in "".join(re.findall(r'href="([^"]*)"', body))
    # every table was built
    for css in (
        "sm-register-table",
        "sm-risk-table",
        "sm-heatmap",
        "sm-matrix-table",
        "sm-compliance-summary",
    ):
        assert css in body, css


@pytest.mark.sphinx("latex", testroot="hostile", freshenv=True)
def test_latex_escapes_everything(app):
    app.build()
    assert warnings_of(app) == [EXPECTED_WARNING, PLATFORM_WARNING]
    tex = next(Path(app.outdir).glob("*.tex")).read_text("utf-8")
    body = tex[tex.index(r"\begin{document}") :]
    assert r"\allowbreak{}" in body  # very long words may break
    body = body.replace(r"\allowbreak{}", "")
    # user text never reaches LaTeX as commands
    for raw in (
        r"\input{/etc/passwd}",
        r"\section{Injected}",
        r"\immediate\write18",
        r"\def\x{y}",
        r"\LaTeX{}",
        r"\textbf{bold}",
        r"\newpage",
    ):
        assert raw not in body, raw
    assert body.count(r"\end{document}") == 1  # only the real one, at the end
    assert r"\textbackslash{}end\{document\}" in body
    assert (
        r"Waiver \textless{}svg onload=alert(1)\textgreater{} \textbackslash{}catcode"
        in body
    )
    assert r"\textbackslash{}input\{/etc/passwd\}" in body
    assert (
        r"\textbackslash{}immediate\textbackslash{}write18\{rm \sphinxhyphen{}rf /\}"
        in body
    )
    assert r"100\%" in body and r"\#1" in body and r"\$x\textasciicircum{}2\$" in body
    # item anchors exist, so links in the PDF resolve
    assert r"\label{\detokenize{index:CTRL_HOSTILE}}" in body


@pytest.mark.slow
@pytest.mark.parametrize("root", ["hostile", "items"])
def test_pdf_builds_and_tables_fit(root: str, tmp_path: Path):
    """A real PDF with latexmk: it builds, and no line of ours is more than 5pt too
    wide. In CI the toolchain is installed by .ci/run; there, a missing toolchain
    is a failure, not a skip."""
    src = tmp_path / "src"
    shutil.copytree(ROOTS / f"test-{root}", src)
    build_pdf(src, tmp_path / "out")


def test_junit_is_well_formed_whatever_the_input():
    """The last line of defence: whatever reaches the JUnit writer (here straight
    from a hostile state, not through the directives), the XML parses, and what XML
    1.0 forbids is left out."""
    from types import SimpleNamespace

    from defusedxml import ElementTree

    from sphinxcontrib_sociallpolicy.model import Finding
    from sphinxcontrib_sociallpolicy.reports import junit_xml, report_text

    hostile = "a\x00b\x07c\x1bd\x7fe\x85f\x9fg\ufffeh\uffffi\ud800j\tk\nl<&>\"'"
    rule, item = f"REQ_{hostile}", f"TOOL_{hostile}"
    findings = [
        Finding(
            rule=rule,
            severity="must",
            item=item,
            message=hostile,
            source=f"{hostile}.rst",
            line=3,
        ),
        Finding(
            rule=rule,
            severity="must",
            item=f"{item}2",
            message=hostile,
            status="waived",
            reason=hostile,
        ),
    ]
    state = SimpleNamespace(
        findings=findings,
        requirements=[SimpleNamespace(id=rule, pack=f"pack{hostile}")],
        results=[
            SimpleNamespace(rule=rule, item=item, status="open"),
            SimpleNamespace(rule=rule, item=f"{item}2", status="waived"),
        ],
    )
    root = ElementTree.fromstring(junit_xml(state))
    clean = report_text(hostile)
    assert clean == "abcdefghij\tk\nl<&>\"'"
    failure = root.find(".//failure")
    assert failure is not None and failure.get("message") == clean
    skipped = root.find(".//skipped")
    assert skipped is not None and skipped.get("message") == f"waived: {clean}"
    assert root.find("testsuite").get("name") == f"pack{clean}"
