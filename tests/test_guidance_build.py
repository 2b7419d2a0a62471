"""The guidance packs in a real build: planted gaps are reported at their lines and
nothing else; waivers, severities, disabled rules, broken packs, reports, and
incremental rebuilds after a pack is edited."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from sm_testing import ROOTS, warnings_of
from sphinx.testing.util import SphinxTestApp


@pytest.fixture
def policy(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-compliant", src)
    return src


def edit(src: Path, name: str, old: str, new: str, *, after: str = "") -> None:
    path = src / name
    text = path.read_text("utf-8")
    start = text.index(after) if after else 0
    assert old in text[start:], (name, old)
    path.write_text(text[:start] + text[start:].replace(old, new, 1), "utf-8")


def build(src: Path, out: Path, builder: str = "html", **overrides) -> SphinxTestApp:
    app = SphinxTestApp(builder, srcdir=src, builddir=out, confoverrides=overrides or None)
    try:
        app.build()
    finally:
        app.cleanup()
    return app


def plant_gaps(src: Path) -> None:
    edit(src, "index.rst", ":next-review: 2027-09-01", ":next-review: 2026-10-01")
    edit(
        src,
        "tools.rst",
        ":contact-email: office@oakfield.sch.uk",
        ":contact-email: kbrown@gmail.com",
    )
    edit(src, "tools.rst", ":comments: premoderated", ":comments: open")
    edit(src, "safeguards.rst", ":last-done: 2026-09-02", ":last-done: 2025-01-01")
    edit(
        src,
        "safeguards.rst",
        ":assessed-on: 2026-09-01",
        ":assessed-on: 2025-01-01",
        after=".. sm-risk:: A stranger",
    )


def rules(app) -> list[tuple[str, str]]:
    """(file:line, [sm.subtype]) of each warning."""
    return [(w.split(": WARNING")[0], w.rsplit(" ", 1)[1]) for w in warnings_of(app)]


def test_compliant_policy_builds_clean(policy: Path, tmp_path: Path):
    app = build(policy, tmp_path / "out")
    assert warnings_of(app) == []
    report = json.loads((Path(app.outdir) / "sm-report.json").read_text("utf-8"))
    assert report["summary"]["passed"] is True
    assert [p["pack"] for p in report["guidance"]] == ["kent-2010", "uk-online-safety"]
    appendix = (Path(app.outdir) / "appendix.html").read_text("utf-8")
    assert "Meets the guidance: no open finding at 'must' or above." in appendix
    # sm-guidance made every requirement a need, so :satisfies: links resolve
    assert appendix.count("sm-item-requirement") == report["summary"]["requirements"]
    safeguards = (Path(app.outdir) / "safeguards.html").read_text("utf-8")
    assert 'href="appendix.html#CON_NO_PERSONAL_CONTACT"' in safeguards


def test_planted_gaps_are_reported_at_their_lines_and_nothing_else(
    policy: Path, tmp_path: Path
):
    plant_gaps(policy)
    app = build(policy, tmp_path / "out")
    assert rules(app) == [
        ("SRC/index.rst:4", "[sm.gov_prereq_training]"),
        ("SRC/index.rst:4", "[sm.gov_review_cycle]"),
        ("SRC/tools.rst:4", "[sm.acc_school_email]"),
        ("SRC/tools.rst:4", "[sm.mod_premoderation]"),
        ("SRC/tools.rst:27", "[sm.gov_risk_assessed]"),
    ]
    text = "\n".join(warnings_of(app))
    assert (
        "MOD_PREMODERATION (must) TOOL_FACEBOOK_GROUP: 'Parents' Facebook group' is on "
        "Facebook, which the school does not control, and its comments and members' "
        "posts are not held for approval" in text
    )
    report = json.loads((Path(app.outdir) / "sm-report.json").read_text("utf-8"))
    assert report["summary"]["passed"] is False
    assert report["summary"]["by_severity"]["must"]["open"] == 5
    found = {
        (f["rule"], f["item"], f["source"], f["line"])
        for f in report["findings"]
        if f["status"] == "open" and f["severity"] == "must"
    }
    assert ("MOD_PREMODERATION", "TOOL_FACEBOOK_GROUP", "tools.rst", 4) in found
    junit = ET.parse(Path(app.outdir) / "sm-junit.xml").getroot()
    failures = [c for c in junit.iter("testcase") if c.find("failure") is not None]
    assert {(c.get("classname"), c.get("name")) for c in failures} >= {
        ("kent-2010.MOD_PREMODERATION", "TOOL_FACEBOOK_GROUP"),
        ("uk-online-safety.GOV_REVIEW_CYCLE", "POLICY"),
    }
    # one test case per requirement x applicable item: every rule with a result on
    # the Facebook tool has its case
    cases = {
        (c.get("classname").split(".", 1)[1], c.get("name")) for c in junit.iter("testcase")
    }
    on_tool = [
        rule
        for rule, cov in report["coverage"]["requirements"].items()
        if "TOOL_FACEBOOK_GROUP" in cov["cells"]
    ]
    assert len(on_tool) > 20
    assert all((rule, "TOOL_FACEBOOK_GROUP") in cases for rule in on_tool)


def test_dummy_and_latex_builders_write_reports(policy: Path, tmp_path: Path):
    for builder in ("dummy", "latex"):
        app = build(policy, tmp_path / builder, builder)
        assert (Path(app.outdir) / "sm-report.json").is_file()
        assert (Path(app.outdir) / "sm-junit.xml").is_file()


WAIVER = """
.. sm-waiver:: Comments open during the pilot
   :id: WAIVER_PILOT
   :requirement: MOD_PREMODERATION
   :target: TOOL_FACEBOOK_GROUP
   :approved-by: Mrs S Green
   :expires: {expires}

   The governors agreed a half-term pilot with open comments, moderated hourly.
