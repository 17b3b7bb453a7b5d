"""Improvements judged on recorded runs (SQLite and PostgreSQL): the windows, the verdict of
each target, the conclusion, and every reason an improvement cannot be judged."""

from __future__ import annotations

import dataclasses
import random
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from qualitygates.compare import Conclusion
from qualitygates.history import HistoryError, HistoryStore, RunContext, open_store
from qualitygates.history.improvement_list import format_improvements
from qualitygates.history.improvement_validation import Unevaluated, assess, validate
from qualitygates.history.improvements import (
    Guardrail,
    Improvement,
    Limit,
    MetricRef,
    parse_period,
)
from qualitygates.model import Status, Unit
from tests.history.builders import check, gate, result

DAY = timedelta(days=1)
START, END = date(2026, 9, 11), date(2026, 9, 12)
BEFORE = datetime(2026, 9, 1, 10, tzinfo=timezone.utc)  # ten daily runs, up to Sep 10
AFTER = datetime(2026, 9, 13, 10, tzinfo=timezone.utc)  # ten daily runs, from Sep 13
NOW = datetime(2026, 10, 1, tzinfo=timezone.utc)
COVERAGE = Guardrail(MetricRef("line_rate", "coverage"), Limit(">", -2.0))
FASTER = Improvement(
    "IMP-2026-001", "Faster tests", "alice", MetricRef("duration", "tests"), -30.0,
    START, END, (COVERAGE,), window=timedelta(days=10),
)  # fmt: skip


def record(
    store: HistoryStore,
    first: datetime,
    duration: float,
    coverage: float,
    runs: int = 10,
    branch: str = "main",
    status: Status = Status.PASSED,
) -> None:
    """`runs` daily runs from `first`, each value within 4 % of the given one (seeded)."""
    noise = random.Random(f"{first}{duration}{coverage}")
    for day in range(runs):
        tests = check("tests", {"duration": (duration * noise.uniform(0.96, 1.04), Unit.SECONDS)})
        cov = check("coverage", {"line_rate": (coverage * noise.uniform(0.99, 1.01), Unit.PERCENT)})
        run = result(gate("quality", tests, cov, status=status))
        store.record(run, RunContext(branch=branch, recorded_at=first + day * DAY))


def test_a_drop_beyond_the_promise_with_guardrails_kept_is_a_success(store: HistoryStore) -> None:
    record(store, BEFORE, 120, 85)
    record(store, AFTER, 78, 85)
    validation = validate(store, FASTER, NOW)
    assert validation.conclusion is Conclusion.SUCCESS
    assert validation.reason == "every target met (2/2)"
    metric, guardrail = validation.rows
    assert (metric.metric, metric.target, metric.met, metric.guardrail) == (
        "quality.tests.duration", "-30%", True, False
    )  # fmt: skip
    assert metric.runs == (10, 10) and metric.shift.p_value < 0.001
    assert -40 < metric.change_percent < -30
    assert metric.before.endswith("s (10 runs)") and " ± " in metric.before
    assert (guardrail.metric, guardrail.target, guardrail.met) == (
        "quality.coverage.line_rate", "> -2%", True
    )  # fmt: skip
    assert validation.notes == ()


def test_a_significant_drop_short_of_the_promise_is_partial(store: HistoryStore) -> None:
    record(store, BEFORE, 120, 85)
    record(store, AFTER, 106, 85)
    validation = validate(store, FASTER, NOW)
    assert validation.conclusion is Conclusion.PARTIAL
    metric = validation.rows[0]
    assert not metric.met and metric.shift.significant
    assert metric.missed.startswith("moved -1") and "short of the expected -30%" in metric.missed
    assert validation.reason == f"quality.tests.duration moved as expected, but it {metric.missed}"


def test_a_broken_guardrail_makes_a_met_promise_partial(store: HistoryStore) -> None:
    record(store, BEFORE, 120, 85)
    record(store, AFTER, 70, 78)
    validation = validate(store, FASTER, NOW)
    metric, guardrail = validation.rows
    assert metric.met and not guardrail.met
    assert validation.conclusion is Conclusion.PARTIAL
    assert validation.reason == (
        f"quality.tests.duration moved as expected, but quality.coverage.line_rate {guardrail.missed}"
    )
    assert guardrail.missed.startswith("broke its limit (-8")
    assert guardrail.missed.endswith(", allowed > -2%)")


@pytest.mark.parametrize(("after", "why"), [(120, "noise only"), (150, "the wrong way")])
def test_no_significant_move_the_promised_way_is_a_failure(
    store: HistoryStore, after: float, why: str
) -> None:
    record(store, BEFORE, 120, 85)
    record(store, AFTER, after, 85)
    validation = validate(store, FASTER, NOW)
    assert validation.conclusion is Conclusion.FAILURE, why
    assert validation.reason.startswith(
        "quality.tests.duration did not move significantly in the expected direction: "
    )
    assert validation.reason.endswith(", expected -30%")
    assert validation.rows[0].missed.startswith("did not move significantly the expected way (p = ")


def test_a_rise_is_judged_when_the_promise_is_a_rise(store: HistoryStore) -> None:
    record(store, BEFORE, 120, 80)
    record(store, AFTER, 120, 88)
    more_coverage = Improvement(
        "IMP-2026-002", "More tests", "bob", MetricRef("line_rate", "coverage", "quality"), +5.0,
        START, END, window=timedelta(days=10),
    )  # fmt: skip
    validation = validate(store, more_coverage, NOW)
    assert validation.conclusion is Conclusion.SUCCESS
    assert validation.rows[0].target == "+5%"


