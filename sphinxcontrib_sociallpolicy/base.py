"""A school project built on a trust base (``sm_base``).

With ``sm_base = "../trust-base"`` in conf.py (the folder's manifest is read by
:mod:`.trustbase`):

- the base's guidance packs are checked in addition to the school's
  ``sm_guidance`` (first, so a school pack cannot redefine a base requirement), and
  a school cannot switch one of their requirements off with ``sm_disable`` (an
  ``sm.config`` warning; the requirement still applies; a waiver, which is
  documented and listed, is still possible);
- the base's catalogue files apply before the school's own ``sm_platforms``;
- ``.. sm-base-chapter:: shared/safeguards.rst`` includes a shared chapter, read from
  the base folder. Its items are *base items*: their warnings and findings are at the
  base file's lines. A chapter of the manifest that no page includes is an
  ``sm.config`` warning and shown in the compliance summary;
- a school replaces a base item only with an override: its own item of the same kind
  with ``:replaces: BASE_ID`` and ``:override-reason:``. The replaced item counts for
  nothing (its status mark says it is replaced), the requirements still apply to the
  replacement, and the compliance summary and ``sm-report.json`` list every override.

Incremental and parallel builds: a chapter is a dependency of the page that
includes it (``env.note_dependency``); the manifest, pack and catalogue files are
data files (:func:`.evaluation.data_files`), whose edits rewrite every page that
shows results.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docutils import nodes, statemachine
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util.docutils import SphinxDirective

from .config import setting_location
from .model import Item, source_order
from .trustbase import Base, BaseError, load_base, relative_chapter
from .warnings import SmWarning, warn

#: the kinds of item a school may replace (``:replaces:``)
REPLACEABLE_KINDS = ("control", "document", "risk")


def base_folder(app: Sphinx) -> Path | None:
    """The base folder named by ``sm_base`` (absolute, relative to the folder of
    conf.py), or None when it is unset."""
    value = getattr(app.config, "sm_base", None)
    if not value or not isinstance(value, str):
        return None
    return (Path(app.confdir) / value).resolve()


def _app(env: BuildEnvironment) -> Sphinx:
    """The application of a build environment (``env.app`` is deprecated)."""
    return getattr(env, "_app", None) or env.app  # type: ignore[no-any-return]


def read_base(app: Sphinx) -> tuple[Base | None, list[BaseError]]:
    """The base of this project, and the problems reading it (None, [] when the
    project has none)."""
    folder = base_folder(app)
    if folder is None:
        return None, []
    errors: list[BaseError] = []
    return load_base(folder, errors), errors


# --- shared chapters -----------------------------------------------------------------


def _chapters(env: BuildEnvironment) -> dict[str, dict[str, int]]:
    """``{docname: {chapter: line}}``: the base chapters each page includes."""
    if not hasattr(env, "sm_base_chapters"):
        env.sm_base_chapters = {}  # type: ignore[attr-defined]
    return env.sm_base_chapters  # type: ignore[attr-defined]


class BaseChapterDirective(SphinxDirective):
    """``.. sm-base-chapter:: shared/safeguards.rst``: the shared chapter of the
    trust base (``sm_base``), read as if it were written here (like ``include``).
    Its items are the base's; an edit to the chapter re-reads this page."""

    required_arguments = 1
    optional_arguments = 0
    final_argument_whitespace = True
    has_content = False

    def run(self) -> list[nodes.Node]:
        location = self.get_location()
        written = " ".join(self.arguments[0].split())
        folder = base_folder(_app(self.env))
        if folder is None:
            warn(
                SmWarning.CONFIG,
                f"sm-base-chapter {written}: this project has no trust base; set "
                'sm_base in conf.py to the base folder (e.g. sm_base = "../trust-base")',
                location,
            )
            return []
        chapter = relative_chapter(written)
        if chapter is None:
            warn(
                SmWarning.CONFIG,
                f"sm-base-chapter {written}: a chapter is named by its path inside the "
                f"base folder {folder} (as in its base.yaml), without '..'",
                location,
            )
            return []
        path = folder / chapter
        self.env.note_dependency(str(path))
        try:
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            warn(
                SmWarning.CONFIG,
                f"sm-base-chapter {chapter}: the base folder {folder} has no such file; "
                "check the name against the chapters in its base.yaml",
                location,
            )
            return []
        except (OSError, UnicodeDecodeError) as error:
            reason = (
                "it is not UTF-8 text"
                if isinstance(error, UnicodeDecodeError)
                else (getattr(error, "strerror", None) or str(error))
            )
            warn(
                SmWarning.CONFIG,
                f"sm-base-chapter {chapter}: the file {path} cannot be read ({reason})",
                location,
            )
            return []
        included = _chapters(self.env).setdefault(self.env.docname, {})
        if chapter in included:
            warn(
                SmWarning.DUPLICATE,
                f"sm-base-chapter {chapter}: this page already includes it (at line "
                f"{included[chapter]}); include each shared chapter once",
                location,
            )
            return []
        included[chapter] = self.lineno
        lines = statemachine.string2lines(
            text, self.state.document.settings.tab_width, convert_whitespace=True
        )
        source = str(path)
        # as docutils' include: the comment at the end closes the inclusion
        lines += ["", f'.. end of inclusion from "{source}"']
        include_log = self.state.document.include_log
        if not include_log:
            include_log.append((self.env.doc2path(self.env.docname), (None,) * 4))
        self.state_machine.insert_input(lines, source)
        include_log.append((source, (None,) * 4))
        return []


