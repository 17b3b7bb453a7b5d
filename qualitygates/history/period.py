"""A period the history report covers: a month (2026-11), a quarter (2026-Q4) or a year.

Periods are calendar periods in UTC, from their first instant included to the first
instant of the next period excluded, so that consecutive reports never count a run twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone

_FORMS = re.compile(r"(?P<year>\d{4})(?:-(?:(?P<month>\d{2})|[Qq](?P<quarter>\d)))?", re.ASCII)
USAGE = "a month (2026-11), a quarter (2026-Q4) or a year (2026)"


@dataclass(frozen=True)
class Period:
    """[start, end) in UTC, and how it was written."""

    label: str
    start: datetime
    end: datetime


def parse_period(text: str) -> Period:
    """The period `text` names; ValueError, saying what is accepted, when it names none."""
    found = _FORMS.fullmatch(text.strip())
    if found is None:
        raise _not_a_period(text)
    year = int(found["year"])
    if found["month"] is not None:
        first, months = int(found["month"]), 1
        label = f"{year:04d}-{first:02d}"
    elif found["quarter"] is not None:
        quarter = int(found["quarter"])
        first, months = 3 * quarter - 2, 3
        label = f"{year:04d}-Q{quarter}"
    else:
        first, months, label = 1, 12, f"{year:04d}"
    after = first - 1 + months  # months after January of `year` at which the period ends
    if not 1 <= first <= 12:
        raise _not_a_period(text)
    if year < 1 or year + after // 12 > 9999:  # its end, the next month's start, must exist
        raise ValueError(f"{text!r} is outside the periods that can be read: 0001-01 to 9999-11")
    return Period(
        label, _month_start(year, first), _month_start(year + after // 12, after % 12 + 1)
    )


def _not_a_period(text: str) -> ValueError:
    return ValueError(f"{text!r} is not a period: give {USAGE}")


def _month_start(year: int, month: int) -> datetime:
    return datetime(year, month, 1, tzinfo=timezone.utc)
