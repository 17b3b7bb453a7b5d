"""The improvement registry (improvements.yaml): what it reads, and every problem at once
at FILE:LINE:COL."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from qualitygates.errors import PolicyError
from qualitygates.history.improvements import Guardrail, Improvement, Limit, MetricRef
from qualitygates.policy.improvements import load_improvements, registry_path

GOOD = """\
improvements:
  - id: IMP-2026-004
    title: Cache the price lookup
    owner: alice
    metric: {check: load, name: http_req_duration.p(95)}
    expected: -30%
    guardrails:
      - {check: load, name: http_req_failed, limit: "< +10%"}
      - "cost <= +5%"
    start: 2026-10-01
    end: 2026-10-15
  - id: IMP-2026-005
    title: More tests
    owner: bob
    metric: {gate: quality, check: coverage, name: line_rate}
    expected: +2.5%
    start: 2026-11-01
    end: 2026-11-01
    branch: trunk
    window: 2w
"""


def problems_of(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "improvements.yaml"
    path.write_text(text)
    with pytest.raises(PolicyError) as caught:
        load_improvements(path)
    return [p.removeprefix(f"{path}:") for p in caught.value.problems]


def test_a_registry_is_read_with_its_defaults(tmp_path: Path) -> None:
    (tmp_path / "improvements.yaml").write_text(GOOD)
    cache, tests = load_improvements(registry_path(tmp_path / "gates.yaml"))
    assert cache == Improvement(
        "IMP-2026-004", "Cache the price lookup", "alice",
        MetricRef("http_req_duration.p(95)", "load"), -30.0,
        date(2026, 10, 1), date(2026, 10, 15),
        (Guardrail(MetricRef("http_req_failed", "load"), Limit("<", 10.0)),
         Guardrail(MetricRef("cost"), Limit("<=", 5.0))),
        branch="main", window=timedelta(days=30),
    )  # fmt: skip
    assert tests.metric == MetricRef("line_rate", "coverage", "quality")
    assert (tests.expected, tests.branch, tests.window) == (2.5, "trunk", timedelta(weeks=2))


def test_file_overrides_the_registry_beside_the_policy(tmp_path: Path) -> None:
    assert registry_path("ci/gates.yaml") == Path("ci/improvements.yaml")
    assert registry_path("ci/gates.yaml", "other.yaml") == Path("other.yaml")


BAD = """\
improvements:
  - id: IMP-26-4
    titel: Cache
    owner: 42
    metric: load.http_req_duration
    expected: 30%
    start: 2026-10-15
    end: 2026-10-01
  - id: IMP-2026-006
    title: Faster
    owner: carol
    metric: {check: load, nam: latency}
    expected: +0%
    guardrails:
      - {check: load, name: errors, limit: "+10%"}
      - {check: load, name: cost}
      - "cost below 10%"
    start: 2026-10-40
    end: 2026-11-01T10:00:00
    window: soon
  - id: IMP-2026-006
    title: Twice
    owner: dan
    metric: {check: load, name: latency}
    expected: -5%
    start: 2026-10-01
    end: 2026-10-02
  - just a string
"""


def test_every_problem_is_reported_at_once_where_it_is(tmp_path: Path) -> None:
    assert problems_of(tmp_path, BAD) == [
        "2:5: improvement IMP-26-4 needs 'title': what it changes",
        "2:9: id must look like IMP-2026-004 (IMP-, a year, a number), not 'IMP-26-4'",
        "3:5: unknown key 'titel' in improvement IMP-26-4 (did you mean 'title'?)",
        "4:12: owner must be text, not '42'",
        "5:13: the metric must be a mapping {check: ..., name: ...}: metric names hold dots, "
        "so check and name are given apart",
        "6:15: expected must be a signed percent such as -30% or +5%, not '30%'",
        "8:10: end 2026-10-01 is before start 2026-10-15",
        "12:13: the metric needs 'name'",
        "12:27: unknown key 'nam' in the metric (did you mean 'name'?)",
        "13:15: expected must not be 0%: say which way the metric should move",
        "15:44: a guardrail's limit is an operator and a signed percent such as '< +10%', "
        "not '+10%'",
        "16:9: a guardrail needs a 'limit' such as '< +10%'",
        "17:9: a guardrail's limit is an operator and a signed percent such as '< +10%', "
        "not 'cost below 10%'",
        "18:12: start must be a date such as 2026-10-01, not '2026-10-40'",
        "19:10: end must be a day such as 2026-10-01, not a time (2026-11-01T10:00:00)",
        "20:13: window: 'soon' is not a duration: write it like 30d, 12h, 2w or 1d12h",
        f"21:9: duplicate id 'IMP-2026-006' (first at {tmp_path / 'improvements.yaml'}:9:9)",
        "28:5: an improvement is a mapping of id, title, owner, metric, expected, "
        "guardrails, start, end, branch, window",
    ]


def test_a_missing_registry_says_how_to_name_one(tmp_path: Path) -> None:
    with pytest.raises(PolicyError) as caught:
        load_improvements(tmp_path / "improvements.yaml")
    assert caught.value.problems == [
        f"{tmp_path / 'improvements.yaml'}: no such improvement registry: write one, "
        "or name it with --file"
    ]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "1:1: the file is empty"),
        ("improvements: []\n", "1:15: the registry lists no improvement under 'improvements'"),
        ("improvements:\n", "1:14: the registry lists no improvement under 'improvements'"),
        ("- id: IMP-2026-001\n", "1:1: the registry is a mapping with an 'improvements' list"),
        ("improvements: {id: 1}\n", "1:15: 'improvements' must be a list of improvements"),
        ("improvements: [\n", "2:1: invalid YAML: expected the node content, but found '<stream end>'"),
    ],
)  # fmt: skip
def test_an_empty_or_shapeless_registry_is_a_clear_error(
    tmp_path: Path, text: str, problem: str
) -> None:
    assert problems_of(tmp_path, text) == [problem]


def test_unknown_top_level_keys_are_named(tmp_path: Path) -> None:
    text = GOOD.replace("improvements:", "improvement:\n  - x\nimprovements:", 1)
    assert problems_of(tmp_path, text)[0] == (
        "1:1: unknown key 'improvement' in the registry (did you mean 'improvements'?)"
    )


def test_days_outside_what_a_run_can_record_are_refused_where_they_are(tmp_path: Path) -> None:
    """0001-01-01 less the window is no date: it was an internal error (exit 3)."""
    text = GOOD.replace("start: 2026-10-01", "start: 0001-01-01").replace(
        "end: 2026-10-15", "end: 9999-12-31"
    )
    assert problems_of(tmp_path, text) == [
        "10:12: start must be a day from 1970-01-01 to 8999-12-31",
        "11:10: end must be a day from 1970-01-01 to 8999-12-31",
    ]
