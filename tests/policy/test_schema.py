"""`qualitygates schema`: the JSON Schema accepts what validate accepts and rejects typos."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from qualitygates.cli import cli
from qualitygates.cli.starter import STARTER_POLICY

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    result = CliRunner().invoke(cli, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize(
    "text", [(ROOT / "gates.yaml").read_text(), STARTER_POLICY], ids=["bundled", "starter"]
)
def test_policies_that_validate_fit_the_schema(
    validator: jsonschema.Draft202012Validator, text: str
) -> None:
    document = yaml.safe_load(text)
    assert list(validator.iter_errors(document)) == []


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda d: d["gates"][0].update(chekcs=[]), ["gates", 0]),
        (
            lambda d: d["gates"][0]["checks"][0]["with"].update(pth="x"),
            ["gates", 0, "checks", 0, "with"],
        ),
        (
            lambda d: d["gates"][0]["checks"][0].update(adapter="coverge"),
            ["gates", 0, "checks", 0, "adapter"],
        ),
        (
            lambda d: d["gates"][0]["checks"][0].update(on_error="ignore"),
            ["gates", 0, "checks", 0, "on_error"],
        ),
    ],
    ids=["gate-key", "adapter-option", "adapter-name", "on-error"],
)
def test_typos_are_flagged(
    validator: jsonschema.Draft202012Validator, change, path: list[object]
) -> None:
    document = yaml.safe_load((ROOT / "gates.yaml").read_text())
    change(document)
    errors = list(validator.iter_errors(document))
    assert errors
    assert any(list(e.absolute_path)[: len(path)] == path for e in errors)


def _trivy_check(**options: object) -> dict[str, object]:
    check = {"id": "t", "adapter": "trivy", "with": {"path": "t.json", **options}}
    check["conditions"] = ["vulnerabilities.critical == 0"]
    return {"version": 1, "gates": [{"id": "g", "checks": [check]}]}


def test_the_schema_knows_the_choices_of_list_items_and_numeric_bounds(
    validator: jsonschema.Draft202012Validator,
) -> None:
    assert list(validator.iter_errors(_trivy_check(severities=["CRITICAL", "high"]))) == []
    assert list(validator.iter_errors(_trivy_check(severities=["crtical"])))
    assert list(validator.iter_errors(_trivy_check(severities="crtical")))
    sonar = {"id": "s", "adapter": "sonarqube", "with": {"project": "p", "wait": -1}}
    sonar["conditions"] = ["quality_gate == OK"]
    assert list(validator.iter_errors({"version": 1, "gates": [{"id": "g", "checks": [sonar]}]}))


def test_a_policy_that_extends_may_restate_only_what_it_changes(
    validator: jsonschema.Draft202012Validator,
) -> None:
    partial = {
        "version": 1,
        "extends": ["../org/base.yaml", {"source": "https://x.example/b.yaml", "sha256": "a" * 64}],
        "waiver_ceiling": "high",
        "gates": [{"id": "code-quality", "checks": [{"id": "coverage", "locked": True}]}],
    }
    assert list(validator.iter_errors(partial)) == []
    assert list(validator.iter_errors({"version": 1, "extends": "base.yaml"})) == []
    # Without extends, a gate must be whole, and the policy must have gates.
    whole = {k: v for k, v in partial.items() if k != "extends"}
    assert list(validator.iter_errors(whole))
    assert list(validator.iter_errors({"version": 1}))
    assert list(validator.iter_errors({**partial, "waiver_ceiling": "severe"}))
