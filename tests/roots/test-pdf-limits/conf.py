# A policy that tries every limit of the PDF (issue 14, item 10): a 3,000-character
# title on an item of every kind, with spaces or as one unbreakable word; long
# unbreakable tokens in every register column that shows the school's words; Welsh,
# Polish, Chinese, Arabic and emoji in titles, options and text. The titles are too
# long to write here: ``@LONG:<kind>@`` and ``@WORD:<kind>@`` are replaced when the
# sources are read (see ``long_title`` and ``long_word``).
extensions = ["sphinxcontrib_sociallpolicy"]
sm_guidance = ["kent-2010", "uk-online-safety"]
sm_today = "2026-11-24"
# the title page: an emoji that reaches LaTeX without the extension (the package
# shows it as [U+1F3EB] instead of stopping the build)
latex_documents = [
    (
        "index",
        "policy.tex",
        "Polisi cyfryngau cymdeithasol \U0001f3eb",
        "Ysgol Gynradd Llanfair",
        "manual",
    )
]
latex_elements = {"papersize": "a4paper", "printindex": ""}

LENGTH = 3000


def long_title(kind: str) -> str:
    """A title of LENGTH characters, words and spaces, different for each kind."""
    words = f"{kind.capitalize()} title " + "for the parents of pupils in the nursery " * 80
    return words[:LENGTH].strip()


def long_word(kind: str) -> str:
    """One word of LENGTH characters: no space, no hyphen, nowhere to break."""
    return (kind.capitalize() + "Llanfairpwllgwyngyll" * 160)[:LENGTH]


def expand(app, docname, source):
    import re

    source[0] = re.sub(r"@LONG:(\w+)@", lambda m: long_title(m[1]), source[0])
    source[0] = re.sub(r"@WORD:(\w+)@", lambda m: long_word(m[1]), source[0])


def setup(app):
    app.connect("source-read", expand)
