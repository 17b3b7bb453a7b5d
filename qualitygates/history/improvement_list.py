"""`qualitygates improvement list`: one line per improvement, with what was measured."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from qualitygates.history.improvement_validation import Unevaluated, Validation
from qualitygates.history.improvements import Improvement
from qualitygates.sanitise import clean_value

Outcome = Validation | Unevaluated


def format_improvements(
    improvements: Sequence[Improvement], outcomes: Mapping[str, Outcome], now: datetime
) -> str:
    """Id, state (as of `now`), days, owner and title in columns; then, for an improvement
    in `outcomes`, its measured change and conclusion, or why it could not be measured."""
    rows = [  # one line each: a line break in a title or an owner is shown, never made
        tuple(
            clean_value(cell)
            for cell in (imp.id, imp.state(now), f"{imp.start} → {imp.end}", imp.owner, imp.title)
        )
        for imp in improvements
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))] if rows else []
    lines = []
    for imp, row in zip(improvements, rows, strict=True):
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=True)]
        lines.append("  ".join([*cells, clean_value(measured(outcomes.get(imp.id)))]).rstrip())
    return "".join(f"{line}\n" for line in lines)


def measured(outcome: Outcome | None) -> str:
    """`-35.2% (p = 0.000183), expected -30%: success`, or why it cannot be evaluated."""
    if outcome is None:
        return ""
    if isinstance(outcome, Unevaluated):
        return f"cannot be evaluated: {outcome.reason}"
    metric = outcome.rows[0]
    return f"{metric.change}, expected {metric.target}: {outcome.conclusion.value}"
