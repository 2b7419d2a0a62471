"""The files of a new policy project, from a :class:`~.derive.Plan`.

:func:`project_files` returns ``{relative path: text}``: ``conf.py``, ``index.rst``
and the chapters, a ``README.md`` and a GitHub Actions workflow. Every value the
wizard derived is written into the RST where the school sees it (the item's options,
and a "how it is set up" list saying why). What the wizard suggests is written
``:status: draft`` until the school adopts it. Every fact still missing and every
draft, with its file, is listed in a "still to supply" note on the first page and in
the README.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from docutils.utils import column_width

from ... import __version__ as _version
from .derive import CHAPTERS, Item, Plan, ToolPlan, youngest
from .rst import (
    bullets,
    directive,
    escape,
    heading,
    list_table,
    literal,
    paragraph,
)

__all__ = ["CHAPTERS", "BaseLink", "project_files"]
ROLE_ROWS = (
    ("headteacher", "Headteacher", "Approves each tool before it is used; leads the SLT."),
    (
        "owner",
        "Online-safety lead",
        "Maintains this policy, is consulted on every new tool, owns tools with no "
        "other owner.",
    ),
    (
        "dsl",
        "Designated Safeguarding Lead (DSL)",
        "Receives every concern arising on any tool and acts under the "
        "child-protection procedures.",
    ),
    ("deputy-dsl", "Deputy DSL", "Acts for the DSL when they are away."),
    (
        "governing-body",
        "Approving body",
        "Ratifies this policy and each review of it.",
    ),
    (
        "governor",
        "Link governor",
        "Governor who oversees safeguarding and online safety, and with the "
        "headteacher is responsible for filtering and monitoring.",
    ),
    (
        "network-manager",
        "Network manager",
        "Assesses each tool's technical risks with its owner; manages filtering, "
        "monitoring and account security.",
    ),
    ("dpo", "Data Protection Officer", "Advises on the personal data each tool collects."),
)
NOT_GIVEN = "*not named yet*"
#: how a tool's option is named in its "how it is set up" list, where the option's
#: name does not read as words
LABELS = {"dpia-on": "DPIA on"}


def _join(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _section(title: str, body: list[str], char: str = "=") -> list[str]:
    return [*heading(title, char), *body]


def _items(items: list[Item]) -> list[str]:
    out: list[str] = []
    for item in items:
        out.extend(directive(item))
    return out


def _controls(plan: Plan, chapter: str) -> list[str]:
    return _items(plan.controls.get(chapter, []))


def _person(plan: Plan, key: str) -> str:
    name = plan.answers.people.get(key)
    return escape(name, start=True) if name else NOT_GIVEN


@dataclass(frozen=True)
class BaseLink:
    """The trust base a new project builds on (``new --base``)."""

    name: str
    #: the base folder relative to the project (``/`` separated)
    path: str
    #: the base's shared chapters (paths in the base folder)
    chapters: tuple[str, ...]


#: the chapter of a project on a trust base that includes the base's chapters
BASE_CHAPTER = "trust-base"


def conf_py(plan: Plan, base: BaseLink | None = None) -> str:
    """conf.py; with ``base``, it names the trust base (``sm_base``)."""
    text = _conf_py(plan)
    if base is None:
        return text
    lines = [
        "# the trust or local-authority base this policy builds on: its packs,",
        "# platforms and shared chapters apply, and its requirements cannot be",
        "# switched off (see its base.yaml)",
        f"sm_base = {base.path!r}",
    ]
    marker = "# the guidance packs the policy is checked against\n"
    return text.replace(marker, "\n".join(lines) + "\n" + marker, 1)


def _conf_py(plan: Plan) -> str:
    project = f"{plan.school} social media policy"
    return "\n".join(
        [
            f"# Sphinx configuration of {plan.school}'s social media policy,".replace(
                "\n", " "
            ),
            f"# first written by sociallpolicy new ({_version}).",
            "#",
            "# Build:  sphinx-build -W -b html . _build/html",
            "# Check:  sociallpolicy check .",
            "",
            "import html",
            "",
            f"project = {project!r}",
            'extensions = ["sphinxcontrib_sociallpolicy"]',
            "",
            "# the guidance packs the policy is checked against",
            f"sm_guidance = {plan.guidance!r}",
            "# selects the platforms' minimum ages",
            f"sm_country = {plan.country!r}",
            "# the lowest severity that fails the build with -W (must, should or may)",
            'sm_fail_on = "must"',
            "# the date reviews and approvals are checked against (default: today;",
            "# SOURCE_DATE_EPOCH is honoured)",
            '# sm_today = "2026-11-24"',
            "",
            "# names and quotes are shown exactly as written",
            "smartquotes = False",
            'exclude_patterns = ["_build", "README.md", ".github"]',
            "html_title = project",
            "# themes print the project's name as it is: give them it escaped",
            'html_context = {"project": html.escape(project)}',
            "",
        ]
    )


def base_rst(base: BaseLink) -> list[str]:
    """The chapter that includes the trust base's shared chapters (their titles
    are its sections)."""
    title = escape(f"{base.name}: shared arrangements", start=True)
    rule = "*" * max(column_width(title), 3)
    out = [rule, title, rule, ""]
    out += paragraph(
        f"These sections are shared by every school of {escape(base.name)} and read "
        f"from its base ({literal('sm_base')} in conf.py). To replace one of their "
        f"items, write the school's own item with {literal(':replaces:')} and "
        f"{literal(':override-reason:')}: the compliance summary lists it."
    )
    for chapter in base.chapters:
        out += [f".. sm-base-chapter:: {chapter}", ""]
    return out


def index_rst(plan: Plan, base: BaseLink | None = None) -> list[str]:
    a = plan.answers
    school = plan.school
    options: dict[str, str] = {"id": "POLICY", "school": school, "country": plan.country}
    if a.phase:
        options["phase"] = a.phase
    if a.pupil_ages:
        options["pupil-ages"] = a.pupil_ages
    if a.people.get("owner"):
        options["owner"] = a.people["owner"]
    if a.people.get("dsl"):
        options["dsl"] = a.people["dsl"]
    if a.people.get("governing-body"):
        options["approved-by"] = a.people["governing-body"]
    if a.approved_on:
        options["approved-on"] = a.approved_on
    options["review-cycle"] = str(plan.review_cycle)
    if plan.next_review:
        options["next-review"] = plan.next_review
    if a.email_domains:
        options["email-domains"] = ", ".join(a.email_domains)
    policy = Item(
        "sm-policy",
        f"Social media policy of {school}",
        "POLICY",
        options,
        [
            f"How {school} uses social media safely: which tools it uses and why, who "
            "runs them, what can go wrong and what guards against it."
        ],
    )
    out = [
        ".. This policy was first written by sociallpolicy new. Edit it freely:",
        "   sociallpolicy check . tells you what the guidance still asks for.",
        "",
        *heading(f"{school}: social media policy", "#"),
        *directive(policy),
    ]
    if plan.next_review:
        out += paragraph(
            f"The next review is due by {escape(plan.next_review)}: the approval date "
            f"plus the review cycle of {plan.review_cycle} months."
        )
    if plan.missing or plan.drafts():
        out += [".. admonition:: Still to supply", "   :class: warning", ""]
        body: list[str] = []
        if plan.missing:
            body += paragraph(
                "These facts were not in the answers, so nothing was written for them "
                "and the policy does not yet meet the guidance. "
                f"{literal('sociallpolicy check .')} reports each one the guidance "
                "asks for, saying where to add it:"
            )
            body += bullets(escape(m, start=True) for m in plan.missing)
        drafts = plan.drafts()
        if drafts:
            body += paragraph(
                "These are suggestions of the wizard, written as drafts "
                f"({literal(':status: draft')}): a draft counts for nothing until the "
                "school reads it, changes what is not right and adopts it "
                f"({literal(':status: adopted')} with {literal(':adopted-by:')} and "
                f"{literal(':adopted-on:')}):"
            )
            body += bullets(escape(d.draft_line(), start=True) for d in drafts)
        body += paragraph("Remove this note once everything in it is supplied.")
        out += ["   " + line if line else "" for line in body]
    chapters = [name for name, _ in CHAPTERS]
    if base is not None:  # the trust's shared chapters, after the introduction
        chapters.insert(chapters.index("introduction") + 1, BASE_CHAPTER)
    out += [
        ".. toctree::",
        "   :caption: Contents",
        "   :maxdepth: 2",
        "   :numbered:",
        "",
        *[f"   {name}" for name in chapters],
        "",
    ]
    return out


def introduction_rst(plan: Plan) -> list[str]:
    s = escape(plan.school)
    learners = plan.learners
    tools = [escape(t.item.title, start=True) for t in plan.tools]
    out = _section(
        "Introduction and scope",
        [
            *paragraph(
                f"This policy sets out how {s} uses social media - blogs, social "
                "networks, video channels, class journals and learning platforms - to "
                f"communicate with parents and carers, {learners}, staff, governors and "
                "the wider community, and how it keeps everyone safe while doing so."
            ),
            *paragraph(
                "It applies to all staff, governors, volunteers and contractors who "
                f"post for the school, to {learners} who use a school tool, and to "
                "parents and carers who join one. It covers the school's official "
                "accounts, staff use of their personal accounts where it touches the "
                "school, and how concerns are reported."
            ),
            *paragraph(
                "Using social media is a whole-school decision. Before a tool is used, "
                "the online-safety lead is consulted, the risks are assessed, the "
                "headteacher approves it in writing and staff, "
                f"{learners} and parents are trained or told how it works. The school "
                "prefers tools it controls, such as its website and learning platform, "
                "to third-party services."
            ),
            *paragraph("The tools this policy approves are:"),
            *bullets(tools),
            *_controls(plan, "introduction"),
            *heading("The school's other policies", "-"),
            *paragraph(
                "Social media is used in line with the school's other policies; where "
                "this policy is silent, they apply. Each names who keeps it up to date "
                f"and what this policy relies on it for; add its {literal(':url:')}, "
                f"{literal(':approved-on:')} and {literal(':next-review:')}, and the "
                f"section each rule in {literal(':covers:')} is in, e.g. "
                f"{literal('ACC_OFFICIAL (section 4.2)')}."
            ),
            *_items(plan.documents),
        ],
    )
    return out


def roles_rst(plan: Plan) -> list[str]:
    rows = [
        [escape(title), _person(plan, key), escape(duty)] for key, title, duty in ROLE_ROWS
    ]
    owners: dict[str, list[str]] = {}
    for tool in plan.tools:
        owner = tool.item.options.get("owner")
        owners.setdefault(owner or "", []).append(tool.item.title)
    body = [
        *paragraph(
            "Everyone who posts for the school follows this policy. These people have "
            "named responsibilities:"
        ),
        *list_table("Key people", ["Role", "Name", "Responsibility"], rows, [25, 25, 50]),
        *paragraph(
            "Each approved tool has a named owner, responsible for its content and "
            "set-up, and at least two administrators who moderate it:"
        ),
        *bullets(
            f"{escape(owner, start=True) if owner else NOT_GIVEN}: {escape(_join(titles))}"
            for owner, titles in owners.items()
        ),
    ]
    return _section("Roles and responsibilities", body)


def _setup_lines(tool: ToolPlan) -> list[str]:
    options = tool.item.options
    lines = []
    for name in (
        "account",
        "visibility",
        "membership",
        "comments",
        "moderation",
        "owner",
        "admins",
        "contact-email",
        "approved-by",
        "approved-on",
        "next-review",
        "lawful-basis",
        "dpia-on",
        "pupil-images",
    ):
        value = options.get(name)
        why = tool.reasons.get(name)
        label = escape(LABELS.get(name) or name.replace("-", " ").capitalize())
        if value is None:
            continue
        line = f"{label}: {escape(value)}"
        if why:
            line += f" ({escape(why)})"
        lines.append(line)
    return lines


def _tool_section(plan: Plan, tool: ToolPlan) -> list[str]:
    platform = tool.platform
    options = tool.item.options
    learners = plan.learners
    audience = [learners if a == "pupils" else a for a in options["audience"].split(", ")]
    purpose = options["purpose"].split(", ")
    item = tool.item
    if not item.prose:
        item.prose = [
            f"The school uses {platform.name} for "
            f"{_join(purpose)}, for {_join(audience)}. The owner describes here how it "
            "is used, and how the school will judge whether it works."
        ]
    out = [*heading(item.title, "-"), *directive(item)]
    if item.suggested:
        out += paragraph(
            "How it is set up - the wizard chose the safest set-up "
            f"{escape(platform.name)} allows where the answers did not say; change "
            "any option above if the school's set-up differs:"
        )
    else:
        out += paragraph("How it is set up, as the answers gave it:")
    out += bullets(_setup_lines(tool))
    if item.draft:
        out += [".. note::", ""]
        out += [
            "   " + line
            for line in paragraph(
                "The values the wizard chose make this tool a suggestion, written as a "
                f"draft: it counts for nothing until the school adopts it "
                f"({literal(':status: adopted')} with {literal(':adopted-by:')} and "
                f"{literal(':adopted-on:')})."
            )
        ]
    if tool.defaulted:
        out += [".. note::", ""]
        out += [
            "   " + line
            for line in paragraph(
                f"The answers did not give its {' or '.join(tool.defaulted)}: the "
                f"wizard wrote the usual use of {escape(platform.name)}. Check "
                + " and ".join(literal(f":{d}:") for d in tool.defaulted)
                + "."
            )
        ]
    if tool.age_problem is not None:
        low = youngest(plan.answers.pupil_ages)
        out += [".. warning::", ""]
        out += [
            "   " + line
            for line in paragraph(
                f"{escape(platform.name)}'s minimum age in {escape(plan.country)} is "
                f"{tool.age_problem}, above the age of the youngest {learners} "
                f"({low}). The guidance forbids this use ({literal('AGE_MIN_AGE')}): "
                f"take {learners} out of the audience or choose a platform made for "
                "their age."
            )
        ]
    if not platform.school_controlled and "justification" not in options:
        if "GOV_PREFER_CLOSED" in plan.requirement_ids:
            out += [".. note::", ""]
            out += [
                "   " + line
                for line in paragraph(
                    f"{escape(platform.name)} is a service the school does not control. "
                    "Record why it is used rather than the school website or learning "
                    f"platform in {literal(':justification:')} "
                    f"(guidance {literal('GOV_PREFER_CLOSED')})."
                )
            ]
    return out


def tools_rst(plan: Plan) -> list[str]:
    body = paragraph(
        "Only the tools below may be used for school communication. Each was chosen "
        "for its purpose and audience, and each is set up as safely as its platform "
        "allows: membership approved by the school wherever the platform can, "
        "comments held for approval where it can and otherwise off, and services the "
        "school does not control moderated every day."
    )
    for tool in plan.tools:
        body += _tool_section(plan, tool)
    body += heading("Safeguards for every tool", "-")
    body += _controls(plan, "tools")
    return _section("Approved tools", body)


def risks_rst(plan: Plan) -> list[str]:
    body = [
        *paragraph(
            "Each tool's risks are assessed before it is used and at least every 12 "
            "months, by its owner (for the educational side) and the network manager "
            "(for the technical side), and agreed by the senior leadership team "
            "including the DSL. The assessment covers the service's terms and minimum "
            "age, how the account can be deleted, the personal data it collects and "
            "whether its content is suitable."
        ),
        *paragraph(
            "Each risk is scored for likelihood and impact from 1 to 5, before and "
            "after its safeguards (score = likelihood x impact: 1-4 low, 5-9 medium, "
            "10-16 high, 20-25 very high)."
        ),
        ".. important::",
        "",
        "   "
        + paragraph(
            "These risks were drafted by sociallpolicy new from what is typical for "
            "each platform and audience. The assessors must read and adjust them: the "
            "scores and safeguards are a starting point, not a judgement.",
            "A risk still marked as a draft counts for nothing until the school adopts it."
            if any(r.draft for t in plan.tools for r in t.risks)
            else "",
        )[0],
        "",
    ]
    for tool in plan.tools:
        body += heading(tool.item.title, "-")
        body += _items(tool.risks)
    return _section("Risk assessment", body)


def conduct_rst(plan: Plan) -> list[str]:
    learners = plan.learners
    body = [
        *heading("Official use", "-"),
        *paragraph(
            "Staff post for the school only on the approved tools, with the school's "
            "accounts, and in a professional tone. Posts never name or tag "
            f"{learners}, never share personal information, and never respond to a "
            "complaint in public: the complainant is pointed to the complaints "
            "procedure."
        ),
        *heading("Personal use", "-"),
        *paragraph(
            "Staff keep their personal accounts private, do not identify the school's "
            f"{learners} or families on them, and do not discuss the school, its "
            f"{learners} or colleagues. They do not accept or send friend or follow "
            f"requests to or from {learners} or their families; relationships that "
            "already exist are declared to the DSL."
        ),
        *heading("Safeguards", "-"),
        *_controls(plan, "conduct"),
    ]
    return _section("Staff conduct", body)


def parents_rst(plan: Plan) -> list[str]:
    learners = plan.learners
    body = [
        *paragraph(
            "Parents and carers are asked to follow each tool's house rules, not to "
            "post images of other people's children, and to raise concerns about the "
            "school through the school, not on social media. Not every family has the "
            "internet at home, so nothing is only available on social media."
        ),
        *paragraph(
            f"Before a new tool is started, the school asks the parents, {learners} or "
            "community it is for whether they want to use it, and records what they "
            "said (e.g. a survey) as a safeguard of kind "
            f"{literal('audience-consultation')}."
        ),
        *_controls(plan, "parents"),
    ]
    return _section("Parents, carers and the community", body)


def images_rst(plan: Plan) -> list[str]:
    learners = plan.learners
    body = [
        *paragraph(
            f"Images of {learners} are personal data. The school posts an image only "
            "when a parent has consented in writing, honours every refusal, and "
            f"never names a {learners[:-1]} in full or tags them. Images are taken "
            "on school devices only."
        ),
        *paragraph(
            "Each tool records whether a "
            f"{learners[:-1]} can be recognised in the images it publishes "
            f"({literal(':pupil-images:')}). On a public account the guidance asks "
            "that they cannot be: criminals have taken photos of pupils from "
            "schools' websites and social media and made abuse images from them."
        ),
        *_controls(plan, "images"),
    ]
    return _section("Images and consent", body)


def incidents_rst(plan: Plan) -> list[str]:
    body = [
        *paragraph(
            f"The DSL, {_person(plan, 'dsl')}, receives every concern that arises on any "
            "tool. Staff screenshot and record what they saw, do not delete evidence "
            "that may be needed, hide or remove harmful content, and report it the "
            "same day. Where a member of staff is involved, the headteacher is told "
            "and, where needed, the Local Authority Designated Officer (LADO)."
        ),
        *paragraph(
            "Content that breaks the law or a platform's terms is also reported to "
            "the platform; a threat to someone's safety is reported to the police."
        ),
        *_controls(plan, "incidents"),
    ]
    return _section("Responding to incidents", body)


def review_rst(plan: Plan) -> list[str]:
    a = plan.answers
    approved = escape(a.approved_on) if a.approved_on else "*no date given yet*"
    body_text = (
        f"This policy is reviewed at least every {plan.review_cycle} months, and "
        "whenever a tool is added or changed, a platform changes its terms or an "
        "incident shows a gap. It was approved by "
        f"{_person(plan, 'governing-body')} on {approved}"
    )
    if plan.next_review:
        body_text += f"; the next review is due by {escape(plan.next_review)}."
    else:
        body_text += "."
    body = [
        *paragraph(body_text),
        *paragraph(
            "At each review the online-safety lead checks every tool's approval, "
            "set-up and administrators, renews its risk assessment, re-checks the "
            "platforms' minimum ages, and runs "
            f"{literal('sociallpolicy check .')} until it reports no finding."
        ),
    ]
    controls = _controls(plan, "review")
    if controls:
        body += heading("Filtering and monitoring", "-")
        body += paragraph(
            "A named senior leader and a named governor are responsible for the "
            "school's filtering and monitoring, which are reviewed at least once a "
            "year:"
        )
        body += controls
    return _section("Monitoring and review", body)


def registers_rst(plan: Plan) -> list[str]:
    body = [
        *heading("Approved accounts", "-"),
        ".. sm-register::",
        "",
        *heading("Risk register", "-"),
        ".. sm-risk-register::",
        "   :heatmap:",
        "",
        *heading("Requirements and tools", "-"),
        ".. sm-matrix::",
        "",
        *heading("Compliance summary", "-"),
        ".. sm-compliance::",
        "",
    ]
    return _section("Registers", body)


def guidance_rst(plan: Plan) -> list[str]:
    body = [
        *paragraph(
            "Every requirement of the guidance this policy is checked against, with "
            "its source and severity. The safeguards above name the requirements they "
            "meet."
        ),
        ".. sm-guidance::",
        "",
    ]
    return _section("Appendix: the guidance this policy is checked against", body)


def still_to_supply_md(plan: Plan) -> list[str]:
    """The README's "Still to supply" section (empty when nothing is)."""
    drafts = plan.drafts()
    if not plan.missing and not drafts:
        return []
    out = ["## Still to supply", ""]
    if plan.missing:
        out += [
            "Facts the answers did not give; nothing was invented for them:",
            "",
            *[f"- {_md(m)}" for m in plan.missing],
            "",
        ]
    if drafts:
        out += [
            "Suggestions of the wizard, written as drafts (`:status: draft`). A draft",
            "counts for nothing until the school reads it, changes what is not right",
            "and adopts it (`:status: adopted`, `:adopted-by:`, `:adopted-on:`):",
            "",
            *[f"- {_md(d.draft_line())}" for d in drafts],
            "",
        ]
    return out


