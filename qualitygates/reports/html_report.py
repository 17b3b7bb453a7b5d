"""The HTML report: one self-contained page for release managers.

The verdict at a glance, each gate with its checks and conditions, the waivers with owner
and expiry, and every finding in a table that sorts (click a heading) and filters (text,
severity, waived) with a few lines of plain inline JavaScript. The page loads nothing:
CSS and JS are inline and a Content-Security-Policy forbids any fetch. Every value is
escaped with `html.escape`. The page is `qualitygates/templates/report.html`.

Trends: the context's `trends` holds, per gated metric, its values in earlier runs, oldest
first, keyed as the history store names a series (`MetricSeries`, "gate.check.metric"):
`{"code-quality.coverage.line_rate": [70.0, 75.0]}` (e.g. `[p.value for p in
store.trend(...)]`, without this run: its value is added here). Each becomes an inline SVG
line with the threshold when that is a number; text values are skipped. With no trends
(the default) the section is left out. The context's `limits.max_findings` replaces
`MAX_FINDING_ROWS`.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from importlib import resources
from string import Template
from typing import TypeAlias

from qualitygates.formatting import format_number, format_value, honest_pair
from qualitygates.model import (
    CheckResult,
    ConditionResult,
    Finding,
    GateResult,
    MetricValue,
    RunResult,
    Status,
)
from qualitygates.reports.console import projects_line, total_line
from qualitygates.reports.interface import NO_CONTEXT, ReportContext, Reporter, waiver_notes

History: TypeAlias = Mapping[str, Sequence[MetricValue]]
MAX_FINDING_ROWS = 5000  # beyond this a browser page gets slow; the JSON report has them all
MESSAGE_FOLD = 240  # longer messages are folded into <details>

VERDICTS = {
    Status.PASSED: "✔ Deployment allowed",
    Status.WARNED: "✔ Deployment allowed, with warnings",
    Status.FAILED: "✘ Deployment blocked",
    Status.ERROR: "✘ Deployment blocked: a check could not be evaluated",
    Status.SKIPPED: "– Nothing was judged",
}


def esc(value: object) -> str:
    """Any value as HTML text or attribute content."""
    return html.escape(str(value), quote=True)


class HtmlReporter(Reporter):
    """A single self-contained HTML file: no network, no external assets."""

    name = "html"
    description = "one self-contained HTML page with sortable, filterable findings"

    def render(self, result: RunResult, context: ReportContext = NO_CONTEXT) -> bytes:
        history = context.trends
        findings = [(g, c, f) for g in result.gates for c in g.checks for f in c.findings]
        findings.sort(key=lambda x: (x[2].waived, -x[2].severity.rank))
        shown = findings[: context.limits.max_findings or MAX_FINDING_ROWS]
        template = Template(
            resources.files("qualitygates").joinpath("templates/report.html").read_text("utf-8")
        )
        page = template.substitute(
            title=esc(f"Quality gates: {result.status.value}"),
            version=esc(result.version),
            status=esc(result.status.value),
            exit_code=result.exit_code,
            verdict=esc(_verdict(result)),
            total=esc(
                total_line(result) + (f"; {projects_line(result)}" if result.projects else "")
            ),
            policy=esc(result.policy_path),
            started=esc(result.started_at),
            duration=esc(format_value(result.duration, None) + " s"),
            chips="".join(_chip(g) for g in _first_failures(result.gates)),
            gates="\n".join(_gate(g) for g in _first_failures(result.gates)),
            trends=_trends(result, history) if history else "",
            waivers=_waivers(result),
            truncated=_truncated(len(findings), len(shown)),
            finding_rows=len(shown),
            findings="\n".join(_finding_row(*x) for x in shown),
        )
        return page.encode("utf-8")


def _verdict(result: RunResult) -> str:
    if result.warn_only and result.status in (Status.FAILED, Status.ERROR):
        return VERDICTS[result.status] + " (--warn-only: exit 0)"
    return VERDICTS[result.status]


def _badge(status: Status) -> str:
    return f'<span class="badge s-{status.value}">{status.value}</span>'


def _chip(gate: GateResult) -> str:
    return f'<a class="chip" href="#gate-{esc(gate.id)}">{_badge(gate.status)} {esc(gate.name)}</a>'


_ATTENTION = {Status.FAILED: 4, Status.ERROR: 3, Status.WARNED: 2, Status.PASSED: 1,
              Status.SKIPPED: 0}  # fmt: skip


def _first_failures(gates: tuple[GateResult, ...]) -> list[GateResult]:
    """Failing gates first, then those that could not be evaluated, warned, passed."""
    return sorted(gates, key=lambda gate: -_ATTENTION[gate.status])


def _gate(gate: GateResult) -> str:
    """The gate's table; a gate that passed (or did not run) is folded."""
    note = "" if gate.blocking else ' <span class="muted">non-blocking</span>'
    rows = "\n".join(row for check in gate.checks for row in _check_rows(check))
    metrics = "".join(_metrics(check) for check in gate.checks)
    header = (
        f"{_badge(gate.status)}<h3>{esc(gate.name)}</h3>"
        f'<span class="muted">{esc(gate.id)}</span>{note}'
    )
    table = (
        "<table><thead><tr><th>Check</th><th>Condition</th><th>Actual</th><th>Threshold</th>"
        f"<th>Status</th></tr></thead>\n<tbody>\n{rows}\n</tbody></table>{metrics}"
    )
    start = f'<section class="gate" id="gate-{esc(gate.id)}" data-status="{gate.status.value}">'
    if gate.status in (Status.PASSED, Status.SKIPPED):
        return f"{start}<details><summary>{header}</summary>\n{table}</details></section>"
    return f"{start}<header>{header}</header>\n{table}</section>"


