"""Build-speed benchmark: sphinxcontrib-sociallpolicy against plain Sphinx and plain
sphinx-needs.

It generates three Sphinx projects holding the same text for a policy of N items
(tools, safeguards, risks spread over a number of documents), builds each with a full,
fresh, serial HTML build in a subprocess, several times, interleaved, and prints the
median wall time of each and its ratio to plain Sphinx.

- ``plain``: plain Sphinx; each item is an ``admonition`` holding a field list of its
  facts and a paragraph of text.
- ``needs``: plain sphinx-needs; each item is a ``need`` with the same facts as
  ``needs_fields`` and the links as ``needs_links``, rendered the default way.
- ``sociallpolicy``: this extension; each item is an ``sm-tool``, ``sm-control`` or
  ``sm-risk`` (and the index holds the one ``sm-policy``); ``--rules`` (the default)
  checks it against the ``kent-2010`` and ``uk-online-safety`` packs.

Run from the repository root::

    python benchmarks/bench.py                      # N=4000, 3 rounds
    python benchmarks/bench.py --items 200 --repeat 1
    python benchmarks/bench.py --profile            # cProfile of our build too

``main(argv) -> int`` is importable (for a smoke test). Nothing here imports Sphinx or
the extension: builds run in subprocesses with the same Python (``--python`` to change).
"""

from __future__ import annotations

import argparse
import json
import os
import platform as _platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

VARIANTS = ("plain", "needs", "sociallpolicy")

# --- the policy model: the same items for every variant ------------------------------

# Platform IDs from the built-in catalogue (guidance/platforms.yaml) and fitting accounts.
PLATFORMS = {
    "facebook": ("page", "group"),
    "instagram": ("profile",),
    "x": ("profile",),
    "youtube": ("channel",),
    "tiktok": ("profile",),
    "blog": ("site",),
    "wiki": ("site",),
    "learning-platform": ("class",),
    "school-website": ("site",),
    "seesaw": ("class",),
    "padlet": ("class",),
    "google-classroom": ("class",),
    "microsoft-teams": ("class", "group"),
    "classdojo": ("class",),
    "linkedin": ("page",),
    "mastodon": ("profile",),
}
PURPOSES = (
    "announcements",
    "discussion",
    "showcase",
    "collaboration",
    "learning",
    "engagement",
)
AUDIENCES = ("parents", "pupils", "staff", "community", "governors")
VISIBILITIES = ("public", "private", "closed")
COMMENTS = ("off", "premoderated", "postmoderated", "open")
MEMBERSHIPS = ("open", "request", "invite", "school-accounts")
MODERATIONS = ("hourly", "daily", "weekly", "termly")
CONTROL_KINDS = (
    "comment-premoderation",
    "membership-approval",
    "privacy-settings",
    "professional-accounts",
    "staff-training",
    "pupil-training",
    "parent-awareness",
    "digital-inclusion",
    "audience-consultation",
    "acceptable-use",
    "image-consent",
    "house-rules",
    "two-step-verification",
    "second-approver",
    "follower-audit",
    "incident-reporting",
    "access-review",
    "other",
)
FREQUENCIES = ("continuous", "daily", "weekly", "monthly", "termly", "annual", "once")
RISK_CATEGORIES = ("content", "contact", "conduct", "commerce")
PEOPLE = (
    "Ms A Patel",
    "Mr J Owusu",
    "Mrs K Brown",
    "Mr R Singh",
    "Mrs S Green",
    "Ms L Chen",
    "Mr D Evans",
    "Ms F Ahmed",
    "Mrs H Novak",
    "Mr T O'Brien",
    "Ms E Kowalski",
    "Mr B Adeyemi",
)
APPROVERS = ("Mrs S Green (headteacher)", "Senior leadership team", "Governing Board")
WORDS = (
    "pupils parents staff school class share work photos news events celebrate learning "
    "safely online account privacy settings moderate comments reply weekly reminders "
    "trips assemblies homework projects community governors consent images names "
    "report concern designated lead records training reviewed approved termly posts "
    "followers messages group page channel site blog wiki teacher headteacher office"
).split()

