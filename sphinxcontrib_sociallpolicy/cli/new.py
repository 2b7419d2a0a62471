"""``sociallpolicy new DIR``: write a complete, buildable policy project for a school.

Answers come from an answers file (``--answers``, YAML), from flags (which override
the file), and - when standard input is a terminal and neither ``--no-input`` nor
``--yes`` is given - from questions for whatever is still missing. Every answer is
validated the same way whichever way it comes; a bad answer to a question is
explained and asked again, a bad answer in the file or a flag is exit 2 with one
line naming the key.

The wizard then derives the set-up, risks and safeguards (:mod:`.wizard.derive`)
and writes the project (:mod:`.wizard.project`). It refuses a folder that is not
empty, and never overwrites a file, unless ``--force`` is given. Facts the answers
do not give (a name, a date) are left out, never invented: ``sociallpolicy check``
then reports each one as a finding saying what to supply.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

import yaml

from ..schema import AUDIENCES, PHASES, PURPOSES
from . import EXIT_OK, UsageError
from .wizard import answers as A
from .wizard.answers import AnswerError, Answers, ToolAnswers, parse_answers
from .wizard.derive import default_audience, default_purpose, make_plan
from .wizard.project import project_files

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
PEOPLE_FLAGS = ("headteacher", "owner", "dsl", "governing-body", "network-manager")
TRAINING_FLAGS = {
    "staff": "staff-training",
    "pupils": "pupil-training",
    "parents": "parent-training",
}
SUGGESTED_AGES = {
    "nursery": "2-4",
    "primary": "4-11",
    "secondary": "11-18",
    "all-through": "4-18",
    "college": "16-19",
}


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "new",
        help="write a new policy project for a school",
        description=(
            "Write a complete social-media policy project for a school in DIR: "
            "conf.py, index.rst, the chapters, a README and a CI workflow. Answers "
            "come from --answers FILE (YAML), from the flags below (which override "
            "the file) and, on a terminal, from questions for the rest. Facts not "
            "given are left out and reported by 'sociallpolicy check', never "
            "invented. DIR must be empty unless --force is given."
        ),
    )
    parser.add_argument("dir", metavar="DIR", help="the folder to write the project in")
    parser.add_argument(
        "--answers", metavar="FILE", help="a YAML answers file (see the documentation)"
    )
    parser.add_argument(
        "--no-input",
        "--yes",
        "-y",
        dest="no_input",
        action="store_true",
        help="ask nothing: use the answers and flags given, and the defaults",
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
    facts.add_argument(
        "--tool",
        action="append",
        default=[],
        metavar="PLATFORM[:AUDIENCE[:PURPOSE]]",
        help="a tool to approve (repeatable; replaces the answers file's tools), e.g. "
        "facebook:parents:announcements or "
        "learning-platform:pupils,parents:showcase,discussion",
    )
    parser.set_defaults(run=run)


# --- answers from the file and the flags -------------------------------------------


class AnswersLoader(yaml.SafeLoader):
    """``yaml.safe_load``'s loader, reading dates as text: the answers' own check
    then says which key holds a date that does not exist (2026-02-30)."""


AnswersLoader.yaml_implicit_resolvers = {
    first: [r for r in resolvers if r[0] != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_answers_file(path: str) -> Answers:
    """Read and validate an answers file; any problem is one-line UsageError."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as error:
        raise UsageError(f"cannot read the answers file {path}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path}: the answers file is not UTF-8 text") from None
    try:
        data = yaml.load(text, Loader=AnswersLoader)  # noqa: S506 - a SafeLoader
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or "not valid YAML"
        raise UsageError(f"{path}: not valid YAML{where}: {problem}") from None
    try:
        return parse_answers(data)
    except AnswerError as error:
        raise UsageError(f"{path}: {error}") from None


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
    if args.tool:
        answers.tools = [flag("tool", t, parse_tool_flag) for t in args.tool]
        answers.given.add("tools")


# --- questions ---------------------------------------------------------------------


