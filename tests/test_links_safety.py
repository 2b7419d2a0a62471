"""No link in the output runs script: a link whose address has a scheme other than
http, https, mailto or tel (``javascript:``, ``vbscript:``, ``data:``, ``file:``...)
shows its text (or image) and links nowhere, however docutils was told about it
(standalone, embedded, named, anonymous, indirect, through a substitution or an
image's ``:target:``), inside items or not, and is reported where it is
(``sm.link``). The address is judged once references are resolved, as a browser
reads it: control characters and spaces ignored, case ignored."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from docutils import nodes
from docutils.utils import new_document
from sm_testing import warnings_of

from sphinxcontrib_sociallpolicy.render import link_scheme, make_output_safe, unsafe_link

WHY = (
    "is shown as text: a link may only go to a web address (http, https), an email "
    "address (mailto), a phone number (tel) or a page of this site [sm.link]"
)


def link_warning(where: str, uri: str) -> str:
    return f"SRC/{where}: WARNING: the link to {uri!r} {WHY}"


EXPECTED_WARNINGS = [
    # standalone (docutils leaves the last ")" out; vbscript: it does not know)
    link_warning("index.rst:21", "javascript:alert(1"),
    link_warning("index.rst:23", "javascript:alert(3)"),  # embedded
    link_warning("index.rst:23", "JaVaScRiPt:alert(4)"),
    link_warning("index.rst:25", "javascript:alert(5)"),  # named
    link_warning("index.rst:29", "javascript:alert(6)"),  # anonymous
    link_warning("index.rst:33", "javascript:alert(5)"),  # indirect
    link_warning("index.rst:37", "javascript:alert(5)"),  # indirect, twice
    link_warning("index.rst:41", "javascript:alert(7)"),  # substitution (replace)
    link_warning("index.rst:41", "javascript:alert(8)"),  # substitution (image)
    link_warning("index.rst:48", "javascript:alert(5)"),  # image, :target: name_
    link_warning("index.rst:52", "javascript:alert(9)"),  # image, :target: uri
    link_warning("index.rst:56", "vbscript:msgbox(10)"),  # figure
    link_warning(
        "index.rst:62", "data:text/html;base64,PHNjcmlwdD5hbGVydCgxMSk8L3NjcmlwdD4="
    ),
    link_warning("index.rst:62", "file:///etc/passwd"),
    link_warning("index.rst:65", "javascript:alert(12)"),  # a tab in the scheme
    link_warning("index.rst:87", "javascript:alert(14)"),  # outside the items
    link_warning("index.rst:87", "javascript:alert(15)"),
    link_warning("second.rst:6", "javascript:alert(16)"),  # a page with no item
    link_warning("second.rst:6", "data:text/html,alert(17)"),
    link_warning("second.rst:6", "\x01javascript:alert(13)"),  # a control first
]

#: what every neutralised link still shows
LINK_TEXTS = (
    "embedded",
    "upper",
    "named",
    "anonymous",
    "indirect",
    "chain",
    "replaced",
    "data",
    "file",
    "tab",
    "outside",
    "javascript:alert(1",
    "vbscript:msgbox(2)",
)

#: the images of neutralised links: still shown
IMAGES = ("pictured", "image by name", "image direct", "figure direct")

#: links that are safe: all kept
SAFE_HREFS = {
    "https://example.org/safe",
    "http://example.org/plain",
    "mailto:office%40example.org",  # (Sphinx writes the @ as %40)
    "tel:+441234567890",
    "second.html",
    "#CTRL_SCRIPT",
    "https://example.org/named",
    "second.html#second",  # :ref:
    "#TOOL_BLOG",  # :need:
    "#note",  # footnote
    "#cit2026",  # citation
    "https://example.org/image",
}

#: the attributes of HTML that hold an address the browser may follow or load
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "data",
    "poster",
    "cite",
    "background",
    "srcset",
}


def dangerous(uri: str) -> bool:
    """Whether a browser would run or open ``uri`` as script or a local file: its
    scheme, read with control characters and spaces dropped and in any case."""
    squeezed = re.sub(r"[\x00-\x20\x7f-\x9f]", "", uri).lower()
    return squeezed.startswith(("javascript:", "vbscript:", "data:", "file:"))


class Page(HTMLParser):
    """Every address in an HTML page, the text inside and outside links, and the
    images (their alt text) outside links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[tuple[str, str, str]] = []
        self.hrefs: set[str] = set()
        self.depth = 0  # inside how many <a href>
        self.unlinked_text: list[str] = []
        self.unlinked_images: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name, value in attrs:
            if name in URL_ATTRIBUTES and value is not None:
                self.urls.append((tag, name, value))
        if tag == "a" and values.get("href") is not None:
            self.hrefs.add(values["href"] or "")
            self.depth += 1
        elif tag == "a":
            self.depth += 1  # counted, so that </a> balances
        if tag == "img" and not self.depth:
            self.unlinked_images.add(values.get("alt") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if not self.depth:
            self.unlinked_text.append(data)


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text("utf-8"))
    page.close()
    return page


