"""The prometheus adapter: one number per named PromQL query, and every way that fails closed.

The first part scripts the HTTP API with a loopback fake server; the last part runs a real
Prometheus (Debian package `prometheus`) scraping itself, and skips when it is absent.
"""

from __future__ import annotations

import gzip
import json
import math
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from qualitygates.adapters.prometheus import PrometheusAdapter
from qualitygates.errors import AdapterError
from qualitygates.model import Measurement, Unit
from tests.helpers import DATA, collect, corpus_params
from tests.servers import FakeServer, Reply, json_reply, prometheus_server

QUERY = "/api/v1/query"


def vector(*samples: tuple[dict[str, str], str]) -> dict[str, Any]:
    result = [{"metric": labels, "value": [1795528377.4, value]} for labels, value in samples]
    return {"status": "success", "data": {"resultType": "vector", "result": result}}


def answer(data: dict[str, Any], status: int = 200) -> Reply:
    return json_reply(data, status)


def run(server: FakeServer, queries: dict[str, str], **options: Any) -> dict[str, Measurement]:
    return dict(collect(PrometheusAdapter, url=server.url, queries=queries, **options).metrics)


def failure(reply: Reply, promql: str = "sum(up)", **options: Any) -> str:
    with FakeServer({QUERY: reply}) as server, pytest.raises(AdapterError) as caught:
        run(server, {"probe": promql}, **options)
    return str(caught.value)


def test_a_one_series_vector_becomes_the_metric_in_its_unit() -> None:
    with FakeServer({QUERY: answer(vector(({}, "0.0018312222222222221")))}) as server:
        collection = collect(
            PrometheusAdapter,
            url=server.url,
            queries={"error_ratio": "sum(rate(errors[5m])) / sum(rate(requests[5m]))"},
            units={"error_ratio": "ratio"},
        )
    assert collection.metrics == {"error_ratio": Measurement(0.0018312222222222221, Unit.RATIO)}
    assert collection.available == ("error_ratio",)
    assert collection.sources == (f"{server.url}/api/v1/query",)
    assert server.requests[0].query == {
        "query": ["sum(rate(errors[5m])) / sum(rate(requests[5m]))"]
    }


def test_every_query_runs_in_turn_with_its_own_unit() -> None:
    replies = [
        answer(vector(({"__name__": "up", "job": "api"}, "1"))),
        answer({"status": "success", "data": {"resultType": "scalar", "result": [1.5, "0.25"]}}),
        answer(vector(({}, "48492544"))),
    ]
    queries = {"up": "up", "cpu": "scalar(x)", "memory.rss": "process_resident_memory_bytes"}
    with FakeServer({QUERY: replies}) as server:
        metrics = run(server, queries, units={"cpu": "percent", "memory.rss": "bytes"})
    assert metrics == {
        "up": Measurement(1.0, Unit.NUMBER),
        "cpu": Measurement(0.25, Unit.PERCENT),
        "memory.rss": Measurement(48492544.0, Unit.BYTES),
    }
    assert [r.query["query"] for r in server.requests] == [
        ["up"],
        ["scalar(x)"],
        ["process_resident_memory_bytes"],
    ]


@pytest.mark.parametrize("suffix", ["", "/", "/api/v1/query", "/prometheus"])
def test_the_url_may_be_the_server_a_path_prefix_or_the_endpoint(suffix: str) -> None:
    path = "/prometheus/api/v1/query" if suffix == "/prometheus" else QUERY
    with FakeServer({path: answer(vector(({}, "1")))}) as server:
        metrics = dict(
            collect(PrometheusAdapter, url=server.url + suffix, queries={"up": "up"}).metrics
        )
    assert metrics == {"up": Measurement(1.0, Unit.NUMBER)}


