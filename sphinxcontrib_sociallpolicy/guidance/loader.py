"""Safe YAML loading that remembers where every value was written.

:func:`load_yaml` reads a guidance pack or catalogue file with a
:class:`yaml.SafeLoader` subclass and returns plain Python data in which every mapping
is a :class:`LocatedDict` and every list a :class:`LocatedList`: they know the line of
each key and value, so a schema check can name ``file:line``.

**Bad input is never a traceback.** Whatever the file holds, loading returns data or
raises one :class:`~.errors.PackError` (or the ``error`` class given: the catalogue
uses :class:`~.errors.PlatformError`) naming the file, the line where there is one,
what is wrong and what to do. The loader refuses, each at its line:

- any YAML tag that is not plain data (``!!python/object``, ``!!python/name``,
  ``!custom`` ...): it is never constructed, so no Python runs;
- anchors and aliases (``&name``, ``*name``): guidance is written out in full, and a
  file cannot expand into a huge document;
- the same key twice in one mapping (YAML would silently keep the last), and keys
  that are lists or mappings;
- text that is not valid YAML (with the line of the problem), invisible characters
  (NUL and other control characters, U+2028 and U+2029, which YAML would read as
  line breaks), other characters YAML does not allow, and files that are not UTF-8;
- dates that do not exist (``2024-02-30``) or fall outside the years
  :data:`~..options.FIRST_YEAR` to :data:`~..options.LAST_YEAR`, and numbers of
  more than :data:`MAX_DIGITS` digits;
- nesting deeper than :data:`MAX_DEPTH` levels.

Booleans are only ``true`` and ``false``: YAML 1.1 would read ``off``, ``no``, ``on``
and ``yes`` as booleans, and ``comments: off`` must stay the word ``off``. A bare
``=`` is text (YAML 1.1 would make it a "value" tag no loader can build).

Lines are counted by line feeds from the position YAML reports (a file is read with
its line ends turned into line feeds), as an editor counts them.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from ..options import date_problem
from .errors import PackError

_BOOL_TAG = "tag:yaml.org,2002:bool"
_TAG_PREFIX = "tag:yaml.org,2002:"

#: the deepest nesting of lists and mappings a guidance file may have
MAX_DEPTH = 50
#: the most digits a whole number may have (nothing in guidance needs more)
MAX_DIGITS = 18


class LocatedDict(dict[Any, Any]):
    """A mapping read from YAML, with the line of each key and value (1-based)."""

    line: int = 0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.key_lines: dict[Any, int] = {}
        self.value_lines: dict[Any, int] = {}

    def key_line(self, key: Any) -> int:
        return self.key_lines.get(key, self.line)

    def line_of(self, key: Any) -> int:
        """The line of ``key``'s value (the key's line for a nested block)."""
        value = self.get(key)
        if isinstance(value, LocatedDict | LocatedList):
            return self.key_line(key)
        return self.value_lines.get(key, self.key_line(key))


class LocatedList(list[Any]):
    """A list read from YAML, with the line of each entry (1-based)."""

    line: int = 0

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.item_lines: list[int] = []

    def line_of(self, index: int) -> int:
        if 0 <= index < len(self.item_lines):
            return self.item_lines[index]
        return self.line


def line_of(value: Any, default: int = 0) -> int:
    """The line a mapping or list starts at, else ``default``."""
    return getattr(value, "line", 0) or default


class _Lines:
    """Line numbers (1-based, counted by line feeds) of character positions."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]
        # the last line that has something on it
        self.last = len(self.starts) - (1 if text.endswith("\n") else 0) or 1

    def at(self, index: int) -> int:
        return min(bisect.bisect_right(self.starts, index), self.last)


def _mark_line(mark: Any, lines: _Lines | None) -> int | None:
    if mark is None:
        return None
    if lines is not None and isinstance(getattr(mark, "index", None), int):
        return lines.at(mark.index)
    return int(mark.line) + 1


def _shown_scalar(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:37] + "...")


