"""What a history store is: the records it returns, its operations and its one exception.

A store keeps every recorded run: the whole result (`qualitygates/result/v2` JSON, or v1
for runs an earlier version recorded; secrets already redacted), its context (commit,
branch, CI provider and run URL, policy digest, time), and, in tables of their own so that
queries stay fast, every metric, every gate's status and every finding's fingerprint.
Nothing here imports a database library.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeAlias

from qualitygates.errors import HistoryError as HistoryError  # noqa: PLC0414 (re-exported)
from qualitygates.model import MetricValue, RunResult, Status, Unit

if TYPE_CHECKING:
    from qualitygates.history.context import RunContext
    from qualitygates.history.monthly import PeriodReport
    from qualitygates.history.period import Period

#: The most runs one window of `passing_values` reads (the newest, when a duration holds more).
MAX_WINDOW_RUNS = 10_000

Redactor = Callable[[str], str]
"""Takes a text, returns it with every secret value replaced (e.g. `reports.write.redact`)."""

Recordable: TypeAlias = RunResult | Mapping[str, Any] | str
"""A result as `record` takes it: a RunResult, its `result_to_dict` form, or that as JSON."""


@dataclass(frozen=True)
class RunSummary:
    """One recorded run, as `qualitygates history` lists it (newest first)."""

    run_id: int
    recorded_at: datetime
    status: Status
    exit_code: int
    commit: str | None
    branch: str | None
    ci_provider: str | None
    run_url: str | None
    policy_digest: str | None
    duration: float
    version: str
    gates: Mapping[str, Status] = field(default_factory=dict)  # gate id -> status, policy order


@dataclass(frozen=True)
class MetricSeries:
    """The check a metric belongs to: what `trend METRIC` resolved the name to."""

    gate: str
    check: str
    metric: str

    def __str__(self) -> str:
        return f"{self.gate}.{self.check}.{self.metric}"


@dataclass(frozen=True)
class RunFilter:
    """Which recorded runs `runs` and `trend` read, checked before the store is asked."""

    branch: str | None
    since: datetime | None
    limit: int  # at least 1
    gate: str | None = None  # only runs that judged this gate
    status: str | None = None  # a Status value: that gate's status with `gate`, else the run's
    until: datetime | None = None  # only runs recorded at or before then


@dataclass(frozen=True)
class TrendPoint:
    """One value of a metric in one recorded run."""

    run_id: int
    recorded_at: datetime
    value: MetricValue
    unit: Unit
    commit: str | None


@dataclass(frozen=True)
class FlakyTest:
    """A test that both passed and failed on the same commit (`HistoryStore.flaky_tests`)."""

    gate: str
    check: str
    test: str  # the failed-test finding's id
    failed: int  # runs in which it failed (on the commits where it is flaky)
    passed: int  # runs on those commits that judged its check without error and did not fail it
    commits: int  # commits on which it both passed and failed
    last_failed: datetime


@dataclass(frozen=True)
class FlakyFilter:
    """Which runs, gates and checks `flaky_tests` reads."""

    since: datetime | None = None
    until: datetime | None = None
    branch: str | None = None
    gate: str | None = None
    check: str | None = None


class HistoryStore(abc.ABC):
    """A place where runs are recorded and read back; use it as a context manager.

    `runs` and `trend` check their arguments here, once for every backend; a backend
    implements the abstract methods (`_runs` and `_trend` take the checked filter).
    """

    #: "sqlite" or "postgresql"
    backend: str
    #: where the store is, printable: its path, or its URL with the password hidden
    location: str

    @abc.abstractmethod
    def record(
        self, result: Recordable, context: RunContext, redact: Redactor | None = None
    ) -> int:
        """Record one run in a single transaction and return its id.

        `result` is a RunResult, its `result_to_dict` form, or that form as JSON text
        (already redacted by the caller); `redact` is applied to every string of it
        before anything is written.
        """

    def runs(
        self,
        branch: str | None = None,
        gate: str | None = None,
        status: Status | str | None = None,
        since: datetime | None = None,
        limit: int = 50,
    ) -> list[RunSummary]:
        """The latest runs, newest first.

        With `gate`, only runs that judged that gate, and `status` is that gate's status;
        without it, `status` is the run's.
        """
        return self._runs(RunFilter(branch, since, _limit(limit), gate, _status(status)))

    @abc.abstractmethod
    def _runs(self, wanted: RunFilter) -> list[RunSummary]:
        """The runs `wanted` selects, newest first, with their gates' statuses."""

    @abc.abstractmethod
    def get(self, run_id: int) -> RunResult:
        """The whole result of one run; HistoryError when there is no such run."""

    @abc.abstractmethod
    def summary(self, run_id: int) -> RunSummary:
        """The context and statuses of one run; HistoryError when there is no such run."""

    @abc.abstractmethod
    def resolve_metric(
        self, metric: str, gate: str | None = None, check: str | None = None
    ) -> MetricSeries:
        """Which recorded metric a name means: `gate.check.metric`, or `metric` when unique.

        HistoryError names the candidates when the name is ambiguous or unknown.
        """

    def trend(
        self,
        metric: str,
        gate: str | None = None,
        check: str | None = None,
        branch: str | None = None,
        since: datetime | None = None,
        limit: int = 50,
        until: datetime | None = None,
    ) -> list[TrendPoint]:
        """The latest `limit` values of one metric, oldest first (see `resolve_metric`),
        recorded from `since` to `until` (both included) when given."""
        _limit(limit)  # refused before the store is asked
        series = self.resolve_metric(metric, gate, check)
        return self.values(series, branch, since, until, limit)

    def values(
        self,
        series: MetricSeries,
        branch: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 50,
    ) -> list[TrendPoint]:
        """`trend` of a series already named in full (by `resolve_metric`, or by a run that
        knows its own checks): no lookup of the name."""
        return self._trend(series, RunFilter(branch, since, _limit(limit), until=until))

    @abc.abstractmethod
    def _trend(self, series: MetricSeries, wanted: RunFilter) -> list[TrendPoint]:
        """The values of `series` in the latest runs `wanted` selects, oldest first."""

    def passing_values(
        self,
        series: MetricSeries,
        branch: str | None,
        last: int | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[TrendPoint]:
        """The values of `series` in the runs of `branch` whose gate of the series passed
        or warned, oldest first: the `last` such runs, or those recorded since `since`,
        in either case recorded no later than `until` (a run's own time, so that a run
        recorded with `--now` in the past sees only what came before it)."""
        limit = _limit(last) if last is not None else MAX_WINDOW_RUNS
        wanted = RunFilter(branch, since, limit, series.gate, None, until)
        return self._passing_values(series, wanted)

    @abc.abstractmethod
    def _passing_values(self, series: MetricSeries, wanted: RunFilter) -> list[TrendPoint]:
        """The values of `series` in the runs `wanted` selects whose gate passed or warned."""

    @abc.abstractmethod
    def last_passing(self, branch: str = "main", project: str | None = None) -> RunResult | None:
        """The latest run on `branch` whose status is passed or warned, if any.

        With `project`, the latest run that judged that project's gates (`NAME/GATE`) and
        passed or warned on every one of them, whatever the other projects did.
        """

    def flaky_tests(
        self,
        since: datetime | None = None,
        until: datetime | None = None,
        branch: str | None = None,
        gate: str | None = None,
        check: str | None = None,
    ) -> list[FlakyTest]:
        """Flaky tests among runs recorded in [since, until], most failures first.

        Passing tests are not recorded, so a pass is inferred: a run at the same commit
        judged the test's check without error and did not report the test failing. Waived
        failures count (the record is the record); runs without a commit never count.
        """
        return self._flaky_tests(FlakyFilter(since, until, branch, gate, check))

    @abc.abstractmethod
    def _flaky_tests(self, wanted: FlakyFilter) -> list[FlakyTest]:
        """The flaky tests among the runs, gates and checks `wanted` selects."""

    @abc.abstractmethod
    def failing_tests(
        self, commit: str, gate: str, check: str, until: datetime | None = None
    ) -> list[frozenset[str]]:
        """For each recorded run at `commit` that judged this check without error: the ids
        of the tests it failed (oldest run first; an empty set for a run that failed none)."""

    @abc.abstractmethod
    def period_report(self, period: Period, branch: str | None = None) -> PeriodReport:
        """What `history report` shows of the runs recorded in `period`."""

    @abc.abstractmethod
    def schema_version(self) -> int:
        """The version of the store's schema (the number of migrations applied)."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release the store's connections."""

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _status(status: Status | str | None) -> str | None:
    if status is None:
        return None
    try:
        return Status(status).value
    except ValueError:
        known = ", ".join(s.value for s in Status)
        raise HistoryError(f"unknown status {status!r} (one of: {known})") from None


def _limit(limit: int) -> int:
    if limit < 1:
        raise HistoryError(f"the number of runs to show must be at least 1, not {limit}")
    return limit
