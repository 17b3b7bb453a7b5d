"""SonarQube answers as qualitygates metrics: the gate, its conditions, and measures.

Units come from each metric's `type` in `api/measures/component?additionalFields=metrics`:
a `PERCENT` metric is a percentage (0-100, so its thresholds need `%`), `INT` a count,
`MILLISEC` milliseconds; `FLOAT`, `RATING` (1-5 for A-E) and `WORK_DUR` (minutes) stay in
the tool's own unit; `LEVEL`, `STRING`, `DATA` and `DISTRIB` are words.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from qualitygates.adapters.sonarqube.api import GateStatus, Measure
from qualitygates.errors import AdapterError
from qualitygates.model import Measurement, Unit

QUALITY_GATE = "quality_gate"
IGNORED_CONDITIONS = "ignored_conditions"
COMPLEXITY_PER_FUNCTION = "complexity_per_function"
#: The measures `complexity_per_function` is computed from.
PER_FUNCTION_INPUTS = ("complexity", "functions")
TYPE_UNITS = {
    "PERCENT": Unit.PERCENT,
    "INT": Unit.COUNT,
    "FLOAT": Unit.NUMBER,
    "RATING": Unit.NUMBER,
    "MILLISEC": Unit.MILLISECONDS,
    "WORK_DUR": Unit.NUMBER,
    "BOOL": Unit.NUMBER,
    "LEVEL": Unit.TEXT,
    "STRING": Unit.TEXT,
    "DATA": Unit.TEXT,
    "DISTRIB": Unit.TEXT,
}


def gate_metrics(gate: GateStatus) -> dict[str, Measurement]:
    """`quality_gate`, `ignored_conditions` (where the answer says) and each condition's
    status and actual value."""
    metrics = {QUALITY_GATE: Measurement(gate.status, Unit.TEXT)}
    if gate.ignored_conditions is not None:
        metrics[IGNORED_CONDITIONS] = Measurement(float(gate.ignored_conditions), Unit.COUNT)
    for condition in gate.conditions:
        prefix = f"conditions.{condition.metric}"
        metrics[f"{prefix}.status"] = Measurement(condition.status, Unit.TEXT)
        actual = _number(condition.actual)
        if actual is not None:
            metrics[f"{prefix}.actual"] = Measurement(actual, Unit.NUMBER)
    return metrics


def measure_metrics(measures: Mapping[str, Measure]) -> dict[str, Measurement]:
    """One metric per measure that has a value, in the unit its type gives it."""
    metrics: dict[str, Measurement] = {}
    for key, measure in measures.items():
        if measure.value is not None:
            metrics[key] = _measurement(measure, measure.value)
    return metrics


def complexity_per_function(measures: Mapping[str, Measure]) -> Measurement | None:
    """complexity / functions, when both are there and there is at least one function."""
    complexity = _number(measures["complexity"].value) if "complexity" in measures else None
    functions = _number(measures["functions"].value) if "functions" in measures else None
    if complexity is None or not functions:
        return None  # left out: the engine reports it as absent, never as a pass
    return Measurement(complexity / functions, Unit.NUMBER)


def per_function_gap(measures: Mapping[str, Measure]) -> str:
    """Why `complexity_per_function` has no value: a measure missing, or no function."""
    for key in PER_FUNCTION_INPUTS:
        if key not in measures or _number(measures[key].value) is None:
            return (
                f"SonarQube has no {key} measure for this project (its languages' analyzers "
                "compute none), so there is nothing to divide: gate on another measure"
            )
    return "the project has no functions to divide by"


def _measurement(measure: Measure, value: str) -> Measurement:
    unit = TYPE_UNITS.get(measure.type or "")
    number = _number(value)
    if unit is None:  # an unknown type, or an old server without `metrics`
        return Measurement(value, Unit.TEXT) if number is None else Measurement(number, Unit.NUMBER)
    if unit is Unit.TEXT:
        return Measurement(value, Unit.TEXT)
    if number is None:
        raise AdapterError(
            f"SonarQube measure {measure.metric} ({measure.type}) is {value!r}, not a number"
        )
    return Measurement(number, unit)


def _number(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None
