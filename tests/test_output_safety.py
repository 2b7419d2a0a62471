"""Hostile text in every directive and table shows as text in HTML and LaTeX, and
the PDF still builds with nothing running past its column."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sm_testing import ROOTS, build_pdf, warnings_of

EXPECTED_WARNING = (
    "SRC/index.rst:10: WARNING: sm-tool TOOL_HOSTILE_WITH_A_VERY_LONG_IDENTIFIER_THAT_"
    "MUST_BREAK: :url: 'https://example.org/?q=<script>&x=\"1\"' is not a web address; "
    "allowed: a web address starting with https:// or http:// [sm.option]"
)
LINK_WARNING = (
    "SRC/index.rst:21: WARNING: the link to 'javascript:alert(1' is shown as text: "
    "a link may only go to a web address (http, https), an email address (mailto), "
    "a phone number (tel) or a page of this site [sm.link]"
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
    assert warnings_of(app) == [EXPECTED_WARNING, LINK_WARNING, PLATFORM_WARNING]
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
    assert warnings_of(app) == [EXPECTED_WARNING, LINK_WARNING, PLATFORM_WARNING]
    tex = next(Path(app.outdir).glob("*.tex")).read_text("utf-8")
    body = tex[tex.index(r"\begin{document}") :]
    assert r"\allowbreak{}" in body  # very long words may break
    # (break points, ours and those for table cells, are not what is tested here)
    body = body.replace(r"\allowbreak{}", "").replace(r"\smbreak{}", "")
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
@pytest.mark.parametrize("root", ["hostile", "hostile-controls", "links-js", "items"])
def test_pdf_builds_and_tables_fit(root: str, tmp_path: Path):
    """A real PDF with latexmk: it builds, and no line of ours is more than 5pt too
    wide. In CI the toolchain is installed by .ci/run; there, a missing toolchain
    is a failure, not a skip."""
    src = tmp_path / "src"
    shutil.copytree(ROOTS / f"test-{root}", src)
    build_pdf(src, tmp_path / "out")


# --- invisible control characters -------------------------------------------------

#: a raw control character in output (C0 but TAB, LF and CR; DEL; C1)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def removed(where: str, what: str, codes: str) -> str:
    return (
        f"SRC/index.rst:{where}: WARNING: {what}has invisible control characters "
        f"({codes}); they were removed [sm.option]"
    )


CONTROL_WARNINGS = [
    removed("4", "sm-policy POLICY: the title ", "U+0007"),
    removed("4", "sm-policy POLICY: :school: ", "U+001B, U+007F"),
    removed("4", "sm-policy POLICY: :owner: ", "U+0000"),
    removed("4", "sm-policy POLICY: :dsl: ", "U+009B"),
    removed("4", "sm-policy POLICY: :approved-by: ", "U+0001, U+0002"),
    removed("10", "sm-tool TOOL_BLOG: the title ", "U+001F"),
    removed("10", "sm-tool TOOL_BLOG: :owner: ", "U+000E"),
    removed("10", "sm-tool TOOL_BLOG: :admins: ", "U+007F, U+0080"),
    removed("10", "sm-tool TOOL_BLOG: the text ", "U+0007, U+001B, U+0090"),
    removed("20", "sm-requirement REQ_LOCAL: the title ", "U+0007"),
    removed("20", "sm-requirement REQ_LOCAL: the text ", "U+001B"),
    removed("26", "sm-waiver WAIVER_BLOG: the title ", "U+0007"),
    removed("26", "sm-waiver WAIVER_BLOG: :approved-by: ", "U+009F"),
    removed("26", "sm-waiver WAIVER_BLOG: the text ", "U+0007, U+001B"),
    # text outside the items: one warning per place
    removed("34", "the text ", "U+001B"),
    removed("36", "the text ", "U+0007, U+0099"),
]

#: the values as shown, once the control characters are out
CLEANED = (
    "Policy with a bell",
    "Oakfield[31m Primary School",
    "Ms Head",
    "Mr Lead",
    "Governors",
    "Blog tool",
    "Mr Owner",
    "A, B",
    "Text with a bell, an escape and a C1 control.",
    "Local requirement",
    "Waiver for the blog",
    "Head teacher",
    "Section title",
    "Text outside the items with a bell and a C1 control.",
)


def written_text(outdir: Path) -> dict[str, str]:
    """Every text file the build wrote (its copies of the sources aside)."""
    return {
        str(path.relative_to(outdir)): path.read_text("utf-8")
        for path in sorted(outdir.rglob("*"))
        if path.suffix in {".html", ".js", ".json", ".xml", ".tex", ".sty"}
        and "_sources" not in path.parts
    }


def strings_in(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*strings_in(k), *strings_in(v))]
    if isinstance(value, list):
        return [s for v in value for s in strings_in(v)]
    return []


def check_reports(outdir: Path) -> None:
    """Both reports parse, and hold no control character."""
    import json

    from defusedxml import ElementTree

    junit = ElementTree.parse(outdir / "sm-junit.xml").getroot()
    for element in junit.iter():
        for text in (element.text or "", *element.attrib.values()):
            assert not CONTROL.search(text), text
    report = json.loads((outdir / "sm-report.json").read_text("utf-8"))
    assert [s for s in strings_in(report) if CONTROL.search(s)] == []


@pytest.mark.sphinx("html", testroot="hostile-controls", freshenv=True)
def test_control_characters_are_removed_html(app):
    app.build()
    assert warnings_of(app) == CONTROL_WARNINGS
    outdir = Path(app.outdir)
    for name, text in written_text(outdir).items():
        assert not CONTROL.search(text), (name, CONTROL.findall(text))
    body = " ".join(html_text(outdir / "index.html").split())
    for shown in CLEANED:
        assert shown in body, shown
    check_reports(outdir)
    from defusedxml import ElementTree

    skipped = ElementTree.parse(outdir / "sm-junit.xml").getroot().find(".//skipped")
    assert skipped is not None
    assert skipped.get("message") == "waived: Reason with a bell."


@pytest.mark.sphinx("latex", testroot="hostile-controls", freshenv=True)
def test_control_characters_are_removed_latex(app):
    app.build()
    assert warnings_of(app) == CONTROL_WARNINGS
    outdir = Path(app.outdir)
    for name, text in written_text(outdir).items():
        assert not CONTROL.search(text), (name, CONTROL.findall(text))
    tex = next(outdir.glob("*.tex")).read_text("utf-8").replace(r"\allowbreak{}", "")
    for shown in ("Policy with a bell", "Mr Owner", "Text outside the items"):
        assert shown in tex, shown
    check_reports(outdir)


def html_text(path: Path) -> str:
    """The text of an HTML page, as a reader sees it."""
    from html.parser import HTMLParser

    parts: list[str] = []

    class Text(HTMLParser):
        def handle_data(self, data: str) -> None:
            parts.append(data)

    parser = Text(convert_charrefs=True)
    parser.feed(path.read_text("utf-8"))
    parser.close()
    return "".join(parts)


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


CONTROLS = "".join(
    chr(c)
    for c in [*range(0x00, 0x20), *range(0x7F, 0xA0)]
    # not the line breaks (docutils ends the line there) nor TAB
    if chr(c) not in "\t\n\r\x0b\x0c\x1c\x1d\x1e\x85"
)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    school=st.text(alphabet="abcXYZ019 <>&{}$%#_^~\\" + CONTROLS, max_size=20),
    title=st.text(alphabet="abcXYZ019 <>&{}$%#_^~\\" + CONTROLS, max_size=20),
)
def test_control_characters_never_reach_the_output(tmp_path_factory, school, title):
    """Any text with control characters, as an option value and as a title: the
    build says so at the option, the HTML shows the text without them (escaped),
    and both reports parse."""
    from sm_testing import build_html

    from sphinxcontrib_sociallpolicy.options import CONTROL_RE

    school, title = f"A{school}Z", f"A{title}Z"
    src = tmp_path_factory.mktemp("src")
    (src / "conf.py").write_text(
        'extensions = ["sphinxcontrib_sociallpolicy"]\n'
        'sm_guidance = []\nsm_today = "2026-11-24"\n',
        "utf-8",
    )
    (src / "index.rst").write_text(
        "Fuzz\n====\n\n"
        f".. sm-policy:: Policy\n   :school: {school}\n\n"
        f".. sm-requirement:: {title}\n   :id: REQ_FUZZ\n   :severity: must\n",
        "utf-8",
    )
    app = build_html(src, tmp_path_factory.mktemp("out"))
    warnings = warnings_of(app)
    school_warned = any(":school: has invisible control" in w for w in warnings)
    title_warned = any("REQ_FUZZ: the title has invisible control" in w for w in warnings)
    assert school_warned == bool(CONTROL_RE.search(school))
    assert title_warned == bool(CONTROL_RE.search(title))
    outdir = Path(app.outdir)
    for name, text in written_text(outdir).items():
        assert not CONTROL.search(text), (name, CONTROL.findall(text))
    shown = " ".join(html_text(outdir / "index.html").split())
    for value in (school, title):
        assert " ".join(CONTROL_RE.sub("", value).split()) in shown
    check_reports(outdir)
