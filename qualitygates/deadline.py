"""The run's time, shared by everything that can wait: checks, servers, child processes.

- `--timeout S` bounds the run; without it the run gets `DEFAULT_TIMEOUT`. The engine
  gives every check the same absolute deadline and runs it under `until(deadline)`, so
  what a check starts deep down (an HTTP attempt, a `git` process) asks `time_left` and
  never waits past it.
- `start_workers` runs jobs (the checks) on daemon threads, each under the deadline.
- `end_process_after` is the last resort of the command line: whatever still blocks
  (a store that never answers, a pipe nobody reads) cannot keep the process alive past
  its time plus `GRACE`; the process then ends with exit 3 and one sentence.
"""

from __future__ import annotations

import contextvars
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import Future

    from qualitygates.model import ExitCode

T = TypeVar("T")

#: The run's time when `--timeout` is not given, in seconds. Every check ends within it,
#: a server's included: SonarQube's default `wait` of 300 s fits, with room to read the
#: gate afterwards.
DEFAULT_TIMEOUT = 600.0
#: What the process may take beyond the run's time to write its reports and end.
GRACE = 5.0
#: The last-resort exit comes this much before `GRACE` is over: the interpreter started
#: before the command did, and the kernel must still reap the process.
_WATCHDOG_MARGIN = 1.5
_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "qualitygates_deadline", default=None
)


@contextmanager
def until(deadline: float | None) -> Iterator[None]:
    """Run the block under an absolute `time.monotonic()` deadline (None: no deadline)."""
    token = _DEADLINE.set(deadline)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def time_left(limit: float) -> float:
    """`limit` seconds, or what is left of the current deadline if that is less (>= 0)."""
    deadline = _DEADLINE.get()
    if deadline is None:
        return max(0.0, limit)
    return max(0.0, min(limit, deadline - time.monotonic()))


#: What must happen before the process is ended at its deadline (killing the children that
#: `qualitygates.subprocesses` started registers itself here, so that this module, below
#: it, need not import it).
_LAST_RESORT: list[Callable[[], None]] = []


def on_last_resort(action: Callable[[], None]) -> None:
    """Run `action` (quick, and never blocking) before the process is ended at its deadline."""
    _LAST_RESORT.append(action)


def end_process_after(seconds: float, message: str, code: ExitCode) -> threading.Timer:
    """Start a daemon timer that, after `seconds` (minus a margin), ends the process.

    It kills the child processes still running, writes `error: <message>` straight to
    the standard error descriptor (a Python stream may be what blocks) and calls
    `os._exit(code)`, which no thread, lock or atexit handler can hold up.
    """

    def stop() -> None:
        for action in _LAST_RESORT:
            action()
        try:
            os.write(2, f"error: {message}\n".encode("utf-8", "replace"))
        finally:
            os._exit(code)

    timer = threading.Timer(max(0.0, seconds - _WATCHDOG_MARGIN), stop)
    timer.daemon = True
    timer.name = "qualitygates-watchdog"
    timer.start()
    return timer


def stop_run_by(timeout: float | None, code: ExitCode, owned: bool) -> threading.Timer | None:
    """The command line's last resort for one run of `timeout` seconds (None: the default).

    Only where the process is the command line's own (`owned`, set by the console entry
    point): a run inside another program (a test runner, a script) never ends that program.
    """
    if not owned:
        return None
    limit = DEFAULT_TIMEOUT if timeout is None else timeout
    given = f"--timeout of {limit:g} s" if timeout is not None else f"default time of {limit:g} s"
    return end_process_after(
        limit + GRACE,
        f"the run did not end within its {given} and {GRACE:g} s more to write its reports, "
        "so it was stopped: some reports may be missing",
        code,
    )


def seconds_text(seconds: float) -> str:
    """`0.5`, `30`: a time as a message shows it, to a tenth of a second."""
    return f"{round(seconds, 1):g}"


def start_workers(
    jobs: Sequence[tuple[Future[T], Callable[[], T]]],
    deadline: float,
    count: int,
) -> None:
    """Run the jobs on `count` daemon threads, each job under the run's deadline.

    Daemon threads, not a ThreadPoolExecutor: Python joins an executor's threads at exit
    even after `shutdown(wait=False)`, so one hung check would hold the process for ever.
    """
    queue = deque(jobs)

    def work() -> None:
        while True:
            try:
                future, job = queue.popleft()
            except IndexError:
                return
            if not future.set_running_or_notify_cancel():
                continue
            try:
                with until(deadline):
                    future.set_result(job())
            except BaseException as exc:  # handed to the waiting thread, as an executor does
                future.set_exception(exc)

    for number in range(count):
        threading.Thread(target=work, name=f"check-{number}", daemon=True).start()
