"""The SARIF report: every finding of every adapter in one SARIF 2.1.0 file.

For GitHub code scanning (`github/codeql-action/upload-sarif`) and any other SARIF viewer:
one run per tool (the driver is named after `finding.tool`), its rules, and one result per
finding with a level from its severity, its location, our fingerprint in
`partialFingerprints`, and waived findings as external suppressions with the waiver's reason.
A rule is tagged `security` (with GitHub's `security-severity`) when a finding of it is a
vulnerability, a secret or a weakness, or has a CWE or a package URL; each result's
properties carry the finding's kind, purl, CWE ids, occurrences and tool-specific `extra`.

Code scanning refuses a result without a location ("expected at least one location",
github/codeql-action #2459), so a finding that names only a package is placed on the
report it came from (the check's first source), with the package as a logical location.
A run with no findings still yields one empty run, so an upload clears fixed alerts.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from qualitygates.model import CheckResult, Finding, GateResult, RunResult, Severity
from qualitygates.reports.interface import NO_CONTEXT, ReportContext, Reporter

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "qualitygates/v1"

LEVELS = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.UNKNOWN: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}
# GitHub shows a security rule's `security-severity` (a CVSS-like score) as critical/high/...
SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.UNKNOWN: "5.5",
    Severity.LOW: "2.0",
    Severity.INFO: "0.0",
}

_Item = tuple[GateResult, CheckResult, Finding]


class SarifReporter(Reporter):
    """One SARIF 2.1.0 log, one run per tool, for code-scanning upload."""

    name = "sarif"
    description = "SARIF 2.1.0: every finding, one run per tool, waivers as suppressions"

    def render(self, result: RunResult, context: ReportContext = NO_CONTEXT) -> bytes:
        by_tool: dict[str, list[_Item]] = {}
        for item in _findings(result):
            by_tool.setdefault(item[2].tool, []).append(item)
        runs = [_run(tool, items, result) for tool, items in by_tool.items()]
        log = {
            "$schema": SCHEMA_URI,
            "version": "2.1.0",
            "runs": runs or [_run("qualitygates", [], result)],
        }
        # Compact: json's C encoder only runs without indent (200k results: 3 s, not 15 s),
        # and code scanning limits the upload's size.
        text = json.dumps(log, ensure_ascii=False, separators=(",", ":"))
        return (text + "\n").encode("utf-8")


def _findings(result: RunResult) -> Iterator[_Item]:
    for gate in result.gates:
        for check in gate.checks:
            for finding in check.findings:
                yield gate, check, finding


def rule_id(finding: Finding) -> str:
    """The SARIF rule of a finding: its rule, else its id (a CVE names itself)."""
    return finding.rule or finding.id


def _run(tool: str, items: list[_Item], result: RunResult) -> dict[str, Any]:
    rules: dict[str, dict[str, Any]] = {}
    index: dict[str, int] = {}
    results = []
    for gate, check, finding in items:
        rid = rule_id(finding)
        if rid not in rules:
            index[rid] = len(rules)
            rules[rid] = {"id": rid}
        _describe_rule(rules[rid], finding)
        results.append(_result(gate, check, finding, index[rid], result))
    driver: dict[str, Any] = {"name": tool, "rules": list(rules.values())}
    if tool == "qualitygates":
        driver["version"] = result.version
    return {
        "tool": {"driver": driver},
        "automationDetails": {"id": f"qualitygates/{tool}/"},
        "results": results,
    }


def _describe_rule(rule: dict[str, Any], finding: Finding) -> None:
    """A rule's level is the worst of its results; security rules get GitHub's score."""
    order = ["note", "warning", "error"]
    level = LEVELS[finding.severity]
    current = rule.get("defaultConfiguration", {}).get("level")
    if current is None or order.index(level) > order.index(current):
        rule["defaultConfiguration"] = {"level": level}
    if not finding.is_security:
        return
    properties = rule.setdefault("properties", {"tags": ["security"]})
    score = SECURITY_SEVERITY[finding.severity]
    if float(score) > float(properties.get("security-severity", "-1")):
        properties["security-severity"] = score


def _result(
    gate: GateResult, check: CheckResult, finding: Finding, index: int, run: RunResult
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "ruleId": rule_id(finding),
        "ruleIndex": index,
        "level": LEVELS[finding.severity],
        "message": {"text": finding.message or finding.id},
        "locations": [_location(finding, check, run)],
        "properties": _properties(gate, check, finding),
    }
    if finding.fingerprint:
        out["partialFingerprints"] = {FINGERPRINT_KEY: finding.fingerprint}
    if finding.waived:
        out["suppressions"] = [
            {"kind": "external", "status": "accepted", "justification": finding.waiver_reason or ""}
        ]
    return out


def _properties(gate: GateResult, check: CheckResult, finding: Finding) -> dict[str, Any]:
    """The result's property bag: where it was judged and the finding's typed fields."""
    properties: dict[str, Any] = {
        "severity": finding.severity.value,
        "gate": gate.id,
        "check": check.id,
        "id": finding.id,
        "kind": finding.kind.value,
    }
    if finding.purl:
        properties["purl"] = finding.purl
    if finding.cwe:
        properties["cwe"] = [f"CWE-{number}" for number in finding.cwe]
    if finding.occurrences != 1:
        properties["occurrences"] = finding.occurrences
    if finding.extra:
        properties["extra"] = dict(finding.extra)
    return properties


def _location(finding: Finding, check: CheckResult, run: RunResult) -> dict[str, Any]:
    loc = finding.location
    path = loc.path or (check.sources[0] if check.sources else run.policy_path)
    physical: dict[str, Any] = {"artifactLocation": {"uri": to_uri(path)}}
    if loc.path and loc.line and loc.line > 0:
        physical["region"] = {"startLine": loc.line}
        if loc.column and loc.column > 0:
            physical["region"]["startColumn"] = loc.column
    location: dict[str, Any] = {"physicalLocation": physical}
    if loc.package:
        location["logicalLocations"] = [{"name": loc.package, "kind": "module"}]
    return location


@functools.lru_cache(maxsize=4096)  # many findings share a file
def to_uri(path: str) -> str:
    """A file path as a SARIF URI: relative paths stay relative, absolute ones become file://."""
    posix = path.replace("\\", "/")
    if "://" in posix:
        return posix
    if posix.startswith("/") or (len(posix) > 1 and posix[1] == ":"):
        return "file://" + quote("/" + posix.lstrip("/"), safe="/:")
    return quote(posix.removeprefix("./"))
