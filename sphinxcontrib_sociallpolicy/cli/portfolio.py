"""``sociallpolicy portfolio DIR...`` and ``sociallpolicy portfolio merge FILE...``:
many schools checked together, for a trust or a local authority (SPEC section 8).

The engine is :mod:`..portfolio`; this module reads the command line, prints and
sets the exit code: 0 every school passes, 1 any school has findings, 2 any school
has input errors (or the command itself was given something it cannot use).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from . import EXIT_ERROR, UsageError

FORMATS = ("text", "json", "csv")
DEFAULT_OUTPUT = "portfolio"

USAGE = (
    "sociallpolicy portfolio DIR... [-j N] [--output DIR] [--shard K/N] "
    "[--format {text,json,csv}] [--cache DIR] [--no-cache] [--no-html]"
    "\n   or: sociallpolicy portfolio merge FILE... --output DIR [--format {text,json,csv}]"
)


def add_parser(commands: Any) -> None:
    from ..portfolio.cache import DEFAULT_CACHE

    parser = commands.add_parser(
        "portfolio",
        usage=USAGE,
        help="check many schools' policies and write a portfolio (JSON, CSV, dashboard)",
        description=(
            "Check many schools' policy projects, in parallel, and write portfolio.json, "
            "portfolio.csv and the dashboard index.html into the output folder, with "
            "each school's built policy under schools/. Each DIR is a school's project "
            "(the folder of its conf.py) or a folder of such projects. With 'merge', "
            "join the portfolio.json files of the shards of one run (--shard) instead. "
            "Exit 0 when every school passes, 1 when any school has findings, 2 when "
            "any school has input errors."
        ),
    )
    parser.add_argument(
        "dirs",
        nargs="+",
        metavar="DIR",
        help="a school's project or a folder of them; or 'merge' followed by the "
        "shards' portfolio.json files",
    )
    parser.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=None,
        metavar="N",
        help="how many schools to check at a time, each in its own process (default: 1)",
    )
    parser.add_argument(
        "--output",
        metavar="DIR",
        default=None,
        help=f"the folder to write into (default: {DEFAULT_OUTPUT})",
    )
    parser.add_argument(
        "--shard",
        metavar="K/N",
        default=None,
        help="check only the K-th of N parts of the schools (those whose position in "
        "the sorted list, from 0, is K-1 modulo N), for a CI matrix; merge the parts "
        "with 'portfolio merge'",
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="what to print: a line per school and a summary (text), or the JSON or "
        "CSV file (default: text)",
    )
    parser.add_argument(
        "--cache",
        metavar="DIR",
        default=None,
        help="the cache folder: a school whose files have not changed since the last "
        f"run is not checked again (default: {DEFAULT_CACHE})",
    )
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="check every school, and neither read nor write the cache",
    )
    parser.add_argument(
        "--no-html",
        action="store_true",
        help="check only: do not build each school's policy to HTML (about half the "
        "time per school; the dashboard then has no links to the policies)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.dirs[0] == "merge":
        return run_merge(args)
    return run_check(args)


def _output_folder(text: str) -> Path:
    path = Path(text)
    if path.exists() and not path.is_dir():
        raise UsageError(f"--output {path} is a file; give a folder to write into")
    return path


def _print(text: str) -> None:
    sys.stdout.write(text)


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def run_check(args: argparse.Namespace) -> int:
    from ..config import build_date
    from ..portfolio.cache import DEFAULT_CACHE, Cache
    from ..portfolio.run import check_schools, discover, in_shard, parse_shard
    from ..reports import generated_at

    jobs = 1 if args.jobs is None else args.jobs
    if jobs < 1:
        raise UsageError(f"-j {jobs}: give how many schools to check at a time, 1 or more")
    shard = None
    if args.shard is not None:
        try:
            shard = parse_shard(args.shard)
        except ValueError as error:
            raise UsageError(str(error)) from None
    output = _output_folder(args.output or DEFAULT_OUTPUT)
    cache = None
    if not args.no_cache:
        cache = Cache(Path(args.cache or DEFAULT_CACHE))
        try:
            cache.prepare()
        except OSError as error:
            raise UsageError(
                f"--cache {cache.folder}: cannot make the cache folder "
                f"({error.strerror or error}); choose another with --cache, or use "
                "--no-cache"
            ) from None
    elif args.cache is not None:
        raise UsageError("--cache and --no-cache contradict each other; give one")
    targets = in_shard(discover(list(args.dirs)), shard)
    checked_on = build_date().isoformat()

    def progress(done: int, total: int) -> None:
        step = max(1, -(-total // 10))
        if total >= 20 and (done % step == 0 or done == total):
            _say(f"checked {done} of {total} schools")

    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(
            f"--output {output}: cannot make the folder ({error.strerror or error}); "
            "choose another place for the output"
        ) from None
    result = check_schools(
        targets,
        jobs=jobs,
        output=output,
        html=not args.no_html,
        cache=cache,
        checked_on=checked_on,
        progress=progress,
    )
    from ..portfolio.assemble import portfolio

    data = portfolio(
        result.schools,
        result.requirements,
        checked_on=checked_on,
        shard=f"{shard[0]}/{shard[1]}" if shard else None,
        generated=generated_at(),
    )
    return _finish(args, data, output, result.cached)


def _finish(args: argparse.Namespace, data: Any, output: Path, cached: Any) -> int:
    from ..portfolio.output import render, write

    code = int(data["exit"])
    try:
        written = write(data, output)
    except OSError as error:
        raise UsageError(
            f"--output {output}: cannot write the portfolio ({error.strerror or error}); "
            "choose another place for the output"
        ) from None
    except Exception as error:  # noqa: BLE001 - the dashboard's own failure
        written = []
        _say(
            f"error: the dashboard index.html could not be made ({type(error).__name__}: "
            f"{' '.join(str(error).split())}); portfolio.json and portfolio.csv are "
            f"complete in {output}"
        )
        code = EXIT_ERROR
    _print(render(args.format, data, cached))
    if written:
        _say("written: " + ", ".join(os.path.relpath(p) for p in written))
    return code


def run_merge(args: argparse.Namespace) -> int:
    from ..portfolio.merge import MergeError, copy_sites, merge
    from ..reports import generated_at

    files = [Path(f) for f in args.dirs[1:]]
    if not files:
        raise UsageError("portfolio merge: give the shards' portfolio.json files")
    if args.output is None:
        raise UsageError(
            "portfolio merge: give the folder to write the merged portfolio into with "
            "--output DIR"
        )
    for flag, given in (
        ("-j", args.jobs is not None),
        ("--shard", args.shard is not None),
        ("--cache", args.cache is not None),
        ("--no-cache", args.no_cache),
        ("--no-html", args.no_html),
    ):
        if given:
            raise UsageError(
                f"portfolio merge: {flag} is for checking schools, not merging"
            )
    output = _output_folder(args.output)
    try:
        data, origin = merge(files, generated=generated_at())
    except MergeError as error:
        raise UsageError(f"portfolio merge: {error}") from None
    try:
        output.mkdir(parents=True, exist_ok=True)
        missing = copy_sites(data, origin, output)
    except OSError as error:
        raise UsageError(
            f"--output {output}: cannot copy the schools' policies into it "
            f"({error.strerror or error}); choose another place for the output"
        ) from None
    for message in missing:
        _say(f"warning: {message}")
    return _finish(args, data, output, ())
