"""Plain data model of a policy: items, findings. No Sphinx imports.

The Sphinx layer builds a :class:`Policy` from the sphinx-needs needs; the guidance
engine evaluates requirements over it and returns :class:`Finding` objects; the
tables and reports render them. Everything here is plain data, so the rules can be
tested without a build.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from .schema import is_draft

ItemKind = Literal["policy", "tool", "control", "risk", "requirement", "waiver", "document"]
FindingStatus = Literal["open", "waived", "disabled"]


@dataclass
class Item:
    """One policy item as written.

    ``fields`` holds the typed option values by *option name* (``approved-by``,
    ``pupil-ages``): strings, lists of strings, or ints (scores, months). Dates are
    ISO strings. An option that was not given, or was given a bad value, is absent.
    ``links`` holds link options by option name (``applies-to``) as lists of IDs,
    with ``all`` already expanded to every tool.
    """

    id: str
    kind: ItemKind
    title: str
    docname: str = ""
    source: str = ""  # path of the file, for messages and reports
    line: int = 0
    fields: dict[str, Any] = field(default_factory=dict)
    links: dict[str, list[str]] = field(default_factory=dict)
    content: str = ""
    #: the ``:status:`` as written (None when absent)
    status: str | None = None
    #: for an item of a trust base's shared chapter: the chapter's path in the base
    #: folder (``shared/safeguards.rst``); empty for the school's own items
    base: str = ""
    #: the file the item is written in when it is not its page's own (a base
    #: chapter): the absolute path, for warnings; ``line`` is the line in it
    origin: str = ""

    @property
    def draft(self) -> bool:
        """A tool, control, risk or document not (yet) adopted by the school: its
        ``:status:`` is written and is not ``adopted``. A draft counts for nothing."""
        return is_draft(self.kind, self.status)

    def get(self, name: str, default: Any = None) -> Any:
        if name in self.fields:
            return self.fields[name]
        if name in self.links:
            return self.links[name]
        if name == "id":
            return self.id
        if name == "title":
            return self.title
        return default


def source_order(item: Item) -> tuple[str, int, str]:
    """The sort key of items in source order: page, line, ID (the same whatever
    order the pages were read in)."""
    return (item.docname, item.line, item.id)


@dataclass
class Policy:
    """Every item of a project, indexed once.

    ``backlinks[(target_id, link_name)]`` lists the IDs of items whose link option
    ``link_name`` names ``target_id``; it is built once in :meth:`index`, so rules
    look links up in constant time (no item x item scans).
    """

    items: dict[str, Item] = field(default_factory=dict)
    backlinks: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    #: IDs of the project's other needs (not policy items), which links may name
    other_ids: set[str] = field(default_factory=set)

    @classmethod
    def from_items(cls, items: Iterable[Item]) -> Policy:
        policy = cls()
        for item in items:
            policy.items[item.id] = item
        policy.index()
        return policy

    def index(self) -> None:
        self.backlinks = {}
        # in source order, as of_kind (an incremental build reads the changed pages
        # last)
        for item in sorted(self.items.values(), key=source_order):
            for name, targets in item.links.items():
                for target in targets:
                    self.backlinks.setdefault((target, name), []).append(item.id)

    def of_kind(self, kind: ItemKind) -> list[Item]:
        """Items of one kind, in source order (docname, line, id)."""
        return sorted(
            (i for i in self.items.values() if i.kind == kind),
            key=source_order,
        )

    @property
    def policy(self) -> Item | None:
        """The ``sm-policy`` item (the first in source order if several)."""
        found = self.of_kind("policy")
        return found[0] if found else None

    def linked_to(self, target_id: str, link_name: str) -> list[Item]:
        """Items whose ``link_name`` link names ``target_id``."""
        return [
            self.items[i]
            for i in self.backlinks.get((target_id, link_name), ())
            if i in self.items
        ]

    def links_of(self, item: Item, link_name: str) -> list[Item]:
        """Items that ``item``'s ``link_name`` link names (existing ones only)."""
        return [self.items[t] for t in item.links.get(link_name, ()) if t in self.items]

    def __iter__(self) -> Iterator[Item]:
        return iter(self.items.values())


