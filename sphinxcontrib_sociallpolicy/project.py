"""Whole-project work, after every document is read.

At ``write-started`` (after sphinx-needs has post-processed its needs) the needs of our
types become one :class:`~.model.Policy`; the checks that need every item run on it
(links to items that do not exist, a second ``sm-policy``), then the guidance rules.
The result is kept on the application for the tables and reports of this build: it is
recomputed in every build, so a clean, an incremental and a parallel build report the
same.
"""

from __future__ import annotations

import logging as std_logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.environment import BuildEnvironment
from sphinx.util.logging import NAMESPACE, suppress_logging
from sphinx_needs.api import get_needs_view

from .config import get_config
from .model import Finding, Item, Policy, RequirementInfo, Result, source_order
from .needs import ALL_FIELD, BASE_FIELD, PACK_FIELD, tool_ids
from .options import split_list
from .schema import BY_DIRECTIVE, BY_KIND
from .warnings import SmWarning, warn

STATIC_DIR = Path(__file__).parent / "static"


@dataclass
class ProjectState:
    """What one build knows about the whole policy.

    The verdicts live in :attr:`evaluation` (the guidance engine's
    :class:`~.guidance.engine.Evaluation`), the one place where a result, the
    severity threshold and coverage are decided; the properties below only read it.
    """

    policy: Policy
    #: IDs that links may name besides items: the active guidance requirements
    known_ids: set[str] = field(default_factory=set)
    #: (pack ID, title, version, source) of each active pack
    packs: list[tuple[str, str, str, str]] = field(default_factory=list)
    evaluation: Any = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def requirements(self) -> list[RequirementInfo]:
        """Every requirement checked (packs, then local), in order."""
        return self.evaluation.infos() if self.evaluation is not None else []

    @property
    def results(self) -> list[Result]:
        """One per shown requirement x item it applies to."""
        return self.evaluation.shown_results() if self.evaluation is not None else []

    @property
    def findings(self) -> list[Finding]:
        return self.evaluation.findings if self.evaluation is not None else []

    @property
    def disabled(self) -> frozenset[str]:
        return self.evaluation.disabled if self.evaluation is not None else frozenset()


def collect(app: Sphinx, *, as_read: bool = False) -> Policy:
    """Our items from the sphinx-needs needs, indexed once: the needs of the write
    phase (post-processed by sphinx-needs), or with ``as_read`` the needs as read,
    before that (see :func:`predict_state`)."""
    import os

    from sphinx_needs.data import SphinxNeedsData

    from .base import base_folder

    env = app.env
    folder = base_folder(app)
    items: list[Item] = []
    others: set[str] = set()
    needs = SphinxNeedsData(env).get_needs_mutable() if as_read else get_needs_view(app)
    every_tool: list[str] | None = None  # in sphinx-needs' order
    sources: dict[str, str] = {}  # each page's file
    for need in needs.values():
        item_type = BY_DIRECTIVE.get(need["type"])
        if item_type is None or need["is_external"] or need.get(PACK_FIELD):
            # the project's own needs, and the packs' requirements (sm-guidance)
            others.add(need["id"])
            continue
        fields: dict[str, Any] = {}
        links: dict[str, list[str]] = {}
        for spec in item_type.options:
            if spec.is_link:
                try:
                    found = list(need.get_links(spec.field))
                    if as_read:
                        # as the write phase will see them: ``all`` made every tool
                        # (needs.expand_all_links), in sphinx-needs' order
                        if spec.field in (need.get(ALL_FIELD) or ()):
                            if every_tool is None:
                                every_tool = sorted_links(tool_ids(needs))
                            found = list(every_tool)
                        else:
                            found = sorted_links(found)
                    links[spec.name] = found
                except KeyError:
                    continue
            else:
                value = need.get(spec.field)
                if spec.is_list and isinstance(value, str):
                    value = split_list(value)  # a project's own string field
                if value not in (None, "", []):
                    fields[spec.name] = value
        if need.get(ALL_FIELD):
            fields["all"] = [name.replace("_", "-") for name in need[ALL_FIELD]]
        docname = need["docname"] or ""
        source = sources.get(docname, "")
        if docname and not source:
            source = sources[docname] = str(env.doc2path(docname, False))
        chapter = need.get(BASE_FIELD) or ""
        origin = ""
        if chapter and folder is not None:
            # an item of a trust base's shared chapter: at its line in the chapter
            origin = str(folder / chapter)
            try:
                source = os.path.relpath(origin, env.srcdir)
            except ValueError:  # another drive (Windows)
                source = origin
        items.append(
            Item(
                id=need["id"],
                kind=item_type.kind,  # type: ignore[arg-type]
                title=need["title"],
                docname=docname,
                source=source,
                line=need["lineno"] or 0,
                fields=fields,
                links=links,
                content=need["content"] or "",
                status=need.get("status") or None,
                base=chapter if origin else "",
                origin=origin,
            )
        )
    policy = Policy.from_items(items)
    policy.other_ids = others
    return policy


