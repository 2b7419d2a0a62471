"""Values, fields and the evaluation context of the condition language.

What a condition or a message can name on an item (:func:`fields_of`, the
``platform.<fact>`` table :data:`PLATFORM_FIELDS`), how each is read from an
:class:`~..model.Item` (:class:`Ref`), and the :class:`Context` that indexes a
:class:`~..model.Policy` once per evaluation. The language itself is documented in
:mod:`.conditions`.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import operator
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..model import Item, Policy, source_order
from ..options import AGE_RANGE_RE, email_domain
from ..schema import BY_KIND, OptionSpec
from .checks import Where, hint, type_word
from .platforms import CATEGORIES, Catalogue, Platform

TEXT, LIST, DATE, NUMBER, BOOL = "text", "list", "date", "number", "true/false"

#: item kinds a pack requirement may apply to
PACK_KINDS = ("policy", "tool", "control", "risk", "document")

_TYPE_OF_OPTION = {
    "text": TEXT,
    "choice": TEXT,
    "choices": LIST,
    "date": DATE,
    "score": NUMBER,
    "months": NUMBER,
    "age-range": TEXT,
    "country": TEXT,
    "email": TEXT,
    "domains": LIST,
    "url": TEXT,
    "id": TEXT,
    "ids": LIST,
    "covers": LIST,
    "people": LIST,
}

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
INT_RE = re.compile(r"^[0-9]+$")
OPS = ("<=", ">=", "==", "!=", "<", ">")
OP_FUNCS: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}


# --- values -----------------------------------------------------------------------


def to_date(value: Any) -> dt.date | None:
    """A date from an ISO string or a date; None when absent or not a date."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


#: the most months a pack may add to or take from a date (a hundred years)
MAX_MONTHS = 1200


def add_months(date: dt.date, months: Any) -> dt.date | None:
    """``date`` moved by whole months (the day is kept, or the month's last day).

    None (unknown) when ``months`` is not a number or the result would leave the
    calendar: evaluation never raises, and an unknown value fails the test that
    reads it, as a missing value does.
    """
    try:
        count = int(months)
        years, month0 = divmod(date.month - 1 + count, 12)
        year = date.year + years
        month = month0 + 1
        day = min(date.day, calendar.monthrange(year, month)[1])
        return date.replace(year=year, month=month, day=day)
    except (OverflowError, ValueError, TypeError):
        return None


def _as_list(value: Any) -> list[Any] | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list | tuple | set | frozenset):
        return list(value)
    return [value]


def as_number(value: Any) -> int | float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return value
    # at most 18 digits: never more than int() converts
    if isinstance(value, str) and INT_RE.match(value.strip()) and len(value.strip()) <= 18:
        return int(value.strip())
    return None


def is_present(value: Any) -> bool:
    return value is not None and value != "" and value != [] and value != ()


#: how a missing value reads in a message
NOT_RECORDED = "not recorded"


def format_value(value: Any) -> str:
    """A value in a message: lists joined, dates ISO, missing as ``not recorded``."""
    if not is_present(value):
        return NOT_RECORDED
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


# --- fields -----------------------------------------------------------------------


@dataclass(frozen=True)
class FieldInfo:
    """One field a condition can name: its value type and how it is read."""

    name: str
    type: str
    mode: str
    values: tuple[str, ...] = ()
    default: Any = None
    arg: str = ""


def _option_info(spec: OptionSpec) -> FieldInfo:
    from ..options import parse_value

    vtype = _TYPE_OF_OPTION[spec.kind]
    if spec.is_link:
        mode = "link"
    elif vtype == DATE:
        mode = "date"
    elif vtype == LIST:
        mode = "list"
    elif vtype == NUMBER:
        mode = "number"
    else:
        mode = "value"
    default = parse_value(spec, spec.default) if spec.default is not None else None
    return FieldInfo(spec.name, vtype, mode, tuple(spec.values), default)


