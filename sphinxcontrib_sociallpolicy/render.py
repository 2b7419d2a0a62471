"""Rendering of items as docutils nodes, for every builder.

Everything here builds generic docutils nodes (containers, paragraphs, field lists,
tables) from typed values: user text only ever becomes ``nodes.Text``, so it is escaped
by each writer (HTML and LaTeX alike). No RST or HTML string is built from user
values. Links between items are :class:`sm_ref` placeholders, resolved to references
in the write phase (:func:`resolve_refs`), when every item's page is known.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeAlias

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.nodes import make_refnode

from .model import rating, score
from .needs import ALL_FIELD, SECTIONS_FIELD
from .schema import STATUS_KINDS, ItemType, OptionSpec

LABELS = {
    "dsl": "DSL",
    "url": "Address",
    "pupil-ages": "Pupil ages",
    "contact-email": "Contact email",
    "email-domains": "Email domains",
    "review-cycle": "Review cycle (months)",
    "applies-to": "Applies to",
    "mitigated-by": "Mitigated by",
    "residual-likelihood": "Residual likelihood",
    "residual-impact": "Residual impact",
}


def inline_markup(text: str) -> list[nodes.Node]:
    """Messages as readers should see them: the one piece of markup the guidance
    packs use, `code` in backquotes, becomes inline code; everything else stays
    plain text. The text is never parsed as reStructuredText, so what a school or a
    pack writes cannot become markup, links or raw output."""
    out: list[nodes.Node] = []
    parts = text.split("`")
    if len(parts) % 2 == 0:  # an unmatched backquote: show the text as written
        return _with_ids(text)
    for index, part in enumerate(parts):
        if not part:
            continue
        if index % 2:
            out.append(nodes.literal(part, part))
        else:
            out.extend(_with_ids(part))
    return out


#: an item or rule ID in running text (capitals with at least one underscore)
ID_IN_TEXT = re.compile(r"\b([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\b")


def _with_ids(text: str) -> list[nodes.Node]:
    """Text with each ID in it shown as an ID (code that may break after an
    underscore)."""
    out: list[nodes.Node] = []
    position = 0
    for match in ID_IN_TEXT.finditer(text):
        if match.start() > position:
            out.append(nodes.Text(text[position : match.start()]))
        out.append(nodes.literal(match.group(1), match.group(1), classes=["sm-id"]))
        position = match.end()
    if position < len(text):
        out.append(nodes.Text(text[position:]))
    return out


def label(option: str) -> str:
    """The reader's name for an option: ``approved-by`` -> ``Approved by``."""
    return LABELS.get(option) or option.replace("-", " ").capitalize()


class sm_ref(nodes.Inline, nodes.Element):  # noqa: N801 - docutils node naming
    """A link to an item by ID, resolved in the write phase."""


class sm_status(nodes.Inline, nodes.Element):  # noqa: N801 - docutils node naming
    """Where an item's status mark (or, with ``item`` empty, the policy's overall
    status) goes; filled in the write phase, when every finding is known (see
    :mod:`.status`)."""


class sm_platform(nodes.Inline, nodes.Element):  # noqa: N801 - docutils node naming
    """A platform named by its ID (``x``), shown by its catalogue name (``X
    (Twitter)``) in the write phase (see :mod:`.status`)."""


def platform_name(platform_id: str) -> sm_platform:
    node = sm_platform()
    node["platform"] = platform_id
    node += nodes.Text(platform_id)
    return node


def status_mark(item_id: str) -> sm_status:
    node = sm_status()
    node["item"] = item_id
    return node


def ref(item_id: str) -> sm_ref:
    node = sm_ref()
    node["refid"] = item_id
    node += nodes.literal(item_id, item_id, classes=["sm-id"])
    return node


def refs(ids: Iterable[str]) -> list[nodes.Node]:
    out: list[nodes.Node] = []
    for index, item_id in enumerate(ids):
        if index:
            out.append(nodes.Text(", "))
        out.append(ref(item_id))
    return out


def value_nodes(
    spec: OptionSpec,
    value: Any,
    *,
    all_links: Sequence[str] = (),
    sections: Mapping[str, str] | None = None,
) -> list[nodes.Node]:
    """A typed option value as inline nodes."""
    if spec.is_link:
        if spec.field in all_links:
            return [nodes.Text("all tools")]
        out = refs(value)
        if sections:
            # each rule ID followed by its section: "CON_X (section 4.2)"
            with_sections: list[nodes.Node] = []
            for node in out:
                with_sections.append(node)
                if isinstance(node, sm_ref) and node["refid"] in sections:
                    with_sections.append(nodes.Text(f" ({sections[node['refid']]})"))
            out = with_sections
        return out
    if spec.kind == "url":
        return [nodes.reference(value, value, refuri=value)]
    if spec.name == "platform" and isinstance(value, str):
        return [platform_name(value)]
    if isinstance(value, list):
        return [nodes.Text(", ".join(value))]
    return [nodes.Text(str(value))]


