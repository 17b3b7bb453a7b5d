"""The k6 adapter on small hand-written files of every format k6 writes."""

from __future__ import annotations

import gzip
import json
import re
import shutil
import sys
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qualitygates.adapters.k6 import K6Adapter, chunks, reader, worker
from qualitygates.adapters.k6.names import MetricName, parse_name
from qualitygates.adapters.k6.stats import percentile
from qualitygates.adapters.k6.wanted import Wanted
from qualitygates.domains import default_domain
from qualitygates.errors import AdapterError
from qualitygates.model import Unit
from tests.helpers import DATA, collect

K6 = DATA / "k6"
POINTS = K6 / "points.ndjson"


def values(path: Path, *names: str, **options: Any) -> dict[str, tuple[float | str, Unit]]:
    found = collect(K6Adapter, metrics=names, path=str(path), **options).metrics
    return {name: (m.value, m.unit) for name, m in found.items()}


# --- metric names -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("http_req_duration.p(95)", MetricName("http_req_duration", (), "p(95)")),
        ("http_req_duration.p95", MetricName("http_req_duration", (), "p(95)")),
        ("http_req_duration.p(95.0)", MetricName("http_req_duration", (), "p(95)")),
        (
            "http_req_duration{group:::login}.p(99.9)",
            MetricName("http_req_duration", (("group", "::login"),), "p(99.9)"),
        ),
        (
            "checks{check:checkout ok}.rate",
            MetricName("checks", (("check", "checkout ok"),), "rate"),
        ),
        ("m{b:2, a:1}.avg", MetricName("m", (("a", "1"), ("b", "2")), "avg")),
        ("thresholds.failed", MetricName("", (), "thresholds.failed")),
        (
            "http_req_duration{scenario:peak}.thresholds.failed",
            MetricName("http_req_duration", (("scenario", "peak"),), "thresholds.failed"),
        ),
    ],
)
def test_names_parse(text: str, expected: MetricName) -> None:
    assert parse_name(text) == expected


@pytest.mark.parametrize(
    "text", ["http_req_duration.p(101)", "http_req_duration", "x{a}.avg", "x.p(abc)", "x.stddev"]
)
def test_names_refused(text: str) -> None:
    assert parse_name(text) is None


@pytest.mark.parametrize(
    "name",
    [
        "http_req_duration{scenario:peak}.p(95)",
        "checks{check:checkout ok}.rate",
        "http_req_duration{group:::login}.p(99.9)",
        "http_reqs.count",
        "vus.value",
        "http_req_failed.passes",
        "thresholds.failed",
        "http_req_duration{a:1,b:2}.thresholds.total",
    ],
)
def test_specs_accept_the_names(name: str) -> None:
    assert K6Adapter.metric_spec(name) is not None


def test_percentile_is_k6s_formula() -> None:
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert percentile([5.0], 99) == 5.0
    assert percentile([], 95) == 0.0


# --- NDJSON -----------------------------------------------------------------------------


def test_ndjson_trend_stats_exact() -> None:
    found = values(POINTS, "http_req_duration.count", "http_req_duration.avg", "http_req_duration.med",
                   "http_req_duration.p(95)", "http_req_duration.p95", "http_req_duration.min")  # fmt: skip
    assert found == {
        "http_req_duration.count": (5.0, Unit.COUNT),
        "http_req_duration.avg": (40.1, Unit.MILLISECONDS),
        "http_req_duration.med": (30.5, Unit.MILLISECONDS),
        "http_req_duration.p(95)": (
            87.99999999999999,
            Unit.MILLISECONDS,
        ),  # 40 + 60 * 0.8 in float64
        "http_req_duration.p95": (87.99999999999999, Unit.MILLISECONDS),
        "http_req_duration.min": (10.0, Unit.MILLISECONDS),
    }


