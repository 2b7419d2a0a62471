"""Evaluate a policy against requirements: findings, waivers, coverage.

:func:`evaluate` checks every requirement against every item it applies to (items of
its ``applies-to`` kinds where ``when`` holds) and returns an :class:`Evaluation`:

- :attr:`Evaluation.findings`: one :class:`~..model.Finding` per requirement x item
  where ``check`` fails, with the rendered message and fix, located at the item;
- :attr:`Evaluation.results`: one :class:`~..model.Result` per requirement x item of
  its kinds: ``met``, ``open``, ``waived``, ``disabled`` or ``not-applicable``
  (``when`` false), for the traceability matrix, coverage and the junit report. A
  ``met`` carries its **basis**: ``checked`` (decided from facts written on the item,
  its linked risks or the catalogue) or ``attested`` (a control or a school document
  stands for it).

**Only what counts is counted** (see :mod:`.substance`): a draft (``:status:
draft``) counts for nothing, and a control or document counts only with content, an
owner and, for repeated kinds, a recent ``:last-done:``. A finding names each linked
item left out, with the reason. The engine then makes findings on items themselves:

- ``DRAFT_PENDING`` (must): one per draft tool, control, risk or document, waiting
  for the school's decision;
- ``CTRL_NO_SUBSTANCE`` (should): a control or document that lacks substance, naming
  the requirements it was meant to meet and what it lacks.

Then, in this order:

1. **disabled** (``sm_disable``): findings of a disabled rule get status ``disabled``
   (still returned, listed as disabled);
2. **waivers** (``sm-waiver`` items: ``:requirement:``, ``:target:``, ``:expires:``,
   content = the reason): an open finding of the same rule, on the waiver's target (or
   any item when it has no target), gets status ``waived`` with the waiver's ID and
   reason. A waiver that has expired (``:expires:`` before today) waives nothing and
   is itself a ``WAIVER_EXPIRED`` finding (must); a waiver naming a rule that is not an
   active requirement is a ``WAIVER_UNKNOWN_RULE`` finding (must). These two are
   :data:`ENGINE_RULES`, evaluated like pack rules on every waiver.

The policy's ``sm-requirement`` items are requirements too (``local=True``): each
applies to the policy and is met by a control that names it in ``:satisfies:``.
Requirements about the policy are checked on its ``sm-policy``; when the project has
none, on an empty stand-in item ``POLICY`` with no source, so each is a finding saying
what to add (nothing is skipped silently).

Findings are sorted by (source, line, severity, rule, item): on one line ``must``
comes first. Results are in requirement order, then
item source order. The policy's ``:country:`` (else ``country``, from ``sm_country``)
selects minimum ages.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..model import (
    Basis,
    Finding,
    Item,
    Policy,
    RequirementInfo,
    Result,
    ResultStatus,
    source_order,
    worst,
)
from ..schema import SEVERITIES
from .checks import Where
from .conditions import KnownRule, compile_condition
from .fields import Context, compile_ref, to_date
from .loader import load_yaml_text
from .packs import Requirement, local_requirements
from .platforms import Catalogue
from .substance import fixes, lacks
from .templates import compile_template

RESULT_STATUSES: tuple[str, ...] = (
    "met",
    "open",
    "waived",
    "disabled",
    "not-applicable",
)


def _engine_rules() -> tuple[Requirement, ...]:
    where = Where("sphinxcontrib_sociallpolicy/guidance/engine.py", "engine rule")
    kinds = ("waiver",)
    expired_check = load_yaml_text(
        "any:\n  - not: {present: expires}\n  - compare: expires >= today\n", where.path
    )
    requirement = compile_ref("requirement", kinds, where, 0, "rule")
    # a waiver with no (valid) :requirement: is already an sm.option error
    names_a_rule = load_yaml_text("present: requirement\n", where.path)
    common: dict[str, Any] = dict(
        severity="must",
        source="sphinxcontrib-sociallpolicy: sm-waiver",
        theme="other",
        applies_to=kinds,
        pack="sociallpolicy",
        path=where.path,
    )
    return (
        Requirement(
            id="WAIVER_EXPIRED",
            title="Waivers are in date",
            text="A waiver has an end date; after it, the requirement applies again.",
            check=compile_condition(expired_check, 0, kinds, where),
            message=compile_template(
                "The waiver {id} of {requirement} expired on {expires}, so it no longer "
                "waives anything.",
                kinds,
                where,
                0,
                "message",
            ),
            fix=compile_template(
                "Meet the requirement and remove the waiver, or have the exception "
                "approved again with a new `:expires:` date.",
                kinds,
                where,
                0,
                "fix",
            ),
            check_data=expired_check,
            **common,
        ),
        Requirement(
            id="WAIVER_UNKNOWN_RULE",
            title="Waivers name an active requirement",
            text="A waiver names the rule ID of a requirement the policy is checked "
            "against.",
            when=compile_condition(names_a_rule, 0, kinds, where),
            check=KnownRule(0, requirement),
            message=compile_template(
                "The waiver {id} names {requirement}, which is not a requirement of the "
                "active guidance packs or of this policy, so it waives nothing.",
                kinds,
                where,
                0,
                "message",
            ),
            fix=compile_template(
                "Correct `:requirement:` to a rule ID listed by sm-guidance (or the ID of "
                "an sm-requirement), or remove the waiver.",
                kinds,
                where,
                0,
                "fix",
            ),
            check_data={"requirement": "names an active rule"},
            **common,
        ),
    )


#: rules the engine itself applies to every ``sm-waiver``
ENGINE_RULES: tuple[Requirement, ...] = _engine_rules()
_ENGINE_IDS = frozenset(r.id for r in ENGINE_RULES)


#: findings the engine makes on items themselves (not requirement x item results)
SUBSTANCE_RULE = "CTRL_NO_SUBSTANCE"
DRAFT_RULE = "DRAFT_PENDING"
#: every rule ID the engine owns (not pack requirements): never waived, never a row
#: of the matrix
ITEM_RULES = (SUBSTANCE_RULE, DRAFT_RULE)
#: a requirement added or changed after the policy was approved (can be switched off)
DRIFT_RULE = "GUIDANCE_CHANGED"
ENGINE_RULE_IDS = frozenset([*_ENGINE_IDS, *ITEM_RULES, DRIFT_RULE])
#: the severities of the engine's own rules on items
ITEM_RULE_SEVERITY = {SUBSTANCE_RULE: "should", DRAFT_RULE: "must", DRIFT_RULE: "should"}
#: the whole-policy column of the matrix (results on the policy, and on controls
#: and risks that name no tool)
POLICY_COLUMN = "policy"


@dataclass
class Evaluation:
    """Everything one evaluation found: **the one place where a verdict is
    decided.** Tables, reports and the ``check`` command only read it: the
    requirements shown (:meth:`infos`), each result with its status and basis, the
    findings, what fails at the severity threshold (:meth:`failing`,
    :attr:`passed`), the matrix cells and coverage (:meth:`cells`,
    :meth:`coverage`) and the counts (:meth:`summary`).
    """

    requirements: list[Requirement]
    findings: list[Finding]
    results: list[Result]
    disabled: frozenset[str] = frozenset()
    #: IDs in ``disabled`` that are no rule of this evaluation (probably typos)
    unknown_disabled: list[str] = field(default_factory=list)
    #: the lowest severity that fails (``sm_fail_on``)
    fail_on: str = "must"
    policy: Policy = field(default_factory=Policy)
    #: requirements added or changed after the policy's approval date, oldest first
    news: list[Requirement] = field(default_factory=list)
    #: what a later evaluation may reuse (see :class:`Memo`)
    memo: Memo | None = field(default=None, repr=False)
    _cells: dict[tuple[str, str], str] | None = field(default=None, repr=False)
    _by_item: dict[str, list[Finding]] | None = field(default=None, repr=False)

    def __iter__(self) -> Iterator[Finding]:
        """Iterating gives the findings (``for finding in evaluate(...)``)."""
        return iter(self.findings)

    def __len__(self) -> int:
        return len(self.findings)

    # --- verdicts -------------------------------------------------------------

    def warns(self, severity: str) -> bool:
        """Whether a finding of ``severity`` is at or above :attr:`fail_on`."""
        return SEVERITIES.index(severity) <= SEVERITIES.index(self.fail_on)

    def open_findings(self, severities: Iterable[str] = SEVERITIES) -> list[Finding]:
        wanted = set(severities)
        return [f for f in self.findings if f.status == "open" and f.severity in wanted]

    def failing(self) -> list[Finding]:
        """The open findings at or above :attr:`fail_on`: what stops a pass."""
        return [f for f in self.findings if f.status == "open" and self.warns(f.severity)]

    @property
    def passed(self) -> bool:
        return not self.failing()

    def findings_of(self, item_id: str) -> list[Finding]:
        """The findings on one item (an index, built once)."""
        if self._by_item is None:
            index: dict[str, list[Finding]] = {}
            for finding in self.findings:
                index.setdefault(finding.item, []).append(finding)
            self._by_item = index
        return self._by_item.get(item_id, [])

    def drafts(self) -> list[Finding]:
        """The DRAFT_PENDING findings (one per draft item), in source order."""
        return [f for f in self.findings if f.rule == DRAFT_RULE]

    def drafts_sentence(self) -> str:
        """ "3 drafted items wait for the school's decision" (empty when none)."""
        n = len(self.drafts())
        if not n:
            return ""
        if n == 1:
            return "1 drafted item waits for the school's decision"
        return f"{n} drafted items wait for the school's decision"

    def infos(self) -> list[RequirementInfo]:
        """The requirements the policy is checked against, for tables and reports:
        the packs' and the policy's own, not the engine's item rules."""
        return [
            RequirementInfo(
                id=r.id,
                title=r.title,
                severity=r.severity,
                source=r.source,
                theme=r.theme,
                pack=r.pack or "local",
                applies_to=", ".join(r.applies_to),
                text=r.text,
            )
            for r in self.requirements
            if r.id not in ENGINE_RULE_IDS
        ]

    def shown_results(self) -> list[Result]:
        """Results of the shown requirements on the items they apply to."""
        return [
            r
            for r in self.results
            if r.status != "not-applicable" and r.rule not in ENGINE_RULE_IDS
        ]

    def overall(self) -> str:
        """The overall status in a sentence."""
        failing = self.failing()
        if failing:
            n = len(failing)
            return (
                f"Does not yet meet the guidance: {n} open finding{'s' if n != 1 else ''} "
                f"at '{self.fail_on}' or above."
            )
        return f"Meets the guidance: no open finding at '{self.fail_on}' or above."

    def status_line(self) -> str:
        """The overall status with what it rests on, for the policy's key facts:
        "Meets the guidance: 37 requirements met (21 checked, 16 attested), 1
        waived" or "Does not yet meet the guidance: 3 open findings at 'must' or
        above; 34 requirements met (...)"."""
        c = self.basis_counts()
        met = (
            f"{c['met']} requirement{'s' if c['met'] != 1 else ''} met "
            f"({c['checked']} checked, {c['attested']} attested)"
        )
        waived = f", {c['waived']} waived" if c["waived"] else ""
        failing = self.failing()
        if failing:
            n = len(failing)
            return (
                f"Does not yet meet the guidance: {n} open finding{'s' if n != 1 else ''} "
                f"at '{self.fail_on}' or above; {met}{waived}"
            )
        return f"Meets the guidance: {met}{waived}"

    def basis_counts(self) -> dict[str, int]:
        """How many results are met (checked from facts, attested by a control or
        document), open, waived and disabled."""
        counts = Counter(
            r.cell if r.status == "met" else r.status for r in self.shown_results()
        )
        checked, attested = counts["met"], counts["attested"]
        return {
            "met": checked + attested,
            "checked": checked,
            "attested": attested,
            "open": counts["open"],
            "waived": counts["waived"],
            "disabled": counts["disabled"],
        }

    def basis_sentence(self) -> str:
        """ "31 met: 19 checked from the policy's facts, 12 attested by safeguards
        and documents" (and what is open, waived, switched off)."""
        c = self.basis_counts()
        text = (
            f"{c['met']} met: {c['checked']} checked from the policy's facts, "
            f"{c['attested']} attested by safeguards and documents"
        )
        rest = [
            f"{c[key]} {word}"
            for key, word in (("open", "open"), ("waived", "waived"), ("disabled", "off"))
            if c[key]
        ]
        return text + ("; " + ", ".join(rest) if rest else "") + "."

    def summary(self) -> dict[str, Any]:
        """Counts for reports: findings by status and by severity (open ones),
        results by status, and what the met ones rest on."""
        return {
            "findings": len(self.findings),
            "open": sum(1 for f in self.findings if f.status == "open"),
            "waived": sum(1 for f in self.findings if f.status == "waived"),
            "disabled": sum(1 for f in self.findings if f.status == "disabled"),
            "open_by_severity": {
                s: sum(1 for f in self.findings if f.status == "open" and f.severity == s)
                for s in SEVERITIES
            },
            "results": dict(Counter(r.status for r in self.results)),
            "basis": self.basis_counts(),
            "drafts": len(self.drafts()),
            "fail_on": self.fail_on,
            "passed": self.passed,
        }

    # --- the matrix -----------------------------------------------------------

    def columns_of(self, item: Item) -> list[str]:
        """The matrix columns a result on ``item`` belongs to: the tool itself; the
        tools a control applies to or a risk affects; else the policy column."""
        if item.kind == "tool":
            return [item.id]
        if item.kind == "control":
            targets = item.links.get("applies-to", [])
        elif item.kind == "risk":
            targets = item.links.get("affects", [])
        else:
            targets = []
        tools = [t for t in targets if t in self.policy.items]
        return tools or [POLICY_COLUMN]

    def cells(self) -> dict[tuple[str, str], str]:
        """(rule, column) -> the weakest cell word of the results in that cell
        (``met``, ``attested``, ``disabled``, ``waived``, ``open``); computed once."""
        if self._cells is None:
            gathered: dict[tuple[str, str], list[str]] = {}
            for result in self.shown_results():
                item = self.policy.items.get(result.item)
                if item is None:
                    continue
                for column in self.columns_of(item):
                    gathered.setdefault((result.rule, column), []).append(result.cell)
            self._cells = {key: worst(words) or "met" for key, words in gathered.items()}
        return self._cells

    def coverage(self) -> dict[str, dict[str, str]]:
        """``{rule: {item ID: status}}`` for every requirement (an empty mapping when
        no item has its kind)."""
        out: dict[str, dict[str, str]] = {r.id: {} for r in self.requirements}
        for result in self.results:
            out.setdefault(result.rule, {})[result.item] = result.status
        return out

    @staticmethod
    def coverage_of(words: Iterable[str | None]) -> tuple[int, int]:
        """(met, applicable) over cell words: met, attested and waived cells are
        covered; disabled and empty ones are not applicable."""
        applicable = [w for w in words if w is not None and w != "disabled"]
        met = sum(1 for w in applicable if w in ("met", "attested", "waived"))
        return met, len(applicable)


