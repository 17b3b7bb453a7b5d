"""A byte range of a large plain NDJSON file, scanned by a fresh Python process.

A fresh interpreter, not `fork()`: the engine runs checks in threads, and a process forked
while other threads run can deadlock (a lock held by a thread that does not exist in the
child). `subprocess` starts the worker with fork+exec done in C, which is safe from any
thread, and runs it with `-I` on this very package (the directory that holds it comes
first on `sys.path`). `multiprocessing`'s spawn and forkserver would also re-import the
caller's `__main__` (the CLI, or pytest) in the worker.

The worker imports only the scanner (about 0.1 s, overlapped with the caller's own part),
reads its job (a pickle) from stdin and answers on stdout in length-prefixed frames: a
header (a pickle of the `ScanResult`, the iteration start times and the tags seen for
the tag filters), then for each
selection its last point's time and its values as raw doubles, so that values cross
without ever becoming Python floats.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import IO

from qualitygates import subprocesses
from qualitygates.adapters.k6.ndjson import ScanResult
from qualitygates.adapters.k6.scan_job import LENGTH
from qualitygates.adapters.k6.wanted import Wanted
from qualitygates.deadline import seconds_text
from qualitygates.errors import AdapterError

_ROOT = str(Path(__file__).resolve().parents[3])  # the directory holding `qualitygates`
_BOOT = (
    "import sys; sys.path.insert(0, {root!r}); "
    "from qualitygates.adapters.k6.scan_job import main; main()"
)
_WAIT = 10.0  # seconds for a worker that closed its output to exit
_MAX_SCAN_S = 3600.0  # a worker's time when its check has no deadline


class Worker:
    """A running worker; `receive` merges its samples into `wanted` after the caller's."""

    def __init__(self, process: subprocess.Popen[bytes], path: Path, errors: IO[bytes]) -> None:
        self.process = process
        self.path = path
        self.errors = errors
        # Killed when the check's time is up, so a reader blocked on it sees the end at once.
        self._watch = subprocesses.Watch(process, _MAX_SCAN_S)

    def receive(self, wanted: list[Wanted]) -> ScanResult:
        """The worker's result; its values are appended to each selection of `wanted`."""
        status, result, found = pickle.loads(self._frame())
        if status == "error":
            raise AdapterError(result)
        for want, (start, seen) in zip(wanted, found, strict=True):
            if start is not None and (want.start_ns is None or start < want.start_ns):
                want.start_ns = start
            if want.seen is not None and seen is not None:
                want.seen.merge(seen)
            for sel in want.selections:
                last_time = self._frame()
                chunk = self._frame()
                if chunk:
                    sel.values.frombytes(chunk)
                    sel.last_time = last_time
                del chunk  # keep peak memory at the caller's values plus one part
        return result  # type: ignore[no-any-return]

    def close(self) -> None:
        """Stop the worker if it still runs, and release its pipes."""
        self._watch.cancel()
        subprocesses.forget(self.process)  # killed and reaped if it still runs
        self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.errors.close()

    def _frame(self) -> bytes:
        stream = self.process.stdout
        assert stream is not None
        head = stream.read(LENGTH.size)
        size = LENGTH.unpack(head)[0] if len(head) == LENGTH.size else -1
        body = stream.read(size) if size >= 0 else b""
        if size < 0 or len(body) != size:
            raise AdapterError(
                f"the process reading part of {self.path} failed ({self._reason()}); run again"
            )
        return body

    def _reason(self) -> str:
        if self._watch.late.is_set():
            return f"it did not finish within the check's time of {seconds_text(self._watch.seconds)} s"
        try:
            code = self.process.wait(_WAIT)
        except subprocess.TimeoutExpired:
            return "it stopped answering"
        self.errors.seek(0)
        lines = self.errors.read().decode(errors="replace").strip().splitlines()
        return lines[-1] if lines else f"exit code {code}"


def start_worker(
    path: Path, wanted: list[Wanted], start: int, stop: int, gzipped: bool = False
) -> Worker | None:
    """Start scanning bytes [start, stop) of `path` in a worker (of a gzip file: its content
    from the first line that starts at or after `start`, to the end); None if none can start."""
    if not sys.executable or getattr(sys, "frozen", False):
        return None  # an embedded or frozen interpreter: no Python to start
    # A file, not a pipe: the worker can never block on it. Worker.close closes it.
    errors = tempfile.TemporaryFile()  # noqa: SIM115
    try:
        process = subprocesses.start(  # registered: it never outlives the run
            [sys.executable, "-I", "-c", _BOOT.format(root=_ROOT)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,
        )
    except OSError:
        errors.close()
        return None
    assert process.stdin is not None
    worker = Worker(process, path, errors)
    try:
        with process.stdin:
            process.stdin.write(pickle.dumps((str(path), wanted, start, stop, gzipped)))
    except OSError:
        pass  # it died at once: `receive` reports why
    return worker
