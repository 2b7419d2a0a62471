"""``sociallpolicy new``: the generated project builds, passes or reports honestly,
keeps hostile answers as text, asks again on a bad answer, and never overwrites.

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
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from docutils.core import publish_doctree

from sphinxcontrib_sociallpolicy.cli import main
from sphinxcontrib_sociallpolicy.cli.wizard.answers import AnswerError, parse_answers
from sphinxcontrib_sociallpolicy.cli.wizard.rst import escape

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


@pytest.fixture(scope="module")
def full(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("full") / "policy"
    assert new(str(out), "--answers", str(FULL)) == 0
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
    assert new(str(out), "--answers", str(write_answers(base, data))) == 0
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
    assert "Still to supply" not in index
    conf = (full / "conf.py").read_text("utf-8")
    assert "sm_guidance = ['kent-2010', 'uk-online-safety']" in conf
    assert "sphinxcontrib_sociallpolicy" in conf
    workflow = (full / ".github/workflows/policy.yml").read_text("utf-8")
    assert "sociallpolicy check --format github" in workflow
    readme = (full / "README.md").read_text("utf-8")
    assert "sphinx-build -W -b html . _build/html" in readme
    assert "sociallpolicy check ." in readme
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
    ):
        assert line in facebook, line
    # the reasons are written where the school sees them
    assert "Facebook lets the school approve who joins or follows" in tools
    learning = tools[tools.index(":id: TOOL_LEARNING_PLATFORM_CLASS") :]
    assert ":membership: school-accounts" in learning
    assert ":owner: Ms A Patel" in learning  # the online-safety lead, said so
    risks = (full / "risks.rst").read_text("utf-8")
    assert ":affects: TOOL_FACEBOOK_GROUP" in risks
    assert ":assessed-by: Mrs K Brown, Mr R Singh" in risks
    assert ":assessed-on: 2026-09-01" in risks
    conduct = (full / "conduct.rst").read_text("utf-8")
    assert ":last-done: 2026-09-02" in conduct
    assert ":satisfies: CON_NO_PERSONAL_CONTACT, CON_NO_PERSONAL_FRIENDING" in conduct
    assert "pupils" in conduct and "students" not in conduct


def test_full_answers_pass_check(full: Path, capsys):
    assert main(["check", str(full)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1].endswith("PASSED: no open finding at 'must' or above.")


@pytest.mark.slow
def test_full_answers_build_with_w(full: Path):
    result = sphinx_build(full, "-W")
    assert result.returncode == 0, result.stdout + result.stderr
    body = (full / "_build/html/tools.html").read_text("utf-8")
    assert "TOOL_FACEBOOK_GROUP" in body


# --- minimal answers: builds, and reports every missing fact ---------------------


def test_minimal_answers_invent_nothing(minimal: Path):
    text = "".join(p.read_text("utf-8") for p in minimal.glob("*.rst"))
    for option in (
        ":owner:",
        ":admins:",
        ":approved-on:",
        ":approved-by:",
        ":assessed-by:",
        ":assessed-on:",
        ":last-done:",
        ":dsl:",
        ":contact-email:",
        ":next-review:",
        ":pupil-ages:",
    ):
        assert option not in text, option
    index = (minimal / "index.rst").read_text("utf-8")
    assert "Still to supply" in index
    assert "the date the policy was approved (approved-on)" in index


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
        ("GOV_SLT_APPROVAL", "TOOL_FACEBOOK_GROUP"),
        ("GOV_RISK_ASSESSED", "TOOL_FACEBOOK_GROUP"),
        ("ACC_NAMED_OWNER", "TOOL_FACEBOOK_GROUP"),
        ("ACC_SCHOOL_EMAIL", "TOOL_FACEBOOK_GROUP"),
        ("MOD_RESPONSIBILITY", "TOOL_LEARNING_PLATFORM_CLASS"),
        ("GOV_AUDIENCE", "TOOL_LEARNING_PLATFORM_CLASS"),
    ):
        assert expected in found, expected
    # each says what to supply
    messages = {f["rule"]: f["message"] for f in report["findings"]}
    assert ":approved-on:" in messages["GOV_SLT_APPROVAL"]
    assert ":dsl:" in messages["ESC_DSL_ROUTE"]


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
    assert new(str(out), "--answers", str(write_answers(tmp_path, data))) == 0
    tools = (out / "tools.rst").read_text("utf-8")
    assert ":platform: instagram" in tools
    assert ":audience: pupils, parents" in tools
    assert ":comments: off" in tools  # no membership control: broadcast only
    assert "AGE\\_MIN\\_AGE" in tools or "``AGE_MIN_AGE``" in tools
    code, report = check_json(out, capsys)
    assert code == 1
    assert ("AGE_MIN_AGE", "TOOL_INSTAGRAM_PAGE") in open_rules(report)


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


def test_flags_override_the_answers_file(tmp_path: Path):
    out = tmp_path / "policy"
    assert new(str(out), "--answers", str(FULL), "--school", "Other School", "-y") == 0
    assert ":school: Other School" in (out / "index.rst").read_text("utf-8")


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


# --- questions ---------------------------------------------------------------------


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
        "",  # pupil ages: the default for the phase, 4-11
        "UK",  # country: not ISO
        "",  # GB
        "oakfield.sch.uk",
        "Mrs S Green",
        "Owusu, J",  # owner: a comma
        "Ms A Patel",
        "Mr J Owusu",
        "",  # governing body: default Governing Board
        "Mr R Singh",
        "2026-13-01",  # not a real date
        "2026-09-01",
        "2026-09-02",
        "2026-09-15",
        "2026-10-01",
        "99",  # not a number in the list
        "facebook, learning-platform",
        "",  # facebook audience: default parents
        "",  # purpose: default announcements
        "Mrs K Brown",
        "",  # admins: Mrs K Brown, Ms A Patel
        "",  # approved: the policy's date
        "pupils, parents",
        "showcase, discussion",
        "",  # owner: the online-safety lead
        "",
        "",
    ]
    monkeypatch.setattr(sys, "stdin", Terminal("\n".join(lines) + "\n"))
    out = tmp_path / "policy"
    assert new(str(out)) == 0
    said = capsys.readouterr().out
    assert said.count("Not accepted") == 5
    assert "An answer is needed here." in said
    assert "'primry' is not allowed (did you mean 'primary'?)" in said
    assert "UK" in said and "write GB" in said
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
    assert main(["check", str(out)]) == 0


def test_interactive_input_that_ends_early_is_exit_2(tmp_path: Path, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", Terminal("Oakfield\n"))
    assert new(str(tmp_path / "policy")) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: the input ended before this was answered")
    assert "\n" not in err
    assert not (tmp_path / "policy").exists()


def test_no_prompt_when_stdin_is_not_a_terminal(tmp_path: Path, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("should not be read\n"))
    assert new(str(tmp_path / "p"), "--school", "Oakfield", "--tool", "blog") == 0
    assert "Not accepted" not in capsys.readouterr().out


# --- refusing to overwrite, bad answers, help ----------------------------------------


def test_non_empty_folder_is_refused_unless_force(tmp_path: Path, capsys):
    out = tmp_path / "policy"
    out.mkdir()
    (out / "conf.py").write_text("# mine\n", encoding="utf-8")
    assert new(str(out), "--answers", str(MINIMAL)) == 2
    err = capsys.readouterr().err.strip()
    assert err == (
        f"error: {out} is not empty; choose a new folder, or give --force to write "
        "into it and overwrite its files"
    )
    assert (out / "conf.py").read_text("utf-8") == "# mine\n"
    assert new(str(out), "--answers", str(MINIMAL), "--force") == 0
    assert "sphinxcontrib_sociallpolicy" in (out / "conf.py").read_text("utf-8")
    (out / "index.rst").write_text("changed\n", encoding="utf-8")
    assert new(str(out), "--answers", str(MINIMAL)) == 2
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
        ("school: Oakfield\napproved-on: 2026-02-30\ntools: [blog]\n", "approved-on: "),
        ("school: Oakfield\npupil-ages: 11-4\ntools: [blog]\n", "pupil-ages: '11-4' has"),
        ("school: [Oakfield\n", "not valid YAML at line"),
        ("- just\n- a list\n", "is ['just', 'a list']; write a mapping of answers"),
        ("school: Oakfield\n", "no tools: give --tool PLATFORM"),
        ("tools: [blog]\n", "no school name"),
        (
            "school: Oakfield\npeople: {dsl: Mr J Owusu, headteachr: Mrs S Green}\n"
            "tools: [blog]\n",
            "people: unknown key 'headteachr'; did you mean 'headteacher'?",
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
    for flag in ("--answers", "--force", "--no-input", "--yes", "--school", "--tool"):
        assert flag in out


@pytest.mark.slow
def test_installed_command(tmp_path: Path):
    exe = shutil.which("sociallpolicy") or (
        str(Path(sys.executable).parent / "sociallpolicy")
        if (Path(sys.executable).parent / "sociallpolicy").exists()
        else None
    )
    command = [exe] if exe else [sys.executable, "-m", "sphinxcontrib_sociallpolicy.cli"]
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    out = tmp_path / "policy"
    result = subprocess.run(
        [*command, "new", str(out), "--answers", str(FULL)],
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
    assert new(str(out), "--answers", str(write_answers(tmp_path, data))) == 0
    conduct = (out / "conduct.rst").read_text("utf-8")
    assert "ACC_SECURITY" not in conduct  # a uk-online-safety rule: not linked
    assert "sm_guidance = ['kent-2010']" in (out / "conf.py").read_text("utf-8")
    code, report = check_json(out, capsys)
    assert code == 0 and report["input_errors"] == []
