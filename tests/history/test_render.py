"""The terminal views: sparkline, trend and run list."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from qualitygates.history import (
    MetricSeries,
    RunSummary,
    TrendPoint,
    format_runs,
    format_trend,
    sparkline,
)
from qualitygates.model import Status, Unit

T0 = datetime(2026, 1, 5, 10, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([1, 2, 3, 4, 5, 6, 7, 8], "▁▂▃▄▅▆▇█"),
        ([0, 100], "▁█"),
        ([10, 10, 10], "▄▄▄"),
        ([70.0, 75.5, 72.25, 80.0], "▁▅▃█"),
        ([1, None, "OK", float("nan"), 2], "▁   █"),
        (["OK", "ERROR"], "  "),
        ([], ""),
        ([-5, 0, 5], "▁▅█"),
    ],
)
def test_sparkline_scales_from_lowest_to_highest(
    values: list[float | str | None], expected: str
) -> None:
    assert sparkline(values) == expected


def _point(i: int, value: float | str, unit: Unit = Unit.PERCENT) -> TrendPoint:
    return TrendPoint(i + 1, T0 + timedelta(days=i), value, unit, f"{i:x}" * 40 if i else None)


def test_format_trend_shows_the_line_the_range_and_each_run() -> None:
    series = MetricSeries("quality", "coverage", "total")
    points = [_point(0, 70.0), _point(1, 75.5), _point(2, 72.25)]
    assert format_trend(series, points) == (
        "quality.coverage.total  ▁█▄  70% → 72.25% (min 70%, max 75.5%), 3 runs\n"
        "total rising 10.9 %/week, not significant (Theil-Sen +1.12 points a day, "
        "Mann-Kendall p = 1, 3 runs)\n"
        "  #1      2026-01-05 10:00  -           70%\n"
        "  #2      2026-01-06 10:00  1111111111  75.5%\n"
        "  #3      2026-01-07 10:00  2222222222  72.25%\n"
    )


def test_format_trend_reads_a_significant_fall_per_week() -> None:
    """8 runs falling 4 ms a day from 300 ms: 4 * 7 / 286 (the median) = 9.79 % a week,
    and Mann-Kendall's exact p for a perfect fall of 8 is 2 / 8! = 5e-05."""
    series = MetricSeries("perf", "load", "p95")
    points = [_point(i, 300.0 - 4 * i, Unit.MILLISECONDS) for i in range(8)]
    reading = format_trend(series, points).splitlines()[1]
    assert reading == (
        "p95 falling 9.79 %/week, significant (Theil-Sen -4ms a day, Mann-Kendall p = 5e-05, "
        "8 runs)"
    )


def test_format_trend_of_words_and_of_nothing() -> None:
    series = MetricSeries("quality", "sonar", "quality_gate")
    assert format_trend(series, [_point(0, "OK", Unit.TEXT)]) == (
        "quality.sonar.quality_gate     OK → OK, 1 run\n  #1      2026-01-05 10:00  -           OK\n"
    )
    assert format_trend(series, []) == "quality.sonar.quality_gate: no recorded value\n"


def test_format_runs_lists_newest_first_as_given() -> None:
    summary = RunSummary(
        run_id=12,
        recorded_at=T0,
        status=Status.FAILED,
        exit_code=1,
        commit="0123456789abcdef",
        branch="main",
        ci_provider="github",
        run_url="https://ci.example/runs/12",
        policy_digest="sha256:x",
        duration=1.0,
        version="0.1.0",
        gates={"quality": Status.FAILED, "security": Status.PASSED},
    )
    bare = RunSummary(3, T0, Status.PASSED, 0, None, None, None, None, None, 0.5, "0.1.0")
    assert format_runs([summary, bare]) == (
        "#12      2026-01-05 10:00  failed   main  0123456789  quality:failed security:passed"
        "  https://ci.example/runs/12\n"
        "#3       2026-01-05 10:00  passed   -  -\n"
    )
    assert format_runs([]) == "no recorded run matches\n"