def _waiver_expired(waiver: Item, today: dt.date) -> bool:
    expires = to_date(waiver.fields.get("expires"))
    return expires is not None and expires < today


def _explain(
    requirement: Requirement, item: Item, ctx: Context
) -> tuple[str, list[str], str]:
    """(message, notes, fix) of a requirement that failed on ``item``: its own
    message; for a requirement of parts, what each failing part says, each followed
    by the linked items it did not count; then the fix."""
    message = requirement.message.render(item, ctx)
    fix = requirement.fix.render(item, ctx)
    if not requirement.parts:
        return message, list(dict.fromkeys(ctx.notes)), fix
    said: list[str] = [message] if message else []
    fixes: list[str] = []
    notes: list[str] = []
    mark = len(ctx.evidence)
    for part in requirement.parts:
        ctx.notes = []
        if part.when is not None and not part.when.test(item, ctx):
            continue
        ctx.notes = []
        if part.check.test(item, ctx):
            continue
        said.append(part.message.render(item, ctx))
        notes.extend(n for n in ctx.notes if n not in notes)
        if part.fix is not None:
            fixes.append(part.fix.render(item, ctx))
    del ctx.evidence[mark:]
    ctx.notes = []
    return " ".join(merge_labelled(said)), notes, " ".join(dict.fromkeys(fixes)) or fix


