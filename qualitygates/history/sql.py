"""The history store on SQLAlchemy Core: one implementation for SQLite and PostgreSQL.

The backends differ only in how a writer takes the store's lock. SQLite: every write
transaction starts with `BEGIN IMMEDIATE`, which takes the database's write lock up front
(a deferred transaction that later wants to write can fail at once instead of waiting),
and the busy timeout makes concurrent writers queue. PostgreSQL: rows are written under
MVCC without a lock, and schema migrations serialise on a transaction-scoped advisory lock.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, Select, event, exists, insert, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from qualitygates.errors import ReportError
from qualitygates.history import migrations as schema_steps
from qualitygates.history import schema
from qualitygates.history.context import RunContext
from qualitygates.history.interface import (
    FlakyFilter,
    FlakyTest,
    HistoryError,
    HistoryStore,
    MetricSeries,
    Recordable,
    Redactor,
    RunFilter,
    RunSummary,
    TrendPoint,
)
from qualitygates.history.queries import (
    PASSING,
    newest,
    newest_values,
    project_passed,
    series_query,
)
from qualitygates.history.rows import prepare
from qualitygates.model import RunResult, Status, Unit
from qualitygates.readers import parse_json
from qualitygates.result_io import result_from_dict

if TYPE_CHECKING:
    from datetime import datetime

    from qualitygates.history.monthly import PeriodReport
    from qualitygates.history.period import Period

ADVISORY_LOCK_KEY = 0x7167_6869_7374  # "qghist": serialises migrations on PostgreSQL


class SqlHistoryStore(HistoryStore):
    """A history store in a SQL database reached through a SQLAlchemy engine."""

    def __init__(
        self,
        engine: Engine,
        location: str,
        migrations: tuple[schema_steps.Migration, ...] | None = None,
    ) -> None:
        self._engine = engine
        self.backend = engine.dialect.name
        self.location = location
        if self.backend == "sqlite":
            event.listen(engine, "connect", _sqlite_connect)
            event.listen(engine, "begin", _sqlite_begin)
        self._open(schema_steps.MIGRATIONS if migrations is None else migrations)

    def _open(self, migrations: tuple[schema_steps.Migration, ...]) -> None:
        try:
            with self._engine.connect() as conn:
                with conn.begin():
                    if schema_steps.current_version(conn) == len(migrations):
                        return  # the usual case: no lock needed
                conn.execution_options(qg_write=True)
                with conn.begin():
                    if self.backend == "postgresql":
                        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({ADVISORY_LOCK_KEY})")
                    schema_steps.migrate(conn, self.location, migrations)
        except HistoryError:
            self.close()
            raise
        except SQLAlchemyError as exc:
            self.close()
            raise HistoryError(
                f"cannot open the history store {self.location}: {schema_steps.reason(exc)}"
            ) from None

    @contextmanager
    def _transaction(self, write: bool = False) -> Iterator[Connection]:
        try:
            with self._engine.connect() as conn:
                conn.execution_options(qg_write=write)
                with conn.begin():
                    yield conn
        except SQLAlchemyError as exc:
            action = "write to" if write else "read"
            raise HistoryError(
                f"cannot {action} the history store {self.location}: {schema_steps.reason(exc)}"
            ) from None
        except (ValueError, TypeError) as exc:  # a time, unit or number no run writes
            raise HistoryError(
                f"the history store {self.location} holds a value no run writes ({exc}): "
                "it is damaged"
            ) from None

    def record(
        self, result: Recordable, context: RunContext, redact: Redactor | None = None
    ) -> int:
        rows = prepare(result, context, redact)
        with self._transaction(write=True) as conn:
            key = conn.execute(insert(schema.runs).values(rows.run)).inserted_primary_key
            if key is None:  # pragma: no cover - both backends return the new id
                raise HistoryError(f"{self.location} did not return the new run's id")
            run_id = int(key[0])
            for table, children in (
                (schema.gates, rows.gates),
                (schema.metrics, rows.metrics),
                (schema.findings, rows.findings),
                (schema.checks, rows.checks),
                (schema.conditions, rows.conditions),
            ):
                if children:
                    conn.execute(insert(table), [{**row, "run_id": run_id} for row in children])
        return run_id

    def _runs(self, wanted: RunFilter) -> list[RunSummary]:
        r, g = schema.runs, schema.gates
        query = newest(select(*_SUMMARY_COLUMNS), wanted)
        if wanted.gate is not None:
            judged = (g.c.run_id == r.c.id) & (g.c.gate_id == wanted.gate)
            if wanted.status:
                judged &= g.c.status == wanted.status
            else:
                judged &= g.c.status != Status.SKIPPED.value
            query = query.where(exists().where(judged))
        elif wanted.status:
            query = query.where(r.c.status == wanted.status)
        with self._transaction() as conn:
            found = conn.execute(query).all()
            statuses = self._gate_statuses(conn, [row.run_id for row in found])
        return [_summary(row, statuses.get(row.run_id, {})) for row in found]

    def _gate_statuses(
        self, conn: Connection, run_ids: Sequence[int]
    ) -> dict[int, dict[str, Status]]:
        g = schema.gates
        statuses: dict[int, dict[str, Status]] = {}
        for start in range(0, len(run_ids), 500):  # bounded IN lists
            chunk = run_ids[start : start + 500]
            query = select(g.c.run_id, g.c.gate_id, g.c.status).where(g.c.run_id.in_(chunk))
            for row in conn.execute(query.order_by(g.c.run_id, g.c.position)):
                statuses.setdefault(row.run_id, {})[row.gate_id] = Status(row.status)
        return statuses

    def get(self, run_id: int) -> RunResult:
        query = select(schema.runs.c.result_json).where(schema.runs.c.id == run_id)
        with self._transaction() as conn:
            text = conn.execute(query).scalar_one_or_none()
        if text is None:
            raise self._no_run(run_id)
        return self._parse(run_id, text)

    def _no_run(self, run_id: int) -> HistoryError:
        return HistoryError(f"there is no run #{run_id} in the history store {self.location}")

    def _parse(self, run_id: int, text: str) -> RunResult:
        try:
            return result_from_dict(parse_json(text, f"run #{run_id}", "qualitygates result"))
        except (ValueError, ReportError) as exc:
            raise HistoryError(f"run #{run_id} in {self.location} cannot be read: {exc}") from None

    def summary(self, run_id: int) -> RunSummary:
        query = select(*_SUMMARY_COLUMNS).where(schema.runs.c.id == run_id)
        with self._transaction() as conn:
            row = conn.execute(query).one_or_none()
            statuses = self._gate_statuses(conn, [run_id])
        if row is None:
            raise self._no_run(run_id)
        return _summary(row, statuses.get(run_id, {}))

    def resolve_metric(
        self, metric: str, gate: str | None = None, check: str | None = None
    ) -> MetricSeries:
        from qualitygates.history.resolve import resolve

        with self._transaction() as conn:
            return resolve(conn, metric, gate, check, self.location)

    def _trend(self, series: MetricSeries, wanted: RunFilter) -> list[TrendPoint]:
        return self._points(series_query(series), wanted)

    def _passing_values(self, series: MetricSeries, wanted: RunFilter) -> list[TrendPoint]:
        g = schema.gates
        passed = (g.c.run_id == schema.runs.c.id) & (g.c.gate_id == series.gate)
        query = series_query(series).join(g, passed).where(g.c.status.in_(PASSING))
        return self._points(query, wanted)

    def _points(self, query: Select[Any], wanted: RunFilter) -> list[TrendPoint]:
        with self._transaction() as conn:
            found = conn.execute(newest_values(query, wanted)).all()
            return [  # inside: a row no run could have written is said as the store's fault
                TrendPoint(
                    row.id,
                    row.recorded_at,
                    row.value if row.value is not None else row.text_value,
                    Unit(row.unit),
                    row.commit_sha,
                )
                for row in reversed(found)
            ]

    def last_passing(self, branch: str = "main", project: str | None = None) -> RunResult | None:
        r = schema.runs
        passing = select(r.c.id, r.c.result_json).where(
            r.c.status.in_(PASSING) if project is None else project_passed(project)
        )
        query = newest(passing, RunFilter(branch, since=None, limit=1))
        with self._transaction() as conn:
            row = conn.execute(query).one_or_none()
        return None if row is None else self._parse(row.id, row.result_json)

    def _flaky_tests(self, wanted: FlakyFilter) -> list[FlakyTest]:
        from qualitygates.history import flaky

        with self._transaction() as conn:
            return flaky.flaky_tests(conn, wanted)

    def failing_tests(
        self, commit: str, gate: str, check: str, until: datetime | None = None
    ) -> list[frozenset[str]]:
        from qualitygates.history import flaky

        with self._transaction() as conn:
            return flaky.failing_tests(conn, commit, gate, check, until)

    def period_report(self, period: Period, branch: str | None = None) -> PeriodReport:
        from qualitygates.history.monthly_sql import gather

        with self._transaction() as conn:
            return gather(conn, period, branch)

    def schema_version(self) -> int:
        with self._transaction() as conn:
            return schema_steps.current_version(conn)

    def close(self) -> None:
        self._engine.dispose()


_SUMMARY_NAMES = (
    "recorded_at status exit_code branch ci_provider run_url policy_digest duration version"
)
_SUMMARY_COLUMNS = (
    schema.runs.c.id.label("run_id"),
    schema.runs.c.commit_sha.label("commit"),
    *(schema.runs.c[name] for name in _SUMMARY_NAMES.split()),
)


def _summary(row: Any, gates: dict[str, Status]) -> RunSummary:
    fields = row._asdict()
    return RunSummary(**{**fields, "status": Status(fields["status"])}, gates=gates)


def _sqlite_connect(dbapi_connection: Any, _record: object) -> None:
    """Leave BEGIN to `_sqlite_begin` (pysqlite's own is always deferred); enforce foreign keys."""
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    """Take SQLite's write lock at BEGIN for writers; readers begin deferred."""
    write = conn.get_execution_options().get("qg_write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")