def test_ndjson_sub_metrics_from_tags() -> None:
    found = values(
        POINTS,
        "http_req_duration{scenario:peak}.avg",
        "http_req_duration{status:200,scenario:peak}.max",  # order-insensitive, several tags
        "http_req_duration{name:a&b}.count",  # a line with metadata: json path
        'http_req_duration{name:<b> "x" y}.max',  # escaped tags: json path
        "http_req_duration{group:::login}.min",
        "checks{check:checkout ok}.rate",
        "checks{group:::shop: cart,check:checkout ok}.fails",
        "http_req_failed{scenario:peak}.rate",
    )
    assert {k: v[0] for k, v in found.items()} == {
        "http_req_duration{scenario:peak}.avg": (10 + 30.5 + 40) / 3,
        "http_req_duration{status:200,scenario:peak}.max": 40.0,
        "http_req_duration{name:a&b}.count": 1.0,
        'http_req_duration{name:<b> "x" y}.max': 100.0,
        "http_req_duration{group:::login}.min": 10.0,
        "checks{check:checkout ok}.rate": 0.5,
        "checks{group:::shop: cart,check:checkout ok}.fails": 1.0,
        "http_req_failed{scenario:peak}.rate": 0.5,
    }


def test_ndjson_rate_counter_gauge_and_units() -> None:
    found = values(POINTS, "http_req_failed.rate", "http_req_failed.passes", "data_received.count",
                   "data_received.rate", "vus.value", "vus.min", "vus.max", "payload_bytes.med")  # fmt: skip
    assert found == {
        "http_req_failed.rate": (0.25, Unit.RATIO),
        "http_req_failed.passes": (1.0, Unit.COUNT),
        "data_received.count": (1500.0, Unit.BYTES),
        # 1500 bytes over 3.0 s: from the first iteration's start (00.6 - 200 ms) to the last point
        "data_received.rate": (500.0, Unit.PER_SECOND),
        "vus.value": (3.0, Unit.NUMBER),
        "vus.min": (-2.0, Unit.NUMBER),
        "vus.max": (5.0, Unit.NUMBER),
        "payload_bytes.med": (768.0, Unit.NUMBER),  # a Trend without contains=time
    }


def test_ndjson_timestamp_available_and_unknown_names() -> None:
    result = collect(K6Adapter, metrics=("nope.avg", "http_req_duration.rate"), path=str(POINTS))
    assert result.metrics == {}  # not in the source: the engine reports them with `available`
    assert result.timestamp == datetime(2026, 11, 24, 10, 0, 0, 500000, tzinfo=timezone.utc)
    assert "http_req_duration.p(N)" in result.available
    assert "http_req_duration{scenario:peak}.<stat>" in result.available


def test_ndjson_gzip_and_several_files_merge(tmp_path: Path) -> None:
    gz = tmp_path / "run.ndjson.gz"
    gz.write_bytes(gzip.compress(POINTS.read_bytes()))
    assert values(gz, "http_req_duration.p(95)") == values(POINTS, "http_req_duration.p(95)")
    shutil.copy(POINTS, tmp_path / "b.ndjson")
    merged = values(tmp_path / "*", "http_req_duration.count", "http_req_duration.med", "vus.value")
    assert merged == {
        "http_req_duration.count": (10.0, Unit.COUNT),
        "http_req_duration.med": (30.5, Unit.MILLISECONDS),  # every sample twice
        "vus.value": (3.0, Unit.NUMBER),
    }


def test_ndjson_no_samples_is_an_error_unless_allowed() -> None:
    # both tags occur on the metric, never together (a tag it never had: test_k6_tagfilters)
    name = "http_req_duration{scenario:base,status:500}.p(95)"
    with pytest.raises(
        AdapterError,
        match=r"k6 metric http_req_duration\{scenario:base,status:500\} has no samples",
    ):
        values(POINTS, name)
    assert values(POINTS, name, allow_empty=True) == {name: (0.0, Unit.MILLISECONDS)}


def test_ndjson_has_no_threshold_verdicts() -> None:
    with pytest.raises(
        AdapterError,
        match=r"k6 NDJSON, which holds no threshold verdicts: read thresholds\.failed from",
    ):
        values(POINTS, "thresholds.failed")
    assert "thresholds.failed" not in collect(K6Adapter, path=str(POINTS)).metrics


# --- summaries --------------------------------------------------------------------------


