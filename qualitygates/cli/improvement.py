"""`qualitygates improvement`: the improvement registry (improvements.yaml beside the policy),
judged on the runs of the history store: `validate ID`, `list`, `report --period`."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import wraps
from typing import TYPE_CHECKING, Any

import click

from qualitygates.cli.common import config_option, fails_cleanly, parse_now
from qualitygates.cli.output import echo
from qualitygates.cli.params import Instant

if TYPE_CHECKING:
    from collections.abc import Callable

    from qualitygates.history import HistoryStore
    from qualitygates.history.improvements import Improvement


@click.group(name="improvement")
def improvement_group() -> None:
    """Validate improvements (improvements.yaml) on the runs recorded before and after them."""


@dataclass(frozen=True)
class _Sources:
    """Where the registry and the runs are, and the time to judge at: --file, --history,
    -c and --now."""

    registry: str | None
    history: str | None
    config: str
    now: datetime

    def improvements(self) -> list[Improvement]:
        from qualitygates.policy.improvements import load_improvements

        return list(load_improvements(self.registry_path))

    @property
    def registry_path(self) -> str:
        from qualitygates.policy.improvements import registry_path

        return str(registry_path(self.config, self.registry))

    def find(self, wanted: str) -> Improvement:
        """The improvement `wanted` names; UsageError (exit 2) with a did-you-mean when none."""
        from qualitygates.errors import UsageError
        from qualitygates.formatting import suggest

        improvements = self.improvements()
        for improvement in improvements:
            if improvement.id == wanted.strip():
                return improvement
        known = [i.id for i in improvements]
        hint = suggest(wanted, known) or f" (known: {', '.join(known[:8])})"
        raise UsageError(f"there is no improvement {wanted!r} in {self.registry_path}{hint}")

    def store(self) -> HistoryStore:
        from qualitygates.cli.history import store_for  # the store `history` and `trend` read

        return store_for(self.history, self.config)


@dataclass(frozen=True)
class _Outputs:
    """The reports --markdown and --html ask for, besides standard output."""

    markdown: str | None
    html: str | None

    def write(self, markdown: bytes, page: Callable[[], bytes]) -> None:
        """Write each report asked for, atomically (the page is made only when asked for),
        then print the Markdown."""
        from qualitygates.reports.write import write_atomic

        if self.markdown:
            write_atomic(self.markdown, markdown)
        if self.html:
            write_atomic(self.html, page())
        echo(markdown.decode("utf-8"), nl=False)


def _reading(func: Callable[..., None]) -> Callable[..., None]:
    """Add --file, --history, -c and --now; the command takes them as `sources`."""

    @wraps(func)
    def command(registry: str | None, history: str | None, config: str, now: str | None,
                **rest: Any) -> None:  # fmt: skip
        moment = parse_now(now) or datetime.now(timezone.utc)
        func(sources=_Sources(registry, history, config, moment), **rest)

    options = (
        click.option("--file", "registry", metavar="PATH",
                     help="The improvement registry (default: improvements.yaml beside the policy)."),
        click.option("--history", metavar="PATH|URL",
                     help="The store (default: $QUALITYGATES_HISTORY, else the policy's history:)."),
        config_option,
        click.option("--now", type=Instant(), metavar="ISO-TIME",
                     help="Judge as of this time (default: now)."),
    )  # fmt: skip
    for option in reversed(options):
        command = option(command)
    return command


def _writing(func: Callable[..., None]) -> Callable[..., None]:
    """Add --markdown and --html; the command takes them as `outputs`."""

    @wraps(func)
    def command(markdown: str | None, html: str | None, **rest: Any) -> None:
        func(outputs=_Outputs(markdown, html), **rest)

    path = click.Path(dir_okay=False)
    command = click.option("--html", type=path, help="Write an HTML page here.")(command)
    return click.option("--markdown", type=path, help="Write the Markdown here.")(command)


@improvement_group.command(name="validate")
@click.argument("improvement_id", metavar="ID")
@_reading
@_writing
@fails_cleanly
def validate_command(improvement_id: str, sources: _Sources, outputs: _Outputs) -> None:
    """Compare the runs before an improvement's start with those after its end.

    Medians, spreads (MAD) and the Mann-Whitney U test, metric by metric, then the
    conclusion. Exits 0 on success, 1 on partial or failure, 2 for a bad registry or an
    unknown ID, 3 when it cannot be evaluated (no runs before or after, unknown metric).
    """
    from qualitygates.compare import Conclusion
    from qualitygates.history.improvement_validation import validate
    from qualitygates.reports.improvement_report import validation_html, validation_markdown

    improvement = sources.find(improvement_id)
    with sources.store() as store:
        validation = validate(store, improvement, sources.now)
    title = f"{improvement.id}: {validation.conclusion.value}"
    outputs.write(validation_markdown(validation), lambda: validation_html(title, [validation]))
    sys.exit(0 if validation.conclusion is Conclusion.SUCCESS else 1)


@improvement_group.command(name="list")
@_reading
@fails_cleanly
def list_command(sources: _Sources) -> None:
    """One line per improvement: id, state, days, owner, title, and for one that ended
    (with a history store named) its measured change and conclusion."""
    from qualitygates.history.improvement_list import format_improvements
    from qualitygates.history.improvement_validation import assess

    improvements = sources.improvements()
    try:
        store = sources.store()
    except click.UsageError:  # no store named: the list says what is planned, nothing measured
        echo(format_improvements(improvements, {}, sources.now), nl=False)
        return
    with store:
        ended = [imp for imp in improvements if imp.state(sources.now) == "ended"]
        outcomes = {imp.id: assess(store, imp, sources.now) for imp in ended}
    echo(format_improvements(improvements, outcomes, sources.now), nl=False)


@improvement_group.command(name="report")
@click.option(
    "--period", required=True, metavar="PERIOD",
    help="A year, quarter or month: 2026, 2026-Q4, 2026-11.",
)  # fmt: skip
@_reading
@_writing
@fails_cleanly
def report_command(period: str, sources: _Sources, outputs: _Outputs) -> None:
    """The improvements whose work ended in PERIOD, each validated, with a summary line."""
    from qualitygates.history.improvement_validation import assess
    from qualitygates.history.improvements import parse_period
    from qualitygates.reports.improvement_report import period_markdown, tally, validation_html

    try:
        chosen = parse_period(period)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--period") from None
    improvements = [imp for imp in sources.improvements() if imp.end in chosen]
    with sources.store() as store:
        outcomes = [assess(store, imp, sources.now) for imp in improvements]
    title = f"Improvements ended in {chosen.label}"
    outputs.write(
        period_markdown(chosen.label, outcomes),
        lambda: validation_html(title, outcomes, tally(outcomes)),
    )
