"""Checking many schools: find the projects, skip those the cache knows, check the
others in parallel worker processes, and assemble the portfolio.

**Which folders.** Each folder given is a school's project (it holds ``conf.py``),
or a folder of projects: then each folder in it that holds ``conf.py`` is a school,
in sorted order. A folder that is neither, or does not exist, is a school with the
status ``error`` that says so. Schools are sorted by their project path.

**Shards.** ``--shard K/N`` checks the schools whose position in that sorted list
(counting from 0) is K-1 modulo N: with the same folders given, N runs check every
school exactly once, each about as many.

**Isolation.** Each school is built in a worker process (``-j N`` of them, one by
default), never in the command's own process: a conf.py that raises, calls
``sys.exit`` or ends its process is that school's error, and the others are
checked. A worker builds one school after another; between two, what a conf.py may
have changed (``sys.path``, the environment, the current folder, modules imported
from the project's folders) is put back.

**HTML.** Each school's policy is built to HTML in the same build that checks it
(Sphinx's ``html`` builder instead of ``dummy``: one build gives both), into
``OUTPUT/schools/<slug>/``, which the dashboard links to. ``--no-html`` checks only
(about half the time per school).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import multiprocessing
import os
import re
import shutil
import sys
import traceback
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..cli.paths import os_reason
from .cache import Cache, environment_digest, full_key, outside_files, pre_key
from .record import error_record, relative, school_record
from .schema import InputError, Requirement, School

#: the folder of each school's built policy, inside the output folder
SCHOOLS_DIR = "schools"
#: the file in a school's HTML folder that names the key it was built for
STAMP = ".sociallpolicy-key"
#: below this many schools to check, no progress is printed
PROGRESS_FROM = 20


@dataclass(frozen=True)
class Target:
    """One school to check: its project path as given, and its folder (None with
    ``error`` when the path is no project)."""

    project: str
    folder: Path | None
    error: str = ""


@dataclass(frozen=True)
class Task:
    """What a worker needs to check one school (picklable)."""

    project: str
    folder: str
    slug: str
    pre: str
    checked_on: str
    html_dir: str | None  # where to build its HTML; None: check only


@dataclass
class Outcome:
    """A school's result: its record, the requirements it was checked against, the
    files outside its project that its build read, and whether it may be cached."""

    school: School
    requirements: list[Requirement] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    cacheable: bool = False
    cached: bool = False


def normal(path: str) -> str:
    """A project path as written in the portfolio: normalised, with ``/``."""
    return Path(os.path.normpath(path)).as_posix()


def slug(project: str) -> str:
    """A folder name for a school's output, from its project path: readable, and
    unique (a short hash of the path)."""
    name = re.sub(r"[^a-z0-9]+", "-", project.lower()).strip("-")
    name = name[-50:].strip("-") or "school"
    return f"{name}-{hashlib.sha256(project.encode('utf-8', 'replace')).hexdigest()[:8]}"


def discover(dirs: list[str]) -> list[Target]:
    """The schools in ``dirs`` (see the module docstring), sorted by project path;
    a project given twice is checked once."""
    found: dict[str, Target] = {}

    def add(target: Target) -> None:
        found.setdefault(target.project, target)

    for given in dirs:
        project = normal(given)
        folder = Path(given)
        try:
            if (folder / "conf.py").is_file():
                add(Target(project, folder))
            elif folder.is_dir():
                children = sorted(
                    child.name
                    for child in folder.iterdir()
                    if child.is_dir() and (child / "conf.py").is_file()
                )
                for name in children:
                    add(Target(normal(f"{project}/{name}"), folder / name))
                if not children:
                    add(
                        Target(
                            project,
                            None,
                            f"{project} is not a policy project: it has no conf.py, and "
                            "no folder in it has one; give the folder of a school's "
                            "conf.py, or a folder of such folders",
                        )
                    )
            elif folder.exists():
                add(
                    Target(
                        project,
                        None,
                        f"{project} is a file, not a folder; give the folder of a "
                        "school's conf.py",
                    )
                )
            else:
                add(
                    Target(
                        project,
                        None,
                        f"the folder {project} does not exist; check its name",
                    )
                )
        except OSError as error:
            add(
                Target(
                    project,
                    None,
                    f"cannot look into {project} ({os_reason(error)}); check the folder",
                )
            )
    return [found[p] for p in sorted(found)]


def parse_shard(text: str) -> tuple[int, int]:
    """``K/N`` as (K, N), 1 <= K <= N; ValueError with a message otherwise."""
    match = re.fullmatch(r"\s*([0-9]{1,6})\s*/\s*([0-9]{1,6})\s*", text)
    if not match:
        raise ValueError(f"--shard {text!r} is not K/N (e.g. 2/4: the second of four)")
    k, n = int(match.group(1)), int(match.group(2))
    if not 1 <= k <= n:
        raise ValueError(
            f"--shard {text}: K must be from 1 to N (here 1 to {n})"
            if n
            else f"--shard {text}: N must be at least 1"
        )
    return k, n


def in_shard(targets: list[Target], shard: tuple[int, int] | None) -> list[Target]:
    """The targets of shard K/N: position (from 0) ≡ K-1 modulo N."""
    if shard is None:
        return targets
    k, n = shard
    return [t for i, t in enumerate(targets) if i % n == k - 1]


# --- the worker -------------------------------------------------------------


def _under(path: str, roots: list[Path]) -> bool:
    try:
        full = Path(path).resolve()
    except (OSError, ValueError):
        return False
    return any(full == root or root in full.parents for root in roots)


@contextlib.contextmanager
def isolated(folder: Path) -> Iterator[None]:
    """Put back, after one school's build, what its conf.py may have changed:
    ``sys.path``, the environment, the current folder, and the modules it imported
    from the project's folder or from folders it added to ``sys.path``."""
    path = list(sys.path)
    modules = set(sys.modules)
    environ = dict(os.environ)
    cwd = os.getcwd()
    try:
        yield
    finally:
        added = [Path(p).resolve() for p in sys.path if p not in path and p]
        roots = [folder.resolve(), *added]
        sys.path[:] = path
        if dict(os.environ) != environ:
            os.environ.clear()
            os.environ.update(environ)
        with contextlib.suppress(OSError):
            os.chdir(cwd)
        for name in set(sys.modules) - modules:
            file = getattr(sys.modules.get(name), "__file__", None)
            if isinstance(file, str) and _under(file, roots):
                sys.modules.pop(name, None)


