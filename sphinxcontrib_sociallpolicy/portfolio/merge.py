"""``sociallpolicy portfolio merge FILE... --output DIR``: the shards of a CI matrix
as one portfolio.

The files must be of this version's format, checked on the same date, and hold no
school twice; shards of one split must all be there (``1/4`` to ``4/4``). The
merged ``portfolio.json`` is what one unsharded run gives (apart from
``generated``): the summary, the requirements and the exit code are computed again
from the schools. Each school's built policy is copied from beside its shard's file
(``schools/<slug>/``) into the output folder.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from .assemble import portfolio as assemble
from .schema import FORMAT_VERSION, Portfolio, problem


class MergeError(Exception):
    """Files that cannot be merged: one line saying which and why."""


def load(path: Path) -> Portfolio:
    """A shard's portfolio.json; MergeError when it cannot be read or is not one."""
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise MergeError(
            f"{path} does not exist; check the name of the shard's file"
        ) from None
    except IsADirectoryError:
        raise MergeError(
            f"{path} is a folder; give the portfolio.json file in it"
        ) from None
    except OSError as error:
        raise MergeError(f"cannot read {path} ({error.strerror or error})") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise MergeError(
            f"{path} is not a portfolio.json file (not JSON: {error})"
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("schools"), list):
        raise MergeError(
            f"{path} is not a portfolio.json file (no list of schools); give the files "
            "written by sociallpolicy portfolio"
        )
    if data.get("format") != FORMAT_VERSION:
        raise MergeError(
            f"{path} is of portfolio format {data.get('format')!r}; this version "
            f"({data.get('tool', 'another version')} wrote it) merges format "
            f"{FORMAT_VERSION}: check every shard with the same version"
        )
    for school in data["schools"]:
        if not isinstance(school, dict) or not isinstance(school.get("project"), str):
            raise MergeError(f"{path} has a school without a project path; it is damaged")
    _refuse_damaged(path, data, complete=False)
    return data  # type: ignore[return-value]


def _refuse_damaged(path: Path, data: Any, *, complete: bool) -> None:
    """Refuse a file whose values are not of portfolio.json's shape (and, when
    ``complete``, one that lacks a key), naming the value."""
    if found := problem(data, complete=complete):
        raise MergeError(
            f"{path} is damaged: {found.removeprefix('the file.')}; check it again "
            "with sociallpolicy portfolio, or give the file that run wrote"
        )


def _check_shards(files: list[tuple[Path, Portfolio]]) -> None:
    splits: dict[int, dict[int, Path]] = {}
    for path, data in files:
        shard = data.get("shard")
        if not shard:
            continue
        try:
            k, n = (int(x) for x in str(shard).split("/"))
        except ValueError:
            raise MergeError(
                f"{path} names its shard {shard!r}, which is not K/N"
            ) from None
        seen = splits.setdefault(n, {})
        if k in seen:
            raise MergeError(f"shard {k}/{n} is given twice: {seen[k]} and {path}")
        seen[k] = path
    if len(splits) > 1:
        raise MergeError(
            "the files are shards of different splits ("
            + ", ".join(f"of {n}" for n in sorted(splits))
            + "); merge the shards of one run"
        )
    for n, seen in splits.items():
        missing = [f"{k}/{n}" for k in range(1, n + 1) if k not in seen]
        if missing:
            raise MergeError(
                f"shard {', '.join(missing)} is missing; give every shard's "
                "portfolio.json, or the portfolio would leave schools out"
            )


def merge(paths: list[Path], *, generated: str) -> tuple[Portfolio, dict[str, Path]]:
    """The merged portfolio, and for each school the shard file it came from."""
    files = [(path, load(path)) for path in paths]
    dates = {data.get("checked_on") for _, data in files}
    if len(dates) > 1:
        listed = "; ".join(f"{path}: {data.get('checked_on')}" for path, data in files)
        raise MergeError(
            f"the files were checked on different dates ({listed}); check every shard "
            "on the same date (set SOURCE_DATE_EPOCH in the workflow) and merge again"
        )
    _check_shards(files)
    origin: dict[str, Path] = {}
    schools = []
    for path, data in files:
        for school in data["schools"]:
            project = school["project"]
            if project in origin:
                raise MergeError(
                    f"the school {project} is in both {origin[project]} and {path}; "
                    "merge the shards of one run, each once"
                )
            origin[project] = path
            schools.append(school)
    # the files belong together: now each must be whole, before it is used
    for path, data in files:
        _refuse_damaged(path, data, complete=True)
    merged = assemble(
        schools,
        [data["requirements"] for _, data in files],
        checked_on=str(dates.pop()) if dates else "",
        shard=None,
        generated=generated,
    )
    return merged, origin


def copy_sites(merged: Portfolio, origin: dict[str, Path], output: Path) -> list[str]:
    """Copy each school's built policy from beside its shard's file into
    ``output``; returns a message for each one that is not there."""
    missing = []
    for school in merged["schools"]:
        html = school.get("html")
        if not html:
            continue
        folder = Path(html).parent
        source = origin[school["project"]].parent / folder
        target = output / folder
        if source.resolve() == target.resolve():
            continue
        if source.is_dir():
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(source, target)
        elif not (output / html).is_file():
            missing.append(
                f"the built policy of {school['project']} is not beside "
                f"{origin[school['project']]} (in {folder}); the dashboard's link to it "
                "will not work: keep each shard's schools/ folder with its file"
            )
    return missing
