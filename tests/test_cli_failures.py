"""``sociallpolicy`` never answers bad input with a traceback (issue 14).

Each class of failure a school's staff can run into - an output path that cannot be
written, a number or a date out of range, a project folder that cannot be made, a
link (symlink) in the way, a reader that closes the pipe, a hostile or broken answers
file, pack or catalogue - ends with exactly one line naming the file or the argument,
what is wrong and what to do, and exit 2; a closed pipe ends quietly.
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from sm_testing import ROOTS

from sphinxcontrib_sociallpolicy.cli import EXIT_PIPE, main
from sphinxcontrib_sociallpolicy.cli.wizard.derive import add_months

CLI = [sys.executable, "-m", "sphinxcontrib_sociallpolicy.cli"]
#: a "billion laughs": 341 bytes that a YAML reader following aliases expands into
#: 9**9 strings
BILLION_LAUGHS = """\
school: S
tools: [blog]
people:
  dsl: [&a [l,l,l,l,l,l,l,l,l], &b [*a,*a,*a,*a,*a,*a,*a,*a,*a],
    &c [*b,*b,*b,*b,*b,*b,*b,*b,*b], &d [*c,*c,*c,*c,*c,*c,*c,*c,*c],
    &e [*d,*d,*d,*d,*d,*d,*d,*d,*d], &f [*e,*e,*e,*e,*e,*e,*e,*e,*e],
    &g [*f,*f,*f,*f,*f,*f,*f,*f,*f], &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]]
"""
#: a pack whose requirement's message is written over several lines
MULTI_LINE_PACK = """\
pack: oakfield-trust
title: Oakfield Trust additions
source: Oakfield Trust online-safety standard, 2026
version: "1"
requirements:
  - id: TRUST_JUSTIFIED
    title: Every tool's choice is justified
    text: Every tool records why it was chosen.
    severity: must
    source: Trust standard, section 2
    theme: accounts
    applies-to: tool
    check:
      present: justification
    message: |
      {title} does not say why it was chosen.
      The trust asks for a reason for every tool.
    fix: Add `:justification:` to the sm-tool.
"""


def one_error_line(err: str) -> str:
    """The single ``error:`` line of standard error (asserting there is one, and no
    traceback)."""
    text = err.strip()
    assert "Traceback" not in err, err
    assert "\n" not in text, err
    assert text.startswith("error: "), err
    return text


def run_new(tmp_path: Path, *args: str) -> int:
    return main(["new", *args, "--no-input"])


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A small policy project (``check`` exits 1 on it: it has findings)."""
    src = tmp_path / "policy"
    shutil.copytree(ROOTS / "test-items", src)
    return src


def test_an_error_is_printed_on_one_line(capsys, monkeypatch):
    """Whatever an error's text holds (a file's line breaks), it is printed on one
    line; other spacing, as in a file's name, is kept."""
    from sphinxcontrib_sociallpolicy.cli import UsageError, listing

    def broken(name: str | None) -> list[object]:
        raise UsageError("my  pack.yaml:3: the value\n  'a\r\nb'\u2028is wrong\n")

    monkeypatch.setattr(listing, "_packs", broken)
    assert main(["guidance"]) == 2
    assert capsys.readouterr().err == ("error: my  pack.yaml:3: the value 'a b' is wrong\n")


# --- 1. check --output ----------------------------------------------------------------


def test_check_output_makes_a_missing_folder(project: Path, tmp_path: Path, capsys):
    out = tmp_path / "reports" / "x.json"
    assert main(["check", str(project), "--format", "json", "--output", str(out)]) == 1
    assert out.read_text("utf-8").startswith("{")
    assert capsys.readouterr().err == ""


def test_check_output_that_is_a_folder_is_refused_before_the_build(
    project: Path, tmp_path: Path, capsys
):
    folder = tmp_path / "reports"
    folder.mkdir()
    started = time.monotonic()
    assert main(["check", str(project), "--output", str(folder)]) == 2
    assert time.monotonic() - started < 5  # refused before building
    line = one_error_line(capsys.readouterr().err)
    assert line == (
        f"error: --output {folder} is a folder; give the name of a file in it, e.g. "
        f"{folder / 'report.txt'}"
    )


