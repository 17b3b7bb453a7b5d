"""The tables of the history store, as the latest schema version defines them.

`qualitygates.history.migrations` builds them, version by version: a new column or index
is a new migration there, and the definition here is updated to match.

Table names carry a `qg_` prefix because an organisation's shared PostgreSQL database may
hold other tables too.
"""

from __future__ import annotations

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
)
from sqlalchemy.types import TypeDecorator


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


def run_columns() -> tuple[Column[Any] | Index, ...]:
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
    *run_columns(),
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


def part_of_run(
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


gates = part_of_run(
    "qg_gates",
    "gate_id",
    Column("position", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("blocking", Boolean, nullable=False),
    Index("qg_gates_gate_status", "gate_id", "status"),
)


def metric_columns() -> tuple[Column[Any], ...]:
    """The columns of qg_metrics as version 1 made them (a Column belongs to one Table)."""
    return (
        Column("value", Float),  # numeric metrics
        Column("text_value", Text),  # word metrics such as a quality gate's OK / ERROR
        Column("unit", String(16), nullable=False),
    )


metrics = part_of_run(
    "qg_metrics",
    "gate_id check_id metric",
    *metric_columns(),
    # Version 3: the run's time, so that one series is read newest first through one index,
    # as many rows as a window or a trend shows, whatever the planner knows of the data.
    Column("recorded_at", UTCDateTime),
    Index("qg_metrics_timeline", "gate_id", "check_id", "metric", "recorded_at"),
    # Version 3: which checks recorded a metric of this name, from the index alone.
    Index("qg_metrics_by_name", "metric", "gate_id", "check_id"),
)


def finding_columns() -> tuple[Column[Any] | Index, ...]:
    """The columns of qg_findings as version 1 made them (a Column belongs to one Table)."""
    return (
        Column("position", Integer, primary_key=True),  # two findings may share a fingerprint
        Column("fingerprint", Text, nullable=False),
        Column("finding_id", Text, nullable=False),
        Column("severity", String(16), nullable=False),
        Column("waived", Boolean, nullable=False),
        Index("qg_findings_fingerprint", "fingerprint"),
    )


findings = part_of_run(
    "qg_findings",
    "gate_id check_id",
    *finding_columns(),
    # Version 2: a FindingKind value; NULL for a run recorded earlier whose result could
    # not be read back when the column was added.
    Column("kind", String(32)),
    # Failed tests are found by kind among far more findings of other kinds.
    Index("qg_findings_kind", "kind", "run_id"),
)

checks = part_of_run(
    "qg_checks",
    "gate_id check_id",
    Column("position", Integer, nullable=False),
    Column("adapter", Text, nullable=False),
    Column("status", String(16), nullable=False),
    # The check's source could not be read (or it was not selected): whatever its status
    # (`on_error` may soften it), it saw no test pass or fail.
    Column("errored", Boolean, nullable=False),
)

conditions = part_of_run(
    "qg_conditions",
    "gate_id check_id",
    Column("position", Integer, primary_key=True),
    Column("expr", Text, nullable=False),
    Column("metric", Text, nullable=False),
    Column("status", String(16), nullable=False),
    # The history report counts the failed conditions of a period's runs.
    Index("qg_conditions_status", "status", "run_id"),
)
