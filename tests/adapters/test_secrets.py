"""The gitleaks and ggshield adapters: secrets by rule, never the secret itself."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from qualitygates.adapters.secrets import GgshieldAdapter, GitleaksAdapter, rule_metric
from qualitygates.errors import AdapterError
from qualitygates.model import Finding, FindingKind, Severity
from tests.helpers import DATA, collect

GITLEAKS = DATA / "gitleaks"
GGSHIELD = DATA / "ggshield"
SECRET_FIELDS = ("Secret", "Match", "line", "offender", "match")


def _counts(
    adapter: type[GitleaksAdapter | GgshieldAdapter], findings: tuple[Finding, ...] | list[Finding]
) -> dict[str, float]:
    return {k: float(v.value) for k, v in adapter().count_findings(findings).items()}


def _secret_values(node: object) -> list[str]:
    """Every value of a secret-bearing field anywhere in a parsed report."""
    if isinstance(node, list):
        return [v for item in node for v in _secret_values(item)]
    if isinstance(node, dict):
        own = [str(v) for k, v in node.items() if k in SECRET_FIELDS and v]
        return own + [v for item in node.values() for v in _secret_values(item)]
    return []


def test_gitleaks_v8_counts_by_rule() -> None:
    collection = collect(GitleaksAdapter, path=str(GITLEAKS / "v8.json"))
    assert _counts(GitleaksAdapter, collection.findings) == {
        "secrets.total": 3, "secrets.rule.aws-access-token": 2, "secrets.rule.generic-api-key": 1,
    }  # fmt: skip
    first = collection.findings[0]
    assert (first.id, first.rule, first.severity, first.kind) == (
        "aws-access-token", "aws-access-token", Severity.HIGH, FindingKind.SECRET,
    )  # fmt: skip
    assert (first.location.path, first.location.line) == ("deploy/config.py", 3)
    assert (
        first.message
        == "secret found by rule aws-access-token in deploy/config.py:3 at commit 9f2c1a0b7d3e"
    )
    assert collection.available == (
        "secrets.total",
        "secrets.rule.aws-access-token",
        "secrets.rule.generic-api-key",
    )


def test_gitleaks_v7_counts_by_rule() -> None:
    findings = collect(GitleaksAdapter, path=str(GITLEAKS / "v7.json")).findings
    assert _counts(GitleaksAdapter, findings) == {
        "secrets.total": 2,
        "secrets.rule.github-personal-access-token": 1,
        "secrets.rule.mailchimp-api-key": 1,
    }
    assert [(f.id, f.location.path, f.location.line) for f in findings] == [
        ("Github Personal Access Token", ".bashrc", 12),
        ("MailChimp API key", ".bashrc", None),  # gitleaks 7.0 wrote no lineNumber
    ]


@pytest.mark.parametrize(
    ("adapter", "path"),
    [
        (GitleaksAdapter, GITLEAKS / "v8.json"),
        (GitleaksAdapter, GITLEAKS / "v7.json"),
        (GgshieldAdapter, GGSHIELD / "commit-range.json"),
        (GgshieldAdapter, GGSHIELD / "path-scan.json"),
    ],
)
def test_the_secret_is_never_in_a_finding(adapter: type[GitleaksAdapter], path: Path) -> None:
    values = _secret_values(json.loads(path.read_text()))
    assert values
    rendered = repr(collect(adapter, path=str(path)).findings)
    for value in values:
        assert value not in rendered


@pytest.mark.parametrize("name", ["clean.json", "v7-clean.json"])
def test_gitleaks_clean_reports(name: str) -> None:
    collection = collect(GitleaksAdapter, path=str(GITLEAKS / name))
    assert collection.findings == ()
    assert _counts(GitleaksAdapter, collection.findings) == {"secrets.total": 0}


def test_rule_asked_for_but_absent_counts_zero() -> None:
    collection = collect(
        GitleaksAdapter, metrics=("secrets.rule.private-key",), path=str(GITLEAKS / "v8.json")
    )
    assert collection.metrics["secrets.rule.private-key"].value == 0


def test_waived_findings_are_not_counted() -> None:
    findings = list(collect(GitleaksAdapter, path=str(GITLEAKS / "v8.json")).findings)
    findings[2] = dataclasses.replace(findings[2], waived=True, waiver_reason="test fixture")
    counts = _counts(GitleaksAdapter, findings)
    assert counts == {"secrets.total": 2, "secrets.rule.aws-access-token": 2}


def test_fingerprint_ignores_line_but_not_commit() -> None:
    findings = collect(GitleaksAdapter, path=str(GITLEAKS / "v8.json")).findings
    moved = dataclasses.replace(findings[0])  # same rule/file/commit, any line
    assert moved.fingerprint == findings[0].fingerprint
    assert len({f.fingerprint for f in findings}) == 3


def test_several_files_are_merged() -> None:
    paths = [str(GITLEAKS / "v8.json"), str(GITLEAKS / "v7.json"), str(GITLEAKS / "clean.json")]
    assert (
        _counts(GitleaksAdapter, collect(GitleaksAdapter, path=paths).findings)["secrets.total"]
        == 5
    )


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "object.json",
            "the report (gitleaks writes an array of findings) should be an array, not dict",
        ),
        (
            "no-rule.json",
            "finding 0 has neither RuleID nor rule: this is not a gitleaks JSON report",
        ),
        (
            "report.csv",
            "is CSV, not a gitleaks JSON report: write the report with --report-format json",
        ),
        ("truncated.json", "is not valid gitleaks JSON"),
    ],
)
def test_gitleaks_errors(name: str, message: str) -> None:
    with pytest.raises(AdapterError) as info:
        collect(GitleaksAdapter, path=str(GITLEAKS / name))
    assert str(GITLEAKS / name) in str(info.value)
    assert message in str(info.value)


def test_gitleaks_missing_empty_and_xml(tmp_path: Path) -> None:
    with pytest.raises(AdapterError, match=r"gitleaks.json does not exist"):
        collect(GitleaksAdapter, path=str(tmp_path / "gitleaks.json"))
    empty = tmp_path / "gitleaks.json"
    empty.write_bytes(b"")
    with pytest.raises(AdapterError, match=r"gitleaks.json is empty"):
        collect(GitleaksAdapter, path=str(empty))
    junit = tmp_path / "gitleaks.xml"
    junit.write_text('<?xml version="1.0"?><testsuites></testsuites>')
    with pytest.raises(AdapterError, match=r"is XML .*not a gitleaks JSON report"):
        collect(GitleaksAdapter, path=str(junit))


def test_ggshield_commit_range() -> None:
    collection = collect(GgshieldAdapter, path=str(GGSHIELD / "commit-range.json"))
    assert _counts(GgshieldAdapter, collection.findings) == {
        "secrets.total": 3, "secrets.rule.aws-keys": 2, "secrets.rule.slack-bot-token": 1,
    }  # fmt: skip
    first, second, third = collection.findings
    assert (first.id, first.location.path, first.location.line) == (
        "AWS Keys",
        "deploy/config.py",
        3,
    )
    assert first.message == (
        "secret found by rule AWS Keys in deploy/config.py:3 at commit 9f2c1a0b7d3e (validity: valid)"
    )
    assert second.location.line is None  # ggshield wrote line_start null
    # the same secret seen in two commits is two incidents, as ggshield counts them
    assert third.fingerprint != first.fingerprint


def test_ggshield_path_scan_and_clean() -> None:
    findings = collect(GgshieldAdapter, path=str(GGSHIELD / "path-scan.json")).findings
    assert [(f.id, f.location.path, f.location.line) for f in findings] == [
        ("Django Secret Key", "app/settings.py", 23)
    ]
    assert collect(GgshieldAdapter, path=str(GGSHIELD / "clean.json")).findings == ()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "not-secret-scan.json",
            "is not a ggshield secret scan report (no type, scans or incidents)",
        ),
        ("array.json", "the report should be an object, not list"),
        ("bad-incidents.json", "entities_with_incidents[0].incidents should be an array, not str"),
    ],
)
def test_ggshield_errors(name: str, message: str) -> None:
    with pytest.raises(AdapterError) as info:
        collect(GgshieldAdapter, path=str(GGSHIELD / name))
    assert message in str(info.value)


def test_ggshield_text_output(tmp_path: Path) -> None:
    text = tmp_path / "ggshield.json"
    text.write_text("secrets-engine-version: 2.130.0\nNo secrets have been found\n")
    with pytest.raises(AdapterError, match="is text, not a ggshield JSON report: use --json"):
        collect(GgshieldAdapter, path=str(text))


@pytest.mark.parametrize(
    ("rule", "metric"),
    [
        ("aws-access-token", "secrets.rule.aws-access-token"),
        ("AWS Access Key", "secrets.rule.aws-access-key"),
        ("Generic API Key (v2)", "secrets.rule.generic-api-key-v2"),
        ("***", "secrets.rule.unnamed"),
    ],
)
def test_rule_metric_names(rule: str, metric: str) -> None:
    assert rule_metric(rule) == metric
    assert GitleaksAdapter.metric_spec(metric) is not None


def _ggshield(entities: list[dict[str, object]], **totals: object) -> dict[str, object]:
    return {"id": "x", "type": "path_scan", "entities_with_incidents": entities, **totals}


_INCIDENT = {"type": "AWS Keys", "occurrences": [{"line_start": 3}]}


@pytest.mark.parametrize(
    ("report", "message"),
    [
        (_ggshield([], total_incidents=3),
         "the report says total_incidents: 3 but lists 0 incidents"),
        (_ggshield([{"filename": "a", "incidents": [_INCIDENT], "total_incidents": 2}],
                   total_incidents=2),
         "the report.entities_with_incidents[0] says total_incidents: 2 but lists 1 incident"),
        ({"id": "x", "type": "commit-range", "total_incidents": 1, "scans": [
            {"id": "abc", "type": "commit", "total_incidents": 1, "entities_with_incidents": []}]},
         "scans[0] says total_incidents: 1 but lists 0 incidents"),
        (_ggshield([], total_incidents="3"),
         "the report says total_incidents: '3' but lists 0 incidents"),
    ],
    ids=["report", "file", "scan", "not-a-number"],
)  # fmt: skip
def test_a_ggshield_total_the_list_does_not_hold_is_an_error(
    tmp_path: Path, report: dict[str, object], message: str
) -> None:
    path = tmp_path / "ggshield.json"
    path.write_text(json.dumps(report))
    with pytest.raises(AdapterError) as raised:
        collect(GgshieldAdapter, path=str(path))
    assert str(raised.value) == f"{path}: {message}: the report contradicts itself"
