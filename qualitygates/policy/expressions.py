"""Condition expressions (`METRIC OP VALUE`) and threshold units.

A threshold keeps the number and the unit as written; it is converted to the metric's
own unit when judged, with exact rational arithmetic so that `300ms` against a metric in
seconds is exactly the float 0.3, not 0.30000000000000004.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from math import isfinite
from typing import Any

from qualitygates.model import MetricValue, Unit
from qualitygates.policy.history_terms import (
    HistoryTerm,
    HistoryTermError,
    parse_derived_metric,
    parse_history_threshold,
)

OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "<=": operator.le,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    ">": operator.gt,
}

# unit token -> (dimension, factor to the dimension's base unit)
UNITS: dict[str, tuple[str, Fraction]] = {
    "%": ("percent", Fraction(1)),
    "us": ("time", Fraction(1, 1_000_000)),
    "µs": ("time", Fraction(1, 1_000_000)),
    "ms": ("time", Fraction(1, 1000)),
    "s": ("time", Fraction(1)),
    "m": ("time", Fraction(60)),
    "h": ("time", Fraction(3600)),
    "B": ("bytes", Fraction(1)),
    "KB": ("bytes", Fraction(1000)),
    "MB": ("bytes", Fraction(1000**2)),
    "GB": ("bytes", Fraction(1000**3)),
    "KiB": ("bytes", Fraction(1024)),
    "MiB": ("bytes", Fraction(1024**2)),
    "GiB": ("bytes", Fraction(1024**3)),
    "/s": ("rate", Fraction(1)),
    "/m": ("rate", Fraction(1, 60)),
}

# metric unit -> (dimension it accepts, factor of its own unit in the dimension's base)
_METRIC_DIMENSION: dict[Unit, tuple[str, Fraction]] = {
    Unit.PERCENT: ("percent", Fraction(1)),
    Unit.RATIO: ("percent", Fraction(100)),
    Unit.MILLISECONDS: ("time", Fraction(1, 1000)),
    Unit.SECONDS: ("time", Fraction(1)),
    Unit.BYTES: ("bytes", Fraction(1)),
    Unit.PER_SECOND: ("rate", Fraction(1)),
}

_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_UNIT_ALTERNATION = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
_NUMBER_WITH_UNIT = re.compile(rf"^({_NUMBER})\s*({_UNIT_ALTERNATION})?$")
_WORD = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
_QUOTED = re.compile(r"""^(?:"([^"]*)"|'([^']*)')$""")
_BASELINE = re.compile(rf"^baseline(?:\s*([*+-])\s*({_NUMBER})\s*({_UNIT_ALTERNATION})?)?$")


class ExpressionError(ValueError):
    """A condition that cannot be parsed, or a threshold whose unit does not fit."""


@dataclass(frozen=True)
class Threshold:
    """The right-hand side of a condition as written."""

    text: str
    number: str | None = None  # the literal, kept as text for exact conversion
    unit: str | None = None
    word: str | None = None
    baseline: bool = False
    baseline_op: str | None = None  # '*', '+' or '-' after `baseline` or a history term
    history: HistoryTerm | None = None  # history.median(last=10) and the like

    @property
    def is_numeric(self) -> bool:
        return self.word is None


@dataclass(frozen=True)
class Expression:
    """A parsed condition: `metric operator threshold`."""

    text: str
    metric: str  # the metric read; inside anomaly(...) or drift(...), the one they read
    operator: str
    threshold: Threshold
    derived: HistoryTerm | None = None  # anomaly(METRIC, WINDOW) or drift(METRIC, WINDOW)


def parse_expression(text: str) -> Expression:
    """Split `METRIC OP VALUE` at the first operator outside braces and parentheses."""
    position, op = _find_operator(text)
    if op is None:
        ops = " ".join(OPERATORS)
        raise ExpressionError(
            f"{text!r} has no comparison; write METRIC OP VALUE with OP one of {ops}"
        )
    metric, value = text[:position].strip(), text[position + len(op) :].strip()
    if not metric:
        raise ExpressionError(f"{text!r} names no metric before {op!r}")
    if not value:
        raise ExpressionError(f"{text!r} has no value after {op!r}")
    if value[:1] in "<>=!":
        raise ExpressionError(f"{text!r} has an invalid operator; use one of {' '.join(OPERATORS)}")
    try:
        derived = parse_derived_metric(metric)
    except HistoryTermError as exc:
        raise ExpressionError(str(exc)) from None
    if derived is not None:
        threshold = parse_threshold(value, op)
        if threshold.baseline or threshold.history is not None or not threshold.is_numeric:
            raise ExpressionError(f"{text!r}: compare {derived[0].function}(...) with a number")
        return Expression(text.strip(), derived[1], op, threshold, derived[0])
    return Expression(text.strip(), metric, op, parse_threshold(value, op))


def _find_operator(text: str) -> tuple[int, str | None]:
    depth = 0
    for i, char in enumerate(text):
        if char in "{(":
            depth += 1
        elif char in "})":
            depth -= 1
        elif depth == 0 and char in "<>=!":
            two = text[i : i + 2]
            if two in OPERATORS:
                return i, two
            if char in "<>":
                return i, char
            raise ExpressionError(
                f"{text!r}: {two!r} is not an operator; use one of {' '.join(OPERATORS)}"
            )
    return -1, None


