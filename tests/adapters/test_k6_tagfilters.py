"""Tag filters that name a tag the run never had are errors, even with allow_empty.

`allow_empty` accepts a metric, or a sub-metric whose every tag occurs on the metric, that
got no samples; a filter whose tag key or value never occurs (`{scenario:peek}`) is a
typo it would turn into a pass at 0. Every such problem of a check is listed at once.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from qualitygates.adapters.k6 import K6Adapter, reader
from qualitygates.errors import AdapterError
from tests.helpers import DATA, collect

K6 = DATA / "k6"
POINTS = K6 / "points.ndjson"
NEVER_HAD = "a tag filter names a tag no sample had, which allow_empty does not excuse: "
PEEK = (
    "http_req_duration{scenario:peek}: no http_req_duration sample has scenario 'peek' "
    "(scenario values: 'base', 'peak'; did you mean 'peak'?)"
)
SECNARIO = (
    "http_req_duration{secnario:peak}: no http_req_duration sample has a tag 'secnario' "
    "(its tags: 'group', 'name', 'scenario', 'status', 'url'; did you mean 'scenario'?)"
)
SUMMARY_HINT = (
    " (a summary shows tags only through its sub-metrics with thresholds and its checks; "
    "the run's --out json NDJSON shows every tag)"
)


def values(path: Path, *names: str, **options: Any) -> dict[str, float | str]:
    found = collect(K6Adapter, metrics=names, path=str(path), **options).metrics
    return {name: m.value for name, m in found.items()}


def error(path: Path, *names: str, **options: Any) -> str:
    with pytest.raises(AdapterError) as caught:
        values(path, *names, **options)
    return str(caught.value)


# --- NDJSON -----------------------------------------------------------------------------


@pytest.mark.parametrize("allow_empty", [False, True])
def test_a_tag_value_no_sample_had_is_an_error(allow_empty: bool) -> None:
    message = error(POINTS, "http_req_duration{scenario:peek}.p(95)", allow_empty=allow_empty)
    assert message == f"{POINTS}: {NEVER_HAD}{PEEK}"


@pytest.mark.parametrize("allow_empty", [False, True])
def test_a_tag_key_no_sample_had_is_an_error(allow_empty: bool) -> None:
    message = error(POINTS, "http_req_duration{secnario:peak}.avg", allow_empty=allow_empty)
    assert message == f"{POINTS}: {NEVER_HAD}{SECNARIO}"


def test_a_metric_whose_samples_have_no_tags() -> None:
    assert error(POINTS, "payload_bytes{scenario:peak}.med", allow_empty=True) == (
        f"{POINTS}: {NEVER_HAD}payload_bytes{{scenario:peak}}: no payload_bytes sample has a "
        "tag 'scenario' (its samples have no tags)"
    )


def test_every_bad_filter_of_a_check_is_listed_at_once() -> None:
    message = error(
        POINTS,
        "http_req_duration{scenario:peek}.p(95)",
        "http_req_duration{secnario:peak}.avg",
        "http_req_duration{scenario:peek}.avg",  # the same filter: listed once
        allow_empty=True,
    )
    assert message == (
        f"{POINTS}: 2 tag filters name a tag no sample had, which allow_empty does not "
        f"excuse: {PEEK}; {SECNARIO}"
    )


def test_two_bad_tags_of_one_filter_and_an_empty_metric_are_listed_together() -> None:
    message = error(
        POINTS,
        "http_req_duration{scenario:peek,status:404}.p(95)",
        "http_req_duration{scenario:base,status:500}.max",  # both tags occur, not together
    )
    assert message == (
        f"{POINTS}: {NEVER_HAD}http_req_duration{{scenario:peek,status:404}}: no "
        "http_req_duration sample has scenario 'peek' (scenario values: 'base', 'peak'; did "
        "you mean 'peak'?) and no http_req_duration sample has status '404' (status values: "
        "'200', '500'); and k6 metric http_req_duration{scenario:base,status:500} has no "
        "samples (k6 would pass its thresholds); fix the test, or set allow_empty: true on "
        "this check"
    )


def test_allow_empty_covers_a_sub_metric_whose_tags_each_occur() -> None:
    name = "http_req_duration{scenario:base,status:500}.max"
    assert values(POINTS, name, allow_empty=True) == {name: 0.0}


def test_allow_empty_covers_a_metric_without_any_sample(tmp_path: Path) -> None:
    path = tmp_path / "run.ndjson"
    path.write_bytes(
        b'{"type":"Metric","data":{"name":"never","type":"trend","contains":"time"}}\n'
        + POINTS.read_bytes()
    )
    assert values(path, "never{scenario:peek}.p(95)", allow_empty=True) == {
        "never{scenario:peek}.p(95)": 0.0
    }  # no sample at all: no tag can be judged


def test_tags_seen_by_the_worker_process_count(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # scenario "late" occurs only in the part a worker reads, status 500 only in the other
    late = POINTS.read_bytes().replace(b'"scenario":"peak"', b'"scenario":"late"')
    late = late.replace(b'"status":"500"', b'"status":"200"')
    path = tmp_path / "big.ndjson"
    path.write_bytes(POINTS.read_bytes() * 30 + late * 10)  # the worker reads the last 3/8
    monkeypatch.setattr(reader, "PARALLEL_MIN_BYTES", 1)
    name = "http_req_duration{scenario:late,status:500}.max"
    assert values(path, name, allow_empty=True) == {name: 0.0}
    assert "scenario values: 'base', 'late', 'peak'" in error(
        path, "http_req_duration{scenario:peek}.max"
    )


def test_a_hostile_tag_value_is_quoted_and_cut_short(tmp_path: Path) -> None:
    path = tmp_path / "run.ndjson"
    hostile = "x" * 100 + "\n::error::owned"
    path.write_bytes(
        POINTS.read_bytes().replace(
            b'"scenario":"base"', f'"scenario":{json.dumps(hostile)}'.encode()
        )
    )
    message = error(path, "http_req_duration{scenario:peek}.max")
    assert "\n" not in message
    assert f"scenario values: 'peak', {'x' * 60 + '…'!r}; did you mean 'peak'?" in message


# --- summaries --------------------------------------------------------------------------


@pytest.fixture
def summary(tmp_path: Path) -> Path:
    """summary-export.json with empty sub-metrics: a typo, and tags that each occur."""
    document = json.loads((K6 / "summary-export.json").read_text())
    metrics = document["metrics"]
    empty = {"avg": 0, "min": 0, "med": 0, "max": 0, "p(95)": 0, "thresholds": {"p(95)<1": False}}
    metrics["http_req_duration{scenario:peek}"] = empty
    metrics["http_req_duration{status:500}"] = metrics["http_req_duration{scenario:peak}"]
    metrics["http_req_duration{scenario:peak,status:500}"] = empty
    path = tmp_path / "summary.json"
    path.write_text(json.dumps(document))
    return path


@pytest.mark.parametrize("allow_empty", [False, True])
def test_summary_sub_metric_with_a_tag_the_summary_does_not_show(
    summary: Path, allow_empty: bool
) -> None:
    assert error(summary, "http_req_duration{scenario:peek}.p(95)", allow_empty=allow_empty) == (
        f"{summary}: a tag filter names a tag this summary does not show, which allow_empty "
        "does not excuse: http_req_duration{scenario:peek}: no http_req_duration sample has "
        f"scenario 'peek' (scenario values: 'peak'; did you mean 'peak'?){SUMMARY_HINT}"
    )


def test_summary_empty_sub_metric_whose_tags_each_occur(summary: Path) -> None:
    name = "http_req_duration{scenario:peak,status:500}.p(95)"
    assert values(summary, name, allow_empty=True)[name] == 0.0
    assert error(summary, name) == (
        f"{summary}: k6 metric http_req_duration{{scenario:peak,status:500}} has no samples "
        "(k6 would pass its thresholds); fix the test, or set allow_empty: true on this check"
    )


@pytest.mark.parametrize("name", ["summary-export.json", "handle-summary.json"])
def test_summary_check_that_the_run_never_had(name: str) -> None:
    path = K6 / name
    checks = "'checkout ok', 'login ok'" if name == "summary-export.json" else "'status 200'"
    message = error(path, "checks{check:login ko}.rate", "checks{check:status 2OO}.rate")
    assert message.startswith(f"{path}: 2 tag filters name a tag this summary does not show")
    assert (
        f"checks{{check:login ko}}: no checks sample has check 'login ko' (check values: {checks}"
        in message
    )
