"""Errors raised while reading documents; each names the file and the problem."""

from __future__ import annotations

from pathlib import Path


class IngestError(Exception):
    """A document could not be read. The message names the file and what is wrong with it."""

    def __init__(self, path: Path | str, problem: str) -> None:
        self.path = Path(path)
        self.problem = problem
        super().__init__(f"{self.path.name}: {problem}")


class ManifestError(Exception):
    """The corpus manifest is missing, unreadable or has an invalid entry."""
