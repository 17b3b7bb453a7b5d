"""Golden files of the reporters, and small results to render in their tests.

`QUALITYGATES_UPDATE_GOLDEN=1 pytest tests/reports` rewrites the golden files.
"""

from __future__ import annotations

import os
from pathlib import Path

from qualitygates.model import (
    CheckResult,
    Finding,
    GateResult,
    Location,
    RunResult,
    Severity,
    Status,
)

HERE = Path(__file__).parent


def assert_golden(name: str, actual: bytes) -> None:
    """`actual` equals the golden file `name`; with the update switch on, it becomes it."""
    path = HERE / name
    if os.environ.get("QUALITYGATES_UPDATE_GOLDEN") == "1":
        path.write_bytes(actual)
        return
    assert path.is_file(), f"{path} is missing: run with QUALITYGATES_UPDATE_GOLDEN=1 to create it"
    expected = path.read_bytes().decode("utf-8")
    assert actual.decode("utf-8") == expected, (
        f"{name} differs from its golden file (QUALITYGATES_UPDATE_GOLDEN=1 accepts the new one)"
    )


def finding(
    id: str = "R1",
    severity: Severity = Severity.HIGH,
    message: str = "something is wrong",
    path: str | None = "src/app.py",
    line: int | None = 3,
    **fields: object,
) -> Finding:
    """A finding with sensible defaults."""
    fields.setdefault("tool", "ruff")
    fields.setdefault("location", Location(path, line))
    return Finding(id, severity=severity, message=message, **fields)  # type: ignore[arg-type]


def with_findings(
    *findings: Finding, gate_id: str = "security", check_id: str = "scan"
) -> RunResult:
    """A failed run of one gate with one check that found `findings`."""
    check = CheckResult(
        check_id, "sarif", Status.FAILED, True, findings=findings, sources=("/ci/scan.sarif",)
    )
    gate = GateResult(gate_id, "Security", Status.FAILED, True, (check,))
    return RunResult(
        Status.FAILED, (gate,), "2026-11-24T12:00:00+00:00", 1.0, "/repo/gates.yaml", "0.1.0"
    )
