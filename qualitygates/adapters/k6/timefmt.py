"""k6's point times: RFC 3339 with up to nanoseconds (Go's `time.RFC3339Nano`)."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from functools import lru_cache

from qualitygates.errors import AdapterError

_RFC3339 = re.compile(
    rb"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})", re.IGNORECASE
)
NS = 1_000_000_000


def parse_time_ns(text: bytes | str) -> int:
    """Nanoseconds since the epoch of a k6 time such as `2026-11-24T13:48:47.2828Z`."""
    raw = text.encode() if isinstance(text, str) else text
    match = _RFC3339.fullmatch(raw)
    if match is None:
        raise AdapterError(f"{raw[:40]!r} is not an RFC 3339 time, as k6 writes point times")
    fraction = match[2] or b""
    return _second_ns(match[1], match[3].upper()) + int(fraction.ljust(9, b"0") or 0)


@lru_cache(maxsize=4096)
def _second_ns(second: bytes, zone: bytes) -> int:
    offset = "+00:00" if zone == b"Z" else zone.decode()
    return int(datetime.fromisoformat(second.decode() + offset).timestamp()) * NS


def to_datetime(ns: int) -> datetime:
    """A timezone-aware UTC datetime (microsecond precision) from epoch nanoseconds."""
    return datetime.fromtimestamp(ns // 1000 / 1_000_000, tz=timezone.utc)
