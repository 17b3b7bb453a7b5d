"""Judging a condition against recent history: an aggregate threshold, anomaly or drift.

A window with too few runs (or no history store at all) is not a pass: it is said, and
warned or failed as the condition's `on_no_baseline` says. The statistics are those of
`qualitygates.history.stats`; each result carries a `HistoryNote` (the statistic, its
value, the window and how many runs it held) that the reports show.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from statistics import fmean, median

from qualitygates.domains import value_fault
from qualitygates.engine.judge import error, no_baseline, offset_limit, verdict
from qualitygates.engine.recent import RecentRuns
from qualitygates.formatting import format_value
from qualitygates.history.stats import drift, robust_spread, robust_z
from qualitygates.model import ConditionResult, HistoryNote, Measurement, Unit
from qualitygates.policy.expressions import ExpressionError
from qualitygates.policy.history_terms import HistoryTerm
from qualitygates.policy.model import Condition

MAX_DRIFT_POINTS = 1_000  # runs a drift weighs, this one included (see _thinned)
AGGREGATE: dict[str, Callable[[list[float]], float]] = {
    "median": median,
    "mean": fmean,
    "min": min,
    "max": max,
}


def judge_against_history(
    condition: Condition,
    term: HistoryTerm,
    measurement: Measurement,
    recent: RecentRuns | None,
    now: datetime,
) -> ConditionResult:
    """The condition judged on this run's value and the window `recent` holds."""
    if isinstance(measurement.value, str):
        return error(condition, f"{condition.metric} is a word: history compares numbers")
    if not math.isfinite(measurement.value):
        message = f"{condition.metric} is {measurement.value}: the source has no usable value"
        return error(condition, message, measurement)
    if recent is None:
        why = f"no history store to read {_statistic(term)} over {term.window.text} from"
        return no_baseline(condition, measurement, why)
    damaged = _damaged(condition, recent)
    if damaged is not None:
        return error(condition, damaged, measurement)
    points = list(recent.points)
    units = {p.unit for p in points}
    if units - {measurement.unit}:
        shown = ", ".join(sorted(u.value for u in units))
        return error(
            condition,
            f"{condition.metric} is in {measurement.unit.value} now, but its recorded values "
            f"are in {shown}: the window cannot be compared",
            measurement,
        )
    if len(points) < term.minimum_runs:
        where = term.window.describe(recent.branch, len(points), recent.dates)
        why = f"{_statistic(term)} over {where}, fewer than the {term.minimum_runs} needed"
        return no_baseline(condition, measurement, why)
    values = [float(p.value) for p in points]
    if term.function == "anomaly":
        return _anomaly(condition, term, measurement, values, recent)
    if term.function == "drift":
        days = [(p.recorded_at - now).total_seconds() / 86400 for p in points]
        return _drift(condition, term, measurement, (days, values), recent)
    return _aggregate(condition, term, measurement, values, recent)


def _aggregate(
    condition: Condition,
    term: HistoryTerm,
    measurement: Measurement,
    values: list[float],
    recent: RecentRuns,
) -> ConditionResult:
    statistic = float(AGGREGATE[term.function](values))
    try:
        limit = offset_limit(condition, statistic, measurement)
    except ExpressionError as exc:
        return error(condition, str(exc), measurement)
    name = _statistic(term)
    shown = format_value(statistic, measurement.unit)
    note = (
        f" ({name} over {term.window.describe(recent.branch, len(values), recent.dates)}: {shown})"
    )
    judged = verdict(condition, measurement, limit, note)
    return _noted(judged, name, statistic, term, recent, len(values))


def _anomaly(
    condition: Condition,
    term: HistoryTerm,
    measurement: Measurement,
    values: list[float],
    recent: RecentRuns,
) -> ConditionResult:
    value = float(measurement.value)
    z = robust_z(value, values)
    unit = measurement.unit
    centre, spread = median(values), robust_spread(values)
    detail = (
        f"{format_value(value, unit)} against a median of {format_value(centre, unit)} "
        f"and a spread of {format_value(spread, unit)} over "
        f"{term.window.describe(recent.branch, len(values), recent.dates)}"
    )
    name = f"anomaly({condition.metric}, {term.window.text})"
    threshold = float(condition.threshold.number or 0)
    judged = verdict(condition, Measurement(z, Unit.NUMBER), threshold, f" ({detail})", name)
    if math.isinf(z):  # JSON has no infinity: the note keeps it, `actual` says nothing
        judged = replace(judged, actual=None)
    return _noted(judged, "anomaly", z, term, recent, len(values), detail)


def _drift(
    condition: Condition,
    term: HistoryTerm,
    measurement: Measurement,
    series: tuple[list[float], list[float]],
    recent: RecentRuns,
) -> ConditionResult:
    recorded = len(series[1])
    days, values = _thinned(series[0], series[1], MAX_DRIFT_POINTS - 1)
    thinned = f" (weighing {len(values)} of them)" if len(values) < recorded else ""
    days, values = [*days, 0.0], [*values, float(measurement.value)]
    span = term.window.span
    window_days = span.total_seconds() / 86400 if span is not None else -min(days)
    try:
        found = drift(days, values, window_days)
    except ValueError as exc:
        return no_baseline(condition, measurement, str(exc))
    weekly = found.percent_per_week
    reading = "significant" if found.significant else "not significant, so 0"
    detail = (
        f"Theil-Sen {weekly:+.3g} %/week, Mann-Kendall p = {found.p_value:.3g} ({reading}), "
        f"over {term.window.describe(recent.branch, recorded, recent.dates)}{thinned} and this one"
    )
    name = f"drift({condition.metric}, {term.window.text})"
    threshold = float(condition.threshold.number or 0)
    judged = verdict(condition, Measurement(found.percent, Unit.PERCENT), threshold, "", name)
    judged = replace(judged, message=f"{judged.message} ({detail})")
    if math.isinf(found.percent):
        judged = replace(judged, actual=None)
    return _noted(judged, "drift", found.percent, term, recent, recorded, detail)


def _noted(
    judged: ConditionResult,
    statistic: str,
    value: float,
    term: HistoryTerm,
    recent: RecentRuns,
    runs: int,
    detail: str = "",
) -> ConditionResult:
    note = HistoryNote(statistic, value, term.window.text, recent.branch, runs, detail)
    return replace(judged, history=note)


def _thinned(days: list[float], values: list[float], most: int) -> tuple[list[float], list[float]]:
    """At most `most` points spread evenly over the window, oldest and newest kept:
    Theil-Sen weighs every pair, so ten thousand runs would be fifty million slopes."""
    if len(values) <= most:
        return days, values
    step = (len(values) - 1) / (most - 1)
    picked = sorted({round(i * step) for i in range(most)})
    return [days[i] for i in picked], [values[i] for i in picked]


def _damaged(condition: Condition, recent: RecentRuns) -> str | None:
    """Why a recorded value of the window cannot be (not a number, NaN, a negative time):
    the store is damaged, and a window that left it out would judge on fewer runs than it
    says, or pass on none."""
    for point in recent.points:
        fault = value_fault(Measurement(point.value, point.unit), None)
        if point.unit is Unit.TEXT or fault is not None:
            shown = fault or f"{point.value!r:.60}, a word"
            return (
                f"{condition.metric} of run #{point.run_id} in the history store is {shown}: "
                "the store is damaged, so its window cannot be judged"
            )
    return None


def _statistic(term: HistoryTerm) -> str:
    """`history.median`, `anomaly` or `drift`: what the condition computes."""
    return term.function if term.function in ("anomaly", "drift") else f"history.{term.function}"
