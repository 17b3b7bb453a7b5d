"""The dependency_check adapter: CVEs by severity and vulnerable dependencies, XML and JSON."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from qualitygates.adapters.dependency_check import DependencyCheckAdapter, severity_of
from qualitygates.errors import AdapterError
from qualitygates.model import Finding, FindingKind, Severity
from tests.helpers import DATA, collect

SEVERITY_WORDS = ("critical", "high", "medium", "low")

DC = DATA / "dependency_check"
EXPECTED = {
    "vulnerabilities.critical": 2, "vulnerabilities.high": 2, "vulnerabilities.medium": 1,
    "vulnerabilities.low": 1, "vulnerabilities.unknown": 0, "vulnerabilities.total": 6,
    "vulnerable_dependencies": 2,
}  # fmt: skip


def _counts(findings: tuple[Finding, ...] | list[Finding]) -> dict[str, float]:
    return {k: float(v.value) for k, v in DependencyCheckAdapter().count_findings(findings).items()}


@pytest.mark.parametrize("name", ["report.xml", "report.json"])
def test_counts_by_severity_and_dependencies(name: str) -> None:
    assert _counts(collect(DependencyCheckAdapter, path=str(DC / name)).findings) == EXPECTED


@pytest.mark.parametrize("name", ["report.xml", "report.json"])
def test_severity_order_v3_then_v2_then_own(name: str) -> None:
    findings = collect(DependencyCheckAdapter, path=str(DC / name)).findings
    assert [(f.id, f.severity) for f in findings] == [
        ("CVE-2021-44228", Severity.CRITICAL),  # v3
        ("CVE-2021-45046", Severity.CRITICAL),  # v3 (JSON: the `baseSeverity>` key)
        ("CVE-2021-44832", Severity.HIGH),  # v2 HIGH over its own MEDIUM
        ("CVE-2021-45105", Severity.MEDIUM),  # suppressed
        ("1179", Severity.MEDIUM),  # unscored `moderate`
        ("CVE-2025-0001", Severity.HIGH),  # CVSS v4 only: its own severity
        ("sonatype-2025-0002", Severity.LOW),  # v3 score 3.1
    ]


@pytest.mark.parametrize("name", ["report.xml", "report.json"])
def test_finding_fields(name: str) -> None:
    log4shell = collect(DependencyCheckAdapter, path=str(DC / name)).findings[0]
    assert log4shell.rule == "CVE-2021-44228"
    assert log4shell.location.package == "log4j-core-2.14.1.jar"
    assert log4shell.location.path == "/app/lib/log4j-core-2.14.1.jar"
    # the dependency's own purl, not the related dependency's listed before it
    assert log4shell.purl == "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"
    assert (log4shell.kind, log4shell.cwe) == (FindingKind.VULNERABILITY, (502,))
    assert log4shell.message.startswith(
        "CVE-2021-44228 in log4j-core-2.14.1.jar: Apache Log4j2 JNDI"
    )
    assert not log4shell.waived


def test_xml_and_json_agree() -> None:
    from_xml = collect(DependencyCheckAdapter, path=str(DC / "report.xml")).findings
    from_json = collect(DependencyCheckAdapter, path=str(DC / "report.json")).findings
    strip = ("message",)  # the JSON fixture's descriptions say more
    assert [dataclasses.replace(f, **dict.fromkeys(strip, "")) for f in from_xml] == [
        dataclasses.replace(f, **dict.fromkeys(strip, "")) for f in from_json
    ]


def test_suppressed_vulnerability_is_a_waived_finding() -> None:
    findings = collect(DependencyCheckAdapter, path=str(DC / "report.xml")).findings
    assert [(f.id, f.waiver_reason) for f in findings if f.waived] == [
        ("CVE-2021-45105", "suppressed in Dependency-Check")
    ]


def test_waiving_every_vulnerability_of_a_dependency_drops_it() -> None:
    findings = collect(DependencyCheckAdapter, path=str(DC / "report.json")).findings
    waived = [
        dataclasses.replace(f, waived=True) if f.location.package == "minimist:0.0.8" else f
        for f in findings
    ]
    counts = _counts(waived)
    assert (counts["vulnerable_dependencies"], counts["vulnerabilities.total"]) == (1, 3)


@pytest.mark.parametrize("name", ["clean.xml", "clean.json"])
def test_dependencies_without_vulnerabilities_are_clean(name: str) -> None:
    collection = collect(DependencyCheckAdapter, path=str(DC / name))
    assert collection.findings == ()
    assert _counts(collection.findings)["vulnerabilities.total"] == 0


def test_several_files_are_merged() -> None:
    paths = [str(DC / "report.xml"), str(DC / "clean.json")]
    assert _counts(collect(DependencyCheckAdapter, path=paths).findings) == EXPECTED


@pytest.mark.parametrize(
    ("v3", "v2", "own", "v3_score", "v2_score", "expected"),
    [
        ("", "", "", "9.8", "", Severity.CRITICAL),
        ("", "", "", "", "7.5", Severity.HIGH),
        ("", "", "", "0.0", "", Severity.UNKNOWN),
        ("", "", "Unknown", "", "", Severity.UNKNOWN),
        ("", "", "Info", "", "", Severity.LOW),
        ("", "low", "critical", "", "", Severity.LOW),
    ],
)
def test_severity_of(
    v3: str, v2: str, own: str, v3_score: str, v2_score: str, expected: Severity
) -> None:
    assert severity_of(v3, v2, own, v3_score, v2_score) is expected


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("no-dependencies.xml", "lists no dependency: Dependency-Check found nothing to scan; "
         "check its --scan path"),
        ("no-dependencies.json", "lists no dependency: Dependency-Check found nothing to scan"),
        ("not-dependency-check.xml", "is not a Dependency-Check XML report (its root element is "
         "<OWASPZAPReport>, not <analysis>)"),
        ("not-dependency-check.json", "is not a Dependency-Check JSON report (no scanInfo and "
         "dependencies)"),
        ("truncated.xml", "is not well-formed XML"),
    ],
)  # fmt: skip
def test_broken_reports_are_errors(name: str, message: str) -> None:
    with pytest.raises(AdapterError) as info:
        collect(DependencyCheckAdapter, path=str(DC / name))
    assert message in str(info.value)
    assert str(DC / name) in str(info.value)


def test_missing_empty_and_truncated_json(tmp_path: Path) -> None:
    with pytest.raises(AdapterError, match="does not exist"):
        collect(DependencyCheckAdapter, path=str(tmp_path / "dependency-check-report.xml"))
    empty = tmp_path / "dependency-check-report.json"
    empty.write_bytes(b"")
    with pytest.raises(AdapterError, match="is empty"):
        collect(DependencyCheckAdapter, path=str(empty))
    cut = tmp_path / "cut.json"
    text = (DC / "report.json").read_text()
    cut.write_text(text[: text.index('"packages"')])
    with pytest.raises(AdapterError, match=r"not valid Dependency-Check JSON.*looks truncated"):
        collect(DependencyCheckAdapter, path=str(cut))
    wrong = tmp_path / "wrong.json"
    wrong.write_text('{"scanInfo": {}, "dependencies": [{"vulnerabilities": {"name": "x"}}]}')
    with pytest.raises(
        AdapterError, match=r"dependencies\[0\]\.vulnerabilities should be an array"
    ):
        collect(DependencyCheckAdapter, path=str(wrong))


def test_entity_declarations_are_refused(tmp_path: Path) -> None:
    hostile = tmp_path / "dc.xml"
    hostile.write_text(
        '<?xml version="1.0"?><!DOCTYPE analysis [<!ENTITY x "boom">]>'
        "<analysis><dependencies><dependency><fileName>&x;</fileName></dependency></dependencies></analysis>"
    )
    with pytest.raises(AdapterError, match="declares XML entities"):
        collect(DependencyCheckAdapter, path=str(hostile))


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"severity": "SEVERE"}, "severity 'SEVERE' is not one of "
         "critical/high/medium/moderate/low/info/informational/unknown"),
        ({"cvssv3": {"baseSeverity": "HIGH", "baseScore": "n/a"}},
         "cvssV3 baseScore 'n/a' is not a CVSS score from 0 to 10"),
        ({"cvssv2": {"severity": "HIGH", "score": 12.5}},
         "cvssV2 score '12.5' is not a CVSS score from 0 to 10"),
        ({"cvssv3": {"baseSeverity": "BAD"}, "severity": "HIGH"},
         "cvssV3 baseSeverity 'BAD' is not one of"),
    ],
    ids=["own-word", "v3-score", "v2-score", "word-beside-a-valid-one"],
)  # fmt: skip
def test_a_severity_dependency_check_would_not_write_is_an_error(
    tmp_path: Path, fields: dict[str, object], message: str
) -> None:
    vuln = {"name": "CVE-2026-1", **fields}
    report = {"scanInfo": {}, "dependencies": [{"fileName": "a.jar", "vulnerabilities": [vuln]}]}
    path = tmp_path / "dependency-check-report.json"
    path.write_text(json.dumps(report))
    with pytest.raises(AdapterError) as raised:
        collect(DependencyCheckAdapter, path=str(path))
    assert str(raised.value).startswith(f"{path}: CVE-2026-1 of a.jar has {message}")


def _report(tmp_path: Path, *vulns: dict[str, object]) -> Path:
    report = {"scanInfo": {}, "dependencies": [{"fileName": "a.jar", "vulnerabilities": vulns}]}
    path = tmp_path / "dependency-check-report.json"
    path.write_text(json.dumps(report))
    return path


def test_no_severity_nor_cvss_anywhere_makes_the_counts_by_severity_unavailable(
    tmp_path: Path,
) -> None:
    """Ungraded vulnerabilities are unknown; none graded must not read 0 critical."""
    path = _report(tmp_path, {"name": "CVE-2026-1"}, {"name": "CVE-2026-2"})
    collection = collect(DependencyCheckAdapter, path=str(path))
    for name in ("critical", "high", "medium", "low"):
        reason = collection.unavailable[f"vulnerabilities.{name}"]
        assert reason.startswith("no vulnerability in the reports has a severity or a CVSS score")
    assert set(collection.unavailable) == {f"vulnerabilities.{s}" for s in SEVERITY_WORDS}
    assert _counts(collection.findings)["vulnerabilities.unknown"] == 2
    one = _report(tmp_path, {"name": "CVE-2026-1"}, {"name": "CVE-2026-2", "severity": "unknown"})
    assert collect(DependencyCheckAdapter, path=str(one)).unavailable == {}  # graded unknown
    assert collect(DependencyCheckAdapter, path=str(DC / "clean.xml")).unavailable == {}
    xml = tmp_path / "dependency-check-report.xml"
    xml.write_text(
        "<analysis><dependencies><dependency><fileName>a.jar</fileName><vulnerabilities>"
        "<vulnerability><name>CVE-2026-1</name></vulnerability>"
        "</vulnerabilities></dependency></dependencies></analysis>"
    )
    assert "vulnerabilities.critical" in collect(DependencyCheckAdapter, path=str(xml)).unavailable
