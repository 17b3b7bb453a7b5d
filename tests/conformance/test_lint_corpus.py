"""The lint adapter over every ESLint, ruff and pylint JSON report of the shared corpus.

Each file's counts must equal a plain count of its entries made here with `json`, and,
where the tool printed its own totals (ESLint's errorCount/warningCount fields in the
reports it wrote here, ruff's "Found N errors" and "[*] N fixable"), those too. Files that
are not a lint JSON format we read (GitLab Code Quality) or that hold messages without a
severity (hand-made edge cases of jenkinsci/analysis-model) must be refused.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from qualitygates.adapters.lint import LintAdapter
from qualitygates.errors import AdapterError
from tests.adapters.test_lint import run_lint
from tests.helpers import corpus_params, corpus_root

pytestmark = pytest.mark.corpus

REPORTS = ("lint/*.json", "set-b/eslint/*.json", "set-b/ruff/*.json")
# Reports ESLint itself wrote (the DefectDojo and analysis-model files were edited by hand).
ESLINT_MADE = ("lint/eslint.json", "lint/eslint-with-metadata.json", "set-b/eslint/eslint.json",
               "set-b/eslint/eslint-with-metadata.json", "set-b/eslint/eslint-clean.json")  # fmt: skip
PYLINT_ERRORS = {"fatal", "error"}


class Broken(Exception):
    """The file is not a lint report we read, or has an entry we cannot classify."""


def plain_counts(data: Any) -> dict[str, Any]:
    """errors, warnings, fixable and per-rule counts, counted straight from the JSON."""
    if isinstance(data, dict) and "results" in data:
        return _eslint(data["results"])
    if isinstance(data, dict) and "messages" in data:
        return _pylint(data["messages"])
    if not isinstance(data, list):
        raise Broken
    if not data:
        return {"errors": 0, "warnings": 0, "fixable": 0, "rules": Counter()}
    if "filePath" in data[0]:
        return _eslint(data)
    if "code" in data[0]:
        return _ruff(data)
    if "message-id" in data[0]:
        return _pylint(data)
    raise Broken


def _eslint(results: list[dict[str, Any]]) -> dict[str, Any]:
    messages = [m for r in results for m in r["messages"]]
    if any(m.get("severity") not in (1, 2) for m in messages):
        raise Broken
    rules = Counter(
        m["ruleId"] or ("parse-error" if m.get("fatal") else "eslint-core") for m in messages
    )
    return {
        "errors": sum(m["severity"] == 2 for m in messages),
        "warnings": sum(m["severity"] == 1 for m in messages),
        "fixable": sum(m.get("fix") is not None for m in messages),
        "rules": rules,
    }


def _ruff(violations: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "errors": len(violations),
        "warnings": 0,
        "fixable": sum((v["fix"] or {}).get("applicability") == "safe" for v in violations),
        "rules": Counter(v["code"] or "invalid-syntax" for v in violations),
    }


def _pylint(messages: list[dict[str, Any]]) -> dict[str, Any]:
    errors = sum(m["type"] in PYLINT_ERRORS for m in messages)
    return {
        "errors": errors,
        "warnings": len(messages) - errors,
        "fixable": 0,
        "rules": Counter(m["symbol"] for m in messages),
    }


@pytest.mark.parametrize("path", corpus_params(*REPORTS))
def test_counts_equal_a_plain_count(path: Path) -> None:
    try:
        expected = plain_counts(json.loads(path.read_text()))
    except Broken:
        with pytest.raises(AdapterError, match=re.escape(str(path))):
            run_lint(path)
        return
    rules = expected["rules"]
    findings, counts = run_lint(path, metrics=tuple(f"rule.{r}" for r in rules))
    assert counts["errors"] == expected["errors"]
    assert counts["warnings"] == expected["warnings"]
    assert counts["total"] == expected["errors"] + expected["warnings"] == len(findings)
    assert counts["fixable"] == expected["fixable"]
    assert {k: v for k, v in counts.items() if k.startswith("rule.")} == {
        f"rule.{rule}": n for rule, n in rules.items()
    }
    assert all(LintAdapter.metric_spec(name) for name in counts), "every name fits a spec"


@pytest.mark.parametrize("name", ESLINT_MADE)
def test_eslint_reports_match_eslint_own_counts(name: str) -> None:
    path = corpus_root() / name
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    data = json.loads(path.read_text())
    results = data["results"] if isinstance(data, dict) else data
    _, counts = run_lint(path)
    assert counts["errors"] == sum(r["errorCount"] for r in results)
    assert counts["warnings"] == sum(r["warningCount"] for r in results)
    fixable = sum(r["fixableErrorCount"] + r["fixableWarningCount"] for r in results)
    assert counts["fixable"] == fixable


def test_ruff_report_matches_ruff_own_summary() -> None:
    folder = corpus_root() / "set-b" / "ruff"
    if not (folder / "ruff-concise.txt").is_file():
        pytest.skip(f"{folder} is absent")
    text = (folder / "ruff-concise.txt").read_text()
    _, counts = run_lint(folder / "ruff.json")
    assert counts["errors"] == int(re.search(r"Found (\d+) errors", text)[1]) == 32  # type: ignore[index]
    assert counts["fixable"] == int(re.search(r"\[\*\] (\d+) fixable", text)[1]) == 5  # type: ignore[index]
