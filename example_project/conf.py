"""Sphinx configuration for the Oakfield Primary School social-media policy.

This is the example project of sphinxcontrib-sociallpolicy: a complete, fictitious
policy that builds cleanly with ``sphinx-build -W`` and is checked against both
built-in guidance packs. Oakfield Primary School and everyone named in it are
invented.

Build it from the repository root::

    python -m sphinx -b html -W --keep-going example_project _build/example/html
    python -m sphinx -M latexpdf example_project _build/example
"""

project = "Oakfield Primary School: Social Media Policy"
author = "Ms A Patel (online-safety lead), Oakfield Primary School"
copyright = "2026, Oakfield Primary School"
version = "2026"
release = "2026-27"
language = "en_GB"

extensions = ["sphinxcontrib_sociallpolicy"]

# --- sphinxcontrib-sociallpolicy ---------------------------------------------------
# The policy is checked against the founding Kent (2010) guidance and the current UK
# set. Findings of `must` severity fail the build with -W; `should` and `may`
# findings are printed as information and listed in the compliance table.
sm_guidance = ["kent-2010", "uk-online-safety"]
sm_country = "GB"
sm_fail_on = "must"
# sm_today is deliberately not set: review and expiry dates are checked against the
# date of the build, so an overdue review shows up as a finding.

# --- HTML ---------------------------------------------------------------------------
html_title = "Oakfield Primary School: Social Media Policy"
html_short_title = "Social Media Policy"
html_theme = "alabaster"
# alabaster at its own width: the example shows what every school gets
html_theme_options = {
    "description": "Social media and online safety, 2026-27",
}
ALABASTER_OPTIONS = html_theme_options
html_last_updated_fmt = "%d %B %Y"
html_show_sourcelink = False

# --- LaTeX / PDF --------------------------------------------------------------------
latex_engine = "pdflatex"
latex_documents = [
    (
        "index",
        "oakfield-social-media-policy.tex",
        "Social Media Policy",
        "Oakfield Primary School",
        "manual",
    ),
]
latex_show_urls = "footnote"
latex_toplevel_sectioning = "chapter"
latex_elements = {
    "papersize": "a4paper",
    "pointsize": "11pt",
    # 11pt headers need a taller header box than the class default
    "preamble": r"\setcounter{tocdepth}{1}\setlength{\headheight}{14pt}",
    "sphinxsetup": "hmargin={2cm,2cm}, vmargin={2.5cm,2.5cm}",
    "printindex": "",
}
latex_domain_indices = False


def _theme_options(app, config):
    """The options above are alabaster's: drop them when another theme is chosen
    (e.g. ``-D html_theme=furo``), which would otherwise warn about each one."""
    if config.html_theme != "alabaster" and config.html_theme_options == ALABASTER_OPTIONS:
        config.html_theme_options = {}


def setup(app):
    app.connect("config-inited", _theme_options)
