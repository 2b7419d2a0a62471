"""``portfolio.csv``: one row per school, with the columns a spreadsheet user needs.

Counts are numbers; "due within" counts are cumulative (within 60 days includes
within 30). The file is UTF-8 with a byte-order mark, so that Excel reads the
schools' names right; printed on standard output, it has none. A text cell that
a spreadsheet would take for a formula (it starts with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return) is written with a leading ``'``.
"""

from __future__ import annotations

import csv
import io

from .record import count_due
from .schema import DUE_WINDOWS, Portfolio, School

COLUMNS = (
    "project",
    "school",
    "status",
    "open must",
    "open should",
    "open may",
    "waivers",
    "next waiver expiry",
    "overdue",
    *(f"due within {days} days" for days in DUE_WINDOWS),
    "drafts",
    "guidance changed",
    "input errors",
    "policy",
)


def safe(text: str | None) -> str:
    """A text cell a spreadsheet shows as text, never runs as a formula."""
    value = text or ""
    if value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def next_expiry(school: School) -> str:
    """The soonest expiry of a waiver still in date ("" when none)."""
    dates = [w["expires"] for w in school["waivers"] if w["expires"] and not w["expired"]]
    return min(dates) if dates else ""


def row(school: School) -> list[object]:
    return [
        safe(school["project"]),
        safe(school["school"]),
        school["status"],
        school["open"].get("must", 0),
        school["open"].get("should", 0),
        school["open"].get("may", 0),
        len(school["waivers"]),
        next_expiry(school),
        len(school["overdue"]),
        *(count_due(school, days) for days in DUE_WINDOWS),
        len(school["drafts"]),
        len(school["guidance_changed"]),
        len(school["input_errors"]),
        safe(school["html"]),
    ]


def render(portfolio: Portfolio) -> str:
    """The CSV text (lines end with ``\\n``)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for school in portfolio["schools"]:
        writer.writerow(row(school))
    return out.getvalue()