#: option names whose need field is a list / an integer (as the extension declares them)
LIST_OPTIONS = {
    "purpose",
    "audience",
    "owner",
    "admins",
    "assessed-by",
    "dsl",
    "email-domains",
}
INT_OPTIONS = {
    "likelihood",
    "impact",
    "residual-likelihood",
    "residual-impact",
    "review-cycle",
}
LINK_OPTIONS = {
    "applies-to": ("applies to", "safeguarded by"),
    "affects": ("affects", "at risk from"),
    "mitigated-by": ("mitigated by", "mitigates"),
}


@dataclass
class Item:
    kind: str  # policy, tool, control, risk
    id: str
    title: str
    #: (option name as the directive writes it, value), in the order written
    facts: list[tuple[str, str]]
    body: str
    doc: int = -1  # index of its document; -1: the index


@dataclass
class Model:
    policy: Item
    items: list[Item] = field(default_factory=list)
    n_docs: int = 40


def _date(rng: random.Random, year: int) -> str:
    return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def _body(rng: random.Random) -> str:
    return " ".join(_sentence(rng, rng.randint(8, 14)) for _ in range(rng.randint(3, 5)))


def _some(
    rng: random.Random, values: tuple[str, ...] | list[str], lo: int, hi: int
) -> list[str]:
    return rng.sample(list(values), rng.randint(lo, min(hi, len(values))))


