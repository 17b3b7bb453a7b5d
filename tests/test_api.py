"""The Python API: `run_gates` does what `qualitygates run` does, without printing or exiting."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

import qualitygates
from qualitygates import Baseline, ExitCode, ReportLimits, Status, run_gates
from qualitygates.errors import PolicyError, UsageError
from qualitygates.history import open_store
from qualitygates.plugins import reporter_registry
from qualitygates.reports.interface import ReportContext, render_report
from qualitygates.reports.publish import Targets
from tests.cli.plugin_reporters import LegacyReporter, TeamsReporter
from tests.cli.shell import POLICY
from tests.fakes import registry_with_fake, write_fake
from tests.reports.rich import rich_result

ROOT = Path(__file__).resolve().parents[1]
#: A GitLab job on main, so that recorded runs have a branch and no GitHub output is made.
ON_MAIN = {"GITLAB_CI": "true", "CI_COMMIT_BRANCH": "main"}


def policy(tmp_path: Path, text: str = POLICY, line_rate: float = 91.0) -> Path:
    write_fake(tmp_path / "m.json", {"line_rate": [line_rate, "percent"]})
    (tmp_path / "gates.yaml").write_text(textwrap.dedent(text))
    return tmp_path / "gates.yaml"


def test_exit_codes_are_the_documented_numbers() -> None:
    assert [(c.name, int(c)) for c in ExitCode] == [
        ("PASSED", 0),
        ("FAILED", 1),
        ("USAGE", 2),
        ("ERROR", 3),
    ]
    assert str(ExitCode.FAILED) == "1"  # as a report prints it, on every Python


def test_a_run_writes_its_reports_and_returns_the_verdict(tmp_path: Path) -> None:
    out = tmp_path / "out"
    outcome = run_gates(
        policy(tmp_path, line_rate=72.5),
        adapters=registry_with_fake(),
        reports={"json": out / "r.json", "junit": out / "r.xml"},
        env={},
    )
    assert (outcome.result.status, outcome.exit_code) == (Status.FAILED, ExitCode.FAILED)
    assert outcome.report_failures == () and outcome.trends is None
    assert json.loads((out / "r.json").read_text())["status"] == "failed"
    assert '<failure message="line_rate 72.5% is not &gt;= 80%"' in (out / "r.xml").read_text()


def test_variables_are_set_over_the_environment_and_secrets_are_redacted(tmp_path: Path) -> None:
    write_fake(tmp_path / "m.json", error="server said: bad token very-secret-token")
    (tmp_path / "gates.yaml").write_text(POLICY)
    outcome = run_gates(
        tmp_path / "gates.yaml",
        variables={"TOKEN": "very-secret-token"},
        adapters=registry_with_fake(),
        reports=[("json", tmp_path / "r.json")],
        env={},
    )
    assert outcome.exit_code is ExitCode.ERROR
    assert "very-secret-token" in outcome.secrets
    assert "bad token ***" in (tmp_path / "r.json").read_text()


def test_a_baseline_file_from_a_run_that_did_not_pass_is_refused(tmp_path: Path) -> None:
    saved = tmp_path / "failed.json"
    run_gates(
        policy(tmp_path, line_rate=50.0),
        adapters=registry_with_fake(),
        reports={"json": saved},
        env={},
    )
    with pytest.raises(UsageError, match=r"did not pass \(status failed\).*--baseline-any"):
        run_gates(
            tmp_path / "gates.yaml", adapters=registry_with_fake(), baseline=Baseline(saved), env={}
        )
    accepted = run_gates(
        policy(tmp_path, POLICY.replace(">= 80%", ">= baseline"), line_rate=60.0),
        adapters=registry_with_fake(),
        baseline=Baseline(saved, any_status=True),
        env={},
    )
    assert accepted.exit_code is ExitCode.PASSED  # 60 % >= the baseline's 50 %


def test_runs_are_recorded_and_the_last_passing_run_is_the_baseline(tmp_path: Path) -> None:
    store = tmp_path / "h.sqlite"
    against_baseline = POLICY.replace(">= 80%", ">= baseline")
    first = run_gates(
        policy(tmp_path, line_rate=91.0),
        adapters=registry_with_fake(),
        history=str(store),
        env=ON_MAIN,
    )
    assert first.exit_code is ExitCode.PASSED and first.trends is None  # no HTML report
    second = run_gates(
        policy(tmp_path, against_baseline, line_rate=85.0),
        adapters=registry_with_fake(),
        history=str(store),
        reports={"html": tmp_path / "r.html"},
        env=ON_MAIN,
    )
    assert second.exit_code is ExitCode.FAILED  # 85 % is below main's last passing 91 %
    assert second.trends == {"g.c.line_rate": [91.0]}
    assert 'data-metric="g.c.line_rate"' in (tmp_path / "r.html").read_text()
    with open_store(store) as opened:
        assert [(r.status, r.branch) for r in opened.runs()] == [
            (Status.FAILED, "main"),
            (Status.PASSED, "main"),
        ]


def test_the_history_store_may_come_from_the_environment(tmp_path: Path) -> None:
    store = tmp_path / "env.sqlite"
    env = {**ON_MAIN, "QUALITYGATES_HISTORY": str(store)}
    run_gates(policy(tmp_path), adapters=registry_with_fake(), env=env)
    with open_store(store) as opened:
        assert len(opened.runs()) == 1


def test_the_console_hook_runs_before_any_report_is_written(tmp_path: Path) -> None:
    report = tmp_path / "r.json"
    seen: list[tuple[Status, bool, bool]] = []
    run_gates(
        policy(tmp_path),
        variables={"TOKEN": "hook-secret-value"},
        adapters=registry_with_fake(),
        reports={"json": report},
        env={},
        before_reports=lambda result, secrets: seen.append(
            (result.status, report.exists(), "hook-secret-value" in secrets)
        ),
    )
    assert seen == [(Status.PASSED, False, True)]


@pytest.mark.parametrize(("line_rate", "code"), [(72.5, ExitCode.FAILED), (91.0, ExitCode.ERROR)])
def test_a_report_that_cannot_be_written_is_an_error_unless_the_run_failed(
    tmp_path: Path, line_rate: float, code: ExitCode
) -> None:
    (tmp_path / "blocker").write_text("a file where a folder should be")
    outcome = run_gates(
        policy(tmp_path, line_rate=line_rate),
        adapters=registry_with_fake(),
        reports={"json": tmp_path / "blocker" / "r.json", "junit": tmp_path / "r.xml"},
        env={},
    )
    assert outcome.exit_code is code
    assert len(outcome.report_failures) == 1 and "cannot write" in outcome.report_failures[0]
    assert (tmp_path / "r.xml").exists()


@pytest.mark.parametrize(
    ("reports", "message"),
    [
        ({"jsn": "r.json"}, r"unknown format 'jsn' \(did you mean 'json'\?\)"),
        ([("json", "-"), ("sarif", "-")], r"only one report can go to standard output"),
    ],
)
def test_unusable_report_targets_are_refused_before_anything_runs(
    tmp_path: Path, reports: Targets, message: str
) -> None:
    store = tmp_path / "h.sqlite"
    with pytest.raises(UsageError, match=message):
        run_gates(
            policy(tmp_path),
            adapters=registry_with_fake(),
            history=str(store),
            reports=reports,
            env={},
        )
    assert not store.exists()


def test_an_invalid_policy_raises_every_problem(tmp_path: Path) -> None:
    with pytest.raises(PolicyError) as raised:
        run_gates(
            policy(tmp_path, POLICY.replace("line_rate >=", "line_rat >=")),
            adapters=registry_with_fake(),
            env={},
        )
    assert raised.value.problems[0].endswith(
        "unknown metric 'line_rat' for adapter 'fake' (did you mean 'line_rate'?)"
    )


def test_the_markdown_summary_is_appended_to_the_github_job_summary(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("# earlier step\n")
    run_gates(
        policy(tmp_path, line_rate=72.5),
        adapters=registry_with_fake(),
        env={"GITHUB_STEP_SUMMARY": str(summary)},
    )
    assert summary.read_text().startswith("# earlier step\n\n## ❌ Quality gates failed")


def test_registered_reporters_get_the_context_and_old_ones_still_render(tmp_path: Path) -> None:
    reporters = reporter_registry()
    reporters.register("teams", TeamsReporter)
    reporters.register("legacy", LegacyReporter)
    env = {"CI_PROJECT_URL": "https://gitlab.example/o/r", "CI_COMMIT_SHA": "f00"}
    run_gates(
        policy(tmp_path),
        adapters=registry_with_fake(),
        reporters=reporters,
        reports={"teams": tmp_path / "t.txt", "legacy": tmp_path / "l.txt"},
        env=env,
    )
    assert (tmp_path / "t.txt").read_text() == (
        f"teams: passed link=https://gitlab.example/o/r/-/blob/f00/ root={tmp_path} trends=[]\n"
    )
    assert (tmp_path / "l.txt").read_text() == "legacy: passed\n"


def test_limits_bound_what_a_report_for_people_lists(tmp_path: Path) -> None:
    findings = [{"id": f"CVE-{i}", "message": f"finding {i}"} for i in range(5)]
    (tmp_path / "m.json").write_text(
        json.dumps({"metrics": {"line_rate": [91.0, "percent"]}, "findings": findings})
    )
    (tmp_path / "gates.yaml").write_text(POLICY)
    reports = {"html": tmp_path / "r.html", "json": tmp_path / "r.json"}
    run_gates(
        tmp_path / "gates.yaml",
        adapters=registry_with_fake(),
        reports=reports,
        limits=ReportLimits(max_findings=2),
        env={},
    )
    assert "Showing the 2 most severe of 5 findings" in (tmp_path / "r.html").read_text()
    assert (
        len(json.loads((tmp_path / "r.json").read_text())["gates"][0]["checks"][0]["findings"]) == 5
    )


def test_a_saved_result_renders_again_in_any_format(tmp_path: Path) -> None:
    saved = tmp_path / "r.json"
    outcome = run_gates(
        policy(tmp_path, line_rate=72.5),
        adapters=registry_with_fake(),
        reports={"json": saved},
        env={},
    )
    markdown = qualitygates.render_saved(saved, "markdown", env={})
    assert "| c | `line_rate >= 80%` | 72.5% | 80% | ❌ failed |" in markdown.decode()
    assert qualitygates.render_result(outcome.result, "markdown") == markdown
    with pytest.raises(UsageError, match="did you mean 'sarif'"):
        qualitygates.render_result(outcome.result, "sarf")


def test_the_context_is_detected_once_per_reporter_class() -> None:
    result = rich_result()
    context = ReportContext(link_base="https://x/")
    assert render_report(TeamsReporter(), result, context).startswith(b"teams: ")
    assert (
        render_report(LegacyReporter(), result, context)
        == f"legacy: {result.status.value}\n".encode()
    )


def test_a_loaded_policy_is_taken_as_it_is(tmp_path: Path) -> None:
    loaded = qualitygates.load_policy(policy(tmp_path), registry=registry_with_fake())
    outcome = run_gates(loaded, adapters=registry_with_fake(), env={})
    assert outcome.exit_code is ExitCode.PASSED
    with pytest.raises(
        UsageError, match="variables, policy_ref, bases and projects apply when run_gates"
    ):
        run_gates(loaded, variables={"TOKEN": "x"}, adapters=registry_with_fake(), env={})


@pytest.mark.parametrize(
    ("reports", "env", "summaries"),
    [
        ({}, {}, False),  # nothing reads them: the time of each test case is not added up
        ({"json": "out/r.json"}, {}, True),
        ({}, {"GITHUB_STEP_SUMMARY": "summary.md"}, True),
    ],
)
def test_summary_metrics_are_measured_only_when_something_reads_them(
    tmp_path: Path, reports: dict[str, str], env: dict[str, str], summaries: bool
) -> None:
    (tmp_path / "gates.yaml").write_text(
        "version: 1\ngates:\n  - id: g\n    checks:\n      - id: tests\n        adapter: junit\n"
        f"        with: {{path: {ROOT / 'tests/data/junit/surefire-reruns.xml'}}}\n"
        "        conditions: [tests >= 1]\n"
    )
    outcome = run_gates(
        tmp_path / "gates.yaml",
        options=qualitygates.RunOptions(summary_metrics=False),
        reports={fmt: tmp_path / path for fmt, path in reports.items()},
        env={key: str(tmp_path / value) for key, value in env.items()},
    )
    metrics = outcome.result.gates[0].checks[0].metrics
    assert metrics["tests"].value == 6
    assert ("duration" in metrics) is summaries
    full = run_gates(tmp_path / "gates.yaml", env={}).result.gates[0].checks[0].metrics
    assert "duration" in full  # the API's default: every summary metric
    if summaries:
        assert metrics == full
