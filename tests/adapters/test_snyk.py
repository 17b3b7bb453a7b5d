"""The snyk adapter: vulnerabilities by severity, unique across paths, fixable ones."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from qualitygates.adapters.snyk import SnykAdapter
from qualitygates.errors import AdapterError
from qualitygates.model import Finding, FindingKind, Severity
from tests.helpers import DATA, collect, qualitygates

SNYK = DATA / "snyk"


def _counts(findings: tuple[Finding, ...] | list[Finding]) -> dict[str, int]:
    counts = SnykAdapter().count_findings(findings)
    return {k: int(v.value) for k, v in counts.items() if v.value or k.endswith("total")}


def test_single_project_unique_across_paths() -> None:
    findings = collect(SnykAdapter, path=str(SNYK / "single-project.json")).findings
    assert _counts(findings) == {
        "vulnerabilities.critical": 1, "vulnerabilities.high": 2, "vulnerabilities.medium": 1,
        "vulnerabilities.low": 1, "vulnerabilities.total": 5,
        "vulnerabilities.fixable.high": 1, "vulnerabilities.fixable.medium": 1,
        "vulnerabilities.fixable.total": 2, "licenses.total": 1,
    }  # fmt: skip
    lodash = findings[0]
    assert (lodash.id, lodash.rule, lodash.severity, lodash.fixable) == (
        "SNYK-JS-LODASH-1018905", "SNYK-JS-LODASH-1018905", Severity.HIGH, True,
    )  # fmt: skip
    assert (lodash.location.path, lodash.location.package) == (
        "package-lock.json",
        "lodash@4.17.15",
    )
    assert lodash.message == "Prototype Pollution in lodash@4.17.15"
    assert (lodash.kind, lodash.cwe) == (FindingKind.VULNERABILITY, (1321,))
    # the same issue in another version of the package is another finding
    assert [f.location.package for f in findings if f.id == "SNYK-JS-LODASH-1018905"] == [
        "lodash@4.17.15", "lodash@4.17.4",
    ]  # fmt: skip


def test_severity_with_critical_wins_over_capped_severity() -> None:
    findings = collect(SnykAdapter, path=str(SNYK / "single-project.json")).findings
    ejs = next(f for f in findings if f.id == "SNYK-JS-EJS-1049328")
    assert ejs.severity is Severity.CRITICAL


def test_license_issues_are_findings_but_not_vulnerabilities() -> None:
    findings = collect(SnykAdapter, path=str(SNYK / "single-project.json")).findings
    licenses = [f for f in findings if f.kind is FindingKind.LICENSE]
    assert [f.id for f in licenses] == ["snyk:lic:npm:gpl:GPL-3.0"]


def test_all_projects_array() -> None:
    findings = collect(SnykAdapter, path=str(SNYK / "all-projects.json")).findings
    assert _counts(findings) == {
        "vulnerabilities.high": 2, "vulnerabilities.total": 2,
        "vulnerabilities.fixable.high": 2, "vulnerabilities.fixable.total": 2, "licenses.total": 0,
    }  # fmt: skip
    assert [f.location.path for f in findings] == ["pom.xml", "web/package-lock.json"]


def test_container_with_applications() -> None:
    findings = collect(SnykAdapter, path=str(SNYK / "container.json")).findings
    assert _counts(findings) == {
        "vulnerabilities.critical": 2, "vulnerabilities.medium": 1, "vulnerabilities.low": 1,
        "vulnerabilities.total": 4, "vulnerabilities.fixable.medium": 1,
        "vulnerabilities.fixable.total": 1, "licenses.total": 0,
    }  # fmt: skip
    express = findings[-1]
    assert express.location.path == "docker-image|acme/shop > /app/package.json"
    assert express.location.package == "express@4.18.2"


def test_clean_project() -> None:
    findings = collect(SnykAdapter, path=str(SNYK / "clean.json")).findings
    assert findings == ()
    assert _counts(findings)["vulnerabilities.total"] == 0


def test_waived_findings_are_not_counted() -> None:
    findings = list(collect(SnykAdapter, path=str(SNYK / "all-projects.json")).findings)
    findings[0] = dataclasses.replace(findings[0], waived=True, waiver_reason="test")
    assert _counts(findings)["vulnerabilities.high"] == 1
    assert _counts(findings)["vulnerabilities.fixable.total"] == 1


def test_several_files_are_merged() -> None:
    paths = [
        str(SNYK / "single-project.json"),
        str(SNYK / "all-projects.json"),
        str(SNYK / "clean.json"),
    ]
    assert _counts(collect(SnykAdapter, path=paths).findings)["vulnerabilities.total"] == 7


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("error.json", "Snyk could not test /work/empty: Could not detect supported target files in "
         "/work/empty. Please see our documentation"),
        ("all-projects-one-failed.json", "Snyk could not test /work/web: Failed to get dependencies for "
         "project web: npm ls exited with 1"),
        ("iac.json", "is a `snyk iac test` report: the snyk adapter reads `snyk test --json`"),
        ("no-vulnerabilities-array.json", "has no vulnerabilities array: this is not a `snyk test --json` report"),
        ("empty-array.json", "is an empty array: Snyk tested no project"),
        ("vulnerability-without-id.json", "vulnerabilities[0] has no id"),
        ("text-output.json", "is Snyk's text output, not JSON: run `snyk test --json`"),
    ],
)  # fmt: skip
def test_errors(name: str, message: str) -> None:
    with pytest.raises(AdapterError) as info:
        collect(SnykAdapter, path=str(SNYK / name))
    assert str(SNYK / name) in str(info.value)
    assert message in str(info.value)


def test_missing_empty_truncated_and_wrong_shape(tmp_path: Path) -> None:
    with pytest.raises(AdapterError, match=r"snyk.json does not exist"):
        collect(SnykAdapter, path=str(tmp_path / "snyk.json"))
    report = tmp_path / "snyk.json"
    report.write_bytes(b"")
    with pytest.raises(AdapterError, match=r"snyk.json is empty"):
        collect(SnykAdapter, path=str(report))
    report.write_text('{"vulnerabilities": [{"id": "SNYK-1", ')
    with pytest.raises(AdapterError, match=r"not valid Snyk JSON.*looks truncated"):
        collect(SnykAdapter, path=str(report))
    report.write_text('{"vulnerabilities": {"id": "SNYK-1"}}')
    with pytest.raises(AdapterError, match="has no vulnerabilities array"):
        collect(SnykAdapter, path=str(report))
    report.write_text("[1, 2]")
    with pytest.raises(AdapterError, match=r"projects\[0\] should be an object, not int"):
        collect(SnykAdapter, path=str(report))


def test_declared_metrics() -> None:
    for name in ("vulnerabilities.critical", "vulnerabilities.total", "vulnerabilities.fixable.total",
                 "vulnerabilities.fixable.high", "licenses.total"):  # fmt: skip
        assert SnykAdapter.metric_spec(name) is not None
    assert SnykAdapter.metric_spec("vulnerabilities.severe") is None


def _snyk(tmp_path: Path, project: dict[str, object]) -> Path:
    path = tmp_path / "snyk.json"
    path.write_text(json.dumps({"projectName": "shop", "uniqueCount": 1, **project}))
    return path


def test_a_severity_that_is_not_snyks_is_an_error(tmp_path: Path) -> None:
    vuln = {"id": "SNYK-JS-X-1", "severity": "severe", "packageName": "x", "version": "1"}
    path = _snyk(tmp_path, {"ok": False, "vulnerabilities": [vuln]})
    with pytest.raises(AdapterError) as raised:
        collect(SnykAdapter, path=str(path))
    assert str(raised.value) == (
        f"{path}: shop: vulnerabilities[0] has severity 'severe', "
        "not one of Snyk's critical/high/medium/low"
    )


def test_ok_false_with_no_vulnerability_listed_is_an_error(tmp_path: Path) -> None:
    path = _snyk(tmp_path, {"ok": False, "vulnerabilities": []})
    with pytest.raises(AdapterError) as raised:
        collect(SnykAdapter, path=str(path))
    assert str(raised.value) == (
        f"{path}: shop says ok: false (issues found) but lists no vulnerability: "
        "the report contradicts itself"
    )


def _trimmed(tmp_path: Path, **keys: object) -> Path:
    """A report whose vulnerabilities carry only what snyk-to-html's fixtures keep."""
    vulns = [
        {"id": f"SNYK-JS-X-{n}", "packageName": "x", "version": f"1.{n}", **keys} for n in range(3)
    ]
    return _snyk(tmp_path, {"ok": False, "vulnerabilities": vulns})


