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

**Limits.** Nothing a school writes can stop the PDF being made (issue 14, item 10):

* **Over-long titles are shortened where space is short.** A title over
  :data:`MAX_TITLE` characters is shown as :func:`short_title` in captions, table
  cells, the tables' notes and the running heads; the item's own block keeps the
  whole title, where it wraps. (A 3,000-character title made a table row
  2,000pt taller than its page; issue 14 saw "Dimension too large" in a
  caption.)
* **Words break in table cells, as a last resort.** :func:`allow_breaks` puts
  ``\\smbreak{}`` (a break that costs a penalty, ``sociallpolicy.sty``) after every
  character TeX cannot hyphenate through (digits, punctuation, ``_``, ``@``, ``/``,
  wide East Asian characters) and between the letters of very long runs, so that a
  token such as ``X1Y2Z3W4V5U6T7`` no longer runs 24pt into the next column.
* **Characters pdflatex cannot set become a visible placeholder.** With
  ``latex_engine = "pdflatex"`` (Sphinx's default, and ours: see "Build the PDF" in
  the documentation for the measured cost of xelatex and lualatex), a character
  outside :data:`PDFLATEX_RANGES` (an emoji, Chinese, Arabic...) is shown as
  ``[U+1F600]`` and reported once per option, title or text, at its directive, as an
  ``sm.option`` warning; invisible format characters (zero-width joiners, variation
  selectors, direction marks) are left out. ``sociallpolicy.sty`` does the same for
  any character that reaches LaTeX some other way, instead of stopping the build.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

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
    pieces = break_pieces(node["title"], longer_than=HEADING_WORD)
    title = BREAK.join(self.escape(piece) for piece in pieces)
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
    heading["title"] = short_title(section[0].astext()) if len(section) else ""
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


# --- Limits: over-long titles, long words, characters pdflatex cannot set -------------

#: The longest title, in characters, that the PDF shows in full in captions, table
#: cells, the tables' notes and the running heads; a longer title is shortened there
#: (:func:`short_title`), and the directives warn about it (``sm.option``). Measured:
#: 120 characters fill 11 lines of a traceability matrix's column heading (about
#: 130pt of an A4 page's 700pt, repeated on every page of the table); the example's
#: longest title has 70.
MAX_TITLE = 120

ELLIPSIS = "\u2026"


