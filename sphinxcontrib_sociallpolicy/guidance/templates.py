"""Message templates: ``message`` and ``fix`` texts with ``{field}`` placeholders."""

from __future__ import annotations

import string
from collections.abc import Sequence

from ..model import Item
from .checks import Where
from .fields import Context, Ref, compile_ref, format_value

# --- message templates --------------------------------------------------------------


class Template:
    """A message with ``{field}`` placeholders, filled safely.

    Placeholders name fields exactly as conditions do (``{title}``, ``{id}``,
    ``{platform.min-age}``, ``{policy.country}``), plus ``{rule}`` (the requirement's
    ID). No attribute access, indexing, conversion or format spec: only known fields.
    ``{{`` and ``}}`` write a brace.
    """

    __slots__ = ("text", "parts")

    def __init__(self, text: str, parts: list[str | Ref | None]):
        self.text = text
        self.parts = parts  # text, a field, or None for {rule}

    def render(self, item: Item, ctx: Context) -> str:
        out = []
        for part in self.parts:
            if isinstance(part, str):
                out.append(part)
            elif part is None:
                out.append(ctx.rule)
            else:
                out.append(format_value(part.get(item, ctx)))
        return "".join(out)


def compile_template(
    text: str, kinds: Sequence[str], where: Where, line: int, what: str
) -> Template:
    """Compile a ``message`` or ``fix`` with placeholders for items of ``kinds``.

    :raises PackError: a placeholder is malformed or names an unknown field.
    """
    parts: list[str | Ref | None] = []
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
    return Template(text, parts)
