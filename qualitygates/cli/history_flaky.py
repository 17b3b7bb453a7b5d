"""`qualitygates history flaky`: the tests that both passed and failed on one commit."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from qualitygates.cli.common import choice_option, config_option, fails_cleanly, parse_now
from qualitygates.cli.history import history_option, now_option, since_of, store_for
from qualitygates.cli.output import echo

if TYPE_CHECKING:
    from datetime import datetime

    from qualitygates.history.interface import FlakyTest

DEFAULT_SINCE = "30d"


@click.command()
@history_option
@config_option
@click.option(
    "--since",
    default=DEFAULT_SINCE,
    show_default=True,
    metavar="AGE|DATE",
    help="Only runs since then: 30d, 12h, or 2026-11-01.",
)
@click.option("--branch", help="Only runs of this branch.")
@click.option("--gate", help="Only tests of this gate.")
@click.option("--check", help="Only tests of this check.")
@choice_option("--format", "format_", ("text", "json"), "text: a table; json: a list of objects.")
@now_option
@fails_cleanly
def flaky(
    history: str | None,
    config: str,
    since: str,
    branch: str | None,
    gate: str | None,
    check: str | None,
    format_: str,
    now: str | None,
) -> None:
    """List the flaky tests: tests that both passed and failed on the same commit.

    A passing test is not recorded, so a pass is a run at that commit that read the
    test's report without error and did not report the test failing. Exits 0.
    """
    start, until = since_of(since, now), parse_now(now)
    with store_for(history, config) as store:
        found = store.flaky_tests(since=start, until=until, branch=branch, gate=gate, check=check)
    if format_ == "json":
        echo(_as_json(found, start))
        return
    from qualitygates.history.flaky_render import format_flaky

    scope = f"since {start:%Y-%m-%d %H:%M} UTC" if start else "recorded"
    echo(format_flaky(found, scope + (f" on {branch}" if branch else "")), nl=False)


def _as_json(found: list[FlakyTest], since: datetime | None) -> str:
    import json
    from dataclasses import asdict

    tests = [{**asdict(t), "last_failed": t.last_failed.isoformat()} for t in found]
    return json.dumps(
        {"since": since.isoformat() if since else None, "flaky_tests": tests},
        indent=2,
        ensure_ascii=False,
    )
