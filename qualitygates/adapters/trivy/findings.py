"""Findings from one Trivy report's `Results[]`, with the gated subset and ignore file applied.

A finding's `category` names its kind (`vulnerability`, `misconfiguration`, `secret`,
`license`); findings outside the gated subset get the suffix `/ungated`, so they are listed
but not counted. The parser keeps only the keys in `KEEP`: a secret's `Match` and `Code`
never reach memory.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

from qualitygates.adapters.interface import fingerprint
from qualitygates.adapters.trivy.ignore import IgnoreEntry, IgnoreRules
from qualitygates.errors import AdapterError
from qualitygates.model import Finding, Location, Severity

TOOL = "trivy"
SEVERITIES = ("critical", "high", "medium", "low", "unknown")
#: The metric family of each finding kind (a finding's category).
FAMILIES = {
    "vulnerability": "vulnerabilities",
    "misconfiguration": "misconfigurations",
    "secret": "secrets",
    "license": "licenses",
}
UNGATED = "/ungated"

_KEEP_WORDS = """SchemaVersion CreatedAt ArtifactName ArtifactType Metadata Commit Results Target
Class Vulnerabilities Misconfigurations Secrets Licenses ExperimentalModifiedFindings Type Status
Statement Source Finding VulnerabilityID PkgName PkgPath PkgIdentifier PURL InstalledVersion
FixedVersion Severity Title runs ID AVDID Message CauseMetadata StartLine RuleID Name FilePath
Category"""
#: The only keys the parser keeps, at any depth; everything else is dropped while parsing.
KEEP = frozenset(_KEEP_WORDS.split())

_ARRAYS = (
    ("Vulnerabilities", "vulnerability"),
    ("Misconfigurations", "misconfiguration"),
    ("Secrets", "secret"),
    ("Licenses", "license"),
)
_ID_KEY = {
    "vulnerability": "VulnerabilityID",
    "misconfiguration": "ID",
    "secret": "RuleID",
    "license": "Name",
}
_SEVERITY = {s.upper(): Severity(s) for s in SEVERITIES}


class Subset(Protocol):
    """Decides whether a finding counts toward the gate (the adapter's options)."""

    def counts(
        self, kind: str, severity: Severity, klass: str | None, status: str, fixable: bool
    ) -> bool: ...


class ReportReader:
    """Turns one report's results into findings, applying the subset and the ignore file."""

    def __init__(self, path: Path, subset: Subset, rules: IgnoreRules) -> None:
        self.path, self.subset, self.rules = path, subset, rules

    def findings(self, report: dict[str, Any]) -> Iterator[Finding]:
        """Every finding of the report, in report order; Trivy-suppressed ones waived."""
        results = report.get("Results")
        results = [] if results is None else results
        self._expect(results, list, "Results", "an array")
        for index, result in enumerate(results):
            where = f"Results[{index}]"
            self._expect(result, dict, where, "an object")
            target = _text(result.get("Target"))
            klass = _text(result.get("Class")) or None
            for key, kind in _ARRAYS:
                for item in self._items(result, key, where):
                    finding = build_finding(kind, item, target, self.path, f"{where}.{key}")
                    if finding is not None:
                        yield self._decide(finding, kind, item, target, klass)
            for item in self._items(result, "ExperimentalModifiedFindings", where):
                finding = _suppressed(
                    item, target, self.path, f"{where}.ExperimentalModifiedFindings"
                )
                if finding is not None:
                    yield finding

    def _items(self, result: dict[str, Any], key: str, where: str) -> list[dict[str, Any]]:
        items = result.get(key)
        items = [] if items is None else items
        self._expect(items, list, f"{where}.{key}", "an array")
        for number, item in enumerate(items):
            self._expect(item, dict, f"{where}.{key}[{number}]", "an object")
        return items

    def _expect(self, value: Any, kind: type, where: str, expected: str) -> None:
        if not isinstance(value, kind):
            raise AdapterError(
                f"{self.path}: {where} should be {expected}: this is not a Trivy JSON report"
            )

    def _decide(
        self, finding: Finding, kind: str, item: dict[str, Any], target: str, klass: str | None
    ) -> Finding:
        entry = self._ignored(kind, item, target, finding) if self.rules.any else None
        if entry is not None:
            return dataclasses.replace(finding, waived=True, waiver_reason=entry.reason)
        status = _text(item.get("Status")).lower() or "unknown"
        if self.subset.counts(kind, finding.severity, klass, status, finding.fixable):
            return finding
        return dataclasses.replace(finding, category=kind + UNGATED)

    def _ignored(
        self, kind: str, item: dict[str, Any], target: str, finding: Finding
    ) -> IgnoreEntry | None:
        if kind == "vulnerability":
            return self.rules.vulnerability(
                finding.id, target, _text(item.get("PkgPath")), finding.purl
            )
        if kind == "misconfiguration":
            return self.rules.misconfiguration(
                _text(item.get("ID")), _text(item.get("AVDID")), target
            )
        if kind == "secret":
            return self.rules.secret(finding.id, target)
        return self.rules.license(finding.id, _text(item.get("FilePath")))


def build_finding(
    kind: str, item: dict[str, Any], target: str, path: Path, where: str
) -> Finding | None:
    """One finding from a vulnerability, misconfiguration, secret or license object."""
    if kind == "misconfiguration" and _text(item.get("Status")) not in ("FAIL", ""):
        return None  # PASS and EXCEPTION are not findings (--include-non-failures lists them)
    ident = _text(item.get(_ID_KEY[kind])) or (
        _text(item.get("AVDID")) if kind == "misconfiguration" else ""
    )
    if not ident:
        raise AdapterError(
            f"{path}: {where} has an entry without {_ID_KEY[kind]}: this is not Trivy JSON"
        )
    severity = _SEVERITY.get(_text(item.get("Severity")).upper(), Severity.UNKNOWN)
    title = _text(item.get("Title"))
    if kind == "vulnerability":
        return _vulnerability(ident, severity, title, item, target)
    if kind == "license":
        return _license(ident, severity, item, target)
    cause = item.get("CauseMetadata") if kind == "misconfiguration" else item
    line = cause.get("StartLine") if isinstance(cause, dict) else None
    return Finding(
        id=ident,
        tool=TOOL,
        severity=severity,
        message=title or _text(item.get("Message")) or ident,
        rule=ident,
        location=Location(target or None, line if type(line) is int and line > 0 else None),
        fingerprint=fingerprint(TOOL, ident, target),
        category=kind,
    )


def _vulnerability(
    ident: str, severity: Severity, title: str, item: dict[str, Any], target: str
) -> Finding:
    name, version = _text(item.get("PkgName")), _text(item.get("InstalledVersion"))
    package = f"{name}@{version}" if version else name
    identifier = item.get("PkgIdentifier")
    purl = _text(identifier.get("PURL")) if isinstance(identifier, dict) else ""
    return Finding(
        id=ident,
        tool=TOOL,
        severity=severity,
        message=title or f"{ident} in {package}",
        rule=ident,
        location=Location(target or None, None, package or None),
        fixable=bool(item.get("FixedVersion")),
        fingerprint=fingerprint(TOOL, ident, package, target),
        purl=purl or None,
        category="vulnerability",
    )


def _license(ident: str, severity: Severity, item: dict[str, Any], target: str) -> Finding:
    package = _text(item.get("PkgName"))
    file_path = _text(item.get("FilePath")) or target
    category = _text(item.get("Category"))
    message = (
        f"license {ident}"
        + (f" ({category})" if category else "")
        + (f" in {package}" if package else "")
    )
    return Finding(
        id=ident,
        tool=TOOL,
        severity=severity,
        message=message,
        rule=ident,
        location=Location(file_path or None, None, package or None),
        fingerprint=fingerprint(TOOL, ident, package or file_path),
        category="license",
    )


def _suppressed(item: dict[str, Any], target: str, path: Path, where: str) -> Finding | None:
    """A finding Trivy suppressed itself (VEX, ignore file, Rego), listed as waived."""
    kind = _text(item.get("Type"))
    inner = item.get("Finding")
    if kind not in FAMILIES or not isinstance(inner, dict):
        return None
    finding = build_finding(kind, inner, target, path, f"{where}.Finding")
    if finding is None:
        return None
    detail = "; ".join(_text(item.get(k)) for k in ("Statement", "Source") if _text(item.get(k)))
    reason = f"trivy: {_text(item.get('Status')) or 'ignored'}" + (f" ({detail})" if detail else "")
    return dataclasses.replace(finding, waived=True, waiver_reason=reason)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""
