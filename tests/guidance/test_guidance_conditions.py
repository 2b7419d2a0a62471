"""The condition language: each operator, operands, derived values (no build)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from guidance_cases import make_policy

from sphinxcontrib_sociallpolicy.guidance import (
    Context,
    PackError,
    compile_condition,
    load_catalogue,
)
from sphinxcontrib_sociallpolicy.guidance.checks import Where
from sphinxcontrib_sociallpolicy.guidance.fields import add_months
from sphinxcontrib_sociallpolicy.guidance.loader import load_yaml_text
from sphinxcontrib_sociallpolicy.guidance.templates import compile_template

TODAY = dt.date(2026, 11, 24)
CATALOGUE = load_catalogue()
WHERE = Where("test.yaml", "requirement TEST")

POLICY = {
    "item": "policy",
    "id": "POLICY",
    "school": "Oakfield",
    "pupil-ages": "4-11",
    "approved-on": "2026-09-01",
    "next-review": "2027-09-01",
    "email-domains": "oakfield.sch.uk",
    "approved-by": "Governing Board",
}
TOOL = {
    "item": "tool",
    "id": "TOOL_A",
    "title": "Parents' page",
    "platform": "facebook",
    "purpose": "announcements",
    "audience": "parents, community",
    "account": "page",
    "comments": "off",
    "admins": "Mrs K Brown, Ms A Patel",
    "moderation": "daily",
    "contact-email": "Office@Oakfield.sch.uk",
    "approved-on": "2026-09-01",
}


def compile_text(text: str, kinds: tuple[str, ...] = ("tool",)):
    return compile_condition(load_yaml_text(text, "test.yaml"), 1, kinds, WHERE)


def holds(
    text: str,
    *items: dict[str, Any],
    item: str = "TOOL_A",
    country: str = "GB",
    today: dt.date = TODAY,
    rule: str = "SOME_RULE",
) -> bool:
    specs = list(items) or [POLICY, TOOL]
    policy = make_policy(specs)
    target = policy.items[item]
    condition = compile_text(text, (target.kind,))
    ctx = Context(policy, CATALOGUE, country=country, today=today)
    ctx.rule = rule
    return condition.test(target, ctx)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("present: owner", False),
        ("present: admins", True),
        ("present: [admins, moderation]", True),
        ("present: [admins, owner]", False),
        ("present: platform.id", True),
        ("present: policy.pupil-ages", True),
        ("present: policy.dsl", False),
        ("equals: {comments: 'off'}", True),
        ("equals: {comments: off}", True),  # 'off' stays a word
        ("equals: {account: group}", False),
        ("equals: {platform.school-controlled: false}", True),
        ("equals: {platform.membership-control: false}", True),  # a page cannot
        ("equals: {platform.category: social-network}", True),
        ("equals: {admins-count: 2}", True),
        ("equals: {policy.review-cycle: 12}", True),  # the option's default
        ("equals: {policy.country: GB}", True),
        ("one-of: {moderation: [hourly, daily]}", True),
        ("one-of: {moderation: [weekly, termly]}", False),
        ("one-of: {email-domain: policy.email-domains}", True),  # case-insensitive
        ("includes: {audience: parents}", True),
        ("includes: {audience: [pupils, staff]}", False),
        ("includes: {audience: [pupils, community]}", True),
        ("mentions: {policy.approved-by: [governor, board]}", True),
        ("mentions: {title: [PARENTS]}", True),
        ("mentions: {content: [dcsf]}", False),
        ("compare: admins-count >= 2", True),
        ("compare: admins-count > 2", False),
        ("compare: platform.min-age <= policy.youngest-pupil-age", False),
        ("compare: platform.min-age == 13", True),
        ("compare: platform.min-age != 13", False),
        ("compare: policy.oldest-pupil-age < 12", True),
        ("compare: approved-on < today", True),
        ("compare: approved-on >= today - 3 months", True),
        ("compare: approved-on >= today - 2 months", False),
        ("compare: approved-on >= 2026-09-01", True),
        (
            "compare: policy.next-review <= policy.approved-on + policy.review-cycle "
            "months",
            True,
        ),
        ("compare: policy.next-review < policy.approved-on + 12 months", False),
        ("compare: next-review >= today", False),  # missing: fails
        ("within-months: {approved-on: 3}", True),
        ("within-months: {approved-on: 2}", False),
        ("within-months: {approved-on: policy.review-cycle}", True),
        ("compare: platform.checked-on >= today - 12 months", True),
        ("within-months: {next-review: 12}", False),
        ("not: {present: owner}", True),
        ("not: {equals: {platform.school-controlled: true}}", True),
        ("all: [{present: admins}, {equals: {comments: 'off'}}]", True),
        ("all: [{present: admins}, {present: owner}]", False),
        ("[{present: admins}, {present: moderation}]", True),  # a list is all
        ("any: [{present: owner}, {equals: {comments: 'off'}}]", True),
        ("any: [{present: owner}, {present: url}]", False),
        ("{if: {includes: {audience: pupils}}, then: {present: owner}}", True),
        ("{if: {includes: {audience: parents}}, then: {present: owner}}", False),
        ("{if: {includes: {audience: parents}}, then: {present: admins}}", True),
    ],
)
def test_operators(text: str, expected: bool) -> None:
    assert holds(text) is expected


def test_min_age_uses_the_policys_country_then_the_default() -> None:
    youtube = {**TOOL, "platform": "youtube", "account": "channel"}
    condition = "compare: platform.min-age == 15"
    assert not holds(condition, POLICY, youtube)  # GB: 13
    assert holds(condition, {**POLICY, "country": "FR"}, youtube)  # Google: FR 15
    assert not holds(condition, {**POLICY, "country": "DE"}, youtube)  # DE 16
    assert holds(condition, {**POLICY, "country": None}, youtube, country="FR")
    assert not holds(condition, {**POLICY, "country": "GB"}, youtube, country="FR")


def test_unknown_platform_is_missing_not_an_error() -> None:
    tool = {**TOOL, "platform": "myspace"}
    assert not holds("present: platform.id", POLICY, tool)
    assert not holds("equals: {platform.school-controlled: false}", POLICY, tool)
    assert holds("not: {equals: {platform.school-controlled: true}}", POLICY, tool)


def test_no_policy_item_uses_defaults() -> None:
    assert holds("equals: {policy.review-cycle: 12}", TOOL)
    assert holds("equals: {policy.country: FR}", TOOL, country="FR")
    assert not holds("present: policy.pupil-ages", TOOL)


#: what every control below has, so that it counts (see test_substance.py)
SUBSTANCE = {"owner": "Ms A Patel", "content": "What is done, by whom, and the record."}
CONTROLS = [
    POLICY,
    TOOL,
    {**TOOL, "id": "TOOL_B", "title": "Blog", "platform": "blog"},
    {
        "item": "control",
        "id": "CTRL_TRAIN",
        "kind": "staff-training",
        "frequency": "annual",
        "last-done": "2026-09-02",
        **SUBSTANCE,
    },
    {
        # out of date: training repeated yearly, last done two years ago
        "item": "control",
        "id": "CTRL_OLD",
        "kind": "staff-training",
        "frequency": "annual",
        "last-done": "2024-09-02",
        **SUBSTANCE,
    },
    {
        "item": "control",
        "id": "CTRL_RULES",
        "kind": "house-rules",
        "applies-to": "TOOL_A",
        **SUBSTANCE,
    },
    {
        "item": "control",
        "id": "CTRL_ALL",
        "kind": "image-consent",
        "applies-to": "all",
        **SUBSTANCE,
    },
    {
        "item": "control",
        "id": "CTRL_OWN",
        "kind": "other",
        "satisfies": "TEST_RULE",
        **SUBSTANCE,
    },
    {
        "item": "control",
        "id": "CTRL_OWN_B",
        "kind": "other",
        "applies-to": "TOOL_B",
        "satisfies": "OTHER_RULE",
        **SUBSTANCE,
    },
    {
        "item": "risk",
        "id": "RISK_A",
        "affects": "TOOL_A",
        "assessed-on": "2026-09-01",
        "mitigated-by": "CTRL_RULES, CTRL_ALL",
    },
]


@pytest.mark.parametrize(
    ("text", "item", "expected"),
    [
        (
            "linked: {items: control, whose: applies-to, kinds: [house-rules]}",
            "TOOL_A",
            True,
        ),
        (
            "linked: {items: control, whose: applies-to, kinds: [house-rules]}",
            "TOOL_B",
            False,
        ),
        (
            "linked: {items: control, whose: applies-to, kinds: [image-consent]}",
            "TOOL_B",
            True,
        ),
        (
            "linked: "
            "{items: control, whose: applies-to, kinds: [house-rules], at-least: 2}",
            "TOOL_A",
            False,
        ),
        ("linked: {items: control, whose: applies-to, at-least: 2}", "TOOL_A", True),
        ("linked: {items: control, whose: applies-to, at-least: 3}", "TOOL_A", False),
        ("linked: {items: risk, whose: affects}", "TOOL_A", True),
        ("linked: {items: risk, whose: affects}", "TOOL_B", False),
        (
            "linked: "
            "{items: risk, whose: affects, where: {within-months: {assessed-on: 2}}}",
            "TOOL_A",
            False,
        ),
        (
            # CTRL_OLD is out of date for its annual frequency: it counts for nothing
            "linked: "
            "{items: control, anywhere: true, kinds: [staff-training], at-least: 2}",
            "POLICY",
            False,
        ),
        (
            "linked: "
            "{items: control, anywhere: true, kinds: [staff-training], at-least: 1}",
            "POLICY",
            True,
        ),
        (
            "linked: {items: control, anywhere: true, kinds: [staff-training],"
            " where: {within-months: {last-done: 12}}, at-least: 2}",
            "POLICY",
            False,
        ),
        (
            "linked: {items: tool, anywhere: true, where: {includes: {audience: pupils}}}",
            "POLICY",
            False,
        ),
        (
            "linked: {items: control, listed-in: mitigated-by, kinds: [image-consent]}",
            "RISK_A",
            True,
        ),
        (
            "linked: {items: control, listed-in: mitigated-by, kinds: [staff-training]}",
            "RISK_A",
            False,
        ),
        ("linked: {items: risk, whose: mitigated-by}", "CTRL_RULES", True),
        ("attested: true", "TOOL_A", False),
    ],
)
def test_linked_and_attested(text: str, item: str, expected: bool) -> None:
    assert holds(text, *CONTROLS, item=item) is expected


@pytest.mark.parametrize(
    ("text", "item"),
    [
        (
            "linked: {items: control, whose: applies-to, kinds: [two-step-verification]}",
            "TOOL_A",
        ),
        (
            "linked: {items: control, whose: applies-to, kinds: [two-step-verification]}",
            "TOOL_B",
        ),
        ("linked: {items: control, anywhere: true, kinds: [acceptable-use]}", "POLICY"),
        ("attested: true", "TOOL_A"),
        ("attested: true", "POLICY"),
    ],
)
def test_satisfies_counts_for_the_rule(text: str, item: str) -> None:
    # CTRL_OWN (kind other, no :applies-to:) names TEST_RULE in :satisfies:
    assert not holds(text, *CONTROLS, item=item, rule="SOME_RULE")
    assert holds(text, *CONTROLS, item=item, rule="TEST_RULE")


def test_satisfies_names_the_rule_being_checked() -> None:
    text = "linked: {items: control, whose: applies-to, kinds: [two-step-verification]}"
    assert not holds(text, *CONTROLS, item="TOOL_A", rule="ANOTHER_RULE")
    # a control satisfying a rule for one tool does not count for another
    assert holds(text, *CONTROLS, item="TOOL_B", rule="OTHER_RULE")
    assert not holds(text, *CONTROLS, item="TOOL_A", rule="OTHER_RULE")
    assert not holds("attested: true", *CONTROLS, item="TOOL_A", rule="OTHER_RULE")


def test_all_without_expanded_links() -> None:
    # the engine also reads `all` from fields["all"] when links were not expanded
    policy = make_policy(CONTROLS, expand_all=False)
    ctx = Context(policy, CATALOGUE, country="GB", today=TODAY)
    condition = compile_text(
        "linked: {items: control, whose: applies-to, kinds: [image-consent]}"
    )
    assert condition.test(policy.items["TOOL_B"], ctx)
    assert ctx.evidence == ["CTRL_ALL"]


def test_add_months() -> None:
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2026, 11, 24), -12) == dt.date(2025, 11, 24)
    assert add_months(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2026, 12, 1), 1) == dt.date(2027, 1, 1)


def test_templates_fill_fields_safely() -> None:
    policy = make_policy([POLICY, TOOL])
    ctx = Context(policy, CATALOGUE, country="GB", today=TODAY)
    ctx.rule = "MOD_X"
    template = compile_template(
        "{{{rule}}} '{title}' ({id}) on {platform.name}: min age {platform.min-age} in "
        "{policy.country}; owner {owner}; admins {admins}; consent age "
        "{policy.digital-consent-age}; domain {email-domain}",
        ("tool",),
        WHERE,
        1,
        "message",
    )
    assert template.render(policy.items["TOOL_A"], ctx) == (
        "{MOD_X} 'Parents' page' (TOOL_A) on Facebook: min age 13 in GB; owner not "
        "recorded; admins Mrs K Brown, Ms A Patel; consent age 13; domain oakfield.sch.uk"
    )


@pytest.mark.parametrize(
    ("text", "error"),
    [
        (
            "{title.__class__}",
            "names the field 'title.__class__', which an sm-tool does not have",
        ),
        ("{0}", "names the field '0', which an sm-tool does not have"),
        ("{title[0]}", "names the field 'title[0]'"),
        ("{title:>10}", "write {title} without ':' or '!'"),
        ("{}", "has an empty {}"),
        ("{title", "has a single { or }"),
    ],
)
def test_templates_refuse_anything_but_fields(text: str, error: str) -> None:
    with pytest.raises(PackError) as info:
        compile_template(text, ("tool",), WHERE, 3, "message")
    assert error in str(info.value)
    assert str(info.value).startswith("test.yaml:3: requirement TEST: ")


@pytest.mark.parametrize(
    ("text", "kinds", "error"),
    [
        ("present: []", ("tool",), "'present' needs a field name"),
        ("equals: {audience: parents}", ("tool",), "audience is a list; use 'includes'"),
        ("equals: {admins-count: two}", ("tool",), "'two' is not a whole number"),
        (
            "one-of: {moderation: daily}",
            ("tool",),
            "needs a list of values, or the name of a list field",
        ),
        (
            "one-of: {moderation: policy.review-cycle}",
            ("tool",),
            "is number, not a list field",
        ),
        (
            "compare: platform.name == x",
            ("tool",),
            "platform.name is text; compare works on numbers and dates",
        ),
        (
            "compare: admins-count + 2 months >= 3",
            ("tool",),
            "months can only be added to a date",
        ),
        (
            "compare: approved-on >= today - 12 weeks",
            ("tool",),
            "write each side as a field",
        ),
        ("compare: 2026-02-30 < today", ("tool",), "2026-02-30 is not a real date"),
        ("linked: {items: control}", ("tool",), "needs exactly one of 'whose"),
        (
            "linked: {items: policy, anywhere: true}",
            ("tool",),
            "naming the kind of item counted",
        ),
        (
            "linked: {items: risk, whose: applies-to}",
            ("tool",),
            "'applies-to' is not a link of an sm-risk",
        ),
        (
            "linked: {items: risk, whose: affects, kinds: [other]}",
            ("tool",),
            "only controls and documents have a :kind:",
        ),
        (
            "linked: {items: control, listed-in: applies-to}",
            ("tool",),
            "'applies-to' is not a link of an sm-tool",
        ),
        (
            "linked: {items: control, anywhere: true, at-least: 0}",
            ("policy",),
            "is not a whole number from 1",
        ),
        ("linked: {items: control, anywhere: yes}", ("policy",), "write 'anywhere: true'"),
        (
            "linked: {items: control, anywhere: true, wher: {}}",
            ("policy",),
            "unknown key 'wher' (did you mean 'where'?)",
        ),
        ("attested: yes", ("tool",), "'attested' is written 'attested: true'"),
        ("any: []", ("tool",), "'any' must be a non-empty list"),
        (
            "present: contact-email",
            ("tool", "control"),
            "which an sm-control does not have",
        ),
        ("present: policy.platform", ("tool",), "the sm-policy has no field 'platform'"),
        (
            "present: platform.minage",
            ("tool",),
            "no fact 'minage' (did you mean 'min-age'?)",
        ),
        ("present: risk.owner", ("tool",), "only policy. and platform. may prefix a field"),
        ("42", ("tool",), "a condition must be a mapping"),
    ],
)
def test_malformed_conditions(text: str, kinds: tuple[str, ...], error: str) -> None:
    with pytest.raises(PackError) as info:
        compile_text(text, kinds)
    assert error in str(info.value)
    assert str(info.value).startswith("test.yaml:1: requirement TEST: ")


def test_mentions_reads_words_wrapped_across_lines() -> None:
    tool = {**TOOL, "content": "Staff are trained in using social\n   media every year."}
    assert holds("mentions: {content: [social media]}", POLICY, tool)
    assert not holds("mentions: {content: [social medias]}", POLICY, tool)
