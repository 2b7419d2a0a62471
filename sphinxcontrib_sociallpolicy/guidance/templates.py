"""Message templates: ``message`` and ``fix`` texts with ``{field}`` placeholders."""

from __future__ import annotations

import re
import string
from collections.abc import Sequence
from typing import Any

from ..model import Item
from .checks import Where
from .fields import Context, Ref, compile_ref, format_value, is_present

# --- message templates --------------------------------------------------------------


class Template:
    """A message with ``{field}`` placeholders, filled safely.

    Placeholders name fields exactly as conditions do (``{title}``, ``{id}``,
    ``{platform.min-age}``, ``{policy.country}``), plus ``{rule}`` (the requirement's
    ID). No attribute access, indexing, conversion or format spec: only known fields.
    ``{{`` and ``}}`` write a brace. A missing value reads "not recorded"; text in
    ``[[`` and ``]]`` is left out when a field inside it has no value (``[[How to:
    {platform.how-to}]]``).
    """

    __slots__ = ("text", "parts")

    def __init__(self, text: str, parts: list[Any]):
        self.text = text
        # text, a field, None for {rule}, or a tuple: an optional segment's parts
        self.parts = parts

    def render(self, item: Item, ctx: Context) -> str:
        return " ".join(_render(self.parts, item, ctx).split())


def _render(parts: list[Any], item: Item, ctx: Context) -> str:
    out = []
    for part in parts:
        if isinstance(part, str):
            out.append(part)
        elif part is None:
            out.append(ctx.rule)
        elif isinstance(part, tuple):
            refs = [p for p in part if isinstance(p, Ref)]
            if all(is_present(ref.get(item, ctx)) for ref in refs):
                out.append(_render(list(part), item, ctx))
        else:
            out.append(format_value(part.get(item, ctx)))
    return "".join(out)


def compile_template(
    text: str, kinds: Sequence[str], where: Where, line: int, what: str
) -> Template:
    """Compile a ``message`` or ``fix`` with placeholders for items of ``kinds``.

    :raises PackError: a placeholder is malformed or names an unknown field.
    """
    parts: list[Any] = []
    if "[[" in text or "]]" in text:
        pieces = re.split(r"(\[\[|\]\])", text)
        optional = False
        for piece in pieces:
            if piece == "[[":
                if optional:
                    raise where.fail(line, f"'{what}': a [[ ... ]] cannot hold another [[")
                optional = True
            elif piece == "]]":
                if not optional:
                    raise where.fail(line, f"'{what}' has ]] without [[ before it")
                optional = False
            elif optional:
                parts.append(tuple(_compile(piece, kinds, where, line, what)))
            else:
                parts.extend(_compile(piece, kinds, where, line, what))
        if optional:
            raise where.fail(line, f"'{what}' has [[ without ]] after it")
        return Template(text, parts)
    return Template(text, _compile(text, kinds, where, line, what))


def _compile(
    text: str, kinds: Sequence[str], where: Where, line: int, what: str
) -> list[Any]:
    parts: list[Any] = []
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:
        raise where.fail(
            line,
            f"'{what}' has a single {{ or }}; write {{{{ or }}}} for a brace, and "
            f"{{field}} for a value",
        ) from None
    for literal, name, spec, conversion in parsed:
        if literal:
            parts.append(literal)
        if name is None:
            continue
        if spec or conversion:
            raise where.fail(
                line, f"'{what}': write {{{name}}} without ':' or '!' after the field name"
            )
        if name == "rule":
            parts.append(None)
            continue
        if not name:
            raise where.fail(
                line, f"'{what}' has an empty {{}}; name a field, e.g. {{title}}"
            )
        parts.append(compile_ref(name, kinds, where, line, f"'{what}' placeholder"))
    return parts