def parse_threshold(value: str, op: str) -> Threshold:
    """Parse a threshold: a number with an optional unit, a word, or a baseline form; a
    number outside a float's range (`* 1e400` would make any value pass) is refused."""
    threshold = _threshold(value, op)
    if threshold.number is not None:
        _check_range(threshold.number)
    return threshold


def _threshold(value: str, op: str) -> Threshold:
    if match := _NUMBER_WITH_UNIT.match(value):
        return Threshold(value, number=match.group(1), unit=match.group(2))
    if value.startswith("history."):
        try:
            term, history_op, number, unit = parse_history_threshold(value)
        except HistoryTermError as exc:
            raise ExpressionError(str(exc)) from None
        if unit is not None and unit not in UNITS:
            raise ExpressionError(f"{value!r}: {unit!r} is not a unit ({' '.join(UNITS)})")
        return Threshold(value, number=number, unit=unit, baseline_op=history_op, history=term)
    if match := _BASELINE.match(value):
        return Threshold(
            value,
            number=match.group(2),
            unit=match.group(3),
            baseline=True,
            baseline_op=match.group(1),
        )
    word_match = _QUOTED.match(value)
    word = (word_match.group(1) or word_match.group(2) or "") if word_match else None
    if word is None and _WORD.match(value):
        word = value
    if word is None:
        if re.search(r"\b(baseline|history\.)", value):
            raise ExpressionError(
                f"{value!r}: write the statistic first and its factor or offset after it, "
                "e.g. baseline * 1.10 or history.median(last=10) + 20ms"
            )
        units = " ".join(UNITS)
        raise ExpressionError(
            f"{value!r} is not a number with a known unit ({units}), a word or a baseline"
        )
    if op not in ("==", "!="):
        raise ExpressionError(f"a word such as {word!r} can only be compared with == or !=")
    return Threshold(value, word=word)


def convert(number: str, unit: str | None, metric_unit: Unit, metric: str) -> float:
    """The threshold `number unit` expressed in the metric's own unit, exactly rounded."""
    _check_range(number)
    value = Fraction(number)
    if unit is None:
        if metric_unit is Unit.PERCENT and value != 0:
            # A bare fraction (0.8) almost always means 80 %: say so, never suggest 0.8 %.
            example = f"{float(value * 100):g}%" if 0 < value <= 1 else f"{number}%"
            raise ExpressionError(
                f"{metric} is a percentage (0-100): write the threshold with %, e.g. {example}"
            )
        if metric_unit is Unit.TEXT:
            raise ExpressionError(f"{metric} is a word, not a number: compare it with a word")
        if metric_unit is Unit.RATIO:
            _check_ratio(value, number, "", metric)
        return float(value)
    dimension, factor = UNITS[unit]
    accepted = _METRIC_DIMENSION.get(metric_unit)
    if accepted is None or accepted[0] != dimension:
        raise ExpressionError(
            f"{unit!r} does not apply to {metric}, which is in {unit_label(metric_unit)}"
        )
    converted = value * factor / accepted[1]
    if metric_unit is Unit.RATIO:
        _check_ratio(converted, number, unit, metric)
    return float(converted)


def _check_ratio(value: Fraction, number: str, unit: str, metric: str) -> None:
    """A ratio is 0-1: a bare 5 would mean 500 % and `< 5` could never fail."""
    if 0 <= value <= 1:
        return
    if not unit and 1 < value <= 100:
        shown = f"{float(value):g}"
        raise ExpressionError(
            f"{metric} is a ratio (0-1): write {shown}% (or {float(value / 100):g}), not {number}"
        )
    bounds = "0% to 100%" if unit else "0 to 1"
    raise ExpressionError(f"{metric} is a ratio (0-1): {number}{unit} is outside {bounds}")


def exact(number: str) -> Fraction:
    """A threshold's number, exactly; ExpressionError when it is out of a float's range."""
    _check_range(number)
    return Fraction(number)


def _check_range(number: str) -> None:
    # Fraction("1e99999999") builds a 40 MB integer for minutes, and float() of a larger
    # one overflows: a threshold outside a float's range is an error, not a hang.
    exponent = number.lower().partition("e")[2].lstrip("+-").lstrip("0")
    if len(exponent) > 3 or (exponent and int(exponent) > 330) or not isfinite(float(number)):
        raise ExpressionError(f"{number} is out of range for a threshold")


def unit_label(unit: Unit) -> str:
    labels = {
        Unit.PERCENT: "percent",
        Unit.RATIO: "a ratio (0-1)",
        Unit.MILLISECONDS: "milliseconds",
        Unit.SECONDS: "seconds",
        Unit.PER_SECOND: "per second",
        Unit.COUNT: "a count",
        Unit.BYTES: "bytes",
        Unit.NUMBER: "the tool's own unit",
        Unit.TEXT: "words",
    }
    return labels[unit]


def compare(actual: MetricValue, op: str, threshold: MetricValue) -> bool:
    """True when `actual OP threshold` holds."""
    return bool(OPERATORS[op](actual, threshold))
