"""--policy-ref: the policy, its waivers and sign-offs come from a git ref, not the PR's tree."""

from __future__ import annotations

import subprocess
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualitygates import plugins
from qualitygates.cli import cli
from tests.fakes import write_fake

POLICY = """\
version: 1
waivers: waivers.yaml
gates:
  - id: g
    checks:
      - id: c
        adapter: fake
        with: {path: m.json}
        conditions: [line_rate >= 80%]
"""


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setitem(plugins.BUILTIN_ADAPTERS, "fake", "tests.fakes:FakeAdapter")
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "config", "user.email", "ci@example.com")
    git(tmp_path, "config", "user.name", "CI")
    (tmp_path / "gates.yaml").write_text(textwrap.dedent(POLICY))
    (tmp_path / "waivers.yaml").write_text("waivers: []\n")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "policy")
    git(tmp_path, "checkout", "-q", "-b", "feature")
    write_fake(tmp_path / "m.json", {"line_rate": [50.0, "percent"]})
    return tmp_path


def run(repo: Path, *args: str):
    return CliRunner().invoke(cli, ["run", "-c", str(repo / "gates.yaml"), *args])


def test_a_pull_request_cannot_weaken_the_gate_that_judges_it(repo: Path) -> None:
    # The pull request lowers the bar in its own copy of the policy.
    policy = repo / "gates.yaml"
    policy.write_text(policy.read_text().replace("line_rate >= 80%", "line_rate >= 10%"))
    assert run(repo).exit_code == 0
    judged = run(repo, "--policy-ref", "main")
    assert judged.exit_code == 1
    assert "line_rate 50% is not >= 80%" in judged.output


def test_unknown_ref_names_the_fix(repo: Path) -> None:
    result = run(repo, "--policy-ref", "origin/main")
    assert result.exit_code == 2
    assert (
        "--policy-ref origin/main: no such commit or branch here; fetch it first" in result.output
    )


def test_a_policy_missing_at_the_ref_is_a_policy_error(repo: Path) -> None:
    (repo / "other.yaml").write_text(textwrap.dedent(POLICY))
    result = CliRunner().invoke(
        cli, ["run", "-c", str(repo / "other.yaml"), "--policy-ref", "main"]
    )
    assert result.exit_code == 2
    assert "other.yaml is not in main: --policy-ref reads it from there" in result.output


def test_sign_offs_are_read_from_the_ref_too(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "config", "user.email", "ci@example.com")
    git(tmp_path, "config", "user.name", "CI")
    (tmp_path / "gates.yaml").write_text(textwrap.dedent("""\
        version: 1
        gates:
          - id: ops
            checks:
              - id: drills
                adapter: attestations
                with: {path: signoffs.yaml, required: {rollback-drill: 30d}}
                conditions: [problems == 0]
        """))  # fmt: skip
    (tmp_path / "signoffs.yaml").write_text("attestations: []\n")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "policy")
    # The pull request signs off its own drill.
    entry = "check: rollback-drill, result: pass, by: me, at: '2026-11-23T00:00:00Z'"
    (tmp_path / "signoffs.yaml").write_text(f"attestations:\n  - {{{entry}}}\n")
    args = ["run", "-c", str(tmp_path / "gates.yaml"), "--now", "2026-11-24T00:00:00Z"]
    assert CliRunner().invoke(cli, args).exit_code == 0
    assert CliRunner().invoke(cli, [*args, "--policy-ref", "main"]).exit_code == 1
