"""The fuzz suite: generated input, as a hostile or careless author would write it.

Property-based tests (hypothesis) generate option values and titles, condition
fragments, guidance pack and catalogue documents, and command lines. They build
small projects in-process and assert what the extension promises for every input:

- no exception escapes (a bad input is a warning or a one-line error, never a
  traceback);
- every warning has a path and a line, and the path exists;
- HTML and LaTeX output escape the generated text;
- ``sm-junit.xml`` and ``sm-report.json`` always parse.

``make test`` runs the bounded profile (``ci``, fixed seeds, a few minutes on two
cores). ``make fuzz`` runs the long one (``fuzz``) for ``FUZZ_MINUTES`` (default 30)
on every core, with a seed and the example database in ``.hypothesis/``, so a
failure replays: see docs/development.rst.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from sm_testing import ROOTS
from sphinx.testing.util import SphinxTestApp
from sphinx.util.console import strip_colors

from sphinxcontrib_sociallpolicy.guidance import PackError, load_catalogue, load_pack
from sphinxcontrib_sociallpolicy.guidance.conditions import OPERATORS as CONDITION_OPERATORS
from sphinxcontrib_sociallpolicy.schema import ITEM_TYPES

PACKS = Path(__file__).parent.parent / "sphinxcontrib_sociallpolicy" / "guidance" / "packs"
CATALOGUE = PACKS.parent / "platforms.yaml"

# --- what the generated text is made of --------------------------------------------

#: characters that mean something to RST, HTML, LaTeX, YAML or a shell
SPECIAL = "<>&\"'\\{}$%#_^~`*|:[],-=@!?/\x00\x01\x07\x1b\x7f\x85\u200b\u202e😀中ŵ"
#: a marker that must never reach the output unescaped
HTML_MARK = "<i>INJ</i>"
LATEX_MARK = "\\INJ{x}"

text = st.text(
    alphabet=st.one_of(st.characters(codec="utf-8"), st.sampled_from(SPECIAL)),
    max_size=40,
)
#: a value that is almost right, or a classic wrong value
near_values = st.sampled_from(
    [
        "",
        " ",
        "2026-09-01",
        "9999-12-31",
        "0000-01-01",
        "2024-02-30",
        "1899-12-31",
        "2199-12-31",
        "12",
        "0",
        "-1",
        "1" * 5000,
        "²",
        "١٢",
        "GB",
        "ZZ",
        "XX",
        "uk",
        "4-11",
        "11-4",
        "all",
        "TOOL_X, TOOL_X",
        "facebook",
        "javascript:alert(1)",
        "\x01javascript:alert(1)",
        "https://example.org/<script>",
        "a@b",
        "office@oakfield.sch.uk",
        HTML_MARK,
        LATEX_MARK,
        "x" * 3000,
    ]
)
value = st.one_of(near_values, text, st.builds("".join, st.lists(text, max_size=3)))
dates = st.one_of(
    st.sampled_from(
        [
            "9999-12-31",
            "0001-01-01",
            "1899-12-31",
            "2200-01-01",
            "2024-02-30",
            "2026-13-01",
            "2026-9-1",
            "２０２６-01-01",
            "2026-09-01",
        ]
    ),
    st.dates().map(lambda d: d.isoformat()),
)
numbers = st.one_of(
    st.sampled_from(["0", "-1", "²", "١٢", "1" * 5000, "12", "60", "61", "1e3", "0x10"]),
    st.integers(-(10**30), 10**30).map(str),
)
#: values by the kind of option (schema.OptionSpec.kind), else any value
BY_KIND = {"date": dates, "months": numbers, "score": numbers}


def value_for(kind: str) -> st.SearchStrategy[str]:
    special = BY_KIND.get(kind)
    return st.one_of(special, special, value) if special is not None else value


def one_line(raw: str) -> str:
    """A value as it can follow an option on one line of RST."""
    return " ".join(raw.replace("\x00", "").splitlines())


@st.composite
def items_rst(draw: st.DrawFn) -> str:
    """A page with a policy and one item of some other kinds, each with random
    options set to random or nearly right values."""
    blocks = []
    kinds = [
        "sm-policy",
        *draw(
            st.lists(
                st.sampled_from(
                    [
                        "sm-tool",
                        "sm-control",
                        "sm-risk",
                        "sm-document",
                        "sm-waiver",
                        "sm-requirement",
                    ]
                ),
                max_size=3,
                unique=True,
            )
        ),
    ]
    by_name = {t.directive: t for t in ITEM_TYPES}
    for number, directive in enumerate(kinds):
        title = one_line(draw(st.one_of(text, near_values)))
        lines = [f".. {directive}:: {title}".rstrip()]
        if directive != "sm-policy":
            lines.append(f"   :id: {directive[3:].upper()}_FUZZ_{number}")
        options = by_name[directive].options
        chosen = draw(
            st.lists(st.sampled_from(options), max_size=6, unique_by=lambda o: o.name)
        )
        for option in chosen:
            lines.append(f"   :{option.name}: {one_line(draw(value))}".rstrip())
        body = one_line(draw(text)) or "Text."
        blocks.append("\n".join(lines) + f"\n\n   {body}\n")
    for table in draw(
        st.lists(
            st.sampled_from(
                ["sm-register", "sm-risk-register", "sm-matrix", "sm-compliance"]
            ),
            max_size=2,
        )
    ):
        lines = [f".. {table}::"]
        if table != "sm-compliance" and draw(st.booleans()):
            lines.append(f"   :filter: {one_line(draw(st.one_of(condition_yaml(), text)))}")
        blocks.append("\n".join(lines) + "\n")
    return "Fuzzed\n======\n\n" + "\n".join(blocks)


# --- building ------------------------------------------------------------------------

CONF = """\
extensions = ["sphinxcontrib_sociallpolicy"]
sm_guidance = ["kent-2010", "uk-online-safety"]
sm_today = "2026-11-24"
latex_documents = [("index", "policy.tex", "Policy", "Fuzz", "manual")]
"""


def build(src: Path, builder: str) -> SphinxTestApp:
    import os

    cwd = os.getcwd()
    try:
        app = SphinxTestApp(builder, srcdir=src, builddir=src / "_build", freshenv=True)
        try:
            app.build()
        finally:
            app.cleanup()
    finally:
        os.chdir(cwd)  # a failed build must not leave us in a folder about to go
    return app


def warning_lines(app: SphinxTestApp) -> list[str]:
    return [ln for ln in strip_colors(app.warning.getvalue()).splitlines() if ln.strip()]


LOCATED = re.compile(r"^(?P<path>/[^:]+?):(?P<line>\d+): (WARNING|ERROR|CRITICAL|SEVERE)")


def assert_located(app: SphinxTestApp) -> None:
    """Every warning (ours and docutils') names an existing file and a line; a
    continuation line of a multi-line docutils message is allowed."""
    for line in warning_lines(app):
        if line.startswith((" ", "\t")) or not re.search(r"(WARNING|ERROR|CRITICAL)", line):
            continue
        match = LOCATED.match(line)
        assert match, f"warning without a file and line: {line}"
        assert Path(match["path"]).is_file(), f"warning names a missing file: {line}"


class Escaped(HTMLParser):
    """Fails on any element or attribute the generated text could have made."""

    def __init__(self) -> None:
        super().__init__()
        self.bad: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "i" and not attrs:
            self.bad.append("<i> from the input")
        for name, val in attrs:
            if name.startswith("on"):
                self.bad.append(f"event attribute {name}")
            if name in {"href", "src"} and val:
                scheme = re.sub(r"[\x00-\x20\x7f-\x9f]", "", val).lower()
                if scheme.startswith(("javascript:", "vbscript:", "data:text")):
                    self.bad.append(f"live {name}={val!r}")


def assert_outputs_safe(app: SphinxTestApp) -> None:
    out = Path(app.outdir)
    if app.builder.name == "html":
        for page in out.glob("*.html"):
            html = page.read_text("utf-8")
            assert HTML_MARK not in html, page.name
            parser = Escaped()
            parser.feed(html)
            assert not parser.bad, (page.name, parser.bad)
        # the reports parse, whatever the input held
        if (out / "sm-junit.xml").exists():
            from defusedxml.ElementTree import fromstring

            fromstring((out / "sm-junit.xml").read_bytes())
        if (out / "sm-report.json").exists():
            json.loads((out / "sm-report.json").read_text("utf-8"))
    else:
        for tex in out.glob("*.tex"):
            latex = tex.read_text("utf-8")
            assert LATEX_MARK not in latex, tex.name
            assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", latex), tex.name


FUZZ = settings(suppress_health_check=list(HealthCheck), deadline=None)


@FUZZ
@given(page=items_rst(), builder=st.sampled_from(["html", "latex"]))
def test_generated_items_build_located_and_escaped(page: str, builder: str) -> None:
    note(page)
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp)
        (src / "conf.py").write_text(CONF, "utf-8")
        (src / "index.rst").write_text(page, "utf-8")
        app = build(src, builder)
        assert_located(app)
        assert_outputs_safe(app)


# --- conditions, packs and catalogues ---------------------------------------------------

FIELDS = [
    "approved-on",
    "comments",
    "audience",
    "platform.min-age",
    "policy.country",
    "today",
    "admins-count",
    "content",
    "nope",
    "platform.school-controlled",
]
#: every operator of the condition language, and 'then' (valid only beside 'if')
OPERATORS = [*CONDITION_OPERATORS, "then"]
scalars = st.one_of(
    st.sampled_from(FIELDS),
    st.sampled_from(
        [
            "2024-02-30",
            "0000-01-01",
            "9999-12-31",
            "1" * 4400,
            "true",
            "~",
            "[a]",
            "{a: b}",
            "'x'",
            "12",
            "-5",
            "1e999",
            "&a",
            "*a",
            "!!python/x",
        ]
    ),
    text.map(lambda t: json.dumps(t)),
)


@st.composite
def condition_yaml(draw: st.DrawFn, depth: int = 0) -> str:
    """A fragment of the condition language, as YAML flow text, often nearly right."""
    op = draw(st.sampled_from(OPERATORS))
    if depth < 2 and op in {"all", "any"}:
        parts = draw(st.lists(condition_yaml(depth + 1), min_size=0, max_size=3))
        return "{" + op + ": [" + ", ".join(parts) + "]}"
    if depth < 2 and op == "not":
        return "{not: " + draw(condition_yaml(depth + 1)) + "}"
    if op == "compare":
        left, right = draw(scalars), draw(scalars)
        sign = draw(st.sampled_from(["<", "<=", ">", ">=", "==", "!=", "=>", ""]))
        months = draw(st.sampled_from(["", " + 12 months", " - 99999999999 months"]))
        return "{compare: " + json.dumps(f"{left} {sign} {right}{months}") + "}"
    key, val = draw(scalars), draw(scalars)
    return "{" + op + ": {" + key + ": " + val + "}}"


PACK_TEMPLATE = """\
pack: fuzz
title: Fuzz pack
source: Generated
version: "1"
requirements:
  - id: FUZZ_RULE
    title: A generated rule
    text: Generated.
    severity: must
    source: Generated
    theme: governance
    applies-to: {applies}
    when: {when}
    check: {check}
"""


def load_pack_text(text: str, suffix: str = ".yaml") -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"pack{suffix}"
        path.write_text(text, "utf-8", errors="surrogatepass")
        try:
            load_pack(path)
        except PackError as error:
            assert error.path == str(path)
            assert error.line is None or 1 <= error.line <= text.count("\n") + 2, error


@FUZZ
@given(
    applies=st.sampled_from(
        ["tool", "policy", "control", "risk", "document", "[tool]", "x"]
    ),
    when=condition_yaml(),
    check=condition_yaml(),
)
def test_generated_conditions_load_or_give_a_located_pack_error(applies, when, check):
    load_pack_text(PACK_TEMPLATE.format(applies=applies, when=when, check=check))


KEY_VALUE = re.compile(r"^(\s*-?\s*[A-Za-z][\w-]*):(\s.*)?$")


def mutate(draw: st.DrawFn, original: str) -> str:
    """A few edits to a YAML text: mostly a value replaced by another kind of value
    (a list, a mapping, an impossible date, a huge number, a tag, an alias), at a
    line that has a key; also lines deleted, duplicated, inserted or re-indented."""
    lines = original.splitlines(keepends=True)
    keyed = [n for n, line in enumerate(lines) if KEY_VALUE.match(line)]
    for _ in range(draw(st.integers(1, 4))):
        if not lines:
            break
        how = draw(
            st.sampled_from(["value"] * 6 + ["delete", "duplicate", "insert", "indent"])
        )
        if how == "value" and keyed:
            at = draw(st.sampled_from(keyed))
            match = KEY_VALUE.match(lines[at])
            if match:
                lines[at] = f"{match.group(1)}: {draw(scalars)}\n"
            continue
        at = draw(st.integers(0, len(lines) - 1))
        if how == "delete":
            del lines[at]
        elif how == "duplicate":
            lines.insert(at, lines[at])
        elif how == "insert":
            lines.insert(at, one_line(draw(text)) + "\n")
        else:
            lines[at] = "  " + lines[at]
        keyed = [n for n, line in enumerate(lines) if KEY_VALUE.match(line)]
    return "".join(lines)


@st.composite
def mutated_pack(draw: st.DrawFn) -> str:
    name = draw(st.sampled_from(sorted(p.name for p in PACKS.glob("*.yaml"))))
    return mutate(draw, (PACKS / name).read_text("utf-8"))


@st.composite
def mutated_catalogue(draw: st.DrawFn) -> str:
    lines = CATALOGUE.read_text("utf-8").splitlines(keepends=True)
    start = draw(st.integers(0, max(0, len(lines) - 60)))
    # a slice of the catalogue (keeping its head, so it is still a catalogue)
    head = [ln for ln in lines[:40] if not ln.startswith(" ")]
    return mutate(draw, "".join(head + lines[start : start + 60]))


@FUZZ
@given(mutated_pack())
def test_mutated_packs_load_or_give_a_located_pack_error(text):
    load_pack_text(text)


@FUZZ
@given(mutated_catalogue())
def test_mutated_catalogues_load_or_give_a_located_error(text):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "catalogue.yaml"
        path.write_text(text, "utf-8")
        try:
            load_catalogue([path])
        except PackError as error:  # PlatformError is a PackError
            assert error.path == str(path)


@FUZZ
@given(
    pack=st.one_of(
        mutated_pack(),
        st.builds(
            PACK_TEMPLATE.format,
            applies=st.just("tool"),
            when=condition_yaml(),
            check=condition_yaml(),
        ),
    )
)
def test_a_project_with_a_generated_pack_builds_with_located_warnings(pack):
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "src"
        import shutil

        shutil.copytree(ROOTS / "test-compliant", src)
        (src / "local.yaml").write_text(pack, "utf-8")
        conf = src / "conf.py"
        conf.write_text(conf.read_text("utf-8") + "sm_guidance = ['local.yaml']\n", "utf-8")
        app = build(src, "html")
        assert_located(app)
        assert_outputs_safe(app)


# --- the command line ---------------------------------------------------------------------

FLAGS = {
    "guidance": ["--changes-since", "--format"],
    "platforms": ["--country", "--on", "--catalogue", "--format"],
    "check": ["--format", "--output", "--fail-on"],
    "new": [
        "--review-cycle",
        "--approved-on",
        "--answers",
        "--force",
        "--country",
        "--pupil-ages",
        "--tool",
        "--tool-fact",
        "--email-domains",
        "--phase",
        "--staff-training",
        "--adopt-suggestions-on",
        "--guidance",
    ],
}
VALUES = st.one_of(
    st.sampled_from(
        [
            "json",
            "junit",
            "github",
            "text",
            "csv",
            "must",
            "should",
            "ZZ",
            "GB",
            "uk",
            "9999-12-31",
            "2026-02-30",
            "2026-09-01",
            "²",
            "1" * 5000,
            "12",
            "0",
            "kent-2010",
            "/proc/x",
            "notes.txt/policy",
            "notes.txt",
            "out/x.json",
            ".",
            "-",
            "facebook",
            "facebook:pupils:showcase",
            "nope:x:y",
            "comments=open",
            "=",
            "4-11",
            "primary",
        ]
    ),
    text.map(one_line),
)


@st.composite
def command_line(draw: st.DrawFn) -> tuple[str, list[str]]:
    command = draw(st.sampled_from(sorted(FLAGS)))
    args: list[str] = []
    for flag in draw(st.lists(st.sampled_from(FLAGS[command]), max_size=3)):
        args.append(flag)
        if flag != "--force":
            args.append(draw(VALUES))
    if command == "guidance" and draw(st.booleans()):
        args.append(draw(VALUES))
    return command, args


@FUZZ
@given(command_line())
def test_generated_command_lines_exit_cleanly(line):
    from sphinxcontrib_sociallpolicy.cli import main

    command, args = line
    with tempfile.TemporaryDirectory() as tmp:
        import os

        (Path(tmp) / "notes.txt").write_text("notes\n")
        # an answers file named on the command line is one of the fuzzed values
        argv = [command, *args]
        if command == "new":
            argv = [
                command,
                str(Path(tmp) / "school"),
                "--no-input",
                "--school",
                "Fuzz",
                "--tool",
                "facebook",
                *args,
            ]
        elif command == "check":
            argv = [command, str(ROOTS / "test-compliant"), *args]
        note(repr(argv))
        out, err = io.StringIO(), io.StringIO()
        cwd = os.getcwd()
        os.chdir(tmp)
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                try:
                    code = main(argv)
                except SystemExit as stop:  # argparse's --version
                    code = stop.code
        finally:
            os.chdir(cwd)
        assert code in (0, 1, 2, 141), (code, err.getvalue()[-500:])
        assert "Traceback" not in err.getvalue(), err.getvalue()[-2000:]
        if code == 2:
            assert err.getvalue().strip(), "exit 2 with no message"


TRUST_BASE = Path(__file__).parent.parent / "examples" / "trust-base"


@st.composite
def mutated_manifest(draw: st.DrawFn) -> str:
    return mutate(draw, (TRUST_BASE / "base.yaml").read_text("utf-8"))


@FUZZ
@given(mutated_manifest())
def test_mutated_base_manifests_load_or_give_located_errors(text):
    """A trust base's manifest (base.yaml), mutated: the base is read, or each
    problem is an error at a line of the manifest (or of a file it names)."""
    import shutil

    from sphinxcontrib_sociallpolicy.trustbase import load_base

    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "base"
        shutil.copytree(TRUST_BASE, base)
        (base / "base.yaml").write_text(text, "utf-8")
        errors: list = []
        load_base(base, errors)
        for error in errors:
            assert isinstance(error, PackError)
            assert Path(error.path).is_relative_to(base) or error.path == str(base), error
            if Path(error.path).is_file():
                lines = Path(error.path).read_text("utf-8", "replace").count("\n") + 2
                assert error.line is None or 1 <= error.line <= lines, error


PORTFOLIO_JSON = Path(__file__).parent / "test_portfolio" / "portfolio.json"
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(10**20), 10**20), text),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(text, inner, max_size=3)
    ),
    max_leaves=6,
)


@st.composite
def mutated_portfolio(draw: st.DrawFn) -> str:
    """A portfolio.json with one to three values replaced by values of any type, or
    left out."""
    data = json.loads(PORTFOLIO_JSON.read_text("utf-8"))
    for _ in range(draw(st.integers(1, 3))):
        # walk down from the top, then replace the value reached
        parent: Any = None
        key: Any = None
        node: Any = data
        for _depth in range(draw(st.integers(1, 5))):
            if isinstance(node, dict) and node:
                step: Any = draw(st.sampled_from(sorted(node)))
            elif isinstance(node, list) and node:
                step = draw(st.integers(0, len(node) - 1))
            else:
                break
            parent, key, node = node, step, node[step]
        if parent is not None and isinstance(parent, dict) and draw(st.booleans()):
            del parent[key]  # a key left out
        elif parent is not None:
            parent[key] = draw(json_values)
    return json.dumps(data)


@FUZZ
@given(mutated_portfolio())
def test_merging_mutated_portfolio_files_exits_cleanly(text):
    """``portfolio merge`` over a damaged shard file: a one-line error and exit 2,
    or a merge; never a traceback."""
    from sphinxcontrib_sociallpolicy.cli import main

    with tempfile.TemporaryDirectory() as tmp:
        shard = Path(tmp) / "portfolio.json"
        shard.write_text(text, "utf-8")
        err = io.StringIO()
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
            code = main(
                ["portfolio", "merge", str(shard), "--output", str(Path(tmp) / "out")]
            )
        assert code in (0, 1, 2), code
        assert "Traceback" not in err.getvalue(), err.getvalue()[-2000:]
