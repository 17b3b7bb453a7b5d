"""What the history report says about a period: its runs, each gate's pass rate, the
metrics that moved most and the conditions that failed most.

A metric's move compares the median of its values in the period's first week of runs
with the median in its last week: a week, not the first and last run, so that one odd
run moves nothing, and the ends of the period, not its halves, so that a change made
mid-month shows at full size. The weeks are counted from the period's first and last
recorded run (a report on the month so far compares its first week with the latest);
when the runs span less than two weeks, their first half is compared with their second.
A busy week is read as its first (or last) WINDOW_RUNS runs, so that the report takes
the same time however many runs a week holds.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from qualitygates.history.period import Period
from qualitygates.model import Unit

WINDOW = timedelta(days=7)
WINDOW_RUNS = 500  # runs a window's median is taken over at most: enough, and bounded
TOP = 10  # metrics and conditions shown


@dataclass(frozen=True)
class GatePassRate:
    """How often a gate passed (or warned) in the runs that judged it."""

    gate: str
    judged: int
    passed: int

    @property
    def rate(self) -> float:
        """Percent of the runs that judged the gate (each gate was judged at least once)."""
        return 100.0 * self.passed / self.judged


@dataclass(frozen=True)
class Windows:
    """The two stretches of time whose medians a metric's move compares."""

    first_start: datetime
    first_end: datetime  # excluded
    last_start: datetime
    last_end: datetime  # included: the period's last recorded run

    @property
    def halves(self) -> bool:
        """The runs spanned less than two weeks: the windows are their two halves."""
        return self.first_end - self.first_start < WINDOW


@dataclass(frozen=True)
class MetricMove:
    """One metric's median in the first window and in the last."""

    gate: str
    check: str
    metric: str
    unit: Unit
    before: float
    after: float

    @property
    def change(self) -> float:
        """The change in percent of `before`; infinite when it moved away from 0."""
        if self.before == 0:
            return math.copysign(math.inf, self.after)
        return 100.0 * (self.after - self.before) / abs(self.before)


@dataclass(frozen=True)
class FailingCondition:
    """A condition of a check and the number of the period's runs in which it failed."""

    gate: str
    check: str
    expr: str
    runs: int


@dataclass(frozen=True)
class PeriodReport:
    """Everything `history report` shows of one period."""

    period: Period
    branch: str | None
    statuses: Mapping[str, int]  # a run status -> runs with it, most first
    gates: tuple[GatePassRate, ...]  # in the order the policy lists them
    windows: Windows | None  # None: fewer than two distinct times, nothing can move
    moves: tuple[MetricMove, ...]  # the TOP that moved most, most first
    conditions: tuple[FailingCondition, ...]  # the TOP that failed in most runs

    @property
    def runs(self) -> int:
        return sum(self.statuses.values())


def windows_between(first: datetime, last: datetime) -> Windows | None:
    """The first and last week of the runs recorded from `first` to `last`, or their
    halves when they span less than two weeks; None when they all share one time."""
    if last <= first:
        return None
    width = min(WINDOW, (last - first) / 2)
    return Windows(first, first + width, last - width, last)


Series = tuple[str, str, str, str]  # gate, check, metric, unit


def top_moves(
    first: Mapping[Series, list[float]], last: Mapping[Series, list[float]]
) -> tuple[MetricMove, ...]:
    """The TOP series whose median moved most from the `first` window's values to the
    `last` one's, by the absolute change in percent."""
    moves = []
    for series, early in first.items():
        before, after = _median(early), _median(last.get(series, []))
        if before is not None and after is not None and after != before:
            gate, check, metric, unit = series
            moves.append(MetricMove(gate, check, metric, Unit(unit), before, after))
    moves.sort(key=lambda m: (-abs(m.change), m.gate, m.check, m.metric))
    return tuple(moves[:TOP])


def _median(values: list[float]) -> float | None:
    finite = [v for v in values if math.isfinite(v)]
    return statistics.median(finite) if finite else None
