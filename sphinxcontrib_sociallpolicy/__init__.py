"""sphinxcontrib-sociallpolicy: a school's social-media policy as a Sphinx project.

``extensions = ["sphinxcontrib_sociallpolicy"]`` loads sphinx-needs and registers the
item directives, their need types, fields and links, the guidance checks and the
tables. ``setup()`` only wires the modules; each module has its own ``setup_x(app)``.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

__version__ = "0.1.0"

#: bump when what we keep in the environment changes shape
ENV_VERSION = 1


def setup(app: Sphinx) -> dict[str, Any]:
    from .base import setup_base
    from .config import setup_config
    from .directives import setup_directives
    from .evaluation import setup_evaluation
    from .guidance_directive import setup_guidance_directive
    from .html import setup_html
    from .latex import setup_latex
    from .memory import setup_memory
    from .needs import setup_needs
    from .project import setup_project
    from .render import setup_render
    from .reports import setup_reports
    from .status import setup_status
    from .tables import setup_tables

    app.setup_extension("sphinx_needs")
    setup_config(app)
    setup_needs(app)
    setup_directives(app)
    setup_base(app)
    setup_render(app)
    setup_project(app)
    setup_tables(app)
    setup_evaluation(app)
    setup_guidance_directive(app)
    setup_reports(app)
    setup_latex(app)
    setup_status(app)
    setup_html(app)
    setup_memory(app)
    return {
        "version": __version__,
        "env_version": ENV_VERSION,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
