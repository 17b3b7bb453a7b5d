"""OWASP Dependency-Check reports: XML (streamed) and JSON.

Every vulnerability of every dependency is one finding, whose id is the vulnerability's
name (a CVE, an NPM advisory number, an OSS Index id). Its severity is the CVSS v3
`baseSeverity`, else the CVSS v2 `severity`, else the vulnerability's own `severity`
(what Dependency-Check writes for unscored advisories, and for CVSS v4 in new versions),
else the band of its CVSS v3 or v2 score; `moderate` reads as medium, `info` as low. Any
other word, or a score that is not a number from 0 to 10, is an error naming the file.

Suppressed vulnerabilities (`suppressedVulnerability` in XML, `suppressedVulnerabilities`
in JSON) are listed as waived findings ("suppressed in Dependency-Check") and not counted.
`vulnerable_dependencies` counts the distinct dependencies (file path and name) with at
least one vulnerability left after waivers.

A report that lists no dependency at all means Dependency-Check found nothing to scan,
which is an error; dependencies without vulnerabilities are a clean scan. JSON keys that
some versions misspell (`baseSeverity>`) are read too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from qualitygates.adapters._io import (
    expand_paths,
    expect_type,
    load_json,
    looks_like_xml,
)
from qualitygates.adapters._options import path_option
from qualitygates.adapters._xml import iter_xml, local_name
from qualitygates.adapters.interface import (
    Adapter,
    Collection,
    CollectRequest,
    MetricSpec,
    OptionSpec,
    count_metric,
)
from qualitygates.errors import AdapterError
from qualitygates.model import Finding, FindingKind, Location, Measurement, Severity, Unit

TOOL = "dependency_check"
SEVERITIES = ("critical", "high", "medium", "low", "unknown")
SUPPRESSED = "suppressed in Dependency-Check"
MAX_MESSAGE_CHARS = 300
_WORDS = {"moderate": Severity.MEDIUM, "info": Severity.LOW, "informational": Severity.LOW}
_V3_BANDS = (
    (9.0, Severity.CRITICAL),
    (7.0, Severity.HIGH),
    (4.0, Severity.MEDIUM),
    (0.1, Severity.LOW),
)
_V2_BANDS = ((7.0, Severity.HIGH), (4.0, Severity.MEDIUM), (0.0, Severity.LOW))
_VULNS = frozenset({"vulnerability", "suppressedVulnerability"})
# XML elements read into a vulnerability's fields: its children, then CVSS ones.
_DIRECT = {"name": "name", "severity": "severity", "cwe": "cwe", "description": "description"}
_DIRECT["cvssScore"] = "v2_score"  # schema 1.x
_NESTED = {
    ("cvssV3", "baseSeverity"): "v3",
    ("cvssV2", "severity"): "v2",
    ("cvssV3", "baseScore"): "v3_score",
    ("cvssV2", "score"): "v2_score",
    ("cwes", "cwe"): "cwe",
}
_TEXT_TAGS = frozenset({"fileName", "filePath", "id", "name", "severity", "baseSeverity", "cwe"}) | {
    "cvssScore", "score", "baseScore", "description"
}  # fmt: skip


class UnknownSeverity(ValueError):
    """A severity word or CVSS score that Dependency-Check would not write."""


def severity_of(v3: str, v2: str, own: str, v3_score: str = "", v2_score: str = "") -> Severity:
    """The severity by the order in the module docstring.

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
class _Vuln:
    """One vulnerability's fields, by the keys of `_vuln_key` (both formats use them)."""

    suppressed: bool
    fields: dict[str, str] = field(default_factory=dict)

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
class _Dependency:
    """One dependency and its vulnerabilities, turned into findings at its end."""

    file_name: str = ""
    file_path: str = ""
    purl: str | None = None
    vulns: list[_Vuln] = field(default_factory=list)

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
            )


def _cwe(text: str) -> tuple[int, ...]:
    """The CWE of a vulnerability (`CWE-79 Improper ...`); none for NVD-CWE-noinfo."""
    number = text.split(" ", 1)[0].upper().removeprefix("CWE-")
    return (int(number),) if number.isascii() and number.isdigit() and int(number) else ()