def test_summary_export_inverts_threshold_booleans_and_renames_rate() -> None:
    found = values(K6 / "summary-export.json", "http_req_duration.p(95)", "http_req_failed.rate",
                   "checks.rate", "http_reqs.rate", "data_received.count", "vus.value",
                   "http_req_duration.thresholds.failed", "http_req_duration.thresholds.total",
                   "cart_latency.p95", "checks{check:login ok}.fails",
                   "checks{check:login ok,group:::login}.rate")  # fmt: skip
    assert found == {
        "http_req_duration.p(95)": (150.75, Unit.MILLISECONDS),
        "http_req_failed.rate": (0.02, Unit.RATIO),
        "checks.rate": (0.8571428571428571, Unit.RATIO),
        "http_reqs.rate": (33.3, Unit.PER_SECOND),
        "data_received.count": (2048.0, Unit.BYTES),
        "vus.value": (2.0, Unit.NUMBER),
        "http_req_duration.thresholds.failed": (1.0, Unit.COUNT),
        "http_req_duration.thresholds.total": (2.0, Unit.COUNT),
        "cart_latency.p95": (4.8, Unit.NUMBER),  # a custom Trend: the export drops `contains`
        "checks{check:login ok}.fails": (1.0, Unit.COUNT),
        "checks{check:login ok,group:::login}.rate": (0.9, Unit.RATIO),
        # always reported (summary set): true in --summary-export means FAILED
        "thresholds.failed": (2.0, Unit.COUNT),
        "thresholds.total": (6.0, Unit.COUNT),
    }


def test_summary_missing_stat_is_left_out_with_available() -> None:
    result = collect(
        K6Adapter, metrics=("http_req_duration.p(99)",), path=str(K6 / "summary-export.json")
    )
    assert "http_req_duration.p(99)" not in result.metrics
    assert "http_req_duration.p(95)" in result.available
    assert "http_req_failed.rate" in result.available


@pytest.mark.parametrize("name", ["never_recorded.p(95)", "never_rate.rate"])
def test_summary_empty_metric_is_an_error(name: str) -> None:
    with pytest.raises(
        AdapterError,
        match=rf"summary-export.json: k6 metric {name.split('.', maxsplit=1)[0]} has no samples",
    ):
        values(K6 / "summary-export.json", name)
    assert name in values(K6 / "summary-export.json", name, allow_empty=True)


def test_handle_summary() -> None:
    found = values(K6 / "handle-summary.json", "http_req_duration.p(99.9)", "http_req_duration.count",
                   "payload_bytes.p(95)", "data_sent.count", "data_sent.rate", "queue_depth.value",
                   "checks{check:status 200}.rate")  # fmt: skip
    assert found == {
        "http_req_duration.p(99.9)": (39.9, Unit.MILLISECONDS),
        "http_req_duration.count": (10.0, Unit.COUNT),
        "payload_bytes.p(95)": (1050.0, Unit.NUMBER),
        "data_sent.count": (4096.0, Unit.BYTES),
        "data_sent.rate": (1365.2, Unit.PER_SECOND),
        "queue_depth.value": (7.0, Unit.NUMBER),
        "checks{check:status 200}.rate": (1.0, Unit.RATIO),
        "thresholds.failed": (1.0, Unit.COUNT),  # ok: true means passed here
        "thresholds.total": (4.0, Unit.COUNT),
    }
    with pytest.raises(AdapterError, match="k6 metric never_recorded has no samples"):
        values(K6 / "handle-summary.json", "never_recorded.avg")


def test_machine_readable_summary() -> None:
    path = K6 / "machine-readable.json"
    found = values(path, "http_req_duration.p(95)", "http_req_failed.rate", "http_req_failed.passes",
                   "http_req_failed.fails", "http_reqs.count", "checks_succeeded.rate", "vus.max")  # fmt: skip
    assert found == {
        "http_req_duration.p(95)": (35.0, Unit.MILLISECONDS),
        "http_req_failed.rate": (0.1, Unit.RATIO),
        "http_req_failed.passes": (1.0, Unit.COUNT),
        "http_req_failed.fails": (9.0, Unit.COUNT),
        "http_reqs.count": (10.0, Unit.COUNT),
        "checks_succeeded.rate": (0.9, Unit.RATIO),
        "vus.max": (3.0, Unit.NUMBER),
    }
    assert values(path, "http_reqs.rate", "http_req_duration.p(99)") == {}  # C drops them
    with pytest.raises(
        AdapterError, match="machine-readable summary, which holds no threshold verdicts"
    ):
        values(path, "thresholds.failed")
    with pytest.raises(AdapterError, match="k6 metric never_rate has no samples"):
        values(path, "never_rate.rate")


# --- errors -----------------------------------------------------------------------------


