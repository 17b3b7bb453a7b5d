"""`qualitygates history flaky`: the table, the JSON, and saying so when there are none."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

from click.testing import CliRunner, Result

from qualitygates.cli import cli
from qualitygates.history import RunContext, open_store
from tests.history.builders import gate, junit_check, result

NOW = datetime.now(timezone.utc).replace(microsecond=0)


def seed(store: Path, days_ago: float, *failed_then_passed: str, branch: str = "main") -> None:
    """Two runs at one commit: the first fails these tests, the second passes them."""
    with open_store(store) as opened:
        for hours, failed in ((0, failed_then_passed), (1, ())):
            when = NOW - timedelta(days=days_ago) + timedelta(hours=hours)
            context = RunContext(commit=f"sha-{days_ago}", branch=branch, recorded_at=when)
            opened.record(result(gate("tests", junit_check(failed))), context)


def flaky(store: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["history", "flaky", "--history", str(store), *args])


def test_the_flaky_tests_of_the_last_30_days_are_a_table(tmp_path: Path) -> None:
    store = tmp_path / "h.sqlite"
    seed(store, 3, "api::test_login", "api::test\nwith a break")
    seed(store, 2, "api::test_login")
    seed(store, 45, "db::test_old")  # before the default 30 days
    done = flaky(store)
    assert done.exit_code == 0, done.output
    lines = done.output.splitlines()
    assert lines[0].split() == [
        "TEST",
        "GATE/CHECK",
        "FAILED",
        "PASSED",
        "COMMITS",
        "LAST",
        "FAILED",
    ]
    assert lines[1].split()[:5] == ["api::test_login", "tests/unit", "2", "2", "2"]
    assert lines[1].endswith((NOW - timedelta(days=2)).strftime("%Y-%m-%d %H:%M"))
    assert lines[2].startswith("api::test⏎with a break  tests/unit ")
    assert len(lines) == 3
    assert "db::test_old" in flaky(store, "--since", "60d").output


def test_json_lists_each_test_with_its_counts(tmp_path: Path) -> None:
    store = tmp_path / "h.sqlite"
    seed(store, 1, "api::test_login", branch="dev")
    done = flaky(store, "--format", "json", "--since", "2020-01-01", "--branch", "dev")
    assert done.exit_code == 0, done.output
    shown = json.loads(done.output)
    assert shown["since"] == "2020-01-01T00:00:00+00:00"
    assert shown["flaky_tests"] == [
        {
            "gate": "tests",
            "check": "unit",
            "test": "api::test_login",
            "failed": 1,
            "passed": 1,
            "commits": 1,
            "last_failed": (NOW - timedelta(days=1)).isoformat(),
        }
    ]


def test_none_found_says_since_when_and_exits_0(tmp_path: Path) -> None:
    store = tmp_path / "h.sqlite"
    seed(store, 1, "api::test_login", branch="dev")
    done = flaky(store, "--branch", "main", "--since", "2026-11-01")
    assert (done.exit_code, done.output) == (
        0,
        "no flaky tests since 2026-11-01 00:00 UTC on main\n",
    )
    assert flaky(store, "--gate", "other").output.startswith("no flaky tests since ")


def test_a_bad_since_is_a_usage_error(tmp_path: Path) -> None:
    done = flaky(tmp_path / "h.sqlite", "--since", "last tuesday")
    assert done.exit_code == 2
    assert "'last tuesday' is neither a duration (7d) nor a date" in done.output
    assert not (tmp_path / "h.sqlite").exists()


def test_history_lists_its_subcommands() -> None:
    done = CliRunner().invoke(cli, ["history", "--help"])
    assert "flaky" in done.output and "report" in done.output