@pytest.mark.parametrize(
    ("given", "sent"),
    [
        ("2026-01-31T12:00:00Z", "2026-01-31T12:00:00+00:00"),
        ("2026-01-31T13:00:00.5+01:00", "2026-01-31T13:00:00.500000+01:00"),
        ("1795528377.416", "1795528377.416"),
        (datetime(2026, 1, 31, 12, tzinfo=timezone.utc), "2026-01-31T12:00:00+00:00"),
    ],
)
def test_time_evaluates_at_one_instant(given: Any, sent: str) -> None:
    with FakeServer({QUERY: answer(vector(({}, "1")))}) as server:
        run(server, {"up": "up"}, time=given)
    assert server.requests[0].query["time"] == [sent]


K6 = DATA / "k6"
K6_END = datetime(2026, 11, 24, 10, 0, 3, 400000, tzinfo=timezone.utc)  # points.ndjson's last


def k6_point(stamp: str) -> str:
    data = {"time": stamp, "value": 1, "tags": {}}
    return json.dumps({"metric": "vus", "type": "Point", "data": data}) + "\n"


def sent_times(source: Path | str, **options: Any) -> tuple[list[list[str]], Any]:
    """The `time` of every query sent with at_end_of=source, and the collection."""
    with FakeServer({QUERY: answer(vector(({}, "1")))}) as server:
        queries = {"up": "up", "cpu": "sum(rate(cpu[1m]))"}
        collection = collect(
            PrometheusAdapter, url=server.url, queries=queries, at_end_of=str(source), **options
        )
    assert collection.sources == (f"{server.url}/api/v1/query", *collection.sources[1:])
    return [r.query["time"] for r in server.requests], collection


def test_at_end_of_evaluates_every_query_at_the_last_point_of_a_k6_run(tmp_path: Path) -> None:
    gz = tmp_path / "run.ndjson.gz"
    gz.write_bytes(gzip.compress((K6 / "points.ndjson").read_bytes()))
    for source in (K6 / "points.ndjson", gz):
        times, collection = sent_times(source)
        assert times == [["1795514403.400"], ["1795514403.400"]]
        assert collection.timestamp == K6_END
        assert collection.sources[1:] == (str(source),)


@pytest.mark.parametrize(
    ("stamp", "sent"),
    [
        ("2026-11-24T10:00:03.400000001Z", "1795514403.401"),  # rounded up to the millisecond
        ("2026-11-24T11:00:03.4+01:00", "1795514403.400"),
        ("2026-11-24T10:00:03Z", "1795514403.000"),
    ],
)
def test_at_end_of_is_rounded_up_to_the_millisecond(tmp_path: Path, stamp: str, sent: str) -> None:
    path = tmp_path / "run.ndjson"
    path.write_text(k6_point("2026-11-24T09:59:00Z") + k6_point(stamp))
    assert sent_times(path)[0][0] == [sent]


def test_at_end_of_several_instances_is_the_latest(tmp_path: Path) -> None:
    (tmp_path / "a.ndjson").write_text(k6_point("2026-11-24T10:00:05Z"))
    (tmp_path / "b.ndjson").write_text(k6_point("2026-11-24T10:00:07.5Z"))
    times, collection = sent_times(tmp_path / "*.ndjson")
    assert times[0] == ["1795514407.500"]
    assert collection.sources[1:] == (str(tmp_path / "a.ndjson"), str(tmp_path / "b.ndjson"))


def test_at_end_of_a_machine_readable_summary_is_its_generated_at() -> None:
    times, collection = sent_times(K6 / "machine-readable.json")
    assert times[0] == ["1795514400.000"]
    assert collection.timestamp == datetime(2026, 11, 24, 10, tzinfo=timezone.utc)


@pytest.mark.parametrize("path", corpus_params("k6/*.ndjson*", "set-b/k6/*.ndjson*"))
def test_at_end_of_real_k6_runs(path: Path) -> None:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt") as lines:
        stamps = [json.loads(line)["data"].get("time") for line in lines]
    last = max(s for s in stamps if s)  # one zone (Z) and fixed-width dates: sorts as text
    second, _, fraction = last.rstrip("Z").partition(".")
    fraction = fraction.ljust(9, "0")
    millis = int(fraction[:3]) + (fraction[3:] != "000000")
    whole = int(datetime.fromisoformat(second + "+00:00").timestamp())
    expected = f"{whole + millis // 1000}.{millis % 1000:03d}"
    assert sent_times(path)[0][0] == [expected]