def short_title(text: str, limit: int = MAX_TITLE) -> str:
    """``text`` when it has at most ``limit`` characters; else its start, cut at the
    last space in the first ``limit - 1`` characters (or there, for a word with no
    space in it), with an ellipsis: at most ``limit`` characters in all."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-\u2013\u2014") + ELLIPSIS


#: the LaTeX of a last-resort line break (``\\smbreak`` in ``sociallpolicy.sty``)
BREAK = r"\smbreak{}"
#: a run of letters longer than this may break between any two of them; TeX
#: hyphenates shorter ones
LONG_LETTERS = 14
#: the same in code (IDs), whose typewriter type TeX never hyphenates
LONG_CODE_LETTERS = 8
#: Only a word (a run of characters without a space) longer than this gets break
#: points: in a table cell (the narrowest column that shows the school's words, a
#: tenth of the page, holds 9 characters in the tables' small type),
CELL_WORD = 8
#: in a caption or a note below a table (4 inches, or the page's width),
WIDE_WORD = 40
#: and in a heading (large type).
HEADING_WORD = 20
#: no line starts with one of these (closing marks, hyphens, dashes), nor ends with
#: one of the next
CLOSING = frozenset(",.;:!?)]}\u00bb\u201d\u2019'\"-\u2010\u2011\u2013\u2014")
OPENING = frozenset("([{\u00ab\u201c\u2018'\"")


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def break_pieces(text: str, *, code: bool = False, longer_than: int = 0) -> list[str]:
    """``text`` cut where a line may break as a last resort: after every character
    TeX cannot hyphenate through (anything but a letter, and wide East Asian
    characters), and between the letters of a run longer than :data:`LONG_LETTERS`
    (:data:`LONG_CODE_LETTERS` in ``code``). Never at a space, nor before a space
    or a closing mark. Only words longer than ``longer_than`` are cut."""
    pieces: list[str] = []
    current = ""
    limit = LONG_CODE_LETTERS if code else LONG_LETTERS
    for word in re.split(r"(\s+)", text):
        if len(word) <= longer_than or len(word) < 2 or word.isspace():
            current += word
            continue
        # the length of the run of letters (or of other characters) each one is in
        run_lengths: list[int] = []
        for run in re.finditer(r"[^\W\d_]+|[\W\d_]+", word):
            run_lengths += [len(run.group())] * len(run.group())
        for index, char in enumerate(word):
            current += char
            if index + 1 == len(word) or word[index + 1] in CLOSING or char in OPENING:
                continue
            letter = char.isalpha() and not _wide(char)
            if not letter or run_lengths[index] > limit:
                pieces.append(current)
                current = ""
    pieces.append(current)
    return [p for p in pieces if p] or [""]


#: The characters pdflatex can set with Sphinx's preamble (utf8 input, T1 and TS1
#: fonts), besides printable ASCII: every character from U+00A0 to U+33FF and U+FB00
#: to U+FB06 was typeset with Sphinx's preamble and TeX Live 2022, and these were the
#: ones defined (the others stop pdflatex: "Unicode character ... not set up for use
#: with LaTeX"). Welsh (ŵ, ŷ), Polish, Czech, French, German... are all here.
PDFLATEX_RANGES: tuple[tuple[int, int], ...] = (
    (0x00A0, 0x0125), (0x0128, 0x0137), (0x0139, 0x013E), (0x0141, 0x0148),
    (0x014A, 0x0165), (0x0168, 0x017E), (0x0192, 0x0192), (0x01C4, 0x01D4),
    (0x01E2, 0x01E3), (0x01E6, 0x01EB), (0x01F0, 0x01F0), (0x01F4, 0x01F5),
    (0x0218, 0x021B), (0x0232, 0x0233), (0x0237, 0x0237), (0x02C6, 0x02C7),
    (0x02D8, 0x02D9), (0x02DB, 0x02DD), (0x0E3F, 0x0E3F), (0x1E02, 0x1E03),
    (0x1E0D, 0x1E0D), (0x1E1E, 0x1E21), (0x1E25, 0x1E25), (0x1E30, 0x1E31),
    (0x1E37, 0x1E37), (0x1E43, 0x1E43), (0x1E45, 0x1E45), (0x1E47, 0x1E47),
    (0x1E5B, 0x1E5B), (0x1E63, 0x1E63), (0x1E6D, 0x1E6D), (0x1E8E, 0x1E91),
    (0x1E9E, 0x1E9E), (0x1EF2, 0x1EF3), (0x200C, 0x200C), (0x2010, 0x2016),
    (0x2018, 0x201A), (0x201C, 0x201E), (0x2020, 0x2022), (0x2026, 0x2026),
    (0x2030, 0x2031), (0x2039, 0x203B), (0x203D, 0x203D), (0x2044, 0x2044),
    (0x204E, 0x204E), (0x2052, 0x2052), (0x20A1, 0x20A1), (0x20A4, 0x20A4),
    (0x20A6, 0x20A6), (0x20A9, 0x20A9), (0x20AB, 0x20AC), (0x20B1, 0x20B1),
    (0x2103, 0x2103), (0x2116, 0x2117), (0x211E, 0x211E), (0x2120, 0x2120),
    (0x2122, 0x2122), (0x2126, 0x2127), (0x212E, 0x212E), (0x2190, 0x2193),
    (0x2329, 0x232A), (0x2422, 0x2423), (0x2500, 0x2500), (0x2502, 0x2502),
    (0x2514, 0x2514), (0x251C, 0x251C), (0x2572, 0x2572), (0x25E6, 0x25E6),
    (0x25EF, 0x25EF), (0x266A, 0x266A), (0x27E8, 0x27E9), (0x3008, 0x3009),
    (0xFB00, 0xFB06), (0xFEFF, 0xFEFF),
)  # fmt: skip

#: what a ``fontenc`` setting adds (Sphinx loads these encodings' fonts when named)
FONTENC_RANGES: dict[str, tuple[tuple[int, int], ...]] = {
    "T2A": ((0x0400, 0x04FF),),
    "T2B": ((0x0400, 0x04FF),),
    "T2C": ((0x0400, 0x04FF),),
    "X2": ((0x0400, 0x04FF),),
    "LGR": ((0x0370, 0x03FF), (0x1F00, 0x1FFF)),
}

#: ``\\DeclareUnicodeCharacter{1F600}`` and ``\\newunicodechar{😀}`` in the preamble
DECLARED = re.compile(
    r"\\DeclareUnicodeCharacter\s*\{\s*\"?([0-9A-Fa-f]{2,6})\s*\}"
    r"|\\newunicodechar\s*\{(.)\}"
)


def invisible(char: str) -> bool:
    """A format character (zero-width joiner, direction mark...) or a variation
    selector: left out of the PDF, never shown as a placeholder."""
    code = ord(char)
    return (
        unicodedata.category(char) == "Cf"
        or 0xFE00 <= code <= 0xFE0F
        or 0xE0100 <= code <= 0xE01EF
    )


class PdfCharacters:
    """Which characters the PDF's LaTeX engine can set: all of them with xelatex,
    lualatex or the Japanese engines (their fonts decide), else (pdflatex) printable
    ASCII, :data:`PDFLATEX_RANGES`, the characters Sphinx itself turns into LaTeX
    commands, those the ``fontenc`` setting adds (:data:`FONTENC_RANGES`) and those
    the project declares in ``latex_elements``."""

    def __init__(self, engine: str, elements: dict[str, Any]) -> None:
        from sphinx.util.texescape import unicode_tex_replacements

        self.all = engine != "pdflatex"
        self.ranges = list(PDFLATEX_RANGES)
        encodings = str(elements.get("fontenc", ""))
        for name, ranges in FONTENC_RANGES.items():
            if re.search(rf"\b{name}\b", encodings):
                self.ranges += ranges
        self.extra = {char for char, _tex in unicode_tex_replacements}
        for value in elements.values():
            for match in DECLARED.finditer(str(value)):
                code, char = match.groups()
                self.extra.add(chr(int(code, 16)) if code else char)
        self._known: dict[str, bool] = {}

    @classmethod
    def of(cls, app: Sphinx) -> PdfCharacters:
        return cls(app.config.latex_engine, dict(app.config.latex_elements or {}))

    def can_set(self, char: str) -> bool:
        if self.all or " " <= char <= "~" or char in "\t\n\r":
            return True
        known = self._known.get(char)
        if known is None:
            code = ord(char)
            known = char in self.extra or any(a <= code <= b for a, b in self.ranges)
            self._known[char] = known
        return known

    def missing(self, text: str) -> list[str]:
        """The characters of ``text`` that would be placeholders, each once."""
        if self.all or text.isascii():
            return []
        text = unicodedata.normalize("NFC", text)
        found = [c for c in text if not self.can_set(c) and not invisible(c)]
        return list(dict.fromkeys(found))

    def safe(self, text: str) -> str:
        """``text`` with each run of characters that cannot be set shown as
        ``[U+738B U+5C0F]``, and invisible format characters left out."""
        if self.all or text.isascii():
            return text
        if all(self.can_set(c) for c in text):
            return text
        text = unicodedata.normalize("NFC", text)
        out: list[str] = []
        run: list[str] = []
        for char in text + " ":
            if not self.can_set(char) and invisible(char):
                continue
            if not self.can_set(char):
                run.append(f"U+{ord(char):04X}")
                continue
            if run:
                out.append("[" + " ".join(run) + "]")
                run = []
            out.append(char)
        return "".join(out)[:-1]


def describe(chars: Iterable[str], most: int = 5) -> str:
    """``'😀' (U+1F600 GRINNING FACE), ...`` for a message."""
    chars = list(chars)
    shown = [
        f"'{c}' (U+{ord(c):04X} {unicodedata.name(c, 'unnamed character')})"
        for c in chars[:most]
    ]
    if len(chars) > most:
        shown.append(f"and {len(chars) - most} more")
    return ", ".join(shown)


def character_message(where: str, chars: list[str]) -> str:
    return (
        f"{where} has characters the PDF cannot show with pdflatex: "
        f"{describe(chars)}; the PDF shows [U+...] in their place. To print them, "
        "build the PDF with xelatex or lualatex and fonts that have them (see "
        "'Build the PDF' in the documentation)"
    )


def check_item_characters(app: Sphinx, builder: Any) -> None:
    """``write-started`` (LaTeX, pdflatex): one ``sm.option`` warning for each title,
    option and text of an item that has characters the PDF will show as
    placeholders, at the item's directive."""
    if builder.format != "latex":
        return
    charset = PdfCharacters.of(app)
    app._sm_pdf_characters = charset  # type: ignore[attr-defined]
    if charset.all:
        return
    from .model import source_order
    from .project import get_state, location
    from .schema import BY_KIND
    from .warnings import SmWarning, warn

    state = get_state(app)
    for item in sorted(state.policy, key=source_order):
        label = f"{BY_KIND[item.kind].directive} {item.id}"
        values: list[tuple[str, object]] = [("the title", item.title)]
        values += [(f":{name}:", value) for name, value in item.fields.items()]
        values.append(("the text", item.content))
        for where, value in values:
            text = " ".join(map(str, value)) if isinstance(value, list) else str(value)
            chars = charset.missing(text)
            if chars:
                message = character_message(where, chars)
                warn(SmWarning.OPTION, f"{label}: {message}", location(item))


