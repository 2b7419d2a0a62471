"""Checking the policy: guidance packs, local requirements, then the warnings.

Runs as whole-project steps of :mod:`.project` (after every document is read), in
this order: :func:`evaluate_guidance` (the active packs over every item),
:func:`evaluate_local` (each ``sm-requirement`` is met by a control that
``:satisfies:`` it), :func:`report_findings` (each open finding at or above
``sm_fail_on`` becomes a warning ``sm.<rule id>`` at its item's line; lower ones are
printed as information; waived and disabled ones are only shown in the tables and
reports).
"""

from __future__ import annotations

from sphinx.application import Sphinx

from .config import get_config
from .model import Finding, RequirementInfo, Result
from .project import ANALYSERS, ProjectState, check_links
from .warnings import finding_subtype, info, warn


def evaluate_local(app: Sphinx, state: ProjectState) -> None:
    """Local requirements (``sm-requirement``): met when at least one control names
    the requirement in ``:satisfies:``."""
    config = get_config(app)
    for req in state.policy.of_kind("requirement"):
        severity = req.fields.get("severity", "should")
        state.requirements.append(
            RequirementInfo(
                id=req.id,
                title=req.title,
                severity=severity,
                source=req.fields.get("source", "this policy"),
                theme="local",
                pack="local",
                applies_to="policy",
                text=req.content,
            )
        )
        met = bool(state.policy.linked_to(req.id, "satisfies"))
        if req.id in config.disable:
            status = "disabled"
        else:
            status = "met" if met else "open"
        state.results.append(Result(rule=req.id, item=req.id, status=status))  # type: ignore[arg-type]
        if not met:
            state.findings.append(
                Finding(
                    rule=req.id,
                    severity=severity,
                    item=req.id,
                    message=(
                        "no safeguard meets this local requirement; add "
                        f":satisfies: {req.id} to the sm-control that meets it"
                    ),
                    docname=req.docname,
                    source=req.source,
                    line=req.line,
                    status="disabled" if status == "disabled" else "open",
                )
            )


def finding_message(finding: Finding) -> str:
    """The warning text of a finding: rule, severity, item, what to do."""
    return f"{finding.rule} ({finding.severity}) {finding.item}: {finding.message}"


def report_findings(app: Sphinx, state: ProjectState) -> None:
    """Open findings as warnings (at or above ``sm_fail_on``) or information."""
    config = get_config(app)
    state.disabled = frozenset(config.disable)
    for finding in sorted(state.findings, key=lambda f: (f.source, f.line, f.rule, f.item)):
        if finding.status != "open":
            continue
        location = (finding.docname, finding.line) if finding.docname else None
        if config.warns(finding.severity):
            warn(finding_subtype(finding.rule), finding_message(finding), location)
        else:
            info(f"{finding.source}:{finding.line}: {finding_message(finding)}", None)


def setup_evaluation(app: Sphinx) -> None:
    # guidance first: its requirement IDs are valid :satisfies: targets
    ANALYSERS[:] = [check_links, evaluate_local, report_findings]