def where_raised(error: BaseException, folder: Path) -> tuple[str, int]:
    """Where in the project an exception that stopped the build was raised: the
    deepest line in a file of the project folder along the chain of causes (a
    conf.py's line, for an error Sphinx wraps); ``conf.py``, 0 when none is."""
    root = folder.resolve()
    path, line = "", 0
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, SyntaxError) and current.filename:
            if _under(current.filename, [root]):
                path, line = relative(current.filename, root), int(current.lineno or 0)
        for frame in traceback.extract_tb(current.__traceback__):
            if _under(frame.filename, [root]):
                path, line = relative(frame.filename, root), int(frame.lineno or 0)
        current = current.__cause__ or current.__context__
    return (path or "conf.py"), line


def _build_failed(task: Task, error: BaseException) -> Outcome:
    folder = Path(task.folder)
    text = " ".join(str(error).split()) or type(error).__name__
    prefix = f"cannot build the policy in {folder}: "
    if text.startswith(prefix):
        text = text[len(prefix) :]
    elif not str(error).startswith("cannot build"):
        text = f"{type(error).__name__}: {text}"
    path, line = where_raised(error, folder)
    message = (
        f"the project does not build: {text}. Fix it, then `sociallpolicy check "
        f"{task.project}` shows the policy's findings"
    )
    school = error_record(
        task.project,
        [InputError(path=path, line=line, message=message, kind="build")],
        checked_on=task.checked_on,
    )
    return Outcome(school=school)


