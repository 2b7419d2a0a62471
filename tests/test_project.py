"""Whole-project checks, configuration, and living beside a project's own needs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sm_testing import warnings_of


@pytest.mark.sphinx("html", testroot="links", freshenv=True)
def test_links_and_duplicates(app):
    app.build()
    assert warnings_of(app) == [
        "SRC/index.rst:29: WARNING: sm-tool TOOL_BLOG: the ID TOOL_BLOG is already used "
        "by another item (at index:7); give each item its own :id: [sm.duplicate]",
        "SRC/index.rst:13: WARNING: sm-control CTRL_LINKS: :applies-to: names RISK_BLOG, "
        "which is an sm-risk, not an sm-tool [sm.link]",
        "SRC/index.rst:13: WARNING: sm-control CTRL_LINKS: :applies-to: names TOOL_GONE, "
        "which is not an item of this policy; check the ID, or add the item [sm.link]",
        "SRC/index.rst:13: WARNING: sm-control CTRL_LINKS: :satisfies: names REQ_MISSING, "
        "which is not an item of this policy; check the ID, or add the item [sm.link]",
        "SRC/index.rst:19: WARNING: sm-risk RISK_BLOG: :affects: names CTRL_LINKS, which "
        "is an sm-control, not an sm-tool [sm.link]",
        "SRC/index.rst:19: WARNING: sm-risk RISK_BLOG: :mitigated-by: names TOOL_BLOG, "
        "which is an sm-tool, not an sm-control [sm.link]",
        "SRC/index.rst:24: WARNING: sm-waiver WAIVER_GONE: :target: names TOOL_GONE, which "
        "is not an item of this policy; name a tool's ID, or leave :target: out to waive "
        "for the whole policy [sm.link]",
        "SRC/second.rst:4: WARNING: sm-policy POLICY_TWO: a project has exactly one "
        "sm-policy, and the first is POLICY at index.rst:4; remove this one [sm.duplicate]",
        # no pack is active in this project, so the waiver's rule is unknown
        "SRC/index.rst:24: WARNING: WAIVER_UNKNOWN_RULE (must) WAIVER_GONE: The waiver "
        "WAIVER_GONE names ACC_CONTINUITY, which is not a requirement of the active "
        "guidance packs or of this policy, so it waives nothing. Correct `:requirement:` "
        "to a rule ID listed by sm-guidance (or the ID of an sm-requirement), or remove "
        "the waiver. [sm.waiver_unknown_rule]",
    ]


@pytest.mark.sphinx(
    "html",
    testroot="links",
    freshenv=True,
    confoverrides={"suppress_warnings": ["sm.link"]},
)
def test_suppress_one_subtype(app):
    app.build()
    kinds = [line.rsplit(" [", 1)[1] for line in warnings_of(app)]
    assert kinds == ["sm.duplicate]", "sm.duplicate]", "sm.waiver_unknown_rule]"]


@pytest.mark.sphinx("html", testroot="config", freshenv=True)
def test_bad_settings_warn_at_their_line_and_use_defaults(app):
    app.build()
    assert [w for w in warnings_of(app) if w.endswith("[sm.config]")] == [
        "SRC/conf.py:3: WARNING: sm_guidance = 'kent-2010' must be a list of strings; "
        "using the default ['kent-2010'] [sm.config]",
        "SRC/conf.py:4: WARNING: sm_disable = ['mod-premoderation'] has "
        "'mod-premoderation', not rule IDs like MOD_PREMODERATION; using the default [] "
        "[sm.config]",
        "SRC/conf.py:5: WARNING: sm_platforms = [1] must be a list of strings; using the "
        "default [] [sm.config]",
        "SRC/conf.py:6: WARNING: sm_country = 'UK' is not an ISO 3166 country code; write "
        "GB; using the default 'GB' [sm.config]",
        "SRC/conf.py:7: WARNING: sm_today = '24/11/2026' must be a date written "
        "'YYYY-MM-DD', or None for the build date; using the default None (the build "
        "date) [sm.config]",
        "SRC/conf.py:8: WARNING: sm_fail_on = 'critical' must be one of 'must', 'should', "
        "'may'; using the default 'must' [sm.config]",
        "SRC/conf.py:9: WARNING: sm_reports = 'yes' must be True or False; using the "
        "default True [sm.config]",
    ]
    assert app.config.sm_guidance == ["kent-2010"]
    assert app.config.sm_country == "GB"
    assert app.config.sm_fail_on == "must"


def test_build_date_honours_source_date_epoch(monkeypatch):
    import datetime as dt

    from sphinxcontrib_sociallpolicy.config import build_date

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1788220800")  # 2026-09-01 UTC
    assert build_date() == dt.date(2026, 9, 1)
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert build_date() == dt.date.today()


@pytest.mark.sphinx("html", testroot="coexist", freshenv=True)
def test_coexists_with_project_needs_config(app):
    capture_graphs(app)
    app.build()
    assert warnings_of(app) == []
    data = json.loads((Path(app.outdir) / "needs.json").read_text("utf-8"))
    needs = data["versions"][data["current_version"]]["needs"]
    # the project's own type, fields and links are theirs
    assert needs["US_001"]["type"] == "story"
    assert needs["US_001"]["effort"] == 3
    assert needs["US_001"]["blocks"] == ["US_002"]
    assert app.config.needs_links["satisfies"]["outgoing"] == "fulfils"
    # our item uses their `owner` string field, and their `satisfies` link
    assert needs["TOOL_BLOG"]["owner"] == "Mr T Head"
    assert needs["CTRL_HOUSE_RULES"]["satisfies"] == ["US_001"]
    assert needs["CTRL_HOUSE_RULES"]["applies_to"] == ["TOOL_BLOG"]
    # our links were added beside theirs
    assert app.config.needs_links["applies_to"]["outgoing"] == "applies to"
    html = (Path(app.outdir) / "index.html").read_text("utf-8")
    assert 'data-need-id="TOOL_BLOG"' in html  # needtable filtered on our field


def capture_graphs(app) -> list[str]:
    """Collect the graphviz code needflow generates, and drop the graph before the
    writer would run ``dot`` (not installed by ``make test``)."""
    graphs: list[str] = []

    def has_graph(node) -> bool:
        return "resolved_content" in getattr(node, "attributes", {})

    def capture(app, doctree, docname):
        # sphinx-needs' needflow node keeps its dot source in "resolved_content"
        for node in list(doctree.findall(has_graph)):
            graphs.append(node["resolved_content"])
            node.parent.remove(node)

    app.connect("doctree-resolved", capture, priority=900)
    return graphs


@pytest.mark.sphinx("html", testroot="coexist", freshenv=True)
def test_needflow_draws_our_items_and_links(app):
    graphs = capture_graphs(app)
    app.build()
    assert warnings_of(app) == []
    assert len(graphs) == 1
    code = graphs[0]
    assert "TOOL_BLOG" in code and "CTRL_HOUSE_RULES" in code
    # the applies-to link is an edge from the control to the tool
    assert '"CTRL_HOUSE_RULES" -> "TOOL_BLOG"' in code
