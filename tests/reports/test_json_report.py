"""The JSON report is the documented skeleton and reads back into the same result."""

from __future__ import annotations

import json

from qualitygates.reports.json_report import JsonReporter
from qualitygates.result_io import result_from_dict, result_to_dict
from tests.reports.rich import rich_result


def test_skeleton_fields() -> None:
    data = json.loads(JsonReporter().render(rich_result()))
    assert data["schema"] == "qualitygates/result/v2"
    assert (data["status"], data["exit_code"]) == ("failed", 1)
    gate = data["gates"][0]
    assert {k: gate[k] for k in ("id", "name", "status", "blocking")} == {
        "id": "code-quality",
        "name": "Code quality",
        "status": "failed",
        "blocking": True,
    }
    check = gate["checks"][0]
    assert check["metrics"] == {"line_rate": {"value": 72.5, "unit": "percent"}}
    assert check["conditions"][0] == {
        "expr": "line_rate >= 80%",
        "metric": "line_rate",
        "operator": ">=",
        "actual": 72.5,
        "threshold": 80.0,
        "unit": "percent",
        "status": "failed",
        "message": "line_rate 72.5% is not >= 80%",
    }
    finding = data["gates"][1]["checks"][1]["findings"][0]
    assert finding["location"] == {
        "path": None, "line": None, "column": None, "package": "openssl@3.0.1",
    }  # fmt: skip
    assert (finding["waived"], finding["waiver_reason"]) == (True, "not reachable")
    assert (finding["kind"], finding["cwe"], finding["occurrences"]) == ("vulnerability", [787], 1)
    bandit = data["gates"][1]["checks"][1]["findings"][1]
    assert bandit["location"] == {"path": "app/ü.py", "line": 12, "column": 5, "package": None}
    assert (bandit["kind"], bandit["extra"]) == ("lint", {"level": "note", "confidence": "high"})


def test_round_trip() -> None:
    result = rich_result()
    assert result_from_dict(json.loads(json.dumps(result_to_dict(result)))) == result