def _field(name: str, children: list[nodes.Node]) -> nodes.field:
    field = nodes.field()
    field += nodes.field_name(name, name)
    body = nodes.field_body()
    para = nodes.paragraph()
    para.extend(children)
    body += para
    field += body
    return field


def item_block(
    item_type: ItemType,
    need_id: str,
    title: str,
    fields: Mapping[str, Any],
    content: list[nodes.Node],
    *,
    collapse: bool = False,
    source: tuple[str, int] | None = None,
    draft: bool = False,
) -> nodes.container:
    """The compact block of one item: title line, facts, then its content. A draft
    says so in words on its title line ("Draft: not yet adopted")."""
    classes = ["sm-item", f"sm-item-{item_type.kind}"]
    if draft:
        classes.append("sm-item-draft")
    block = nodes.container(classes=classes)
    if source:
        block.source, block.line = source
    # the anchor links point to: a target (a label in LaTeX; containers get none)
    block += nodes.target("", "", ids=[need_id])
    head = nodes.paragraph(classes=["sm-item-title"])
    head += nodes.inline(item_type.title, item_type.title, classes=["sm-kind"])
    head += nodes.Text(" ")
    head += nodes.strong(title, title)
    head += nodes.Text(" ")
    head += nodes.literal(need_id, need_id, classes=["sm-id"])
    if draft:
        head += nodes.Text(" ")
        head += nodes.strong(DRAFT_MARK, DRAFT_MARK, classes=["sm-draft-mark"])
    if item_type.kind in STATUS_MARK_KINDS:
        head += nodes.Text(" ")
        head += status_mark(need_id)
    block += head
    if not collapse:
        facts = nodes.field_list(classes=["sm-facts"])
        all_links = fields.get(ALL_FIELD) or ()
        sections = dict(
            entry.split(": ", 1)
            for entry in fields.get(SECTIONS_FIELD) or ()
            if ": " in entry
        )
        for spec in item_type.options:
            if spec.field not in fields:
                continue
            value = fields[spec.field]
            if value in ([], None) and spec.field not in all_links:
                continue
            facts += _field(
                label(spec.name),
                value_nodes(
                    spec,
                    value,
                    all_links=all_links,
                    sections=sections if spec.kind == "covers" else None,
                ),
            )
        if item_type.kind == "risk":
            facts.extend(_risk_scores(fields))
        if len(facts):
            block += facts
    block.extend(content)
    return block


#: the kinds of item whose block shows its own status mark ("2 findings, 1 must")
STATUS_MARK_KINDS = STATUS_KINDS

#: the words on a draft item's title line, in HTML and PDF alike
DRAFT_MARK = "Draft: not yet adopted"


def _risk_scores(fields: Mapping[str, Any]) -> list[nodes.field]:
    out = []
    for name, lik, imp in (
        ("Inherent risk", "likelihood", "impact"),
        ("Residual risk", "residual_likelihood", "residual_impact"),
    ):
        value = score(fields.get(lik), fields.get(imp))
        if value is not None:
            text = f"{fields[lik]} x {fields[imp]} = {value} ({rating(value)})"
            out.append(_field(name, [nodes.Text(text)]))
    return out


POLICY_FACTS = (
    ("School", "school"),
    ("Country", "country"),
    ("Phase", "phase"),
    ("Pupil ages", "pupil_ages"),
    ("Online-safety lead (policy owner)", "owner"),
    ("Designated Safeguarding Lead", "dsl"),
    ("Approved by", "approved_by"),
    ("Approved on", "approved_on"),
    ("Review cycle (months)", "review_cycle"),
    ("Next review", "next_review"),
    ("School email domains", "email_domains"),
)


def policy_block(
    need_id: str, title: str, fields: Mapping[str, Any], content: list[nodes.Node]
) -> nodes.container:
    """The policy's key-facts table."""
    block = nodes.container(classes=["sm-item", "sm-item-policy"])
    block += nodes.target("", "", ids=[need_id])
    # the overall status first, where readers look (filled in the write phase)
    rows: list[list[Cell]] = [[[nodes.Text("Status")], [status_mark("")]]]
    for name, field in POLICY_FACTS:
        value = fields.get(field)
        if value is None or value == []:
            shown: list[nodes.Node] = [nodes.emphasis("not recorded", "not recorded")]
        else:
            text = ", ".join(value) if isinstance(value, list) else str(value)
            shown = [nodes.Text(text)]
        rows.append([[nodes.Text(name)], shown])
    table = make_table(
        ["Key fact", "Value"],
        rows,
        widths=[40, 60],
        title=f"Key facts: {title}",
        classes=["sm-table", "sm-key-facts"],
    )
    # in its own box, like the other tables, so it scrolls rather than overflows
    wrapper = nodes.container(classes=["sm-table-wrapper", "sm-key-facts-wrapper"])
    wrapper += table
    block += wrapper
    block.extend(content)
    return block


Cell: TypeAlias = str | Sequence[nodes.Node] | nodes.Node


