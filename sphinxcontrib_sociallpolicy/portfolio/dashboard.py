"""The portfolio's dashboard: one static, self-contained HTML page (``index.html``,
beside ``portfolio.json`` and ``portfolio.csv``) for the staff of a trust or a local
authority.

:func:`render` turns a :class:`~.schema.Portfolio` into the page. The page has:

- a headline: how many schools, how many pass, have findings or have input errors,
  the check date and the guidance;
- one row per school: its status in words, open findings by severity, waivers, what
  is overdue, drafts waiting, guidance changed since approval, input errors and a link
  to its built policy;
- each requirement across the schools: a sentence per requirement that some school
  has open ("3 of 30 schools have the requirement ... open: ..."), and the
  requirement x school grid in its own scrolling box, with the requirements most
  schools have open first;
- what is overdue, and what falls due in the next 30, 60 and 90 days;
- each school's requirements added or changed in its guidance since its approval;
- each school's input errors, at ``project/file:line``.

Everything the page shows is worked out here, into plain values; the template
(``templates/dashboard.html``, Jinja2 with autoescape) only lays them out, so every
value from a school's project is escaped. A link to a school's policy is made only
from a relative path; anything else (``javascript:``, ``https://``, ``//host``, an
absolute path) is shown as text.

The page has no script and fetches nothing: its styles are inline, so it can be
opened from a file, mailed or archived as it is.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2

from .schema import DUE_WINDOWS

TEMPLATES = Path(__file__).with_name("templates")

#: the severities in the order they are shown; any other comes after, by name
SEVERITIES = ("must", "should", "may")
#: the schools in this order: those with input errors first, then with findings
STATUS_ORDER = {"error": 0, "findings": 1, "pass": 2}
#: a school's status in words (the colour only helps)
STATUS_WORDS = {"pass": "Pass", "findings": "Findings", "error": "Input errors"}
#: a requirement's result at a school: (words in the grid, CSS state)
RESULT_WORDS = {
    "met": ("met", "met"),
    "attested": ("met", "met"),
    "open": ("open", "open"),
    "waived": ("waived", "waived"),
    "disabled": ("disabled", "off"),
    "not-applicable": ("n/a", "off"),
}
#: a requirement a school's results do not have: not in its guidance, or, for a
#: school with input errors, not checked at all
NOT_IN_GUIDANCE = ("n/a", "off")
NOT_CHECKED = ("not checked", "off")
#: above this many schools the grid does not fit on paper: the printed page shows
#: the sentences (which name the schools) instead
PRINT_GRID_MAX = 8

#: above this many schools their list has its own scrolling box (its header row in
#: view), so that the parts after it are not thousands of pixels down the page
LONG_LIST = 25

#: a URL scheme (``javascript:``, ``https:``, ``c:`` ...) at the start of a link
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")


def render(portfolio: Mapping[str, Any]) -> str:
    """The dashboard of ``portfolio`` (the content of ``portfolio.json``), as one
    HTML page."""
    return _template().render(page=view(portfolio))


@cache
def _template() -> jinja2.Template:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env.get_template("dashboard.html")


# --- the values the page shows ----------------------------------------------------------


def view(portfolio: Mapping[str, Any]) -> dict[str, Any]:
    """What the page shows, as plain values (the template only lays them out)."""
    checked_on = str(portfolio.get("checked_on") or "")
    raw_schools = sorted(
        portfolio.get("schools") or [],
        key=lambda s: STATUS_ORDER.get(s.get("status", ""), len(STATUS_ORDER)),
    )
    schools = [school_view(n, s) for n, s in enumerate(raw_schools, 1)]
    requirements = requirements_view(portfolio.get("requirements") or [], schools)
    titles = {r["id"]: r["title"] for r in requirements}
    for school in schools:
        for change in school["changed"]:
            change["title"] = titles.get(change["rule"], "")
    total = len(schools)
    counts = {
        status: sum(1 for s in schools if s["status"] == status) for status in STATUS_ORDER
    }
    open_total: dict[str, int] = {}
    for school in schools:
        for severity, n in school["open_counts"].items():
            open_total[severity] = open_total.get(severity, 0) + n
    return {
        "checked_on": checked_on,
        "generated": str(portfolio.get("generated") or ""),
        "tool": str(portfolio.get("tool") or ""),
        "shard": portfolio.get("shard"),
        "total": total,
        "schools_words": plural(total, "school"),
        "headline": headline(counts),
        "counts": counts,
        "open_words": severity_words(open_total) or "none",
        "guidance": guidance_words(portfolio.get("requirements") or []),
        "schools": schools,
        "requirements": requirements,
        "open_requirements": [r for r in requirements if r["open"]],
        "closed_requirements": sum(1 for r in requirements if not r["open"]),
        "grid_prints": total <= PRINT_GRID_MAX,
        "long_list": total > LONG_LIST,
        "overdue": overdue_view(schools),
        "due": due_view(schools, checked_on),
        "changed": [s for s in schools if s["changed"]],
        "errors": [s for s in schools if s["input_errors"]],
    }


def school_view(number: int, school: Mapping[str, Any]) -> dict[str, Any]:
    """One school's row, and what the other parts of the page need of it."""
    project = str(school.get("project") or "")
    name = str(school.get("school") or "") or project or f"School {number}"
    status = str(school.get("status") or "error")
    open_counts = {str(k): int(v) for k, v in (school.get("open") or {}).items()}
    waivers = list(school.get("waivers") or [])
    upcoming = [w for w in waivers if w.get("expires") and not w.get("expired")]
    expired = sum(1 for w in waivers if w.get("expired"))
    html = school.get("html")
    changed = [
        {
            "rule": str(c.get("rule") or ""),
            "severity": str(c.get("severity") or ""),
            "kind": str(c.get("kind") or ""),
            "on": str(c.get("on") or ""),
            "title": "",
        }
        for c in school.get("guidance_changed") or []
    ]
    errors = [
        {
            "where": where(project, str(e.get("path") or ""), int(e.get("line") or 0)),
            "message": str(e.get("message") or ""),
            "kind": str(e.get("kind") or ""),
        }
        for e in school.get("input_errors") or []
    ]
    return {
        "number": number,
        "anchor": f"school-{number}",
        "name": name,
        "project": project,
        "policy": school.get("policy"),
        "status": status,
        "status_words": STATUS_WORDS.get(status, status),
        "status_class": status if status in STATUS_WORDS else "other",
        "open_counts": open_counts,
        "open_words": severity_words(open_counts) or "none",
        "waivers": len(waivers),
        "waivers_expired": expired,
        "next_expiry": min((str(w["expires"]) for w in upcoming), default=None),
        "overdue": list(school.get("overdue") or []),
        "due": list(school.get("due") or []),
        "drafts": len(school.get("drafts") or []),
        "changed": changed,
        "changed_words": ", ".join(
            f"{n} {kind}"
            for kind in ("added", "changed")
            if (n := sum(1 for c in changed if c["kind"] == kind))
        ),
        "input_errors": errors,
        "results": dict(school.get("results") or {}),
        "link": policy_link(html),
        "html": None if html is None else str(html),
    }


