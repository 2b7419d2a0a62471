"""The example project (``example_project/``): the Oakfield Primary School policy.

It must build with no warning, meet every ``must`` requirement of both built-in packs,
show exactly the exception and the open recommendation its text explains, render the
four registers with a row for every item, and make a PDF whose tables fit the page.
And it must pass honestly: every safeguard and school document it relies on has
substance (a description, an owner, and a recent date for training and checks), the
school's policies are ``sm-document`` items, nothing is a draft, and taking away a
document, an owner or a date makes the check fail. It records the facts the guidance
of December 2026 asks of each tool (what its images show, its lawful basis, the date
of its impact assessment, an account its platform offers), and it was re-approved
after the latest change to its guidance, so nothing is news to it.

``sm_today`` is pinned through ``confoverrides`` / ``-D`` (the example's conf.py leaves
it unset, so a real build checks against the build date), so these tests never rot.
"""

from __future__ import annotations

import datetime as dt
import html as html_module
import json
import re
import shutil
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from sm_testing import REPO, build_pdf, warnings_of
from sphinx.testing.util import SphinxTestApp

import sphinxcontrib_sociallpolicy
from sphinxcontrib_sociallpolicy import guidance
from sphinxcontrib_sociallpolicy.schema import (
    FREQUENCY_DAYS,
    LAWFUL_BASES,
    PUPIL_IMAGES,
    RECURRING_KINDS,
)

EXAMPLE = REPO / "example_project"
TODAY = "2026-12-02"
PACKS = Path(sphinxcontrib_sociallpolicy.__file__).parent / "guidance" / "packs"

#: What the text of the example deliberately leaves as it is, and explains.
WAIVED = {("MOD_MEMBERSHIP", "TOOL_X_NEWS", "WAIVER_X_PUBLIC_ACCOUNT")}
OPEN_SHOULD = {("ACC_SECURITY", "TOOL_SCHOOL_BLOG")}


def copy_example(dest: Path) -> Path:
    shutil.copytree(EXAMPLE, dest, ignore=shutil.ignore_patterns("_build", "__pycache__"))
    return dest


def build(srcdir: Path, builder: str, today: str = TODAY) -> SphinxTestApp:
    app = SphinxTestApp(
        builder,
        srcdir=srcdir,
        freshenv=True,
        # sphinx.testing swaps alabaster for "basic" unless it is asked for
        confoverrides={"sm_today": today, "html_theme": "alabaster"},
    )
    try:
        app.build()
    finally:
        app.cleanup()
    return app


def directives(kind: str) -> list[str]:
    """The IDs of every ``.. <kind>::`` in the example's sources."""
    ids = []
    for rst in sorted(EXAMPLE.glob("*.rst")):
        text = rst.read_text("utf-8")
        for block in re.split(rf"^\.\. {re.escape(kind)}::", text, flags=re.M)[1:]:
            match = re.search(r"^\s+:id: (\S+)", block, flags=re.M)
            assert match, f"{rst.name}: a {kind} without :id:"
            ids.append(match.group(1))
    return ids


@dataclass
class Block:
    """One item directive of the example's sources: its options and its content."""

    directive: str
    title: str
    file: str
    options: dict[str, str]
    content: str

    @property
    def id(self) -> str:
        return self.options["id"]


def blocks(kind: str) -> list[Block]:
    """Every ``.. <kind>::`` block of the example's sources."""
    out = []
    for rst in sorted(EXAMPLE.glob("*.rst")):
        lines = rst.read_text("utf-8").splitlines()
        for number, line in enumerate(lines):
            match = re.match(rf"^\.\. {re.escape(kind)}::\s*(.*)$", line)
            if not match:
                continue
            options: dict[str, str] = {}
            body: list[str] = []
            for following in lines[number + 1 :]:
                if following.strip() and not following.startswith("   "):
                    break
                option = re.match(r"^   :([a-z-]+):\s*(.*)$", following)
                if option and not body:
                    options[option.group(1)] = option.group(2).strip()
                elif following.strip() or body:
                    body.append(following.strip())
            out.append(
                Block(
                    kind, match.group(1).strip(), rst.name, options, " ".join(body).strip()
                )
            )
    return out