def _cell(value: Cell, classes: Sequence[str] = ()) -> nodes.entry:
    entry = nodes.entry(classes=list(classes))
    para = nodes.paragraph()
    if isinstance(value, str):
        para += nodes.Text(value)
    elif isinstance(value, nodes.Node):
        para += value
    else:
        para.extend(value)
    entry += para
    return entry


def make_table(
    headers: Sequence[str],
    rows: Iterable[Sequence[Cell]],
    *,
    widths: Sequence[int],
    title: str | None = None,
    classes: Sequence[str] = ("sm-table",),
    row_classes: Sequence[Sequence[str]] | None = None,
    cell_classes: Sequence[Sequence[Sequence[str]]] | None = None,
    longtable: bool = True,
) -> nodes.table:
    """A docutils table with set column widths (LaTeX uses them; long tables break
    across pages)."""
    table = nodes.table(
        classes=[*classes, "colwidths-given", *(["longtable"] if longtable else [])]
    )
    if title:
        table += nodes.title(title, title)
    group = nodes.tgroup(cols=len(headers))
    table += group
    for width in widths:
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    group += head
    head_row = nodes.row()
    for header in headers:
        head_row += _cell(header)
    head += head_row
    body = nodes.tbody()
    group += body
    for index, values in enumerate(rows):
        row = nodes.row(classes=list(row_classes[index]) if row_classes else [])
        for column, value in enumerate(values):
            classes_ = cell_classes[index][column] if cell_classes else ()
            row += _cell(value, classes_)
        body += row
    return table


#: a word longer than this gets break points (every BREAK_EVERY characters) in LaTeX
LONG_WORD = 14
BREAK_EVERY = 8


def _break_points(text: str) -> list[str]:
    """``text`` cut where LaTeX may break a line: inside runs of more than
    :data:`LONG_WORD` characters with no space, underscore or hyphen (where a line
    can already break), every :data:`BREAK_EVERY` characters."""
    import re

    pieces: list[str] = []
    current = ""
    # LaTeX can already break at spaces, hyphens and (our package) underscores
    for token in re.split(r"([\s_\-]+)", text):
        if len(token) <= LONG_WORD or not token.strip():
            current += token
            continue
        for start in range(0, len(token), BREAK_EVERY):
            current += token[start : start + BREAK_EVERY]
            if start + BREAK_EVERY < len(token):
                pieces.append(current)
                current = ""
    pieces.append(current)
    return pieces


def allow_latex_breaks(tree: nodes.Element) -> None:
    """Let LaTeX break very long words in ``tree`` (a table or an item block), so
    nothing runs past its column. User text stays ``Text`` (escaped by the writer);
    only a constant ``\\allowbreak{}`` is put between the pieces."""
    for text in list(tree.findall(nodes.Text)):
        pieces = _break_points(str(text))
        if len(pieces) == 1:
            continue
        parent = text.parent
        new: list[nodes.Node] = []
        for index, piece in enumerate(pieces):
            if index:
                new.append(nodes.raw("", r"\allowbreak{}", format="latex"))
            new.append(nodes.Text(piece))
        position = parent.index(text)
        parent[position : position + 1] = new


def latex_item_breaks(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved`` (LaTeX only): long words in item blocks may break."""
    if app.builder.format != "latex":
        return
    for block in doctree.findall(nodes.container):
        if "sm-item" in block["classes"]:
            allow_latex_breaks(block)


#: link schemes kept in item blocks; any other (javascript:, data:, vbscript:...)
#: becomes plain text
SAFE_SCHEMES = ("http", "https", "mailto", "tel", "ftp")


def neutralise_links(tree: nodes.Element) -> None:
    """In an item's content, a link whose address uses a scheme other than
    :data:`SAFE_SCHEMES` (e.g. ``javascript:``, which docutils recognises in running
    text) is shown as its text, never as a live link. Run when the item is read."""
    import re

    for ref in list(tree.findall(nodes.reference)):
        uri = ref.get("refuri", "")
        match = re.match(r"^\s*([A-Za-z][A-Za-z0-9+.-]*):", uri)
        if match and match.group(1).lower() not in SAFE_SCHEMES:
            ref.replace_self(nodes.Text(ref.astext()))


def resolve_refs(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``: each :class:`sm_ref` becomes a link to its item's page,
    or stays plain text where the item does not exist (reported as ``sm.link``)."""
    from sphinx_needs.api import get_needs_view

    found = list(doctree.findall(sm_ref))
    if not found:
        return
    needs = get_needs_view(app)
    for node in found:
        target = needs.get(node["refid"])
        children = node.children[:] or [nodes.Text(node["refid"])]
        if target is None or not target["docname"]:
            node.replace_self(children)
            continue
        try:
            refnode = make_refnode(
                app.builder, docname, target["docname"], node["refid"], children
            )
        except Exception:  # noqa: BLE001 - a builder that cannot link: keep the text
            node.replace_self(children)
            continue
        node.replace_self(refnode)


def setup_render(app: Sphinx) -> None:
    app.add_node(sm_ref)
    app.connect("doctree-resolved", resolve_refs)
    app.connect("doctree-resolved", latex_item_breaks, priority=600)
