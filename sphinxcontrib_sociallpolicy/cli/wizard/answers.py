"""The answers of ``sociallpolicy new``: reading, validating, normalising.

The same validators serve the answers file (``--answers``), the command-line flags
and the interactive prompts, so a value is accepted or refused the same way
whichever way it is given. Every error is one line naming the key
(``tools[2].audience``) and saying what is allowed.

Values that end up in reStructuredText are made safe for it here: text is one line
(newlines and control characters flattened to spaces), names of people hold no comma
(a comma separates names in a list) and titles do not start with ``:`` (it would be
read as an option).
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from ...guidance.errors import PackError
from ...guidance.loader import LocatedDict, LocatedList, LocatedLoader, load_yaml_text
from ...options import (
    DOMAIN_RE,
    EMAIL_RE,
    URL_RE,
    OptionError,
    country_problem,
    date_problem,
    parse_age_range,
    parse_date,
)
from ...schema import AUDIENCES, PHASES, PURPOSES, TOOL, OptionSpec

#: the people an answers file names (``people:``), with what each one is
PEOPLE = {
    "headteacher": "the headteacher",
    "owner": "the online-safety lead, who maintains the policy",
    "dsl": "the Designated Safeguarding Lead (DSL)",
    "governing-body": "the body that approves the policy (e.g. Governing Board)",
    "network-manager": "the network manager (technical lead)",
    "deputy-dsl": "the deputy DSL",
    "governor": "the link governor for safeguarding, who with the headteacher is "
    "responsible for filtering and monitoring",
    "dpo": "the Data Protection Officer",
}
#: older names of ``people:`` keys, read as the key they stand for
PEOPLE_ALIASES = {"link-governor": "governor"}
#: people whose value is a body, not a person (commas allowed)
BODIES = ("governing-body",)
TRAINING = {
    "staff": "online-safety training for all staff",
    "pupils": "social-media lessons for pupils",
    "parents": "online-safety session for parents",
}
#: the other repeated safeguards the wizard writes, by control kind: when each was
#: last done (``last-done:``); their dates are facts only the school can give
LAST_DONE = {
    "follower-audit": "check of the followers and members of each account",
    "access-review": "review of who can run each school account",
    "filtering-monitoring-review": "review of the school's filtering and monitoring",
    "image-audit": "audit of the pupil images published on the school's accounts",
    "audience-consultation": "consultation of the people the tools are for "
    "(e.g. a parent survey), if one was held",
}
#: ``adopt-suggestions:`` keys
ADOPT_KEYS = ("by", "on")
TOP_KEYS = (
    "school",
    "phase",
    "pupil-ages",
    "country",
    "email-domains",
    "guidance",
    "people",
    "approved-on",
    "review-cycle",
    "training",
    "last-done",
    "tools",
    "adopt-suggestions",
)
#: the tool keys read into :class:`ToolAnswers`' own fields
TOOL_FIELDS = ("platform", "audience", "purpose", "owner", "admins", "approved-on")
#: the wizard's own tool keys: how the tool is named and described
TOOL_WORDING = ("title", "id", "description")
#: ``sm-tool`` options an answers file does not set: who adopted a suggestion is
#: ``adopt-suggestions:``, for every suggestion at once
TOOL_NOT_ANSWERS = ("adopted-by", "adopted-on")
#: facts about a tool an answers file may state: every other ``sm-tool`` option
#: (schema.TOOL), so a school can say what it knows; a fact stated is never changed
TOOL_FACTS = tuple(
    o.name
    for o in TOOL.options
    if o.name not in TOOL_FIELDS and o.name not in TOOL_NOT_ANSWERS
)
TOOL_KEYS = (*TOOL_FIELDS, *TOOL_FACTS, *TOOL_WORDING)
DEFAULT_GUIDANCE = ("kent-2010", "uk-online-safety")


class AnswerError(ValueError):
    """A value that is not allowed; ``str()`` says what is wrong and what is allowed,
    without the key (the caller adds it). ``line`` is the line of the answers file
    it is on, when the answers come from one and the line is known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class Adoption:
    """Who adopted the wizard's suggestions for the school, and on which date."""

    by: str
    on: str