def check_school(task: Task) -> Outcome:
    """Build and check one school (in a worker process); never raises."""
    from ..cli.check import build
    from ..evaluation import data_files

    folder = Path(task.folder).resolve()
    seen: dict[str, Any] = {}

    def inspect(app: Any) -> None:
        seen["root_doc"] = str(app.config.root_doc)
        base = getattr(app.config, "sm_base", None) if "sm_base" in app.config else None
        seen["base"] = str(base) if base else None
        read: list[Path] = [Path(f) for f in data_files(app)]
        srcdir = Path(app.srcdir)
        for paths in app.env.dependencies.values():
            read.extend(srcdir / str(p) for p in paths)
        if base:
            read.append(Path(app.confdir) / str(base))
        seen["read"] = read

    html_dir = Path(task.html_dir) if task.html_dir else None
    if html_dir is not None:
        shutil.rmtree(html_dir, ignore_errors=True)
    quiet = io.StringIO()
    try:
        with (
            isolated(folder),
            contextlib.redirect_stdout(quiet),
            contextlib.redirect_stderr(quiet),
        ):
            state, problems, config = build(
                folder,
                None,
                False,
                builder="html" if html_dir is not None else "dummy",
                outdir=html_dir,
                inspect=inspect,
            )
    except KeyboardInterrupt:
        raise
    except BaseException as error:  # noqa: BLE001 - a school's conf.py may do anything
        return _build_failed(task, error)
    if state is None or getattr(state, "evaluation", None) is None:
        school = error_record(
            task.project,
            [
                InputError(
                    path="conf.py",
                    line=0,
                    message="the project does not use sphinxcontrib_sociallpolicy: add "
                    "it to extensions in conf.py",
                    kind="build",
                )
            ],
            checked_on=task.checked_on,
        )
        return Outcome(school=school)
    html = None
    root = seen.get("root_doc", "index")
    if html_dir is not None and (html_dir / f"{root}.html").is_file():
        html = f"{SCHOOLS_DIR}/{task.slug}/{root}.html"
    school, requirements = school_record(
        task.project, folder, state, problems, config, base=seen.get("base"), html=html
    )
    package = Path(__file__).resolve().parent.parent
    outside = outside_files(folder, seen.get("read", []), [package])
    school["key"] = full_key(task.pre, folder, outside)
    if html_dir is not None and html is not None:
        with contextlib.suppress(OSError):
            (html_dir / STAMP).write_text(school["key"], encoding="utf-8")
    return Outcome(school, requirements, outside, cacheable=True)


# --- the run ----------------------------------------------------------------


def _context() -> Any:
    """Workers start as copies of this process where the platform allows it
    (``fork``: Sphinx and the extension are imported once), else fresh."""
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


def _preload() -> None:
    """Import what every worker needs, before the workers start (shared by
    ``fork``)."""
    import sphinx.application  # noqa: F401
    import sphinx.builders.html  # noqa: F401

    from .. import setup  # noqa: F401
    from ..cli import check  # noqa: F401


def _crashed(task: Task) -> Outcome:
    return Outcome(
        school=error_record(
            task.project,
            [
                InputError(
                    path="conf.py",
                    line=0,
                    message="checking this school ended its process (its conf.py or an "
                    "extension it loads ended Python, or Python crashed); run "
                    f"`sociallpolicy check {task.project}` to see what happens",
                    kind="build",
                )
            ],
            checked_on=task.checked_on,
        )
    )


