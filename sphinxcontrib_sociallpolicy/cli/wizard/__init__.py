"""The machinery of ``sociallpolicy new``: answers (:mod:`.answers`), the derived
plan (:mod:`.derive`), safe reStructuredText (:mod:`.rst`) and the project's files
(:mod:`.project`)."""

from __future__ import annotations

from .answers import AnswerError, Answers, ToolAnswers, parse_answers
from .derive import Plan, make_plan
from .project import project_files

__all__ = [
    "AnswerError",
    "Answers",
    "Plan",
    "ToolAnswers",
    "make_plan",
    "parse_answers",
    "project_files",
]
