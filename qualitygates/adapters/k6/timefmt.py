"""k6's point times: RFC 3339 with up to nanoseconds (Go's `time.RFC3339Nano`)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from functools import lru_cache

from qualitygates.adapters._times import RFC3339

# The one RFC 3339 pattern (`_times`), for bytes: k6 lines are read without decoding.
_RFC3339 = re.compile(RFC3339.encode(), re.IGNORECASE)
NS = 1_000_000_000
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_FIRST = int(datetime(1, 1, 1, tzinfo=timezone.utc).timestamp())
_AFTER_LAST = int(datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone.utc).timestamp()) + 1


class BadTime(ValueError):
    """A time that is not RFC 3339; the caller knows the file (and line) to name with it."""

    def __init__(self, raw: bytes) -> None:
        shown = raw[:40].decode("utf-8", errors="replace")
        super().__init__(f"data.time {shown!r} is not an RFC 3339 time, as k6 writes point times")


def parse_time_ns(text: bytes | str) -> int:
    """Nanoseconds since the epoch of a k6 time such as `2026-11-24T13:48:47.2828Z`.

    Raises BadTime (not an AdapterError: this has no path) for any other text.
    """
    raw = text.encode() if isinstance(text, str) else text
    match = _RFC3339.fullmatch(raw)
    if match is None:
        raise BadTime(raw)
    fraction = match[2] or b""
    try:
        second = _second_ns(match[1], match[3].upper())
    except ValueError:  # the right shape, but no such date or time (month 13, hour 25)
        raise BadTime(raw) from None
    return second + int(fraction.ljust(9, b"0") or 0)


@lru_cache(maxsize=4096)
def _second_ns(second: bytes, zone: bytes) -> int:
    offset = "+00:00" if zone == b"Z" else zone.decode()
    seconds = int(datetime.fromisoformat(second.decode() + offset).timestamp())
    if not _FIRST <= seconds < _AFTER_LAST:
        raise ValueError("not a time a datetime can hold in UTC")  # a zone crossing year 1/9999
    return seconds * NS


def to_datetime(ns: int) -> datetime:
    """A timezone-aware UTC datetime (microsecond precision) from epoch nanoseconds."""
    return _EPOCH + timedelta(microseconds=ns // 1000)  # exact: a float would round to 10000
