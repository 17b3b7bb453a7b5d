"""What each process of the concurrency test does (a module of its own: spawn imports it)."""

from __future__ import annotations

from typing import Any

from qualitygates.history import RunContext, open_store
from qualitygates.model import Status, Unit
from tests.history.builders import check, finding, gate, result

METRICS_PER_RUN = 12
FINDINGS_PER_RUN = 5


def one_run(index: int) -> Any:
    """Run number `index`: its metrics and findings all carry the index."""
    metrics = {f"m{k:02d}": (float(index * 100 + k), Unit.COUNT) for k in range(METRICS_PER_RUN)}
    findings = [finding(f"F{index}-{k}", f"fp-{index}-{k}") for k in range(FINDINGS_PER_RUN)]
    return result(gate("load", check("worker", metrics, Status.PASSED, findings)))


def record(url: str, index: int, barrier: Any) -> None:
    """Wait for every sibling, then open the (maybe still empty) store and record one run."""
    barrier.wait(timeout=120)
    with open_store(url) as store:
        store.record(one_run(index), RunContext(commit=f"{index:040d}", branch=f"b{index}"))
