"""Snyk CLI `snyk test --json` and `snyk container test --json` reports.

One project is a JSON object; `--all-projects` writes an array of them. A container scan
lists the image's OS packages in `vulnerabilities` and each application found in the
image under `applications[]`, which are counted too.

Snyk lists a vulnerability once per dependency path, so findings are unique by
(project, issue id, package@version) across paths. Severity is `severityWithCritical`
where older CLIs wrote it (their `severity` stops at high), else `severity`; a word that
is not Snyk's (low, medium, high, critical) is an error. A finding is
fixable when Snyk marks it upgradable (`isUpgradable`) or patchable (`isPatchable`).
Reports trimmed by other tools may leave those fields out (snyk-to-html's fixtures keep
neither) or the severity: when no vulnerability of the reports has one, the counts that
need it are unavailable, with the reason, never 0. License issues (`type: license`) are
findings counted under `licenses.total`, not as vulnerabilities.

`ok: true` with no vulnerabilities is a clean project; `ok: false` (issues found) with
none listed contradicts itself and is an error. A project that carries an `error`
and no `vulnerabilities` array (Snyk could not test it) is an error naming Snyk's own
message, as is a report without `vulnerabilities` at all (e.g. `snyk iac test`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qualitygates.adapters._counts import family_metrics, severity_counts
from qualitygates.adapters._io import expand_paths, expect_type, open_report
from qualitygates.adapters._options import path_option
from qualitygates.adapters.interface import Collection, CollectRequest, FindingsAdapter, MetricSpec
from qualitygates.errors import AdapterError
from qualitygates.model import Finding, FindingKind, Location, Measurement, Severity, Unit
from qualitygates.readers import read_json

TOOL = "snyk"
SEVERITIES = ("critical", "high", "medium", "low")
#: The severities counted: Snyk's, and unknown where a report grades nothing.
COUNTED = (*SEVERITIES, "unknown")
LICENSE = "license"
FIXABLE = "vulnerabilities.fixable"
_UNGRADED = (
    "no vulnerability in the reports has a severity (nor severityWithCritical), so none can "
    "be counted by severity: gate on vulnerabilities.total, or give the report `snyk test "
    "--json` wrote, not a trimmed copy"
)
_NO_FIXABILITY = (
    "no vulnerability in the reports has isUpgradable or isPatchable, so which ones are "
    "fixable is unknown: gate on vulnerabilities.<severity>, or give the report `snyk test "
    "--json` wrote, not a trimmed copy"
)


@dataclass
class _Told:
    """What the vulnerabilities (license issues aside) of the reports say at all: a
    severity, a fixability. Absent from every one, a count by it would read 0."""

    vulnerabilities: int = 0
    graded: bool = False
    fixability: bool = False

    def add(self, vuln: dict[str, Any]) -> None:
        if vuln.get("type") == LICENSE:
            return
        self.vulnerabilities += 1
        self.graded = self.graded or any(k in vuln for k in ("severityWithCritical", "severity"))
        self.fixability = self.fixability or any(k in vuln for k in ("isUpgradable", "isPatchable"))

    def unavailable(self) -> dict[str, str]:
        """The reason for each count the reports cannot give; none when nothing was found."""
        missing: dict[str, str] = {}
        if self.vulnerabilities and not self.fixability:
            missing.update({f"{FIXABLE}.{s}": _NO_FIXABILITY for s in (*COUNTED, "total")})
        if self.vulnerabilities and not self.graded:
            for family in ("vulnerabilities", FIXABLE):
                missing.update({f"{family}.{s}": _UNGRADED for s in SEVERITIES})
        return missing


def _severity(vuln: dict[str, Any], path: Path, where: str) -> Severity:
    """`severityWithCritical`, else `severity`: Snyk's low, medium, high or critical (a
    report that writes neither grades nothing: unknown); any other word is an error."""
    raw = vuln.get("severityWithCritical") or vuln.get("severity")
    if raw is None:
        return Severity.UNKNOWN
    word = raw.lower() if isinstance(raw, str) else None
    if word not in SEVERITIES:
        raise AdapterError(
            f"{path}: {where} has severity {raw!r:.40}, not one of Snyk's {'/'.join(SEVERITIES)}"
        )
    return Severity(word)


def _projects(data: Any, path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """(label, result) for every tested project, container applications included."""
    items = data if isinstance(data, list) else [data]
    if not items:
        raise AdapterError(f"{path} is an empty array: Snyk tested no project; check its output")
    for i, item in _objects(items, path, "projects"):
        label = _label(item, i)
        yield label, _checked(item, path, label)
        apps = expect_type(item.get("applications") or [], list, path, f"{label}: applications")
        for j, app in _objects(apps, path, f"{label}: applications"):
            app_label = f"{label} > {_label(app, j)}"
            yield app_label, _checked(app, path, app_label)


def _objects(values: list[Any], path: Path, where: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """Each item of an array with its index, every one checked to be an object."""
    for i, value in enumerate(values):
        yield i, expect_type(value, dict, path, f"{where}[{i}]")


def _label(item: dict[str, Any], index: int) -> str:
    for key in ("displayTargetFile", "targetFile", "projectName", "path"):
        if isinstance(item.get(key), str) and item[key]:
            return str(item[key])
    return f"project {index}"


def _checked(item: dict[str, Any], path: Path, label: str) -> dict[str, Any]:
    if "infrastructureAsCodeIssues" in item:  # it also carries an empty `vulnerabilities`
        raise AdapterError(
            f"{path} is a `snyk iac test` report: the snyk adapter reads `snyk test --json` "
            "and `snyk container test --json`; use SARIF (--sarif) with the sarif adapter"
        )
    if isinstance(item.get("vulnerabilities"), list):
        return item
    if item.get("error"):
        message = " ".join(str(item["error"]).split())[:500]  # one line, as errors are shown
        raise AdapterError(f"{path}: Snyk could not test {label}: {message}")
    raise AdapterError(
        f"{path}: {label} has no vulnerabilities array: this is not a `snyk test --json` report"
    )


def _finding(vuln: dict[str, Any], label: str, path: Path, where: str) -> Finding:
    issue = str(vuln["id"])
    package = f"{vuln.get('packageName') or vuln.get('name') or '?'}@{vuln.get('version') or '?'}"
    is_license = vuln.get("type") == LICENSE
    return Finding(
        id=issue,
        tool=TOOL,
        severity=_severity(vuln, path, where),
        message=f"{vuln.get('title') or issue} in {package}",
        rule=issue,
        location=Location(path=label, package=package),
        fixable=vuln.get("isUpgradable") is True or vuln.get("isPatchable") is True,
        kind=FindingKind.LICENSE if is_license else FindingKind.VULNERABILITY,
        cwe=() if is_license else _cwes(vuln),
        identity=(TOOL, issue, package, label),
    )


def _cwes(vuln: dict[str, Any]) -> tuple[int, ...]:
    """The CWE numbers of `identifiers` (`"CWE-79"`), if the field has the documented shape."""
    identifiers = vuln.get("identifiers")
    cwes = identifiers.get("CWE") if isinstance(identifiers, dict) else None
    if not isinstance(cwes, list):
        return ()
    numbers = (str(c)[4:] for c in cwes if str(c).upper().startswith("CWE-"))
    return tuple(int(n) for n in numbers if n.isascii() and n.isdigit() and int(n) > 0)


def _read(path: Path, told: _Told | None = None) -> list[Finding]:
    with open_report(path) as stream:
        head = stream.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    if head and head[:1] not in b"[{":
        raise AdapterError(f"{path} is Snyk's text output, not JSON: run `snyk test --json`")
    data = read_json(path, "Snyk")
    if not isinstance(data, (dict, list)):
        raise AdapterError(f"{path} is not a Snyk JSON report: run `snyk test --json`")
    found: dict[tuple[str, str, str], Finding] = {}
    for label, project in _projects(data, path):
        if project.get("ok") is False and not project["vulnerabilities"]:
            raise AdapterError(
                f"{path}: {label} says ok: false (issues found) but lists no vulnerability: "
                "the report contradicts itself"
            )
        for i, vuln in _objects(project["vulnerabilities"], path, f"{label}: vulnerabilities"):
            if not isinstance(vuln.get("id"), str):
                raise AdapterError(f"{path}: {label}: vulnerabilities[{i}] has no id")
            if told is not None:
                told.add(vuln)
            finding = _finding(vuln, label, path, f"{label}: vulnerabilities[{i}]")
            # One entry per dependency path: keep the first of each (id, package@version).
            found.setdefault((label, finding.id, finding.location.package or ""), finding)
    return list(found.values())


class SnykAdapter(FindingsAdapter):
    """Open-source and container vulnerabilities from Snyk CLI JSON reports."""

    name = "snyk"
    summary = "Vulnerabilities from `snyk test --json` / `snyk container test --json`"
    formats = (
        "snyk test --json: one project (object) or --all-projects (array)",
        "snyk container test --json, with the image's applications",
    )
    options = (path_option("Snyk JSON report(s)"),)
    metrics = (
        *family_metrics(
            "vulnerabilities",
            (*COUNTED, "total"),
            "vulnerabilities by severity (critical, high, medium, low, unknown) or total; by "
            "severity unavailable when no vulnerability has one",
            total="vulnerabilities (not waived)",
        ),
        *family_metrics(
            "vulnerabilities.fixable",
            (*COUNTED, "total"),
            "upgradable or patchable vulnerabilities, by severity or total; unavailable when "
            "no vulnerability has isUpgradable or isPatchable",
        ),
        MetricSpec("licenses.total", Unit.COUNT, "license policy issues"),
    )

    def collect(self, request: CollectRequest) -> Collection:
        """Every report's findings; a count by a field no vulnerability has is unavailable."""
        paths = expand_paths(request.options["path"])
        told = _Told()
        findings = [finding for path in paths for finding in _read(path, told)]
        return Collection(
            metrics={},
            findings=tuple(findings),
            sources=tuple(str(p) for p in paths),
            unavailable=told.unavailable(),
        )

    def read(self, path: Path) -> list[Finding]:
        """The findings of one report, one per (project, issue, package@version)."""
        return _read(path)

    def count_findings(self, findings: Sequence[Finding]) -> dict[str, Measurement]:
        """Counts by severity of the findings left after waivers."""
        kept = [f for f in findings if not f.waived]
        vulns = [f for f in kept if f.kind is not FindingKind.LICENSE]
        fixable = [f for f in vulns if f.fixable]
        licenses = [f for f in kept if f.kind is FindingKind.LICENSE]
        return (
            severity_counts("vulnerabilities", vulns, COUNTED)
            | severity_counts("vulnerabilities.fixable", fixable, COUNTED)
            | severity_counts("licenses", licenses, ())  # licenses.total alone
        )
