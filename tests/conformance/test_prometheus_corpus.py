"""Every recorded Prometheus API answer in the corpus, served back by a loopback fake server.

The expected outcome of each file is worked out here with plain `json`: one number for a
scalar or a one-series vector, the server's own error text for `status: error` (served with
HTTP 400, as Prometheus sent it), and an AdapterError for anything else.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from qualitygates.adapters.prometheus import PrometheusAdapter
from qualitygates.errors import AdapterError
from qualitygates.model import Measurement, Unit
from tests.helpers import collect, corpus_params
from tests.servers import FakeServer, Reply

pytestmark = pytest.mark.corpus

PARAMS = corpus_params("prometheus/query*.json", "set-b/prometheus/query*.json")
KNOWN: dict[str, float | str] = {  # what the corpus's MANIFEST says each file is, pinned by name
    "query-scalar.json": 1.0,
    "query-vector-up.json": 1.0,
    "query-vector-series.json": 48492544.0,
    "query-vector-scalar.json": 0.0018312222222222221,
    "query-histogram-quantile.json": 0.095,
    "query-vector-empty.json": "returned no series (an empty vector)",
    "query-vector-many.json": "returned 2 series",
    "query-error-parse.json": 'failed: bad_data: invalid parameter "query": 1:17: parse error',
    "query-error-time.json": 'failed: bad_data: invalid parameter "time"',
    "query_range-matrix.json": "returned a range vector",
}


def expected(document: dict[str, Any]) -> float | str:
    """One number, or the words the error must contain."""
    if document["status"] == "error":
        return f"failed: {document['errorType']}: {document['error']}"
    data = document["data"]
    if data["resultType"] == "scalar":
        return float(data["result"][1])
    if data["resultType"] == "vector" and len(data["result"]) == 1:
        return float(data["result"][0]["value"][1])
    if data["resultType"] == "vector":
        return (
            f"returned {len(data['result'])} series"
            if data["result"]
            else "returned no series (an empty vector)"
        )
    return "returned a range vector"


@pytest.mark.parametrize("path", PARAMS)
def test_corpus_answer(path: Path) -> None:
    document = json.loads(path.read_text())
    status = 400 if document["status"] == "error" else 200
    reply = Reply(status, path.read_bytes(), {"Content-Type": "application/json"})
    want = expected(document)
    if path.name in KNOWN:
        pinned = KNOWN[path.name]
        if isinstance(pinned, float):
            assert want == pinned
        else:
            assert pinned in str(want)
    with FakeServer({"/api/v1/query": reply}) as server:
        if isinstance(want, float):
            metrics = collect(PrometheusAdapter, url=server.url, queries={"q": "the query"}).metrics
            assert metrics == {"q": Measurement(want, Unit.NUMBER)}
        else:
            with pytest.raises(AdapterError) as caught:
                collect(PrometheusAdapter, url=server.url, queries={"q": "the query"})
            assert str(caught.value).startswith("Prometheus query 'q' (the query) ")
            assert want in str(caught.value)
