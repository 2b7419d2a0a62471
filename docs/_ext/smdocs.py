"""smdocs: the reference pages of the documentation, generated from the code and data.

Nothing here restates what the package declares. Each directive reads one source of
truth and builds docutils nodes (sections, tables, field lists), never RST text:

=============================  ========================================================
directive                      reads
=============================  ========================================================
``smdocs-directives``          ``schema.ITEM_TYPES`` (item directives and options) and
                               the directives ``setup()`` registers (tables,
                               ``sm-guidance``) with their ``option_spec``
``smdocs-config``              ``config.SETTINGS``
``smdocs-warnings``            ``warnings.SmWarning``, the rules of the built-in packs
                               and ``guidance.ENGINE_RULES``
``smdocs-pack PACK``           one built-in guidance pack (its YAML file)
``smdocs-engine-rules``        ``guidance.ENGINE_RULES`` (rules on every waiver), or
                               with ``:items:`` the engine's rules on items
                               (``engine.ITEM_RULES``, ``ITEM_RULE_SEVERITY``), or
                               with ``:policy:`` its rule on the policy's approval
                               date (``engine.DRIFT_RULE``)
``smdocs-frequencies``         ``schema.FREQUENCY_DAYS``, ``FREQUENCY_WINDOW_WORDS``
                               and ``RECURRING_KINDS``: what a repeated safeguard needs
``smdocs-attestable``          the rules of the built-in packs that a safeguard or a
                               school document can stand for (``attested``)
``smdocs-platforms``           the built-in platform catalogue: each fact with its
                               source, address, check date, start date and whether
                               it could be confirmed; each platform's accounts
``smdocs-cli``                 ``cli.build_parser()``, walked subcommand by subcommand
``smdocs-example-links``       the example project's pages, found by what they hold
``smdocs-example-tools``       the example project's ``sm-tool`` titles and platforms
``smdocs-example-source X``    one directive block (``X`` a directive name) or one
                               file (``X`` a file name) of the example project
=============================  ========================================================

Every generated entry has an HTML anchor from :func:`anchor` (also registered as a
``:ref:`` label), so the docs link to it and ``tests/test_docs.py`` can check that
nothing the code declares is missing from the built reference.

The example policy (``example_project/``) is built to HTML in a sub-build (a
subprocess with the same Python) at ``builder-inited`` and copied into the output as
``example/`` at ``build-finished``.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import yaml
from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "sphinxcontrib_sociallpolicy"
EXAMPLE_DIR = REPO / "example_project"
#: the folder of the docs output the example policy is copied to
EXAMPLE_OUT = "example"

# ---------------------------------------------------------------------------------
# texts the package does not hold (its directives give names, not help, for these)

#: the need options every item directive accepts (``directives.NEED_OPTIONS``)
NEED_OPTION_HELP = {
    "id": "The item's ID in capitals with underscores, e.g. TOOL_FACEBOOK_PAGE. "
    "Without it, an ID is made from the prefix and the title.",
    "status": "On ``sm-tool``, ``sm-control``, ``sm-risk`` and ``sm-document``: "
    "``draft`` or ``adopted`` (left out: adopted). A draft counts for nothing and is "
    "a ``DRAFT_PENDING`` finding until the school adopts it, changes it or removes "
    "it. On the other items, any sphinx-needs status.",
    "tags": "sphinx-needs tags, comma-separated.",
    "collapse": "Show the item folded (a flag).",
    "hide": "Do not show the item; it is still checked and can be linked to (a flag).",
    "style": "A sphinx-needs style name for the item's box.",
}

#: options of the table directives (their ``option_spec`` gives names only)
TABLE_OPTION_HELP = {
    "filter": (
        "A condition, in the language of the guidance packs, that selects the items "
        "shown (tools; risks on ``sm-risk-register``), written as YAML on the "
        "option's line, e.g. ``includes: {audience: pupils}`` or ``{any: [{equals: "
        "{category: contact}}, {compare: 'impact >= 4'}]}``. It is data, never "
        "code: nothing in it is run. A filter that cannot be read is an ``sm.option`` "
        "warning, and the table then shows every item under a note saying so. "
        "(sphinx-needs' own ``needtable`` and ``needflow`` still take Python filter "
        "strings, which they evaluate: review those as code.)"
    ),
    "heatmap": "Add a 5 x 5 likelihood x impact grid of the risks (a flag).",
    "findings": "How the findings table is laid out: ``each`` (one row per finding), "
    "``by-rule`` (one row per rule and status, with the items it found, 25 to a row) "
    "or ``auto`` "
    "(the default: by rule when there are more than 200 findings, so the summary "
    "stays readable and quick to build). Another value is an ``sm.option`` warning, "
    "and ``auto`` is used.",
    "rows": "Only the requirements of these packs or themes, comma-separated, e.g. "
    "``kent-2010`` or ``moderation, age``. A name that matches no pack or theme is "
    "an ``sm.option`` warning.",
    "columns": "Only these tools, by tool ID or platform ID, comma-separated. A name "
    "that matches no tool or platform is an ``sm.option`` warning.",
}

#: short texts for the directives that are not items
DIRECTIVE_HELP = {
    "sm-guidance": "Renders every requirement of the active guidance packs as a "
    "requirement item (ID = the rule ID), grouped by pack and theme, so "
    "``:satisfies:`` links resolve and readers see what the policy is checked "
    "against. Place it once (usually in an appendix).",
    "sm-register": "The approved accounts register: every tool with platform, purpose, "
    "audience, people, set-up, approval, next review and its compliance state.",
    "sm-risk-register": "Every risk with category, inherent and residual score and "
    "rating, mitigating safeguards and owner.",
    "sm-matrix": "Traceability: one row per requirement (packs and local), one column "
    "per tool; each cell met, finding, waived or not applicable, with coverage.",
    "sm-compliance": "The overall status, and the findings by severity and rule, each "
    "linked to its item and its source file and line. With a trust base "
    "(sm_base), also the base, where each of its shared chapters is included (or "
    "that it is not), and every override of a base item with its reason.",
    "sm-base-chapter": "Includes a shared chapter of the trust base (sm_base), by its "
    "path inside the base folder, e.g. shared/safeguards.rst: it reads as if it "
    "were written here. Its items are the base's: a school cannot remove them, and "
    "replaces one only with :replaces: and :override-reason: on its own item. An "
    "edit to the chapter re-reads the page in every school. See the trust-base "
    "how-to.",
}

#: the engine's own rules on items (``engine.ITEM_RULES``): title, what it asks,
#: the items it is about and how to put it right. The package gives only their IDs
#: and severities (``engine.ITEM_RULE_SEVERITY``); a rule missing here is a warning.
ITEM_RULE_HELP = {
    "CTRL_NO_SUBSTANCE": {
        "title": "Safeguards and school documents have substance",
        "text": "A safeguard (``sm-control``) or a school document (``sm-document``) "
        "counts towards a requirement only when it says what is done (content under "
        "the directive, not just its title), names an ``:owner:``, and, for a "
        "safeguard done again and again (training, audits, reviews), has a "
        "``:frequency:`` and a ``:last-done:`` date inside it. A document whose "
        "``:next-review:`` has passed does not count. One that falls short counts "
        "for nothing, and this finding, on the item itself, names the requirements "
        "it was meant to meet and what it lacks.",
        "applies": "control, document",
        "fix": "Write under the directive what is done, by whom and how it is "
        "recorded; add ``:owner:``; for training and checks, set ``:frequency:`` and "
        "record the date it was last done in ``:last-done:``; for a document past its "
        "review date, review it and record the new ``:next-review:``.",
    },
    "GUIDANCE_CHANGED": {
        "title": "The policy has been reviewed against the guidance as it stands",
        "text": "Each requirement of a pack carries the date it was ``added`` and the "
        "date its meaning last ``changed``. When one was added or changed after the "
        "policy's ``:approved-on:`` and on or before the build date, the policy has "
        "not been reviewed against it: this finding, on the policy, lists each of "
        "them with its date, and ``sociallpolicy check`` and the compliance summary "
        'show them under "New or changed since this policy was approved". '
        "Requirements of a pack's first release (``first-released``) that have not "
        "changed since are never news. The requirements themselves are checked as "
        "usual; this finding asks for the review, and cannot be waived.",
        "applies": "policy",
        "source": "sphinxcontrib-sociallpolicy: the dates of the guidance packs "
        "(``added``, ``changed``, ``first-released``)",
        "fix": "Review the policy against each requirement listed (``sociallpolicy "
        "guidance --changes-since DATE``, with the date of the last approval, lists "
        "them), record what the school does, and have the revised policy approved: "
        "set ``:approved-on:`` to the date of that approval. A project that does "
        "not want the reminder lists ``GUIDANCE_CHANGED`` in ``sm_disable``.",
    },
    "DRAFT_PENDING": {
        "title": "No drafts wait for the school's decision",
        "text": "An item written ``:status: draft`` (usually a suggestion of "
        "``sociallpolicy new``) counts for nothing: no requirement is met by it. "
        "Each draft is a finding on itself, and ``sociallpolicy check`` lists them "
        'all ("N drafted items wait for the school\'s decision").',
        "applies": "tool, control, risk, document",
        "fix": "Read the item and decide: adopt it (``:status: adopted``, with "
        "``:adopted-by:`` and ``:adopted-on:``), change it so that it says what the "
        "school does, or remove it.",
    },
}

#: the order the kinds of value are explained in
KIND_WORDS = {
    "text": "text",
    "choice": "one value",
    "choices": "list of values",
    "date": "date",
    "score": "1-5",
    "months": "months",
    "age-range": "age range",
    "country": "country code",
    "email": "email address",
    "domains": "email domains",
    "url": "web address",
    "id": "item ID",
    "ids": "item IDs (links)",
    "covers": "rule IDs with sections (links)",
    "people": "names",
}


# ---------------------------------------------------------------------------------
# anchors: the one naming rule the generator and the coverage test share


def anchor(*parts: str) -> str:
    """The HTML id of a generated entry, e.g. ``anchor("option", "sm-tool", "url")``
    is ``option-sm-tool-url``; ``anchor("warning", "sm.mod_premoderation")`` is
    ``warning-sm-mod-premoderation``."""
    return nodes.make_id("-".join(parts))


def cli_option_name(action: argparse.Action) -> str:
    """The name an argument is documented under: its longest option string, or its
    metavar/dest when positional."""
    if action.option_strings:
        return max(action.option_strings, key=len)
    return str(action.metavar or action.dest)


# ---------------------------------------------------------------------------------
# what the package declares (also used by tests/test_docs.py)


def registered_directives() -> dict[str, type]:
    """The directives ``setup()`` registers directly (tables, ``sm-guidance``), by
    name. The item directives are registered later, at ``config-inited``, from
    ``schema.ITEM_TYPES``."""
    import sphinxcontrib_sociallpolicy as package

    class Recorder:
        def __init__(self) -> None:
            self.found: dict[str, type] = {}

        def add_directive(self, name: str, cls: type, **_: Any) -> None:
            self.found[name] = cls

        def __getattr__(self, name: str) -> Any:
            return lambda *args, **kwargs: None

    recorder = Recorder()
    package.setup(recorder)  # type: ignore[arg-type]
    return recorder.found


def builtin_packs() -> list[Any]:
    """Each built-in pack as its file has it (not merged)."""
    from sphinxcontrib_sociallpolicy import guidance

    return [guidance.load_pack(path) for path in guidance.BUILTIN_PACKS.values()]


def subcommands(parser: argparse.ArgumentParser) -> list[tuple[str, str, Any]]:
    """``(name, help, subparser)`` of each subcommand, in the order they are added."""
    out = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: a.help or "" for a in action._choices_actions}
            for name, sub in action.choices.items():
                out.append((name, helps.get(name, ""), sub))
    return out


def arguments(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    """The documented arguments of a parser (not the subcommand list)."""
    return [a for a in parser._actions if not isinstance(a, argparse._SubParsersAction)]


# ---------------------------------------------------------------------------------
# node helpers

_INLINE = re.compile(r"``(.+?)``|`([^`]+?)`")


def inline(text: str) -> list[nodes.Node]:
    """Text with ``literal`` (or Markdown-style `literal`) spans as literal nodes; all
    else is plain text (nothing from the data is parsed as markup)."""
    out: list[nodes.Node] = []
    pos = 0
    for match in _INLINE.finditer(text):
        if match.start() > pos:
            out.append(nodes.Text(text[pos : match.start()]))
        code = match.group(1) or match.group(2)
        out.append(nodes.literal(code, code))
        pos = match.end()
    if pos < len(text):
        out.append(nodes.Text(text[pos:]))
    return out


def para(text: str | Sequence[nodes.Node], **attributes: Any) -> nodes.paragraph:
    node = nodes.paragraph(**attributes)
    node.extend(inline(text) if isinstance(text, str) else list(text))
    return node


def literal_list(values: Iterable[str], sep: str = ", ") -> list[nodes.Node]:
    out: list[nodes.Node] = []
    for index, value in enumerate(values):
        if index:
            out.append(nodes.Text(sep))
        out.append(nodes.literal(value, value))
    return out


def _is_inline(node: nodes.Node) -> bool:
    return isinstance(node, nodes.Inline | nodes.Text)


Cell = str | nodes.Node | Sequence[nodes.Node]


def _cell(content: Cell) -> nodes.entry:
    entry = nodes.entry()
    if isinstance(content, str):
        if content:
            entry += para(content)
    elif isinstance(content, nodes.Node):
        entry += para([content]) if _is_inline(content) else content
    else:
        items = list(content)
        if items and not any(_is_inline(n) for n in items):
            entry.extend(items)
        elif items:
            entry += para(items)
    return entry


def table(
    headers: Sequence[str],
    rows: Iterable[tuple[str | None, Sequence[Cell]]],
    widths: Sequence[int],
    classes: Sequence[str] = (),
) -> nodes.table:
    """A table; each row is ``(id or None, cells)``; the id goes on the row."""
    node = nodes.table(classes=["smdocs-table", *classes])
    group = nodes.tgroup(cols=len(headers))
    node += group
    for width in widths:
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    group += head
    row = nodes.row()
    for header in headers:
        row += _cell(header)
    head += row
    body = nodes.tbody()
    group += body
    for row_id, cells in rows:
        row = nodes.row(ids=[row_id] if row_id else [])
        for cell in cells:
            row += _cell(cell)
        body += row
    return node


def field_list(pairs: Iterable[tuple[str, Cell]]) -> nodes.field_list:
    """A field list of the pairs whose value is not empty."""
    out = nodes.field_list()
    for name, value in pairs:
        if value is None or (not isinstance(value, nodes.Node) and not value):
            continue
        field = nodes.field()
        field += nodes.field_name(name, name)
        body = nodes.field_body()
        body.extend(_cell(value).children)
        field += body
        out += field
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def yaml_block(data: Any) -> nodes.literal_block:
    """Data shown as YAML, as a pack author writes it."""
    text = yaml.safe_dump(
        _plain(data), sort_keys=False, allow_unicode=True, width=80
    ).strip()
    block = nodes.literal_block(text, text, language="yaml")
    return block


class GeneratedDirective(SphinxDirective):
    """Base: registers each entry's anchor as a ``:ref:`` label, and notes the files
    read so an edit rebuilds the page."""

    has_content = False

    def label(self, node_id: str, title: str) -> str:
        std = self.env.domains.standard_domain
        std.note_hyperlink_target(node_id, self.env.docname, node_id, title)
        return node_id

    def depend(self, *paths: Path) -> None:
        """Rebuild the page when one of ``paths`` (or this generator) changes."""
        for path in (Path(__file__), *paths):
            self.env.note_dependency(str(path))

    def section(self, node_id: str, title: str | Sequence[nodes.Node]) -> nodes.section:
        """A section with ``node_id`` as its anchor and ``:ref:`` label."""
        heading = nodes.title()
        heading.extend(inline(title) if isinstance(title, str) else list(title))
        self.label(node_id, heading.astext())
        section = nodes.section(ids=[node_id])
        section += heading
        return section


# ---------------------------------------------------------------------------------
# directives and options


def _allowed(spec: Any) -> list[nodes.Node]:
    """What an option takes, with the allowed values as literals."""
    if spec.kind == "choice":
        return [nodes.Text("one of "), *literal_list(spec.values)]
    if spec.kind == "choices":
        return [
            nodes.Text("one or more of "),
            *literal_list(spec.values),
            nodes.Text(" (comma-separated)"),
        ]
    out: list[nodes.Node] = [nodes.Text(spec.allowed())]
    if spec.link_to:
        out.append(nodes.Text("; links to " + ", ".join(spec.link_to) + " items"))
    return out


class DirectivesReference(GeneratedDirective):
    """Every directive and option: item directives from ``schema.ITEM_TYPES``, the
    others from what ``setup()`` registers."""

    def run(self) -> list[nodes.Node]:
        from sphinxcontrib_sociallpolicy import directives as item_directives
        from sphinxcontrib_sociallpolicy import schema

        self.depend(PACKAGE / "schema.py", PACKAGE / "directives.py")
        out: list[nodes.Node] = []
        items = self.section(anchor("directives", "items"), "Policy items")
        items += para(
            "Each item is a sphinx-needs need of the type named like its directive. "
            "Write the title after the directive, the options under it, then the "
            "content."
        )
        for item_type in schema.ITEM_TYPES:
            items += self._item(item_type)
        common = self.section(
            anchor("directives", "common-options"), "Options every item directive accepts"
        )
        common += para(
            "Besides its own options, every item directive takes these sphinx-needs "
            "options."
        )
        rows = []
        for name in item_directives.NEED_OPTIONS:
            help_text = NEED_OPTION_HELP.get(name)
            if help_text is None:
                logger.warning(
                    "smdocs: no help text for the need option :%s:; add it to "
                    "NEED_OPTION_HELP",
                    name,
                    location=self.get_location(),
                )
                help_text = ""
            rows.append(
                (
                    anchor("option", "common", name),
                    [nodes.literal(f":{name}:", f":{name}:"), help_text],
                )
            )
        common += table(["Option", "Meaning"], rows, [20, 80])
        items += common
        out.append(items)

        registered = registered_directives()
        others = self.section(
            anchor("directives", "tables"), "Tables and the guidance list"
        )
        others += para(
            "These directives take no content. Each table is built after every page "
            "has been read, so it always shows the whole policy, in HTML and PDF alike."
        )
        for name, cls in registered.items():
            others += self._other(name, cls)
        out.append(others)
        return out

    def _item(self, item_type: Any) -> nodes.section:
        name = item_type.directive
        title = [nodes.literal(f".. {name}::", f".. {name}::"), nodes.Text(" (title)")]
        section = self.section(anchor("directive", name), title)
        section += para(item_type.help)
        section += field_list(
            [
                (
                    "Need type",
                    [nodes.literal(name, name), nodes.Text(f" ({item_type.title})")],
                ),
                ("Generated ID prefix", nodes.literal(item_type.prefix, item_type.prefix)),
                ("Content", item_type.content),
            ]
        )
        rows = []
        for spec in item_type.options:
            option = f":{spec.name}:"
            meaning: list[nodes.Node] = [para(spec.help)]
            rows.append(
                (
                    anchor("option", name, spec.name),
                    [
                        nodes.literal(option, option),
                        "required" if spec.required else "",
                        _allowed(spec),
                        nodes.literal(spec.default, spec.default) if spec.default else "",
                        meaning,
                    ],
                )
            )
        section += table(
            ["Option", "Required", "Value", "Default", "Meaning"],
            rows,
            [18, 10, 34, 8, 30],
            classes=["smdocs-options"],
        )
        return section

    def _other(self, name: str, cls: type) -> nodes.section:
        title = [nodes.literal(f".. {name}::", f".. {name}::")]
        section = self.section(anchor("directive", name), title)
        help_text = DIRECTIVE_HELP.get(name) or (cls.__doc__ or "").strip()
        if not help_text:
            logger.warning(
                "smdocs: no description for the directive %s; add it to DIRECTIVE_HELP",
                name,
                location=self.get_location(),
            )
        section += para(help_text)
        spec = getattr(cls, "option_spec", None) or {}
        if not spec:
            section += para("It takes no options.")
            return section
        rows = []
        for option in spec:
            help_option = TABLE_OPTION_HELP.get(option)
            if help_option is None:
                logger.warning(
                    "smdocs: no help text for the option :%s: of %s; add it to "
                    "TABLE_OPTION_HELP",
                    option,
                    name,
                    location=self.get_location(),
                )
                help_option = ""
            kind = "flag" if spec[option] is directives.flag else "text"
            text = f":{option}:"
            rows.append(
                (
                    anchor("option", name, option),
                    [nodes.literal(text, text), kind, help_option],
                )
            )
        section += table(["Option", "Value", "Meaning"], rows, [20, 10, 70])
        return section


# ---------------------------------------------------------------------------------
# configuration


class ConfigReference(GeneratedDirective):
    def run(self) -> list[nodes.Node]:
        from sphinxcontrib_sociallpolicy.config import SETTINGS

        self.depend(PACKAGE / "config.py")
        rows = []
        for setting in SETTINGS:
            node_id = self.label(anchor("confval", setting.name), setting.name)
            default = repr(setting.default)
            rows.append(
                (
                    node_id,
                    [
                        nodes.literal(setting.name, setting.name),
                        setting.types,
                        nodes.literal(default, default),
                        setting.help,
                    ],
                )
            )
        return [
            table(
                ["Setting", "Type", "Default", "Meaning"],
                rows,
                [16, 18, 14, 52],
                classes=["smdocs-config"],
            )
        ]


# ---------------------------------------------------------------------------------
# warnings


class ItemRule:
    """One of the engine's rules on items, shaped like a requirement for the
    tables (``id``, ``title``, ``severity``)."""

    def __init__(self, rule_id: str, severity: str, help_text: dict[str, str]):
        self.id = rule_id
        self.severity = severity
        self.title = help_text.get("title", "")
        self.text = help_text.get("text", "")
        self.applies = help_text.get("applies", "")
        self.fix = help_text.get("fix", "")
        self.source = help_text.get(
            "source", "sphinxcontrib-sociallpolicy: what makes a result count"
        )


def item_rules(location: Any = None, *, policy: bool = False) -> list[ItemRule]:
    """The engine's rules on items, with their texts from :data:`ITEM_RULE_HELP`;
    with ``policy``, its rule on the policy's approval date instead."""
    from sphinxcontrib_sociallpolicy.guidance.engine import (
        DRIFT_RULE,
        ITEM_RULE_SEVERITY,
        ITEM_RULES,
    )

    out = []
    for rule in (DRIFT_RULE,) if policy else ITEM_RULES:
        help_text = ITEM_RULE_HELP.get(rule)
        if help_text is None:
            logger.warning(
                "smdocs: no help text for the engine rule %s; add it to ITEM_RULE_HELP",
                rule,
                location=location,
            )
            help_text = {}
        out.append(ItemRule(rule, ITEM_RULE_SEVERITY[rule], help_text))
    return out


