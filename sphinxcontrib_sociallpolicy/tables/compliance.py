"""``sm-compliance``: the overall status, findings by severity and rule, each linked
to its item and its source file and line."""

from __future__ import annotations

from collections import Counter

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.nodes import make_refnode

from ..base import BaseState, base_state
from ..config import get_config
from ..model import Finding
from ..project import ProjectState, note_doc, section_of
from ..render import Cell, inline_markup, make_table, ref
from ..schema import SEVERITIES
from ..status import COMPLIANCE_ANCHOR, OVERRIDES_ANCHOR, findings_anchor
from ..warnings import SmWarning, warn
from . import Registration, TableDirective, sm_table, status_cell, unchanged

#: the ways the findings table can be laid out (``:findings:``)
FINDINGS_LAYOUTS = ("auto", "each", "by-rule")
#: with ``:findings: auto``, more findings than this are shown by rule
GROUP_FINDINGS_OVER = 200
#: items named in one row of the findings by rule; a rule that found more continues
#: on the next rows (a table row cannot break across a PDF page, and TeX reads a
#: paragraph of a thousand links as one line longer than it can hold)
ITEMS_PER_ROW = 25


class ComplianceDirective(TableDirective):
    kind = "compliance"
    option_spec = {"findings": unchanged}

    def run(self) -> list[nodes.Node]:
        note_doc(self.env, "compliance")
        layout = self.options.get("findings")
        if layout is not None and layout.strip() not in FINDINGS_LAYOUTS:
            warn(
                SmWarning.OPTION,
                f"sm-compliance: :findings: {layout.strip()!r} is not a layout of the "
                f"findings table; write one of {', '.join(FINDINGS_LAYOUTS)} (auto, the "
                f"default, shows them by rule when there are more than "
                f"{GROUP_FINDINGS_OVER})",
                (self.env.docname, self.lineno),
            )
            self.options.pop("findings")
        return super().run()


DIRECTIVE = Registration("sm-compliance", ComplianceDirective)


def where_nodes(app: Sphinx, fromdoc: str, finding: Finding) -> list[nodes.Node]:
    """Where a finding is, in readers' words: the chapter and the section of the
    item, linked to the section (file and line stay in check's and the reports'
    output, for CI)."""
    if not finding.docname:
        return [nodes.emphasis("the whole policy", "the whole policy")]
    env = app.env
    title = env.titles.get(finding.docname)
    chapter = title.astext() if title is not None else finding.docname
    place = section_of(env, finding.docname, finding.item)
    words = chapter
    anchor = finding.item  # the item itself, where its section is not known
    if place is not None:
        section, anchor = place
        if section and section != chapter:
            words = f"{chapter}: {section}"
    text = nodes.inline(words, words)
    try:
        return [make_refnode(app.builder, fromdoc, finding.docname, anchor, text)]
    except Exception:  # noqa: BLE001 - a builder that cannot link: the words
        return [text]


def _anchor(node: nodes.Element, document: nodes.document, anchor: str) -> None:
    if anchor not in document.ids:
        node["ids"].append(anchor)
        document.ids[anchor] = node


def _doc_link(app: Sphinx, fromdoc: str, docname: str) -> nodes.Node:
    title = app.env.titles.get(docname)
    words = title.astext() if title is not None else docname
    text = nodes.inline(words, words)
    try:
        return make_refnode(app.builder, fromdoc, docname, "", text)
    except Exception:  # noqa: BLE001 - a builder that cannot link: the words
        return text


def base_nodes(
    app: Sphinx, trust: BaseState, document: nodes.document, docname: str
) -> list[nodes.Node]:
    """The trust base: its name, its shared chapters (where each is included, or
    that it is not) and every override of a base item, with its reason."""
    base = trust.base
    intro = nodes.paragraph(classes=["sm-base"])
    intro += nodes.strong("Trust base", "Trust base")
    intro += nodes.Text(
        f": this policy builds on the base of {base.name}. Its requirements apply "
        "and cannot be switched off; its shared chapters hold safeguards and "
        "documents for every school."
    )
    out: list[nodes.Node] = [intro]
    if base.chapters:
        chapters = nodes.bullet_list(classes=["sm-base-chapters"])
        for chapter in base.chapters:
            entry = nodes.paragraph()
            entry += nodes.Text("Shared chapter ")
            entry += nodes.literal(chapter, chapter)
            pages = trust.included.get(chapter)
            if pages:
                entry += nodes.Text(": included in ")
                for index, page in enumerate(pages):
                    if index:
                        entry += nodes.Text(", ")
                    entry += _doc_link(app, docname, page)
                entry += nodes.Text(".")
            else:
                missing = (
                    "not included in this policy: its safeguards and documents are missing"
                )
                entry += nodes.Text(": ")
                entry += nodes.strong(missing, missing, classes=["sm-base-missing"])
                entry += nodes.Text(
                    f". Include it with the directive sm-base-chapter {chapter}."
                )
            chapters += nodes.list_item("", entry)
        out.append(chapters)
    if not trust.overrides:
        none = nodes.paragraph(
            text="Overrides: no item of the trust base is replaced by this school.",
            classes=["sm-overrides-none"],
        )
        _anchor(none, document, OVERRIDES_ANCHOR)
        out.append(none)
        return out
    rows: list[list[Cell]] = []
    for override in trust.overrides:
        reason: list[nodes.Node] = (
            [nodes.Text(override.reason)]
            if override.reason
            else [nodes.emphasis("no reason given", "no reason given")]
        )
        where = Finding(
            rule="",
            severity="",
            item=override.replacement,
            message="",
            docname=override.docname,
        )
        rows.append(
            [
                [ref(override.replaced), nodes.Text(f" {override.replaced_title}")],
                [ref(override.replacement), nodes.Text(f" {override.replacement_title}")],
                reason,
                where_nodes(app, docname, where),
            ]
        )
    table = make_table(
        ["Base item", "Replaced by", "Reason", "Where"],
        rows,
        widths=[26, 26, 32, 16],
        title="Overrides of the trust base",
        classes=["sm-table", "sm-overrides"],
    )
    _anchor(table, document, OVERRIDES_ANCHOR)
    out.append(table)
    return out