@functools.cache
def fields_of(kind: str) -> dict[str, FieldInfo]:
    """Every field a condition can name on an item of ``kind``."""
    item_type = BY_KIND[kind]
    out = {
        "id": FieldInfo("id", TEXT, "id"),
        "title": FieldInfo("title", TEXT, "title"),
        "content": FieldInfo("content", TEXT, "content"),
    }
    for spec in item_type.options:
        info = _option_info(spec)
        out[spec.name] = info
        if info.type == LIST:
            count = f"{spec.name}-count"
            out[count] = FieldInfo(count, NUMBER, "count", arg=spec.name)
    if kind == "policy":
        out["country"] = FieldInfo("country", TEXT, "country")
        out["youngest-pupil-age"] = FieldInfo("youngest-pupil-age", NUMBER, "youngest")
        out["oldest-pupil-age"] = FieldInfo("oldest-pupil-age", NUMBER, "oldest")
        out["digital-consent-age"] = FieldInfo("digital-consent-age", NUMBER, "consent-age")
    if "contact-email" in out:
        out["email-domain"] = FieldInfo("email-domain", TEXT, "email-domain")
    return out


#: ``platform.<fact>`` fields of a tool
PLATFORM_FIELDS: dict[str, FieldInfo] = {
    name: FieldInfo(name, vtype, "platform", values)
    for name, vtype, values in (
        ("id", TEXT, ()),
        ("name", TEXT, ()),
        ("category", TEXT, CATEGORIES),
        ("school-controlled", BOOL, ()),
        ("min-age", NUMBER, ()),
        ("premoderation", BOOL, ()),
        ("membership-control", BOOL, ()),
        ("private-groups", BOOL, ()),
        ("source", TEXT, ()),
        ("checked-on", DATE, ()),
        ("notes", TEXT, ()),
        ("comment-options", LIST, ()),
        ("membership-options", LIST, ()),
        ("how-to", TEXT, ()),
        ("accounts", LIST, ()),
        ("safest-account", TEXT, ()),
        ("min-age-recorded", BOOL, ()),
    )
}


def _read(item: Item, info: FieldInfo, ctx: Context) -> Any:
    """The value of ``info`` on ``item`` (None when absent)."""
    mode = info.mode
    fields = item.fields
    if mode == "value":
        value = fields.get(info.name)
        return info.default if value is None or value == "" else value
    if mode == "date":
        return to_date(fields.get(info.name))
    if mode == "number":
        value = fields.get(info.name)
        return info.default if value is None or value == "" else as_number(value)
    if mode == "list":
        return _as_list(fields.get(info.name))
    if mode == "link":
        targets = item.links.get(info.name)
        if targets:
            return targets
        if info.name in (fields.get("all") or ()):
            return ctx.every_tool()
        return None
    if mode == "count":
        values = _read(item, fields_of(item.kind)[info.arg], ctx)
        return len(values) if values else 0
    if mode == "id":
        return item.id
    if mode == "title":
        return item.title
    if mode == "content":
        return item.content or None
    if mode == "country":
        return fields.get("country") or ctx.default_country
    if mode in ("youngest", "oldest"):
        match = AGE_RANGE_RE.match(str(fields.get("pupil-ages") or ""))
        if not match:
            return None
        return int(match.group(1 if mode == "youngest" else 2))
    if mode == "consent-age":
        return ctx.catalogue.consent_age(ctx.country, ctx.today)
    if mode == "email-domain":
        address = fields.get("contact-email")
        return (
            email_domain(address) if isinstance(address, str) and "@" in address else None
        )
    raise AssertionError(mode)  # pragma: no cover


class Ref:
    """A compiled operand that names a field (see the module docstring)."""

    __slots__ = ("text", "scope", "name", "type", "values", "infos")

    def __init__(self, text: str, scope: str, name: str, infos: dict[str, FieldInfo]):
        self.text = text
        self.scope = scope  # item, policy, platform, today
        self.name = name
        self.infos = infos  # by item kind (scope item/policy), or {"": info}
        first = next(iter(infos.values())) if infos else FieldInfo(name, DATE, "today")
        self.type = first.type
        self.values = first.values

    def get(self, item: Item, ctx: Context) -> Any:
        scope = self.scope
        if scope == "item":
            return _read(item, self.infos[item.kind], ctx)
        if scope == "policy":
            return _read(ctx.policy_item, self.infos["policy"], ctx)
        if scope == "platform":
            found = ctx.platform_of(item)
            if found is None:
                # a platform missing from the catalogue is still named in messages
                return item.fields.get("platform") if self.name == "name" else None
            platform, account = found
            return platform.value(
                self.name, account=account, country=ctx.country, on=ctx.today
            )
        return ctx.today

    def __repr__(self) -> str:
        return f"Ref({self.text!r})"