def check_in_workers(
    tasks: list[Task], jobs: int, done: Callable[[Task, Outcome], None]
) -> None:
    """Check each task in a pool of ``jobs`` worker processes, calling ``done`` as
    each ends. When a worker process dies, the schools it left unfinished are each
    checked again alone, so that the one that ends its process is named and the
    others are checked."""
    if not tasks:
        return
    _preload()
    context = _context()
    unfinished: list[Task] = []
    with ProcessPoolExecutor(
        max_workers=max(1, min(jobs, len(tasks))), mp_context=context
    ) as pool:
        futures: dict[Future[Outcome], Task] = {
            pool.submit(check_school, task): task for task in tasks
        }
        for future in as_completed(futures):
            task = futures[future]
            try:
                outcome = future.result()
            except BrokenProcessPool:
                unfinished.append(task)
                continue
            done(task, outcome)
    for task in sorted(unfinished, key=lambda t: t.project):
        with ProcessPoolExecutor(max_workers=1, mp_context=context) as alone:
            try:
                outcome = alone.submit(check_school, task).result()
            except BrokenProcessPool:
                outcome = _crashed(task)
        done(task, outcome)


@dataclass
class RunResult:
    schools: list[School]
    requirements: list[list[Requirement]]
    #: the projects whose result came from the cache
    cached: set[str]


def _is_stamped(html_dir: Path, school: Any) -> bool:
    """Whether the school's HTML in the output folder was built for this key."""
    if not school.get("html"):
        return True  # nothing was built for it
    try:
        return (html_dir / STAMP).read_text(encoding="utf-8") == school.get("key")
    except OSError:
        return False


def check_schools(
    targets: list[Target],
    *,
    jobs: int,
    output: Path,
    html: bool,
    cache: Cache | None,
    checked_on: str,
    progress: Callable[[int, int], None] | None = None,
) -> RunResult:
    """Check ``targets``: each from the cache when its key is unchanged (and its
    HTML is in place), the others in worker processes; the results in the order of
    ``targets``."""
    environment = environment_digest()
    skip = [output, *([cache.folder] if cache else [])]
    outcomes: dict[str, Outcome] = {}
    tasks: list[Task] = []
    for target in targets:
        if target.folder is None:
            school = error_record(
                target.project,
                [InputError(path="", line=0, message=target.error, kind="build")],
                checked_on=checked_on,
            )
            outcomes[target.project] = Outcome(school=school)
            continue
        name = slug(target.project)
        html_dir = output / SCHOOLS_DIR / name
        pre = pre_key(
            environment,
            target.project,
            target.folder,
            html=html,
            checked_on=checked_on,
            skip=skip,
        )
        entry = cache.load(name, pre) if cache is not None else None
        if entry is not None:
            school = entry["school"]
            if (
                school.get("project") == target.project
                and full_key(pre, target.folder, entry["outside"]) == entry["key"]
                and school.get("key") == entry["key"]
                and (not html or _is_stamped(html_dir, school))
            ):
                outcomes[target.project] = Outcome(
                    school=school,
                    requirements=entry["requirements"],
                    outside=entry["outside"],
                    cached=True,
                )
                continue
        tasks.append(
            Task(
                project=target.project,
                folder=str(target.folder.resolve()),
                slug=name,
                pre=pre,
                checked_on=checked_on,
                html_dir=str(html_dir.resolve()) if html else None,
            )
        )
    total = len(tasks)
    finished = 0

    def done(task: Task, outcome: Outcome) -> None:
        nonlocal finished
        finished += 1
        outcomes[task.project] = outcome
        if cache is not None and outcome.cacheable:
            cache.store(
                task.slug,
                task.pre,
                outcome.school["key"],
                outcome.outside,
                outcome.school,
                outcome.requirements,
            )
        if progress is not None:
            progress(finished, total)

    check_in_workers(tasks, jobs, done)
    ordered = [outcomes[t.project] for t in targets]
    return RunResult(
        schools=[o.school for o in ordered],
        requirements=[o.requirements for o in ordered],
        cached={o.school["project"] for o in ordered if o.cached},
    )
