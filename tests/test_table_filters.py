"""``:filter:`` on our tables is a condition of the packs' language, never Python.

A policy is written by school staff and read by others, so its own directives must
not run code from text (issue 14). A filter that cannot be read is a located
``sm.option`` warning; the table then shows every item, under a note that says so.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sm_testing import build_with_page, warnings_of
from sphinx.testing.util import SphinxTestApp
from test_tables import Tables, of_class

from sphinxcontrib_sociallpolicy.tables.filters import FilterError, compile_filter

FILTERED = """\
Filtered tables
===============

.. sm-register::
   :filter: includes: {{audience: pupils}}

.. sm-register::
   :filter: (((

.. sm-risk-register::
   :filter: {{any: [{{equals: {{category: contact}}}}, {{compare: "likelihood > 4"}}]}}

.. sm-matrix::
   :rows: kent-2010
   :filter: __import__('os').system('touch {marker}')

.. sm-register::
   :filter: platform == "facebook"

.. sm-register::
   :filter: equals: {{colour: blue}}
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[SphinxTestApp, list, Path]:
    root = tmp_path_factory.mktemp("filters")
    src = root / "src"
    marker = root / "ran-python"
    app = build_with_page(src, "filtered", FILTERED.format(marker=marker))
    parser = Tables()
    html = (Path(app.outdir) / "filtered.html").read_text("utf-8")
    parser.feed(html)
    return app, parser.tables, marker


def test_a_filter_never_runs_code(built):
    _, _, marker = built
    assert not marker.exists()


def test_bad_filters_are_located_option_warnings(built):
    app, _, _ = built
    hint = (
        "; write a condition like those in guidance packs, e.g. ':filter: equals: "
        "{platform: facebook}' [sm.option]"
    )
    not_text = (
        "cannot be used (a condition must be a mapping such as 'present: approved-on' "
        "or a list of conditions, not text)"
    )
    python = (
        "; this looks like a sphinx-needs (Python) filter, which this table does not run"
    )
    found = warnings_of(app)
    # the one that tried to run Python names a temporary path: checked in parts
    [matrix] = [w for w in found if "sm-matrix" in w]
    found.remove(matrix)
    assert matrix.startswith(
        "SRC/filtered.rst:13: WARNING: sm-matrix: :filter: \"__import__('os').system("
    )
    assert matrix.endswith("..." + '" ' + not_text + python + hint)
    assert found == [
        f"SRC/filtered.rst:7: WARNING: sm-register: :filter: '(((' {not_text}{hint}",
        "SRC/filtered.rst:17: WARNING: sm-register: :filter: 'platform == \"facebook\"' "
        + not_text
        + python
        + hint,
        "SRC/filtered.rst:20: WARNING: sm-register: :filter: 'equals: {colour: blue}' "
        "cannot be used ('equals' names the field 'colour', which an sm-tool does not "
        "have; fields: id, title, content, platform, purpose, purpose-count, audience, "
        "audience-count, account, visibility, comments, membership, owner, owner-count, "
        "admins, admins-count, moderation, contact-email, url, approved-by, approved-on, "
        "next-review, justification, pupil-images, lawful-basis, dpia-on, adopted-by, "
        "adopted-by-count, adopted-on, email-domain)" + hint,
    ]


def test_a_condition_selects_the_rows(built):
    _, tables, _ = built
    registers = of_class(tables, "sm-register-table")
    # the learning platform is the only tool with pupils in its audience
    assert [row[0].split()[-1] for row in registers[0]] == ["TOOL_LEARNING_PLATFORM"]
    [risks] = of_class(tables, "sm-risk-table")
    assert [row[0].split()[-1] for row in risks] == ["RISK_LP_CONTACT"]


def test_an_unreadable_filter_shows_every_item_under_a_note(built):
    app, tables, _ = built
    registers = of_class(tables, "sm-register-table")
    every = sorted(row[0].split()[-1] for row in registers[1])
    assert every == ["TOOL_FACEBOOK_GROUP", "TOOL_LEARNING_PLATFORM"]
    html = (Path(app.outdir) / "filtered.html").read_text("utf-8")
    assert html.count("This table's filter could not be read, so it shows every item") == 4


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=60))
def test_any_text_is_a_condition_or_a_filter_error(text):
    try:
        compile_filter(text, ("tool",))
    except FilterError as error:
        assert str(error)
