"""The junit adapter: exact counts on hand-written reports, every error path, and real pytest.

How pytest's outcomes land in its JUnit XML, and so in our counts (checked against a real
run below): an xfail is written as <skipped> (skipped); a non-strict xpass as a plain
passing case (passed); a strict xpass as <failure> (failures); setup and collection errors
as <error> (errors). A test whose teardown errors after it passed is one <testcase> with an
<error>: pytest's summary counts it both as passed and as an error, we count one error.
"""

from __future__ import annotations

import gzip
import os
import re
import shutil
import subprocess
import sys
import tracemalloc
from datetime import datetime, timezone
from pathlib import Path

import pytest

from qualitygates.adapters.interface import CollectRequest
from qualitygates.adapters.junit import JUnitAdapter, parse_seconds, parse_timestamp
from qualitygates.errors import AdapterError
from qualitygates.model import Location, Severity, Unit
from tests.helpers import DATA, FIXED_NOW, collect, qualitygates

FIXTURES = DATA / "junit"
COUNTS = ("tests", "passed", "failures", "errors", "skipped", "flaky")


def counts(path: object) -> dict[str, float]:
    """The count metrics of one collect, as plain numbers."""
    metrics = collect(JUnitAdapter, path=path).metrics
    return {name: metrics[name].value for name in COUNTS}


def pytest_expected_counts(output: str) -> dict[str, int]:
    """Our expected counts from pytest's console output (its final summary line).

    `3 failed, 4 passed, 2 skipped, 1 xfailed, 1 xpassed, 2 errors`: xfailed are skipped,
    xpassed passed; a teardown error (`ERROR at teardown of ...`) on a passing test is one
    test case in the XML but counted twice by pytest, so it leaves `passed`.
    """
    summary = [ln for ln in output.splitlines() if re.search(r" in [\d.]+s\b", ln)][-1]
    said = {word: int(n) for n, word in re.findall(r"(\d+) ([a-z]+)", summary)}
    said["errors"] = said.pop("error", 0) + said.get("errors", 0)
    teardown = output.count("ERROR at teardown of ")
    expected = {
        "passed": said.get("passed", 0) + said.get("xpassed", 0) - teardown,
        "failures": said.get("failed", 0),
        "errors": said["errors"],
        "skipped": said.get("skipped", 0) + said.get("xfailed", 0),
        "flaky": 0,
    }
    expected["tests"] = sum(expected.values())
    return expected


# --- formats ----------------------------------------------------------------------------


def test_surefire_reruns_counted_from_test_cases() -> None:
    result = collect(JUnitAdapter, path=str(FIXTURES / "surefire-reruns.xml"))
    got = {name: m.value for name, m in result.metrics.items()}
    # The suite claims tests=6 failures=3 errors=1; the cases say otherwise.
    assert got == {
        "tests": 6.0,
        "passed": 3.0,  # addsItem and the two flaky ones
        "failures": 1.0,  # alwaysFails: <failure> plus <rerunFailure>s
        "errors": 1.0,  # rerunsOnly: <rerunError> without a final verdict fails closed
        "skipped": 1.0,
        "flaky": 2.0,  # <flakyFailure> / <flakyError> and no final failure
        "pass_rate": 60.0,
        "duration": 1.5,
    }
    assert result.timestamp == datetime(2026, 3, 2, 10, 15, 30, tzinfo=timezone.utc)
    assert [(f.id, f.rule, f.message) for f in result.findings] == [
        ("com.example.CartTest::alwaysFails", "failure", "built to fail"),
        ("com.example.CartTest::rerunsOnly", "error", "database unavailable"),
    ]