def merge_labelled(sentences: list[str]) -> list[str]:
    """Sentences that start with the same label (``Missing: the behaviour
    policy.``, ``Missing: the complaints policy.``) as one list sentence
    (``Missing: the behaviour policy, the complaints policy.``)."""
    out: list[str] = []
    labels: list[str] = []
    for sentence in sentences:
        label, sep, rest = sentence.partition(": ")
        if sep and " " not in label and labels and labels[-1] == label:
            out[-1] = out[-1].rstrip(".") + ", " + rest
            continue
        out.append(sentence)
        labels.append(label if sep and " " not in label else "")
    return out


def _any_part_applies(requirement: Requirement, item: Item, ctx: Context) -> bool:
    """Whether at least one part of ``requirement`` applies to ``item`` (a part
    without ``when`` always does)."""
    mark, notes = len(ctx.evidence), len(ctx.notes)
    try:
        return any(p.when is None or p.when.test(item, ctx) for p in requirement.parts)
    finally:
        del ctx.evidence[mark:]
        del ctx.notes[notes:]


def _check(requirement: Requirement, item: Item, ctx: Context) -> Row:
    """``requirement`` on ``item``: its row (see :data:`Row`)."""
    ctx.evidence = []
    ctx.notes = []
    when = requirement.when
    if when is not None and not when.test(item, ctx):
        return (None, (), None, tuple(ctx.added or ()), None)
    ok = requirement.check.test(item, ctx)
    if ok and requirement.parts and not _any_part_applies(requirement, item, ctx):
        # every part was for other cases: the requirement does not apply
        return (None, (), None, tuple(ctx.added or ()), None)
    evidence = tuple(dict.fromkeys(ctx.evidence))
    if ok:
        return (True, evidence, None, tuple(ctx.added or ()), _basis(evidence, ctx.policy))
    message, notes, fix = _explain(requirement, item, ctx)
    text = " ".join(part for part in (message, *notes, fix) if part)
    return (False, evidence, text, tuple(ctx.added or ()), None)


