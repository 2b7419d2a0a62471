"""``:filter:`` on ``sm-register``, ``sm-risk-register`` and ``sm-matrix``.

A filter is a condition of the guidance packs' condition language (see
:mod:`..guidance.conditions`), written as YAML after the option::

    .. sm-register::
       :filter: includes: {audience: pupils}

    .. sm-risk-register::
       :filter: {any: [{equals: {category: contact}}, {compare: "impact >= 4"}]}

It is data, never code: a policy's text is written by school staff and read by
others, so nothing in it is run. (sphinx-needs' own directives, such as
``needtable`` and ``needflow``, still evaluate their ``:filter:`` as Python; that is
their documented behaviour, and a project that uses them should review those filters
as code.)

A filter is read when the directive is read: one that cannot be read is an
``sm.option`` warning at the directive, and the table then shows every item, with a
note above it saying that the filter was not applied. A filter is tested like a
pack's ``when``: a missing value fails it, so an item that does not state a fact is
left out of a table filtered on that fact.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..guidance.checks import Where
from ..guidance.errors import PackError

if TYPE_CHECKING:
    from sphinx.application import Sphinx

    from ..guidance.conditions import Condition
    from ..model import Item
    from ..project import ProjectState

#: the item kinds each table's filter selects among
FILTER_KINDS: dict[str, tuple[str, ...]] = {
    "register": ("tool",),
    "risk-register": ("risk",),
    "matrix": ("tool",),
}

#: what a filter written for sphinx-needs (Python) tends to contain
_PYTHON_SIGNS = ("==", "!=", " and ", " or ", " in [", " in (", "not ", "__", "lambda")

EXAMPLE = "equals: {platform: facebook}"


class FilterError(ValueError):
    """A filter that cannot be read; ``str()`` is the message for the school."""


def compile_filter(text: str, kinds: Sequence[str]) -> Condition:
    """The condition written in ``text`` about items of ``kinds``.

    :raises FilterError: the text is not a condition, with what is wrong.
    """
    from ..guidance.conditions import compile_condition
    from ..guidance.loader import LocatedLoader, load_yaml_text

    class FilterLoader(LocatedLoader):
        what = "filter"

    where = Where(":filter:", "", PackError)
    try:
        data = load_yaml_text(text, ":filter:", loader_class=FilterLoader)
        return compile_condition(data, 1, kinds, where)
    except PackError as error:
        raise FilterError(_explain(text, error.message)) from None


def _explain(text: str, problem: str) -> str:
    said = " ".join(text.split())
    if len(said) > 80:
        said = said[:77] + "..."
    hint = ""
    if any(sign in f" {text} " for sign in _PYTHON_SIGNS):
        hint = (
            "; this looks like a sphinx-needs (Python) filter, which this table does "
            "not run"
        )
    return (
        f"{said!r} cannot be used ({problem}){hint}; write a condition like those in "
        f"guidance packs, e.g. ':filter: {EXAMPLE}'"
    )


def select(
    app: Sphinx,
    state: ProjectState,
    kinds: Sequence[str],
    text: str | None,
    items: list[Item],
) -> list[Item]:
    """The ``items`` a table's filter keeps (all of them when there is no filter, or
    when it cannot be read: the directive has warned about it)."""
    if not text:
        return items
    try:
        condition = compile_filter(text, kinds)
    except FilterError:
        return items
    context = _context(app, state)
    return [item for item in items if condition.test(item, context)]


def _context(app: Sphinx, state: ProjectState) -> Any:
    from ..config import get_config
    from ..guidance import load_catalogue
    from ..guidance.fields import Context

    config = get_config(app)
    catalogue = state.extra.get("catalogue") or load_catalogue([])
    return Context(state.policy, catalogue, country=config.country, today=config.today)
