"""A trust base (issue 13, part 1): two schools on one base (tests/roots/trust), one
of which overrides a base item; base edits in incremental and parallel builds; a
base requirement that cannot be switched off; bad manifests and overrides; and
``sociallpolicy new --base``."""

from __future__ import annotations

import json
import re
import shutil
from html import unescape
from pathlib import Path

import pytest
from sm_testing import REPO, ROOTS, warnings_of
from test_parallel_incremental import build, snapshot

from sphinxcontrib_sociallpolicy.cli import main

TRAINING_OPEN_B = (
    "SRC/index.rst:4: WARNING: TRUST_STAFF_TRAINING (must) POLICY: POLICY does not "
    "meet the requirement 'Staff are trained in the trust's online-safety standards'. "
    "CTRL_TRUST_TRAINING was not counted: this school replaced it with "
    "CTRL_BEECH_TRAINING. CTRL_BEECH_TRAINING was not counted: it has no owner, no "
    ":frequency: saying how often it is repeated and no :last-done: date. Record the "
    "safeguard that meets it: an sm-control with `:satisfies: TRUST_STAFF_TRAINING`. "
    "[sm.trust_staff_training]"
)


@pytest.fixture
def trust(tmp_path: Path) -> Path:
    shutil.copytree(ROOTS / "trust", tmp_path / "trust")
    return tmp_path / "trust"


def report(app) -> dict:
    return json.loads((Path(app.outdir) / "sm-report.json").read_text("utf-8"))


def text_of(app, page: str) -> str:
    html = (Path(app.outdir) / page).read_text("utf-8")
    # break points in IDs: CTRL_</span><wbr><span class="pre">TRUST
    html = re.sub(r"(</span>)?<wbr\s*/?>(<span[^>]*>)?", "", html)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def shown(app, tmp: Path) -> list[str]:
    return [w.replace(str(tmp), "TMP") for w in warnings_of(app)]


def test_two_schools_share_the_base_and_one_overrides(trust: Path, tmp_path: Path):
    a = build(trust / "school-a", tmp_path / "a", fresh=True)
    b = build(trust / "school-b", tmp_path / "b", fresh=True)
    # school A: the base's training and code of conduct meet the base's pack, and
    # its tool is on a platform of the base's catalogue
    assert warnings_of(a) == []
    data = report(a)
    assert data["guidance"][0]["pack"] == "northbridge-trust"
    assert {(r["rule"], r["status"], r.get("basis")) for r in data["results"]} == {
        ("TRUST_STAFF_TRAINING", "met", "attested"),
        ("TRUST_CODE_OF_CONDUCT", "met", "attested"),
    }
    assert data["overrides"] == []
    assert data["base"] == {
        "name": "Northbridge Learning Trust",
        "folder": "../base",
        "guidance": ["../base/packs/trust.yaml"],
        "platforms": ["../base/platforms/trust.yaml"],
        "chapters": [{"chapter": "shared/safeguards.rst", "included_in": ["trust"]}],
        "missing_chapters": [],
    }
    assert "no item of the trust base is replaced by this school" in text_of(
        a, "compliance.html"
    )
    # school B replaces the base's training with its own, which lacks substance:
    # the replaced item counts for nothing and the requirement still applies
    assert warnings_of(b) == [TRAINING_OPEN_B]
    data = report(b)
    assert data["overrides"] == [
        {
            "replaced": "CTRL_TRUST_TRAINING",
            "replaced_title": "Trust online-safety training for all staff",
            "replacement": "CTRL_BEECH_TRAINING",
            "replacement_title": "Beechwood's own online-safety training",
            "reason": "Beechwood trains its staff with the local authority's course.",
            "source": "trust.rst",
            "line": 9,
        }
    ]
    # the base item has no findings of its own; the replacement has
    findings = {(f["rule"], f["item"], f["source"], f["line"]) for f in data["findings"]}
    assert findings == {
        ("TRUST_STAFF_TRAINING", "POLICY", "index.rst", 4),
        ("CTRL_NO_SUBSTANCE", "CTRL_BEECH_TRAINING", "trust.rst", 9),
    }
    compliance = text_of(b, "compliance.html")
    assert (
        "Overrides of the trust base ¶ Base item Replaced by Reason Where Base item: "
        "CTRL_TRUST_TRAINING Trust online-safety training for all staff Replaced by: "
        "CTRL_BEECH_TRAINING Beechwood's own online-safety training Reason: Beechwood "
        "trains its staff with the local authority's course. Where: Trust-wide "
        "arrangements: Our own training"
    ) in compliance
    page = (Path(b.outdir) / "trust.html").read_text("utf-8")
    assert re.search(
        r'href="compliance.html#sm-overrides"><span class="sm-status-mark[^"]*">'
        r"Status: replaced by CTRL_BEECH_TRAINING \(an override of this school\); "
        r"counts for nothing</span>",
        page,
    )