def test_check_output_inside_a_file_is_refused(project: Path, tmp_path: Path, capsys):
    notes = tmp_path / "notes.txt"
    notes.write_text("mine\n", encoding="utf-8")
    assert main(["check", str(project), "--output", str(notes / "x.json")]) == 2
    line = one_error_line(capsys.readouterr().err)
    assert f"{notes} is a file, not a folder" in line
    assert notes.read_text("utf-8") == "mine\n"


def test_check_output_any_os_error_is_one_line(
    project: Path, tmp_path: Path, capsys, monkeypatch
):
    out = tmp_path / "x.txt"

    def full(self: Path, *args: object, **kwargs: object) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))

    monkeypatch.setattr(Path, "write_text", full)
    assert main(["check", str(project), "--output", str(out)]) == 2
    line = one_error_line(capsys.readouterr().err)
    assert line == (
        f"error: --output {out} cannot be written (No space left on device); choose "
        "another place for the output"
    )


# --- 2. numbers -----------------------------------------------------------------------


@pytest.mark.parametrize("months", ["²", "١٢", "9" * 5000, "0", "61", "-1", "1.5", " "])
def test_review_cycle_flag_is_a_whole_number_from_1_to_60(
    tmp_path: Path, capsys, months: str
):
    out = tmp_path / "p"
    args = ("--school", "S", "--tool", "blog", "--review-cycle", months)
    assert run_new(tmp_path, str(out), *args) == 2
    line = one_error_line(capsys.readouterr().err)
    assert line.startswith("error: --review-cycle: is ")
    assert line.endswith("write a whole number of months from 1 to 60, e.g. 12")
    assert len(line) < 200  # a 5,000-digit value is shown cut short
    assert not out.exists()


@pytest.mark.parametrize(
    "value", ['"²"', "'9" + "9" * 4999 + "'", "9" * 5000, "0x10", "61", "!!int abc"]
)
def test_review_cycle_in_the_answers_is_a_whole_number_from_1_to_60(
    tmp_path: Path, capsys, value: str
):
    answers = tmp_path / "answers.yaml"
    answers.write_text(f"school: S\ntools: [blog]\nreview-cycle: {value}\n", "utf-8")
    assert run_new(tmp_path, str(tmp_path / "p"), "--answers", str(answers)) == 2
    line = one_error_line(capsys.readouterr().err)
    assert line.startswith(f"error: {answers}:3: ")
    assert len(line) < 300


def test_review_cycle_accepts_plain_numbers(tmp_path: Path):
    assert run_new(tmp_path, str(tmp_path / "p"), "--school", "S", "--tool", "blog",
                   "--review-cycle", "24") == 0  # fmt: skip


def test_platform_numbers_asked_for_are_ascii_digits(tmp_path: Path, capsys, monkeypatch):
    """The question "Tools the school uses (numbers or IDs)" asks again on a number
    that is not one of the list's, in whatever digits it is written."""
    from sphinxcontrib_sociallpolicy.cli.new import Prompter, _pick_platforms

    class Terminal:
        def __init__(self, lines: list[str]) -> None:
            self.lines = [line + "\n" for line in lines]

        def readline(self) -> str:
            return self.lines.pop(0) if self.lines else ""

    import io

    output = io.StringIO()
    prompter = Prompter(Terminal(["²", "١", "9" * 5000, "1"]), output)  # type: ignore[arg-type]
    tools = _pick_platforms(prompter, "GB")
    assert len(tools) == 1
    said = output.getvalue()
    assert said.count("Not accepted") == 3
    assert "Traceback" not in said


# --- 3. the project's folder ----------------------------------------------------------