def all_rules() -> dict[str, tuple[Any, list[str]]]:
    """Every rule ID of the built-in packs and the engine: (requirement, pack IDs)."""
    from sphinxcontrib_sociallpolicy import guidance

    rules: dict[str, tuple[Any, list[str]]] = {}
    for pack in builtin_packs():
        for requirement in pack.requirements:
            rules.setdefault(requirement.id, (requirement, []))[1].append(pack.id)
    for requirement in guidance.ENGINE_RULES:
        rules.setdefault(requirement.id, (requirement, []))[1].append("every waiver")
    for rule in item_rules():
        rules.setdefault(rule.id, (rule, []))[1].append("every item")
    for rule in item_rules(policy=True):
        rules.setdefault(rule.id, (rule, []))[1].append("every policy")
    return rules


class WarningsReference(GeneratedDirective):
    option_spec = {"part": directives.unchanged_required}

    def run(self) -> list[nodes.Node]:
        from sphinxcontrib_sociallpolicy.warnings import (
            WARNING_TYPE,
            SmWarning,
            finding_subtype,
        )

        self.depend(
            PACKAGE / "warnings.py",
            PACKAGE / "guidance" / "engine.py",
            *map(Path, self._pack_paths()),
        )
        part = self.options.get("part", "input")
        if part == "input":
            rows = []
            for member in SmWarning:
                subtype = f"{WARNING_TYPE}.{member.value}"
                node_id = self.label(anchor("warning", subtype), subtype)
                rows.append((node_id, [nodes.literal(subtype, subtype), member.help]))
            return [table(["Subtype", "When"], rows, [20, 80], classes=["smdocs-warnings"])]
        rows = []
        for rule, (requirement, packs) in all_rules().items():
            subtype = f"{WARNING_TYPE}.{finding_subtype(rule)}"
            node_id = self.label(anchor("warning", subtype), subtype)
            rule_ref = self._rule_link(rule, packs)
            rows.append(
                (
                    node_id,
                    [
                        nodes.literal(subtype, subtype),
                        rule_ref,
                        requirement.severity,
                        requirement.title,
                        ", ".join(packs),
                    ],
                )
            )
        return [
            table(
                ["Subtype", "Rule", "Severity", "Requirement", "In"],
                rows,
                [28, 24, 8, 28, 12],
                classes=["smdocs-warnings"],
            )
        ]

    @staticmethod
    def _pack_paths() -> list[str]:
        from sphinxcontrib_sociallpolicy import guidance

        return [str(p) for p in guidance.BUILTIN_PACKS.values()]

    def _rule_link(self, rule: str, packs: list[str]) -> nodes.Node:
        """A link to the rule's entry in the guidance reference."""
        engine = packs[0] in ("every waiver", "every item", "every policy")
        ref = _rule_ref(self, anchor("rule", "engine" if engine else packs[0], rule))
        ref += nodes.literal(rule, rule)
        return ref


