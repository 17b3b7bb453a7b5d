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

from qualitygates.adapters.dependency_check.adapter import DependencyCheckAdapter
from qualitygates.adapters.dependency_check.findings import severity_of

__all__ = ["DependencyCheckAdapter", "severity_of"]
