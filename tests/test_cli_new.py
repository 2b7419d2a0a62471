"""``sociallpolicy new``: the generated project builds, passes or reports honestly,
keeps hostile answers as text, asks again on a bad answer, and never overwrites.

The wizard is honest (issue 10): a blank answer is never filled with an invented
value, and what it suggests (safeguards, risks, school documents, a tool's set-up) is
a draft - counting for nothing - until the school adopts it, through
``adopt-suggestions`` or the review at the end of the questions. Answers can be piped
on standard input.

Projects are generated once per module (``main([...])`` in-process) and shared. The
date is fixed with ``SOURCE_DATE_EPOCH`` so the approval and training dates of the
example answers never go stale.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from docutils.core import publish_doctree

from sphinxcontrib_sociallpolicy.cli import main
from sphinxcontrib_sociallpolicy.cli.wizard.answers import AnswerError, parse_answers
from sphinxcontrib_sociallpolicy.cli.wizard.derive import ToolPlan, add_months, make_plan
from sphinxcontrib_sociallpolicy.cli.wizard.rst import escape
from sphinxcontrib_sociallpolicy.guidance import load_catalogue
from sphinxcontrib_sociallpolicy.schema import RECURRING_KINDS

EXAMPLES = Path(__file__).parent.parent / "sphinxcontrib_sociallpolicy" / "cli" / "examples"
FULL = EXAMPLES / "answers-full.yaml"
MINIMAL = EXAMPLES / "answers-minimal.yaml"
TODAY = dt.datetime(2026, 11, 24, 12, tzinfo=dt.UTC)
EPOCH = str(int(TODAY.timestamp()))
HOSTILE_SCHOOL = 'St Mary\'s "Star" *C of E* Primary_School | <b>x</b> Ünïcødé'
CHAPTERS = (
    "introduction",
    "roles",
    "tools",
    "risks",
    "conduct",
    "parents",
    "images",
    "incidents",
    "review",
    "registers",
    "guidance",
)
#: the directives whose items the wizard suggests
SUGGESTION_DIRECTIVES = ("sm-tool", "sm-control", "sm-risk", "sm-document")
#: what the "still to supply" list calls each kind of suggestion
WORDS = {
    "sm-tool": "tool",
    "sm-control": "safeguard",
    "sm-risk": "risk",
    "sm-document": "school document",
}
#: the school documents GOV_LINKED_POLICIES names
LINKED_KINDS = (
    "behaviour",
    "complaints",
    "child-protection",
    "staff-conduct",
    "acceptable-use",
    "images",
    "data-protection",
)
DATE_RE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
#: the answers of SPEC section 6, word for word: with adopt-suggestions, enough for
#: a passing policy
SPEC_ANSWERS = """\
school: Oakfield Primary School
phase: primary
pupil-ages: 4-11
country: GB
email-domains: [oakfield.sch.uk]
guidance: [kent-2010, uk-online-safety]
people: {headteacher: Mrs S Green, owner: Ms A Patel, dsl: Mr J Owusu,
         governing-body: Governing Board, network-manager: Mr R Singh}
approved-on: 2026-09-01          # policy approval; next review = + review cycle
training: {staff: 2026-09-02, pupils: 2026-09-15, parents: 2026-10-01}
tools:
  - platform: facebook
    audience: [parents]
    purpose: [announcements]
    owner: Mrs K Brown
    admins: [Mrs K Brown, Ms A Patel]
    approved-on: 2026-09-01
  - platform: learning-platform
    audience: [pupils, parents]
    purpose: [showcase, discussion]