def _sort(f: Finding) -> tuple[int, str, str, int]:
    return (SEVERITIES.index(f.severity), f.rule, f.source, f.line)


def findings_table(
    app: Sphinx,
    state: ProjectState,
    findings: list[Finding],
    document: nodes.document,
    docname: str,
) -> nodes.table:
    """One row per finding: rule, severity, item, where, what to do, status."""
    rows: list[list[Cell]] = []
    cell_classes = []
    for finding in findings:
        shown, classes = status_cell(finding.status)
        message: list[nodes.Node] = inline_markup(finding.message)
        if finding.status == "waived" and finding.reason:
            message += [
                nodes.Text(" Waived: "),
                nodes.emphasis(finding.reason, finding.reason),
            ]
        item: list[nodes.Node] = (
            [ref(finding.item)]
            if finding.item in state.policy.items
            else [nodes.literal(finding.item, finding.item)]
        )
        rows.append(
            [
                [nodes.literal(finding.rule, finding.rule, classes=["sm-id"])],
                finding.severity,
                item,
                where_nodes(app, docname, finding),
                message,
                shown,
            ]
        )
        cell_classes.append([[], [], [], [], [], classes])
    table = make_table(
        ["Rule", "Severity", "Item", "Where", "What to do", "Status"],
        rows,
        widths=[16, 8, 16, 14, 36, 10],
        title="Findings",
        classes=["sm-table", "sm-findings"],
        cell_classes=cell_classes,
    )
    # each item's first row is where its status mark links to
    body = next(table.findall(nodes.tbody))
    for finding, row in zip(findings, body.findall(nodes.row), strict=False):
        anchor = findings_anchor(finding.item)
        if anchor not in document.ids:
            row["ids"].append(anchor)
            document.ids[anchor] = row
    return table


def findings_by_rule(
    state: ProjectState, findings: list[Finding], document: nodes.document
) -> list[nodes.Node]:
    """One row per rule and status, with the items it found: a table that stays
    short and readable when there are hundreds of findings. Each item's status mark
    links to the first row naming it; what to do for each item is in its warning,
    ``sociallpolicy check`` and ``sm-report.json``."""
    titles = {info.id: info.title for info in state.requirements}
    groups: dict[tuple[str, str, str], list[Finding]] = {}
    for finding in findings:
        key = (finding.severity, finding.rule, finding.status)
        groups.setdefault(key, []).append(finding)
    n = len(findings)
    said = (
        f"There are {n} findings, shown by rule: one row for each rule and status, "
        f"with the items it found ({ITEMS_PER_ROW} a row, so a rule that found more "
        "continues on the next rows). Each item's status mark links to the first row "
        "that names it. What to do for each item is in its warning in the build, in "
        "the output of sociallpolicy check and in sm-report.json."
    )
    out: list[nodes.Node] = [nodes.paragraph(said, said, classes=["sm-findings-note"])]
    rows: list[list[Cell]] = []
    cell_classes = []
    for (severity, rule, status), found in groups.items():
        classes = status_cell(status)[1]
        found_items = list(dict.fromkeys(finding.item for finding in found))
        count = len(found_items)
        for first in range(0, count, ITEMS_PER_ROW):
            batch = found_items[first : first + ITEMS_PER_ROW]
            if count <= ITEMS_PER_ROW:
                said = f"{count} item{'s' if count != 1 else ''}: "
            elif first == 0:
                said = f"{count} items, 1 to {len(batch)}: "
            else:
                said = f"{first + 1} to {first + len(batch)}: "
            items: list[nodes.Node] = [nodes.Text(said)]
            for index, item_id in enumerate(batch):
                if index:
                    items.append(nodes.Text(", "))
                anchor = findings_anchor(item_id)
                if anchor not in document.ids:
                    # the place the item's status mark links to
                    target = nodes.target("", "", ids=[anchor])
                    document.ids[anchor] = target
                    items.append(target)
                items.append(
                    ref(item_id)
                    if item_id in state.policy.items
                    else nodes.literal(item_id, item_id)
                )
            rows.append(
                [
                    [nodes.literal(rule, rule, classes=["sm-id"])],
                    severity,
                    titles.get(rule, ""),
                    items,
                    status_cell(status)[0],  # nodes of its own for each row
                ]
            )
            cell_classes.append([[], [], [], [], classes])
    out.append(
        make_table(
            ["Rule", "Severity", "Requirement", "Items", "Status"],
            rows,
            widths=[16, 8, 24, 42, 10],
            title="Findings by rule",
            classes=["sm-table", "sm-findings", "sm-findings-by-rule"],
            cell_classes=cell_classes,
        )
    )
    return out


