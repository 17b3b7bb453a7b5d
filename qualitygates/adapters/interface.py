"""The adapter interface: what a plugin author implements.

An adapter turns one source (report files or a server) into metrics with units and
findings. It never judges, prints or exits: the engine compares its metrics with the
policy's thresholds. Raise `AdapterError` with one sentence naming the file and what to
do when a source is missing, empty, truncated or of the wrong format.
"""

from __future__ import annotations

import abc
import enum
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

from qualitygates.domains import Domain, default_domain

# A finding's fingerprint is computed from its `identity` when first read; adapters that
# still compute one themselves (plugins) import the function from here.
from qualitygates.finding import fingerprint as fingerprint  # noqa: PLC0414
from qualitygates.model import Finding, Measurement, Unit


class OptionKind(str, enum.Enum):
    """How the policy validates (and resolves) an adapter option under `with:`."""

    PATH = "path"  # one file, resolved from the policy's folder
    PATHS = "paths"  # one glob or a list of globs, resolved from the policy's folder
    STRING = "string"
    SECRET = "secret"  # a string never shown in any output
    URL = "url"
    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"
    CHOICE = "choice"
    STRINGS = "strings"  # a list of strings (a single string is accepted as a list of one)
    MAPPING = "mapping"  # a mapping of names to strings
    LIST = "list"  # a list of mappings (or a mapping), validated by the adapter itself


@dataclass(frozen=True)
class OptionSpec:
    """One option an adapter accepts under `with:`.

    Everything declared here is checked by `qualitygates validate` (and by `run` before it
    reads a report), so a mistake is a policy error at its line, not a failed run:

    - `choices`: the allowed values of a CHOICE, of each item of a STRINGS, or of each
      value of a MAPPING; compared after strip() and lower() when `ignore_case`.
    - `minimum`/`maximum`: the bounds of an INTEGER or NUMBER (a NUMBER is always finite).
    - `excludes`: options that cannot be given with this one; `requires`: options that
      must be given with it. An empty string counts as not given (`${VAR:-}`).
    - `check`: a pure function called with the value once its type is right; a
      ValueError it raises is shown as `option NAME: <message>`, an AdapterError as is.
      It must read no file and ask no server.
    - `metric_units`: for a MAPPING of metric names to unit words, the unit of each word,
      so conditions on those metrics are checked in that unit.
    """

    name: str
    kind: OptionKind
    description: str
    required: bool = False
    default: Any = None
    choices: tuple[str, ...] = ()
    ignore_case: bool = False
    minimum: float | None = None
    maximum: float | None = None
    excludes: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()
    check: Callable[[Any], object] | None = field(default=None, compare=False)
    metric_units: tuple[tuple[str, Unit], ...] = ()


@dataclass(frozen=True)
class MetricSpec:
    """A metric name (or a family of names) an adapter can produce.

    `name` is what `explain` shows, e.g. `vulnerabilities.<severity>`; `pattern`, when set,
    is a regular expression a requested name must match in full. `unit` is `None` when only
    the source can tell (a k6 `rate` is a ratio for a Rate metric, per second for a
    Counter); a bare-number threshold is then in the tool's own unit.
    """

    name: str
    unit: Unit | None
    description: str
    pattern: str | None = None
    summary: bool = False  # reported on every run, asked for or not
    # The values the metric can take, by unit, where the unit's own domain (a count is a
    # whole number >= 0, a percentage 0-100, ...) does not fit: a k6 custom Trend may go
    # below zero. The engine refuses a value outside its domain as a corrupt report.
    domains: tuple[tuple[Unit, Domain], ...] = ()

    def matches(self, metric: str) -> bool:
        if self.pattern is None:
            return metric == self.name
        return re.fullmatch(self.pattern, metric) is not None

    def domain(self, unit: Unit) -> Domain | None:
        """The values this metric can take in `unit`: declared, else the unit's own."""
        for declared_unit, domain in self.domains:
            if declared_unit is unit:
                return domain
        return default_domain(unit)


@dataclass(frozen=True)
class CollectRequest:
    """What the engine asks of an adapter for one check."""

    check_id: str
    options: Mapping[str, Any]
    metrics: tuple[str, ...]
    base_dir: Path
    now: datetime
    timeout: float | None = None
    # The check has a `commit` requirement: a source that must ask a server for the commit
    # its report describes does so only then.
    wants_revision: bool = False
    # Whether the run reports the summary metrics (those `MetricSpec.summary` marks) when no
    # condition asks for them: False when nothing reads them (`qualitygates run` without a
    # report or a history store), so an adapter may skip the work. See `wants`.
    summary: bool = True

    def wants(self, metric: str) -> bool:
        """Whether `metric` is read: a condition asks for it, or the run reports summaries.

        Measuring a metric nobody reads is allowed; skipping it is only a saving, e.g. the
        time of every passing test case when only the counts are asked for.
        """
        return self.summary or metric in self.metrics


