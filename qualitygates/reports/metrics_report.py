"""The metrics report: the verdicts and gated metrics in the Prometheus text format.

For the node-exporter textfile collector (write the file into its directory) or a
Pushgateway (`curl --data-binary @gates.prom $PUSHGATEWAY/metrics/job/qualitygates`), so
dashboards can chart coverage or p95 latency per run and alert on a red gate. Statuses are
enum gauges, one series per possible status with 1 on the current one, as
kube-state-metrics does, so `qualitygates_gate_status{status="failed"} == 1` works and a
status that goes away reads 0 instead of vanishing. All values are gauges; label values
are escaped as the format requires (backslash, double quote, newline).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import datetime

from qualitygates.model import RunResult, Severity, Status
from qualitygates.reports.interface import NO_CONTEXT, ReportContext, Reporter

PREFIX = "qualitygates_"

_HELP = {
    "run_info": "The qualitygates version and policy of the run (always 1).",
    "run_status": "The run's verdict: 1 for its status, 0 for the others.",
    "run_exit_code": "The exit code of the run: 0 allowed, 1 blocked, 3 not evaluated.",
    "run_duration_seconds": "How long the run took.",
    "run_timestamp_seconds": "When the run started, in seconds since the epoch.",
    "gate_status": "Each gate's verdict: 1 for its status, 0 for the others.",
    "gate_blocking": "1 when the gate blocks the deploy, 0 when it only reports.",
    "check_status": "Each check's verdict: 1 for its status, 0 for the others.",
    "metric": "Each gated or summary metric of a check, in its unit.",
    "condition_threshold": "The threshold of each numeric condition, in the metric's unit.",
    "findings": "Findings left after waivers, by check and severity.",
    "findings_waived": "Findings a waiver accepted, by check.",
}
_Sample = tuple[dict[str, str], float]


class MetricsReporter(Reporter):
    """Prometheus text exposition (version 0.0.4) of statuses, metrics and findings."""

    name = "metrics"
    description = "Prometheus/OpenMetrics text: gate statuses and gated metrics"

    def render(self, result: RunResult, context: ReportContext = NO_CONTEXT) -> bytes:
        families: dict[str, list[_Sample]] = {
            "run_info": [({"version": result.version, "policy": result.policy_path}, 1.0)],
            "run_status": list(_enum({}, result.status)),
            "run_exit_code": [({}, float(result.exit_code))],
            "run_duration_seconds": [({}, result.duration)],
            "run_timestamp_seconds": _timestamp(result.started_at),
            "gate_status": [s for g in result.gates for s in _enum({"gate": g.id}, g.status)],
            "gate_blocking": [({"gate": g.id}, float(g.blocking)) for g in result.gates],
            "check_status": list(_check_statuses(result)),
            "metric": list(_metrics(result)),
            "condition_threshold": list(_thresholds(result)),
            "findings": list(_findings(result)),
            "findings_waived": list(_waived(result)),
        }
        lines: list[str] = []
        for name, samples in families.items():
            if samples:
                lines += [f"# HELP {PREFIX}{name} {_HELP[name]}", f"# TYPE {PREFIX}{name} gauge"]
                lines += [f"{PREFIX}{name}{_labels(labels)} {_number(v)}" for labels, v in samples]
        return ("\n".join(lines) + "\n").encode("utf-8")


def _enum(labels: dict[str, str], status: Status) -> Iterator[_Sample]:
    for each in Status:
        yield {**labels, "status": each.value}, float(each is status)


def _check_statuses(result: RunResult) -> Iterator[_Sample]:
    for gate in result.gates:
        for check in gate.checks:
            labels = {"gate": gate.id, "check": check.id, "adapter": check.adapter}
            yield from _enum(labels, check.status)


def _metrics(result: RunResult) -> Iterator[_Sample]:
    for gate in result.gates:
        for check in gate.checks:
            for metric, measurement in check.metrics.items():
                value = measurement.value
                if isinstance(value, int | float) and not isinstance(value, bool):
                    labels = {"gate": gate.id, "check": check.id, "metric": metric}
                    yield {**labels, "unit": measurement.unit.value}, float(value)


def _thresholds(result: RunResult) -> Iterator[_Sample]:
    for gate in result.gates:
        for check in gate.checks:
            for condition in check.conditions:
                value = condition.threshold
                if isinstance(value, int | float) and not isinstance(value, bool):
                    labels = {"gate": gate.id, "check": check.id, "metric": condition.metric}
                    labels["condition"] = condition.expr
                    labels["unit"] = condition.unit.value if condition.unit else ""
                    yield labels, float(value)


def _findings(result: RunResult) -> Iterator[_Sample]:
    """Every severity of every judged check, zeros included, so a fixed finding reads 0."""
    for gate in result.gates:
        for check in gate.checks:
            if check.status in (Status.ERROR, Status.SKIPPED):
                continue  # unknown is not zero: leave the series out
            counts = dict.fromkeys(Severity, 0)
            for finding in check.findings:
                if not finding.waived:
                    counts[finding.severity] += 1
            for severity, count in counts.items():
                labels = {"gate": gate.id, "check": check.id, "severity": severity.value}
                yield labels, float(count)


def _waived(result: RunResult) -> Iterator[_Sample]:
    for gate in result.gates:
        for check in gate.checks:
            if check.status not in (Status.ERROR, Status.SKIPPED):
                count = sum(1 for f in check.findings if f.waived)
                yield {"gate": gate.id, "check": check.id}, float(count)


def _timestamp(started_at: str) -> list[_Sample]:
    try:
        return [({}, datetime.fromisoformat(started_at).timestamp())]
    except ValueError:
        return []


def escape_label(value: str) -> str:
    """A label value as the text format writes it."""
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _labels(labels: dict[str, str]) -> str:
    if not labels:
        return ""
    return "{" + ",".join(f'{k}="{escape_label(v)}"' for k, v in labels.items()) + "}"


def _number(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
