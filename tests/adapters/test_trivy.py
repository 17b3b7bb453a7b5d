"""The trivy adapter on small hand-written reports in Trivy's real JSON format."""

from __future__ import annotations

import gzip
import json
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from qualitygates.adapters.trivy import TrivyAdapter
from qualitygates.adapters.trivy.ignore import load_ignore_file
from qualitygates.adapters.trivy.patterns import parse_purl
from qualitygates.errors import AdapterError
from qualitygates.model import Finding, FindingKind, Severity
from qualitygates.result_findings import finding_to_dict
from tests.helpers import DATA, FIXED_NOW, collect

TRIVY = DATA / "trivy"


def counts(findings: tuple[Finding, ...]) -> dict[str, float]:
    metrics = TrivyAdapter().count_findings([f for f in findings if not f.waived])
    return {name: m.value for name, m in metrics.items() if m.value}


def test_image_scan_counts_by_severity_and_fixable() -> None:
    result = collect(TrivyAdapter, path=str(TRIVY / "image.json"))
    assert counts(result.findings) == {
        "vulnerabilities.critical": 1,
        "vulnerabilities.high": 2,
        "vulnerabilities.medium": 1,
        "vulnerabilities.low": 1,
        "vulnerabilities.unknown": 1,
        "vulnerabilities.total": 6,
        "vulnerabilities.fixable.critical": 1,
        "vulnerabilities.fixable.high": 1,
        "vulnerabilities.fixable.low": 1,
        "vulnerabilities.fixable.total": 3,
    }
    assert result.timestamp == datetime(2026, 11, 20, 10, 0, 0, 123456, tzinfo=timezone.utc)
    assert result.revision is None  # an image digest is not a commit
    assert result.sources == (str(TRIVY / "image.json"),)


def test_every_metric_is_present_even_when_zero() -> None:
    metrics = TrivyAdapter().count_findings([])
    assert metrics["secrets.total"].value == 0
    assert metrics["licenses.unknown"].value == 0
    assert len(metrics) == 5 * 6


def test_vulnerability_finding_fields() -> None:
    findings = collect(TrivyAdapter, path=str(TRIVY / "image.json")).findings
    first = findings[0]
    assert (first.id, first.tool, first.severity, first.message) == (
        "CVE-2026-0001",
        "trivy",
        Severity.CRITICAL,
        "openssl: remote code execution",
    )
    assert first.location.path == "registry.example/shop:1.4 (alpine 3.19.1)"
    assert first.location.package == "openssl@3.1.4-r2"
    assert first.purl == "pkg:apk/alpine/openssl@3.1.4-r2?arch=x86_64&distro=3.19.1"
    assert first.fixable and first.kind is FindingKind.VULNERABILITY and not first.extra
    assert first.fingerprint and first.fingerprint != findings[1].fingerprint
    untitled = next(f for f in findings if f.id == "CVE-2026-0003")
    assert untitled.message == "CVE-2026-0003 in zlib@1.3-r0"


def test_findings_trivy_suppressed_are_listed_as_waived() -> None:
    findings = collect(TrivyAdapter, path=str(TRIVY / "image.json")).findings
    vex = next(f for f in findings if f.id == "CVE-2026-0100")
    assert vex.waived
    assert (
        vex.waiver_reason == "trivy: not_affected (vulnerable_code_not_in_execute_path; vex.json)"
    )


def test_fs_scan_misconfigurations_secrets_and_licenses() -> None:
    result = collect(TrivyAdapter, path=str(TRIVY / "fs.json"))
    assert counts(result.findings) == {
        "misconfigurations.high": 1,
        "misconfigurations.medium": 1,
        "misconfigurations.total": 2,  # the PASS check is not a finding
        "secrets.critical": 2,
        "secrets.total": 2,
        "licenses.high": 1,
        "licenses.low": 1,
        "licenses.total": 2,
    }
    assert result.revision == "4f1c2a9e0b7d6c5a4f3e2d1c0b9a8f7e6d5c4b3a"
    by_id = {f.id: f for f in result.findings}
    assert by_id["DS001"].location.line == 1 and by_id["DS001"].location.path == "Dockerfile"
    assert by_id["DS002"].location.line is None
    assert by_id["github-pat"].location.line == 3
    assert by_id["GPL-3.0-only"].location.path == "venv/lib/gpl_lib/METADATA"
    assert by_id["GPL-3.0-only"].location.package == "gpl-lib"
    assert by_id["GPL-3.0-only"].message == "license GPL-3.0-only (restricted) in gpl-lib"


