"""compare(): targets, directions and the conclusion."""

from __future__ import annotations

import dataclasses

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
from qualitygates.reports.comparison import comparison_html, comparison_markdown


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


def test_a_missed_warn_only_target_is_missed_not_met() -> None:
    """`on_fail: warn` changes the exit code, not whether the target was reached."""
    before, after = result(350.0, 85.0), result(320.0, 85.0)
    warned = dataclasses.replace(after.gates[0].checks[0].conditions[0], status=Status.WARNED)
    check = dataclasses.replace(
        after.gates[0].checks[0], conditions=(warned, after.gates[0].checks[0].conditions[1])
    )
    after = dataclasses.replace(
        after, gates=(dataclasses.replace(after.gates[0], checks=(check,)),)
    )
    comparison = compare(before, after)
    row = comparison.rows[0]
    assert (row.met, row.warn_only, row.direction) == (False, True, "better")
    assert comparison.conclusion is Conclusion.PARTIAL
    assert "| ❌ missed (warn only) |" in comparison_markdown(comparison).decode()
    assert "missed (warn only)" in comparison_html(comparison).decode()


def test_results_of_two_different_policies_are_compared_with_a_warning() -> None:
    same = compare(*(dataclasses.replace(r, policy_digest="sha256:aa") for r in (
        result(350.0, 70.0), result(250.0, 85.0))))  # fmt: skip
    assert same.notes == ()
    before = dataclasses.replace(result(350.0, 70.0), policy_digest="sha256:" + "a" * 64)
    after = dataclasses.replace(result(250.0, 85.0), policy_digest="sha256:" + "b" * 64)
    comparison = compare(before, after)
    assert comparison.notes and "different policies" in comparison.notes[0]
    assert "> **Warning:** the two runs were judged by different policies" in (
        comparison_markdown(comparison).decode()
    )
    assert "different policies" in comparison_html(comparison).decode()