def test_several_summaries_are_refused(tmp_path: Path) -> None:
    with pytest.raises(AdapterError, match="summaries cannot be merged exactly"):
        collect(
            K6Adapter,
            metrics=("http_reqs.count",),
            path=[str(K6 / "summary-export.json"), str(POINTS)],
        )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "does not exist: check the path"),
        (b"", "is empty: the tool that writes it failed or did not run"),
        (b'{"coverage": 80}', "is not a k6 report: expected --summary-export or handleSummary JSON"),
        (b'{"metrics": {"http_reqs": {"count": 1', "is not valid k6 summary JSON"),
        (POINTS.read_bytes()[:300], "is truncated: its last line is not complete JSON; re-run k6"),
        (POINTS.read_bytes().split(b"\n")[0] + b'\n{"metric":"http_req_duration","type":"Point","data":[]}\n',
         r":2: a k6 Point needs data.time, a numeric data.value and data.tags"),
        (b'{"type":"Metric","data":{"name":"x","type":"trend"}}\n', "holds no k6 samples"),
        (gzip.compress(POINTS.read_bytes())[:200], "(truncated|not a readable) gzip file"),
    ],
)  # fmt: skip
def test_bad_files(tmp_path: Path, content: bytes | None, message: str) -> None:
    path = tmp_path / "k6.out"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(AdapterError, match=message):
        collect(K6Adapter, metrics=("http_req_duration.p(95)",), path=str(path))


def test_summary_with_wrong_types(tmp_path: Path) -> None:
    path = tmp_path / "summary.json"
    path.write_text('{"metrics": {"http_reqs": {"count": "many", "rate": 1}}}')
    with pytest.raises(AdapterError, match=r"metrics.http_reqs.count should be a number, not str"):
        collect(K6Adapter, metrics=("http_reqs.count",), path=str(path))


# --- hostile input (found by tests/fuzz) --------------------------------------------------

