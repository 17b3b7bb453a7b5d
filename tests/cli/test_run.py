"""`run`, `report` and `validate`: exit codes, one-line errors, reports written in every case."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualitygates.cli import cli
from tests.cli.shell import POLICY, invoke
from tests.fakes import write_fake


def test_pass_prints_the_total_and_exits_zero(tmp_path: Path) -> None:
    write_fake(tmp_path / "m.json", {"line_rate": [91.0, "percent"]})
    result = invoke(tmp_path, "run")
    assert result.exit_code == 0
    assert result.output.splitlines()[-1] == "1/1 gates passed — deployment allowed"


def test_failure_names_actual_and_threshold_in_console_and_junit(tmp_path: Path) -> None:
    write_fake(tmp_path / "m.json", {"line_rate": [72.5, "percent"]})
    junit = tmp_path / "out" / "gates.xml"
    result = invoke(tmp_path, "run", "--junit", str(junit))
    assert result.exit_code == 1
    assert "FAIL  line_rate 72.5% is not >= 80%" in result.output
    assert result.output.splitlines()[-1] == "0/1 gates passed — deployment blocked"
    assert (
        '<failure message="line_rate 72.5% is not &gt;= 80%" type="threshold"' in junit.read_text()
    )


def test_missing_report_exits_3_and_still_writes_reports(tmp_path: Path) -> None:
    junit, result_json = tmp_path / "gates.xml", tmp_path / "gates.json"
    result = invoke(tmp_path, "run", "--junit", str(junit), "--json", str(result_json))
    assert result.exit_code == 3
    assert "Traceback" not in result.output
    assert f"{tmp_path / 'm.json'} does not exist" in result.output
    assert '<error message="' in junit.read_text()
    data = json.loads(result_json.read_text())
    assert (data["status"], data["gates"][0]["checks"][0]["status"]) == ("error", "error")


def test_policy_error_exits_2_with_position(tmp_path: Path) -> None:
    result = invoke(tmp_path, "run", policy=POLICY.replace("line_rate >=", "line_rat >="))
    assert result.exit_code == 2
    assert result.output.strip().endswith(
        "gates.yaml:9:22: unknown metric 'line_rat' for adapter 'fake' (did you mean 'line_rate'?)"
    )


def test_unset_variable_exits_2(tmp_path: Path) -> None:
    result = invoke(
        tmp_path, "validate", policy=POLICY.replace("${TOKEN:-tok-123456}", "${SONAR_TOKEN}")
    )
    assert result.exit_code == 2
    assert "${SONAR_TOKEN} is not set" in result.output


def test_var_sets_a_variable_and_secrets_never_appear(tmp_path: Path) -> None:
    write_fake(tmp_path / "m.json", error="server said: bad token very-secret-token")
    out = tmp_path / "r.json"
    result = invoke(tmp_path, "run", "--var", "TOKEN=very-secret-token", "--json", str(out))
    assert result.exit_code == 3
    assert "very-secret-token" not in result.output and "***" in result.output
    assert "very-secret-token" not in out.read_text()


def test_warn_only_exits_zero(tmp_path: Path) -> None:
    write_fake(tmp_path / "m.json", {"line_rate": [10.0, "percent"]})
    result = invoke(tmp_path, "run", "--warn-only")
    assert result.exit_code == 0
    assert "--warn-only: exiting 0" in result.output


def test_bad_now_is_a_usage_error(tmp_path: Path) -> None:
    result = invoke(tmp_path, "run", "--now", "yesterday")
    assert result.exit_code == 2
    assert "'yesterday' is not an ISO date or time" in result.output


def test_validate_counts_what_it_checked(tmp_path: Path) -> None:
    result = invoke(tmp_path, "validate")
    assert result.exit_code == 0
    assert result.output.endswith("valid (1 gates, 1 checks, 1 conditions)\n")


def test_quiet_and_verbose(tmp_path: Path) -> None:
    write_fake(tmp_path / "m.json", {"line_rate": [91.0, "percent"]})
    assert invoke(tmp_path, "run", "-q").output == "1/1 gates passed — deployment allowed\n"
    assert "PASS  line_rate 91% is >= 80%" in invoke(tmp_path, "run", "-v").output


def test_every_report_format_is_written_and_report_re_renders(tmp_path: Path) -> None:
    write_fake(tmp_path / "m.json", {"line_rate": [72.5, "percent"]})
    out = tmp_path / "out"
    flags = [
        f"--{name}"
        for name in ("junit", "json", "markdown", "html", "sarif", "codequality", "metrics")
    ]
    args = [arg for flag in flags for arg in (flag, str(out / flag.strip("-")))]
    assert invoke(tmp_path, "run", *args).exit_code == 1
    assert sorted(p.name for p in out.iterdir()) == sorted(flag.strip("-") for flag in flags)
    assert "| c | `line_rate >= 80%` | 72.5% | 80% | ❌ failed |" in (out / "markdown").read_text()
    rendered = CliRunner().invoke(cli, ["report", str(out / "json"), "--format", "markdown"])
    assert rendered.exit_code == 0
    assert rendered.output == (out / "markdown").read_text()
    unknown = CliRunner().invoke(cli, ["report", str(out / "json"), "--format", "markdwn"])
    assert unknown.exit_code == 2 and "did you mean 'markdown'?" in unknown.output


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"hello": 1}', 'not a qualitygates result: expected "schema": "qualitygates/result/v'),
        ("<testsuites/>", "is not a qualitygates JSON result (not JSON): give the file that"),
        (None, "x.json does not exist"),
    ],
)
def test_report_refuses_a_file_that_is_not_a_result(
    tmp_path: Path, text: str | None, message: str
) -> None:
    if text is not None:
        (tmp_path / "x.json").write_text(text)
    result = CliRunner().invoke(cli, ["report", str(tmp_path / "x.json"), "--format", "junit"])
    assert result.exit_code == 2  # the command line names an unusable file: nothing judged
    assert message in result.output


def test_github_actions_summary_and_annotations(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_fake(tmp_path / "m.json", {"line_rate": [72.5, "percent"]})
    summary = tmp_path / "summary.md"
    summary.write_text("# earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    result = invoke(tmp_path, "run")
    assert result.exit_code == 1
    text = summary.read_text()
    assert text.startswith("# earlier step\n\n## ❌ Quality gates failed")
    assert "| c | `line_rate >= 80%` | 72.5% | 80% | ❌ failed |" in text
    assert "::error" in result.output and "line_rate 72.5% is not >= 80%" in result.output


def test_secret_environment_values_are_redacted_even_when_the_policy_does_not_name_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEPLOY_API_TOKEN", "ghp_abcdefghijklmnop")
    write_fake(tmp_path / "m.json", error="upstream said: bad credentials ghp_abcdefghijklmnop")
    out = tmp_path / "r.json"
    result = invoke(tmp_path, "run", "--json", str(out), "--junit", str(tmp_path / "r.xml"))
    assert result.exit_code == 3
    assert (
        "ghp_abcdefghijklmnop"
        not in result.output + out.read_text() + (tmp_path / "r.xml").read_text()
    )
    assert "bad credentials ***" in result.output


@pytest.mark.parametrize(("line_rate", "exit_code"), [(72.5, 1), (91.0, 3)])
def test_a_report_that_cannot_be_written_keeps_the_verdict_and_the_other_reports(
    tmp_path: Path, line_rate: float, exit_code: int
) -> None:
    write_fake(tmp_path / "m.json", {"line_rate": [line_rate, "percent"]})
    (tmp_path / "blocker").write_text("a file where a folder should be")
    junit = tmp_path / "out" / "gates.xml"
    result = invoke(
        tmp_path, "run", "--json", str(tmp_path / "blocker" / "r.json"), "--junit", str(junit)
    )
    assert result.exit_code == exit_code  # a failed gate (1) wins over a missing report (3)
    assert "gates passed — deployment" in result.output  # the verdict still shows
    assert "error: cannot write" in result.output and "r.json" in result.output
    assert junit.exists()  # the report that could be written was


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "-1", "0", "0.01", "1e9", "90000", "soon"])
def test_timeout_is_a_finite_number_of_seconds_up_to_a_day(tmp_path: Path, value: str) -> None:
    result = invoke(tmp_path, "run", "--timeout", value)
    assert result.exit_code == 2
    assert (
        f"Invalid value for '--timeout': {value!r} is not a number of seconds from 0.1 to 86400 "
        "(one day)" in result.output
    )


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31T23:59:59Z", "1969-12-31"])
def test_now_outside_the_calendar_a_run_can_use_is_a_usage_error(
    tmp_path: Path, value: str
) -> None:
    result = invoke(tmp_path, "run", "--now", value)
    assert result.exit_code == 2
    assert f"Invalid value for '--now': {value!r} is not between 1970 and 9000" in result.output


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("REPORTS_DIR", "write KEY=VALUE, e.g. --var REPORTS_DIR=out (no '=' given)"),
        ("=out", "'' is not a variable name: use letters, digits and _, not starting with a digit"),
        (
            "1DIR=out",
            "'1DIR' is not a variable name: use letters, digits and _, not starting with a digit",
        ),
    ],
)
def test_a_malformed_var_is_a_usage_error(tmp_path: Path, value: str, message: str) -> None:
    for command in ("run", "validate"):
        result = invoke(tmp_path, command, "--var", value)
        assert result.exit_code == 2
        assert f"Invalid value for '--var': {message}" in result.output


def test_a_malformed_var_never_shows_its_value(tmp_path: Path) -> None:
    result = invoke(tmp_path, "validate", "--var", "SONAR-TOKEN=squ_0123456789abcdef")
    assert result.exit_code == 2
    assert "'SONAR-TOKEN' is not a variable name" in result.output
    assert "squ_0123456789abcdef" not in result.output


def test_run_refuses_what_validate_refuses_before_reading_any_report(tmp_path: Path) -> None:
    policy = """\
    version: 1
    gates:
      - id: g
        checks:
          - id: t
            adapter: trivy
            with: {path: trivy.json, severities: [crtical]}
            conditions: [vulnerabilities.critical == 0]
          - id: k
            adapter: k6
            with: {path: k6.json}
            conditions: ["http_req_failed.rate < 5"]
    """
    result = invoke(tmp_path, "run", policy=policy)  # neither report exists: never read
    assert result.exit_code == 2
    assert "gates.yaml:7:47: option 'severities' cannot list 'crtical'" in result.output
    assert "gates.yaml:12:22: http_req_failed.rate is a ratio (0-1): write 5%" in result.output
    assert "trivy.json" not in result.output
