"""Before/after validation: did an improvement deliver what it promised?

`compare(before, after)` lines up every condition of the `after` run with the same metric
of the same check in `before`: the target is the condition's threshold, the verdict is
whether `after` meets it, and the change says which way the metric moved. A condition
with `on_fail: warn` that missed is missed here too, marked warn-only: the real outcome,
not the exit code. The conclusion is `success` (every target met), `failure` (none met,
or a target missed by a metric that got worse) or `partial`. `notes` say what makes the
two runs hard to compare: different policies.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from qualitygates.formatting import format_value
from qualitygates.model import MetricValue, RunResult, Status, Unit

_LOWER_IS_BETTER = ("<", "<=")
_HIGHER_IS_BETTER = (">", ">=")


class Conclusion(str, enum.Enum):
    SUCCESS = "success"
    PARTIAL = "partial"
    FAILURE = "failure"


@dataclass(frozen=True)
class Row:
    """One metric of one check, before and after."""

    check: str  # gate-id.check-id
    metric: str
    target: str  # the condition as written
    before: MetricValue | None
    after: MetricValue | None
    unit: Unit | None
    met: bool
    direction: str  # better | worse | same | unknown
    warn_only: bool = False  # the condition's miss warned (`on_fail: warn`) and did not block

    @property
    def change(self) -> str:
        before, after = _number(self.before), _number(self.after)
        if before is not None and after is not None:
            delta = after - before
            sign = "+" if delta > 0 else ""
            relative = f" ({sign}{delta / before * 100:.1f}%)" if before else ""
            return f"{sign}{format_value(delta, self.unit)}{relative}"
        return (
            "n/a"
            if self.before is None or self.after is None
            else "changed"
            if self.before != self.after
            else "="
        )


@dataclass(frozen=True)
class Comparison:
    before: RunResult
    after: RunResult
    rows: tuple[Row, ...]

    @property
    def notes(self) -> tuple[str, ...]:
        """What the reader must know before trusting the rows."""
        old, new = self.before.policy_digest, self.after.policy_digest
        if old and new and old != new:
            return (
                f"the two runs were judged by different policies ({old[:19]}… before, "
                f"{new[:19]}… after): each target is the after run's",
            )
        return ()

    @property
    def conclusion(self) -> Conclusion:
        if self.rows and all(r.met for r in self.rows):
            return Conclusion.SUCCESS
        if not any(r.met for r in self.rows) or any(
            not r.met and r.direction == "worse" for r in self.rows
        ):
            return Conclusion.FAILURE
        return Conclusion.PARTIAL


def compare(before: RunResult, after: RunResult) -> Comparison:
    """Every judged condition of `after`, against the same metric in `before`."""
    earlier = {(g.id, c.id): c for g in before.gates for c in g.checks}
    rows = []
    for gate in after.gates:
        for check in gate.checks:
            old = earlier.get((gate.id, check.id))
            for condition in check.conditions:
                if condition.status is Status.SKIPPED or condition.metric.startswith("report."):
                    continue
                measured = old.metrics.get(condition.metric) if old else None
                previous = measured.value if measured else _previous_actual(old, condition.expr)
                rows.append(Row(
                    check=f"{gate.id}.{check.id}", metric=condition.metric, target=condition.expr,
                    before=previous, after=condition.actual, unit=condition.unit,
                    met=condition.status is Status.PASSED and condition.actual is not None,
                    direction=_direction(condition.operator, previous, condition.actual),
                    warn_only=condition.status is Status.WARNED,
                ))  # fmt: skip
    return Comparison(before, after, tuple(rows))


def _previous_actual(check: object, expr: str) -> MetricValue | None:
    for condition in getattr(check, "conditions", ()):
        if condition.expr == expr:
            return condition.actual  # type: ignore[no-any-return]
    return None


def _direction(operator: str | None, before: MetricValue | None, after: MetricValue | None) -> str:
    old, new = _number(before), _number(after)
    if old is None or new is None:
        return "unknown"
    if new == old:
        return "same"
    if operator in _LOWER_IS_BETTER:
        return "better" if new < old else "worse"
    if operator in _HIGHER_IS_BETTER:
        return "better" if new > old else "worse"
    return "unknown"


def _number(value: object) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return None
