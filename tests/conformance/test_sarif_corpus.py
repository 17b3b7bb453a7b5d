"""Every SARIF log of the shared corpus reads, with the counts of a plain count of its JSON."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from qualitygates.adapters.sarif import SarifAdapter
from qualitygates.errors import AdapterError
from tests.helpers import collect, corpus_params

pytestmark = pytest.mark.corpus

SARIF_FILES = corpus_params(
    "sarif/*",
    "set-b/sarif/*",
    "set-b/*/*.sarif",
    "set-b/trivy/golden/*.sarif.golden",
    "trivy/*.sarif",
)
#: Corpus files that must be refused, with the reason.
REFUSED = {
    "bandit.json": "is not SARIF",  # bandit's own JSON
    "dd-no_runs.sarif": "has no runs",
    "dd-spotbugs.sarif": "the tool reports its run failed",  # executionSuccessful: false
}


def _band(score: Any) -> str | None:
    try:
        value = float(score)
    except (TypeError, ValueError):
        return None
    bands = [(9.0, "critical"), (7.0, "high"), (4.0, "medium"), (0.0, "low")]
    return next((name for floor, name in bands if value > 0 and value >= floor), None)


BANDIT = {"HIGH", "MEDIUM", "LOW", "CRITICAL"}  # python-taint writes CRITICAL


def plain_counts(path: Path) -> dict[str, int]:
    """Results by level and security band, the SARIF defaulting rules written out by hand."""
    counts: Counter[str] = Counter()
    for run in json.loads(path.read_text())["runs"]:
        rules = run["tool"]["driver"].get("rules") or []
        by_id = {r["id"]: r for r in rules}
        for result in run["results"]:
            kind = result.get("kind", "fail")
            suppressions = result.get("suppressions") or []
            suppressed = suppressions and not any(
                s.get("status") in ("underReview", "rejected") for s in suppressions
            )
            if (
                kind in ("pass", "notApplicable")
                or result.get("baselineState") == "absent"
                or suppressed
            ):
                continue
            index = result.get("ruleIndex", -1)
            rule = rules[index] if 0 <= index < len(rules) else by_id.get(result.get("ruleId"), {})
            default = rule.get("defaultConfiguration", {}).get("level", "warning")
            level = result.get("level") or (default if kind == "fail" else "none")
            counts[f"results.{level}"] += 1
            counts["results.total"] += 1
            score = (result.get("properties") or {}).get("security-severity")
            band = _band(score) or _band((rule.get("properties") or {}).get("security-severity"))
            issue = (result.get("properties") or {}).get("issue_severity")  # bandit's own
            if score is None and isinstance(issue, str) and issue.upper() in BANDIT:
                band = issue.lower()
            if band:
                counts[f"security.{band}"] += 1
    return dict(counts)


@pytest.mark.parametrize("path", SARIF_FILES)
def test_counts_equal_a_plain_count(path: Path) -> None:
    if path.name in REFUSED:
        with pytest.raises(AdapterError, match=REFUSED[path.name]):
            collect(SarifAdapter, path=str(path))
        return
    result = collect(SarifAdapter, path=str(path))
    metrics = SarifAdapter().count_findings([f for f in result.findings if not f.waived])
    got = {
        k: int(v.value)
        for k, v in metrics.items()
        if v.value and k.startswith(("results.", "security."))
    }
    assert got == plain_counts(path)


def _outcome(path: Path) -> Any:
    try:
        result = collect(SarifAdapter, path=str(path))
    except AdapterError as exc:
        return str(exc)
    return result.findings, result.metrics, result.timestamp, result.revision


@pytest.mark.parametrize("path", SARIF_FILES)
def test_streaming_reads_what_the_whole_file_parser_reads(
    monkeypatch: pytest.MonkeyPatch, path: Path
) -> None:
    import qualitygates.readers._slim as slim

    monkeypatch.setattr(slim, "CHUNK_BYTES", 97)  # many chunk boundaries, even in small logs
    streamed = _outcome(path)
    monkeypatch.setattr(slim, "ijson", None)  # json.loads of the whole file
    assert _outcome(path) == streamed


@pytest.mark.parametrize("path", corpus_params("set-b/trivy/fs-secret-misconfig.sarif"))
def test_trivy_sarif_agrees_with_trivy_json(path: Path) -> None:
    report = json.loads(path.with_suffix(".json").read_text())
    expected = sum(
        len(r.get("Secrets") or [])
        + sum(m["Status"] == "FAIL" for m in r.get("Misconfigurations") or [])
        for r in report["Results"]
    )
    metrics = SarifAdapter().count_findings(collect(SarifAdapter, path=str(path)).findings)
    assert metrics["results.total"].value == expected == 42
