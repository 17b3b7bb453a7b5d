"""Publishing a result: every report format rendered the same way, written atomically with
secrets redacted, and the Markdown summary appended to GitHub's job summary.

Secrets are redacted on the raw values first, then each format escapes what is left, then
the rendered bytes are searched once more (`qualitygates.redaction`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path

from qualitygates.errors import ReportError, UsageError
from qualitygates.formatting import suggest
from qualitygates.model import RunResult
from qualitygates.plugins import Registry, reporter_registry
from qualitygates.redaction import redact, redact_result
from qualitygates.reports.interface import ReportContext, render_report

#: A report to write: its format's name and its path (`-` is standard output).
Target = tuple[str, str]
#: Report targets as a caller gives them: {format: path}, or (format, path) pairs.
Targets = Mapping[str, str | os.PathLike[str]] | Iterable[tuple[str, str | os.PathLike[str]]]
STDOUT = "-"


def report_targets(targets: Targets, registry: Registry | None = None) -> list[Target]:
    """The targets as (format, path) pairs, refused (UsageError) before anything runs when
    a format is unknown or more than one report would go to standard output."""
    pairs = list(targets.items()) if isinstance(targets, Mapping) else list(targets)
    checked = [(name, os.fspath(path)) for name, path in pairs]
    known = registry or reporter_registry()
    for name, _ in checked:
        check_format(name, known)
    if [path for _, path in checked].count(STDOUT) > 1:  # two reports on one stream read as neither
        raise UsageError("only one report can go to standard output ('-'); give the others a file")
    return checked


def check_format(name: str, registry: Registry | None = None) -> None:
    """UsageError when no reporter is registered as `name` (see `format_problem`)."""
    problem = format_problem(name, registry)
    if problem is not None:
        raise UsageError(problem)


def format_problem(name: str, registry: Registry | None = None) -> str | None:
    """Why there is no report format `name`, with a "did you mean"; None when there is."""
    known = registry or reporter_registry()
    if name in known:
        return None
    hint = suggest(name, known.names()) or f" (known: {', '.join(known.names())})"
    return f"unknown format {name!r}{hint}"


def render_format(
    name: str, result: RunResult, context: ReportContext, registry: Registry | None = None
) -> bytes:
    """The report of format `name` (built-in or plugin) for `result`."""
    reporter = (registry or reporter_registry()).load(name)()
    return render_report(reporter, result, context)


def write_reports(
    result: RunResult,
    targets: Iterable[Target],
    secrets: frozenset[str],
    context: ReportContext,
    registry: Registry | None = None,
) -> list[str]:
    """Write every report atomically, secrets redacted; return what could not be written.

    Each report is tried, so one unwritable path costs only its own report; a format
    asked for twice is rendered once.
    """
    targets = list(targets)
    if not targets:  # redacting a large result costs time: only for a report
        return []
    from qualitygates.reports.write import write_atomic  # tempfile: only to write one

    safe = redact_result(result, secrets)
    registry = registry or reporter_registry()  # entry points are read once
    rendered: dict[str, bytes] = {}
    failures: list[str] = []
    for name, path in targets:
        try:
            if name not in rendered:
                rendered[name] = redact_bytes(render_format(name, safe, context, registry), secrets)
            write_atomic(path, rendered[name])
        except ReportError as exc:
            failures.append(str(exc))
    return failures


def writes_step_summary(env: Mapping[str, str]) -> bool:
    """Whether a run in this environment appends its Markdown to GitHub's job summary."""
    return bool(env.get("GITHUB_STEP_SUMMARY"))


def append_step_summary(
    result: RunResult, secrets: frozenset[str], env: Mapping[str, str], context: ReportContext
) -> None:
    """On GitHub Actions, the Markdown report appended to $GITHUB_STEP_SUMMARY (when set)."""
    from qualitygates.sanitise import clean_result

    if not writes_step_summary(env):
        return
    summary = env["GITHUB_STEP_SUMMARY"]
    shown = clean_result(redact_result(result, secrets), keep_newlines=True)  # no bidi or control
    summary_context = replace(context, limits=replace(context.limits, max_chars=None))  # 1 MiB
    data = redact_bytes(render_format("markdown", shown, summary_context), secrets)
    try:  # appended, never replaced: other steps write to the same file
        with Path(summary).open("ab") as handle:
            handle.write(b"\n" + data)
    except OSError as exc:
        raise ReportError(
            f"cannot append to $GITHUB_STEP_SUMMARY ({summary}): {exc.strerror}"
        ) from exc


def redact_bytes(data: bytes, secrets: frozenset[str]) -> bytes:
    """Rendered bytes with every secret, however escaped, replaced."""
    if not secrets:
        return data
    return redact(data.decode("utf-8"), secrets).encode("utf-8")
