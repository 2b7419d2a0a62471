"""The ``sm_*`` settings, declared once.

Each :class:`Setting` has its type, default, help text and rebuild flag; registration
(``app.add_config_value``), validation at ``config-inited`` and the reference table in
the docs are all generated from :data:`SETTINGS`. Read settings through
:func:`get_config`, never ``app.config.sm_x`` scattered around.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config

from .options import DATE_RE, ID_RE, ISO_COUNTRIES, country_problem, date_problem
from .schema import SEVERITIES
from .warnings import SmWarning, warn


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    types: str  # for the docs: what the value is
    help: str
    rebuild: str
    #: returns the problem with a value, or None
    check: Callable[[Any], str | None]
    #: the value a bad one plainly means (``'MUST'`` for ``'must'``), or None
    repair: Callable[[Any], Any] = lambda value: None


def _list_of_str(value: Any) -> str | None:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        return "must be a list of strings"
    return None


def _rule_ids(value: Any) -> str | None:
    if problem := _list_of_str(value):
        return problem
    bad = [v for v in value if not ID_RE.match(v)]
    if bad:
        return "has " + ", ".join(map(repr, bad)) + ", not rule IDs like MOD_PREMODERATION"
    return None


def _country(value: Any) -> str | None:
    if not isinstance(value, str):
        return "must be a two-letter country code in capitals, e.g. 'GB'"
    problem = country_problem(value)
    if problem and "write" not in problem and "e.g." not in problem:
        problem += ", e.g. 'GB'"
    return problem


def _today(value: Any) -> str | None:
    if value is None:
        return None
    date: dt.date | None = None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        date = value
    elif isinstance(value, str) and DATE_RE.match(value):
        try:
            date = dt.date.fromisoformat(value)
        except ValueError:
            pass
    if date is None:
        return "must be a date written 'YYYY-MM-DD', or None for the build date"
    return date_problem(date)


def _severity(value: Any) -> str | None:
    if value not in SEVERITIES:
        return "must be one of " + ", ".join(repr(s) for s in SEVERITIES)
    return None


def _path_or_none(value: Any) -> str | None:
    if value is None or (isinstance(value, str) and value.strip() and "\0" not in value):
        return None
    return "must be the path of the base folder, e.g. '../trust-base', or None"


def _bool(value: Any) -> str | None:
    return None if isinstance(value, bool) else "must be True or False"


def _same_but_case(value: Any, allowed: tuple[str, ...]) -> Any:
    """The allowed value ``value`` differs from only in case, or None."""
    if isinstance(value, str):
        for candidate in allowed:
            if candidate.lower() == value.strip().lower():
                return candidate
    return None


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "sm_guidance",
        ["kent-2010"],
        "list of pack IDs or paths",
        "The guidance packs the policy is checked against: built-in pack IDs "
        "(``kent-2010``, ``uk-online-safety``) or paths to YAML pack files, relative "
        "to the folder of conf.py.",
        "env",
        _list_of_str,
    ),
    Setting(
        "sm_disable",
        [],
        "list of rule IDs",
        "Requirement IDs switched off. They are still listed in the compliance "
        "table, as disabled.",
        "env",
        _rule_ids,
    ),
    Setting(
        "sm_platforms",
        [],
        "list of paths",
        "Extra platform catalogue files (YAML) that add platforms or override "
        "built-in entries by ID, relative to the folder of conf.py.",
        "env",
        _list_of_str,
    ),
    Setting(
        "sm_country",
        "GB",
        "two-letter country code",
        "The country used when ``sm-policy`` gives no ``:country:``; it selects "
        "the platforms' minimum ages.",
        "env",
        _country,
        lambda value: _same_but_case(value, tuple(sorted(ISO_COUNTRIES))),
    ),
    Setting(
        "sm_today",
        None,
        "date 'YYYY-MM-DD' or None",
        "The date used for review and expiry checks. None: the build date "
        "(``SOURCE_DATE_EPOCH`` is honoured, for reproducible builds).",
        "env",
        _today,
    ),
    Setting(
        "sm_fail_on",
        "must",
        "'must', 'should' or 'may'",
        "The lowest severity reported as a Sphinx warning; findings of lower "
        "severity are printed as information only. With ``-W`` a warning fails "
        "the build.",
        "env",
        _severity,
        lambda value: _same_but_case(value, SEVERITIES),
    ),
    Setting(
        "sm_base",
        None,
        "path or None",
        "The folder of the trust or local-authority base this policy builds on "
        "(relative to the folder of conf.py), holding a ``base.yaml`` manifest. Its "
        "guidance packs and catalogue files apply in addition to the school's own, "
        "its requirements cannot be switched off, and its shared chapters are "
        "included with ``sm-base-chapter``. See :doc:`/howto/trust-base`.",
        "env",
        _path_or_none,
    ),
    Setting(
        "sm_reports",
        True,
        "bool",
        "Write ``sm-report.json`` and ``sm-junit.xml`` into the output folder.",
        "",
        _bool,
    ),
)


@dataclass(frozen=True)
class SmConfig:
    """The validated settings of one build."""

    guidance: tuple[str, ...]
    disable: frozenset[str]
    platforms: tuple[str, ...]
    country: str
    today: dt.date
    fail_on: str
    reports: bool
    confdir: Path
    #: the trust base folder (absolute), or None
    base: Path | None = None


def build_date() -> dt.date:
    """Today, or the date of ``SOURCE_DATE_EPOCH`` when it is set."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and re.fullmatch(r"[0-9]{1,12}", epoch.strip()):
        try:
            return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
        except (OverflowError, OSError, ValueError):  # beyond what the system dates
            pass
    return dt.date.today()


