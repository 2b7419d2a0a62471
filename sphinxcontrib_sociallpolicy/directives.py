"""The item directives: ``sm-policy``, ``sm-tool``, ``sm-control``, ``sm-risk``,
``sm-requirement``, ``sm-waiver`` and ``sm-document``.

Each reads its options through :mod:`.options` (a bad value is one ``sm.option``
warning at the directive's line, naming the option, the value and what is allowed; the
rest of the item is kept), records the item as a sphinx-needs need with
:func:`sphinx_needs.api.add_need`, and renders a compact block (:mod:`.render`). The
need is recorded with ``hide=True``: sphinx-needs keeps it for needtable, needflow,
filters and needs.json, and our block (which carries the need's ID as its anchor) is
what readers see, without the cost of sphinx-needs' per-need layout.
"""

from __future__ import annotations

import difflib
import re
from typing import Any, ClassVar, NamedTuple

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util.docutils import SphinxDirective
from sphinx_needs.api import InvalidNeedException, add_need

from . import render
from .base import base_source
from .latex import MAX_TITLE, short_title
from .needs import ALL_FIELD, BASE_FIELD, SECTIONS_FIELD
from .options import (
    ID_RE,
    OptionError,
    control_codes,
    controls_message,
    option_message,
    parse_covers,
    parse_value,
    strip_controls,
)
from .project import note_mark
from .render import STATUS_MARK_KINDS
from .schema import (
    CONTROL,
    DOCUMENT,
    ITEM_STATUSES,
    ITEM_TYPES,
    POLICY,
    REQUIREMENT,
    RISK,
    STATUS_KINDS,
    TOOL,
    WAIVER,
    ItemType,
    is_draft,
)
from .warnings import SmWarning, warn

#: sphinx-needs options our directives accept as they are
NEED_OPTIONS = ("id", "status", "tags", "collapse", "hide", "style")


#: an option line of a directive block: ``:name: value`` or a flag ``:name:``
OPTION_LINE = re.compile(r"^:([^:\s][^:]*?):(?:\s+(.*?))?\s*$")


class Block(NamedTuple):
    """A directive block read by :func:`split_block`."""

    title: str
    options: dict[str, str]
    #: the names of options given more than once
    repeated: list[str]
    #: where invisible control characters were taken out (``""`` for the title,
    #: else the option's name), with the characters (``U+0007``), each once
    controls: dict[str, list[str]]


def split_block(text: str) -> Block:
    """The title and the options of a directive block.

    The directives read their options themselves, from the block docutils passes
    as the argument, instead of through docutils' option parsing (which parses
    every value as a reStructuredText field list, a large part of the cost of a
    policy with thousands of items). The first ``:name:`` line ends the title; a
    line that is not an option line continues the previous option's value.
    Invisible control characters (:data:`.options.CONTROL_RE`) are taken out of
    each line first, and where they were is noted (:attr:`Block.controls`).
    """
    title: list[str] = []
    options: dict[str, str] = {}
    repeated: list[str] = []
    controls: dict[str, list[str]] = {}
    current: str | None = None
    for line in text.split("\n"):
        codes = control_codes(line)
        if codes:
            line = strip_controls(line)
        stripped = line.strip()
        match = OPTION_LINE.match(stripped)
        if match:
            current = match.group(1)
            if current in options:
                repeated.append(current)
            options[current] = match.group(2) or ""
        elif current is None:
            title.append(stripped)
        elif stripped:
            options[current] = f"{options[current]} {stripped}".strip()
        if codes:
            found = controls.setdefault(current or "", [])
            found.extend(code for code in codes if code not in found)
    return Block(" ".join(" ".join(title).split()), options, repeated, controls)


def env_app(env: Any) -> Sphinx:
    """The application of a build environment (``env.app`` is deprecated in
    Sphinx 9; sphinx-needs' ``add_need`` still needs the application)."""
    return getattr(env, "_app", None) or env.app


def slug_id(prefix: str, title: str) -> str:
    """An ID from a title: ``TOOL_`` + the title's words in capitals."""
    words = re.findall(r"[A-Za-z0-9]+", title.upper())
    base = "_".join(words)[:48].strip("_") or "ITEM"
    return prefix + base


def _fit_project_fields(config: Config, fields: dict[str, Any]) -> dict[str, Any]:
    """Our values, fitted to a field the project declared itself with a string
    schema (e.g. its own ``owner``): lists are joined with ``, ``, numbers written
    out. Fields of ours are passed as they are."""
    project = getattr(config, "needs_fields", None) or {}
    if not any(name in project for name in fields):
        return fields
    out = dict(fields)
    for name, value in fields.items():
        declared = project.get(name)
        if not isinstance(declared, dict):
            continue
        kind = (declared.get("schema") or {}).get("type", "string")
        if kind == "string" and isinstance(value, list):
            out[name] = ", ".join(value)
        elif kind == "string" and isinstance(value, int):
            out[name] = str(value)
    return out


