"""The JUnit report validates against Jenkins' schema and reads back in junitparser."""

from __future__ import annotations

from pathlib import Path

import pytest
from junitparser import Error, Failure, JUnitXml, Skipped

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