"""


@pytest.fixture(scope="module", autouse=True)
def fixed_date():
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        yield


def new(*args: str) -> int:
    return main(["new", *args])


def sphinx_build(src: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-q",
            *extra,
            "-b",
            "html",
            str(src),
            str(src / "_build" / "html"),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def command() -> list[str]:
    """The installed ``sociallpolicy`` command (or the module, when not installed)."""
    exe = shutil.which("sociallpolicy") or (
        str(Path(sys.executable).parent / "sociallpolicy")
        if (Path(sys.executable).parent / "sociallpolicy").exists()
        else None
    )
    return [exe] if exe else [sys.executable, "-m", "sphinxcontrib_sociallpolicy.cli"]


def check_json(src: Path, capsys) -> tuple[int, dict]:
    capsys.readouterr()
    code = main(["check", str(src), "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def open_rules(report: dict, severity: str = "must") -> set[tuple[str, str]]:
    return {
        (f["rule"], f["item"])
        for f in report["findings"]
        if f["status"] == "open" and f["severity"] == severity
    }


def write_answers(folder: Path, data: dict) -> Path:
    path = folder / "answers.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def full_answers() -> dict:
    return yaml.safe_load(FULL.read_text("utf-8"))


def rst_text(project: Path) -> str:
    return "".join(p.read_text("utf-8") for p in sorted(project.glob("*.rst")))


def items(project: Path) -> dict[str, dict]:
    """Every item directive of the project by ID: its directive, title, file and
    options."""
    out: dict[str, dict] = {}
    for path in sorted(project.glob("*.rst")):
        current: dict | None = None
        for line in path.read_text("utf-8").splitlines():
            head = re.match(r"^\.\. (sm-[a-z-]+):: ?(.*)$", line)
            if head:
                current = {
                    "directive": head.group(1),
                    "title": head.group(2),
                    "file": path.name,
                    "options": {},
                }
                continue
            option = re.match(r"^   :([a-z-]+):(?: (.*))?$", line)
            if current is not None and option:
                current["options"][option.group(1)] = option.group(2) or ""
                if option.group(1) == "id":
                    out[option.group(2)] = current
            elif current is not None and not line.startswith("   :"):
                current = None
    return out


def owners(value: str) -> list[str]:
    """The people an ``:owner:`` names, without the role written after a name
    ("Mrs S Green (headteacher)")."""
    return [re.sub(r" \([a-z ]+\)$", "", n) for n in value.split(", ") if n]


def has_option(text: str, name: str) -> bool:
    """Whether an item in ``text`` has the option ``name`` (not the name in prose)."""
    return re.search(rf"^   :{re.escape(name)}:", text, re.MULTILINE) is not None


def suggestions(project: Path) -> dict[str, dict]:
    """The items with a ``:status:`` (the wizard's suggestions)."""
    return {
        i: item
        for i, item in items(project).items()
        if item["directive"] in SUGGESTION_DIRECTIVES and "status" in item["options"]
    }


@pytest.fixture(scope="module")
def full(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("full") / "policy"
    assert new(str(out), "--answers", str(FULL), "--no-input") == 0
    return out


@pytest.fixture(scope="module")
def minimal(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("minimal") / "policy"
    assert new(str(out), "--answers", str(MINIMAL), "--no-input") == 0
    return out


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("hostile")
    data = full_answers()
    data["school"] = HOSTILE_SCHOOL
    data["people"]["owner"] = "Ms _A_ Patel :role:`x`"
    data["people"]["dsl"] = ".. danger:: Mr J Owusu"
    data["people"]["network-manager"] = "- Mr R *Singh*"
    data["tools"][0]["title"] = "Parents' *group* `x` | [1]_ ::"
    data["tools"][0]["description"] = (
        "- a list?\n\n.. raw:: html\n\n   <script>alert(1)</script>"
    )
    out = base / "policy"
    assert new(str(out), "--answers", str(write_answers(base, data)), "-y") == 0
    return out


# --- the full answers: a passing policy ------------------------------------------


def test_full_answers_write_the_whole_project(full: Path):
    for name in ("conf.py", "index.rst", "README.md", ".github/workflows/policy.yml"):
        assert (full / name).is_file(), name
    for chapter in CHAPTERS:
        assert (full / f"{chapter}.rst").is_file(), chapter
    index = (full / "index.rst").read_text("utf-8")
    assert ".. sm-policy::" in index and ".. toctree::" in index
    assert ":school: Oakfield Primary School" in index
    assert ":next-review: 2027-09-01" in index  # approval + 12 months
    assert "Still to supply" not in index  # every fact given, every suggestion adopted
    conf = (full / "conf.py").read_text("utf-8")
    assert "sm_guidance = ['kent-2010', 'uk-online-safety']" in conf
    assert "sphinxcontrib_sociallpolicy" in conf
    workflow = (full / ".github/workflows/policy.yml").read_text("utf-8")
    assert "sociallpolicy check --format github" in workflow
    readme = (full / "README.md").read_text("utf-8")
    assert "sphinx-build -W -b html . _build/html" in readme
    assert "sociallpolicy check ." in readme
    assert "Still to supply" not in readme
    registers = (full / "registers.rst").read_text("utf-8")
    for table in ("sm-register", "sm-risk-register", "sm-matrix", "sm-compliance"):
        assert f".. {table}::" in registers
    assert ":heatmap:" in registers
    assert ".. sm-guidance::" in (full / "guidance.rst").read_text("utf-8")


def test_full_answers_derive_the_safest_set_up(full: Path):
    tools = (full / "tools.rst").read_text("utf-8")
    facebook = tools[tools.index(":id: TOOL_FACEBOOK_GROUP") :]
    facebook = facebook[: facebook.index(".. sm-tool::")]
    for line in (
        ":status: adopted",
        ":account: group",
        ":visibility: private",
        ":comments: premoderated",
        ":membership: request",
        ":moderation: daily",
        ":owner: Mrs K Brown",
        ":admins: Mrs K Brown, Ms A Patel",
        ":contact-email: office@oakfield.sch.uk",
        ":approved-by: Mrs S Green (headteacher)",
        ":approved-on: 2026-09-01",
        ":next-review: 2027-09-01",
        ":justification: Most parents already use Facebook every day;",
        ":adopted-by: Mrs S Green",
        ":adopted-on: 2026-09-01",
    ):
        assert line in facebook, line
    # the reasons are written where the school sees them
    assert "Facebook lets the school approve who joins or follows" in tools
    learning = tools[tools.index(":id: TOOL_LEARNING_PLATFORM_CLASS") :]
    assert ":membership: school-accounts" in learning
    assert ":owner: Ms A Patel" in learning  # the online-safety lead, said so
    assert "the online-safety lead, as no owner was given" in learning
    risks = (full / "risks.rst").read_text("utf-8")
    assert ":affects: TOOL_FACEBOOK_GROUP" in risks
    assert ":assessed-by: Mrs K Brown, Mr R Singh" in risks
    assert ":assessed-on: 2026-09-01" in risks
    conduct = (full / "conduct.rst").read_text("utf-8")
    assert ":last-done: 2026-09-02" in conduct
    assert ":satisfies: CON_NO_PERSONAL_CONTACT, CON_NO_PERSONAL_FRIENDING" in conduct
    assert "pupils" in conduct and "students" not in conduct


def test_full_answers_write_what_the_rules_need(full: Path):
    """One school document of each kind GOV_LINKED_POLICIES names, and every
    safeguard with content, an owner from the answers' people and, when it is done
    again and again, a frequency and the date from the answers."""
    answers = full_answers()
    people = set(answers["people"].values())
    found = items(full)
    documents = [i for i in found.values() if i["directive"] == "sm-document"]
    assert sorted(d["options"]["kind"] for d in documents) == sorted(
        (*LINKED_KINDS, "mobile-phones")
    )
    assert {d["file"] for d in documents} == {"introduction.rst"}
    for document in documents:
        assert document["options"]["owner"] in people, document
    by_kind = {d["options"]["kind"]: d["options"] for d in documents}
    assert by_kind["child-protection"]["owner"] == "Mr J Owusu"  # the DSL
    assert "ACC_OFFICIAL" in by_kind["staff-conduct"]["covers"]
    assert "CON_NO_PERSONAL_CONTACT" in by_kind["staff-conduct"]["covers"]
    assert "IMG_CONSENT_NO_ID" in by_kind["images"]["covers"]
    assert "ESC_DSL_ROUTE" in by_kind["child-protection"]["covers"]
    controls = {i: c for i, c in found.items() if c["directive"] == "sm-control"}
    assert "CTRL_LINKED_POLICIES" not in controls  # documents stand for them now
    dates = {
        "staff-training": answers["training"]["staff"],
        "pupil-training": answers["training"]["pupils"],
        "parent-awareness": answers["training"]["parents"],
        **answers["last-done"],
    }
    for cid, control in controls.items():
        options = control["options"]
        for name in owners(options["owner"]):
            assert name in people, cid
        kind = options["kind"]
        if kind in dates:
            assert options["last-done"] == str(dates[kind]), cid
        else:
            assert "last-done" not in options, cid
        if kind in RECURRING_KINDS:
            assert options["frequency"] in ("termly", "annual"), cid
    text = (full / "conduct.rst").read_text("utf-8")
    block = text[text.index(":id: CTRL_TWO_STEP") :]
    assert ":owner: Mr R Singh" in block[: block.index(".. sm-control::")]
    # every kind of dated safeguard of the answers is written
    assert {c["options"]["kind"] for c in controls.values()} >= set(dates)


def test_full_answers_pass_check(full: Path, capsys):
    assert main(["check", str(full)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1].endswith("PASSED: no open finding at 'must' or above.")
    code, report = check_json(full, capsys)
    assert code == 0 and report["input_errors"] == []
    rules = {f["rule"] for f in report["findings"] if f["status"] == "open"}
    assert "DRAFT_PENDING" not in rules
    assert "CTRL_NO_SUBSTANCE" not in rules  # every safeguard and document counts
    assert report["summary"]["drafts"] == 0
    # the safeguards and documents, adopted, stand for what they meet
    assert report["summary"]["results"]["attested"] > 0


@pytest.mark.slow
def test_full_answers_build_with_w(full: Path):
    result = sphinx_build(full, "-W")
    assert result.returncode == 0, result.stdout + result.stderr
    body = (full / "_build/html/tools.html").read_text("utf-8")
    assert "TOOL_FACEBOOK_GROUP" in body


#: the facts the guidance of December 2026 needs beyond SPEC section 6's answers,
#: which only the school can give: the link governor, the last review of filtering
#: and monitoring, and for each tool the date of its DPIA and whether pupils can be
#: recognised in its images
DECEMBER_2026_FACTS = {
    "people": {"governor": "Mr T Ahmed"},
    "last-done": {"filtering-monitoring-review": "2026-07-14", "image-audit": "2026-10-05"},
    "tools": [
        {"dpia-on": "2026-08-20", "pupil-images": "not-identifiable"},
        {"dpia-on": "2026-08-20", "pupil-images": "identifiable"},
    ],
}


def test_spec_answers_with_adopt_suggestions_pass(tmp_path: Path, capsys):
    """SPEC section 6: its example answers, with adopt-suggestions and the facts the
    December 2026 guidance needs, make a passing policy. Without those facts the
    check fails on exactly them - the wizard invents none of them - and without
    adopt-suggestions the same answers leave drafts and do not pass."""
    data = yaml.safe_load(SPEC_ANSWERS)
    data["adopt-suggestions"] = {"by": "Mrs S Green", "on": "2026-09-01"}
    spec_only = tmp_path / "spec-only"
    assert new(str(spec_only), "--answers", str(write_answers(tmp_path, data)), "-y") == 0
    code, report = check_json(spec_only, capsys)
    assert code == 1 and report["input_errors"] == []
    assert open_rules(report) == {
        ("FM_REVIEW", "POLICY"),  # the governor and the date of the last review
        ("DATA_LAWFUL_BASIS", "TOOL_FACEBOOK_GROUP"),  # the date of the DPIA
        ("DATA_LAWFUL_BASIS", "TOOL_LEARNING_PLATFORM_CLASS"),
        ("IMG_CONSENT_NO_ID", "TOOL_FACEBOOK_GROUP"),  # private: pupil-images
        ("IMG_CONSENT_NO_ID", "TOOL_LEARNING_PLATFORM_CLASS"),
    }
    data["people"].update(DECEMBER_2026_FACTS["people"])
    data["last-done"] = DECEMBER_2026_FACTS["last-done"]
    for tool, facts in zip(data["tools"], DECEMBER_2026_FACTS["tools"], strict=True):
        tool.update(facts)
    out = tmp_path / "adopted"
    assert new(str(out), "--answers", str(write_answers(tmp_path, data)), "-y") == 0
    code, report = check_json(out, capsys)
    assert code == 0, open_rules(report)
    drafted = tmp_path / "drafts"
    del data["adopt-suggestions"]
    assert new(str(drafted), "--answers", str(write_answers(tmp_path, data)), "-y") == 0
    code, report = check_json(drafted, capsys)
    assert code == 1
    assert report["summary"]["drafts"] == len(suggestions(drafted)) > 0
    assert ("GOV_LINKED_POLICIES", "POLICY") in open_rules(report)


# --- suggestions are drafts until adopted ----------------------------------------


def test_suggestions_are_drafts_without_adopt_suggestions(minimal: Path):
    found = items(minimal)
    suggested = suggestions(minimal)
    # every safeguard, risk and school document is the wizard's suggestion
    for item_id, item in found.items():
        if item["directive"] in ("sm-control", "sm-risk", "sm-document"):
            assert item_id in suggested, item_id
    # tools whose set-up the wizard chose too
    assert {"TOOL_FACEBOOK_GROUP", "TOOL_LEARNING_PLATFORM_CLASS"} <= set(suggested)
    for item_id, item in suggested.items():
        assert item["options"]["status"] == "draft", item_id
        assert "adopted-by" not in item["options"], item_id
        assert "adopted-on" not in item["options"], item_id
    # the status comes right after the ID, where the school sees it
    text = (minimal / "conduct.rst").read_text("utf-8")
    assert ":id: CTRL_TWO_STEP\n   :status: draft\n" in text


def test_suggestions_adopted_with_adopt_suggestions(full: Path):
    suggested = suggestions(full)
    assert len(suggested) > 20
    for item_id, item in suggested.items():
        options = item["options"]
        assert options["status"] == "adopted", item_id
        assert options["adopted-by"] == "Mrs S Green", item_id
        assert options["adopted-on"] == "2026-09-01", item_id
    text = rst_text(full)
    assert ":status: draft" not in text
    assert "draft" not in text.replace("drafted", "")  # no note about drafts either


def test_a_tool_from_the_answers_alone_is_the_schools_own(tmp_path: Path, capsys):
    """Facts stated for a tool are written as stated; a tool whose facts all come
    from the answers is adopted (no draft), while the wizard's safeguards stay
    drafts."""
    answers = tmp_path / "answers.yaml"
    answers.write_text(
        """\
school: Oakfield Primary School
email-domains: [oakfield.sch.uk]
people: {headteacher: Mrs S Green, owner: Ms A Patel}
tools:
  - platform: facebook
    audience: parents
    purpose: announcements
    account: page
    visibility: public
    comments: off
    membership: open
    moderation: hourly
    contact-email: news@oakfield.sch.uk
    url: https://facebook.com/oakfield
    owner: Mrs K Brown
    admins: [Mrs K Brown, Ms A Patel]
    approved-by: Mrs S Green (headteacher)
    approved-on: 2026-09-01
    lawful-basis: legitimate-interests
    dpia-on: 2026-08-20
    pupil-images: none
  - platform: facebook
    audience: parents
    purpose: announcements
    comments: off
""",
        encoding="utf-8",
    )
    out = tmp_path / "policy"
    assert new(str(out), "--answers", str(answers), "-y") == 0
    found = items(out)
    page = found["TOOL_FACEBOOK_PAGE"]["options"]
    assert "status" not in page  # the school's own: adopted, as written
    for key, value in (
        ("account", "page"),
        ("visibility", "public"),
        ("comments", "off"),  # the word, not a YAML boolean
        ("membership", "open"),
        ("moderation", "hourly"),
        ("contact-email", "news@oakfield.sch.uk"),
        ("url", "https://facebook.com/oakfield"),
        ("lawful-basis", "legitimate-interests"),
        ("dpia-on", "2026-08-20"),
        ("pupil-images", "none"),
    ):
        assert page[key] == value, key
    group = found["TOOL_FACEBOOK_GROUP"]["options"]
    assert group["status"] == "draft"  # the wizard chose the rest of its set-up
    assert group["comments"] == "off"  # a stated fact, never overridden
    assert group["contact-email"] == "office@oakfield.sch.uk"
    assert found["CTRL_PRIVACY"]["options"]["status"] == "draft"
    assert "TOOL_FACEBOOK_PAGE" not in (out / "index.rst").read_text("utf-8")
    code, report = check_json(out, capsys)
    drafts = {f["item"] for f in report["findings"] if f["rule"] == "DRAFT_PENDING"}
    assert "TOOL_FACEBOOK_GROUP" in drafts and "TOOL_FACEBOOK_PAGE" not in drafts


# --- nothing is invented -------------------------------------------------------------


BLANKS = """\
school: Oakfield Primary School
phase: primary
pupil-ages:
country: GB
email-domains: [oakfield.sch.uk]
people:
  headteacher: Mrs S Green
  owner: Ms A Patel
  dsl:
  governing-body:
  network-manager:
approved-on:
training: {staff: 2026-09-02, pupils:, parents:}
tools:
  - platform: facebook
    audience: [parents]
    purpose: [announcements]
    approved-on: 2026-09-03
  - platform: learning-platform
    audience: [pupils, parents]
    purpose: [showcase, discussion]
"""


def test_blank_answers_stay_blank(tmp_path: Path, capsys):
    """From an answers file with blanks, nothing is invented: no ages, no approving
    body, no date and no person that the answers do not give; each blank is listed
    under "Still to supply"."""
    answers = tmp_path / "answers.yaml"
    answers.write_text(BLANKS, encoding="utf-8")
    out = tmp_path / "policy"
    assert new(str(out), "--answers", str(answers), "-y") == 0
    printed = capsys.readouterr().out
    text = rst_text(out)
    assert not has_option(text, "pupil-ages")
    assert "4-11" not in text
    assert "Governing Board" not in text
    assert not has_option((out / "index.rst").read_text("utf-8"), "approved-by")
    assert not has_option(text, "dsl")
    # every date written is one the answers give; a next review is the given
    # approval date plus the 12-month review cycle
    given = set(DATE_RE.findall(BLANKS))
    for path in out.glob("*.rst"):
        for line in path.read_text("utf-8").splitlines():
            for day in DATE_RE.findall(line):
                if "next review" in line.lower().replace("-", " "):
                    assert day in {add_months(g, 12) for g in given}, (path.name, line)
                else:
                    assert day in given, (path.name, line)
    # every person written is one the answers name
    named = {"Mrs S Green", "Ms A Patel"}
    for item_id, item in items(out).items():
        for key in ("owner", "admins", "assessed-by", "adopted-by", "dsl"):
            for name in owners(item["options"].get(key, "")):
                assert name in named, (item_id, key, name)
    # the controls of the people left blank have no owner, and say so
    found = items(out)
    for cid in ("CTRL_TWO_STEP", "CTRL_ACCESS_REVIEW", "CTRL_PRIVACY", "CTRL_INCIDENTS"):
        assert "owner" not in found[cid]["options"], cid
    assert "owner" not in found["DOC_CHILD_PROTECTION"]["options"]
    # repeated safeguards with no date in the answers have none
    assert found["CTRL_STAFF_TRAINING"]["options"]["last-done"] == "2026-09-02"
    for cid in ("CTRL_PUPIL_TRAINING", "CTRL_PARENT_AWARENESS", "CTRL_ACCESS_REVIEW"):
        assert "last-done" not in found[cid]["options"], cid
    # ... and every blank is listed, printed and on the first page
    index = (out / "index.rst").read_text("utf-8")
    for expected in (
        "the youngest and oldest pupils' ages (pupil-ages)",
        "the body that approves the policy (people: governing-body)",
        "the date the policy was approved (approved-on)",
        "(people: network-manager), the owner of CTRL_PRIVACY in tools.rst, "
        "CTRL_TWO_STEP in conduct.rst, CTRL_ACCESS_REVIEW in conduct.rst",
        "(people: dsl), the owner of DOC_CHILD_PROTECTION in introduction.rst, "
        "CTRL_INCIDENTS in incidents.rst",
        "(training: pupils), for CTRL_PUPIL_TRAINING in conduct.rst",
        "(training: parents), for CTRL_PARENT_AWARENESS in parents.rst",
        "(last-done: access-review), for CTRL_ACCESS_REVIEW in conduct.rst",
        "(last-done: follower-audit), for CTRL_FOLLOWER_AUDIT in tools.rst",
    ):
        assert expected in printed, expected
        assert escape(expected) in index, expected


def test_minimal_answers_invent_nothing(minimal: Path):
    text = rst_text(minimal)
    for option in (
        "owner",
        "admins",
        "approved-on",
        "approved-by",
        "assessed-by",
        "assessed-on",
        "last-done",
        "dsl",
        "contact-email",
        "next-review",
        "pupil-ages",
        "adopted-by",
        "adopted-on",
    ):
        assert not has_option(text, option), option
    assert not DATE_RE.search(text)
    assert "Governing Board" not in text
    index = (minimal / "index.rst").read_text("utf-8")
    assert "Still to supply" in index
    assert "the date the policy was approved (approved-on)" in index


def test_still_to_supply_names_each_draft_with_its_file(minimal: Path, tmp_path: Path):
    drafts = suggestions(minimal)
    index = (minimal / "index.rst").read_text("utf-8")
    readme = (minimal / "README.md").read_text("utf-8")
    assert "## Still to supply" in readme
    lines = {
        item_id: f"{item_id} in {item['file']}: {WORDS[item['directive']]} "
        f"'{item['title']}'"
        for item_id, item in drafts.items()
    }
    for item_id, line in lines.items():
        assert f"- {escape(line)}\n" in index, item_id
        assert f"- {line}\n" in readme.replace("\\", ""), item_id
    # printed too (in another run: the fixture's output is gone)
    result = subprocess.run(
        [*command(), "new", str(tmp_path / "p"), "--answers", str(MINIMAL), "-y"],
        capture_output=True,
        text=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH},
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert f"{len(drafts)} suggestion(s) of the wizard written as drafts" in result.stdout
    assert f"  {len(drafts)} draft(s) waiting for the school's decision" in result.stdout
    for item_id, line in lines.items():
        assert f"  - {line}\n" in result.stdout, item_id


def test_minimal_answers_build_html(minimal: Path):
    result = sphinx_build(minimal)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (minimal / "_build/html/index.html").is_file()


def test_minimal_answers_check_lists_missing_facts(minimal: Path, capsys):
    code, report = check_json(minimal, capsys)
    assert code == 1
    assert report["input_errors"] == []
    found = open_rules(report)
    for expected in (
        ("GOV_REVIEW_CYCLE", "POLICY"),
        ("ESC_DSL_ROUTE", "POLICY"),
        ("GOV_PREREQ_TRAINING", "POLICY"),
        ("GOV_LINKED_POLICIES", "POLICY"),
        ("GOV_SLT_APPROVAL", "TOOL_FACEBOOK_GROUP"),
        ("GOV_RISK_ASSESSED", "TOOL_FACEBOOK_GROUP"),
        ("ACC_NAMED_OWNER", "TOOL_FACEBOOK_GROUP"),
        ("ACC_SCHOOL_EMAIL", "TOOL_FACEBOOK_GROUP"),
        ("MOD_RESPONSIBILITY", "TOOL_LEARNING_PLATFORM_CLASS"),
        ("AGE_MIN_AGE", "TOOL_LEARNING_PLATFORM_CLASS"),  # no pupil ages
        ("FM_REVIEW", "POLICY"),
        ("PHONES_POLICY", "POLICY"),
        ("ESC_IMAGE_ABUSE", "POLICY"),
        ("DATA_LAWFUL_BASIS", "TOOL_FACEBOOK_GROUP"),  # no DPIA date
        ("IMG_CONSENT_NO_ID", "TOOL_LEARNING_PLATFORM_CLASS"),  # no pupil-images
    ):
        assert expected in found, expected
    # each draft is a finding, located in its file
    drafts = suggestions(minimal)
    pending = {f["item"]: f for f in report["findings"] if f["rule"] == "DRAFT_PENDING"}
    assert set(pending) == set(drafts)
    for item_id, finding in pending.items():
        assert finding["source"].endswith(drafts[item_id]["file"]), item_id
    assert report["summary"]["drafts"] == len(drafts)
    # each says what to supply
    messages = {f["rule"]: f["message"] for f in report["findings"]}
    assert ":approved-on:" in messages["GOV_SLT_APPROVAL"]
    assert ":dsl:" in messages["ESC_DSL_ROUTE"]
    assert ":dpia-on:" in messages["DATA_LAWFUL_BASIS"]


# --- the guidance of December 2026: accounts, data, images, new safeguards -------------


def plan_of(platform: str, **facts: object) -> ToolPlan:
    answers = parse_answers(
        {"school": "Oakfield", "tools": [{"platform": platform, **facts}]}
    )
    return make_plan(answers).tools[0]


def test_accounts_come_from_the_catalogue():
    """Each tool's account is the safest kind the platform offers, as the catalogue
    records it, and never a kind the platform does not offer."""
    for platform in load_catalogue():
        account = plan_of(platform.id).item.options["account"]
        if platform.safest_account:
            assert account == platform.safest_account, platform.id
        if platform.accounts:
            assert account in platform.accounts, platform.id
    x = plan_of("x")
    assert x.item.options["account"] == "profile" and x.id == "TOOL_X_PROFILE"
    assert x.reasons["account"] == "the only kind of account X (Twitter) offers"
    facebook = plan_of("facebook")
    assert facebook.item.options["account"] == "group"
    assert "(of page, group)" in facebook.reasons["account"]
    # a stated account the platform offers is kept
    assert plan_of("facebook", account="page").item.options["account"] == "page"


def test_accounts_the_wizard_writes_are_no_input_error(tmp_path: Path, capsys):
    data = full_answers()
    data["tools"] = [
        {"platform": p, "audience": ["parents"], "purpose": ["announcements"]}
        for p in ("x", "instagram", "youtube", "linkedin", "telegram", "tapestry")
    ]
    out = tmp_path / "policy"
    assert new(str(out), "--answers", str(write_answers(tmp_path, data)), "-y") == 0
    code, report = check_json(out, capsys)
    assert code == 1 and report["input_errors"] == []  # findings, never exit 2
    # a protected or public X profile is what X offers: not a "personal profile"
    assert ("MOD_SAFE_CONFIG", "TOOL_X_PROFILE") not in open_rules(report, "should")


def test_an_account_the_platform_does_not_offer_is_an_answers_error(tmp_path: Path, capsys):
    expected = (
        "tools[1].account: 'page' is not a kind of account X (Twitter) offers; its "
        "accounts: profile (the safest: profile)"
    )
    with pytest.raises(AnswerError) as error:
        parse_answers(
            {"school": "Oakfield", "tools": [{"platform": "x", "account": "page"}]}
        )
    assert str(error.value) == expected
    answers = tmp_path / "answers.yaml"
    answers.write_text(
        "school: Oakfield\ntools:\n  - {platform: twitter, account: page}\n",
        encoding="utf-8",
    )
    assert new(str(tmp_path / "p"), "--answers", str(answers), "-y") == 2
    # located: the file and the line of the answer
    assert capsys.readouterr().err.strip() == f"error: {answers}:3: {expected}"
    # the same as a flag
    args = ("--school", "Oakfield", "--tool", "x:parents:announcements")
    assert new(str(tmp_path / "p"), *args, "--tool-fact", "account=page", "-y") == 2
    err = capsys.readouterr().err
    assert "--tool-fact: account: 'page' is not a kind of account X (Twitter)" in err
    assert not (tmp_path / "p").exists()


def test_tool_facts_flag_errors(tmp_path: Path, capsys):
    out = str(tmp_path / "p")
    assert new(out, "--school", "X", "--tool-fact", "dpia-on=2026-08-20", "-y") == 2
    assert "--tool-fact dpia-on=2026-08-20: give it after the --tool" in (
        capsys.readouterr().err
    )
    for fact, said in (
        ("dpia=2026-08-20", "'dpia' is not a fact a tool can state (did you mean"),
        ("dpia-on=yesterday", "--tool-fact: dpia-on: 'yesterday'"),
        ("pupil-images", "'pupil-images' is not OPTION=VALUE"),
    ):
        assert new(out, "--school", "X", "--tool", "blog", "--tool-fact", fact) == 2
        assert said in capsys.readouterr().err, fact


def test_lawful_basis_and_pupil_images_are_suggestions_and_dpia_never(
    minimal: Path,
):
    """Where the answers do not say: the lawful basis is suggested as public task (a
    draft), pupils' images are not suggested on a private or closed tool, and the
    date of a DPIA is never written; both blanks are listed."""
    found = items(minimal)
    index = (minimal / "index.rst").read_text("utf-8")
    for tool_id in ("TOOL_FACEBOOK_GROUP", "TOOL_LEARNING_PLATFORM_CLASS"):
        options = found[tool_id]["options"]
        assert options["status"] == "draft", tool_id
        assert options["lawful-basis"] == "public-task", tool_id
        assert "dpia-on" not in options and "pupil-images" not in options, tool_id
        title = found[tool_id]["title"]
        for line in (
            f"{title}: the date of its data protection impact assessment (dpia-on)",
            f"{title}: whether pupils can be recognised in the images it publishes: "
            "none, not-identifiable or identifiable (pupil-images)",
        ):
            assert escape(line) in index, line
    assert "usually rests on its public task" in (minimal / "tools.rst").read_text("utf-8")
    # on a public tool, images in which pupils cannot be recognised are suggested
    page = plan_of("facebook", account="page", audience="parents")
    assert page.item.options["visibility"] == "public"
    assert page.item.options["pupil-images"] == "not-identifiable"
    assert "pupil-images" in page.reasons and page.item.suggested
    # a fact stated is kept, and the check reports what it means
    assert (
        plan_of("x", **{"pupil-images": "identifiable"}).item.options["pupil-images"]
        == "identifiable"
    )


def test_identifiable_images_on_a_public_tool_are_reported(tmp_path: Path, capsys):
    data = full_answers()
    data["tools"][0].update(account="page", visibility="public", comments="off")
    data["tools"][0].update(membership="open")
    data["tools"][0]["pupil-images"] = "identifiable"
    out = tmp_path / "policy"
    assert new(str(out), "--answers", str(write_answers(tmp_path, data)), "-y") == 0
    assert ":pupil-images: identifiable" in (out / "tools.rst").read_text("utf-8")
    code, report = check_json(out, capsys)
    assert code == 1
    assert ("IMG_PUBLIC_FACES", "TOOL_FACEBOOK_PAGE") in open_rules(report)


def test_new_safeguards_and_documents_adopted_with_adopt_suggestions(full: Path, capsys):
    """What the December 2026 rules need is written, owned by the answers' people,
    dated from the answers, and adopted with adopt-suggestions."""
    answers = full_answers()
    people = answers["people"]
    found = items(full)
    phones = found["DOC_MOBILE_PHONES"]["options"]
    assert phones["kind"] == "mobile-phones" and phones["owner"] == people["headteacher"]
    review = found["CTRL_FILTERING_MONITORING"]
    assert review["file"] == "review.rst"
    assert review["options"]["kind"] == "filtering-monitoring-review"
    assert review["options"]["owner"] == (
        f"{people['headteacher']} (headteacher), {people['governor']} (governor)"
    )
    assert review["options"]["frequency"] == "annual"
    fm_date = str(answers["last-done"]["filtering-monitoring-review"])
    assert review["options"]["last-done"] == fm_date
    audit = found["CTRL_IMAGE_AUDIT"]["options"]
    assert audit["kind"] == "image-audit" and audit["frequency"] == "termly"
    assert audit["applies-to"] == "TOOL_FACEBOOK_GROUP, TOOL_LEARNING_PLATFORM_CLASS"
    assert audit["last-done"] == str(answers["last-done"]["image-audit"])
    consultation = found["CTRL_CONSULTATION"]["options"]
    assert consultation["kind"] == "audience-consultation"
    assert consultation["last-done"] == str(answers["last-done"]["audience-consultation"])
    for item_id in (
        "DOC_MOBILE_PHONES",
        "CTRL_FILTERING_MONITORING",
        "CTRL_IMAGE_AUDIT",
        "CTRL_CONSULTATION",
        "CTRL_INCIDENTS",
    ):
        assert found[item_id]["options"]["status"] == "adopted", item_id
    # the incident response covers the seven points of ESC_IMAGE_ABUSE
    incidents = (full / "incidents.rst").read_text("utf-8")
    for words in (
        "do not view, copy, forward",
        "tell the DSL at once",
        "the police, or CEOP",
        "IWF",
        "Report Remove",
        "never pay",
        "Evidence is preserved",
        "the original images are taken down",
    ):
        assert words in incidents, words
    conduct = (full / "conduct.rst").read_text("utf-8")
    training = conduct[conduct.index(":id: CTRL_STAFF_TRAINING") :]
    assert "The training covers social media" in training[: training.index(".. sm-")]
    # no parental consent where the basis is not consent; AGE_CONSENT is gone
    assert "CTRL_PARENTAL_CONSENT" not in found
    assert not re.search(r"\bAGE_CONSENT\b", rst_text(full))
    code, report = check_json(full, capsys)
    met = {(r["rule"], r["item"]) for r in report["results"] if r["status"] == "met"}
    for rule in (
        "FM_REVIEW",
        "PHONES_POLICY",
        "ESC_IMAGE_ABUSE",
        "GOV_PREREQ_TRAINING",
        "GOV_DEMAND",
    ):
        assert (rule, "POLICY") in met, rule
    for tool_id in ("TOOL_FACEBOOK_GROUP", "TOOL_LEARNING_PLATFORM_CLASS"):
        for rule in ("DATA_LAWFUL_BASIS", "IMG_CONSENT_NO_ID", "ACC_DORMANT"):
            assert (rule, tool_id) in met, (rule, tool_id)
    assert ("IMG_PUBLIC_FACES", "TOOL_FACEBOOK_GROUP") not in {
        (f["rule"], f["item"]) for f in report["findings"]
    }


def test_new_safeguards_are_drafts_and_their_blanks_listed(minimal: Path):
    found = items(minimal)
    for item_id in ("DOC_MOBILE_PHONES", "CTRL_FILTERING_MONITORING", "CTRL_INCIDENTS"):
        assert found[item_id]["options"]["status"] == "draft", item_id
    assert "owner" not in found["CTRL_FILTERING_MONITORING"]["options"]
    # no pupil-images on the tools: nothing to audit yet; no consultation invented
    assert "CTRL_IMAGE_AUDIT" not in found
    assert "CTRL_CONSULTATION" not in found
    index = (minimal / "index.rst").read_text("utf-8")
    for line in (
        "(people: governor), the owner of CTRL_FILTERING_MONITORING in review.rst",
        "(last-done: filtering-monitoring-review), for CTRL_FILTERING_MONITORING in "
        "review.rst",
        "(last-done: audience-consultation); no consultation is written until the "
        "answers say one was held",
    ):
        assert escape(line) in index, line


def test_parental_consent_only_where_consent_is_the_basis(tmp_path: Path, capsys):
    data = full_answers()
    data["tools"][1]["lawful-basis"] = "consent"
    out = tmp_path / "policy"
    assert new(str(out), "--answers", str(write_answers(tmp_path, data)), "-y") == 0
    consent = items(out)["CTRL_PARENTAL_CONSENT"]["options"]
    assert consent["applies-to"] == "TOOL_LEARNING_PLATFORM_CLASS"
    assert consent["satisfies"] == "DATA_LAWFUL_BASIS"
    assert not re.search(r"\bAGE_CONSENT\b", rst_text(out))
    code, report = check_json(out, capsys)
    assert code == 0, open_rules(report)


def test_no_images_no_audit(tmp_path: Path, capsys):
    data = full_answers()
    for tool in data["tools"]:
        tool["pupil-images"] = "none"
    del data["last-done"]["image-audit"]
    out = tmp_path / "policy"
    assert new(str(out), "--answers", str(write_answers(tmp_path, data)), "-y") == 0
    assert "CTRL_IMAGE_AUDIT" not in items(out)
    assert "image-audit" not in capsys.readouterr().out  # nor listed as missing
    code, report = check_json(out, capsys)
    assert code == 0, open_rules(report)


def test_livestreaming_tools_get_their_risk(tmp_path: Path):
    tool = plan_of("kick", audience="parents")
    assert tool.item.options["purpose"] == "livestreaming"
    answers = parse_answers(
        {
            "school": "Oakfield",
            "tools": [
                {"platform": "youtube", "audience": "parents", "purpose": "livestreaming"}
            ],
        }
    )
    plan = make_plan(answers)
    risks = [r.id for r in plan.tools[0].risks]
    assert "RISK_YOUTUBE_CHANNEL_LIVESTREAM" in risks


def test_the_link_governor_key_is_read_as_governor():
    answers = parse_answers({"people": {"link-governor": "Mr T Ahmed"}})
    assert answers.people == {"governor": "Mr T Ahmed"}
    with pytest.raises(AnswerError, match="did you mean 'governor'"):
        parse_answers({"people": {"govenor": "Mr T Ahmed"}})


# --- a tool the guidance forbids for the audience --------------------------------


def test_instagram_for_young_pupils_is_kept_with_its_finding(tmp_path: Path, capsys):
    data = full_answers()
    data["tools"] = [
        {
            "platform": "instagram",
            "audience": ["pupils", "parents"],
            "purpose": ["showcase"],
        }
    ]
    out = tmp_path / "policy"
    assert new(str(out), "--answers", str(write_answers(tmp_path, data)), "-y") == 0
    tools = (out / "tools.rst").read_text("utf-8")
    assert ":platform: instagram" in tools
    assert ":audience: pupils, parents" in tools
    assert ":comments: off" in tools  # no membership control: broadcast only
    assert "AGE\\_MIN\\_AGE" in tools or "``AGE_MIN_AGE``" in tools
    code, report = check_json(out, capsys)
    assert code == 1
    # Instagram offers only a profile (the platform catalogue): never a page
    assert ":account: profile" in tools
    assert ("AGE_MIN_AGE", "TOOL_INSTAGRAM_PROFILE") in open_rules(report)


def test_flags_without_a_file_and_student_wording(tmp_path: Path):
    out = tmp_path / "policy"
    code = new(
        str(out),
        "--school",
        "Riverside Academy",
        "--phase",
        "secondary",
        "--pupil-ages",
        "11-18",
        "--tool",
        "youtube:parents,community:showcase",
        "--tool",
        "google-classroom:pupils:learning",
        "--yes",
    )
    assert code == 0
    tools = (out / "tools.rst").read_text("utf-8")
    assert ":audience: parents, community" in tools
    assert ":account: channel" in tools and ":platform: google-classroom" in tools
    conduct = (out / "conduct.rst").read_text("utf-8")
    assert "students" in conduct and "pupils" not in conduct.replace(":kind: pupil", "")


def test_flags_alone_can_make_a_passing_policy(tmp_path: Path, capsys):
    """Every answer as a flag, with the adoption of the suggestions: no file, no
    questions, and the policy passes."""
    out = tmp_path / "policy"
    code = new(
        str(out),
        *("--school", "Oakfield Primary School", "--phase", "primary"),
        *("--pupil-ages", "4-11", "--email-domains", "oakfield.sch.uk"),
        *("--headteacher", "Mrs S Green", "--owner", "Ms A Patel"),
        *("--dsl", "Mr J Owusu", "--governing-body", "Governing Board"),
        *("--network-manager", "Mr R Singh", "--approved-on", "2026-09-01"),
        *("--governor", "Mr T Ahmed", "--last-filtering-monitoring-review", "2026-07-14"),
        *("--staff-training", "2026-09-02", "--pupil-training", "2026-09-15"),
        *("--parent-training", "2026-10-01", "--last-access-review", "2026-10-05"),
        *("--last-image-audit", "2026-10-05"),
        *("--tool", "learning-platform:pupils,parents:showcase,discussion"),
        *("--tool-fact", "dpia-on=2026-08-20", "--tool-fact", "pupil-images=identifiable"),
        *("--adopt-suggestions-by", "Mrs S Green"),
        *("--adopt-suggestions-on", "2026-09-01"),
        "--no-input",
    )
    assert code == 0
    assert ":last-done: 2026-10-05" in (out / "conduct.rst").read_text("utf-8")
    tool = items(out)["TOOL_LEARNING_PLATFORM_CLASS"]["options"]
    assert tool["dpia-on"] == "2026-08-20" and tool["pupil-images"] == "identifiable"
    assert all(i["options"]["status"] == "adopted" for i in suggestions(out).values())
    code, report = check_json(out, capsys)
    assert code == 0, open_rules(report)
    assert (
        new(
            str(tmp_path / "p2"),
            "--school",
            "X",
            "--tool",
            "blog",
            "-y",
            "--adopt-suggestions-by",
            "Mrs S Green",
        )
        == 2
    )
    assert "--adopt-suggestions-by and --adopt-suggestions-on go together" in (
        capsys.readouterr().err
    )


def test_flags_override_the_answers_file(tmp_path: Path):
    out = tmp_path / "policy"
    assert new(str(out), "--answers", str(FULL), "--school", "Other School", "-y") == 0
    assert ":school: Other School" in (out / "index.rst").read_text("utf-8")


def test_tool_answers_accept_every_sm_tool_option():
    from sphinxcontrib_sociallpolicy.cli.wizard.answers import TOOL_KEYS
    from sphinxcontrib_sociallpolicy.schema import TOOL

    for option in TOOL.options:
        if option.name not in ("adopted-by", "adopted-on"):
            assert option.name in TOOL_KEYS, option.name
    answers = parse_answers(
        {
            "school": "Oakfield",
            "tools": [
                {
                    "platform": "youtube",
                    "moderation": "Hourly",
                    "justification": "Our films\nfor parents",
                }
            ],
        }
    )
    assert answers.tools[0].extra == {
        "moderation": "hourly",
        "justification": "Our films for parents",
    }


# --- hostile answers stay text ---------------------------------------------------


@pytest.mark.slow
def test_hostile_answers_build_and_show_exactly(hostile: Path):
    index = (hostile / "index.rst").read_text("utf-8")
    assert f":school: {HOSTILE_SCHOOL}" in index
    result = sphinx_build(hostile, "-W")
    assert result.returncode == 0, result.stdout + result.stderr
    page = (hostile / "_build/html/index.html").read_text("utf-8")
    body = page[page.index('<div class="body"') :]
    assert "<b>x</b>" not in body
    text = html.unescape(body)
    # the title (escaped RST) and the key facts (an option) show the name as given
    assert f"{HOSTILE_SCHOOL}: social media policy" in text
    assert text.count(HOSTILE_SCHOOL) >= 3
    tools = html.unescape((hostile / "_build/html/tools.html").read_text("utf-8"))
    assert "Parents' *group* `x` | [1]_ ::" in tools
    # the description is shown as text, never a directive or a live tag
    assert "- a list?" in tools and ".. raw:: html" in tools
    assert "<script>alert(1)</script>" in tools
    raw_tools = (hostile / "_build/html/tools.html").read_text("utf-8")
    assert "<script>alert(1)" not in raw_tools
    roles = html.unescape((hostile / "_build/html/roles.html").read_text("utf-8"))
    assert "Ms _A_ Patel :role:`x`" in roles
    assert ".. danger:: Mr J Owusu" in roles
    assert "- Mr R *Singh*" in roles


def test_hostile_titles_stay_text_in_the_still_to_supply_lists(tmp_path: Path):
    data = yaml.safe_load(MINIMAL.read_text("utf-8"))
    data["tools"][0]["title"] = "Parents' *group* `x` | [1]_ <b>"
    out = tmp_path / "policy"
    assert new(str(out), "--answers", str(write_answers(tmp_path, data)), "-y") == 0
    readme = (out / "README.md").read_text("utf-8")
    assert "Parents' \\*group\\* \\`x\\` \\| \\[1\\]\\_ \\<b\\>" in readme
    tree = publish_doctree(
        (out / "index.rst").read_text("utf-8"),
        settings_overrides={"report_level": 5, "smart_quotes": False},
    )
    assert "tool 'Parents' *group* `x` | [1]_ <b>'" in tree.astext()


@pytest.mark.parametrize(
    "text",
    [
        HOSTILE_SCHOOL,
        ".. danger:: x",
        "- item",
        "1. first",
        "#. auto",
        "a::",
        "trailing \\",
        "`literal` **bold** |sub| [1]_ _target name_ :role:`x` <http://x>",
        "====",
        "http://example.org/_x_",
    ],
)
def test_escape_round_trips_through_docutils(text: str):
    for source in (escape(text, start=True), "Prefix " + escape(text)):
        tree = publish_doctree(
            source, settings_overrides={"report_level": 5, "smart_quotes": False}
        )
        assert tree.astext().removeprefix("Prefix ") == " ".join(text.split())


def test_answers_are_flattened_to_one_line():
    answers = parse_answers(
        {
            "school": "Oak\nfield\r\n  School\u2028x",
            "tools": [{"platform": "blog", "title": "A\nB"}],
        }
    )
    assert answers.school == "Oak field School x"
    assert answers.tools[0].extra["title"] == "A B"
    with pytest.raises(AnswerError, match=r"people\.dsl: .* has a comma"):
        parse_answers({"people": {"dsl": "Owusu, J"}})


# --- questions, on a terminal or piped -----------------------------------------------


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_interactive_questions_ask_again_on_a_bad_answer(
    tmp_path: Path, capsys, monkeypatch
):
    lines = [
        "",  # school: needed
        "Oakfield Primary School",
        "primry",  # phase: not allowed
        "primary",
        "4-11",  # pupil ages: no default
        "UK",  # country: not ISO
        "",  # GB
        "oakfield.sch.uk",
        "Mrs S Green",
        "Owusu, J",  # owner: a comma
        "Ms A Patel",
        "Mr J Owusu",
        "Governing Board",  # no default
        "Mr R Singh",
        "Mr T Ahmed",  # the link governor
        "2026-13-01",  # not a real date
        "2026-09-01",
        "2026-09-02",
        "2026-09-15",
        "2026-10-01",
        "99",  # not a number in the list
        "facebook, learning-platform",
        "parents",
        "announcements",
        "Mrs K Brown",
        "Mrs K Brown, Ms A Patel",
        "2026-09-01",
        "blurred",  # pupil images: not a value
        "not-identifiable",
        "",  # lawful basis: public-task, as a suggestion
        "2026-08-20",  # the DPIA
        "pupils, parents",
        "showcase, discussion",
        "Ms A Patel",
        "Ms A Patel, Mrs S Green",
        "2026-09-01",
        "identifiable",
        "public-task",
        "2026-08-20",
        "2026-10-05",  # the last check of followers
        "2026-10-05",  # the last review of access
        "2026-07-14",  # the last review of filtering and monitoring
        "2026-10-05",  # the last audit of published images
        "",  # no consultation held
        "maybe",  # the review: not an answer
        "all",  # adopt the first suggestion and every one after it
        "Mrs S Green",
        "2026-09-01",
    ]
    monkeypatch.setattr(sys, "stdin", Terminal("\n".join(lines) + "\n"))
    out = tmp_path / "policy"
    assert new(str(out)) == 0
    said = capsys.readouterr().out
    assert said.count("Not accepted") == 7
    assert "'blurred' is not allowed" in said
    assert "An answer is needed here." in said
    assert "'primry' is not allowed (did you mean 'primary'?)" in said
    assert "UK" in said and "write GB" in said
    assert "[4-11]" not in said and "[Governing Board]" not in said  # no defaults
    assert "'maybe' is not an answer here" in said
    index = (out / "index.rst").read_text("utf-8")
    for line in (
        ":phase: primary",
        ":pupil-ages: 4-11",
        ":country: GB",
        ":approved-by: Governing Board",
        ":approved-on: 2026-09-01",
    ):
        assert line in index, line
    tools = (out / "tools.rst").read_text("utf-8")
    assert ":admins: Mrs K Brown, Ms A Patel" in tools
    assert ":approved-by: Mrs S Green (headteacher)" in tools
    found = items(out)
    assert found["TOOL_FACEBOOK_GROUP"]["options"]["pupil-images"] == "not-identifiable"
    assert found["TOOL_FACEBOOK_GROUP"]["options"]["lawful-basis"] == "public-task"
    assert found["TOOL_LEARNING_PLATFORM_CLASS"]["options"]["dpia-on"] == "2026-08-20"
    assert found["CTRL_FILTERING_MONITORING"]["options"]["owner"] == (
        "Mrs S Green (headteacher), Mr T Ahmed (governor)"
    )
    assert "CTRL_CONSULTATION" not in found  # none was said to be held
    adopted = suggestions(out)
    assert adopted and all(
        i["options"]["status"] == "adopted"
        and i["options"]["adopted-by"] == "Mrs S Green"
        and i["options"]["adopted-on"] == "2026-09-01"
        for i in adopted.values()
    )
    assert main(["check", str(out)]) == 0


def full_without_adoption(folder: Path) -> Path:
    data = full_answers()
    del data["adopt-suggestions"]
    return write_answers(folder, data)


def test_the_review_adopts_or_leaves_each_suggestion_as_answered(
    tmp_path: Path, capsys, monkeypatch
):
    lines = [
        "",  # the learning platform's owner, administrators, approval: blank
        "",
        "",
        "a",  # DOC_BEHAVIOUR: adopt
        "d",  # DOC_COMPLAINTS: leave as a draft
        "",  # DOC_CHILD_PROTECTION: blank, a draft
        "adopt",  # DOC_STAFF_CONDUCT
        "y",  # DOC_ACCEPTABLE_USE
        "yes",  # DOC_IMAGES
        "A",  # DOC_DATA_PROTECTION
        "a",  # DOC_MOBILE_PHONES
        "a",  # TOOL_FACEBOOK_GROUP
        "all",  # TOOL_LEARNING_PLATFORM_CLASS and every one after it: adopt
        "Mr J Owusu",
        "2026-09-05",
    ]
    # at a terminal, an answers file's gaps are asked for, then the review
    monkeypatch.setattr(sys, "stdin", Terminal("\n".join(lines) + "\n"))
    out = tmp_path / "policy"
    assert new(str(out), "--answers", str(full_without_adoption(tmp_path))) == 0
    said = capsys.readouterr().out
    assert "[1/" in said and "school document DOC_BEHAVIOUR in introduction.rst" in said
    # a tool's suggestions are shown before the question
    assert "tool TOOL_FACEBOOK_GROUP in tools.rst" in said
    assert "chosen by the wizard: account: group; membership: request" in said
    assert "[10/" in said and "[11/" not in said  # all: no more questions
    found = suggestions(out)
    drafts = {i for i, item in found.items() if item["options"]["status"] == "draft"}
    assert drafts == {"DOC_COMPLAINTS", "DOC_CHILD_PROTECTION"}
    for item_id, item in found.items():
        if item_id not in drafts:
            assert item["options"]["adopted-by"] == "Mr J Owusu", item_id
            assert item["options"]["adopted-on"] == "2026-09-05", item_id
        else:
            assert "adopted-by" not in item["options"], item_id
    assert f"Adopted {len(found) - 2} suggestion(s) (Mr J Owusu, 2026-09-05)" in said
    # "still to supply" names exactly the drafts, with their files
    index = (out / "index.rst").read_text("utf-8")
    readme = (out / "README.md").read_text("utf-8").replace("\\", "")
    printed = said[said.index("Still to supply") :]
    for text in (index.replace("\\", ""), readme, printed):
        assert "DOC_COMPLAINTS in introduction.rst" in text
        assert "DOC_CHILD_PROTECTION in introduction.rst" in text
        assert "DOC_BEHAVIOUR in introduction.rst" not in text
        assert "CTRL_PRIVACY in tools.rst" not in text
    code, report = check_json(out, capsys)
    assert code == 1
    pending = {f["item"] for f in report["findings"] if f["rule"] == "DRAFT_PENDING"}
    assert pending == drafts


@pytest.mark.parametrize(
    ("review", "said"),
    [
        (["none"], "Nothing adopted: every suggestion is written as a draft."),
        (["all", "", ""], "Nothing adopted: without a name and a date"),
        ([], None),  # the input ends: no review, all drafts
    ],
)
def test_the_review_without_a_decision_leaves_drafts(
    tmp_path: Path, capsys, monkeypatch, review: list[str], said: str | None
):
    lines = ["", "", "", *review]
    monkeypatch.setattr(sys, "stdin", Terminal("".join(f"{x}\n" for x in lines)))
    out = tmp_path / "policy"
    assert new(str(out), "--answers", str(full_without_adoption(tmp_path))) == 0
    printed = capsys.readouterr().out
    if said:
        assert said in printed
    else:  # one question, then no more
        assert "[1/" in printed and "[2/" not in printed
        assert "The input ended: every answer still to come is left blank." in printed
    found = suggestions(out)
    assert found and all(i["options"]["status"] == "draft" for i in found.values())
    assert not has_option(rst_text(out), "adopted-by")


def test_answers_file_adoption_skips_the_review(tmp_path: Path, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n\n\nnone\n"))
    out = tmp_path / "policy"
    assert new(str(out), "--answers", str(FULL)) == 0
    assert "[1/" not in capsys.readouterr().out
    assert all(i["options"]["status"] == "adopted" for i in suggestions(out).values())


def test_interactive_input_that_ends_early_is_exit_2(tmp_path: Path, capsys, monkeypatch):
    # the end of the input leaves the rest blank, but the tools must be answered
    monkeypatch.setattr(sys, "stdin", Terminal("Oakfield\n"))
    assert new(str(tmp_path / "policy")) == 2
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert err == (
        "error: the input ended before this was answered: Tools the school uses "
        "(numbers or IDs, comma-separated)"
    )
    assert "The input ended: every answer still to come is left blank." in captured.out
    assert not (tmp_path / "policy").exists()


def test_no_input_reads_nothing(tmp_path: Path, capsys, monkeypatch):
    stdin = io.StringIO("should not be read\n")
    monkeypatch.setattr(sys, "stdin", stdin)
    out = tmp_path / "p"
    assert new(str(out), "--school", "Oakfield", "--tool", "blog", "--no-input") == 0
    assert stdin.tell() == 0
    assert "Not accepted" not in capsys.readouterr().out
    assert ":school: Oakfield" in (out / "index.rst").read_text("utf-8")


PIPED = [
    "Oakfield Primary School",
    "primary",
    "",  # pupil ages: not known yet
    "GB",
    "oakfield.sch.uk",
    "Mrs S Green",
    "Ms A Patel",
    "Mr J Owusu",
    "",  # the approving body: not known yet
    "Mr R Singh",
    "",  # the link governor: not known yet
    "2026-09-01",
    "2026-09-02",
    "2026-09-15",
    "2026-10-01",
    "facebook",
    "parents",
    "announcements",
    "Mrs K Brown",
    "Mrs K Brown, Ms A Patel",
    "2026-09-01",
    # the input ends: the other dates and the review are left blank
]


@pytest.mark.slow
def test_answers_piped_on_standard_input(tmp_path: Path):
    """``printf '...' | sociallpolicy new DIR`` reads the answers line by line; the
    end of the input leaves the rest blank."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    out = tmp_path / "policy"
    result = subprocess.run(
        [*command(), "new", str(out)],
        input="\n".join(PIPED) + "\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # each answer is echoed after its question
    assert "School name: Oakfield Primary School\n" in result.stdout
    assert "  Member of staff who owns it: Mrs K Brown\n" in result.stdout
    assert "The input ended: every answer still to come is left blank." in result.stdout
    index = (out / "index.rst").read_text("utf-8")
    assert ":school: Oakfield Primary School" in index
    assert ":dsl: Mr J Owusu" in index and ":approved-on: 2026-09-01" in index
    assert ":pupil-ages:" not in index and ":approved-by:" not in index
    assert "Governing Board" not in rst_text(out)
    tools = (out / "tools.rst").read_text("utf-8")
    assert ":owner: Mrs K Brown" in tools
    assert ":approved-by: Mrs S Green (headteacher)" in tools
    assert ":last-done: 2026-09-02" in (out / "conduct.rst").read_text("utf-8")
    found = suggestions(out)
    assert found and all(i["options"]["status"] == "draft" for i in found.values())
    assert "(last-done: access-review)" in result.stdout
    assert "(people: governor), the owner of CTRL_FILTERING_MONITORING" in result.stdout
    assert "Facebook group for parents: the date of its data protection impact " in (
        result.stdout
    )
    # nothing at all: the school's name is needed
    result = subprocess.run(
        [*command(), "new", str(tmp_path / "empty")],
        input="",
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "error: the input ended before this was answered: School name"
    )


# --- refusing to overwrite, bad answers, help ----------------------------------------


def test_non_empty_folder_is_refused_unless_force(tmp_path: Path, capsys):
    out = tmp_path / "policy"
    out.mkdir()
    (out / "conf.py").write_text("# mine\n", encoding="utf-8")
    assert new(str(out), "--answers", str(MINIMAL), "-y") == 2
    err = capsys.readouterr().err.strip()
    assert err == (
        f"error: {out} is not empty; choose a new folder, or give --force to write "
        "into it and overwrite its files"
    )
    assert (out / "conf.py").read_text("utf-8") == "# mine\n"
    assert new(str(out), "--answers", str(MINIMAL), "--force", "-y") == 0
    assert "sphinxcontrib_sociallpolicy" in (out / "conf.py").read_text("utf-8")
    (out / "index.rst").write_text("changed\n", encoding="utf-8")
    assert new(str(out), "--answers", str(MINIMAL), "-y") == 2
    assert (out / "index.rst").read_text("utf-8") == "changed\n"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("scool: Oakfield\ntools: [blog]\n", "unknown key 'scool'; did you mean 'school'?"),
        (
            "school: Oakfield\ntools:\n  - platform: facebook\n    audience: [kids]\n",
            "tools[1].audience: 'kids' is not allowed; use one or more of parents,",
        ),
        (
            "school: Oakfield\ntools:\n  - platform: facebok\n",
            "tools[1].platform: 'facebok' is not a platform in the catalogue "
            "(did you mean 'facebook'?)",
        ),
        (
            "school: Oakfield\ntools:\n  - platform: facebook\n    visibilty: private\n",
            "tools[1]: unknown key 'visibilty'; did you mean 'visibility'?",
        ),
        (
            "school: Oakfield\ntools:\n  - platform: facebook\n    comments: of\n",
            "tools[1].comments: 'of' is not allowed (did you mean 'off'?)",
        ),
        (
            "school: Oakfield\ntools:\n  - platform: facebook\n    adopted-by: Me\n",
            "tools[1]: unknown key 'adopted-by'",
        ),
        ("school: Oakfield\napproved-on: 2026-02-30\ntools: [blog]\n", "approved-on: "),
        ("school: Oakfield\npupil-ages: 11-4\ntools: [blog]\n", "pupil-ages: '11-4' has"),
        ("school: [Oakfield\n", ": this is not valid YAML"),
        ("- just\n- a list\n", "is ['just', 'a list']; write a mapping of answers"),
        ("school: Oakfield\n", "no tools: give --tool PLATFORM"),
        ("tools: [blog]\n", "no school name"),
        (
            "school: Oakfield\npeople: {dsl: Mr J Owusu, headteachr: Mrs S Green}\n"
            "tools: [blog]\n",
            "people: unknown key 'headteachr'; did you mean 'headteacher'?",
        ),
        (
            "school: Oakfield\nlast-done: {acess-review: 2026-10-01}\ntools: [blog]\n",
            "last-done: unknown key 'acess-review'; did you mean 'access-review'?",
        ),
        (
            "school: Oakfield\nadopt-suggestions: yes\ntools: [blog]\n",
            "adopt-suggestions: is 'yes'; write a mapping, e.g. {by: Mrs S Green, on: ",
        ),
        (
            "school: Oakfield\nadopt-suggestions: {by: Mrs S Green}\ntools: [blog]\n",
            "adopt-suggestions.on: is missing; write the date they are adopted",
        ),
        (
            "school: Oakfield\nadopt-suggestions: {on: 2026-09-01}\ntools: [blog]\n",
            "adopt-suggestions.by: is missing; write who adopts the suggestions",
        ),
        (
            "school: Oakfield\nadopt-suggestions: {by: '', on: 2026-09-01}\n"
            "tools: [blog]\n",
            "adopt-suggestions.by: is empty",
        ),
        (
            "school: Oakfield\nadopt-suggestions: {by: 'Green, S', on: 2026-09-01}\n"
            "tools: [blog]\n",
            "adopt-suggestions.by: 'Green, S' has a comma",
        ),
        (
            "school: Oakfield\nadopt-suggestions: {by: Mrs S Green, on: 2026-02-30}\n"
            "tools: [blog]\n",
            "adopt-suggestions.on: '2026-02-30'",
        ),
        (
            "school: Oakfield\nadopt-suggestions: {by: Mrs S Green, on: 1 September}\n"
            "tools: [blog]\n",
            "adopt-suggestions.on: '1 September'",
        ),
        (
            "school: Oakfield\nadopt-suggestions: {bye: Mrs S Green, on: 2026-09-01}\n"
            "tools: [blog]\n",
            "adopt-suggestions: unknown key 'bye'; did you mean 'by'?",
        ),
    ],
)
def test_bad_answers_file_is_exit_2_one_line(
    tmp_path: Path, capsys, content: str, expected: str
):
    answers = tmp_path / "answers.yaml"
    answers.write_text(content, encoding="utf-8")
    assert new(str(tmp_path / "policy"), "--answers", str(answers), "--no-input") == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "\n" not in err and "Traceback" not in err
    assert expected in err
    assert not (tmp_path / "policy").exists()


def test_bad_flag_and_missing_file_are_exit_2(tmp_path: Path, capsys):
    assert new(str(tmp_path / "p"), "--school", "X", "--tool", "facebook:kids") == 2
    assert "--tool: 'kids' is not allowed" in capsys.readouterr().err
    assert new(str(tmp_path / "p"), "--answers", str(tmp_path / "none.yaml")) == 2
    assert "cannot read the answers file" in capsys.readouterr().err


def test_help(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["new", "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: sociallpolicy new")
    for flag in (
        "--answers",
        "--force",
        "--no-input",
        "--yes",
        "--school",
        "--tool",
        "--tool-fact",
        "--governor",
        "--last-filtering-monitoring-review",
        "--last-image-audit",
    ):
        assert flag in out


@pytest.mark.slow
def test_installed_command(tmp_path: Path):
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    out = tmp_path / "policy"
    result = subprocess.run(
        [*command(), "new", str(out), "--answers", str(FULL)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Wrote the policy of Oakfield Primary School" in result.stdout
    result = subprocess.run(
        [sys.executable, "-m", "sphinxcontrib_sociallpolicy.cli", "check", str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "PASSED" in result.stdout


def test_one_pack_only_links_only_its_requirements(tmp_path: Path, capsys):
    data = full_answers()
    data["guidance"] = ["kent-2010"]
    out = tmp_path / "policy"
    assert new(str(out), "--answers", str(write_answers(tmp_path, data)), "-y") == 0
    conduct = (out / "conduct.rst").read_text("utf-8")
    assert "ACC_SECURITY" not in conduct  # a uk-online-safety rule: not linked
    introduction = (out / "introduction.rst").read_text("utf-8")
    assert "IMG_CONSENT_NO_ID" not in introduction  # nor in a document's :covers:
    # what only uk-online-safety asks for is not written
    assert "DOC_MOBILE_PHONES" not in items(out)
    assert "CTRL_FILTERING_MONITORING" not in items(out)
    assert "sm_guidance = ['kent-2010']" in (out / "conf.py").read_text("utf-8")
    code, report = check_json(out, capsys)
    assert code == 0 and report["input_errors"] == []


def test_an_answers_file_with_piped_input_reads_nothing(tmp_path: Path, monkeypatch):
    # a CI job running `new --answers FILE` whose standard input is an open pipe
    stdin = io.StringIO("Another school\n")
    monkeypatch.setattr(sys, "stdin", stdin)
    out = tmp_path / "p"
    assert new(str(out), "--answers", str(FULL)) == 0
    assert stdin.tell() == 0
    assert "Another school" not in (out / "index.rst").read_text("utf-8")


def test_the_readme_and_workflow_install_what_can_be_installed(tmp_path: Path):
    # the package is not on the package index yet: the generated project says how
    # to install it, and its workflow takes where to install it from
    out = tmp_path / "p"
    assert new(str(out), "--answers", str(FULL), "-y") == 0
    readme = (out / "README.md").read_text("utf-8")
    assert "It is not on the Python\nPackage Index yet" in readme
    assert "\npip install sphinxcontrib-sociallpolicy\n" not in readme
    workflow = yaml.safe_load((out / ".github" / "workflows" / "policy.yml").read_text())
    install = workflow["jobs"]["check"]["steps"][2]
    assert (
        install["run"]
        == 'pip install "${SOCIALLPOLICY_PACKAGE:-sphinxcontrib-sociallpolicy}"'
    )
    assert install["env"] == {"SOCIALLPOLICY_PACKAGE": "${{ vars.SOCIALLPOLICY_PACKAGE }}"}
