"""The policy-author commands: init, adapters, explain, attest, and --version."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner

from qualitygates.cli import cli


def test_adapters_and_explain() -> None:
    runner = CliRunner()
    listing = runner.invoke(cli, ["adapters"]).output
    assert listing.startswith("coverage ") and "fake" in listing
    explained = runner.invoke(cli, ["explain", "fake"])
    assert explained.exit_code == 0
    assert "  line_rate [percent, always reported]" in explained.output
    assert "  path (path, required)" in explained.output
    unknown = runner.invoke(cli, ["explain", "fak"])
    assert unknown.exit_code == 2 and "did you mean 'fake'?" in unknown.output


def test_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0 and result.output.startswith("qualitygates, version ")


def test_attest_appends_to_the_policys_record(tmp_path: Path) -> None:
    policy = """\
    version: 1
    gates:
      - id: ops
        checks:
          - id: drills
            adapter: attestations
            with: {path: ops/attestations.yaml, required: {rollback-drill: 30d}}
            conditions: [problems == 0]
    """
    (tmp_path / "gates.yaml").write_text(textwrap.dedent(policy))
    runner = CliRunner()
    args = [
        "attest",
        "rollback-drill",
        "--result",
        "pass",
        "--by",
        "alice",
        "--evidence",
        "https://ci/1",
        "-c",
        str(tmp_path / "gates.yaml"),
        "--now",
        "2026-11-20T10:00:00Z",
    ]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    record = (tmp_path / "ops" / "attestations.yaml").read_text()
    assert "- check: rollback-drill\n    result: pass\n    by: alice\n" in record
    judged = runner.invoke(
        cli, ["run", "-c", str(tmp_path / "gates.yaml"), "--now", "2026-11-24T00:00:00Z"]
    )
    assert judged.exit_code == 0, judged.output
    stale = runner.invoke(
        cli, ["run", "-c", str(tmp_path / "gates.yaml"), "--now", "2027-01-24T00:00:00Z"]
    )
    assert stale.exit_code == 1


def test_init_into_a_folder_writes_its_gates_yaml(tmp_path: Path) -> None:
    folder = tmp_path / "service"
    folder.mkdir()
    first = CliRunner().invoke(cli, ["init", str(folder)])
    assert first.exit_code == 0 and (folder / "gates.yaml").exists()
    again = CliRunner().invoke(cli, ["init", str(folder)])
    assert again.exit_code == 2 and "gates.yaml exists; use --force" in again.output
    assert CliRunner().invoke(cli, ["init", "--force", str(folder)]).exit_code == 0


ATTESTED = """\
version: 1
gates:
  - id: ops
    checks:
      - id: drills
        adapter: attestations
        with: {path: ops/attestations.yaml, required: {rollback-drill: 30d, dr-test: 90d}}
        conditions: [problems == 0]
"""


def attest(tmp_path: Path, *args: str) -> Any:
    (tmp_path / "gates.yaml").write_text(ATTESTED)
    config = ["-c", str(tmp_path / "gates.yaml")]
    return CliRunner().invoke(cli, ["attest", *args, "--result", "pass", "--by", "al", *config])


def test_attest_refuses_a_check_the_policy_does_not_require(tmp_path: Path) -> None:
    result = attest(tmp_path, "rollback-dril")
    assert result.exit_code == 2
    assert (
        "Invalid value for CHECK: " + str(tmp_path / "gates.yaml") + " requires no sign-off "
        "named 'rollback-dril' (did you mean 'rollback-drill'?)"
    ) in " ".join(result.output.split())
    assert not (tmp_path / "ops" / "attestations.yaml").exists()
    other = attest(tmp_path, "smoke-test")
    assert other.exit_code == 2
    assert "(it requires: dr-test, rollback-drill)" in other.output


def test_attest_refuses_a_record_no_attestations_check_reads(tmp_path: Path) -> None:
    result = attest(tmp_path, "dr-test", "--file", str(tmp_path / "elsewhere.yaml"))
    assert result.exit_code == 2
    assert "has no attestations check that reads" in result.output
    assert (
        attest(tmp_path, "dr-test", "--file", str(tmp_path / "ops/attestations.yaml")).exit_code
        == 0
    )


def test_attest_refuses_a_time_in_the_future(tmp_path: Path) -> None:
    result = attest(tmp_path, "dr-test", "--now", "2999-01-01T00:00:00Z")
    assert result.exit_code == 2
    assert (
        "Invalid value for '--now': '2999-01-01T00:00:00Z' is in the future: record a time "
        "that has passed" in result.output
    )


def test_attest_records_the_digest_of_the_resolved_policy(tmp_path: Path) -> None:
    """The sign-off names the policy it was made under: the same digest as the run's
    result, which moves when a base moves though gates.yaml did not change."""
    base = tmp_path / "base.yaml"
    base.write_text(ATTESTED)
    (tmp_path / "gates.yaml").write_text("version: 1\nextends: [base.yaml]\n")
    config = ["-c", str(tmp_path / "gates.yaml")]
    runner = CliRunner()

    def sign(drill: str) -> str:
        signed = runner.invoke(cli, ["attest", drill, "--result", "pass", "--by", "al", *config])
        assert signed.exit_code == 0, signed.output
        entries = yaml.safe_load((tmp_path / "ops" / "attestations.yaml").read_text())
        return str(entries["attestations"][-1]["policy"])

    first = sign("rollback-drill")
    out = str(tmp_path / "result.json")
    assert runner.invoke(cli, ["run", *config, "-q", "--json", out]).exit_code == 1
    assert first == json.loads(Path(out).read_text())["policy_digest"]
    assert first.startswith("sha256:") and len(first) == 71
    base.write_text(ATTESTED.replace("90d", "60d"))
    assert sign("dr-test") != first
