"""From answers to a plan: every item of the policy with its options, derived.

The wizard chooses the safest set-up each platform allows, from the platform
catalogue (:mod:`...guidance.platforms`), and the safeguards each requirement of the
active guidance packs needs:

- account: the safest kind of account the platform offers, as the catalogue records
  it (``safest-account``), and never a kind it does not offer (``accounts``); where
  the catalogue records neither, a private group where the platform has them, a
  channel on a video platform, class pages or a site on a platform the school runs,
  never a personal profile;
- membership: controlled (request to join; by invitation when the tool is for
  pupils; school accounts on a platform the school runs) wherever the platform
  allows it for that kind of account; otherwise the account only broadcasts;
- comments: premoderated where the platform can hold comments for approval on that
  kind of account, otherwise off (and off wherever membership cannot be controlled
  on a service the school does not run);
- moderation: daily on services the school does not control, weekly on its own;
- contact address: ``office@`` the first email domain;
- personal data: the lawful basis a school's use usually rests on (public task);
  on a public account, images in which pupils cannot be recognised
  (``:pupil-images: not-identifiable``); never the date of a DPIA, nor whether a
  private tool's images identify pupils;
- the tool's owner defaults to the online-safety lead, its administrators to the
  owner and the online-safety lead (and the headteacher when they are one person),
  its approval to the headteacher on the policy's approval date, its next review to
  the approval plus the review cycle;
- a drafted risk assessment per tool with the risks typical for that platform and
  audience, owned by the tool's owner, assessed by the owner and the network manager
  on the tool's approval date;
- the safeguards the guidance needs, each with what is done, an owner from the
  answers' people and, for those done again and again, a frequency and the date it
  was last done (from the answers' ``training`` and ``last-done``): among them the
  incident response to nude, manipulated and extortion images, the annual review of
  filtering and monitoring (owned by the headteacher and the link governor), a
  termly audit of the images published by tools that publish pupils' images, and
  parents' consent only for tools whose lawful basis is consent; a consultation of
  the tools' audience only when the answers date one (``last-done:
  audience-consultation``), as a survey is never assumed;
- the school documents the policy relies on (``sm-document``: the behaviour,
  complaints, child-protection, staff-conduct, acceptable-use, images and
  data-protection policies, and for a school in England the mobile-phone policy),
  each with an owner from the answers' people.

**Suggestions are drafts.** What the wizard derives rather than reads from the
answers - every safeguard, risk and document, and every tool with a set-up value it
chose - is a suggestion (:attr:`Item.suggested`), written ``:status: draft`` until
the school adopts it (:meth:`Plan.adopt`: ``adopt-suggestions`` in the answers, or
the review at the end of an interactive run), then ``:status: adopted`` with
``:adopted-by:`` and ``:adopted-on:``. A draft counts for nothing in the check. A
tool whose facts all come from the answers is the school's own, and written as it
is.

**Nothing is invented.** A person, a date (a DPIA's included) or the pupils' ages
that the answers do not give (nor a fact it is derived from) is left out; the plan
lists it in :attr:`Plan.missing` and every draft in :meth:`Plan.drafts` for the
"still to supply" list.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field

from ...config import build_date
from ...guidance import Catalogue, Platform, requirements_of, resolve_packs
from ...guidance.errors import PackError
from ...schema import TOOL
from .answers import (
    DEFAULT_GUIDANCE,
    LAST_DONE,
    PEOPLE,
    TRAINING,
    Adoption,
    Answers,
    ToolAnswers,
)

#: the chapters of the project, in reading order: (file name, title)
CHAPTERS = (
    ("introduction", "Introduction and scope"),
    ("roles", "Roles and responsibilities"),
    ("tools", "Approved tools"),
    ("risks", "Risk assessment"),
    ("conduct", "Staff conduct"),
    ("parents", "Parents, carers and the community"),
    ("images", "Images and consent"),
    ("incidents", "Responding to incidents"),
    ("review", "Monitoring and review"),
    ("registers", "Registers"),
    ("guidance", "Appendix: the guidance this policy is checked against"),
)
#: what each kind of item is called in the review and the "still to supply" list
ITEM_WORDS = {
    "sm-tool": "tool",
    "sm-control": "safeguard",
    "sm-risk": "risk",
    "sm-document": "school document",
}

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
    #: the chapter (file name without ``.rst``) it is written in
    chapter: str = ""
    #: derived by the wizard, not read from the answers: a draft until adopted
    suggested: bool = False
    #: who adopted the suggestion for the school and when (None: still a draft)
    adopted: Adoption | None = None

    @property
    def file(self) -> str:
        return f"{self.chapter}.rst"

    @property
    def draft(self) -> bool:
        return self.suggested and self.adopted is None

    @property
    def word(self) -> str:
        return ITEM_WORDS.get(self.directive, "item")

    def draft_line(self) -> str:
        """The item in the "still to supply" list: its ID, file and title."""
        return f"{self.id} in {self.file}: {self.word} '{self.title}'"

    def written_options(self) -> dict[str, str]:
        """The options as written: a suggestion says whether it is a draft or
        adopted (after its ID), and who adopted it and when (last)."""
        if not self.suggested:
            return dict(self.options)
        out = {k: v for k, v in self.options.items() if k == "id"}
        out["status"] = "draft" if self.adopted is None else "adopted"
        out.update((k, v) for k, v in self.options.items() if k != "id")
        if self.adopted is not None:
            out["adopted-by"] = self.adopted.by
            out["adopted-on"] = self.adopted.on
        return out


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

    def suggested_values(self) -> list[str]:
        """The values the wizard chose for this tool, in words ("account: group")."""
        options = self.item.options
        out = [f"{name}: {options[name]}" for name in self.defaulted]
        out += [
            f"{name}: {options[name]}"
            for name in self.reasons
            if name in options and name not in NOT_SUGGESTIONS
        ]
        return out


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
    #: the school documents the policy relies on (in the introduction)
    documents: list[Item] = field(default_factory=list)

    def control_ids(self) -> set[str]:
        return {c.id for items in self.controls.values() for c in items}

    def items(self) -> list[Item]:
        """Every tool, document, safeguard and risk, in the order of the chapters."""
        out: list[Item] = [*self.documents]
        out += [t.item for t in self.tools]
        for items in self.controls.values():
            out += items
        out += [r for t in self.tools for r in t.risks]
        order = {name: n for n, (name, _) in enumerate(CHAPTERS)}
        return sorted(out, key=lambda i: order.get(i.chapter, len(order)))

    def suggestions(self) -> list[Item]:
        """What the wizard suggests (derived, not read from the answers)."""
        return [i for i in self.items() if i.suggested]

    def drafts(self) -> list[Item]:
        """The suggestions not adopted: written ``:status: draft``."""
        return [i for i in self.items() if i.draft]

    def adopt(self, adoption: Adoption, items: list[Item] | None = None) -> None:
        """Adopt ``items`` (default: every suggestion) for the school."""
        for item in self.suggestions() if items is None else items:
            if item.suggested:
                item.adopted = adoption


def add_months(day: str, count: int) -> str | None:
    """``day`` (ISO) plus ``count`` months, on the last day of a shorter month; None
    when ``day`` is not a date or the result would leave the calendar. (The answers
    allow only dates from 1900 to 2199 and cycles of 1 to 60 months, so that never
    happens to a date the wizard has checked; this only makes sure it cannot raise.)
    """
    try:
        d = dt.date.fromisoformat(day)
        month = d.month - 1 + int(count)
        year = d.year + month // 12
        month = month % 12 + 1
        if not dt.MINYEAR <= year <= dt.MAXYEAR:
            return None
        last = calendar.monthrange(year, month)[1]
        return dt.date(year, month, min(d.day, last)).isoformat()
    except (TypeError, ValueError, OverflowError):
        return None


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
    if platform.category == "live-streaming":
        return ["livestreaming"]
    if platform.category in CLASS_CATEGORIES:
        return ["showcase", "learning"]
    if platform.category in {"video-sharing", "visual-social"}:
        return ["showcase"]
    if platform.category in {"blog", "wiki"}:
        return ["showcase", "discussion"]
    return ["announcements"]


def choose_account(platform: Platform) -> str:
    """The safest kind of account the platform offers: the one the catalogue records
    as its safest; where it records none, the safest of the kinds it offers (never a
    personal profile where there is another kind)."""
    offered = list(platform.accounts)
    if platform.safest_account and (not offered or platform.safest_account in offered):
        return platform.safest_account
    if platform.school_controlled or platform.category in CLASS_CATEGORIES:
        candidates = ["site"] if platform.category in SITE_CATEGORIES else ["class"]
    else:
        candidates = []
        if platform.private_groups:
            candidates.append("group")
        if platform.category in {"video-sharing", "children-video", "live-streaming"}:
            candidates.append("channel")
        candidates.append("page")
    if offered:
        candidates = (
            [a for a in candidates if a in offered]
            or [a for a in offered if a != "profile"]
            or offered
        )
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


#: derived values that are worked out from the answers, not suggested: the next
#: review is the approval date plus the policy's review cycle
NOT_SUGGESTIONS = ("next-review",)


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
        offered = list(platform.accounts)
        if len(offered) == 1:
            why = f"the only kind of account {platform.name} offers"
        else:
            why = f"the safest kind of account {platform.name} offers"
            if offered:
                why += " (of " + ", ".join(offered) + ")"
        if account == "group":
            why += ": a private group the school approves members of"
        reasons["account"] = why
    can_control = platform.fact("membership-control", account)
    can_premoderate = platform.fact("premoderation", account)
    must_control = not controlled or "pupils" in audience
    if must_control and can_control:
        visibility = "closed" if controlled else "private"
        if controlled:
            membership = "school-accounts"
            why = "only people with school accounts can see it"
        elif "pupils" in audience:
            membership = "invite"
            why = (
                f"it is for {learner_word(answers.phase)}, so only people the school "
                f"invites can join; {platform.name} lets the school control who joins"
            )
        else:
            membership = "request"
            why = f"{platform.name} lets the school approve who joins or follows"
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
    if approved_by and "approved-by" not in extra:
        reasons["approved-by"] = "the headteacher, who approves each tool"
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
    # personal data and images: the lawful basis may be suggested (a school's usual
    # one); whether pupils can be recognised only on a public account, where the
    # guidance allows only images that do not identify them; the DPIA's date never
    lawful_basis = extra.get("lawful-basis")
    if not lawful_basis:
        lawful_basis = "public-task"
        reasons["lawful-basis"] = (
            "a school's use of a tool for its work usually rests on its public task; "
            "the Data Protection Officer confirms it"
        )
    pupil_images = extra.get("pupil-images")
    if not pupil_images and (extra.get("visibility") or visibility) == "public":
        pupil_images = "not-identifiable"
        reasons["pupil-images"] = (
            "it is public, so pupils appear only in images in which they cannot be "
            "recognised (from a distance, from behind, blurred), or not at all"
        )
    if not pupil_images:
        missing.append(
            "whether pupils can be recognised in the images it publishes: none, "
            "not-identifiable or identifiable (pupil-images)"
        )
    if not extra.get("dpia-on"):
        missing.append("the date of its data protection impact assessment (dpia-on)")

    base = f"TOOL_{id_part(platform.id)}_{id_part(account)}"
    tool_id = extra.get("id") or base
    number = 2
    while tool_id in used:
        tool_id = f"{base}_{number}"
        number += 1
    used.add(tool_id)
    title = extra.get("title") or tool_title(platform, account, audience, answers)

    # every option in the order sm-tool declares them: the facts the answers state
    # as they are, the wizard's choices where they state none
    values: dict[str, object] = {
        **{k: v for k, v in extra.items() if k not in ("title", "id", "description")},
        "platform": platform.id,
        "purpose": purpose,
        "audience": audience,
        "account": account,
        "visibility": extra.get("visibility") or visibility,
        "comments": extra.get("comments") or comments,
        "membership": extra.get("membership") or membership,
        "owner": owner,
        "admins": admins,
        "moderation": extra.get("moderation") or moderation,
        "contact-email": contact,
        "approved-by": approved_by,
        "approved-on": approved_on,
        "next-review": next_review,
        "lawful-basis": lawful_basis,
        "pupil-images": pupil_images,
    }
    options: dict[str, str] = {"id": tool_id}
    for option in TOOL.options:
        value = values.get(option.name)
        if isinstance(value, list):
            value = ", ".join(value)
        if value:
            options[option.name] = str(value)

    age_problem = None
    min_age = platform.min_age(country, on=build_date())
    low = youngest(answers.pupil_ages)
    if "pupils" in audience and min_age is not None and low is not None and min_age > low:
        age_problem = min_age
    item = Item("sm-tool", title, tool_id, options, chapter="tools")
    if extra.get("description"):
        item.prose = extra["description"].split("\n\n")
    plan = ToolPlan(
        item=item,
        platform=platform,
        answers=tool,
        reasons=reasons,
        missing=missing,
        age_problem=age_problem,
        defaulted=defaulted,
    )
    # a tool with a value the wizard chose is its suggestion; one whose facts all
    # come from the answers is the school's own
    item.suggested = bool(plan.suggested_values())
    return plan


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
        risks.append(
            Item("sm-risk", title, opts["id"], opts, [prose], "risks", suggested=True)
        )

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
    if "livestreaming" in options.get("purpose", "").split(", "):
        risk(
            "LIVESTREAM",
            f"A livestream on {name} shows {learners} without consent, or something "
            "unplanned",
            "content",
            (3, 4, 2, 4),
            mitigations("CTRL_IMAGE_CONSENT", "CTRL_SECOND_APPROVER", "CTRL_INCIDENTS"),
            f"A livestream cannot be checked before it is seen: it may show a "
            f"{learners[:-1]} whose parents have not consented, or something said or "
            "done that should not be broadcast, and viewers can record it.",
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


#: the answers key that dates each repeated safeguard the wizard writes
DATE_KEYS = {
    "staff-training": ("training", "staff"),
    "pupil-training": ("training", "pupils"),
    "parent-awareness": ("training", "parents"),
    "follower-audit": ("last-done", "follower-audit"),
    "access-review": ("last-done", "access-review"),
    "filtering-monitoring-review": ("last-done", "filtering-monitoring-review"),
    "image-audit": ("last-done", "image-audit"),
    "audience-consultation": ("last-done", "audience-consultation"),
}
#: how a person is named in an ``:owner:`` that lists several, by ``people:`` key
OWNER_ROLES = {"headteacher": "headteacher", "governor": "governor"}


@dataclass
class Gaps:
    """What the wizard could not write on the items it suggests, because the answers
    do not give it: the people (by ``people:`` key) and the dates (by answers key)
    each item needs."""

    people: dict[str, list[Item]] = field(default_factory=dict)
    dates: dict[tuple[str, str], list[Item]] = field(default_factory=dict)


def last_done_of(answers: Answers, kind: str) -> str | None:
    group, key = DATE_KEYS[kind]
    return (answers.training if group == "training" else answers.last_done).get(key)


def plan_controls(
    answers: Answers, tools: list[ToolPlan], requirements: frozenset[str], gaps: Gaps
) -> dict[str, list[Item]]:
    people = answers.people
    learners = learner_word(answers.phase)
    out: dict[str, list[Item]] = {}

    def sat(*ids: str) -> str:
        return ", ".join(i for i in ids if i in requirements)

    def control(
        chapter: str,
        cid: str,
        title: str,
        kind: str,
        prose: str | list[str],
        *,
        who: str | tuple[str, ...],
        applies: str | None = None,
        satisfies: str = "",
        frequency: str | None = None,
        evidence: str | None = None,
    ) -> None:
        """A safeguard owned by the person the answers name as ``who`` (a
        ``people:`` key; several keys: each named with their role, e.g. "Mrs S
        Green (headteacher)"); repeated kinds dated from the answers."""
        opts: dict[str, str] = {"id": cid, "kind": kind}
        paragraphs = [prose] if isinstance(prose, str) else list(prose)
        item = Item("sm-control", title, cid, opts, paragraphs, chapter, suggested=True)
        if applies:
            opts["applies-to"] = applies
        if satisfies:
            opts["satisfies"] = satisfies
        keys = (who,) if isinstance(who, str) else who
        owners = []
        for key in keys:
            if people.get(key):
                role = OWNER_ROLES.get(key) if len(keys) > 1 else None
                owners.append(f"{people[key]} ({role})" if role else people[key])
            else:
                gaps.people.setdefault(key, []).append(item)
        if owners:
            opts["owner"] = ", ".join(owners)
        if frequency:
            opts["frequency"] = frequency
        if kind in DATE_KEYS:
            last_done = last_done_of(answers, kind)
            if last_done:
                opts["last-done"] = last_done
            else:
                gaps.dates.setdefault(DATE_KEYS[kind], []).append(item)
        if evidence:
            opts["evidence"] = evidence
        out.setdefault(chapter, []).append(item)

    third_party = [t.id for t in tools if not t.platform.school_controlled]
    premoderated = [t.id for t in tools if t.item.options.get("comments") == "premoderated"]
    approved = [
        t.id
        for t in tools
        if t.item.options.get("membership") in ("request", "invite", "school-accounts")
    ]
    # tools whose parents' consent is the lawful basis for pupils' data
    on_consent = [
        t.id
        for t in tools
        if "pupils" in t.item.options["audience"].split(", ")
        and t.item.options.get("lawful-basis") == "consent"
    ]
    with_images = [
        t.id
        for t in tools
        if t.item.options.get("pupil-images") in ("not-identifiable", "identifiable")
    ]

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
        who="network-manager",
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
            who="owner",
            frequency="daily",
        )
    if approved:
        control(
            "tools",
            "CTRL_MEMBERSHIP",
            "Members approved before they join",
            "membership-approval",
            "People ask to join or follow, or are invited, and an administrator lets "
            "in only people they can identify as members of the school community.",
            applies=", ".join(approved),
            satisfies=sat("MOD_MEMBERSHIP"),
            who="owner",
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
            who="owner",
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
        who="headteacher",
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
        who="owner",
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
        who="owner",
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
        who="network-manager",
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
        who="network-manager",
        frequency="termly",
    )
    control(
        "conduct",
        "CTRL_STAFF_TRAINING",
        "Online-safety training for all staff",
        "staff-training",
        "Every member of staff is trained in online safety and in this policy each "
        "year, and new staff at induction. The training covers social media: how the "
        "school's accounts are run, what may and may not be posted, how staff keep "
        "their personal accounts apart from their work, and how to respond to a "
        "comment or report a concern.",
        who="owner",
        frequency="annual",
    )
    control(
        "conduct",
        "CTRL_PUPIL_TRAINING",
        f"Social-media lessons for {learners}",
        "pupil-training",
        f"Each year {learners} learn how to use social media safely and how to "
        "report a worry, before they use any tool in this policy.",
        who="owner",
        frequency="annual",
    )
    # parents and community
    control(
        "parents",
        "CTRL_PARENT_AWARENESS",
        "Online-safety session for parents and carers",
        "parent-awareness",
        "Each year parents and carers are invited to a session on online safety and "
        "on how the school uses social media.",
        who="owner",
        frequency="annual",
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
        who="owner",
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
        who="owner",
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
        who="owner",
        frequency="continuous",
        evidence="the image consent register",
    )
    if with_images:
        control(
            "images",
            "CTRL_IMAGE_AUDIT",
            "Termly audit of the pupil images published",
            "image-audit",
            "Each term the owner of each account that publishes images of "
            f"{learners} goes through what it has published. An image is taken down "
            f"when a {learners[:-1]} can be recognised in it on a public account, "
            "when consent has been withdrawn or when it is no longer needed.",
            applies=", ".join(with_images),
            who="owner",
            frequency="termly",
        )
    if on_consent:
        control(
            "images",
            "CTRL_PARENTAL_CONSENT",
            f"Parents consent before {learners} use a tool that rests on consent",
            "other",
            f"Where a tool's lawful basis is consent, the school asks the parents of "
            f"{learners} younger than the digital age of consent before they use it, "
            f"and records their answer; without consent, the {learners[:-1]} takes "
            "part another way.",
            applies=", ".join(on_consent),
            satisfies=sat("DATA_LAWFUL_BASIS"),
            who="owner",
            frequency="annual",
            evidence="the consent register",
        )
    # incidents
    control(
        "incidents",
        "CTRL_INCIDENTS",
        "Concerns go to the DSL",
        "incident-reporting",
        [
            "Any concern that arises on any tool - about a child's safety, a member "
            "of staff's conduct or a post - is reported the same day to the DSL, who "
            "acts under the child-protection procedures.",
            f"When a nude or semi-nude image of a {learners[:-1]} comes to light, or an "
            "image made or altered with AI, or someone threatens to share images "
            "unless they are paid (sextortion): staff do not view, copy, forward or "
            "delete the images, and tell the DSL at once. The DSL involves the police, "
            "or CEOP, where a child is at risk or a crime may have been committed, and "
            f"helps the {learners[:-1]} have the images removed through the IWF and "
            "Childline's Report Remove. The school will never pay, and tells families "
            "not to. Evidence is preserved: staff record what they were told and where "
            "the images are, without copying them. Where abuse images were made from "
            "photos the school published, the original images are taken down from "
            "the school's accounts.",
        ],
        satisfies=sat("ESC_DSL_ROUTE"),
        who="dsl",
        frequency="continuous",
        evidence="the safeguarding record",
    )
    # review: filtering and monitoring, by a senior leader and a governor
    if "FM_REVIEW" in requirements:
        control(
            "review",
            "CTRL_FILTERING_MONITORING",
            "Annual review of filtering and monitoring",
            "filtering-monitoring-review",
            "At least once a year the headteacher, as the senior leader responsible, "
            "and the link governor review the school's filtering and monitoring with "
            "the network manager and the DSL, against the Department for Education's "
            "filtering and monitoring standards: what is blocked, what is monitored, "
            "how alerts reach the DSL, and what changed since the last review. They "
            "record what they found and what they decided.",
            who=("headteacher", "governor"),
            frequency="annual",
        )
    # parents: a consultation only when the answers say one was held
    if last_done_of(answers, "audience-consultation"):
        who_for = sorted({a for t in tools for a in t.item.options["audience"].split(", ")})
        asked = [learners if a == "pupils" else a for a in who_for]
        control(
            "parents",
            "CTRL_CONSULTATION",
            "The people the tools are for were asked",
            "audience-consultation",
            "Before the tools in this policy were started, the school asked the "
            f"people they are for ({', '.join(asked)}) whether they wanted to use "
            "them and how. The online-safety lead keeps what they said and the "
            "decisions taken on it, and asks again before a new tool is started.",
            who="owner",
        )
    return out


