"""From answers to a plan: every item of the policy with its options, derived.

The wizard chooses the safest set-up each platform allows, from the platform
catalogue (:mod:`...guidance.platforms`), and the safeguards each requirement of the
active guidance packs needs:

- account: a private group where the platform has them; a channel on a video
  platform; class pages or a site on a platform the school runs; never a personal
  profile;
- membership: controlled (request to join, or school accounts) wherever the platform
  allows it for that kind of account; otherwise the account only broadcasts;
- comments: premoderated where the platform can hold comments for approval on that
  kind of account, otherwise off (and off wherever membership cannot be controlled
  on a service the school does not run);
- moderation: daily on services the school does not control, weekly on its own;
- contact address: ``office@`` the first email domain;
- the tool's owner defaults to the online-safety lead, its administrators to the
  owner and the online-safety lead (and the headteacher when they are one person),
  its approval to the headteacher on the policy's approval date, its next review to
  the approval plus the review cycle;
- a drafted risk assessment per tool with the risks typical for that platform and
  audience, owned by the tool's owner, assessed by the owner and the network manager
  on the tool's approval date.

Nothing about a person or a date is invented: when the answers do not give it (nor a
fact it is derived from), the option is left out and the guidance reports it; the
plan lists it in :attr:`Plan.missing` for the "still to supply" note.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field

from ...guidance import Catalogue, Platform, load_catalogue, requirements_of, resolve_packs
from ...guidance.errors import PackError
from .answers import DEFAULT_GUIDANCE, Answers, ToolAnswers

#: platforms whose usual account is class pages (a journal, a class, a team)
CLASS_CATEGORIES = {
    "learning-platform",
    "class-journal",
    "class-communication",
    "collaborative-board",
}
SITE_CATEGORIES = {"blog", "wiki", "website"}
ACCOUNT_WORDS = {
    "page": "page",
    "group": "group",
    "channel": "channel",
    "class": "class pages",
    "site": "",
    "profile": "account",
}
STUDENT_PHASES = {"secondary", "college", "all-through"}


@dataclass
class Item:
    """One directive to write."""

    directive: str
    title: str
    id: str
    options: dict[str, str] = field(default_factory=dict)
    #: the item's prose (plain text; escaped when written), one string a paragraph
    prose: list[str] = field(default_factory=list)


@dataclass
class ToolPlan:
    item: Item
    platform: Platform
    answers: ToolAnswers
    #: option -> why the wizard chose its value (shown to the school)
    reasons: dict[str, str] = field(default_factory=dict)
    #: facts left out, in words (what to supply)
    missing: list[str] = field(default_factory=list)
    #: the platform's minimum age in the country, when it is above the youngest pupil
    age_problem: int | None = None
    defaulted: list[str] = field(default_factory=list)
    risks: list[Item] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.item.id


@dataclass
class Plan:
    answers: Answers
    school: str
    country: str
    guidance: list[str]
    #: "pupils" or "students"
    learners: str
    review_cycle: int
    next_review: str | None
    tools: list[ToolPlan]
    #: chapter name -> controls placed in it
    controls: dict[str, list[Item]]
    requirement_ids: frozenset[str]
    missing: list[str]
    catalogue: Catalogue

    def control_ids(self) -> set[str]:
        return {c.id for items in self.controls.values() for c in items}


def add_months(day: str, count: int) -> str:
    """``day`` (ISO) plus ``count`` months, on the last day of a shorter month."""
    d = dt.date.fromisoformat(day)
    month = d.month - 1 + count
    year = d.year + month // 12
    month = month % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(d.day, last)).isoformat()


def youngest(pupil_ages: str | None) -> int | None:
    if not pupil_ages:
        return None
    return int(pupil_ages.split("-")[0])


def id_part(text: str) -> str:
    return "_".join(re.findall(r"[A-Z0-9]+", text.upper())) or "X"


def default_audience(platform: Platform) -> list[str]:
    if platform.category in CLASS_CATEGORIES and platform.school_controlled:
        return ["pupils", "parents"]
    return ["parents"]


def default_purpose(platform: Platform) -> list[str]:
    if platform.category in CLASS_CATEGORIES:
        return ["showcase", "learning"]
    if platform.category in {"video-sharing", "visual-social"}:
        return ["showcase"]
    if platform.category in {"blog", "wiki"}:
        return ["showcase", "discussion"]
    return ["announcements"]


def choose_account(platform: Platform) -> str:
    """The safest kind of account the platform offers (never a personal profile)."""
    if platform.school_controlled or platform.category in CLASS_CATEGORIES:
        if platform.category in SITE_CATEGORIES:
            return "site"
        return "class"
    candidates = []
    if platform.private_groups:
        candidates.append("group")
    if platform.category in {"video-sharing", "children-video"}:
        candidates.append("channel")
    candidates.append("page")
    # prefer the account on which the school controls membership, then comments
    return max(
        candidates,
        key=lambda a: (
            platform.fact("membership-control", a),
            platform.fact("premoderation", a),
            -candidates.index(a),
        ),
    )


def active_requirements(guidance: list[str]) -> frozenset[str]:
    """The rule IDs of the built-in packs named (paths are read by the build)."""
    from ...guidance import builtin_pack_ids

    builtin = [g for g in guidance if g in builtin_pack_ids()]
    try:
        packs = resolve_packs(builtin, ".")
    except PackError:  # pragma: no cover - built-in packs load
        return frozenset()
    return frozenset(r.id for r in requirements_of(packs))


def _names(*names: str | None) -> list[str]:
    return list(dict.fromkeys(n for n in names if n))


def plan_tool(
    tool: ToolAnswers, answers: Answers, catalogue: Catalogue, used: set[str]
) -> ToolPlan:
    platform = catalogue.get(tool.platform)
    assert platform is not None  # validated with the catalogue
    extra = tool.extra
    people = answers.people
    country = answers.country or "GB"
    reasons: dict[str, str] = {}
    missing: list[str] = []
    defaulted: list[str] = []

    audience = tool.audience
    if not audience:
        audience = default_audience(platform)
        defaulted.append("audience")
    purpose = tool.purpose
    if not purpose:
        purpose = default_purpose(platform)
        defaulted.append("purpose")

    controlled = platform.school_controlled
    account = extra.get("account") or choose_account(platform)
    if "account" not in extra:
        reasons["account"] = f"the safest kind of account {platform.name} offers" + (
            ", a private group the school approves members of" if account == "group" else ""
        )
    can_control = platform.fact("membership-control", account)
    can_premoderate = platform.fact("premoderation", account)
    must_control = not controlled or "pupils" in audience
    if must_control and can_control:
        membership = "school-accounts" if controlled else "request"
        visibility = "closed" if controlled else "private"
        why = (
            "only people with school accounts can see it"
            if controlled
            else f"{platform.name} lets the school approve who joins or follows"
        )
    else:
        membership = "open"
        visibility = "public"
        why = (
            f"{platform.name} cannot let the school approve who follows this kind of "
            "account, so it only broadcasts"
            if must_control
            else "it is the school's own site, open to read"
        )
    if "membership" not in extra:
        reasons["membership"] = why
    if "visibility" not in extra:
        reasons["visibility"] = why
    if not controlled and not can_control:
        comments = "off"
        comments_why = "membership cannot be controlled, so the account only broadcasts"
    elif can_premoderate:
        comments = "premoderated"
        comments_why = f"{platform.name} can hold comments for approval"
    else:
        comments = "off"
        comments_why = f"{platform.name} cannot hold comments for approval"
    if "comments" not in extra:
        reasons["comments"] = comments_why
    moderation = "weekly" if controlled else "daily"
    if "moderation" not in extra:
        reasons["moderation"] = (
            "the school runs it"
            if controlled
            else "the school does not control the service, so it is checked every day"
        )

    owner = tool.owner or people.get("owner")
    if owner and not tool.owner:
        reasons["owner"] = "the online-safety lead, as no owner was given"
    if not owner:
        missing.append("the member of staff who owns it (owner)")
    admins = tool.admins
    if not admins:
        admins = _names(owner, people.get("owner"))
        why = "the owner and the online-safety lead, as none were given"
        if len(admins) == 1 and people.get("headteacher"):
            admins = _names(*admins, people.get("headteacher"))
            why = (
                "the owner and the headteacher, so that two people, one of them in "
                "the leadership team, can run it; none were given"
            )
        if admins:
            reasons["admins"] = why
        else:
            missing.append("who administers and moderates it (admins)")
    approved_on = tool.approved_on or answers.approved_on
    if approved_on and not tool.approved_on:
        reasons["approved-on"] = "the date the policy was approved"
    if not approved_on:
        missing.append("the date its use was approved (approved-on)")
    head = people.get("headteacher")
    approved_by = extra.get("approved-by") or (f"{head} (headteacher)" if head else None)
    if not approved_by:
        missing.append("who approved it, the headteacher (approved-by)")
    cycle = answers.review_cycle or 12
    next_review = extra.get("next-review") or (
        add_months(approved_on, cycle) if approved_on else None
    )
    if next_review and "next-review" not in extra:
        reasons["next-review"] = f"the approval date plus the {cycle}-month review cycle"
    contact = extra.get("contact-email") or (
        f"office@{answers.email_domains[0]}" if answers.email_domains else None
    )
    if contact and "contact-email" not in extra:
        reasons["contact-email"] = "the school office address at the first email domain"
    if not contact:
        missing.append("the school address the account is registered with (contact-email)")

    base = f"TOOL_{id_part(platform.id)}_{id_part(account)}"
    tool_id = extra.get("id") or base
    number = 2
    while tool_id in used:
        tool_id = f"{base}_{number}"
        number += 1
    used.add(tool_id)
    title = extra.get("title") or tool_title(platform, account, audience, answers)

    options: dict[str, str] = {
        "id": tool_id,
        "platform": platform.id,
        "purpose": ", ".join(purpose),
        "audience": ", ".join(audience),
        "account": account,
        "visibility": extra.get("visibility") or visibility,
        "comments": extra.get("comments") or comments,
        "membership": extra.get("membership") or membership,
    }
    if owner:
        options["owner"] = owner
    if admins:
        options["admins"] = ", ".join(admins)
    options["moderation"] = extra.get("moderation") or moderation
    if contact:
        options["contact-email"] = contact
    if extra.get("url"):
        options["url"] = extra["url"]
    if approved_by:
        options["approved-by"] = approved_by
    if approved_on:
        options["approved-on"] = approved_on
    if next_review:
        options["next-review"] = next_review
    if extra.get("justification"):
        options["justification"] = extra["justification"]

    age_problem = None
    min_age = platform.min_age(country)
    low = youngest(answers.pupil_ages)
    if "pupils" in audience and min_age is not None and low is not None and min_age > low:
        age_problem = min_age
    item = Item("sm-tool", title, tool_id, options)
    if extra.get("description"):
        item.prose = extra["description"].split("\n\n")
    return ToolPlan(
        item=item,
        platform=platform,
        answers=tool,
        reasons=reasons,
        missing=missing,
        age_problem=age_problem,
        defaulted=defaulted,
    )


def tool_title(
    platform: Platform, account: str, audience: list[str], answers: Answers
) -> str:
    words = ACCOUNT_WORDS.get(account, account)
    learners = learner_word(answers.phase)
    who = [learners if a == "pupils" else a for a in audience]
    if len(who) > 1:
        listed = ", ".join(who[:-1]) + " and " + who[-1]
    else:
        listed = who[0]
    name = f"{platform.name} {words}".strip()
    return f"{name} for {listed}"


def learner_word(phase: str | None) -> str:
    return "students" if phase in STUDENT_PHASES else "pupils"


# --- risks -------------------------------------------------------------------------


def plan_risks(tool: ToolPlan, answers: Answers, controls: set[str]) -> list[Item]:
    """The risks typical for the tool's platform and audience, drafted."""
    platform = tool.platform
    options = tool.item.options
    audience = options["audience"].split(", ")
    learners = learner_word(answers.phase)
    controlled = platform.school_controlled
    pupils = "pupils" in audience
    suffix = tool.id.removeprefix("TOOL_")
    owner = options.get("owner")
    network = answers.people.get("network-manager")
    assessed_on = options.get("approved-on")
    name = platform.name

    def mitigations(*ids: str) -> str:
        return ", ".join(i for i in ids if i in controls)

    risks: list[Item] = []

    def risk(
        key: str,
        title: str,
        category: str,
        scores: tuple[int, int, int, int],
        mitigated: str,
        prose: str,
    ) -> None:
        opts: dict[str, str] = {
            "id": f"RISK_{suffix}_{key}",
            "affects": tool.id,
            "category": category,
            "likelihood": str(scores[0]),
            "impact": str(scores[1]),
        }
        if mitigated:
            opts["mitigated-by"] = mitigated
        opts["residual-likelihood"] = str(scores[2])
        opts["residual-impact"] = str(scores[3])
        if owner:
            opts["owner"] = owner
        if owner and network:
            opts["assessed-by"] = ", ".join(_names(owner, network))
        if assessed_on:
            opts["assessed-on"] = assessed_on
        risks.append(Item("sm-risk", title, opts["id"], opts, [prose]))

    comments = options.get("comments")
    risk(
        "COMMENTS",
        f"Unkind, abusive or unsuitable posts or comments on the {name} account",
        "conduct",
        (3, 3, 1, 3) if comments != "open" else (4, 3, 3, 3),
        mitigations(
            "CTRL_PREMODERATION" if comments == "premoderated" else "",
            "CTRL_HOUSE_RULES",
            "CTRL_INCIDENTS",
        ),
        "Someone posts or comments something unkind, abusive or unsuitable about a "
        "member of the school community, or a complaint that belongs in the "
        "complaints procedure.",
    )
    risk(
        "CONTACT",
        f"A stranger contacts {learners} or families through {name}",
        "contact",
        (2 if controlled else 3, 5 if pupils else 4, 1, 5 if pupils else 4),
        mitigations(
            "CTRL_MEMBERSHIP" if options.get("membership") != "open" else "",
            "CTRL_PRIVACY",
            "CTRL_FOLLOWER_AUDIT" if not controlled else "",
            "CTRL_INCIDENTS",
        ),
        f"An adult the school does not know finds {learners} or their families "
        "through the account and contacts them, or follows the account to learn "
        "about them.",
    )
    risk(
        "IMAGES",
        f"A {learners[:-1]} is identified from a photo, name or tag on {name}",
        "content",
        (3, 4, 1, 4),
        mitigations("CTRL_IMAGE_CONSENT", "CTRL_SECOND_APPROVER"),
        f"A photo or video shows a {learners[:-1]} whose parents have not consented, "
        f"or names or tags a {learners[:-1]} so that they can be found.",
    )
    if not controlled:
        risk(
            "DATA",
            f"{name} collects personal data and shows advertising to followers",
            "commerce",
            (4, 2, 3, 2),
            mitigations("CTRL_PRIVACY", "CTRL_PARENT_AWARENESS"),
            f"{name} is a commercial service: it collects the personal data of "
            "everyone who follows the account and may show them advertising; the "
            "account can only be deleted under its terms.",
        )
        risk(
            "ACCESS",
            f"The school loses control of the {name} account",
            "conduct",
            (2, 4, 1, 4),
            mitigations(
                "CTRL_TWO_STEP", "CTRL_ACCESS_REVIEW", "CTRL_PROFESSIONAL_ACCOUNTS"
            ),
            "The password is lost or stolen, or a member of staff who has left "
            "still has access, and posts go out that the school did not approve.",
        )
    if pupils and not controlled:
        if tool.age_problem is not None:
            risk(
                "AGE",
                f"{learners.capitalize()} are younger than {name}'s minimum age",
                "content",
                (5, 4, 5, 4),
                "",
                f"{name}'s minimum age in {answers.country or 'GB'} is "
                f"{tool.age_problem}, above the age of the youngest {learners} "
                f"({youngest(answers.pupil_ages)}). The guidance forbids this use: "
                "no safeguard reduces this risk.",
            )
        else:
            risk(
                "CONTENT",
                f"{learners.capitalize()} reach unsuitable content on {name}",
                "content",
                (3, 3, 2, 3),
                mitigations("CTRL_PUPIL_TRAINING", "CTRL_PRIVACY"),
                f"{name} is not made for schools: {learners} using the account can "
                "reach other content and accounts on the service.",
            )
    return risks


