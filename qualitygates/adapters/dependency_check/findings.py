"""What both report formats read into: dependencies, their vulnerabilities, the severity
of each, and the findings they become."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from qualitygates.errors import AdapterError
from qualitygates.finding import NO_EXTRA
from qualitygates.model import Finding, FindingKind, Location, Severity

TOOL = "dependency_check"
SEVERITIES = ("critical", "high", "medium", "low", "unknown")
SUPPRESSED = "suppressed in Dependency-Check"
#: The `extra` of a finding whose vulnerability has no severity word and no CVSS score.
UNGRADED = "ungraded"
_GRADES = ("v3", "v2", "severity", "v3_score", "v2_score")
MAX_MESSAGE_CHARS = 300
_WORDS = {"moderate": Severity.MEDIUM, "info": Severity.LOW, "informational": Severity.LOW}
_V3_BANDS = (
    (9.0, Severity.CRITICAL),
    (7.0, Severity.HIGH),
    (4.0, Severity.MEDIUM),
    (0.1, Severity.LOW),
)
_V2_BANDS = ((7.0, Severity.HIGH), (4.0, Severity.MEDIUM), (0.0, Severity.LOW))


class UnknownSeverity(ValueError):
    """A severity word or CVSS score that Dependency-Check would not write."""


def severity_of(v3: str, v2: str, own: str, v3_score: str = "", v2_score: str = "") -> Severity:
    """The severity by the order in the package's docstring (`dependency_check`).

    Every word given must be one of the words Dependency-Check copies from its sources
    (NVD, OSS Index, npm audit, RetireJS: critical, high, medium or moderate, low, info,
    unknown, in any case) and every score a CVSS score from 0 to 10; anything else raises
    UnknownSeverity, even beside a valid one: a report that cannot be read is not graded.
    """
    for label, raw in (("cvssV3 baseSeverity", v3), ("cvssV2 severity", v2), ("severity", own)):
        word = raw.strip().lower()
        if word and word not in _WORDS and word not in SEVERITIES:
            raise UnknownSeverity(f"{label} {raw[:40]!r} is not one of {_ALLOWED}")
    scores = [_score(label, raw) for label, raw in (("cvssV3 baseScore", v3_score),
                                                    ("cvssV2 score", v2_score))]  # fmt: skip
    for raw in (v3, v2, own):
        word = raw.strip().lower()
        if word in _WORDS:
            return _WORDS[word]
        if word in SEVERITIES[:4]:
            return Severity(word)
    for value, bands in zip(scores, (_V3_BANDS, _V2_BANDS), strict=True):
        if value is not None:
            return next((sev for floor, sev in bands if value >= floor), Severity.UNKNOWN)
    return Severity.UNKNOWN


_ALLOWED = "critical/high/medium/moderate/low/info/informational/unknown"


def _score(label: str, raw: str) -> float | None:
    if not raw.strip():
        return None
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= 10.0:  # NaN too
        raise UnknownSeverity(f"{label} {raw[:40]!r} is not a CVSS score from 0 to 10")
    return value


@dataclass
class Vulnerability:
    """One vulnerability's fields, by the same keys in both formats: name, description,
    severity, cwe, v3 and v2 (CVSS severities), v3_score and v2_score."""

    suppressed: bool
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def graded(self) -> bool:
        """Whether the report gives it any severity or score ("unknown" included)."""
        return any(self.fields.get(key, "").strip() for key in _GRADES)

    def severity(self) -> Severity:
        get = self.fields.get
        return severity_of(
            get("v3", ""),
            get("v2", ""),
            get("severity", ""),
            get("v3_score", ""),
            get("v2_score", ""),
        )


@dataclass
class Dependency:
    """One dependency and its vulnerabilities, turned into findings at its end."""

    file_name: str = ""
    file_path: str = ""
    purl: str | None = None
    vulns: list[Vulnerability] = field(default_factory=list)

    def findings(self, path: Path) -> Iterator[Finding]:
        package = self.file_name or self.purl or self.file_path or "unnamed dependency"
        for vuln in self.vulns:
            vuln_id = vuln.fields.get("name", "").strip() or "unnamed vulnerability"
            try:
                severity = vuln.severity()
            except UnknownSeverity as exc:
                raise AdapterError(f"{path}: {vuln_id} of {package} has {exc}") from None
            summary = " ".join(vuln.fields.get("description", "").split())
            if len(summary) > MAX_MESSAGE_CHARS:
                summary = summary[: MAX_MESSAGE_CHARS - 1].rstrip() + "…"
            yield Finding(
                id=vuln_id,
                tool=TOOL,
                severity=severity,
                message=f"{vuln_id} in {package}" + (f": {summary}" if summary else ""),
                rule=vuln_id,
                location=Location(path=self.file_path or None, package=package),
                purl=self.purl,
                kind=FindingKind.VULNERABILITY,
                cwe=_cwe(vuln.fields.get("cwe", "")),
                identity=(TOOL, vuln_id, package, self.file_path),
                waived=vuln.suppressed,
                waiver_reason=SUPPRESSED if vuln.suppressed else None,
                extra=NO_EXTRA if vuln.graded else _UNGRADED_EXTRA,
            )


_UNGRADED_EXTRA = {UNGRADED: True}


def _cwe(text: str) -> tuple[int, ...]:
    """The CWE of a vulnerability (`CWE-79 Improper ...`); none for NVD-CWE-noinfo."""
    number = text.split(" ", 1)[0].upper().removeprefix("CWE-")
    return (int(number),) if number.isascii() and number.isdigit() and int(number) else ()


def no_dependencies(path: Path) -> str:
    """The error of a report that lists no dependency."""
    return (
        f"{path} lists no dependency: Dependency-Check found nothing to scan; check its --scan path"
    )
