"""Validating an improvement: its metric and guardrails before and after, and the conclusion.

See `qualitygates.history.improvements` for the rules; the statistics are `stats.shift`'s.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from qualitygates.compare import Conclusion
from qualitygates.formatting import format_value
from qualitygates.history.improvements import Guardrail, Improvement, MetricRef, signed_percent
from qualitygates.history.interface import HistoryError, HistoryStore, MetricSeries
from qualitygates.history.stats import Shift, shift
from qualitygates.model import Unit

MAX_RUNS = 1_000_000  # every run of a window: no window holds more


def p_text(p_value: float) -> str:
    # Three significant digits: 0.0496 must not read as 0.05, which is not significant.
    return f"p = {p_value:.3g}"


@dataclass(frozen=True)
class TargetResult:
    """One row of a validation: a metric before and after, its target, and the verdict."""

    metric: str  # the recorded series, gate.check.metric
    target: str  # as the registry means it: `-30%`, `< +10%`
    guardrail: bool
    unit: Unit
    shift: Shift
    runs: tuple[int, int]  # before, after
    met: bool
    missed: str = ""  # why the target was missed, when it was

    @property
    def change_percent(self) -> float:
        return self.shift.change * 100

    @property
    def before(self) -> str:
        return self._side(self.shift.before, self.shift.before_mad, self.runs[0])

    @property
    def after(self) -> str:
        return self._side(self.shift.after, self.shift.after_mad, self.runs[1])

    @property
    def change(self) -> str:
        return f"{signed_percent(self.change_percent)} ({p_text(self.shift.p_value)})"

    @property
    def verdict(self) -> str:
        return "met" if self.met else f"missed: {self.missed}"

    def _side(self, centre: float, spread: float, runs: int) -> str:
        shown = f"{format_value(centre, self.unit)} ± {format_value(spread, self.unit)}"
        return f"{shown} ({runs} run{'s' if runs != 1 else ''})"


@dataclass(frozen=True)
class Validation:
    """An improvement judged on its runs: the metric's row first, then each guardrail's."""

    improvement: Improvement
    rows: tuple[TargetResult, ...]
    open_until: datetime | None = None  # the after window is still open (runs to come)

    @property
    def notes(self) -> tuple[str, ...]:
        """What the reader must know before trusting the conclusion."""
        if self.open_until is None:
            return ()
        last_day = (self.open_until - _INSTANT).date().isoformat()
        return (f"the runs after the work are taken until {last_day}: more may change this",)

    @property
    def moved_as_expected(self) -> bool:
        """The metric moved significantly in the promised direction (however far)."""
        return _moved(self.rows[0].shift, self.improvement.expected)

    @property
    def conclusion(self) -> Conclusion:
        if all(row.met for row in self.rows):
            return Conclusion.SUCCESS
        return Conclusion.PARTIAL if self.moved_as_expected else Conclusion.FAILURE

    @property
    def reason(self) -> str:
        """The conclusion in one sentence."""
        met = sum(row.met for row in self.rows)
        if self.conclusion is Conclusion.SUCCESS:
            return f"every target met ({met}/{len(self.rows)})"
        metric = self.rows[0]
        if self.conclusion is Conclusion.FAILURE:
            return (
                f"{metric.metric} did not move significantly in the expected direction: "
                f"{signed_percent(metric.change_percent)}, {p_text(metric.shift.p_value)}, "
                f"expected {metric.target}"
            )
        missed = [f"it {metric.missed}"] if not metric.met else []
        missed += [f"{row.metric} {row.missed}" for row in self.rows[1:] if not row.met]
        return f"{metric.metric} moved as expected, but {'; '.join(missed)}"


@dataclass(frozen=True)
class Unevaluated:
    """An improvement that cannot be judged (yet), and the one sentence that says why."""

    improvement: Improvement
    reason: str
    rows: tuple[TargetResult, ...] = ()
    conclusion: Conclusion | None = None
    notes: tuple[str, ...] = ()


def validate(store: HistoryStore, improvement: Improvement, now: datetime) -> Validation:
    """Judge `improvement` on the runs recorded in `store` up to `now`.

    HistoryError, one sentence naming the improvement, when it cannot be judged: its work
    has not ended, a metric is unknown or not a number, or a window holds no run of it.
    """
    try:
        return _validate(store, improvement, now)
    except HistoryError as exc:
        raise HistoryError(f"{improvement.id} cannot be validated: {exc}") from None


def assess(
    store: HistoryStore, improvement: Improvement, now: datetime
) -> Validation | Unevaluated:
    """`validate`, or why it cannot be done: for lists that go on to the next improvement."""
    try:
        return _validate(store, improvement, now)
    except HistoryError as exc:
        return Unevaluated(improvement, str(exc))


def _validate(store: HistoryStore, improvement: Improvement, now: datetime) -> Validation:
    after_begins, after_ends = improvement.after_span
    if now < after_begins:
        raise HistoryError(
            f"its work ends on {improvement.end.isoformat()}, and the runs after that day "
            "are what it is judged on"
        )
    rows = [
        _metric_row(store, improvement, now),
        *(_guardrail_row(store, improvement, g, now) for g in improvement.guardrails),
    ]
    return Validation(improvement, tuple(rows), after_ends if now < after_ends else None)


@dataclass(frozen=True)
class _Sample:
    """One metric's values in the two windows."""

    series: str
    unit: Unit
    before: list[float]
    after: list[float]

    def row(self, target: str, guardrail: bool, missed: str, measured: Shift) -> TargetResult:
        runs = (len(self.before), len(self.after))
        return TargetResult(
            self.series, target, guardrail, self.unit, measured, runs, not missed, missed
        )


