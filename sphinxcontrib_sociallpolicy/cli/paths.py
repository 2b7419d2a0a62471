"""What the commands say about files and folders they cannot use."""

from __future__ import annotations

import os
from pathlib import Path


def os_reason(error: OSError) -> str:
    """What the system said, in a few words (``Permission denied``)."""
    return error.strerror or type(error).__name__


def nearest_existing(path: Path) -> Path:
    """``path``'s nearest ancestor that exists (a link counts, even a broken one):
    where a missing folder would be made."""
    while not os.path.lexists(path) and path != path.parent:
        path = path.parent
    return path
