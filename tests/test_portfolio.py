"""``sociallpolicy portfolio``: many schools checked together (issue 13, parts 2 and
3). Three small schools under ``tests/roots/test-portfolio/``: ``pass`` (every
requirement met), ``findings`` (open findings, a waiver, an overdue review, a
draft, guidance changed since approval) and ``error`` (an option with a value that
is not allowed: an input error). The check date is fixed with
``SOURCE_DATE_EPOCH`` (2026-11-24); the schools' ``sm_today`` fix their own."""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

import pytest
from sm_testing import ROOTS

from sphinxcontrib_sociallpolicy.cli import main
from sphinxcontrib_sociallpolicy.portfolio.run import Target, in_shard, parse_shard, slug

#: 2026-11-24T00:00:00Z
EPOCH = "1795478400"
SCHOOLS = ("schools/error", "schools/findings", "schools/pass")
#: the dashboard (index.html) is written when the installation has it
DASHBOARD = importlib.util.find_spec("sphinxcontrib_sociallpolicy.portfolio.dashboard")
FILES = ("portfolio.json", "portfolio.csv", *(("index.html",) if DASHBOARD else ()))


@pytest.fixture
def trust(tmp_path: Path, monkeypatch) -> Path:
    """A trust's folder with the three schools in ``schools/``, as the current
    folder."""
    shutil.copytree(ROOTS / "test-portfolio", tmp_path / "schools")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    return tmp_path


