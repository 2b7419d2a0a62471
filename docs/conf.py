"""Sphinx configuration of the sphinxcontrib-sociallpolicy documentation.

The reference pages are generated from the package's code and data by the local
extension ``_ext/smdocs.py``; it also builds ``example_project/`` and copies it into
the output as ``example/``. The docs do not load ``sphinxcontrib_sociallpolicy`` as an
extension (it would want an ``sm-policy``): smdocs imports its modules instead.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE / "_ext"))
sys.path.insert(0, str(HERE.parent))

import sphinxcontrib_sociallpolicy  # noqa: E402

project = "sphinxcontrib-sociallpolicy"
author = "sphinxcontrib-sociallpolicy developers"
copyright = "sphinxcontrib-sociallpolicy developers"
release = version = sphinxcontrib_sociallpolicy.__version__

extensions = ["smdocs"]

exclude_patterns = ["_build"]
nitpicky = True
highlight_language = "rst"

html_theme = "furo"
html_title = f"sphinxcontrib-sociallpolicy {release}"
html_static_path = ["_static"]
html_css_files = ["smdocs.css"]
