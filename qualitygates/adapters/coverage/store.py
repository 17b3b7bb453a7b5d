"""The union of several coverage reports, kept per source file and line.

Every reader writes into one `LineStore`, so two reports (or one report listing a line
twice, as Cobertura does for a line inside a `<method>` and its `<class>`) never count a
line twice: a line is covered if any report covers it, and a line's branches are those of
the best-covered report of that line. Memory grows with the distinct (file, line) pairs,
never with the size of the reports.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from dataclasses import dataclass

from qualitygates.adapters.coverage.functions import FunctionStore

#: A line's branches: (covered, total).
Branches = tuple[int, int]


@dataclass(frozen=True)
class Totals:
    """Counts over every file of the store, with the percentages coverage.py prints."""

    files: int
    lines_covered: int
    lines_valid: int
    branches_covered: int
    branches_valid: int
    #: None when the reports do not count functions (never an invented 0 or 100 %).
    functions: tuple[int, int] | None = None  # (ran, valid)

    @property
    def total(self) -> float:
        """coverage.py's total: statements and branches together (`Numbers.pc_covered`)."""
        numerator = self.lines_covered + self.branches_covered
        return (100.0 * numerator) / (self.lines_valid + self.branches_valid)

    @property
    def line_rate(self) -> float:
        return (100.0 * self.lines_covered) / self.lines_valid

    @property
    def branch_rate(self) -> float | None:
        """None when the data has no branches: never an invented 100 %."""
        if not self.branches_valid:
            return None
        return (100.0 * self.branches_covered) / self.branches_valid

    @property
    def function_rate(self) -> float | None:
        """None when the reports count no function (or list none)."""
        if not self.functions or not self.functions[1]:
            return None
        return (100.0 * self.functions[0]) / self.functions[1]


@dataclass(frozen=True)
class FileCounts:
    """A file known only by its counts (a JaCoCo file whose lines carry no instructions)."""

    lines_covered: int
    lines_valid: int
    branches_covered: int
    branches_valid: int


def better(new: Branches, old: Branches) -> bool:
    """Whether a line's branches `new` are better covered than `old` (by ratio, then size)."""
    left, right = new[0] * old[1], old[0] * new[1]
    return left > right or (left == right and new[1] > old[1])


