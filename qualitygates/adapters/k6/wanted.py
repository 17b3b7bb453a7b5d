"""What the NDJSON scanner looks for: each wanted metric and the (sub-)metrics asked of it.

A point belongs to a sub-metric when its tags contain all the sub-metric's tags
(`sample.Tags.Contains`, k6 `internal/metrics/engine/ingester.go`). Tag sets are read
with `strict.loads`, checked once each and remembered: k6 repeats a few.
"""

from __future__ import annotations

import json
from array import array
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from qualitygates.adapters.k6 import strict
from qualitygates.adapters.k6.names import Tags
from qualitygates.adapters.k6.tagfilters import TagsSeen
from qualitygates.adapters.k6.timefmt import parse_time_ns

_TAG_CACHE = 4096


@dataclass
class Selection:
    """The samples of one (sub-)metric: values in file order and the last point's time."""

    tags: Tags
    values: array[float] = field(default_factory=lambda: array("d"))
    last_time: bytes = b""

    def matches(self, tags: Mapping[str, Any]) -> bool:
        """Whether `tags` (as json reads them) contain all of this selection's tags."""
        return all(tags.get(k) == v for k, v in self.tags)


@dataclass
class Wanted:
    """One wanted metric: its needle, the selections asked of it and the tags seen."""

    metric: str
    selections: list[Selection]
    track_start: bool = False  # iteration_duration: earliest iteration start, for rates
    start_ns: int | None = None
    seen: TagsSeen | None = None  # for the tag filters: what its samples' tags were

    def __post_init__(self) -> None:
        # The name as a JSON string token: a line holding one of its points holds it, or
        # spells it with a \u escape (`strict.SPELLED`); names are [A-Za-z0-9_].
        self.needle = json.dumps(self.metric).encode()
        # tags (raw bytes) -> (strict JSON object or null?, matches selection 0, 1, ...);
        # k6 repeats a few tag sets, so each is read once. Bounded: cleared when full.
        self.tag_cache: dict[bytes, tuple[bool, ...]] = {}
        pairs = frozenset(pair for sel in self.selections for pair in sel.tags)
        if pairs and self.seen is None:
            self.seen = TagsSeen(pairs)

    def flags(self, tags: bytes) -> tuple[bool, ...]:
        """Whether raw `tags` are a JSON object (or null) read exactly as json reads them,
        and which selections they match; (False,) sends the line to json."""
        flags = self.tag_cache.get(tags)
        if flags is None:
            if len(self.tag_cache) >= _TAG_CACHE:
                self.tag_cache.clear()
            parsed = _tag_object(tags)
            if parsed is None:
                flags = (False,)
            else:
                self.note_tags(parsed)
                flags = (True, *(sel.matches(parsed) for sel in self.selections))
            self.tag_cache[tags] = flags
        return flags

    def note_tags(self, tags: Mapping[str, Any]) -> None:
        if self.seen is not None:
            self.seen.note(tags)

    def add_point(self, time: str, value: float, tags: Mapping[str, Any]) -> list[int]:
        """Add a point read by json; the indexes of the selections it belongs to."""
        self.note_tags(tags)
        matched = []
        for index, sel in enumerate(self.selections):
            if sel.matches(tags):
                sel.values.append(value)
                sel.last_time = time.encode()
                matched.append(index)
        if self.track_start:
            self.note_start(time.encode(), value)
        return matched

    def note_start(self, time: bytes, value_ms: float) -> None:
        start = parse_time_ns(time) - round(value_ms * 1e6)
        if self.start_ns is None or start < self.start_ns:
            self.start_ns = start


def _tag_object(tags: bytes) -> Mapping[str, Any] | None:
    if tags == b"null":
        return {}
    try:
        parsed = strict.loads(tags)
    except (ValueError, RecursionError):
        return None  # the line goes to json, which names its fault
    return parsed if isinstance(parsed, dict) else None
