"""The GitHub Action, the GitLab template and the pre-commit hooks, run as CI would run them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.helpers import ROOT

BIN = Path(sys.executable).parent


def bash(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", **env}
    return subprocess.run(
        ["bash", "-c", script],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def test_the_action_runs_the_gates_and_sets_its_outputs(example: Path) -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    step = action["runs"]["steps"][1]
    assert step["id"] == "run" and "ci/run-action.sh" in step["run"]
    inputs = {
        f"QG_{k.upper().replace('-', '_')}": v.get("default", "")
        for k, v in action["inputs"].items()
    }
    inputs.pop("QG_VERSION")
    outputs = example / "github-output"
    summary = example / "step-summary.md"
    env = {**inputs, "QG_ARGS": "--gate\ncode-quality\n\n--var\nRELEASE=2026 Q4\n",
           "QG_HTML": "qualitygates-report/report.html", "GITHUB_OUTPUT": str(outputs),
           "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_ACTIONS": "true"}  # fmt: skip
    result = bash(f'bash "{ROOT}/ci/run-action.sh" "{BIN / "qualitygates"}"', example, env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert outputs.read_text().splitlines() == [
        "status=passed",
        "exit-code=0",
        'gates={"code-quality":"passed","performance":"skipped","security":"skipped",'
        '"operational-readiness":"skipped"}',
        "gate-code-quality=passed",
        "gate-performance=skipped",
        "gate-security=skipped",
        "gate-operational-readiness=skipped",
    ]  # one argument per line: "RELEASE=2026 Q4" reached --var whole
    assert (example / "qualitygates-report" / "report.html").is_file()
    assert {"html", "sarif", "gates"} <= set(action["outputs"])
    assert "invalid" in action["outputs"]["status"]["description"]
    for declared in ("junit", "json", "markdown"):
        assert (example / action["inputs"][declared]["default"]).is_file()
    assert "Quality gates passed" in summary.read_text()


def test_the_action_reports_a_failure_as_its_output_and_exit_code(example: Path) -> None:
    policy = example / "gates.yaml"
    policy.write_text(policy.read_text().replace("line_rate >= 80%", "line_rate >= 99%"))
    outputs = example / "github-output"
    env = {"QG_CONFIG": "gates.yaml", "QG_JUNIT": "r/junit.xml", "GITHUB_OUTPUT": str(outputs)}
    result = bash(f'bash "{ROOT}/ci/run-action.sh" qualitygates', example, env)
    assert result.returncode == 1
    assert outputs.read_text().splitlines()[:3] == [
        "status=failed",
        "exit-code=1",
        'gates={"code-quality":"failed","performance":"passed","security":"passed",'
        '"operational-readiness":"passed"}',
    ]
    invalid = bash(f'bash "{ROOT}/ci/run-action.sh" qualitygates', example,
                   {**env, "QG_CONFIG": "missing.yaml"})  # fmt: skip
    assert invalid.returncode == 2
    assert outputs.read_text().splitlines()[-3:] == ["status=invalid", "exit-code=2", "gates={}"]


def test_the_gitlab_template_script_writes_its_artifacts(example: Path) -> None:
    template = yaml.safe_load((ROOT / "ci" / "gitlab" / "qualitygates.yml").read_text())
    job = template[".qualitygates"]
    script = job["script"]
    env = {k: str(v) for k, v in job["variables"].items()}
    version = (ROOT / "qualitygates" / "_version.py").read_text().split('"')[1]
    assert env["QUALITYGATES_VERSION"] == version  # the image of this release
    assert job["image"]["name"].endswith(":${QUALITYGATES_VERSION}")
    assert job["image"]["entrypoint"] == [""]
    result = bash("\n".join(script), example, env)
    assert result.returncode == 0, result.stdout + result.stderr
    for artifact in (
        job["artifacts"]["reports"]["junit"],
        job["artifacts"]["reports"]["codequality"],
    ):
        assert (example / artifact).is_file(), artifact


@pytest.mark.parametrize("hook_id", ["qualitygates-validate", "qualitygates"])
def test_the_pre_commit_hooks_run(example: Path, hook_id: str) -> None:
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    result = bash(hooks[hook_id]["entry"], example, {})
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_dockerfile_installs_the_wheel_and_runs_as_a_user_with_git() -> None:
    """The image the release pushes (built in CI's release workflow, linted by hadolint in
    .ci/release-check): git for --policy-ref, a non-root user, qualitygates as entrypoint."""
    lines = [line.strip() for line in (ROOT / "Dockerfile").read_text().splitlines()]
    assert lines[0].startswith("#") and "FROM python:3.12-slim" in lines
    assert any("apt-get install" in line and "git" in line for line in lines)
    assert "USER 10001" in lines and 'ENTRYPOINT ["qualitygates"]' in lines
    assert any(line.startswith("COPY dist/*.whl") for line in lines)