def _in_generated(node: nodes.Node) -> bool:
    """In an item's block or a table of ours: reported with its item."""
    for parent in _ancestors(node):
        if isinstance(parent, nodes.container) and any(
            c in parent["classes"] for c in ("sm-item", "sm-table-wrapper")
        ):
            return True
    return False


def _located(node: nodes.Node) -> nodes.Node | None:
    here: nodes.Node | None = node.parent
    while here is not None:
        if here.source and here.line:
            return here
        here = here.parent
    return None


def make_characters_safe(app: Sphinx, tree: nodes.document) -> None:
    """pdflatex: every character it cannot set becomes a placeholder
    (:meth:`PdfCharacters.safe`); text outside items and tables is reported once
    where it is written (items are reported at ``write-started``)."""
    from .warnings import SmWarning, warn

    charset = getattr(app, "_sm_pdf_characters", None) or PdfCharacters.of(app)
    if charset.all:
        return
    reported: set[tuple[str | None, int | None]] = set()
    for text in list(tree.findall(nodes.Text)):
        value = str(text)
        if value.isascii():
            continue
        safe = charset.safe(value)
        if safe == value:
            continue
        chars = charset.missing(value)
        parent = text.parent
        if parent is None:
            continue
        if chars and not _in_generated(text):
            place = _located(text)
            if place is not None and (place.source, place.line) not in reported:
                reported.add((place.source, place.line))
                warn(SmWarning.OPTION, character_message("This text", chars), place)
        # a code block is highlighted from its source: keep the two the same
        highlighted = (
            isinstance(parent, nodes.literal_block) and parent.rawsource == parent.astext()
        )
        parent.replace(text, nodes.Text(safe))
        if highlighted:
            parent.rawsource = parent.astext()


