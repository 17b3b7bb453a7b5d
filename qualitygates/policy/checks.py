"""Validation of the parts of a check that depend on its adapter: options and conditions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qualitygates.adapters.interface import Adapter, MetricSpec, OptionKind, OptionSpec
from qualitygates.baseline import NEW_PREFIX
from qualitygates.model import Unit
from qualitygates.policy.expressions import ExpressionError, convert, parse_expression
from qualitygates.policy.keys import CONDITION_KEYS
from qualitygates.policy.model import Condition, OnFail
from qualitygates.policy.problems import Problems, suggest
from qualitygates.policy.yaml_source import Located

_SCALAR_KINDS = {
    OptionKind.STRING: (str,),
    OptionKind.SECRET: (str,),
    OptionKind.URL: (str,),
    OptionKind.PATH: (str,),
    OptionKind.INTEGER: (int,),
    OptionKind.NUMBER: (int, float),
    OptionKind.BOOLEAN: (bool,),
    OptionKind.CHOICE: (str,),
}


def validate_options(
    node: Located | None,
    adapter: type[Adapter],
    base_dir: Path,
    problems: Problems,
    secrets: set[str],
) -> dict[str, Any]:
    """Check `with:` against the adapter's declared options; resolve paths; fill defaults."""
    given: dict[str, Located] = {}
    if node is not None:
        if not node.is_mapping:
            problems.add(node, f"'with' must be a mapping of {adapter.name} options")
        else:
            given = node.value
    declared = [o.name for o in adapter.options]
    options: dict[str, Any] = {}
    for key, value in given.items():
        spec = adapter.option_spec(key)
        if spec is None:
            hint = suggest(key, declared) or f" (its options: {', '.join(declared) or 'none'})"
            problems.add_key(
                node, key, f"unknown option {key!r} for adapter {adapter.name!r}{hint}"
            )
            continue
        options[key] = _option_value(value, spec, base_dir, problems, secrets)
    for spec in adapter.options:
        if spec.name not in given:
            if spec.required:
                where = node if node is not None else None
                problems.add(
                    where,
                    f"adapter {adapter.name!r} needs the option {spec.name!r}: {spec.description}",
                )
            else:
                options[spec.name] = spec.default
    return options


def _option_value(
    node: Located, spec: OptionSpec, base_dir: Path, problems: Problems, secrets: set[str]
) -> Any:
    value = node.plain()
    if spec.kind in (OptionKind.PATHS, OptionKind.STRINGS):
        items = [value] if isinstance(value, str) else value
        if (
            not isinstance(items, list)
            or not items
            or not all(isinstance(i, str) and i for i in items)
        ):
            problems.add(
                node, f"option {spec.name!r} must be a string or a non-empty list of strings"
            )
            return []
        return [_resolve(i, base_dir) for i in items] if spec.kind is OptionKind.PATHS else items
    if spec.kind is OptionKind.MAPPING:
        if not isinstance(value, dict) or not all(
            isinstance(v, (str, int, float)) for v in value.values()
        ):
            problems.add(node, f"option {spec.name!r} must be a mapping of names to values")
            return {}
        return {str(k): str(v) for k, v in value.items()}
    if spec.kind is OptionKind.LIST:  # structured options: the adapter validates their items
        if not isinstance(value, (list, dict)):
            problems.add(node, f"option {spec.name!r} must be a list or a mapping")
        return value
    expected = _SCALAR_KINDS[spec.kind]
    if (isinstance(value, bool) and bool not in expected) or not isinstance(value, expected):
        if spec.kind is OptionKind.NUMBER and isinstance(value, str):
            problems.add(node, f"option {spec.name!r} must be a number, not {value!r}")
            return None
        problems.add(
            node, f"option {spec.name!r} must be {spec.kind.value}, not {type(value).__name__}"
        )
        return None
    if spec.kind is OptionKind.CHOICE and value not in spec.choices:
        hint = suggest(str(value), list(spec.choices)) or f" (one of {', '.join(spec.choices)})"
        problems.add(node, f"option {spec.name!r} cannot be {value!r}{hint}")
    if spec.kind is OptionKind.SECRET and value:
        secrets.add(str(value))
    return _resolve(str(value), base_dir) if spec.kind is OptionKind.PATH else value


def _resolve(path: str, base_dir: Path) -> str:
    expanded = Path(path).expanduser()
    return str(expanded if expanded.is_absolute() else base_dir / expanded)


def validate_condition(
    node: Located, adapter: type[Adapter], problems: Problems
) -> Condition | None:
    """Parse one condition (short or long form) and check its metric and unit."""
    on_fail, on_no_baseline = OnFail.FAIL, OnFail.WARN
    text_node = node
    if node.is_mapping:
        problems.unknown_keys(node, CONDITION_KEYS, "a condition")
        if "expr" not in node.value:
            problems.add(
                node,
                "a condition in long form needs 'expr', e.g. {expr: 'line_rate >= 80%', on_fail: warn}",
            )
            return None
        text_node = node.value["expr"]
        on_fail = _on_fail(node, "on_fail", OnFail.FAIL, problems)
        on_no_baseline = _on_fail(node, "on_no_baseline", OnFail.WARN, problems)
    if not isinstance(text_node.value, str):
        problems.add(text_node, "a condition must be a string such as 'line_rate >= 80%'")
        return None
    try:
        expression = parse_expression(text_node.value)
    except ExpressionError as exc:
        problems.add(text_node, str(exc))
        return None
    if not _check_metric(text_node, expression.metric, expression.threshold, adapter, problems):
        return None
    spec = metric_spec(adapter, expression.metric)
    unit_declared = spec is not None and spec.unit is not None
    return Condition(expression, on_fail, on_no_baseline, problems.where(text_node), unit_declared)


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


def _check_metric(
    node: Located, metric: str, threshold: Any, adapter: type[Adapter], problems: Problems
) -> bool:
    spec = metric_spec(adapter, metric)
    if spec is None:
        names = [m.name for m in adapter.metrics]
        hint = suggest(metric, names) or f" (its metrics: {', '.join(names)})"
        problems.add(node, f"unknown metric {metric!r} for adapter {adapter.name!r}{hint}")
        return False
    if spec.unit is None or (threshold.baseline and threshold.number is None):
        return True
    if spec.unit is Unit.TEXT and threshold.is_numeric:
        problems.add(node, f"{metric} is a word (such as OK); compare it with == or != and a word")
        return False
    if spec.unit is not Unit.TEXT and not threshold.is_numeric:
        problems.add(node, f"{metric} is a number; {threshold.text!r} is not a number with a unit")
        return False
    if threshold.is_numeric and threshold.number is not None and threshold.baseline_op != "*":
        try:
            convert(threshold.number, threshold.unit, spec.unit, metric)
        except ExpressionError as exc:
            problems.add(node, str(exc))
            return False
    return True
