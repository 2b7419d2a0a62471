"""Checking the policy: guidance packs, local requirements, then the warnings.

Runs as whole-project steps of :mod:`.project` (after every document is read), in
this order: :func:`evaluate_guidance` (the active packs, and each ``sm-requirement``,
which is met by a control that ``:satisfies:`` it, over every item),
:func:`.project.check_links`, :func:`report_findings` (each open finding at or above
``sm_fail_on`` becomes a warning ``sm.<rule id>`` at its item's line; lower ones are
printed as information; waived and disabled ones are only shown in the tables and
reports).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from .config import get_config, setting_location
from .guidance.engine import finding_order
from .model import Finding
from .project import ANALYSERS, ProjectState, check_links, location
from .warnings import WARNING_TYPE, SmWarning, finding_subtype, info, warn


def load_guidance(app: Sphinx, base: Any = None) -> tuple[list[Any], Any]:
    """The active packs and the platform catalogue; a file that cannot be read is one
    ``sm.guidance`` warning at its file and line, and the rest are still used.

    With a trust base (``base``, a :class:`~.trustbase.Base`), its packs come first
    (a school pack cannot redefine a base requirement) and its catalogue files
    before the school's ``sm_platforms`` (which may override them)."""
    from . import guidance

    config = get_config(app)
    errors: list[guidance.PackError] = []
    base_packs = list(base.guidance) if base is not None else []
    base_platforms = list(base.platforms) if base is not None else []
    key = _guidance_key(app, [*base_packs, *config.guidance], base_platforms)
    app._sm_guidance_key = key  # type: ignore[attr-defined]
    cached = _kept(app, GUIDANCE_CACHE, key)  # read by an earlier build
    if cached is not None:
        return cached
    packs = guidance.resolve_packs(
        [*base_packs, *config.guidance], config.confdir, errors=errors
    )
    try:
        catalogue = guidance.load_catalogue(
            [*base_platforms, *(config.confdir / p for p in config.platforms)]
        )
    except guidance.PlatformError as error:
        errors.append(error)
        catalogue = guidance.load_catalogue([])
    if not errors:
        _keep(app, GUIDANCE_CACHE, key, (packs, catalogue))
    for problem in errors:
        location, message = data_file_problem(app, problem)
        subtype = (
            SmWarning.CONFIG
            if isinstance(problem, guidance.PlatformError)
            else SmWarning.GUIDANCE
        )
        warn(subtype, message, location)
    return packs, catalogue


#: where the packs and catalogue, once read, are kept for the next build (beside the
#: environment, and as trusted as it)
GUIDANCE_CACHE = "sm-guidance.pickle"


def _guidance_key(app: Sphinx, packs: list[Any], platforms: list[Any]) -> str:
    """What the packs and catalogue are read from: the extension's version, the
    settings, and every byte of the files (see :func:`data_files`)."""
    import hashlib

    from . import __version__

    config = get_config(app)
    digest = hashlib.sha256(
        repr((__version__, packs, platforms, config.platforms, str(config.confdir))).encode(
            "utf-8", "replace"
        )
    )
    for path in data_files(app):
        digest.update(path.encode("utf-8", "replace"))
        try:
            digest.update(Path(path).read_bytes())
        except OSError:
            digest.update(b"missing")
    return digest.hexdigest()


def _kept(app: Sphinx, name: str, key: str) -> Any:
    """What an earlier build kept beside the doctrees as ``name`` under ``key``
    (:func:`_keep`); None when there is none, or it was kept under another key."""
    import pickle

    try:
        with open(Path(app.doctreedir) / name, "rb") as kept:
            kept_key, value = pickle.load(kept)
    except Exception:  # noqa: BLE001 - nothing kept, or nothing that can be used
        return None
    return value if kept_key == key else None


def _keep(app: Sphinx, name: str, key: str, value: Any) -> None:
    """Keep ``value`` beside the doctrees as ``name``, under ``key``, for the next
    build (written whole, then renamed; a read-only folder keeps nothing)."""
    import pickle

    path = Path(app.doctreedir) / name
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}")
        partial.write_bytes(pickle.dumps((key, value), pickle.HIGHEST_PROTOCOL))
        partial.replace(path)
    except (OSError, pickle.PicklingError):
        pass


#: what the last evaluation worked out (:class:`.guidance.engine.Memo`), for the next
#: build to reuse where nothing it read changed; beside the environment
EVALUATION_MEMO = "sm-evaluation.pickle"


