"""The periods `history report --period` accepts: a month, a quarter or a year, in UTC."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from qualitygates.history.period import parse_period


def utc(year: int, month: int) -> datetime:
    return datetime(year, month, 1, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("text", "label", "start", "end"),
    [
        ("2026-11", "2026-11", utc(2026, 11), utc(2026, 12)),
        ("2026-12", "2026-12", utc(2026, 12), utc(2027, 1)),
        ("2026-Q4", "2026-Q4", utc(2026, 10), utc(2027, 1)),
        (" 2026-q1 ", "2026-Q1", utc(2026, 1), utc(2026, 4)),
        ("2026", "2026", utc(2026, 1), utc(2027, 1)),
    ],
)
def test_a_period_runs_from_its_first_instant_to_the_next_period_s(
    text: str, label: str, start: datetime, end: datetime
) -> None:
    period = parse_period(text)
    assert (period.label, period.start, period.end) == (label, start, end)


@pytest.mark.parametrize(
    "text", ["2026-13", "2026-00", "2026-Q5", "2026-Q0", "26-11", "2026-1", "2026-11-05", "",
             "\u0662\u0660\u0662\u0666", "November"],
)  # fmt: skip
def test_anything_else_is_refused_saying_what_is_accepted(text: str) -> None:
    message = r"is not a period: give a month \(2026-11\), a quarter \(2026-Q4\) or a year \(2026\)"
    with pytest.raises(ValueError, match=message):
        parse_period(text)


@pytest.mark.parametrize("text", ["9999", "9999-12", "9999-Q4", "0000", "0000-01"])
def test_a_period_outside_the_calendar_says_so(text: str) -> None:
    with pytest.raises(
        ValueError, match=r"is outside the periods that can be read: 0001-01 to 9999-11$"
    ):
        parse_period(text)