def _check_rows(check: CheckResult) -> list[str]:
    note = "" if check.blocking else ' <span class="muted">non-blocking</span>'
    label = f'{esc(check.name or check.id)} <span class="muted">{esc(check.adapter)}</span>{note}'
    rows = [_condition_row(label, check, c) for c in check.conditions]
    if not check.conditions:
        rows.append(
            f"<tr><td>{label}</td><td>—</td><td></td><td></td><td>{_badge(check.status)}</td></tr>"
        )
    reasons = [check.error] if check.error else [
        f"{c.expr}: {c.message}" for c in check.conditions if c.status is Status.ERROR
    ]  # fmt: skip
    rows += [  # shown, not only on hover: why it could not be evaluated
        f'<tr class="check-note s-text-{check.status.value}"><td>{esc(check.name or check.id)}</td>'
        f'<td colspan="4">{esc(reason)}</td></tr>'
        for reason in reasons
    ]
    return rows


def _condition_row(label: str, check: CheckResult, condition: ConditionResult) -> str:
    actual, threshold = _values(condition)
    status = Status.SKIPPED if check.status is Status.SKIPPED else condition.status
    return (
        f'<tr data-status="{status.value}" title="{esc(condition.message)}"><td>{label}</td>'
        f'<td><code>{esc(condition.expr)}</code></td><td class="num">{esc(actual)}</td>'
        f'<td class="num">{esc(threshold)}</td><td>{_badge(status)}</td></tr>'
    )


def _values(condition: ConditionResult) -> tuple[str, str]:
    actual, threshold, unit = condition.actual, condition.threshold, condition.unit
    if isinstance(actual, float | int) and isinstance(threshold, float | int):
        return honest_pair(float(actual), float(threshold), unit)
    return format_value(actual, unit), "" if threshold is None else format_value(threshold, unit)


def _metrics(check: CheckResult) -> str:
    if not check.metrics:
        return ""
    items = ", ".join(
        f"{esc(name)} <b>{esc(format_value(m.value, m.unit))}</b>"
        for name, m in check.metrics.items()
    )
    return f'<div class="metrics">{esc(check.name or check.id)}: {items}</div>'


