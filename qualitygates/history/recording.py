"""What a run takes from the history store and gives back: which store, the trends for the
HTML report, and the record of the run (the baseline is its `last_passing` run).

Nothing is opened or written when no store is named, so a plain run never dirties a
checkout. Database libraries are imported only when a store is opened (`open_store`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from qualitygates.errors import UsageError
from qualitygates.history.interface import MetricSeries

if TYPE_CHECKING:
    from pathlib import Path

    from qualitygates.history.interface import HistoryStore
    from qualitygates.model import RunResult

#: The variable that names the store when `--history` does not.
HISTORY_ENV = "QUALITYGATES_HISTORY"
#: Earlier values of each metric drawn in a trend.
TREND_POINTS = 30


def history_target(
    option: str | None, policy_history: str | None = None, env: Mapping[str, str] | None = None
) -> str | None:
    """`--history`, else $QUALITYGATES_HISTORY, else the policy's `history:`.

    An empty `--history ""` or variable is a usage error, not "no store": a CI template's
    unset variable would otherwise turn every condition on history into a warning.
    """
    environ = os.environ if env is None else env
    if option is not None and not option.strip():
        raise UsageError("--history is empty: name a file path or a postgresql:// URL")
    from_env = environ.get(HISTORY_ENV)
    if option is None and from_env is not None and not from_env.strip():
        raise UsageError(
            f"${HISTORY_ENV} is set but empty: name a file path or a postgresql:// URL, or unset it"
        )
    return option or from_env or policy_history


def open_history(target: str | None, existing: bool = False) -> HistoryStore | None:
    """The store at `target`, opened (and migrated); None when no store is named. With
    `existing`, for the commands that only read, a SQLite file must already be there."""
    if target is None:
        return None
    from qualitygates.history.open import open_store

    return open_store(target, existing)


def trends_for(store: HistoryStore, result: RunResult) -> dict[str, list[float]]:
    """Each gated metric's values in earlier runs, oldest first, for the HTML trend chart."""
    trends: dict[str, list[float]] = {}
    for gate in result.gates:
        for check in gate.checks:
            for condition in check.conditions:
                key = f"{gate.id}.{check.id}.{condition.metric}"
                series = MetricSeries(gate.id, check.id, condition.metric)
                points = store.values(series, limit=TREND_POINTS)
                if points:  # never recorded before: no trend yet
                    trends[key] = [p.value for p in points if isinstance(p.value, (int, float))]
    return trends


def record_run(
    store: HistoryStore,
    result: RunResult,
    *,
    cwd: Path,
    policy_digest: str,
    secrets: frozenset[str],
    now: datetime | None = None,
    env: Mapping[str, str] | None = None,
) -> int:
    """Record `result` with this run's context (commit and branch from git in `cwd`, or the
    CI's variables in `env`), every secret value redacted."""
    from qualitygates.history.context import RunContext
    from qualitygates.redaction import redact

    context = RunContext.detect(
        env, cwd=cwd, policy_digest=f"sha256:{policy_digest}", recorded_at=now
    )
    return store.record(result, context, redact=lambda text: redact(text, secrets))
