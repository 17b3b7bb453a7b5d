"""The parts of a condition that read the history store.

- A threshold of recent history: `history.median(last=10) * 1.10`, `history.min(30d) - 0.5%`
  (`median`, `mean`, `min` or `max` of the metric over a window, then optionally `*`, `+`
  or `-` a number, as with `baseline`).
- A metric of recent history: `anomaly(METRIC, last=20)`, the robust z-score of this run's
  value against the window, and `drift(METRIC, 30d)`, the trend over the window as a
  percent of its median (see `qualitygates.history.stats`).

A window is `last=N`, the last N passing runs of the baseline branch, or a duration
(`30d`, `12h`, `2w`), the passing runs recorded within that time before the run. It is
written `last=10`, not `last: 10`: inside a YAML list an unquoted `last: 10` is a mapping.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from qualitygates.durations import parse_duration

AGGREGATES = ("median", "mean", "min", "max")
DERIVED = ("anomaly", "drift")
MAX_LAST = 10_000  # runs one window may read
MAX_SPAN = timedelta(days=3660)

_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_THRESHOLD = re.compile(
    rf"^history\.(?P<function>\w+)\s*\((?P<window>[^()]*)\)"
    rf"(?:\s*(?P<op>[*+-])\s*(?P<number>{_NUMBER})\s*(?P<unit>\S+)?)?$"
)
_DERIVED = re.compile(r"^(?P<function>anomaly|drift)\s*\((?P<inner>.*)\)$", re.S)


class HistoryTermError(ValueError):
    """A history threshold or metric that cannot be read; the message says how to write it."""


@dataclass(frozen=True)
class Window:
    """Which recorded runs a history term reads."""

    text: str  # as written: "last=10" or "30d"
    last: int | None = None
    span: timedelta | None = None

    def describe(self, branch: str, runs: int, dates: str = "") -> str:
        """`last=10, 10 passing runs of main from 2026-10-02 to 2026-10-11`."""
        plural = "run" if runs == 1 else "runs"
        return f"{self.text}, {runs} passing {plural} of {branch or 'any branch'}{dates}"


@dataclass(frozen=True)
class HistoryTerm:
    """`FUNCTION(METRIC?, WINDOW)`: an aggregate threshold, or anomaly / drift."""

    function: str  # median | mean | min | max | anomaly | drift
    window: Window

    @property
    def minimum_runs(self) -> int:
        """Runs the window must hold: all of `last=N`; for a duration, enough for the
        statistic (a median of one run, a spread of three, a trend of four and this run)."""
        if self.window.last is not None:
            return self.window.last
        return {"anomaly": 3, "drift": 4}.get(self.function, 1)


def parse_window(text: str) -> Window:
    """`last=N` or a duration; HistoryTermError otherwise."""
    text = text.strip()
    if text.startswith("last"):
        key, equals, count = text.partition("=")
        count = count.strip()
        if key.strip() != "last" or not equals or not (count.isascii() and count.isdigit()):
            raise HistoryTermError(f"{text!r} is not a window: write last=N (e.g. last=10) or 30d")
        if len(count.lstrip("0")) > 6:  # no int() of thousands of digits
            raise HistoryTermError(f"{text[:24]!r}…: a window holds 1 to {MAX_LAST} runs")
        last = int(count)
        if not 1 <= last <= MAX_LAST:
            raise HistoryTermError(f"last={last}: a window holds 1 to {MAX_LAST} runs")
        return Window(f"last={last}", last=last)
    try:
        span = parse_duration(text)
    except ValueError:
        raise HistoryTermError(
            f"{text!r} is not a window: write last=N (the last N passing runs) or a "
            "duration such as 30d"
        ) from None
    if not timedelta(0) < span <= MAX_SPAN:
        raise HistoryTermError(f"{text}: a window spans more than nothing and at most 10 years")
    return Window(text, span=span)


def parse_history_threshold(value: str) -> tuple[HistoryTerm, str | None, str | None, str | None]:
    """`history.FUNCTION(WINDOW) [OP NUMBER[UNIT]]` as (term, op, number, unit)."""
    found = _THRESHOLD.match(value.strip())
    if found is None:
        raise HistoryTermError(
            f"{value!r} is not a history threshold: write e.g. history.median(last=10) * 1.10 "
            "or history.min(30d) - 0.5%"
        )
    function = found["function"]
    if function not in AGGREGATES:
        raise HistoryTermError(
            f"history.{function} is not known: use history.{', history.'.join(AGGREGATES)}"
        )
    if found["op"] == "*" and found["unit"]:
        raise HistoryTermError(f"{value!r}: a factor has no unit (history.median(...) * 1.10)")
    term = HistoryTerm(function, parse_window(found["window"]))
    return term, found["op"], found["number"], found["unit"]


def parse_derived_metric(text: str) -> tuple[HistoryTerm, str] | None:
    """`anomaly(METRIC, WINDOW)` or `drift(METRIC, WINDOW)` as (term, METRIC); None for a
    plain metric name."""
    found = _DERIVED.match(text.strip())
    if found is None:
        return None
    metric, comma, window = found["inner"].rpartition(",")
    if not comma or not metric.strip():
        function = found["function"]
        raise HistoryTermError(
            f"{text!r}: write {function}(METRIC, WINDOW), e.g. {function}(http_req_duration.p(95), last=20)"
        )
    term = HistoryTerm(found["function"], parse_window(window))
    if term.function == "anomaly" and term.window.last is not None and term.window.last < 3:
        raise HistoryTermError(f"{text!r}: anomaly needs a window of at least 3 runs")
    if term.function == "drift" and term.window.last is not None and term.window.last < 4:
        raise HistoryTermError(f"{text!r}: drift needs a window of at least 4 runs")
    return term, metric.strip()