@dataclass
class ToolAnswers:
    platform: str
    audience: list[str] = field(default_factory=list)
    purpose: list[str] = field(default_factory=list)
    owner: str | None = None
    admins: list[str] = field(default_factory=list)
    approved_on: str | None = None
    #: the other facts and the wording the answers give (option name -> value; a
    #: list for an option that takes several)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Answers:
    school: str | None = None
    phase: str | None = None
    pupil_ages: str | None = None
    country: str | None = None
    email_domains: list[str] = field(default_factory=list)
    guidance: list[str] = field(default_factory=list)
    people: dict[str, str] = field(default_factory=dict)
    approved_on: str | None = None
    review_cycle: int | None = None
    training: dict[str, str] = field(default_factory=dict)
    #: control kind -> when it was last done (``last-done:``)
    last_done: dict[str, str] = field(default_factory=dict)
    tools: list[ToolAnswers] = field(default_factory=list)
    #: ``adopt-suggestions: {by: NAME, on: DATE}``: who adopts every suggestion of
    #: the wizard for the school, and when (None: they are written as drafts)
    adopt: Adoption | None = None
    #: top-level keys given (by the file or flags), so prompts ask only the rest
    given: set[str] = field(default_factory=set)


#: answers key -> the :class:`Answers` attribute that holds it
KEY_ATTRIBUTES = {
    "school": "school",
    "phase": "phase",
    "pupil-ages": "pupil_ages",
    "country": "country",
    "email-domains": "email_domains",
    "guidance": "guidance",
    "people": "people",
    "approved-on": "approved_on",
    "review-cycle": "review_cycle",
    "training": "training",
    "last-done": "last_done",
    "tools": "tools",
    "adopt-suggestions": "adopt",
}
#: the keys whose answers are mappings, merged key by key
MERGED_KEYS = ("people", "training", "last-done")


def merge_answers(defaults: Answers, own: Answers) -> Answers:
    """A school's answers over a base's default answers (``new --base``): each key
    the school answers wins; ``people``, ``training`` and ``last-done`` are merged
    name by name (the school's names win)."""
    out = copy.deepcopy(defaults)
    for key in own.given | {k for k in MERGED_KEYS if getattr(own, KEY_ATTRIBUTES[k])}:
        attribute = KEY_ATTRIBUTES[key]
        value = copy.deepcopy(getattr(own, attribute))
        if key in MERGED_KEYS:
            getattr(out, attribute).update(value)
        else:
            setattr(out, attribute, value)
    out.given = defaults.given | own.given
    return out


# --- validators: value -> normalised value, or AnswerError ------------------------


def _shown(value: Any) -> str:
    try:
        text = repr(value)
    except ValueError:  # an integer of more digits than Python writes out
        return "a number far too long"
    return text if len(text) <= 60 else text[:57] + "..."


def one_line(value: Any) -> str:
    """Text on one line: newlines, tabs and control characters become spaces,
    runs of spaces one."""
    if isinstance(value, bool) or value is None or isinstance(value, list | dict):
        raise AnswerError(f"is {_shown(value)}, not text")
    text = str(value)
    if any(unicodedata.category(ch) == "Cs" for ch in text):
        # bytes that are not UTF-8 (a command-line argument in another encoding)
        raise AnswerError(
            f"is {_shown(value)}, which holds characters that are not text (bytes "
            "that are not UTF-8); type it again in UTF-8"
        )
    text = "".join(
        " " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in text
    )
    return " ".join(text.split())


def text(value: Any) -> str:
    out = one_line(value)
    if not out:
        raise AnswerError("is empty")
    return out


def title(value: Any) -> str:
    out = text(value)
    if out.startswith(":"):
        raise AnswerError(f"{out!r} starts with ':'; start it with a word")
    return out


