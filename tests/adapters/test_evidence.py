"""The evidence adapter on drill results written by hand (JUnit XML and the JSON shape)."""

from __future__ import annotations

import os
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest

from qualitygates.adapters.evidence import EvidenceAdapter
from qualitygates.errors import AdapterError
from qualitygates.model import Finding
from tests.helpers import DATA, FIXED_NOW, collect

HERE = DATA / "evidence"  # the run's clock is 2026-11-24T12:00Z (FIXED_NOW)


def run(name: str, **options: object) -> tuple[dict[str, float], list[Finding]]:
    result = collect(EvidenceAdapter, path=str(HERE / name), **options)
    metrics = {k: m.value for k, m in result.metrics.items()}
    counts = EvidenceAdapter().count_findings(result.findings)
    metrics.update({k: m.value for k, m in counts.items()})
    return metrics, list(result.findings)


def test_passing_junit_drill() -> None:
    metrics, findings = run("restore-pass.xml", max_age="7d")
    assert findings == []
    assert metrics == {"passed": 1, "age_hours": 34.0, "problems": 0}


def test_failed_junit_drill() -> None:
    metrics, findings = run("restore-fail.xml", max_age="7d")
    assert (metrics["passed"], metrics["problems"]) == (0, 1)
    assert [f.message for f in findings] == [
        f"{HERE / 'restore-fail.xml'} records a failed drill (2 of 3 tests failed: row counts "
        "match, checksums): fix it and run it again"
    ]


def test_stale_drill() -> None:
    metrics, findings = run("restore-old.xml", max_age="7d")
    assert metrics["passed"] == 1
    assert metrics["age_hours"] == 23 * 24 + 11
    assert [f.message for f in findings] == [
        f"{HERE / 'restore-old.xml'} is from 2026-11-01, 23d 11h ago, older than max_age 7d: "
        "run the drill again"
    ]
    assert findings[0].rule == "stale"


def test_json_results() -> None:
    metrics, findings = run("rollback-pass.json", max_age="1d")
    assert (metrics["passed"], metrics["age_hours"], findings) == (1, 6.0, [])
    metrics, findings = run("rollback-fail.json", max_age="1d")
    assert metrics["passed"] == 0
    assert [f.message for f in findings] == [
        f"{HERE / 'rollback-fail.json'} records a failed drill (health check failed after "
        "rollback): fix it and run it again"
    ]


def test_future_dated_result() -> None:
    metrics, findings = run("future.json", max_age="7d")
    assert metrics["problems"] == 1
    assert [f.message for f in findings] == [
        f"{HERE / 'future.json'} is dated 2026-11-25T00:00:00+00:00, after the run's time "
        "2026-11-24T12:00:00+00:00: check the clock that wrote it"
    ]


def test_age_falls_back_to_the_file_time(tmp_path: Path) -> None:
    for name in ("no-timestamp.xml", "no-time.json"):
        copy = tmp_path / name
        shutil.copy(HERE / name, copy)
        stamp = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc).timestamp()
        os.utime(copy, (stamp, stamp))
        result = collect(EvidenceAdapter, path=str(copy), max_age="3d")
        assert result.metrics["age_hours"].value == 96.0
        assert [f.rule for f in result.findings] == ["stale"]
        assert result.timestamp == FIXED_NOW.replace(day=20)


def test_format_can_be_forced(tmp_path: Path) -> None:
    copy = tmp_path / "result.txt"
    shutil.copy(HERE / "rollback-pass.json", copy)
    assert collect(EvidenceAdapter, path=str(copy)).metrics["passed"].value == 1
    assert collect(EvidenceAdapter, path=str(copy), format="json").metrics["passed"].value == 1


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("missing.xml", "missing.xml does not exist: check the path, or that the drill ran"),
        ("empty.json", "empty.json is empty"),
        ("truncated.xml", "truncated.xml is not well-formed XML"),
        ("zero-tests.xml", "zero-tests.xml has no test that ran: the drill did not run"),
        ("all-skipped.xml", "all-skipped.xml has no test that ran"),
        ("wrong-root.xml", "wrong-root.xml is not a JUnit report (its root element is <report>)"),
        ("bad-status.json", 'bad-status.json: status "passed" should be "pass" or "fail"'),
        ("wrong-shape.json", "wrong-shape.json is not a drill result"),
    ],
)
def test_unreadable_results_are_errors(name: str, message: str) -> None:
    with pytest.raises(AdapterError) as caught:
        run(name)
    assert message in str(caught.value)


def test_bad_max_age() -> None:
    with pytest.raises(AdapterError, match="evidence option max_age: 'a week' is not a duration"):
        run("restore-pass.xml", max_age="a week")
