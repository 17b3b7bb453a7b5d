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
    String,
    Table,
    Text,
    func,
    inspect,
    select,
)
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.types import TypeDecorator

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

runs = Table(
    "qg_runs",
    METADATA,
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


def _part_of_run(name: str, keys: str, *rest: Column[Any] | Index) -> Table:
    """A table of one part of each run (its gates, metrics or findings): keyed by the run,
    whose deletion takes its rows along, then by the text columns `keys` names."""
    return Table(
        name,
        METADATA,
        Column("run_id", Integer, ForeignKey("qg_runs.id", ondelete="CASCADE"), primary_key=True),
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

findings = _part_of_run(
    "qg_findings",
    "gate_id check_id",
    Column("position", Integer, primary_key=True),  # two findings may share a fingerprint
    Column("fingerprint", Text, nullable=False),
    Column("finding_id", Text, nullable=False),
    Column("severity", String(16), nullable=False),
    Column("waived", Boolean, nullable=False),
    Index("qg_findings_fingerprint", "fingerprint"),
)


@dataclass(frozen=True)
class Migration:
    """One step of the schema, applied once, in order, inside the opening transaction."""

    description: str
    apply: Callable[[Connection], Any]


def _create_v1(conn: Connection) -> None:
    # Version 1 is the tables as first released. When a later migration alters one of
    # them, copy its version-1 definition here first so that this step stays as it was.
    METADATA.create_all(conn, tables=[runs, gates, metrics, findings])


MIGRATIONS: tuple[Migration, ...] = (Migration("runs, gates, metrics and findings", _create_v1),)


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
