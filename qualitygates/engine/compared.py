"""What a run compares with: a baseline (a saved result, or the history store's last
passing run) and the windows of recent history its conditions read."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from qualitygates.engine.baseline import baseline_index
from qualitygates.engine.recent import read_recent, uses_history
from qualitygates.engine.runner import RunOptions
from qualitygates.errors import ReportError, UsageError
from qualitygates.model import CheckResult, Status

if TYPE_CHECKING:
    from qualitygates.history.interface import HistoryStore
    from qualitygates.policy.model import Policy


@dataclass(frozen=True)
class Baseline:
    """What a run compares with (`baseline` thresholds, `new.*` findings).

    `file`, a saved JSON result, must come from a run that passed unless `any_status`: a
    failing run as the bar would let a regression in. Without a file, and with a history
    store, the baseline is the store's last passing run of `branch`.
    """

    file: str | Path | None = None
    any_status: bool = False
    branch: str = "main"


def baseline_from_file(path: str | Path, any_status: bool = False) -> dict[str, CheckResult]:
    """The baseline's checks from a saved JSON result, which must come from a passing run
    unless `any_status`."""
    from qualitygates.result_io import read_result

    try:
        result = read_result(path)
    except ReportError as exc:
        raise UsageError(f"--baseline {exc}") from None
    if not any_status and result.status not in (Status.PASSED, Status.WARNED):
        raise UsageError(
            f"--baseline {os.fspath(path)} is the result of a run that did not pass (status "
            f"{result.status.value}): give a passing run's result, or add --baseline-any"
        )
    return baseline_index(result)


def compared_with(
    options: RunOptions,
    baseline: Baseline,
    store: HistoryStore | None,
    policy: Policy,
    commit_of: Callable[[], str | None] = lambda: None,
) -> RunOptions:
    """The options with their baseline and, with a store, the recent history the policy's
    conditions read (from the baseline branch, up to the run's time; `commit_of` gives this
    run's commit, asked only when a condition counts flaky tests)."""
    options = _with_baseline(options, baseline, store, policy.projects)
    if store is None or not uses_history(policy.gates):
        return options
    now = options.now or datetime.now(timezone.utc)
    recent = read_recent(store, policy.gates, baseline.branch, now, commit_of)
    return dataclasses.replace(options, recent=recent)


def _with_baseline(
    options: RunOptions,
    baseline: Baseline,
    store: HistoryStore | None,
    projects: tuple[str, ...] = (),
) -> RunOptions:
    """The options with their baseline: the file, else the options' own, else the store's.

    Over projects, each project's baseline is its own last passing run: one failing
    service does not keep the others from a baseline.
    """
    if baseline.file is not None:
        from_file = baseline_from_file(baseline.file, baseline.any_status)
        return dataclasses.replace(options, baseline=from_file)
    if options.baseline is not None or store is None:
        return options
    found: dict[str, CheckResult] | None = None
    for project in projects or (None,):
        previous = store.last_passing(baseline.branch, project=project)
        if previous is not None:
            prefix = f"{project}/" if project else ""
            index = baseline_index(previous).items()
            found = found or {}
            found.update((key, check) for key, check in index if key.startswith(prefix))
    return dataclasses.replace(options, baseline=found)