class ItemDirective(SphinxDirective):
    """Base of the item directives; subclasses set :attr:`item_type`."""

    item_type: ClassVar[ItemType]
    #: the title when the directive gives none (else a missing title is an error)
    default_title: ClassVar[str] = ""
    has_content = True
    required_arguments = 0
    optional_arguments = 1
    final_argument_whitespace = True
    # no spec: the title and the option lines reach run() as the argument, and
    # split_block() reads them (see there)
    option_spec = None

    def _warn(self, message: str, subtype: SmWarning = SmWarning.OPTION) -> None:
        warn(
            subtype, f"{self.item_type.directive} {self._label}: {message}", self._location
        )

    def run(self) -> list[nodes.Node]:
        # the line in the page (after an included file, docutils' own line number
        # counts the included lines too)
        source, line = self.get_source_info()
        self._source = str(self.env.doc2path(self.env.docname))
        self._line = line if source == self._source and line else self.lineno
        self._location: Any = (self.env.docname, self._line)
        # an item of a trust base's shared chapter: located in the chapter's file
        origin = base_source(self)
        if origin is not None:
            self._source, self._line, _chapter = origin
            self._location = f"{self._source}:{self._line}"
        item_type = self.item_type
        title, self.options, repeated, controls = split_block(
            self.arguments[0] if self.arguments else ""
        )
        content_controls = self._strip_content_controls()
        title = title or self.default_title
        self._label = repr(title) if title else "(no title)"
        for name in dict.fromkeys(repeated):
            self._warn(f":{name}: is given more than once; the last one is used")
        known = {opt.name: opt for opt in item_type.options}

        need_id = self._need_id(title)
        self._label = need_id
        # invisible control characters: taken out, and said where
        for name, codes in controls.items():
            self._warn(controls_message(f":{name}:" if name else "the title", codes))
        if content_controls:
            self._warn(controls_message("the text", content_controls))
        # unknown options: a typo must not pass silently
        for name in self.options:
            if name not in known and name not in NEED_OPTIONS:
                close = difflib.get_close_matches(name, [*known, *NEED_OPTIONS], n=1)
                hint = f"did you mean :{close[0]}:? " if close else ""
                self._warn(
                    f"unknown option :{name}:; {hint}this directive takes "
                    + ", ".join(f":{n}:" for n in known)
                )

        if not title:
            self._warn(
                "has no title; write it after the directive: "
                f".. {item_type.directive}:: Title"
            )
            title = need_id
        elif len(title) > MAX_TITLE:
            self._warn(
                f"has a title of {len(title)} characters; the PDF's tables and headings "
                f"show at most {MAX_TITLE} ({short_title(title)!r}). Write a short "
                "title, and the rest as the item's text"
            )

        status = self._status()
        fields: dict[str, Any] = {}
        all_links: list[str] = []
        for spec in item_type.options:
            raw = self.options.get(spec.name)
            if raw is None:
                if spec.required:
                    self._warn(
                        f"the required option :{spec.name}: is missing; add it "
                        f"({spec.allowed()})"
                    )
                continue
            try:
                value = parse_value(spec, raw)
            except OptionError as error:
                self._warn(option_message(spec, raw, error))
                continue
            if spec.is_link and value == ["all"]:
                all_links.append(spec.field)
                value = []
            if spec.kind == "covers":
                sections = [f"{rule}: {sec}" for rule, sec in parse_covers(raw) if sec]
                if sections:
                    fields[SECTIONS_FIELD] = sections
            fields[spec.field] = value
        self._defaults(fields)
        if all_links:
            fields[ALL_FIELD] = all_links
        need_fields = _fit_project_fields(self.config, fields)
        if origin is not None:
            need_fields[BASE_FIELD] = origin[2]

        content = "\n".join(self.content)
        hide = "hide" in self.options
        collapse = "collapse" in self.options
        try:
            add_need(
                env_app(self.env),
                self.state,
                self.env.docname,
                self._line,
                need_type=item_type.directive,
                title=title,
                id=need_id,
                content=content,
                status=status,
                tags=self.options.get("tags") or None,
                style=self.options.get("style") or None,
                hide=True,
                collapse=collapse,
                **need_fields,
            )
        except InvalidNeedException as error:
            if error.type == "duplicate_id":
                where = re.search(r"\((?:defined|imported) at ([^)]*)\)", error.message)
                self._warn(
                    f"the ID {need_id} is already used by another item"
                    + (f" (at {where.group(1)})" if where else "")
                    + "; give each item its own :id:",
                    SmWarning.DUPLICATE,
                )
            else:
                self._warn(error.message)
            return []
        if hide:
            # still a need, and still a link target
            return [nodes.target("", "", ids=[need_id])]
        if item_type.kind in STATUS_MARK_KINDS or item_type.kind == "policy":
            # its status mark shows findings that other items' changes can alter
            note_mark(self.env, "" if item_type.kind == "policy" else need_id)
        return self._render(need_id, title, fields, collapse)

    def _strip_content_controls(self) -> list[str]:
        """Take invisible control characters out of the directive's content (so
        that neither the rendered text nor the need's content keeps them); the
        characters taken out, each once."""
        found: list[str] = []
        for index, line in enumerate(self.content.data):
            codes = control_codes(line)
            if codes:
                self.content.data[index] = strip_controls(line)
                found.extend(code for code in codes if code not in found)
        return found

    def _status(self) -> str | None:
        """The ``:status:`` as written. On the items a school adopts (tools,
        controls, risks, documents) it is ``draft`` or ``adopted``; another value is
        an ``sm.option`` warning, and the item is then treated as a draft."""
        raw = " ".join((self.options.get("status") or "").split())
        if self.item_type.kind not in STATUS_KINDS:
            return raw or None
        if "status" in self.options and raw not in ITEM_STATUSES:
            shown = raw if len(raw) <= 80 else raw[:77] + "..."
            self._warn(
                (f":status: {shown!r} is not allowed" if raw else ":status: is empty")
                + "; allowed: draft (a suggestion not yet adopted, which counts for "
                "nothing) or adopted (the default when :status: is left out). Until "
                "it says adopted, this item is treated as a draft"
            )
            # a value that is not adopted is kept as written (nothing lost); an
            # empty one is written down as what it is treated as
            return raw or "draft"
        return raw or None

    def _need_id(self, title: str) -> str:
        raw = self.options.get("id")
        generated = slug_id(self.item_type.prefix, title or self.item_type.kind)
        if raw is None:
            return generated
        value = " ".join(raw.split())
        if not ID_RE.match(value):
            self._warn(
                f":id: {value!r} is not an ID in capitals with underscores, e.g. "
                f"{generated}; using {generated}"
            )
            return generated
        return value

    def _defaults(self, fields: dict[str, Any]) -> None:
        """Fill option defaults the item type declares."""
        for spec in self.item_type.options:
            if spec.default is not None and spec.field not in fields:
                fields[spec.field] = parse_value(spec, spec.default)

    def _content(self) -> list[nodes.Node]:
        """The directive's content, parsed. (Unsafe links are shown as text once
        references are resolved, in every document: :class:`.render.SafeOutput`.)"""
        body = nodes.container()
        if self.content:
            self.state.nested_parse(self.content, self.content_offset, body)
        return list(body.children)

    def _render(
        self, need_id: str, title: str, fields: dict[str, Any], collapse: bool
    ) -> list[nodes.Node]:
        return [
            render.item_block(
                self.item_type,
                need_id,
                title,
                fields,
                self._content(),
                collapse=collapse,
                source=(self._source, self._line),
                draft=is_draft(self.item_type.kind, self.options.get("status")),
            )
        ]


