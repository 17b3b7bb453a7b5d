"""End to end: three runs, a regression in the third, caught by the baseline and by compare."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import qualitygates


def _slow_down(example: Path, factor: float) -> None:
    summary = example / "examples" / "reports" / "k6-summary.json"
    data = json.loads(summary.read_text())
    trend = data["metrics"]["http_req_duration"]
    for stat in ("avg", "med", "p(90)", "p(95)", "p(99)", "max"):
        trend[stat] *= factor
    summary.write_text(json.dumps(data))


def test_a_regression_fails_the_baseline_and_shows_in_compare(example: Path) -> None:
    policy = example / "gates.yaml"
    policy.write_text(policy.read_text().replace(
        '- "http_req_duration.p(95) < 300ms"',
        '- "http_req_duration.p(95) < 300ms"\n          - "http_req_duration.p(95) <= baseline * 1.10"',
    ))  # fmt: skip
    first = qualitygates("run", "--json", "runs/1.json", cwd=example)
    assert first.returncode == 0, first.stdout  # no baseline yet: warned, visibly
    assert (
        "http_req_duration.p(95): no baseline to compare with (on_no_baseline: warn)"
        in first.stdout
    )

    second = qualitygates("run", "--json", "runs/2.json", "--baseline", "runs/1.json", cwd=example)
    assert second.returncode == 0, second.stdout

    _slow_down(example, 1.3)
    third = qualitygates("run", "--json", "runs/3.json", "--baseline", "runs/2.json", cwd=example)
    assert third.returncode == 1
    before = json.loads((example / "runs" / "2.json").read_text())
    p95 = before["gates"][1]["checks"][0]["metrics"]["http_req_duration.p(95)"]["value"]
    assert f"(baseline {round(p95, 2)}ms)" in third.stdout
    assert "is not <=" in third.stdout

    compared = qualitygates(
        "compare", "runs/1.json", "runs/3.json", "--html", "runs/compare.html", cwd=example
    )
    assert compared.returncode == 1
    row = next(
        line
        for line in compared.stdout.splitlines()
        if "`http_req_duration.p(95) <= baseline * 1.10`" in line
    )
    assert "↘ worse" in row and "❌ missed" in row and "+30.0%" in row
    assert "**Conclusion: failure**" in compared.stdout
    assert 'id="conclusion"' in (example / "runs" / "compare.html").read_text()


def test_compare_warns_when_the_two_runs_had_different_policies(example: Path) -> None:
    first = qualitygates("run", "-q", "--json", "runs/1.json", cwd=example)
    assert first.returncode == 0, first.stdout + first.stderr
    policy = example / "gates.yaml"
    policy.write_text(policy.read_text().replace("line_rate >= 80%", "line_rate >= 75%"))
    second = qualitygates("run", "-q", "--json", "runs/2.json", cwd=example)
    assert second.returncode == 0, second.stdout + second.stderr
    digests = [
        json.loads((example / f"runs/{n}.json").read_text())["policy_digest"] for n in (1, 2)
    ]
    assert all(d.startswith("sha256:") for d in digests) and digests[0] != digests[1]
    compared = qualitygates("compare", "runs/1.json", "runs/2.json", cwd=example)
    assert "warning: the two runs were judged by different policies" in compared.stderr
    assert "> **Warning:** the two runs were judged by different policies" in compared.stdout
    again = qualitygates("compare", "runs/2.json", "runs/2.json", cwd=example)
    assert "different policies" not in again.stdout + again.stderr
