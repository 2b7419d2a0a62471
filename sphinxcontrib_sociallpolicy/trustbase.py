"""A trust base: what a trust or local authority shares with its schools.

A base is a folder with a manifest, ``base.yaml``::

    name: Northbridge Learning Trust
    guidance:                     # packs every school is checked against
      - uk-online-safety          # a built-in pack ID, or
      - packs/trust.yaml          # a pack file, relative to the base folder
    platforms:                    # catalogue additions (a school's sm_platforms
      - platforms/trust.yaml      # may override them)
    chapters:                     # shared chapters, included by every school
      - shared/safeguards.rst
    answers: answers.yaml         # default answers of ``sociallpolicy new --base``

Only ``name`` is required. This module reads the manifest (pure Python, no Sphinx
imports: the ``new`` command uses it too); :mod:`.base` puts it to work in a build.
A manifest that cannot be used is never a traceback: :func:`load_base` returns what
it could read and one :class:`BaseError` per problem, at its file and line.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .guidance.errors import PackError
from .guidance.loader import LocatedDict, LocatedList, load_yaml
from .guidance.packs import BUILTIN_PACKS

#: the manifest's file name, in the base folder
MANIFEST = "base.yaml"
#: the keys a manifest may have
MANIFEST_KEYS = ("name", "guidance", "platforms", "chapters", "answers")


class BaseError(PackError):
    """A problem with a trust base: ``path:line: message`` (same form as
    :class:`~.guidance.errors.PackError`)."""


@dataclass
class Base:
    """A trust base as its manifest describes it. Paths are absolute."""

    name: str
    folder: Path
    manifest: Path
    #: the base's guidance packs as ``sm_guidance`` entries: built-in IDs, or
    #: absolute paths of pack files
    guidance: list[str] = field(default_factory=list)
    #: the base's catalogue files
    platforms: list[Path] = field(default_factory=list)
    #: the shared chapters, as written (relative to the folder, ``/`` separated),
    #: with the line of the manifest that lists each
    chapters: dict[str, int] = field(default_factory=dict)
    #: the default answers file, if any
    answers: Path | None = None

    def files(self) -> list[Path]:
        """The data files of the base a build reads (the manifest, pack and catalogue
        files): an edit to one rebuilds what depends on it."""
        packs = [Path(g) for g in self.guidance if g not in BUILTIN_PACKS]
        return [self.manifest, *packs, *self.platforms]

    def chapter_path(self, chapter: str) -> Path:
        return self.folder / chapter


def inside(path: Path, folder: Path) -> bool:
    """Whether ``path`` is ``folder`` or in it (both resolved)."""
    try:
        path.resolve().relative_to(folder.resolve())
    except (ValueError, OSError):
        return False
    return True


def relative_chapter(name: str) -> str | None:
    """``name`` as a chapter path relative to a base folder (``/`` separated), or
    None when it is absolute or leaves the folder (``../x.rst``)."""
    text = name.strip().replace("\\", "/")
    posix = PurePosixPath(text)
    if not text or posix.is_absolute() or ".." in posix.parts or ":" in text:
        return None
    return str(posix)


def _strings(
    data: LocatedDict, key: str, manifest: str, errors: list[BaseError]
) -> list[tuple[str, int]]:
    """The list of strings under ``key``, each with its line."""
    value = data.get(key)
    if value is None:
        return []
    if isinstance(value, str):
        value = LocatedList([value])
        value.item_lines = [data.line_of(key)]
    if not isinstance(value, list):
        errors.append(
            BaseError(
                manifest,
                data.line_of(key),
                f"'{key}:' must be a list of file names, one a line starting with '- '",
            )
        )
        return []
    out = []
    for index, entry in enumerate(value):
        line = value.line_of(index) if isinstance(value, LocatedList) else data.line_of(key)
        if not isinstance(entry, str) or not entry.strip():
            errors.append(
                BaseError(
                    manifest,
                    line,
                    f"an entry of '{key}:' is {entry!r}, not a file name; write the "
                    "file's path relative to the base folder",
                )
            )
            continue
        out.append((entry.strip(), line))
    return out


def _file(
    folder: Path, name: str, line: int, what: str, manifest: str, errors: list[BaseError]
) -> Path | None:
    """The file ``name`` of the base, or None (with an error) when it is not there."""
    path = folder / name
    try:
        found = path.is_file()
    except (OSError, ValueError):  # a name too long for the system, a NUL in it
        found = False
    if not found:
        shown = name if len(name) <= 80 else name[:77] + "..."
        errors.append(
            BaseError(
                manifest,
                line,
                f"the {what} {shown!r} is not a file in the base folder {folder}; check "
                "its name (paths are relative to the folder of base.yaml)",
            )
        )
        return None
    return path


def load_base(folder: Path | str, errors: list[BaseError]) -> Base | None:
    """The base in ``folder``; each problem is appended to ``errors`` (at the
    manifest's line) and what can be used is kept. None when there is no manifest
    to read (the error then has no line: the caller places it at the setting)."""
    folder = Path(folder)
    manifest = folder / MANIFEST
    shown = str(manifest)
    try:
        exists = folder.is_dir()
    except (OSError, ValueError):  # a name too long for the system
        exists = False
    if not exists:
        errors.append(BaseError(shown, None, f"the base folder {folder} does not exist"))
        return None
    try:
        data = load_yaml(manifest, error=BaseError)
    except BaseError as error:
        if error.line is None:
            error = BaseError(
                error.path,
                None,
                f"the base folder {folder} has no readable {MANIFEST} "
                f"({error.message}); a base folder holds a {MANIFEST} manifest",
            )
        errors.append(error)
        return None
    if not isinstance(data, LocatedDict):
        errors.append(
            BaseError(
                shown,
                getattr(data, "line", 0) or 1,
                "the manifest is not a mapping of keys; write e.g. 'name: Northbridge "
                "Learning Trust' with 'guidance:', 'platforms:', 'chapters:' and "
                "'answers:'",
            )
        )
        return None
    for key in data:
        if key not in MANIFEST_KEYS:
            close = difflib.get_close_matches(str(key), MANIFEST_KEYS, n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            errors.append(
                BaseError(
                    shown,
                    data.key_line(key),
                    f"'{key}' is not a key of a base manifest and is ignored; {hint}"
                    f"the keys are {', '.join(MANIFEST_KEYS)}",
                )
            )
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        errors.append(
            BaseError(
                shown,
                data.line_of("name") if "name" in data else 1,
                "the base has no 'name:'; write the trust's or authority's name, e.g. "
                "'name: Northbridge Learning Trust'",
            )
        )
        name = folder.name
    base = Base(name=" ".join(name.split()), folder=folder, manifest=manifest)
    for entry, line in _strings(data, "guidance", shown, errors):
        if entry in BUILTIN_PACKS:
            base.guidance.append(entry)
        elif entry.endswith((".yaml", ".yml")) or "/" in entry or "\\" in entry:
            path = _file(folder, entry, line, "guidance pack", shown, errors)
            if path is not None:
                base.guidance.append(str(path))
        else:
            close = difflib.get_close_matches(entry, list(BUILTIN_PACKS), n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            errors.append(
                BaseError(
                    shown,
                    line,
                    f"'guidance:' names {entry!r}, which is not a built-in pack and not "
                    f"a .yaml file; {hint}built-in packs: {', '.join(BUILTIN_PACKS)}",
                )
            )
    for entry, line in _strings(data, "platforms", shown, errors):
        path = _file(folder, entry, line, "catalogue file", shown, errors)
        if path is not None:
            base.platforms.append(path)
    for entry, line in _strings(data, "chapters", shown, errors):
        chapter = relative_chapter(entry)
        if chapter is None:
            errors.append(
                BaseError(
                    shown,
                    line,
                    f"the chapter {entry!r} is not inside the base folder; write its "
                    "path relative to the folder of base.yaml, without '..'",
                )
            )
        elif chapter in base.chapters:
            errors.append(
                BaseError(shown, line, f"the chapter {chapter!r} is listed twice")
            )
        elif _file(folder, chapter, line, "chapter", shown, errors) is not None:
            base.chapters[chapter] = line
    answers = _strings(data, "answers", shown, errors)
    if len(answers) > 1:
        errors.append(
            BaseError(shown, answers[1][1], "'answers:' names one file, not a list")
        )
    if answers:
        entry, line = answers[0]
        base.answers = _file(folder, entry, line, "answers file", shown, errors)
    return base
