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
from typing import NamedTuple, TypeVar

from qualitygates.adapters.interface import count_metric
from qualitygates.model import Finding, FindingKind, Location, Measurement, Severity

Item = TypeVar("Item")


class Problem(NamedTuple):
    """One thing not in order: what is wrong, where, and what tells it apart from the other
    problems of its rule across runs (the fingerprint's parts after tool and rule; never a
    line number)."""

    message: str
    location: Location
    key: tuple[object, ...]


@dataclass(frozen=True)
class Readiness:
    """One readiness adapter's rules: their severities and the metrics that count them."""

    tool: str
    #: metric -> the rules whose findings it counts
    metric_rules: Mapping[str, tuple[str, ...]]
    severities: Mapping[str, Severity] = field(default_factory=dict)
    #: The severity of a rule `severities` does not name.
    severity: Severity = Severity.HIGH
    #: The metric that counts every problem, if the adapter has one.
    total: str | None = "problems"

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
        counts = {
            metric: sum(1 for f in ours if f.rule in rules)
            for metric, rules in self.metric_rules.items()
        }
        if self.total:
            counts[self.total] = len(ours)
        return {metric: count_metric(number) for metric, number in counts.items()}
