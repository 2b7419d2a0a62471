"""Our items as sphinx-needs needs: types, fields and links.

Registered at ``config-inited`` after sphinx-needs has read the project's own
``needs_types``, ``needs_fields`` and ``needs_links`` (its ``load_config`` runs at the
default priority 500), so a name the project already declares is left as the project
declared it: nothing of theirs is overwritten and no duplicate-field warning is raised.

Need types go through :func:`sphinx_needs.api.add_need_type` and fields through
:func:`sphinx_needs.api.add_field`. sphinx-needs has no API for link types yet, so ours
are added to ``needs_links`` (entries the project already has are kept as they are).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx_needs.api import add_field, add_need_type, get_need_types
from sphinx_needs.exceptions import NeedsApiConfigException, NeedsApiConfigWarning

from .config import setting_location
from .schema import ITEM_TYPES, LINK_WORDS, OptionSpec, all_fields, all_links
from .warnings import SmWarning, warn

#: field listing the link options written as ``all`` (expanded to every tool)
ALL_FIELD = "sm_all"
#: field naming the guidance pack of a requirement need made by ``sm-guidance``
PACK_FIELD = "sm_pack"
#: field listing the sections an ``sm-document``'s ``:covers:`` gives ("ID: section")
SECTIONS_FIELD = "sm_sections"
#: field naming the trust-base chapter an item was read from (see :mod:`.base`)
BASE_FIELD = "sm_base"
#: our own fields beside the options: (name, description, schema)
EXTRA_FIELDS = (
    (
        BASE_FIELD,
        "sociallpolicy: the trust-base chapter the item is read from",
        {"type": "string"},
    ),
    (
        ALL_FIELD,
        "sociallpolicy: link options written as 'all'",
        {"type": "array", "items": {"type": "string"}},
    ),
    (PACK_FIELD, "sociallpolicy: the guidance pack of a requirement", {"type": "string"}),
    (
        SECTIONS_FIELD,
        "sociallpolicy: the section of a document that covers each requirement",
        {"type": "array", "items": {"type": "string"}},
    ),
)


def field_schema(spec: OptionSpec) -> dict[str, Any]:
    if spec.is_list:
        return {"type": "array", "items": {"type": "string"}}
    if spec.kind in {"score", "months"}:
        return {"type": "integer"}
    return {"type": "string"}


def _project_field_names(config: Config) -> set[str]:
    names: set[str] = set(getattr(config, "needs_fields", {}) or {})
    for option in getattr(config, "needs_extra_options", []) or []:
        if isinstance(option, str):
            names.add(option)
        elif isinstance(option, dict) and isinstance(option.get("name"), str):
            names.add(option["name"])
    return names


def register_needs(app: Sphinx, config: Config) -> None:
    """``config-inited`` (priority 520): add our need types, fields and links."""
    conf_py = setting_location(Path(app.confdir), "needs_types", config)
    existing_types = set(get_need_types(app))
    for item_type in ITEM_TYPES:
        if item_type.directive in existing_types:
            warn(
                SmWarning.CONFIG,
                f"needs_types already declares {item_type.directive!r}; remove it from "
                "needs_types: sphinxcontrib-sociallpolicy provides this type",
                conf_py,
            )
            continue
        try:
            add_need_type(
                app,
                item_type.directive,
                item_type.title,
                item_type.prefix,
                item_type.color,
                "card",
            )
        except NeedsApiConfigException as error:  # pragma: no cover - guarded above
            warn(SmWarning.CONFIG, str(error), conf_py)

    project_fields = _project_field_names(config)
    links: dict[str, Any] = dict(getattr(config, "needs_links", {}) or {})
    fields = dict(all_fields())
    for name, spec in fields.items():
        if name in project_fields or name in links:
            continue  # the project's own declaration is used as it is
        try:
            add_field(
                name,
                description=f"sociallpolicy: {spec.help}",
                schema=field_schema(spec),  # type: ignore[arg-type]
                nullable=True,
            )
        except NeedsApiConfigWarning:
            pass  # another extension declared it first: use theirs
    for name, description, schema in EXTRA_FIELDS:
        if name in project_fields:
            continue
        try:
            add_field(name, description=description, schema=schema, nullable=True)  # type: ignore[arg-type]
        except NeedsApiConfigWarning:
            pass

    added = False
    for name in all_links():
        if name in links:
            continue
        outgoing, incoming = LINK_WORDS[name]
        # dead links are reported by us, as sm.link at the item's line
        links[name] = {
            "outgoing": outgoing,
            "incoming": incoming,
            "allow_dead_links": True,
        }
        added = True
    if added:
        config.needs_links = links


def tool_ids(needs: Any) -> list[str]:
    """The IDs of the tools among ``needs`` (what ``all`` in a link option names)."""
    return sorted(need_id for need_id, need in needs.items() if need["type"] == "sm-tool")


def expand_all_links(app: Sphinx, needs: Any) -> None:
    """``needs-before-post-processing``: turn ``all`` in a link option into every
    tool's ID, so sphinx-needs resolves back links, needflow and filters on them."""
    every_tool = tool_ids(needs)
    for need in needs.values():
        all_links_of = need.get(ALL_FIELD)
        if not all_links_of:
            continue
        for link_name in all_links_of:
            try:
                need[link_name] = list(every_tool)
            except (KeyError, TypeError):  # pragma: no cover - a project's own type
                pass


def setup_needs(app: Sphinx) -> None:
    app.connect("config-inited", register_needs, priority=520)
    app.connect("needs-before-post-processing", expand_all_links)