def test_new_in_a_folder_inside_a_file(tmp_path: Path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("notes.txt").write_text("mine\n", encoding="utf-8")
    assert run_new(tmp_path, "notes.txt/policy", "--school", "S", "--tool", "blog") == 2
    line = one_error_line(capsys.readouterr().err)
    assert line == (
        "error: notes.txt is a file, not a folder, so the folder notes.txt/policy "
        "cannot be made in it; choose another place for the project"
    )


@pytest.mark.skipif(not Path("/proc/self").exists(), reason="needs /proc (Linux)")
def test_new_where_no_folder_can_be_made(tmp_path: Path, capsys):
    assert run_new(tmp_path, "/proc/x", "--school", "S", "--tool", "blog") == 2
    line = one_error_line(capsys.readouterr().err)
    assert "/proc/x" in line


def test_new_any_os_error_while_writing_is_one_line(tmp_path: Path, capsys, monkeypatch):
    from sphinxcontrib_sociallpolicy.cli import new as new_module

    def full(path: str, content: str, force: bool) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), path)

    monkeypatch.setattr(new_module, "_write_one", full)
    out = tmp_path / "p"
    assert run_new(tmp_path, str(out), "--school", "S", "--tool", "blog") == 2
    line = one_error_line(capsys.readouterr().err)
    assert line.startswith(f"error: cannot write {out / 'conf.py'} (No space left")


# --- 4. links (symlinks) in the project's folder --------------------------------------


@pytest.mark.skipif(not hasattr(os, "symlink") or os.name == "nt", reason="symlinks")
@pytest.mark.parametrize("link", ["conf.py", ".github"])
def test_force_never_writes_through_a_link(tmp_path: Path, capsys, link: str):
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "secret.txt"
    secret.write_text("SECRET\n", encoding="utf-8")
    target = tmp_path / "policy"
    target.mkdir()
    (target / link).symlink_to(secret if link == "conf.py" else outside)
    args = ("--school", "S", "--tool", "blog", "--force")
    assert run_new(tmp_path, str(target), *args) == 2
    line = one_error_line(capsys.readouterr().err)
    assert line == (
        f"error: {target / link} is a link (symlink); sociallpolicy new never writes "
        "through a link: remove it, or choose a new folder for the project"
    )
    assert secret.read_text("utf-8") == "SECRET\n"
    assert sorted(p.name for p in outside.iterdir()) == ["secret.txt"]
    # nothing was written: every path is checked before the first file
    assert [p.name for p in target.iterdir()] == [link]


@pytest.mark.skipif(not hasattr(os, "link") or os.name == "nt", reason="hard links")
def test_force_replaces_a_hard_link_instead_of_writing_through_it(tmp_path: Path, capsys):
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET\n", encoding="utf-8")
    target = tmp_path / "policy"
    target.mkdir()
    os.link(secret, target / "index.rst")
    assert run_new(tmp_path, str(target), "--school", "S", "--tool", "blog", "--force") == 0
    assert secret.read_text("utf-8") == "SECRET\n"
    assert "SECRET" not in (target / "index.rst").read_text("utf-8")


