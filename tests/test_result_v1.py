"""Results written before findings were typed (`qualitygates/result/v1`) still read, and
their findings keep the fingerprints baselines and history rows match on.

`data/results/v1-result.json` was written by qualitygates 0.1.0 from the sources below
(at most 8 findings each, paths relative to the repository). The adapters of today, reading
the same sources, must compute the same fingerprints, lazily, from their parts.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from qualitygates.adapters.interface import CollectRequest, fingerprint
from qualitygates.errors import ReportError
from qualitygates.model import Finding, FindingKind, Severity
from qualitygates.plugins import adapter_registry
from qualitygates.result_findings import v1_category
from qualitygates.result_io import read_result, result_from_dict, result_to_dict
from tests.helpers import DATA, FIXED_NOW, ROOT

V1_RESULT = DATA / "results" / "v1-result.json"
D = "tests/data/"
SOURCES: list[tuple[str, dict[str, Any]]] = [
    ("trivy", {"path": D + "trivy/image.json", "severities": ["critical", "high"]}),
    ("trivy", {"path": D + "trivy/fs.json"}),
    ("zap", {"path": D + "zap/two-sites.json"}),
    ("snyk", {"path": D + "snyk/single-project.json"}),
    ("dependency_check", {"path": D + "dependency_check/report.xml"}),
    ("sarif", {"path": D + "sarif/multi.sarif"}),
    ("lint", {"path": D + "lint/ruff.json"}),
    ("lint", {"path": D + "lint/pylint.json"}),
    ("lint", {"path": D + "lint/eslint.json"}),
    ("junit", {"path": D + "junit/surefire-reruns.xml"}),
    ("gitleaks", {"path": D + "gitleaks/v8.json"}),
    ("complexity", {"path": D + "complexity/lizard.xml", "max_complexity": 5}),
    ("duplication", {"path": D + "duplication/jscpd-report.json"}),
    ("docs", {"required": [
        {"path": D + "docs/incomplete.md", "sections": ["Rollback", "Nope"]},
        {"path": D + "docs/absent.md"},
    ]}),
    ("alerts", {"path": D + "alerts/incomplete.yml", "required_alerts": ["NotThere"]}),
    ("dashboards", {"path": D + "dashboards/classic.json", "required": ["not-there"]}),
    ("attestations", {"path": D + "attestations/record.yaml", "required": [
        {"check": "rollback-drill", "max_age": "30d", "distinct_approver": True},
        {"check": "restore-test"},
        {"check": "absent-check"},
    ]}),
    ("evidence", {"path": D + "evidence/rollback-fail.json"}),
]  # fmt: skip


def _v1_findings() -> list[dict[str, Any]]:
    data = json.loads(V1_RESULT.read_text(encoding="utf-8"))
    assert data["schema"] == "qualitygates/result/v1"
    return [f for check in data["gates"][0]["checks"] for f in check["findings"]]


def test_a_v1_result_reads_with_every_fingerprint_as_written() -> None:
    result = read_result(V1_RESULT)
    read = [f for check in result.gates[0].checks for f in check.findings]
    written = _v1_findings()
    assert len(read) == len(written) > 80
    assert [f.fingerprint for f in read] == [f["fingerprint"] for f in written]
    assert all(len(f.fingerprint) == 16 for f in read)
    for finding, raw in zip(read, written, strict=True):
        assert (finding.id, finding.tool, finding.severity.value) == (
            raw["id"], raw["tool"], raw["severity"],
        )  # fmt: skip
        # What v1 tagged as security (GitHub code scanning) still is.
        category = raw["category"] or ""
        was_security = bool(
            raw["purl"]
            or raw["id"].upper().startswith(("CVE-", "GHSA-"))
            or category in ("vulnerability", "secret")
            or category.upper().startswith("CWE-")
            or category.endswith("/security")
        )
        assert finding.is_security == was_security or category.endswith("/ungated"), raw


def test_a_v1_result_written_again_is_v2_and_keeps_its_fingerprints() -> None:
    again = json.loads(json.dumps(result_to_dict(read_result(V1_RESULT))))
    assert again["schema"] == "qualitygates/result/v2"
    findings = [f for check in again["gates"][0]["checks"] for f in check["findings"]]
    assert [f["fingerprint"] for f in findings] == [f["fingerprint"] for f in _v1_findings()]
    assert result_from_dict(again) == read_result(V1_RESULT)


def test_todays_adapters_compute_the_fingerprints_v1_wrote(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # the sources are named relative to the repository
    saved = read_result(V1_RESULT).gates[0].checks
    for (name, options), before in zip(SOURCES, saved, strict=True):
        adapter = adapter_registry().load(name)()
        request = CollectRequest(before.id, options, (), Path.cwd(), FIXED_NOW)
        now = adapter.collect(request).findings[:8]
        assert len(now) == len(before.findings), name
        for finding, old in zip(now, before.findings, strict=True):
            assert finding.identity, f"{name} gives no identity: its fingerprint is eager"
            assert finding.fingerprint == fingerprint(*finding.identity) == old.fingerprint
            assert (finding.kind, finding.is_security) == (old.kind, old.is_security), name
            assert set(old.cwe) <= set(finding.cwe), name  # snyk now keeps every CWE


@pytest.mark.parametrize(
    ("category", "tool", "ident", "expected"),
    [
        ("vulnerability", "trivy", "CVE-1", (FindingKind.VULNERABILITY, (), {})),
        ("secret/ungated", "trivy", "aws", (FindingKind.SECRET, (), {"ungated": True})),
        ("license", "snyk", "snyk:lic", (FindingKind.LICENSE, (), {})),
        ("CWE-79", "zap", "40012", (FindingKind.WEAKNESS, (79,), {})),
        ("CWE-502", "dependency_check", "CVE-2", (FindingKind.VULNERABILITY, (502,), {})),
        ("error/security", "CodeQL", "R1", (FindingKind.WEAKNESS, (), {"level": "error", "graded": True})),
        ("note", "bandit", "B101", (FindingKind.LINT, (), {"level": "note"})),
        ("error", "trivy-sarif", "CVE-3", (FindingKind.VULNERABILITY, (), {"level": "error"})),
        ("error", "pylint", "E1", (FindingKind.LINT, (), {"type": "error"})),
        ("docs", "docs", "missing-file", (FindingKind.READINESS, (), {})),
        ("coverage", "diff_coverage", "x", (FindingKind.COVERAGE_GAP, (), {})),
        ("duplication", "jscpd", "clone", (FindingKind.CLONE, (), {})),
        ("complexity", "radon", "f", (FindingKind.COMPLEXITY, (), {})),
        (None, "junit", "t", (FindingKind.FAILED_TEST, (), {})),
        (None, "ruff", "F401", (FindingKind.LINT, (), {})),
        (None, "todo", "GHSA-1", (FindingKind.VULNERABILITY, (), {})),
        (None, "todo", "FIXME", (FindingKind.ISSUE, (), {})),
        ("NVD-CWE-noinfo", "dependency_check", "CVE-4",
         (FindingKind.VULNERABILITY, (), {"category": "NVD-CWE-noinfo"})),
        ("made-up", "plugin", "X", (FindingKind.ISSUE, (), {"category": "made-up"})),
    ],
)  # fmt: skip
def test_v1_categories_map_to_kind_cwe_and_extra(
    category: str | None, tool: str, ident: str, expected: tuple[Any, ...]
) -> None:
    assert v1_category(category, tool, ident) == expected


def _result_with(finding: dict[str, Any], schema: str = "qualitygates/result/v2") -> dict[str, Any]:
    check = {"id": "c", "adapter": "x", "status": "failed", "blocking": True, "findings": [finding]}
    gate = {"id": "g", "name": "G", "status": "failed", "blocking": True, "checks": [check]}
    return {
        "schema": schema, "status": "failed", "gates": [gate], "started_at": "2026-11-24",
        "duration": 1.0, "policy": "gates.yaml", "version": "0.1.0",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("kind", "bug"),
        ("cwe", ["CWE-79"]),
        ("cwe", [True]),
        ("occurrences", 0),
        ("occurrences", 1.5),
        ("extra", {"nested": {"a": 1}}),
        ("extra", ["a"]),
        ("extra", {"score": float("inf")}),
    ],
)
def test_a_damaged_v2_finding_is_refused(field: str, value: Any) -> None:
    finding = {"id": "R", "tool": "t", "severity": "high", "kind": "lint", field: value}
    with pytest.raises(ReportError, match="incomplete or damaged"):
        result_from_dict(_result_with(finding))


def test_a_v2_finding_needs_its_kind_a_v1_one_had_none() -> None:
    bare = {"id": "R", "tool": "t", "severity": "high"}
    with pytest.raises(ReportError, match=r"incomplete or damaged.*kind"):
        result_from_dict(_result_with(bare))
    v1 = result_from_dict(_result_with(bare, "qualitygates/result/v1"))
    assert v1.gates[0].checks[0].findings == (Finding("R", "t", Severity.HIGH, ""),)


def test_an_unknown_schema_names_the_one_written() -> None:
    with pytest.raises(ReportError, match='expected "schema": "qualitygates/result/v2"'):
        result_from_dict(_result_with({}, "qualitygates/result/v3"))
    with pytest.raises(ReportError, match="not a qualitygates result"):
        result_from_dict({"schema": ["qualitygates/result/v2"]})
