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

# Platform IDs of the built-in catalogue (guidance/platforms.yaml) with the kinds of
# account each offers (a copy, so the benchmark needs no import of the extension).
#: services the school controls, with (account, visibility): the compliant profile's
SAFE_PLATFORMS = {
    "school-website": ("site", "public"),
    "blog": ("site", "public"),
    "wiki": ("site", "private"),
    "learning-platform": ("class", "private"),
    "seesaw": ("class", "private"),
    "classdojo": ("class", "private"),
    "tapestry": ("site", "private"),
}
#: third-party services, with an account that lets anyone in: the findings profile's
OPEN_PLATFORMS = {
    "facebook": "page",
    "instagram": "profile",
    "x": "profile",
    "tiktok": "profile",
    "youtube": "channel",
    "snapchat": "profile",
}
PURPOSES = (
    "announcements",
    "discussion",
    "showcase",
    "collaboration",
    "learning",
    "engagement",
)
#: the safeguards the guidance packs ask of every tool (per tool, by kind)
TOOL_CONTROL_KINDS = (
    "privacy-settings",
    "two-step-verification",
    "access-review",
    "follower-audit",
    "house-rules",
    "second-approver",
    "professional-accounts",
    "image-audit",
)
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
APPROVER = "Mrs S Green (headteacher) for the senior leadership team"
WORDS = (
    "pupils parents staff school class share work photos news events celebrate learning "
    "safely online account privacy settings moderate comments reply weekly reminders "
    "trips assemblies homework projects community governors consent images names "
    "report concern designated lead records training reviewed approved termly posts "
    "followers messages group page channel site blog wiki teacher headteacher office"
).split()
#: the profiles: ``compliant`` (every tool set up as the guidance asks: few findings)
#: and ``findings`` (two tools in three on open third-party services: thousands)
PROFILES = ("compliant", "findings")

