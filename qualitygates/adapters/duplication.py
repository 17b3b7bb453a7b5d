"""The `duplication` adapter: copy-paste detection from jscpd's JSON report.

`jscpd --reporters json` writes `jscpd-report.json`: `statistics.total` holds the lines,
duplicated lines and clones over every format, and `duplicates` lists each clone with its
two locations. `percentage` is computed from the totals, unrounded
(`duplicatedLines / lines * 100`); jscpd prints and gates on the same figure rounded to two
decimals (`percentage`), so a gate never passes on a rounding. With several reports, the
lines and duplicated lines are added up before dividing.

Each clone is a finding (id `clone`, located at its first file and line); `clones` counts
those not waived. A report with no line of source is an error: nothing was measured.
The code fragment of a clone is never copied into a finding: it may hold a secret.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qualitygates.adapters._counts import rule_counts
from qualitygates.adapters._io import expand_paths, expect_type
from qualitygates.adapters._options import path_option
from qualitygates.adapters.interface import (
    Adapter,
    Collection,
    CollectRequest,
    MetricSpec,
    count_metric,
    percent_metric,
)
from qualitygates.errors import AdapterError
from qualitygates.model import Finding, FindingKind, Location, Measurement, Severity, Unit
from qualitygates.readers import read_json

TOOL = "jscpd"
CLONE = "clone"
# What is read; the rest, the clones' code fragments above all, is dropped while parsing.
_KEEP = frozenset(
    {"statistics", "total", "lines", "duplicatedLines", "duplicates", "firstFile", "secondFile",
     "name", "start", "end"}
)  # fmt: skip


@dataclass
class _Totals:
    """Lines and duplicated lines added up over the reports, and every clone."""

    lines: int = 0
    duplicated: int = 0
    clones: list[Finding] = field(default_factory=list)


#: Beyond this a float, which every metric is, no longer counts lines one by one.
_MAX_LINES = 2**53


def _count(totals: Mapping[str, Any], key: str, path: Path) -> int:
    value = expect_type(totals.get(key), int, path, f"statistics.total.{key}")
    if value < 0:
        raise AdapterError(f"{path}: statistics.total.{key} is negative ({value})")
    if value > _MAX_LINES:
        raise AdapterError(f"{path}: statistics.total.{key} is too large to count lines")
    return int(value)


def read_report(path: Path, totals: _Totals) -> None:
    """Add one jscpd JSON report to the running totals."""
    data = read_json(path, "jscpd", _KEEP)
    if not isinstance(data, dict) or "statistics" not in data or "duplicates" not in data:
        raise AdapterError(
            f"{path} is not a jscpd JSON report: write it with jscpd --reporters json "
            "(the file is jscpd-report.json)"
        )
    statistics = expect_type(data["statistics"], dict, path, "statistics")
    total = expect_type(statistics.get("total"), dict, path, "statistics.total")
    totals.lines += _count(total, "lines", path)
    totals.duplicated += _count(total, "duplicatedLines", path)
    duplicates = expect_type(data["duplicates"], list, path, "duplicates")
    for index, duplicate in enumerate(duplicates):
        totals.clones.append(_clone(duplicate, path, f"duplicates[{index}]"))


def _clone(duplicate: Any, path: Path, where: str) -> Finding:
    expect_type(duplicate, dict, path, where)
    first = _side(duplicate, "firstFile", path, where)
    second = _side(duplicate, "secondFile", path, where)
    lines = expect_type(duplicate.get("lines"), int, path, f"{where}.lines")
    return Finding(
        id=CLONE,
        tool=TOOL,
        severity=Severity.LOW,
        message=f"duplicated code in {first[0]}:{first[1]}-{first[2]} "
        f"and {second[0]}:{second[1]}-{second[2]}",
        rule=CLONE,
        location=Location(path=first[0], line=first[1]),
        kind=FindingKind.CLONE,
        identity=(TOOL, CLONE, first[0], second[0], lines),
    )


def _side(duplicate: Mapping[str, Any], key: str, path: Path, where: str) -> tuple[str, int, int]:
    side = expect_type(duplicate.get(key), dict, path, f"{where}.{key}")
    name = expect_type(side.get("name"), str, path, f"{where}.{key}.name")
    start = expect_type(side.get("start"), int, path, f"{where}.{key}.start")
    end = expect_type(side.get("end"), int, path, f"{where}.{key}.end")
    return name, start, end


class DuplicationAdapter(Adapter):
    """Duplicated code from jscpd's JSON report: percentage of lines and clones."""

    name = "duplication"
    summary = "Copy-paste detection from jscpd's JSON report"
    formats = ("jscpd --reporters json (jscpd-report.json), jscpd 3 and 4",)
    options = (path_option("jscpd-report.json file(s)", "all are added up"),)
    metrics = (
        MetricSpec(
            "percentage",
            Unit.PERCENT,
            "duplicated lines over all lines, unrounded (jscpd prints it to 2 decimals)",
            summary=True,
        ),
        MetricSpec("duplicated_lines", Unit.COUNT, "lines inside a clone (statistics.total)"),
        MetricSpec("total_lines", Unit.COUNT, "lines of source jscpd read (statistics.total)"),
        MetricSpec("clones", Unit.COUNT, "clones found, waived ones excluded", summary=True),
    )

    def collect(self, request: CollectRequest) -> Collection:
        """Read every report the `path` globs match; each clone becomes a finding."""
        paths = expand_paths(request.options["path"])
        totals = _Totals()
        for path in paths:
            read_report(path, totals)
        if totals.lines == 0:
            shown = ", ".join(map(str, paths))
            raise AdapterError(f"{shown} counts no line of source: check jscpd's path and --format")
        metrics = {
            "percentage": percent_metric(totals.duplicated / totals.lines * 100),
            "duplicated_lines": count_metric(totals.duplicated),
            "total_lines": count_metric(totals.lines),
        }
        return Collection(
            metrics=metrics,
            findings=tuple(totals.clones),
            sources=tuple(str(p) for p in paths),
            available=(*metrics, "clones"),
        )

    def count_findings(self, findings: Sequence[Finding]) -> dict[str, Measurement]:
        """`clones`: the clones that are not waived."""
        return rule_counts(findings, {"clones": (CLONE,)})
