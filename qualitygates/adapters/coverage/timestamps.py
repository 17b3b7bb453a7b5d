"""Report timestamps: epoch numbers (seconds or milliseconds) and ISO dates."""

from __future__ import annotations

from datetime import datetime, timezone

#: Epoch values above this are milliseconds (coverage.py, Cobertura, JaCoCo); gcovr and
#: coverlet write seconds. 1e11 seconds is the year 5138; 1e11 ms is March 1973.
_MILLISECONDS_FROM = 1e11


def from_epoch(raw: str | None) -> datetime | None:
    """A UTC datetime from an epoch in seconds or milliseconds; None when absent or odd."""
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


def from_iso(raw: object) -> datetime | None:
    """A datetime from ISO text; a naive one (coverage.py's) is taken as local time."""
    if not isinstance(raw, str):
        return None
    try:
        stamp = datetime.fromisoformat(raw)
    except ValueError:
        return None
    return stamp if stamp.tzinfo else stamp.astimezone()
