"""Guidance packs: YAML files of requirements, loaded safely and checked.

A pack::

    pack: kent-2010                    # ID: lower case with hyphens
    title: Kent County Council e-Safety guidance: schools using social media (2010)
    source: where the pack comes from
    version: "2026.1"                   # text
    description: optional longer text
    requirements:
      - id: MOD_PREMODERATION          # capitals with underscores
        title: Comments are approved before they appear
        text: what the school must do (the requirement, in the pack's words)
        severity: must                 # must, should or may
        source: Kent CC 2010, para 6, sentence 3
        theme: moderation              # see THEMES
        applies-to: tool               # policy, tool, control or risk (or a list)
        when: <condition>              # optional: the items it applies to
        check: <condition>             # optional: what must hold (see conditions.py)
        message: "'{title}' ..."       # what is wrong, with {field} placeholders
        fix: Add ...                   # how to fix it
      - id: GOV_GOVERNOR_RATIFIED      # a requirement that checks several things
        ...
        parts:                         # instead of check: every part must hold
          - check: {present: approved-on}
            message: The date the policy was ratified is not recorded.
            fix: Add `:approved-on:` ...   # optional (else the requirement's fix)
            when: <condition>          # optional: the part applies only where it holds

When a requirement with ``parts`` is not met, its finding says what each failing part
says (after the requirement's own ``message``, if it has one), not a generic message.

A requirement with no ``check`` is met by a control that names it in ``:satisfies:``
(``attested: true``): nothing is skipped because it cannot be checked from the data.
Without ``message`` / ``fix`` a plain message naming the requirement is used.

:func:`resolve_packs` turns ``sm_guidance`` (built-in pack IDs or paths relative to
the folder of conf.py) into packs. **A rule ID is evaluated once**: when two active
packs hold the same ID (the built-in packs share every duty Kent 2010 has in common
with the current UK set), the first pack in ``sm_guidance`` keeps the requirement, its
:attr:`Requirement.also` records the other packs' sources, and the later pack lists
the ID in :attr:`Pack.shared`. Every file read is :attr:`Pack.path` (for
``env.note_dependency``); a file that fails to load is :attr:`PackError.path`.

Errors are :class:`~.errors.PackError`: one message naming the file, the line and
what is wrong, e.g. ``requirement MOD_PREMODERATION: 'severity' is 'critical';
allowed: must, should, may``.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..model import Item, Policy
from ..options import ID_RE
from ..schema import SEVERITIES
from .checks import (
    Where,
    check_keys,
    expect_list,
    expect_mapping,
    get_bool,
    get_date,
    get_text,
    hint,
    shown,
    to_plain,
)
from .conditions import All, Attested, Condition, If, compile_condition
from .errors import PackError
from .fields import PACK_KINDS
from .loader import LocatedDict, line_of, load_yaml
from .templates import Template, compile_template

PACKS_DIR = Path(__file__).parent / "packs"

#: built-in packs by ID, in the order they are documented
BUILTIN_PACKS: dict[str, Path] = {
    "kent-2010": PACKS_DIR / "kent-2010.yaml",
    "uk-online-safety": PACKS_DIR / "uk-online-safety.yaml",
}

#: requirement themes and the rule-ID prefix of each (``other`` has none)
THEMES: dict[str, str] = {
    "governance": "GOV_",
    "accounts": "ACC_",
    "conduct": "CON_",
    "age": "AGE_",
    "moderation": "MOD_",
    "images": "IMG_",
    "escalation": "ESC_",
    "filtering": "FM_",
    "phones": "PHONES_",
    "data": "DATA_",
    "ai": "AI_",
    "references": "REF_",
    "other": "",
}

PACK_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

_PACK_REQUIRED = ("pack", "title", "source", "version", "requirements")
_PACK_OPTIONAL = ("description", "first-released")
_REQ_REQUIRED = ("id", "title", "text", "severity", "source", "theme", "applies-to")
_REQ_OPTIONAL = (
    "when",
    "check",
    "parts",
    "message",
    "fix",
    "added",
    "changed",
    "checked-on",
    "verified",
)
_PART_KEYS = ("when", "check", "message", "fix")


@dataclass(frozen=True)
class Part:
    """One part of a requirement that checks several things: when the requirement
    is not met, each failing part says what is wrong in its own words."""

    check: Condition
    message: Template
    fix: Template | None = None
    when: Condition | None = None


@dataclass(frozen=True)
class Requirement:
    """One requirement of a guidance pack (or a local ``sm-requirement``)."""

    id: str
    title: str
    text: str
    severity: str
    source: str
    theme: str
    applies_to: tuple[str, ...]
    check: Condition
    message: Template
    fix: Template
    when: Condition | None = None
    pack: str = ""
    path: str = ""
    line: int = 0
    #: the conditions as written (plain data), for display; None when absent
    when_data: Any = None
    check_data: Any = None
    #: ``(pack ID, source)`` of later active packs that hold the same rule ID
    also: tuple[tuple[str, str], ...] = ()
    #: the parts of a requirement written with ``parts:`` (its check is all of them)
    parts: tuple[Part, ...] = ()
    #: when it was added to its pack, and when its meaning last changed there
    added: dt.date | None = None
    changed: dt.date | None = None
    #: when its source was last checked, and whether it could be confirmed there
    checked_on: dt.date | None = None
    verified: bool = True
    #: the date it became news for a policy approved before it: ``changed``, else
    #: ``added`` when that is after the pack's first release (None: part of the
    #: pack's first release, unchanged since)
    news: dt.date | None = None

    def news_kind(self) -> str:
        """``added`` or ``changed``: what happened on :attr:`news`."""
        return (
            "changed" if self.changed is not None and self.news == self.changed else "added"
        )

    @property
    def attested_only(self) -> bool:
        """Met only by a control that names it in ``:satisfies:`` (no ``check``)."""
        return self.check_data is None

    def sources(self) -> list[str]:
        """This requirement's source, then those of other packs holding it."""
        return [self.source, *(source for _, source in self.also)]


