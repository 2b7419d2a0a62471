"""The platform catalogue: what each social-media platform allows, with sources.

A catalogue file is YAML::

    catalogue: Oakfield's extra platforms        # optional title
    digital-consent-age:                          # optional; see below
      source: UK GDPR Art 8; DPA 2018 s9
      checked-on: 2026-11-24
      ages: {default: 16, GB: 13}
    platforms:
      - id: facebook                 # lower case with hyphens; tools name it in :platform:
        name: Facebook
        category: social-network     # one of CATEGORIES
        school-controlled: false     # does the school (or its subscription service) run it?
        min-age: {default: 13, GB: 13, AU: 16}   # per country; EU / EEA cover their
                                     # members; null: no platform minimum (the school
                                     # sets it)
        premoderation: true          # can comments be held for approval?
        membership-control: true     # can the school approve who joins or follows?
        private-groups: true         # can it host private groups?
        accounts:                    # optional: what differs for one kind of account
          page: {premoderation: false, membership-control: false}
        source: where the facts come from
        checked-on: 2026-11-24       # when they were last checked
        notes: facts still to verify  # optional
        aliases: [fb]                # optional: other names a tool may give
        how-to: where the settings are  # optional: shown in messages about set-up

:func:`load_catalogue` reads the built-in ``platforms.yaml`` and then each project file
(``sm_platforms``), in order. A later entry with an ``id`` already known *overrides* it:
it needs ``id``, ``source`` and ``checked-on`` and changes only the keys it gives
(``min-age`` and ``accounts`` are merged key by key). An entry with a new ``id`` adds a
platform and needs every key. Errors are :class:`~.errors.PlatformError` naming the file
and line.

Minimum ages: :meth:`Catalogue.min_age` looks up the country, then ``EU`` / ``EEA`` for
their member states, then ``default``. ``digital-consent-age`` holds the age under which
data-protection law asks for a parent's consent (UK 13); its ``ages`` merge the same way.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..schema import ACCOUNTS
from .checks import (
    Where,
    check_keys,
    expect_list,
    expect_mapping,
    get_bool,
    get_date,
    get_text,
    hint,
    shown,
)
from .errors import PlatformError
from .loader import LocatedDict, LocatedList, line_of, load_yaml

#: the built-in catalogue
BUILTIN_CATALOGUE = Path(__file__).parent / "platforms.yaml"

#: platform categories (rules compare ``platform.category`` with these)
CATEGORIES = (
    "social-network",
    "microblog",
    "video-sharing",
    "children-video",
    "messaging",
    "chat-community",
    "visual-social",
    "professional-network",
    "collaborative-board",
    "class-journal",
    "class-communication",
    "learning-platform",
    "blog",
    "wiki",
    "website",
    "forum",
    "live-streaming",
    "gaming",
    "generative-ai",
)

EU_MEMBERS = frozenset(
    "AT BE BG HR CY CZ DK EE FI FR DE GR IE IT LV LT LU MT NL PL PT RO SK SI ES SE".split()
)
EEA_MEMBERS = EU_MEMBERS | {"IS", "LI", "NO"}
#: region keys allowed in ``min-age`` and ``ages`` besides country codes
REGIONS = {"EU": EU_MEMBERS, "EEA": EEA_MEMBERS}

PLATFORM_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
COUNTRY_KEY_RE = re.compile(r"^[A-Z]{2}$")
#: the yes/no facts an ``accounts:`` entry may change
ACCOUNT_FACTS = ("premoderation", "membership-control", "private-groups")

_FACT_KEYS = (
    "name",
    "category",
    "school-controlled",
    "min-age",
    "premoderation",
    "membership-control",
    "private-groups",
)
_REQUIRED_NEW = ("id", *_FACT_KEYS, "source", "checked-on")
_REQUIRED_OVERRIDE = ("id", "source", "checked-on")
_OPTIONAL = ("notes", "accounts", "safest-account", "aliases", "how-to")
#: the keys of a fact written with its own record (``{value: ..., source: ...}``)
FACT_RECORD_KEYS = ("value", "source", "address", "checked-on", "verified")
#: the keys of one age written with its own record
AGE_RECORD_KEYS = ("age", "from", "source", "address", "checked-on", "verified")


@dataclass(frozen=True)
class Fact:
    """Where one fact comes from: its source (title, and address where it has one),
    the date it was checked, and whether it could be confirmed. A fact written
    without its own record takes its platform entry's source and date."""

    source: str = ""
    address: str = ""
    checked_on: dt.date | None = None
    verified: bool = True

    def cited(self) -> str:
        """The source with its address, for a message or a listing."""
        return f"{self.source} ({self.address})" if self.address else self.source


