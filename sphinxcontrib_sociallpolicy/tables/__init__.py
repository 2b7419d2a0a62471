"""The whole-project tables: ``sm-register``, ``sm-risk-register``, ``sm-matrix``,
``sm-compliance``.

Each directive only leaves a data-only :class:`sm_table` placeholder (and notes that
its page shows the whole project: an incremental build rewrites the page when what
its table shows changed, see :func:`..project.page_shows`; a module's ``inputs``
says what that is, and without one the page is rewritten whenever any item
changes). At ``doctree-resolved`` every placeholder
is replaced by docutils nodes built from this build's
:class:`~..project.ProjectState`: generic tables that every builder writes, HTML and
LaTeX alike.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from ..project import TABLE_INPUTS, ProjectState, get_state, note_table
from ..render import allow_latex_breaks, linking
from ..warnings import SmWarning, warn
from .filters import FILTER_KINDS, FilterError, compile_filter

STATUS_WORDS = {
    "met": "met",
    "attested": "attested",
    "open": "open",
    "waived": "waived",
    "disabled": "disabled",
    None: "n/a",
}


class sm_table(nodes.General, nodes.Element):  # noqa: N801 - docutils node naming
    """Placeholder for a whole-project table; ``kind`` and ``options`` say which."""


Builder = Callable[[Sphinx, ProjectState, sm_table, str], list[nodes.Node]]
BUILDERS: dict[str, Builder] = {}


class TableDirective(SphinxDirective):
    """Base of the table directives: options are kept as given, for the write phase."""

    kind: ClassVar[str]
    has_content = False
    option_spec: ClassVar[dict[str, Any]] = {}

    def run(self) -> list[nodes.Node]:
        node = sm_table()
        node["kind"] = self.kind
        node["options"] = dict(self.options)
        node.source, node.line = self.get_source_info()
        node["location"] = (self.env.docname, self.lineno)
        if (text := self.options.get("filter")) and self.kind in FILTER_KINDS:
            try:
                compile_filter(text, FILTER_KINDS[self.kind])
            except FilterError as error:
                warn(SmWarning.OPTION, f"{self.name}: :filter: {error}", node["location"])
                node["filter_error"] = str(error)
        note_table(self.env, self.kind, self.options)
        return [node]


def status_cell(status: str | None, extra: str = "") -> tuple[list[nodes.Node], list[str]]:
    """A cell's nodes and classes for a status, in words (colour is only added)."""
    word = STATUS_WORDS[status]
    text = f"{word} {extra}".strip()
    return [nodes.inline(text, text, classes=[f"sm-status-{word.replace('/', '')}"])], [
        f"sm-cell-{word.replace('/', '')}"
    ]


#: the attribute of a table whose body cells start with a label (see label_cells)
CELL_LABELS = "sm_cell_labels"


def label_cells(tables: list[nodes.table]) -> None:
    """Have each body cell of ``tables`` start with its column's header,
    as a hidden label: on a narrow screen the stylesheet shows a table row as a
    card, and the labels say what each value is (hidden otherwise). The headers are
    kept on the table (``sm_cell_labels``); the HTML writer puts each label at the
    start of its cell's paragraph (:func:`..html.visit_paragraph`), so the tree
    holds no extra node per cell."""
    for table in tables:
        group = _child(table, nodes.tgroup)
        head = _child(group, nodes.thead) if group is not None else None
        body = _child(group, nodes.tbody) if group is not None else None
        if head is None or body is None or not len(head):
            continue
        table[CELL_LABELS] = [entry.astext() for entry in head[0].children]


def _child(node: nodes.Element, kind: type[nodes.Element]) -> Any:
    """The first child of ``node`` of the class ``kind`` (None if none)."""
    return next((child for child in node.children if isinstance(child, kind)), None)


def _tables_in(new: list[nodes.Node]) -> list[nodes.table]:
    """The tables among ``new`` (a builder's nodes), in order, without a walk
    through each table's thousands of cells (no table of ours holds another)."""
    found: list[nodes.table] = []
    for node in new:
        if isinstance(node, nodes.table):
            found.append(node)
        elif isinstance(node, nodes.Element):
            found.extend(node.findall(nodes.table))
    return found


def replace_tables(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``: build each placeholder's table."""
    found = list(doctree.findall(sm_table))
    if not found:
        return
    state = get_state(app)
    for node in found:
        builder = BUILDERS[node["kind"]]
        with linking(app, docname):  # item links are made as the table is built
            new = builder(app, state, node, docname)
        container = nodes.container(classes=["sm-table-wrapper", f"sm-{node['kind']}"])
        if node.get("filter_error"):
            said = (
                "This table's filter could not be read, so it shows every item: "
                f":filter: {node['filter_error']}"
            )
            container += nodes.paragraph(said, said, classes=["sm-filter-error"])
        container.extend(new)
        tables = _tables_in(new)
        for number, table in enumerate(tables, 1):
            if not table["ids"]:  # captioned tables need an anchor of their own
                base = f"sm-{node['kind']}-{number}"
                table_id, suffix = base, 1
                while table_id in doctree.ids:
                    suffix += 1
                    table_id = f"{base}-{suffix}"
                table["ids"].append(table_id)
                doctree.ids[table_id] = table
        if app.builder.format == "html":
            label_cells(tables)
        if app.builder.format == "latex":
            # smaller type, and break points in long words, so tables fit the page
            allow_latex_breaks(container)
            container.insert(0, nodes.raw("", r"\begingroup\footnotesize", format="latex"))
            container.append(nodes.raw("", r"\endgroup", format="latex"))
        node.replace_self(container)


def setup_tables(app: Sphinx) -> None:
    from . import compliance, matrix, register, risks

    app.add_node(sm_table)
    for module in (register, risks, matrix, compliance):
        directive = module.DIRECTIVE
        app.add_directive(directive.name, directive.cls)
        BUILDERS[directive.cls.kind] = module.build
        inputs = getattr(module, "inputs", None)
        if inputs is not None:
            TABLE_INPUTS[directive.cls.kind] = inputs
    # after the links (render.resolve_refs, 380) and status marks (status, 390) the
    # page itself holds, which the tables hold none of: neither walks them
    app.connect("doctree-resolved", replace_tables, priority=400)


class Registration:
    def __init__(self, name: str, cls: type[TableDirective]) -> None:
        self.name = name
        self.cls = cls


flag = directives.flag
unchanged = directives.unchanged