def covers(block: Block) -> dict[str, str]:
    """An sm-document's ``:covers:`` as {rule: section} (section may be empty)."""
    found = re.findall(
        r"([A-Z][A-Z0-9_]+)\s*(?:\(([^)]*)\))?", block.options.get("covers", "")
    )
    return {rule: section for rule, section in found}


def example_conf() -> dict:
    namespace: dict = {}
    exec((EXAMPLE / "conf.py").read_text("utf-8"), namespace)  # noqa: S102
    return namespace


def requirement_ids() -> set[str]:
    """Every requirement the example is checked against: its packs and local ones."""
    ids = set(directives("sm-requirement"))
    for pack in example_conf()["sm_guidance"]:
        data = yaml.safe_load((PACKS / f"{pack}.yaml").read_text("utf-8"))
        ids |= {req["id"] for req in data["requirements"]}
    return ids


@pytest.fixture(scope="module")
def html(tmp_path_factory) -> SphinxTestApp:
    return build(copy_example(tmp_path_factory.mktemp("example") / "src"), "html")


@pytest.fixture(scope="module")
def report(html) -> dict:
    return json.loads((Path(html.outdir) / "sm-report.json").read_text("utf-8"))


@dataclass
class Table:
    classes: list[str]
    head: list[list[str]] = field(default_factory=list)  # rows of cell texts
    body: list[list[str]] = field(default_factory=list)


class Tables(HTMLParser):
    """The tables of a page, as rows of cell texts (nested tables are not expected)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[Table] = []
        self._part: list[list[str]] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        # a cell's hidden column label (shown only where a row becomes a card)
        if tag == "span" and "sm-cell-label" in (dict(attrs).get("class") or ""):
            self._label = True
        if tag == "table":
            self.tables.append(Table((dict(attrs).get("class") or "").split()))
        elif tag in ("thead", "tbody") and self.tables:
            self._part = getattr(self.tables[-1], tag[1:])
        elif tag == "tr" and self._part is not None:
            self._part.append([])
        elif tag in ("td", "th") and self._part:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "span":
            self._label = False
        if tag in ("td", "th") and self._cell is not None and self._part:
            self._part[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag in ("thead", "tbody", "table"):
            self._part = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None and not getattr(self, "_label", False):
            self._cell.append(data)


@pytest.fixture(scope="module")
def registers(html) -> list[Table]:
    parser = Tables()
    parser.feed((Path(html.outdir) / "registers.html").read_text("utf-8"))
    return parser.tables


# --- the example as a school would write it -----------------------------------------


def test_conf_leaves_today_to_the_build():
    conf = example_conf()
    assert "sm_today" not in conf
    assert conf["extensions"] == ["sphinxcontrib_sociallpolicy"]
    assert conf["sm_guidance"] == ["kent-2010", "uk-online-safety"]
    assert conf.get("sm_fail_on", "must") == "must"


def test_example_has_the_items_the_brief_asks_for():
    tools = directives("sm-tool")
    assert len(tools) >= 6 and len(set(tools)) == len(tools)
    platforms = re.findall(
        r"^\s+:platform: (\S+)",
        "\n".join(p.read_text("utf-8") for p in EXAMPLE.glob("*.rst")),
        flags=re.M,
    )
    assert len(platforms) == len(tools) == len(set(platforms)), platforms
    assert len(directives("sm-policy")) == 1
    assert len(directives("sm-waiver")) == 1
    assert len(directives("sm-risk")) >= len(tools)
    assert directives("sm-control")


#: the school policies GOV_LINKED_POLICIES asks the policy to name
LINKED_KINDS = {
    "behaviour",
    "complaints",
    "child-protection",
    "staff-conduct",
    "acceptable-use",
    "images",
    "data-protection",
}


def test_school_policies_are_documents():
    """The school's own policies are sm-document items, one per kind the guidance
    names, and no control stands in for them."""
    documents = blocks("sm-document")
    kinds = Counter(d.options.get("kind") for d in documents)
    assert LINKED_KINDS <= set(kinds), LINKED_KINDS - set(kinds)
    assert all(count == 1 for count in kinds.values()), kinds
    assert all(d.id.startswith("DOC_") for d in documents)
    for control in blocks("sm-control"):
        assert "GOV_LINKED_POLICIES" not in control.options.get("satisfies", ""), control.id
    # the documents are where the rules about staff conduct are answered, with sections
    code = next(d for d in documents if d.options["kind"] == "staff-conduct")
    assert {"CON_NO_PERSONAL_CONTACT", "CON_NO_PERSONAL_FRIENDING"} <= set(covers(code))
    assert all(covers(code).values()), code.options["covers"]


def test_every_control_and_document_has_substance():
    """What a school copies from the example counts by the rules of substance: a
    description beyond the title, an owner, and for repeated kinds a frequency with
    a last date inside it on the example's day; and nothing is left as a draft."""
    today = dt.date.fromisoformat(TODAY)
    items = blocks("sm-control") + blocks("sm-document")
    assert items
    for item in items:
        assert item.content and item.content.strip(" .") != item.title.strip(" ."), item.id
        assert item.options.get("owner"), item.id
        if item.options.get("kind") in RECURRING_KINDS:
            frequency = item.options.get("frequency")
            assert frequency in FREQUENCY_DAYS, (item.id, frequency)
            last = dt.date.fromisoformat(item.options["last-done"])
            assert 0 <= (today - last).days <= FREQUENCY_DAYS[frequency], item.id
        if item.directive == "sm-document" and "next-review" in item.options:
            assert dt.date.fromisoformat(item.options["next-review"]) >= today, item.id
    for kind in ("sm-tool", "sm-control", "sm-risk", "sm-document"):
        for item in blocks(kind):
            assert item.options.get("status", "adopted") == "adopted", item.id