@dataclass(frozen=True)
class Age:
    """A minimum age (None: none set; the school decides), the date it took effect
    (None: always) and where it comes from."""

    age: int | None
    start: dt.date | None = None
    fact: Fact = field(default_factory=Fact)


#: ages by country key (a country, EU / EEA, ``default``), each oldest first
AgeTable = Mapping[str, tuple[Age, ...]]


def age_on(ages: tuple[Age, ...], on: dt.date) -> Age | None:
    """The age in force on ``on``: the latest whose start is not after it."""
    found = None
    for age in ages:
        if age.start is None or age.start <= on:
            found = age
    return found


def by_country_fact(ages: AgeTable, country: str, on: dt.date | None = None) -> Age | None:
    """The age for ``country`` on ``on`` (default today): its own entry, then EU /
    EEA, then ``default``; an entry not yet in force on ``on`` is passed over, so a
    build dated before a law starts uses the age before it."""
    on = on or dt.date.today()
    keys = [country] + [r for r, members in REGIONS.items() if country in members]
    for key in [*keys, "default"]:
        if key in ages:
            found = age_on(ages[key], on)
            if found is not None:
                return found
    return None


def by_country(ages: AgeTable, country: str, on: dt.date | None = None) -> int | None:
    """The age for ``country`` on ``on`` (see :func:`by_country_fact`)."""
    found = by_country_fact(ages, country, on)
    return found.age if found is not None else None


@dataclass(frozen=True)
class Platform:
    """One catalogue entry."""

    id: str
    name: str
    category: str
    school_controlled: bool
    min_ages: AgeTable
    premoderation: bool
    membership_control: bool
    private_groups: bool
    source: str
    checked_on: dt.date
    notes: str = ""
    #: the kinds of account the platform offers, each with the facts that differ
    #: for it (empty: not recorded)
    accounts: Mapping[str, Mapping[str, bool]] = field(default_factory=dict)
    #: the safest kind of account the platform offers (empty: not recorded)
    safest_account: str = ""
    #: other names a tool's :platform: may give for it (``twitter`` for ``x``)
    aliases: tuple[str, ...] = ()
    #: where the platform's moderation and membership settings are, for messages
    how_to: str = ""
    #: the facts written with their own record (source, date, verified), by key
    facts: Mapping[str, Fact] = field(default_factory=dict)
    path: str = ""
    line: int = 0

    def fact_record(self, name: str) -> Fact:
        """Where fact ``name`` comes from: its own record, else the entry's."""
        return self.facts.get(name) or Fact(self.source, "", self.checked_on, True)

    def unverified(self, country: str | None = None) -> list[str]:
        """The facts marked as not confirmed (``verified: false``), by key; with a
        country, its minimum age too (``min-age GB``)."""
        out = [name for name, fact in self.facts.items() if not fact.verified]
        if country is None:
            for key, ages in sorted(self.min_ages.items()):
                if any(not a.fact.verified for a in ages):
                    out.append(f"min-age {key}")
        else:
            # the age that applies in the country, wherever it is written (its own
            # entry, EU / EEA, or the default)
            found = self.min_age_fact(country)
            if found is not None and not found.fact.verified:
                out.append("min-age")
        return out

    def min_age(self, country: str, on: dt.date | None = None) -> int | None:
        """The platform's minimum age in ``country`` on ``on`` (default today; None:
        none set by the platform; the school decides)."""
        return by_country(self.min_ages, country, on)

    def min_age_fact(self, country: str, on: dt.date | None = None) -> Age | None:
        """The minimum age in force in ``country`` on ``on``, with its record."""
        return by_country_fact(self.min_ages, country, on)

    def ages_on(self, on: dt.date | None = None) -> dict[str, int | None]:
        """Every country key's age in force on ``on`` (for listings)."""
        on = on or dt.date.today()
        out: dict[str, int | None] = {}
        for key, ages in self.min_ages.items():
            found = age_on(ages, on)
            if found is not None:
                out[key] = found.age
        return out

    def fact(self, name: str, account: str | None = None) -> bool:
        """``premoderation``, ``membership-control`` or ``private-groups`` for an
        account of kind ``account`` (``page``, ``group`` ...)."""
        override = self.accounts.get(account or "", {})
        if name in override:
            return override[name]
        return bool(getattr(self, name.replace("-", "_")))

    def value(
        self,
        name: str,
        *,
        account: str | None,
        country: str,
        on: dt.date | None = None,
    ) -> Any:
        """A catalogue field by its YAML name, as rules read it (``platform.<name>``)."""
        if name == "min-age":
            return self.min_age(country, on)
        if name == "min-age-recorded":
            return self.min_age_fact(country, on) is not None
        if name == "checked-on":
            # the date the minimum age in force for the country was checked
            found = self.min_age_fact(country, on)
            if found is not None and found.fact.checked_on is not None:
                return found.fact.checked_on
            return self.checked_on
        if name in ACCOUNT_FACTS:
            return self.fact(name, account)
        if name == "comment-options":
            return self.comment_options(account)
        if name == "membership-options":
            return self.membership_options(account)
        if name == "accounts":
            return list(self.accounts) or None
        if name == "safest-account":
            return self.safest_account or None
        return getattr(self, name.replace("-", "_"))

    def comment_options(self, account: str | None) -> list[str]:
        """The ``:comments:`` settings possible for this kind of account."""
        if self.fact("premoderation", account):
            return ["off", "premoderated", "postmoderated", "open"]
        return ["off", "postmoderated", "open"]

    def membership_options(self, account: str | None) -> list[str]:
        """The ``:membership:`` settings possible for this kind of account."""
        if self.fact("membership-control", account):
            return ["open", "request", "invite", "school-accounts"]
        return ["open"]


