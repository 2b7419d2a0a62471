"""``sm-register``: the approved accounts register."""

from __future__ import annotations

from collections import Counter

from docutils import nodes
from sphinx.application import Sphinx

from ..guidance.engine import item_digest
from ..model import Item
from ..project import ProjectState
from ..render import Cell, make_table, ref
from ..status import platform_name
from . import Registration, TableDirective, sm_table, unchanged
from .filters import select


class RegisterDirective(TableDirective):
    """Every tool with its set-up, people, approval and compliance state."""

    kind = "register"
    option_spec = {"filter": unchanged}


DIRECTIVE = Registration("sm-register", RegisterDirective)


def _lines(*pairs: tuple[str, object]) -> list[nodes.Node]:
    """``Label value; Label value`` for the values that are given."""
    out: list[nodes.Node] = []
    given = [(label, value) for label, value in pairs if value not in (None, "", [])]
    for index, (label, value) in enumerate(given):
        text = ", ".join(value) if isinstance(value, list) else str(value)
        out.append(nodes.strong(label, label))
        # the separator in the same text as the value (one node fewer a value)
        out.append(nodes.Text(f" {text}; " if index < len(given) - 1 else f" {text}"))
    return out or [nodes.emphasis("not recorded", "not recorded")]


def compliance_of(state: ProjectState, tool: Item) -> tuple[str, str]:
    """(words, css state) of a tool: pass, n findings, or waived; a draft says so."""
    counts: Counter[str] = Counter(
        f.status for f in state.evaluation.findings_of(tool.id) if f.status != "disabled"
    )
    draft = "draft, not yet adopted; " if tool.draft else ""
    if counts["open"]:
        n = counts["open"]
        words = f"{draft}{n} finding{'s' if n != 1 else ''}"
        if counts["waived"]:
            words += f", {counts['waived']} waived"
        return words, "open"
    if counts["waived"]:
        return f"{draft}pass ({counts['waived']} waived)", "waived"
    return f"{draft}pass", "met"


#: the options of a tool the register shows
SHOWN = (
    "platform",
    "account",
    "visibility",
    "purpose",
    "audience",
    "owner",
    "admins",
    "comments",
    "membership",
    "moderation",
    "approved-by",
    "approved-on",
    "next-review",
)


def inputs(app: Sphinx, state: ProjectState, options: dict[str, str]) -> list[object]:
    """What the register shows (see :data:`..project.TABLE_INPUTS`): of every tool
    its ID, title, page, the options shown, whether it is a draft, its compliance
    and its platform's name; with a filter (which may read any option), all of the
    tool."""
    filtered = bool(options.get("filter"))
    return [
        (
            tool.id,
            tool.title,
            tool.docname,
            item_digest(tool) if filtered else [tool.fields.get(name) for name in SHOWN],
            compliance_of(state, tool),
            platform_name(state, tool.fields.get("platform")),
        )
        for tool in state.policy.of_kind("tool")
    ]


def build(
    app: Sphinx, state: ProjectState, node: sm_table, docname: str
) -> list[nodes.Node]:
    tools = select(
        app, state, ("tool",), node["options"].get("filter"), state.policy.of_kind("tool")
    )
    if not tools:
        return [nodes.paragraph(text="No tools match.", classes=["sm-empty"])]
    rows: list[list[Cell]] = []
    cell_classes = []
    for tool in tools:
        f = tool.fields
        words, css = compliance_of(state, tool)
        name: list[nodes.Node] = [
            nodes.strong(tool.title, tool.title),
            nodes.Text(" "),
            ref(tool.id),
        ]
        rows.append(
            [
                name,
                _lines(
                    ("Platform", platform_name(state, f.get("platform"))),
                    ("Account", f.get("account")),
                    ("Visible", f.get("visibility")),
                ),
                _lines(("Purpose", f.get("purpose")), ("Audience", f.get("audience"))),
                _lines(("Owner", f.get("owner")), ("Admins", f.get("admins"))),
                _lines(
                    ("Comments", f.get("comments")),
                    ("Membership", f.get("membership")),
                    ("Moderation", f.get("moderation")),
                ),
                _lines(
                    ("By", f.get("approved-by")),
                    ("On", f.get("approved-on")),
                    ("Next review", f.get("next-review")),
                ),
                [nodes.inline(words, words, classes=[f"sm-status-{css}"])],
            ]
        )
        cell_classes.append([[], [], [], [], [], [], [f"sm-cell-{css}"]])
    return [
        make_table(
            [
                "Tool",
                "Platform and account",
                "Purpose and audience",
                "People",
                "Set-up",
                "Approval",
                "Compliance",
            ],
            rows,
            widths=[18, 13, 16, 15, 15, 13, 10],
            classes=["sm-table", "sm-register-table"],
            cell_classes=cell_classes,
        )
    ]