# ---------------------------------------------------------------------------------
# guidance packs


def _condition_text(requirement: Any) -> list[nodes.Node]:
    if requirement.check_data is None:
        return [
            para(
                "Met by a safeguard: an ``sm-control`` that names "
                f"``{requirement.id}`` in ``:satisfies:``"
                + (
                    " and applies to the item"
                    if requirement.applies_to != ("policy",)
                    else ""
                )
                + ", or a school document (``sm-document``) that names it in "
                "``:covers:``. Either counts only with substance (see "
                "``CTRL_NO_SUBSTANCE``)."
            )
        ]
    data = requirement.check_data
    if isinstance(data, dict) and set(data) == {"parts"} and requirement.parts:
        return _parts_text(data["parts"])
    return [yaml_block(data)]


def _parts_text(parts: Sequence[Any]) -> list[nodes.Node]:
    """A requirement written with ``parts:``: each part's condition and what its
    finding says when it fails."""
    out: list[nodes.Node] = [
        para(
            "Every part must hold. Each part that does not says what is wrong in its "
            "own words:"
        )
    ]
    listing = nodes.enumerated_list()
    for part in parts:
        item = nodes.list_item()
        if isinstance(part, dict) and part.get("when") is not None:
            item += para("Only when:")
            item += yaml_block(part["when"])
        if isinstance(part, dict):
            item += yaml_block(part.get("check"))
            if part.get("message"):
                item += para([nodes.Text("Says: "), *inline(str(part["message"]))])
        listing += item
    out.append(listing)
    return out