def test_public_tools_show_no_identifiable_pupils():
    """Every tool records what its images show; on a public one no pupil can be
    recognised, and each public tool that shows pupils at all is in an image audit
    with substance (IMG_PUBLIC_FACES)."""
    tools = blocks("sm-tool")
    audits = [c for c in blocks("sm-control") if c.options.get("kind") == "image-audit"]
    assert audits
    audited = {
        tool.strip() for audit in audits for tool in audit.options["applies-to"].split(",")
    }
    public = [t for t in tools if t.options.get("visibility") not in ("private", "closed")]
    assert public
    for tool in tools:
        assert tool.options.get("pupil-images") in PUPIL_IMAGES, tool.id
    for tool in public:
        images = tool.options["pupil-images"]
        assert images in ("none", "not-identifiable"), (tool.id, images)
        if images != "none":
            assert tool.id in audited or "all" in audited, tool.id


def test_every_tool_records_its_lawful_basis_and_impact_assessment():
    """Each tool has a lawful basis and the date of its DPIA, done by the example's
    day; a tool for pupils that rests on consent has a safeguard recording the
    parents' consent (DATA_LAWFUL_BASIS). No AGE_CONSENT is left."""
    today = dt.date.fromisoformat(TODAY)
    controls = blocks("sm-control")
    for tool in blocks("sm-tool"):
        assert tool.options.get("lawful-basis") in LAWFUL_BASES, tool.id
        assert dt.date.fromisoformat(tool.options["dpia-on"]) <= today, tool.id
        if tool.options["lawful-basis"] == "consent" and "pupils" in tool.options.get(
            "audience", ""
        ):
            assert any(
                "DATA_LAWFUL_BASIS" in c.options.get("satisfies", "")
                and tool.id in c.options.get("applies-to", "")
                for c in controls
            ), tool.id
    sources = "\n".join(p.read_text("utf-8") for p in EXAMPLE.glob("*.rst"))
    assert not re.search(r"\bAGE_CONSENT\b", sources)