KIND_WORDS = {
    "policy": "the sm-policy",
    "tool": "an sm-tool",
    "control": "an sm-control",
    "risk": "an sm-risk",
    "waiver": "an sm-waiver",
    "requirement": "an sm-requirement",
    "document": "an sm-document",
}


def kinds_words(kinds: Sequence[str]) -> str:
    return " or ".join(KIND_WORDS[k] for k in kinds)


def compile_ref(text: Any, kinds: Sequence[str], where: Where, line: int, what: str) -> Ref:
    """The operand ``text`` for items of ``kinds``, checked.

    :raises PackError: the field is unknown for one of the kinds.
    """
    if not isinstance(text, str) or not text.strip():
        raise where.fail(line, f"{what} must name a field, not {type_word(text)}")
    text = text.strip()
    if text == "today":
        return Ref(text, "today", "today", {})
    scope, _, name = text.partition(".")
    if name and scope == "policy":
        table = fields_of("policy")
        if name not in table:
            raise where.fail(
                line,
                f"{what} names {text!r}, but the sm-policy has no field {name!r}"
                f"{hint(name, table)}; fields: {', '.join(table)}",
            )
        return Ref(text, "policy", name, {"policy": table[name]})
    if name and scope == "platform":
        if any(k != "tool" for k in kinds):
            raise where.fail(
                line,
                f"{what} names {text!r}, but only a tool has a platform, and this "
                f"condition is about {kinds_words(kinds)}",
            )
        if name not in PLATFORM_FIELDS:
            raise where.fail(
                line,
                f"{what} names {text!r}, but the platform catalogue has no fact {name!r}"
                f"{hint(name, PLATFORM_FIELDS)}; facts: {', '.join(PLATFORM_FIELDS)}",
            )
        return Ref(text, "platform", name, {"": PLATFORM_FIELDS[name]})
    infos: dict[str, FieldInfo] = {}
    for kind in kinds:
        table = fields_of(kind)
        if text not in table:
            prefix = (
                ""
                if "." not in text
                else " (only policy. and platform. may prefix a field)"
            )
            raise where.fail(
                line,
                f"{what} names the field {text!r}, which {KIND_WORDS[kind]} does not have"
                f"{hint(text, table)}{prefix}; fields: {', '.join(table)}",
            )
        infos[kind] = table[text]
    types = {info.type for info in infos.values()}
    if len(types) > 1:  # pragma: no cover - option names have one type in schema.py
        raise where.fail(
            line,
            f"{what} names {text!r}, which has different types on {kinds_words(kinds)}",
        )
    return Ref(text, "item", text, infos)


# --- evaluation context -------------------------------------------------------------