class PackReference(GeneratedDirective):
    """Every requirement of one built-in pack, grouped by theme."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        from sphinxcontrib_sociallpolicy import guidance
        from sphinxcontrib_sociallpolicy.guidance_directive import THEME_TITLES

        pack_id = self.arguments[0]
        if pack_id not in guidance.BUILTIN_PACKS:
            logger.warning(
                "smdocs: %r is not a built-in pack; built-in: %s",
                pack_id,
                ", ".join(guidance.BUILTIN_PACKS),
                location=self.get_location(),
            )
            return []
        self.depend(guidance.BUILTIN_PACKS[pack_id])
        pack = guidance.load_pack(guidance.BUILTIN_PACKS[pack_id])
        others = {
            p.id: {r.id for r in p.requirements} for p in builtin_packs() if p.id != pack_id
        }
        out: list[nodes.Node] = [
            field_list(
                [
                    ("Pack ID", nodes.literal(pack.id, pack.id)),
                    ("Title", pack.title),
                    ("Version", pack.version),
                    ("First released", _iso(pack.first_released)),
                    ("Source", pack.source),
                    ("About", pack.description),
                    ("Requirements", str(len(pack.requirements))),
                ]
            )
        ]
        summary_rows = []
        for requirement in pack.requirements:
            node_id = anchor("rule", pack.id, requirement.id)
            ref = nodes.reference("", "", internal=True, refid=node_id)
            ref += nodes.literal(requirement.id, requirement.id)
            summary_rows.append(
                (
                    None,
                    [
                        ref,
                        requirement.severity,
                        requirement.theme,
                        requirement.title,
                        _iso(requirement.added),
                        _iso(requirement.changed),
                    ],
                )
            )
        out.append(
            table(
                ["Rule", "Severity", "Theme", "Title", "Added", "Changed"],
                summary_rows,
                [24, 9, 12, 33, 11, 11],
            )
        )
        themes: dict[str, list[Any]] = {}
        for requirement in pack.requirements:
            themes.setdefault(requirement.theme, []).append(requirement)
        for theme in [t for t in guidance.THEMES if t in themes]:
            section = self.section(
                anchor("theme", pack.id, theme), THEME_TITLES.get(theme, theme.title())
            )
            for requirement in themes[theme]:
                also = [p for p, ids in others.items() if requirement.id in ids]
                section += requirement_entry(self, pack.id, requirement, also)
            out.append(section)
        return out


def requirement_entry(
    directive: GeneratedDirective, pack_id: str, requirement: Any, also: Sequence[str]
) -> list[nodes.Node]:
    """One requirement: a heading with its anchor, then its fields."""
    node_id = directive.label(
        anchor("rule", pack_id, requirement.id), f"{requirement.id}: {requirement.title}"
    )
    heading = nodes.rubric(ids=[node_id], classes=["smdocs-rule"])
    heading += nodes.literal(requirement.id, requirement.id)
    heading += nodes.Text(f" — {requirement.title}")
    subtype = f"sm.{requirement.id.lower()}"
    fields = field_list(
        [
            ("Requirement", requirement.text),
            ("Severity", requirement.severity),
            ("Source", requirement.source),
            *_dates(requirement),
            ("Applies to", ", ".join(requirement.applies_to)),
            ("Also in", ", ".join(also)),
            (
                "Applies when",
                yaml_block(requirement.when_data) if requirement.when_data else "",
            ),
            ("What it checks", _condition_text(requirement)),
            ("Message", requirement.message.text),
            ("How to satisfy", requirement.fix.text),
            ("Warning", nodes.literal(subtype, subtype)),
        ]
    )
    return [heading, fields]


def _iso(date: Any) -> str:
    return date.isoformat() if date is not None else ""


def _dates(requirement: Any) -> list[tuple[str, Cell]]:
    """When a pack requirement was added and last changed, when its source was last
    checked and whether it could be confirmed there."""
    if not hasattr(requirement, "added"):
        return []
    if requirement.verified:
        confirmed = "yes" if requirement.checked_on else ""
    else:
        confirmed = (
            "no: the source could not be confirmed when it was checked (see Source); "
            "read it before relying on this requirement"
        )
    return [
        ("Added", _iso(requirement.added)),
        ("Changed", _iso(requirement.changed)),
        ("Source checked on", _iso(requirement.checked_on)),
        ("Source confirmed", confirmed),
    ]


class EngineRules(GeneratedDirective):
    """The engine's own rules: those on every waiver, or (``:items:``) those on
    tools, safeguards, risks and documents, or (``:policy:``) the one on the
    policy's approval date."""

    option_spec = {"items": directives.flag, "policy": directives.flag}

    def run(self) -> list[nodes.Node]:
        from sphinxcontrib_sociallpolicy import guidance

        self.depend(PACKAGE / "guidance" / "engine.py")
        out: list[nodes.Node] = []
        if "items" in self.options or "policy" in self.options:
            rules = item_rules(self.get_location(), policy="policy" in self.options)
            for rule in rules:
                out.extend(self._item_rule(rule))
            return out
        for requirement in guidance.ENGINE_RULES:
            out.extend(requirement_entry(self, "engine", requirement, ()))
        return out

    def _item_rule(self, rule: ItemRule) -> list[nodes.Node]:
        node_id = self.label(anchor("rule", "engine", rule.id), f"{rule.id}: {rule.title}")
        heading = nodes.rubric(ids=[node_id], classes=["smdocs-rule"])
        heading += nodes.literal(rule.id, rule.id)
        heading += nodes.Text(f" — {rule.title}")
        subtype = f"sm.{rule.id.lower()}"
        return [
            heading,
            field_list(
                [
                    ("Requirement", rule.text),
                    ("Severity", rule.severity),
                    ("Source", rule.source),
                    ("Applies to", rule.applies),
                    ("How to satisfy", rule.fix),
                    ("Warning", nodes.literal(subtype, subtype)),
                ]
            ),
        ]


