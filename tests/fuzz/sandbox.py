"""Run one adapter in a forked child with a memory ceiling and a time limit.

Hostile inputs (deep nesting, huge lines) must fail with bounded memory; a bug there
would take the whole test run (or the CI machine) down with it. The child gets an address
space limit, so a blow-up becomes a MemoryError the parent reports, and a hang is killed.
"""

from __future__ import annotations

import multiprocessing
import resource
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from qualitygates.errors import AdapterError

MIB = 1024 * 1024


@dataclass(frozen=True)
class Outcome:
    """What happened in the child: `result`, `error` (the expected kind), `crash` or `hang`."""

    kind: str
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.kind}: {self.detail}"


def _virtual_size() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * resource.getpagesize()


def _child(fn: Callable[[], Any], memory: int, expected: type[Exception], conn: Connection) -> None:
    limit = _virtual_size() + memory
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        fn()
    except expected as exc:
        outcome = Outcome("error", str(exc))
    except BaseException as exc:  # the point: report any other exception, never crash
        frames = traceback.extract_tb(exc.__traceback__)
        where = f" at {frames[-1].filename}:{frames[-1].lineno}" if frames else ""
        outcome = Outcome("crash", f"{type(exc).__name__}: {str(exc)[:300]}{where}")
    else:
        outcome = Outcome("result")
    conn.send(outcome)
    conn.close()


def run_bounded(
    fn: Callable[[], Any],
    memory_mib: int = 1024,
    timeout: float = 30,
    expected: type[Exception] = AdapterError,
) -> Outcome:
    """Call `fn` in a forked child that may grow by `memory_mib` and run `timeout` seconds.

    An `expected` exception is the outcome `error`; any other is a `crash`.
    """
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_child, args=(fn, memory_mib * MIB, expected, sender), daemon=True
    )
    child.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            return Outcome("hang", f"no answer within {timeout:g} s")
        try:
            return receiver.recv()  # type: ignore[no-any-return]
        except EOFError:
            return Outcome("crash", f"the child died (exit code {child.exitcode})")
    finally:
        if child.is_alive():
            child.kill()  # only the child this call started
        child.join(5)
        receiver.close()
