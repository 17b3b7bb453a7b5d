"""The schema is versioned and migrates itself, on both backends."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from qualitygates.history import HistoryError, RunContext, open_store
from qualitygates.history import migrations as history_migrations
from qualitygates.history import schema as history_schema
from qualitygates.history.period import parse_period
from qualitygates.history.rows import prepare
from qualitygates.model import RunResult
from tests.history.builders import coverage_run, gate, junit_check, result


@pytest.fixture
def engine(store_url: str) -> Iterator[sa.Engine]:
    """A plain engine on the store's database, to look under the store's hood."""
    url = store_url if "://" in store_url else f"sqlite:///{store_url}"
    url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    raw = sa.create_engine(url)
    yield raw
    raw.dispose()


LATEST = len(history_migrations.MIGRATIONS)
DESCRIPTIONS = [(i, m.description) for i, m in enumerate(history_migrations.MIGRATIONS, start=1)]


def _versions(engine: sa.Engine) -> list[tuple[int, str]]:
    query = sa.text("SELECT version, description FROM qg_schema_version ORDER BY version")
    with engine.connect() as conn:
        return [(row[0], row[1]) for row in conn.execute(query)]


def test_a_new_store_is_created_at_the_latest_version(store_url: str, engine: sa.Engine) -> None:
    with open_store(store_url) as store:
        assert store.schema_version() == LATEST == 3
    assert _versions(engine) == DESCRIPTIONS
    assert DESCRIPTIONS[0] == (1, "runs, gates, metrics and findings")


def test_opening_again_changes_nothing(store_url: str, engine: sa.Engine) -> None:
    with open_store(store_url) as store:
        store.record(coverage_run(80), RunContext())
    with open_store(store_url) as store:
        assert len(store.runs()) == 1
    assert _versions(engine) == DESCRIPTIONS


def test_a_later_migration_is_applied_to_an_existing_store(
    store_url: str, engine: sa.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_store(store_url) as store:
        run_id = store.record(coverage_run(80), RunContext(branch="main"))

    def add_column(conn: sa.Connection) -> None:
        conn.execute(sa.text("ALTER TABLE qg_runs ADD COLUMN note TEXT"))

    step = history_migrations.Migration("runs.note", add_column)
    monkeypatch.setattr(history_migrations, "MIGRATIONS", (*history_migrations.MIGRATIONS, step))
    with open_store(store_url) as store:
        assert store.schema_version() == LATEST + 1
        assert store.get(run_id) == store.last_passing("main")
    assert [v for v, _ in _versions(engine)] == list(range(1, LATEST + 2))
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT note FROM qg_runs")).all() == [(None,)]


def test_a_failed_migration_leaves_the_store_as_it_was(
    store_url: str, engine: sa.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_store(store_url):
        pass

    def broken(conn: sa.Connection) -> None:
        conn.execute(sa.text("CREATE TABLE qg_extra (x INTEGER)"))
        conn.execute(sa.text("SELECT * FROM no_such_table"))

    step = history_migrations.Migration("broken", broken)
    monkeypatch.setattr(history_migrations, "MIGRATIONS", (*history_migrations.MIGRATIONS, step))
    message = rf"^cannot migrate the history store .* to schema version {LATEST + 1} \(broken\): "
    with pytest.raises(HistoryError, match=message + ".*no_such_table"):
        open_store(store_url)
    assert [v for v, _ in _versions(engine)] == list(range(1, LATEST + 1))
    assert not sa.inspect(engine).has_table("qg_extra")


def test_a_store_from_a_newer_qualitygates_is_refused(store_url: str, engine: sa.Engine) -> None:
    with open_store(store_url):
        pass
    with engine.begin() as conn:
        conn.execute(
            sa.text("INSERT INTO qg_schema_version VALUES (7, 'future', :t)"),
            {"t": "2030-01-01 00:00:00"},
        )
    message = (
        rf"has schema version 7, newer than this qualitygates knows \({LATEST}\): "
        "upgrade qualitygates$"
    )
    with pytest.raises(HistoryError, match=message):
        open_store(store_url)


def test_the_tables_and_indexes_exist(store_url: str, engine: sa.Engine) -> None:
    with open_store(store_url):
        pass
    inspector = sa.inspect(engine)
    assert {"qg_schema_version", "qg_runs", "qg_gates", "qg_metrics", "qg_findings"} <= set(
        inspector.get_table_names()
    )
    indexes = {
        ix["name"]
        for t in ("qg_runs", "qg_metrics", "qg_findings")
        for ix in inspector.get_indexes(t)
    }
    assert {"qg_runs_branch_time", "qg_metrics_timeline", "qg_findings_fingerprint"} <= indexes
    assert {"qg_metrics_by_name"} <= indexes  # version 3 replaces these two:
    assert not {"qg_metrics_series", "qg_metrics_name"} & indexes


def test_findings_fingerprints_and_metrics_are_rows_of_their_own(
    store_url: str, engine: sa.Engine
) -> None:
    with open_store(store_url) as store:
        run_id = store.record(coverage_run(80), RunContext())
    with engine.connect() as conn:
        findings = conn.execute(
            sa.text(
                "SELECT gate_id, check_id, fingerprint, finding_id, severity, waived"
                " FROM qg_findings WHERE run_id = :r ORDER BY position"
            ),
            {"r": run_id},
        ).all()
        metrics = conn.execute(
            sa.text("SELECT metric, value, unit FROM qg_metrics ORDER BY metric")
        ).all()
    assert [tuple(f) for f in findings] == [
        ("security", "trivy", "fp-cve-1", "CVE-2024-1", "high", False),
        ("security", "trivy", "fp-cve-2", "CVE-2024-2", "high", True),
    ]
    assert [tuple(m) for m in metrics] == [
        ("total", 80.0, "percent"),
        ("vulnerabilities.critical", 0.0, "count"),
    ]


def _record_as_version_1(engine: sa.Engine, run: RunResult, context: RunContext) -> int:
    """Write a run as qualitygates wrote it before version 2: no kinds, checks or conditions."""
    rows = prepare(run, context, None)
    with engine.begin() as conn:
        run_id = int(
            conn.execute(sa.insert(history_schema.runs).values(rows.run)).inserted_primary_key[0]
        )
        metrics = [{k: v for k, v in row.items() if k != "recorded_at"} for row in rows.metrics]
        for table, children in (
            (history_schema.gates, rows.gates),
            (history_schema.metrics, metrics),
        ):
            if children:
                conn.execute(sa.insert(table), [{**row, "run_id": run_id} for row in children])
        old_findings = [{k: v for k, v in row.items() if k != "kind"} for row in rows.findings]
        if old_findings:
            conn.execute(
                sa.insert(history_schema.findings),
                [{**row, "run_id": run_id} for row in old_findings],
            )
    return run_id


def test_version_2_fills_in_the_runs_recorded_before_it(
    store_url: str, engine: sa.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as patched:
        patched.setattr(history_migrations, "MIGRATIONS", history_migrations.MIGRATIONS[:1])
        with open_store(store_url) as store:
            assert store.schema_version() == 1
    when = datetime(2026, 11, 3, tzinfo=timezone.utc)
    for hours, failed in ((0, ["api::test_login"]), (1, [])):
        run = result(gate("tests", junit_check(failed)))
        moment = when + timedelta(hours=hours)
        _record_as_version_1(engine, run, RunContext(commit="c1", recorded_at=moment))
    _record_as_version_1(engine, coverage_run(80), RunContext(commit="c1", recorded_at=when))
    with engine.begin() as conn:  # a run that can no longer be read back is left as it is
        conn.execute(sa.text("UPDATE qg_runs SET result_json = '{' WHERE id = 3"))
    with open_store(store_url) as store:
        assert store.schema_version() == LATEST
        assert [f.test for f in store.flaky_tests()] == ["api::test_login"]
        report = store.period_report(parse_period("2026-11"))
    assert [(c.expr, c.runs) for c in report.conditions] == [("failures == 0", 1)]
    with engine.connect() as conn:
        kinds = conn.execute(sa.text("SELECT run_id, kind FROM qg_findings ORDER BY run_id")).all()
    assert [tuple(k) for k in kinds] == [(1, "failed-test"), (3, None), (3, None)]


def test_version_2_indexes_what_the_flaky_tests_and_the_report_read(
    store_url: str, engine: sa.Engine
) -> None:
    with open_store(store_url):
        pass
    inspector = sa.inspect(engine)
    indexes = {
        table: {ix["name"]: ix["column_names"] for ix in inspector.get_indexes(table)}
        for table in ("qg_runs", "qg_findings", "qg_conditions")
    }
    assert indexes["qg_runs"]["qg_runs_commit"] == ["commit_sha", "recorded_at"]
    assert indexes["qg_findings"]["qg_findings_kind"] == ["kind", "run_id"]
    assert indexes["qg_conditions"]["qg_conditions_status"] == ["status", "run_id"]


def test_version_3_gives_each_metric_its_runs_time_and_reads_a_series_by_it(
    store_url: str, engine: sa.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as patched:
        patched.setattr(history_migrations, "MIGRATIONS", history_migrations.MIGRATIONS[:1])
        with open_store(store_url):
            pass
    when = datetime(2026, 11, 3, tzinfo=timezone.utc)
    for day, total in enumerate((70.0, 75.0, 72.0)):
        moment = when + timedelta(days=day)
        _record_as_version_1(engine, coverage_run(total), RunContext(recorded_at=moment))
    with open_store(store_url) as store:
        assert store.schema_version() == LATEST
        points = store.trend("total", limit=2)
        assert [(p.recorded_at.day, p.value) for p in points] == [(4, 75.0), (5, 72.0)]
    with engine.connect() as conn:
        times = conn.execute(sa.text("SELECT count(*) FROM qg_metrics WHERE recorded_at IS NULL"))
        assert times.scalar_one() == 0
        if engine.dialect.name == "sqlite":  # the plan reads the newest rows, no sort of all
            series = ("SELECT value FROM qg_metrics WHERE gate_id = 'quality' AND check_id = "
                      "'coverage' AND metric = 'total' ORDER BY recorded_at DESC LIMIT 2")  # fmt: skip
            plan = " ".join(
                str(r[-1]) for r in conn.execute(sa.text(f"EXPLAIN QUERY PLAN {series}"))
            )
            assert "qg_metrics_timeline" in plan and "TEMP B-TREE" not in plan
