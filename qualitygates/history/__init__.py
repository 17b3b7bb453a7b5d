"""The history store: every run recorded with its context, for `history`, `trend` and baselines.

    from qualitygates.history import RunContext, open_store

    with open_store(".qualitygates/history.sqlite") as store:  # or "postgresql://…"
        run_id = store.record(result, RunContext.detect(policy_digest=digest), redact=hide)
        store.runs(branch="main", status="failed", since=week_ago)
        store.trend("quality.coverage.total")        # -> [TrendPoint, ...], oldest first
        store.last_passing("main")                   # -> RunResult | None (a baseline)

A path or `sqlite:///PATH` is an embedded SQLite file; `postgresql://…` is a shared
PostgreSQL server. The schema is versioned and migrates itself when a store is opened;
concurrent writers (parallel CI jobs) lose nothing. The database libraries (SQLAlchemy,
psycopg) are imported only when a store is opened.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from qualitygates._lazy import lazy_exports

if TYPE_CHECKING:
    from qualitygates.history.context import RunContext, policy_digest
    from qualitygates.history.interface import (
        HistoryError,
        HistoryStore,
        MetricSeries,
        Redactor,
        RunSummary,
        TrendPoint,
    )
    from qualitygates.history.open import open_store
    from qualitygates.history.render import format_runs, format_trend, sparkline

__all__ = [
    "HistoryError",
    "HistoryStore",
    "MetricSeries",
    "Redactor",
    "RunContext",
    "RunSummary",
    "TrendPoint",
    "format_runs",
    "format_trend",
    "open_store",
    "policy_digest",
    "sparkline",
]

# Imported on first use: a run that names no store imports `recording` alone, not the
# git and process machinery `context` needs to describe a run.
__getattr__ = lazy_exports(
    __name__,
    {
        "HistoryError": ".interface",
        "HistoryStore": ".interface",
        "MetricSeries": ".interface",
        "Redactor": ".interface",
        "RunSummary": ".interface",
        "TrendPoint": ".interface",
        "RunContext": ".context",
        "policy_digest": ".context",
        "open_store": ".open",
        "format_runs": ".render",
        "format_trend": ".render",
        "sparkline": ".render",
    },
)
