"""A policy of many items: the findings table stays readable (by rule), and the work of
a build grows linearly with the number of items, counted, not timed."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sm_testing import build_with_page, record_calls, warnings_of

from sphinxcontrib_sociallpolicy.reports import _clean, _is_clean, report_json

#: a tool for pupils on a service the school does not control, with its comments open:
#: several findings each
UNSAFE_TOOL = """\
.. sm-tool:: Open account {n}
   :id: TOOL_OPEN_{n:03d}
   :platform: tiktok
   :purpose: announcements
   :audience: pupils
   :account: profile
   :visibility: public
   :comments: open
   :membership: open
   :owner: Ms A Patel
   :admins: Ms A Patel, Mr R Singh
   :moderation: weekly
   :contact-email: office@oakfield.sch.uk
   :approved-by: Mrs S Green (headteacher)
   :approved-on: 2026-09-01
   :next-review: 2027-09-01

   Short videos of school events.

"""


def unsafe_page(tools: int, layout: str | None = None) -> str:
    """A page of open accounts and the compliance summary (the page sorts before
    the appendix's summary, so the status marks link here)."""
    option = f"   :findings: {layout}\n" if layout else ""
    return (
        "Open accounts\n=============\n\n"
        + "".join(UNSAFE_TOOL.format(n=n) for n in range(1, tools + 1))
        + ".. sm-compliance::\n"
        + option
    )


def findings_of(app) -> list[dict[str, str]]:
    """Every finding of the build, from sm-report.json."""
    report = json.loads((Path(app.outdir) / "sm-report.json").read_text("utf-8"))
    return report["findings"]


def rows_of(html: str, table_class: str) -> list[str]:
    """The body rows of the first table with the class ``table_class``."""
    start = re.search(rf'<table class="[^"]*\b{table_class}\b', html).start()
    body = html[html.index("<tbody>", start) : html.index("</tbody>", start)]
    return re.findall(r"<tr.*?</tr>", body, re.S)


def test_hundreds_of_findings_are_shown_by_rule(tmp_path: Path):
    """40 open accounts give well over 200 findings: rows by rule and status, each
    naming at most 25 items (a rule that found 40 continues on a second row), every
    item it found once; each item's status mark links to the first row that names
    it."""
    from sphinxcontrib_sociallpolicy.tables.compliance import ITEMS_PER_ROW

    assert ITEMS_PER_ROW == 25
    app = build_with_page(tmp_path / "src", "accounts", unsafe_page(40))
    html = (Path(app.outdir) / "accounts.html").read_text("utf-8")
    assert "sm-findings-by-rule" in html
    rows = rows_of(html, "sm-findings-by-rule")
    findings = findings_of(app)
    assert len(findings) > 200
    groups: dict[tuple[str, str], set[str]] = {}
    for f in findings:
        groups.setdefault((f["rule"], f["status"]), set()).add(f["item"])
    assert len(rows) == sum(-(-len(items) // 25) for items in groups.values())
    premoderation = [
        row for row in rows if "MOD_PREMODERATION" in re.sub(r"<[^>]+>", "", row)
    ]
    assert len(premoderation) == 2
    assert "40 items, 1 to 25: " in premoderation[0]
    assert "26 to 40: " in premoderation[1]
    both = "".join(premoderation)
    for n in range(1, 41):
        assert both.count(f'href="#TOOL_OPEN_{n:03d}"') == 1
        # the mark on the item links to the place its first row names it
        anchor = f"sm-findings-tool-open-{n:03d}"
        assert f'href="#{anchor}"' in html
        assert html.count(f'id="{anchor}"') == 1
    assert "There are " in html and "shown by rule" in html


def test_a_thousand_findings_of_one_rule_make_a_pdf(tmp_path: Path):
    """300 open accounts: each rule names 300 items, in rows of 25, so no table row
    is taller than a page and no line of the LaTeX is longer than TeX can read (one
    row of a thousand links stopped the PDF build with "Unable to read an entire
    line")."""
    import shutil

    from sm_testing import ROOTS, build_pdf

    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-compliant", src)
    (src / "accounts.rst").write_text(unsafe_page(300), "utf-8")
    index = src / "index.rst"
    index.write_text(
        index.read_text("utf-8").replace("   appendix\n", "   appendix\n   accounts\n")
    )
    log, latex = build_pdf(src, tmp_path / "out")
    tex = next(latex.glob("*.tex")).read_text("utf-8")
    assert "300 items, 1 to 25: " in tex
    assert max(len(line) for line in tex.splitlines()) < 20_000
    assert "Overfull \\vbox" not in log


def test_a_few_findings_are_one_row_each(tmp_path: Path):
    app = build_with_page(tmp_path / "src", "accounts", unsafe_page(2))
    html = (Path(app.outdir) / "accounts.html").read_text("utf-8")
    assert "sm-findings-by-rule" not in html
    assert len(rows_of(html, "sm-findings")) == len(findings_of(app))


@pytest.mark.parametrize(
    ("tools", "layout", "grouped"), [(2, "by-rule", True), (40, "each", False)]
)
def test_the_layout_can_be_chosen(tmp_path: Path, tools: int, layout: str, grouped: bool):
    app = build_with_page(tmp_path / "src", "accounts", unsafe_page(tools, layout))
    html = (Path(app.outdir) / "accounts.html").read_text("utf-8")
    assert ("sm-findings-by-rule" in html) is grouped
    if not grouped:
        assert len(rows_of(html, "sm-findings")) == len(findings_of(app))


def test_an_unknown_layout_is_a_located_warning(tmp_path: Path):
    app = build_with_page(tmp_path / "src", "accounts", unsafe_page(1, "grouped"))
    line = unsafe_page(1, "grouped").splitlines().index(".. sm-compliance::") + 1
    assert (
        f"SRC/accounts.rst:{line}: WARNING: sm-compliance: :findings: 'grouped' is not a "
        "layout of the findings table; write one of auto, each, by-rule (auto, the "
        "default, shows them by rule when there are more than 200) [sm.option]"
    ) in warnings_of(app)


# --- the report file: quick to write, one entry a line, the same data --------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


@given(JSON_VALUES)
def test_the_report_json_reads_back_as_the_same_data(data):
    assert json.loads(report_json(data)) == data


#: text rich in what a report may not hold (controls, surrogates, U+FFFE) and in
#: what it may (TAB, LF, a backslash and ``b``)
HOSTILE_TEXT = st.text(
    alphabet=st.sampled_from(
        list("a \\bfu0\t\n\r\x00\x01\x08\x0c\x1f\x7f\x85\ud800\ufffe\uffff\u00e9")
    )
)
HOSTILE_VALUES = st.recursive(
    st.none() | st.integers() | HOSTILE_TEXT,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(HOSTILE_TEXT, inner, max_size=4)
    ),
    max_leaves=20,
)


@given(HOSTILE_VALUES)
def test_data_said_clean_needs_no_cleaning(data):
    """The report skips the string-by-string clean-up when one search of its JSON
    finds nothing a report may not hold; that must never skip a string that needed
    it."""
    if _is_clean(data):
        assert _clean(data) == data


def test_the_report_has_each_finding_on_a_line_of_its_own(tmp_path: Path):
    app = build_with_page(tmp_path / "src", "accounts", unsafe_page(3))
    text = (Path(app.outdir) / "sm-report.json").read_text("utf-8")
    findings = json.loads(text)["findings"]
    assert findings
    lines = [line.rstrip(",") for line in text.splitlines()]
    for finding in findings:
        assert "    " + json.dumps(finding, ensure_ascii=False) in lines


# --- the packs and catalogue are read once, and again when a file changes ----------


def _count_pack_reads(monkeypatch: pytest.MonkeyPatch) -> list:
    from sphinxcontrib_sociallpolicy import guidance

    return record_calls(monkeypatch, guidance, "resolve_packs")


def test_the_packs_read_by_one_build_are_kept_for_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    import shutil

    from sm_testing import ROOTS, build_html

    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-compliant", src)
    pack = src / "local-pack.yaml"
    shipped = Path(guidance_packs_dir()) / "kent-2010.yaml"
    pack.write_text(shipped.read_text("utf-8"), "utf-8")
    conf = src / "conf.py"
    conf.write_text(
        conf.read_text("utf-8").replace('"kent-2010"', '"local-pack.yaml"'), "utf-8"
    )
    reads = _count_pack_reads(monkeypatch)
    first = build_html(src, tmp_path / "out")
    read_first = len(reads)
    assert read_first >= 1
    tools = src / "tools.rst"
    tools.write_text(tools.read_text("utf-8") + "\n.. an edit elsewhere\n", "utf-8")
    again = build_html(src, tmp_path / "out")
    assert len(reads) == read_first  # kept: the files are the same
    assert warnings_of(again) == warnings_of(first)
    # an edited pack is read again, and what it says now is what the build shows
    old = "Each tool has a stated purpose"
    pack.write_text(pack.read_text("utf-8").replace(old, "Each tool says what it is for"))
    edited = build_html(src, tmp_path / "out")
    assert len(reads) > read_first
    page = (Path(edited.outdir) / "appendix.html").read_text("utf-8")
    assert "Each tool says what it is for" in page


def test_a_damaged_cache_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import shutil

    from sm_testing import ROOTS, build_html

    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-compliant", src)
    first = build_html(src, tmp_path / "out")
    cache = tmp_path / "out" / "doctrees" / "sm-guidance.pickle"
    assert cache.is_file()
    cache.write_bytes(b"not a pickle")
    reads = _count_pack_reads(monkeypatch)
    tools = src / "tools.rst"
    tools.write_text(tools.read_text("utf-8") + "\n.. an edit elsewhere\n", "utf-8")
    again = build_html(src, tmp_path / "out")
    assert reads  # read again: the damaged cache is not used
    assert warnings_of(again) == warnings_of(first)


def guidance_packs_dir() -> Path:
    import sphinxcontrib_sociallpolicy

    return Path(sphinxcontrib_sociallpolicy.__file__).parent / "guidance" / "packs"


# --- linear: the work of a whole build, counted --------------------------------------


def _bench():
    import importlib.util
    import sys

    path = Path(__file__).resolve().parents[1] / "benchmarks" / "bench.py"
    spec = importlib.util.spec_from_file_location("sm_bench_scale", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


class Visits:
    """Counts every visit to an element of the lists and dicts it wraps."""

    def __init__(self) -> None:
        self.count = 0

    def list(self, values: list) -> list:
        visits = self

        class Counted(list):
            def __iter__(self):
                for value in list.__iter__(self):
                    visits.count += 1
                    yield value

        return Counted(values)

    def dict(self, values: dict) -> dict:
        visits = self

        def counted(iterator):
            for value in iterator:
                visits.count += 1
                yield value

        class Counted(dict):
            def __iter__(self):
                return counted(dict.__iter__(self))

            def values(self):
                return counted(dict.values(self))

            def items(self):
                return counted(dict.items(self))

        return Counted(values)


def visits_in_a_build(src: Path, out: Path, monkeypatch: pytest.MonkeyPatch):
    """Build ``src`` counting each visit to a finding, a result or an item of the
    policy after the evaluation (by the tables, status marks, reports): a count of
    work, whatever the machine's speed or load. Also the findings."""
    from sm_testing import build_html

    from sphinxcontrib_sociallpolicy import guidance

    visits = Visits()
    evaluate = guidance.evaluate

    def counted(policy, *args, **kwargs):
        result = evaluate(policy, *args, **kwargs)
        result.findings = visits.list(result.findings)
        result.results = visits.list(result.results)
        policy.items = visits.dict(policy.items)
        return result

    monkeypatch.setattr(guidance, "evaluate", counted)
    app = build_html(src, out)
    monkeypatch.setattr(guidance, "evaluate", evaluate)
    return visits.count, len(findings_of(app))


def test_the_work_of_a_build_grows_linearly_with_the_items(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """The benchmark's findings-heavy policy at 160 and 640 items (40 a page): four
    times the items, at most 4.8 times the visits to findings, results and items
    after the evaluation (the tables, with hundreds of findings, the status marks,
    the reports). A lookup that scanned every finding for each tool, or every item
    for each link, would make it about sixteen times."""
    bench = _bench()
    counts = []
    for items in (160, 640):
        model = bench.make_model(items, items // 40, profile="findings")
        src = bench.generate(tmp_path, model, "sociallpolicy", True, f"p{items}")
        counts.append(visits_in_a_build(src, tmp_path / f"out{items}", monkeypatch))
    (small, small_findings), (large, large_findings) = counts
    assert large_findings > 3 * small_findings > 0
    assert large <= small * 4 * 1.2, f"{small} visits at 160 items, {large} at 640"


@given(HOSTILE_VALUES)
def test_the_report_text_is_clean_where_its_data_is(data):
    """The report file is checked once, as written (report_json), not as data."""
    from sphinxcontrib_sociallpolicy.reports import _clean_json

    assert _clean_json(report_json(data)) == _is_clean(data)