class Frequencies(GeneratedDirective):
    """What a safeguard done again and again needs: its kinds, and how recent
    ``:last-done:`` must be for each ``:frequency:``."""

    def run(self) -> list[nodes.Node]:
        from sphinxcontrib_sociallpolicy import schema

        self.depend(PACKAGE / "schema.py")
        kinds = para(
            [
                nodes.Text("The safeguard kinds done again and again: "),
                *literal_list(schema.RECURRING_KINDS),
                nodes.Text("."),
            ]
        )
        rows = []
        for frequency, days in schema.FREQUENCY_DAYS.items():
            words = schema.FREQUENCY_WINDOW_WORDS.get(frequency, "")
            rows.append(
                (
                    anchor("frequency", frequency),
                    [nodes.literal(frequency, frequency), words, str(days)],
                )
            )
        others = [f for f in schema.FREQUENCIES if f not in schema.FREQUENCY_DAYS]
        note = para(
            [
                nodes.Text("For these kinds, a frequency of "),
                *literal_list(others, sep=" or "),
                nodes.Text(
                    " is not enough: a training session or a check that is never "
                    "repeated cannot stay current."
                ),
            ]
        )
        return [
            kinds,
            table(
                [":frequency:", ":last-done: must be within", "Days"],
                rows,
                [20, 60, 20],
                classes=["smdocs-frequencies"],
            ),
            note,
        ]


def _mentions_attested(data: Any) -> bool:
    if isinstance(data, dict):
        return data.get("attested") is True or any(
            _mentions_attested(v) for v in data.values()
        )
    if isinstance(data, list | tuple):
        return any(_mentions_attested(v) for v in data)
    return False


class Attestable(GeneratedDirective):
    """The rules of the built-in packs that a safeguard (``:satisfies:``) or a
    school document (``:covers:``) can stand for."""

    def run(self) -> list[nodes.Node]:
        from sphinxcontrib_sociallpolicy import guidance

        rows = []
        seen: set[str] = set()
        for pack in builtin_packs():
            self.depend(guidance.BUILTIN_PACKS[pack.id])
            for requirement in pack.requirements:
                if requirement.id in seen:
                    continue
                if requirement.check_data is not None and not _mentions_attested(
                    requirement.check_data
                ):
                    continue
                seen.add(requirement.id)
                ref = _rule_ref(self, anchor("rule", pack.id, requirement.id))
                ref += nodes.literal(requirement.id, requirement.id)
                rows.append(
                    (
                        None,
                        [
                            ref,
                            requirement.severity,
                            ", ".join(requirement.applies_to),
                            requirement.title,
                        ],
                    )
                )
        return [
            table(
                ["Rule", "Severity", "About", "Requirement"],
                rows,
                [30, 10, 12, 48],
                classes=["smdocs-attestable"],
            )
        ]


