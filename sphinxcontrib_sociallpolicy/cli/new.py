"""``sociallpolicy new DIR``: write a complete, buildable policy project for a school.

Answers come from an answers file (``--answers``, YAML), from flags (which override
the file), and - unless ``--no-input`` (``--yes``) is given - from questions for
whatever is still missing, read from standard input: a terminal, or answers piped
in, one a line (the end of the input leaves every answer after it blank). Every
answer is validated the same way whichever way it comes; a bad answer to a question
is explained and asked again, a bad answer in the file or a flag is exit 2 with one
line naming the key.

The wizard then derives the set-up, risks, safeguards and school documents
(:mod:`.wizard.derive`) and writes the project (:mod:`.wizard.project`). What it
derives is a suggestion, written ``:status: draft`` - counting for nothing in the
check - unless the school adopts it: ``adopt-suggestions: {by: NAME, on: DATE}`` in
the answers adopts them all; a run that asks questions ends with a review of each
(adopt, or leave as a draft). It refuses a folder that is not empty, and never
overwrites a file, unless ``--force`` is given; it never writes through a link
(symlink) or outside the folder, even with ``--force``. Facts the answers do not give (a
name, a date, the pupils' ages) are left out, never invented: the "still to supply"
list it prints (and writes on the first page and in the README) names each, and
every draft with its file; ``sociallpolicy check`` reports them as findings.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from ..config import build_date
from ..schema import AUDIENCES, LAWFUL_BASES, PHASES, PURPOSES
from . import EXIT_OK, UsageError
from .paths import nearest_existing, os_reason
from .wizard import answers as A
from .wizard.answers import Adoption, AnswerError, Answers, ToolAnswers
from .wizard.derive import Item, Plan, default_audience, default_purpose, make_plan
from .wizard.project import BaseLink, project_files

#: flag -> (answers key, validator); people and training are nested keys
TOP_FLAGS: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "school": ("school", A.text),
    "phase": ("phase", A.choice(PHASES)),
    "pupil_ages": ("pupil-ages", A.age_range),
    "country": ("country", A.country),
    "email_domains": ("email-domains", A.domains),
    "guidance": ("guidance", A.guidance_list),
    "approved_on": ("approved-on", A.date),
    "review_cycle": ("review-cycle", A.months),
}
PEOPLE_FLAGS = (
    "headteacher",
    "owner",
    "dsl",
    "governing-body",
    "network-manager",
    "governor",
)
TRAINING_FLAGS = {
    "staff": "staff-training",
    "pupils": "pupil-training",
    "parents": "parent-training",
}
#: ``last-done:`` key -> flag
LAST_DONE_FLAGS = {
    "follower-audit": "last-follower-audit",
    "access-review": "last-access-review",
    "filtering-monitoring-review": "last-filtering-monitoring-review",
    "image-audit": "last-image-audit",
    "audience-consultation": "last-audience-consultation",
}


class ToolFlag(argparse.Action):
    """``--tool`` and ``--tool-fact`` in the order given, in one list of
    ``(flag, value)``: a fact belongs to the ``--tool`` before it."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        given = list(getattr(namespace, self.dest, None) or [])
        given.append((self.const, values))
        setattr(namespace, self.dest, given)


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "new",
        help="write a new policy project for a school",
        description=(
            "Write a complete social-media policy project for a school in DIR: "
            "conf.py, index.rst, the chapters, a README and a CI workflow. Answers "
            "come from --answers FILE (YAML), from the flags below (which override "
            "the file) and from questions for the rest, on a terminal or piped on "
            "standard input, one answer a line. Facts not given are left out and "
            "reported by 'sociallpolicy check', never invented; what the wizard "
            "suggests is written as a draft until the school adopts it "
            "(adopt-suggestions in the answers, or the review at the end of the "
            "questions). DIR must be empty unless --force is given."
        ),
    )
    parser.add_argument("dir", metavar="DIR", help="the folder to write the project in")
    parser.add_argument(
        "--answers", metavar="FILE", help="a YAML answers file (see the documentation)"
    )
    parser.add_argument(
        "--base",
        metavar="DIR",
        help="the trust's or local authority's base folder (with base.yaml): its "
        "default answers are used where the school's answers and flags give none; "
        "conf.py names the base (sm_base) and a chapter includes its shared chapters",
    )
    parser.add_argument(
        "--no-input",
        "--yes",
        "-y",
        dest="no_input",
        action="store_true",
        help="ask nothing and read nothing from standard input: use the answers and "
        "flags given; what they leave out stays out, and every suggestion is a draft "
        "unless the answers say adopt-suggestions",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="write into a folder that is not empty, overwriting files",
    )
    facts = parser.add_argument_group("answers (override the answers file)")
    facts.add_argument("--school", metavar="NAME", help="the school's name")
    facts.add_argument("--phase", metavar="PHASE", help="one of " + ", ".join(PHASES))
    facts.add_argument("--pupil-ages", metavar="AGES", help="youngest-oldest, e.g. 4-11")
    facts.add_argument(
        "--country", metavar="CC", help="two-letter country code (default GB)"
    )
    facts.add_argument(
        "--email-domains", metavar="DOMAINS", help="comma-separated, e.g. oakfield.sch.uk"
    )
    facts.add_argument(
        "--guidance",
        metavar="PACKS",
        help="comma-separated pack IDs (default kent-2010,uk-online-safety)",
    )
    for key in PEOPLE_FLAGS:
        facts.add_argument(f"--{key}", metavar="NAME", help=A.PEOPLE[key])
    facts.add_argument("--approved-on", metavar="DATE", help="policy approval, YYYY-MM-DD")
    facts.add_argument(
        "--review-cycle", metavar="MONTHS", help="months between reviews (default 12)"
    )
    for key, flag in TRAINING_FLAGS.items():
        facts.add_argument(
            f"--{flag}", metavar="DATE", help=f"date of the last {A.TRAINING[key]}"
        )
    for key, flag in LAST_DONE_FLAGS.items():
        facts.add_argument(
            f"--{flag}", metavar="DATE", help=f"date of the last {A.LAST_DONE[key]}"
        )
    facts.add_argument(
        "--adopt-suggestions-by",
        metavar="NAME",
        help="adopt every suggestion of the wizard for the school, in this person's "
        "name (with --adopt-suggestions-on; as adopt-suggestions in the answers)",
    )
    facts.add_argument(
        "--adopt-suggestions-on",
        metavar="DATE",
        help="the date the suggestions are adopted (with --adopt-suggestions-by)",
    )
    facts.add_argument(
        "--tool",
        action=ToolFlag,
        const="tool",
        dest="tool",
        default=[],
        metavar="PLATFORM[:AUDIENCE[:PURPOSE]]",
        help="a tool to approve (repeatable; replaces the answers file's tools), e.g. "
        "facebook:parents:announcements or "
        "learning-platform:pupils,parents:showcase,discussion",
    )
    facts.add_argument(
        "--tool-fact",
        action=ToolFlag,
        const="fact",
        dest="tool",
        metavar="OPTION=VALUE",
        help="a fact about the --tool before it, with an sm-tool option name "
        "(repeatable), e.g. dpia-on=2026-08-20, lawful-basis=public-task, "
        "pupil-images=none",
    )
    parser.set_defaults(run=run)


