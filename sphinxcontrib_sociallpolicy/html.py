"""HTML-only touches that help readers of our tables (the LaTeX side is in
:mod:`.latex`):

- header cells say what they head (``scope="col"``; ``scope="row"`` on stub
  cells), so a screen reader announces a cell's column and row;
- item IDs may break after an underscore and nowhere else (``<wbr>`` after each
  ``_``), so a long ID wraps in a narrow column without splitting a word;
- the box each table scrolls in is a labelled region that keyboards can reach
  (``tabindex="0" role="region" aria-label="..."``, the label a constant per kind
  of table), so it can be scrolled without a mouse.

Only constant markup is added; every user text stays a text node, escaped by the
writer.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

from .tables import CELL_LABELS

#: the element that may break an ID after an underscore (constant markup)
WORD_BREAK = "<wbr>"


def _our_table(entry: nodes.Element) -> bool:
    table = entry.parent.parent.parent.parent if entry.parent is not None else None
    return isinstance(table, nodes.table) and "sm-table" in table["classes"]


def visit_entry(self: Any, node: nodes.entry) -> None:
    """Sphinx's own cell, with a ``scope`` on our header cells."""
    _VISIT(self, node)
    if not _our_table(node):
        return
    last = self.body[-1]
    if last.startswith("<th"):
        scope = "col" if isinstance(node.parent.parent, nodes.thead) else "row"
        self.body[-1] = last.replace("<th", f'<th scope="{scope}"', 1)


def depart_entry(self: Any, node: nodes.entry) -> None:
    _DEPART(self, node)


def _html_translator() -> Any:
    from sphinx.writers.html5 import HTML5Translator

    return HTML5Translator


_VISIT = _html_translator().visit_entry
_DEPART = _html_translator().depart_entry
_VISIT_CONTAINER = _html_translator().visit_container
_DEPART_CONTAINER = _html_translator().depart_container
_VISIT_LITERAL = _html_translator().visit_literal
_VISIT_PARAGRAPH = _html_translator().visit_paragraph
_DEPART_PARAGRAPH = _html_translator().depart_paragraph
_DEPART_LITERAL = _html_translator().depart_literal

#: the name of each kind of table, for its scrolling region (constants only)
REGION_LABELS = {
    "sm-register": "Register of approved accounts",
    "sm-risk-register": "Risk register",
    "sm-matrix": "Traceability matrix",
    "sm-compliance": "Compliance summary",
    "sm-key-facts-wrapper": "Key facts",
}


def visit_container(self: Any, node: nodes.container) -> None:
    """Sphinx's own ``div``; our tables' wrapper becomes a reachable region."""
    _VISIT_CONTAINER(self, node)
    if "sm-table-wrapper" not in node["classes"]:
        return
    label = next(
        (name for css, name in REGION_LABELS.items() if css in node["classes"]),
        "Table",
    )
    last = self.body[-1]
    if last.startswith("<div"):
        self.body[-1] = last.replace(
            "<div", f'<div tabindex="0" role="region" aria-label="{label}"', 1
        )


def depart_container(self: Any, node: nodes.container) -> None:
    _DEPART_CONTAINER(self, node)


def visit_literal(self: Any, node: nodes.literal) -> None:
    """Sphinx's own ``code``; an item ID shown as code (``sm-id``) may break after
    each underscore: the same as its pieces and a ``<wbr>`` between them, written
    here rather than as extra nodes, so no page needs another pass over its tree."""
    _VISIT_LITERAL(self, node)
    text = node.astext()
    if "sm-id" not in node["classes"] or "_" not in text or len(node.children) != 1:
        return
    pieces = text.split("_")
    for index, piece in enumerate(pieces):
        last = index == len(pieces) - 1
        self.visit_Text(nodes.Text(piece if last else piece + "_"))
        if not last:
            self.body.append(WORD_BREAK)
    _DEPART_LITERAL(self, node)
    raise nodes.SkipNode


def depart_literal(self: Any, node: nodes.literal) -> None:
    _DEPART_LITERAL(self, node)


def cell_label(paragraph: nodes.paragraph) -> str | None:
    """The label a table cell starts with (``Header: ``), when ``paragraph`` opens a
    body cell of a table marked by :func:`.tables.label_cells`; else None."""
    entry = paragraph.parent
    if not isinstance(entry, nodes.entry) or entry.children[0] is not paragraph:
        return None
    row = entry.parent
    body = row.parent if row is not None else None
    if not isinstance(body, nodes.tbody) or body.parent is None:
        return None
    table = body.parent.parent
    headers = table.get(CELL_LABELS) if isinstance(table, nodes.table) else None
    if not headers:
        return None
    column = row.children.index(entry)
    header = headers[column] if column < len(headers) else ""
    return f"{header}: " if header else None


def visit_paragraph(self: Any, node: nodes.paragraph) -> None:
    """Sphinx's own ``p``; in a cell of our tables, its hidden label first (the same
    markup as an ``inline`` of the class ``sm-cell-label``: constant markup, and the
    header's text escaped by the writer)."""
    _VISIT_PARAGRAPH(self, node)
    label = cell_label(node)
    if label:
        self.body.append(f'<span class="sm-cell-label">{self.encode(label)}</span>')


def depart_paragraph(self: Any, node: nodes.paragraph) -> None:
    _DEPART_PARAGRAPH(self, node)


def setup_html(app: Sphinx) -> None:
    app.add_node(nodes.entry, override=True, html=(visit_entry, depart_entry))
    app.add_node(nodes.container, override=True, html=(visit_container, depart_container))
    app.add_node(nodes.literal, override=True, html=(visit_literal, depart_literal))
    app.add_node(nodes.paragraph, override=True, html=(visit_paragraph, depart_paragraph))
