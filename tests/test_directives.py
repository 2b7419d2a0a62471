"""The item directives: every option read, bad values reported exactly, rendering."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from docutils import nodes
from sm_testing import ROOTS, warnings_of

from sphinxcontrib_sociallpolicy.schema import ITEM_TYPES, OVERRIDE_OPTIONS


def needs_json(app) -> dict:
    data = json.loads((Path(app.outdir) / "needs.json").read_text("utf-8"))
    return data["versions"][data["current_version"]]["needs"]


#: the one warning of test-items: its draft safeguard waits for the school's decision
DRAFT_WARNING = (
    "SRC/safeguards.rst:28: WARNING: DRAFT_PENDING (must) CTRL_MEMBER_CHECK: "
    "CTRL_MEMBER_CHECK is a draft, not yet adopted by the school, so it counts for "
    "nothing: no requirement is met by it. Read it and decide: adopt it (`:status: "
    "adopted`, with `:adopted-by:` and `:adopted-on:`), change it, or remove it. "
    "[sm.draft_pending]"
)


@pytest.mark.sphinx("html", testroot="items", freshenv=True)
def test_items_build_clean_and_every_option_is_a_field(app):
    app.build()
    assert warnings_of(app) == [DRAFT_WARNING]
    needs = needs_json(app)
    ours = {n["id"]: n for n in needs.values() if n["type"].startswith("sm-")}
    for item_type in ITEM_TYPES:
        of_type = [n for n in ours.values() if n["type"] == item_type.directive]
        assert of_type, item_type.directive
        for option in item_type.options:
            if option.name == "affects" or option.field in ("applies_to",):
                pass
            if option in OVERRIDE_OPTIONS:
                continue  # they need a trust base: exercised by test_trust_base
            assert any(n.get(option.field) not in (None, [], "") for n in of_type), (
                f"{item_type.directive} :{option.name}: is not exercised by test-items"
            )
    tool = ours["TOOL_FACEBOOK_GROUP"]
    assert tool["purpose"] == ["announcements", "engagement"]
    assert tool["admins"] == ["Mrs K Brown", "Ms A Patel"]
    assert tool["status"] == "adopted" and tool["tags"] == ["parents"]
    assert tool["adopted_by"] == ["Mrs S Green"] and tool["adopted_on"] == "2026-09-01"
    assert ours["CTRL_MEMBER_CHECK"]["status"] == "draft"
    document = ours["DOC_STAFF_CONDUCT"]
    assert document["covers"] == ["REQ_LOCAL_NO_SURNAMES"]
    assert document["sm_sections"] == ["REQ_LOCAL_NO_SURNAMES: section 4.2"]
    assert "DOC_STAFF_CONDUCT" in ours["REQ_LOCAL_NO_SURNAMES"]["covers_back"]
    risk = ours["RISK_UNKIND_COMMENTS"]
    assert risk["likelihood"] == 3 and risk["impact"] == 4
    assert risk["mitigated_by"] == ["CTRL_PREMODERATION", "CTRL_STAFF_TRAINING"]
    # `all` is expanded to every tool, and sphinx-needs builds the back links
    assert ours["CTRL_STAFF_TRAINING"]["applies_to"] == [
        "TOOL_FACEBOOK_GROUP",
        "TOOL_SEESAW",
    ]
    assert "CTRL_STAFF_TRAINING" in ours["TOOL_SEESAW"]["applies_to_back"]
    assert ours["POLICY"]["review_cycle"] == 12
    assert ours["POLICY"]["country"] == "GB"
    assert "CTRL_HIDDEN" in ours


@pytest.mark.sphinx("html", testroot="items", freshenv=True)
def test_item_rendering(app, file_regression):
    app.build()
    html = (Path(app.outdir) / "safeguards.html").read_text("utf-8")
    body = html[html.index('<section id="safeguards-and-risks">') :]
    body = body[: body.index("</section>") + len("</section>")]
    file_regression.check(body, extension=".html")
    tools = (Path(app.outdir) / "tools.html").read_text("utf-8")
    # collapsed item: title and content, no facts
    seesaw = tools[tools.index('id="TOOL_SEESAW"') :]
    assert "sm-facts" not in seesaw[: seesaw.index("</div>")]
    # a draft says so in words, on its title line
    draft = html[html.index('id="CTRL_MEMBER_CHECK"') :]
    assert "Draft: not yet adopted" in draft[: draft.index("</p>")]
    assert html.count("Draft: not yet adopted") == 1
    # hidden item: an anchor only
    assert 'id="CTRL_HIDDEN"' in html and "Hidden control" not in html
    index = (Path(app.outdir) / "index.html").read_text("utf-8")
    assert "Key facts: Social media policy" in index
    assert "<td><p>Oakfield Primary School</p></td>" in index


@pytest.mark.sphinx("html", testroot="options-bad", freshenv=True)
def test_bad_options_are_reported_exactly(app):
    app.build()
    expected = (ROOTS / "test-options-bad" / "expected-warnings.txt").read_text("utf-8")
    assert warnings_of(app) == expected.splitlines()


def test_every_option_has_a_bad_case():
    expected = (ROOTS / "test-options-bad" / "expected-warnings.txt").read_text("utf-8")
    for item_type in ITEM_TYPES:
        for option in item_type.options:
            if option in OVERRIDE_OPTIONS:
                continue  # they need a trust base: bad cases in test_trust_base
            needle = f"{item_type.directive} "
            assert any(
                line.split(": ", 1)[1].startswith("WARNING: " + needle)
                and f":{option.name}:" in line
                for line in expected.splitlines()
            ), f"no bad-value case for {item_type.directive} :{option.name}:"


@pytest.mark.sphinx("html", testroot="options-bad", freshenv=True)
def test_bad_options_keep_the_item(app):
    app.build()
    needs = needs_json(app)
    # an item with every option wrong is still recorded, with its content
    assert "TOOL_BAD" in needs and needs["TOOL_BAD"]["content"] == "The content is kept."
    assert needs["TOOL_BAD"]["comments"] is None
    assert needs["TOOL_BAD"]["audience"] is None
    assert "TOOL_BAD_ID" in needs and "RISK_NO_TITLE" in needs


@pytest.mark.sphinx("latex", testroot="items", freshenv=True)
def test_items_render_in_latex(app):
    app.build()
    tex = next(Path(app.outdir).glob("*.tex")).read_text("utf-8")
    assert "Parents’ Facebook group" in tex or "Parents' Facebook group" in tex
    assert r"TOOL\_FACEBOOK\_GROUP" in tex
    assert "Oakfield Primary School" in tex
    # the draft's mark is in the PDF too
    assert "Draft: not yet adopted" in tex
    assert warnings_of(app) == [DRAFT_WARNING]


@pytest.mark.sphinx("html", testroot="items", freshenv=True)
def test_doctree_has_no_leftover_placeholders(app):
    from sphinxcontrib_sociallpolicy.render import sm_ref

    app.build()
    doctree = app.env.get_and_resolve_doctree("safeguards", app.builder, tags=app.tags)
    assert not list(doctree.findall(sm_ref))
    links = [
        n["refid"] if "refid" in n else n.get("refuri")
        for n in doctree.findall(nodes.reference)
    ]
    assert any("TOOL_FACEBOOK_GROUP" in str(link) for link in links)