class PolicyDirective(ItemDirective):
    item_type = POLICY
    default_title = "Social media policy"

    def _need_id(self, title: str) -> str:
        if "id" in self.options:
            return super()._need_id(title)
        return "POLICY"

    def _defaults(self, fields: dict[str, Any]) -> None:
        super()._defaults(fields)
        fields.setdefault("country", self.config.sm_country)

    def _render(
        self, need_id: str, title: str, fields: dict[str, Any], collapse: bool
    ) -> list[nodes.Node]:
        return [render.policy_block(need_id, title, fields, self._content())]


class ToolDirective(ItemDirective):
    item_type = TOOL


class ControlDirective(ItemDirective):
    item_type = CONTROL


class RiskDirective(ItemDirective):
    item_type = RISK


class RequirementDirective(ItemDirective):
    item_type = REQUIREMENT


class WaiverDirective(ItemDirective):
    item_type = WAIVER


class DocumentDirective(ItemDirective):
    item_type = DOCUMENT


DIRECTIVES: dict[str, type[ItemDirective]] = {
    d.item_type.directive: d
    for d in (
        PolicyDirective,
        ToolDirective,
        ControlDirective,
        RiskDirective,
        RequirementDirective,
        WaiverDirective,
        DocumentDirective,
    )
}
assert set(DIRECTIVES) == {t.directive for t in ITEM_TYPES}


def register_directives(app: Sphinx, config: Config) -> None:
    """``config-inited`` (after :func:`.needs.register_needs`): our directives
    replace the generic need directive sphinx-needs registered for our types."""
    for name, cls in DIRECTIVES.items():
        app.add_directive(name, cls, override=True)


def setup_directives(app: Sphinx) -> None:
    # registered once sphinx-needs has added the need types (which registers its
    # generic directive under each name)
    app.connect("config-inited", register_directives, priority=521)
