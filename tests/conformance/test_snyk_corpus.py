"""Every Snyk report of the corpus reads, and its counts equal a plain json count."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from qualitygates.adapters.snyk import SnykAdapter
from qualitygates.errors import AdapterError
from tests.helpers import collect, corpus_params

pytestmark = pytest.mark.corpus

NOT_SNYK_TEST = {
    "invalid-input.json": "is Snyk's text output, not JSON",  # snyk test without --json
    "iac-test-report.json": "is a `snyk iac test` report",
}
SEVERITIES = ("critical", "high", "medium", "low", "unknown")


def _projects(data: Any) -> list[dict[str, Any]]:
    projects = data if isinstance(data, list) else [data]
    return [p for project in projects for p in (project, *project.get("applications", []))]


def _expected(path: Path) -> dict[str, int]:
    unique: dict[tuple[int, str, str], dict[str, Any]] = {}
    for index, project in enumerate(_projects(json.loads(path.read_text(encoding="utf-8")))):
        for vuln in project["vulnerabilities"]:
            key = (index, vuln["id"], f"{vuln.get('packageName')}@{vuln.get('version')}")
            unique.setdefault(key, vuln)
    vulns = [v for v in unique.values() if v.get("type") != "license"]
    severity = Counter((v.get("severityWithCritical") or v["severity"]) for v in vulns)
    fixable = [v for v in vulns if v.get("isUpgradable") or v.get("isPatchable")]
    fixable_severity = Counter((v.get("severityWithCritical") or v["severity"]) for v in fixable)
    expected = {f"vulnerabilities.{s}": severity[s] for s in SEVERITIES}
    expected |= {f"vulnerabilities.fixable.{s}": fixable_severity[s] for s in SEVERITIES}
    expected["vulnerabilities.total"] = len(vulns)
    expected["vulnerabilities.fixable.total"] = len(fixable)
    expected["licenses.total"] = len(unique) - len(vulns)
    return expected


@pytest.mark.parametrize("path", corpus_params("snyk/*", "set-b/snyk/*"))
def test_counts_match_a_plain_count(path: Path) -> None:
    if path.name in NOT_SNYK_TEST:
        with pytest.raises(AdapterError, match=NOT_SNYK_TEST[path.name]):
            collect(SnykAdapter, path=str(path))
        return
    collection = collect(SnykAdapter, path=str(path))
    counts = SnykAdapter().count_findings(collection.findings)
    assert {k: int(v.value) for k, v in counts.items()} == _expected(path)
    # snyk-to-html's test-exploit-maturity.json keeps no isUpgradable nor isPatchable
    vulns = [
        v
        for p in _projects(json.loads(path.read_text(encoding="utf-8")))
        for v in p["vulnerabilities"]
        if v.get("type") != "license"
    ]
    told = any("isUpgradable" in v or "isPatchable" in v for v in vulns)
    fixable = "vulnerabilities.fixable.total" in collection.unavailable
    assert fixable == bool(vulns and not told)


@pytest.mark.parametrize(
    "path", corpus_params("snyk/*all-projects*", "set-b/snyk/test-report*.json")
)
def test_unique_count_never_exceeds_the_listed_paths(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    listed = sum(len(p["vulnerabilities"]) for p in _projects(data))
    assert len(collect(SnykAdapter, path=str(path)).findings) <= listed
