"""Every bad pack or catalogue file is one located error, never a traceback (issue 14).

Loading raises only :class:`PackError` (packs) or :class:`PlatformError` (catalogue
files), whose text starts ``file:line:`` (``file:`` alone only where no line exists:
a missing or empty file) and says what is wrong. The tables below hold at least one
document per class of bad input (wrong types, impossible dates, huge numbers,
characters and encodings YAML cannot read, absurd month counts, keys that are not
words ...); the property tests mutate a valid pack and a valid catalogue at random
and check that loading either succeeds, and then evaluating never raises, or fails
with a located error inside the file.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
from pathlib import Path
from typing import Any

import pytest
from guidance_cases import TODAY, load_cases, make_policy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sphinxcontrib_sociallpolicy.guidance import (
    Context,
    PackError,
    PlatformError,
    evaluate,
    load_catalogue,
    load_pack,
    requirements_of,
    resolve_packs,
)
from sphinxcontrib_sociallpolicy.guidance.checks import Where
from sphinxcontrib_sociallpolicy.guidance.conditions import (
    Compare,
    Operand,
    compile_condition,
)
from sphinxcontrib_sociallpolicy.guidance.fields import DATE, NUMBER, add_months
from sphinxcontrib_sociallpolicy.guidance.loader import load_yaml_text
from sphinxcontrib_sociallpolicy.model import Item, Policy

# --- a valid pack and a valid catalogue file ------------------------------------------

PACK = """\
pack: test-pack
title: A pack for the tests
source: tests/guidance/test_loader_failures.py
version: "1"
first-released: 2026-01-01
requirements:
  - id: MOD_TEST
    title: Comments are approved first
    text: Comments wait for approval.
    severity: must
    source: the tests
    theme: moderation
    applies-to: tool
    added: 2026-01-01
    when: {equals: {comments: premoderated}}
    check: {within-months: {approved-on: 12}}
    message: "'{title}' is not approved."
    fix: Approve it.
  - id: GOV_TEST
    title: The policy is reviewed
    text: The policy is reviewed.
    severity: should
    source: the tests
    theme: governance
    applies-to: [policy]
    parts:
      - check: {compare: "next-review >= approved-on + 1 months"}
        message: The review date is too early.
      - check:
          any:
            - {present: approved-by}
            - not: {one-of: {country: [GB, FR]}}
        message: "Approved by: {approved-by}."
        when: {mentions: {content: [social]}}
  - id: ACC_TEST
    title: Staff are trained
    text: Staff are trained.
    severity: may
    source: the tests
    theme: accounts
    applies-to: tool
    checked-on: 2026-11-24
    verified: false
    check:
      linked:
        items: control
        whose: applies-to
        kinds: [staff-training]
        where: {within-months: {last-done: policy.review-cycle}}
        at-least: 1
  - id: AGE_TEST
    title: Pupils are old enough
    text: Pupils are old enough for the platform.
    severity: must
    source: the tests
    theme: age
    applies-to: tool
    when: {includes: {audience: [pupils]}}
    check:
      all:
        - compare: platform.min-age <= policy.youngest-pupil-age
        - {if: {equals: {platform.school-controlled: false}}, then: {present: dpia-on}}
        - compare: "today - 24 months <= 2026-12-31"
    message: "[[{platform.name}: ]]'{title}' has pupils under {platform.min-age}."
"""

CATALOGUE = """\
catalogue: Test catalogue
digital-consent-age:
  source: a law
  checked-on: 2026-11-24
  ages: {default: 16, GB: 13}
