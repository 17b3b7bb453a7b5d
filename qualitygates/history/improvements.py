"""Improvements: what a change promised, and what the recorded runs say it delivered.

An improvement (an entry of `improvements.yaml`, loaded by `qualitygates.policy.improvements`)
names one metric whose median should move by a signed percent, guardrails (other metrics
that must stay within a limit), and the days its work began and ended. It is judged on
groups of runs, never on one: the runs of its branch in the `window` before the start day
against those in the `window` after the end day (runs during the work, end day included,
count for neither: the change was landing). Each metric's medians, spreads (MAD) and the
Mann-Whitney U test come from `stats.shift`.

- The metric's target is met when the median moved at least `expected` in its direction
  and the shift is significant (p < 0.05); a guardrail's when its change is within its limit.
- **success**: every target met; **partial**: the metric moved significantly the expected
  way but a target was missed (short of `expected`, or a guardrail broken); **failure**:
  anything else.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from qualitygates.durations import format_duration
from qualitygates.formatting import format_number
from qualitygates.history.period import parse_period as history_period

ID_PATTERN = re.compile(r"IMP-\d{4}-\d{3,}")
DEFAULT_BRANCH = "main"
DEFAULT_WINDOW = timedelta(days=30)
LIMIT_OPERATORS: dict[str, Callable[[float, float], bool]] = {
    "<=": operator.le,
    ">=": operator.ge,
    "<": operator.lt,
    ">": operator.gt,
}


@dataclass(frozen=True)
class MetricRef:
    """A recorded metric as an improvement names it: check and name (gate when needed)."""

    name: str
    check: str | None = None
    gate: str | None = None

    def __str__(self) -> str:
        return ".".join(part for part in (self.gate, self.check, self.name) if part)


@dataclass(frozen=True)
class Limit:
    """How far a guardrail may move: `< +10%` allows any change of the median below +10 %."""

    operator: str  # one of LIMIT_OPERATORS
    percent: float

    def allows(self, change_percent: float) -> bool:
        return LIMIT_OPERATORS[self.operator](change_percent, self.percent)

    def __str__(self) -> str:
        return f"{self.operator} {signed_percent(self.percent)}"


@dataclass(frozen=True)
class Guardrail:
    metric: MetricRef
    limit: Limit


@dataclass(frozen=True)
class Improvement:
    """One entry of the registry, as written (checked by the loader)."""

    id: str
    title: str
    owner: str
    metric: MetricRef
    expected: float  # the promised change of the median, a signed percent (never 0)
    start: date  # the first day of the work: "before" ends when it begins
    end: date  # the last day of the work: "after" begins the day after
    guardrails: tuple[Guardrail, ...] = ()
    branch: str = DEFAULT_BRANCH
    window: timedelta = DEFAULT_WINDOW

    @property
    def before_span(self) -> tuple[datetime, datetime]:
        """The runs before the work: from `window` before the start day to that day."""
        begins = midnight(self.start)
        return begins - self.window, begins

    @property
    def after_span(self) -> tuple[datetime, datetime]:
        """The runs after the work: from the day after the end day, for `window`."""
        begins = midnight(self.end + timedelta(days=1))
        return begins, begins + self.window

    @property
    def details(self) -> str:
        """Who, when, and which runs: the line under its title in a report."""
        window = format_duration(self.window)
        return (
            f"owner {self.owner} · work from {self.start.isoformat()} to {self.end.isoformat()} · "
            f"runs of {self.branch} in the {window} before and after"
        )

    def state(self, now: datetime) -> str:
        """planned, in progress, or ended (once its end day is over)."""
        if now < midnight(self.start):
            return "planned"
        return "ended" if now >= self.after_span[0] else "in progress"


def midnight(day: date) -> datetime:
    """The first instant of `day`, UTC: a day in the registry is a UTC day."""
    return datetime.combine(day, time(), tzinfo=timezone.utc)


def signed_percent(value: float) -> str:
    """-30 -> `-30%`, 5.5 -> `+5.5%`, inf -> `+inf%` (a change from 0)."""
    if math.isinf(value):
        return f"{'+' if value > 0 else '-'}inf%"
    return f"{'+' if value > 0 else ''}{format_number(value, 1)}%"


@dataclass(frozen=True)
class Period:
    """A year, a quarter or a month, as `improvement report --period` names it."""

    label: str  # as given: 2026, 2026-Q4, 2026-11
    first: date
    last: date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.first <= day <= self.last


def parse_period(text: str) -> Period:
    """`2026` (a year), `2026-Q4` (a quarter) or `2026-11` (a month), read as the history
    report reads it, as the days it holds; ValueError otherwise."""
    period = history_period(text)
    return Period(period.label, period.start.date(), (period.end - timedelta(days=1)).date())
