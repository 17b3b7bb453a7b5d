"""Raw k6 `--out json` NDJSON (plain or gzip), read as a stream of 1 MiB blocks.

Every line is read exactly as `strict.loads` (`json.loads`, refusing duplicate keys and
NaN) reads it, or provably has nothing the policy asks for; most lines are never parsed:

- A line that names a wanted metric holds its name as a JSON string (`"http_req_duration"`,
  found by a C-speed substring search), or spells part of it with a `\\u` escape
  (`strict.SPELLED`, searched per block; Go never writes one). No other line can be one
  of its points or its declaration.
- A line of k6's own shape, `{"metric":…,"type":"Point","data":{"time":…,"value":…,
  "tags":{…}}}`, is cut up by one anchored regular expression that accepts only what it
  can prove equal to json's reading: an RFC 3339 time, a number no double overflows (not
  `-0`, which json reads as 0), and tags that `strict.loads` reads (once per tag set).
- Any other line holding the name, and every spelled line, is parsed with `strict.loads`:
  the fast path can be slow but never wrong. Values are kept in `array('d')`.
- A block whose every line holding the name is a point of k6's shape is taken at once
  (`bulk.take_block`: one split, the same match mapped in C), a tenth faster.

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
from typing import Any

from qualitygates.adapters.k6 import strict
from qualitygates.adapters.k6.bulk import find_metric_line, point_rest, take_block
from qualitygates.adapters.k6.lines import Buf, LineReader, point_time, redeclared
from qualitygates.adapters.k6.wanted import Wanted
from qualitygates.errors import AdapterError

BLOCK = 1 << 20
MAX_LINE = 64 << 20
#: A JSON number that float() reads as json does: at most 200 integer digits and a
#: two-digit exponent (so never beyond a double), and no bare `-0`.
NUMBER = rb"(?:0|-?[1-9]\d{0,199}|-0(?=[.eE]))(?:\.\d+)?(?:[eE][-+]?\d{1,2})?"
#: An RFC 3339 time `parse_time_ns` reads (years 1000-8999, no Feb 29: those go to json).
TIME = (
    rb"[1-8]\d{3}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)"
    rb"|02-(?:0[1-9]|1\d|2[0-8]))T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{1,9})?"
    rb"(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)"
)
#: Before and after `"<name>"` on a Point line of k6's own shape.
_LEAD = b'\n{"metric":'
_POINT_HEAD = b',"type":"Point","data":{"time":"'
_POINT_REST = re.compile(
    rb"(" + TIME + rb')","value":(' + NUMBER + rb'),"tags":(\{[^\n]*\}|null)\}\}\n'
)
_BULK_REST = point_rest(TIME, NUMBER)  # the same, from just after the name (bulk.take_block)
_POINT = b'"Point"'
ITERATION_DURATION = "iteration_duration"


@dataclass
class ScanResult:
    """What one file (or one byte range of it) holds for the wanted metrics."""

    declared: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> type, contains
    submetrics: set[str] = field(default_factory=set)
    first_point: Buf = b""
    last_point: Buf = b""


class Scanner(LineReader):
    """Scans NDJSON blocks for the wanted metrics; feed it with `scan(path, chunks)`."""

    def __init__(self, wanted: list[Wanted], path: Path, base_offset: int = 0) -> None:
        super().__init__(path, base_offset)
        self.wanted = wanted
        self.result = ScanResult()

    def scan(self, chunks: Iterator[bytes]) -> ScanResult:
        """Scan a stream of blocks (gzip content)."""
        carry = b"\n"
        for chunk in chunks:
            cut = chunk.rfind(b"\n")
            if cut >= 0:  # one copy: the block ends at its last newline, whole lines only
                buf = b"".join((carry, memoryview(chunk)[: cut + 1]))
                self._block(buf, len(buf))
                self.offset += len(buf) - 1
                carry = chunk[cut:]
            else:
                carry += chunk
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
        """One block of whole lines, `buf[:end]`, after a newline (`buf[0]`)."""
        spelled = self._spelled(buf, end)
        self._declarations(buf, end, spelled)
        if not self.result.first_point:
            self.result.first_point = self._edge(buf, end, spelled, first=True)
        self.result.last_point = self._edge(buf, end, spelled, first=False) or (
            self.result.last_point
        )
        for want in self.wanted:
            self._scan(want, buf, end, spelled)

    def _spelled(self, buf: Buf, end: int) -> dict[int, dict[str, Any]]:
        """Every line that spells a character with a `\\u` escape, parsed, by its start."""
        found: dict[int, dict[str, Any]] = {}
        backslash = buf.find(b"\\", 0, end)  # memchr: most blocks have none at all
        match = strict.SPELLED.search(buf, backslash, end) if backslash >= 0 else None
        while match is not None:
            start = buf.rfind(b"\n", 0, match.start()) + 1
            stop = buf.find(b"\n", match.start(), end)
            found[start] = self._parse(buf[start:stop], buf, start)
            match = strict.SPELLED.search(buf, stop, end)
        return found

    def _scan(self, want: Wanted, buf: Buf, end: int, spelled: dict[int, dict[str, Any]]) -> None:
        """Every line of the metric, in file order: spelled ones between the others."""
        lasts: list[bytes | None] = [None] * len(want.selections)
        begin = 0
        for start, record in spelled.items():
            if record.get("type") == "Point" and record.get("metric") == want.metric:
                self._scan_range(want, buf, begin, start, lasts, spelled)
                self._take(want, record, buf, start, lasts)
                begin = buf.find(b"\n", start, end)
        self._scan_range(want, buf, begin, end, lasts, spelled)
        for sel, last in zip(want.selections, lasts, strict=True):
            if last is not None:  # the time a Gauge's last value is ordered by
                sel.last_time = last

    def _scan_range(
        self,
        want: Wanted,
        buf: Buf,
        begin: int,
        end: int,
        lasts: list[bytes | None],
        spelled: dict[int, dict[str, Any]],
    ) -> None:
        """Lines holding the name in `buf[begin:end]`: k6's own shape fast, others via json."""
        if not want.track_start and take_block(want, _BULK_REST, buf, begin, end, lasts):
            return  # every one was a point of k6's shape (an iteration's start needs each)
        find, needle, match = buf.find, want.needle, _POINT_REST.match
        head, lead = len(needle) + len(_POINT_HEAD), len(_LEAD)
        pos = find(needle, begin, end)
        while pos >= 0:
            point = None
            if (
                pos >= lead
                and buf.startswith(_LEAD, pos - lead)
                and buf.startswith(_POINT_HEAD, pos + len(needle))
            ):
                point = match(buf, pos + head, end)
            flags = want.flags(point[3]) if point is not None else (False,)
            if point is not None and flags[0]:
                value = float(point[2])
                for index, sel in enumerate(want.selections):
                    if flags[index + 1]:
                        sel.values.append(value)
                        lasts[index] = point[1]
                if want.track_start:
                    want.note_start(point[1], value)
                stop = point.end() - 1
            else:
                start = buf.rfind(b"\n", 0, pos) + 1
                stop = buf.find(b"\n", pos, end)
                record = spelled.get(start) or self._parse(buf[start:stop], buf, start)
                self._take(want, record, buf, start, lasts)
            pos = find(needle, stop, end)

    def _take(
        self,
        want: Wanted,
        record: dict[str, Any],
        buf: Buf,
        pos: int,
        lasts: list[bytes | None],
    ) -> None:
        """A line read by json: a point of the metric, or a declaration."""
        if record.get("type") == "Point" and record.get("metric") == want.metric:
            time, value, tags = self._point(record, buf, pos)
            self._check_time(time, buf, pos)
            for index in want.add_point(time, value, tags):
                lasts[index] = None  # its last time is set: a later fast point overrides it
        elif record.get("type") == "Metric":
            self._declare(record, buf, pos)

    def _declarations(self, buf: Buf, end: int, spelled: dict[int, dict[str, Any]]) -> None:
        """Metric lines of k6's shape and spelled ones (for `available`; wanted ones come
        with their name anyway)."""
        for start, record in spelled.items():
            self._declare(record, buf, start)
        pos = find_metric_line(buf, 0, end)
        while pos >= 0:
            line = _line_with(buf, pos + 1)
            if pos + 1 not in spelled:
                self._declare(self._parse(line, buf, pos + 1), buf, pos + 1)
            pos = find_metric_line(buf, pos + len(line), end)

    def _declare(self, record: dict[str, Any], buf: Buf, pos: int) -> None:
        if record.get("type") != "Metric":
            return
        data = record.get("data")
        if not isinstance(data, dict) or not isinstance(data.get("name"), str):
            raise AdapterError(
                f"{self.path}: a k6 Metric line has no data.name; is the file complete?"
            )
        name, entry = data["name"], (str(data.get("type") or ""), str(data.get("contains") or ""))
        before = self.result.declared.setdefault(name, entry)
        if before != entry:
            raise AdapterError(
                f"{self.path}:{self._line_no(buf, pos)}: {redeclared(name, before, entry)}"
            )
        for sub in data.get("submetrics") or ():
            if isinstance(sub, dict) and isinstance(sub.get("name"), str):
                self.result.submetrics.add(sub["name"])

    def _edge(self, buf: Buf, end: int, spelled: dict[int, dict[str, Any]], first: bool) -> Buf:
        """The first (or last) line of the block that is a k6 Point with a time, or b""."""
        found = self._point_hit(buf, end, spelled, first)
        timed = [(start, t) for start, r in spelled.items() if (t := point_time(r)) is not None]
        if timed:
            other = timed[0] if first else timed[-1]
            if found is None or (other[0] < found[0] if first else other[0] > found[0]):
                found = other
        if found is None:
            return b""
        self._check_time(found[1], buf, found[0])
        return _line_with(buf, found[0])

    def _point_hit(
        self, buf: Buf, end: int, spelled: dict[int, dict[str, Any]], first: bool
    ) -> tuple[int, str] | None:
        """The first (or last) line holding `"Point"` that is a Point with a time."""
        pos = buf.find(_POINT, 0, end) if first else buf.rfind(_POINT, 0, end)
        while pos >= 0:
            start = buf.rfind(b"\n", 0, pos) + 1
            stop = buf.find(b"\n", pos, end)
            time = point_time(spelled.get(start) or self._parse(buf[start:stop], buf, start))
            if time is not None:
                return start, time
            pos = buf.find(_POINT, stop, end) if first else buf.rfind(_POINT, 0, max(start - 1, 0))
        return None


def _line_with(buf: Buf, pos: int) -> Buf:
    if pos < 0:
        return b""
    start = buf.rfind(b"\n", 0, pos) + 1
    stop = buf.find(b"\n", pos)
    return buf[start : stop if stop >= 0 else len(buf)]
