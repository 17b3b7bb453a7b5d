"""Findings from one Trivy report's `Results[]`, with the gated subset and ignore file applied.

A finding's `kind` is Trivy's (`vulnerability`, `misconfiguration`, `secret`, `license`);
findings outside the gated subset get `extra["ungated"]`, so they are listed but not
counted. The parser keeps only the keys in `KEEP`: a secret's `Match` and `Code`
never reach memory.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

from qualitygates.adapters.trivy.ignore import IgnoreEntry, IgnoreRules
from qualitygates.adapters.trivy.vulns import (
    TOOL,
    bad_severity,
    severity,
    vulnerability_finding,
)
from qualitygates.errors import AdapterError
from qualitygates.model import Finding, FindingKind, Location, Severity

#: The metric family of each finding kind (Trivy's kinds are `FindingKind` values).
FAMILIES = {
    "vulnerability": "vulnerabilities",
    "misconfiguration": "misconfigurations",
    "secret": "secrets",
    "license": "licenses",
}
#: The `extra` key of a finding outside the gated subset: listed, not counted.
UNGATED = "ungated"

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


#: Findings made while parsing: id of a Vulnerabilities array -> (the array, its findings).
Streamed = dict[int, tuple[list[Any], list[Finding]]]


class Subset(Protocol):
    """Decides whether a finding counts toward the gate (the adapter's options)."""

    #: True when every finding counts (no option narrows the gate).
    everything: bool

    def counts(
        self, kind: str, severity: Severity, klass: str | None, status: str, fixable: bool
    ) -> bool: ...


class ReportReader:
    """Turns one report's results into findings, applying the subset and the ignore file."""

    def __init__(self, path: Path, subset: Subset, rules: IgnoreRules) -> None:
        self.path, self.subset, self.rules = path, subset, rules
        self._plain = subset.everything and not rules.any  # every finding counts as made

    def findings(
        self, report: dict[str, Any], streamed: Streamed | None = None
    ) -> Iterator[Finding]:
        """Every finding of the report, in report order; Trivy-suppressed ones waived.

        `streamed` maps a Vulnerabilities array (by id) to the findings made of its first
        items while parsing (`vulnerability`), which were then taken out of the array.
        """
        results = report.get("Results")
        results = [] if results is None else results
        self._expect(results, list, "Results", "an array")
        for index, result in enumerate(results):
            where = f"Results[{index}]"
            self._expect(result, dict, where, "an object")
            target = _text(result.get("Target"))
            klass = _text(result.get("Class")) or None
            for key, kind in _ARRAYS:
                items = result.get(key)
                array, done = (streamed or {}).get(id(items), (None, []))
                done = done if array is items else []
                yield from done
                for item in self._items(items, f"{where}.{key}", len(done)):
                    finding = build_finding(kind, item, target, self.path, f"{where}.{key}")
                    if finding is not None:
                        yield self._decide(finding, kind, item, target, klass)
            where = f"{where}.ExperimentalModifiedFindings"
            for item in self._items(result.get("ExperimentalModifiedFindings"), where):
                finding = _suppressed(item, target, self.path, where)
                if finding is not None:
                    yield finding

    def _items(self, items: Any, where: str, first: int = 0) -> list[dict[str, Any]]:
        """`items` checked to be an array of objects (the first numbered `first`)."""
        items = [] if items is None else items
        self._expect(items, list, where, "an array")
        for number, item in enumerate(items, first):
            self._expect(item, dict, f"{where}[{number}]", "an object")
        return items  # type: ignore[no-any-return]

    def vulnerabilities(
        self, items: list[Any], end: int, target: str, klass: str | None, out: list[Finding]
    ) -> int:
        """Append the findings of `items[:end]` to `out` as `findings` makes them; stop at
        the first that is not a well-formed vulnerability (`findings` then says what is
        wrong). Return how many were made."""
        make, plain = vulnerability_finding, self._plain
        for number in range(end):
            item = items[number]
            finding = make(item, target) if type(item) is dict else None
            if finding is None:
                return number
            if not plain:
                finding = self._decide(finding, "vulnerability", item, target, klass)
            out.append(finding)
        return end

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
        return dataclasses.replace(finding, extra={**finding.extra, UNGATED: True})

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
    level = severity(item.get("Severity"))
    if kind == "vulnerability":
        finding = vulnerability_finding(item, target)
        if finding is None and level is None:
            raise AdapterError(bad_severity(path, where, item.get("Severity")))
        if finding is None:
            raise AdapterError(
                f"{path}: {where} has an entry without VulnerabilityID: this is not Trivy JSON"
            )
        return finding
    if kind == "misconfiguration" and _text(item.get("Status")) not in ("FAIL", ""):
        return None  # PASS and EXCEPTION are not findings (--include-non-failures lists them)
    ident = _text(item.get(_ID_KEY[kind])) or (
        _text(item.get("AVDID")) if kind == "misconfiguration" else ""
    )
    if not ident:
        raise AdapterError(
            f"{path}: {where} has an entry without {_ID_KEY[kind]}: this is not Trivy JSON"
        )
    if level is None:
        raise AdapterError(bad_severity(path, where, item.get("Severity")))
    title = _text(item.get("Title"))
    if kind == "license":
        return _license(ident, level, item, target)
    cause = item.get("CauseMetadata") if kind == "misconfiguration" else item
    line = cause.get("StartLine") if isinstance(cause, dict) else None
    return Finding(
        id=ident,
        tool=TOOL,
        severity=level,
        message=title or _text(item.get("Message")) or ident,
        rule=ident,
        location=Location(target or None, line if type(line) is int and line > 0 else None),
        kind=FindingKind(kind),
        identity=(TOOL, ident, target),
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
        kind=FindingKind.LICENSE,
        extra={"license_category": category} if category else {},
        identity=(TOOL, ident, package or file_path),
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
