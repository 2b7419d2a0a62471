"""The documentation: it builds with ``-nW``, and its reference shows everything the
code declares.

The expected sets are computed here from the package itself (the item schema, what
``setup()`` registers, ``SETTINGS``, ``SmWarning``, the built-in packs and catalogue,
``cli.build_parser()``); only the anchor naming rule is shared with the generator
(``docs/_ext/smdocs.py``). A directive, option, setting, warning subtype, rule,
platform or command-line option that the built reference does not show fails
:func:`test_reference_shows_everything`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
sys.path.insert(0, str(DOCS / "_ext"))

from smdocs import anchor  # noqa: E402

pytestmark = pytest.mark.slow

TODAY = dt.datetime(2026, 12, 2, 12, tzinfo=dt.UTC)
ID_RE = re.compile(r'\sid="([^"]+)"')
TAG_RE = re.compile(r"<[^>]+>")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """Build the docs once, as ``make docs`` does: (output folder, stderr)."""
    out = tmp_path_factory.mktemp("docs") / "html"
    # the example policy inside the docs is checked on a fixed day, so that its
    # review and training dates never go stale under the tests
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(int(TODAY.timestamp()))}
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-nW", "--keep-going", "-q"]
        + [str(DOCS), str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        env=env,
    )
    assert (out / "index.html").is_file(), result.stderr
    return out, f"exit {result.returncode}\n{result.stderr}"


def page_ids(out: Path, page: str) -> set[str]:
    return set(ID_RE.findall((out / page).read_text(encoding="utf-8")))


def page_text(out: Path, page: str) -> str:
    html = (out / page).read_text(encoding="utf-8")
    return TAG_RE.sub("", html).replace("&#8217;", "'").replace("&quot;", '"')


def page_words(out: Path, page: str) -> str:
    """The text of a page with its white space collapsed, as a reader sees it."""
    text = html.unescape(page_text(out, page)).translate(PLAIN_QUOTES)
    return " ".join(text.split())


#: the typographic quotes Sphinx writes, as typed
PLAIN_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def test_docs_build_without_warnings(built: tuple[Path, str]) -> None:
    out, stderr = built
    assert stderr == "exit 0\n", stderr
    for page in ("index", "tutorial", "example", "howto/index", "reference/index"):
        assert (out / f"{page}.html").is_file()


def test_example_policy_is_in_the_docs(built: tuple[Path, str]) -> None:
    """The example policy is built into ``example/``, and the example page links to
    its front page and to the page holding its registers."""
    out, _ = built
    page = (out / "example.html").read_text(encoding="utf-8")
    links = sorted(set(re.findall(r'href="(example/[^"#]+)"', page)))
    assert "example/index.html" in links
    assert all((out / link).is_file() for link in links), links
    registers = [
        link for link in links if "sm-register" in (out / link).read_text(encoding="utf-8")
    ]
    assert registers, links


# --- what the code declares ------------------------------------------------------------


def declared_directives() -> dict[str, list[str]]:
    """Every directive the extension registers, with its option names."""
    import sphinxcontrib_sociallpolicy as package
    from sphinxcontrib_sociallpolicy import schema

    found = {t.directive: [o.name for o in t.options] for t in schema.ITEM_TYPES}
    app = mock.MagicMock()
    package.setup(app)
    for call in app.add_directive.call_args_list:
        name, cls = call.args[:2]
        found.setdefault(name, list(getattr(cls, "option_spec", None) or {}))
    return found


def cli_commands() -> dict[str, argparse.ArgumentParser]:
    from sphinxcontrib_sociallpolicy.cli import build_parser

    parser = build_parser()
    commands = {parser.prog: parser}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            commands.update(action.choices)
    return commands


def expected_anchors() -> dict[str, dict[str, str]]:
    """page -> {anchor: what it documents}."""
    from sphinxcontrib_sociallpolicy import guidance
    from sphinxcontrib_sociallpolicy.config import SETTINGS
    from sphinxcontrib_sociallpolicy.directives import NEED_OPTIONS
    from sphinxcontrib_sociallpolicy.warnings import SmWarning

    pages: dict[str, dict[str, str]] = {}

    directives = pages.setdefault("reference/directives.html", {})
    for name, options in declared_directives().items():
        directives[anchor("directive", name)] = name
        for option in options:
            directives[anchor("option", name, option)] = f":{option}:"
    for option in NEED_OPTIONS:
        directives[anchor("option", "common", option)] = f":{option}:"

    config = pages.setdefault("reference/configuration.html", {})
    for setting in SETTINGS:
        config[anchor("confval", setting.name)] = setting.name

    from sphinxcontrib_sociallpolicy.guidance.engine import ITEM_RULES

    packs = [guidance.load_pack(path) for path in guidance.BUILTIN_PACKS.values()]
    rules = (
        {r.id for p in packs for r in p.requirements}
        | {r.id for r in guidance.ENGINE_RULES}
        | set(ITEM_RULES)
    )
    warnings = pages.setdefault("reference/warnings.html", {})
    for member in SmWarning:
        warnings[anchor("warning", f"sm.{member.value}")] = f"sm.{member.value}"
    for rule in rules:
        warnings[anchor("warning", f"sm.{rule.lower()}")] = f"sm.{rule.lower()}"

    guidance_page = pages.setdefault("reference/guidance.html", {})
    for pack in packs:
        for requirement in pack.requirements:
            guidance_page[anchor("rule", pack.id, requirement.id)] = requirement.id
    for requirement in guidance.ENGINE_RULES:
        guidance_page[anchor("rule", "engine", requirement.id)] = requirement.id
    for rule in ITEM_RULES:
        guidance_page[anchor("rule", "engine", rule)] = rule

    platforms = pages.setdefault("reference/platforms.html", {})
    for platform in guidance.load_catalogue([]):
        platforms[anchor("platform", platform.id)] = platform.id

    cli = pages.setdefault("reference/cli.html", {})
    for name, parser in cli_commands().items():
        cli[anchor("cli", name)] = name
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                continue
            option = (
                max(action.option_strings, key=len)
                if action.option_strings
                else str(action.metavar or action.dest)
            )
            cli[anchor("cli", name, option)] = option
    return pages


def test_reference_shows_everything(built: tuple[Path, str]) -> None:
    out, _ = built
    missing = []
    for page, anchors in expected_anchors().items():
        ids = page_ids(out, page)
        text = page_text(out, page)
        for node_id, shown in anchors.items():
            if node_id not in ids or shown not in text:
                missing.append(f"{page}: {shown} (#{node_id})")
    assert not missing, "the built reference does not show:\n" + "\n".join(missing)


def test_engine_rules_on_items_are_explained(built: tuple[Path, str]) -> None:
    """CTRL_NO_SUBSTANCE and DRAFT_PENDING have their severity and what they ask on
    the guidance page, as the engine declares them."""
    from sphinxcontrib_sociallpolicy.guidance.engine import ITEM_RULE_SEVERITY

    text = page_words(built[0], "reference/guidance.html")
    for rule, severity in ITEM_RULE_SEVERITY.items():
        at = text.index(f"{rule} —")
        entry = text[at : at + 1500]
        assert f"Severity : {severity}" in entry or f"Severity: {severity}" in entry, rule
        assert f"sm.{rule.lower()}" in entry, rule


def test_substance_windows_come_from_the_schema(built: tuple[Path, str]) -> None:
    """The page on what a pass means shows every repeated kind and every frequency
    with its window, as the schema has them."""
    from sphinxcontrib_sociallpolicy import schema

    text = page_words(built[0], "results.html")
    for kind in schema.RECURRING_KINDS:
        assert kind in text, kind
    for frequency, days in schema.FREQUENCY_DAYS.items():
        words = schema.FREQUENCY_WINDOW_WORDS[frequency]
        assert f"{frequency} {words} {days}" in text, frequency


def test_platform_aliases_and_how_to_are_shown(built: tuple[Path, str]) -> None:
    from sphinxcontrib_sociallpolicy import guidance

    text = page_words(built[0], "reference/platforms.html")
    for platform in guidance.load_catalogue([]):
        if platform.aliases:
            also = f"{platform.name} (also {', '.join(platform.aliases)})"
            assert also in text, platform.id
        if platform.how_to:
            assert " ".join(platform.how_to.split())[:60] in text, platform.id


#: page -> what it must explain, in the words (and names) a reader searches for
GUIDES = {
    "results.html": [
        "checked",
        "attested",
        "Results:",
        "Key",
        '"basis"',
        "summary.results",
        "Requirements: ",
        "CTRL_NO_SUBSTANCE",
        ":last-done:",
        ":owner:",
        "Draft: not yet adopted",
        "DRAFT_PENDING",
    ],
    "howto/documents.html": [
        ".. sm-document::",
        ":covers: ACC_OFFICIAL (section 4.1)",
        ":section:",
        "GOV_LINKED_POLICIES",
        "Missing: the behaviour policy",
    ],
    "howto/drafts.html": [
        ":status: draft",
        ":status: adopted",
        ":adopted-by:",
        ":adopted-on:",
        "adopt-suggestions: {by: Ms A Patel, on: 2026-11-20}",
        "drafted items wait for the school's decision",
    ],
    "howto/requirements.html": [
        "parts",
        "[[How to: {platform.how-to}]]",
        "not recorded",
        "first-released",
        "added",
        "changed",
        "checked-on",
        "verified",
    ],
    "howto/platforms.html": [
        "aliases",
        "how-to",
        "did you mean",
        "sm.option",
        "--on",
        "from: 2027-01-01",
        "verified: false",
        "address:",
        "accounts:",
        "safest-account:",
        "NOT CONFIRMED",
    ],
    "howto/guidance-changes.html": [
        "GUIDANCE_CHANGED",
        "New or changed since this policy was approved",
        "sociallpolicy guidance uk-online-safety --changes-since 2026-11-18",
        "first-released: 2026-09-01",
        "changed: 2026-11-10",
        ":approved-on:",
        'sm_disable = ["GUIDANCE_CHANGED"]',
    ],
    "howto/add-tool.html": [
        ":pupil-images: not-identifiable",
        ":lawful-basis: consent",
        ":dpia-on:",
        "IMG_PUBLIC_FACES",
        ":satisfies: DATA_LAWFUL_BASIS",
        "livestreaming",
        ":account: page",
    ],
}


def test_guides_explain_what_a_pass_rests_on(built: tuple[Path, str]) -> None:
    out, _ = built
    missing = [
        f"{page}: {words}"
        for page, needed in GUIDES.items()
        for words in needed
        if words not in page_words(out, page)
    ]
    assert not missing, missing


def test_condition_operators_are_explained(built: tuple[Path, str]) -> None:
    from sphinxcontrib_sociallpolicy.guidance import OPERATORS

    text = page_text(built[0], "howto/requirements.html")
    assert not [op for op in OPERATORS if f"{op}:" not in text]


def test_example_pack_in_the_docs_loads() -> None:
    from sphinxcontrib_sociallpolicy import guidance

    pack = guidance.load_pack(DOCS / "howto" / "trust-pack.yaml")
    assert pack.requirements


def rule_entries(out: Path, page: str) -> dict[str, str]:
    """Each generated entry of a reference page (a requirement, a platform's
    details), by its anchor: the words from its heading to the next one."""
    source = (out / page).read_text(encoding="utf-8")
    entries = {}
    for chunk in re.split(r'<p class="(?:rubric smdocs-rule|smdocs-rule rubric)"', source)[
        1:
    ]:
        match = ID_RE.search(chunk)
        assert match, chunk[:200]
        text = html.unescape(TAG_RE.sub(" ", chunk)).translate(PLAIN_QUOTES)
        entries[match.group(1)] = " ".join(text.split())
    return entries


def test_guidance_reference_shows_dates_and_confirmation(built: tuple[Path, str]) -> None:
    """Every requirement of the built-in packs shows when it was added and last
    changed, when its source was checked and whether it could be confirmed; each
    pack shows its first release; GUIDANCE_CHANGED is explained."""
    from sphinxcontrib_sociallpolicy import guidance

    out, _ = built
    entries = rule_entries(out, "reference/guidance.html")
    text = page_words(out, "reference/guidance.html")
    for path in guidance.BUILTIN_PACKS.values():
        pack = guidance.load_pack(path)
        if pack.first_released:
            assert re.search(rf"First released\s*:\s*{pack.first_released}", text), pack.id
        for requirement in pack.requirements:
            entry = entries[anchor("rule", pack.id, requirement.id)]
            wanted = []
            if requirement.added:
                wanted.append(f"Added : {requirement.added}")
            if requirement.changed:
                wanted.append(f"Changed : {requirement.changed}")
            if requirement.checked_on:
                wanted.append(f"Source checked on : {requirement.checked_on}")
            if not requirement.verified:
                wanted.append("Source confirmed : no")
            elif requirement.checked_on:
                wanted.append("Source confirmed : yes")
            missing = [w for w in wanted if w not in entry]
            assert not missing, (pack.id, requirement.id, missing)
    drift = entries[anchor("rule", "engine", guidance.DRIFT_RULE)]
    assert "--changes-since" in drift and "sm.guidance_changed" in drift


def test_platform_reference_shows_each_fact_with_its_record(
    built: tuple[Path, str],
) -> None:
    """Each platform's details give every minimum age (with the date it takes
    effect) and every fact with its source, address, check date and whether it was
    confirmed, and the accounts it offers with the safest; the table lists what is
    not confirmed."""
    from sphinxcontrib_sociallpolicy import guidance

    out, _ = built
    details = rule_entries(out, "reference/platforms.html")

    def shows(entry: str, fact: object, where: str) -> None:
        for value in (fact.source, fact.address):  # type: ignore[attr-defined]
            if value:
                assert " ".join(value.split()) in entry, (where, value)
        if fact.checked_on:  # type: ignore[attr-defined]
            assert str(fact.checked_on) in entry, (where, fact)  # type: ignore[attr-defined]

    for platform in guidance.load_catalogue([]):
        entry = details[anchor("platform", platform.id, "details")]
        for country, ages in platform.min_ages.items():
            for age in ages:
                assert country in entry, (platform.id, country)
                if age.start:
                    assert f"from {age.start}" in entry, (platform.id, country, age)
                shows(entry, age.fact, platform.id)
        for name, fact in platform.facts.items():
            assert name in entry, (platform.id, name)
            shows(entry, fact, platform.id)
        unconfirmed = platform.unverified()
        if unconfirmed:
            assert "no (not confirmed)" in entry, platform.id
            assert "Not confirmed : " + " , ".join(unconfirmed) in entry, platform.id
        for kind in platform.accounts:
            assert kind in entry, (platform.id, kind)
        if platform.safest_account:
            assert f"Safest account : {platform.safest_account}" in entry, platform.id
    summary = page_words(out, "reference/platforms.html")
    assert "Not confirmed" in summary and "(safest)" in summary


def test_account_error_in_the_guides_is_the_real_one(tmp_path: Path) -> None:
    """The input error the platform guide shows for ``:account: page`` on X is the
    one ``sociallpolicy check`` gives for the example policy so changed."""
    src = tmp_path / "policy"
    shutil.copytree(ROOT / "example_project", src, ignore=shutil.ignore_patterns("_build"))
    tools = src / "tools.rst"
    text = tools.read_text(encoding="utf-8")
    assert "   :platform: x\n" in text and "   :account: profile\n" in text
    tools.write_text(text.replace("   :account: profile\n", "   :account: page\n"), "utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "sphinxcontrib_sociallpolicy.cli", "check", str(src)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
        env={**os.environ, "SOURCE_DATE_EPOCH": str(int(TODAY.timestamp()))},
    )
    assert result.returncode == 2, result.stdout + result.stderr
    (line,) = [x for x in result.stdout.splitlines() if "error" in x and ":account:" in x]
    message = line.split("error", 1)[1].strip()
    guide = (DOCS / "howto" / "platforms.rst").read_text(encoding="utf-8")
    assert message in guide, message