def test_each_account_is_one_its_platform_offers():
    """``:account:`` is a kind of account the catalogue says the platform offers (X
    offers only profiles)."""
    catalogue = guidance.load_catalogue([])
    for tool in blocks("sm-tool"):
        platform = catalogue.get(tool.options["platform"])
        assert platform is not None, tool.id
        if platform.accounts:
            assert tool.options.get("account") in platform.accounts, (
                tool.id,
                tool.options.get("account"),
                list(platform.accounts),
            )


def test_nothing_in_the_guidance_is_news_to_the_policy():
    """The example was re-approved after the latest change to its packs, so the
    check lists nothing under "New or changed since this policy was approved"
    (GUIDANCE_CHANGED). When a pack changes again, review the example against the
    change and record the new approval, as a school would."""
    (policy,) = blocks("sm-policy")
    approved = dt.date.fromisoformat(policy.options["approved-on"])
    assert approved <= dt.date.fromisoformat(TODAY)
    news = [
        f"{r.id} ({r.news_kind()} {r.news})"
        for pack in example_conf()["sm_guidance"]
        for r in guidance.load_pack(PACKS / f"{pack}.yaml").changes_since(approved)
    ]
    assert news == [], f"new or changed since {approved}: {news}"


# --- (a) clean builds ---------------------------------------------------------------


@pytest.mark.slow
def test_html_builds_without_a_warning(html):
    assert warnings_of(html) == []
    # the open `should` finding is shown to the author, as information only
    status = html.status.getvalue()
    assert "ACC_SECURITY" in status and "TOOL_SCHOOL_BLOG" in status


@pytest.mark.slow
@pytest.mark.parametrize("builder", ["dummy", "latex"])
def test_other_builders_have_no_warning(builder, tmp_path):
    app = build(copy_example(tmp_path / "src"), builder)
    assert warnings_of(app) == []


@pytest.mark.slow
def test_example_stays_clean_until_autumn_2027(tmp_path):
    """The dates in the example (approvals, training, the filtering and monitoring
    review of 2026-11-04, the image audit of 2026-11-20 and the school policies'
    reviews in autumn 2026) keep it free of `must` findings for the school year: the
    first lapses on 2027-11-03, a year after the staff training of 2026-11-02. (The
    termly checks fall due in spring as `should` and `may` findings: see
    test_termly_checks_that_fall_due_are_reported_on_themselves.)"""
    app = build(copy_example(tmp_path / "src"), "dummy", today="2027-11-02")
    assert warnings_of(app) == []


@pytest.mark.slow
def test_an_overdue_review_is_reported(tmp_path):
    """A year later the policy, its approvals, the school policies reviewed with it
    and the waiver lapse, and the extension says so: the example is not passing by
    accident."""
    app = build(copy_example(tmp_path / "src"), "dummy", today="2027-11-19")
    assert {
        "gov_review_cycle",
        "gov_slt_approval",
        "gov_linked_policies",
        "waiver_expired",
    } <= subtypes_of(app)


@pytest.mark.slow
def test_lapsed_staff_training_is_reported(tmp_path):
    """On 2027-11-10 the staff training (2026-11-02) is more than 12 months old while
    the pupil lessons (2026-11-20) and the parents' evening (2026-11-12) are not."""
    app = build(copy_example(tmp_path / "src"), "dummy", today="2027-11-10")
    assert "gov_prereq_training" in subtypes_of(app)


def subtypes_of(app: SphinxTestApp) -> set[str]:
    return set(re.findall(r"\[sm\.([a-z_]+)\]$", "\n".join(warnings_of(app)), re.M))


