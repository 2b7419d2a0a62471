"""Guidance as of December 2026, in real builds and through the command: ages that
take effect on a date, account kinds each platform offers, and what changed since a
policy was approved."""

from __future__ import annotations

import json
from pathlib import Path

from sm_testing import build_html as build
from sm_testing import warnings_of
from sphinx.testing.util import SphinxTestApp

from sphinxcontrib_sociallpolicy.cli import main

CONF = """extensions = ["sphinxcontrib_sociallpolicy"]
sm_guidance = ["uk-online-safety"]
"""

POLICY = """Policy
======

.. sm-policy:: Social media policy
   :school: Harbour Secondary College
   :country: {country}
   :pupil-ages: 14-18
   :approved-by: Governing Board
   :approved-on: {approved}
   :next-review: 2027-09-01

.. sm-tool:: Sixth-form video channel
   :id: TOOL_VIDEOS
   :platform: {platform}
   :purpose: showcase
   :audience: pupils
   :account: {account}

   Pupils share their film projects.

.. sm-compliance::
"""


def project(
    tmp_path: Path,
    *,
    country: str = "AU",
    platform: str = "tiktok",
    account: str = "profile",
    approved: str = "2025-09-01",
) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(CONF, "utf-8")
    (src / "index.rst").write_text(
        POLICY.format(
            country=country, platform=platform, account=account, approved=approved
        ),
        "utf-8",
    )
    return src


def age_findings(app: SphinxTestApp) -> list[str]:
    report = json.loads((Path(app.outdir) / "sm-report.json").read_text("utf-8"))
    return [f["message"] for f in report["findings"] if f["rule"] == "AGE_MIN_AGE"]


def test_an_age_that_takes_effect_on_a_date(tmp_path: Path):
    # TikTok's minimum age in Australia is 16 from 2025-12-10 (the eSafety list);
    # before that the platform's own 13 applied. Pupils from 14: fine the day
    # before, a finding from the day the law took effect.
    src = project(tmp_path)
    before = build(src, tmp_path / "before", sm_today="2025-12-09")
    assert age_findings(before) == []
    after = build(src, tmp_path / "after", sm_today="2025-12-10")
    messages = age_findings(after)
    assert len(messages) == 1
    assert (
        "the minimum age of TikTok in AU (16) is above the youngest pupils' age (14)"
        in (messages[0])
    )


def test_platforms_listing_shows_the_age_and_its_start(capsys):
    assert main(["platforms", "--country", "AU"]) == 0
    out = capsys.readouterr().out
    line = next(row for row in out.splitlines() if row.startswith("tiktok "))
    assert "16 (from 2025-12-10)" in line
    assert main(["platforms", "--country", "AU", "--on", "2025-12-09"]) == 0
    line = next(
        row for row in capsys.readouterr().out.splitlines() if row.startswith("tiktok ")
    )
    assert "16" not in line.split("video-sharing", 1)[1].split()[0]
    assert main(["platforms", "--on", "soon"]) == 2
    assert "--on 'soon' is not a date written YYYY-MM-DD" in capsys.readouterr().err


def test_an_account_the_platform_does_not_offer_is_an_input_error(
    tmp_path: Path, capsys, monkeypatch
):
    src = project(tmp_path, country="GB", platform="x", account="page")
    app = build(src, tmp_path / "out", sm_today="2026-12-02")
    option = [w for w in warnings_of(app) if w.endswith("[sm.option]")]
    assert option == [
        "SRC/index.rst:12: WARNING: sm-tool TOOL_VIDEOS: :account: 'page' is not a kind "
        "of account X (Twitter) offers; its accounts: profile; the safest is profile "
        "[sm.option]"
    ]
    monkeypatch.chdir(tmp_path)
    assert main(["check", "src"]) == 2


def test_what_changed_since_the_policy_was_approved(tmp_path: Path, capsys, monkeypatch):
    src = project(tmp_path, country="GB", platform="learning-platform", account="class")
    app = build(src, tmp_path / "out", sm_today="2026-12-02")
    html = (Path(app.outdir) / "index.html").read_text("utf-8")
    assert "New or changed since this policy was approved" in html
    assert "IMG_PUBLIC_FACES" in html.replace('</span><wbr><span class="pre">', "")
    assert "added 2026-12-02" in html
    report = json.loads((Path(app.outdir) / "sm-report.json").read_text("utf-8"))
    drift = [f for f in report["findings"] if f["rule"] == "GUIDANCE_CHANGED"]
    assert [(f["item"], f["severity"]) for f in drift] == [("POLICY", "should")]
    monkeypatch.chdir(tmp_path)
    main(["check", "src"])
    out = capsys.readouterr().out
    assert "New or changed since this policy was approved on 2025-09-01:" in out
    assert "  IMG_PUBLIC_FACES (must), added 2026-12-02: " in out
    # a policy approved after the changes hears nothing of them
    (src / "index.rst").write_text(
        (src / "index.rst").read_text("utf-8").replace("2025-09-01", "2026-12-02"), "utf-8"
    )
    app = build(src, tmp_path / "out2", sm_today="2026-12-02")
    html = (Path(app.outdir) / "index.html").read_text("utf-8")
    assert "New or changed since this policy was approved" not in html


def test_sm_guidance_shows_each_requirements_dates_and_unconfirmed_sources(tmp_path: Path):
    src = project(tmp_path, country="GB", platform="learning-platform", account="class")
    (src / "index.rst").write_text(
        (src / "index.rst").read_text("utf-8") + "\n.. sm-guidance::\n", "utf-8"
    )
    app = build(src, tmp_path / "out", sm_today="2026-12-02")
    html = (Path(app.outdir) / "index.html").read_text("utf-8")
    faces = html[html.index('id="IMG_PUBLIC_FACES"') :]
    faces = faces[: faces.index("</div>")]
    assert "added 2026-12-02; source checked 2026-12-02" in faces
    assert "could not be confirmed" in faces
    approval = html[html.index('id="GOV_SLT_APPROVAL"') :]
    approval = approval[: approval.index("</div>")]
    assert "added 2026-11-24" in approval and "could not be confirmed" not in approval