class Prompter:
    """Asks questions on ``output`` and reads answers from ``stream``, one a line.

    A bad answer is explained and the question asked again; an empty answer takes
    the default (shown in brackets) or, where none, leaves the fact out.
    """

    def __init__(self, stream: TextIO, output: TextIO) -> None:
        self.stream = stream
        self.output = output

    def say(self, text: str = "") -> None:
        print(text, file=self.output, flush=True)

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
            self.output.write(f"{question}{shown}: ")
            self.output.flush()
            line = self.stream.readline()
            if not line:
                raise UsageError(f"the input ended before this was answered: {question}")
            value = line.strip()
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
    from ..guidance import load_catalogue

    platforms = list(load_catalogue())
    prompter.say("Platforms in the catalogue (minimum age in " + country + "):")
    for number, platform in enumerate(platforms, 1):
        age = platform.min_age(country)
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
            if token.isdigit():
                index = int(token)
                if not 1 <= index <= len(platforms):
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
    """Ask for every answer not given yet."""
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
            "Pupil ages, youngest-oldest",
            A.age_range,
            default=SUGGESTED_AGES.get(answers.phase or ""),
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
            value = prompter.ask(
                f"Name of {A.PEOPLE[key]}",
                check,
                default="Governing Board" if key == "governing-body" else None,
            )
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
    from ..guidance import load_catalogue

    catalogue = load_catalogue()
    for tool in answers.tools:
        platform = catalogue.get(tool.platform)
        assert platform is not None
        prompter.say(f"About the {platform.name} tool:")
        if not tool.audience:
            tool.audience = prompter.ask(
                "  Who is it for (" + ", ".join(AUDIENCES) + ")",
                A.choices(AUDIENCES),
                default=", ".join(default_audience(platform)),
            )
        if not tool.purpose:
            tool.purpose = prompter.ask(
                "  What is it for (" + ", ".join(PURPOSES) + ")",
                A.choices(PURPOSES),
                default=", ".join(default_purpose(platform)),
            )
        if not tool.owner:
            tool.owner = prompter.ask(
                "  Member of staff who owns it",
                A.person,
                default=answers.people.get("owner"),
            )
        if not tool.admins:
            suggested = list(
                dict.fromkeys(n for n in (tool.owner, answers.people.get("owner")) if n)
            )
            tool.admins = (
                prompter.ask(
                    "  Its administrators (comma-separated names)",
                    A.people,
                    default=", ".join(suggested) or None,
                )
                or []
            )
        if not tool.approved_on:
            tool.approved_on = prompter.ask(
                "  Date the headteacher approved it, YYYY-MM-DD",
                A.date,
                default=answers.approved_on,
            )


# --- writing -----------------------------------------------------------------------


def check_target(target: Path, force: bool) -> None:
    if target.exists() and not target.is_dir():
        raise UsageError(f"{target} exists and is not a folder")
    if target.is_dir() and any(target.iterdir()) and not force:
        raise UsageError(
            f"{target} is not empty; choose a new folder, or give --force to write "
            "into it and overwrite its files"
        )


def write_files(target: Path, files: dict[str, str], force: bool) -> list[Path]:
    written = []
    for name, content in files.items():
        path = target / name
        if path.exists() and not force:  # pragma: no cover - check_target refused
            raise UsageError(f"{path} exists; give --force to overwrite it")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8", newline="\n")
        written.append(path)
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
    answers = load_answers_file(args.answers) if args.answers else Answers()
    apply_flags(answers, args)
    interactive = not args.no_input and _is_tty(stdin)
    if interactive:
        interview(answers, Prompter(stdin, stdout))
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
    files = project_files(plan)
    check_target(target, args.force)  # the folder may have changed while asking
    write_files(target, files, args.force)
    print(
        f"Wrote the policy of {plan.school} to {target}/ ({len(files)} files).", file=stdout
    )
    if plan.missing:
        print(
            f"{len(plan.missing)} fact(s) still to supply, listed on the first page; "
            "'sociallpolicy check' reports each.",
            file=stdout,
        )
    print(
        f"Next: sociallpolicy check {target}   and   "
        f"sphinx-build -W -b html {target} {target / '_build' / 'html'}",
        file=stdout,
    )
    return EXIT_OK


def _is_tty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False