# --- answers from the file and the flags -------------------------------------------


def load_answers_file(path: str) -> Answers:
    """Read and validate an answers file; any problem is one-line UsageError,
    ``path:line: what is wrong`` (the line where it is known)."""
    try:
        return A.read_answers_file(path)
    except A.AnswersFileError as error:
        raise UsageError(str(error)) from None


def parse_tool_flag(value: str) -> ToolAnswers:
    parts = value.split(":")
    if len(parts) > 3:
        raise AnswerError(
            f"{value!r} has too many ':'; write PLATFORM[:AUDIENCE[:PURPOSE]]"
        )
    tool = ToolAnswers(platform=A.platform_id(parts[0]))
    if len(parts) > 1 and parts[1].strip():
        tool.audience = A.choices(AUDIENCES)(parts[1])
    if len(parts) > 2 and parts[2].strip():
        tool.purpose = A.choices(PURPOSES)(parts[2])
    return tool


def parse_tool_fact(tool: ToolAnswers) -> Callable[[Any], tuple[str, Any]]:
    """The validator of ``--tool-fact OPTION=VALUE`` for ``tool``: a fact an answers
    file could state for it, checked the same way."""

    def check(value: Any) -> tuple[str, Any]:
        key, sep, fact = str(value).partition("=")
        key = key.strip()
        if not sep or not key:
            raise AnswerError(
                f"{value!r} is not OPTION=VALUE; write e.g. dpia-on=2026-08-20"
            )
        if key not in A.TOOL_EXTRA:
            known = tuple(A.TOOL_EXTRA)
            close = difflib.get_close_matches(key, known, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise AnswerError(
                f"{key!r} is not a fact a tool can state{hint}; known: " + ", ".join(known)
            )
        try:
            out = A.TOOL_EXTRA[key](fact)
            if key == "account":
                out = A.account_of(tool.platform)(out)
        except AnswerError as error:
            raise AnswerError(f"{key}: {error}") from None
        return key, out

    return check


def apply_flags(answers: Answers, args: argparse.Namespace) -> None:
    def flag(name: str, value: Any, check: Callable[[Any], Any]) -> Any:
        try:
            return check(value)
        except AnswerError as error:
            raise UsageError(f"--{name}: {error}") from None

    for dest, (key, check) in TOP_FLAGS.items():
        value = getattr(args, dest, None)
        if value is not None:
            setattr(answers, dest, flag(key, value, check))
            answers.given.add(key)
    for key in PEOPLE_FLAGS:
        value = getattr(args, key.replace("-", "_"), None)
        if value is not None:
            check = A.text if key in A.BODIES else A.person
            answers.people[key] = flag(key, value, check)
    for key, name in TRAINING_FLAGS.items():
        value = getattr(args, name.replace("-", "_"), None)
        if value is not None:
            answers.training[key] = flag(name, value, A.date)
    for key, name in LAST_DONE_FLAGS.items():
        value = getattr(args, name.replace("-", "_"), None)
        if value is not None:
            answers.last_done[key] = flag(name, value, A.date)
    by, on = args.adopt_suggestions_by, args.adopt_suggestions_on
    if by is not None or on is not None:
        if by is None or on is None:
            raise UsageError(
                "--adopt-suggestions-by and --adopt-suggestions-on go together: give "
                "who adopts the suggestions and the date"
            )
        answers.adopt = A.Adoption(
            by=flag("adopt-suggestions-by", by, A.person),
            on=flag("adopt-suggestions-on", on, A.date),
        )
        answers.given.add("adopt-suggestions")
    if args.tool:
        tools: list[ToolAnswers] = []
        for kind, value in args.tool:
            if kind == "tool":
                tools.append(flag("tool", value, parse_tool_flag))
            elif not tools:
                raise UsageError(
                    f"--tool-fact {value}: give it after the --tool it is about"
                )
            else:
                key, fact = flag("tool-fact", value, parse_tool_fact(tools[-1]))
                tools[-1].extra[key] = fact
        if not tools:
            raise UsageError("--tool-fact without a --tool: name the tool first")
        answers.tools = tools
        answers.given.add("tools")


# --- questions ---------------------------------------------------------------------


class Prompter:
    """Asks questions on ``output`` and reads answers from ``stream``, one a line.

    ``stream`` is a terminal or anything else that can be read line by line (answers
    piped on standard input); read from a pipe, each answer is echoed after its
    question so the transcript reads as a conversation. A bad answer is explained
    and the question asked again; an empty answer takes the default (shown in
    brackets; only the country has one) or, where none, leaves the fact out. The end
    of the input is an empty answer to every question left, except one that must be
    answered (the school, its tools): that is a usage error.
    """

    def __init__(self, stream: TextIO, output: TextIO, *, echo: bool = False) -> None:
        self.stream = stream
        self.output = output
        self.echo = echo
        self.ended = False

    def say(self, text: str = "") -> None:
        print(text, file=self.output, flush=True)

    def _line(self) -> str | None:
        """The next line, or None at the end of the input (or when it cannot be
        read)."""
        if self.ended:
            return None
        try:
            line = self.stream.readline()
        except (OSError, ValueError):
            line = ""
        if not line:
            self.ended = True
            return None
        return line

    def ask(
        self,
        question: str,
        check: Callable[[Any], Any],
        *,
        default: str | None = None,
        required: bool = False,
    ) -> Any:
        shown = f" [{default}]" if default else ""
        while True:
            if self.ended and not required:
                # every answer after the end of the input is blank: ask no more
                return check(default) if default else None
            self.output.write(f"{question}{shown}: ")
            self.output.flush()
            line = self._line()
            if line is None:
                self.output.write("\n")
                if required:
                    raise UsageError(
                        f"the input ended before this was answered: {question}"
                    )
                self.say("(The input ended: every answer still to come is left blank.)")
                value = ""
            else:
                value = line.strip()
                if self.echo:
                    self.output.write(value + "\n")
            if not value:
                if default:
                    value = default
                elif required:
                    self.say("  An answer is needed here.")
                    continue
                else:
                    return None
            try:
                return check(value)
            except AnswerError as error:
                self.say(f"  Not accepted: {value!r} {_reason(error, value)}. Try again.")


def _reason(error: AnswerError, value: str) -> str:
    text = str(error)
    return text[len(repr(value)) + 1 :] if text.startswith(repr(value)) else text


def _pick_platforms(prompter: Prompter, country: str) -> list[ToolAnswers]:
    platforms = list(A.wizard_catalogue())
    prompter.say("Platforms in the catalogue (minimum age in " + country + "):")
    for number, platform in enumerate(platforms, 1):
        age = platform.min_age(country, on=build_date())
        controlled = ", run by the school" if platform.school_controlled else ""
        prompter.say(
            f"  {number:>2}. {platform.id:<18} {platform.name}"
            f" (minimum age {age if age is not None else 'set by the school'}{controlled})"
        )

    def check(value: Any) -> list[str]:
        out = []
        for token in str(value).replace(" ", ",").split(","):
            token = token.strip()
            if not token:
                continue
            if token.isdigit():  # also 2 in other scripts, and ²: refused below
                index = A.whole_number(token, 1, len(platforms))
                if index is None:
                    raise AnswerError(
                        f"{token!r} is not a number from 1 to {len(platforms)}"
                    )
                out.append(platforms[index - 1].id)
            else:
                out.append(A.platform_id(token))
        if not out:
            raise AnswerError("names no platform")
        return list(dict.fromkeys(out))

    chosen = prompter.ask(
        "Tools the school uses (numbers or IDs, comma-separated)", check, required=True
    )
    return [ToolAnswers(platform=p) for p in chosen]


def interview(answers: Answers, prompter: Prompter) -> None:
    """Ask for every answer not given yet. Nothing is suggested for a fact: a blank
    answer leaves it out (only the country defaults to GB, as ``sm_country`` does)."""
    given = answers.given
    prompter.say(
        "A few questions about the school. Leave an answer blank when you do not "
        "know it yet:"
    )
    prompter.say(
        "nothing is invented; the policy lists what is still to supply and "
        "'sociallpolicy check' reports it."
    )
    if not answers.school:
        answers.school = prompter.ask("School name", A.text, required=True)
    if "phase" not in given and not answers.phase:
        answers.phase = prompter.ask("Phase (" + ", ".join(PHASES) + ")", A.choice(PHASES))
    if "pupil-ages" not in given and not answers.pupil_ages:
        answers.pupil_ages = prompter.ask(
            "Pupil ages, youngest-oldest (e.g. 4-11)", A.age_range
        )
    if "country" not in given and not answers.country:
        answers.country = prompter.ask("Country (two-letter code)", A.country, default="GB")
    if "email-domains" not in given and not answers.email_domains:
        answers.email_domains = (
            prompter.ask("School email domains (comma-separated)", A.domains) or []
        )
    for key in PEOPLE_FLAGS:
        if key not in answers.people:
            check = A.text if key in A.BODIES else A.person
            value = prompter.ask(f"Name of {A.PEOPLE[key]}", check)
            if value:
                answers.people[key] = value
    if "approved-on" not in given and not answers.approved_on:
        answers.approved_on = prompter.ask(
            "Date the policy was (or will be) approved, YYYY-MM-DD", A.date
        )
    for key in A.TRAINING:
        if key not in answers.training:
            value = prompter.ask(f"Date of the last {A.TRAINING[key]}, YYYY-MM-DD", A.date)
            if value:
                answers.training[key] = value
    if not answers.tools:
        answers.tools = _pick_platforms(prompter, answers.country or "GB")
    catalogue = A.wizard_catalogue()
    head = answers.people.get("headteacher")
    for tool in answers.tools:
        platform = catalogue.get(tool.platform)
        assert platform is not None
        prompter.say(f"About the {platform.name} tool (blank: the wizard suggests one):")
        if not tool.audience:
            tool.audience = (
                prompter.ask(
                    "  Who is it for ("
                    + ", ".join(AUDIENCES)
                    + "; blank: "
                    + ", ".join(default_audience(platform))
                    + ", as a suggestion)",
                    A.choices(AUDIENCES),
                )
                or []
            )
        if not tool.purpose:
            tool.purpose = (
                prompter.ask(
                    "  What is it for ("
                    + ", ".join(PURPOSES)
                    + "; blank: "
                    + ", ".join(default_purpose(platform))
                    + ", as a suggestion)",
                    A.choices(PURPOSES),
                )
                or []
            )
        if not tool.owner:
            tool.owner = prompter.ask("  Member of staff who owns it", A.person)
        if not tool.admins:
            tool.admins = (
                prompter.ask("  Its administrators (comma-separated names)", A.people) or []
            )
        if not tool.approved_on:
            tool.approved_on = prompter.ask(
                "  Date the headteacher approved it, YYYY-MM-DD", A.date
            )
            # the question says who approved it: the headteacher
            if tool.approved_on and head and "approved-by" not in tool.extra:
                tool.extra["approved-by"] = f"{head} (headteacher)"
        ask_tool_facts(tool, prompter)
    third_party = any(
        not p.school_controlled
        for p in (catalogue.get(t.platform) for t in answers.tools)
        if p is not None
    )
    images = any(t.extra.get("pupil-images") != "none" for t in answers.tools)
    for key, what in A.LAST_DONE.items():
        if key == "follower-audit" and not third_party:
            continue
        if key == "image-audit" and not images:
            continue
        if key not in answers.last_done:
            value = prompter.ask(f"Date of the last {what}, YYYY-MM-DD", A.date)
            if value:
                answers.last_done[key] = value


#: the facts about a tool asked for at the end of its questions: (option, question)
TOOL_QUESTIONS = (
    (
        "pupil-images",
        "Can pupils be recognised in the images it publishes (none, not-identifiable, "
        "identifiable; blank: not known yet, or not-identifiable as a suggestion on a "
        "public account)",
    ),
    (
        "lawful-basis",
        "Lawful basis for the personal data it handles ("
        + ", ".join(LAWFUL_BASES)
        + "; blank: public-task, as a suggestion)",
    ),
    ("dpia-on", "Date of its data protection impact assessment (DPIA), YYYY-MM-DD"),
)


def ask_tool_facts(tool: ToolAnswers, prompter: Prompter) -> None:
    """Ask for the tool's facts about personal data and images that the answers do
    not give; a blank leaves the fact to the wizard's suggestion, or out."""
    for key, question in TOOL_QUESTIONS:
        if key not in tool.extra:
            value = prompter.ask(f"  {question}", A.TOOL_EXTRA[key])
            if value:
                tool.extra[key] = value


# --- the review of the wizard's suggestions ----------------------------------------

REVIEW_ANSWERS = {
    "a": "adopt",
    "adopt": "adopt",
    "y": "adopt",
    "yes": "adopt",
    "d": "draft",
    "draft": "draft",
    "n": "draft",
    "no": "draft",
    "all": "all",
    "none": "none",
}


def _review_answer(value: Any) -> str:
    word = A.text(value).lower()
    if word not in REVIEW_ANSWERS:
        raise AnswerError(
            f"{word!r} is not an answer here; write a (adopt it), d (leave it as a "
            "draft), all (adopt it and every one after it) or none (leave it and "
            "every one after it as drafts)"
        )
    return REVIEW_ANSWERS[word]


def review(plan: Plan, prompter: Prompter) -> None:
    """Ask, for each suggestion of the wizard, whether the school adopts it or leaves
    it as a draft; then, if any is adopted, who adopts them and on which date."""
    suggestions = plan.suggestions()
    if not suggestions or prompter.ended:
        return  # nothing to decide, or no more answers: all stay drafts
    tools = {t.id: t for t in plan.tools}
    total = len(suggestions)
    prompter.say()
    prompter.say(
        f"The wizard suggests {total} item(s) the answers did not give: safeguards, "
        "risks, school documents and tool set-ups. Each is written as a draft, "
        "which counts for nothing in the check, unless the school adopts it. Adopt "
        "only what the school does or will do; a draft can be adopted later in the "
        "text (:status: adopted, :adopted-by:, :adopted-on:)."
    )
    prompter.say(
        "For each: a = adopt, d = leave as a draft (blank), all = adopt it and the "
        "rest, none = leave it and the rest as drafts."
    )
    chosen: list[Item] = []
    rest: str | None = None
    for number, item in enumerate(suggestions, 1):
        if prompter.ended:
            break  # no more answers: the rest stay drafts
        decision = rest
        if decision is None:
            prompter.say(
                f"[{number}/{total}] {item.word} {item.id} in {item.file}: {item.title}"
            )
            if item.id in tools:
                prompter.say(
                    "  chosen by the wizard: "
                    + "; ".join(tools[item.id].suggested_values())
                )
            decision = (
                prompter.ask(
                    "  Adopt it or leave it as a draft (a/d/all/none)", _review_answer
                )
                or "draft"
            )
            if decision in ("all", "none"):
                rest = decision
        if decision in ("adopt", "all"):
            chosen.append(item)
    if not chosen:
        prompter.say("Nothing adopted: every suggestion is written as a draft.")
        return
    by = prompter.ask(
        f"Who adopts the {len(chosen)} suggestion(s) for the school (name)", A.person
    )
    on = prompter.ask("Date they are adopted, YYYY-MM-DD", A.date) if by else None
    if not by or not on:
        prompter.say(
            "Nothing adopted: without a name and a date, every suggestion is written "
            "as a draft."
        )
        return
    plan.adopt(Adoption(by=by, on=on), chosen)
    prompter.say(
        f"Adopted {len(chosen)} suggestion(s) ({by}, {on}); "
        f"{total - len(chosen)} left as drafts."
    )


# --- writing -----------------------------------------------------------------------


def check_target(target: Path, force: bool) -> None:
    """Refuse, before any question is asked, a folder the project cannot be written
    in: a file, a folder inside a file, a folder that cannot be created or written,
    or one that is not empty (unless ``force``)."""
    try:
        _check_target(target, force)
    except OSError as error:
        raise UsageError(
            f"cannot use the folder {target} ({os_reason(error)}); choose another "
            "place for the project"
        ) from None


def _check_target(target: Path, force: bool) -> None:
    if os.path.lexists(target) and not target.exists():
        raise UsageError(
            f"{target} is a link (symlink) that leads nowhere; remove it or choose "
            "another folder for the project"
        )
    if target.exists():
        if not target.is_dir():
            raise UsageError(
                f"{target} exists and is not a folder; choose a new folder for the project"
            )
        try:
            empty = not any(target.iterdir())
        except OSError as error:
            raise UsageError(
                f"cannot look into the folder {target} ({os_reason(error)}); choose a "
                "folder you can write in"
            ) from None
        if not empty and not force:
            raise UsageError(
                f"{target} is not empty; choose a new folder, or give --force to write "
                "into it and overwrite its files"
            )
        where = target
    else:
        # the nearest folder that exists: the project's folder will be made in it
        where = nearest_existing(target.parent)
        if not where.is_dir():
            raise UsageError(
                f"{where} is a file, not a folder, so the folder {target} cannot be "
                "made in it; choose another place for the project"
            )
    if not os.access(where, os.W_OK | os.X_OK):
        raise UsageError(
            f"cannot write in the folder {where} (permission denied); choose a folder "
            "you can write in"
        )


def _inside(path: str, root: str) -> bool:
    return os.path.commonpath([root, os.path.realpath(path)]) == root


def _refuse_links(target: Path, root: str, name: str, force: bool) -> None:
    """Refuse to write ``name`` under ``root`` (the resolved ``target``) through a
    link, outside the folder, over a folder, or over a file without ``force``."""
    parts = Path(name).parts
    for depth in range(1, len(parts) + 1):
        rel = Path(*parts[:depth])
        path = os.path.join(root, rel)
        shown = target / rel
        if not os.path.lexists(path):
            break  # made new from here on
        if os.path.islink(path):
            raise UsageError(
                f"{shown} is a link (symlink); sociallpolicy new never writes through "
                "a link: remove it, or choose a new folder for the project"
            )
        if not _inside(path, root):  # pragma: no cover - a link, refused above
            raise UsageError(
                f"{shown} is outside {target}; choose a new folder for the project"
            )
        last = depth == len(parts)
        if not last and not os.path.isdir(path):
            raise UsageError(
                f"{shown} is a file where the project needs a folder; remove it, or "
                "choose a new folder for the project"
            )
        if last and os.path.isdir(path):
            raise UsageError(
                f"{shown} is a folder where the project writes a file; remove it, or "
                "choose a new folder for the project"
            )
        if last and not force:
            raise UsageError(f"{shown} exists; give --force to overwrite it")


#: never follow a link when opening a file to write (where the system has it)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def _write_one(path: str, content: str, force: bool) -> None:
    """Write ``content`` to ``path`` without following a link: a new file is created
    (never opened through a link); with ``force``, an existing one is replaced by a
    new file (so a hard link to a file elsewhere is not written through either)."""
    data = content.encode("utf-8")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | getattr(os, "O_BINARY", 0)
    if not force:
        fd = os.open(path, flags, 0o666)
        with os.fdopen(fd, "wb") as file:
            file.write(data)
        return
    folder, base = os.path.split(path)
    temporary = os.path.join(folder, f".{base}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
    fd = os.open(temporary, flags, 0o666)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def write_files(target: Path, files: dict[str, str], force: bool) -> list[Path]:
    """Write the project's files in ``target``, making it if needed. Nothing is
    written through a link (symlink) or outside ``target``, and no file is
    overwritten without ``force``: every path is checked before the first file is
    written. Any problem is one line naming the path."""
    try:
        target.mkdir(parents=True, exist_ok=True)
        root = os.path.realpath(target, strict=True)
    except OSError as error:
        raise UsageError(
            f"cannot make the folder {target} ({os_reason(error)}); choose another "
            "place for the project"
        ) from None
    for name in files:
        _refuse_links(target, root, name, force)
    written = []
    for name, content in files.items():
        shown = target / name
        path = os.path.join(root, name)
        try:
            for parent in reversed(Path(name).parents[:-1]):
                folder = os.path.join(root, parent)
                if not os.path.lexists(folder):
                    os.mkdir(folder)
                if os.path.islink(folder) or not os.path.isdir(folder):
                    raise UsageError(
                        f"{target / parent} is not a folder (or is a link); remove "
                        "it, or choose a new folder for the project"
                    )
            _write_one(path, content, force)
        except FileExistsError:
            raise UsageError(f"{shown} exists; give --force to overwrite it") from None
        except OSError as error:
            if os.path.islink(path):
                raise UsageError(
                    f"{shown} is a link (symlink); sociallpolicy new never writes "
                    "through a link: remove it, or choose a new folder for the project"
                ) from None
            raise UsageError(
                f"cannot write {shown} ({os_reason(error)}); check the folder and try again"
            ) from None
        written.append(shown)
    return written


def run(
    args: argparse.Namespace,
    *,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
) -> int:
    stdin = stdin if stdin is not None else sys.stdin
    stdout = stdout if stdout is not None else sys.stdout
    target = Path(args.dir)
    check_target(target, args.force)
    base: BaseLink | None = None
    defaults = Answers()
    platforms: list[Path] = []
    if getattr(args, "base", None):
        base, defaults, platforms = read_base_defaults(Path(args.base), target)
    # a base's catalogue files: its platforms are known to the answers and the plan
    with A.using_catalogue(platforms):
        return _run(args, target, base, defaults, stdin, stdout)


def _run(
    args: argparse.Namespace,
    target: Path,
    base: BaseLink | None,
    defaults: Answers,
    stdin: TextIO,
    stdout: TextIO,
) -> int:
    answers = load_answers_file(args.answers) if args.answers else Answers()
    if base is not None:
        answers = A.merge_answers(defaults, answers)
    apply_flags(answers, args)
    prompter = None
    # questions go to a terminal; answers piped on standard input (one a line) are
    # read only when no answers file is given, so that a script or CI job that runs
    # `new --answers FILE` with an open standard input never waits for input
    if not args.no_input and (_is_tty(stdin) or (not args.answers and _can_read(stdin))):
        prompter = Prompter(stdin, stdout, echo=not _is_tty(stdin))
        interview(answers, prompter)
    if not answers.school:
        raise UsageError(
            "no school name: give --school NAME or 'school:' in the answers file"
        )
    if not answers.tools:
        raise UsageError(
            "no tools: give --tool PLATFORM (repeatable) or 'tools:' in the answers "
            "file; 'sociallpolicy platforms' lists the platforms"
        )
    plan = make_plan(answers)
    if prompter is not None and answers.adopt is None:
        review(plan, prompter)
    files = project_files(plan, base)
    check_target(target, args.force)  # the folder may have changed while asking
    write_files(target, files, args.force)
    print(
        f"Wrote the policy of {plan.school} to {target}/ ({len(files)} files).", file=stdout
    )
    report_suggestions(plan, stdout)
    print(
        f"Next: sociallpolicy check {target}   and   "
        f"sphinx-build -W -b html {target} {target / '_build' / 'html'}",
        file=stdout,
    )
    return EXIT_OK


#: what a shared chapter's path may hold, to be written as a directive's argument
SAFE_CHAPTER = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]*")


def read_base_defaults(folder: Path, target: Path) -> tuple[BaseLink, Answers, list[Path]]:
    """The base in ``folder`` (as the new project will name it), its default
    answers and its catalogue files; a base that cannot be used is a UsageError
    naming the file and line."""
    from ..trustbase import BaseError, load_base

    errors: list[BaseError] = []
    base = load_base(folder, errors)
    if errors or base is None:
        problem = errors[0] if errors else BaseError(str(folder), None, "no base")
        raise UsageError(f"--base {folder}: {problem}")
    for chapter in base.chapters:
        if not SAFE_CHAPTER.fullmatch(chapter):
            raise UsageError(
                f"--base {folder}: {base.manifest}:{base.chapters[chapter]}: the chapter "
                f"{chapter!r} has characters the wizard does not write into a page; "
                "name it with letters, digits, '.', '-', '_' and '/'"
            )
    with A.using_catalogue(list(base.platforms)):
        defaults = load_answers_file(str(base.answers)) if base.answers else Answers()
    try:
        relative = os.path.relpath(folder.resolve(), target.resolve())
    except ValueError:  # another drive (Windows): the absolute path
        relative = str(folder.resolve())
    link = BaseLink(
        name=base.name,
        path=Path(relative).as_posix(),
        chapters=tuple(base.chapters),
    )
    return link, defaults, list(base.platforms)


def report_suggestions(plan: Plan, stdout: TextIO) -> None:
    """Print what was adopted or left as drafts, and the "still to supply" list: the
    missing facts, then every draft with its file (as on the first page and in the
    README)."""
    adopted = [i for i in plan.suggestions() if not i.draft]
    drafts = plan.drafts()
    if adopted:
        print(
            f"{len(adopted)} suggestion(s) of the wizard written as adopted.", file=stdout
        )
    if drafts:
        print(
            f"{len(drafts)} suggestion(s) of the wizard written as drafts, which count "
            "for nothing until the school adopts them: 'adopt-suggestions: {by: NAME, "
            "on: DATE}' in the answers adopts them all.",
            file=stdout,
        )
    if not plan.missing and not drafts:
        return
    print(
        "Still to supply (also on the first page and in the README; "
        "'sociallpolicy check' reports each):",
        file=stdout,
    )
    if plan.missing:
        print(f"  {len(plan.missing)} fact(s) the answers did not give:", file=stdout)
        for line in plan.missing:
            print(f"  - {line}", file=stdout)
    if drafts:
        print(
            f"  {len(drafts)} draft(s) waiting for the school's decision (adopt, change "
            "or remove each):",
            file=stdout,
        )
        for item in drafts:
            print(f"  - {item.draft_line()}", file=stdout)


def _is_tty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def _can_read(stream: Any) -> bool:
    """Whether answers can be read from ``stream``: a terminal, a pipe or a file."""
    if stream is None or getattr(stream, "closed", False):
        return False
    if _is_tty(stream):
        return True
    try:
        return bool(stream.readable())
    except (AttributeError, ValueError, OSError):
        return False
