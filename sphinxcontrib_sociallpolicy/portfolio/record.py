"""One school's record in ``portfolio.json`` (:class:`.schema.School`), read from the
evaluation of its build: never from printed text.

:func:`school_record` turns a build's state (the guidance engine's
:class:`~..guidance.engine.Evaluation` and the policy's items) into the record;
:func:`error_record` is the record of a school whose project does not build at
all. Paths are written with ``/``, relative to the school's project folder.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from pathlib import Path
from typing import Any

from ..guidance.fields import to_date
from ..model import Item, Policy
from ..schema import FREQUENCY_DAYS, RECURRING_KINDS, SEVERITIES
from .schema import (
    DUE_WINDOWS,
    Changed,
    Dated,
    Draft,
    Finding,
    InputError,
    Requirement,
    School,
    SchoolStatus,
    Waiver,
)

#: what falls due for each repeated control kind (schema.RECURRING_KINDS), in words
CONTROL_WHAT = {
    "staff-training": "staff training",
    "pupil-training": "pupil training",
    "parent-awareness": "parent awareness",
    "follower-audit": "follower audit",
    "access-review": "access review",
    "image-audit": "image audit",
    "filtering-monitoring-review": "filtering and monitoring review",
}

#: the order in which a requirement's results over its items summarise: the first
#: found wins ("open" if any item is open...)
RESULT_ORDER = ("open", "waived", "met")


def relative(path: str, project: Path) -> str:
    """``path`` (absolute, or relative to the project folder) relative to the
    project folder, with ``/``; empty stays empty."""
    if not path:
        return ""
    full = Path(path) if os.path.isabs(path) else project / path
    try:
        shown = os.path.relpath(full, project)
    except ValueError:  # another drive (Windows)
        shown = str(full)
    return Path(shown).as_posix()


def error_kind(kind: str) -> str:
    """The kind of an input error: our warning subtype without ``sm.`` (``option``,
    ``link``, ``guidance``, ``config``, ``duplicate``); Sphinx's own warnings keep
    their type (``toc.not_included``), or ``sphinx`` when they have none."""
    if kind.startswith("sm."):
        return kind[3:]
    return kind or "sphinx"


def school_record(
    project: str,
    folder: Path,
    state: Any,
    problems: list[Any],
    config: Any,
    *,
    base: str | None,
    html: str | None,
) -> tuple[School, list[Requirement]]:
    """The record of one built school, and the requirements it was checked against.

    :param project: the project folder as given on the command line.
    :param folder: the project folder (absolute).
    :param state: the build's :class:`~..project.ProjectState`.
    :param problems: the build's input errors (:class:`~..cli.check.Problem`).
    :param config: the build's :class:`~..config.SmConfig`.
    """
    evaluation = state.evaluation
    policy: Policy = state.policy
    today: dt.date = config.today
    item = policy.policy
    input_errors = sorted(
        (
            InputError(
                path=relative(p.path, folder),
                line=p.line,
                message=p.message,
                kind=error_kind(p.kind),
            )
            for p in problems
        ),
        key=lambda e: (e["path"], e["line"], e["message"], e["kind"]),
    )
    findings = [f for f in state.findings if f.status in ("open", "waived")]
    status: SchoolStatus
    if input_errors:
        status = "error"
    elif evaluation.passed:
        status = "pass"
    else:
        status = "findings"
    by_rule: dict[str, dict[str, object]] = {}
    for f in sorted(findings, key=lambda f: f.rule):
        entry = by_rule.setdefault(f.rule, {"severity": f.severity, "open": 0, "waived": 0})
        entry[f.status] = int(entry[f.status]) + 1  # type: ignore[call-overload]
    dated = due_dates(policy, today)
    record = School(
        project=project,
        school=item.fields.get("school") if item else None,
        policy=item.id if item else None,
        status=status,
        checked_on=today.isoformat(),
        fail_on=evaluation.fail_on,
        approved_on=item.fields.get("approved-on") if item else None,
        next_review=item.fields.get("next-review") if item else None,
        base=base,
        open={
            s: sum(1 for f in findings if f.status == "open" and f.severity == s)
            for s in SEVERITIES
        },
        by_rule=by_rule,
        results=results_by_requirement(state),
        findings=[
            Finding(
                rule=f.rule,
                severity=f.severity,
                item=f.item,
                path=relative(f.source, folder),
                line=f.line,
                message=f.message,
                status=f.status,
            )
            for f in findings
        ],
        waivers=waivers(policy, today),
        overdue=[d for d in dated if d["days"] < 0],
        due=[d for d in dated if 0 <= d["days"] <= max(DUE_WINDOWS)],
        drafts=[
            Draft(item=f.item, path=relative(f.source, folder), line=f.line)
            for f in evaluation.drafts()
        ],
        guidance_changed=[
            Changed(
                rule=r.id,
                severity=r.severity,
                kind="changed" if r.news_kind() == "changed" else "added",
                on=r.news.isoformat() if r.news else "",
            )
            for r in evaluation.news
        ],
        input_errors=input_errors,
        html=html,
        key="",
    )
    requirements = [
        Requirement(
            id=r.id,
            title=r.title,
            severity=r.severity,
            pack=None if r.pack == "local" else r.pack,
        )
        for r in state.requirements
    ]
    return record, requirements


def error_record(
    project: str, errors: list[InputError], *, checked_on: str, base: str | None = None
) -> School:
    """The record of a school whose project could not be built or checked."""
    return School(
        project=project,
        school=None,
        policy=None,
        status="error",
        checked_on=checked_on,
        fail_on="must",
        approved_on=None,
        next_review=None,
        base=base,
        open={s: 0 for s in SEVERITIES},
        by_rule={},
        results={},
        findings=[],
        waivers=[],
        overdue=[],
        due=[],
        drafts=[],
        guidance_changed=[],
        input_errors=errors,
        html=None,
        key="",
    )


def results_by_requirement(state: Any) -> dict[str, str]:
    """Each shown requirement's result over the items it applies to: ``open`` if
    any is open, else ``waived`` if any is waived, else ``met`` if any is met;
    ``disabled`` for a requirement switched off; ``not-applicable`` when it applies
    to no item."""
    evaluation = state.evaluation
    statuses: dict[str, set[str]] = {r.id: set() for r in state.requirements}
    for result in evaluation.results:
        if result.rule in statuses:
            statuses[result.rule].add(result.status)
    out: dict[str, str] = {}
    for rule in sorted(statuses):
        found = statuses[rule]
        if rule in evaluation.disabled:
            out[rule] = "disabled"
            continue
        out[rule] = next((s for s in RESULT_ORDER if s in found), "not-applicable")
    return out


def waivers(policy: Policy, today: dt.date) -> list[Waiver]:
    """The policy's waivers, soonest expiry first (those without one last)."""
    out = []
    for waiver in policy.of_kind("waiver"):
        expires = to_date(waiver.fields.get("expires"))
        out.append(
            Waiver(
                id=waiver.id,
                requirement=waiver.fields.get("requirement") or "",
                target=waiver.fields.get("target") or None,
                approved_by=waiver.fields.get("approved-by") or None,
                expires=expires.isoformat() if expires else None,
                expired=expires is not None and expires < today,
            )
        )
    return sorted(out, key=lambda w: (w["expires"] is None, w["expires"] or "", w["id"]))