def normalised(text: str) -> str:
    """portfolio.json with the content hashes (which change with every edit of the
    extension's files) replaced by ``KEY``."""
    data = json.loads(text)
    for school in data["schools"]:
        if school["key"]:
            school["key"] = "KEY"
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["portfolio", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def school_lines(out: str) -> dict[str, str]:
    """The text output's first line of each school, by project."""
    lines = {}
    for line in out.splitlines():
        status, _, rest = line.partition(" ")
        if status in ("pass", "findings", "error"):
            lines[rest.strip().split(" ")[0].rstrip(":")] = line
    return lines


def test_outputs_exit_and_content(trust: Path, capsys, file_regression):
    code, out, err = run(capsys, "schools")
    assert code == 2  # one school has an input error
    output = trust / "portfolio"
    file_regression.check(
        normalised((output / "portfolio.json").read_text(encoding="utf-8")),
        extension=".json",
        basename="portfolio",
    )
    raw = (output / "portfolio.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 with a byte-order mark
    file_regression.check(
        raw.decode("utf-8-sig"), extension=".csv", basename="portfolio", newline="\n"
    )
    # each school's built policy, linked from the record
    data = json.loads((output / "portfolio.json").read_text(encoding="utf-8"))
    assert [s["project"] for s in data["schools"]] == list(SCHOOLS)
    for school in data["schools"]:
        assert school["html"] == f"schools/{slug(school['project'])}/index.html"
        assert (output / school["html"]).is_file()
    assert (output / "index.html").is_file() == bool(DASHBOARD)
    # text: one line per school, its input errors at file:line, then the summary
    lines = out.splitlines()
    assert lines[0] == (
        "error    schools/error (Birchwood Primary School): 1 open finding (0 must, 1 "
        "should, 0 may); 1 input error; 3 due within 90 days"
    )
    assert lines[1] == (
        "         schools/error/tools.rst:27: sm-tool TOOL_LEARNING_PLATFORM: :comments: "
        "'maybe' is not an allowed value; allowed: one of off, premoderated, "
        "postmoderated, open [option]"
    )
    assert lines[2].startswith("findings schools/findings (Ashfield Primary School): ")
    assert lines[3] == (
        "pass     schools/pass (Oakfield Primary School): no open finding; 3 due within "
        "90 days"
    )
    assert lines[-2] == (
        "3 schools checked on 2026-11-24: 1 pass, 1 with findings, 1 with input errors; "
        "3 checked, 0 from the cache."
    )
    assert lines[-1] == "FAILED: some schools have input errors to fix first."
    assert "Traceback" not in out + err


def test_exit_codes(trust: Path, capsys):
    # a shared cache: each school is built once over the three runs
    options = ["--no-html", "--cache", "cache"]
    assert run(capsys, "schools/pass", *options)[0] == 0
    assert run(capsys, "schools/pass", "schools/findings", *options)[0] == 1
    assert run(capsys, "schools", *options)[0] == 2


def test_formats_print_the_files(trust: Path, capsys):
    code, out, _ = run(capsys, "schools/pass", "--no-html", "--format", "json")
    assert code == 0
    assert out == (trust / "portfolio" / "portfolio.json").read_text(encoding="utf-8")
    code, out, _ = run(capsys, "schools/pass", "--no-html", "--format", "csv")
    assert out == (trust / "portfolio" / "portfolio.csv").read_text(encoding="utf-8-sig")
    data = json.loads((trust / "portfolio" / "portfolio.json").read_text())
    assert data["schools"][0]["html"] is None  # --no-html


def test_shards_merged_equal_an_unsharded_run_in_parallel(trust: Path, capsys):
    """Two shards (each with its own output, as on two CI runners) merged give the
    files of one run with -j 2; and -j 2 gives what -j 1 gives
    (test_outputs_exit_and_content's regression file)."""
    assert run(capsys, "schools", "-j", "2", "--no-cache", "--output", "all")[0] == 2
    all_json = (trust / "all" / "portfolio.json").read_text(encoding="utf-8")
    expected = Path(__file__).with_suffix("") / "portfolio.json"
    assert normalised(all_json) == expected.read_text(encoding="utf-8")
    for k in (1, 2):
        code, _, _ = run(
            capsys, "schools", "--shard", f"{k}/2", "--no-cache", "--output", f"shard-{k}"
        )
        shard = json.loads((trust / f"shard-{k}" / "portfolio.json").read_text())
        assert shard["shard"] == f"{k}/2"
        # positions 0 and 2 in the first shard, position 1 in the second
        expected_projects = [SCHOOLS[0], SCHOOLS[2]] if k == 1 else [SCHOOLS[1]]
        assert [s["project"] for s in shard["schools"]] == expected_projects
        assert code == (2 if k == 1 else 1)
    code, out, err = run(
        capsys,
        "merge",
        "shard-2/portfolio.json",
        "shard-1/portfolio.json",
        "--output",
        "merged",
    )
    assert code == 2, err
    for name in FILES:
        assert (trust / "merged" / name).read_bytes() == (trust / "all" / name).read_bytes()
    merged = json.loads(all_json)
    for school in merged["schools"]:  # the policies are copied beside the merge
        assert (trust / "merged" / school["html"]).is_file()
    assert out.splitlines()[-1] == "FAILED: some schools have input errors to fix first."


def test_cache_skips_unchanged_schools_and_rechecks_a_changed_one(trust: Path, capsys):
    options = ["schools", "--no-html", "--cache", "cache"]
    code, out, _ = run(capsys, *options)
    first = (trust / "portfolio" / "portfolio.json").read_text(encoding="utf-8")
    assert "3 checked, 0 from the cache." in out
    code, out, _ = run(capsys, *options)
    assert code == 2
    assert "0 checked, 3 from the cache." in out
    assert all(line.endswith("(from the cache)") for line in school_lines(out).values())
    # what comes from the cache is what the check gave
    assert (trust / "portfolio" / "portfolio.json").read_text(encoding="utf-8") == first
    # one school changes: only it is checked again
    tools = trust / "schools" / "findings" / "tools.rst"
    tools.write_text(
        tools.read_text().replace(":comments: open", ":comments: premoderated", 1)
    )
    code, out, _ = run(capsys, *options)
    lines = school_lines(out)
    assert not lines["schools/findings"].endswith("(from the cache)")
    assert lines["schools/pass"].endswith("(from the cache)")
    assert lines["schools/error"].endswith("(from the cache)")
    assert "1 checked, 2 from the cache." in out
    data = json.loads((trust / "portfolio" / "portfolio.json").read_text())
    findings = next(s for s in data["schools"] if s["project"] == "schools/findings")
    assert "MOD_PREMODERATION" not in findings["by_rule"]  # the change was seen
    # a damaged cache entry is checked again, not an error
    for entry in (trust / "cache").glob("*.json"):
        entry.write_text("{not json", encoding="utf-8")
    code, out, err = run(capsys, *options)
    assert code == 2
    assert "3 checked, 0 from the cache." in out
    assert (trust / "portfolio" / "portfolio.json").read_text(encoding="utf-8") != first


def test_cache_rebuilds_html_that_is_not_in_the_output(trust: Path, capsys):
    options = ["schools/pass", "--cache", "cache"]
    run(capsys, *options)
    code, out, _ = run(capsys, *options)
    assert "0 checked, 1 from the cache." in out
    shutil.rmtree(trust / "portfolio")
    code, out, _ = run(capsys, *options)
    assert "1 checked, 0 from the cache." in out
    data = json.loads((trust / "portfolio" / "portfolio.json").read_text())
    assert (trust / "portfolio" / data["schools"][0]["html"]).is_file()


def test_cache_sees_a_change_outside_the_project(trust: Path, capsys):
    """A pack the school names by a path outside its folder (a trust's own pack) is
    part of its key."""
    pack = trust / "trust-pack.yaml"
    shutil.copy(ROOTS.parent.parent / "docs" / "howto" / "trust-pack.yaml", pack)
    conf = trust / "schools" / "pass" / "conf.py"
    conf.write_text(conf.read_text() + 'sm_guidance.append("../../trust-pack.yaml")\n')
    options = ["schools/pass", "--no-html", "--cache", "cache"]
    run(capsys, *options)
    assert "0 checked, 1 from the cache." in run(capsys, *options)[1]
    pack.write_text(pack.read_text() + "\n# edited\n")
    assert "1 checked, 0 from the cache." in run(capsys, *options)[1]


def test_a_base_edit_rechecks_the_schools_on_that_base(trust: Path, capsys):
    """Two schools made on the example trust base, and one without a base: an edit
    of a base chapter checks again the two, and only them."""
    shutil.copytree(ROOTS.parent.parent / "examples" / "trust-base", trust / "base")
    (trust / "answers.yaml").write_text(
        "school: Elm Primary School\nphase: primary\npupil-ages: 4-11\ntools:\n"
        "  - platform: facebook\n    audience: [parents]\n"
        "    purpose: [announcements]\n"
    )
    for name in ("elm", "yew"):
        new = ["new", f"schools/{name}", "--base", "base", "--answers", "answers.yaml"]
        assert main([*new, "--no-input"]) == 0
    capsys.readouterr()
    options = ["schools/elm", "schools/yew", "schools/pass", "--no-html", "--cache", "c"]
    run(capsys, *options)
    data = json.loads((trust / "portfolio" / "portfolio.json").read_text())
    assert [s["base"] for s in data["schools"]] == ["../../base", None, "../../base"]
    assert "0 checked, 3 from the cache." in run(capsys, *options)[1]
    chapter = next((trust / "base" / "shared").glob("*.rst"))
    chapter.write_text(chapter.read_text() + "\n")
    lines = school_lines(run(capsys, *options)[1])
    assert not lines["schools/elm"].endswith("(from the cache)")
    assert not lines["schools/yew"].endswith("(from the cache)")
    assert lines["schools/pass"].endswith("(from the cache)")


def test_a_broken_school_does_not_stop_the_others(trust: Path, capsys):
    schools = trust / "schools"
    for name in ("raises", "exits", "ends-python"):
        (schools / name).mkdir()
        shutil.copy(schools / "pass" / "index.rst", schools / name)
    (schools / "raises" / "conf.py").write_text(
        'extensions = ["sphinxcontrib_sociallpolicy"]\n\nrate = 1 / 0\n'
    )
    (schools / "exits" / "conf.py").write_text("import sys\n\nsys.exit(3)\n")
    (schools / "ends-python" / "conf.py").write_text("import os\n\nos._exit(9)\n")
    shutil.rmtree(schools / "error")
    code, out, err = run(capsys, "schools", "missing", "-j", "2", "--no-html", "--no-cache")
    assert code == 2
    assert "Traceback" not in out + err
    data = json.loads((trust / "portfolio" / "portfolio.json").read_text())
    by_project = {s["project"]: s for s in data["schools"]}
    assert by_project["schools/pass"]["status"] == "pass"
    assert by_project["schools/findings"]["status"] == "findings"
    raises = by_project["schools/raises"]
    assert raises["status"] == "error"
    assert [(e["path"], e["line"], e["kind"]) for e in raises["input_errors"]] == [
        ("conf.py", 3, "build")
    ]
    assert "ZeroDivisionError: division by zero" in raises["input_errors"][0]["message"]
    exits = by_project["schools/exits"]["input_errors"]
    assert [(e["path"], e["line"]) for e in exits] == [("conf.py", 3)]
    assert "sys.exit()" in exits[0]["message"]
    ended = by_project["schools/ends-python"]["input_errors"]
    assert "ended its process" in ended[0]["message"]
    assert by_project["missing"]["input_errors"][0]["message"] == (
        "the folder missing does not exist; check its name"
    )
    lines = out.splitlines()
    assert (
        "         schools/raises/conf.py:3: the project does not build: There is a "
        "programmable error in your configuration file: ZeroDivisionError: division by "
        "zero. Fix it, then `sociallpolicy check schools/raises` shows the policy's "
        "findings [build]"
    ) in lines


def test_shard_split():
    targets = [Target(f"s{i}", None) for i in range(7)]
    assert [t.project for t in in_shard(targets, (1, 3))] == ["s0", "s3", "s6"]
    assert [t.project for t in in_shard(targets, (3, 3))] == ["s2", "s5"]
    parts = [in_shard(targets, (k, 3)) for k in (1, 2, 3)]
    assert sorted(t.project for part in parts for t in part) == [t.project for t in targets]
    assert parse_shard("2/4") == (2, 4)
    for bad in ("0/4", "5/4", "2", "a/b", "1/0"):
        with pytest.raises(ValueError):
            parse_shard(bad)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["schools", "--shard", "5/4"], "--shard 5/4: K must be from 1 to N (here 1 to 4)"),
        (["schools", "-j", "0"], "-j 0: give how many schools to check at a time"),
        (["merge", "a.json"], "portfolio merge: give the folder to write the merged"),
        (["merge", "--output", "m"], "portfolio merge: give the shards' portfolio.json"),
        (["merge", "a.json", "--output", "m", "-j", "2"], "-j is for checking schools"),
    ],
)
def test_usage_errors(trust: Path, capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert message in err
    assert "Traceback" not in err


def _shard_file(folder: Path, shard: str | None, projects: list[str], **extra) -> str:
    data = {
        "format": 1,
        "generated": "2026-11-24T00:00:00+00:00",
        "tool": "sphinxcontrib-sociallpolicy 0.2.0",
        "checked_on": "2026-11-24",
        "shard": shard,
        "exit": 0,
        "summary": {},
        "requirements": [],
        "schools": [
            {
                "project": p,
                "school": None,
                "status": "pass",
                "open": {"must": 0, "should": 0, "may": 0},
                "results": {},
                "html": None,
            }
            for p in projects
        ],
    }
    data.update(extra)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "portfolio.json").write_text(json.dumps(data))
    return str(folder / "portfolio.json")


