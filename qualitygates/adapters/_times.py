"""Report times: the one reader of the dates and times tools write into their reports.

Tools write ISO 8601 in slightly different ways: `Z` or an offset with or without its
colon (SonarQube's `+0200`), up to nine fraction digits (Go's), a space instead of the `T`,
minutes without seconds (some JUnit writers), or a local time with no zone at all
(coverage.py, Surefire). `iso_time` reads every one of them, the same way on every Python
this runs on (`datetime.fromisoformat` reads fewer of them before 3.11). What a time
without a zone means is the caller's to say: UTC, the machine's local time, or no time.

`rfc3339_time` reads the strict RFC 3339 form Go programs write (Trivy); `RFC3339` is that
form as a pattern, which the k6 reader compiles for bytes. `epoch_time` reads Unix times
in seconds or milliseconds. Each returns None for anything that is not a time: whether a
report without its time is an error is the adapter's to decide.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Literal

#: What a time written without a zone is taken to be: UTC, the machine's local time, or
#: not a time at all (a report time that must say its zone).
Naive = Literal["utc", "local", "refuse"]

#: RFC 3339 as Go writes it (`time.RFC3339Nano`): seconds, up to nine fraction digits and
#: `Z` or `+hh:mm`. Groups: the date and time to the second, the fraction, the zone.
#: Compile it with re.IGNORECASE: RFC 3339 allows `t` and `z`.
RFC3339 = r"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})"
_RFC3339 = re.compile(RFC3339, re.IGNORECASE)
_ISO = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})"
    r"(?:[Tt ]\s*(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?"
    r"\s*([Zz]|[+-]\d{2}(?::?\d{2})?)?"
)
#: Epoch values above this are milliseconds (coverage.py, Cobertura, JaCoCo); gcovr and
#: coverlet write seconds. 1e11 seconds is the year 5138; 1e11 ms is March 1973.
_MILLISECONDS_FROM = 1e11


def iso_time(value: object, naive: Naive = "utc") -> datetime | None:
    """An ISO 8601 date or date-time as an aware datetime in the zone it was written in.

    A date alone is its midnight. None when `value` is not such a text, names no real day
    or time (month 13, an offset of 24 h or more), or has no zone and `naive` is "refuse".
    """
    if not isinstance(value, str):
        return None
    match = _ISO.fullmatch(value.strip())
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    micros = int((fraction or "0")[:6].ljust(6, "0"))  # Python keeps microseconds
    try:
        moment = datetime(
            int(year), int(month), int(day), int(hour or 0), int(minute or 0),
            int(second or 0), micros, tzinfo=_zone(zone) if zone else None,
        )  # fmt: skip
    except ValueError:
        return None
    if moment.tzinfo is not None:
        return moment
    if naive == "utc":
        return moment.replace(tzinfo=timezone.utc)
    if naive == "refuse":
        return None
    try:
        return moment.astimezone()  # the machine's zone, as the tool that wrote it had
    except (OverflowError, OSError, ValueError):  # year 1 or 9999 pushed off the calendar
        return None


def has_zone(value: object) -> bool:
    """Whether an ISO 8601 time names its zone (`Z` or an offset); Surefire's does not."""
    match = _ISO.fullmatch(value.strip()) if isinstance(value, str) else None
    return match is not None and match.group(8) is not None


def in_utc(moment: datetime | None) -> datetime | None:
    """The same instant in UTC (None stays None)."""
    return moment.astimezone(timezone.utc) if moment is not None else None


def rfc3339_time(value: object) -> datetime | None:
    """A time as Go programs write it, in UTC; None for anything else and for Go's zero
    time (`0001-01-01T00:00:00Z`, which Go writes for "never set": any year 1 is taken so)."""
    match = _RFC3339.fullmatch(value) if isinstance(value, str) else None
    if match is None or match.group(1).startswith("0001"):
        return None
    return in_utc(iso_time(value))


def epoch_time(raw: str | None) -> datetime | None:
    """A UTC datetime from a Unix time in seconds or milliseconds; None when absent, not a
    number, not after 1970 or beyond the calendar."""
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        return None
    if value <= 0:
        return None
    if value > _MILLISECONDS_FROM:
        value /= 1000.0
    try:
        return datetime.fromtimestamp(value, tz=timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None


def _zone(text: str) -> timezone:
    """`Z`, `+02`, `+0200` or `+02:00` as a fixed zone; ValueError at 24 h or more."""
    if text in ("Z", "z"):
        return timezone.utc
    digits = text[1:].replace(":", "")
    offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:] or 0))
    if not offset:
        return timezone.utc
    return timezone(-offset if text[0] == "-" else offset)