def person(value: Any) -> str:
    out = text(value)
    if "," in out:
        raise AnswerError(
            f"{out!r} has a comma, which separates names; write one name, e.g. Mrs S Green"
        )
    return out


def _items(value: Any, wanted: str) -> list[Any]:
    """A list answer, given as a YAML list or as comma-separated text (blank parts of
    the text dropped); anything else is an error saying ``wanted``."""
    if isinstance(value, str):
        return [part for part in value.split(",") if part.strip()]
    if isinstance(value, list):
        return value
    raise AnswerError(f"is {_shown(value)}; {wanted}")


def people(value: Any) -> list[str]:
    items = _items(value, "write a list of names")
    out = [
        person(item) for item in items if not (isinstance(item, str) and not item.strip())
    ]
    if not out:
        raise AnswerError("is empty")
    return list(dict.fromkeys(out))


def date(value: Any) -> str:
    """A date written YYYY-MM-DD, real and within the years a policy date may fall in
    (options.parse_date: 1900 to 2199), so that adding months to it never leaves the
    calendar."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        if problem := date_problem(value):
            raise AnswerError(f"'{value.isoformat()}' {problem}, e.g. 2026-09-01")
        return value.isoformat()
    out = text(value)
    try:
        parse_date(out)
    except OptionError as error:
        raise AnswerError(f"{out!r} {error}, e.g. 2026-09-01") from None
    return out


def choice(values: tuple[str, ...]) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        out = text(value).lower()
        if out not in values:
            close = difflib.get_close_matches(out, values, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise AnswerError(
                f"{out!r} is not allowed{hint}; use one of " + ", ".join(values)
            )
        return out

    return check


def choices(values: tuple[str, ...]) -> Callable[[Any], list[str]]:
    one = choice(values)

    def check(value: Any) -> list[str]:
        items = _items(value, "use one or more of " + ", ".join(values))
        if not items:
            raise AnswerError("is empty; use one or more of " + ", ".join(values))
        out = []
        for item in items:
            try:
                out.append(one(item))
            except AnswerError as error:
                raise AnswerError(
                    str(error).replace("; use one of", "; use one or more of")
                ) from None
        return list(dict.fromkeys(out))

    return check


def age_range(value: Any) -> str:
    out = text(value)
    try:
        low, high = parse_age_range(out)
    except OptionError as error:
        raise AnswerError(f"{out!r} {error}, e.g. 4-11") from None
    return f"{low}-{high}"


def country(value: Any) -> str:
    out = text(value)
    problem = country_problem(out)
    if problem:
        if "write" not in problem:
            problem += ", e.g. GB"
        raise AnswerError(f"{out!r} {problem}")
    return out


def domains(value: Any) -> list[str]:
    items = _items(value, "write a list of email domains")
    out = []
    for item in items:
        domain = text(item).lower().lstrip("@")
        if not DOMAIN_RE.match(domain):
            raise AnswerError(
                f"{domain!r} is not an email domain; write e.g. oakfield.sch.uk"
            )
        out.append(domain)
    if not out:
        raise AnswerError("is empty")
    return list(dict.fromkeys(out))


#: a whole number as people type it: ASCII digits only (``str.isdigit`` also takes
#: '²' and '١٢', which ``int`` then refuses or reads)
WHOLE_NUMBER_RE = re.compile(r"[0-9]+")


def whole_number(text: str, low: int, high: int) -> int | None:
    """``text`` as a whole number from ``low`` to ``high``, or None: ASCII digits only,
    and never more of them than the bounds need (so no text reaches ``int`` that it
    refuses, however long)."""
    text = text.strip()
    if not WHOLE_NUMBER_RE.fullmatch(text):
        return None
    digits = text.lstrip("0") or "0"
    if len(digits) > len(str(high)):
        return None
    out = int(digits)
    return out if low <= out <= high else None


#: the review cycle's bounds, in months (as the sm-policy option)
MONTHS_RANGE = (1, 60)


def months(value: Any) -> int:
    low, high = MONTHS_RANGE
    wanted = f"write a whole number of months from {low} to {high}, e.g. 12"
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise AnswerError(f"is {_shown(value)}; {wanted}")
    out = whole_number(str(value), low, high) if isinstance(value, str) else value
    if out is None or not low <= out <= high:
        raise AnswerError(f"is {_shown(value)}; {wanted}")
    return out


def email(value: Any) -> str:
    out = text(value)
    if not EMAIL_RE.match(out):
        raise AnswerError(f"{out!r} is not an email address")
    return out


def url(value: Any) -> str:
    out = text(value)
    if not URL_RE.match(out):
        raise AnswerError(f"{out!r} is not a web address starting with https://")
    return out


def item_id(value: Any) -> str:
    from ...options import ID_RE

    out = text(value)
    if not ID_RE.match(out):
        raise AnswerError(
            f"{out!r} is not an ID in capitals with underscores, e.g. TOOL_FACEBOOK_GROUP"
        )
    return out


def guidance_list(value: Any) -> list[str]:
    from ...guidance import builtin_pack_ids

    known = builtin_pack_ids()
    items = _items(value, "write a list of pack IDs")
    out = []
    for item in items:
        name = text(item)
        if name not in known and not name.endswith((".yaml", ".yml")):
            close = difflib.get_close_matches(name, known, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise AnswerError(
                f"{name!r} is not a built-in guidance pack{hint} or a .yaml file; "
                "built-in packs: " + ", ".join(known)
            )
        out.append(name)
    if not out:
        raise AnswerError("is empty")
    return list(dict.fromkeys(out))


#: catalogue files the wizard reads after the built-in catalogue (a trust base's,
#: with ``new --base``): see :func:`using_catalogue`
_EXTRA_CATALOGUE: list[Any] = []


def wizard_catalogue() -> Any:
    """The platform catalogue the wizard's answers are checked against: the built-in
    one, and a trust base's catalogue files while :func:`using_catalogue` is on."""
    from ...guidance import load_catalogue

    return load_catalogue(list(_EXTRA_CATALOGUE))