# --- 5. a closed pipe -----------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [["platforms"], ["guidance"], ["guidance", "--format", "json"], ["check", "POLICY"]],
)
def test_a_closed_pipe_ends_the_command_quietly(project: Path, args: list[str]):
    """``sociallpolicy platforms | head``: the reader goes away before the command
    writes; the command stops without a word (exit 141, as a command ended by
    SIGPIPE)."""
    args = [str(project) if a == "POLICY" else a for a in args]
    process = subprocess.Popen(
        [*CLI, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # the reader closes before the first line comes
    err = process.stderr.read().decode("utf-8", "replace")
    code = process.wait(timeout=300)
    assert err == ""
    assert code in (0, EXIT_PIPE)


def test_a_pipe_closed_after_the_first_line(project: Path):
    process = subprocess.Popen(
        [*CLI, "platforms"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.readline()
    process.stdout.close()
    err = process.stderr.read().decode("utf-8", "replace")
    assert process.wait(timeout=300) in (0, EXIT_PIPE)
    assert err == ""


# --- 6. dates -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "flag",
    [
        "--approved-on",
        "--staff-training",
        "--last-access-review",
    ],
)
@pytest.mark.parametrize("day", ["9999-12-31", "1899-12-31", "2200-01-01"])
def test_date_flags_are_within_1900_to_2199(tmp_path: Path, capsys, flag: str, day: str):
    out = tmp_path / "p"
    assert run_new(tmp_path, str(out), "--school", "S", "--tool", "blog", flag, day) == 2
    line = one_error_line(capsys.readouterr().err)
    assert line == (
        f"error: {flag}: '{day}' is outside the years 1900 to 2199, e.g. 2026-09-01"
    )
    assert not out.exists()


def test_adopt_and_tool_fact_dates_are_within_1900_to_2199(tmp_path: Path, capsys):
    out = str(tmp_path / "p")
    base = ("--school", "S", "--tool", "blog")
    adopt = ("--adopt-suggestions-by", "Mrs S Green", "--adopt-suggestions-on")
    assert run_new(tmp_path, out, *base, *adopt, "9999-12-31") == 2
    assert "--adopt-suggestions-on: '9999-12-31' is outside the years" in (
        one_error_line(capsys.readouterr().err)
    )
    assert run_new(tmp_path, out, *base, "--tool-fact", "dpia-on=9999-12-31") == 2
    assert "--tool-fact: dpia-on: '9999-12-31' is outside the years" in (
        one_error_line(capsys.readouterr().err)
    )


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("approved-on: 9999-12-31\n", ":3: approved-on: '9999-12-31' is outside the"),
        ("approved-on: !!timestamp 9999-12-31\n", ":3: approved-on: '9999-12-31' is"),
        ("approved-on: 2024-02-30\n", ":3: approved-on: '2024-02-30' is not a real"),
        ("approved-on: 0000-01-01\n", ":3: approved-on: '0000-01-01' is not a real"),
        ("training: {staff: 2300-01-01}\n", ":3: training.staff: '2300-01-01' is out"),
        (
            "last-done:\n  access-review: 1800-01-01\n",
            ":4: last-done.access-review: '1800-01-01' is outside",
        ),
        (
            "adopt-suggestions: {by: Mrs S Green, on: 9999-12-31}\n",
            ":3: adopt-suggestions.on: '9999-12-31' is outside",
        ),
        (
            "tools:\n  - {platform: blog, approved-on: 9999-12-31}\n",
            ":3: tools[1].approved-on: '9999-12-31' is outside",
        ),
        (
            "tools:\n  - platform: blog\n    dpia-on: 9999-12-31\n",
            ":4: tools[1].dpia-on: '9999-12-31' is outside",
        ),
        (
            "tools:\n  - platform: blog\n    next-review: 2200-01-01\n",
            ":4: tools[1].next-review: '2200-01-01' is outside",
        ),
    ],
)
def test_answers_dates_are_within_1900_to_2199(
    tmp_path: Path, capsys, content: str, expected: str
):
    answers = tmp_path / "answers.yaml"
    tools = "" if content.startswith("tools:") else "tools: [blog]\n"
    answers.write_text("school: S\n" + tools + content, encoding="utf-8")
    assert run_new(tmp_path, str(tmp_path / "p"), "--answers", str(answers)) == 2
    line = one_error_line(capsys.readouterr().err)
    assert line.startswith(f"error: {answers}{expected}"), line


def test_add_months_never_raises():
    assert add_months("2026-01-31", 1) == "2026-02-28"
    assert add_months("9999-12-31", 1) is None
    assert add_months("0001-01-01", -1) is None
    assert add_months("2026-02-30", 1) is None
    assert add_months("soon", 12) is None


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (["guidance", "--changes-since", "9999-12-31"], "--changes-since"),
        (["guidance", "--changes-since", "0001-01-01"], "--changes-since"),
        (["platforms", "--on", "9999-12-31"], "--on"),
        (["platforms", "--on", "1800-06-01"], "--on"),
    ],
)
def test_listing_dates_are_within_1900_to_2199(capsys, args: list[str], flag: str):
    assert main(args) == 2
    line = one_error_line(capsys.readouterr().err)
    assert line.startswith(f"error: {flag} '{args[-1]}' is outside the years 1900 to 2199")