def due_dates(policy: Policy, today: dt.date) -> list[Dated]:
    """Everything the policy says falls due, soonest first: the policy's, the
    tools' and the documents' next reviews; each repeated safeguard (training,
    audits, reviews: ``:last-done:`` plus its ``:frequency:``); each waiver's
    expiry. Drafts are left out: they count for nothing until adopted."""
    out: list[Dated] = []

    def add(item: Item, what: str, due: dt.date | None) -> None:
        if due is None:
            return
        out.append(
            Dated(
                item=item.id,
                title=item.title,
                what=what,
                due=due.isoformat(),
                days=(due - today).days,
            )
        )

    if policy.policy is not None:
        add(
            policy.policy, "policy review", to_date(policy.policy.fields.get("next-review"))
        )
    for kind, what in (("tool", "tool review"), ("document", "document review")):
        for item in policy.of_kind(kind):  # type: ignore[arg-type]
            if not item.draft:
                add(item, what, to_date(item.fields.get("next-review")))
    for control in policy.of_kind("control"):
        frequency = control.fields.get("frequency")
        last = to_date(control.fields.get("last-done"))
        # the repeated kinds the rules date (training, audits, reviews): a
        # moderation setting's :last-done: is a record, not a due date
        if (
            control.draft
            or control.fields.get("kind") not in RECURRING_KINDS
            or last is None
            or frequency not in FREQUENCY_DAYS
        ):
            continue
        kind = str(control.fields["kind"])  # one of RECURRING_KINDS (above)
        what = CONTROL_WHAT.get(kind, kind.replace("-", " "))
        try:
            due = last + dt.timedelta(days=FREQUENCY_DAYS[frequency])
        except OverflowError:  # a date at the end of the calendar
            continue
        add(control, what, due)
    for waiver in policy.of_kind("waiver"):
        add(waiver, "waiver expiry", to_date(waiver.fields.get("expires")))
    return sorted(out, key=lambda d: (d["due"], d["item"], d["what"]))


def count_due(school: School, days: int) -> int:
    """How many things fall due within ``days`` of the check date (not overdue)."""
    return sum(1 for d in school["due"] if d["days"] <= days)


def status_counts(schools: list[School]) -> dict[str, int]:
    counts = Counter(s["status"] for s in schools)
    return {status: counts[status] for status in ("pass", "findings", "error")}
