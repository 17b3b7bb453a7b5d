"""Baselines: thresholds relative to a saved result, and findings new since it."""

from __future__ import annotations

import json
import textwrap
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualitygates import plugins
from qualitygates.cli import cli
from qualitygates.engine import RunOptions, run
from qualitygates.engine.baseline import baseline_index
from qualitygates.model import Status
from qualitygates.policy import load_policy
from tests.fakes import registry_with_fake, write_fake

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=timezone.utc)
POLICY = """\
version: 1
gates:
  - id: perf
    checks:
      - id: load
        adapter: fake
        with: {path: m.json}
        conditions:
          - p95 <= baseline * 1.10
          - line_rate >= baseline - 0.5%
          - count <= baseline
          - new.vulnerabilities.critical == 0
"""


def judge(tmp_path: Path, metrics: dict, findings: list | None = None, baseline=None):
    write_fake(tmp_path / "m.json", metrics, findings=findings or [])
    (tmp_path / "gates.yaml").write_text(textwrap.dedent(POLICY))
    policy = load_policy(tmp_path / "gates.yaml", {}, registry_with_fake())
    return run(policy, RunOptions(now=NOW, baseline=baseline), registry_with_fake())


BEFORE = {"p95": [200.0, "ms"], "line_rate": [80.0, "percent"], "count": [3.0, "count"]}
OLD_CVE = {"id": "CVE-OLD", "severity": "critical", "package": "openssl@1"}


def test_without_a_baseline_each_condition_says_so_and_warns(tmp_path: Path) -> None:
    result = judge(tmp_path, BEFORE, [OLD_CVE])
    conditions = result.gates[0].checks[0].conditions
    assert {c.status for c in conditions} == {Status.WARNED}
    assert conditions[0].message == "p95: no baseline to compare with (on_no_baseline: warn)"
    assert result.exit_code == 0


def test_regression_against_the_baseline_fails_with_both_values(tmp_path: Path) -> None:
    baseline = baseline_index(judge(tmp_path, BEFORE, [OLD_CVE]))
    after = {"p95": [230.0, "ms"], "line_rate": [79.0, "percent"], "count": [3.0, "count"]}
    result = judge(tmp_path, after, [OLD_CVE], baseline)
    p95, line_rate, count, new = result.gates[0].checks[0].conditions
    assert (p95.status, p95.message) == (
        Status.FAILED,
        "p95 230ms is not <= 220ms (baseline 200ms)",
    )
    assert (line_rate.status, line_rate.message) == (
        Status.FAILED,
        "line_rate 79% is not >= 79.5% (baseline 80%)",
    )
    assert count.status is Status.PASSED
    assert (new.status, new.actual) == (Status.PASSED, 0.0)  # the old CVE is not new
    assert result.exit_code == 1


def test_only_findings_new_since_the_baseline_count(tmp_path: Path) -> None:
    baseline = baseline_index(judge(tmp_path, BEFORE, [OLD_CVE]))
    new_cve = {"id": "CVE-NEW", "severity": "critical", "package": "zlib@2"}
    result = judge(tmp_path, BEFORE, [OLD_CVE, new_cve], baseline)
    new = result.gates[0].checks[0].conditions[3]
    assert (new.status, new.message) == (
        Status.FAILED,
        "new.vulnerabilities.critical 1 is not == 0",
    )


def test_cli_baseline_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(plugins.BUILTIN_ADAPTERS, "fake", "tests.fakes:FakeAdapter")
    (tmp_path / "gates.yaml").write_text(textwrap.dedent(POLICY))
    write_fake(tmp_path / "m.json", BEFORE)
    args = ["run", "-c", str(tmp_path / "gates.yaml")]
    assert CliRunner().invoke(cli, [*args, "--json", str(tmp_path / "main.json")]).exit_code == 0
    write_fake(tmp_path / "m.json", {**BEFORE, "p95": [260.0, "ms"]})
    result = CliRunner().invoke(cli, [*args, "--baseline", str(tmp_path / "main.json")])
    assert result.exit_code == 1
    assert "p95 260ms is not <= 220ms (baseline 200ms)" in result.output
    (tmp_path / "bad.json").write_text(json.dumps({"schema": "other"}))
    bad = CliRunner().invoke(cli, [*args, "--baseline", str(tmp_path / "bad.json")])
    assert (
        bad.exit_code == 2  # the command line names an unusable file: nothing judged
        and "--baseline" in bad.output
        and "not a qualitygates result" in bad.output
    )


RULE_POLICY = """\
version: 1
gates:
  - id: quality
    checks:
      - id: lint
        adapter: lint
        with: {path: ruff.json}
        conditions:
          - new.rule.F401 == 0
          - new.rule.E722 == 0
"""


def test_a_rule_only_old_findings_break_has_no_new_findings(tmp_path: Path) -> None:
    """`new.rule.X` is 0, not "not in the source", when no new finding breaks rule X: all
    of its findings are old (F401 here), or nothing breaks it at all (E722)."""
    report = Path(__file__).parent / "data" / "lint" / "ruff.json"
    (tmp_path / "ruff.json").write_bytes(report.read_bytes())
    (tmp_path / "gates.yaml").write_text(RULE_POLICY)
    policy = load_policy(tmp_path / "gates.yaml", {})
    baseline = baseline_index(run(policy, RunOptions(now=NOW)))
    result = run(policy, RunOptions(now=NOW, baseline=baseline))
    conditions = result.gates[0].checks[0].conditions
    assert [(c.metric, c.status, c.actual) for c in conditions] == [
        ("new.rule.F401", Status.PASSED, 0.0),
        ("new.rule.E722", Status.PASSED, 0.0),
    ]
