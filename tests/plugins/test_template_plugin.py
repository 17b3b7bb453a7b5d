"""The adapter the plugin guide shows, installed through an entry point, works end to end.

The guide's copy is the one installed: the test reads it out of docs/plugins.md, checks
that it is `examples/template/qualitygates_bundles.py` to the byte, and registers it the
way a distribution does, with an `entry_points.txt` on PYTHONPATH.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "template" / "qualitygates_bundles.py"
MARKER = "<!-- examples/template/qualitygates_bundles.py, verbatim"
POLICY = """\
version: 1
gates:
  - id: web
    checks:
      - id: bundles
        adapter: bundles
        with: {path: dist/bundles.json}
        conditions: [bytes <= 500KB, over_budget == 0]
"""
APP = {"name": "app.js", "bytes": 48213, "budget": 50000, "change": -96}
VENDOR = {"name": "vendor.js", "bytes": 181000, "budget": 150000, "change": 2048}


def shown_in_the_guide() -> str:
    guide = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    block = re.search(r"```python\n(.*?)```", guide[guide.index(MARKER) :], re.DOTALL)
    assert block is not None, "the guide has no python block after its marker"
    return block.group(1)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder for PYTHONPATH: the guide's module, and metadata registering its adapter."""
    folder = tmp_path_factory.mktemp("site")
    (folder / "qualitygates_bundles.py").write_text(shown_in_the_guide(), encoding="utf-8")
    info = folder / "qualitygates_bundles-1.0.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: qualitygates-bundles\nVersion: 1.0.0\n"
    )
    (info / "entry_points.txt").write_text(
        "[qualitygates.adapters]\nbundles = qualitygates_bundles:BundlesAdapter\n"
    )
    return folder


def qualitygates(site: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(ROOT)])}
    return subprocess.run(
        [sys.executable, "-m", "qualitygates", *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def project(tmp_path: Path, *bundles: object, policy: str = POLICY) -> Path:
    (tmp_path / "dist").mkdir()
    (tmp_path / "dist" / "bundles.json").write_text(json.dumps({"bundles": list(bundles)}))
    (tmp_path / "gates.yaml").write_text(policy)
    return tmp_path


def test_the_guide_shows_the_example_file_whole_in_under_60_lines() -> None:
    shown = shown_in_the_guide()
    assert shown == EXAMPLE.read_text(encoding="utf-8")
    assert len(shown.splitlines()) < 60


def test_a_bundle_over_its_budget_fails_the_run_until_it_is_waived(
    site: Path, tmp_path: Path
) -> None:
    folder = project(tmp_path, APP, VENDOR)
    listed = qualitygates(site, folder, "adapters")
    assert "[qualitygates-bundles 1.0.0]" in listed.stdout
    explained = qualitygates(site, folder, "explain", "bundles").stdout
    assert (
        "bundles.json file(s): a glob or a list of globs; their bundles are added up" in explained
    )
    failed = qualitygates(site, folder, "run")
    assert failed.returncode == 1, failed.stderr
    assert "FAIL  over_budget 1 is not == 0" in failed.stdout
    assert "vendor.js  181000 bytes, over its budget of 150000" in failed.stdout
    waiver = "        waivers: [{id: vendor.js, reason: split planned in WEB-12}]\n"
    (folder / "gates.yaml").write_text(POLICY + waiver)
    passed = qualitygates(site, folder, "run")
    assert passed.returncode == 0, passed.stdout + passed.stderr


def test_validate_refuses_max_age_on_an_adapter_whose_reports_carry_no_time(
    site: Path, tmp_path: Path
) -> None:
    policy = POLICY.replace("        with:", "        max_age: 24h\n        with:")
    refused = qualitygates(site, project(tmp_path, APP, policy=policy), "validate")
    assert refused.returncode == 2
    assert (
        "gates.yaml:7:18: max_age: bundles reports do not say when they were made, so their "
        "age cannot be checked; remove max_age"
    ) in refused.stderr


def test_a_negative_size_is_a_corrupt_report_but_a_negative_change_is_not(
    site: Path, tmp_path: Path
) -> None:
    folder = project(tmp_path, APP)  # a change of -96 bytes
    assert qualitygates(site, folder, "run").returncode == 0
    (folder / "dist" / "bundles.json").write_text(json.dumps({"bundles": [{**APP, "bytes": -5}]}))
    corrupt = qualitygates(site, folder, "run")
    assert corrupt.returncode == 3
    assert "bytes is -5 B, outside 0 B or more" in corrupt.stdout + corrupt.stderr


def test_a_report_of_another_shape_is_an_error_naming_the_file(site: Path, tmp_path: Path) -> None:
    wrong = qualitygates(site, project(tmp_path, {**APP, "bytes": "48 kB"}), "run")
    assert wrong.returncode == 3
    report = tmp_path / "dist" / "bundles.json"
    assert f"{report} is not a bundles.json: see `qualitygates explain bundles`" in wrong.stdout
