"""The statistics that history conditions, trends and improvements are judged with.

Each works on plain floats, so it is tested on its own and shared by the engine (history
conditions), `trend` (drift) and `improvement validate` (before and after):

- **Robust z-score** (`robust_z`): how far a value is from the median of recent runs, in
  units of their spread. The spread is 1.4826 x the median absolute deviation (MAD), which
  equals the standard deviation for normal data but ignores outliers. When more than half
  the runs are equal the MAD is 0; then 1.2533 x the mean absolute deviation from the
  median is used (1.2533 = sqrt(pi/2), the same equality for normal data). When that is
  0 too, every run had the same value: z is 0 at it and infinite (signed) anywhere else.
- **Drift** (`drift`): the Theil-Sen slope (the median of the slopes between every pair
  of points) times the window's length, as a percent of the window's median. It counts
  only when the Mann-Kendall test finds a monotonic trend with p < 0.05; otherwise it is
  0. Mann-Kendall is Kendall's tau between time and value (`scipy.stats.kendalltau`:
  exact for small series without ties, else the normal approximation with the tie
  correction).
- **Shift** (`shift`): two groups of runs (before and after a change) compared by their
  medians, their MADs and the Mann-Whitney U test, so that one noisy run decides nothing.

SciPy is imported only when a trend test is asked for: a run without one never pays for it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import fmean, median

MAD_TO_SIGMA = 1.4826  # 1 / Phi^-1(3/4): MAD x this estimates sigma for normal data
MEAN_AD_TO_SIGMA = 1.2533  # sqrt(pi / 2): mean absolute deviation x this estimates sigma
SIGNIFICANCE = 0.05


def mad(values: Sequence[float]) -> float:
    """The median absolute deviation from the median (unscaled)."""
    centre = median(values)
    return median(abs(v - centre) for v in values)


def robust_spread(history: Sequence[float]) -> float:
    """The spread a robust z-score divides by: 1.4826 x MAD, else 1.2533 x MeanAD, else 0."""
    centre = median(history)
    spread = MAD_TO_SIGMA * mad(history)
    if spread == 0:
        spread = MEAN_AD_TO_SIGMA * fmean(abs(v - centre) for v in history)
    return spread


def robust_z(value: float, history: Sequence[float]) -> float:
    """How many robust standard deviations `value` lies above (+) or below (-) the median."""
    if not history:
        raise ValueError("a robust z-score needs at least one earlier value")
    centre = median(history)
    spread = robust_spread(history)
    if spread == 0:
        return 0.0 if value == centre else math.copysign(math.inf, value - centre)
    return (value - centre) / spread


@dataclass(frozen=True)
class Drift:
    """A trend over a window: the Theil-Sen slope and the Mann-Kendall test."""

    slope_per_day: float  # in the metric's unit
    p_value: float
    median: float
    days: float  # the window's length

    @property
    def significant(self) -> bool:
        return self.p_value < SIGNIFICANCE

    @property
    def percent(self) -> float:
        """The slope over the whole window as a percent of the median; 0 when not significant."""
        if not self.significant or self.slope_per_day == 0:
            return 0.0
        if self.median == 0:
            return math.copysign(math.inf, self.slope_per_day)
        return self.slope_per_day * self.days / abs(self.median) * 100

    @property
    def percent_per_week(self) -> float:
        """The slope per week as a percent of the median, whether significant or not."""
        if self.median == 0:
            return 0.0 if self.slope_per_day == 0 else math.copysign(math.inf, self.slope_per_day)
        return self.slope_per_day * 7 / abs(self.median) * 100


def drift(days: Sequence[float], values: Sequence[float], window_days: float) -> Drift:
    """Theil-Sen and Mann-Kendall over points at `days` (any origin) with `values`.

    Needs at least 3 points at 2 distinct times; ValueError otherwise.
    """
    if len(values) != len(days):
        raise ValueError("drift needs one time per value")
    if len(values) < 3 or len(set(days)) < 2:
        raise ValueError("drift needs at least 3 runs at 2 distinct times")
    from scipy.stats import kendalltau, theilslopes

    centre = median(values)
    if len(set(values)) == 1:  # a flat series: no trend, and kendalltau would give NaN
        return Drift(0.0, 1.0, centre, window_days)
    slope = float(theilslopes(values, days).slope)
    tau = kendalltau(days, values)
    p_value = float(tau.pvalue)
    return Drift(slope, 1.0 if math.isnan(p_value) else p_value, centre, window_days)


@dataclass(frozen=True)
class Shift:
    """Two groups of runs compared: their medians, their spreads and the U test's p-value."""

    before: float  # median
    after: float
    before_mad: float
    after_mad: float
    p_value: float

    @property
    def change(self) -> float:
        """The change of the median, as a fraction of the median before (inf from 0)."""
        if self.before == 0:
            return 0.0 if self.after == 0 else math.copysign(math.inf, self.after)
        return (self.after - self.before) / abs(self.before)

    @property
    def significant(self) -> bool:
        return self.p_value < SIGNIFICANCE


def shift(before: Sequence[float], after: Sequence[float]) -> Shift:
    """Compare two groups of at least one value each (two-sided Mann-Whitney U)."""
    if not before or not after:
        raise ValueError("a comparison needs runs before and after")
    from scipy.stats import mannwhitneyu

    if len(set(before) | set(after)) == 1:
        p_value = 1.0
    else:
        p_value = float(mannwhitneyu(before, after, alternative="two-sided").pvalue)
    return Shift(median(before), median(after), mad(before), mad(after), p_value)
