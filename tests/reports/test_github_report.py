"""GitHub workflow commands: failed conditions and located findings, most severe first,
capped, and escaped as @actions/core escapes them."""

from __future__ import annotations

from dataclasses import replace

from qualitygates.model import Severity, Status
from qualitygates.reports.github import (
    MAX_ANNOTATIONS,
    escape_data,
    escape_property,
    github_annotations,
)
from tests.reports.golden import assert_golden, finding, with_findings
from tests.reports.rich import rich_result


def test_golden() -> None:
    lines = github_annotations(rich_result())
    assert_golden("rich.github.txt", ("\n".join(lines) + "\n").encode("utf-8"))


def test_rich_result() -> None:
    assert github_annotations(rich_result()) == [
        "::error title=Security%3A image::could not be evaluated: trivy.json is not valid Trivy"
        " JSON: Expecting value at line 1 column 1 (the file looks truncated)",
        "::error title=Code quality%3A coverage::line_rate 72.5%25 is not >= 80%25",
        "::warning title=Code quality%3A coverage::branch_rate 65%25 is not >= 70%25",
        "::notice file=app/ü.py,line=12,col=5,title=bandit B101 (low)::assert used",
    ]


def test_escaping() -> None:
    assert escape_data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert escape_property("a,b:c%\n") == "a%2Cb%3Ac%25%0A"
    result = with_findings(finding("R,1", message="x\ny", path="dir,1/a:b.py", line=4))
    assert github_annotations(result) == [
        "::error file=dir%2C1/a%3Ab.py,line=4,title=ruff R%2C1 (high)::x%0Ay"
    ]


def test_capped_most_severe_first_with_a_note() -> None:
    severities = [Severity.LOW, Severity.MEDIUM, Severity.CRITICAL, Severity.HIGH, Severity.INFO]
    findings = [finding(f"R{i}", severities[i % 5], line=i + 1) for i in range(120)]
    lines = github_annotations(with_findings(*findings))
    assert len(lines) == MAX_ANNOTATIONS + 1
    assert lines[-1].startswith("::notice title=qualitygates::70 more annotations are not shown")
    kept = [line.split("(")[1].split(")")[0] for line in lines[:-1]]
    assert kept == ["critical"] * 24 + ["high"] * 24 + ["medium"] * 2


def test_waived_and_unlocated_findings_are_not_annotated() -> None:
    result = with_findings(
        finding("W", waived=True),
        finding("P", path=None),
        finding("ok", Severity.MEDIUM, line=None),
    )
    assert github_annotations(result) == [
        "::warning file=src/app.py,title=ruff ok (medium)::something is wrong"
    ]


def test_a_non_blocking_failure_is_a_warning() -> None:
    result = rich_result()
    gate = replace(result.gates[0], blocking=False)
    lines = github_annotations(replace(result, gates=(gate,)))
    assert lines[0] == "::warning title=Code quality%3A coverage::line_rate 72.5%25 is not >= 80%25"
    assert all(not line.startswith("::error") for line in lines)


def test_a_passed_run_has_nothing_to_say() -> None:
    result = replace(with_findings(), status=Status.PASSED)
    assert github_annotations(result) == []


def test_report_content_cannot_end_a_command_or_hide_in_one() -> None:
    hostile = "x\n::add-mask::s\r\x1b]8;;u\x07\u202e, a: b%0A"
    result = with_findings(finding(hostile, message=hostile, path=f"src/{hostile}.py", line=4))
    (line,) = github_annotations(result)
    assert "\n" not in line and "\r" not in line
    assert line == (
        "::error file=src/x%0A%3A%3Aadd-mask%3A%3As%0D\\u001b]8;;u\\u0007\\u202e%2C a%3A b%250A.py,"
        "line=4,title=ruff x%0A%3A%3Aadd-mask%3A%3As%0D\\u001b]8;;u\\u0007\\u202e%2C a%3A b%250A"
        " (high)::x%0A::add-mask::s%0D\\u001b]8;;u\\u0007\\u202e, a: b%250A"
    )