@pytest.mark.parametrize(
    ("source", "options", "message"),
    [
        (
            K6 / "handle-summary.json",
            {},
            f"{K6 / 'handle-summary.json'} is k6 handleSummary JSON, which holds no absolute "
            "time (only the run's duration): give the run's --out json NDJSON instead, or the "
            "time itself",
        ),
        (
            K6 / "summary-export.json",
            {},
            f"{K6 / 'summary-export.json'} is k6 --summary-export JSON, which holds no absolute "
            "time (only the run's duration): give the run's --out json NDJSON instead, or the "
            "time itself",
        ),
        (
            K6 / "truncated.ndjson",
            {},
            f"{K6 / 'truncated.ndjson'} is truncated: its last line is not complete JSON; re-run k6",
        ),
        (
            K6 / "missing.ndjson",
            {},
            f"{K6 / 'missing.ndjson'} does not exist: check the path, or that the tool ran "
            "before this step",
        ),
        (
            K6 / "points.ndjson",
            {"time": "2026-01-31T12:00:00Z"},
            "give either 'time' or 'at_end_of', not both",
        ),
    ],
)
def test_at_end_of_failures_send_no_query(
    source: Path, options: dict[str, Any], message: str
) -> None:
    with (
        FakeServer({QUERY: answer(vector(({}, "1")))}) as server,
        pytest.raises(AdapterError) as caught,
    ):
        run(server, {"up": "up"}, at_end_of=str(source), **options)
    assert str(caught.value) == message
    assert server.requests == []


def test_a_bearer_token_is_sent() -> None:
    with FakeServer({QUERY: answer(vector(({}, "1")))}) as server:
        run(server, {"up": "up"}, token="prom-token-123")
    assert server.requests[0].headers["Authorization"] == "Bearer prom-token-123"


def test_an_empty_vector_is_an_error_not_a_pass() -> None:
    assert failure(answer(vector()), 'up{job="nope"}') == (
        "Prometheus query 'probe' (up{job=\"nope\"}) returned no series (an empty vector): "
        "check the metric names and labels; missing data is never a pass"
    )


def test_several_series_must_be_aggregated() -> None:
    many = vector(*(({"handler": f"/h{i}", "code": "200"}, str(i)) for i in range(4)))
    assert failure(answer(many), "rate(http_requests_total[1m])") == (
        "Prometheus query 'probe' (rate(http_requests_total[1m])) returned 4 series "
        '({handler="/h0", code="200"}, {handler="/h1", code="200"}, {handler="/h2", '
        'code="200"}, ...): aggregate them to one, e.g. sum(...) or max(...)'
    )


@pytest.mark.parametrize("raw", ["NaN", "+Inf", "-Inf"])
def test_nan_and_infinity_are_errors(raw: str) -> None:
    assert failure(answer(vector(({}, raw)))) == (
        f"Prometheus query 'probe' (sum(up)) returned {raw}, not a finite number"
    )


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({"resultType": "string", "result": [1.0, "hello"]}, "returned a string, not a number"),
        (
            {"resultType": "matrix", "result": [{"metric": {}, "values": [[1, "1"]]}]},
            "returned a range vector: ask for one number, e.g. max_over_time(...[5m])",
        ),
        (
            {"resultType": "vector", "result": [{"metric": {}, "histogram": [1, {"count": "3"}]}]},
            "returned a native histogram: use histogram_quantile",
        ),
        ({"resultType": "scalar", "result": [1.0, "x1"]}, "returned 'x1', not a number"),
        ({"resultType": "scalar", "result": [1.0]}, "returned a sample of an unknown shape: [1.0]"),
        (
            {"resultType": "vector", "result": [{"metric": {}, "value": [1, 2]}]},
            "returned a sample of an unknown shape: [1, 2]",
        ),
        ({"resultType": "exotic", "result": []}, "returned an unknown result type 'exotic'"),
    ],
)
def test_results_that_are_not_one_number(data: dict[str, Any], problem: str) -> None:
    reply = answer({"status": "success", "data": data})
    assert failure(reply) == f"Prometheus query 'probe' (sum(up)) {problem}"