def setting_location(confdir: Path, name: str, config: Config | None = None) -> Any:
    """Where ``name`` is set, for a warning: ``"conf.py:N"`` at its line in conf.py
    (line 1 when conf.py sets it some other way), or None when it was given with
    ``-D`` on the command line (no file holds it)."""
    if config is not None and name in config.overrides:
        return None
    conf = confdir / "conf.py"
    try:
        text = conf.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    pattern = re.compile(rf"\s*{re.escape(name)}\s*[+]?=")
    lines = [n for n, line in enumerate(text.splitlines(), 1) if pattern.match(line)]
    # the last assignment is the one Python keeps
    return f"{conf}:{lines[-1] if lines else 1}"


def _given(config: Config, name: str) -> str:
    """How a setting was given, for a message about it."""
    return " (given with -D on the command line)" if name in config.overrides else ""


def validate_config(app: Sphinx, config: Config) -> None:
    """``config-inited``: replace each bad ``sm_*`` value by the value it plainly means
    or by its default, with an ``sm.config`` warning at its line in conf.py; and warn
    about ``sm_`` names that are no setting (a misspelling is otherwise ignored)."""
    confdir = Path(app.confdir)
    for setting in SETTINGS:
        value = getattr(config, setting.name)
        if isinstance(value, tuple) and isinstance(setting.default, list):
            value = list(value)
            setattr(config, setting.name, value)
        problem = setting.check(value)
        if problem:
            repaired = setting.repair(value)
            used = setting.default if repaired is None else repaired
            warn(
                SmWarning.CONFIG,
                f"{setting.name} = {value!r}{_given(config, setting.name)} {problem}; "
                f"using {'the default ' if repaired is None else ''}{used!r}"
                + (" (the build date)" if used is None else ""),
                setting_location(confdir, setting.name, config),
            )
            setattr(config, setting.name, used)
    check_unknown_settings(app, config)


def check_unknown_settings(app: Sphinx, config: Config) -> None:
    """An ``sm_`` name in conf.py that is no setting (``sm_guidence``) would be
    ignored without a word: warn, with the setting it probably means."""
    import difflib

    known = [setting.name for setting in SETTINGS]
    raw = getattr(config, "_raw_config", {})
    for name in sorted(n for n in raw if isinstance(n, str) and n.startswith("sm_")):
        if name in known:
            continue
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        hint = f"did you mean {close[0]}? " if close else ""
        warn(
            SmWarning.CONFIG,
            f"{name} is not a setting of sphinxcontrib-sociallpolicy and is ignored; "
            f"{hint}the settings are {', '.join(known)}",
            setting_location(Path(app.confdir), name),
        )


def get_config(app: Sphinx) -> SmConfig:
    """The validated settings (read once per call; cheap)."""
    config = app.config
    today = config.sm_today
    if today is None:
        today = build_date()
    elif isinstance(today, str):
        today = dt.date.fromisoformat(today)
    return SmConfig(
        guidance=tuple(config.sm_guidance),
        disable=frozenset(config.sm_disable),
        platforms=tuple(config.sm_platforms),
        country=config.sm_country,
        today=today,
        fail_on=config.sm_fail_on,
        reports=bool(config.sm_reports),
        confdir=Path(app.confdir),
        base=(Path(app.confdir) / config.sm_base).resolve() if config.sm_base else None,
    )


def setup_config(app: Sphinx) -> None:
    for setting in SETTINGS:
        # types=Any: our own check gives the one, located sm.config warning
        app.add_config_value(
            setting.name,
            setting.default,
            setting.rebuild,  # type: ignore[arg-type]
            types=Any,
            description=setting.help,
        )
    app.connect("config-inited", validate_config, priority=100)
