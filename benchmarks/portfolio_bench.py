"""Portfolio benchmark: ``sociallpolicy portfolio`` over many generated schools.

Generates N school projects from the example policy (``example_project/``), each
varied (the school's name, the people, the dates of training and checks), and plants
gaps in a fifth of them (comments left open on a service the school does not
control, a training record without its date, an overdue policy review, a school
document past its review date). Then, in one run, it measures:

- a full portfolio check at ``-j 1`` and at ``-j 2`` (fresh cache and output each);
- the full check at a quarter and at half of N (``-j 2``), for the growth with N;
- a re-check after one school changed (the cache of the ``-j 2`` run);
- time per school, and the peak memory of the largest process.

Each check is the command a trust would run (``sociallpolicy portfolio SCHOOLS -j J
--output OUT --cache CACHE``), in a subprocess, timed from outside. It prints a table
and the targets of issue 13: cost linear in N (time per school within 20% across
sizes), ``-j 2`` at least 1.7x faster than ``-j 1``, and the re-check at most 5% of
the full check. ``--json FILE`` writes the figures.

    python benchmarks/portfolio_bench.py                  # 300 schools
    python benchmarks/portfolio_bench.py --schools 40     # a quick run
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "example_project"
TODAY = "2026-12-02"

FIRST = ["Amy", "Ben", "Chloe", "Dev", "Ella", "Femi", "Grace", "Hamza", "Isla", "Jon"]
LAST = ["Patel", "Owusu", "Green", "Singh", "Brown", "Jones", "Khan", "Evans", "Nowak"]
PLACES = ["Ashford", "Brook", "Castle", "Dale", "Elm", "Fern", "Glen", "Hill", "Iver"]
KINDS = ["Primary School", "Infant School", "Junior School", "Church of England Primary"]

#: the gaps planted in a fifth of the schools: (what, file, pattern, replacement)
GAPS = [
    ("comments open", "tools.rst", r":comments: premoderated", ":comments: open"),
    ("training undated", "staff.rst", r"\n   :last-done: \d{4}-\d\d-\d\d", ""),
    (
        "review overdue",
        "index.rst",
        r":next-review: \d{4}-\d\d-\d\d",
        ":next-review: 2026-06-01",
    ),
    (
        "document out of date",
        "introduction.rst",
        r":next-review: \d{4}-\d\d-\d\d",
        ":next-review: 2026-06-01",
    ),
]


def make_school(number: int, folder: Path, rng: random.Random, gaps: list[tuple]) -> None:
    """One school's project: the example, renamed and varied, with ``gaps``."""
    shutil.copytree(EXAMPLE, folder)
    name = f"{rng.choice(PLACES)} {rng.choice(KINDS)} {number:03d}"
    people = {
        "Ms A Patel": f"Ms {rng.choice(FIRST)[0]} {rng.choice(LAST)}",
        "Mr J Owusu": f"Mr {rng.choice(FIRST)[0]} {rng.choice(LAST)}",
    }
    shift = rng.randint(0, 20)  # training and checks done up to 20 days earlier
    for rst in folder.glob("*.rst"):
        text = rst.read_text("utf-8").replace("Oakfield Primary School", name)
        for old, new in people.items():
            text = text.replace(old, new)
        text = re.sub(
            r":last-done: (\d{4})-(\d\d)-(\d\d)",
            lambda m: ":last-done: " + _earlier(m.group(0)[12:], shift),
            text,
        )
        rst.write_text(text, "utf-8")
    for _, file, pattern, replacement in gaps:
        path = folder / file
        path.write_text(re.sub(pattern, replacement, path.read_text("utf-8"), count=1))
    conf = folder / "conf.py"
    text = conf.read_text("utf-8").replace("Oakfield Primary School", name)
    # a fixed date: the figures do not change from one day to the next
    conf.write_text(text + f'\nsm_today = "{TODAY}"\n', "utf-8")


def _earlier(day: str, days: int) -> str:
    import datetime as dt

    return (dt.date.fromisoformat(day) - dt.timedelta(days=days)).isoformat()


