"""The portfolio dashboard (``portfolio/dashboard.py``, issue 13): the HTML page a
trust's or a local authority's staff read, beside ``portfolio.json``.

- :func:`render` on a hand-written portfolio of three schools (one passes, one has
  findings, one has input errors; one school's name is markup and its policy link a
  ``javascript:`` URL): the page parses, every value is escaped, and the schools'
  rows, the requirement x school grid, the "N of M schools" sentences, the overdue
  items, the 30/60/90-day windows and the input errors are exactly as expected;
- the same page in headless Chromium, 1280 and 390 px wide, as tests/test_browser.py
  reads the policy: nothing outside its cell, no word broken, nothing wider than the
  page, the schools as cards on a phone, no serious or critical axe-core problem, and
  laid out for A4;
- 300 generated schools render in well under a second, and the grid stays in its
  own scrolling box with its headers in view.

Screenshots go to ``test-output/browser/dashboard-*.png``.
"""

from __future__ import annotations

import copy
import html
import random
import re
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from test_browser import (
    A4_PORTRAIT,
    CHECK_PAGE,
    CHECK_PRINT,
    SHOTS,
    WIDTHS,
    axe_violations,
    browser_or_skip,
    describe,
    load,
    screenshot,
    set_width,
)

from sphinxcontrib_sociallpolicy.portfolio import dashboard
from sphinxcontrib_sociallpolicy.portfolio.dashboard import policy_link, render

HOSTILE = '<script>alert(1)</script> & "quotes"'
CHECKED_ON = "2026-12-02"


def dated(item: str, title: str, what: str, due: str, days: int) -> dict:
    return {"item": item, "title": title, "what": what, "due": due, "days": days}


def school(project: str, name: str | None, status: str, **fields) -> dict:
    """A school of the portfolio with nothing to report, then ``fields``."""
    base = {
        "project": project,
        "school": name,
        "policy": "POLICY_SOCIAL_MEDIA",
        "status": status,
        "checked_on": CHECKED_ON,
        "fail_on": "must",
        "approved_on": "2026-03-01",
        "next_review": "2027-02-20",
        "base": None,
        "open": {"must": 0, "should": 0, "may": 0},
        "by_rule": {},
        "results": {},
        "findings": [],
        "waivers": [],
        "overdue": [],
        "due": [],
        "drafts": [],
        "guidance_changed": [],
        "input_errors": [],
        "html": None,
        "key": "0" * 64,
    }
    base.update(fields)
    return base


REQUIREMENTS = [
    {
        "id": "AUDIENCE_STATED",
        "title": "Each tool's audience is stated",
        "severity": "should",
        "pack": "uk-online-safety",
    },
    {
        "id": "FM_REVIEW",
        "title": "Filtering and monitoring are reviewed every year",
        "severity": "must",
        "pack": "uk-online-safety",
    },
    {
        "id": "OWN_PHONES",
        "title": "Staff use school phones for school accounts",
        "severity": "should",
        "pack": None,
    },
    {
        "id": "RISK_ASSESSED",
        "title": "Each tool has a current risk assessment",
        "severity": "must",
        "pack": "uk-online-safety",
    },
]

