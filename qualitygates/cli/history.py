"""The commands that read the history store: `history`, `trend`, and `compare` (which finds
its runs there). Nothing is opened or written when no store is named."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

import click

from qualitygates.cli.common import config_option, fails_cleanly
from qualitygates.cli.group import LazyGroup
from qualitygates.cli.output import echo
from qualitygates.cli.params import Instant

if TYPE_CHECKING:
    from datetime import datetime

    from qualitygates.history import HistoryStore
    from qualitygates.model import RunResult

SHOWN_POINTS = 30  # values `trend` shows by default
MAX_LIMIT = 100_000  # runs listed at once; a larger number overflows the store's integers
HISTORY_COMMANDS: dict[str, str] = {
    "flaky": "history_flaky:flaky",
    "report": "history_report:report",
}


def store_for(history: str | None, config: str) -> HistoryStore:
    """The store named by --history, the environment or the policy (read without judging)."""
    from qualitygates.history.recording import HISTORY_ENV, history_target, open_history

    target = history_target(history)
    if target is None and os.path.exists(config):
        from qualitygates.policy import load_policy

        target = load_policy(config).history
    store = open_history(target, existing=True)
    if store is None:
        raise click.UsageError(
            f"name a history store: --history PATH|URL, ${HISTORY_ENV}, or history: in {config}"
        )
    return store


def since_of(value: str | None, now: str | None = None) -> datetime | None:
    """`--since`: an age before `--now` (default: this machine's clock), or a date."""
    if value is None:
        return None
    from datetime import datetime, timezone

    from qualitygates.cli.common import parse_now
    from qualitygates.durations import parse_duration, parse_instant

    try:
        return (parse_now(now) or datetime.now(timezone.utc)) - parse_duration(value)
    except ValueError as exc:
        as_age = str(exc)
    try:
        return parse_instant(value)
    except ValueError:
        text = value.strip()
        aged = text[:1].isdigit() and text[-1:].lower() in "smhdw"  # an age, just not a valid one
        why = as_age if aged else f"{value!r} is neither a duration (7d) nor a date"
        raise click.BadParameter(why, param_hint="--since") from None


now_option = click.option(
    "--now",
    type=Instant(),
    metavar="ISO-TIME",
    help="The time an age in --since counts back from (default: now), as run --now does.",
)

history_option = click.option(
    "--history",
    metavar="PATH|URL",
    help="The store (default: $QUALITYGATES_HISTORY, else the policy's history:).",
)


class _HistoryCommands(LazyGroup):
    #: `history SUBCOMMAND`: name -> "module:attribute" under qualitygates.cli
    lazy = HISTORY_COMMANDS


@click.group(name="history", cls=_HistoryCommands, invoke_without_command=True)
@history_option
@config_option
@click.option("--branch", help="Only runs of this branch.")
@click.option("--gate", help="Only runs that judged this gate (and --status is its status).")
@click.option(
    "--status",
    type=click.Choice(["passed", "warned", "failed", "error"]),
    help="Only runs with this status.",
)
@click.option("--since", metavar="AGE|DATE", help="Only runs since then: 7d, 12h, or 2026-11-01.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(min=1, max=MAX_LIMIT))
@click.pass_context
@fails_cleanly
def history_group(
    ctx: click.Context,
    history: str | None,
    config: str,
    branch: str | None,
    gate: str | None,
    status: str | None,
    since: str | None,
    limit: int,
) -> None:
    """List recorded runs, newest first (with a subcommand: that instead)."""
    if ctx.invoked_subcommand is not None:
        return
    from qualitygates.history import format_runs

    start = since_of(since)  # the command line first: a bad value opens no store
    with store_for(history, config) as store:
        runs = store.runs(branch=branch, gate=gate, status=status, since=start, limit=limit)
        echo(format_runs(runs), nl=False)


@click.command()
@click.argument("metric")
@history_option
@config_option
@click.option("--gate", help="The gate of the metric, when its name is not unique.")
@click.option("--check", help="The check of the metric, when its name is not unique.")
@click.option("--branch", help="Only runs of this branch.")
@click.option("--since", metavar="AGE|DATE", help="Only runs since then: 30d, or 2026-11-01.")
@click.option(
    "--limit", default=SHOWN_POINTS, show_default=True, type=click.IntRange(min=1, max=MAX_LIMIT)
)
@now_option
@fails_cleanly
def trend(
    metric: str,
    history: str | None,
    config: str,
    gate: str | None,
    check: str | None,
    branch: str | None,
    since: str | None,
    limit: int,
    now: str | None,
) -> None:
    """Show a metric over time, with a sparkline (METRIC: gate.check.metric or a unique name)."""
    from qualitygates.cli.common import parse_now
    from qualitygates.errors import HistoryError, UsageError
    from qualitygates.history import format_trend

    with store_for(history, config) as store:
        try:  # the name is the command line's: a typo or an ambiguous name is a usage error
            series = store.resolve_metric(metric, gate=gate, check=check)
        except HistoryError as exc:
            raise UsageError(str(exc)) from None
        until = parse_now(now)
        points = store.values(series, branch, since=since_of(since, now), until=until, limit=limit)
        echo(format_trend(series, points), nl=False)


@click.command()
@click.argument("before", metavar="BEFORE")
@click.argument("after", metavar="AFTER")
@click.option(
    "--markdown", "markdown_path", type=click.Path(dir_okay=False), help="Write the Markdown here."
)
@click.option(
    "--html", "html_path", type=click.Path(dir_okay=False), help="Write an HTML page here."
)
@click.option("--history", metavar="PATH|URL", help="The store to find run ids and branches in.")
@click.option(
    "-c", "--config", default="gates.yaml", show_default=True, help="The policy (for its history:)."
)
@fails_cleanly
def compare(
    before: str,
    after: str,
    markdown_path: str | None,
    html_path: str | None,
    history: str | None,
    config: str,
) -> None:
    """Validate a change: compare two runs, target by target.

    BEFORE and AFTER are saved JSON results, run ids of the history store (12 or #12), or
    branches (their latest recorded run). Exits 0 when every target is met, 1 otherwise.
    """
    from qualitygates.compare import Conclusion
    from qualitygates.compare import compare as compare_results
    from qualitygates.model import ExitCode
    from qualitygates.reports.comparison import comparison_html, comparison_markdown
    from qualitygates.reports.write import write_atomic

    comparison = compare_results(
        stored_result(before, history, config), stored_result(after, history, config)
    )
    for note in comparison.notes:
        echo(f"warning: {note}", err=True)
    markdown = comparison_markdown(comparison)
    if markdown_path:
        write_atomic(markdown_path, markdown)
    if html_path:
        write_atomic(html_path, comparison_html(comparison))
    echo(markdown.decode("utf-8"), nl=False)
    met = comparison.conclusion is Conclusion.SUCCESS
    sys.exit(ExitCode.PASSED if met else ExitCode.FAILED)


def stored_result(reference: str, history: str | None, config: str) -> RunResult:
    """A result by file path, by run id (#12 or 12) or by branch (its latest run) in the store."""
    from qualitygates.errors import ReportError, UsageError
    from qualitygates.history.recording import history_target
    from qualitygates.result_io import read_result

    if os.path.exists(reference):
        try:
            return read_result(reference)
        except ReportError as exc:
            raise UsageError(str(exc)) from None
    if history_target(history) is None and not os.path.exists(config):
        raise UsageError(
            f"{reference} is not a file, and no history store is named to look it up in"
        )
    with store_for(history, config) as store:
        if reference.lstrip("#").isdigit():
            return store.get(int(reference.lstrip("#")))
        latest = store.runs(branch=reference, limit=1)
        if not latest:
            raise ReportError(
                f"{reference} is neither a file, a run id, nor a branch with recorded runs"
            )
        return store.get(latest[0].run_id)
