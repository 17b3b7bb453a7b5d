"""End to end: examples/sonarqube/gates.yaml against a loopback server that answers as SonarQube.

`python -m qualitygates run` runs in a subprocess with SONAR_HOST_URL pointing at the fake
server: a healthy project passes (exit 0), an ERROR or NONE gate fails (exit 1), and a
rejected token is "could not evaluate" (exit 3) with the token never printed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.servers import FakeServer, Reply, json_reply

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = "examples/sonarqube/gates.yaml"
DATA = ROOT / "tests" / "data" / "sonarqube"
STATUS, MEASURES = "/api/qualitygates/project_status", "/api/measures/component"
TOKEN = "squ_e2e0123456789abcdef0123456789abcdef0123"


def fixture(name: str, status: int = 200) -> Reply:
    return json_reply(json.loads((DATA / name).read_text()), status)


def run(server: FakeServer, tmp_path: Path) -> tuple[subprocess.CompletedProcess[str], dict]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SONAR_")}
    env.update({"SONAR_HOST_URL": server.url, "SONAR_TOKEN": TOKEN, "NO_COLOR": "1"})
    result_path = tmp_path / "result.json"
    result = subprocess.run(
        [sys.executable, "-m", "qualitygates", "run", "-c", EXAMPLE, "--json", str(result_path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert TOKEN not in result.stdout + result.stderr
    assert TOKEN not in result_path.read_text()
    return result, json.loads(result_path.read_text())


def test_a_healthy_project_passes(tmp_path: Path) -> None:
    routes = {STATUS: fixture("project-status-ok.json"), MEASURES: fixture("measures.json")}
    with FakeServer(routes) as server:
        result, data = run(server, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    check = data["gates"][0]["checks"][0]
    assert check["metrics"]["new_coverage"] == {"value": 87.5, "unit": "percent"}
    assert check["metrics"]["complexity_per_function"] == {"value": 3.0, "unit": "number"}
    assert check["metrics"]["quality_gate"] == {"value": "OK", "unit": "text"}
    assert [c["status"] for c in check["conditions"]] == ["passed"] * 5
    assert server.requests[0].query == {"projectKey": ["shopcart"]}
    assert server.requests[0].headers["Authorization"] == f"Bearer {TOKEN}"


@pytest.mark.parametrize(
    ("reply", "shown", "code", "status"),
    [
        ("project-status-error.json", "quality_gate ERROR is not == OK", 1, "failed"),
        (
            "project-status-none.json",
            "quality_gate: SonarQube computed no quality gate",
            3,
            "error",
        ),
    ],
)
def test_an_error_or_missing_gate_blocks(
    tmp_path: Path, reply: str, shown: str, code: int, status: str
) -> None:
    routes = {STATUS: fixture(reply), MEASURES: fixture("measures.json")}
    with FakeServer(routes) as server:
        result, data = run(server, tmp_path)
    assert result.returncode == code, result.stdout + result.stderr
    assert shown in result.stdout
    assert data["gates"][0]["checks"][0]["conditions"][0]["status"] == status


def test_a_rejected_token_cannot_be_evaluated(tmp_path: Path) -> None:
    with FakeServer({STATUS: Reply(401)}) as server:
        result, data = run(server, tmp_path)
    assert result.returncode == 3, result.stdout + result.stderr
    assert "answered HTTP 401 Unauthorized: check the token" in result.stdout
    assert data["status"] == "error"
    assert [r.path for r in server.requests] == [STATUS]  # a bad token is not retried
