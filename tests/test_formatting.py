"""Display of values: honest digits, ratios as percentages."""

from __future__ import annotations

import pytest

from qualitygates.formatting import format_number, format_value, honest_pair
from qualitygates.model import Unit


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (72.5, "72.5"),
        (80.0, "80"),
        (73.863636, "73.86"),
        (0.005, "0.005"),
        (0.000123456, "0.000123"),
        (-0.5, "-0.5"),
    ],
)
def test_format_number_keeps_significant_digits(value: float, shown: str) -> None:
    assert format_number(value) == shown


def test_ratios_read_as_percentages() -> None:
    assert format_value(0.005, Unit.RATIO) == "0.5%"
    assert format_value(0.0, Unit.RATIO) == "0%"


def test_rounding_never_makes_a_miss_look_like_a_tie() -> None:
    assert honest_pair(79.996, 80.0, Unit.PERCENT) == ("79.996%", "80%")
    assert honest_pair(0.0049999, 0.005, Unit.RATIO) == ("0.49999%", "0.5%")
