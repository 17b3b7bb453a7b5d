"""Flaky tests from the record, on SQLite and on PostgreSQL: a test that both passed and
failed on the same commit, a pass being a run that read the test's report and did not
report it failing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, timezone

from qualitygates.history import HistoryStore, RunContext
from qualitygates.history.interface import FlakyTest
from qualitygates.model import CheckResult
from tests.history.builders import check, gate, junit_check, result

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)


def record(
    store: HistoryStore,
    hours: int,
    commit: str | None,
    *checks: CheckResult,
    branch: str = "main",
) -> int:
    """Record a run of the `tests` gate with these checks, `hours` after T0."""
    run = result(gate("tests", *checks))
    context = RunContext(commit=commit, branch=branch, recorded_at=T0 + timedelta(hours=hours))
    return store.record(run, context)


def failing(store: HistoryStore, hours: int, commit: str | None, *tests: str) -> int:
    return record(store, hours, commit, junit_check(tests))


def names(found: Sequence[FlakyTest]) -> list[str]:
    return [f.test for f in found]


def test_a_test_that_failed_and_passed_on_one_commit_is_flaky(store: HistoryStore) -> None:
    failing(store, 0, "c1", "api::test_login", "api::test_logout")
    failing(store, 1, "c1")  # the retry passed both
    failing(store, 2, "c1", "api::test_logout")
    assert store.flaky_tests() == [  # most failures first
        FlakyTest("tests", "unit", "api::test_logout", 2, 1, 1, T0 + timedelta(hours=2)),
        FlakyTest("tests", "unit", "api::test_login", 1, 2, 1, T0),
    ]


def test_failing_on_two_commits_and_passing_on_neither_is_not_flaky(store: HistoryStore) -> None:
    failing(store, 0, "c1", "api::test_login")
    failing(store, 1, "c2", "api::test_login")
    failing(store, 2, "c2", "api::test_login")
    failing(store, 3, "c3")  # passed, but on a commit where it never failed
    assert store.flaky_tests() == []


def test_a_run_whose_check_could_not_be_read_is_no_pass(store: HistoryStore) -> None:
    failing(store, 0, "c1", "api::test_login")
    record(store, 1, "c1", junit_check(error="junit.xml: no such file"))
    assert store.flaky_tests() == []


def test_a_run_that_did_not_judge_the_check_is_no_pass(store: HistoryStore) -> None:
    failing(store, 0, "c1", "api::test_login")
    record(store, 1, "c1", junit_check(check_id="integration"))  # another check passed
    record(store, 2, "c1", check("lint", {}))
    assert store.flaky_tests() == []
    record(store, 3, "c1", junit_check())
    assert names(store.flaky_tests()) == ["api::test_login"]


def test_runs_without_a_commit_never_make_a_test_flaky(store: HistoryStore) -> None:
    failing(store, 0, None, "api::test_login")
    failing(store, 1, None)
    assert store.flaky_tests() == []


def test_a_waived_failure_is_still_a_failure(store: HistoryStore) -> None:
    record(store, 0, "c1", junit_check(waived=["api::test_login"]))
    failing(store, 1, "c1")
    assert names(store.flaky_tests()) == ["api::test_login"]


def test_counts_add_up_over_the_commits_where_it_is_flaky(store: HistoryStore) -> None:
    for commit, start in (("c1", 0), ("c2", 10)):
        failing(store, start, commit, "api::test_login")
        failing(store, start + 1, commit)
        failing(store, start + 2, commit)
    failing(store, 20, "c3", "api::test_login")  # not flaky there: not counted
    failing(store, 21, "c4", "db::test_pool")
    failing(store, 22, "c4")
    login, pool = store.flaky_tests()
    assert (login.test, login.failed, login.passed, login.commits) == ("api::test_login", 2, 4, 2)
    assert login.last_failed == T0 + timedelta(hours=10)
    assert (pool.test, pool.failed, pool.passed, pool.commits) == ("db::test_pool", 1, 1, 1)


def test_since_and_until_bound_the_runs_read(store: HistoryStore) -> None:
    failing(store, 0, "c1", "api::test_login")
    failing(store, 48, "c1")
    assert names(store.flaky_tests(since=T0 + timedelta(hours=1))) == []
    assert names(store.flaky_tests(until=T0 + timedelta(hours=47))) == []
    window = {"since": T0, "until": T0 + timedelta(hours=48)}
    assert names(store.flaky_tests(**window)) == ["api::test_login"]


def test_branch_gate_and_check_narrow_the_search(store: HistoryStore) -> None:
    failing(store, 0, "c1", "api::test_login")
    failing(store, 1, "c1")
    record(store, 2, "c2", junit_check(["db::test_pool"], check_id="integration"), branch="dev")
    record(store, 3, "c2", junit_check(check_id="integration"), branch="dev")
    assert names(store.flaky_tests()) == ["db::test_pool", "api::test_login"]  # by check
    assert names(store.flaky_tests(branch="dev")) == ["db::test_pool"]
    assert names(store.flaky_tests(check="integration")) == ["db::test_pool"]
    assert names(store.flaky_tests(gate="tests", check="unit")) == ["api::test_login"]
    assert store.flaky_tests(gate="other") == []


def test_failing_tests_lists_each_clean_run_of_a_commit(store: HistoryStore) -> None:
    failing(store, 0, "c1", "api::test_login", "api::test_logout")
    record(store, 1, "c1", junit_check(error="unreadable"))
    failing(store, 2, "c1")
    failing(store, 3, "c2", "db::test_pool")
    record(store, 4, "c1", junit_check(waived=["api::test_login"]))
    failing(store, 5, "c1", "api::test_logout")
    assert store.failing_tests("c1", "tests", "unit") == [
        frozenset({"api::test_login", "api::test_logout"}),
        frozenset(),
        frozenset({"api::test_login"}),
        frozenset({"api::test_logout"}),
    ]
    until = T0 + timedelta(hours=2)
    assert store.failing_tests("c1", "tests", "unit", until=until) == [
        frozenset({"api::test_login", "api::test_logout"}),
        frozenset(),
    ]
    assert store.failing_tests("c1", "tests", "integration") == []
    assert store.failing_tests("c9", "tests", "unit") == []
