"""Whether one condition is at least as strict as another on the same metric.

`new` is at least as strict as `base` when every value `new` passes, `base` passes too
(`>= 90%` over `>= 80%`, `< 200ms` over `<= 0.3s`, `== 0` over `<= 5`), and it fails where
`base` fails rather than warning. Thresholds compare exactly, in one unit; what cannot be
compared (another unit's dimension, a bare number against one with a unit, a baseline
form) is not taken as stricter: the extending policy writes it as its base does.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from fractions import Fraction

from qualitygates.policy.expressions import (
    UNITS,
    Expression,
    ExpressionError,
    Threshold,
    exact,
    parse_expression,
)
from qualitygates.policy.yaml_source import Located

#: For a base operator: which operators of a new condition can be as strict, and how its
#: value must compare with the base's ((new, base) -> bool).
_WITHIN: dict[str, dict[str, Callable[[Fraction, Fraction], bool]]] = {
    ">=": {">=": operator.ge, ">": operator.ge, "==": operator.ge},
    ">": {">=": operator.gt, ">": operator.ge, "==": operator.gt},
    "<=": {"<=": operator.le, "<": operator.le, "==": operator.le},
    "<": {"<=": operator.lt, "<": operator.le, "==": operator.lt},
    "==": {"==": operator.eq},
    "!=": {"!=": operator.eq, "==": operator.ne},
}


def condition_text(node: Located) -> str:
    """The expression of a condition node (short or long form), as written."""
    expr = node.value.get("expr") if node.is_mapping else node
    return str(expr.value) if expr is not None else ""


def metric_of(node: Located) -> str | None:
    """The metric a condition node judges; None when it is not a valid expression."""
    expression = _expression(node)
    if expression is None:
        return None
    if expression.derived is not None:  # anomaly(M, W) judges something other than M
        return (
            f"{expression.derived.function}({expression.metric}, {expression.derived.window.text})"
        )
    return expression.metric


def at_least_as_strict(base: Located, new: Located) -> str | None:
    """None when `new` is at least as strict as `base`; else why it is not."""
    old, tighter = _expression(base), _expression(new)
    if old is None or tighter is None:
        return None  # validation reports the expression itself
    if _on(base, "on_fail", "fail") == "fail" and _on(new, "on_fail", "fail") == "warn":
        return "on_fail: warn where the base fails"
    if (
        _on(base, "on_no_baseline", "warn") == "fail"
        and _on(new, "on_no_baseline", "warn") == "warn"
    ):
        return "on_no_baseline: warn where the base fails"
    if _relative(old) and _relative(tighter):
        return _offset_passes_less(old, tighter)
    return _passes_less(old, tighter)


def comparable(base: Located, new: Located) -> bool:
    """Whether `new` can be weighed against `base` at all: two plain thresholds, or two
    relative to the same statistic (or baseline) by the same kind of offset. A condition
    that cannot (`p95 < 300ms` beside `p95 <= history.median(last=10) * 1.10`) replaces
    nothing: both are judged, which can only be stricter."""
    old, tighter = _expression(base), _expression(new)
    if old is None or tighter is None:
        return True  # validation reports the expression itself
    if _relative(old) or _relative(tighter):
        return _anchor(old) == _anchor(tighter) is not None
    return True


def _anchor(expression: Expression) -> tuple[str, bool] | None:
    """What a relative threshold is relative to, and whether its offset is a factor."""
    threshold = expression.threshold
    if threshold.history is not None:
        term = f"history.{threshold.history.function}({threshold.history.window.text})"
    elif threshold.baseline:
        term = "baseline"
    else:
        return None
    return term, threshold.baseline_op == "*"


def _offset_passes_less(old: Expression, new: Expression) -> str | None:
    """Two thresholds on the same statistic (which is no negative number): the smaller
    factor or offset is the stricter for `<` and `<=`, the larger for `>` and `>=`."""
    allowed = _WITHIN[old.operator].get(new.operator)
    offsets = _offsets(old.threshold, new.threshold)
    if allowed is None or offsets is None:
        return f"{new.text!r} cannot be compared with it: write it as its base does"
    if not allowed(offsets[1], offsets[0]):
        return f"{new.text!r} passes values that {old.text!r} fails"
    return None


def _offsets(old: Threshold, new: Threshold) -> tuple[Fraction, Fraction] | None:
    """Both factors (`* F`), or both signed offsets (`+ X`, `- X`, none) in one unit."""
    if old.baseline_op == "*":
        return exact(old.number or "1"), exact(new.number or "1")
    unit = old.unit or new.unit  # no offset at all is 0 in the other's unit
    return _values(_signed(old, unit), _signed(new, unit))


def _signed(threshold: Threshold, unit: str | None) -> Threshold:
    """The offset of `+ X`, `- X` or none as a signed number (0 for none, in `unit`)."""
    if threshold.number is None:
        return Threshold("", number="0", unit=unit)
    sign = "-" if threshold.baseline_op == "-" else ""
    return Threshold("", number=f"{sign}{threshold.number}", unit=threshold.unit)


def _relative(expression: Expression) -> bool:
    """A threshold known only at run time: the baseline's value, or recent history's."""
    return expression.threshold.baseline or expression.threshold.history is not None


def _passes_less(old: Expression, new: Expression) -> str | None:
    allowed = _WITHIN[old.operator].get(new.operator)
    if allowed is None:
        return f"{new.text!r} passes values that {old.text!r} fails"
    if old.threshold.word is not None or new.threshold.word is not None:
        both = old.threshold.word is not None and new.threshold.word is not None
        # Words are only the same or not: 1 for the same word, 0 for another, against 1.
        holds = both and allowed(Fraction(_words_equal(old, new)), Fraction(1))
        return None if holds else f"{new.text!r} passes values that {old.text!r} fails"
    try:
        values = _values(old.threshold, new.threshold)
    except ExpressionError:
        return None  # validation says the number is out of range
    if values is None:
        return f"{new.text!r} cannot be compared with it: write the threshold in its unit"
    if not allowed(values[1], values[0]):
        return f"{new.text!r} passes values that {old.text!r} fails"
    return None


def _words_equal(old: Expression, new: Expression) -> int:
    return int(old.threshold.word == new.threshold.word)


def _values(old: Threshold, new: Threshold) -> tuple[Fraction, Fraction] | None:
    """Both thresholds in one unit, or None when they cannot be compared."""
    if old.number is None or new.number is None:
        return None
    if old.unit is None or new.unit is None:
        if old.unit != new.unit:
            return None
        return exact(old.number), exact(new.number)
    (old_kind, old_factor), (new_kind, new_factor) = UNITS[old.unit], UNITS[new.unit]
    if old_kind != new_kind:
        return None
    return exact(old.number) * old_factor, exact(new.number) * new_factor


def _expression(node: Located) -> Expression | None:
    try:
        return parse_expression(condition_text(node))
    except (ExpressionError, ValueError, ZeroDivisionError):
        return None


def _on(node: Located, key: str, default: str) -> object:
    found = node.value.get(key) if node.is_mapping else None
    return found.value if found is not None else default
