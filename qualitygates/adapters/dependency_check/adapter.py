"""The Dependency-Check adapter: which reader a report needs, and the counts.

A vulnerability with no severity word and no CVSS score is counted as unknown. When no
vulnerability of the reports has either, the counts by severity are unavailable, with the
reason: 0 critical would be a count of nothing graded.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path

from qualitygates.adapters._counts import family_metrics, severity_counts
from qualitygates.adapters._io import looks_like_xml
from qualitygates.adapters._options import path_option
from qualitygates.adapters.dependency_check.findings import SEVERITIES, UNGRADED
from qualitygates.adapters.dependency_check.json_report import read_json_report
from qualitygates.adapters.dependency_check.xml_report import XmlReader
from qualitygates.adapters.interface import (
    Collection,
    CollectRequest,
    FindingsAdapter,
    MetricSpec,
    count_metric,
)
from qualitygates.model import Finding, Measurement, Unit

_UNGRADED = (
    "no vulnerability in the reports has a severity or a CVSS score, so none can be counted "
    "by severity: gate on vulnerabilities.total, or update Dependency-Check and its data"
)


class DependencyCheckAdapter(FindingsAdapter):
    """Known vulnerabilities in dependencies, from OWASP Dependency-Check reports."""

    name = "dependency_check"
    summary = "Vulnerable dependencies from OWASP Dependency-Check (XML or JSON)"
    formats = (
        "Dependency-Check XML (-f XML; schemas 1.x to 4.x), streamed",
        "Dependency-Check JSON (-f JSON; reportSchema 1.1)",
    )
    options = (path_option("Dependency-Check report(s)"),)
    metrics = (
        *family_metrics(
            "vulnerabilities",
            SEVERITIES,
            "vulnerabilities of one severity: critical, high, medium, low or unknown; the "
            "first four unavailable when no vulnerability has a severity or a CVSS score",
            total="vulnerabilities not suppressed or waived",
        ),
        MetricSpec(
            "vulnerable_dependencies",
            Unit.COUNT,
            "dependencies with a vulnerability left",
            summary=True,
        ),
    )

    def collect(self, request: CollectRequest) -> Collection:
        """Every report's findings; counts by severity only if the reports grade any."""
        collection = super().collect(request)
        findings = collection.findings
        if findings and all(f.extra.get(UNGRADED) for f in findings):
            graded = {f"vulnerabilities.{s}": _UNGRADED for s in SEVERITIES if s != "unknown"}
            return replace(collection, unavailable=graded)
        return collection

    def read(self, path: Path) -> Iterator[Finding]:
        """The findings of one report, XML or JSON by its content."""
        return XmlReader(path).read() if looks_like_xml(path) else read_json_report(path)

    def count_findings(self, findings: Sequence[Finding]) -> dict[str, Measurement]:
        """Vulnerabilities by severity and vulnerable dependencies, after waivers."""
        kept = [f for f in findings if not f.waived]
        metrics = severity_counts("vulnerabilities", kept, SEVERITIES)
        deps = {(f.location.path, f.location.package) for f in kept}
        metrics["vulnerable_dependencies"] = count_metric(len(deps))
        return metrics