@dataclass
class Catalogue:
    """Every known platform by ID, and the files they came from."""

    platforms: dict[str, Platform] = field(default_factory=dict)
    consent_ages: dict[str, tuple[Age, ...]] = field(default_factory=dict)
    consent_source: str = ""
    consent_checked_on: dt.date | None = None
    paths: list[Path] = field(default_factory=list)

    def get(self, platform_id: str | None) -> Platform | None:
        """The platform with this ID or alias (``twitter`` gives ``x``)."""
        found = self.platforms.get(platform_id or "")
        if found is None and platform_id:
            canonical = self.aliases().get(platform_id.strip().lower())
            if canonical is not None:
                found = self.platforms.get(canonical)
        return found

    def aliases(self) -> dict[str, str]:
        """Every alias with the ID it stands for."""
        return {
            alias: platform.id
            for platform in self.platforms.values()
            for alias in platform.aliases
            if alias not in self.platforms
        }

    def names(self) -> list[str]:
        """Every ID and alias a tool's :platform: may give."""
        return sorted({*self.platforms, *self.aliases()})

    def __contains__(self, platform_id: object) -> bool:
        return isinstance(platform_id, str) and self.get(platform_id) is not None

    def __iter__(self) -> Iterator[Platform]:
        return iter(sorted(self.platforms.values(), key=lambda p: p.id))

    def __len__(self) -> int:
        return len(self.platforms)

    def min_age(
        self, platform_id: str, country: str, on: dt.date | None = None
    ) -> int | None:
        """The minimum age of ``platform_id`` in ``country`` on ``on`` (default
        today; None: no platform minimum, the school sets it).

        :raises KeyError: the platform is not in the catalogue.
        """
        platform = self.platforms.get(platform_id)
        if platform is None:
            raise KeyError(
                f"{platform_id!r} is not in the platform catalogue; known: "
                + ", ".join(sorted(self.platforms))
            )
        return platform.min_age(country, on)

    def consent_age(self, country: str, on: dt.date | None = None) -> int | None:
        """The digital age of consent in ``country`` (under it, a parent consents)."""
        return by_country(self.consent_ages, country, on)

    def consent_fact(self, country: str, on: dt.date | None = None) -> Age | None:
        """The digital age of consent in ``country``, with its record."""
        return by_country_fact(self.consent_ages, country, on)