def _rule_ref(directive: GeneratedDirective, target: str) -> nodes.Element:
    from sphinx.addnodes import pending_xref

    ref = pending_xref(
        "",
        refdomain="std",
        reftype="ref",
        reftarget=target,
        refexplicit=True,
        refwarn=True,
    )
    ref.source, ref.line = directive.get_source_info()
    return ref


# ---------------------------------------------------------------------------------
# platform catalogue


def _also(aliases: Sequence[str]) -> list[nodes.Node]:
    """`` (also twitter)`` after a platform's name, when it has aliases."""
    if not aliases:
        return []
    return [nodes.Text(" (also "), *literal_list(aliases), nodes.Text(")")]


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def _age_text(age: Any) -> str:
    """``13``, ``16 from 2025-12-10`` or ``set by the school``."""
    text = "set by the school" if age.age is None else str(age.age)
    if age.start is not None:
        text += f" from {age.start.isoformat()}"
    return text


def _ages(ages: Any, keys: Iterable[str] | None = None) -> list[nodes.Node]:
    """``default 13; AU 13, 16 from 2025-12-10``: each country key with its ages
    over time (only ``keys``, when given)."""
    out: list[nodes.Node] = []
    for country in ages if keys is None else [k for k in keys if k in ages]:
        if out:
            out.append(nodes.Text("; "))
        out.append(nodes.strong(country, country))
        out.append(nodes.Text(" " + ", ".join(_age_text(a) for a in ages[country])))
    return out


def _record(fact: Any, source: str, checked_on: Any) -> tuple[str, str, Any, bool]:
    """``(source, address, checked on, confirmed)`` of a fact; a fact written
    without its own record has its entry's source and date."""
    if fact.source or fact.address or fact.checked_on:
        return (
            fact.source or source,
            fact.address,
            fact.checked_on or checked_on,
            fact.verified,
        )
    return source, "", checked_on, fact.verified


def _age_groups(ages: Any, source: str, checked_on: Any) -> list[tuple[tuple, Any]]:
    """The ages of a table grouped by their record, in the order first written:
    ``[(record, {country: [Age, ...]}), ...]``."""
    groups: dict[tuple, dict[str, list[Any]]] = {}
    for country, over_time in ages.items():
        for age in over_time:
            record = _record(age.fact, source, checked_on)
            groups.setdefault(record, {}).setdefault(country, []).append(age)
    return list(groups.items())


def _source_cell(source: str, address: str) -> list[nodes.Node]:
    out: list[nodes.Node] = [nodes.Text(source)]
    if address:
        out += [nodes.Text(" ("), nodes.reference(address, address, refuri=address)]
        out.append(nodes.Text(")"))
    return out


def _confirmed(verified: bool) -> str:
    return "yes" if verified else "no (not confirmed)"


def _facts_table(rows: list[tuple[str, Cell, tuple[str, str, Any, bool]]]) -> nodes.table:
    """One row per fact (or per group of ages with the same record): what it is,
    its value, where it comes from, when it was checked and whether it could be
    confirmed."""
    return table(
        ["Fact", "Value", "Source and address", "Checked on", "Confirmed"],
        [
            (
                None,
                [
                    name,
                    value,
                    _source_cell(source, address),
                    _iso(checked),
                    _confirmed(verified),
                ],
            )
            for name, value, (source, address, checked, verified) in rows
        ],
        [14, 20, 44, 11, 11],
        classes=["smdocs-facts"],
    )


def _accounts(platform: Any) -> list[nodes.Node]:
    """``group (safest); page: premoderation no, membership-control no``."""
    out: list[nodes.Node] = []
    for kind, facts in platform.accounts.items():
        if out:
            out.append(nodes.Text("; "))
        out.append(nodes.literal(kind, kind))
        if kind == platform.safest_account:
            out.append(nodes.Text(" (safest)"))
        if facts:
            out.append(
                nodes.Text(": " + ", ".join(f"{k} {_yes(v)}" for k, v in facts.items()))
            )
    return out


#: the country keys the summary table shows (all are in each platform's details)
SUMMARY_AGE_KEYS = ("default", "GB")


class PlatformsReference(GeneratedDirective):
    """A summary table of the catalogue, then each platform's facts with where each
    comes from, its accounts and its notes."""

    def run(self) -> list[nodes.Node]:
        from sphinxcontrib_sociallpolicy import guidance

        self.depend(guidance.BUILTIN_CATALOGUE)
        catalogue = guidance.load_catalogue([])
        rows = []
        details: list[nodes.Node] = []
        for platform in catalogue:
            node_id = self.label(anchor("platform", platform.id), platform.name)
            more_id = anchor("platform", platform.id, "details")
            more = nodes.reference("", "", internal=True, refid=more_id)
            more += nodes.literal(platform.id, platform.id)
            ages: list[nodes.Node] = _ages(platform.min_ages, SUMMARY_AGE_KEYS)
            others = [k for k in platform.min_ages if k not in SUMMARY_AGE_KEYS]
            if others:
                link = nodes.reference("", "", internal=True, refid=more_id)
                link += nodes.Text(f"{len(others)} more")
                if ages:
                    ages.append(nodes.Text("; "))
                ages.append(link)
            unconfirmed = platform.unverified()
            rows.append(
                (
                    node_id,
                    [
                        [more, nodes.Text(f" {platform.name}"), *_also(platform.aliases)],
                        platform.category,
                        ages,
                        _yes(platform.school_controlled),
                        _yes(platform.premoderation),
                        _yes(platform.membership_control),
                        _accounts_short(platform),
                        platform.checked_on.isoformat(),
                        literal_list(unconfirmed) if unconfirmed else "none",
                    ],
                )
            )
            details += self._details(platform, more_id)
        out: list[nodes.Node] = [
            table(
                [
                    "Platform",
                    "Category",
                    "Minimum age",
                    "School-controlled",
                    "Premoderation",
                    "Membership control",
                    "Accounts",
                    "Checked on",
                    "Not confirmed",
                ],
                rows,
                [16, 12, 14, 9, 9, 9, 11, 10, 10],
                classes=["smdocs-platforms"],
            )
        ]
        if catalogue.consent_ages:
            out.append(self._consent(catalogue))
        sources = nodes.container(
            ids=[self.label(anchor("platform", "sources"), "Sources")]
        )
        sources += nodes.rubric("", "Each platform's facts and sources")
        sources.extend(details)
        out.append(sources)
        return out

    def _details(self, platform: Any, node_id: str) -> list[nodes.Node]:
        heading = nodes.rubric(ids=[node_id], classes=["smdocs-rule"])
        heading += nodes.literal(platform.id, platform.id)
        heading += nodes.Text(f" — {platform.name}")
        safest = platform.safest_account
        unconfirmed = platform.unverified()
        fields = field_list(
            [
                ("Also written", literal_list(platform.aliases)),
                ("Category", platform.category),
                ("School-controlled", _yes(platform.school_controlled)),
                ("Accounts it offers", _accounts(platform) or "not recorded"),
                ("Safest account", nodes.literal(safest, safest) if safest else ""),
                ("Source", platform.source),
                ("Checked on", platform.checked_on.isoformat()),
                ("Not confirmed", literal_list(unconfirmed) if unconfirmed else ""),
                ("How to", platform.how_to),
                ("Notes", platform.notes),
            ]
        )
        rows: list[tuple[str, Cell, tuple[str, str, Any, bool]]] = []
        for record, countries in _age_groups(
            platform.min_ages, platform.source, platform.checked_on
        ):
            ages = {country: tuple(found) for country, found in countries.items()}
            rows.append(("Minimum age", _ages(ages), record))
        for name in ("premoderation", "membership-control", "private-groups"):
            fact = platform.fact_record(name)
            value = _yes(bool(getattr(platform, name.replace("-", "_"))))
            rows.append((name, value, _record(fact, platform.source, platform.checked_on)))
        return [heading, fields, _facts_table(rows)]

    def _consent(self, catalogue: Any) -> nodes.container:
        node_id = self.label(
            anchor("platform", "digital-consent-age"), "Digital age of consent"
        )
        consent = nodes.container(ids=[node_id])
        consent += nodes.rubric("", "Digital age of consent")
        consent += para(
            "The age under which data-protection law asks for a parent's consent to "
            "an online service offered to a child. It is not a platform's minimum age, "
            "and it matters only where a tool's ``:lawful-basis:`` is ``consent`` "
            "(``DATA_LAWFUL_BASIS``)."
        )
        consent += field_list(
            [
                ("Source", catalogue.consent_source),
                ("Checked on", _iso(catalogue.consent_checked_on)),
            ]
        )
        rows = []
        for record, countries in _age_groups(
            catalogue.consent_ages, catalogue.consent_source, catalogue.consent_checked_on
        ):
            ages = {country: tuple(found) for country, found in countries.items()}
            rows.append(("Age", _ages(ages), record))
        consent += _facts_table(rows)
        return consent


