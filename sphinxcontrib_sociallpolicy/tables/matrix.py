"""``sm-matrix``: requirement traceability — one row per requirement, one column per
tool (and one for the policy as a whole), with coverage per requirement and per tool.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx

from ..guidance.engine import POLICY_COLUMN, Evaluation
from ..model import Item, RequirementInfo
from ..options import split_list
from ..project import ProjectState
from ..render import make_table, ref
from ..warnings import SmWarning, warn
from . import Registration, TableDirective, sm_table, status_cell, unchanged
from .filters import select

#: tool columns per table in LaTeX/PDF, so a wide matrix splits instead of overflowing
PDF_TOOLS_PER_TABLE = 5


class MatrixDirective(TableDirective):
    kind = "matrix"
    option_spec = {"filter": unchanged, "rows": unchanged, "columns": unchanged}


DIRECTIVE = Registration("sm-matrix", MatrixDirective)


def _unknown(node: sm_table, option: str, unknown: list[str], allowed: list[str]) -> None:
    """Warn (``sm.option``, at the directive) about values that select nothing."""
    if not unknown:
        return
    names = ", ".join(repr(name) for name in unknown)
    warn(
        SmWarning.OPTION,
        f"sm-matrix: :{option}: {names} matches nothing; allowed: " + ", ".join(allowed),
        node["location"],
    )


def _select_rows(
    state: ProjectState, node: sm_table, rows_option: str | None
) -> list[RequirementInfo]:
    if not rows_option:
        return list(state.requirements)
    wanted = split_list(rows_option)
    packs = list(dict.fromkeys(r.pack for r in state.requirements))
    themes = sorted({r.theme for r in state.requirements})
    _unknown(
        node,
        "rows",
        [w for w in wanted if w not in packs and w not in themes],
        [f"a guidance pack ({', '.join(packs)})", f"a theme ({', '.join(themes)})"],
    )
    chosen = set(wanted)
    return [r for r in state.requirements if r.pack in chosen or r.theme in chosen]


def _select_tools(app: Sphinx, state: ProjectState, node: sm_table) -> list[Item]:
    all_tools = state.policy.of_kind("tool")
    tools = select(app, state, ("tool",), node["options"].get("filter"), all_tools)
    if columns := node["options"].get("columns"):
        wanted = split_list(columns)
        ids = [t.id for t in all_tools]
        platforms = sorted({str(t.fields.get("platform")) for t in all_tools})
        _unknown(
            node,
            "columns",
            [w for w in wanted if w not in ids and w not in platforms],
            [f"a tool ID ({', '.join(ids)})", f"a platform ({', '.join(platforms)})"],
        )
        chosen = set(wanted)
        tools = [t for t in tools if t.id in chosen or t.fields.get("platform") in chosen]
    return tools


def _coverage(words: list[str | None]) -> str:
    met, applicable = Evaluation.coverage_of(words)
    return f"{met} of {applicable}" if applicable else "n/a"


#: the matrix legend: each cell word and what it means
LEGEND = (
    ("met", "checked from the facts written in the policy or the platform catalogue"),
    ("attested", "met because an adopted safeguard or school document stands for it"),
    ("open", "not met: see the findings"),
    ("waived", "not met, with an approved, dated exception"),
    ("disabled", "switched off in conf.py"),
    ("n/a", "does not apply"),
)


def matrix_key(state: ProjectState) -> nodes.paragraph:
    """What the cell words mean, with how many results rest on each basis."""
    para = nodes.paragraph(classes=["sm-matrix-legend"])
    para += nodes.strong("Key: ", "Key: ")
    for index, (word, meaning) in enumerate(LEGEND):
        if index:
            para += nodes.Text("; ")
        para += nodes.emphasis(word, word)
        para += nodes.Text(f" {meaning}")
    para += nodes.Text(". " + state.evaluation.basis_sentence())
    return para


def build(
    app: Sphinx, state: ProjectState, node: sm_table, docname: str
) -> list[nodes.Node]:
    requirements = _select_rows(state, node, node["options"].get("rows"))
    tools = _select_tools(app, state, node)
    if not requirements:
        return [nodes.paragraph(text="No requirements match.", classes=["sm-empty"])]
    table_cells = state.evaluation.cells()
    known = set(state.policy.items) | state.known_ids
    columns = [t.id for t in tools] + [POLICY_COLUMN]
    if app.builder.format == "latex":
        chunks = [
            columns[i : i + PDF_TOOLS_PER_TABLE]
            for i in range(0, len(columns), PDF_TOOLS_PER_TABLE)
        ]
    else:
        chunks = [columns]
    titles = {t.id: t for t in tools}
    out: list[nodes.Node] = [matrix_key(state)]
    for number, chunk in enumerate(chunks, 1):
        rows: list[list[object]] = []
        cell_classes: list[list[list[str]]] = []
        for req in requirements:
            name: list[nodes.Node] = [
                ref(req.id) if req.id in known else nodes.literal(req.id, req.id)
            ]
            name += [nodes.Text(f" {req.title} ({req.severity})")]
            row: list[object] = [name]
            classes: list[list[str]] = [[]]
            for column in chunk:
                shown, css = status_cell(table_cells.get((req.id, column)))
                row.append(shown)
                classes.append(css)
            row.append(_coverage([table_cells.get((req.id, c)) for c in columns]))
            classes.append(["sm-coverage"])
            rows.append(row)
            cell_classes.append(classes)
        coverage_row: list[object] = [[nodes.strong("Coverage", "Coverage")]]
        for column in chunk:
            coverage_row.append(
                _coverage([table_cells.get((r.id, column)) for r in requirements])
            )
        coverage_row.append(
            _coverage([table_cells.get((r.id, c)) for r in requirements for c in columns])
        )
        rows.append(coverage_row)
        cell_classes.append([["sm-coverage"]] * (len(chunk) + 2))
        headers = ["Requirement"]
        for column in chunk:
            headers.append("Policy" if column == POLICY_COLUMN else titles[column].title)
        headers.append("Coverage")
        first = 30 if len(chunk) > 3 else 40
        rest = (100 - first - 10) // max(len(chunk), 1)
        title = None
        if len(chunks) > 1:
            title = f"Traceability matrix, part {number} of {len(chunks)}"
        out.append(
            make_table(
                headers,
                rows,  # type: ignore[arg-type]
                widths=[first] + [rest] * len(chunk) + [10],
                title=title,
                classes=["sm-table", "sm-matrix-table"],
                cell_classes=cell_classes,
            )
        )
        # the tool IDs under the column titles, so every column links to its tool
        legend = nodes.paragraph(classes=["sm-matrix-columns"])
        legend += nodes.Text("Columns: ")
        for index, column in enumerate(c for c in chunk if c != POLICY_COLUMN):
            if index:
                legend += nodes.Text(", ")
            legend += nodes.Text(f"{titles[column].title} ")
            legend += ref(column)
        out.append(legend)
    return out
