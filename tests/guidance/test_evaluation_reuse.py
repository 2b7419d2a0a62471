"""An evaluation may reuse an earlier one's results (``evaluate(..., memo=...)``)
where nothing the results read has changed: the outcome must be the same as a fresh
evaluation, whatever changed, and most of the work must be saved when one item
changed."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from guidance_cases import HERE, TODAY, case_specs, load_cases, make_policy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_guidance_engine import big_policy

from sphinxcontrib_sociallpolicy.guidance import (
    builtin_pack_ids,
    evaluate,
    load_catalogue,
    requirements_of,
    resolve_packs,
)
from sphinxcontrib_sociallpolicy.schema import BY_KIND

CASES = load_cases()
CATALOGUE = load_catalogue([HERE / "cases_platforms.yaml"])
#: every built-in requirement (a rule in two packs is checked once)
EVERY = requirements_of(resolve_packs(sorted(builtin_pack_ids()), HERE))


def outcome(evaluation: Any) -> dict[str, Any]:
    """Everything an evaluation says, in order."""
    return {
        "findings": [dataclasses.asdict(f) for f in evaluation.findings],
        "results": [
            (r.rule, r.item, r.kind, r.status, r.severity, r.basis, r.evidence)
            for r in evaluation.results
        ],
        "news": [r.id for r in evaluation.news],
        "passed": evaluation.passed,
    }


def run(specs: list[dict[str, Any]], memo: Any = None, **kwargs: Any) -> Any:
    kwargs.setdefault("today", TODAY)
    return evaluate(make_policy(specs), EVERY, CATALOGUE, memo=memo, **kwargs)


def every_case() -> list[tuple[str, dict[str, Any]]]:
    found = []
    for rule, cases in CASES["cases"].items():
        for name in ("pass", "fail"):
            if name in cases:
                found.append((f"{rule}-{name}", cases[name]))
        for n, case in enumerate(cases.get("more", ())):
            found.append((f"{rule}-more{n}", case))
    return found


CASE_LIST = every_case()


@pytest.mark.parametrize(("name", "case"), CASE_LIST, ids=[n for n, _ in CASE_LIST])
def test_reuse_after_each_case_is_a_fresh_evaluation(name: str, case: dict[str, Any]):
    """Each pass/fail case is the base policy with a change: evaluated with the
    base's memo, and the base with the case's, the outcome is a fresh one's."""
    base = [dict(s) for s in CASES["base"]]
    changed = case_specs(CASES, case)
    today = case.get("today", TODAY)
    for before, after in ((base, changed), (changed, base)):
        memo = run(before, today=today).memo
        again = run(after, memo=memo, today=today)
        assert outcome(again) == outcome(run(after, today=today)), name


def test_one_tool_changed_reuses_the_rest():
    specs = big_policy(300)
    first = run(specs)
    assert first.memo.reused == 0 and first.memo.worked_out > 200
    tool = next(s for s in specs if s["id"] == "TOOL_50")
    tool["comments"] = "open" if tool["comments"] != "open" else "off"
    again = run(specs, memo=first.memo)
    assert outcome(again) == outcome(run(specs))
    # the tool, and what reads it: its two controls, its risk, and the policy
    assert again.memo.worked_out <= 5, again.memo.worked_out
    assert again.memo.reused >= first.memo.worked_out - 5
    # nothing changed: everything reused
    still = run(specs, memo=again.memo)
    assert still.memo.worked_out == 0 and outcome(still) == outcome(again)


@pytest.mark.parametrize(
    "setting",
    [
        {"today": TODAY.replace(year=2027)},
        {"country": "IE"},
        {"disabled": {"MOD_PREMODERATION"}},
        {"fail_on": "should"},
    ],
)
def test_a_changed_setting_is_a_fresh_evaluation(setting: dict[str, Any]):
    specs = big_policy(60)
    memo = run(specs).memo
    again = run(specs, memo=memo, **setting)
    assert outcome(again) == outcome(run(specs, **setting))
    if "fail_on" not in setting:  # the threshold changes no result
        assert again.memo.reused == 0


# --- any edits ------------------------------------------------------------------