def generate(count: int, folder: Path, seed: int) -> dict[str, list[str]]:
    """``count`` schools in ``folder``; returns the planted gaps by school."""
    rng = random.Random(seed)
    planted: dict[str, list[str]] = {}
    with_gaps = set(rng.sample(range(count), count // 5))
    for number in range(count):
        gaps = rng.sample(GAPS, rng.randint(1, 3)) if number in with_gaps else []
        school = f"school-{number:03d}"
        make_school(number, folder / school, rng, gaps)
        if gaps:
            planted[school] = [g[0] for g in gaps]
    return planted


def portfolio(schools: list[Path], jobs: int, out: Path, cache: Path) -> dict:
    """Run the portfolio check; its wall time, exit code and peak memory."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    command = [
        sys.executable, "-m", "sphinxcontrib_sociallpolicy.cli", "portfolio",
        *map(str, schools), "-j", str(jobs), "--output", str(out), "--cache", str(cache),
    ]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    took = time.perf_counter() - started
    if result.returncode not in (0, 1):
        sys.exit(f"portfolio failed ({result.returncode}):\n{result.stderr[-3000:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {
        "seconds": round(took, 2),
        "exit": result.returncode,
        "schools": len(schools),
        "per_school": round(took / len(schools), 3),
        # ru_maxrss is in KiB on Linux: the largest child waited for so far
        "peak_mib": round(max(peak, before) / 1024, 1),
        "cached": result.stdout.count("(cached)"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--schools", type=int, default=300)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="sm-portfolio-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    schools_dir = work / "schools"
    if schools_dir.exists():
        shutil.rmtree(schools_dir)
    planted = generate(args.schools, schools_dir, args.seed)
    schools = sorted(schools_dir.iterdir())
    print(f"{len(schools)} schools in {schools_dir}, {len(planted)} with planted gaps")

    def fresh(name: str) -> tuple[Path, Path]:
        out, cache = work / f"out-{name}", work / f"cache-{name}"
        for folder in (out, cache):
            shutil.rmtree(folder, ignore_errors=True)
        return out, cache

    figures: dict[str, dict] = {}
    for label, count in (("quarter", len(schools) // 4), ("half", len(schools) // 2)):
        out, cache = fresh(label)
        figures[f"j2 {count} schools"] = portfolio(schools[:count], 2, out, cache)
    out1, cache1 = fresh("j1")
    figures["j1 full"] = portfolio(schools, 1, out1, cache1)
    out2, cache2 = fresh("j2")
    figures["j2 full"] = portfolio(schools, 2, out2, cache2)
    # one school changes: a tool's comments are reworded
    tools = schools[len(schools) // 2] / "tools.rst"
    tools.write_text(tools.read_text("utf-8").replace("Parents", "Families", 1), "utf-8")
    figures["j2 re-check after one change"] = portfolio(schools, 2, out2, cache2)

    # a gap is found when its school has more open findings than any school without
    # one (a gap of 'should' severity leaves the school passing, but is reported)
    report = json.loads((out2 / "portfolio.json").read_text("utf-8"))
    opened = {
        s["project"].rsplit("/", 1)[-1]: sum(s["open"].values()) for s in report["schools"]
    }
    clean = max(n for school, n in opened.items() if school not in planted)
    missed = [school for school in planted if opened[school] <= clean]

    print(f"\n{'run':34} {'schools':>7} {'seconds':>8} {'per school':>10} {'peak MiB':>8}")
    for label, f in figures.items():
        print(
            f"{label:34} {f['schools']:>7} {f['seconds']:>8.1f} {f['per_school']:>10.3f} "
            f"{f['peak_mib']:>8.1f}"
        )
    per = [
        f["per_school"]
        for k, f in figures.items()
        if k.startswith("j2") and "re-check" not in k
    ]
    spread = max(per) / min(per) - 1
    speedup = figures["j1 full"]["seconds"] / figures["j2 full"]["seconds"]
    recheck = (
        figures["j2 re-check after one change"]["seconds"] / figures["j2 full"]["seconds"]
    )
    targets = {
        "linear: time per school within 20% across sizes": (
            spread <= 0.20,
            f"{spread:.0%}",
        ),
        "-j 2 at least 1.7x faster than -j 1": (speedup >= 1.7, f"{speedup:.2f}x"),
        "re-check after one change at most 5% of the full check": (
            recheck <= 0.05,
            f"{recheck:.1%}",
        ),
        "every planted gap found": (
            not missed,
            f"{len(planted) - len(missed)}/{len(planted)}",
        ),
    }
    print()
    for what, (ok, value) in targets.items():
        print(f"{'met ' if ok else 'MISS'} {what}: {value}")
    if args.json:
        args.json.write_text(
            json.dumps(
                {"figures": figures, "targets": {k: v[1] for k, v in targets.items()}},
                indent=2,
            )
        )
    if args.workdir is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if all(ok for ok, _ in targets.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