@pytest.mark.parametrize(
    ("second", "message"),
    [
        ({"projects": ["a"]}, "the school a is in both"),
        ({"format": 99}, "is of portfolio format 99; this version"),
        ({"checked_on": "2026-11-25"}, "the files were checked on different dates"),
        ({"shard": "2/3"}, "the files are shards of different splits (of 2, of 3)"),
        ({"shard": "1/2"}, "shard 1/2 is given twice"),
    ],
)
def test_merge_refuses_what_does_not_belong_together(trust: Path, capsys, second, message):
    first = _shard_file(trust / "one", "1/2", ["a"])
    options = dict(second)
    projects = options.pop("projects", ["b"])
    shard = options.pop("shard", "2/2")
    other = _shard_file(trust / "two", shard, projects, **options)
    code, out, err = run(capsys, "merge", first, other, "--output", "merged")
    assert code == 2
    assert message in err, err
    assert not (trust / "merged" / "portfolio.json").exists()


def test_merge_refuses_a_missing_shard(trust: Path, capsys):
    first = _shard_file(trust / "one", "1/3", ["a"])
    third = _shard_file(trust / "three", "3/3", ["c"])
    code, _, err = run(capsys, "merge", first, third, "--output", "merged")
    assert code == 2
    assert "shard 2/3 is missing; give every shard's portfolio.json" in err


