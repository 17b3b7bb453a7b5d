"""The history store in the CLI: which store, baselines and trends from it, recording a run,
and the `history` and `trend` commands. Nothing is opened or written when no store is named,
so a plain run never dirties a checkout."""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from qualitygates.model import RunResult

from qualitygates.cli import _fails_cleanly, cli
from qualitygates.cli_output import echo

HISTORY_ENV = "QUALITYGATES_HISTORY"
TREND_POINTS = 30
MAX_LIMIT = 100_000  # runs listed at once; a larger number overflows the store's integers


def history_target(option: str | None, policy_history: str | None = None) -> str | None:
    """`--history`, else $QUALITYGATES_HISTORY, else the policy's `history:`."""
    return option or os.environ.get(HISTORY_ENV) or policy_history


def judge(
    policy: Any,
    options: Any,
    target: str | None,
    baseline_file: tuple[str | None, bool],
    baseline_branch: str,
) -> tuple[RunResult, dict[str, list[float]] | None]:
    """Run the policy against the chosen baseline, recording the run when a store is named.

    The baseline is `--baseline FILE` (with whether a run that did not pass is accepted),
    else the store's last passing run of `baseline_branch`. Returns the result and, with a
    store, the trends for the HTML report.
    """
    import dataclasses

    from qualitygates.engine import run

    store = open_history(target)
    try:
        if baseline_file[0] is not None:
            baseline = baseline_from_file(baseline_file[0], baseline_file[1])
            options = dataclasses.replace(options, baseline=baseline)
        elif store is not None:
            options = dataclasses.replace(
                options, baseline=baseline_from_store(store, baseline_branch)
            )
        result = run(policy, options)
        if store is None:
            return result, None
        trends = trends_for(store, result)
        record_run(store, result, policy, options.now)
        return result, trends
    finally:
        if store is not None:
            store.close()


def baseline_from_file(path: str, any_status: bool = False) -> Any:
    """The baseline's checks from a saved JSON result (`--baseline`), which must come from
    a passing run unless `any_status`: a failing run as the bar would let a regression in."""
    from qualitygates.engine.baseline import baseline_index
    from qualitygates.errors import ReportError, UsageError
    from qualitygates.model import Status
    from qualitygates.result_io import read_result

    try:
        result = read_result(path)
    except ReportError as exc:
        raise UsageError(f"--baseline {exc}") from None
    if not any_status and result.status not in (Status.PASSED, Status.WARNED):
        raise UsageError(
            f"--baseline {path} is the result of a run that did not pass (status "
            f"{result.status.value}): give a passing run's result, or add --baseline-any"
        )
    return baseline_index(result)


def open_history(target: str | None) -> Any:
    if target is None:
        return None
    from qualitygates.history import open_store

    return open_store(target)


def baseline_from_store(store: Any, branch: str) -> Any:
    """The checks of the last passing run on `branch`, or None when there is none."""
    from qualitygates.engine.baseline import baseline_index

    previous = store.last_passing(branch)
    return baseline_index(previous) if previous is not None else None


def trends_for(store: Any, result: RunResult) -> dict[str, list[float]]:
    """Each gated metric's values in earlier runs, oldest first, for the HTML trend chart."""
    from qualitygates.history import HistoryError

    trends: dict[str, list[float]] = {}
    for gate in result.gates:
        for check in gate.checks:
            for condition in check.conditions:
                key = f"{gate.id}.{check.id}.{condition.metric}"
                try:
                    points = store.trend(
                        condition.metric, gate=gate.id, check=check.id, limit=TREND_POINTS
                    )
                except HistoryError:  # never recorded before: no trend yet
                    continue
                trends[key] = [p.value for p in points if isinstance(p.value, (int, float))]
    return trends


def record_run(store: Any, result: RunResult, policy: Any, now: datetime | None) -> int:
    from qualitygates.history import RunContext
    from qualitygates.reports.write import redact

    context = RunContext.detect(
        cwd=policy.base_dir, policy_digest=f"sha256:{policy.digest}", recorded_at=now
    )
    run_id: int = store.record(result, context, redact=lambda text: redact(text, policy.secrets))
    return run_id