@contextmanager
def using_catalogue(paths: list[Any]) -> Iterator[None]:
    """Check and plan with the built-in catalogue plus ``paths``."""
    saved = list(_EXTRA_CATALOGUE)
    _EXTRA_CATALOGUE[:] = [*saved, *paths]
    try:
        yield
    finally:
        _EXTRA_CATALOGUE[:] = saved


def platform_id(value: Any) -> str:
    out = text(value).lower()
    catalogue = wizard_catalogue()
    found = catalogue.get(out)  # an ID, or a common name (twitter for x)
    if found is None:
        known = sorted(p.id for p in catalogue)
        close = difflib.get_close_matches(out, known, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise AnswerError(
            f"{out!r} is not a platform in the catalogue{hint}; known: " + ", ".join(known)
        )
    return found.id


def option_check(option: OptionSpec) -> Callable[[Any], Any]:
    """The validator of an ``sm-tool`` option's kind of value (schema.TOOL)."""
    if option.kind == "choice":
        return choice(option.values)
    if option.kind == "choices":
        return choices(option.values)
    by_kind: dict[str, Callable[[Any], Any]] = {
        "date": date,
        "email": email,
        "url": url,
        "people": people,
        "domains": domains,
        "id": item_id,
        "age-range": age_range,
        "country": country,
        "months": months,
    }
    return by_kind.get(option.kind, text)


#: validators of the optional tool keys, by option name: the wizard's wording, and
#: every fact an ``sm-tool`` option can hold
TOOL_EXTRA: dict[str, Callable[[Any], Any]] = {
    "title": title,
    "id": item_id,
    "description": lambda v: _paragraphs(v),
    **{o.name: option_check(o) for o in TOOL.options if o.name in TOOL_FACTS},
}


def _paragraphs(value: Any) -> str:
    """Free prose: paragraphs kept (blank lines), each flattened to one line."""
    if not isinstance(value, str):
        raise AnswerError(f"is {_shown(value)}, not text")
    parts = [one_line(p) for p in value.replace("\r\n", "\n").split("\n\n")]
    out = "\n\n".join(p for p in parts if p)
    if not out:
        raise AnswerError("is empty")
    return out


# --- the whole answers mapping -------------------------------------------------


def _line(container: Any, key: Any) -> int | None:
    """The line of ``container[key]`` in the answers file, when the answers were read
    from one (a :class:`LocatedDict` or :class:`LocatedList`)."""
    if isinstance(container, LocatedDict) and key in container:
        return container.line_of(key) or None
    if isinstance(container, LocatedList) and isinstance(key, int):
        return container.line_of(key) or None
    return getattr(container, "line", None) or None


def _key_line(container: Any, key: Any) -> int | None:
    if isinstance(container, LocatedDict):
        return container.key_line(key) or None
    return None


@contextmanager
def _at(container: Any, key: Any) -> Iterator[None]:
    """An error about ``container[key]`` without a line is at that value's line."""
    try:
        yield
    except AnswerError as error:
        if error.line is None:
            error.line = _line(container, key)
        raise


def _unknown(
    key: Any, known: tuple[str, ...], where: str, container: Any = None
) -> AnswerError:
    close = difflib.get_close_matches(str(key), known, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    prefix = where.rstrip(".") + ": " if where else ""
    return AnswerError(
        f"{prefix}unknown key {_shown(key)}; {hint}known keys: " + ", ".join(known),
        _key_line(container, key),
    )


def _get(
    mapping: Mapping[str, Any], key: str, check: Callable[[Any], Any], where: str
) -> Any:
    try:
        return check(mapping[key])
    except AnswerError as error:
        raise AnswerError(
            f"{where}{key}: {error}", error.line or _line(mapping, key)
        ) from None


def _mapping(value: Any, where: str, what: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise AnswerError(f"{where}is {_shown(value)}; write {what}", _line(value, None))
    return value


def _dates(value: Any, key: str, known: Any, example: str) -> dict[str, str]:
    """A mapping of known names to dates (``training:``, ``last-done:``): an
    unknown name or a bad date is an answers error; a blank stays blank."""
    mapping = _mapping(value, f"{key}: ", f"a mapping, e.g. {example}")
    out: dict[str, str] = {}
    for name, given in mapping.items():
        if name not in known:
            raise _unknown(name, tuple(known), f"{key}.", mapping)
        if given is not None:
            out[name] = _get(mapping, name, date, f"{key}.")
    return out


def parse_tool(data: Any, index: int) -> ToolAnswers:
    where = f"tools[{index}]."
    if isinstance(data, str):  # "- facebook": a platform alone
        data = {"platform": data}
    entry = _mapping(data, where.rstrip(".") + " ", "a mapping with platform, audience ...")
    for key in entry:
        if key not in TOOL_KEYS:
            raise _unknown(key, TOOL_KEYS, where, entry)
    if "platform" not in entry:
        raise AnswerError(
            f"{where}platform: is missing; name a platform, e.g. facebook",
            _line(entry, None),
        )
    tool = ToolAnswers(platform=_get(entry, "platform", platform_id, where))
    if entry.get("audience") is not None:
        tool.audience = _get(entry, "audience", choices(AUDIENCES), where)
    if entry.get("purpose") is not None:
        tool.purpose = _get(entry, "purpose", choices(PURPOSES), where)
    if entry.get("owner") is not None:
        tool.owner = _get(entry, "owner", person, where)
    if entry.get("admins") is not None:
        tool.admins = _get(entry, "admins", people, where)
    if entry.get("approved-on") is not None:
        tool.approved_on = _get(entry, "approved-on", date, where)
    for key, check in TOOL_EXTRA.items():
        if entry.get(key) is not None:
            tool.extra[key] = _get(entry, key, check, where)
    if "account" in tool.extra:
        with _at(entry, "account"):
            tool.extra["account"] = _get(
                tool.extra, "account", account_of(tool.platform), where
            )
    return tool


def account_of(platform: str) -> Callable[[Any], str]:
    """The validator of a tool's ``account`` on ``platform``: one of the kinds of
    account the platform offers, where the catalogue records them (as the build
    checks ``:account:``)."""

    found = wizard_catalogue().get(platform)
    offered = tuple(found.accounts) if found is not None else ()

    def check(value: Any) -> str:
        out = text(value).lower()
        if offered and out not in offered:
            assert found is not None
            safest = (
                f" (the safest: {found.safest_account})" if found.safest_account else ""
            )
            raise AnswerError(
                f"{out!r} is not a kind of account {found.name} offers; its accounts: "
                + ", ".join(offered)
                + safest
            )
        return out

    return check


def parse_adoption(value: Any) -> Adoption:
    """``adopt-suggestions: {by: NAME, on: DATE}``: both needed, a name and a real
    date."""
    where = "adopt-suggestions."
    example = "a mapping, e.g. {by: Mrs S Green, on: 2026-09-01}"
    mapping = _mapping(value, "adopt-suggestions: ", example)
    if True in mapping:
        # YAML 1.1 reads a bare ``on`` as true: take it as the key it was meant to be
        # (the answers file's own reader keeps it a word)
        mapping = {("on" if k is True else k): v for k, v in mapping.items()}
    for key in mapping:
        if key not in ADOPT_KEYS:
            raise _unknown(key, ADOPT_KEYS, where, mapping)
    if mapping.get("by") is None:
        raise AnswerError(
            f"{where}by: is missing; write who adopts the suggestions for the school, "
            "e.g. by: Mrs S Green",
            _line(mapping, None),
        )
    if mapping.get("on") is None:
        raise AnswerError(
            f"{where}on: is missing; write the date they are adopted, e.g. on: 2026-09-01",
            _line(mapping, None),
        )
    return Adoption(
        by=_get(mapping, "by", person, where), on=_get(mapping, "on", date, where)
    )


def parse_answers(data: Any) -> Answers:
    """Validate an answers mapping (as :func:`load_answers_text` or
    ``yaml.safe_load`` reads it).

    :raises AnswerError: the first problem, naming its key (and, for answers read
        by :func:`load_answers_text`, its line).
    """
    if data is None:
        data = {}
    top = _mapping(data, "", "a mapping of answers (school, tools, ...)")
    for key in top:
        if key not in TOP_KEYS:
            raise _unknown(key, TOP_KEYS, "", top)
    answers = Answers()
    given = {k for k, v in top.items() if v is not None}
    answers.given = set(given)
    if "school" in given:
        answers.school = _get(top, "school", text, "")
    if "phase" in given:
        answers.phase = _get(top, "phase", choice(PHASES), "")
    if "pupil-ages" in given:
        answers.pupil_ages = _get(top, "pupil-ages", age_range, "")
    if "country" in given:
        answers.country = _get(top, "country", country, "")
    if "email-domains" in given:
        answers.email_domains = _get(top, "email-domains", domains, "")
    if "guidance" in given:
        answers.guidance = _get(top, "guidance", guidance_list, "")
    if "approved-on" in given:
        answers.approved_on = _get(top, "approved-on", date, "")
    if "review-cycle" in given:
        answers.review_cycle = _get(top, "review-cycle", months, "")
    if "people" in given:
        with _at(top, "people"):
            mapping = _mapping(
                top["people"], "people: ", "a mapping, e.g. {dsl: Mr J Owusu}"
            )
        for key, value in mapping.items():
            if key not in PEOPLE and key not in PEOPLE_ALIASES:
                raise _unknown(key, tuple(PEOPLE), "people.", mapping)
            if value is None:
                continue
            check = text if key in BODIES else person
            value = _get(mapping, key, check, "people.")
            answers.people[PEOPLE_ALIASES.get(key, key)] = value
    if "training" in given:
        with _at(top, "training"):
            answers.training.update(
                _dates(top["training"], "training", TRAINING, "{staff: 2026-09-02}")
            )
    if "last-done" in given:
        with _at(top, "last-done"):
            answers.last_done.update(
                _dates(
                    top["last-done"],
                    "last-done",
                    LAST_DONE,
                    "{access-review: 2026-09-01}",
                )
            )
    if "adopt-suggestions" in given:
        with _at(top, "adopt-suggestions"):
            answers.adopt = parse_adoption(top["adopt-suggestions"])
    if "tools" in given:
        tools = top["tools"]
        if not isinstance(tools, list) or not tools:
            raise AnswerError(
                "tools: is not a list of tools; write at least one, e.g. "
                "- {platform: facebook, audience: [parents], purpose: [announcements]}",
                _line(top, "tools"),
            )
        for n, entry in enumerate(tools, 1):
            with _at(tools, n - 1):
                answers.tools.append(parse_tool(entry, n))
    return answers


# --- reading an answers file ---------------------------------------------------------

#: the most an answers file may hold: a school's answers are a page of text
MAX_ANSWERS_BYTES = 1_000_000
#: YAML integers as people write them: decimal, no more digits than any answer needs
#: (YAML 1.1 would also read 0x10, 012 (octal), 1_2 and 1:30 as numbers, and a
#: number of thousands of digits is more than Python converts)
_INT_RE = re.compile(r"^[-+]?[0-9]{1,18}$")
_INT_TAG = "tag:yaml.org,2002:int"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


class AnswersFileError(PackError):
    """An answers file that cannot be read as YAML: ``str()`` is ``path:line:
    message``, one line."""


class AnswersLoader(LocatedLoader):
    """The guidance packs' safe loader (guidance/loader.py: lines of every value, no
    anchors or aliases, no tags that make objects, no key twice, only true and false
    as booleans), reading dates as text - the answers' own check then says which key
    holds a date that does not exist (2026-02-30) - and only plain decimal numbers
    as numbers."""

    what = "an answers file"


AnswersLoader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp) for tag, regexp in resolvers if tag not in (_INT_TAG, _TIMESTAMP_TAG)
    ]
    for first, resolvers in LocatedLoader.yaml_implicit_resolvers.items()
}
AnswersLoader.add_implicit_resolver(_INT_TAG, _INT_RE, list("-+0123456789"))