def test_no_isupgradable_nor_ispatchable_anywhere_makes_fixable_unavailable(
    tmp_path: Path,
) -> None:
    """snyk-to-html's test-exploit-maturity.json has neither: no fixable count is 0 of that."""
    path = _trimmed(tmp_path, severity="high")
    collection = collect(SnykAdapter, path=str(path))
    for name in ("total", "critical", "high", "unknown"):
        reason = collection.unavailable[f"vulnerabilities.fixable.{name}"]
        assert reason.startswith("no vulnerability in the reports has isUpgradable or isPatchable")
    assert "vulnerabilities.high" not in collection.unavailable  # still counted: 3
    told = collect(SnykAdapter, path=str(_trimmed(tmp_path, severity="high", isPatchable=False)))
    assert told.unavailable == {}  # not fixable is a real 0
    assert collect(SnykAdapter, path=str(SNYK / "clean.json")).unavailable == {}  # none found
    _trimmed(tmp_path, severity="high")
    policy = tmp_path / "gates.yaml"
    policy.write_text(
        "version: 1\ngates:\n  - id: g\n    checks:\n      - id: s\n        adapter: snyk\n"
        "        with: {path: snyk.json}\n"
        "        conditions: [vulnerabilities.fixable.high == 0]\n"
    )
    done = qualitygates("run", cwd=tmp_path)
    assert done.returncode == 3
    assert "vulnerabilities.fixable.high: no vulnerability in the reports has isUpgradable" in (
        done.stdout
    )


def test_no_severity_anywhere_makes_the_counts_by_severity_unavailable(tmp_path: Path) -> None:
    """Vulnerabilities with no severity are unknown; none graded must not read 0 critical."""
    collection = collect(SnykAdapter, path=str(_trimmed(tmp_path, isUpgradable=True)))
    for name in ("critical", "high", "medium", "low"):
        for family in ("vulnerabilities", "vulnerabilities.fixable"):
            reason = collection.unavailable[f"{family}.{name}"]
            assert reason.startswith("no vulnerability in the reports has a severity")
    for name in (
        "vulnerabilities.total",
        "vulnerabilities.unknown",
        "vulnerabilities.fixable.total",
    ):
        assert name not in collection.unavailable
    assert _counts(collection.findings)["vulnerabilities.unknown"] == 3
    graded = collect(SnykAdapter, path=str(_trimmed(tmp_path, severity="low", isUpgradable=True)))
    assert graded.unavailable == {}
