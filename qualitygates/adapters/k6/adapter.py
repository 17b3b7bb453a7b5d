"""The k6 adapter: summary JSON (three shapes) and raw NDJSON, detected from content."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from qualitygates.adapters._io import expand_paths, open_report
from qualitygates.adapters._options import path_option
from qualitygates.adapters.interface import (
    Adapter,
    Collection,
    CollectRequest,
    MetricSpec,
    OptionKind,
    OptionSpec,
)
from qualitygates.adapters.k6 import measure
from qualitygates.adapters.k6.names import (
    METRIC_RE,
    RUN_THRESHOLD_NAMES,
    TAGS_RE,
    TREND_STAT_RE,
    MetricName,
    parse_name,
)
from qualitygates.adapters.k6.summary import Summary, detect_shape, read_summary
from qualitygates.adapters.k6.timefmt import to_datetime
from qualitygates.domains import Domain, any_sign
from qualitygates.errors import AdapterError
from qualitygates.model import Measurement, Unit
from qualitygates.readers import read_json

NDJSON = "NDJSON"
#: k6's built-in metrics of type Rate and Counter (k6 refuses a script metric that reuses
#: one of these names with another type).
BUILTIN_RATES = ("http_req_failed", "checks", "browser_http_req_failed")
BUILTIN_COUNTERS = (
    "http_reqs",
    "iterations",
    "dropped_iterations",
    "data_sent",
    "data_received",
    "ws_msgs_sent",
    "ws_msgs_received",
    "ws_sessions",
    "grpc_streams",
    "grpc_streams_msgs_sent",
    "grpc_streams_msgs_received",
    "browser_data_sent",
    "browser_data_received",
)
_SNIFF_BYTES = 1 << 16
_KEY = METRIC_RE + TAGS_RE


def _spec(
    name: str,
    stat: str,
    unit: Unit | None,
    description: str,
    summary: bool = False,
    domains: tuple[tuple[Unit, Domain], ...] = (),
) -> MetricSpec:
    return MetricSpec(
        name, unit, description, pattern=rf"{_KEY}\.{stat}", summary=summary, domains=domains
    )


#: A custom metric takes whatever the script adds (`Trend.add(-5)`, `Counter.add(0.5)`): its
#: stats may be negative or fractional in any unit but a Rate's ratio.
_CUSTOM = any_sign(Unit.MILLISECONDS, Unit.BYTES, Unit.COUNT, Unit.PER_SECOND)


class K6Adapter(Adapter):
    """k6 load-test results: `--summary-export`, handleSummary JSON, the machine-readable
    summary, or raw `--out json` NDJSON (plain or .gz; several files of one distributed
    run merge exactly).

    From NDJSON every stat is recomputed from the raw points with k6's own formulas, so
    percentiles equal what k6 printed, and any `p(N)` or tag filter can be asked. From a
    summary file a stat exists only if k6 wrote it; hint: add `p(99)` to
    `summaryTrendStats`, or read the NDJSON output. k6's own threshold verdicts come from
    summary files only (NDJSON and the machine-readable summary have none).
    """

    dated = True  # NDJSON point times: the run's first point

    name = "k6"
    summary = "k6 load-test results: latency percentiles, error rates, k6's thresholds"
    formats = (
        "k6 --summary-export JSON (a threshold's boolean there is true when it FAILED)",
        "k6 handleSummary(data) JSON",
        'k6 machine-readable summary JSON ("version": "1.0.0"; no threshold verdicts)',
        "k6 --out json NDJSON, plain or .gz; several files (one per instance) merge exactly",
    )
    options = (
        path_option("k6 output file(s)", "one per instance, merged exactly"),
        OptionSpec(
            "allow_empty",
            OptionKind.BOOLEAN,
            "accept a metric with no samples (k6 passes its thresholds; by default it is an "
            "error), but never a tag filter naming a tag no sample had",
            default=False,
        ),
    )
    metrics = (
        MetricSpec(
            "thresholds.failed",
            Unit.COUNT,
            "how many of k6's own thresholds failed (summary files; k6 exits 99 when > 0)",
            summary=True,
        ),
        MetricSpec(
            "thresholds.total", Unit.COUNT, "how many thresholds k6 evaluated", summary=True
        ),
        _spec(
            "<metric>[{tag:value,…}].thresholds.failed",
            r"thresholds\.(?:failed|total)",
            Unit.COUNT,
            "failed (or .total) k6 thresholds on one metric key, e.g. "
            "http_req_duration{scenario:peak}.thresholds.failed; tags in any order",
        ),
        _spec(
            "<metric>[{tag:value,…}].avg|min|med|max|p(N)",
            TREND_STAT_RE,
            None,
            "Trend stat (also Gauge min/max): ms for time Trends, a plain number otherwise; "
            "p(N) any N in 0..100 (p(99.9)), p90/p95/p99 short for p(90)/p(95)/p(99)",
            domains=_CUSTOM,
        ),
        _spec(
            "<metric>[{tag:value,…}].count",
            "count",
            None,
            "Counter total (bytes for data_sent/data_received), or a Trend's sample count",
            domains=_CUSTOM,
        ),
        # k6's built-in Rates and Counters: their unit is known before the run, so a bare
        # `http_req_failed.rate < 5` (500 %) is refused by validate, not judged.
        MetricSpec(
            f"{'|'.join(BUILTIN_RATES)}[{{tag:value,…}}].rate",
            Unit.RATIO,
            "k6's built-in Rate metrics: ratio 0-1 of non-zero samples (0.01 or 1%)",
            pattern=rf"(?:{'|'.join(BUILTIN_RATES)}){TAGS_RE}\.rate",
        ),
        MetricSpec(
            "<built-in Counter>[{tag:value,…}].rate",
            Unit.PER_SECOND,
            f"k6's built-in Counters ({', '.join(BUILTIN_COUNTERS)}): per second",
            pattern=rf"(?:{'|'.join(BUILTIN_COUNTERS)}){TAGS_RE}\.rate",
        ),
        _spec(
            "<metric>[{tag:value,…}].rate",
            "rate",
            None,
            "a script's own metric: for a Rate, ratio 0-1 of non-zero samples (a bare number "
            "above 1 is an error of the run: write 5%); for a Counter, per second over the "
            "test's run time",
            domains=_CUSTOM,
        ),
        _spec("<metric>[{tag:value,…}].value", "value", None, "Gauge: last value", domains=_CUSTOM),
        _spec(
            "<metric>[{tag:value,…}].passes|fails",
            "(?:passes|fails)",
            Unit.COUNT,
            "Rate metric: non-zero / zero samples (for http_req_failed, passes = failed requests)",
        ),
    )

    def collect(self, request: CollectRequest) -> Collection:
        paths = expand_paths(request.options["path"])
        allow_empty = bool(request.options.get("allow_empty", False))
        asked = {raw: parsed for raw in request.metrics if (parsed := parse_name(raw))}
        detected = {path: detect(path) for path in paths}
        kinds = {path: kind for path, (kind, _) in detected.items()}
        if len(paths) > 1 and any(kind != NDJSON for kind in kinds.values()):
            listed = ", ".join(str(p) for p, k in kinds.items() if k != NDJSON)
            raise AdapterError(
                f"several k6 files given, but {listed} is a summary: summaries cannot be merged "
                "exactly; give one summary, or the NDJSON (--out json) files of every instance"
            )
        sources = tuple(str(p) for p in paths)
        if kinds[paths[0]] == NDJSON:
            return self._from_ndjson(paths, asked, sources, allow_empty)
        kind, data = detected[paths[0]]
        summary = read_summary(data, kind, paths[0])
        return _from_summary(summary, asked, sources, allow_empty)

    def _from_ndjson(
        self,
        paths: list[Path],
        asked: dict[str, MetricName],
        sources: tuple[str, ...],
        allow_empty: bool,
    ) -> Collection:
        keys = {name.key for name in asked.values() if not name.stat.startswith("thresholds")}
        rates = any(name.stat == "rate" for name in asked.values())
        # Here, not at the top: the scanner and its worker processes cost a summary nothing.
        from qualitygates.adapters.k6.reader import read_ndjson

        samples = read_ndjson(paths, keys, track_start=rates)
        label = sources[0] if len(sources) == 1 else f"{len(sources)} k6 NDJSON files"
        found = measure.from_samples(samples, asked.values(), label, allow_empty)
        stamp = to_datetime(samples.first_ns) if samples.first_ns is not None else None
        return Collection(
            metrics=_by_raw(asked, found),
            sources=sources,
            timestamp=stamp,
            available=tuple(measure.samples_available(samples)),
        )


def _from_summary(
    summary: Summary, asked: dict[str, MetricName], sources: tuple[str, ...], allow_empty: bool
) -> Collection:
    names = dict(asked)
    if summary.has_verdicts:
        for raw in RUN_THRESHOLD_NAMES:
            names.setdefault(raw, MetricName("", (), raw))
    found = measure.from_summary(summary, names.values(), sources[0], allow_empty)
    return Collection(
        metrics=_by_raw(names, found),
        sources=sources,
        available=tuple(measure.summary_available(summary)),
    )


def _by_raw(
    asked: dict[str, MetricName], found: dict[MetricName, Measurement]
) -> dict[str, Measurement]:
    return {raw: found[name] for raw, name in asked.items() if name in found}


def detect(path: Path) -> tuple[str, Any]:
    """Which k6 output `path` is: (NDJSON, None) when its first line is a k6 Metric or
    Point record, else (summary shape, the parsed JSON)."""
    with open_report(path) as stream:
        try:
            head = stream.read(_SNIFF_BYTES)
        except EOFError as exc:
            raise AdapterError(
                f"{path} is a truncated gzip file; re-run k6 or copy the file again"
            ) from exc
        except OSError as exc:
            raise AdapterError(f"{path} is not readable gzip: {exc}") from exc
    first = head.lstrip(b"\xef\xbb\xbf \t\r\n").split(b"\n", 1)[0]
    try:
        record = json.loads(first)
    except (ValueError, RecursionError):  # read_json below names the file and the fault
        record = None
    if isinstance(record, dict) and record.get("type") in ("Metric", "Point") and "data" in record:
        return NDJSON, None
    data = read_json(path, "k6 summary")
    shape = detect_shape(data)
    if shape is None:
        raise AdapterError(
            f"{path} is not a k6 report: expected --summary-export or handleSummary JSON, "
            "or --out json NDJSON"
        )
    return shape, data
