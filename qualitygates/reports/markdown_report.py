"""The Markdown report: the summary a person reads in a pull request or a CI job summary.

A verdict line, then a table per gate, failing gates first and passing ones folded
(condition, actual, threshold, status, and the reason of anything that could not be
evaluated), the most severe findings with links to their lines, the waivers (applied,
expiring, expired, unused), and every other finding folded into `<details>`. GitHub refuses
a step summary over 1 MiB (docs.github.com, "Adding a job summary"), so the report stays
under `max_bytes` however many findings there are: rows that do not fit are counted in a
note instead. With a character limit (`max_chars`: a pull-request comment holds 65,536),
findings are cut first, then the rows of conditions that passed, and the report says what
was cut.

Everything that comes from a tool is escaped: a message cannot break a table (`|`), inject
HTML, or mention people (`@name`) when the summary is posted as a comment.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from urllib.parse import quote

from qualitygates.formatting import format_value, honest_pair
from qualitygates.model import CheckResult, ConditionResult, Finding, GateResult, RunResult, Status
from qualitygates.reports.console import projects_line, total_line
from qualitygates.reports.interface import (
    NO_CONTEXT,
    ReportContext,
    Reporter,
    link_base_from_env,
    waiver_notes,
)
from qualitygates.reports.markdown_text import ICONS, SEVERITY_ICONS, code, escape

# link_base_from_env lives in the interface now; it stays importable from here.
__all__ = ["MarkdownReporter", "code", "escape", "link_base_from_env"]

MAX_BYTES = 1_000_000  # GitHub's step-summary limit is 1 MiB (1,048,576 bytes)
TOP_FINDINGS = 10
_RESERVE = 600  # bytes kept for the closing tags and the truncation note
_Item = tuple[GateResult, CheckResult, Finding]
#: How much a gate's status asks for attention: the order gates are listed in.
_ATTENTION = {Status.FAILED: 4, Status.ERROR: 3, Status.WARNED: 2, Status.PASSED: 1,
              Status.SKIPPED: 0}  # fmt: skip

_FINDING_HEADER = (
    "| Severity | Finding | Location | Check | Message |\n| --- | --- | --- | --- | --- |"
)


class MarkdownReporter(Reporter):
    """A pull-request-sized summary; `link_base` turns finding locations into links.

    The context's link base and limits, where it gives them, win over the constructor's.
    """

    name = "markdown"
    description = "a Markdown summary for pull requests and $GITHUB_STEP_SUMMARY (under 1 MiB)"

    def __init__(
        self,
        link_base: str | None = None,
        max_bytes: int = MAX_BYTES,
        top: int = TOP_FINDINGS,
        max_chars: int | None = None,
    ) -> None:
        self.link_base = link_base
        self.max_bytes = max_bytes
        self.top = top
        self.max_chars = max_chars

    def render(self, result: RunResult, context: ReportContext = NO_CONTEXT) -> bytes:
        limits = context.limits
        shaped = MarkdownReporter(
            link_base=context.link_base or self.link_base,
            max_bytes=limits.max_bytes or self.max_bytes,
            top=limits.top_findings or self.top,
            max_chars=limits.max_chars or self.max_chars,
        )
        return shaped._render(result)

    def _render(self, result: RunResult) -> bytes:
        text = self._compose(result, passing_rows=True)
        if self.max_chars and len(text) > self.max_chars:  # then the rows that passed go
            text = self._compose(result, passing_rows=False)
        if self.max_chars and len(text) > self.max_chars:
            text = _cut(text, self.max_chars)
        return text.encode("utf-8")

    def _compose(self, result: RunResult, passing_rows: bool) -> str:
        gates = sorted(result.gates, key=lambda g: -_ATTENTION[g.status])  # failures first
        tables = [_gate(g, passing_rows) for g in gates]
        left_out = sum(_passed_rows(g) for g in gates) if not passing_rows else 0
        if left_out:
            tables.append(f"> ✂️ {left_out} conditions that passed are not shown, to fit "
                          f"{self.max_chars:,} characters.\n")  # fmt: skip
        head = "\n".join([_verdict(result), *tables, _waivers(result)])
        footer = (
            f"\n<sub>qualitygates {escape(result.version)} · policy {code(result.policy_path)}"
            f" · started {escape(result.started_at)}</sub>\n"
        )
        size: Callable[[str], int] = len if self.max_chars else _bytes
        room = (self.max_chars or self.max_bytes) - size(head) - size(footer) - _RESERVE
        body = self._findings(result, _Budget(room, size))
        return head + body + footer

    def _findings(self, result: RunResult, budget: _Budget) -> str:
        found = [(g, c, f) for g in result.gates for c in g.checks for f in c.findings]
        active = sorted((x for x in found if not x[2].waived), key=lambda x: -x[2].severity.rank)
        waived = [x for x in found if x[2].waived]
        parts: list[str] = []
        if active:
            rows = budget.take(active[: self.top], self._row)
            parts.append(f"\n### Top findings\n\n{_FINDING_HEADER}\n" + "".join(rows))
        parts.append(
            self._folded(f"More findings ({len(active[self.top :])})", active[self.top :], budget)
        )
        parts.append(self._folded(f"Waived or suppressed findings ({len(waived)})", waived, budget))
        if budget.dropped:
            limit = f"{self.max_chars:,} characters" if self.max_chars else "GitHub's 1 MiB"
            parts.append(
                f"\n> ✂️ {budget.dropped} findings are not shown: this summary stays under"
                f" {limit}. The JSON report (`--json`) has every finding.\n"
            )
        return "".join(parts)

    def _folded(self, title: str, items: list[_Item], budget: _Budget) -> str:
        if not items:
            return ""
        rows = budget.take(items, self._row)
        return (
            f"\n<details><summary>{html.escape(title)}</summary>\n\n{_FINDING_HEADER}\n"
            + "".join(rows)
            + "\n</details>\n"
        )

    def _row(self, item: _Item) -> str:
        gate, check, finding = item
        severity = finding.severity.value
        message = escape(finding.message)
        if finding.waived and finding.waiver_reason:
            said = "" if finding.suppressed else "waived: "  # the reason says "suppressed"
            message += f" ({said}{escape(finding.waiver_reason, 100)})"
        return (
            f"| {SEVERITY_ICONS[severity]} {severity} | {code(finding.id, 80)}"
            f" | {self._location(finding)} | {escape(gate.id)}/{escape(check.id)} | {message} |\n"
        )

    def _location(self, finding: Finding) -> str:
        loc = finding.location
        shown = escape(str(loc), 120) if str(loc) else "—"
        path = (loc.path or "").replace("\\", "/")
        if not self.link_base or not path or not _is_repo_path(path):
            return shown
        anchor = f"#L{loc.line}" if loc.line else ""
        return f"[{shown}]({self.link_base}{quote(path.removeprefix('./'))}{anchor})"


class _Budget:
    """Room left for finding rows, in bytes or characters; counts the rows that no longer fit."""

    def __init__(self, remaining: int, size: Callable[[str], int]) -> None:
        self.remaining = remaining
        self.size = size
        self.dropped = 0

    def take(self, items: Sequence[_Item], row: Callable[[_Item], str]) -> list[str]:
        """The rows of `items` that fit; rows are made only for those (there may be 200k)."""
        kept: list[str] = []
        for index, item in enumerate(items):
            text = "" if self.dropped else row(item)
            size = self.size(text)
            if self.dropped or size > self.remaining:
                self.dropped += len(items) - index
                break
            self.remaining -= size
            kept.append(text)
        return kept


def _verdict(result: RunResult) -> str:
    word = {Status.PASSED: "passed", Status.ERROR: "could not be evaluated"}.get(
        result.status, "failed"
    )
    if result.status is Status.WARNED:
        word = "passed with warnings"
    projects = f"\n{escape(projects_line(result))}\n" if result.projects else ""
    return (
        f"## {ICONS[result.status]} Quality gates {word}\n\n**{escape(total_line(result))}**\n"
        + projects
    )


def _gate(gate: GateResult, passing_rows: bool = True) -> str:
    """The gate's table; a gate that passed is folded, and without `passing_rows` it is
    one line and the rows of conditions that passed are left out."""
    note = "" if gate.blocking else " (non-blocking)"
    title = f"{ICONS[gate.status]} {escape(gate.name)} ({code(gate.id)}): {gate.status.value}{note}"
    folded = gate.status in (Status.PASSED, Status.SKIPPED)
    if folded and not passing_rows:
        return f"- {title}\n"
    lines = [
        "| Check | Condition | Actual | Threshold | Status |",
        "| --- | --- | --- | --- | --- |",
    ]
    notes: list[str] = []
    for check in gate.checks:
        label = escape(check.name or check.id) + ("" if check.blocking else " (non-blocking)")
        if not check.conditions:
            lines.append(f"| {label} | — | — | — | {_status(check.status)} |")
        for condition in check.conditions:
            status = Status.SKIPPED if check.status is Status.SKIPPED else condition.status
            if passing_rows or status is not Status.PASSED:
                actual, threshold = _values(condition)
                lines.append(f"| {label} | {code(condition.expr)} | {actual} | {threshold}"
                             f" | {_status(status)} |")  # fmt: skip
        notes += _reasons(check, label)
    table = "\n".join([*lines, "", *notes, ""] if notes else [*lines, ""])
    if folded:
        return f"<details><summary>{title}</summary>\n\n{table}\n</details>\n"
    return f"### {title}\n\n{table}"


def _reasons(check: CheckResult, label: str) -> list[str]:
    """Why a check, or each of its conditions, could not be evaluated: shown, not hidden."""
    if check.error:
        return [
            f"- {ICONS[check.status]} **{label}** ({escape(check.adapter)}): {escape(check.error)}"
        ]
    return [
        f"- {ICONS[Status.ERROR]} **{label}** {code(c.expr)}: {escape(c.message)}"
        for c in check.conditions
        if c.status is Status.ERROR
    ]


def _passed_rows(gate: GateResult) -> int:
    return sum(
        1
        for check in gate.checks
        if check.status is not Status.SKIPPED
        for condition in check.conditions
        if condition.status is Status.PASSED
    )


def _values(condition: ConditionResult) -> tuple[str, str]:
    actual, threshold, unit = condition.actual, condition.threshold, condition.unit
    if isinstance(actual, float | int) and isinstance(threshold, float | int):
        shown = honest_pair(float(actual), float(threshold), unit)
    else:
        shown = (
            format_value(actual, unit),
            "—" if threshold is None else format_value(threshold, unit),
        )
    return escape(shown[0], 60), escape(shown[1], 60)


def _waivers(result: RunResult) -> str:
    rows = [
        f"| {code(w.id, 80)} | {escape(g.id)}/{escape(c.id)} | {_waiver_state(w.state)}"
        f" | {escape(w.owner or '—')} | {escape(w.expires or '—')} | {w.matched} | {escape(w.reason)} |"
        for g, c, w in waiver_notes(result)
    ]
    if not rows:
        return ""
    header = "| Waiver | Check | State | Owner | Expires | Findings | Reason |"
    return f"### Waivers\n\n{header}\n{'| --- ' * 7}|\n" + "\n".join(rows) + "\n"


def _waiver_state(state: str) -> str:
    shown = {"expired": "⚠️ **expired**", "expiring": "⏳ expiring", "unused": "unused"}
    return {**shown, "refused": "🚫 **refused**"}.get(state, state)


def _status(status: Status) -> str:
    return f"{ICONS[status]} {status.value}"


def _is_repo_path(path: str) -> bool:
    return not (path.startswith(("/", "../")) or "://" in path or re.match(r"^[A-Za-z]:", path))


def _bytes(text: str) -> int:
    return len(text.encode("utf-8"))


def _cut(text: str, limit: int) -> str:
    """The last resort under a character limit: the text cut, and a note saying so."""
    note = "\n\n> ✂️ The rest of this summary is cut to fit; the JSON report has all of it.\n"
    return text[: max(0, limit - len(note))] + note
