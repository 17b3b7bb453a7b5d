"""A ratio is 0-1: a bare `rate < 5` means < 500 % and can never fail, so it is refused.

By validate where the policy knows the unit (a declared ratio, k6's built-in Rates,
Prometheus `units: {x: ratio}`); by the judge (exit 3) where only the source tells, as
for a Rate metric a k6 script defines itself.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from qualitygates.engine.judge import judge_condition
from qualitygates.errors import PolicyError
from qualitygates.model import Measurement, Status, Unit
from qualitygates.policy import load_policy
from qualitygates.policy.expressions import parse_expression
from qualitygates.policy.model import Condition, OnFail
from tests.fakes import registry_with_fake


def problems(tmp_path: Path, adapter: str, condition: str) -> list[str]:
    text = f"""\
    version: 1
    gates:
      - id: g
        checks:
          - id: c
            adapter: {adapter}
            with: {{path: report.json}}
            conditions: ["{condition}"]
    """
    path = tmp_path / "gates.yaml"
    path.write_text(textwrap.dedent(text))
    try:
        load_policy(path, {}, registry_with_fake())
    except PolicyError as exc:
        return [p.replace(str(path), "gates.yaml") for p in exc.problems]
    return []


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ("rate < 5", "rate is a ratio (0-1): write 5% (or 0.05), not 5"),
        ("rate <= 80", "rate is a ratio (0-1): write 80% (or 0.8), not 80"),
        ("rate < 1e2", "rate is a ratio (0-1): write 100% (or 1), not 1e2"),
        ("rate < 150", "rate is a ratio (0-1): 150 is outside 0 to 1"),
        ("rate > -0.1", "rate is a ratio (0-1): -0.1 is outside 0 to 1"),
        ("rate < 500%", "rate is a ratio (0-1): 500% is outside 0% to 100%"),
        ("rate <= baseline + 2", "rate is a ratio (0-1): write 2% (or 0.02), not 2"),
    ],
)
def test_a_threshold_outside_a_ratio_is_refused(
    tmp_path: Path, condition: str, message: str
) -> None:
    assert problems(tmp_path, "fake", condition) == [f"gates.yaml:8:22: {message}"]


@pytest.mark.parametrize(
    "condition", ["rate < 0.05", "rate < 5%", "rate <= 1", "rate >= 0", "rate <= baseline * 1.5"]
)
def test_thresholds_within_a_ratio_are_accepted(tmp_path: Path, condition: str) -> None:
    assert problems(tmp_path, "fake", condition) == []


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        (
            "http_req_failed.rate < 5",
            "http_req_failed.rate is a ratio (0-1): write 5% (or 0.05), not 5",
        ),
        (
            "checks{check:status is 200}.rate > 95",
            "checks{check:status is 200}.rate is a ratio (0-1): write 95% (or 0.95), not 95",
        ),
        (
            "http_req_failed{scenario:peak}.rate < 2",
            "http_req_failed{scenario:peak}.rate is a ratio (0-1): write 2% (or 0.02), not 2",
        ),
        (
            "browser_http_req_failed.rate < 10",
            "browser_http_req_failed.rate is a ratio (0-1): write 10% (or 0.1), not 10",
        ),
        ("http_reqs.rate > 5%", "'%' does not apply to http_reqs.rate, which is in per second"),
    ],
)
def test_k6_built_in_rates_are_typed_before_the_run(
    tmp_path: Path, condition: str, message: str
) -> None:
    assert problems(tmp_path, "k6", condition) == [f"gates.yaml:8:22: {message}"]


@pytest.mark.parametrize(
    "condition",
    [
        "http_req_failed.rate < 1%",
        "checks.rate >= 0.99",
        "http_reqs.rate > 100",
        "my_rate.rate < 5",
    ],
)
def test_k6_rates_that_make_sense_or_cannot_be_typed_validate(
    tmp_path: Path, condition: str
) -> None:
    # `my_rate` is the script's own metric: a Rate (0-1) or a Counter (per second)
    assert problems(tmp_path, "k6", condition) == []


def condition(text: str) -> Condition:
    return Condition(parse_expression(text), OnFail.FAIL, OnFail.WARN, "gates.yaml:1:1", False)


def test_a_bare_number_on_a_ratio_only_the_source_types_is_an_error_of_the_run() -> None:
    metrics = {"my_rate.rate": Measurement(0.3, Unit.RATIO)}
    result = judge_condition(condition("my_rate.rate < 5"), metrics)
    assert result.status is Status.ERROR
    assert result.message == "my_rate.rate is a ratio (0-1): write 5% (or 0.05), not 5"
    assert judge_condition(condition("my_rate.rate < 0.5"), metrics).status is Status.PASSED
    counter = {"my_rate.rate": Measurement(30.0, Unit.PER_SECOND)}
    assert judge_condition(condition("my_rate.rate < 50"), counter).status is Status.PASSED
