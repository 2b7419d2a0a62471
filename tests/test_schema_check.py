"""sphinx-needs' schema validation is left off where it could find nothing (it costs
about half a second a build at 4,000 needs), and kept wherever the project asks
for more than value types."""

from __future__ import annotations

import shutil
from types import SimpleNamespace

import pytest
from sm_testing import ROOTS, build_html, warnings_of

from sphinxcontrib_sociallpolicy.needs import schema_check_adds_nothing

INDEX = """\
Policy
======

.. sm-tool:: Newsletter
   :id: TOOL_NEWS
   :platform: facebook
   :account: page
   :owner: Mrs Smith
   :purpose: announcements
   :audience: parents
"""

OWNERS_TWICE = {
    "schemas": [
        {
            "id": "two-owners",
            "select": {"properties": {"type": {"const": "sm-tool"}}},
            "validate": {
                "local": {"properties": {"owner": {"type": "array", "minItems": 2}}}
            },
        }
    ]
}


def _project(tmp_path, conf_extra: str = ""):
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(
        'extensions = ["sphinxcontrib_sociallpolicy"]\nsm_guidance = []\n'
        'sm_today = "2026-11-24"\n' + conf_extra,
        "utf-8",
    )
    (src / "index.rst").write_text(INDEX, "utf-8")
    return src


def test_with_types_only_the_check_is_off_and_writes_no_report(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-coexist", src)  # its own fields and links, typed
    app = build_html(src, tmp_path / "out")
    assert app.config.needs_schema_validation_enabled is False
    assert not (app.outdir / "schema_violations.json").exists()
    assert (app.outdir / "index.html").exists()


def test_a_schema_definition_keeps_the_check_and_its_violations_are_said(tmp_path):
    src = _project(tmp_path, f"needs_schema_definitions = {OWNERS_TWICE!r}\n")
    app = build_html(src, tmp_path / "out")
    assert app.config.needs_schema_validation_enabled is True
    said = "\n".join(warnings_of(app))
    assert "Need 'TOOL_NEWS' has schema violations" in said
    assert "two-owners[0] > local > properties > owner > minItems" in said
    assert (app.outdir / "schema_violations.json").exists()


def test_a_bad_type_is_still_said_with_the_check_off(tmp_path):
    """What the check would find with type-only schemas, sphinx-needs says when it
    creates the need; so nothing is lost by leaving it off."""
    src = _project(tmp_path)
    (src / "index.rst").write_text(
        INDEX + "\n.. need:: Something else\n   :id: NEED_ONE\n   :likelihood: often\n",
        "utf-8",
    )
    app = build_html(src, tmp_path / "out")
    assert app.config.needs_schema_validation_enabled is False
    assert (
        "SRC/index.rst:12: WARNING: Need could not be created: Field 'likelihood' is "
        "invalid: Cannot convert 'often' to integer [needs.create_need]"
    ) in warnings_of(app)


def test_the_projects_own_setting_is_kept(tmp_path):
    src = _project(tmp_path, "needs_schema_validation_enabled = True\n")
    app = build_html(src, tmp_path / "out")
    assert app.config.needs_schema_validation_enabled is True
    assert (app.outdir / "schema_violations.json").exists()
    app = build_html(src, tmp_path / "out2", needs_schema_validation_enabled=True)
    assert app.config.needs_schema_validation_enabled is True


def _config(**settings):
    base = {
        "_raw_config": {},
        "_overrides": {},
        "needs_schema_definitions": {},
        "needs_schema_definitions_from_json": None,
        "needs_fields": {},
        "needs_links": {},
        "needs_extra_links": [],
        "needs_extra_options": [],
        "needs_types": [],
    }
    base.update(settings)
    return SimpleNamespace(**base)


TYPED = {"description": "d", "schema": {"type": "array", "items": {"type": "string"}}}


@pytest.mark.parametrize(
    ("settings", "adds_nothing"),
    [
        ({}, True),
        ({"needs_fields": {"effort": TYPED, "plain": {"description": "no schema"}}}, True),
        ({"needs_links": {"blocks": {"outgoing": "blocks"}}}, True),
        ({"_raw_config": {"needs_schema_validation_enabled": False}}, False),
        ({"_overrides": {"needs_schema_validation_enabled": "1"}}, False),
        ({"needs_schema_definitions": OWNERS_TWICE}, False),
        ({"needs_schema_definitions_from_json": "schemas.json"}, False),
        (
            {"needs_fields": {"size": {"schema": {"type": "string", "enum": ["S", "L"]}}}},
            False,
        ),
        ({"needs_fields": {"tags2": {"schema": {"type": "array", "minItems": 1}}}}, False),
        (
            {
                "needs_fields": {
                    "codes": {"schema": {"type": "array", "items": {"pattern": "^A"}}}
                }
            },
            False,
        ),
        ({"needs_links": {"blocks": {"schema": {"maxItems": 1}}}}, False),
        ({"needs_extra_options": [{"name": "x", "schema": {"minLength": 2}}]}, False),
        ({"needs_types": [{"directive": "story", "fields": {"effort": {}}}]}, False),
        ({"needs_types": [{"directive": "story", "links": {"blocks": {}}}]}, False),
    ],
)
def test_what_keeps_the_check(settings, adds_nothing):
    assert schema_check_adds_nothing(_config(**settings)) is adds_nothing
