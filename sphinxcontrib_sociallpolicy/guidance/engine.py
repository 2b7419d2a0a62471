"""Evaluate a policy against requirements: findings, waivers, coverage.

:func:`evaluate` checks every requirement against every item it applies to (items of
its ``applies-to`` kinds where ``when`` holds) and returns an :class:`Evaluation`:

- :attr:`Evaluation.findings`: one :class:`~..model.Finding` per requirement x item
  where ``check`` fails, with the rendered message and fix, located at the item;
- :attr:`Evaluation.results`: one :class:`Result` per requirement x item of its kinds:
  ``met``, ``finding``, ``waived``, ``disabled`` or ``not-applicable`` (``when`` false),
  for the traceability matrix, coverage and the junit report.

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

Findings are sorted by (source, line, rule, item); results by requirement order, then
item source order. The policy's ``:country:`` (else ``country``, from ``sm_country``)
selects minimum ages.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from ..model import Finding, Item, Policy
from ..schema import SEVERITIES
from .checks import Where
from .conditions import KnownRule, compile_condition
from .fields import Context, compile_ref, to_date
from .loader import load_yaml_text
from .packs import Requirement, local_requirements
from .platforms import Catalogue
from .templates import compile_template

ResultStatus = Literal["met", "finding", "waived", "disabled", "not-applicable"]
RESULT_STATUSES: tuple[str, ...] = (
    "met",
    "finding",
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


@dataclass(frozen=True)
class Result:
    """One requirement x one item of a kind it applies to."""

    rule: str
    item: str
    kind: str
    status: ResultStatus
    severity: str
    #: IDs of the linked items (controls, risks) that met the check
    evidence: tuple[str, ...] = ()
    finding: Finding | None = None


@dataclass
class Evaluation:
    """Everything one evaluation found."""

    requirements: list[Requirement]
    findings: list[Finding]
    results: list[Result]
    disabled: frozenset[str] = frozenset()
    #: IDs in ``disabled`` that are no rule of this evaluation (probably typos)
    unknown_disabled: list[str] = field(default_factory=list)

    def __iter__(self) -> Iterator[Finding]:
        """Iterating gives the findings (``for finding in evaluate(...)``)."""
        return iter(self.findings)

    def __len__(self) -> int:
        return len(self.findings)

    def open_findings(self, severities: Iterable[str] = SEVERITIES) -> list[Finding]:
        wanted = set(severities)
        return [f for f in self.findings if f.status == "open" and f.severity in wanted]

    def coverage(self) -> dict[str, dict[str, str]]:
        """``{rule: {item ID: status}}`` for every requirement (an empty mapping when
        no item has its kind)."""
        out: dict[str, dict[str, str]] = {r.id: {} for r in self.requirements}
        for result in self.results:
            out.setdefault(result.rule, {})[result.item] = result.status
        return out

    def summary(self) -> dict[str, object]:
        """Counts for reports: findings by status and by severity (open ones), and
        results by status."""
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
        }


def _waiver_expired(waiver: Item, today: dt.date) -> bool:
    expires = to_date(waiver.fields.get("expires"))
    return expires is not None and expires < today


def evaluate(
    policy: Policy,
    requirements: Sequence[Requirement],
    catalogue: Catalogue,
    *,
    country: str = "GB",
    today: dt.date,
    disabled: Iterable[str] = frozenset(),
    local: bool = True,
) -> Evaluation:
    """Check ``policy`` against ``requirements`` (see the module docstring).

    :param requirements: the active requirements (e.g. ``requirements_of(packs)``);
        a rule ID given twice is evaluated once (the first).
    :param catalogue: the platform catalogue (``platform.*`` facts).
    :param country: the project default (``sm_country``) when the policy gives none.
    :param today: the date for review and expiry checks (``sm_today``).
    :param disabled: rule IDs switched off (``sm_disable``).
    :param local: also check the policy's ``sm-requirement`` items.
    """
    active: list[Requirement] = []
    seen: set[str] = set()
    extra = local_requirements(policy) if local else []
    for requirement in [*requirements, *extra, *ENGINE_RULES]:
        if requirement.id not in seen:
            seen.add(requirement.id)
            active.append(requirement)
    known = frozenset(r.id for r in active if r.id not in _ENGINE_IDS)
    disabled = frozenset(disabled)
    ctx = Context(policy, catalogue, country=country, today=today, known_rules=known)

    # (requirement index, item, ok or None for not applicable, evidence)
    raw: list[tuple[int, Item, bool | None, tuple[str, ...]]] = []
    findings: list[Finding] = []
    by_key: dict[tuple[str, str], Finding] = {}
    for index, requirement in enumerate(active):
        ctx.rule = requirement.id
        when = requirement.when
        check = requirement.check
        for kind in requirement.applies_to:
            for item in ctx.subjects(kind):
                ctx.evidence = []
                if when is not None and not when.test(item, ctx):
                    raw.append((index, item, None, ()))
                    continue
                ok = check.test(item, ctx)
                raw.append((index, item, ok, tuple(dict.fromkeys(ctx.evidence))))
                if ok:
                    continue
                message = requirement.message.render(item, ctx)
                fix = requirement.fix.render(item, ctx)
                finding = Finding(
                    rule=requirement.id,
                    severity=requirement.severity,
                    item=item.id,
                    message=f"{message} {fix}".strip(),
                    docname=item.docname,
                    source=item.source,
                    line=item.line,
                    status="disabled" if requirement.id in disabled else "open",
                )
                findings.append(finding)
                by_key[(requirement.id, item.id)] = finding

    # waivers: only those in date, naming an active rule, waive
    waivers: dict[str, list[Item]] = {}
    for waiver in ctx.of_kind("waiver"):
        rule = waiver.fields.get("requirement")
        if rule in known and not _waiver_expired(waiver, today):
            waivers.setdefault(rule, []).append(waiver)
    if waivers:
        for finding in findings:
            if finding.status != "open" or finding.rule in _ENGINE_IDS:
                continue
            for waiver in waivers.get(finding.rule, ()):
                target = waiver.fields.get("target")
                if not target or target == finding.item:
                    finding.status = "waived"
                    finding.waiver = waiver.id
                    finding.reason = " ".join(waiver.content.split())
                    break

    results: list[Result] = []
    for index, item, outcome, evidence in raw:
        requirement = active[index]
        status: ResultStatus
        found = None
        if outcome is None:
            status = "not-applicable"
        elif outcome:
            status = "met"
        else:
            found = by_key[(requirement.id, item.id)]
            status = "finding" if found.status == "open" else found.status
        results.append(
            Result(
                rule=requirement.id,
                item=item.id,
                kind=item.kind,
                status=status,
                severity=requirement.severity,
                evidence=evidence,
                finding=found,
            )
        )

    findings.sort(key=lambda f: (f.source, f.line, f.rule, f.item))
    return Evaluation(
        requirements=active,
        findings=findings,
        results=results,
        disabled=disabled,
        unknown_disabled=sorted(disabled - seen),
    )