def notes_of(app: SphinxTestApp) -> set[tuple[str, str]]:
    """(rule, item) of each finding printed below the threshold, as information."""
    return set(
        re.findall(
            r": NOTE: ([A-Z][A-Z0-9_]+) \((?:should|may)\) ([A-Z][A-Z0-9_]+):",
            app.status.getvalue(),
        )
    )


@pytest.mark.slow
def test_termly_checks_that_fall_due_are_reported_on_themselves(tmp_path):
    """By April 2027 the termly access review (2026-11-09) and follower check
    (2026-11-16) are more than a term old. Each is reported on itself, and the
    recommendations it stood for are open again; they are `should` and `may`, so
    the policy still passes, but the school is told to record the spring checks."""
    app = build(copy_example(tmp_path / "src"), "dummy", today="2027-04-01")
    assert warnings_of(app) == []
    notes = notes_of(app)
    assert {
        ("CTRL_NO_SUBSTANCE", "CTRL_ACCESS_REVIEW"),
        ("CTRL_NO_SUBSTANCE", "CTRL_FOLLOWER_AUDIT"),
        ("ACC_OFFBOARDING", "TOOL_FACEBOOK_GROUP"),
        ("MOD_FOLLOWER_AUDIT", "TOOL_X_NEWS"),
    } <= notes
    assert "longer ago than its termly frequency allows" in app.status.getvalue()


def without(src: Path, file: str, old: str, new: str = "") -> None:
    """Edit one file of a copied example: ``old`` (which must be there) becomes
    ``new``."""
    path = src / file
    text = path.read_text("utf-8")
    assert old in text, (file, old)
    path.write_text(text.replace(old, new, 1), "utf-8")


def block_text(file: str, item_id: str) -> str:
    """The whole directive block of ``item_id`` in ``file``, as written."""
    text = (EXAMPLE / file).read_text("utf-8")
    match = re.search(
        rf"^\.\. sm-[a-z-]+::[^\n]*\n   :id: {item_id}\n(?:(?:   [^\n]*|)\n)*",
        text,
        re.M,
    )
    assert match, item_id
    return match.group(0)


@pytest.mark.slow
def test_the_pass_depends_on_the_documents(tmp_path):
    """Take the behaviour policy away, and the staff code of conduct's owner, and
    the check fails on exactly what is missing: the pass rests on them."""
    src = copy_example(tmp_path / "src")
    without(src, "introduction.rst", block_text("introduction.rst", "DOC_BEHAVIOUR"))
    without(src, "introduction.rst", "   :owner: Mrs S Green\n   :approved-on: 2026-11-18")
    app = build(src, "dummy")
    warnings = "\n".join(warnings_of(app))
    assert "[sm.gov_linked_policies]" in warnings
    assert "Missing: the behaviour policy, the staff code of conduct." in warnings
    # the code of conduct without an owner stands for nothing, and says so
    assert (
        "CTRL_NO_SUBSTANCE (should) DOC_STAFF_CODE_OF_CONDUCT: "
        "DOC_STAFF_CODE_OF_CONDUCT cannot stand for" in app.status.getvalue()
    )


@pytest.mark.slow
def test_the_december_2026_requirements_rest_on_the_records(tmp_path):
    """Leave the image audit and the mobile-phone policy as drafts, name only the
    DSL as responsible for filtering and monitoring, drop one tool's DPIA date and
    the "never pay" line of the image-abuse response, and each new requirement that
    rested on them is a finding: the example meets them on what it records."""
    src = copy_example(tmp_path / "src")
    without(
        src,
        "images.rst",
        "   :id: CTRL_IMAGE_AUDIT\n",
        "   :id: CTRL_IMAGE_AUDIT\n   :status: draft\n",
    )
    without(
        src,
        "introduction.rst",
        "   :id: DOC_MOBILE_PHONES\n",
        "   :id: DOC_MOBILE_PHONES\n   :status: draft\n",
    )
    without(
        src,
        "incidents.rst",
        "   :owner: Mr J Owusu (DSL and senior leader responsible), "
        "Mrs E Ward (link governor responsible)\n",
        "   :owner: Mr J Owusu\n",
    )
    without(src, "tools.rst", "   :dpia-on: 2026-10-12\n")
    without(
        src,
        "incidents.rst",
        "   * the school never pays, and tells pupils and families never to pay, "
        "whatever\n     is threatened;\n",
    )
    app = build(src, "dummy")
    assert {
        "img_public_faces",
        "phones_policy",
        "fm_review",
        "data_lawful_basis",
        "esc_image_abuse",
    } <= subtypes_of(app)
    assert "Not covered: the school never pays." in "\n".join(warnings_of(app))


