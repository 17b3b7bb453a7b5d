"""The improvement validation report: one improvement's table and conclusion, or those of
every improvement that ended in a period, in Markdown and as a self-contained HTML page.

Reports may not import the history store, which judges improvements: they read its
validations through the protocols below (`qualitygates.history.improvement_validation`'s
`Validation` and `Unevaluated` match them).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Protocol

from qualitygates.compare import Conclusion
from qualitygates.reports.markdown_text import code, escape

ICONS = {
    Conclusion.SUCCESS: "✅",
    Conclusion.PARTIAL: "⚠️",
    Conclusion.FAILURE: "❌",
    None: "⛔",
}
COLUMNS = ("Metric", "Before", "After", "Change", "Target")


class TargetView(Protocol):
    """One row: a metric's medians, spreads and run counts before and after, its target."""

    @property
    def metric(self) -> str: ...
    @property
    def guardrail(self) -> bool: ...
    @property
    def before(self) -> str: ...
    @property
    def after(self) -> str: ...
    @property
    def change(self) -> str: ...
    @property
    def target(self) -> str: ...
    @property
    def met(self) -> bool: ...
    @property
    def verdict(self) -> str: ...


class ImprovementView(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def details(self) -> str: ...


class OutcomeView(Protocol):
    """An improvement validated (rows and a conclusion), or why it could not be (no rows)."""

    @property
    def improvement(self) -> ImprovementView: ...
    @property
    def rows(self) -> Sequence[TargetView]: ...
    @property
    def conclusion(self) -> Conclusion | None: ...
    @property
    def reason(self) -> str: ...
    @property
    def notes(self) -> Sequence[str]: ...


def verdict_word(outcome: OutcomeView) -> str:
    """success, partial, failure, or `cannot be evaluated`."""
    return outcome.conclusion.value if outcome.conclusion else "cannot be evaluated"


def tally(outcomes: Sequence[OutcomeView]) -> str:
    """`2 success, 1 partial, 0 failure`, and how many could not be evaluated, if any."""
    counts = [f"{sum(o.conclusion is c for o in outcomes)} {c.value}" for c in Conclusion]
    unevaluated = sum(o.conclusion is None for o in outcomes)
    return ", ".join(counts) + (f", {unevaluated} cannot be evaluated" if unevaluated else "")


def validation_markdown(outcome: OutcomeView, level: str = "##") -> bytes:
    """One improvement: heading with the conclusion, the table, the conclusion's reason."""
    return "\n".join(_markdown_section(outcome, level)).encode("utf-8")


def period_markdown(period: str, outcomes: Sequence[OutcomeView]) -> bytes:
    """Every improvement that ended in `period`, after a line that counts the conclusions."""
    lines = [f"# Improvements ended in {escape(period)}", ""]
    if not outcomes:
        lines += [f"No improvement ended in {escape(period)}.", ""]
    else:
        lines += [f"**{tally(outcomes)}**", ""]
    for outcome in outcomes:
        lines += _markdown_section(outcome, "##")
    return "\n".join(lines).encode("utf-8")


def _markdown_section(outcome: OutcomeView, level: str) -> list[str]:
    imp = outcome.improvement
    lines = [
        f"{level} {escape(imp.id)} {escape(imp.title)}: "
        f"{ICONS[outcome.conclusion]} {verdict_word(outcome)}",
        "",
        escape(imp.details),
        "",
    ]
    if outcome.rows:
        lines += ["| " + " | ".join(COLUMNS) + " |", "|" + " --- |" * len(COLUMNS)]
        lines += [_markdown_row(row) for row in outcome.rows]
        lines.append("")
    lines += [f"> **Note:** {escape(note)}\n" for note in outcome.notes]
    lines += [f"**Conclusion: {verdict_word(outcome)}**: {escape(outcome.reason)}", ""]
    return lines


def _markdown_row(row: TargetView) -> str:
    metric = ("guardrail " if row.guardrail else "") + code(row.metric)
    target = f"{code(row.target)} {'✅' if row.met else '❌'} {escape(row.verdict)}"
    cells = (metric, escape(row.before), escape(row.after), escape(row.change), target)
    return "| " + " | ".join(cells) + " |"


def validation_html(title: str, outcomes: Sequence[OutcomeView], summary: str = "") -> bytes:
    """One self-contained page: `title`, an optional summary line, then each improvement."""
    sections = "\n".join(_html_section(outcome) for outcome in outcomes)
    lead = f'<p class="summary">{html.escape(summary)}</p>' if summary else ""
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>{html.escape(title)}</title>
<style>
body {{ font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #1f2328; }}
table {{ border-collapse: collapse; margin: 0.5em 0; }}
th, td {{ border: 1px solid #d0d7de; padding: 4px 8px; text-align: left; }}
.met {{ color: #1a7f37; }} .missed {{ color: #cf222e; font-weight: bold; }}
.summary, .conclusion {{ font-size: 1.2em; }} .note {{ color: #9a6700; }}
</style></head><body>
<h1>{html.escape(title)}</h1>
{lead}
{sections}
</body></html>
"""
    return page.encode("utf-8")


def _html_section(outcome: OutcomeView) -> str:
    imp, word = outcome.improvement, verdict_word(outcome)
    head = "".join(f"<th>{name}</th>" for name in COLUMNS)
    rows = "\n".join(_html_row(row) for row in outcome.rows)
    table = f"<table><thead><tr>{head}</tr></thead><tbody>\n{rows}\n</tbody></table>"
    notes = "".join(f'<p class="note">{html.escape(note)}</p>' for note in outcome.notes)
    return (
        f"<section><h2>{html.escape(f'{imp.id} {imp.title}')}: {ICONS[outcome.conclusion]} "
        f"{word}</h2>\n<p>{html.escape(imp.details)}</p>\n{table if outcome.rows else ''}"
        f'{notes}<p class="conclusion"><strong>Conclusion: {word}</strong>: '
        f"{html.escape(outcome.reason)}</p></section>"
    )


def _html_row(row: TargetView) -> str:
    metric = ("guardrail " if row.guardrail else "") + f"<code>{html.escape(row.metric)}</code>"
    verdict = f'<span class="{"met" if row.met else "missed"}">{html.escape(row.verdict)}</span>'
    cells = (metric, html.escape(row.before), html.escape(row.after), html.escape(row.change),
             f"<code>{html.escape(row.target)}</code> {verdict}")  # fmt: skip
    return "<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>"
