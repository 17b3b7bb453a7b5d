"""What the CLI writes besides the console: report files, the GitHub job summary and
workflow annotations. Every byte goes through the secret redaction first."""

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

    Each is tried, so one unwritable path costs only its own report.
    """
    from qualitygates.reports.write import write_atomic

    failures: list[str] = []
    for name, path in paths.items():
        try:
            write_atomic(path, redact_bytes(render(name, result, env, history), secrets))
        except ReportError as exc:
            failures.append(str(exc))
    return failures


def publish_to_ci(result: RunResult, secrets: frozenset[str], env: Mapping[str, str]) -> None:
    """On GitHub Actions: the Markdown summary appended to the job summary, and annotations."""
    summary = env.get("GITHUB_STEP_SUMMARY")
    if summary:
        data = redact_bytes(render("markdown", result, env), secrets)
        try:  # appended, never replaced: other steps write to the same file
            with Path(summary).open("ab") as handle:
                handle.write(b"\n" + data)
        except OSError as exc:
            raise ReportError(
                f"cannot append to $GITHUB_STEP_SUMMARY ({summary}): {exc.strerror}"
            ) from exc
    if env.get("GITHUB_ACTIONS") == "true":
        from qualitygates.reports.github import github_annotations

        for line in github_annotations(result):
            click.echo(redact(line, secrets))


def redact(text: str, secrets: frozenset[str]) -> str:
    from qualitygates.reports.write import redact as _redact

    return _redact(text, secrets)


def redact_bytes(data: bytes, secrets: frozenset[str]) -> bytes:
    if not secrets:
        return data
    return redact(data.decode("utf-8"), secrets).encode("utf-8")


def environment() -> dict[str, str]:
    return dict(os.environ)
