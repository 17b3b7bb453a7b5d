"""The Dependency-Check adapter: which reader a report needs, and the counts."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from qualitygates.adapters._counts import family_metrics, severity_counts
from qualitygates.adapters._io import looks_like_xml
from qualitygates.adapters._options import path_option
from qualitygates.adapters.dependency_check.findings import SEVERITIES
from qualitygates.adapters.dependency_check.json_report import read_json_report
from qualitygates.adapters.dependency_check.xml_report import XmlReader
from qualitygates.adapters.interface import FindingsAdapter, MetricSpec, count_metric
from qualitygates.model import Finding, Measurement, Unit


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
            "vulnerabilities of one severity: critical, high, medium, low or unknown",
            total="vulnerabilities not suppressed or waived",
        ),
        MetricSpec(
            "vulnerable_dependencies",
            Unit.COUNT,
            "dependencies with a vulnerability left",
            summary=True,
        ),
    )

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
