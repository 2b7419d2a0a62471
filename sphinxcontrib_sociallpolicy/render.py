"""Rendering of items as docutils nodes, for every builder.

Everything here builds generic docutils nodes (containers, paragraphs, field lists,
tables) from typed values: user text only ever becomes ``nodes.Text``, so it is escaped
by each writer (HTML and LaTeX alike). No RST or HTML string is built from user
values. Links between items are :class:`sm_ref` placeholders, resolved to references
in the write phase (:func:`resolve_refs`), when every item's page is known; tables,
built in the write phase, make the references themselves (:func:`linking`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeAlias

from docutils import nodes
from docutils.utils import get_source_line
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform

from .model import rating, score
from .needs import ALL_FIELD, SECTIONS_FIELD
from .options import CONTROL_RE, control_codes, controls_message, strip_controls
from .schema import STATUS_KINDS, ItemType, OptionSpec
from .warnings import SmWarning, warn

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


def ref(item_id: str) -> nodes.Element:
    """A link to an item: an :class:`sm_ref` placeholder, resolved when the page is
    written; or, while a table is built in the write phase (:func:`linking`), the
    link itself."""
    label = nodes.literal(item_id, item_id, classes=["sm-id"])
    linker = _LINKER.get()
    if linker is not None:
        return linker.link(item_id, [label])
    node = sm_ref()
    node["refid"] = item_id
    node += label
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


#: the link schemes kept: web, email and phone. A link with no scheme (within the
#: site, relative, a fragment) is kept too; any other scheme (javascript:,
#: vbscript:, data:, file:...) is shown as text. A school policy has no need of
#: them, and some run code in the reader's browser.
SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel"})

#: what a browser ignores in an address before reading its scheme (the WHATWG URL
#: parser strips C0 controls and spaces around it and tabs and newlines in it; all
#: of them, and DEL and C1, are dropped anywhere here, which is stricter)
_IGNORED_IN_URI = re.compile(r"[\x00-\x20\x7f-\x9f]")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")


def link_scheme(uri: str) -> str | None:
    """The scheme of ``uri`` as a browser reads it, in lower case (``JaVaScript:x``
    with a space before it or a tab inside -> ``javascript``), or None for an
    address without one (relative, a fragment)."""
    match = _SCHEME.match(_IGNORED_IN_URI.sub("", uri))
    return match.group(1).lower() if match else None


def unsafe_link(uri: str) -> bool:
    """Whether ``uri`` has a scheme other than :data:`SAFE_SCHEMES`."""
    scheme = link_scheme(uri)
    return scheme is not None and scheme not in SAFE_SCHEMES


def _in_substitution_definition(node: nodes.Node) -> bool:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, nodes.substitution_definition):
            return True
        parent = parent.parent
    return False


def _neutralise(ref: nodes.reference, report: bool) -> None:
    """``ref`` (an unsafe link) replaced by what it shows: its text, or its image."""
    uri = ref["refuri"]
    if report and not _in_substitution_definition(ref):
        # a substitution's definition is not shown; each of its uses is reported
        shown = uri if len(uri) <= 80 else uri[:77] + "..."
        # where: in running text, its paragraph (for a substitution, where it is
        # used); else (an image's link) the image's line
        where: nodes.Node = ref
        if not isinstance(ref.parent, nodes.TextElement):
            where = next((n for n in ref.findall(nodes.Element) if n.line), ref)
        warn(
            SmWarning.LINK,
            f"the link to {shown!r} is shown as text: a link may only go to a web "
            "address (http, https), an email address (mailto), a phone number (tel) "
            "or a page of this site",
            where,
        )
    children = ref.children[:] or [nodes.Text(ref.astext())]
    for child in children:
        child.parent = None
    if ref["ids"]:  # something links here: keep the anchor
        ref.replace_self(nodes.inline("", "", *children, ids=ref["ids"]))
    else:
        ref.replace_self(children)


#: the control characters taken out of text nodes: :data:`.options.CONTROL_RE` but
#: NUL, which docutils puts in text to mark a backslash escape (the writers take it
#: out; a NUL in the source is never written)
_TEXT_CONTROLS = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

#: the nodes whose attributes hold text or addresses, and those attributes: cleaned
#: of control characters too
_ADDRESS_NODES = (nodes.reference, nodes.target, nodes.image)
_TEXT_ATTRIBUTES = ("alt", "title", "refuri", "uri")


def make_output_safe(tree: nodes.Element, *, report: bool) -> None:
    """Make ``tree`` safe to write, once its references are resolved.

    * A link (``reference``, also an image's ``:target:``) whose address has a
      scheme other than :data:`SAFE_SCHEMES` shows its text (or image) but links
      nowhere: with ``report``, an ``sm.link`` warning where it is. (Targets keep
      their address: no writer shows it.)
    * Invisible control characters (:data:`.options.CONTROL_RE`) are taken out of
      the text: with ``report``, one ``sm.option`` warning per place they were.

    One walk over the tree (it runs on every document, twice: kept cheap), then the
    few changes, in document order.
    """
    unsafe: list[nodes.reference] = []
    texts: list[nodes.Text] = []
    text_search = _TEXT_CONTROLS.search
    stack: list[nodes.Element] = [tree]
    while stack:
        element = stack.pop()
        if isinstance(element, _ADDRESS_NODES):
            if isinstance(element, nodes.reference) and unsafe_link(
                element.get("refuri", "")
            ):
                # (left as it is, to be reported with its address as written)
                unsafe.append(element)
            else:
                for name in _TEXT_ATTRIBUTES:
                    value = element.get(name)
                    if isinstance(value, str) and CONTROL_RE.search(value):
                        element[name] = strip_controls(value)
        elements: list[nodes.Element] = []
        for child in element.children:
            if isinstance(child, nodes.Text):
                if text_search(child):
                    texts.append(child)
            elif isinstance(child, nodes.Element):
                elements.append(child)
        stack.extend(reversed(elements))
    for ref in unsafe:
        _neutralise(ref, report)
    # one warning per place: (source, line) -> (a node there, the characters)
    places: dict[tuple[str | None, int | None], tuple[nodes.Element, list[str]]] = {}
    for text in texts:
        parent = text.parent
        if parent is None:
            continue
        parent.replace(text, nodes.Text(_TEXT_CONTROLS.sub("", text)))
        if report:
            _node, found = places.setdefault(get_source_line(parent), (parent, []))
            # (NUL is docutils' mark of a backslash escape, not the author's)
            for code in control_codes(text.replace("\x00", "")):
                if code not in found:
                    found.append(code)
    for node, codes in places.values():
        warn(SmWarning.OPTION, controls_message("the text", codes), node)


class SafeOutput(SphinxTransform):
    """Every document, as read: unsafe links shown as text and invisible control
    characters taken out, each reported where it is (:func:`make_output_safe`).

    Run after docutils and Sphinx have resolved named, anonymous and indirect
    targets and substitutions (850), before ``doctree-read`` (880): a link is judged
    by the address it finally has, however it was written."""

    default_priority = 870

    def apply(self, **kwargs: Any) -> None:
        make_output_safe(self.document, report=True)


def safe_output_written(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``, after every other handler: the same, for what was
    added after reading (tables, item links, other extensions). What the author
    wrote was reported when it was read; a link found unsafe only now is reported
    too."""
    make_output_safe(doctree, report=True)


def need_pages(app: Sphinx) -> dict[str, str]:
    """``{need ID: its page}`` of this build's needs (read once per build)."""
    from sphinx_needs.api import get_needs_view

    pages = getattr(app, "_sm_need_pages", None)
    if pages is None:
        pages = {
            need_id: need["docname"] or "" for need_id, need in get_needs_view(app).items()
        }
        app._sm_need_pages = pages  # type: ignore[attr-defined]
    return pages


def forget_need_pages(app: Sphinx, env: Any) -> None:
    """``env-updated``: a new build reads its needs afresh."""
    app._sm_need_pages = None  # type: ignore[attr-defined]


class Linker:
    """Links from one page (``docname``) to items, as
    :func:`sphinx.util.nodes.make_refnode` makes them: a reference to the item's
    anchor, on its page or another; the label alone (``children``) where the item
    does not exist (reported as ``sm.link``) or the builder cannot link."""

    def __init__(self, app: Sphinx, docname: str) -> None:
        self.app = app
        self.docname = docname
        self.pages = need_pages(app)
        self.uris: dict[str, str | None] = {}  # each target page's address from here

    def _uri(self, page: str) -> str | None:
        try:
            return self.uris[page]
        except KeyError:
            pass
        try:
            uri = (
                None
                if page == self.docname
                else self.app.builder.get_relative_uri(self.docname, page)
            )
        except Exception:  # noqa: BLE001 - a builder that cannot link: the text
            uri = ""
        self.uris[page] = uri
        return uri

    def link(self, item_id: str, children: list[nodes.Node]) -> Any:
        """The link to ``item_id`` around ``children`` (or ``children`` alone: a list
        when there is more than one node)."""
        page = self.pages.get(item_id)
        uri = self._uri(page) if page else ""
        if uri == "":
            return children[0] if len(children) == 1 else children
        refnode = nodes.reference("", "", internal=True)
        if uri is None:
            refnode["refid"] = item_id
        else:
            refnode["refuri"] = f"{uri}#{item_id}"
        refnode += children
        return refnode


#: the linker of the table being built in the write phase, if any (see linking)
_LINKER: ContextVar[Linker | None] = ContextVar("sm_linker", default=None)


@contextmanager
def linking(app: Sphinx, docname: str) -> Iterator[None]:
    """While a table is built for ``docname`` in the write phase, :func:`ref` makes
    the links themselves (no placeholder to find and replace afterwards)."""
    token = _LINKER.set(Linker(app, docname))
    try:
        yield
    finally:
        _LINKER.reset(token)


def resolve_refs(app: Sphinx, doctree: nodes.Element, docname: str) -> None:
    """``doctree-resolved``: each :class:`sm_ref` becomes a link to its item's page,
    or stays plain text where the item does not exist (reported as ``sm.link``).
    The tables make their links as they are built (:func:`linking`)."""
    found = list(doctree.findall(sm_ref))
    if not found:
        return
    linker = Linker(app, docname)
    for node in found:
        children = node.children[:] or [nodes.Text(node["refid"])]
        node.replace_self(linker.link(node["refid"], children))


def setup_render(app: Sphinx) -> None:
    app.add_node(sm_ref)
    app.add_transform(SafeOutput)
    # last: after the tables (400), item links (500) and the LaTeX changes (900)
    app.connect("doctree-resolved", safe_output_written, priority=990)
    # before the tables (400), which make their own links: not walked for none
    app.connect("doctree-resolved", resolve_refs, priority=380)
    app.connect("env-updated", forget_need_pages)
    app.connect("doctree-resolved", latex_item_breaks, priority=600)