class LocatedLoader(yaml.SafeLoader):
    """SafeLoader with locations, strict booleans, no aliases, no tags, and located
    errors for every value it cannot build."""

    path = "<string>"
    error: type[PackError] = PackError
    #: what is read, for messages ("a guidance file does not use anchors"); a
    #: subclass that reads another kind of file says what it reads
    what = "a guidance file"

    def __init__(self, stream: Any) -> None:
        self._line_index: _Lines | None = (
            _Lines(stream) if isinstance(stream, str) else None
        )
        self._depth = 0
        super().__init__(stream)

    def mark_line(self, mark: Any) -> int | None:
        """The 1-based line of a YAML mark (None without one)."""
        return _mark_line(mark, self._line_index)

    def _fail(self, node_or_mark: Any, message: str) -> PackError:
        mark = getattr(node_or_mark, "start_mark", node_or_mark)
        return self.error(self.path, self.mark_line(mark), message)

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise self._fail(
                event,
                f"the alias *{event.anchor} is not allowed: {self.what} does not use "
                "anchors (&name) and aliases (*name); write the value out in full",
            )
        event = self.peek_event()  # type: ignore[no-untyped-call]
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise self._fail(
                event,
                f"the anchor &{anchor} is not allowed: {self.what} does not use anchors "
                "(&name) and aliases (*name); write the value out in full",
            )
        if self._depth >= MAX_DEPTH:
            raise self._fail(
                event,
                f"the lists and mappings here are nested more than {MAX_DEPTH} levels "
                f"deep; {self.what} never needs that many: check the brackets and "
                "the indentation",
            )
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except (PackError, yaml.YAMLError, RecursionError):
            raise
        except Exception as exc:  # a constructor of PyYAML that cannot build it
            tag = node.tag
            shown = "!!" + tag[len(_TAG_PREFIX) :] if tag.startswith(_TAG_PREFIX) else tag
            raise self._fail(
                node,
                f"this value cannot be read as {shown} ({exc}); write it plainly, "
                "without a tag, or in quotes if it is text",
            ) from None


