"""Shared test fixtures: sphinx.testing's app fixtures over ``tests/roots/``."""

from __future__ import annotations

from pathlib import Path

import pytest
from sm_testing import ROOTS

pytest_plugins = ("sphinx.testing.fixtures",)


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return ROOTS
