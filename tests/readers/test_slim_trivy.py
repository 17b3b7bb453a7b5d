"""Trivy's streamed findings (made while the report is parsed) equal those made at the end.

`trivy.stream.Streamer` turns vulnerabilities into findings between chunks, through
`trivy.vulns.vulnerability_finding`; whatever it leaves, `ReportReader.findings` reads
from the whole report. Every way of reading a report must give the same findings and
errors: streamed by either reader, not streamed at all, or parsed by the standard library.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import qualitygates.readers._slim as slim
import qualitygates.readers._window as fast
from qualitygates.adapters.interface import fingerprint
from qualitygates.adapters.trivy import TrivyAdapter
from qualitygates.adapters.trivy.vulns import vulnerability_finding
from qualitygates.errors import AdapterError
from qualitygates.model import Finding, FindingKind, Location, Severity
from tests.helpers import DATA, collect

SEVERITIES = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "UNKNOWN", "high"]


def vulnerability(number: int, rng: random.Random) -> dict[str, Any]:
    name = f"pkg{number % 7}"
    vuln: dict[str, Any] = {
        "VulnerabilityID": ["CVE-2026-0001", "GHSA-aaaa-bbbb-cccc", f"CVE-2025-{number}"][
            number % 3
        ],
        "PkgName": name if number % 11 else "lodash",
        "PkgIdentifier": {"PURL": f"pkg:npm/{name}@1.{number % 4}.0"} if number % 5 else {},
        "InstalledVersion": f"1.{number % 4}.0" if number % 9 else "",
        "Status": ["fixed", "affected", "will_not_fix", ""][number % 4],
        "Severity": SEVERITIES[number % len(SEVERITIES)],
        "Description": "long text " * 20,
        "References": [f"https://example.invalid/{number}"],
    }
    if number % 4:
        vuln["Title"] = f"a flaw ({number})"
    if rng.random() < 0.5:
        vuln["FixedVersion"] = "9.9.9"
    return vuln


def report(count: int = 120) -> dict[str, Any]:
    rng = random.Random(5)
    vulns = [vulnerability(n, rng) for n in range(count)]
    return {
        "SchemaVersion": 2,
        "CreatedAt": "2026-11-20T10:00:00.123456789Z",
        "ArtifactName": "registry.example/app:1",
        "ArtifactType": "container_image",
        "Results": [
            {"Target": "app (alpine 3.20)", "Class": "os-pkgs", "Vulnerabilities": vulns},
            # Vulnerabilities first, Target and Class after: left to the final pass.
            {"Vulnerabilities": vulns[:40], "Target": "late", "Class": "lang-pkgs"},
            # Class after: the final pass too, when the gate filters on it.
            {"Target": "app/package-lock.json", "Vulnerabilities": vulns[40:], "Class": "x"},
            {
                "Target": "Dockerfile",
                "Class": "config",
                "Misconfigurations": [{"ID": "DS001", "AVDID": "AVD-DS-0001", "Status": "FAIL"}],
                "Secrets": [{"RuleID": "github-pat", "Severity": "HIGH", "Title": "token"}],
                "ExperimentalModifiedFindings": [
                    {"Type": "vulnerability", "Status": "not_affected", "Finding": vulns[0]}
                ],
            },
        ],
    }


def readings(path: Path, **options: Any) -> Iterator[tuple[str, Any]]:
    """(how, findings or error message) for every way of reading `path`."""
    ways = {  # chunk size, window reader alone, ijson alone, standard library
        "window reader, streamed": (4096, True, False, False),
        "either reader": (4096, False, False, False),
        "either reader, tiny chunks": (97, False, False, False),
        "ijson, streamed": (4096, False, True, False),
        "not streamed": (1 << 24, False, False, False),
        "standard library": (4096, False, False, True),
    }
    for how, (chunk, no_ijson, no_window, stdlib) in ways.items():
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(slim, "CHUNK_BYTES", chunk)
            if no_ijson:
                patch.setattr(slim, "ChunkReader", _refuse)
            if no_window:
                patch.setattr(fast.WindowReader, "read_object", _refuse)
            if stdlib:
                patch.setattr(slim, "ijson", None)
            try:
                yield how, collect(TrivyAdapter, path=str(path), **options).findings
            except AdapterError as exc:
                yield how, str(exc)
            except fast.Fallback:  # only where ijson is refused
                yield how, "the window reader gave up"


def _refuse(*args: Any) -> Any:
    raise fast.Fallback


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"trivyignore": str(DATA / "trivy" / "trivyignore.yaml")},
        {"severities": ["critical", "high"], "fixable_only": True},
        {"classes": ["os-pkgs"], "statuses": ["fixed"]},
    ],
)
def test_every_way_of_reading_gives_the_same_findings(
    tmp_path: Path, options: dict[str, Any]
) -> None:
    path = tmp_path / "trivy.json"
    path.write_text(json.dumps(report(), indent=2))
    results = dict(readings(path, **options))
    expected = results.pop("not streamed")
    assert isinstance(expected, tuple) and len(expected) > 200
    for how, found in results.items():
        assert found == expected, how


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (7, r"Results\[0\]\.Vulnerabilities\[90\] should be an object"),
        ({"PkgName": "x"}, r"Results\[0\]\.Vulnerabilities has an entry without VulnerabilityID"),
        (
            {"VulnerabilityID": "CVE-1", "Severity": "SEVERE"},
            r"Results\[0\]\.Vulnerabilities has an entry with Severity 'SEVERE', not one of "
            r"Trivy's UNKNOWN/LOW/MEDIUM/HIGH/CRITICAL$",
        ),
        ({"VulnerabilityID": "CVE-1", "Severity": 3}, r"an entry with Severity 3, not one of"),
        ({"VulnerabilityID": "CVE-1", "Severity": ""}, r"an entry with Severity '', not one of"),
    ],
)
def test_a_malformed_vulnerability_gives_the_same_error_however_it_is_read(
    tmp_path: Path, bad: Any, message: str
) -> None:
    doc = report()
    doc["Results"][0]["Vulnerabilities"][90] = bad
    path = tmp_path / "trivy.json"
    path.write_text(json.dumps(doc, indent=2))
    for how, found in readings(path):
        assert isinstance(found, str), how
        assert re.search(message, found), (how, found)


@pytest.mark.parametrize("number", range(12))
def test_the_quick_finding_is_the_ordinary_one(number: int) -> None:
    item = vulnerability(number, random.Random(number))
    target = "app (alpine 3.20)"
    name, version = item["PkgName"], item["InstalledVersion"]
    package = f"{name}@{version}" if version else name
    level = item["Severity"] if isinstance(item["Severity"], str) else ""
    expected = Finding(
        id=item["VulnerabilityID"],
        tool="trivy",
        severity={s.name: s for s in Severity}.get(level.upper(), Severity.UNKNOWN),
        message=item.get("Title") or f"{item['VulnerabilityID']} in {package}",
        rule=item["VulnerabilityID"],
        location=Location(target, None, package or None),
        fixable=bool(item.get("FixedVersion")),
        fingerprint=fingerprint("trivy", item["VulnerabilityID"], package, target),
        purl=item["PkgIdentifier"].get("PURL"),
        kind=FindingKind.VULNERABILITY,
    )
    found = vulnerability_finding(item, target)
    assert found == expected and repr(found) == repr(expected) and hash(found) == hash(expected)
    assert vulnerability_finding({"PkgName": "x"}, target) is None


def test_counts_match_a_plain_count(tmp_path: Path) -> None:
    path = tmp_path / "trivy.json"
    path.write_text(json.dumps(report()))
    findings = collect(TrivyAdapter, path=str(path), severities=["high", "low"]).findings
    counted = {n: m.value for n, m in TrivyAdapter().count_findings(findings).items()}
    gated = [
        f
        for f in findings
        if not f.waived and f.kind is FindingKind.VULNERABILITY and "ungated" not in f.extra
    ]
    assert counted["vulnerabilities.total"] == len(gated)
    assert counted["vulnerabilities.high"] == sum(f.severity is Severity.HIGH for f in gated)
    assert counted["vulnerabilities.fixable.total"] == sum(f.fixable for f in gated)
    assert counted["secrets.high"] == 1


def test_a_non_object_is_named_before_an_earlier_entry_without_an_id(tmp_path: Path) -> None:
    doc = report()
    doc["Results"][0]["Vulnerabilities"][30] = {"PkgName": "x"}
    doc["Results"][0]["Vulnerabilities"][90] = 7
    path = tmp_path / "trivy.json"
    path.write_text(json.dumps(doc, indent=2))
    for how, found in readings(path):
        assert "Results[0].Vulnerabilities[90] should be an object" in found, how


def test_a_late_fallback_to_ijson_starts_the_streamed_findings_again(tmp_path: Path) -> None:
    doc = report()
    doc["Results"][2]["Vulnerabilities"][-1]["Title"] = "a grin \U0001f600"  # \ud83d\ude00
    path = tmp_path / "trivy.json"
    path.write_text(json.dumps(doc, indent=2))  # ASCII only: the grin is two escapes
    results = dict(readings(path))
    assert results["window reader, streamed"] == "the window reader gave up"
    del results["window reader, streamed"]
    expected = results.pop("not streamed")
    assert any(f.message == "a grin \U0001f600" for f in expected)
    for how, found in results.items():
        assert found == expected, how