PORTFOLIO = {
    "format": 1,
    "generated": "2026-12-02T07:00:00+00:00",
    "tool": "sphinxcontrib-sociallpolicy 0.1.0",
    "checked_on": CHECKED_ON,
    "shard": None,
    "exit": 2,
    "summary": {
        "schools": 3,
        "status": {"pass": 1, "findings": 1, "error": 1},
        "open": {"must": 2, "should": 1, "may": 0},
        "requirements": {},
    },
    "requirements": REQUIREMENTS,
    # by project path, as portfolio.json has them
    "schools": [
        school(
            "schools/alpha",
            "Alpha Primary School",
            "pass",
            results={
                "AUDIENCE_STATED": "waived",
                "FM_REVIEW": "met",
                "RISK_ASSESSED": "met",
            },
            waivers=[
                {
                    "id": "WAIVER_AUDIENCE",
                    "requirement": "AUDIENCE_STATED",
                    "target": "TOOL_BLOG",
                    "approved_by": "Mrs S Green",
                    "expires": "2027-01-15",
                    "expired": False,
                }
            ],
            due=[
                dated(
                    "WAIVER_AUDIENCE", "Blog comments", "waiver expiry", "2027-01-15", 44
                ),
                dated("POLICY_SOCIAL_MEDIA", "Policy", "policy review", "2027-02-20", 80),
            ],
            html="alpha/index.html",
        ),
        school(
            "schools/beta",
            HOSTILE,
            "findings",
            open={"must": 2, "should": 1, "may": 0},
            results={
                "AUDIENCE_STATED": "open",
                "FM_REVIEW": "open",
                "OWN_PHONES": "disabled",
                "RISK_ASSESSED": "met",
            },
            waivers=[
                {
                    "id": "WAIVER_OLD",
                    "requirement": "RISK_ASSESSED",
                    "target": None,
                    "approved_by": None,
                    "expires": "2026-11-01",
                    "expired": True,
                }
            ],
            overdue=[
                dated("CONTROL_TRAINING", "Training", "staff training", "2026-09-01", -92),
                dated("POLICY_SOCIAL_MEDIA", "Policy", "policy review", "2026-11-30", -2),
            ],
            due=[dated("CONTROL_FILTERING", "", "safeguard", "2026-12-12", 10)],
            drafts=[{"item": "TOOL_PODCAST", "path": "tools.rst", "line": 40}],
            guidance_changed=[
                {
                    "rule": "FM_REVIEW",
                    "severity": "must",
                    "kind": "added",
                    "on": "2026-10-01",
                }
            ],
            html="javascript:alert(1)",
        ),
        school(
            "schools/gamma",
            None,
            "error",
            input_errors=[
                {
                    "path": "conf.py",
                    "line": 12,
                    "message": "sm_guidance names no pack 'uk-online-safty'",
                    "kind": "guidance",
                },
                {"path": "", "line": 0, "message": HOSTILE, "kind": "build"},
            ],
        ),
    ],
}


# --- reading the page back --------------------------------------------------------------

VOID = {"meta", "wbr", "br", "link", "img", "input", "hr", "col"}
#: the labels of each value on a phone's cards, not shown in the table
HIDDEN = {"sm-cell-label"}


