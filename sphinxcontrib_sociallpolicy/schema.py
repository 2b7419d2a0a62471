"""The item types and their options, declared once.

This module is the single source of truth for what a policy item is: the directive
names, every option with its kind of value, the allowed values, whether it is required,
and the help text a school reads in the reference. The directives validate with it,
sphinx-needs fields and links are registered from it, the documentation reference is
generated from it, and the ``sociallpolicy`` command writes options with it.

It imports nothing from Sphinx, so it can be used (and tested) without a build.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

OptionKind = Literal[
    "text",  # free text, one line
    "choice",  # one of ``values``
    "choices",  # one or more of ``values``, comma-separated
    "date",  # ISO YYYY-MM-DD
    "score",  # whole number 1-5
    "months",  # whole number of months, 1-60
    "age-range",  # youngest-oldest, e.g. 4-11
    "country",  # ISO 3166 alpha-2
    "email",  # one email address
    "domains",  # one or more email domains
    "url",  # http(s) address
    "id",  # one item ID
    "ids",  # one or more item IDs (links)
    "covers",  # one or more rule IDs (links), each optionally with "(section ...)"
    "people",  # one or more names, comma-separated
]

# --- vocabularies (SPEC section 2) -------------------------------------------------

PHASES = ("nursery", "primary", "secondary", "all-through", "special", "college")
PURPOSES = (
    "announcements",
    "discussion",
    "showcase",
    "collaboration",
    "learning",
    "engagement",
    "livestreaming",
)
AUDIENCES = ("parents", "pupils", "staff", "community", "governors")
ACCOUNTS = ("page", "group", "profile", "channel", "class", "site")
VISIBILITIES = ("public", "private", "closed")
COMMENTS = ("off", "premoderated", "postmoderated", "open")
MEMBERSHIPS = ("open", "request", "invite", "school-accounts")
MODERATIONS = ("hourly", "daily", "weekly", "termly")
#: whether pupils can be recognised in the images a tool publishes (SPEC section 8)
PUPIL_IMAGES = ("none", "not-identifiable", "identifiable")
#: the UK GDPR Article 6 lawful bases for processing (SPEC section 8)
LAWFUL_BASES = (
    "public-task",
    "consent",
    "legitimate-interests",
    "legal-obligation",
    "contract",
    "vital-interests",
)
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
    "image-audit",
    "filtering-monitoring-review",
    "other",
)
#: control kinds done again and again: training, audits, reviews. A control of one
#: of these kinds counts only with a :frequency: (not continuous or once) and a
#: :last-done: inside it (see :data:`FREQUENCY_MONTHS`).
RECURRING_KINDS = (
    "staff-training",
    "pupil-training",
    "parent-awareness",
    "follower-audit",
    "access-review",
    "image-audit",
    "filtering-monitoring-review",
)
#: the school documents an ``sm-document`` can be (SPEC section 8)
DOCUMENT_KINDS = (
    "staff-conduct",
    "child-protection",
    "behaviour",
    "complaints",
    "acceptable-use",
    "images",
    "data-protection",
    "e-safety",
    "mobile-phones",
    "filtering-monitoring",
    "whistleblowing",
    "other",
)
#: a document kind as readers name it
DOCUMENT_KIND_WORDS = {
    "staff-conduct": "staff code of conduct",
    "child-protection": "child-protection policy",
    "behaviour": "behaviour policy",
    "complaints": "complaints policy",
    "acceptable-use": "acceptable use policy",
    "images": "policy on images of pupils",
    "data-protection": "data-protection policy",
    "e-safety": "online-safety policy",
    "mobile-phones": "mobile-phone policy",
    "filtering-monitoring": "filtering and monitoring arrangements",
    "whistleblowing": "whistleblowing policy",
    "other": "school document",
}
#: ``:status:`` on the items a school adopts (SPEC section 8); absent: adopted
ITEM_STATUSES = ("draft", "adopted")
#: the item kinds whose ``:status:`` is draft or adopted
STATUS_KINDS = ("tool", "control", "risk", "document")


def is_draft(kind: str, status: str | None) -> bool:
    """Whether an item of ``kind`` with ``:status:`` ``status`` is a draft: on the
    items a school adopts, anything but absent or ``adopted``."""
    if kind not in STATUS_KINDS:
        return False
    value = " ".join((status or "").split())
    return bool(value) and value != "adopted"


FREQUENCIES = ("continuous", "daily", "weekly", "monthly", "termly", "annual", "once")
RISK_CATEGORIES = ("content", "contact", "conduct", "commerce")
SEVERITIES = ("must", "should", "may")

#: How often each moderation frequency happens, in checks per school week; used to
#: compare frequencies ("at least daily").
MODERATION_RANK = {"hourly": 4, "daily": 3, "weekly": 2, "termly": 1}
#: How often each control frequency happens, most frequent first.
FREQUENCY_RANK = {
    "continuous": 7,
    "daily": 6,
    "weekly": 5,
    "monthly": 4,
    "termly": 3,
    "annual": 2,
    "once": 1,
}
#: How recent :last-done: must be for each repeating frequency, in days: the
#: period itself (a term is about four months), with a weekend's grace for daily.
FREQUENCY_DAYS = {
    "daily": 3,
    "weekly": 7,
    "monthly": 31,
    "termly": 122,
    "annual": 366,
}
#: the same windows in words, for messages and the reference
FREQUENCY_WINDOW_WORDS = {
    "daily": "3 days, allowing for a weekend",
    "weekly": "7 days",
    "monthly": "1 month",
    "termly": "4 months",
    "annual": "12 months",
}


@dataclass(frozen=True)
class OptionSpec:
    """One directive option."""

    name: str
    kind: OptionKind
    help: str
    values: tuple[str, ...] = ()
    required: bool = False
    default: str | None = None
    #: the item kinds a link may point to (only for ``ids``); empty: any item
    link_to: tuple[str, ...] = ()
    #: ``all`` is allowed in a link list (``:applies-to: all``)
    allow_all: bool = False
    #: the sphinx-needs field (or link type) name: the option with ``_``
    field: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "field", self.name.replace("-", "_"))

    @property
    def is_link(self) -> bool:
        return self.kind in ("ids", "covers")

    @property
    def is_list(self) -> bool:
        return self.kind in {"choices", "domains", "ids", "covers", "people"}

    def allowed(self) -> str:
        """What is allowed, in words, for a message or the reference."""
        return ALLOWED_WORDS[self.kind](self)


ALLOWED_WORDS = {
    "text": lambda o: (
        "a platform ID from the platform catalogue, e.g. facebook"
        if o.name == "platform"
        else "any text"
    ),
    "choice": lambda o: "one of " + ", ".join(o.values),
    "choices": lambda o: "one or more of " + ", ".join(o.values) + " (comma-separated)",
    "date": lambda o: "a date written YYYY-MM-DD from 1900 to 2199, e.g. 2026-09-01",
    "score": lambda o: "a whole number from 1 to 5",
    "months": lambda o: "a whole number of months from 1 to 60",
    "age-range": lambda o: "the youngest and oldest pupil age, e.g. 4-11",
    "country": lambda o: "a two-letter country code (ISO 3166), e.g. GB",
    "email": lambda o: "one email address, e.g. office@oakfield.sch.uk",
    "domains": lambda o: "one or more email domains, e.g. oakfield.sch.uk",
    "url": lambda o: "a web address starting with https:// or http://",
    "id": lambda o: "one ID in capitals with underscores, e.g. TOOL_FACEBOOK_PAGE",
    "ids": lambda o: (
        "one or more IDs in capitals with underscores, comma-separated"
        + (", or all" if o.allow_all else "")
    ),
    "covers": lambda o: (
        "one or more rule IDs, comma-separated, each optionally followed by the "
        "section in brackets, e.g. CON_NO_PERSONAL_CONTACT (section 4.2)"
    ),
    "people": lambda o: "one or more names, comma-separated",
}


@dataclass(frozen=True)
class ItemType:
    """One kind of policy item: its directive, need type and options."""

    kind: str  # policy, tool, control, risk, requirement, waiver, document
    directive: str
    title: str  # the need type's human title
    prefix: str  # ID prefix for generated IDs
    color: str
    help: str
    content: str  # what the directive's content is for
    options: tuple[OptionSpec, ...] = field(default_factory=tuple)

    def option(self, name: str) -> OptionSpec:
        for opt in self.options:
            if opt.name == name:
                return opt
        raise KeyError(name)


def _o(name: str, kind: OptionKind, help: str, **kw: object) -> OptionSpec:
    return OptionSpec(name, kind, help, **kw)  # type: ignore[arg-type]


#: who adopted a suggestion and when (the wizard writes them with
#: ``adopt-suggestions``); shown on the item
ADOPTION_OPTIONS = (
    _o(
        "adopted-by",
        "people",
        "Who adopted this item for the school (for example, after the wizard "
        "suggested it).",
    ),
    _o("adopted-on", "date", "When it was adopted."),
)

#: a school's override of an item of its trust base (see the trust-base how-to)
OVERRIDE_OPTIONS = (
    _o(
        "replaces",
        "id",
        "The ID of an item of the trust base (``sm_base``) that this item replaces. "
        "The replaced item then counts for nothing, and the override is listed in "
        "the compliance summary.",
    ),
    _o(
        "override-reason",
        "text",
        "Why the school replaces the base item (with ``:replaces:``).",
    ),
)


POLICY = ItemType(
    kind="policy",
    directive="sm-policy",
    title="Social-media policy",
    prefix="POLICY_",
    color="#E8D5F2",
    help="The policy itself: exactly one per project. Renders the key-facts table.",
    content="An optional summary shown under the key facts.",
    options=(
        _o("school", "text", "The school's name.", required=True),
        _o(
            "country",
            "country",
            "Country the school is in; selects platform minimum ages. "
            "Defaults to ``sm_country``.",
        ),
        _o("phase", "choice", "The school's phase.", values=PHASES),
        _o("pupil-ages", "age-range", "Youngest and oldest pupil age."),
        _o("owner", "people", "Who maintains the policy (the online-safety lead)."),
        _o("dsl", "people", "The Designated Safeguarding Lead."),
        _o("approved-by", "text", "The body that approved the policy."),
        _o("approved-on", "date", "When the policy was approved."),
        _o(
            "review-cycle",
            "months",
            "Months between reviews.",
            default="12",
        ),
        _o("next-review", "date", "When the policy is next due for review."),
        _o("email-domains", "domains", "The school's email domains."),
    ),
)

TOOL = ItemType(
    kind="tool",
    directive="sm-tool",
    title="Social-media tool",
    prefix="TOOL_",
    color="#BFD8D2",
    help="One social-media tool or account the school runs.",
    content="What the tool is used for and how, in the school's words.",
    options=(
        _o(
            "platform",
            "text",
            "The platform, by its ID in the platform catalogue.",
            required=True,
        ),
        _o("purpose", "choices", "What the tool is for.", values=PURPOSES, required=True),
        _o("audience", "choices", "Who it is for.", values=AUDIENCES, required=True),
        _o("account", "choice", "What kind of account it is.", values=ACCOUNTS),
        _o("visibility", "choice", "Who can see it.", values=VISIBILITIES),
        _o("comments", "choice", "How comments are handled.", values=COMMENTS),
        _o("membership", "choice", "How people join or follow.", values=MEMBERSHIPS),
        _o("owner", "people", "The named member of staff responsible."),
        _o("admins", "people", "The named administrators."),
        _o("moderation", "choice", "How often it is moderated.", values=MODERATIONS),
        _o("contact-email", "email", "The address the account is registered with."),
        _o("url", "url", "The account's address."),
        _o("approved-by", "text", "Who approved its use (SLT or headteacher)."),
        _o("approved-on", "date", "When its use was approved."),
        _o("next-review", "date", "When its use is next reviewed."),
        _o(
            "justification",
            "text",
            "Why this tool rather than a closed alternative, or why it is the right "
            "tool for the purpose.",
        ),
        _o(
            "pupil-images",
            "choice",
            "Whether pupils can be recognised in the images it publishes: none (no "
            "pupils' images), not-identifiable (distance, back-of-head or blurred "
            "shots), identifiable (faces).",
            values=PUPIL_IMAGES,
        ),
        _o(
            "lawful-basis",
            "choice",
            "The UK GDPR lawful basis on which the school processes personal data with "
            "it (usually public-task for a school).",
            values=LAWFUL_BASES,
        ),
        _o("dpia-on", "date", "When its data protection impact assessment was done."),
        *ADOPTION_OPTIONS,
    ),
)

CONTROL = ItemType(
    kind="control",
    directive="sm-control",
    title="Safeguard",
    prefix="CTRL_",
    color="#FEDCD2",
    help="A safeguard the school puts in place.",
    content="What is done, by whom, and how it is recorded.",
    options=(
        _o(
            "kind",
            "choice",
            "What kind of safeguard it is.",
            values=CONTROL_KINDS,
            required=True,
        ),
        _o(
            "applies-to",
            "ids",
            "The tools it applies to, or ``all``.",
            link_to=("tool",),
            allow_all=True,
        ),
        _o(
            "satisfies",
            "ids",
            "The requirements it meets.",
            link_to=("requirement",),
        ),
        _o("owner", "people", "Who is responsible for it."),
        _o("frequency", "choice", "How often it is done.", values=FREQUENCIES),
        _o("last-done", "date", "When it was last done."),
        _o("evidence", "text", "Where the record of it is kept."),
        *ADOPTION_OPTIONS,
        *OVERRIDE_OPTIONS,
    ),
)

RISK = ItemType(
    kind="risk",
    directive="sm-risk",
    title="Risk",
    prefix="RISK_",
    color="#DF744A",
    help="A risk to pupils, staff or the school from using a tool.",
    content="What could happen, and to whom.",
    options=(
        _o("affects", "ids", "The tools it affects.", link_to=("tool",), allow_all=True),
        _o("category", "choice", "The kind of risk (the 4 Cs).", values=RISK_CATEGORIES),
        _o("likelihood", "score", "How likely it is before safeguards, 1-5."),
        _o("impact", "score", "How much harm it would do before safeguards, 1-5."),
        _o(
            "mitigated-by",
            "ids",
            "The safeguards that reduce it.",
            link_to=("control",),
        ),
        _o("residual-likelihood", "score", "How likely it is with the safeguards, 1-5."),
        _o(
            "residual-impact",
            "score",
            "How much harm it would do with the safeguards, 1-5.",
        ),
        _o("owner", "people", "Who owns the risk."),
        _o("assessed-by", "people", "Who assessed it."),
        _o("assessed-on", "date", "When it was assessed."),
        *ADOPTION_OPTIONS,
        *OVERRIDE_OPTIONS,
    ),
)

REQUIREMENT = ItemType(
    kind="requirement",
    directive="sm-requirement",
    title="Requirement",
    prefix="REQ_",
    color="#DCB239",
    help="A local requirement beyond the guidance packs.",
    content="The requirement itself.",
    options=(
        _o(
            "severity",
            "choice",
            "How strongly it is required.",
            values=SEVERITIES,
            default="should",
        ),
        _o("source", "text", "Where it comes from (document and section)."),
    ),
)

WAIVER = ItemType(
    kind="waiver",
    directive="sm-waiver",
    title="Waiver",
    prefix="WAIVER_",
    color="#9856A5",
    help="An approved, dated exception to one requirement.",
    content="The reason for the exception.",
    options=(
        _o(
            "requirement",
            "id",
            "The rule ID waived, e.g. MOD_PREMODERATION.",
            required=True,
        ),
        _o("target", "id", "The tool it applies to; the whole policy when absent."),
        _o("approved-by", "text", "Who approved the exception."),
        _o("expires", "date", "When the exception ends."),
    ),
)

DOCUMENT = ItemType(
    kind="document",
    directive="sm-document",
    title="School document",
    prefix="DOC_",
    color="#C9D6EA",
    help="A school document the policy relies on, such as the staff code of conduct "
    "or the child-protection policy.",
    content="What the document says that this policy relies on, in a sentence or two.",
    options=(
        _o(
            "kind",
            "choice",
            "What kind of document it is.",
            values=DOCUMENT_KINDS,
            required=True,
        ),
        _o("owner", "people", "Who keeps the document up to date."),
        _o("approved-on", "date", "When the current version was approved."),
        _o("next-review", "date", "When it is next due for review."),
        _o("url", "url", "Where it is published."),
        _o(
            "covers",
            "covers",
            "The requirements it covers, each with its section, e.g. "
            "``CON_NO_PERSONAL_CONTACT (section 4.2)``.",
            link_to=("requirement",),
        ),
        _o("section", "text", "The section of the document this policy relies on."),
        *ADOPTION_OPTIONS,
        *OVERRIDE_OPTIONS,
    ),
)

ITEM_TYPES: tuple[ItemType, ...] = (
    POLICY,
    TOOL,
    CONTROL,
    RISK,
    REQUIREMENT,
    WAIVER,
    DOCUMENT,
)
BY_KIND = {t.kind: t for t in ITEM_TYPES}
BY_DIRECTIVE = {t.directive: t for t in ITEM_TYPES}


def all_fields() -> dict[str, OptionSpec]:
    """Every non-link option by field name (first declaration wins; the same name on
    several item types has the same kind of value)."""
    out: dict[str, OptionSpec] = {}
    for item_type in ITEM_TYPES:
        for opt in item_type.options:
            if not opt.is_link:
                out.setdefault(opt.field, opt)
    return out


def all_links() -> dict[str, OptionSpec]:
    """Every link option by link type name."""
    out: dict[str, OptionSpec] = {}
    for item_type in ITEM_TYPES:
        for opt in item_type.options:
            if opt.is_link:
                out.setdefault(opt.field, opt)
    return out


#: Display words for a link type, outgoing and incoming.
LINK_WORDS = {
    "applies_to": ("applies to", "safeguarded by"),
    "satisfies": ("satisfies", "satisfied by"),
    "affects": ("affects", "at risk from"),
    "mitigated_by": ("mitigated by", "mitigates"),
    "covers": ("covers", "covered by"),
}