platforms:
  - id: test-space
    name: Test Space
    category: social-network
    school-controlled: false
    min-age:
      default: 13
      AU:
        - age: 13
        - {age: 16, from: 2025-12-10, source: a law, checked-on: 2026-12-02}
    premoderation: {value: true, source: help, address: https://x.example, verified: false}
    membership-control: true
    private-groups: true
    accounts: {page: {premoderation: false}, group: {}}
    safest-account: group
    source: the platform's terms
    checked-on: 2026-11-24
    aliases: [test-alias]
    how-to: Settings, then Privacy.
    notes: none
  - id: facebook
    source: a newer help page
    checked-on: 2026-12-01
    min-age: {GB: [{age: 13, checked-on: 2026-12-01}]}
    accounts: [page, group]
"""


def _line(text: str, old: str) -> int:
    """The line (1-based) where ``old`` starts in ``text``."""
    assert old in text, old
    return text[: text.index(old)].count("\n") + 1


def _sub(base: str, old: str, new: str) -> tuple[str, int]:
    """``base`` with ``old`` replaced by ``new``, and the line of ``old``."""
    return base.replace(old, new, 1), _line(base, old)


def pack(old: str, new: str, line: int | None = None) -> tuple[str, int]:
    text, at = _sub(PACK, old, new)
    return text, line or at


def catalogue(old: str, new: str, line: int | None = None) -> tuple[str, int]:
    text, at = _sub(CATALOGUE, old, new)
    return text, line or at


CHECK = "check: {within-months: {approved-on: 12}}"
ACCOUNTS = "accounts: {page: {premoderation: false}, group: {}}"
WHEN = "when: {equals: {comments: premoderated}}"
HUGE = "9" * 5000

# (id, (document, line), what the message says)
BAD_PACKS: list[tuple[str, tuple[str | bytes, int], str]] = [
    # 1. a list, a mapping or another type where a word or a mapping is expected
    ("theme-list", pack("theme: moderation", "theme: [governance]"), "'theme' is a list"),
    ("theme-mapping", pack("theme: moderation", "theme: {a: 1}"), "'theme' is a mapping"),
    ("theme-number", pack("theme: moderation", "theme: 3"), "'theme' is 3; allowed"),
    ("severity-list", pack("severity: must", "severity: [must]"), "'severity' is a list"),
    ("severity-true", pack("severity: must", "severity: true"), "'severity' is true"),
    (
        "applies-to-nested",
        pack("applies-to: tool", "applies-to: [[tool]]"),
        "'applies-to' is a list",
    ),
    (
        "applies-to-mapping",
        pack("applies-to: tool", "applies-to: {tool: 1}"),
        "'applies-to' is a mapping",
    ),
    ("id-list", pack("id: MOD_TEST", "id: [MOD_TEST]"), "'id' is a list; write the rule"),
    ("id-number", pack("id: MOD_TEST", "id: 12"), "'id' is 12; write the rule ID"),
    ("pack-list", pack("pack: test-pack", "pack: [a]"), "'pack' is a list; write the pack"),
    ("pack-number", pack("pack: test-pack", "pack: 5"), "'pack' is 5; write the pack ID"),
    ("title-list", pack("title: A pack for the tests", "title: [a]"), "'title' is a list"),
    ("title-true", pack("title: Comments are approved first", "title: true"), "is true"),
    ("title-empty", pack("title: Comments are approved first", "title: ~"), "is empty"),
    (
        "version-number",
        pack('version: "1"', "version: 1.5"),
        "a number; write it in quotes",
    ),
    (
        "requirements-mapping",
        ('pack: p\ntitle: t\nsource: s\nversion: "1"\nrequirements: {a: 1}\n', 5),
        "'requirements' must be a list",
    ),
    (
        "requirement-text",
        pack("  - id: MOD_TEST\n", "  - just words\n  - id: MOD_TEST\n"),
        "a requirement must be a mapping",
    ),
    ("parts-mapping", pack(CHECK, "parts: {a: 1}"), "'parts' must be a list"),
    ("part-list", pack(CHECK, "parts: [[a]]"), "a part must be a mapping"),
    ("when-text", pack(WHEN, "when: always"), "a condition must be a mapping"),
    ("check-number", pack(CHECK, "check: 12"), "a condition must be a mapping"),
    ("equals-list", pack(WHEN, "when: {equals: {comments: [off]}}"), "not a list"),
    ("equals-number-key", pack(WHEN, "when: {equals: {1: off}}"), "must name a field"),
    ("one-of-mapping", pack(WHEN, "when: {one-of: {comments: {a: b}}}"), "a list of"),
    ("includes-nested", pack(WHEN, "when: {includes: {audience: [[a]]}}"), "not a list"),
    ("mentions-mapping", pack(WHEN, "when: {mentions: {content: {a: b}}}"), "a word"),
    ("present-mapping", pack(WHEN, "when: {present: {a: b}}"), "must name a field"),
    ("all-mapping", pack(WHEN, "when: {all: {a: b}}"), "'all' must be a non-empty list"),
    ("if-list", pack(WHEN, "when: {if: [a], then: b}"), "a condition must be a mapping"),
    ("compare-list", pack(CHECK, "check: {compare: [a, b]}"), "'compare' needs text"),
    (
        "within-months-list",
        pack(CHECK, "check: {within-months: {approved-on: [12]}}"),
        "a list is not a number of months",
    ),
    (
        "linked-items-list",
        pack(CHECK, "check: {linked: {items: [control], anywhere: true}}"),
        "'linked' needs 'items:'",
    ),
    (
        "linked-whose-list",
        pack(CHECK, "check: {linked: {items: control, whose: [applies-to]}}"),
        "whose: a list is not a link",
    ),
    (
        "linked-kinds-nested",
        pack(CHECK, "check: {linked: {items: control, anywhere: true, kinds: [[a]]}}"),
        "kinds: a list is not a control kind",
    ),
    (
        "message-list",
        pack("message: \"'{title}' is not approved.\"", "message: [a]"),
        "list",
    ),
    ("fix-mapping", pack("fix: Approve it.", "fix: {a: b}"), "'fix' is a mapping"),
    ("verified-text", pack("verified: false", "verified: 'no'"), "allowed: true, false"),
    ("added-list", pack("added: 2026-01-01", "added: [2026-01-01]"), "'added' is a list"),
    # 2. dates that do not exist, or outside 1900-2199
    ("date-feb-30", pack("2026-01-01", "2024-02-30"), "'2024-02-30' is not a real date"),
    ("date-year-0", pack("2026-01-01", "0000-01-01"), "'0000-01-01' is not a real date"),
    ("date-month-13", pack("2026-01-01", "2026-13-01"), "is not a real date"),
    ("date-hour-25", pack("2026-01-01", "2026-01-01 25:00:00"), "is not a real date"),
    ("date-1066", pack("2026-01-01", "1066-10-14"), "outside the years 1900 to 2199"),
    ("date-2200", pack("added: 2026-01-01", "added: 2200-01-01"), "outside the years"),
    ("date-quoted-1066", pack("2026-01-01", "'1066-10-14'"), "outside the years 1900"),
    ("date-quoted-feb-30", pack("2026-01-01", '"2024-02-30"'), "is not a real date"),
    (
        "equals-date-1066",
        pack(CHECK, "check: {equals: {approved-on: '1066-01-01'}}"),
        "'1066-01-01' is outside the years 1900 to 2199",
    ),
    (
        "compare-date-0001",
        pack(CHECK, "check: {compare: approved-on >= 0001-01-01}"),
        "0001-01-01 is outside the years 1900 to 2199",
    ),
    (
        "compare-date-feb-30",
        pack(CHECK, "check: {compare: approved-on >= 2024-02-30}"),
        "2024-02-30 is not a real date",
    ),
    # 3. numbers too long to be numbers
    ("int-5000-digits", pack('version: "1"', f"version: {HUGE}"), "has 5000 digits"),
    ("int-hex-huge", pack('version: "1"', "version: 0x" + "f" * 5000), "too large"),
    (
        "int-sexagesimal",
        pack('version: "1"', "version: " + ":".join(["59"] * 2500)),
        "digits",
    ),
    (
        "at-least-huge",
        pack(
            CHECK,
            "check: {linked: {items: control, anywhere: true, at-least: 1"
            + "0" * 30
            + "}}",
        ),
        "has 31 digits",
    ),
    (
        "compare-number-huge",
        pack(CHECK, f"check: {{compare: 'platform.min-age <= {HUGE}'}}"),
        "is not a whole number of at most 9 digits",
    ),
    # 4. characters, encodings and text YAML cannot read; files that cannot be read
    ("nul", pack("Comments wait", "Comments\x00 wait"), "control character U+0000"),
    ("c1-control", pack("Comments wait", "Comments\x85 wait"), "control character U+0085"),
    ("escape", pack("Comments wait", "Comments\x1b wait"), "control character U+001B"),
    ("noncharacter", pack("Comments wait", "Comments\uffff wait"), "character U+FFFF"),
    ("latin-1", (pack("Comments wait", "Café wait")[0].encode("latin-1"), 9), "not UTF-8"),
    ("utf-16", (PACK.encode("utf-16"), 1), "saved as UTF-16"),
    ("utf-16-without-mark", (PACK.encode("utf-16-le"), 1), "saved as UTF-16"),
    ("tab", pack("    title: Comments", "\ttitle: Comments"), "not tabs"),
    ("colon-in-text", pack("text: Comments wait", "text: Note: comments wait"), "quotes"),
    ("unclosed-brace", pack(WHEN, "when: {equals: {comments: premoderated}"), "valid YAML"),
    ("stray-bracket", (PACK + "  - ]\n", PACK.count("\n") + 1), "not valid YAML"),
    ("two-documents", (PACK + "---\npack: other\n", PACK.count("\n") + 1), "'---'"),
    ("str-tag-on-mapping", pack('version: "1"', "version: !!str {a: 1}"), "valid YAML"),
    ("undefined-tag-handle", pack('version: "1"', "version: !x!y 1"), "in quotes"),
    ("python-tag", pack('version: "1"', "version: !!python/name:os.system"), "not allowed"),
    ("custom-tag", pack('version: "1"', "version: !include other.yaml"), "not allowed"),
    # 5. absurd month counts
    (
        "within-months-billion",
        pack(CHECK, "check: {within-months: {approved-on: 1000000000}}"),
        "is more than 1200",
    ),
    (
        "within-months-1201",
        pack(CHECK, "check: {within-months: {approved-on: 1201}}"),
        "1201 months is more than 1200",
    ),
    (
        "plus-months-2000",
        pack(CHECK, "check: {compare: approved-on + 2000 months >= today}"),
        "'2000' months is more than 1200",
    ),
    (
        "minus-months-eleven-digits",
        pack(CHECK, "check: {compare: today - 99999999999 months <= approved-on}"),
        "at most 9 digits",
    ),
    # 6. lines counted as an editor counts them
    ("line-separator", pack("A pack for", "A pack\u2028for"), "line separator U+2028"),
    ("paragraph-separator", pack("Comments wait", "Comments\u2029wait"), "U+2029"),
    (
        "crlf",
        (pack("theme: moderation", "theme: [x]")[0].replace("\n", "\r\n").encode(), 12),
        "'theme' is a list",
    ),
    (
        "cr-only",
        (pack("theme: moderation", "theme: [x]")[0].replace("\n", "\r").encode(), 12),
        "'theme'",
    ),
    (
        "byte-order-mark",
        ("\ufeff" + pack("theme: moderation", "theme: [x]")[0], 12),
        "'theme'",
    ),
    # 7. documents that are not a pack, keys that are not words, nesting
    ("top-list", ("- a\n- b\n", 1), "a guidance pack must be a mapping"),
    ("top-text", ("hello\n", 1), "not text"),
    ("deep-flow", ("pack: " + "[" * 100 + "]" * 100 + "\n", 1), "nested more than 50"),
    ("deep-unclosed", ("pack: " + "[" * 10000 + "\n", 1), "nested more than 50"),
    ("deep-block", ("".join("  " * i + "-\n" for i in range(80)), 51), "nested"),
    (
        "key-list",
        pack("pack: test-pack", "[a]: b\npack: test-pack"),
        "a key must be a word",
    ),
    (
        "key-mapping",
        pack("pack: test-pack", "? {a: 1}\n: b\npack: test-pack"),
        "a key must be a word",
    ),
    ("key-number", pack("pack: test-pack", "1: x\npack: test-pack"), "unknown key 1"),
    ("key-null", pack("pack: test-pack", "~: x\npack: test-pack"), "unknown key empty"),
    ("key-true", pack("pack: test-pack", "true: x\npack: test-pack"), "unknown key true"),
    (
        "key-twice",
        pack("    fix: Approve it.", "    fix: Approve it.\n    fix: Again.", 19),
        "the key 'fix' appears twice",
    ),
    (
        "requirement-twice",
        (
            PACK + PACK[PACK.index("  - id: MOD_TEST") : PACK.index("  - id: GOV_TEST")],
            PACK.count("\n") + 1,
        ),
        "requirement MOD_TEST appears twice",
    ),
    ("anchor", pack('version: "1"', 'version: &v "1"'), "the anchor &v is not allowed"),
    ("merge-key", pack('version: "1"', 'version: "1"\n<<: {a: 1}', 5), "merge key"),
    ("int-tag-on-word", pack('version: "1"', "version: !!int abc"), "not a whole number"),
    ("float-tag-on-word", pack('version: "1"', "version: !!float abc"), "!!float"),
    ("bool-tag-on-word", pack('version: "1"', "version: !!bool maybe"), "!!bool"),
    ("timestamp-tag-on-word", pack('version: "1"', "version: !!timestamp x"), "real date"),
    ("map-tag-on-word", pack('version: "1"', "version: !!map abc"), "!!map is only for"),
    ("seq-tag-on-word", pack('version: "1"', "version: !!seq abc"), "!!seq is only for"),
]

BAD_CATALOGUES: list[tuple[str, tuple[str | bytes, int], str]] = [
    # 1. wrong types
    ("min-age-list", catalogue("default: 13\n", "default: [[13]]\n"), "is a list"),
    ("min-age-mapping", catalogue("default: 13\n", "default: {a: 1}\n"), "unknown key 'a'"),
    ("min-age-true", catalogue("default: 13\n", "default: true\n"), "an age from 0 to 25"),
    ("min-age-number-key", catalogue("      AU:\n", "      12: 1\n      AU:\n"), "key 12"),
    ("age-record-list", catalogue("{age: 16, from", "{age: [16], from"), "is a list"),
    ("from-list", catalogue("from: 2025-12-10", "from: [2025-12-10]"), "'from' is a list"),
    ("accounts-nested", catalogue(ACCOUNTS, "accounts: [[page]]"), "has a list"),
    (
        "accounts-twice",
        catalogue("accounts: [page, group]", "accounts: [page, page]"),
        "twice",
    ),
    ("accounts-number", catalogue(ACCOUNTS, "accounts: {1: {}}"), "'accounts' has 1"),
    ("account-facts-list", catalogue("group: {}}", "group: [premoderation]}"), "a list"),
    (
        "account-fact-text",
        catalogue("{premoderation: false}", "{premoderation: 'no'}"),
        "true",
    ),
    (
        "safest-list",
        catalogue("safest-account: group", "safest-account: [group]"),
        "a list",
    ),
    (
        "safest-mapping",
        catalogue("safest-account: group", "safest-account: {a: b}"),
        "mapping",
    ),
    ("aliases-mapping", catalogue("aliases: [test-alias]", "aliases: {a: 1}"), "a mapping"),
    ("aliases-nested", catalogue("aliases: [test-alias]", "aliases: [[b]]"), "has a list"),
    ("aliases-number", catalogue("aliases: [test-alias]", "aliases: 12"), "has 12"),
    ("category-list", catalogue("category: social-network", "category: [blog]"), "a list"),
    (
        "name-record-list",
        catalogue("name: Test Space", "name: {value: [T], source: x}"),
        "list",
    ),
    ("fact-value-list", catalogue("{value: true,", "{value: [true],"), "is a list"),
    ("fact-verified-text", catalogue("verified: false}", "verified: 'no'}"), "true, false"),
    (
        "fact-source-list",
        catalogue("source: help,", "source: [help],"),
        "'source' is a list",
    ),
    ("id-list", catalogue("id: test-space", "id: [test-space]"), "'id' is a list"),
    ("id-number", catalogue("id: test-space", "id: 5"), "'id' is 5"),
    ("platforms-mapping", ("platforms: {a: 1}\n", 1), "'platforms' must be a list"),
    (
        "entry-text",
        catalogue("  - id: test-space\n", "  - facebook\n  - id: test-space\n"),
        "text",
    ),
    ("consent-list", catalogue("ages: {default: 16, GB: 13}", "ages: [16]"), "not a list"),
    ("catalogue-list", catalogue("catalogue: Test catalogue", "catalogue: [a]"), "a list"),
    ("notes-list", catalogue("notes: none", "notes: [none]"), "'notes' is a list"),
    # 2. dates
    (
        "checked-on-feb-30",
        catalogue("checked-on: 2026-11-24\n", "checked-on: 2026-02-30\n"),
        "real",
    ),
    (
        "checked-on-year-0",
        catalogue("checked-on: 2026-11-24\n", "checked-on: 0000-11-24\n"),
        "real",
    ),
    (
        "checked-on-2200",
        catalogue("checked-on: 2026-11-24\n", "checked-on: 2200-01-01\n"),
        "1900",
    ),
    ("from-1066", catalogue("from: 2025-12-10", "from: 1066-12-10"), "outside the years"),
    (
        "from-quoted-9999",
        catalogue("from: 2025-12-10", "from: '9999-12-10'"),
        "outside the",
    ),
    (
        "from-quoted-feb-30",
        catalogue("from: 2025-12-10", "from: '2025-02-30'"),
        "real date",
    ),
    (
        "record-checked-on-bad",
        catalogue("checked-on: 2026-12-02}", "checked-on: 2026-13-02}"),
        "real",
    ),
    (
        "checked-on-number",
        catalogue("checked-on: 2026-11-24\n", "checked-on: 20261124\n"),
        "YYYY",
    ),
    # 3. numbers
    (
        "age-hex-huge",
        catalogue("default: 13\n", "default: 0x" + "f" * 40 + "\n"),
        "too large",
    ),
    ("age-5000-digits", catalogue("default: 13\n", f"default: {HUGE}\n"), "5000 digits"),
    # 4. characters, encodings, YAML
    (
        "nul",
        catalogue("name: Test Space", "name: Test\x00Space"),
        "control character U+0000",
    ),
    ("delete-char", catalogue("name: Test Space", "name: Test\x7fSpace"), "U+007F"),
    (
        "latin-1",
        (catalogue("name: Test Space", "name: Tést")[0].encode("latin-1"), 8),
        "UTF-8",
    ),
    ("bad-yaml", catalogue("name: Test Space", "name: Test: Space"), "not valid YAML"),
    ("two-documents", ("platforms: []\n---\nplatforms: []\n", 2), "one document"),
    # 7. other shapes
    ("top-list", ("- a\n", 1), "a catalogue file must be a mapping"),
    (
        "key-list",
        catalogue("    name: Test Space", "    [name]: Test Space"),
        "a key must be",
    ),
    (
        "key-twice",
        catalogue("    notes: none", "    notes: none\n    notes: again", 26),
        "twice",
    ),
    ("deep", ("platforms: " + "{a: " * 60 + "1" + "}" * 60 + "\n", 1), "nested more than"),
]


def _write(directory: Path, name: str, document: str | bytes) -> Path:
    path = directory / name
    path.write_bytes(document.encode("utf-8") if isinstance(document, str) else document)
    return path


def test_the_valid_documents_load() -> None:
    assert load_yaml_text(PACK, "pack.yaml")["pack"] == "test-pack"
    assert load_yaml_text(CATALOGUE, "c.yaml")["platforms"][0]["id"] == "test-space"


def test_the_valid_pack_and_catalogue_are_valid(tmp_path: Path) -> None:
    loaded = load_pack(_write(tmp_path, "pack.yaml", PACK))
    assert [r.id for r in loaded.requirements] == [
        "MOD_TEST",
        "GOV_TEST",
        "ACC_TEST",
        "AGE_TEST",
    ]
    found = load_catalogue([_write(tmp_path, "catalogue.yaml", CATALOGUE)])
    assert found.get("test-alias") is not None
    assert found.get("facebook") is not None


@pytest.mark.parametrize(
    ("document", "message"),
    [(case[1], case[2]) for case in BAD_PACKS],
    ids=[case[0] for case in BAD_PACKS],
)
def test_bad_pack_is_a_located_pack_error(
    tmp_path: Path, document: tuple[str | bytes, int], message: str
) -> None:
    text, line = document
    path = _write(tmp_path, "bad.yaml", text)
    with pytest.raises(PackError) as info:
        load_pack(path)
    error = info.value
    assert type(error) is PackError
    assert str(error).startswith(f"{path}:{line}: "), str(error)
    assert (error.path, error.line) == (str(path), line)
    assert message in error.message, str(error)


@pytest.mark.parametrize(
    ("document", "message"),
    [(case[1], case[2]) for case in BAD_CATALOGUES],
    ids=[case[0] for case in BAD_CATALOGUES],
)
def test_bad_catalogue_is_a_located_platform_error(
    tmp_path: Path, document: tuple[str | bytes, int], message: str
) -> None:
    text, line = document
    path = _write(tmp_path, "bad.yaml", text)
    with pytest.raises(PlatformError) as info:
        load_catalogue([path])
    error = info.value
    assert str(error).startswith(f"{path}:{line}: "), str(error)
    assert (error.path, error.line) == (str(path), line)
    assert message in error.message, str(error)


def test_every_class_has_several_cases() -> None:
    assert len(BAD_PACKS) >= 60 and len(BAD_CATALOGUES) >= 40
    assert len({case[0] for case in BAD_PACKS}) == len(BAD_PACKS)
    assert len({case[0] for case in BAD_CATALOGUES}) == len(BAD_CATALOGUES)


# --- files without lines ---------------------------------------------------------------


def test_files_that_cannot_be_read(tmp_path: Path) -> None:
    missing = tmp_path / "missing.yaml"
    with pytest.raises(PackError) as info:
        load_pack(missing)
    assert str(info.value) == f"{missing}: the guidance pack file does not exist"
    with pytest.raises(PackError) as info:
        load_pack(tmp_path)
    assert (
        str(info.value)
        == f"{tmp_path}: this is a folder, not a file; name the YAML file in it"
    )
    with pytest.raises(PackError) as info:
        load_pack(tmp_path / "nul\x00.yaml")
    assert str(info.value).startswith(f"{tmp_path / 'nul'}")
    assert "cannot be read" in info.value.message
    with pytest.raises(PlatformError) as info:
        load_catalogue([tmp_path])
    assert str(info.value).startswith(f"{tmp_path}: this is a folder")
    with pytest.raises(PlatformError) as info:
        load_catalogue([tmp_path / "file.yaml" / "below.yaml"])
    assert "cannot be read" in str(info.value) or "does not exist" in str(info.value)


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads any file"
)
def test_a_file_without_read_permission(tmp_path: Path) -> None:
    path = _write(tmp_path, "locked.yaml", PACK)
    path.chmod(0)
    try:
        with pytest.raises(PackError, match="permission denied"):
            load_pack(path)
    finally:
        path.chmod(0o644)


@pytest.mark.parametrize("text", ["", "# only a comment\n", "~\n", "\n\n"])
def test_empty_files(tmp_path: Path, text: str) -> None:
    path = _write(tmp_path, "empty.yaml", text)
    with pytest.raises(PackError) as info:
        load_pack(path)
    assert str(info.value).startswith(f"{path}: the file is empty; a pack has ")
    with pytest.raises(PlatformError) as info:
        load_catalogue([path])
    assert str(info.value).startswith(f"{path}: the file is empty; a catalogue file has")


def test_a_duplicate_pack_id_names_the_line(tmp_path: Path) -> None:
    _write(tmp_path, "one.yaml", PACK)
    _write(tmp_path, "two.yaml", "# a copy\n" + PACK)
    with pytest.raises(PackError) as info:
        resolve_packs(["one.yaml", "two.yaml"], tmp_path)
    assert str(info.value).startswith(f"{tmp_path / 'two.yaml'}:2: the pack ID 'test-pack'")


# --- evaluation never raises -----------------------------------------------------------


def test_add_months_is_unknown_outside_the_calendar() -> None:
    day = dt.date(2026, 1, 31)
    assert add_months(day, 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(9999, 12, 1), 1) is None
    assert add_months(dt.date(1, 1, 1), -1) is None
    assert add_months(day, 10**30) is None
    assert add_months(day, -(10**30)) is None
    assert add_months(day, float("inf")) is None
    assert add_months(day, float("nan")) is None
    assert add_months(day, "twelve") is None


def _odd_policy() -> Policy:
    """A policy with values no directive would accept: a huge month count, dates at
    the ends of the calendar."""
    return Policy.from_items(
        [
            Item(
                id="POLICY",
                kind="policy",
                title="Policy",
                fields={
                    "approved-on": "9999-12-31",
                    "next-review": dt.date(1, 1, 1),
                    "review-cycle": 10**30,
                    "pupil-ages": "4-11",
                    "country": "GB",
                },
                content="social media",
            ),
            Item(
                id="TOOL_X",
                kind="tool",
                title="X",
                fields={
                    "platform": "facebook",
                    "comments": "premoderated",
                    "approved-on": dt.date(9999, 12, 31),
                    "audience": ["pupils"],
                    "account": "page",
                },
            ),
            Item(
                id="CTRL_X",
                kind="control",
                title="Training",
                fields={
                    "kind": "staff-training",
                    "last-done": "0001-01-01",
                    "frequency": "annual",
                    "owner": "A",
                },
                links={"applies-to": ["TOOL_X"]},
                content="Staff are trained.",
            ),
        ]
    )


@pytest.mark.parametrize(
    "today", [TODAY, dt.date(1, 1, 1), dt.date(9999, 12, 31), dt.datetime(2026, 11, 24, 9)]
)
def test_evaluation_never_raises(tmp_path: Path, today: dt.date) -> None:
    requirements = [
        *requirements_of(resolve_packs(["kent-2010", "uk-online-safety"], tmp_path)),
        *load_pack(_write(tmp_path, "pack.yaml", PACK)).requirements,
    ]
    result = evaluate(_odd_policy(), requirements, load_catalogue(), today=today)
    assert result.findings


def test_date_arithmetic_outside_the_calendar_is_unknown(tmp_path: Path) -> None:
    text = PACK.replace(
        '{compare: "next-review >= approved-on + 1 months"}',
        '{compare: "approved-on + review-cycle months >= today"}',
    )
    requirements = load_pack(_write(tmp_path, "pack.yaml", text)).requirements
    result = evaluate(_odd_policy(), requirements, load_catalogue(), today=TODAY)
    rules = {f.rule for f in result.findings if f.item == "POLICY"}
    assert "GOV_TEST" in rules  # unknown: not met, and no exception
    policy = _odd_policy()
    item = policy.items["POLICY"]
    item.fields["next-review"] = "2026-01-01"
    ctx = Context(policy, load_catalogue(), country="GB", today=TODAY)
    within = compile_condition(
        load_yaml_text("within-months: {next-review: review-cycle}", "c"),
        1,
        ("policy",),
        Where("c", ""),
    )
    assert within.test(item, ctx) is False  # 10**30 months back: unknown
    assert within.why(item, ctx) is None


def test_values_that_do_not_compare_are_not_met() -> None:
    condition = Compare(
        1,
        "x < y",
        Operand("x", DATE, literal=dt.date(2026, 1, 1)),
        "<",
        Operand("y", NUMBER, literal=3),
    )
    policy = _odd_policy()
    ctx = Context(policy, load_catalogue(), country="GB", today=TODAY)
    assert condition.test(policy.items["POLICY"], ctx) is False


def test_a_condition_error_is_located_for_filters_too() -> None:
    with pytest.raises(PackError) as info:
        load_yaml_text("equals: {a: 2024-02-30}\n", "filter")
    assert str(info.value).startswith("filter:1: '2024-02-30' is not a real date")


# --- property tests: mutated documents --------------------------------------------------

#: values put in place of a value (YAML text): wrong types, odd dates and numbers
ODD_VALUES = [
    "[a, b]",
    "[[a]]",
    "{a: 1}",
    "{}",
    "[]",
    "~",
    "true",
    "false",
    "-1",
    "0",
    "1201",
    "1.5",
    ".inf",
    ".nan",
    "0x1F",
    "1:20",
    "2024-02-30",
    "0000-01-01",
    "1066-10-14",
    "2200-01-01",
    "2026-11-24",
    "'2026-11-24'",
    "2026-11-24 10:00:00",
    "9" * 30,
    "9" * 4400,
    "!!int abc",
    "!!str",
    "!!map x",
    "&a x",
    "*a",
    "<<",
    "=",
    "? x",
    "- x",
    "'unclosed",
    '"a\\x00b"',
    "|\n  text",
    ">-\n  text",
    "today - 99999 months",
    "policy.review-cycle",
    "platform.min-age",
    "{present: approved-on}",
    "{within-months: {approved-on: 1000000000}}",
    "{compare: 'today - 1200 months <= approved-on'}",
    "{linked: {items: control, anywhere: true, at-least: 99999}}",
]
#: characters inserted anywhere: YAML syntax, controls, line breaks, odd Unicode
ODD_CHARS = list(":-[]{},#&*!|>'\"%@`?\t\n\r \x00\x07\x1b\x7f\x85\xa0\u2028\ufeff\uffffé")

# any text but surrogates (a file cannot hold them) and control characters (the
# loader refuses them first: ODD_CHARS brings them in now and then)
_text = st.text(
    alphabet=st.characters(exclude_categories=("Cs", "Cc")), min_size=0, max_size=12
)
_odd_value = st.sampled_from(ODD_VALUES)
_value = st.one_of(
    _odd_value,
    _odd_value,
    _text,
    st.integers(min_value=-(10**25), max_value=10**25).map(str),
)
_replace_value = st.tuples(st.just("value"), st.integers(0, 10**6), _value)
# replacing a value is the commonest change: it reaches the checks past the YAML
_op = st.one_of(
    _replace_value,
    _replace_value,
    _replace_value,
    st.tuples(
        st.just("insert"),
        st.integers(0, 10**6),
        st.integers(0, 200),
        st.one_of(st.sampled_from(ODD_CHARS), _text),
    ),
    st.tuples(st.just("delete"), st.integers(0, 10**6), st.integers(0, 200)),
    st.tuples(st.just("drop-line"), st.integers(0, 10**6)),
    st.tuples(st.just("copy-line"), st.integers(0, 10**6), st.integers(0, 10**6)),
    st.tuples(st.just("indent"), st.integers(0, 10**6), st.integers(-4, 4)),
)


def _mutate(text: str, ops: list[tuple[Any, ...]]) -> str:
    lines = text.split("\n")
    for op in ops:
        kind, at = op[0], op[1] % len(lines)
        line = lines[at]
        if kind == "value":
            if ": " in line or line.rstrip().endswith(":"):
                key = line.split(":", 1)[0]
                lines[at] = f"{key}: {op[2]}"
            elif line.lstrip().startswith("- "):
                lines[at] = line[: line.index("- ") + 2] + op[2]
            else:
                lines[at] = line + op[2]
        elif kind == "insert":
            col = op[2] % (len(line) + 1)
            lines[at] = line[:col] + op[3] + line[col:]
        elif kind == "delete" and line:
            col = op[2] % len(line)
            lines[at] = line[:col] + line[col + 1 :]
        elif kind == "drop-line" and len(lines) > 1:
            del lines[at]
        elif kind == "copy-line":
            lines.insert(op[2] % len(lines), line)
        elif kind == "indent":
            delta = op[2]
            lines[at] = " " * delta + line if delta > 0 else line[-delta:]
    return "\n".join(lines)


def _line_count(data: bytes) -> int:
    text = data.decode("utf-8", errors="replace")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return max(1, text.count("\n") + (0 if text.endswith("\n") else 1))


def _as_bytes(text: str, raw: tuple[int, int] | None) -> bytes:
    data = text.encode("utf-8")
    if raw is not None:  # a byte that is not UTF-8 (or is), somewhere
        at = raw[0] % (len(data) + 1)
        data = data[:at] + bytes([raw[1]]) + data[at:]
    return data


def _assert_located(error: PackError, path: Path, data: bytes) -> None:
    assert error.path == str(path)
    assert str(error).startswith(str(path))
    assert error.message.strip()
    if error.line is None:
        assert error.message.startswith("the file is empty"), str(error)
    else:
        assert 1 <= error.line <= _line_count(data), (str(error), _line_count(data))


@pytest.fixture(scope="module")
def mutation_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("mutated")


_names = itertools.count()
_BASE_POLICY = make_policy(load_cases()["base"])
_CATALOGUE = load_catalogue()

_mutations = st.lists(_op, min_size=1, max_size=3)
# now and then, one raw byte (not always UTF-8) somewhere in the file
_raw_byte = st.sampled_from([False] * 7 + [True]).flatmap(
    lambda raw: st.tuples(st.integers(0, 10**6), st.integers(0, 255)) if raw else st.none()
)
# the seed and the example database come from the profile in tests/conftest.py
# (repeatable for ``make test``, random for fuzzing); at least 200 examples, more
# when the profile asks for more (a few seconds each)
_property = settings(
    max_examples=max(200, settings().max_examples),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@_property
@given(ops=_mutations, raw=_raw_byte)
def test_a_mutated_pack_loads_or_fails_located(
    mutation_dir: Path, ops: list[tuple[Any, ...]], raw: tuple[int, int] | None
) -> None:
    data = _as_bytes(_mutate(PACK, ops), raw)
    path = _write(mutation_dir, f"pack-{next(_names)}.yaml", data)
    try:
        loaded = load_pack(path)
    except PackError as error:
        assert type(error) is PackError
        _assert_located(error, path, data)
        return
    # what loads is evaluated without an exception, on any day
    for today in (TODAY, dt.date(9999, 12, 31)):
        evaluate(_BASE_POLICY, loaded.requirements, _CATALOGUE, today=today)
        evaluate(_odd_policy(), loaded.requirements, _CATALOGUE, today=today)


@_property
@given(at=st.integers(0, 10**6), value=_value)
def test_a_pack_with_one_odd_value_loads_or_fails_located(
    mutation_dir: Path, at: int, value: str
) -> None:
    data = _mutate(PACK, [("value", at, value)]).encode("utf-8")
    path = _write(mutation_dir, f"pack-{next(_names)}.yaml", data)
    try:
        loaded = load_pack(path)
    except PackError as error:
        assert type(error) is PackError
        _assert_located(error, path, data)
        return
    evaluate(_odd_policy(), loaded.requirements, _CATALOGUE, today=TODAY)


@_property
@given(ops=_mutations, raw=_raw_byte)
def test_a_mutated_catalogue_loads_or_fails_located(
    mutation_dir: Path, ops: list[tuple[Any, ...]], raw: tuple[int, int] | None
) -> None:
    data = _as_bytes(_mutate(CATALOGUE, ops), raw)
    path = _write(mutation_dir, f"catalogue-{next(_names)}.yaml", data)
    try:
        found = load_catalogue([path])
    except PlatformError as error:
        _assert_located(error, path, data)
        return
    for today in (TODAY, dt.date(1, 1, 1)):
        evaluate(_odd_policy(), _PACK_REQUIREMENTS, found, today=today)


_PACK_REQUIREMENTS = requirements_of(
    resolve_packs(["kent-2010", "uk-online-safety"], Path(__file__).parent)
)
