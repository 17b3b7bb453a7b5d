"""compare(): targets, directions and the conclusion."""

from __future__ import annotations

from qualitygates.compare import Conclusion, compare
from qualitygates.model import (
    CheckResult,
    ConditionResult,
    GateResult,
    Measurement,
    RunResult,
    Status,
    Unit,
)


def result(p95: float, coverage: float) -> RunResult:
    conditions = (
        ConditionResult("p95 < 300ms", "p95", Status.PASSED if p95 < 300 else Status.FAILED, "", p95, 300.0,
                        Unit.MILLISECONDS, "<"),
        ConditionResult("line_rate >= 80%", "line_rate", Status.PASSED if coverage >= 80 else Status.FAILED, "",
                        coverage, 80.0, Unit.PERCENT, ">="),
    )  # fmt: skip
    metrics = {
        "p95": Measurement(p95, Unit.MILLISECONDS),
        "line_rate": Measurement(coverage, Unit.PERCENT),
    }
    check = CheckResult("c", "fake", Status.PASSED, True, metrics=metrics, conditions=conditions)
    return RunResult(
        Status.PASSED, (GateResult("g", "G", Status.PASSED, True, (check,)),), "t", 0.0, "p", "v"
    )


def test_success_when_every_target_is_met() -> None:
    comparison = compare(result(350.0, 70.0), result(250.0, 85.0))
    assert comparison.conclusion is Conclusion.SUCCESS
    assert [(r.direction, r.change) for r in comparison.rows] == [
        ("better", "-100ms (-28.6%)"),
        ("better", "+15% (+21.4%)"),
    ]


def test_partial_when_some_improve_without_reaching_the_target() -> None:
    assert compare(result(350.0, 70.0), result(250.0, 75.0)).conclusion is Conclusion.PARTIAL


def test_failure_when_a_missed_target_got_worse() -> None:
    assert compare(result(250.0, 85.0), result(320.0, 85.0)).conclusion is Conclusion.FAILURE
