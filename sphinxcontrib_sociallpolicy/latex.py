"""LaTeX/PDF only: changes to the assembled document before the LaTeX writer sees it.

The LaTeX builder joins the root document and every document its toctrees name into
one tree, and emits ``doctree-resolved`` once for that tree. After every other
handler (tables at priority 400, item links at 500), :func:`on_doctree_resolved`
makes four changes, none of which HTML sees:

* **The root document's own text opens the main matter.** Sphinx drops the root
  document's title (it becomes the title page) and writes whatever comes before the
  first toctree (usually the ``sm-policy`` key facts) between the table of contents
  and chapter 1, with no heading: the pages read as front matter, headed
  "Contents". A :class:`sm_latex_heading` puts an unnumbered chapter there, titled
  as the root document is in HTML, listed in the contents, and carrying the labels
  of the root section, so links to it resolve.
* **Every internal link names a label that exists.** A link resolved for the root
  document (``refid``) is written by Sphinx as a label of the file it sits in: a
  link in ``registers.rst`` to the policy in ``index.rst`` became
  ``registers:POLICY``, undefined. Each link is pointed at the document that holds
  its target. A target that Sphinx writes no label for (an ID on a paragraph or a
  table row) is given one at the start of its (first) paragraph, or else the link
  goes to the nearest labelled section. A link whose target is not in the PDF at
  all is kept as plain text.
* **A run of items ends with a rule.** Each item opens with a rule
  (``sociallpolicy.sty``); the last of a run gets the class ``sm-item-last``, which
  closes it with one.
* **Tables without a caption take no number.** ``longtable`` numbers every table,
  captioned or not, so "Table 2 -- continued" headed a table that had no "Table 2".
  A marker before each untitled table tells ``sociallpolicy.sty`` to give its number
  back and to head its continued pages without one.

The rules themselves and the numbering of captions through the whole document (Sphinx
restarts it at every chapter without printing the chapter: "Table 1" in each) are
done in ``sociallpolicy.sty``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.builders.latex.nodes import HYPERLINK_SUPPORT_NODES
from sphinx.locale import _
from sphinx.util.texescape import escape as tex_escape

#: the ID Sphinx gives a document's own label (``docname::doc``)
DOC_ID = ":doc"

#: node types whose IDs the LaTeX writer writes as labels (besides targets,
#: captioned figures and non-title sections, handled in :func:`_labelled_ids`)
LABELLED_NODES: tuple[type[nodes.Node], ...] = (
    nodes.table,
    nodes.literal_block,
    nodes.term,
    nodes.reference,
    addnodes.literal_strong,
    addnodes.desc_signature,
)


class sm_latex_heading(nodes.General, nodes.Element):  # noqa: N801 - docutils naming
    """An unnumbered chapter opening the main matter: ``title`` and the ``labels``
    (IDs of the root section) it carries. LaTeX only."""


def visit_latex_heading(self, node: sm_latex_heading) -> None:
    """``\\chapter*{title}``, in the contents and the running heads, with the root
    section's labels. Where the top level is below chapters (the howto class), there
    is no front matter to leave: the labels only."""
    labels = "".join(self.hypertarget(id_, anchor=False) for id_ in node["labels"])
    if self.sectionnames[self.top_sectionlevel] not in ("part", "chapter"):
        self.body.append("\n\\phantomsection" + labels + "\n")
        raise nodes.SkipNode
    title = self.escape(node["title"])
    self.body.append(
        "\n\\chapter*{" + title + "}\n"
        "\\phantomsection" + labels + "\n"
        "\\addcontentsline{toc}{chapter}{" + title + "}\n"
        "\\markboth{" + title + "}{" + title + "}\n"
    )
    raise nodes.SkipNode


def _walk(tree: nodes.Element, docname: str) -> Iterator[tuple[nodes.Node, str]]:
    """Every node of ``tree`` in document order, with the document it comes from
    (``start_of_file`` nodes, and appendices joined as whole documents, open a
    document, as they do in the LaTeX writer)."""
    stack: list[tuple[nodes.Node, str]] = [(tree, tree.get("docname") or docname)]
    while stack:
        node, doc = stack.pop()
        if isinstance(node, addnodes.start_of_file) or (
            isinstance(node, nodes.document) and node is not tree and node.get("docname")
        ):
            doc = node["docname"]
        yield node, doc
        if isinstance(node, nodes.Element):
            stack.extend((child, doc) for child in reversed(node.children))


def _target_ids(node: nodes.target) -> list[str]:
    """The labels the LaTeX writer writes for a target (see its ``visit_target``)."""
    following: nodes.Node | None = node
    while isinstance(following, nodes.target):
        following = following.next_node(ascend=True)
    if isinstance(following, HYPERLINK_SUPPORT_NODES):
        return []  # the next node writes its own labels
    if "refuri" in node or "anonymous" in node:
        return []
    ids = [node["refid"]] if node.get("refid") else []
    ids += node["ids"]
    return [i for i in ids if not i.startswith(("index-", "equation-"))]


def _labelled_ids(node: nodes.Element, title_section: nodes.section | None) -> list[str]:
    if isinstance(node, nodes.target):
        return _target_ids(node)
    if isinstance(node, nodes.section):
        return [] if node is title_section else list(node["ids"])
    if isinstance(node, nodes.figure):
        return list(node["ids"]) if any(isinstance(c, nodes.caption) for c in node) else []
    if isinstance(node, LABELLED_NODES):
        return list(node["ids"])
    return []


class Labels:
    """Which labels the LaTeX writer will write, document by document."""

    def __init__(self, tree: nodes.document, docname: str) -> None:
        self.title_section = tree.next_node(nodes.section)
        self.root = tree.get("docname") or docname
        self.labelled: dict[str, set[str]] = defaultdict(set)
        #: IDs with no label of their own: the (document, ID) to link to instead
        self.instead: dict[str, dict[str, tuple[str, str]]] = defaultdict(dict)
        #: and the node that carries each
        self.carriers: dict[str, dict[str, nodes.Element]] = defaultdict(dict)
        self.labelled[self.root].add(DOC_ID)  # \label{root::doc}, from visit_document
        unlabelled: list[tuple[nodes.Element, str]] = []
        for node, doc in _walk(tree, docname):
            if not isinstance(node, nodes.Element):
                continue
            ids = _labelled_ids(node, self.title_section)
            self.labelled[doc].update(ids)
            if any(i not in ids for i in node["ids"]):
                unlabelled.append((node, doc))
        for node, doc in unlabelled:
            for id_ in node["ids"]:
                if id_ not in self.labelled[doc]:
                    self.instead[doc].setdefault(id_, self._nearest(node, doc))
                    self.carriers[doc].setdefault(id_, node)

    def _nearest(self, node: nodes.Element, doc: str) -> tuple[str, str]:
        """The nearest enclosing section with a label, else the document."""
        parent = node.parent
        while parent is not None and not isinstance(
            parent, addnodes.start_of_file | nodes.document
        ):
            if isinstance(parent, nodes.section) and parent is not self.title_section:
                ids = [i for i in parent["ids"] if i in self.labelled[doc]]
                if ids:
                    return doc, ids[0]
            parent = parent.parent
        return doc, DOC_ID

    def add(self, doc: str, ids: list[str]) -> None:
        self.labelled[doc].update(ids)
        for id_ in ids:
            self.instead[doc].pop(id_, None)

    def find(self, doc: str, id_: str) -> tuple[str, str] | None:
        """The (document, ID) a link to ``id_`` in ``doc`` should name, or None when
        ``doc`` has no such place in the PDF. An ID with no label of its own (on a
        paragraph, or a table row) is given one where it can be (:meth:`_anchor`)."""
        if id_ in self.labelled.get(doc, ()):
            return doc, id_
        if id_ not in self.instead.get(doc, {}):
            return None
        if self._anchor(doc, id_):
            return doc, id_
        return self.instead[doc][id_]

    def _anchor(self, doc: str, id_: str) -> bool:
        """Give an ID a label of its own: a target at the start of the first
        paragraph of the node that carries it (a row's first cell)."""
        carrier = self.carriers[doc][id_]
        para = carrier.next_node(nodes.paragraph, include_self=True)
        if not isinstance(para, nodes.paragraph) or any(
            isinstance(a, nodes.title | nodes.caption) for a in _ancestors(para)
        ):
            return False
        para.insert(0, nodes.target("", "", ids=[id_]))
        self.add(doc, [id_])
        return True

    def find_relative(self, doc: str, id_: str) -> tuple[str, str] | None:
        """The same for a link written relative to the file it sits in (``refid``):
        in that file, else in the root document (links resolved for the assembled
        tree, whose document is the root, are relative to it), else wherever the ID
        is, if it is in one document only."""
        found = self.find(doc, id_) or self.find(self.root, id_)
        if found is not None or id_ == DOC_ID:
            return found
        docs = {d for d, ids in self.labelled.items() if id_ in ids}
        docs |= {d for d, ids in self.instead.items() if id_ in ids}
        return self.find(docs.pop(), id_) if len(docs) == 1 else None


def open_main_matter(tree: nodes.document, labels: Labels) -> None:
    """Put a :class:`sm_latex_heading` before the root document's own content, when
    it has any before its first toctree (or first subsection)."""
    section = labels.title_section
    if section is None or any(
        isinstance(a, addnodes.start_of_file) for a in _ancestors(section)
    ):
        return  # the title is not the root document's: Sphinx's own business
    content = False
    for child in section.children:
        if isinstance(child, nodes.title):
            continue
        if isinstance(child, nodes.section) or any(
            True for _ in child.findall(addnodes.start_of_file)
        ):
            break
        if not isinstance(child, nodes.Invisible | nodes.target | nodes.comment):
            content = True
            break
    if not content:
        return
    heading = sm_latex_heading()
    heading["title"] = section[0].astext() if len(section) else ""
    heading["labels"] = [i for i in section["ids"] if i != DOC_ID]
    position = 1 if len(section) and isinstance(section[0], nodes.title) else 0
    section.insert(position, heading)
    labels.add(labels.root, heading["labels"])


def _ancestors(node: nodes.Node) -> Iterator[nodes.Element]:
    parent = node.parent
    while parent is not None:
        yield parent
        parent = parent.parent


def fix_links(tree: nodes.document, labels: Labels) -> None:
    """Point every internal link at a label that exists (see the module's text)."""
    found = [
        (node, doc)
        for node, doc in _walk(tree, labels.root)
        if isinstance(node, nodes.reference)
    ]
    for node, doc in found:
        uri = node.get("refuri", "")
        if not uri and node.get("refid"):
            target: tuple[str, str] | None = labels.find_relative(doc, node["refid"])
        elif uri.startswith("#"):
            target = labels.find_relative(doc, uri[1:])
        elif uri.startswith("%"):
            to_doc, _hash, id_ = uri[1:].partition("#")
            target = labels.find(to_doc, id_ or DOC_ID)
        else:
            continue  # an outside address
        if target is None:
            _unlink(node)
            continue
        to_doc, id_ = target
        if to_doc == doc and node.get("refid") == id_:
            continue
        node.attributes.pop("refid", None)
        node["refuri"] = f"%{to_doc}" if id_ == DOC_ID else f"%{to_doc}#{id_}"


def _unlink(node: nodes.reference) -> None:
    """The link's text, without the link (and with any IDs the link carried)."""
    if node["ids"]:
        keep = nodes.inline("", "", *node.children, ids=node["ids"])
        node.replace_self(keep)
    else:
        node.replace_self(node.children[:])


def number_captioned_tables_only(tree: nodes.document) -> None:
    """Before each table without a title, ``\\smuncaptionedtable{...}``: the table
    takes no number and its continued pages say only "continued from previous
    page" (in the document's language). Put before the targets that precede the
    table, so that the writer still hands their labels to the table."""
    text = tex_escape(str(_("continued from previous page")))
    for table in list(tree.findall(nodes.table)):
        if any(isinstance(child, nodes.title) for child in table.children):
            continue
        parent = table.parent
        if parent is None:
            continue
        position = parent.index(table)
        while position and isinstance(parent[position - 1], nodes.target):
            position -= 1
        parent.insert(
            position,
            nodes.raw("", "\\smuncaptionedtable{" + text + "}", format="latex"),
        )


def mark_last_items(tree: nodes.document) -> None:
    """Add the class ``sm-item-last`` to each item that no other item follows, so
    that ``sociallpolicy.sty`` closes a run of items with a rule (each item opens
    with one)."""
    for block in list(tree.findall(nodes.container)):
        if "sm-item" not in block["classes"] or block.parent is None:
            continue
        siblings = block.parent.children[block.parent.index(block) + 1 :]
        following = next(
            (
                node
                for node in siblings
                if not isinstance(node, nodes.Invisible | nodes.target | nodes.comment)
            ),
            None,
        )
        if not (
            isinstance(following, nodes.container) and "sm-item" in following["classes"]
        ):
            block["classes"].append("sm-item-last")


def on_doctree_resolved(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    if app.builder.format != "latex":
        return
    labels = Labels(doctree, docname)
    open_main_matter(doctree, labels)
    fix_links(doctree, labels)
    mark_last_items(doctree)
    number_captioned_tables_only(doctree)


def setup_latex(app: Sphinx) -> None:
    app.add_node(sm_latex_heading, latex=(visit_latex_heading, None))
    # after the tables (400), the item links (500) and everything else of ours
    app.connect("doctree-resolved", on_doctree_resolved, priority=900)
