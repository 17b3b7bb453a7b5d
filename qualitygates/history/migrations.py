"""The migrations that build the history store's tables, version by version.

Schema version N is what the first N entries of `MIGRATIONS` make; each applied migration
leaves a row in `qg_schema_version`. A released migration never changes: a new column or
index is a new migration appended to the list (and the Table definition in `schema`
updated to match), so a store of any age migrates itself forward when it is opened. The
caller runs `migrate` inside one transaction holding the store's write lock, which makes it
safe when several CI jobs open a fresh store at once (DDL is transactional in SQLite and
PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Index, MetaData, Table, func, inspect, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from qualitygates.history.backfill import BackfillTables, backfill
from qualitygates.history.interface import HistoryError
from qualitygates.history.schema import (
    METADATA,
    checks,
    conditions,
    finding_columns,
    findings,
    gates,
    metric_columns,
    metrics,
    part_of_run,
    run_columns,
    runs,
    schema_version,
)


@dataclass(frozen=True)
class Migration:
    """One step of the schema, applied once, in order, inside the opening transaction."""

    description: str
    apply: Callable[[Connection], Any]


# Tables as version 1 made them, where a later migration altered them.
_V1 = MetaData()
_runs_v1 = Table("qg_runs", _V1, *run_columns())
_metrics_v1 = part_of_run(
    "qg_metrics",
    "gate_id check_id metric",
    *metric_columns(),
    Index("qg_metrics_series", "gate_id", "check_id", "metric"),
    Index("qg_metrics_name", "metric"),
    metadata=_V1,
)
_findings_v1 = part_of_run("qg_findings", "gate_id check_id", *finding_columns(), metadata=_V1)


def _create_v1(conn: Connection) -> None:
    # Version 1 is the tables as first released. When a later migration alters one of
    # them, copy its version-1 definition above first so that this step stays as it was.
    _V1.create_all(conn, tables=[_runs_v1])
    METADATA.create_all(conn, tables=[gates])
    _V1.create_all(conn, tables=[_metrics_v1, _findings_v1])


def _checks_conditions_and_kinds(conn: Connection) -> None:
    """Version 2: what the flaky tests and the history report read, without parsing every
    run's JSON: each check's adapter and whether it could be read, each condition's
    verdict, each finding's kind; filled in for the runs recorded before."""
    kind = findings.c.kind
    conn.execute(text(f"ALTER TABLE qg_findings ADD COLUMN kind {kind.type.compile(conn.dialect)}"))
    METADATA.create_all(conn, tables=[checks, conditions])
    for index in (*findings.indexes, *runs.indexes):
        if index.name in _V2_INDEXES:
            index.create(conn)
    backfill(conn, BackfillTables(runs, findings, checks, conditions))


_V2_INDEXES = ("qg_findings_kind", "qg_runs_commit")


def _metric_times(conn: Connection) -> None:
    """Version 3: each metric row carries its run's time (copied for the runs recorded
    before), and one index reads a series by time: a window of the last ten runs, or a
    trend's last thirty points, then reads that many rows at 100,000 runs as at 100. The
    name index covers the checks that recorded a name; the two it replaces are dropped."""
    column = metrics.c.recorded_at
    conn.execute(
        text(f"ALTER TABLE qg_metrics ADD COLUMN recorded_at {column.type.compile(conn.dialect)}")
    )
    of_run = select(runs.c.recorded_at).where(runs.c.id == metrics.c.run_id).scalar_subquery()
    conn.execute(metrics.update().values(recorded_at=of_run))
    for old in ("qg_metrics_series", "qg_metrics_name"):
        conn.execute(text(f"DROP INDEX {old}"))
    for index in metrics.indexes:
        index.create(conn)


MIGRATIONS: tuple[Migration, ...] = (
    Migration("runs, gates, metrics and findings", _create_v1),
    Migration("checks, conditions and the kind of each finding", _checks_conditions_and_kinds),
    Migration("the time of each metric, to read a series newest first", _metric_times),
)


def current_version(conn: Connection) -> int:
    """The store's schema version: 0 for an empty database."""
    if not inspect(conn).has_table(schema_version.name):
        return 0
    return int(
        conn.execute(select(func.coalesce(func.max(schema_version.c.version), 0))).scalar_one()
    )


def migrate(conn: Connection, location: str, migrations: tuple[Migration, ...] = MIGRATIONS) -> int:
    """Bring the schema up to date inside the caller's transaction; return its version."""
    current = current_version(conn)
    if current > len(migrations):
        raise HistoryError(
            f"the history store {location} has schema version {current}, newer than this "
            f"qualitygates knows ({len(migrations)}): upgrade qualitygates"
        )
    if current == 0:
        METADATA.create_all(conn, tables=[schema_version])
    for version, migration in enumerate(migrations[current:], start=current + 1):
        try:
            migration.apply(conn)
        except SQLAlchemyError as exc:
            raise HistoryError(
                f"cannot migrate the history store {location} to schema version {version} "
                f"({migration.description}): {reason(exc)}"
            ) from None
        conn.execute(
            schema_version.insert().values(
                version=version,
                description=migration.description,
                applied_at=datetime.now(timezone.utc),
            )
        )
    return len(migrations)


def reason(exc: SQLAlchemyError) -> str:
    """The driver's own first line, without SQLAlchemy's statement and parameters."""
    cause = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    lines = [line.strip() for line in str(cause).strip().splitlines() if line.strip()]
    return lines[0] if lines else type(cause).__name__
