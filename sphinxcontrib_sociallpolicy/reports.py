"""``sm-report.json`` and ``sm-junit.xml``, written into the output folder by every
builder (html, latex, dummy, ...) when ``sm_reports`` is on.

The report is built from this build's :class:`~.project.ProjectState` as plain data
(:func:`report_data`), which the ``sociallpolicy check`` command prints in its own
formats too.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

from .base import base_state
from .config import SmConfig, get_config
from .guidance.engine import POLICY_COLUMN, finding_order
from .project import ProjectState, get_state
from .schema import SEVERITIES

REPORT_JSON = "sm-report.json"
REPORT_JUNIT = "sm-junit.xml"
#: the report files, by name
REPORTS = (REPORT_JSON, REPORT_JUNIT)
FORMAT_VERSION = 2


def generated_at() -> str:
    """The build time, UTC (``SOURCE_DATE_EPOCH`` honoured, for reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = dt.datetime.now(tz=dt.UTC)
    if epoch and re.fullmatch(r"[0-9]{1,12}", epoch.strip()):
        try:
            moment = dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
        except (OverflowError, OSError, ValueError):  # beyond what the system dates
            pass
    return moment.replace(microsecond=0).isoformat()


#: what may not reach a report: characters XML 1.0 does not allow (C0 controls but
#: TAB, LF and CR; lone surrogates; U+FFFE, U+FFFF), and those it discourages and
#: no reader can see (DEL, C1 controls)
_NOT_IN_REPORTS = re.compile(
    r"[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)


def report_text(text: str) -> str:
    """``text`` as it may appear in a report: without the characters of
    :data:`_NOT_IN_REPORTS`. Values reach the reports already without control
    characters (the directives take them out); this is the last line of defence,
    so that a report is always well-formed whatever the input."""
    return _NOT_IN_REPORTS.sub("", text)


def _clean(value: Any) -> Any:
    """``value`` (report data) with :func:`report_text` applied to every string."""
    kind = type(value)
    if kind is str:
        return report_text(value) if _NOT_IN_REPORTS.search(value) else value
    if kind is int or kind is bool or kind is float or value is None:
        return value
    if isinstance(value, str):
        return report_text(value)
    if isinstance(value, dict):
        return {_clean(key): _clean(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(item) for item in value]
    return value


#: one encoder for every entry (``json.dumps`` with options makes a new one each call)
_ENTRY = json.JSONEncoder(ensure_ascii=False).encode


def report_json(data: Any, depth: int = 0) -> str:
    """The report as JSON text: objects and lists indented two levels deep, and each
    entry below that (a finding, a result) on one line, so the file stays readable
    and is written quickly (deeper levels use the C encoder)."""
    if depth >= 2 or not isinstance(data, dict | list) or not data:
        return _ENTRY(data)
    pad, end = "  " * (depth + 1), "  " * depth
    if depth == 1:  # each entry on a line of its own, written by the C encoder
        if isinstance(data, dict):
            entries = [
                f"{pad}{_ENTRY(key)}: {_ENTRY(value)}" for key, value in data.items()
            ]
        else:
            entries = [pad + text for text in map(_ENTRY, data)]
    elif isinstance(data, dict):
        entries = [
            f"{pad}{_ENTRY(key)}: {report_json(value, depth + 1)}"
            for key, value in data.items()
        ]
    else:
        entries = [pad + report_json(value, depth + 1) for value in data]
    opening, closing = ("{", "}") if isinstance(data, dict) else ("[", "]")
    return opening + "\n" + ",\n".join(entries) + "\n" + end + closing


#: in JSON text, an escaped character a report may not hold: a C0 control (JSON
#: writes them as escapes; TAB, LF and CR are written as ``\t`` ``\n`` ``\r``, and
#: kept). ``\\b`` (a backslash, then ``b``) matches too: harmless, the data is then
#: cleaned string by string
_ESCAPED_NOT_IN_REPORTS = re.compile(r"\\(?:u00[01]|[bf])")


def _is_clean(data: Any) -> bool:
    """Whether no string in ``data`` holds what a report may not (one pass of the C
    JSON encoder and two searches, instead of a visit to every string)."""
    return _clean_json(json.dumps(data, ensure_ascii=False))


def _clean_json(text: str) -> bool:
    """Whether no string in the JSON ``text`` (written with ``ensure_ascii=False``)
    holds what a report may not."""
    return not (_NOT_IN_REPORTS.search(text) or _ESCAPED_NOT_IN_REPORTS.search(text))


def report_data(state: ProjectState, config: SmConfig) -> dict[str, Any]:
    """The report as plain data, read from the build's evaluation; every string in
    it clean of what a report may not hold (:func:`report_text`)."""
    data = _report_data(state, config)
    return data if _is_clean(data) else _clean(data)


def _report_data(state: ProjectState, config: SmConfig) -> dict[str, Any]:
    evaluation = state.evaluation
    policy_item = state.policy.policy
    trust = base_state(state)
    counts = Counter((f.severity, f.status) for f in state.findings)
    summary: dict[str, Any] = {
        "requirements": len(state.requirements),
        "tools": len(state.policy.of_kind("tool")),
        "controls": len(state.policy.of_kind("control")),
        "risks": len(state.policy.of_kind("risk")),
        "documents": len(state.policy.of_kind("document")),
        "findings": len(state.findings),
        "open": sum(1 for f in state.findings if f.status == "open"),
        "waived": sum(1 for f in state.findings if f.status == "waived"),
        "disabled": sum(1 for f in state.findings if f.status == "disabled"),
        "by_severity": {
            severity: {
                status: counts[(severity, status)]
                for status in ("open", "waived", "disabled")
            }
            for severity in SEVERITIES
        },
        # requirement x item results: met (checked + attested), open, waived, disabled
        "results": evaluation.basis_counts(),
        "drafts": len(evaluation.drafts()),
        "fail_on": evaluation.fail_on,
        "passed": evaluation.passed,
    }
    table = evaluation.cells()
    tools = [t.id for t in state.policy.of_kind("tool")]
    requirements = state.requirements  # worked out on each use
    per_requirement = {}
    for req in requirements:
        words = {c: table.get((req.id, c)) for c in [*tools, POLICY_COLUMN]}
        met, applicable = evaluation.coverage_of(words.values())
        per_requirement[req.id] = {
            "severity": req.severity,
            "pack": req.pack,
            "met": met,
            "applicable": applicable,
            "cells": {c: w for c, w in words.items() if w is not None},
        }
    per_tool = {}
    for tool in [*tools, POLICY_COLUMN]:
        met, applicable = evaluation.coverage_of(
            table.get((r.id, tool)) for r in requirements
        )
        per_tool[tool] = {"met": met, "applicable": applicable}
    shown = {r.id for r in requirements}
    results = []
    for result in evaluation.results:
        if result.rule not in shown:
            continue
        entry: dict[str, Any] = {
            "rule": result.rule,
            "item": result.item,
            "status": result.status,
        }
        if result.basis is not None:
            entry["basis"] = result.basis
        results.append(entry)
    return {
        "format": FORMAT_VERSION,
        "policy": {
            "id": policy_item.id if policy_item else None,
            "title": policy_item.title if policy_item else None,
            "school": policy_item.fields.get("school") if policy_item else None,
        },
        "generated": generated_at(),
        "checked_on": config.today.isoformat(),
        "guidance": [
            {"pack": pack, "title": title, "version": version, "source": source}
            for pack, title, version, source in state.packs
        ],
        "disabled": sorted(state.disabled),
        "summary": summary,
        "findings": [f.as_dict() for f in sorted(state.findings, key=finding_order)],
        "results": results,
        "coverage": {"requirements": per_requirement, "tools": per_tool},
        # the trust base (sm_base) and the school's overrides of its items
        "base": trust.as_dict(config.confdir) if trust is not None else None,
        "overrides": [o.as_dict() for o in trust.overrides] if trust is not None else [],
    }


def junit_xml(state: ProjectState) -> bytes:
    """One testcase per requirement x applicable item; a failure per open finding."""
    by_key: dict[tuple[str, str], list[Any]] = {}
    for finding in state.findings:
        by_key.setdefault((finding.rule, finding.item), []).append(finding)
    suites = ET.Element("testsuites", name="sociallpolicy")
    requirements = {r.id: r for r in state.requirements}
    grouped: dict[str, list[Any]] = {}
    for result in state.results:
        pack = requirements[result.rule].pack if result.rule in requirements else "other"
        grouped.setdefault(pack, []).append(result)
    # findings without a result (e.g. about waivers) still become test cases
    seen = {(r.rule, r.item) for r in state.results}
    extra = [f for f in state.findings if (f.rule, f.item) not in seen]
    for pack in sorted(grouped) + (["policy"] if extra else []):
        results = grouped.get(pack, [])
        suite = ET.SubElement(suites, "testsuite", name=pack)
        failures = skipped = tests = 0
        cases: list[tuple[str, str, str]] = [(r.rule, r.item, r.status) for r in results]
        if pack == "policy":
            cases += [(f.rule, f.item, f.status) for f in extra]
        for rule, item, _status in cases:
            tests += 1
            case = ET.SubElement(suite, "testcase", classname=f"{pack}.{rule}", name=item)
            for finding in by_key.get((rule, item), []):
                where = f"{finding.source}:{finding.line}"
                if finding.status == "open":
                    failures += 1
                    failure = ET.SubElement(
                        case, "failure", message=finding.message, type=finding.severity
                    )
                    failure.text = f"{where}: {finding.message}"
                else:
                    skipped += 1
                    skip = ET.SubElement(
                        case,
                        "skipped",
                        message=f"{finding.status}: {finding.reason or finding.message}",
                    )
                    skip.text = where
                break
        suite.set("tests", str(tests))
        suite.set("failures", str(failures))
        suite.set("skipped", str(skipped))
        suite.set("errors", "0")
    ET.indent(suites)
    text = ET.tostring(suites, encoding="unicode")
    if _NOT_IN_REPORTS.search(text):
        # whatever the input, the XML is well-formed: no character XML 1.0 forbids
        # (looked for once in the text written; taken out of each value if found)
        for element in suites.iter():
            if element.text:
                element.text = report_text(element.text)
            for key, value in element.attrib.items():
                element.set(key, report_text(value))
        text = ET.tostring(suites, encoding="unicode")
    return b"<?xml version='1.0' encoding='utf-8'?>\n" + text.encode("utf-8")


def _write_files(state: ProjectState, config: SmConfig, paths: dict[str, Path]) -> None:
    """Both reports, into ``paths`` (by report name)."""
    # as report_data, checked once on the text written
    text = report_json(_report_data(state, config))
    if not _clean_json(text):
        text = report_json(report_data(state, config))
    paths[REPORT_JSON].write_text(text + "\n", encoding="utf-8")
    paths[REPORT_JUNIT].write_bytes(junit_xml(state))


def _can_fork() -> bool:
    """Whether the reports may be written by a forked process: on Linux (fork is
    unsafe with some macOS system libraries, and Windows has none), from a process
    with no other thread (a fork copies only the thread that calls it)."""
    import sys
    import threading

    return sys.platform == "linux" and threading.active_count() == 1


#: how a process is forked (one place, for the tests to count)
_fork = getattr(os, "fork", None)


def start_reports(app: Sphinx, builder: Any) -> None:
    """``write-started``, once the checks are done (:func:`.project.analyse`): the
    reports depend on nothing the pages add, so a forked process writes them (into
    files of its own) while this one writes the pages; :func:`write_reports` keeps
    them when the build succeeds. Where a process cannot be forked, they are written
    at the end."""
    config = get_config(app)
    if not config.reports or not _can_fork() or _fork is None:
        return
    state = get_state(app)
    outdir = Path(app.outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    paths = {name: outdir / f".{name}.{os.getpid()}.part" for name in REPORTS}
    try:
        pid = _fork()
    except OSError:  # no memory or process left: at the end, in this process
        return
    if pid == 0:  # the child: write, and leave at once (no exit handlers)
        code = 1
        try:
            _write_files(state, config, paths)
            code = 0
        finally:
            os._exit(code)
    app._sm_reports = (pid, paths)  # type: ignore[attr-defined]


def write_reports(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``: keep the reports the forked process wrote (see
    :func:`start_reports`), or write them now; none when the build failed."""
    started = getattr(app, "_sm_reports", None)
    app._sm_reports = None  # type: ignore[attr-defined]
    outdir = Path(app.outdir)
    if started is not None:
        pid, paths = started
        _, status = os.waitpid(pid, 0)
        written = os.waitstatus_to_exitcode(status) == 0
        for name, path in paths.items():
            if written and exception is None:
                path.replace(outdir / name)
            else:
                path.unlink(missing_ok=True)
        if written or exception is not None:
            return
        # the forked process failed: write them here, where an error is reported
    if exception is not None:
        return
    config = get_config(app)
    if not config.reports:
        return
    outdir.mkdir(parents=True, exist_ok=True)
    _write_files(get_state(app), config, {name: outdir / name for name in REPORTS})


def setup_reports(app: Sphinx) -> None:
    # after the checks (project.on_write_started, priority 600)
    app.connect("write-started", start_reports, priority=900)
    app.connect("build-finished", write_reports)
