"""Small RunResults for the history tests, built by hand."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from qualitygates.model import (
    CheckResult,
    ConditionResult,
    Finding,
    FindingKind,
    GateResult,
    Location,
    Measurement,
    RunResult,
    Severity,
    Status,
    Unit,
)

Metrics = Mapping[str, tuple[float | str, Unit]]


def check(
    check_id: str,
    metrics: Metrics,
    status: Status = Status.PASSED,
    findings: Sequence[Finding] = (),
) -> CheckResult:
    """A check with these metrics and findings."""
    return CheckResult(
        id=check_id,
        adapter="fake",
        status=status,
        blocking=True,
        metrics={k: Measurement(v, u) for k, (v, u) in metrics.items()},
        findings=tuple(findings),
        duration=0.25,
    )


def finding(fid: str, fingerprint: str, message: str = "found", waived: bool = False) -> Finding:
    """A high-severity finding."""
    return Finding(
        id=fid,
        tool="fake",
        severity=Severity.HIGH,
        message=message,
        location=Location(path="app.py", line=3),
        fingerprint=fingerprint,
        waived=waived,
        waiver_reason="accepted" if waived else None,
    )


def result(
    *gates: GateResult, status: Status | None = None, started_at: str = "2026-01-05T10:00:00+00:00"
) -> RunResult:
    """A run of these gates; its status is the worst of theirs unless given."""
    return RunResult(
        status=status or Status.worst([g.status for g in gates]),
        gates=gates,
        started_at=started_at,
        duration=1.5,
        policy_path="gates.yaml",
        version="0.1.0",
    )


def gate(gate_id: str, *checks: CheckResult, status: Status | None = None) -> GateResult:
    """A gate of these checks; its status is the worst of theirs unless given."""
    return GateResult(
        id=gate_id,
        name=gate_id.title(),
        status=status or Status.worst([c.status for c in checks]),
        blocking=True,
        checks=checks,
        duration=0.5,
    )


def coverage_run(total: float, status: Status = Status.PASSED) -> RunResult:
    """A one-gate run: quality.coverage with `total`, and security.trivy with one finding."""
    quality = gate("quality", check("coverage", {"total": (total, Unit.PERCENT)}, status))
    trivy = check(
        "trivy",
        {"vulnerabilities.critical": (0, Unit.COUNT)},
        findings=[
            finding("CVE-2024-1", "fp-cve-1"),
            finding("CVE-2024-2", "fp-cve-2", waived=True),
        ],
    )
    return result(quality, gate("security", trivy))


def junit_check(
    failed: Sequence[str] = (),
    check_id: str = "unit",
    error: str | None = None,
    waived: Sequence[str] = (),
) -> CheckResult:
    """A JUnit check that failed these tests (`waived`: failed too, but waived); with
    `error`, one whose report could not be read."""
    findings = [
        Finding(
            id=test,
            tool="junit",
            severity=Severity.HIGH,
            message="failure",
            kind=FindingKind.FAILED_TEST,
            rule="failure",
            waived=test in waived,
            waiver_reason="known flaky" if test in waived else None,
        )
        for test in (*failed, *waived)
    ]
    unwaived = len(failed)
    status = Status.ERROR if error else Status.FAILED if unwaived else Status.PASSED
    condition = ConditionResult("failures == 0", "failures", status, f"{unwaived} failures")
    return CheckResult(
        id=check_id,
        adapter="junit",
        status=status,
        blocking=True,
        error=error,
        metrics={} if error else {"failures": Measurement(unwaived, Unit.COUNT)},
        conditions=() if error else (condition,),
        findings=() if error else tuple(findings),
    )
