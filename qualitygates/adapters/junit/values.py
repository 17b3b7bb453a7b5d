"""Reading a JUnit report's `time` and `timestamp` attributes as leniently as Jenkins does."""

from __future__ import annotations

import math
import re
from datetime import datetime

from qualitygates.adapters._times import in_utc, iso_time

_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d*)?")
_DECIMAL_COMMA = re.compile(r"\d+,\d+")


def seconds(raw: str | None) -> float:
    """`parse_seconds`, with the plain number every tool writes read first (once per case)."""
    if raw is None:
        return 0.0
    try:
        value = float(raw)  # float() accepts no comma, so the slow path's rewrites never apply
    except ValueError:
        return parse_seconds(raw)
    return value if 0.0 < value < math.inf else 0.0


def parse_seconds(raw: str | None) -> float:
    """Seconds from a `time` attribute; 0 when absent, negative or unreadable."""
    text = (raw or "").strip()
    if _THOUSANDS.fullmatch(text):
        text = text.replace(",", "")
    elif _DECIMAL_COMMA.fullmatch(text):
        text = text.replace(",", ".")  # a decimal comma, as some locales write it
    try:
        value = float(text)
    except ValueError:
        return 0.0
    return value if math.isfinite(value) and value > 0 else 0.0


def parse_timestamp(raw: str | None) -> datetime | None:
    """A suite's `timestamp` in UTC, read leniently; None when unreadable or before 1970.

    Accepts `T` or a space (even `T 12:40`), optional seconds and fraction, `Z` or an
    offset, or a date alone; a time without a zone is taken as UTC. Go's zero time
    (`0001-01-01T00:00:00Z`, as gotestsum writes it) means "unknown" and is ignored.
    """
    moment = iso_time(raw, naive="utc")
    return in_utc(moment) if moment is not None and moment.year >= 1970 else None