def _basis(evidence: tuple[str, ...], policy: Policy) -> Basis:
    """``attested`` when a control or document stands for the result, else
    ``checked`` (decided from facts on the item, its linked risks or the
    catalogue)."""
    for item_id in evidence:
        item = policy.items.get(item_id)
        if item is not None and item.kind in ("control", "document"):
            return "attested"
    return "checked"


def item_digest(item: Item) -> bytes:
    """A digest of everything written of ``item`` (its ID, kind, title, place,
    options, links, text and status)."""
    return hashlib.blake2b(
        repr(item).encode("utf-8", "surrogatepass"), digest_size=16
    ).digest()


#: one requirement x subject, as a later build may reuse it: the outcome (None: not
#: applicable), the evidence, the finding's message when it failed, the controls
#: and documents found wanting meanwhile (with the rule), and the basis when met
Row = tuple[
    bool | None, tuple[str, ...], str | None, tuple[tuple[str, str], ...], "Basis | None"
]


@dataclass
class Memo:
    """What one evaluation worked out, for the next to reuse where nothing it read
    changed (see :func:`evaluate`).

    A subject (an item a requirement is checked on) is reused when its own digest
    is the same, and so is every query it read (:class:`.fields.Context`): the
    query still gives the same IDs, and none of those items changed. Everything
    else a subject reads (the policy item, the catalogue, the date, the settings,
    the requirements) is in :attr:`context`: when it differs, nothing is reused.
    """

    #: what every subject reads (see :func:`_context_key`)
    context: tuple[Any, ...] = ()
    #: every item's digest
    digests: dict[str, bytes] = field(default_factory=dict)
    #: each query read: its key -> the IDs it gave
    queries: dict[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict)
    #: each subject -> the keys of the queries it read
    reads: dict[str, frozenset[tuple[str, ...]]] = field(default_factory=dict)
    #: (rule, subject) -> its row
    rows: dict[tuple[str, str], Row] = field(default_factory=dict)
    #: subjects reused / worked out (for tests and the benchmark)
    reused: int = 0
    worked_out: int = 0


