"""Reading a JUnit report's `time` and `timestamp` attributes as leniently as Jenkins does."""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta, timezone

_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d*)?")
_DECIMAL_COMMA = re.compile(r"\d+,\d+")
_TIMESTAMP = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ]\s*(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?"
    r"\s*(Z|[+-]\d{2}(?::?\d{2})?)?"
)


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
    match = _TIMESTAMP.fullmatch((raw or "").strip())
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    micros = int((fraction or "0")[:6].ljust(6, "0"))
    try:
        moment = datetime(
            int(year), int(month), int(day), int(hour or 0), int(minute or 0),
            int(second or 0), micros, tzinfo=_zone(zone),
        )  # fmt: skip
    except ValueError:
        return None
    return moment.astimezone(timezone.utc) if moment.year >= 1970 else None


def timestamp_has_zone(raw: str | None) -> bool:
    """Whether a `timestamp` attribute names its zone (`Z` or an offset); Surefire's does not."""
    match = _TIMESTAMP.fullmatch((raw or "").strip())
    return match is not None and match.group(8) is not None


def _zone(text: str | None) -> timezone:
    if not text or text == "Z":
        return timezone.utc
    digits = text[1:].replace(":", "")
    offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:] or 0))
    return timezone(-offset if text[0] == "-" else offset)  # ValueError past 24 h
