"""Every k6 report of the corpus reads, and NDJSON stats equal what k6 printed for the run.

The NDJSON and the handleSummary JSON of the same name come from the same k6 run, so each
stat k6 wrote there must come out of the raw points to the last digit (Counter rates
excepted: NDJSON holds no test duration, see `measure._duration_s`). `end_time` of every
NDJSON is its latest point, counted here with json; summaries hold no absolute time. The
`.js`, `.txt`, `.csv` and `runs.json` files are not reports.
"""

from __future__ import annotations

import gzip
import json
from datetime import datetime
from pathlib import Path

import pytest

from qualitygates.adapters.k6 import K6Adapter, end_time_ns
from qualitygates.errors import AdapterError
from tests.helpers import collect, corpus_params

pytestmark = pytest.mark.corpus

REPORTS = (
    "k6/*.json",
    "k6/*.ndjson",
    "k6/*.ndjson.gz",
    "set-b/k6/*.json",
    "set-b/k6/*.ndjson",
    "set-b/k6/*.ndjson.gz",
)
RATE_TOLERANCE = 0.02  # the run time is estimated from the points: within 2 % on the corpus


def _reports() -> list[object]:
    return [
        p for p in corpus_params(*REPORTS) if p.values[0] is None or p.values[0].name != "runs.json"
    ]


def _run(path: Path) -> str:
    return path.name.split(".")[0]


def _summary_names(path: Path) -> dict[str, float]:
    data = json.loads(path.read_text())
    return {
        f"{key}.{stat}": value
        for key, metric in data["metrics"].items()
        for stat, value in metric["values"].items()
    }


@pytest.mark.parametrize("path", _reports())
def test_corpus_report_reads(path: Path) -> None:
    result = collect(
        K6Adapter, metrics=("http_req_duration.p(95)", "http_reqs.count"), path=str(path)
    )
    assert result.metrics["http_reqs.count"].value > 0
    assert result.metrics["http_req_duration.p(95)"].value > 0
    assert result.available


@pytest.mark.parametrize("path", corpus_params("k6/*.ndjson*", "set-b/k6/*.ndjson*"))
def test_ndjson_equals_k6s_own_summary(path: Path) -> None:
    summary = path.with_name(_run(path) + ".handle-summary.json")
    if not summary.exists():
        pytest.skip(f"no handleSummary JSON beside {path.name}")
    expected = _summary_names(summary)
    observed = {name: v for name, v in expected.items() if not name.startswith("never_")}
    found = collect(K6Adapter, metrics=tuple(observed), path=str(path)).metrics
    for name, value in observed.items():
        if name.endswith(".rate") and not name.startswith(("checks", "http_req_failed")):
            assert found[name].value == pytest.approx(value, rel=RATE_TOLERANCE), name
        else:
            assert found[name].value == value, name


@pytest.mark.parametrize(
    "path", corpus_params("k6/*.summary-export.json", "set-b/k6/*.summary-export.json")
)
def test_threshold_verdicts_equal_k6s_exit_code(path: Path) -> None:
    runs = json.loads((path.parent / "runs.json").read_text())
    failed = collect(K6Adapter, path=str(path)).metrics["thresholds.failed"].value
    assert (failed > 0) == (runs[_run(path)]["exit_code"] == 99)
    handle = path.with_name(_run(path) + ".handle-summary.json")
    if handle.exists():
        assert collect(K6Adapter, path=str(handle)).metrics["thresholds.failed"].value == failed


@pytest.mark.parametrize(
    "path", corpus_params("k6/empty-metric.*.json", "set-b/k6/empty-metric.*.json")
)
def test_empty_metrics_are_errors(path: Path) -> None:
    with pytest.raises(AdapterError, match="k6 metric never_recorded has no samples"):
        collect(K6Adapter, metrics=("never_recorded.p(95)",), path=str(path))
    with pytest.raises(AdapterError, match="k6 metric never_rate has no samples"):
        collect(K6Adapter, metrics=("never_rate.rate",), path=str(path))


def _epoch_ns(stamp: str) -> int:
    """Go's RFC3339Nano in UTC ("...:46.733710045Z"), counted without the adapter's parser."""
    assert stamp.endswith("Z"), stamp
    second, _, fraction = stamp[:-1].partition(".")
    whole = int(datetime.fromisoformat(second + "+00:00").timestamp())
    return whole * 1_000_000_000 + int(fraction.ljust(9, "0") or 0)


@pytest.mark.parametrize("path", corpus_params("k6/*.ndjson*", "set-b/k6/*.ndjson*"))
def test_end_time_is_the_latest_point(path: Path) -> None:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt") as lines:
        records = [json.loads(line) for line in lines]
    times = [_epoch_ns(r["data"]["time"]) for r in records if r["type"] == "Point"]
    assert end_time_ns(path) == max(times) == times[-1]


@pytest.mark.parametrize(
    "path",
    corpus_params(
        "k6/*.handle-summary.json",
        "k6/*.summary-export.json",
        "set-b/k6/*.handle-summary.json",
        "set-b/k6/*.summary-export.json",
    ),
)
def test_summaries_hold_no_end_time(path: Path) -> None:
    with pytest.raises(AdapterError, match="holds no absolute time"):
        end_time_ns(path)
