"""Every gitleaks and ggshield report of the corpus reads, and counts equal a plain count."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from qualitygates.adapters.secrets import GgshieldAdapter, GitleaksAdapter
from qualitygates.errors import AdapterError
from tests.helpers import collect, corpus_params

pytestmark = pytest.mark.corpus

# gitleaks' own JUnit and CSV reports: not the JSON this adapter reads.
NOT_JSON = {"csv_simple.csv": "is CSV", "junit_simple.xml": "is XML", "junit_empty.xml": "is XML"}


def _metric(rule: str) -> str:
    return "secrets.rule." + (re.sub(r"[^a-z0-9]+", "-", rule.lower()).strip("-") or "unnamed")


def _expected(rules: list[str]) -> dict[str, int]:
    expected = {_metric(rule): n for rule, n in Counter(rules).items()}
    expected["secrets.total"] = len(rules)
    return expected


def _counts(adapter: type[GitleaksAdapter], path: Path) -> dict[str, int]:
    collection = collect(adapter, path=str(path))
    return {k: int(v.value) for k, v in adapter().count_findings(collection.findings).items()}


@pytest.mark.parametrize("path", corpus_params("gitleaks/*", "set-b/gitleaks/*"))
def test_gitleaks_counts_match_a_plain_count(path: Path) -> None:
    if path.name in NOT_JSON:
        with pytest.raises(AdapterError, match=NOT_JSON[path.name]):
            collect(GitleaksAdapter, path=str(path))
        return
    data = json.loads(path.read_text(encoding="utf-8")) or []  # gitleaks 7: `null` = none
    rules = [item.get("RuleID", item.get("rule")) for item in data]
    assert _counts(GitleaksAdapter, path) == _expected(rules)


@pytest.mark.parametrize("path", corpus_params("ggshield/*"))
def test_ggshield_counts_match_a_plain_count_and_its_total(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    holders = [data, *data.get("scans", [])]
    rules = [
        incident["type"]
        for holder in holders
        for entity in holder.get("entities_with_incidents", [])
        for incident in entity["incidents"]
    ]
    assert len(rules) == data["total_incidents"]  # the number ggshield itself reports
    assert _counts(GgshieldAdapter, path) == _expected(rules)


@pytest.mark.parametrize("path", corpus_params("gitleaks/*.json", "ggshield/*"))
def test_no_secret_value_reaches_a_finding(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8")) or []
    adapter = GgshieldAdapter if isinstance(data, dict) else GitleaksAdapter
    secrets = re.findall(
        r'"(?:Secret|Match|line|offender|match)":\s*"((?:[^"\\]|\\.)+)"', path.read_text()
    )
    rendered = repr(collect(adapter, path=str(path)).findings)
    for secret in secrets:
        assert json.loads(f'"{secret}"') not in rendered