"""


def test_waiver_turns_a_finding_into_waived(policy: Path, tmp_path: Path):
    edit(policy, "tools.rst", ":comments: premoderated", ":comments: open")
    (policy / "safeguards.rst").write_text(
        (policy / "safeguards.rst").read_text("utf-8")
        + WAIVER.format(expires="2027-02-14"),
        "utf-8",
    )
    app = build(policy, tmp_path / "out")
    assert warnings_of(app) == []
    report = json.loads((Path(app.outdir) / "sm-report.json").read_text("utf-8"))
    waived = [f for f in report["findings"] if f["status"] == "waived"]
    assert [(f["rule"], f["item"], f["waiver"]) for f in waived] == [
        ("MOD_PREMODERATION", "TOOL_FACEBOOK_GROUP", "WAIVER_PILOT")
    ]
    appendix = (Path(app.outdir) / "appendix.html").read_text("utf-8")
    assert "governors agreed a half-term pilot" in appendix  # the reason, in the table
    assert "pass (1 waived)" in appendix  # the register's compliance column


def test_expired_waiver_is_a_finding_and_waives_nothing(policy: Path, tmp_path: Path):
    edit(policy, "tools.rst", ":comments: premoderated", ":comments: open")
    (policy / "safeguards.rst").write_text(
        (policy / "safeguards.rst").read_text("utf-8")
        + WAIVER.format(expires="2026-11-01"),
        "utf-8",
    )
    app = build(policy, tmp_path / "out")
    text = (policy / "safeguards.rst").read_text("utf-8")
    waiver_line = text[: text.index(".. sm-waiver::")].count("\n") + 1
    assert rules(app) == [
        (f"SRC/safeguards.rst:{waiver_line}", "[sm.waiver_expired]"),
        ("SRC/tools.rst:4", "[sm.mod_premoderation]"),
    ]
    assert (
        "The waiver WAIVER_PILOT of MOD_PREMODERATION expired on 2026-11-01"
        in "\n".join(warnings_of(app))
    )


def test_fail_on_should_reports_should_findings_as_warnings(policy: Path, tmp_path: Path):
    edit(policy, "tools.rst", ":admins: Mrs K Brown, Ms A Patel", ":admins: Mrs K Brown")
    quiet = build(policy, tmp_path / "must")
    assert warnings_of(quiet) == []  # ACC_CONTINUITY is a should: information only
    loud = build(policy, tmp_path / "should", sm_fail_on="should")
    assert rules(loud) == [("SRC/tools.rst:4", "[sm.acc_continuity]")]


def test_disabled_rule_is_listed_not_warned(policy: Path, tmp_path: Path):
    edit(policy, "tools.rst", ":comments: premoderated", ":comments: open")
    app = build(policy, tmp_path / "out", sm_disable=["MOD_PREMODERATION"])
    assert warnings_of(app) == []
    report = json.loads((Path(app.outdir) / "sm-report.json").read_text("utf-8"))
    assert report["disabled"] == ["MOD_PREMODERATION"]
    assert [
        f["status"] for f in report["findings"] if f["rule"] == "MOD_PREMODERATION"
    ] == ["disabled"]
    appendix = (Path(app.outdir) / "appendix.html").read_text("utf-8")
    assert "switched off in conf.py (sm_disable): MOD_PREMODERATION" in appendix


def test_suppress_warnings_silences_one_rule(policy: Path, tmp_path: Path):
    plant_gaps(policy)
    app = build(policy, tmp_path / "out", suppress_warnings=["sm.mod_premoderation"])
    assert "[sm.mod_premoderation]" not in [r for _, r in rules(app)]
    assert len(rules(app)) == 4


LOCAL_PACK = """\
pack: oakfield-trust
title: Oakfield Trust additions
source: Oakfield Trust online-safety standard, 2026
version: "1"
requirements:
  - id: TRUST_JUSTIFIED
    title: Every tool's choice is justified
    text: Every tool records why it was chosen, school-run tools too.
    severity: must
    source: Trust standard, section 2
    theme: accounts
    applies-to: tool
    check:
      present: justification
    message: "{title} does not say why it was chosen."
    fix: Add `:justification:` to the sm-tool.