def build(
    app: Sphinx, state: ProjectState, node: sm_table, docname: str
) -> list[nodes.Node]:
    config = get_config(app)
    evaluation = state.evaluation
    sentence = evaluation.overall()
    css = "sm-overall-pass" if evaluation.passed else "sm-overall-fail"
    basis = "Results: " + evaluation.basis_sentence()
    overall = nodes.paragraph(
        "", "", nodes.strong(sentence, sentence), classes=["sm-overall", css]
    )
    document = node.document
    assert document is not None  # a placeholder in a document being written
    if COMPLIANCE_ANCHOR not in document.ids:
        overall["ids"].append(COMPLIANCE_ANCHOR)
        document.ids[COMPLIANCE_ANCHOR] = overall
    out: list[nodes.Node] = [
        overall,
        nodes.paragraph(basis, basis, classes=["sm-basis"]),
    ]
    drafts = evaluation.drafts()
    if drafts:
        text = f"{evaluation.drafts_sentence()}; until adopted, they count for nothing: "
        para = nodes.paragraph(classes=["sm-drafts"])
        para += nodes.Text(text)
        for index, finding in enumerate(drafts):
            if index:
                para += nodes.Text(", ")
            para += ref(finding.item)
        para += nodes.Text(".")
        out.append(para)
    checked = (
        f"Checked on {config.today.isoformat()} against "
        + (
            ", ".join(
                f"{title} ({pack} {version})" for pack, title, version, _ in state.packs
            )
            or "no guidance pack"
        )
        + "."
    )
    out.append(nodes.paragraph(text=checked))
    trust = base_state(state)
    if trust is not None:
        out.extend(base_nodes(app, trust, document, docname))

    if evaluation.news:
        approved = (
            state.policy.policy.fields.get("approved-on") if state.policy.policy else ""
        )
        news = nodes.paragraph(classes=["sm-news"])
        news += nodes.strong(
            "New or changed since this policy was approved",
            "New or changed since this policy was approved",
        )
        news += nodes.Text(f" (on {approved}): review the policy against each.")
        items = nodes.bullet_list(classes=["sm-news-list"])
        for requirement in evaluation.news:
            entry = nodes.paragraph()
            entry += ref(requirement.id)
            when = requirement.news.isoformat() if requirement.news else ""
            entry += nodes.Text(
                f" {requirement.title} ({requirement.news_kind()} {when}; "
                f"{requirement.severity})"
            )
            items += nodes.list_item("", entry)
        out.extend([news, items])
    counts: Counter[tuple[str, str]] = Counter(
        (f.severity, f.status) for f in state.findings
    )
    summary_rows = []
    for severity in SEVERITIES:
        summary_rows.append(
            [severity]
            + [str(counts[(severity, status)]) for status in ("open", "waived", "disabled")]
        )
    out.append(
        make_table(
            ["Severity", "Open", "Waived", "Disabled"],
            summary_rows,
            widths=[40, 20, 20, 20],
            title="Findings by severity",
            classes=["sm-table", "sm-compliance-summary"],
            longtable=False,
        )
    )
    findings = sorted(state.findings, key=_sort)
    layout = (node["options"].get("findings") or "auto").strip()
    if findings and (
        layout == "by-rule" or (layout == "auto" and len(findings) > GROUP_FINDINGS_OVER)
    ):
        out.extend(findings_by_rule(state, findings, document))
    elif findings:
        out.append(findings_table(app, state, findings, document, docname))
    else:
        out.append(nodes.paragraph(text="There are no findings."))
    if state.disabled:
        disabled = ", ".join(sorted(state.disabled))
        out.append(
            nodes.paragraph(
                text=f"Requirements switched off in conf.py (sm_disable): {disabled}.",
                classes=["sm-disabled"],
            )
        )
    return out