def _natural(value: str) -> tuple[list[str | int], str]:
    parts = re.split(r"(\d+)", value)
    return [int(p) if p.isdigit() else p.casefold() for p in parts], value


def sorted_links(ids: list[str]) -> list[str]:
    """Link targets in the order sphinx-needs gives them after post-processing (its
    natural order: ``T_2`` before ``T_10``, duplicates once). Where this ever
    differs, the verdicts worked out early are not reused (see :func:`analyse`)."""
    return sorted(dict.fromkeys(ids), key=_natural)


def location(item: Item) -> Any:
    """Where an item is, for a warning: its page and line, or (an item of a trust
    base's chapter) the chapter's file and line."""
    if item.origin:
        return f"{item.origin}:{item.line}"
    return (item.docname, item.line)


def check_items(policy: Policy, known_ids: set[str], root_doc: str = "index") -> None:
    """``sm.link`` for links to missing items or items of the wrong kind;
    ``sm.duplicate`` for a second ``sm-policy``."""
    for item in sorted(policy, key=source_order):
        item_type = BY_KIND[item.kind]
        for spec in item_type.options:
            if not spec.is_link:
                continue
            for target_id in item.links.get(spec.name, ()):
                target = policy.items.get(target_id)
                directive = item_type.directive
                if target is None:
                    if target_id in known_ids:
                        continue
                    warn(
                        SmWarning.LINK,
                        f"{directive} {item.id}: :{spec.name}: names {target_id}, which "
                        "is not an item of this policy; check the ID, or add the item",
                        location(item),
                    )
                elif spec.link_to and target.kind not in spec.link_to:
                    wanted = " or ".join(BY_KIND[k].directive for k in spec.link_to)
                    warn(
                        SmWarning.LINK,
                        f"{directive} {item.id}: :{spec.name}: names {target_id}, which "
                        f"is an {BY_KIND[target.kind].directive}, not an {wanted}",
                        location(item),
                    )
        if item.kind == "waiver" and (waived_for := item.fields.get("target")):
            target_id = str(waived_for)
            target = policy.items.get(target_id)
            if target is None or target.kind != "tool":
                what = (
                    "is not an item of this policy"
                    if target is None
                    else (f"is an {BY_KIND[target.kind].directive}, not an sm-tool")
                )
                warn(
                    SmWarning.LINK,
                    f"sm-waiver {item.id}: :target: names {target_id}, which {what}; "
                    "name a tool's ID, or leave :target: out to waive for the whole policy",
                    location(item),
                )
    policies = policy.of_kind("policy")
    if not policies and policy.items:
        warn(
            SmWarning.DUPLICATE,
            "this project has policy items but no sm-policy; add exactly one "
            ".. sm-policy:: with :school: (usually in index.rst), so the policy's "
            "key facts can be checked",
            (root_doc, 1),
        )
    for extra in policies[1:]:
        first = policies[0]
        warn(
            SmWarning.DUPLICATE,
            f"sm-policy {extra.id}: a project has exactly one sm-policy, and the first is "
            f"{first.id} at {first.source}:{first.line}; remove this one",
            location(extra),
        )


def get_state(app: Sphinx) -> ProjectState:
    """This build's :class:`ProjectState` (computed at ``write-started``)."""
    state = getattr(app, "_sm_state", None)
    if state is None:
        state = analyse(app)
    return state


