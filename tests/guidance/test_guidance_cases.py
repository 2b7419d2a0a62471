"""Every requirement of the built-in packs: one compliant and one non-compliant case
(``cases.yaml``), plus the properties the packs promise (no build)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from guidance_cases import HERE, TODAY, case_specs, load_cases, make_policy

from sphinxcontrib_sociallpolicy.guidance import (
    THEMES,
    builtin_pack_ids,
    evaluate,
    load_catalogue,
    load_pack,
    requirements_of,
    resolve_packs,
)
from sphinxcontrib_sociallpolicy.guidance.loader import load_yaml
from sphinxcontrib_sociallpolicy.guidance.packs import BUILTIN_PACKS, Requirement

CASES = load_cases()
#: the built-in catalogue, and a made-up AI service some cases need
CATALOGUE = load_catalogue([HERE / "cases_platforms.yaml"])
PACKS = {pack_id: load_pack(path) for pack_id, path in BUILTIN_PACKS.items()}
RULES = [(pack_id, r.id) for pack_id, pack in PACKS.items() for r in pack.requirements]

# DOMAIN.md s.1: the requirements of the current UK set and their severities
# (AGE_JURISDICTION_DATA is "should": SPEC s.3; GOV_LINKED_POLICIES carries no severity
# in DOMAIN.md: "must", as the seed's "must" requires), with the December 2026 changes
# (SPEC s.8 and issue 11): AGE_CONSENT became DATA_LAWFUL_BASIS, GOV_DEMAND became
# "should" (Kent calls it "important"), and eight requirements were added
UK_SEVERITIES = {
    "GOV_SLT_APPROVAL": "must",
    "GOV_DOCUMENTED": "must",
    "GOV_RISK_ASSESSED": "must",
    "GOV_REVIEW_CYCLE": "must",
    "GOV_GOVERNOR_RATIFIED": "should",
    "GOV_PREREQ_TRAINING": "must",
    "GOV_PURPOSE": "should",
    "GOV_RIGHT_TOOL": "should",
    "GOV_PREFER_CLOSED": "should",
    "GOV_AUDIENCE": "must",
    "GOV_INCLUSION": "should",
    "GOV_DEMAND": "should",
    "GOV_LINKED_POLICIES": "must",
    "ACC_OFFICIAL": "must",
    "ACC_SCHOOL_EMAIL": "must",
    "ACC_NAMED_OWNER": "must",
    "ACC_CONTINUITY": "should",
    "ACC_SECURITY": "should",
    "ACC_OFFBOARDING": "should",
    "ACC_DORMANT": "should",
    "CON_NO_PERSONAL_CONTACT": "must",
    "CON_NO_PERSONAL_FRIENDING": "must",
    "CON_SECOND_PAIR_OF_EYES": "should",
    "CON_NO_PRIVATE_1TO1": "should",
    "AGE_MIN_AGE": "must",
    "AGE_JURISDICTION_DATA": "should",
    "AGE_EDU_APPROPRIATE": "should",
    "DATA_LAWFUL_BASIS": "must",
    "AI_TOOLS_ASSESSED": "should",
    "MOD_RESPONSIBILITY": "must",
    "MOD_FREQUENT": "must",
    "MOD_PREMODERATION": "must",
    "MOD_MEMBERSHIP": "must",
    "MOD_SAFE_CONFIG": "should",
    "MOD_FOLLOWER_AUDIT": "may",
    "MOD_HOUSE_RULES": "should",
    "MOD_LIVESTREAM": "must",
    "IMG_CONSENT_NO_ID": "must",
    "IMG_PUBLIC_FACES": "must",
    "ESC_DSL_ROUTE": "must",
    "ESC_IMAGE_ABUSE": "must",
    "FM_REVIEW": "must",
    "PHONES_POLICY": "must",
    "REF_CURRENT": "should",
}


def _run(rule: Requirement, case: dict[str, Any]):
    policy = make_policy(case_specs(CASES, case))
    today = case.get("today", TODAY)
    return evaluate(policy, [rule], CATALOGUE, country="GB", today=today, local=False)


def test_every_requirement_has_cases() -> None:
    missing = sorted({rule for _, rule in RULES} - set(CASES["cases"]))
    assert not missing, f"add pass and fail cases to cases.yaml for: {missing}"
    for rule, case in CASES["cases"].items():
        assert set(case) <= {"pass", "fail", "more"} and {"pass", "fail"} <= set(case), rule
        assert "finding" in case["fail"], rule
        for more in case.get("more", ()):
            assert more["expect"] in ("pass", "fail", "not-applicable"), rule
            assert more.get("why"), f"{rule}: each further case says which class it guards"
    unused = sorted(set(CASES["cases"]) - {rule for _, rule in RULES})
    assert not unused, f"cases for rules no pack has: {unused}"


@pytest.mark.parametrize(("pack_id", "rule_id"), RULES, ids=[f"{p}:{r}" for p, r in RULES])
def test_rule_passes_compliant_case(pack_id: str, rule_id: str) -> None:
    rule = PACKS[pack_id].get(rule_id)
    assert rule is not None
    result = _run(rule, CASES["cases"][rule_id]["pass"])
    assert [f.message for f in result.findings if f.rule == rule_id] == []
    statuses = {r.status for r in result.results if r.rule == rule_id}
    assert "met" in statuses, (
        f"{rule_id}: the pass case does not apply the rule to any item"
    )


@pytest.mark.parametrize(("pack_id", "rule_id"), RULES, ids=[f"{p}:{r}" for p, r in RULES])
def test_rule_fails_non_compliant_case(pack_id: str, rule_id: str) -> None:
    rule = PACKS[pack_id].get(rule_id)
    assert rule is not None
    case = CASES["cases"][rule_id]["fail"]
    result = _run(rule, case)
    found = [f for f in result.findings if f.rule == rule_id and f.item == case["finding"]]
    assert found, f"{rule_id}: no finding on {case['finding']}: {result.findings}"
    finding = found[0]
    assert finding.status == "open"
    assert finding.severity == rule.severity
    assert finding.source == "policy.rst" and finding.line > 0
    # the message is rendered: no placeholder is left, and it ends with the fix
    assert "{" not in finding.message and "}" not in finding.message
    if rule.parts:
        # a rule of several parts says what each failing part says, and its fix
        said = [
            p
            for p in rule.parts
            if isinstance(p.message.parts[0], str)
            and p.message.parts[0][:24].strip() in finding.message
            and (p.fix is None or str(p.fix.parts[0])[:24].strip() in finding.message)
        ]
        assert said, (rule_id, finding.message)
    else:
        fix_start = rule.fix.parts[0]
        assert isinstance(fix_start, str) and fix_start[:30] in finding.message


MORE = [
    (pack_id, rule_id, n)
    for pack_id, rule_id in RULES
    for n, _ in enumerate(CASES["cases"].get(rule_id, {}).get("more", ()))
]


@pytest.mark.parametrize(
    ("pack_id", "rule_id", "n"), MORE, ids=[f"{p}:{r}:{n}" for p, r, n in MORE]
)
def test_rule_regression_cases(pack_id: str, rule_id: str, n: int) -> None:
    """Further cases, each guarding a class of false positive or false negative
    found on real policies (its ``why`` says which)."""
    rule = PACKS[pack_id].get(rule_id)
    assert rule is not None
    case = CASES["cases"][rule_id]["more"][n]
    result = _run(rule, case)
    mine = [f for f in result.findings if f.rule == rule_id and f.status == "open"]
    statuses = {r.status for r in result.results if r.rule == rule_id}
    if case["expect"] == "pass":
        assert mine == [], (case["why"], [f.message for f in mine])
        assert "met" in statuses, case["why"]
    elif case["expect"] == "not-applicable":
        target = case["item"]
        on_target = [f.message for f in mine if f.item == target]
        assert on_target == [], (case["why"], on_target)
        on_item = {
            r.status for r in result.results if r.rule == rule_id and r.item == target
        }
        assert on_item == {"not-applicable"}, case["why"]
    else:
        found = [f for f in mine if f.item == case["finding"]]
        assert found, (case["why"], [f"{f.item}: {f.message}" for f in mine])
        for words in case.get("says", ()):
            assert words in found[0].message, (case["why"], found[0].message)


def test_base_policy_meets_both_packs() -> None:
    packs = resolve_packs(["kent-2010", "uk-online-safety"], HERE)
    policy = make_policy(CASES["base"])
    result = evaluate(policy, requirements_of(packs), CATALOGUE, today=TODAY)
    assert [f"{f.rule} {f.item}: {f.message}" for f in result.findings] == []
    assert {r.status for r in result.results} == {"met", "not-applicable"}


def test_uk_pack_is_domain_section_1() -> None:
    pack = PACKS["uk-online-safety"]
    assert [r.id for r in pack.requirements] == list(UK_SEVERITIES)
    assert {r.id: r.severity for r in pack.requirements} == UK_SEVERITIES


def test_rule_ids_and_themes() -> None:
    for pack in PACKS.values():
        for rule in pack.requirements:
            assert re.fullmatch(r"[A-Z][A-Z0-9]*(_[A-Z0-9]+)*", rule.id)
            assert rule.id.startswith(THEMES[rule.theme]), (rule.id, rule.theme)


def test_shared_requirements_are_defined_alike() -> None:
    kent, uk = PACKS["kent-2010"], PACKS["uk-online-safety"]
    shared = [r.id for r in kent.requirements if uk.get(r.id)]
    assert len(shared) == 22
    for rule_id in shared:
        a, b = kent.get(rule_id), uk.get(rule_id)
        assert a is not None and b is not None
        for name in (
            "title",
            "text",
            "severity",
            "theme",
            "applies_to",
            "when_data",
            "check_data",
        ):
            assert getattr(a, name) == getattr(b, name), (rule_id, name)
        assert a.message.text == b.message.text and a.fix.text == b.fix.text, rule_id
    kent_only = sorted(r.id for r in kent.requirements if not uk.get(r.id))
    assert kent_only == ["GOV_SEEK_ADVICE", "MOD_KEPT_UP_TO_DATE"]


def test_every_kent_sentence_maps_to_a_requirement() -> None:
    sentences = load_yaml(HERE / "kent_sentences.yaml")
    cited: set[tuple[str, int]] = set()
    for rule in PACKS["kent-2010"].requirements:
        assert rule.source.startswith("Kent CC 2010, "), rule.id
        for part in rule.source.removeprefix("Kent CC 2010, ").split("; "):
            if part == "heading":
                cited.add(("heading", 1))
                continue
            match = re.fullmatch(r"para (\d+), sentences? (\d+(?: and \d+)*)", part)
            assert match, (rule.id, part)
            for number in match.group(2).split(" and "):
                cited.add((match.group(1), int(number)))
    not_duties = {
        (key.split()[0], int(key.split()[1])) for key in sentences.pop("not-duties")
    }
    every = {(str(para), int(n)) for para, numbers in sentences.items() for n in numbers}
    assert not_duties <= every and not_duties, "not-duties must be sentences of the text"
    assert every - not_duties - cited == set(), "Kent sentences no requirement cites"
    assert cited & not_duties == set(), "a requirement cites a sentence that is no duty"
    assert cited - every == set(), "citations of sentences that do not exist"


def test_builtin_pack_ids() -> None:
    assert builtin_pack_ids() == ["kent-2010", "uk-online-safety"]
    for pack_id, pack in PACKS.items():
        assert pack.id == pack_id
        assert pack.version


def test_catalogue_is_fresh_for_the_packs() -> None:
    # the facts were last checked on 2026-11-24 or 2026-12-02; on the later day none
    # is stale, and none is dated after it
    checked = dt.date(2026, 12, 2)
    for platform in CATALOGUE:
        assert platform.checked_on <= checked
        assert checked - platform.checked_on < dt.timedelta(days=365)


def test_packs_are_files_in_the_package() -> None:
    for path in BUILTIN_PACKS.values():
        assert path.is_file() and path.suffix == ".yaml"
        assert Path(path).parent.name == "packs"
