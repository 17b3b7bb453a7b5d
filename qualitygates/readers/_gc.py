"""Pausing the cyclic garbage collector while an adapter builds many objects."""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

_gc_lock = threading.Lock()
_gc_pauses = [0, False]  # parses under way, whether the collector was on before the first


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Switch the cyclic garbage collector off while an adapter collects (the engine does,
    around every adapter's `collect`; an adapter never needs to).

    Parsed reports and findings hold no reference cycles, yet each object allocated counts
    towards the next collection, and every collection of the older generations walks all
    the objects kept so far: with the collector on, 100,000 SARIF results take 1.3 times
    as long to collect. Checks run in threads, so the last one to finish switches it back
    on, after moving what was made meanwhile to the oldest generation (`freeze` and
    `unfreeze` do that without walking it; not when something else froze objects): else
    the first allocation would make the collector walk all the findings at once, a tenth
    of the time of a large Trivy report.
    """
    with _gc_lock:
        if _gc_pauses[0] == 0:
            _gc_pauses[1] = gc.isenabled()
            gc.disable()
        _gc_pauses[0] += 1
    try:
        yield
    finally:
        with _gc_lock:
            if _gc_pauses[0] > 0:  # 0: `resume_gc` gave up on this one, already let go
                _gc_pauses[0] -= 1
                if _gc_pauses[0] == 0:
                    _switch_back_on()


def resume_gc() -> None:
    """Switch the collector back on now, whatever checks are still in `paused_gc`: the
    engine calls it when it leaves checks behind at the deadline, which may never return
    (a program that runs qualitygates in-process must not keep its collector off)."""
    with _gc_lock:
        if _gc_pauses[0] > 0:
            _gc_pauses[0] = 0
            _switch_back_on()


def _switch_back_on() -> None:
    if _gc_pauses[1]:
        if gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        gc.enable()