def analyse(app: Sphinx) -> ProjectState:
    policy = collect(app)
    early = getattr(app, "_sm_predicted", None)
    app._sm_predicted = None  # type: ignore[attr-defined]
    if early is not None:
        state, said = early
        same = state.policy.other_ids == policy.other_ids
        if same and state.policy.items == policy.items:
            # the verdicts worked out before writing (predict_state) are this build's:
            # keep them, and say now what the checks said then
            app._sm_state = state  # type: ignore[attr-defined]
            said.flushTo(std_logging.getLogger(NAMESPACE))
            return state
    # the project's own needs may be linked to through the project's own link types
    state = ProjectState(policy=policy, known_ids=set(policy.other_ids))
    app._sm_state = state  # type: ignore[attr-defined]
    for hook in ANALYSERS:
        hook(app, state)
    return state


def check_links(app: Sphinx, state: ProjectState) -> None:
    check_items(state.policy, state.known_ids, app.config.root_doc)


#: the whole-project steps, in order (see setup in evaluation.py)
ANALYSERS: list[Any] = []


def on_write_started(app: Sphinx, builder: Builder) -> None:
    analyse(app)


def on_env_updated(app: Sphinx, env: BuildEnvironment) -> None:
    # a new build: forget the previous build's state (one app can build twice)
    app._sm_state = None  # type: ignore[attr-defined]
    app._sm_predicted = None  # type: ignore[attr-defined]
    app._sm_marks_shown = {}  # type: ignore[attr-defined]


# --- incremental builds ---------------------------------------------------------
#
# A page that links to items (sm_ref) shows where each item lives; a page with a
# whole-project table shows items of every page; a page with status marks shows the
# findings of its own items. None of them is re-read when another page changes, so
# ``env-get-updated`` hands them back for writing when what they show may have
# changed: the first when an item appeared, vanished or moved; the others, when
# anything of any item (or a guidance file, or the date) changed, if the marks or
# tables they would show now differ from what they show (see :func:`shows_outdated`).


#: what a document may hold that the write phase must know of: item links
#: (``refs``), whole-project tables (``tables``: rewritten whenever any item
#: changes), the compliance summary (``compliance``), item status marks (``marks``:
#: rewritten when one of its marks changes)
DOC_SETS = ("refs", "tables", "compliance", "marks")


def _doc_sets(env: BuildEnvironment) -> dict[str, set[str]]:
    if not hasattr(env, "sm_docs"):
        env.sm_docs = {}  # type: ignore[attr-defined]
    for what in DOC_SETS:
        env.sm_docs.setdefault(what, set())  # type: ignore[attr-defined]
    return env.sm_docs  # type: ignore[attr-defined]


def note_doc(env: BuildEnvironment, what: str) -> None:
    """Record that the current document holds item links (``refs``), a
    whole-project table (``tables``) or the compliance summary (``compliance``)."""
    _doc_sets(env)[what].add(env.docname)


#: what the environment keeps of each page (``{docname: ...}``), forgotten when the
#: page is read again and merged from parallel readers: the section each item is
#: written in (``sm_sections``), the status marks (``sm_marks``) and whole-project
#: tables (``sm_tables``) it shows
PER_PAGE = ("sm_sections", "sm_marks", "sm_tables")


def _per_page(env: BuildEnvironment, name: str) -> dict[str, Any]:
    """The environment's ``{docname: ...}`` store ``name`` (see :data:`PER_PAGE`)."""
    if not hasattr(env, name):
        setattr(env, name, {})
    return getattr(env, name)  # type: ignore[no-any-return]


def _marks(env: BuildEnvironment) -> dict[str, list[str]]:
    """``{docname: [item ID, ...]}``: the status marks each page shows, in order
    (``""``: the policy's overall status)."""
    return _per_page(env, "sm_marks")


def note_mark(env: BuildEnvironment, item_id: str) -> None:
    """Record that the current document shows the status mark of ``item_id`` (``""``:
    the overall status)."""
    _doc_sets(env)["marks"].add(env.docname)
    _marks(env).setdefault(env.docname, []).append(item_id)


def marks_of(env: BuildEnvironment, docname: str) -> list[str]:
    """The status marks a page shows (see :func:`note_mark`)."""
    return _marks(env).get(docname, [])


def _tables(env: BuildEnvironment) -> dict[str, list[tuple[str, tuple[Any, ...]]]]:
    """``{docname: [(kind, options), ...]}``: the whole-project tables each page
    shows, in order."""
    return _per_page(env, "sm_tables")


