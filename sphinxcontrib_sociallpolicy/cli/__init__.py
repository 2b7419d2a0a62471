"""The ``sociallpolicy`` command: ``new``, ``check``, ``guidance``, ``platforms``,
``portfolio``.

``main(argv) -> int`` is what the console script calls and what the tests call
in-process. Exit codes (SPEC section 6): 0 no open finding at or above
``--fail-on``; 1 findings; 2 a usage, configuration or input error. Errors are one
clear line on standard error, never a traceback. When the reader of standard
output stops reading (``sociallpolicy platforms | head``), the command ends quietly
with 141, as a command ended by SIGPIPE does.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence

from .. import __version__

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2
#: the reader of standard output went away (``| head``): as a command killed by
#: SIGPIPE reports in a shell (128 + 13), without a message
EXIT_PIPE = 141


class UsageError(Exception):
    """A problem with what the user asked for: one line, exit 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        raise UsageError(f"{self.prog}: {message}")


def build_parser() -> argparse.ArgumentParser:
    from . import check, listing, new, portfolio

    parser = _Parser(
        prog="sociallpolicy",
        description=(
            "Create, check and list a school's social-media policy written with "
            "sphinxcontrib-sociallpolicy."
        ),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=_Parser
    )
    new.add_parser(commands)
    check.add_parser(commands)
    listing.add_parsers(commands)
    portfolio.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; return its exit code (see the module docstring)."""
    try:
        try:
            code = _run(argv)
        finally:
            # what is still buffered goes now (after --help too), while a closed
            # pipe can still be handled here
            sys.stdout.flush()
        return code
    except BrokenPipeError:
        _quiet_stdout()
        return EXIT_PIPE


def _run(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
        if not getattr(args, "run", None):
            parser.print_help(sys.stderr)
            return EXIT_ERROR
        return int(args.run(args))
    except UsageError as error:
        # one line, whatever the message holds (a file's text may hold line breaks)
        print(f"error: {_one_line(str(error))}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("stopped.", file=sys.stderr)
        return EXIT_ERROR


def _one_line(text: str) -> str:
    """``text`` with its line breaks (and the spaces around them) as one space; other
    spacing, as in a file's name, is kept."""
    return " ".join(
        part
        for part in re.split(r"\s*[\r\n\v\f\x85\u2028\u2029]+\s*", text.strip())
        if part
    )


def _quiet_stdout() -> None:
    """The reader stopped reading (``sociallpolicy platforms | head``): say nothing
    more, and keep Python from complaining when it flushes standard output at exit
    (what the Python documentation recommends for SIGPIPE, "Note on SIGPIPE")."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real standard output (e.g. in tests)
        pass