DEEP = b"[" * 100_000 + b"]" * 100_000
DEEP_LINE = b'{"metric":"http_req_duration","x":' + DEEP + b"}"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (DEEP, r"k6.out nests too deeply to be a k6 summary report; refusing it"),
        (POINTS.read_bytes() + DEEP_LINE + b"\n", r"k6.out:28: nests too deeply to be a k6 NDJSON"),
        (POINTS.read_bytes() + DEEP_LINE, r"k6.out:28: nests too deeply to be a k6 NDJSON"),
    ],
    ids=["summary", "ndjson-line", "ndjson-last-line"],
)
def test_deep_nesting_is_an_error_naming_the_file(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "k6.out"
    path.write_bytes(content)
    with pytest.raises(AdapterError, match=message):
        collect(K6Adapter, metrics=("http_req_duration.p(95)",), path=str(path))


def with_time(line: int, time: str) -> bytes:
    """points.ndjson with the point time on `line` (1-based) replaced by `time`."""
    lines = POINTS.read_bytes().split(b"\n")
    lines[line - 1] = re.sub(rb'"time":"[^"]*"', f'"time":"{time}"'.encode(), lines[line - 1])
    return b"\n".join(lines)


@pytest.mark.parametrize(
    ("line", "metric"),
    [
        (2, "payload_bytes.max"),  # the file's first point: the run's start
        (4, "data_received.rate"),  # an iteration's start, for a Counter's rate
        (16, "http_req_failed.rate"),  # a selection's last point, fast path
        (7, "http_req_duration.max"),  # a line read with json (other key order)
        (27, "payload_bytes.max"),  # the file's last point
    ],
)
@pytest.mark.parametrize(
    "time", ["1e999-11-24", "2026-13-24T10:00:00Z", "9999-12-31T23:00:00-23:00"]
)
def test_a_bad_point_time_names_the_file_and_line(
    tmp_path: Path, line: int, metric: str, time: str
) -> None:
    path = tmp_path / "k6.ndjson"
    path.write_bytes(with_time(line, time))
    message = rf"k6.ndjson:{line}: data.time '{re.escape(time)}' is not an RFC 3339 time"
    with pytest.raises(AdapterError, match=message):
        collect(K6Adapter, metrics=(metric,), path=str(path))


def test_a_bad_point_time_in_a_workers_part_names_the_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "big.ndjson"
    bad = (
        b'{"metric":"vus","type":"Point","data":{"time":"\xc3\xa9t\xc3\xa9","value":1,"tags":{}}}\n'
    )
    big.write_bytes(POINTS.read_bytes() * 20 + bad)
    monkeypatch.setattr(reader, "PARALLEL_MIN_BYTES", 1)
    with pytest.raises(AdapterError, match=r"big.ndjson:541: data.time 'été' is not an RFC 3339"):
        values(big, "http_req_duration.p(95)")


def summary_with(name: str, change: Callable[[dict[str, Any]], object]) -> str:
    document = json.loads((K6 / name).read_text())
    change(document)
    return json.dumps(document)


@pytest.mark.parametrize(
    ("name", "change", "message"),
    [
        (
            "handle-summary.json",
            lambda d: d["metrics"]["http_reqs"].update(type=[]),
            r"metrics.http_reqs.type should be one of counter/gauge/rate/trend",
        ),
        (
            "machine-readable.json",
            lambda d: d["results"]["metrics"][0].update(type={"a": 1}),
            r"results.metrics\[0\].type should be one of counter/gauge/rate/trend",
        ),
        (
            "summary-export.json",
            lambda d: d["metrics"]["http_req_failed"].update(passes=10**400),
            r"metrics.http_req_failed.passes is a 401-digit number, too large to be a k6 number",
        ),
        (
            "handle-summary.json",
            lambda d: d["metrics"]["http_reqs"]["values"].update(count=float("inf")),
            r"metrics.http_reqs.count is inf, too large to be a k6 number",
        ),
        (
            "summary-export.json",
            lambda d: d["root_group"]["checks"]["checkout ok"].update(passes=10**400),
            r"check 'checkout ok' passes is a 401-digit number, not a k6 count",
        ),
        (
            "summary-export.json",
            lambda d: d["root_group"]["checks"]["checkout ok"].update(fails=-1),
            r"check 'checkout ok' fails is -1, not a k6 count",
        ),
    ],
    ids=[
        "type-a-list",
        "machine-type-an-object",
        "count-10**400",
        "1e999",
        "check-10**400",
        "check-negative",
    ],
)
def test_summary_values_beyond_k6s_types_are_errors(
    tmp_path: Path, name: str, change: Callable[[dict[str, Any]], object], message: str
) -> None:
    path = tmp_path / name
    # json.dumps writes inf as Infinity, which JSON lacks; 1e999 is what a hostile file has
    path.write_text(summary_with(name, change).replace("Infinity", "1e999"))
    with pytest.raises(AdapterError, match=rf"{name}: {message}"):
        collect(K6Adapter, metrics=("http_reqs.count",), path=str(path))


# --- fast path, json path and the parallel split agree -----------------------------------

ALL_POINT_STATS = (
    "http_req_duration.p(95)",
    "http_req_duration{scenario:peak}.avg",
    'http_req_duration{name:<b> "x" y}.max',
    "http_req_failed.rate",
    "checks{check:checkout ok}.rate",
    "data_received.rate",
    "vus.value",
    "payload_bytes.med",
)


def test_json_path_gives_the_same_numbers(tmp_path: Path) -> None:
    # Re-serialised with other key order and spaces: no line has k6's own shape any more.
    lines = [
        json.dumps(json.loads(line), sort_keys=True) for line in POINTS.read_text().splitlines()
    ]
    other = tmp_path / "reordered.ndjson"
    other.write_text("\n".join(lines) + "\n")
    assert values(other, *ALL_POINT_STATS) == values(POINTS, *ALL_POINT_STATS)


def test_parallel_split_gives_the_same_numbers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "big.ndjson"
    big.write_bytes(POINTS.read_bytes() * 40)
    single = values(big, *ALL_POINT_STATS)
    monkeypatch.setattr(reader, "PARALLEL_MIN_BYTES", 1)
    monkeypatch.setattr(chunks, "BLOCK", 4096)  # many blocks, lines cut at block edges
    assert values(big, *ALL_POINT_STATS) == single
    assert single["http_req_duration.p(95)"] == (100.0, Unit.MILLISECONDS)


def test_parallel_worker_errors_are_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "big.ndjson"
    bad = (  # a good time: the value (a string) is what is wrong
        b'{"metric":"http_req_duration","type":"Point",'
        b'"data":{"time":"2026-11-24T10:00:09Z","value":"1"}}\n'
    )
    big.write_bytes(POINTS.read_bytes() * 20 + bad)
    monkeypatch.setattr(reader, "PARALLEL_MIN_BYTES", 1)
    with pytest.raises(AdapterError, match=r"big.ndjson:541: a k6 Point needs data.time"):
        values(big, "http_req_duration.p(95)")


def test_the_split_happens_in_a_threaded_process_like_the_engine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The engine collects in a thread pool: a worker process must start there too, safely.
    big = tmp_path / "big.ndjson"
    big.write_bytes(POINTS.read_bytes() * 40)
    single = values(big, *ALL_POINT_STATS)
    started: list[tuple[int, int]] = []

    def spy(path: Path, wanted: list[Wanted], start: int, stop: int) -> worker.Worker | None:
        started.append((start, stop))
        return worker.start_worker(path, wanted, start, stop)

    monkeypatch.setattr(reader, "PARALLEL_MIN_BYTES", 1)
    monkeypatch.setattr(reader, "start_worker", spy)
    with ThreadPoolExecutor(2) as pool:
        split = pool.submit(values, big, *ALL_POINT_STATS).result()
    assert split == single
    size = big.stat().st_size
    assert len(started) == 1 and size // 2 < started[0][0] < size and started[0][1] == size


def test_a_worker_that_dies_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    big = tmp_path / "big.ndjson"
    big.write_bytes(POINTS.read_bytes() * 20)
    monkeypatch.setattr(reader, "PARALLEL_MIN_BYTES", 1)
    monkeypatch.setattr(worker, "_BOOT", "import sys; sys.exit('worker out of memory')")
    with pytest.raises(AdapterError) as caught:
        values(big, "http_req_duration.p(95)")
    assert str(caught.value) == (
        f"the process reading part of {big} failed (worker out of memory); run again"
    )


def test_without_a_python_to_start_one_process_reads_it_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "big.ndjson"
    big.write_bytes(POINTS.read_bytes() * 20)
    single = values(big, *ALL_POINT_STATS)
    monkeypatch.setattr(reader, "PARALLEL_MIN_BYTES", 1)
    monkeypatch.setattr(sys, "executable", "")
    assert values(big, *ALL_POINT_STATS) == single


# --- a Rate's rate must be what its passes and fails make (k6's RateSink) -----------------


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (
            {"metrics": {"http_req_failed": {"type": "rate", "contains": "default",
                                             "values": {"rate": 0, "passes": 50, "fails": 50}}}},
            r"metrics.http_req_failed has rate 0 beside 50 passes and 50 fails, which make 0.5: "
            r"the summary contradicts itself$",
        ),
        (
            {"metrics": {"http_req_failed": {"value": 0.01, "passes": 50, "fails": 50}}},
            r"metrics.http_req_failed has rate 0.01 beside 50 passes and 50 fails, which make 0.5",
        ),
        (
            {"version": "1.0.0", "results": {"metrics": [
                {"name": "http_req_failed", "type": "rate", "values": {
                    "rate": 0.0, "matches": 50, "total": 100}}]}},
            r"results.metrics\[0\] has rate 0 beside 50 passes and 50 fails, which make 0.5",
        ),
        (
            {"metrics": {"checks": {"type": "rate", "contains": "default",
                                    "values": {"rate": 1, "passes": 2.5, "fails": 0}}}},
            r"metrics.checks has 2.5 passes and 0 fails, not counts of samples",
        ),
    ],
    ids=["handle-summary", "summary-export", "machine-readable", "fractional-passes"],
)  # fmt: skip
def test_a_rate_that_contradicts_its_passes_and_fails_is_an_error(
    tmp_path: Path, document: dict[str, Any], message: str
) -> None:
    path = tmp_path / "summary.json"
    path.write_text(json.dumps(document))
    with pytest.raises(AdapterError, match=rf"^{re.escape(str(path))}: {message}"):
        collect(K6Adapter, metrics=("http_req_failed.rate",), path=str(path))