def note_table(env: BuildEnvironment, kind: str, options: dict[str, Any]) -> None:
    """Record that the current document shows a whole-project table."""
    note_doc(env, "tables")
    _tables(env).setdefault(env.docname, []).append((kind, tuple(sorted(options.items()))))


def tables_of(env: BuildEnvironment, docname: str) -> list[tuple[str, tuple[Any, ...]]]:
    """The whole-project tables a page shows (see :func:`note_table`)."""
    return _tables(env).get(docname, [])


#: what each kind of table shows, for an incremental build to see whether it
#: changed: ``(app, state, options) -> a value that equals the last build's when
#: the table is the same`` (see :func:`page_shows`); a kind not here shows
#: anything of any item (its page is rewritten whenever any item changes)
TABLE_INPUTS: dict[str, Any] = {}


def page_shows(app: Sphinx, state: ProjectState, docname: str) -> str:
    """A digest of what a page shows of the whole project: its status marks and
    its tables (:data:`TABLE_INPUTS`). The same digest, the same page."""
    import hashlib

    from .status import page_marks

    env = app.env
    parts: list[Any] = []
    if docname in _doc_sets(env)["marks"]:
        parts.append(page_marks(app, state, docname))
    for kind, options in tables_of(env, docname):
        inputs = TABLE_INPUTS.get(kind)
        if inputs is None:  # anything of any item: as the project's digest
            parts.append((kind, options, getattr(env, "sm_digest", None)))
        else:
            parts.append((kind, options, inputs(app, state, dict(options))))
    return hashlib.sha256(repr(parts).encode("utf-8", "replace")).hexdigest()


def note_shown(app: Sphinx, doctree: Any, docname: str) -> None:
    """``doctree-resolved``, once its marks and tables are in: what a page with
    marks or tables shows (:func:`page_shows`), kept for the next incremental build
    (see :func:`save_marks`)."""
    docs = _doc_sets(app.env)
    if docname not in docs["marks"] and docname not in docs["tables"]:
        return
    shown = getattr(app, "_sm_marks_shown", None)
    if shown is None:
        shown = app._sm_marks_shown = {}  # type: ignore[attr-defined]
    shown[docname] = page_shows(app, get_state(app), docname)


def _sections(env: BuildEnvironment) -> dict[str, dict[str, tuple[str, str]]]:
    """``{docname: {item ID: (section title, section ID)}}``: the section each
    item is written in, for the "Where" of a finding."""
    return _per_page(env, "sm_sections")


def section_of(env: BuildEnvironment, docname: str, item_id: str) -> tuple[str, str] | None:
    """(section title, section ID) of an item, or None where it is not known."""
    return _sections(env).get(docname, {}).get(item_id)


def compliance_doc(env: BuildEnvironment) -> str | None:
    """The document holding the compliance summary (the first, if several)."""
    docs = sorted(_doc_sets(env)["compliance"])
    return docs[0] if docs else None


