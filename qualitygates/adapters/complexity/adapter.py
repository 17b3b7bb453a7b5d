"""The `complexity` adapter class: figures over every function, findings for the worst."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from qualitygates.adapters._counts import rule_counts
from qualitygates.adapters._io import expand_paths
from qualitygates.adapters._options import check_format, format_option, path_option
from qualitygates.adapters.complexity.readers import FORMATS, READERS, Function, detect
from qualitygates.adapters.interface import (
    Adapter,
    Collection,
    CollectRequest,
    MetricSpec,
    OptionKind,
    OptionSpec,
    count_metric,
)
from qualitygates.errors import AdapterError
from qualitygates.model import Finding, FindingKind, Location, Measurement, Severity, Unit

DEFAULT_MAX_COMPLEXITY = 9
RULE = "complexity"


@dataclass
class _Tally:
    """Running figures over every function; only the offending ones are kept."""

    max_complexity: int
    count: int = 0
    total: int = 0
    highest: int = 0
    offenders: list[Finding] = field(default_factory=list)

    def add(self, function: Function) -> None:
        self.count += 1
        self.total += function.complexity
        self.highest = max(self.highest, function.complexity)
        if function.complexity > self.max_complexity:
            self.offenders.append(self._finding(function))

    def _finding(self, function: Function) -> Finding:
        return Finding(
            id=function.name,
            tool=function.tool,
            severity=Severity.MEDIUM,
            message=(
                f"complexity {function.complexity} in {function.name}() "
                f"(max_complexity {self.max_complexity})"
            ),
            rule=RULE,
            location=Location(path=function.file, line=function.line),
            kind=FindingKind.COMPLEXITY,
            identity=(function.tool, RULE, function.file, function.name),
        )


class ComplexityAdapter(Adapter):
    """Cyclomatic complexity per function from radon (JSON) or lizard (XML, CSV)."""

    name = "complexity"
    summary = "Cyclomatic complexity per function from radon or lizard reports"
    formats = (
        "radon cc -j (JSON)",
        "lizard --xml (cppncss XML)",
        "lizard --csv (with or without the -V header)",
    )
    options = (
        path_option("complexity report(s)"),
        OptionSpec(
            "max_complexity",
            OptionKind.INTEGER,
            "the highest complexity allowed: functions above it are findings (over_threshold)",
            default=DEFAULT_MAX_COMPLEXITY,
            minimum=1,  # every function has a complexity of at least 1
        ),
        format_option(FORMATS),
    )
    metrics = (
        MetricSpec(
            "max", Unit.NUMBER, "the highest cyclomatic complexity of any function", summary=True
        ),
        MetricSpec(
            "average", Unit.NUMBER, "mean cyclomatic complexity of the functions", summary=True
        ),
        MetricSpec(
            "functions", Unit.COUNT, "functions, methods and closures measured", summary=True
        ),
        MetricSpec(
            "over_threshold",
            Unit.COUNT,
            "functions with complexity above max_complexity, waived ones excluded",
            summary=True,
        ),
    )

    def collect(self, request: CollectRequest) -> Collection:
        """Read every report the `path` globs match; offending functions become findings."""
        paths = expand_paths(request.options["path"])
        wanted = request.options.get("format")
        limit = request.options.get("max_complexity")
        tally = _Tally(DEFAULT_MAX_COMPLEXITY if limit is None else int(limit))
        for path in paths:
            found = detect(path)
            check_format(path, found, wanted)
            for function in READERS[found](path):
                tally.add(function)
        if tally.count == 0:
            shown = ", ".join(map(str, paths))
            raise AdapterError(
                f"{shown} holds no function: check that the tool ran on your sources"
            )
        metrics = {
            "max": Measurement(float(tally.highest), Unit.NUMBER),
            "average": Measurement(tally.total / tally.count, Unit.NUMBER),
            "functions": count_metric(tally.count),
        }
        return Collection(
            metrics=metrics,
            findings=tuple(tally.offenders),
            sources=tuple(str(p) for p in paths),
            available=(*metrics, "over_threshold"),
        )

    def count_findings(self, findings: Sequence[Finding]) -> dict[str, Measurement]:
        """`over_threshold`: the offending functions that are not waived."""
        return rule_counts(findings, {"over_threshold": (RULE,)})