# strict booleans: only true/false (so ``off`` stays a word); ``=`` is text
LocatedLoader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in (_BOOL_TAG, _TAG_PREFIX + "value")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
LocatedLoader.add_implicit_resolver(
    _BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _construct_map(loader: LocatedLoader, node: Any) -> LocatedDict:
    if not isinstance(node, yaml.MappingNode):
        raise loader._fail(node, "the tag !!map is only for a mapping ('key: value' lines)")
    result = LocatedDict()
    result.line = loader.mark_line(node.start_mark) or 0
    for key_node, value_node in node.value:
        if key_node.tag == _TAG_PREFIX + "merge":
            raise loader._fail(
                key_node, "the merge key << is not allowed; write the keys out"
            )
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise loader._fail(
                key_node,
                "a key must be a word, not a list or mapping; check for a stray '?', "
                "'[' or '{' before the ':'",
            ) from None
        if key in result:
            first = result.key_lines[key]
            raise loader._fail(
                key_node,
                f"the key {_shown_scalar(str(key_node.value))} appears twice in this "
                f"mapping (first at line {first}); keep one",
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = loader.mark_line(key_node.start_mark) or result.line
        result.value_lines[key] = loader.mark_line(value_node.start_mark) or result.line
    return result


def _construct_seq(loader: LocatedLoader, node: Any) -> LocatedList:
    if not isinstance(node, yaml.SequenceNode):
        raise loader._fail(node, "the tag !!seq is only for a list")
    result = LocatedList()
    result.line = loader.mark_line(node.start_mark) or 0
    for child in node.value:
        result.append(loader.construct_object(child, deep=True))
        result.item_lines.append(loader.mark_line(child.start_mark) or result.line)
    return result


def _construct_int(loader: LocatedLoader, node: Any) -> int:
    digits = sum(c.isdigit() for c in str(node.value))
    if digits > MAX_DIGITS:
        raise loader._fail(
            node,
            f"the number {_shown_scalar(str(node.value))} has {digits} digits; a number "
            f"in {loader.what} has at most {MAX_DIGITS}: check it, or put it in "
            "quotes if it is text",
        )
    try:
        value = SafeConstructor.construct_yaml_int(loader, node)
    except ValueError:
        raise loader._fail(
            node,
            f"{_shown_scalar(str(node.value))} is not a whole number; write it with "
            "digits only, or in quotes if it is text",
        ) from None
    if abs(value) >= 10**MAX_DIGITS:  # written in hex, octal or binary
        raise loader._fail(
            node,
            f"the number {_shown_scalar(str(node.value))} is too large; a number in "
            f"{loader.what} has at most {MAX_DIGITS} digits",
        )
    return value


def _construct_timestamp(loader: LocatedLoader, node: Any) -> dt.date:
    text = str(node.value)
    try:
        value = SafeConstructor.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError, AttributeError, TypeError):
        raise loader._fail(
            node,
            f"{_shown_scalar(text)} is not a real date; write a date that exists as "
            "YYYY-MM-DD (e.g. 2026-11-24), or put the value in quotes if it is text",
        ) from None
    day = value.date() if isinstance(value, dt.datetime) else value
    problem = date_problem(day)
    if problem:
        raise loader._fail(
            node,
            f"the date {text} {problem}; check the year",
        )
    return value  # type: ignore[no-any-return]


def _construct_plain(loader: LocatedLoader, node: Any) -> str:
    # ``<<`` and ``=`` in a value: text (YAML 1.1 gives them tags no loader builds)
    return str(loader.construct_scalar(node))


def _refuse_tag(loader: LocatedLoader, suffix: Any, node: Any = None) -> Any:
    if node is None:  # single constructor: (loader, node)
        node = suffix
    tag = node.tag
    shown = "!!" + tag[len(_TAG_PREFIX) :] if tag.startswith(_TAG_PREFIX) else tag
    raise loader._fail(
        node,
        f"the YAML tag {shown} is not allowed: {loader.what} is plain data "
        "(text, numbers, true/false, dates, lists and mappings), and tags that would "
        "create Python objects or run code are refused",
    )


LocatedLoader.add_constructor(_TAG_PREFIX + "map", _construct_map)
LocatedLoader.add_constructor(_TAG_PREFIX + "seq", _construct_seq)
LocatedLoader.add_constructor(_TAG_PREFIX + "int", _construct_int)
LocatedLoader.add_constructor(_TAG_PREFIX + "timestamp", _construct_timestamp)
LocatedLoader.add_constructor(_TAG_PREFIX + "merge", _construct_plain)
LocatedLoader.add_constructor(_TAG_PREFIX + "value", _construct_plain)
for _tag in ("omap", "pairs", "set", "binary"):
    LocatedLoader.add_constructor(_TAG_PREFIX + _tag, _refuse_tag)
LocatedLoader.add_multi_constructor(_TAG_PREFIX + "python/", _refuse_tag)
LocatedLoader.add_multi_constructor("!", _refuse_tag)
LocatedLoader.add_constructor(None, _refuse_tag)  # any other tag


def describe_yaml_error(
    error: yaml.YAMLError, text: str | None = None
) -> tuple[int | None, str]:
    """The line (None when unknown) and the message for a YAML error; with the
    ``text`` that was read, lines are counted as an editor counts them."""
    lines = _Lines(text) if text is not None else None
    if isinstance(error, yaml.reader.ReaderError):
        line = lines.at(error.position) if lines is not None else None
        char = error.character
        code = char if isinstance(char, int) else ord(char[:1] or "\0")
        return line, (
            f"the file contains the character U+{code:04X}, which YAML does not allow "
            "(a control character, often invisible; it may have come from text copied "
            "from another program); delete it, or retype the line"
        )
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    line = _mark_line(mark, lines)
    problem = getattr(error, "problem", None) or str(error)
    context = getattr(error, "context", None) or ""
    opened = _mark_line(getattr(error, "context_mark", None), lines)
    if context.startswith("while parsing a flow") and opened and line and opened < line:
        # a bracket left open: the mistake is where it was opened
        bracket = "[" if "sequence" in context else "{"
        return opened, (
            f"this is not valid YAML: the '{bracket}' opened on this line is not closed "
            f"before line {line} ({problem}); check the brackets, and put text that "
            "holds brackets or commas in quotes"
        )
    hint = "; check the indentation and the quotes on this line and the one before"
    if "mapping values are not allowed" in problem:
        hint = "; check the indentation, and put text that contains ': ' in quotes"
    elif "found character '\\t'" in problem:
        hint = "; indent with spaces, not tabs"
    elif "could not find expected ':'" in problem or "expected <block end>" in problem:
        hint = "; check the indentation of this line and the one before"
    elif "another document" in problem or "single document" in problem:
        hint = "; write one document: remove the '---' line"
    elif "found undefined tag handle" in problem:
        hint = "; put text that starts with '!' in quotes"
    return line, f"this is not valid YAML ({problem}){hint}"


#: invisible control characters: C0 except tab, line feed and carriage return, DEL
#: and C1 (YAML refuses most of them; U+0085 it would read as a line break)
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
#: line and paragraph separators: YAML reads them as line breaks, editors do not
_SEPARATOR_RE = re.compile("[\u2028\u2029]")


def _refuse_invisible(
    text: str, path: str, error: type[PackError], what: str = "a guidance file"
) -> None:
    """Refuse characters that are invisible in an editor but change what YAML
    reads, at their line."""
    found = _CONTROL_RE.search(text)
    if found is not None:
        raise error(
            path,
            _Lines(text).at(found.start()),
            f"this line contains the invisible control character "
            f"U+{ord(found.group()):04X}, which {what} cannot hold (it may "
            "have come from text copied from another program); delete it, or retype "
            "the line",
        )
    found = _SEPARATOR_RE.search(text)
    if found is not None:
        raise error(
            path,
            _Lines(text).at(found.start()),
            f"this line contains the invisible line separator U+{ord(found.group()):04X} "
            "(often pasted from a word processor or a web page), which YAML reads as "
            "the end of a line; delete it, or retype the line",
        )


def load_yaml_text(
    text: str,
    path: str,
    *,
    error: type[PackError] = PackError,
    loader_class: type[LocatedLoader] = LocatedLoader,
) -> Any:
    """Parse ``text`` (read from ``path``) as located, safe YAML, with
    ``loader_class`` (a :class:`LocatedLoader`; the wizard's answers use their own).

    :raises PackError: (or ``error``) with the file, line and what is wrong.
    """
    _refuse_invisible(text, str(path), error, loader_class.what)
    loader = None
    try:
        loader = loader_class(text)
        loader.path = str(path)
        loader.error = error
        return loader.get_single_data()
    except PackError:
        raise
    except yaml.YAMLError as exc:
        line, message = describe_yaml_error(exc, text)
        raise error(str(path), line, message) from None
    except RecursionError:  # pragma: no cover - MAX_DEPTH stops it first
        raise error(
            str(path), 1, "the file is nested too deeply to read; check the brackets"
        ) from None
    finally:
        if loader is not None:
            loader.dispose()


def _decode(data: bytes, path: str, error: type[PackError]) -> str:
    """The text of a file's bytes: UTF-8 (with or without a byte-order mark), line
    ends as line feeds."""
    # UTF-16 (with a byte-order mark, or text with a zero byte in every character)
    utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff")) or (
        len(data) >= 4 and data.count(0) * 4 >= len(data)
    )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if utf16:
            raise error(
                path,
                1,
                "the file is saved as UTF-16 ('Unicode' in some editors); save it as UTF-8",
            ) from None
        line = data.count(b"\n", 0, exc.start) + 1
        raise error(
            path,
            line,
            f"the file is not UTF-8 text: the byte 0x{data[exc.start]:02X} on this line "
            "is not UTF-8 (the file was probably saved in another encoding, such as "
            "Windows-1252); save it as UTF-8",
        ) from None
    if utf16:
        raise error(
            path,
            1,
            "the file is saved as UTF-16 ('Unicode' in some editors); save it as UTF-8",
        )
    return text.replace("\r\n", "\n").replace("\r", "\n")


def load_yaml(path: Path | str, *, error: type[PackError] = PackError) -> Any:
    """Read ``path`` as located, safe YAML (see the module docstring).

    :raises PackError: (or ``error``) the file cannot be read or is not plain YAML.
    """
    spath = str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise error(
            spath, None, "the file does not exist; check its name and folder"
        ) from None
    except IsADirectoryError:
        raise error(
            spath, None, "this is a folder, not a file; name the YAML file in it"
        ) from None
    except PermissionError:
        raise error(
            spath,
            None,
            "the file cannot be read: permission denied; make it readable for the "
            "account that builds the policy",
        ) from None
    except OSError as exc:
        raise error(
            spath, None, f"the file cannot be read ({exc.strerror or exc})"
        ) from None
    except ValueError:  # e.g. a NUL character in the name
        raise error(
            spath, None, "the file name has a character file names cannot have"
        ) from None
    return load_yaml_text(_decode(data, spath, error), spath, error=error)