def _metric_row(store: HistoryStore, improvement: Improvement, now: datetime) -> TargetResult:
    sample = _sample(store, improvement, improvement.metric, now)
    measured = shift(sample.before, sample.after)
    expected, change = improvement.expected, measured.change * 100
    missed = ""
    if not _moved(measured, expected):
        missed = f"did not move significantly the expected way ({p_text(measured.p_value)})"
    elif (change > expected) if expected < 0 else (change < expected):
        missed = f"moved {signed_percent(change)}, short of the expected {signed_percent(expected)}"
    return sample.row(signed_percent(expected), False, missed, measured)


def _guardrail_row(
    store: HistoryStore, improvement: Improvement, guardrail: Guardrail, now: datetime
) -> TargetResult:
    sample = _sample(store, improvement, guardrail.metric, now)
    measured = shift(sample.before, sample.after)
    change = measured.change * 100
    missed = ""
    if not guardrail.limit.allows(change):
        missed = f"broke its limit ({signed_percent(change)}, allowed {guardrail.limit})"
    return sample.row(str(guardrail.limit), True, missed, measured)


def _sample(
    store: HistoryStore, improvement: Improvement, ref: MetricRef, now: datetime
) -> _Sample:
    series = store.resolve_metric(ref.name, gate=ref.gate, check=ref.check)
    after_begins, after_ends = improvement.after_span
    before, unit = _values(store, improvement, series, improvement.before_span, "before")
    until = min(after_ends, now + _INSTANT)  # nothing recorded after `now` (--now) is seen
    after, _ = _values(store, improvement, series, (after_begins, until), "after")
    return _Sample(str(series), unit, before, after)


def _values(
    store: HistoryStore,
    improvement: Improvement,
    series: MetricSeries,
    span: tuple[datetime, datetime],
    side: str,
) -> tuple[list[float], Unit]:
    """The numeric values of `series` recorded on the improvement's branch in [begins, ends)."""
    begins, ends = span
    points = store.values(
        series, improvement.branch, since=begins, until=ends - _INSTANT, limit=MAX_RUNS
    )
    values = [float(p.value) for p in points if _is_number(p.value)]
    if not points:
        last_day = (ends - _INSTANT).date().isoformat()
        raise HistoryError(
            f"no run of branch {improvement.branch} "
            f"recorded {series} {side} the work (from {begins.date().isoformat()} to {last_day})"
        )
    odd = next((p for p in points if not _is_number(p.value)), None)
    if odd is not None and values:  # a number series with a value no run writes: damaged
        raise HistoryError(
            f"{series} of run #{odd.run_id} is {odd.value!r:.40}, not a finite number: the "
            "history store is damaged"
        )
    if not values:
        raise HistoryError(f"{series} is not a number (it was {points[-1].value!r})")
    return values, points[-1].unit


_INSTANT = timedelta(microseconds=1)  # a window's end is not in it


def _moved(measured: Shift, expected: float) -> bool:
    """Significantly, in the direction of `expected` (a signed percent)."""
    return measured.significant and measured.change * expected > 0


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