def _accounts_short(platform: Any) -> list[nodes.Node] | str:
    """The kinds of account, the safest marked, for the summary table."""
    if not platform.accounts:
        return "not recorded"
    out: list[nodes.Node] = []
    for kind in platform.accounts:
        if out:
            out.append(nodes.Text(", "))
        out.append(nodes.literal(kind, kind))
        if kind == platform.safest_account:
            out.append(nodes.Text(" (safest)"))
    return out


# ---------------------------------------------------------------------------------
# command line


def cli_parser() -> argparse.ArgumentParser | None:
    from sphinxcontrib_sociallpolicy import cli

    try:
        return cli.build_parser()
    except ImportError as error:
        logger.warning(
            "smdocs: cannot build the sociallpolicy command's parser (%s); the CLI "
            "reference is incomplete",
            error,
            type="smdocs",
            subtype="cli",
        )
        return None


def _help(parser: argparse.ArgumentParser, action: argparse.Action) -> str:
    if not action.help or action.help == argparse.SUPPRESS:
        return ""
    try:
        return parser._get_formatter()._expand_help(action)
    except (KeyError, TypeError, ValueError):
        return action.help


class CliReference(GeneratedDirective):
    def run(self) -> list[nodes.Node]:
        self.depend(PACKAGE / "cli", *sorted((PACKAGE / "cli").rglob("*.py")))
        parser = cli_parser()
        if parser is None:
            return [para("The command's parser could not be built.")]
        out: list[nodes.Node] = []
        top = self.section(
            anchor("cli", parser.prog), [nodes.literal(parser.prog, parser.prog)]
        )
        top += para(parser.description or "")
        top += self._usage(parser)
        top += self._arguments(parser, parser.prog)
        out.append(top)
        for name, help_text, sub in subcommands(parser):
            command = f"{parser.prog} {name}"
            section = self.section(anchor("cli", name), [nodes.literal(command, command)])
            if help_text:
                section += para(help_text[0].upper() + help_text[1:] + ".")
            if sub.description:
                section += para(sub.description)
            section += self._usage(sub)
            section += self._arguments(sub, name)
            out.append(section)
        return out

    @staticmethod
    def _usage(parser: argparse.ArgumentParser) -> nodes.literal_block:
        usage = " ".join(parser.format_usage().split())
        return nodes.literal_block(usage, usage, language="text")

    def _arguments(self, parser: argparse.ArgumentParser, command: str) -> list[nodes.Node]:
        """One table per argument group (positional arguments, options, ...)."""
        out: list[nodes.Node] = []
        for group in parser._action_groups:
            actions = [a for a in group._group_actions if a in arguments(parser)]
            if not actions:
                continue
            title = (group.title or "arguments").capitalize()
            out.append(nodes.rubric(title, title))
            if group.description:
                out.append(para(group.description))
            out.append(self._table(parser, command, actions))
        return out

    def _table(
        self, parser: argparse.ArgumentParser, command: str, actions: list[argparse.Action]
    ) -> nodes.table:
        rows = []
        for action in actions:
            name = cli_option_name(action)
            node_id = self.label(anchor("cli", command, name), f"{command} {name}")
            shown = ", ".join(action.option_strings) or name
            if action.option_strings and action.nargs != 0:
                formatter = parser._get_formatter()
                shown += " " + formatter._format_args(action, action.dest.upper())
            extra = []
            if action.choices and not isinstance(action, argparse._SubParsersAction):
                extra.append(
                    para(
                        [
                            nodes.Text("One of "),
                            *literal_list(str(c) for c in action.choices),
                        ]
                    )
                )
            default = action.default
            if (
                action.option_strings
                and default not in (None, False, argparse.SUPPRESS, [])
                and "default" not in (action.help or "")
            ):
                extra.append(
                    para(
                        [nodes.Text("Default: "), nodes.literal(str(default), str(default))]
                    )
                )
            help_text = _help(parser, action)
            if help_text:
                help_text = help_text[0].upper() + help_text[1:]
            rows.append(
                (
                    node_id,
                    [
                        nodes.literal(shown, shown),
                        [para(help_text), *extra] if help_text else extra,
                    ],
                )
            )
        return table(["Argument", "Meaning"], rows, [30, 70], classes=["smdocs-cli"])


# ---------------------------------------------------------------------------------
# the example policy


def example_files() -> list[Path]:
    """The example's RST files, index first."""
    if not EXAMPLE_DIR.is_dir():
        return []
    files = sorted(
        p
        for p in EXAMPLE_DIR.rglob("*.rst")
        if "_build" not in p.parts and not p.name.startswith(".")
    )
    return sorted(files, key=lambda p: (p.name != "index.rst", str(p)))


def _missing_example(location: Any) -> None:
    logger.warning(
        "smdocs: the example policy %s does not exist (or has no conf.py); the example "
        "pages are incomplete",
        EXAMPLE_DIR,
        location=location,
        type="smdocs",
        subtype="example",
    )


def _directive_line(name: str) -> re.Pattern[str]:
    return re.compile(rf"^(\s*)\.\.\s+{re.escape(name)}::")


