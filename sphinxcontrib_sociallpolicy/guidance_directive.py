"""``.. sm-guidance::`` — the requirements the policy is checked against.

Every requirement of the active guidance packs becomes an ``sm-requirement`` need
whose ID is the rule ID (so ``:satisfies: MOD_PREMODERATION`` resolves, and needtable
and needflow show them), rendered grouped by pack and theme with its source, severity
and how to meet it. The needs carry the field ``sm_pack``: they are the packs'
requirements, not local ones. Placed once per project (usually in an appendix).
"""

from __future__ import annotations

from typing import Any, ClassVar

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective
from sphinx_needs.api import InvalidNeedException, add_need

from . import guidance, render
from .config import get_config
from .directives import env_app
from .needs import PACK_FIELD
from .schema import REQUIREMENT
from .warnings import SmWarning, warn

THEME_TITLES = {
    "governance": "Governance",
    "accounts": "Accounts",
    "conduct": "Staff conduct",
    "age": "Age",
    "moderation": "Moderation and platform settings",
    "images": "Images and consent",
    "escalation": "Escalation and safeguarding",
    "references": "References",
    "other": "Other",
}


class GuidanceDirective(SphinxDirective):
    has_content = False
    option_spec: ClassVar[dict[str, Any]] = {}

    def run(self) -> list[nodes.Node]:
        app = env_app(self.env)
        config = get_config(app)
        # errors in the packs are reported once, when the policy is checked
        packs = guidance.resolve_packs(config.guidance, config.confdir, errors=[])
        for path in guidance.pack_files(packs):
            self.env.note_dependency(str(path))
        out: list[nodes.Node] = []
        if not packs:
            out.append(
                nodes.paragraph(text="No guidance pack is active (sm_guidance is empty).")
            )
            return out
        for pack in packs:
            section = nodes.container(classes=["sm-guidance-pack"])
            section += nodes.rubric(pack.title, pack.title)
            about = f"{pack.id}, version {pack.version}. Source: {pack.source}"
            section += nodes.paragraph(text=about)
            if pack.shared:
                shared = ", ".join(pack.shared)
                section += nodes.paragraph(
                    text="Also required by this pack, and listed under an earlier pack: "
                    f"{shared}."
                )
            by_theme: dict[str, list[Any]] = {}
            for req in pack.requirements:
                by_theme.setdefault(req.theme, []).append(req)
            for theme, requirements in by_theme.items():
                title = THEME_TITLES.get(theme, theme.capitalize())
                section += nodes.rubric(title, title, classes=["sm-guidance-theme"])
                for req in requirements:
                    block = self._requirement(pack.id, req)
                    if block is None:
                        return out
                    section += block
            out.append(section)
        return out

    def _requirement(self, pack_id: str, req: Any) -> nodes.Node | None:
        fields: dict[str, Any] = {
            "severity": req.severity,
            "source": "; ".join(req.sources()),
        }
        need_fields: dict[str, Any] = {**fields, PACK_FIELD: pack_id}
        try:
            add_need(
                env_app(self.env),
                self.state,
                self.env.docname,
                self.lineno,
                need_type=REQUIREMENT.directive,
                title=req.title,
                id=req.id,
                content=req.text,
                hide=True,
                tags=[pack_id, req.theme],
                **need_fields,
            )
        except InvalidNeedException as error:
            if error.type == "duplicate_id":
                warn(
                    SmWarning.DUPLICATE,
                    f"sm-guidance: the requirement {req.id} is already in this project "
                    "(sm-guidance is placed once, or an item uses a rule ID as its "
                    ":id:); remove the second one",
                    (self.env.docname, self.lineno),
                )
            else:
                warn(
                    SmWarning.GUIDANCE,
                    f"sm-guidance: {error.message}",
                    (self.env.docname, self.lineno),
                )
            return None
        block = render.item_block(
            REQUIREMENT, req.id, req.title, fields, [nodes.paragraph(text=req.text)]
        )
        facts = next(block.findall(nodes.field_list))
        dates = "; ".join(
            text
            for text in (
                f"added {req.added.isoformat()}" if req.added else "",
                f"changed {req.changed.isoformat()}" if req.changed else "",
                f"source checked {req.checked_on.isoformat()}" if req.checked_on else "",
            )
            if text
        )
        extra = [
            ("Applies to", ", ".join(req.applies_to)),
            ("How to meet it", req.fix.text),
            ("Dates", dates),
            (
                "Not confirmed",
                ""
                if req.verified
                else "the source of this requirement could not be confirmed when it "
                "was last checked (see its source)",
            ),
        ]
        for name, value in extra:
            if value:
                facts += render._field(name, [nodes.Text(value)])
        return block


def setup_guidance_directive(app: Sphinx) -> None:
    app.add_directive("sm-guidance", GuidanceDirective)