class Page(HTMLParser):
    """The page's tables (by their ``sm-`` class: caption and rows of cell texts),
    the items of its lists (by class), its links and its element structure."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.problems: list[str] = []
        self.tags: list[str] = []
        self.hrefs: list[str] = []
        self.ids: list[str] = []
        self.tables: dict[str, dict] = {}
        self.lists: dict[str, list[str]] = {}
        self.table: dict | None = None
        self.cell: list[str] | None = None
        self.caption: list[str] | None = None
        self.item: list[str] | None = None
        self.list_class = ""
        self.attrs: dict[str, dict[str, str | None]] = {}
        self.feed(text)
        self.close()
        if self.stack:
            self.problems.append(f"not closed: {[t for t, _ in self.stack]}")

    def hidden(self) -> bool:
        return any(skip for _, skip in self.stack)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        self.tags.append(tag)
        if "id" in a:
            self.ids.append(a["id"] or "")
        if tag == "a" and "href" in a:
            self.hrefs.append(a["href"] or "")
        if tag == "table":
            kind = next(c for c in classes if c.startswith("sm-") and c != "sm-table")
            self.table = self.tables.setdefault(kind, {"caption": "", "rows": []})
            self.attrs[kind] = a
        elif tag == "tr" and self.table is not None:
            self.table["rows"].append([])
        elif tag in ("th", "td") and self.table is not None:
            self.cell = []
        elif tag == "caption":
            self.caption = []
        elif tag == "ul" and classes:
            self.list_class = classes[0]
        elif tag == "li" and self.list_class and self.cell is None:
            self.item = []
        if tag not in VOID:
            self.stack.append((tag, bool(HIDDEN & set(classes))))

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1][0] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:]}")
            return
        self.stack.pop()
        if tag in ("th", "td") and self.table is not None and self.cell is not None:
            self.table["rows"][-1].append(words("".join(self.cell)))
            self.cell = None
        elif tag == "caption" and self.table is not None and self.caption is not None:
            self.table["caption"] = words("".join(self.caption))
            self.caption = None
        elif tag == "table":
            self.table = None
        elif tag == "li" and self.item is not None:
            self.lists.setdefault(self.list_class, []).append(words("".join(self.item)))
            self.item = None
        elif tag == "ul":
            self.list_class = ""

    def handle_data(self, data):
        if self.hidden():
            return
        for part in (self.cell, self.caption, self.item):
            if part is not None:
                part.append(data)

    def rows(self, kind: str) -> list[list[str]]:
        return self.tables[kind]["rows"]


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def page() -> tuple[str, Page]:
    text = render(copy.deepcopy(PORTFOLIO))
    return text, Page(text)


# --- render(): the page's content -----------------------------------------------------


def test_the_page_parses_and_stands_alone(page):
    text, parsed = page
    assert parsed.problems == []
    assert text.startswith('<!DOCTYPE html>\n<html lang="en-GB">')
    assert "<title>Portfolio check of 3 schools, 2026-12-02</title>" in text
    # no script, nothing fetched: no src, no stylesheet link, no URL with a scheme
    assert not {"script", "link", "img", "iframe", "object"} & set(parsed.tags)
    assert " src=" not in text and "url(" not in text and "@import" not in text
    assert len(parsed.ids) == len(set(parsed.ids)), "duplicate ids"
    # every link is to the page itself or to a school's policy, by a relative path
    for href in parsed.hrefs:
        assert href.startswith("#") or href == "alpha/index.html", href
    for href in parsed.hrefs:
        if href.startswith("#"):
            assert href[1:] in parsed.ids, href
    assert parsed.hrefs[0] == "#main" and "main" in parsed.ids


def test_user_text_is_escaped(page):
    text, parsed = page
    assert "<script" not in text
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;quotes&#34;"
    # the school's name: its row, its grid column, the sentences, the due lists;
    # the input error's message
    assert text.count(escaped) >= 5
    assert "javascript:" not in " ".join(parsed.hrefs)
    assert 'href="javascript' not in text
    # the refused link shows as text, for someone to look at
    assert "not linked (not a relative path): <code>javascript:alert(1)</code>" in text


def test_the_headline(page):
    text, parsed = page
    assert parsed.lists["sm-headline"] == [
        "1 school passes",
        "1 school has findings",
        "1 school has input errors",
    ]
    assert "<h1>Portfolio check of 3 schools</h1>" in text
    lead = re.search(r'<p class="sm-lead">(.*?)</p>', text, re.S)
    assert lead and words(html.unescape(re.sub(r"<[^>]+>", "", lead.group(1)))) == (
        "Checked on 2026-12-02 against the guidance uk-online-safety and the "
        "schools' own requirements."
    )
    assert "Open findings across all schools: 2 must, 1 should." in text
    assert "shard" not in text.split("<main", 1)[1].split("</main>")[0].lower()


def test_one_row_per_school(page):
    _, parsed = page
    assert parsed.tables["sm-schools"]["caption"] == "Each school's status (3 schools)"
    assert parsed.rows("sm-schools") == [
        [
            "School",
            "Status",
            "Open findings",
            "Waivers",
            "Overdue",
            "Drafts waiting",
            "Guidance changed since approval",
            "Input errors",
            "Policy",
        ],
        # input errors first, then findings, then pass
        [
            "schools/gamma",
            "Input errors",
            "none",
            "none",
            "none",
            "none",
            "none",
            "2",
            "not built",
        ],
        [
            f"{HOSTILE} schools/beta",
            "Findings",
            "2 must, 1 should",
            "1 (1 expired)",
            "2 oldest due 2026-09-01",
            "1",
            "1 (1 added)",
            "none",
            "not linked (not a relative path): javascript:alert(1)",
        ],
        [
            "Alpha Primary School schools/alpha",
            "Pass",
            "none",
            "1 next expires 2027-01-15",
            "none",
            "none",
            "none",
            "none",
            "Read the policy",
        ],
    ]


def test_status_is_in_words_and_in_colour(page):
    text, _ = page
    assert (
        '<td class="sm-status-error"><span class="sm-cell-label">Status: </span>'
        "Input errors" in text
    )
    assert (
        '<td class="sm-status-findings"><span class="sm-cell-label">Status: </span>Findings'
        in text
    )
    assert (
        '<td class="sm-status-pass"><span class="sm-cell-label">Status: </span>Pass' in text
    )
    # the policy link names its school to a screen reader
    assert (
        '<a href="alpha/index.html" aria-label="Read the policy of Alpha Primary School">'
        "Read the policy</a>" in text
    )


def test_the_requirement_by_school_grid(page):
    _, parsed = page
    assert (
        parsed.tables["sm-grid"]["caption"]
        == "Each requirement (row) at each school (column)"
    )
    # the requirements open at most schools first, then by severity and ID; the
    # schools in the order of their rows above
    assert parsed.rows("sm-grid") == [
        ["Requirement", "schools/gamma", HOSTILE, "Alpha Primary School"],
        [
            "Filtering and monitoring are reviewed every year FM_REVIEW, must; "
            "open at 1 of 3",
            "not checked",
            "open",
            "met",
        ],
        [
            "Each tool's audience is stated AUDIENCE_STATED, should; open at 1 of 3",
            "not checked",
            "open",
            "waived",
        ],
        [
            "Each tool has a current risk assessment RISK_ASSESSED, must; open at 0 of 3",
            "not checked",
            "met",
            "met",
        ],
        [
            "Staff use school phones for school accounts OWN_PHONES, should; "
            "open at 0 of 3",
            "not checked",
            "disabled",
            "n/a",
        ],
    ]
    grid = parsed.attrs["sm-grid"]
    assert grid["class"] == "sm-table sm-grid"


def test_the_grid_scrolls_in_a_labelled_focusable_box(page):
    text, _ = page
    assert (
        '<div class="sm-table-wrapper sm-grid-box" role="region" '
        'aria-label="Each requirement at each school" tabindex="0">' in text
    )
    # every table: a caption, header cells with their scope, in a labelled region
    assert text.count("<table ") == text.count("<caption>") == 6
    assert text.count('role="region"') == 6
    assert "<th>" not in text and "<th " not in text.replace('<th scope="', "")


def test_n_of_m_sentences(page):
    _, parsed = page
    assert parsed.lists["sm-sentences"] == [
        "1 of 3 schools has the requirement “Filtering and monitoring are reviewed "
        f"every year” open (FM_REVIEW, must): {HOSTILE}.",
        "1 of 3 schools has the requirement “Each tool's audience is stated” open "
        f"(AUDIENCE_STATED, should): {HOSTILE}.",
    ]
    text = page[0]
    assert "No school has any of the other 2 requirements open." in text


@pytest.mark.parametrize(
    ("n", "total", "sentence"),
    [
        (0, 30, "0 of 30 schools have the requirement “T” open"),
        (1, 30, "1 of 30 schools has the requirement “T” open"),
        (12, 30, "12 of 30 schools have the requirement “T” open"),
        (1, 1, "1 of 1 school has the requirement “T” open"),
    ],
)
def test_open_sentence(n, total, sentence):
    assert dashboard.open_sentence(n, total, "T") == sentence


def test_overdue_and_the_due_windows(page):
    text, parsed = page
    assert parsed.rows("sm-overdue") == [
        ["School", "What", "Item", "Due", "Late"],
        [
            HOSTILE,
            "staff training",
            "Training CONTROL_TRAINING",
            "2026-09-01",
            "92 days overdue",
        ],
        [
            HOSTILE,
            "policy review",
            "Policy POLICY_SOCIAL_MEDIA",
            "2026-11-30",
            "2 days overdue",
        ],
    ]
    # one table per window, each soonest first
    due = re.findall(r'<h3 id="(due-\d+)">([^<]*)</h3>', text)
    assert due == [
        ("due-30", "In the next 30 days (to 2027-01-01)"),
        ("due-60", "In 31 to 60 days (to 2027-01-31)"),
        ("due-90", "In 61 to 90 days (to 2027-03-02)"),
    ]
    captions = re.findall(
        r'<table class="sm-table sm-due sm-cards">\s*<caption>([^<]*)', text
    )
    assert captions == [
        "In the next 30 days: 1 item, soonest first",
        "In 31 to 60 days: 1 item, soonest first",
        "In 61 to 90 days: 1 item, soonest first",
    ]
    assert parsed.rows("sm-due") == [
        ["School", "What", "Item", "Due", "When"],
        [HOSTILE, "safeguard", "CONTROL_FILTERING", "2026-12-12", "in 10 days"],
        ["School", "What", "Item", "Due", "When"],
        [
            "Alpha Primary School",
            "waiver expiry",
            "Blog comments WAIVER_AUDIENCE",
            "2027-01-15",
            "in 44 days",
        ],
        ["School", "What", "Item", "Due", "When"],
        [
            "Alpha Primary School",
            "policy review",
            "Policy POLICY_SOCIAL_MEDIA",
            "2027-02-20",
            "in 80 days",
        ],
    ]


def test_a_window_with_nothing_due_says_so():
    portfolio = copy.deepcopy(PORTFOLIO)
    for s in portfolio["schools"]:
        s["due"] = [d for d in s["due"] if d["days"] > 60]
        s["overdue"] = []
    text = render(portfolio)
    assert text.count("<p>Nothing falls due.</p>") == 2
    assert "<p>Nothing is overdue.</p>" in text


def test_guidance_changed_since_approval(page):
    text, parsed = page
    assert '<h3 id="changed-school-2">' in text
    assert parsed.lists["sm-changed"] == [
        "Filtering and monitoring are reviewed every year (FM_REVIEW, must): added on "
        "2026-10-01"
    ]
    assert (
        '<a href="#changed-school-2" aria-label="1 requirement added or changed at '
        '&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;quotes&#34;">1</a> (1 added)'
        in text
    )


def test_input_errors_name_the_school_and_file_and_line(page):
    text, parsed = page
    assert '<h3 id="errors-school-1">schools/gamma</h3>' in text
    assert parsed.lists["sm-errors"] == [
        "schools/gamma/conf.py:12: sm_guidance names no pack 'uk-online-safty' (guidance)",
        f"schools/gamma: {HOSTILE} (build)",
    ]
    # the row's count links to them
    assert (
        '<a href="#errors-school-1" aria-label="2 input errors at schools/gamma">2</a>'
        in text
    )


def test_a_shard_says_it_is_one():
    portfolio = copy.deepcopy(PORTFOLIO)
    portfolio["shard"] = "2/5"
    assert "This page shows one shard (2/5) of the schools only." in render(portfolio)


def test_an_empty_portfolio_renders():
    portfolio = copy.deepcopy(PORTFOLIO)
    portfolio["schools"] = []
    portfolio["requirements"] = []
    text = render(portfolio)
    assert Page(text).problems == []
    assert "<h1>Portfolio check of 0 schools</h1>" in text
    assert "No requirements were checked." in text


@pytest.mark.parametrize(
    ("path", "href"),
    [
        ("alpha/index.html", "alpha/index.html"),
        ("../built/St Mary's/index.html", "../built/St%20Mary%27s/index.html"),
        ("a/#b?.html", "a/%23b%3F.html"),
        ("javascript:alert(1)", None),
        ("JavaScript:alert(1)", None),
        (" javascript:alert(1)", None),
        ("java\tscript:alert(1)", None),
        ("data:text/html,x", None),
        ("https://example.org/index.html", None),
        ("//example.org/index.html", None),
        ("/etc/passwd", None),
        ("C:\\policy\\index.html", None),
        ("a\\b.html", None),
        ("", None),
        (None, None),
    ],
)
def test_policy_links_are_relative_paths_only(path, href):
    assert policy_link(path) == href


# --- 300 schools -------------------------------------------------------------------


def generated(schools: int, requirements: int = 40, seed: int = 13) -> dict:
    """A portfolio of ``schools`` schools with long, realistic names, about 20% of
    them with findings and a few with input errors."""
    rng = random.Random(seed)
    reqs = [
        {
            "id": f"REQ_{n:02d}_{'CHECK' * (n % 3)}",
            "title": f"Requirement {n}: each tool has what the guidance asks for",
            "severity": ("must", "should", "may")[n % 3],
            "pack": "uk-online-safety" if n % 5 else None,
        }
        for n in range(requirements)
    ]
    names = (
        "St Mary's Church of England Voluntary Aided",
        "Oakfield",
        "Riverside Community",
    )
    out = []
    for n in range(schools):
        status = rng.choices(["pass", "findings", "error"], [75, 20, 5])[0]
        results = {}
        if status != "error":
            for r in reqs:
                results[r["id"]] = rng.choices(
                    ["met", "open", "waived", "disabled", "not-applicable"],
                    [80, 8 if status == "findings" else 0, 5, 3, 4],
                )[0]
        due_days = sorted(rng.sample(range(0, 91), 3))
        out.append(
            school(
                f"schools/{n:03d}",
                f"{rng.choice(names)} {'Primary' if n % 2 else 'Secondary'} School {n}",
                status,
                results=results,
                open={"must": 1 if status == "findings" else 0, "should": 0, "may": 0},
                due=[
                    dated(f"ITEM_{n}_{d}", "Policy", "policy review", "2027-01-01", d)
                    for d in due_days
                ],
                overdue=[dated("CONTROL_TRAINING", "", "staff training", "2026-10-01", -62)]
                if n % 7 == 0
                else [],
                input_errors=[
                    {"path": "conf.py", "line": 3, "message": "x", "kind": "config"}
                ]
                if status == "error"
                else [],
                html=f"{n:03d}/index.html",
            )
        )
    portfolio = copy.deepcopy(PORTFOLIO)
    portfolio["requirements"] = reqs
    portfolio["schools"] = out
    return portfolio


def test_300_schools_render_in_well_under_a_second():
    portfolio = generated(300)
    render(generated(3))  # the template, compiled once per process
    start = time.perf_counter()
    text = render(portfolio)
    took = time.perf_counter() - start
    assert took < 0.5, f"{took:.2f}s"
    parsed = Page(text)
    assert parsed.problems == []
    assert len(parsed.rows("sm-schools")) == 301
    assert len(parsed.rows("sm-grid")) == 41
    assert all(len(row) == 301 for row in parsed.rows("sm-grid"))
    # too wide for paper: printed, the page says where the results are instead
    assert "sm-grid-wide" in text and 'class="sm-print-only"' in text
    assert "sm-long-box" in text


# --- in the browser ----------------------------------------------------------------

#: the page's own checks, besides those of CHECK_PAGE: the page never scrolls
#: sideways, and on a phone the schools' rows are cards, each value labelled
CHECK_DASHBOARD = r"""
const phone = arguments[0];
const report = {page_wide: [], card: [], region: []};
if (document.documentElement.scrollWidth > window.innerWidth + 1)
  report.page_wide.push(document.documentElement.scrollWidth + ' > ' + window.innerWidth);
