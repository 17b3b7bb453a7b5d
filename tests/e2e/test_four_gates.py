"""End to end: the bundled example's four gates, each able to block, through the CLI as CI runs it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from junitparser import JUnitXml

from tests.helpers import ROOT, qualitygates

DATA = ROOT / "tests" / "data"


def test_all_four_gates_pass_with_every_report(example: Path) -> None:
    result = qualitygates("run", "--json", "out/r.json", "--junit", "out/r.xml", cwd=example)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1] == "4/4 gates passed — deployment allowed"
    data = json.loads((example / "out" / "r.json").read_text())
    assert [(g["id"], g["status"]) for g in data["gates"]] == [
        ("code-quality", "passed"),
        ("performance", "passed"),
        ("security", "passed"),
        ("operational-readiness", "passed"),
    ]
    suites = [s.name for s in JUnitXml.fromfile(str(example / "out" / "r.xml"))]
    assert suites == ["code-quality", "performance", "security", "operational-readiness"]


def test_stale_sign_offs_only_warn_in_the_example(example: Path) -> None:
    result = qualitygates("run", "--now", "2027-06-01T00:00:00Z", cwd=example)
    assert result.returncode == 0, result.stdout
    assert "WARN  Operational readiness [operational-readiness]" in result.stdout
    assert "FAIL  sign-offs (attestations) (non-blocking)" in result.stdout
    assert "rollback-drill" in result.stdout


def _raise_coverage_bar(example: Path) -> None:
    policy = example / "gates.yaml"
    policy.write_text(policy.read_text().replace("line_rate >= 80%", "line_rate >= 99%"))


def _insecure_image(example: Path) -> None:
    shutil.copy(DATA / "trivy" / "image.json", example / "examples" / "reports" / "trivy.json")


def _drop_rollback_section(example: Path) -> None:
    runbook = example / "examples" / "ops" / "runbook.md"
    runbook.write_text(runbook.read_text().replace("## Rollback", "## Going back"))


@pytest.mark.parametrize(
    ("damage", "args", "gate", "line"),
    [
        (_raise_coverage_bar, (), "Code quality", "FAIL  line_rate 97.14% is not >= 99%"),
        (None, ("--var", "PEAK_RPS=1000"), "Performance", "is not >= 1000/s"),
        (_insecure_image, (), "Security", "FAIL  vulnerabilities.critical 1 is not == 0"),
        (_drop_rollback_section, (), "Operational readiness", "FAIL  problems"),
    ],
    ids=["code-quality", "performance", "security", "operational-readiness"],
)
def test_each_gate_blocks_on_real_values(example: Path, damage, args, gate: str, line: str) -> None:
    if damage is not None:
        damage(example)
    result = qualitygates("run", *args, cwd=example)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"FAIL  {gate} [" in result.stdout
    assert line in result.stdout
    assert result.stdout.splitlines()[-1] == "3/4 gates passed — deployment blocked"


def test_a_missing_load_test_report_is_an_error_not_a_pass(example: Path) -> None:
    (example / "examples" / "reports" / "k6-summary.json").unlink()
    result = qualitygates("run", cwd=example)
    assert result.returncode == 3
    assert "k6-summary.json does not exist" in result.stdout
    assert "deployment blocked: a check could not be evaluated" in result.stdout
