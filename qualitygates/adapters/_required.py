"""What the readiness adapters share: required items, the problems found, findings, counts.

docs, alerts, dashboards, attestations and evidence each check that what a policy requires
(runbooks, alerts, dashboards, sign-offs, a drill's result) is there and in order. Every
problem becomes a finding of kind `readiness` whose id and rule are the problem's rule
(what a waiver names), with the adapter's severity for that rule; each count metric counts
the findings of its rules, and `problems` (where the adapter has it) counts them all. The
engine counts the findings left after waivers, so a waiver on one problem changes them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypeVar

from qualitygates.adapters._counts import rule_counts
from qualitygates.adapters.interface import MetricSpec, count_metric
from qualitygates.errors import AdapterError
from qualitygates.model import Finding, FindingKind, Location, Measurement, Severity, Unit

Item = TypeVar("Item")


class Problem(NamedTuple):
    """One thing not in order: what is wrong, where, and what tells it apart from the other
    problems of its rule across runs (the fingerprint's parts after tool and rule; never a
    line number)."""

    message: str
    location: Location
    key: tuple[object, ...]


class Counted(NamedTuple):
    """A count metric of a readiness adapter: what it counts, and the rules whose findings
    it counts."""

    description: str
    rules: tuple[str, ...]
    summary: bool = False  # reported on every run


@dataclass(frozen=True)
class Readiness:
    """One readiness adapter's rules: their severities and the metrics that count them."""

    tool: str
    #: metric -> what it counts, by rule; declared by `metric_specs`, in this order
    counted: Mapping[str, Counted]
    severities: Mapping[str, Severity] = field(default_factory=dict)
    #: The severity of a rule `severities` does not name.
    severity: Severity = Severity.HIGH
    #: The metric that counts every problem, if the adapter has one, and what `explain`
    #: says of it.
    total: str | None = "problems"
    total_description: str = "All of the above together."

    def metric_specs(self) -> tuple[MetricSpec, ...]:
        """The declarations of the count metrics, `total` last (reported on every run)."""
        specs = [
            MetricSpec(metric, Unit.COUNT, what.description, summary=what.summary)
            for metric, what in self.counted.items()
        ]
        if self.total:
            specs.append(MetricSpec(self.total, Unit.COUNT, self.total_description, summary=True))
        return tuple(specs)

    def finding(self, rule: str, problem: Problem) -> Finding:
        """The finding of one problem of `rule`."""
        return Finding(
            id=rule,
            tool=self.tool,
            severity=self.severities.get(rule, self.severity),
            message=problem.message,
            rule=rule,
            location=problem.location,
            kind=FindingKind.READINESS,
            identity=(self.tool, rule, *problem.key),
        )

    def missing(
        self,
        rule: str,
        required: Iterable[Item],
        present: Callable[[Item], bool],
        problem: Callable[[Item], Problem],
    ) -> list[Finding]:
        """A finding of `rule` for each required item that is not `present`, in order."""
        return [self.finding(rule, problem(item)) for item in required if not present(item)]

    def count(self, findings: Sequence[Finding]) -> dict[str, Measurement]:
        """Each metric counts the findings of its rules; `total` counts them all."""
        ours = [f for f in findings if f.tool == self.tool]
        counts = rule_counts(ours, {metric: what.rules for metric, what in self.counted.items()})
        if self.total:
            counts[self.total] = count_metric(len(ours))
        return counts


class Entry(NamedTuple):
    """One entry of a `required` option: where it stands (for errors), the item it names,
    and all its keys."""

    where: str
    name: str
    fields: Mapping[str, Any]


@dataclass(frozen=True)
class EntryForm:
    """How an entry of a readiness adapter's `required` list is written: the item's name
    alone, or a mapping of `keys`, the first of which names the item."""

    option: str  # "docs option required"
    keys: tuple[str, ...]
    write: str  # how to write an entry, for an entry that is neither
    name_is: str  # what the name must be
    list_keys: bool = False  # whether an unknown key's error lists the keys

    def read(self, item: object, index: int) -> Entry:
        """Entry `index` (from 1), or an AdapterError naming it and what is wrong."""
        where = f"{self.option}, entry {index}"
        key = self.keys[0]
        if isinstance(item, str):
            item = {key: item}
        if not isinstance(item, Mapping):
            raise AdapterError(f"{where}: write {self.write}")
        unknown = sorted(set(item) - set(self.keys))
        if unknown:
            listed = f" (use {', '.join(self.keys)})" if self.list_keys else ""
            raise AdapterError(f"{where}: unknown key {unknown[0]!r}{listed}")
        name = item.get(key)
        if not isinstance(name, str) or not name.strip():
            raise AdapterError(f"{where}: {key} must be {self.name_is}")
        return Entry(where, name, item)