# --- controls ---------------------------------------------------------------------


def plan_controls(
    answers: Answers, tools: list[ToolPlan], requirements: frozenset[str]
) -> dict[str, list[Item]]:
    people = answers.people
    learners = learner_word(answers.phase)
    training = answers.training
    owner = people.get("owner")
    head = people.get("headteacher")
    dsl = people.get("dsl")
    network = people.get("network-manager")
    out: dict[str, list[Item]] = {}

    def sat(*ids: str) -> str:
        return ", ".join(i for i in ids if i in requirements)

    def control(
        chapter: str,
        cid: str,
        title: str,
        kind: str,
        prose: str,
        *,
        applies: str | None = None,
        satisfies: str = "",
        who: str | None = None,
        frequency: str | None = None,
        last_done: str | None = None,
        evidence: str | None = None,
    ) -> None:
        opts: dict[str, str] = {"id": cid, "kind": kind}
        if applies:
            opts["applies-to"] = applies
        if satisfies:
            opts["satisfies"] = satisfies
        if who:
            opts["owner"] = who
        if frequency:
            opts["frequency"] = frequency
        if last_done:
            opts["last-done"] = last_done
        if evidence:
            opts["evidence"] = evidence
        out.setdefault(chapter, []).append(Item("sm-control", title, cid, opts, [prose]))

    third_party = [t.id for t in tools if not t.platform.school_controlled]
    premoderated = [t.id for t in tools if t.item.options.get("comments") == "premoderated"]
    approved = [
        t.id
        for t in tools
        if t.item.options.get("membership") in ("request", "invite", "school-accounts")
    ]
    for_pupils = [t.id for t in tools if "pupils" in t.item.options["audience"].split(", ")]

    # introduction
    control(
        "introduction",
        "CTRL_LINKED_POLICIES",
        "Links to the school's other policies",
        "other",
        "Social media is used in line with the school's behaviour, complaints, child "
        "protection, staff code of conduct, acceptable use, image use and data "
        "protection policies; where this policy is silent, those policies apply.",
        satisfies=sat("GOV_LINKED_POLICIES"),
        who=owner,
        frequency="annual",
    )
    # approved tools
    control(
        "tools",
        "CTRL_PRIVACY",
        f"Privacy settings checked and no private messages with {learners}",
        "privacy-settings",
        "Each account uses the most private settings its platform offers, as "
        f"recorded on the tool. Direct messages with {learners} are switched off "
        "wherever the platform allows; where it does not, staff do not use them.",
        applies="all",
        satisfies=sat("MOD_SAFE_CONFIG", "CON_NO_PRIVATE_1TO1"),
        who=network or owner,
        frequency="termly",
    )
    if premoderated:
        control(
            "tools",
            "CTRL_PREMODERATION",
            "Comments approved before they appear",
            "comment-premoderation",
            "On the accounts where comments are premoderated, every comment is held "
            "until an administrator approves it.",
            applies=", ".join(premoderated),
            satisfies=sat("MOD_PREMODERATION"),
            frequency="daily",
        )
    if approved:
        control(
            "tools",
            "CTRL_MEMBERSHIP",
            "Members approved before they join",
            "membership-approval",
            "People ask to join or follow, and an administrator approves only people "
            "they can identify as members of the school community.",
            applies=", ".join(approved),
            satisfies=sat("MOD_MEMBERSHIP"),
            frequency="daily",
        )
    if third_party:
        control(
            "tools",
            "CTRL_FOLLOWER_AUDIT",
            "Termly check of followers and members",
            "follower-audit",
            "Each term an administrator checks the followers or members of each "
            "account on a service the school does not control, and removes unknown, "
            "adult-content and bot accounts.",
            applies=", ".join(third_party),
            satisfies=sat("MOD_FOLLOWER_AUDIT"),
            who=owner,
            frequency="termly",
        )
    # staff conduct
    control(
        "conduct",
        "CTRL_AUP",
        "Staff code of conduct and acceptable use policy",
        "acceptable-use",
        f"Staff never give {learners} or parents their personal phone numbers, email "
        f"addresses or social-media accounts; they do not add or follow {learners} or "
        "their families on personal accounts, and they tell the DSL about "
        "relationships that already exist. Every member of staff signs the "
        "acceptable use policy each year.",
        satisfies=sat("CON_NO_PERSONAL_CONTACT", "CON_NO_PERSONAL_FRIENDING"),
        who=head,
        frequency="annual",
    )
    control(
        "conduct",
        "CTRL_PROFESSIONAL_ACCOUNTS",
        "School accounts only",
        "professional-accounts",
        "The school communicates only through the accounts listed in this policy, "
        "registered with a school email address, never through anyone's personal "
        "account.",
        applies="all",
        satisfies=sat("ACC_OFFICIAL"),
        who=owner,
        frequency="continuous",
    )
    control(
        "conduct",
        "CTRL_SECOND_APPROVER",
        "A second colleague checks public posts",
        "second-approver",
        "Before a post goes out on a public account, a second member of staff checks "
        "it wherever possible, including that no pupil can be identified.",
        applies="all",
        satisfies=sat("CON_SECOND_PAIR_OF_EYES"),
        frequency="continuous",
    )
    control(
        "conduct",
        "CTRL_TWO_STEP",
        "Two-step verification for administrators",
        "two-step-verification",
        "Everyone who administers a school account signs in with two-step verification.",
        applies="all",
        satisfies=sat("ACC_SECURITY"),
        who=network,
        frequency="continuous",
    )
    control(
        "conduct",
        "CTRL_ACCESS_REVIEW",
        "Access removed when staff leave",
        "access-review",
        "When a member of staff leaves, their access to every school account is "
        "removed on their last day; each term the list of administrators of every "
        "account is reviewed.",
        applies="all",
        satisfies=sat("ACC_OFFBOARDING"),
        who=network or owner,
        frequency="termly",
    )
    control(
        "conduct",
        "CTRL_STAFF_TRAINING",
        "Online-safety training for all staff",
        "staff-training",
        "Every member of staff is trained in online safety and in this policy each "
        "year, and new staff at induction.",
        who=owner,
        frequency="annual",
        last_done=training.get("staff"),
    )
    control(
        "conduct",
        "CTRL_PUPIL_TRAINING",
        f"Social-media lessons for {learners}",
        "pupil-training",
        f"Each year {learners} learn how to use social media safely and how to "
        "report a worry, before they use any tool in this policy.",
        who=owner,
        frequency="annual",
        last_done=training.get("pupils"),
    )
    # parents and community
    control(
        "parents",
        "CTRL_PARENT_AWARENESS",
        "Online-safety session for parents and carers",
        "parent-awareness",
        "Each year parents and carers are invited to a session on online safety and "
        "on how the school uses social media.",
        who=owner,
        frequency="annual",
        last_done=training.get("parents"),
    )
    control(
        "parents",
        "CTRL_DIGITAL_INCLUSION",
        "Other ways in for families without the internet",
        "digital-inclusion",
        "Everything the school posts is also available another way: on paper from "
        "the office, at open evenings, and on a computer at school that parents can "
        "use after signing the acceptable use policy.",
        applies="all",
        satisfies=sat("GOV_INCLUSION"),
        frequency="continuous",
    )
    control(
        "parents",
        "CTRL_HOUSE_RULES",
        "House rules",
        "house-rules",
        "Each account that takes comments publishes house rules: what will be "
        "removed (abuse, personal information, complaints about individuals, "
        "advertising) and how to raise a concern or complaint instead.",
        applies="all",
        satisfies=sat("MOD_HOUSE_RULES"),
        who=owner,
        frequency="annual",
    )
    # images and consent
    control(
        "images",
        "CTRL_IMAGE_CONSENT",
        "Image consent register; no names or tags",
        "image-consent",
        f"Images of {learners} are posted only when their parents have consented in "
        "writing (recorded in the consent register); refusals are honoured, and "
        f"{learners} are never named in full or tagged.",
        applies="all",
        satisfies=sat("IMG_CONSENT_NO_ID"),
        who=owner,
        frequency="continuous",
        evidence="the image consent register",
    )
    if for_pupils:
        control(
            "images",
            "CTRL_PARENTAL_CONSENT",
            f"Parents consent before {learners} use a tool",
            "other",
            f"Before {learners} younger than the digital age of consent use a tool, "
            "the school asks their parents' consent and records it; without consent, "
            f"the {learners[:-1]} uses another way to take part.",
            applies=", ".join(for_pupils),
            satisfies=sat("AGE_CONSENT"),
            who=owner,
            frequency="annual",
            evidence="the consent register",
        )
    # incidents
    control(
        "incidents",
        "CTRL_INCIDENTS",
        "Concerns go to the DSL",
        "incident-reporting",
        "Any concern that arises on any tool - about a child's safety, a member of "
        "staff's conduct or a post - is reported the same day to the DSL, who acts "
        "under the child-protection procedures. Filtering and monitoring are "
        "reviewed at least once a year.",
        satisfies=sat("ESC_DSL_ROUTE"),
        who=dsl,
        frequency="continuous",
        evidence="the safeguarding record",
    )
    return out


