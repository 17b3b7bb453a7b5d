"""One rich result with every status, waivers, unicode and long messages, for reporters."""

from __future__ import annotations

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
    WaiverNote,
)

LONG = "ünïcødé ✓ " + "x" * 3000


def rich_result() -> RunResult:
    coverage = CheckResult(
        id="coverage",
        adapter="coverage",
        status=Status.FAILED,
        blocking=True,
        metrics={"line_rate": Measurement(72.5, Unit.PERCENT)},
        conditions=(
            ConditionResult(
                "line_rate >= 80%",
                "line_rate",
                Status.FAILED,
                "line_rate 72.5% is not >= 80%",
                72.5,
                80.0,
                Unit.PERCENT,
                ">=",
            ),
            ConditionResult(
                "branch_rate >= 70%",
                "branch_rate",
                Status.WARNED,
                "branch_rate 65% is not >= 70%",
                65.0,
                70.0,
                Unit.PERCENT,
                ">=",
            ),
            ConditionResult(
                "files > 0", "files", Status.PASSED, "files 3 is > 0", 3.0, 0.0, Unit.COUNT, ">"
            ),
        ),
        duration=0.0123,
    )
    trivy = CheckResult(
        id="image",
        adapter="trivy",
        status=Status.ERROR,
        blocking=True,
        error="trivy.json is not valid Trivy JSON: Expecting value at line 1 column 1 (the file looks truncated)",
        conditions=(
            ConditionResult(
                "vulnerabilities.critical == 0",
                "vulnerabilities.critical",
                Status.ERROR,
                "trivy.json is not valid Trivy JSON",
                operator="==",
            ),
        ),
    )
    scan = CheckResult(
        id="deps",
        adapter="snyk",
        status=Status.PASSED,
        blocking=False,
        conditions=(
            ConditionResult(
                "vulnerabilities.high == 0",
                "vulnerabilities.high",
                Status.PASSED,
                "vulnerabilities.high 0 is == 0",
                0.0,
                0.0,
                Unit.COUNT,
                "==",
            ),
        ),
        findings=(
            Finding(
                "CVE-2024-0001",
                "snyk",
                Severity.CRITICAL,
                LONG,
                rule="CVE-2024-0001",
                location=Location(package="openssl@3.0.1"),
                kind=FindingKind.VULNERABILITY,
                cwe=(787,),
                waived=True,
                waiver_reason="not reachable",
            ),
            Finding(
                "B101",
                "bandit",
                Severity.LOW,
                "assert used",
                location=Location("app/ü.py", 12, column=5),
                kind=FindingKind.LINT,
                extra={"level": "note", "confidence": "high"},
            ),
        ),
        waivers=(
            WaiverNote("CVE-2024-0001", "applied", "not reachable", "2026-12-31", "sec-team", 1),
            WaiverNote("CVE-1999-0001", "expired", "old", "2020-01-01", None, 0),
        ),
    )
    skipped = CheckResult(
        id="load",
        adapter="k6",
        status=Status.SKIPPED,
        blocking=True,
        error="not selected with --gate",
    )
    return RunResult(
        status=Status.FAILED,
        gates=(
            GateResult("code-quality", "Code quality", Status.FAILED, True, (coverage,), 0.0123),
            GateResult("security", "Security", Status.ERROR, True, (trivy, scan)),
            GateResult("performance", "Performance", Status.SKIPPED, True, (skipped,)),
        ),
        started_at="2026-11-24T12:00:00+00:00",
        duration=0.5,
        policy_path="/repo/gates.yaml",
        version="0.1.0",
    )
