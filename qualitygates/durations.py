"""Maximum ages and points in time, as the readiness adapters read them.

A duration is written as one or more `<integer><unit>` parts with units `s m h d w`
(`30d`, `12h`, `2w`, `1d12h`). A point in time is an ISO 8601 date or date-time; YAML
may already have turned it into a `date` or `datetime`. Times without a zone are UTC,
and a bare date means midnight UTC of that day.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_PART = re.compile(r"(\d+)([smhdw])")
_WHOLE = re.compile(r"(?:\d+[smhdw])+")
_MAX_SECONDS = 100 * 366 * 86400  # beyond it, `now - duration` may leave the calendar


def parse_duration(text: object) -> timedelta:
    """`"30d"` -> 30 days; raise ValueError naming the accepted form for anything else."""
    if not isinstance(text, str) or not _WHOLE.fullmatch(text.strip().lower()):
        raise ValueError(f"{text!r} is not a duration: write it like 30d, 12h, 2w or 1d12h")
    parts = _PART.findall(text.strip().lower())
    seconds = sum(int(n[-13:]) * _UNITS[u] for n, u in parts)  # 13 digits: already too long
    if seconds > _MAX_SECONDS or any(len(n.lstrip("0")) > 13 for n, _ in parts):
        raise ValueError(f"{text[:40]!r} is longer than 100 years: write a shorter duration")
    if seconds == 0:
        raise ValueError(f"{text!r} is a zero duration: write a positive one like 30d")
    return timedelta(seconds=seconds)


def format_duration(delta: timedelta) -> str:
    """A short human form: `3d 4h`, `5h 10m`, `42s`."""
    seconds = int(abs(delta.total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h" if hours else f"{days}d"
    if hours:
        return f"{hours}h {minutes}m" if minutes else f"{hours}h"
    return f"{minutes}m" if minutes else f"{secs}s"


def parse_instant(value: object) -> datetime:
    """An aware UTC datetime from an ISO string, a `date` or a `datetime`; else ValueError."""
    if isinstance(value, datetime):
        return _as_utc(value)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=timezone.utc)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{value!r} is not an ISO 8601 date or date-time")
    text = value.strip()
    if text[-1:] in ("Z", "z"):
        text = text[:-1] + "+00:00"  # fromisoformat accepts Z only from Python 3.11
    try:
        if len(text) == 10:
            return parse_instant(date.fromisoformat(text))
        return _as_utc(datetime.fromisoformat(text))
    except ValueError:
        raise ValueError(f"{value!r} is not an ISO 8601 date or date-time") from None


def _as_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)
