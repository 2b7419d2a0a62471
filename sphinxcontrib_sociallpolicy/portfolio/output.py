"""What the portfolio writes: ``portfolio.json``, ``portfolio.csv``, the dashboard
``index.html``, each school's built policy under ``schools/``, and the text
printed on standard output."""

from __future__ import annotations

import json
from collections.abc import Collection
from pathlib import Path

from ..options import strip_controls
from . import spreadsheet
from .record import count_due
from .schema import DUE_WINDOWS, Portfolio, School

JSON_FILE = "portfolio.json"
CSV_FILE = "portfolio.csv"
HTML_FILE = "index.html"
#: input errors printed per school in the text output (all are in the JSON)
ERRORS_SHOWN = 10


def to_json(portfolio: Portfolio) -> str:
    return json.dumps(portfolio, indent=2, ensure_ascii=False) + "\n"


def dashboard(portfolio: Portfolio) -> str | None:
    """The dashboard page, or None when this installation has no dashboard module
    (portfolio.json and portfolio.csv are complete without it)."""
    try:
        from .dashboard import render
    except ImportError:
        return None
    return render(portfolio)  # type: ignore[arg-type]


def write(portfolio: Portfolio, output: Path) -> list[Path]:
    """Write the files into ``output`` (made if need be); returns what was written.
    Raises OSError, or the dashboard's error."""
    output.mkdir(parents=True, exist_ok=True)
    written = []
    path = output / JSON_FILE
    path.write_text(to_json(portfolio), encoding="utf-8")
    written.append(path)
    path = output / CSV_FILE
    # with a byte-order mark: Excel then reads UTF-8 (schools' names with accents)
    path.write_text(spreadsheet.render(portfolio), encoding="utf-8-sig")
    written.append(path)
    page = dashboard(portfolio)
    if page is not None:
        path = output / HTML_FILE
        path.write_text(page, encoding="utf-8")
        written.append(path)
    return written


def _plural(n: int, word: str, words: str | None = None) -> str:
    return f"{n} {word if n == 1 else (words or word + 's')}"


def school_line(school: School, cached: bool) -> list[str]:
    """One line for the school with its status and counts; then, for a school with
    input errors, each error at its file and line."""
    name = f" ({school['school']})" if school["school"] else ""
    opened = school["open"]
    parts = []
    if school["status"] != "error" or any(opened.values()):
        total = sum(opened.values())
        parts.append(
            "no open finding"
            if not total
            else f"{_plural(total, 'open finding')} ("
            + ", ".join(f"{n} {s}" for s, n in opened.items())
            + ")"
        )
    for key, word, words in (
        ("input_errors", "input error", None),
        ("waivers", "waiver", None),
        ("overdue", "overdue", "overdue"),
        ("drafts", "draft", None),
        (
            "guidance_changed",
            "guidance change since approval",
            "guidance changes since approval",
        ),
    ):
        n = len(school[key])  # type: ignore[literal-required]
        if n:
            parts.append(_plural(n, word, words))
    soon = count_due(school, DUE_WINDOWS[-1])
    if soon:
        parts.append(f"{soon} due within {DUE_WINDOWS[-1]} days")
    tail = " (from the cache)" if cached else ""
    lines = [f"{school['status']:<8} {school['project']}{name}: {'; '.join(parts)}{tail}"]
    errors = school["input_errors"]
    for error in errors[:ERRORS_SHOWN]:
        where = "/".join(p for p in (school["project"], error["path"]) if p)
        if error["line"]:
            where += f":{error['line']}"
        kind = f" [{error['kind']}]" if error["kind"] else ""
        lines.append(f"         {where}: {' '.join(error['message'].split())}{kind}")
    if len(errors) > ERRORS_SHOWN:
        lines.append(
            f"         ... and {len(errors) - ERRORS_SHOWN} more (all are in {JSON_FILE})"
        )
    return lines


def text(portfolio: Portfolio, cached: Collection[str] = ()) -> str:
    """One line per school with its status and counts, then a summary."""
    lines: list[str] = []
    for school in portfolio["schools"]:
        lines.extend(school_line(school, school["project"] in cached))
    status = portfolio["summary"]["status"]
    n = portfolio["summary"]["schools"]
    shard = f" (shard {portfolio['shard']})" if portfolio["shard"] else ""
    from_cache = sum(1 for s in portfolio["schools"] if s["project"] in cached)
    lines.append(
        f"{_plural(n, 'school')}{shard} checked on {portfolio['checked_on']}: "
        f"{status['pass']} pass, {status['findings']} with findings, "
        f"{status['error']} with input errors; "
        f"{n - from_cache} checked, {from_cache} from the cache."
    )
    verdict = {
        0: "PASSED: every school passes.",
        1: "FAILED: some schools have open findings.",
        2: "FAILED: some schools have input errors to fix first.",
    }[portfolio["exit"]]
    lines.append(verdict)
    return strip_controls("\n".join(lines) + "\n")


def render(fmt: str, portfolio: Portfolio, cached: Collection[str] = ()) -> str:
    """What is printed on standard output in ``fmt`` (text, json, csv)."""
    if fmt == "json":
        return to_json(portfolio)
    if fmt == "csv":
        return spreadsheet.render(portfolio)
    return text(portfolio, cached)