@pytest.mark.slow
def test_an_approval_before_the_guidance_changed_is_reported(tmp_path):
    """With the approval of 18 November 2026 (before the guidance of 2 December
    2026), the check lists what is new or changed since, as a `should` finding on
    the policy: the example is current because it was re-approved."""
    src = copy_example(tmp_path / "src")
    without(
        src, "index.rst", "   :approved-on: 2026-12-02\n", "   :approved-on: 2026-11-18\n"
    )
    app = build(src, "dummy")
    assert warnings_of(app) == []
    assert ("GUIDANCE_CHANGED", "POLICY_OAKFIELD") in notes_of(app)
    assert "IMG_PUBLIC_FACES (added 2026-12-02" in app.status.getvalue()


@pytest.mark.slow
def test_a_draft_counts_for_nothing(tmp_path):
    """A safeguard marked as a draft is a `must` finding waiting for the school's
    decision, and what it stood for is no longer met."""
    src = copy_example(tmp_path / "src")
    without(
        src,
        "staff.rst",
        "   :id: CTRL_STAFF_TRAINING\n",
        "   :id: CTRL_STAFF_TRAINING\n   :status: draft\n",
    )
    app = build(src, "dummy")
    assert {"draft_pending", "gov_prereq_training"} <= subtypes_of(app)


# --- (b) the report ------------------------------------------------------------------


@pytest.mark.slow
def test_report_has_no_open_must_finding(report):
    open_must = [
        f for f in report["findings"] if f["status"] == "open" and f["severity"] == "must"
    ]
    assert open_must == []
    assert report["summary"]["passed"] is True
    assert report["summary"]["by_severity"]["must"]["open"] == 0


@pytest.mark.slow
def test_report_shows_the_planted_waiver(report):
    waived = {
        (f["rule"], f["item"], f["waiver"])
        for f in report["findings"]
        if f["status"] == "waived"
    }
    assert waived == WAIVED
    (finding,) = [f for f in report["findings"] if f["status"] == "waived"]
    assert finding["severity"] == "must"
    assert "Closure and emergency notices" in finding["reason"]
    assert finding["source"] == "tools.rst"


@pytest.mark.slow
def test_report_shows_the_explained_should_finding(report, html):
    open_findings = {
        (f["rule"], f["item"]) for f in report["findings"] if f["status"] == "open"
    }
    assert open_findings == OPEN_SHOULD
    assert all(
        f["severity"] == "should" for f in report["findings"] if f["status"] == "open"
    )
    assert report["summary"]["open"] == len(OPEN_SHOULD)
    assert report["summary"]["waived"] == len(WAIVED)
    # the policy's text explains both where a reader finds them
    review = (Path(html.outdir) / "review.html").read_text("utf-8")
    for rule, *_ in WAIVED | OPEN_SHOULD:
        assert rule in review


@pytest.mark.slow
def test_report_counts_match_the_sources(report):
    summary = report["summary"]
    assert summary["tools"] == len(directives("sm-tool"))
    assert summary["risks"] == len(directives("sm-risk"))
    assert summary["controls"] == len(directives("sm-control"))
    assert summary["documents"] == len(directives("sm-document"))
    assert summary["requirements"] == len(requirement_ids())


