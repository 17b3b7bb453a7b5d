"""Helpers for tests of time limits: run a call with a hard limit, tell if a process lives.

A test of a bound must fail, not hang, when the bound does not hold: `within` runs the
call on a daemon thread and fails the test if it is still running after its limit.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest


def within(seconds: float, call: Callable[[], Any]) -> tuple[BaseException | None, float]:
    """Run `call` on a daemon thread: what it raised (None) and how long it took; fail the
    test if it still runs after `seconds`."""
    outcome: list[BaseException | None] = []

    def target() -> None:
        try:
            call()
            outcome.append(None)
        except BaseException as exc:  # handed back to the test
            outcome.append(exc)

    thread = threading.Thread(target=target, daemon=True)
    started = time.monotonic()
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        pytest.fail(f"still running after {seconds:g} s")
    return outcome[0], time.monotonic() - started


def alive(pid: int) -> bool:
    """True while `pid` runs (a zombie waiting to be reaped does not count)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rpartition(")")[2].split()[0] != "Z"
    except FileNotFoundError:
        return False
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True
