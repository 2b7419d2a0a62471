"""Option values: every kind of value with a good and a bad example (no build)."""

from __future__ import annotations

import pytest

from sphinxcontrib_sociallpolicy.options import OptionError, option_message, parse_value
from sphinxcontrib_sociallpolicy.schema import ITEM_TYPES, OptionSpec

GOOD = {
    "text": ("  Oakfield   Primary ", "Oakfield Primary"),
    "choice": ("primary", "primary"),
    "choices": ("parents, pupils, parents", ["parents", "pupils"]),
    "date": ("2026-09-01", "2026-09-01"),
    "score": ("5", 5),
    "months": ("12", 12),
    "age-range": ("4 - 11", "4-11"),
    "country": ("GB", "GB"),
    "email": ("office@oakfield.sch.uk", "office@oakfield.sch.uk"),
    "domains": ("oakfield.sch.uk,oakfield.org.uk", ["oakfield.sch.uk", "oakfield.org.uk"]),
    "url": ("https://oakfield.sch.uk/blog", "https://oakfield.sch.uk/blog"),
    "id": ("MOD_PREMODERATION", "MOD_PREMODERATION"),
    "ids": ("TOOL_A, TOOL_B", ["TOOL_A", "TOOL_B"]),
    "people": ("Mrs K Brown, Ms A Patel", ["Mrs K Brown", "Ms A Patel"]),
    "covers": (
        "CON_NO_PERSONAL_CONTACT (section 4.2, 4.3), GOV_X",
        ["CON_NO_PERSONAL_CONTACT", "GOV_X"],
    ),
}

BAD = {
    "text": ("   ", "is empty"),
    "choice": ("Primary", "is not an allowed value"),
    "choices": ("announcements, gossip", "has 'gossip' which is not allowed"),
    "date": ("2026-02-30", "is not a real date"),
    "score": ("6", "is outside 1 to 5"),
    "months": ("0", "is outside 1 to 60"),
    "age-range": ("11-4", "has the youngest age above the oldest"),
    "country": ("gb", "is not a two-letter country code in capitals"),
    "email": ("office@oakfield", "is not an email address"),
    "domains": ("oakfield", "has 'oakfield' which is not allowed"),
    "url": ("javascript:alert(1)", "is not a web address"),
    "id": ("mod-premoderation", "is not an ID in capitals with underscores"),
    "ids": ("TOOL_A, tool b", "has 'tool b' which is not allowed"),
    "people": (",", "is empty"),
    "covers": (
        "CON_X (4.2",
        "has 'CON_X (4.2' which is not a rule ID (optionally with its section in brackets)",
    ),
}

ALL_OPTIONS = [(t.directive, o) for t in ITEM_TYPES for o in t.options]


def spec_of(kind: str) -> OptionSpec:
    for _, option in ALL_OPTIONS:
        if option.kind == kind:
            return option
    raise LookupError(kind)


def test_every_kind_in_use_has_cases():
    kinds = {o.kind for _, o in ALL_OPTIONS}
    assert kinds <= set(GOOD) and kinds <= set(BAD)


@pytest.mark.parametrize("kind", sorted(GOOD))
def test_good_value(kind):
    raw, expected = GOOD[kind]
    spec = (
        spec_of(kind)
        if kind != "choice"
        else OptionSpec("phase", "choice", "", values=("primary",))
    )
    if kind == "choices":
        spec = OptionSpec("audience", "choices", "", values=("parents", "pupils"))
    assert parse_value(spec, raw) == expected


@pytest.mark.parametrize("kind", sorted(BAD))
def test_bad_value(kind):
    raw, expected = BAD[kind]
    spec = spec_of(kind)
    with pytest.raises(OptionError) as error:
        parse_value(spec, raw)
    assert str(error.value) == expected


def test_all_only_where_allowed():
    applies_to = OptionSpec("applies-to", "ids", "", allow_all=True)
    satisfies = OptionSpec("satisfies", "ids", "")
    assert parse_value(applies_to, "all") == ["all"]
    with pytest.raises(OptionError, match="has 'all' which is not allowed"):
        parse_value(satisfies, "all")
    with pytest.raises(OptionError, match="mixes 'all' with IDs"):
        parse_value(applies_to, "all, TOOL_A")


def test_message_names_option_value_and_allowed():
    spec = OptionSpec("comments", "choice", "", values=("off", "premoderated"))
    try:
        parse_value(spec, "maybe")
    except OptionError as error:
        message = option_message(spec, "maybe", error)
    assert message == (
        ":comments: 'maybe' is not an allowed value; allowed: one of off, premoderated"
    )


def test_long_value_is_shortened_in_message():
    spec = OptionSpec("comments", "choice", "", values=("off",))
    raw = "x" * 200
    with pytest.raises(OptionError) as error:
        parse_value(spec, raw)
    message = option_message(spec, raw, error.value)
    assert "x" * 77 + "..." in message and "x" * 78 not in message


def test_covers_keeps_each_section() -> None:
    from sphinxcontrib_sociallpolicy.options import parse_covers

    assert parse_covers("CON_X (section 4.2, 4.3), GOV_Y,  ACC_Z ( appendix B )") == [
        ("CON_X", "section 4.2, 4.3"),
        ("GOV_Y", ""),
        ("ACC_Z", "appendix B"),
    ]
    # the first mention of a rule wins
    assert parse_covers("CON_X (4.2), CON_X (5.1)") == [("CON_X", "4.2")]
    for bad in ("con_x", "CON_X (4.2) (4.3)", "(4.2)", "CON_X 4.2", ",", " , "):
        with pytest.raises(OptionError):
            parse_covers(bad)
