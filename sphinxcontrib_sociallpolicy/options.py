"""Parse and validate option values, with messages written for a school.

Pure Python: no Sphinx imports. ``parse_value`` turns the text written after an
option into its typed value or raises :class:`OptionError` saying what is wrong and
what is allowed. The directives turn that into an ``sm.option`` warning at the
directive's line; the ``sociallpolicy`` command uses it to check answers.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any

from .schema import OptionSpec

ID_RE = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$")
DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
AGE_RANGE_RE = re.compile(r"^([0-9]{1,2})\s*-\s*([0-9]{1,2})$")
COUNTRY_RE = re.compile(r"^[A-Z]{2}$")
EMAIL_RE = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)$"
)
DOMAIN_RE = re.compile(r"^[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$")
URL_RE = re.compile(r"^https?://[^\s<>\"']+$", re.IGNORECASE)


#: the 249 officially assigned ISO 3166-1 alpha-2 codes (ISO 3166 Maintenance Agency,
#: https://www.iso.org/obp/ui/#search/code/ , checked on 2026-12-02)
ISO_COUNTRIES = frozenset(
    """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN
    BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ
    DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL
    GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM
    JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME
    MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP
    NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD
    SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO
    TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
    """.split()
)

#: codes people write that are not ISO 3166 alpha-2, with the code they mean
NOT_ISO_COUNTRIES = {"UK": "GB", "EN": "GB", "EL": "GR"}


def country_problem(text: str) -> str | None:
    """What is wrong with a country code, or None."""
    if not COUNTRY_RE.match(text):
        return "is not a two-letter country code in capitals"
    if text in NOT_ISO_COUNTRIES:
        return f"is not an ISO 3166 country code; write {NOT_ISO_COUNTRIES[text]}"
    if text not in ISO_COUNTRIES:
        return "is not an ISO 3166 country code (e.g. GB, IE, US)"
    return None


class OptionError(ValueError):
    """A value that is not allowed; ``str()`` is the message for the school."""


def split_list(text: str) -> list[str]:
    """Split a comma-separated list, dropping empty entries and spaces."""
    return [part.strip() for part in text.split(",") if part.strip()]


#: invisible control characters: C0 (U+0000 to U+001F) except TAB, LF and CR, DEL
#: (U+007F) and C1 (U+0080 to U+009F). They show as nothing, make XML reports
#: ill-formed and stop the PDF build, so they are taken out of every value.
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def control_codes(text: str) -> list[str]:
    """The invisible control characters in ``text``, each once, in order, written
    ``U+0007``: empty when there are none."""
    return [f"U+{ord(c):04X}" for c in dict.fromkeys(CONTROL_RE.findall(text))]


def strip_controls(text: str) -> str:
    """``text`` without its invisible control characters (:data:`CONTROL_RE`)."""
    return CONTROL_RE.sub("", text)


def controls_message(what: str, codes: list[str]) -> str:
    """The message for control characters taken out of ``what`` (``:owner:``, ``the
    title``, ``the text``)."""
    return (
        f"{what} has invisible control characters ({', '.join(codes)}); they were removed"
    )


def _one_line(text: str) -> str:
    return " ".join(strip_controls(text).split())


#: the years a policy date may fall in: wide enough for any real policy, narrow enough
#: that adding a review cycle or a waiver's months can never leave the calendar
FIRST_YEAR, LAST_YEAR = 1900, 2199


def date_problem(date: _dt.date) -> str | None:
    """What is wrong with a real date as a policy date, or None."""
    if not FIRST_YEAR <= date.year <= LAST_YEAR:
        return f"is outside the years {FIRST_YEAR} to {LAST_YEAR}"
    return None


def parse_date(text: str) -> _dt.date:
    text = text.strip()
    if not DATE_RE.match(text):
        raise OptionError("is not a date written YYYY-MM-DD")
    try:
        date = _dt.date.fromisoformat(text)
    except ValueError:
        raise OptionError("is not a real date") from None
    if problem := date_problem(date):
        raise OptionError(problem)
    return date


def parse_age_range(text: str) -> tuple[int, int]:
    match = AGE_RANGE_RE.match(text.strip())
    if not match:
        raise OptionError("is not an age range written youngest-oldest")
    low, high = int(match.group(1)), int(match.group(2))
    if low > high:
        raise OptionError("has the youngest age above the oldest")
    if low < 2 or high > 25:
        raise OptionError("has an age outside 2 to 25")
    return low, high


def _parse_score(text: str, low: int, high: int, what: str) -> int:
    text = text.strip()
    # ASCII digits, a few of them: never more than int() converts (a 5,000-digit
    # number), nor digits of other scripts
    if not re.fullmatch(r"[0-9]{1,9}", text):
        raise OptionError(f"is not {what}")
    value = int(text)
    if not low <= value <= high:
        raise OptionError(f"is outside {low} to {high}")
    return value


COVERS_ENTRY_RE = re.compile(r"^([^\s(]+)\s*(?:\((.*)\))?$")


def bad_entries(bad: list[str], what: str) -> OptionError:
    """``has 'x', 'y' which are <what>``: the entries of a list that are wrong."""
    verb = "is" if len(bad) == 1 else "are"
    return OptionError(f"has {', '.join(repr(b) for b in bad)} which {verb} {what}")


def split_outside_brackets(text: str) -> list[str]:
    """Split at commas that are not inside round brackets."""
    parts: list[str] = []
    depth = 0
    current = ""
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return [part.strip() for part in parts if part.strip()]


def parse_covers(text: str) -> list[tuple[str, str]]:
    """``CON_X (section 4.2), GOV_Y`` as ``[("CON_X", "section 4.2"), ("GOV_Y", "")]``.

    :raises OptionError: an entry is not a rule ID, optionally with its section in
        round brackets.
    """
    text = _one_line(text)
    if not text:
        raise OptionError("is empty")
    out: dict[str, str] = {}
    bad: list[str] = []
    for entry in split_outside_brackets(text):
        match = COVERS_ENTRY_RE.match(entry)
        if not match or not ID_RE.match(match.group(1)) or entry.count("(") > 1:
            bad.append(entry)
            continue
        out.setdefault(match.group(1), " ".join((match.group(2) or "").split()))
    if bad:
        raise bad_entries(bad, "not a rule ID (optionally with its section in brackets)")
    if not out:
        raise OptionError("is empty")
    return list(out.items())


def parse_value(spec: OptionSpec, raw: str | None) -> Any:
    """The typed value of option ``spec`` written as ``raw``.

    Returns ``str`` (text, choice, email, url, country, id), ``list[str]`` (choices,
    domains, ids, people), ``int`` (score, months), ``str`` ISO date (validated) or
    ``str`` age range normalised as ``"4-11"``.

    :raises OptionError: the value is empty or not allowed.
    """
    text = _one_line(raw or "")
    if not text:
        raise OptionError("is empty")
    kind = spec.kind
    if kind == "text":
        return text
    if kind == "covers":
        return [rule for rule, _section in parse_covers(text)]
    if kind == "choice":
        if text not in spec.values:
            raise OptionError("is not an allowed value")
        return text
    if kind in {"choices", "domains", "ids", "people"}:
        items = split_list(text)
        if not items:
            raise OptionError("is empty")
        bad: list[str] = []
        for item in items:
            if kind == "choices" and item not in spec.values:
                bad.append(item)
            elif kind == "domains" and not DOMAIN_RE.match(item):
                bad.append(item)
            elif kind == "ids" and not (
                ID_RE.match(item) or (spec.allow_all and item == "all")
            ):
                bad.append(item)
        if bad:
            raise bad_entries(bad, "not allowed")
        if kind == "ids" and "all" in items and len(items) > 1:
            raise OptionError("mixes 'all' with IDs")
        # keep the first of each, in order
        return list(dict.fromkeys(items))
    if kind == "date":
        parse_date(text)
        return text
    if kind == "score":
        return _parse_score(text, 1, 5, "a whole number")
    if kind == "months":
        return _parse_score(text, 1, 60, "a whole number of months")
    if kind == "age-range":
        low, high = parse_age_range(text)
        return f"{low}-{high}"
    if kind == "country":
        if problem := country_problem(text):
            raise OptionError(problem)
        return text
    if kind == "email":
        if not EMAIL_RE.match(text):
            raise OptionError("is not an email address")
        return text
    if kind == "url":
        if not URL_RE.match(text):
            raise OptionError("is not a web address")
        return text
    if kind == "id":
        if not ID_RE.match(text):
            raise OptionError("is not an ID in capitals with underscores")
        return text
    raise AssertionError(f"unknown option kind {kind!r}")  # pragma: no cover


def option_message(spec: OptionSpec, raw: str | None, error: OptionError) -> str:
    """The whole message for a bad option value: option, value, what is wrong,
    and what is allowed."""
    value = _one_line(raw or "")
    if not value:
        return f":{spec.name}: is empty; allowed: {spec.allowed()}"
    shown = value if len(value) <= 80 else value[:77] + "..."
    return f":{spec.name}: {shown!r} {error}; allowed: {spec.allowed()}"


def email_domain(address: str) -> str:
    """The domain of an email address, lower-case."""
    return address.rsplit("@", 1)[-1].lower()
