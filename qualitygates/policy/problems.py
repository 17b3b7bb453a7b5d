"""Collecting policy problems, each formatted as `FILE:LINE:COL: message`."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

from qualitygates.formatting import suggest as suggest  # noqa: PLC0414 (re-exported)
from qualitygates.policy.yaml_source import Located


class Place(NamedTuple):
    """A problem taken apart: its file, line and column (None when it has none), message."""

    file: str | None
    line: int | None
    column: int | None
    message: str


_PLACED = re.compile(r"(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): (?P<message>.*)", re.S)


def place_of(problem: str) -> Place:
    """`FILE:LINE:COL: message` taken apart (for JSON and annotations); a problem that names
    no place (a command-line problem) is all message."""
    found = _PLACED.fullmatch(problem)
    if found is None:
        return Place(None, None, None, problem)
    return Place(found["file"], int(found["line"]), int(found["col"]), found["message"])


def problem_order(problem: str) -> tuple[str, int, int]:
    """Sort key: by file, then line, then column; problems with no place by their text."""
    found = place_of(problem)
    if found.file is None or found.line is None or found.column is None:
        return (problem, 0, 0)
    return (found.file, found.line, found.column)


class Problems:
    """Every problem found in one file, so the user sees them all at once."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.messages: list[str] = []
        self._causes: set[str] = set()  # places whose later problems only follow from this one

    def where(self, node: Located | None) -> str:
        if node is None:
            return f"{self.filename}:1:1"
        return f"{node.source or self.filename}:{node.line}:{node.col}"

    def add(self, node: Located | None, message: str) -> None:
        where = self.where(node)
        if where not in self._causes:
            self.messages.append(f"{where}: {message}")

    def add_cause(self, node: Located, message: str) -> None:
        """A problem that makes any later one at the same place a mere consequence
        (an unset variable: the text it left is no expression either)."""
        self.add(node, message)
        self._causes.add(self.where(node))

    def add_at(self, line: int, col: int, message: str, source: str | None = None) -> None:
        self.messages.append(f"{source or self.filename}:{line}:{col}: {message}")

    def add_key(self, mapping: Located | None, key: str, message: str) -> None:
        """A problem with a mapping key itself (unknown key, unknown option)."""
        if mapping is not None and key in mapping.key_marks:
            self.add_at(*mapping.key_marks[key], message, mapping.source)
        else:
            self.add(mapping, message)

    def unknown_keys(self, mapping: Located, allowed: Iterable[str], what: str) -> None:
        allowed = list(allowed)
        for key in mapping.value:
            if key not in allowed:
                hint = suggest(key, allowed) or f" (allowed: {', '.join(allowed)})"
                self.add_key(mapping, key, f"unknown key {key!r} in {what}{hint}")

    def __bool__(self) -> bool:
        return bool(self.messages)
