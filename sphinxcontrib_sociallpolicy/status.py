"""Status where readers look: the policy's overall status in its key facts, and a
small status mark in each tool's, safeguard's, risk's and document's own block.

The directives leave :class:`~.render.sm_status` placeholders; at
``doctree-resolved`` each becomes words read from this build's evaluation (colour
only ever adds to the words), linked (in HTML and PDF) to the compliance summary: the
overall status to its top, an item's mark to the item's rows of findings. A page with a
status mark shows every item's findings, so it is rewritten whenever any item
changes (the directives note it as a ``tables`` page).
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.nodes import make_refnode

from .base import base_state
from .project import compliance_doc, get_state, marks_of
from .render import sm_platform, sm_status

#: the anchor of the compliance summary's overall status
COMPLIANCE_ANCHOR = "sm-compliance"
#: the anchor of the compliance summary's list of overrides of the trust base
OVERRIDES_ANCHOR = "sm-overrides"


def findings_anchor(item_id: str) -> str:
    """The anchor of an item's first row in the findings table."""
    return nodes.make_id(f"sm-findings-{item_id}")


def item_words(state: object, item_id: str) -> tuple[str, str, bool]:
    """(words, CSS state, has open findings) of one item's status mark."""
    evaluation = state.evaluation  # type: ignore[attr-defined]
    trust = base_state(state)
    if trust is not None and item_id in trust.replaced:
        # a base item the school replaced: it counts for nothing
        return (
            f"replaced by {trust.replaced[item_id]} (an override of this school); "
            "counts for nothing",
            "note",
            True,
        )
    found = [f for f in evaluation.findings_of(item_id) if f.status == "open"]
    waived = sum(1 for f in evaluation.findings_of(item_id) if f.status == "waived")
    if not found:
        words = "no open findings" + (f", {waived} waived" if waived else "")
        return words, "ok", False
    n = len(found)
    failing = sum(1 for f in found if evaluation.warns(f.severity))
    words = f"{n} finding{'s' if n != 1 else ''}"
    if failing:
        words += f", {failing} {evaluation.fail_on}" + (
            " or above" if evaluation.fail_on != "must" else ""
        )
    return words, "open" if failing else "note", True


def platform_name(state: Any, platform_id: Any) -> Any:
    """A platform by its catalogue name (the ID as written where the catalogue does
    not know it)."""
    catalogue = state.extra.get("catalogue")
    platform = catalogue.get(platform_id) if catalogue is not None else None
    return platform.name if platform is not None else platform_id


def resolve_platforms(app: Sphinx, doctree: nodes.document) -> None:
    """Each platform ID shown by its catalogue name."""
    found = list(doctree.findall(sm_platform))
    if not found:
        return
    state = get_state(app)
    for node in found:
        node.replace_self(nodes.Text(str(platform_name(state, node["platform"]))))


def mark_of(state: Any, item_id: str) -> tuple[str, str, bool, str]:
    """(words, CSS state, linked, anchor) of the status mark of ``item_id`` (``""``:
    the policy's overall status), as this build's evaluation says; worked out once
    per build (every page's marks are compared before writing, then written)."""
    kept = state.extra.setdefault("marks", {}) if hasattr(state, "extra") else {}
    mark = kept.get(item_id)
    if mark is None:
        mark = kept[item_id] = _mark_of(state, item_id)
    return mark


def _mark_of(state: Any, item_id: str) -> tuple[str, str, bool, str]:
    if not item_id:
        evaluation = state.evaluation
        return (
            evaluation.status_line(),
            "ok" if evaluation.passed else "open",
            True,
            COMPLIANCE_ANCHOR,
        )
    words, css, linked = item_words(state, item_id)
    trust = base_state(state)
    if trust is not None and item_id in trust.replaced:
        return f"Status: {words}", css, linked, OVERRIDES_ANCHOR
    return f"Status: {words}", css, linked, findings_anchor(item_id)


def page_marks(app: Sphinx, state: Any, docname: str) -> str:
    """A digest of the status marks a page shows (the marks and the page they link
    to): the same digest, the same marks."""
    import hashlib

    shown = [mark_of(state, item_id) for item_id in marks_of(app.env, docname)]
    text = repr((compliance_doc(app.env), shown))
    return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()


def resolve_status(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``: fill each status placeholder, and name platforms."""
    resolve_platforms(app, doctree)
    found = list(doctree.findall(sm_status))
    if not found:
        return
    state = get_state(app)
    target = compliance_doc(app.env)
    for node in found:
        text, css, linked, anchor = mark_of(state, node["item"])
        mark = nodes.inline(text, text, classes=["sm-status-mark", f"sm-status-mark-{css}"])
        replacement: nodes.Node = mark
        if linked and target is not None:
            try:
                replacement = make_refnode(app.builder, docname, target, anchor, mark)
            except Exception:  # noqa: BLE001 - a builder that cannot link: the words
                replacement = mark
        node.replace_self(replacement)


def setup_status(app: Sphinx) -> None:
    app.add_node(sm_status)
    app.add_node(sm_platform)
    # before the tables (400), which hold no status mark or platform: not walked
    app.connect("doctree-resolved", resolve_status, priority=390)
