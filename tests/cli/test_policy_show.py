"""`qualitygates policy show`: the resolved policy with the source of each value, pinned
in golden files (QUALITYGATES_UPDATE_GOLDEN=1 rewrites them)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml

from tests.helpers import qualitygates

GOLDEN = Path(__file__).parent / "golden"
BASE = """\
version: 1
waivers:
  - {id: CVE-2024-1, reason: accepted by the platform team}
gates:
  - id: code-quality
    checks:
      - id: coverage
        adapter: coverage
        with: {path: coverage.xml}
        conditions:
          - line_rate >= 80%
          - {expr: "branch_rate >= 70%", locked: true}
"""
POLICY = """\
version: 1
extends: [../org/base.yaml]
gates:
  - id: code-quality
    checks:
      - id: coverage
        with: {path: reports/coverage.xml}
        conditions: [line_rate >= 90%]
      - id: tests
        adapter: junit
        with: {path: junit.xml}
        conditions: [failures == 0]
"""


@pytest.mark.parametrize(
    ("form", "golden"), [("text", "policy-show.txt"), ("json", "policy-show.json")]
)
def test_policy_show_matches_golden(tmp_path: Path, form: str, golden: str) -> None:
    (tmp_path / "org").mkdir()
    (tmp_path / "org" / "base.yaml").write_text(BASE)
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / "gates.yaml").write_text(POLICY)
    done = qualitygates("policy", "show", "--format", form, cwd=tmp_path / "repo")
    assert done.returncode == 0, done.stderr
    if os.environ.get("QUALITYGATES_UPDATE_GOLDEN") == "1":
        (GOLDEN / golden).write_text(done.stdout)
    assert done.stdout == (GOLDEN / golden).read_text()
    resolved = (
        json.loads(done.stdout)["resolved"] if form == "json" else yaml.safe_load(done.stdout)
    )
    checks = resolved["gates"][0]["checks"]
    assert [c["id"] for c in checks] == ["coverage", "tests"]
    assert checks[0]["with"] == {"path": "reports/coverage.xml"}


def test_policy_show_refuses_an_invalid_policy(tmp_path: Path) -> None:
    (tmp_path / "gates.yaml").write_text("version: 1\ngates: []\n")
    done = qualitygates("policy", "show", cwd=tmp_path)
    assert done.returncode == 2
    assert "gates.yaml:2:8: 'gates' must be a non-empty list" in done.stderr
