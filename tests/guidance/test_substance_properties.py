"""Property-based tests of the result model: whatever controls, documents and drafts
a policy holds, evaluation never raises, nothing that does not count is ever
evidence, and every "met" says truly what it rests on."""

from __future__ import annotations

from typing import Any

from guidance_cases import HERE, TODAY, load_cases, make_items
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sphinxcontrib_sociallpolicy.guidance import (
    DRAFT_RULE,
    SUBSTANCE_RULE,
    evaluate,
    load_catalogue,
    requirements_of,
    resolve_packs,
)
from sphinxcontrib_sociallpolicy.guidance.substance import shortfalls
from sphinxcontrib_sociallpolicy.model import Policy
from sphinxcontrib_sociallpolicy.options import OptionError, parse_covers
from sphinxcontrib_sociallpolicy.schema import CONTROL_KINDS, DOCUMENT_KINDS, FREQUENCIES

CATALOGUE = load_catalogue()
REQUIREMENTS = requirements_of(resolve_packs(["kent-2010", "uk-online-safety"], HERE))
BASE = [s for s in load_cases()["base"] if s["item"] in ("policy", "tool", "risk")]
RULES = sorted({r.id for r in REQUIREMENTS})

dates = st.dates(min_value=TODAY.replace(year=2023), max_value=TODAY.replace(year=2027))
maybe = st.one_of(st.none(), st.just(""))
text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=30
)


@st.composite
def safeguard(draw: Any, number: int) -> dict[str, Any]:
    document = draw(st.booleans())
    spec: dict[str, Any] = {
        "item": "document" if document else "control",
        "id": f"{'DOC' if document else 'CTRL'}_{number}",
        "title": draw(st.sampled_from(["Placeholder", "Training", "Rules"])),
        "kind": draw(st.sampled_from(DOCUMENT_KINDS if document else CONTROL_KINDS)),
    }
    if draw(st.booleans()):
        spec["owner"] = "Ms A Patel"
    content = draw(st.one_of(st.just(""), st.just(spec["title"]), text))
    if content.strip():
        spec["content"] = content
    status = draw(st.one_of(st.none(), st.sampled_from(["draft", "adopted", "approved"])))
    if status:
        spec["status"] = status
    if document:
        if draw(st.booleans()):
            spec["next-review"] = draw(dates)
        if draw(st.booleans()):
            spec["covers"] = draw(st.lists(st.sampled_from(RULES), min_size=1, max_size=3))
    else:
        if draw(st.booleans()):
            spec["frequency"] = draw(st.sampled_from(FREQUENCIES))
        if draw(st.booleans()):
            spec["last-done"] = draw(dates)
        if draw(st.booleans()):
            spec["applies-to"] = draw(
                st.sampled_from(["all", "TOOL_FACEBOOK_GROUP", "TOOL_LEARNING_PLATFORM"])
            )
        if draw(st.booleans()):
            spec["satisfies"] = draw(
                st.lists(st.sampled_from(RULES), min_size=1, max_size=3)
            )
    return spec


@st.composite
def policies(draw: Any) -> Policy:
    count = draw(st.integers(min_value=0, max_value=12))
    specs = [draw(safeguard(n)) for n in range(count)]
    for spec in list(BASE):
        if spec["item"] in ("tool", "risk") and draw(st.booleans()):
            spec = {**spec, "status": "draft"}
        specs.append(spec)
    return Policy.from_items(make_items(specs))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(policies(), st.sampled_from(["must", "should", "may"]))
def test_nothing_that_does_not_count_is_ever_evidence(policy: Policy, fail_on: str) -> None:
    result = evaluate(policy, REQUIREMENTS, CATALOGUE, today=TODAY, fail_on=fail_on)
    counts = {item.id: not item.draft and not shortfalls(item, TODAY) for item in policy}
    for r in result.results:
        for evidence in r.evidence:
            assert counts.get(evidence, True), (r.rule, r.item, evidence)
        if r.status == "met":
            kinds = {policy.items[e].kind for e in r.evidence if e in policy.items}
            expected = "attested" if kinds & {"control", "document"} else "checked"
            assert r.basis == expected, r
        else:
            assert r.basis is None
    # every finding is located at an item of the policy (or the policy stand-in)
    for f in result.findings:
        assert f.item in policy.items or f.item == "POLICY"
        assert f.severity in ("must", "should", "may")
        assert "{" not in f.message and "not given" not in f.message
    drafts = {f.item for f in result.findings if f.rule == DRAFT_RULE}
    assert drafts == {i.id for i in policy if i.draft}
    lacking = {f.item for f in result.findings if f.rule == SUBSTANCE_RULE}
    assert lacking == {i.id for i in policy if not i.draft and shortfalls(i, TODAY)}
    assert result.passed == (not result.failing())
    counts_ = result.basis_counts()
    assert counts_["met"] == counts_["checked"] + counts_["attested"]


@given(st.text(max_size=60))
def test_covers_parses_or_says_why(raw: str) -> None:
    try:
        pairs = parse_covers(raw)
    except OptionError as error:
        assert str(error)
        return
    assert pairs and all(
        rule.isupper() or "_" in rule or rule.isalnum() for rule, _ in pairs
    )
    assert len({rule for rule, _ in pairs}) == len(pairs)