def test_custom_k6_metrics_may_be_negative_but_a_rate_stays_a_ratio() -> None:
    spec = K6Adapter.metric_spec("clock_skew.p(95)")
    assert spec is not None and spec.domain(Unit.MILLISECONDS) == default_domain(Unit.NUMBER)
    counter = K6Adapter.metric_spec("balance.rate")
    assert counter is not None and counter.domain(Unit.PER_SECOND) == default_domain(Unit.NUMBER)
    assert counter.domain(Unit.RATIO) == default_domain(Unit.RATIO)
    passes = K6Adapter.metric_spec("http_req_failed.passes")
    assert passes is not None and passes.domain(Unit.COUNT) == default_domain(Unit.COUNT)


@pytest.mark.parametrize("share", [0.3, 0.62, 1.0, 5.0])  # 5.0: past the end (a bad ISIZE)
def test_a_gzip_file_read_by_two_processes_gives_the_same_numbers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, share: float
) -> None:
    gz = tmp_path / "big.ndjson.gz"
    gz.write_bytes(gzip.compress(POINTS.read_bytes() * 40))
    single = values(gz, *ALL_POINT_STATS)
    monkeypatch.setattr(reader, "GZIP_PARALLEL_MIN_BYTES", 1)
    monkeypatch.setattr(reader, "GZIP_SHARE", share)
    started: list[dict[str, Any]] = []
    original = reader.start_worker

    def start(*args: Any, **options: Any) -> Any:
        started.append(options)
        return original(*args, **options)

    monkeypatch.setattr(reader, "start_worker", start)
    assert values(gz, *ALL_POINT_STATS) == single
    assert started == [{"gzipped": True}]


