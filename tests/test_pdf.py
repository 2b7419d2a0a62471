"""The PDF (issue 12, part 5): every internal link resolves, policy-level findings
included; the key facts open the main matter; items are set apart; every caption has
a number of its own, counted through the document. And (issue 14, item 10) nothing a
school writes stops the PDF: over-long titles, unbreakable words, emoji and other
scripts.

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
    BREAK,
    MAX_TITLE,
    Labels,
    PdfCharacters,
    break_pieces,
    fix_links,
    mark_last_items,
    open_main_matter,
    short_title,
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


# --- limits (issue 14, item 10) ---------------------------------------------------------


def test_short_title():
    assert short_title("Parents' Facebook group") == "Parents' Facebook group"
    exact = "x" * MAX_TITLE
    assert short_title(exact) == exact
    words = "for the parents of pupils in the nursery " * 10
    short = short_title(words)
    # cut after a whole word
    assert len(short) <= MAX_TITLE and short.endswith("\u2026")
    assert words.startswith(short[:-1] + " ")
    # one unbreakable word is cut where it must be
    assert short_title("W" * 3000) == "W" * (MAX_TITLE - 1) + "\u2026"
    # no ragged end before the ellipsis
    assert short_title("Abc, " * 40, limit=12) == "Abc, Abc\u2026"


def test_break_pieces():
    # a word TeX hyphenates is left alone; a token it cannot break may break after
    # each digit or mark; a very long word anywhere
    assert break_pieces("Parents' Facebook group") == ["Parents' Facebook group"]
    assert break_pieces("X1Y2") == ["X1", "Y2"]
    assert break_pieces("office@llanfair.sch.uk") == ["office@", "llanfair.", "sch.", "uk"]
    assert len(break_pieces("W" * 15)) == 15
    assert break_pieces("W" * 14) == ["W" * 14]
    # never before closing marks or after opening ones
    assert break_pieces("(ab1) 2026-09-01, x") == [
        "(ab1) 2",
        "0",
        "2",
        "6-",
        "0",
        "9-",
        "0",
        "1, x",
    ]
    # in code (IDs in typewriter type, never hyphenated) sooner
    assert len(break_pieces("ABCDEFGHI", code=True)) == 9
    # only long words, where asked
    assert break_pieces("X1Y2 X1Y2Z3W4V5", longer_than=8) == [
        "X1Y2 X1",
        "Y2",
        "Z3",
        "W4",
        "V5",
    ]
    # wide East Asian characters may break between any two
    assert break_pieces("王小明") == ["王", "小", "明"]


def test_characters_pdflatex_cannot_set():
    pdflatex = PdfCharacters("pdflatex", {})
    # Welsh, Polish, French, German, typographic marks: pdflatex sets them
    for text in (
        "Llŵyn-y-pŷll Ŵ Ŷ",
        "Wróblewska-Łukasiewicz",
        "Über façade",
        "‘quoted’ – …",
    ):
        assert pdflatex.safe(text) == text and pdflatex.missing(text) == []
    # emoji, Chinese, Arabic: a placeholder per run, named in the warning
    assert pdflatex.safe("Mr 王小明 😀!") == "Mr [U+738B U+5C0F U+660E] [U+1F600]!"
    assert pdflatex.missing("😀 😀 王") == ["😀", "王"]
    # invisible joiners and variation selectors are left out; ❤️ is one character
    assert pdflatex.safe("👨\u200d👩 ❤\ufe0f") == "[U+1F468 U+1F469] [U+2764]"
    assert pdflatex.missing("a\u200db\u202e") == []
    # a combining accent is composed first, where it can be
    assert pdflatex.safe("Llw\u0302yn") == "Llŵyn"
    # what the project declares, and Cyrillic with a Cyrillic font encoding
    declared = PdfCharacters(
        "pdflatex", {"preamble": r"\DeclareUnicodeCharacter{1F600}{:)}"}
    )
    assert declared.safe("😀") == "😀"
    cyrillic = PdfCharacters("pdflatex", {"fontenc": r"\usepackage[T2A,T1]{fontenc}"})
    assert cyrillic.safe("Привет") == "Привет"
    assert pdflatex.safe("Привет") != "Привет"
    # xelatex and lualatex set whatever their fonts have
    for engine in ("xelatex", "lualatex"):
        assert PdfCharacters(engine, {}).safe("王 😀") == "王 😀"


#: over-long titles: one of each kind with spaces, one (but the policy's) one word
LIMITS_TITLES = {
    "policy": "POLICY",
    "tool": "TOOL_LONG",
    "control": "CTRL_LONG",
    "risk": "RISK_LONG",
    "requirement": "REQ_LONG",
    "waiver": "WAIVER_LONG",
    "document": "DOC_LONG",
}


def limits_conf():
    """The test root's conf.py, for its title makers."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "limits_conf", ROOTS / "test-pdf-limits" / "conf.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_pdf_limits(tmp_path: Path):
    """Nothing a school writes stops the PDF (issue 14, item 10). One build of a
    project with a 3,000-character title on an item of every kind (with spaces, and
    as one word), unbreakable tokens in every register column that shows the school's
    words, and Welsh, Polish, Chinese, Arabic and emoji in titles, options and text:
    the PDF is made; no line anywhere is more than 1pt too wide and no page overflows;
    the long titles are short in captions and tables and whole in the items' own
    blocks; what pdflatex cannot set is a placeholder, reported once for each title,
    option or text at its directive."""
    conf = limits_conf()
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-pdf-limits", src)
    warnings_file = tmp_path / "warnings.txt"
    log, latex = build_pdf(src, tmp_path / "out", "-w", str(warnings_file))
    overfull = re.findall(r"Overfull \\hbox \(([\d.]+)pt too wide\)", log)
    assert [w for w in overfull if float(w) > 1] == [], log[-3000:]
    assert "Overfull \\vbox" not in log  # no table row taller than a page
    assert "Dimension too large" not in log
    tex = tex_of(latex)
    plain = tex.replace(BREAK, "").replace(r"\allowbreak{}", "")

    # over-long titles: whole in the items' own blocks, short in captions and tables
    found = captions(latex)
    # (the .aux file is UTF-8; captions() reads it as Latin-1)
    key_facts = [
        text.encode("latin-1").decode("utf-8")
        for _kind, _number, text in found
        if text.startswith("Key facts: ")
    ]
    assert key_facts == ["Key facts: " + short_title(conf.long_title("policy"))]
    tables = re.findall(r"\\begin\{longtable\}.*?\\end\{longtable\}", plain, re.S)
    assert tables
    for kind in LIMITS_TITLES:
        title = conf.long_title(kind)
        word = conf.long_word(kind)
        if kind != "policy":
            assert plain.count(title) == 1, kind  # in its block, where it wraps
            assert plain.count(word) == 1, kind
        for table in tables:
            assert title not in table and word not in table, kind
    # the tables show policy, tools, risks and requirements by their titles
    for kind in ("policy", "tool", "risk", "requirement"):
        assert short_title(conf.long_title(kind)) in plain, kind
        if kind != "policy":
            assert short_title(conf.long_word(kind)) in plain, kind
    # the running heads and the contents name the root document by its own title
    assert r"\markboth{Social media policy}{Social media policy}" in tex

    # long words may break in table cells: the tokens are there, with break points
    register = plain[plain.index(r"\label{\detokenize{registers:approved-accounts}}") :]
    for token in (
        "X1Y2Z3W4V5U6T7",
        "Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch",
        "Szczepańskiego",
        "Supercalifragilisticexpialidocious",
    ):
        assert token in register, token
    cells = tex[tex.index(r"\label{\detokenize{registers:approved-accounts}}") :]
    assert "X1" + BREAK + "Y2" + BREAK + "Z3" in cells

    # Welsh and Polish as they are; emoji, Chinese and Arabic as placeholders
    for text in ("Llŵyn-y-pŷll", "Ŵ Ŷ", "Wróblewska-Łukasiewicz", "Croeso!"):
        assert text.replace("-", r"\sphinxhyphen{}") in plain, text
    for placeholder in (
        "{[}U+1F600{]}",
        "{[}U+738B U+5C0F U+660E{]}",
        "{[}U+0645 U+062D U+0645 U+062F{]}",
        "{[}U+1F44D U+1F3FD{]}",
        "{[}U+1F468 U+1F469 U+1F467{]}",
    ):
        assert placeholder in plain, placeholder
    assert "Great news [U+1F44D] well done" in tex  # in a code block
    # (all but the title page's, below)
    others = tex.replace("\U0001f3eb", "")
    assert not re.search("[\U0001f300-\U0001faff\u4e00-\u9fff\u0600-\u06ff]", others)
    # the title page's emoji reaches LaTeX without the extension: the package shows
    # it as a placeholder, with a warning in the log, and the PDF is still made
    assert "Polisi cyfryngau cymdeithasol \U0001f3eb" in tex
    assert re.findall(r"Character (U\+\w+) cannot be set by pdflatex", log)[0] == "U+1F3EB"
    assert set(re.findall(r"Character (U\+\w+) cannot be set by pdflatex", log)) == {
        "U+1F3EB"
    }

    # reported once for each title, option or text, where it is written
    text = warnings_file.read_text("utf-8").replace(str(src), "SRC")
    found_warnings = [
        line.split(" has characters")[0]
        for line in text.splitlines()
        if "characters the PDF cannot show" in line
    ]
    # each over-long title is said at its directive, with what the PDF shows
    long_titles = [line for line in text.splitlines() if "has a title of" in line]
    assert [line.split(": has a title")[0] for line in long_titles] == [
        f"SRC/{where}: WARNING: {directive} {item_id}"
        for where, directive, item_id in [
            ("index.rst:4", "sm-policy", "POLICY"),
            ("items.rst:4", "sm-tool", "TOOL_LONG"),
            ("items.rst:22", "sm-tool", "TOOL_WORD"),
            ("items.rst:30", "sm-control", "CTRL_LONG"),
            ("items.rst:39", "sm-control", "CTRL_WORD"),
            ("items.rst:48", "sm-risk", "RISK_LONG"),
            ("items.rst:55", "sm-risk", "RISK_WORD"),
            ("items.rst:62", "sm-requirement", "REQ_LONG"),
            ("items.rst:68", "sm-requirement", "REQ_WORD"),
            ("items.rst:74", "sm-waiver", "WAIVER_LONG"),
            ("items.rst:83", "sm-waiver", "WAIVER_WORD"),
            ("items.rst:92", "sm-document", "DOC_LONG"),
            ("items.rst:102", "sm-document", "DOC_WORD"),
        ]
    ]
    assert long_titles[0].endswith(
        f"has a title of 3000 characters; the PDF's tables and headings show at most 120 "
        f"({short_title(conf.long_title('policy'))!r}). Write a short title, and the rest "
        "as the item's text [sm.option]"
    )
    assert found_warnings == [
        "SRC/index.rst:4: WARNING: sm-policy POLICY: :dsl:",
        "SRC/index.rst:4: WARNING: sm-policy POLICY: the text",
        "SRC/words.rst:22: WARNING: sm-tool TOOL_SCRIPTS: the title",
        "SRC/words.rst:22: WARNING: sm-tool TOOL_SCRIPTS: :owner:",
        "SRC/words.rst:22: WARNING: sm-tool TOOL_SCRIPTS: :admins:",
        "SRC/words.rst:22: WARNING: sm-tool TOOL_SCRIPTS: :approved-by:",
        "SRC/words.rst:22: WARNING: sm-tool TOOL_SCRIPTS: the text",
        "SRC/index.rst:20: WARNING: This text",
        "SRC/words.rst:43: WARNING: This text",
    ]
    assert (
        "SRC/words.rst:22: WARNING: sm-tool TOOL_SCRIPTS: :owner: has characters the "
        "PDF cannot show with pdflatex: '🎉' (U+1F389 PARTY POPPER); the PDF shows "
        "[U+...] in their place. To print them, build the PDF with xelatex or lualatex "
        "and fonts that have them (see 'Build the PDF' in the documentation) "
        "[sm.option]"
    ) in text