@pytest.mark.sphinx("html", testroot="links-js", freshenv=True)
def test_no_script_link_in_html(app):
    app.build()
    assert warnings_of(app) == EXPECTED_WARNINGS
    outdir = Path(app.outdir)
    pages = sorted(outdir.rglob("*.html"))
    assert {p.name for p in pages} >= {"index.html", "second.html"}
    for path in pages:
        page = parse(path)
        bad = [url for url in page.urls if dangerous(url[2])]
        assert bad == [], (path.name, bad)
    index = parse(outdir / "index.html")
    assert SAFE_HREFS <= index.hrefs, SAFE_HREFS - index.hrefs
    text = " ".join("".join(index.unlinked_text).split())
    for shown in LINK_TEXTS:
        assert shown in text, shown
    assert set(IMAGES) <= index.unlinked_images
    second = parse(outdir / "second.html")
    assert "https://example.org/second" in second.hrefs
    assert {"script", "leading"} <= set(re.findall(r"\w+", "".join(second.unlinked_text)))
    assert "sub" in second.unlinked_images


#: the LaTeX commands that make a link, and whose first argument is its address
LATEX_LINK = re.compile(r"\\(?:sphinxhref|href|sphinxurl|url|sphinxnolinkurl)\{")


def latex_links(tex: str) -> list[str]:
    """The address of every link command in ``tex`` (braces balanced)."""
    found = []
    for match in LATEX_LINK.finditer(tex):
        depth, start = 1, match.end()
        position = start
        while depth and position < len(tex):
            char = tex[position]
            if char == "\\":
                position += 2
                continue
            depth += {"{": 1, "}": -1}.get(char, 0)
            position += 1
        found.append(tex[start : position - 1])
    return found


@pytest.mark.sphinx("latex", testroot="links-js", freshenv=True)
def test_no_script_link_in_latex(app):
    app.build()
    assert sorted(warnings_of(app)) == sorted(EXPECTED_WARNINGS)
    tex = next(Path(app.outdir).glob("*.tex")).read_text("utf-8")
    links = latex_links(tex)
    assert [uri for uri in links if dangerous(uri)] == []
    assert {
        "https://example.org/safe",
        "http://example.org/plain",
        "mailto:office@example.org",
        "tel:+441234567890",
        "https://example.org/named",
        "https://example.org/image",
        "https://example.org/second",
    } <= set(links)
    # the script addresses are nowhere a link could come from: no command has them
    assert "javascript:alert(3)" not in tex
    # every image is still there (two with a link, four without, the substitution)
    assert tex.count(r"\sphinxincludegraphics") == 6


@pytest.mark.parametrize(
    ("uri", "scheme", "unsafe"),
    [
        ("javascript:alert(1)", "javascript", True),
        ("JaVaScRiPt:alert(1)", "javascript", True),
        (" javascript:alert(1)", "javascript", True),
        ("\x01javascript:alert(1)", "javascript", True),
        ("java\tscript:alert(1)", "javascript", True),
        ("java\nscript:alert(1)", "javascript", True),
        ("\x00\x1f javascript:x", "javascript", True),
        ("javascript\x7f:x", "javascript", True),
        ("vbscript:msgbox(1)", "vbscript", True),
        ("data:text/html,<script>", "data", True),
        ("file:///etc/passwd", "file", True),
        ("ftp://example.org/", "ftp", True),
        ("https://example.org/", "https", False),
        ("HTTP://example.org/", "http", False),
        ("mailto:office@example.org", "mailto", False),
        ("tel:+441234", "tel", False),
        ("second.html", None, False),
        ("second.html#a:b", None, False),
        ("#CTRL_X", None, False),
        ("../page/index.html", None, False),
        ("//example.org/x", None, False),
        ("%index#CTRL_X", None, False),  # Sphinx's LaTeX internal reference
        ("javascript%3Aalert(1)", None, False),  # a relative path to a browser
        ("\u00a0javascript:alert(1)", None, False),  # ditto: not a scheme
        ("", None, False),
    ],
)
def test_link_scheme(uri: str, scheme: str | None, unsafe: bool):
    assert link_scheme(uri) == scheme
    assert unsafe_link(uri) is unsafe


def test_links_added_after_reading_are_made_safe():
    """The same rules for what is added after reading (tables, item links, other
    extensions): checked again just before writing."""
    from docutils.frontend import get_default_settings
    from docutils.parsers.rst import Parser

    document = new_document("<test>", get_default_settings(Parser))
    para = nodes.paragraph()
    para += nodes.reference("", "click", refuri="\x01JavaScript:alert(1)")
    para += nodes.Text(" and ")
    para += nodes.reference("", "web", refuri="https://example.org/")
    document += para
    picture = nodes.reference("", "", refuri="data:text/html,x")
    picture += nodes.image(uri="pic.png", alt="picture")
    document += picture
    make_output_safe(document, report=False)
    refs = list(document.findall(nodes.reference))
    assert [r["refuri"] for r in refs] == ["https://example.org/"]
    assert para.astext() == "click and web"
    assert [i["alt"] for i in document.findall(nodes.image)] == ["picture"]
    assert isinstance(document[1], nodes.image)