def base_source(directive: SphinxDirective) -> tuple[str, int, str] | None:
    """For an item directive in a base chapter: (the chapter's file, the line in
    it, the chapter's path in the base folder); None for the school's own items."""
    source, line = directive.get_source_info()
    env = directive.env
    if not source or source == str(env.doc2path(env.docname)):
        return None
    folder = base_folder(_app(env))
    if folder is None:
        return None
    try:
        relative = Path(source).resolve().relative_to(folder)
    except (ValueError, OSError):
        return None
    return source, line or 0, relative.as_posix()


def on_purge_doc(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _chapters(env).pop(docname, None)


def on_merge_info(
    app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment
) -> None:
    mine = _chapters(env)
    for docname, included in _chapters(other).items():
        if docname in docnames:
            mine[docname] = dict(included)


# --- the whole project ----------------------------------------------------------------


@dataclass(frozen=True)
class Override:
    """A base item replaced by a school's own item."""

    replaced: str
    replaced_title: str
    replacement: str
    replacement_title: str
    reason: str
    source: str
    line: int
    docname: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "replaced": self.replaced,
            "replaced_title": self.replaced_title,
            "replacement": self.replacement,
            "replacement_title": self.replacement_title,
            "reason": self.reason,
            "source": self.source,
            "line": self.line,
        }


@dataclass
class BaseState:
    """What this build knows of its trust base."""

    base: Base
    #: chapter -> the pages that include it, in the manifest's order
    included: dict[str, list[str]] = field(default_factory=dict)
    #: the manifest's chapters no page includes
    missing: list[str] = field(default_factory=list)
    #: chapters included that the manifest does not list
    unlisted: list[str] = field(default_factory=list)
    overrides: list[Override] = field(default_factory=list)
    #: base item ID -> the school item that replaces it
    replaced: dict[str, str] = field(default_factory=dict)
    #: the rule IDs a school cannot switch off (the base packs' and base
    #: sm-requirements)
    rules: set[str] = field(default_factory=set)

    def as_dict(self, base_dir: Path) -> dict[str, Any]:
        def shown(path: Path | str) -> str:
            try:
                return os.path.relpath(path, base_dir)
            except ValueError:  # another drive (Windows)
                return str(path)

        base = self.base
        return {
            "name": base.name,
            "folder": shown(base.folder),
            "guidance": [g if not os.path.isabs(g) else shown(g) for g in base.guidance],
            "platforms": [shown(p) for p in base.platforms],
            "chapters": [
                {"chapter": chapter, "included_in": self.included.get(chapter, [])}
                for chapter in base.chapters
            ],
            "missing_chapters": list(self.missing),
        }


def base_state(state: Any) -> BaseState | None:
    """The :class:`BaseState` of a :class:`~.project.ProjectState`, if any."""
    found = state.extra.get("base")
    return found if isinstance(found, BaseState) else None


