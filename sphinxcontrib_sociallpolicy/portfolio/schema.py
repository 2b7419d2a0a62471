"""The shape of ``portfolio.json``: the contract between the portfolio check
(:mod:`.run`, :mod:`.merge`) and what reads its result (the CSV, the dashboard,
a trust's own tools).

All dates are ISO ``YYYY-MM-DD`` strings; paths are written with ``/``, relative to
the folder the command was run in (as the user gave them). Lists are sorted as
stated, so that two runs over the same input give the same file, and a merge of
shards gives the same file as one unsharded run.

``FORMAT_VERSION`` changes when a field changes meaning or goes; adding a field does
not change it.
"""

from __future__ import annotations

from typing import Literal, TypedDict

FORMAT_VERSION = 1

#: a school's status: every requirement met or waived / open findings at or above
#: the school's fail-on severity / an input error (a bad option, a broken pack, a
#: project that does not build)
SchoolStatus = Literal["pass", "findings", "error"]
#: exit code of the whole portfolio: 0 all pass, 1 any school has findings, 2 any
#: school has input errors (2 wins over 1)
EXIT_FOR_STATUS: dict[str, int] = {"pass": 0, "findings": 1, "error": 2}

#: the windows of "what falls due", in days from the check date
DUE_WINDOWS = (30, 60, 90)


class Finding(TypedDict):
    rule: str
    severity: str  # must / should / may
    item: str  # item ID (POLICY_X, TOOL_X ...)
    path: str  # source file, relative to the school's project folder
    line: int
    message: str
    status: str  # open / waived / disabled


class Waiver(TypedDict):
    id: str
    requirement: str
    target: str | None  # tool ID, or None for the whole policy
    approved_by: str | None
    expires: str | None  # date
    expired: bool


class Dated(TypedDict):
    """Something that falls due: a review, training, a recurring safeguard, a
    waiver's expiry."""

    item: str  # item ID
    title: str  # the item's title ("Parents' Facebook group")
    #: in words: "policy review", "tool review", "document review", "waiver
    #: expiry", or a repeated safeguard's kind ("staff training", "pupil training",
    #: "parent awareness", "follower audit", "access review", "image audit",
    #: "filtering and monitoring review")
    what: str
    #: date: a review's or a waiver's date as written; for a repeated safeguard,
    #: :last-done: + its :frequency: (schema.FREQUENCY_DAYS: annual 366 days ...)
    due: str
    days: int  # from the school's check date; negative when overdue


class Draft(TypedDict):
    item: str
    path: str
    line: int


class Changed(TypedDict):
    """A requirement added or changed after the policy's approval."""

    rule: str
    severity: str
    kind: Literal["added", "changed"]
    on: str  # date


class InputError(TypedDict):
    path: str  # relative to the school's project folder, or "" when no file
    line: int  # 0 when no line
    message: str
    #: the warning subtype (option, link, guidance, config, duplicate); Sphinx's
    #: own warning type for its warnings ("toc.not_included", or "sphinx" when it
    #: has none); "build" when the project does not build at all (a conf.py that
    #: raises: path and line are where it raised) or the folder is no project
    kind: str


class School(TypedDict):
    #: the project folder as given on the command line, normalised with "/"; a
    #: school found in a folder of projects is "folder/name"
    project: str
    school: str | None  # :school: of the sm-policy (None when there is none)
    policy: str | None  # the sm-policy's ID
    status: SchoolStatus
    #: the date the school's checks used: its sm_today, else the run's date
    checked_on: str
    fail_on: str
    approved_on: str | None
    next_review: str | None
    base: str | None  # sm_base, as written in conf.py
    #: open findings by severity: {"must": 1, "should": 0, "may": 2}
    open: dict[str, int]
    #: by rule: {"FM_REVIEW": {"severity": "must", "open": 1, "waived": 0}}; only
    #: rules with an open or waived finding
    by_rule: dict[str, dict[str, object]]
    #: per requirement of the school's guidance, its result over the items it
    #: applies to: "open" if any is open, else "waived" if any is waived, else
    #: "met", or "disabled" / "not-applicable"
    results: dict[str, str]
    findings: list[Finding]  # open and waived, in the engine's finding order
    waivers: list[Waiver]  # by expiry date
    overdue: list[Dated]  # due before the check date, oldest first
    due: list[Dated]  # due within the longest window, soonest first
    drafts: list[Draft]
    guidance_changed: list[Changed]
    input_errors: list[InputError]
    #: the school's built policy, relative to the output folder
    #: ("schools/<slug>/index.html"; slug from the project path), or None when it
    #: was not built (--no-html, or a project that does not build)
    html: str | None
    #: the content hash the cache keys this result by (portfolio/cache.py); ""
    #: for a school whose project did not build (never cached)
    key: str