def test_a_secret_value_never_reaches_a_finding() -> None:
    for finding in collect(TrivyAdapter, path=str(TRIVY / "fs.json")).findings:
        text = json.dumps(finding_to_dict(finding))  # every field, as every report sees it
        assert "SECRET" not in text and "ghp_" not in text and "AKIA" not in text


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"severities": ["CRITICAL", "high"]}, {"critical": 1, "high": 2, "total": 3}),
        ({"statuses": ["fixed"]}, {"critical": 1, "high": 1, "low": 1, "total": 3}),
        ({"fixable_only": True}, {"critical": 1, "high": 1, "low": 1, "total": 3}),
        ({"classes": ["lang-pkgs"]}, {"high": 1, "total": 1}),
        ({"severities": "LOW", "statuses": ["fixed", "unknown"]}, {"low": 1, "total": 1}),
    ],
)
def test_gate_on_a_subset_but_list_everything(
    options: dict[str, Any], expected: dict[str, int]
) -> None:
    findings = collect(TrivyAdapter, path=str(TRIVY / "image.json"), **options).findings
    assert len(findings) == 7  # every finding is still listed
    got = {k.split(".")[-1]: v for k, v in counts(findings).items() if k.count(".") == 1}
    assert got == expected
    assert all(f.kind is FindingKind.VULNERABILITY for f in findings)
    counted = [f for f in findings if not f.waived and f.extra.get("ungated") is not True]
    assert len(counted) == expected["total"]


def test_subset_options_apply_to_other_kinds() -> None:
    findings = collect(
        TrivyAdapter, path=str(TRIVY / "fs.json"), severities=["CRITICAL"], fixable_only=True
    ).findings
    assert counts(findings) == {"secrets.critical": 2, "secrets.total": 2}


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"severities": ["CRTICAL"]},
            "trivy option severities: 'crtical' is not one of critical, high,",
        ),
        ({"statuses": ["wontfix"]}, "trivy option statuses: 'wontfix' is not one of unknown,"),
        ({"classes": ["os"]}, "trivy option classes: 'os' is not one of os-pkgs,"),
    ],
)
def test_misspelt_subset_option_is_an_error(options: dict[str, Any], message: str) -> None:
    with pytest.raises(AdapterError, match="^" + message):
        collect(TrivyAdapter, path=str(TRIVY / "image.json"), **options)


def test_plain_trivyignore_waives_with_its_comment_and_honours_expiry() -> None:
    ignore = str(TRIVY / "trivyignore")
    image = collect(TrivyAdapter, path=str(TRIVY / "image.json"), trivyignore=ignore).findings
    fs = collect(TrivyAdapter, path=str(TRIVY / "fs.json"), trivyignore=ignore).findings
    waived = {f.id: f.waiver_reason for f in image + fs if f.waived}
    assert waived == {
        "CVE-2026-0002": "trivyignore: trivyignore:2 not reachable from the API, see SEC-12",
        "CVE-2026-0100": "trivy: not_affected (vulnerable_code_not_in_execute_path; vex.json)",
        "DS002": "trivyignore: trivyignore:6",  # the comment above belongs to line 5
    }
    assert counts(image)["vulnerabilities.total"] == 5  # CVE-2026-0003's entry expired
    assert counts(fs)["misconfigurations.total"] == 1