#: option names whose need field is a list / an integer (as the extension declares them)
LIST_OPTIONS = {
    "purpose",
    "audience",
    "owner",
    "admins",
    "assessed-by",
    "dsl",
    "email-domains",
    "applies-to",
    "satisfies",
    "covers",
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
    kind: str  # policy, document, tool, control, risk
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
    n_docs: int = 100
    #: the policy-wide safeguards and the school's documents (in the index)
    shared: list[Item] = field(default_factory=list)
    profile: str = "findings"


def _date(rng: random.Random, year: int, months: tuple[int, int] = (1, 12)) -> str:
    return f"{year}-{rng.randint(*months):02d}-{rng.randint(1, 28):02d}"


def _sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def _body(rng: random.Random) -> str:
    return " ".join(_sentence(rng, rng.randint(8, 14)) for _ in range(rng.randint(3, 5)))


def _some(
    rng: random.Random, values: tuple[str, ...] | list[str], lo: int, hi: int
) -> list[str]:
    return rng.sample(list(values), rng.randint(lo, min(hi, len(values))))


def _tool(rng: random.Random, number: int, safe: bool) -> tuple[list[tuple[str, str]], str]:
    """One tool's facts and title: set up as the guidance asks (``safe``), or an open
    third-party account that the rules find wanting in several ways."""
    owner = rng.choice(PEOPLE)
    admins = [owner, *rng.sample([p for p in PEOPLE if p != owner], 1)]
    if safe:
        plat = rng.choice(list(SAFE_PLATFORMS))
        account, visibility = SAFE_PLATFORMS[plat]
        audience = _some(rng, ("parents", "pupils", "staff"), 1, 2)
        comments, membership, moderation = "premoderated", "school-accounts", "daily"
        images = "not-identifiable"
        justification = (
            "A service the school controls: only school accounts post, and comments "
            "wait for approval. " + _sentence(rng, 8)
        )
    else:
        plat = rng.choice(list(OPEN_PLATFORMS))
        account, visibility = OPEN_PLATFORMS[plat], "public"
        audience = _some(rng, ("parents", "pupils", "community"), 1, 2)
        comments, membership = "open", "open"
        moderation = rng.choice(("weekly", "termly"))
        images = "identifiable"
        justification = _sentence(rng, 10)
    purpose = _some(rng, PURPOSES, 1, 2)
    facts = [
        ("platform", plat),
        ("purpose", ", ".join(purpose)),
        ("audience", ", ".join(audience)),
        ("account", account),
        ("visibility", visibility),
        ("comments", comments),
        ("membership", membership),
        ("owner", owner),
        ("admins", ", ".join(admins)),
        ("moderation", moderation),
        ("contact-email", f"office{number}@oakfield.sch.uk"),
        ("url", f"https://social.example.org/oakfield/{plat}/{number}"),
        ("approved-by", APPROVER),
        ("approved-on", _date(rng, 2026, (8, 10))),
        ("next-review", _date(rng, 2027, (8, 10))),
        ("justification", justification),
        ("pupil-images", images),
        ("lawful-basis", "public-task"),
        ("dpia-on", _date(rng, 2026, (6, 8))),
    ]
    title = f"{plat.replace('-', ' ').title()} {account} {number} for {audience[0]}"
    return facts, title


def _shared_items() -> list[Item]:
    """What a school records once for the whole policy: its documents and its
    policy-wide safeguards (training, consent, reporting), all current."""

    def control(
        ident: str,
        title: str,
        kind: str,
        satisfies: str,
        freq: str,
        done: str,
        body: str,
        owner: str = "Ms A Patel",
    ) -> Item:
        facts = [
            ("kind", kind),
            ("applies-to", "all"),
            ("satisfies", satisfies),
            ("owner", owner),
            ("frequency", freq),
            ("last-done", done),
            ("evidence", "Records kept by the online-safety lead."),
        ]
        return Item("control", ident, title, facts, body)

    def document(ident: str, title: str, kind: str, covers: str, body: str) -> Item:
        facts = [
            ("kind", kind),
            ("owner", "Mrs S Green"),
            ("approved-on", "2026-09-15"),
            ("next-review", "2027-09-15"),
            ("url", f"https://www.oakfield.sch.uk/policies/{kind}"),
        ]
        if covers:
            facts.append(("covers", covers))
        return Item("document", ident, title, facts, body)

    return [
        control(
            "CTRL_STAFF_TRAINING",
            "Staff online-safety and social media training",
            "staff-training",
            "GOV_PREREQ_TRAINING",
            "annual",
            "2026-09-02",
            "Every September all staff are trained in online safety and in using the "
            "school's social media accounts: what to post, how to respond to comments "
            "and how to report a concern.",
        ),
        control(
            "CTRL_PUPIL_TRAINING",
            "Pupils' lessons on using social media safely",
            "pupil-training",
            "GOV_PREREQ_TRAINING",
            "termly",
            "2026-11-02",
            "Each term every class has a lesson on using the school's online spaces "
            "safely and kindly, and on telling an adult about anything that worries them.",
        ),
        control(
            "CTRL_PARENT_AWARENESS",
            "Parents' online-safety evening",
            "parent-awareness",
            "GOV_PREREQ_TRAINING",
            "annual",
            "2026-10-12",
            "Each autumn the online-safety lead explains the school's accounts, their house "
            "rules and age limits on apps to parents and carers.",
        ),
        control(
            "CTRL_IMAGE_CONSENT",
            "Image consent register",
            "image-consent",
            "IMG_CONSENT_NO_ID",
            "termly",
            "2026-11-06",
            "Parents record whether images of their child may be used, for each place; "
            "the office checks the register against class lists each term.",
        ),
        control(
            "CTRL_INCIDENT_REPORTING",
            "Every concern goes to the DSL",
            "incident-reporting",
            "ESC_DSL_ROUTE",
            "continuous",
            "2026-11-20",
            "Anyone who sees something on a school account that suggests a child may be "
            "at risk reports it to the DSL at once and records it.",
        ),
        control(
            "CTRL_DIGITAL_INCLUSION",
            "Other ways in for families without the internet",
            "digital-inclusion",
            "GOV_INCLUSION",
            "continuous",
            "2026-11-12",
            "Everything posted is also on the website and in the paper newsletter.",
        ),
        control(
            "CTRL_PARENT_SURVEY",
            "Annual parent survey on communication",
            "audience-consultation",
            "GOV_DEMAND",
            "annual",
            "2026-10-16",
            "Each autumn parents are asked how they want to hear from the school.",
        ),
        control(
            "CTRL_FILTERING_REVIEW",
            "Annual review of filtering and monitoring",
            "filtering-monitoring-review",
            "FM_REVIEW",
            "annual",
            "2026-11-04",
            "The DSL, the network manager and the link governor review the school's "
            "filtering and monitoring each year.",
            "Mr J Owusu (DSL and senior leader responsible), "
            "Mrs E Ward (link governor responsible)",
        ),
        control(
            "CTRL_ADVICE",
            "Advice taken before the tools were used",
            "other",
            "GOV_SEEK_ADVICE",
            "once",
            "2026-06-10",
            "The online-safety lead asked the local authority's online-safety adviser "
            "and followed the current national guidance before any tool was opened.",
        ),
        document(
            "DOC_CHILD_PROTECTION",
            "Child protection and safeguarding policy",
            "child-protection",
            "ESC_DSL_ROUTE (section 7), ESC_IMAGE_ABUSE (section 8)",
            "Any concern that a child may be at risk of harm is reported at once to the DSL.",
        ),
        document(
            "DOC_STAFF_CONDUCT",
            "Staff code of conduct",
            "staff-conduct",
            "ACC_OFFICIAL (section 4.1), CON_NO_PERSONAL_CONTACT (section 4.2), "
            "CON_NO_PERSONAL_FRIENDING (section 4.3)",
            "Staff use only the school's official accounts and never share personal "
            "contact details with pupils or parents.",
        ),
        document(
            "DOC_ACCEPTABLE_USE",
            "Acceptable use policies",
            "acceptable-use",
            "",
            "How school devices, accounts and the network may be used.",
        ),
        document(
            "DOC_BEHAVIOUR",
            "Behaviour and anti-bullying policy",
            "behaviour",
            "",
            "Unkind behaviour online is dealt with as behaviour in school is.",
        ),
        document(
            "DOC_IMAGES",
            "Use of images of pupils",
            "images",
            "IMG_CONSENT_NO_ID (section 3)",
            "Images of pupils are published only where the consent register allows it.",
        ),
        document(
            "DOC_COMPLAINTS",
            "Complaints policy",
            "complaints",
            "",
            "Concerns are raised with the school, not on social media.",
        ),
        document(
            "DOC_DATA_PROTECTION",
            "Data protection policy",
            "data-protection",
            "",
            "Pupils' personal data is handled under the UK GDPR.",
        ),
        document(
            "DOC_ONLINE_SAFETY",
            "Online safety policy",
            "e-safety",
            "",
            "The school's online safety policy; this policy is part of it.",
        ),
        document(
            "DOC_MOBILE_PHONES",
            "Mobile phones policy",
            "mobile-phones",
            "",
            "The school day is phone-free for pupils.",
        ),
    ]


def make_model(
    n_items: int, n_docs: int, seed: int = 2010, profile: str = "findings"
) -> Model:
    """The same deterministic policy for every variant: ``profile`` says whether its
    tools are set up as the guidance asks (``compliant``) or two in three are open
    third-party accounts (``findings``). Both have the same items, options and text
    sizes; only values differ."""
    rng = random.Random(seed)
    n_tools = max(1, n_items // 4)
    n_controls = max(1, n_items // 2)
    n_risks = max(1, n_items - n_tools - n_controls)
    tool_ids = [f"TOOL_{i:05d}" for i in range(1, n_tools + 1)]
    ctrl_ids = [f"CTRL_{i:05d}" for i in range(1, n_controls + 1)]
    items: list[Item] = []
    for number, tool_id in enumerate(tool_ids, 1):
        safe = profile == "compliant" or number % 3 == 0
        facts, title = _tool(rng, number, safe)
        items.append(Item("tool", tool_id, title, facts, _body(rng)))
    # the per-tool safeguards: each kind in turn, each covering a run of tools, so
    # that every tool has every kind
    per_kind = max(1, n_controls // len(TOOL_CONTROL_KINDS))
    for number, ctrl_id in enumerate(ctrl_ids, 1):
        slot = (number - 1) % len(TOOL_CONTROL_KINDS)
        kind = TOOL_CONTROL_KINDS[slot]
        group = (number - 1) // len(TOOL_CONTROL_KINDS)
        width = max(1, -(-n_tools // per_kind))
        start = (group * width) % n_tools
        covered = sorted({tool_ids[(start + k) % n_tools] for k in range(width)})
        facts = [
            ("kind", kind),
            ("applies-to", ", ".join(covered)),
            ("owner", rng.choice(PEOPLE)),
            ("frequency", "termly"),
            ("last-done", _date(rng, 2026, (8, 10))),
            ("evidence", _sentence(rng, 7)),
        ]
        title = f"{kind.replace('-', ' ').capitalize()} {number}"
        items.append(Item("control", ctrl_id, title, facts, _body(rng)))
    for number in range(1, n_risks + 1):
        likelihood, impact = rng.randint(1, 5), rng.randint(1, 5)
        category = rng.choice(RISK_CATEGORIES)
        affected = {tool_ids[(number - 1) % n_tools], rng.choice(tool_ids)}
        facts = [
            ("affects", ", ".join(sorted(affected))),
            ("category", category),
            ("likelihood", str(likelihood)),
            ("impact", str(impact)),
            ("mitigated-by", ", ".join(sorted(_some(rng, ctrl_ids, 1, 3)))),
            ("residual-likelihood", str(rng.randint(1, likelihood))),
            ("residual-impact", str(rng.randint(1, impact))),
            ("owner", rng.choice(PEOPLE)),
            ("assessed-by", rng.choice(PEOPLE)),
            ("assessed-on", _date(rng, 2026, (8, 10))),
        ]
        title = f"{category.capitalize()} risk {number}"
        items.append(Item("risk", f"RISK_{number:05d}", title, facts, _body(rng)))

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
    return Model(policy, items, n_docs, _shared_items(), profile)


# --- rendering each variant ----------------------------------------------------------

DIRECTIVES = {
    "policy": "sm-policy",
    "tool": "sm-tool",
    "control": "sm-control",
    "risk": "sm-risk",
    "document": "sm-document",
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
    title = f"Part {doc + 1:03d}"
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


#: the whole-project tables of the ``sociallpolicy`` variant, each on its own page
#: the pages of whole-project tables: each table on a page of its own, as the how-to
#: for large policies advises (an edit then rewrites only the page that shows it)
TABLES_APART = {
    "register": ("Approved accounts", [("Approved accounts", "sm-register")]),
    "risks": ("Risk register", [("Risk register", "sm-risk-register")]),
    "compliance": ("Compliance", [("Compliance with the guidance", "sm-compliance")]),
}
#: ``--registers-together``: the register and the risk register on one page
TABLES_TOGETHER = {
    "registers": (
        "Registers",
        [("Approved accounts", "sm-register"), ("Risk register", "sm-risk-register")],
    ),
    "compliance": TABLES_APART["compliance"],
}
TABLE_PAGES = TABLES_APART


def render_index(model: Model, variant: str) -> str:
    title = "Social media policy"
    out = [title, "=" * len(title), "", render_item(model.policy, variant)]
    for item in model.shared:
        out.append(render_item(item, variant))
    out += [".. toctree::", "   :maxdepth: 1", ""]
    out += [f"   part{doc + 1:03d}" for doc in range(model.n_docs)]
    if variant == "sociallpolicy":
        out += [f"   {name}" for name in TABLE_PAGES]
    return "\n".join(out) + "\n"


def render_table_page(name: str) -> str:
    """A page of whole-project tables (``sociallpolicy`` variant only: the plain
    variants show the text, and the point is what the tables and checks cost)."""
    title, tables = TABLE_PAGES[name]
    out = [title, "=" * len(title), ""]
    for heading, directive in tables:
        out += [heading, "-" * len(heading), "", f".. {directive}::", ""]
    return "\n".join(out)


def _needs_fields(model: Model) -> dict[str, dict[str, object]]:
    names: list[str] = []
    for item in [model.policy, *model.shared, *model.items]:
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
        ]
    else:
        out += ["extensions = []"]
    return "\n".join(out) + "\n"


def generate(
    root: Path, model: Model, variant: str, rules: bool, name: str | None = None
) -> Path:
    """Write one variant's project into ``root/<name or variant>`` (replaced); return
    it."""
    src = root / (name or variant)
    if src.exists():
        shutil.rmtree(src)
    src.mkdir(parents=True)
    (src / "conf.py").write_text(render_conf(model, variant, rules), encoding="utf-8")
    (src / "index.rst").write_text(render_index(model, variant), encoding="utf-8")
    for doc in range(model.n_docs):
        (src / f"part{doc + 1:03d}.rst").write_text(
            render_doc(model, doc, variant), encoding="utf-8"
        )
    if variant == "sociallpolicy":
        for name in TABLE_PAGES:
            (src / f"{name}.rst").write_text(render_table_page(name), encoding="utf-8")
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


def build(
    python: str,
    src: Path,
    out: Path,
    prefix: tuple[str, ...] = (),
    *,
    fresh: bool = True,
    jobs: int = 1,
) -> BuildResult:
    """One HTML build of ``src`` into ``out``: a full, fresh build (``out`` emptied,
    ``-E -a``), or with ``fresh=False`` an incremental one into what is there."""
    if fresh and out.exists():
        shutil.rmtree(out)
    cmd = [python, *prefix, "-m", "sphinx", "-b", "html", "-q"]
    if fresh:
        cmd += ["-E", "-a"]
    if jobs > 1:
        cmd += ["-j", str(jobs)]
    cmd += [str(src), str(out)]
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
#: a guidance finding shown as a warning (``[sm.mod_premoderation]``)
FINDING = re.compile(r"\[sm\.[a-z0-9_]+\]")


def input_errors(result: BuildResult) -> list[str]:
    """The extension's input errors in a build's warnings: any means the generator
    writes invalid items."""
    return [line for line in result.warnings if INPUT_ERROR.search(line)]


def findings(result: BuildResult) -> int:
    """The guidance findings a build showed as warnings."""
    return sum(
        1
        for line in result.warnings
        if FINDING.search(line) and not INPUT_ERROR.search(line)
    )


def profile(python: str, root: Path, model: Model, rules: bool, top: int = 30) -> int:
    """Build ours once under cProfile; print the top functions."""
    import pstats

    src = generate(root, model, "sociallpolicy", rules, "profiled")
    prof = root / "sociallpolicy.prof"
    result = build(python, src, root / "out-profile", ("-m", "cProfile", "-o", str(prof)))
    if result.returncode != 0:
        print(
            f"profiled build failed (exit {result.returncode}):\n{_tail(result.stderr)}",
            file=sys.stderr,
        )
        return 1
    print(
        f"\nprofile of sociallpolicy, {model.profile} profile ({len(model.items)} items, "
        f"{result.seconds:.1f} s under cProfile): {prof} (kept with --keep)"
    )
    stats = pstats.Stats(str(prof))
    stats.strip_dirs()
    print(f"\n-- top {top} by cumulative time --")
    stats.sort_stats("cumulative").print_stats(top)
    print(f"\n-- top {top} by own time --")
    stats.sort_stats("tottime").print_stats(top)
    return 0


# --- the runs --------------------------------------------------------------------------

#: the builds of one round, in order: (name, variant, profile of the text, jobs)
RUNS = (
    ("plain", "plain", "findings", 1),
    ("needs", "needs", "findings", 1),
    ("ours-compliant", "sociallpolicy", "compliant", 1),
    ("ours-findings", "sociallpolicy", "findings", 1),
    ("ours-findings -j 2", "sociallpolicy", "findings", 2),
)
#: the measured build after one edit, per round
INCREMENTAL = "ours-findings incremental"
#: the targets of issue 15: (figure, limit, what it means)
TARGETS = (
    ("ours-findings/plain", 1.25, "full build, findings-heavy, at most 1.25x plain Sphinx"),
    ("ours-compliant/plain", 1.15, "full build, compliant, at most 1.15x plain Sphinx"),
    ("incremental/full", 0.15, "rebuild after one edit, at most 15% of the full build"),
    ("j2/j1", 0.95, "-j 2 measurably faster than -j 1 (at most 0.95 of its time)"),
)


def edit_one_tool(src: Path, model: Model) -> tuple[Path, str, str]:
    """Change one tool's ``:comments:`` (the middle tool of the middle page), as a
    school does when it closes a tool's comments; return (file, old text, new text)."""
    middle = model.n_docs // 2
    tools = sorted(
        (it for it in model.items if it.kind == "tool" and it.doc == middle),
        key=lambda it: it.id,
    )
    if not tools:
        tools = [it for it in model.items if it.kind == "tool"]
        middle = tools[0].doc
    tool = tools[len(tools) // 2]
    path = src / f"part{middle + 1:03d}.rst"
    text = path.read_text(encoding="utf-8")
    start = text.index(f":id: {tool.id}\n")
    old = dict(tool.facts)["comments"]
    new = "off" if old != "off" else "premoderated"
    at = text.index(f":comments: {old}\n", start)
    edited = text[:at] + f":comments: {new}\n" + text[at + len(f":comments: {old}\n") :]
    path.write_text(edited, encoding="utf-8")
    return path, text, tool.id


def _page_times(out: Path) -> dict[str, int]:
    """When each HTML page of ``out`` was last written."""
    return {page.name: page.stat().st_mtime_ns for page in out.glob("*.html")}


def same_pages(one: Path, other: Path) -> list[str]:
    """The HTML pages that differ between two output folders (none: the same)."""
    differ = []
    for page in sorted(one.glob("*.html")):
        twin = other / page.name
        if not twin.exists() or twin.read_bytes() != page.read_bytes():
            differ.append(page.name)
    for page in sorted(other.glob("*.html")):
        if not (one / page.name).exists():
            differ.append(page.name)
    return differ


def _stats(times: list[float]) -> dict[str, object]:
    return {
        "times": [round(t, 3) for t in times],
        "median": round(statistics.median(times), 3),
        "min": round(min(times), 3),
        "max": round(max(times), 3),
    }


def _fail(what: str, result: BuildResult) -> int:
    print(
        f"{what} failed (exit {result.returncode}); stderr tail:\n{_tail(result.stderr)}",
        file=sys.stderr,
    )
    return 1


def run_rounds(
    args: argparse.Namespace, root: Path, models: dict[str, Model]
) -> tuple[int, dict[str, object]]:
    """``--repeat`` interleaved rounds of every build in :data:`RUNS`, then the
    incremental rebuild after one edit; the figures and the targets met."""
    sources = {}
    for _name, variant, profile_name, _jobs in RUNS:
        key = f"{variant}-{profile_name}"
        if key not in sources:
            sources[key] = generate(root, models[profile_name], variant, args.rules, key)
    times: dict[str, list[float]] = {name: [] for name, *_ in RUNS}
    times[INCREMENTAL] = []
    warnings: dict[str, int] = {}
    shown: dict[str, int] = {}
    incremental_ratios: list[float] = []
    for round_ in range(1, args.repeat + 1):
        for name, variant, profile_name, jobs in RUNS:
            src = sources[f"{variant}-{profile_name}"]
            out = root / "out" / name.replace(" ", "")
            result = build(args.python, src, out, jobs=jobs)
            if result.returncode != 0:
                return _fail(f"{name} build", result), {}
            if variant == "sociallpolicy" and (errors := input_errors(result)):
                print(f"{name}: {len(errors)} input errors in the generated items:")
                for line in errors[:20]:
                    print("  " + line)
                return 1, {}
            warnings.setdefault(name, len(result.warnings))
            shown.setdefault(name, findings(result))
            times[name].append(result.seconds)
            print(f"  round {round_} {name:<26} {result.seconds:7.2f} s", flush=True)
            if name != "ours-findings":
                shutil.rmtree(out, ignore_errors=True)
                continue
            # one edit, then the incremental rebuild into the same output
            path, before, tool_id = edit_one_tool(src, models[profile_name])
            pages_before = _page_times(out)
            try:
                again = build(args.python, src, out, fresh=False)
                if again.returncode != 0:
                    return _fail("incremental build", again), {}
                times[INCREMENTAL].append(again.seconds)
                incremental_ratios.append(again.seconds / result.seconds)
                rewritten = sorted(
                    name
                    for name, when in _page_times(out).items()
                    if pages_before.get(name) != when
                )
                print(
                    f"  round {round_} {INCREMENTAL:<26} {again.seconds:7.2f} s "
                    f"({again.seconds / result.seconds:.1%} of the full build; "
                    f":comments: of {tool_id} changed; rewrote {', '.join(rewritten)})",
                    flush=True,
                )
                if round_ == 1 and args.verify:
                    # the rebuilt pages must equal a clean build of the edited text
                    clean = root / "out" / "clean"
                    fresh = build(args.python, src, clean)
                    if fresh.returncode != 0:
                        return _fail("clean build of the edited text", fresh), {}
                    differ = same_pages(out, clean)
                    shutil.rmtree(clean, ignore_errors=True)
                    if differ:
                        print(
                            "the incremental rebuild differs from a clean build in: "
                            + ", ".join(differ[:10])
                        )
                        return 1, {}
                    print("  the rebuilt pages equal a clean build of the edited text")
            finally:
                path.write_text(before, encoding="utf-8")
                shutil.rmtree(out, ignore_errors=True)

    medians = {name: statistics.median(values) for name, values in times.items()}
    plain = medians["plain"]
    print()
    print(
        f"{'build':<28}{'median s':>10}{'min s':>9}{'max s':>9}{'runs':>6}"
        f"{'findings':>10}{'x plain':>9}"
    )
    figures: dict[str, object] = {}
    for name, values in times.items():
        ratio = medians[name] / plain
        row = f"{name:<28}{medians[name]:>10.2f}{min(values):>9.2f}{max(values):>9.2f}"
        row += f"{len(values):>6}{shown.get(name, 0):>10}"
        row += f"{ratio:>9.2f}" if name != INCREMENTAL else f"{'-':>9}"
        print(row)
        figures[name] = {**_stats(values), "ratio_to_plain": round(ratio, 3)}
        if name in warnings:
            figures[name]["warnings"] = warnings[name]  # type: ignore[index]
            figures[name]["findings_shown"] = shown[name]  # type: ignore[index]
    ratios = {
        "needs/plain": medians["needs"] / plain,
        "ours-compliant/plain": medians["ours-compliant"] / plain,
        "ours-findings/plain": medians["ours-findings"] / plain,
        "incremental/full": statistics.median(incremental_ratios),
        "j2/j1": medians["ours-findings -j 2"] / medians["ours-findings"],
    }
    print("ratios: " + ", ".join(f"{k} {v:.3f}" for k, v in ratios.items()))
    missed = 0
    for key, limit, meaning in TARGETS:
        met = ratios[key] <= limit
        missed += not met
        print(f"  {'met   ' if met else 'MISSED'} {key} {ratios[key]:.3f}: {meaning}")
    return (1 if missed else 0), {
        "results": figures,
        "ratios": {k: round(v, 3) for k, v in ratios.items()},
        "incremental_ratios": [round(r, 3) for r in incremental_ratios],
    }


def run_sizes(
    args: argparse.Namespace, root: Path, sizes: list[int]
) -> tuple[int, dict[str, object]]:
    """Ours (findings profile) and plain Sphinx at each size, 40 items a page up to
    :data:`MAX_PAGES` pages (longer pages beyond): the time per item of ours should
    stay within 20% across the sizes."""
    rows: dict[str, dict[str, object]] = {}
    per_item: list[float] = []
    print()
    print(
        f"{'items':>8}{'pages':>7}{'plain s':>10}{'ours s':>10}{'ours ms/item':>14}{'x plain':>9}"
    )
    for size in sizes:
        pages = min(MAX_PAGES, max(1, size // ITEMS_PER_PAGE))
        model = make_model(size, pages, args.seed, "findings")
        took: dict[str, list[float]] = {"plain": [], "sociallpolicy": []}
        for variant in took:
            src = generate(root, model, variant, args.rules, f"size-{variant}")
            for _ in range(args.size_repeat):
                result = build(args.python, src, root / "out" / "size")
                if result.returncode != 0:
                    return _fail(f"{variant} build of {size} items", result), {}
                took[variant].append(result.seconds)
            shutil.rmtree(src, ignore_errors=True)
        plain = statistics.median(took["plain"])
        ours = statistics.median(took["sociallpolicy"])
        per_item.append(ours / size)
        print(
            f"{size:>8}{model.n_docs:>7}{plain:>10.2f}{ours:>10.2f}"
            f"{1000 * ours / size:>14.3f}{ours / plain:>9.2f}",
            flush=True,
        )
        rows[str(size)] = {
            "pages": model.n_docs,
            "plain": _stats(took["plain"]),
            "ours": _stats(took["sociallpolicy"]),
            "ours_ms_per_item": round(1000 * ours / size, 3),
        }
    spread = max(per_item) / min(per_item) - 1
    met = spread <= 0.20
    print(
        f"  {'met   ' if met else 'MISSED'} time per item within 20% across "
        f"{', '.join(map(str, sizes))} items: spread {spread:.1%}"
    )
    return (0 if met else 1), {"sizes": rows, "per_item_spread": round(spread, 3)}


#: items on a page of the generated policy (100 pages at 4,000 items)
ITEMS_PER_PAGE = 40
#: pages of the policies of ``--sizes`` at most: a bigger policy has longer pages.
#: (Sphinx's default theme lists every page in each page's sidebar, a cost of plain
#: Sphinx that grows with the square of the pages: at 16,000 items plain Sphinx
#: takes 8.2 ms an item on 400 pages, 6.4 ms on 100.)
MAX_PAGES = 100


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="bench.py",
        description="Build speed of sphinxcontrib-sociallpolicy against plain Sphinx and "
        "plain sphinx-needs, on the same generated text: full builds of a compliant and "
        "a findings-heavy policy, -j 2, an incremental rebuild, and growth with size.",
    )
    parser.add_argument(
        "--items", type=int, default=4000, help="number of items (default 4000)"
    )
    parser.add_argument(
        "--docs",
        type=int,
        help=f"number of pages (default: one per {ITEMS_PER_PAGE} items)",
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="rounds of every build (default 3)"
    )
    parser.add_argument("--seed", type=int, default=2010, help="seed of the generated text")
    parser.add_argument(
        "--rules",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="check ours against kent-2010 and uk-online-safety (default on)",
    )
    parser.add_argument(
        "--sizes",
        default="",
        help="also build ours and plain Sphinx at these item counts, e.g. "
        "1000,4000,16000 (40 items a page, at most 100 pages), and check that "
        "time per item stays within 20%%",
    )
    parser.add_argument(
        "--size-repeat", type=int, default=1, help="builds at each of --sizes (default 1)"
    )
    parser.add_argument(
        "--verify",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="compare the incremental rebuild with a clean build (default on)",
    )
    parser.add_argument("--json", metavar="FILE", help="write the figures as JSON")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also build ours (findings profile) once under cProfile: the hot spots",
    )
    parser.add_argument(
        "--profile-only", action="store_true", help="profile, no timing runs"
    )
    parser.add_argument(
        "--profile-of",
        choices=PROFILES,
        default="findings",
        help="the profile --profile builds (default findings)",
    )
    parser.add_argument("--top", type=int, default=30, help="functions shown by --profile")
    parser.add_argument(
        "--no-targets",
        action="store_true",
        help="exit 0 even when a target is missed (for smoke runs)",
    )
    parser.add_argument(
        "--workdir", help="where the projects are written (default: a temp dir)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the generated projects")
    parser.add_argument(
        "--registers-together",
        action="store_true",
        help="put sm-register and sm-risk-register on one page (default: one page each)",
    )
    parser.add_argument("--python", default=sys.executable, help="python that runs Sphinx")
    args = parser.parse_args(argv)

    try:
        sizes = [int(part) for part in args.sizes.split(",") if part.strip()]
    except ValueError:
        parser.error("--sizes takes item counts separated by commas, e.g. 1000,4000,16000")
    if args.items < 8 or args.repeat < 1 or (args.docs is not None and args.docs < 1):
        parser.error("--items must be at least 8, --repeat and --docs at least 1")
    if any(size < 8 for size in sizes) or args.size_repeat < 1:
        parser.error("each of --sizes must be at least 8, --size-repeat at least 1")
    docs = args.docs or max(1, args.items // ITEMS_PER_PAGE)
    global TABLE_PAGES
    TABLE_PAGES = TABLES_TOGETHER if args.registers_together else TABLES_APART

    if args.workdir:
        root = Path(args.workdir).resolve()
        root.mkdir(parents=True, exist_ok=True)
    else:
        root = Path(tempfile.mkdtemp(prefix="sm-bench-"))
    try:
        models = {name: make_model(args.items, docs, args.seed, name) for name in PROFILES}
        model = models["findings"]
        versions = _versions(args.python)
        counts = {
            k: sum(1 for it in model.items if it.kind == k)
            for k in ("tool", "control", "risk")
        }
        print(
            f"{len(model.items)} items ({counts['tool']} tools, {counts['control']} "
            f"safeguards, {counts['risk']} risks) on {model.n_docs} pages, plus the "
            f"policy and {len(model.shared)} policy-wide items in the index; ours with "
            f"sm-register, sm-risk-register and sm-compliance on "
            f"{'two pages' if args.registers_together else 'a page each'}; rules "
            f"{'on' if args.rules else 'off'}; warnings shown; {args.repeat} round(s); "
            f"in {root}"
        )
        print("  " + ", ".join(f"{k} {v}" for k, v in versions.items()))
        payload: dict[str, object] = {
            "items": len(model.items),
            "counts": counts,
            "docs": model.n_docs,
            "repeat": args.repeat,
            "rules": args.rules,
            "registers_together": args.registers_together,
            "seed": args.seed,
            "machine": {"platform": _platform.platform(), "cpus": os.cpu_count()},
            "versions": versions,
        }
        if args.profile_only:
            return profile(args.python, root, models[args.profile_of], args.rules, args.top)

        status, figures = run_rounds(args, root, models)
        if not figures:
            return 1
        payload.update(figures)
        if sizes:
            size_status, size_figures = run_sizes(args, root, sizes)
            if not size_figures:
                return 1
            status = status or size_status
            payload.update(size_figures)
        if args.json:
            Path(args.json).write_text(
                json.dumps(payload, indent=2) + "\n", encoding="utf-8"
            )
            print(f"figures written to {args.json}")
        if args.profile and profile(
            args.python, root, models[args.profile_of], args.rules, args.top
        ):
            return 1
        return 0 if args.no_targets else status
    finally:
        if args.keep:
            print(f"projects kept in {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
