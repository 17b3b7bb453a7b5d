"""The data model: what adapters measure and what the engine decides.

Everything here is a frozen dataclass or an enum. Adapters produce `Measurement`s and
`Finding`s; the engine turns them into `ConditionResult`, `CheckResult`, `GateResult` and
finally a `RunResult`, which reporters render without judging anything again.

`Finding`, its `FindingKind`, `Location` and `Severity` live in `qualitygates.finding` and
are re-exported here. Severity is one scale for every tool, worst first: critical, high,
medium, low, unknown (the tool gave none; never played down), info; that module says what
each level means.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TypeAlias

# Re-exported, as `X as X` tells mypy: the rest of the code imports them from here.
from qualitygates.finding import Finding as Finding  # noqa: PLC0414
from qualitygates.finding import FindingKind as FindingKind  # noqa: PLC0414
from qualitygates.finding import JsonScalar as JsonScalar  # noqa: PLC0414
from qualitygates.finding import Location as Location  # noqa: PLC0414
from qualitygates.finding import Severity as Severity  # noqa: PLC0414

MetricValue: TypeAlias = "float | str"

#: The prefix of a metric that counts only the findings an earlier run did not have.
NEW_PREFIX = "new."


class Status(str, enum.Enum):
    """The verdict of a condition, a check, a gate or a run."""

    PASSED = "passed"
    WARNED = "warned"
    FAILED = "failed"
    ERROR = "error"
    SKIPPED = "skipped"

    @property
    def rank(self) -> int:
        """Order used for worst-of: error > failed > warned > passed > skipped."""
        return _STATUS_RANK[self]

    @classmethod
    def worst(cls, statuses: list[Status] | tuple[Status, ...]) -> Status:
        """The worst status of several; `skipped` when there is none."""
        return max(statuses, key=lambda s: s.rank, default=cls.SKIPPED)


_STATUS_RANK = {
    Status.SKIPPED: 0,
    Status.PASSED: 1,
    Status.WARNED: 2,
    Status.FAILED: 3,
    Status.ERROR: 4,
}


class ExitCode(enum.IntEnum):
    """The exit status of every `qualitygates` command: what a CI step branches on."""

    #: Every blocking check passed (or `--warn-only`); for `compare`, every target was met.
    PASSED = 0
    #: A blocking check failed: the deployment is blocked (`compare`: a target was missed).
    FAILED = 1
    #: The policy or the command line is invalid: nothing was judged.
    USAGE = 2
    #: Nothing failed, but a blocking check could not be evaluated, or a report could not
    #: be written. FAILED wins over ERROR when both happen.
    ERROR = 3

    def __str__(self) -> str:  # "1", as on Python 3.11+, wherever a report prints it
        return str(self.value)


class Unit(str, enum.Enum):
    """The unit a metric's value is expressed in; thresholds are converted to it."""

    PERCENT = "percent"  # 0-100
    RATIO = "ratio"  # 0-1, as k6 rates are
    MILLISECONDS = "ms"
    SECONDS = "s"
    BYTES = "bytes"
    COUNT = "count"
    PER_SECOND = "per_second"
    NUMBER = "number"  # a plain number in the tool's own unit
    TEXT = "text"  # a word such as OK or ERROR

    @property
    def is_numeric(self) -> bool:
        return self is not Unit.TEXT


@dataclass(frozen=True)
class Measurement:
    """One metric's value with its unit."""

    value: MetricValue
    unit: Unit


@dataclass(frozen=True)
class HistoryNote:
    """What a condition on recent history read: the statistic, its value, the window."""

    statistic: str  # "history.median", "anomaly", "drift", ...
    value: float | None  # the statistic's value (a median, a z-score, a drift percent)
    window: str  # as written: "last=10" or "30d"
    branch: str
    runs: int  # the recorded runs the window held
    detail: str = ""  # e.g. the median and spread behind a z-score, or the trend test


@dataclass(frozen=True)
class ConditionResult:
    """The verdict on one condition of a check."""

    expr: str
    metric: str
    status: Status
    message: str
    actual: MetricValue | None = None
    threshold: MetricValue | None = None
    unit: Unit | None = None
    operator: str | None = None
    history: HistoryNote | None = None  # set on conditions on recent history


@dataclass(frozen=True)
class WaiverNote:
    """What happened to a waiver in a run: applied, expired, expiring soon or unused."""

    id: str
    state: str  # applied | expired | expiring | unused | refused (above the waiver_ceiling)
    reason: str
    expires: str | None = None
    owner: str | None = None
    matched: int = 0


@dataclass(frozen=True)
class CheckResult:
    """The verdict on one check: its metrics, conditions and findings."""

    id: str
    adapter: str
    status: Status
    blocking: bool
    name: str | None = None
    error: str | None = None
    metrics: Mapping[str, Measurement] = field(default_factory=dict)
    conditions: tuple[ConditionResult, ...] = ()
    findings: tuple[Finding, ...] = ()
    waivers: tuple[WaiverNote, ...] = ()
    sources: tuple[str, ...] = ()
    duration: float = 0.0


@dataclass(frozen=True)
class GateResult:
    """The verdict on one gate: the worst of its checks, softened when not blocking."""

    id: str
    name: str
    status: Status
    blocking: bool
    checks: tuple[CheckResult, ...]
    duration: float = 0.0
    project: str | None = None  # in a run over projects: its project (the id is "NAME/GATE")


_EXIT_CODES = {Status.FAILED: ExitCode.FAILED, Status.ERROR: ExitCode.ERROR}


@dataclass(frozen=True)
class RunResult:
    """The whole result of a run: what reporters render and what the exit code comes from."""

    status: Status
    gates: tuple[GateResult, ...]
    started_at: str
    duration: float
    policy_path: str
    version: str
    warn_only: bool = False
    # "sha256:<hex>" of the policy file as read, so that two results can tell whether they
    # were judged by the same policy (`compare`); None where it is not known (v1 results).
    policy_digest: str | None = None

    @property
    def exit_code(self) -> ExitCode:
        """PASSED, FAILED (a blocking check failed) or ERROR (one could not be evaluated)."""
        if self.warn_only:
            return ExitCode.PASSED
        return _EXIT_CODES.get(self.status, ExitCode.PASSED)

    @property
    def projects(self) -> dict[str, Status]:
        """In a run over projects: each project's status, in order (a failure wins over an
        error, as in the run's own status); empty otherwise."""
        found: dict[str, list[Status]] = {}
        for gate in self.gates:
            if gate.project is not None:
                found.setdefault(gate.project, []).append(gate.status)
        order = (Status.FAILED, Status.ERROR, Status.WARNED, Status.PASSED)
        return {
            name: next((s for s in order if s in statuses), Status.SKIPPED)
            for name, statuses in found.items()
        }

    @property
    def gates_passed(self) -> int:
        return sum(1 for g in self.gates if g.status in (Status.PASSED, Status.WARNED))

    @property
    def gates_judged(self) -> int:
        return sum(1 for g in self.gates if g.status is not Status.SKIPPED)
