"""Substance: what a control or a school document needs before it counts.

A pass must mean something. A control (``sm-control``) or a document
(``sm-document``) counts towards a requirement - through ``attested``, a
``:satisfies:`` / ``:covers:`` link or a ``linked`` clause - only when

- it is adopted (not ``:status: draft``);
- its content says what is done (a control) or what the document says that the
  policy relies on (a document): not empty, and not just the title repeated;
- it has an ``:owner:``;
- a control of a kind done again and again (:data:`~..schema.RECURRING_KINDS`:
  training, audits, access and filtering reviews) has a ``:frequency:`` that repeats
  and a ``:last-done:`` inside it (:data:`~..schema.FREQUENCY_DAYS`: annual within 12
  months, termly within 4 months...). Controls of other kinds (a moderation setting,
  house rules) are not dated: their record is the ``:evidence:``;
- a document whose ``:next-review:`` has passed is out of date.

:func:`shortfalls` lists what an item lacks as clauses (``has no owner``, ``was last
done on ...``), and :func:`lacks` joins them into one sentence for a message. Pure
Python: no Sphinx imports.
"""

from __future__ import annotations

import datetime as dt

from ..model import Item
from ..schema import FREQUENCY_DAYS, FREQUENCY_WINDOW_WORDS, RECURRING_KINDS
from .fields import to_date

#: the item kinds that need substance to count
SUBSTANCE_KINDS = ("control", "document")


def _said(item: Item) -> bool:
    """Whether the content says something beyond the title."""
    content = " ".join(item.content.split())
    if not content:
        return False
    return content.casefold().strip(" .") != " ".join(item.title.split()).casefold().strip(
        " ."
    )


def shortfalls(item: Item, today: dt.date) -> list[str]:
    """What ``item`` lacks to count, as clauses that follow "it" (empty: nothing).

    Only controls and documents need substance; other kinds lack nothing.
    """
    if item.kind not in SUBSTANCE_KINDS:
        return []
    out: list[str] = []
    if not _said(item):
        out.append(
            "has no description of what is done"
            if item.kind == "control"
            else "has no description of what it says that this policy relies on"
        )
    if not item.fields.get("owner"):
        out.append("has no owner")
    if item.kind == "control":
        out.extend(_recurrence(item, today))
    else:
        review = to_date(item.fields.get("next-review"))
        if review is not None and review < today:
            out.append(f"was due for review on {review.isoformat()}")
    return out


def _recurrence(item: Item, today: dt.date) -> list[str]:
    kind = item.fields.get("kind")
    frequency = item.fields.get("frequency")
    last = to_date(item.fields.get("last-done"))
    recurring = kind in RECURRING_KINDS
    out: list[str] = []
    if recurring and frequency not in FREQUENCY_DAYS:
        out.append(
            "has no :frequency: saying how often it is repeated"
            if not frequency
            else f"has the :frequency: {frequency}, which does not repeat"
        )
    if recurring and last is None:
        out.append("has no :last-done: date")
    if not recurring:
        return out
    if last is not None and last > today:
        out.append(f"was last done on {last.isoformat()}, a date still to come")
    elif last is not None and frequency in FREQUENCY_DAYS:
        if (today - last).days > FREQUENCY_DAYS[frequency]:
            out.append(
                f"was last done on {last.isoformat()}, longer ago than its {frequency} "
                f"frequency allows (within {FREQUENCY_WINDOW_WORDS[frequency]})"
            )
    return out


def lacks(clauses: list[str]) -> str:
    """The clauses as one phrase after "it": the "has no ..." clauses share the verb
    ("has no description of what is done, no owner and no :last-done: date")."""
    missing = [c[len("has no ") :] for c in clauses if c.startswith("has no ")]
    parts = [c for c in clauses if not c.startswith("has no ")]
    if missing:
        parts.insert(0, "has no " + _and(missing, "no "))
    return _and(parts, "")


def _and(parts: list[str], prefix: str) -> str:
    """``a``, ``a and <prefix>b``, ``a, <prefix>b and <prefix>c``."""
    if len(parts) <= 1:
        return "".join(parts)
    rest = [prefix + p for p in parts[1:]]
    return ", ".join([parts[0], *rest[:-1]]) + " and " + rest[-1]


def fixes(item: Item, clauses: list[str]) -> str:
    """What to add so that ``item`` counts, for the clauses it lacks."""
    todo: list[str] = []
    for clause in clauses:
        if clause.startswith("has no description"):
            todo.append(
                "write under the directive what is done, by whom and how it is recorded"
                if item.kind == "control"
                else "write under the directive what the document says that this "
                "policy relies on"
            )
        elif clause == "has no owner":
            todo.append("add `:owner:` (the person responsible)")
        elif ":frequency:" in clause:
            todo.append("set `:frequency:` to how often it is repeated (e.g. annual)")
        elif ":last-done:" in clause or clause.startswith("was last done"):
            todo.append("do it again and record the date in `:last-done:`")
        elif clause.startswith("was due for review"):
            todo.append("review the document and record the new `:next-review:` date")
    text = "; ".join(dict.fromkeys(todo))
    return text[:1].upper() + text[1:] + "." if text else ""
