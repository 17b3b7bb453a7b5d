"""Recent history, read before the run for the conditions that compare with it.

Every condition with a history term (`history.median(last=10)`, `anomaly(M, 30d)`,
`drift(M, 30d)`) names a window of one metric of its own check. Each such window is read
from the store once, before any check runs, so that judging stays a pure function of
what was collected and what was read. A window holds the runs of the baseline branch in
which the check's gate passed or warned (a failed run is no standard to hold a change
to), recorded no later than the run's own time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from qualitygates.history.interface import MetricSeries, TrendPoint
from qualitygates.policy.history_terms import HistoryTerm

if TYPE_CHECKING:
    from qualitygates.history.interface import HistoryStore
    from qualitygates.policy.model import Check, Condition, Gate

WindowKey = tuple[str, str, str, str]  # gate id, check id, metric, window as written


@dataclass(frozen=True)
class RecentRuns:
    """One window of one metric, as the store gave it (oldest first)."""

    branch: str
    points: tuple[TrendPoint, ...]


@dataclass(frozen=True)
class RecentHistory:
    """The windows a run's conditions read; `has_store` False: no history store was given."""

    windows: Mapping[WindowKey, RecentRuns]
    has_store: bool = True

    def for_check(self, gate: str, check: str) -> CheckHistory:
        return CheckHistory(self, gate, check)


@dataclass(frozen=True)
class CheckHistory:
    """The windows of one check's conditions."""

    history: RecentHistory
    gate: str
    check: str

    def window(self, metric: str, term: HistoryTerm) -> RecentRuns | None:
        """The window, or None when there is no store to read it from."""
        if not self.history.has_store:
            return None
        key = (self.gate, self.check, metric, term.window.text)
        return self.history.windows.get(key, RecentRuns("", ()))


NO_STORE = RecentHistory({}, has_store=False)


def history_term(condition: Condition) -> HistoryTerm | None:
    """The history term of a condition, on either side, or None."""
    return condition.expression.derived or condition.threshold.history


def read_recent(
    store: HistoryStore, gates: Iterable[Gate], branch: str, now: datetime
) -> RecentHistory:
    """Every window the gates' conditions read, each read once."""
    windows: dict[WindowKey, RecentRuns] = {}
    for gate in gates:
        for check in gate.checks:
            for condition, term in _terms(check):
                key = (gate.id, check.id, condition.metric, term.window.text)
                if key not in windows:
                    series = MetricSeries(gate.id, check.id, condition.metric)
                    windows[key] = RecentRuns(branch, _points(store, series, branch, term, now))
    return RecentHistory(windows)


def _terms(check: Check) -> Iterable[tuple[Condition, HistoryTerm]]:
    for condition in check.conditions:
        term = history_term(condition)
        if term is not None:
            yield condition, term


def _points(
    store: HistoryStore, series: MetricSeries, branch: str, term: HistoryTerm, now: datetime
) -> tuple[TrendPoint, ...]:
    window = term.window
    since = now - window.span if window.span is not None else None
    found = store.passing_values(series, branch, last=window.last, since=since, until=now)
    return tuple(found)


def uses_history(gates: Iterable[Gate]) -> bool:
    """Whether any condition of these gates reads recent history."""
    return any(True for gate in gates for check in gate.checks for _ in _terms(check))
