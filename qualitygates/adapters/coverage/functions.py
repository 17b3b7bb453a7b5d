"""Which functions ran, per source file, merged as a union like the lines are.

A function is known by its first line and its name, and, for two of one name on one line
(minified code), by its order among them within the unit that lists it (an LCOV record, a
Cobertura or JaCoCo class). The same function listed again (a second LCOV record of the
file, another report of the same run) has the same key, so it counts once, and it ran if
any of them says so.

A report either counts functions or it does not: coverage.py's Cobertura and JSON reports
have none, while an LCOV record with `FNF:0` counts them and found none. Only reports that
all count functions give a function rate; see the coverage adapter.
"""

from __future__ import annotations

from collections.abc import Iterable

#: A function's first line, its name, and its order among functions of that line and name.
FunctionKey = tuple[int, str, int]


class FunctionStore:
    """Per file, each function and whether it ran."""

    def __init__(self) -> None:
        self._files: dict[str, dict[FunctionKey, bool]] = {}
        #: Whether any unit read into this store counts functions (maybe none).
        self.counted = False

    def add(self, file: str, functions: Iterable[tuple[int, str, bool]]) -> None:
        """Add one unit's functions, as (first line, name, ran), in the unit's order."""
        self.counted = True
        known = self._files.setdefault(file, {})
        order: dict[tuple[int, str], int] = {}
        for line, name, ran in functions:
            nth = order[line, name] = order.get((line, name), -1) + 1
            key = (line, name, nth)
            known[key] = known.get(key, False) or ran

    def merge(self, other: FunctionStore) -> None:
        """Add another report's functions as a union."""
        self.counted = self.counted or other.counted
        for file, functions in other._files.items():
            known = self._files.setdefault(file, {})
            for key, ran in functions.items():
                known[key] = known.get(key, False) or ran

    def totals(self) -> tuple[int, int]:
        """(functions that ran, functions) over every file."""
        ran = valid = 0
        for functions in self._files.values():
            valid += len(functions)
            ran += sum(functions.values())
        return ran, valid