def _memo_key(app: Sphinx) -> str:
    """The packs and catalogue (their key, see :func:`_guidance_key`) and the code
    that evaluates them: a memo made by other code is not used."""
    import hashlib

    from . import guidance

    digest = hashlib.sha256(str(getattr(app, "_sm_guidance_key", "")).encode())
    package = Path(guidance.__file__).parent.parent
    code = sorted(
        [*package.glob("guidance/*.py"), *(package / n for n in ("model.py", "schema.py"))]
    )
    for path in code:
        digest.update(path.name.encode())
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"missing")
    return digest.hexdigest()


def _kept_memo(app: Sphinx, key: str) -> Any:
    """The memo of the last build's evaluation, when it can be used: not in a build
    with a fresh environment (``-E``, the first build, changed settings), which
    works everything out anew."""
    if app.fresh_env_used is not False:
        return None
    return _kept(app, EVALUATION_MEMO, key)


def data_file_problem(app: Sphinx, problem: Any) -> tuple[Any, str]:
    """Where a pack or catalogue problem is, and its message: the line in the file;
    line 1 of a file it has no line for; or, for a file that cannot be read at all
    (missing, a folder), the setting in conf.py that names it, with the file's name
    in the message."""
    from . import guidance

    is_catalogue = isinstance(problem, guidance.PlatformError)
    name = "sm_platforms" if is_catalogue else "sm_guidance"
    if Path(problem.path).name == "conf.py" and not problem.line:
        # about the setting itself (a pack name that is no pack): at its line
        return setting_location(Path(app.confdir), name, app.config), problem.message
    if problem.line:
        return f"{problem.path}:{problem.line}", problem.message
    if os.path.isfile(problem.path):
        return f"{problem.path}:1", problem.message
    try:
        shown = os.path.relpath(problem.path, app.confdir)
    except ValueError:  # another drive (Windows)
        shown = problem.path
    return (
        setting_location(Path(app.confdir), name, app.config),
        f"{name} names {shown}: {problem.message}",
    )


def data_files(app: Sphinx) -> list[str]:
    """The pack and catalogue files this project reads, and its trust base's
    manifest, packs and catalogue files (their edits rebuild the pages that depend
    on them)."""
    from . import guidance
    from .base import read_base

    config = get_config(app)
    files: list[str] = []
    for name in config.guidance:
        if name in guidance.BUILTIN_PACKS:
            files.append(str(guidance.BUILTIN_PACKS[name]))
        else:
            files.append(str(config.confdir / name))
    files.append(str(guidance.BUILTIN_CATALOGUE))
    files.extend(str(config.confdir / p) for p in config.platforms)
    base, _ = read_base(app)
    if base is not None:
        files.extend(str(path) for path in base.files())
        files.extend(
            str(guidance.BUILTIN_PACKS[g])
            for g in base.guidance
            if g in guidance.BUILTIN_PACKS
        )
    elif config.base is not None:
        # a base that cannot be read yet: its manifest, once it is there
        from .base import base_folder
        from .trustbase import MANIFEST

        folder = base_folder(app)
        if folder is not None:
            files.append(str(folder / MANIFEST))
    return files


def evaluate_guidance(app: Sphinx, state: ProjectState) -> None:
    """The active packs (and the policy's own sm-requirements) over every item."""
    from . import guidance
    from .base import base_state

    config = get_config(app)
    trust = base_state(state)
    packs, catalogue = load_guidance(app, trust.base if trust is not None else None)
    state.packs = [(p.id, p.title, p.version, p.source) for p in packs]
    requirements = guidance.requirements_of(packs)
    state.known_ids |= {r.id for r in requirements}
    state.extra["catalogue"] = catalogue
    check_platforms(state, catalogue)
    disabled = config.disable
    if trust is not None:
        # the base's requirements apply to every school: sm_disable cannot drop one
        base_paths = {
            Path(guidance.BUILTIN_PACKS.get(g, g)).resolve() for g in trust.base.guidance
        }
        for pack in packs:
            if Path(pack.path).resolve() in base_paths:
                trust.rules |= {r.id for r in pack.requirements} | set(pack.shared)
        for rule_id in sorted(disabled & trust.rules):
            warn(
                SmWarning.CONFIG,
                f"sm_disable names {rule_id}, a requirement of the trust base "
                f"{trust.base.name!r}, which a school cannot switch off: it still "
                "applies. Remove it from sm_disable; for an agreed exception write an "
                "sm-waiver with the reason (waivers are listed in the compliance "
                "summary)",
                setting_location(config.confdir, "sm_disable", app.config),
            )
        disabled = disabled - trust.rules
    memo_key = _memo_key(app)
    state.evaluation = guidance.evaluate(
        state.policy,
        requirements,
        catalogue,
        country=config.country,
        today=config.today,
        disabled=disabled,
        fail_on=config.fail_on,
        replaced=trust.replaced if trust is not None else None,
        memo=_kept_memo(app, memo_key),
    )
    _keep(app, EVALUATION_MEMO, memo_key, state.evaluation.memo)
    for rule_id in sorted(config.disable & set(guidance.engine.ITEM_RULES)):
        warn(
            SmWarning.CONFIG,
            f"sm_disable names {rule_id}, which cannot be switched off: a draft or a "
            "safeguard without substance counts for nothing either way, and the school "
            "must see it; adopt, complete or remove the item instead",
            setting_location(config.confdir, "sm_disable", app.config),
        )
    for rule_id in state.evaluation.unknown_disabled:
        warn(
            SmWarning.CONFIG,
            f"sm_disable names {rule_id}, which is no requirement of the active guidance "
            "packs or of this policy; check the ID",
            setting_location(config.confdir, "sm_disable", app.config),
        )