@dataclass
class Finding:
    """One place where the policy falls short of a requirement."""

    rule: str  # rule ID, e.g. MOD_PREMODERATION
    severity: str  # must / should / may
    item: str  # item ID the finding is about
    message: str  # what is wrong and how to fix it, for a school
    docname: str = ""
    source: str = ""
    line: int = 0
    status: FindingStatus = "open"
    waiver: str | None = None  # waiver ID when waived
    reason: str = ""  # the waiver's reason, shown in tables
    #: the item's file when it is not its page's own (an item of a base chapter)
    origin: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "item": self.item,
            "docname": self.docname,
            "source": self.source,
            "line": self.line,
            "message": self.message,
            "status": self.status,
            "waiver": self.waiver,
            "reason": self.reason,
        }


def mapping_get(mapping: Mapping[str, Any], dotted: str) -> Any:
    """Read ``a.b.c`` from nested mappings; ``None`` where absent."""
    current: Any = mapping
    for part in dotted.split("."):
        if not isinstance(current, Mapping) or part not in current:
            return None
        current = current[part]
    return current


def score(likelihood: Any, impact: Any) -> int | None:
    """Risk score = likelihood x impact (each 1-5), or None where one is missing."""
    if isinstance(likelihood, int) and isinstance(impact, int):
        return likelihood * impact
    return None


def rating(value: int) -> str:
    """The rating of a risk score (SPEC: low 1-4, medium 5-9, high 10-16, very high
    20-25)."""
    if value <= 4:
        return "low"
    if value <= 9:
        return "medium"
    if value <= 16:
        return "high"
    return "very high"


#: the verdict of one requirement for one item (SPEC section 8)
ResultStatus = Literal["met", "open", "waived", "disabled", "not-applicable"]
#: what a ``met`` rests on: facts written on the item or in the catalogue
#: (``checked``), or a control or document that stands for it (``attested``)
Basis = Literal["checked", "attested"]
BASES: tuple[str, ...] = ("checked", "attested")


@dataclass(frozen=True)
class RequirementInfo:
    """One requirement the policy is checked against, for tables and reports."""

    id: str
    title: str
    severity: str
    source: str
    theme: str
    pack: str  # pack ID, or "local" for an sm-requirement
    applies_to: str  # policy / tool / control / risk
    text: str = ""


@dataclass(frozen=True)
class Result:
    """The outcome of one requirement for one item of a kind it applies to."""

    rule: str
    item: str
    kind: str
    status: ResultStatus
    severity: str
    #: for ``met``: ``checked`` or ``attested``; otherwise None
    basis: Basis | None = None
    #: IDs of the linked items (controls, documents, risks) that met the check
    evidence: tuple[str, ...] = ()
    finding: Finding | None = None

    @property
    def cell(self) -> str:
        """The word for this result in a table cell: ``met`` (checked from facts),
        ``attested``, ``open``, ``waived``, ``disabled`` or ``not-applicable``."""
        if self.status == "met" and self.basis == "attested":
            return "attested"
        return self.status


#: how weak a cell word is, for summarising several results in one cell: a fact
#: checked is stronger than a promise attested, which is stronger than a waiver
CELL_ORDER: dict[str, int] = {
    "met": 0,
    "attested": 1,
    "disabled": 2,
    "waived": 3,
    "open": 4,
}


def worst(words: Iterable[str]) -> str | None:
    """The weakest of several cell words (``open`` > ``waived`` > ``disabled`` >
    ``attested`` > ``met``); not-applicable ones are left out."""
    found = [w for w in words if w in CELL_ORDER]
    return max(found, key=CELL_ORDER.__getitem__) if found else None
