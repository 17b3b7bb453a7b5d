"""Child processes end with their check's time, and none outlives the run.

A fake `git` on PATH that never answers stands in for a git stuck on a lock or a
network file system; each call runs in a helper thread with a hard limit, so a hang
fails the test instead of stalling the suite.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qualitygates import subprocesses
from qualitygates.adapters.diff_coverage import git as diff_git
from qualitygates.adapters.docs import git as docs_git
from qualitygates.adapters.interface import CollectRequest
from qualitygates.adapters.k6 import K6Adapter, reader, worker
from qualitygates.deadline import time_left, until
from qualitygates.errors import AdapterError, PolicyError
from qualitygates.policy import gitref
from tests.helpers import DATA, FIXED_NOW
from tests.timing import alive, within

HARD_LIMIT = 10.0


def soon(seconds: float) -> float:
    return time.monotonic() + seconds


@pytest.fixture
def hung_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A `git` first on PATH that prints one diff line, notes its pid, and never ends."""
    folder = tmp_path / "bin"
    folder.mkdir()
    script = folder / "git"
    script.write_text(
        "#!/bin/sh\n"
        f'echo $$ > "{tmp_path / "git.pid"}"\n'
        "printf 'diff --git a/x b/x\\n+++ b/x\\n@@ -0,0 +1 @@\\n+a\\n'\n"
        "exec sleep 60\n"
    )
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    return tmp_path / "git.pid"


def test_time_left_is_the_limit_or_the_deadline() -> None:
    assert time_left(30) == 30
    with until(soon(1.0)):
        assert 0.5 < time_left(30) <= 1.0
        assert time_left(0.2) == 0.2
    with until(soon(-1)):
        assert time_left(30) == 0.0


def test_run_ends_at_the_checks_deadline(tmp_path: Path) -> None:
    def late() -> None:
        with until(soon(0.5)):
            subprocesses.run(["sleep", "60"], cwd=tmp_path, limit=60)

    raised, took = within(HARD_LIMIT, late)
    assert isinstance(raised, subprocess.TimeoutExpired)
    assert raised.timeout == pytest.approx(0.5, abs=0.1)
    assert took < 2.5
    assert not subprocesses._LIVE


def test_a_grandchild_holding_the_pipes_does_not_hold_the_caller(tmp_path: Path) -> None:
    """subprocess.run would wait for the grandchild's end of stdout for as long as it runs."""
    script = "sleep 8 & exec sleep 60"

    def late() -> None:
        subprocesses.run(["sh", "-c", script], cwd=tmp_path, limit=0.5)

    raised, took = within(HARD_LIMIT, late)
    assert isinstance(raised, subprocess.TimeoutExpired)
    assert took < 4


def test_kill_all_ends_every_registered_child(tmp_path: Path) -> None:
    children = [subprocesses.start(["sleep", "60"], cwd=tmp_path) for _ in range(2)]
    subprocesses.kill_all()
    for child in children:
        assert child.wait(5) != 0
        subprocesses.forget(child)
    assert not subprocesses._LIVE


def test_git_for_diff_coverage_ends_at_the_checks_deadline(tmp_path: Path, hung_git: Path) -> None:
    def late() -> None:
        with until(soon(0.5)):
            diff_git.git(tmp_path, "rev-parse", "--show-toplevel")

    raised, took = within(HARD_LIMIT, late)
    assert isinstance(raised, AdapterError)
    assert str(raised) == "git rev-parse did not answer within 0.5 s"
    assert took < 2.5
    assert not alive(int(hung_git.read_text()))


def test_a_streamed_git_diff_ends_at_the_checks_deadline(tmp_path: Path, hung_git: Path) -> None:
    def late() -> None:
        with until(soon(0.5)):
            diff_git.changed_lines(tmp_path, "0123456789ab")

    raised, took = within(HARD_LIMIT, late)
    assert isinstance(raised, AdapterError)
    assert str(raised) == "git diff did not finish within 0.5 s"
    assert took < 2.5
    assert not alive(int(hung_git.read_text()))


def test_git_for_file_ages_ends_at_the_checks_deadline(tmp_path: Path, hung_git: Path) -> None:
    runbook = tmp_path / "runbook.md"
    runbook.write_text("# Runbook\n")

    def late() -> None:
        with until(soon(0.5)):
            docs_git.last_commit_time(runbook)

    raised, took = within(HARD_LIMIT, late)
    assert isinstance(raised, AdapterError)
    assert str(raised) == f"git rev-parse did not answer within 0.5 s in {tmp_path}"
    assert took < 2.5


def test_git_for_policy_ref_is_bounded(
    tmp_path: Path, hung_git: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gitref, "GIT_TIMEOUT_S", 0.5)
    (tmp_path / "gates.yaml").write_text("version: 1\n")
    read = gitref.GitRefReader("main")
    raised, _ = within(HARD_LIMIT, lambda: read(tmp_path / "gates.yaml"))
    assert isinstance(raised, PolicyError)
    assert str(raised) == "git show main:./gates.yaml did not answer within 0.5 s"
    assert not alive(int(hung_git.read_text()))


def test_a_k6_worker_ends_at_the_checks_deadline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "big.ndjson"
    big.write_bytes((DATA / "k6" / "points.ndjson").read_bytes() * 20)
    monkeypatch.setattr(reader, "PARALLEL_MIN_BYTES", 1)
    monkeypatch.setattr(worker, "_BOOT", "import time; time.sleep(60)")  # a stuck worker
    request = CollectRequest(
        "k6", {"path": str(big)}, ("http_req_duration.p(95)",), tmp_path, FIXED_NOW
    )

    def late() -> None:
        with until(soon(1.0)):
            K6Adapter().collect(request)

    raised, took = within(HARD_LIMIT, late)
    assert isinstance(raised, AdapterError)
    assert str(raised) == (
        f"the process reading part of {big} failed (it did not finish within the check's "
        "time of 1 s); run again"
    )
    assert took < 3
    assert not subprocesses._LIVE


def test_a_k6_worker_cannot_outlive_the_process(tmp_path: Path) -> None:
    """Even when its check is abandoned, the exit handler kills a registered worker."""
    code = (
        "import subprocess, sys, threading\n"
        "from qualitygates import subprocesses\n"
        "child = subprocesses.start([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        "print(child.pid, flush=True)\n"
        "threading.Thread(target=child.wait, daemon=True).start()  # an abandoned reader\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=30, check=True
    )
    pid = int(done.stdout)
    deadline = soon(5)
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(pid)
