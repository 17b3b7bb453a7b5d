"""The k6 metric-name grammar: `<metric>[{tag:value,…}].<stat>`, as the policy names it.

A name is a k6 metric, an optional tag set as k6 writes sub-metric keys (`{scenario:peak}`,
`{check:checkout ok}`, `{group:::login}`), and a stat. Tag sets are order-insensitive:
`{a:1,b:2}` and `{b:2,a:1}` are the same sub-metric. Tags are split as k6's
`ParseMetricName` (`metrics/metric.go`) splits them: on `,`, then on the first `:`, with
spaces and quotes around keys and values trimmed.

Stats: `avg min med max count rate value passes fails` and `p(N)` for any N in 0..100
(`p90`, `p95`, `p99`, any `pNN`, are short forms). Besides stats, k6's own threshold
verdicts from a summary file: `thresholds.failed`, `thresholds.total` (the whole run) and
`<metric>[{tags}].thresholds.failed` / `.thresholds.total` (the thresholds on that key).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

Tags = tuple[tuple[str, str], ...]
Key = tuple[str, Tags]

METRIC_RE = r"[A-Za-z_][A-Za-z0-9_]{0,127}"
TAGS_RE = r"(?:\{[^{}]*\})?"
_NUMBER = r"(?:\d+(?:\.\d*)?|\.\d+)"
PERCENTILE_RE = rf"(?:p\({_NUMBER}\)|p\d+)"
TREND_STAT_RE = rf"(?:avg|min|med|max|{PERCENTILE_RE})"
THRESHOLD_STAT_RE = r"thresholds\.(?:failed|total)"
PLAIN_STATS = frozenset({"avg", "min", "med", "max", "count", "rate", "value", "passes", "fails"})
THRESHOLD_STATS = frozenset({"thresholds.failed", "thresholds.total"})
#: The run-wide threshold verdicts (summary files only).
RUN_THRESHOLD_NAMES = ("thresholds.failed", "thresholds.total")

_NAME = re.compile(
    rf"(?P<metric>{METRIC_RE})(?:\{{(?P<tags>[^{{}}]*)\}})?"
    rf"\.(?P<stat>avg|min|med|max|count|rate|value|passes|fails|{PERCENTILE_RE}|{THRESHOLD_STAT_RE})"
)
_PERCENT = re.compile(rf"p\(({_NUMBER})\)|p(\d+)")


@dataclass(frozen=True)
class MetricName:
    """A parsed metric name: k6 metric, sorted tag pairs and canonical stat."""

    metric: str
    tags: Tags
    stat: str  # canonical: "avg", "p(95)", "thresholds.failed", ...

    @property
    def key(self) -> Key:
        return (self.metric, self.tags)

    @property
    def percentile(self) -> float | None:
        """The percentile (0-100) a stat asks for: `med` is 50, `p(99.9)` is 99.9."""
        if self.stat == "med":
            return 50.0
        return percentile_of(self.stat)


def parse_name(text: str) -> MetricName | None:
    """Parse a policy metric name, or None when it is not a k6 stat name."""
    if text in RUN_THRESHOLD_NAMES:
        return MetricName("", (), text)
    match = _NAME.fullmatch(text)
    if match is None:
        return None
    stat = canonical_stat(match["stat"])
    tags = parse_tags(match["tags"]) if match["tags"] is not None else ()
    if stat is None or tags is None:
        return None
    return MetricName(match["metric"], tags, stat)


def canonical_stat(stat: str) -> str | None:
    """`p95`, `p(95)` and `p(95.0)` are all `p(95)`; None for a percentile outside 0..100."""
    if stat in PLAIN_STATS or stat in THRESHOLD_STATS:
        return stat
    pct = percentile_of(stat)
    return None if pct is None else f"p({format_number(pct)})"


def percentile_of(stat: str) -> float | None:
    """The N of `p(N)` / `pN`, or None when `stat` is not a valid percentile."""
    match = _PERCENT.fullmatch(stat)
    if match is None:
        return None
    value = float(match[1] or match[2])
    if math.isnan(value) or not 0 <= value <= 100:
        return None
    return value


def format_number(value: float) -> str:
    """Format N as k6 does for `p(%g)` keys: `95`, `99.9`."""
    return str(int(value)) if value.is_integer() else repr(value)


def parse_tags(text: str) -> Tags | None:
    """Split `a:1,b:2` into sorted pairs as k6 does; None when a pair has no `:`."""
    pairs: dict[str, str] = {}
    if not text.strip():
        return ()
    for item in text.split(","):
        name, sep, value = item.partition(":")
        if not sep:
            return None
        pairs[_trim(name)] = _trim(value)
    return tuple(sorted(pairs.items()))


def _trim(text: str) -> str:
    return text.strip().strip("\"'").strip()


def parse_key(text: str) -> Key | None:
    """Parse a k6 metric key as written in a summary (`http_req_duration{scenario:x}`)."""
    name, brace, rest = text.partition("{")
    if not brace:
        return (text, ())
    if not rest.endswith("}"):
        return None
    tags = parse_tags(rest[:-1])
    return None if tags is None else (name, tags)


def format_key(key: Key) -> str:
    """Write a key back as k6 would (tags in sorted order)."""
    metric, tags = key
    if not tags:
        return metric
    return metric + "{" + ",".join(f"{k}:{v}" for k, v in tags) + "}"


def format_name(key: Key, stat: str) -> str:
    return f"{format_key(key)}.{stat}"
