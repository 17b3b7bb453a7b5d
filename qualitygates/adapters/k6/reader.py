"""Read one or several k6 NDJSON files into merged samples of the wanted (sub-)metrics.

Several files (one per k6 instance of a distributed run) merge into one exact result:
values are concatenated in file order, so every stat is computed over all samples. A
large plain file is split at a line boundary and its second half is scanned by a worker
process (two cores; see `worker`), which sends its values back as raw bytes.
"""

from __future__ import annotations

import json
import os
from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qualitygates.adapters._io import GZIP_MAGIC
from qualitygates.adapters.k6.chunks import iter_chunks, until_line_at
from qualitygates.adapters.k6.lines import redeclared
from qualitygates.adapters.k6.names import Key
from qualitygates.adapters.k6.ndjson import ITERATION_DURATION, Scanner, ScanResult
from qualitygates.adapters.k6.tagfilters import TagsSeen
from qualitygates.adapters.k6.timefmt import parse_time_ns
from qualitygates.adapters.k6.wanted import Selection, Wanted
from qualitygates.adapters.k6.worker import start_worker
from qualitygates.errors import AdapterError

PARALLEL_MIN_BYTES = 128 << 20
#: What this process scans while a worker starts (about 50 ms since it imports the scanner
#: alone): its part is smaller. 32 MiB balanced the two parts best on a 2-core machine.
WORKER_START_BYTES = 32 << 20
#: gzip from this size on (compressed) is read by two processes: both inflate, each scans
#: a part. This process's part of the content: the worker also inflates this part.
GZIP_PARALLEL_MIN_BYTES = 4 << 20
GZIP_SHARE = 0.62


@dataclass
class Samples:
    """Merged samples of every wanted key, with what the files declared."""

    declared: dict[str, tuple[str, str]] = field(default_factory=dict)
    submetrics: set[str] = field(default_factory=set)
    values: dict[Key, array[float]] = field(default_factory=dict)
    last: dict[Key, tuple[int, float]] = field(default_factory=dict)  # gauge: time, value
    first_ns: int | None = None
    last_ns: int | None = None
    start_ns: int | None = None  # earliest iteration start (time - iteration_duration)
    seen: dict[str, TagsSeen] = field(default_factory=dict)  # metric -> its filters' tags


def read_ndjson(paths: list[Path], keys: Iterable[Key], track_start: bool) -> Samples:
    """Scan every file for the wanted keys and merge the results in file order."""
    keys = sorted(set(keys))
    merged = Samples(values={key: array("d") for key in keys})
    for path in paths:
        wanted = _wanted(keys, track_start)
        result = _scan_file(path, wanted)
        _merge(merged, path, result, wanted)
    return merged


def _wanted(keys: list[Key], track_start: bool) -> list[Wanted]:
    by_metric: dict[str, list[Selection]] = {}
    for metric, tags in keys:
        by_metric.setdefault(metric, []).append(Selection(tags))
    if track_start:
        by_metric.setdefault(ITERATION_DURATION, [])
    return [
        Wanted(metric, selections, track_start=track_start and metric == ITERATION_DURATION)
        for metric, selections in by_metric.items()
    ]


def _scan_file(path: Path, wanted: list[Wanted]) -> ScanResult:
    size = path.stat().st_size
    with path.open("rb") as raw:
        gzipped = raw.read(2) == GZIP_MAGIC
        split = _split_point(raw, size) if not gzipped and size >= PARALLEL_MIN_BYTES else 0
        if split and wanted and _can_split():
            result = _scan_parallel(path, raw, wanted, split, size)
            if result is not None:
                return result
        if gzipped:
            share = _gzip_share(raw, size) if wanted and size >= GZIP_PARALLEL_MIN_BYTES else 0
            result = _scan_gzip_parallel(path, raw, wanted, share) if share else None
            if result is not None:
                return result
            raw.seek(0)
            return Scanner(wanted, path).scan(iter_chunks(raw, path))
    with path.open("rb", buffering=0) as unbuffered:
        return Scanner(wanted, path).scan_plain(unbuffered, 0, size)


def _can_split() -> bool:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (cpus or 1) >= 2


