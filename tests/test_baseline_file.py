"""A `--baseline` file is checked like any report: strict JSON, values of their unit, and a
passing run, so a damaged or failing baseline can never lower the bar silently."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import qualitygates


def _saved(example: Path) -> dict[str, Any]:
    first = qualitygates("run", "-q", "--json", "base.json", cwd=example)
    assert first.returncode == 0, first.stdout + first.stderr
    return json.loads((example / "base.json").read_text())


def _first_metric(result: dict[str, Any], unit: str) -> dict[str, Any]:
    for gate in result["gates"]:
        for check in gate["checks"]:
            for metric in check["metrics"].values():
                if metric["unit"] == unit:
                    return metric
    raise AssertionError(f"no {unit} metric in the example")


def test_a_baseline_from_a_failed_run_is_refused_unless_asked_for(example: Path) -> None:
    saved = _saved(example)
    saved["status"] = "failed"
    (example / "base.json").write_text(json.dumps(saved))
    refused = qualitygates("run", "-q", "--baseline", "base.json", cwd=example)
    assert refused.returncode == 2
    assert (
        "--baseline base.json is the result of a run that did not pass (status failed): give "
        "a passing run's result, or add --baseline-any"
    ) in refused.stderr
    accepted = qualitygates("run", "-q", "--baseline", "base.json", "--baseline-any", cwd=example)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr


@pytest.mark.parametrize(
    ("unit", "value", "message"),
    [
        ("percent", "85", "is '85', not a number"),
        ("count", True, "is True, not a number"),
        (
            "ms",
            1e400,
            "base.json is not valid qualitygates result JSON: Infinity is not a JSON number",
        ),
    ],
)
def test_a_baseline_value_that_is_no_number_is_refused(
    example: Path, unit: str, value: object, message: str
) -> None:
    saved = _saved(example)
    _first_metric(saved, unit)["value"] = value
    (example / "base.json").write_text(json.dumps(saved).replace("1e400", "Infinity"))
    run = qualitygates("run", "-q", "--baseline", "base.json", cwd=example)
    assert run.returncode == 2, run.stdout
    assert message in run.stderr


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (-1, "the baseline's failures is -1, outside 0 or more"),
        (2.5, "the baseline's failures is 2.5, not a whole number"),
    ],
)
def test_an_impossible_baseline_value_is_an_error_not_no_baseline(
    example: Path, value: float, message: str
) -> None:
    policy = example / "gates.yaml"
    policy.write_text(policy.read_text().replace(
        "          - failures == 0\n", "          - failures == 0\n          - failures <= baseline\n"
    ))  # fmt: skip
    saved = _saved(example)
    tests = next(c for g in saved["gates"] for c in g["checks"] if c["id"] == "tests")
    tests["metrics"]["failures"]["value"] = value
    (example / "base.json").write_text(json.dumps(saved))
    run = qualitygates("run", "-q", "--baseline", "base.json", cwd=example)
    assert run.returncode == 3, run.stdout
    assert message + ": the saved result is damaged" in run.stdout


def test_a_baseline_that_repeats_a_key_is_refused_with_its_line(example: Path) -> None:
    saved = _saved(example)
    text = json.dumps(saved, indent=1).replace(
        '"status": "passed",', '"status": "failed",\n "status": "passed",', 1
    )
    (example / "base.json").write_text(text)
    run = qualitygates("run", "-q", "--baseline", "base.json", cwd=example)
    assert run.returncode == 2
    assert (
        'base.json is not valid qualitygates result JSON: the key "status" appears twice in '
        "one object (line 4)"
    ) in run.stderr
