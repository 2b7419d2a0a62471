"""The whole portfolio from its schools: the summary, the union of the
requirements, the exit code. Used by a run and by a merge of shards alike, so that
both give the same ``portfolio.json`` for the same schools."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from .. import __version__
from ..schema import SEVERITIES
from .record import status_counts
from .schema import (
    EXIT_FOR_STATUS,
    FORMAT_VERSION,
    Portfolio,
    Requirement,
    School,
    Summary,
)

#: the results a requirement can have at a school, in the summary's order
RESULTS = ("open", "waived", "met", "disabled", "not-applicable")
TOOL = f"sphinxcontrib-sociallpolicy {__version__}"


def union(requirements: Iterable[Iterable[Requirement]]) -> list[Requirement]:
    """The requirements of every school, once each, by ID. When schools differ on
    one (a school's own requirement with an ID another school uses too), the same
    one is kept whatever the order the lists come in (the least by pack, title and
    severity), so that shards merged give what one run gives."""
    chosen: dict[str, Requirement] = {}

    def order(r: Requirement) -> tuple[bool, str, str, str]:
        return (r["pack"] is None, r["pack"] or "", r["title"], r["severity"])

    for group in requirements:
        for requirement in group:
            known = chosen.get(requirement["id"])
            if known is None or order(requirement) < order(known):
                chosen[requirement["id"]] = Requirement(
                    id=requirement["id"],
                    title=requirement["title"],
                    severity=requirement["severity"],
                    pack=requirement["pack"],
                )
    return [chosen[key] for key in sorted(chosen)]


def summary(schools: list[School]) -> Summary:
    per_rule: dict[str, Counter[str]] = {}
    for school in schools:
        for rule, result in school["results"].items():
            per_rule.setdefault(rule, Counter())[result] += 1
    return Summary(
        schools=len(schools),
        status=status_counts(schools),
        open={s: sum(school["open"].get(s, 0) for school in schools) for s in SEVERITIES},
        requirements={
            rule: {result: per_rule[rule][result] for result in RESULTS}
            for rule in sorted(per_rule)
        },
    )


def exit_code(schools: list[School]) -> int:
    """0 every school passes, 1 any has findings, 2 any has input errors."""
    return max((EXIT_FOR_STATUS[s["status"]] for s in schools), default=0)


def portfolio(
    schools: list[School],
    requirements: Iterable[Iterable[Requirement]],
    *,
    checked_on: str,
    shard: str | None,
    generated: str,
) -> Portfolio:
    ordered = sorted(schools, key=lambda s: s["project"])
    return Portfolio(
        format=FORMAT_VERSION,
        generated=generated,
        tool=TOOL,
        checked_on=checked_on,
        shard=shard,
        exit=exit_code(ordered),
        summary=summary(ordered),
        requirements=union(requirements),
        schools=ordered,
    )
