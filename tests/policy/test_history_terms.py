"""Conditions on recent history as the policy is validated: every form a user writes, and
each mistake said at FILE:LINE:COL."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from tests.policy.test_loader import VALID, load, problems


@pytest.mark.parametrize(
    ("condition", "function", "window", "metric"),
    [
        ("p95 <= history.median(last=10) * 1.10", "median", "last=10", "p95"),
        ("line_rate >= history.min(30d) - 0.5%", "min", "30d", "line_rate"),
        ("p95 < history.mean(2w) + 20ms", "mean", "2w", "p95"),
        ("count <= history.max(last=5)", "max", "last=5", "count"),
        ("anomaly(p95, last=20) < 3.5", "anomaly", "last=20", "p95"),
        ("anomaly(line_rate, 30d) > -3.5", "anomaly", "30d", "line_rate"),
        ("drift(p95, 30d) < 5%", "drift", "30d", "p95"),
    ],
)
def test_history_conditions_load(
    tmp_path: Path, condition: str, function: str, window: str, metric: str
) -> None:
    policy = load(tmp_path, VALID.replace("line_rate >= 80%", f'"{condition}"'))
    loaded = policy.gates[0].checks[0].conditions[0]
    term = loaded.expression.derived or loaded.threshold.history
    assert term is not None
    assert (term.function, term.window.text, loaded.metric) == (function, window, metric)
    if window == "30d":
        assert term.window.span == timedelta(days=30)


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        (
            "p95 < history.median(last: 10)",
            "this condition was read as a YAML mapping, split at ': ' (write last=10, not "
            "last: 10, or quote the condition)",
        ),
        (
            '"p95 < history.median(10)"',
            "'10' is not a window: write last=N (the last N passing runs) or a duration such "
            "as 30d",
        ),
        (
            '"p95 < history.p99(last=10)"',
            "history.p99 is not known: use history.median, history.mean, history.min, "
            "history.max",
        ),
        ('"p95 < history.median(last=0)"', "last=0: a window holds 1 to 10000 runs"),
        (
            '"p95 < history.median(last=10) * 1.1ms"',
            "'history.median(last=10) * 1.1ms': a factor has no unit (history.median(...) * 1.10)",
        ),
        ('"line_rate >= history.min(30d) - 5ms"', "'ms' does not apply to line_rate, which is in percent"),
        ('"state == history.median(last=3)"', "state is a word: history thresholds compare numbers"),
        ('"anomaly(p95) < 3.5"', "'anomaly(p95)': write anomaly(METRIC, WINDOW), e.g. "
         "anomaly(http_req_duration.p(95), last=20)"),
        ('"anomaly(p95, last=2) < 3.5"', "'anomaly(p95, last=2)': anomaly needs a window of at least 3 runs"),
        ('"drift(p95, last=3) < 5%"', "'drift(p95, last=3)': drift needs a window of at least 4 runs"),
        ('"anomaly(p95, 30d) < 3ms"', "anomaly is a z-score without a unit: write e.g. < 3.5, not ms"),
        ('"drift(p95, 30d) < 5"', "drift is a percent of the window's median: write e.g. < 5%"),
        ('"drift(pp95, 30d) < 5%"', "unknown metric 'pp95' for adapter 'fake' (did you mean 'p95'?)"),
        ('"drift(state, 30d) < 5%"', "state is a word: drift needs a number"),
        ('"anomaly(p95, 30d) < baseline"', "'anomaly(p95, 30d) < baseline': compare anomaly(...) with a number"),
        ('"p95 <= history.median(last=5) * 1e400"', "1e400 is out of range for a threshold"),
        ('"p95 <= baseline * 1e400"', "1e400 is out of range for a threshold"),
        ('"drift(p95, 30d) < 1e400%"', "1e400 is out of range for a threshold"),
        ('"anomaly(p95, last=10) < 1e400"', "1e400 is out of range for a threshold"),
        ('"p95 < history.median(last=' + "1" * 5000 + ')"',
         "'last=1111111111111111111'…: a window holds 1 to 10000 runs"),
        ('"p95 < history.median(last=\u0661\u0660)"',
         "'last=\u0661\u0660' is not a window: write last=N (e.g. last=10) or 30d"),
        ('"p95 <= 1.10 * history.median(last=10)"', "'1.10 * history.median(last=10)': write the "
         "statistic first and its factor or offset after it, e.g. baseline * 1.10 or "
         "history.median(last=10) + 20ms"),
    ],
)  # fmt: skip
def test_history_condition_mistakes_are_said_where_they_are(
    tmp_path: Path, condition: str, message: str
) -> None:
    text = VALID.replace("line_rate >= 80%", condition)
    assert problems(tmp_path, text) == [f"gates.yaml:10:13: {message}"]


def test_last_colon_inside_a_flow_mapping_says_how_to_write_it(tmp_path: Path) -> None:
    condition = "{expr: p95 <= history.median(last: 10) * 1.1, on_fail: warn}"
    text = VALID.replace("line_rate >= 80%", condition)
    assert problems(tmp_path, text) == [
        "gates.yaml:10:46: invalid YAML: expected ',' or '}', but got ':' (in a condition, "
        "write last=10, not last: 10)"
    ]
