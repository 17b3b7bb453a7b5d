"""20 processes record into one store at once, from a fresh store: nothing is lost.

They also race to create the schema, which exercises the migration lock (SQLite's
BEGIN IMMEDIATE, PostgreSQL's advisory lock).
"""

from __future__ import annotations

import multiprocessing
from multiprocessing.context import ForkServerContext, SpawnContext

from qualitygates.history import open_store
from tests.history import workers

PROCESSES = 20


def _context() -> SpawnContext | ForkServerContext:
    """Processes that inherit no store or connection from the test.

    forkserver forks them from a clean server that imported SQLAlchemy once (spawn would
    import it 20 times over, which is slow on a small CI machine); spawn where it is absent.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["tests.history.workers"])
    return ctx


def test_twenty_processes_recording_at_once_lose_nothing(store_url: str) -> None:
    ctx = _context()
    barrier = ctx.Barrier(PROCESSES)
    processes = [
        ctx.Process(target=workers.record, args=(store_url, i, barrier)) for i in range(PROCESSES)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=180)
    assert [p.exitcode for p in processes] == [0] * PROCESSES

    with open_store(store_url) as store:
        runs = store.runs(limit=1000)
        assert sorted(s.branch or "" for s in runs) == sorted(f"b{i}" for i in range(PROCESSES))
        for summary in runs:
            index = int(summary.branch[1:]) if summary.branch else -1
            recorded = store.get(summary.run_id)
            assert recorded == workers.one_run(index)
            assert summary.commit == f"{index:040d}"
        for k in range(workers.METRICS_PER_RUN):
            values = sorted(p.value for p in store.trend(f"m{k:02d}", limit=1000))
            assert values == [float(i * 100 + k) for i in range(PROCESSES)]