def requirements_view(
    requirements: Iterable[Mapping[str, Any]], schools: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """Each requirement with its result at each school, those open at most schools
    first (then by severity and ID)."""
    total = len(schools)
    rows: list[dict[str, Any]] = []
    for req in requirements:
        rid = str(req.get("id") or "")
        cells = []
        for school in schools:
            result = school["results"].get(rid)
            if result is None:
                words, state = (
                    NOT_CHECKED if school["status"] == "error" else NOT_IN_GUIDANCE
                )
            else:
                words, state = RESULT_WORDS.get(str(result), (str(result), "off"))
            cells.append({"words": words, "state": state})
        open_at = [
            s["name"] for s, c in zip(schools, cells, strict=True) if c["state"] == "open"
        ]
        title = str(req.get("title") or "") or rid
        severity = str(req.get("severity") or "")
        rows.append(
            {
                "id": rid,
                "title": title,
                "severity": severity,
                "cells": cells,
                "open": len(open_at),
                "open_at": open_at,
                "waived": sum(1 for c in cells if c["state"] == "waived"),
                "met": sum(1 for c in cells if c["state"] == "met"),
                "sentence": open_sentence(len(open_at), total, title),
            }
        )
    rows.sort(key=lambda r: (-r["open"], severity_rank(r["severity"]), r["id"]))
    return rows


def open_sentence(n: int, total: int, title: str) -> str:
    """ "3 of 30 schools have the requirement “title” open" (the title quoted: it
    reads as a name whatever its wording)."""
    verb = "has" if n == 1 else "have"
    return f"{n} of {plural(total, 'school')} {verb} the requirement “{title}” open"


def overdue_view(schools: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """What is overdue at every school, oldest first."""
    rows = [dated_row(school, d) for school in schools for d in school["overdue"]]
    rows.sort(key=lambda r: (r["days"], r["due"], r["school"]["number"]))
    return rows


def due_view(schools: Sequence[Mapping[str, Any]], checked_on: str) -> list[dict[str, Any]]:
    """What falls due at every school, soonest first, in the windows of
    :data:`~.schema.DUE_WINDOWS` (30, 60 and 90 days from the check date)."""
    try:
        day: dt.date | None = dt.date.fromisoformat(checked_on)
    except ValueError:
        day = None
    windows = []
    start = 0
    for end in DUE_WINDOWS:
        rows = [
            dated_row(school, d)
            for school in schools
            for d in school["due"]
            if start <= int(d.get("days") or 0) <= end
            or (start == 0 and int(d.get("days") or 0) < 0)
        ]
        rows.sort(key=lambda r: (r["days"], r["due"], r["school"]["number"]))
        first = "the next" if start == 0 else f"{start + 1} to"
        windows.append(
            {
                "anchor": f"due-{end}",
                "days": end,
                "title": f"In {first} {end} days",
                "until": (day + dt.timedelta(days=end)).isoformat() if day else None,
                "rows": rows,
            }
        )
        start = end
    return windows


def dated_row(school: Mapping[str, Any], dated: Mapping[str, Any]) -> dict[str, Any]:
    days = int(dated.get("days") or 0)
    if days < 0:
        when = f"{plural(-days, 'day')} overdue"
    elif days == 0:
        when = "today"
    else:
        when = f"in {plural(days, 'day')}"
    return {
        "school": school,
        "what": str(dated.get("what") or ""),
        "item": str(dated.get("item") or ""),
        "title": str(dated.get("title") or ""),
        "due": str(dated.get("due") or ""),
        "days": days,
        "when": when,
    }


# --- words -------------------------------------------------------------------------------


def plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def headline(counts: Mapping[str, int]) -> list[tuple[str, str]]:
    """(status, words) for the headline: "2 schools pass", "1 school has findings" ..."""
    one = {"pass": "passes", "findings": "has findings", "error": "has input errors"}
    many = {"pass": "pass", "findings": "have findings", "error": "have input errors"}
    return [
        (
            status,
            f"{plural(counts[status], 'school')} "
            f"{(one if counts[status] == 1 else many)[status]}",
        )
        for status in ("pass", "findings", "error")
    ]


def severity_rank(severity: str) -> tuple[int, str]:
    if severity in SEVERITIES:
        return SEVERITIES.index(severity), ""
    return len(SEVERITIES), severity


def severity_words(counts: Mapping[str, int]) -> str:
    """ "2 must, 1 may" (severities with none left out; "" when there are none)."""
    return ", ".join(
        f"{counts[s]} {s}" for s in sorted(counts, key=severity_rank) if counts[s]
    )


def guidance_words(requirements: Iterable[Mapping[str, Any]]) -> list[str]:
    """The guidance packs the requirements come from, and "the schools' own
    requirements" when some are a school's own."""
    packs = sorted({str(r["pack"]) for r in requirements if r.get("pack")})
    if any(not r.get("pack") for r in requirements):
        packs.append("the schools' own requirements")
    return packs


def where(project: str, path: str, line: int) -> str:
    """``project/path:line`` of an input error (the project alone when no file)."""
    place = "/".join(p for p in (project.rstrip("/"), path) if p)
    return f"{place}:{line}" if path and line else place


def policy_link(path: object) -> str | None:
    """The ``href`` of a school's built policy, or None when ``path`` is no plain
    relative path (it then shows as text): a scheme (``javascript:``, ``https:``),
    a host (``//``), an absolute path, a backslash or a control character is
    refused. The path is percent-encoded."""
    if not isinstance(path, str) or not path:
        return None
    if (
        path != path.strip()
        or any(ord(c) < 0x20 or ord(c) == 0x7F for c in path)
        or "\\" in path
        or path.startswith("/")
        or _SCHEME.match(path)
    ):
        return None
    return quote(path, safe="/")