def test_nested_namespaced_suites_and_suite_level_error() -> None:
    result = collect(JUnitAdapter, path=str(FIXTURES / "nested-namespaced.xml"))
    assert {name: m.value for name, m in result.metrics.items()} == {
        "tests": 5.0,
        "passed": 1.0,
        "failures": 2.0,  # one of them has <error> too: counted once, as a failure
        "errors": 1.0,  # the suite-level <error>, as Jenkins counts it (`<init>`)
        "skipped": 1.0,
        "flaky": 0.0,
        "pass_rate": 25.0,
        "duration": 1235.0,  # "1,234.5" + "0,5" + "garbage" (0) + "-3" (0)
    }
    # 09:00+02:00 is earlier than 08:30Z.
    assert result.timestamp == datetime(2026, 3, 2, 7, 0, tzinfo=timezone.utc)
    by_id = {f.id: f for f in result.findings}
    assert sorted(by_id) == [
        "pkg.BrokenTest::<init>",
        "pkg.Inner::fails",
        "pkg.Inner::fails and errors",
    ]
    fails = by_id["pkg.Inner::fails"]
    assert fails.message == "AssertionError: totals differ"  # first line of the text
    assert fails.location == Location(path="tests/test_inner.py", line=12)
    assert by_id["pkg.Inner::fails and errors"].message == "assertion first"
    assert by_id["pkg.Inner::fails and errors"].rule == "failure"
    assert by_id["pkg.BrokenTest::<init>"].message == "java.lang.ExceptionInInitializerError"


def test_pytest_xunit1_findings() -> None:
    result = collect(JUnitAdapter, path=str(FIXTURES / "pytest-xunit1.xml"))
    assert counts(str(FIXTURES / "pytest-xunit1.xml")) == {
        "tests": 5,
        "passed": 2,
        "failures": 1,
        "errors": 1,
        "skipped": 1,  # the xfail
        "flaky": 0,
    }
    assert result.metrics["pass_rate"].value == 50.0
    assert result.metrics["duration"].value == pytest.approx(0.061)
    assert result.metrics["duration"].unit is Unit.SECONDS
    failure, error = result.findings
    assert failure.id == "tests.test_cart::test_discount[10]"
    assert (failure.tool, failure.severity, failure.rule) == ("junit", Severity.HIGH, "failure")
    assert failure.message == "AssertionError: assert 9.0 == 9.5"
    # pytest's `line` is 0-based (the root <testsuites name="pytest tests"> tells).
    assert failure.location == Location(path="tests/test_cart.py", line=10)
    assert error.id == "tests.test_cart::test_db"
    assert error.message == 'failed on setup with "RuntimeError: no database"'
    assert error.rule == "error"


def test_fingerprint_ignores_the_line(tmp_path: Path) -> None:
    original = FIXTURES / "pytest-xunit1.xml"
    moved = tmp_path / "moved.xml"
    moved.write_text(original.read_text().replace('line="9"', 'line="90"'))
    before = collect(JUnitAdapter, path=str(original)).findings
    after = collect(JUnitAdapter, path=str(moved)).findings
    assert after[0].location.line == 91
    assert [f.fingerprint for f in before] == [f.fingerprint for f in after]
    assert len({f.fingerprint for f in before}) == 2


def test_all_skipped_has_no_pass_rate() -> None:
    result = collect(JUnitAdapter, path=str(FIXTURES / "all-skipped.xml"))
    assert result.metrics["skipped"].value == 2
    assert result.metrics["tests"].value == 2
    assert "pass_rate" not in result.metrics
    assert "pass_rate" not in result.available


def test_files_merge_from_a_list_and_a_glob(tmp_path: Path) -> None:
    for name in ("surefire-reruns.xml", "pytest-xunit1.xml"):
        shutil.copy(FIXTURES / name, tmp_path / f"TEST-{name}")
    merged = counts(str(tmp_path / "TEST-*.xml"))
    listed = counts([str(FIXTURES / "surefire-reruns.xml"), str(FIXTURES / "pytest-xunit1.xml")])
    assert (
        merged
        == listed
        == {
            "tests": 11,
            "passed": 5,
            "failures": 2,
            "errors": 2,
            "skipped": 2,
            "flaky": 2,
        }
    )
    sources = collect(JUnitAdapter, path=str(tmp_path / "TEST-*.xml")).sources
    assert [Path(s).name for s in sources] == ["TEST-pytest-xunit1.xml", "TEST-surefire-reruns.xml"]


def test_gzipped_report(tmp_path: Path) -> None:
    target = tmp_path / "junit.xml.gz"
    target.write_bytes(gzip.compress((FIXTURES / "surefire-reruns.xml").read_bytes()))
    assert counts(str(target))["tests"] == 6


