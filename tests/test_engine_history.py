"""Judging one condition against a window of recent history, without a store: the
statistics' edge cases, each failing closed."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from qualitygates.engine.history_judge import judge_against_history
from qualitygates.engine.recent import RecentRuns
from qualitygates.history.interface import TrendPoint
from qualitygates.model import Measurement, Status, Unit
from qualitygates.policy.expressions import parse_expression
from qualitygates.policy.model import Condition, OnFail

NOW = datetime(2026, 11, 30, 12, tzinfo=timezone.utc)


def judge(expr: str, value: float, values: list[float], unit: Unit = Unit.MILLISECONDS,
          hours: float = 24, on_no_baseline: OnFail = OnFail.WARN):  # fmt: skip
    condition = Condition(parse_expression(expr), on_no_baseline=on_no_baseline)
    term = condition.expression.derived or condition.threshold.history
    assert term is not None
    start = NOW - timedelta(hours=hours * len(values))
    points = tuple(
        TrendPoint(i, start + timedelta(hours=hours * i), v, unit, None)
        for i, v in enumerate(values)
    )
    return judge_against_history(condition, term, Measurement(value, Unit.MILLISECONDS),
                                 RecentRuns("main", points), NOW)  # fmt: skip


def test_a_long_window_is_thinned_for_theil_sen_and_still_reads_the_creep() -> None:
    """Ten thousand runs, ten an hour over 41 days: Theil-Sen would weigh 50 million pairs;
    1,000 spread over the window read the same slope: 2.4 ms a day, times 60 days, over
    the median of 150 ms, is 96 %."""
    values = [100 + 0.01 * i for i in range(10_000)]
    judged = judge("drift(p95, 60d) < 5%", values[-1] + 0.01, values, hours=0.1)
    assert judged.status is Status.FAILED
    assert judged.history is not None and judged.history.runs == 10_000
    assert (
        "10000 passing runs of main from 2026-10-19 to 2026-11-30 (weighing 999 of them) and "
        "this one" in judged.message
    )
    assert judged.actual == pytest.approx(96, abs=0.1)


def test_a_value_that_is_no_number_is_an_error_not_a_pass() -> None:
    judged = judge("p95 <= history.median(last=3) * 1.1", float("nan"), [1.0, 2.0, 3.0])
    assert judged.status is Status.ERROR and "p95 is nan" in judged.message


def test_recorded_values_in_another_unit_cannot_be_compared() -> None:
    judged = judge("p95 <= history.max(last=3)", 1.0, [1.0, 2.0, 3.0], unit=Unit.SECONDS)
    assert judged.status is Status.ERROR
    assert "p95 is in ms now, but its recorded values are in s" in judged.message


@pytest.mark.parametrize(
    ("recorded", "shown"),
    [
        (float("inf"), "inf, not a finite number"),
        (float("nan"), "NaN, not a number"),
        (-5.0, "-5 ms, outside 0 ms or more"),
        ("NaN", "'NaN', not a number"),
    ],
)
def test_a_recorded_value_that_cannot_be_is_an_error_not_a_smaller_window(
    recorded: float | str, shown: str
) -> None:
    """Left out, it made a window of 3 into 2 (a warning, exit 0) where the run failed."""
    judged = judge("p95 <= history.max(last=3)", 100.0, [1.0, recorded, 2.0])  # type: ignore[list-item]
    assert judged.status is Status.ERROR
    assert judged.message == (
        f"p95 of run #1 in the history store is {shown}: the store is damaged, so its window "
        "cannot be judged"
    )


def test_a_flat_window_makes_any_other_value_an_infinite_anomaly() -> None:
    judged = judge("anomaly(p95, last=3) < 3.5", 5.0, [4.0, 4.0, 4.0],
                   on_no_baseline=OnFail.FAIL)  # fmt: skip
    assert judged.status is Status.FAILED
    assert judged.actual is None and judged.history is not None
    assert judged.history.value == float("inf")
    same = judge("anomaly(p95, last=3) < 3.5", 4.0, [4.0, 4.0, 4.0])
    assert same.status is Status.PASSED and same.actual == 0


def test_no_store_follows_on_no_baseline() -> None:
    condition = Condition(parse_expression("anomaly(p95, 7d) < 3"), on_no_baseline=OnFail.FAIL)
    term = condition.expression.derived
    assert term is not None
    judged = judge_against_history(condition, term, Measurement(1.0, Unit.MILLISECONDS), None, NOW)
    assert judged.status is Status.FAILED
    assert judged.message == (
        "p95: no history store to read anomaly over 7d from (on_no_baseline: fail)"
    )


def test_a_limit_that_overflows_is_an_error_not_a_pass() -> None:
    judged = judge("p95 <= history.median(last=3) * 1e308", 200.0, [150.0, 160.0, 170.0])
    assert judged.status is Status.ERROR
    assert judged.message == (
        "'p95 <= history.median(last=3) * 1e308' overflows: its limit is no finite number"
    )


def test_the_spread_said_is_the_spread_used() -> None:
    """MAD 0 (most runs equal): the z-score divides by 1.2533 x the mean absolute deviation,
    and the message says that spread, not 0."""
    judged = judge("anomaly(p95, last=5) < 3.5", 4.0, [1.0, 1.0, 1.0, 2.0, 3.0])
    assert "against a median of 1ms and a spread of 0.752ms" in judged.message  # 1.2533 x 0.6
    assert judged.actual == pytest.approx(3 / (1.2533 * 0.6))
