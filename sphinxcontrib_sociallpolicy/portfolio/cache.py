"""The portfolio's cache: a school whose inputs have not changed since the last run
is not checked again.

**The key is a content hash** of everything a school's result depends on:

1. the *environment*: the extension's own files (its code, built-in packs and
   platform catalogue, templates) and the versions of Sphinx, sphinx-needs and
   docutils (:func:`environment_digest`, computed once per run);
2. the *school*: the project folder as given (the record names it), whether its
   HTML is built, the check date (results depend on the date: a review falls due),
   and every file under the project folder, by path and content, except build
   output (folders named ``_build``, ``__pycache__`` and hidden folders such as
   ``.git``) and the portfolio's own output and cache folders (:func:`pre_key`);
3. the *files outside the project that its build read*, by path (relative to the
   project folder) and content: the ``sm_base`` folder, packs and catalogues named
   by path, files included from elsewhere (Sphinx's recorded dependencies). They
   are only known after a build, so the cache entry lists them, and a lookup
   hashes them again (:func:`full_key`).

One entry per school: ``<cache>/<slug>.json`` holding the key, the outside files
and the school's record, overwritten at each check (the cache does not grow with
the days). A file that cannot be read or is not an entry is ignored (the school is
checked again), never an error. Writes are atomic (a temporary file renamed).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

#: changes when the entry's shape or the key's recipe changes
CACHE_VERSION = 1
#: folders never hashed: build output and tools' folders (hidden ones too)
SKIP_DIRS = frozenset({"_build", "__pycache__", "node_modules"})
DEFAULT_CACHE = ".sociallpolicy-cache"
#: written into the cache folder: backup tools skip it, git ignores it
CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by sociallpolicy portfolio.\n"
    "# For information about cache directory tags see https://bford.info/cachedir/\n"
)


def _sha() -> Any:
    return hashlib.sha256()


def file_digest(path: Path) -> str:
    h = _sha()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 16), b""):
            h.update(block)
    return h.hexdigest()


def tree_digest(root: Path, skip: Iterable[Path] = ()) -> str:
    """A hash of every file under ``root`` (path and content), in a fixed order;
    build output, hidden folders and the folders in ``skip`` are left out."""
    skipped = {Path(p).resolve() for p in skip}
    h = _sha()
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        dirnames[:] = sorted(
            d
            for d in dirnames
            if d not in SKIP_DIRS
            and not d.startswith(".")
            and (here / d).resolve() not in skipped
        )
        for name in sorted(filenames):
            path = here / name
            h.update(path.relative_to(root).as_posix().encode("utf-8", "replace"))
            h.update(b"\0")
            try:
                h.update(file_digest(path).encode())
            except OSError:
                h.update(b"unreadable")
            h.update(b"\0")
    return h.hexdigest()


def path_digest(path: Path) -> str:
    """A file's or a folder's content hash; ``missing`` when there is none."""
    try:
        if path.is_dir():
            return "tree:" + tree_digest(path)
        if path.is_file():
            return "file:" + file_digest(path)
    except OSError:
        return "unreadable"
    return "missing"


def environment_digest() -> str:
    """What every school's result depends on besides its own files: this
    extension's files (code, packs, catalogue, templates) and the versions of
    what builds it."""
    from importlib import metadata

    package = Path(__file__).resolve().parent.parent
    h = _sha()
    h.update(f"cache {CACHE_VERSION}\0".encode())
    for dist in ("sphinx", "sphinx-needs", "docutils"):
        try:
            version = metadata.version(dist)
        except metadata.PackageNotFoundError:
            version = "none"
        h.update(f"{dist} {version}\0".encode())
    h.update(tree_digest(package).encode())
    return h.hexdigest()


def _hash_json(data: Any) -> str:
    return hashlib.sha256(
        json.dumps(data, sort_keys=True, ensure_ascii=True).encode()
    ).hexdigest()


def pre_key(
    environment: str,
    project: str,
    folder: Path,
    *,
    html: bool,
    checked_on: str,
    skip: Iterable[Path] = (),
) -> str:
    """The hash of the environment, the school's own files and how it is checked."""
    return _hash_json(
        [environment, project, html, checked_on, tree_digest(folder, skip=skip)]
    )


def full_key(pre: str, folder: Path, outside: Iterable[str]) -> str:
    """``pre`` with the content of the files and folders outside the project that
    its build read (paths relative to the project folder)."""
    return _hash_json([pre, [[p, path_digest(folder / p)] for p in sorted(set(outside))]])


def outside_files(folder: Path, paths: Iterable[Path], inside: Iterable[Path]) -> list[str]:
    """Of the files a build read, those outside the project ``folder`` and outside
    ``inside`` (the extension's own folder, hashed with the environment), relative
    to the project folder, with ``/``."""
    roots = [folder.resolve(), *(p.resolve() for p in inside)]
    out = set()
    for path in paths:
        try:
            full = path.resolve()
        except OSError:
            continue
        if any(full == root or root in full.parents for root in roots):
            continue
        try:
            out.add(Path(os.path.relpath(full, folder.resolve())).as_posix())
        except ValueError:  # another drive (Windows)
            out.add(full.as_posix())
    return sorted(out)


class Cache:
    """The cache folder: one JSON entry per school (see the module docstring)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def prepare(self) -> None:
        """Make the folder, tagged as a cache (raises OSError)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        tag = self.folder / "CACHEDIR.TAG"
        if not tag.exists():
            tag.write_text(CACHEDIR_TAG, encoding="utf-8")
        ignore = self.folder / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# made by sociallpolicy portfolio\n*\n", encoding="utf-8")

    def _path(self, slug: str) -> Path:
        return self.folder / f"{slug}.json"

    def load(self, slug: str, pre: str) -> dict[str, Any] | None:
        """The entry for ``slug`` when it was made from the same school files
        (``pre``); None when there is none, it is from other files, or it cannot be
        read."""
        try:
            entry = json.loads(self._path(slug).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not (
            isinstance(entry, dict)
            and entry.get("version") == CACHE_VERSION
            and entry.get("pre") == pre
            and isinstance(entry.get("key"), str)
            and isinstance(entry.get("outside"), list)
            and all(isinstance(p, str) for p in entry["outside"])
            and isinstance(entry.get("school"), dict)
            and isinstance(entry.get("requirements"), list)
        ):
            return None
        return entry

    def store(
        self,
        slug: str,
        pre: str,
        key: str,
        outside: list[str],
        school: Any,
        requirements: list[Any],
    ) -> None:
        """Write the entry (atomically); a cache that cannot be written is only a
        slower next run."""
        entry = {
            "version": CACHE_VERSION,
            "pre": pre,
            "key": key,
            "outside": outside,
            "school": school,
            "requirements": requirements,
        }
        try:
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(entry, f, ensure_ascii=False)
            os.replace(tmp, self._path(slug))
        except OSError:
            try:
                os.unlink(tmp)
            except (OSError, UnboundLocalError):
                pass