def test_long_messages_are_trimmed(tmp_path: Path) -> None:
    text = "x" * 2000
    case = f'<testcase classname="a" name="b"><failure message="{text}"/></testcase>'
    report = f"<testsuite>{case}</testsuite>"
    (tmp_path / "long.xml").write_text(report)
    (finding,) = collect(JUnitAdapter, path=str(tmp_path / "long.xml")).findings
    assert len(finding.message) == 500
    assert finding.message.endswith("…")


def test_root_testcase_and_missing_message(tmp_path: Path) -> None:
    # A bare <testcase> root is read (coverage-model's parser does too); with no message,
    # type or text, the finding still says what happened.
    (tmp_path / "r.xml").write_text('<testcase name="t" classname="c"><error/></testcase>')
    result = collect(JUnitAdapter, path=str(tmp_path / "r.xml"))
    assert result.metrics["errors"].value == 1
    assert result.findings[0].message == "test errored"
    assert result.findings[0].location == Location()


def test_memory_does_not_grow_with_system_out(tmp_path: Path) -> None:
    output = ("x" * 1000 + "\n") * 10
    path = tmp_path / "big.xml"
    with path.open("w") as stream:
        stream.write("<testsuite>")
        for i in range(2000):
            stream.write(f'<testcase classname="c" name="t{i}"><system-out>{output}</system-out>')
            stream.write('<failure message="m"/></testcase>' if i % 100 == 0 else "</testcase>")
        stream.write("</testsuite>")
    assert path.stat().st_size > 20_000_000
    tracemalloc.start()
    try:
        result = collect(JUnitAdapter, path=str(path))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result.metrics["tests"].value == 2000
    assert len(result.findings) == 20
    assert peak < 8_000_000  # about the 1 MiB read chunk and its events, not the 20 MB file


def test_metric_specs_are_summary_but_the_one_from_history() -> None:
    names = {s.name for s in JUnitAdapter.metrics}
    assert names == {*COUNTS, "pass_rate", "duration", "flaky_tests"}
    assert {s.name for s in JUnitAdapter.metrics if not s.summary} == {"flaky_tests"}
    assert JUnitAdapter.metric_spec("pass_rate").unit is Unit.PERCENT  # type: ignore[union-attr]
    assert JUnitAdapter.option_spec("path").required  # type: ignore[union-attr]


# --- times and timestamps ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "seconds"),
    [
        ("0.25", 0.25),
        ("1,234.5", 1234.5),
        ("12,345,678", 12345678.0),
        ("0,5", 0.5),
        (" 3 ", 3.0),
        ("-345345", 0.0),
        ("garbage", 0.0),
        ("", 0.0),
        (None, 0.0),
        ("nan", 0.0),
        ("inf", 0.0),
    ],
)
def test_parse_seconds(raw: str | None, seconds: float) -> None:
    assert parse_seconds(raw) == seconds


UTC = timezone.utc


