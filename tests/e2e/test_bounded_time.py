"""End to end: whatever a server does, `qualitygates run --timeout S` exits within S + 5 s.

The real command runs in a subprocess against a loopback server that drips its body one
byte a second, sends its headers and then nothing, drips even its headers, or never
answers. Each run must end with exit 3 and one sentence naming the server, well within
the bound; a hard `timeout=` on the subprocess turns a hang into a failure, not a stuck
test run.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.servers import FakeServer, Reply
from tests.timing import alive

TIMEOUT = 2.0
BOUND = TIMEOUT + 5.0
_SCRIPT = Path(sys.executable).parent / "qualitygates"
COMMAND = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "qualitygates"]
QUERY, TASK = "/api/v1/query", "/api/ce/task"
TOKEN = "squ_bounded0123456789abcdef0123456789abcd"

HOSTILE = {
    "drips its body": Reply(drip=1.0),
    "sends headers then no body": Reply(stall=True),
    "drips its headers": Reply(drip_headers=1.0),
    "never answers": Reply(delay=3600),
}


def run_cli(
    folder: Path, policy: str, *args: str, env: dict[str, str] | None = None
) -> tuple[subprocess.CompletedProcess[str], float]:
    """Run `qualitygates run` on `policy`; the process and how long it lived."""
    (folder / "gates.yaml").write_text(policy)
    started = time.monotonic()
    done = subprocess.run(
        [*COMMAND, "run", "-c", "gates.yaml", "--no-color", *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=BOUND + 10,  # a hang fails the test instead of stalling the suite
        check=False,
    )
    return done, time.monotonic() - started


def prometheus_policy(url: str) -> str:
    return f"""\
version: 1
gates:
  - id: ops
    checks:
      - id: errors
        adapter: prometheus
        with:
          url: {url}
          token: {TOKEN}
          queries: {{up: up}}
        conditions: [up == 1]
"""


def sonarqube_policy(url: str) -> str:
    return f"""\
version: 1
gates:
  - id: quality
    checks:
      - id: sonar
        adapter: sonarqube
        with: {{url: "{url}", token: {TOKEN}}}
        conditions: [quality_gate == OK]
"""


def write_report_task(folder: Path, url: str) -> None:
    task = folder / ".scannerwork" / "report-task.txt"
    task.parent.mkdir(parents=True)
    task.write_text(f"projectKey=shop\nserverUrl={url}\nceTaskId=AYtask\n")


@pytest.mark.parametrize("reply", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_prometheus_cannot_outlive_the_timeout(tmp_path: Path, reply: Reply) -> None:
    with FakeServer({QUERY: reply}) as server:
        done, lived = run_cli(tmp_path, prometheus_policy(server.url), "--timeout", str(TIMEOUT))
    output = done.stdout + done.stderr
    assert done.returncode == 3, output
    assert lived < BOUND, f"lived {lived:.1f} s: {output}"
    assert TOKEN not in output
    shown = re.escape(f"{server.url}{QUERY}")
    assert re.search(
        rf"Prometheus query 'up' \(up\): GET {shown} timed out after [\d.]+ s "
        r"\(1 attempt\)\n",
        done.stdout,
    ), output


@pytest.mark.parametrize("reply", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_sonarqube_cannot_outlive_the_timeout(tmp_path: Path, reply: Reply) -> None:
    with FakeServer({TASK: reply}) as server:
        write_report_task(tmp_path, server.url)
        done, lived = run_cli(tmp_path, sonarqube_policy(server.url), "--timeout", str(TIMEOUT))
    output = done.stdout + done.stderr
    assert done.returncode == 3, output
    assert lived < BOUND, f"lived {lived:.1f} s: {output}"
    assert TOKEN not in output
    shown = re.escape(f"{server.url}{TASK}")
    assert re.search(
        rf"SonarQube analysis task AYtask: GET {shown} timed out after [\d.]+ s \(1 attempt\)\n",
        done.stdout,
    ), output


def test_two_hostile_servers_end_within_the_same_bound(tmp_path: Path) -> None:
    """Checks run side by side: two hung servers cost the time of one, and both are named."""
    with (
        FakeServer({QUERY: Reply(drip=1.0)}) as hung,
        FakeServer({QUERY: Reply(stall=True)}) as other,
    ):
        second_gate = prometheus_policy(other.url).split("gates:\n", 1)[1]
        policy = prometheus_policy(hung.url) + second_gate.replace("id: ops", "id: ops2")
        done, lived = run_cli(tmp_path, policy, "--timeout", str(TIMEOUT))
    assert done.returncode == 3, done.stdout + done.stderr
    assert lived < BOUND
    assert hung.url in done.stdout and other.url in done.stdout


WATCHDOG = (
    "error: the run did not end within its --timeout of 2 s and 5 s more to write its "
    "reports, so it was stopped: some reports may be missing\n"
)


def test_whatever_else_blocks_the_process_still_ends(tmp_path: Path) -> None:
    """The last resort: a history store that accepts the connection and never answers."""
    pytest.importorskip("psycopg")
    with socket.socket() as silent, FakeServer({QUERY: Reply(stall=True)}) as server:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)  # the kernel completes the handshake; nobody ever answers
        store = f"postgresql://qg:pw@127.0.0.1:{silent.getsockname()[1]}/qg"
        done, lived = run_cli(
            tmp_path, prometheus_policy(server.url), "--timeout", "2", "--history", store
        )
    assert done.returncode == 3, done.stdout + done.stderr
    assert lived < BOUND
    assert done.stderr.endswith(WATCHDOG)


def test_a_git_that_never_answers_is_killed_with_the_run(tmp_path: Path) -> None:
    """--policy-ref runs git before any check: the last resort ends it and the process."""
    folder = tmp_path / "bin"
    folder.mkdir()
    pid_file = tmp_path / "git.pid"
    (folder / "git").write_text(f'#!/bin/sh\necho $$ > "{pid_file}"\nexec sleep 60\n')
    (folder / "git").chmod(0o755)
    env = {**os.environ, "PATH": f"{folder}{os.pathsep}{os.environ['PATH']}"}
    done, lived = run_cli(
        tmp_path, "version: 1\n", "--timeout", "2", "--policy-ref", "main", env=env
    )
    assert done.returncode == 3, done.stdout + done.stderr
    assert lived < BOUND
    assert done.stderr.endswith(WATCHDOG)
    assert not alive(int(pid_file.read_text()))
