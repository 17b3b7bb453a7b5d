"""The before/after validation report, in Markdown and self-contained HTML."""

from __future__ import annotations

import html

from qualitygates.compare import Comparison, Conclusion, Row
from qualitygates.formatting import format_value
from qualitygates.reports.markdown_report import code, escape

_CONCLUSION = {
    Conclusion.SUCCESS: "✅ success: every target met",
    Conclusion.PARTIAL: "⚠️ partial: some targets met",
    Conclusion.FAILURE: "❌ failure: targets missed",
}
_DIRECTION = {"better": "↗ better", "worse": "↘ worse", "same": "=", "unknown": ""}


def comparison_markdown(comparison: Comparison) -> bytes:
    """`Metric | Before | After | Change | Target | Verdict`, then the conclusion."""
    before, after = comparison.before, comparison.after
    lines = [
        f"## Before/after validation: {_CONCLUSION[comparison.conclusion]}",
        "",
        f"Before: run of {escape(before.started_at)} ({before.status.value}) · "
        f"after: run of {escape(after.started_at)} ({after.status.value})",
        "",
        *(f"> **Warning:** {escape(note)}\n" for note in comparison.notes),
        "| Check | Metric | Before | After | Change | Target | Verdict |",
        "| --- | --- | --- | --- | --- | --- | --- |",
        *(_row(r) for r in comparison.rows),
        "",
        f"**Conclusion: {comparison.conclusion.value}** "
        f"({sum(r.met for r in comparison.rows)}/{len(comparison.rows)} targets met)",
        "",
    ]
    return "\n".join(lines).encode("utf-8")


def _verdict(row: Row) -> str:
    if row.met:
        return "met"
    return "missed (warn only)" if row.warn_only else "missed"


def _row(row: Row) -> str:
    verdict = ("✅ " if row.met else "❌ ") + _verdict(row)
    change = f"{row.change} {_DIRECTION[row.direction]}".strip()
    cells = (escape(row.check), code(row.metric), format_value(row.before, row.unit),
             format_value(row.after, row.unit), escape(change), code(row.target), verdict)  # fmt: skip
    return "| " + " | ".join(cells) + " |"


def comparison_html(comparison: Comparison) -> bytes:
    """One self-contained page with the same table."""
    rows = "\n".join(
        "<tr class='{cls}'><td>{check}</td><td><code>{metric}</code></td><td>{before}</td><td>{after}</td>"
        "<td>{change}</td><td><code>{target}</code></td><td>{verdict}</td></tr>".format(
            cls="met" if r.met else "missed", check=html.escape(r.check), metric=html.escape(r.metric),
            before=html.escape(format_value(r.before, r.unit)), after=html.escape(format_value(r.after, r.unit)),
            change=html.escape(f"{r.change} {_DIRECTION[r.direction]}".strip()), target=html.escape(r.target),
            verdict=html.escape(_verdict(r)),
        )
        for r in comparison.rows
    )  # fmt: skip
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Before/after validation: {comparison.conclusion.value}</title>
<style>
body {{ font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #1f2328; }}
table {{ border-collapse: collapse; }} td, th {{ border: 1px solid #d0d7de; padding: 4px 8px; }}
tr.met td:last-child {{ color: #1a7f37; }} tr.missed td:last-child {{ color: #cf222e; font-weight: bold; }}
.conclusion {{ font-size: 1.3em; }} .warning {{ color: #9a6700; }}
</style></head><body>
<h1>Before/after validation</h1>
<p class="conclusion" id="conclusion">{html.escape(_CONCLUSION[comparison.conclusion])}</p>
{"".join(f'<p class="warning"><strong>Warning:</strong> {html.escape(n)}</p>' for n in comparison.notes)}
<table><thead><tr><th>Check</th><th>Metric</th><th>Before</th><th>After</th><th>Change</th>
<th>Target</th><th>Verdict</th></tr></thead><tbody>
{rows}
</tbody></table></body></html>
"""
    return page.encode("utf-8")
