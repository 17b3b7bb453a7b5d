"""Child processes that end with the check that started them and never outlive the run.

Every child started here is registered until it ends, and `kill_all` (run at exit, and by
the command line's last-resort timer) kills whatever is left. A child's time is its own
limit or what is left of its check's deadline (`qualitygates.deadline.time_left`),
whichever ends first: `run` kills it then, and `kill_when_late` kills a child whose
output another thread is reading, so that the reader sees the end of its output at once.

After a kill, the output pipes are drained for a moment only: a grandchild that inherited
them must not hold the caller (`subprocess.run` waits for them without limit).
"""

from __future__ import annotations

import atexit
import contextlib
import subprocess
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from qualitygates.deadline import on_last_resort, time_left

_DRAIN_S = 1.0  # how long a killed child's pipes are read before they are abandoned
_LIVE: set[subprocess.Popen[Any]] = set()
_LOCK = threading.Lock()


def start(args: Sequence[str], **popen: Any) -> subprocess.Popen[Any]:
    """`subprocess.Popen(args, **popen)`, registered so that it cannot outlive the run."""
    process: subprocess.Popen[Any] = subprocess.Popen(list(args), **popen)
    with _LOCK:
        _LIVE.add(process)
    return process


def forget(process: subprocess.Popen[Any]) -> None:
    """Unregister a child that has ended (kill and reap it first if it has not)."""
    if process.poll() is None:
        kill(process)
        with contextlib.suppress(subprocess.TimeoutExpired):  # else the kernel reaps it
            process.wait(timeout=_DRAIN_S)
    with _LOCK:
        _LIVE.discard(process)


def kill(process: subprocess.Popen[Any]) -> None:
    """Kill the child if it still runs; never raises."""
    try:
        if process.poll() is None:
            process.kill()
    except OSError:
        pass  # it ended in between


def kill_all() -> None:
    """Kill every registered child that still runs (at exit, and at the run's last resort)."""
    with _LOCK:
        live = list(_LIVE)
    for process in live:
        kill(process)


atexit.register(kill_all)
on_last_resort(kill_all)


def run(
    args: Sequence[str], *, cwd: Path | str | None, limit: float, **popen: Any
) -> subprocess.CompletedProcess[str]:
    """Like `subprocess.run(capture_output=True, text=True, stdin=DEVNULL)`, within `limit`
    seconds and the check's deadline. Raises FileNotFoundError/OSError when the program
    cannot start, and `subprocess.TimeoutExpired` (its `timeout` is the time it had) after
    killing it.
    """
    seconds = time_left(limit)
    process = start(
        args,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,
    )
    try:
        out, err = process.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        kill(process)
        _drain(process)
        raise subprocess.TimeoutExpired(list(args), seconds) from None
    finally:
        forget(process)
    return subprocess.CompletedProcess(list(args), process.returncode, str(out), str(err))


class Watch:
    """Kills a process when `limit` seconds or the check's deadline run out, whichever is
    first; `late` says whether it did, so a reader can tell why the output ended early."""

    def __init__(self, process: subprocess.Popen[Any], limit: float) -> None:
        self.process = process
        self.seconds = time_left(limit)
        self.late = threading.Event()
        self._timer = threading.Timer(self.seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def cancel(self) -> None:
        self._timer.cancel()

    def _expire(self) -> None:
        if self.process.poll() is None:
            self.late.set()
            kill(self.process)


@contextmanager
def kill_when_late(process: subprocess.Popen[Any], limit: float) -> Iterator[Watch]:
    """A `Watch` on `process` for the duration of the block."""
    watch = Watch(process, limit)
    try:
        yield watch
    finally:
        watch.cancel()


def _drain(process: subprocess.Popen[Any]) -> None:
    try:
        process.communicate(timeout=_DRAIN_S)
    except (subprocess.TimeoutExpired, OSError, ValueError):
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()
    with contextlib.suppress(subprocess.TimeoutExpired):  # else the kernel reaps it
        process.wait(timeout=_DRAIN_S)
