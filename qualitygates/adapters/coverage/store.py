"""The union of several coverage reports, kept per source file and line.

Every reader writes into one `LineStore`, so two reports (or one report listing a line
twice, as Cobertura does for a line inside a `<method>` and its `<class>`) never count a
line twice: a line is covered if any report covers it, and a line's branches are those of
the best-covered report of that line. Memory grows with the distinct (file, line) pairs,
never with the size of the reports.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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


@dataclass
class LineStore:
    """Covered flags (1 or 0) and branches per file and line, merged as a union."""

    lines: dict[str, dict[int, int]] = field(default_factory=dict)
    branches: dict[str, dict[int, Branches]] = field(default_factory=dict)
    counted: dict[str, FileCounts] = field(default_factory=dict)

    def file_lines(self, name: str) -> dict[int, int]:
        """The line map of a file (created empty, so a file without lines still counts)."""
        found = self.lines.get(name)
        if found is None:
            found = self.lines[name] = {}
        return found

    def file_branches(self, name: str) -> dict[int, Branches]:
        found = self.branches.get(name)
        if found is None:
            found = self.branches[name] = {}
        return found

    def add_counts(self, name: str, counts: FileCounts) -> None:
        """Record a file known only by its counts; the better-covered record wins."""
        old = self.counted.get(name)
        if old is None or counts.lines_covered * old.lines_valid > (
            old.lines_covered * counts.lines_valid
        ):
            self.counted[name] = counts

    def merge(self, other: LineStore) -> None:
        """Add another report's lines as a union (`other` must not be used afterwards)."""
        for name, lines in other.lines.items():
            mine = self.lines.get(name)
            if mine is None:
                self.lines[name] = lines
                continue
            mine.update({number: 1 for number, covered in lines.items() if covered})
            for number in lines:
                mine.setdefault(number, 0)
        for name, per_line in other.branches.items():
            branches = self.file_branches(name)
            for number, (covered, total) in per_line.items():
                merge_branches(branches, number, covered, total)
        for name, counts in other.counted.items():
            self.add_counts(name, counts)

    def totals(self) -> Totals:
        """Sum every file; a file with line data ignores any count-only record of it."""
        lines_covered = lines_valid = branches_covered = branches_valid = 0
        for lines in self.lines.values():
            lines_valid += len(lines)
            lines_covered += sum(lines.values())
        for per_line in self.branches.values():
            for covered, total in per_line.values():
                branches_covered += covered
                branches_valid += total
        only_counted = [c for name, c in self.counted.items() if not self.lines.get(name)]
        for counts in only_counted:
            lines_covered += counts.lines_covered
            lines_valid += counts.lines_valid
            branches_covered += counts.branches_covered
            branches_valid += counts.branches_valid
        files = len(self.lines.keys() | self.counted.keys())
        return Totals(files, lines_covered, lines_valid, branches_covered, branches_valid)


def merge_branches(per_line: dict[int, Branches], line: int, covered: int, total: int) -> None:
    """Keep the best-covered branches of a line."""
    new = (covered, total)
    old = per_line.get(line)
    if old is None or better(new, old):
        per_line[line] = new
