"""The condition language of guidance packs: declarative data, never Python.

A requirement's ``when`` (which items it applies to) and ``check`` (what must hold) are
conditions. A condition is a one-key mapping; a list of conditions means *all of them*.
Conditions are read once, when the pack is loaded, and checked there: an unknown
operator, a field the item kind does not have, or operands of the wrong type is a
:class:`~.errors.PackError` naming the file and line. Evaluation never raises.

=========================================  =============================================
condition                                  holds when
=========================================  =============================================
``present: F`` / ``present: [F, G]``       every field named has a value
``equals: {F: V}``                         F is V (text, number, true/false, date)
``one-of: {F: [V, W]}``                    F is one of the values
``one-of: {F: policy.email-domains}``      F is one of the values of a list field
``includes: {F: V}`` / ``{F: [V, W]}``     the list field F contains V (or any of them)
``mentions: {F: [word, ...]}``             the text of F contains any of the words
                                           (case-insensitive; F may be ``content``)
``compare: "A op B"``                      numbers or dates compare: op is ``<``, ``<=``,
                                           ``>``, ``>=``, ``==``, ``!=``; a date may add
                                           or subtract months: ``today - 12 months``,
                                           ``approved-on + review-cycle months``
``within-months: {F: N}``                  the date F is in the last N months, and not
                                           after today (N a number or a number field)
``linked: {...}``                          enough linked items match (below)
``attested: true``                         a control names this requirement in
                                           ``:satisfies:`` (and applies to this item),
                                           or a document names it in ``:covers:``
``all: [C, ...]`` / ``any: [C, ...]``      every / at least one condition holds
``not: C``                                 C does not hold
``{if: C, then: D}``                       D holds wherever C holds
=========================================  =============================================

A missing value fails every test except ``present`` (which it fails too) and ``not``
(so ``not: {equals: {platform.school-controlled: true}}`` holds for a platform missing
from the catalogue: rules err on the safe side). A value that cannot be worked out is
*unknown* and counts as missing: date arithmetic that would leave the calendar, or
values that do not compare.

Month counts are whole numbers up to :data:`~.fields.MAX_MONTHS` (1200, a hundred
years) in ``within-months`` and in ``+ N months``; numbers written in ``compare`` have
at most 9 digits; dates are real days from 1900 to 2199. Anything else is a
:class:`~.errors.PackError` when the pack is loaded.

Operands (F, A, B) name a field:

- the item's own options, by option name with hyphens (``approved-on``, ``comments``,
  ``applies-to``), plus ``id``, ``title``, ``content``;
- ``policy.<option>``: the ``sm-policy`` item's options;
- ``platform.<fact>`` (tools only): the tool's platform in the catalogue: ``id``
  (present only when the platform is in the catalogue), ``name`` (the tool's
  ``:platform:`` when it is not), ``category``, ``school-controlled``, ``min-age``
  (for the policy's country), ``premoderation``, ``membership-control``,
  ``private-groups`` (for the tool's ``:account:`` kind), ``source``, ``checked-on``,
  ``notes``;
- derived values: ``<list option>-count`` (how many: ``admins-count``),
  ``email-domain`` (of a tool's ``contact-email``), and on the policy ``country``
  (``:country:`` or the project default), ``youngest-pupil-age`` and
  ``oldest-pupil-age`` (from ``:pupil-ages:``) and ``digital-consent-age`` (the age
  under which a parent consents, for the country, from the catalogue);
- ``today``: the build date (``sm_today``). In ``compare``, also whole numbers and
  dates written ``YYYY-MM-DD``.

``linked`` counts items of one kind linked to this one::

    linked:
      items: control              # the kind counted: tool, control, risk or document
      whose: applies-to           # ...whose :applies-to: names this item, or
      # listed-in: mitigated-by   # ...named in this item's :mitigated-by:, or
      # anywhere: true            # ...anywhere in the policy
      kinds: [staff-training]     # controls and documents: of these :kind: values
      where: {within-months: {last-done: 12}}   # a condition on each counted item
      at-least: 1                 # how many (default 1)

**Only what counts is counted.** A draft (``:status: draft``) counts for nothing, in
``linked`` and ``attested`` alike; a control or document counts only with substance
(content, an ``:owner:``, and for repeated kinds a recent ``:last-done:``: see
:mod:`.substance`). Each linked item that is left out for these reasons, or fails
``where``, is named in the finding with the reason (``CTRL_X was not counted: it has
no owner.``).

A control written ``:applies-to: all`` applies to every tool. **Controls that name the
requirement in** ``:satisfies:`` count in every ``linked`` clause over controls,
whatever their ``:kind:``; one with no ``:applies-to:`` counts for every item; ``where``
still applies to them (a training record must still be recent). So a school can meet a
safeguard requirement with a control of its own description. ``:satisfies:`` never
changes a fact written on a tool (``:comments:``, ``:moderation:`` ...): to accept a gap
there, write an ``sm-waiver``.

Evaluation reads links through :class:`~..model.Policy`'s back-link index and caches
what does not depend on the item (``anywhere`` counts, ``where`` on each counted item),
so time grows linearly with the number of items.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from typing import Any

from ..model import Item
from ..schema import BY_KIND, CONTROL_KINDS, DOCUMENT_KINDS
from .checks import NOT_A_DATE, Where, as_date, hint, shown, type_word
from .errors import PackError
from .fields import (
    BOOL,
    DATE,
    DATE_RE,
    INT_RE,
    KIND_WORDS,
    LIST,
    MAX_MONTHS,
    NUMBER,
    OP_FUNCS,
    OPS,
    TEXT,
    Context,
    Ref,
    add_months,
    as_number,
    compile_ref,
    is_present,
    kinds_words,
    to_date,
)
from .loader import LocatedDict, LocatedList, line_of

# --- conditions ---------------------------------------------------------------------


class Condition:
    """A compiled condition: ``test(item, ctx)`` says whether it holds."""

    __slots__ = ("line",)

    def __init__(self, line: int) -> None:
        self.line = line

    def test(self, item: Item, ctx: Context) -> bool:  # pragma: no cover - abstract
        raise NotImplementedError

    def why(self, item: Item, ctx: Context) -> str | None:
        """Why the condition fails on ``item``, as a clause after "it" (e.g. "has no
        :owner:"), or None when there is nothing simple to say."""
        return None


class All(Condition):
    __slots__ = ("children",)

    def __init__(self, line: int, children: list[Condition]):
        super().__init__(line)
        self.children = children

    def test(self, item: Item, ctx: Context) -> bool:
        mark = len(ctx.evidence)
        for child in self.children:
            if not child.test(item, ctx):
                del ctx.evidence[mark:]
                return False
        return True

    def why(self, item: Item, ctx: Context) -> str | None:
        reasons = []
        for child in self.children:
            if not child.test(item, ctx):
                reason = child.why(item, ctx)
                if reason:
                    reasons.append(reason)
        return " and ".join(dict.fromkeys(reasons)) or None


class AnyOf(Condition):
    __slots__ = ("children",)

    def __init__(self, line: int, children: list[Condition]):
        super().__init__(line)
        self.children = children

    def test(self, item: Item, ctx: Context) -> bool:
        for child in self.children:
            mark = len(ctx.evidence)
            if child.test(item, ctx):
                return True
            del ctx.evidence[mark:]
        return False


class Not(Condition):
    __slots__ = ("child",)

    def __init__(self, line: int, child: Condition):
        super().__init__(line)
        self.child = child

    def test(self, item: Item, ctx: Context) -> bool:
        mark, notes = len(ctx.evidence), len(ctx.notes)
        result = self.child.test(item, ctx)
        del ctx.evidence[mark:]
        del ctx.notes[notes:]
        return not result


class If(Condition):
    __slots__ = ("cond", "then")

    def __init__(self, line: int, cond: Condition, then: Condition):
        super().__init__(line)
        self.cond = cond
        self.then = then

    def test(self, item: Item, ctx: Context) -> bool:
        mark, notes = len(ctx.evidence), len(ctx.notes)
        applies = self.cond.test(item, ctx)
        del ctx.evidence[mark:]
        del ctx.notes[notes:]
        return self.then.test(item, ctx) if applies else True

    def why(self, item: Item, ctx: Context) -> str | None:
        return self.then.why(item, ctx)


class Present(Condition):
    __slots__ = ("refs",)

    def __init__(self, line: int, refs: list[Ref]):
        super().__init__(line)
        self.refs = refs

    def test(self, item: Item, ctx: Context) -> bool:
        return all(is_present(ref.get(item, ctx)) for ref in self.refs)

    def why(self, item: Item, ctx: Context) -> str | None:
        missing = [r.text for r in self.refs if not is_present(r.get(item, ctx))]
        if not missing:
            return None
        return "has no " + " and no ".join(
            f":{name}:" if "." not in name else name for name in missing
        )


class Equals(Condition):
    __slots__ = ("ref", "value")

    def __init__(self, line: int, ref: Ref, value: Any):
        super().__init__(line)
        self.ref = ref
        self.value = value

    def test(self, item: Item, ctx: Context) -> bool:
        value = self.ref.get(item, ctx)
        if self.ref.type == NUMBER:
            value = as_number(value)
        return value is not None and value == self.value


class OneOf(Condition):
    __slots__ = ("ref", "values", "source")

    def __init__(
        self, line: int, ref: Ref, values: frozenset[Any] | None, source: Ref | None
    ):
        super().__init__(line)
        self.ref = ref
        self.values = values
        self.source = source  # a list field giving the values

    def test(self, item: Item, ctx: Context) -> bool:
        value = self.ref.get(item, ctx)
        if value is None:
            return False
        try:
            if self.source is not None:
                allowed = self.source.get(item, ctx) or ()
                if isinstance(value, str):
                    return value.lower() in {str(v).lower() for v in allowed}
                return value in allowed
            return self.values is not None and value in self.values
        except TypeError:  # a value that cannot be looked up: unknown, so not met
            return False


class Includes(Condition):
    __slots__ = ("ref", "values")

    def __init__(self, line: int, ref: Ref, values: frozenset[str]):
        super().__init__(line)
        self.ref = ref
        self.values = values

    def test(self, item: Item, ctx: Context) -> bool:
        value = self.ref.get(item, ctx)
        if not value:
            return False
        values = value if isinstance(value, list | tuple) else [value]
        try:
            return any(v in self.values for v in values)
        except TypeError:  # a value that cannot be looked up: unknown, so not met
            return False


class Mentions(Condition):
    __slots__ = ("ref", "words")

    def __init__(self, line: int, ref: Ref, words: tuple[str, ...]):
        super().__init__(line)
        self.ref = ref
        self.words = words  # lower case

    def test(self, item: Item, ctx: Context) -> bool:
        value = self.ref.get(item, ctx)
        if not is_present(value):
            return False
        text = " ".join(map(str, value)) if isinstance(value, list) else str(value)
        # words wrapped across lines in the source still count as written together
        text = " ".join(text.split()).lower()
        return any(word in text for word in self.words)


class Operand:
    """One side of ``compare``: a field, ``today`` or a literal, optionally with whole
    months added or taken away."""

    __slots__ = ("base", "literal", "sign", "months", "type", "text")

    def __init__(
        self,
        text: str,
        vtype: str,
        *,
        base: Ref | None = None,
        literal: Any = None,
        sign: int = 0,
        months: int | Ref | None = None,
    ) -> None:
        self.text = text
        self.type = vtype
        self.base = base
        self.literal = literal
        self.sign = sign
        self.months = months

    def get(self, item: Item, ctx: Context) -> Any:
        if self.base is not None:
            value = self.base.get(item, ctx)
            if self.type == NUMBER:
                value = as_number(value)
            elif self.type == DATE:
                value = to_date(value)
        else:
            value = self.literal
        if value is None or not self.sign:
            return value
        if isinstance(self.months, Ref):
            months = as_number(self.months.get(item, ctx))
            if months is None:
                return None
        else:
            months = self.months or 0
        # None (unknown) when the result would leave the calendar
        return add_months(value, self.sign * months)


class Compare(Condition):
    __slots__ = ("left", "op", "right", "text")

    def __init__(self, line: int, text: str, left: Operand, op: str, right: Operand):
        super().__init__(line)
        self.text = text
        self.left = left
        self.op = OP_FUNCS[op]
        self.right = right

    def test(self, item: Item, ctx: Context) -> bool:
        left = self.left.get(item, ctx)
        if left is None:
            return False
        right = self.right.get(item, ctx)
        if right is None:
            return False
        try:
            return bool(self.op(left, right))
        except TypeError:  # values that do not compare: unknown, so not met
            return False


class WithinMonths(Condition):
    __slots__ = ("ref", "months")

    def __init__(self, line: int, ref: Ref, months: int | Ref):
        super().__init__(line)
        self.ref = ref
        self.months = months

    def _since(self, item: Item, ctx: Context) -> dt.date | None:
        """The earliest date in the window (None: unknown)."""
        months = (
            as_number(self.months.get(item, ctx))
            if isinstance(self.months, Ref)
            else self.months
        )
        if months is None:
            return None
        return add_months(ctx.today, -months)

    def test(self, item: Item, ctx: Context) -> bool:
        date = to_date(self.ref.get(item, ctx))
        if date is None or date > ctx.today:
            return False
        since = self._since(item, ctx)
        return since is not None and date >= since

    def why(self, item: Item, ctx: Context) -> str | None:
        date = to_date(self.ref.get(item, ctx))
        name = self.ref.text
        if date is None:
            return f"has no :{name}: date"
        if date > ctx.today:
            return f"has the :{name}: {date.isoformat()}, a date still to come"
        months = self.months
        count = as_number(months.get(item, ctx)) if isinstance(months, Ref) else months
        return (
            f"has the :{name}: {date.isoformat()}, more than {count} months ago"
            if count is not None and self._since(item, ctx) is not None
            else None
        )


class Linked(Condition):
    __slots__ = ("items", "scope", "link", "kinds", "where", "at_least")

    def __init__(
        self,
        line: int,
        items: str,
        scope: str,
        link: str,
        kinds: frozenset[str] | None,
        where: Condition | None,
        at_least: int,
    ) -> None:
        super().__init__(line)
        self.items = items  # the kind counted
        self.scope = scope  # whose, listed-in, anywhere
        self.link = link
        self.kinds = kinds
        self.where = where
        self.at_least = at_least

    def _candidates(self, item: Item, ctx: Context) -> list[Item]:
        kind = self.items
        if self.scope == "anywhere":
            return ctx.of_kind(kind)
        if self.scope == "listed-in":
            return [i for i in ctx.links_of(item, self.link) if i.kind == kind]
        found = [i for i in ctx.linked_to(item.id, self.link) if i.kind == kind]
        extra = ctx.all_linked(kind, self.link)
        if kind == "control":
            extra = extra + [
                c
                for c in ctx.satisfiers()
                if c.kind == "control" and ctx.unscoped(c, self.link)
            ]
        if extra:
            seen = {i.id for i in found}
            for other in extra:
                if other.id not in seen:
                    seen.add(other.id)
                    found.append(other)
        return found

    def _matches(self, candidate: Item, ctx: Context) -> bool:
        if self.kinds is not None and candidate.fields.get("kind") not in self.kinds:
            # A control of kind ``other`` that names the rule in ``:satisfies:`` stands
            # in for the kinds the rule asks for. A control of a named kind does not:
            # recent pupil training must not pass for staff training because both
            # controls name GOV_PREREQ_TRAINING. A document never stands in for
            # another kind of document (its :covers: counts through 'attested').
            if not (
                candidate.kind == "control"
                and candidate.fields.get("kind") == "other"
                and ctx.satisfies(candidate)
            ):
                return False
        # a draft, or a control or document without substance, counts for nothing
        # (ctx.counts says why in ctx.notes)
        if not ctx.counts(candidate):
            return False
        if self.where is None:
            return True
        where = self.where

        def where_holds() -> bool:
            mark, notes = len(ctx.evidence), len(ctx.notes)
            held = where.test(candidate, ctx)
            del ctx.evidence[mark:]
            del ctx.notes[notes:]
            return held

        cached = ctx.remember((id(self), ctx.rule, candidate.id), where_holds)
        if not cached:
            # say why where it can be said simply (a date, a missing field); what a
            # description lacks is for the requirement's own message to say
            reason = self.where.why(candidate, ctx)
            if reason:
                kind = candidate.fields.get("kind")
                label = f"{candidate.id} ({kind})" if kind else candidate.id
                ctx.notes.append(f"{label} was not counted: it {reason}.")
        return cached

    def test(self, item: Item, ctx: Context) -> bool:
        if self.scope == "anywhere":
            key = (id(self), ctx.rule)

            def match_anywhere() -> tuple[bool, list[str], list[str]]:
                notes = len(ctx.notes)
                found = [c.id for c in ctx.of_kind(self.items) if self._matches(c, ctx)]
                return (len(found) >= self.at_least, found, ctx.notes[notes:])

            worked_out = key in ctx.cache
            ok, matched, said = ctx.remember(key, match_anywhere)
            if worked_out:  # said when it was worked out; say it again here
                ctx.notes.extend(said)
        else:
            matched = [c.id for c in self._candidates(item, ctx) if self._matches(c, ctx)]
            ok = len(matched) >= self.at_least
        if ok:
            ctx.evidence.extend(matched)
        return ok


class Attested(Condition):
    """A control names the current rule in ``:satisfies:`` and applies to the item
    (names it in ``:applies-to:``, is ``all``, has no ``:applies-to:``, or is the item
    itself; for the policy, any such control), or a school document names it in
    ``:covers:``; and it counts (adopted, with substance: see :mod:`.substance`)."""

    __slots__ = ()

    def test(self, item: Item, ctx: Context) -> bool:
        found = []
        for control in ctx.satisfiers():
            if (
                item.kind == "policy"
                or control.id == item.id
                or control.kind == "document"
                or ctx.unscoped(control, "applies-to")
                or ctx.links_to(control, "applies-to", item.id)
            ) and ctx.counts(control):
                found.append(control.id)
        if found:
            ctx.evidence.extend(found)
            return True
        return False


class KnownRule(Condition):
    """Internal (not in the pack language): the field names an active rule ID."""

    __slots__ = ("ref",)

    def __init__(self, line: int, ref: Ref):
        super().__init__(line)
        self.ref = ref

    def test(self, item: Item, ctx: Context) -> bool:
        return self.ref.get(item, ctx) in ctx.known_rules


# --- compiling ----------------------------------------------------------------------

OPERATORS = (
    "present",
    "equals",
    "one-of",
    "includes",
    "mentions",
    "compare",
    "within-months",
    "linked",
    "attested",
    "all",
    "any",
    "not",
    "if",
)
_LINKED_KEYS = ("items", "whose", "listed-in", "anywhere", "kinds", "where", "at-least")
_LINKED_ITEMS = ("tool", "control", "risk", "document")


def compile_condition(
    data: Any, line: int, kinds: Sequence[str], where: Where
) -> Condition:
    """Compile the condition ``data`` (written at ``line``) about items of ``kinds``.

    :raises PackError: the condition is malformed (``where`` names file and label).
    """
    line = line_of(data, line)
    if isinstance(data, list):
        return All(line, _compile_list(data, line, kinds, where, "a list of conditions"))
    if not isinstance(data, dict) or not data:
        raise where.fail(
            line,
            f"a condition must be a mapping such as 'present: approved-on' or a list of "
            f"conditions, not {type_word(data)}",
        )
    assert isinstance(data, LocatedDict)
    keys = list(data)
    if set(keys) == {"if", "then"}:
        cond = compile_condition(data["if"], data.line_of("if"), kinds, where)
        then = compile_condition(data["then"], data.line_of("then"), kinds, where)
        return If(line, cond, then)
    if "if" in keys or "then" in keys:
        raise where.fail(
            line,
            "'if' and 'then' go together in one mapping: {if: condition, then: condition}",
        )
    for key in keys:
        if key not in OPERATORS:
            raise where.fail(
                data.key_line(key),
                f"unknown condition {shown(key)}{hint(str(key), OPERATORS)}; a condition "
                f"is one of: {', '.join(OPERATORS[:-1])}, if/then",
            )
    if len(keys) > 1:
        raise where.fail(
            line,
            f"one condition per mapping, but this one has {', '.join(map(str, keys))}; "
            "put them in a list under 'all:' (or 'any:')",
        )
    op = keys[0]
    value = data[op]
    at = data.line_of(op)
    return _COMPILERS[op](value, at, kinds, where)


def _compile_list(
    value: Any, line: int, kinds: Sequence[str], where: Where, what: str
) -> list[Condition]:
    if not isinstance(value, list) or not value:
        raise where.fail(
            line, f"{what} must be a non-empty list of conditions, not {type_word(value)}"
        )
    assert isinstance(value, LocatedList)
    return [
        compile_condition(v, value.line_of(i), kinds, where) for i, v in enumerate(value)
    ]


def _pairs(
    value: Any, line: int, where: Where, op: str, example: str
) -> list[tuple[str, Any, int]]:
    if not isinstance(value, dict) or not value:
        raise where.fail(line, f"'{op}' needs a mapping of field to value, e.g. {example}")
    assert isinstance(value, LocatedDict)
    return [(k, v, value.line_of(k)) for k, v in value.items()]


def _all_of(line: int, conditions: list[Condition]) -> Condition:
    return conditions[0] if len(conditions) == 1 else All(line, conditions)


def _literal(value: Any, ref: Ref, where: Where, line: int, op: str) -> Any:
    vtype = ref.type
    if vtype == BOOL:
        if not isinstance(value, bool):
            raise where.fail(
                line,
                f"{op} {ref.text}: {shown(value)} is not true or false"
                if not isinstance(value, dict | list)
                else f"{op} {ref.text}: each value is true or false, not "
                f"{type_word(value)}",
            )
        return value
    if vtype == NUMBER:
        if isinstance(value, bool) or not isinstance(value, int):
            raise where.fail(
                line,
                f"{op} {ref.text}: {shown(value)} is not a whole number"
                if not isinstance(value, dict | list)
                else f"{op} {ref.text}: each value is one whole number, not "
                f"{type_word(value)}",
            )
        return value
    if vtype == DATE:
        date, problem = as_date(value)
        if date is None:
            if problem == NOT_A_DATE:
                problem += ", e.g. 2026-11-24"
            raise where.fail(line, f"{op} {ref.text}: {shown(value)} {problem}")
        return date
    if not isinstance(value, str):
        raise where.fail(
            line,
            f"{op} {ref.text}: {shown(value)} is {type_word(value)}, not text"
            if not isinstance(value, dict | list)
            else f"{op} {ref.text}: each value is one word or phrase (text), not "
            f"{type_word(value)}",
        )
    if ref.values and value not in ref.values:
        raise where.fail(
            line,
            f"{op} {ref.text}: {shown(value)} is not a value of {ref.text}"
            f"{hint(value, ref.values)}; allowed: {', '.join(ref.values)}",
        )
    return value


def _c_present(value: Any, line: int, kinds: Sequence[str], where: Where) -> Condition:
    names = value if isinstance(value, list) else [value]
    if not names:
        raise where.fail(line, "'present' needs a field name or a list of them")
    refs = [
        compile_ref(
            name,
            kinds,
            where,
            value.line_of(i) if isinstance(value, LocatedList) else line,
            "'present'",
        )
        for i, name in enumerate(names)
    ]
    return Present(line, refs)


def _c_equals(value: Any, line: int, kinds: Sequence[str], where: Where) -> Condition:
    conditions: list[Condition] = []
    for name, literal, at in _pairs(value, line, where, "equals", "{comments: off}"):
        ref = compile_ref(name, kinds, where, at, "'equals'")
        if ref.type == LIST:
            raise where.fail(
                at,
                f"'equals' {ref.text}: {ref.text} is a list; use 'includes' to test "
                "what it contains",
            )
        conditions.append(Equals(at, ref, _literal(literal, ref, where, at, "equals")))
    return _all_of(line, conditions)


def _c_one_of(value: Any, line: int, kinds: Sequence[str], where: Where) -> Condition:
    conditions: list[Condition] = []
    for name, values, at in _pairs(
        value, line, where, "one-of", "{moderation: [hourly, daily]}"
    ):
        ref = compile_ref(name, kinds, where, at, "'one-of'")
        if ref.type == LIST:
            raise where.fail(
                at,
                f"'one-of' {ref.text}: {ref.text} is a list; use 'includes' to test "
                "what it contains",
            )
        if isinstance(values, str):
            try:
                source = compile_ref(values, kinds, where, at, "'one-of'")
            except PackError:
                raise where.fail(
                    at,
                    f"'one-of' {ref.text}: needs a list of values, or the name of a list "
                    f"field such as policy.email-domains; {shown(values)} is neither",
                ) from None
            if source.type != LIST:
                raise where.fail(
                    at,
                    f"'one-of' {ref.text}: {source.text} is {source.type}, not a list "
                    "field",
                )
            conditions.append(OneOf(at, ref, None, source))
            continue
        if not isinstance(values, list) or not values:
            raise where.fail(
                at, f"'one-of' {ref.text}: needs a list of values, e.g. [hourly, daily]"
            )
        literals = frozenset(_literal(v, ref, where, at, "one-of") for v in values)
        conditions.append(OneOf(at, ref, literals, None))
    return _all_of(line, conditions)


def _c_includes(value: Any, line: int, kinds: Sequence[str], where: Where) -> Condition:
    conditions: list[Condition] = []
    for name, values, at in _pairs(value, line, where, "includes", "{audience: pupils}"):
        ref = compile_ref(name, kinds, where, at, "'includes'")
        if ref.type != LIST:
            raise where.fail(
                at,
                f"'includes' {ref.text}: {ref.text} is {ref.type}, not a list; use "
                "'equals' or 'one-of'",
            )
        values = values if isinstance(values, list) else [values]
        if not values:
            raise where.fail(
                at, f"'includes' {ref.text}: needs a value or a list of values"
            )
        conditions.append(
            Includes(
                at, ref, frozenset(_literal(v, ref, where, at, "includes") for v in values)
            )
        )
    return _all_of(line, conditions)


def _c_mentions(value: Any, line: int, kinds: Sequence[str], where: Where) -> Condition:
    conditions: list[Condition] = []
    for name, words, at in _pairs(
        value, line, where, "mentions", "{approved-by: [governor, trust]}"
    ):
        ref = compile_ref(name, kinds, where, at, "'mentions'")
        if ref.type not in (TEXT, LIST):
            raise where.fail(
                at, f"'mentions' {ref.text}: {ref.text} is {ref.type}, not text"
            )
        words = words if isinstance(words, list) else [words]
        if not words or not all(isinstance(w, str) and w.strip() for w in words):
            raise where.fail(
                at, f"'mentions' {ref.text}: needs a word or a list of words (text)"
            )
        conditions.append(Mentions(at, ref, tuple(w.strip().lower() for w in words)))
    return _all_of(line, conditions)


def _operand(
    tokens: list[str], kinds: Sequence[str], where: Where, line: int, text: str
) -> Operand:
    def atom(token: str) -> Operand:
        if INT_RE.match(token):
            return Operand(token, NUMBER, literal=_whole(token, where, line, text))
        if DATE_RE.match(token):
            date, problem = as_date(token)
            if date is None:
                raise where.fail(line, f"compare {text!r}: {token} {problem}")
            return Operand(token, DATE, literal=date)
        ref = compile_ref(token, kinds, where, line, f"compare {text!r}")
        if ref.type not in (NUMBER, DATE):
            raise where.fail(
                line,
                f"compare {text!r}: {ref.text} is {ref.type}; compare works on numbers and "
                "dates (use 'equals' or 'one-of' for text)",
            )
        return Operand(token, ref.type, base=ref)

    if len(tokens) == 1:
        return atom(tokens[0])
    if len(tokens) == 4 and tokens[1] in "+-" and tokens[3] in ("months", "month"):
        base = atom(tokens[0])
        if base.type != DATE:
            raise where.fail(
                line,
                f"compare {text!r}: months can only be added to a date, and "
                f"{tokens[0]} is a number",
            )
        amount = tokens[2]
        months: int | Ref
        if INT_RE.match(amount):
            months = _whole(amount, where, line, text)
            if months > MAX_MONTHS:
                raise where.fail(
                    line,
                    f"compare {text!r}: {shown(amount)} months is more than "
                    f"{MAX_MONTHS} (a hundred years); write a number of months from 0 "
                    f"to {MAX_MONTHS}",
                )
        else:
            months = compile_ref(amount, kinds, where, line, f"compare {text!r}")
            if months.type != NUMBER:
                raise where.fail(
                    line,
                    f"compare {text!r}: {amount} is {months.type}, not a number of months",
                )
        base.sign = 1 if tokens[1] == "+" else -1
        base.months = months
        base.text = " ".join(tokens)
        return base
    raise where.fail(
        line,
        f"compare {text!r}: write each side as a field, a number, a date or 'today', "
        "optionally '+ N months' or '- N months', with spaces between the parts",
    )


def _whole(token: str, where: Where, line: int, text: str) -> int:
    """A whole number written in ``compare`` (digits only), of at most 9 digits."""
    if len(token) > 9 or not token.isascii():
        raise where.fail(
            line,
            f"compare {text!r}: {shown(token)} is not a whole number of at most 9 "
            "digits (0-9)",
        )
    return int(token)


def _c_compare(value: Any, line: int, kinds: Sequence[str], where: Where) -> Condition:
    if not isinstance(value, str):
        raise where.fail(
            line,
            f"'compare' needs text such as 'next-review >= today', not {type_word(value)}",
        )
    text = " ".join(value.split())
    tokens = text.split(" ")
    full, text = text, text if len(text) <= 80 else text[:77] + "..."  # for messages
    positions = [i for i, t in enumerate(tokens) if t in OPS]
    if len(positions) != 1 or positions[0] in (0, len(tokens) - 1):
        bad = [t for t in tokens if re.fullmatch(r"[<>=!]+", t) and t not in OPS]
        why = f"{bad[0]!r} is not an operator; " if bad else ""
        raise where.fail(
            line,
            f"compare {text!r}: {why}write 'left op right' with one of {', '.join(OPS)} "
            "and spaces around it, e.g. 'platform.min-age <= policy.youngest-pupil-age'",
        )
    at = positions[0]
    left = _operand(tokens[:at], kinds, where, line, text)
    right = _operand(tokens[at + 1 :], kinds, where, line, text)
    if left.type != right.type:
        raise where.fail(
            line, f"compare {text!r}: a {left.type} cannot be compared with a {right.type}"
        )
    return Compare(line, full, left, tokens[at], right)


def _c_within_months(
    value: Any, line: int, kinds: Sequence[str], where: Where
) -> Condition:
    conditions: list[Condition] = []
    for name, months, at in _pairs(value, line, where, "within-months", "{last-done: 12}"):
        ref = compile_ref(name, kinds, where, at, "'within-months'")
        if ref.type != DATE:
            raise where.fail(
                at, f"'within-months' {ref.text}: {ref.text} is {ref.type}, not a date"
            )
        count: int | Ref
        if (
            isinstance(months, int)
            and not isinstance(months, bool)
            and 1 <= months <= MAX_MONTHS
        ):
            count = months
        elif isinstance(months, int) and not isinstance(months, bool) and months > 0:
            raise where.fail(
                at,
                f"'within-months' {ref.text}: {shown(months)} months is more than "
                f"{MAX_MONTHS} (a hundred years); write a number of months from 1 to "
                f"{MAX_MONTHS}",
            )
        else:
            count_ref: Ref | None = None
            if isinstance(months, str) and not months.strip().isdigit():
                try:
                    count_ref = compile_ref(months, kinds, where, at, "'within-months'")
                except PackError:
                    count_ref = None
            if count_ref is None:
                raise where.fail(
                    at,
                    f"'within-months' {ref.text}: {shown(months)} is not a number of "
                    "months (a whole number from 1, or a number field such as "
                    "policy.review-cycle)",
                )
            if count_ref.type != NUMBER:
                raise where.fail(
                    at,
                    f"'within-months' {ref.text}: {count_ref.text} is {count_ref.type}, "
                    "not a number of months",
                )
            count = count_ref
        conditions.append(WithinMonths(at, ref, count))
    return _all_of(line, conditions)


def _c_linked(value: Any, line: int, kinds: Sequence[str], where: Where) -> Condition:
    if not isinstance(value, dict):
        raise where.fail(
            line,
            "'linked' needs a mapping: items, whose / listed-in / anywhere, and "
            "optionally kinds, where, at-least",
        )
    assert isinstance(value, LocatedDict)
    for key in value:
        if key not in _LINKED_KEYS:
            raise where.fail(
                value.key_line(key),
                f"'linked' has the unknown key {shown(key)}{hint(str(key), _LINKED_KEYS)}; "
                f"keys: {', '.join(_LINKED_KEYS)}",
            )
    counted = value.get("items")
    if counted not in _LINKED_ITEMS:
        raise where.fail(
            value.line_of("items") if "items" in value else line,
            "'linked' needs 'items:' naming the kind of item counted: "
            f"{', '.join(_LINKED_ITEMS)}"
            + (f"; {shown(counted)} is not one" if counted is not None else ""),
        )
    scopes = [k for k in ("whose", "listed-in", "anywhere") if k in value]
    if len(scopes) != 1:
        raise where.fail(
            line,
            "'linked' needs exactly one of 'whose: <link>' (items whose link names this "
            "item), 'listed-in: <link>' (items this item's link names) or 'anywhere: true'",
        )
    scope = scopes[0]
    link = ""
    at = value.line_of(scope)
    counted_type = BY_KIND[counted]
    if scope == "anywhere":
        if value["anywhere"] is not True:
            raise where.fail(at, "'linked' anywhere: write 'anywhere: true'")
    elif scope == "whose":
        link = value["whose"]
        links = [o for o in counted_type.options if o.is_link]
        spec = next((o for o in links if o.name == link), None)
        if spec is None:
            raise where.fail(
                at,
                f"'linked' whose: {shown(link)} is not a link of {KIND_WORDS[counted]}"
                f"{hint(str(link), [o.name for o in links])}; its links: "
                + ", ".join(o.name for o in links),
            )
        bad = [k for k in kinds if spec.link_to and k not in spec.link_to]
        if bad:
            raise where.fail(
                at,
                f"'linked' whose: {link}: the :{link}: of {KIND_WORDS[counted]} names "
                f"{kinds_words(spec.link_to)}, so it cannot name {kinds_words(bad)}; "
                "use 'anywhere: true' for the whole policy",
            )
    else:
        link = value["listed-in"]
        for kind in kinds:
            links = [o for o in BY_KIND[kind].options if o.is_link]
            spec = next((o for o in links if o.name == link), None)
            if spec is None:
                raise where.fail(
                    at,
                    f"'linked' listed-in: {shown(link)} is not a link of "
                    f"{KIND_WORDS[kind]}"
                    + (f"; its links: {', '.join(o.name for o in links)}" if links else ""),
                )
            if spec.link_to and counted not in spec.link_to:
                raise where.fail(
                    at,
                    f"'linked' listed-in: {link}: it names {kinds_words(spec.link_to)}, "
                    f"not {kinds_words([counted])}",
                )
    kinds_filter: frozenset[str] | None = None
    if "kinds" in value:
        at = value.line_of("kinds")
        if counted not in ("control", "document"):
            raise where.fail(
                at,
                "'linked' kinds: only controls and documents have a :kind:; use 'where' "
                "for other items",
            )
        allowed_kinds = CONTROL_KINDS if counted == "control" else DOCUMENT_KINDS
        raw = value["kinds"]
        raw = raw if isinstance(raw, list) else [raw]
        if not raw:
            raise where.fail(at, f"'linked' kinds: needs one or more {counted} kinds")
        for kind_name in raw:
            if kind_name not in allowed_kinds:
                raise where.fail(
                    at,
                    f"'linked' kinds: {shown(kind_name)} is not a {counted} kind"
                    f"{hint(str(kind_name), allowed_kinds)}; allowed: "
                    f"{', '.join(allowed_kinds)}",
                )
        kinds_filter = frozenset(raw)
    where_cond = None
    if "where" in value:
        where_cond = compile_condition(
            value["where"], value.line_of("where"), (counted,), where
        )
    at_least = value.get("at-least", 1)
    if isinstance(at_least, bool) or not isinstance(at_least, int) or at_least < 1:
        raise where.fail(
            value.line_of("at-least"),
            f"'linked' at-least: {shown(at_least)} is not a whole number from 1",
        )
    return Linked(line, counted, scope, link, kinds_filter, where_cond, at_least)


def _c_attested(value: Any, line: int, kinds: Sequence[str], where: Where) -> Condition:
    if value is not True:
        raise where.fail(
            line, f"'attested' is written 'attested: true', not {shown(value)}"
        )
    return Attested(line)


def _c_all(value: Any, line: int, kinds: Sequence[str], where: Where) -> Condition:
    return All(line, _compile_list(value, line, kinds, where, "'all'"))


def _c_any(value: Any, line: int, kinds: Sequence[str], where: Where) -> Condition:
    return AnyOf(line, _compile_list(value, line, kinds, where, "'any'"))


def _c_not(value: Any, line: int, kinds: Sequence[str], where: Where) -> Condition:
    return Not(line, compile_condition(value, line, kinds, where))


_COMPILERS: dict[str, Callable[[Any, int, Sequence[str], Where], Condition]] = {
    "present": _c_present,
    "equals": _c_equals,
    "one-of": _c_one_of,
    "includes": _c_includes,
    "mentions": _c_mentions,
    "compare": _c_compare,
    "within-months": _c_within_months,
    "linked": _c_linked,
    "attested": _c_attested,
    "all": _c_all,
    "any": _c_any,
    "not": _c_not,
}