def test_merge_refuses_a_file_that_is_not_a_portfolio(trust: Path, capsys):
    (trust / "notes.json").write_text("[1, 2]")
    code, _, err = run(capsys, "merge", "notes.json", "--output", "merged")
    assert code == 2
    assert "notes.json is not a portfolio.json file" in err
    code, _, err = run(capsys, "merge", "gone.json", "--output", "merged")
    assert "gone.json does not exist" in err


def test_merge_refuses_a_damaged_file_naming_the_value(trust: Path, capsys):
    data = json.loads(
        (Path(__file__).parent / "test_portfolio" / "portfolio.json").read_text()
    )
    data["checked_on"] = []
    data["schools"][1]["due"][0]["days"] = "3"
    (trust / "damaged.json").write_text(json.dumps(data))
    code, _, err = run(capsys, "merge", "damaged.json", "--output", "merged")
    assert code == 2
    assert "damaged.json is damaged: checked_on is a list, not text" in err
    assert "Traceback" not in err
    data["checked_on"] = "2026-11-24"
    (trust / "damaged.json").write_text(json.dumps(data))
    code, _, err = run(capsys, "merge", "damaged.json", "--output", "merged")
    assert "is damaged: schools[1].due[0].days is text, not a whole number" in err


def test_due_dates_are_those_the_rules_date():
    """Training, audits and reviews fall due by their frequency; a moderation
    setting's :last-done: is a record, not a due date (else a passing school would
    show as 'overdue'); drafts count for nothing."""
    import datetime as dt

    from sphinxcontrib_sociallpolicy.model import Item, Policy
    from sphinxcontrib_sociallpolicy.portfolio.record import due_dates

    def control(item_id: str, kind: str, frequency: str, last: str, **extra) -> Item:
        fields = {"kind": kind, "frequency": frequency, "last-done": last}
        return Item(id=item_id, kind="control", title=item_id, fields=fields, **extra)

    policy = Policy.from_items(
        [
            control("CTRL_TRAINING", "staff-training", "annual", "2025-11-01"),
            control("CTRL_MODERATION", "comment-premoderation", "daily", "2026-11-01"),
            control("CTRL_AUDIT", "follower-audit", "termly", "2026-10-01"),
            control("CTRL_DRAFT", "image-audit", "annual", "2025-01-01", status="draft"),
        ]
    )
    due = due_dates(policy, dt.date(2026, 12, 2))
    assert [(d["item"], d["due"], d["days"]) for d in due] == [
        ("CTRL_TRAINING", "2026-11-02", -30),
        ("CTRL_AUDIT", "2027-01-31", 60),
    ]


def test_the_workflow_template_runs_commands_that_exist():
    """The GitHub Actions template of the how-to: valid YAML, and each
    ``sociallpolicy portfolio`` line is a command line the parser accepts."""
    import re
    import shlex

    import yaml

    from sphinxcontrib_sociallpolicy.cli import build_parser

    path = Path(__file__).parent.parent / "docs" / "howto" / "portfolio-workflow.yml"
    workflow = yaml.safe_load(path.read_text("utf-8"))
    runs = [
        step["run"]
        for job in workflow["jobs"].values()
        for step in job["steps"]
        if step.get("run", "").startswith("sociallpolicy ")
    ]
    assert len(runs) == 2
    for run_line in runs:
        command = re.sub(r"\$\{\{ matrix.shard \}\}", "1", run_line.split("||")[0])
        argv = shlex.split(command)
        assert argv[0] == "sociallpolicy"
        args = build_parser().parse_args(argv[1:])
        assert args.command == "portfolio"
