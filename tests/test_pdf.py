"""The PDF (issue 12, part 5): every internal link resolves, policy-level findings
included; the key facts open the main matter; items are set apart; every caption has
a number of its own, counted through the document.

``build_pdf`` (tests/sm_testing.py) checks on every PDF build what the issue asks of
every PDF: no undefined reference, no line more than 5pt too wide, each caption
number used once, nothing between the contents and the first chapter, the items'
rule defined. The example's PDF is built (once) by tests/test_example.py with those
checks; here, a project with a finding on the policy itself, and the wizard's
project, are built once each.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from docutils import nodes
from docutils.frontend import get_default_settings
from docutils.parsers.rst import Parser
from docutils.utils import new_document
from sm_testing import REPO, ROOTS, build_html, build_pdf, captions
from sphinx import addnodes

from sphinxcontrib_sociallpolicy.cli import main
from sphinxcontrib_sociallpolicy.latex import (
    Labels,
    fix_links,
    mark_last_items,
    open_main_matter,
    sm_latex_heading,
)

FULL_ANSWERS = (
    REPO / "sphinxcontrib_sociallpolicy" / "cli" / "examples" / "answers-full.yaml"
)
#: the wizard's date, as tests/test_cli_new.py fixes it
EPOCH = str(int(dt.datetime(2026, 11, 24, 12, tzinfo=dt.UTC).timestamp()))


def tex_of(latex: Path) -> str:
    return "\n".join(p.read_text("utf-8") for p in latex.glob("*.tex"))


def assert_numbered_once_in_order(latex: Path) -> list[tuple[str, str, str]]:
    """Tables are numbered 1, 2, 3... through the document, each caption once."""
    found = captions(latex)
    tables = [(number, text) for kind, number, text in found if kind == "table"]
    assert [number for number, _ in tables] == [str(i) for i in range(1, len(tables) + 1)]
    texts = [text for _, text in tables]
    assert len(texts) == len(set(texts)), texts
    return found


def assert_key_facts_open_the_main_matter(tex: str, title: str) -> None:
    body = tex[tex.index(r"\sphinxtableofcontents") :]
    heading = body.index(r"\chapter*{" + title + "}")
    facts = body.index(r"\caption{Key facts")
    first_chapter = re.search(r"\\chapter\{", body)
    assert first_chapter is not None
    assert heading < facts < first_chapter.start()
    # listed in the contents, and running heads name it, not "Contents"
    assert r"\addcontentsline{toc}{chapter}{" + title + "}" in body
    assert r"\markboth{" + title + "}{" + title + "}" in body


def assert_items_set_apart(tex: str) -> None:
    items = tex.count(r"\begin{sphinxuseclass}{sm-item}")
    assert items > 1
    # each run of items closes with a rule; every item opens with one (the .sty)
    assert 0 < tex.count(r"\begin{sphinxuseclass}{sm-item-last}") <= items


def assembled() -> nodes.document:
    """A tree as the LaTeX builder assembles it: the root document's section, its
    policy item before the toctree, and registers.rst inlined where the toctree
    was, with links as the extension resolves them for the root document."""
    document = new_document("<test>", get_default_settings(Parser))
    document["docname"] = "index"
    root = nodes.section(ids=["social-media-policy"])
    root += nodes.title("Social media policy", "Social media policy")
    item = nodes.container(classes=["sm-item", "sm-item-policy"])
    item += nodes.target("", "", ids=["POLICY"])
    item += nodes.paragraph("", "Key facts")
    root += item
    registers = addnodes.start_of_file(docname="registers")
    section = nodes.section(ids=["registers", ":doc"])
    section += nodes.title("Registers", "Registers")
    section += nodes.paragraph("", "Meets the guidance", ids=["sm-compliance"])
    for attributes in (
        {"refid": "POLICY"},  # resolved for the root document: a refid
        {"refid": "sm-compliance"},  # an ID on a paragraph: no label in LaTeX
        {"refuri": "%registers#sm-gone"},  # an anchor LaTeX never writes
        {"refuri": "%index#social-media-policy"},  # the root section
    ):
        section += nodes.paragraph("", "", nodes.reference("", "link", **attributes))
    registers += section
    root += nodes.compound("", registers, classes=["toctree-wrapper"])
    document += root
    return document


def test_links_name_labels_that_exist():
    tree = assembled()
    labels = Labels(tree, "index")
    open_main_matter(tree, labels)
    fix_links(tree, labels)
    mark_last_items(tree)
    # the root document's content opens with an unnumbered chapter, carrying the
    # root section's label
    root = tree[0]
    assert isinstance(root[1], sm_latex_heading)
    assert root[1]["title"] == "Social media policy"
    assert root[1]["labels"] == ["social-media-policy"]
    links = list(tree.findall(nodes.reference))
    assert [(r.get("refid"), r.get("refuri")) for r in links] == [
        (None, "%index#POLICY"),  # was registers:POLICY
        ("sm-compliance", None),  # unchanged: the paragraph now has a label
        (None, "%index#social-media-policy"),
    ]
    para = next(p for p in tree.findall(nodes.paragraph) if "sm-compliance" in p["ids"])
    assert isinstance(para[0], nodes.target) and para[0]["ids"] == ["sm-compliance"]
    # the link to an anchor that does not exist is its text
    assert tree.astext().count("link") == 4
    assert "sm-item-last" in root[2]["classes"]


@pytest.mark.slow
def test_policy_level_findings_link_to_the_policy(tmp_path: Path):
    """A policy with no DSL has findings on the policy itself: in the PDF, the
    findings table (in registers.rst) links to the policy (in index.rst, before the
    toctree), as do links to a hidden item; a link to an item in a document the PDF
    leaves out is plain text. build_pdf fails on any undefined reference."""
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-pdf", src)
    log, latex = build_pdf(src, tmp_path / "out")
    tex = tex_of(latex)
    registers = tex[tex.index(r"\label{\detokenize{registers::doc}}") :]
    assert r"\hyperref[\detokenize{index:POLICY}]" in registers
    assert "registers:POLICY" not in tex
    assert r"\hyperref[\detokenize{tools:CTRL_HIDDEN}]" in tex
    assert r"TOOL\_ORPHAN\_BLOG" in tex and "orphan:TOOL_ORPHAN_BLOG" not in tex
    assert_key_facts_open_the_main_matter(tex, "Social media policy")
    # the root section's own label is written, with the heading
    assert r"\label{\detokenize{index:social-media-policy}}" in tex
    assert_items_set_apart(tex)
    # tables without a caption (the register, the risk register, the matrix) take
    # no number, and say only "continued" on their continued pages
    assert tex.count(r"\smuncaptionedtable{continued from previous page}") >= 3
    assert_numbered_once_in_order(latex)


@pytest.mark.slow
def test_html_is_not_changed(tmp_path: Path):
    """The heading, the item runs and the table markers are LaTeX's alone."""
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-pdf", src)
    build_html(src, tmp_path / "out")
    html = "\n".join(
        p.read_text("utf-8") for p in (tmp_path / "out" / "html").glob("*.html")
    )
    assert "sm-item-last" not in html
    assert "smuncaptionedtable" not in html
    index = (tmp_path / "out" / "html" / "index.html").read_text("utf-8")
    assert index.count("<h1>") == 1


@pytest.mark.slow
def test_wizard_project_pdf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """``sociallpolicy new`` with the full answers: its PDF builds with -W, every
    reference resolves (the findings link to the policy, ``POLICY``, in index.rst),
    no line is too wide, the tables are numbered 1, 2, 3... (there were two
    "Table 1"), the key facts open the main matter, and items are set apart."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    project = tmp_path / "policy"
    assert main(["new", str(project), "--answers", str(FULL_ANSWERS), "--no-input"]) == 0
    log, latex = build_pdf(project, tmp_path / "out", "-W", "--keep-going")
    tex = tex_of(latex)
    found = assert_numbered_once_in_order(latex)
    assert ("table", "1", "Key facts: Social media policy of Oakfield Primary School") in (
        found
    )
    assert_key_facts_open_the_main_matter(
        tex, "Oakfield Primary School: social media policy"
    )
    assert_items_set_apart(tex)
    assert "registers:POLICY" not in tex