def plan_documents(
    answers: Answers, requirements: frozenset[str], gaps: Gaps
) -> list[Item]:
    """The school documents the policy relies on: one ``sm-document`` of each kind
    GOV_LINKED_POLICIES names, owned by the person the answers name for it, covering
    the rules the document is the usual answer to."""
    learners = learner_word(answers.phase)
    people = answers.people
    documents: list[tuple[str, str, str, str, tuple[str, ...]]] = [
        (
            "behaviour",
            "Behaviour policy",
            "headteacher",
            f"The behaviour policy applies to what {learners} do online as well as in "
            "school: unkind, abusive or unsuitable posts, messages or images about "
            "members of the school community are dealt with under it.",
            (),
        ),
        (
            "complaints",
            "Complaints policy",
            "headteacher",
            "A complaint about the school is raised through the complaints procedure, "
            "not on social media; staff point anyone who complains in a post or "
            "comment to it.",
            (),
        ),
        (
            "child-protection",
            "Child-protection policy",
            "dsl",
            "Every concern about a child's safety that arises on any tool is reported "
            "to the DSL the same day and handled under the child-protection "
            "procedures; a concern about a member of staff goes to the headteacher "
            "and, where needed, the Local Authority Designated Officer (LADO).",
            ("ESC_DSL_ROUTE",),
        ),
        (
            "staff-conduct",
            "Staff code of conduct",
            "headteacher",
            f"Staff never give {learners} or parents their personal phone numbers, "
            f"email addresses or social-media accounts; they do not add or follow "
            f"{learners} or their families on personal accounts and tell the DSL "
            "about relationships that already exist; and they communicate for the "
            "school only through its official accounts, never their personal ones.",
            ("CON_NO_PERSONAL_CONTACT", "CON_NO_PERSONAL_FRIENDING", "ACC_OFFICIAL"),
        ),
        (
            "acceptable-use",
            "Acceptable use policy",
            "owner",
            "Everyone who uses the school's devices, network or accounts agrees to "
            f"the acceptable use policy - staff each year, {learners} and parents "
            "before they first use a school tool - which says how they may be used "
            "and how a problem is reported.",
            (),
        ),
        (
            "images",
            f"Policy on images of {learners}",
            "owner",
            f"Images of {learners} are taken on school devices and posted only with a "
            "parent's written consent, recorded in the consent register; refusals are "
            f"honoured, and {learners} are never named in full or tagged.",
            ("IMG_CONSENT_NO_ID",),
        ),
        (
            "data-protection",
            "Data-protection policy",
            "headteacher",
            "The personal data the school's accounts collect or publish, images "
            "included, are handled under the data-protection policy: each use has a "
            "lawful basis, nothing is kept longer than needed, and a breach is "
            "reported to the Data Protection Officer at once.",
            (),
        ),
    ]
    if "PHONES_POLICY" in requirements and (answers.country or "GB") == "GB":
        # schools in England: the DfE's guidance (phone-free by default), which the
        # law asks head teachers to have regard to
        documents.append(
            (
                "mobile-phones",
                "Mobile-phone policy",
                "headteacher",
                "The mobile-phone policy follows the Department for Education's "
                f"guidance that schools are phone-free by default: {learners} do not "
                "use mobile phones during the school day, including at break and "
                "lunch; it says how phones are kept, the exceptions agreed (e.g. for "
                "a medical need) and what happens when the rule is broken. Staff do "
                f"not use personal phones to take photos or videos of {learners}.",
                (),
            )
        )
    out = []
    for kind, title, who, prose, covers in documents:
        did = "DOC_" + id_part(kind)
        options = {"id": did, "kind": kind}
        item = Item(
            "sm-document", title, did, options, [prose], "introduction", suggested=True
        )
        if people.get(who):
            options["owner"] = people[who]
        else:
            gaps.people.setdefault(who, []).append(item)
        covered = [r for r in covers if r in requirements]
        if covered:
            options["covers"] = ", ".join(covered)
        out.append(item)
    return out


