"""Lint severities on the one scale, from each tool's own data; the counts keep the levels."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualitygates.adapters.lint.severity import eslint_severity, ruff_severity
from qualitygates.cli import cli
from qualitygates.model import Severity
from tests.adapters.test_lint import FIXTURES, levels, run_lint
from tests.adapters.test_sarif import run as run_sarif


@pytest.mark.parametrize(
    ("code", "severity"),
    [
        ("invalid-syntax", Severity.HIGH),
        ("E902", Severity.HIGH),  # an IO error: the file was not even read
        ("F821", Severity.HIGH),  # an undefined name
        ("PLE0101", Severity.HIGH),
        ("F401", Severity.MEDIUM),
        ("S608", Severity.MEDIUM),
        ("B006", Severity.MEDIUM),
        ("C901", Severity.MEDIUM),
        ("DTZ005", Severity.MEDIUM),  # DTZ, not D: the longest family wins
        ("E711", Severity.LOW),
        ("UP006", Severity.LOW),
        ("PLR0913", Severity.LOW),
        ("D100", Severity.INFO),  # a docstring nit is not ranked beside a syntax error
        ("I001", Severity.INFO),
        ("XYZ123", Severity.LOW),  # a family not listed
    ],
)
def test_ruff_rules_are_graded_by_their_family(code: str, severity: Severity) -> None:
    assert ruff_severity(code) is severity


def test_ruff_findings_are_graded_and_every_one_still_counts_as_an_error() -> None:
    findings, counts = run_lint(FIXTURES / "ruff.json")
    assert {f.rule: f.severity for f in findings} == {
        "F401": Severity.MEDIUM, "E711": Severity.LOW, "C901": Severity.MEDIUM,
        "invalid-syntax": Severity.HIGH,
    }  # fmt: skip
    assert levels(counts)["errors"] == len(findings) == levels(counts)["total"]


@pytest.mark.parametrize(
    ("level", "rule_type", "severity"),
    [
        (2, "problem", Severity.HIGH), (2, "suggestion", Severity.MEDIUM),
        (2, "layout", Severity.LOW), (2, None, Severity.HIGH),
        (1, "problem", Severity.MEDIUM), (1, "suggestion", Severity.LOW),
        (1, "layout", Severity.INFO), (1, None, Severity.MEDIUM),
    ],
)  # fmt: skip
def test_eslint_severity_and_rule_type(
    level: int, rule_type: str | None, severity: Severity
) -> None:
    assert eslint_severity(level, rule_type) is severity


def test_eslint_json_with_metadata_grades_by_rule_type_and_counts_by_level(tmp_path: Path) -> None:
    plain, plain_counts = run_lint(FIXTURES / "eslint-with-metadata.json")
    data = json.loads((FIXTURES / "eslint-with-metadata.json").read_text())
    data["metadata"]["rulesMeta"] = {}
    (tmp_path / "untyped.json").write_text(json.dumps(data))
    untyped, untyped_counts = run_lint(tmp_path / "untyped.json")
    by_rule = {f.rule: f.severity for f in plain}
    assert by_rule["no-var"] is Severity.MEDIUM  # an error of a `suggestion` rule
    assert {f.rule: f.severity for f in untyped}["no-var"] is Severity.HIGH
    assert levels(plain_counts) == levels(untyped_counts)  # the counts keep ESLint's levels


def test_ruff_through_sarif_is_graded_as_its_json_is(tmp_path: Path) -> None:
    log = {
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "ruff", "rules": []}},
            "results": [
                {"ruleId": code, "level": "error", "message": {"text": code},
                 "locations": [{"physicalLocation": {"artifactLocation": {"uri": "a.py"},
                                                     "region": {"startLine": 1}}}]}
                for code in ("D100", "F821", "E501")
            ],
        }],
    }  # fmt: skip
    (tmp_path / "ruff.sarif").write_text(json.dumps(log))
    collection, counts = run_sarif(tmp_path / "ruff.sarif")
    assert [f.severity for f in collection.findings] == [Severity.INFO, Severity.HIGH, Severity.LOW]
    assert counts["results.error"] == 3  # counted by the level ruff wrote


def test_explain_names_the_rules_of_messages_without_one() -> None:
    done = CliRunner().invoke(cli, ["explain", "lint"])
    assert done.exit_code == 0
    text = " ".join(done.output.split())
    for name in ("rule.parse-error", "rule.eslint-core", "rule.invalid-syntax"):
        assert name in text
