"""The three k6 summary JSON shapes, read into one model.

- handleSummary(data) JSON: metrics with `type`, `contains`, `values` and
  `thresholds: {expr: {ok}}` (`ok: true` = passed); `options` and `state` at the top.
- `--summary-export` JSON: `values` flattened into the metric, no `type`/`contains`
  (inferred from the keys), a Rate's `rate` renamed `value`, and each threshold a boolean
  that is **true when it FAILED**.
- the machine-readable summary (`"version": "1.0.0"`): a list of metrics, Rate values as
  `matches`/`total`, no threshold verdicts, no Counter `rate`, and only k6's six default
  trend stats.

A stat the file does not hold (`p(99)` when `summaryTrendStats` left it out) is simply
absent; hint: add it to `summaryTrendStats`, or read the NDJSON output, where every stat
is exact.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qualitygates.adapters._io import expect_type
from qualitygates.adapters.k6.names import Key, parse_key
from qualitygates.adapters.k6.numbers import check_count, check_rate, stat_values
from qualitygates.adapters.k6.stats import COUNTER, GAUGE, KINDS, RATE, TREND
from qualitygates.errors import AdapterError

HANDLE_SUMMARY = "handleSummary"
SUMMARY_EXPORT = "--summary-export"
MACHINE_READABLE = "machine-readable summary"
#: k6's built-in Trends that hold times; `--summary-export` drops `contains`.
BUILTIN_TIME_METRICS = frozenset(
    {
        "http_req_duration", "http_req_blocked", "http_req_connecting", "http_req_sending",
        "http_req_tls_handshaking", "http_req_waiting", "http_req_receiving",
        "iteration_duration", "group_duration", "grpc_req_duration", "ws_connecting",
        "ws_session_duration", "ws_ping", "browser_http_req_duration",
    }
)  # fmt: skip
BUILTIN_DATA_METRICS = frozenset({"data_sent", "data_received"})
CheckCounts = tuple[str, str, int, int]  # a k6 check: group path, name, passes, fails


@dataclass
class SummaryMetric:
    """One metric or sub-metric of a summary, in k6's own units."""

    key: Key
    kind: str
    contains: str
    values: dict[str, float]
    thresholds: dict[str, bool] | None = None  # expression -> failed
    may_be_unobserved: bool = False  # True where thresholds are unknown (shape C)

    @property
    def empty(self) -> bool:
        """True when the metric (probably) got no sample.

        k6 lists a metric only once it has a sample, or when thresholds are defined on it;
        an empty Rate has 0 passes and 0 fails, an empty Trend (without `count`) or Gauge
        reports 0 for every stat, an empty Counter a count of 0. Where the file cannot say
        (no threshold verdicts in the machine-readable summary), all-zero reads as empty:
        fail closed, `allow_empty` opts out.
        """
        if self.kind == RATE:
            return self.values.get("passes", 0) + self.values.get("fails", 0) == 0
        if self.thresholds is None and self.may_be_unobserved is False:
            return False
        if self.kind == TREND and "count" in self.values:
            return self.values["count"] == 0
        if self.kind == COUNTER:
            return self.values.get("count", 0) == 0
        return all(v == 0 for v in self.values.values())


@dataclass
class Summary:
    """A summary file read into one model, whatever its shape."""

    shape: str
    metrics: dict[Key, SummaryMetric]
    checks: list[CheckCounts] = field(default_factory=list)
    has_verdicts: bool = True


def detect_shape(data: Any) -> str | None:
    """Which summary shape a parsed JSON document is, or None when it is none of them."""
    if not isinstance(data, dict):
        return None
    if "version" in data and isinstance(data.get("results"), dict):
        return MACHINE_READABLE
    metrics = data.get("metrics")
    if not isinstance(metrics, dict):
        return None
    if "options" in data or "state" in data:
        return HANDLE_SUMMARY
    if any(isinstance(m, dict) and "values" in m for m in metrics.values()):
        return HANDLE_SUMMARY
    if "root_group" in data or metrics:
        return SUMMARY_EXPORT
    return None


def read_summary(data: Any, shape: str, path: Path) -> Summary:
    """Read a parsed summary document of a known shape."""
    if shape == MACHINE_READABLE:
        return _read_machine(data, path)
    metrics: dict[Key, SummaryMetric] = {}
    for raw_key, raw in expect_type(data["metrics"], dict, path, "metrics").items():
        key = parse_key(raw_key)
        if key is None:
            raise AdapterError(f"{path}: metric key {raw_key!r} is not a k6 metric name")
        expect_type(raw, dict, path, f"metrics.{raw_key}")
        reader = _handle_summary_metric if shape == HANDLE_SUMMARY else _export_metric
        metrics[key] = reader(key, raw, path, f"metrics.{raw_key}")
    checks = _group_checks(data.get("root_group"), path, "")
    return Summary(shape, metrics, checks)