def test_yaml_trivyignore_paths_purls_ids_and_license_expressions() -> None:
    ignore = str(TRIVY / "trivyignore.yaml")
    image = collect(TrivyAdapter, path=str(TRIVY / "image.json"), trivyignore=ignore).findings
    fs = collect(TrivyAdapter, path=str(TRIVY / "fs.json"), trivyignore=ignore).findings
    waived = {f.id: f.waiver_reason for f in image + fs if f.waived and f.id != "CVE-2026-0100"}
    assert waived == {
        "GHSA-aaaa-bbbb-cccc": "trivyignore: trivyignore.yaml vulnerabilities[0] lodash only used in the build",
        "aws-access-key-id": "trivyignore: trivyignore.yaml secrets[0] example keys",
        "DS001": "trivyignore: trivyignore.yaml misconfigurations[0]",  # matched by its AVDID
        "MIT OR Apache-2.0": "trivyignore: trivyignore.yaml licenses[0]",  # each part ignored
    }
    assert counts(fs) == {
        "misconfigurations.high": 1,
        "misconfigurations.total": 1,
        "secrets.critical": 1,
        "secrets.total": 1,
        "licenses.high": 1,
        "licenses.total": 1,
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("CVE-1 exp:2026-13-01\n", "trivyignore:1: the expiry date must be YYYY-MM-DD"),
        ("vulnerabilities: [{id: CVE-1, expires: 2026-01-01}]", "unknown key 'expires'"),
        ("vulnerabilities: [{paths: [a]}]", r"vulnerabilities\[0\] needs an 'id'"),
        ("vulnerability: []", "unknown section 'vulnerability'"),
        ("vulnerabilities: [{id: CVE-1, purls: [lodash]}]", "'lodash' is not a package URL"),
        ("secrets: [{id: x, paths: ['a/{b']}]", "invalid path pattern 'a/{b'"),
        ("vulnerabilities: [a: b", "is not valid YAML"),
    ],
)
def test_bad_trivyignore_is_an_error(tmp_path: Path, text: str, message: str) -> None:
    name = "trivyignore" if text.startswith("CVE") else "trivyignore.yaml"
    (tmp_path / name).write_text(text)
    with pytest.raises(AdapterError, match=message):
        load_ignore_file(tmp_path / name, FIXED_NOW)


def test_missing_trivyignore_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(
        AdapterError, match=r"the trivyignore file .*nope does not exist: fix the path"
    ):
        collect(TrivyAdapter, path=str(TRIVY / "image.json"), trivyignore=str(tmp_path / "nope"))


def test_purl_matching_follows_trivy() -> None:
    target = parse_purl("pkg:npm/%40babel/core@7.0.0?arch=x")
    assert target is not None and (target.namespace, target.name, target.version) == (
        "@babel",
        "core",
        "7.0.0",
    )
    for constraint, expected in [
        ("pkg:npm/%40babel/core", True),
        ("pkg:npm/%40babel/core@7.0.0", True),
        ("pkg:npm/%40babel/core@7.0.1", False),
        ("pkg:npm/%40babel/core?arch=x", True),
        ("pkg:npm/%40babel/core?arch=y", False),
        ("pkg:pypi/core", False),
    ]:
        parsed = parse_purl(constraint)
        assert parsed is not None and parsed.matches(target) is expected, constraint


def test_gzip_and_several_files_by_glob(tmp_path: Path) -> None:
    (tmp_path / "a.json.gz").write_bytes(gzip.compress((TRIVY / "image.json").read_bytes()))
    (tmp_path / "b.json").write_bytes((TRIVY / "fs.json").read_bytes())
    result = collect(TrivyAdapter, path=str(tmp_path / "*.json*"))
    assert counts(result.findings)["vulnerabilities.total"] == 6
    assert counts(result.findings)["secrets.total"] == 2
    assert result.timestamp == datetime(
        2026, 11, 20, 10, 0, 0, 123456, tzinfo=timezone.utc
    )  # the oldest
    assert len(result.sources) == 2


def test_clean_report_without_results_counts_zero(tmp_path: Path) -> None:
    report = {
        "SchemaVersion": 2,
        "CreatedAt": "0001-01-01T00:00:00Z",
        "ArtifactName": "clean",
        "ArtifactType": "filesystem",
    }
    (tmp_path / "clean.json").write_text(json.dumps(report))
    result = collect(TrivyAdapter, path=str(tmp_path / "clean.json"))
    assert result.findings == () and result.timestamp is None