def make_plan(answers: Answers) -> Plan:
    catalogue = load_catalogue()
    guidance = answers.guidance or list(DEFAULT_GUIDANCE)
    requirements = active_requirements(guidance)
    used: set[str] = set()
    tools = [plan_tool(t, answers, catalogue, used) for t in answers.tools]
    controls = plan_controls(answers, tools, requirements)
    control_ids = {c.id for items in controls.values() for c in items}
    for tool in tools:
        tool.risks = plan_risks(tool, answers, control_ids)
    cycle = answers.review_cycle or 12
    next_review = add_months(answers.approved_on, cycle) if answers.approved_on else None
    people = answers.people
    missing: list[str] = []
    if not answers.phase:
        missing.append("the school's phase (phase)")
    if not answers.pupil_ages:
        missing.append("the youngest and oldest pupils' ages (pupil-ages)")
    if not answers.email_domains:
        missing.append("the school's email domains (email-domains)")
    for key, what in (
        ("headteacher", "the headteacher, who approves each tool"),
        ("owner", "the online-safety lead (people: owner)"),
        ("dsl", "the Designated Safeguarding Lead (people: dsl)"),
        ("governing-body", "the body that approves the policy (people: governing-body)"),
        ("network-manager", "the network manager, who assesses each tool's risks"),
    ):
        if not people.get(key):
            missing.append(what)
    if not answers.approved_on:
        missing.append("the date the policy was approved (approved-on)")
    for key, what in (
        ("staff", "the date of the last online-safety training for staff"),
        ("pupils", "the date of the last social-media lessons for pupils"),
        ("parents", "the date of the last online-safety session for parents"),
    ):
        if not answers.training.get(key):
            missing.append(f"{what} (training: {key})")
    for tool in tools:
        for fact in tool.missing:
            missing.append(f"{tool.item.title}: {fact}")
    return Plan(
        answers=answers,
        school=answers.school or "",
        country=answers.country or "GB",
        guidance=guidance,
        learners=learner_word(answers.phase),
        review_cycle=cycle,
        next_review=next_review,
        tools=tools,
        controls=controls,
        requirement_ids=requirements,
        missing=missing,
        catalogue=catalogue,
    )