@pytest.mark.parametrize(
    ("status", "kind", "said"),
    [
        (400, "bad_data", 'invalid parameter "query": 1:5: parse error: unclosed left parenthesis'),
        (422, "execution", "found duplicate series for the match group"),
    ],
)
def test_an_api_error_names_the_query_and_the_servers_words(
    status: int, kind: str, said: str
) -> None:
    reply = answer({"status": "error", "errorType": kind, "error": said}, status)
    assert failure(reply, "sum(up") == f"Prometheus query 'probe' (sum(up) failed: {kind}: {said}"


def test_multi_line_promql_is_shown_on_one_line() -> None:
    promql = "sum by (job) (\n  rate(x[5m])\n)\n"
    assert failure(answer(vector()), promql).startswith(
        "Prometheus query 'probe' (sum by (job) ( rate(x[5m]) )) returned no series"
    )


def test_network_errors_name_the_query() -> None:
    with FakeServer({QUERY: Reply(404)}) as server, pytest.raises(AdapterError) as caught:
        run(server, {"probe": "up"})
    assert str(caught.value) == (
        f"Prometheus query 'probe' (up): GET {server.url}/api/v1/query answered HTTP 404 "
        "Not Found: check the URL"
    )


@pytest.mark.parametrize(
    ("body", "status", "problem"),
    [
        ({"status": "success"}, 200, "did not answer with a query result"),
        ({"data": {}}, 200, "did not answer with a query result"),
        ([1, 2], 200, "did not answer with a query result"),
        ({"status": "weird"}, 400, "answered HTTP 400"),
    ],
)
def test_answers_that_are_not_the_prometheus_api(body: Any, status: int, problem: str) -> None:
    with FakeServer({QUERY: answer(body, status)}) as server, pytest.raises(AdapterError) as caught:
        run(server, {"probe": "up"})
    assert (
        str(caught.value) == f"Prometheus query 'probe' (up): {server.url}/api/v1/query {problem}"
    )


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"queries": {}}, "option 'queries' must map metric names to PromQL queries"),
        ({"queries": None}, "option 'queries' must map metric names to PromQL queries"),
        (
            {"queries": {"Error-Rate": "up"}},
            "query name 'Error-Rate' is not a metric name: use lower case letters, digits, '_' "
            "and '.', e.g. error_ratio",
        ),
        ({"queries": {"up": "  "}}, "query 'up' has no PromQL: give it an expression"),
        ({"units": {"down": "ratio"}}, "units names 'down', which is not under queries (up)"),
        (
            {"units": {"up": "percents"}},
            "unit 'percents' of 'up' is not one of percent, ratio, ms, s, bytes, count, per_second, number",
        ),
        (
            {"url": "prometheus:9090"},
            "option 'url' must be an http(s) URL of Prometheus, not prometheus:9090",
        ),
        ({"url": None}, "option 'url' must be an http(s) URL of Prometheus, not nothing"),
        (
            {"time": "yesterday"},
            "option 'time' must be an RFC 3339 time with a zone such as 2026-01-31T12:00:00Z, "
            "or a Unix time, not 'yesterday'",
        ),
        (
            {"time": "2026-01-31T12:00:00"},
            "option 'time' must be an RFC 3339 time with a zone such as 2026-01-31T12:00:00Z, "
            "or a Unix time, not '2026-01-31T12:00:00'",
        ),
        (
            {"token": "abcd", "username": "u", "password": "p"},
            "give either 'token' or 'username'/'password', not both",
        ),
    ],
)
def test_bad_options(options: dict[str, Any], message: str) -> None:
    given = {"url": "http://127.0.0.1:9", "queries": {"up": "up"}, **options}
    with pytest.raises(AdapterError) as caught:
        collect(PrometheusAdapter, **given)
    assert str(caught.value) == message