class ExampleLinks(GeneratedDirective):
    """Links to the example's front page and to its pages holding each table."""

    TABLES = (
        "sm-register",
        "sm-risk-register",
        "sm-matrix",
        "sm-compliance",
        "sm-guidance",
    )

    def run(self) -> list[nodes.Node]:
        if not (EXAMPLE_DIR / "conf.py").is_file():
            _missing_example(self.get_location())
            return []
        prefix = "../" * self.env.docname.count("/") + EXAMPLE_OUT + "/"
        found: dict[str, list[str]] = {}
        titles: dict[str, str] = {}
        for path in example_files():
            self.depend(path)
            text = path.read_text(encoding="utf-8")
            page = path.relative_to(EXAMPLE_DIR).with_suffix(".html").as_posix()
            title = re.search(r"^(\S.*)\n([=\-~^*#\"+])\2{2,}\s*$", text, re.M)
            titles[page] = title.group(1).strip() if title else page
            for name in self.TABLES:
                if re.search(rf"^\s*\.\.\s+{re.escape(name)}::", text, re.M):
                    found.setdefault(page, []).append(name)
        items = nodes.bullet_list()
        front = nodes.list_item()
        front += para(
            [
                self._link("The policy's front page", prefix + "index.html"),
                nodes.Text(f" ({titles.get('index.html', 'index.html')})"),
            ]
        )
        items += front
        for page, names in found.items():
            item = nodes.list_item()
            item += para(
                [
                    self._link(titles[page], prefix + page),
                    nodes.Text(": "),
                    *literal_list(names),
                ]
            )
            items += item
        return [items]

    @staticmethod
    def _link(text: str, uri: str) -> nodes.reference:
        return nodes.reference(text, text, refuri=uri)


class ExampleTools(GeneratedDirective):
    """The example's tools: each ``sm-tool`` title with its ``:platform:``."""

    def run(self) -> list[nodes.Node]:
        if not (EXAMPLE_DIR / "conf.py").is_file():
            _missing_example(self.get_location())
            return []
        items = nodes.bullet_list()
        pattern = _directive_line("sm-tool")
        for path in example_files():
            self.depend(path)
            lines = path.read_text(encoding="utf-8").splitlines()
            for number, line in enumerate(lines):
                if not pattern.match(line):
                    continue
                title = line.split("::", 1)[1].strip()
                platform = ""
                for option in lines[number + 1 : number + 30]:
                    if option.strip() and not option.startswith((" ", "\t")):
                        break
                    if match := re.match(r"\s+:platform:\s*(\S+)", option):
                        platform = match.group(1)
                        break
                item = nodes.list_item()
                shown: list[nodes.Node] = [nodes.Text(title)]
                if platform:
                    shown += [
                        nodes.Text(" ("),
                        nodes.literal(platform, platform),
                        nodes.Text(")"),
                    ]
                item += para(shown)
                items += item
        return [items]


class ExampleSource(GeneratedDirective):
    """One directive block of the example (argument: a directive name such as
    ``sm-tool``), or one whole file (argument: its path in ``example_project/``)."""

    required_arguments = 1
    option_spec = {"nth": directives.positive_int}

    def run(self) -> list[nodes.Node]:
        what = self.arguments[0]
        if not (EXAMPLE_DIR / "conf.py").is_file():
            _missing_example(self.get_location())
            return []
        if "." in what.split("/")[-1] and not what.startswith("sm-"):
            path = EXAMPLE_DIR / what
            if not path.is_file():
                logger.warning(
                    "smdocs: %s has no file %s",
                    EXAMPLE_DIR,
                    what,
                    location=self.get_location(),
                )
                return []
            self.depend(path)
            text = path.read_text(encoding="utf-8").rstrip()
            return self._block(text, path, 1)
        nth = self.options.get("nth", 1)
        pattern = _directive_line(what)
        count = 0
        for path in example_files():
            lines = path.read_text(encoding="utf-8").splitlines()
            for number, line in enumerate(lines):
                match = pattern.match(line)
                if not match:
                    continue
                count += 1
                if count < nth:
                    continue
                self.depend(path)
                indent = len(match.group(1))
                end = number + 1
                while end < len(lines) and (
                    not lines[end].strip()
                    or len(lines[end]) - len(lines[end].lstrip()) > indent
                ):
                    end += 1
                block = "\n".join(lines[number:end]).rstrip()
                block = "\n".join(x[indent:] for x in block.splitlines())
                return self._block(block, path, number + 1)
        logger.warning(
            "smdocs: the example policy has no %s directive (number %d)",
            what,
            nth,
            location=self.get_location(),
        )
        return []

    def _block(self, text: str, path: Path, line: int) -> list[nodes.Node]:
        language = {".py": "python", ".yaml": "yaml", ".yml": "yaml"}.get(
            path.suffix, "rst"
        )
        where = path.relative_to(REPO).as_posix()
        caption = para(
            [
                nodes.Text("From "),
                nodes.literal(where, where),
                nodes.Text(f", line {line}:"),
            ],
            classes=["smdocs-caption"],
        )
        return [caption, nodes.literal_block(text, text, language=language)]


def _example_build_dirs(app: Sphinx) -> tuple[Path, Path]:
    base = Path(app.doctreedir) / "smdocs-example"
    return base / "html", base / "doctrees"


def build_example(app: Sphinx) -> None:
    """``builder-inited``: build the example policy to HTML (incrementally)."""
    if app.builder.format != "html":
        return
    if not (EXAMPLE_DIR / "conf.py").is_file():
        _missing_example(None)
        return
    html, doctrees = _example_build_dirs(app)
    logger.info("smdocs: building the example policy %s", EXAMPLE_DIR)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-b",
            "html",
            "-q",
            "-d",
            str(doctrees),
            str(EXAMPLE_DIR),
            str(html),
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    problems = result.stderr.strip()
    if result.returncode or problems:
        logger.warning(
            "smdocs: the example policy did not build cleanly (exit %d):\n%s",
            result.returncode,
            problems,
            type="smdocs",
            subtype="example",
        )


def copy_example(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``: copy the example's HTML into the output as ``example/``."""
    if exception is not None or app.builder.format != "html":
        return
    html, _ = _example_build_dirs(app)
    if not (html / "index.html").is_file():
        return
    target = Path(app.outdir) / EXAMPLE_OUT
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(html, target, ignore=shutil.ignore_patterns(".buildinfo", ".doctrees"))


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("smdocs-directives", DirectivesReference)
    app.add_directive("smdocs-config", ConfigReference)
    app.add_directive("smdocs-warnings", WarningsReference)
    app.add_directive("smdocs-pack", PackReference)
    app.add_directive("smdocs-engine-rules", EngineRules)
    app.add_directive("smdocs-frequencies", Frequencies)
    app.add_directive("smdocs-attestable", Attestable)
    app.add_directive("smdocs-platforms", PlatformsReference)
    app.add_directive("smdocs-cli", CliReference)
    app.add_directive("smdocs-example-links", ExampleLinks)
    app.add_directive("smdocs-example-tools", ExampleTools)
    app.add_directive("smdocs-example-source", ExampleSource)
    app.connect("builder-inited", build_example)
    app.connect("build-finished", copy_example)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
