"""The junit adapter over every real JUnit report of the shared corpus (both sets).

Each file's numbers must equal a plain count of its <testcase> elements made here with
xml.etree, and, where the tool printed its own totals (pytest's summary line, node:test's
closing comments, the Jenkins plugin's own test expectations), those too.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import pytest

from qualitygates.adapters.junit import JUnitAdapter
from qualitygates.errors import AdapterError
from tests.adapters.test_junit import COUNTS, pytest_expected_counts
from tests.helpers import collect, corpus_params, corpus_root

pytestmark = pytest.mark.corpus

REPORTS = (
    "junit/*.xml",
    "set-b/junit/*.xml",
    "set-b/pytest/*.xml",
    "set-b/node-test/*.xml",
    "set-b/ruff/ruff-junit.xml",
    "set-b/semgrep/semgrep-junit.xml",
    "set-b/gitleaks/junit_*.xml",
)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _outcome(kinds: set[str]) -> str:
    for kind, outcome in (
        ("failure", "failures"),
        ("error", "errors"),
        ("rerunFailure", "failures"),
        ("rerunError", "errors"),
        ("skipped", "skipped"),
    ):
        if kind in kinds:
            return outcome
    return "passed"


def _seconds(raw: str | None) -> float:
    try:
        value = float((raw or "0").replace(",", ""))
    except ValueError:
        return 0.0
    return value if math.isfinite(value) and value > 0 else 0.0


def plain_count(path: Path) -> tuple[Counter[str], float]:
    """Counts by outcome, and the summed times, straight from the element tree."""
    tally: Counter[str] = Counter()
    duration = 0.0
    for element in ET.parse(path).getroot().iter():
        kinds = {_local(child.tag) for child in element}
        if _local(element.tag) == "testcase":
            outcome = _outcome(kinds)
            tally[outcome] += 1
            flaky = kinds & {"flakyFailure", "flakyError"}
            tally["flaky"] += bool(outcome == "passed" and flaky)
            duration += _seconds(element.get("time"))
            tally["timed"] += element.get("time") is not None
        elif _local(element.tag) == "testsuite":  # a class that failed to load
            for child in element:
                if _local(child.tag) in ("failure", "error"):
                    tally[_local(child.tag) + "s"] += 1  # failures or errors
    tally["tests"] = sum(tally[k] for k in ("passed", "failures", "errors", "skipped"))
    return tally, duration


@pytest.mark.parametrize("path", corpus_params(*REPORTS))
def test_counts_equal_a_plain_count(path: Path) -> None:
    expected, duration = plain_count(path)
    if expected["tests"] == 0:
        with pytest.raises(AdapterError, match="contains no test cases"):
            collect(JUnitAdapter, path=str(path))
        return
    result = collect(JUnitAdapter, path=str(path))
    metrics = result.metrics
    assert {name: metrics[name].value for name in COUNTS} == {n: expected[n] for n in COUNTS}
    if expected["timed"]:
        assert metrics["duration"].value == pytest.approx(duration)
    else:  # ruff, semgrep, cfn-lint write no time: no duration, never a 0 s pass
        assert "duration" not in metrics and "duration" in result.unavailable
    ran = expected["tests"] - expected["skipped"]
    if ran:
        assert metrics["pass_rate"].value == pytest.approx(100 * expected["passed"] / ran)
    else:
        assert "pass_rate" not in metrics
    failed = expected["failures"] + expected["errors"]
    assert len(result.findings) == failed
    assert all(f.id and f.message and f.fingerprint for f in result.findings)


PYTEST_RUNS = {
    "junit-mixed.xml": "junit-mixed.stdout.txt",
    "junit-mixed-xunit1-logging.xml": "junit-mixed-xunit1.stdout.txt",
    "junit-collect-error.xml": "junit-collect-error.stdout.txt",
}


@pytest.mark.parametrize("path", corpus_params(*(f"set-b/pytest/{n}" for n in PYTEST_RUNS)))
def test_pytest_counts_equal_its_own_summary_line(path: Path) -> None:
    output = (path.parent / PYTEST_RUNS[path.name]).read_text()
    result = collect(JUnitAdapter, path=str(path))
    got = {name: result.metrics[name].value for name in COUNTS}
    assert got == pytest_expected_counts(output)


@pytest.mark.parametrize(
    "path",
    corpus_params("set-b/junit/empty.xml", "set-b/pytest/junit-zero-tests.xml"),
)
def test_reports_without_test_cases_are_errors(path: Path) -> None:
    # empty.xml's suite even claims tests="1" failures="1": trusting it would hide a failure.
    with pytest.raises(AdapterError) as caught:
        collect(JUnitAdapter, path=str(path))
    assert str(caught.value) == (
        f"{path} contains no test cases: check that the test run selected and ran tests, "
        "and that this is its JUnit XML report"
    )


@pytest.mark.parametrize("path", corpus_params("set-b/node-test/node-test-junit.xml"))
def test_node_test_counts_equal_its_own_totals(path: Path) -> None:
    said = {
        k: int(v)
        for k, v in re.findall(r"<!-- (\w+) ([\d.]+) -->", path.read_text())
        if "." not in v
    }
    got = {name: m.value for name, m in collect(JUnitAdapter, path=str(path)).metrics.items()}
    assert got["tests"] == said["tests"]
    assert got["passed"] == said["pass"]
    assert got["failures"] == said["fail"] + said["cancelled"]
    assert got["skipped"] == said["skipped"] + said["todo"]


def _corpus(relative: str) -> Path:
    path = corpus_root() / relative
    if not path.is_file():
        pytest.skip(f"{relative} not in the corpus at {corpus_root()}")
    return path


def test_jenkins_clamps_a_negative_duration() -> None:
    # jenkinsci/junit-plugin clampDuration: 2 test cases, 100 s ("-345345" counts as 0).
    result = collect(JUnitAdapter, path=str(_corpus("junit/jenkins-junit-report-bad-duration.xml")))
    assert result.metrics["tests"].value == 2
    assert result.metrics["duration"].value == 100.0


def test_surefire_flaky_test_is_a_pass_not_the_suite_failures() -> None:
    # The suite says tests="3" failures="2"; its one test case passed on a rerun.
    path = _corpus("junit/jenkins-gh-237_TEST-io.olamy.FlakyTest.xml")
    metrics = collect(JUnitAdapter, path=str(path)).metrics
    assert {name: metrics[name].value for name in COUNTS} == {
        "tests": 1,
        "passed": 1,
        "failures": 0,
        "errors": 0,
        "skipped": 0,
        "flaky": 1,
    }


def test_earliest_of_many_timestamp_formats() -> None:
    path = _corpus("junit/jenkins-junit-report-testsuite-various-timestamps.xml")
    # "2024-01-03" (a date alone) is the earliest of the readable ones.
    assert collect(JUnitAdapter, path=str(path)).timestamp == datetime(
        2024, 1, 3, tzinfo=timezone.utc
    )


def test_go_zero_time_is_no_timestamp() -> None:
    path = _corpus("set-b/junit/gotestsum-junitxml-report.xml")
    assert collect(JUnitAdapter, path=str(path)).timestamp is None


def test_the_whole_corpus_merges_through_one_glob() -> None:
    root = _corpus("junit/pytest-pass.xml").parent
    result = collect(JUnitAdapter, path=str(root / "*.xml"))
    assert len(result.sources) == len(list(root.glob("*.xml")))
    assert result.metrics["tests"].value == sum(
        plain_count(p)[0]["tests"] for p in root.glob("*.xml")
    )


def test_xxe_template_is_refused() -> None:
    path = _corpus("hostile/jenkins-testXxe-xxe.xml")
    with pytest.raises(AdapterError, match="refusing it"):
        collect(JUnitAdapter, path=str(path))
