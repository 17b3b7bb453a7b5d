"""Recent history, read before the run for the conditions that compare with it.

Every condition with a history term (`history.median(last=10)`, `anomaly(M, 30d)`,
`drift(M, 30d)`) names a window of one metric of its own check. Each such window is read
from the store once, before any check runs, so that judging stays a pure function of
what was collected and what was read. A window holds the runs of the baseline branch in
which the check's gate passed or warned (a failed run is no standard to hold a change
to), recorded no later than the run's own time.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from qualitygates.history.interface import MetricSeries, TrendPoint
from qualitygates.policy.history_terms import HistoryTerm

if TYPE_CHECKING:
    from qualitygates.history.interface import HistoryStore
    from qualitygates.policy.model import Check, Condition, Gate

WindowKey = tuple[str, str, str, str]  # gate id, check id, metric, window as written
FLAKY_METRIC = "flaky_tests"
FLAKY_WINDOW = timedelta(days=30)  # how far back a test that flaked still counts


@dataclass(frozen=True)
class FlakyRecord:
    """What the record says of one check's tests: those found flaky in the last 30 days,
    and the tests each earlier run of this commit failed (to find flakiness this run adds)."""

    known: frozenset[str]
    same_commit: tuple[frozenset[str], ...]


@dataclass(frozen=True)
class RecentRuns:
    """One window of one metric, as the store gave it (oldest first)."""

    branch: str
    points: tuple[TrendPoint, ...]

    @property
    def dates(self) -> str:
        """` from 2026-10-02 to 2026-10-11`: how old the window is (a gate that failed
        since keeps its window at its last passing runs), or nothing when it is empty."""
        if not self.points:
            return ""
        first, last = (f"{p.recorded_at:%Y-%m-%d}" for p in (self.points[0], self.points[-1]))
        return f" on {first}" if first == last else f" from {first} to {last}"


@dataclass(frozen=True)
class RecentHistory:
    """The windows a run's conditions read; `has_store` False: no history store was given."""

    windows: Mapping[WindowKey, RecentRuns]
    has_store: bool = True
    flaky: Mapping[tuple[str, str], FlakyRecord] = field(default_factory=dict)

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

    def flaky(self) -> FlakyRecord | None:
        """The check's flaky-test record, or None when there is no store to read it from."""
        if not self.history.has_store:
            return None
        return self.history.flaky.get((self.gate, self.check), FlakyRecord(frozenset(), ()))


NO_STORE = RecentHistory({}, has_store=False)


def history_term(condition: Condition) -> HistoryTerm | None:
    """The history term of a condition, on either side, or None."""
    return condition.expression.derived or condition.threshold.history


def read_recent(
    store: HistoryStore,
    gates: Iterable[Gate],
    branch: str,
    now: datetime,
    commit_of: Callable[[], str | None] = lambda: None,
) -> RecentHistory:
    """Every window the gates' conditions read, each read once, and the flaky-test record
    of each check gated on `flaky_tests` (`commit_of` gives this run's commit)."""
    windows: dict[WindowKey, RecentRuns] = {}
    flaky: dict[tuple[str, str], FlakyRecord] = {}
    commit_of = functools.cache(commit_of)  # asked of git at most once, and only if needed
    for gate in gates:
        for check in gate.checks:
            for condition, term in _terms(check):
                key = (gate.id, check.id, condition.metric, term.window.text)
                if key not in windows:
                    series = MetricSeries(gate.id, check.id, condition.metric)
                    windows[key] = RecentRuns(branch, _points(store, series, branch, term, now))
            if _asks_flaky(check):
                flaky[(gate.id, check.id)] = _flaky(store, gate.id, check.id, now, commit_of())
    return RecentHistory(windows, flaky=flaky)


def _asks_flaky(check: Check) -> bool:
    return any(c.metric == FLAKY_METRIC for c in check.conditions)


def _flaky(
    store: HistoryStore, gate: str, check: str, now: datetime, commit: str | None
) -> FlakyRecord:
    found = store.flaky_tests(since=now - FLAKY_WINDOW, until=now, gate=gate, check=check)
    earlier = store.failing_tests(commit, gate, check, until=now) if commit else []
    return FlakyRecord(frozenset(t.test for t in found), tuple(earlier))


def _terms(check: Check) -> Iterator[tuple[Condition, HistoryTerm]]:
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
    """Whether any condition of these gates reads recent history (or flaky tests)."""
    checks = [check for gate in gates for check in gate.checks]
    return any(_asks_flaky(check) or next(_terms(check), None) for check in checks)