# --- 7. the answers file --------------------------------------------------------------


def test_billion_laughs_answers_are_refused_at_once(tmp_path: Path, capsys):
    answers = tmp_path / "answers.yaml"
    answers.write_text(BILLION_LAUGHS, encoding="utf-8")
    started = time.monotonic()
    assert run_new(tmp_path, str(tmp_path / "p"), "--answers", str(answers)) == 2
    assert time.monotonic() - started < 1
    line = one_error_line(capsys.readouterr().err)
    assert line == (
        f"error: {answers}:4: the anchor &a is not allowed: an answers file does not use "
        "anchors (&name) and aliases (*name); write the value out in full"
    )


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("school: &s Oakfield\ntools: [blog]\n", ":1: the anchor &s is not allowed"),
        ("school: S\ntools: [blog]\npeople: [a]\n", ":3: people: is ['a']; write a"),
        ("school: S\ntools: {}\n", ":2: tools: is not a list of tools"),
        ("school: S\ntools: []\n", ":2: tools: is not a list of tools"),
        ("school: S\x00\ntools: [blog]\n", ":1: "),
        ("school: S\ntools: [blog]\nschool: T\n", ":3: the key 'school' appears twice"),
        ("school: !!python/object:os.system x\n", ":1: the YAML tag"),
        ("school: S\ntools: [blog]\npeople:\n  dsl: [a]\n", ":4: people.dsl: is"),
        ("? [a]\n: b\n", ":1: "),
        ("school: S\n---\nschool: T\n", ":2: this is not valid YAML"),
        ("school: S\ntools:\n  - blog\n  - 12\n", ":4: tools[2] is 12; write a"),
        ("school: S\ntools:\n  - {}\n", ":3: tools[1].platform: is missing"),
        ("- a\n- b\n", ":1: is ['a', 'b']; write a mapping of answers"),
        ("school: S\ntools: [blog]\npupil-ages: 4.11\n", ":3: pupil-ages: '4.11'"),
    ],
)
def test_bad_answers_are_located_one_line_errors(
    tmp_path: Path, capsys, content: str, expected: str
):
    answers = tmp_path / "answers.yaml"
    answers.write_text(content, encoding="utf-8")
    assert run_new(tmp_path, str(tmp_path / "p"), "--answers", str(answers)) == 2
    line = one_error_line(capsys.readouterr().err)
    assert line.startswith(f"error: {answers}{expected}"), line
    assert not (tmp_path / "p").exists()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\xff\xfeschool: S\n", "is not UTF-8 text"),
        (b"school: S\n" + b"#" * 1_000_001, "larger than 1 MB"),
    ],
)
def test_answers_files_that_are_not_text(tmp_path: Path, capsys, data: bytes, expected):
    answers = tmp_path / "answers.yaml"
    answers.write_bytes(data)
    assert run_new(tmp_path, str(tmp_path / "p"), "--answers", str(answers)) == 2
    line = one_error_line(capsys.readouterr().err)
    assert line.startswith(f"error: {answers}") and expected in line


def test_answers_file_that_is_a_folder(tmp_path: Path, capsys):
    assert run_new(tmp_path, str(tmp_path / "p"), "--answers", str(tmp_path)) == 2
    line = one_error_line(capsys.readouterr().err)
    assert line.startswith(f"error: {tmp_path}: cannot read the answers file (")


def test_text_that_is_not_utf8_is_refused(tmp_path: Path, capsys):
    """A command-line argument in another encoding arrives with lone surrogates,
    which cannot be written to a UTF-8 file."""
    out = tmp_path / "p"
    assert run_new(tmp_path, str(out), "--school", "Oak\udcfffield", "--tool", "blog") == 2
    line = one_error_line(capsys.readouterr().err)
    assert line.startswith("error: --school: is 'Oak\\udcfffield', which holds")
    assert not out.exists()


# --- 8. findings are data, not text ---------------------------------------------------