class _XmlReader:
    """Streams an XML report; memory holds one dependency at a time."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.stack: list[str] = []
        self.dep: _Dependency | None = None
        self.vuln: _Vuln | None = None
        self.dependencies = 0

    def read(self) -> Iterator[Finding]:
        for event, tag, payload in iter_xml(self.path, _TEXT_TAGS):
            name = local_name(tag)
            if event == "start":
                self._start(name)
                continue
            self.stack.pop()
            text = payload if isinstance(payload, str) else ""
            if name == "dependency" and self.stack[-1:] == ["dependencies"] and self.dep:
                yield from self.dep.findings(self.path)
                self.dep = None
            elif self.dep is not None:
                self._end(name, text.strip())
        if not self.dependencies:
            raise AdapterError(_no_dependencies(self.path))

    def _start(self, name: str) -> None:
        if not self.stack and name != "analysis":
            raise AdapterError(
                f"{self.path} is not a Dependency-Check XML report (its root element is <{name}>, not <analysis>)"
            )
        if name == "dependency" and self.stack[-1:] == ["dependencies"]:
            self.dep, self.dependencies = _Dependency(), self.dependencies + 1
        elif name in _VULNS and self.dep is not None:
            self.vuln = _Vuln(suppressed=name == "suppressedVulnerability")
            self.dep.vulns.append(self.vuln)
        self.stack.append(name)

    def _end(self, name: str, text: str) -> None:
        if self.dep is None:
            return
        parent = self.stack[-1] if self.stack else ""
        if name in _VULNS:
            self.vuln = None
        elif self.vuln is not None:
            key = _vuln_key(parent, name)
            if key and text:
                self.vuln.fields.setdefault(key, text)
        elif parent == "dependency" and name in ("fileName", "filePath"):
            setattr(self.dep, "file_name" if name == "fileName" else "file_path", text)
        elif name == "id" and parent == "package" and self._is_purl(text):
            self.dep.purl = text

    def _is_purl(self, text: str) -> bool:
        """The first purl of the dependency itself, not of a related dependency."""
        no_purl = self.dep is not None and self.dep.purl is None
        return no_purl and text.startswith("pkg:") and "relatedDependency" not in self.stack


def _vuln_key(parent: str, name: str) -> str | None:
    """Which field of a vulnerability an XML element is, by its parent."""
    return _DIRECT.get(name) if parent in _VULNS else _NESTED.get((parent, name))


def _no_dependencies(path: Path) -> str:
    return (
        f"{path} lists no dependency: Dependency-Check found nothing to scan; check its --scan path"
    )


def _read_json(path: Path) -> Iterator[Finding]:
    data = expect_type(load_json(path, "Dependency-Check"), dict, path, "the report")
    if "dependencies" not in data or "scanInfo" not in data:
        raise AdapterError(
            f"{path} is not a Dependency-Check JSON report (no scanInfo and dependencies)"
        )
    deps = expect_type(data["dependencies"] or [], list, path, "dependencies")
    if not deps:
        raise AdapterError(_no_dependencies(path))
    for i, raw in enumerate(deps):
        yield from _json_dependency(
            expect_type(raw, dict, path, f"dependencies[{i}]"), path, f"dependencies[{i}]"
        )


def _json_dependency(raw: dict[str, Any], path: Path, where: str) -> Iterator[Finding]:
    listed = expect_type(raw.get("packages") or [], list, path, f"{where}.packages")
    packages = [str(p.get("id")) for p in listed if isinstance(p, dict)]
    dep = _Dependency(
        file_name=str(raw.get("fileName") or ""),
        file_path=str(raw.get("filePath") or ""),
        purl=next((p for p in packages if p.startswith("pkg:")), None),
    )
    for key, suppressed in (("vulnerabilities", False), ("suppressedVulnerabilities", True)):
        for j, vuln in enumerate(expect_type(raw.get(key) or [], list, path, f"{where}.{key}")):
            fields = _json_fields(expect_type(vuln, dict, path, f"{where}.{key}[{j}]"))
            dep.vulns.append(_Vuln(suppressed, {k: v for k, v in fields.items() if v}))
    return dep.findings(path)


def _json_fields(vuln: dict[str, Any]) -> dict[str, str]:
    v3, v2 = _object(vuln.get("cvssv3")), _object(vuln.get("cvssv2"))
    cwes = vuln.get("cwes") if isinstance(vuln.get("cwes"), list) else []
    raw = {
        "name": vuln.get("name"),
        "description": vuln.get("description"),
        "severity": vuln.get("severity"),
        "v3": v3.get("baseSeverity") or v3.get("baseSeverity>"),  # `>`: a typo of some versions
        "v2": v2.get("severity"),
        "v3_score": v3.get("baseScore"),
        "v2_score": v2.get("score"),
        "cwe": cwes[0] if cwes else None,
    }
    return {k: str(v) for k, v in raw.items() if v is not None}


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


class DependencyCheckAdapter(Adapter):
    """Known vulnerabilities in dependencies, from OWASP Dependency-Check reports."""

    name: ClassVar[str] = "dependency_check"
    summary: ClassVar[str] = "Vulnerable dependencies from OWASP Dependency-Check (XML or JSON)"
    formats: ClassVar[tuple[str, ...]] = (
        "Dependency-Check XML (-f XML; schemas 1.x to 4.x), streamed",
        "Dependency-Check JSON (-f JSON; reportSchema 1.1)",
    )
    options: ClassVar[tuple[OptionSpec, ...]] = (path_option("Dependency-Check report(s)"),)
    metrics: ClassVar[tuple[MetricSpec, ...]] = (
        MetricSpec(
            "vulnerabilities.total",
            Unit.COUNT,
            "vulnerabilities not suppressed or waived",
            summary=True,
        ),
        MetricSpec(
            "vulnerabilities.<severity>",
            Unit.COUNT,
            "vulnerabilities of one severity: critical, high, medium, low or unknown",
            pattern=r"vulnerabilities\.(critical|high|medium|low|unknown)",
        ),
        MetricSpec(
            "vulnerable_dependencies",
            Unit.COUNT,
            "dependencies with a vulnerability left",
            summary=True,
        ),
    )

    def collect(self, request: CollectRequest) -> Collection:
        """Read every report the `path` globs match; counting is left to count_findings."""
        paths = expand_paths(request.options["path"])
        findings: list[Finding] = []
        for path in paths:
            findings.extend(_XmlReader(path).read() if looks_like_xml(path) else _read_json(path))
        return Collection(
            metrics={}, findings=tuple(findings), sources=tuple(str(p) for p in paths)
        )

    def count_findings(self, findings: Sequence[Finding]) -> dict[str, Measurement]:
        """Vulnerabilities by severity and vulnerable dependencies, after waivers."""
        kept = [f for f in findings if not f.waived]
        counts = Counter(f.severity.value for f in kept)
        metrics = {f"vulnerabilities.{s}": count_metric(counts[s]) for s in SEVERITIES}
        metrics["vulnerabilities.total"] = count_metric(len(kept))
        deps = {(f.location.path, f.location.package) for f in kept}
        metrics["vulnerable_dependencies"] = count_metric(len(deps))
        return metrics