def test_a_base_item_is_located_in_the_base_chapter(trust: Path, tmp_path: Path):
    chapter = trust / "base" / "shared" / "safeguards.rst"
    text = chapter.read_text("utf-8")
    chapter.write_text(text.replace("   :last-done: 2026-09-01\n", ""), "utf-8")
    app = build(trust / "school-a", tmp_path / "a", fresh=True)
    assert shown(app, tmp_path) == [
        "SRC/index.rst:4: WARNING: TRUST_STAFF_TRAINING (must) POLICY: POLICY does not "
        "meet the requirement 'Staff are trained in the trust's online-safety "
        "standards'. CTRL_TRUST_TRAINING was not counted: it has no :last-done: date. "
        "Record the safeguard that meets it: an sm-control with `:satisfies: "
        "TRUST_STAFF_TRAINING`. [sm.trust_staff_training]"
    ]
    data = report(app)
    substance = [f for f in data["findings"] if f["rule"] == "CTRL_NO_SUBSTANCE"]
    assert [(f["source"], f["line"]) for f in substance] == [
        ("../base/shared/safeguards.rst", 6)
    ]


def test_disabling_a_base_requirement_warns_and_it_still_applies(
    trust: Path, tmp_path: Path
):
    conf = trust / "school-b" / "conf.py"
    conf.write_text(
        conf.read_text("utf-8") + 'sm_disable = ["TRUST_STAFF_TRAINING"]\n', "utf-8"
    )
    app = build(trust / "school-b", tmp_path / "b", fresh=True)
    assert warnings_of(app) == [
        "SRC/conf.py:6: WARNING: sm_disable names TRUST_STAFF_TRAINING, a requirement "
        "of the trust base 'Northbridge Learning Trust', which a school cannot switch "
        "off: it still applies. Remove it from sm_disable; for an agreed exception "
        "write an sm-waiver with the reason (waivers are listed in the compliance "
        "summary) [sm.config]",
        TRAINING_OPEN_B,
    ]
    assert report(app)["disabled"] == []


def test_a_chapter_no_page_includes_is_a_warning_and_shown(trust: Path, tmp_path: Path):
    school = trust / "school-a"
    (school / "trust.rst").write_text("Trust\n#####\n\nNothing shared here.\n", "utf-8")
    app = build(school, tmp_path / "a", fresh=True)
    manifest = trust / "base" / "base.yaml"
    assert shown(app, tmp_path)[0] == (
        "SRC/conf.py:2: WARNING: the trust base 'Northbridge Learning Trust' shares the "
        f"chapter shared/safeguards.rst ({str(manifest).replace(str(tmp_path), 'TMP')}"
        ":8), which no page of this project includes, so its safeguards and documents "
        "are not in this policy; add '.. sm-base-chapter:: shared/safeguards.rst' to a "
        "page [sm.config]"
    )
    # the requirements the chapter met are open again
    assert [w.split(" (must)")[0].split()[-1] for w in shown(app, tmp_path)[1:]] == [
        "TRUST_CODE_OF_CONDUCT",
        "TRUST_STAFF_TRAINING",
    ]
    assert report(app)["base"]["missing_chapters"] == ["shared/safeguards.rst"]
    assert (
        "Shared chapter shared/safeguards.rst : not included in this policy: its "
        "safeguards and documents are missing"
    ) in text_of(app, "compliance.html")


def test_bad_overrides_are_located_link_warnings(trust: Path, tmp_path: Path):
    school = trust / "school-b"
    (school / "trust.rst").write_text(
        (school / "trust.rst").read_text("utf-8")
        + """
.. sm-control:: Not a base item
   :id: CTRL_OTHER
   :kind: other
   :replaces: CTRL_BEECH_TRAINING
   :override-reason: test

.. sm-document:: Wrong kind
   :id: DOC_WRONG_KIND
   :kind: other
   :replaces: CTRL_TRUST_TRAINING
   :override-reason: test

.. sm-risk:: Nothing there
   :id: RISK_NOTHING
   :replaces: RISK_MISSING
   :override-reason: test

.. sm-control:: Bad ID
   :id: CTRL_BAD_ID
   :kind: other
   :replaces: not an id
""",
        "utf-8",
    )
    app = build(school, tmp_path / "b", fresh=True)
    warnings = [w for w in warnings_of(app) if "[sm.link]" in w or "[sm.option]" in w]
    assert warnings == [
        "SRC/trust.rst:35: WARNING: sm-control CTRL_BAD_ID: :replaces: 'not an id' is "
        "not an ID in capitals with underscores; allowed: one ID in capitals with "
        "underscores, e.g. TOOL_FACEBOOK_PAGE [sm.option]",
        "SRC/trust.rst:18: WARNING: sm-control CTRL_OTHER: :replaces: names "
        "CTRL_BEECH_TRAINING, which is the school's own item, not a base item; change "
        "or remove that item instead [sm.link]",
        "SRC/trust.rst:24: WARNING: sm-document DOC_WRONG_KIND: :replaces: names "
        "CTRL_TRUST_TRAINING, which is an sm-control; an sm-document replaces only an "
        "sm-document [sm.link]",
        "SRC/trust.rst:30: WARNING: sm-risk RISK_NOTHING: :replaces: names "
        "RISK_MISSING, which is not an item of this policy; name the ID of an item of "
        "a shared chapter of the base [sm.link]",
    ]