def test_declared_metric_pattern_accepts_query_names() -> None:
    spec = PrometheusAdapter.metric_spec("http.error_ratio")
    assert spec is not None and spec.unit is None
    assert PrometheusAdapter.metric_spec("Error-Rate") is None


# --- a real Prometheus ------------------------------------------------------------------


@pytest.fixture(scope="session")
def prometheus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with prometheus_server(tmp_path_factory.mktemp("prometheus")) as url:
        yield url


def real(url: str, **queries: str) -> dict[str, Measurement]:
    return dict(collect(PrometheusAdapter, url=url, queries=queries).metrics)


def real_failure(url: str, promql: str, **options: Any) -> str:
    with pytest.raises(AdapterError) as caught:
        collect(PrometheusAdapter, url=url, queries={"probe": promql}, **options)
    return str(caught.value)


@pytest.mark.realtool
def test_real_up_and_rate(prometheus: str) -> None:
    metrics = real(
        prometheus,
        up="up",
        requests="sum(rate(prometheus_http_requests_total[1m]))",
        two="1 + 1",
    )
    assert metrics["up"] == Measurement(1.0, Unit.NUMBER)
    assert metrics["two"] == Measurement(2.0, Unit.NUMBER)  # a scalar
    value = metrics["requests"].value
    assert isinstance(value, float) and math.isfinite(value) and value >= 0


@pytest.mark.realtool
def test_real_time_parameter(prometheus: str) -> None:
    now = time.time()
    stamped = dict(
        collect(
            PrometheusAdapter, url=prometheus, queries={"t": "time()"}, time=f"{now:.3f}"
        ).metrics
    )
    assert stamped["t"].value == pytest.approx(now, abs=0.01)


@pytest.mark.realtool
def test_real_at_end_of_a_k6_run(prometheus: str, tmp_path: Path) -> None:
    end_ns = time.time_ns() - 2_000_000_000  # a load test that ended two seconds ago
    seconds, nanos = divmod(end_ns, 1_000_000_000)
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + f".{nanos:09d}Z"
    path = tmp_path / "run.ndjson"
    path.write_text(k6_point("2020-01-01T00:00:00Z") + k6_point(stamp))
    collection = collect(
        PrometheusAdapter, url=prometheus, queries={"t": "time()"}, at_end_of=str(path)
    )
    expected = -(-end_ns // 1_000_000) / 1000  # rounded up to the millisecond Prometheus uses
    assert collection.metrics["t"].value == pytest.approx(expected, abs=1e-9)


@pytest.mark.realtool
def test_real_several_series_is_an_error(prometheus: str) -> None:
    message = real_failure(prometheus, "prometheus_http_requests_total")
    assert message.startswith("Prometheus query 'probe' (prometheus_http_requests_total) returned ")
    assert 'series ({__name__="prometheus_http_requests_total"' in message


@pytest.mark.realtool
def test_real_empty_vector_is_an_error(prometheus: str) -> None:
    assert "returned no series (an empty vector)" in real_failure(prometheus, 'up{job="nope"}')


@pytest.mark.realtool
def test_real_syntax_error_carries_the_servers_message(prometheus: str) -> None:
    assert real_failure(prometheus, "sum(up") == (
        "Prometheus query 'probe' (sum(up) failed: bad_data: invalid parameter \"query\": "
        "1:7: parse error: unclosed left parenthesis"
    )


@pytest.mark.realtool
@pytest.mark.parametrize(
    ("promql", "problem"),
    [('"hello"', "returned a string, not a number"), ("up[1m]", "returned a range vector")],
)
def test_real_results_that_are_not_one_number(prometheus: str, promql: str, problem: str) -> None:
    assert problem in real_failure(prometheus, promql)