class Context:
    """What conditions read while one policy is evaluated; built once per evaluation.

    Indexes the policy once: items by kind, items whose link option is written
    ``all``, and the controls that name each requirement in ``:satisfies:``.

    While the engine evaluates one item (a *subject*), the context records what
    the conditions read beyond the subject (:attr:`reads`), so that a later build
    can reuse the subject's results when none of it changed (see
    :class:`.engine.Memo`). Every way to another item goes through a *query*
    (:meth:`of_kind`, :meth:`links_of`, :meth:`linked_to`, :meth:`all_linked`,
    :meth:`satisfiers`, :meth:`every_tool`), recorded by its key, and the IDs it
    gave are kept once in :attr:`queries` (:meth:`query_ids` works them out again).
    What is remembered across subjects (:meth:`remember`) carries what it read.
    The policy item, the catalogue, the date and the settings are read by every
    subject: a change to one of them is a change to all.
    """

    def __init__(
        self,
        policy: Policy,
        catalogue: Catalogue,
        *,
        country: str,
        today: dt.date,
        known_rules: frozenset[str] = frozenset(),
        replaced: Mapping[str, str] | None = None,
    ) -> None:
        self.policy = policy
        #: base items a school replaced (``:replaces:``) -> the replacement's ID:
        #: they count for nothing and are checked on nothing
        self.replaced: Mapping[str, str] = replaced or {}
        self.catalogue = catalogue
        # a date (a datetime does not compare with the dates of items)
        self.today: dt.date = today.date() if isinstance(today, dt.datetime) else today
        self.known_rules = known_rules
        self.default_country = country
        by_kind: dict[str, list[Item]] = {}
        self._all: dict[tuple[str, str], list[Item]] = {}
        # in source order: the same whatever order the pages were read in
        for item in sorted(policy.items.values(), key=source_order):
            by_kind.setdefault(item.kind, []).append(item)
            for link in item.fields.get("all") or ():
                self._all.setdefault((item.kind, link), []).append(item)
        self._by_kind = by_kind
        policies = by_kind.get("policy") or []
        #: the sm-policy item; without one, an empty stand-in (ID ``POLICY``, no
        #: source), so policy requirements still report what is missing
        self.policy_item: Item = (
            policies[0]
            if policies
            else Item(id="POLICY", kind="policy", title="Social media policy")
        )
        self.country: str = self.policy_item.fields.get("country") or country
        self._tool_ids = [item.id for item in by_kind.get("tool", ())]
        self.rule = ""
        self.evidence: list[str] = []
        #: why linked items were not counted for the current rule and item
        self.notes: list[str] = []
        #: controls and documents that lack substance, with the rules each was
        #: meant to meet (for CTRL_NO_SUBSTANCE)
        self.discounted: dict[str, dict[str, None]] = {}
        self.cache: dict[Any, Any] = {}
        #: the queries read while the current subject is evaluated (None: not
        #: recorded), and the controls and documents found wanting meanwhile, with
        #: the rule (as :attr:`discounted` gains them)
        self.reads: set[tuple[str, ...]] | None = None
        self.added: list[tuple[str, str]] | None = None
        #: every query recorded: its key -> the IDs it gave
        self.queries: dict[tuple[str, ...], tuple[str, ...]] = {}
        self._shortfalls: dict[str, list[str]] = {}
        self._platforms: dict[str, tuple[Platform, str | None] | None] = {}
        self._satisfiers: dict[str, list[Item]] = {}
        self._link_sets: dict[tuple[str, str], frozenset[str]] = {}

    # --- queries: every way from the subject to other items ------------------------

    def _read(self, key: tuple[str, ...], items: Sequence[Item]) -> None:
        """Record the query ``key`` (which gave ``items``) for the current subject."""
        if self.reads is not None:
            self.reads.add(key)
            if key not in self.queries:
                self.queries[key] = tuple(item.id for item in items)

    def of_kind(self, kind: str) -> list[Item]:
        """Items of ``kind`` in source order."""
        found = self._by_kind.get(kind, [])
        self._read(("kind", kind), found)
        return found

    def links_of(self, item: Item, link: str) -> list[Item]:
        """The items ``item``'s ``link`` names (existing ones)."""
        found = self.policy.links_of(item, link)
        self._read(("links_of", item.id, link), found)
        return found

    def linked_to(self, target_id: str, link: str) -> list[Item]:
        """The items whose ``link`` names ``target_id``."""
        found = self.policy.linked_to(target_id, link)
        self._read(("linked_to", target_id, link), found)
        return found

    def every_tool(self) -> list[str]:
        """Every tool's ID, in source order (what ``all`` in a link names)."""
        self._read(("kind", "tool"), self._by_kind.get("tool", []))
        return self._tool_ids

    def query_ids(self, key: tuple[str, ...]) -> tuple[str, ...] | None:
        """The IDs the query ``key`` gives now (None: it cannot be asked now)."""
        what = key[0]
        if what == "kind":
            found: Sequence[Item] = self._by_kind.get(key[1], [])
        elif what == "all":
            found = self._all.get((key[1], key[2]), [])
        elif what == "satisfiers":
            found = self._satisfiers_of(key[1])
        elif what == "links_of":
            item = self.policy.items.get(key[1])
            if item is None:
                return None
            found = self.policy.links_of(item, key[2])
        elif what == "linked_to":
            found = self.policy.linked_to(key[1], key[2])
        else:
            return None
        return tuple(item.id for item in found)

    def remember(self, key: Any, compute: Callable[[], Any]) -> Any:
        """``compute()``, worked out once per evaluation and kept under ``key``; each
        subject that uses it is recorded as reading what it read."""
        entry = self.cache.get(key)
        if entry is None:
            reads, added = self.reads, self.added
            self.reads = set() if reads is not None else None
            self.added = [] if added is not None else None
            try:
                value = compute()
            finally:
                inner_reads, inner_added = self.reads, self.added
                self.reads, self.added = reads, added
            entry = (value, frozenset(inner_reads or ()), tuple(inner_added or ()))
            self.cache[key] = entry
        if self.reads is not None:
            self.reads |= entry[1]
        if self.added is not None:
            self.added.extend(entry[2])
        return entry[0]

    def subjects(self, kind: str) -> list[Item]:
        """The items a requirement about ``kind`` is checked on: :meth:`of_kind`, and
        for ``policy`` the stand-in when the project has no sm-policy."""
        if kind == "policy":
            return [self.policy_item]
        found = self._by_kind.get(kind, [])
        if self.replaced:
            found = [i for i in found if i.id not in self.replaced]
        return found

    def all_linked(self, kind: str, link: str) -> list[Item]:
        """Items of ``kind`` whose ``link`` option is written ``all``."""
        found = self._all.get((kind, link), [])
        self._read(("all", kind, link), found)
        return found

    def platform_of(self, item: Item) -> tuple[Platform, str | None] | None:
        """The tool's catalogue entry and its account kind, or None."""
        try:
            return self._platforms[item.id]
        except KeyError:
            pass
        platform = (
            self.catalogue.get(item.fields.get("platform")) if item.kind == "tool" else None
        )
        found = (platform, item.fields.get("account")) if platform is not None else None
        self._platforms[item.id] = found
        return found

    def satisfiers(self, rule: str | None = None) -> list[Item]:
        """Controls whose ``:satisfies:`` names ``rule`` (default: the current rule),
        then documents whose ``:covers:`` names it. Whether each counts is for
        :meth:`counts` to say."""
        rule = rule or self.rule
        found = self._satisfiers_of(rule)
        self._read(("satisfiers", rule), found)
        return found

    def _satisfiers_of(self, rule: str) -> list[Item]:
        found = self._satisfiers.get(rule)
        if found is None:
            found = [
                i for i in self.policy.linked_to(rule, "satisfies") if i.kind == "control"
            ] + [i for i in self.policy.linked_to(rule, "covers") if i.kind == "document"]
            self._satisfiers[rule] = found
        return found

    def satisfies(self, item: Item) -> bool:
        """Whether ``item`` names the current rule in ``:satisfies:`` (a control) or
        ``:covers:`` (a document)."""
        link = "covers" if item.kind == "document" else "satisfies"
        return self.rule in (item.links.get(link) or ())

    def shortfalls(self, item: Item) -> list[str]:
        """What ``item`` lacks to count (see :mod:`.substance`); cached."""
        found = self._shortfalls.get(item.id)
        if found is None:
            from .substance import shortfalls

            found = shortfalls(item, self.today)
            self._shortfalls[item.id] = found
        return found

    def counts(self, item: Item) -> bool:
        """Whether a linked ``item`` counts towards the current rule: adopted, and
        (a control or document) with substance. When it does not, say why in
        :attr:`notes`, and remember the rule it was meant to meet."""
        if item.id in self.replaced:
            self.notes.append(
                f"{item.id} was not counted: this school replaced it with "
                f"{self.replaced[item.id]}."
            )
            return False
        if item.draft:
            self.notes.append(
                f"{item.id} was not counted: it is a draft, not yet adopted by the school."
            )
            return False
        missing = self.shortfalls(item)
        if not missing:
            return True
        from .substance import lacks

        self.discounted.setdefault(item.id, {})[self.rule] = None
        if self.added is not None:
            self.added.append((item.id, self.rule))
        self.notes.append(f"{item.id} was not counted: it {lacks(missing)}.")
        return False

    def links_to(self, item: Item, link: str, target_id: str) -> bool:
        """Whether ``item``'s ``link`` names ``target_id`` (or is ``all``)."""
        if link in (item.fields.get("all") or ()):
            return True
        key = (item.id, link)
        targets = self._link_sets.get(key)
        if targets is None:
            targets = frozenset(item.links.get(link) or ())
            self._link_sets[key] = targets
        return target_id in targets

    @staticmethod
    def unscoped(item: Item, link: str) -> bool:
        """Whether ``item`` has nothing in ``link`` (and not ``all``)."""
        return not item.links.get(link) and link not in (item.fields.get("all") or ())
