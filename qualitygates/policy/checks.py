"""Validation of a check's conditions against its adapter's metrics and their units.

The check's options are validated in `qualitygates.policy.options`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from qualitygates.adapters.interface import Adapter, MetricSpec
from qualitygates.model import NEW_PREFIX, Unit
from qualitygates.policy.expressions import (
    Expression,
    ExpressionError,
    convert,
    parse_expression,
)
from qualitygates.policy.keys import CONDITION_KEYS
from qualitygates.policy.model import Condition, OnFail
from qualitygates.policy.problems import Problems, suggest
from qualitygates.policy.yaml_source import Located


def validate_condition(
    node: Located,
    adapter: type[Adapter],
    problems: Problems,
    units: Mapping[str, Unit] | None = None,
    options: Mapping[str, Any] | None = None,
) -> Condition | None:
    """Parse one condition (short or long form) and check its metric and unit.

    `units` are the units the check's options give to metrics the adapter cannot type
    (Prometheus `units:`); they are checked and judged like declared ones. `options` (the
    check's validated `with:`) let the adapter refuse a metric no report could give.
    """
    units = units or {}
    form = _condition_form(node, problems)
    if form is None:
        return None
    text_node, on_fail, on_no_baseline = form
    if not isinstance(text_node.value, str):
        problems.add(text_node, "a condition must be a string such as 'line_rate >= 80%'")
        return None
    try:
        expression = parse_expression(text_node.value)
    except ExpressionError as exc:
        problems.add(text_node, str(exc))
        return None
    metric = expression.metric
    if expression.derived is not None:
        return _derived_condition(text_node, expression, adapter, problems, units, form)
    if not _check_metric(text_node, metric, expression.threshold, adapter, problems, units):
        return None
    problem = adapter.metric_problem(metric.removeprefix(NEW_PREFIX), options or {})
    if problem is not None:  # a lint rule id that no linter has
        problems.add(text_node, problem)
        return None
    spec = metric_spec(adapter, metric)
    unit_declared = units.get(metric) is not None or (spec is not None and spec.unit is not None)
    return Condition(expression, on_fail, on_no_baseline, problems.where(text_node), unit_declared)


def _derived_condition(
    node: Located,
    expression: Expression,
    adapter: type[Adapter],
    problems: Problems,
    units: Mapping[str, Unit],
    form: tuple[Located, OnFail, OnFail],
) -> Condition | None:
    """`anomaly(METRIC, W) < 3.5` (a plain number) or `drift(METRIC, W) < 5%` (a percent)
    on a numeric metric of the adapter."""
    assert expression.derived is not None
    metric, function = expression.metric, expression.derived.function
    spec = _known_metric(node, metric, adapter, problems)
    if spec is None:
        return None
    if (units.get(metric) or spec.unit) is Unit.TEXT:
        problems.add(node, f"{metric} is a word: {function} needs a number")
        return None
    unit = expression.threshold.unit
    if function == "anomaly" and unit is not None:
        problems.add(node, f"anomaly is a z-score without a unit: write e.g. < 3.5, not {unit}")
        return None
    if function == "drift" and unit != "%":
        problems.add(node, "drift is a percent of the window's median: write e.g. < 5%")
        return None
    return Condition(expression, form[1], form[2], problems.where(node), True)


def _condition_form(node: Located, problems: Problems) -> tuple[Located, OnFail, OnFail] | None:
    """The expression's node, `on_fail` and `on_no_baseline` of a condition in short form (a
    string) or long form (a mapping with `expr`); None when the long form has no `expr`."""
    if not node.is_mapping:
        return node, OnFail.FAIL, OnFail.WARN
    if "expr" not in node.value and _split_by_colon(node):
        problems.add(
            node,
            "this condition was read as a YAML mapping, split at ': ' (write last=10, not "
            "last: 10, or quote the condition)",
        )
        return None
    problems.unknown_keys(node, CONDITION_KEYS, "a condition")
    if "expr" not in node.value:
        problems.add(
            node,
            "a condition in long form needs 'expr', e.g. {expr: 'line_rate >= 80%', on_fail: warn}",
        )
        return None
    on_fail = _on_fail(node, "on_fail", OnFail.FAIL, problems)
    on_no_baseline = _on_fail(node, "on_no_baseline", OnFail.WARN, problems)
    return node.value["expr"], on_fail, on_no_baseline


def _split_by_colon(node: Located) -> bool:
    """`- p95 <= history.median(last: 10)` is YAML for {"p95 <= history.median(last": "10)"}."""
    return len(node.value) == 1 and any(char in str(key) for key in node.value for char in "<>=!(")


def _on_fail(node: Located, key: str, default: OnFail, problems: Problems) -> OnFail:
    value = node.value.get(key)
    if value is None:
        return default
    try:
        return OnFail(value.value)
    except ValueError:
        problems.add(value, f"{key} must be 'fail' or 'warn', not {value.value!r}")
        return default


def metric_spec(adapter: type[Adapter], metric: str) -> MetricSpec | None:
    """The declared spec of a metric; `new.<metric>` (findings new since the baseline)
    has the spec of `<metric>`."""
    spec = adapter.metric_spec(metric)
    if spec is None and metric.startswith(NEW_PREFIX):
        spec = adapter.metric_spec(metric.removeprefix(NEW_PREFIX))
    return spec


def _known_metric(
    node: Located, metric: str, adapter: type[Adapter], problems: Problems
) -> MetricSpec | None:
    """The metric's spec, or None with the problem said (and the names it could mean)."""
    spec = metric_spec(adapter, metric)
    if spec is None:
        names = [m.name for m in adapter.metrics]
        hint = suggest(metric, names) or f" (its metrics: {', '.join(names)})"
        problems.add(node, f"unknown metric {metric!r} for adapter {adapter.name!r}{hint}")
    return spec


def _check_metric(
    node: Located,
    metric: str,
    threshold: Any,
    adapter: type[Adapter],
    problems: Problems,
    units: Mapping[str, Unit],
) -> bool:
    spec = _known_metric(node, metric, adapter, problems)
    if spec is None:
        return False
    unit = units.get(metric) or spec.unit
    if unit is Unit.TEXT and threshold.history is not None:
        problems.add(node, f"{metric} is a word: history thresholds compare numbers")
        return False
    if unit is None or ((threshold.baseline or threshold.history) and threshold.number is None):
        return True
    if unit is Unit.TEXT and threshold.is_numeric:
        problems.add(node, f"{metric} is a word (such as OK); compare it with == or != and a word")
        return False
    if unit is not Unit.TEXT and not threshold.is_numeric:
        problems.add(node, f"{metric} is a number; {threshold.text!r} is not a number with a unit")
        return False
    if threshold.is_numeric and threshold.number is not None and threshold.baseline_op != "*":
        try:
            convert(threshold.number, threshold.unit, unit, metric)
        except ExpressionError as exc:
            problems.add(node, str(exc))
            return False
    return True
