"""The engine's time: a hung check never holds the process, with or without --timeout.

A check's thread that never returns is left behind as a daemon thread, which the
interpreter does not wait for at exit (it joins a ThreadPoolExecutor's threads even after
`shutdown(wait=False)`); without --timeout the run still ends, after the default time.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from qualitygates.adapters.interface import Collection, CollectRequest
from qualitygates.deadline import time_left
from qualitygates.engine import RunOptions, run
from qualitygates.engine import runner as engine
from qualitygates.model import RunResult
from qualitygates.policy import load_policy
from tests.fakes import FakeAdapter, registry_with_fake
from tests.helpers import FIXED_NOW

CHECKS = """\
version: 1
gates:
  - id: g
    checks:
      - {id: a, adapter: fake, with: {path: a.json}, conditions: [count == 0]}
      - {id: b, adapter: fake, with: {path: b.json}, conditions: [count == 0]}
"""


@pytest.fixture
def hung(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """Every fake check blocks until the test ends (the event is set)."""
    release = threading.Event()

    def block(self: FakeAdapter, request: CollectRequest) -> Collection:
        release.wait(60)
        raise AssertionError("released")

    monkeypatch.setattr(FakeAdapter, "collect", block)
    yield release
    release.set()


def run_within(seconds: float, tmp_path: Path, **options: float) -> tuple[RunResult, float]:
    (tmp_path / "gates.yaml").write_text(CHECKS)
    policy = load_policy(tmp_path / "gates.yaml", {}, registry_with_fake())
    outcome: list[RunResult] = []
    thread = threading.Thread(
        target=lambda: outcome.append(
            run(policy, RunOptions(now=FIXED_NOW, **options), registry_with_fake())
        ),
        daemon=True,
    )
    started = time.monotonic()
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        pytest.fail(f"the run was still going after {seconds:g} s")
    return outcome[0], time.monotonic() - started


def test_hung_checks_are_left_on_daemon_threads(tmp_path: Path, hung: threading.Event) -> None:
    result, took = run_within(10, tmp_path, timeout=0.3)
    assert took < 2.5
    assert result.exit_code == 3
    left = [t for t in threading.enumerate() if t.name.startswith("check") and t.is_alive()]
    assert left, "the hung checks' threads should still be running"
    assert all(t.daemon for t in left)


def test_without_timeout_the_default_time_ends_the_run(
    tmp_path: Path, hung: threading.Event, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "DEFAULT_TIMEOUT", 0.3, raising=False)
    result, took = run_within(10, tmp_path)
    assert took < 2.5
    errors = [c.error for c in result.gates[0].checks]
    assert errors == [
        f"did not finish within the run's default time of 0.3 s (set --timeout to change it) "
        f"(reading {tmp_path / name})"
        for name in ("a.json", "b.json")
    ]


def test_each_check_runs_under_the_runs_deadline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a check starts deep down (a git process, an HTTP attempt) sees the deadline."""
    seen: list[float] = []

    def note(self: FakeAdapter, request: CollectRequest) -> Collection:
        seen.append(time_left(3600))
        return Collection(metrics={})

    monkeypatch.setattr(FakeAdapter, "collect", note)
    run_within(10, tmp_path, timeout=5)
    assert len(seen) == 2 and all(4 < left <= 5 for left in seen)


def test_a_process_with_a_hung_check_exits(tmp_path: Path) -> None:
    """The interpreter does not wait for a check thread that never returns."""
    code = textwrap.dedent(
        f"""
        import threading
        from qualitygates.adapters.interface import Collection
        from qualitygates.engine import RunOptions, run
        from qualitygates.policy import load_policy
        from tests.fakes import FakeAdapter, registry_with_fake

        def block(self, request):
            threading.Event().wait()  # for ever
            return Collection(metrics={{}})

        FakeAdapter.collect = block
        policy = load_policy({str(tmp_path / "gates.yaml")!r}, {{}}, registry_with_fake())
        print(run(policy, RunOptions(timeout=0.3), registry_with_fake()).exit_code)
        """
    )
    (tmp_path / "gates.yaml").write_text(CHECKS)
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )
    assert (done.returncode, done.stdout) == (0, "3\n"), done.stderr
