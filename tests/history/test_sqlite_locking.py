"""SQLite specifics: a writer waits for another one's lock instead of failing."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

from qualitygates.history import RunContext, open_store
from tests.history.builders import coverage_run


def test_a_writer_waits_for_the_lock_held_by_another(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite"
    with open_store(path) as store:
        other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        other.execute("BEGIN IMMEDIATE")  # another CI job, mid-write
        release = threading.Timer(0.5, other.execute, args=("COMMIT",))
        release.start()
        started = time.monotonic()
        run_id = store.record(coverage_run(80), RunContext())
        waited = time.monotonic() - started
        release.join()
        other.close()
        assert waited >= 0.4
        assert [s.run_id for s in store.runs()] == [run_id]


def test_reading_does_not_take_the_write_lock(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite"
    with open_store(path) as store:
        store.record(coverage_run(80), RunContext())
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            assert len(store.runs()) == 1  # a reader goes on beside a writer
        finally:
            other.execute("ROLLBACK")
            other.close()