def _construct_text(loader: AnswersLoader, node: Any) -> Any:
    # an explicit !!timestamp: the date as text, checked as every date is
    return loader.construct_scalar(node)


AnswersLoader.add_constructor(_TIMESTAMP_TAG, _construct_text)


def load_answers_text(text: str, path: str) -> Any:
    """Parse the text of the answers file ``path``: plain data whose mappings and
    lists know the line of each value.

    :raises AnswersFileError: ``path:line: what is wrong``, on one line.
    """
    try:
        return load_yaml_text(
            text, path, error=AnswersFileError, loader_class=AnswersLoader
        )
    except PackError as error:
        # one line, whatever the message holds
        message = " ".join(error.message.split())
        raise AnswersFileError(error.path, error.line, message) from None


def read_answers_file(path: str) -> Answers:
    """Read and validate the answers file ``path``.

    :raises AnswersFileError: it cannot be read, is not YAML, or an answer in it is
        not allowed (with the line of that answer).
    """
    try:
        with open(path, "rb") as file:
            raw = file.read(MAX_ANSWERS_BYTES + 1)
    except OSError as error:
        reason = error.strerror or str(error)
        raise AnswersFileError(
            path, None, f"cannot read the answers file ({reason})"
        ) from None
    if len(raw) > MAX_ANSWERS_BYTES:
        raise AnswersFileError(
            path,
            None,
            f"the answers file is larger than {MAX_ANSWERS_BYTES // 1_000_000} MB; "
            "an answers file is a page of text: check that this is the right file",
        )
    try:
        text_ = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise AnswersFileError(
            path, line, "the answers file is not UTF-8 text; save it as UTF-8"
        ) from None
    data = load_answers_text(text_.removeprefix("\ufeff"), path)
    try:
        return parse_answers(data)
    except AnswerError as error:
        raise AnswersFileError(path, error.line, str(error)) from None
