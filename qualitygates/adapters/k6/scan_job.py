"""What a k6 worker process runs: scan its byte range of the file, answer in frames.

Kept apart from `worker` (the caller's side, which starts and reads workers) so that the
fresh interpreter imports the scanner and nothing else: no `subprocess`, `tempfile` or
process registry, which only the caller needs (about 7 ms of each worker's start).
"""

from __future__ import annotations

import pickle
import struct
import sys
from array import array
from pathlib import Path
from typing import IO, Any

from qualitygates.adapters.k6.chunks import from_line_at, iter_chunks
from qualitygates.adapters.k6.ndjson import Scanner
from qualitygates.errors import AdapterError

#: A frame's length, before its bytes.
LENGTH = struct.Struct("<Q")


def main() -> None:
    """The worker: scan the job read from stdin and answer on stdout."""
    out = sys.stdout.buffer
    name, wanted, start, stop, gzipped = pickle.loads(sys.stdin.buffer.read())
    path = Path(name)
    try:
        if gzipped:  # inflated from the start, scanned from the first line at `start`
            with path.open("rb") as raw:
                begin, rest = from_line_at(iter_chunks(raw, path), start)
                result = Scanner(wanted, path, base_offset=begin).scan(rest)
        else:
            with path.open("rb", buffering=0) as raw:
                result = Scanner(wanted, path, base_offset=start).scan_plain(raw, start, stop)
    except AdapterError as exc:
        _send(out, pickle.dumps(("error", str(exc), None)))
        out.flush()
        return
    try:
        _send(out, pickle.dumps(("ok", result, [(w.start_ns, w.seen) for w in wanted])))
        for want in wanted:
            for sel in want.selections:
                _send(out, sel.last_time)
                _send(out, memoryview(sel.values).cast("B"))
                sel.values = array("d")
        out.flush()
    except BrokenPipeError:
        pass  # the caller stopped listening (it failed first): nothing to report


def _send(out: IO[bytes], payload: Any) -> None:
    out.write(LENGTH.pack(len(payload) if isinstance(payload, bytes) else payload.nbytes))
    out.write(payload)
