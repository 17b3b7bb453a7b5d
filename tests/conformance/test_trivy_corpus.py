"""Every Trivy JSON report of the shared corpus reads, with the counts jq would find."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from qualitygates.adapters.trivy import TrivyAdapter
from qualitygates.errors import AdapterError
from tests.helpers import collect, corpus_params

pytestmark = pytest.mark.corpus

TRIVY_FILES = corpus_params(
    "trivy/*.json", "set-b/trivy/*.json", "set-b/trivy/golden/*.json.golden"
)
#: Corpus files that are not SchemaVersion 2 Trivy reports, with the error they must give.
NOT_TRIVY = {
    "defectdojo-legacy_no_vuln.json": "is a legacy Trivy report",
    "defectdojo-legacy_trivy_mix.json": "is a legacy Trivy report",
    "runs.json": "is not a Trivy JSON report: it has no SchemaVersion",
}


def plain_counts(path: Path) -> dict[str, int]:
    """What `jq` finds: findings per kind and severity, fixable vulnerabilities, FAIL only."""
    counts: Counter[str] = Counter()
    for result in json.loads(path.read_text()).get("Results") or []:
        kinds = {
            "vulnerabilities": result.get("Vulnerabilities") or [],
            "misconfigurations": [
                m for m in result.get("Misconfigurations") or [] if m["Status"] == "FAIL"
            ],
            "secrets": result.get("Secrets") or [],
            "licenses": result.get("Licenses") or [],
        }
        for family, items in kinds.items():
            for item in items:
                severity = item.get("Severity", "UNKNOWN").lower()
                families = [family] + (
                    ["vulnerabilities.fixable"] if item.get("FixedVersion") else []
                )
                for name in families:
                    counts[f"{name}.{severity}"] += 1
                    counts[f"{name}.total"] += 1
    return dict(counts)


@pytest.mark.parametrize("path", TRIVY_FILES)
def test_counts_equal_a_plain_count(path: Path) -> None:
    if path.name in NOT_TRIVY:
        with pytest.raises(AdapterError, match=NOT_TRIVY[path.name]):
            collect(TrivyAdapter, path=str(path))
        return
    result = collect(TrivyAdapter, path=str(path))
    metrics = TrivyAdapter().count_findings([f for f in result.findings if not f.waived])
    assert {k: int(v.value) for k, v in metrics.items() if v.value} == plain_counts(path)
    suppressed = sum(
        len(r.get("ExperimentalModifiedFindings") or [])
        for r in json.loads(path.read_text()).get("Results") or []
    )
    assert sum(f.waived for f in result.findings) == suppressed


@pytest.mark.parametrize(
    "path", corpus_params("trivy/golden-secrets.json", "set-b/trivy/fs-secret-misconfig.json")
)
def test_secret_matches_never_reach_findings(path: Path) -> None:
    report = json.loads(path.read_text())
    matches = {
        s["Match"] for r in report["Results"] for s in r.get("Secrets") or [] if s.get("Match")
    }
    for finding in collect(TrivyAdapter, path=str(path)).findings:
        assert not any(m in repr(finding) for m in matches)


@pytest.mark.parametrize("path", corpus_params("trivy/golden-test-repo.json"))
def test_repository_scan_records_its_commit(path: Path) -> None:
    assert (
        collect(TrivyAdapter, path=str(path)).revision == "5ae342eb2802672402d9b2c26f09e2051bbd91b8"
    )


@pytest.mark.parametrize("path", corpus_params("set-b/trivy/defectdojo-all_statuses.json"))
def test_gate_on_fixed_only_counts_what_ignore_unfixed_keeps(path: Path) -> None:
    result = collect(TrivyAdapter, path=str(path), statuses=["fixed"])
    vulns = [
        v for r in json.loads(path.read_text())["Results"] for v in r.get("Vulnerabilities") or []
    ]
    metrics = TrivyAdapter().count_findings(result.findings)
    assert metrics["vulnerabilities.total"].value == sum(v.get("Status") == "fixed" for v in vulns)
    assert len(result.findings) == len(vulns)
