"""Value domains: which values a unit can hold, and the sentence for one it cannot."""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone

import pytest

from qualitygates.adapters.interface import MetricSpec
from qualitygates.domains import (
    ANY_NUMBER,
    NON_NEGATIVE,
    any_sign,
    default_domain,
    describe_sources,
    future_timestamp,
    impossible_value,
    value_fault,
)
from qualitygates.model import Measurement, Unit

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("value", "unit", "fault"),
    [
        (134.2, Unit.PERCENT, "134.2 %, outside 0–100 %"),
        (-0.5, Unit.PERCENT, "-0.5 %, outside 0–100 %"),
        (100.0000001, Unit.PERCENT, "100.0000001 %, outside 0–100 %"),
        (1.5, Unit.RATIO, "1.5, outside 0–1"),
        (-1.0, Unit.COUNT, "-1, outside 0 or more"),
        (2.5, Unit.COUNT, "2.5, not a whole number"),
        (-3.0, Unit.MILLISECONDS, "-3 ms, outside 0 ms or more"),
        (-0.1, Unit.SECONDS, "-0.1 s, outside 0 s or more"),
        (-1.0, Unit.BYTES, "-1 B, outside 0 B or more"),
        (-2.0, Unit.PER_SECOND, "-2/s, outside 0/s or more"),
        (math.nan, Unit.NUMBER, "NaN, not a number"),
        (math.inf, Unit.MILLISECONDS, "inf, not a finite number"),
        (-math.inf, Unit.NUMBER, "-inf, not a finite number"),
        ("many", Unit.COUNT, "'many', not a number"),
        (True, Unit.COUNT, "True, not a number"),
        (3.0, Unit.TEXT, "3, not a word"),
    ],
)
def test_a_value_outside_its_units_domain_says_why(value: object, unit: Unit, fault: str) -> None:
    measurement = Measurement(value, unit)  # type: ignore[arg-type]
    assert value_fault(measurement, default_domain(unit)) == fault


@pytest.mark.parametrize(
    ("value", "unit"),
    [
        (0.0, Unit.PERCENT),
        (100.0, Unit.PERCENT),
        (0.0, Unit.RATIO),
        (1.0, Unit.RATIO),
        (0.0, Unit.COUNT),
        (12.0, Unit.COUNT),
        (0.25, Unit.MILLISECONDS),
        (-40.5, Unit.NUMBER),  # a plain number may be anything finite
        ("OK", Unit.TEXT),
    ],
)
def test_values_inside_their_domain_pass(value: float | str, unit: Unit) -> None:
    assert value_fault(Measurement(value, unit), default_domain(unit)) is None


def test_a_spec_declares_another_domain_for_some_units_only() -> None:
    spec = MetricSpec("x.<stat>", None, "a custom k6 stat", domains=any_sign(Unit.MILLISECONDS))
    assert spec.domain(Unit.MILLISECONDS) is ANY_NUMBER
    assert spec.domain(Unit.RATIO) == default_domain(Unit.RATIO)  # not declared: the unit's
    relaxed = MetricSpec("q", None, "a PromQL count", domains=((Unit.COUNT, NON_NEGATIVE),))
    assert value_fault(Measurement(2.5, Unit.COUNT), relaxed.domain(Unit.COUNT)) is None
    assert value_fault(Measurement(-1.0, Unit.COUNT), relaxed.domain(Unit.COUNT)) == (
        "-1, outside 0 or more"
    )


def test_the_sentence_names_the_report_the_metric_and_the_value() -> None:
    message = impossible_value(
        ["coverage.xml"], "coverage", "line_rate", Measurement(134.2, Unit.PERCENT), None
    )
    assert message == (
        "coverage.xml: line_rate is 134.2 %, outside 0–100 %: "
        "the report is corrupt or not from coverage"
    )


def test_many_sources_are_cut_short() -> None:
    assert describe_sources([]) == "the report"
    assert describe_sources(["a", "b", "c", "d", "e"]) == "a, b, c and 2 more"


def test_a_report_from_the_future_is_refused_beyond_the_skew() -> None:
    assert future_timestamp(["r.json"], NOW + timedelta(minutes=5), NOW) is None
    assert future_timestamp(["r.json"], NOW + timedelta(minutes=6), NOW) == (
        "r.json: the report says it was made at 2026-11-24T12:06:00+00:00, 6 min after the "
        "run's clock (2026-11-24T12:00:00+00:00; 5 min allowed): a wrong clock or a forged report"
    )


def test_a_time_without_a_zone_may_be_any_zones_local_time() -> None:
    later = NOW + timedelta(hours=13)  # a Surefire timestamp written at UTC+13
    assert future_timestamp(["TEST-x.xml"], later, NOW, has_zone=False) is None
    message = future_timestamp(["TEST-x.xml"], NOW + timedelta(hours=15), NOW, has_zone=False)
    assert message is not None and "15 h after the run's clock" in message
    assert "14 h 5 min allowed" in message
    naive = datetime(2026, 11, 24, 12, 30)  # no zone at all: taken as UTC
    assert future_timestamp(["r"], naive, NOW) is not None