def check_platforms(state: ProjectState, catalogue: Any) -> None:
    """A tool's ``:platform:`` must be in the catalogue (built in, or added with
    ``sm_platforms``): an unknown one is an ``sm.option`` warning with the closest
    names. An alias (``twitter``) is read as the platform it stands for (``x``). Its
    ``:account:`` must be a kind the platform offers, where the catalogue lists
    them."""
    import difflib

    names = catalogue.names()
    for tool in state.policy.of_kind("tool"):
        written = tool.fields.get("platform")
        if not written:
            continue
        platform = catalogue.get(written)
        if platform is not None:
            tool.fields["platform"] = platform.id
            account = tool.fields.get("account")
            if account and platform.accounts and account not in platform.accounts:
                safest = (
                    f"; the safest is {platform.safest_account}"
                    if platform.safest_account
                    else ""
                )
                warn(
                    SmWarning.OPTION,
                    f"sm-tool {tool.id}: :account: {account!r} is not a kind of account "
                    f"{platform.name} offers; its accounts: "
                    f"{', '.join(platform.accounts)}{safest}",
                    location(tool),
                )
            continue
        close = difflib.get_close_matches(str(written).lower(), names, n=3, cutoff=0.7)
        hint = f"did you mean {' or '.join(repr(c) for c in close)}? " if close else ""
        warn(
            SmWarning.OPTION,
            f"sm-tool {tool.id}: :platform: {written!r} is not in the platform catalogue; "
            f"{hint}write a platform ID listed by `sociallpolicy platforms`, or add the "
            "platform in a catalogue file named in sm_platforms",
            location(tool),
        )


def note_data_files(app: Sphinx, env: BuildEnvironment) -> None:
    """``env-updated``: remember the data files, so that an edit to one marks the
    whole-project pages for rewriting (see :func:`.project.on_env_get_updated`)."""
    env.sm_data_files = data_files(app)  # type: ignore[attr-defined]


def finding_message(finding: Finding) -> str:
    """The warning text of a finding: rule, severity, item, what to do."""
    return f"{finding.rule} ({finding.severity}) {finding.item}: {finding.message}"


def report_findings(app: Sphinx, state: ProjectState) -> None:
    """Open findings as warnings (at or above ``sm_fail_on``) or, below it, as
    information in the same form (``path:line: NOTE: ... [sm.<rule>]``), so that
    ``-W`` fails only on what ``sm_fail_on`` says fails."""
    from sphinx.util.logging import is_suppressed_warning

    evaluation = state.evaluation
    suppressed = app.config.suppress_warnings
    paths: dict[str, str] = {}  # each page's file, as Sphinx shows a (page, line)
    for finding in sorted(state.findings, key=finding_order):
        if finding.status != "open":
            continue
        # a policy-level finding with no sm-policy: at the root document's first line
        docname = finding.docname or app.config.root_doc
        path = paths.get(docname)
        if path is None:
            path = paths[docname] = str(app.env.doc2path(docname))
        location = f"{path}:{finding.line or 1}"
        if finding.origin:  # an item of a trust base's chapter: at its line there
            location = f"{finding.origin}:{finding.line}"
        subtype = finding_subtype(finding.rule)
        if evaluation.warns(finding.severity):
            warn(subtype, finding_message(finding), location)
        elif not is_suppressed_warning(WARNING_TYPE, subtype, suppressed):
            info(
                f"NOTE: {finding_message(finding)} [{WARNING_TYPE}.{subtype}]",
                location,
            )


def setup_evaluation(app: Sphinx) -> None:
    # guidance first: its requirement IDs are valid :satisfies: targets
    # the trust base first: its packs and overrides are used by the evaluation
    from .base import prepare_base

    ANALYSERS[:] = [prepare_base, evaluate_guidance, check_links, report_findings]
    app.connect("env-updated", note_data_files)
