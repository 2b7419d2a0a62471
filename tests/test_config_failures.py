"""Settings that once crashed the build or were ignored without a word (issue 14).

Each is now an ``sm.config`` warning at the line of conf.py that sets it (or, for a
value given with ``-D``, a warning that says so), the build goes on, and no location
names a file that does not exist.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sm_testing import ROOTS, build_html, warnings_of
from sphinx.util.console import strip_colors

COMPLIANT = ROOTS / "test-compliant"


def project(tmp_path: Path, extra_conf: str = "", index: str | None = None) -> Path:
    src = tmp_path / "src"
    shutil.copytree(COMPLIANT, src)
    conf = src / "conf.py"
    conf.write_text(conf.read_text("utf-8") + extra_conf, "utf-8")
    if index is not None:
        (src / "index.rst").write_text(index, "utf-8")
    return src


def locations_exist(lines: list[str], srcdir: Path) -> None:
    """Every located warning names a file that exists, with a line."""
    for line in lines:
        match = re.match(r"(SRC/[^:]+):(\d+): ", line)
        if match:
            assert (srcdir / match.group(1)[4:]).is_file(), line
        else:
            assert line.startswith("WARNING: ") and "-D" in line, line


def test_minus_d_fail_on_in_capitals_is_read_as_meant(tmp_path):
    src = project(tmp_path)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-b",
            "html",
            "-q",
            "-D",
            "sm_fail_on=MUST",
            str(src),
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert strip_colors(result.stderr).strip().splitlines() == [
        "WARNING: sm_fail_on = 'MUST' (given with -D on the command line) must be one of "
        "'must', 'should', 'may'; using 'must' [sm.config]"
    ]


def test_settings_that_clash_or_are_misspelt_warn_at_their_line(tmp_path):
    src = project(
        tmp_path,
        "needs_types = [dict(directive='sm-tool', title='Tool', prefix='T_', "
        "color='#ffffff', style='node')]\n"
        "sm_guidence = ['uk-online-safety']\n"
        "sm_country = 'ZZ'\n"
        "sm_today = '9999-12-31'\n"
        "sm_platforms = ['catalogue/local.yaml']\n"
        "sm_guidance = ['kent-2010', 'packs/missing.yaml']\n",
    )
    app = build_html(src, tmp_path / "out")
    config = [w for w in warnings_of(app) if w.endswith("[sm.config]") or "guidance]" in w]
    assert config == [
        "SRC/conf.py:6: WARNING: sm_country = 'ZZ' is not an ISO 3166 country code "
        "(e.g. GB, IE, US); using the default 'GB' [sm.config]",
        "SRC/conf.py:7: WARNING: sm_today = '9999-12-31' is outside the years 1900 to "
        "2199; using the default None (the build date) [sm.config]",
        "SRC/conf.py:5: WARNING: sm_guidence is not a setting of sphinxcontrib-"
        "sociallpolicy and is ignored; did you mean sm_guidance? the settings are "
        "sm_guidance, sm_disable, sm_platforms, sm_country, sm_today, sm_fail_on, "
        "sm_base, sm_reports [sm.config]",
        "SRC/conf.py:4: WARNING: needs_types already declares 'sm-tool'; remove it from "
        "needs_types: sphinxcontrib-sociallpolicy provides this type [sm.config]",
        "SRC/conf.py:9: WARNING: sm_guidance names packs/missing.yaml: the guidance pack "
        "file "
        "does not exist [sm.guidance]",
        "SRC/conf.py:8: WARNING: sm_platforms names catalogue/local.yaml: the file does "
        "not exist [sm.config]",
    ]
    locations_exist(warnings_of(app), src)
    assert (Path(app.outdir) / "index.html").is_file()


def test_a_country_that_does_not_exist_is_an_option_warning(tmp_path):
    index = (
        (COMPLIANT / "index.rst").read_text("utf-8").replace(":country: GB", ":country: XX")
    )
    app = build_html(project(tmp_path, index=index), tmp_path / "out")
    assert [w for w in warnings_of(app) if "country" in w] == [
        "SRC/index.rst:4: WARNING: sm-policy POLICY: :country: 'XX' is not an ISO 3166 "
        "country code (e.g. GB, IE, US); allowed: a two-letter country code (ISO 3166), "
        "e.g. GB [sm.option]"
    ]


def test_without_sm_policy_warnings_are_at_the_root_documents_first_line(tmp_path):
    index = "No policy\n=========\n\n.. toctree::\n\n   tools\n   safeguards\n   appendix\n"
    src = project(tmp_path, index=index)
    app = build_html(src, tmp_path / "out")
    policy_level = [w for w in warnings_of(app) if w.startswith("SRC/index.rst")]
    assert policy_level
    assert policy_level[0] == (
        "SRC/index.rst:1: WARNING: this project has policy items but no sm-policy; add "
        "exactly one .. sm-policy:: with :school: (usually in index.rst), so the policy's "
        "key facts can be checked [sm.duplicate]"
    )
    assert all(w.startswith("SRC/index.rst:1: WARNING: ") for w in policy_level)
    locations_exist(warnings_of(app), src)


@pytest.mark.parametrize(
    "text",
    ["pack: [local\n", "pack: local\nrequirements: x\n\x01\n"],
)
def test_pack_problems_are_at_a_line_of_the_pack(tmp_path, text):
    src = project(tmp_path, "sm_guidance = ['kent-2010', 'local.yaml']\n")
    (src / "local.yaml").write_text(text, "utf-8")
    app = build_html(src, tmp_path / "out")
    [problem] = [w for w in warnings_of(app) if w.endswith("[sm.guidance]")]
    assert re.match(r"SRC/local\.yaml:\d+: WARNING: ", problem), problem


def test_a_pack_name_that_is_no_pack_is_at_the_settings_line(tmp_path):
    src = project(tmp_path, "sm_guidance = ['kent-2010', 'nope']\n")
    app = build_html(src, tmp_path / "out")
    assert [w for w in warnings_of(app) if "nope" in w] == [
        "SRC/conf.py:4: WARNING: sm_guidance names 'nope', which is not a built-in "
        "guidance pack and not a .yaml file; built-in packs: kent-2010, uk-online-safety "
        "[sm.guidance]"
    ]
