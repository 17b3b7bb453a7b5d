"""Reporters as a third party writes them: one for today's interface, one for the old
one-argument `render(result)`."""

from __future__ import annotations

from qualitygates.model import RunResult
from qualitygates.reports.interface import NO_CONTEXT, ReportContext, Reporter


class TeamsReporter(Reporter):
    """Shows what the context brought, so a test can see it arrived."""

    name = "teams"
    description = "a chat message (tests only)"

    def render(self, result: RunResult, context: ReportContext = NO_CONTEXT) -> bytes:
        return (
            f"teams: {result.status.value} link={context.link_base} root={context.root} "
            f"trends={sorted(context.trends)}\n"
        ).encode()


class LegacyReporter(Reporter):
    """Written for the one-argument `render(result)` of earlier versions."""

    name = "legacy"
    description = "an old plugin (tests only)"

    def render(self, result: RunResult) -> bytes:  # type: ignore[override]
        return f"legacy: {result.status.value}\n".encode()