def make_model(n_items: int, n_docs: int, seed: int = 2010) -> Model:
    """The same deterministic policy for every variant."""
    rng = random.Random(seed)
    n_tools = max(1, n_items // 4)
    n_controls = max(1, n_items // 2)
    n_risks = max(1, n_items - n_tools - n_controls)
    tool_ids = [f"TOOL_{i:04d}" for i in range(1, n_tools + 1)]
    ctrl_ids = [f"CTRL_{i:04d}" for i in range(1, n_controls + 1)]
    items: list[Item] = []
    for number, tool_id in enumerate(tool_ids, 1):
        plat = rng.choice(list(PLATFORMS))
        account = rng.choice(PLATFORMS[plat])
        purpose = _some(rng, PURPOSES, 1, 2)
        audience = _some(rng, AUDIENCES, 1, 2)
        owner = rng.choice(PEOPLE)
        admins = [owner, *rng.sample([p for p in PEOPLE if p != owner], 1)]
        facts = [
            ("platform", plat),
            ("purpose", ", ".join(purpose)),
            ("audience", ", ".join(audience)),
            ("account", account),
            ("visibility", rng.choice(VISIBILITIES)),
            ("comments", rng.choice(COMMENTS)),
            ("membership", rng.choice(MEMBERSHIPS)),
            ("owner", owner),
            ("admins", ", ".join(admins)),
            ("moderation", rng.choice(MODERATIONS)),
            ("contact-email", f"office{number}@oakfield.sch.uk"),
            ("url", f"https://social.example.org/oakfield/{plat}/{number}"),
            ("approved-by", rng.choice(APPROVERS)),
            ("approved-on", _date(rng, 2026)),
            ("next-review", _date(rng, 2027)),
            ("justification", _sentence(rng, 10)),
        ]
        title = f"{plat.replace('-', ' ').title()} {account} {number} for {audience[0]}"
        items.append(Item("tool", tool_id, title, facts, _body(rng)))
    for number, ctrl_id in enumerate(ctrl_ids, 1):
        kind = rng.choice(CONTROL_KINDS)
        facts = [
            ("kind", kind),
            ("applies-to", ", ".join(sorted(_some(rng, tool_ids, 1, 3)))),
            ("owner", rng.choice(PEOPLE)),
            ("frequency", rng.choice(FREQUENCIES)),
            ("last-done", _date(rng, 2026)),
            ("evidence", _sentence(rng, 7)),
        ]
        title = f"{kind.replace('-', ' ').capitalize()} {number}"
        items.append(Item("control", ctrl_id, title, facts, _body(rng)))
    for number in range(1, n_risks + 1):
        likelihood, impact = rng.randint(1, 5), rng.randint(1, 5)
        category = rng.choice(RISK_CATEGORIES)
        facts = [
            ("affects", ", ".join(sorted(_some(rng, tool_ids, 1, 2)))),
            ("category", category),
            ("likelihood", str(likelihood)),
            ("impact", str(impact)),
            ("mitigated-by", ", ".join(sorted(_some(rng, ctrl_ids, 1, 3)))),
            ("residual-likelihood", str(rng.randint(1, likelihood))),
            ("residual-impact", str(rng.randint(1, impact))),
            ("owner", rng.choice(PEOPLE)),
            ("assessed-by", rng.choice(PEOPLE)),
            ("assessed-on", _date(rng, 2026)),
        ]
        title = f"{category.capitalize()} risk {number}"
        items.append(Item("risk", f"RISK_{number:04d}", title, facts, _body(rng)))

    # spread the items over the documents: shuffled, then each document in kind order
    order = list(range(len(items)))
    rng.shuffle(order)
    n_docs = max(1, min(n_docs, len(items)))
    for position, index in enumerate(order):
        items[index].doc = position * n_docs // len(items)

    policy = Item(
        "policy",
        "POLICY",
        "Social media policy",
        [
            ("school", "Oakfield Primary School"),
            ("country", "GB"),
            ("phase", "primary"),
            ("pupil-ages", "4-11"),
            ("owner", "Ms A Patel"),
            ("dsl", "Mr J Owusu"),
            ("approved-by", "Governing Board"),
            ("approved-on", "2026-09-01"),
            ("review-cycle", "12"),
            ("next-review", "2027-09-01"),
            ("email-domains", "oakfield.sch.uk"),
        ],
        "How Oakfield Primary School uses social media safely.",
    )
    return Model(policy, items, n_docs)


# --- rendering each variant ----------------------------------------------------------

DIRECTIVES = {
    "policy": "sm-policy",
    "tool": "sm-tool",
    "control": "sm-control",
    "risk": "sm-risk",
}
KIND_ORDER = {"tool": 0, "control": 1, "risk": 2}


def _wrap(text: str, indent: str = "   ") -> str:
    return textwrap.fill(text, 88, initial_indent=indent, subsequent_indent=indent)


def render_item(item: Item, variant: str) -> str:
    if variant == "plain":
        lines = [f".. admonition:: {item.title}", "", f"   :id: {item.id}"]
        lines += [f"   :{name}: {value}" for name, value in item.facts]
    elif variant == "needs":
        lines = [f".. need:: {item.title}", f"   :id: {item.id}"]
        lines += [f"   :{name.replace('-', '_')}: {value}" for name, value in item.facts]
    else:
        lines = [f".. {DIRECTIVES[item.kind]}:: {item.title}", f"   :id: {item.id}"]
        lines += [f"   :{name}: {value}" for name, value in item.facts]
    lines += ["", _wrap(item.body), ""]
    return "\n".join(lines) + "\n"


def render_doc(model: Model, doc: int, variant: str) -> str:
    items = sorted(
        (it for it in model.items if it.doc == doc),
        key=lambda it: (KIND_ORDER[it.kind], it.id),
    )
    title = f"Part {doc + 1:02d}"
    out = [
        title,
        "=" * len(title),
        "",
        _wrap(f"Tools, safeguards and risks, part {doc + 1}.", ""),
        "",
    ]
    current = None
    headings = {"tool": "Tools", "control": "Safeguards", "risk": "Risks"}
    for item in items:
        if item.kind != current:
            current = item.kind
            heading = headings[current]
            out += [heading, "-" * len(heading), ""]
        out.append(render_item(item, variant))
    return "\n".join(out)


def render_index(model: Model, variant: str) -> str:
    title = "Social media policy"
    out = [
        title,
        "=" * len(title),
        "",
        render_item(model.policy, variant),
        ".. toctree::",
        "   :maxdepth: 1",
        "",
    ]
    out += [f"   part{doc + 1:02d}" for doc in range(model.n_docs)]
    return "\n".join(out) + "\n"


def _needs_fields(model: Model) -> dict[str, dict[str, object]]:
    names: list[str] = []
    for item in [model.policy, *model.items]:
        for name, _ in item.facts:
            if name not in LINK_OPTIONS and name not in names:
                names.append(name)
    fields: dict[str, dict[str, object]] = {}
    for name in names:
        if name in LIST_OPTIONS:
            schema: dict[str, object] = {"type": "array", "items": {"type": "string"}}
        elif name in INT_OPTIONS:
            schema = {"type": "integer"}
        else:
            schema = {"type": "string"}
        fields[name.replace("-", "_")] = {"schema": schema, "nullable": True}
    return fields


def render_conf(model: Model, variant: str, rules: bool) -> str:
    out = [
        'project = "Benchmark policy"',
        'author = "bench"',
        'exclude_patterns = ["_build"]',
    ]
    if variant == "needs":
        links = {
            name.replace("-", "_"): {"outgoing": outgoing, "incoming": incoming}
            for name, (outgoing, incoming) in LINK_OPTIONS.items()
        }
        out += [
            'extensions = ["sphinx_needs"]',
            f"needs_fields = {_needs_fields(model)!r}",
            f"needs_links = {links!r}",
        ]
    elif variant == "sociallpolicy":
        guidance = ["kent-2010", "uk-online-safety"] if rules else []
        out += [
            'extensions = ["sphinxcontrib_sociallpolicy"]',
            f"sm_guidance = {guidance!r}",
            'sm_today = "2026-11-24"',
            'suppress_warnings = ["sm"]',
        ]
    else:
        out += ["extensions = []"]
    return "\n".join(out) + "\n"


def generate(root: Path, model: Model, variant: str, rules: bool) -> Path:
    """Write one variant's project into ``root/variant`` (replaced); return it."""
    src = root / variant
    if src.exists():
        shutil.rmtree(src)
    src.mkdir(parents=True)
    (src / "conf.py").write_text(render_conf(model, variant, rules), encoding="utf-8")
    (src / "index.rst").write_text(render_index(model, variant), encoding="utf-8")
    for doc in range(model.n_docs):
        (src / f"part{doc + 1:02d}.rst").write_text(
            render_doc(model, doc, variant), encoding="utf-8"
        )
    return src


# --- building ------------------------------------------------------------------------


@dataclass
class BuildResult:
    seconds: float
    returncode: int
    stderr: str

    @property
    def warnings(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if "WARNING:" in line]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    paths = [str(REPO)] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    env.pop("SPHINXOPTS", None)
    return env


def build(python: str, src: Path, out: Path, prefix: tuple[str, ...] = ()) -> BuildResult:
    """One full, fresh, serial HTML build of ``src`` into ``out`` (emptied first)."""
    if out.exists():
        shutil.rmtree(out)
    cmd = [
        python,
        *prefix,
        "-m",
        "sphinx",
        "-b",
        "html",
        "-q",
        "-E",
        "-a",
        str(src),
        str(out),
    ]
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=REPO, env=_env(), capture_output=True, text=True)
    seconds = time.perf_counter() - start
    return BuildResult(seconds, proc.returncode, proc.stderr)


def _tail(text: str, lines: int = 30) -> str:
    return "\n".join(text.rstrip().splitlines()[-lines:])


def _versions(python: str) -> dict[str, str]:
    code = (
        "import json, sys, sphinx\n"
        "v = {'python': sys.version.split()[0], 'sphinx': sphinx.__version__}\n"
        "try:\n import sphinx_needs; v['sphinx_needs'] = sphinx_needs.__version__\n"
        "except Exception as e: v['sphinx_needs'] = 'missing: %s' % e\n"
        "try:\n import sphinxcontrib_sociallpolicy as s; v['sphinxcontrib_sociallpolicy'] = s.__version__\n"
        "except Exception as e: v['sphinxcontrib_sociallpolicy'] = 'not importable: %s' % e\n"
        "print(json.dumps(v))\n"
    )
    proc = subprocess.run(
        [python, "-c", code], cwd=REPO, env=_env(), capture_output=True, text=True
    )
    try:
        return json.loads(proc.stdout)
    except ValueError:
        return {"error": _tail(proc.stderr, 5)}


#: input errors of the extension (everything that is not a guidance finding)
INPUT_ERROR = re.compile(r"\[sm\.(option|link|guidance|config|duplicate)\]")


def check_items(python: str, root: Path, model: Model, rules: bool) -> int:
    """Build ours once without ``suppress_warnings``: any input error (a bad option
    value, a dead link ...) means the generator writes invalid items."""
    src = generate(root, model, "sociallpolicy", rules)
    conf = src / "conf.py"
    conf.write_text(
        conf.read_text(encoding="utf-8").replace('suppress_warnings = ["sm"]\n', "")
    )
    result = build(python, src, root / "out-check")
    shutil.rmtree(root / "out-check", ignore_errors=True)
    shutil.rmtree(src, ignore_errors=True)
    errors = [line for line in result.stderr.splitlines() if INPUT_ERROR.search(line)]
    findings = len(result.warnings) - len(errors)
    print(
        f"check: {len(errors)} input errors, {findings} other warnings (findings) "
        f"in {result.seconds:.1f} s"
    )
    for line in errors[:20]:
        print("  " + line)
    if result.returncode != 0:
        print(
            f"check build failed (exit {result.returncode}):\n{_tail(result.stderr)}",
            file=sys.stderr,
        )
        return 1
    return 1 if errors else 0


def profile(python: str, root: Path, model: Model, rules: bool, top: int = 30) -> int:
    """Build ours once under cProfile; print the top functions."""
    import pstats

    src = generate(root, model, "sociallpolicy", rules)
    prof = root / "sociallpolicy.prof"
    result = build(python, src, root / "out-profile", ("-m", "cProfile", "-o", str(prof)))
    if result.returncode != 0:
        print(
            f"profiled build failed (exit {result.returncode}):\n{_tail(result.stderr)}",
            file=sys.stderr,
        )
        return 1
    print(
        f"\nprofile of sociallpolicy ({len(model.items)} items, {result.seconds:.1f} s "
        f"under cProfile): {prof} (kept with --keep)"
    )
    stats = pstats.Stats(str(prof))
    stats.strip_dirs()
    print(f"\n-- top {top} by cumulative time --")
    stats.sort_stats("cumulative").print_stats(top)
    print(f"\n-- top {top} by own time --")
    stats.sort_stats("tottime").print_stats(top)
    return 0


def _table(results: dict[str, list[BuildResult]]) -> tuple[str, dict[str, object]]:
    plain = (
        statistics.median(r.seconds for r in results["plain"])
        if "plain" in results
        else None
    )
    rows = [
        f"{'variant':<15}{'median s':>10}{'min s':>9}{'max s':>9}{'runs':>6}{'warnings':>10}{'x plain':>9}"
    ]
    figures: dict[str, object] = {}
    for variant, runs in results.items():
        times = [r.seconds for r in runs]
        median = statistics.median(times)
        ratio = median / plain if plain else None
        rows.append(
            f"{variant:<15}{median:>10.2f}{min(times):>9.2f}{max(times):>9.2f}{len(times):>6}"
            f"{len(runs[0].warnings):>10}"
            + (f"{ratio:>9.2f}" if ratio is not None else f"{'-':>9}")
        )
        figures[variant] = {
            "times": [round(t, 3) for t in times],
            "median": round(median, 3),
            "min": round(min(times), 3),
            "max": round(max(times), 3),
            "warnings": len(runs[0].warnings),
            "ratio_to_plain": round(ratio, 3) if ratio is not None else None,
        }
    return "\n".join(rows), figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="bench.py",
        description="Build speed of sphinxcontrib-sociallpolicy against plain Sphinx and "
        "plain sphinx-needs, on the same generated text.",
    )
    parser.add_argument(
        "--items", type=int, default=4000, help="number of items (default 4000)"
    )
    parser.add_argument(
        "--docs", type=int, default=40, help="number of documents (default 40)"
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="builds of each variant (default 3)"
    )
    parser.add_argument("--seed", type=int, default=2010, help="seed of the generated text")
    parser.add_argument(
        "--rules",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="check ours against kent-2010 and uk-online-safety (default on)",
    )
    parser.add_argument(
        "--variants",
        default=",".join(VARIANTS),
        help="comma-separated subset of plain,needs,sociallpolicy (default all)",
    )
    parser.add_argument("--json", metavar="FILE", help="write the figures as JSON")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also build ours once under cProfile and print the hot spots",
    )
    parser.add_argument(
        "--profile-only", action="store_true", help="profile, no timing runs"
    )
    parser.add_argument("--top", type=int, default=30, help="functions shown by --profile")
    parser.add_argument(
        "--check",
        action="store_true",
        help="first build ours once with sm warnings shown; fail on input errors",
    )
    parser.add_argument(
        "--workdir", help="where the projects are written (default: a temp dir)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the generated projects")
    parser.add_argument("--python", default=sys.executable, help="python that runs Sphinx")
    args = parser.parse_args(argv)

    variants = [v.strip() for v in args.variants.split(",") if v.strip()]
    unknown = sorted(set(variants) - set(VARIANTS))
    if unknown or not variants:
        parser.error(
            f"unknown variant(s) {', '.join(unknown)}; choose from {', '.join(VARIANTS)}"
        )
    if args.items < 4 or args.repeat < 1 or args.docs < 1:
        parser.error("--items must be at least 4, --repeat and --docs at least 1")

    if args.workdir:
        root = Path(args.workdir).resolve()
        root.mkdir(parents=True, exist_ok=True)
    else:
        root = Path(tempfile.mkdtemp(prefix="sm-bench-"))
    try:
        model = make_model(args.items, args.docs, args.seed)
        versions = _versions(args.python)
        counts = {
            k: sum(1 for it in model.items if it.kind == k)
            for k in ("tool", "control", "risk")
        }
        print(
            f"{len(model.items)} items ({counts['tool']} tools, {counts['control']} controls, "
            f"{counts['risk']} risks) in {model.n_docs} documents + index; rules "
            f"{'on' if args.rules else 'off'}; {args.repeat} round(s); in {root}"
        )
        print("  " + ", ".join(f"{k} {v}" for k, v in versions.items()))

        if args.check and check_items(args.python, root, model, args.rules):
            return 1
        if args.profile_only:
            return profile(args.python, root, model, args.rules, args.top)

        sources = {v: generate(root, model, v, args.rules) for v in variants}
        results: dict[str, list[BuildResult]] = {v: [] for v in variants}
        for round_ in range(1, args.repeat + 1):
            for variant in variants:
                out = root / "out" / variant
                result = build(args.python, sources[variant], out)
                if not args.keep:
                    shutil.rmtree(out, ignore_errors=True)
                if result.returncode != 0:
                    print(
                        f"{variant} build failed (exit {result.returncode}); stderr tail:\n"
                        f"{_tail(result.stderr)}",
                        file=sys.stderr,
                    )
                    return 1
                if round_ == 1 and result.warnings:
                    print(
                        f"  {variant}: {len(result.warnings)} warnings, e.g. {result.warnings[0]}"
                    )
                results[variant].append(result)
                print(f"  round {round_} {variant:<14} {result.seconds:7.2f} s", flush=True)

        table, figures = _table(results)
        print()
        print(table)
        medians = {
            v: statistics.median(r.seconds for r in runs) for v, runs in results.items()
        }
        ratios = {}
        for top, bottom in (
            ("needs", "plain"),
            ("sociallpolicy", "plain"),
            ("sociallpolicy", "needs"),
        ):
            if top in medians and bottom in medians:
                ratios[f"{top}/{bottom}"] = round(medians[top] / medians[bottom], 3)
        if ratios:
            print("ratios: " + ", ".join(f"{k} {v:.2f}" for k, v in ratios.items()))
        if args.json:
            payload = {
                "items": len(model.items),
                "counts": counts,
                "docs": model.n_docs,
                "repeat": args.repeat,
                "rules": args.rules,
                "seed": args.seed,
                "machine": {"platform": _platform.platform(), "cpus": os.cpu_count()},
                "versions": versions,
                "results": figures,
                "ratios": ratios,
            }
            Path(args.json).write_text(
                json.dumps(payload, indent=2) + "\n", encoding="utf-8"
            )
            print(f"figures written to {args.json}")

        if args.profile:
            return profile(args.python, root, model, args.rules, args.top)
        return 0
    finally:
        if args.keep:
            print(f"projects kept in {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