def _context_key(
    ctx: Context,
    active: Sequence[Requirement],
    extra: Sequence[Requirement],
    *,
    disabled: frozenset[str],
    replaced: Mapping[str, str],
) -> tuple[Any, ...]:
    """What every subject's results depend on beside its queries: the policy item,
    the country and date, the requirements checked (the packs' are the same when
    their files are: the caller keys the memo on them) and the local ones, the
    rules switched off and the items replaced."""
    local = [ctx.policy.items.get(r.id) for r in extra]
    return (
        item_digest(ctx.policy_item),
        ctx.country,
        ctx.default_country,
        ctx.today.isoformat(),
        tuple((r.id, r.severity) for r in active),
        tuple(item_digest(item) for item in local if item is not None),
        tuple(sorted(disabled)),
        tuple(sorted(replaced.items())),
    )


class _Reuse:
    """Which subjects of an earlier :class:`Memo` can be reused now."""

    def __init__(self, memo: Memo | None, ctx: Context, digests: dict[str, bytes]):
        self.memo = memo
        self.ctx = ctx
        self.digests = digests
        self.subjects: dict[str, bool] = {}
        self.query_same: dict[tuple[str, ...], bool] = {}
        self.changed: set[str] = set()
        if memo is not None:
            old = memo.digests
            self.changed = {i for i, d in digests.items() if old.get(i) != d}
            self.changed |= old.keys() - digests.keys()

    def _same(self, key: tuple[str, ...]) -> bool:
        same = self.query_same.get(key)
        if same is None:
            assert self.memo is not None
            ids = self.memo.queries.get(key)
            same = (
                ids is not None
                and self.ctx.query_ids(key) == ids
                and not any(i in self.changed for i in ids)
            )
            self.query_same[key] = same
        return same

    def subject(self, item: Item) -> bool:
        """Whether the earlier rows of ``item`` can be reused (worked out once)."""
        ok = self.subjects.get(item.id)
        if ok is None:
            memo = self.memo
            reads = memo.reads.get(item.id) if memo is not None else None
            ok = (
                reads is not None
                and item.id not in self.changed
                and item.id in self.digests
                and all(self._same(key) for key in reads)
            )
            self.subjects[item.id] = ok
        return ok


