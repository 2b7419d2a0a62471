"""Scoping options of the whole-project tables: ``:filter:`` on the register and the
risk register, ``:rows:`` (packs or themes) and ``:columns:`` (tools or platforms) on
the matrix, and a located ``sm.option`` warning for a value that selects nothing."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from sm_testing import build_with_page, warnings_of
from sphinx.testing.util import SphinxTestApp

import sphinxcontrib_sociallpolicy

PACKS = Path(sphinxcontrib_sociallpolicy.__file__).parent / "guidance" / "packs"

SCOPED = """\
Scoped tables
=============

.. sm-register::
   :filter: equals: {platform: facebook}

.. sm-risk-register::
   :filter: equals: {category: contact}

.. sm-matrix::
   :rows: kent-2010
   :columns: facebook

.. sm-matrix::
   :rows: moderation
   :columns: TOOL_LEARNING_PLATFORM, TOOL_FACEBOOK_GROUP

.. sm-matrix::
   :rows: kent2010, moderation
   :columns: TOOL_NOPE, facebook
"""


class Tables(HTMLParser):
    """Each table on the page: its CSS classes and its body rows' cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[tuple[str, list[list[str]]]] = []
        self._in_body = False
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        # a cell's hidden column label (shown only where a row becomes a card)
        if tag == "span" and "sm-cell-label" in (dict(attrs).get("class") or ""):
            self._label = True
        if tag == "table":
            self.tables.append((dict(attrs).get("class", ""), []))
        elif tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self.tables[-1][1].append([])
        elif tag == "td" and self._in_body:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "span":
            self._label = False
        if tag == "tbody":
            self._in_body = False
        elif tag == "td" and self._cell is not None:
            self.tables[-1][1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None and not getattr(self, "_label", False):
            self._cell.append(data)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[SphinxTestApp, list]:
    src = tmp_path_factory.mktemp("tables") / "src"
    app = build_with_page(src, "scoped", SCOPED)
    parser = Tables()
    parser.feed((Path(app.outdir) / "scoped.html").read_text("utf-8"))
    return app, parser.tables


def of_class(tables: list, css: str) -> list[list[list[str]]]:
    return [rows for classes, rows in tables if css in classes.split()]


def rule_ids(rows: list[list[str]]) -> list[str]:
    return [re.match(r"[A-Z0-9_]+", row[0]).group(0) for row in rows[:-1]]


def pack_rules(pack: str, theme: str | None = None) -> list[str]:
    data = yaml.safe_load((PACKS / f"{pack}.yaml").read_text("utf-8"))
    return [r["id"] for r in data["requirements"] if theme is None or r["theme"] == theme]


def themes() -> list[str]:
    return sorted(
        {
            r["theme"]
            for pack in ("kent-2010", "uk-online-safety")
            for r in yaml.safe_load((PACKS / f"{pack}.yaml").read_text("utf-8"))[
                "requirements"
            ]
        }
    )


def test_unknown_rows_and_columns_are_located_option_warnings(built):
    app, _ = built
    assert warnings_of(app) == [
        "SRC/scoped.rst:18: WARNING: sm-matrix: :rows: 'kent2010' matches nothing; "
        "allowed: a guidance pack (kent-2010, uk-online-safety), a theme "
        f"({', '.join(themes())}) [sm.option]",
        "SRC/scoped.rst:18: WARNING: sm-matrix: :columns: 'TOOL_NOPE' matches nothing; "
        "allowed: a tool ID (TOOL_FACEBOOK_GROUP, TOOL_LEARNING_PLATFORM), a platform "
        "(facebook, learning-platform) [sm.option]",
    ]


def test_register_filter_keeps_only_matching_tools(built):
    _, tables = built
    [register] = of_class(tables, "sm-register-table")
    assert [row[0] for row in register] == ["Parents' Facebook group TOOL_FACEBOOK_GROUP"]


def test_risk_register_filter_keeps_only_matching_risks(built):
    _, tables = built
    [risks] = of_class(tables, "sm-risk-table")
    assert [row[0].split()[-1] for row in risks] == ["RISK_LP_CONTACT"]


def test_matrix_rows_by_pack_and_columns_by_platform(built):
    _, tables = built
    by_pack, by_theme, with_unknown = of_class(tables, "sm-matrix-table")
    assert rule_ids(by_pack) == pack_rules("kent-2010")
    # one tool column (the Facebook group), the policy column, the coverage column
    assert {len(row) for row in by_pack[:-1]} == {4}
    assert by_pack[-1][0] == "Coverage"


def test_matrix_rows_by_theme_and_columns_by_tool(built):
    _, tables = built
    _, by_theme, with_unknown = of_class(tables, "sm-matrix-table")
    in_both = list(
        dict.fromkeys(
            pack_rules("kent-2010", "moderation")
            + pack_rules("uk-online-safety", "moderation")
        )
    )
    assert sorted(rule_ids(by_theme)) == sorted(in_both)
    assert {len(row) for row in by_theme[:-1]} == {5}
    # the unknown names are dropped, the known ones still select
    assert sorted(rule_ids(with_unknown)) == sorted(in_both)
    assert {len(row) for row in with_unknown[:-1]} == {4}