class LineStore:
    """Covered flags (1 or 0) and branches per file and line, merged as a union.

    A reader fills a file's open maps (`file_lines`, `file_branches`); once the file is done
    (`pack`), its lines are kept as sorted arrays of 4-byte numbers (covered lines, missed
    lines; branch lines with their counts), a tenth of a map's memory, so a monorepo's
    millions of lines stay small.
    """

    def __init__(self) -> None:
        self._open: dict[str, dict[int, int]] = {}
        self._packed: dict[str, _Packed] = {}
        self._branches: dict[str, dict[int, Branches]] = {}
        self._packed_branches: dict[str, _PackedBranches] = {}
        self.counted: dict[str, FileCounts] = {}
        self.functions = FunctionStore()

    def file_lines(self, name: str) -> dict[int, int]:
        """The open line map of a file (created empty, so a file without lines still counts)."""
        found = self._open.get(name)
        if found is None:
            found = self._open[name] = _unpack(self._packed.pop(name, None))
        return found

    def file_branches(self, name: str) -> dict[int, Branches]:
        """The open branch map of a file: line -> (covered, total)."""
        found = self._branches.get(name)
        if found is None:
            found = self._branches[name] = _unpack_branches(self._packed_branches.pop(name, None))
        return found

    def branch_map(self, name: str) -> dict[int, Branches]:
        """A file's branches (a copy when packed; empty when it has none)."""
        found = self._branches.get(name)
        return found if found is not None else _unpack_branches(self._packed_branches.get(name))

    def add_file(self, name: str) -> None:
        """Count a file, with no lines yet if it is new."""
        if name not in self._open and name not in self._packed:
            self._packed[name] = array("i"), array("i")

    def add_lines(self, name: str, measured: set[int], covered: set[int]) -> None:
        """Add a file's lines in bulk (`covered` is part of `measured`), and pack them."""
        if name in self._open or name in self._packed:
            lines = self.file_lines(name)
            lines.update(dict.fromkeys(measured.difference(lines), 0))
            lines.update(dict.fromkeys(covered, 1))
            self.pack(name)
            return
        packed = _pack(covered, measured - covered)
        if packed is None:
            self._open[name] = dict.fromkeys(measured, 0) | dict.fromkeys(covered, 1)
        else:
            self._packed[name] = packed

    def pack(self, name: str) -> None:
        """Keep a finished file's lines compactly (left open if a number does not fit)."""
        branches = self._branches.get(name)
        if branches:
            packed_branches = _pack_branches(branches)
            if packed_branches is not None:
                del self._branches[name]
                self._packed_branches[name] = packed_branches
        lines = self._open.get(name)
        if lines is None:
            return
        packed = _pack(
            [n for n, hit in lines.items() if hit], [n for n, hit in lines.items() if not hit]
        )
        if packed is not None:
            del self._open[name]
            self._packed[name] = packed

    def pack_all(self) -> None:
        for name in list(self._open):
            self.pack(name)

    def names(self) -> set[str]:
        """The files with line data (possibly none of it measured)."""
        return self._open.keys() | self._packed.keys()

    def line_map(self, name: str) -> dict[int, int]:
        """A file's lines, 1 covered and 0 not (a copy when packed; empty when unknown)."""
        found = self._open.get(name)
        return found if found is not None else _unpack(self._packed.get(name))

    def add_counts(self, name: str, counts: FileCounts) -> None:
        """Record a file known only by its counts; the better-covered record wins."""
        old = self.counted.get(name)
        if old is None or counts.lines_covered * old.lines_valid > (
            old.lines_covered * counts.lines_valid
        ):
            self.counted[name] = counts

    def merge(self, other: LineStore) -> None:
        """Add another report's lines as a union (`other` must not be used afterwards)."""
        for name in other.names():
            if name not in self._open and name not in self._packed:
                self._adopt(name, other)
                continue
            lines = other.line_map(name)
            measured = set(lines)
            self.add_lines(name, measured, {n for n in measured if lines[n]})
        for name in other._branches.keys() | other._packed_branches.keys():
            branches = self.file_branches(name)
            for number, (covered, total) in other.branch_map(name).items():
                merge_branches(branches, number, covered, total)
            self.pack(name)
        for name, counts in other.counted.items():
            self.add_counts(name, counts)
        self.functions.merge(other.functions)

    def _adopt(self, name: str, other: LineStore) -> None:
        if name in other._packed:
            self._packed[name] = other._packed[name]
        else:
            self._open[name] = other._open[name]

    def totals(self) -> Totals:
        """Sum every file; a file with line data ignores any count-only record of it."""
        lines_covered = lines_valid = branches_covered = branches_valid = 0
        for lines in self._open.values():
            lines_valid += len(lines)
            lines_covered += sum(lines.values())
        for covered, missed in self._packed.values():
            lines_valid += len(covered) + len(missed)
            lines_covered += len(covered)
        for per_line in self._branches.values():
            for covered_branches, total in per_line.values():
                branches_covered += covered_branches
                branches_valid += total
        for _, covered_branches_of, totals_of in self._packed_branches.values():
            branches_covered += sum(covered_branches_of)
            branches_valid += sum(totals_of)
        names = self.names()
        only_counted = [c for name, c in self.counted.items() if not self._has_lines(name)]
        for counts in only_counted:
            lines_covered += counts.lines_covered
            lines_valid += counts.lines_valid
            branches_covered += counts.branches_covered
            branches_valid += counts.branches_valid
        files = len(names | self.counted.keys())
        functions = self.functions.totals() if self.functions.counted else None
        return Totals(
            files, lines_covered, lines_valid, branches_covered, branches_valid, functions
        )

    def _has_lines(self, name: str) -> bool:
        packed = self._packed.get(name)
        return bool(self._open.get(name)) or bool(packed and (packed[0] or packed[1]))


#: A packed file: its covered and its missed line numbers, each sorted.
_Packed = tuple["array[int]", "array[int]"]


def _pack(covered: Iterable[int], missed: Iterable[int]) -> _Packed | None:
    try:
        return array("i", sorted(covered)), array("i", sorted(missed))
    except OverflowError:  # a line number past 2**31: never real, but kept exactly
        return None


#: A file's branches packed: its branch lines, in order, and each one's covered and total.
_PackedBranches = tuple["array[int]", "array[int]", "array[int]"]


def _pack_branches(branches: dict[int, Branches]) -> _PackedBranches | None:
    lines = sorted(branches)
    try:
        return (
            array("i", lines),
            array("i", [branches[line][0] for line in lines]),
            array("i", [branches[line][1] for line in lines]),
        )
    except OverflowError:
        return None


def _unpack_branches(packed: _PackedBranches | None) -> dict[int, Branches]:
    if packed is None:
        return {}
    return dict(zip(packed[0], zip(packed[1], packed[2], strict=True), strict=True))


def _unpack(packed: _Packed | None) -> dict[int, int]:
    if packed is None:
        return {}
    return dict.fromkeys(packed[1], 0) | dict.fromkeys(packed[0], 1)


def merge_branches(per_line: dict[int, Branches], line: int, covered: int, total: int) -> None:
    """Keep the best-covered branches of a line."""
    new = (covered, total)
    old = per_line.get(line)
    if old is None or better(new, old):
        per_line[line] = new