def _is_allowbreak(node: nodes.Node) -> bool:
    return (
        isinstance(node, nodes.raw)
        and node.astext() in (r"\allowbreak{}", BREAK)
        and "latex" in node.get("format", "").split()
    )


def merge_break_points(tree: nodes.Element) -> None:
    """Join text that :func:`.render.allow_latex_breaks` (or :func:`allow_breaks`)
    cut at break points back into one text, so that a title can be found in it."""
    for raw in list(tree.findall(_is_allowbreak)):
        parent = raw.parent
        if parent is None:
            continue
        index = parent.index(raw)
        before = parent[index - 1] if index else None
        after = parent[index + 1] if index + 1 < len(parent) else None
        if isinstance(before, nodes.Text) and isinstance(after, nodes.Text):
            parent.remove(after)
            parent.replace(before, nodes.Text(str(before) + str(after)))
        parent.remove(raw)


def shorten_titles(tree: nodes.Element, titles: Iterable[str]) -> None:
    """Each title over :data:`MAX_TITLE` characters, wherever it appears in the text
    of ``tree``, becomes its :func:`short_title`."""
    long_titles = sorted({t for t in titles if len(t) > MAX_TITLE}, key=len, reverse=True)
    if not long_titles:
        return
    for text in list(tree.findall(nodes.Text)):
        value = str(text)
        new = value
        for title in long_titles:
            if title in new:
                new = new.replace(title, short_title(title))
        if new != value and text.parent is not None:
            text.parent.replace(text, nodes.Text(new))


