"""What the CLI writes: the console, report files, the GitHub job summary and workflow
annotations. Secrets are redacted on the raw values before any format escapes them, and
everything printed goes through `echo`, which redacts again and sanitises
(`qualitygates.sanitise`)."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from qualitygates.model import RunResult

from qualitygates.errors import ReportError

#: The report flags of `run`, in the order they are documented.
REPORT_FORMATS: dict[str, str] = {
    "junit": "JUnit XML: one test suite per gate, one test case per condition.",
    "json": "The whole result as JSON (qualitygates/result/v1).",
    "markdown": "A Markdown summary for pull requests.",
    "html": "One self-contained HTML page for release managers.",
    "sarif": "Every finding as SARIF 2.1.0, for code scanning.",
    "codequality": "Findings as a GitLab Code Quality report.",
    "metrics": "Gate statuses and metrics in the Prometheus text format.",
}
F = TypeVar("F", bound=Callable[..., Any])
History = Mapping[str, Sequence[float]]


def report_options(func: F) -> F:
    """Add `--junit PATH`, `--json PATH`, ... to a command, as `<format>_report` arguments."""
    for name, help_text in reversed(REPORT_FORMATS.items()):
        func = click.option(
            f"--{name}",
            f"{name}_report",
            type=click.Path(dir_okay=False),
            metavar="PATH",
            help=help_text,
        )(func)
    return func


def reports_from(kwargs: Mapping[str, Any]) -> dict[str, str]:
    """The report flags that were given, as {format: path}."""
    return {
        name: kwargs[f"{name}_report"] for name in REPORT_FORMATS if kwargs.get(f"{name}_report")
    }


def render(
    name: str, result: RunResult, env: Mapping[str, str], history: History | None = None
) -> bytes:
    """One report; the Markdown links locations to the CI's repository browser."""
    from qualitygates.plugins import reporter_registry

    if name == "markdown":
        from qualitygates.reports.markdown_report import MarkdownReporter, link_base_from_env

        return MarkdownReporter(link_base=link_base_from_env(env)).render(result)
    if name == "html":
        from qualitygates.reports.html_report import HtmlReporter

        return HtmlReporter().render(result, history=history)
    reporter = reporter_registry().load(name)()
    data: bytes = reporter.render(result)
    return data


def write_reports(
    result: RunResult,
    paths: Mapping[str, str],
    secrets: frozenset[str],
    env: Mapping[str, str],
    history: History | None = None,
) -> list[str]:
    """Write every requested report atomically, secrets redacted; return what failed.

    Secrets are redacted on the raw values first, then each format escapes what is left,
    then the rendered bytes are searched once more. Each report is tried, so one
    unwritable path costs only its own report.
    """
    from qualitygates.reports.write import write_atomic

    if not paths:
        return []
    safe = redact_result(result, secrets)
    failures: list[str] = []
    for name, path in paths.items():
        try:
            write_atomic(path, redact_bytes(render(name, safe, env, history), secrets))
        except ReportError as exc:
            failures.append(str(exc))
    return failures


def publish_to_ci(result: RunResult, secrets: frozenset[str], env: Mapping[str, str]) -> None:
    """On GitHub Actions: the Markdown summary appended to the job summary, and annotations."""
    from qualitygates.sanitise import clean_result

    summary = env.get("GITHUB_STEP_SUMMARY")
    on_github = env.get("GITHUB_ACTIONS") == "true"
    if not summary and not on_github:
        return
    safe = redact_result(result, secrets)
    if summary:
        shown = clean_result(safe, keep_newlines=True)  # no bidi or control reaches the page
        data = redact_bytes(render("markdown", shown, env), secrets)
        try:  # appended, never replaced: other steps write to the same file
            with Path(summary).open("ab") as handle:
                handle.write(b"\n" + data)
        except OSError as exc:
            raise ReportError(
                f"cannot append to $GITHUB_STEP_SUMMARY ({summary}): {exc.strerror}"
            ) from exc
    if on_github:
        from qualitygates.reports.github import github_annotations

        for line in github_annotations(safe):
            echo(line, secrets=secrets, commands=True)


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
    click.echo(shown, err=err, nl=nl)


def echo_error(message: str, secrets: frozenset[str] = frozenset()) -> None:
    """`error: MESSAGE` on stderr, on one line whatever the message holds."""
    from qualitygates.sanitise import clean_value

    echo(f"error: {clean_value(redact(message, secrets | environment_secrets()))}", err=True)


def redact(text: str, secrets: frozenset[str]) -> str:
    from qualitygates.redaction import redact as _redact

    return _redact(text, secrets)


def redact_bytes(data: bytes, secrets: frozenset[str]) -> bytes:
    if not secrets:
        return data
    return redact(data.decode("utf-8"), secrets).encode("utf-8")


def redact_result(result: RunResult, secrets: frozenset[str]) -> RunResult:
    from qualitygates.redaction import redact_result as _redact_result

    return _redact_result(result, secrets)


def environment_secrets() -> frozenset[str]:
    """The values of this process's variables named like secrets (SONAR_TOKEN, ...)."""
    from qualitygates.policy.files import environment_secrets as _from

    return _from(os.environ)


def environment() -> dict[str, str]:
    return dict(os.environ)
