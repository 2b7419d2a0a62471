"""A pass must mean something, in real builds and through ``sociallpolicy check``:
placeholders do not pass, unknown platforms are input errors, every finding prints in
one form, and the report says what each "met" rests on."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sm_testing import ROOTS, warnings_of
from sm_testing import build_html as build
from sphinx.util.console import strip_colors

from sphinxcontrib_sociallpolicy.cli import main


def copy_root(name: str, tmp_path: Path) -> Path:
    src = tmp_path / name
    shutil.copytree(ROOTS / f"test-{name}", src)
    return src


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), "utf-8")


# --- the real-policy trial ----------------------------------------------------------


def test_placeholders_do_not_make_a_real_policy_pass(tmp_path: Path, capsys, monkeypatch):
    src = copy_root("trial", tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(["check", "trial"]) == 1
    out = capsys.readouterr().out
    for rule in (
        "ACC_OFFICIAL",
        "IMG_CONSENT_NO_ID",
        "CON_NO_PERSONAL_CONTACT",
        "CON_NO_PERSONAL_FRIENDING",
        "ESC_DSL_ROUTE",
        "GOV_LINKED_POLICIES",
        "GOV_PREREQ_TRAINING",
    ):
        assert f"must    {rule} " in out, rule
    # each placeholder is reported on itself, with what it was meant to meet
    for number in ("", "_2", "_3", "_4", "_5", "_6", "_7"):
        assert f"should  CTRL_NO_SUBSTANCE CTRL_PLACEHOLDER{number}: " in out
    assert (
        "CTRL_PLACEHOLDER_2: CTRL_PLACEHOLDER_2 cannot stand for ACC_OFFICIAL, "
        "CON_NO_PERSONAL_CONTACT: it has no description of what is done and no owner."
    ) in out
    assert "0 attested by safeguards and documents" in out
    assert out.rstrip().endswith("FAILED: 16 open findings at 'must' or above.")
    # and -W fails the HTML build on the same findings
    app = build(src, tmp_path / "out")
    assert len([w for w in warnings_of(app) if "(must)" in w]) == 16


def test_the_same_policy_passes_once_it_says_what_is_done(tmp_path: Path):
    # giving the placeholders substance is what turns the findings they were meant
    # for into "attested" results: the rule was never the block, but what it says
    src = copy_root("trial", tmp_path)
    index = src / "index.rst"
    text = index.read_text("utf-8")
    text = text.replace(
        "   :kind: image-consent\n   :applies-to: all\n",
        "   :kind: image-consent\n   :applies-to: all\n   :owner: Mr D Hale\n\n"
        "   Only pupils whose parents consented appear; no names or tags.\n",
    )
    index.write_text(text, "utf-8")
    app = build(src, tmp_path / "out")
    report = json.loads((Path(app.outdir) / "sm-report.json").read_text("utf-8"))
    result = [
        r
        for r in report["results"]
        if r["rule"] == "IMG_CONSENT_NO_ID" and r["item"] == "TOOL_X"
    ]
    assert result == [
        {
            "rule": "IMG_CONSENT_NO_ID",
            "item": "TOOL_X",
            "status": "met",
            "basis": "attested",
        }
    ]


# --- platforms -----------------------------------------------------------------------


def test_unknown_platform_is_an_input_error_with_a_suggestion(
    tmp_path: Path, capsys, monkeypatch
):
    src = copy_root("trial", tmp_path)
    edit(src / "index.rst", ":platform: twitter", ":platform: twiter")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "trial"]) == 2
    out = capsys.readouterr().out
    assert (
        "    17: error   sm-tool TOOL_X: :platform: 'twiter' is not in the platform "
        "catalogue; did you mean 'twitter'? write a platform ID listed by "
        "`sociallpolicy platforms`, or add the platform in a catalogue file named in "
        "sm_platforms [sm.option]"
    ) in out
    assert "FAILED: 1 input error to fix first." in out


def test_an_alias_is_the_platform_it_names(tmp_path: Path):
    src = copy_root("trial", tmp_path)
    app = build(src, tmp_path / "out")
    assert not [w for w in warnings_of(app) if "[sm.option]" in w]
    report = json.loads((Path(app.outdir) / "sm-report.json").read_text("utf-8"))
    premoderation = [f for f in report["findings"] if f["rule"] == "MOD_PREMODERATION"]
    assert "is on X (Twitter)" in premoderation[0]["message"]


# --- one form for every finding --------------------------------------------------------


def test_findings_below_the_threshold_print_in_the_same_form(tmp_path: Path):
    src = copy_root("trial", tmp_path)
    app = build(src, tmp_path / "out")
    status = strip_colors(app.status.getvalue())
    index = str(src / "index.rst")
    line = next(s for s in status.splitlines() if "ACC_CONTINUITY" in s)
    assert line == (
        f"{index}:17: NOTE: ACC_CONTINUITY (should) TOOL_X: 'School news on X' has 1 "
        "named administrator(s); with fewer than two, the school can lose access to it "
        "when someone is away or leaves. List at least two administrators in "
        "`:admins:`, one of them from the leadership team. [sm.acc_continuity]"
    )
    # not a warning: -W fails on the threshold, not on the form
    assert not [w for w in warnings_of(app) if "ACC_CONTINUITY" in w]
    # the must findings on the same line come first, then should, then may
    warnings = [w for w in warnings_of(app) if w.startswith("SRC/index.rst:17:")]
    assert warnings and all("(must)" in w for w in warnings)
    notes = [s for s in status.splitlines() if s.startswith(f"{index}:17: NOTE:")]
    severities = [n.split(" (", 1)[1].split(")", 1)[0] for n in notes]
    assert severities == sorted(severities, key=["must", "should", "may"].index)
    assert "should" in severities and "may" in severities


def test_suppress_warnings_also_silences_notes(tmp_path: Path):
    src = copy_root("trial", tmp_path)
    app = build(src, tmp_path / "out", suppress_warnings=["sm.acc_continuity"])
    assert "ACC_CONTINUITY" not in app.status.getvalue()


def test_check_lists_the_drafts_waiting(tmp_path: Path, capsys, monkeypatch):
    src = copy_root("trial", tmp_path)
    edit(
        src / "index.rst",
        "   :admins: Mr D Hale\n",
        "   :admins: Mr D Hale\n   :status: draft\n",
    )
    monkeypatch.chdir(tmp_path)
    assert main(["check", "trial"]) == 1
    out = capsys.readouterr().out
    assert "  17: must    DRAFT_PENDING TOOL_X: TOOL_X is a draft" in out
    assert (
        "1 drafted item waits for the school's decision:\n  trial/index.rst:17: TOOL_X\n"
        in out
    )


def test_check_receives_each_input_error_once(tmp_path: Path, capsys, monkeypatch):
    src = copy_root("trial", tmp_path)
    edit(src / "index.rst", ":moderation: weekly", ":moderation: never")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "trial", "--format", "json"]) == 2
    data = json.loads(capsys.readouterr().out)
    assert [(e["path"], e["line"], e["kind"]) for e in data["input_errors"]] == [
        ("trial/index.rst", 17, "sm.option")
    ]


# --- the basis of each result ----------------------------------------------------------


@pytest.mark.parametrize("root", ["compliant", "trial"])
def test_report_says_what_each_met_rests_on(root: str, tmp_path: Path):
    src = copy_root(root, tmp_path)
    app = build(src, tmp_path / "out")
    report = json.loads((Path(app.outdir) / "sm-report.json").read_text("utf-8"))
    results = report["results"]
    assert results
    for result in results:
        assert result["status"] in ("met", "open", "waived", "disabled", "not-applicable")
        assert ("basis" in result) == (result["status"] == "met")
        if "basis" in result:
            assert result["basis"] in ("checked", "attested")
    counts = report["summary"]["results"]
    met = [r for r in results if r["status"] == "met"]
    assert counts["met"] == len(met) == counts["checked"] + counts["attested"]
    assert counts["attested"] == sum(1 for r in met if r["basis"] == "attested")
    assert counts["open"] == sum(1 for r in results if r["status"] == "open")
    if root == "compliant":
        assert counts["attested"] > 0 and counts["checked"] > 0 and counts["open"] == 0
        appendix = (Path(app.outdir) / "appendix.html").read_text("utf-8")
        assert (
            f"Results: {counts['met']} met: {counts['checked']} checked from the "
            f"policy’s facts, {counts['attested']} attested by safeguards and documents."
        ) in appendix or (
            f"Results: {counts['met']} met: {counts['checked']} checked from the "
            f"policy's facts, {counts['attested']} attested by safeguards and documents."
        ) in appendix


def test_drafts_are_marked_in_every_table(tmp_path: Path):
    src = copy_root("compliant", tmp_path)
    safeguards = src / "safeguards.rst"
    edit(
        safeguards,
        "   :id: RISK_LP_CONTACT\n",
        "   :id: RISK_LP_CONTACT\n   :status: draft\n",
    )
    edit(
        src / "tools.rst",
        "   :id: TOOL_FACEBOOK_GROUP\n",
        "   :id: TOOL_FACEBOOK_GROUP\n   :status: draft\n",
    )
    app = build(src, tmp_path / "out")
    assert [w.split(" WARNING: ")[1].split(":")[0] for w in warnings_of(app)] == [
        "DRAFT_PENDING (must) RISK_LP_CONTACT",
        "DRAFT_PENDING (must) TOOL_FACEBOOK_GROUP",
        "GOV_RISK_ASSESSED (must) TOOL_LEARNING_PLATFORM",
    ]
    appendix = (Path(app.outdir) / "appendix.html").read_text("utf-8")
    register = appendix[appendix.index("sm-register-table") :]
    register = register[: register.index("</table>")]
    assert "draft, not yet adopted; 1 finding" in register
    risks = appendix[appendix.index("sm-risk-table") :]
    risks = risks[: risks.index("</table>")]
    assert risks.count("Draft: not yet adopted") == 1
    assert "2 drafted items wait for the school’s decision" in appendix or (
        "2 drafted items wait for the school's decision" in appendix
    )


def test_sm_disable_cannot_hide_drafts(tmp_path: Path):
    src = copy_root("compliant", tmp_path)
    edit(
        src / "tools.rst",
        "   :id: TOOL_FACEBOOK_GROUP\n",
        "   :id: TOOL_FACEBOOK_GROUP\n   :status: draft\n",
    )
    (src / "conf.py").write_text(
        (src / "conf.py").read_text("utf-8") + 'sm_disable = ["DRAFT_PENDING"]\n', "utf-8"
    )
    app = build(src, tmp_path / "out")
    assert [w.rsplit(" ", 1)[1] for w in warnings_of(app)] == [
        "[sm.config]",
        "[sm.draft_pending]",
    ]
    assert (
        "sm_disable names DRAFT_PENDING, which cannot be switched off"
        in (warnings_of(app)[0])
    )
