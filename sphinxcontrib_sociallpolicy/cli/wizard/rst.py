"""Writing reStructuredText from user values without letting them break it.

Two kinds of place take a value:

- prose and section titles are parsed as reStructuredText, so every character that
  can start markup is backslash-escaped (:func:`escape`), and a value is never left
  to start a line with something docutils reads as structure (a list, a comment, an
  enumeration, a section underline);
- a directive's title and option values are read by the extension as plain text
  (``split_block``) and shown as text, so they are written as they are, on one line
  (:func:`option_line`); the answers were flattened to one line when read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from docutils.utils import column_width

from .derive import Item

#: an empty table cell
EMPTY = "\\-"

#: characters that can start or end inline markup, or be read as a role, a
#: substitution, a footnote or a target; escaped wherever they appear
_INLINE = re.compile(r"([\\`*_|:\[\]<>\"'])")
#: what must not start a line: bullets, enumerations, comments, underlines ...
_LINE_START = re.compile(r"^([-+*#=~^.()!@$%&/;,?{}0-9\u2022\u2023\u2043])")


def escape(text: str, *, start: bool = False) -> str:
    """``text`` as reStructuredText that renders exactly as ``text``, on one line.

    :param start: the text may start a line (a title, a list item, a table cell):
        a first character docutils could read as structure is escaped too.
    """
    text = " ".join(text.split())
    out = _INLINE.sub(r"\\\1", text)
    return _LINE_START.sub(r"\\\1", out) if start else out


def heading(text: str, char: str = "=") -> list[str]:
    """A section title (escaped) with an underline long enough for it."""
    title = escape(text, start=True)
    return [title, char * max(column_width(title), 3), ""]


def paragraph(*parts: str) -> list[str]:
    """One paragraph from parts already escaped (or fixed RST), on one line."""
    return [" ".join(p for p in parts if p), ""]


def literal(text: str) -> str:
    """Inline literal of a fixed identifier (an option name, an ID, a command)."""
    return f"``{text}``"


def option_line(name: str, value: str) -> str:
    value = " ".join(str(value).split())
    return f"   :{name}: {value}".rstrip()


def directive(item: Item) -> list[str]:
    """An item directive: title and options as they are (with ``:status:`` on a
    suggestion), prose escaped."""
    title = " ".join(item.title.split())
    lines = [f".. {item.directive}:: {title}".rstrip()]
    for name, value in item.written_options().items():
        if value is None or str(value).strip() == "":
            continue
        lines.append(option_line(name, value))
    prose = [p for p in item.prose if p.strip()]
    if prose:
        lines.append("")
        for index, para in enumerate(prose):
            if index:
                lines.append("")
            lines.append("   " + escape(para, start=True))
    lines.append("")
    return lines


def bullets(items: Iterable[str]) -> list[str]:
    """A bullet list of items already escaped (with ``start=True`` where a value
    begins the item)."""
    out = [f"- {item}" for item in items]
    return [*out, ""] if out else []


def list_table(
    title: str, header: list[str], rows: list[list[str]], widths: list[int]
) -> list[str]:
    """A list-table; cells are already escaped. An empty cell shows a dash."""
    lines = [
        f".. list-table:: {escape(title)}",
        "   :header-rows: 1",
        "   :widths: " + " ".join(str(w) for w in widths),
        "",
    ]
    for row in [header, *rows]:
        for index, cell in enumerate(row):
            mark = "* -" if index == 0 else "  -"
            lines.append(f"   {mark} {cell or EMPTY}")
    lines.append("")
    return lines