def evaluate(
    policy: Policy,
    requirements: Sequence[Requirement],
    catalogue: Catalogue,
    *,
    country: str = "GB",
    today: dt.date,
    disabled: Iterable[str] = frozenset(),
    local: bool = True,
    fail_on: str = "must",
    replaced: Mapping[str, str] | None = None,
    memo: Memo | None = None,
) -> Evaluation:
    """Check ``policy`` against ``requirements`` (see the module docstring).

    :param requirements: the active requirements (e.g. ``requirements_of(packs)``);
        a rule ID given twice is evaluated once (the first).
    :param catalogue: the platform catalogue (``platform.*`` facts).
    :param country: the project default (``sm_country``) when the policy gives none.
    :param today: the date for review and expiry checks (``sm_today``).
    :param disabled: rule IDs switched off (``sm_disable``).
    :param local: also check the policy's ``sm-requirement`` items.
    :param fail_on: the lowest severity that fails (``sm_fail_on``).
    :param replaced: items of a trust base replaced by a school's own item (base
        item ID -> replacement ID): each counts for nothing, is checked on nothing
        and has no findings of its own.
    :param memo: an earlier evaluation's :attr:`Evaluation.memo`, with the same
        packs and catalogue (the caller's to make sure): the results of every
        subject none of whose reads changed are taken from it, not worked out
        again. The evaluation is the same either way.
    """
    if isinstance(today, dt.datetime):  # a datetime does not compare with dates
        today = today.date()
    active: list[Requirement] = []
    seen: set[str] = {*ITEM_RULES, DRIFT_RULE}
    extra = local_requirements(policy) if local else []
    for requirement in [*requirements, *extra, *ENGINE_RULES]:
        if requirement.id not in seen:
            seen.add(requirement.id)
            active.append(requirement)
    known = frozenset(r.id for r in active if r.id not in _ENGINE_IDS)
    # the engine's item rules cannot be switched off (see ITEM_RULES)
    disabled = frozenset(disabled) - frozenset(ITEM_RULES)
    replaced = dict(replaced or {})
    ctx = Context(
        policy,
        catalogue,
        country=country,
        today=today,
        known_rules=known,
        replaced=replaced,
    )

    digests = {item.id: item_digest(item) for item in policy}
    context = _context_key(ctx, active, extra, disabled=disabled, replaced=replaced)
    if memo is not None and memo.context != context:
        memo = None
    reuse = _Reuse(memo, ctx, digests)
    new_memo = Memo(context=context, digests=digests)
    reads: dict[str, set[tuple[str, ...]]] = {}

    # (requirement index, item, its row)
    raw: list[tuple[int, Item, Row]] = []
    findings: list[Finding] = []
    by_key: dict[tuple[str, str], Finding] = {}

    def add(rule: str, severity: str, item: Item, message: str) -> Finding:
        finding = Finding(
            rule=rule,
            severity=severity,
            item=item.id,
            message=message,
            docname=item.docname,
            source=item.source,
            line=item.line,
            status="disabled" if rule in disabled else "open",
            origin=item.origin,
        )
        findings.append(finding)
        by_key[(rule, item.id)] = finding
        return finding

    rows = new_memo.rows
    old_rows = memo.rows if memo is not None else {}
    reusable = reuse.subjects
    for index, requirement in enumerate(active):
        ctx.rule = rule_id = requirement.id
        for kind in requirement.applies_to:
            for item in ctx.subjects(kind):
                ok = reusable.get(item.id)
                if ok is None:
                    ok = reuse.subject(item)
                row = old_rows.get((rule_id, item.id)) if ok else None
                if row is None:
                    ctx.reads = reads.setdefault(item.id, set())
                    ctx.added = []
                    row = _check(requirement, item, ctx)
                else:  # as worked out before: what it found wanting is wanting now
                    for found_id, found_rule in row[3]:
                        ctx.discounted.setdefault(found_id, {})[found_rule] = None
                rows[(rule_id, item.id)] = row
                raw.append((index, item, row))
                message = row[2]
                if message is not None:
                    add(rule_id, requirement.severity, item, message)
    ctx.reads = ctx.added = None
    # the reads of each subject: worked out now, or as before
    for subject, _ok in reuse.subjects.items():
        if _ok and memo is not None:
            new_memo.reads[subject] = memo.reads[subject]
            new_memo.reused += 1
    for subject, keys in reads.items():
        if subject in new_memo.reads:  # reused, with a rule it had no row for
            new_memo.reads[subject] = new_memo.reads[subject] | keys
        else:
            new_memo.reads[subject] = frozenset(keys)
            new_memo.worked_out += 1
    for read in new_memo.reads.values():
        for key in read:
            if key not in new_memo.queries:
                ids = ctx.queries.get(key)
                new_memo.queries[key] = ids if ids is not None else memo.queries[key]  # type: ignore[union-attr]

    # the engine's own findings on items: drafts, and what lacks substance
    for item in sorted(policy, key=source_order):
        if item.id in replaced:
            continue  # replaced: it counts for nothing, as the school decided
        if item.draft:
            add(
                DRAFT_RULE,
                ITEM_RULE_SEVERITY[DRAFT_RULE],
                item,
                f"{item.id} is a draft"
                + ("" if item.status == "draft" else f" (its :status: is {item.status!r})")
                + ", not yet adopted by the school, so it counts for nothing: no "
                "requirement is met by it. Read it and decide: adopt it (`:status: "
                "adopted`, with `:adopted-by:` and `:adopted-on:`), change it, or remove "
                "it.",
            )
            continue
        missing = ctx.shortfalls(item)
        if not missing:
            continue
        # the requirements it was considered for; failing that, those it names
        meant = [r for r in ctx.discounted.get(item.id, {}) if r in known]
        if not meant:
            for link in ("satisfies", "covers"):
                meant += [r for r in item.links.get(link, ()) if r in known]
        what = lacks(missing)
        if meant:
            head = f"{item.id} cannot stand for {', '.join(meant)}: it {what}."
        else:
            head = f"{item.id} counts towards no requirement: it {what}."
        add(
            SUBSTANCE_RULE,
            ITEM_RULE_SEVERITY[SUBSTANCE_RULE],
            item,
            f"{head} Until then, it is not counted. {fixes(item, missing)}".strip(),
        )

    # what the guidance added or changed since the policy was approved
    news: list[Requirement] = []
    approved = to_date(ctx.policy_item.fields.get("approved-on"))
    if approved is not None:
        news = sorted(
            (
                r
                for r in active
                if r.id not in ENGINE_RULE_IDS
                and r.news is not None
                and approved < r.news <= today
            ),
            key=lambda r: (r.news or approved, r.id),
        )
    if news:
        listed = "; ".join(
            f"{r.id} ({r.news_kind()} {r.news.isoformat() if r.news else ''}: {r.title})"
            for r in news
        )
        add(
            DRIFT_RULE,
            ITEM_RULE_SEVERITY[DRIFT_RULE],
            ctx.policy_item,
            f"New or changed since this policy was approved on {approved}: {listed}. "
            "Review the policy against each of them (`sociallpolicy guidance "
            f"--changes-since {approved}` lists them), then record the new approval in "
            "`:approved-on:`.",
        )

    # waivers: only those in date, naming an active rule, waive
    waivers: dict[str, list[Item]] = {}
    for waiver in ctx.of_kind("waiver"):
        rule = waiver.fields.get("requirement")
        if rule in known and not _waiver_expired(waiver, today):
            waivers.setdefault(rule, []).append(waiver)
    if waivers:
        for finding in findings:
            if finding.status != "open" or finding.rule in ENGINE_RULE_IDS:
                continue
            for waiver in waivers.get(finding.rule, ()):
                target = waiver.fields.get("target")
                if not target or target == finding.item:
                    finding.status = "waived"
                    finding.waiver = waiver.id
                    finding.reason = " ".join(waiver.content.split())
                    break

    results: list[Result] = []
    for index, item, (outcome, evidence, _, _, basis) in raw:
        requirement = active[index]
        status: ResultStatus
        found = None
        if outcome is None:
            status = "not-applicable"
        elif outcome:
            status = "met"
        else:
            found = by_key[(requirement.id, item.id)]
            status = found.status
        results.append(
            # rule, item, kind, status, severity, basis, evidence, finding (by
            # position: tens of thousands at trust scale)
            Result(
                requirement.id,
                item.id,
                item.kind,
                status,
                requirement.severity,
                basis,
                evidence,
                found,
            )
        )

    findings.sort(key=finding_order)
    return Evaluation(
        memo=new_memo,
        requirements=active,
        findings=findings,
        results=results,
        disabled=disabled,
        unknown_disabled=sorted(disabled - seen),
        fail_on=fail_on,
        policy=policy,
        news=news,
    )


def finding_order(finding: Finding) -> tuple[str, int, int, str, str]:
    """Findings in source order; on one line ``must``, then ``should``, then
    ``may``."""
    return (
        finding.source,
        finding.line,
        SEVERITIES.index(finding.severity) if finding.severity in SEVERITIES else 9,
        finding.rule,
        finding.item,
    )
