"""Garbage collection in a build of many items.

A Sphinx build keeps what it has read (the environment, the needs, and since Sphinx
7.3 every document's tree until it is written) alive to the end. Python's cyclic
garbage collector does not know that: each full collection walks every one of those
objects again, and a build allocates enough to run many. In a policy of 4,000 items
that is more than a fifth of the build (``benchmarks/bench.py``).

So, as the Python documentation suggests for long-lived objects (``gc.freeze``):

- after each document is read (and, reading in parallel, after each batch of
  documents is merged into the main process), the young garbage is collected
  (``gc.collect(1)``, cheap) and what is left is frozen: later collections skip it;
- after reading, the whole environment is frozen, and each page once resolved, just
  before it is written (with ``-j``, by a process forked from this one, which then
  collects only what it makes itself);
- when the build ends (also when it fails), everything is unfrozen, and the next
  collection frees what is no longer used;
- when the process exits, everything is frozen again: the operating system frees
  the memory of a process that ends, and the last collection Python runs on the way
  out would otherwise walk every object once more (about a second at 4,000 items).

What is frozen is kept until the build ends: the peak memory of a build grows by
about a third (the trees of the written pages are freed at the end, not one by one).
At 4,000 items a serial build takes about 27 s instead of 37 s, and ``-j 2`` about
20 s instead of 29 s.
Nothing else changes: no threshold is touched, and a process that builds again
starts unfrozen.
"""

from __future__ import annotations

import atexit
import gc
from typing import Any

from sphinx.application import Sphinx


def freeze_what_is_left(app: Sphinx, *event_args: Any) -> None:
    """``doctree-read``, ``env-merge-info``, ``env-updated`` and, last,
    ``doctree-resolved`` (see above): collect the young garbage (cheap), and freeze
    what is left. Writing in parallel, Sphinx hands each resolved page to a process
    forked from this one, whose collections then skip everything it inherits (and
    leave that memory shared)."""
    gc.collect(1)
    gc.freeze()


def build_finished(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``: unfreeze, so that what the build no longer uses is freed."""
    gc.unfreeze()


def setup_memory(app: Sphinx) -> None:
    # freeze at exit (see above), once however many apps a process sets up
    atexit.unregister(gc.freeze)
    atexit.register(gc.freeze)
    # last, after every other handler of these events
    for event in ("doctree-read", "env-merge-info", "env-updated"):
        app.connect(event, freeze_what_is_left, priority=990)
    app.connect("doctree-resolved", freeze_what_is_left, priority=999)
    app.connect("build-finished", build_finished, priority=990)
