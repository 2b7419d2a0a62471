"""``sociallpolicy check SRCDIR``: the CI gate.

Builds the policy without writing HTML (Sphinx's ``dummy`` builder, in a temporary
folder), then prints every finding grouped by file with its line, and every input
error (a bad option, a dead link, a broken pack...), then a summary.

Exit 0: no open finding at or above ``--fail-on`` and no input error; 1: findings;
2: a usage, configuration or input error.
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import re
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from ..options import strip_controls
from ..schema import SEVERITIES
from . import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, UsageError
from .paths import nearest_existing, os_reason

FORMATS = ("text", "json", "junit", "github")


@dataclass
class Problem:
    """One input error from the build's warnings (not a finding)."""

    path: str
    line: int
    message: str
    kind: str


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "check",
        help="check a policy against its guidance (the CI gate)",
        description=(
            "Build the policy in SRCDIR without writing HTML and report every finding "
            "with its file and line. Exit 0 when no open finding is at or above "
            "--fail-on, 1 when there are findings, 2 on a usage, configuration or "
            "input error."
        ),
    )
    parser.add_argument(
        "srcdir", metavar="SRCDIR", help="the policy project (the folder of conf.py)"
    )
    parser.add_argument(
        "--fail-on",
        choices=SEVERITIES,
        default=None,
        help="lowest severity that fails the check (default: the project's sm_fail_on, "
        "else must)",
    )
    parser.add_argument(
        "--format", choices=FORMATS, default="text", help="output format (default: text)"
    )
    parser.add_argument(
        "--output",
        metavar="FILE",
        help="write the output to FILE instead of standard output",
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="show Sphinx's own progress messages"
    )
    parser.set_defaults(run=run)


#: below this many documents a check is quick and prints no progress
PROGRESS_FROM = 20


