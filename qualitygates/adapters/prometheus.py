"""Prometheus: named PromQL instant queries over the HTTP API, each one metric.

Each entry of `queries:` (name -> PromQL) is sent to `GET <url>/api/v1/query`, one after the
other within the check's time, and its one number becomes the metric of that name, in the
unit `units:` gives it (default `number`, the tool's own unit):

```yaml
with:
  url: http://prometheus:9090
  queries:
    error_ratio: sum(rate(requests_total{code=~"5.."}[5m])) / sum(rate(requests_total[5m]))
    p95: histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))
  units: {error_ratio: ratio, p95: s}
conditions: [error_ratio < 0.5%, p95 < 300ms]
```

A query must come out as one number: a scalar, or an instant vector with exactly one
series. Everything else fails closed with the query's name, its PromQL and the server's
words: an empty vector (an absent series is never a pass: Kayenta's `NODATA` trap), several
series (aggregate them: `sum(...)`, `max(...)`), a range vector, a string, a native
histogram, NaN or ±Inf, and an API error (`status: error`, which Prometheus sends with HTTP
400 for a bad query and 422 for a failed evaluation).

`time` evaluates every query at one instant (RFC 3339 or a Unix time); without it the server
uses its own clock, so `--now` does not move it. `at_end_of` evaluates them at the end of a
k6 load test, read from its output: the latest point of its `--out json` NDJSON (plain or
.gz; a glob of several instances' files: the latest of them), or `metadata.generatedAt` of
the machine-readable summary. Other summaries hold no absolute time: an error. That instant,
rounded up to Prometheus' millisecond, is also the check's timestamp (for `max_age`). Every
query under `queries:` runs and is reported, whether a condition names it or not.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from qualitygates.adapters._http import HttpClient, display_url
from qualitygates.adapters._prometheus_time import evaluation_time, time_param
from qualitygates.adapters._trust import allowed_hosts_option
from qualitygates.adapters.interface import (
    Adapter,
    Collection,
    CollectRequest,
    MetricSpec,
    OptionKind,
    OptionSpec,
)
from qualitygates.domains import NON_NEGATIVE
from qualitygates.errors import AdapterError
from qualitygates.model import Measurement, Unit

NAME_PATTERN = r"[a-z_][a-z0-9_.]*"
API_PATH = "/api/v1/query"
UNITS = {
    "percent": Unit.PERCENT,
    "ratio": Unit.RATIO,
    "ms": Unit.MILLISECONDS,
    "s": Unit.SECONDS,
    "bytes": Unit.BYTES,
    "count": Unit.COUNT,
    "per_second": Unit.PER_SECOND,
    "number": Unit.NUMBER,
}
_ERROR_STATUSES = (400, 422)  # Prometheus explains these in a JSON body
_MAX_SHOWN = 200


class PrometheusAdapter(Adapter):
    """Named PromQL instant queries over Prometheus' HTTP API, each one metric."""

    dated = True  # with `at_end_of`, the end of the k6 run the queries are evaluated at

    name = "prometheus"
    summary = "PromQL instant queries over the Prometheus HTTP API, one metric each"
    formats = (
        "Prometheus HTTP API v1 instant queries (GET /api/v1/query): a scalar, or a vector "
        "of exactly one series",
    )
    options = (
        OptionSpec(
            "url",
            OptionKind.URL,
            "the Prometheus server, e.g. http://prometheus:9090",
            True,
            check=lambda url: _endpoint(url),  # noqa: PLW0108 (defined below)
        ),
        OptionSpec(
            "queries",
            OptionKind.MAPPING,
            "metric name -> PromQL instant query",
            True,
            check=lambda queries: _queries(queries),  # noqa: PLW0108 (defined below)
        ),
        OptionSpec(
            "time",
            OptionKind.STRING,
            "evaluation time, RFC 3339 or Unix (default: now)",
            excludes=("at_end_of",),
            check=time_param,
        ),
        OptionSpec(
            "at_end_of",
            OptionKind.PATH,
            "evaluate at the end of this k6 run: its --out json NDJSON (latest point) or "
            "machine-readable summary; instead of time",
        ),
        OptionSpec(
            "token",
            OptionKind.SECRET,
            "bearer token sent as Authorization",
            excludes=("username", "password"),
        ),
        OptionSpec(
            "username", OptionKind.STRING, "user name for basic auth", requires=("password",)
        ),
        OptionSpec(
            "password", OptionKind.SECRET, "password for basic auth", requires=("username",)
        ),
        OptionSpec("ca_bundle", OptionKind.PATH, "PEM file of the CA that signed the server"),
        allowed_hosts_option(),
        OptionSpec(
            "units",
            OptionKind.MAPPING,
            f"metric name -> unit of its value ({', '.join(UNITS)}; default number)",
            default={},
            choices=tuple(UNITS),
            metric_units=tuple(UNITS.items()),
        ),
    )
    metrics = (
        MetricSpec(
            "<query name>",
            None,
            "a name from queries: the value of its PromQL, in the unit units: gives it",
            pattern=NAME_PATTERN,
            # increase() and rate() extrapolate: a count from PromQL need not be whole.
            domains=((Unit.COUNT, NON_NEGATIVE),),
        ),
    )

    def collect(self, request: CollectRequest) -> Collection:
        """Run every query in turn and return one metric per query."""
        options = request.options
        queries = _queries(options.get("queries"))
        units = _units(options.get("units") or {}, queries)
        endpoint = _endpoint(options.get("url"))
        params, stamp, k6_outputs = evaluation_time(options.get("time"), options.get("at_end_of"))
        metrics: dict[str, Measurement] = {}
        with HttpClient.from_options(options, request.timeout) as client:
            for name, promql in queries.items():
                value = _evaluate(client, endpoint, name, promql, params)
                metrics[name] = Measurement(value, units.get(name, Unit.NUMBER))
        return Collection(
            metrics=metrics,
            sources=(display_url(endpoint), *k6_outputs),
            timestamp=stamp,
            available=tuple(queries),
        )


