"""Turn summaries or raw samples into the measurements a policy asked for.

Each requested name is answered with the source's value in its unit, or left out when the
source does not have it (the engine then reports it with `available`). A metric that got
no sample is an error unless `allow_empty` is set: k6 itself passes thresholds on empty
metrics (an empty Trend reports 0, an empty Rate no rate), we do not. A tag filter that
names a tag the metric never had is an error even with `allow_empty` (`tagfilters`).
Every such problem of one check is listed in one error.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from typing import TYPE_CHECKING

from qualitygates.adapters.k6 import tagfilters
from qualitygates.adapters.k6.names import (
    RUN_THRESHOLD_NAMES,
    Key,
    MetricName,
    format_key,
    format_name,
)
from qualitygates.adapters.k6.stats import (
    COUNTER,
    GAUGE,
    RATE,
    STATS_BY_KIND,
    TREND,
    percentiles,
    running_sum,
    unit_for,
)
from qualitygates.adapters.k6.summary import Summary, SummaryMetric
from qualitygates.adapters.k6.tagfilters import TagsSeen
from qualitygates.errors import AdapterError
from qualitygates.model import Measurement, Unit

if TYPE_CHECKING:  # the NDJSON reader is imported only when a check reads NDJSON
    from qualitygates.adapters.k6.reader import Samples

_CHECK_TAGS = frozenset({"check", "group"})
_VALID = {kind: frozenset(stats) for kind, stats in STATS_BY_KIND.items()}


def _valid(kind: str, stat: str) -> bool:
    allowed = _VALID.get(kind, _VALID[TREND])
    return stat in allowed or (stat.startswith("p(") and "p(N)" in allowed)


class _Problems:
    """Every tag filter that names no tag of the run, and every empty metric, of one
    check: one error lists them all."""

    def __init__(self, source: str, in_summary: bool) -> None:
        self.source = source
        self.in_summary = in_summary
        self.tags: dict[Key, list[str]] = {}
        self.empty: dict[Key, None] = {}

    def tag_filters(self, key: Key, seen: TagsSeen | None) -> bool:
        """Note why the tags of `key` never occurred; whether any did not."""
        found = self.tags.setdefault(key, tagfilters.problems(key, seen))
        return bool(found)

    def check(self) -> None:
        clauses = []
        tags = [problem for found in self.tags.values() for problem in found]
        if tags:
            what = "a tag filter names" if len(tags) == 1 else f"{len(tags)} tag filters name"
            never = "this summary does not show" if self.in_summary else "no sample had"
            clauses.append(
                f"{what} a tag {never}, which allow_empty does not excuse: {'; '.join(tags)}"
            )
            if self.in_summary:
                clauses[-1] += (
                    " (a summary shows tags only through its sub-metrics with thresholds and "
                    "its checks; the run's --out json NDJSON shows every tag)"
                )
        if self.empty:
            keys = [format_key(key) for key in self.empty]
            clauses.append(
                f"k6 metric {keys[0]} has no samples (k6 would pass its thresholds)"
                if len(keys) == 1
                else f"k6 metrics {', '.join(keys)} have no samples (k6 would pass their "
                "thresholds)"
            )
            clauses[-1] += "; fix the test, or set allow_empty: true on this check"
        if clauses:
            raise AdapterError(f"{self.source}: " + "; and ".join(clauses))


def from_summary(
    summary: Summary, names: Iterable[MetricName], source: str, allow_empty: bool
) -> dict[MetricName, Measurement]:
    """Measurements of a summary file; thresholds.* from files that hold verdicts."""
    metrics = dict(summary.metrics)
    found: dict[MetricName, Measurement] = {}
    problems = _Problems(source, in_summary=True)
    for name in names:
        if name.stat.startswith("thresholds"):
            value = _threshold_value(summary, name, source)
            if value is not None:
                found[name] = Measurement(float(value), Unit.COUNT)
            continue
        metric = metrics.get(name.key) or _check_metric(summary, name.key)
        unseen = metric.empty if metric is not None else _listed_check(summary, name.key)
        if name.tags and unseen:  # an empty sub-metric, or a check the summary lacks
            seen = tagfilters.from_summary(summary, name.metric, name.tags)
            if problems.tag_filters(name.key, seen):
                continue
        if metric is None:
            continue
        if metric.empty and not allow_empty:
            problems.empty[name.key] = None
        elif name.stat in metric.values and _valid(metric.kind, name.stat):
            unit = unit_for(metric.kind, metric.contains, name.stat)
            found[name] = Measurement(metric.values[name.stat], unit)
    problems.check()
    return found


def _threshold_value(summary: Summary, name: MetricName, source: str) -> int | None:
    if not summary.has_verdicts:
        raise AdapterError(
            f"{source} is a k6 {summary.shape}, which holds no threshold verdicts: read "
            f"{format_name(name.key, name.stat) if name.metric else name.stat} from the "
            "--summary-export or handleSummary JSON of the same run"
        )
    if name.metric:
        metric = summary.metrics.get(name.key)
        if metric is None or metric.thresholds is None:
            return None
        verdicts = list(metric.thresholds.values())
    else:
        verdicts = [v for m in summary.metrics.values() for v in (m.thresholds or {}).values()]
    return sum(verdicts) if name.stat.endswith("failed") else len(verdicts)


def _listed_check(summary: Summary, key: Key) -> bool:
    """Whether `key` asks for a check by name or group, of a summary that lists checks."""
    metric, tags = key
    return metric == "checks" and bool(summary.checks) and {k for k, _ in tags} <= _CHECK_TAGS


def _check_metric(summary: Summary, key: Key) -> SummaryMetric | None:
    """`checks{check:NAME}` (and `{check:NAME,group:::G}`) from the summary's check list."""
    metric, tags = key
    wanted = dict(tags)
    if metric != "checks" or "check" not in wanted or set(wanted) - {"check", "group"}:
        return None
    rows = [
        (passes, fails)
        for group, check, passes, fails in summary.checks
        if check == wanted["check"] and wanted.get("group", group) == group
    ]
    if not rows:
        return None
    passes, fails = sum(r[0] for r in rows), sum(r[1] for r in rows)
    rate = passes / (passes + fails) if passes + fails else 0.0
    values = {"passes": float(passes), "fails": float(fails), "rate": rate}
    return SummaryMetric(key, RATE, "default", values, None)


