"""Build :class:`Policy` objects from compact item lists (for the guidance tests).

An item is a mapping: ``item`` (its kind), ``id``, optional ``title``, ``content``,
and options by name (as in RST). Values are written as in RST (strings, or YAML
lists / dates / numbers, turned into the text an author would write) and parsed with
:func:`options.parse_value`, so the test data is exactly what the directives accept.
Link options written ``all`` are kept like the Sphinx layer keeps them: the option
name in ``fields["all"]`` and the link expanded to every tool.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sphinxcontrib_sociallpolicy.guidance.loader import load_yaml
from sphinxcontrib_sociallpolicy.model import Item, Policy
from sphinxcontrib_sociallpolicy.options import parse_value
from sphinxcontrib_sociallpolicy.schema import BY_KIND

HERE = Path(__file__).parent
CASES_FILE = HERE / "cases.yaml"
TODAY = dt.date(2026, 11, 24)


def _text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def make_items(specs: list[dict[str, Any]], *, expand_all: bool = True) -> list[Item]:
    """Items from compact specs (see the module docstring)."""
    items: list[Item] = []
    all_links: list[tuple[Item, str]] = []
    for line, spec in enumerate(specs, start=1):
        spec = dict(spec)
        kind = spec.pop("item")
        item_id = spec.pop("id")
        item = Item(
            id=item_id,
            kind=kind,
            title=spec.pop("title", item_id.replace("_", " ").title()),
            docname=spec.pop("docname", "policy"),
            source=spec.pop("source", "policy.rst"),
            line=spec.pop("line", line * 10),
            content=spec.pop("content", ""),
            status=spec.pop("status", None),
        )
        item_type = BY_KIND[kind]
        for name, raw in spec.items():
            if raw is None:
                continue
            option = item_type.option(name)  # KeyError: a typo in the test data
            value = parse_value(option, _text(raw))
            if option.is_link:
                if value == ["all"]:
                    item.fields.setdefault("all", []).append(name)
                    all_links.append((item, name))
                    value = []
                item.links[name] = value
            else:
                item.fields[name] = value
        items.append(item)
    if expand_all:
        tools = [i.id for i in items if i.kind == "tool"]
        for item, name in all_links:
            item.links[name] = list(tools)
    return items


def make_policy(specs: list[dict[str, Any]], *, expand_all: bool = True) -> Policy:
    return Policy.from_items(make_items(specs, expand_all=expand_all))


def load_cases() -> dict[str, Any]:
    return load_yaml(CASES_FILE)


def case_specs(cases: dict[str, Any], case: dict[str, Any]) -> list[dict[str, Any]]:
    """The item specs of one pass/fail case: ``items`` alone, or the base policy with
    ``change`` (ID -> options; null removes), ``remove`` (IDs) and ``add`` (items)."""
    if "items" in case:
        return [dict(i) for i in case["items"]]
    specs = [dict(i) for i in cases["base"]]
    by_id = {s["id"]: s for s in specs}
    for item_id, changes in (case.get("change") or {}).items():
        target = by_id[item_id]  # KeyError: a typo in the test data
        for name, value in changes.items():
            if value is None:
                target.pop(name, None)
            else:
                target[name] = value
    removed = set(case.get("remove") or ())
    assert removed <= set(by_id), removed - set(by_id)
    specs = [s for s in specs if s["id"] not in removed]
    specs.extend(dict(i) for i in case.get("add") or ())
    return specs