@pytest.mark.slow
def test_report_says_what_each_met_rests_on(report):
    """Each requirement x item result has a status, and a met one its basis; the
    summary's counts are those of the results and add up."""
    results = report["results"]
    assert results
    for result in results:
        assert result["status"] in {"met", "open", "waived", "disabled", "not-applicable"}
        if result["status"] == "met":
            assert result["basis"] in {"checked", "attested"}, result
        else:
            assert result.get("basis") is None, result
    counts = Counter(r["basis"] if r["status"] == "met" else r["status"] for r in results)
    summary = report["summary"]["results"]
    assert summary["checked"] == counts["checked"] > 0
    assert summary["attested"] == counts["attested"] > 0
    assert summary["met"] == summary["checked"] + summary["attested"]
    assert summary["open"] == counts["open"] == len(OPEN_SHOULD)
    assert summary["waived"] == counts["waived"] == len(WAIVED)
    assert report["summary"]["drafts"] == 0
    basis = {(r["rule"], r["item"]): r.get("basis") for r in results}
    # settings written on a tool are checked; the school's policies attest
    assert basis[("GOV_SLT_APPROVAL", "TOOL_FACEBOOK_GROUP")] == "checked"
    assert basis[("MOD_PREMODERATION", "TOOL_FACEBOOK_GROUP")] == "checked"
    assert basis[("GOV_LINKED_POLICIES", "POLICY_OAKFIELD")] == "attested"
    assert basis[("CON_NO_PERSONAL_FRIENDING", "POLICY_OAKFIELD")] == "attested"


# --- (c) the four registers ------------------------------------------------------------


def table(tables: list[Table], css: str, count: int = 1, index: int = 0) -> Table:
    """The ``index``-th of the ``count`` tables of class ``css`` (not empty)."""
    found = [t for t in tables if css in t.classes]
    assert len(found) == count, f"expected {count} table.{css}, found {len(found)}"
    assert found[index].body, f"table.{css} is empty"
    return found[index]


def row_texts(tab: Table) -> list[str]:
    return [" ".join(row) for row in tab.body]


@pytest.mark.slow
def test_register_has_a_row_per_tool(registers):
    # the whole register, then the one filtered to the tools pupils use
    text = row_texts(table(registers, "sm-register-table", count=2))
    tools = directives("sm-tool")
    assert len(text) == len(tools)
    for tool in tools:
        assert sum(tool in t for t in text) == 1, tool
    (x_row,) = [t for t in text if "TOOL_X_NEWS" in t]
    assert "waived" in x_row


@pytest.mark.slow
def test_filtered_register_has_the_tools_pupils_use(registers):
    """``:filter: includes: {audience: pupils}``: exactly the tools whose audience
    names pupils, read from the sources."""
    pupils = []
    for rst in sorted(EXAMPLE.glob("*.rst")):
        for block in re.split(r"^\.\. sm-tool::", rst.read_text("utf-8"), flags=re.M)[1:]:
            tool_id = re.search(r"^\s+:id: (\S+)", block, flags=re.M).group(1)
            audience = re.search(r"^\s+:audience: (.+)$", block, flags=re.M)
            if audience and "pupils" in audience.group(1).split(", "):
                pupils.append(tool_id)
    assert pupils
    text = row_texts(table(registers, "sm-register-table", count=2, index=1))
    shown = [[i for i in pupils if i in row] for row in text]
    assert sorted(ids[0] for ids in shown if len(ids) == 1) == sorted(pupils)
    assert len(text) == len(pupils)


@pytest.mark.slow
def test_risk_register_has_a_row_per_risk_and_a_heatmap(registers):
    text = row_texts(table(registers, "sm-risk-table"))
    risks = directives("sm-risk")
    assert len(text) == len(risks)
    for risk in risks:
        assert sum(risk in t for t in text) == 1, risk
    heat = row_texts(table(registers, "sm-heatmap"))
    assert len(heat) == 5  # likelihood 5 down to 1
    assert all(risk in " ".join(heat) for risk in risks)


