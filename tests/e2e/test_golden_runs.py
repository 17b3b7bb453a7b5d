"""End to end: whole runs whose JSON result, every report and the console match golden files.

Speed work changes how findings are built, counted and sorted; these files were made before
it began, so any change in what a user reads shows here. Only timings and the folder the run
happened in are zeroed. `QUALITYGATES_UPDATE_GOLDEN=1` rewrites them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from tests.helpers import qualitygates

DATA = Path(__file__).resolve().parents[1] / "data"
GOLDEN = Path(__file__).parent / "golden"
NOW = "2026-12-01T00:00:00Z"
REPORTS = {
    "json": "result.json",
    "junit": "junit.xml",
    "markdown": "summary.md",
    "html": "report.html",
    "sarif": "findings.sarif",
    "codequality": "codequality.json",
    "metrics": "metrics.prom",
}

FINDINGS_POLICY = """\
version: 1
gates:
  - id: code-quality
    name: Code quality
    checks:
      - id: coverage
        adapter: coverage
        with: {path: reports/cobertura.xml}
        conditions: [line_rate >= 90%]
      - id: tests
        adapter: junit
        with: {path: reports/surefire.xml}
        conditions: [failures == 0, pass_rate >= 99%]
      - id: ruff
        adapter: lint
        with: {path: reports/ruff.json}
        conditions: [errors == 0, {expr: "fixable <= 1", on_fail: warn}]
      - id: eslint
        adapter: lint
        with: {path: reports/eslint.json}
        conditions: [errors <= 5, warnings <= 100]
      - id: scanners
        adapter: sarif
        with: {path: reports/multi.sarif}
        conditions: [security.high == 0, results.error <= 10]
  - id: security
    name: Security
    checks:
      - id: image
        adapter: trivy
        with: {path: reports/trivy.json}
        conditions:
          - vulnerabilities.critical == 0
          - new.vulnerabilities.high == 0
          - {expr: "vulnerabilities.total <= baseline", on_no_baseline: warn}
        waivers:
          - {id: CVE-2026-0001, reason: "not reachable, see SEC-12", expires: 2026-12-31}
          - {id: CVE-2020-9999, reason: "fixed long ago"}
      - id: dependencies
        adapter: dependency_check
        with: {path: reports/dependency-check.json}
        conditions: [vulnerabilities.critical == 0]
      - id: snyk
        adapter: snyk
        with: {path: reports/snyk.json}
        conditions: [vulnerabilities.high <= 1]
      - id: secrets
        adapter: gitleaks
        with: {path: reports/gitleaks.json}
        conditions: [secrets.total == 0]
      - id: dast
        adapter: zap
        with: {path: reports/zap.json}
        conditions: [alerts.high == 0, {expr: "alerts.medium <= 1", on_fail: warn}]
"""

FINDINGS_REPORTS = {
    "cobertura.xml": "coverage/cobertura.xml",
    "surefire.xml": "junit/surefire-reruns.xml",
    "ruff.json": "lint/ruff.json",
    "eslint.json": "lint/eslint.json",
    "multi.sarif": "sarif/multi.sarif",
    "dependency-check.json": "dependency_check/report.json",
    "snyk.json": "snyk/all-projects.json",
    "gitleaks.json": "gitleaks/v8.json",
    "zap.json": "zap/two-sites.json",
}


def zero_timings(name: str, text: str, root: Path) -> str:
    """`text` with the run's folder and every duration made constant."""
    text = text.replace(str(root), "<ROOT>")
    if name.endswith(".json") and '"duration"' in text:
        return json.dumps(_zero_durations(json.loads(text)), indent=2, ensure_ascii=False) + "\n"
    text = re.sub(r' time="[0-9.]+"', ' time="0"', text)  # JUnit
    text = re.sub(r"took [0-9.]+ s", "took 0 s", text)  # HTML
    return re.sub(r"(_duration_seconds(?:\{[^}]*\})?) [0-9.e-]+", r"\1 0", text)  # metrics


def _zero_durations(value: object) -> object:
    if isinstance(value, dict):
        return {k: 0 if k == "duration" else _zero_durations(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_zero_durations(item) for item in value]
    return value


def run_with_every_report(root: Path, *args: str) -> tuple[int, dict[str, str]]:
    """Exit code, and every report and the console as `zero_timings` leaves them."""
    reports = [f"--report={fmt}=out/{file}" for fmt, file in REPORTS.items()]
    done = qualitygates("run", "-v", "--no-color", "--now", NOW, *reports, *args, cwd=root)
    assert not done.stderr.strip(), done.stderr
    texts = {"console.txt": done.stdout}
    texts |= {file: (root / "out" / file).read_text(encoding="utf-8") for file in REPORTS.values()}
    return done.returncode, {name: zero_timings(name, text, root) for name, text in texts.items()}


def assert_matches_golden(scenario: str, texts: dict[str, str]) -> None:
    folder = GOLDEN / scenario
    if os.environ.get("QUALITYGATES_UPDATE_GOLDEN") == "1":
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in texts.items():
            (folder / name).write_text(text, encoding="utf-8")
    differing = [n for n, t in texts.items() if (folder / n).read_text(encoding="utf-8") != t]
    assert not differing, f"{scenario}: {differing} differ from tests/e2e/golden/{scenario}/"


def test_bundled_example_reports_match_golden(example: Path) -> None:
    code, texts = run_with_every_report(example)
    assert code == 0, texts["console.txt"]
    assert_matches_golden("example", texts)


@pytest.fixture
def findings_project(tmp_path: Path) -> Path:
    """Reports of ten tools with findings: failures, warnings, waivers and a baseline."""
    (tmp_path / "reports").mkdir()
    for name, source in FINDINGS_REPORTS.items():
        shutil.copy(DATA / source, tmp_path / "reports" / name)
    (tmp_path / "gates.yaml").write_text(FINDINGS_POLICY)
    shutil.copy(DATA / "trivy" / "fs.json", tmp_path / "reports" / "trivy.json")
    before = qualitygates("run", "-q", "--now", NOW, "--json", "baseline.json", cwd=tmp_path)
    assert before.returncode == 1, before.stdout + before.stderr
    shutil.copy(DATA / "trivy" / "image.json", tmp_path / "reports" / "trivy.json")
    return tmp_path


def test_failing_run_with_findings_matches_golden(findings_project: Path) -> None:
    code, texts = run_with_every_report(
        findings_project, "--baseline", "baseline.json", "--baseline-any"
    )
    assert code == 1, texts["console.txt"]
    assert_matches_golden("findings", texts)


def test_quiet_console_of_a_failing_run_matches_golden(findings_project: Path) -> None:
    done = qualitygates("run", "-q", "--no-color", "--now", NOW, cwd=findings_project)
    assert done.returncode == 1
    assert_matches_golden(
        "quiet", {"console.txt": zero_timings("c", done.stdout, findings_project)}
    )