const main = document.querySelector('main').getBoundingClientRect();
if (phone) {
  for (const table of document.querySelectorAll('table.sm-cards')) {
    const row = table.querySelector('tbody tr');
    const label = row.querySelector('.sm-cell-label');
    if (getComputedStyle(row).display === 'table-row' || !label
        || !label.getClientRects().length)
      report.card.push(table.className + ': not cards');
    if (row.getBoundingClientRect().width > main.width + 1)
      report.card.push(table.className + ': a card is wider than the page');
  }
}
for (const box of document.querySelectorAll('.sm-table-wrapper')) {
  if (box.getAttribute('role') !== 'region' || box.tabIndex !== 0
      || !box.getAttribute('aria-label'))
    report.region.push(box.className);
}
return report;
"""

#: the grid's box: shorter than the window, scrolling, with the schools' names
#: (the header row) and the requirements (the first column) kept in view
CHECK_GRID = r"""
const box = document.querySelector('.sm-grid-box');
box.scrollTop = 400; box.scrollLeft = 600;
const r = box.getBoundingClientRect();
const head = box.querySelector('thead th:nth-child(5)').getBoundingClientRect();
const req = box.querySelector('tbody tr:nth-child(20) th').getBoundingClientRect();
const out = {height: r.height, window: window.innerHeight,
             scrolls: box.scrollHeight > box.clientHeight
                      && box.scrollWidth > box.clientWidth,
             head_top: Math.round(head.top - r.top - box.clientTop),
             req_left: Math.round(req.left - r.left - box.clientLeft)};
