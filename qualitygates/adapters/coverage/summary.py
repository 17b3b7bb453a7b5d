"""The coverage adapter's metrics: their specs, their values from the totals, and the reason
each one the reports cannot give is unavailable."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from qualitygates.adapters.coverage.store import Totals
from qualitygates.adapters.interface import MetricSpec, count_metric, percent_metric
from qualitygates.model import Measurement, Unit

METRICS = (
    MetricSpec(
        "total",
        Unit.PERCENT,
        "What `coverage report` prints: lines and branches together, where measured "
        "(Istanbul: statements).",
        summary=True,
    ),
    MetricSpec("line_rate", Unit.PERCENT, "Covered lines over valid lines.", summary=True),
    MetricSpec(
        "branch_rate",
        Unit.PERCENT,
        "Covered branches over branches; absent when the reports have no branches.",
        summary=True,
    ),
    MetricSpec("lines_covered", Unit.COUNT, "Lines that ran.", summary=True),
    MetricSpec("lines_valid", Unit.COUNT, "Lines that could run (statements).", summary=True),
    MetricSpec("branches_covered", Unit.COUNT, "Branches taken.", summary=True),
    MetricSpec("branches_valid", Unit.COUNT, "Branches (0 without branch data).", summary=True),
    MetricSpec("files", Unit.COUNT, "Source files the reports list.", summary=True),
    MetricSpec(
        "function_rate",
        Unit.PERCENT,
        "Functions that ran over functions (c8's and jest's `% Funcs`); absent when a "
        "report counts no functions or none are listed.",
        summary=True,
    ),
    MetricSpec("functions_covered", Unit.COUNT, "Functions that ran.", summary=True),
    MetricSpec(
        "functions_valid",
        Unit.COUNT,
        "Functions (methods) the reports list; absent when a report counts none.",
        summary=True,
    ),
)

_NO_BRANCHES = (
    "the reports measure no branches: run coverage.py with --branch (or branch = true "
    "under [run] in its config), or gate on line_rate"
)
_NO_FUNCTION_LIST = (
    "the reports count functions but list none: gate on line_rate, or check that the "
    "coverage run measured the sources"
)


def metrics_of(totals: Totals) -> dict[str, Measurement]:
    """The metrics the totals give; a rate over nothing is left out, never 0 or 100 %."""
    metrics = {
        "total": percent_metric(totals.total),
        "line_rate": percent_metric(totals.line_rate),
        "lines_covered": count_metric(totals.lines_covered),
        "lines_valid": count_metric(totals.lines_valid),
        "branches_covered": count_metric(totals.branches_covered),
        "branches_valid": count_metric(totals.branches_valid),
        "files": count_metric(totals.files),
    }
    if totals.branch_rate is not None:
        metrics["branch_rate"] = percent_metric(totals.branch_rate)
    if totals.functions is not None:
        metrics["functions_covered"] = count_metric(totals.functions[0])
        metrics["functions_valid"] = count_metric(totals.functions[1])
    if totals.function_rate is not None:
        metrics["function_rate"] = percent_metric(totals.function_rate)
    return metrics


def unavailable_of(
    metrics: Mapping[str, Measurement], without_functions: list[Path], reports: int
) -> dict[str, str]:
    """The reason for each coverage metric the reports cannot give."""
    missing: dict[str, str] = {}
    if "branch_rate" not in metrics:
        missing["branch_rate"] = _NO_BRANCHES
    if "functions_valid" not in metrics:
        first = without_functions[0] if without_functions else None
        if reports > 1 and first is not None and len(without_functions) < reports:
            reason = (
                f"{first} counts no functions while the other reports do, so a function rate "
                "would leave its files out: give every report in a format that counts them"
            )
        else:
            reason = (
                "the reports do not count which functions ran (coverage.py's XML and JSON, "
                "gcovr's Cobertura and JaCoCo do not): give an LCOV report (c8, nyc, jest, "
                "coverage lcov, gcovr --lcov), JaCoCo's, or a Cobertura report with <method>s"
            )
        missing.update(dict.fromkeys(_FUNCTION_METRICS, reason))
    elif "function_rate" not in metrics:
        missing["function_rate"] = _NO_FUNCTION_LIST
    return missing


_FUNCTION_METRICS = ("function_rate", "functions_covered", "functions_valid")
