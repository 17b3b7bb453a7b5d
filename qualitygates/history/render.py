"""Plain-text views of the history for the terminal: a run list and a metric's trend.

These return strings; the CLI prints them (and colours nothing: a sparkline reads the
same in a CI log as in a terminal).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from qualitygates.formatting import format_value
from qualitygates.history.interface import MetricSeries, RunSummary, TrendPoint
from qualitygates.model import Unit

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
    reading = trend_reading(series, points)
    if reading:
        lines.append(reading)
    for point in points:
        commit = (point.commit or "-")[:10]
        when = point.recorded_at.strftime("%Y-%m-%d %H:%M")
        lines.append(f"  #{point.run_id:<6} {when}  {commit:<10}  {_show(point)}")
    return "\n".join(lines) + "\n"


def trend_reading(series: MetricSeries, points: Sequence[TrendPoint]) -> str | None:
    """One line: `p(95) rising 3 %/week, significant (Theil-Sen …, Mann-Kendall p = …)`;
    None when the values are too few (3 numbers at 2 times) to read a trend from."""
    numeric = [(p.recorded_at, n) for p in points if (n := _number(p.value)) is not None]
    if len(numeric) < 3 or len({at for at, _ in numeric}) < 2:
        return None
    from qualitygates.history.stats import drift

    origin = numeric[0][0]
    days = [(at - origin).total_seconds() / 86400 for at, _ in numeric]
    found = drift(days, [n for _, n in numeric], days[-1])
    weekly = found.percent_per_week
    direction = "flat" if weekly == 0 else ("rising" if weekly > 0 else "falling")
    verdict = "significant" if found.significant else "not significant"
    unit = points[-1].unit
    slope = abs(found.slope_per_day)
    # A percent metric moves in points: "+1.2% a day" would read as relative, like %/week.
    per_day = f"{slope:.3g} points" if unit is Unit.PERCENT else format_value(slope, unit)
    sign = "-" if found.slope_per_day < 0 else "+"
    return (
        f"{series.metric} {direction} {abs(weekly):.3g} %/week, {verdict} (Theil-Sen "
        f"{sign}{per_day} a day, Mann-Kendall p = {found.p_value:.2g}, {len(numeric)} runs)"
    )


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
