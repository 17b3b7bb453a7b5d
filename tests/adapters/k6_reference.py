"""A plain reference reading of k6 NDJSON: every line through `json.loads`, every stat
computed the simple way, to compare the adapter's fast path against.

It shares nothing with the adapter but the metric-name grammar and the RFC 3339 parser:
lines are read with `json.loads` (a repeated key, NaN or Infinity refused), samples kept
in lists in file order, and each stat computed from its k6 definition (`metrics/sink.go`):
a running sum in sample order, `p(N)` interpolated at `N/100 · (n − 1)` of the sorted
samples, a Rate's share of non-zero samples, a Counter's rate over the run's time (the
earliest iteration start to the last point, k6 writes no duration to NDJSON).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from qualitygates.adapters.k6.names import MetricName, parse_name
from qualitygates.adapters.k6.timefmt import BadTime, parse_time_ns


class Refused(Exception):
    """The reference refuses the input: the adapter must raise AdapterError too."""


#: The stats each k6 metric type has (a metric of no known type: a Trend's).
STATS = {
    "trend": {"avg", "min", "med", "max", "count"},
    "counter": {"count", "rate"},
    "rate": {"rate", "passes", "fails"},
    "gauge": {"value", "min", "max"},
}


def strict_json(line: bytes) -> Any:
    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [key for key, _ in items]
        if len(set(keys)) != len(keys):
            raise Refused(f"a repeated key in {line[:80]!r}")
        return dict(items)

    def constant(name: str) -> Any:
        raise Refused(f"{name} in {line[:80]!r}")

    try:
        return json.loads(line.decode("utf-8"), object_pairs_hook=pairs, parse_constant=constant)
    except ValueError as exc:
        raise Refused(str(exc)) from None


def time_ns(text: str) -> int:
    try:
        return parse_time_ns(text)
    except BadTime as exc:
        raise Refused(str(exc)) from None


@dataclass
class Run:
    """Everything the reference keeps of the files of one run."""

    metrics: set[str]  # the metrics asked for: their points are read in full
    declared: dict[str, tuple[str, str]] = field(default_factory=dict)
    samples: dict[str, list[tuple[int, float, dict[str, Any]]]] = field(default_factory=dict)
    first_ns: int | None = None
    last_ns: int | None = None
    starts: list[int] = field(default_factory=list)  # iteration starts

    def read_file(self, content: bytes) -> None:
        edges = [time_ns(t) for t in map(self._line, content.split(b"\n")) if t is not None]
        if not edges:
            raise Refused("a file without points")
        first, last = edges[0], edges[-1]
        self.first_ns = first if self.first_ns is None else min(self.first_ns, first)
        self.last_ns = last if self.last_ns is None else max(self.last_ns, last)

    def _line(self, line: bytes) -> str | None:
        """Read one line; the time of a Point, else None."""
        if not line.strip():
            return None
        record = strict_json(line)
        if not isinstance(record, dict):
            raise Refused("a line that is no object")
        data = record.get("data")
        if record.get("type") == "Metric":
            if not isinstance(data, dict) or not isinstance(data.get("name"), str):
                raise Refused("a metric without a name")
            entry = (str(data.get("type") or ""), str(data.get("contains") or ""))
            if self.declared.setdefault(data["name"], entry) != entry:
                raise Refused("a metric declared twice")
        if record.get("type") != "Point":
            return None
        if record.get("metric") in self.metrics:
            self._sample(record["metric"], data)
        time = data.get("time") if isinstance(data, dict) else None
        return time if isinstance(time, str) else None

    def _sample(self, metric: str, data: Any) -> None:
        if not isinstance(data, dict) or not isinstance(data.get("time"), str):
            raise Refused("a point without a time")
        value, tags = data.get("value"), data.get("tags")
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise Refused("a point without a numeric value")
        if not isinstance(tags, (dict, type(None))):
            raise Refused("a point with tags that are no object")
        try:
            number = float(value)
        except OverflowError:
            raise Refused("a value beyond a double") from None
        if not math.isfinite(number):
            raise Refused("a value beyond a double")
        stamp = time_ns(data["time"])
        self.samples.setdefault(metric, []).append((stamp, number, tags or {}))
        if metric == "iteration_duration":
            self.starts.append(stamp - round(number * 1e6))


def reference(
    files: list[bytes], names: list[str], allow_empty: bool
) -> tuple[dict[str, float], datetime]:
    """The stats `names` ask for, read from `files` (one run), and the time of its first
    point; Refused where the input must be refused."""
    asked = [(raw, parse_name(raw)) for raw in names]
    parsed = {raw: name for raw, name in asked if name is not None}
    metrics = {name.metric for name in parsed.values()} | {"iteration_duration"}
    run = Run(metrics)
    gauge_last: dict[tuple[str, Any], tuple[int, float]] = {}
    for content in files:
        before = {m: len(s) for m, s in run.samples.items()}
        run.read_file(content)
        for name in parsed.values():
            own = run.samples.get(name.metric, [])[before.get(name.metric, 0) :]
            mine = [(t, v) for t, v, tags in own if _has(tags, name)]
            if mine and (name.key not in gauge_last or mine[-1][0] >= gauge_last[name.key][0]):
                gauge_last[name.key] = mine[-1]
    found: dict[str, float] = {}
    empty = False
    for raw, name in parsed.items():
        stats = _stats(run, name, gauge_last, allow_empty)
        if stats is None:
            empty = True
        elif name.stat in stats:
            found[raw] = stats[name.stat]
    if empty:
        raise Refused("an empty metric, or a tag filter naming no tag of the run")
    assert run.first_ns is not None
    epoch = datetime(1970, 1, 1, tzinfo=timezone.utc)
    return found, epoch + timedelta(microseconds=run.first_ns // 1000)


def _has(tags: dict[str, Any], name: MetricName) -> bool:
    return all(tags.get(k) == v for k, v in name.tags)


def _stats(
    run: Run, name: MetricName, gauge_last: dict[Any, tuple[int, float]], allow_empty: bool
) -> dict[str, float] | None:
    """The stats of `name`'s key; None when it must be refused, {} when not in the run."""
    samples = run.samples.get(name.metric, [])
    values = [v for _, v, tags in samples if _has(tags, name)]
    if not values:
        if samples and any(all(tags.get(k) != v for *_, tags in samples) for k, v in name.tags):
            return None  # a tag no sample of the metric had: refused even with allow_empty
        if name.metric not in run.declared:
            return {}
        if not allow_empty:
            return None
    kind, _ = run.declared.get(name.metric, ("", ""))
    total = 0.0
    for value in values:
        total += value
    count = len(values)
    stats = {
        "count": total if kind == "counter" else float(count),
        "min": min(values) if values else 0.0,
        "max": max(values) if values else 0.0,
        "avg": total / count if count else 0.0,
    }
    if kind == "rate":
        passes = sum(1 for v in values if v != 0)
        stats.update(passes=float(passes), fails=float(count - passes))
        stats["rate"] = passes / count if count else 0.0
    elif kind == "counter" and run.first_ns is not None and run.last_ns is not None:
        span = (run.last_ns - min([run.first_ns, *run.starts])) / 1e9
        if span > 0:
            stats["rate"] = total / span
    elif kind == "gauge":
        stats["value"] = gauge_last[name.key][1] if name.key in gauge_last else 0.0
    allowed = STATS.get(kind, STATS["trend"])
    if name.percentile is not None and kind in ("trend", ""):
        stats[name.stat] = _percentile(sorted(values), name.percentile)
        allowed = allowed | {name.stat}
    return {stat: value for stat, value in stats.items() if stat in allowed}


def _percentile(ordered: list[float], pct: float) -> float:
    if len(ordered) < 2:
        return ordered[0] if ordered else 0.0
    rank = pct / 100 * (len(ordered) - 1)
    low, high = ordered[math.floor(rank)], ordered[math.ceil(rank)]
    return low + (high - low) * (rank - math.floor(rank))
