"""What the NDJSON scanner looks for: each wanted metric and the (sub-)metrics asked of it.

A point belongs to a sub-metric when its tags contain all the sub-metric's tags
(`sample.Tags.Contains`, k6 `internal/metrics/engine/ingester.go`). Tag sets are checked
once each and remembered: k6 repeats a few.
"""

from __future__ import annotations

import json
import re
from array import array
from dataclasses import dataclass, field
from typing import Any

from qualitygates.adapters.k6.names import Tags
from qualitygates.adapters.k6.timefmt import parse_time_ns

_STR = rb'"[^"\\\n]*(?:\\.[^"\\\n]*)*"'
_OBJ = rb"\{(?:" + _STR + rb":" + _STR + rb"(?:," + _STR + rb":" + _STR + rb")*)?\}"
#: A flat tag object of plain strings, as k6 writes it.
_FLAT_TAGS = re.compile(_OBJ)
_TAG_CACHE = 4096


@dataclass
class Selection:
    """The samples of one (sub-)metric: values in file order and the last point's time."""

    tags: Tags
    values: array[float] = field(default_factory=lambda: array("d"))
    last_time: bytes = b""
    needles: tuple[bytes, ...] = ()
    by_substring: bool = True  # tag pairs can be found as raw substrings

    def __post_init__(self) -> None:
        self.needles = tuple(_pair(k, v) for k, v in self.tags)
        self.by_substring = all(
            b"\\" not in n and k[:1] not in (":", ",", "}")
            for (k, _), n in zip(self.tags, self.needles, strict=True)
        )

    def matches(self, tags: bytes) -> bool:
        """Whether raw JSON `tags` (an object or `null`) contain all of this selection's tags."""
        if not self.tags:
            return True
        if self.by_substring and b"\\" not in tags:
            return all(n in tags for n in self.needles)
        parsed = json.loads(tags) or {}
        return all(parsed.get(k) == v for k, v in self.tags)


def _pair(key: str, value: str) -> bytes:
    # Go writes non-ASCII as raw UTF-8; anything it escapes sends the line down the json path.
    return (
        json.dumps(key, ensure_ascii=False) + ":" + json.dumps(value, ensure_ascii=False)
    ).encode()


@dataclass
class Wanted:
    """One wanted metric: its needle, its fast pattern and the selections asked of it."""

    metric: str
    selections: list[Selection]
    track_start: bool = False  # iteration_duration: earliest iteration start, for rates
    start_ns: int | None = None

    def __post_init__(self) -> None:
        # The name as a JSON string token: every line that can hold one of its points
        # contains it, whatever the key order or spacing (names are [A-Za-z0-9_], which
        # no JSON writer escapes). Lines not of k6's own shape go through json.loads.
        self.needle = json.dumps(self.metric).encode()
        # tags (raw bytes) -> (a flat escape-free object?, matches selection 0, 1, ...);
        # k6 repeats a few tag sets, so each is checked once. Bounded: cleared when full.
        self.tag_cache: dict[bytes, tuple[bool, ...]] = {}

    def flags(self, tags: bytes) -> tuple[bool, ...]:
        """Whether `tags` is a plain k6 tag object, and which selections it matches."""
        flags = self.tag_cache.get(tags)
        if flags is None:
            if len(self.tag_cache) >= _TAG_CACHE:
                self.tag_cache.clear()
            plain = tags == b"null" or _FLAT_TAGS.fullmatch(tags) is not None
            flags = (plain, *(plain and sel.matches(tags) for sel in self.selections))
            self.tag_cache[tags] = flags
        return flags

    def add_point(self, time: str, value: float, tags: dict[str, Any]) -> None:
        for sel in self.selections:
            if all(tags.get(k) == v for k, v in sel.tags):
                sel.values.append(value)
                sel.last_time = time.encode()
        if self.track_start:
            self.note_start(time.encode(), value)

    def note_start(self, time: bytes, value_ms: float) -> None:
        start = parse_time_ns(time) - round(value_ms * 1e6)
        if self.start_ns is None or start < self.start_ns:
            self.start_ns = start