def _waivers(result: RunResult) -> str:
    rows = [
        f'<tr data-state="{esc(w.state)}"><td><code>{esc(w.id)}</code></td>'
        f"<td>{esc(g.id)}/{esc(c.id)}</td><td{_state_class(w.state)}>{esc(w.state)}</td>"
        f"<td>{esc(w.owner or '—')}</td><td>{esc(w.expires or '—')}</td>"
        f'<td class="num">{w.matched}</td><td>{esc(w.reason)}</td></tr>'
        for g, c, w in waiver_notes(result)
    ]
    if not rows:
        return '<p class="muted">No waivers in this policy.</p>'
    return (
        "<table><thead><tr><th>Waiver</th><th>Check</th><th>State</th><th>Owner</th>"
        "<th>Expires</th><th>Findings</th><th>Reason</th></tr></thead>\n<tbody>\n"
        + "\n".join(rows)
        + "\n</tbody></table>"
    )


def _state_class(state: str) -> str:
    return ' class="expired"' if state in ("expired", "expiring", "refused") else ""


def _finding_row(gate: GateResult, check: CheckResult, finding: Finding) -> str:
    sev = finding.severity.value
    waiver = esc(finding.waiver_reason or "waived") if finding.waived else ""
    return (
        f'<tr class="finding{" waived" if finding.waived else ""}" data-severity="{sev}"'
        f' data-waived="{str(finding.waived).lower()}">'
        f'<td data-key="{finding.severity.rank}" class="sev sev-{sev}">{sev}</td>'
        f"<td><code>{esc(finding.id)}</code></td><td>{esc(finding.tool)}</td>"
        f"<td>{esc(gate.id)}/{esc(check.id)}</td><td>{esc(finding.location)}</td>"
        f'<td class="msg">{_message(finding.message)}</td><td>{waiver}</td></tr>'
    )


def _message(message: str) -> str:
    if len(message) <= MESSAGE_FOLD:
        return esc(message)
    return f"<details><summary>{esc(message[:MESSAGE_FOLD])}…</summary>{esc(message)}</details>"


def _truncated(total: int, shown: int) -> str:
    if total == shown:
        return ""
    return (
        f'<p class="note" id="truncated">Showing the {shown} most severe of {total} findings;'
        " the JSON report (--json) has every one.</p>"
    )


def _trends(result: RunResult, history: History) -> str:
    charts = []
    for gate in result.gates:
        for check in gate.checks:
            for condition in check.conditions:
                key = f"{gate.id}.{check.id}.{condition.metric}"
                points = [float(v) for v in history.get(key, ()) if _is_number(v)]
                if _is_number(condition.actual):
                    points.append(float(condition.actual))  # type: ignore[arg-type]
                if len(points) >= 2:
                    threshold = condition.threshold
                    limit = float(threshold) if isinstance(threshold, float | int) else None
                    charts.append(_trend_svg(key, points, limit))
    if not charts:
        return ""
    return '<section id="trends"><h2>Trends</h2>\n' + "\n".join(charts) + "\n</section>"


def _trend_svg(key: str, points: list[float], threshold: float | None) -> str:
    width, height, pad = 240, 60, 4
    values = [*points, threshold] if threshold is not None else points
    low, high = min(values), max(values)
    span = (high - low) or 1.0

    def xy(i: int, v: float) -> str:
        x = pad + i * (width - 2 * pad) / (len(points) - 1)
        return f"{x:.1f},{height - pad - (v - low) / span * (height - 2 * pad):.1f}"

    line = " ".join(xy(i, v) for i, v in enumerate(points))
    rule = ""
    if threshold is not None:
        y = xy(0, threshold).split(",")[1]
        rule = (
            f'<line x1="0" x2="{width}" y1="{y}" y2="{y}" stroke="#cf222e" stroke-dasharray="4 3"/>'
        )
    return (
        f'<figure class="trend" data-metric="{esc(key)}"><svg width="{width}" height="{height}"'
        f' role="img" aria-label="{esc(key)}">{rule}<polyline fill="none" stroke="#0969da"'
        f' stroke-width="2" points="{line}"/></svg><figcaption class="muted">{esc(key)}:'
        f" {esc(format_number(points[-1]))}{_limit_note(threshold)}</figcaption></figure>"
    )


def _limit_note(threshold: float | None) -> str:
    return "" if threshold is None else f" (threshold {esc(format_number(threshold))})"


def _is_number(value: object) -> bool:
    return isinstance(value, float | int) and not isinstance(value, bool)