def _split_point(raw: Any, size: int) -> int:
    """The offset of the first line that starts after the middle, moved by the head start."""
    middle = (size + min(WORKER_START_BYTES, size // 4)) // 2
    raw.seek(middle)
    tail = raw.read(1 << 20)
    newline = tail.find(b"\n")
    return middle + newline + 1 if 0 <= newline < len(tail) - 1 else 0


def _scan_parallel(
    path: Path, raw: Any, wanted: list[Wanted], split: int, size: int
) -> ScanResult | None:
    """This process scans the first part while a worker scans the rest; None: no worker."""
    worker = start_worker(path, wanted, split, size)
    if worker is None:
        return None
    try:
        first = Scanner(wanted, path).scan_plain(raw, 0, split)
        second = worker.receive(wanted)
    finally:
        worker.close()
    return _join(first, second, path)


def _gzip_share(raw: Any, size: int) -> int:
    """The bytes of content this process inflates and scans while a worker inflates it all
    and scans the rest; 0 (no worker) when the gzip trailer gives no usable size."""
    if not _can_split():
        return 0
    raw.seek(size - 4)
    content = int.from_bytes(raw.read(4), "little")  # ISIZE: the size modulo 2**32
    return int(content * GZIP_SHARE) if content >= size else 0  # else > 4 GiB, or odd


def _scan_gzip_parallel(
    path: Path, raw: Any, wanted: list[Wanted], share: int
) -> ScanResult | None:
    """This process scans the content's first `share` bytes (to a line's start) while a
    worker inflates the whole file, checking all of it, and scans the rest."""
    worker = start_worker(path, wanted, share, -1, gzipped=True)
    if worker is None:
        return None
    try:
        raw.seek(0)
        first = Scanner(wanted, path).scan(until_line_at(iter_chunks(raw, path), share))
        second = worker.receive(wanted)
    finally:
        worker.close()
    return _join(first, second, path)


def _join(first: ScanResult, second: ScanResult, path: Path) -> ScanResult:
    declare(first.declared, second.declared, path)
    first.submetrics |= second.submetrics
    first.first_point = first.first_point or second.first_point
    first.last_point = second.last_point or first.last_point
    return first


def _merge(merged: Samples, path: Path, result: ScanResult, wanted: list[Wanted]) -> None:
    if not result.first_point:
        raise AdapterError(f"{path} holds no k6 samples: the test recorded nothing; check the run")
    declare(merged.declared, result.declared, path)
    merged.submetrics |= result.submetrics
    first, last = _point_ns(result.first_point, path), _point_ns(result.last_point, path)
    merged.first_ns = first if merged.first_ns is None else min(merged.first_ns, first)
    merged.last_ns = last if merged.last_ns is None else max(merged.last_ns, last)
    for want in wanted:
        if want.seen is not None:
            merged.seen.setdefault(want.metric, TagsSeen(want.seen.wanted)).merge(want.seen)
        if want.start_ns is not None:
            merged.start_ns = (
                want.start_ns if merged.start_ns is None else min(merged.start_ns, want.start_ns)
            )
        for sel in want.selections:
            key = (want.metric, sel.tags)
            if key not in merged.values or not sel.values:
                continue
            if merged.values[key]:
                merged.values[key].extend(sel.values)
            else:
                merged.values[key] = sel.values  # one file: adopt the array, no copy
            stamp = (parse_time_ns(sel.last_time), sel.values[-1])
            if key not in merged.last or stamp[0] >= merged.last[key][0]:
                merged.last[key] = stamp
            sel.values = array("d")


def declare(into: dict[str, tuple[str, str]], more: dict[str, tuple[str, str]], path: Path) -> None:
    """Add the metrics `more` declares; one declared with two types is an error."""
    for name, entry in more.items():
        before = into.setdefault(name, entry)
        if before != entry:
            raise AdapterError(f"{path}: {redeclared(name, before, entry)}")


def _point_ns(line: bytes | bytearray, path: Path) -> int:
    try:
        record = json.loads(line)
        return parse_time_ns(record["data"]["time"])
    except (ValueError, KeyError, TypeError) as exc:
        raise AdapterError(f"{path}: a k6 Point line has no readable data.time") from exc
