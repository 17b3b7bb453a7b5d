"""End to end: the security gate with four scanners and waivers that apply, expire and go unused."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

from junitparser import JUnitXml

DATA = Path(__file__).resolve().parents[1] / "data"

POLICY = """\
version: 1
gates:
  - id: security
    name: Security
    checks:
      - id: image
        adapter: trivy
        with: {path: reports/trivy.json}
        conditions: [vulnerabilities.critical == 0, vulnerabilities.high <= 2]
        waivers:
          - {id: CVE-2026-0001, reason: "not reachable, see SEC-12", expires: 2026-12-31, package: openssl}
          - {id: CVE-2026-0002, reason: "old exception", expires: 2026-01-31}
          - {id: CVE-2020-9999, reason: "fixed long ago"}
      - id: dependencies
        adapter: dependency_check
        with: {path: reports/dependency-check.json}
        conditions: [vulnerabilities.total >= 0]
      - id: secrets
        adapter: gitleaks
        with: {path: reports/gitleaks.json}
        conditions: [secrets.total == 0]
      - id: dast
        adapter: zap
        with: {path: reports/zap.json}
        conditions: [alerts.high == 0]
"""


def run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "qualitygates", "run", "--now", "2026-11-24T12:00:00Z", *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_security_gate_with_waivers(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    reports.mkdir()
    shutil.copy(DATA / "trivy" / "image.json", reports / "trivy.json")
    shutil.copy(DATA / "dependency_check" / "clean.json", reports / "dependency-check.json")
    shutil.copy(DATA / "gitleaks" / "clean.json", reports / "gitleaks.json")
    shutil.copy(DATA / "zap" / "clean.json", reports / "zap.json")
    (tmp_path / "gates.yaml").write_text(textwrap.dedent(POLICY))

    result = run(tmp_path, "--json", "out/result.json", "--junit", "out/result.xml")

    # The critical CVE is waived; the expired waiver no longer hides the HIGH busybox CVE,
    # which with lodash's GHSA makes 2 highs: still within the threshold.
    assert result.returncode == 0, result.stdout + result.stderr
    assert "waiver CVE-2026-0002 EXPIRED on 2026-01-31: it no longer applies" in result.stdout
    assert "waiver CVE-2020-9999 matched nothing: remove it if it is stale" in result.stdout

    data = json.loads((tmp_path / "out" / "result.json").read_text())
    image = data["gates"][0]["checks"][0]
    assert image["metrics"]["vulnerabilities.critical"]["value"] == 0
    assert image["metrics"]["vulnerabilities.high"]["value"] == 2
    waived = [f for f in image["findings"] if f["waived"]]
    assert ("CVE-2026-0001", "not reachable, see SEC-12") in [
        (f["id"], f["waiver_reason"]) for f in waived
    ]
    assert {w["id"]: w["state"] for w in image["waivers"]} == {
        "CVE-2026-0001": "applied",
        "CVE-2026-0002": "expired",
        "CVE-2020-9999": "unused",
    }

    suite = next(iter(JUnitXml.fromfile(str(tmp_path / "out" / "result.xml"))))
    system_out = suite._elem.findtext("system-out")
    assert (
        "image: waiver CVE-2026-0001 applied to 1 finding(s): not reachable, see SEC-12"
        in system_out
    )
    assert "image: waiver CVE-2026-0002 EXPIRED on 2026-01-31" in system_out
    assert "image: waiver CVE-2020-9999 matched nothing" in system_out


def test_without_the_waiver_the_critical_cve_blocks(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    reports.mkdir()
    shutil.copy(DATA / "trivy" / "image.json", reports / "trivy.json")
    for name, source in (
        ("dependency-check.json", "dependency_check"),
        ("gitleaks.json", "gitleaks"),
        ("zap.json", "zap"),
    ):
        shutil.copy(DATA / source / "clean.json", reports / name)
    (tmp_path / "gates.yaml").write_text(
        textwrap.dedent(POLICY).replace("expires: 2026-12-31", "expires: 2026-11-01")
    )
    result = run(tmp_path)
    assert result.returncode == 1
    assert "FAIL  vulnerabilities.critical 1 is not == 0" in result.stdout


def test_a_base_waiver_ceiling_keeps_the_critical_cve_from_being_waived(tmp_path: Path) -> None:
    """The organisation's base says no waiver accepts a critical finding; the repository's
    own waiver of the critical CVE is refused, so the gate fails, and it cannot raise it."""
    reports = tmp_path / "reports"
    reports.mkdir()
    shutil.copy(DATA / "trivy" / "image.json", reports / "trivy.json")
    for name, source in (
        ("dependency-check.json", "dependency_check"),
        ("gitleaks.json", "gitleaks"),
        ("zap.json", "zap"),
    ):
        shutil.copy(DATA / source / "clean.json", reports / name)
    (tmp_path / "base.yaml").write_text("version: 1\nwaiver_ceiling: high\ngates: []\n")
    policy = textwrap.dedent(POLICY).replace("version: 1\n", "version: 1\nextends: [base.yaml]\n")
    (tmp_path / "gates.yaml").write_text(policy)
    result = run(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "FAIL  vulnerabilities.critical 1 is not == 0" in result.stdout
    assert (
        "waiver CVE-2026-0001 cannot accept 1 finding(s) more severe than the policy's "
        "waiver_ceiling" in result.stdout
    )
    raised = policy.replace(
        "extends: [base.yaml]\n", "extends: [base.yaml]\nwaiver_ceiling: critical\n"
    )
    (tmp_path / "gates.yaml").write_text(raised)
    refused = run(tmp_path)
    assert refused.returncode == 2
    assert "raises the base's waiver_ceiling to critical" in refused.stderr