class _Progress:
    """Progress on standard error for large projects: a line at every tenth of the
    documents read, then one when the policy is checked against the guidance."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.total = 0
        self.done = 0
        self.step = 0

    def connect(self, app: Any) -> None:
        app.connect("env-before-read-docs", self.before_read)
        app.connect("source-read", self.read_one)
        app.connect("env-updated", self.evaluating)

    def before_read(self, app: Any, env: Any, docnames: list[str]) -> None:
        self.total = len(docnames)
        self.step = max(1, -(-self.total // 10))  # ceiling of a tenth

    def read_one(self, app: Any, docname: str, source: list[str]) -> None:
        self.done += 1
        if self.total >= PROGRESS_FROM and (
            self.done % self.step == 0 or self.done == self.total
        ):
            self._say(f"read {self.done} of {self.total} documents")

    def evaluating(self, app: Any, env: Any) -> list[str]:
        if self.total >= PROGRESS_FROM:
            self._say("checking the policy against the guidance...")
        return []

    def _say(self, text: str) -> None:
        print(text, file=self.stream, flush=True)


#: a line number in a location string: ASCII digits, never more than int() takes
LINE_RE = re.compile(r"[0-9]{1,9}")


def is_finding(kind_type: str, subtype: str) -> bool:
    """Whether a warning of ``kind_type.subtype`` is a finding: of type ``sm`` and a
    subtype that is not one of the input errors (``SmWarning``: option, link,
    guidance, config, duplicate); a finding's subtype is its rule ID in lower case.
    Every other warning (Sphinx's own too) is an input error."""
    from ..warnings import WARNING_TYPE, SmWarning

    if kind_type != WARNING_TYPE or not subtype:
        return False
    return subtype not in {w.value for w in SmWarning}


def _collector_class() -> Any:
    """The handler class (made on first use: importing Sphinx is left to the commands
    that build)."""
    from sphinx.util.logging import WarningStreamHandler

    class Collector(WarningStreamHandler):
        """Receives the build's warnings as they are logged (a handler on Sphinx's
        logger), with their type, subtype and location: the input errors among them
        are what ``check`` reports besides the findings. Warnings silenced with
        ``suppress_warnings`` are left out, as Sphinx leaves them out. (A warning
        handler, so that Sphinx holds warnings back from it while it reads, as from
        its own, and each arrives once.)"""

        def __init__(self, app: Any) -> None:
            super().__init__(io.StringIO())  # type: ignore[arg-type]
            self.setLevel(logging.WARNING)
            self.app = app
            self.records: list[Problem] = []

        def emit(self, record: logging.LogRecord) -> None:
            from sphinx.util.logging import get_node_location, is_suppressed_warning

            # what the warning is comes with it as data (Sphinx's logger keeps the
            # type, subtype and location on the record), never from its text
            kind_type = str(getattr(record, "type", None) or "")
            subtype = str(getattr(record, "subtype", None) or "")
            try:
                suppressed = self.app.config.suppress_warnings
            except AttributeError:  # pragma: no cover - before the config is read
                suppressed = ()
            if is_suppressed_warning(kind_type, subtype, suppressed):
                return
            if is_finding(kind_type, subtype):
                return  # the findings come from the evaluation itself (state.findings)
            try:
                message = str(record.msg) % record.args if record.args else str(record.msg)
            except (TypeError, ValueError):
                message = str(record.msg)
            kind = f"{kind_type}.{subtype}" if kind_type and subtype else kind_type
            # Sphinx's own filters may already have added " [type.subtype]"
            if kind and message.endswith(f" [{kind}]"):
                message = message[: -len(kind) - 3]
            path, line = self._where(getattr(record, "location", None), get_node_location)
            self.records.append(Problem(path=path, line=line, message=message, kind=kind))

        def _where(self, location: Any, node_location: Any) -> tuple[str, int]:
            from docutils import nodes

            if isinstance(location, nodes.Node):
                location = node_location(location)
            if isinstance(location, tuple):
                docname, line = location
                if not docname:
                    return "", 0
                return str(self.app.env.doc2path(docname)), int(line or 0)
            if isinstance(location, str) and location:
                path, _, line = location.rpartition(":")
                if path and LINE_RE.fullmatch(line):
                    return path, int(line)
                if path and not line:
                    return path, 0
                return location, 0
            return "", 0

    return Collector


def build(
    srcdir: Path,
    fail_on: str | None,
    verbose: bool,
    *,
    builder: str = "dummy",
    outdir: Path | None = None,
    inspect: Callable[[Any], None] | None = None,
) -> tuple[Any, list[Problem], Any]:
    """Build ``srcdir`` with the dummy builder; returns (state, the warnings that
    are not findings, config).

    ``builder`` and ``outdir`` build something else into a folder that is kept
    (``sociallpolicy portfolio`` builds each school's HTML and its findings in one
    build); ``inspect`` is called with the Sphinx application after the build (the
    portfolio reads the files the build depended on)."""
    from sphinx.application import Sphinx
    from sphinx.errors import SphinxError
    from sphinx.util.docutils import docutils_namespace, patch_docutils
    from sphinx.util.logging import NAMESPACE

    from ..config import get_config
    from ..project import get_state

    warnings = io.StringIO()
    overrides: dict[str, Any] = {"sm_reports": False}
    if fail_on:
        overrides["sm_fail_on"] = fail_on
    with tempfile.TemporaryDirectory(prefix="sociallpolicy-check-") as tmp:
        try:
            with patch_docutils(srcdir), docutils_namespace():
                app = Sphinx(
                    srcdir,
                    srcdir,
                    outdir if outdir is not None else Path(tmp) / "out",
                    Path(tmp) / "doctrees",
                    builder,
                    confoverrides=overrides,
                    status=sys.stderr if verbose else None,
                    warning=warnings,
                    freshenv=True,
                    keep_going=True,
                )
                if not verbose:
                    _Progress(sys.stderr).connect(app)
                collector: Any = _collector_class()(app)
                sphinx_logger = logging.getLogger(NAMESPACE)
                sphinx_logger.addHandler(collector)
                try:
                    app.build()
                finally:
                    sphinx_logger.removeHandler(collector)
                state = get_state(app)
                if inspect is not None:
                    inspect(app)
                return state, list(collector.records), get_config(app)
        except SphinxError as error:
            raise UsageError(
                f"cannot build the policy in {srcdir}: {one_line(str(error))}"
            ) from None
        except Exception as error:  # noqa: BLE001 - a broken conf.py, an extension's bug
            name = type(error).__name__
            raise UsageError(
                f"cannot build the policy in {srcdir}: {name}: {one_line(str(error))}"
            ) from None


def one_line(text: str) -> str:
    """A (possibly multi-line, traceback-bearing) error as one line: what Sphinx
    says, then the exception itself (the traceback's last line)."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if not lines:
        return "unknown error"
    first, last = lines[0].rstrip(":"), lines[-1]
    return first if last == lines[0] else f"{first}: {last}"


def _rel(path: str, base: Path) -> str:
    if not path:
        return ""
    full = Path(path) if os.path.isabs(path) else base / path
    try:
        return os.path.relpath(full)
    except ValueError:
        return str(full)


def check_output(path: Path) -> None:
    """Refuse, before the (slow) build, an ``--output`` that cannot be a file: a
    folder, or a path through a file, or in a folder that cannot be made. A folder
    that does not exist yet is made (a CI job's ``reports/``)."""
    try:
        if path.is_dir():
            raise UsageError(
                f"--output {path} is a folder; give the name of a file in it, e.g. "
                f"{path / 'report.txt'}"
            )
        parent = nearest_existing(path.parent)
        if not parent.is_dir():
            raise UsageError(
                f"--output {path}: {parent} is a file, not a folder; choose another "
                "place for the output"
            )
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(
            f"--output {path}: cannot make its folder {path.parent} "
            f"({os_reason(error)}); choose another place for the output"
        ) from None


def write_output(path: Path, text: str) -> None:
    """Write the output to ``path``, making its folder if it does not exist yet; a
    problem is one line naming the path."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        what = (
            "is a folder"
            if isinstance(error, IsADirectoryError)
            else (f"cannot be written ({os_reason(error)})")
        )
        raise UsageError(
            f"--output {path} {what}; choose another place for the output"
        ) from None


def run(args: argparse.Namespace) -> int:
    srcdir = Path(args.srcdir)
    try:
        is_project = (srcdir / "conf.py").is_file()
    except OSError as error:
        raise UsageError(
            f"cannot look into {srcdir} ({os_reason(error)}); check the folder's name"
        ) from None
    if not is_project:
        raise UsageError(f"{srcdir} is not a policy project: it has no conf.py")
    output = Path(args.output) if args.output is not None else None
    if output is not None:
        check_output(output)
    state, problems, config = build(srcdir.resolve(), args.fail_on, args.verbose)
    base = srcdir.resolve()
    # nothing from the policy's text may drive the terminal (escape sequences) or
    # spoil a report: a last line of defence behind the directives and the loaders
    text = strip_controls(render(args.format, state, config, problems, base))
    if output is not None:
        write_output(output, text)
    else:
        sys.stdout.write(text)
    if problems:
        return EXIT_ERROR
    return EXIT_OK if state.evaluation.passed else EXIT_FINDINGS


def render(fmt: str, state: Any, config: Any, problems: list[Problem], base: Path) -> str:
    from ..reports import junit_xml, report_data, report_json

    if fmt == "json":
        data = report_data(state, config)
        data["input_errors"] = [
            {
                "path": _rel(p.path, base),
                "line": p.line,
                "message": p.message,
                "kind": p.kind,
            }
            for p in problems
        ]
        return report_json(data) + "\n"
    if fmt == "junit":
        return junit_xml(state).decode("utf-8") + "\n"
    if fmt == "github":
        return _github(state, config, problems, base)
    return _text(state, config, problems, base)


def _github_escape(text: str, *, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def _github(state: Any, config: Any, problems: list[Problem], base: Path) -> str:
    lines = []
    evaluation = state.evaluation
    for p in problems:
        lines.append(
            f"::error file={_github_escape(_rel(p.path, base), prop=True)},"
            f"line={p.line},"
            f"title={_github_escape(p.kind or 'input error', prop=True)}::"
            f"{_github_escape(p.message)}"
        )
    for f in state.findings:  # in source order, must first on a line
        if f.status != "open":
            continue
        level = "error" if evaluation.warns(f.severity) else "warning"
        title = f"{f.rule} ({f.severity})"
        lines.append(
            f"::{level} file={_github_escape(_rel(f.source, base), prop=True)},"
            f"line={f.line},"
            f"title={_github_escape(title, prop=True)}::"
            f"{_github_escape(f.item + ': ' + f.message)}"
        )
    lines.append(_summary(state, config, problems))
    return "\n".join(lines) + "\n"


def _flat(text: str) -> str:
    """One entry, one line: a message written over several lines (a pack's
    ``message: |``) with its line breaks as spaces; the label's padding is kept."""
    return " ".join(part for part in re.split(r"[ \t]*[\r\n]+[ \t]*", text) if part)


def _text(state: Any, config: Any, problems: list[Problem], base: Path) -> str:
    by_file: dict[str, list[tuple[int, str]]] = {}
    for p in problems:
        by_file.setdefault(_rel(p.path, base) or "(no file)", []).append(
            (p.line, f"error   {_flat(p.message)}" + (f" [{p.kind}]" if p.kind else ""))
        )
    for f in state.findings:
        label = {"open": f.severity, "waived": "waived", "disabled": "off"}[f.status]
        extra = f" (waived by {f.waiver}: {f.reason})" if f.status == "waived" else ""
        by_file.setdefault(_rel(f.source, base) or "(no file)", []).append(
            (f.line, _flat(f"{label:<7} {f.rule} {f.item}: {f.message}{extra}"))
        )
    out = []
    for path in sorted(by_file):
        out.append(path)
        # errors first on a line, then findings in the evaluation's order (must,
        # should, may)
        for line, message in sorted(by_file[path], key=lambda entry: entry[0]):
            out.append(f"  {line:>4}: {message}")
        out.append("")
    news = state.evaluation.news
    if news:
        policy = state.policy.policy
        approved = policy.fields.get("approved-on") if policy else ""
        out.append(f"New or changed since this policy was approved on {approved}:")
        for r in news:
            when = r.news.isoformat() if r.news else ""
            out.append(f"  {r.id} ({r.severity}), {r.news_kind()} {when}: {r.title}")
        out.append("")
    drafts = state.evaluation.drafts()
    if drafts:
        out.append(state.evaluation.drafts_sentence() + ":")
        for f in drafts:
            out.append(f"  {_rel(f.source, base) or '(no file)'}:{f.line}: {f.item}")
        out.append("")
    out.append(_summary(state, config, problems))
    return "\n".join(out) + "\n"


def _summary(state: Any, config: Any, problems: list[Problem]) -> str:
    evaluation = state.evaluation
    open_ = [f for f in state.findings if f.status == "open"]
    waived = sum(1 for f in state.findings if f.status == "waived")
    by_severity = ", ".join(
        f"{sum(1 for f in open_ if f.severity == s)} {s}" for s in SEVERITIES
    )
    failing = evaluation.failing()
    if problems:
        plural = "s" if len(problems) != 1 else ""
        result = f"FAILED: {len(problems)} input error{plural} to fix first"
    elif failing:
        plural = "s" if len(failing) != 1 else ""
        result = (
            f"FAILED: {len(failing)} open finding{plural} at '{config.fail_on}' or above"
        )
    else:
        result = f"PASSED: no open finding at '{config.fail_on}' or above"
    return (
        f"Requirements: {evaluation.basis_sentence()}\n"
        f"{len(open_)} open finding{'s' if len(open_) != 1 else ''} ({by_severity}), "
        f"{waived} waived. {result}."
    )
