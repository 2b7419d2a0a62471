"""The guidance engine: packs, platform catalogue, condition language, evaluation.

Pure Python, no Sphinx imports: the Sphinx layer calls it with a
:class:`~sphinxcontrib_sociallpolicy.model.Policy` and turns the result into warnings,
tables and reports. Typical use::

    from sphinxcontrib_sociallpolicy import guidance

    errors: list[guidance.PackError] = []
    packs = guidance.resolve_packs(config.guidance, config.confdir, errors=errors)
    catalogue = guidance.load_catalogue([config.confdir / p for p in config.platforms])
    result = guidance.evaluate(
        policy,
        guidance.requirements_of(packs),
        catalogue,
        country=config.country,
        today=config.today,
        disabled=config.disable,
    )
    result.findings   # list[Finding], sorted by source, line, rule, item
    result.results    # one Result per requirement x item: met / open / waived / ...
    files = guidance.pack_files(packs) + catalogue.paths   # env.note_dependency

Modules: :mod:`.loader` (safe YAML with line numbers), :mod:`.checks` (schema-check
helpers), :mod:`.packs` (the pack format, loading, merging), :mod:`.conditions` (the
condition language, documented there), :mod:`.fields` (what conditions can name, and
the evaluation context), :mod:`.templates` (messages), :mod:`.platforms` (the
catalogue), :mod:`.engine` (evaluation, waivers, coverage).
"""

from __future__ import annotations

from ..model import Result
from .conditions import OPERATORS, Condition, compile_condition
from .engine import (
    DRAFT_RULE,
    DRIFT_RULE,
    ENGINE_RULE_IDS,
    ENGINE_RULES,
    POLICY_COLUMN,
    RESULT_STATUSES,
    SUBSTANCE_RULE,
    Evaluation,
    evaluate,
    finding_order,
)
from .errors import PackError, PlatformError
from .fields import PACK_KINDS, Context
from .loader import load_yaml
from .packs import (
    BUILTIN_PACKS,
    THEMES,
    Pack,
    Requirement,
    builtin_pack_ids,
    load_pack,
    local_requirements,
    merge_packs,
    pack_files,
    requirements_of,
    resolve_packs,
)
from .platforms import BUILTIN_CATALOGUE, CATEGORIES, Catalogue, Platform, load_catalogue
from .templates import Template

__all__ = [
    "DRAFT_RULE",
    "DRIFT_RULE",
    "ENGINE_RULE_IDS",
    "POLICY_COLUMN",
    "SUBSTANCE_RULE",
    "finding_order",
    "BUILTIN_CATALOGUE",
    "BUILTIN_PACKS",
    "CATEGORIES",
    "ENGINE_RULES",
    "OPERATORS",
    "PACK_KINDS",
    "RESULT_STATUSES",
    "THEMES",
    "Catalogue",
    "Condition",
    "Context",
    "Evaluation",
    "Pack",
    "PackError",
    "Platform",
    "PlatformError",
    "Requirement",
    "Result",
    "Template",
    "builtin_pack_ids",
    "compile_condition",
    "evaluate",
    "load_catalogue",
    "load_pack",
    "load_yaml",
    "local_requirements",
    "merge_packs",
    "pack_files",
    "requirements_of",
    "resolve_packs",
]
