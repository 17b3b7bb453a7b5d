"""The JUnit report validates against Jenkins' schema and reads back in junitparser."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from xml.etree import ElementTree

import pytest
from junitparser import Error, Failure, JUnitXml, Skipped

from qualitygates.model import CheckResult, ConditionResult, GateResult, RunResult, Status
from qualitygates.reports.junit_report import JUnitReporter
from tests.helpers import corpus_root
from tests.reports.rich import rich_result

XSD = corpus_root().parent / "schemas" / "junit-10.xsd"


@pytest.fixture
def report(tmp_path: Path) -> Path:
    path = tmp_path / "gates.xml"
    path.write_bytes(JUnitReporter().render(rich_result()))
    return path


def test_validates_against_the_jenkins_schema(report: Path) -> None:
    if not XSD.is_file():
        pytest.skip(f"Jenkins JUnit schema not found at {XSD}")
    xmlschema = pytest.importorskip("xmlschema")
    xmlschema.XMLSchema(str(XSD)).validate(str(report))


def test_one_suite_per_gate_one_case_per_condition(report: Path) -> None:
    xml = JUnitXml.fromfile(str(report))
    suites = {suite.name: suite for suite in xml}
    assert list(suites) == ["code-quality", "security", "performance"]
    cases = {(c.classname, c.name): c for s in xml for c in s}
    failed = cases[("code-quality.coverage", "line_rate >= 80%")]
    assert isinstance(failed.result[0], Failure)
    assert failed.result[0].message == "line_rate 72.5% is not >= 80%"
    errored = cases[("security.image", "vulnerabilities.critical == 0")]
    assert isinstance(errored.result[0], Error)
    warned = cases[("code-quality.coverage", "branch_rate >= 70%")]
    assert warned.is_passed and warned.system_out == "WARNING: branch_rate 65% is not >= 70%"
    assert isinstance(cases[("performance.load", "load")].result[0], Skipped)
    assert (suites["code-quality"].tests, suites["code-quality"].failures) == (3, 1)
    assert suites["security"].errors == 1


def gitlab_cases(xml: bytes) -> dict[tuple[str, str], tuple[str, object]]:
    """(classname, name) -> (status, details) as GitLab's JUnit parser reads a report
    (`lib/gitlab/ci/parsers/test/junit.rb`): the first of failure, error and skipped decides,
    and the details are what Rails' `Hash.from_xml` makes of that element: its text when it
    has any, else only its attributes, which the merge-request widget does not show."""
    cases = {}
    for case in ElementTree.fromstring(xml).iter("testcase"):
        status, details = "success", None
        for tag in ("failure", "error", "skipped"):
            element = case.find(tag)
            if element is not None:
                text = (element.text or "").strip()
                status, details = tag, text if text else dict(element.attrib)
                break
        cases[(case.get("classname", ""), case.get("name", ""))] = (status, details)
    return cases


def test_gitlab_shows_the_actual_value_and_the_reason_of_every_failure_and_error() -> None:
    cases = gitlab_cases(JUnitReporter().render(rich_result()))
    status, details = cases[("code-quality.coverage", "line_rate >= 80%")]
    assert status == "failure" and isinstance(details, str)
    assert details.splitlines()[0] == "line_rate 72.5% is not >= 80%"
    assert "condition: line_rate >= 80%" in details
    status, details = cases[("security.image", "vulnerabilities.critical == 0")]
    assert status == "error" and isinstance(details, str)
    assert details.startswith("trivy.json is not valid Trivy JSON")


def with_a_miss(blocking_check: bool, blocking_gate: bool, status: Status) -> RunResult:
    miss = ConditionResult("p95 < 300ms", "p95", status, "p95 412ms is not < 300ms", operator="<")
    check = CheckResult("load", "k6", status, blocking_check, conditions=(miss,))
    gate = GateResult("performance", "Performance", status, blocking_gate, (check,))
    return RunResult(
        Status.PASSED, (gate,), "2026-11-24T12:00:00+00:00", 1.0, "gates.yaml", "0.1.0"
    )


@pytest.mark.parametrize(
    ("blocking_check", "blocking_gate", "status"),
    [
        (False, True, Status.FAILED),  # a non-blocking check
        (True, False, Status.FAILED),  # a check of a non-blocking gate
        (False, True, Status.ERROR),
        (True, True, Status.WARNED),  # on_fail: warn
    ],
)
def test_a_miss_that_does_not_block_is_a_passed_test_with_the_miss_in_its_output(
    tmp_path: Path, blocking_check: bool, blocking_gate: bool, status: Status
) -> None:
    xml = JUnitReporter().render(with_a_miss(blocking_check, blocking_gate, status))
    (tmp_path / "gates.xml").write_bytes(xml)
    suite = next(iter(JUnitXml.fromfile(str(tmp_path / "gates.xml"))))
    assert (suite.tests, suite.failures, suite.errors) == (1, 0, 0)  # Jenkins: not unstable
    case = next(iter(suite))
    assert case.is_passed and "p95 412ms is not < 300ms" in (case.system_out or "")
    assert gitlab_cases(xml)[("performance.load", "p95 < 300ms")][0] == "success"
    if XSD.is_file():
        xmlschema = pytest.importorskip("xmlschema")
        xmlschema.XMLSchema(str(XSD)).validate(str(tmp_path / "gates.xml"))


def test_a_blocking_miss_fails_whatever_the_runs_warn_only() -> None:
    """--warn-only changes the exit code, never the report."""
    result = with_a_miss(True, True, Status.FAILED)
    warned = JUnitReporter().render(dataclasses.replace(result, warn_only=True))
    assert warned == JUnitReporter().render(result)
    assert gitlab_cases(warned)[("performance.load", "p95 < 300ms")][0] == "failure"
