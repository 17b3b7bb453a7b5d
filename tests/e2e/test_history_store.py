"""End to end with the history store: record runs, list them, trend a metric, baseline from
the last passing run of main, compare by run id; and a plain run writes nothing."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import qualitygates


def _slow_down(example: Path, factor: float) -> None:
    summary = example / "examples" / "reports" / "k6-summary.json"
    data = json.loads(summary.read_text())
    for stat in ("avg", "med", "p(90)", "p(95)", "p(99)", "max"):
        data["metrics"]["http_req_duration"][stat] *= factor
    summary.write_text(json.dumps(data))


def test_three_recorded_runs_with_a_regression_in_the_third(example: Path) -> None:
    policy = example / "gates.yaml"
    policy.write_text(policy.read_text().replace(
        '- "http_req_duration.p(95) < 300ms"',
        '- "http_req_duration.p(95) < 300ms"\n          - "http_req_duration.p(95) <= baseline * 1.10"',
    ))  # fmt: skip
    store = ".qualitygates/history.sqlite"
    env_free = ("--history", store)
    branch = {"QUALITYGATES_BRANCH": "main"}
    for number, factor in ((1, 1.0), (2, 1.02), (3, 1.3)):
        if factor != 1.0:
            _slow_down(example, factor)
        result = qualitygates("run", *env_free, "-q", cwd=example, env=branch)
        assert result.returncode == (1 if number == 3 else 0), result.stdout + result.stderr
    assert "(baseline " in result.stdout and "is not <=" in result.stdout

    listing = qualitygates("history", *env_free, cwd=example)
    lines = listing.stdout.splitlines()
    assert listing.returncode == 0 and len(lines) == 3
    assert lines[0].startswith("#3") and " failed " in lines[0] and " main " in lines[0]

    trend = qualitygates("trend", "http_req_duration.p(95)", *env_free, cwd=example)
    assert trend.returncode == 0
    assert trend.stdout.startswith("performance.load-test.http_req_duration.p(95)  ")
    assert ", 3 runs" in trend.stdout.splitlines()[0]

    compared = qualitygates("compare", "1", "#3", *env_free, cwd=example)
    assert compared.returncode == 1
    assert "**Conclusion: failure**" in compared.stdout


def test_a_plain_run_writes_no_history(example: Path) -> None:
    assert qualitygates("run", "-q", cwd=example).returncode == 0
    assert not (example / ".qualitygates").exists()


def test_init_keeps_the_store_out_of_git(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("*.pyc")
    assert qualitygates("init", cwd=tmp_path).returncode == 0
    assert (tmp_path / ".gitignore").read_text().endswith("\n.qualitygates/\n")
    qualitygates("init", "other.yaml", cwd=tmp_path)
    assert (tmp_path / ".gitignore").read_text().count(".qualitygates/\n") == 1
