"""A check's severity_map: the policy's severities for some rules, never a different count."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.helpers import DATA, qualitygates

POLICY = """\
version: 1
gates:
  - id: security
    checks:
      - id: image
        adapter: trivy
        with: {path: trivy.json}
        conditions: [vulnerabilities.high <= 5, vulnerabilities.critical <= 5]
        severity_map: {"CVE-2026-0002": low, "GHSA-*": info, "*": high}
"""


def test_the_map_changes_how_findings_show_and_never_a_count(tmp_path: Path) -> None:
    shutil.copy(DATA / "trivy" / "image.json", tmp_path / "trivy.json")
    (tmp_path / "gates.yaml").write_text(POLICY.replace("severity_map", "#"))
    before = qualitygates("run", "--json", "plain.json", cwd=tmp_path)
    (tmp_path / "gates.yaml").write_text(POLICY)
    after = qualitygates("run", "--json", "mapped.json", cwd=tmp_path)
    assert before.returncode == after.returncode, after.stdout + after.stderr
    plain, mapped = (json.loads((tmp_path / f"{n}.json").read_text())["gates"][0]["checks"][0]
                     for n in ("plain", "mapped"))  # fmt: skip
    assert plain["metrics"] == mapped["metrics"]  # counted from Trivy's own severities
    severities = {f["id"]: f["severity"] for f in mapped["findings"]}
    assert severities["CVE-2026-0002"] == "low"  # the first entry that matches wins
    assert all(s == "info" for i, s in severities.items() if i.startswith("GHSA-"))
    assert all(s == "high" for i, s in severities.items()
               if i != "CVE-2026-0002" and not i.startswith("GHSA-"))  # fmt: skip
    assert any(f["severity"] != "high" for f in plain["findings"])


def test_a_bad_severity_is_a_policy_error_at_its_line(tmp_path: Path) -> None:
    (tmp_path / "gates.yaml").write_text(POLICY.replace(": low,", ": lowish,"))
    done = qualitygates("validate", cwd=tmp_path)
    assert done.returncode == 2
    assert "gates.yaml:9:" in done.stderr
    assert "severity_map: 'lowish' is not a severity (did you mean 'low'?)" in done.stderr
    (tmp_path / "gates.yaml").write_text(
        POLICY.replace('{"CVE-2026-0002": low, "GHSA-*": info, "*": high}', "[low]")
    )
    done = qualitygates("validate", cwd=tmp_path)
    assert done.returncode == 2 and "severity_map must map rules or ids" in done.stderr