@pytest.mark.parametrize(
    ("raw", "moment"),
    [
        ("2024-01-03T11:23:00.00", datetime(2024, 1, 3, 11, 23, tzinfo=UTC)),
        ("2024-01-03T 12:40:13", datetime(2024, 1, 3, 12, 40, 13, tzinfo=UTC)),
        ("2024-01-03T12:27:44Z", datetime(2024, 1, 3, 12, 27, 44, tzinfo=UTC)),
        ("2024-01-03 12:27:54Z", datetime(2024, 1, 3, 12, 27, 54, tzinfo=UTC)),
        ("2024-01-03", datetime(2024, 1, 3, tzinfo=UTC)),
        ("2024-01-03T12:27:11.21-01:00", datetime(2024, 1, 3, 13, 27, 11, 210000, tzinfo=UTC)),
        ("2024-01-03T12:27:15+01:00", datetime(2024, 1, 3, 11, 27, 15, tzinfo=UTC)),
        ("2024-01-03T12:27:15+0100", datetime(2024, 1, 3, 11, 27, 15, tzinfo=UTC)),
        (
            "2026-11-24T13:56:11.133870+00:00",
            datetime(2026, 11, 24, 13, 56, 11, 133870, tzinfo=UTC),
        ),
        ("0001-01-01T00:00:00Z", None),  # Go's zero time (gotestsum)
        ("2024-13-40T00:00:00", None),
        ("2024-01-03T12:00:00+25:00", None),
        ("yesterday", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_timestamp(raw: str | None, moment: datetime | None) -> None:
    assert parse_timestamp(raw) == moment


# --- fail closed ---------------------------------------------------------------------------


def _error(path: object) -> str:
    with pytest.raises(AdapterError) as caught:
        collect(JUnitAdapter, path=path)
    return str(caught.value)


def test_zero_test_cases_is_an_error() -> None:
    path = FIXTURES / "zero-tests.xml"
    assert _error(str(path)) == (
        f"{path} contains no test cases: check that the test run selected and ran tests, "
        "and that this is its JUnit XML report"
    )


def test_one_empty_file_among_good_ones_is_an_error() -> None:
    message = _error([str(FIXTURES / "pytest-xunit1.xml"), str(FIXTURES / "zero-tests.xml")])
    assert "zero-tests.xml contains no test cases" in message


def test_wrong_format_is_an_error() -> None:
    path = FIXTURES / "not-junit.xml"
    assert _error(str(path)) == (
        f"{path} is not a JUnit XML report (its root element is <coverage>, not <testsuites> "
        "or <testsuite>): point `path` at the test results"
    )


def test_truncated_file_is_an_error() -> None:
    message = _error(str(FIXTURES / "truncated.xml"))
    assert message.startswith(f"{FIXTURES / 'truncated.xml'} is not well-formed XML")
    assert message.endswith("(the file looks truncated)")


def test_empty_file_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "junit.xml").write_bytes(b"")
    assert _error(str(tmp_path / "junit.xml")) == (
        f"{tmp_path / 'junit.xml'} is empty: the tool that writes it failed or did not run"
    )


def test_missing_file_and_unmatched_glob_are_errors(tmp_path: Path) -> None:
    assert _error(str(tmp_path / "junit.xml")) == (
        f"{tmp_path / 'junit.xml'} does not exist: check the path, "
        "or that the tool ran before this step"
    )
    assert _error(str(tmp_path / "*.xml")).startswith(f"no file matches {tmp_path / '*.xml'}")


def test_entity_declarations_are_refused(tmp_path: Path) -> None:
    (tmp_path / "x.xml").write_text(
        '<!DOCTYPE t [<!ENTITY a "aaaa">]><testsuite><testcase name="&a;"/></testsuite>'
    )
    assert "declares XML entities" in _error(str(tmp_path / "x.xml"))


# --- the real pytest -----------------------------------------------------------------------

SAMPLE_TESTS = """
import pytest


def test_pass():
    pass


def test_fail():
    assert 1 == 2, "one is not two"


@pytest.fixture
def broken():
    raise RuntimeError("setup exploded")


def test_setup_error(broken):
    pass


@pytest.fixture
def teardown_breaks():
    yield
    raise RuntimeError("teardown exploded")


def test_teardown_error(teardown_breaks):
    pass


@pytest.mark.skip(reason="not now")
def test_skip():
    pass


def test_skip_at_run_time():
    pytest.skip("at run time")


@pytest.mark.xfail(reason="bug 1")
def test_xfail():
    raise AssertionError


@pytest.mark.xfail(reason="bug 2")
def test_xpass():
    pass


@pytest.mark.xfail(reason="bug 3", strict=True)
def test_xpass_strict():
    pass


@pytest.mark.parametrize("n", [1, 2, 3])
def test_param(n):
    assert n != 3
"""


def _run_pytest(folder: Path, *options: str) -> tuple[Path, str]:
    """Run the real pytest on `folder`, isolated from this project's configuration."""
    (folder / "pytest.ini").write_text("[pytest]\n")
    (folder / "test_sample.py").write_text(SAMPLE_TESTS)
    report = folder / "junit.xml"
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--color=no"]
    done = subprocess.run(
        [*command, *options, f"--junitxml={report}"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=60,
        env={k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")},
        check=False,
    )
    if not report.exists():
        pytest.skip(f"pytest did not write a JUnit report: {done.stderr.strip()[:200]}")
    return report, done.stdout


@pytest.mark.realtool
@pytest.mark.parametrize("family", ["xunit2", "xunit1"])
def test_counts_equal_pytest_own_summary(tmp_path: Path, family: str) -> None:
    report, output = _run_pytest(tmp_path, "-o", f"junit_family={family}")
    expected = pytest_expected_counts(output)
    assert "3 failed, 4 passed, 2 skipped, 1 xfailed, 1 xpassed, 2 errors" in output
    assert expected == {
        "tests": 12,
        "passed": 4,
        "failures": 3,
        "errors": 2,
        "skipped": 3,
        "flaky": 0,
    }
    result = collect(JUnitAdapter, path=str(report))
    assert {name: result.metrics[name].value for name in COUNTS} == expected
    assert result.metrics["pass_rate"].value == pytest.approx(100 * 4 / 9)
    assert sorted(f.id for f in result.findings) == [
        "test_sample::test_fail",
        "test_sample::test_param[3]",
        "test_sample::test_setup_error",
        "test_sample::test_teardown_error",
        "test_sample::test_xpass_strict",
    ]
    strict = next(f for f in result.findings if f.id.endswith("strict"))
    assert strict.message == "[XPASS(strict)] bug 3"
    if family == "xunit1":  # only xunit1 writes file and line
        fail = next(f for f in result.findings if f.id == "test_sample::test_fail")
        line = SAMPLE_TESTS.splitlines().index("def test_fail():") + 1
        assert fail.location == Location(path="test_sample.py", line=line)


@pytest.mark.parametrize(
    ("stamp", "has_zone"),
    [("2026-11-24T14:00:00", False), ("2026-11-24T14:00:00Z", True),
     ("2026-11-24T14:00:00+02:00", True), ("2026-11-24", False)],
)  # fmt: skip
def test_a_timestamp_without_a_zone_is_marked_so_the_engine_allows_for_it(
    tmp_path: Path, stamp: str, has_zone: bool
) -> None:
    path = tmp_path / "TEST-x.xml"
    path.write_text(f'<testsuite name="s" timestamp="{stamp}"><testcase name="t"/></testsuite>')
    assert collect(JUnitAdapter, path=str(path)).timestamp_has_zone is has_zone


def test_times_are_added_up_only_when_duration_is_read() -> None:
    report = FIXTURES / "surefire-reruns.xml"

    def metrics(asked: tuple[str, ...], summary: bool) -> dict[str, object]:
        options = {"path": str(report)}
        request = CollectRequest("t", options, asked, Path.cwd(), FIXED_NOW, summary=summary)
        return dict(JUnitAdapter().collect(request).metrics)

    every = metrics((), True)
    counts_only = metrics(("tests",), False)
    assert "duration" not in counts_only
    assert counts_only == {k: v for k, v in every.items() if k != "duration"}
    assert metrics(("duration",), False) == every


def test_no_time_on_any_case_gives_no_duration_rather_than_zero(tmp_path: Path) -> None:
    """tap-junit and others write no `time`: `duration < 1s` must not pass on no data."""
    report = tmp_path / "untimed.xml"
    cases = "".join(f'<testcase classname="qs" name="parses {n}"/>' for n in range(50))
    report.write_text(
        f'<testsuites><testsuite name="qs">{cases}'
        '<testcase classname="qs" name="fails"><failure message="no"/></testcase>'
        "</testsuite></testsuites>"
    )
    collection = collect(JUnitAdapter, path=str(report))
    assert "duration" not in collection.metrics
    assert collection.unavailable["duration"].startswith("no test case in the reports has a time")
    assert collection.metrics["tests"].value == 51
    timed = tmp_path / "timed.xml"
    timed.write_text(report.read_text().replace('name="fails">', 'name="fails" time="0">'))
    assert collect(JUnitAdapter, path=str(timed)).metrics["duration"].value == 0.0  # one timed
    policy = tmp_path / "gates.yaml"
    policy.write_text(
        "version: 1\ngates:\n  - id: g\n    checks:\n      - id: t\n        adapter: junit\n"
        "        with: {path: untimed.xml}\n        conditions: [duration < 1s]\n"
    )
    done = qualitygates("run", cwd=tmp_path)
    assert done.returncode == 3
    assert "duration: no test case in the reports has a time attribute" in done.stdout
