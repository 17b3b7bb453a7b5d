"""The statistics behind history conditions, trends and improvements, checked against
their definitions computed by hand and against SciPy's own routines."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qualitygates.history.stats import MAD_TO_SIGMA, MEAN_AD_TO_SIGMA, drift, mad, robust_z, shift


def test_robust_z_is_distance_from_the_median_in_scaled_mads() -> None:
    history = [10.0, 11.0, 12.0, 13.0, 100.0]  # one outlier: the median and MAD ignore it
    assert mad(history) == 1.0
    assert robust_z(15.0, history) == pytest.approx(3 / MAD_TO_SIGMA)
    assert robust_z(9.0, history) == pytest.approx(-3 / MAD_TO_SIGMA)


def test_a_zero_mad_falls_back_to_the_mean_absolute_deviation() -> None:
    history = [5.0, 5.0, 5.0, 6.0, 9.0]  # more than half equal: MAD 0, mean AD (0+0+0+1+4)/5
    assert mad(history) == 0
    assert robust_z(7.0, history) == pytest.approx(2 / (MEAN_AD_TO_SIGMA * 1.0))


def test_a_flat_history_gives_zero_at_its_value_and_infinity_elsewhere() -> None:
    assert robust_z(4.0, [4.0, 4.0, 4.0]) == 0
    assert robust_z(4.5, [4.0, 4.0, 4.0]) == math.inf
    assert robust_z(3.5, [4.0, 4.0, 4.0]) == -math.inf
    with pytest.raises(ValueError, match="at least one earlier value"):
        robust_z(1.0, [])


@given(st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=30), st.floats(-1e6, 1e6))
def test_robust_z_is_signed_by_the_side_of_the_median(history: list[float], value: float) -> None:
    centre = sorted(history)[len(history) // 2] if len(history) % 2 else None
    z = robust_z(value, history)
    if centre is not None and value > centre:
        assert z >= 0
    if centre is not None and value < centre:
        assert z <= 0


def test_drift_is_theil_sen_over_the_window_when_mann_kendall_says_so() -> None:
    """A creep of 1 a day around 100, over a 30-day window: 30 / 100 = 30 %."""
    days = [float(d) for d in range(10)]
    values = [95.0 + d for d in range(10)]
    found = drift(days, values, 30)
    assert found.slope_per_day == 1.0 and found.median == 99.5
    assert found.significant and found.p_value < 1e-5
    assert found.percent == pytest.approx(30 / 99.5 * 100)
    assert found.percent_per_week == pytest.approx(7 / 99.5 * 100)


def test_drift_of_noise_is_not_significant_and_counts_as_zero() -> None:
    rng = random.Random(1)
    values = [100 + rng.gauss(0, 5) for _ in range(30)]
    found = drift([float(d) for d in range(30)], values, 30)
    assert not found.significant and found.percent == 0


def test_drift_agrees_with_scipy_and_needs_three_points() -> None:
    from scipy.stats import kendalltau, theilslopes

    rng = random.Random(2)
    days = sorted(rng.uniform(-30, 0) for _ in range(20))
    values = [200 + 0.5 * d + rng.gauss(0, 2) for d in days]
    found = drift(days, values, 30)
    assert found.slope_per_day == pytest.approx(theilslopes(values, days).slope)
    assert found.p_value == pytest.approx(kendalltau(days, values).pvalue)
    with pytest.raises(ValueError, match="at least 3 runs"):
        drift([0.0, 1.0], [1.0, 2.0], 30)
    assert drift([0.0, 1.0, 2.0], [5.0, 5.0, 5.0], 30).percent == 0  # flat: no NaN


def test_shift_compares_medians_and_tests_the_groups() -> None:
    before = [200.0, 210.0, 190.0, 205.0, 195.0, 202.0, 198.0]
    after = [140.0, 150.0, 145.0, 138.0, 152.0, 147.0, 141.0]
    found = shift(before, after)
    assert (found.before, found.after) == (200.0, 145.0)
    assert found.change == pytest.approx(-55 / 200)
    assert found.significant
    assert not shift(before, [199.0, 201.0, 203.0]).significant
    assert shift([1.0], [1.0]).p_value == 1.0