def _md(text: str) -> str:
    """Text for a Markdown list item, shown as it is: characters that can start
    markup are escaped (``_`` only where it could, not inside an ID)."""
    text = re.sub(r"([\\`*\[\]<>|#])", r"\\\1", text)
    return re.sub(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])", r"\\_", text)


def readme(plan: Plan) -> str:
    school = plan.school.replace("\n", " ")
    return "\n".join(
        [
            f"# Social media policy: {school}",
            "",
            "The school's social-media and online-safety policy, written in",
            "reStructuredText with sphinxcontrib-sociallpolicy and checked against",
            "the guidance packs " + ", ".join(plan.guidance) + ".",
            "",
            "Install sphinxcontrib-sociallpolicy first. It is not on the Python",
            "Package Index yet: install it from a copy of its repository",
            "(`pip install path/to/sphinxcontrib-sociallpolicy`) or from a wheel built",
            "there (`pip install path/to/sphinxcontrib_sociallpolicy-*.whl`). Once it",
            "is published, `pip install sphinxcontrib-sociallpolicy` will do.",
            "",
            "Build it (fails on any finding at `must`):",
            "",
            "```sh",
            "sphinx-build -W -b html . _build/html",
            "```",
            "",
            "Check it (every finding with its file and line; exit 0 when it passes):",
            "",
            "```sh",
            "sociallpolicy check .",
            "```",
            "",
            "A PDF: `sphinx-build -M latexpdf . _build`. The workflow in",
            "`.github/workflows/policy.yml` runs the check on every push.",
            "",
            *still_to_supply_md(plan),
        ]
    )


