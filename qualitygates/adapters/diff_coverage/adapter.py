"""The `diff_coverage` adapter class: coverage reports joined with `git diff`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from qualitygates.adapters._io import expand_paths
from qualitygates.adapters.coverage.adapter import detect, read_report
from qualitygates.adapters.coverage.cobertura import cobertura_sources
from qualitygates.adapters.coverage.options import READING, REPORTS
from qualitygates.adapters.coverage.store import LineStore
from qualitygates.adapters.diff_coverage.git import Changes, changes, tracked_files
from qualitygates.adapters.diff_coverage.paths import PathMatcher
from qualitygates.adapters.interface import (
    Adapter,
    Collection,
    CollectRequest,
    MetricSpec,
    OptionKind,
    OptionSpec,
    count_metric,
    percent_metric,
)
from qualitygates.errors import AdapterError
from qualitygates.model import Finding, FindingKind, Location, Measurement, Severity, Unit

RULE = "uncovered-new-code"
TOOL = "diff_coverage"


class DiffCoverageAdapter(Adapter):
    """Coverage of the lines changed since the merge base with a branch (new code)."""

    dated = True  # the coverage reports' timestamps, as `coverage` reads them

    name = "diff_coverage"
    summary = (
        "Coverage of changed lines (new code): the coverage adapter's reports joined with "
        "`git diff` against the merge base with a branch, counted as diff-cover counts them, "
        "unrounded; every uncovered changed line is a finding."
    )
    formats = (
        "every report the coverage adapter reads: Cobertura XML, JaCoCo XML, LCOV, "
        "coverage.py JSON and .coverage data",
        "a git checkout with the history back to the merge base (CI: `fetch-depth: 0`)",
    )
    options = (
        REPORTS,
        OptionSpec(
            "compare_branch",
            OptionKind.STRING,
            "The branch (or commit) the changes are counted from: `git diff` against "
            "`git merge-base HEAD <compare_branch>`, with staged and unstaged changes, as "
            "diff-cover's --compare-branch.",
            default="origin/main",
        ),
        OptionSpec(
            "repo",
            OptionKind.PATH,
            "A folder of the git checkout the coverage was measured in (default: the "
            "policy's folder).",
        ),
        OptionSpec(
            "src_roots",
            OptionKind.STRINGS,
            "Folders, from the checkout's root, that the reports' file names start from "
            "(e.g. src/main/java for JaCoCo); tried before matching names by path suffix.",
            default=(),
        ),
        OptionSpec(
            "exclude",
            OptionKind.STRINGS,
            "Globs of changed files that are not counted (matched against the path from "
            "the root and the file name, as diff-cover's --exclude).",
            default=(),
        ),
        *READING,
    )
    metrics = (
        MetricSpec(
            "new_line_rate",
            Unit.PERCENT,
            "Covered changed lines over coverable changed lines, unrounded (diff-cover "
            "truncates to an integer). Absent, so an error of its condition, when no "
            "changed line is coverable: never an invented 100 %.",
            summary=True,
        ),
        MetricSpec(
            "new_lines",
            Unit.COUNT,
            "Changed lines the reports measure (coverable): gate on it too to require a "
            "minimum before the rate means much (SonarQube waits for 20).",
            summary=True,
        ),
        MetricSpec(
            "new_lines_covered", Unit.COUNT, "Coverable changed lines that ran.", summary=True
        ),
        MetricSpec(
            "new_lines_missed",
            Unit.COUNT,
            f"Coverable changed lines that never ran and are not waived (findings {RULE}).",
            summary=True,
        ),
        MetricSpec(
            "changed_lines",
            Unit.COUNT,
            "Lines added or changed since the merge base, coverable or not.",
            summary=True,
        ),
    )

    def collect(self, request: CollectRequest) -> Collection:
        """Read the diff and the reports; count the changed lines they measure."""
        options = request.options
        if not options.get("path"):
            raise AdapterError("the diff_coverage adapter needs `path`: the coverage report(s)")
        reports = expand_paths(options["path"])
        branch = str(options.get("compare_branch") or "origin/main")
        found = changes(Path(options.get("repo") or request.base_dir), branch)
        changed = _without_excluded(found.lines, options.get("exclude") or ())
        matcher = PathMatcher(
            found.root,
            changed,
            [str(s) for s in options.get("src_roots") or ()],
            lambda: tracked_files(found.root),
        )
        measured, stamps = _measured_lines(reports, changed, matcher, options)
        covered, missed = _split(measured)
        metrics = {
            "new_lines": count_metric(len(covered) + len(missed)),
            "new_lines_covered": count_metric(len(covered)),
            "new_lines_missed": count_metric(len(missed)),
            "changed_lines": count_metric(sum(len(lines) for lines in changed.values())),
        }
        unavailable: dict[str, str] = {}
        if covered or missed:
            rate = 100.0 * len(covered) / (len(covered) + len(missed))
            metrics["new_line_rate"] = percent_metric(rate)
        else:  # never a silent 100 %: the rate does not exist, and the message says why
            unavailable["new_line_rate"] = _why_no_rate(found, branch, changed)
        return Collection(
            metrics=metrics,
            findings=tuple(_finding(path, line) for path, line in missed),
            sources=(*(str(p) for p in reports), f"git diff {found.base[:12]} in {found.root}"),
            timestamp=min(stamps) if stamps else None,
            available=tuple(metrics),
            unavailable=unavailable,
        )

    def count_findings(self, findings: Sequence[Finding]) -> dict[str, Measurement]:
        """`new_lines_missed`: the uncovered changed lines that are not waived."""
        return {"new_lines_missed": count_metric(sum(1 for f in findings if f.rule == RULE))}


def _without_excluded(lines: dict[str, set[int]], patterns: Sequence[str]) -> dict[str, set[int]]:
    if not patterns:
        return lines
    return {
        path: numbers
        for path, numbers in lines.items()
        if not any(
            fnmatchcase(path, str(p)) or fnmatchcase(path.rsplit("/", 1)[-1], str(p))
            for p in patterns
        )
    }


def _measured_lines(
    reports: Sequence[Path],
    changed: Mapping[str, set[int]],
    matcher: PathMatcher,
    options: Mapping[str, Any],
) -> tuple[dict[str, dict[int, int]], list[datetime]]:
    """Per changed file, its measured lines (1 covered, 0 not), the union of all reports."""
    measured: dict[str, dict[int, int]] = {}
    stamps: list[datetime] = []
    for report in reports:
        store = LineStore()
        stamp = read_report(report, store, options)
        if not store.totals().lines_valid:
            raise AdapterError(
                f"{report} measures no lines: check that the tests ran with coverage on "
                "and measured the right sources"
            )
        if stamp is not None:
            stamps.append(stamp)
        sources = _sources(report, options)
        with_lines = store.names()
        for name in with_lines | store.counted.keys():
            path = matcher.match(name, sources, report)
            if path is None:
                continue
            if name not in with_lines:
                raise AdapterError(
                    f"{report} gives only totals for {name}, no line numbers: diff coverage "
                    "needs a report with per-line data"
                )
            _union(measured.setdefault(path, {}), store.line_map(name), changed[path])
    return measured, stamps


def _sources(report: Path, options: Mapping[str, Any]) -> list[str]:
    forced = options.get("format") or "auto"
    kind = forced if forced != "auto" else detect(report)
    return cobertura_sources(report) if kind == "cobertura" else []


def _union(into: dict[int, int], lines: Mapping[int, int], wanted: set[int]) -> None:
    """Add a report's changed lines; a line is covered when any report covers it."""
    for number in wanted.intersection(lines):
        into[number] = max(into.get(number, 0), lines[number])


