"""GitHub Actions annotations: failed conditions and located findings as workflow commands.

When `GITHUB_ACTIONS=true` the CLI prints these lines; GitHub turns them into annotations
on the run and, for lines that name a file, on the pull request's diff
(docs.github.com, "Workflow commands for GitHub Actions"). GitHub shows at most 10 errors
and 10 warnings per step and 50 per job, so the list is capped, most severe first, and a
last notice says how many were left out. Values are escaped as `@actions/core` does:
`%`, CR and LF in the message; those and `:` and `,` in properties. Before that, every
control and invisible character of report content is made visible
(`qualitygates.sanitise.clean_value`), so no value can end a command early, start another
one or hide what it says.
"""

from __future__ import annotations

from dataclasses import dataclass

from qualitygates.model import CheckResult, Finding, GateResult, RunResult, Severity, Status
from qualitygates.sanitise import clean_value

MAX_ANNOTATIONS = 50
MAX_MESSAGE = 1000  # characters; the reports have the full text

_FINDING_LEVELS = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.UNKNOWN: "warning",
    Severity.LOW: "notice",
    Severity.INFO: "notice",
}
_LEVEL_RANK = {"error": 2, "warning": 1, "notice": 0}


@dataclass(frozen=True)
class Annotation:
    """One workflow command before it is written out."""

    level: str  # error | warning | notice
    title: str
    message: str
    file: str | None = None
    line: int | None = None
    rank: int = 0  # orders annotations of the same level: the most severe first
    column: int | None = None

    def command(self) -> str:
        props = [f"file={escape_property(self.file)}"] if self.file else []
        if self.file and self.line and self.line > 0:
            props.append(f"line={self.line}")
            if self.column and self.column > 0:
                props.append(f"col={self.column}")
        props.append(f"title={escape_property(self.title)}")
        return f"::{self.level} {','.join(props)}::{escape_data(_shorten(self.message))}"


def escape_data(text: str) -> str:
    """A message as a workflow command carries it: on one line, controls made visible."""
    text = clean_value(text, keep_newlines=True)
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value (file, title) as a workflow command carries it."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotations(result: RunResult, limit: int = MAX_ANNOTATIONS) -> list[str]:
    """The workflow-command lines for `result`, at most `limit` plus a note of the rest."""
    annotations = [a for g in result.gates for c in g.checks for a in _for_check(g, c)]
    annotations.sort(key=lambda a: (-_LEVEL_RANK[a.level], -a.rank))
    lines = [a.command() for a in annotations[:limit]]
    if len(annotations) > limit:
        rest = len(annotations) - limit
        lines.append(
            f"::notice title=qualitygates::{rest} more annotations are not shown;"
            " the reports (--json, --sarif, --markdown) list everything"
        )
    return lines


def _for_check(gate: GateResult, check: CheckResult) -> list[Annotation]:
    title = f"{gate.name}: {check.name or check.id}"
    blocking = gate.blocking and check.blocking
    out: list[Annotation] = []
    if check.status is Status.ERROR and check.error:
        level = "error" if blocking else "warning"
        out.append(Annotation(level, title, f"could not be evaluated: {check.error}", rank=100))
    for condition in check.conditions:
        if condition.status is Status.FAILED:
            level = "error" if blocking else "warning"
            out.append(Annotation(level, title, condition.message, rank=90))
        elif condition.status is Status.WARNED:
            out.append(Annotation("warning", title, condition.message, rank=90))
    out.extend(_finding(gate, check, f) for f in check.findings if _annotated(f))
    return out


def _annotated(finding: Finding) -> bool:
    return not finding.waived and bool(finding.location.path)


def _finding(gate: GateResult, check: CheckResult, finding: Finding) -> Annotation:
    return Annotation(
        _FINDING_LEVELS[finding.severity],
        f"{finding.tool} {finding.id} ({finding.severity.value})",
        finding.message or finding.id,
        file=(finding.location.path or "").replace("\\", "/").removeprefix("./"),
        line=finding.location.line,
        rank=finding.severity.rank,
        column=finding.location.column,
    )


def _shorten(text: str) -> str:
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"
