"""Report times, as every adapter reads them: one reader for the ways tools write them."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from qualitygates.adapters import epoch_time, iso_time, rfc3339_time
from qualitygates.adapters._times import has_zone

UTC = timezone.utc
PLUS_2 = timezone(timedelta(hours=2))


@pytest.mark.parametrize(
    ("text", "moment"),
    [
        ("2023-05-25T10:34:25+0200", datetime(2023, 5, 25, 10, 34, 25, tzinfo=PLUS_2)),  # Sonar
        ("2023-05-25T10:34:25+02:00", datetime(2023, 5, 25, 10, 34, 25, tzinfo=PLUS_2)),
        ("2023-05-25T10:34:25+02", datetime(2023, 5, 25, 10, 34, 25, tzinfo=PLUS_2)),
        ("2023-05-25T10:34:25Z", datetime(2023, 5, 25, 10, 34, 25, tzinfo=UTC)),
        ("2023-05-25t10:34:25z", datetime(2023, 5, 25, 10, 34, 25, tzinfo=UTC)),  # RFC 3339
        ("2023-05-25T10:34:25.123456789Z", datetime(2023, 5, 25, 10, 34, 25, 123456, UTC)),
        ("2023-05-25T10:34:25,5Z", datetime(2023, 5, 25, 10, 34, 25, 500000, UTC)),
        ("2023-05-25 10:34Z", datetime(2023, 5, 25, 10, 34, tzinfo=UTC)),
        ("2023-05-25", datetime(2023, 5, 25, tzinfo=UTC)),
        ("2023-05-25T10:34:25", datetime(2023, 5, 25, 10, 34, 25, tzinfo=UTC)),  # naive: UTC
        ("2023-05-25T10:34:25-00:00", datetime(2023, 5, 25, 10, 34, 25, tzinfo=UTC)),
    ],
)
def test_iso_times_as_tools_write_them(text: str, moment: datetime) -> None:
    read = iso_time(text)
    assert read == moment
    assert read is not None and read.utcoffset() == moment.utcoffset()  # its own zone, kept


@pytest.mark.parametrize(
    "text",
    ["", "yesterday", "2023-13-01T00:00:00Z", "2023-05-25T24:00:00Z", "2023-05-25T10:34:60Z",
     "2023-05-25T10:34:25+24:00", "20230525T103425Z", "2023-05-25T10:34:25 UTC"],
)  # fmt: skip
def test_what_is_not_a_time_is_none(text: str) -> None:
    assert iso_time(text) is None
    assert rfc3339_time(text) is None


def test_a_time_without_a_zone_is_what_the_caller_says() -> None:
    assert iso_time("2023-05-25T10:34:25", naive="refuse") is None
    local = iso_time("2023-05-25T10:34:25", naive="local")
    assert local is not None and local.tzinfo is not None
    assert local.replace(tzinfo=None) == datetime(2023, 5, 25, 10, 34, 25)
    iso_time("0001-01-01T00:00:00", naive="local")  # year 1 in a zone west of UTC: no error
    assert iso_time(None) is None and iso_time(20230525) is None


def test_has_zone_tells_a_local_time_from_a_zoned_one() -> None:
    assert has_zone("2026-11-24T14:00:00Z") and has_zone("2026-11-24T14:00:00+0200")
    assert not has_zone("2026-11-24T14:00:00") and not has_zone("2026-11-24")
    assert not has_zone("soon") and not has_zone(None)


def test_rfc3339_as_go_writes_it_in_utc() -> None:
    assert rfc3339_time("2026-11-24T13:48:47.282812345+01:00") == datetime(
        2026, 11, 24, 12, 48, 47, 282812, UTC
    )
    assert rfc3339_time("2026-11-24T13:48:47Z") == datetime(2026, 11, 24, 13, 48, 47, tzinfo=UTC)
    assert rfc3339_time("0001-01-01T00:00:00Z") is None  # Go's zero time: never set
    assert rfc3339_time("2026-11-24 13:48:47Z") is None  # not RFC 3339
    assert rfc3339_time("2026-11-24T13:48:47") is None  # no zone
    assert rfc3339_time("2026-11-24T13:48:47.1234567890Z") is None  # more than nanoseconds


def test_epoch_seconds_or_milliseconds() -> None:
    moment = datetime(2024, 11, 24, 14, 0, tzinfo=UTC)
    assert epoch_time("1732456800") == epoch_time("1732456800000") == moment
    for odd in (None, "", "0", "-5", "soon", "nan", "inf", "1e30"):
        assert epoch_time(odd) is None, odd
