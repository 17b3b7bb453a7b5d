"""The history store's behaviour, the same suite on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from qualitygates.engine.baseline import baseline_index
from qualitygates.history import HistoryError, HistoryStore, RunContext, open_store
from qualitygates.model import Measurement, Status, Unit
from qualitygates.result_io import result_from_dict, result_to_dict
from tests.history.builders import check, coverage_run, finding, gate, result

T0 = datetime(2026, 1, 5, 10, 0, tzinfo=timezone.utc)


def ctx(hours: int = 0, branch: str | None = "main", commit: str | None = None) -> RunContext:
    """A fixed context `hours` after T0."""
    return RunContext(
        commit=commit or f"c{hours:03d}" + "0" * 36,
        branch=branch,
        ci_provider="github",
        run_url=f"https://ci.example/runs/{hours}",
        policy_digest="sha256:abc",
        recorded_at=T0 + timedelta(hours=hours),
    )


def test_a_recorded_run_reads_back_as_its_json_form(store: HistoryStore) -> None:
    run = coverage_run(81.25)
    run_id = store.record(run, ctx())
    assert store.get(run_id) == result_from_dict(result_to_dict(run))
    assert store.get(run_id).gates[1].checks[0].findings[1].waived is True


def test_the_context_is_recorded_with_the_run(store: HistoryStore) -> None:
    context = ctx(3, branch="feature/x")
    run_id = store.record(coverage_run(80, Status.FAILED), context)
    summary = store.summary(run_id)
    assert summary.run_id == run_id
    assert (summary.commit, summary.branch, summary.ci_provider) == (
        context.commit,
        "feature/x",
        "github",
    )
    assert (summary.run_url, summary.policy_digest) == ("https://ci.example/runs/3", "sha256:abc")
    assert summary.recorded_at == context.recorded_at
    assert summary.recorded_at.tzinfo is not None
    assert (summary.status, summary.exit_code) == (Status.FAILED, 1)
    assert (summary.duration, summary.version) == (1.5, "0.1.0")
    assert summary.gates == {"quality": Status.FAILED, "security": Status.PASSED}


def test_a_time_in_another_zone_is_kept_as_the_same_instant(store: HistoryStore) -> None:
    local = datetime(2026, 1, 5, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    run_id = store.record(coverage_run(80), RunContext(recorded_at=local))
    assert store.summary(run_id).recorded_at == T0
    assert store.summary(run_id).commit is None


def test_ids_grow_and_runs_list_newest_first(store: HistoryStore) -> None:
    ids = [store.record(coverage_run(70 + i), ctx(i)) for i in range(4)]
    assert ids == sorted(ids)
    assert len(set(ids)) == 4
    assert [s.run_id for s in store.runs()] == ids[::-1]
    assert [s.run_id for s in store.runs(limit=2)] == ids[:1:-1]


def test_runs_filter_by_branch_status_and_since(store: HistoryStore) -> None:
    a = store.record(coverage_run(80), ctx(0))
    b = store.record(coverage_run(60, Status.FAILED), ctx(1))
    c = store.record(coverage_run(85), ctx(2, branch="dev"))
    assert [s.run_id for s in store.runs(branch="main")] == [b, a]
    assert [s.run_id for s in store.runs(status="failed")] == [b]
    assert [s.run_id for s in store.runs(status=Status.PASSED)] == [c, a]
    assert [s.run_id for s in store.runs(since=T0 + timedelta(minutes=30))] == [c, b]
    assert store.runs(branch="nope") == []


def test_runs_filter_by_gate_and_that_gates_status(store: HistoryStore) -> None:
    quality_only = result(
        gate("quality", check("coverage", {"total": (50, Unit.PERCENT)}, Status.FAILED)),
        gate("security", check("trivy", {}, Status.SKIPPED), status=Status.SKIPPED),
    )
    a = store.record(coverage_run(90), ctx(0))
    b = store.record(quality_only, ctx(1))
    assert [s.run_id for s in store.runs(gate="quality")] == [b, a]
    assert [s.run_id for s in store.runs(gate="security")] == [a]  # skipped: not judged
    assert [s.run_id for s in store.runs(gate="quality", status="failed")] == [b]
    assert [s.run_id for s in store.runs(gate="security", status="skipped")] == [b]
    assert store.runs(gate="performance") == []


def test_an_unknown_status_is_refused_with_the_known_ones(store: HistoryStore) -> None:
    with pytest.raises(
        HistoryError,
        match=r"^unknown status 'broken' \(one of: passed, warned, failed, error, skipped\)$",
    ):
        store.runs(status="broken")


def test_trend_gives_a_metric_oldest_first_with_its_unit_and_commit(store: HistoryStore) -> None:
    for i, total in enumerate([70.0, 75.5, 72.25]):
        store.record(coverage_run(total), ctx(i))
    points = store.trend("quality.coverage.total")
    assert [p.value for p in points] == [70.0, 75.5, 72.25]
    assert {p.unit for p in points} == {Unit.PERCENT}
    assert [p.commit for p in points] == [ctx(i).commit for i in range(3)]
    assert [p.recorded_at for p in points] == [T0 + timedelta(hours=i) for i in range(3)]
    assert [p.value for p in store.trend("total", limit=2)] == [75.5, 72.25]  # the latest two


def test_trend_filters_by_branch_and_since(store: HistoryStore) -> None:
    store.record(coverage_run(70), ctx(0))
    store.record(coverage_run(90), ctx(1, branch="dev"))
    store.record(coverage_run(71), ctx(2))
    assert [p.value for p in store.trend("total", branch="main")] == [70, 71]
    assert [p.value for p in store.trend("total", since=T0 + timedelta(hours=1))] == [90, 71]


def test_dotted_metric_names_and_dotted_ids_resolve(store: HistoryStore) -> None:
    k6 = check("load.k6", {"http_req_duration{scenario:api}.p(95)": (312.5, Unit.MILLISECONDS)})
    store.record(result(gate("perf.eu", k6)), ctx(0))
    store.record(coverage_run(80), ctx(1))
    series = store.resolve_metric("perf.eu.load.k6.http_req_duration{scenario:api}.p(95)")
    assert (series.gate, series.check, series.metric) == (
        "perf.eu",
        "load.k6",
        "http_req_duration{scenario:api}.p(95)",
    )
    assert (
        str(store.resolve_metric("vulnerabilities.critical"))
        == "security.trivy.vulnerabilities.critical"
    )
    assert [p.value for p in store.trend("http_req_duration{scenario:api}.p(95)")] == [312.5]


def test_a_bare_name_recorded_by_two_checks_is_ambiguous(store: HistoryStore) -> None:
    store.record(coverage_run(80), ctx(0))
    store.record(result(gate("backend", check("coverage", {"total": (60, Unit.PERCENT)}))), ctx(1))
    message = (
        "metric 'total' is ambiguous: name one of backend.coverage.total, quality.coverage.total"
    )
    with pytest.raises(HistoryError, match=f"^{message.replace('.', '[.]')}$"):
        store.trend("total")
    assert [p.value for p in store.trend("total", gate="backend")] == [60]
    assert [p.value for p in store.trend("total", gate="quality", check="coverage")] == [80]


def test_an_unknown_metric_suggests_the_recorded_ones(store: HistoryStore) -> None:
    with pytest.raises(
        HistoryError, match=r"^no metric has been recorded in the history store .* yet$"
    ):
        store.trend("total")
    store.record(coverage_run(80), ctx(0))
    with pytest.raises(
        HistoryError, match=r"^no metric 'totl' in the history store .* \(did you mean total\?\)$"
    ):
        store.trend("totl")
    with pytest.raises(HistoryError, match=r"\(recorded: quality.coverage.total, security.trivy"):
        store.trend("zzz")
    with pytest.raises(  # a mistyped check: say which checks did record the name
        HistoryError,
        match=r"^quality.cov has recorded no metric 'total' in the history store .*; it is "
        r"recorded by quality.coverage$",
    ):
        store.trend("total", gate="quality", check="cov")


def test_word_metrics_are_kept_as_words(store: HistoryStore) -> None:
    sonar = check("sonar", {"quality_gate": ("ERROR", Unit.TEXT), "coverage": (0.0, Unit.PERCENT)})
    store.record(result(gate("quality", sonar)), ctx(0))
    point = store.trend("quality_gate")[0]
    assert (point.value, point.unit) == ("ERROR", Unit.TEXT)
    assert store.trend("coverage")[0].value == 0.0


def test_last_passing_is_the_latest_passed_or_warned_run_on_the_branch(store: HistoryStore) -> None:
    assert store.last_passing() is None
    store.record(coverage_run(70), ctx(0))
    warned = store.record(coverage_run(72, Status.WARNED), ctx(1))
    store.record(coverage_run(50, Status.FAILED), ctx(2))
    store.record(coverage_run(99), ctx(3, branch="dev"))
    baseline = store.last_passing("main")
    assert baseline == store.get(warned)
    assert baseline is not None
    assert baseline_index(baseline)["quality.coverage"].metrics == {
        "total": Measurement(72, Unit.PERCENT)
    }
    assert store.last_passing("release") is None


def test_a_projects_last_passing_run_ignores_the_other_projects(store: HistoryStore) -> None:
    def run(api: Status, web: Status, lines: float) -> int:
        gates = (
            gate("api/quality", check("coverage", {"total": (lines, Unit.PERCENT)}, api)),
            gate("web/quality", check("coverage", {"total": (lines, Unit.PERCENT)}, web)),
        )
        return store.record(result(*gates), ctx(int(lines)))

    run(Status.PASSED, Status.PASSED, 1)
    web_fails = run(Status.PASSED, Status.FAILED, 2)
    api_errs = run(Status.ERROR, Status.WARNED, 3)
    plain = store.record(coverage_run(4), ctx(4))  # no project at all
    assert store.last_passing(project="api") == store.get(web_fails)
    assert store.last_passing(project="web") == store.get(api_errs)
    assert store.last_passing() == store.get(plain)  # the whole run, as before
    assert store.last_passing(project="worker") is None  # never judged
    assert store.last_passing(project="ap") is None  # a prefix of a name is not the project
    assert store.last_passing(project="a_i") is None  # nor is a LIKE pattern


def test_every_string_is_redacted_before_it_is_stored(store: HistoryStore) -> None:
    secret = 's3cr"et\\tok'  # a quote and a backslash: caught before JSON escapes them
    leaky = check(
        "trivy",
        {f"dyn.{secret}": (1, Unit.COUNT)},
        findings=[finding("rule", "fp", message=f"token {secret} in config")],
    )
    run_id = store.record(
        result(gate("security", leaky)), ctx(0), lambda t: t.replace(secret, "***")
    )
    stored = json.dumps(result_to_dict(store.get(run_id)))
    assert "s3cr" not in stored
    assert store.get(run_id).gates[0].checks[0].findings[0].message == "token *** in config"
    assert [p.value for p in store.trend("dyn.***")] == [1]


def test_a_result_may_be_given_as_its_dict_or_its_json_text(store: HistoryStore) -> None:
    run = coverage_run(66)
    data = result_to_dict(run)
    a = store.record(data, ctx(0))
    b = store.record(json.dumps(data), ctx(1))
    assert store.get(a) == store.get(b) == result_from_dict(data)
    assert [p.value for p in store.trend("total")] == [66, 66]


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (
            "{not json",
            r"^cannot record this result: the result is not valid qualitygates result JSON: ",
        ),
        (
            {"schema": "other"},
            r'^cannot record this result: not a qualitygates result: expected "schema"',
        ),
        (
            {"schema": "qualitygates/result/v1"},
            r"^cannot record this result: the result file is incomplete",
        ),
    ],
)
def test_something_else_than_a_result_is_refused(
    store: HistoryStore, given: object, message: str
) -> None:
    with pytest.raises(HistoryError, match=message):
        store.record(given, ctx(0))  # type: ignore[arg-type]
    assert store.runs() == []


def test_an_unknown_run_id_is_an_error(store: HistoryStore) -> None:
    with pytest.raises(HistoryError, match=r"^there is no run #42 in the history store "):
        store.get(42)
    with pytest.raises(HistoryError, match=r"^there is no run #42 in the history store "):
        store.summary(42)


def test_a_run_without_gates_or_metrics_is_recorded(store: HistoryStore) -> None:
    run_id = store.record(result(), ctx(0))
    assert store.get(run_id).gates == ()
    assert store.summary(run_id).gates == {}
    assert store.summary(run_id).status is Status.SKIPPED


def test_a_record_that_fails_leaves_nothing_behind(store: HistoryStore) -> None:
    data = result_to_dict(coverage_run(80))
    data["gates"].append(data["gates"][0])  # the same gate twice: the gates' key refuses it
    with pytest.raises(
        HistoryError, match=r"^cannot write to the history store .*(UNIQUE|duplicate key)"
    ):
        store.record(data, ctx(0))
    assert store.runs() == []
    with pytest.raises(HistoryError, match=r"^no metric has been recorded"):
        store.trend("total")


@pytest.mark.parametrize("limit", [0, -1])
def test_a_limit_below_one_is_refused(store: HistoryStore, limit: int) -> None:
    message = f"^the number of runs to show must be at least 1, not {limit}$"
    with pytest.raises(HistoryError, match=message):
        store.runs(limit=limit)
    with pytest.raises(HistoryError, match=message):
        store.trend("total", limit=limit)


def test_a_nul_character_from_a_hostile_report_is_stored(store: HistoryStore) -> None:
    odd = check(
        "scan",
        {"state\x00": ("bad\x00word", Unit.TEXT)},
        findings=[finding("id\x00", "fp\x00", "m\x00")],
    )
    run_id = store.record(result(gate("security", odd)), ctx(0))
    assert store.get(run_id).gates[0].checks[0].findings[0].id == "id\x00"  # the JSON keeps it
    assert [p.value for p in store.trend("state\ufffd")] == ["bad\ufffdword"]


@pytest.mark.parametrize(
    ("column", "value"), [("qg_metrics.unit", "bogus"), ("qg_runs.recorded_at", "garbage")]
)
def test_a_row_no_run_writes_is_the_stores_damage_in_one_sentence(
    tmp_path: Path, column: str, value: str
) -> None:
    """On SQLite, whose columns take any value (PostgreSQL's typed ones refuse it on write)."""
    store = open_store(tmp_path / "h.sqlite")
    store.record(coverage_run(80), ctx(0))
    with store._engine.begin() as conn:  # type: ignore[attr-defined]
        table, name = column.split(".")
        conn.exec_driver_sql(f"UPDATE {table} SET {name} = ?", (value,))
    with pytest.raises(HistoryError, match=r"holds a value no run writes \(.*\): it is damaged$"):
        store.trend("total")
