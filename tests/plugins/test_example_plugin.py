"""The example plugin, installed with pip as a third party would, works like a built-in."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def plugin_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
         "--target", str(target), str(ROOT / "examples" / "plugin")],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    return target


def qualitygates(plugin_path: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(plugin_path), str(ROOT)])}
    return subprocess.run(
        [sys.executable, "-m", "qualitygates", *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_listed_and_explained(plugin_path: Path, tmp_path: Path) -> None:
    listing = qualitygates(plugin_path, "adapters", cwd=tmp_path)
    assert "todo " in listing.stdout and "[qualitygates-todo 1.0.0]" in listing.stdout
    explained = qualitygates(plugin_path, "explain", "todo", cwd=tmp_path)
    assert "  fixme [count]" in explained.stdout


def test_validated_run_and_waived(plugin_path: Path, tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text(
        "x = 1  # TODO: tidy\ny = 2  # FIXME: wrong on leap years\n"
    )
    policy = textwrap.dedent("""\
        version: 1
        gates:
          - id: hygiene
            checks:
              - id: markers
                adapter: todo
                with: {path: "src/*.py"}
                conditions: [fixme == 0, markers <= 5]
        """)  # fmt: skip
    (tmp_path / "gates.yaml").write_text(policy)
    failed = qualitygates(plugin_path, "run", cwd=tmp_path)
    assert failed.returncode == 1
    assert "FAIL  fixme 1 is not == 0" in failed.stdout
    (tmp_path / "gates.yaml").write_text(policy.replace("fixme ==", "fixmee =="))
    invalid = qualitygates(plugin_path, "validate", cwd=tmp_path)
    assert invalid.returncode == 2 and "did you mean 'fixme'?" in invalid.stderr
    waived = policy + "        waivers: [{id: FIXME, reason: tracked in CAL-7, path: src/app.py}]\n"
    (tmp_path / "gates.yaml").write_text(waived)
    assert qualitygates(plugin_path, "run", cwd=tmp_path).returncode == 0
