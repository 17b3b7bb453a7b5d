"""k6's statistics, recomputed exactly from raw samples, and the unit of each stat.

The formulas are k6's own (`metrics/sink.go` in k6's source): a Trend keeps every
sample; `avg` is the running sum (added in sample order, as k6 adds them) over the count;
`p(N)` sorts and interpolates linearly at `i = N/100 · (n − 1)`; `med` is `p(50)`.
Values live in `array('d')` (8 bytes each) and large arrays are sorted chunk by chunk and
merged lazily, so sorting never turns them into Python float objects all at once.
"""

from __future__ import annotations

import heapq
import math
from array import array
from collections.abc import Callable, Iterable, Iterator

from qualitygates.model import Unit

TREND, COUNTER, RATE, GAUGE = "trend", "counter", "rate", "gauge"
KINDS = frozenset({TREND, COUNTER, RATE, GAUGE})
#: Stats each k6 metric type has (k6's summary keys; `count` also on Trends).
STATS_BY_KIND: dict[str, tuple[str, ...]] = {
    TREND: ("avg", "min", "med", "max", "p(N)", "count"),
    COUNTER: ("count", "rate"),
    RATE: ("rate", "passes", "fails"),
    GAUGE: ("value", "min", "max"),
}
_CHUNK = 1 << 14  # values sorted at once: a bounded number of Python floats alive


def unit_for(kind: str, contains: str, stat: str) -> Unit:
    """The unit of one stat, from k6's metric type and its `contains` (time/data/default)."""
    if stat in ("passes", "fails") or stat.startswith("thresholds"):
        return Unit.COUNT
    if stat == "rate":
        return Unit.PER_SECOND if kind == COUNTER else Unit.RATIO
    if stat == "count":
        if kind == COUNTER and contains == "data":
            return Unit.BYTES
        return Unit.COUNT
    if contains == "time":
        return Unit.MILLISECONDS
    if contains == "data":
        return Unit.BYTES
    return Unit.NUMBER


def percentile(values: list[float], pct: float) -> float:
    """k6's `TrendSink.P(pct/100)` on values already sorted ascending."""
    ranks = percentile_ranks(len(values), pct)
    if ranks is None:
        return values[0] if values else 0.0
    low, high, frac = ranks
    return interpolate(values[low], values[high], frac)


def percentile_ranks(count: int, pct: float) -> tuple[int, int, float] | None:
    """The two sorted positions and the fraction k6 interpolates between (None if n < 2)."""
    if count < 2:
        return None
    i = (pct / 100) * (float(count) - 1.0)
    return math.floor(i), math.ceil(i), i - math.floor(i)


def interpolate(low: float, high: float, frac: float) -> float:
    return low + (high - low) * frac


def running_sum(values: Iterable[float]) -> float:
    """The sum as k6 accumulates it: one addition per sample, in order (not fsum)."""
    total = 0.0
    for value in values:
        total += value
    return total


def sorted_runs(values: array[float]) -> list[memoryview]:
    """Sort `values` in place chunk by chunk; the sorted runs, to be merged lazily."""
    view = memoryview(values)
    runs = []
    for start in range(0, len(values), _CHUNK):
        values[start : start + _CHUNK] = array("d", sorted(view[start : start + _CHUNK]))
        runs.append(view[start : start + _CHUNK])
    return runs


def percentiles(values: array[float], wanted: Iterable[float]) -> dict[float, float]:
    """Several k6 percentiles of `values` (sorts `values` in place, chunk by chunk).

    Ranks below the middle are reached by merging the sorted runs upwards, the others by
    merging downwards, so p(95) walks only the top 5 % of the values.
    """
    count = len(values)
    wanted = sorted(set(wanted))
    if count < 2:
        return dict.fromkeys(wanted, values[0] if count else 0.0)
    plan = {pct: percentile_ranks(count, pct) for pct in wanted}
    positions = sorted({pos for r in plan.values() if r for pos in r[:2]})
    runs = sorted_runs(values)
    needed: dict[int, float] = {}
    low = [p for p in positions if p < count // 2]
    high = [count - 1 - p for p in reversed(positions) if p >= count // 2]
    _pick(heapq.merge(*runs), low, needed, lambda i: i)
    descending = heapq.merge(*(reversed(run) for run in runs), reverse=True)
    _pick(descending, high, needed, lambda i: count - 1 - i)
    result = {}
    for pct, ranks in plan.items():
        assert ranks is not None
        lo, hi, frac = ranks
        result[pct] = interpolate(needed[lo], needed[hi], frac)
    return result


def _pick(
    ordered: Iterator[float], steps: list[int], out: dict[int, float], rank: Callable[[int], int]
) -> None:
    """Record the values at the given steps (ascending) of `ordered`, keyed by `rank(step)`."""
    todo = iter(steps)
    target = next(todo, None)
    if target is None:
        return
    for index, value in enumerate(ordered):
        while target == index:
            out[rank(index)] = value
            target = next(todo, None)
        if target is None:
            return
