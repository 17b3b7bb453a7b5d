"""The verdict rules, as pure functions: a condition, a check, a gate, a run.

These are the documented verdict rules and nothing else: worst-of (`error` > `failed` >
`warned` > `passed`), `on_fail: warn`, `on_error: warn` and `blocking: false`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from qualitygates.domains import as_utc
from qualitygates.durations import format_duration
from qualitygates.formatting import format_value, honest_pair
from qualitygates.model import CheckResult, ConditionResult, GateResult, Measurement, Status, Unit
from qualitygates.policy.expressions import ExpressionError, compare, convert
from qualitygates.policy.model import Check, Condition, OnFail


def judge_condition(
    condition: Condition,
    metrics: Mapping[str, Measurement],
    available: Sequence[str] = (),
    baseline: Mapping[str, Measurement] | None = None,
    unavailable: Mapping[str, str] | None = None,
) -> ConditionResult:
    """Compare one metric with its threshold; an absent metric is an error, never a pass."""
    if condition.metric.startswith("new.") and baseline is None and condition.metric not in metrics:
        return no_baseline(condition, None)
    measurement = measured(condition, metrics, available, unavailable)
    if isinstance(measurement, ConditionResult):
        return measurement
    if condition.threshold.baseline:
        return _judge_against_baseline(condition, measurement, baseline)
    try:
        threshold = _threshold_value(condition, measurement)
    except ExpressionError as exc:
        return error(condition, str(exc), measurement)
    return verdict(condition, measurement, threshold)


def measured(
    condition: Condition,
    metrics: Mapping[str, Measurement],
    available: Sequence[str],
    unavailable: Mapping[str, str] | None,
) -> Measurement | ConditionResult:
    """The condition's metric, or the error that it is not there (with the source's reason)."""
    measurement = metrics.get(condition.metric)
    if measurement is not None:
        return measurement
    reason = (unavailable or {}).get(condition.metric)
    if reason:
        return error(condition, f"{condition.metric}: {reason}")
    return error(condition, _absent_message(condition.metric, available))


def _threshold_value(condition: Condition, measurement: Measurement) -> float | str:
    threshold = condition.threshold
    if threshold.word is not None:
        if measurement.unit is not Unit.TEXT:
            raise ExpressionError(
                f"{condition.metric} is a number; it cannot be compared with {threshold.word!r}"
            )
        return threshold.word
    if measurement.unit is Unit.TEXT:
        raise ExpressionError(
            f"{condition.metric} is {measurement.value!r}, a word; compare it with a word"
        )
    assert threshold.number is not None
    # A bare number is in the tool's own unit, except on a ratio: 5 there would be 500 %.
    if (
        threshold.unit is None
        and not condition.unit_declared
        and measurement.unit is not Unit.RATIO
    ):
        return float(threshold.number)
    return convert(threshold.number, threshold.unit, measurement.unit, condition.metric)


def verdict(
    condition: Condition,
    measurement: Measurement,
    threshold: float | str,
    note: str = "",
    name: str | None = None,
) -> ConditionResult:
    """`actual OP threshold` judged and said; `name` is what the message calls the value
    (default: the metric)."""
    actual, name = measurement.value, name or condition.metric
    if isinstance(actual, float) and actual != actual:
        return error(
            condition, f"{condition.metric} is NaN: the source has no usable value", measurement
        )
    op = condition.expression.operator
    holds = compare(actual, op, threshold)
    shown_actual, shown_threshold = _shown(actual, threshold, measurement.unit)
    if holds:
        status, message = (Status.PASSED, f"{name} {shown_actual} is {op} {shown_threshold}{note}")
    else:
        status = Status.WARNED if condition.on_fail is OnFail.WARN else Status.FAILED
        message = f"{name} {shown_actual} is not {op} {shown_threshold}{note}"
    return ConditionResult(
        expr=condition.expr,
        metric=condition.metric,
        status=status,
        message=message,
        actual=actual,
        threshold=threshold,
        unit=measurement.unit,
        operator=op,
    )


def _shown(actual: float | str, threshold: float | str, unit: Unit) -> tuple[str, str]:
    if isinstance(actual, float) and isinstance(threshold, float):
        return honest_pair(actual, threshold, unit)
    return format_value(actual, unit), format_value(threshold, unit)


def _judge_against_baseline(
    condition: Condition, measurement: Measurement, baseline: Mapping[str, Measurement] | None
) -> ConditionResult:
    before = (baseline or {}).get(condition.metric)
    if before is None or isinstance(before.value, str) or isinstance(measurement.value, str):
        return no_baseline(condition, measurement)
    base = before.value
    try:
        limit = offset_limit(condition, base, measurement)
    except ExpressionError as exc:
        return error(condition, str(exc), measurement)
    note = f" (baseline {format_value(base, measurement.unit)})"
    return verdict(condition, measurement, limit, note)


def offset_limit(condition: Condition, base: float, measurement: Measurement) -> float:
    """The limit of a relative threshold: the baseline's or a statistic's value, then `* F`,
    `+ X` or `- X` (X converted to the metric's unit); ExpressionError when X's unit cannot
    apply to the metric."""
    threshold = condition.threshold
    if threshold.baseline_op == "*":
        limit = base * float(threshold.number or 1)
    elif threshold.baseline_op in ("+", "-"):
        delta = convert(threshold.number or "0", threshold.unit, measurement.unit, condition.metric)
        limit = base + delta if threshold.baseline_op == "+" else base - delta
    else:
        limit = base
    if not math.isfinite(limit):  # `* 1e308` over a large value: any value would pass
        raise ExpressionError(f"{condition.expr!r} overflows: its limit is no finite number")
    return limit


def no_baseline(
    condition: Condition, measurement: Measurement | None, why: str = "no baseline to compare with"
) -> ConditionResult:
    """No baseline value: said visibly, and warned or failed as `on_no_baseline` says."""
    policy = condition.on_no_baseline.value
    message = f"{condition.metric}: {why} (on_no_baseline: {policy})"
    status = Status.WARNED if condition.on_no_baseline is OnFail.WARN else Status.FAILED
    return ConditionResult(
        condition.expr, condition.metric, status, message,
        measurement.value if measurement else None, None,
        measurement.unit if measurement else None, condition.expression.operator,
    )  # fmt: skip


def _absent_message(metric: str, available: Sequence[str]) -> str:
    if available:
        shown = ", ".join(sorted(available)[:12]) + (" …" if len(available) > 12 else "")
        return f"{metric} is not in the source; it has: {shown}"
    return f"{metric} is not in the source"


def error(
    condition: Condition, message: str, measurement: Measurement | None = None
) -> ConditionResult:
    return ConditionResult(
        expr=condition.expr,
        metric=condition.metric,
        status=Status.ERROR,
        message=message,
        actual=measurement.value if measurement else None,
        unit=measurement.unit if measurement else None,
        operator=condition.expression.operator,
    )


def judge_provenance(
    check: Check, timestamp: datetime | None, revision: str | None, now: datetime
) -> tuple[ConditionResult, ...]:
    """The check's `max_age` and `commit` requirements on the report itself.

    A stale report, or one made for another commit, fails with both values shown; a
    report that does not say when or for which commit it was made cannot prove either,
    which is an error, never a pass.
    """
    results = []
    if check.max_age is not None:
        results.append(_judge_age(check.max_age, timestamp, now))
    if check.commit is not None:
        results.append(_judge_commit(check.commit, revision))
    return tuple(results)


def _judge_age(max_age: timedelta, timestamp: datetime | None, now: datetime) -> ConditionResult:
    expr = f"report age <= {format_duration(max_age)}"
    if timestamp is None:
        message = "the report does not say when it was made, so its age cannot be checked"
        return ConditionResult(expr, "report.age", Status.ERROR, message, operator="<=")
    age = as_utc(now) - as_utc(timestamp)
    made = timestamp.isoformat(timespec="seconds")
    if age > max_age:
        message = f"the report was made {format_duration(age)} ago ({made}), more than {format_duration(max_age)}"
        status = Status.FAILED
    elif age.total_seconds() < 0:  # the engine refused a later time (domains.CLOCK_SKEW)
        message = f"the report was made at {made}, {format_duration(age)} after now: within the clock skew allowed"
        status = Status.PASSED
    else:
        message = f"the report was made {format_duration(age)} ago ({made})"
        status = Status.PASSED
    hours = age.total_seconds() / 3600
    return ConditionResult(
        expr,
        "report.age",
        status,
        message,
        round(hours, 6),
        max_age.total_seconds() / 3600,
        Unit.NUMBER,
        "<=",
    )


def _judge_commit(expected: str, revision: str | None) -> ConditionResult:
    expr = f"report commit == {expected[:12]}"
    if not revision:
        message = "the report does not say which commit it describes, so it cannot be matched"
        return ConditionResult(expr, "report.commit", Status.ERROR, message, operator="==")
    same = revision.startswith(expected) or expected.startswith(revision)
    if same:
        return ConditionResult(
            expr,
            "report.commit",
            Status.PASSED,
            f"the report describes {revision[:12]}",
            revision,
            expected,
            Unit.TEXT,
            "==",
        )
    message = f"the report describes commit {revision[:12]}, not {expected[:12]}: it comes from another build"
    return ConditionResult(
        expr, "report.commit", Status.FAILED, message, revision, expected, Unit.TEXT, "=="
    )


def check_status(
    conditions: Sequence[ConditionResult], error: str | None, on_error: OnFail
) -> Status:
    """The worst of the conditions; an error becomes `warned` when the check says `on_error: warn`."""
    status = Status.ERROR if error else Status.worst([c.status for c in conditions])
    if status is Status.ERROR and on_error is OnFail.WARN:
        return Status.WARNED
    return status


def gate_status(checks: Sequence[CheckResult], blocking: bool) -> Status:
    """The worst of the blocking checks; failures of non-blocking ones only warn."""
    statuses = [c.status if c.blocking else _soften(c.status) for c in checks]
    worst = Status.worst(statuses)
    return worst if blocking else _soften(worst)


def run_status(gates: Sequence[GateResult]) -> Status:
    """`failed` if a blocking check failed on real values (1 wins over 3), else `error`
    if a blocking check could not be evaluated, else `passed`."""
    blocking = [c for g in gates if g.blocking for c in g.checks if c.blocking]
    if any(_failed_on_values(c) for c in blocking):
        return Status.FAILED
    if any(c.status is Status.ERROR for c in blocking):
        return Status.ERROR
    return Status.PASSED


def _failed_on_values(check: CheckResult) -> bool:
    return check.status is Status.FAILED or (
        check.status is Status.ERROR and any(c.status is Status.FAILED for c in check.conditions)
    )


def _soften(status: Status) -> Status:
    return Status.WARNED if status in (Status.FAILED, Status.ERROR) else status