@dataclass(frozen=True)
class Pack:
    """A loaded guidance pack."""

    id: str
    title: str
    source: str
    version: str
    path: Path
    requirements: tuple[Requirement, ...]
    description: str = ""
    #: rule IDs this pack holds that an earlier active pack already provides
    shared: tuple[str, ...] = field(default=())
    #: the date of the pack's first release: what it held then is its baseline
    first_released: dt.date | None = None
    #: the line of its ``pack:`` ID in :attr:`path`
    line: int = 0

    def changes_since(self, since: dt.date) -> list[Requirement]:
        """Its requirements added or changed after ``since`` (and after its first
        release), oldest change first."""
        found = [r for r in self.requirements if r.news is not None and r.news > since]
        return sorted(found, key=lambda r: (r.news, r.id))

    def get(self, rule_id: str) -> Requirement | None:
        for requirement in self.requirements:
            if requirement.id == rule_id:
                return requirement
        return None


def builtin_pack_ids() -> list[str]:
    """The IDs of the built-in packs."""
    return list(BUILTIN_PACKS)


def _escape(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def _kinds(entry: LocatedDict, where: Where) -> tuple[str, ...]:
    raw = entry.get("applies-to")
    values = raw if isinstance(raw, list) else [raw]
    if (
        not values
        or any(not isinstance(v, str) or v not in PACK_KINDS for v in values)
        or len(set(values)) != len(values)
    ):
        bad = next(
            (v for v in values if not isinstance(v, str) or v not in PACK_KINDS), raw
        )
        raise where.fail(
            entry.line_of("applies-to"),
            f"'applies-to' is {shown(bad)}{hint(str(bad), PACK_KINDS)}; allowed: "
            f"{', '.join(PACK_KINDS)} (one, or a list)",
        )
    return tuple(values)


def default_message(title: str) -> str:
    return "{id} does not meet the requirement '" + _escape(title) + "'."


def default_fix(kinds: Sequence[str], attested: bool, text: str) -> str:
    if attested:
        where = " and `:applies-to:` naming this tool" if kinds == ("tool",) else ""
        return (
            "Record the safeguard that meets it: an sm-control with `:satisfies: {rule}`"
            + where
            + "."
        )
    return "The requirement: " + _escape(" ".join(text.split()))


def _requirement(entry: Any, line: int, pack_id: str, path: str) -> Requirement:
    where = Where(path, "requirement")
    entry = expect_mapping(entry, line, where, "a requirement")
    rule = entry.get("id")
    if isinstance(rule, str) and ID_RE.match(rule):
        where = where.sub(f"requirement {rule}")
    check_keys(entry, where, _REQ_REQUIRED, _REQ_OPTIONAL, what="a requirement")
    if not isinstance(rule, str) or not ID_RE.match(rule):
        raise where.fail(
            entry.line_of("id"),
            f"'id' is {shown(rule)}; write the rule ID in capitals with underscores, e.g. "
            "MOD_PREMODERATION",
        )
    title = get_text(entry, "title", where)
    text = get_text(entry, "text", where)
    severity = entry.get("severity")
    if not isinstance(severity, str) or severity not in SEVERITIES:
        raise where.fail(
            entry.line_of("severity"),
            f"'severity' is {shown(severity)}; allowed: {', '.join(SEVERITIES)}",
        )
    source = get_text(entry, "source", where)
    theme = entry.get("theme")
    if not isinstance(theme, str) or theme not in THEMES:
        raise where.fail(
            entry.line_of("theme"),
            f"'theme' is {shown(theme)}{hint(str(theme), THEMES)}; allowed: "
            f"{', '.join(THEMES)}",
        )
    kinds = _kinds(entry, where)
    when = None
    if "when" in entry:
        when = compile_condition(
            entry["when"], entry.line_of("when"), kinds, where.sub(f"{where.label}, when")
        )
    check: Condition
    parts: tuple[Part, ...] = ()
    if "check" in entry and "parts" in entry:
        raise where.fail(
            entry.line_of("parts"),
            "a requirement has 'check' or 'parts', not both: with 'parts', its check is "
            "every part's check",
        )
    if "parts" in entry:
        parts = _parts(entry["parts"], entry.line_of("parts"), kinds, where)
        check = All(
            entry.line_of("parts"),
            [
                p.check if p.when is None else If(p.check.line, p.when, p.check)
                for p in parts
            ],
        )
    elif "check" in entry:
        check = compile_condition(
            entry["check"],
            entry.line_of("check"),
            kinds,
            where.sub(f"{where.label}, check"),
        )
    else:
        check = Attested(entry.line)
    if "message" in entry:
        message_text = get_text(entry, "message", where)
    elif parts:
        message_text = ""  # the failing parts say it
    else:
        message_text = default_message(title)
    fix_text = (
        get_text(entry, "fix", where)
        if "fix" in entry
        else default_fix(kinds, "check" not in entry, text)
    )
    message = compile_template(
        message_text,
        kinds,
        where,
        entry.line_of("message") if "message" in entry else entry.line,
        "message",
    )
    fix = compile_template(
        fix_text,
        kinds,
        where,
        entry.line_of("fix") if "fix" in entry else entry.line,
        "fix",
    )
    return Requirement(
        id=rule,
        title=title,
        text=text,
        severity=severity,
        source=source,
        theme=theme,
        applies_to=kinds,
        when=when,
        check=check,
        message=message,
        fix=fix,
        pack=pack_id,
        path=path,
        line=entry.line,
        when_data=to_plain(entry["when"]) if "when" in entry else None,
        added=get_date(entry, "added", where) if "added" in entry else None,
        checked_on=get_date(entry, "checked-on", where) if "checked-on" in entry else None,
        verified=get_bool(entry, "verified", where) if "verified" in entry else True,
        changed=get_date(entry, "changed", where) if "changed" in entry else None,
        check_data=(
            to_plain(entry["check"])
            if "check" in entry
            else {"parts": to_plain(entry["parts"])}
            if "parts" in entry
            else None
        ),
        parts=parts,
    )


def _parts(value: Any, line: int, kinds: tuple[str, ...], where: Where) -> tuple[Part, ...]:
    entries = expect_list(value, line, where, "'parts'")
    if not entries:
        raise where.fail(line, "'parts' needs one or more parts: check, message, fix")
    out: list[Part] = []
    for index, raw in enumerate(entries):
        at = entries.line_of(index)
        sub = where.sub(f"{where.label}, part {index + 1}")
        part = expect_mapping(raw, at, sub, "a part")
        check_keys(part, sub, ("check", "message"), ("when", "fix"), what="a part")
        when = (
            compile_condition(part["when"], part.line_of("when"), kinds, sub)
            if "when" in part
            else None
        )
        check = compile_condition(part["check"], part.line_of("check"), kinds, sub)
        message = compile_template(
            get_text(part, "message", sub), kinds, sub, part.line_of("message"), "message"
        )
        fix = (
            compile_template(
                get_text(part, "fix", sub), kinds, sub, part.line_of("fix"), "fix"
            )
            if "fix" in part
            else None
        )
        out.append(Part(check=check, message=message, fix=fix, when=when))
    return tuple(out)


def _load(path: Path) -> Pack:
    spath = str(path)
    where = Where(spath, "")
    data = load_yaml(path)
    if data is None:
        raise where.fail(None, "the file is empty; a pack has " + ", ".join(_PACK_REQUIRED))
    top = expect_mapping(data, line_of(data, 1), where, "a guidance pack")
    check_keys(top, where, _PACK_REQUIRED, _PACK_OPTIONAL, what="a pack")
    pack_id = top.get("pack")
    if not isinstance(pack_id, str) or not PACK_ID_RE.match(pack_id):
        raise where.fail(
            top.line_of("pack"),
            f"'pack' is {shown(pack_id)}; write the pack ID in lower case with hyphens, "
            "e.g. kent-2010",
        )
    title = get_text(top, "title", where)
    source = get_text(top, "source", where)
    version = get_text(top, "version", where)
    description = get_text(top, "description", where) if "description" in top else ""
    entries = expect_list(
        top["requirements"], top.line_of("requirements"), where, "'requirements'"
    )
    if not entries:
        raise where.fail(
            top.line_of("requirements"), "'requirements' is empty; a pack has at least one"
        )
    requirements: list[Requirement] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(entries):
        requirement = _requirement(entry, entries.line_of(index), pack_id, spath)
        if requirement.id in seen:
            raise PackError(
                spath,
                requirement.line,
                f"requirement {requirement.id} appears twice in this pack (first at line "
                f"{seen[requirement.id]}); give each requirement its own ID",
            )
        seen[requirement.id] = requirement.line
        requirements.append(requirement)
    first_released = (
        get_date(top, "first-released", where) if "first-released" in top else None
    )
    dated: list[Requirement] = []
    for requirement in requirements:
        if (
            requirement.changed
            and requirement.added
            and requirement.changed < requirement.added
        ):
            raise PackError(
                spath,
                requirement.line,
                f"requirement {requirement.id}: 'changed' ({requirement.changed}) is "
                f"before 'added' ({requirement.added})",
            )
        news = requirement.changed
        if news is None and requirement.added is not None:
            if first_released is None or requirement.added > first_released:
                news = requirement.added
        dated.append(replace(requirement, news=news))
    return Pack(
        id=pack_id,
        title=title,
        source=source,
        version=version,
        path=path,
        requirements=tuple(dated),
        description=description,
        first_released=first_released,
        line=top.line_of("pack"),
    )


@functools.lru_cache(maxsize=32)
def _load_cached(path: Path, mtime_ns: int, size: int) -> Pack:
    return _load(path)


def load_pack(path: Path | str) -> Pack:
    """Load and check one pack file (cached while the file is unchanged).

    :raises PackError: the file is missing or malformed (file, line, what is wrong).
    """
    path = Path(path)
    try:
        stat = path.stat()
        resolved = path.resolve()
    except FileNotFoundError:
        raise PackError(str(path), None, "the guidance pack file does not exist") from None
    except (OSError, ValueError, RuntimeError) as exc:
        reason = getattr(exc, "strerror", None) or exc
        raise PackError(
            str(path),
            None,
            f"the guidance pack file cannot be read ({reason}); check its name in "
            "sm_guidance",
        ) from None
    return _load_cached(resolved, stat.st_mtime_ns, stat.st_size)


def _is_path(name: str) -> bool:
    return name.endswith((".yaml", ".yml")) or "/" in name or "\\" in name


def merge_packs(packs: Iterable[Pack]) -> list[Pack]:
    """Packs with each rule ID kept once: the first pack keeps it (recording the
    other packs' sources in :attr:`Requirement.also`); later packs list it in
    :attr:`Pack.shared`."""
    packs = list(packs)
    first: dict[str, tuple[int, int]] = {}
    also: dict[str, list[tuple[str, str]]] = {}
    keep: list[list[Requirement]] = []
    shared: list[list[str]] = []
    for p_index, pack in enumerate(packs):
        kept: list[Requirement] = []
        dropped: list[str] = []
        for requirement in pack.requirements:
            if requirement.id in first:
                also.setdefault(requirement.id, []).append((pack.id, requirement.source))
                dropped.append(requirement.id)
            else:
                first[requirement.id] = (p_index, len(kept))
                kept.append(requirement)
        keep.append(kept)
        shared.append(dropped)
    out = []
    for p_index, pack in enumerate(packs):
        requirements = tuple(
            replace(r, also=tuple(also[r.id])) if r.id in also else r for r in keep[p_index]
        )
        out.append(replace(pack, requirements=requirements, shared=tuple(shared[p_index])))
    return out


def resolve_packs(
    names_or_paths: Sequence[str],
    base_dir: Path | str,
    *,
    errors: list[PackError] | None = None,
) -> list[Pack]:
    """The packs ``sm_guidance`` names, in order, merged (see :func:`merge_packs`).

    Each entry is a built-in pack ID (:func:`builtin_pack_ids`) or the path of a YAML
    file, relative to ``base_dir`` (the folder of conf.py). A pack listed twice is
    used once.

    :param errors: when given, a pack that fails is appended here as its
        :class:`PackError` and the rest are still loaded; otherwise the first error
        is raised.
    :raises PackError: an unknown pack ID, a missing file or a malformed pack.
    """
    base = Path(base_dir)
    packs: list[Pack] = []
    for name in names_or_paths:
        try:
            if name in BUILTIN_PACKS:
                pack = load_pack(BUILTIN_PACKS[name])
            elif _is_path(name):
                pack = load_pack(base / name)
            else:
                raise PackError(
                    str(base / "conf.py"),
                    None,
                    f"sm_guidance names {name!r}, which is not a built-in guidance pack"
                    f"{hint(name, BUILTIN_PACKS)} and not a .yaml file; built-in packs: "
                    + ", ".join(BUILTIN_PACKS),
                )
            other = next((p for p in packs if p.id == pack.id), None)
            if other is not None:
                if other.path == pack.path:
                    continue
                raise PackError(
                    str(pack.path),
                    pack.line or None,
                    f"the pack ID {pack.id!r} is already used by {other.path}; give each "
                    "pack its own 'pack:' ID",
                )
            packs.append(pack)
        except PackError as error:
            if errors is None:
                raise
            errors.append(error)
    return merge_packs(packs)


def requirements_of(packs: Iterable[Pack]) -> list[Requirement]:
    """Every requirement of ``packs`` in order (merge them first)."""
    return [r for pack in packs for r in pack.requirements]


def pack_files(packs: Iterable[Pack]) -> list[Path]:
    """The files the packs were read from (for ``env.note_dependency``)."""
    return [pack.path for pack in packs]


def local_requirement(item: Item) -> Requirement:
    """An ``sm-requirement`` item as a requirement on the policy, met by a control
    that names it in ``:satisfies:``."""
    where = Where(item.source, f"sm-requirement {item.id}")
    title = item.title or item.id
    severity = item.fields.get("severity") or "should"
    if severity not in SEVERITIES:  # pragma: no cover - validated by the directive
        severity = "should"
    message = (
        "The policy's own requirement {rule} ('" + _escape(title) + "') has no safeguard "
        "recorded as meeting it."
    )
    fix = "Add an sm-control that meets it, with `:satisfies: {rule}`."
    kinds = ("policy",)
    return Requirement(
        id=item.id,
        title=title,
        text=item.content.strip() or title,
        severity=severity,
        source=item.fields.get("source") or "this policy",
        theme="other",
        applies_to=kinds,
        check=Attested(item.line),
        message=compile_template(message, kinds, where, item.line, "message"),
        fix=compile_template(fix, kinds, where, item.line, "fix"),
        pack="local",
        path=item.source,
        line=item.line,
    )


def local_requirements(policy: Policy) -> list[Requirement]:
    """The policy's ``sm-requirement`` items as requirements (source order)."""
    return [local_requirement(item) for item in policy.of_kind("requirement")]