def _split(
    measured: Mapping[str, dict[int, int]],
) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """The covered and the missed (path, line) pairs, in path and line order."""
    covered: list[tuple[str, int]] = []
    missed: list[tuple[str, int]] = []
    for path in sorted(measured):
        for number in sorted(measured[path]):
            (covered if measured[path][number] else missed).append((path, number))
    return covered, missed


def _why_no_rate(found: Changes, branch: str, changed: Mapping[str, set[int]]) -> str:
    """Why there is no rate to judge, for the condition's error message."""
    base = f"merge base {found.base[:12]} of {branch}"
    if not changed:
        return f"no changed line to measure: no line changed since {base} (new_lines = 0)"
    total = sum(len(lines) for lines in changed.values())
    lines = "line" if total == 1 else "lines"
    files = "file" if len(changed) == 1 else "files"
    return (
        f"no changed line to measure: none of the {total} {lines} changed in {len(changed)} "
        f"{files} since {base} is measured by the coverage reports (new_lines = 0)"
    )


def _finding(path: str, line: int) -> Finding:
    return Finding(
        id=RULE,
        tool=TOOL,
        severity=Severity.MEDIUM,
        message="changed line not covered by any test",
        rule=RULE,
        location=Location(path=path, line=line),
        kind=FindingKind.COVERAGE_GAP,
        identity=(TOOL, RULE, path),
    )
