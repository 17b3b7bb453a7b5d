"""When a k6 run ended, read from its output (to query Prometheus at the end of a load test).

- NDJSON (`--out json`, plain or gzip): the latest point time among the complete lines of
  the file's last MiB, each read as `strict.loads` reads it (a line that spells "Point"
  with a `\\u` escape is a point too). k6 writes points in batches, so the latest is not
  always on the very last line. A plain file is read from its end (one seek); gzip has no
  index, so it is inflated to its end keeping only the last MiB. Where that window holds
  no point, the whole file is scanned for its last one.
- the machine-readable summary: `metadata.generatedAt`, which k6 stamps as the run ends
  (`time.Now()` in k6 `internal/lib/summary/machine_readable.go`).
- `--summary-export` and handleSummary JSON hold no absolute time at all
  (`state.testRunDurationMs` is a duration): an error that says what to give instead.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from qualitygates.adapters._io import GZIP_MAGIC
from qualitygates.adapters.k6 import strict
from qualitygates.adapters.k6.adapter import NDJSON, detect
from qualitygates.adapters.k6.chunks import iter_chunks
from qualitygates.adapters.k6.ndjson import Scanner, ScanResult
from qualitygates.adapters.k6.strict import SPELLED
from qualitygates.adapters.k6.summary import MACHINE_READABLE
from qualitygates.adapters.k6.timefmt import BadTime, parse_time_ns, to_datetime
from qualitygates.errors import AdapterError

TAIL = 1 << 20
_POINT = b'"Point"'


def end_time(path: Path) -> datetime:
    """When the k6 run that wrote `path` ended (UTC, microseconds); see `end_time_ns`."""
    return to_datetime(end_time_ns(path))


def end_time_ns(path: Path) -> int:
    """When the k6 run that wrote `path` ended, in nanoseconds since the epoch.

    NDJSON: its latest point near the end of the file; the machine-readable summary: its
    `metadata.generatedAt`. Raises AdapterError for a summary without an absolute time, and
    for a missing, empty, truncated or malformed file.
    """
    kind, data = detect(path)
    if kind != NDJSON:
        return _summary_end(path, kind, data)
    with path.open("rb") as raw:
        gzipped = raw.read(2) == GZIP_MAGIC
        raw.seek(0)
        window, whole = _gzip_tail(raw, path) if gzipped else _plain_tail(raw)
    latest = _latest_point(window, whole, path)
    return latest if latest is not None else _last_point(path, gzipped)


def _plain_tail(raw: IO[bytes]) -> tuple[bytes, bool]:
    size = raw.seek(0, 2)
    start = max(0, size - TAIL)
    raw.seek(start)
    return raw.read(), start == 0


def _gzip_tail(raw: IO[bytes], path: Path) -> tuple[bytes, bool]:
    """The last TAIL bytes of the inflated content, and whether that is all of it."""
    window, total = b"", 0
    for chunk in iter_chunks(raw, path):
        total += len(chunk)
        window = (window + chunk)[-TAIL:]
    return window, total <= TAIL


def _latest_point(window: bytes, whole: bool, path: Path) -> int | None:
    """The latest point time among the complete lines of `window` (None: no point there)."""
    if not whole:
        cut = window.find(b"\n")
        window = window[cut + 1 :] if cut >= 0 else b""  # drop the line cut by the window
    lines = window.split(b"\n")
    if lines[-1].strip():
        _complete(lines[-1], path)
    latest = None
    for line in lines:
        # A Point line holds "Point", or spells it with a \u escape: read those with json.
        if _POINT in line or (b"\\" in line and SPELLED.search(line)):
            stamp = _point_time(_record(line, path), path)
            if stamp is not None and (latest is None or stamp > latest):
                latest = stamp
    return latest


def _complete(line: bytes, path: Path) -> None:
    try:
        json.loads(line)
    except (ValueError, RecursionError):
        raise AdapterError(
            f"{path} is truncated: its last line is not complete JSON; re-run k6"
        ) from None


def _record(line: bytes, path: Path) -> Any:
    try:
        return strict.loads(line)
    except strict.StrictJSONError as exc:
        raise AdapterError(
            f"{path}: a line near its end: {exc}: not k6 output, refusing it"
        ) from None
    except (ValueError, RecursionError):  # nesting deeper than json's C stack
        raise AdapterError(
            f"{path}: a line near its end is not valid JSON; is this k6 --out json output?"
        ) from None


def _point_time(record: Any, path: Path) -> int | None:
    if not isinstance(record, dict) or record.get("type") != "Point":
        return None
    data = record.get("data")
    stamp = data.get("time") if isinstance(data, dict) else None
    return _parse(stamp, path, "a k6 Point's data.time") if isinstance(stamp, str) else None


def _parse(stamp: str, path: Path, what: str) -> int:
    try:
        return parse_time_ns(stamp)
    except BadTime:
        raise AdapterError(f"{path}: {what} {stamp[:40]!r} is not an RFC 3339 time") from None


def _last_point(path: Path, gzipped: bool) -> int:
    """Scan the whole file for its last point (the window at its end held none)."""
    with path.open("rb", buffering=0) as raw:
        scanner = Scanner([], path)
        if gzipped:
            result: ScanResult = scanner.scan(iter_chunks(raw, path))
        else:
            result = scanner.scan_plain(raw, 0, path.stat().st_size)
    stamp = _point_time(json.loads(result.last_point), path) if result.last_point else None
    if stamp is None:
        raise AdapterError(f"{path} holds no k6 samples: the test recorded nothing; check the run")
    return stamp


def _summary_end(path: Path, kind: str, data: Any) -> int:
    if kind != MACHINE_READABLE:
        raise AdapterError(
            f"{path} is k6 {kind} JSON, which holds no absolute time (only the run's "
            "duration): give the run's --out json NDJSON instead, or the time itself"
        )
    metadata = data.get("metadata")
    stamp = metadata.get("generatedAt") if isinstance(metadata, dict) else None
    if not isinstance(stamp, str):
        raise AdapterError(
            f"{path}: metadata.generatedAt is missing; give the run's --out json NDJSON instead"
        )
    return _parse(stamp, path, "metadata.generatedAt")