class Requirement(TypedDict):
    id: str
    title: str
    severity: str
    pack: str | None  # None for a school's own sm-requirement


class Summary(TypedDict):
    schools: int
    status: dict[str, int]  # {"pass": n, "findings": n, "error": n}
    open: dict[str, int]  # open findings by severity, over all schools
    #: per requirement: how many schools have it open, met, waived ...
    #: (every rule a school has, with all five keys: open, waived, met, disabled,
    #: not-applicable)
    requirements: dict[str, dict[str, int]]


class Portfolio(TypedDict):
    format: int  # FORMAT_VERSION
    generated: str  # date and time (SOURCE_DATE_EPOCH honoured)
    tool: str  # "sphinxcontrib-sociallpolicy 0.x"
    #: the date of the run (SOURCE_DATE_EPOCH honoured); merge refuses files of
    #: different dates
    checked_on: str
    shard: str | None  # "K/N" for one shard's file; None for a whole (or merged) run
    exit: int
    summary: Summary
    requirements: list[Requirement]  # the union over the schools, by ID
    schools: list[School]  # by project path


# --- checking a file against this shape ----------------------------------------------


def problem(data: object, *, complete: bool = True) -> str | None:
    """What makes ``data`` not a :class:`Portfolio` (the first problem, with where it
    is, e.g. ``schools[2].checked_on is a list, not text``), or None. Used on files
    read back (``portfolio merge``): a damaged or hand-edited file is refused with
    one line instead of failing somewhere later. With ``complete=False`` a key
    that is not there is no problem (only the values that are there are checked)."""
    return _problem(data, Portfolio, "the file", complete)


_WORDS = {str: "text", int: "a whole number", bool: "true or false", type(None): "null"}


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "true or false"
    for python, word in ((dict, "a mapping"), (list, "a list"), (str, "text")):
        if isinstance(value, python):
            return word
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a number with a fraction"
    return "null" if value is None else type(value).__name__


def _problem(value: object, expected: object, where: str, complete: bool) -> str | None:
    import types
    import typing

    origin = typing.get_origin(expected)
    if expected is object:
        return None
    if origin in (typing.Union, types.UnionType):
        options = typing.get_args(expected)
        each = [_problem(value, option, where, complete) for option in options]
        return None if None in each else each[0]
    if origin is Literal:
        allowed = typing.get_args(expected)
        return (
            None
            if value in allowed
            else (f"{where} is {value!r}, not one of {', '.join(map(repr, allowed))}")
        )
    if typing.is_typeddict(expected):
        if not isinstance(value, dict):
            return f"{where} is {_kind(value)}, not a mapping"
        hints = typing.get_type_hints(expected)
        for key, hint in hints.items():
            if key not in value:
                if complete and key in expected.__required_keys__:  # type: ignore[attr-defined]
                    return f"{where} has no {key!r}"
                continue
            if found := _problem(value[key], hint, f"{where}.{key}", complete):
                return found
        return None
    if origin is list:
        if not isinstance(value, list):
            return f"{where} is {_kind(value)}, not a list"
        (item,) = typing.get_args(expected)
        for number, entry in enumerate(value):
            if found := _problem(entry, item, f"{where}[{number}]", complete):
                return found
        return None
    if origin is dict:
        if not isinstance(value, dict):
            return f"{where} is {_kind(value)}, not a mapping"
        _, item = typing.get_args(expected)
        for key, entry in value.items():
            if found := _problem(entry, item, f"{where}[{key!r}]", complete):
                return found
        return None
    if expected is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif expected in _WORDS:
        ok = isinstance(value, expected)  # type: ignore[arg-type]
    else:  # pragma: no cover - a type this module does not use
        return None
    return None if ok else f"{where} is {_kind(value)}, not {_WORDS[expected]}"  # type: ignore[index]