def _ages(
    value: Any, line: int, where: Where, key: str, *, need_default: bool
) -> dict[str, tuple[Age, ...]]:
    """A table of ages: each key a country, EU / EEA or ``default``; each value an
    age (a whole number, or null where none is set), an age with its record
    (``{age: 16, from: 2025-12-10, source: ..., address: ..., checked-on: ...,
    verified: false}``), or a list of those (the ages over time)."""
    mapping = expect_mapping(value, line, where, f"'{key}'")
    ages: dict[str, tuple[Age, ...]] = {}
    for country, raw in mapping.items():
        at = mapping.key_line(country)
        if not (
            isinstance(country, str)
            and (
                COUNTRY_KEY_RE.match(country) or country == "default" or country in REGIONS
            )
        ):
            raise where.fail(
                at,
                f"'{key}' has the key {shown(country)}; use 'default', a two-letter "
                "country "
                "code in capitals (e.g. GB, AU) or EU / EEA",
            )
        items = raw if isinstance(raw, list) else [raw]
        if not items:
            raise where.fail(at, f"'{key}' for {country} is an empty list; give an age")
        found = [
            _age(
                item,
                raw.line_of(index)
                if isinstance(raw, LocatedList)
                else mapping.line_of(country),
                where,
                f"'{key}' for {country}",
            )
            for index, item in enumerate(items)
        ]
        starts = [a.start for a in found]
        if len(set(starts)) != len(starts):
            raise where.fail(
                at,
                f"'{key}' for {country} has two ages from the same date; give each "
                "change its own 'from' date",
            )
        ages[country] = tuple(sorted(found, key=lambda a: a.start or dt.date.min))
    if need_default and "default" not in ages:
        raise where.fail(
            line,
            f"'{key}' has no 'default'; add the age that applies in other countries "
            "(null if the platform sets none)",
        )
    return ages


def _check_age(age: Any, line: int, where: Where, what: str) -> int | None:
    if age is not None and (
        isinstance(age, bool) or not isinstance(age, int) or not 0 <= age <= 25
    ):
        raise where.fail(
            line,
            f"{what} is {shown(age)}; it must be an age from 0 to 25, or null where the "
            "platform sets none",
        )
    return age


def _age(value: Any, line: int, where: Where, what: str) -> Age:
    if not isinstance(value, dict):
        return Age(_check_age(value, line, where, what))
    record = expect_mapping(value, line, where, what)
    sub = where.sub(f"{where.label}, {what.replace(chr(39), '')}")
    check_keys(record, sub, ("age",), AGE_RECORD_KEYS[1:], what="an age with its record")
    start = get_date(record, "from", sub) if "from" in record else None
    return Age(
        _check_age(record.get("age"), record.line_of("age"), where, what),
        start,
        _record(record, sub),
    )


def _record(record: LocatedDict, where: Where) -> Fact:
    """The source, address, date and verified flag of a fact's own record."""
    verified = get_bool(record, "verified", where) if "verified" in record else True
    checked = get_date(record, "checked-on", where) if "checked-on" in record else None
    return Fact(
        source=get_text(record, "source", where) if "source" in record else "",
        address=get_text(record, "address", where) if "address" in record else "",
        checked_on=checked,
        verified=verified,
    )


def _unwrap(entry: LocatedDict, key: str, where: Where) -> tuple[LocatedDict, Fact | None]:
    """A fact written with its own record (``premoderation: {value: true, source:
    ..., checked-on: ..., verified: false}``) as a plain ``{key: value}`` mapping and
    its record; a plain fact as it is, with no record."""
    value = entry.get(key)
    if not isinstance(value, dict) or "value" not in value:
        return entry, None
    record = expect_mapping(value, entry.line_of(key), where, f"'{key}'")
    sub = where.sub(f"{where.label}, {key}")
    check_keys(record, sub, ("value",), FACT_RECORD_KEYS[1:], what="a fact with its record")
    plain = LocatedDict({key: record["value"]})
    plain.line = record.line
    plain.key_lines[key] = record.key_line("value")
    plain.value_lines[key] = record.line_of("value")
    return plain, _record(record, sub)


