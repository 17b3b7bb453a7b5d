"""Which recorded metric a name given to `qualitygates trend` means.

Gate ids, check ids and metric names may all contain dots (`vulnerabilities.critical`,
k6's `http_req_duration{scenario:api}.p(95)`), so `gate.check.metric` cannot be split
blindly: every way of cutting the name in three is tried against what was recorded,
and a bare metric name is taken when exactly one check has recorded it.
"""

from __future__ import annotations

import difflib

from sqlalchemy import or_, select, tuple_
from sqlalchemy.engine import Connection

from qualitygates.history import schema
from qualitygates.history.interface import HistoryError, MetricSeries

MAX_LISTED = 8


def splits(name: str) -> list[tuple[str, str, str]]:
    """Every (gate, check, metric) that joined with dots gives `name`."""
    parts = name.split(".")
    return [
        (".".join(parts[:i]), ".".join(parts[i:j]), ".".join(parts[j:]))
        for i in range(1, len(parts) - 1)
        for j in range(i + 1, len(parts))
    ]


def resolve(
    conn: Connection, name: str, gate: str | None, check: str | None, location: str
) -> MetricSeries:
    """The one recorded series `name` denotes, narrowed by `gate` and `check` when given."""
    m = schema.metrics
    candidates = [m.c.metric == name]
    if gate is None and check is None and (qualified := splits(name)):
        candidates.append(tuple_(m.c.gate_id, m.c.check_id, m.c.metric).in_(qualified))
    query = select(m.c.gate_id, m.c.check_id, m.c.metric).where(or_(*candidates)).distinct()
    if gate is not None:
        query = query.where(m.c.gate_id == gate)
    if check is not None:
        query = query.where(m.c.check_id == check)
    found = [MetricSeries(*row) for row in conn.execute(query)]
    exact = [s for s in found if str(s) == name]  # a full name wins over a bare one
    found = exact or found
    if len(found) == 1:
        return found[0]
    if found:
        names = ", ".join(sorted(str(s) for s in found)[:MAX_LISTED])
        raise HistoryError(f"metric {name!r} is ambiguous: name one of {names}")
    if gate is not None or check is not None:
        elsewhere = _recording(conn, name)
        if elsewhere:
            asked = ".".join(part for part in (gate, check) if part is not None)
            raise HistoryError(
                f"{asked} has recorded no metric {name!r} in the history store {location}; "
                f"it is recorded by {', '.join(elsewhere[:MAX_LISTED])}"
            )
    raise HistoryError(_unknown(conn, name, location))


def _recording(conn: Connection, name: str) -> list[str]:
    """The checks (`gate.check`) that recorded a metric of this name."""
    m = schema.metrics
    query = select(m.c.gate_id, m.c.check_id).where(m.c.metric == name).distinct()
    return sorted(f"{gate}.{check}" for gate, check in conn.execute(query))


def _unknown(conn: Connection, name: str, location: str) -> str:
    m = schema.metrics
    query = select(m.c.gate_id, m.c.check_id, m.c.metric).distinct().limit(2000)
    series = [MetricSeries(*row) for row in conn.execute(query)]
    if not series:
        return f"no metric has been recorded in the history store {location} yet"
    known = sorted({str(s) for s in series})
    close = difflib.get_close_matches(name, known + sorted({s.metric for s in series}), n=3)
    if close:
        return (
            f"no metric {name!r} in the history store {location} (did you mean {', '.join(close)}?)"
        )
    listed = ", ".join(known[:MAX_LISTED])
    return f"no metric {name!r} in the history store {location} (recorded: {listed})"