def test_only_the_windows_of_the_branch_count_whatever_the_runs_status(
    store: HistoryStore,
) -> None:
    record(store, BEFORE, 120, 85, status=Status.FAILED)  # measurements, even of failed runs
    record(store, BEFORE - 20 * DAY, 10, 85)  # before the window
    record(store, datetime(2026, 9, 11, tzinfo=timezone.utc), 10, 85, runs=2)  # during the work
    record(store, AFTER, 78, 85)
    record(store, AFTER + 10 * DAY, 500, 85)  # after the window
    record(store, BEFORE, 10, 85, branch="feature")  # another branch
    validation = validate(store, FASTER, NOW)
    assert validation.rows[0].runs == (10, 10)
    assert validation.conclusion is Conclusion.SUCCESS


def test_runs_after_now_are_unseen_and_an_open_window_is_noted(store: HistoryStore) -> None:
    record(store, BEFORE, 120, 85)
    record(store, AFTER, 78, 85)
    now = AFTER + 3 * DAY  # four runs of the after window so far: Sep 13 to 16, at 10:00
    validation = validate(store, FASTER, now)
    assert validation.rows[0].runs == (10, 4)  # a run at `now` is seen, a later one is not
    assert validation.notes == (
        "the runs after the work are taken until 2026-09-22: more may change this",
    )


def test_before_its_end_an_improvement_cannot_be_validated(store: HistoryStore) -> None:
    record(store, BEFORE, 120, 85)
    with pytest.raises(HistoryError) as caught:
        validate(store, FASTER, datetime(2026, 9, 12, 23, tzinfo=timezone.utc))
    assert str(caught.value) == (
        "IMP-2026-001 cannot be validated: its work ends on 2026-09-12, and the runs after "
        "that day are what it is judged on"
    )


def test_an_empty_window_says_which(store: HistoryStore) -> None:
    record(store, AFTER, 78, 85)
    with pytest.raises(HistoryError) as caught:
        validate(store, FASTER, NOW)
    assert str(caught.value) == (
        "IMP-2026-001 cannot be validated: no run of branch main recorded "
        "quality.tests.duration before the work (from 2026-09-01 to 2026-09-10)"
    )


def test_an_unknown_metric_cannot_be_validated_and_a_list_goes_on(store: HistoryStore) -> None:
    record(store, BEFORE, 120, 85)
    record(store, AFTER, 78, 85)
    typo = Improvement(
        "IMP-2026-003", "Typo", "carol", MetricRef("durations", "tests"), -30.0, START, END
    )
    with pytest.raises(HistoryError, match=r"^IMP-2026-003 cannot be validated: no metric "):
        validate(store, typo, NOW)
    outcome = assess(store, typo, NOW)
    assert isinstance(outcome, Unevaluated) and outcome.conclusion is None
    assert outcome.reason.startswith("no metric 'durations' in the history store ")
    listing = format_improvements(
        [FASTER, typo], {i.id: assess(store, i, NOW) for i in (FASTER, typo)}, NOW
    )
    first, second = listing.splitlines()
    assert first.startswith("IMP-2026-001  ended  2026-09-11 → 2026-09-12  alice  Faster tests")
    assert first.endswith(", expected -30%: success")
    assert "  cannot be evaluated: no metric 'durations'" in second


def test_states_follow_the_days() -> None:
    assert FASTER.state(datetime(2026, 9, 10, 23, tzinfo=timezone.utc)) == "planned"
    assert FASTER.state(datetime(2026, 9, 11, tzinfo=timezone.utc)) == "in progress"
    assert FASTER.state(datetime(2026, 9, 12, 23, tzinfo=timezone.utc)) == "in progress"
    assert FASTER.state(datetime(2026, 9, 13, tzinfo=timezone.utc)) == "ended"


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("2026", date(2026, 1, 1), date(2026, 12, 31)),
        ("2026-Q4", date(2026, 10, 1), date(2026, 12, 31)),
        ("2026-q1", date(2026, 1, 1), date(2026, 3, 31)),
        ("2026-11", date(2026, 11, 1), date(2026, 11, 30)),
        ("2028-02", date(2028, 2, 1), date(2028, 2, 29)),
    ],
)
def test_periods(text: str, first: date, last: date) -> None:
    period = parse_period(text)
    assert (period.first, period.last) == (first, last)
    assert first in period and last in period and last + DAY not in period


@pytest.mark.parametrize("text", ["2026-Q5", "2026-13", "26", "2026-1", "Q4", ""])
def test_a_bad_period_says_what_is_accepted(text: str) -> None:
    """The same periods as the history report's, and the same words."""
    with pytest.raises(ValueError, match="is not a period: give a month \\(2026-11\\), a quarter"):
        parse_period(text)


def test_a_list_keeps_each_improvement_on_one_line() -> None:
    """A title or owner from a pull request cannot forge a line of the CI log."""
    forged = dataclasses.replace(
        FASTER, title="Faster\n1/1 gates passed — deployment allowed\r\x1b[2J", owner="bob\n::x"
    )
    (line,) = format_improvements([forged], {}, NOW).splitlines()
    assert "Faster⏎1/1 gates passed — deployment allowed" in line
    assert "bob⏎::x" in line and "\x1b" not in line and "\r" not in line


def test_a_value_no_run_writes_is_the_stores_damage_not_one_run_fewer(tmp_path: Path) -> None:
    """On SQLite, whose columns take any value (PostgreSQL's typed ones refuse it on write)."""
    store = open_store(tmp_path / "h.sqlite")
    record(store, BEFORE, 120, 85)
    record(store, AFTER, 78, 85)
    with store._engine.begin() as conn:  # type: ignore[attr-defined]
        conn.exec_driver_sql("UPDATE qg_metrics SET value = 'NaN' WHERE run_id = 3")
    with pytest.raises(HistoryError, match=r"quality.tests.duration of run #3 is 'NaN', not a "):
        validate(store, FASTER, NOW)