"""


def test_project_pack_and_editing_it_rebuilds_tables(policy: Path, tmp_path: Path):
    (policy / "trust.yaml").write_text(LOCAL_PACK, "utf-8")
    conf = policy / "conf.py"
    conf.write_text(
        conf.read_text("utf-8").replace(
            'sm_guidance = ["kent-2010", "uk-online-safety"]',
            'sm_guidance = ["kent-2010", "uk-online-safety", "trust.yaml"]',
        ),
        "utf-8",
    )
    out = tmp_path / "incremental"
    first = build(policy, out)
    assert rules(first) == [("SRC/tools.rst:27", "[sm.trust_justified]")]
    # edit the pack only: the severity drops to may; the appendix and tables follow
    (policy / "trust.yaml").write_text(
        LOCAL_PACK.replace("severity: must", "severity: may"), "utf-8"
    )
    second = build(policy, out)
    assert warnings_of(second) == []
    build(policy, tmp_path / "clean")
    pages = sorted(p.name for p in (tmp_path / "clean" / "html").glob("*.html"))
    assert "appendix.html" in pages
    for page in pages:
        incremental_html = (out / "html" / page).read_text("utf-8")
        clean_html = (tmp_path / "clean" / "html" / page).read_text("utf-8")
        assert incremental_html == clean_html, page
    appendix = (out / "html" / "appendix.html").read_text("utf-8")
    assert "Every tool's choice is justified (may)" in appendix


def test_broken_pack_is_one_located_error_and_the_rest_still_work(
    policy: Path, tmp_path: Path
):
    (policy / "trust.yaml").write_text(
        LOCAL_PACK.replace("severity: must", "severity: critical"), "utf-8"
    )
    conf = policy / "conf.py"
    conf.write_text(
        conf.read_text("utf-8").replace(
            '"uk-online-safety"]', '"uk-online-safety", "trust.yaml"]'
        ),
        "utf-8",
    )
    plant_gaps(policy)
    app = build(policy, tmp_path / "out")
    lines = warnings_of(app)
    assert lines[0] == (
        "SRC/trust.yaml:9: WARNING: requirement TRUST_JUSTIFIED: 'severity' is "
        "'critical'; allowed: must, should, may [sm.guidance]"
    )
    assert len(rules(app)) == 6  # the five planted gaps are still found
