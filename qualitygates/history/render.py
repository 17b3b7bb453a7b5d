"""Plain-text views of the history for the terminal: a run list and a metric's trend.

These return strings; the CLI prints them (and colours nothing: a sparkline reads the
same in a CI log as in a terminal).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from qualitygates.formatting import format_value
from qualitygates.history.interface import MetricSeries, RunSummary, TrendPoint

BLOCKS = "▁▂▃▄▅▆▇█"
GAP = " "  # a value that is not a number (a word metric, NaN)


def sparkline(values: Sequence[float | str | None]) -> str:
    """One block per value, scaled from the lowest (▁) to the highest (█) number."""
    numbers = [_number(v) for v in values]
    finite = [n for n in numbers if n is not None]
    if not finite:
        return GAP * len(values)
    low, high = min(finite), max(finite)
    span = high - low
    out = []
    for n in numbers:
        if n is None:
            out.append(GAP)
        elif span == 0:
            out.append(BLOCKS[len(BLOCKS) // 2 - 1])  # a flat series sits in the middle
        else:
            out.append(BLOCKS[round((n - low) / span * (len(BLOCKS) - 1))])
    return "".join(out)


def _number(value: float | str | None) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def format_trend(series: MetricSeries, points: Sequence[TrendPoint]) -> str:
    """`gate.check.metric  ▁▃▅█  first → last (min …, max …), N runs`, then one line per run."""
    if not points:
        return f"{series}: no recorded value\n"
    first, last = points[0], points[-1]
    numbers = [n for p in points if (n := _number(p.value)) is not None]
    head = f"{series}  {sparkline([p.value for p in points])}  "
    head += f"{_show(first)} → {_show(last)}"
    if numbers:
        low, high = min(numbers), max(numbers)
        head += f" (min {format_value(low, last.unit)}, max {format_value(high, last.unit)})"
    lines = [f"{head}, {len(points)} run{'s' if len(points) != 1 else ''}"]
    for point in points:
        commit = (point.commit or "-")[:10]
        when = point.recorded_at.strftime("%Y-%m-%d %H:%M")
        lines.append(f"  #{point.run_id:<6} {when}  {commit:<10}  {_show(point)}")
    return "\n".join(lines) + "\n"


def _show(point: TrendPoint) -> str:
    return format_value(point.value, point.unit)


def format_runs(summaries: Sequence[RunSummary]) -> str:
    """One line per run, newest first: id, time, status, branch, commit, gates, URL."""
    if not summaries:
        return "no recorded run matches\n"
    lines = []
    for s in summaries:
        when = s.recorded_at.strftime("%Y-%m-%d %H:%M")
        gates = " ".join(f"{gate}:{status.value}" for gate, status in s.gates.items())
        parts = [f"#{s.run_id:<6}", when, f"{s.status.value:<7}", s.branch or "-"]
        parts += [(s.commit or "-")[:10], gates]
        if s.run_url:
            parts.append(s.run_url)
        lines.append("  ".join(p for p in parts if p))
    return "\n".join(lines) + "\n"