BAD_REPORTS = [
    ("", "is empty: the tool that writes it failed or did not run"),
    (
        '{"SchemaVersion": 2, "ArtifactName": "x", "Results": [',
        "is not valid Trivy JSON: it ends early (truncated)",
    ),
    ("{not json}", "is not valid Trivy JSON"),
    ("null", "is a legacy Trivy report (no SchemaVersion, trivy < 0.20): produce it again"),
    ('[{"Target": "a", "Vulnerabilities": []}]', "is a legacy Trivy report"),
    ('{"Results": []}', "is not a Trivy JSON report: it has no SchemaVersion"),
    (
        '{"version": "2.1.0", "runs": []}',
        "it has no SchemaVersion (it looks like SARIF: use the sarif adapter)",
    ),
    (
        '{"SchemaVersion": 1, "Results": []}',
        "has Trivy SchemaVersion 1; only SchemaVersion 2 is supported",
    ),
    ('{"SchemaVersion": 2}', "has no Results and no ArtifactName: the report looks truncated"),
    ('{"SchemaVersion": 2, "ArtifactName": "x", "Results": {}}', "Results should be an array"),
    (
        '{"SchemaVersion": 2, "ArtifactName": "x", "Results": [{"Vulnerabilities": {}}]}',
        "Results[0].Vulnerabilities should be an array",
    ),
    (
        '{"SchemaVersion": 2, "ArtifactName": "x", "Results": [{"Secrets": [{"Title": "t"}]}]}',
        "Results[0].Secrets has an entry without RuleID",
    ),
    ('"text"', "is not a Trivy JSON report: its top level is not an object"),
]


@pytest.mark.parametrize(("text", "message"), BAD_REPORTS)
def test_broken_or_wrong_reports_are_errors(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "trivy.json"
    path.write_text(text)
    with pytest.raises(AdapterError, match=re.escape(message)) as caught:
        collect(TrivyAdapter, path=str(path))
    assert str(path) in str(caught.value)


def test_missing_file_and_empty_glob_are_errors(tmp_path: Path) -> None:
    with pytest.raises(AdapterError, match="does not exist: check the path"):
        collect(TrivyAdapter, path=str(tmp_path / "trivy.json"))
    with pytest.raises(AdapterError, match="no file matches"):
        collect(TrivyAdapter, path=str(tmp_path / "*.json"))


def test_metric_specs_cover_the_spec_names() -> None:
    for name in (
        "vulnerabilities.critical",
        "vulnerabilities.unknown",
        "vulnerabilities.fixable.low",
        "licenses.total",
    ):
        assert TrivyAdapter.metric_spec(name) is not None, name
    assert TrivyAdapter.metric_spec("vulnerabilities.severe") is None
    summary = {s.name for s in TrivyAdapter.metrics if s.summary}
    assert {"vulnerabilities.critical", "vulnerabilities.high", "secrets.total"} <= summary


def test_same_numbers_without_ijson(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import qualitygates.readers._slim as slim

    streamed = counts(collect(TrivyAdapter, path=str(TRIVY / "image.json")).findings)
    monkeypatch.setattr(slim, "ijson", None)  # the standard-library fallback
    assert counts(collect(TrivyAdapter, path=str(TRIVY / "image.json")).findings) == streamed
    truncated = tmp_path / "t.json"
    truncated.write_text('{"SchemaVersion": 2, "Results": [')
    with pytest.raises(AdapterError, match="looks truncated"):
        collect(TrivyAdapter, path=str(truncated))


@pytest.mark.parametrize("kind", ["Misconfigurations", "Secrets", "Licenses"])
def test_a_severity_that_is_not_trivys_is_an_error(tmp_path: Path, kind: str) -> None:
    item = {"ID": "AVD-1", "RuleID": "aws-key", "Name": "GPL-3.0", "Status": "FAIL",
            "Severity": "SEVERE"}  # fmt: skip
    path = tmp_path / "trivy.json"
    path.write_text(json.dumps({"SchemaVersion": 2, "Results": [{"Target": "t", kind: [item]}]}))
    with pytest.raises(AdapterError) as raised:
        collect(TrivyAdapter, path=str(path))
    assert str(raised.value) == (
        f"{path}: Results[0].{kind} has an entry with Severity 'SEVERE', "
        "not one of Trivy's UNKNOWN/LOW/MEDIUM/HIGH/CRITICAL"
    )