def _accounts(value: Any, line: int, where: Where) -> dict[str, dict[str, bool]]:
    """The kinds of account a platform offers: a list of kinds, or a mapping of each
    kind to the facts that differ for it (``page: {premoderation: false}``; ``{}``
    where none differ)."""
    if isinstance(value, list):
        kinds = LocatedDict()
        kinds.line = line
        for index, kind in enumerate(value):
            at = value.line_of(index) if isinstance(value, LocatedList) else line
            if not isinstance(kind, str) or kind in kinds:
                raise where.fail(
                    at,
                    f"'accounts' has {shown(kind)}"
                    + (" twice" if isinstance(kind, str) else "")
                    + "; list each kind of account once: "
                    + ", ".join(ACCOUNTS),
                )
            kinds[kind] = LocatedDict()
            kinds.key_lines[kind] = at
        value = kinds
    mapping = expect_mapping(value, line, where, "'accounts'")
    out: dict[str, dict[str, bool]] = {}
    for account, facts in mapping.items():
        at = mapping.key_line(account)
        if not isinstance(account, str) or account not in ACCOUNTS:
            raise where.fail(
                at,
                f"'accounts' has {shown(account)}{hint(str(account), ACCOUNTS)}; allowed: "
                + ", ".join(ACCOUNTS),
            )
        if facts is None:
            facts = LocatedDict()
            facts.line = at
        facts = expect_mapping(facts, at, where, f"'accounts' {account}")
        sub = where.sub(f"{where.label}, accounts {account}")
        check_keys(facts, sub, (), ACCOUNT_FACTS, what="an account entry")
        out[account] = {name: get_bool(facts, name, sub) for name in facts}
    return out


def _entry(data: Any, line: int, path: str, known: Mapping[str, Platform]) -> Platform:
    where = Where(path, "platform entry", PlatformError)
    entry = expect_mapping(data, line, where, "a platform entry")
    pid = entry.get("id")
    if pid is None:
        raise where.fail(entry.line, "the required key 'id' is missing")
    if not isinstance(pid, str) or not PLATFORM_ID_RE.match(pid):
        raise where.fail(
            entry.line_of("id"),
            f"'id' is {shown(pid)}; write the platform ID in lower case with hyphens, "
            "e.g. youtube-kids",
        )
    where = where.sub(f"platform {pid}")
    base = known.get(pid)
    check_keys(
        entry,
        where,
        _REQUIRED_OVERRIDE if base else _REQUIRED_NEW,
        [*_FACT_KEYS, *_OPTIONAL] if base else _OPTIONAL,
        what="an entry changing a known platform" if base else "a new platform entry",
    )
    values: dict[str, Any] = {}
    records: dict[str, Fact] = dict(base.facts) if base else {}
    plain = LocatedDict(entry)
    plain.line = entry.line
    plain.key_lines.update(entry.key_lines)
    plain.value_lines.update(entry.value_lines)
    for key in ("name", "category", "school-controlled", *ACCOUNT_FACTS, "safest-account"):
        if key in entry:
            unwrapped, record = _unwrap(entry, key, where)
            if record is not None:
                plain[key] = unwrapped[key]
                plain.key_lines[key] = unwrapped.key_line(key)
                plain.value_lines[key] = unwrapped.line_of(key)
                records[key] = record
    entry = plain
    if "name" in entry:
        values["name"] = get_text(entry, "name", where)
    if "category" in entry:
        category = entry.get("category")
        if not isinstance(category, str) or category not in CATEGORIES:
            raise where.fail(
                entry.line_of("category"),
                f"'category' is {shown(category)}{hint(str(category), CATEGORIES)}; "
                "allowed: " + ", ".join(CATEGORIES),
            )
        values["category"] = category
    for key in ("school-controlled", *ACCOUNT_FACTS):
        if key in entry:
            values[key.replace("-", "_")] = get_bool(entry, key, where)
    if "min-age" in entry:
        ages = _ages(
            entry["min-age"],
            entry.line_of("min-age"),
            where,
            "min-age",
            need_default=base is None,
        )
        values["min_ages"] = {**(base.min_ages if base else {}), **ages}
    if "accounts" in entry:
        accounts = _accounts(entry["accounts"], entry.line_of("accounts"), where)
        merged = {k: dict(v) for k, v in (base.accounts if base else {}).items()}
        for account, facts in accounts.items():
            merged.setdefault(account, {}).update(facts)
        values["accounts"] = merged
    if "safest-account" in entry:
        safest = entry.get("safest-account")
        offered = values.get("accounts") or (base.accounts if base else {})
        if (
            not isinstance(safest, str)
            or safest not in ACCOUNTS
            or (offered and safest not in offered)
        ):
            choices = list(offered) or list(ACCOUNTS)
            raise where.fail(
                entry.line_of("safest-account"),
                f"'safest-account' is {shown(safest)}; it must be one of the kinds the "
                f"platform offers: {', '.join(choices)}",
            )
        values["safest_account"] = safest
    values["facts"] = records
    values["source"] = get_text(entry, "source", where)
    values["checked_on"] = get_date(entry, "checked-on", where)
    if "notes" in entry:
        values["notes"] = get_text(entry, "notes", where)
    if "how-to" in entry:
        values["how_to"] = get_text(entry, "how-to", where)
    if "aliases" in entry:
        raw = entry["aliases"]
        aliases = raw if isinstance(raw, list) else [raw]
        for index, alias in enumerate(aliases):
            if not isinstance(alias, str) or not PLATFORM_ID_RE.match(alias):
                raise where.fail(
                    aliases.line_of(index)
                    if isinstance(aliases, LocatedList)
                    else entry.line_of("aliases"),
                    f"'aliases' has {shown(alias)}; write each other name in lower case "
                    "with hyphens, e.g. twitter",
                )
        values["aliases"] = tuple(aliases)
    values["path"] = path
    values["line"] = entry.line
    if base is not None:
        if "notes" not in entry:
            values["notes"] = base.notes
        return replace(base, **values)
    return Platform(id=pid, **values)


