"""What the command line prints: the console summary, GitHub workflow annotations, and one
line per problem. Everything printed goes through `echo`, which redacts secrets and
sanitises (`qualitygates.sanitise`); the reports themselves are written by the API.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from qualitygates.model import RunResult

#: Prints a run's console summary, given the result and the secrets to hide.
ConsolePrinter = Callable[["RunResult", frozenset[str]], None]


def colour_wanted(choice: str, err: bool = False) -> bool:
    """Whether to colour: `--color always` or `never` as given; with `auto`, never when
    $NO_COLOR is set (no-color.org), always when $FORCE_COLOR is (force-color.org: a CI
    log that renders colour), else only on a terminal."""
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return (sys.stderr if err else sys.stdout).isatty()


def console_printer(quiet: bool, verbose: int, colour: bool, err: bool) -> ConsolePrinter:
    """The console summary's printer: on stdout, or stderr when a report takes stdout;
    coloured when `colour` (see `colour_wanted`)."""

    def show(result: RunResult, secrets: frozenset[str]) -> None:
        show_console(result, secrets, -1 if quiet else verbose, colour, err=err)

    return show


def show_console(
    result: RunResult, secrets: frozenset[str], verbosity: int, colour: bool, err: bool = False
) -> None:
    """The console summary, on stdout (or stderr, when a report takes stdout).

    Each value the console reporter lays out is redacted and cleaned (`clean_value`) first,
    so no value can start a line; `echo` then writes the text.
    """
    from qualitygates.reports.console import ansi, plain, render_console
    from qualitygates.sanitise import clean_value

    def shown(text: str) -> str:  # only what the console lays out is redacted and cleaned
        return clean_value(redact(text, secrets))

    text = render_console(result, verbosity, ansi if colour else plain, shown)
    echo(text, err=err, secrets=secrets, nl=False, colour=colour)


def show_annotations(result: RunResult, secrets: frozenset[str]) -> None:
    """On GitHub Actions, failed conditions and located findings as workflow commands."""
    if os.environ.get("GITHUB_ACTIONS") != "true":
        return
    from qualitygates.redaction import redact_result
    from qualitygates.reports.github import github_annotations

    for line in github_annotations(redact_result(result, secrets)):
        echo(line, secrets=secrets, commands=True)


def echo(
    text: str,
    *,
    err: bool = False,
    nl: bool = True,
    secrets: frozenset[str] = frozenset(),
    commands: bool = False,
    colour: bool = False,
) -> None:
    """Write to stdout (or stderr): the only place the CLI prints.

    Secrets (the given ones and the environment's) are redacted, then `for_log` makes
    controls visible and keeps report content from starting a CI workflow command.
    `commands` lets the first line be one of our own workflow commands (annotations).
    """
    from qualitygates.sanitise import for_log

    shown = for_log(redact(text, secrets | environment_secrets()), commands=commands, colour=colour)
    click.echo(shown, err=err, nl=nl, color=True if colour else None)  # kept when piped


def echo_error(message: str, secrets: frozenset[str] = frozenset()) -> None:
    """`error: MESSAGE` on stderr, on one line whatever the message holds."""
    from qualitygates.sanitise import clean_value

    echo(f"error: {clean_value(redact(message, secrets | environment_secrets()))}", err=True)


def redact(text: str, secrets: frozenset[str]) -> str:
    from qualitygates.redaction import redact as _redact

    return _redact(text, secrets)


def environment_secrets() -> frozenset[str]:
    """The values of this process's variables named like secrets (SONAR_TOKEN, ...)."""
    from qualitygates.policy.files import environment_secrets as _from

    return _from(os.environ)
