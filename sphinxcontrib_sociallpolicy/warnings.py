"""The catalogue of warning subtypes, and the one helper that logs them.

Every message the extension prints is a Sphinx warning of type ``sm`` with a subtype
listed here (input errors) or the lower-case rule ID of a guidance requirement
(findings, e.g. ``sm.mod_premoderation``), and a location. Projects silence them with
``suppress_warnings = ["sm.option"]`` (one subtype) or ``["sm"]`` (all).
"""

from __future__ import annotations

import enum
from typing import Any

from sphinx.util import logging

logger = logging.getLogger("sphinxcontrib_sociallpolicy")

WARNING_TYPE = "sm"


class SmWarning(enum.Enum):
    """Input-error subtypes. Each value's docstring is the reference text."""

    OPTION = "option"
    LINK = "link"
    GUIDANCE = "guidance"
    CONFIG = "config"
    DUPLICATE = "duplicate"

    @property
    def help(self) -> str:
        return _HELP[self]


_HELP = {
    SmWarning.OPTION: (
        "An option of an item directive has a value that is not allowed, or a required "
        "option is missing. The message names the option, the value and what is "
        "allowed. The rest of the item is kept. Also a tool's ``:platform:`` that is not "
        "in the platform catalogue (with the closest names), and a ``:status:`` other "
        "than draft or adopted on a tool, safeguard, risk or document (the item is then "
        "treated as a draft). Also invisible control characters (BEL, ESC, DEL and "
        "the like) in a title, an option or the text: they are removed, and the "
        "warning names them; a date outside the years 1900 to 2199; a title "
        "longer than 120 characters (the PDF's tables and headings show it "
        "shortened); and, in a PDF build with pdflatex, characters it cannot show "
        "(emoji, Chinese, Arabic ...), which the PDF shows as [U+...]. Also an override "
        "of a trust-base item (``:replaces:``) without ``:override-reason:``."
    ),
    SmWarning.LINK: (
        "A link option (``:applies-to:``, ``:satisfies:``, ``:affects:``, "
        "``:mitigated-by:``, ``:covers:``) or a waiver names an item that does not "
        "exist, or one of the wrong kind. Also a link anywhere in the policy to "
        "something other than a web address (http, https), an email address (mailto), "
        "a phone number (tel) or a page of the site, such as a ``javascript:`` link: "
        "it is shown as text and links nowhere. Also a ``:replaces:`` that names no "
        "item of the trust base (``sm_base``), an item of another kind, or a base "
        "item another item already replaces."
    ),
    SmWarning.GUIDANCE: (
        "A guidance pack file cannot be read: the warning is at the file and line, "
        "and says what is wrong (a pack that does not exist is reported at the line of "
        "``sm_guidance`` in conf.py). The rest of the packs are still used."
    ),
    SmWarning.CONFIG: (
        "A ``sm_*`` setting in conf.py has a value that is not allowed; the default is "
        "used instead (or the value it plainly means: ``'MUST'`` is read as "
        "``'must'``). Also an ``sm_`` name that is no setting (``sm_guidence``: "
        "with the setting it probably means), a clash with the project's own "
        "sphinx-needs settings, ``sm_disable`` naming a rule that cannot be switched off "
        "(``DRAFT_PENDING``, ``CTRL_NO_SUBSTANCE``), and a platform catalogue file in "
        "``sm_platforms`` that cannot be read (at its file and line). With a trust "
        "base (``sm_base``): a ``base.yaml`` that cannot be used (at its file and "
        "line), ``sm_disable`` naming a requirement of the base (it still applies), "
        "a shared chapter no page includes, and ``sm-base-chapter`` naming a file "
        "the base does not have. The warning is at "
        "the setting's line in conf.py; a value given with ``-D`` on the command line "
        "has no file, and the message says so."
    ),
    SmWarning.DUPLICATE: (
        "Something that must be unique is not: a second ``sm-policy``, a second "
        "``sm-guidance``, two items with the same ID, or one shared chapter of the "
        "trust base included twice on a page."
    ),
}


def finding_subtype(rule_id: str) -> str:
    """The warning subtype of a finding of ``rule_id``: its lower-case ID."""
    return rule_id.lower()


def warn(
    subtype: SmWarning | str,
    message: str,
    location: Any,
) -> None:
    """Log one ``sm`` warning at ``location`` (a node, ``(docname, line)`` or a path).

    ``subtype`` is an input-error :class:`SmWarning` or a finding's subtype.
    """
    name = subtype.value if isinstance(subtype, SmWarning) else subtype
    logger.warning(message, type=WARNING_TYPE, subtype=name, location=location)


def info(message: str, location: Any) -> None:
    """Log a finding below ``sm_fail_on``: shown, never a warning."""
    logger.info(message, location=location)