SMALL = big_policy(30)
IDS = [s["id"] for s in SMALL]
VALUES = {
    "comments": ["open", "off", "premoderated"],
    "membership": ["open", "request", "invite"],
    "moderation": ["daily", "weekly", None],
    "platform": ["facebook", "x", "youtube", "made-up"],
    "account": ["group", "page", "personal", None],
    "status": ["draft", "adopted", None],
    "content": ["", "How it is used.", None],
    "last-done": ["2026-09-01", "2024-01-01", None],
    "applies-to": ["all", "TOOL_1", "TOOL_2, TOOL_3", None],
    "affects": ["TOOL_1", "TOOL_4", None],
    "mitigated-by": ["CTRL_1", "CTRL_2, CTRL_3", None],
    "satisfies": ["MOD_PREMODERATION", "GOV_PREREQ_TRAINING", None],
    "approved-on": ["2026-09-01", "2024-01-01", None],
    "kind": ["staff-training", "moderation-rota", "other"],
}
EDIT = st.tuples(st.sampled_from(IDS), st.sampled_from(sorted(VALUES)), st.integers(0, 9))
EDITS = st.lists(st.one_of(EDIT, st.tuples(st.sampled_from(IDS))), max_size=6)


def edited(
    specs: list[dict[str, Any]], edits: list[tuple[Any, ...]]
) -> list[dict[str, Any]]:
    out = [dict(s) for s in specs]
    for edit in edits:
        if len(edit) == 1:  # remove the item
            out = [s for s in out if s["id"] != edit[0]]
            continue
        item_id, name, pick = edit
        for spec in out:
            options = {o.name: o for o in BY_KIND[spec["item"]].options}
            if spec["id"] != item_id or (name not in options and name != "content"):
                continue
            choices = VALUES[name]
            option = options.get(name)
            if option is not None and option.kind == "choice":  # its own values
                choices = [*option.values, None]
            value = choices[pick % len(choices)]
            if value is None:
                spec.pop(name, None)
            else:
                spec[name] = value
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(EDITS, EDITS)
def test_reuse_after_any_edits_is_a_fresh_evaluation(first, second):
    before = edited(SMALL, first)
    after = edited(before, second)
    memo = run(before).memo
    assert outcome(run(after, memo=memo)) == outcome(run(after))


def _wanting_base() -> list[dict[str, Any]]:
    """The base policy with its tools' comments open and no moderation or approval
    recorded: many requirements fail on them."""
    specs = [dict(s) for s in CASES["base"]]
    for spec in specs:
        if spec["item"] == "tool":
            spec["comments"] = "open"
            spec.pop("moderation", None)
            spec.pop("approved-on", None)
    return specs


@pytest.mark.parametrize("rule", [r.id for r in EVERY])
def test_a_new_safeguard_for_a_rule_is_seen_by_every_item(rule: str):
    """A control that newly names a rule in :satisfies: (for every tool) may meet it
    where nothing else changed: no earlier result of that rule may be reused."""
    before = _wanting_base()
    new = {
        "item": "control",
        "id": "CTRL_NEW",
        "kind": "other",
        "satisfies": rule,
        "content": "We do this every week, recorded in the log, checked by the DSL.",
        "last-done": "2026-11-01",
    }
    after = [*before, new]
    for first, then in ((before, after), (after, before)):
        memo = run(first).memo
        assert outcome(run(then, memo=memo)) == outcome(run(then))


def test_the_order_items_were_read_in_changes_nothing():
    """An incremental build reads the changed pages last, so its items come in
    another order: the outcome is the same, and so is what can be reused."""
    from sphinxcontrib_sociallpolicy.model import Policy

    specs = big_policy(120)
    items = list(make_policy(specs))
    forward = Policy.from_items(items)
    backward = Policy.from_items(list(reversed(items)))
    assert forward.backlinks == backward.backlinks
    first = evaluate(forward, EVERY, CATALOGUE, today=TODAY)
    again = evaluate(backward, EVERY, CATALOGUE, today=TODAY, memo=first.memo)
    assert outcome(again) == outcome(first)
    assert again.memo.worked_out == 0