def test_a_bad_manifest_is_located(trust: Path, tmp_path: Path):
    manifest = trust / "base" / "base.yaml"
    manifest.write_text(
        "name: Northbridge Learning Trust\n"
        "guidance:\n"
        "  - packs/missing.yaml\n"
        "  - uk-online-safty\n"
        "chapters:\n"
        "  - ../outside.rst\n"
        "answer: answers.yaml\n",
        "utf-8",
    )
    app = build(trust / "school-a", tmp_path / "a", fresh=True)
    where = str(manifest).replace(str(tmp_path), "TMP")
    base = str(trust / "base").replace(str(tmp_path), "TMP")
    assert [w for w in shown(app, tmp_path) if "base.yaml" in w] == [
        f"{where}:7: WARNING: 'answer' is not a key of a base manifest and is ignored; "
        "did you mean 'answers'? the keys are name, guidance, platforms, chapters, "
        "answers [sm.config]",
        f"{where}:3: WARNING: the guidance pack 'packs/missing.yaml' is not a file in "
        f"the base folder {base}; check its name (paths are relative to the folder of "
        "base.yaml) [sm.config]",
        f"{where}:4: WARNING: 'guidance:' names 'uk-online-safty', which is not a "
        "built-in pack and not a .yaml file; did you mean 'uk-online-safety'? built-in "
        "packs: kent-2010, uk-online-safety [sm.config]",
        f"{where}:6: WARNING: the chapter '../outside.rst' is not inside the base "
        "folder; write its path relative to the folder of base.yaml, without '..' "
        "[sm.config]",
        "SRC/trust.rst:4: WARNING: sm-base-chapter shared/safeguards.rst: the base's "
        "base.yaml does not list this chapter under 'chapters:'; its items are read as "
        "base items all the same [sm.config]",
    ]
    manifest.write_text("name: [unclosed\n", "utf-8")
    app = build(trust / "school-a", tmp_path / "a2", fresh=True)
    assert [w for w in shown(app, tmp_path) if "base.yaml" in w][0].startswith(
        f"{where}:1: WARNING: "
    )
    manifest.unlink()
    app = build(trust / "school-a", tmp_path / "a3", fresh=True)
    assert shown(app, tmp_path)[0].startswith(
        f"SRC/conf.py:2: WARNING: sm_base: the base folder {base} has no readable "
        "base.yaml (the file does not exist"
    )


def edit_pack(trust: Path) -> str:
    pack = trust / "base" / "packs" / "trust.yaml"
    pack.write_text(
        pack.read_text("utf-8") + "  - id: TRUST_PARENT_CHARTER\n"
        "    title: Parents agree to the trust's charter\n"
        "    text: Parents agree to the trust's home-school social-media charter.\n"
        "    severity: must\n"
        "    source: Trust policy, section 6.1\n"
        "    theme: conduct\n"
        "    applies-to: policy\n",
        "utf-8",
    )
    return "TRUST_PARENT_CHARTER (must) POLICY"


def edit_chapter(trust: Path) -> str:
    chapter = trust / "base" / "shared" / "safeguards.rst"
    chapter.write_text(
        chapter.read_text("utf-8").replace(
            "Staff do not contact pupils", "Staff never contact pupils"
        )
        + """
.. sm-control:: Home-school charter
   :id: CTRL_TRUST_CHARTER
   :kind: parent-awareness
   :owner: Trust safeguarding lead
   :frequency: annual
   :last-done: 2024-09-01

   Parents sign the trust's charter when their child joins.
""",
        "utf-8",
    )
    return "CTRL_TRUST_CHARTER counts towards no requirement"


def edit_manifest(trust: Path) -> str:
    (trust / "base" / "shared" / "conduct.rst").write_text(
        "Conduct\n=======\n\nShared conduct rules.\n", "utf-8"
    )
    manifest = trust / "base" / "base.yaml"
    text = manifest.read_text("utf-8")
    manifest.write_text(
        text.replace(
            "  - shared/safeguards.rst\n",
            "  - shared/safeguards.rst\n  - shared/conduct.rst\n",
        ),
        "utf-8",
    )
    return "shares the chapter shared/conduct.rst"