def test_a_gzip_file_cut_in_its_second_part_is_refused_by_the_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gz = tmp_path / "big.ndjson.gz"
    gz.write_bytes(gzip.compress(POINTS.read_bytes() * 400)[:-600])  # past what detect() reads
    monkeypatch.setattr(reader, "GZIP_PARALLEL_MIN_BYTES", 1)
    monkeypatch.setattr(reader, "_gzip_share", lambda raw, size: 1000)  # ISIZE is cut off
    with pytest.raises(AdapterError, match=r"big.ndjson.gz is a truncated gzip file"):
        values(gz, "http_req_duration.p(95)")


@pytest.mark.parametrize("library", ["zlib", "default"])
def test_gzip_reads_the_same_with_either_inflater(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, library: str
) -> None:
    """ISA-L (where installed) and zlib inflate the same bytes and refuse the same files."""
    if library == "zlib":
        monkeypatch.setattr(chunks, "inflate_lib", zlib)
    two = tmp_path / "two.ndjson.gz"  # two gzip members, as `cat a.gz b.gz` makes
    half = len(POINTS.read_bytes()) // 2
    cut = POINTS.read_bytes().index(b"\n", half) + 1
    two.write_bytes(
        gzip.compress(POINTS.read_bytes()[:cut]) + gzip.compress(POINTS.read_bytes()[cut:])
    )
    assert values(two, *ALL_POINT_STATS) == values(POINTS, *ALL_POINT_STATS)
    bad = bytearray(gzip.compress(POINTS.read_bytes() * 400))
    bad[len(bad) // 2] ^= 0xFF  # past what detect() reads
    (tmp_path / "bad.ndjson.gz").write_bytes(bytes(bad))
    with pytest.raises(AdapterError, match=r"bad.ndjson.gz is not readable gzip \("):
        values(tmp_path / "bad.ndjson.gz", "http_req_duration.p(95)")


@given(
    content=st.lists(st.sampled_from([b"a", b"bb", b"\n", b"ccc\n", b"\n\n"]), max_size=20).map(
        b"".join
    ),
    cuts=st.lists(st.integers(0, 60), max_size=4),
    at=st.integers(-1, 62),
)
def test_the_two_parts_of_gzip_content_meet_at_a_line_start(
    content: bytes, cuts: list[int], at: int
) -> None:
    """What this process scans and what the worker scans join to the whole content, cut at
    the first line that starts at or after `at`, however the content comes in blocks."""
    edges = sorted({min(c, len(content)) for c in cuts})
    blocks = [content[i:j] for i, j in zip([0, *edges], [*edges, len(content)], strict=True)]
    starts = [
        p for p in range(max(at, 0), len(content) + 1) if p == 0 or content[p - 1 : p] == b"\n"
    ]
    line_start = starts[0] if starts else len(content)
    before = b"".join(chunks.until_line_at(iter(blocks), at))
    begin, rest = chunks.from_line_at(iter(blocks), at)
    assert before == content[:line_start]
    assert (begin, b"".join(rest)) == (line_start, content[line_start:])
