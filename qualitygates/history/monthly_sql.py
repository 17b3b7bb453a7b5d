"""The history report's numbers, read from the store's tables in one transaction.

Every query is narrowed to the period's runs through the index on their time (and
branch); the failed conditions come from their own table through the index on their
status, so that no run's JSON is parsed however many runs the period holds.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, case, desc, distinct, func, select
from sqlalchemy.engine import Connection

from qualitygates.history import schema
from qualitygates.history.monthly import (
    TOP,
    WINDOW_RUNS,
    FailingCondition,
    GatePassRate,
    MetricMove,
    PeriodReport,
    Series,
    Windows,
    top_moves,
    windows_between,
)
from qualitygates.history.period import Period
from qualitygates.history.queries import PASSING
from qualitygates.model import Status


def gather(conn: Connection, period: Period, branch: str | None) -> PeriodReport:
    """The report on the runs of `branch` (or every branch) recorded in `period`."""
    r = schema.runs
    statuses = _in_period(select(r.c.status, func.count()), period, branch).group_by(r.c.status)
    counted = {status: int(n) for status, n in conn.execute(statuses)}
    span = conn.execute(
        _in_period(select(func.min(r.c.recorded_at), func.max(r.c.recorded_at)), period, branch)
    ).one()
    windows = windows_between(*span) if counted else None
    return PeriodReport(
        period=period,
        branch=branch,
        statuses=dict(sorted(counted.items(), key=lambda item: (-item[1], item[0]))),
        gates=_pass_rates(conn, period, branch),
        windows=windows,
        moves=_moves(conn, period, branch, windows) if windows else (),
        conditions=_failing_conditions(conn, period, branch),
    )


def _in_period(query: Select[Any], period: Period, branch: str | None) -> Select[Any]:
    r = schema.runs
    query = query.where(r.c.recorded_at >= period.start, r.c.recorded_at < period.end)
    return query if branch is None else query.where(r.c.branch == branch)


def _pass_rates(conn: Connection, period: Period, branch: str | None) -> tuple[GatePassRate, ...]:
    r, g = schema.runs, schema.gates
    judged = g.c.status != Status.SKIPPED.value
    query = _in_period(
        select(
            g.c.gate_id,
            func.sum(case((judged, 1), else_=0)).label("judged"),
            func.sum(case((g.c.status.in_(PASSING), 1), else_=0)).label("passed"),
        ).join(r, r.c.id == g.c.run_id),
        period,
        branch,
    )
    query = query.group_by(g.c.gate_id).order_by(func.min(g.c.position), g.c.gate_id)
    return tuple(
        GatePassRate(row.gate_id, int(row.judged), int(row.passed))
        for row in conn.execute(query)
        if row.judged
    )


def _moves(
    conn: Connection, period: Period, branch: str | None, windows: Windows
) -> tuple[MetricMove, ...]:
    r = schema.runs
    first = _in_period(select(r.c.id), period, branch).where(r.c.recorded_at < windows.first_end)
    last = _in_period(select(r.c.id), period, branch).where(r.c.recorded_at >= windows.last_start)
    oldest = first.order_by(r.c.recorded_at, r.c.id)
    newest = last.order_by(r.c.recorded_at.desc(), r.c.id.desc())
    return top_moves(_values(conn, oldest), _values(conn, newest))


def _values(conn: Connection, runs: Select[Any]) -> dict[Series, list[float]]:
    """The numeric values of each series in the first WINDOW_RUNS of `runs`."""
    m = schema.metrics
    query = select(m.c.gate_id, m.c.check_id, m.c.metric, m.c.unit, m.c.value).where(
        m.c.run_id.in_(runs.limit(WINDOW_RUNS).scalar_subquery()), m.c.value.is_not(None)
    )
    values: dict[Series, list[float]] = {}
    for gate, check, metric, unit, value in conn.execute(query):
        values.setdefault((gate, check, metric, unit), []).append(value)
    return values


def _failing_conditions(
    conn: Connection, period: Period, branch: str | None
) -> tuple[FailingCondition, ...]:
    r, c = schema.runs, schema.conditions
    runs = func.count(distinct(c.c.run_id)).label("runs")
    query = _in_period(
        select(c.c.gate_id, c.c.check_id, c.c.expr, runs)
        .join(r, r.c.id == c.c.run_id)
        .where(c.c.status == Status.FAILED.value),
        period,
        branch,
    )
    query = query.group_by(c.c.gate_id, c.c.check_id, c.c.expr)
    query = query.order_by(desc(runs), c.c.gate_id, c.c.check_id, c.c.expr).limit(TOP)
    return tuple(FailingCondition(*row) for row in conn.execute(query))
