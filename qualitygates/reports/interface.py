"""The reporter interface: render a RunResult into bytes, never judge it again.

A reporter gets the result and a `ReportContext`: what a report may show beyond the
result itself (where the repository is, where its browser is, earlier runs' values, and
how much a page for people may list). Every format, built-in or plugin, is rendered the
same way, through `render_report`.
"""

from __future__ import annotations

import abc
import inspect
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import ClassVar

from qualitygates.model import CheckResult, GateResult, MetricValue, RunResult, WaiverNote

#: Per gated metric ("gate.check.metric", as the history store names a series), its
#: values in earlier runs, oldest first.
Trends = Mapping[str, Sequence[MetricValue]]


@dataclass(frozen=True)
class ReportLimits:
    """How much a report for people may show; None keeps the reporter's own limit.

    Reports for programs (JSON, SARIF, JUnit, ...) always hold everything.
    """

    #: Finding rows at most (HTML: 5,000, beyond which a browser page gets slow).
    max_findings: int | None = None
    #: Rows of the Markdown report's "Top findings" table (10).
    top_findings: int | None = None
    #: Bytes at most (Markdown: 1,000,000, under GitHub's 1 MiB step-summary limit).
    max_bytes: int | None = None
    #: Characters at most (Markdown, `--markdown-limit`: a GitHub comment holds 65,536).
    max_chars: int | None = None


#: No limit beyond each reporter's own.
DEFAULT_LIMITS = ReportLimits()


@dataclass(frozen=True)
class ReportContext:
    """What a report may show besides the result; every field is optional."""

    #: The folder the result's relative paths are relative to (the policy's folder).
    root: Path | None = None
    #: A URL prefix a repository path is appended to, linking a finding to its line in the
    #: repository browser (`link_base_from_env` finds it on GitHub and GitLab).
    link_base: str | None = None
    #: Earlier runs' values of each gated metric (from the history store); HTML draws them.
    trends: Trends = field(default_factory=dict)
    limits: ReportLimits = DEFAULT_LIMITS


#: The context of a report rendered with nothing but its result.
NO_CONTEXT = ReportContext()


def link_base_from_env(env: Mapping[str, str]) -> str | None:
    """Where a repository path links to on GitHub or GitLab, from the CI's variables."""
    server, repo, sha = (
        env.get(k) for k in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_SHA")
    )
    if server and repo and sha:
        return f"{server.rstrip('/')}/{repo}/blob/{sha}/"
    project, commit = env.get("CI_PROJECT_URL"), env.get("CI_COMMIT_SHA")
    if project and commit:
        return f"{project.rstrip('/')}/-/blob/{commit}/"
    return None


def waiver_notes(result: RunResult) -> Iterator[tuple[GateResult, CheckResult, WaiverNote]]:
    """Every waiver the run reports on, with its gate and check, in policy order."""
    for gate in result.gates:
        for check in gate.checks:
            for note in check.waivers:
                yield gate, check, note


class Reporter(abc.ABC):
    """A report format; plugins register subclasses in `qualitygates.reporters`."""

    name: ClassVar[str]
    description: ClassVar[str] = ""

    @abc.abstractmethod
    def render(self, result: RunResult, context: ReportContext = NO_CONTEXT) -> bytes:
        """The whole report for `result`, shaped by `context`."""


def render_report(reporter: Reporter, result: RunResult, context: ReportContext) -> bytes:
    """`reporter.render(result, context)`; a plugin written for the one-argument
    `render(result)` of earlier versions still works, without the context."""
    if _takes_context(type(reporter)):
        return reporter.render(result, context)
    return reporter.render(result)


@lru_cache(maxsize=64)
def _takes_context(reporter_class: type[Reporter]) -> bool:
    """Whether `render` accepts a second positional argument (checked once per class)."""
    try:
        inspect.signature(reporter_class.render).bind(None, None, None)  # self, result, context
    except TypeError:
        return False
    except ValueError:  # no signature to inspect (a builtin): assume today's interface
        return True
    return True
