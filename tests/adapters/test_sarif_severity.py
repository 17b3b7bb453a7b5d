"""bandit's confidence in SARIF: a finding it doubts shows one step lower, counted in its band."""

from __future__ import annotations

import json
from pathlib import Path

from qualitygates.model import Severity
from tests.adapters.test_sarif import run


def bandit_log(confidences: list[str]) -> dict[str, object]:
    return {
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "Bandit", "rules": []}},
            "results": [
                {"ruleId": f"B{600 + n}", "level": "error", "message": {"text": "sql"},
                 "properties": {"issue_severity": "HIGH", "issue_confidence": confidence},
                 "locations": [{"physicalLocation": {"artifactLocation": {"uri": "a.py"},
                                                     "region": {"startLine": n + 1}}}]}
                for n, confidence in enumerate(confidences)
            ],
        }],
    }  # fmt: skip


def test_a_doubted_finding_shows_lower_and_counts_in_its_band(tmp_path: Path) -> None:
    (tmp_path / "bandit.sarif").write_text(json.dumps(bandit_log(["HIGH", "MEDIUM", "LOW"])))
    collection, counts = run(tmp_path / "bandit.sarif")
    assert [f.severity for f in collection.findings] == [
        Severity.HIGH,
        Severity.HIGH,
        Severity.MEDIUM,
    ]
    assert collection.findings[2].extra["band"] == "high"
    assert counts["security.high"] == 3  # no count moves with what is shown
    assert counts["security.medium"] == 0
