"""The tables of the history store and the migrations that build them.

Schema version N is what the first N entries of `MIGRATIONS` make; each applied migration
leaves a row in `qg_schema_version`. A released migration never changes: a new column or
index is a new migration appended to the list (and the Table definitions below updated to
match), so a store of any age migrates itself forward when it is opened. The caller runs
`migrate` inside one transaction holding the store's write lock, which makes it safe when
several CI jobs open a fresh store at once (DDL is transactional in SQLite and PostgreSQL).

Table names carry a `qg_` prefix because an organisation's shared PostgreSQL database may
hold other tables too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Select,
    String,
    Table,
    Text,
    func,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.types import TypeDecorator

from qualitygates.history.backfill import BackfillTables, backfill
from qualitygates.history.interface import HistoryError


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime on every backend (SQLite's DATETIME keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        value = value.astimezone(timezone.utc) if value.tzinfo else value
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


METADATA = MetaData()

schema_version = Table(
    "qg_schema_version",
    METADATA,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("description", Text, nullable=False),
    Column("applied_at", UTCDateTime, nullable=False),
)


def _run_columns() -> tuple[Column[Any] | Index, ...]:
    """The columns of qg_runs as version 1 made them (a Column belongs to one Table)."""
    return (
        Column("id", Integer, primary_key=True),
        Column("recorded_at", UTCDateTime, nullable=False),
        Column("commit_sha", Text),
        Column("branch", Text),
        Column("ci_provider", Text),
        Column("run_url", Text),
        Column("policy_digest", Text),
        Column("policy_path", Text, nullable=False),
        Column("status", String(16), nullable=False),
        Column("exit_code", Integer, nullable=False),
        Column("started_at", Text, nullable=False),
        Column("duration", Float, nullable=False),
        Column("version", Text, nullable=False),
        Column("result_json", Text, nullable=False),
        Index("qg_runs_branch_time", "branch", "recorded_at"),
        Index("qg_runs_time", "recorded_at"),
    )


runs = Table(
    "qg_runs",
    METADATA,
    *_run_columns(),
    # Version 2: the runs of one commit (a flaky test passed and failed on the same one).
    Index("qg_runs_commit", "commit_sha", "recorded_at"),
)


def recorded_within(
    query: Select[Any], branch: str | None, since: datetime | None, until: datetime | None
) -> Select[Any]:
    """`query` on the runs table narrowed to the runs of `branch` recorded in [since, until]
    (each bound only when given), which the indexes on branch and time serve."""
    if branch is not None:
        query = query.where(runs.c.branch == branch)
    if since is not None:
        query = query.where(runs.c.recorded_at >= since)
    if until is not None:
        query = query.where(runs.c.recorded_at <= until)
    return query


def _part_of_run(
    name: str, keys: str, *rest: Column[Any] | Index, metadata: MetaData = METADATA
) -> Table:
    """A table of one part of each run (its gates, checks, metrics, findings or conditions):
    keyed by the run, whose deletion takes its rows along, then by the text columns `keys`
    names."""
    return Table(
        name,
        metadata,
        Column("run_id", Integer, ForeignKey(runs.c.id, ondelete="CASCADE"), primary_key=True),
        *(Column(key, Text, primary_key=True) for key in keys.split()),
        *rest,
    )


gates = _part_of_run(
    "qg_gates",
    "gate_id",
    Column("position", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("blocking", Boolean, nullable=False),
    Index("qg_gates_gate_status", "gate_id", "status"),
)

metrics = _part_of_run(
    "qg_metrics",
    "gate_id check_id metric",
    Column("value", Float),  # numeric metrics
    Column("text_value", Text),  # word metrics such as a quality gate's OK / ERROR
    Column("unit", String(16), nullable=False),
    Index("qg_metrics_series", "gate_id", "check_id", "metric"),
    Index("qg_metrics_name", "metric"),
)


def _finding_columns() -> tuple[Column[Any] | Index, ...]:
    """The columns of qg_findings as version 1 made them (a Column belongs to one Table)."""
    return (
        Column("position", Integer, primary_key=True),  # two findings may share a fingerprint
        Column("fingerprint", Text, nullable=False),
        Column("finding_id", Text, nullable=False),
        Column("severity", String(16), nullable=False),
        Column("waived", Boolean, nullable=False),
        Index("qg_findings_fingerprint", "fingerprint"),
    )


findings = _part_of_run(
    "qg_findings",
    "gate_id check_id",
    *_finding_columns(),
    # Version 2: a FindingKind value; NULL for a run recorded earlier whose result could
    # not be read back when the column was added.
    Column("kind", String(32)),
    # Failed tests are found by kind among far more findings of other kinds.
    Index("qg_findings_kind", "kind", "run_id"),
)

checks = _part_of_run(
    "qg_checks",
    "gate_id check_id",
    Column("position", Integer, nullable=False),
    Column("adapter", Text, nullable=False),
    Column("status", String(16), nullable=False),
    # The check's source could not be read (or it was not selected): whatever its status
    # (`on_error` may soften it), it saw no test pass or fail.
    Column("errored", Boolean, nullable=False),
)

conditions = _part_of_run(
    "qg_conditions",
    "gate_id check_id",
    Column("position", Integer, primary_key=True),
    Column("expr", Text, nullable=False),
    Column("metric", Text, nullable=False),
    Column("status", String(16), nullable=False),
    # The history report counts the failed conditions of a period's runs.
    Index("qg_conditions_status", "status", "run_id"),
)


@dataclass(frozen=True)
class Migration:
    """One step of the schema, applied once, in order, inside the opening transaction."""

    description: str
    apply: Callable[[Connection], Any]


# Tables as version 1 made them, where a later migration altered them.
_V1 = MetaData()
_runs_v1 = Table("qg_runs", _V1, *_run_columns())
_findings_v1 = _part_of_run("qg_findings", "gate_id check_id", *_finding_columns(), metadata=_V1)


def _create_v1(conn: Connection) -> None:
    # Version 1 is the tables as first released. When a later migration alters one of
    # them, copy its version-1 definition above first so that this step stays as it was.
    _V1.create_all(conn, tables=[_runs_v1])
    METADATA.create_all(conn, tables=[gates, metrics])
    _V1.create_all(conn, tables=[_findings_v1])


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

MIGRATIONS: tuple[Migration, ...] = (
    Migration("runs, gates, metrics and findings", _create_v1),
    Migration("checks, conditions and the kind of each finding", _checks_conditions_and_kinds),
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