@functools.lru_cache(maxsize=32)
def _parsed(path: Path, mtime_ns: int, size: int) -> Any:
    return load_yaml(path, error=PlatformError)


def _read_file(path: Path, catalogue: Catalogue) -> None:
    spath = str(path)
    where = Where(spath, "", PlatformError)
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise PlatformError(spath, None, "the file does not exist") from None
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or exc
        raise PlatformError(
            spath,
            None,
            f"the file cannot be read ({reason}); check its name in sm_platforms",
        ) from None
    data = _parsed(path, stat.st_mtime_ns, stat.st_size)
    if data is None:
        raise where.fail(
            None,
            "the file is empty; a catalogue file has 'platforms:' and a list of entries",
        )
    top = expect_mapping(data, line_of(data, 1), where, "a catalogue file")
    check_keys(
        top,
        where,
        ("platforms",),
        ("catalogue", "digital-consent-age"),
        what="a catalogue file",
    )
    if "catalogue" in top:
        get_text(top, "catalogue", where)
    if "digital-consent-age" in top:
        sub = where.sub("digital-consent-age")
        consent = expect_mapping(
            top["digital-consent-age"],
            top.line_of("digital-consent-age"),
            sub,
            "'digital-consent-age'",
        )
        check_keys(
            consent,
            sub,
            ("ages", "source", "checked-on"),
            ("address",),
            what="'digital-consent-age'",
        )
        ages = _ages(
            consent["ages"],
            consent.line_of("ages"),
            sub,
            "ages",
            need_default=not catalogue.consent_ages,
        )
        catalogue.consent_ages.update(ages)
        catalogue.consent_source = get_text(consent, "source", sub)
        catalogue.consent_checked_on = get_date(consent, "checked-on", sub)
    entries = expect_list(top["platforms"], top.line_of("platforms"), where, "'platforms'")
    seen: dict[str, int] = {}
    for index, data in enumerate(entries):
        line = entries.line_of(index)
        platform = _entry(data, line, spath, catalogue.platforms)
        if platform.id in seen:
            raise PlatformError(
                spath,
                platform.line,
                f"platform {platform.id} appears twice in this file (first at line "
                f"{seen[platform.id]}); keep one entry per platform",
            )
        seen[platform.id] = platform.line
        catalogue.platforms[platform.id] = platform


def load_catalogue(
    paths: Sequence[Path | str] = (),
    *,
    builtin: bool = True,
    base_dir: Path | str | None = None,
) -> Catalogue:
    """The built-in catalogue (unless ``builtin=False``), then each file of ``paths``
    in order; later entries add platforms or override them by ``id``. Relative paths
    are read from ``base_dir`` (the folder of conf.py) when it is given. Files are
    parsed once while unchanged.

    :raises PlatformError: a file is missing or malformed (file, line, what is wrong).
    """
    catalogue = Catalogue()
    files = [BUILTIN_CATALOGUE, *paths] if builtin else list(paths)
    for name in files:
        path = Path(name)
        if base_dir is not None and not path.is_absolute():
            path = Path(base_dir) / path
        catalogue.paths.append(path)
        _read_file(path, catalogue)
    return catalogue