def _handle_summary_metric(key: Key, raw: dict[str, Any], path: Path, where: str) -> SummaryMetric:
    kind = _kind(raw, path, where)
    values = stat_values(expect_type(raw.get("values"), dict, path, f"{where}.values"), path, where)
    thresholds = None
    if "thresholds" in raw:
        thresholds = {}
        for expr, verdict in expect_type(raw["thresholds"], dict, path, where).items():
            ok = expect_type(verdict, dict, path, f"{where}.thresholds").get("ok")
            thresholds[expr] = not expect_type(ok, bool, path, f"{where}.thresholds.ok")
    if kind == RATE:
        check_rate(values, path, where)
    return SummaryMetric(key, kind, str(raw.get("contains", "")), values, thresholds)


def _kind(raw: dict[str, Any], path: Path, where: str) -> str:
    kind = raw.get("type")
    if not isinstance(kind, str) or kind not in KINDS:  # a list is not even hashable
        raise AdapterError(f"{path}: {where}.type should be one of counter/gauge/rate/trend")
    return kind


def _export_metric(key: Key, raw: dict[str, Any], path: Path, where: str) -> SummaryMetric:
    thresholds = None
    if "thresholds" in raw:
        thresholds = {}
        for expr, failed in expect_type(raw["thresholds"], dict, path, where).items():
            # --summary-export writes !ok: true means the threshold FAILED (k6-docs #30).
            thresholds[expr] = expect_type(failed, bool, path, f"{where}.thresholds")
    fields = {k: v for k, v in raw.items() if k != "thresholds"}
    values = stat_values(fields, path, where)
    kind = _infer_kind(values)
    if kind == RATE and "value" in values:
        values["rate"] = values.pop("value")  # the legacy export renames a Rate's rate
    if kind == RATE:
        check_rate(values, path, where)
    return SummaryMetric(key, kind, _infer_contains(key[0]), values, thresholds)


def _infer_kind(values: dict[str, float]) -> str:
    if "passes" in values or "fails" in values:
        return RATE
    if "count" in values and "rate" in values:
        return COUNTER
    if "value" in values:
        return GAUGE
    return TREND


def _infer_contains(metric: str) -> str:
    if metric in BUILTIN_TIME_METRICS:
        return "time"
    if metric in BUILTIN_DATA_METRICS:
        return "data"
    return ""  # a custom Trend: --summary-export cannot tell time from plain numbers


def _checks(listed: Iterable[Any], path: Path, group_path: str) -> list[CheckCounts]:
    """The entries of a check list that are checks (a name, passes and fails)."""
    found: list[CheckCounts] = []
    for check in listed:
        if isinstance(check, dict) and isinstance(check.get("name"), str):
            where = f"check {check['name'][:80]!r}"
            passes = check_count(check.get("passes", 0), path, f"{where} passes")
            fails = check_count(check.get("fails", 0), path, f"{where} fails")
            found.append((group_path, check["name"], passes, fails))
    return found


def _group_checks(group: Any, path: Path, group_path: str) -> list[CheckCounts]:
    """Checks of the root group and its sub-groups, with their group path."""
    if not isinstance(group, dict):
        return []
    checks = group.get("checks") or []
    found = _checks(checks.values() if isinstance(checks, dict) else checks, path, group_path)
    groups = group.get("groups") or []
    for sub in groups.values() if isinstance(groups, dict) else groups:
        if isinstance(sub, dict):
            sub_path = sub.get("path") or f"{group_path}::{sub.get('name', '')}"
            found.extend(_group_checks(sub, path, str(sub_path)))
    return found


def _read_machine(data: dict[str, Any], path: Path) -> Summary:
    results = data["results"]
    metrics: dict[Key, SummaryMetric] = {}
    listed = list(expect_type(results.get("metrics", []), list, path, "results.metrics"))
    checks_part = results.get("checks")
    if isinstance(checks_part, dict):
        listed += expect_type(checks_part.get("metrics", []), list, path, "results.checks.metrics")
    for index, raw in enumerate(listed):
        where = f"results.metrics[{index}]"
        expect_type(raw, dict, path, where)
        key = parse_key(str(expect_type(raw.get("name"), str, path, f"{where}.name")))
        if key is None:
            raise AdapterError(f"{path}: {where}.name is not a k6 metric name")
        metrics[key] = _machine_metric(key, raw, path, where)
    checks = []
    if isinstance(checks_part, dict):
        listed = expect_type(checks_part.get("results", []), list, path, "checks.results")
        checks = _checks(listed, path, "")
    return Summary(MACHINE_READABLE, metrics, checks, has_verdicts=False)


def _machine_metric(key: Key, raw: dict[str, Any], path: Path, where: str) -> SummaryMetric:
    kind = _kind(raw, path, where)
    raw_values = dict(expect_type(raw.get("values"), dict, path, f"{where}.values"))
    if kind == RATE and "matches" in raw_values:
        matches = expect_type(raw_values.pop("matches"), (int, float), path, where)
        total = expect_type(raw_values.pop("total", matches), (int, float), path, where)
        raw_values.update(passes=matches, fails=total - matches)
    values = stat_values(raw_values, path, where)
    if kind == RATE:
        check_rate(values, path, where)
    return SummaryMetric(key, kind, str(raw.get("contains", "")), values, may_be_unobserved=True)