def _in_code(node: nodes.Node) -> bool:
    return any(isinstance(a, nodes.literal) for a in _ancestors(node))


#: text LaTeX writes from the node's ``astext()`` (or not at all): no raw inside
VERBATIM = (nodes.FixedTextElement, nodes.raw, nodes.comment, nodes.math)


def allow_breaks(
    tree: nodes.Element, *, longer_than: int = 0, skip_tables: bool = False
) -> None:
    """Put a last-resort break (:data:`BREAK`) at each of :func:`break_pieces`'s
    places in the text of ``tree`` (only in words longer than ``longer_than``; not in
    tables with ``skip_tables``)."""
    for text in list(tree.findall(nodes.Text)):
        parent = text.parent
        if parent is None:
            continue
        skip = (*VERBATIM, nodes.table) if skip_tables else VERBATIM
        if isinstance(parent, skip) or any(isinstance(a, skip) for a in _ancestors(text)):
            continue
        pieces = break_pieces(str(text), code=_in_code(text), longer_than=longer_than)
        if len(pieces) == 1:
            continue
        new: list[nodes.Node] = []
        for index, piece in enumerate(pieces):
            if index:
                new.append(nodes.raw("", BREAK, format="latex"))
            new.append(nodes.Text(piece))
        position = parent.index(text)
        parent[position : position + 1] = new


def fit_tables(app: Sphinx, tree: nodes.document) -> None:
    """Over-long titles shortened, and last-resort breaks, in our tables and their
    notes; last-resort breaks in every table's cells (captions: long words only)."""
    from .project import get_state

    titles = [item.title for item in get_state(app).policy]
    generated = [
        c
        for c in tree.findall(nodes.container)
        if "sm-table-wrapper" in c["classes"]
        and not any(
            isinstance(a, nodes.container) and "sm-table-wrapper" in a["classes"]
            for a in _ancestors(c)
        )
    ]
    tables = list(tree.findall(nodes.table))
    for area in generated:
        merge_break_points(area)
        shorten_titles(area, titles)
    for table in tables:
        for part in table.children:
            if not isinstance(part, nodes.Element):
                continue
            if isinstance(part, nodes.title):
                allow_breaks(part, longer_than=WIDE_WORD)
            else:
                allow_breaks(part, longer_than=CELL_WORD)
    for area in generated:
        allow_breaks(area, longer_than=WIDE_WORD, skip_tables=True)


def on_doctree_resolved(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    if app.builder.format != "latex":
        return
    make_characters_safe(app, doctree)
    fit_tables(app, doctree)
    labels = Labels(doctree, docname)
    open_main_matter(doctree, labels)
    fix_links(doctree, labels)
    mark_last_items(doctree)
    number_captioned_tables_only(doctree)


def setup_latex(app: Sphinx) -> None:
    app.add_node(sm_latex_heading, latex=(visit_latex_heading, None))
    # after the tables (400), the item links (500) and everything else of ours
    app.connect("doctree-resolved", on_doctree_resolved, priority=900)
    # after the project's state is made (priority 600)
    app.connect("write-started", check_item_characters, priority=700)
