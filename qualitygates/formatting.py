"""Showing values to people: enough digits to be honest, units as people write them."""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable

from qualitygates.model import MetricValue, Unit

_SUFFIX = {
    Unit.PERCENT: "%",
    Unit.MILLISECONDS: "ms",
    Unit.SECONDS: "s",
    Unit.BYTES: " B",
    Unit.PER_SECOND: "/s",
}


def format_number(value: float, digits: int = 2) -> str:
    """A number rounded for display, without trailing zeros (72.50 -> 72.5, 80.0 -> 80).

    Below 1, at least three significant digits are kept (0.005 stays 0.005, not 0.01).
    """
    if value != value:  # NaN
        return "NaN"
    if math.isinf(value):  # an anomaly against a window of equal values
        return "inf" if value > 0 else "-inf"
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    if abs(value) < 1:
        digits = max(digits, 2 - math.floor(math.log10(abs(value))))
    return f"{value:.{digits}f}".rstrip("0").rstrip(".")


def format_value(value: MetricValue | None, unit: Unit | None, digits: int = 2) -> str:
    """A metric value with its unit, e.g. `72.5%`, `312.4ms`, `OK`."""
    if value is None:
        return "n/a"
    if isinstance(value, str):
        return value
    if unit is Unit.RATIO:  # k6 rates read best as percentages: 0.005 is 0.5%
        return f"{format_number(value * 100, digits)}%"
    return f"{format_number(value, digits)}{_SUFFIX.get(unit, '') if unit else ''}"


def honest_pair(actual: float, threshold: float, unit: Unit | None) -> tuple[str, str]:
    """Display actual and threshold with enough digits that rounding never hides a miss.

    79.996 against 80 must not print as "80% is not >= 80%": digits are added until the
    two displayed numbers differ whenever the exact values do.
    """
    for digits in (2, 4, 6, 10, 17):
        shown_actual = format_value(actual, unit, digits)
        shown_threshold = format_value(threshold, unit, digits)
        if actual == threshold or shown_actual != shown_threshold:
            return shown_actual, shown_threshold
    return repr(actual), repr(threshold)


def suggest(name: str, candidates: Iterable[str]) -> str:
    """A " (did you mean 'x'?)" hint for a near-miss name, or ""."""
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""