#: the people the policy names, and what each does in it, for "still to supply"
PEOPLE_NEEDED = {
    "headteacher": "the headteacher, who approves each tool",
    "owner": "the online-safety lead",
    "dsl": "the Designated Safeguarding Lead",
    "governing-body": "the body that approves the policy",
    "network-manager": "the network manager, who assesses each tool's risks",
}


def _where(items: list[Item]) -> str:
    return ", ".join(f"{i.id} in {i.file}" for i in items)


def missing_facts(
    answers: Answers,
    tools: list[ToolPlan],
    gaps: Gaps,
    requirements: frozenset[str] = frozenset(),
) -> list[str]:
    """Every fact the answers do not give and the policy needs, in words, each saying
    which answer supplies it and which items wait for it."""
    people = answers.people
    missing: list[str] = []
    if not answers.phase:
        missing.append("the school's phase (phase)")
    if not answers.pupil_ages:
        missing.append("the youngest and oldest pupils' ages (pupil-ages)")
    if not answers.email_domains:
        missing.append("the school's email domains (email-domains)")
    for key in dict.fromkeys([*PEOPLE_NEEDED, *gaps.people]):
        if people.get(key):
            continue
        what = PEOPLE_NEEDED.get(key) or PEOPLE[key]
        line = f"{what} (people: {key})"
        if gaps.people.get(key):
            line += f", the owner of {_where(gaps.people[key])}"
        missing.append(line)
    if not answers.approved_on:
        missing.append("the date the policy was approved (approved-on)")
    for (group, key), items in gaps.dates.items():
        if group == "training":
            what = f"the date of the last {TRAINING[key]}"
        else:
            what = f"the date of the last {LAST_DONE[key]}"
        missing.append(f"{what} ({group}: {key}), for {_where(items)}")
    if "GOV_DEMAND" in requirements and not answers.last_done.get("audience-consultation"):
        missing.append(
            "the date the school last asked the people its tools are for whether they "
            "want them, e.g. a parent survey (last-done: audience-consultation); no "
            "consultation is written until the answers say one was held"
        )
    for tool in tools:
        for fact in tool.missing:
            missing.append(f"{tool.item.title}: {fact}")
    return missing


def make_plan(answers: Answers) -> Plan:
    from .answers import wizard_catalogue

    catalogue = wizard_catalogue()
    guidance = answers.guidance or list(DEFAULT_GUIDANCE)
    requirements = active_requirements(guidance)
    used: set[str] = set()
    tools = [plan_tool(t, answers, catalogue, used) for t in answers.tools]
    gaps = Gaps()
    documents = plan_documents(answers, requirements, gaps)
    controls = plan_controls(answers, tools, requirements, gaps)
    control_ids = {c.id for items in controls.values() for c in items}
    for tool in tools:
        tool.risks = plan_risks(tool, answers, control_ids)
    cycle = answers.review_cycle or 12
    next_review = add_months(answers.approved_on, cycle) if answers.approved_on else None
    plan = Plan(
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
        missing=missing_facts(answers, tools, gaps, requirements),
        catalogue=catalogue,
        documents=documents,
    )
    if answers.adopt is not None:
        plan.adopt(answers.adopt)
    return plan