def _store_for(history: str | None, config: str) -> Any:
    """The store named by --history, the environment or the policy (read without judging)."""
    target = history_target(history)
    if target is None and os.path.exists(config):
        from qualitygates.policy import load_policy

        target = load_policy(config).history
    if target is None:
        raise click.UsageError(
            f"name a history store: --history PATH|URL, ${HISTORY_ENV}, or history: in {config}"
        )
    return open_history(target)


def _since(value: str | None) -> datetime | None:
    if value is None:
        return None
    from datetime import timezone

    from qualitygates.durations import parse_duration, parse_instant

    try:
        return datetime.now(timezone.utc) - parse_duration(value)
    except ValueError:
        pass
    try:
        return parse_instant(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is neither a duration (7d) nor a date", param_hint="--since"
        ) from None


_history_option = click.option(
    "--history", metavar="PATH|URL", help="The store (default: $QUALITYGATES_HISTORY)."
)
_config_option = click.option(
    "-c", "--config", default="gates.yaml", show_default=True, help="The policy file."
)


@cli.command(name="history")
@_history_option
@_config_option
@click.option("--branch", help="Only runs of this branch.")
@click.option("--gate", help="Only runs that judged this gate (and --status is its status).")
@click.option(
    "--status",
    type=click.Choice(["passed", "warned", "failed", "error"]),
    help="Only runs with this status.",
)
@click.option("--since", metavar="AGE|DATE", help="Only runs since then: 7d, 12h, or 2026-11-01.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(min=1, max=MAX_LIMIT))
@_fails_cleanly
def history_command(
    history: str | None,
    config: str,
    branch: str | None,
    gate: str | None,
    status: str | None,
    since: str | None,
    limit: int,
) -> None:
    """List recorded runs, newest first."""
    from qualitygates.history import format_runs

    with _store_for(history, config) as store:
        runs = store.runs(branch=branch, gate=gate, status=status, since=_since(since), limit=limit)
        echo(format_runs(runs), nl=False)


@cli.command()
@click.argument("metric")
@_history_option
@_config_option
@click.option("--gate", help="The gate of the metric, when its name is not unique.")
@click.option("--check", help="The check of the metric, when its name is not unique.")
@click.option("--branch", help="Only runs of this branch.")
@click.option("--since", metavar="AGE|DATE", help="Only runs since then: 30d, or 2026-11-01.")
@click.option(
    "--limit", default=TREND_POINTS, show_default=True, type=click.IntRange(min=1, max=MAX_LIMIT)
)
@_fails_cleanly
def trend(
    metric: str,
    history: str | None,
    config: str,
    gate: str | None,
    check: str | None,
    branch: str | None,
    since: str | None,
    limit: int,
) -> None:
    """Show a metric over time, with a sparkline (METRIC: gate.check.metric or a unique name)."""
    from qualitygates.history import format_trend

    with _store_for(history, config) as store:
        series = store.resolve_metric(metric, gate=gate, check=check)
        points = store.trend(
            metric, gate=gate, check=check, branch=branch, since=_since(since), limit=limit
        )
        echo(format_trend(series, points), nl=False)


def stored_result(reference: str, history: str | None, config: str) -> RunResult:
    """A result by file path, by run id (#12 or 12) or by branch (its latest run) in the store."""
    from qualitygates.errors import ReportError, UsageError
    from qualitygates.result_io import read_result

    if os.path.exists(reference):
        try:
            return read_result(reference)
        except ReportError as exc:
            raise UsageError(str(exc)) from None
    target = history_target(history)
    if target is None and not os.path.exists(config):
        raise UsageError(
            f"{reference} is not a file, and no history store is named to look it up in"
        )
    with _store_for(history, config) as store:
        if reference.lstrip("#").isdigit():
            result: RunResult = store.get(int(reference.lstrip("#")))
            return result
        latest: Sequence[Any] = store.runs(branch=reference, limit=1)
        if not latest:
            raise ReportError(
                f"{reference} is neither a file, a run id, nor a branch with recorded runs"
            )
        found: RunResult = store.get(latest[0].run_id)
        return found
