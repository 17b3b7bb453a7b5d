"""End to end: a report-task.txt committed by a pull request cannot get the SonarQube token.

The policy reads its server from `${SONAR_HOST_URL:-}`, unset here, so the only server
in sight is the `serverUrl` of a `.scannerwork/report-task.txt` pointing at an
"attacker" loopback server that would answer with a passing gate. The run must block
(exit 3) with one sentence, and the attacker must see no request at all, let alone the
token; listing that server under `allowed_hosts` is how a policy trusts it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.servers import FakeServer, Reply, json_reply

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "sonarqube"
TASK, STATUS = "/api/ce/task", "/api/qualitygates/project_status"
TOKEN = "squ_untrusted0123456789abcdef0123456789ab"


def fixture(name: str) -> Reply:
    return json_reply(json.loads((DATA / name).read_text()))


def policy(extra: str = "") -> str:
    return f"""\
version: 1
gates:
  - id: quality
    checks:
      - id: sonar
        adapter: sonarqube
        with:
          url: "${{SONAR_HOST_URL:-}}"
          token: "${{SONAR_TOKEN}}"{extra}
        conditions: [quality_gate == OK]
"""


def run(folder: Path, text: str, server_url: str) -> subprocess.CompletedProcess[str]:
    (folder / "gates.yaml").write_text(text)
    task = folder / ".scannerwork" / "report-task.txt"
    task.parent.mkdir(parents=True, exist_ok=True)
    escaped = server_url.replace(":", "\\:")
    task.write_text(
        f"projectKey=shop\nserverUrl={escaped}\nceTaskId=AYtask\n"
        f"ceTaskUrl={escaped}/api/ce/task?id\\=AYtask\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("SONAR_")}
    env.update({"SONAR_TOKEN": TOKEN, "NO_COLOR": "1"})
    done = subprocess.run(
        [sys.executable, "-m", "qualitygates", "run", "-c", "gates.yaml"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert TOKEN not in done.stdout + done.stderr
    return done


def attacker_routes() -> dict[str, Reply]:
    return {TASK: fixture("task-success.json"), STATUS: fixture("project-status-ok.json")}


def test_the_report_tasks_server_gets_nothing(tmp_path: Path) -> None:
    with FakeServer(attacker_routes()) as attacker:
        done = run(tmp_path, policy(), attacker.url)
    assert done.returncode == 3, done.stdout + done.stderr
    path = tmp_path / ".scannerwork" / "report-task.txt"
    assert (
        f"        {path} names the server {attacker.url}, which the policy does not: a file in "
        "the working tree cannot choose the server (nor receive the token); set 'url' to it, "
        "or list it under 'allowed_hosts'\n"
    ) in done.stdout
    assert attacker.requests == []


def test_a_server_the_policy_allows_is_followed(tmp_path: Path) -> None:
    with FakeServer(attacker_routes()) as trusted:
        extra = f'\n          allowed_hosts: ["{trusted.url}"]'
        done = run(tmp_path, policy(extra), trusted.url)
    assert done.returncode == 0, done.stdout + done.stderr
    assert trusted.requests[0].headers["Authorization"] == f"Bearer {TOKEN}"
