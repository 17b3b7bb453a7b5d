"""A result turned into the rows the store writes: the run, its gates, checks, metrics,
conditions and findings.

Redaction happens here, on every string of the result's JSON form (keys included) before
it is serialised: a secret containing a quote or a backslash is caught in its raw form,
and the JSON can never be broken by a replacement. The side tables are then read from
the redacted form, so that nothing the store holds was left out of redaction.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from qualitygates.errors import ReportError
from qualitygates.history.context import RunContext
from qualitygates.history.interface import HistoryError, Recordable, Redactor
from qualitygates.model import CheckResult, GateResult, RunResult
from qualitygates.readers import InvalidJson, parse_json
from qualitygates.result_io import result_from_dict, result_to_dict

Row = dict[str, Any]


@dataclass(frozen=True)
class RunRows:
    """Everything one `record` writes; `run_id` is filled into the child rows on insert."""

    run: Row
    gates: list[Row]
    metrics: list[Row]
    findings: list[Row]
    checks: list[Row]
    conditions: list[Row]


def prepare(result: Recordable, context: RunContext, redact: Redactor | None) -> RunRows:
    """The rows of one run; HistoryError when `result` is not a qualitygates result."""
    data = _as_data(result)
    if redact is not None:
        data = _redact_tree(data, redact)
    try:
        parsed = result_from_dict(data)
    except ReportError as exc:
        raise HistoryError(f"cannot record this result: {exc}") from None
    return RunRows(
        run=_run_row(parsed, data, context),
        gates=_gate_rows(parsed),
        metrics=[{**row, "recorded_at": context.recorded_at} for row in _metric_rows(parsed)],
        findings=finding_rows(parsed),
        checks=check_rows(parsed),
        conditions=condition_rows(parsed),
    )


def _as_data(result: Recordable) -> Any:
    if isinstance(result, RunResult):
        return result_to_dict(result)
    if isinstance(result, str):
        try:
            return parse_json(result, "the result", "qualitygates result")
        except InvalidJson as exc:
            raise HistoryError(f"cannot record this result: {exc}") from None
    return json.loads(json.dumps(result))  # a deep, plain copy: the caller's dict is theirs


def _redact_tree(value: Any, redact: Redactor) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {redact(str(k)): _redact_tree(v, redact) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact_tree(v, redact) for v in value]
    return value


def _run_row(result: RunResult, data: Any, context: RunContext) -> Row:
    return {
        "recorded_at": context.recorded_at,
        "commit_sha": context.commit,
        "branch": context.branch,
        "ci_provider": context.ci_provider,
        "run_url": context.run_url,
        "policy_digest": context.policy_digest,
        "policy_path": result.policy_path,
        "status": result.status.value,
        "exit_code": result.exit_code,
        "started_at": result.started_at,
        "duration": result.duration,
        "version": result.version,
        "result_json": json.dumps(data, ensure_ascii=False, separators=(",", ":")),
    }


def _text(value: str) -> str:
    """PostgreSQL's text cannot hold NUL (a hostile report might); the JSON escapes it."""
    return value.replace("\x00", "\ufffd")


def _gate_rows(result: RunResult) -> list[Row]:
    return [
        {"position": i, "gate_id": _text(g.id), "status": g.status.value, "blocking": g.blocking}
        for i, g in enumerate(result.gates)
    ]


def _metric_rows(result: RunResult) -> list[Row]:
    rows = []
    for gate in result.gates:
        for check in gate.checks:
            for name, measurement in check.metrics.items():
                value = measurement.value
                numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
                rows.append(
                    {
                        "gate_id": _text(gate.id),
                        "check_id": _text(check.id),
                        "metric": _text(name),
                        "value": float(value) if numeric else None,
                        "text_value": None if numeric else _text(str(value)),
                        "unit": measurement.unit.value,
                    }
                )
    return rows


def _part_of_check(gate: GateResult, check: CheckResult, position: int) -> Row:
    """The key of a check's row, or of one of its conditions or findings."""
    return {"gate_id": _text(gate.id), "check_id": _text(check.id), "position": position}


def finding_rows(result: RunResult) -> list[Row]:
    rows = []
    for gate in result.gates:
        for check in gate.checks:
            for i, finding in enumerate(check.findings):
                rows.append(
                    {
                        **_part_of_check(gate, check, i),
                        "fingerprint": _text(finding.fingerprint),
                        "finding_id": _text(finding.id),
                        "severity": finding.severity.value,
                        "waived": finding.waived,
                        "kind": finding.kind.value,
                    }
                )
    return rows


def check_rows(result: RunResult) -> list[Row]:
    """Each check: its adapter, its status, and whether its source could not be read."""
    return [
        {
            **_part_of_check(gate, check, i),
            "adapter": _text(check.adapter),
            "status": check.status.value,
            "errored": check.error is not None,
        }
        for gate in result.gates
        for i, check in enumerate(gate.checks)
    ]


def condition_rows(result: RunResult) -> list[Row]:
    """Each condition of each check with its verdict (the history report counts failures)."""
    return [
        {
            **_part_of_check(gate, check, i),
            "expr": _text(condition.expr),
            "metric": _text(condition.metric),
            "status": condition.status.value,
        }
        for gate in result.gates
        for check in gate.checks
        for i, condition in enumerate(check.conditions)
    ]