def test_a_multi_line_finding_message_is_a_finding(project: Path, capsys):
    (project / "trust.yaml").write_text(MULTI_LINE_PACK, encoding="utf-8")
    conf = project / "conf.py"
    conf.write_text(
        conf.read_text("utf-8").replace("sm_guidance = []", 'sm_guidance = ["trust.yaml"]'),
        encoding="utf-8",
    )
    assert main(["check", str(project)]) == 1
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if "TRUST_JUSTIFIED" in line]
    assert lines, out
    assert "does not say why it was chosen" in lines[0]
    assert "a reason for every tool" in lines[0]  # the whole message, on its line
    assert "input error" not in out


def test_the_collector_classifies_warnings_by_subtype_not_text():
    """A warning of type ``sm`` with a rule's subtype is a finding however its text
    reads (over several lines, or ending like another kind); the input-error
    subtypes, and Sphinx's own warnings, are input errors."""
    from sphinxcontrib_sociallpolicy.cli.check import _collector_class, is_finding

    app = SimpleNamespace(
        config=SimpleNamespace(suppress_warnings=[]),
        env=SimpleNamespace(doc2path=lambda docname: f"/src/{docname}.rst"),
    )
    collector = _collector_class()(app)

    def emit(message: str, **extra: object) -> None:
        record = logging.LogRecord("sphinx.x", logging.WARNING, "", 0, message, (), None)
        record.__dict__.update(extra)
        collector.emit(record)

    emit("TRUST_X (must) TOOL_A: one\ntwo [sm.option]", type="sm", subtype="trust_x",
         location=("tools", 4))  # fmt: skip
    emit("sm-tool T: :comments: 'x'\nis not allowed", type="sm", subtype="option",
         location=("tools", 5))  # fmt: skip
    emit("Unknown directive type.\n\n.. foo::", location=("index", 3))
    assert [(p.kind, p.path, p.line) for p in collector.records] == [
        ("sm.option", "/src/tools.rst", 5),
        ("", "/src/index.rst", 3),
    ]
    assert is_finding("sm", "mod_premoderation")
    assert not is_finding("sm", "guidance") and not is_finding("", "option")
    assert not is_finding("sm", "")


# --- 9. broken packs and catalogue files ----------------------------------------------

BROKEN_YAML = [
    "pack: [x\n",
    "pack: x\x00\n",
    "pack: x\nfirst-released: 2024-02-30\n",
    "pack: x\nfirst-released: 0000-01-01\n",
    "pack: " + "9" * 5000 + "\n",
    "a: &x [1]\nb: *x\n",
    "pack: x\npack: y\n",
    "pack: !!python/object/apply:os.system [echo]\n",
    "platforms: {}\n",
    "platforms: [1]\n",
    "requirements: " + "[" * 60 + "]" * 60 + "\n",
]


@pytest.mark.parametrize("content", BROKEN_YAML)
@pytest.mark.parametrize("command", [["guidance"], ["platforms", "--catalogue"]])
def test_a_broken_pack_or_catalogue_is_one_located_line(
    tmp_path: Path, capsys, content: str, command: list[str]
):
    path = tmp_path / "broken.yaml"
    path.write_text(content, encoding="utf-8")
    assert main([*command, str(path)]) == 2
    line = one_error_line(capsys.readouterr().err)
    assert line.startswith(f"error: {path}:"), line


def test_a_pack_file_that_is_a_folder(tmp_path: Path, capsys):
    folder = tmp_path / "pack.yaml"
    folder.mkdir()
    assert main(["guidance", str(folder)]) == 2
    assert one_error_line(capsys.readouterr().err).startswith(f"error: {folder}: ")
    assert main(["platforms", "--catalogue", str(folder)]) == 2
    assert one_error_line(capsys.readouterr().err).startswith(f"error: {folder}: ")


# --- 10. country codes ----------------------------------------------------------------


@pytest.mark.parametrize("country", ["ZZ", "UK", "gbr", "G1", ""])
def test_platforms_refuses_a_country_that_is_not_iso_3166(capsys, country: str):
    assert main(["platforms", "--country", country]) == 2
    line = one_error_line(capsys.readouterr().err)
    assert line.startswith(f"error: --country {country!r} is not ")