@dataclass(frozen=True)
class Collection:
    """What an adapter measured: metrics, findings, and the sources it read."""

    metrics: Mapping[str, Measurement]
    findings: tuple[Finding, ...] = ()
    sources: tuple[str, ...] = ()
    timestamp: datetime | None = None  # the report's own time, where it has one
    # False when that time was written without a zone (Surefire's local time): it may then
    # be any zone's, up to 14 h ahead of UTC, which the engine allows for.
    timestamp_has_zone: bool = True
    revision: str | None = None  # the commit the report says it describes
    available: tuple[str, ...] = field(default=())  # names the source has, for error messages
    # Metrics the source cannot give, with the reason, which the engine shows instead of
    # "not in the source" (no quality gate computed, no coverable changed line, ...).
    unavailable: Mapping[str, str] = field(default_factory=dict)


class Adapter(abc.ABC):
    """Base class of every adapter; subclasses declare what they read and measure."""

    name: ClassVar[str]
    summary: ClassVar[str]
    formats: ClassVar[tuple[str, ...]] = ()
    options: ClassVar[tuple[OptionSpec, ...]] = ()
    metrics: ClassVar[tuple[MetricSpec, ...]] = ()
    #: Whether its reports can say when they were made (`dated`: `Collection.timestamp`,
    #: for a check's `max_age`) and which commit they describe (`names_commit`:
    #: `Collection.revision`, for `commit`). False, the default, lets `validate` refuse a
    #: requirement no run could meet; set True only when the format has the field, with a
    #: comment naming it. A run then errors for a report that leaves it out.
    dated: ClassVar[bool] = False
    names_commit: ClassVar[bool] = False

    @abc.abstractmethod
    def collect(self, request: CollectRequest) -> Collection:
        """Read the source and return its metrics and findings, or raise AdapterError."""

    def count_findings(self, findings: Sequence[Finding]) -> dict[str, Measurement]:
        """Metrics that count findings, from the findings left after waivers.

        The engine calls this with the findings that are not waived, so a waiver changes
        the counts without the adapter knowing about waivers. It must depend on nothing but
        `findings`: a count that is zero when no finding is left (a rule the policy asks
        for) belongs in `Collection.metrics` as 0, which these counts then replace.
        """
        return {}

    @classmethod
    def metric_problem(cls, metric: str, options: Mapping[str, Any]) -> str | None:
        """Why no source could ever give `metric` with these (validated) options, or None.

        `validate` shows it at the condition: the lint adapter refuses a `rule.<id>` no
        linter has, which would otherwise count 0 for ever. `metric` comes without `new.`.
        """
        return None

    @classmethod
    def metric_spec(cls, metric: str) -> MetricSpec | None:
        """The declared spec a metric name falls under, if any."""
        for spec in cls.metrics:
            if spec.matches(metric):
                return spec
        return None

    @classmethod
    def option_spec(cls, name: str) -> OptionSpec | None:
        for spec in cls.options:
            if spec.name == name:
                return spec
        return None


class FindingsAdapter(Adapter):
    """An adapter whose reports list findings, and whose metrics all count them.

    `collect` reads every report the `path` option's globs match (`path_option`) with
    `read`, in order; `count_findings` turns the findings left after waivers into metrics.
    """

    @abc.abstractmethod
    def read(self, path: Path) -> Iterable[Finding]:
        """The findings of one report, or an AdapterError naming it and what is wrong."""

    def collect(self, request: CollectRequest) -> Collection:
        """Read every report the `path` globs match; counting is left to count_findings."""
        # Imported here: the engine and the policy import this module without reading a file.
        from qualitygates.adapters._io import expand_paths

        paths = expand_paths(request.options["path"])
        findings = [finding for path in paths for finding in self.read(path)]
        return Collection(
            metrics={}, findings=tuple(findings), sources=tuple(str(p) for p in paths)
        )


def count_metric(value: int) -> Measurement:
    return Measurement(float(value), Unit.COUNT)


def percent_metric(value: float) -> Measurement:
    return Measurement(float(value), Unit.PERCENT)