@pytest.mark.slow
def test_matrix_has_a_row_per_requirement_and_a_column_per_tool(registers):
    matrix = table(registers, "sm-matrix-table")
    requirements = requirement_ids()
    # one row per requirement, plus the coverage row
    assert len(matrix.body) == len(requirements) + 1
    firsts = [row[0] for row in matrix.body]
    for req in requirements:
        assert sum(f.split()[0] == req for f in firsts) == 1, req
    assert firsts[-1].lower().startswith("coverage")
    # one column per tool, plus the requirement, the policy and the coverage columns
    header = matrix.head[-1]
    assert len(header) == len(directives("sm-tool")) + 3, header
    assert all(len(row) == len(header) for row in matrix.body)


def page_text(html: SphinxTestApp, page: str) -> str:
    text = (Path(html.outdir) / page).read_text("utf-8")
    # an ID's break opportunities (<wbr> between its spans) are no spaces
    text = re.sub(r"</span><wbr><span[^>]*>", "", text)
    text = re.sub(r"<[^>]+>", " ", text)
    text = html_module.unescape(text)
    return " ".join(text.translate(PLAIN_QUOTES).split())


#: the typographic quotes Sphinx writes, as typed
PLAIN_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


@pytest.mark.slow
def test_compliance_and_matrix_show_the_basis(html, report):
    counts = report["summary"]["results"]
    sentence = (
        f"{counts['met']} met: {counts['checked']} checked from the policy's facts, "
        f"{counts['attested']} attested by safeguards and documents"
    )
    text = page_text(html, "registers.html")
    assert f"Results: {sentence}" in text
    assert "Key:" in text and "attested" in text.split("Key:", 1)[1][:400]


@pytest.mark.slow
def test_each_document_is_shown_with_its_sections(html):
    """Each sm-document is on its page with its owner, address and what it covers,
    each rule with the section that covers it."""
    documents = blocks("sm-document")
    assert documents
    for document in documents:
        text = page_text(html, document.file.replace(".rst", ".html"))
        assert document.id in text
        assert document.options["owner"] in text
        assert document.options["url"] in text
        for rule, section in covers(document).items():
            assert (f"{rule} ({section})" if section else rule) in text, (
                document.id,
                rule,
            )


@pytest.mark.slow
def test_each_control_shows_its_evidence(html):
    controls = [c for c in blocks("sm-control") if c.options.get("evidence")]
    assert len(controls) == len(blocks("sm-control"))
    for control in controls:
        text = page_text(html, control.file.replace(".rst", ".html"))
        at = text.index(control.id)
        assert control.options["evidence"] in text[at:], control.id


@pytest.mark.slow
def test_compliance_summary_lists_each_finding(registers, report):
    assert len(table(registers, "sm-compliance-summary").body) == 3  # must/should/may
    findings = row_texts(table(registers, "sm-findings"))
    assert len(findings) == len(report["findings"]) == len(WAIVED | OPEN_SHOULD)
    assert any("MOD_MEMBERSHIP" in t and "waived" in t for t in findings)
    assert any("ACC_SECURITY" in t and "TOOL_SCHOOL_BLOG" in t for t in findings)


# --- (d) the PDF -----------------------------------------------------------------------


@pytest.mark.slow
def test_pdf_builds_and_tables_fit(tmp_path: Path):
    """A real PDF with latexmk: it builds, and no line is more than 5pt too wide.
    In CI a missing TeX toolchain is a failure, not a skip."""
    src = copy_example(tmp_path / "src")
    log, latex = build_pdf(
        src, tmp_path / "out", "-W", "--keep-going", "-D", f"sm_today={TODAY}"
    )
    assert (latex / "oakfield-social-media-policy.pdf").is_file()
    assert "undefined references" not in log
