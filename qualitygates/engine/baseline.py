"""Baselines: a saved result (or the history store's last passing run) to compare with.

Two uses. A condition's threshold may be `baseline`, `baseline * 1.10` or `baseline - 0.5`,
compared with the same metric of the same check in the baseline. And `new.<metric>`
counts only the findings the baseline did not have, by fingerprint (tool, rule or id,
package or path, never line numbers), so a gate can hold a change to "no new criticals"
without failing on what was already there.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from qualitygates.adapters.interface import Adapter
from qualitygates.domains import default_domain, value_fault
from qualitygates.model import NEW_PREFIX, CheckResult, Finding, Measurement, RunResult, Unit

if TYPE_CHECKING:
    from qualitygates.policy.model import Check


def baseline_index(result: RunResult) -> dict[str, CheckResult]:
    """The baseline's checks by `gate-id.check-id`, skipped and errored ones left out."""
    return {
        f"{gate.id}.{check.id}": check
        for gate in result.gates
        for check in gate.checks
        if check.error is None
    }


def finding_key(finding: Finding) -> str:
    """What makes two findings the same across runs."""
    if finding.fingerprint:
        return f"{finding.tool}\x1f{finding.fingerprint}"
    location = finding.location
    return "\x1f".join(
        (finding.tool, finding.rule or finding.id, location.package or location.path or "")
    )


def new_finding_metrics(
    adapter: Adapter,
    findings: Sequence[Finding],
    before: CheckResult,
    current: Mapping[str, Measurement],
    counted: Mapping[str, Measurement],
) -> dict[str, Measurement]:
    """`new.<metric>` for every finding count, over the findings the baseline did not have.

    A count no new finding adds to reads 0 when it is counted from findings, or when the
    source's own count is 0 now (`rule.X` of a rule that only old findings break, or that
    nothing breaks): there is nothing new of it, so `new.rule.X == 0` holds rather than
    failing for a metric "not in the source". `current` holds the check's metrics now,
    `counted` those of them counted from its findings.
    """
    known = {finding_key(f) for f in before.findings}
    new = [f for f in findings if not f.waived and finding_key(f) not in known]
    metrics = {NEW_PREFIX + name: value for name, value in adapter.count_findings(new).items()}
    for name, value in current.items():
        none_now = value.unit is Unit.COUNT and value.value == 0
        if NEW_PREFIX + name not in metrics and (name in counted or none_now):
            metrics[NEW_PREFIX + name] = Measurement(0.0, Unit.COUNT)
    return metrics


def baseline_metrics(before: CheckResult | None) -> Mapping[str, Measurement] | None:
    return None if before is None else before.metrics


def uses_baseline(check: Check) -> bool:
    """Whether a condition of `check` compares with the baseline (`baseline * 1.1`, `new.`)."""
    return any(
        c.expression.threshold.baseline or c.metric.startswith(NEW_PREFIX) for c in check.conditions
    )


def damaged_baseline(adapter: Adapter, before: CheckResult) -> str | None:
    """Why the baseline's values of a check cannot be true, checked as the check's own
    metrics are (an impossible value is a damaged or forged baseline), or None."""
    for name, measurement in before.metrics.items():
        spec = adapter.metric_spec(name)
        unit = measurement.unit
        fault = value_fault(measurement, spec.domain(unit) if spec else default_domain(unit))
        if fault is not None:
            return (
                f"the baseline's {name} is {fault}: the saved result is damaged; give the "
                "result 'qualitygates run --json' wrote"
            )
    return None
