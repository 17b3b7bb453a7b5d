"""A check's `severity_map`: the policy's own severities for the findings of some rules.

Each entry maps a glob of a rule or a finding id (`D*`, `S608`, `CVE-2024-*`) to a severity;
the first entry that matches a finding's rule, else its id, sets its severity. Only the
severity changes, so the order and colour a finding is shown in: every metric counts the
tool's own levels, as without the map.
"""

from __future__ import annotations

import dataclasses
from fnmatch import fnmatchcase

from qualitygates.model import Finding, Severity

SeverityMap = tuple[tuple[str, Severity], ...]


def mapped(severity_map: SeverityMap, findings: tuple[Finding, ...]) -> tuple[Finding, ...]:
    """`findings` with the severities `severity_map` gives them (the same tuple without one)."""
    if not severity_map:
        return findings
    return tuple(_mapped(severity_map, finding) for finding in findings)


def _mapped(severity_map: SeverityMap, finding: Finding) -> Finding:
    for pattern, severity in severity_map:
        if fnmatchcase(finding.rule or "", pattern) or fnmatchcase(finding.id, pattern):
            if severity is finding.severity:
                return finding
            return dataclasses.replace(finding, severity=severity)
    return finding
