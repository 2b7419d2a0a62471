"""The `sociallpolicy` command, called in-process with main(argv) (and once as an
installed program): check, guidance, platforms, --help, --version."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from sm_testing import ROOTS
from test_guidance_build import plant_gaps

from sphinxcontrib_sociallpolicy import __version__
from sphinxcontrib_sociallpolicy.cli import main


@pytest.fixture
def policy(tmp_path: Path) -> Path:
    src = tmp_path / "policy"
    shutil.copytree(ROOTS / "test-compliant", src)
    return src


def test_check_passes_a_compliant_policy(policy: Path, capsys, monkeypatch):
    monkeypatch.chdir(policy.parent)
    assert main(["check", "policy"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1].endswith("PASSED: no open finding at 'must' or above.")


def test_check_lists_findings_by_file_with_lines(policy: Path, capsys, monkeypatch):
    plant_gaps(policy)
    monkeypatch.chdir(policy.parent)
    assert main(["check", "policy"]) == 1
    out = capsys.readouterr().out
    files = [line for line in out.splitlines() if line and not line.startswith(" ")]
    assert files[:3] == [
        "policy/index.rst",
        "policy/safeguards.rst",
        "policy/tools.rst",
    ] or files[:2] == ["policy/index.rst", "policy/tools.rst"]
    assert "     4: must    MOD_PREMODERATION TOOL_FACEBOOK_GROUP: " in out
    assert "    27: must    GOV_RISK_ASSESSED TOOL_LEARNING_PLATFORM: " in out
    assert "FAILED: 5 open findings at 'must' or above." in out


def test_check_is_quiet_on_a_small_policy(policy: Path, capsys):
    assert main(["check", str(policy)]) == 0
    assert capsys.readouterr().err == ""


def test_check_shows_progress_on_a_large_policy(policy: Path, capsys):
    """25 documents: a line at every tenth read, then the guidance check."""
    index = policy / "index.rst"
    pages = [f"part{n:02d}" for n in range(21)]
    for page in pages:
        (policy / f"{page}.rst").write_text(f"{page}\n{'=' * len(page)}\n\nText.\n")
    text = index.read_text("utf-8")
    index.write_text(
        text + "\n.. toctree::\n   :hidden:\n\n" + "".join(f"   {p}\n" for p in pages),
        "utf-8",
    )
    total = len(list(policy.glob("*.rst")))
    assert total >= 25
    assert main(["check", str(policy)]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err[0] == f"read 3 of {total} documents"
    assert f"read {total} of {total} documents" in err
    assert err[-1] == "checking the policy against the guidance..."


def test_fail_on_may_fails_on_lower_findings(policy: Path, capsys):
    # the compliant policy has only lower findings (kept as information)
    assert main(["check", str(policy), "--fail-on", "must"]) == 0
    capsys.readouterr()
    code = main(["check", str(policy), "--fail-on", "may"])
    out = capsys.readouterr().out
    assert code in (0, 1)
    assert ("FAILED" in out) == (code == 1)


@pytest.mark.parametrize("fmt", ["json", "junit", "github"])
def test_formats_and_output_file(
    policy: Path, tmp_path: Path, fmt: str, capsys, monkeypatch
):
    plant_gaps(policy)
    monkeypatch.chdir(policy.parent)
    target = tmp_path / f"out.{fmt}"
    assert main(["check", "policy", "--format", fmt, "--output", str(target)]) == 1
    assert capsys.readouterr().out == ""
    text = target.read_text("utf-8")
    if fmt == "json":
        data = json.loads(text)
        assert data["summary"]["passed"] is False
        assert data["input_errors"] == []
        assert {
            "rule",
            "severity",
            "item",
            "docname",
            "source",
            "line",
            "message",
            "status",
        } <= set(data["findings"][0])
    elif fmt == "junit":
        root = ET.fromstring(text.encode())
        assert root.tag == "testsuites"
        assert any(c.find("failure") is not None for c in root.iter("testcase"))
    else:
        assert (
            "::error file=policy/tools.rst,line=4,title=MOD_PREMODERATION (must)::"
            "TOOL_FACEBOOK_GROUP: " in text
        )
        assert text.splitlines()[-1].endswith("FAILED: 5 open findings at 'must' or above.")


def test_input_errors_are_exit_2_with_location(policy: Path, capsys, monkeypatch):
    monkeypatch.chdir(policy.parent)
    tools = policy / "tools.rst"
    tools.write_text(
        tools.read_text("utf-8").replace(":moderation: daily", ":moderation: never"),
        "utf-8",
    )
    assert main(["check", "policy"]) == 2
    out = capsys.readouterr().out
    assert "policy/tools.rst\n" in out
    assert ":moderation: 'never' is not an allowed value" in out
    assert "FAILED: 1 input error to fix first." in out


def test_usage_and_config_errors_are_one_line(tmp_path: Path, capsys):
    assert main(["check", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.strip() == f"error: {tmp_path} is not a policy project: it has no conf.py"
    (tmp_path / "conf.py").write_text("raise RuntimeError('broken conf')\n")
    assert main(["check", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"error: cannot build the policy in {tmp_path}")
    assert "Traceback" not in err and "\n" not in err
    assert main(["check"]) == 2
    assert main(["check", ".", "--format", "pdf"]) == 2
    assert main([]) == 2


def test_broken_pack_is_an_input_error(policy: Path, capsys):
    (policy / "conf.py").write_text(
        'extensions = ["sphinxcontrib_sociallpolicy"]\nsm_guidance = ["kent2010"]\n'
    )
    assert main(["check", str(policy)]) == 2
    out = capsys.readouterr().out
    assert "sm_guidance names 'kent2010', which is not a built-in guidance pack" in out
    assert "did you mean 'kent-2010'?" in out


def test_guidance_listing_of_an_unknown_pack_is_one_line(capsys):
    assert main(["guidance", "kent2010"]) == 2
    assert capsys.readouterr().err == (
        "error: 'kent2010' is not a built-in guidance pack (did you mean 'kent-2010'?) "
        "or a .yaml file; built-in packs: kent-2010, uk-online-safety\n"
    )


def test_guidance_listing(capsys):
    assert main(["guidance"]) == 0
    out = capsys.readouterr().out
    assert "kent-2010: " in out and "uk-online-safety: " in out
    assert re.search(r"^MOD_PREMODERATION +must +", out, re.M)
    assert main(["guidance", "kent-2010", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["pack"] for r in rows} == {"kent-2010"}
    assert all(r["source"].startswith("Kent CC 2010") for r in rows)
    assert main(["guidance", "uk-online-safety", "--format", "yaml"]) == 0
    rows = yaml.safe_load(capsys.readouterr().out)
    assert len(rows) == 44 and rows[0]["id"] == "GOV_SLT_APPROVAL"
    assert main(["guidance", "no-such-pack"]) == 2
    assert "not a built-in guidance pack" in capsys.readouterr().err


def test_platforms_listing(capsys):
    assert main(["platforms"]) == 0
    gb = {
        line.split()[0]: line for line in capsys.readouterr().out.splitlines()[2:] if line
    }
    assert "facebook" in gb and " 13 " in gb["facebook"]
    assert main(["platforms", "--country", "AU"]) == 0
    au = {
        line.split()[0]: line for line in capsys.readouterr().out.splitlines()[2:] if line
    }
    assert " 16 " in au["tiktok"]
    assert main(["platforms", "--country", "UK"]) == 2
    assert "write GB" in capsys.readouterr().err


def test_help_and_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"sociallpolicy {__version__}"
    for command in ("new", "check", "guidance", "platforms"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        assert "usage: sociallpolicy " + command in capsys.readouterr().out


def test_installed_command_runs(policy: Path):
    exe = shutil.which("sociallpolicy")
    command = [exe] if exe else [sys.executable, "-m", "sphinxcontrib_sociallpolicy.cli"]
    result = subprocess.run(
        [*command, "check", str(policy)], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "PASSED" in result.stdout


def test_pre_commit_hook_definition():
    hooks = yaml.safe_load(
        (Path(__file__).parent.parent / ".pre-commit-hooks.yaml").read_text()
    )
    assert hooks[0]["id"] == "sociallpolicy-check"
    assert hooks[0]["entry"] == "sociallpolicy check"


def test_a_reader_that_stops_early_is_no_traceback():
    # `sociallpolicy platforms | head -1`: the pipe closes before the listing ends
    exe = shutil.which("sociallpolicy")
    command = [exe] if exe else [sys.executable, "-m", "sphinxcontrib_sociallpolicy.cli"]
    proc = subprocess.Popen(
        [*command, "guidance"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    err = proc.stderr.read().decode("utf-8", "replace")
    proc.wait(timeout=60)
    assert "Traceback" not in err and "BrokenPipeError" not in err, err


def test_guidance_changes_since(capsys):
    assert main(["guidance", "uk-online-safety", "--changes-since", "2026-11-30"]) == 0
    out = capsys.readouterr().out
    assert "ID" in out and "WHAT" in out and "DATE" in out
    assert "IMG_PUBLIC_FACES" in out and "added" in out and "2026-12-02" in out
    assert "GOV_SLT_APPROVAL" not in out
    assert "requirements added or changed after 2026-11-30." in out
    assert main(["guidance", "--changes-since", "2026-12-02", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["guidance", "--changes-since", "soon"]) == 2
    assert "--changes-since 'soon' is not a date written YYYY-MM-DD" in (
        capsys.readouterr().err
    )
