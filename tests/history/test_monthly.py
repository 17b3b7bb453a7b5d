"""The history report's numbers for a period, on SQLite and on PostgreSQL."""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone

import pytest

from qualitygates.history import HistoryStore, RunContext
from qualitygates.history.monthly import MetricMove, Windows
from qualitygates.history.period import parse_period
from qualitygates.model import GateResult, Status, Unit
from tests.history.builders import check, gate, junit_check, result

NOV = parse_period("2026-11")
DAY1 = datetime(2026, 11, 1, tzinfo=timezone.utc)


def record(store: HistoryStore, day: float, *gates: GateResult, branch: str = "main") -> None:
    when = DAY1 + timedelta(days=day)
    store.record(result(*gates), RunContext(commit="c1", branch=branch, recorded_at=when))


def measured(**values: float) -> GateResult:
    """A `perf` gate whose `k6` check measured these milliseconds."""
    return gate("perf", check("k6", {k: (v, Unit.MILLISECONDS) for k, v in values.items()}))


def test_runs_are_counted_by_status_within_the_period_only(store: HistoryStore) -> None:
    record(store, -0.001, measured(p95=1))  # October
    record(store, 0, measured(p95=1))
    record(store, 3, gate("tests", junit_check(["api::test_login"])))
    record(store, 4, gate("tests", junit_check(error="unreadable")))
    record(store, 5, gate("tests", junit_check(["api::test_login"])))
    record(store, 30, measured(p95=1))  # December 1st, 00:00: the next period
    report = store.period_report(NOV)
    assert report.runs == 4
    assert dict(report.statuses) == {"failed": 2, "error": 1, "passed": 1}
    assert list(report.statuses) == ["failed", "error", "passed"]  # most first


def test_a_gate_s_pass_rate_counts_warned_as_passed_and_skipped_as_not_judged(
    store: HistoryStore,
) -> None:
    tests = gate("tests", junit_check())
    for day, status in enumerate((Status.PASSED, Status.WARNED, Status.FAILED, Status.SKIPPED)):
        record(store, day, gate("tests", junit_check(), status=status), measured(p95=1))
    record(store, 5, tests, branch="dev")
    rates = store.period_report(NOV, branch="main").gates
    assert [(g.gate, g.judged, g.passed) for g in rates] == [("tests", 3, 2), ("perf", 4, 4)]
    assert rates[0].rate == pytest.approx(200 / 3)


def test_metrics_moved_most_compare_the_first_week_with_the_last(store: HistoryStore) -> None:
    for day, (p95, p99, avg) in enumerate([(100, 0, 50), (120, 0, 50), (110, 0, 50)]):
        record(store, day, measured(p95=p95, p99=p99, avg=avg))
    record(store, 12, measured(p95=500, p99=500, avg=500))  # in neither week
    for day, (p95, p99, avg) in zip((22, 23), [(200, 5, 50), (220, 5, 50)], strict=True):
        record(store, day, measured(p95=p95, p99=p99, avg=avg))
    report = store.period_report(NOV)
    assert report.windows == Windows(DAY1, DAY1 + timedelta(days=7), DAY1 + timedelta(days=16),
                                     DAY1 + timedelta(days=23))  # fmt: skip
    assert not report.windows.halves
    p99, p95 = report.moves  # avg did not move; p99 moved away from 0: first
    assert p99 == MetricMove("perf", "k6", "p99", Unit.MILLISECONDS, 0, 5)
    assert math.isinf(p99.change)
    assert (p95.before, p95.after) == (110, 210)
    assert p95.change == pytest.approx(100 * 100 / 110)


def test_runs_spanning_less_than_two_weeks_are_compared_by_halves(store: HistoryStore) -> None:
    for day, p95 in ((0, 100), (1, 100), (2, 90), (4, 80)):
        record(store, day, measured(p95=p95))
    report = store.period_report(NOV)
    assert report.windows is not None and report.windows.halves
    assert report.windows.last_start == DAY1 + timedelta(days=2)
    (p95,) = report.moves
    assert (p95.before, p95.after, p95.change) == (100, 85, -15)


def test_at_most_ten_metrics_are_shown(store: HistoryStore) -> None:
    record(store, 0, measured(**{f"m{i:02d}": 100 for i in range(12)}))
    record(store, 20, measured(**{f"m{i:02d}": 100 + i for i in range(12)}))
    moves = store.period_report(NOV).moves
    assert [m.metric for m in moves] == [f"m{i:02d}" for i in range(11, 1, -1)]


def test_the_conditions_that_failed_in_most_runs_come_first(store: HistoryStore) -> None:
    record(store, 0, gate("tests", junit_check(["a"]), junit_check(["b"], check_id="it")))
    record(store, 1, gate("tests", junit_check(["a"]), junit_check(check_id="it")))
    record(store, 2, gate("tests", junit_check(["a"])))
    record(store, 3, gate("tests", junit_check(["a"])), branch="dev")
    conditions = store.period_report(NOV, branch="main").conditions
    assert [(c.gate, c.check, c.expr, c.runs) for c in conditions] == [
        ("tests", "unit", "failures == 0", 3),
        ("tests", "it", "failures == 0", 1),
    ]


def test_an_empty_period_has_nothing_to_report(store: HistoryStore) -> None:
    record(store, 40, measured(p95=1))
    report = store.period_report(NOV)
    assert (report.runs, report.gates, report.windows, report.moves, report.conditions) == (
        0,
        (),
        None,
        (),
        (),
    )