WORKFLOW = """\
name: policy

on:
  push:
  pull_request:

jobs:
  check:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      # sphinxcontrib-sociallpolicy is not on the Python Package Index yet: set
      # the repository variable SOCIALLPOLICY_PACKAGE to where pip can install it
      # from (a git address or a wheel's address); once it is published, the
      # default name will do
      - run: pip install "${SOCIALLPOLICY_PACKAGE:-sphinxcontrib-sociallpolicy}"
        env:
          SOCIALLPOLICY_PACKAGE: ${{ vars.SOCIALLPOLICY_PACKAGE }}
      - name: Check the policy against its guidance
        run: sociallpolicy check --format github .
      - name: Build the HTML
        run: sphinx-build -W -b html . _build/html
"""


def project_files(plan: Plan, base: BaseLink | None = None) -> dict[str, str]:
    """Every file of the project, by path relative to its folder; with ``base``,
    conf.py names the trust base and a chapter includes its shared chapters."""
    chapters = {
        "introduction": introduction_rst,
        "roles": roles_rst,
        "tools": tools_rst,
        "risks": risks_rst,
        "conduct": conduct_rst,
        "parents": parents_rst,
        "images": images_rst,
        "incidents": incidents_rst,
        "review": review_rst,
        "registers": registers_rst,
        "guidance": guidance_rst,
    }
    files = {"conf.py": conf_py(plan, base), "index.rst": _text(index_rst(plan, base))}
    if base is not None:
        files[f"{BASE_CHAPTER}.rst"] = _text(base_rst(base))
    for name, _title in CHAPTERS:
        files[f"{name}.rst"] = _text(chapters[name](plan))
    files["README.md"] = readme(plan)
    files[".github/workflows/policy.yml"] = WORKFLOW
    return files


def _text(lines: list[str]) -> str:
    return "\n".join(lines).rstrip("\n") + "\n"