box.scrollTop = 0; box.scrollLeft = 0;
return out;
"""


@pytest.fixture(scope="module")
def chromium():
    driver = browser_or_skip()
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, Path]:
    """The three schools' dashboard and the 300 schools', written as the portfolio
    command writes them (``index.html`` in the output folder)."""
    out = {}
    for name, portfolio in (
        ("three", PORTFOLIO),
        ("thirty", generated(30)),
        ("300", generated(300)),
    ):
        folder = tmp_path_factory.mktemp(f"dashboard-{name}")
        (folder / "index.html").write_text(
            render(copy.deepcopy(portfolio)), encoding="utf-8"
        )
        out[name] = folder / "index.html"
    return out


@pytest.mark.slow
@pytest.mark.parametrize("width", WIDTHS)
def test_the_dashboard_reads_well(width: int, pages, chromium):
    """The three schools' dashboard at the width: every cell holds its own content,
    no word is broken, nothing is wider than the page, the lists are cards on a
    phone, every table box is a labelled region, and axe-core finds no serious or
    critical problem on the whole page."""
    set_width(chromium, width)
    load(chromium, pages["three"])
    report = chromium.execute_script(CHECK_PAGE, "main", width < 600)
    shown = report.pop("tables")
    assert shown == {
        "sm-schools": 3,
        "sm-grid": 4,
        "sm-overdue": 2,
        "sm-due": 3,
    }, shown
    report.pop("card")  # the register's cards: the dashboard's are checked below
    # the browser may wrap the hostile name after "alert(1)" (before "</script>"), a
    # break between punctuation, not in a word
    report["broken"] = [b for b in report["broken"] if "alert(1)</" not in b]
    report.update(chromium.execute_script(CHECK_DASHBOARD, width < 600))
    screenshot(chromium, SHOTS / f"dashboard-{width}.png")
    problems = {k: v for k, v in report.items() if v}
    violations = axe_violations(chromium, "html")
    if violations:
        problems["axe"] = describe(violations)
    assert problems == {}, problems


@pytest.mark.slow
@pytest.mark.parametrize("width", WIDTHS)
def test_thirty_schools_read_well(width: int, pages, chromium):
    """A trust's 30 schools: the list of schools in its own scrolling box, its
    header row in view; nothing outside its cell, no word broken, no serious or
    critical axe-core problem."""
    set_width(chromium, width)
    load(chromium, pages["thirty"])
    report = chromium.execute_script(CHECK_PAGE, "main", width < 600)
    assert report.pop("tables")["sm-schools"] == 30
    report.pop("card")
    report.update(chromium.execute_script(CHECK_DASHBOARD, width < 600))
    box = chromium.execute_script(
        "const b = document.querySelector('.sm-long-box');"
        "return [b.getBoundingClientRect().height, innerHeight,"
        " b.scrollHeight > b.clientHeight];"
    )
    screenshot(chromium, SHOTS / f"dashboard-30-{width}.png", height=3000)
    problems = {k: v for k, v in report.items() if v}
    if box[0] > box[1] or not box[2]:
        problems["schools box"] = box
    if violations := axe_violations(chromium, "html"):
        problems["axe"] = describe(violations)
    assert problems == {}, problems


@pytest.mark.slow
def test_the_dashboard_prints_on_a4(pages, chromium):
    """On a page as wide as A4 portrait every table, the grid too, fits (paper
    does not scroll), header rows repeat and no row is cut."""
    load(chromium, pages["three"])
    set_width(chromium, A4_PORTRAIT, "print")
    try:
        report = chromium.execute_script(CHECK_PRINT)
        screenshot(chromium, SHOTS / "dashboard-print.png")
    finally:
        set_width(chromium, 1280)
    assert report == {"wide": [], "header": [], "rows": [], "outside": []}, report


@pytest.mark.slow
@pytest.mark.parametrize("width", WIDTHS)
def test_300_schools_stay_usable(width: int, pages, chromium):
    """With 300 schools the grid stays in its own box, no taller than the window,
    scrolling both ways with the school names and the requirements in view; the
    page itself never scrolls sideways."""
    set_width(chromium, width)
    load(chromium, pages["300"])
    grid = chromium.execute_script(CHECK_GRID)
    screenshot(chromium, SHOTS / f"dashboard-300-{width}.png", height=3000)
    assert grid["scrolls"], grid
    assert grid["height"] <= grid["window"], grid
    assert grid["head_top"] == 0, grid  # the header row stays at the top
    assert grid["req_left"] == 0, grid  # the requirements stay at the left
    report = chromium.execute_script(CHECK_DASHBOARD, width < 600)
    assert report == {"page_wide": [], "card": [], "region": []}, report
    # the list of schools, too, stays in its own box
    assert chromium.execute_script(
        "return document.querySelector('.sm-long-box').getBoundingClientRect().height"
        " <= innerHeight"
    )
