"""The build-speed benchmark runs end to end on a small policy.

A smoke test: it proves ``benchmarks/bench.py`` still generates valid projects for all
three variants (``--check`` fails on any input error in our generated items) and writes
its figures; the speed itself is measured with ``make bench``, not here.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench.py"


def _load_bench():
    spec = importlib.util.spec_from_file_location("sm_bench", BENCH)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_benchmark_smoke(tmp_path: Path, capsys) -> None:
    """One round of every build on a small policy, the incremental rebuild checked
    against a clean build, two sizes; the targets are not judged at this size."""
    bench = _load_bench()
    figures = tmp_path / "figures.json"
    argv = ["--items", "40", "--docs", "4", "--repeat", "1", "--no-targets"]
    assert bench.main([*argv, "--sizes", "40,80", "--json", str(figures)]) == 0
    data = json.loads(figures.read_text(encoding="utf-8"))
    out = capsys.readouterr().out
    for name, *_ in bench.RUNS:
        assert name in out
        assert data["results"][name]["median"] > 0
    assert "the rebuilt pages equal a clean build of the edited text" in out
    # the pages the rebuild wrote are named: the tool's, and the tables that show it
    rewrote = next(line for line in out.splitlines() if "rewrote " in line)
    assert "register.html" in rewrote and "risks.html" not in rewrote
    assert set(data["ratios"]) == {
        "needs/plain",
        "ours-compliant/plain",
        "ours-findings/plain",
        "incremental/full",
        "j2/j1",
    }
    # the findings-heavy profile shows its findings as warnings; the compliant none
    assert data["results"]["ours-findings"]["findings_shown"] > 0
    assert data["results"]["ours-compliant"]["findings_shown"] == 0
    assert set(data["sizes"]) == {"40", "80"}


def test_the_generated_items_are_valid_and_the_profiles_differ() -> None:
    """Both profiles have the same items and options (only values differ), so the
    same plain text stands for both."""
    bench = _load_bench()
    compliant = bench.make_model(80, 4, profile="compliant")
    findings = bench.make_model(80, 4, profile="findings")
    assert [(i.id, [n for n, _ in i.facts]) for i in compliant.items] == [
        (i.id, [n for n, _ in i.facts]) for i in findings.items
    ]
    tools = [
        (a, b)
        for a, b in zip(compliant.items, findings.items, strict=True)
        if a.kind == "tool"
    ]
    assert any(dict(a.facts) != dict(b.facts) for a, b in tools)


def test_every_variant_shows_the_same_text(tmp_path: Path) -> None:
    bench = _load_bench()
    model = bench.make_model(40, 4)
    assert len(model.items) == 40
    for item in model.items[:10]:
        texts = [bench.render_item(item, variant) for variant in bench.VARIANTS]
        for text in texts:
            assert item.title in text
            assert item.body.split()[0] in text
            for _name, value in item.facts:
                assert value in text


PORTFOLIO_BENCH = BENCH.with_name("portfolio_bench.py")


def test_portfolio_benchmark_generates_varied_schools_with_planted_gaps(tmp_path: Path):
    """The portfolio benchmark's schools: varied from the example, a fifth with
    gaps the check must find (the speed is measured with the benchmark itself)."""
    spec = importlib.util.spec_from_file_location("sm_portfolio_bench", PORTFOLIO_BENCH)
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    planted = bench.generate(10, tmp_path, seed=13)
    schools = sorted(tmp_path.iterdir())
    assert len(schools) == 10
    assert len(planted) == 2 and all(planted.values())
    names = {
        next(
            ln
            for ln in (s / "index.rst").read_text("utf-8").splitlines()
            if ":school:" in ln
        )
        for s in schools
    }
    assert len(names) == 10 and not any("Oakfield" in n for n in names)
    for school, gaps in planted.items():
        if "comments open" in gaps:
            assert ":comments: open" in (tmp_path / school / "tools.rst").read_text("utf-8")
    for school in schools:
        assert 'sm_today = "2026-12-02"' in (school / "conf.py").read_text("utf-8")