def prepare_base(app: Sphinx, state: Any) -> None:
    """Whole-project step before the guidance is evaluated: read the base (an
    ``sm.config`` warning per problem), find the chapters no page includes, and the
    overrides (``:replaces:``), which the evaluation then uses."""
    base, errors = read_base(app)
    confdir = Path(app.confdir)
    for error in errors:
        location = (
            f"{error.path}:{error.line}"
            if error.line
            else setting_location(confdir, "sm_base", app.config)
        )
        message = error.message if error.line else f"sm_base: {error.message}"
        warn(SmWarning.CONFIG, message, location)
    items = state.policy.items
    if base is None:
        for item in state.policy:
            if item.fields.get("replaces"):
                warn(
                    SmWarning.LINK,
                    f"{_directive(item)} {item.id}: :replaces: names "
                    f"{item.fields['replaces']}, but this project has no trust base "
                    "(sm_base), so there is no base item to replace; remove :replaces:",
                    _location(item),
                )
        return
    found = BaseState(base=base)
    state.extra["base"] = found
    by_chapter: dict[str, list[str]] = {}
    for docname, included in sorted(_chapters(app.env).items()):
        if docname not in app.env.found_docs:
            continue
        for chapter in included:
            by_chapter.setdefault(chapter, []).append(docname)
    found.included = {c: by_chapter[c] for c in base.chapters if c in by_chapter}
    found.unlisted = sorted(c for c in by_chapter if c not in base.chapters)
    found.missing = [c for c in base.chapters if c not in by_chapter]
    for chapter in found.missing:
        warn(
            SmWarning.CONFIG,
            f"the trust base {base.name!r} shares the chapter {chapter} "
            f"({base.manifest}:{base.chapters[chapter]}), which no page of this "
            "project includes, so its safeguards and documents are not in this "
            f"policy; add '.. sm-base-chapter:: {chapter}' to a page",
            setting_location(confdir, "sm_base", app.config),
        )
    for chapter in found.unlisted:
        docname = by_chapter[chapter][0]
        warn(
            SmWarning.CONFIG,
            f"sm-base-chapter {chapter}: the base's base.yaml does not list this "
            "chapter under 'chapters:'; its items are read as base items all the same",
            (docname, _chapters(app.env)[docname][chapter]),
        )
    found.rules = {i.id for i in items.values() if i.kind == "requirement" and i.base}
    for item in sorted(state.policy, key=source_order):
        target_id = item.fields.get("replaces")
        if not target_id:
            continue
        label = f"{_directive(item)} {item.id}"
        target = items.get(target_id)
        problem = ""
        if item.base:
            problem = (
                "is itself a base item; a base changes its own items directly, and "
                "only a school's own item can replace a base item"
            )
        elif target is None:
            problem = (
                "which is not an item of this policy; name the ID of an item of a "
                "shared chapter of the base"
            )
        elif not target.base:
            problem = (
                "which is the school's own item, not a base item; change or remove "
                "that item instead"
            )
        elif target.kind != item.kind:
            problem = (
                f"which is an {_directive(target)}; an {_directive(item)} replaces "
                f"only an {_directive(item)}"
            )
        elif target_id in found.replaced:
            problem = f"which {found.replaced[target_id]} already replaces"
        if problem:
            warn(
                SmWarning.LINK,
                f"{label}: :replaces: names {target_id}, {problem}".replace(
                    ", is itself", " but is itself"
                ),
                _location(item),
            )
            continue
        assert target is not None
        reason = " ".join(str(item.fields.get("override-reason") or "").split())
        if not reason:
            warn(
                SmWarning.OPTION,
                f"{label}: replaces the base item {target_id} without "
                ":override-reason:; write why the school replaces it (the compliance "
                "summary lists every override with its reason)",
                _location(item),
            )
        found.replaced[target_id] = item.id
        found.overrides.append(
            Override(
                replaced=target_id,
                replaced_title=target.title,
                replacement=item.id,
                replacement_title=item.title,
                reason=reason,
                source=item.source,
                line=item.line,
                docname=item.docname,
            )
        )


def _directive(item: Item) -> str:
    from .schema import BY_KIND

    return BY_KIND[item.kind].directive


def _location(item: Item) -> Any:
    from .project import location

    return location(item)


def setup_base(app: Sphinx) -> None:
    app.add_directive("sm-base-chapter", BaseChapterDirective)
    app.connect("env-purge-doc", on_purge_doc)
    app.connect("env-merge-info", on_merge_info)
