"""Raw k6 `--out json` NDJSON (plain or gzip), read as a stream of 1 MiB blocks.

Only the metrics a policy asks for are looked at. For each wanted metric a block is
searched for its name as a JSON string (`"http_req_duration"`, a C-speed substring
search); a line of k6's own shape, `{"metric":…,"type":"Point","data":{"time":…,
"value":…,"tags":{…}}}`, is cut up by one anchored regular expression, and any other line
holding that token (a declaration, another key order or spacing, nested metadata, escaped
tags, a tag value equal to the name) is parsed with `json.loads`: the fast path can be
slow but never wrong. Lines of other metrics are never parsed. Values are kept in
`array('d')`, 8 bytes each, and tag sets are checked once each (k6 repeats a few).

A point belongs to a sub-metric when its tags contain all the sub-metric's tags
(`sample.Tags.Contains`, k6 `internal/metrics/engine/ingester.go`).
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union

from qualitygates.adapters.k6.chunks import iter_chunks
from qualitygates.adapters.k6.timefmt import BadTime, parse_time_ns
from qualitygates.adapters.k6.wanted import Wanted
from qualitygates.errors import AdapterError

BLOCK = 1 << 20
Buf = Union[bytes, bytearray]  # noqa: UP007 - a runtime alias on Python 3.10
MAX_LINE = 64 << 20
_NUM = rb"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?"
#: Before and after `"<name>"` on a Point line of k6's own shape.
_LEAD = b'\n{"metric":'
_POINT_HEAD = b',"type":"Point","data":{"time":"'
_POINT_REST = re.compile(rb'([^"\\\n]*)","value":(' + _NUM + rb'),"tags":(\{[^\n]*\}|null)\}\}\n')
_METRIC_LINE = b'\n{"type":"Metric","data":{"name":"'
_POINT = b'"Point"'
ITERATION_DURATION = "iteration_duration"


@dataclass
class ScanResult:
    """What one file (or one byte range of it) holds for the wanted metrics."""

    declared: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> type, contains
    submetrics: set[str] = field(default_factory=set)
    first_point: Buf = b""
    last_point: Buf = b""


class Scanner:
    """Scans NDJSON blocks for the wanted metrics; feed it with `scan(path, chunks)`."""

    def __init__(self, wanted: list[Wanted], path: Path, base_offset: int = 0) -> None:
        self.wanted = wanted
        self.path = path
        self.offset = base_offset  # file offset of the current buffer's first byte, minus 1
        self.result = ScanResult()

    def scan(self, chunks: Iterator[bytes]) -> ScanResult:
        """Scan a stream of blocks (gzip content)."""
        carry = b"\n"
        for chunk in chunks:
            buf = carry + chunk
            cut = buf.rfind(b"\n")
            if cut > 0:
                self._block(buf, cut + 1)
                self.offset += cut
                carry = buf[cut:]
            else:
                carry = buf
            self._check_line(len(carry))
        return self._finish(carry)

    def scan_plain(
        self, raw: io.RawIOBase | io.BufferedIOBase, start: int, stop: int
    ) -> ScanResult:
        """Scan bytes [start, stop) of a plain file through one reused buffer (no copies)."""
        raw.seek(start)
        buf = bytearray(b"\n") + bytearray(BLOCK)
        used, remaining = 1, stop - start
        while remaining > 0:
            if used == len(buf):  # a line longer than the buffer: grow it
                self._check_line(used)
                buf.extend(bytearray(len(buf)))
            with memoryview(buf) as view:
                got = raw.readinto(view[used : used + min(len(buf) - used, remaining)])
            if not got:
                break
            remaining -= got
            used += got
            cut = buf.rfind(b"\n", 0, used)
            if cut > 0:
                self._block(buf, cut + 1)
                self.offset += cut
                buf[: used - cut] = buf[cut:used]
                used -= cut
        return self._finish(bytes(buf[:used]))

    def _check_line(self, length: int) -> None:
        if length > MAX_LINE:
            raise AdapterError(f"{self.path} has a line over {MAX_LINE >> 20} MiB: not k6 NDJSON")

    def _finish(self, carry: bytes) -> ScanResult:
        if carry.strip():
            self._last_line(carry)
        self.result.first_point = bytes(self.result.first_point)
        self.result.last_point = bytes(self.result.last_point)
        return self.result

    def _last_line(self, carry: bytes) -> None:
        try:
            json.loads(carry)
        except ValueError as exc:
            raise AdapterError(
                f"{self.path} is truncated: its last line is not complete JSON; re-run k6"
            ) from exc
        except RecursionError:
            raise AdapterError(self._too_deep(carry, 1)) from None
        self._block(carry + b"\n", len(carry) + 1)

    def _block(self, buf: Buf, end: int) -> None:
        self._declarations(buf, end)
        if not self.result.first_point:
            self.result.first_point = self._timed(buf, *_point_line(buf, end, first=True))
        last = self._timed(buf, *_point_line(buf, end, first=False))
        self.result.last_point = last or self.result.last_point
        for want in self.wanted:
            self._scan(want, buf, end)

    def _scan(self, want: Wanted, buf: Buf, end: int) -> None:
        """Every line naming the metric: k6's own shape fast, anything else via json."""
        find, needle, match = buf.find, want.needle, _POINT_REST.match
        head = len(needle) + len(_POINT_HEAD)
        lasts: list[Any] = [None] * len(want.selections)
        pos = find(needle, 0, end)
        try:  # costs nothing until raised (3.11); a bad time is named with its line
            while pos >= 0:
                point = None
                if buf.startswith(_LEAD, pos - len(_LEAD)) and buf.startswith(
                    _POINT_HEAD, pos + len(needle)
                ):
                    point = match(buf, pos + head, end)
                flags = want.flags(point[3]) if point is not None else (False,)
                if not flags[0]:
                    stop = self._slow_line(want, buf, pos, end)
                else:
                    value = float(point[2])  # type: ignore[index]
                    for index, sel in enumerate(want.selections):
                        if flags[index + 1]:
                            sel.values.append(value)
                            lasts[index] = point
                    if want.track_start:
                        want.note_start(point[1], value)  # type: ignore[index]
                    stop = point.end() - 1  # type: ignore[union-attr]
                pos = find(needle, stop, end)
        except BadTime as exc:
            raise self._bad_time(exc, buf, pos) from None
        for sel, last in zip(want.selections, lasts, strict=True):
            if last is not None:  # the time a Gauge's last value is ordered by
                self._check_time(last[1], buf, last.start())
                sel.last_time = last[1]

    def _declarations(self, buf: Buf, end: int) -> None:
        """Metric lines of k6's shape (for the names `available`; wanted ones come anyway)."""
        pos = buf.find(_METRIC_LINE, 0, end)
        while pos >= 0:
            line = _line_with(buf, pos + 1)
            self._declare(self._parse(line, buf, pos + 1))
            pos = buf.find(_METRIC_LINE, pos + len(line), end)

    def _declare(self, record: Any) -> None:
        if record.get("type") != "Metric":
            return
        data = record.get("data")
        if not isinstance(data, dict) or not isinstance(data.get("name"), str):
            raise AdapterError(
                f"{self.path}: a k6 Metric line has no data.name; is the file complete?"
            )
        kind, contains = data.get("type"), data.get("contains")
        self.result.declared[data["name"]] = (str(kind or ""), str(contains or ""))
        for sub in data.get("submetrics") or ():
            if isinstance(sub, dict) and isinstance(sub.get("name"), str):
                self.result.submetrics.add(sub["name"])

    def _slow_line(self, want: Wanted, buf: Buf, pos: int, end: int) -> int:
        """Parse the line around `pos` with json; returns where the line ends."""
        start = buf.rfind(b"\n", 0, pos) + 1
        stop = buf.find(b"\n", pos, end)
        record = self._parse(buf[start:stop], buf, pos)
        if record.get("type") == "Point" and record.get("metric") == want.metric:
            time, value, tags = self._point(record, buf, pos)
            parse_time_ns(time)  # BadTime: `_scan` names the line
            want.add_point(time, value, tags)
        elif record.get("type") == "Metric":
            self._declare(record)
        return stop

    def _parse(self, line: Buf, buf: Buf, pos: int) -> Any:
        try:
            record = json.loads(line)
        except ValueError:
            raise AdapterError(
                f"{self.path}:{self._line_no(buf, pos)}: not valid JSON; is this k6 --out json output?"
            ) from None
        except RecursionError:  # json's C decoder guards its stack: a hostile line
            raise AdapterError(self._too_deep(buf, pos)) from None
        if not isinstance(record, dict):
            raise AdapterError(
                f"{self.path}:{self._line_no(buf, pos)}: a k6 NDJSON line should be a JSON object"
            )
        return record

    def _point(
        self, record: dict[str, Any], buf: Buf, pos: int
    ) -> tuple[str, float, dict[str, Any]]:
        data = record.get("data")
        if isinstance(data, dict):
            time, value, tags = data.get("time"), data.get("value"), data.get("tags")
            number = isinstance(value, (int, float)) and not isinstance(value, bool)
            if isinstance(time, str) and number and isinstance(tags, (dict, type(None))):
                return time, float(value), tags or {}  # type: ignore[arg-type]
        line = self._line_no(buf, pos)
        raise AdapterError(
            f"{self.path}:{line}: a k6 Point needs data.time, a numeric data.value and data.tags"
        )

    def _too_deep(self, buf: Buf, pos: int) -> str:
        line = self._line_no(buf, pos)
        return f"{self.path}:{line}: nests too deeply to be a k6 NDJSON line; refusing it"

    def _timed(self, buf: Buf, line: Buf, time: str, pos: int) -> Buf:
        """`line` (a Point line at `pos`, or b""), once its `time` is known to be one."""
        if line:
            self._check_time(time, buf, pos)
        return line

    def _check_time(self, time: str | bytes, buf: Buf, pos: int) -> None:
        try:
            parse_time_ns(time)
        except BadTime as exc:
            raise self._bad_time(exc, buf, pos) from None

    def _bad_time(self, exc: BadTime, buf: Buf, pos: int) -> AdapterError:
        return AdapterError(f"{self.path}:{self._line_no(buf, pos)}: {exc}")

    def _line_no(self, buf: Buf, pos: int) -> int:
        """The 1-based line number of `pos`, counted from the file (errors only: re-reads it)."""
        absolute = self.offset + pos
        count = 0
        with self.path.open("rb") as raw:
            for chunk in iter_chunks(raw, self.path):
                if len(chunk) >= absolute:
                    return count + chunk.count(b"\n", 0, absolute) + 1
                count += chunk.count(b"\n")
                absolute -= len(chunk)
        return count


def _point_line(buf: Buf, end: int, first: bool) -> tuple[Buf, str, int]:
    """The first (or last) line of the block that is a k6 Point with a time, its time and
    a position in it; (b"", "", -1) if none."""
    pos = buf.find(_POINT, 0, end) if first else buf.rfind(_POINT, 0, end)
    while pos >= 0:
        line = _line_with(buf, pos)
        try:
            record = json.loads(line)
        except (ValueError, RecursionError):
            record = None  # reported by whoever reads the line
        if isinstance(record, dict) and record.get("type") == "Point":
            data = record.get("data")
            if isinstance(data, dict) and isinstance(data.get("time"), str):
                return line, data["time"], pos
        if first:
            stop = buf.find(b"\n", pos, end)
            pos = buf.find(_POINT, stop, end) if stop >= 0 else -1
        else:
            pos = buf.rfind(_POINT, 0, max(buf.rfind(b"\n", 0, pos), 0))
    return b"", "", -1


def _line_with(buf: Buf, pos: int) -> Buf:
    if pos < 0:
        return b""
    start = buf.rfind(b"\n", 0, pos) + 1
    stop = buf.find(b"\n", pos)
    return buf[start : stop if stop >= 0 else len(buf)]
