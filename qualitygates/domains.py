"""Value domains: the values a metric can possibly take, and the report times that can be.

A coverage of 134 %, a count of -3 or 2.5, a negative duration, NaN or infinity is not a
measurement but a corrupt (or forged) report. The engine checks every metric an adapter
returns against its domain, whether or not a condition reads it, and errors (exit 3)
instead of judging. The domain comes from the metric's unit; an adapter declares another
on its `MetricSpec` where the unit's default does not fit (a k6 custom Trend may go below
zero). A report dated later than the run's clock plus `CLOCK_SKEW` is refused the same way.

Pure functions and data only: no I/O, nothing about adapters beyond their names.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from qualitygates.model import Measurement, Unit

#: How far past the run's clock (`--now`, or the machine's) a report may be dated: clocks of
#: two CI machines disagree by seconds, not by more than this.
CLOCK_SKEW = timedelta(minutes=5)
#: How far a local time written without a zone can be ahead of UTC (UTC+14, Kiribati).
ZONE_SPREAD = timedelta(hours=14)
_SUFFIX = {
    Unit.PERCENT: " %",
    Unit.MILLISECONDS: " ms",
    Unit.SECONDS: " s",
    Unit.BYTES: " B",
    Unit.PER_SECOND: "/s",
}
_MAX_SOURCES_SHOWN = 3


@dataclass(frozen=True)
class Domain:
    """A closed interval of finite numbers (either end may be open-ended), whole or not."""

    low: float | None = None
    high: float | None = None
    whole: bool = False

    def fault(self, value: float, unit: Unit) -> str | None:
        """Why `value` cannot be in this domain ("outside 0–100 %"), or None when it can."""
        if math.isnan(value):
            return "not a number"
        if math.isinf(value):
            return "not a finite number"
        if (self.low is not None and value < self.low) or (
            self.high is not None and value > self.high
        ):
            return f"outside {self.describe(unit)}"
        if self.whole and not value.is_integer():
            return "not a whole number"
        return None

    def describe(self, unit: Unit) -> str:
        """The domain as people write it: `0–100 %`, `0 ms or more`, `any number`."""
        suffix = _SUFFIX.get(unit, "")
        if self.low is not None and self.high is not None:
            return f"{_number(self.low)}–{_number(self.high)}{suffix}"
        if self.low is not None:
            return f"{_number(self.low)}{suffix} or more"
        if self.high is not None:
            return f"{_number(self.high)}{suffix} or less"
        return "any number"


ANY_NUMBER = Domain()
NON_NEGATIVE = Domain(low=0.0)
COUNT = Domain(low=0.0, whole=True)
PERCENT = Domain(low=0.0, high=100.0)
RATIO = Domain(low=0.0, high=1.0)
#: Each numeric unit's own domain; a `MetricSpec` may declare another.
UNIT_DOMAINS: Mapping[Unit, Domain] = {
    Unit.PERCENT: PERCENT,
    Unit.RATIO: RATIO,
    Unit.MILLISECONDS: NON_NEGATIVE,
    Unit.SECONDS: NON_NEGATIVE,
    Unit.BYTES: NON_NEGATIVE,
    Unit.COUNT: COUNT,
    Unit.PER_SECOND: NON_NEGATIVE,
    Unit.NUMBER: ANY_NUMBER,
}


def any_sign(*units: Unit) -> tuple[tuple[Unit, Domain], ...]:
    """`MetricSpec.domains` for a metric that may take any finite value in these units."""
    return tuple((unit, ANY_NUMBER) for unit in units)


def default_domain(unit: Unit) -> Domain | None:
    """The domain of a unit's values; None for words, which have none."""
    return UNIT_DOMAINS.get(unit)


def value_fault(measurement: Measurement, domain: Domain | None) -> str | None:
    """Why a measurement cannot be, e.g. `134.2 %, outside 0–100 %`; None when it can."""
    value, unit = measurement.value, measurement.unit
    if unit is Unit.TEXT:
        return None if isinstance(value, str) else f"{_shown(value, unit)}, not a word"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f"{value!r:.60}, not a number"
    fault = (domain or default_domain(unit) or ANY_NUMBER).fault(float(value), unit)
    return None if fault is None else f"{_shown(float(value), unit)}, {fault}"


def impossible_value(
    sources: Sequence[str], tool: str, name: str, measurement: Measurement, domain: Domain | None
) -> str | None:
    """The one-sentence error for a metric outside its domain, or None when it is inside."""
    fault = value_fault(measurement, domain)
    if fault is None:
        return None
    return (
        f"{describe_sources(sources)}: {name} is {fault}: the report is corrupt or not from {tool}"
    )


def future_timestamp(
    sources: Sequence[str], timestamp: datetime, now: datetime, has_zone: bool = True
) -> str | None:
    """The error for a report dated after `now` plus `CLOCK_SKEW`, or None.

    A report from the future would otherwise pass every `max_age`. A time the report wrote
    without a zone may be the local time of any zone, so it may run up to `ZONE_SPREAD`
    ahead of UTC on top of the skew.
    """
    made, clock = as_utc(timestamp), as_utc(now)
    allowed = CLOCK_SKEW if has_zone else CLOCK_SKEW + ZONE_SPREAD
    if made <= clock + allowed:
        return None
    return (
        f"{describe_sources(sources)}: the report says it was made at "
        f"{made.isoformat(timespec='seconds')}, {_duration(made - clock)} after the run's "
        f"clock ({clock.isoformat(timespec='seconds')}; {_duration(allowed)} allowed): "
        "a wrong clock or a forged report"
    )


def _duration(span: timedelta) -> str:
    minutes = int(span.total_seconds() // 60)
    if minutes < 120:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60} min" if minutes % 60 else f"{minutes // 60} h"


def as_utc(moment: datetime) -> datetime:
    """`moment` with a zone: a naive time is taken as UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


def describe_sources(sources: Sequence[str]) -> str:
    """The report(s) a check read, as an error message starts: `coverage.xml, b.xml`."""
    if not sources:
        return "the report"
    shown = ", ".join(sources[:_MAX_SOURCES_SHOWN])
    extra = len(sources) - _MAX_SOURCES_SHOWN
    return shown + (f" and {extra} more" if extra > 0 else "")


def _shown(value: float | str, unit: Unit) -> str:
    """The value exactly as read (rounding must not hide 100.0001 %), with its unit."""
    if isinstance(value, str):
        return repr(value[:60])
    return _number(value) + (_SUFFIX.get(unit, "") if math.isfinite(value) else "")


def _number(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)
