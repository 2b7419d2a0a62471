"""Small helpers for checking located YAML data against a hand-written schema.

Each helper raises the caller's error class (:class:`~.errors.PackError` or
:class:`~.errors.PlatformError`) at the line of the offending value, with a message
that starts with a label such as ``requirement MOD_PREMODERATION`` and says what is
wrong and what is allowed.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..options import date_problem
from .errors import PackError
from .loader import LocatedDict, LocatedList

#: a date written as text (``"2026-11-24"``)
DATE_TEXT_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def shown(value: Any) -> str:
    """A value as the user wrote it, for a message."""
    if isinstance(value, str):
        text = value if len(value) <= 60 else value[:57] + "..."
        return repr(text)
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        text = str(value)
    except ValueError:  # an integer too long to write out
        return "a very long number"
    return text if len(text) <= 60 else text[:57] + "..."


def type_word(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, dt.date):
        return "a date"
    if isinstance(value, str):
        return "text"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def hint(word: str, choices: Iterable[str]) -> str:
    """``" (did you mean 'x'?)"`` for a close match, else ``""``."""
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


@dataclass(frozen=True)
class Where:
    """Where a value is: the file, the error class, and the label for messages."""

    path: str
    label: str
    error: type[PackError] = PackError

    def fail(self, line: int | None, message: str) -> PackError:
        prefix = f"{self.label}: " if self.label else ""
        return self.error(self.path, line, prefix + message)

    def sub(self, label: str) -> Where:
        return Where(self.path, label, self.error)


def expect_mapping(value: Any, line: int, where: Where, what: str) -> LocatedDict:
    if not isinstance(value, dict):
        raise where.fail(
            line, f"{what} must be a mapping of 'key: value' lines, not {type_word(value)}"
        )
    if not isinstance(value, LocatedDict):  # pragma: no cover - built by the loader
        located = LocatedDict(value)
        located.line = line
        return located
    return value


def expect_list(value: Any, line: int, where: Where, what: str) -> LocatedList:
    if not isinstance(value, list):
        raise where.fail(
            line,
            f"{what} must be a list (lines starting with '- '), not {type_word(value)}",
        )
    if not isinstance(value, LocatedList):  # pragma: no cover
        located = LocatedList(value)
        located.line = line
        return located
    return value


def check_keys(
    mapping: LocatedDict,
    where: Where,
    required: Iterable[str],
    optional: Iterable[str] = (),
    *,
    what: str = "",
) -> None:
    """Unknown keys (typos) and missing required keys, in file order."""
    required = list(required)
    allowed = [*required, *optional]
    for key in mapping:
        if key not in allowed:
            raise where.fail(
                mapping.key_line(key),
                f"unknown key {shown(key)}{hint(str(key), allowed)}; "
                f"{what or 'this entry'} has: {', '.join(allowed)}",
            )
    for key in required:
        if key not in mapping:
            raise where.fail(
                mapping.line,
                f"the required key '{key}' is missing; {what or 'this entry'} needs: "
                + ", ".join(required),
            )


def get_text(mapping: LocatedDict, key: str, where: Where, *, required: bool = True) -> str:
    value = mapping.get(key)
    if value is None and not required and key not in mapping:
        return ""
    if not isinstance(value, str) or not value.strip():
        if isinstance(value, int | float) and not isinstance(value, bool):
            raise where.fail(
                mapping.line_of(key),
                f"'{key}' is {shown(value)}, a number; write it in quotes as text, e.g. "
                f'{key}: "{shown(value)}"',
            )
        raise where.fail(
            mapping.line_of(key), f"'{key}' is {shown(value)}; it must be text"
        )
    return " ".join(value.split()) if "\n" not in value.strip() else value.strip()


def get_bool(mapping: LocatedDict, key: str, where: Where) -> bool:
    value = mapping.get(key)
    if not isinstance(value, bool):
        raise where.fail(
            mapping.line_of(key), f"'{key}' is {shown(value)}; allowed: true, false"
        )
    return value


#: what :func:`as_date` says of a value that is not a date at all
NOT_A_DATE = "is not a date written YYYY-MM-DD"


def as_date(value: Any) -> tuple[dt.date | None, str]:
    """A date from a YAML date or ``YYYY-MM-DD`` text, else None and what is wrong,
    as a clause after the value: :data:`NOT_A_DATE`, "is not a real date ..." or
    "is outside the years 1900 to 2199; ..."."""
    date: dt.date | None = None
    if isinstance(value, dt.datetime):
        date = value.date()
    elif isinstance(value, dt.date):
        date = value
    elif isinstance(value, str) and DATE_TEXT_RE.match(value.strip()):
        try:
            date = dt.date.fromisoformat(value.strip())
        except ValueError:
            return None, (
                "is not a real date (there is no such day); write a date that exists"
            )
    if date is None:
        return None, NOT_A_DATE
    problem = date_problem(date)
    if problem:
        return None, f"{problem}; check the year"
    return date, ""


def get_date(mapping: LocatedDict, key: str, where: Where) -> dt.date:
    value = mapping.get(key)
    date, problem = as_date(value)
    if date is not None:
        return date
    if problem == NOT_A_DATE:
        raise where.fail(
            mapping.line_of(key),
            f"'{key}' is {shown(value)}; it must be a date written YYYY-MM-DD, e.g. "
            "2026-11-24",
        )
    raise where.fail(mapping.line_of(key), f"'{key}' is {shown(value)}, which {problem}")


def to_plain(value: Any) -> Any:
    """Located YAML data as plain dicts and lists (for display and pickling)."""
    if isinstance(value, dict):
        return {k: to_plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_plain(v) for v in value]
    return value
