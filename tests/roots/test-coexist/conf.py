extensions = ["sphinxcontrib_sociallpolicy", "sphinx.ext.graphviz"]
needs_flow_engine = "graphviz"
sm_guidance = []
sm_today = "2026-11-24"
needs_build_json = True
needs_types = [
    {
        "directive": "story",
        "title": "User story",
        "prefix": "US_",
        "color": "#BFD8D2",
        "style": "node",
    },
]
# the project's own fields and links, two with names we also use
needs_fields = {
    "owner": {"description": "the project's own owner field", "schema": {"type": "string"}},
    "effort": {"description": "the project's own field", "schema": {"type": "integer"}},
}
needs_links = {
    "satisfies": {"outgoing": "fulfils", "incoming": "fulfilled by"},
    "blocks": {"outgoing": "blocks", "incoming": "blocked by"},
}
