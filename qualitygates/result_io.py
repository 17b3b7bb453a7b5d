"""The result as plain data (`qualitygates/result/v2`) and back.

The JSON report is this dictionary; `qualitygates report` reads it back into a
`RunResult` so any format can be rendered later without running the checks again.
Results of earlier versions (`qualitygates/result/v1`: saved baselines, history rows) are
read too; only their findings differ (see `qualitygates.result_findings`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qualitygates.domains import ANY_NUMBER, value_fault
from qualitygates.errors import ReportError
from qualitygates.model import (
    CheckResult,
    ConditionResult,
    GateResult,
    HistoryNote,
    Measurement,
    RunResult,
    Status,
    Unit,
    WaiverNote,
)
from qualitygates.readers import InvalidJson, UnreadableFile, parse_json, read_regular
from qualitygates.result_findings import finding_from_dict, finding_to_dict

SCHEMA = "qualitygates/result/v2"
#: The schemas `result_from_dict` reads, with their version.
READABLE = {SCHEMA: 2, "qualitygates/result/v1": 1}
#: A saved result of 200,000 findings is about 100 MB.
MAX_RESULT_BYTES = 512 * 1024 * 1024


def result_to_dict(result: RunResult) -> dict[str, Any]:
    """The whole result, in the documented, versioned shape."""
    return {
        "schema": SCHEMA,
        "status": result.status.value,
        "exit_code": result.exit_code,
        "warn_only": result.warn_only,
        "version": result.version,
        "policy": result.policy_path,
        "policy_digest": result.policy_digest,
        "started_at": result.started_at,
        "duration": round(result.duration, 6),
        "summary": {
            "gates_passed": result.gates_passed,
            "gates_judged": result.gates_judged,
            "gates_total": len(result.gates),
        },
        "gates": [_gate(g) for g in result.gates],
        # Only in a run over projects, so that a run without them stays v1 as it was.
        **(
            {"projects": [{"name": n, "status": s.value} for n, s in result.projects.items()]}
            if result.projects
            else {}
        ),
    }


def _gate(gate: GateResult) -> dict[str, Any]:
    project = {"project": gate.project} if gate.project is not None else {}  # v1 without
    return {
        "id": gate.id,
        **project,
        "name": gate.name,
        "status": gate.status.value,
        "blocking": gate.blocking,
        "duration": round(gate.duration, 6),
        "checks": [_check(c) for c in gate.checks],
    }


def _check(check: CheckResult) -> dict[str, Any]:
    return {
        "id": check.id,
        "name": check.name,
        "adapter": check.adapter,
        "status": check.status.value,
        "blocking": check.blocking,
        "error": check.error,
        "duration": round(check.duration, 6),
        "sources": list(check.sources),
        "metrics": {k: {"value": m.value, "unit": m.unit.value} for k, m in check.metrics.items()},
        "conditions": [_condition(c) for c in check.conditions],
        "findings": [finding_to_dict(f) for f in check.findings],
        "waivers": [vars(w).copy() for w in check.waivers],
    }


def _condition(condition: ConditionResult) -> dict[str, Any]:
    written: dict[str, Any] = {
        "expr": condition.expr,
        "metric": condition.metric,
        "operator": condition.operator,
        "actual": condition.actual,
        "threshold": condition.threshold,
        "unit": condition.unit.value if condition.unit else None,
        "status": condition.status.value,
        "message": condition.message,
    }
    if condition.history is not None:  # only on conditions on recent history
        written["history"] = _finite(vars(condition.history).copy())
    return written


def _finite(note: dict[str, Any]) -> dict[str, Any]:
    """JSON has no infinity: an infinite z-score or drift is written as a signed string."""
    value = note.get("value")
    if isinstance(value, float) and value in (float("inf"), float("-inf")):
        note["value"] = "inf" if value > 0 else "-inf"
    return note


def result_from_dict(data: Any) -> RunResult:
    """Rebuild a RunResult from its JSON form; ReportError if it is not one."""
    schema = data.get("schema") if isinstance(data, dict) else None
    version = READABLE.get(schema) if isinstance(schema, str) else None
    if version is None:
        raise ReportError(f'not a qualitygates result: expected "schema": "{SCHEMA}"')
    try:
        return RunResult(
            status=Status(data["status"]),
            gates=tuple(_gate_from(g, version) for g in data["gates"]),
            started_at=data["started_at"],
            duration=float(data["duration"]),
            policy_path=data["policy"],
            version=data["version"],
            warn_only=bool(data.get("warn_only", False)),
            policy_digest=_digest(data.get("policy_digest")),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ReportError(
            f"the result file is incomplete or damaged ({type(exc).__name__}: {exc})"
        ) from None


def _digest(value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise ValueError(f"policy_digest should be a string, not {type(value).__name__}")


def _gate_from(g: dict[str, Any], version: int) -> GateResult:
    return GateResult(
        g["id"],
        g["name"],
        Status(g["status"]),
        g["blocking"],
        tuple(_check_from(c, version) for c in g["checks"]),
        g.get("duration", 0.0),
        g.get("project"),
    )


def _check_from(c: dict[str, Any], version: int) -> CheckResult:
    return CheckResult(
        id=c["id"],
        adapter=c["adapter"],
        status=Status(c["status"]),
        blocking=c["blocking"],
        name=c.get("name"),
        error=c.get("error"),
        metrics={k: _measurement_from(k, m) for k, m in c.get("metrics", {}).items()},
        conditions=tuple(_condition_from(x) for x in c.get("conditions", [])),
        findings=tuple(finding_from_dict(f, version) for f in c.get("findings", [])),
        waivers=tuple(WaiverNote(**w) for w in c.get("waivers", [])),
        sources=tuple(c.get("sources", [])),
        duration=c.get("duration", 0.0),
    )


def _measurement_from(name: str, m: dict[str, Any]) -> Measurement:
    """A saved metric, refused when its value is not of its kind (a number, finite, or a
    word); the engine checks a baseline's values against their domains."""
    measurement = Measurement(m["value"], Unit(m["unit"]))
    fault = value_fault(measurement, ANY_NUMBER)
    if fault is not None:
        raise ValueError(f"metric {name!r} is {fault}")
    if isinstance(measurement.value, int):
        return Measurement(float(measurement.value), measurement.unit)
    return measurement


