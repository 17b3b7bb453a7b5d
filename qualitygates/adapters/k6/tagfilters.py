"""Tag filters (`http_req_duration{scenario:peak}`) judged against the tags a run had.

A filter whose tag key never occurs on the metric's samples, or whose value never occurs
for that key, selects nothing, and is almost always a typo (`{scenario:peek}`): with
`allow_empty` it would pass at 0. So it is an error even with `allow_empty`, which covers
only a metric, or a sub-metric whose every tag occurs, that got no samples. "Occurs" is
judged on the metric itself: `http_req_failed{scenario:peak}` needs an http_req_failed
sample tagged scenario peak. Where the metric got no sample at all, no tag can be judged
and `allow_empty` decides.

NDJSON shows the tags of every sample. A summary lists sub-metrics only where the script
set a threshold, so there a tag occurs when a non-empty sub-metric of the same metric
has it (for `checks`, also when the summary lists such a check in such a group).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from qualitygates.adapters.k6.names import Key, format_key

if TYPE_CHECKING:
    from qualitygates.adapters.k6.summary import Summary

MAX_VALUES = 1000  # values remembered per tag key, for messages (a `url` tag has millions)
MAX_KEYS = 200
_SHOWN = 8
_SHOWN_CHARS = 60


@dataclass
class TagsSeen:
    """What the samples of one metric showed of the tags its filters name."""

    wanted: frozenset[tuple[str, str]]  # every (key, value) pair of the metric's filters
    sampled: bool = False  # the metric got any sample at all
    found: set[tuple[str, str]] = field(default_factory=set)  # wanted pairs that occurred
    keys: set[str] = field(default_factory=set)  # tag keys seen, at most MAX_KEYS
    values: dict[str, set[str]] = field(default_factory=dict)  # filter key -> values seen

    def __post_init__(self) -> None:
        self.filter_keys = frozenset(key for key, _ in self.wanted)

    def note(self, tags: Mapping[str, Any]) -> None:
        """One sample's (or one distinct tag set's) tags, as json read them."""
        self.sampled = True
        if len(self.keys) < MAX_KEYS:
            self.keys.update(key for key in tags if len(self.keys) < MAX_KEYS)
        for key in self.filter_keys.intersection(tags):
            value = tags[key]
            if isinstance(value, str) and (key, value) in self.wanted:
                self.found.add((key, value))
            seen = self.values.setdefault(key, set())
            if len(seen) < MAX_VALUES:
                seen.add(value if isinstance(value, str) else json.dumps(value))

    def merge(self, other: TagsSeen) -> None:
        """Add what another part of the file, or another file, saw."""
        self.sampled |= other.sampled
        self.found |= other.found
        self.keys.update(list(other.keys)[: max(0, MAX_KEYS - len(self.keys))])
        for key, values in other.values.items():
            seen = self.values.setdefault(key, set())
            seen.update(list(values)[: max(0, MAX_VALUES - len(seen))])


def problems(key: Key, seen: TagsSeen | None) -> list[str]:
    """Why each tag of the sub-metric `key` never occurred on its metric, or [] when
    every one did (or the metric got no sample, so that no tag can be judged)."""
    metric, tags = key
    if seen is None or not seen.sampled:
        return []
    found = []
    for tag, value in tags:
        if (tag, value) in seen.found:
            continue
        if tag not in seen.values:
            known = sorted(seen.keys)
            listing = f"its tags: {_listing(known, tag)}" if known else "its samples have no tags"
            found.append(f"no {metric} sample has a tag {_quoted(tag)} ({listing})")
        else:
            listing = _listing(sorted(seen.values[tag]), value)
            found.append(f"no {metric} sample has {tag} {_quoted(value)} ({tag} values: {listing})")
    return [f"{format_key(key)}: {' and '.join(found)}"] if found else []


def _listing(values: list[str], asked: str) -> str:
    shown = ", ".join(_quoted(v) for v in values[:_SHOWN])
    if len(values) > _SHOWN:
        shown += f" and {len(values) - _SHOWN} more"
    import difflib  # here: a worker process scanning a file never needs it

    close = difflib.get_close_matches(asked, values, n=1, cutoff=0.6)
    return shown + (f"; did you mean {_quoted(close[0])}?" if close else "")


def _quoted(text: str) -> str:
    """A report's text, quoted and cut short: it may come from a hostile pull request."""
    return repr(text if len(text) <= _SHOWN_CHARS else text[:_SHOWN_CHARS] + "…")


def from_summary(summary: Summary, metric: str, wanted: Iterable[tuple[str, str]]) -> TagsSeen:
    """The tags a summary shows for `metric`: those of its non-empty sub-metrics (and, for
    `checks`, of its checks), sampled when the metric itself has samples."""
    seen = TagsSeen(frozenset(wanted))
    for (name, tags), found in summary.metrics.items():
        if name == metric and tags and not found.empty:
            seen.note(dict(tags))
    if metric == "checks":
        for group, check, passes, fails in summary.checks:
            if passes + fails:
                seen.note({"check": check, "group": group})
    base = summary.metrics.get((metric, ()))
    seen.sampled = (base is not None and not base.empty) or seen.sampled
    return seen
