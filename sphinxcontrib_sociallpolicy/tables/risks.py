"""``sm-risk-register``: every risk by score, with an optional 5 x 5 heat map."""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx

from ..guidance.engine import item_digest
from ..model import Item, rating, score
from ..project import ProjectState
from ..render import DRAFT_MARK, make_table, ref, refs
from . import Registration, TableDirective, flag, sm_table, unchanged
from .filters import select


class RiskRegisterDirective(TableDirective):
    kind = "risk-register"
    option_spec = {"filter": unchanged, "heatmap": flag}


DIRECTIVE = Registration("sm-risk-register", RiskRegisterDirective)


def _score_cell(item: Item, lik: str, imp: str) -> tuple[list[nodes.Node], list[str]]:
    value = score(item.fields.get(lik), item.fields.get(imp))
    if value is None:
        return [nodes.emphasis("not rated", "not rated")], ["sm-cell-unrated"]
    words = rating(value)
    text = f"{item.fields[lik]} x {item.fields[imp]} = {value} ({words})"
    css = "sm-rating-" + words.replace(" ", "-")
    return [nodes.inline(text, text, classes=[css])], [css]


def _sort_key(item: Item) -> tuple[int, int, str]:
    inherent = score(item.fields.get("likelihood"), item.fields.get("impact")) or 0
    residual = (
        score(item.fields.get("residual-likelihood"), item.fields.get("residual-impact"))
        or 0
    )
    return (-inherent, -residual, item.id)


def _affects(item: Item) -> list[nodes.Node]:
    if "affects" in item.fields.get("all", ()):
        return [nodes.Text("all tools")]
    return refs(item.links.get("affects", [])) or [nodes.emphasis("none", "none")]


#: the options of a risk the risk register shows
SHOWN = (
    "category",
    "likelihood",
    "impact",
    "residual-likelihood",
    "residual-impact",
    "owner",
    "all",
)


def inputs(app: Sphinx, state: ProjectState, options: dict[str, str]) -> list[object]:
    """What the risk register shows (see :data:`..project.TABLE_INPUTS`): of every
    risk its ID, title, page, the options shown, whether it is a draft, and the
    items it links to with their pages; with a filter (which may read any option),
    all of the risk."""
    items = state.policy.items
    filtered = bool(options.get("filter"))
    shown: list[object] = []
    for risk in state.policy.of_kind("risk"):
        linked = [
            (i, items[i].docname if i in items else None)
            for link in ("affects", "mitigated-by")
            for i in risk.links.get(link, ())
        ]
        shown.append(
            (
                risk.id,
                risk.title,
                risk.docname,
                risk.draft,
                item_digest(risk) if filtered else [risk.fields.get(n) for n in SHOWN],
                linked,
            )
        )
    return shown


def build(
    app: Sphinx, state: ProjectState, node: sm_table, docname: str
) -> list[nodes.Node]:
    risks = sorted(
        select(
            app,
            state,
            ("risk",),
            node["options"].get("filter"),
            state.policy.of_kind("risk"),
        ),
        key=_sort_key,
    )
    if not risks:
        return [nodes.paragraph(text="No risks match.", classes=["sm-empty"])]
    rows = []
    cell_classes = []
    for risk in risks:
        inherent, inherent_css = _score_cell(risk, "likelihood", "impact")
        residual, residual_css = _score_cell(risk, "residual-likelihood", "residual-impact")
        owner = risk.fields.get("owner") or []
        rows.append(
            [
                [
                    nodes.strong(risk.title, risk.title),
                    nodes.Text(" "),
                    ref(risk.id),
                    *(
                        [
                            nodes.Text(" "),
                            nodes.emphasis(
                                DRAFT_MARK, DRAFT_MARK, classes=["sm-draft-mark"]
                            ),
                        ]
                        if risk.draft
                        else []
                    ),
                ],
                risk.fields.get("category", "not given"),
                _affects(risk),
                inherent,
                refs(risk.links.get("mitigated-by", []))
                or [nodes.emphasis("none", "none")],
                residual,
                ", ".join(owner) if owner else "not given",
            ]
        )
        cell_classes.append([[], [], [], inherent_css, [], residual_css, []])
    out: list[nodes.Node] = [
        make_table(
            [
                "Risk",
                "Category",
                "Affects",
                "Inherent risk",
                "Mitigated by",
                "Residual risk",
                "Owner",
            ],
            rows,
            widths=[22, 10, 14, 14, 16, 14, 10],
            classes=["sm-table", "sm-risk-table"],
            cell_classes=cell_classes,
        )
    ]
    if "heatmap" in node["options"]:
        out.extend(heatmap_or_note(risks))
    return out


def heatmap_or_note(risks: list[Item]) -> list[nodes.Node]:
    """The heat map of the rated risks, then the risks still to rate; with none
    rated, a sentence instead of an empty grid that would look like data."""
    rated = [r for r in risks if score(r.fields.get("likelihood"), r.fields.get("impact"))]
    unrated = [r for r in risks if r not in rated]
    out: list[nodes.Node] = []
    if rated:
        out.append(heatmap(rated))
    else:
        n = len(unrated)
        text = f"No risk is rated yet ({n} risk{'s' if n != 1 else ''} to rate)."
        out.append(nodes.paragraph(text, text, classes=["sm-heat-empty"]))
    if unrated and rated:
        para = nodes.paragraph(classes=["sm-heat-unrated"])
        para += nodes.Text(
            f"Not in the heat map, because their likelihood and impact are not both "
            f"rated ({len(unrated)}): "
        )
        para.extend(refs([r.id for r in unrated]))
        para += nodes.Text(".")
        out.append(para)
    elif unrated:
        para = nodes.paragraph(classes=["sm-heat-unrated"])
        para += nodes.Text("To rate: ")
        para.extend(refs([r.id for r in unrated]))
        para += nodes.Text(".")
        out.append(para)
    return out


def heatmap(risks: list[Item]) -> nodes.table:
    """5 x 5 likelihood x impact grid of the inherent scores: each cell names its
    rating in words and lists the risks in it."""
    grid: dict[tuple[int, int], list[str]] = {}
    for risk in risks:
        lik, imp = risk.fields.get("likelihood"), risk.fields.get("impact")
        if isinstance(lik, int) and isinstance(imp, int):
            grid.setdefault((lik, imp), []).append(risk.id)
    rows = []
    cell_classes = []
    for lik in range(5, 0, -1):
        row: list[object] = [f"Likelihood {lik}"]
        classes: list[list[str]] = [["sm-heat-axis"]]
        for imp in range(1, 6):
            words = rating(lik * imp)
            ids = grid.get((lik, imp), [])
            cell: list[nodes.Node] = [
                nodes.inline(words, words, classes=["sm-heat-rating"])
            ]
            if ids:
                cell.append(nodes.Text(": "))
                cell.extend(refs(ids))
            row.append(cell)
            classes.append(
                ["sm-heat", "sm-rating-" + words.replace(" ", "-")]
                + (["sm-heat-filled"] if ids else [])
            )
        rows.append(row)
        cell_classes.append(classes)
    return make_table(
        [
            "Likelihood \\ Impact",
            "Impact 1",
            "Impact 2",
            "Impact 3",
            "Impact 4",
            "Impact 5",
        ],
        rows,  # type: ignore[arg-type]
        widths=[15, 17, 17, 17, 17, 17],
        title="Heat map of inherent risk (likelihood x impact)",
        classes=["sm-table", "sm-heatmap"],
        cell_classes=cell_classes,
        longtable=False,
    )
