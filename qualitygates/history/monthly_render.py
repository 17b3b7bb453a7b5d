"""The history report as Markdown and as one self-contained HTML page.

Gate, check and metric names and condition expressions come from the policy and the
tools' reports, so they are untrusted: in Markdown each is a code span on one line (no
link, mention or HTML), in HTML each is escaped.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from qualitygates.formatting import format_number, format_value
from qualitygates.history.monthly import WINDOW_RUNS, MetricMove, PeriodReport, Windows
from qualitygates.model import Unit

MAX_NAME = 200  # characters of a name or expression shown

Table = tuple[tuple[str, ...], Sequence[tuple[str, ...]]]  # headings, rows (already escaped)
Cell = Callable[[str], str]  # escapes one untrusted value for the format


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def _scope(report: PeriodReport, cell: Cell) -> str:
    """Which runs the report read; only the branch needs escaping (by `cell`)."""
    period = report.period
    where = f"on branch {cell(report.branch)}" if report.branch else "on every branch"
    last_day = (period.end - timedelta(days=1)).date()
    return f"Runs recorded in {period.label} ({period.start.date()} to {last_day}, UTC), {where}."


def _runs_line(report: PeriodReport) -> str:
    counts = ", ".join(f"{n} {status}" for status, n in report.statuses.items())
    return f"{report.runs} run{'s' if report.runs != 1 else ''}: {counts}."


def _windows_line(windows: Windows) -> str:
    first = f"{_when(windows.first_start)} to {_when(windows.first_end)}"
    last = f"{_when(windows.last_start)} to {_when(windows.last_end)}"
    if windows.halves:
        which = f"the first half of the period's runs ({first}) against the second ({last})"
    else:
        which = f"the period's first week of runs ({first}) against its last week ({last})"
    return (
        f"Each metric's median over {which}, at most {WINDOW_RUNS} runs each, ranked by "
        "the absolute change in percent."
    )


def _change(move: MetricMove) -> str:
    if math.isinf(move.change):
        return "from 0"
    return f"{'+' if move.change > 0 else ''}{format_number(move.change, 1)}%"


def _tables(report: PeriodReport, cell: Cell) -> dict[str, Table]:
    """The report's three tables, each value escaped by `cell`; an empty one is left out."""
    gates = [
        (cell(g.gate), str(g.passed), str(g.judged), format_value(g.rate, Unit.PERCENT))
        for g in report.gates
    ]
    moves = [
        (cell(f"{m.gate}.{m.check}.{m.metric}"), format_value(m.before, m.unit),
         format_value(m.after, m.unit), _change(m))
        for m in report.moves
    ]  # fmt: skip
    conditions = [
        (cell(c.gate), cell(c.check), cell(c.expr), str(c.runs)) for c in report.conditions
    ]
    tables: dict[str, Table] = {
        "Pass rate per gate": (("Gate", "Passed or warned", "Judged", "Pass rate"), gates),
        "Metrics that moved most": (("Metric", "Before", "After", "Change"), moves),
        "Top failing conditions": (("Gate", "Check", "Condition", "Runs failed"), conditions),
    }
    return {title: table for title, table in tables.items() if table[1]}


def _one_line(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_NAME else text[: MAX_NAME - 1] + "…"


def _code_span(text: str) -> str:
    """`text` as a Markdown code span that no backtick ends early and no pipe splits."""
    text = _one_line(text).replace("|", "\\|")
    fence = "`" * (1 + max((len(run) for run in re.findall("`+", text)), default=0))
    padding = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{padding}{text}{padding}{fence}"


def report_markdown(report: PeriodReport) -> str:
    """The report in Markdown: a heading, the runs, then the tables."""
    lines = [f"# Quality gates history: {report.period.label}", "", _scope(report, _code_span), ""]
    if not report.runs:
        return "\n".join([*lines, f"No run was recorded in {report.period.label}.", ""])
    lines += ["## Runs", "", _runs_line(report), ""]
    for title, (headings, rows) in _tables(report, _code_span).items():
        lines += [f"## {title}", ""]
        if title == "Metrics that moved most" and report.windows:
            lines += [_windows_line(report.windows), ""]
        lines += ["| " + " | ".join(headings) + " |", "|" + " --- |" * len(headings)]
        lines += ["| " + " | ".join(row) + " |" for row in rows] + [""]
    return "\n".join(lines)


def _escaped(text: str) -> str:
    return f"<code>{html.escape(_one_line(text))}</code>"


_STYLE = """body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #1f2328; }
table { border-collapse: collapse; margin-bottom: 1.5em; }
td, th { border: 1px solid #d0d7de; padding: 4px 8px; text-align: left; }
td.n { text-align: right; }"""


def report_html(report: PeriodReport) -> str:
    """The same report as one page that loads nothing (its policy forbids it)."""
    title = html.escape(f"Quality gates history: {report.period.label}")
    body = [f"<h1>{title}</h1>", f"<p>{_scope(report, _escaped)}</p>"]
    if not report.runs:
        body.append(f"<p>No run was recorded in {html.escape(report.period.label)}.</p>")
    else:
        body += ["<h2>Runs</h2>", f"<p>{html.escape(_runs_line(report))}</p>"]
    for heading, (headings, rows) in _tables(report, _escaped).items():
        body.append(f"<h2>{html.escape(heading)}</h2>")
        if heading == "Metrics that moved most" and report.windows:
            body.append(f"<p>{html.escape(_windows_line(report.windows))}</p>")
        body.append(_html_table(headings, rows))
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>{title}</title>
<style>
{_STYLE}
</style></head><body>
{chr(10).join(body)}
</body></html>
"""


def _html_table(headings: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headings)
    body = "".join("<tr>" + "".join(_html_cell(value) for value in row) + "</tr>\n" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>\n{body}</tbody></table>"


def _html_cell(value: str) -> str:
    """A name is escaped already (a <code> element); a number or a change is escaped here."""
    if value.startswith("<code>"):
        return f"<td>{value}</td>"
    return f"<td class='n'>{html.escape(value)}</td>"