def _queries(raw: Any) -> dict[str, str]:
    if not isinstance(raw, Mapping) or not raw:
        raise AdapterError("option 'queries' must map metric names to PromQL queries")
    queries: dict[str, str] = {}
    for name, promql in raw.items():
        if not isinstance(name, str) or not re.fullmatch(NAME_PATTERN, name):
            raise AdapterError(
                f"query name {name!r} is not a metric name: use lower case letters, "
                "digits, '_' and '.', e.g. error_ratio"
            )
        if not isinstance(promql, str) or not promql.strip():
            raise AdapterError(f"query {name!r} has no PromQL: give it an expression")
        queries[name] = promql
    return queries


def _units(raw: Any, queries: Mapping[str, str]) -> dict[str, Unit]:
    if not isinstance(raw, Mapping):
        raise AdapterError("option 'units' must map query names to units")
    units: dict[str, Unit] = {}
    for name, word in raw.items():
        if name not in queries:
            known = ", ".join(queries)
            raise AdapterError(f"units names {name!r}, which is not under queries ({known})")
        if word not in UNITS:
            raise AdapterError(f"unit {word!r} of {name!r} is not one of {', '.join(UNITS)}")
        units[name] = UNITS[word]
    return units


def _endpoint(raw: Any) -> str:
    url = raw.strip() if isinstance(raw, str) else ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        shown = display_url(url) if url else "nothing"
        raise AdapterError(f"option 'url' must be an http(s) URL of Prometheus, not {shown}")
    base = parts._replace(query="", fragment="").geturl().rstrip("/")
    # Accept the full endpoint too, as users copy it from the API docs.
    return base if base.endswith(API_PATH) else base + API_PATH


def _evaluate(
    client: HttpClient, endpoint: str, name: str, promql: str, params: Mapping[str, str]
) -> float:
    where = f"Prometheus query {name!r} ({_shown(promql)})"
    try:
        response = client.get_json(
            endpoint, {"query": promql, **params}, json_statuses=_ERROR_STATUSES
        )
    except AdapterError as exc:
        raise AdapterError(f"{where}: {exc}") from None
    body = response.data
    if isinstance(body, dict) and body.get("status") == "error":
        kind, said = body.get("errorType", "error"), _shown(str(body.get("error", "")))
        raise AdapterError(client.redact(f"{where} failed: {kind}: {said}"))
    if response.status >= 300:
        raise AdapterError(f"{where}: {display_url(endpoint)} answered HTTP {response.status}")
    data = body.get("data") if isinstance(body, dict) and body.get("status") == "success" else None
    if not isinstance(data, dict):
        raise AdapterError(f"{where}: {display_url(endpoint)} did not answer with a query result")
    return _one_number(where, data.get("resultType"), data.get("result"))


def _one_number(where: str, kind: Any, result: Any) -> float:
    if kind == "scalar":
        return _sample_value(where, result)
    if kind == "vector" and isinstance(result, list):
        if not result:
            raise AdapterError(
                f"{where} returned no series (an empty vector): check the metric names "
                "and labels; missing data is never a pass"
            )
        if len(result) > 1:
            raise AdapterError(
                f"{where} returned {len(result)} series ({_labels(result)}): aggregate them "
                "to one, e.g. sum(...) or max(...)"
            )
        series = result[0]
        if isinstance(series, dict) and "histogram" in series:
            raise AdapterError(f"{where} returned a native histogram: use histogram_quantile")
        return _sample_value(where, series.get("value") if isinstance(series, dict) else None)
    if kind == "matrix":
        raise AdapterError(
            f"{where} returned a range vector: ask for one number, e.g. max_over_time(...[5m])"
        )
    if kind == "string":
        raise AdapterError(f"{where} returned a string, not a number")
    raise AdapterError(f"{where} returned an unknown result type {kind!r}")


def _sample_value(where: str, sample: Any) -> float:
    raw = sample[1] if isinstance(sample, list) and len(sample) == 2 else None
    try:
        value = float(raw) if isinstance(raw, str) else math.nan
    except ValueError:
        raise AdapterError(f"{where} returned {raw!r}, not a number") from None
    if not isinstance(raw, str):
        raise AdapterError(f"{where} returned a sample of an unknown shape: {sample!r:.100}")
    if not math.isfinite(value):
        raise AdapterError(f"{where} returned {raw}, not a finite number")
    return value


def _labels(result: list[Any]) -> str:
    shown = []
    for series in result[:3]:
        metric = series.get("metric") if isinstance(series, dict) else None
        pairs = metric.items() if isinstance(metric, dict) else ()
        shown.append("{" + ", ".join(f'{k}="{v}"' for k, v in pairs) + "}")
    return ", ".join(shown) + (", ..." if len(result) > 3 else "")


def _shown(text: str) -> str:
    """One line, at most _MAX_SHOWN characters: PromQL is often a multi-line YAML block."""
    line = " ".join(text.split())
    return line if len(line) <= _MAX_SHOWN else line[: _MAX_SHOWN - 1] + "…"