def summary_available(summary: Summary) -> list[str]:
    names = list(RUN_THRESHOLD_NAMES) if summary.has_verdicts else []
    for key, metric in sorted(summary.metrics.items()):
        names.extend(format_name(key, stat) for stat in metric.values if _valid(metric.kind, stat))
        if metric.thresholds is not None:
            names.extend(format_name(key, s) for s in ("thresholds.failed", "thresholds.total"))
    return names


def from_samples(
    samples: Samples, names: Iterable[MetricName], source: str, allow_empty: bool
) -> dict[MetricName, Measurement]:
    """Exact measurements from raw NDJSON samples."""
    by_key: dict[Key, list[MetricName]] = {}
    for name in names:
        if name.stat.startswith("thresholds"):
            raise AdapterError(
                f"{source} is k6 NDJSON, which holds no threshold verdicts: read {name.stat} "
                "from the --summary-export or handleSummary JSON of the same run"
            )
        by_key.setdefault(name.key, []).append(name)
    found: dict[MetricName, Measurement] = {}
    problems = _Problems(source, in_summary=False)
    for key, asked in by_key.items():
        values = samples.values.get(key, array("d"))
        if not values and key[1] and problems.tag_filters(key, samples.seen.get(key[0])):
            continue
        if key[0] not in samples.declared and not values:
            continue  # the run never declared this metric: not in source
        kind, contains = samples.declared.get(key[0], ("", ""))
        if not values and not allow_empty:
            problems.empty[key] = None
            continue
        stats = _sample_stats(samples, key, kind, values, asked)
        for name in asked:
            if name.stat in stats and _valid(kind, name.stat):
                found[name] = Measurement(stats[name.stat], unit_for(kind, contains, name.stat))
    problems.check()
    return found


def _sample_stats(
    samples: Samples, key: Key, kind: str, values: array[float], asked: list[MetricName]
) -> dict[str, float]:
    count = len(values)
    total = running_sum(values)  # before any sort: k6 adds in sample order
    stats = {"count": total if kind == COUNTER else float(count)}
    if count:
        stats.update(min=min(values), max=max(values), avg=total / count)
    else:
        stats.update(min=0.0, max=0.0, avg=0.0)
    if kind == RATE:
        passes = count - values.count(0.0)
        stats.update(
            passes=float(passes), fails=float(count - passes), rate=passes / count if count else 0.0
        )
    elif kind == COUNTER:
        duration = _duration_s(samples)
        if duration:
            stats["rate"] = total / duration
    elif kind == GAUGE:
        stats["value"] = samples.last[key][1] if key in samples.last else 0.0
    wanted = {n.stat: n.percentile for n in asked if n.percentile is not None}
    if wanted and kind in (TREND, ""):
        result = percentiles(values, wanted.values())
        stats.update({stat: result[pct] for stat, pct in wanted.items()})
    return stats


def _duration_s(samples: Samples) -> float | None:
    """The test's run time, estimated from the points (k6 writes no duration to NDJSON).

    k6 divides a Counter by its own test-run duration. The earliest iteration start
    (a point's time minus its iteration_duration) to the last point comes within about
    0.2 % of it on the corpus runs; first-to-last point alone is up to ~3 % short.
    """
    if samples.first_ns is None or samples.last_ns is None:
        return None
    start = (
        samples.first_ns if samples.start_ns is None else min(samples.first_ns, samples.start_ns)
    )
    span = (samples.last_ns - start) / 1e9
    return span if span > 0 else None


def samples_available(samples: Samples) -> list[str]:
    names: list[str] = []
    for metric, (kind, _) in sorted(samples.declared.items()):
        names.extend(f"{metric}.{stat}" for stat in STATS_BY_KIND.get(kind, ()))
    names.extend(f"{sub}.<stat>" for sub in sorted(samples.submetrics))
    return names
