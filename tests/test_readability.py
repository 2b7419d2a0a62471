"""Readers' words and status where readers look (issue 12 parts 2-4): messages
rendered, not raw; the overall status in the key facts; a status mark on each item;
matrix words; platform names; "Where" as chapter and section; an empty heat map said
in words."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from docutils import nodes
from sm_testing import ROOTS, build_html

from sphinxcontrib_sociallpolicy.render import inline_markup


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The compliant test policy with planted gaps: a finding on a tool, a waived
    one, and a risk with no scores."""
    src = tmp_path_factory.mktemp("readability") / "src"
    shutil.copytree(ROOTS / "test-compliant", src)
    tools = src / "tools.rst"
    tools.write_text(
        tools.read_text("utf-8").replace(":moderation: daily", ":moderation: weekly", 1),
        "utf-8",
    )
    safeguards = src / "safeguards.rst"
    safeguards.write_text(
        safeguards.read_text("utf-8")
        + "\n.. sm-risk:: Not yet rated\n   :id: RISK_UNRATED\n"
        "   :affects: TOOL_LEARNING_PLATFORM\n",
        "utf-8",
    )
    app = build_html(src, src.parent / "out", sm_today="2026-12-02")
    return Path(app.outdir)


def page(site: Path, name: str) -> str:
    return (site / f"{name}.html").read_text("utf-8")


def test_inline_markup_is_code_and_text_only() -> None:
    out = inline_markup("Set `:comments: off` or <b>`x`</b>")
    assert [type(n) for n in out] == [
        nodes.Text,
        nodes.literal,
        nodes.Text,
        nodes.literal,
        nodes.Text,
    ]
    assert out[1].astext() == ":comments: off" and out[2].astext() == " or <b>"
    # an unmatched backquote: the text as written
    assert [n.astext() for n in inline_markup("a ` b")] == ["a ` b"]
    assert inline_markup("") == []


def test_messages_show_code_not_backquotes(site: Path) -> None:
    appendix = page(site, "appendix")
    findings = appendix[appendix.index("sm-findings") :]
    findings = findings[: findings.index("</table>")]
    assert "`" not in findings
    assert '<code class="docutils literal notranslate"><span class="pre">:moderation:' in (
        findings
    )


def test_key_facts_show_the_overall_status_linked_to_the_compliance_summary(
    site: Path,
) -> None:
    index = page(site, "index")
    match = re.search(
        r'<a class="reference internal" href="appendix.html#sm-compliance">'
        r'<span class="sm-status-mark sm-status-mark-open">([^<]*)</span></a>',
        index,
    )
    assert match, "no linked status in the key facts"
    assert match.group(1).startswith(
        "Does not yet meet the guidance: 1 open finding at 'must' or above; "
    )
    assert re.search(r"\d+ requirements met \(\d+ checked, \d+ attested\)", match.group(1))
    assert 'id="sm-compliance"' in page(site, "appendix")


def test_each_item_shows_its_status_linked_to_its_rows(site: Path) -> None:
    tools = page(site, "tools")
    mark = re.search(
        r'href="appendix.html#(sm-findings-tool-facebook-group)">'
        r'<span class="sm-status-mark sm-status-mark-open">'
        r"Status: 1 finding, 1 must</span>",
        tools,
    )
    assert mark, "no status mark on the Facebook group"
    assert f'id="{mark.group(1)}"' in page(site, "appendix")
    # an item without findings says so in words (colour is never the only signal)
    assert "Status: no open findings" in page(site, "safeguards")


def test_matrix_says_met_attested_open_with_a_key(site: Path) -> None:
    appendix = page(site, "appendix")
    matrix = appendix[appendix.index("sm-matrix-legend") :]
    matrix = matrix[: matrix.index("</table>")]
    for word in ("met", "attested", "open"):
        assert f'<span class="sm-status-{word}">{word}</span>' in matrix, word
    assert "finding</span>" not in matrix
    assert "<em>open</em> not met" in matrix and "<em>attested</em> met because" in matrix


def test_platforms_show_their_names(site: Path) -> None:
    appendix = page(site, "appendix")
    register = appendix[appendix.index("sm-register-table") :]
    register = register[: register.index("</table>")]
    assert "<strong>Platform</strong> Facebook" in register
    assert "<strong>Platform</strong> School learning platform" in register
    assert "<strong>Platform</strong> facebook" not in register
    assert "<p>Facebook</p>" in page(site, "tools")


def test_where_names_the_chapter_and_section_and_links_to_it(site: Path) -> None:
    appendix = page(site, "appendix")
    findings = appendix[appendix.index("sm-findings") :]
    findings = findings[: findings.index("</table>")]
    links = re.findall(
        r'Where: </span><a class="reference internal" href="([^"]+)">', findings
    )
    assert links
    assert "tools.rst:" not in findings
    for href in links:
        name, _, anchor = href.partition("#")
        assert f'id="{anchor}"' in (site / name).read_text("utf-8"), href


def test_an_empty_heat_map_says_so_and_unrated_risks_are_listed(
    site: Path, tmp_path: Path
) -> None:
    appendix = page(site, "appendix")
    assert (
        "Not in the heat map, because their likelihood and impact are not both rated (1)"
        in (appendix)
    )
    assert "RISK_UNRATED" in appendix[appendix.index("sm-heat-unrated") :]
    # no risk rated at all: a sentence, not an empty grid
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(
        'extensions = ["sphinxcontrib_sociallpolicy"]\nsm_guidance = []\n'
    )
    (src / "index.rst").write_text(
        "Risks\n=====\n\n.. sm-policy:: P\n   :school: S\n\n"
        ".. sm-risk:: One\n   :id: RISK_ONE\n\n.. sm-risk:: Two\n   :id: RISK_TWO\n\n"
        ".. sm-risk-register::\n   :heatmap:\n",
        "utf-8",
    )
    html = (Path(build_html(src, tmp_path / "out").outdir) / "index.html").read_text(
        "utf-8"
    )
    assert "No risk is rated yet (2 risks to rate)." in html
    assert "sm-heatmap" not in html


def test_header_cells_have_scope_and_ids_break_after_underscores(site: Path) -> None:
    appendix = page(site, "appendix")
    register = appendix[appendix.index("sm-register-table") :]
    register = register[: register.index("</table>")]
    assert '<th scope="col" class="head">' in register
    assert "<th class" not in register  # every header cell says what it heads
    # an ID breaks after an underscore, and nowhere else
    assert (
        '<span class="pre">TOOL_</span><wbr><span class="pre">FACEBOOK_</span><wbr>'
        '<span class="pre">GROUP</span>'
    ) in register
    # an ID named in a message is shown as an ID too
    findings = appendix[appendix.index("sm-findings") :]
    assert '<code class="sm-id docutils literal notranslate"><span class="pre">MOD_' in (
        findings
    )


def test_each_table_scrolls_in_a_labelled_region(site: Path) -> None:
    appendix = page(site, "appendix")
    for label in (
        "Register of approved accounts",
        "Risk register",
        "Traceability matrix",
        "Compliance summary",
    ):
        assert f'<div tabindex="0" role="region" aria-label="{label}"' in appendix, label
    assert '<div tabindex="0" role="region" aria-label="Key facts"' in page(site, "index")
    # the policy's own text is no region
    assert page(site, "tools").count('role="region"') == 0
