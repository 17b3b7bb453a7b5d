"""The GitLab Code Quality report: findings as the Code Climate subset GitLab reads.

`artifacts:reports:codequality` takes a JSON array of issues with `description`,
`check_name`, `fingerprint`, `severity` (info, minor, major, critical, blocker),
`location.path` and `location.lines.begin` (docs.gitlab.com/ci/testing/code_quality).
Only findings that are not waived and that name a file are listed: the merge request
widget shows issues on files. GitLab diffs source and target reports by fingerprint, so the
fingerprint never contains a line number; findings that share one (the same rule twice in a
file) are told apart by their order, which keeps each stable while the code above moves.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from qualitygates.model import Finding, RunResult, Severity
from qualitygates.reports.interface import NO_CONTEXT, ReportContext, Reporter

# One level each: our five severities map onto Code Climate's five; unknown is not played down.
SEVERITIES = {
    Severity.CRITICAL: "blocker",
    Severity.HIGH: "critical",
    Severity.MEDIUM: "major",
    Severity.UNKNOWN: "major",
    Severity.LOW: "minor",
    Severity.INFO: "info",
}


class CodeQualityReporter(Reporter):
    """GitLab Code Quality (Code Climate JSON) for the merge-request widget."""

    name = "codequality"
    description = "GitLab Code Quality JSON: unwaived findings that have a file"

    def render(self, result: RunResult, context: ReportContext = NO_CONTEXT) -> bytes:
        seen: dict[str, int] = {}
        issues = []
        for gate in result.gates:
            for check in gate.checks:
                for finding in check.findings:
                    if finding.waived or not finding.location.path:
                        continue
                    base = _identity(finding)
                    seen[base] = seen.get(base, 0) + 1
                    issues.append(_issue(finding, f"{base}\x1f{seen[base]}"))
        return (json.dumps(issues, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _identity(finding: Finding) -> str:
    if finding.fingerprint:
        return f"{finding.tool}\x1f{finding.fingerprint}"
    return "\x1f".join([finding.tool, finding.rule or finding.id, finding.location.path or ""])


def _issue(finding: Finding, identity: str) -> dict[str, Any]:
    path = (finding.location.path or "").replace("\\", "/").removeprefix("./")
    line = finding.location.line if finding.location.line and finding.location.line > 0 else 1
    return {
        "description": _description(finding),
        "check_name": finding.rule or finding.id,
        "fingerprint": hashlib.md5(identity.encode("utf-8"), usedforsecurity=False).hexdigest(),
        "severity": SEVERITIES[finding.severity],
        "location": {"path": path, "lines": {"begin": line}},
    }


def _description(finding: Finding) -> str:
    message = " ".join(finding.message.split()) or finding.id
    return f"{finding.tool}: {message}"
