"""Findings in the result JSON: written as `qualitygates/result/v2`, read from v2 and v1.

A v2 finding holds every field of `Finding`. A v1 finding (results, baselines and history
rows of earlier versions) had one `category` string instead of `kind`, `cwe` and `extra`:
it held a kind (`vulnerability`), an adapter's name (`docs`), `CWE-79`, a SARIF level
(`error/security` when graded for security), a pylint message type, or a Trivy kind
outside the gated subset (`secret/ungated`). `v1_category` maps it back, and a v1
finding's fingerprint is kept as written, so baselines and history still match.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from qualitygates.finding import NO_EXTRA, Finding, FindingKind, JsonScalar, Location, Severity

#: What a v1 `category` that named a kind or an adapter means.
_V1_KINDS = {
    "vulnerability": FindingKind.VULNERABILITY,
    "secret": FindingKind.SECRET,
    "license": FindingKind.LICENSE,
    "misconfiguration": FindingKind.MISCONFIGURATION,
    "docs": FindingKind.READINESS,
    "alerts": FindingKind.READINESS,
    "dashboards": FindingKind.READINESS,
    "attestations": FindingKind.READINESS,
    "evidence": FindingKind.READINESS,
    "coverage": FindingKind.COVERAGE_GAP,
    "duplication": FindingKind.CLONE,
    "complexity": FindingKind.COMPLEXITY,
}
#: The kind of a v1 finding whose category says none (or none known), by tool.
_V1_TOOL_KINDS = {
    "junit": FindingKind.FAILED_TEST,
    "eslint": FindingKind.LINT,
    "ruff": FindingKind.LINT,
    "dependency_check": FindingKind.VULNERABILITY,
    "snyk": FindingKind.VULNERABILITY,
}
_SARIF_LEVELS = frozenset({"error", "warning", "note", "none"})
_PYLINT_TYPES = frozenset({"fatal", "error", "warning", "refactor", "convention", "info"})
_ADVISORY_PREFIXES = ("CVE-", "GHSA-")


def finding_to_dict(finding: Finding) -> dict[str, Any]:
    """A finding as the v2 result holds it: every field."""
    loc = finding.location
    return {
        "id": finding.id,
        "tool": finding.tool,
        "kind": finding.kind.value,
        "rule": finding.rule,
        "severity": finding.severity.value,
        "message": finding.message,
        "location": {
            "path": loc.path,
            "line": loc.line,
            "column": loc.column,
            "package": loc.package,
        },
        "fingerprint": finding.fingerprint,
        "fixable": finding.fixable,
        "purl": finding.purl,
        "cwe": list(finding.cwe),
        "occurrences": finding.occurrences,
        "extra": dict(finding.extra),
        "waived": finding.waived,
        "waiver_reason": finding.waiver_reason,
    }


def finding_from_dict(f: dict[str, Any], version: int) -> Finding:
    """A finding of a v2 (or, with `version` 1, a v1) result; KeyError, TypeError or
    ValueError when it is damaged."""
    loc = f.get("location") or {}
    if version == 1:
        kind, cwe, v1_extra = v1_category(f.get("category"), f["tool"], f["id"])
        extra, occurrences, column = v1_extra or NO_EXTRA, 1, None
    else:
        kind, cwe = FindingKind(f["kind"]), _cwe(f.get("cwe", []))
        extra, occurrences = _extra(f.get("extra", {})), _whole(f.get("occurrences", 1), 1)
        column = loc.get("column")
        column = None if column is None else _whole(column, 0)
    return Finding(
        id=f["id"],
        tool=f["tool"],
        severity=Severity(f["severity"]),
        message=f.get("message", ""),
        rule=f.get("rule"),
        location=Location(loc.get("path"), loc.get("line"), loc.get("package"), column),
        fixable=f.get("fixable", False),
        fingerprint=f.get("fingerprint") or "",
        purl=f.get("purl"),
        kind=kind,
        cwe=cwe,
        occurrences=occurrences,
        extra=extra,
        waived=f.get("waived", False),
        waiver_reason=f.get("waiver_reason"),
    )


def v1_category(
    category: str | None, tool: str, ident: str
) -> tuple[FindingKind, tuple[int, ...], dict[str, JsonScalar]]:
    """The kind, CWE numbers and extra facts a v1 `category` stood for."""
    kind, cwe, extra = _v1_fields(category, tool)
    advisory = ident.upper().startswith(_ADVISORY_PREFIXES)
    if advisory and kind in (FindingKind.LINT, FindingKind.ISSUE):
        kind = FindingKind.VULNERABILITY  # v1 took a CVE or GHSA id for a vulnerability
    return kind, cwe, extra


def _v1_fields(
    category: str | None, tool: str
) -> tuple[FindingKind, tuple[int, ...], dict[str, JsonScalar]]:
    if not category:
        return _V1_TOOL_KINDS.get(tool, FindingKind.ISSUE), (), {}
    base, _, suffix = category.partition("/")
    if tool == "pylint" and category in _PYLINT_TYPES:
        return FindingKind.LINT, (), {"type": category}
    if base in _V1_KINDS and suffix in ("", "ungated"):
        return _V1_KINDS[base], (), {"ungated": True} if suffix else {}
    if base in _SARIF_LEVELS and suffix in ("", "security"):
        if suffix:
            return FindingKind.WEAKNESS, (), {"level": base, "graded": True}
        return FindingKind.LINT, (), {"level": base}
    number = category[4:]
    if category.upper().startswith("CWE-") and number.isascii() and number.isdigit():
        kind = FindingKind.WEAKNESS if tool == "zap" else FindingKind.VULNERABILITY
        return kind, (int(number),) if int(number) else (), {}
    return _V1_TOOL_KINDS.get(tool, FindingKind.ISSUE), (), {"category": category}


def _whole(value: Any, least: int) -> int:
    if type(value) is not int or value < least:
        raise ValueError(f"{value!r:.40} should be a whole number of at least {least}")
    return value


def _cwe(value: Any) -> tuple[int, ...]:
    if not isinstance(value, list):
        raise TypeError(f"cwe should be a list of CWE numbers, not {value!r:.40}")
    return tuple(_whole(number, 1) for number in value)


def _extra(value: Any) -> Mapping[str, JsonScalar]:
    """A finding's `extra`: an object of JSON scalars (a finite number, a string, ...)."""
    if not isinstance(value, dict):
        raise TypeError(f"extra should be an object, not {value!r:.40}")
    for key, item in value.items():
        scalar = item is None or isinstance(item, (str, int, float, bool))
        if not scalar or (isinstance(item, float) and not math.isfinite(item)):
            raise ValueError(f"extra {key!r:.40} should be a string, number, boolean or null")
    return value or NO_EXTRA
