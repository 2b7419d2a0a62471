"""The errors a guidance pack or a platform catalogue file can raise.

Bad user input is never a traceback: loading a YAML file raises only
:class:`PackError` (guidance packs) or :class:`PlatformError` (catalogue files), each
naming the file, the line and what is wrong, in words a school's IT lead understands.
"""

from __future__ import annotations


class PackError(Exception):
    """A guidance file that cannot be used.

    ``str(error)`` is ``"{path}:{line}: {message}"`` (``"{path}: {message}"`` when no
    line applies, e.g. a file that does not exist).
    """

    def __init__(self, path: str, line: int | None, message: str) -> None:
        self.path = str(path)
        self.line = line
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        if self.line:
            return f"{self.path}:{self.line}: {self.message}"
        return f"{self.path}: {self.message}"

    def __reduce__(self) -> tuple[type[PackError], tuple[str, int | None, str]]:
        # picklable (parallel builds send errors between processes)
        return (type(self), (self.path, self.line, self.message))


class PlatformError(PackError):
    """A platform catalogue file that cannot be used (same form as
    :class:`PackError`)."""
