"""The queries the SQL store builds on: a series newest first, a project's passing runs,
and the runs a filter selects (SQLAlchemy Core, the same for SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, exists, select

from qualitygates.history import schema
from qualitygates.history.interface import MetricSeries, RunFilter
from qualitygates.model import Status

PASSING = (Status.PASSED.value, Status.WARNED.value)


def project_passed(project: str) -> ColumnElement[bool]:
    """The run judged `project`'s gates and none of them failed or errored."""
    g = schema.gates
    of_project = (g.c.run_id == schema.runs.c.id) & g.c.gate_id.startswith(
        f"{project}/", autoescape=True
    )
    judged = exists().where(of_project)
    not_passing = exists().where(of_project & g.c.status.not_in(PASSING))
    return judged & ~not_passing


def series_query(series: MetricSeries) -> Select[Any]:
    """The recorded values of one metric of one check, with their runs' time and commit."""
    r, m = schema.runs, schema.metrics
    return (
        select(r.c.id, r.c.recorded_at, r.c.commit_sha, m.c.value, m.c.text_value, m.c.unit)
        .join(m, m.c.run_id == r.c.id)
        .where(m.c.gate_id == series.gate, m.c.check_id == series.check)
        .where(m.c.metric == series.metric)
    )


def newest_values(query: Select[Any], wanted: RunFilter) -> Select[Any]:
    """A `_series_query` narrowed to `wanted`, newest first, by the metric's own time: the
    timeline index then serves the order and the time bounds, and the newest rows are read
    first, as many as the limit asks (the branch is checked run by run)."""
    r, m = schema.runs, schema.metrics
    query = query.order_by(m.c.recorded_at.desc(), m.c.run_id.desc()).limit(wanted.limit)
    if wanted.branch is not None:
        query = query.where(r.c.branch == wanted.branch)
    if wanted.since is not None:
        query = query.where(m.c.recorded_at >= wanted.since)
    if wanted.until is not None:
        query = query.where(m.c.recorded_at <= wanted.until)
    return query


def newest(query: Select[Any], wanted: RunFilter) -> Select[Any]:
    """`query` on the runs table, narrowed to `wanted`'s branch and time, newest first."""
    r = schema.runs
    query = query.order_by(r.c.recorded_at.desc(), r.c.id.desc()).limit(wanted.limit)
    return schema.recorded_within(query, wanted.branch, wanted.since, wanted.until)
