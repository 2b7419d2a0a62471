"""Safe YAML loading that remembers where every value was written.

:func:`load_yaml` reads a guidance pack or catalogue file with a
:class:`yaml.SafeLoader` subclass and returns plain Python data in which every mapping
is a :class:`LocatedDict` and every list a :class:`LocatedList`: they know the line of
each key and value, so a schema check can name ``file:line``.

What the loader refuses, each as one :class:`~.errors.PackError` at the line:

- any YAML tag that is not plain data (``!!python/object``, ``!!python/name``,
  ``!custom`` ...): it is never constructed, so no Python runs;
- anchors and aliases (``&name``, ``*name``): guidance is written out in full, and a
  file cannot expand into a huge document;
- the same key twice in one mapping (YAML would silently keep the last);
- text that is not valid YAML (with the line of the problem).

Booleans are only ``true`` and ``false``: YAML 1.1 would read ``off``, ``no``, ``on``
and ``yes`` as booleans, and ``comments: off`` must stay the word ``off``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from .errors import PackError

_BOOL_TAG = "tag:yaml.org,2002:bool"


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


class _Loader(yaml.SafeLoader):
    """SafeLoader with locations, strict booleans, no aliases, no tags."""

    path = "<string>"
    error: type[PackError] = PackError

    def _fail(self, node_or_mark: Any, message: str) -> PackError:
        mark = getattr(node_or_mark, "start_mark", node_or_mark)
        line = mark.line + 1 if mark is not None else None
        return self.error(self.path, line, message)

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise self._fail(
                event,
                f"the alias *{event.anchor} is not allowed: guidance files do not use "
                "anchors (&name) and aliases (*name); write the value out in full",
            )
        event = self.peek_event()  # type: ignore[no-untyped-call]
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise self._fail(
                event,
                f"the anchor &{anchor} is not allowed: guidance files do not use anchors "
                "(&name) and aliases (*name); write the value out in full",
            )
        return super().compose_node(parent, index)


# strict booleans: only true/false (so ``off`` stays a word)
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _BOOL_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    _BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _construct_map(loader: _Loader, node: yaml.MappingNode) -> LocatedDict:
    result = LocatedDict()
    result.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            raise loader._fail(
                key_node, "the merge key << is not allowed; write the keys out"
            )
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise loader._fail(
                key_node, "a key must be a word, not a list or mapping"
            ) from None
        if key in result:
            first = result.key_lines[key]
            raise loader._fail(
                key_node,
                f"the key {key!r} appears twice in this mapping (first at line {first}); "
                "keep one",
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
        result.value_lines[key] = value_node.start_mark.line + 1
    return result


def _construct_seq(loader: _Loader, node: yaml.SequenceNode) -> LocatedList:
    result = LocatedList()
    result.line = node.start_mark.line + 1
    for child in node.value:
        result.append(loader.construct_object(child, deep=True))
        result.item_lines.append(child.start_mark.line + 1)
    return result


def _refuse_tag(loader: _Loader, suffix: Any, node: Any = None) -> Any:
    if node is None:  # single constructor: (loader, node)
        node = suffix
    tag = node.tag
    shown = (
        "!!" + tag[len("tag:yaml.org,2002:") :]
        if tag.startswith("tag:yaml.org,2002:")
        else tag
    )
    raise loader._fail(
        node,
        f"the YAML tag {shown} is not allowed: guidance files are plain data "
        "(text, numbers, true/false, dates, lists and mappings), and tags that would "
        "create Python objects or run code are refused",
    )


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)
for _tag in ("omap", "pairs", "set", "binary"):
    _Loader.add_constructor(f"tag:yaml.org,2002:{_tag}", _refuse_tag)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/", _refuse_tag)
_Loader.add_multi_constructor("!", _refuse_tag)
_Loader.add_constructor(None, _refuse_tag)  # any other tag


def _describe_yaml_error(error: yaml.YAMLError) -> tuple[int | None, str]:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    line = mark.line + 1 if mark is not None else None
    problem = getattr(error, "problem", None) or str(error)
    hint = ""
    if "mapping values are not allowed" in problem:
        hint = "; check the indentation, and put text that contains ': ' in quotes"
    elif "found character '\\t'" in problem:
        hint = "; indent with spaces, not tabs"
    elif "could not find expected ':'" in problem or "expected <block end>" in problem:
        hint = "; check the indentation of this line and the one before"
    return line, f"this is not valid YAML ({problem}){hint}"


def load_yaml_text(text: str, path: str, *, error: type[PackError] = PackError) -> Any:
    """Parse ``text`` (read from ``path``) as located, safe YAML.

    :raises PackError: (or ``error``) with the file, line and what is wrong.
    """
    loader = _Loader(text)
    loader.path = str(path)
    loader.error = error
    try:
        return loader.get_single_data()
    except PackError:
        raise
    except yaml.YAMLError as exc:
        line, message = _describe_yaml_error(exc)
        raise error(str(path), line, message) from None
    except RecursionError:
        raise error(str(path), None, "the file is nested too deeply to read") from None
    finally:
        loader.dispose()


def load_yaml(path: Path | str, *, error: type[PackError] = PackError) -> Any:
    """Read ``path`` as located, safe YAML (see the module docstring).

    :raises PackError: (or ``error``) the file cannot be read or is not plain YAML.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(str(path), None, "the file does not exist") from None
    except UnicodeDecodeError:
        raise error(str(path), None, "the file is not UTF-8 text") from None
    except OSError as exc:
        raise error(str(path), None, f"the file cannot be read ({exc.strerror})") from None
    return load_yaml_text(text, str(path), error=error)
