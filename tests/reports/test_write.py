"""Reports are written atomically: a killed run or two runs at once never leave half a report."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from qualitygates.reports.write import redact, write_atomic

WRITER = """
import sys
from qualitygates.reports.write import write_atomic
payload = sys.argv[2].encode() * (int(sys.argv[3]) // len(sys.argv[2]))
for _ in range(int(sys.argv[4])):
    write_atomic(sys.argv[1], payload)
"""


def writer(target: Path, fill: str, size: int, times: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(target), fill, str(size), str(times)]
    )


def test_sigkill_while_writing_leaves_the_previous_report_intact(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text('{"previous": true}')
    process = writer(target, "x", 300 * 1024 * 1024, 1)
    deadline = time.monotonic() + 30
    while not any(p.name.endswith(".tmp") for p in tmp_path.iterdir()):  # the write has begun
        assert time.monotonic() < deadline and process.poll() is None
        time.sleep(0.005)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert target.read_text() == '{"previous": true}'


def test_two_runs_writing_the_same_path_never_interleave(tmp_path: Path) -> None:
    target = tmp_path / "report.xml"
    size = 4 * 1024 * 1024
    first, second = writer(target, "a", size, 15), writer(target, "b", size, 15)
    assert first.wait(timeout=120) == 0 and second.wait(timeout=120) == 0
    data = target.read_bytes()
    assert len(data) == size and len(set(data)) == 1


def test_written_reports_are_readable_by_others(tmp_path: Path) -> None:
    write_atomic(tmp_path / "r.json", b"{}")
    assert (tmp_path / "r.json").stat().st_mode & 0o044  # not mkstemp's private 0600


def test_redaction_replaces_every_secret_longest_first() -> None:
    assert redact("token abcdef and abcdefgh", ["abcdef", "abcdefgh"]) == "token *** and ***"
    assert (
        redact("abc is too short to redact safely", ["abc"]) == "abc is too short to redact safely"
    )