def _condition_from(c: dict[str, Any]) -> ConditionResult:
    return ConditionResult(
        c["expr"],
        c["metric"],
        Status(c["status"]),
        c["message"],
        c.get("actual"),
        c.get("threshold"),
        Unit(c["unit"]) if c.get("unit") else None,
        c.get("operator"),
        _history_note(c.get("history")),
    )


def _history_note(data: Any) -> HistoryNote | None:
    if not isinstance(data, dict):
        return None
    value = data.get("value")
    if value in ("inf", "-inf"):
        value = float(value)
    return HistoryNote(
        str(data.get("statistic", "")),
        value if isinstance(value, (int, float)) else None,
        str(data.get("window", "")),
        str(data.get("branch", "")),
        int(data.get("runs", 0)),
        str(data.get("detail", "")),
    )


def read_result(path: str | Path) -> RunResult:
    """A RunResult from a saved JSON result file; ReportError naming the file otherwise."""
    try:
        data = read_regular(Path(path), MAX_RESULT_BYTES, "saved result")
    except UnreadableFile as exc:
        raise ReportError(str(exc)) from None
    try:
        document = parse_json(data, str(path), "qualitygates result")
    except InvalidJson as exc:
        reason = str(exc) if exc.strict else f"{path} is not a qualitygates JSON result (not JSON)"
        raise ReportError(f"{reason}: give the file that 'qualitygates run --json' wrote") from None
    try:
        return result_from_dict(document)
    except ReportError as exc:
        raise ReportError(f"{path}: {exc}") from None
