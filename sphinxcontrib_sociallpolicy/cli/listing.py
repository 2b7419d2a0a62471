"""``sociallpolicy guidance [PACK]`` and ``sociallpolicy platforms``: what a policy
is checked against, and the platform catalogue with its minimum ages."""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from pathlib import Path
from typing import Any

import yaml

from ..options import OptionError, country_problem, parse_date
from . import EXIT_OK, UsageError


def add_parsers(commands: Any) -> None:
    guidance = commands.add_parser(
        "guidance",
        help="list the requirements of the guidance packs",
        description=(
            "List every requirement of a guidance pack (ID, severity, title, source). "
            "PACK is a built-in pack ID (kent-2010, uk-online-safety) or the path of a "
            "pack file; without PACK every built-in pack is listed."
        ),
    )
    guidance.add_argument(
        "pack", nargs="?", metavar="PACK", help="a pack ID or a pack file"
    )
    guidance.add_argument(
        "--format",
        choices=("table", "json", "yaml"),
        default="table",
        help="output format (default: table)",
    )
    guidance.add_argument(
        "--changes-since",
        metavar="DATE",
        help="list only the requirements added or changed after DATE (YYYY-MM-DD), "
        "e.g. the date the policy was last approved",
    )
    guidance.set_defaults(run=run_guidance)

    platforms = commands.add_parser(
        "platforms",
        help="list the platform catalogue with minimum ages",
        description=(
            "List the platforms of the built-in catalogue with the minimum age for a "
            "country, whether the school controls them, and when each fact was checked."
        ),
    )
    platforms.add_argument(
        "--country",
        default="GB",
        metavar="CC",
        help="two-letter country code for the minimum ages (default: GB)",
    )
    platforms.add_argument(
        "--on",
        metavar="DATE",
        help="the date the minimum ages are for, YYYY-MM-DD (default: today); an age "
        "that takes effect later is not yet shown",
    )
    platforms.add_argument(
        "--catalogue",
        action="append",
        default=[],
        metavar="FILE",
        help="an extra catalogue file that adds or overrides platforms (repeatable)",
    )
    platforms.set_defaults(run=run_platforms)


def _packs(name: str | None) -> list[Any]:
    from ..guidance import PackError, builtin_pack_ids, resolve_packs

    builtin = builtin_pack_ids()
    names = [name] if name else builtin
    if name and name not in builtin and not name.endswith((".yaml", ".yml")):
        # said here: resolve_packs's message is about sm_guidance in conf.py
        close = difflib.get_close_matches(name, builtin, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise UsageError(
            f"{name!r} is not a built-in guidance pack{hint} or a .yaml file; "
            "built-in packs: " + ", ".join(builtin)
        )
    try:
        return resolve_packs(names, Path.cwd())
    except PackError as error:
        raise UsageError(str(error)) from None


def requirement_rows(packs: list[Any], since: Any = None) -> list[dict[str, Any]]:
    """A row a requirement; with ``since``, only those added or changed after it."""
    rows = []
    for pack in packs:
        requirements = pack.changes_since(since) if since else pack.requirements
        for req in requirements:
            rows.append(
                {
                    "pack": pack.id,
                    "id": req.id,
                    "severity": req.severity,
                    "title": req.title,
                    "theme": req.theme,
                    "applies-to": list(req.applies_to),
                    "source": req.source,
                    "text": req.text,
                    "added": req.added.isoformat() if req.added else None,
                    "changed": req.changed.isoformat() if req.changed else None,
                    "checked-on": req.checked_on.isoformat() if req.checked_on else None,
                    "verified": req.verified,
                }
            )
    return rows


def _table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h)
        for i, h in enumerate(headers)
    ]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    out = [line.rstrip(), "  ".join("-" * w for w in widths)]
    for row in rows:
        out.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(out) + "\n"


def run_guidance(args: argparse.Namespace) -> int:
    since = (
        _date_argument("--changes-since", args.changes_since)
        if args.changes_since
        else None
    )
    packs = _packs(args.pack)
    rows = requirement_rows(packs, since)
    if args.format == "json":
        sys.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
    elif args.format == "yaml":
        sys.stdout.write(
            yaml.safe_dump(rows, sort_keys=False, allow_unicode=True, width=88)
        )
    else:
        for pack in packs:
            print(f"{pack.id}: {pack.title} (version {pack.version})")
            print(f"  source: {pack.source}")
            print()
        if since:
            sys.stdout.write(
                _table(
                    ["ID", "SEVERITY", "WHAT", "DATE", "TITLE"],
                    [
                        [
                            r["id"],
                            r["severity"],
                            "changed" if r["changed"] else "added",
                            r["changed"] or r["added"],
                            r["title"],
                        ]
                        for r in rows
                    ],
                )
            )
            print(
                f"\n{len(rows)} requirement{'s' if len(rows) != 1 else ''} added or "
                f"changed after {since.isoformat()}."
            )
            return EXIT_OK
        sys.stdout.write(
            _table(
                ["ID", "SEVERITY", "TITLE", "SOURCE"],
                [[r["id"], r["severity"], r["title"], r["source"]] for r in rows],
            )
        )
        print(f"\n{len(rows)} requirements.")
    return EXIT_OK


def _date_argument(flag: str, text: str) -> Any:
    """A ``YYYY-MM-DD`` argument as a date, or a usage error naming the flag: a real
    date within the years a policy date may fall in (as every date of a policy)."""
    try:
        return parse_date(text)
    except OptionError as error:
        shown = text if len(text) <= 40 else text[:37] + "..."
        raise UsageError(f"{flag} {shown!r} {error}; write e.g. 2026-09-01") from None


def run_platforms(args: argparse.Namespace) -> int:
    from ..guidance import PackError, load_catalogue

    country = args.country.strip().upper()
    if problem := country_problem(country):
        raise UsageError(f"--country {args.country!r} {problem}")
    on = _date_argument("--on", args.on) if args.on else None
    try:
        catalogue = load_catalogue([Path(p) for p in args.catalogue])
    except PackError as error:  # PlatformError: path:line: what is wrong
        raise UsageError(str(error)) from None
    rows = []
    for platform in sorted(catalogue, key=lambda p: p.id):
        fact = platform.min_age_fact(country, on)
        if fact is None or fact.age is None:
            age = "set by the school"
        else:
            age = str(fact.age)
            if fact.start is not None:
                age += f" (from {fact.start.isoformat()})"
        checked = (
            fact.fact.checked_on
            if fact is not None and fact.fact.checked_on is not None
            else platform.checked_on
        )
        rows.append(
            [
                platform.id,
                platform.name,
                platform.category,
                age,
                "yes" if platform.school_controlled else "no",
                "yes" if platform.premoderation else "no",
                checked.isoformat(),
                ", ".join(platform.unverified(country)) or "-",
            ]
        )
    sys.stdout.write(
        _table(
            [
                "ID",
                "NAME",
                "CATEGORY",
                f"MIN AGE ({country})",
                "SCHOOL-CONTROLLED",
                "PREMODERATION",
                "CHECKED",
                "NOT CONFIRMED",
            ],
            rows,
        )
    )
    files = ", ".join(str(p) for p in catalogue.paths)
    print(f"\n{len(rows)} platforms. Where each fact comes from is in: {files}")
    return EXIT_OK
