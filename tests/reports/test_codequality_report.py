"""The GitLab Code Quality report has exactly the fields GitLab documents, for unwaived
findings that name a file, with stable, distinct fingerprints."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from qualitygates.model import Location, Severity
from qualitygates.plugins import reporter_registry
from qualitygates.reports.codequality_report import CodeQualityReporter
from tests.reports.golden import assert_golden, finding, with_findings
from tests.reports.rich import rich_result

# docs.gitlab.com/ci/testing/code_quality: "Code Quality report format"
SEVERITIES = {"info", "minor", "major", "critical", "blocker"}


def issues(result: object) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads(CodeQualityReporter().render(result))  # type: ignore[arg-type]
    return data


def assert_gitlab_shape(issue: dict[str, Any]) -> None:
    assert set(issue) == {"description", "check_name", "fingerprint", "severity", "location"}
    assert isinstance(issue["description"], str) and issue["description"]
    assert isinstance(issue["check_name"], str) and issue["check_name"]
    assert re.fullmatch(r"[0-9a-f]{32}", issue["fingerprint"])
    assert issue["severity"] in SEVERITIES
    assert set(issue["location"]) == {"path", "lines"}
    assert not issue["location"]["path"].startswith(("/", "./"))
    assert set(issue["location"]["lines"]) == {"begin"}
    assert isinstance(issue["location"]["lines"]["begin"], int)
    assert issue["location"]["lines"]["begin"] >= 1


def test_golden() -> None:
    assert_golden("rich.codequality.json", CodeQualityReporter().render(rich_result()))


def test_registered() -> None:
    assert reporter_registry().load("codequality") is CodeQualityReporter


def test_rich_result_lists_only_the_unwaived_finding_with_a_file() -> None:
    found = issues(rich_result())
    assert len(found) == 1
    assert_gitlab_shape(found[0])
    assert {k: found[0][k] for k in ("description", "check_name", "severity", "location")} == {
        "description": "bandit: assert used",
        "check_name": "B101",
        "severity": "minor",
        "location": {"path": "app/ü.py", "lines": {"begin": 12}},
    }


@pytest.mark.parametrize(
    ("severity", "expected"),
    [
        (Severity.CRITICAL, "blocker"),
        (Severity.HIGH, "critical"),
        (Severity.MEDIUM, "major"),
        (Severity.UNKNOWN, "major"),
        (Severity.LOW, "minor"),
        (Severity.INFO, "info"),
    ],
)
def test_severity_mapping(severity: Severity, expected: str) -> None:
    assert issues(with_findings(finding(severity=severity)))[0]["severity"] == expected


def test_what_is_left_out_and_how_paths_and_lines_are_written() -> None:
    result = with_findings(
        finding("kept", path=".\\win\\a.py", line=None, rule="R9", message="multi\nline  text"),
        finding("waived", waived=True, waiver_reason="ok"),
        finding("package", location=Location(package="openssl@3")),
    )
    (only,) = issues(result)
    assert_gitlab_shape(only)
    assert only["location"] == {"path": "win/a.py", "lines": {"begin": 1}}
    assert (only["check_name"], only["description"]) == ("R9", "ruff: multi line text")


def test_fingerprints_are_stable_when_lines_move_and_distinct_for_repeats() -> None:
    def prints(*lines: int) -> list[str]:
        result = with_findings(*(finding("E1", line=n, fingerprint="fp") for n in lines))
        return [issue["fingerprint"] for issue in issues(result)]

    first = prints(10, 20)
    assert len(set(first)) == 2
    assert prints(15, 40) == first  # code moved: the same two issues, not new ones
    other_tool = issues(with_findings(finding("E1", fingerprint="fp", tool="pylint")))
    assert other_tool[0]["fingerprint"] not in first


def test_no_findings_is_an_empty_array() -> None:
    assert CodeQualityReporter().render(with_findings()) == b"[]\n"
