"""Trivy JSON reports (`--format json`, `SchemaVersion` 2): image, filesystem, repository,
config, VM and SBOM scans.

Every `Results[]` entry is read, whatever its `Class`: vulnerabilities, misconfigurations
(only `Status: FAIL` is a finding), secrets and licenses. Absent arrays mean none, and a
report without `Results` is a clean scan, but only when its header shows a whole Trivy
report (`SchemaVersion` 2 and an `ArtifactName`/`ArtifactType`); legacy reports (a bare
array or `null`, trivy < 0.20) are refused.

Gating on a subset (`severities`, `statuses`, `fixable_only`, `classes`) never hides a
finding: findings outside the subset are listed with `extra["ungated"]` set and are left out
of the counts (aquasecurity/trivy #1563: "report all, fail on CRITICAL").
Findings that Trivy itself suppressed (`ExperimentalModifiedFindings`, `--show-suppressed`)
and those a `trivyignore` file ignores are listed as waived. A secret's `Match` and `Code`
are never read: the parser drops them before they reach memory.
"""

from __future__ import annotations

from qualitygates.adapters.trivy.adapter import TrivyAdapter

__all__ = ["TrivyAdapter"]
