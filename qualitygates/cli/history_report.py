"""`qualitygates history report`: a period's runs, pass rates, moved metrics and failing
conditions, in Markdown (and HTML)."""

from __future__ import annotations

import click

from qualitygates.cli.common import config_option, fails_cleanly
from qualitygates.cli.history import history_option, store_for
from qualitygates.cli.output import echo


def _period(_ctx: click.Context, _param: click.Parameter, value: str) -> object:
    from qualitygates.history.period import parse_period

    try:
        return parse_period(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@click.command()
@click.option(
    "--period",
    required=True,
    callback=_period,
    metavar="PERIOD",
    help="A month (2026-11), a quarter (2026-Q4) or a year (2026), in UTC.",
)
@click.option(
    "--markdown", "markdown_path", type=click.Path(dir_okay=False), help="Write the Markdown here."
)
@click.option(
    "--html", "html_path", type=click.Path(dir_okay=False), help="Write an HTML page here."
)
@click.option("--branch", help="Only runs of this branch.")
@history_option
@config_option
@fails_cleanly
def report(
    period: object,
    markdown_path: str | None,
    html_path: str | None,
    branch: str | None,
    history: str | None,
    config: str,
) -> None:
    """Write the history report of a period: runs by status, pass rate per gate, the
    metrics that moved most and the conditions that failed most.

    The Markdown goes to standard output unless --markdown names a file. Exits 0, also
    when no run was recorded in the period (the report says so).
    """
    from qualitygates.history.monthly_render import report_html, report_markdown
    from qualitygates.history.period import Period
    from qualitygates.reports.write import write_atomic

    assert isinstance(period, Period)  # made by `_period`
    with store_for(history, config) as store:
        gathered = store.period_report(period, branch=branch)
    markdown = report_markdown(gathered)
    if html_path:
        write_atomic(html_path, report_html(gathered).encode("utf-8"))
    if markdown_path:
        write_atomic(markdown_path, markdown.encode("utf-8"))
    else:
        echo(markdown, nl=False)
