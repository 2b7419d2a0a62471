"""Shared test fixtures: sphinx.testing's app fixtures over ``tests/roots/``."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis.database import DirectoryBasedExampleDatabase
from sm_testing import ROOTS

pytest_plugins = ("sphinx.testing.fixtures",)


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return ROOTS


# Property-based tests (hypothesis). ``ci``, the default, is the bounded profile of
# ``make test``: fixed seeds, so a run is repeatable. ``fuzz`` is the long profile of
# ``make fuzz`` (tests/run_fuzz.py): random seeds given on the command line, and the
# examples that failed kept in .hypothesis/fuzz, so that they replay first next time.
settings.register_profile("ci", max_examples=100, deadline=None, derandomize=True)
settings.register_profile(
    "fuzz",
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "200")),
    deadline=None,
    database=DirectoryBasedExampleDatabase(
        str(Path(__file__).parent.parent / ".hypothesis" / "fuzz")
    ),
    print_blob=True,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
