"""The engine: findings, waivers, disabled rules, coverage, order and speed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from guidance_cases import HERE, TODAY, load_cases, make_policy

from sphinxcontrib_sociallpolicy.guidance import (
    ENGINE_RULES,
    evaluate,
    load_catalogue,
    requirements_of,
    resolve_packs,
)
from sphinxcontrib_sociallpolicy.model import Finding

CASES = load_cases()
CATALOGUE = load_catalogue()
BOTH = requirements_of(resolve_packs(["kent-2010", "uk-online-safety"], HERE))


def base(**changes: dict[str, Any]) -> list[dict[str, Any]]:
    specs = [dict(s) for s in CASES["base"]]
    for spec in specs:
        for name, value in changes.get(spec["id"], {}).items():
            if value is None:
                spec.pop(name, None)
            else:
                spec[name] = value
    return specs


def run(specs: list[dict[str, Any]], **kwargs: Any):
    kwargs.setdefault("today", TODAY)
    return evaluate(make_policy(specs), BOTH, CATALOGUE, **kwargs)


def test_finding_fields() -> None:
    result = run(base(TOOL_FACEBOOK_GROUP={"comments": "open"}))
    assert [(f.rule, f.item) for f in result.findings] == [
        ("MOD_PREMODERATION", "TOOL_FACEBOOK_GROUP")
    ]
    finding = result.findings[0]
    assert finding.severity == "must" and finding.status == "open"
    assert (finding.docname, finding.source, finding.line) == ("policy", "policy.rst", 20)
    assert finding.message.startswith("'Parents' Facebook group' is on Facebook, which")
    assert finding.message.endswith("turn comments off (`:comments: off`).")
    assert list(result) == result.findings and len(result) == 1
    assert result.open_findings(["must"]) == [finding]
    assert result.open_findings(["should"]) == []


def test_results_cover_every_requirement_and_item() -> None:
    result = run(base(TOOL_FACEBOOK_GROUP={"comments": "open"}))
    tools = ["TOOL_FACEBOOK_GROUP", "TOOL_LEARNING_PLATFORM"]
    coverage = result.coverage()
    assert list(coverage)[:2] == ["GOV_PURPOSE", "GOV_PREREQ_TRAINING"]
    assert coverage["MOD_PREMODERATION"] == {
        "TOOL_FACEBOOK_GROUP": "open",
        "TOOL_LEARNING_PLATFORM": "not-applicable",
    }
    assert coverage["GOV_REVIEW_CYCLE"] == {"POLICY": "met"}
    assert coverage["WAIVER_EXPIRED"] == {}  # no waivers
    for rule in ("GOV_SLT_APPROVAL", "AGE_MIN_AGE", "IMG_CONSENT_NO_ID"):
        assert set(coverage[rule]) == set(tools)
    # REF_CURRENT applies to the policy, tools, controls, risks and documents
    assert len(coverage["REF_CURRENT"]) == 1 + 2 + 19 + 2 + 8
    # evidence: the controls that met a rule
    met = [r for r in result.results if r.rule == "IMG_CONSENT_NO_ID"]
    assert {r.evidence for r in met} == {("CTRL_IMAGE_CONSENT",)}
    suitable = [
        r for r in result.results if r.rule == "AGE_EDU_APPROPRIATE" and r.status == "met"
    ]
    assert [(r.item, r.basis) for r in suitable] == [("TOOL_LEARNING_PLATFORM", "checked")]
    assert result.summary()["open_by_severity"] == {"must": 1, "should": 0, "may": 0}


def test_findings_are_sorted_by_source_line_rule_item() -> None:
    specs = base(
        TOOL_FACEBOOK_GROUP={"comments": "open", "moderation": "weekly"},
        TOOL_LEARNING_PLATFORM={"owner": None, "source": "a.rst"},
        POLICY={"next-review": "2026-10-01"},
    )
    result = run(specs)
    keys = [(f.source, f.line, f.rule, f.item) for f in result.findings]
    assert keys == sorted(keys)
    assert keys[0] == ("a.rst", 30, "ACC_NAMED_OWNER", "TOOL_LEARNING_PLATFORM")
    assert [k[2] for k in keys[1:]] == [
        "GOV_REVIEW_CYCLE",
        "MOD_FREQUENT",
        "MOD_PREMODERATION",
    ]
    # and the same input gives the same output
    assert [f.as_dict() for f in run(specs).findings] == [
        f.as_dict() for f in result.findings
    ]


def waiver(**fields: Any) -> dict[str, Any]:
    spec = {
        "item": "waiver",
        "id": "WAIVER_A",
        "title": "Comments open for the fair",
        "content": "  Parents sell tickets\n in the comments until the fair. ",
    }
    spec.update(fields)
    return spec


def test_waiver_with_target_waives_that_tool_only() -> None:
    specs = base(
        TOOL_FACEBOOK_GROUP={"moderation": "weekly"},
        TOOL_LEARNING_PLATFORM={"owner": None},
    )
    specs.append(
        waiver(
            requirement="MOD_FREQUENT",
            target="TOOL_FACEBOOK_GROUP",
            expires="2027-03-31",
            **{"approved-by": "Mrs S Green"},
        )
    )
    specs.append(
        waiver(
            id="WAIVER_B",
            requirement="ACC_NAMED_OWNER",
            target="TOOL_FACEBOOK_GROUP",
            expires="2027-03-31",
        )
    )
    result = run(specs)
    by_rule = {f.rule: f for f in result.findings}
    assert by_rule["MOD_FREQUENT"].status == "waived"
    assert by_rule["MOD_FREQUENT"].waiver == "WAIVER_A"
    assert (
        by_rule["MOD_FREQUENT"].reason
        == "Parents sell tickets in the comments until the fair."
    )
    # WAIVER_B names another tool: the learning platform's finding stays open
    assert by_rule["ACC_NAMED_OWNER"].status == "open"
    assert result.coverage()["MOD_FREQUENT"]["TOOL_FACEBOOK_GROUP"] == "waived"
    assert result.coverage()["WAIVER_EXPIRED"] == {"WAIVER_A": "met", "WAIVER_B": "met"}
    assert result.summary()["waived"] == 1


def test_waiver_without_target_waives_every_item() -> None:
    specs = base(
        TOOL_FACEBOOK_GROUP={"admins": "Mrs K Brown"},
        TOOL_LEARNING_PLATFORM={"admins": "Ms A Patel"},
    )
    specs.append(waiver(requirement="ACC_CONTINUITY"))  # no target, no expiry
    result = run(specs)
    assert {(f.item, f.status) for f in result.findings} == {
        ("TOOL_FACEBOOK_GROUP", "waived"),
        ("TOOL_LEARNING_PLATFORM", "waived"),
    }


def test_expired_waiver_waives_nothing_and_is_a_finding() -> None:
    specs = base(TOOL_FACEBOOK_GROUP={"moderation": "weekly"})
    specs.append(
        waiver(
            requirement="MOD_FREQUENT",
            target="TOOL_FACEBOOK_GROUP",
            expires="2026-11-23",
            line=500,
            source="waivers.rst",
        )
    )
    result = run(specs)
    assert [(f.rule, f.item, f.status, f.severity) for f in result.findings] == [
        ("MOD_FREQUENT", "TOOL_FACEBOOK_GROUP", "open", "must"),
        ("WAIVER_EXPIRED", "WAIVER_A", "open", "must"),
    ]
    expired = result.findings[1]
    assert (expired.source, expired.line) == ("waivers.rst", 500)
    assert expired.message == (
        "The waiver WAIVER_A of MOD_FREQUENT expired on 2026-11-23, so it no longer waives "
        "anything. Meet the requirement and remove the waiver, or have the exception "
        "approved again with a new `:expires:` date."
    )
    # on its last day a waiver still holds
    specs[-1]["expires"] = "2026-11-24"
    assert [f.status for f in run(specs).findings] == ["waived"]


def test_waiver_of_unknown_rule_is_a_finding() -> None:
    specs = base()
    specs.append(waiver(requirement="MOD_PREMODERATIN"))
    specs.append(waiver(id="WAIVER_NONE"))  # no :requirement: (a bad value was dropped)
    result = run(specs)
    # a waiver with no :requirement: is reported once, by the directive (sm.option)
    assert [(f.rule, f.item) for f in result.findings] == [
        ("WAIVER_UNKNOWN_RULE", "WAIVER_A"),
    ]
    assert result.findings[0].message.startswith(
        "The waiver WAIVER_A names MOD_PREMODERATIN, which is not a requirement of the "
        "active guidance packs or of this policy, so it waives nothing."
    )
    none = [
        r
        for r in result.results
        if r.item == "WAIVER_NONE" and r.rule == "WAIVER_UNKNOWN_RULE"
    ]
    assert [r.status for r in none] == ["not-applicable"]
    # a rule of a pack that is not active is unknown too
    kent_only = requirements_of(resolve_packs(["kent-2010"], HERE))
    specs = base()
    specs.append(waiver(requirement="ACC_CONTINUITY"))  # a uk-online-safety rule
    result = evaluate(make_policy(specs), kent_only, CATALOGUE, today=TODAY)
    assert [f.rule for f in result.findings] == ["WAIVER_UNKNOWN_RULE"]


def test_disabled_rules_are_reported_as_disabled() -> None:
    specs = base(TOOL_FACEBOOK_GROUP={"comments": "open"})
    specs.append(waiver(requirement="MOD_PREMODERATION"))
    result = run(specs, disabled={"MOD_PREMODERATION", "NO_SUCH_RULE"})
    assert [(f.rule, f.status, f.waiver) for f in result.findings] == [
        ("MOD_PREMODERATION", "disabled", None)
    ]
    assert result.coverage()["MOD_PREMODERATION"]["TOOL_FACEBOOK_GROUP"] == "disabled"
    assert result.unknown_disabled == ["NO_SUCH_RULE"]
    assert result.disabled == frozenset({"MOD_PREMODERATION", "NO_SUCH_RULE"})
    assert result.summary()["open"] == 0 and result.summary()["disabled"] == 1


def test_local_requirements_are_met_by_satisfying_controls() -> None:
    specs = base()
    specs.append(
        {
            "item": "requirement",
            "id": "REQ_NO_SURNAMES",
            "title": "No {surnames}",
            "severity": "must",
            "source": "Minutes",
            "content": "No post names a pupil.",
        }
    )
    result = run(specs)
    assert [(f.rule, f.item, f.severity) for f in result.findings] == [
        ("REQ_NO_SURNAMES", "POLICY", "must")
    ]
    assert result.findings[0].message == (
        "The policy's own requirement REQ_NO_SURNAMES ('No {surnames}') has no safeguard "
        "recorded as meeting it. Add an sm-control that meets it, with "
        "`:satisfies: REQ_NO_SURNAMES`."
    )
    local = result.requirements[-3]
    assert (local.id, local.pack, local.text) == (
        "REQ_NO_SURNAMES",
        "local",
        "No post names a pupil.",
    )
    specs[specs.index(next(s for s in specs if s["id"] == "CTRL_IMAGE_CONSENT"))][
        "satisfies"
    ] = "REQ_NO_SURNAMES"
    specs.append(waiver(requirement="REQ_NO_SURNAMES"))  # a known rule: no finding
    assert run(specs).findings == []
    assert [r.id for r in run(specs, local=False).requirements][-2:] == [
        r.id for r in ENGINE_RULES
    ]


def test_country_selects_minimum_ages() -> None:
    tiktok = {
        "item": "tool",
        "id": "TOOL_TIKTOK",
        "platform": "tiktok",
        "purpose": "showcase",
        "audience": "pupils",
    }
    age = [r for r in BOTH if r.id == "AGE_MIN_AGE"]
    older = base(POLICY={"pupil-ages": "14-18", "country": None}) + [tiktok]
    assert (
        evaluate(make_policy(older), age, CATALOGUE, today=TODAY, country="GB").findings
        == []
    )
    found = evaluate(make_policy(older), age, CATALOGUE, today=TODAY, country="AU").findings
    assert [f.item for f in found] == ["TOOL_TIKTOK"]
    assert "minimum age of TikTok in AU (16)" in found[0].message


def test_every_finding_is_a_model_finding() -> None:
    result = run(base(POLICY={"dsl": None}, TOOL_FACEBOOK_GROUP={"platform": "myspace"}))
    assert all(isinstance(f, Finding) for f in result.findings)
    assert {f.rule for f in result.findings} == {
        "ESC_DSL_ROUTE",
        "AGE_JURISDICTION_DATA",
        "MOD_PREMODERATION",
        "MOD_MEMBERSHIP",
    }
    jurisdiction = next(f for f in result.findings if f.rule == "AGE_JURISDICTION_DATA")
    assert "is on myspace, which is not in the platform catalogue" in jurisdiction.message
    assert jurisdiction.severity == "should"


# --- speed: linear in the number of items ---------------------------------------------

PLATFORMS = [
    "facebook",
    "x",
    "youtube",
    "learning-platform",
    "seesaw",
    "blog",
    "padlet",
    "tiktok",
]
KINDS = [
    "house-rules",
    "image-consent",
    "privacy-settings",
    "second-approver",
    "two-step-verification",
    "access-review",
    "digital-inclusion",
    "follower-audit",
]


def big_policy(items: int) -> list[dict[str, Any]]:
    """A policy of ``items`` items: a third tools, a third controls, a third risks."""
    n = items // 3
    specs: list[dict[str, Any]] = [dict(s) for s in CASES["base"] if s["item"] == "policy"]
    for i in range(n):
        audience = ["parents", "pupils", "parents, pupils", "community"][i % 4]
        specs.append(
            {
                "item": "tool",
                "id": f"TOOL_{i}",
                "platform": PLATFORMS[i % len(PLATFORMS)],
                "purpose": "announcements, discussion" if i % 5 == 0 else "announcements",
                "audience": audience,
                "account": "group",
                "comments": ["premoderated", "off", "open"][i % 3],
                "membership": "request",
                "owner": "Mrs K Brown",
                "admins": "Mrs K Brown, Mr R Singh",
                "moderation": "daily",
                "contact-email": "office@oakfield.sch.uk",
                "approved-by": "Mrs S Green",
                "approved-on": "2026-09-01",
                "next-review": "2027-09-01",
                "content": "How it is used.",
            }
        )
    for i in range(n):
        control: dict[str, Any] = {
            "item": "control",
            "id": f"CTRL_{i}",
            "kind": KINDS[i % len(KINDS)],
            "applies-to": f"TOOL_{i}, TOOL_{(i + 1) % n}",
            "last-done": "2026-09-01",
        }
        if i < 4:
            control["applies-to"] = "all"
        specs.append(control)
    for i in range(n):
        specs.append(
            {
                "item": "risk",
                "id": f"RISK_{i}",
                "affects": f"TOOL_{i}",
                "mitigated-by": f"CTRL_{i}",
                "assessed-by": "Mr R Singh",
                "assessed-on": "2026-09-01",
                "likelihood": 3,
                "impact": 3,
            }
        )
    return specs


def work_to_evaluate(policy_specs: list[dict[str, Any]]) -> tuple[int, int]:
    """The Python function calls of one evaluation plus its visits to the policy's
    items (a count of work that does not depend on the machine or its load: a scan
    of every item inside a loop shows in the visits), and the findings."""
    import cProfile
    import pstats

    policy = make_policy(policy_specs)
    visits = [0]

    def counted(iterator: Any) -> Any:
        for value in iterator:
            visits[0] += 1
            yield value

    class Items(dict):  # type: ignore[type-arg]
        def __iter__(self) -> Any:
            return counted(dict.__iter__(self))

        def values(self) -> Any:
            return counted(dict.values(self))

        def items(self) -> Any:
            return counted(dict.items(self))

    policy.items = Items(policy.items)
    profiler = cProfile.Profile()
    profiler.enable()
    result = evaluate(policy, BOTH, CATALOGUE, today=TODAY)
    profiler.disable()
    calls = pstats.Stats(profiler).total_calls  # type: ignore[attr-defined]
    return calls + visits[0], len(result.findings)


def test_evaluation_work_grows_linearly(record_property: Any) -> None:
    """Four times the items, four times the work (within 20%): a rule that compared
    every item with every other (a tool's controls found by scanning all items)
    would make it about sixteen times."""
    small, _ = work_to_evaluate(big_policy(1000))
    large, findings = work_to_evaluate(big_policy(4000))
    record_property("evaluate_work_1000_4000", f"{small} {large}")
    assert findings > 1000
    assert large <= small * 4 * 1.2, f"{small} for 1000 items, {large} for 4000"


def test_today_must_be_given() -> None:
    with pytest.raises(TypeError):
        evaluate(make_policy(base()), BOTH, CATALOGUE)  # type: ignore[call-arg]
    assert isinstance(TODAY, dt.date)


def test_without_sm_policy_policy_rules_still_report() -> None:
    specs = [s for s in base() if s["item"] != "policy"]
    result = run(specs)
    policy_findings = [f for f in result.findings if f.item == "POLICY"]
    assert {f.rule for f in policy_findings} >= {
        "GOV_REVIEW_CYCLE",
        "GOV_GOVERNOR_RATIFIED",
        "ESC_DSL_ROUTE",
    }
    assert all((f.docname, f.source, f.line) == ("", "", 0) for f in policy_findings)
    # tools for pupils need the pupils' ages from the (missing) policy: reported once,
    # by the rule that needs them
    assert ("AGE_MIN_AGE", "TOOL_LEARNING_PLATFORM") in {
        (f.rule, f.item) for f in result.findings
    }
    assert ("GOV_AUDIENCE", "TOOL_LEARNING_PLATFORM") not in {
        (f.rule, f.item) for f in result.findings
    }
