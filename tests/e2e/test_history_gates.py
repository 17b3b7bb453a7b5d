"""End to end: conditions on recent history, over series of runs recorded with `--now`.

Each series is recorded through the CLI, as CI records it (one run a day, k6 summaries
whose p95 the test sets), into SQLite and into PostgreSQL. Then:
- a noisy but stable series passes the history conditions, where `baseline * 1.10`
  against the last run fails on the noise;
- a step regression fails them;
- a creep of 3 % a week fails `drift`, though each run is within 10 % of the last.
"""

from __future__ import annotations

import itertools
import json
import random
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tests.helpers import qualitygates
from tests.history import pg

START = datetime(2026, 10, 1, 10, 0, tzinfo=timezone.utc)
LOAD = """\
version: 1
gates:
  - id: performance
    checks:
      - id: load
        adapter: k6
        with: {{path: summary.json}}
        conditions:
{conditions}
"""
RECORDING: list[object] = ["http_req_duration.p(95) < 10s"]
HISTORY: list[object] = [
    "http_req_duration.p(95) <= history.median(last=10) * 1.10",
    "anomaly(http_req_duration.p(95), last=10) < 3.5",
    "drift(http_req_duration.p(95), 30d) < 5%",
]
LAST_RUN: list[object] = ["http_req_duration.p(95) <= baseline * 1.10"]


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield str(tmp_path / "history.sqlite")
        return
    with pg.fresh_schema(request.getfixturevalue("postgres_admin")) as url:
        yield url


class Series:
    """A folder where runs of the load check are recorded and judged, one a day."""

    def __init__(self, folder: Path, store: str) -> None:
        self.folder, self.store, self.day = folder, store, 0

    def run(self, p95: float, conditions: list[object], record: bool = True) -> tuple[int, dict]:
        summary = {"metrics": {"http_req_duration": {
            "avg": p95 / 2, "min": 1, "med": p95 / 2, "max": p95 * 2, "p(90)": p95 * 0.9,
            "p(95)": p95}}}  # fmt: skip
        (self.folder / "summary.json").write_text(json.dumps(summary))
        lines = "".join(f"          - {json.dumps(c)}\n" for c in conditions)
        (self.folder / "gates.yaml").write_text(LOAD.format(conditions=lines))
        now = START + timedelta(days=self.day)
        self.day += record
        done = qualitygates(
            "run", "--history", self.store, "--now", now.isoformat(), "--json", "result.json",
            cwd=self.folder, env={"QUALITYGATES_BRANCH": "main"},
        )  # fmt: skip
        assert done.returncode in (0, 1), done.stdout + done.stderr
        result = json.loads((self.folder / "result.json").read_text())
        conditions_judged = result["gates"][0]["checks"][0]["conditions"]
        return done.returncode, {c["expr"]: c for c in conditions_judged}

    def record(self, values: list[float]) -> None:
        for value in values:
            assert self.run(value, RECORDING)[0] == 0


def noisy(count: int, level: float, spread: float, seed: int) -> list[float]:
    """`count` values around `level`, each within +-spread of it (a fixed seed)."""
    rng = random.Random(seed)
    return [round(level * (1 + rng.uniform(-spread, spread)), 1) for _ in range(count)]


def test_a_stable_noisy_series_passes_where_the_last_run_as_baseline_fails(
    tmp_path: Path, store: str
) -> None:
    series = Series(tmp_path, store)
    series.record([*noisy(11, 200, 0.08, seed=7), 186.0])  # the last run is a low one
    failed, last_run = series.run(205.0, LAST_RUN)  # 205 > 186 * 1.10: noise, not a change
    assert failed == 1
    assert "is not <= 204.6ms (baseline 186ms)" in last_run[LAST_RUN[0]]["message"]
    passed, judged = series.run(205.0, HISTORY)
    assert passed == 0, judged
    median = judged[HISTORY[0]]
    assert median["status"] == "passed"
    assert median["history"]["statistic"] == "history.median"
    assert median["history"]["window"] == "last=10" and median["history"]["runs"] == 10
    assert (  # the window says how old it is: the 10 runs before this one, a day apart
        "(history.median over last=10, 10 passing runs of main from 2026-10-03 to 2026-10-12: "
        in median["message"]
    )
    anomaly = judged[HISTORY[1]]
    assert anomaly["status"] == "passed" and abs(anomaly["actual"]) < 3.5
    drift = judged[HISTORY[2]]
    assert drift["status"] == "passed" and drift["history"]["runs"] == 12


def test_a_step_regression_fails_the_history_conditions(tmp_path: Path, store: str) -> None:
    series = Series(tmp_path, store)
    series.record(noisy(12, 200, 0.08, seed=11))
    failed, judged = series.run(300.0, HISTORY)
    assert failed == 1
    assert judged[HISTORY[0]]["status"] == "failed"
    anomaly = judged[HISTORY[1]]
    assert anomaly["status"] == "failed" and anomaly["actual"] > 3.5
    assert "300ms against a median of " in anomaly["message"]


def test_a_creep_of_three_percent_a_week_fails_drift(tmp_path: Path, store: str) -> None:
    series = Series(tmp_path, store)
    rng = random.Random(3)
    creep = [round(200 * (1 + 0.03 / 7) ** day * rng.uniform(0.98, 1.02), 1) for day in range(25)]
    assert all(b / a < 1.10 for a, b in itertools.pairwise(creep))  # no step a run would see
    series.record(creep)
    failed, judged = series.run(creep[-1] * (1 + 0.03 / 7), HISTORY)
    assert failed == 1
    drift = judged[HISTORY[2]]
    assert drift["status"] == "failed", drift["message"]
    assert 10 < drift["actual"] < 16  # 3 %/week over the 30-day window: about 13 %
    assert "Mann-Kendall p = " in drift["message"] and "(significant)" in drift["message"]
    assert judged[HISTORY[0]]["status"] == "passed"  # no single step to catch


def test_too_few_runs_follow_on_no_baseline(tmp_path: Path, store: str) -> None:
    series = Series(tmp_path, store)
    series.record(noisy(2, 200, 0.05, seed=5))
    code, judged = series.run(200.0, [HISTORY[0], {"expr": HISTORY[1], "on_no_baseline": "fail"}])
    assert code == 1
    assert judged[HISTORY[0]]["status"] == "warned"
    assert judged[HISTORY[0]]["message"] == (
        "http_req_duration.p(95): history.median over last=10, 2 passing runs of main from "
        "2026-10-01 to 2026-10-02, fewer than the 10 needed (on_no_baseline: warn)"
    )
    assert judged[HISTORY[1]]["status"] == "failed"


def test_without_a_store_the_history_conditions_say_so(tmp_path: Path) -> None:
    (tmp_path / "summary.json").write_text(
        json.dumps({"metrics": {"http_req_duration": {"avg": 1, "min": 1, "med": 1, "max": 1,
                                                      "p(90)": 1, "p(95)": 1}}}))  # fmt: skip
    lines = "".join(f"          - {json.dumps(c)}\n" for c in HISTORY)
    (tmp_path / "gates.yaml").write_text(LOAD.format(conditions=lines))
    done = qualitygates("run", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    for statistic in ("history.median over last=10", "anomaly over last=10", "drift over 30d"):
        assert f"no history store to read {statistic} from (on_no_baseline: warn)" in done.stdout