def on_purge_doc(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    for docs in _doc_sets(env).values():
        docs.discard(docname)
    for name in PER_PAGE:
        _per_page(env, name).pop(docname, None)


def on_merge_info(
    app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment
) -> None:
    mine = _doc_sets(env)
    for what, docs in _doc_sets(other).items():
        mine.setdefault(what, set()).update(docs & set(docnames))
    for name in PER_PAGE:
        kept = _per_page(env, name)
        for docname, value in _per_page(other, name).items():
            if docname in docnames:
                kept[docname] = value


def on_doctree_read(app: Sphinx, doctree: Any) -> None:
    from docutils import nodes

    from .render import sm_ref

    for _ in doctree.findall(sm_ref):
        note_doc(app.env, "refs")
        break
    places: dict[str, tuple[str, str]] = {}
    for block in doctree.findall(nodes.container):
        if "sm-item" not in block["classes"] or not len(block):
            continue
        # the item's anchor: its target, or the title line docutils moved it to
        ids = [i for child in block.children[:2] for i in child.get("ids", ())]
        if not ids:
            continue
        section = block.parent
        while section is not None and not isinstance(section, nodes.section):
            section = section.parent
        if section is None or not section["ids"]:
            continue
        title = next(section.findall(nodes.title), None)
        places[ids[0]] = (
            title.astext() if title is not None else "",
            section["ids"][0],
        )
    if places:
        _sections(app.env)[app.env.docname] = places


def item_fingerprints(app: Sphinx) -> tuple[dict[str, str], str]:
    """Where each item lives, and a digest of what the whole-project pages show:
    every item's data, the sections they are in, the guidance files and the date of
    the checks."""
    import hashlib

    from sphinx_needs.data import SphinxNeedsData

    env = app.env
    # the needs as read: asking for the needs view here would post-process (and
    # freeze) them before the environment is saved
    needs = SphinxNeedsData(env).get_needs_mutable()
    places = {need_id: str(need["docname"] or "") for need_id, need in needs.items()}
    # each page's items are digested when the page is read (and kept): a page not
    # re-read has the same items as before
    known: dict[str, str] = getattr(env, "sm_item_digests", {})
    reread = set(getattr(app, "_sm_reading", ())) | {""}
    fresh: dict[str, list[tuple[str, Any]]] = {}
    with_items: set[str] = set()
    for need_id, need in needs.items():
        if need["type"] not in BY_DIRECTIVE:
            continue
        docname = places[need_id]
        with_items.add(docname)
        if docname in reread or docname not in known:
            fresh.setdefault(docname, []).append((need_id, need))
    pages = {doc: value for doc, value in known.items() if doc in with_items}
    for docname, found in fresh.items():
        page = hashlib.sha256()
        for _, need in sorted(found, key=lambda pair: pair[0]):
            page.update(repr(sorted(need.items())).encode("utf-8", "replace"))
        pages[docname] = page.hexdigest()
    env.sm_item_digests = pages  # type: ignore[attr-defined]
    digest = hashlib.sha256(repr(sorted(pages.items())).encode())
    # where items are written (a renamed section changes the "Where" of findings)
    digest.update(repr(sorted(_sections(app.env).items())).encode("utf-8", "replace"))
    # the date the checks use: with sm_today unset, a build on a later day finds
    # reviews and waivers that have since fallen due
    digest.update(f"today:{get_config(app).today.isoformat()}".encode())
    for path in sorted(getattr(app.env, "sm_data_files", ())):
        try:
            digest.update(Path(path).read_bytes())
        except OSError:
            digest.update(b"missing:" + str(path).encode())
    return places, digest.hexdigest()


def purge_before_reading(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """``env-before-read-docs``: forget every document about to be read, before any
    is read, as Sphinx's parallel reading does. Serial reading forgets each document
    just before reading it, so an item moved from ``b.rst`` to ``a.rst`` would meet
    its old self (a false duplicate ID) when ``a.rst`` is read first. (With ``-j``
    Sphinx still reads serially when few documents changed; purging twice is
    harmless.)"""
    app._sm_reading = set(docnames)  # type: ignore[attr-defined]
    for docname in docnames:
        if docname in env.all_docs:
            app.events.emit("env-purge-doc", env, docname)


def on_env_get_updated(app: Sphinx, env: BuildEnvironment) -> list[str]:
    places, digest = item_fingerprints(app)
    docs = _doc_sets(env)
    outdated: set[str] = set()
    if places != getattr(env, "sm_places", None):
        outdated |= docs["refs"]
    changed = digest != getattr(env, "sm_digest", None)
    env.sm_places = places  # type: ignore[attr-defined]
    env.sm_digest = digest  # type: ignore[attr-defined]
    if changed:
        reread = set(getattr(app, "_sm_reading", ()))
        outdated |= shows_outdated(app, (docs["marks"] | docs["tables"]) - reread)
    return sorted(outdated & env.found_docs)


# --- status marks and tables in incremental builds -------------------------------
#
# Each page records the marks (note_mark) and tables (note_table) it shows. When any
# item changed, a page that was not re-read is rewritten only if what it would show
# now differs from what it shows (page_shows): after each build the digest of what
# every page showed as written is kept beside the doctrees (save_marks); before
# writing, it is worked out again from the needs as read (predict_state) and
# compared. A register shows tools, a risk register risks (TABLE_INPUTS); the other
# tables show anything of any item, and are rewritten whenever one changes. Where
# sphinx-needs would still change our items after reading (needextend, dynamic
# functions), nothing can be worked out early, and every such page is rewritten.


def _marks_file(app: Sphinx) -> Path:
    return Path(app.doctreedir) / f"sm-marks-{app.builder.name}.json"


def _shown_marks(app: Sphinx) -> dict[str, str] | None:
    """``{docname: digest}`` of what each page with marks or tables shows, as the
    last build wrote it; None when not known (then every such page is
    rewritten)."""
    import json

    try:
        data = json.loads(_marks_file(app).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("outdir") != str(app.outdir):
        return None
    pages = data.get("pages")
    return pages if isinstance(pages, dict) else None


def save_marks(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``: keep the digest of what every page written shows (and
    of the pages not written, as before), for the next build."""
    import json

    written = getattr(app, "_sm_marks_shown", None)
    if exception is not None or written is None or app.builder is None:
        return
    pages = dict(_shown_marks(app) or {})
    pages.update(written)
    docs = _doc_sets(app.env)
    kept = docs["marks"] | docs["tables"]
    pages = {doc: value for doc, value in sorted(pages.items()) if doc in kept}
    data = {"outdir": str(app.outdir), "pages": pages}
    try:
        _marks_file(app).write_text(json.dumps(data, indent=0), encoding="utf-8")
    except OSError:  # a read-only doctree folder: every page is rewritten next time
        pass


def predictable(app: Sphinx) -> bool:
    """Whether our items as read are what the write phase will see: no needextend,
    and no dynamic function in any of our items' values."""
    from sphinx_needs.data import SphinxNeedsData

    data = SphinxNeedsData(app.env)
    if data.needs_is_post_processed or data.get_or_create_extends():
        return False
    # sphinx-needs (9.1 and later) keeps the fields with a dynamic function ([[...]])
    # aside until it post-processes the needs; as read, their value is empty
    return not any(
        need.has_dynamic_fields
        for need in data.get_needs_mutable().values()
        if need["type"] in BY_DIRECTIVE
    )


def predict_state(app: Sphinx) -> ProjectState:
    """This build's verdicts worked out from the needs as read, with what the checks
    say held back. The write phase keeps them when its items are the same (and
    then says what was held back), or works them out again (see :func:`analyse`)."""
    with suppress_logging() as said:
        policy = collect(app, as_read=True)
        state = ProjectState(policy=policy, known_ids=set(policy.other_ids))
        for hook in ANALYSERS:
            hook(app, state)
    app._sm_predicted = (state, said)  # type: ignore[attr-defined]
    return state


def shows_outdated(app: Sphinx, candidates: set[str]) -> set[str]:
    """The pages among ``candidates`` (pages with marks or tables, not re-read)
    whose marks or tables would change (:func:`page_shows`)."""
    if not candidates:
        return set()
    shown = _shown_marks(app)
    if shown is None or not predictable(app):
        return set(candidates)
    state = predict_state(app)
    return {doc for doc in candidates if page_shows(app, state, doc) != shown.get(doc)}


def add_static(app: Sphinx) -> None:
    """The stylesheet for HTML; the LaTeX package for LaTeX/PDF."""
    if app.builder.format == "html":
        static = app.config.html_static_path
        if str(STATIC_DIR) not in static:
            static.append(str(STATIC_DIR))
        app.add_css_file("sociallpolicy.css")
    elif app.builder.format == "latex":
        from sphinx.util.fileutil import copy_asset_file

        app.add_latex_package("sociallpolicy")
        Path(app.outdir).mkdir(parents=True, exist_ok=True)
        copy_asset_file(STATIC_DIR / "sociallpolicy.sty", app.outdir)


def setup_project(app: Sphinx) -> None:
    app.connect("env-purge-doc", on_purge_doc)
    app.connect("env-merge-info", on_merge_info)
    app.connect("doctree-read", on_doctree_read)
    app.connect("env-get-updated", on_env_get_updated)
    app.connect("env-before-read-docs", purge_before_reading, priority=100)
    app.connect("env-updated", on_env_updated)
    # after sphinx-needs' own write-started handlers (priority 500)
    app.connect("write-started", on_write_started, priority=600)
    app.connect("builder-inited", add_static)
    app.connect("build-finished", save_marks)
    # after the status marks (390) and tables (400)
    app.connect("doctree-resolved", note_shown, priority=410)