@pytest.mark.parametrize("parallel", [0, 2])
@pytest.mark.parametrize("edit", [edit_pack, edit_chapter, edit_manifest])
def test_a_base_edit_is_picked_up_by_both_schools(
    trust: Path, tmp_path: Path, parallel: int, edit
):
    """Only one base file changes; no school file does. Each school's incremental
    build (serial, or -j 2) equals a clean build, and shows the change."""
    for school in ("school-a", "school-b"):
        build(trust / school, tmp_path / f"inc-{school}", parallel=parallel, fresh=True)
    expected = edit(trust)
    for school in ("school-a", "school-b"):
        incremental = build(trust / school, tmp_path / f"inc-{school}", parallel=parallel)
        clean = build(trust / school, tmp_path / f"clean-{school}", fresh=True)
        assert shown(incremental, tmp_path) == shown(clean, tmp_path)
        assert expected in "\n".join(shown(clean, tmp_path)) + "\n".join(
            f["message"] for f in report(clean)["findings"]
        )
        assert snapshot(incremental) == snapshot(clean)
        first, second = report(incremental), report(clean)
        first.pop("generated"), second.pop("generated")
        assert first == second
    if edit is edit_chapter:
        assert "Staff never contact pupils" in text_of(incremental, "trust.html")


def test_new_with_a_base_builds_with_the_base_defaults_and_the_schools_answers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    shutil.copytree(REPO / "examples" / "trust-base", tmp_path / "trust-base")
    answers = tmp_path / "answers.yaml"
    answers.write_text(
        "school: Oak Primary School\n"
        "phase: primary\n"
        "people:\n"
        "  network-manager: Ms N Oak\n"
        "  dsl: Mr J Owusu\n"
        "tools:\n"
        "  - {platform: northbridge-hub, audience: [parents], purpose: [announcements]}\n",
        "utf-8",
    )
    target = tmp_path / "schools" / "oak"
    code = main(
        [
            "new",
            str(target),
            "--base",
            str(tmp_path / "trust-base"),
            "--answers",
            str(answers),
            "--no-input",
        ]
    )
    assert code == 0, capsys.readouterr()
    conf = (target / "conf.py").read_text("utf-8")
    assert "sm_base = '../../trust-base'\n" in conf
    # from the base's defaults: the guidance and the approving body; from the
    # school's: the network manager (over the base's) and the DSL
    assert "sm_guidance = ['kent-2010', 'uk-online-safety']" in conf
    index = (target / "index.rst").read_text("utf-8")
    assert ":approved-by: Northbridge Learning Trust board" in index
    assert "   introduction\n   trust-base\n   roles\n" in index
    roles = (target / "roles.rst").read_text("utf-8")
    assert "Ms N Oak" in roles and "Mr T Lee" not in roles and "Mr J Owusu" in roles
    assert ".. sm-base-chapter:: shared/trust-safeguards.rst\n" in (
        target / "trust-base.rst"
    ).read_text("utf-8")
    app = build(target, tmp_path / "out", fresh=True)
    warnings = warnings_of(app)
    # builds with the base: no input error, and the base's requirements are met by
    # the shared chapter's training and code of conduct
    assert not [
        w for w in warnings if re.search(r"\[sm\.(config|link|option|guidance)\]", w)
    ]
    data = report(app)
    assert data["base"]["chapters"] == [
        {"chapter": "shared/trust-safeguards.rst", "included_in": ["trust-base"]}
    ]
    statuses = {r["rule"]: r["status"] for r in data["results"] if r["item"] == "POLICY"}
    assert statuses["TRUST_STAFF_TRAINING"] == statuses["TRUST_CODE_OF_CONDUCT"] == "met"


def test_a_file_name_too_long_for_the_system_is_a_located_error(tmp_path):
    """A manifest naming a file whose name the system refuses (too long) gives the
    same located error as a missing file (found by the fuzz suite)."""
    from sphinxcontrib_sociallpolicy.trustbase import load_base

    base = tmp_path / "base"
    base.mkdir()
    (base / "base.yaml").write_text(
        "name: A trust\nguidance:\n  - " + "x" * 5000 + ".yaml\n", "utf-8"
    )
    errors: list = []
    load_base(base, errors)
    [error] = errors
    assert (error.path, error.line) == (str(base / "base.yaml"), 3)
    assert "is not a file in the base folder" in error.message
    errors = []
    assert load_base(tmp_path / ("y" * 5000), errors) is None
    assert "does not exist" in errors[0].message
